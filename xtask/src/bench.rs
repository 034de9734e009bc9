//! `cargo xtask bench [--punches N] [--no-10x] [--server-latency-ms MS] [--compare DIR]`:
//! one side-by-side report of full punch pulls.
//!
//! Every measurement is its own process (release build) against one release sandbox, and
//! prints one JSON line `{"mode","records","wall_s","cpu_s","window_cpu_s","peak_rss_kb"}`.
//! Ratios are taken against the raw floor (the same pages downloaded, nothing parsed)
//! measured in the same run, so machine speed cancels out. The pull is then repeated at 10× the punches to
//! show that peak memory does not grow with the data. `--server-latency-ms` delays every
//! answer of the sandbox (its `--faults slow=1`), as a real server's page takes time to make:
//! there the client's own CPU overlaps with the wait. Each pull row also shows the CPU the
//! sandbox spent meanwhile, and the × floor that the two processes' CPU allows on this
//! machine's cores: the sandbox runs on the same cores as the client. Loopback rows play a
//! server reached directly (no compression); a last section pulls a tenth of the punches
//! over a 20 Mbit/s link, uncompressed and through a gzipping proxy. `--compare DIR` adds,
//! beside each client row, the same program from another checkout (one `cargo xtask bench`
//! has built there), in the same rounds against the same sandbox: a before/after in one run.

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::demo::{start_sandbox_bin, target_dir};
use crate::util;

/// One program to measure.
pub struct Entry {
    /// Row label, e.g. "Rust concurrent".
    pub name: String,
    /// The label of the row this one is compared with besides the floor (its language's
    /// plain loop), if any.
    pub baseline: Option<String>,
    pub program: String,
    pub args: Vec<String>,
    pub env: Vec<(String, String)>,
}

#[derive(Clone, Debug)]
struct Sample {
    name: String,
    records: u64,
    wall_s: f64,
    cpu_s: f64,
    /// CPU spent inside the timed part (`cpu_s` less start-up).
    window_cpu_s: f64,
    peak_rss_kb: u64,
    /// CPU the sandbox spent while this client ran (Linux only).
    sandbox_cpu_s: Option<f64>,
    /// A warm-JVM row: the untimed pulls before the timed one, and the JIT's compile time
    /// inside the timed one (ms), shown under the table so "warm" can be checked.
    warmups: Option<u64>,
    jit_ms: Option<u64>,
}

pub fn run(root: &Path, args: &[String]) -> Result<()> {
    let mut punches: u64 = 200_000;
    let mut tenfold = true;
    let mut latency_ms: u64 = 0;
    let mut compare: Option<std::path::PathBuf> = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--punches" => punches = it.next().context("--punches N")?.replace('_', "").parse()?,
            "--no-10x" => tenfold = false,
            "--server-latency-ms" => {
                latency_ms = it.next().context("--server-latency-ms MS")?.parse()?;
            }
            "--compare" => compare = Some(it.next().context("--compare DIR")?.into()),
            other => bail!("unknown bench flag {other}"),
        }
    }
    let cargo = util::cargo();
    util::run(
        root,
        &cargo,
        &[
            "build",
            "--release",
            "--quiet",
            "-p",
            "zkbiotime-sandbox",
            "-p",
            "zkbiotime-bench",
            "-p",
            "zkbiotime-cli",
        ],
    )?;
    let mut report = String::new();
    writeln!(report, "# zkbiotime benchmark\n")?;
    writeln!(
        report,
        "Machine: {} cores; release builds; sandbox on loopback; {RUNS} rounds of every client{}, \
         each row's median run shown, ratios = medians of the ratios within a round; load \
         average at start {}.\n",
        cores(),
        if tenfold { " (1 at 10×)" } else { "" },
        load_average()
    )?;
    if latency_ms > 0 {
        writeln!(
            report,
            "Every sandbox answer delayed by {latency_ms} ms (`--server-latency-ms`).\n"
        )?;
    }
    let server = Server { latency_ms, ..Server::default() };
    // Single calls against a delayed server would only measure the delay.
    let base = measure_size(
        root,
        server,
        punches,
        latency_ms == 0,
        RUNS,
        compare.as_deref(),
        &mut report,
    )?;
    if tenfold {
        // One run each at 10×: this pass is about memory, which does not vary run to run.
        let big = measure_size(root, server, punches * 10, false, 1, None, &mut report)?;
        writeln!(report, "\n## Memory at 10× the punches\n")?;
        writeln!(
            report,
            "| client | peak MB at {punches} | peak MB at {} | ratio |",
            punches * 10
        )?;
        writeln!(report, "|---|---:|---:|---:|")?;
        for b in &big {
            if let Some(a) = base.iter().find(|a| a.name == b.name) {
                writeln!(
                    report,
                    "| {} | {:.1} | {:.1} | {:.2}× |",
                    b.name,
                    mb(a.peak_rss_kb),
                    mb(b.peak_rss_kb),
                    b.peak_rss_kb as f64 / a.peak_rss_kb.max(1) as f64
                )?;
            }
        }
    }
    measure_link(root, (punches / 10).max(1000), &mut report)?;
    let dir = root.join("bench-results");
    std::fs::create_dir_all(&dir)?;
    let file = dir.join("report.md");
    std::fs::write(&file, &report)?;
    println!("{report}");
    eprintln!("report written to {}", file.display());
    Ok(())
}

