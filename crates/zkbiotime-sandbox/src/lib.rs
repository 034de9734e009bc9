//! A local HTTP server that behaves like a ZKBio Time 9.0 server (the time-attendance API
//! of ZKTeco's BioTime): same paths, shapes, paging, errors and quirks, backed by SQLite.
//! Every test and the demo run against it. [`SandboxBuilder::server_version`] plays 8.0,
//! 8.5 or 9.5 instead (their shapes, envelope, paging and endpoints: [`version`]).
//!
//! ```no_run
//! # async fn demo() -> anyhow::Result<()> {
//! let sandbox = zkbiotime_sandbox::SandboxBuilder::new().employees(100).days(5).spawn().await?;
//! println!("{}", sandbox.url()); // http://127.0.0.1:PORT
//! # Ok(()) }
//! ```

pub mod api;
pub mod auth;
pub mod cli;
pub mod clock;
pub mod config;
pub mod db;
pub mod errors;
pub mod faults;
pub mod generate;
pub mod hostile;
pub mod html;
pub mod index;
pub mod json;
pub mod jwt;
pub mod link;
pub mod live;
pub mod paging;
pub mod password;
pub mod rng;
pub mod router;
pub mod seed;
pub mod server;
pub mod state;
pub mod tls;
pub mod validate;
pub mod version;

pub use config::{DEFAULT_CUSTOM_ATTRIBUTES, SandboxBuilder, SandboxConfig};
pub use faults::{FaultSpec, FaultStats};
pub use link::Compression;
pub use server::{PunchRecord, Sandbox, spawn};
pub use tls::{TestCerts, TlsConfig, self_signed};
pub use version::ServerVersion;
