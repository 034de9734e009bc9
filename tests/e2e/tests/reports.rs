//! The attendance reports (`/att/api/<name>/`, list-only resources): their rows match what
//! the punch list implies for a date range, filters narrow them, and they page like lists.

use crate::common;

use std::collections::{BTreeMap, HashMap};

use futures::TryStreamExt;
use zkbiotime::types::{Employee, Transaction};
use zkbiotime::{FirstLastReportFilter, TimeCardFilter, TransactionReportFilter};
use zkbiotime_sandbox::SandboxBuilder;

/// Every punch and employee of the sandbox, and the day with the most punches.
async fn facts(client: &zkbiotime::Client) -> (Vec<Transaction>, Vec<Employee>, String) {
    let punches: Vec<Transaction> =
        client.transactions().list(Default::default()).try_collect().await.unwrap();
    let employees: Vec<Employee> =
        client.employees().list(Default::default()).try_collect().await.unwrap();
    let mut per_day: BTreeMap<&str, usize> = BTreeMap::new();
    for p in &punches {
        *per_day.entry(&p.punch_time[..10]).or_default() += 1;
    }
    let busiest = per_day.iter().max_by_key(|(_, n)| **n).map(|(d, _)| d.to_string()).unwrap();
    (punches, employees, busiest)
}

/// (emp_code, day) → (first, last) `HH:MM:SS` of the punches on days in `days`.
fn first_last(
    punches: &[Transaction],
    days: &[&str],
) -> BTreeMap<(String, String), (String, String)> {
    let mut out: BTreeMap<(String, String), (String, String)> = BTreeMap::new();
    for p in punches.iter().filter(|p| days.contains(&&p.punch_time[..10])) {
        let (day, clock) = (p.punch_time[..10].to_string(), p.punch_time[11..19].to_string());
        let e = out.entry((p.emp_code.to_string(), day)).or_insert((clock.clone(), clock.clone()));
        e.0 = e.0.clone().min(clock.clone());
        e.1 = e.1.clone().max(clock);
    }
    out
}

#[tokio::test]
async fn transaction_report_rows_are_the_punches_of_the_range_with_names() {
    let sandbox = SandboxBuilder::new().employees(12).days(3).spawn().await.unwrap();
    let client = common::client_with(&sandbox, |b| b.page_size(25));
    let (punches, employees, day) = facts(&client).await;
    let filter = TransactionReportFilter {
        start_date: Some(day.clone()),
        end_date: Some(day.clone()),
        ..Default::default()
    };
    let rows: Vec<_> =
        client.transaction_reports().list(filter.clone()).try_collect().await.unwrap();
    let mut want: Vec<(String, String)> = punches
        .iter()
        .filter(|p| p.punch_time.starts_with(&day))
        .map(|p| (p.emp_code.to_string(), p.punch_time.to_string()))
        .collect();
    let mut got: Vec<(String, String)> =
        rows.iter().map(|r| (r.emp_code.to_string(), r.punch_time.to_string())).collect();
    assert!(got.windows(2).all(|w| w[0].1 <= w[1].1), "ordered by punch time");
    want.sort();
    got.sort();
    assert_eq!(got, want);
    assert!(want.len() > 25, "more than one page: {}", want.len());

    let by_code: HashMap<&str, &Employee> =
        employees.iter().map(|e| (e.emp_code.as_str(), e)).collect();
    for r in &rows {
        let e = by_code[r.emp_code.as_str()];
        assert_eq!(r.first_name, e.first_name, "{}", r.emp_code);
        let dept = e.department.as_ref().and_then(|d| d.dept_name.clone());
        assert_eq!(r.dept_name, dept, "{}", r.emp_code);
    }

    // Paging: page 1 counts every row, and the pages hold them all once.
    let page = client.transaction_reports().page(&filter, 1).await.unwrap();
    assert_eq!(page.count as usize, rows.len());
    assert_eq!(page.items.len(), 25);
    assert!(page.has_next);
    let pages: Vec<_> = client.transaction_reports().pages(filter).try_collect().await.unwrap();
    assert_eq!(pages.len(), rows.len().div_ceil(25));
    assert_eq!(pages.iter().map(|p| p.items.len()).sum::<usize>(), rows.len());
}

