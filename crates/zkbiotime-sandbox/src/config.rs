//! Sandbox settings and a builder for tests.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use crate::faults::FaultSpec;
use crate::link::Compression;
use crate::server::{Sandbox, spawn};
use crate::tls::{TestCerts, TlsConfig};
use crate::version::ServerVersion;

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
    /// Share of generated punches uploaded hours or days after their punch time (also the
    /// late share of live punches when set).
    pub late_uploads: f64,
    /// Failures injected into API requests.
    pub faults: FaultSpec,
    /// New punches per second inserted in the background (0 = none).
    pub live_rate: f64,
    /// Serve HTTPS with this certificate.
    pub tls: Option<TlsConfig>,
    /// The CA that signed `tls`, when the sandbox generated it (for clients to trust).
    pub tls_ca_pem: Option<String>,
    /// Answer every non-login request with this scenario of the hostile corpus.
    pub hostile: Option<String>,
    /// The BioTime version whose answer shapes, envelope, paging and endpoints to serve.
    pub server_version: ServerVersion,
    /// Refuse Token / JWT requests to `/personnel/` and `/iclock/` with 403, as servers
    /// whose licence lacks the API module do (HTTP Basic passes).
    pub licence_gate: bool,
    /// How a proxy in front compresses answers the client accepts encoded (gzip default).
    pub compression: Compression,
    /// Bandwidth of the link to the client, in Mbit/s (unlimited when `None`).
    pub bandwidth_mbps: Option<f64>,
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
            faults: FaultSpec::default(),
            live_rate: 0.0,
            tls: None,
            tls_ca_pem: None,
            hostile: None,
            server_version: ServerVersion::default(),
            licence_gate: false,
            compression: Compression::default(),
            bandwidth_mbps: None,
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

    pub fn faults(mut self, spec: FaultSpec) -> Self {
        self.config.faults = spec;
        self
    }

    /// Parses a `--faults` spec; panics on a bad one (tests want to fail loudly).
    pub fn faults_spec(self, spec: &str) -> Self {
        let parsed = spec.parse().unwrap_or_else(|e| panic!("bad fault spec: {e}"));
        self.faults(parsed)
    }

    /// `Retry-After` of injected 429 answers, in seconds (fractions allowed for tests).
    pub fn retry_after(mut self, secs: f64) -> Self {
        self.config.faults.retry_after = secs;
        self
    }

    pub fn live(mut self, punches_per_second: f64) -> Self {
        self.config.live_rate = punches_per_second;
        self
    }

    pub fn tls(mut self, tls: TlsConfig) -> Self {
        self.config.tls = Some(tls);
        self
    }

    /// Serves HTTPS with a freshly generated CA and certificate; the CA is available from
    /// [`Sandbox::tls_ca_pem`].
    pub fn self_signed_tls(mut self) -> anyhow::Result<Self> {
        let certs: TestCerts = crate::tls::self_signed()?;
        self.config.tls = Some(certs.tls_config());
        self.config.tls_ca_pem = Some(certs.ca_pem);
        Ok(self)
    }

    /// Logins work as usual; every other request gets the scripted answer of the hostile
    /// scenario `name` (see `crates/zkbiotime-sandbox/hostile/corpus.json`). `spawn` fails on an unknown name.
    pub fn hostile(mut self, name: &str) -> Self {
        self.config.hostile = Some(name.into());
        self
    }

    /// Serve the shapes, envelope, paging and endpoints of this server version (default
    /// 9.0, the manual's).
    pub fn server_version(mut self, version: ServerVersion) -> Self {
        self.config.server_version = version;
        self
    }

    /// Answer Token / JWT requests to `/personnel/` and `/iclock/` with the 403 of a
    /// licence without the API module; HTTP Basic and `/att/` pass.
    pub fn licence_gate(mut self, on: bool) -> Self {
        self.config.licence_gate = on;
        self
    }

    /// How answers are compressed for clients that accept it (default gzip; `Off` plays a
    /// server reached directly).
    pub fn compression(mut self, compression: Compression) -> Self {
        self.config.compression = compression;
        self
    }

    /// Limits the link to the client to `mbps` Mbit/s, shared by every connection.
    pub fn bandwidth_mbps(mut self, mbps: f64) -> Self {
        self.config.bandwidth_mbps = Some(mbps);
        self
    }

    pub fn build(self) -> SandboxConfig {
        self.config
    }

    pub async fn spawn(self) -> anyhow::Result<Sandbox> {
        spawn(self.config).await
    }
}
