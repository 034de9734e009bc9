//! The proof that a resource is spec lines (issue "One resource model"): copy the tree, add
//! a scratch resource `ranks` to the copy's spec (every positions path and schema cloned
//! under another name), regenerate, and check that the core, Python, Node, Kotlin, Swift and
//! the CLI all expose it and that the workspace builds. No hand-written file is touched.
//!
//! The copy lives in `target/scratch-resource/` and builds into the shared target dir, so
//! dependencies are not compiled again; the copy's uniffi library is moved out of the way
//! after Kotlin/Swift are generated from it, so the real one is relinked when next needed.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};
use serde_yaml::Value;

use crate::{codegen, demo, util};

/// The scratch resource's names, and the positions names they replace (plural first).
const RENAMES: &[(&str, &str)] =
    &[("positions", "ranks"), ("Positions", "Ranks"), ("position", "rank"), ("Position", "Rank")];

pub fn run(root: &Path) -> Result<()> {
    let work = demo::target_dir(root).join("scratch-resource");
    let tree = work.join("tree");
    let _ = fs::remove_dir_all(&work);
    copy_tree(root, &tree)?;
    let spec_path = tree.join("openapi/zkbiotime.yaml");
    let spec = fs::read_to_string(&spec_path)?;
    fs::write(&spec_path, add_ranks(&spec)?)?;

    // Regenerate every file of the copy from its spec, as `cargo xtask codegen` would.
    for out in codegen::generate_all(&tree)? {
        if let Some(dir) = out.path.parent() {
            fs::create_dir_all(dir)?;
        }
        fs::write(&out.path, &out.contents)?;
    }
    let expected: &[(&str, &str)] = &[
        ("crates/zkbiotime/src/generated/resources.rs", "pub fn ranks(&self) -> Ranks"),
        ("bindings/python/src/generated.rs", "resource!(crud ranks: Ranks / AsyncRanks"),
        ("bindings/python/src/generated.rs", "resource!(upsert ranks: Ranks / AsyncRanks"),
        ("bindings/python/python/zkbiotime/_native.pyi", "def ranks(self) -> Ranks: ..."),
        ("bindings/python/python/zkbiotime/_native.pyi", "def ranks(self) -> AsyncRanks: ..."),
        ("bindings/node/src/generated.rs", "\"ranks\" => { type $R = zkbiotime::Ranks;"),
        ("bindings/node/lib/resources.generated.js", "name: 'ranks', write: true"),
        ("bindings/node/generated.d.ts", "readonly ranks: Ranks;"),
        ("bindings/kotlin-swift/src/generated/resources.rs", "pub fn ranks(&self) -> Arc<Ranks>"),
        ("crates/zkbiotime-cli/src/generated_resources.rs", "Resource::Ranks => upsert!("),
        ("README.md", "| `ranks` | `/personnel/api/ranks/` | list, get, create, update (PATCH)"),
        ("tests/e2e/src/bin/scenarios/generated.rs", "\"ranks\" => $on!($c.ranks()"),
        ("bindings/kotlin-swift/tests/scenarios/Resources.generated.kt", "\"ranks\" to c.ranks()"),
        ("bindings/python/tests/generated/scenario_records.py", "\"ranks\": zkbiotime.Rank"),
    ];
    for (file, text) in expected {
        let contents = fs::read_to_string(tree.join(file))?;
        if !contents.contains(text) {
            bail!("scratch resource: {file} does not contain `{text}`");
        }
    }
    eprintln!(
        "    generated: the core, Python, Node, uniffi, the CLI, the README and the scenario \
         runners declare `ranks`"
    );

    // The workspace builds with the resource in it (every crate, every binding).
    let cargo = util::cargo();
    let target = demo::target_dir(root);
    run_in(&tree, &target, &cargo, &["check", "--workspace", "--quiet"])?;
    eprintln!("    the copy's workspace builds");

    // Kotlin and Swift come from the compiled library (uniffi library mode).
    util::run(root, &cargo, &["build", "--quiet", "-p", "zkbiotime-uniffi-bindgen"])?;
    run_in(&tree, &target, &cargo, &["build", "--quiet", "-p", "zkbiotime-uniffi"])?;
    let built = target.join("debug/libzkbiotime_uniffi.so");
    let lib = work.join("libzkbiotime_uniffi.so");
    fs::rename(&built, &lib).context("moving the copy's uniffi library aside")?;
    let foreign = work.join("foreign");
    let bindgen = target.join("debug/uniffi-bindgen");
    let (lib_s, out_s) = (lib.to_string_lossy(), foreign.to_string_lossy());
    let args = ["generate", &lib_s, "-l", "kotlin", "-l", "swift", "-o", &out_s, "--no-format"];
    util::run(root, &bindgen.to_string_lossy(), &args)?;
    let kotlin = read_all(&foreign, "kt")?;
    let swift = read_all(&foreign, "swift")?;
    for (lang, text, needle) in [
        ("Kotlin", &kotlin, "fun `ranks`(): Ranks"),
        ("Kotlin", &kotlin, "suspend fun `upsert`(`body`: RankCreate): RankUpserted"),
        ("Swift", &swift, "func ranks() -> Ranks"),
    ] {
        if !text.contains(needle) {
            bail!("scratch resource: the {lang} bindings do not contain `{needle}`");
        }
    }
    eprintln!("    Kotlin and Swift expose `ranks` (client.ranks(), upsert)");
    let _ = fs::remove_dir_all(&work);
    Ok(())
}

