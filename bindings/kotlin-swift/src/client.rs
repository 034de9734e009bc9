//! The `Client` (its configuration record, `ClientConfig`, is generated: generated/config.rs).

use std::collections::HashMap;
use std::sync::Arc;

use crate::config::ClientConfig;
use crate::error::{ZkbioError, guard, guard_sync};

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
        // The first client reads `ZKBIOTIME_LOG` (see `zkbiotime::logging`) and tunes
        // glibc's malloc for paging (`zkbiotime::malloc`).
        zkbiotime::logging::init_from_env();
        zkbiotime::malloc::tune_from_env();
        guard_sync(|| {
            let inner = config.into_core()?.build()?;
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
    /// (`2024-06-26T15:36:22+05:00`). Needs `ClientConfig.timezone`.
    pub fn localize(&self, server_time: String) -> Result<String, ZkbioError> {
        guard_sync(|| {
            let zone = self.inner.server_zone().ok_or_else(|| {
                ZkbioError::invalid_argument("localize needs ClientConfig.timezone")
            })?;
            Ok(zone.localize(&server_time)?.to_rfc3339())
        })
    }
}
