//! The npm packages, napi-rs style: the platform package `zkbiotime-linux-x64-gnu`
//! (`bindings/node/npm/linux-x64-gnu/package.json` + the release addon) and the main package
//! `zkbiotime` (the JavaScript, the types, no addon) whose `optionalDependencies` name every
//! platform package under `bindings/node/npm/`. Both are staged under `target/` and packed
//! with `npm pack`, so no debug addon lying beside the sources can slip in.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use super::{Profile, copy_licences, only_file, path_str};
use crate::util;

/// Returns (main package tarball, platform package tarball).
pub fn build(
    root: &Path,
    dist: &Path,
    version: &str,
    profile: Profile,
) -> Result<(PathBuf, PathBuf)> {
    let mut args = vec!["build", "-p", "zkbiotime-node"];
    args.extend(profile.flag());
    util::run(root, &util::cargo(), &args)?;
    let node = root.join("bindings/node");
    let stage = crate::demo::target_dir(root).join("dist-stage/npm");
    let _ = fs::remove_dir_all(&stage);

    let triple = "linux-x64-gnu";
    let platform = stage.join(triple);
    fs::create_dir_all(&platform)?;
    fs::copy(node.join("npm").join(triple).join("package.json"), platform.join("package.json"))?;
    let addon = platform.join(format!("zkbiotime.{triple}.node"));
    let built = crate::demo::target_dir(root).join(profile.dir()).join("libzkbiotime_node.so");
    fs::copy(&built, &addon).with_context(|| format!("copying {}", built.display()))?;
    // Symbols are 3/4 of the file and no user debugs the addon from the npm package.
    util::run(root, "strip", &["--strip-unneeded", path_str(&addon)?])?;
    copy_licences(root, &platform)?;
    let platform_tgz = pack(&platform, dist)?;

    let main = stage.join("zkbiotime");
    fs::create_dir_all(&main)?;
    let manifest = fs::read_to_string(node.join("package.json"))?;
    let mut package: serde_json::Value = serde_json::from_str(&manifest)?;
    let files: Vec<String> = package["files"]
        .as_array()
        .context("bindings/node/package.json has no \"files\"")?
        .iter()
        .filter_map(|f| f.as_str().map(str::to_string))
        .collect();
    for entry in &files {
        let entry = entry.trim_end_matches('/');
        // The addon comes from the platform packages, never from beside the sources.
        if entry.ends_with(".node") {
            continue;
        }
        copy_tree(&node.join(entry), &main.join(entry))?;
    }
    copy_licences(root, &main)?;
    let mut optional = serde_json::Map::new();
    for platform in platform_packages(&node)? {
        optional.insert(platform, serde_json::Value::String(version.to_string()));
    }
    package["optionalDependencies"] = serde_json::Value::Object(optional);
    let list = package["files"].as_array_mut().context("files")?;
    list.retain(|f| !f.as_str().is_some_and(|f| f.ends_with(".node")));
    for name in super::LICENCES {
        list.push(name.into());
    }
    fs::write(main.join("package.json"), serde_json::to_string_pretty(&package)? + "\n")?;
    let main_tgz = pack(&main, dist)?;
    Ok((main_tgz, platform_tgz))
}

/// The names of the platform packages (`bindings/node/npm/*/package.json`).
fn platform_packages(node: &Path) -> Result<Vec<String>> {
    let mut names = Vec::new();
    for dir in fs::read_dir(node.join("npm"))? {
        let manifest = dir?.path().join("package.json");
        if manifest.exists() {
            let v: serde_json::Value = serde_json::from_str(&fs::read_to_string(&manifest)?)?;
            names.push(v["name"].as_str().context("platform package without a name")?.to_string());
        }
    }
    names.sort();
    Ok(names)
}

/// `npm pack` of `dir` into `dist`; returns the tarball.
fn pack(dir: &Path, dist: &Path) -> Result<PathBuf> {
    let out = dir.join(".pack");
    fs::create_dir_all(&out)?;
    util::run(dir, "npm", &["pack", "--silent", "--pack-destination", path_str(&out)?])?;
    let tgz = only_file(&out, ".tgz")?;
    let dest = dist.join(tgz.file_name().unwrap_or_default());
    fs::rename(&tgz, &dest)?;
    fs::remove_dir_all(&out)?;
    Ok(dest)
}

fn copy_tree(from: &Path, to: &Path) -> Result<()> {
    if from.is_dir() {
        fs::create_dir_all(to)?;
        for entry in fs::read_dir(from)? {
            let entry = entry?;
            copy_tree(&entry.path(), &to.join(entry.file_name()))?;
        }
    } else {
        fs::copy(from, to).with_context(|| format!("copying {}", from.display()))?;
    }
    Ok(())
}
