//! The integration tests of zkbio (zkbiotime-cli): one test binary, each file a module. One link
//! of the whole stack instead of one per file keeps a cold `cargo xtask test` short.

mod actions;
mod cli;
mod common;
mod delete;
mod download;
mod import_helpers;
mod reports;
mod watch;
