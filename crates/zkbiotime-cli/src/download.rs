//! `zkbio transactions download`: the server-side export (`GET
//! /iclock/api/transactions/export/?export_type=csv|txt|xls`, D80 docs): the server renders
//! the file, the core streams it to disk (`Transactions::export_file`: `FILE.part`, renamed
//! when complete, so a failure leaves no file). `export` is the client-side export (typed
//! rows, paged by the core, written by zkbio).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Result, bail};
use clap::{ArgMatches, Args};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use zkbiotime::{Client, ExportFormat, TransactionFilter};

use crate::cli::Format;
use crate::exit::Usage;
use crate::export::seconds;
use crate::fields::{filter_from, model};

#[derive(Args, Debug)]
pub struct DownloadArgs {
    /// The file to write (written as FILE.part, renamed when complete)
    #[arg(long, short = 'o', value_name = "FILE")]
    pub out: PathBuf,
    /// The file format the server renders: csv, txt or xls (default: from FILE's
    /// extension, else csv). The global `--format csv` is taken too
    #[arg(long = "type", visible_alias = "export-type", value_name = "csv|txt|xls")]
    pub export_type: Option<String>,
    /// Never draw the progress line (it is only drawn when stderr is a terminal)
    #[arg(long)]
    pub no_progress: bool,
}

/// The format: `--type`, else the global `--format csv`, else the file's extension, else csv.
fn format(args: &DownloadArgs, global: Option<Format>) -> Result<ExportFormat> {
    if let Some(text) = &args.export_type {
        return Ok(ExportFormat::parse(text).map_err(|e| Usage(format!("--type: {}", e.detail())))?);
    }
    match global {
        Some(Format::Csv) => return Ok(ExportFormat::Csv),
        Some(other) => bail!(Usage(format!(
            "download writes the server's csv, txt or xls file, not {other:?} (use --type)"
        ))),
        None => {}
    }
    let by_extension = extension(&args.out).and_then(|e| ExportFormat::parse(&e).ok());
    Ok(by_extension.unwrap_or(ExportFormat::Csv))
}

fn extension(path: &Path) -> Option<String> {
    path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase)
}

pub async fn run(
    client: &Client,
    args: &DownloadArgs,
    leaf: &ArgMatches,
    global: Option<Format>,
) -> Result<()> {
    if args.out.as_os_str() == "-" || args.out.as_os_str().is_empty() {
        bail!(Usage("download needs a file (-o FILE): it is written whole or not at all".into()));
    }
    let filter: TransactionFilter =
        filter_from(leaf, model("TransactionFilter"), client.server_zone())?;
    let format = format(args, global)?;
    let started = Instant::now();
    let bar = progress(args.no_progress);
    let shown = bar.clone();
    let written = client
        .transactions()
        .export_file_with_progress(filter, format, &args.out, move |n| shown.set_position(n))
        .await;
    bar.finish_and_clear();
    let written = written?;
    eprintln!(
        "downloaded {} ({}) to {} in {}",
        bytes(written),
        format.as_str(),
        args.out.display(),
        seconds(started.elapsed())
    );
    Ok(())
}

/// Bytes so far and the rate, on one stderr line when it is a terminal (servers send no
/// length for an export, so there is no bar or ETA).
fn progress(disabled: bool) -> ProgressBar {
    if disabled || !std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] downloading {bytes} ({bytes_per_sec})",
        )
        .expect("valid template"),
    );
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}

/// `1,234 bytes` / `12.3 MiB`.
fn bytes(n: u64) -> String {
    if n < 1024 * 1024 {
        format!("{} bytes", indicatif::HumanCount(n))
    } else {
        format!("{}", indicatif::HumanBytes(n))
    }
}
