//! The `Client` and its configuration record.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use crate::error::{ZkbioError, guard, guard_sync};
use crate::secret::Secret;

/// Everything a client can be configured with. Only `base_url` and the credentials are
/// needed; every other field left `null` keeps the core's default.
///
/// Credentials: `username` + `password`, used as `auth` says (default: traded for a DRF
/// token on first use), or a `token` the caller already has.
#[derive(Clone, Debug, uniffi::Record)]
pub struct ClientConfig {
    /// The server, e.g. `http://10.0.0.5:8097`.
    pub base_url: String,
    #[uniffi(default)]
    pub username: Option<String>,
    #[uniffi(default)]
    pub password: Option<Arc<Secret>>,
    /// A static token (an admin's "general" token): no login at all.
    #[uniffi(default)]
    pub token: Option<Arc<Secret>>,
    /// Log in with JWT (`/jwt-api-token-auth/`) instead of a DRF token: the same as
    /// `auth = "jwt"`. `true` with another `auth` is `InvalidArgument`.
    #[uniffi(default)]
    pub jwt: bool,
    /// How `username` and `password` are used: `"token"` (null: the default, or `"jwt"`
    /// when `jwt = true`) trades them for a DRF token, `"jwt"` for a JSON web token,
    /// `"staff_token"` / `"staff_jwt"` use the staff logins, `"basic"` sends HTTP Basic on
    /// every request without a login (it passes the licence gate of BioTime 8 servers whose
    /// licence lacks the API module). Any other name is `InvalidArgument`, listing these.
    #[uniffi(default)]
    pub auth: Option<String>,
    /// The server's IANA time zone (e.g. `Asia/Karachi`), for `Client.localize`.
    #[uniffi(default)]
    pub server_timezone: Option<String>,
    /// Time allowed to open a connection (default 30 s).
    #[uniffi(default)]
    pub connect_timeout: Option<Duration>,
    /// Time allowed for one whole request (default 120 s).
    #[uniffi(default)]
    pub request_timeout: Option<Duration>,
    /// A PEM file of CA certificates to trust (self-signed servers).
    #[uniffi(default)]
    pub ca_bundle: Option<String>,
    /// The same as PEM text, for apps that ship the certificate instead of a file. Give
    /// `ca_bundle` or `ca_pem`, not both.
    #[uniffi(default)]
    pub ca_pem: Option<String>,
    /// Turns TLS certificate verification OFF: anyone on the path can read and change the
    /// traffic, credentials included. Only for testing.
    #[uniffi(default)]
    pub danger_accept_invalid_certs: bool,
    /// Retries of failed idempotent requests (default: `defaultRetryPolicy()`).
    #[uniffi(default)]
    pub retry: Option<RetryPolicy>,
    /// Records per page of a list (default 1000; 1 to 100,000, else `InvalidArgument`).
    #[uniffi(default)]
    pub page_size: Option<i32>,
    /// Pages fetched at once by `list` / pagers after the first (default 4; 1 to 64, else
    /// `InvalidArgument`).
    #[uniffi(default)]
    pub concurrency: Option<i32>,
    /// How long logins are refused after the server rejected the password (default 60 s).
    #[uniffi(default)]
    pub login_cooldown: Option<Duration>,
    /// Read answers exactly as the spec types them. Off by default: the forms other server
    /// versions send (`"15"` for a number, `"-"` for no value) are read, and a value no rule
    /// reads leaves the field empty with the server's value in `extra` (ADR 0003).
    #[uniffi(default)]
    pub strict: bool,
    /// The `Accept-Language` of every request (default `en`): servers write
    /// `punch_state_display` and other display texts in it.
    #[uniffi(default)]
    pub accept_language: Option<String>,
}

