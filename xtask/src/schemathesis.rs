//! The sandbox against the spec: schemathesis (from PyPI, in `target/schemathesis-venv`)
//! generates requests for every operation of `openapi/zkbiotime.yaml` and checks the answers,
//! and a direct probe checks that every operation but the logins refuses a missing or wrong
//! token. Part of `cargo xtask test`; about a minute.
//!
//! Two schemathesis runs:
//! - positive data: no 5xx; status codes, content types, headers and bodies as the spec
//!   says; 405 with `Allow` for other methods; deleted records gone, created ones there;
//! - negative data: no 5xx. (Conformance is not checked there: an invalid path parameter
//!   such as `/employees/0.5/` leaves the operation's route, and the sandbox then answers
//!   what a real server answers for an unknown path, an HTML page with HTTP 200.)
//!
//! Not checked: `positive_data_acceptance`. The API rejects schema-valid data for reasons a
//! schema cannot state (unknown foreign ids, duplicate codes, deleting an area that still
//! has employees, times that are not `YYYY-MM-DD HH:MM:SS`), as real servers do.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::demo::start_sandbox;
use crate::util;

/// Pinned so a new release cannot change what passes.
const SCHEMATHESIS: &str = "schemathesis==4.32.5";

/// Generated cases per operation and phase (26 operations: keeps each run well under 3 minutes).
const POSITIVE_EXAMPLES: &str = "40";
const NEGATIVE_EXAMPLES: &str = "25";

pub fn run(root: &Path) -> Result<()> {
    let started = Instant::now();
    let venv = root.join("target/schemathesis-venv");
    let st = ensure_schemathesis(root, &venv)?;
    let sandbox = start_sandbox(root, &[])?;
    let addr = sandbox.url.strip_prefix("http://").context("sandbox URL")?.to_string();
    let token = login(&addr)?;

    // APIs not every server has (the resign API: 8.5 and 9.5) answer a web page on the
    // default 9.0 sandbox, as real servers do; they are tested against their versions in
    // tests/e2e, the bindings and the scenarios.
    let spec_model = crate::codegen::load_spec(root)?;
    let limited = crate::codegen::resources::version_limited_paths(
        &crate::codegen::resources::resources(&spec_model)?,
    );
    refuses_bad_tokens(root, &addr, &token, &limited)?;
    let exclude: Vec<String> = limited.iter().map(|p| format!("^{}", regex_escape(p))).collect();

    let work = root.join("target/schemathesis");
    std::fs::create_dir_all(&work)?;
    let spec = root.join("openapi/zkbiotime.yaml");
    let auth = format!("Authorization: Token {token}");
    let runs = [
        (
            "positive",
            POSITIVE_EXAMPLES,
            "not_a_server_error,status_code_conformance,content_type_conformance,\
             response_schema_conformance,response_headers_conformance,\
             allow_header_conformance,unsupported_method,missing_required_header,\
             use_after_free,ensure_resource_availability,ignored_auth",
        ),
        ("negative", NEGATIVE_EXAMPLES, "not_a_server_error"),
    ];
    for (mode, examples, checks) in runs {
        eprintln!("schemathesis: {mode} data, checks {checks}");
        let status = Command::new(&st)
            // Its caches (.hypothesis, .schemathesis) stay out of the source tree.
            .current_dir(&work)
            .arg("run")
            .arg(&spec)
            .args(["--url", &sandbox.url, "--header", &auth])
            .args(["--checks", checks, "--mode", mode, "--max-examples", examples])
            .args(["--seed", "20240630", "--generation-database", "none", "--workers", "1"])
            .args(["--request-timeout", "20", "--max-failures", "20"])
            .args(if exclude.is_empty() {
                vec![]
            } else {
                vec!["--exclude-path-regex".to_string(), exclude.join("|")]
            })
            .status()
            .context("starting schemathesis")?;
        if !status.success() {
            bail!(
                "schemathesis found answers of the sandbox that do not match the spec ({mode} run)"
            );
        }
    }
    eprintln!("schemathesis: sandbox matches the spec ({:.0?})", started.elapsed());
    Ok(())
}

/// Creates the venv and installs schemathesis unless the pinned version is already there.
fn ensure_schemathesis(root: &Path, venv: &Path) -> Result<std::path::PathBuf> {
    let st = venv.join("bin/schemathesis");
    let version = SCHEMATHESIS.split("==").nth(1).unwrap_or_default();
    let installed = Command::new(&st)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success() && String::from_utf8_lossy(&o.stdout).contains(version));
    if installed {
        return Ok(st);
    }
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
    util::run(root, &python, &["-m", "venv", &venv.to_string_lossy()])?;
    let pip = venv.join("bin/pip");
    util::run(root, &pip.to_string_lossy(), &["install", "--quiet", SCHEMATHESIS])?;
    Ok(st)
}

