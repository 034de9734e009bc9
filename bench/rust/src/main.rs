//! One measurement per process, so peak memory is the measured client's alone.
//!
//! ```text
//! zkbiotime-bench floor|sequential|concurrent --url URL [--page-size N] [--concurrency N]
//! zkbiotime-bench get --url URL [--n 1000]
//! zkbiotime-bench exec --lines FILE -- PROGRAM ARGS...   (measures a child, e.g. zkbio)
//! zkbiotime-bench decode|decode-strict --url URL [--n 200]  (one page read N times)
//! ```
//! Prints one JSON line: `{"mode", "records", "wall_s", "cpu_s", "window_cpu_s",
//! "peak_rss_kb"}` (`window_cpu_s`: inside the timed part only).

mod proc_stats;

use std::time::Instant;

use anyhow::{Context, Result, bail};
use futures::{StreamExt, TryStreamExt};

struct Args {
    mode: String,
    url: String,
    page_size: u32,
    concurrency: usize,
    n: usize,
}

fn parse_args() -> Result<Args> {
    let mut args = std::env::args().skip(1);
    let mode = args.next().context("usage: zkbiotime-bench <mode> --url URL")?;
    let mut out = Args { mode, url: String::new(), page_size: 1000, concurrency: 4, n: 1000 };
    while let Some(flag) = args.next() {
        let value = args.next().with_context(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--url" => out.url = value,
            "--page-size" => out.page_size = value.parse()?,
            "--concurrency" => out.concurrency = value.parse()?,
            "--n" => out.n = value.parse()?,
            other => bail!("unknown flag {other}"),
        }
    }
    if out.url.is_empty() {
        bail!("--url is required");
    }
    Ok(out)
}

#[tokio::main]
async fn main() -> Result<()> {
    if std::env::args().nth(1).as_deref() == Some("exec") {
        return exec();
    }
    let args = parse_args()?;
    if let Some(strict) = match args.mode.as_str() {
        "decode" => Some(false),
        "decode-strict" => Some(true),
        _ => None,
    } {
        return decode(&args, strict).await;
    }
    let started = Instant::now();
    let cpu_at_start = proc_stats::read().cpu_s;
    let records = match args.mode.as_str() {
        "floor" => floor(&args).await?,
        "sequential" | "concurrent" => pull(&args).await?,
        "get" => gets(&args).await?,
        other => bail!("unknown mode {other}"),
    };
    report(&args.mode, records, started, cpu_at_start);
    Ok(())
}

fn client(args: &Args, concurrency: usize) -> Result<zkbiotime::Client> {
    Ok(zkbiotime::Client::builder(&args.url)
        .password("admin", "admin123")
        .page_size(args.page_size)
        .concurrency(concurrency)
        .build()?)
}

/// Prints the one JSON line of a measurement that started at `started` (CPU: `cpu_at_start`).
fn report(mode: &str, records: usize, started: Instant, cpu_at_start: f64) {
    let wall = started.elapsed().as_secs_f64();
    let stats = proc_stats::read();
    println!(
        "{}",
        serde_json::json!({
            "mode": mode, "records": records, "wall_s": wall,
            "cpu_s": stats.cpu_s, "window_cpu_s": stats.cpu_s - cpu_at_start,
            "peak_rss_kb": stats.peak_rss_kb,
        })
    );
}

/// The full pull through the SDK: every punch parsed into `types::Transaction`.
async fn pull(args: &Args) -> Result<usize> {
    let concurrency = if args.mode == "sequential" { 1 } else { args.concurrency };
    let client = client(args, concurrency)?;
    let mut records = 0usize;
    let mut punches = std::pin::pin!(client.transactions().list(Default::default()));
    while let Some(p) = punches.try_next().await? {
        // Touch the record so the work cannot be optimised away.
        records += usize::from(!p.emp_code.is_empty());
    }
    Ok(records)
}

