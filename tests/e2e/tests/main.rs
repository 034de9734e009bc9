//! The integration tests of zkbiotime-e2e (the core client against the sandbox): one test binary, each file a module. One link
//! of the whole stack instead of one per file keeps a cold `cargo xtask test` short.

mod actions;
mod auth_and_time;
mod common;
mod compression;
mod crud;
mod errors;
mod export_file;
mod filters;
mod hostile;
mod loose;
mod reads;
mod reports;
mod resigns;
mod robustness;
mod sync;
mod upsert;
mod versions;
