//! Every setting of a client as plain data: what a binding or the CLI fills from its
//! language's arguments (a JSON-like map: keyword arguments, an options object, flags), and
//! the one place where bad settings are reported, so a message reads the same in every
//! language. [`Config::build`] makes the [`Client`] (through [`ClientBuilder`]).
//!
//! ```
//! let config = zkbiotime::Config::from_json(serde_json::json!({
//!     "base_url": "http://10.0.0.5:8097",
//!     "username": "admin",
//!     "password": "admin123",
//!     "timezone": "Asia/Karachi",
//! }))?;
//! let client = config.build()?;
//! # Ok::<(), zkbiotime::Error>(())
//! ```

use std::path::PathBuf;
use std::time::Duration;

use serde::Deserialize;

use crate::auth::{AuthScheme, Credentials};
use crate::client::{Client, ClientBuilder};
use crate::error::{Error, Result};
use crate::{RetryPolicy, Secret};

/// The settings of a client. Field names are the bindings' option names (snake case; Node's
/// camel-case options are converted by the binding). Unknown names are refused.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
#[non_exhaustive]
pub struct Config {
    /// `http://host:port` of the server.
    pub base_url: String,
    /// With `password`: a login (how: `auth`).
    pub username: Option<String>,
    /// With `username`: its password (never logged or printed).
    pub password: Option<Secret>,
    /// A token the server issued (instead of a username and password).
    pub token: Option<Secret>,
    /// How the username and password are used: `token` (default), `jwt`, `staff_token`,
    /// `staff_jwt`, `basic`.
    pub auth: Option<String>,
    /// Log in for a JWT: the older spelling of auth `jwt`.
    pub jwt: bool,
    /// The server's IANA time zone: times become zone-aware.
    pub timezone: Option<String>,
    /// Seconds allowed for one request.
    pub timeout: f64,
    /// Seconds allowed to connect.
    pub connect_timeout: f64,
    /// Retries of a failed idempotent request (0: never retry).
    pub retries: u32,
    /// Seconds before the first retry; doubles with each further one.
    pub retry_base_delay: f64,
    /// Seconds, the longest wait between two attempts.
    pub retry_max_delay: f64,
    /// Seconds after the first attempt when no retry starts any more.
    pub retry_budget: f64,
    /// Records per page asked of the server.
    pub page_size: i64,
    /// Page requests in flight at once when reading long lists.
    pub concurrency: i64,
    /// Seconds during which logins are refused after the server rejected the password.
    pub login_cooldown: f64,
    /// A PEM file of the CA(s) of a self-signed server.
    pub ca_bundle: Option<PathBuf>,
    /// The same as PEM text.
    pub ca_pem: Option<String>,
    /// Turns TLS certificate verification off: anyone on the network path can then read and
    /// change the traffic, the password included. Only for testing.
    pub insecure_skip_tls_verify: bool,
    /// Reads answers exactly as the spec types them, without the decoding policy (ADR 0003):
    /// a value in another form than the spec's (`"15"` for a number, `"-"` for none) fails.
    pub strict: bool,
    /// `Accept-Language` sent to the server (display texts follow it).
    pub accept_language: String,
    /// The largest answer read, decompressed, in bytes.
    pub max_response_bytes: u64,
    /// The caller in the `User-Agent` (`zkbiotime-python/0.1.0`; the core's version is
    /// added); unset: `zkbiotime-rust/<version>`.
    pub user_agent: Option<String>,
}

impl Default for Config {
    /// The defaults of every language: slow servers (30 s to connect, 120 s per request),
    /// 4 retries, pages of 1000 read 4 at a time, a 60 s login cool-down, answers of 64 MiB.
    fn default() -> Self {
        Self {
            base_url: String::new(),
            username: None,
            password: None,
            token: None,
            auth: None,
            jwt: false,
            timezone: None,
            timeout: 120.0,
            connect_timeout: 30.0,
            retries: 4,
            retry_base_delay: 0.2,
            retry_max_delay: 10.0,
            retry_budget: 300.0,
            page_size: 1000,
            concurrency: 4,
            login_cooldown: 60.0,
            ca_bundle: None,
            ca_pem: None,
            insecure_skip_tls_verify: false,
            strict: false,
            accept_language: "en".into(),
            max_response_bytes: 64 * 1024 * 1024,
            user_agent: None,
        }
    }
}

