//! The `Client`: configuration, and the one place every request goes through (auth,
//! retries, error mapping). Resource accessors and the pager sit on top of `Client::send`.

use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use progenitor_client::ResponseValue;

use crate::auth::{Auth, AuthScheme, Credentials, Login};
use crate::error::{Error, ErrorKind, Result, snippet};
use crate::generated::api::{self, types};
use crate::timezone::{ServerTime, ServerZone};
use crate::transport::{self, AnswerMeta, Session};
use crate::{RetryPolicy, Secret};

type ApiError = progenitor_client::Error<types::ErrorBody>;

/// Everything a client can be configured with; see [`ClientBuilder`].
#[derive(Clone, Debug)]
pub(crate) struct Settings {
    pub retry: RetryPolicy,
    pub page_size: i64,
    pub concurrency: usize,
    pub zone: Option<ServerZone>,
    /// Bounds each call, login, attempts and waits included (`Client::with_limits`).
    pub call_timeout: Option<Duration>,
}

/// A ZKBio Time API client. Cheap to clone; clones share the token and connection pool.
///
/// ```no_run
/// # async fn demo() -> zkbiotime::Result<()> {
/// use futures::TryStreamExt;
/// let client = zkbiotime::Client::builder("http://127.0.0.1:8097")
///     .password("admin", "admin123")
///     .build()?;
/// let harry = client.employees().get(1).await?;
/// println!("{} {:?}", harry.emp_code, harry.first_name);
/// let punches: Vec<_> = client.transactions().list(Default::default()).try_collect().await?;
/// println!("{} punches", punches.len());
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct Client {
    pub(crate) api: api::Client,
    pub(crate) settings: Arc<Settings>,
}

/// Builds a [`Client`]. Defaults suit slow servers: 30 s to connect, 120 s per request.
#[derive(Debug)]
pub struct ClientBuilder {
    base_url: String,
    credentials: Option<Credentials>,
    connect_timeout: Duration,
    request_timeout: Duration,
    retry: RetryPolicy,
    page_size: i64,
    concurrency: usize,
    login_cooldown: Duration,
    ca_bundle: Option<CaSource>,
    danger_accept_invalid_certs: bool,
    zone: Option<String>,
    max_response_bytes: usize,
    strict: bool,
    accept_language: String,
    user_agent: String,
}

impl Client {
    /// Starts a builder for the server at `base_url` (e.g. `http://10.0.0.5:8097`).
    pub fn builder(base_url: impl Into<String>) -> ClientBuilder {
        ClientBuilder {
            base_url: base_url.into(),
            credentials: None,
            connect_timeout: Duration::from_secs(30),
            request_timeout: Duration::from_secs(120),
            retry: RetryPolicy::default(),
            page_size: 1000,
            concurrency: 4,
            login_cooldown: Duration::from_secs(60),
            ca_bundle: None,
            danger_accept_invalid_certs: false,
            zone: None,
            max_response_bytes: 64 * 1024 * 1024,
            strict: false,
            accept_language: "en".into(),
            user_agent: concat!("zkbiotime-rust/", env!("CARGO_PKG_VERSION")).into(),
        }
    }

    /// The configured base URL (without a trailing slash).
    pub fn base_url(&self) -> &str {
        &self.api.baseurl
    }

    /// The server's time zone, when the client was told it.
    pub fn server_zone(&self) -> Option<&ServerZone> {
        self.settings.zone.as_ref()
    }

    /// Reads a server time (`punch_time`, `upload_time`, ...): zone-aware when the client was
    /// given the server's zone, naive otherwise. The raw text stays in the record.
    pub fn server_time(&self, text: &str) -> Result<ServerTime> {
        ServerTime::read(text, self.settings.zone.as_ref())
    }

