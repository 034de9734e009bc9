//! The HTML pages a real server serves: the public API docs and its "Page not found"
//! page, which answers with HTTP 200.

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;

use crate::version::ServerVersion;

pub fn page(status: StatusCode, html: String) -> Response {
    let mut r = Response::new(Body::from(html));
    *r.status_mut() = status;
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    r
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

pub fn not_found(path: &str) -> Response {
    page(
        StatusCode::OK,
        format!(
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
             <title>Page not found</title>\n</head>\n<body>\n<div class=\"error-page\">\n\
             <h1>Page not found</h1>\n<p>Sorry, the page <code>{}</code> could not be found.</p>\n\
             <p><a href=\"/\">Back to ZKBio Time</a></p>\n</div>\n</body>\n</html>\n",
            escape(path)
        ),
    )
}

/// A page served while "starting up" or "overloaded" (fault injection).
pub fn busy() -> Response {
    page(
        StatusCode::OK,
        "<!DOCTYPE html>\n<html>\n<head><title>ZKBio Time</title></head>\n<body>\n\
         <h1>The system is starting, please wait...</h1>\n</body>\n</html>\n"
            .into(),
    )
}

/// `/api/docs/`, titled as `version`'s server titles it (PB tells versions apart by it).
pub fn docs(version: ServerVersion) -> Response {
    const ENDPOINTS: [(&str, &str); 8] = [
        ("POST", "/api-token-auth/"),
        ("POST", "/jwt-api-token-auth/"),
        ("GET POST", "/personnel/api/employees/"),
        ("GET POST", "/personnel/api/departments/"),
        ("GET POST", "/personnel/api/areas/"),
        ("GET POST", "/personnel/api/positions/"),
        ("GET", "/iclock/api/terminals/"),
        ("GET", "/iclock/api/transactions/"),
    ];
    let rows: String = ENDPOINTS
        .iter()
        .map(|(m, p)| format!("<tr><td>{m}</td><td><code>{p}</code></td></tr>\n"))
        .collect();
    page(
        StatusCode::OK,
        format!(
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
             <title>{title}</title>\n</head>\n<body>\n<h1>{title}</h1>\n\
             <p>Version {version} (sandbox)</p>\n<h2 id=\"api-token-auth\">api-token-auth</h2>\n\
             <p>POST <code>username</code> and <code>password</code>; send the answer's \
             token as <code>Authorization: Token &lt;token&gt;</code>.</p>\n\
             <table>\n<tr><th>Method</th><th>Path</th></tr>\n{rows}</table>\n</body>\n</html>\n",
            title = version.docs_title(),
        ),
    )
}