impl Config {
    /// The defaults, for the server at `base_url`.
    pub fn new(base_url: impl Into<String>) -> Self {
        Self { base_url: base_url.into(), ..Self::default() }
    }

    /// Reads settings from a JSON-like map; `null` values count as not given. Unknown names
    /// and values of the wrong type are refused with the setting's name.
    pub fn from_json(value: serde_json::Value) -> Result<Self> {
        let serde_json::Value::Object(map) = value else {
            return Err(Error::invalid_argument(
                "client settings must be a map of names to values",
            ));
        };
        let given: serde_json::Map<String, serde_json::Value> =
            map.into_iter().filter(|(_, v)| !v.is_null()).collect();
        if !given.contains_key("base_url") {
            return Err(Error::invalid_argument(
                "base_url is required (e.g. http://10.0.0.5:8097)",
            ));
        }
        // One setting at a time first, so a wrong value's message names its setting.
        for (name, value) in &given {
            let one = serde_json::Map::from_iter([(name.clone(), value.clone())]);
            serde_json::from_value::<Self>(serde_json::Value::Object(one)).map_err(|e| {
                let e = e.to_string();
                if e.starts_with("unknown field") {
                    Error::invalid_argument(format!("client settings: {e}"))
                } else {
                    Error::invalid_argument(format!("client setting {name}: {e}"))
                }
            })?;
        }
        serde_json::from_value(serde_json::Value::Object(given))
            .map_err(|e| Error::invalid_argument(format!("client settings: {e}")))
    }

    /// The credentials the settings describe: a username and password (used as `auth`
    /// says), a token, or an error that says which combination is wrong.
    pub fn credentials(&self) -> Result<Credentials> {
        let scheme = AuthScheme::from_options(self.auth.as_deref(), self.jwt)?;
        let named_scheme = self.auth.is_some() || self.jwt;
        match (&self.username, &self.password, &self.token) {
            (Some(username), Some(password), None) => {
                Ok(scheme.credentials(username.clone(), password.clone()))
            }
            (None, None, Some(token)) if !named_scheme => Ok(Credentials::Token(token.clone())),
            (None, None, Some(_)) => Err(Error::invalid_argument(
                "auth / jwt needs a username and password, not a token",
            )),
            (Some(_), Some(_), Some(_)) => Err(Error::invalid_argument(
                "give either a username and password, or a token, not both",
            )),
            (Some(_), None, _) | (None, Some(_), _) => {
                Err(Error::invalid_argument("give both a username and a password"))
            }
            (None, None, None) => Err(Error::invalid_argument(
                "no credentials: give a username and password, or a token",
            )),
        }
    }

    /// A builder with every setting applied (for settings a language adds on top).
    pub fn builder(&self) -> Result<ClientBuilder> {
        let seconds = |name: &str, s: f64, zero_ok: bool| -> Result<Duration> {
            let ok = s.is_finite() && (s > 0.0 || (zero_ok && s == 0.0));
            if !ok {
                let what = if zero_ok { "zero or a positive" } else { "a positive" };
                return Err(Error::invalid_argument(format!(
                    "{name} must be {what} number of seconds"
                )));
            }
            Ok(Duration::from_secs_f64(s))
        };
        let positive = |name: &str, n: i64, max: i64| -> Result<i64> {
            if (1..=max).contains(&n) {
                Ok(n)
            } else {
                Err(Error::invalid_argument(format!("{name} must be between 1 and {max}, not {n}")))
            }
        };
        if self.ca_bundle.is_some() && self.ca_pem.is_some() {
            return Err(Error::invalid_argument("give ca_bundle or ca_pem, not both"));
        }
        if self.insecure_skip_tls_verify && (self.ca_bundle.is_some() || self.ca_pem.is_some()) {
            return Err(Error::invalid_argument(
                "a CA bundle and insecure_skip_tls_verify contradict each other: give one",
            ));
        }
        let max_response_bytes = usize::try_from(self.max_response_bytes)
            .ok()
            .filter(|&b| b >= 1024)
            .ok_or_else(|| Error::invalid_argument("max_response_bytes must be at least 1024"))?;
        let page_size = positive("page_size", self.page_size, 100_000)?;
        let mut b = Client::builder(self.base_url.clone())
            .credentials(self.credentials()?)
            .request_timeout(seconds("timeout", self.timeout, false)?)
            .connect_timeout(seconds("connect_timeout", self.connect_timeout, false)?)
            .login_cooldown(seconds("login_cooldown", self.login_cooldown, true)?)
            .retry_policy(RetryPolicy {
                max_attempts: self.retries.saturating_add(1),
                base_delay: seconds("retry_base_delay", self.retry_base_delay, true)?,
                max_delay: seconds("retry_max_delay", self.retry_max_delay, true)?,
                budget: seconds("retry_budget", self.retry_budget, true)?,
            })
            .page_size(u32::try_from(page_size).expect("checked above"))
            .concurrency(positive("concurrency", self.concurrency, 64)? as usize)
            .strict(self.strict)
            .accept_language(self.accept_language.clone())
            .max_response_bytes(max_response_bytes)
            .danger_accept_invalid_certs(self.insecure_skip_tls_verify);
        if let Some(path) = &self.ca_bundle {
            b = b.ca_bundle(path.clone());
        }
        if let Some(pem) = &self.ca_pem {
            b = b.ca_pem(pem.as_bytes().to_vec());
        }
        if let Some(zone) = &self.timezone {
            b = b.server_timezone(zone.clone());
        }
        if let Some(product) = &self.user_agent {
            b = b.user_agent(product.clone());
        }
        Ok(b)
    }