    /// A zone-aware time as the server-local text its filters expect (`start_time`, ...).
    /// Needs the server's zone: without it a zone-aware time has no server-local reading.
    pub fn to_server_text<Z: chrono::TimeZone>(
        &self,
        time: &chrono::DateTime<Z>,
    ) -> Result<String> {
        match &self.settings.zone {
            Some(zone) => Ok(zone.to_server_text(time)),
            None => Err(Error::invalid_argument(
                "a zone-aware time needs the server's time zone (ClientBuilder::server_timezone); \
                 pass server-local text instead",
            )),
        }
    }

    /// Logs in now (normally the first request does it). A no-op for a static token.
    pub async fn login(&self) -> Result<()> {
        self.ensure_token().await.map(|_| ())
    }

    fn auth(&self) -> &Auth {
        &self.api.inner.auth
    }

    /// Returns the generation of a usable token, logging in first when needed.
    async fn ensure_token(&self) -> Result<u64> {
        if let Some(generation) = self.auth().valid_generation() {
            return Ok(generation);
        }
        let auth = self.auth();
        let Some((login, username, password)) = auth.credentials.login() else {
            return Err(Error::new(ErrorKind::Authentication, auth.credentials.rejected()));
        };
        let _one_login_at_a_time = auth.login_lock.lock().await;
        if let Some(generation) = auth.valid_generation() {
            return Ok(generation);
        }
        auth.check_cooldown()?;
        let body =
            types::Credentials { username: username.to_string(), password: password.clone() };
        let path = login.path();
        let call =
            Call { method: "POST", path: path.into(), idempotent: true, authenticated: false };
        let answer = self
            .send(call, |api| {
                let body = body.clone();
                async move {
                    match login {
                        Login::Token => api.token_login().body(body).send().await,
                        Login::Jwt => api.jwt_login().body(body).send().await,
                        Login::StaffToken => api.staff_token_login().body(body).send().await,
                        Login::StaffJwt => api.staff_jwt_login().body(body).send().await,
                    }
                }
            })
            .await;
        match answer {
            Ok(token) => {
                tracing::debug!(login = path, "zkbiotime login succeeded");
                Ok(auth.store(&token.token))
            }
            // DRF answers a wrong password with 400 `non_field_errors`.
            Err(e)
                if e.kind() == ErrorKind::BadRequest || e.kind() == ErrorKind::Authentication =>
            {
                auth.record_rejection();
                tracing::debug!("zkbiotime login rejected; cool-down starts");
                Err(Error::new(ErrorKind::Authentication, e.detail().to_string())
                    .with_status(e.status().unwrap_or(400))
                    .with_request("POST", path))
            }
            Err(e) => Err(e),
        }
    }

    /// This client (the same session, token and connections) with other limits for the
    /// calls made through the copy: `timeout` bounds each call, its login, attempts and the
    /// waits between them included (a list: each page); `max_attempts` replaces the retry
    /// policy's (1: never retry). `None` keeps the current setting.
    pub fn with_limits(&self, timeout: Option<Duration>, max_attempts: Option<u32>) -> Client {
        let mut settings = (*self.settings).clone();
        if timeout.is_some() {
            settings.call_timeout = timeout;
        }
        if let Some(attempts) = max_attempts {
            settings.retry.max_attempts = attempts.max(1);
        }
        Client { api: self.api.clone(), settings: Arc::new(settings) }
    }

    /// Sends one API call: logs in if needed, retries what is safe to retry, logs in again
    /// once after a 401, and maps every failure to [`Error`]; within the call's time limit,
    /// if it has one.
    ///
    /// `op` builds and sends the generated request; it runs once per attempt.
    pub(crate) async fn send<T, F, Fut>(&self, call: Call, op: F) -> Result<T>
    where
        F: Fn(api::Client) -> Fut,
        Fut: Future<Output = std::result::Result<ResponseValue<T>, ApiError>>,
    {
        let Some(limit) = self.settings.call_timeout else {
            return self.send_attempts(call, op).await;
        };
        let (method, path) = (call.method, call.path.clone());
        match tokio::time::timeout(limit, self.send_attempts(call, op)).await {
            Ok(result) => result,
            Err(_) => Err(Error::new(
                ErrorKind::Timeout,
                format!("the call took longer than its limit of {} ms", limit.as_millis()),
            )
            .with_request(method, &path)),
        }
    }

