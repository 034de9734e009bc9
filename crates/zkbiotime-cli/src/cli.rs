//! The command line: clap's derive for the fixed parts, plus flags derived at start-up from
//! the spec (filters and body fields from the generated model table) so a spec change
//! reaches the CLI without a hand edit.

use std::path::PathBuf;

use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};

use crate::exit;
use crate::fields::{add_field_args, add_filter_args, model};
use crate::resources::Resource;

const EXAMPLES: &str = "\
Examples:
  export ZKBIO_URL=http://10.0.0.5:8081 ZKBIO_USERNAME=admin   # password is prompted
  zkbio employees list --department 1
  zkbio employees get 1 --format json
  zkbio employees create --emp-code 1001 --first-name Ada --department 1 --area 1 \\
        --set 'Primary Job=Welder'
  zkbio employees update 5 --data @changes.json
  zkbio departments upsert --dept-code HR --dept-name 'Human Resources'
  zkbio resigns reinstate --resigns 3,4        # BioTime 8.5 and 9.5 only
  zkbio employees adjust-department --employees 3,4 --department 2
  zkbio terminals reboot --terminals 1 --yes   # destructive actions ask first without --yes
  zkbio transactions list --emp-code 1 --start-time '2024-06-01 00:00:00' --format csv
  zkbio transactions export --start-time '2024-06-01 00:00:00' --end-time '2024-06-07 23:59:59' \\
        --out punches.csv
  zkbio transactions sync --state state.json --out new-punches.jsonl
  zkbio info                                 # version, shapes, resign API of the server
  zkbio request GET /att/api/transactionReport/ -p start_date=2024-06-01 -p end_date=2024-06-07
  zkbio --auth basic employees list          # HTTP Basic: passes BioTime 8's licence gate
  zkbio sandbox --employees 200 --days 7     # a local fake server to try things on
  zkbio completions bash > /etc/bash_completion.d/zkbio";

/// The ZKBio Time (BioTime 9.0) command line: read and change employees, departments,
/// areas, positions and resignations (8.5 and 9.5), manage terminals, export and sync punches.
///
/// Connection settings come from flags or the environment (ZKBIO_URL, ZKBIO_USERNAME,
/// ZKBIO_PASSWORD, ZKBIO_TOKEN). Without a password on a terminal, zkbio asks for it;
/// prefer the prompt or the environment to --password, which other users can see in `ps`.
#[derive(Parser, Debug)]
#[command(name = "zkbio", version, after_long_help = format!("{EXAMPLES}\n\n{}", exit::HELP))]
pub struct Cli {
    #[command(flatten)]
    pub conn: ConnectionArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Args, Debug, Clone)]
#[command(next_help_heading = "Connection")]
pub struct ConnectionArgs {
    /// Server base URL, e.g. http://10.0.0.5:8081
    #[arg(long, env = "ZKBIO_URL", global = true)]
    pub url: Option<String>,
    /// User to log in as (a token is obtained on first use)
    #[arg(long, env = "ZKBIO_USERNAME", global = true)]
    pub username: Option<String>,
    /// Password (prompted on a terminal when missing)
    #[arg(long, env = "ZKBIO_PASSWORD", global = true, hide_env_values = true)]
    pub password: Option<String>,
    /// A token issued by the server instead of username/password
    #[arg(long, env = "ZKBIO_TOKEN", global = true, hide_env_values = true)]
    pub token: Option<String>,
    /// Log in with JWT (/jwt-api-token-auth/) instead of a DRF token (= --auth jwt)
    #[arg(long, global = true)]
    pub jwt: bool,
    /// How the username and password are used: token (default), jwt, staff_token,
    /// staff_jwt, or basic (HTTP Basic on every request: passes BioTime 8's licence gate)
    #[arg(long, env = "ZKBIO_AUTH", global = true, value_name = "SCHEME")]
    pub auth: Option<String>,
    /// Accept-Language sent to the server: display texts follow it
    #[arg(long, env = "ZKBIO_ACCEPT_LANGUAGE", global = true, default_value = "en")]
    pub accept_language: String,
    /// The server's IANA time zone (e.g. Asia/Karachi): filter times may then be RFC 3339
    #[arg(long, env = "ZKBIO_TIMEZONE", global = true)]
    pub timezone: Option<String>,
    /// PEM file with the CA certificate(s) of a self-signed server
    #[arg(long, env = "ZKBIO_CA_BUNDLE", global = true, value_name = "PEM")]
    pub ca_bundle: Option<PathBuf>,
    /// Do not verify TLS certificates (anyone on the path can read the password)
    #[arg(long, global = true)]
    pub insecure_skip_tls_verify: bool,
    /// Read answers exactly as the spec types them: a value in another form ("15" for a
    /// number, "-" for none) fails instead of being read (see ADR 0003)
    #[arg(long, env = "ZKBIO_STRICT", global = true)]
    pub strict: bool,
    /// Seconds allowed for one request
    #[arg(long, global = true, default_value_t = 120.0, value_name = "SECONDS")]
    pub timeout: f64,
    /// Retries of a failed idempotent request (with backoff)
    #[arg(long, global = true, default_value_t = 4)]
    pub retries: u32,
    /// Records per page requested from the server
    #[arg(long, global = true, default_value_t = 1000, hide_short_help = true)]
    pub page_size: u32,
    /// Page requests in flight at once when reading long lists
    #[arg(long, global = true, default_value_t = 4, hide_short_help = true)]
    pub concurrency: usize,
}

