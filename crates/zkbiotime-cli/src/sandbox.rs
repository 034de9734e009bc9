//! `zkbio sandbox`: the `zkbiotime-sandbox` library's server, for trying zkbio out.
//!
//! The sandbox crate keeps its clap `Args` private to its binary, so the flags are
//! declared here again and mapped onto its public `SandboxConfig`; the fault syntax and its
//! help text (`FaultSpec`, `SPEC_HELP`) are the sandbox's own. The login is the global
//! `--username` / `--password` when given, otherwise admin / admin123.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Result;
use clap::Args;
use zkbiotime_sandbox::faults::{FaultSpec, SPEC_HELP};
use zkbiotime_sandbox::{SandboxConfig, TlsConfig};

use crate::cli::ConnectionArgs;

#[derive(Args, Debug)]
pub struct SandboxArgs {
    /// Address to listen on; port 0 picks a free port (the URL is printed first)
    #[arg(long, default_value = "127.0.0.1:8097")]
    pub listen: SocketAddr,
    /// SQLite database file (created if missing, served as is if it exists); in memory
    /// when omitted
    #[arg(long)]
    pub db: Option<PathBuf>,
    /// Generated employees (E000001, ...), each punching 4 times a day
    #[arg(long, default_value_t = 0)]
    pub employees: usize,
    /// Days of generated punches, ending 2024-06-30
    #[arg(long, default_value_t = 7)]
    pub days: u32,
    /// Seed of the generator and of every random choice (faults included)
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Start without the demo data
    #[arg(long)]
    pub empty: bool,
    /// A static "general" token the server always accepts
    #[arg(long)]
    pub static_token: Option<String>,
    /// Share (0..1) of generated punches uploaded late (old punch time, new id)
    #[arg(long, default_value_t = 0.0)]
    pub late_uploads: f64,
    /// Inject failures into API requests (deterministic with --seed)
    #[arg(long, value_name = "SPEC", long_help = SPEC_HELP)]
    pub faults: Option<FaultSpec>,
    /// Insert this many new punches per second in the background
    #[arg(long, value_name = "RATE", default_value_t = 0.0)]
    pub live: f64,
    /// Serve HTTPS with this PEM certificate chain (needs --tls-key)
    #[arg(long, value_name = "PEM", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// PEM private key for --tls-cert
    #[arg(long, value_name = "PEM", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
}

pub async fn run(args: SandboxArgs, conn: &ConnectionArgs) -> Result<()> {
    let defaults = SandboxConfig::default();
    let config = SandboxConfig {
        listen: args.listen,
        username: conn.username.clone().unwrap_or(defaults.username.clone()),
        password: conn.password.clone().unwrap_or(defaults.password.clone()),
        static_token: args.static_token,
        db_path: args.db,
        empty: args.empty,
        employees: args.employees,
        days: args.days,
        seed: args.seed,
        late_uploads: args.late_uploads,
        faults: args.faults.unwrap_or_default(),
        live_rate: args.live,
        tls: match (&args.tls_cert, &args.tls_key) {
            (Some(cert), Some(key)) => Some(TlsConfig::from_files(cert, key)?),
            _ => None,
        },
        ..defaults
    };
    let username = config.username.clone();
    let sandbox = zkbiotime_sandbox::spawn(config).await?;
    {
        let mut out = std::io::stdout().lock();
        writeln!(out, "listening on {}", sandbox.url())?;
        out.flush()?;
    }
    eprintln!(
        "zkbio sandbox: {} punches; try\n  export ZKBIO_URL={} ZKBIO_USERNAME={username}\n  \
         zkbio employees list\nCtrl-C stops it.",
        sandbox.transaction_count(),
        sandbox.url()
    );
    tokio::signal::ctrl_c().await?;
    sandbox.shutdown().await;
    Ok(())
}
