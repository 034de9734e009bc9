//! `cargo xtask test`: the one command that says whether the tree is good. CI runs exactly this.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::Result;

use crate::{codegen, util};

pub fn run(root: &Path) -> Result<()> {
    let started = Instant::now();
    let cargo = util::cargo();
    let mut times = Vec::new();
    let mut step = |name: &'static str, f: &dyn Fn() -> Result<()>| -> Result<()> {
        eprintln!("\n==> {name}");
        let t = Instant::now();
        f()?;
        eprintln!("<== {name}: ok ({:.1?})", t.elapsed());
        times.push((name, t.elapsed()));
        Ok(())
    };
    step("codegen freshness", &|| codegen::run(root, true))?;
    step("rustfmt", &|| util::run(root, &cargo, &["fmt", "--all", "--check"]))?;
    step("clippy", &|| {
        util::run(root, &cargo, &["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"])
    })?;
    step("rust tests", &|| {
        util::run(root, &cargo, &["test", "--workspace", "--exclude", "xtask"])?;
        // xtask's own tests on the dependencies `cargo xtask` was just built with (the same
        // features: only the test harness compiles), not on a second, workspace-unified
        // build of progenitor and its dependencies.
        util::run(root, &cargo, &["test", "-p", "xtask"])
    })?;
    // A client-only zkbio (no sandbox inside) must keep building.
    step("zkbio without the sandbox", &|| {
        let args =
            ["clippy", "-p", "zkbiotime-cli", "--no-default-features", "--", "-D", "warnings"];
        util::run(root, &cargo, &args)
    })?;
    // A resource is spec lines: a scratch one added to a copy reaches every language.
    step("scratch resource", &|| crate::scratch_resource::run(root))?;
    step("release workflows (actionlint)", &|| crate::workflows::lint(root))?;
    step("fuzz (short)", &|| crate::fuzz::short_run(root))?;
    step("schemathesis (sandbox vs spec)", &|| crate::schemathesis::run(root))?;
    step("bindings: Node, Python, Kotlin/Swift", &|| crate::bindings::test(root))?;
    step("cross-language scenarios", &|| crate::scenarios::run(root))?;
    // The packages `cargo xtask dist` makes (here from the dev builds above), installed
    // where no Rust toolchain is on PATH.
    step("dist: packages install and run without Rust", &|| {
        crate::dist::test(root, crate::dist::Profile::Dev)
    })?;
    print_times(&times, started.elapsed());
    Ok(())
}

/// Where the time went, so CI's budget is easy to watch.
fn print_times(times: &[(&str, Duration)], total: Duration) {
    eprintln!("\nall checks passed in {:.0?}:", total);
    for (name, t) in times {
        eprintln!("  {:>7.1?}  {name}", t);
    }
}