/// How the benchmark's sandbox behaves.
#[derive(Clone, Copy, Default)]
struct Server {
    /// Added to every answer (0: as fast as the sandbox goes).
    latency_ms: u64,
    /// gzip answers as a proxy in front of the server would.
    compress: bool,
    /// The link's bandwidth (unlimited: loopback).
    bandwidth_mbps: Option<&'static str>,
}

fn measure_size(
    root: &Path,
    server: Server,
    punches: u64,
    latency: bool,
    runs: usize,
    compare: Option<&Path>,
    report: &mut String,
) -> Result<Vec<Sample>> {
    // The generator makes about 4 punches per employee per day.
    let days = 25u64;
    let employees = (punches / (4 * days)).max(1);
    eprintln!("==> sandbox with {employees} employees × {days} days ≈ {punches} punches");
    let sandbox = start_sandbox_release(root, server, employees, days)?;
    let url = sandbox.url.clone();
    let mut entries = entries(root, &url)?;
    if let Some(other) = compare {
        entries = with_twins(entries, root, other)?;
    }
    // Round after round of every client, not each client's runs back to back: a slow spell of
    // the machine then lands on all rows alike, and each ratio is taken within a round.
    let mut rounds: Vec<Vec<Sample>> = Vec::new();
    for round in 1..=runs {
        let mut samples = Vec::new();
        for e in &entries {
            eprintln!("--> round {round}/{runs}: {}", e.name);
            samples.push(measure(e, Some(sandbox.pid()))?);
        }
        rounds.push(samples);
    }
    let floor_index = entries.iter().position(|e| e.name == "raw floor").context("floor")?;
    let records = rounds[0][floor_index].records;
    writeln!(report, "\n## Full pull of {records} punches\n")?;
    writeln!(
        report,
        "| client | records | wall s | CPU s | sandbox CPU s | peak MB | × floor | × floor \
         the CPU allows | × plain loop |"
    )?;
    writeln!(report, "|---|---:|---:|---:|---:|---:|---:|---:|---:|")?;
    let mut samples = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        let s = median_run(rounds.iter().map(|r| r[i].clone()).collect());
        let vs_floor = median(rounds.iter().map(|r| r[i].wall_s / r[floor_index].wall_s));
        let allowed = median(rounds.iter().map(|r| floor_ratio_cpu_allows(&r[i], &r[floor_index])));
        let vs_plain = e
            .baseline
            .as_ref()
            .and_then(|b| entries.iter().position(|x| &x.name == b))
            .map(|b| median(rounds.iter().map(|r| r[b].wall_s / r[i].wall_s)))
            .map(|x| format!("{x:.2}× faster"))
            .unwrap_or_default();
        writeln!(
            report,
            "| {} | {} | {:.2} | {:.2} | {} | {:.1} | {:.2}× | {:.2}× | {} |",
            s.name,
            s.records,
            s.wall_s,
            s.cpu_s,
            s.sandbox_cpu_s.map(|c| format!("{c:.2}")).unwrap_or_default(),
            mb(s.peak_rss_kb),
            vs_floor,
            allowed,
            vs_plain
        )?;
        samples.push(s);
    }
    for s in samples.iter().filter(|s| s.warmups.is_some()) {
        writeln!(
            report,
            "\n\"{}\" (median run): timed after {} untimed pulls in the same JVM, run until \
             one compiled for under 50 ms; the JIT compiled for {} ms inside the timed pull.",
            s.name,
            s.warmups.unwrap_or(0),
            s.jit_ms.map(|ms| ms.to_string()).unwrap_or_else(|| "?".into())
        )?;
    }
    let floor = samples[floor_index].clone();
    let pages = (floor.records as f64 / 1000.0).ceil();
    writeln!(
        report,
        "\nSandbox throughput (raw floor, 4 concurrent requests): {:.0} pages/s of 1000 punches.",
        pages / floor.wall_s
    )?;
    writeln!(
        report,
        "\nThe floors: \"raw floor\" downloads the same pages with the SDK's concurrency (4 \
         requests in flight) and parses nothing; every × floor is against it. \"raw floor, \
         serial\" downloads them one after another, as a plain loop would, for scale."
    )?;
    writeln!(
        report,
        "\nThe sandbox shares the machine's {} cores with the client, and the floor is the \
         sandbox's own serving time. \"× floor the CPU allows\": (the client's CPU within its \
         timed part + the sandbox's CPU meanwhile) / cores, or the floor's wall time if that \
         is more, ÷ the floor's wall time: what the client would reach if its work and the \
         sandbox's overlapped perfectly. \"CPU s\" is the client's whole process, start-up \
         included.",
        cores()
    )?;
    if latency {
        measure_decoding(root, &url, report)?;
        writeln!(report, "\n## Single-call latency (1,000 sequential `get`s)\n")?;
        writeln!(report, "| client | total s | per call ms |")?;
        writeln!(report, "|---|---:|---:|")?;
        for e in latency_entries(root, &url)? {
            eprintln!("--> latency: {}", e.name);
            let s = measure(&e, None)?;
            let per_call_ms = s.wall_s * 1000.0 / s.records.max(1) as f64;
            writeln!(report, "| {} | {:.2} | {:.3} |", s.name, s.wall_s, per_call_ms)?;
        }
    }
    Ok(samples)
}

