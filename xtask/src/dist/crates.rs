//! `.crate` files of the publishable crates (`cargo package`). The release `dist` verifies
//! them: each one is unpacked and built on its own, so a file it reads from outside its
//! directory fails here, not on crates.io (unpublished workspace dependencies resolve
//! through cargo's local overlay). The dev `dist` of `cargo xtask test` skips that build:
//! outside the workspace's profile settings it recompiles every dependency, 11 minutes of
//! CI's budget.

use std::path::{Path, PathBuf};

use std::process::Command;

use anyhow::{Context, Result, bail};

use super::Profile;
use crate::util;

pub fn build(root: &Path, dist: &Path, profile: Profile) -> Result<Vec<PathBuf>> {
    let published = published(root)?;
    let mut args = vec!["package", "--allow-dirty", "--locked"];
    if profile == Profile::Dev {
        args.push("--no-verify");
    }
    for name in &published {
        args.extend(["-p", name]);
    }
    util::run(root, &util::cargo(), &args)?;
    let version = crate::codegen::workspace_version(root)?;
    let packaged = crate::demo::target_dir(root).join("package");
    let mut out = Vec::new();
    for name in &published {
        let file = format!("{name}-{version}.crate");
        let dest = dist.join(&file);
        std::fs::copy(packaged.join(&file), &dest)
            .with_context(|| format!("cargo package wrote no {file}"))?;
        out.push(dest);
    }
    Ok(out)
}

/// The workspace's crates without `publish = false` (what crates.io receives), read from
/// `cargo metadata` so a new crate is packaged without a list to update.
pub fn published(root: &Path) -> Result<Vec<String>> {
    let out = Command::new(util::cargo())
        .args(["metadata", "--no-deps", "--format-version", "1", "--locked"])
        .current_dir(root)
        .output()
        .context("starting `cargo metadata`")?;
    if !out.status.success() {
        bail!("cargo metadata failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    let packages = meta["packages"].as_array().context("cargo metadata: no packages")?;
    // `publish` is null when the crate may go anywhere, a list of registries otherwise.
    let names: Vec<String> = packages
        .iter()
        .filter(|p| p["publish"].as_array().is_none_or(|registries| !registries.is_empty()))
        .filter_map(|p| p["name"].as_str().map(str::to_owned))
        .collect();
    if names.is_empty() {
        bail!("cargo metadata lists no publishable crate");
    }
    Ok(names)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_published_crates_are_the_core_the_sandbox_and_the_cli() {
        let mut names = super::published(&crate::project_root()).unwrap();
        names.sort();
        assert_eq!(names, ["zkbiotime", "zkbiotime-cli", "zkbiotime-sandbox"]);
    }
}
