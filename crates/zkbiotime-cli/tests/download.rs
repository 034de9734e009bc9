//! `zkbio transactions download`: the server's own export (csv, txt, xls) written to a file,
//! one row per punch `zkbio transactions list` shows with the same filter flags; a server
//! error leaves no file and exits with the server's code.

use crate::common;

use std::path::Path;

use serde_json::Value;
use zkbiotime_sandbox::SandboxBuilder;

use common::Site;

impl Site {
    /// The ids `zkbio transactions list` prints with these filter flags.
    fn listed(&self, filters: &[&str]) -> Vec<String> {
        let out = self
            .zkbio()
            .args(["transactions", "list", "--format", "jsonl"])
            .args(filters)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", text(&out.stderr));
        text(&out.stdout)
            .lines()
            .map(|l| serde_json::from_str::<Value>(l).unwrap()["id"].to_string())
            .collect()
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn rows(path: &Path, sep: char) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.ends_with("\r\n"), "CRLF lines");
    text.split("\r\n")
        .filter(|l| !l.is_empty())
        .map(|l| l.split(sep).map(str::to_string).collect())
        .collect()
}

#[test]
fn csv_and_txt_match_the_list_and_filters_narrow_them() {
    let site = Site::start(SandboxBuilder::new().employees(15).days(2));
    let dir = tempfile::tempdir().unwrap();

    let csv = dir.path().join("all.csv");
    let out = site
        .zkbio()
        .args(["transactions", "download", "--type", "csv", "-o"])
        .arg(&csv)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let size = std::fs::metadata(&csv).unwrap().len();
    let said = text(&out.stderr);
    assert!(said.contains("downloaded ") && said.contains("(csv)"), "{said}");
    assert!(said.contains(&indicatif_count(size)), "the size in the last line: {said}");
    let table = rows(&csv, ',');
    assert_eq!(table[0][..2], ["id", "emp_code"]);
    let all: Vec<String> = table[1..].iter().map(|r| r[0].clone()).collect();
    assert_eq!(all, site.listed(&[]));
    assert!(!dir.path().join("all.csv.part").exists());

    // txt from the extension, narrowed by a filter flag.
    let txt = dir.path().join("one.txt");
    let out = site
        .zkbio()
        .args(["transactions", "download", "--emp-code", "1", "--no-progress", "-o"])
        .arg(&txt)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let table = rows(&txt, '\t');
    let narrowed: Vec<String> = table[1..].iter().map(|r| r[0].clone()).collect();
    assert_eq!(narrowed, site.listed(&["--emp-code", "1"]));
    assert!(!narrowed.is_empty() && narrowed.len() < all.len());

    // The global --format csv is taken; xls by --type.
    let xls = dir.path().join("punches.data");
    site.zkbio()
        .args(["transactions", "download", "--type", "xls", "-o"])
        .arg(&xls)
        .assert()
        .success();
    let html = std::fs::read_to_string(&xls).unwrap();
    assert_eq!(html.matches("<tr>").count(), all.len() + 1);
    let plain = dir.path().join("punches.out");
    site.zkbio()
        .args(["transactions", "download", "--format", "csv", "-o"])
        .arg(&plain)
        .assert()
        .success();
    assert_eq!(rows(&plain, ',').len(), all.len() + 1);
}

#[test]
fn usage_errors_and_a_server_error_leave_no_file() {
    let site = Site::start(SandboxBuilder::new().faults_spec("500=1"));
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("x.csv");
    // Usage errors: exit 2, nothing sent, nothing written.
    site.zkbio()
        .args(["transactions", "download", "--type", "pdf", "-o"])
        .arg(&target)
        .assert()
        .code(2);
    site.zkbio()
        .args(["transactions", "download", "--format", "json", "-o"])
        .arg(&target)
        .assert()
        .code(2);
    site.zkbio().args(["transactions", "download", "-o", "-"]).assert().code(2);
    // A 500 on every answer: the server's error, no file, an old one untouched.
    let old = dir.path().join("old.csv");
    std::fs::write(&old, "yesterday's export").unwrap();
    for path in [&target, &old] {
        let out = site
            .zkbio()
            .args(["--retries", "0", "transactions", "download", "-o"])
            .arg(path)
            .output()
            .unwrap();
        assert!(!out.status.success());
        assert!(text(&out.stderr).contains("500"), "{}", text(&out.stderr));
    }
    let mut left: Vec<_> =
        std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    left.sort();
    assert_eq!(left, ["old.csv"]);
    assert_eq!(std::fs::read_to_string(&old).unwrap(), "yesterday's export");
}

/// How the final line writes a small size (`1,234 bytes`).
fn indicatif_count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 1024 * 1024 { format!("{out} bytes") } else { out }
}
