//! The Node binding's toolchain and runs: the addon build, npm installs, `node --test`, the
//! scenario runner and the bench rows. Its generated files come from `crate::codegen::node`.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, Result, bail};

use crate::util;

/// Builds the addon (dev profile, shared target dir, no `--target`), installs the npm dev
/// dependencies, and runs `node --test` against sandboxes the tests start themselves.
pub fn test(root: &Path) -> Result<()> {
    eprintln!("\n==> node binding");
    let started = Instant::now();
    let dir = root.join("bindings/node");
    ensure_node()?;
    let cargo = util::cargo();
    util::run(root, &cargo, &["build", "-p", "zkbiotime-node", "-p", "zkbiotime-sandbox"])?;
    let addon = install_addon(root, "debug")?;
    eprintln!("    addon: {}", addon.display());
    npm_install(&dir)?;
    let target = crate::demo::target_dir(root);
    let sandbox = target.join("debug/zkbiotime-sandbox");
    let mut tests: Vec<String> = fs::read_dir(dir.join("test"))?
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|name| name.ends_with(".test.mjs"))
        .map(|name| format!("test/{name}"))
        .collect();
    tests.sort();
    let status = Command::new("node")
        .args(["--test", "--test-concurrency=2", "--test-reporter=spec"])
        .args(&tests)
        .env("ZKBIO_SANDBOX_BIN", &sandbox)
        .env("ZKBIO_NODE_WORK", target.join("node-tests"))
        .current_dir(&dir)
        .status()
        .context("starting node")?;
    if !status.success() {
        bail!("node binding tests failed ({status})");
    }
    eprintln!("<== node binding: ok ({:.1?})", started.elapsed());
    Ok(())
}

/// The Node runner of the cross-language scenarios (`bindings/node/test/scenario-runner.mjs`):
/// builds the dev addon and installs it beside the package, as `test` does.
pub fn scenario_runner(root: &Path) -> Result<crate::scenarios::Runner> {
    ensure_node()?;
    util::run(root, &util::cargo(), &["build", "--quiet", "-p", "zkbiotime-node"])?;
    install_addon(root, "debug")?;
    Ok(crate::scenarios::Runner {
        language: "node".into(),
        program: "node".into(),
        args: vec![root.join("bindings/node/test/scenario-runner.mjs").display().to_string()],
        env: vec![],
    })
}

/// The Node rows of `cargo xtask bench` (`bindings/node/bench/pull.mjs`): the SDK's pull,
/// concurrent and sequential, against the plain `fetch` + `JSON.parse` page loop a Node
/// user would write without it. Builds the release addon and points the package at it.
pub fn bench_entries(root: &Path, url: &str) -> Result<Vec<crate::bench::Entry>> {
    ensure_node()?;
    util::run(root, &util::cargo(), &["build", "--release", "--quiet", "-p", "zkbiotime-node"])?;
    let release = crate::demo::target_dir(root).join("release");
    // `require` picks the loader by extension: the addon must end in `.node`.
    let addon = release.join(addon_file_name()?);
    fs::copy(release.join("libzkbiotime_node.so"), &addon)?;
    let script = root.join("bindings/node/bench/pull.mjs").display().to_string();
    let entry = |name: &str, mode: &str, baseline: Option<&str>| crate::bench::Entry {
        name: name.into(),
        baseline: baseline.map(Into::into),
        program: "node".into(),
        args: vec![script.clone(), mode.into(), "--url".into(), url.into()],
        env: vec![("ZKBIOTIME_NATIVE_PATH".into(), addon.display().to_string())],
    };
    Ok(vec![
        entry("Node plain fetch loop", "plain", None),
        entry("Node SDK sequential", "sdk-sequential", Some("Node plain fetch loop")),
        entry("Node SDK concurrent", "sdk", Some("Node plain fetch loop")),
    ])
}

/// The Node row of `cargo xtask bench`'s latency table: `pull.mjs get` (1,000 sequential
/// `employees.get(1)`) on the release addon.
pub fn latency_entries(root: &Path, url: &str) -> Result<Vec<crate::bench::Entry>> {
    ensure_node()?;
    util::run(root, &util::cargo(), &["build", "--release", "--quiet", "-p", "zkbiotime-node"])?;
    let release = crate::demo::target_dir(root).join("release");
    let addon = release.join(addon_file_name()?);
    fs::copy(release.join("libzkbiotime_node.so"), &addon)?;
    let script = root.join("bindings/node/bench/pull.mjs").display().to_string();
    Ok(vec![crate::bench::Entry {
        name: "Node".into(),
        baseline: None,
        program: "node".into(),
        args: vec![script, "get".into(), "--url".into(), url.into(), "--n".into(), "1000".into()],
        env: vec![("ZKBIOTIME_NATIVE_PATH".into(), addon.display().to_string())],
    }])
}

