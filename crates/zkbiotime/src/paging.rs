//! Reading every record of a list.
//!
//! The first page gives `count`; the remaining pages are then fetched a few at a time
//! (bounded concurrency) and yielded in order, so memory stays within
//! `(concurrency + 1) × page_size` records. `concurrency` bounds the requests in flight,
//! not the pages being decoded: a page's download slot is handed on as soon as its body
//! has arrived, so the next request travels while this page is decoded (with
//! `concurrency(1)` the server still sees one request at a time). Rows that appear while
//! we page (the count grew) are picked up by following `next` after the last expected
//! page. Only the query string of `next` is used: real servers put an internal host in it.
//!
//! Loop guards: a `next` that repeats, a page identical to the previous one, or an empty
//! page that still has `next` ends the list with an error instead of spinning forever.

use std::collections::HashSet;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use futures::stream::{self, BoxStream, Stream, StreamExt};
use progenitor_client::ResponseValue;
use serde::de::DeserializeOwned;
use tokio::sync::Semaphore;

use crate::client::{Call, Client};
use crate::error::{Error, Result};
use crate::generated::api::{self, types};

/// One page of a list envelope, as generated from the spec.
pub trait ListPage: DeserializeOwned + Send + 'static {
    type Item: Send + 'static;
    fn count(&self) -> i64;
    fn next(&self) -> Option<&str>;
    fn code(&self) -> Option<i64>;
    fn msg(&self) -> Option<&str>;
    fn into_data(self) -> Vec<Self::Item>;
    /// Ids of the first and last record, to notice a server that serves one page twice.
    fn id_bounds(&self) -> Option<(i64, i64)>;
}

/// The filters of one list operation, able to fetch a page (generated from the spec).
pub trait ListFilter: Clone + Send + Sync + 'static {
    type Page: ListPage;
    const PATH: &'static str;
    /// The path this filter reads (error messages name it); `PATH` unless the path depends
    /// on the filter (a report by name).
    fn path(&self) -> String {
        Self::PATH.to_string()
    }
    /// Page `page` of the list.
    fn fetch(
        &self,
        client: &api::Client,
        page: i64,
        page_size: i64,
    ) -> impl Future<Output = PageAnswer<Self::Page>> + Send;
}

/// What a page request gives: the page, or progenitor's error.
pub type PageAnswer<P> = std::result::Result<ResponseValue<P>, api::Error<types::ErrorBody>>;

/// The records type a filter lists.
pub type ItemOf<F> = <<F as ListFilter>::Page as ListPage>::Item;

/// One page of records with the list's total.
#[derive(Clone, Debug, PartialEq)]
pub struct Page<T> {
    /// 1-based page number.
    pub number: i64,
    /// Records in the whole list (as the server counted when serving this page).
    pub count: i64,
    /// Records per page asked for.
    pub page_size: i64,
    /// Whether the server says another page follows.
    pub has_next: bool,
    pub items: Vec<T>,
}

impl<T> Page<T> {
    /// Pages in the whole list at this page size.
    pub fn total_pages(&self) -> i64 {
        // Not `(count + size - 1) / size`: a lying count near i64::MAX would overflow.
        let count = self.count.max(0);
        count / self.page_size + i64::from(count % self.page_size != 0)
    }
}

/// A fetched page (`P`: the core's `Page`, or what a caller's conversion made of it) and
/// what the state machine needs to know of it.
struct Fetched<P> {
    page: P,
    shape: Shape,
}

/// What the state machine remembers of a page (not its records).
#[derive(Clone, Copy)]
struct Shape {
    number: i64,
    empty: bool,
    next_page: Option<i64>,
    bounds: Option<(i64, i64)>,
}

/// A caller's conversion of each page, run on the task that decoded it (`pages_with`).
type Convert<T, P> = Arc<dyn Fn(Page<T>) -> P + Send + Sync>;

impl<T> Fetched<Page<T>> {
    fn convert<P>(self, convert: &Convert<T, P>) -> Fetched<P> {
        Fetched { page: convert(self.page), shape: self.shape }
    }
}

/// Fetches page `number` of the list `filter` selects.
pub(crate) async fn fetch_page<F: ListFilter>(
    client: &Client,
    filter: &F,
    number: i64,
) -> Result<Page<ItemOf<F>>> {
    fetch(client, filter, number).await.map(|f| f.page)
}

