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

/// The id of every punch the client lists, in the order it yields them (the whole list read
/// through the core's pager: paging, retries and loop guards included).
pub async fn punch_ids(client: &Client) -> Vec<i64> {
    use futures::TryStreamExt;
    client.transactions().list(Default::default()).map_ok(|p| p.id).try_collect().await.unwrap()
}