/// The raw floor: the same pages downloaded as bytes, same concurrency, nothing parsed
/// (but page 1's count, to know how many pages there are).
async fn floor(args: &Args) -> Result<usize> {
    let http = reqwest::Client::new();
    let login: serde_json::Value = http
        .post(format!("{}/api-token-auth/", args.url))
        .json(&serde_json::json!({"username": "admin", "password": "admin123"}))
        .send()
        .await?
        .json()
        .await?;
    let auth = format!("Token {}", login["token"].as_str().context("token")?);
    let page = |n: u64| {
        let (http, auth) = (http.clone(), auth.clone());
        let url = format!(
            "{}/iclock/api/transactions/?page={n}&page_size={ps}&limit={ps}",
            args.url,
            ps = args.page_size
        );
        async move {
            let r = http.get(url).header("Authorization", auth).send().await?;
            anyhow::Ok(r.error_for_status()?.bytes().await?)
        }
    };
    let first = page(1).await?;
    let count = serde_json::from_slice::<serde_json::Value>(&first)?["count"].as_u64().unwrap_or(0);
    let pages = count.div_ceil(u64::from(args.page_size));
    let mut bytes = first.len();
    let mut rest =
        std::pin::pin!(futures::stream::iter(2..=pages).map(page).buffered(args.concurrency));
    while let Some(body) = rest.try_next().await? {
        bytes += body.len();
    }
    eprintln!("floor: {pages} pages, {} MB", bytes / 1_000_000);
    Ok(count as usize)
}

/// The decoding policy's cost alone: page 1 of the punches downloaded once, then read
/// `--n` times into `TransactionPage` in this process, under the policy or strictly (as
/// `ClientBuilder::strict` reads). Only the reading is timed.
async fn decode(args: &Args, strict: bool) -> Result<()> {
    let url = format!(
        "{}/iclock/api/transactions/?page=1&page_size={ps}&limit={ps}",
        args.url,
        ps = args.page_size
    );
    let text = reqwest::Client::new()
        .get(url)
        .basic_auth("admin", Some("admin123"))
        .send()
        .await?
        .error_for_status()?
        .text()
        .await?;
    let cpu_at_start = proc_stats::read().cpu_s;
    let started = Instant::now();
    let mut records = 0usize;
    for _ in 0..args.n {
        let page: zkbiotime::types::TransactionPage =
            zkbiotime::loose::decoding(strict, || serde_json::from_str(&text))?;
        records += page.data.len();
    }
    report(&args.mode, records, started, cpu_at_start);
    Ok(())
}

/// Runs another program (the `zkbio` CLI) and reports its wall time, CPU time and peak
/// memory (from the kernel's accounting of waited-for children); records = lines of the
/// CSV it wrote, minus the header.
fn exec() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(2).collect();
    let split = args.iter().position(|a| a == "--").context("exec needs -- PROGRAM")?;
    let (own, child) = (&args[..split], &args[split + 1..]);
    let lines_file = match own {
        [flag, file] if flag == "--lines" => file.clone(),
        _ => bail!("usage: exec --lines FILE -- PROGRAM ARGS..."),
    };
    let started = Instant::now();
    let status = std::process::Command::new(&child[0]).args(&child[1..]).status()?;
    let wall = started.elapsed().as_secs_f64();
    anyhow::ensure!(status.success(), "{} failed: {status}", child[0]);
    // SAFETY: getrusage only writes into the struct we hand it.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage);
        usage
    };
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    let text = std::fs::read_to_string(&lines_file)?;
    let records = text.lines().count().saturating_sub(1);
    println!(
        "{}",
        serde_json::json!({
            "mode": "exec", "records": records, "wall_s": wall,
            "cpu_s": secs(usage.ru_utime) + secs(usage.ru_stime),
            // The child's whole life is inside the timed part.
            "window_cpu_s": secs(usage.ru_utime) + secs(usage.ru_stime),
            "peak_rss_kb": usage.ru_maxrss,
        })
    );
    Ok(())
}

/// Single-call latency: `n` sequential `get`s of one employee.
async fn gets(args: &Args) -> Result<usize> {
    let client = client(args, 1)?;
    client.login().await?;
    for _ in 0..args.n {
        client.employees().get(1).await?;
    }
    Ok(args.n)
}
