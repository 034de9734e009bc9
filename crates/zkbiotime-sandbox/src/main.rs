//! `zkbiotime-sandbox`: run the sandbox server from the command line.

use std::io::Write;

use clap::Parser;
use zkbiotime_sandbox::cli::{SandboxArgs, serve};

/// A local server that behaves like a ZKBio Time 9.0 server (API, paging, errors, quirks).
///
/// Prints `listening on http://ADDR` as its first line of output, then serves until
/// interrupted. Log in with POST /api-token-auth/ {"username": "admin", "password":
/// "admin123"} unless --username/--password say otherwise.
#[derive(Parser, Debug)]
#[command(name = "zkbiotime-sandbox", version)]
struct Cli {
    #[arg(long, default_value = "admin")]
    username: String,
    #[arg(long, default_value = "admin123")]
    password: String,
    #[command(flatten)]
    sandbox: SandboxArgs,
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
    let cli = Cli::parse();
    if cli.sandbox.hostile.as_deref() == Some("list") {
        let mut out = std::io::stdout().lock();
        for s in zkbiotime_sandbox::hostile::corpus() {
            writeln!(out, "{:<32} {}", s.name, s.description)?;
        }
        return Ok(());
    }
    serve(cli.sandbox.into_config(cli.username, cli.password)?, |_| {}).await
}
