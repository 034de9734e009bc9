//! The Python binding's toolchain and runs: a venv under `target/`, `maturin develop`, the
//! pytest suite, the scenario runner, the bench rows and the quick start. Its generated files
//! come from `crate::codegen::python`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, Result, bail};

use crate::util;

pub fn test(root: &Path) -> Result<()> {
    let started = Instant::now();
    eprintln!("\n==> python binding (bindings/python)");
    let venv = prepare(root)?;
    // The HTTPS test makes its throw-away CA with the openssl CLI.
    if Command::new("openssl").arg("version").output().is_err() {
        apt_install(root, &["openssl"])?;
    }
    util::run(root, &util::cargo(), &["build", "--quiet", "-p", "zkbiotime-sandbox"])?;
    let sandbox = crate::demo::target_dir(root).join("debug/zkbiotime-sandbox");
    let status = Command::new(venv.join("bin/python"))
        .args(["-m", "pytest", "-q", "-p", "no:cacheprovider", "bindings/python/tests"])
        .env("ZKBIO_SANDBOX_BIN", &sandbox)
        .env("PATH", prepend_path(&venv.join("bin"))?)
        .current_dir(root)
        .status()
        .context("starting pytest")?;
    if !status.success() {
        bail!("the Python test suite failed ({status})");
    }
    eprintln!("<== python binding: ok ({:.1?})", started.elapsed());
    Ok(())
}

/// `cargo xtask bench` rows of the Python binding: the SDK pull (concurrent and sequential)
/// and a plain `requests` loop, each `bindings/python/bench/pull.py` in its own process,
/// with the extension built in release mode into its own venv (the test venv keeps the
/// dev build).
pub fn bench_entries(root: &Path, url: &str) -> Result<Vec<crate::bench::Entry>> {
    let venv = crate::demo::target_dir(root).join("python-bench-venv");
    setup_venv(root, &venv, &["maturin>=1.16,<1.17", "requests>=2.28"])?;
    install_release_wheel(root, &venv)?;
    let python = path_str(&venv.join("bin/python"))?.to_string();
    let script = root.join("bindings/python/bench/pull.py");
    let script = path_str(&script)?.to_string();
    let entry = |name: &str, mode: &str, baseline: Option<&str>| crate::bench::Entry {
        name: name.into(),
        baseline: baseline.map(str::to_string),
        program: python.clone(),
        args: vec![script.clone(), mode.into(), "--url".into(), url.into()],
        env: vec![],
    };
    Ok(vec![
        entry("Python plain requests", "plain", None),
        entry("Python SDK sequential", "sdk-sequential", Some("Python plain requests")),
        entry("Python SDK concurrent", "sdk", Some("Python plain requests")),
        entry("Python AsyncClient", "async", Some("Python plain requests")),
    ])
}

/// The Python row of `cargo xtask bench`'s latency table: `pull.py get` (1,000 sequential
/// `employees.get(1)`) in the venv [`bench_entries`] set up with the release wheel (the
/// bench runs it first; rebuilding the wheel here would only repeat it).
pub fn latency_entries(root: &Path, url: &str) -> Result<Vec<crate::bench::Entry>> {
    let venv = crate::demo::target_dir(root).join("python-bench-venv");
    let python = venv.join("bin/python");
    if !python.exists() {
        bail!("{} is missing: python::bench_entries sets it up", python.display());
    }
    let script = path_str(&root.join("bindings/python/bench/pull.py"))?.to_string();
    let python = path_str(&python)?.to_string();
    let entry = |name: &str, mode: &str| crate::bench::Entry {
        name: name.into(),
        baseline: None,
        program: python.clone(),
        args: vec![
            script.clone(),
            mode.into(),
            "--url".into(),
            url.into(),
            "--n".into(),
            "1000".into(),
        ],
        env: vec![],
    };
    Ok(vec![entry("Python", "get"), entry("Python plain requests", "plain-get")])
}

/// Runs the Python quick starts of `bindings/python/README.md` (the blocks between the
/// `python-quickstart` markers, exactly as written) against the server at `url`, for
/// `cargo xtask demo`.
pub fn quickstart(root: &Path, url: &str) -> Result<()> {
    let venv = prepare(root)?;
    quickstart_with(root, &venv.join("bin/python"), root, url)
}

/// The README's Python quick starts run by `python` in `dir`, against `url`.
pub fn quickstart_with(root: &Path, python: &Path, dir: &Path, url: &str) -> Result<()> {
    let readme = std::fs::read_to_string(root.join("bindings/python/README.md"))?;
    let section = readme
        .split("<!-- python-quickstart:start -->")
        .nth(1)
        .and_then(|rest| rest.split("<!-- python-quickstart:end -->").next())
        .context("bindings/python/README.md has no python-quickstart markers")?;
    for block in section.split("```python\n").skip(1) {
        let code = block.split("```").next().unwrap_or_default();
        let status = Command::new(python)
            .args(["-c", code])
            .env("ZKBIO_URL", url)
            .current_dir(dir)
            .status()
            .context("starting python")?;
        if !status.success() {
            bail!("a Python quick start failed ({status})");
        }
    }
    Ok(())
}

