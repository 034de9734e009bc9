//! `zkbio transactions sync --state state.json --out new-punches.jsonl`: append every punch
//! not synced before to a JSON Lines file, exactly once, whatever crashes in between.
//!
//! Which punches are new is the core's business (`transactions().sync`, see
//! `zkbiotime::sync`: late uploads, out-of-order commits, a bounded `SyncState`). This file
//! only makes the *storing* crash-safe. Two files must agree: the punches file and the
//! state file, and no filesystem updates two files atomically. The protocol:
//!
//! 1. The state file holds the core's `SyncState` **and `out_bytes`, the length of the
//!    punches file when that state was committed**. Everything in the punches file before
//!    `out_bytes` is covered by the state; anything after it was written by a run that died
//!    before committing (the "uncommitted tail").
//! 2. Per batch: append the new punches to the punches file, then `fsync` it; only then
//!    write the new state (with the new `out_bytes`) to `state.json.tmp`, `fsync` it,
//!    `rename` it over `state.json` and `fsync` the directory. The rename is the commit.
//! 3. On start, recover: read the uncommitted tail. A last line without its `\n` (a write
//!    cut short) or a line that is not JSON (garbage a crash left) is truncated away, from
//!    that line on. The ids of the complete lines go into a set.
//! 4. Sync from the committed state. The core returns every punch after that state again,
//!    so the tail's punches come back: those whose id is in the set are skipped, not
//!    written twice; the rest are appended as usual.
//!
//! Crash anywhere → on rerun: before the append's fsync, the tail is partial or absent and
//! gets truncated or deduplicated; between the fsync and the rename, the whole batch is in
//! the tail and is deduplicated; after the rename, the state already covers it. So no punch
//! is lost (the state never covers a punch that is not durably in the file) and none is
//! written twice (anything written after the committed state is found in the tail).
//!
//! The punches file may be rotated (moved away) after a *successful* run: a missing file
//! starts again at offset 0. A file shorter than `out_bytes` means someone truncated it:
//! that is refused rather than guessed about. Two syncs must not share a state file at once.
//!
//! `--since DATE` starts a first run at a date (the core's `SyncState::start`, which refuses
//! it once a state file exists); `--direction` adds a `direction` field to each line (see
//! `export::DirectionArgs`; `alternate` decides within each batch).
//!
//! `--watch INTERVAL` repeats the sync forever (see `crate::watch`): the state and the
//! committed length stay in memory between runs, the punches file is reopened (and its tail
//! recovered) for each run, so a rotated file starts afresh. A stop request is honoured
//! before a batch is fetched or while it is being fetched, never while one is written: a
//! batch that has started to be appended is fsynced and committed first.
//!
//! Test hook: `ZKBIO_SYNC_CRASH=after-append` aborts the process right after the first
//! batch's punches are fsynced and before the state commit; `ZKBIO_SYNC_CRASH=torn` aborts
//! in the middle of writing a line. The CLI tests use them to prove the protocol.

use std::collections::HashSet;
use std::fs::{File, OpenOptions};
use std::future::Future;
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use clap::Args;
use serde::{Deserialize, Serialize};
use zkbiotime::{Client, DirectionRule, SyncState};

use crate::exit::Usage;
use crate::export::{DirectionArgs, directed, progress_bar, rate, seconds};

