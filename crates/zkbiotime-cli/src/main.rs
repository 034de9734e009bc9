//! `zkbio`: the ZKBio Time command line. Every operation is a call of the `zkbiotime` core
//! (auth, retries, paging, sync and error classification live there); this crate parses
//! flags, prints records and maps errors to exit codes. See README.md.

mod cli;
mod connect;
mod csv_line;
mod csv_row;
mod download;
mod exit;
mod export;
mod fields;
#[rustfmt::skip]
mod generated;
#[rustfmt::skip]
#[allow(clippy::all, unused_imports)]
mod generated_resources;
mod output;
mod raw;
mod resources;
#[cfg(feature = "sandbox")]
mod sandbox;
mod sync;
mod watch;
mod writeback;

use anyhow::Result;
use clap::{ArgMatches, FromArgMatches};

use crate::cli::{Cli, Command, TransactionAction};
use crate::output::Output;
use crate::resources::{Op, Resource};

fn main() {
    let matches = cli::command().get_matches();
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    let verbose = cli.output.verbose;
    init_logging(verbose);
    // glibc's malloc keeps page-sized memory between pages (see `zkbiotime::malloc`).
    zkbiotime::malloc::tune_from_env();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("zkbio: error: cannot start the async runtime: {e}");
            std::process::exit(exit::FAILURE);
        }
    };
    let result = runtime.block_on(run(cli, leaf(&matches)));
    // Don't wait for background work (a sandbox's tasks, a half-read stream).
    runtime.shutdown_background();
    let code = match result {
        Ok(()) => exit::OK,
        Err(e) if exit::is_broken_pipe(&e) => exit::OK,
        Err(e) => {
            if verbose {
                eprintln!("zkbio: error: {}", exit::chain(&e));
            } else {
                eprintln!("zkbio: error: {}", exit::one_line(&e));
            }
            exit::code(&e)
        }
    };
    std::process::exit(code);
}

/// The matches of the innermost subcommand, where the spec-derived flags live.
fn leaf(matches: &ArgMatches) -> ArgMatches {
    let mut m = matches;
    while let Some((_, sub)) = m.subcommand() {
        m = sub;
    }
    m.clone()
}

fn init_logging(verbose: bool) {
    let filter = if verbose { "zkbiotime=debug,zkbiotime_cli=debug" } else { "off" };
    let filter = tracing_subscriber::EnvFilter::try_from_env("ZKBIO_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(filter));
    tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).init();
}

async fn run(cli: Cli, leaf: ArgMatches) -> Result<()> {
    let output = Output::new(&cli.output);
    let (resource, op) = match cli.command {
        Command::Completions { shell } => {
            let mut cmd = cli::command();
            clap_complete::generate(shell, &mut cmd, "zkbio", &mut std::io::stdout());
            return Ok(());
        }
        #[cfg(feature = "sandbox")]
        Command::Sandbox(args) => return sandbox::run(*args, &cli.conn).await,
        Command::Info => return raw::info(&connect::client(&cli.conn)?).await,
        Command::Request(args) => return raw::request(&connect::client(&cli.conn)?, &args).await,
        Command::Report(args) => return raw::report(&connect::client(&cli.conn)?, &args).await,
        Command::Resource(command) => command.into_op(),
        Command::Transactions { action } => match action {
            TransactionAction::List(a) => (Resource::Transactions, Op::List(a)),
            TransactionAction::Get(a) => (Resource::Transactions, Op::Get(a.id)),
            TransactionAction::Delete(a) => (Resource::Transactions, Op::Delete(a.id)),
            TransactionAction::Export(args) => {
                let client = connect::client(&cli.conn)?;
                return export::run(&client, &args, &leaf, cli.output.format).await;
            }
            TransactionAction::Download(args) => {
                let client = connect::client(&cli.conn)?;
                return download::run(&client, &args, &leaf, cli.output.format).await;
            }
            TransactionAction::Sync(args) => {
                let client = connect::client(&cli.conn)?;
                return sync::run(&client, &args).await;
            }
        },
    };
    let client = connect::client(&cli.conn)?;
    resources::run(&client, resource, op, &leaf, &output).await
}
