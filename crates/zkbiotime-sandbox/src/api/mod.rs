//! The REST resources. Each handler does its database work in one blocking closure so a
//! request sees one consistent snapshot.

pub mod actions;
pub mod employees;
pub mod export;
pub mod filters;
pub mod org;
pub mod punch_delete;
pub mod reports;
pub mod resigns;
pub mod terminals;
pub mod transactions;

use std::sync::Arc;

use axum::http::StatusCode;
use axum::response::Response;
use serde::{Serialize, Serializer};
use serde_json::json;

use crate::db::Store;
use crate::errors::{ApiError, ApiResult, json_bytes};
use crate::index::{ListQuery, page_ids};
use crate::json::Obj;
use crate::paging::{PageRequest, Query, RequestUrl, envelope};
use crate::state::AppState;
use crate::version::ServerVersion;

/// A record (or a page of them) in 9.0's typed shape, serialised directly (the fast
/// path), or reshaped for another server version.
pub enum Versioned<T, S = Obj> {
    Typed(T),
    Reshaped(S),
}

impl<T: Serialize, S: Serialize> Serialize for Versioned<T, S> {
    fn serialize<Z: Serializer>(&self, s: Z) -> Result<Z::Ok, Z::Error> {
        match self {
            Versioned::Typed(t) => t.serialize(s),
            Versioned::Reshaped(r) => r.serialize(s),
        }
    }
}

/// Serves one page of a list: builds the query (filters may fail validation), slices the
/// cached ordered ids, fetches just those rows and writes the envelope.
pub async fn list_page<D, B, F>(
    state: &Arc<AppState>,
    url: RequestUrl,
    build: B,
    fetch: F,
) -> ApiResult<Response>
where
    D: Serialize,
    B: FnOnce(&Store, &Query) -> ApiResult<ListQuery> + Send + 'static,
    F: FnOnce(&Store, &[i64]) -> ApiResult<D> + Send + 'static,
{
    let version = state.config.server_version;
    let page = PageRequest::from_query_with(&url.query, version.honours_limit());
    let rows_key = version.list_key();
    let bytes = state
        .db
        .run(move |store| {
            let q = build(store, &url.query)?;
            let (count, window, ids) = store.with_ordered_ids(&q, |rows| -> ApiResult<_> {
                let w = page.window(rows.len())?;
                Ok((rows.len(), w, page_ids(rows, q.desc, w.offset, w.len)))
            })??;
            let data = fetch(store, &ids)?;
            envelope(count, &window, &url, rows_key, &data)
        })
        .await?;
    Ok(json_bytes(StatusCode::OK, bytes))
}

/// Serialises a single object answer.
pub fn object<T: Serialize>(status: StatusCode, value: &T) -> ApiResult<Response> {
    let bytes = serde_json::to_vec(value).map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(json_bytes(status, bytes))
}

/// DRF answers a delete with 204 and no body.
pub fn no_content() -> Response {
    let mut r = Response::new(axum::body::Body::empty());
    *r.status_mut() = StatusCode::NO_CONTENT;
    r
}

/// The answer to a successful delete: 204, or on 8.0 200 with the status envelope.
pub fn deleted(version: ServerVersion) -> ApiResult<Response> {
    if version.deletes_with_body() {
        object(StatusCode::OK, &json!({"code": 0, "msg": ""}))
    } else {
        Ok(no_content())
    }
}

/// Server-local "now" as the API writes datetimes.
pub fn now_text() -> String {
    chrono::Local::now().naive_local().format("%Y-%m-%d %H:%M:%S").to_string()
}

pub fn today_text() -> String {
    chrono::Local::now().naive_local().format("%Y-%m-%d").to_string()
}
