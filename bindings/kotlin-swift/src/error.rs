//! One error type for Kotlin (`sealed class ZkbioException`) and Swift (`enum ZkbioError`),
//! mapped one to one from `zkbiotime::ErrorKind`, plus `Internal` for a Rust panic.
//!
//! Every variant carries the same fields, so `when (e) { is ZkbioException.NotFound -> ... }`
//! reads the same everywhere. No field is called `message`: it would clash with Kotlin's
//! `Throwable.message`.

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::time::Duration;

use futures::FutureExt;
use zkbiotime::ErrorKind;

macro_rules! error_enum {
    ($($(#[doc = $doc:literal])* $variant:ident => $kind:literal,)*) => {
        /// An error of the zkbiotime client. Its text never contains a password or token.
        ///
        /// Fields (the same on every variant): `status` (HTTP status, when the server
        /// answered), `method` and `path` of the request, `detail` (the server's message or
        /// a short description), `field_errors` (per-field messages of a 400, with
        /// `non_field_errors`), `retry_after` (the server's `Retry-After`, or the login
        /// cool-down left).
        #[derive(Clone, Debug, PartialEq, uniffi::Error)]
        #[uniffi::export(Display)]
        pub enum ZkbioError {
            $(
                $(#[doc = $doc])*
                $variant {
                    status: Option<i32>,
                    method: Option<String>,
                    path: Option<String>,
                    detail: String,
                    field_errors: HashMap<String, Vec<String>>,
                    retry_after: Option<Duration>,
                },
            )*
        }

        impl ZkbioError {
            fn parts(&self) -> (&'static str, &Option<i32>, &Option<String>, &Option<String>, &String) {
                match self {
                    $(Self::$variant { status, method, path, detail, .. } => {
                        ($kind, status, method, path, detail)
                    })*
                }
            }

            fn build(kind: &str, details: Details) -> Self {
                let Details { status, method, path, detail, field_errors, retry_after } = details;
                match kind {
                    $($kind => Self::$variant { status, method, path, detail, field_errors, retry_after },)*
                    _ => Self::Internal { status, method, path, detail, field_errors, retry_after },
                }
            }
        }
    };
}

error_enum! {
    /// 401, or the server rejected the username / password.
    Authentication => "authentication",
    /// A login was refused locally: the password was rejected recently (see `retry_after`).
    LoginCooldown => "login_cooldown",
    /// 403.
    Permission => "permission",
    /// 403 from the licence gate: the licence lacks the API module; Basic auth may pass.
    Licence => "licence",
    /// 404.
    NotFound => "not_found",
    /// 400: see `field_errors`.
    BadRequest => "bad_request",
    /// 5xx, 429 and any other error status.
    Server => "server",
    /// The connection failed or broke (DNS, refused, reset, TLS).
    Transport => "transport",
    /// Connecting or the whole request took too long.
    Timeout => "timeout",
    /// The server answered something that is not the API (HTML page, broken body, loop).
    UnexpectedResponse => "unexpected_response",
    /// The caller passed something unusable (bad URL, bad date text, bad sync state).
    InvalidArgument => "invalid_argument",
    /// A bug: the Rust code panicked. The panic was caught; the client stays usable.
    Internal => "internal",
}

#[derive(Default)]
struct Details {
    status: Option<i32>,
    method: Option<String>,
    path: Option<String>,
    detail: String,
    field_errors: HashMap<String, Vec<String>>,
    retry_after: Option<Duration>,
}

#[uniffi::export]
impl ZkbioError {
    /// The stable snake_case kind (`not_found`, ...), the same in every language binding.
    pub fn kind(&self) -> String {
        self.parts().0.to_string()
    }
}

impl ZkbioError {
    pub(crate) fn invalid_argument(detail: impl Into<String>) -> Self {
        Self::build("invalid_argument", Details { detail: detail.into(), ..Details::default() })
    }

    fn internal(detail: String) -> Self {
        Self::build("internal", Details { detail, ..Details::default() })
    }
}

impl From<zkbiotime::Error> for ZkbioError {
    fn from(e: zkbiotime::Error) -> Self {
        let kind = e.kind();
        // `ErrorKind` is non-exhaustive: a kind added to the core before this binding knows
        // it arrives as `Internal` with the core's text, never as a crash.
        let known = match kind {
            ErrorKind::Authentication
            | ErrorKind::LoginCooldown
            | ErrorKind::Permission
            | ErrorKind::Licence
            | ErrorKind::NotFound
            | ErrorKind::BadRequest
            | ErrorKind::Server
            | ErrorKind::Transport
            | ErrorKind::Timeout
            | ErrorKind::UnexpectedResponse
            | ErrorKind::InvalidArgument => kind.as_str(),
            _ => "internal",
        };
        let detail = if known == "internal" { e.to_string() } else { e.detail().to_string() };
        Self::build(
            known,
            Details {
                status: e.status().map(i32::from),
                method: e.method().map(str::to_string),
                path: e.path().map(str::to_string),
                detail,
                field_errors: e.field_errors().clone().into_iter().collect(),
                retry_after: e.retry_after(),
            },
        )
    }
}

impl fmt::Display for ZkbioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (kind, status, method, path, detail) = self.parts();
        f.write_str(kind)?;
        if let Some(status) = status {
            write!(f, " (HTTP {status})")?;
        }
        if let (Some(m), Some(p)) = (method, path) {
            write!(f, " on {m} {p}")?;
        }
        if !detail.is_empty() {
            write!(f, ": {detail}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ZkbioError {}

fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    let what = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_string());
    format!("the Rust code panicked: {what}")
}

/// Runs an async export; a panic inside becomes `ZkbioError::Internal` instead of a failed
/// foreign call (uniffi would raise its own `InternalException` outside our hierarchy).
pub(crate) async fn guard<T>(
    fut: impl Future<Output = Result<T, ZkbioError>>,
) -> Result<T, ZkbioError> {
    match AssertUnwindSafe(fut).catch_unwind().await {
        Ok(result) => result,
        Err(payload) => Err(ZkbioError::internal(panic_text(payload.as_ref()))),
    }
}

/// `guard` for a synchronous export.
pub(crate) fn guard_sync<T>(f: impl FnOnce() -> Result<T, ZkbioError>) -> Result<T, ZkbioError> {
    match std::panic::catch_unwind(AssertUnwindSafe(f)) {
        Ok(result) => result,
        Err(payload) => Err(ZkbioError::internal(panic_text(payload.as_ref()))),
    }
}

/// Test hook: panics inside Rust, to show that a panic surfaces as `ZkbioError.Internal`
/// and the host process keeps running. Only in dev builds (the tests'; one build serves the
/// tests and the generated sources, which `uniffi.toml` keeps the hooks out of), never in a
/// release library, nor in the generated Kotlin/Swift.
#[cfg(debug_assertions)]
#[uniffi::export]
pub fn testing_panic(text: String) -> Result<(), ZkbioError> {
    guard_sync(|| panic!("{text}"))
}

/// `testing_panic` from inside an async call on the tokio runtime (dev builds only).
#[cfg(debug_assertions)]
#[uniffi::export(async_runtime = "tokio")]
pub async fn testing_panic_async(text: String) -> Result<(), ZkbioError> {
    guard(async move {
        tokio::task::yield_now().await;
        panic!("{text}")
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_internal() {
        let e = guard_sync::<()>(|| panic!("boom")).unwrap_err();
        assert!(matches!(e, ZkbioError::Internal { .. }));
        assert_eq!(e.kind(), "internal");
        assert!(e.to_string().contains("boom"), "{e}");
    }

    #[test]
    fn display_reads_like_the_core() {
        let e = ZkbioError::NotFound {
            status: Some(404),
            method: Some("GET".into()),
            path: Some("/personnel/api/employees/9/".into()),
            detail: "Not found.".into(),
            field_errors: HashMap::new(),
            retry_after: None,
        };
        assert_eq!(
            e.to_string(),
            "not_found (HTTP 404) on GET /personnel/api/employees/9/: Not found."
        );
        assert_eq!(e.kind(), "not_found");
    }
}
