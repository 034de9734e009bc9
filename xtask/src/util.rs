//! Small helpers shared by the xtask commands.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, bail};

/// Runs a command in `dir`, echoing it first; fails with the command line on a non-zero exit.
pub fn run(dir: &Path, program: &str, args: &[&str]) -> Result<()> {
    eprintln!("$ {program} {}", args.join(" "));
    let status = Command::new(program)
        .args(args)
        .current_dir(dir)
        .status()
        .with_context(|| format!("starting `{program}`"))?;
    if !status.success() {
        bail!("`{program} {}` failed ({status})", args.join(" "));
    }
    Ok(())
}

/// `cargo` as the xtask was started with, so rustup's toolchain choice carries over.
pub fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string())
}
