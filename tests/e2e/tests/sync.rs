//! Punch sync: every punch exactly once across runs, with late uploads and live inserts.

use crate::common;

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use zkbiotime::{ErrorKind, SyncState};
use zkbiotime_sandbox::SandboxBuilder;

/// Runs sync until complete (in batches of `max`), returning the ids and the final state.
async fn sync_all(
    client: &zkbiotime::Client,
    state: &SyncState,
    max: usize,
) -> (Vec<i64>, SyncState) {
    let mut state = state.clone();
    let mut ids = Vec::new();
    loop {
        let batch = client.transactions().sync(&state, Some(max)).await.unwrap();
        ids.extend(batch.punches.iter().map(|p| p.id));
        // The state goes through JSON, as every caller stores it.
        state = SyncState::from_json(&batch.state.to_json()).unwrap();
        if batch.complete {
            return (ids, state);
        }
    }
}

fn assert_exactly_once(returned: &[i64], truth: &[i64]) {
    let set: BTreeSet<i64> = returned.iter().copied().collect();
    assert_eq!(set.len(), returned.len(), "no punch twice");
    assert_eq!(set, truth.iter().copied().collect::<BTreeSet<_>>(), "no punch missing");
}

#[tokio::test]
async fn first_sync_returns_everything_then_only_new_punches() {
    let sandbox = SandboxBuilder::new().employees(30).days(3).spawn().await.unwrap();
    let client = common::client_with(&sandbox, |b| b.page_size(50));
    let (first, state) = sync_all(&client, &SyncState::new(), usize::MAX).await;
    assert_exactly_once(&first, &sandbox.transaction_ids());

    let (nothing, state) = sync_all(&client, &state, usize::MAX).await;
    assert!(nothing.is_empty(), "a second run finds nothing new: {nothing:?}");

    let mut added = sandbox.insert_punches(40, true);
    added.extend(sandbox.insert_punches(25, false));
    let (third, state) = sync_all(&client, &state, 7).await;
    assert_exactly_once(&third, &added);
    assert!(state.recent.len() <= zkbiotime::sync::WINDOW as usize);
    assert!(state.to_json().len() < 16 * 1024, "state stays small");
}

#[tokio::test]
async fn three_runs_with_late_uploads_and_live_inserts_return_every_punch_once() {
    let sandbox = Arc::new(SandboxBuilder::new().employees(40).days(5).spawn().await.unwrap());
    let client = common::client_with(&sandbox, |b| b.page_size(37).concurrency(3));
    let mut all = Vec::new();
    let mut state = SyncState::new();
    for run in 0..3 {
        // Inserts while the sync pages, late and fresh punches mixed.
        let inserter = {
            let sandbox = sandbox.clone();
            tokio::spawn(async move {
                for i in 0..20 {
                    sandbox.insert_punches(3, i % 2 == 0);
                    tokio::time::sleep(Duration::from_millis(2)).await;
                }
            })
        };
        let (ids, next) = sync_all(&client, &state, 500).await;
        inserter.await.unwrap();
        all.extend(ids);
        state = next;
        sandbox.insert_punches(10 + run, true);
    }
    let (rest, _) = sync_all(&client, &state, usize::MAX).await;
    all.extend(rest);
    assert_exactly_once(&all, &sandbox.transaction_ids());
}

#[tokio::test]
async fn ids_that_went_backwards_are_an_error_not_silent_loss() {
    let big = SandboxBuilder::new().employees(20).days(3).spawn().await.unwrap();
    let (_, state) = sync_all(&common::client(&big), &SyncState::new(), usize::MAX).await;
    // The same site after restoring an older backup: fewer punches, lower ids.
    let restored = SandboxBuilder::new().employees(5).days(1).spawn().await.unwrap();
    let err = common::client(&restored).transactions().sync(&state, None).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::UnexpectedResponse);
    assert!(err.detail().contains("restored"), "{err}");
}

/// Every punch of the list, as (id, punch_time).
async fn all_punches(client: &zkbiotime::Client) -> Vec<(i64, String)> {
    use futures::TryStreamExt;
    let all: Vec<_> = client.transactions().list(Default::default()).try_collect().await.unwrap();
    all.into_iter().map(|p| (p.id, p.punch_time.into())).collect()
}

#[tokio::test]
async fn a_first_import_can_start_at_a_date() {
    let sandbox = SandboxBuilder::new().employees(30).days(6).spawn().await.unwrap();
    let client = common::client_with(&sandbox, |b| b.page_size(40));
    let punches = all_punches(&client).await;
    let mut times: Vec<&str> = punches.iter().map(|(_, t)| t.as_str()).collect();
    times.sort();
    // A day in the middle of the data.
    let since = times[times.len() / 2][..10].to_string();
    let expected: Vec<i64> =
        punches.iter().filter(|(_, t)| t.as_str() >= since.as_str()).map(|(id, _)| *id).collect();
    assert!(!expected.is_empty() && expected.len() < punches.len());

    let (first, state) = sync_all(&client, &SyncState::since(&since).unwrap(), 13).await;
    assert_exactly_once(&first, &expected);
    assert_eq!(state.since.as_deref(), Some(format!("{since} 00:00:00").as_str()));

    // Late uploads (old punch times, new ids) before `since` stay out; new ones come in.
    let added = sandbox.insert_punches(30, true);
    let after = all_punches(&client).await;
    let new_wanted: Vec<i64> = after
        .iter()
        .filter(|(id, t)| added.contains(id) && t.as_str() >= since.as_str())
        .map(|(id, _)| *id)
        .collect();
    let (next, _) = sync_all(&client, &state, usize::MAX).await;
    assert_exactly_once(&next, &new_wanted);

    assert_eq!(
        SyncState::since("yesterday").unwrap_err().kind(),
        ErrorKind::InvalidArgument,
        "a since that is not a time is refused"
    );
}