#[derive(Args, Debug)]
pub struct SyncArgs {
    /// State file (created on the first run); keep it with the punches file
    #[arg(long, value_name = "FILE")]
    pub state: PathBuf,
    /// JSON Lines file the new punches are appended to
    #[arg(long, short = 'o', value_name = "FILE")]
    pub out: PathBuf,
    /// Punches per batch: each batch is appended and committed on its own (memory holds
    /// one batch)
    #[arg(long, default_value_t = 50_000)]
    pub batch: usize,
    /// Never draw the progress bar
    #[arg(long)]
    pub no_progress: bool,
    /// First run only (no state file yet): skip punches timed before this server-local
    /// time, YYYY-MM-DD or 'YYYY-MM-DD HH:MM:SS' (late uploads of earlier punches included)
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    #[command(flatten)]
    pub direction: DirectionArgs,
    /// Keep syncing: one run, then wait INTERVAL (500ms, 30s, 5m, 1h, or plain seconds),
    /// and again, until Ctrl-C or SIGTERM
    ///
    /// Each run prints one line on stderr: the time, the new punches, the total since the
    /// watch started. A failed run (network, timeout, 5xx or 429, an answer that is not the
    /// API's) is logged in one line and retried, first after INTERVAL (at least 1 s), then
    /// after twice as long each time, at most 5 minutes apart; a server restart or a
    /// network outage is waited out. Authentication, permission, licence and usage errors,
    /// and local file errors, still stop it with their exit code: waiting will not fix
    /// them. Ctrl-C or SIGTERM stops it cleanly (a batch being written is finished and
    /// committed first, one being fetched is dropped), prints "stopped" and exits 0.
    #[arg(long, value_name = "INTERVAL", value_parser = crate::watch::parse_interval)]
    pub watch: Option<Duration>,
}

/// The state file.
#[derive(Serialize, Deserialize, Debug)]
struct Stored {
    /// The punches file this state belongs to, as first given.
    out: PathBuf,
    /// Length of the punches file when `sync` was committed.
    out_bytes: u64,
    /// The core's `SyncState`, validated by `SyncState::from_json`.
    sync: serde_json::Value,
}

pub async fn run(client: &Client, args: &SyncArgs) -> Result<()> {
    if args.batch == 0 {
        bail!(Usage("--batch must be at least 1".into()));
    }
    let rule = args.direction.rule()?;
    let (state, committed) = load_state(&args.state, &args.out, args.since.as_deref())?;
    let mut session = Session { state, committed, rule };
    if let Some(interval) = args.watch {
        return crate::watch::run(client, args, &mut session, interval).await;
    }
    let started = Instant::now();
    let done = session.run(client, args, std::pin::pin!(std::future::pending())).await?;
    let elapsed = started.elapsed();
    let mut summary = format!(
        "synced {} new punches into {} in {} ({}/s); state in {}",
        done.written,
        args.out.display(),
        seconds(elapsed),
        rate(done.written, elapsed),
        args.state.display()
    );
    summary.push_str(&done.recovery_note());
    eprintln!("{summary}");
    Ok(())
}

/// What one run did.
#[derive(Debug, Default)]
pub struct Ran {
    /// Punches appended.
    pub written: u64,
    /// Punches of an interrupted run's tail that were already in the file.
    pub skipped: u64,
    /// Ids found in the uncommitted tail on opening the file.
    pub recovered: usize,
    /// The stop request came: the run ended between batches.
    pub stopped: bool,
}

impl Ran {
    /// "; recovered an interrupted run: ..." when there was one, else "".
    pub fn recovery_note(&self) -> String {
        if self.recovered > 0 {
            format!(
                "; recovered an interrupted run: {} punches were already in the file",
                self.skipped
            )
        } else {
            String::new()
        }
    }
}

/// The committed state, kept between the runs of `--watch`.
pub struct Session {
    state: SyncState,
    /// `out_bytes` of the last commit.
    committed: u64,
    rule: Option<DirectionRule>,
}

