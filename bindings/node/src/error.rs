//! Core errors → JS. A napi error carries a message only, so the details travel as JSON in
//! the message, tagged, and the JS wrapper (`lib/errors.js`) turns them into an instance of
//! the matching error class. This is the error path only: the cost does not matter.

use std::collections::BTreeMap;

use serde::Serialize;

/// Marks a message the JS wrapper must decode (nothing a server says starts with it).
pub const TAG: &str = "\u{1}zkbiotime-error\u{1}";

pub type Result<T, E = BindingError> = std::result::Result<T, E>;

/// An error on its way to JS (boxed: `Result`s stay one pointer wide).
#[derive(Debug)]
pub struct BindingError(Box<Details>);

/// The fields every JS error class has (`ZKBioTimeError`).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Details {
    /// `zkbiotime::ErrorKind::as_str()`: picks the JS class.
    kind: &'static str,
    message: String,
    status: Option<u16>,
    method: Option<String>,
    path: Option<String>,
    detail: String,
    field_errors: BTreeMap<String, Vec<String>>,
    retry_after_ms: Option<u64>,
}

impl BindingError {
    /// The caller passed something unusable (an unknown field, a bad option).
    pub fn invalid(detail: impl Into<String>) -> Self {
        let detail = detail.into();
        Self(Box::new(Details {
            kind: "invalid_argument",
            message: format!("invalid argument: {detail}"),
            status: None,
            method: None,
            path: None,
            detail,
            field_errors: BTreeMap::new(),
            retry_after_ms: None,
        }))
    }
}

impl From<zkbiotime::Error> for BindingError {
    fn from(e: zkbiotime::Error) -> Self {
        Self(Box::new(Details {
            kind: e.kind().as_str(),
            // The core's Display: never a token or password.
            message: e.to_string(),
            status: e.status(),
            method: e.method().map(str::to_string),
            path: e.path().map(str::to_string),
            detail: e.detail().to_string(),
            field_errors: e.field_errors().clone(),
            retry_after_ms: e.retry_after().map(|d| d.as_millis() as u64),
        }))
    }
}

impl From<BindingError> for napi::Error {
    fn from(e: BindingError) -> Self {
        let json = serde_json::to_string(&*e.0).unwrap_or_else(|_| {
            format!(r#"{{"kind":"unexpected_response","message":{:?}}}"#, e.0.message)
        });
        napi::Error::new(napi::Status::GenericFailure, format!("{TAG}{json}"))
    }
}
