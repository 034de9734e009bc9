//! Incremental punch sync: every punch exactly once, across runs.
//!
//! Why this is harder than "punches since the last run": terminals that were offline upload
//! old punches late, so a `punch_time` window misses them; the server assigns transaction
//! ids on arrival, so the id (not the punch time) says what is new. The API has no "id
//! greater than" filter, but its default order is ascending id, so new punches are always at
//! the end of the list: we remember how long the list was and start reading near there.
//!
//! Hazards and how they are met:
//! - Rows deleted before our position shift the list left: we check that the first page we
//!   read starts at or below the part we know, and step back otherwise.
//! - A punch may become visible after one with a higher id (concurrent inserts commit out of
//!   order): the ids of the last `WINDOW` id numbers are remembered, that stretch is re-read,
//!   and an id in it we have not seen is still new. The state stays bounded by `WINDOW`.
//! - Punches that arrive while we page append at the end; we read until `next` is null,
//!   and whatever comes later is the next run's.
//! - A restored database reuses ids: if the highest id on the server is below the highest
//!   we returned, sync stops with an error instead of silently skipping new punches.
//!
//! A first import may start at a date ([`SyncState::since`]): punches timed before it are
//! never returned, late uploads included. The first run finds the lowest id timed at or
//! after it (a `start_time` query) and starts there instead of at the first punch.

use std::collections::BTreeSet;

use futures::TryStreamExt;
use serde::{Deserialize, Serialize};

use crate::client::Client;
use crate::error::{Error, ErrorKind, Result};
use crate::generated::api::types::Transaction;
use crate::generated::lists::TransactionFilter;
use crate::paging;

/// Ids within this distance below the highest id are re-checked on every run.
pub const WINDOW: i64 = 1000;
const VERSION: u32 = 1;

/// What a sync run needs to remember. Small (at most `WINDOW` ids), JSON-serialisable and
/// versioned: store it after every batch, e.g. with [`SyncState::to_json`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncState {
    pub version: u32,
    /// The highest punch id returned so far (0: nothing yet).
    pub high_water: i64,
    /// Ids seen in `(high_water - WINDOW, high_water]`, ascending.
    pub recent: Vec<i64>,
    /// The list's length at the end of the last run: where new punches start.
    pub count: i64,
    /// Server-local time: punches timed before it are never returned (a first import that
    /// starts at a date). Absent in states stored before it existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<String>,
}

impl Default for SyncState {
    fn default() -> Self {
        Self::new()
    }
}

/// New punches and the state to store once they are safely kept.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct SyncBatch {
    /// Punches not returned before, in ascending id order.
    pub punches: Vec<Transaction>,
    pub state: SyncState,
    /// False when the batch stopped at `max`: call again for more.
    pub complete: bool,
}

impl SyncState {
    /// A state that has seen nothing: the first sync returns every punch.
    pub fn new() -> Self {
        Self { version: VERSION, high_water: 0, recent: Vec::new(), count: 0, since: None }
    }

