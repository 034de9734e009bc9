//! Requests the spec does not model (yet): `Client::request` sends any method and path
//! through the same auth, retries and error mapping as the generated operations, and
//! `Client::server_info` uses it to tell what kind of server answers.

use progenitor_client::{ClientHooks as _, OperationInfo, ResponseValue};
use reqwest::header::{ACCEPT, HeaderValue};
use serde_json::Value;

use crate::client::{Call, Client};
use crate::error::{Error, ErrorKind, Result};

type ApiError = progenitor_client::Error<crate::types::ErrorBody>;

/// What a server tells about itself (see [`Client::server_info`]). Every field is a
/// reading of what the server answered, not something it declares: no endpoint reports
/// the version.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
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
