//! Answers through a compressing proxy: the client asks for gzip, brotli and deflate,
//! reads what comes, and counts its answer cap in decoded bytes (`hostile.rs` has the bomb).

use crate::common;

use zkbiotime_sandbox::{Compression, SandboxBuilder};

async fn pull_ids(compression: Compression) -> (Vec<i64>, Vec<i64>, u64, u64) {
    let sandbox = SandboxBuilder::new()
        .employees(200)
        .days(3)
        .compression(compression)
        .spawn()
        .await
        .unwrap();
    let client = common::client_with(&sandbox, |b| b.page_size(500));
    let ids = common::punch_ids(&client).await;
    (ids, sandbox.transaction_ids(), sandbox.compressed_answers(), sandbox.body_bytes_sent())
}

#[tokio::test]
async fn gzip_answers_are_read_whole_and_cross_the_link_smaller() {
    let (ids, truth, compressed, gzip_bytes) = pull_ids(Compression::Gzip).await;
    assert_eq!(ids, truth, "every punch, once, in order");
    assert!(compressed > 0, "the client asked for gzip and the proxy sent it");
    let (plain_ids, _, none, plain_bytes) = pull_ids(Compression::Off).await;
    assert_eq!(plain_ids, truth);
    assert_eq!(none, 0);
    assert!(
        gzip_bytes * 4 < plain_bytes,
        "gzip {gzip_bytes} bytes against {plain_bytes} uncompressed"
    );
}

#[tokio::test]
async fn deflate_answers_are_read_too() {
    let (ids, truth, compressed, _) = pull_ids(Compression::Deflate).await;
    assert_eq!(ids, truth);
    assert!(compressed > 0);
}
