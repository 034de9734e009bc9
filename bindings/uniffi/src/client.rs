//! The `Client` and its configuration record.

use std::sync::Arc;
use std::time::Duration;

use crate::error::{ZkbioError, guard, guard_sync};
use crate::resources::{Areas, Departments, Employees, Positions, Terminals, Transactions};
use crate::secret::Secret;

/// Everything a client can be configured with. Only `base_url` and the credentials are
/// needed; every other field left `null` keeps the core's default.
///
/// Credentials: `username` + `password` (a token is fetched on first use; `jwt = true`
/// uses JWT instead), or a `token` the caller already has.
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
    /// Log in with JWT (`/jwt-api-token-auth/`) instead of a DRF token.
    #[uniffi(default)]
    pub jwt: bool,
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
    /// Records per page of a list (default 1000).
    #[uniffi(default)]
    pub page_size: Option<u32>,
    /// Pages fetched at once by `list` / pagers after the first (default 4).
    #[uniffi(default)]
    pub concurrency: Option<u32>,
    /// How long logins are refused after the server rejected the password (default 60 s).
    #[uniffi(default)]
    pub login_cooldown: Option<Duration>,
    /// Read answers exactly as the spec types them. Off by default: the forms other server
    /// versions send (`"15"` for a number, `"-"` for no value) are read, and a value no rule
    /// reads leaves the field empty with the server's value in `extra` (ADR 0003).
    #[uniffi(default)]
    pub strict: bool,
}

/// When failed idempotent requests are repeated: exponential backoff with jitter.
#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct RetryPolicy {
    /// Attempts in all, the first included (1 = never retry).
    pub max_attempts: u32,
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
            max_attempts: p.max_attempts,
            base_delay: p.base_delay,
            max_delay: p.max_delay,
            budget: p.budget,
        }
    }
}

impl From<RetryPolicy> for zkbiotime::RetryPolicy {
    fn from(p: RetryPolicy) -> Self {
        Self {
            max_attempts: p.max_attempts,
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
    inner: zkbiotime::Client,
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
            let inner = builder(config)?.build()?;
            Ok(Arc::new(Self { inner }))
        })
    }

    pub fn employees(&self) -> Arc<Employees> {
        Arc::new(Employees::new(self.inner.employees()))
    }
    pub fn departments(&self) -> Arc<Departments> {
        Arc::new(Departments::new(self.inner.departments()))
    }
    pub fn areas(&self) -> Arc<Areas> {
        Arc::new(Areas::new(self.inner.areas()))
    }
    pub fn positions(&self) -> Arc<Positions> {
        Arc::new(Positions::new(self.inner.positions()))
    }
    pub fn terminals(&self) -> Arc<Terminals> {
        Arc::new(Terminals::new(self.inner.terminals()))
    }
    pub fn transactions(&self) -> Arc<Transactions> {
        Arc::new(Transactions::new(self.inner.transactions()))
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

fn builder(c: ClientConfig) -> Result<zkbiotime::ClientBuilder, ZkbioError> {
    let mut b = zkbiotime::Client::builder(c.base_url);
    b = match (c.token, c.username, c.password) {
        (Some(token), None, None) => b.token(token.to_core()),
        (None, Some(user), Some(password)) if c.jwt => b.jwt(user, password.to_core()),
        (None, Some(user), Some(password)) => b.password(user, password.to_core()),
        (Some(_), _, _) => {
            return Err(ZkbioError::invalid_argument(
                "give either a token or a username and password, not both",
            ));
        }
        _ => {
            return Err(ZkbioError::invalid_argument(
                "no credentials: give a username and password, or a token",
            ));
        }
    };
    if let Some(zone) = c.server_timezone {
        b = b.server_timezone(zone);
    }
    if let Some(t) = c.connect_timeout {
        b = b.connect_timeout(t);
    }
    if let Some(t) = c.request_timeout {
        b = b.request_timeout(t);
    }
    match (c.ca_bundle, c.ca_pem) {
        (Some(_), Some(_)) => {
            return Err(ZkbioError::invalid_argument("give ca_bundle or ca_pem, not both"));
        }
        (Some(path), None) => b = b.ca_bundle(path),
        (None, Some(pem)) => b = b.ca_pem(pem),
        (None, None) => {}
    }
    b = b.danger_accept_invalid_certs(c.danger_accept_invalid_certs);
    if let Some(retry) = c.retry {
        b = b.retry_policy(retry.into());
    }
    if let Some(size) = c.page_size {
        b = b.page_size(size);
    }
    if let Some(n) = c.concurrency {
        b = b.concurrency(n as usize);
    }
    if let Some(d) = c.login_cooldown {
        b = b.login_cooldown(d);
    }
    Ok(b.strict(c.strict))
}
