//! The client's error type: few, stable kinds that every binding maps one to one.

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

use crate::generated::api::types::ErrorBody;

/// What went wrong, without the details. Bindings map each kind to one exception class.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// 401, or the server rejected the username / password.
    Authentication,
    /// A login was refused locally because the password was rejected recently.
    LoginCooldown,
    /// 403.
    Permission,
    /// 403 from the licence gate: the server's licence lacks the API module (BioTime 8
    /// trial licences). HTTP Basic auth may pass it.
    Licence,
    /// 404 (including "Invalid page.").
    NotFound,
    /// 400 with per-field messages.
    BadRequest,
    /// 5xx, 429 and any other error status.
    Server,
    /// The connection failed or broke (DNS, refused, reset, TLS).
    Transport,
    /// Connecting or the whole request took too long.
    Timeout,
    /// The server answered something that is not the API's JSON (an HTML page, a 2xx
    /// envelope with `code != 0`, a body that does not match the spec, a paging loop).
    UnexpectedResponse,
    /// The caller passed something unusable (a bad URL, an unknown filter, a bad state).
    InvalidArgument,
}

impl ErrorKind {
    /// A stable snake_case name, used by the bindings and the cross-language scenarios.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Authentication => "authentication",
            Self::LoginCooldown => "login_cooldown",
            Self::Permission => "permission",
            Self::Licence => "licence",
            Self::NotFound => "not_found",
            Self::BadRequest => "bad_request",
            Self::Server => "server",
            Self::Transport => "transport",
            Self::Timeout => "timeout",
            Self::UnexpectedResponse => "unexpected_response",
            Self::InvalidArgument => "invalid_argument",
        }
    }
}

/// An error from the ZKBio Time client.
///
/// It carries the HTTP status, the request's method and path, the server's `detail` and,
/// for a 400, the per-field messages. Its text never contains a token or password.
#[derive(Debug)]
pub struct Error(Box<Details>);

/// Boxed so that `Result<T, Error>` stays one pointer wide.
#[derive(Debug)]
struct Details {
    kind: ErrorKind,
    status: Option<u16>,
    method: Option<String>,
    path: Option<String>,
    detail: String,
    field_errors: BTreeMap<String, Vec<String>>,
    retry_after: Option<Duration>,
    /// The request had been sent more than once (a DELETE may then find its work done).
    after_retry: bool,
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub(crate) fn new(kind: ErrorKind, detail: impl Into<String>) -> Self {
        Self(Box::new(Details {
            kind,
            status: None,
            method: None,
            path: None,
            detail: detail.into(),
            field_errors: BTreeMap::new(),
            retry_after: None,
            after_retry: false,
            source: None,
        }))
    }

    /// An `InvalidArgument` error: for callers (e.g. the language bindings) that reject
    /// input before it reaches the client, so it surfaces like the client's own checks.
    pub fn invalid_argument(detail: impl Into<String>) -> Self {
        Self::new(ErrorKind::InvalidArgument, detail)
    }

    pub(crate) fn unexpected(detail: impl Into<String>) -> Self {
        Self::new(ErrorKind::UnexpectedResponse, detail)
    }

    pub(crate) fn with_status(mut self, status: u16) -> Self {
        self.0.status = Some(status);
        self
    }

    pub(crate) fn with_request(mut self, method: &str, path: &str) -> Self {
        self.0.method = Some(method.to_string());
        self.0.path = Some(path.to_string());
        self.no_such_api(path)
    }

    /// A web page where an API not every server has should answer (the resign API on 8.0 /
    /// 9.0: "Page not found", status 200 or 404): said plainly, as not found, not retried.
    fn no_such_api(mut self, path: &str) -> Self {
        let web_page = matches!(self.0.kind, ErrorKind::UnexpectedResponse | ErrorKind::NotFound)
            && self.0.detail.to_ascii_lowercase().contains("html");
        let api = crate::generated::resources::OPTIONAL_APIS.iter().find(|a| path.starts_with(a.0));
        if let (true, Some((_, name, servers))) = (web_page, api) {
            self.0.kind = ErrorKind::NotFound;
            self.0.detail = format!(
                "this server has no {name} API (BioTime {servers} have one); it answered {}",
                self.0.detail
            );
        } else if let (true, Some(report)) = (web_page, path.strip_prefix("/att/api/")) {
            // A report name the server does not know (reports differ by version and licence).
            self.0.kind = ErrorKind::NotFound;
            self.0.detail = format!(
                "this server has no report {:?}; it answered {}",
                report.trim_end_matches('/'),
                self.0.detail
            );
        }
        self
    }

    pub(crate) fn with_source(
        mut self,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        self.0.source = Some(Box::new(source));
        self
    }

    pub(crate) fn after_retry(mut self) -> Self {
        self.0.after_retry = true;
        self
    }

    pub(crate) fn was_retried(&self) -> bool {
        self.0.after_retry
    }

    pub(crate) fn with_retry_after(mut self, after: Option<Duration>) -> Self {
        self.0.retry_after = after;
        self
    }

