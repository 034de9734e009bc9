//! The sandbox's command-line flags, shared by the `zkbiotime-sandbox` binary and
//! `zkbio sandbox` so they are declared once.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::Args;

use crate::faults::{FaultSpec, SPEC_HELP};
use crate::link::Compression;
use crate::version::ServerVersion;
use crate::{SandboxConfig, TlsConfig, spawn};

const SERVER_VERSION_HELP: &str = "\
The BioTime version to play: 8.0, 8.5, 9.0 (the manual's shapes, default) or 9.5.
  8.0, 8.5  transactions carry first_name, last_name, department and position names and
            punch_state_display / verify_type_display, without 9.0's sync fields;
            is_mask as \"-\"/\"No\"/\"Yes\"; employees give department / position as ids with
            dept_name / position_name, areas as ids with a comma-joined area_name, flat
            enable_att / enable_overtime / enable_holiday; departments add
            parent_dept_name; terminals send state 1 and is_attendance true/false.
  8.0       deletes answer 200 {\"code\":0,\"msg\":\"\"}.
  8.5       lists put their rows under \"results\"; some verify_type values are text.
  8.5, 9.5  /personnel/api/resigns/ (list, get, create, PUT/PATCH, delete) and
            POST /personnel/api/resigns/reinstatement/ exist (none in the demo data).
  9.5       transactions as 8.x plus longitude/latitude, punch_state \"0\" or 0, temperature
            \"36.5\" or 0.0; an all-digit card_no is a number; parent_dept is nested;
            page size from page_size only (limit ignored); creating a position answers
            without id; updates keep the old emp_code / dept_code.
GET /api/docs/ is titled BIOTIME API DOCS (8.x), ZKBio Time API DOCS (9.0) or
BioTime 9.5 API DOCS (9.5).";

/// Every flag of the sandbox but the login (which `zkbio` takes from its own flags).
#[derive(Args, Debug, Clone)]
pub struct SandboxArgs {
    /// Address to listen on; port 0 picks a free port (the real one is printed).
    #[arg(long, default_value = "127.0.0.1:8097")]
    pub listen: SocketAddr,
    /// SQLite database file (created if missing, served as is if it exists); in memory
    /// when omitted.
    #[arg(long)]
    pub db: Option<PathBuf>,
    /// Generated employees (E000001, ...), each punching 4 times a day.
    #[arg(long, default_value_t = 0)]
    pub employees: usize,
    /// Days of generated punches, ending 2024-06-30.
    #[arg(long, default_value_t = 7)]
    pub days: u32,
    /// Seed for the generator and every other random choice.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// A static "general" token that is always accepted (Authorization: Token <it>).
    #[arg(long)]
    pub static_token: Option<String>,
    /// Start without the demo data.
    #[arg(long)]
    pub empty: bool,
    /// Lifetime of tokens from /jwt-api-token-auth/, in seconds.
    #[arg(long, default_value_t = 300)]
    pub jwt_lifetime: u64,
    /// Share (0..1) of generated punches uploaded hours to days after they were punched
    /// (late uploads get later ids and upload times but old punch times).
    #[arg(long, default_value_t = 0.0)]
    pub late_uploads: f64,
    /// Inject failures into API requests (deterministic with --seed).
    #[arg(long, value_name = "SPEC", long_help = SPEC_HELP)]
    pub faults: Option<FaultSpec>,
    /// Insert this many new punches per second in the background (some of them late).
    #[arg(long, value_name = "RATE", default_value_t = 0.0)]
    pub live: f64,
    /// Serve HTTPS with this PEM certificate chain (needs --tls-key).
    #[arg(long, value_name = "PEM", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// PEM private key for --tls-cert.
    #[arg(long, value_name = "PEM", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// Logins work as usual, every other request gets the scripted answer of this scenario
    /// of the hostile corpus (crates/zkbiotime-sandbox/hostile/corpus.json). `--hostile list` prints the names.
    #[arg(long, value_name = "NAME")]
    pub hostile: Option<String>,
    /// Serve the answer shapes, envelope, paging and endpoints of this BioTime version
    /// (8.0, 8.5, 9.0 or 9.5).
    #[arg(long, value_name = "VERSION", default_value_t = ServerVersion::V9_0,
          long_help = SERVER_VERSION_HELP)]
    pub server_version: ServerVersion,
    /// Answer Token and JWT requests to /personnel/ and /iclock/ with 403 "The license of
    /// API module is invalid or expired..." as a licence without the API module does;
    /// HTTP Basic auth passes the gate.
    #[arg(long)]
    pub licence_gate: bool,
    /// Compress answers for clients that accept it, as a proxy in front of the server
    /// does: gzip (nginx's `gzip on`, the default), deflate, or off (a server reached
    /// directly).
    #[arg(long, value_name = "ENCODING", default_value_t = Compression::Gzip)]
    pub compress: Compression,
    /// Limit the link to the clients to this many Mbit/s (shared by all connections), as
    /// a VPN or branch line does.
    #[arg(long, value_name = "MBPS")]
    pub bandwidth_mbps: Option<f64>,
}

impl SandboxArgs {
    /// The configuration these flags describe, serving `username` / `password`.
    pub fn into_config(self, username: String, password: String) -> anyhow::Result<SandboxConfig> {
        if let Some(name) = &self.hostile
            && name != "list"
        {
            crate::hostile::scenario(name)?;
        }
        Ok(SandboxConfig {
            listen: self.listen,
            username,
            password,
            static_token: self.static_token,
            db_path: self.db,
            empty: self.empty,
            employees: self.employees,
            days: self.days,
            seed: self.seed,
            jwt_lifetime: Duration::from_secs(self.jwt_lifetime),
            late_uploads: self.late_uploads,
            faults: self.faults.unwrap_or_default(),
            live_rate: self.live,
            tls: match (&self.tls_cert, &self.tls_key) {
                (Some(cert), Some(key)) => Some(TlsConfig::from_files(cert, key)?),
                _ => None,
            },
            hostile: self.hostile,
            server_version: self.server_version,
            licence_gate: self.licence_gate,
            compression: self.compress,
            bandwidth_mbps: self.bandwidth_mbps,
            ..SandboxConfig::default()
        })
    }
}

/// Starts the server, prints `listening on URL` as the first line of stdout (scripts wait
/// for it), runs `announce` (e.g. a hint on stderr), then serves until Ctrl-C.
pub async fn serve(
    config: SandboxConfig,
    announce: impl FnOnce(&crate::Sandbox),
) -> anyhow::Result<()> {
    let sandbox = spawn(config).await?;
    {
        let mut out = std::io::stdout().lock();
        writeln!(out, "listening on {}", sandbox.url())?;
        out.flush()?;
    }
    announce(&sandbox);
    tokio::signal::ctrl_c().await?;
    sandbox.shutdown().await;
    Ok(())
}
