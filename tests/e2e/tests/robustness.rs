//! Surviving a hostile server: injected faults, 429 storms, HTTPS with and without the CA.

use crate::common;

use std::collections::BTreeSet;
use std::time::Duration;

use zkbiotime::{Client, ErrorKind, RetryPolicy};
use zkbiotime_sandbox::SandboxBuilder;

fn fast_retries(attempts: u32) -> RetryPolicy {
    RetryPolicy {
        max_attempts: attempts,
        base_delay: Duration::from_millis(5),
        max_delay: Duration::from_millis(50),
        budget: Duration::from_secs(60),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn full_pull_through_faults_returns_exactly_the_database() {
    // 25,000 employees × 1 day × 4 = 100,000 punches (+ the demo's).
    let sandbox = SandboxBuilder::new()
        .employees(25_000)
        .days(1)
        .faults_spec("502=0.04,503=0.03,504=0.02,429=0.02,drop=0.02,html=0.02,revoke-every=40")
        .retry_after(0.01)
        .spawn()
        .await
        .unwrap();
    let truth: BTreeSet<i64> = sandbox.transaction_ids().into_iter().collect();
    assert!(truth.len() >= 100_000, "{}", truth.len());
    let client = common::client_with(&sandbox, |b| {
        b.page_size(500).concurrency(4).retry_policy(fast_retries(8))
    });
    let ids = common::punch_ids(&client).await;
    let stats = sandbox.fault_stats();
    let failing = stats.server_errors + stats.throttled + stats.dropped + stats.html;
    let requests = sandbox.request_count();
    assert!(failing * 10 >= requests, "at least 10% failing answers: {failing} of {requests}");
    assert!(stats.dropped > 0 && stats.revocations > 0 && stats.html > 0, "{stats:?}");
    let unique: BTreeSet<i64> = ids.iter().copied().collect();
    assert_eq!(unique.len(), ids.len(), "nothing twice");
    assert_eq!(unique, truth, "nothing lost");
}

/// `concurrency` bounds the page requests in flight, retries included, although a page is
/// decoded after its request has given its slot to the next one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrency_bounds_the_requests_in_flight() {
    for concurrency in [1usize, 3] {
        let sandbox = SandboxBuilder::new()
            .employees(200)
            .days(2)
            .faults_spec("slow=0.7,slow-ms=10,503=0.2")
            .retry_after(0.0)
            .spawn()
            .await
            .unwrap();
        let client = common::client_with(&sandbox, |b| {
            b.page_size(40).concurrency(concurrency).retry_policy(fast_retries(10))
        });
        let ids = common::punch_ids(&client).await;
        assert_eq!(ids.len(), sandbox.transaction_ids().len(), "every punch");
        assert!(sandbox.fault_stats().server_errors > 0, "some attempts were retried");
        let peak = sandbox.peak_requests_in_flight();
        assert!(
            peak <= concurrency as u64,
            "{peak} requests at once with concurrency {concurrency}"
        );
        if concurrency > 1 {
            assert!(peak > 1, "one request at a time with concurrency {concurrency}");
        }
    }
}

#[tokio::test]
async fn a_429_storm_is_waited_out_honouring_retry_after() {
    let sandbox =
        SandboxBuilder::new().faults_spec("429=0.6").retry_after(0.05).spawn().await.unwrap();
    let client = common::client_with(&sandbox, |b| b.retry_policy(fast_retries(20)));
    for id in [1, 2, 3, 4, 5] {
        client.employees().get(id).await.unwrap();
    }
    assert!(sandbox.fault_stats().throttled > 0);

    // With too few attempts the storm wins, and the error says so.
    let impatient = common::client_with(&sandbox, |b| b.retry_policy(fast_retries(1)));
    let mut last = None;
    for _ in 0..20 {
        if let Err(e) = impatient.terminals().get(1).await {
            last = Some(e);
            break;
        }
    }
    let err = last.expect("a single attempt meets a 429 within 20 tries");
    assert_eq!(err.kind(), ErrorKind::Server);
    assert_eq!(err.status(), Some(429));
    assert!(err.retry_after().is_some());
}

#[tokio::test]
async fn creates_are_not_repeated_after_a_server_error() {
    let sandbox = SandboxBuilder::new().faults_spec("503=1.0").spawn().await.unwrap();
    let client = common::client_with(&sandbox, |b| b.retry_policy(fast_retries(5)));
    let body =
        serde_json::from_value(serde_json::json!({"dept_code": "X", "dept_name": "X"})).unwrap();
    let before = sandbox.request_count();
    let err = client.departments().create(body).await.unwrap_err();
    assert_eq!(err.status(), Some(503));
    // One login and one create: no second create.
    assert!(sandbox.request_count() - before <= 2, "{}", sandbox.request_count() - before);
}

#[tokio::test]
async fn https_needs_the_right_ca_or_the_loud_switch() {
    let sandbox = SandboxBuilder::new().self_signed_tls().unwrap().spawn().await.unwrap();
    assert!(sandbox.url().starts_with("https://"), "{}", sandbox.url());
    let dir = std::env::temp_dir().join(format!("zkbio-ca-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let ca = dir.join("ca.pem");
    std::fs::write(&ca, sandbox.tls_ca_pem().unwrap()).unwrap();

    let with_ca = common::client_with(&sandbox, |b| b.ca_bundle(&ca));
    assert_eq!(with_ca.employees().get(1).await.unwrap().emp_code, "1");

    let without = common::client_with(&sandbox, |b| b.retry_policy(fast_retries(1)));
    let err = without.employees().get(1).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Transport, "{err}");
    assert!(err.detail().to_lowercase().contains("certificate"), "a clear TLS error: {err}");

    let insecure = common::client_with(&sandbox, |b| b.danger_accept_invalid_certs(true));
    assert_eq!(insecure.employees().get(1).await.unwrap().emp_code, "1");

    let bad = dir.join("not-a-ca.pem");
    std::fs::write(&bad, "hello").unwrap();
    let err = Client::builder(sandbox.url()).token("t").ca_bundle(&bad).build().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidArgument);
}
