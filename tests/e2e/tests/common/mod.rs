//! Shared setup: a sandbox on a random port and a client for it.
#![allow(dead_code)]

use zkbiotime::Client;
use zkbiotime_sandbox::{Sandbox, SandboxBuilder};

/// A sandbox with the manual's demo data only.
pub async fn demo_sandbox() -> Sandbox {
    SandboxBuilder::new().spawn().await.expect("sandbox starts")
}

/// A client logging in with the sandbox's username and password.
pub fn client(sandbox: &Sandbox) -> Client {
    client_with(sandbox, |b| b)
}

pub fn client_with(
    sandbox: &Sandbox,
    configure: impl FnOnce(zkbiotime::ClientBuilder) -> zkbiotime::ClientBuilder,
) -> Client {
    let builder = Client::builder(sandbox.url()).password(sandbox.username(), sandbox.password());
    configure(builder).build().expect("client builds")
}
