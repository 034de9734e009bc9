//! The hostile corpus (`crates/zkbiotime-sandbox/hostile/corpus.json`) against the core client: for every
//! scenario the sandbox serves its scripted answer and the client must end with the expected
//! error kind or record count, without a panic, a hang or unbounded memory.
//!
//! One test runs the scenarios one after another, so that the memory readings of one are
//! not mixed with another's. It prints a table of scenario → outcome (`--nocapture`).

use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Once};
use std::time::{Duration, Instant};

use futures::TryStreamExt;
use zkbiotime::{Client, RetryPolicy};
use zkbiotime_sandbox::SandboxBuilder;
use zkbiotime_sandbox::hostile::{Scenario, corpus};

/// Longest any scenario may take; a client still busy then is hanging.
const HANG: Duration = Duration::from_secs(30);

/// What one scenario ended with.
#[derive(Debug)]
enum Observed {
    Records(Vec<serde_json::Value>),
    Error { kind: &'static str, status: Option<u16>, detail: String },
    Panic(String),
    Hang,
    UnknownCall,
}

impl Observed {
    fn short(&self) -> String {
        match self {
            Observed::Records(r) => format!("records {}", r.len()),
            Observed::Error { kind, status: Some(s), .. } => format!("{kind} (HTTP {s})"),
            Observed::Error { kind, .. } => kind.to_string(),
            Observed::Panic(msg) => format!("PANIC: {msg}"),
            Observed::Hang => format!("HANG (> {}s)", HANG.as_secs()),
            Observed::UnknownCall => "unknown call".into(),
        }
    }
}

/// Panics anywhere in the process (page fetches run on their own tasks, and the core turns
/// a panicked task into an error, which would hide it).
static PANICS: AtomicUsize = AtomicUsize::new(0);

fn count_panics() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            PANICS.fetch_add(1, Ordering::SeqCst);
            default(info);
        }));
    });
}

fn client(url: &str, username: &str, password: &str) -> Client {
    Client::builder(url)
        .password(username, password)
        .connect_timeout(Duration::from_secs(2))
        .request_timeout(Duration::from_secs(2))
        // Retryable faults are retried once, quickly, so the run stays short.
        .retry_policy(RetryPolicy {
            max_attempts: 2,
            base_delay: Duration::from_millis(5),
            max_delay: Duration::from_millis(20),
            budget: Duration::from_secs(15),
        })
        .login_cooldown(Duration::from_millis(10))
        .build()
        .expect("client builds")
}

/// Records as JSON, to look for kept unknown fields (a macro: the crate has no direct
/// dependency on serde to name `Serialize` with).
macro_rules! values {
    () => {
        |items: Vec<_>| -> Vec<serde_json::Value> {
            items.iter().map(|i| serde_json::to_value(i).expect("records serialise")).collect()
        }
    };
}

/// Runs the corpus's `call` with the client.
async fn run_call(client: Client, call: &str) -> Option<zkbiotime::Result<Vec<serde_json::Value>>> {
    Some(match call {
        "transactions.list" => {
            client.transactions().list(Default::default()).try_collect().await.map(values!())
        }
        "transactions.get" => client.transactions().get(1).await.map(|r| values!()(vec![r])),
        "employees.list" => {
            client.employees().list(Default::default()).try_collect().await.map(values!())
        }
        "employees.get" => client.employees().get(1).await.map(|r| values!()(vec![r])),
        "departments.list" => {
            client.departments().list(Default::default()).try_collect().await.map(values!())
        }
        "terminals.list" => {
            client.terminals().list(Default::default()).try_collect().await.map(values!())
        }
        _ => return None,
    })
}

/// Samples this process's resident memory while a call runs; reports the peak growth.
struct MemoryWatch {
    stop: Arc<AtomicBool>,
    peak: Arc<AtomicU64>,
    base: u64,
    thread: std::thread::JoinHandle<()>,
}

fn rss_bytes() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: u64 = statm.split_whitespace().nth(1).and_then(|p| p.parse().ok()).unwrap_or(0);
    pages * 4096
}

impl MemoryWatch {
    fn start() -> Self {
        let base = rss_bytes();
        let stop = Arc::new(AtomicBool::new(false));
        let peak = Arc::new(AtomicU64::new(base));
        let thread = {
            let (stop, peak) = (Arc::clone(&stop), Arc::clone(&peak));
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    peak.fetch_max(rss_bytes(), Ordering::Relaxed);
                    std::thread::sleep(Duration::from_millis(2));
                }
            })
        };
        MemoryWatch { stop, peak, base, thread }
    }

    /// Peak growth over the start, in MiB.
    fn finish(self) -> u64 {
        self.stop.store(true, Ordering::Relaxed);
        let _ = self.thread.join();
        self.peak.load(Ordering::Relaxed).max(rss_bytes()).saturating_sub(self.base) >> 20
    }
}

struct Row {
    name: String,
    call: String,
    expected: String,
    observed: String,
    secs: f64,
    memory_mb: u64,
    verdict: &'static str,
}