    /// A state that has seen nothing and skips punches timed before `time` (server-local
    /// text, `YYYY-MM-DD HH:MM:SS` or a date `YYYY-MM-DD`): the first sync returns the
    /// punches from `time` on, the next ones what is new, as usual.
    pub fn since(time: &str) -> Result<Self> {
        let text = time.trim();
        let parsed = match chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            Ok(date) => date.and_hms_opt(0, 0, 0).expect("midnight exists"),
            Err(_) => crate::timezone::parse_naive(text).map_err(|_| {
                Error::invalid_argument(format!(
                    "since {time:?} is not a server time (YYYY-MM-DD or YYYY-MM-DD HH:MM:SS)"
                ))
            })?,
        };
        Ok(Self { since: Some(parsed.format(crate::SERVER_FORMAT).to_string()), ..Self::new() })
    }

    /// The state a sync run starts from: the stored one (`state_json`, from
    /// [`SyncState::to_json`]), or a fresh one, from `since` when given. `since` with a
    /// stored state is refused: it applies to the first sync only. One rule for every
    /// binding and the CLI.
    pub fn start(state_json: Option<&str>, since: Option<&str>) -> Result<Self> {
        match (state_json, since) {
            (Some(_), Some(_)) => Err(Error::invalid_argument(
                "since applies to the first sync; the stored state already has a position",
            )),
            (Some(text), None) => Self::from_json(text),
            (None, Some(time)) => Self::since(time),
            (None, None) => Ok(Self::new()),
        }
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a SyncState always serialises")
    }

    /// Reads a stored state, refusing other versions and inconsistent ones.
    pub fn from_json(text: &str) -> Result<Self> {
        let state: Self = serde_json::from_str(text)
            .map_err(|e| Error::invalid_argument(format!("not a sync state: {e}")))?;
        state.validate()?;
        Ok(state)
    }

    fn validate(&self) -> Result<()> {
        if self.version != VERSION {
            return Err(Error::invalid_argument(format!(
                "sync state version {} is not supported (expected {VERSION})",
                self.version
            )));
        }
        let floor = self.floor();
        let sorted = self.recent.windows(2).all(|w| w[0] < w[1]);
        let in_window = self.recent.iter().all(|&id| id > floor && id <= self.high_water);
        if !sorted || !in_window || self.count < 0 || self.high_water < 0 {
            return Err(Error::invalid_argument("sync state is inconsistent"));
        }
        if let Some(since) = &self.since {
            crate::timezone::parse_naive(since)
                .map_err(|_| Error::invalid_argument("sync state: `since` is not a server time"))?;
        }
        Ok(())
    }

    /// Ids at or below this are settled: never returned again.
    fn floor(&self) -> i64 {
        self.high_water - WINDOW
    }

    fn is_new(&self, id: i64, recent: &BTreeSet<i64>) -> bool {
        id > self.high_water || (id > self.floor() && !recent.contains(&id))
    }
}

/// Whether a punch timed `punch_time` is before `since` (so never returned). A time that
/// does not read is not before anything: the punch is kept.
fn before_since(since: Option<&chrono::NaiveDateTime>, punch_time: &str) -> bool {
    since.is_some_and(|s| crate::timezone::parse_naive(punch_time).is_ok_and(|t| t < *s))
}

/// See the module docs. `max` bounds the punches of one batch (and so the memory).
pub(crate) async fn sync(
    client: &Client,
    state: &SyncState,
    max: Option<usize>,
) -> Result<SyncBatch> {
    state.validate()?;
    let max = max.unwrap_or(usize::MAX).max(1);
    let filter = TransactionFilter::default();
    let since = match &state.since {
        Some(text) => Some(crate::timezone::parse_naive(text)?),
        None => None,
    };
    let first_since_run;
    let state = match (&state.since, state.high_water) {
        (Some(text), 0) => match first_at_or_after(client, text).await? {
            // Nothing timed at or after `since` yet: nothing to return, same state.
            None => {
                return Ok(SyncBatch { punches: Vec::new(), state: state.clone(), complete: true });
            }
            Some(start) => {
                first_since_run = start;
                &first_since_run
            }
        },
        _ => state,
    };
    let start = start_page(client, state, &filter).await?;

    let mut recent: BTreeSet<i64> = state.recent.iter().copied().collect();
    let mut punches = Vec::new();
    let mut high_water = state.high_water;
    let mut last_id = None::<i64>;
    let mut count = state.count;
    // 1-based position in the list of the last punch returned, for a batch cut at `max`.
    let mut last_position = state.count;
    let mut complete = true;
    let mut pages = std::pin::pin!(paging::pages_from(client.clone(), filter, start));
    'pages: while let Some(page) = pages.try_next().await? {
        count = page.count;
        let first_position = (page.number - 1) * page.page_size;
        for (index, punch) in page.items.into_iter().enumerate() {
            if last_id.is_some_and(|last| punch.id <= last) {
                return Err(Error::unexpected(format!(
                    "punches are not listed in ascending id order (id {} after {}); \
                     sync needs the server's default order",
                    punch.id,
                    last_id.unwrap_or_default()
                )));
            }
            last_id = Some(punch.id);
            if state.is_new(punch.id, &recent) && !before_since(since.as_ref(), &punch.punch_time) {
                if punches.len() == max {
                    complete = false;
                    break 'pages;
                }
                high_water = high_water.max(punch.id);
                recent.insert(punch.id);
                last_position = first_position + index as i64 + 1;
                punches.push(punch);
            } else if punch.id > state.floor() {
                recent.insert(punch.id);
            }
        }
    }
    if complete && state.high_water > 0 && last_id.is_none_or(|last| last < state.high_water) {
        // (A first `since` run starts below the first punch it wants: never above the list.)
        return Err(Error::new(
            ErrorKind::UnexpectedResponse,
            format!(
                "the server's highest punch id ({}) is below the last one synced ({}): \
                 were its ids reset (a restored database)? Refusing to guess; start from a \
                 fresh SyncState once you have checked",
                last_id.map_or("none".to_string(), |l| l.to_string()),
                state.high_water
            ),
        ));
    }
    let floor = high_water - WINDOW;
    let state = SyncState {
        version: VERSION,
        high_water,
        recent: recent.into_iter().filter(|&id| id > floor && id <= high_water).collect(),
        // A cut batch resumes right after its last punch, not from the old start.
        count: if complete { count } else { last_position },
        since: state.since.clone(),
    };
    Ok(SyncBatch { punches, state, complete })
}

