//! Per-language toolchains and runs of the xtask: each binding's build, test suite, scenario
//! runner and bench rows. What each binding generates lives in `crate::codegen`.
//!
//! A binding adds itself with one `mod` line and one line in each function below.

pub(crate) mod maven;
pub mod node;
pub mod python;
pub mod uniffi;

use std::path::Path;

use anyhow::Result;

/// Each binding's runner of the cross-language scenarios (see `crate::scenarios`).
pub fn scenario_runners(_root: &Path) -> Result<Vec<crate::scenarios::Runner>> {
    let mut runners = vec![python::scenario_runner(_root)?];
    runners.push(node::scenario_runner(_root)?);
    runners.push(uniffi::scenario_runner(_root)?);
    Ok(runners)
}

/// Each binding's benchmark programs (same JSON line protocol as `bench/rust`).
pub fn bench_entries(root: &Path, url: &str) -> Result<Vec<crate::bench::Entry>> {
    let mut entries = python::bench_entries(root, url)?;
    entries.extend(node::bench_entries(root, url)?);
    entries.extend(uniffi::bench_entries(root, url)?);
    Ok(entries)
}

/// Each binding's single-call latency program (`get` mode, 1,000 sequential `get`s), for
/// `cargo xtask bench`; run after [`bench_entries`], whose builds they reuse.
pub fn latency_entries(root: &Path, url: &str) -> Result<Vec<crate::bench::Entry>> {
    let mut entries = python::latency_entries(root, url)?;
    entries.extend(node::latency_entries(root, url)?);
    entries.extend(uniffi::latency_entries(root, url)?);
    Ok(entries)
}

/// Builds each binding and runs its test suite against the sandbox.
pub fn test(_root: &Path) -> Result<()> {
    node::test(_root)?;
    python::test(_root)?;
    uniffi::test(_root)?;
    Ok(())
}
