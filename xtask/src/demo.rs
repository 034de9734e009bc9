//! `cargo xtask demo`: start a sandbox with demo data, then run the quick starts against it:
//! Rust, Python, Node, then the `zkbio` CLI. Builds show cargo's progress: a first run
//! compiles every dependency (minutes on a small machine).

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use anyhow::{Context, Result, bail};

use crate::util;

/// A sandbox server process, killed when dropped.
pub struct SandboxProcess {
    child: Child,
    pub url: String,
}

impl SandboxProcess {
    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for SandboxProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Builds and starts `zkbiotime-sandbox --listen 127.0.0.1:0 <extra>`, and waits for its
/// `listening on http://ADDR` line.
pub fn start_sandbox(root: &Path, extra: &[&str]) -> Result<SandboxProcess> {
    let cargo = util::cargo();
    util::run(root, &cargo, &["build", "--quiet", "-p", "zkbiotime-sandbox"])?;
    start_sandbox_bin(&target_dir(root).join("debug/zkbiotime-sandbox"), extra)
}

/// Starts an already built sandbox binary (e.g. the release one for benchmarks).
pub fn start_sandbox_bin(bin: &Path, extra: &[&str]) -> Result<SandboxProcess> {
    let mut child = Command::new(bin)
        .args(["--listen", "127.0.0.1:0"])
        .args(extra)
        .stdout(Stdio::piped())
        .spawn()
        .with_context(|| format!("starting {}", bin.display()))?;
    let stdout = child.stdout.take().context("sandbox stdout")?;
    let mut first = String::new();
    BufReader::new(stdout).read_line(&mut first)?;
    let Some(url) = first.trim().strip_prefix("listening on ") else {
        let _ = child.kill();
        bail!("sandbox did not announce its address (got {first:?})");
    };
    Ok(SandboxProcess { url: url.to_string(), child })
}

pub fn target_dir(root: &Path) -> std::path::PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map(Into::into).unwrap_or_else(|| root.join("target"))
}

pub fn run(root: &Path) -> Result<()> {
    let cargo = util::cargo();
    eprintln!(
        "==> building the sandbox, the Rust quick start and zkbio (first run: a few minutes)"
    );
    let build = ["build", "-p", "zkbiotime-sandbox", "-p", "zkbiotime-cli", "-p", "zkbiotime"];
    util::run(root, &cargo, &[&build[..], &["--example", "quickstart"]].concat())?;

    eprintln!("\n==> starting the sandbox (a local ZKBio Time 9.0 with the manual's demo data)");
    let sandbox = start_sandbox_bin(
        &target_dir(root).join("debug/zkbiotime-sandbox"),
        &["--employees", "200", "--days", "7"],
    )?;
    eprintln!("    sandbox listening on {} (user admin / admin123)", sandbox.url);

    eprintln!("\n==> Rust quick start (crates/zkbiotime/examples/quickstart.rs)");
    let status = Command::new(&cargo)
        .args(["run", "--quiet", "-p", "zkbiotime", "--example", "quickstart"])
        .env("ZKBIO_URL", &sandbox.url)
        .env("ZKBIO_USERNAME", "admin")
        .env("ZKBIO_PASSWORD", "admin123")
        .current_dir(root)
        .status()?;
    if !status.success() {
        bail!("the Rust quick start failed ({status})");
    }

    eprintln!(
        "\n==> Python quick start (bindings/python/README.md, built with maturin into a venv)"
    );
    crate::bindings::python::quickstart(root, &sandbox.url)?;

    eprintln!("\n==> Node quick start (bindings/node/README.md, on the dev addon)");
    crate::bindings::node::quickstart(root, &sandbox.url)?;

    crate::cli_demo::demo_steps(root, &sandbox.url)?;

    eprintln!("\ndemo finished; the sandbox stops now");
    Ok(())
}
