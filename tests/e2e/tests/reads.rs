//! Terminals and transactions (read only), every list filter, and paging across pages.

use crate::common;

use std::collections::BTreeSet;

use futures::{StreamExt, TryStreamExt};
use zkbiotime::{EmployeeFilter, TerminalFilter, TransactionFilter, types};
use zkbiotime_sandbox::SandboxBuilder;

#[tokio::test]
async fn terminals_list_get_and_filters() {
    let sandbox = common::demo_sandbox().await;
    let client = common::client(&sandbox);
    let t = client.terminals();
    let one = t.get(1).await.unwrap();
    assert_eq!(one.sn, "CKJF201260077");
    assert_eq!(one.alias.as_deref(), Some("Auto add"));
    assert_eq!(one.area.as_ref().unwrap().area_name.as_deref(), Some("ZKTeco"));
    let by_sn: Vec<_> = t
        .list(TerminalFilter { sn: Some("CKJF201260077".into()), ..Default::default() })
        .try_collect()
        .await
        .unwrap();
    assert_eq!(by_sn.len(), 1);
    let by_alias: Vec<_> = t
        .list(TerminalFilter { alias: Some("Auto add".into()), ..Default::default() })
        .try_collect()
        .await
        .unwrap();
    assert!(
        by_alias.iter().all(|x| x.alias.as_deref() == Some("Auto add")) && !by_alias.is_empty()
    );
    let by_area: Vec<_> =
        t.list(TerminalFilter { area: Some(2), ..Default::default() }).try_collect().await.unwrap();
    assert!(
        by_area.iter().all(|x| x.area.as_ref().map(|a| a.id) == Some(2)) && !by_area.is_empty()
    );
    let none: Vec<_> = t
        .list(TerminalFilter { sn: Some("NO-SUCH-SN".into()), ..Default::default() })
        .try_collect()
        .await
        .unwrap();
    assert!(none.is_empty());
}

#[tokio::test]
async fn employee_filters_select_what_they_say() {
    let sandbox = common::demo_sandbox().await;
    let client = common::client(&sandbox);
    let e = client.employees();
    let all: Vec<_> = e.list(Default::default()).try_collect().await.unwrap();
    assert!(all.len() > 1);
    let cases = [
        EmployeeFilter { first_name: Some("Harry".into()), ..Default::default() },
        EmployeeFilter { last_name: Some("Potter".into()), ..Default::default() },
        EmployeeFilter { emp_code: Some("1".into()), ..Default::default() },
    ];
    for filter in cases {
        let got: Vec<_> = e.list(filter.clone()).try_collect().await.unwrap();
        assert!(!got.is_empty(), "{filter:?}");
        assert!(
            got.iter().all(|x| x.emp_code == "1" || x.last_name.as_deref() == Some("Potter")),
            "{filter:?}"
        );
    }
    let dept1: Vec<_> = e
        .list(EmployeeFilter { department: Some(1), ..Default::default() })
        .try_collect()
        .await
        .unwrap();
    assert!(
        dept1.iter().all(|x| x.department.as_ref().map(|d| d.id) == Some(1)) && !dept1.is_empty()
    );
    let active: Vec<_> = e
        .list(EmployeeFilter { app_status: Some(0), ..Default::default() })
        .try_collect()
        .await
        .unwrap();
    assert!(active.iter().all(|x| x.app_status == Some(0)));
}

#[tokio::test]
async fn transaction_filters_and_ordering() {
    let sandbox = SandboxBuilder::new().employees(20).days(3).spawn().await.unwrap();
    let client = common::client(&sandbox);
    let tx = client.transactions();
    let truth = sandbox.transactions();
    let sample = &truth[truth.len() / 2];

    let by_emp: Vec<_> = tx
        .list(TransactionFilter { emp_code: Some(sample.emp_code.clone()), ..Default::default() })
        .try_collect()
        .await
        .unwrap();
    let expected = truth.iter().filter(|p| p.emp_code == sample.emp_code).count();
    assert_eq!(by_emp.len(), expected);

    let by_terminal: Vec<_> = tx
        .list(TransactionFilter {
            terminal_sn: Some(sample.terminal_sn.clone()),
            ..Default::default()
        })
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        by_terminal.len(),
        truth.iter().filter(|p| p.terminal_sn == sample.terminal_sn).count()
    );

    // Inclusive window on punch_time.
    let (start, end) = (sample.punch_time.clone(), sample.punch_time.clone());
    let window: Vec<_> = tx
        .list(TransactionFilter {
            start_time: Some(start.clone()),
            end_time: Some(end.clone()),
            ..Default::default()
        })
        .try_collect()
        .await
        .unwrap();
    assert!(window.iter().any(|p| p.id == sample.id));
    assert!(window.iter().all(|p| p.punch_time == sample.punch_time));

    let newest_first: Vec<types::Transaction> = tx
        .list(TransactionFilter {
            ordering: Some("punch_time".parse().unwrap()),
            ..Default::default()
        })
        .take(50)
        .try_collect()
        .await
        .unwrap();
    assert!(newest_first.windows(2).all(|w| w[0].punch_time <= w[1].punch_time));
    let desc: Vec<types::Transaction> = tx
        .list(TransactionFilter {
            ordering: Some("-punch_time".parse().unwrap()),
            ..Default::default()
        })
        .take(50)
        .try_collect()
        .await
        .unwrap();
    assert!(desc.windows(2).all(|w| w[0].punch_time >= w[1].punch_time));

    let one = tx.get(sample.id).await.unwrap();
    assert_eq!(one.emp_code, sample.emp_code);
    assert_eq!(one.punch_time, sample.punch_time);
}