/// Pages read per decoding run: 200 pages of 1000 punches, the size of the pulls above.
const DECODE_PAGES: &str = "200";

/// The decoding policy's cost alone, without the network and the sandbox's noise: one page
/// read over and over in one process, under the policy and strictly, in alternate runs.
fn measure_decoding(root: &Path, url: &str, report: &mut String) -> Result<()> {
    let entry = |mode: &str| Entry {
        name: mode.into(),
        baseline: None,
        program: rust_bench(root),
        args: vec![mode.into(), "--url".into(), url.into(), "--n".into(), DECODE_PAGES.into()],
        env: vec![],
    };
    let (lenient, strict) = (entry("decode"), entry("decode-strict"));
    let mut rounds = Vec::new();
    for round in 1..=RUNS {
        eprintln!("--> round {round}/{RUNS}: decoding");
        rounds.push((measure(&lenient, None)?, measure(&strict, None)?));
    }
    let median_ratio = median(rounds.iter().map(|(l, s)| l.wall_s / s.wall_s));
    // A CPU-bound loop is only ever slowed by noise: its fastest run is its cost.
    let fastest =
        |wall: fn(&(Sample, Sample)) -> f64| rounds.iter().map(wall).fold(f64::INFINITY, f64::min);
    let lenient_s = fastest(|(l, _)| l.wall_s);
    let strict_s = fastest(|(_, s)| s.wall_s);
    let records = rounds[0].0.records;
    writeln!(
        report,
        "\n## Decoding alone ({records} punches: one page read {DECODE_PAGES} times)\n"
    )?;
    writeln!(
        report,
        "| reading | fastest s | µs per punch | × strict | × strict, median of rounds |"
    )?;
    writeln!(report, "|---|---:|---:|---:|---:|")?;
    let per = |s: f64| s * 1e6 / records.max(1) as f64;
    writeln!(
        report,
        "| strict (the spec's types only) | {strict_s:.3} | {:.2} | 1.00× | 1.00× |",
        per(strict_s)
    )?;
    writeln!(
        report,
        "| decoding policy (default) | {lenient_s:.3} | {:.2} | {:.2}× | {median_ratio:.2}× |",
        per(lenient_s),
        lenient_s / strict_s
    )?;
    writeln!(
        report,
        "\nBoth in one process (`zkbiotime-bench decode` / `decode-strict`), {RUNS} alternate \
         runs: what the policy of ADR 0003 costs per punch in every language, since every \
         binding reads pages through this reader. A loop that only computes is only ever \
         slowed by the machine, so its fastest run is its cost; the median of the per-round \
         ratios is shown beside it."
    )?;
    Ok(())
}

