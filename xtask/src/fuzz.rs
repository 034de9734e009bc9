//! `cargo xtask fuzz [--seconds N] [TARGET...]`: runs the cargo-fuzz targets in `fuzz/`
//! (libFuzzer) for N seconds each (default 60), installing cargo-fuzz first if it is missing.
//!
//! Runs on the machine's stable toolchain: without a sanitizer (`-s none`: the targets are
//! safe Rust) cargo-fuzz passes no nightly-only `-Z` flag, and `RUSTC_BOOTSTRAP=1` is set so
//! that a sanitizer build by hand (`-s address`) works too. With debug assertions and
//! overflow checks on (`-a`), panics and arithmetic overflows are the crashes looked for. New inputs go to `target/fuzz/corpus/<target>` so the seeds checked in
//! under `fuzz/corpus/<target>` stay as they are; crashes land in `target/fuzz/artifacts/`.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, Result, bail};

use crate::util;

/// Every target in `fuzz/fuzz_targets/`.
const TARGETS: [&str; 2] = ["decode_page", "paging"];

/// Seconds per target of the bounded run inside `cargo xtask test`.
const SHORT_SECONDS: u64 = 20;

pub fn run(root: &Path, args: &[String]) -> Result<()> {
    let mut seconds = 60;
    let mut targets = Vec::new();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--seconds" => {
                let value = args.next().context("--seconds needs a number")?;
                seconds = value.parse().with_context(|| format!("--seconds {value}"))?;
            }
            t if TARGETS.contains(&t) => targets.push(t),
            other => bail!("unknown fuzz argument `{other}` (targets: {})", TARGETS.join(", ")),
        }
    }
    if targets.is_empty() {
        targets = TARGETS.to_vec();
    }
    fuzz(root, &targets, seconds, Build::Release)
}

/// The bounded run of `cargo xtask test`: every target for a few seconds, built without
/// optimisation (`--dev`): a release build of the core and its dependencies costs CI more
/// minutes than the few seconds of fuzzing it would speed up.
pub fn short_run(root: &Path) -> Result<()> {
    fuzz(root, &TARGETS, SHORT_SECONDS, Build::Dev)
}

/// How the targets are compiled: optimised for the long runs, quickly for the short one.
#[derive(Clone, Copy, PartialEq)]
enum Build {
    Release,
    Dev,
}

fn fuzz(root: &Path, targets: &[&str], seconds: u64, build: Build) -> Result<()> {
    ensure_cargo_fuzz(root)?;
    // The fuzz workspace builds the core with the main workspace's locked versions
    // (cargo adds libFuzzer's crates and drops the unused ones).
    std::fs::copy(root.join("Cargo.lock"), root.join("fuzz/Cargo.lock"))
        .context("copying Cargo.lock into fuzz/")?;
    let target_dir = root.join("target/fuzz");
    for target in targets {
        let work = target_dir.join("corpus").join(target);
        let artifacts = target_dir.join("artifacts").join(target);
        std::fs::create_dir_all(&work)?;
        std::fs::create_dir_all(&artifacts)?;
        let seeds = root.join("fuzz/corpus").join(target);
        let started = Instant::now();
        eprintln!("fuzzing {target} for {seconds} s");
        let status = Command::new(util::cargo())
            .current_dir(root)
            .env("RUSTC_BOOTSTRAP", "1")
            .args(["fuzz", "run", "-s", "none", "-a"])
            .args(if build == Build::Dev { &["--dev"][..] } else { &[] })
            .arg("--fuzz-dir")
            .arg(root.join("fuzz"))
            .arg("--target-dir")
            .arg(&target_dir)
            .arg(target)
            .arg(&work)
            .arg(&seeds)
            .arg("--")
            .arg(format!("-max_total_time={seconds}"))
            .arg("-max_len=65536")
            .arg("-print_final_stats=1")
            .arg(format!("-artifact_prefix={}/", artifacts.display()))
            .status()
            .context("starting `cargo fuzz`")?;
        if !status.success() {
            bail!(
                "fuzz target {target} failed ({status}); the crashing input is in {} \
                 (replay: RUSTC_BOOTSTRAP=1 cargo fuzz run -s none -a --fuzz-dir fuzz {target} <file>)",
                artifacts.display()
            );
        }
        eprintln!("{target}: no crash in {:.0?}", started.elapsed());
    }
    Ok(())
}

/// Installs cargo-fuzz from crates.io unless `cargo fuzz` already works.
fn ensure_cargo_fuzz(root: &Path) -> Result<()> {
    let works = Command::new(util::cargo())
        .args(["fuzz", "--version"])
        .output()
        .is_ok_and(|o| o.status.success());
    if works {
        return Ok(());
    }
    util::run(root, &util::cargo(), &["install", "cargo-fuzz", "--locked"])
}
