//! `.crate` files of the publishable crates (`cargo package`). The release `dist` verifies
//! them: each one is unpacked and built on its own, so a file it reads from outside its
//! directory fails here, not on crates.io (unpublished workspace dependencies resolve
//! through cargo's local overlay). The dev `dist` of `cargo xtask test` skips that build:
//! outside the workspace's profile settings it recompiles every dependency, 11 minutes of
//! CI's budget.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use super::Profile;
use crate::util;

/// The crates published to crates.io, dependencies first.
pub const PUBLISHED: [&str; 3] = ["zkbiotime", "zkbiotime-sandbox", "zkbiotime-cli"];

pub fn build(root: &Path, dist: &Path, profile: Profile) -> Result<Vec<PathBuf>> {
    let mut args = vec!["package", "--allow-dirty", "--locked"];
    if profile == Profile::Dev {
        args.push("--no-verify");
    }
    for name in PUBLISHED {
        args.extend(["-p", name]);
    }
    util::run(root, &util::cargo(), &args)?;
    let version = crate::codegen::workspace_version(root)?;
    let packaged = crate::demo::target_dir(root).join("package");
    let mut out = Vec::new();
    for name in PUBLISHED {
        let file = format!("{name}-{version}.crate");
        let dest = dist.join(&file);
        std::fs::copy(packaged.join(&file), &dest)
            .with_context(|| format!("cargo package wrote no {file}"))?;
        out.push(dest);
    }
    Ok(out)
}