async fn fetch<F: ListFilter>(
    client: &Client,
    filter: &F,
    number: i64,
) -> Result<Fetched<Page<ItemOf<F>>>> {
    if number < 1 {
        return Err(Error::invalid_argument(format!("page numbers start at 1, got {number}")));
    }
    let page_size = client.settings.page_size;
    let call = Call::read(filter.path());
    let answer = client
        .send(call, |api| {
            let filter = filter.clone();
            async move { filter.fetch(&api, number, page_size).await }
        })
        .await?;
    // A 2xx envelope can still carry a failure.
    if let Some(code) = answer.code().filter(|&c| c != 0) {
        return Err(Error::unexpected(format!(
            "the server answered code {code}: {}",
            answer.msg().unwrap_or_default()
        ))
        .with_request("GET", &filter.path()));
    }
    // Some servers send `""` where they mean null.
    // `""` and the text `"null"` (seen in 8.x docs) mean no next page, like `null`.
    let next_page = match answer.next().filter(|n| !matches!(n.trim(), "" | "null")) {
        Some(next) => {
            let n = page_from_next(next).ok_or_else(|| {
                Error::unexpected(format!("`next` link {next:?} has no page number"))
                    .with_request("GET", &filter.path())
            })?;
            if n <= number {
                return Err(Error::unexpected(format!(
                    "`next` of page {number} points back to page {n}; stopping instead of looping"
                ))
                .with_request("GET", &filter.path()));
            }
            Some(n)
        }
        None => None,
    };
    let bounds = answer.id_bounds();
    let count = answer.count();
    let items = answer.into_data();
    let shape = Shape { number, empty: items.is_empty(), next_page, bounds };
    Ok(Fetched {
        shape,
        page: Page { number, count, page_size, has_next: next_page.is_some(), items },
    })
}

/// The `page` parameter of a `next` link. Only the query string counts: the host in
/// `next` is the server's own idea of itself, often an internal address.
fn page_from_next(next: &str) -> Option<i64> {
    let query = next.split_once('?').map(|(_, q)| q).unwrap_or(next);
    let query = query.split('#').next().unwrap_or_default();
    url::form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == "page")
        .and_then(|(_, v)| v.parse().ok())
}

enum State<P> {
    /// Nothing fetched yet; the first page to fetch.
    Start(i64),
    /// Pages 2..=n fetched `concurrency` at a time, in order.
    Middle {
        pages: BoxStream<'static, Result<Fetched<P>>>,
        last: Option<Shape>,
    },
    /// Following `next` one page at a time after the expected pages.
    Tail {
        next_page: i64,
        last_bounds: Option<(i64, i64)>,
    },
    Done,
}

/// Every page of the list, in order.
pub(crate) fn pages<F: ListFilter>(
    client: Client,
    filter: F,
) -> impl Stream<Item = Result<Page<ItemOf<F>>>> + Send {
    pages_from(client, filter, 1)
}

/// Every page of the list, in order, each turned into `P` by `convert` on the task that
/// fetched and decoded it: pages are converted in parallel, while their records are still
/// in the cache, and a page's records are dropped there (a binding's rows or objects).
pub(crate) fn pages_with<F: ListFilter, P: Send + 'static>(
    client: Client,
    filter: F,
    convert: impl Fn(Page<ItemOf<F>>) -> P + Send + Sync + 'static,
) -> impl Stream<Item = Result<P>> + Send {
    pages_converted(client, filter, 1, Arc::new(convert))
}

/// Every page from page `start` on, in order.
pub(crate) fn pages_from<F: ListFilter>(
    client: Client,
    filter: F,
    start: i64,
) -> impl Stream<Item = Result<Page<ItemOf<F>>>> + Send {
    pages_converted(client, filter, start, Arc::new(|page| page))
}

fn pages_converted<F: ListFilter, P: Send + 'static>(
    client: Client,
    filter: F,
    start: i64,
    convert: Convert<ItemOf<F>, P>,
) -> impl Stream<Item = Result<P>> + Send {
    // Fused: polling after the end keeps answering `None` (bindings poll from foreign code).
    stream::unfold((State::<P>::Start(start), HashSet::new()), move |(state, mut seen_next)| {
        let client = client.clone();
        let filter = filter.clone();
        let convert = convert.clone();
        async move {
            let (item, next_state) = step(&client, &filter, &convert, state, &mut seen_next).await;
            item.map(|item| (item, (next_state, seen_next)))
        }
    })
    .fuse()
}

