//! `cargo xtask test`: the one command that says whether the tree is good. CI runs exactly this.

use std::path::Path;
use std::time::Instant;

use anyhow::Result;

use crate::{codegen, util};

pub fn run(root: &Path) -> Result<()> {
    let started = Instant::now();
    let cargo = util::cargo();
    step("codegen freshness", || codegen::run(root, true))?;
    step("rustfmt", || util::run(root, &cargo, &["fmt", "--all", "--check"]))?;
    step("clippy", || {
        util::run(root, &cargo, &["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"])
    })?;
    step("rust tests", || util::run(root, &cargo, &["test", "--workspace"]))?;
    step("fuzz (short)", || crate::fuzz::short_run(root))?;
    step("schemathesis (sandbox vs spec)", || crate::schemathesis::run(root))?;
    crate::bindings::test(root)?;
    step("cross-language scenarios", || crate::scenarios::run(root))?;
    eprintln!("\nall checks passed in {:.0?}", started.elapsed());
    Ok(())
}

fn step(name: &str, f: impl FnOnce() -> Result<()>) -> Result<()> {
    eprintln!("\n==> {name}");
    let t = Instant::now();
    f()?;
    eprintln!("<== {name}: ok ({:.1?})", t.elapsed());
    Ok(())
}
