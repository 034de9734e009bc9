//! `zkbio transactions delete ID`: punches can be deleted (the spec's DELETE on the detail
//! route), not written; a second delete of the same punch is not found (exit 4).

use crate::common;

use serde_json::Value;
use zkbiotime_sandbox::SandboxBuilder;

use common::Site;

#[test]
fn a_punch_is_deleted_once() {
    let site = Site::start(SandboxBuilder::new().employees(3).days(1));
    let ids = || -> Vec<i64> {
        let out =
            site.zkbio().args(["transactions", "list", "--format", "jsonl"]).output().unwrap();
        assert!(out.status.success());
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(|l| serde_json::from_str::<Value>(l).unwrap()["id"].as_i64().unwrap())
            .collect()
    };
    let before = ids();
    let victim = before[0].to_string();
    let out = site.zkbio().args(["transactions", "delete", &victim]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains(&format!("deleted transaction {victim}"))
    );
    assert_eq!(ids(), before[1..].to_vec());
    let again = site.zkbio().args(["transactions", "delete", &victim]).output().unwrap();
    assert_eq!(again.status.code(), Some(4), "{}", String::from_utf8_lossy(&again.stderr));
    let help = site.zkbio().args(["transactions", "--help"]).output().unwrap();
    let help = String::from_utf8_lossy(&help.stdout);
    assert!(help.contains("delete") && !help.contains("create"), "{help}");
}