/// One HTTP/1.1 exchange over a fresh connection: (status, body).
fn http(
    addr: &str,
    method: &str,
    path: &str,
    auth: Option<&str>,
    body: Option<&str>,
) -> Result<(u16, String)> {
    let mut stream = TcpStream::connect(addr).with_context(|| format!("connecting to {addr}"))?;
    stream.set_read_timeout(Some(Duration::from_secs(20)))?;
    let mut request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nAccept: application/json\r\n"
    );
    if let Some(auth) = auth {
        request.push_str(&format!("Authorization: {auth}\r\n"));
    }
    let body = body.unwrap_or("");
    if !body.is_empty() {
        request.push_str("Content-Type: application/json\r\n");
    }
    request.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
    stream.write_all(request.as_bytes())?;
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer)?;
    let answer = String::from_utf8_lossy(&answer);
    let status = answer
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .with_context(|| format!("no HTTP status in {:?}", answer.lines().next()))?;
    let body = answer.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default();
    Ok((status, body))
}

fn login(addr: &str) -> Result<String> {
    let credentials = r#"{"username": "admin", "password": "admin123"}"#;
    let (status, body) = http(addr, "POST", "/api-token-auth/", None, Some(credentials))?;
    if status != 200 {
        bail!("login answered {status}: {body}");
    }
    let answer: serde_json::Value = serde_json::from_str(&body).context("login answer")?;
    answer["token"].as_str().map(str::to_string).context("no token in the login answer")
}

/// Every operation that the spec secures (all but the logins) must answer 401 without a
/// token and with a wrong one, whatever the method, before looking at the request.
/// `text` with the regular-expression metacharacters of a path escaped.
fn regex_escape(text: &str) -> String {
    text.chars().fold(String::new(), |mut out, c| {
        if "\\.+*?()|[]{}^$".contains(c) {
            out.push('\\');
        }
        out.push(c);
        out
    })
}

fn refuses_bad_tokens(root: &Path, addr: &str, token: &str, limited: &[String]) -> Result<()> {
    let text = std::fs::read_to_string(root.join("openapi/zkbiotime.yaml"))?;
    let spec: serde_yaml::Value = serde_yaml::from_str(&text)?;
    let default_security = spec.get("security").cloned();
    let bad: [(&str, Option<String>); 6] = [
        ("no header", None),
        ("unknown token", Some(format!("Token {}", "0".repeat(40)))),
        ("token of another scheme", Some(format!("Bearer {token}"))),
        ("empty Token", Some("Token".into())),
        ("forged JWT", Some("JWT eyJhbGciOiJIUzI1NiJ9.eyJ1c2VyX2lkIjoxfQ.c2lnbmF0dXJl".into())),
        ("wrong password (Basic)", Some("Basic YWRtaW46d3Jvbmc=".into())),
    ];
    let mut checked = 0;
    let mut failures = Vec::new();
    let paths = spec.get("paths").and_then(|p| p.as_mapping()).context("spec paths")?;
    for (path, item) in paths {
        let path = path.as_str().context("path")?.replace("{id}", "1");
        if limited.iter().any(|l| path.starts_with(l.as_str())) {
            continue;
        }
        let Some(item) = item.as_mapping() else { continue };
        for (method, op) in item {
            let method = method.as_str().unwrap_or_default().to_ascii_uppercase();
            if !matches!(method.as_str(), "GET" | "POST" | "PUT" | "PATCH" | "DELETE") {
                continue;
            }
            let security = op.get("security").cloned().or_else(|| default_security.clone());
            let public = security.as_ref().and_then(|s| s.as_sequence()).is_none_or(Vec::is_empty);
            if public {
                continue;
            }
            let body = matches!(method.as_str(), "POST" | "PUT" | "PATCH").then_some("{}");
            for (what, auth) in &bad {
                let (status, answer) = http(addr, &method, &path, auth.as_deref(), body)?;
                checked += 1;
                if status != 401 {
                    failures.push(format!("{method} {path} with {what}: {status} {answer}"));
                }
            }
            // The probe is not vacuous: the real token gets past authentication.
            if method == "GET" {
                let (status, _) =
                    http(addr, &method, &path, Some(&format!("Token {token}")), None)?;
                if status == 401 {
                    failures.push(format!("{method} {path} refuses the valid token"));
                }
            }
        }
    }
    if !failures.is_empty() {
        bail!("operations that do not refuse a missing or wrong token:\n{}", failures.join("\n"));
    }
    eprintln!("auth probe: {checked} requests with a missing or wrong token, all refused with 401");
    Ok(())
}
