//! `zkbio transactions delete ID`: punches can be deleted (the spec's DELETE on the detail
//! route), not written; a second delete of the same punch is not found (exit 4).

use std::time::Duration;

use assert_cmd::Command;
use serde_json::Value;
use zkbiotime_sandbox::SandboxBuilder;

const BIN: &str = env!("CARGO_BIN_EXE_zkbio");

#[test]
fn a_punch_is_deleted_once() {
    let runtime =
        tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let sandbox = runtime.block_on(SandboxBuilder::new().employees(3).days(1).spawn()).unwrap();
    let zkbio = || {
        let mut cmd = Command::new(BIN);
        cmd.env_remove("ZKBIO_TOKEN")
            .env("ZKBIO_URL", sandbox.url())
            .env("ZKBIO_USERNAME", sandbox.username())
            .env("ZKBIO_PASSWORD", sandbox.password())
            .timeout(Duration::from_secs(60));
        cmd
    };
    let ids = || -> Vec<i64> {
        let out = zkbio().args(["transactions", "list", "--format", "jsonl"]).output().unwrap();
        assert!(out.status.success());
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(|l| serde_json::from_str::<Value>(l).unwrap()["id"].as_i64().unwrap())
            .collect()
    };
    let before = ids();
    let victim = before[0].to_string();
    let out = zkbio().args(["transactions", "delete", &victim]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains(&format!("deleted transaction {victim}"))
    );
    assert_eq!(ids(), before[1..].to_vec());
    let again = zkbio().args(["transactions", "delete", &victim]).output().unwrap();
    assert_eq!(again.status.code(), Some(4), "{}", String::from_utf8_lossy(&again.stderr));
    let help = zkbio().args(["transactions", "--help"]).output().unwrap();
    let help = String::from_utf8_lossy(&help.stdout);
    assert!(help.contains("delete") && !help.contains("create"), "{help}");
}
