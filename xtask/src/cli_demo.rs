//! The `zkbio` part of `cargo xtask demo`: list employees, export a week of punches to CSV
//! (with a progress bar on a terminal), then sync twice to show that the second run finds
//! nothing new. Files go to `target/cli-demo/`.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, bail};

/// Runs the CLI steps against the sandbox at `url` (user admin / admin123).
pub fn demo_steps(root: &Path, url: &str) -> Result<()> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let status = Command::new(&cargo)
        .args(["build", "--quiet", "-p", "zkbiotime-cli"])
        .current_dir(root)
        .status()
        .context("building zkbio")?;
    if !status.success() {
        bail!("building zkbio failed ({status})");
    }
    let target =
        std::env::var_os("CARGO_TARGET_DIR").map(Into::into).unwrap_or_else(|| root.join("target"));
    run_steps(&target.join("debug/zkbio"), &target.join("cli-demo"), url)
}

/// The demo's `zkbio` commands with the binary `bin`, files written in `dir`.
pub fn run_steps(bin: &Path, dir: &Path, url: &str) -> Result<()> {
    std::fs::create_dir_all(dir)?;
    for old in ["week.csv", "state.json", "new-punches.jsonl"] {
        let _ = std::fs::remove_file(dir.join(old));
    }

    let zkbio = |title: &str, args: &[&str]| -> Result<()> {
        let shown: Vec<String> = args
            .iter()
            .map(|a| if a.contains(' ') { format!("'{a}'") } else { a.to_string() })
            .collect();
        eprintln!("\n==> {title}\n    $ zkbio {}", shown.join(" "));
        let status = Command::new(bin)
            .args(args)
            .env("ZKBIO_URL", url)
            .env("ZKBIO_USERNAME", "admin")
            .env("ZKBIO_PASSWORD", "admin123")
            .env_remove("ZKBIO_TOKEN")
            .current_dir(dir)
            .status()
            .with_context(|| format!("starting {}", bin.display()))?;
        if !status.success() {
            bail!("`zkbio {}` failed ({status})", args.join(" "));
        }
        Ok(())
    };
    eprintln!("\n==> zkbio, the command line (files in {})", dir.display());
    zkbio(
        "the first employees of department 1, as a table",
        &["employees", "list", "--department", "1", "--limit", "8", "--format", "table"],
    )?;
    zkbio(
        "one week of punches to CSV (progress bar on a terminal)",
        &[
            "transactions",
            "export",
            "--start-time",
            "2024-06-24 00:00:00",
            "--end-time",
            "2024-06-30 23:59:59",
            "--out",
            "week.csv",
        ],
    )?;
    let sync = ["transactions", "sync", "--state", "state.json", "--out", "new-punches.jsonl"];
    zkbio("sync: the first run takes every punch", &sync)?;
    zkbio("sync again: nothing new since the last run", &sync)?;
    Ok(())
}
