//! `zkbio first-last-reports list`: a list-only resource (an attendance report): its rows
//! are each employee's first and last punch of each day of the range, filters are flags,
//! and there is no `get`. `zkbio report NAME`: any report by name, one JSON row per line.

use crate::common;

use std::collections::BTreeMap;

use serde_json::Value;
use zkbiotime_sandbox::SandboxBuilder;

use common::Site;

fn jsonl(site: &Site, args: &[&str]) -> Vec<Value> {
    let out = site.zkbio().args(args).args(["--format", "jsonl"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

#[test]
fn first_last_report_rows_follow_the_punches() {
    let site = Site::start(SandboxBuilder::new().employees(10).days(2));
    let punches = jsonl(&site, &["transactions", "list"]);
    let time = |p: &Value| p["punch_time"].as_str().unwrap().to_string();
    let mut per_day: BTreeMap<String, usize> = BTreeMap::new();
    for p in &punches {
        *per_day.entry(time(p)[..10].to_string()).or_default() += 1;
    }
    let day = per_day.iter().max_by_key(|(_, n)| **n).map(|(d, _)| d.clone()).unwrap();
    let mut want: BTreeMap<(String, String), (String, String)> = BTreeMap::new();
    for p in punches.iter().filter(|p| time(p).starts_with(&day)) {
        let clock = time(p)[11..19].to_string();
        let code = p["emp_code"].as_str().unwrap().to_string();
        let e = want.entry((code, day.clone())).or_insert((clock.clone(), clock.clone()));
        e.0 = e.0.clone().min(clock.clone());
        e.1 = e.1.clone().max(clock);
    }

    let args = ["first-last-reports", "list", "--start-date", &day, "--end-date", &day];
    let rows = jsonl(&site, &[&args[..], &["--page-size", "4"]].concat());
    let got: BTreeMap<(String, String), (String, String)> = rows
        .iter()
        .map(|r| {
            let s = |k: &str| r[k].as_str().unwrap().to_string();
            ((s("emp_code"), s("att_date")), (s("first_punch"), s("last_punch")))
        })
        .collect();
    assert_eq!(got.len(), rows.len());
    assert_eq!(got, want);
    assert!(rows.len() > 4, "more than one page: {}", rows.len());

    let limited = jsonl(&site, &[&args[..], &["--limit", "2"]].concat());
    assert_eq!(limited.len(), 2);

    let help = site.zkbio().args(["first-last-reports", "--help"]).output().unwrap();
    let help = String::from_utf8_lossy(&help.stdout);
    assert!(help.contains("list") && !help.contains("get"), "{help}");
    let get = site.zkbio().args(["first-last-reports", "get", "1"]).output().unwrap();
    assert_eq!(get.status.code(), Some(2), "no get: a usage error");
}

#[test]
fn a_malformed_date_is_refused_by_the_server() {
    let site = Site::start(SandboxBuilder::new().employees(2).days(1));
    let out = site
        .zkbio()
        .args(["first-last-reports", "list", "--start-date", "03/06/2024"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("start_date"), "{err}");
}

#[test]
fn any_report_by_name_prints_every_row_as_a_json_line() {
    let site = Site::start(SandboxBuilder::new().employees(10).days(2));
    let period = ["--start-date", "2000-01-01", "--end-date", "2100-01-01"];
    let typed = jsonl(&site, &[&["first-last-reports", "list"][..], &period].concat());
    let args = ["report", "firstLastReport", "-p", "start_date=2000-01-01"];
    let run = |extra: &[&str]| {
        let out = site.zkbio().args(args).args(["-p", "end_date=2100-01-01"]).args(extra).output();
        let out = out.unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        text.lines().map(|l| serde_json::from_str::<Value>(l).unwrap()).collect::<Vec<_>>()
    };
    let rows = run(&["--page-size", "4"]);
    let codes = |rows: &[Value]| -> Vec<(String, String)> {
        let s = |r: &Value, k: &str| r[k].as_str().unwrap_or_default().to_string();
        rows.iter().map(|r| (s(r, "emp_code"), s(r, "first_punch"))).collect()
    };
    assert!(rows.len() > 4, "several pages: {}", rows.len());
    assert_eq!(codes(&rows), codes(&typed));
    assert_eq!(run(&["--limit", "3"]).len(), 3);

    let out = site.zkbio().args(["report", "noSuchReport"]).output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no report"), "{err}");
    let out = site.zkbio().args(["report", "../employees"]).output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("report name"), "{err}");
}
