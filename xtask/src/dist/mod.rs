//! `cargo xtask dist`: every artifact this machine can build, in `target/dist/`, release
//! builds only; `cargo xtask test` then installs each one where no Rust toolchain is on
//! PATH and runs its quick start against a sandbox (`install::check`).
//!
//! What the release workflow (.github/workflows/release.yml) builds for other platforms is
//! made the same way there; this is the linux-x86_64 part a developer can check locally.

mod cli_archive;
mod crates;
mod install;
mod jvm;
mod npm;
mod python;

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result};

/// Which cargo profile the native parts are built with.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Profile {
    /// What ships: `cargo xtask dist`.
    Release,
    /// What `cargo xtask test` packs: the dev builds its earlier steps compiled. A cold
    /// release build of every native part takes longer on CI's two cores than all the other
    /// steps together; the packaging and the installs checked are the same.
    Dev,
}

impl Profile {
    /// The directory under cargo's target dir.
    pub fn dir(self) -> &'static str {
        match self {
            Profile::Release => "release",
            Profile::Dev => "debug",
        }
    }

    /// The cargo flag, if any.
    pub fn flag(self) -> Option<&'static str> {
        (self == Profile::Release).then_some("--release")
    }
}

/// The licence files every artifact carries (the root ones; SPDX "MIT OR Apache-2.0").
pub const LICENCES: [&str; 2] = ["LICENSE-MIT", "LICENSE-APACHE"];

/// What `dist` wrote.
pub struct Dist {
    pub dir: PathBuf,
    pub version: String,
    pub wheel: PathBuf,
    pub sdist: PathBuf,
    /// The main npm package and the linux-x64-gnu platform package.
    pub npm_main: PathBuf,
    pub npm_platform: PathBuf,
    /// A Maven repository (file layout) holding the jar and its POM.
    pub maven_repo: PathBuf,
    pub cli_archive: PathBuf,
    pub crates: Vec<PathBuf>,
}

/// `cargo xtask dist`: builds everything into a fresh `target/dist/`.
pub fn run(root: &Path, profile: Profile) -> Result<Dist> {
    let started = Instant::now();
    let dir = crate::demo::target_dir(root).join("dist");
    // Old artifacts of another version would be found by the install checks.
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    let version = crate::codegen::workspace_version(root)?;
    let step = |what: &str| eprintln!("\n==> dist: {what}");

    let built = profile.dir();
    step(&format!("zkbio archive ({built} build)"));
    let cli_archive = cli_archive::build(root, &dir, &version, profile)?;
    step(&format!("Python wheel ({built} build) and sdist (maturin)"));
    let (wheel, sdist) = python::build(root, &dir, profile)?;
    step(&format!("npm packages ({built} addon)"));
    let (npm_main, npm_platform) = npm::build(root, &dir, &version, profile)?;
    step(&format!("JVM jar ({built} library) and POM (Maven)"));
    let maven_repo = jvm::build(root, &dir, profile)?;
    step(".crate files (cargo package)");
    let crates = crates::build(root, &dir, profile)?;

    let dist = Dist {
        dir,
        version,
        wheel,
        sdist,
        npm_main,
        npm_platform,
        maven_repo,
        cli_archive,
        crates,
    };
    eprintln!("\n<== dist: {} ({:.1?})", dist.dir.display(), started.elapsed());
    for file in dist.files() {
        let size = std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0);
        let name = file.strip_prefix(&dist.dir).unwrap_or(&file);
        eprintln!("    {:>8.1} MB  {}", size as f64 / 1e6, name.display());
    }
    Ok(dist)
}

/// `dist`, then every artifact installed and run without Rust (part of `cargo xtask test`).
pub fn test(root: &Path, profile: Profile) -> Result<()> {
    let dist = run(root, profile)?;
    install::check(root, &dist)
}

impl Dist {
    fn files(&self) -> Vec<PathBuf> {
        let mut files = vec![
            self.wheel.clone(),
            self.sdist.clone(),
            self.npm_main.clone(),
            self.npm_platform.clone(),
            self.cli_archive.clone(),
        ];
        files.extend(jvm::artifacts(&self.maven_repo));
        files.extend(self.crates.iter().cloned());
        files
    }
}

/// The one file in `dir` whose name ends with `suffix` (what a packaging tool just wrote).
fn only_file(dir: &Path, suffix: &str) -> Result<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.ends_with(suffix)))
        .collect();
    match found.len() {
        1 => Ok(found.remove(0)),
        n => anyhow::bail!("expected one *{suffix} in {}, found {n}", dir.display()),
    }
}

/// Copies the root licence files into `dir` (a package being staged).
fn copy_licences(root: &Path, dir: &Path) -> Result<()> {
    for name in LICENCES {
        std::fs::copy(root.join(name), dir.join(name))
            .with_context(|| format!("copying {name} into {}", dir.display()))?;
    }
    Ok(())
}

fn path_str(p: &Path) -> Result<&str> {
    p.to_str().with_context(|| format!("{} is not UTF-8", p.display()))
}