/// Runs the README's JavaScript quick start against `url` on the dev addon, the way a user
/// of the package would: `require('zkbiotime')` from a project that depends on it (a
/// `node_modules/zkbiotime` link to the package in `target/demo-node/`).
pub fn quickstart(root: &Path, url: &str) -> Result<()> {
    ensure_node()?;
    util::run(root, &util::cargo(), &["build", "-p", "zkbiotime-node"])?;
    install_addon(root, "debug")?;
    let project = crate::demo::target_dir(root).join("demo-node");
    let modules = project.join("node_modules");
    fs::create_dir_all(&modules)?;
    let link = modules.join("zkbiotime");
    let _ = fs::remove_file(&link);
    std::os::unix::fs::symlink(root.join("bindings/node"), &link)?;
    quickstart_in(root, &project, url, None)
}

/// Runs the README's JavaScript quick start in `project` (whose `node_modules` holds the
/// `zkbiotime` package) against `url`, with `path` as PATH if given.
pub fn quickstart_in(root: &Path, project: &Path, url: &str, path: Option<&str>) -> Result<()> {
    let readme = fs::read_to_string(root.join("bindings/node/README.md"))?;
    let code = readme
        .split("<!-- quickstart:js")
        .nth(1)
        .and_then(|rest| rest.split("```js\n").nth(1))
        .and_then(|rest| rest.split("\n```").next())
        .context("bindings/node/README.md has no quickstart:js block")?;
    let script = project.join("quickstart.cjs");
    fs::write(&script, code)?;
    let mut command = Command::new("node");
    if let Some(path) = path {
        command.env("PATH", path);
    }
    let status = command
        .arg(&script)
        .env("ZKBIO_URL", url)
        .current_dir(project)
        .status()
        .context("starting node")?;
    if !status.success() {
        bail!("the Node quick start failed ({status})");
    }
    Ok(())
}

/// Copies `libzkbiotime_node.so` of `profile` to where `index.js` loads it from.
pub fn install_addon(root: &Path, profile: &str) -> Result<PathBuf> {
    let built = crate::demo::target_dir(root).join(profile).join("libzkbiotime_node.so");
    let dest = root.join("bindings/node").join(addon_file_name()?);
    // Copy through a temporary name: a running process may still map the old file.
    let tmp = dest.with_extension("node.tmp");
    fs::copy(&built, &tmp).with_context(|| format!("copying {}", built.display()))?;
    fs::rename(&tmp, &dest)?;
    Ok(dest)
}

/// `zkbiotime.<platform>-<arch>[-<abi>].node`, as `index.js` (and napi's loader) name it.
fn addon_file_name() -> Result<String> {
    let arch = match std::env::consts::ARCH {
        "x86_64" => "x64",
        "aarch64" => "arm64",
        other => bail!("no Node addon name for architecture {other}"),
    };
    match std::env::consts::OS {
        "linux" => {
            let abi = if cfg!(target_env = "musl") { "musl" } else { "gnu" };
            Ok(format!("zkbiotime.linux-{arch}-{abi}.node"))
        }
        other => bail!("the Node test run supports Linux only (got {other})"),
    }
}

/// Node and npm run the tests; openssl makes the certificates of the HTTPS tests.
fn ensure_node() -> Result<()> {
    let have = |cmd: &str, arg: &str| {
        Command::new(cmd).arg(arg).output().is_ok_and(|o| o.status.success())
    };
    let mut missing = Vec::new();
    if !have("node", "--version") {
        missing.push("nodejs");
    }
    if !have("npm", "--version") {
        missing.push("npm");
    }
    if !have("openssl", "version") {
        missing.push("openssl");
    }
    if missing.is_empty() {
        return Ok(());
    }
    eprintln!("    installing Debian packages: {}", missing.join(" "));
    util::run(Path::new("/"), "apt-get", &["update", "-q"])?;
    let mut args = vec!["install", "-y", "-q"];
    args.extend(missing);
    util::run(Path::new("/"), "apt-get", &args)
}

/// `npm install` of the dev dependencies (TypeScript), skipped when the lock is unchanged.
fn npm_install(dir: &Path) -> Result<()> {
    let lock = dir.join("package-lock.json");
    let stamp = dir.join("node_modules/.package-lock.json");
    let fresh = |a: &Path, b: &Path| -> bool {
        let m = |p: &Path| fs::metadata(p).and_then(|m| m.modified()).ok();
        matches!((m(a), m(b)), (Some(a), Some(b)) if b >= a)
    };
    if stamp.exists() && fresh(&lock, &stamp) && fresh(&dir.join("package.json"), &stamp) {
        return Ok(());
    }
    let args: &[&str] = if lock.exists() {
        &["ci", "--no-audit", "--no-fund"]
    } else {
        &["install", "--no-audit", "--no-fund"]
    };
    util::run(dir, "npm", args)
}
