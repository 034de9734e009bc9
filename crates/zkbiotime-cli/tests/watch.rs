//! `zkbio transactions sync --watch INTERVAL` as a child process: it keeps importing
//! through a server restart on the same port (a `zkbio sandbox` process killed, then a
//! sandbox on the same database with more punches), stops on SIGTERM or Ctrl-C with exit
//! code 0, "stopped" and a state that matches the punches file, and gives up at once on
//! errors waiting will not fix.

use crate::common;

use std::collections::HashSet;
use std::io::BufRead;
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use assert_cmd::Command;
use serde_json::Value;
use zkbiotime_sandbox::SandboxBuilder;

use common::{BIN, Site};

/// A child process killed when the test ends, passed or not (a watch never ends alone).
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        if let Ok(None) = self.0.try_wait() {
            self.0.kill().ok();
            self.0.wait().ok();
        }
    }
}

impl Running {
    fn is_running(&mut self) -> bool {
        self.0.try_wait().unwrap().is_none()
    }

    fn signal(&self, name: &str) {
        let status = std::process::Command::new("kill")
            .args([&format!("-{name}"), &self.0.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success(), "kill -{name}");
    }

    /// Waits for the exit, at most `limit`.
    fn exit_code(&mut self, limit: Duration) -> Option<i32> {
        let start = Instant::now();
        loop {
            if let Some(status) = self.0.try_wait().unwrap() {
                return status.code();
            }
            assert!(start.elapsed() < limit, "still running after {limit:?}");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// A loopback port nobody listens on right now.
fn free_port() -> SocketAddr {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap()
}

/// `zkbio sandbox` as a process on `addr` (admin / admin123), once it listens.
fn sandbox_process(addr: SocketAddr, db: &Path) -> Running {
    let mut child = std::process::Command::new(BIN)
        .args(["sandbox", "--listen", &addr.to_string(), "--employees", "5", "--days", "2"])
        .arg("--db")
        .arg(db)
        .env_remove("ZKBIO_USERNAME")
        .env_remove("ZKBIO_PASSWORD")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut first = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap()).read_line(&mut first).unwrap();
    assert!(first.starts_with("listening on "), "{first}");
    Running(child)
}

/// `zkbio transactions sync --watch INTERVAL` in `dir` (s.json, p.jsonl), stderr into
/// `dir/watch.err`.
fn watch(dir: &Path, url: &str, password: &str, interval: &str, extra: &[&str]) -> Running {
    let err = std::fs::File::create(dir.join("watch.err")).unwrap();
    let child = std::process::Command::new(BIN)
        .current_dir(dir)
        .env_remove("ZKBIO_TOKEN")
        .env_remove("ZKBIO_TIMEZONE")
        .env_remove("ZKBIO_CA_BUNDLE")
        .env_remove("ZKBIO_SYNC_CRASH")
        .env_remove("ZKBIO_LOG")
        .env("ZKBIO_URL", url)
        .env("ZKBIO_USERNAME", "admin")
        .env("ZKBIO_PASSWORD", password)
        .args(["transactions", "sync", "--state", "s.json", "--out", "p.jsonl", "--watch"])
        .arg(interval)
        .args(extra)
        .stdout(Stdio::null())
        .stderr(err)
        .spawn()
        .unwrap();
    Running(child)
}

fn log(dir: &Path) -> String {
    std::fs::read_to_string(dir.join("watch.err")).unwrap_or_default()
}

/// Ids of the whole lines written so far (the file may be mid-write).
fn ids_so_far(path: &Path) -> Vec<i64> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    text.split_inclusive('\n')
        .filter(|l| l.ends_with('\n'))
        .map(|l| serde_json::from_str::<Value>(l).unwrap()["id"].as_i64().unwrap())
        .collect()
}

fn wait_until(what: &str, limit: Duration, dir: &Path, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < limit, "{what}: not after {limit:?}; log:\n{}", log(dir));
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// After a clean stop: every punch once, and the state covering exactly the file.
fn check_consistent(dir: &Path) -> Vec<i64> {
    let text = std::fs::read_to_string(dir.join("p.jsonl")).unwrap();
    assert!(text.is_empty() || text.ends_with('\n'), "no torn line");
    let ids: Vec<i64> = text
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).expect("a JSON line")["id"].as_i64().unwrap())
        .collect();
    let unique: HashSet<i64> = ids.iter().copied().collect();
    assert_eq!(unique.len(), ids.len(), "no punch twice");
    let state: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("s.json")).unwrap()).unwrap();
    assert_eq!(state["out_bytes"].as_u64(), Some(text.len() as u64), "the state covers the file");
    assert!(!dir.join("s.json.tmp").exists());
    ids
}

fn sorted(mut ids: Vec<i64>) -> Vec<i64> {
    ids.sort_unstable();
    ids
}