/// The Python runner of the cross-language scenarios
/// (`bindings/python/tests/scenario_runner.py`).
pub fn scenario_runner(root: &Path) -> Result<crate::scenarios::Runner> {
    let venv = prepare(root)?;
    Ok(crate::scenarios::Runner {
        language: "python".into(),
        program: path_str(&venv.join("bin/python"))?.to_string(),
        args: vec!["bindings/python/tests/scenario_runner.py".into()],
        env: vec![],
    })
}

/// A venv under target/ with the test tools, and the extension built in the dev profile
/// into the shared target dir and installed there (editable: the Python sources are used in
/// place). Returns the venv's directory.
fn prepare(root: &Path) -> Result<PathBuf> {
    let venv = crate::demo::target_dir(root).join("python-venv");
    // Pinned to what the binding was built and checked with; a warm venv skips the network.
    setup_venv(
        root,
        &venv,
        &["maturin>=1.16,<1.17", "pytest>=8", "mypy>=1.10", "typing_extensions>=4.6", "tqdm>=4.60"],
    )?;
    maturin_develop(root, &venv)?;
    Ok(venv)
}

pub fn setup_venv(root: &Path, venv: &Path, packages: &[&str]) -> Result<()> {
    let python = venv.join("bin/python");
    if !python.exists() {
        let host = std::env::var("PYTHON").unwrap_or_else(|_| "python3".to_string());
        if util::run(root, &host, &["-m", "venv", path_str(venv)?]).is_err() {
            // Debian's python3 keeps venv (and ensurepip) in a separate package.
            apt_install(root, &["python3-venv", "python3-pip"])?;
            let _ = std::fs::remove_dir_all(venv);
            util::run(root, &host, &["-m", "venv", path_str(venv)?])?;
        }
    }
    let mut args = vec!["-m", "pip", "install", "--quiet"];
    args.extend_from_slice(packages);
    util::run(root, path_str(&python)?, &args)
}

fn maturin_develop(root: &Path, venv: &Path) -> Result<()> {
    let maturin = venv.join("bin/maturin");
    let status = Command::new(&maturin)
        .args(["develop", "--quiet", "-m", "bindings/python/Cargo.toml"])
        .env("VIRTUAL_ENV", venv)
        .env("PATH", prepend_path(&venv.join("bin"))?)
        .current_dir(root)
        .status()
        .with_context(|| format!("starting {}", maturin.display()))?;
    if !status.success() {
        bail!("maturin develop failed ({status})");
    }
    Ok(())
}

/// Builds the release wheel and installs it (not editable: `maturin develop` puts the dev
/// build beside the sources, where an editable release install would pick it up).
fn install_release_wheel(root: &Path, venv: &Path) -> Result<()> {
    let wheels = crate::demo::target_dir(root).join("python-bench-wheels");
    let _ = std::fs::remove_dir_all(&wheels);
    let maturin = venv.join("bin/maturin");
    let out = path_str(&wheels)?;
    util::run(
        root,
        path_str(&maturin)?,
        &["build", "--release", "--quiet", "-m", "bindings/python/Cargo.toml", "--out", out],
    )?;
    let wheel = std::fs::read_dir(&wheels)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.extension().is_some_and(|x| x == "whl"))
        .context("maturin built no wheel")?;
    let python = venv.join("bin/python");
    util::run(
        root,
        path_str(&python)?,
        &["-m", "pip", "install", "--quiet", "--force-reinstall", "--no-deps", path_str(&wheel)?],
    )
}

/// Installs Debian packages (CI starts from a clean machine; we are root there).
fn apt_install(root: &Path, packages: &[&str]) -> Result<()> {
    util::run(root, "apt-get", &["update", "-qq"])?;
    let mut args = vec!["install", "-y", "-qq"];
    args.extend_from_slice(packages);
    util::run(root, "apt-get", &args)
}

fn path_str(p: &Path) -> Result<&str> {
    p.to_str().with_context(|| format!("{} is not UTF-8", p.display()))
}

fn prepend_path(dir: &Path) -> Result<std::ffi::OsString> {
    let mut paths: Vec<PathBuf> = vec![dir.to_path_buf()];
    if let Some(old) = std::env::var_os("PATH") {
        paths.extend(std::env::split_paths(&old));
    }
    std::env::join_paths(paths).context("joining PATH")
}