    async fn send_attempts<T, F, Fut>(&self, call: Call, op: F) -> Result<T>
    where
        F: Fn(api::Client) -> Fut,
        Fut: Future<Output = std::result::Result<ResponseValue<T>, ApiError>>,
    {
        let policy = &self.settings.retry;
        let started = Instant::now();
        let mut attempt = 0u32;
        let mut relogged_for: Option<u64> = None;
        loop {
            attempt += 1;
            // Boxed: a login is itself a `send`, so the futures nest.
            let generation =
                if call.authenticated { Some(Box::pin(self.ensure_token()).await?) } else { None };
            let (result, meta) = transport::scoped(op(self.api.clone())).await;
            let error = match result {
                Ok(value) => return Ok(value.into_inner()),
                Err(e) => map_error(e, &meta, self.api.inner.max_response_bytes)
                    .await
                    .with_request(call.method, &call.path),
            };
            tracing::debug!(
                method = call.method,
                path = %call.path,
                attempt,
                kind = error.kind().as_str(),
                status = error.status(),
                "zkbiotime attempt failed"
            );
            // A revoked or expired token: log in again and repeat, once per token (a token
            // that fails right after its own login means the login itself is no good).
            if error.kind() == ErrorKind::Authentication
                && let Some(generation) = generation
                && self.auth().can_login()
                && relogged_for != Some(generation)
                && attempt < policy.max_attempts.max(2)
            {
                relogged_for = Some(generation);
                self.auth().invalidate(generation);
                continue;
            }
            let error = if attempt > 1 { error.after_retry() } else { error };
            if !(call.idempotent && error.is_retryable()) || attempt >= policy.max_attempts {
                return Err(error);
            }
            let delay = policy.delay(attempt, error.retry_after());
            if started.elapsed() + delay > policy.budget {
                return Err(error);
            }
            tokio::time::sleep(delay).await;
        }
    }
}

/// What `send` needs to know about a call beyond the request itself.
pub(crate) struct Call {
    pub method: &'static str,
    /// For errors and logs: the path without host or query.
    pub path: String,
    /// Safe to send twice (GET, PATCH with the same body, DELETE, login).
    pub idempotent: bool,
    pub authenticated: bool,
}

impl Call {
    pub fn read(path: String) -> Self {
        Self { method: "GET", path, idempotent: true, authenticated: true }
    }
    pub fn write(method: &'static str, path: String) -> Self {
        // Creates (POST) are never repeated blindly: a lost answer may hide a stored record.
        Self { method, path, idempotent: method != "POST", authenticated: true }
    }
}

