//! Requests the spec does not model (yet): `Client::request` sends any method and path
//! through the same auth, retries and error mapping as the generated operations, and
//! `Client::server_info` uses it to tell what kind of server answers. `Client::download`
//! streams a file answer (a server-side export) into a writer the same way.

use progenitor_client::{ClientHooks as _, OperationInfo, ResponseValue};
use reqwest::header::{ACCEPT, HeaderValue};
use serde_json::Value;

use crate::client::{Call, Client};
use crate::error::{Error, ErrorKind, Result, snippet};

type ApiError = progenitor_client::Error<crate::types::ErrorBody>;

/// What a server tells about itself (see [`Client::server_info`]). Every field is a
/// reading of what the server answered, not something it declares: no endpoint reports
/// the version.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct ServerInfo {
    /// The `<title>` of the public `/api/docs/` page (e.g. "BioTime 9.5 API DOCS").
    pub docs_title: Option<String>,
    /// The version as far as the answers tell: `8.0`, `8.5`, `9.0`, `9.5`, or `8.x` / `9.x`.
    pub version: Option<String>,
    /// `nested` (9.x: `attemployee`, nested department) or `flat` (8.x: `enable_att`, ids).
    pub employee_shape: Option<String>,
    /// Whether `/personnel/api/resigns/` answers as an API (8.5, 9.5), when it could be told.
    pub resign_api: Option<bool>,
    /// The key of the record list in list answers: `data`, or `results` (8.5's manual).
    pub envelope_key: Option<String>,
    /// The page-size parameter the server honours: `page_size`, `limit` or `both`.
    pub page_size_param: Option<String>,
}

/// The methods `request` sends; a `POST` is never repeated blindly (it may create twice).
const METHODS: [&str; 5] = ["GET", "POST", "PUT", "PATCH", "DELETE"];

impl Client {
    /// Sends `method` (`GET`, `POST`, `PUT`, `PATCH` or `DELETE`) to `path` (e.g.
    /// `/att/api/transactionReport/`) with query parameters and an optional JSON body, and
    /// returns the answer's JSON (`null` for an empty answer). Auth, retries (not for
    /// `POST`), timeouts and errors are the client's own.
    pub async fn request(
        &self,
        method: &str,
        path: &str,
        query: &[(String, String)],
        body: Option<&Value>,
    ) -> Result<Value> {
        let upper = method.trim().to_ascii_uppercase();
        let Some(method) = METHODS.iter().find(|m| **m == upper) else {
            return Err(Error::invalid_argument(format!(
                "method {method:?} is not one of {}",
                METHODS.join(", ")
            )));
        };
        if !path.starts_with('/') || path.contains("://") || path.contains(['?', '#']) {
            return Err(Error::invalid_argument(format!(
                "path {path:?} must start with `/` and hold no host or query (pass query \
                 parameters separately)"
            )));
        }
        let call = Call::write(method, path.to_string());
        let call = Call { idempotent: *method != "POST", ..call };
        self.send(call, |api| send(api, method, path, query, body, decode_json)).await
    }

