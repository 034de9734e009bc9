//! The server-side export (`GET /iclock/api/transactions/export/`) streamed to a file:
//! one row per punch the same filter lists, in every format; a failure leaves no file.

use crate::common;

use std::path::Path;
use std::time::Duration;

use futures::TryStreamExt;
use zkbiotime::{ErrorKind, ExportFormat, RetryPolicy, TransactionFilter};
use zkbiotime_sandbox::SandboxBuilder;

fn rows(path: &Path, separator: char) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.ends_with("\r\n"), "CRLF lines (D80's sample)");
    text.split("\r\n")
        .filter(|l| !l.is_empty())
        .map(|l| l.split(separator).map(str::to_string).collect())
        .collect()
}

async fn listed_ids(client: &zkbiotime::Client, filter: TransactionFilter) -> Vec<String> {
    let punches: Vec<_> = client.transactions().list(filter).try_collect().await.unwrap();
    punches.iter().map(|p| p.id.to_string()).collect()
}

#[tokio::test]
async fn csv_and_txt_hold_one_row_per_listed_punch_and_filters_narrow_them() {
    let sandbox = SandboxBuilder::new().employees(30).days(2).spawn().await.unwrap();
    let client = common::client_with(&sandbox, |b| b.page_size(100));
    let dir = tempdir();
    let transactions = client.transactions();

    let csv = dir.join("all.csv");
    let bytes =
        transactions.export_file(Default::default(), ExportFormat::Csv, &csv).await.unwrap();
    assert_eq!(bytes, std::fs::metadata(&csv).unwrap().len());
    let table = rows(&csv, ',');
    assert_eq!(table[0][..2], ["id", "emp_code"], "D80: the header starts id,em…");
    assert_eq!(table[0].last().unwrap(), "upload_time", "D80: upload_time last");
    let ids: Vec<String> = table[1..].iter().map(|r| r[0].clone()).collect();
    assert_eq!(ids, listed_ids(&client, Default::default()).await);
    assert!(ids.len() > 100, "more than one list page: {}", ids.len());
    assert!(!dir.join("all.csv.part").exists());

    let filter = TransactionFilter { emp_code: Some("1".into()), ..Default::default() };
    let txt = dir.join("one.txt");
    transactions.export_file(filter.clone(), ExportFormat::Txt, &txt).await.unwrap();
    let table = rows(&txt, '\t');
    assert_eq!(table[0].len(), table[1].len(), "tab-separated, same columns");
    let narrowed: Vec<String> = table[1..].iter().map(|r| r[0].clone()).collect();
    assert_eq!(narrowed, listed_ids(&client, filter).await);
    assert!(!narrowed.is_empty() && narrowed.len() < ids.len());
    assert!(table[1..].iter().all(|r| r[1] == "1"), "every row is employee 1's");

    let window = TransactionFilter {
        start_time: Some("2024-06-24 00:00:00".into()),
        end_time: Some("2024-06-24 12:00:00".into()),
        ..Default::default()
    };
    let part = dir.join("window.csv");
    transactions.export_file(window.clone(), ExportFormat::Csv, &part).await.unwrap();
    let got: Vec<String> = rows(&part, ',')[1..].iter().map(|r| r[0].clone()).collect();
    assert_eq!(got, listed_ids(&client, window).await);

    let xls = dir.join("all.xls");
    transactions.export_file(Default::default(), ExportFormat::Xls, &xls).await.unwrap();
    let html = std::fs::read_to_string(&xls).unwrap();
    assert_eq!(html.matches("<tr>").count(), ids.len() + 1, "header + one row per punch");
}

#[tokio::test]
async fn a_file_larger_than_the_answer_cap_still_downloads() {
    let sandbox = SandboxBuilder::new().employees(40).days(3).spawn().await.unwrap();
    // 1 KiB: no JSON answer fits, but files are not capped.
    let client = common::client_with(&sandbox, |b| b.max_response_bytes(1024));
    let mut sink: Vec<u8> = Vec::new();
    let query = [("export_type".to_string(), "csv".to_string())];
    let n = client.download("/iclock/api/transactions/export/", &query, &mut sink).await.unwrap();
    assert_eq!(n as usize, sink.len());
    assert!(sink.len() > 64 * 1024, "{} bytes", sink.len());
    let lines = sink.split(|b| *b == b'\n').filter(|l| !l.is_empty()).count();
    assert_eq!(lines, sandbox.transaction_ids().len() + 1);
}

#[tokio::test]
async fn a_server_error_leaves_no_file_and_an_old_file_untouched() {
    let sandbox = SandboxBuilder::new().faults_spec("500=1").spawn().await.unwrap();
    let client = common::client_with(&sandbox, |b| {
        b.retry_policy(RetryPolicy {
            max_attempts: 2,
            base_delay: Duration::from_millis(5),
            max_delay: Duration::from_millis(10),
            budget: Duration::from_secs(10),
        })
    });
    let dir = tempdir();
    let fresh = dir.join("fresh.csv");
    let err = client
        .transactions()
        .export_file(Default::default(), ExportFormat::Csv, &fresh)
        .await
        .unwrap_err();
    assert_eq!((err.kind(), err.status()), (ErrorKind::Server, Some(500)), "{err}");
    assert!(!fresh.exists() && !dir.join("fresh.csv.part").exists());

    let old = dir.join("old.csv");
    std::fs::write(&old, "yesterday's export").unwrap();
    client
        .transactions()
        .export_file(Default::default(), ExportFormat::Csv, &old)
        .await
        .unwrap_err();
    assert_eq!(std::fs::read_to_string(&old).unwrap(), "yesterday's export");
    assert!(!dir.join("old.csv.part").exists());
}

#[tokio::test]
async fn error_answers_and_web_pages_are_errors_not_files() {
    let sandbox = common::demo_sandbox().await;
    let client = common::client_with(&sandbox, |b| b.retry_policy(RetryPolicy::none()));
    let mut sink = Vec::new();
    // An unknown export_type: the server's 400, with its field message.
    let q = [("export_type".to_string(), "pdf".to_string())];
    let err = client.download("/iclock/api/transactions/export/", &q, &mut sink).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::BadRequest);
    assert!(err.field_errors().contains_key("export_type"), "{err}");
    // A path the server does not have: its HTML "Page not found" (HTTP 200).
    let err = client.download("/iclock/api/nothing/export/", &[], &mut sink).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound, "{err}");
    assert!(err.detail().contains("Page not found"), "{err}");
    // A JSON answer where a file was expected.
    let err = client.download("/iclock/api/terminals/", &[], &mut sink).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::UnexpectedResponse, "{err}");
    assert!(sink.is_empty(), "nothing written");
    // Formats are parsed once, from text.
    assert_eq!(ExportFormat::parse("XLS").unwrap(), ExportFormat::Xls);
    assert_eq!(ExportFormat::parse("pdf").unwrap_err().kind(), ErrorKind::InvalidArgument);
}

/// A fresh directory under the target dir's temp space (removed by the OS eventually).
fn tempdir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "zkbiotime-export-{}-{}",
        std::process::id(),
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
