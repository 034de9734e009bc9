//! # zkbiotime
//!
//! A client for the ZKBio Time 9.0 (BioTime) time-attendance server API: employees,
//! departments, areas, positions, terminals and punches (transactions).
//!
//! - Auth: username + password (token on first use), a static token, or JWT.
//! - Lists are async [`Stream`](futures::Stream)s over every record of every page, fetched
//!   with bounded concurrency; single pages (with their `count`) are one call away.
//! - Failed idempotent requests are retried with backoff; errors are one [`Error`] type
//!   with an [`ErrorKind`], the HTTP status, the server's detail and per-field messages.
//!
//! The HTTP layer ([`api`]) is generated from `openapi/zkbiotime.yaml` by progenitor.
//!
//! ```no_run
//! use futures::TryStreamExt;
//! use zkbiotime::{Client, EmployeeFilter};
//!
//! # async fn demo() -> zkbiotime::Result<()> {
//! let client = Client::builder("http://127.0.0.1:8097").password("admin", "admin123").build()?;
//! let filter = EmployeeFilter { department: Some(1), ..Default::default() };
//! let staff: Vec<_> = client.employees().list(filter).try_collect().await?;
//! for e in &staff {
//!     println!("{} {}", e.emp_code, e.first_name.as_deref().unwrap_or(""));
//! }
//! # Ok(()) }
//! ```

mod auth;
mod client;
mod config;
pub mod direction;
mod error;
mod export;
mod fold;
pub mod input;
#[cfg(feature = "env-logging")]
pub mod logging;
#[doc(hidden)]
pub mod loose;
pub mod malloc;
mod paging;
mod raw;
mod report;
mod resources;
mod retry;
mod secret;
pub mod sync;
mod timezone;
mod transport;

/// Code generated from the spec by `cargo xtask codegen`; never edited by hand.
#[rustfmt::skip]
#[allow(clippy::all, clippy::pedantic, unused_imports, dead_code, missing_docs)]
pub(crate) mod generated {
    pub mod api;
    pub mod bodies;
    pub mod labels;
    pub mod lists;
    pub mod resources;
}

/// The generated HTTP layer: request builders and the spec's types.
pub use generated::api;
pub use generated::api::types;
pub use generated::lists::*;

/// What the code `code` of `record.field` means (`label("Transaction", "punch_state", "0")`
/// is "Check In"), from the spec; `None` for a field without labels or an unknown code
/// (the record keeps the code either way).
pub fn label(record: &str, field: &str, code: &str) -> Option<&'static str> {
    labels(record, field)?.iter().find(|(c, _)| *c == code.trim()).map(|(_, l)| *l)
}

/// Every code of `record.field` with its label (see [`label`]).
pub fn labels(record: &str, field: &str) -> Option<&'static [(&'static str, &'static str)]> {
    generated::labels::LABELS.iter().find(|(r, f, _)| *r == record && *f == field).map(|e| e.2)
}

pub use auth::{AuthScheme, Credentials};
pub use client::{Client, ClientBuilder};

/// This crate's version (every package of the project has the same one).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
pub use config::Config;
pub use direction::{Direction, DirectionRule, directions};
pub use error::{Error, ErrorKind, Result};
pub use export::ExportFormat;
pub use generated::resources::*;
pub use paging::{ItemOf, ListFilter, ListPage, Page, PageAnswer};
pub use raw::ServerInfo;
pub use report::{ReportPage, ReportQuery, ReportRow};
pub use resources::Upserted;
pub use retry::RetryPolicy;
pub use secret::Secret;
pub use sync::{SyncBatch, SyncState};
pub use timezone::{SERVER_FORMAT, ServerTime, ServerZone, parse_naive};

/// The text fields of records (codes, names, server times as sent): a string that keeps
/// up to 24 bytes inline, so reading a punch allocates nothing for them (malloc and free
/// were ~30 % of decoding a page). Derefs to `&str`; `String::from` and `.into()` convert.
pub type Text = compact_str::CompactString;

/// The README's Rust quick start, compiled as a doctest so it cannot rot.
#[doc = include_str!("../../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
