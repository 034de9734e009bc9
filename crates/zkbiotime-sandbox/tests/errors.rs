//! DRF error answers and Django's page-level quirks.

use crate::common;

use common::Api;
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn not_found_and_method_not_allowed() {
    let api = Api::new().await;
    for path in [
        "/personnel/api/employees/99999/",
        "/personnel/api/employees/abc/",
        "/iclock/api/transactions/0/",
        "/iclock/api/terminals/42/",
    ] {
        let (s, v) = api.get(path).await;
        assert_eq!((s, v), (404, json!({"detail": "Not found."})), "{path}");
    }
    for (method, path) in [
        (Method::PUT, "/iclock/api/transactions/1/"),
        // Bulk actions take POST only (DRF list actions).
        (Method::GET, "/iclock/api/terminals/reboot/"),
        (Method::PUT, "/personnel/api/employees/adjust_area/"),
        (Method::POST, "/iclock/api/transactions/"),
        (Method::DELETE, "/personnel/api/employees/"),
        (Method::PATCH, "/personnel/api/departments/"),
        (Method::POST, "/personnel/api/departments/1/"),
    ] {
        let a = api.raw(method.clone(), path, None, Some(&api.auth())).await;
        assert_eq!(a.status, 405, "{method} {path}");
        assert_eq!(a.json(), json!({"detail": format!("Method \"{method}\" not allowed.")}));
        assert!(a.headers.contains_key("allow"));
    }
}

#[tokio::test]
async fn unknown_paths_answer_html_200() {
    let api = Api::new().await;
    for path in ["/", "/personnel/api/nothing/", "/iclock/api/transactions/1/2/"] {
        let a = api.raw(Method::GET, path, None, Some(&api.auth())).await;
        assert_eq!(a.status, 200, "{path}");
        assert!(a.headers["content-type"].to_str().unwrap().starts_with("text/html"));
        assert!(a.text.contains("Page not found"));
    }
    // Without the trailing slash Django redirects (APPEND_SLASH).
    let a = api.raw(Method::GET, "/iclock/api/terminals?sn=x", None, Some(&api.auth())).await;
    assert_eq!(a.status, 301);
    assert_eq!(a.headers["location"], "/iclock/api/terminals/?sn=x");
}

#[tokio::test]
async fn malformed_and_wrong_bodies() {
    let api = Api::new().await;
    let resp = api
        .http
        .post(format!("{}/personnel/api/departments/", api.sb.url()))
        .header("Authorization", api.auth())
        .header("Content-Type", "application/json")
        .body("{\"dept_code\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 400);
    let v: serde_json::Value = resp.json().await.unwrap();
    assert!(v["detail"].as_str().unwrap().starts_with("JSON parse error - "), "{v}");
    let (s, v) = api.call(Method::POST, "/personnel/api/departments/", Some(json!([1, 2]))).await;
    assert_eq!(s, 400);
    assert_eq!(
        v,
        json!({"non_field_errors": ["Invalid data. Expected a dictionary, but got list."]})
    );
    let resp = api
        .http
        .post(format!("{}/personnel/api/departments/", api.sb.url()))
        .header("Authorization", api.auth())
        .header("Content-Type", "text/plain")
        .body("x")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 415);
}

#[tokio::test]
async fn filter_values_are_validated() {
    let api = Api::new().await;
    let (s, v) = api.get("/iclock/api/transactions/?start_time=yesterday").await;
    assert_eq!((s, v), (400, json!({"start_time": ["Enter a valid date/time."]})));
    let (s, v) = api.get("/personnel/api/employees/?department=999").await;
    assert_eq!(s, 400);
    assert_eq!(
        v,
        json!({"department": ["Select a valid choice. That choice is not one of the available choices."]})
    );
    let (s, v) = api.get("/personnel/api/employees/?app_status=x").await;
    assert_eq!((s, v), (400, json!({"app_status": ["Enter a number."]})));
    // Empty values and unknown parameters are ignored.
    let (s, v) = api.get("/personnel/api/employees/?emp_code=&whatever=1").await;
    assert_eq!(s, 200);
    assert_eq!(v["count"], 6);
}
