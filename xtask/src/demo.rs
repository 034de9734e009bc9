//! `cargo xtask demo`: start a sandbox with demo data, then run the quick start against it.

use std::path::Path;

use anyhow::Result;

use crate::util;

pub fn run(root: &Path) -> Result<()> {
    let cargo = util::cargo();
    util::run(root, &cargo, &["run", "--quiet", "-p", "zkbiotime", "--example", "quickstart"])
}
