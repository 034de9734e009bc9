//! The `zkbio` binary against a real sandbox on a random loopback port: every command,
//! output formats, exit codes, secrets, the 100,000-punch export through injected faults,
//! and sync idempotence and crash safety.

use crate::common;

use std::collections::{BTreeSet, HashSet};
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;
use zkbiotime_sandbox::SandboxBuilder;

use common::{BIN, Site};

fn stdout(output: &std::process::Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

fn jsonl(text: &str) -> Vec<Value> {
    text.lines().map(|l| serde_json::from_str(l).expect("a JSON line")).collect()
}

fn ids_of(records: &[Value]) -> Vec<i64> {
    records.iter().map(|r| r["id"].as_i64().expect("an id")).collect()
}

/// Ids of a JSON Lines file, checking every line is whole JSON.
fn file_ids(path: &Path) -> Vec<i64> {
    ids_of(&jsonl(&std::fs::read_to_string(path).unwrap()))
}

#[test]
fn lists_in_every_format() {
    let site = Site::demo();
    let expected = site.sandbox.employee_ids();

    // A pipe gets JSON Lines by default.
    let out = site.zkbio().args(["employees", "list"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let records = jsonl(&stdout(&out));
    assert_eq!(ids_of(&records), expected);
    assert_eq!(records[0]["first_name"], "Harry");
    assert!(records[0].as_object().unwrap().contains_key("Primary Job"));

    let out = site.zkbio().args(["employees", "list", "--format", "json"]).output().unwrap();
    let array: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(ids_of(&array), expected);

    let out = site.zkbio().args(["employees", "list", "-f", "csv"]).output().unwrap();
    let mut reader = csv::Reader::from_reader(out.stdout.as_slice());
    let header = reader.headers().unwrap().clone();
    assert_eq!(&header[0], "id");
    assert!(header.iter().any(|h| h == "emp_code"));
    assert!(header.iter().any(|h| h == "Primary Job"), "custom attributes get columns");
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let csv_ids: Vec<i64> = rows.iter().map(|r| r[0].parse().unwrap()).collect();
    assert_eq!(csv_ids, expected);

    let out = site.zkbio().args(["employees", "list", "-f", "table"]).output().unwrap();
    let text = stdout(&out);
    let mut lines = text.lines();
    assert!(lines.next().unwrap().starts_with("ID  EMP_CODE"), "{text}");
    assert!(text.contains("Harry") && text.contains("Potter"), "{text}");
    assert_eq!(text.lines().count(), expected.len() + 1);

    let out = site
        .zkbio()
        .args(["employees", "list", "-f", "table", "--columns", "emp_code,department.dept_name"])
        .output()
        .unwrap();
    assert!(stdout(&out).starts_with("EMP_CODE  DEPARTMENT.DEPT_NAME"), "{}", stdout(&out));

    let out = site.zkbio().args(["employees", "list", "--limit", "2"]).output().unwrap();
    assert_eq!(jsonl(&stdout(&out)).len(), 2);

    // Every read-only and writable resource lists.
    for resource in ["departments", "areas", "positions", "terminals", "transactions"] {
        let out = site.zkbio().args([resource, "list"]).output().unwrap();
        assert!(out.status.success(), "{resource}: {}", stderr(&out));
        assert!(!jsonl(&stdout(&out)).is_empty(), "{resource} lists records");
    }
    let count = site.sandbox.transaction_count();
    let out = site.zkbio().args(["transactions", "list", "--page-size", "7"]).output().unwrap();
    assert_eq!(jsonl(&stdout(&out)).len(), count, "paging reads every punch");
}

#[test]
fn filters_come_from_the_spec_and_reach_the_server() {
    let site = Site::demo();
    let all = jsonl(&stdout(&site.zkbio().args(["employees", "list"]).output().unwrap()));
    let out = site.zkbio().args(["employees", "list", "--department", "1"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let in_one = jsonl(&stdout(&out));
    let expected: Vec<&Value> = all.iter().filter(|e| e["department"]["id"] == 1).collect();
    assert!(!in_one.is_empty() && in_one.len() < all.len());
    assert_eq!(in_one.len(), expected.len());

    let punches = jsonl(&stdout(&site.zkbio().args(["transactions", "list"]).output().unwrap()));
    let (start, end) = ("2024-06-25 00:00:00", "2024-06-28 23:59:59");
    let out = site
        .zkbio()
        .args(["transactions", "list", "--emp-code", "1", "--start-time", start])
        .args(["--end-time", end])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let got = ids_of(&jsonl(&stdout(&out)));
    let want: Vec<i64> = punches
        .iter()
        .filter(|p| p["emp_code"] == "1")
        .filter(|p| {
            let t = p["punch_time"].as_str().unwrap();
            t >= start && t <= end
        })
        .map(|p| p["id"].as_i64().unwrap())
        .collect();
    assert!(!want.is_empty(), "the demo data has punches of employee 1 then");
    assert_eq!(got, want);

    // Zone-aware input: 2024-06-25T00:00:00+05:00 is the server's 2024-06-25 00:00:00.
    let out = site
        .zkbio()
        .args(["transactions", "list", "--timezone", "Asia/Karachi", "--emp-code", "1"])
        .args(["--start-time", "2024-06-24T19:00:00Z", "--end-time", end])
        .output()
        .unwrap();
    assert_eq!(ids_of(&jsonl(&stdout(&out))), want);

    let out =
        site.zkbio().args(["transactions", "list", "--ordering", "-upload_time"]).output().unwrap();
    let rows = jsonl(&stdout(&out));
    let times: Vec<&str> = rows.iter().map(|r| r["upload_time"].as_str().unwrap_or("")).collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "ordering reaches the server");
    assert!(times.first() > times.last(), "{times:?}");

    // Bad filter values are refused before any request, naming the flag.
    site.zkbio()
        .args(["employees", "list", "--department", "one"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--department"));
    site.zkbio().args(["employees", "list", "--no-such-filter", "1"]).assert().code(2);

    // An organisation list's ordering: the spec's values, offered and checked by clap.
    let out = site.zkbio().args(["departments", "list", "--ordering", "-dept_name"]).output();
    let rows = jsonl(&stdout(&out.unwrap()));
    let names: Vec<&str> = rows.iter().map(|r| r["dept_name"].as_str().unwrap()).collect();
    assert!(names.len() > 1 && names.windows(2).all(|w| w[0] >= w[1]), "{names:?}");
    site.zkbio()
        .args(["departments", "list", "--ordering", "budget"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("-dept_name"));
}

#[test]
fn get_create_update_upsert_delete() {
    let site = Site::demo();
    let out = site.zkbio().args(["employees", "get", "1"]).output().unwrap();
    let harry: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(harry["last_name"], "Potter");
    assert!(harry.as_object().unwrap().contains_key("Primary Job"));

    let out = site
        .zkbio()
        .args(["employees", "create", "--emp-code", "cli-1", "--first-name", "Ada"])
        .args(["--department", "1", "--area", "1,2", "--set", "Primary Job=Welder"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let created: Value = serde_json::from_slice(&out.stdout).unwrap();
    let id = created["id"].as_i64().unwrap();
    assert_eq!(created["area"], serde_json::json!([1, 2]));
    assert_eq!(created["Primary Job"], "Welder");
    // The server sends a password hash back; it is never printed.
    assert_eq!(created["self_password"], "***");
    assert!(!stdout(&out).contains("pbkdf2"));

    let id_s = id.to_string();
    site.zkbio()
        .args(["employees", "update", &id_s, "--last-name", "Lovelace"])
        .args(["--set", "Primary Job=Engineer"])
        .assert()
        .success();
    let out = site.zkbio().args(["employees", "get", &id_s]).output().unwrap();
    let read: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(read["last_name"], "Lovelace");
    assert_eq!(read["first_name"], "Ada", "PATCH keeps other fields");
    assert_eq!(read["Primary Job"], "Engineer");

    // A body from a file; flags override it.
    std::fs::write(
        site.path("dept.json"),
        r#"{"dept_code": "CLI", "dept_name": "From file", "parent_dept": 1}"#,
    )
    .unwrap();
    let out = site
        .zkbio()
        .args(["departments", "create", "--data", "@dept.json", "--dept-name", "Flag wins"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let dept: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(dept["dept_name"], "Flag wins");
    assert_eq!(dept["parent_dept"], 1);

    // Upsert by code: the second call updates the same record.
    let upsert = |name: &str| {
        site.zkbio()
            .args(["positions", "upsert", "--position-code", "CLI-P", "--position-name", name])
            .output()
            .unwrap()
    };
    let first = upsert("One");
    assert!(stderr(&first).contains("created position"), "{}", stderr(&first));
    let second = upsert("Two");
    assert!(stderr(&second).contains("updated position"), "{}", stderr(&second));
    let (a, b): (Value, Value) = (
        serde_json::from_slice(&first.stdout).unwrap(),
        serde_json::from_slice(&second.stdout).unwrap(),
    );
    assert_eq!(a["id"], b["id"]);
    assert_eq!(b["position_name"], "Two");

    // Stdin body.
    site.zkbio()
        .args(["areas", "create", "--data", "-"])
        .write_stdin(r#"{"area_code": "CLI-A", "area_name": "Piped"}"#)
        .assert()
        .success()
        .stdout(predicate::str::contains("Piped"));

    site.zkbio()
        .args(["employees", "delete", &id_s])
        .assert()
        .success()
        .stderr(predicate::str::contains(format!("deleted employee {id}")));
    site.zkbio().args(["employees", "get", &id_s]).assert().code(4);
    site.zkbio().args(["terminals", "get", "1"]).assert().success();
    site.zkbio().args(["transactions", "get", "1"]).assert().success();
}

#[test]
fn exit_codes_and_one_line_errors() {
    let site = Site::demo();
    let one_line = |s: &str| s.trim_end().lines().count() == 1;

    let out = site.zkbio().args(["employees", "get", "999999"]).output().unwrap();
    assert_eq!(out.status.code(), Some(4));
    assert!(one_line(&stderr(&out)), "{}", stderr(&out));
    assert!(stderr(&out).starts_with("zkbio: error: not found"), "{}", stderr(&out));

    // Rejected data: 400 with the field's message.
    let out = site
        .zkbio()
        .args(["employees", "create", "--emp-code", "1", "--department", "1", "--area", "1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(7), "{}", stderr(&out));
    assert!(stderr(&out).contains("emp_code"), "{}", stderr(&out));

    // Wrong password: auth, and the password is never echoed, even with --verbose.
    for verbose in [false, true] {
        let mut cmd = site.zkbio();
        cmd.env("ZKBIO_PASSWORD", "hunter2-wrong").args(["employees", "list"]);
        if verbose {
            cmd.arg("--verbose");
        }
        let out = cmd.output().unwrap();
        assert_eq!(out.status.code(), Some(3));
        assert!(!stderr(&out).contains("hunter2"), "{}", stderr(&out));
        assert!(!stdout(&out).contains("hunter2"));
    }
    site.zkbio().args(["employees", "list", "--token", "not-a-token"]).assert().code(3);

    // Usage: missing URL or credentials, bad flags, bad values.
    site.zkbio().env_remove("ZKBIO_URL").args(["employees", "list"]).assert().code(2);
    site.zkbio()
        .env_remove("ZKBIO_USERNAME")
        .args(["employees", "list"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no credentials"));
    site.zkbio().args(["employees", "frobnicate"]).assert().code(2);
    site.zkbio().args(["employees", "get", "x"]).assert().code(2);
    site.zkbio().args(["employees", "create", "--first-name", "x"]).assert().code(2);
    site.zkbio().args(["employees", "list", "--url", "ftp://x"]).assert().code(2);

    // Network: nothing listens on the port any more.
    let dead = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", l.local_addr().unwrap())
    };
    let out = site
        .zkbio()
        .args(["employees", "list", "--retries", "0", "--url", &dead])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(5));
    assert!(one_line(&stderr(&out)), "{}", stderr(&out));
    let out = site
        .zkbio()
        .args(["employees", "list", "--retries", "0", "--url", &dead, "--verbose"])
        .output()
        .unwrap();
    assert!(stderr(&out).contains("caused by"), "--verbose shows the chain: {}", stderr(&out));

    // Server: every request fails with 5xx.
    site.sandbox.set_faults("500=1".parse().unwrap());
    let out = site.zkbio().args(["employees", "list", "--retries", "1"]).output().unwrap();
    assert_eq!(out.status.code(), Some(6), "{}", stderr(&out));
    assert!(stderr(&out).contains("HTTP 500"), "{}", stderr(&out));
    site.sandbox.set_faults("html=1".parse().unwrap());
    site.zkbio().args(["employees", "list", "--retries", "0"]).assert().code(6);
}

#[test]
fn token_and_tls_options() {
    let site = Site::start(SandboxBuilder::new().static_token("cli-static-token"));
    site.zkbio()
        .env_remove("ZKBIO_USERNAME")
        .env_remove("ZKBIO_PASSWORD")
        .env("ZKBIO_TOKEN", "cli-static-token")
        .args(["departments", "list"])
        .assert()
        .success();
    site.zkbio().args(["departments", "list", "--jwt"]).assert().success();

    let tls = Site::start(SandboxBuilder::new().self_signed_tls().unwrap());
    assert!(tls.sandbox.url().starts_with("https://"));
    std::fs::write(tls.path("ca.pem"), tls.sandbox.tls_ca_pem().unwrap()).unwrap();
    tls.zkbio().args(["areas", "list", "--retries", "0"]).assert().code(5);
    tls.zkbio().args(["areas", "list", "--ca-bundle", "ca.pem"]).assert().success();
    tls.zkbio().args(["areas", "list", "--insecure-skip-tls-verify"]).assert().success();
}

#[test]
fn help_examples_and_completions() {
    let site = Site::demo();
    site.zkbio()
        .env("ZKBIO_PASSWORD", "env-secret-value")
        .arg("--help")
        .assert()
        .success()
        .stdout(predicate::str::contains("Examples:"))
        .stdout(predicate::str::contains("Exit codes"))
        .stdout(predicate::str::contains("env-secret-value").not());
    site.zkbio()
        .args(["employees", "list", "--help"])
        .assert()
        .stdout(predicate::str::contains("--department"))
        .stdout(predicate::str::contains("--emp-code"));
    site.zkbio()
        .args(["employees", "create", "--help"])
        .assert()
        .stdout(predicate::str::contains("--first-name"))
        .stdout(predicate::str::contains("--hire-date"));
    site.zkbio()
        .args(["transactions", "export", "--help"])
        .assert()
        .stdout(predicate::str::contains("--start-time"));
    site.zkbio()
        .args(["completions", "bash"])
        .assert()
        .success()
        .stdout(predicate::str::contains("_zkbio"))
        .stdout(predicate::str::contains("--start-time"));
    site.zkbio().args(["completions", "zsh"]).assert().success();
}

/// 100,000 punches through 5xx, 429, dropped connections and HTML pages: the CSV holds
/// exactly the database's ids, each once.
#[test]
fn export_100k_punches_through_faults() {
    let site = Site::start(
        SandboxBuilder::new()
            .employees(500)
            .days(50)
            .faults_spec("5xx=0.04,429=0.02,drop=0.02,html=0.02")
            .retry_after(0.05),
    );
    let expected: Vec<i64> = site.sandbox.transaction_ids();
    assert!(expected.len() >= 100_000, "{} punches", expected.len());
    let started = Instant::now();
    let out = site
        .zkbio()
        .args(["transactions", "export", "--out", "punches.csv", "--retries", "10"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.starts_with(&format!("exported {} punches to punches.csv", expected.len())),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "no progress bar when stderr is not a terminal: {err}");
    assert!(!site.path("punches.csv.partial").exists());

    let mut reader = csv::Reader::from_path(site.path("punches.csv")).unwrap();
    let mut ids = Vec::with_capacity(expected.len());
    for row in reader.records() {
        ids.push(row.unwrap()[0].parse::<i64>().unwrap());
    }
    assert_eq!(ids.len(), expected.len(), "no punch twice, none missing");
    assert_eq!(ids.iter().copied().collect::<BTreeSet<_>>(), expected.iter().copied().collect());
    let faults = site.sandbox.fault_stats();
    assert!(faults.total() > 10, "faults were injected: {faults:?}");
    eprintln!("export of {} punches took {:.1?} ({faults:?})", ids.len(), started.elapsed());

    // A filtered export to JSON Lines by extension.
    site.sandbox.set_faults(Default::default());
    site.zkbio()
        .args(["transactions", "export", "--emp-code", "E000001", "--out", "one.jsonl"])
        .assert()
        .success();
    let one = jsonl(&std::fs::read_to_string(site.path("one.jsonl")).unwrap());
    let want: Vec<i64> = site
        .sandbox
        .transactions()
        .into_iter()
        .filter(|p| p.emp_code == "E000001")
        .map(|p| p.id)
        .collect();
    assert!(!want.is_empty());
    assert_eq!(ids_of(&one), want);
    assert!(one.iter().all(|p| p["emp_code"] == "E000001"));
}

#[test]
fn sync_appends_only_new_punches() {
    let site = Site::start(SandboxBuilder::new().employees(20).days(10));
    let run = || {
        let out = site
            .zkbio()
            .args(["transactions", "sync", "--state", "state.json", "--out", "new.jsonl"])
            .args(["--batch", "300"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        stderr(&out)
    };
    let first = run();
    assert!(first.starts_with("synced "), "{first}");
    assert_eq!(file_ids(&site.path("new.jsonl")), site.sandbox.transaction_ids());
    let bytes = std::fs::read(site.path("new.jsonl")).unwrap();

    let second = run();
    assert!(second.starts_with("synced 0 new punches"), "{second}");
    assert_eq!(std::fs::read(site.path("new.jsonl")).unwrap(), bytes, "nothing appended");

    // New punches, some of them late uploads with old punch times.
    let mut added = site.sandbox.insert_punches(40, true);
    added.extend(site.sandbox.insert_punches(40, false));
    let third = run();
    assert!(third.starts_with("synced 80 new punches"), "{third}");
    let ids = file_ids(&site.path("new.jsonl"));
    assert_eq!(ids[ids.len() - 80..], added[..]);
    assert_eq!(ids, site.sandbox.transaction_ids());

    // The state belongs to its punches file.
    site.zkbio()
        .args(["transactions", "sync", "--state", "state.json", "--out", "other.jsonl"])
        .assert()
        .code(2);
}

/// Crashes at the worst moments (between the fsynced append and the state commit, in the
/// middle of a line) and real SIGKILLs at random points: the file ends up with every punch
/// exactly once.
#[test]
fn sync_survives_crashes() {
    let site = Site::start(SandboxBuilder::new().employees(50).days(40));
    let sync = |crash: Option<&str>| {
        let mut cmd = site.zkbio();
        cmd.args(["transactions", "sync", "--state", "s.json", "--out", "p.jsonl"]).args([
            "--batch",
            "500",
            "--page-size",
            "250",
        ]);
        if let Some(point) = crash {
            cmd.env("ZKBIO_SYNC_CRASH", point);
        }
        cmd.output().unwrap()
    };
    let crashed = sync(Some("after-append"));
    assert!(!crashed.status.success());
    assert_eq!(file_ids(&site.path("p.jsonl")).len(), 500, "the batch is in the file");
    let done = sync(None);
    assert!(done.status.success(), "{}", stderr(&done));
    assert!(stderr(&done).contains("500 punches were already in the file"), "{}", stderr(&done));
    assert_eq!(file_ids(&site.path("p.jsonl")), site.sandbox.transaction_ids(), "no repeat");

    site.sandbox.insert_punches(1200, false);
    let crashed = sync(Some("torn"));
    assert!(!crashed.status.success());
    let text = std::fs::read_to_string(site.path("p.jsonl")).unwrap();
    assert!(!text.ends_with('\n'), "a torn line was left");
    let done = sync(None);
    assert!(done.status.success(), "{}", stderr(&done));
    let ids = file_ids(&site.path("p.jsonl"));
    assert_eq!(ids, site.sandbox.transaction_ids(), "no loss, no repeat");

    // Real kills at random moments, with punches arriving between runs. Slow answers make
    // each run long enough to be hit mid-way.
    site.sandbox.set_faults("slow=0.3,slow-ms=40".parse().unwrap());
    // The kill delay adapts: longer after a kill that came before any append, shorter
    // after a run that finished first; a little jitter spreads the kill points.
    let mut seed = 0x2545_f491_4f6c_dd1d_u64;
    let mut delay_ms = 150u64;
    let (mut kills, mut kills_mid_way) = (0, 0);
    let len = |site: &Site| std::fs::metadata(site.path("p.jsonl")).map_or(0, |m| m.len());
    for round in 0..12 {
        site.sandbox.insert_punches(700, round % 2 == 0);
        let before = len(&site);
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let delay = Duration::from_millis(delay_ms + seed % (delay_ms / 2 + 1));
        let mut child = std::process::Command::new(BIN)
            .current_dir(site.dir.path())
            .env("ZKBIO_URL", site.sandbox.url())
            .env("ZKBIO_USERNAME", site.sandbox.username())
            .env("ZKBIO_PASSWORD", site.sandbox.password())
            .args(["transactions", "sync", "--state", "s.json", "--out", "p.jsonl"])
            .args(["--batch", "100", "--page-size", "100"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap();
            child.wait().unwrap();
            kills += 1;
            if len(&site) > before {
                kills_mid_way += 1; // killed after it had appended something
            } else {
                delay_ms = delay_ms * 3 / 2;
            }
        } else {
            child.wait().unwrap();
            delay_ms = (delay_ms / 2).max(20);
        }
    }
    site.sandbox.set_faults(Default::default());
    let done = sync(None);
    assert!(done.status.success(), "{}", stderr(&done));
    let ids = file_ids(&site.path("p.jsonl"));
    let unique: HashSet<i64> = ids.iter().copied().collect();
    assert_eq!(unique.len(), ids.len(), "no punch twice after {kills} kills");
    assert_eq!(ids, site.sandbox.transaction_ids(), "no punch lost after {kills} kills");
    assert!(kills_mid_way > 0, "at least one run was killed mid-way ({kills} kills)");
    eprintln!("sync survived {kills} kills ({kills_mid_way} mid-way); {} punches", ids.len());
}

#[test]
fn sandbox_command_serves_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = std::process::Command::new(BIN)
        .args(["sandbox", "--listen", "127.0.0.1:0", "--employees", "5", "--days", "2"])
        .env_remove("ZKBIO_USERNAME")
        .env_remove("ZKBIO_PASSWORD")
        .current_dir(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut first = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stdout.take().unwrap()),
        &mut first,
    )
    .unwrap();
    let url = first.trim().strip_prefix("listening on ").expect("announces its URL").to_string();
    let out = Command::new(BIN)
        .env_remove("ZKBIO_TOKEN")
        .args(["employees", "list", "--url", &url, "--username", "admin"])
        .args(["--password", "admin123", "--emp-code", "E000005"])
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let found = jsonl(&stdout(&out));
    assert_eq!(found.len(), 1);
    assert_eq!(found[0]["emp_code"], "E000005");
}

/// `zkbio ... | head -1`: a closed stdout ends the run quietly with 0.
#[test]
fn closed_pipe_is_not_an_error() {
    let site = Site::demo();
    for format in ["jsonl", "csv"] {
        let mut child = std::process::Command::new(BIN)
            .current_dir(site.dir.path())
            .env("ZKBIO_URL", site.sandbox.url())
            .env("ZKBIO_USERNAME", site.sandbox.username())
            .env("ZKBIO_PASSWORD", site.sandbox.password())
            .args(["transactions", "list", "--format", format])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = String::new();
        let mut reader = std::io::BufReader::new(child.stdout.take().unwrap());
        std::io::BufRead::read_line(&mut reader, &mut first).unwrap();
        assert!(!first.is_empty());
        drop(reader);
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{format}: {}", stderr(&out));
        assert!(out.stderr.is_empty(), "{format}: {}", stderr(&out));
    }
}

#[test]
fn info_and_raw_requests() {
    let site = Site::demo();
    let out = site.zkbio().arg("info").output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let info: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(info["envelope_key"], "data");
    assert_eq!(info["employee_shape"], "nested");

    let out = site
        .zkbio()
        .args(["request", "GET", "/personnel/api/employees/", "-p", "page_size=1"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let page: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(page["data"].as_array().map(Vec::len), Some(1));

    // A write answer carries a password hash: never printed.
    let body = r#"{"emp_code": "RAW1", "department": 1, "area": [2]}"#;
    let out = site
        .zkbio()
        .args(["request", "POST", "/personnel/api/employees/", "--data", body])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let written: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(written["emp_code"], "RAW1");
    assert!(!stdout(&out).contains("pbkdf2"), "{}", stdout(&out));

    site.zkbio()
        .args(["request", "TRACE", "/personnel/api/employees/"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("GET, POST"));
    site.zkbio()
        .args(["--auth", "kerberos", "employees", "get", "1"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("staff_jwt"));
    site.zkbio()
        .args(["--auth", "jwt", "employees", "get", "1", "--format", "json"])
        .assert()
        .success();
}

/// Export (CSV and JSONL) and sync on every server version: each version's shapes and loose
/// types, 8.5's `results` envelope, 9.5's page_size-only paging; every punch exactly once.
#[test]
fn export_and_sync_on_every_server_version() {
    use zkbiotime_sandbox::ServerVersion;
    for version in
        [ServerVersion::V8_0, ServerVersion::V8_5, ServerVersion::V9_0, ServerVersion::V9_5]
    {
        let site = Site::start(SandboxBuilder::new().server_version(version).employees(10).days(3));
        let want = site.sandbox.transaction_ids();
        for out in ["punches.csv", "punches.jsonl"] {
            let done = site
                .zkbio()
                .args(["transactions", "export", "--out", out, "--page-size", "13"])
                .output()
                .unwrap();
            assert!(done.status.success(), "{version} {out}: {}", stderr(&done));
        }
        let mut reader = csv::Reader::from_path(site.path("punches.csv")).unwrap();
        let headers = reader.headers().unwrap().clone();
        let id_col = headers.iter().position(|h| h == "id").unwrap();
        let csv_ids: Vec<i64> =
            reader.records().map(|r| r.unwrap()[id_col].parse().unwrap()).collect();
        assert_eq!(csv_ids, want, "{version}: CSV");
        assert_eq!(file_ids(&site.path("punches.jsonl")), want, "{version}: JSONL");
        let synced = site
            .zkbio()
            .args(["transactions", "sync", "--state", "s.json", "--out", "new.jsonl"])
            .output()
            .unwrap();
        assert!(synced.status.success(), "{version}: {}", stderr(&synced));
        assert_eq!(file_ids(&site.path("new.jsonl")), want, "{version}: sync");
    }
}

/// `zkbio resigns` on a 9.5 sandbox: create from flags, list, update (PUT), the generated
/// `reinstate` action (`--resigns` from the `Reinstatement` body model), then delete.
#[test]
fn resigns_and_reinstate_on_9_5() {
    use zkbiotime_sandbox::ServerVersion;
    let site = Site::start(SandboxBuilder::new().server_version(ServerVersion::V9_5).employees(5));
    let employees = site.sandbox.employee_ids();
    let create = |employee: i64| {
        let out = site
            .zkbio()
            .args(["resigns", "create", "--employee", &employee.to_string()])
            .args(["--disableatt", "true", "--resign-type", "2", "--resign-date", "2024-06-01"])
            .args(["--reason", "moved away", "--format", "json"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        let created: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(created["employee"]["id"], employee);
        assert_eq!(created["resign_type"], 2);
        assert_eq!(created["resign_date"], "2024-06-01");
        created["id"].as_i64().expect("an id")
    };
    let first = create(employees[0]);
    let second = create(employees[1]);

    let out = site.zkbio().args(["resigns", "list", "--format", "json"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let listed: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(ids_of(&listed), [first, second]);
    assert_eq!(listed[0]["disableatt"], true);

    let out = site
        .zkbio()
        .args(["resigns", "update", &second.to_string(), "--resign-type", "4", "-f", "json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let updated: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(updated["resign_type"], 4);
    assert_eq!(updated["resign_date"], "2024-06-01", "PUT with a partial body keeps the rest");

    // The action: a flag from the body model, the server's answer on stdout, a line on stderr.
    let out = site.zkbio().args(["resigns", "reinstate", "--resigns", &first.to_string()]).output();
    let out = out.unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let answer: Value = serde_json::from_str(&stdout(&out)).expect("the answer as JSON");
    assert_eq!(answer["code"], 0, "{answer}");
    assert!(stdout(&out).contains("\n  "), "pretty JSON: {}", stdout(&out));
    assert_eq!(stderr(&out).trim(), "reinstate resigns: done");
    let out = site.zkbio().args(["resigns", "get", &first.to_string()]).output().unwrap();
    assert_eq!(out.status.code(), Some(4), "a reinstated resign is gone: {}", stderr(&out));
    let out = site.zkbio().args(["resigns", "list", "-f", "json"]).output().unwrap();
    assert_eq!(ids_of(&serde_json::from_slice::<Vec<Value>>(&out.stdout).unwrap()), [second]);

    // The body also comes from --data; a missing or bad body is a usage error, an unknown id
    // is rejected by the server.
    site.zkbio()
        .args(["resigns", "reinstate"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--resigns"));
    site.zkbio().args(["resigns", "reinstate", "--resigns", "x"]).assert().code(2);
    site.zkbio()
        .args(["resigns", "reinstate", "--data", r#"{"resigns": [999999]}"#])
        .assert()
        .code(7);

    site.zkbio()
        .args(["resigns", "delete", &second.to_string()])
        .assert()
        .success()
        .stderr(predicate::str::contains(format!("deleted resign {second}")));
    site.zkbio().args(["resigns", "get", &second.to_string()]).assert().code(4);
    let out = site.zkbio().args(["resigns", "list", "-f", "json"]).output().unwrap();
    assert!(serde_json::from_slice::<Vec<Value>>(&out.stdout).unwrap().is_empty());
}

/// A 9.0 server has no resign API: a one-line not-found error naming it, no stack trace.
#[test]
fn resigns_on_9_0_are_not_found() {
    use zkbiotime_sandbox::ServerVersion;
    let site = Site::start(SandboxBuilder::new().server_version(ServerVersion::V9_0).employees(3));
    for args in [&["resigns", "list"][..], &["resigns", "reinstate", "--resigns", "1"]] {
        let out = site.zkbio().args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(4), "{args:?}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(err.contains("no resign API"), "{args:?}: {err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{args:?}: {err}");
        assert!(!err.contains("panicked") && !err.contains("backtrace"), "{err}");
        assert!(stdout(&out).is_empty());
    }
}
