//! Page-number paging, links, orderings and filters.

use crate::common;

use std::collections::HashSet;

use common::Api;
use reqwest::Method;
use serde_json::{Value, json};
use zkbiotime_sandbox::SandboxBuilder;

fn ids(rows: &[Value]) -> Vec<i64> {
    rows.iter().map(|r| r["id"].as_i64().unwrap()).collect()
}

#[tokio::test]
async fn default_page_and_links() {
    let api = Api::new().await;
    let base = api.sb.url();
    let (s, v) = api.get("/iclock/api/transactions/").await;
    assert_eq!(s, 200);
    assert_eq!(v["count"].as_u64().unwrap() as usize, api.sb.transaction_count());
    assert_eq!(v["data"].as_array().unwrap().len(), 10);
    assert_eq!(v["previous"], Value::Null);
    assert_eq!(v["next"], format!("{base}/iclock/api/transactions/?page=2"));
    assert_eq!((&v["msg"], &v["code"]), (&json!(""), &json!(0)));

    // Other parameters survive, sorted by name as Django's urlencode(sorted(...)) writes them.
    let (_, v) = api.get("/iclock/api/transactions/?page=3&limit=5&emp_code=2").await;
    assert_eq!(v["next"], format!("{base}/iclock/api/transactions/?emp_code=2&limit=5&page=4"));
    assert_eq!(v["previous"], format!("{base}/iclock/api/transactions/?emp_code=2&limit=5&page=2"));
    let (_, v) = api.get("/iclock/api/transactions/?page=2&limit=5").await;
    assert_eq!(v["previous"], format!("{base}/iclock/api/transactions/?limit=5"));
}

#[tokio::test]
async fn links_use_the_host_header() {
    let api = Api::new().await;
    let resp = api
        .http
        .get(format!("{}/personnel/api/employees/?page_size=2", api.sb.url()))
        .header("Authorization", api.auth())
        .header("Host", "10.0.0.5:8081")
        .send()
        .await
        .unwrap();
    let v: Value = resp.json().await.unwrap();
    assert_eq!(v["next"], "http://10.0.0.5:8081/personnel/api/employees/?page=2&page_size=2");
}

#[tokio::test]
async fn invalid_pages_are_404() {
    let api = Api::new().await;
    for q in ["page=999", "page=0", "page=abc", "page=-1", "page=1.5"] {
        let (s, v) = api.get(&format!("/iclock/api/transactions/?{q}")).await;
        assert_eq!((s, v), (404, json!({"detail": "Invalid page."})), "{q}");
    }
    // Page 1 of an empty result is an empty page, not an error.
    let (s, v) = api.get("/iclock/api/transactions/?emp_code=nobody").await;
    assert_eq!(s, 200);
    assert_eq!(
        v,
        json!({"count": 0, "next": null, "previous": null, "msg": "", "code": 0, "data": []})
    );
    let (s, _) = api.get("/iclock/api/transactions/?emp_code=nobody&page=2").await;
    assert_eq!(s, 404);
    // "last" is DRF's alias for the last page.
    let (s, v) = api.get("/iclock/api/transactions/?page=last").await;
    assert_eq!(s, 200);
    assert_eq!(v["next"], Value::Null);
}

#[tokio::test]
async fn page_size_limit_and_clamp() {
    let api = Api::with(SandboxBuilder::new().employees(100).days(30)).await;
    let total = api.sb.transaction_count();
    assert!(total > 12_000);
    let (_, v) = api.get("/iclock/api/transactions/?limit=7").await;
    assert_eq!(v["data"].as_array().unwrap().len(), 7);
    let (_, v) = api.get("/iclock/api/transactions/?limit=7&page_size=3").await;
    assert_eq!(v["data"].as_array().unwrap().len(), 3);
    let (_, v) = api.get("/iclock/api/transactions/?page_size=0&limit=4").await;
    assert_eq!(v["data"].as_array().unwrap().len(), 4);
    let (_, v) = api.get("/iclock/api/transactions/?page_size=50000").await;
    assert_eq!(v["data"].as_array().unwrap().len(), 10_000);
    assert!(v["next"].as_str().unwrap().contains("page=2"));
}

#[tokio::test]
async fn following_next_reads_every_row_once() {
    let api = Api::with(SandboxBuilder::new().employees(20).days(5)).await;
    let (rows, pages) = api.all_pages("/iclock/api/transactions/?page_size=97").await;
    let truth = api.sb.transaction_ids();
    assert_eq!(ids(&rows), truth);
    assert_eq!(pages, truth.len().div_ceil(97));
}