    /// What kind of server this is, as far as its answers tell: the docs page title, the
    /// employee shape, whether the resign API answers, the list envelope's key and the
    /// page-size parameter it honours. Costs four or five small requests.
    pub async fn server_info(&self) -> Result<ServerInfo> {
        let mut info = ServerInfo { docs_title: self.docs_title().await, ..ServerInfo::default() };
        let one =
            |param: &str| vec![("page".to_string(), "1".to_string()), (param.into(), "1".into())];
        let both = [one("page_size"), one("limit")].concat();
        let page = self.request("GET", "/personnel/api/employees/", &both, None).await?;
        let (key, records) = match (&page["data"], &page["results"]) {
            (Value::Array(r), _) => ("data", r),
            (_, Value::Array(r)) => ("results", r),
            _ => return Err(Error::unexpected("the employee list has no record list")),
        };
        info.envelope_key = Some(key.into());
        if let Some(e) = records.first() {
            let flat = e.get("enable_att").is_some() || e["department"].is_number();
            let nested = e.get("attemployee").is_some() || e["department"].is_object();
            info.employee_shape = match (nested, flat) {
                (true, false) => Some("nested".into()),
                (false, true) => Some("flat".into()),
                _ => None,
            };
        }
        if page["count"].as_i64().unwrap_or(0) >= 2 {
            let honours = |param: &'static str| async move {
                let page =
                    self.request("GET", "/personnel/api/employees/", &one(param), None).await?;
                let records = page.get(key).and_then(Value::as_array).map_or(0, Vec::len);
                Ok::<bool, Error>(records == 1)
            };
            info.page_size_param = match (honours("page_size").await?, honours("limit").await?) {
                (true, true) => Some("both".into()),
                (true, false) => Some("page_size".into()),
                (false, true) => Some("limit".into()),
                (false, false) => None,
            };
        }
        // Probed once, without retries: on a server without it the HTML "Page not found"
        // answer is the reading, not a failure to wait out.
        let path = "/personnel/api/resigns/";
        let probe = Call { idempotent: false, ..Call::read(path.into()) };
        let query = one("page_size");
        let resigns =
            self.send(probe, |api| send(api, "GET", path, &query, None, decode_json)).await;
        info.resign_api = match resigns {
            Ok(v) => Some(v.is_object()),
            Err(e) if matches!(e.kind(), ErrorKind::NotFound | ErrorKind::UnexpectedResponse) => {
                Some(false)
            }
            // A 403 that is not the licence gate means the route exists (pybiotime's rule).
            Err(e) if e.kind() == ErrorKind::Permission => Some(true),
            Err(e) if e.kind() == ErrorKind::Licence => None,
            Err(e) => return Err(e),
        };
        info.version = version(&info);
        Ok(info)
    }

    /// The `<title>` of `/api/docs/` (public HTML), if the page answers.
    async fn docs_title(&self) -> Option<String> {
        let call = Call { authenticated: false, ..Call::read("/api/docs/".into()) };
        let html =
            self.send(call, |api| send(api, "GET", "/api/docs/", &[], None, decode_text)).await;
        let html = html.ok()?;
        let lower = html.to_ascii_lowercase();
        let start = lower.find("<title>")? + "<title>".len();
        let end = start + lower[start..].find("</title>")?;
        Some(html[start..end].trim().to_string()).filter(|t| !t.is_empty())
    }
}

/// The version the readings point to (`server-versions.md` §2: docs titles, resign API).
fn version(info: &ServerInfo) -> Option<String> {
    let title = info.docs_title.as_deref()?.to_ascii_lowercase();
    let version = if title.contains("9.5") {
        "9.5"
    } else if title.contains("zkbio time") {
        "9.0"
    } else if title.contains("biotime") {
        match info.resign_api {
            Some(true) => "8.5",
            Some(false) => "8.0",
            None => "8.x",
        }
    } else {
        return None;
    };
    Some(version.into())
}

/// One attempt of a raw request, through progenitor's hooks (auth header, logging, cap).
async fn send<T>(
    api: crate::api::Client,
    method: &'static str,
    path: &str,
    query: &[(String, String)],
    body: Option<&Value>,
    decode: fn(bytes::Bytes) -> std::result::Result<T, serde_json::Error>,
) -> std::result::Result<ResponseValue<T>, ApiError> {
    let method = reqwest::Method::from_bytes(method.as_bytes()).expect("a listed method");
    let url = format!("{}{path}", api.baseurl);
    let mut builder = api
        .client
        .request(method, url)
        .header(ACCEPT, HeaderValue::from_static("application/json"))
        .query(query);
    if let Some(body) = body {
        builder = builder.json(body);
    }
    let mut request = builder.build()?;
    let info = OperationInfo { operation_id: "request" };
    api.pre(&mut request, &info).await?;
    let result = api.exec(request, &info).await;
    api.post(&result, &info).await?;
    let response = result?;
    let status = response.status();
    if !status.is_success() {
        return Err(progenitor_client::Error::UnexpectedResponse(response));
    }
    let headers = response.headers().clone();
    let bytes = response.bytes().await.map_err(progenitor_client::Error::ResponseBodyError)?;
    match decode(bytes.clone()) {
        Ok(value) => Ok(ResponseValue::new(value, status, headers)),
        Err(e) => Err(progenitor_client::Error::InvalidResponsePayload(bytes, e)),
    }
}

/// One attempt of `GET path` decoded as `T` (a list page of a path known only at run time).
pub(crate) async fn get_json<T: serde::de::DeserializeOwned>(
    api: crate::api::Client,
    path: &str,
    query: &[(String, String)],
) -> std::result::Result<ResponseValue<T>, ApiError> {
    send(api, "GET", path, query, None, |bytes| serde_json::from_slice(&bytes)).await
}

/// JSON, or `null` for an empty answer (a 204, or a 200 without a body).
fn decode_json(bytes: bytes::Bytes) -> std::result::Result<Value, serde_json::Error> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Null);
    }
    serde_json::from_slice(&bytes)
}

