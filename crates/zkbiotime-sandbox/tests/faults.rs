//! Fault injection, live punches and HTTPS.

use crate::common;

use std::time::{Duration, Instant};

use common::Api;
use reqwest::Method;
use serde_json::json;
use zkbiotime_sandbox::{FaultSpec, SandboxBuilder};

async fn statuses(api: &Api, n: usize) -> Vec<String> {
    let mut out = Vec::new();
    for _ in 0..n {
        let r = api
            .http
            .get(format!("{}/personnel/api/departments/", api.sb.url()))
            .header("Authorization", api.auth())
            .send()
            .await;
        out.push(match r {
            Ok(resp) => {
                let html = resp
                    .headers()
                    .get("content-type")
                    .is_some_and(|c| c.to_str().unwrap().starts_with("text/html"));
                format!("{}{}", resp.status().as_u16(), if html { "h" } else { "" })
            }
            Err(_) => "drop".into(),
        });
    }
    out
}

#[tokio::test]
async fn fault_mix_is_deterministic_and_spares_logins() {
    let spec = "5xx=0.2,429=0.1,drop=0.1,html=0.1,logins=false";
    let a = Api::with(SandboxBuilder::new().faults_spec(spec).seed(3)).await;
    assert_eq!(a.token.len(), 40, "logins are not faulted unless asked");
    let b = Api::with(SandboxBuilder::new().faults_spec(spec).seed(3)).await;
    let sa = statuses(&a, 120).await;
    let sb = statuses(&b, 120).await;
    assert_eq!(sa, sb, "same seed, same sequence");
    for kind in ["200", "500h", "502h", "503h", "504h", "429", "drop", "200h"] {
        assert!(sa.iter().any(|s| s == kind), "{kind} never happened: {sa:?}");
    }
    let stats = a.sb.fault_stats();
    assert_eq!(stats.dropped as usize, sa.iter().filter(|s| *s == "drop").count());
    assert_eq!(stats.throttled as usize, sa.iter().filter(|s| *s == "429").count());
    // The docs page and logins stay clean.
    for _ in 0..20 {
        let d = a.raw(Method::GET, "/api/docs/", None, None).await;
        assert_eq!(d.status, 200);
    }
}

#[tokio::test]
async fn throttle_answers_carry_retry_after() {
    let api = Api::with(SandboxBuilder::new().faults_spec("429=1").retry_after(0.25)).await;
    let a = api.raw(Method::GET, "/iclock/api/terminals/", None, Some(&api.auth())).await;
    assert_eq!(a.status, 429);
    assert_eq!(a.headers["retry-after"], "0.25");
    assert!(a.json()["detail"].as_str().unwrap().starts_with("Request was throttled."));
    api.sb.set_faults(FaultSpec::none());
    let a = api.raw(Method::GET, "/iclock/api/terminals/", None, Some(&api.auth())).await;
    assert_eq!(a.status, 200);
    let api = Api::with(SandboxBuilder::new().faults_spec("429=1")).await;
    let a = api.raw(Method::GET, "/iclock/api/terminals/", None, Some(&api.auth())).await;
    assert_eq!(a.headers["retry-after"], "1");
}

#[tokio::test]
async fn revoke_every_n_requests() {
    let api = Api::with(SandboxBuilder::new().faults_spec("revoke-every=3")).await;
    let (s1, _) = api.get("/iclock/api/terminals/").await;
    let (s2, _) = api.get("/iclock/api/terminals/").await;
    let (s3, v3) = api.get("/iclock/api/terminals/").await;
    assert_eq!((s1, s2, s3), (200, 200, 401));
    assert_eq!(v3, json!({"detail": "Invalid token."}));
    assert_eq!(api.sb.fault_stats().revocations, 1);
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

#[tokio::test]
async fn slow_answers_and_faulted_logins() {
    let api = Api::with(SandboxBuilder::new().faults_spec("slow=1,slow-ms=300")).await;
    let t = Instant::now();
    let (s, _) = api.get("/iclock/api/terminals/").await;
    assert_eq!(s, 200);
    assert!(t.elapsed() >= Duration::from_millis(300));
    let api = Api::with(SandboxBuilder::new().faults_spec("503=1,logins=true")).await;
    assert!(api.token.is_empty(), "the login itself got a 503");
    assert_eq!(api.sb.fault_stats().server_errors, 1);
}

#[tokio::test]
async fn dropped_connections_get_no_answer() {
    let api = Api::with(SandboxBuilder::new().faults_spec("drop=1")).await;
    let err = api
        .http
        .get(format!("{}/iclock/api/terminals/", api.sb.url()))
        .header("Authorization", api.auth())
        .timeout(Duration::from_secs(5))
        .send()
        .await
        .unwrap_err();
    assert!(!err.is_timeout(), "closed, not hung: {err:?}");
    assert_eq!(api.sb.fault_stats().dropped, 1);
}

#[tokio::test]
async fn live_punches_keep_arriving() {
    let api = Api::with(SandboxBuilder::new().live(50.0).late_uploads(0.5)).await;
    let before = api.sb.transaction_count();
    tokio::time::sleep(Duration::from_millis(700)).await;
    let after = api.sb.transaction_count();
    assert!(after >= before + 20, "{before} -> {after}");
    let (_, v) = api.get("/iclock/api/transactions/?ordering=-upload_time&page_size=30").await;
    let rows = v["data"].as_array().unwrap();
    assert!(rows.iter().any(|r| r["punch_time"].as_str() < r["upload_time"].as_str()));
    api.sb.shutdown().await;
}

#[tokio::test]
async fn https_with_generated_certificates() {
    let sb = SandboxBuilder::new().self_signed_tls().unwrap().spawn().await.unwrap();
    assert!(sb.url().starts_with("https://127.0.0.1:"));
    let ca = reqwest::Certificate::from_pem(sb.tls_ca_pem().unwrap().as_bytes()).unwrap();
    let client = reqwest::Client::builder().tls_certs_only([ca]).build().unwrap();
    let resp = client
        .post(format!("{}/api-token-auth/", sb.url()))
        .json(&json!({"username": "admin", "password": "admin123"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let token =
        resp.json::<serde_json::Value>().await.unwrap()["token"].as_str().unwrap().to_string();
    let v: serde_json::Value = client
        .get(format!("{}/iclock/api/terminals/?page_size=1", sb.url()))
        .header("Authorization", format!("Token {token}"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(v["next"].as_str().unwrap().starts_with("https://"));
    // A client that does not trust the CA is refused.
    let strict = reqwest::Client::builder().tls_certs_only([]).build().unwrap();
    assert!(strict.get(format!("{}/api/docs/", sb.url())).send().await.is_err());
}
