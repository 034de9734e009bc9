//! `zkbiotime-sandbox`: run the sandbox server from the command line.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;
use zkbiotime_sandbox::faults::{FaultSpec, SPEC_HELP};
use zkbiotime_sandbox::{SandboxConfig, TlsConfig, spawn};

/// A local server that behaves like a ZKBio Time 9.0 server (API, paging, errors, quirks).
///
/// Prints `listening on http://ADDR` as its first line of output, then serves until
/// interrupted. Log in with POST /api-token-auth/ {"username": "admin", "password":
/// "admin123"} unless --username/--password say otherwise.
#[derive(Parser, Debug)]
#[command(name = "zkbiotime-sandbox", version)]
struct Args {
    /// Address to listen on; port 0 picks a free port (the real one is printed).
    #[arg(long, default_value = "127.0.0.1:8097")]
    listen: SocketAddr,
    /// SQLite database file (created if missing, served as is if it exists); in memory
    /// when omitted.
    #[arg(long)]
    db: Option<PathBuf>,
    /// Generated employees (E000001, ...), each punching 4 times a day.
    #[arg(long, default_value_t = 0)]
    employees: usize,
    /// Days of generated punches, ending 2024-06-30.
    #[arg(long, default_value_t = 7)]
    days: u32,
    /// Seed for the generator and every other random choice.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    #[arg(long, default_value = "admin")]
    username: String,
    #[arg(long, default_value = "admin123")]
    password: String,
    /// A static "general" token that is always accepted (Authorization: Token <it>).
    #[arg(long)]
    static_token: Option<String>,
    /// Start without the demo data.
    #[arg(long)]
    empty: bool,
    /// Lifetime of tokens from /jwt-api-token-auth/, in seconds.
    #[arg(long, default_value_t = 300)]
    jwt_lifetime: u64,
    /// Share (0..1) of generated punches uploaded hours to days after they were punched
    /// (late uploads get later ids and upload times but old punch times).
    #[arg(long, default_value_t = 0.0)]
    late_uploads: f64,
    /// Inject failures into API requests (deterministic with --seed).
    #[arg(long, value_name = "SPEC", long_help = SPEC_HELP)]
    faults: Option<FaultSpec>,
    /// Insert this many new punches per second in the background (some of them late).
    #[arg(long, value_name = "RATE", default_value_t = 0.0)]
    live: f64,
    /// Serve HTTPS with this PEM certificate chain (needs --tls-key).
    #[arg(long, value_name = "PEM", requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// PEM private key for --tls-cert.
    #[arg(long, value_name = "PEM", requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// Logins work as usual, every other request gets the scripted answer of this scenario
    /// of the hostile corpus (tests/hostile/corpus.json). `--hostile list` prints the names.
    #[arg(long, value_name = "NAME")]
    hostile: Option<String>,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "zkbiotime_sandbox=info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let args = Args::parse();
    if args.hostile.as_deref() == Some("list") {
        let mut out = std::io::stdout().lock();
        for s in zkbiotime_sandbox::hostile::corpus() {
            writeln!(out, "{:<32} {}", s.name, s.description)?;
        }
        return Ok(());
    }
    if let Some(name) = &args.hostile {
        zkbiotime_sandbox::hostile::scenario(name)?;
    }
    let config = SandboxConfig {
        listen: args.listen,
        username: args.username,
        password: args.password,
        static_token: args.static_token,
        db_path: args.db,
        empty: args.empty,
        employees: args.employees,
        days: args.days,
        seed: args.seed,
        jwt_lifetime: Duration::from_secs(args.jwt_lifetime),
        late_uploads: args.late_uploads,
        faults: args.faults.unwrap_or_default(),
        live_rate: args.live,
        tls: match (&args.tls_cert, &args.tls_key) {
            (Some(cert), Some(key)) => Some(TlsConfig::from_files(cert, key)?),
            _ => None,
        },
        hostile: args.hostile,
        ..SandboxConfig::default()
    };
    let sandbox = spawn(config).await?;
    {
        let mut out = std::io::stdout().lock();
        writeln!(out, "listening on {}", sandbox.url())?;
        out.flush()?;
    }
    tokio::signal::ctrl_c().await?;
    sandbox.shutdown().await;
    Ok(())
}
