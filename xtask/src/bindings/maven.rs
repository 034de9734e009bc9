//! The JVM side of `bindings/kotlin-swift` as the ordinary Maven project `bindings/kotlin-swift/pom.xml`
//! (kotlin-maven-plugin, kotlinx-coroutines, JNA, JUnit 5 from Maven Central).
//!
//! The xtask runs `mvn -B -q` on that pom with its own build directory under cargo's target
//! dir (one per cargo profile, so the dev tests and the release jar never rebuild each
//! other) and the cargo profile directory holding the native library, which the pom puts in
//! the jar at JNA's resource path. It reads the test results from Surefire's XML reports and
//! the test class path from the file the pom writes (`test-classpath.txt`).

use std::fs;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::{Context, Result, bail};

use crate::{demo, util};

/// The environment of every JVM the xtask starts (Maven, the scenario runner, the bench):
/// `LD_LIBRARY_PATH` without cargo's target dirs, which `cargo run` puts there and where JNA
/// would find `target/debug/libzkbiotime_uniffi.so` before the library packed in the jar
/// (the bench then measured a dev build); no Rust backtraces in the output.
pub(crate) fn jvm_env(root: &Path) -> Vec<(String, String)> {
    let target = demo::target_dir(root);
    let paths = std::env::var_os("LD_LIBRARY_PATH").unwrap_or_default();
    let kept: Vec<PathBuf> =
        std::env::split_paths(&paths).filter(|p| !p.starts_with(&target)).collect();
    let kept = std::env::join_paths(kept).unwrap_or_default().to_string_lossy().into_owned();
    vec![("LD_LIBRARY_PATH".into(), kept), ("RUST_BACKTRACE".into(), "0".into())]
}

/// One Maven build of the pom: a build directory and the native library it packs.
pub(crate) struct Build {
    pom: PathBuf,
    /// Maven's `project.build.directory` (`-Dzkbiotime.build.dir`).
    pub dir: PathBuf,
    /// The cargo profile directory holding `libzkbiotime_uniffi.so` (`-Dzkbiotime.native.dir`).
    native_dir: PathBuf,
    /// `-Dzkbiotime.sandbox.bin`: the sandbox the JUnit tests start.
    sandbox: Option<PathBuf>,
}

impl Build {
    /// `profile`: "dev" or "release"; `lib`: the built native library.
    pub fn new(root: &Path, profile: &str, lib: &Path) -> Result<Self> {
        Ok(Self {
            pom: root.join("bindings/kotlin-swift/pom.xml"),
            dir: demo::target_dir(root).join("uniffi/maven").join(profile),
            native_dir: lib.parent().context("library dir")?.to_path_buf(),
            sandbox: None,
        })
    }

    pub fn with_sandbox(mut self, sandbox: &Path) -> Self {
        self.sandbox = Some(sandbox.to_path_buf());
        self
    }

    /// The jar `package` writes: classes + the native library.
    pub fn jar(&self) -> PathBuf {
        self.dir.join("zkbiotime-uniffi.jar")
    }

    /// Where the pom looks for the README quick start (a test source root).
    pub fn quickstart_dir(&self) -> PathBuf {
        self.dir.join("generated-test-sources/quickstart")
    }

    /// Runs `mvn -B -q <args>` on the pom; `what` names the step in the timing line.
    pub fn mvn(&self, root: &Path, what: &str, args: &[&str]) -> Result<()> {
        let mut all = vec![
            "-B".to_string(),
            "-q".into(),
            "--no-transfer-progress".into(),
            "-f".into(),
            self.pom.display().to_string(),
            format!("-Dzkbiotime.build.dir={}", self.dir.display()),
            format!("-Dzkbiotime.native.dir={}", self.native_dir.display()),
        ];
        if let Some(sandbox) = &self.sandbox {
            all.push(format!("-Dzkbiotime.sandbox.bin={}", sandbox.display()));
        }
        all.extend(args.iter().map(|a| a.to_string()));
        let shown = all.iter().filter(|a| !a.starts_with("-f") && !a.contains('/')).cloned();
        eprintln!(
            "$ mvn {} (build dir {})",
            shown.collect::<Vec<_>>().join(" "),
            self.dir.display()
        );
        let started = Instant::now();
        let mut child = Command::new("mvn")
            .envs(jvm_env(root))
            .args(&all)
            .current_dir(root)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .context("starting mvn")?;
        // Debian's Maven 3.8 prints colour resets even in batch mode: drop them.
        let stderr = child.stderr.take().context("mvn stderr")?;
        let errors = std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let line = strip_ansi(&line);
                if !line.trim().is_empty() {
                    eprintln!("{line}");
                }
            }
        });
        let stdout = child.stdout.take().context("mvn stdout")?;
        for line in BufReader::new(stdout).lines() {
            let line = strip_ansi(&line?);
            if !line.trim().is_empty() {
                println!("{line}");
            }
        }
        let _ = errors.join();
        let status = child.wait()?;
        eprintln!("uniffi: mvn {what} took {:.1?}", started.elapsed());
        if !status.success() {
            bail!("`mvn {}` failed ({status})", args.join(" "));
        }
        Ok(())
    }

    /// The jar, then the test classes (scenario runner, bench program, quick start), then
    /// every dependency (kotlin-stdlib, kotlinx-coroutines, JNA, kotlin-reflect, JUnit).
    pub fn test_classpath(&self) -> Result<String> {
        let file = self.dir.join("test-classpath.txt");
        let deps =
            fs::read_to_string(&file).with_context(|| format!("reading {}", file.display()))?;
        let mut parts = vec![self.jar().display().to_string()];
        parts.push(self.dir.join("test-classes").display().to_string());
        parts.extend(deps.trim().split(':').filter(|p| !p.is_empty()).map(String::from));
        Ok(parts.join(":"))
    }

    /// Prints one line per test from Surefire's XML reports and the totals; fails unless
    /// every test ran and passed.
    pub fn report(&self) -> Result<()> {
        let reports = self.dir.join("surefire-reports");
        let mut files: Vec<PathBuf> = fs::read_dir(&reports)
            .with_context(|| format!("no test reports in {}", reports.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
                name.starts_with("TEST-") && name.ends_with(".xml")
            })
            .collect();
        files.sort();
        let (mut passed, mut failed, mut skipped, mut seconds) = (0, 0, 0, 0.0);
        for file in files {
            for case in test_cases(&fs::read_to_string(&file)?) {
                let ms = (case.seconds * 1000.0).round() as u64;
                seconds += case.seconds;
                let label = match case.outcome {
                    Outcome::Passed => {
                        passed += 1;
                        "ok  "
                    }
                    Outcome::Failed => {
                        failed += 1;
                        "FAIL"
                    }
                    Outcome::Skipped => {
                        skipped += 1;
                        "skip"
                    }
                };
                println!("{label}  {:<70} {ms:>6} ms", case.name);
            }
        }
        println!("kotlin tests: {seconds:.1} s in JUnit");
        println!("{passed} passed, {failed} failed, {skipped} skipped");
        if failed > 0 || passed == 0 {
            bail!("Kotlin tests failed (reports in {})", reports.display());
        }
        if skipped > 0 {
            bail!("{skipped} Kotlin test(s) skipped: the xtask provides everything they need");
        }
        Ok(())
    }
}

