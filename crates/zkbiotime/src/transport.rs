//! The hooks progenitor's generated client calls around every request: they add the
//! `Authorization` header, log the exchange, and note the answer's status so that an error
//! whose body is not JSON (an HTML 502 page) still reports its status; the decoder of
//! JSON answers it is generated to call; and the request slots that bound a list's page
//! requests in flight (held per attempt, given back before the page is decoded).

use std::cell::RefCell;
use std::sync::Arc;
use std::time::{Duration, Instant};

use progenitor_client::{ClientHooks, OperationInfo, ResponseValue};
use reqwest::header::{ACCEPT_LANGUAGE, AUTHORIZATION, HeaderValue, RETRY_AFTER};
use serde::de::DeserializeOwned;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::auth::Auth;
use crate::generated::api;

/// What the generated client carries for our hooks (progenitor's "inner type").
pub type Inner = Arc<Session>;

/// State shared by every clone of a client.
#[derive(Debug)]
pub struct Session {
    pub(crate) auth: Auth,
    /// Answers longer than this are cut off with an error instead of filling memory.
    pub(crate) max_response_bytes: usize,
    /// Read answers exactly as the spec types them (no decoding policy: `crate::loose`).
    pub(crate) strict: bool,
    /// Display texts (`punch_state_display`, ...) follow it.
    pub(crate) accept_language: HeaderValue,
}

/// What the hooks saw of the last answer in this request attempt.
#[derive(Clone, Debug, Default)]
pub(crate) struct AnswerMeta {
    pub status: Option<u16>,
    pub content_type: Option<String>,
    pub retry_after: Option<Duration>,
    /// The client's `strict` setting, for `json_response` (which only sees the answer).
    pub strict: bool,
    /// The `page_size` the request asked for (0 if none): a list page's record count.
    pub list_capacity: usize,
}

tokio::task_local! {
    /// Scoped around one attempt by the caller (see `client::Client::send`), so the hook can
    /// hand the answer's metadata back past progenitor's error type.
    pub(crate) static ANSWER: RefCell<AnswerMeta>;
}

/// The request slots of one list's page fetches (see `crate::paging`): each attempt of a
/// page request holds one from before it is sent until its body has arrived (or the attempt
/// ends), so `concurrency` bounds the requests in flight, retries and logins included, while
/// decoding a page takes no slot.
struct DownloadSlots {
    slots: Arc<Semaphore>,
    held: RefCell<Option<OwnedSemaphorePermit>>,
}

tokio::task_local! {
    static DOWNLOAD_SLOTS: DownloadSlots;
}

/// Runs `fut` (one page fetch) with its attempts taking their slots from `slots`.
pub(crate) async fn with_download_slots<F: std::future::Future>(
    slots: Arc<Semaphore>,
    fut: F,
) -> F::Output {
    DOWNLOAD_SLOTS.scope(DownloadSlots { slots, held: RefCell::new(None) }, fut).await
}

/// Takes a slot for the attempt about to start, if this task fetches list pages.
async fn take_download_slot() {
    let Ok(slots) = DOWNLOAD_SLOTS.try_with(|d| d.slots.clone()) else { return };
    // The semaphore is never closed, so `acquire_owned` cannot fail.
    let permit = slots.acquire_owned().await.ok();
    let _ = DOWNLOAD_SLOTS.try_with(|d| *d.held.borrow_mut() = permit);
}

/// Gives the attempt's slot back (`true` if it held one).
fn release_download_slot() -> bool {
    DOWNLOAD_SLOTS.try_with(|d| d.held.borrow_mut().take()).ok().flatten().is_some()
}

/// Operations that must go out without credentials.
fn is_login(info: &OperationInfo) -> bool {
    matches!(
        info.operation_id,
        "token_login" | "jwt_login" | "staff_token_login" | "staff_jwt_login"
    )
}

impl ClientHooks<Inner> for api::Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        info: &OperationInfo,
    ) -> Result<(), progenitor_client::Error<E>> {
        // progenitor sends an `api-version` header that ZKBio Time does not know.
        request.headers_mut().remove("api-version");
        request.headers_mut().insert(ACCEPT_LANGUAGE, self.inner.accept_language.clone());
        if is_login(info) {
            return Ok(());
        }
        if let Some(value) = self.inner.auth.header_value() {
            let mut value = HeaderValue::from_str(&value).map_err(|_| {
                progenitor_client::Error::InvalidRequest("token is not valid header text".into())
            })?;
            // Keeps the value out of reqwest's and hyper's Debug output.
            value.set_sensitive(true);
            request.headers_mut().insert(AUTHORIZATION, value);
        }
        Ok(())
    }

    async fn exec(
        &self,
        request: reqwest::Request,
        info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        let method = request.method().clone();
        let path = request.url().path().to_string();
        let list_capacity = page_size(request.url());
        let started = Instant::now();
        let limit = self.inner.max_response_bytes;
        let result = self.client.execute(request).await.map(|r| limit_body(r, limit));
        let elapsed_ms = started.elapsed().as_millis() as u64;
        match &result {
            Ok(response) => {
                let meta = AnswerMeta {
                    status: Some(response.status().as_u16()),
                    content_type: response
                        .headers()
                        .get(reqwest::header::CONTENT_TYPE)
                        .and_then(|v| v.to_str().ok())
                        .map(str::to_string),
                    retry_after: response
                        .headers()
                        .get(RETRY_AFTER)
                        .and_then(|v| v.to_str().ok())
                        .and_then(parse_retry_after),
                    strict: self.inner.strict,
                    list_capacity,
                };
                let _ = ANSWER.try_with(|cell| *cell.borrow_mut() = meta);
                tracing::debug!(
                    operation = info.operation_id,
                    %method,
                    path,
                    status = response.status().as_u16(),
                    elapsed_ms,
                    "zkbiotime response"
                );
            }
            Err(error) => {
                tracing::debug!(
                    operation = info.operation_id,
                    %method,
                    path,
                    elapsed_ms,
                    error = %redact_url(error),
                    "zkbiotime request failed"
                );
            }
        }
        result
    }
}

