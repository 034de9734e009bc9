//! Project automation, run as `cargo xtask <command>` (see `.cargo/config.toml`).
//!
//! - `codegen [--check]`: regenerate (or verify) every file generated from the spec.
//! - `test`: every check CI runs: codegen freshness, fmt, clippy, all tests.
//! - `demo`: start a sandbox with demo data and run the quick start against it.
//! - `dist`: the release packages in `target/dist/`.

mod bench;
mod bindings;
mod cli_demo;
mod codegen;
mod demo;
mod dist;
mod fuzz;
mod scenarios;
mod schemathesis;
mod scratch_resource;
mod test;
mod util;
mod workflows;

use std::path::{Path, PathBuf};

use anyhow::{Result, bail};

const USAGE: &str = "usage: cargo xtask <command>

commands:
  codegen [--check]   regenerate files generated from openapi/zkbiotime.yaml (--check: fail if stale)
  test                run everything CI runs: codegen check, fmt, clippy, all tests
  jar                 build the Kotlin/JVM jar (bindings + native library, release)
  dist                every package this machine can build, release, into target/dist/ (wheel,
                      sdist, npm packages, Maven repository with the jar, zkbio archive, .crate)
  test-dist [--release]
                      `dist` on the dev builds (--release: the release ones), then install each
                      artifact without Rust and run its quick start (part of `test`, dev builds)
  test-kotlin         only the Kotlin/Swift binding step of `test` (freshness, Kotlin tests)
  demo                start the sandbox with demo data and run the quick starts against it
  test-node           build the Node addon and run only its test suite (part of `test`)
  test-python         build the Python extension and run only its pytest suite (part of `test`)
  scenarios           replay tests/scenarios in every language and print the parity table
  lint-workflows      actionlint on .github/workflows (part of `test`)
  scratch-resource    add a scratch resource to a copy of the spec; check every language gets it (part of `test`)
  fuzz [--seconds N] [TARGET...]
                      run the cargo-fuzz targets in fuzz/ for N seconds each (default 60)
  schemathesis        check the sandbox against the spec with schemathesis (part of `test`)
  bench [--punches N] [--no-10x] [--server-latency-ms MS] [--compare DIR]
                      side-by-side full-pull benchmark report (bench-results/report.md);
                      --compare DIR adds the rows of another built checkout (before/after)
";

fn main() {
    if let Err(e) = run() {
        eprintln!("xtask: error: {e:#}");
        std::process::exit(1);
    }
}

fn run() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = project_root();
    match args.first().map(String::as_str) {
        Some("codegen") => codegen::run(&root, args.iter().any(|a| a == "--check")),
        Some("test") => test::run(&root),
        Some("test-node") => bindings::node::test(&root),
        Some("test-python") => bindings::python::test(&root),
        Some("demo") => demo::run(&root),
        Some("dist") => dist::run(&root, dist::Profile::Release).map(|_| ()),
        Some("test-dist") => dist::test(&root, dist_profile(&args[1..])?),
        Some("jar") => bindings::uniffi::jar(&root).map(|_| ()),
        Some("test-kotlin") => bindings::uniffi::test(&root),
        Some("bench") => bench::run(&root, &args[1..]),
        Some("fuzz") => fuzz::run(&root, &args[1..]),
        Some("schemathesis") => schemathesis::run(&root),
        Some("scenarios") => scenarios::run(&root),
        Some("scratch-resource") => scratch_resource::run(&root),
        Some("lint-workflows") => workflows::lint(&root),
        Some("-h" | "--help" | "help") | None => {
            print!("{USAGE}");
            Ok(())
        }
        Some(other) => bail!("unknown command `{other}`\n\n{USAGE}"),
    }
}

/// `--release` or nothing (the dev builds).
fn dist_profile(args: &[String]) -> Result<dist::Profile> {
    match args {
        [] => Ok(dist::Profile::Dev),
        [flag] if flag == "--release" => Ok(dist::Profile::Release),
        other => bail!("test-dist takes only --release (got {other:?})"),
    }
}

pub fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_path_buf()
}

#[cfg(test)]
mod tests {
    /// `cargo test` alone catches a spec edit that was not followed by `cargo xtask codegen`.
    #[test]
    fn generated_files_are_fresh() {
        crate::codegen::run(&crate::project_root(), true).unwrap();
    }
}
