//! The release workflows in `.github/workflows/` cannot run here (they build for macOS,
//! Windows, Android and iOS); `cargo xtask test` lints them with actionlint so a broken one
//! is caught before a release. actionlint is built from the Go module proxy into
//! `target/tools/` the first time (Go comes with the machine; about 30 s).

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::{demo, util};

const ACTIONLINT: &str = "github.com/rhysd/actionlint/cmd/actionlint@v1.7.12";

pub fn lint(root: &Path) -> Result<()> {
    let bin = actionlint(root)?;
    let dir = root.join(".github/workflows");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "yml" || e == "yaml"))
        .collect();
    files.sort();
    if files.is_empty() {
        bail!("no workflow in .github/workflows");
    }
    let names: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
    let args: Vec<&str> = names.iter().map(String::as_str).collect();
    util::run(root, &bin.to_string_lossy(), &args)?;
    eprintln!("    {} workflow file(s) pass actionlint", files.len());
    Ok(())
}

/// `target/tools/actionlint`, built with `go install` when missing.
fn actionlint(root: &Path) -> Result<PathBuf> {
    let tools = demo::target_dir(root).join("tools");
    let bin = tools.join("actionlint");
    if bin.exists() {
        return Ok(bin);
    }
    if Command::new("go").arg("version").output().is_err() {
        util::run(Path::new("/"), "apt-get", &["install", "-y", "-q", "golang-go"])?;
    }
    std::fs::create_dir_all(&tools)?;
    let status = Command::new("go")
        .args(["install", ACTIONLINT])
        .env("GOBIN", &tools)
        .status()
        .context("starting go install")?;
    if !status.success() || !bin.exists() {
        bail!("go install {ACTIONLINT} failed ({status})");
    }
    Ok(bin)
}