    /// An error answer of the server: the kind follows from the status, the detail and
    /// field messages from the DRF body.
    pub(crate) fn from_status(status: u16, body: Option<&ErrorBody>, raw: &str) -> Self {
        let kind = match status {
            400 => ErrorKind::BadRequest,
            401 => ErrorKind::Authentication,
            403 => ErrorKind::Permission,
            404 => ErrorKind::NotFound,
            _ => ErrorKind::Server,
        };
        let mut err = Self::new(kind, String::new()).with_status(status);
        match body {
            Some(body) => {
                err.0.field_errors = field_errors(body);
                err.0.detail =
                    body.detail.clone().unwrap_or_else(|| summarize(&err.0.field_errors));
            }
            None => err.0.detail = snippet(raw),
        }
        if err.0.detail.is_empty() {
            err.0.detail = format!("HTTP {status}");
        }
        // The licence gate: a 403 whose text mentions the licence (pybiotime's rule; the body
        // is undocumented). Said plainly, with the way around it.
        if status == 403
            && (err.0.detail.to_lowercase().contains("licen")
                || raw.to_lowercase().contains("licen"))
        {
            err.0.kind = ErrorKind::Licence;
            err.0.detail.push_str(
                " (the server's licence does not include the API module; HTTP Basic auth may pass: \
                 ClientBuilder::basic / auth=\"basic\")",
            );
        }
        err
    }

    pub fn kind(&self) -> ErrorKind {
        self.0.kind
    }
    /// The HTTP status, when the server answered.
    pub fn status(&self) -> Option<u16> {
        self.0.status
    }
    pub fn method(&self) -> Option<&str> {
        self.0.method.as_deref()
    }
    /// The request path (without host or query string).
    pub fn path(&self) -> Option<&str> {
        self.0.path.as_deref()
    }
    /// The server's `detail`, or a short description of what went wrong.
    pub fn detail(&self) -> &str {
        &self.0.detail
    }
    /// Per-field validation messages of a 400 answer (`non_field_errors` included).
    pub fn field_errors(&self) -> &BTreeMap<String, Vec<String>> {
        &self.0.field_errors
    }
    /// How long the server asked us to wait (429 `Retry-After`), or the login cool-down left.
    pub fn retry_after(&self) -> Option<Duration> {
        self.0.retry_after
    }

    /// Whether repeating the same idempotent request may succeed.
    pub(crate) fn is_retryable(&self) -> bool {
        match self.0.kind {
            ErrorKind::Transport | ErrorKind::Timeout => true,
            // 500 too: Django answers 500 for a dropped database connection, and only
            // idempotent requests are ever retried.
            ErrorKind::Server => matches!(self.0.status, Some(429 | 500 | 502 | 503 | 504)),
            // An HTML page or a broken body where JSON was expected: a starting or
            // overloaded server, or a proxy in between.
            ErrorKind::UnexpectedResponse => self.0.status.is_none_or(|s| !(300..500).contains(&s)),
            _ => false,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self.0.kind {
            ErrorKind::Authentication => "authentication failed",
            ErrorKind::LoginCooldown => "login refused during cool-down",
            ErrorKind::Permission => "permission denied",
            ErrorKind::Licence => "licence gate",
            ErrorKind::NotFound => "not found",
            ErrorKind::BadRequest => "bad request",
            ErrorKind::Server => "server error",
            ErrorKind::Transport => "transport error",
            ErrorKind::Timeout => "timed out",
            ErrorKind::UnexpectedResponse => "unexpected response",
            ErrorKind::InvalidArgument => "invalid argument",
        })?;
        if let Some(status) = self.0.status {
            write!(f, " (HTTP {status})")?;
        }
        if let (Some(m), Some(p)) = (&self.0.method, &self.0.path) {
            write!(f, " on {m} {p}")?;
        }
        if !self.0.detail.is_empty() {
            write!(f, ": {}", self.0.detail)?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0.source.as_deref().map(|e| e as &(dyn std::error::Error + 'static))
    }
}

/// `{field: [messages]}` (or `{field: "message"}`) out of a DRF 400 body.
fn field_errors(body: &ErrorBody) -> BTreeMap<String, Vec<String>> {
    body.extra
        .iter()
        .map(|(field, value)| {
            let messages = match value {
                serde_json::Value::Array(items) => items.iter().map(value_text).collect(),
                other => vec![value_text(other)],
            };
            (field.clone(), messages)
        })
        .collect()
}

fn value_text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn summarize(fields: &BTreeMap<String, Vec<String>>) -> String {
    fields
        .iter()
        .map(|(field, msgs)| format!("{field}: {}", msgs.join(" ")))
        .collect::<Vec<_>>()
        .join("; ")
}

/// The start of a non-JSON body, for an error message: an HTML page's title, or its first
/// 200 characters, on one line.
pub(crate) fn snippet(raw: &str) -> String {
    if let Some(start) = raw.find("<title>") {
        let rest = &raw[start + 7..];
        if let Some(end) = rest.find("</title>") {
            return format!("HTML page \"{}\"", rest[..end].trim());
        }
    }
    let one_line: String = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut cut: String = one_line.chars().take(200).collect();
    if cut.len() < one_line.len() {
        cut.push('…');
    }
    if cut.is_empty() { "empty body".to_string() } else { cut }
}