async fn run_scenario(scenario: &Scenario) -> (Observed, f64, u64) {
    let sandbox = SandboxBuilder::new()
        .hostile(&scenario.name)
        .spawn()
        .await
        .unwrap_or_else(|e| panic!("{}: sandbox starts: {e:#}", scenario.name));
    let client = client(&sandbox.url(), sandbox.username(), sandbox.password());
    let call = scenario.call.clone();
    let panics_before = PANICS.load(Ordering::SeqCst);
    let memory = MemoryWatch::start();
    let started = Instant::now();
    let task = tokio::spawn(async move { run_call(client, &call).await });
    let abort = task.abort_handle();
    let observed = match tokio::time::timeout(HANG, task).await {
        Err(_) => {
            abort.abort();
            Observed::Hang
        }
        Ok(Err(joined)) => Observed::Panic(match joined.try_into_panic() {
            Ok(payload) => payload
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "non-text panic".into()),
            Err(e) => e.to_string(),
        }),
        Ok(Ok(None)) => Observed::UnknownCall,
        Ok(Ok(Some(Ok(records)))) => Observed::Records(records),
        Ok(Ok(Some(Err(e)))) => {
            Observed::Error { kind: e.kind().as_str(), status: e.status(), detail: e.to_string() }
        }
    };
    let secs = started.elapsed().as_secs_f64();
    let memory_mb = memory.finish();
    let observed = match observed {
        // A panic on another task (a page fetch) that the core turned into an error.
        other
            if PANICS.load(Ordering::SeqCst) > panics_before
                && !matches!(other, Observed::Panic(_)) =>
        {
            Observed::Panic(format!("on another task, then: {}", other.short()))
        }
        other => other,
    };
    drop(sandbox);
    (observed, secs, memory_mb)
}

/// Why the observation does not meet the expectation, if it does not.
fn mismatch(scenario: &Scenario, observed: &Observed, memory_mb: u64) -> Option<String> {
    let expect = &scenario.expect;
    if let Some(limit) = expect.max_memory_mb
        && memory_mb > limit
    {
        return Some(format!("memory grew {memory_mb} MiB (limit {limit})"));
    }
    match (observed, &expect.error, expect.records) {
        (Observed::Error { kind, .. }, Some(want), _) if kind == want => None,
        (Observed::Records(records), None, Some(want)) if records.len() == want => {
            let missing: Vec<String> = records
                .iter()
                .flat_map(|r| {
                    expect.extra_fields.iter().filter(|f| r.get(f.as_str()).is_none()).cloned()
                })
                .collect();
            let wrong: Vec<String> = records
                .iter()
                .flat_map(|r| {
                    expect.all.iter().filter_map(|(k, want)| {
                        let got = r.get(k).unwrap_or(&serde_json::Value::Null);
                        (got != want).then(|| format!("{k}: {got} (expected {want})"))
                    })
                })
                .collect();
            if !wrong.is_empty() {
                return Some(format!("records read wrong: {wrong:?}"));
            }
            (!missing.is_empty()).then(|| format!("records lost fields {missing:?}"))
        }
        (Observed::Error { detail, .. }, _, _) => Some(detail.clone()),
        (other, _, _) => Some(other.short()),
    }
}

fn expected_text(scenario: &Scenario) -> String {
    match (&scenario.expect.error, scenario.expect.records) {
        (Some(kind), _) => kind.clone(),
        (None, Some(n)) => format!("records {n}"),
        _ => "?".into(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_hostile_scenario_ends_as_the_corpus_expects() {
    count_panics();
    let total = Instant::now();
    let mut rows = Vec::new();
    let mut failures = Vec::new();
    for scenario in corpus() {
        let (observed, secs, memory_mb) = run_scenario(scenario).await;
        let problem = mismatch(scenario, &observed, memory_mb);
        let verdict = match (&problem, &scenario.known_core_gap) {
            (None, None) => "ok",
            (Some(_), Some(_)) => "known gap",
            (Some(why), None) => {
                failures.push(format!(
                    "{}: expected {}, observed {} ({why})",
                    scenario.name,
                    expected_text(scenario),
                    observed.short()
                ));
                "MISMATCH"
            }
            (None, Some(_)) => {
                failures.push(format!(
                    "{}: passes now; remove its known_core_gap from the corpus",
                    scenario.name
                ));
                "FIXED?"
            }
        };
        rows.push(Row {
            name: scenario.name.clone(),
            call: scenario.call.clone(),
            expected: expected_text(scenario),
            observed: observed.short(),
            secs,
            memory_mb,
            verdict,
        });
    }
    println!("\n| scenario | call | expected | observed | s | MiB | verdict |");
    println!("|---|---|---|---|---|---|---|");
    for r in &rows {
        println!(
            "| {} | {} | {} | {} | {:.2} | {} | {} |",
            r.name, r.call, r.expected, r.observed, r.secs, r.memory_mb, r.verdict
        );
    }
    println!(
        "\n{} scenarios in {:.1}s: {} ok, {} known core gaps, {} failing",
        rows.len(),
        total.elapsed().as_secs_f64(),
        rows.iter().filter(|r| r.verdict == "ok").count(),
        rows.iter().filter(|r| r.verdict == "known gap").count(),
        failures.len()
    );
    assert!(failures.is_empty(), "hostile scenarios failing:\n{}", failures.join("\n"));
}
