//! Large-site generation: a million punches, and paging cost independent of depth.

use crate::common;

use std::time::Instant;

use common::Api;
use zkbiotime_sandbox::SandboxBuilder;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_million_punches() {
    let started = Instant::now();
    let api = Api::with(SandboxBuilder::new().empty(true).employees(10_000).days(25)).await;
    println!("generated 1,000,000 punches in {:.2?}", started.elapsed());
    assert_eq!(api.sb.transaction_count(), 1_000_000);
    assert_eq!(api.sb.employee_count(), 10_000);

    let path = |page: u32, ordering: &str| {
        format!("/iclock/api/transactions/?page_size=1000&page={page}&ordering={ordering}")
    };
    for ordering in ["id", "-punch_time"] {
        // The first request builds the ordered snapshot; later pages are slices of it.
        let t = Instant::now();
        let (s, first) = api.get(&path(1, ordering)).await;
        assert_eq!(s, 200);
        println!("{ordering}: page 1 in {:.2?}", t.elapsed());
        assert_eq!(first["count"], 1_000_000);
        for page in [2, 500, 1000] {
            let t = Instant::now();
            let (s, v) = api.get(&path(page, ordering)).await;
            assert_eq!(s, 200);
            assert_eq!(v["data"].as_array().unwrap().len(), 1000);
            println!("{ordering}: page {page} in {:.2?}", t.elapsed());
        }
    }
}

#[tokio::test]
async fn same_seed_same_site() {
    let a = SandboxBuilder::new().employees(30).days(2).seed(7).spawn().await.unwrap();
    let b = SandboxBuilder::new().employees(30).days(2).seed(7).spawn().await.unwrap();
    let c = SandboxBuilder::new().employees(30).days(2).seed(8).spawn().await.unwrap();
    assert_eq!(a.transactions(), b.transactions());
    assert_ne!(a.transactions(), c.transactions());
    let punches = a.transactions();
    assert_eq!(punches.len(), 169 + 30 * 2 * 4);
    for p in punches.iter().filter(|p| p.emp_code.starts_with('E')) {
        let hm = &p.punch_time[11..16];
        assert!(("07:00".."19:00").contains(&hm), "{hm}");
        assert!(p.punch_state == "0" || p.punch_state == "1");
        assert!(p.upload_time >= p.punch_time);
    }
}

#[tokio::test]
async fn database_file_is_reused() {
    let dir = std::env::temp_dir().join(format!("zkbt-sandbox-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("site.sqlite3");
    let _ = std::fs::remove_file(&db);
    let first = SandboxBuilder::new().db_path(&db).employees(5).days(1).spawn().await.unwrap();
    let ids = first.transaction_ids();
    first.insert_punches(3, false);
    first.shutdown().await;
    // Reopening serves the file as it is: no second seeding or generation.
    let second = SandboxBuilder::new().db_path(&db).employees(5).days(1).spawn().await.unwrap();
    assert_eq!(second.transaction_count(), ids.len() + 3);
    drop(second);
    let _ = std::fs::remove_dir_all(&dir);
}
