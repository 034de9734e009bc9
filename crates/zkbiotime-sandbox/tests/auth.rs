//! Logins and per-request authentication.

use crate::common;

use std::time::Duration;

use base64::Engine;
use common::Api;
use reqwest::Method;
use serde_json::{Value, json};
use zkbiotime_sandbox::SandboxBuilder;

#[tokio::test]
async fn token_login_is_40_hex_and_stable() {
    let api = Api::new().await;
    assert_eq!(api.token.len(), 40);
    assert!(api.token.chars().all(|c| c.is_ascii_hexdigit()));
    // DRF keeps one token per user: logging in again returns it.
    let again = api
        .raw(
            Method::POST,
            "/api-token-auth/",
            Some(json!({"username": "admin", "password": "admin123"})),
            None,
        )
        .await;
    assert_eq!(again.json()["token"], api.token.as_str());
}

#[tokio::test]
async fn login_errors_are_400() {
    let api = Api::new().await;
    let bad = api
        .raw(
            Method::POST,
            "/api-token-auth/",
            Some(json!({"username": "admin", "password": "nope"})),
            None,
        )
        .await;
    assert_eq!(bad.status, 400);
    assert_eq!(
        bad.json(),
        json!({"non_field_errors": ["Unable to log in with provided credentials."]})
    );
    let missing = api.raw(Method::POST, "/api-token-auth/", Some(json!({})), None).await;
    assert_eq!(missing.status, 400);
    assert_eq!(
        missing.json(),
        json!({"username": ["This field is required."], "password": ["This field is required."]})
    );
    let blank = api
        .raw(
            Method::POST,
            "/jwt-api-token-auth/",
            Some(json!({"username": "", "password": "x"})),
            None,
        )
        .await;
    assert_eq!(blank.json(), json!({"username": ["This field may not be blank."]}));
    let get = api.raw(Method::GET, "/api-token-auth/", None, None).await;
    assert_eq!(get.status, 405);
    assert_eq!(get.json(), json!({"detail": "Method \"GET\" not allowed."}));
}

#[tokio::test]
async fn missing_and_bad_tokens_are_401() {
    let api = Api::new().await;
    let none = api.raw(Method::GET, "/personnel/api/employees/", None, None).await;
    assert_eq!(none.status, 401);
    assert_eq!(none.json(), json!({"detail": "Authentication credentials were not provided."}));
    assert_eq!(none.headers["www-authenticate"], "Token");
    let bad = api
        .raw(
            Method::GET,
            "/personnel/api/employees/",
            None,
            Some("Token 0000000000000000000000000000000000000000"),
        )
        .await;
    assert_eq!(bad.status, 401);
    assert_eq!(bad.json(), json!({"detail": "Invalid token."}));
    let bearer = api.raw(Method::GET, "/iclock/api/terminals/", None, Some("Bearer x")).await;
    assert_eq!(bearer.status, 401);
    // Auth is checked before the method: an anonymous PUT is 401, not 405.
    let put = api.raw(Method::PUT, "/iclock/api/terminals/1/", None, None).await;
    assert_eq!(put.status, 401);
}

#[tokio::test]
async fn revoked_token_fails_until_next_login() {
    let api = Api::new().await;
    api.sb.revoke_tokens();
    let (s, v) = api.get("/iclock/api/terminals/").await;
    assert_eq!((s, v), (401, json!({"detail": "Invalid token."})));
    let fresh = api
        .raw(
            Method::POST,
            "/api-token-auth/",
            Some(json!({"username": "admin", "password": "admin123"})),
            None,
        )
        .await
        .json()["token"]
        .as_str()
        .unwrap()
        .to_string();
    assert_ne!(fresh, api.token);
    let ok =
        api.raw(Method::GET, "/iclock/api/terminals/", None, Some(&format!("Token {fresh}"))).await;
    assert_eq!(ok.status, 200);
}

fn jwt_payload(token: &str) -> Value {
    let part = token.split('.').nth(1).unwrap();
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(part).unwrap();
    serde_json::from_slice(&bytes).unwrap()
}

#[tokio::test]
async fn jwt_login_and_expiry() {
    let api = Api::with(SandboxBuilder::new().jwt_lifetime(Duration::from_secs(1))).await;
    let login = api
        .raw(
            Method::POST,
            "/jwt-api-token-auth/",
            Some(json!({"username": "admin", "password": "admin123"})),
            None,
        )
        .await;
    assert_eq!(login.status, 200);
    let token = login.json()["token"].as_str().unwrap().to_string();
    let payload = jwt_payload(&token);
    assert_eq!(payload["username"], "admin");
    assert_eq!(payload["user_id"], 1);
    assert!(payload["exp"].is_i64());
    let auth = format!("JWT {token}");
    let ok = api.raw(Method::GET, "/iclock/api/terminals/", None, Some(&auth)).await;
    assert_eq!(ok.status, 200);
    let forged =
        api.raw(Method::GET, "/iclock/api/terminals/", None, Some(&format!("JWT {token}x"))).await;
    assert_eq!(forged.status, 401);
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let expired = api.raw(Method::GET, "/iclock/api/terminals/", None, Some(&auth)).await;
    assert_eq!(expired.status, 401);
    assert_eq!(expired.json(), json!({"detail": "Signature has expired."}));
}

#[tokio::test]
async fn default_jwt_lifetime_is_five_minutes() {
    let api = Api::new().await;
    let login = api
        .raw(
            Method::POST,
            "/jwt-api-token-auth/",
            Some(json!({"username": "admin", "password": "admin123"})),
            None,
        )
        .await;
    let p = jwt_payload(login.json()["token"].as_str().unwrap());
    let left = p["exp"].as_i64().unwrap() - chrono::Utc::now().timestamp();
    assert!((295..=300).contains(&left), "{left}");
}

#[tokio::test]
async fn configured_credentials_static_token_and_basic() {
    let api =
        Api::with(SandboxBuilder::new().credentials("ops", "s3cret").static_token("ae6002b7"))
            .await;
    assert!(api.token.is_empty(), "admin/admin123 must not log in");
    let login = api
        .raw(
            Method::POST,
            "/api-token-auth/",
            Some(json!({"username": "ops", "password": "s3cret"})),
            None,
        )
        .await;
    assert_eq!(login.status, 200);
    let general = api.raw(Method::GET, "/personnel/api/areas/", None, Some("Token ae6002b7")).await;
    assert_eq!(general.status, 200);
    let basic = base64::engine::general_purpose::STANDARD.encode("ops:s3cret");
    let b =
        api.raw(Method::GET, "/personnel/api/areas/", None, Some(&format!("Basic {basic}"))).await;
    assert_eq!(b.status, 200);
}

#[tokio::test]
async fn form_encoded_login_works() {
    let api = Api::new().await;
    let resp = api
        .http
        .post(format!("{}/api-token-auth/", api.sb.url()))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body("username=admin&password=admin123")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
}
