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
