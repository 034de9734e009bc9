//! Sandbox settings and a builder for tests.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use crate::server::{Sandbox, spawn};

/// The custom employee attributes of the manual's example site.
pub const DEFAULT_CUSTOM_ATTRIBUTES: [&str; 7] =
    ["CNIC", "Passport", "conge", "Primary Job", "NIN", "mohamed", "FP"];

#[derive(Debug, Clone)]
pub struct SandboxConfig {
    /// Address to bind; port 0 picks a free one.
    pub listen: SocketAddr,
    pub username: String,
    pub password: String,
    /// A "general" token that is always valid (manual 2.2.3), besides login tokens.
    pub static_token: Option<String>,
    /// SQLite file; in memory when `None`. An existing file is served as it is.
    pub db_path: Option<PathBuf>,
    /// Skip the demo data.
    pub empty: bool,
    /// Generated employees (`E000001`..), each punching four times a day.
    pub employees: usize,
    /// Days of generated punches, ending 2024-06-30.
    pub days: u32,
    /// Seed of every random choice (generator, faults).
    pub seed: u64,
    pub jwt_lifetime: Duration,
    /// Extra top-level employee keys, stored and returned as nullable strings.
    pub custom_attributes: Vec<String>,
    /// Share of generated punches uploaded hours or days after their punch time.
    pub late_uploads: f64,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        SandboxConfig {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            username: "admin".into(),
            password: "admin123".into(),
            static_token: None,
            db_path: None,
            empty: false,
            employees: 0,
            days: 7,
            seed: 42,
            jwt_lifetime: Duration::from_secs(300),
            custom_attributes: DEFAULT_CUSTOM_ATTRIBUTES.iter().map(|s| s.to_string()).collect(),
            late_uploads: 0.0,
        }
    }
}

/// `SandboxBuilder::new().employees(100).days(5).spawn().await`
#[derive(Debug, Clone, Default)]
pub struct SandboxBuilder {
    pub config: SandboxConfig,
}

impl SandboxBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn listen(mut self, addr: SocketAddr) -> Self {
        self.config.listen = addr;
        self
    }

    pub fn credentials(mut self, username: &str, password: &str) -> Self {
        self.config.username = username.into();
        self.config.password = password.into();
        self
    }

    pub fn static_token(mut self, token: &str) -> Self {
        self.config.static_token = Some(token.into());
        self
    }

    pub fn db_path(mut self, path: impl Into<PathBuf>) -> Self {
        self.config.db_path = Some(path.into());
        self
    }

    pub fn empty(mut self, empty: bool) -> Self {
        self.config.empty = empty;
        self
    }

    pub fn employees(mut self, n: usize) -> Self {
        self.config.employees = n;
        self
    }

    pub fn days(mut self, days: u32) -> Self {
        self.config.days = days;
        self
    }

    pub fn seed(mut self, seed: u64) -> Self {
        self.config.seed = seed;
        self
    }

    pub fn jwt_lifetime(mut self, lifetime: Duration) -> Self {
        self.config.jwt_lifetime = lifetime;
        self
    }

    pub fn custom_attributes(mut self, names: &[&str]) -> Self {
        self.config.custom_attributes = names.iter().map(|s| s.to_string()).collect();
        self
    }

    pub fn late_uploads(mut self, fraction: f64) -> Self {
        self.config.late_uploads = fraction;
        self
    }

    pub fn build(self) -> SandboxConfig {
        self.config
    }

    pub async fn spawn(self) -> anyhow::Result<Sandbox> {
        spawn(self.config).await
    }
}
