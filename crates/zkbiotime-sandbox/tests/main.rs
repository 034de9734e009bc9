//! The integration tests of zkbiotime-sandbox: one test binary, each file a module. One link
//! of the whole stack instead of one per file keeps a cold `cargo xtask test` short.

#![recursion_limit = "256"]

mod auth;
mod binary;
mod common;
mod errors;
mod faults;
mod generator;
mod hostile;
mod paging;
mod resigns;
mod shapes;
mod versions;
mod writes;