/// Reads a JSON answer into `T`: progenitor's `ResponseValue::from_response`, which the
/// code generator (`xtask/src/codegen.rs`) points every operation at instead. Same result
/// and errors; the difference is speed: one UTF-8 check of the whole body and then
/// `from_str`, where `from_slice` checks every string again (~20% of decoding a page of
/// punches). A body that is not UTF-8 takes `from_slice`, so its error stays serde's.
pub async fn json_response<T: DeserializeOwned, E>(
    response: reqwest::Response,
) -> Result<ResponseValue<T>, progenitor_client::Error<E>> {
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.bytes().await.map_err(progenitor_client::Error::ResponseBodyError)?;
    // The body is here: the next page's request may go while this one is decoded.
    if release_download_slot() {
        // The page woken by the slot waits in this worker's LIFO slot, which other
        // workers cannot steal from: let it send its request before this page decodes.
        tokio::task::yield_now().await;
    }
    let (strict, records) = ANSWER
        .try_with(|cell| (cell.borrow().strict, cell.borrow().list_capacity))
        .unwrap_or_default();
    let inner = crate::loose::decoding_list(records, || {
        crate::loose::decoding(strict, || match std::str::from_utf8(&body) {
            Ok(text) => serde_json::from_str(text),
            Err(_) => serde_json::from_slice(&body),
        })
    });
    match inner {
        Ok(inner) => Ok(ResponseValue::new(inner, status, headers)),
        Err(e) => Err(progenitor_client::Error::InvalidResponsePayload(body, e)),
    }
}

/// The `page_size` a list request asks for, if any.
fn page_size(url: &reqwest::Url) -> usize {
    url.query_pairs().find(|(k, _)| k == "page_size").and_then(|(_, v)| v.parse().ok()).unwrap_or(0)
}

/// Caps how much of the body can be read: a hostile or broken server cannot make the
/// client buffer an unbounded answer (progenitor reads whole bodies).
fn limit_body(response: reqwest::Response, limit: usize) -> reqwest::Response {
    let (parts, body) = http::Response::<reqwest::Body>::from(response).into_parts();
    let limited = reqwest::Body::wrap(http_body_util::Limited::new(body, limit));
    reqwest::Response::from(http::Response::from_parts(parts, limited))
}

/// Whether an error comes from `limit_body`'s cap.
pub(crate) fn is_too_large(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut current = Some(error);
    while let Some(e) = current {
        if e.is::<http_body_util::LengthLimitError>() {
            return true;
        }
        current = e.source();
    }
    false
}

/// The error's text without its URL (query strings can carry filter values).
fn redact_url(error: &reqwest::Error) -> String {
    let mut text = error.to_string();
    if let Some(url) = error.url() {
        text = text.replace(url.as_str(), url.path());
    }
    text
}

/// `Retry-After` in seconds (fractions allowed); HTTP dates are treated as "soon".
fn parse_retry_after(text: &str) -> Option<Duration> {
    let secs: f64 = text.trim().parse().ok()?;
    (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(secs.min(3600.0)))
}

/// Reads what the hook recorded for the attempt that just finished.
pub(crate) fn last_answer() -> AnswerMeta {
    ANSWER.try_with(|cell| cell.borrow().clone()).unwrap_or_default()
}

/// Runs one attempt with a fresh answer slot.
pub(crate) async fn scoped<F: std::future::Future>(fut: F) -> (F::Output, AnswerMeta) {
    take_download_slot().await;
    let out = ANSWER
        .scope(RefCell::new(AnswerMeta::default()), async move {
            let out = fut.await;
            (out, last_answer())
        })
        .await;
    // An error answer, or no body read: the slot goes back before any retry's wait.
    release_download_slot();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_parses_seconds() {
        assert_eq!(parse_retry_after("2"), Some(Duration::from_secs(2)));
        assert_eq!(parse_retry_after("0.5"), Some(Duration::from_millis(500)));
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), None);
    }
}
