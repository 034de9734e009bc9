//! Any attendance report by name (`/att/api/<name>/`): rows as maps of column to JSON text
//! (as records' `extra` is), read one page at a time by a [`ReportPager`]; the paging is
//! the core's.

use std::collections::HashMap;
use std::sync::Arc;

use futures::stream::StreamExt;

use crate::client::Client;
use crate::error::{ZkbioError, guard, guard_sync};
use crate::resources::PagerState;

/// One page of a report.
#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct ReportPage {
    /// 1-based page number.
    pub number: i64,
    /// Rows in the whole report, as the server counted when serving this page.
    pub count: i64,
    /// Rows per page asked for.
    pub page_size: i64,
    /// Whether the server says another page follows.
    pub has_next: bool,
    /// Each row: column name -> the value's JSON text (`"\"08:01:00\""`, `"8.5"`, `"null"`).
    pub rows: Vec<HashMap<String, String>>,
}

impl From<zkbiotime::Page<zkbiotime::ReportRow>> for ReportPage {
    fn from(p: zkbiotime::Page<zkbiotime::ReportRow>) -> Self {
        Self {
            number: p.number,
            count: p.count,
            page_size: p.page_size,
            has_next: p.has_next,
            rows: p.items.into_iter().map(crate::convert::extra_out).collect(),
        }
    }
}

/// Reads a report one page at a time: `next_page()` until it returns `null`.
#[derive(uniffi::Object)]
pub struct ReportPager {
    state: tokio::sync::Mutex<PagerState<zkbiotime::ReportRow>>,
}

#[uniffi::export(async_runtime = "tokio")]
impl ReportPager {
    /// The next page, or `null` after the last one.
    pub async fn next_page(&self) -> Result<Option<ReportPage>, ZkbioError> {
        guard(async { Ok(self.state.lock().await.next().await?.map(Into::into)) }).await
    }

    /// Rows in the whole report (fetches the first page if none was read yet).
    pub async fn count(&self) -> Result<i64, ZkbioError> {
        guard(async { self.state.lock().await.count().await }).await
    }
}

#[uniffi::export]
impl Client {
    /// A pager over any attendance report by name (`dailyAttendanceReport`, ...) with its
    /// own parameters (`start_date`, `end_date`, `departments`, ...); no request until it
    /// is read. Kotlin: `client.reportFlow(name, params)`.
    #[uniffi::method(default(params))]
    pub fn report_pager(
        &self,
        name: String,
        params: Option<HashMap<String, String>>,
    ) -> Result<Arc<ReportPager>, ZkbioError> {
        guard_sync(|| {
            let mut params: Vec<(String, String)> =
                params.unwrap_or_default().into_iter().collect();
            // A stable query order (a map has none).
            params.sort();
            let query = zkbiotime::ReportQuery::new(&name, params)?;
            let pages = self.inner.report_pages(query).fuse().boxed();
            Ok(Arc::new(ReportPager { state: tokio::sync::Mutex::new(PagerState::new(pages)) }))
        })
    }
}