fn decode_text(bytes: bytes::Bytes) -> std::result::Result<String, serde_json::Error> {
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// What one download attempt got: the file, or a final answer that is not one.
enum Fetched {
    File(reqwest::Response),
    /// The HTML "Page not found" page (HTTP 200 on these servers): no such endpoint here.
    PageNotFound(String),
    /// A JSON answer where a file was expected (an error envelope, or the wrong endpoint).
    Json(String),
}

/// Error bodies read for their message are cut off here (files are not capped).
const ERROR_BODY_LIMIT: usize = 1 << 20;

impl Client {
    /// Sends `GET path` with query parameters and streams the answer's body into `writer`
    /// as it arrives (never held whole in memory; the client's `max_response_bytes` cap
    /// does not apply to files). Returns the bytes written.
    ///
    /// Auth, retries and errors are the client's own up to the answer's first byte: a
    /// non-2xx answer is the usual [`Error`] (its JSON `detail` read), an HTML page where a
    /// file was expected is `UnexpectedResponse` (retried, as a starting server's page is)
    /// or, for "Page not found", `NotFound`; a JSON answer is `UnexpectedResponse`. Once
    /// bytes are written a broken connection is not retried (the writer holds a part):
    /// it fails with `Transport` / `Timeout`. The client's request timeout bounds the whole
    /// download.
    pub async fn download<W>(
        &self,
        path: &str,
        query: &[(String, String)],
        writer: &mut W,
    ) -> Result<u64>
    where
        W: tokio::io::AsyncWrite + Unpin + ?Sized,
    {
        use tokio::io::AsyncWriteExt as _;
        let mut response = self.open_download(path, query).await?;
        let mut written = 0u64;
        while let Some(chunk) = next_chunk(&mut response, path, written).await? {
            writer.write_all(&chunk).await.map_err(|e| write_error(e, path))?;
            written += chunk.len() as u64;
        }
        writer.flush().await.map_err(|e| write_error(e, path))?;
        Ok(written)
    }

    /// Like [`Client::download`], into a blocking writer (a file, a `Vec<u8>`): writes run
    /// on a blocking thread, so a slow disk never stalls the async runtime. `progress` is
    /// called with the bytes written so far after each piece. Returns the bytes written
    /// and the writer back.
    pub async fn download_to<W>(
        &self,
        path: &str,
        query: &[(String, String)],
        writer: W,
        progress: impl FnMut(u64) + Send,
    ) -> Result<(u64, W)>
    where
        W: std::io::Write + Send + 'static,
    {
        let response = self.open_download(path, query).await?;
        pump_response(response, path, writer, progress).await
    }

    /// Sends the GET (retried as any read) until an answer that is a file comes back.
    pub(crate) async fn open_download(
        &self,
        path: &str,
        query: &[(String, String)],
    ) -> Result<reqwest::Response> {
        if !path.starts_with('/') || path.contains("://") || path.contains(['?', '#']) {
            return Err(Error::invalid_argument(format!(
                "path {path:?} must start with `/` and hold no host or query (pass query \
                 parameters separately)"
            )));
        }
        let fetched =
            self.send(Call::read(path.to_string()), |api| fetch(api, path, query)).await?;
        let (kind, detail) = match fetched {
            Fetched::File(response) => return Ok(response),
            Fetched::PageNotFound(page) => (
                ErrorKind::NotFound,
                format!("this server has no such download; it answered {}", snippet(&page)),
            ),
            Fetched::Json(json) => (
                ErrorKind::UnexpectedResponse,
                format!("expected a file, got JSON: {}", snippet(&json)),
            ),
        };
        Err(Error::new(kind, detail).with_status(200).with_request("GET", path))
    }
}

/// Writes `response`'s body into `writer` on a blocking thread, fed through a small
/// channel so that at most a few pieces are in memory.
pub(crate) async fn pump_response<W: std::io::Write + Send + 'static>(
    mut response: reqwest::Response,
    path: &str,
    mut writer: W,
    mut progress: impl FnMut(u64) + Send,
) -> Result<(u64, W)> {
    let (tx, mut rx) = tokio::sync::mpsc::channel::<bytes::Bytes>(8);
    let disk = tokio::task::spawn_blocking(move || -> std::io::Result<W> {
        while let Some(chunk) = rx.blocking_recv() {
            writer.write_all(&chunk)?;
        }
        writer.flush()?;
        Ok(writer)
    });
    let mut written = 0u64;
    let read = async {
        while let Some(chunk) = next_chunk(&mut response, path, written).await? {
            let len = chunk.len() as u64;
            if tx.send(chunk).await.is_err() {
                break; // the writer failed: its error is reported below
            }
            written += len;
            progress(written);
        }
        Ok::<(), Error>(())
    };
    let read = read.await;
    drop(tx);
    let wrote = disk
        .await
        .map_err(|e| Error::new(ErrorKind::Transport, format!("the writer thread failed: {e}")))?;
    let writer = wrote.map_err(|e| write_error(e, path))?;
    read?;
    Ok((written, writer))
}

