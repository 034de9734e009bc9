//! Per-language pieces of the xtask: each binding's generated files (from the model list in
//! `crate::models`, see docs/adr/0001-records-across-ffi.md) and its test run.
//!
//! A binding adds itself with one `mod` line and one line in each function below.

mod cli;
pub mod node;
pub mod python;
pub mod uniffi;

use std::path::Path;

use anyhow::Result;
use openapiv3::OpenAPI;

use crate::codegen::Output;

/// Generated files of every binding.
pub fn outputs(_root: &Path, _spec: &OpenAPI) -> Result<Vec<Output>> {
    let mut outputs = Vec::new();
    outputs.extend(cli::outputs(_root, _spec)?);
    outputs.extend(node::outputs(_root, _spec)?);
    outputs.extend(python::outputs(_root, _spec)?);
    outputs.extend(uniffi::outputs(_root, _spec)?);
    Ok(outputs)
}

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