/// The link a site's VPN or branch line gives (`--bandwidth-mbps` of the sandbox).
const LINK_MBPS: &str = "20";
const LINK_RUNS: usize = 3;

/// The Rust pull over a slow link, answers uncompressed and then gzipped (what nginx with
/// `gzip on` in front of the server sends): wall time and bytes on the wire.
fn measure_link(root: &Path, punches: u64, report: &mut String) -> Result<()> {
    let days = 25u64;
    let employees = (punches / (4 * days)).max(1);
    writeln!(report, "\n## Over a {LINK_MBPS} Mbit/s link\n")?;
    writeln!(report, "| answers | records | wall s | MB on the wire | speed-up |")?;
    writeln!(report, "|---|---:|---:|---:|---:|")?;
    let mut plain_wall = None;
    for compress in [false, true] {
        let label = if compress { "gzip (proxy)" } else { "uncompressed" };
        eprintln!("==> {LINK_MBPS} Mbit/s link, {label}: {employees} employees × {days} days");
        let server = Server { compress, bandwidth_mbps: Some(LINK_MBPS), ..Server::default() };
        let sandbox = start_sandbox_release(root, server, employees, days)?;
        let entry = Entry {
            name: format!("Rust concurrent, {label}"),
            baseline: None,
            program: rust_bench(root),
            args: vec!["concurrent".into(), "--url".into(), sandbox.url.clone()],
            env: vec![],
        };
        let mut samples = Vec::new();
        let mut wire = Vec::new();
        for run in 1..=LINK_RUNS {
            eprintln!("--> {run}/{LINK_RUNS}: {}", entry.name);
            let before = process_written_bytes(sandbox.pid());
            samples.push(measure(&entry, None)?);
            wire.push(process_written_bytes(sandbox.pid()).zip(before).map(|(a, b)| a - b));
        }
        let s = median_run(samples);
        let wire_mb = median(wire.into_iter().flatten().map(|b| b as f64 / 1e6));
        let speedup = match plain_wall {
            None => {
                plain_wall = Some(s.wall_s);
                String::new()
            }
            Some(plain) => format!("{:.1}× faster", plain / s.wall_s),
        };
        writeln!(
            report,
            "| {label} | {} | {:.2} | {wire_mb:.1} | {speedup} |",
            s.records, s.wall_s
        )?;
    }
    writeln!(
        report,
        "\nThe sandbox paces its answers to {LINK_MBPS} Mbit/s shared by all connections \
         (`--bandwidth-mbps`) and gzips at level 1, nginx's default (`--compress gzip`); the \
         client asks for gzip, br and deflate. MB on the wire: what the sandbox wrote to its \
         sockets (`wchar` of /proc/PID/io), headers included; median of {LINK_RUNS} runs."
    )?;
    Ok(())
}

/// Bytes process `pid` passed to write calls, sockets included (Linux; `None` elsewhere).
fn process_written_bytes(pid: u32) -> Option<u64> {
    let io = std::fs::read_to_string(format!("/proc/{pid}/io")).ok()?;
    io.lines().find_map(|l| l.strip_prefix("wchar:")).and_then(|v| v.trim().parse().ok())
}