impl Session {
    /// One sync: every batch until the core says the list is complete, each appended and
    /// committed on its own. `stop` resolving ends the run before the next batch, or drops
    /// the batch being fetched (nothing of it written yet); it is never looked at while a
    /// batch is written and committed.
    pub async fn run(
        &mut self,
        client: &Client,
        args: &SyncArgs,
        mut stop: Pin<&mut impl Future<Output = ()>>,
    ) -> Result<Ran> {
        let crash = std::env::var("ZKBIO_SYNC_CRASH").ok();
        let mut out = PunchFile::open(&args.out, self.committed)?;
        let mut ran = Ran { recovered: out.seen.len(), ..Ran::default() };

        let bar = progress_bar(args.no_progress);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{spinner} {human_pos} new punches {rate}")
                .expect("valid template")
                .with_key("rate", crate::export::rate_key),
        );
        loop {
            let transactions = client.transactions();
            let fetched = tokio::select! {
                biased;
                () = stop.as_mut() => None,
                batch = transactions.sync(&self.state, Some(args.batch)) => Some(batch),
            };
            let Some(batch) = fetched else {
                ran.stopped = true;
                break;
            };
            let mut batch = batch?;
            let punches = std::mem::take(&mut batch.punches);
            // One JSON line per punch (with its direction when asked: the core decides, for
            // `alternate` within this batch).
            let lines: Vec<(i64, Vec<u8>)> = match &self.rule {
                None => punches
                    .iter()
                    .map(|p| serde_json::to_vec(p).map(|line| (p.id, line)))
                    .collect::<Result<_, _>>()?,
                Some(rule) => directed(punches, rule)
                    .iter()
                    .map(|d| serde_json::to_vec(d).map(|line| (d.punch.id, line)))
                    .collect::<Result<_, _>>()?,
            };
            for (id, mut line) in lines {
                if out.seen.contains(&id) {
                    ran.skipped += 1;
                    continue;
                }
                line.push(b'\n');
                if crash.as_deref() == Some("torn") {
                    out.file.write_all(&line[..line.len() / 2])?;
                    out.file.flush()?;
                    out.file.get_ref().sync_data()?;
                    std::process::abort();
                }
                out.file.write_all(&line)?;
                ran.written += 1;
            }
            out.file.flush()?;
            out.file
                .get_ref()
                .sync_data()
                .with_context(|| format!("flushing {}", args.out.display()))?;
            if crash.as_deref() == Some("after-append") {
                std::process::abort();
            }
            let out_bytes = out.file.get_ref().metadata()?.len();
            commit(
                &args.state,
                &Stored {
                    out: args.out.clone(),
                    out_bytes,
                    sync: serde_json::to_value(&batch.state)?,
                },
            )?;
            self.state = batch.state;
            self.committed = out_bytes;
            bar.set_position(ran.written);
            if batch.complete {
                break;
            }
        }
        bar.finish_and_clear();
        Ok(ran)
    }
}

/// The committed state and `out_bytes`, or a fresh start (from `since` when given; with a
/// state file, `since` is the core's usage error).
fn load_state(path: &Path, out: &Path, since: Option<&str>) -> Result<(SyncState, u64)> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Ok((SyncState::start(None, since)?, 0));
        }
        Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
    };
    let stored: Stored = serde_json::from_str(&text)
        .map_err(|e| Usage(format!("{} is not a zkbio sync state: {e}", path.display())))?;
    if !same_file_name(&stored.out, out) {
        bail!(Usage(format!(
            "{} belongs to {}, not {}: give the same --out, or a new --state",
            path.display(),
            stored.out.display(),
            out.display()
        )));
    }
    let state = SyncState::start(Some(&stored.sync.to_string()), since)
        .with_context(|| format!("reading {}", path.display()))?;
    Ok((state, stored.out_bytes))
}

fn same_file_name(a: &Path, b: &Path) -> bool {
    let canon = |p: &Path| {
        let abs = std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
        match (abs.parent().and_then(|d| d.canonicalize().ok()), abs.file_name()) {
            (Some(dir), Some(name)) => dir.join(name),
            _ => abs,
        }
    };
    canon(a) == canon(b)
}

/// Write-then-rename with fsyncs: the state file is always the old or the new one, whole.
fn commit(path: &Path, stored: &Stored) -> Result<()> {
    let mut tmp_name = path.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    tmp_name.push(".tmp");
    let tmp = path.with_file_name(tmp_name);
    {
        let mut f = File::create(&tmp).with_context(|| format!("creating {}", tmp.display()))?;
        serde_json::to_writer_pretty(&mut f, stored)?;
        f.write_all(b"\n")?;
        f.sync_all().with_context(|| format!("flushing {}", tmp.display()))?;
    }
    std::fs::rename(&tmp, path)
        .with_context(|| format!("renaming {} to {}", tmp.display(), path.display()))?;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    // Makes the rename itself durable.
    File::open(&dir).and_then(|d| d.sync_all()).ok();
    Ok(())
}