/// When failed idempotent requests are repeated: exponential backoff with jitter.
#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct RetryPolicy {
    /// Attempts in all, the first included (1 = never retry; less is `InvalidArgument`).
    pub max_attempts: i32,
    /// Delay before the first retry; doubles with each further one.
    pub base_delay: Duration,
    /// Upper bound of one delay.
    pub max_delay: Duration,
    /// No retry starts once this much time has passed since the first attempt.
    pub budget: Duration,
}

impl From<zkbiotime::RetryPolicy> for RetryPolicy {
    fn from(p: zkbiotime::RetryPolicy) -> Self {
        Self {
            max_attempts: i32::try_from(p.max_attempts).unwrap_or(i32::MAX),
            base_delay: p.base_delay,
            max_delay: p.max_delay,
            budget: p.budget,
        }
    }
}

/// The core's retry defaults (5 attempts, 200 ms doubling up to 10 s, 300 s budget); change
/// a field with `copy(...)` and pass it as `ClientConfig.retry`.
#[uniffi::export]
pub fn default_retry_policy() -> RetryPolicy {
    zkbiotime::RetryPolicy::default().into()
}

/// A ZKBio Time API client. Thread-safe; share one per server. Its resource objects
/// (`employees()`, ...) share its token and connection pool.
#[derive(uniffi::Object)]
pub struct Client {
    pub(crate) inner: zkbiotime::Client,
}

#[uniffi::export(async_runtime = "tokio")]
impl Client {
    /// Checks the configuration (URL, credentials, time zone, CA bundle) without any
    /// request: the first call logs in.
    #[uniffi::constructor]
    pub fn new(config: ClientConfig) -> Result<Arc<Self>, ZkbioError> {
        // The first client reads `ZKBIOTIME_LOG` (see `zkbiotime::logging`).
        zkbiotime::logging::init_from_env();
        guard_sync(|| {
            let inner = self::config(config)?.build()?;
            Ok(Arc::new(Self { inner }))
        })
    }

    /// The configured base URL, without a trailing slash.
    pub fn base_url(&self) -> String {
        self.inner.base_url().to_string()
    }

    /// The configured server time zone, if any.
    pub fn server_timezone(&self) -> Option<String> {
        self.inner.server_zone().map(|z| z.name().to_string())
    }

    /// Logs in now (normally the first request does). A no-op for a static token.
    pub async fn login(&self) -> Result<(), ZkbioError> {
        guard(async { Ok(self.inner.login().await?) }).await
    }

    /// Any API request, through the client's auth, retries (never for `POST`), timeouts
    /// and errors: for what the typed resources do not cover.
    ///
    /// `method`: `GET`, `POST`, `PUT`, `PATCH` or `DELETE` (any case); `path`: starts with
    /// `/`, no host or query string (e.g. `/att/api/transactionReport/`); `params`: query
    /// parameters. uniffi has no JSON type, so JSON crosses as text: `json` is the body as
    /// JSON text (null: no body), and the answer is returned as JSON text (`"null"` for an
    /// empty answer); parse it with the JSON library of your platform. A bad method or
    /// path, or a `json` that is not JSON, is `InvalidArgument`.
    #[uniffi::method(default(json = None, params))]
    pub async fn request(
        &self,
        method: String,
        path: String,
        params: HashMap<String, String>,
        json: Option<String>,
    ) -> Result<String, ZkbioError> {
        guard(async {
            let body = match json.as_deref() {
                None => None,
                Some(text) => {
                    Some(serde_json::from_str::<serde_json::Value>(text).map_err(|e| {
                        ZkbioError::invalid_argument(format!("json is not valid JSON: {e}"))
                    })?)
                }
            };
            // Sorted, so the same call always makes the same URL.
            let mut query: Vec<(String, String)> = params.into_iter().collect();
            query.sort();
            let answer = self.inner.request(&method, &path, &query, body.as_ref()).await?;
            Ok(answer.to_string())
        })
        .await
    }

