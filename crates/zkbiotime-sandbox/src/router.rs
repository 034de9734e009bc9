//! URL dispatch with Django's rules: trailing slashes (APPEND_SLASH redirects), auth
//! before the method check, 405 for other methods, and an HTML 200 page for unknown paths.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use axum::body::Body;
use axum::http::{HeaderValue, Method, Request, StatusCode, header};
use axum::response::Response;
use serde_json::{Map, Value, json};
use tokio::sync::Notify;

use crate::api::org::Org;
use crate::api::{
    actions, employees, export, object, org, punch_delete, reports, resigns, terminals,
    transactions,
};
use crate::auth;
use crate::errors::{ApiError, ApiResult};
use crate::faults::{self, Fault};
use crate::html;
use crate::paging::{Query, RequestUrl};
use crate::state::AppState;
use crate::version::ServerVersion;

/// Per-connection facts a handler may need.
pub struct ConnCtx {
    pub scheme: &'static str,
    pub local_addr: SocketAddr,
    /// Notified to drop the connection without answering (fault injection).
    pub kill: Arc<Notify>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resource {
    Employees,
    Departments,
    Areas,
    Positions,
    Terminals,
    Transactions,
    /// 8.5 and 9.5 only (`ServerVersion::has_resign_api`); the demo data has none.
    Resigns,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    TokenLogin,
    JwtLogin,
    Docs,
    List(Resource),
    Detail(Resource, String),
    /// `POST /personnel/api/resigns/reinstatement/` (a DRF list action; 8.5 and 9.5 only).
    Reinstatement,
    /// `POST <list path><action>/`: a bulk action of employees or terminals
    /// (`api::actions`); DRF routes list actions before the detail pattern.
    Action(Resource, &'static str),
    /// `GET /iclock/api/transactions/export/?export_type=csv|txt|xls` (D80; `api::export`).
    TransactionExport,
    /// `GET /att/api/<report>/` (server-versions §3; `api::reports`): list only.
    Report(reports::Report),
}

const RESOURCES: [(&str, Resource); 7] = [
    ("/personnel/api/employees/", Resource::Employees),
    ("/personnel/api/departments/", Resource::Departments),
    ("/personnel/api/areas/", Resource::Areas),
    ("/personnel/api/positions/", Resource::Positions),
    ("/iclock/api/terminals/", Resource::Terminals),
    ("/iclock/api/transactions/", Resource::Transactions),
    ("/personnel/api/resigns/", Resource::Resigns),
];

pub fn route(path: &str) -> Option<Route> {
    match path {
        "/api-token-auth/" | "/staff-api-token-auth/" => return Some(Route::TokenLogin),
        "/jwt-api-token-auth/" | "/staff-jwt-api-token-auth/" => return Some(Route::JwtLogin),
        "/api/docs/" => return Some(Route::Docs),
        "/personnel/api/resigns/reinstatement/" => return Some(Route::Reinstatement),
        "/iclock/api/transactions/export/" => return Some(Route::TransactionExport),
        _ => {}
    }
    if let Some(report) = reports::Report::at(path) {
        return Some(Route::Report(report));
    }
    let actions = [
        ("/personnel/api/employees/", Resource::Employees, &actions::EMPLOYEE_ACTIONS),
        ("/iclock/api/terminals/", Resource::Terminals, &actions::TERMINAL_ACTIONS),
    ];
    for (prefix, res, names) in actions {
        let name = path.strip_prefix(prefix).and_then(|rest| rest.strip_suffix('/'));
        if let Some(&name) = name.and_then(|n| names.iter().find(|a| **a == n)) {
            return Some(Route::Action(res, name));
        }
    }
    for (prefix, res) in RESOURCES {
        if let Some(rest) = path.strip_prefix(prefix) {
            if rest.is_empty() {
                return Some(Route::List(res));
            }
            // DRF's detail pattern: `(?P<pk>[^/.]+)/$`.
            let id = rest.strip_suffix('/')?;
            if !id.is_empty() && !id.contains(['/', '.']) {
                return Some(Route::Detail(res, id.to_string()));
            }
            return None;
        }
    }
    None
}

/// `route`, minus the endpoints `version` does not have (they fall to "Page not found").
pub fn route_in(path: &str, version: ServerVersion) -> Option<Route> {
    match route(path)? {
        Route::List(Resource::Resigns)
        | Route::Detail(Resource::Resigns, _)
        | Route::Reinstatement
        | Route::Action(Resource::Employees, "adjust_regsin")
            if !version.has_resign_api() =>
        {
            None
        }
        r => Some(r),
    }
}

impl Resource {
    fn writable(self) -> bool {
        !matches!(self, Resource::Transactions)
    }

    fn org(self) -> Option<Org> {
        match self {
            Resource::Departments => Some(Org::Department),
            Resource::Areas => Some(Org::Area),
            Resource::Positions => Some(Org::Position),
            _ => None,
        }
    }

    fn allow(self, detail: bool) -> &'static str {
        match (self.writable(), detail, self) {
            (false, _, _) => "GET, HEAD, OPTIONS",
            (true, false, _) => "GET, POST, HEAD, OPTIONS",
            (true, true, Resource::Areas) => "GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS",
            (true, true, _) => "GET, PUT, PATCH, DELETE, HEAD, OPTIONS",
        }
    }
}

fn request_url(req: &Request<Body>, ctx: &ConnCtx) -> RequestUrl {
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(str::to_string)
        .or_else(|| req.uri().authority().map(|a| a.to_string()))
        .unwrap_or_else(|| ctx.local_addr.to_string());
    RequestUrl {
        scheme: ctx.scheme,
        host,
        path: req.uri().path().to_string(),
        query: Query::parse(req.uri().query()),
    }
}

/// Parses a JSON or form body into an object, DRF style.
async fn read_body(req: Request<Body>) -> ApiResult<Map<String, Value>> {
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|s| s.split(';').next().unwrap_or("").trim().to_ascii_lowercase());
    let bytes = axum::body::to_bytes(req.into_body(), 64 << 20)
        .await
        .map_err(|e| ApiError::BadRequest(format!("Could not read the request body: {e}")))?;
    match content_type.as_deref() {
        Some("application/x-www-form-urlencoded") => {
            let mut map = Map::new();
            for (k, v) in url::form_urlencoded::parse(&bytes) {
                let v = Value::String(v.into_owned());
                match map.get_mut(k.as_ref()) {
                    Some(Value::Array(list)) => list.push(v),
                    Some(old) => *old = Value::Array(vec![old.take(), v]),
                    None if k == "area" => {
                        map.insert(k.into_owned(), Value::Array(vec![v]));
                    }
                    None => {
                        map.insert(k.into_owned(), v);
                    }
                }
            }
            Ok(map)
        }
        None | Some("application/json") | Some("text/json") | Some("") => {
            if bytes.iter().all(u8::is_ascii_whitespace) {
                return Ok(Map::new());
            }
            match serde_json::from_slice::<Value>(&bytes) {
                Ok(Value::Object(m)) => Ok(m),
                Ok(other) => Err(ApiError::field(
                    "non_field_errors",
                    format!(
                        "Invalid data. Expected a dictionary, but got {}.",
                        crate::validate::py_type(&other)
                    ),
                )),
                Err(e) => Err(ApiError::BadRequest(format!("JSON parse error - {e}"))),
            }
        }
        Some(ct) if ct.ends_with("+json") => serde_json::from_slice::<Map<String, Value>>(&bytes)
            .map_err(|e| ApiError::BadRequest(format!("JSON parse error - {e}"))),
        Some(ct) => Err(ApiError::UnsupportedMediaType(ct.to_string())),
    }
}

