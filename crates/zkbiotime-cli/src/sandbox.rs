//! `zkbio sandbox`: the `zkbiotime-sandbox` library's server, for trying zkbio out.
//!
//! The flags are the sandbox's own (`zkbiotime_sandbox::cli::SandboxArgs`); the login is
//! the global `--username` / `--password` when given, otherwise admin / admin123.

use anyhow::Result;
use zkbiotime_sandbox::SandboxConfig;
pub use zkbiotime_sandbox::cli::SandboxArgs;

use crate::cli::ConnectionArgs;

pub async fn run(args: SandboxArgs, conn: &ConnectionArgs) -> Result<()> {
    let defaults = SandboxConfig::default();
    let username = conn.username.clone().unwrap_or(defaults.username);
    let password = conn.password.clone().unwrap_or(defaults.password);
    let config = args.into_config(username.clone(), password)?;
    zkbiotime_sandbox::cli::serve(config, |sandbox| {
        eprintln!(
            "zkbio sandbox: {} punches; try\n  export ZKBIO_URL={} ZKBIO_USERNAME={username}\n  \
             zkbio employees list\nCtrl-C stops it.",
            sandbox.transaction_count(),
            sandbox.url()
        );
    })
    .await
}