/// A server killed and restarted on the same port with more punches: zkbio keeps running,
/// logs the failures, then picks up every new punch once; SIGTERM stops it with 0.
#[test]
fn watch_rides_out_a_server_restart() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    let addr = free_port();
    let url = format!("http://{addr}");
    let db = dir.join("site.db");

    let first = sandbox_process(addr, &db);
    let mut watcher = watch(dir, &url, "admin123", "200ms", &["--retries", "0", "--timeout", "3"]);
    let out = dir.join("p.jsonl");
    // The initial punches (5 employees, 4 a day, 2 days, less the generator's gaps).
    wait_until("the initial import", Duration::from_secs(10), dir, || {
        log(dir).contains(" new punches, ") && !ids_so_far(&out).is_empty()
    });
    let initial = ids_so_far(&out);

    drop(first); // SIGKILL: no goodbye to the open connections
    std::thread::sleep(Duration::from_secs(1));
    wait_until("a failure line", Duration::from_secs(5), dir, || log(dir).contains("sync failed"));
    assert!(watcher.is_running(), "zkbio keeps going without its server:\n{}", log(dir));
    let failed = log(dir);
    let failure = failed.lines().find(|l| l.contains("sync failed")).unwrap();
    assert!(failure.contains("retrying in 1s") && failure.contains("transport"), "{failure}");

    // The same database served again, then new punches (some of them late uploads).
    let second = Site::start(SandboxBuilder::new().listen(addr).db_path(&db));
    assert_eq!(ids_so_far(&out), initial, "nothing written while the server was away");
    assert_eq!(sorted(second.sandbox.transaction_ids()), sorted(initial.clone()));
    let mut added = second.sandbox.insert_punches(25, true);
    added.extend(second.sandbox.insert_punches(25, false));
    wait_until("the punches after the restart", Duration::from_secs(12), dir, || {
        ids_so_far(&out).len() >= initial.len() + added.len()
    });
    // And while it watches.
    added.extend(second.sandbox.insert_punches(10, false));
    wait_until("the punches inserted while watching", Duration::from_secs(5), dir, || {
        ids_so_far(&out).len() >= initial.len() + added.len()
    });
    std::thread::sleep(Duration::from_millis(500)); // a few more runs: nothing twice

    watcher.signal("TERM");
    assert_eq!(watcher.exit_code(Duration::from_secs(5)), Some(0), "{}", log(dir));
    let text = log(dir);
    assert_eq!(text.lines().last(), Some("stopped"), "{text}");
    assert!(text.contains(" new punches, "), "one line per run: {text}");
    let ids = check_consistent(dir);
    assert_eq!(ids.len(), initial.len() + added.len(), "every punch once");
    assert_eq!(sorted(ids), sorted(second.sandbox.transaction_ids()));
    let before = std::fs::read(&out).unwrap();
    // A later plain sync finds nothing new: the state is the file's.
    let again = Command::new(BIN)
        .current_dir(dir)
        .env_remove("ZKBIO_TOKEN")
        .env_remove("ZKBIO_SYNC_CRASH")
        .args(["transactions", "sync", "--state", "s.json", "--out", "p.jsonl", "--url", &url])
        .args(["--username", "admin", "--password", "admin123"])
        .timeout(Duration::from_secs(30))
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&again.stderr);
    assert!(again.status.success() && said.starts_with("synced 0 new punches"), "{said}");
    assert!(!said.contains("recovered"), "{said}");
    assert_eq!(std::fs::read(&out).unwrap(), before);
}

/// Ctrl-C in the middle of a long first import: the batch being written is committed,
/// the next one is not started; the state matches the file and a later sync completes it.
#[test]
fn watch_stops_on_ctrl_c_with_a_consistent_state() {
    let site =
        Site::start(SandboxBuilder::new().employees(20).days(20).faults_spec("slow=1,slow-ms=150"));
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    let all = site.sandbox.transaction_ids();
    let out = dir.join("p.jsonl");
    let mut watcher = watch(
        dir,
        &site.sandbox.url(),
        site.sandbox.password(),
        "30s",
        &["--batch", "100", "--page-size", "50"],
    );
    wait_until("the first batches", Duration::from_secs(15), dir, || ids_so_far(&out).len() >= 100);
    watcher.signal("INT");
    assert_eq!(watcher.exit_code(Duration::from_secs(5)), Some(0), "{}", log(dir));
    let text = log(dir);
    assert_eq!(text.lines().last(), Some("stopped"), "{text}");
    assert!(!text.contains(" new punches, "), "stopped within the first run: {text}");
    let ids = check_consistent(dir);
    assert!(
        ids.len().is_multiple_of(100) && ids.len() < all.len(),
        "{} of {}",
        ids.len(),
        all.len()
    );
    assert_eq!(ids[..], all[..ids.len()], "the oldest first, none skipped");

    site.sandbox.set_faults(Default::default());
    let done = Command::new(BIN)
        .current_dir(dir)
        .env_remove("ZKBIO_TOKEN")
        .env_remove("ZKBIO_SYNC_CRASH")
        .env("ZKBIO_URL", site.sandbox.url())
        .env("ZKBIO_USERNAME", site.sandbox.username())
        .env("ZKBIO_PASSWORD", site.sandbox.password())
        .args(["transactions", "sync", "--state", "s.json", "--out", "p.jsonl"])
        .timeout(Duration::from_secs(30))
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&done.stderr);
    assert!(done.status.success() && !said.contains("recovered"), "{said}");
    assert_eq!(check_consistent(dir), all, "the rest, once");
}

/// Errors that waiting will not fix end the watch with their exit code; a bad interval is
/// a usage error.
#[test]
fn watch_gives_up_on_what_waiting_will_not_fix() {
    let site = Site::start(SandboxBuilder::new());
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    let mut watcher = watch(dir, &site.sandbox.url(), "wrong", "200ms", &[]);
    assert_eq!(watcher.exit_code(Duration::from_secs(15)), Some(3), "{}", log(dir));
    let text = log(dir);
    assert!(!text.contains("retrying") && !text.contains("stopped"), "{text}");

    for bad in ["5x", "0", "1d"] {
        let mut watcher = watch(dir, &site.sandbox.url(), "admin123", bad, &[]);
        assert_eq!(watcher.exit_code(Duration::from_secs(10)), Some(2), "{bad}: {}", log(dir));
        assert!(log(dir).contains("--watch"), "{bad}: {}", log(dir));
    }
}
