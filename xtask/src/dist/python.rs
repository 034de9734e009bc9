//! The Python artifacts: the abi3 wheel for this platform (release build; maturin tags it
//! manylinux after its own audit, `install::check` confirms with `auditwheel show`) and the
//! sdist, which builds on any platform with a Rust toolchain.

use std::path::{Path, PathBuf};

use anyhow::Result;

use super::{Profile, only_file, path_str};
use crate::util;

/// Writes the wheel and the sdist into `dist/`; returns (wheel, sdist).
pub fn build(root: &Path, dist: &Path, profile: Profile) -> Result<(PathBuf, PathBuf)> {
    let venv = tools_venv(root)?;
    let maturin = venv.join("bin/maturin");
    let maturin = path_str(&maturin)?;
    let out = crate::demo::target_dir(root).join("dist-stage/python");
    let _ = std::fs::remove_dir_all(&out);
    let manifest = "bindings/python/Cargo.toml";
    let mut args = vec!["build", "-m", manifest, "--out", path_str(&out)?];
    args.extend(profile.flag());
    util::run(root, maturin, &args)?;
    util::run(root, maturin, &["sdist", "-m", manifest, "--out", path_str(&out)?])?;
    let mut written = Vec::new();
    for suffix in [".whl", ".tar.gz"] {
        let file = only_file(&out, suffix)?;
        let dest = dist.join(file.file_name().unwrap_or_default());
        std::fs::rename(&file, &dest)?;
        written.push(dest);
    }
    let sdist = written.pop().unwrap_or_default();
    let wheel = written.pop().unwrap_or_default();
    Ok((wheel, sdist))
}

/// A venv with the packaging tools (maturin, auditwheel), under `target/`.
pub fn tools_venv(root: &Path) -> Result<PathBuf> {
    let venv = crate::demo::target_dir(root).join("python-dist-venv");
    crate::bindings::python::setup_venv(root, &venv, &["maturin>=1.16,<1.17", "auditwheel>=6"])?;
    Ok(venv)
}
