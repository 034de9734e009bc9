//! `zkbio <resource> <action>` for the bulk actions of the spec (`x-action`), against a
//! sandbox on a loopback port: an employee action with field flags, and the question of a
//! destructive one (`x-destructive`): refused without `--yes` when stdin is not a terminal
//! (usage, exit code 2, nothing sent), done with `--yes`.

use crate::common;

use serde_json::{Value, json};

use common::Site;

impl Site {
    fn employee(&self, id: i64) -> Value {
        let out = self
            .zkbio()
            .args(["employees", "get", &id.to_string(), "--format", "json"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice(&out.stdout).unwrap()
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

#[test]
fn employee_action_from_field_flags() {
    let site = Site::demo();
    let out = site
        .zkbio()
        .args(["employees", "adjust-department", "--employees", "1,2", "--department", "3"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stderr).trim(), "adjust-department employees: done");
    let answer: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(answer, json!({"code": 0, "msg": "", "data": []}));
    for id in [1, 2] {
        assert_eq!(site.employee(id)["department"]["id"], 3, "employee {id}");
    }
    // Not destructive: no --yes flag, no question.
    let help = site.zkbio().args(["employees", "adjust-department", "--help"]).output().unwrap();
    assert!(!text(&help.stdout).contains("--yes"));
    // A missing required field is a usage error before anything is sent.
    site.zkbio().args(["employees", "adjust-department", "--employees", "1"]).assert().code(2);
}

#[test]
fn destructive_actions_need_yes_without_a_terminal() {
    let site = Site::demo();
    let help = site.zkbio().args(["terminals", "reboot", "--help"]).output().unwrap();
    assert!(text(&help.stdout).contains("--yes"), "{}", text(&help.stdout));

    let out = site.zkbio().args(["terminals", "reboot", "--terminals", "1"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(err.contains("`zkbio terminals reboot` is destructive"), "{err}");
    assert!(err.contains("--yes"), "{err}");
    assert!(out.stdout.is_empty());

    let out =
        site.zkbio().args(["terminals", "reboot", "--terminals", "1,2", "--yes"]).output().unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stderr).trim(), "reboot terminals: done");

    // Refused means nothing was sent: the fingerprint template summary is still there.
    assert_eq!(site.employee(1)["fingerprint"], "Ver 10:1");
    let args =
        ["employees", "delete-biometric-templates", "--employees", "1", "--finger-print", "true"];
    site.zkbio().args(args).assert().code(2);
    assert_eq!(site.employee(1)["fingerprint"], "Ver 10:1");
    site.zkbio().args(args).arg("-y").assert().success();
    assert_eq!(site.employee(1)["fingerprint"], "-");
}
