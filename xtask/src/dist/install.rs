//! The dist check: each artifact installed the way its users install it, in a fresh
//! directory under `target/dist-check/`, with no Rust toolchain on PATH, then its quick
//! start run against a sandbox. Also: the wheel is manylinux (`auditwheel show`), every
//! artifact carries the licences, the npm main package carries no addon, and the POM
//! declares what the jar needs.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail, ensure};

use super::{Dist, LICENCES, path_str};
use crate::util;

pub fn check(root: &Path, dist: &Dist) -> Result<()> {
    let work = crate::demo::target_dir(root).join("dist-check");
    let _ = fs::remove_dir_all(&work);
    fs::create_dir_all(&work)?;
    let path = path_without_rust()?;
    eprintln!("\n==> dist check: installs in {} with PATH={path}", work.display());
    let sandbox = crate::demo::start_sandbox(root, &["--employees", "200", "--days", "7"])?;
    let url = sandbox.url.as_str();

    eprintln!("\n--> zkbio archive");
    zkbio(root, dist, &work, url)?;
    eprintln!("\n--> Python wheel");
    python(root, dist, &work, &path, url)?;
    eprintln!("\n--> npm packages");
    npm(root, dist, &work, &path, url)?;
    eprintln!("\n--> Maven: a consumer project resolves the jar from the dist repository");
    maven(root, dist, &work, &path, url)?;
    eprintln!("\n--> .crate files");
    for file in &dist.crates {
        let listing = capture(root, "tar", &["-tzf", path_str(file)?])?;
        has_licences(file, &listing)?;
    }
    eprintln!("<== dist check: ok");
    Ok(())
}

/// Unpacks the archive and runs the demo's `zkbio` commands with the binary inside.
fn zkbio(root: &Path, dist: &Dist, work: &Path, url: &str) -> Result<()> {
    let dir = work.join("zkbio");
    fs::create_dir_all(&dir)?;
    let archive = path_str(&dist.cli_archive)?;
    has_licences(&dist.cli_archive, &capture(root, "tar", &["-tzf", archive])?)?;
    util::run(&dir, "tar", &["-xzf", archive])?;
    let name = dist.cli_archive.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    let bin = dir.join(name.trim_end_matches(".tar.gz")).join("zkbio");
    let version = capture(root, path_str(&bin)?, &["--version"])?;
    ensure!(version.contains(&dist.version), "`zkbio --version` says {version:?}");
    crate::cli_demo::run_steps(&bin, &dir.join("work"), url)
}

/// A fresh venv, the wheel installed with no index (nothing fetched, nothing built), the
/// README's quick starts run from a directory without the sources.
fn python(root: &Path, dist: &Dist, work: &Path, path: &str, url: &str) -> Result<()> {
    let wheel = path_str(&dist.wheel)?;
    let name = dist.wheel.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    ensure!(
        name.contains("-abi3-") && name.contains("manylinux"),
        "wheel {name} is not abi3 manylinux"
    );
    let tools = super::python::tools_venv(root)?;
    let audit = capture(root, path_str(&tools.join("bin/auditwheel"))?, &["show", wheel])?;
    // auditwheel wraps its sentences: compare with the whitespace collapsed.
    let said = audit.split_whitespace().collect::<Vec<_>>().join(" ");
    ensure!(
        said.contains("is consistent with the following platform tag: \"manylinux"),
        "auditwheel show {name}:\n{audit}"
    );

    has_licences(&dist.wheel, &zip_listing(root, &dist.wheel)?)?;
    let venv = work.join("python-venv");
    run_with_path(work, path, "python3", &["-m", "venv", path_str(&venv)?])?;
    let python = venv.join("bin/python");
    let pip = ["-m", "pip", "install", "--quiet", "--no-index", wheel];
    run_with_path(work, path, path_str(&python)?, &pip)?;
    let app = work.join("python-app");
    fs::create_dir_all(&app)?;
    crate::bindings::python::quickstart_with(root, &python, &app, url)
}

/// A fresh npm project that installs the two tarballs; the quick start `require`s the
/// package, which loads the addon from the platform package.
fn npm(root: &Path, dist: &Dist, work: &Path, path: &str, url: &str) -> Result<()> {
    let main = capture(root, "tar", &["-tzf", path_str(&dist.npm_main)?])?;
    ensure!(!main.contains(".node\n"), "the npm main package carries an addon:\n{main}");
    has_licences(&dist.npm_main, &main)?;
    has_licences(
        &dist.npm_platform,
        &capture(root, "tar", &["-tzf", path_str(&dist.npm_platform)?])?,
    )?;
    let app = work.join("node-app");
    fs::create_dir_all(&app)?;
    fs::write(app.join("package.json"), "{ \"name\": \"app\", \"private\": true }\n")?;
    let args = [
        "install",
        "--no-audit",
        "--no-fund",
        path_str(&dist.npm_platform)?,
        path_str(&dist.npm_main)?,
    ];
    run_with_path(&app, path, "npm", &args)?;
    let addon = app.join("node_modules/zkbiotime-linux-x64-gnu/zkbiotime.linux-x64-gnu.node");
    ensure!(addon.exists(), "npm did not install the platform package's addon");
    crate::bindings::node::quickstart_in(root, &app, url, Some(path))
}