/// Turns progenitor's error into ours, reading the body of undocumented answers.
async fn map_error(error: ApiError, meta: &AnswerMeta, limit: usize) -> Error {
    use progenitor_client::Error as E;
    match error {
        E::ErrorResponse(answer) => {
            let status = answer.status().as_u16();
            let body = answer.into_inner();
            Error::from_status(status, Some(&body), "").with_retry_after(meta.retry_after)
        }
        E::UnexpectedResponse(response) => {
            let status = response.status().as_u16();
            let raw = response.text().await.unwrap_or_default();
            if (200..300).contains(&status) {
                return Error::unexpected(format!("undocumented HTTP {status}: {}", snippet(&raw)))
                    .with_status(status);
            }
            let body: Option<types::ErrorBody> = serde_json::from_str(&raw).ok();
            Error::from_status(status, body.as_ref(), &raw).with_retry_after(meta.retry_after)
        }
        E::InvalidResponsePayload(bytes, parse_error) => {
            let raw = String::from_utf8_lossy(&bytes);
            match meta.status {
                Some(status) if status >= 400 => {
                    Error::from_status(status, None, &raw).with_retry_after(meta.retry_after)
                }
                status => {
                    let is_json = meta.content_type.as_deref().is_none_or(|c| c.contains("json"));
                    let detail = if is_json && !raw.trim_start().starts_with('<') {
                        format!("the answer does not match the API: {parse_error}")
                    } else {
                        format!(
                            "expected JSON, got {}: {}",
                            meta.content_type.as_deref().unwrap_or("no content type"),
                            snippet(&raw)
                        )
                    };
                    let err = Error::unexpected(detail).with_source(parse_error);
                    match status {
                        Some(s) => err.with_status(s),
                        None => err,
                    }
                }
            }
        }
        E::ResponseBodyError(e) if transport::is_too_large(&e) => {
            // In MiB when whole (the default, 64 MiB), else in bytes: a small cap never reads "0 MiB".
            let shown = if limit >= 1024 * 1024 && limit.is_multiple_of(1024 * 1024) {
                format!("{} MiB", limit / (1024 * 1024))
            } else {
                format!("{limit} bytes")
            };
            let err = Error::unexpected(format!(
                "the answer is larger than the {shown} limit (setting max_response_bytes)"
            ));
            match meta.status {
                Some(status) => err.with_status(status),
                None => err,
            }
        }
        E::CommunicationError(e) | E::ResponseBodyError(e) | E::InvalidUpgrade(e) => {
            let kind = if e.is_timeout() {
                ErrorKind::Timeout
            } else if is_broken_encoding(&e) {
                // A gzip / br / deflate body that does not decode: the server's fault.
                let cause = root_cause(&e).unwrap_or_default();
                return Error::unexpected(format!(
                    "the answer's compressed body is broken: {cause}"
                ))
                .with_source(e.without_url());
            } else if e.is_redirect() {
                // A redirect loop is the server misbehaving, not the network.
                ErrorKind::UnexpectedResponse
            } else {
                ErrorKind::Transport
            };
            Error::new(kind, transport_detail(&e)).with_source(e.without_url())
        }
        E::InvalidRequest(detail) => Error::invalid_argument(detail),
        E::Custom(detail) => Error::unexpected(detail),
    }
}

/// One line naming the root cause (e.g. "connection refused", "invalid peer certificate").
fn transport_detail(e: &reqwest::Error) -> String {
    let mut detail = if e.is_timeout() {
        "the server did not answer in time".to_string()
    } else if e.is_connect() {
        "could not connect".to_string()
    } else {
        "the connection failed".to_string()
    };
    if let Some(root) = root_cause(e) {
        detail.push_str(": ");
        detail.push_str(&root);
    }
    detail
}

/// Whether a body error is a gzip / br / deflate stream that does not decode: the
/// decoders report bad data as an I/O error of kind `InvalidData`. (reqwest marks every
/// body error of a response it may decode as a decode error, so a connection that broke
/// mid-body, a hyper error inside, stays the network's doing.)
fn is_broken_encoding(e: &reqwest::Error) -> bool {
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        if s.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::InvalidData)
        {
            return true;
        }
        source = s.source();
    }
    false
}

/// The innermost error's text ("connection refused", "invalid gzip header").
fn root_cause(e: &reqwest::Error) -> Option<String> {
    let mut source: Option<&dyn std::error::Error> = std::error::Error::source(e);
    let mut last = None;
    while let Some(s) = source {
        last = Some(s.to_string());
        source = s.source();
    }
    last
}

/// Where trusted CA certificates come from.
#[derive(Debug)]
enum CaSource {
    File(PathBuf),
    Pem(Vec<u8>),
}

impl ClientBuilder {
    /// Username + password, traded for a `Token` on first use.
    pub fn password(mut self, username: impl Into<String>, password: impl Into<Secret>) -> Self {
        self.credentials =
            Some(Credentials::Password { username: username.into(), password: password.into() });
        self
    }