/// One step of the page state machine: the next page (or error) and the state after it.
async fn step<F: ListFilter, P: Send + 'static>(
    client: &Client,
    filter: &F,
    convert: &Convert<ItemOf<F>, P>,
    state: State<P>,
    seen_next: &mut HashSet<i64>,
) -> (Option<Result<P>>, State<P>) {
    match state {
        State::Done => (None, State::Done),
        State::Start(start) => match fetch(client, filter, start).await {
            Err(e) => (Some(Err(e)), State::Done),
            Ok(first) => {
                let total = first.page.total_pages();
                let next = first.shape.next_page;
                let after = if total > start && next.is_some() {
                    let concurrency = client.settings.concurrency;
                    let slots = Arc::new(Semaphore::new(concurrency));
                    let (c, f, conv) = (client.clone(), filter.clone(), convert.clone());
                    let pages = stream::iter(start + 1..=total)
                        .map(move |n| {
                            let (c, f, slots) = (c.clone(), f.clone(), slots.clone());
                            let conv = conv.clone();
                            Spawned(tokio::spawn(async move {
                                let fetched =
                                    crate::transport::with_download_slots(slots, fetch(&c, &f, n))
                                        .await?;
                                Ok(fetched.convert(&conv))
                            }))
                        })
                        // One page more than requests in flight: it is being decoded.
                        .buffered(concurrency + 1)
                        .boxed();
                    State::Middle { pages, last: Some(first.shape) }
                } else {
                    tail_or_done(&first.shape, seen_next)
                };
                match after {
                    State::Tail { .. } if first.shape.empty => {
                        (Some(Err(empty_with_next(&filter.path(), start))), State::Done)
                    }
                    after => (Some(Ok(convert(first.page))), after),
                }
            }
        },
        State::Middle { mut pages, last } => match pages.next().await {
            Some(Err(e)) => (Some(Err(e)), State::Done),
            Some(Ok(fetched)) => {
                let previous = last.and_then(|l| l.bounds);
                if let Err(e) = check_progress(&filter.path(), &fetched.shape, previous) {
                    return (Some(Err(e)), State::Done);
                }
                // `next: null` ends the list, whatever `count` promised: a server whose
                // count lies high must not send us past its last page.
                if fetched.shape.next_page.is_none() {
                    return (Some(Ok(fetched.page)), State::Done);
                }
                let last = Some(fetched.shape);
                (Some(Ok(fetched.page)), State::Middle { pages, last })
            }
            None => match last {
                // The count grew while we paged: continue from the last page's `next`.
                Some(Shape { next_page: Some(n), bounds, .. }) if seen_next.insert(n) => {
                    let after = State::Tail { next_page: n, last_bounds: bounds };
                    Box::pin(step(client, filter, convert, after, seen_next)).await
                }
                Some(Shape { next_page: Some(n), .. }) => {
                    (Some(Err(repeated_next(&filter.path(), n))), State::Done)
                }
                _ => (None, State::Done),
            },
        },
        State::Tail { next_page, last_bounds } => match fetch(client, filter, next_page).await {
            Err(e) => (Some(Err(e)), State::Done),
            Ok(fetched) => {
                if let Err(e) = check_progress(&filter.path(), &fetched.shape, last_bounds) {
                    return (Some(Err(e)), State::Done);
                }
                let after = tail_or_done(&fetched.shape, seen_next);
                if let State::Done = after
                    && let Some(n) = fetched.shape.next_page
                {
                    return (Some(Err(repeated_next(&filter.path(), n))), State::Done);
                }
                (Some(Ok(convert(fetched.page))), after)
            }
        },
    }
}

/// A page fetch on its own task, so that pages are decoded on all cores while the caller
/// consumes earlier ones; aborted when the list is dropped early.
struct Spawned<T>(tokio::task::JoinHandle<Result<T>>);

impl<T> Future for Spawned<T> {
    type Output = Result<T>;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        Pin::new(&mut self.0).poll(cx).map(|joined| {
            joined.unwrap_or_else(|e| Err(Error::unexpected(format!("a page fetch failed: {e}"))))
        })
    }
}

impl<T> Drop for Spawned<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

fn tail_or_done<P>(f: &Shape, seen_next: &mut HashSet<i64>) -> State<P> {
    match f.next_page {
        Some(n) if seen_next.insert(n) => State::Tail { next_page: n, last_bounds: f.bounds },
        _ => State::Done,
    }
}

fn check_progress(path: &str, f: &Shape, previous: Option<(i64, i64)>) -> Result<()> {
    if f.empty && f.next_page.is_some() {
        return Err(empty_with_next(path, f.number));
    }
    if f.bounds.is_some() && f.bounds == previous {
        return Err(Error::unexpected(format!(
            "page {} repeats the previous page (same records); stopping instead of looping",
            f.number
        ))
        .with_request("GET", path));
    }
    Ok(())
}

fn empty_with_next(path: &str, page: i64) -> Error {
    Error::unexpected(format!("page {page} is empty but the server says more follow; stopping"))
        .with_request("GET", path)
}

fn repeated_next(path: &str, page: i64) -> Error {
    Error::unexpected(format!("`next` points to page {page} again; stopping instead of looping"))
        .with_request("GET", path)
}

/// Every record of the list, in order.
pub(crate) fn items<F: ListFilter>(
    client: Client,
    filter: F,
) -> impl Stream<Item = Result<ItemOf<F>>> + Send {
    pages(client, filter)
        .flat_map(|page| match page {
            Ok(page) => {
                stream::iter(page.items.into_iter().map(Ok).collect::<Vec<_>>()).left_stream()
            }
            Err(e) => stream::once(async move { Err(e) }).right_stream(),
        })
        .fuse()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_number_comes_from_the_query_string_only() {
        assert_eq!(
            page_from_next("http://127.0.0.1:8081/iclock/api/transactions/?page=3&page_size=10"),
            Some(3)
        );
        assert_eq!(page_from_next("/x/?limit=5&page=12"), Some(12));
        assert_eq!(page_from_next("http://internal/x/?limit=5"), None);
    }
}