/// The organisation lists' `ordering`: id, code or name, `-` for descending (D80 docs); a
/// new row is placed by its text (the ranked snapshot is rebuilt); unknown values ignored.
#[tokio::test]
async fn organisation_orderings() {
    let api = Api::new().await;
    let names = |rows: &[Value]| -> Vec<String> {
        rows.iter().map(|r| r["dept_name"].as_str().unwrap().to_string()).collect()
    };
    let read = |o: &'static str| {
        let api = &api;
        async move {
            api.all_pages(&format!("/personnel/api/departments/?page_size=2&ordering={o}")).await.0
        }
    };
    let by_name = names(&read("dept_name").await);
    let mut sorted = by_name.clone();
    sorted.sort();
    assert_eq!(by_name, sorted);
    assert!(by_name.len() > 2, "several pages: {by_name:?}");
    let (s, _) = api
        .call(
            Method::POST,
            "/personnel/api/departments/",
            Some(json!({"dept_code": "Z", "dept_name": "Aardvarks"})),
        )
        .await;
    assert_eq!(s, 201);
    let after = names(&read("dept_name").await);
    assert_eq!(after.first().map(String::as_str), Some("Aardvarks"), "{after:?}");
    let mut desc = names(&read("-dept_name").await);
    desc.reverse();
    assert_eq!(desc, after);
    let codes: Vec<String> = read("-dept_code")
        .await
        .iter()
        .map(|r| r["dept_code"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(codes.first().map(String::as_str), Some("Z"));
    let by_id = ids(&read("-id").await);
    assert!(by_id.windows(2).all(|w| w[0] > w[1]), "{by_id:?}");
    assert_eq!(ids(&read("budget").await), ids(&read("id").await));
}

#[tokio::test]
async fn orderings() {
    let api = Api::with(SandboxBuilder::new().employees(10).days(3).late_uploads(0.2)).await;
    let read = |o: &'static str| {
        let api = &api;
        async move {
            let (rows, _) = api
                .all_pages(&format!("/iclock/api/transactions/?page_size=50&ordering={o}"))
                .await;
            rows
        }
    };
    let by_key = |rows: &[Value], key: &str| -> Vec<(String, i64)> {
        rows.iter()
            .map(|r| (r[key].as_str().unwrap().to_string(), r["id"].as_i64().unwrap()))
            .collect()
    };
    let n = api.sb.transaction_count();
    for (o, key, desc) in [
        ("punch_time", "punch_time", false),
        ("-punch_time", "punch_time", true),
        ("upload_time", "upload_time", false),
        ("-upload_time", "upload_time", true),
    ] {
        let rows = read(o).await;
        assert_eq!(rows.len(), n, "{o}");
        let got = by_key(&rows, key);
        let mut sorted = got.clone();
        sorted.sort();
        if desc {
            sorted.reverse();
        }
        assert_eq!(got, sorted, "{o}");
    }
    // `id` and `-id` are not orderings a live 9.5 honours: ignored like any unknown value,
    // the answer comes by ascending id.
    let asc = ids(&read("id").await);
    assert!(asc.windows(2).all(|w| w[0] < w[1]));
    assert_eq!(ids(&read("-id").await), asc);
    assert_eq!(ids(&read("nonsense").await), asc);
    // Late uploads: punch order differs from id order.
    let by_punch = ids(&read("punch_time").await);
    assert_ne!(by_punch, asc);
    let late = api
        .sb
        .transactions()
        .iter()
        .filter(|p| p.upload_time > p.punch_time && p.upload_time[..10] != p.punch_time[..10])
        .count();
    assert!(late > 0);
}

#[tokio::test]
async fn time_window_is_inclusive_and_accepts_dates() {
    let api = Api::new().await;
    let (_, v) = api
        .get("/iclock/api/transactions/?emp_code=1&start_time=2024-06-23%2009:50:00&end_time=2024-06-23%2009:50:00")
        .await;
    assert_eq!(v["count"], 1);
    let (_, v) =
        api.get("/iclock/api/transactions/?start_time=2024-06-23&end_time=2024-06-24").await;
    assert_eq!(v["count"], 1, "a bare end date means midnight");
    let (_, v) = api
        .get("/iclock/api/transactions/?emp_code=2&start_time=2024-06-25&end_time=2024-06-26")
        .await;
    assert_eq!(v["count"], 4);
    for row in v["data"].as_array().unwrap() {
        assert!(row["punch_time"].as_str().unwrap().starts_with("2024-06-25"));
    }
    let (_, v) =
        api.get("/iclock/api/transactions/?terminal_sn=BOCK194960001&page_size=1000").await;
    assert!(v["count"].as_i64().unwrap() > 0);
    assert!(v["data"].as_array().unwrap().iter().all(|r| r["terminal_sn"] == "BOCK194960001"));
}