    /// The client these settings describe.
    pub fn build(&self) -> Result<Client> {
        self.builder()?.build()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::ErrorKind;

    fn detail(value: serde_json::Value) -> String {
        match Config::from_json(value).and_then(|c| c.build()) {
            Ok(_) => "ok".into(),
            Err(e) => {
                assert_eq!(e.kind(), ErrorKind::InvalidArgument, "{e}");
                e.detail().to_string()
            }
        }
    }

    #[test]
    fn settings_read_from_a_map_and_build() {
        let config = Config::from_json(json!({
            "base_url": "http://127.0.0.1:8097", "username": "admin", "password": "pw",
            "auth": "staff_jwt", "timezone": "Asia/Karachi", "retries": 0, "page_size": 50,
            "token": null,
        }))
        .unwrap();
        assert_eq!(config.page_size, 50);
        assert!(matches!(config.credentials().unwrap(), Credentials::StaffJwt { .. }));
        let client = config.build().unwrap();
        assert_eq!(client.base_url(), "http://127.0.0.1:8097");
        assert!(client.server_zone().is_some());
        assert!(!format!("{config:?}").contains("\"pw\""), "the password never prints");
    }

    #[test]
    fn bad_settings_say_what_is_wrong() {
        let base = "http://127.0.0.1:8097";
        assert!(detail(json!({"username": "a", "password": "b"})).contains("base_url is required"));
        assert!(
            detail(json!({"base_url": base, "pasword": "b"})).contains("unknown field `pasword`")
        );
        assert!(
            detail(json!({"base_url": base, "token": "t", "page_size": "ten"}))
                .contains("page_size")
        );
        assert!(detail(json!({"base_url": base})).contains("no credentials"));
        assert!(
            detail(json!({"base_url": base, "username": "a"}))
                .contains("both a username and a password")
        );
        assert!(
            detail(json!({"base_url": base, "username": "a", "password": "b", "token": "t"}))
                .contains("not both")
        );
        assert!(
            detail(json!({"base_url": base, "token": "t", "jwt": true})).contains("not a token")
        );
        assert!(detail(json!({"base_url": base, "token": "t", "auth": "magic"})).contains("magic"));
        assert!(
            detail(json!({"base_url": base, "token": "t", "timeout": 0}))
                .contains("timeout must be")
        );
        assert!(
            detail(json!({"base_url": base, "token": "t", "concurrency": 0}))
                .contains("concurrency")
        );
        assert!(
            detail(json!({"base_url": base, "token": "t", "ca_pem": "x", "insecure_skip_tls_verify": true}))
                .contains("contradict")
        );
        assert!(detail(json!({"base_url": "ftp://x", "token": "t"})).contains("http://"));
        assert!(
            detail(json!({"base_url": base, "token": "t", "timezone": "Mars/Base"}))
                .contains("Mars")
        );
        assert_eq!(detail(json!({"base_url": base, "token": "t"})), "ok");
    }
}