/// Counts a request as being answered until dropped (every return of `handle`).
struct InFlight<'a>(&'a AppState);

impl<'a> InFlight<'a> {
    fn enter(state: &'a AppState) -> Self {
        let now = state.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        state.peak_in_flight.fetch_max(now, Ordering::SeqCst);
        InFlight(state)
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Answers one request.
pub async fn handle(state: Arc<AppState>, ctx: Arc<ConnCtx>, req: Request<Body>) -> Response {
    state.requests.fetch_add(1, Ordering::Relaxed);
    let _in_flight = InFlight::enter(&state);
    let path = req.uri().path().to_string();
    let method = req.method().clone();
    let started = std::time::Instant::now();
    let version = state.config.server_version;
    let route_of_path = route_in(&path, version);
    if let Some(scenario) = state.hostile
        && !matches!(route_of_path, Some(Route::TokenLogin | Route::JwtLogin))
    {
        let resp = crate::hostile::respond(scenario, &ctx, req.uri().query()).await;
        tracing::debug!(
            "{method} {path} -> {} (hostile {})",
            resp.status().as_u16(),
            scenario.name
        );
        return resp;
    }
    let request_headers = req.headers().clone();
    let resp = match route_of_path {
        Some(r) => match inject_fault(&state, &ctx, &r).await {
            Some(faulty) => faulty,
            None => dispatch(&state, &ctx, r, req).await.unwrap_or_else(ApiError::into_response),
        },
        None if !path.ends_with('/') && route_in(&format!("{path}/"), version).is_some() => {
            // Django's CommonMiddleware (APPEND_SLASH) redirects to the slashed URL.
            let mut to = format!("{path}/");
            if let Some(q) = req.uri().query() {
                to.push('?');
                to.push_str(q);
            }
            let mut r = Response::new(Body::empty());
            *r.status_mut() = StatusCode::MOVED_PERMANENTLY;
            if let Ok(v) = HeaderValue::from_str(&to) {
                r.headers_mut().insert(header::LOCATION, v);
            }
            r
        }
        None => html::not_found(&path),
    };
    tracing::debug!("{method} {path} -> {} in {:.1?}", resp.status().as_u16(), started.elapsed());
    state.link.carry(&request_headers, resp).await
}

/// Applies the configured fault mix to API requests (and logins when asked): may revoke
/// the token, delay, answer with a failure, or drop the connection.
async fn inject_fault(state: &Arc<AppState>, ctx: &ConnCtx, route: &Route) -> Option<Response> {
    let (decision, slow, retry_after) = {
        let mut plan = state.faults.lock().unwrap_or_else(|e| e.into_inner());
        let applies = match route {
            Route::List(_)
            | Route::Detail(..)
            | Route::Reinstatement
            | Route::Action(..)
            | Route::TransactionExport
            | Route::Report(_) => true,
            Route::TokenLogin | Route::JwtLogin => plan.spec.logins,
            Route::Docs => false,
        };
        if !applies || plan.spec.is_none() {
            return None;
        }
        (plan.decide(), plan.spec.slow, plan.spec.retry_after)
    };
    if decision.revoke {
        state.fault_counters.revocations.fetch_add(1, Ordering::Relaxed);
        if let Err(e) = auth::revoke_tokens(state).await {
            tracing::warn!("revoking tokens: {e:?}");
        }
    }
    let fault = decision.fault?;
    state.fault_counters.count(fault);
    tracing::debug!("injecting fault {fault}");
    match fault {
        Fault::Slow => {
            tokio::time::sleep(slow).await;
            None
        }
        Fault::Drop => {
            ctx.kill.notify_one();
            // The connection task drops this request; never answer it.
            std::future::pending::<()>().await;
            None
        }
        other => Some(faults::response(other, retry_after)),
    }
}

async fn dispatch(
    state: &Arc<AppState>,
    ctx: &ConnCtx,
    route: Route,
    req: Request<Body>,
) -> ApiResult<Response> {
    let method = req.method().clone();
    let not_allowed = |allow: &'static str| ApiError::MethodNotAllowed {
        method: method.as_str().to_string(),
        allow,
    };
    let (res, id) = match route {
        Route::Docs => {
            return if method == Method::GET || method == Method::HEAD {
                Ok(html::docs(state.config.server_version))
            } else {
                Err(not_allowed("GET, HEAD, OPTIONS"))
            };
        }
        Route::TokenLogin | Route::JwtLogin => {
            if method != Method::POST {
                return Err(not_allowed("POST, OPTIONS"));
            }
            let body = read_body(req).await?;
            return if route == Route::TokenLogin {
                auth::token_login(state, body).await
            } else {
                auth::jwt_login(state, body).await
            };
        }
        Route::Reinstatement => {
            let (_, scheme) = auth::authenticate_scheme(state, req.headers())?;
            auth::licence_gate(state, scheme, req.uri().path())?;
            if method != Method::POST {
                return Err(not_allowed("POST, OPTIONS"));
            }
            let body = read_body(req).await?;
            return resigns::reinstate(state, body).await;
        }
        Route::Action(res, name) => {
            let (_, scheme) = auth::authenticate_scheme(state, req.headers())?;
            auth::licence_gate(state, scheme, req.uri().path())?;
            if method != Method::POST {
                return Err(not_allowed("POST, OPTIONS"));
            }
            let body = read_body(req).await?;
            return actions::run(state, res, name, body).await;
        }
        Route::TransactionExport => {
            let (_, scheme) = auth::authenticate_scheme(state, req.headers())?;
            auth::licence_gate(state, scheme, req.uri().path())?;
            if method != Method::GET && method != Method::HEAD {
                return Err(not_allowed("GET, HEAD, OPTIONS"));
            }
            return export::export(state, Query::parse(req.uri().query())).await;
        }
        Route::Report(report) => {
            let (_, scheme) = auth::authenticate_scheme(state, req.headers())?;
            auth::licence_gate(state, scheme, req.uri().path())?;
            if method != Method::GET && method != Method::HEAD {
                return Err(not_allowed("GET, HEAD, OPTIONS"));
            }
            return reports::list(state, report, request_url(&req, ctx)).await;
        }
        Route::List(res) => (res, None),
        Route::Detail(res, id) => (res, Some(id)),
    };

    let (_, scheme) = auth::authenticate_scheme(state, req.headers())?;
    auth::licence_gate(state, scheme, req.uri().path())?;

    let allow = res.allow(id.is_some());
    if method == Method::OPTIONS {
        let mut r = object(
            StatusCode::OK,
            &json!({
                "name": format!("{res:?}"),
                "description": "",
                "renders": ["application/json", "text/html"],
                "parses": ["application/json", "application/x-www-form-urlencoded", "multipart/form-data"],
            }),
        )?;
        r.headers_mut().insert(header::ALLOW, HeaderValue::from_static(allow));
        return Ok(r);
    }
    let is_read = method == Method::GET || method == Method::HEAD;
    let url = request_url(&req, ctx);
    match id {
        None => {
            if is_read {
                return match res {
                    Resource::Employees => employees::list(state, url).await,
                    Resource::Terminals => terminals::list(state, url).await,
                    Resource::Transactions => transactions::list(state, url).await,
                    Resource::Resigns => resigns::list(state, url).await,
                    other => org::list(state, other.org().expect("org resource"), url).await,
                };
            }
            if method != Method::POST || !res.writable() {
                return Err(not_allowed(allow));
            }
            let body = read_body(req).await?;
            match (res, res.org()) {
                (_, Some(o)) => org::create(state, o, body).await,
                (Resource::Resigns, None) => resigns::create(state, body).await,
                (Resource::Terminals, None) => terminals::create(state, body).await,
                _ => employees::create(state, body).await,
            }
        }
        Some(id) => {
            let partial = match method.as_str() {
                "GET" | "HEAD" => None,
                "PATCH" if res.writable() => Some(true),
                // D80 documents a partial body for PUT on resigns.
                "PUT" if res.writable() => Some(res == Resource::Resigns),
                // The manual updates areas with POST on the detail URL.
                "POST" if res == Resource::Areas => Some(true),
                "DELETE" if res.writable() || res == Resource::Transactions => None,
                _ => return Err(not_allowed(allow)),
            };
            // Django raises 404 for ids that are not numbers.
            let id: i64 = id.parse().map_err(|_| ApiError::NotFound)?;
            if is_read {
                return match res {
                    Resource::Employees => employees::get(state, id).await,
                    Resource::Terminals => terminals::get(state, id).await,
                    Resource::Transactions => transactions::get(state, id).await,
                    Resource::Resigns => resigns::get(state, id).await,
                    other => org::get(state, other.org().expect("org resource"), id).await,
                };
            }
            if method == Method::DELETE {
                return match (res, res.org()) {
                    (_, Some(o)) => org::delete(state, o, id).await,
                    (Resource::Resigns, None) => resigns::delete(state, id).await,
                    (Resource::Terminals, None) => terminals::delete(state, id).await,
                    (Resource::Transactions, None) => punch_delete::delete(state, id).await,
                    _ => employees::delete(state, id).await,
                };
            }
            let partial = partial.unwrap_or(true);
            let body = read_body(req).await?;
            match (res, res.org()) {
                (_, Some(o)) => org::update(state, o, id, body, partial).await,
                (Resource::Resigns, None) => resigns::update(state, id, body).await,
                (Resource::Terminals, None) => terminals::update(state, id, body, partial).await,
                _ => employees::update(state, id, body, partial).await,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes() {
        assert_eq!(route("/personnel/api/employees/"), Some(Route::List(Resource::Employees)));
        assert_eq!(
            route("/iclock/api/transactions/12/"),
            Some(Route::Detail(Resource::Transactions, "12".into()))
        );
        assert_eq!(route("/iclock/api/transactions/12"), None);
        assert_eq!(route("/iclock/api/transactions/export/"), Some(Route::TransactionExport));
        assert_eq!(route("/iclock/api/transactions/1/2/"), None);
        assert_eq!(route("/nope/"), None);
        assert_eq!(route_in("/personnel/api/resigns/", ServerVersion::V9_0), None);
        assert_eq!(route_in("/personnel/api/resigns/reinstatement/", ServerVersion::V8_0), None);
        assert_eq!(
            route_in("/personnel/api/resigns/reinstatement/", ServerVersion::V8_5),
            Some(Route::Reinstatement)
        );
        assert_eq!(
            route_in("/personnel/api/resigns/", ServerVersion::V9_5),
            Some(Route::List(Resource::Resigns))
        );
        assert_eq!(
            route("/iclock/api/terminals/reboot/"),
            Some(Route::Action(Resource::Terminals, "reboot"))
        );
        assert_eq!(
            route("/personnel/api/employees/adjust_area/"),
            Some(Route::Action(Resource::Employees, "adjust_area"))
        );
        // GO's spelling is not D80's: a detail lookup, as on the server.
        assert_eq!(
            route("/personnel/api/employees/adjust_resign/"),
            Some(Route::Detail(Resource::Employees, "adjust_resign".into()))
        );
        assert_eq!(route_in("/personnel/api/employees/adjust_regsin/", ServerVersion::V9_0), None);
        assert_eq!(
            route_in("/personnel/api/employees/adjust_regsin/", ServerVersion::V8_5),
            Some(Route::Action(Resource::Employees, "adjust_regsin"))
        );
    }
}