fn start_sandbox_release(
    root: &Path,
    server: Server,
    employees: u64,
    days: u64,
) -> Result<crate::demo::SandboxProcess> {
    let bin = target_dir(root).join("release/zkbiotime-sandbox");
    let (employees, days) = (employees.to_string(), days.to_string());
    let faults = format!("slow=1,slow-ms={}", server.latency_ms);
    // A BioTime server reached directly: Django sends JSON uncompressed (the link section
    // below plays the compressing proxy).
    let compress = if server.compress { "gzip" } else { "off" };
    let mut args = vec!["--employees", &employees, "--days", &days, "--compress", compress];
    if let Some(mbps) = server.bandwidth_mbps {
        args.extend(["--bandwidth-mbps", mbps]);
    }
    if server.latency_ms > 0 {
        args.extend(["--faults", &faults]);
    }
    start_sandbox_bin(&bin, &args)
}

fn rust_bench(root: &Path) -> String {
    target_dir(root).join("release/zkbiotime-bench").display().to_string()
}

fn entries(root: &Path, url: &str) -> Result<Vec<Entry>> {
    let bench = rust_bench(root);
    let rust = |name: &str, mode: &str| Entry {
        name: name.into(),
        baseline: None,
        program: bench.clone(),
        args: vec![mode.into(), "--url".into(), url.into()],
        env: vec![],
    };
    let mut serial_floor = rust("raw floor, serial", "floor");
    serial_floor.args.extend(["--concurrency".into(), "1".into()]);
    let mut out = vec![
        rust("raw floor", "floor"),
        serial_floor,
        rust("Rust sequential", "sequential"),
        rust("Rust concurrent", "concurrent"),
    ];
    // `zkbio transactions export` to CSV, measured as a child of the bench program.
    let csv = target_dir(root).join("bench-export.csv").display().to_string();
    let zkbio = target_dir(root).join("release/zkbio").display().to_string();
    out.push(Entry {
        name: "CLI export (zkbio, CSV)".into(),
        baseline: None,
        program: bench.clone(),
        args: [
            "exec",
            "--lines",
            &csv,
            "--",
            &zkbio,
            "--url",
            url,
            "--username",
            "admin",
            "--password",
            "admin123",
            "transactions",
            "export",
            "--no-progress",
            "--out",
            &csv,
        ]
        .map(String::from)
        .to_vec(),
        env: vec![],
    });
    out.extend(crate::bindings::bench_entries(root, url)?);
    Ok(out)
}