    /// Username + password, traded for a JWT that is renewed before it expires.
    pub fn jwt(mut self, username: impl Into<String>, password: impl Into<Secret>) -> Self {
        self.credentials =
            Some(Credentials::Jwt { username: username.into(), password: password.into() });
        self
    }

    /// Username + password sent as HTTP Basic on every request: no login. Passes the
    /// licence gate of BioTime 8 servers whose licence lacks the API module.
    pub fn basic(mut self, username: impl Into<String>, password: impl Into<Secret>) -> Self {
        self.credentials = Some(AuthScheme::Basic.credentials(username, password));
        self
    }

    /// Username + password used as `scheme` says (`"token"`, `"jwt"`, `"staff_token"`,
    /// `"staff_jwt"`, `"basic"`): how the bindings and the CLI pass a scheme by name.
    pub fn login_with(
        mut self,
        scheme: AuthScheme,
        username: impl Into<String>,
        password: impl Into<Secret>,
    ) -> Self {
        self.credentials = Some(scheme.credentials(username, password));
        self
    }

    /// The `Accept-Language` sent with every request (default `en`): servers write
    /// `punch_state_display` and other display texts in it.
    pub fn accept_language(mut self, language: impl Into<String>) -> Self {
        self.accept_language = language.into();
        self
    }

