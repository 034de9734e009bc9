//! What a resource object does, each a thin face over the core's resource: records and
//! filters are converted, errors mapped, panics caught; paging, retries and auth stay in
//! the core. Which resources exist is generated from the spec (`generated/resources.rs`).

use futures::stream::{BoxStream, StreamExt};

use crate::error::{ZkbioError, guard};
use crate::generated_resources::Transactions;
use crate::records::*;

/// What a pager holds: the core's page stream, and a page fetched early by `count()`.
pub(crate) struct PagerState<T> {
    pages: BoxStream<'static, zkbiotime::Result<zkbiotime::Page<T>>>,
    peeked: Option<zkbiotime::Page<T>>,
    count: Option<i64>,
}

impl<T> PagerState<T> {
    pub(crate) fn new(pages: BoxStream<'static, zkbiotime::Result<zkbiotime::Page<T>>>) -> Self {
        Self { pages, peeked: None, count: None }
    }

    pub(crate) async fn next(&mut self) -> Result<Option<zkbiotime::Page<T>>, ZkbioError> {
        if let Some(page) = self.peeked.take() {
            return Ok(Some(page));
        }
        let page = self.pages.next().await.transpose()?;
        if let Some(p) = &page {
            self.count = Some(p.count);
        }
        Ok(page)
    }

    pub(crate) async fn count(&mut self) -> Result<i64, ZkbioError> {
        if self.count.is_none() {
            self.peeked = self.next().await?;
        }
        Ok(self.count.unwrap_or(0))
    }
}

macro_rules! read_resource {
    ($doc:literal, $res:ident, $pager:ident, $page:ident, $page_doc:literal,
     item: $item:ident, filter: $filter:ident) => {
        #[doc = $doc]
        #[derive(uniffi::Object)]
        pub struct $res {
            pub(crate) inner: zkbiotime::$res,
        }

        impl $res {
            pub(crate) fn new(inner: zkbiotime::$res) -> Self {
                Self { inner }
            }
        }

        #[doc = $page_doc]
        #[derive(Clone, Debug, PartialEq, uniffi::Record)]
        pub struct $page {
            /// 1-based page number.
            pub number: i64,
            /// Records in the whole list, as the server counted when serving this page.
            pub count: i64,
            /// Records per page asked for.
            pub page_size: i64,
            /// Whether the server says another page follows.
            pub has_next: bool,
            pub items: Vec<$item>,
        }

        impl From<zkbiotime::Page<zkbiotime::types::$item>> for $page {
            fn from(p: zkbiotime::Page<zkbiotime::types::$item>) -> Self {
                Self {
                    number: p.number,
                    count: p.count,
                    page_size: p.page_size,
                    has_next: p.has_next,
                    items: p.items.into_iter().map(Into::into).collect(),
                }
            }
        }

        /// Reads a list one page at a time: `next_page()` until it returns `null`. Pages
        /// after the first are fetched ahead, a few at once. After an error the pager is
        /// finished (start a new one, or fetch a page by number).
        #[derive(uniffi::Object)]
        pub struct $pager {
            state: tokio::sync::Mutex<PagerState<zkbiotime::types::$item>>,
        }

        #[uniffi::export(async_runtime = "tokio")]
        impl $pager {
            /// The next page, or `null` after the last one.
            pub async fn next_page(&self) -> Result<Option<$page>, ZkbioError> {
                guard(async { Ok(self.state.lock().await.next().await?.map(Into::into)) }).await
            }

            /// Records in the whole list (fetches the first page if none was read yet).
            pub async fn count(&self) -> Result<i64, ZkbioError> {
                guard(async { self.state.lock().await.count().await }).await
            }
        }

        #[uniffi::export(async_runtime = "tokio")]
        impl $res {
            /// Every record the filter selects, in one list. For big lists use `pager`.
            #[uniffi::method(default(filter))]
            pub async fn list(&self, filter: Option<$filter>) -> Result<Vec<$item>, ZkbioError> {
                guard(async {
                    let filter = filter.into_core()?.unwrap_or_default();
                    Ok(self.inner.list(filter).map_ok(Into::into).try_collect().await?)
                })
                .await
            }

            /// Page `number` (1-based) of the list, with the total count.
            #[uniffi::method(default(filter))]
            pub async fn page(
                &self,
                number: i64,
                filter: Option<$filter>,
            ) -> Result<$page, ZkbioError> {
                guard(async {
                    let filter = filter.into_core()?.unwrap_or_default();
                    Ok(self.inner.page(&filter, number).await?.into())
                })
                .await
            }

            /// A pager over every page the filter selects (no request until it is read).
            #[uniffi::method(default(filter))]
            pub fn pager(&self, filter: Option<$filter>) -> Result<Arc<$pager>, ZkbioError> {
                guard_sync(|| {
                    let filter = filter.into_core()?.unwrap_or_default();
                    // Fused: asking again after the end keeps answering `null`.
                    let pages = self.inner.pages(filter).fuse().boxed();
                    Ok(Arc::new($pager { state: tokio::sync::Mutex::new(PagerState::new(pages)) }))
                })
            }
        }
    };
}