/// The next piece of a file answer; `None` at its end.
async fn next_chunk(
    response: &mut reqwest::Response,
    path: &str,
    written: u64,
) -> Result<Option<bytes::Bytes>> {
    response.chunk().await.map_err(|e| {
        let kind = if e.is_timeout() { ErrorKind::Timeout } else { ErrorKind::Transport };
        let mut cause = e.to_string();
        let mut source = std::error::Error::source(&e);
        while let Some(s) = source {
            cause = s.to_string();
            source = s.source();
        }
        Error::new(kind, format!("the download broke off after {written} bytes: {cause}"))
            .with_source(e.without_url())
            .with_request("GET", path)
    })
}

fn write_error(e: std::io::Error, path: &str) -> Error {
    Error::invalid_argument(format!("cannot write the download: {e}")).with_request("GET", path)
}

/// One attempt of a download, through progenitor's hooks (auth header, logging) but not
/// the answer cap: a file may be larger than any JSON answer. Answers that are not a file
/// become errors here, so that `send` maps and retries them as any other.
async fn fetch(
    api: crate::api::Client,
    path: &str,
    query: &[(String, String)],
) -> std::result::Result<ResponseValue<Fetched>, ApiError> {
    let url = format!("{}{path}", api.baseurl);
    let mut request =
        api.client.get(url).header(ACCEPT, HeaderValue::from_static("*/*")).query(query).build()?;
    let info = OperationInfo { operation_id: "download" };
    api.pre(&mut request, &info).await?;
    let started = std::time::Instant::now();
    let result = api.client.execute(request).await;
    if let Ok(response) = &result {
        let header = |name| response.headers().get(name).and_then(|v| v.to_str().ok());
        let meta = crate::transport::AnswerMeta {
            status: Some(response.status().as_u16()),
            content_type: header(reqwest::header::CONTENT_TYPE).map(str::to_string),
            retry_after: header(reqwest::header::RETRY_AFTER)
                .and_then(|t| t.trim().parse::<f64>().ok())
                .filter(|s| s.is_finite() && *s >= 0.0)
                .map(|s| std::time::Duration::from_secs_f64(s.min(3600.0))),
            strict: api.inner.strict,
            list_capacity: 0,
        };
        let _ = crate::transport::ANSWER.try_with(|cell| *cell.borrow_mut() = meta);
        tracing::debug!(
            operation = info.operation_id,
            path,
            status = response.status().as_u16(),
            elapsed_ms = started.elapsed().as_millis() as u64,
            "zkbiotime response"
        );
    }
    api.post(&result, &info).await?;
    let response = result?;
    let status = response.status();
    let headers = response.headers().clone();
    let content_type = headers
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let is_html = content_type.starts_with("text/html");
    let is_json = content_type.starts_with("application/json") || content_type.contains("+json");
    if status.is_success() && !is_html && !is_json {
        return Ok(ResponseValue::new(Fetched::File(response), status, headers));
    }
    // Not a file: read (a capped part of) the body for the error.
    let body = capped_body(response).await?;
    if status.is_success() {
        let text = String::from_utf8_lossy(&body).into_owned();
        if is_json {
            return Ok(ResponseValue::new(Fetched::Json(text), status, headers));
        }
        if text.to_ascii_lowercase().contains("<title>page not found</title>") {
            return Ok(ResponseValue::new(Fetched::PageNotFound(text), status, headers));
        }
    }
    // An error status, or another HTML page (a starting server's): mapped as any answer.
    let mut rebuilt = http::Response::new(body);
    *rebuilt.status_mut() = status;
    *rebuilt.headers_mut() = headers;
    Err(progenitor_client::Error::UnexpectedResponse(reqwest::Response::from(rebuilt)))
}

/// At most `ERROR_BODY_LIMIT` bytes of a body that is read for its message.
async fn capped_body(
    mut response: reqwest::Response,
) -> std::result::Result<bytes::Bytes, ApiError> {
    let mut body = Vec::new();
    while let Some(chunk) =
        response.chunk().await.map_err(progenitor_client::Error::ResponseBodyError)?
    {
        let room = ERROR_BODY_LIMIT - body.len();
        body.extend_from_slice(&chunk[..chunk.len().min(room)]);
        if body.len() >= ERROR_BODY_LIMIT {
            break;
        }
    }
    Ok(body.into())
}