/// The punches file, recovered and positioned for appending.
struct PunchFile {
    file: std::io::BufWriter<File>,
    /// Ids in the uncommitted tail.
    seen: HashSet<i64>,
}

impl PunchFile {
    fn open(path: &Path, committed: u64) -> Result<Self> {
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)
            .with_context(|| format!("opening {}", path.display()))?;
        let len = file.metadata()?.len();
        let committed = if len == 0 && committed > 0 {
            eprintln!("{} is new or empty: starting it afresh (rotated?)", path.display());
            0
        } else if len < committed {
            bail!(
                "{} is shorter ({len} bytes) than the state says was written ({committed} \
                 bytes): it was truncated or replaced; restore it or start with a new --state",
                path.display()
            );
        } else {
            committed
        };
        let (seen, good_end) = read_tail(&mut file, committed, len)
            .with_context(|| format!("reading the end of {}", path.display()))?;
        if good_end < len {
            file.set_len(good_end)?;
            file.sync_data()?;
        }
        file.seek(SeekFrom::Start(good_end))?;
        Ok(Self { file: std::io::BufWriter::with_capacity(1 << 16, file), seen })
    }
}

/// Ids of the complete JSON lines after `from`, and where the good part ends.
fn read_tail(file: &mut File, from: u64, len: u64) -> Result<(HashSet<i64>, u64)> {
    let mut seen = HashSet::new();
    file.seek(SeekFrom::Start(from))?;
    let mut reader = BufReader::new(file.take(len - from));
    let mut pos = from;
    let mut line = Vec::new();
    loop {
        line.clear();
        let n = reader.read_until(b'\n', &mut line)?;
        if n == 0 || line.last() != Some(&b'\n') {
            break; // the end, or a torn last line
        }
        let id = serde_json::from_slice::<serde_json::Value>(&line)
            .ok()
            .and_then(|v| v.get("id").and_then(|id| id.as_i64()));
        match id {
            Some(id) => seen.insert(id),
            None => break, // garbage from a crash: cut here
        };
        pos += n as u64;
    }
    Ok((seen, pos))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tail_recovery_keeps_whole_lines_and_cuts_torn_ones() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.jsonl");
        std::fs::write(&path, "{\"id\":1}\n{\"id\":2}\n{\"id\":3}\n{\"id\":4").unwrap();
        let committed = "{\"id\":1}\n".len() as u64;
        let f = PunchFile::open(&path, committed).unwrap();
        assert_eq!(f.seen, HashSet::from([2, 3]));
        drop(f);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "{\"id\":1}\n{\"id\":2}\n{\"id\":3}\n");

        std::fs::write(&path, "{\"id\":1}\n\0\0\0\n{\"id\":2}\n").unwrap();
        let f = PunchFile::open(&path, committed).unwrap();
        assert!(f.seen.is_empty());
        drop(f);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "{\"id\":1}\n");

        let err = PunchFile::open(&path, 100).err().unwrap();
        assert!(err.to_string().contains("shorter"), "{err}");
    }

    #[test]
    fn commit_replaces_the_state_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.json");
        let stored = Stored {
            out: "x.jsonl".into(),
            out_bytes: 5,
            sync: serde_json::to_value(SyncState::new()).unwrap(),
        };
        commit(&path, &stored).unwrap();
        let (state, bytes) = load_state(&path, Path::new("x.jsonl"), None).unwrap_or_else(|e| {
            panic!("{e:#}");
        });
        assert_eq!((state, bytes), (SyncState::new(), 5));
        assert!(!dir.path().join("s.json.tmp").exists());
        let other = load_state(&path, Path::new("y.jsonl"), None).unwrap_err();
        assert!(other.downcast_ref::<Usage>().is_some());
        let since = load_state(&path, Path::new("x.jsonl"), Some("2024-06-01")).unwrap_err();
        assert!(format!("{since:#}").contains("first sync"), "{since:#}");
    }
}
