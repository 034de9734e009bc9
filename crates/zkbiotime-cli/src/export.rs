//! `zkbio transactions export`: every punch the filters select into one file.
//!
//! The core pages concurrently and yields pages in order; each page is written as it
//! arrives, so memory stays at a few pages whatever the size of the export. The file is
//! written as `FILE.partial` and renamed once complete and flushed to disk, so a `FILE`
//! that exists is always a whole export.
//!
//! `--direction` adds a `direction` field (in/out, decided by the core's
//! `zkbiotime::directions`); `alternate` needs every punch of the export first, so it is
//! the one mode that holds the whole export in memory.

use std::fs::File;
use std::io::{BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use clap::{ArgMatches, Args};
use futures::{Stream, TryStreamExt};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::Serialize;
use zkbiotime::types::Transaction;
use zkbiotime::{Client, Direction, DirectionRule, Page, TransactionFilter};

use crate::cli::Format;
use crate::exit::Usage;
use crate::fields::{filter_from, model};
use crate::output::sink;
use crate::writeback::Writeback;

#[derive(Args, Debug)]
pub struct ExportArgs {
    /// File to write (`-` for stdout); the format follows its extension (.csv, .jsonl,
    /// .json) unless --format says otherwise
    #[arg(long, short = 'o', default_value = "-")]
    pub out: PathBuf,
    /// Never draw the progress bar (it is only drawn when stderr is a terminal)
    #[arg(long)]
    pub no_progress: bool,
    #[command(flatten)]
    pub direction: DirectionArgs,
}

/// `--direction` and `--terminal-direction`, shared by `export` and `sync`.
#[derive(Args, Debug, Default)]
pub struct DirectionArgs {
    /// Add a `direction` field (in, out or empty) to each punch: from its punch state
    /// (0, 3, 4 in; 1, 2, 5 out), from its terminal (with --terminal-direction), or
    /// alternating IN, OUT per employee and day. `alternate` decides within what is written
    /// in one go: the whole export (held in memory), or one sync batch (--batch)
    #[arg(long, value_name = "RULE", value_parser = ["state", "terminal", "alternate"])]
    pub direction: Option<String>,
    /// For --direction terminal: a terminal's serial number or alias and the direction of
    /// its punches (repeatable), e.g. --terminal-direction CKJF201260078=in
    #[arg(long = "terminal-direction", value_name = "SN_OR_ALIAS=in|out")]
    pub terminal_direction: Vec<String>,
}

impl DirectionArgs {
    /// The core's rule, or `None` without `--direction`. Bad names and a missing terminal
    /// map are the core's errors (`DirectionRule::from_name`: invalid argument, a usage exit).
    pub fn rule(&self) -> Result<Option<DirectionRule>> {
        let Some(name) = &self.direction else {
            if !self.terminal_direction.is_empty() {
                bail!(Usage("--terminal-direction goes with --direction terminal".into()));
            }
            return Ok(None);
        };
        let mut map = std::collections::HashMap::new();
        for pair in &self.terminal_direction {
            let Some((terminal, direction)) = pair.rsplit_once('=') else {
                bail!(Usage(format!("--terminal-direction {pair:?}: expected SN_OR_ALIAS=in|out")));
            };
            map.insert(terminal.trim().to_string(), Direction::parse(direction)?);
        }
        Ok(Some(DirectionRule::from_name(name, map)?))
    }
}

/// A punch with its direction, written as the punch's fields then `direction` (`null` /
/// an empty cell when the rule cannot tell).
#[derive(Serialize)]
pub struct Directed<P> {
    #[serde(flatten)]
    pub punch: P,
    pub direction: Option<&'static str>,
}

/// Each punch with its direction under `rule` (the core decides; `alternate` within
/// `punches`).
pub fn directed(punches: Vec<Transaction>, rule: &DirectionRule) -> Vec<Directed<Transaction>> {
    let found = zkbiotime::directions(&punches, rule);
    punches
        .into_iter()
        .zip(found)
        .map(|(punch, d)| Directed { punch, direction: d.map(Direction::as_str) })
        .collect()
}

pub async fn run(
    client: &Client,
    args: &ExportArgs,
    leaf: &ArgMatches,
    format: Option<Format>,
) -> Result<()> {
    let filter: TransactionFilter =
        filter_from(leaf, model("TransactionFilter"), client.server_zone())?;
    let to_stdout = args.out.as_os_str() == "-";
    let format = match format.unwrap_or_else(|| by_extension(&args.out)) {
        Format::Table => bail!(Usage("export writes csv, json or jsonl, not a table".into())),
        f => f,
    };
    let rule = args.direction.rule()?;
    let started = Instant::now();
    let bar = progress_bar(args.no_progress);
    let mut pages = std::pin::pin!(client.transactions().pages(filter));

    let (count, target) = if to_stdout {
        let mut out = BufWriter::new(std::io::stdout());
        let count =
            write_export(&mut pages, format, Box::new(&mut out), rule.as_ref(), &bar).await?;
        (count, "stdout".to_string())
    } else {
        let partial = partial_path(&args.out);
        let file =
            File::create(&partial).with_context(|| format!("creating {}", partial.display()))?;
        let mut out = BufWriter::with_capacity(1 << 16, Writeback::new(file));
        let count = write_export(&mut pages, format, Box::new(&mut out), rule.as_ref(), &bar)
            .await
            .with_context(|| format!("writing {}", partial.display()))?;
        let file = out.into_inner().map_err(|e| e.into_error())?.into_inner();
        file.sync_all().with_context(|| format!("flushing {}", partial.display()))?;
        drop(file);
        std::fs::rename(&partial, &args.out)
            .with_context(|| format!("renaming {} to {}", partial.display(), args.out.display()))?;
        (count, args.out.display().to_string())
    };
    bar.finish_and_clear();
    let elapsed = started.elapsed();
    eprintln!(
        "exported {count} punches to {target} in {} ({}/s)",
        seconds(elapsed),
        rate(count, elapsed)
    );
    Ok(())
}

/// Writes every page of `pages` to `out` as it arrives (with `alternate`: once all are
/// read, since a day's punches may span pages); the number of punches written.
async fn write_export(
    pages: &mut (impl Stream<Item = zkbiotime::Result<Page<Transaction>>> + Unpin),
    format: Format,
    out: Box<dyn Write + '_>,
    rule: Option<&DirectionRule>,
    bar: &ProgressBar,
) -> Result<u64> {
    let model = model("Transaction");
    let mut count = 0u64;
    match rule {
        None => {
            let mut sink = sink(format, model, None, out);
            while let Some(page) = pages.try_next().await? {
                bar.set_length(page.count.max(0) as u64);
                for punch in page.items {
                    sink.record(&punch)?;
                    count += 1;
                }
                bar.set_position(count);
            }
            sink.finish()?;
        }
        Some(DirectionRule::Alternate) => {
            let mut sink = sink(format, model, None, out);
            let mut all = Vec::new();
            while let Some(page) = pages.try_next().await? {
                bar.set_length(page.count.max(0) as u64);
                all.extend(page.items);
                bar.set_position(all.len() as u64);
            }
            for punch in directed(all, &DirectionRule::Alternate) {
                sink.record(&punch)?;
                count += 1;
            }
            sink.finish()?;
        }
        Some(rule) => {
            let mut sink = sink(format, model, None, out);
            while let Some(page) = pages.try_next().await? {
                bar.set_length(page.count.max(0) as u64);
                for punch in directed(page.items, rule) {
                    sink.record(&punch)?;
                    count += 1;
                }
                bar.set_position(count);
            }
            sink.finish()?;
        }
    }
    Ok(count)
}

fn by_extension(path: &Path) -> Format {
    match path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
        Some("jsonl" | "ndjson") => Format::Jsonl,
        Some("json") => Format::Json,
        _ => Format::Csv,
    }
}

/// `punches.csv` → `punches.csv.partial`, beside it (a rename never crosses filesystems).
fn partial_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(".partial");
    path.with_file_name(name)
}

/// Count, rate and ETA on stderr when it is a terminal; nothing in a pipe or a log.
pub fn progress_bar(disabled: bool) -> ProgressBar {
    if disabled || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {wide_bar} {human_pos}/{human_len} punches \
             {rate} ETA {eta}",
        )
        .expect("valid template")
        .with_key("rate", rate_key),
    );
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}

/// `12,345/s` for the progress bar (indicatif's own shows four decimals).
pub fn rate_key(state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write) {
    let _ = write!(w, "{}/s", indicatif::HumanCount(state.per_sec() as u64));
}

pub fn seconds(d: Duration) -> String {
    format!("{:.1} s", d.as_secs_f64())
}

pub fn rate(count: u64, d: Duration) -> String {
    let secs = d.as_secs_f64().max(1e-3);
    format!("{:.0}", count as f64 / secs)
}