/// `get` of a resource with a detail path (list-only ones, such as reports, have none).
macro_rules! get_resource {
    ($res:ident, item: $item:ident) => {
        #[uniffi::export(async_runtime = "tokio")]
        impl $res {
            /// One record by id.
            pub async fn get(&self, id: i64) -> Result<$item, ZkbioError> {
                guard(async { Ok(self.inner.get(id).await?.into()) }).await
            }
        }
    };
}

macro_rules! write_resource {
    ($res:ident, create: $create:ident -> $written:ident, update: $update:ident) => {
        #[uniffi::export(async_runtime = "tokio")]
        impl $res {
            /// Creates a record. Never retried automatically: a lost answer may hide a stored
            /// record.
            pub async fn create(&self, body: $create) -> Result<$written, ZkbioError> {
                guard(async { Ok(self.inner.create(body.into_core()?).await?.into()) }).await
            }

            /// Changes the fields set in `body` (PATCH, or PUT where the API has only that);
            /// `null` fields stay as they are.
            pub async fn update(&self, id: i64, body: $update) -> Result<$written, ZkbioError> {
                guard(async { Ok(self.inner.update(id, body.into_core()?).await?.into()) }).await
            }

            /// Deletes a record.
            pub async fn delete(&self, id: i64) -> Result<(), ZkbioError> {
                guard(async { Ok(self.inner.delete(id).await?) }).await
            }
        }
    };
}

macro_rules! upsert_resource {
    ($res:ident, create: $create:ident -> $written:ident, upserted: $upserted:ident) => {
        /// What `upsert` did: `created` is false when the record with the same code was
        /// updated.
        #[derive(Clone, Debug, PartialEq, uniffi::Record)]
        pub struct $upserted {
            pub created: bool,
            /// The stored record, either way.
            pub record: $written,
        }

        #[uniffi::export(async_runtime = "tokio")]
        impl $res {
            /// Creates the record, or updates the one with the same code (`emp_code`, ...:
            /// the resource's upsert key in the spec). Safe to repeat.
            pub async fn upsert(&self, body: $create) -> Result<$upserted, ZkbioError> {
                guard(async {
                    let done = self.inner.upsert(body.into_core()?).await?;
                    let created = done.was_created();
                    Ok($upserted { created, record: done.into_inner().into() })
                })
                .await
            }
        }
    };
}

// Invoked once per resource of the spec by the generated module (`cargo xtask codegen`).
pub(crate) use {get_resource, read_resource, upsert_resource, write_resource};

/// New punches from `Transactions.sync`, and the state to store once they are kept.
#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct SyncBatch {
    /// Punches not returned before, in ascending id order.
    pub punches: Vec<Transaction>,
    /// The state to pass to the next `sync` (JSON text; store it after the punches).
    pub state: String,
    /// False when the batch stopped at `max`: call again for more.
    pub complete: bool,
}

#[uniffi::export(async_runtime = "tokio")]
impl Transactions {
    /// Every punch exactly once across runs, late uploads included. `state` is the JSON
    /// text of the previous batch's `state` (`null`: start from the first punch); `max`
    /// bounds the punches of one batch. Store `batch.state` only after the punches are kept.
    /// `since` (first sync only, `state` null): server-local `YYYY-MM-DD` or
    /// `YYYY-MM-DD HH:MM:SS`; punches timed before it are never returned.
    #[uniffi::method(default(state = None, max = None, since = None))]
    pub async fn sync(
        &self,
        state: Option<String>,
        max: Option<i32>,
        since: Option<String>,
    ) -> Result<SyncBatch, ZkbioError> {
        guard(async {
            let max = max
                .map(|m| {
                    usize::try_from(m).map_err(|_| {
                        ZkbioError::invalid_argument(format!("sync: max {m} is negative"))
                    })
                })
                .transpose()?;
            let state = zkbiotime::SyncState::start(state.as_deref(), since.as_deref())?;
            let batch = self.inner.sync(&state, max).await?;
            Ok(SyncBatch {
                punches: batch.punches.into_iter().map(Into::into).collect(),
                state: batch.state.to_json(),
                complete: batch.complete,
            })
        })
        .await
    }

    /// Downloads the server-rendered export (`format`: CSV, TXT or XLS) of the punches the
    /// filter selects into the file `path`, streamed to disk; returns the bytes written.
    /// Written as `<path>.part` and renamed when complete: a failure leaves no file (and an
    /// existing `path` untouched).
    #[uniffi::method(default(filter))]
    pub async fn export_file(
        &self,
        path: String,
        format: TransactionExportType,
        filter: Option<TransactionFilter>,
    ) -> Result<i64, ZkbioError> {
        guard(async {
            let filter = crate::convert::IntoCore::into_core(filter)?.unwrap_or_default();
            let written = self.inner.export_file(filter, format.into(), path).await?;
            Ok(i64::try_from(written).unwrap_or(i64::MAX))
        })
        .await
    }
}
