//! The command-line binary prints its address first and serves.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

#[test]
fn prints_listening_line_first() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_zkbiotime-sandbox"))
        .args(["--listen", "127.0.0.1:0", "--employees", "3", "--days", "1"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let url = line.trim().strip_prefix("listening on ").unwrap().to_string();
    assert!(url.starts_with("http://127.0.0.1:"));
    assert!(!url.ends_with(":0"), "{url}");
    let rt = tokio::runtime::Runtime::new().unwrap();
    let status =
        rt.block_on(async { reqwest::get(format!("{url}/api/docs/")).await.unwrap().status() });
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(status.as_u16(), 200);
}

#[test]
fn help_documents_flags() {
    let out = Command::new(env!("CARGO_BIN_EXE_zkbiotime-sandbox")).arg("--help").output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    for flag in [
        "--listen",
        "--db",
        "--employees",
        "--days",
        "--seed",
        "--username",
        "--password",
        "--empty",
        "--jwt-lifetime",
    ] {
        assert!(text.contains(flag), "{flag} missing from --help");
    }
}

#[test]
fn bad_fault_spec_is_rejected() {
    let out = Command::new(env!("CARGO_BIN_EXE_zkbiotime-sandbox"))
        .args(["--faults", "teapot=1"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown fault"));
}

#[test]
fn serves_https_from_pem_files() {
    let certs = zkbiotime_sandbox::self_signed().unwrap();
    let dir = std::env::temp_dir().join(format!("zkbt-tls-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("cert.pem"), &certs.cert_pem).unwrap();
    std::fs::write(dir.join("key.pem"), &certs.key_pem).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_zkbiotime-sandbox"))
        .args(["--listen", "127.0.0.1:0", "--faults", "5xx=0.01"])
        .arg("--tls-cert")
        .arg(dir.join("cert.pem"))
        .arg("--tls-key")
        .arg(dir.join("key.pem"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let url = line.trim().strip_prefix("listening on ").unwrap().to_string();
    assert!(url.starts_with("https://"), "{url}");
    let ca = reqwest::Certificate::from_pem(certs.ca_pem.as_bytes()).unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let status = rt.block_on(async {
        let client = reqwest::Client::builder().tls_certs_only([ca]).build().unwrap();
        client.get(format!("{url}/api/docs/")).send().await.unwrap().status()
    });
    child.kill().unwrap();
    child.wait().unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(status.as_u16(), 200);
}
