//! JWT renewal, time zones, and secrets staying out of logs and Debug output.

use crate::common;

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::TimeZone;
use futures::{StreamExt, TryStreamExt};
use zkbiotime::{Client, ServerTime, TransactionFilter};
use zkbiotime_sandbox::SandboxBuilder;

#[tokio::test]
async fn jwt_is_renewed_when_it_expires_mid_pull() {
    let sandbox = SandboxBuilder::new()
        .employees(20)
        .days(2)
        .jwt_lifetime(Duration::from_secs(2))
        .spawn()
        .await
        .unwrap();
    let client = Client::builder(sandbox.url())
        .jwt(sandbox.username(), sandbox.password())
        .page_size(5)
        .concurrency(1)
        .build()
        .unwrap();
    // A slow consumer: the pull outlives several tokens.
    let mut pages = std::pin::pin!(client.transactions().pages(Default::default()));
    let mut seen = 0;
    let started = std::time::Instant::now();
    while let Some(page) = pages.next().await {
        seen += page.unwrap().items.len();
        if started.elapsed() < Duration::from_secs(5) {
            tokio::time::sleep(Duration::from_millis(150)).await;
        }
    }
    assert_eq!(seen, sandbox.transaction_count());
    assert!(started.elapsed() > Duration::from_secs(3), "the pull spanned token expiries");
}

#[tokio::test]
async fn times_are_zone_aware_only_when_the_zone_is_known() {
    let sandbox = common::demo_sandbox().await;
    let naive = common::client(&sandbox);
    let zoned = common::client_with(&sandbox, |b| b.server_timezone("Asia/Karachi"));
    let punch = naive.transactions().get(1).await.unwrap();

    let ServerTime::Naive(n) = naive.server_time(&punch.punch_time).unwrap() else {
        panic!("no zone: naive")
    };
    assert_eq!(n.format("%Y-%m-%d %H:%M:%S").to_string(), punch.punch_time);
    let ServerTime::Zoned(z) = zoned.server_time(&punch.punch_time).unwrap() else {
        panic!("zone given: aware")
    };
    assert_eq!(z.naive_local(), n);
    assert_eq!(z.offset().to_string(), "PKT");

    // A zone-aware filter value becomes server-local text: 04:50 UTC is 09:50 in Karachi.
    let utc = chrono::Utc.from_utc_datetime(&(n - chrono::Duration::hours(5)));
    let text = zoned.to_server_text(&utc).unwrap();
    assert_eq!(text, punch.punch_time);
    let filter = TransactionFilter {
        start_time: Some(text.clone()),
        end_time: Some(text),
        ..Default::default()
    };
    let hits: Vec<_> = zoned.transactions().list(filter).try_collect().await.unwrap();
    assert!(hits.iter().any(|p| p.id == punch.id));
    assert!(naive.to_server_text(&utc).is_err(), "no zone: refuse to guess");
}

/// Collects everything `tracing` prints, at the most verbose level.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn secrets_never_reach_logs_debug_or_errors() {
    const TOKEN: &str = "5ec2e75ec2e75ec2e75ec2e75ec2e75ec2e75ec2";
    let sandbox = SandboxBuilder::new().static_token(TOKEN).spawn().await.unwrap();
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let by_password = common::client(&sandbox);
    let created = by_password
        .employees()
        .create(
            serde_json::from_value(
                serde_json::json!({"emp_code": "S-1", "department": 1, "area": [2]}),
            )
            .unwrap(),
        )
        .await
        .unwrap();
    let by_token = Client::builder(sandbox.url()).token(TOKEN).build().unwrap();
    by_token.employees().get(1).await.unwrap();
    sandbox.revoke_tokens();
    by_password.employees().get(1).await.unwrap();
    let wrong =
        Client::builder(sandbox.url()).password("admin", "not-the-password").build().unwrap();
    let err = wrong.employees().get(1).await.unwrap_err();

    let hash = created.self_password.as_ref().unwrap().expose().to_string();
    let texts = [
        String::from_utf8_lossy(&captured.0.lock().unwrap()).to_string(),
        format!("{by_password:?} {by_token:?} {wrong:?}"),
        format!("{created:?}"),
        format!("{err} {err:?}"),
    ];
    assert!(texts[0].contains("zkbiotime"), "logging was captured: {}", texts[0]);
    for text in &texts {
        for secret in [TOKEN, sandbox.password(), "not-the-password", hash.as_str()] {
            assert!(!text.contains(secret), "secret {secret:?} leaked into: {text}");
        }
    }
}