#[tokio::test]
async fn every_page_is_read_sequentially_and_concurrently() {
    let sandbox = SandboxBuilder::new().employees(50).days(4).spawn().await.unwrap();
    let truth: BTreeSet<i64> = sandbox.transaction_ids().into_iter().collect();
    assert!(truth.len() > 700, "{}", truth.len());
    for concurrency in [1, 4] {
        let client = common::client_with(&sandbox, |b| b.page_size(97).concurrency(concurrency));
        let ids = common::punch_ids(&client).await;
        assert!(ids.windows(2).all(|w| w[0] < w[1]), "records come in order");
        assert_eq!(ids.into_iter().collect::<BTreeSet<_>>(), truth, "concurrency {concurrency}");
    }
}

#[tokio::test]
async fn single_pages_carry_the_count() {
    let sandbox = SandboxBuilder::new().employees(10).days(2).spawn().await.unwrap();
    let client = common::client_with(&sandbox, |b| b.page_size(25));
    let total = sandbox.transaction_count() as i64;
    let first = client.transactions().page(&Default::default(), 1).await.unwrap();
    assert_eq!(first.count, total);
    assert_eq!(first.items.len(), 25);
    assert!(first.has_next);
    let last_number = first.total_pages();
    let last = client.transactions().page(&Default::default(), last_number).await.unwrap();
    assert!(!last.has_next);
    assert_eq!(last.items.len() as i64, total - 25 * (last_number - 1));
    let past = client.transactions().page(&Default::default(), last_number + 1).await.unwrap_err();
    assert_eq!(past.kind(), zkbiotime::ErrorKind::NotFound);
    assert_eq!(past.detail(), "Invalid page.");
    let pages: Vec<_> =
        client.transactions().pages(Default::default()).try_collect().await.unwrap();
    assert_eq!(pages.len() as i64, last_number);
}

#[tokio::test]
async fn pages_with_converts_every_page_in_order() {
    let sandbox = SandboxBuilder::new().employees(10).days(2).spawn().await.unwrap();
    let client = common::client_with(&sandbox, |b| b.page_size(7).concurrency(3));
    let total = sandbox.transaction_count();
    // Each page as its number and the ids it held, converted where it was decoded.
    let pages: Vec<(i64, Vec<i64>)> = client
        .transactions()
        .pages_with(Default::default(), |page| {
            (page.number, page.items.iter().map(|p| p.id).collect())
        })
        .try_collect()
        .await
        .unwrap();
    let numbers: Vec<i64> = pages.iter().map(|(n, _)| *n).collect();
    assert_eq!(numbers, (1..=pages.len() as i64).collect::<Vec<_>>(), "in order");
    let ids: Vec<i64> = pages.into_iter().flat_map(|(_, ids)| ids).collect();
    assert_eq!(ids.len(), total);
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "every record once, in order");
}

#[tokio::test]
async fn lists_keep_answering_none_after_the_end() {
    let sandbox = common::demo_sandbox().await;
    let client = common::client(&sandbox);
    let mut departments = std::pin::pin!(client.departments().list(Default::default()));
    while departments.try_next().await.unwrap().is_some() {}
    assert!(departments.next().await.is_none(), "polling after the end is safe");
    let mut pages = std::pin::pin!(client.departments().pages(Default::default()));
    while pages.try_next().await.unwrap().is_some() {}
    assert!(pages.next().await.is_none());
}