/// Maven and a JDK (the machine image has them; Debian's packages otherwise) and openssl,
/// which makes the certificates of the TLS test.
pub(crate) fn ensure_tools(root: &Path) -> Result<()> {
    let missing: Vec<&str> = [
        (on_path("mvn"), "maven"),
        (on_path("javac"), "default-jdk-headless"),
        (on_path("openssl"), "openssl"),
    ]
    .into_iter()
    .filter_map(|(present, package)| (!present).then_some(package))
    .collect();
    if !missing.is_empty() {
        let mut args = vec!["install", "-y", "-q"];
        args.extend(&missing);
        if util::run(root, "apt-get", &args).is_err() {
            util::run(root, "apt-get", &["update", "-q"])?;
            util::run(root, "apt-get", &args)?;
        }
    }
    Ok(())
}

fn on_path(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(program).is_file()))
}

fn strip_ansi(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' && chars.peek() == Some(&'[') {
            chars.next();
            // Parameters and intermediates, then one final byte in '@'..='~'.
            for c in chars.by_ref() {
                if ('@'..='~').contains(&c) {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[derive(Debug, PartialEq)]
enum Outcome {
    Passed,
    Failed,
    Skipped,
}

#[derive(Debug)]
struct TestCase {
    name: String,
    seconds: f64,
    outcome: Outcome,
}

/// The `<testcase>` elements of one Surefire XML report, in order.
fn test_cases(xml: &str) -> Vec<TestCase> {
    let mut cases = Vec::new();
    let mut rest = xml;
    while let Some(at) = rest.find("<testcase ") {
        rest = &rest[at..];
        let Some(tag_end) = rest.find('>') else { break };
        let tag = &rest[..tag_end];
        let body = if tag.ends_with('/') {
            ""
        } else {
            let end = rest.find("</testcase>").unwrap_or(rest.len());
            &rest[tag_end..end]
        };
        let outcome = if body.contains("<failure") || body.contains("<error") {
            Outcome::Failed
        } else if body.contains("<skipped") {
            Outcome::Skipped
        } else {
            Outcome::Passed
        };
        let class = attribute(tag, "classname").unwrap_or_default();
        let short = class.rsplit('.').next().unwrap_or_default().to_string();
        let name = attribute(tag, "name").unwrap_or_default();
        cases.push(TestCase {
            name: if short.is_empty() { name } else { format!("{short}: {name}") },
            seconds: attribute(tag, "time").and_then(|t| t.parse().ok()).unwrap_or(0.0),
            outcome,
        });
        rest = &rest[tag_end..];
    }
    cases
}

fn attribute(tag: &str, name: &str) -> Option<String> {
    let start = tag.find(&format!(" {name}=\""))? + name.len() + 3;
    let len = tag[start..].find('"')?;
    Some(
        tag[start..start + len]
            .replace("&quot;", "\"")
            .replace("&apos;", "'")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_surefire_test_cases() {
        let xml = r#"<testsuite name="kotlintests.ReadsTest">
  <testcase name="terminals: list &amp; get" classname="kotlintests.ReadsTest" time="0.093"/>
  <testcase name="bad" classname="kotlintests.ReadsTest" time="1.5">
    <failure message="x" type="kotlintests.AssertionFailed">trace</failure>
  </testcase>
  <testcase name="later" classname="kotlintests.ReadsTest" time="0"><skipped/></testcase>
</testsuite>"#;
        let cases = test_cases(xml);
        assert_eq!(cases.len(), 3);
        assert_eq!(cases[0].name, "ReadsTest: terminals: list & get");
        assert_eq!(cases[0].outcome, Outcome::Passed);
        assert!((cases[0].seconds - 0.093).abs() < 1e-9);
        assert_eq!(cases[1].outcome, Outcome::Failed);
        assert_eq!(cases[2].outcome, Outcome::Skipped);
        assert_eq!(strip_ansi("\u{1b}[0m\u{1b}[1;31mred\u{1b}[0m"), "red");
    }
}