    /// A token the caller already has (e.g. an admin's static "general" token).
    pub fn token(mut self, token: impl Into<Secret>) -> Self {
        self.credentials = Some(Credentials::Token(token.into()));
        self
    }

    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// Time allowed to open a connection (default 30 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Time allowed for one whole request (default 120 s: an idle server can take 30 s+).
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.request_timeout = timeout;
        self
    }

    pub fn retry_policy(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// Records per page for lists (default 1000; sent as both `page_size` and `limit`).
    pub fn page_size(mut self, size: u32) -> Self {
        self.page_size = i64::from(size.max(1));
        self
    }

    /// Page requests in flight at once for a list after the first (default 4; 1 = one request
    /// at a time, the next sent while the previous page is decoded).
    pub fn concurrency(mut self, pages: usize) -> Self {
        self.concurrency = pages.max(1);
        self
    }

    /// How long to refuse logins after the server rejected the password (default 60 s).
    pub fn login_cooldown(mut self, cooldown: Duration) -> Self {
        self.login_cooldown = cooldown;
        self
    }

    /// Trust the CA certificates in this PEM file (for self-signed servers).
    pub fn ca_bundle(mut self, path: impl Into<PathBuf>) -> Self {
        self.ca_bundle = Some(CaSource::File(path.into()));
        self
    }

    /// Trust the CA certificates in this PEM text (as [`Self::ca_bundle`], without a file).
    pub fn ca_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.ca_bundle = Some(CaSource::Pem(pem.into()));
        self
    }

    /// Turns TLS certificate verification OFF. Anyone on the network path can then read
    /// and change the traffic, credentials included. Only for testing.
    pub fn danger_accept_invalid_certs(mut self, accept: bool) -> Self {
        self.danger_accept_invalid_certs = accept;
        self
    }

    /// The server's IANA time zone (e.g. `Asia/Karachi`): times become zone-aware.
    pub fn server_timezone(mut self, zone: impl Into<String>) -> Self {
        self.zone = Some(zone.into());
        self
    }

    /// The largest answer the client reads (default 64 MiB; a 10,000-punch page is ~5 MB).
    pub fn max_response_bytes(mut self, bytes: usize) -> Self {
        self.max_response_bytes = bytes.max(1024);
        self
    }

    /// Reads answers exactly as the spec types them: a value in another JSON form (`"15"`
    /// for a number, `"-"` for "no value") fails the request instead of being read by the
    /// decoding policy (default off; see `loose` and ADR 0003). For testing a server.
    pub fn strict(mut self, strict: bool) -> Self {
        self.strict = strict;
        self
    }

    /// Who is calling, in the `User-Agent` of every request: a binding's or a program's
    /// name and version (`zkbiotime-python/0.1.0`); the core's version is added
    /// (`zkbiotime-python/0.1.0 (core 0.1.0)`). Default `zkbiotime-rust/<version>`.
    pub fn user_agent(mut self, product: impl Into<String>) -> Self {
        self.user_agent = format!("{} (core {})", product.into().trim(), crate::VERSION);
        self
    }

    pub fn build(self) -> Result<Client> {
        let base = url::Url::parse(&self.base_url).map_err(|e| {
            Error::invalid_argument(format!("base URL {:?} is not a URL: {e}", self.base_url))
        })?;
        if !matches!(base.scheme(), "http" | "https") {
            return Err(Error::invalid_argument(format!(
                "base URL {:?} must start with http:// or https://",
                self.base_url
            )));
        }
        let credentials = self.credentials.ok_or_else(|| {
            Error::invalid_argument("no credentials: give a username and password, or a token")
        })?;
        let mut http = reqwest::Client::builder()
            .connect_timeout(self.connect_timeout)
            .timeout(self.request_timeout)
            .user_agent(self.user_agent.as_str())
            .tls_danger_accept_invalid_certs(self.danger_accept_invalid_certs);
        // Android: reqwest's default verifier (rustls-platform-verifier) panics unless the app
        // initialised it through JNI; the bundled Mozilla roots need no initialisation. A CA
        // bundle is added to them below. Elsewhere the platform's verifier is used.
        #[cfg(target_os = "android")]
        {
            let roots = webpki_root_certs::TLS_SERVER_ROOT_CERTS
                .iter()
                .filter_map(|der| reqwest::Certificate::from_der(der.as_ref()).ok());
            http = http.tls_certs_only(roots);
        }
        if self.danger_accept_invalid_certs {
            tracing::warn!(
                "TLS certificate verification is OFF for {}",
                base.host_str().unwrap_or("")
            );
        }
        if let Some(source) = &self.ca_bundle {
            let (pem, name) = match source {
                CaSource::File(path) => (
                    std::fs::read(path).map_err(|e| {
                        Error::invalid_argument(format!(
                            "cannot read CA bundle {}: {e}",
                            path.display()
                        ))
                    })?,
                    path.display().to_string(),
                ),
                CaSource::Pem(pem) => (pem.clone(), "(PEM text)".to_string()),
            };
            let certs = reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| {
                Error::invalid_argument(format!("CA bundle {name} is not PEM: {e}"))
            })?;
            if certs.is_empty() {
                return Err(Error::invalid_argument(format!(
                    "CA bundle {name} holds no certificate"
                )));
            }
            for cert in certs {
                http = http.tls_certs_merge([cert]);
            }
        }
        let http = http
            .build()
            .map_err(|e| Error::invalid_argument(format!("cannot build the HTTP client: {e}")))?;
        let zone = self.zone.as_deref().map(ServerZone::parse).transpose()?;
        let accept_language = reqwest::header::HeaderValue::from_str(self.accept_language.trim())
            .map_err(|_| {
            Error::invalid_argument(format!(
                "accept_language {:?} is not valid header text",
                self.accept_language
            ))
        })?;
        let session = Arc::new(Session {
            auth: Auth::new(credentials, self.login_cooldown),
            max_response_bytes: self.max_response_bytes,
            strict: self.strict,
            accept_language,
        });
        let base_url = self.base_url.trim_end_matches('/');
        Ok(Client {
            api: api::Client::new_with_client(base_url, http, session),
            settings: Arc::new(Settings {
                retry: self.retry,
                page_size: self.page_size,
                concurrency: self.concurrency,
                zone,
                call_timeout: None,
            }),
        })
    }
}
