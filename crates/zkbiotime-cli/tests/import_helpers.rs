//! `zkbio transactions sync --since` (a first import from a date) and `--direction` on
//! export and sync (in/out per punch, decided by the core), against a sandbox.

use crate::common;

use std::collections::{BTreeMap, HashMap};

use serde_json::Value;
use zkbiotime_sandbox::SandboxBuilder;

use common::Site;

const SINCE: &str = "2024-06-29";

impl Site {
    fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.dir.path().join(name)).unwrap()
    }

    /// `zkbio ARGS` must succeed; its stdout.
    fn ok(&self, args: &[&str]) -> String {
        let out = self.zkbio().args(args).output().unwrap();
        assert!(out.status.success(), "zkbio {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    }

    /// `zkbio ARGS` must fail with a usage error (exit 2); its stderr.
    fn usage_error(&self, args: &[&str]) -> String {
        let out = self.zkbio().args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "zkbio {args:?}");
        String::from_utf8(out.stderr).unwrap()
    }
}

fn jsonl(text: &str) -> Vec<Value> {
    text.lines().map(|l| serde_json::from_str(l).expect("a JSON line")).collect()
}

fn sorted_ids(records: &[Value]) -> Vec<i64> {
    let mut ids: Vec<i64> = records.iter().map(|r| r["id"].as_i64().expect("an id")).collect();
    ids.sort_unstable();
    ids
}

fn text<'a>(record: &'a Value, field: &str) -> &'a str {
    record[field].as_str().unwrap_or("")
}

/// The direction by punch state: 0, 3, 4 in; 1, 2, 5 out; anything else none.
fn by_state(code: &str) -> Option<&'static str> {
    match code.trim() {
        "0" | "3" | "4" => Some("in"),
        "1" | "2" | "5" => Some("out"),
        _ => None,
    }
}

/// A punch's time, id and direction.
type Punch = (String, i64, Option<String>);

/// Checks IN, OUT, IN, ... per employee and day in time order.
fn assert_alternates(records: &[Value]) {
    let mut days: BTreeMap<(String, String), Vec<Punch>> = BTreeMap::new();
    for r in records {
        let time = text(r, "punch_time").to_string();
        let key = (text(r, "emp_code").to_string(), time[..10].to_string());
        let direction = r["direction"].as_str().map(str::to_string);
        days.entry(key).or_default().push((time, r["id"].as_i64().unwrap(), direction));
    }
    assert!(days.values().any(|d| d.len() >= 2), "a day with several punches");
    for (day, mut punches) in days {
        punches.sort();
        for (n, (_, id, direction)) in punches.iter().enumerate() {
            let expected = if n % 2 == 0 { "in" } else { "out" };
            assert_eq!(direction.as_deref(), Some(expected), "punch {id} of {day:?}");
        }
    }
}

#[test]
fn sync_since_starts_at_the_date_and_only_on_the_first_run() {
    let site = Site::start(SandboxBuilder::new().employees(10).days(4));
    let listed = jsonl(&site.ok(&[
        "transactions",
        "list",
        "--start-time",
        &format!("{SINCE} 00:00:00"),
        "--format",
        "jsonl",
    ]));
    let expected = sorted_ids(&listed);
    assert!(!expected.is_empty() && expected.len() < site.sandbox.transaction_ids().len());

    let sync = ["transactions", "sync", "--state", "state.json", "--out", "p.jsonl"];
    site.ok(&[&sync[..], &["--since", SINCE, "--batch", "70"]].concat());
    assert_eq!(sorted_ids(&jsonl(&site.read("p.jsonl"))), expected);
    assert!(site.read("state.json").contains(&format!("{SINCE} 00:00:00")));

    // The state file has a position now: --since is the core's usage error.
    let err = site.usage_error(&[&sync[..], &["--since", SINCE]].concat());
    assert!(err.contains("since applies to the first sync"), "{err}");
    // Without it, the next run goes on from the state: nothing new.
    site.ok(&sync);
    assert_eq!(sorted_ids(&jsonl(&site.read("p.jsonl"))), expected);

    let err = site.usage_error(&[
        "transactions",
        "sync",
        "--state",
        "s2.json",
        "--out",
        "q.jsonl",
        "--since",
        "June",
    ]);
    assert!(err.contains("since"), "{err}");
}