/// The consumer project (`tests/dist/kotlin-consumer`) compiles the README's Kotlin quick
/// start against the jar resolved from the dist repository, then runs it with `java`.
fn maven(root: &Path, dist: &Dist, work: &Path, path: &str, url: &str) -> Result<()> {
    let artifacts = super::jvm::artifacts(&dist.maven_repo);
    let jar = artifacts
        .iter()
        .find(|p| p.extension().is_some_and(|x| x == "jar"))
        .context("no jar in the dist repository")?;
    let pom = artifacts
        .iter()
        .find(|p| p.extension().is_some_and(|x| x == "pom"))
        .context("no POM in the dist repository")?;
    let listing = zip_listing(root, jar)?;
    has_licences(jar, &listing)?;
    ensure!(
        listing.lines().any(|l| l.ends_with("libzkbiotime_uniffi.so")),
        "the jar holds no native library"
    );
    let pom_text = fs::read_to_string(pom)?;
    for dependency in ["kotlin-stdlib", "kotlinx-coroutines-core", "jna"] {
        let tag = format!("<artifactId>{dependency}</artifactId>");
        ensure!(pom_text.contains(&tag), "the published POM does not declare {dependency}");
    }
    // A release version is cached forever: drop an earlier run's copy so this jar is used.
    if let Some(home) = std::env::var_os("HOME") {
        let cached = PathBuf::from(home).join(".m2/repository/io/github/zkbiotime");
        let _ = fs::remove_dir_all(cached);
    }
    let build = work.join("kotlin-consumer");
    let sources = build.join("quickstart");
    fs::create_dir_all(&sources)?;
    fs::write(sources.join("QuickStart.kt"), crate::bindings::uniffi::quickstart_source(root)?)?;
    let consumer = root.join("tests/dist/kotlin-consumer/pom.xml");
    let args = [
        "-B".to_string(),
        "-q".into(),
        "--no-transfer-progress".into(),
        "-f".into(),
        path_str(&consumer)?.into(),
        format!("-Dzkbiotime.repo=file://{}", dist.maven_repo.display()),
        format!("-Dzkbiotime.version={}", dist.version),
        format!("-Dzkbiotime.build.dir={}", build.display()),
        format!("-Dzkbiotime.quickstart.dir={}", sources.display()),
        "compile".into(),
    ];
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    run_with_path(root, path, "mvn", &args)?;
    let deps = fs::read_to_string(build.join("classpath.txt"))?;
    ensure!(deps.contains("zkbiotime-uniffi"), "the consumer's class path lacks the jar: {deps}");
    let classpath = format!("{}:{}", build.join("classes").display(), deps.trim());
    // The first start copies the native library out of the jar into the user's cache
    // (NativeLibraryCache.kt); the second loads that copy.
    let cache = build.join("xdg-cache");
    let _ = fs::remove_dir_all(&cache);
    for start in ["first", "second"] {
        let status = Command::new("java")
            .args(["-cp", &classpath, "quickstart.QuickStartKt"])
            .env("PATH", path)
            .env("ZKBIO_URL", url)
            .env("XDG_CACHE_HOME", &cache)
            .env_remove("LD_LIBRARY_PATH")
            .current_dir(&build)
            .status()
            .context("starting java")?;
        if !status.success() {
            bail!("the Kotlin quick start on the dist jar failed at its {start} start ({status})");
        }
        let copies: Vec<PathBuf> = fs::read_dir(cache.join("zkbiotime"))
            .with_context(|| format!("the {start} start cached no native library"))?
            .filter_map(|e| e.ok().map(|e| e.path().join("libzkbiotime_uniffi.so")))
            .filter(|p| p.is_file())
            .collect();
        ensure!(copies.len() == 1, "expected one cached native library, found {copies:?}");
    }
    Ok(())
}

/// PATH without the directories that hold `cargo` or `rustc`: what a user's machine has.
fn path_without_rust() -> Result<String> {
    let old = std::env::var_os("PATH").unwrap_or_default();
    let kept: Vec<PathBuf> = std::env::split_paths(&old)
        .filter(|dir| !dir.join("cargo").exists() && !dir.join("rustc").exists())
        .collect();
    let joined = std::env::join_paths(kept)?;
    Ok(joined.to_str().context("PATH is not UTF-8")?.to_string())
}

fn run_with_path(dir: &Path, path: &str, program: &str, args: &[&str]) -> Result<()> {
    eprintln!("$ {program} {}", args.join(" "));
    let status = Command::new(program)
        .args(args)
        .env("PATH", path)
        .current_dir(dir)
        .status()
        .with_context(|| format!("starting {program}"))?;
    if !status.success() {
        bail!("`{program} {}` failed ({status})", args.join(" "));
    }
    Ok(())
}

/// What `program args` prints on stdout; fails on a non-zero exit.
fn capture(dir: &Path, program: &str, args: &[&str]) -> Result<String> {
    let out = Command::new(program)
        .args(args)
        .current_dir(dir)
        .output()
        .with_context(|| format!("starting {program}"))?;
    if !out.status.success() {
        bail!("`{program} {}` failed: {}", args.join(" "), String::from_utf8_lossy(&out.stderr));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The paths inside a zip file (a wheel, a jar), one per line.
fn zip_listing(root: &Path, file: &Path) -> Result<String> {
    let script = "import sys, zipfile; print('\\n'.join(zipfile.ZipFile(sys.argv[1]).namelist()))";
    capture(root, "python3", &["-c", script, path_str(file)?])
}

/// Every licence file is in the artifact's `listing` (one path per line).
fn has_licences(artifact: &Path, listing: &str) -> Result<()> {
    for name in LICENCES {
        ensure!(
            listing.lines().any(|l| l.trim_end_matches('/').ends_with(name)),
            "{} does not carry {name}",
            artifact.display()
        );
    }
    Ok(())
}