#[tokio::test]
async fn appended_punches_show_up_in_open_snapshots() {
    let api = Api::new().await;
    let before = api.sb.transaction_count();
    let (_, v) = api.get("/iclock/api/transactions/?ordering=punch_time").await;
    assert_eq!(v["count"].as_u64().unwrap() as usize, before);
    let fresh = api.sb.insert_punches(5, false);
    let late = api.sb.insert_punches(5, true);
    assert_eq!(fresh.len() + late.len(), 10);
    assert!(fresh[0] > *api.sb.transaction_ids()[..before].last().unwrap());
    for o in ["id", "punch_time", "-upload_time"] {
        let (rows, _) =
            api.all_pages(&format!("/iclock/api/transactions/?ordering={o}&page_size=40")).await;
        let set: HashSet<i64> = ids(&rows).into_iter().collect();
        assert_eq!(set.len(), before + 10, "{o}");
        assert!(late.iter().chain(&fresh).all(|id| set.contains(id)));
    }
    let (_, v) = api.get("/iclock/api/transactions/?ordering=-upload_time&page_size=10").await;
    let newest: HashSet<i64> = ids(v["data"].as_array().unwrap()).into_iter().collect();
    assert!(late.iter().chain(&fresh).all(|id| newest.contains(id)));
    // A late punch keeps its old punch time but has a new upload time.
    let (_, t) = api.get(&format!("/iclock/api/transactions/{}/", late[0])).await;
    assert!(t["punch_time"].as_str().unwrap() < t["upload_time"].as_str().unwrap());
}

#[tokio::test]
async fn list_filters_for_org_and_employees() {
    let api = Api::new().await;
    let count = |v: &Value| v["count"].as_i64().unwrap();
    let (_, v) = api.get("/personnel/api/departments/?parent_dept=1").await;
    assert_eq!(count(&v), 4);
    let (_, v) = api.get("/personnel/api/departments/?dept_name=Sales").await;
    assert_eq!(v["data"][0]["dept_code"], "4");
    let (_, v) = api.get("/personnel/api/areas/?parent_area=2").await;
    assert_eq!(count(&v), 2);
    let (_, v) = api.get("/personnel/api/areas/?area_name=Warehouse").await;
    assert_eq!(v["data"][0]["parent_area_name"], "ZKTeco");
    let (_, v) = api.get("/personnel/api/positions/?parent_position=2").await;
    assert_eq!(count(&v), 2);
    let (_, v) = api.get("/personnel/api/positions/?position_name=Clerk").await;
    assert_eq!(v["data"][0]["parent_position_name"], "Manager");
    let (_, v) = api.get("/personnel/api/employees/?department=1").await;
    assert_eq!(count(&v), 2);
    let (_, v) = api.get("/personnel/api/employees/?first_name=Luna").await;
    assert_eq!(v["data"][0]["last_name"], "Lovegood");
    let (_, v) = api.get("/personnel/api/employees/?last_name=Weasley").await;
    assert_eq!(v["data"][0]["position"]["position_name"], "Engineer");
    let (_, v) = api.get("/personnel/api/employees/?app_status=0").await;
    assert_eq!(count(&v), 6);
    let (_, v) = api.get("/personnel/api/employees/?app_status=1").await;
    assert_eq!(count(&v), 0);

    // Snapshots follow writes: an update moves an employee between filter results.
    let (s, _) = api
        .call(Method::PATCH, "/personnel/api/employees/4/", Some(json!({"app_status": 1})))
        .await;
    assert_eq!(s, 200);
    let (_, v) = api.get("/personnel/api/employees/?app_status=1").await;
    assert_eq!(ids(v["data"].as_array().unwrap()), vec![4]);
    let (_, v) = api.get("/personnel/api/employees/?app_status=0").await;
    assert_eq!(count(&v), 5);
}