/// For a first run with `since`: a state as if every punch below the lowest id timed at or
/// after `since` had been seen (those are all earlier: ids grow with arrival), positioned by
/// the number of punches timed before it; `None` when no punch is timed at or after it.
async fn first_at_or_after(client: &Client, since: &str) -> Result<Option<SyncState>> {
    let after = TransactionFilter { start_time: Some(since.to_string()), ..Default::default() };
    let Some(first) = paging::fetch_page(client, &after, 1).await?.items.into_iter().next() else {
        return Ok(None);
    };
    let before = TransactionFilter { end_time: Some(since.to_string()), ..Default::default() };
    let earlier = paging::fetch_page(client, &before, 1).await?.count;
    Ok(Some(SyncState {
        version: VERSION,
        high_water: first.id - 1,
        recent: Vec::new(),
        count: earlier,
        since: Some(since.to_string()),
    }))
}

/// The page to start reading at: the one holding the first id above the settled floor,
/// or an earlier one.
async fn start_page(client: &Client, state: &SyncState, filter: &TransactionFilter) -> Result<i64> {
    if state.high_water == 0 {
        return Ok(1);
    }
    let page_size = client.settings.page_size;
    // Rows at or below the floor, assuming none were deleted; the window re-read sits after.
    let settled = (state.count - state.recent.len() as i64 - 1).max(0);
    let mut page = settled / page_size + 1;
    let mut step = 1;
    while page > 1 {
        match paging::fetch_page(client, filter, page).await {
            Ok(p) if p.items.first().is_some_and(|first| first.id <= state.floor()) => break,
            // Started past the known part (rows were deleted) or past the end: step back.
            Ok(_) => {}
            Err(e) if e.kind() == ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
        page = (page - step).max(1);
        step *= 2;
    }
    Ok(page)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_round_trips_and_rejects_bad_input() {
        let s = SyncState {
            version: 1,
            high_water: 1500,
            recent: vec![600, 1500],
            count: 9,
            since: None,
        };
        assert_eq!(SyncState::from_json(&s.to_json()).unwrap(), s);
        assert!(SyncState::from_json("{}").is_err());
        let v2 = r#"{"version":2,"high_water":0,"recent":[],"count":0}"#;
        assert_eq!(SyncState::from_json(v2).unwrap_err().kind(), ErrorKind::InvalidArgument);
        let outside = r#"{"version":1,"high_water":5000,"recent":[3],"count":1}"#;
        assert!(SyncState::from_json(outside).is_err());
    }

    #[test]
    fn newness_uses_the_window() {
        let s =
            SyncState { version: 1, high_water: 2000, recent: vec![1500], count: 10, since: None };
        let recent: BTreeSet<i64> = s.recent.iter().copied().collect();
        assert!(s.is_new(2001, &recent));
        assert!(s.is_new(1999, &recent), "unseen id inside the window");
        assert!(!s.is_new(1500, &recent));
        assert!(!s.is_new(1000, &recent), "at the floor: settled");
    }
}