#[derive(Args, Debug, Clone)]
#[command(next_help_heading = "Output")]
pub struct OutputArgs {
    /// Output format [default: table on a terminal, otherwise jsonl for lists and json
    /// for single records]
    #[arg(long, short = 'f', global = true, value_enum)]
    pub format: Option<Format>,
    /// Table columns (comma-separated field names; nested fields as department.dept_name)
    #[arg(long, global = true, value_delimiter = ',')]
    pub columns: Option<Vec<String>>,
    /// Print the whole error chain and debug logs on stderr
    #[arg(long, short = 'v', global = true)]
    pub verbose: bool,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Table,
    Json,
    Jsonl,
    Csv,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    #[command(flatten)]
    Resource(crate::generated_resources::ResourceCommand),
    /// Punches (transactions): list, export or download to a file, sync new ones
    /// incrementally
    Transactions {
        #[command(subcommand)]
        action: TransactionAction,
    },
    /// What the server tells about itself: docs title, version, shapes, resign API
    Info,
    /// Send any API request (for endpoints zkbio does not model) and print the JSON answer
    Request(RequestArgs),
    /// Read any attendance report by name (/att/api/NAME/), every page, one JSON row per
    /// line
    Report(ReportArgs),
    /// Run a local sandbox server that behaves like ZKBio Time (for trying zkbio out)
    #[cfg(feature = "sandbox")]
    Sandbox(Box<crate::sandbox::SandboxArgs>),
    /// Print a shell completion script
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

#[derive(Args, Debug)]
pub struct RequestArgs {
    /// GET, POST, PUT, PATCH or DELETE
    pub method: String,
    /// The API path, e.g. /att/api/transactionReport/
    pub path: String,
    /// A query parameter (repeatable): --param start_date=2024-06-01
    #[arg(long = "param", short = 'p', value_name = "KEY=VALUE")]
    pub params: Vec<String>,
    /// A JSON body: inline, @FILE, or - for stdin
    #[arg(long, value_name = "JSON")]
    pub data: Option<String>,
}

#[derive(Args, Debug)]
pub struct ReportArgs {
    /// The report's name, e.g. dailyAttendanceReport (firstLastReport, transactionReport and
    /// totalTimeCardReportV2 also have typed commands)
    pub name: String,
    /// A report parameter (repeatable): -p start_date=2024-06-01 -p departments=-1
    #[arg(long = "param", short = 'p', value_name = "KEY=VALUE")]
    pub params: Vec<String>,
    /// Stop after N rows
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
}

#[derive(Subcommand, Debug)]
pub enum WriteAction {
    /// List records (every page); filters as flags
    List(ListArgs),
    /// Show one record by id
    Get(IdArgs),
    /// Create a record from field flags and/or --data
    Create(BodyArgs),
    /// Change the given fields of a record
    Update(UpdateArgs),
    /// Delete a record by id
    Delete(IdArgs),
}

#[derive(Subcommand, Debug)]
pub enum UpsertAction {
    #[command(flatten)]
    Write(WriteAction),
    /// Create, or update the record with the same code (emp_code, dept_code, ...); safe to
    /// repeat
    Upsert(BodyArgs),
}

#[derive(Subcommand, Debug)]
pub enum ReadAction {
    /// List records (every page); filters as flags
    List(ListArgs),
    /// Show one record by id
    Get(IdArgs),
}

/// The subcommands of a list-only resource (a report: no detail path, no `get`).
#[derive(Subcommand, Debug)]
pub enum ListAction {
    /// List rows (every page); filters as flags
    List(ListArgs),
}

#[derive(Subcommand, Debug)]
pub enum DeleteAction {
    /// List records (every page); filters as flags
    List(ListArgs),
    /// Show one record by id
    Get(IdArgs),
    /// Delete a record by id
    Delete(IdArgs),
}

#[derive(Subcommand, Debug)]
pub enum TransactionAction {
    /// List punches (every page); filters as flags
    List(ListArgs),
    /// Show one punch by id
    Get(IdArgs),
    /// Delete one punch by id
    Delete(IdArgs),
    /// Export punches to a file, with progress, paging concurrently
    Export(crate::export::ExportArgs),
    /// Download the server's own export of punches (csv, txt or xls) to a file
    Download(crate::download::DownloadArgs),
    /// Append punches not seen before to a JSON Lines file; crash-safe and repeatable
    Sync(crate::sync::SyncArgs),
}

#[derive(Args, Debug)]
pub struct ListArgs {
    /// Stop after this many records
    #[arg(long)]
    pub limit: Option<usize>,
}

#[derive(Args, Debug)]
pub struct IdArgs {
    /// The record's id
    pub id: i64,
}

#[derive(Args, Debug)]
pub struct BodyArgs {
    /// The body as JSON: inline, @FILE, or - for stdin; field flags override it
    #[arg(long, value_name = "JSON|@FILE|-")]
    pub data: Option<String>,
    /// Set any field, custom attributes included: --set 'Primary Job=Welder'
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
}

/// The arguments of a destructive action (`x-destructive` in the spec): its body, and
/// `--yes` to skip the question.
#[derive(Args, Debug)]
pub struct DestructiveArgs {
    #[command(flatten)]
    pub body: BodyArgs,
    /// Do it without asking (required when stdin is not a terminal)
    #[arg(long, short = 'y')]
    pub yes: bool,
}

#[derive(Args, Debug)]
pub struct UpdateArgs {
    /// The record's id
    pub id: i64,
    #[command(flatten)]
    pub body: BodyArgs,
}

/// The full command: the derived parts plus the flags derived from the spec.
pub fn command() -> clap::Command {
    let mut cmd = Cli::command();
    for &resource in Resource::ALL {
        let filters = model(resource.filter_model());
        cmd = cmd.mut_subcommand(resource.command(), |c| {
            let mut c = c.mut_subcommand("list", |l| add_filter_args(l, filters));
            if resource.has_sync() {
                c = c.mut_subcommand("export", |e| add_filter_args(e, filters));
                c = c.mut_subcommand("download", |e| add_filter_args(e, filters));
            }
            if let Some((create, update)) = resource.body_models() {
                c = c
                    .mut_subcommand("create", |s| add_field_args(s, model(create)))
                    .mut_subcommand("update", |s| add_field_args(s, model(update)));
            }
            if let (Some((create, _)), true) = (resource.body_models(), resource.has_upsert()) {
                c = c.mut_subcommand("upsert", |s| add_field_args(s, model(create)));
            }
            for &(action, body, _) in resource.actions() {
                c = c.mut_subcommand(action, |s| add_field_args(s, model(body)));
            }
            c
        });
    }
    cmd
}

#[cfg(test)]
mod tests {
    #[test]
    fn command_is_consistent() {
        // Catches clashing flags between the spec's fields and the fixed options.
        super::command().debug_assert();
    }
}