#[test]
fn export_directions_by_state_and_terminal() {
    let site = Site::start(SandboxBuilder::new().employees(8).days(3));
    let export = ["transactions", "export", "--no-progress"];

    // CSV: a `direction` column after the punch's fields.
    site.ok(&[&export[..], &["--direction", "state", "--out", "p.csv"]].concat());
    let csv = site.read("p.csv");
    let mut rows = csv::Reader::from_reader(csv.as_bytes());
    let header = rows.headers().unwrap().clone();
    assert_eq!(header.iter().next_back(), Some("direction"), "{header:?}");
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (state, direction) = (col("punch_state"), col("direction"));
    let mut count = 0;
    for row in rows.records() {
        let row = row.unwrap();
        assert_eq!(by_state(&row[state]).unwrap_or(""), &row[direction], "{row:?}");
        count += 1;
    }
    assert_eq!(count, site.sandbox.transaction_ids().len());

    // JSON Lines: a `direction` field; by terminal from the map (serial number or alias).
    let all = jsonl(&site.ok(&["transactions", "list", "--format", "jsonl"]));
    let mut sns: Vec<&str> =
        all.iter().map(|r| text(r, "terminal_sn")).filter(|s| !s.is_empty()).collect();
    sns.sort_unstable();
    sns.dedup();
    assert!(sns.len() >= 2, "{sns:?}");
    let map = HashMap::from([(sns[0], "in"), (sns[1], "out")]);
    let (entry, exit) = (format!("{}=in", sns[0]), format!("{}=OUT", sns[1]));
    let args =
        ["--direction", "terminal", "--terminal-direction", &entry, "--terminal-direction", &exit];
    site.ok(&[&export[..], &args, &["--out", "t.jsonl"]].concat());
    let records = jsonl(&site.read("t.jsonl"));
    assert_eq!(records.len(), all.len());
    for r in &records {
        let expected = map.get(text(r, "terminal_sn")).copied();
        assert_eq!(r["direction"].as_str(), expected, "{r}");
        assert!(r.get("direction").is_some(), "the field is there, null or not");
    }

    // Without --direction, no field.
    site.ok(&[&export[..], &["--out", "plain.jsonl"]].concat());
    assert!(jsonl(&site.read("plain.jsonl")).iter().all(|r| r.get("direction").is_none()));

    // Bad rules and maps: usage errors, the core's messages.
    let err =
        site.usage_error(&[&export[..], &["--direction", "terminal", "--out", "x.csv"]].concat());
    assert!(err.contains("map of terminals"), "{err}");
    let err = site
        .usage_error(&[&export[..], &["--terminal-direction", &entry, "--out", "x.csv"]].concat());
    assert!(err.contains("--direction terminal"), "{err}");
    let bad = format!("{}=up", sns[0]);
    let err = site.usage_error(
        &[
            &export[..],
            &["--direction", "terminal", "--terminal-direction", &bad, "--out", "x.csv"],
        ]
        .concat(),
    );
    assert!(err.contains("not in or out"), "{err}");
    site.usage_error(&[&export[..], &["--direction", "moon", "--out", "x.csv"]].concat());
}

#[test]
fn alternate_directions_on_export_and_sync() {
    let site = Site::start(SandboxBuilder::new().employees(8).days(3));
    site.ok(&[
        "transactions",
        "export",
        "--no-progress",
        "--direction",
        "alternate",
        "--out",
        "a.jsonl",
    ]);
    let exported = jsonl(&site.read("a.jsonl"));
    assert_eq!(exported.len(), site.sandbox.transaction_ids().len());
    assert_alternates(&exported);

    // One batch: the whole sync decides together, like the export.
    site.ok(&[
        "transactions",
        "sync",
        "--state",
        "s.json",
        "--out",
        "s.jsonl",
        "--direction",
        "alternate",
    ]);
    let synced = jsonl(&site.read("s.jsonl"));
    assert_eq!(sorted_ids(&synced), sorted_ids(&exported));
    assert_alternates(&synced);

    // By state on a sync: the field follows the punch state.
    site.ok(&[
        "transactions",
        "sync",
        "--state",
        "st.json",
        "--out",
        "st.jsonl",
        "--direction",
        "state",
        "--batch",
        "50",
    ]);
    for r in jsonl(&site.read("st.jsonl")) {
        assert_eq!(r["direction"].as_str(), by_state(text(&r, "punch_state")), "{r}");
    }
}