/// The spec with every positions path, schema and tag cloned under the `ranks` names.
fn add_ranks(spec: &str) -> Result<String> {
    let mut doc: Value = serde_yaml::from_str(spec)?;
    let renamed = |v: &Value| -> Result<Value> {
        let mut text = serde_yaml::to_string(v)?;
        for (from, to) in RENAMES {
            text = text.replace(from, to);
        }
        Ok(serde_yaml::from_str(&text)?)
    };
    let clone_keys = |map: &mut serde_yaml::Mapping, prefix: &str| -> Result<usize> {
        let found: Vec<(Value, Value)> = map
            .iter()
            .filter(|(k, _)| k.as_str().is_some_and(|k| k.starts_with(prefix)))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        for (k, v) in &found {
            map.insert(renamed(k)?, renamed(v)?);
        }
        Ok(found.len())
    };
    let paths = doc.get_mut("paths").and_then(Value::as_mapping_mut).context("spec paths")?;
    if clone_keys(paths, "/personnel/api/positions/")? != 2 {
        bail!("the spec no longer has the two positions paths the scratch resource copies");
    }
    let schemas = doc
        .get_mut("components")
        .and_then(|c| c.get_mut("schemas"))
        .and_then(Value::as_mapping_mut)
        .context("spec schemas")?;
    clone_keys(schemas, "Position")?;
    let tags = doc.get_mut("tags").and_then(Value::as_sequence_mut).context("spec tags")?;
    let tag = tags.iter().find(|t| t.get("name").and_then(Value::as_str) == Some("positions"));
    let tag = renamed(tag.context("positions tag")?)?;
    tags.push(tag);
    Ok(serde_yaml::to_string(&doc)?)
}

/// Copies the files git knows (tracked, or new and not ignored) of `root` into `dest`.
fn copy_tree(root: &Path, dest: &Path) -> Result<()> {
    let out = Command::new("git")
        .args(["ls-files", "-z", "--cached", "--others", "--exclude-standard"])
        .current_dir(root)
        .output()
        .context("listing the tree with git")?;
    if !out.status.success() {
        bail!("git ls-files failed");
    }
    for rel in out.stdout.split(|b| *b == 0).filter(|p| !p.is_empty()) {
        let rel = PathBuf::from(String::from_utf8_lossy(rel).into_owned());
        let from = root.join(&rel);
        if !from.is_file() {
            continue; // deleted in the working tree
        }
        let to = dest.join(&rel);
        fs::create_dir_all(to.parent().expect("a file has a parent"))?;
        fs::copy(&from, &to).with_context(|| format!("copying {}", rel.display()))?;
    }
    Ok(())
}

fn run_in(dir: &Path, target: &Path, program: &str, args: &[&str]) -> Result<()> {
    eprintln!("$ (in {}) {program} {}", dir.display(), args.join(" "));
    let status = Command::new(program)
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .status()
        .with_context(|| format!("starting `{program}`"))?;
    if !status.success() {
        bail!("`{program} {}` failed in the scratch copy ({status})", args.join(" "));
    }
    Ok(())
}

/// Every file with extension `ext` under `dir`, concatenated.
fn read_all(dir: &Path, ext: &str) -> Result<String> {
    let mut text = String::new();
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            text += &read_all(&path, ext)?;
        } else if path.extension().and_then(|e| e.to_str()) == Some(ext) {
            text += &fs::read_to_string(&path)?;
        }
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scratch_spec_has_ranks_beside_positions() {
        let spec =
            fs::read_to_string(crate::project_root().join("openapi/zkbiotime.yaml")).unwrap();
        let scratch: openapiv3::OpenAPI = serde_yaml::from_str(&add_ranks(&spec).unwrap()).unwrap();
        let all = codegen::resources::resources(&scratch).unwrap();
        let ranks = all.iter().find(|r| r.name == "ranks").expect("ranks resource");
        assert_eq!((ranks.item.as_str(), ranks.singular.as_str()), ("Rank", "rank"));
        let w = ranks.write.as_ref().unwrap();
        assert_eq!(w.upsert_key.as_deref(), Some("rank_code"));
        assert!(all.iter().any(|r| r.name == "positions"));
    }
}