/// Each client row followed by its twin from the checkout `other` (the same program and
/// arguments with `root` replaced by `other`), labelled `@ <its git revision>`. Floors are
/// not doubled (they are the sandbox's, shared), nor rows whose files `other` lacks (a
/// binding built differently there).
fn with_twins(entries: Vec<Entry>, root: &Path, other: &Path) -> Result<Vec<Entry>> {
    let (root_s, other_s) = (root.display().to_string(), other.display().to_string());
    let revision = Command::new("git")
        .args(["-C", &other_s, "rev-parse", "--short", "HEAD"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_else(|| other_s.clone());
    // A value naming a file of this tree names the same file of the other one; the twin
    // exists only if each such file does there too.
    let moved = |value: &str| -> Option<String> {
        let twin = value.replace(&root_s, &other_s);
        let present = value.split(':').zip(twin.split(':')).all(|(mine, theirs)| {
            mine == theirs || !Path::new(mine).exists() || Path::new(theirs).exists()
        });
        present.then_some(twin)
    };
    let mut out = Vec::new();
    let mut skipped = Vec::new();
    for e in entries {
        let twin = (!e.name.starts_with("raw floor"))
            .then(|| {
                Some(Entry {
                    name: format!("{} @ {revision}", e.name),
                    baseline: None,
                    program: moved(&e.program)?,
                    args: e.args.iter().map(|a| moved(a)).collect::<Option<_>>()?,
                    env: e
                        .env
                        .iter()
                        .map(|(k, v)| Some((k.clone(), moved(v)?)))
                        .collect::<Option<_>>()?,
                })
            })
            .flatten();
        if twin.is_none() && !e.name.starts_with("raw floor") {
            skipped.push(e.name.clone());
        }
        out.push(e);
        out.extend(twin);
    }
    if !skipped.is_empty() {
        eprintln!("--compare: {other_s} lacks the files of: {}", skipped.join(", "));
    }
    Ok(out)
}

/// The Rust row, then each binding's (`crate::bindings::latency_entries`).
fn latency_entries(root: &Path, url: &str) -> Result<Vec<Entry>> {
    let mut out = vec![Entry {
        name: "Rust".into(),
        baseline: None,
        program: rust_bench(root),
        args: vec!["get".into(), "--url".into(), url.into(), "--n".into(), "1000".into()],
        env: vec![],
    }];
    out.extend(crate::bindings::latency_entries(root, url)?);
    Ok(out)
}

/// Rounds at the base size; each row shows its median-wall run, and its ratios are the
/// medians of the ratios within each round.
const RUNS: usize = 5;

/// The run with the median wall time.
fn median_run(mut samples: Vec<Sample>) -> Sample {
    samples.sort_by(|a, b| a.wall_s.total_cmp(&b.wall_s));
    let middle = samples.len() / 2;
    samples.swap_remove(middle)
}

fn median(values: impl Iterator<Item = f64>) -> f64 {
    let mut values: Vec<f64> = values.collect();
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(f64::NAN)
}

/// The wall time `s` would take if its CPU and the sandbox's overlapped perfectly on this
/// machine's cores, as a multiple of the floor's: a client that needs much more CPU than
/// the sandbox is held back by the shared cores, however well it overlaps.
fn floor_ratio_cpu_allows(s: &Sample, floor: &Sample) -> f64 {
    let Some(server) = s.sandbox_cpu_s else { return f64::NAN };
    let shared = (s.window_cpu_s + server) / cores() as f64;
    shared.max(floor.wall_s) / floor.wall_s
}

/// Runs one measurement; with the sandbox's pid, also the CPU the sandbox spent meanwhile.
fn measure(e: &Entry, sandbox_pid: Option<u32>) -> Result<Sample> {
    let server_before = sandbox_pid.and_then(process_cpu_s);
    let mut command = Command::new(&e.program);
    if let Some(pid) = sandbox_pid {
        // A program that times only part of its run reports the sandbox's CPU in that part.
        command.env("ZKBIO_BENCH_SANDBOX_PID", pid.to_string());
    }
    let out = command
        .args(&e.args)
        .envs(e.env.iter().map(|(k, v)| (k, v)))
        .output()
        .with_context(|| format!("running {}", e.program))?;
    if !out.status.success() {
        bail!("{} failed: {}", e.name, String::from_utf8_lossy(&out.stderr));
    }
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line =
        stdout.lines().rev().find(|l| l.trim_start().starts_with('{')).context("no JSON line")?;
    let v: serde_json::Value = serde_json::from_str(line)?;
    Ok(Sample {
        name: e.name.clone(),
        records: v["records"].as_u64().unwrap_or(0),
        wall_s: v["wall_s"].as_f64().unwrap_or(f64::NAN),
        cpu_s: v["cpu_s"].as_f64().unwrap_or(f64::NAN),
        window_cpu_s: v["window_cpu_s"].as_f64().unwrap_or(f64::NAN),
        peak_rss_kb: v["peak_rss_kb"].as_u64().unwrap_or(0),
        sandbox_cpu_s: v["sandbox_window_cpu_s"].as_f64().or_else(|| {
            server_before
                .zip(sandbox_pid.and_then(process_cpu_s))
                .map(|(before, after)| after - before)
        }),
        warmups: v["warmups"].as_u64(),
        jit_ms: v["jit_ms"].as_u64(),
    })
}

/// User + system CPU seconds of process `pid`: fields 14 and 15 of `/proc/PID/stat`, in
/// clock ticks of 1/100 s (Linux; `None` elsewhere).
fn process_cpu_s(pid: u32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The name in parentheses may hold spaces: count fields after its closing one.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks = |i: usize| fields.get(i)?.parse::<f64>().ok();
    Some((ticks(11)? + ticks(12)?) / 100.0)
}

fn mb(kb: u64) -> f64 {
    kb as f64 / 1024.0
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next().map(str::to_string))
        .unwrap_or_else(|| "?".into())
}

fn cores() -> usize {
    std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
}