    /// What kind of server this is, as far as its answers tell (a few small requests), as
    /// the core's `ServerInfo` JSON keys → their values as text: `docs_title`, `version`
    /// (`8.0`, `8.5`, `9.0`, `9.5`, `8.x`, `9.x`), `employee_shape` (`nested` or `flat`),
    /// `resign_api` (`true` / `false`), `envelope_key` (`data` or `results`) and
    /// `page_size_param` (`page_size`, `limit` or `both`). A key is absent when the server's
    /// answers did not tell.
    ///
    /// A map rather than a record: a `uniffi::Record` would copy the core struct's fields
    /// by hand (uniffi cannot export a struct of another crate without restating it), and
    /// the two would drift; the map is made from the core's own serialization, so a field
    /// the core gains shows up here unchanged. Every value is a short text or a flag, so
    /// text loses nothing a caller needs.
    pub async fn server_info(&self) -> Result<HashMap<String, String>, ZkbioError> {
        guard(async {
            let info = self.inner.server_info().await?;
            let serde_json::Value::Object(fields) = serde_json::to_value(&info)
                .map_err(|e| ZkbioError::invalid_argument(format!("server info: {e}")))?
            else {
                return Err(ZkbioError::invalid_argument("server info is not a JSON object"));
            };
            Ok(fields
                .into_iter()
                .filter_map(|(key, value)| {
                    let text = match value {
                        serde_json::Value::Null => return None,
                        serde_json::Value::String(s) => s,
                        other => other.to_string(),
                    };
                    Some((key, text))
                })
                .collect())
        })
        .await
    }

    /// A server-local time (`2024-06-26 15:36:22`) as RFC 3339 with the server's offset
    /// (`2024-06-26T15:36:22+05:00`). Needs `ClientConfig.server_timezone`.
    pub fn localize(&self, server_time: String) -> Result<String, ZkbioError> {
        guard_sync(|| {
            let zone = self.inner.server_zone().ok_or_else(|| {
                ZkbioError::invalid_argument("localize needs ClientConfig.server_timezone")
            })?;
            Ok(zone.localize(&server_time)?.to_rfc3339())
        })
    }
}

/// The Kotlin/Swift configuration as the core's settings (`zkbiotime::Config`): durations
/// become seconds; every check and message is the core's, except `retry.max_attempts`
/// (the core counts retries, unsigned).
fn config(c: ClientConfig) -> Result<zkbiotime::Config, ZkbioError> {
    let mut config = zkbiotime::Config::new(c.base_url);
    config.username = c.username;
    config.password = c.password.map(|p| p.to_core());
    config.token = c.token.map(|t| t.to_core());
    config.jwt = c.jwt;
    config.auth = c.auth;
    config.timezone = c.server_timezone;
    config.ca_bundle = c.ca_bundle.map(Into::into);
    config.ca_pem = c.ca_pem;
    config.insecure_skip_tls_verify = c.danger_accept_invalid_certs;
    config.strict = c.strict;
    let secs = |d: Duration| d.as_secs_f64();
    if let Some(t) = c.connect_timeout {
        config.connect_timeout = secs(t);
    }
    if let Some(t) = c.request_timeout {
        config.timeout = secs(t);
    }
    if let Some(d) = c.login_cooldown {
        config.login_cooldown = secs(d);
    }
    if let Some(r) = c.retry {
        config.retries = u32::try_from(r.max_attempts - 1).map_err(|_| {
            ZkbioError::invalid_argument(format!(
                "retry.max_attempts: {} is not at least 1 (1 = never retry)",
                r.max_attempts
            ))
        })?;
        config.retry_base_delay = secs(r.base_delay);
        config.retry_max_delay = secs(r.max_delay);
        config.retry_budget = secs(r.budget);
    }
    if let Some(size) = c.page_size {
        // Range checked by the core (`page_size` must be 1 to 100,000).
        config.page_size = i64::from(size);
    }
    if let Some(n) = c.concurrency {
        config.concurrency = i64::from(n);
    }
    if let Some(language) = c.accept_language {
        config.accept_language = language;
    }
    Ok(config)
}
