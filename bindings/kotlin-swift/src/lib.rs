//! Kotlin and Swift bindings of zkbiotime, made with uniffi.
//!
//! A thin adapter: records and filters are converted (the converting code is generated from
//! the spec into `records.rs` by `cargo xtask codegen`), errors are mapped to one
//! `ZkbioError`, panics are caught; auth, retries, paging and sync live in the core crate.
//! Every network call is async on the tokio runtime (Kotlin `suspend fun`, Swift
//! `async throws`). See `bindings/kotlin-swift/README.md`.

// `ZkbioError` is a plain value by design: uniffi lowers its fields to Kotlin/Swift as is,
// and errors are the cold path.
#![allow(clippy::result_large_err)]

uniffi::setup_scaffolding!("zkbiotime");

mod client;
mod convert;
mod direction;
mod error;
mod labels;
mod report;
mod resources;
mod secret;

/// Generated from the spec by `cargo xtask codegen`; never edited by hand.
#[rustfmt::skip]
#[allow(clippy::all, clippy::pedantic)]
#[path = "generated/records.rs"]
pub mod records;

/// The resources of the spec (`cargo xtask codegen`); never edited by hand.
#[rustfmt::skip]
#[allow(clippy::all, clippy::pedantic, unused_imports)]
#[path = "generated/resources.rs"]
pub mod generated_resources;

/// `ClientConfig`, from the core's settings (`cargo xtask codegen`); never edited by hand.
#[rustfmt::skip]
#[allow(clippy::all, clippy::pedantic)]
#[path = "generated/config.rs"]
mod config;

pub use client::Client;
pub use config::ClientConfig;
pub use direction::directions;
pub use error::ZkbioError;
pub use generated_resources::*;
pub use labels::labels;
pub use resources::*;
pub use secret::Secret;