#[tokio::test]
async fn first_last_report_is_each_employees_first_and_last_punch_of_each_day() {
    let sandbox = SandboxBuilder::new().employees(15).days(3).spawn().await.unwrap();
    let client = common::client_with(&sandbox, |b| b.page_size(5));
    let (punches, employees, day) = facts(&client).await;
    let next = chrono::NaiveDate::parse_from_str(&day, "%Y-%m-%d").unwrap().succ_opt().unwrap();
    let next = next.to_string();
    let filter = FirstLastReportFilter {
        start_date: Some(day.clone()),
        end_date: Some(next.clone()),
        departments: Some("-1".into()),
        employees: Some("-1".into()),
        ..Default::default()
    };
    let rows: Vec<_> = client.first_last_reports().list(filter).try_collect().await.unwrap();
    let got: BTreeMap<(String, String), (String, String)> = rows
        .iter()
        .map(|r| {
            let punches =
                (r.first_punch.clone().unwrap().into(), r.last_punch.clone().unwrap().into());
            ((r.emp_code.to_string(), r.att_date.to_string()), punches)
        })
        .collect();
    assert_eq!(got.len(), rows.len(), "one row per employee and day");
    let want = first_last(&punches, &[&day, &next]);
    assert_eq!(got, want);
    assert!(rows.len() > 5, "more than one page: {}", rows.len());

    // `employees` narrows to the ids given.
    let (code, _) = want.keys().next().unwrap();
    let one = employees.iter().find(|e| e.emp_code == code).unwrap();
    let filter = FirstLastReportFilter {
        start_date: Some(day.clone()),
        end_date: Some(next.clone()),
        employees: Some(one.id.to_string()),
        ..Default::default()
    };
    let rows: Vec<_> = client.first_last_reports().list(filter).try_collect().await.unwrap();
    let want: Vec<_> = want.keys().filter(|(code, _)| *code == one.emp_code).collect();
    assert!(!want.is_empty() && want.len() < got.len());
    assert_eq!(rows.len(), want.len());
    assert!(rows.iter().all(|r| r.emp_code == one.emp_code));
}

#[tokio::test]
async fn time_cards_approximate_a_day_as_first_in_last_out() {
    let sandbox = SandboxBuilder::new().employees(8).days(2).spawn().await.unwrap();
    let client = common::client(&sandbox);
    let (punches, _, day) = facts(&client).await;
    let filter = TimeCardFilter {
        start_date: Some(day.clone()),
        end_date: Some(day.clone()),
        ..Default::default()
    };
    let rows: Vec<_> = client.time_cards().list(filter).try_collect().await.unwrap();
    let want = first_last(&punches, &[&day]);
    assert_eq!(rows.len(), want.len());
    for r in &rows {
        let (first, last) = &want[&(r.emp_code.to_string(), r.att_date.to_string())];
        assert_eq!(
            (r.clock_in.as_deref(), r.clock_out.as_deref()),
            (Some(&**first), Some(&**last))
        );
        let t = |s: &str| chrono::NaiveTime::parse_from_str(s, "%H:%M:%S").unwrap();
        let hours = (t(last) - t(first)).num_seconds() as f64 / 3600.0;
        assert_eq!(r.total_hrs.as_deref(), Some(format!("{hours:.2}").as_str()));
        assert!(r.weekday.is_some());
    }
}

#[tokio::test]
async fn a_malformed_date_is_a_bad_request() {
    let sandbox = SandboxBuilder::new().employees(2).days(1).spawn().await.unwrap();
    let client = common::client(&sandbox);
    let filter =
        FirstLastReportFilter { start_date: Some("03/06/2024".into()), ..Default::default() };
    let err = client.first_last_reports().page(&filter, 1).await.unwrap_err();
    assert_eq!(err.kind(), zkbiotime::ErrorKind::BadRequest, "{err}");
    assert!(err.field_errors().contains_key("start_date"), "{err}");
}
