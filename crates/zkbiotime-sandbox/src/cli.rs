//! The sandbox's command-line flags, shared by the `zkbiotime-sandbox` binary and
//! `zkbio sandbox` so they are declared once.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::Args;

use crate::faults::{FaultSpec, SPEC_HELP};
use crate::{SandboxConfig, TlsConfig, spawn};

/// Every flag of the sandbox but the login (which `zkbio` takes from its own flags).
#[derive(Args, Debug, Clone)]
pub struct SandboxArgs {
    /// Address to listen on; port 0 picks a free port (the real one is printed).
    #[arg(long, default_value = "127.0.0.1:8097")]
    pub listen: SocketAddr,
    /// SQLite database file (created if missing, served as is if it exists); in memory
    /// when omitted.
    #[arg(long)]
    pub db: Option<PathBuf>,
    /// Generated employees (E000001, ...), each punching 4 times a day.
    #[arg(long, default_value_t = 0)]
    pub employees: usize,
    /// Days of generated punches, ending 2024-06-30.
    #[arg(long, default_value_t = 7)]
    pub days: u32,
    /// Seed for the generator and every other random choice.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// A static "general" token that is always accepted (Authorization: Token <it>).
    #[arg(long)]
    pub static_token: Option<String>,
    /// Start without the demo data.
    #[arg(long)]
    pub empty: bool,
    /// Lifetime of tokens from /jwt-api-token-auth/, in seconds.
    #[arg(long, default_value_t = 300)]
    pub jwt_lifetime: u64,
    /// Share (0..1) of generated punches uploaded hours to days after they were punched
    /// (late uploads get later ids and upload times but old punch times).
    #[arg(long, default_value_t = 0.0)]
    pub late_uploads: f64,
    /// Inject failures into API requests (deterministic with --seed).
    #[arg(long, value_name = "SPEC", long_help = SPEC_HELP)]
    pub faults: Option<FaultSpec>,
    /// Insert this many new punches per second in the background (some of them late).
    #[arg(long, value_name = "RATE", default_value_t = 0.0)]
    pub live: f64,
    /// Serve HTTPS with this PEM certificate chain (needs --tls-key).
    #[arg(long, value_name = "PEM", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// PEM private key for --tls-cert.
    #[arg(long, value_name = "PEM", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// Logins work as usual, every other request gets the scripted answer of this scenario
    /// of the hostile corpus (tests/hostile/corpus.json). `--hostile list` prints the names.
    #[arg(long, value_name = "NAME")]
    pub hostile: Option<String>,
}

impl SandboxArgs {
    /// The configuration these flags describe, serving `username` / `password`.
    pub fn into_config(self, username: String, password: String) -> anyhow::Result<SandboxConfig> {
        if let Some(name) = &self.hostile
            && name != "list"
        {
            crate::hostile::scenario(name)?;
        }
        Ok(SandboxConfig {
            listen: self.listen,
            username,
            password,
            static_token: self.static_token,
            db_path: self.db,
            empty: self.empty,
            employees: self.employees,
            days: self.days,
            seed: self.seed,
            jwt_lifetime: Duration::from_secs(self.jwt_lifetime),
            late_uploads: self.late_uploads,
            faults: self.faults.unwrap_or_default(),
            live_rate: self.live,
            tls: match (&self.tls_cert, &self.tls_key) {
                (Some(cert), Some(key)) => Some(TlsConfig::from_files(cert, key)?),
                _ => None,
            },
            hostile: self.hostile,
            ..SandboxConfig::default()
        })
    }
}

/// Starts the server, prints `listening on URL` as the first line of stdout (scripts wait
/// for it), runs `announce` (e.g. a hint on stderr), then serves until Ctrl-C.
pub async fn serve(
    config: SandboxConfig,
    announce: impl FnOnce(&crate::Sandbox),
) -> anyhow::Result<()> {
    let sandbox = spawn(config).await?;
    {
        let mut out = std::io::stdout().lock();
        writeln!(out, "listening on {}", sandbox.url())?;
        out.flush()?;
    }
    announce(&sandbox);
    tokio::signal::ctrl_c().await?;
    sandbox.shutdown().await;
    Ok(())
}
