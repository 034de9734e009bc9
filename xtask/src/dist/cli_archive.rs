//! The `zkbio` binary archive: `zkbio-<version>-<host triple>.tar.gz` holding one directory
//! with the release binary (default features: the embedded sandbox for `zkbio sandbox`), its
//! README and the licences, as the release workflow makes it for other targets.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

use super::{Profile, copy_licences, path_str};
use crate::util;

pub fn build(root: &Path, dist: &Path, version: &str, profile: Profile) -> Result<PathBuf> {
    let mut args = vec!["build", "-p", "zkbiotime-cli"];
    args.extend(profile.flag());
    util::run(root, &util::cargo(), &args)?;
    let triple = host_triple()?;
    let name = format!("zkbio-{version}-{triple}");
    let stage = crate::demo::target_dir(root).join("dist-stage").join(&name);
    let _ = std::fs::remove_dir_all(&stage);
    std::fs::create_dir_all(&stage)?;
    let binary = crate::demo::target_dir(root).join(profile.dir()).join("zkbio");
    std::fs::copy(&binary, stage.join("zkbio"))
        .with_context(|| format!("copying {}", binary.display()))?;
    std::fs::copy(root.join("crates/zkbiotime-cli/README.md"), stage.join("README.md"))?;
    copy_licences(root, &stage)?;
    let archive = dist.join(format!("{name}.tar.gz"));
    let parent = stage.parent().context("stage dir")?;
    util::run(parent, "tar", &["-czf", path_str(&archive)?, &name])?;
    Ok(archive)
}

/// The triple rustc builds for here (`host:` of `rustc -vV`).
pub fn host_triple() -> Result<String> {
    let out = Command::new("rustc").arg("-vV").output().context("starting rustc -vV")?;
    if !out.status.success() {
        bail!("rustc -vV failed");
    }
    let text = String::from_utf8_lossy(&out.stdout);
    text.lines()
        .find_map(|l| l.strip_prefix("host: "))
        .map(|h| h.trim().to_string())
        .context("rustc -vV printed no host")
}
