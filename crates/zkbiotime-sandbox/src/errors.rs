//! API errors rendered the way Django REST framework renders them.

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use serde::Serialize;

use crate::json::Obj;

/// Every non-2xx answer the sandbox gives from an API view.
#[derive(Debug)]
pub enum ApiError {
    /// 400 `{field: [messages]}` (already shaped by the validator).
    Validation(Obj),
    /// 400 `{"detail": ...}` (parse errors and similar).
    BadRequest(String),
    /// 401 with the given detail (missing / bad credentials).
    Unauthorized(String),
    /// 403 with the given detail (the licence gate).
    Forbidden(String),
    /// 404 `{"detail": "Not found."}`.
    NotFound,
    /// 404 `{"detail": "Invalid page."}`.
    InvalidPage,
    /// 405 with the request's method and the methods the URL allows.
    MethodNotAllowed { method: String, allow: &'static str },
    /// 415 for bodies we cannot parse.
    UnsupportedMediaType(String),
    /// 500: a bug or a database failure.
    Internal(String),
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub fn not_authenticated() -> Self {
        ApiError::Unauthorized("Authentication credentials were not provided.".into())
    }

    pub fn invalid_token() -> Self {
        ApiError::Unauthorized("Invalid token.".into())
    }

    /// A single-field validation error, e.g. `{"area": ["This list may not be empty."]}`.
    pub fn field(name: &str, msg: impl Into<String>) -> Self {
        let mut o = Obj::new();
        o.push(name, vec![msg.into()]);
        ApiError::Validation(o)
    }

    pub fn into_response(self) -> Response {
        match self {
            ApiError::Validation(body) => json_response(StatusCode::BAD_REQUEST, &body),
            ApiError::BadRequest(d) => detail(StatusCode::BAD_REQUEST, &d),
            ApiError::Unauthorized(d) => {
                let mut r = detail(StatusCode::UNAUTHORIZED, &d);
                // DRF names the first authentication scheme in this header.
                r.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Token"));
                r
            }
            ApiError::Forbidden(d) => detail(StatusCode::FORBIDDEN, &d),
            ApiError::NotFound => detail(StatusCode::NOT_FOUND, "Not found."),
            ApiError::InvalidPage => detail(StatusCode::NOT_FOUND, "Invalid page."),
            ApiError::MethodNotAllowed { method, allow } => {
                let mut r = detail(
                    StatusCode::METHOD_NOT_ALLOWED,
                    &format!("Method \"{method}\" not allowed."),
                );
                r.headers_mut().insert(header::ALLOW, HeaderValue::from_static(allow));
                r
            }
            ApiError::UnsupportedMediaType(ct) => detail(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                &format!("Unsupported media type \"{ct}\" in request."),
            ),
            ApiError::Internal(msg) => {
                tracing::error!("internal error: {msg}");
                detail(StatusCode::INTERNAL_SERVER_ERROR, "A server error occurred.")
            }
        }
    }
}

impl From<rusqlite::Error> for ApiError {
    fn from(e: rusqlite::Error) -> Self {
        ApiError::Internal(format!("database: {e}"))
    }
}

impl From<tokio::task::JoinError> for ApiError {
    fn from(e: tokio::task::JoinError) -> Self {
        ApiError::Internal(format!("worker: {e}"))
    }
}

fn detail(status: StatusCode, msg: &str) -> Response {
    #[derive(Serialize)]
    struct Detail<'a> {
        detail: &'a str,
    }
    json_response(status, &Detail { detail: msg })
}

/// Serialises `body` as a JSON answer with DRF's content type.
pub fn json_response<T: Serialize + ?Sized>(status: StatusCode, body: &T) -> Response {
    match serde_json::to_vec(body) {
        Ok(bytes) => json_bytes(status, bytes),
        Err(e) => ApiError::Internal(format!("serialise: {e}")).into_response(),
    }
}

/// A JSON answer from bytes that are already serialised.
pub fn json_bytes(status: StatusCode, bytes: Vec<u8>) -> Response {
    let mut r = Response::new(Body::from(bytes));
    *r.status_mut() = status;
    r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    r.headers_mut().insert(header::VARY, HeaderValue::from_static("Accept"));
    r
}
