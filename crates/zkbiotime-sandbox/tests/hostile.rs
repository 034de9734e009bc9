//! `--hostile NAME`: logins keep working, every other request gets the scenario's scripted
//! answer, byte for byte (what every binding's hostile suite relies on).

use crate::common;

use std::time::{Duration, Instant};

use base64::Engine;
use common::Api;
use reqwest::Method;
use zkbiotime_sandbox::SandboxBuilder;
use zkbiotime_sandbox::hostile::scenario;

async fn hostile(name: &str) -> Api {
    let api = Api::with(SandboxBuilder::new().hostile(name)).await;
    assert!(!api.token.is_empty(), "{name}: the login still works");
    api
}

#[tokio::test]
async fn logins_work_and_every_other_path_gets_the_script() {
    let api = hostile("status_403_licence").await;
    for path in ["/iclock/api/transactions/", "/personnel/api/employees/1/", "/nope/", "/api/docs/"]
    {
        let a = api.raw(Method::GET, path, None, Some(&api.auth())).await;
        assert_eq!(a.status, 403, "{path}");
        assert!(a.text.contains("license"), "{path}: {}", a.text);
        assert!(a.headers["content-type"].to_str().unwrap().starts_with("text/plain"));
    }
    let jwt = api
        .raw(
            Method::POST,
            "/jwt-api-token-auth/",
            Some(serde_json::json!({"username": "admin", "password": "admin123"})),
            None,
        )
        .await;
    assert_eq!(jwt.status, 200);
}

#[tokio::test]
async fn pages_are_scripted_by_the_page_parameter() {
    let api = hostile("count_lies_low").await;
    let answer = &scenario("count_lies_low").unwrap().answer;
    for (query, script) in [
        ("", &answer.pages["1"]),
        ("?page=2&page_size=1000", &answer.pages["2"]),
        ("?page=3", &answer.pages["3"]),
        ("?page=4", answer),
    ] {
        let (status, body) = api.get(&format!("/iclock/api/transactions/{query}")).await;
        assert_eq!(status, script.status, "{query}");
        assert_eq!(&body, script.body_json.as_ref().unwrap(), "{query}");
    }
}

#[tokio::test]
async fn bodies_are_served_byte_for_byte() {
    let api = hostile("invalid_utf8_in_string").await;
    let want = base64::engine::general_purpose::STANDARD
        .decode(scenario("invalid_utf8_in_string").unwrap().answer.body_base64.as_ref().unwrap())
        .unwrap();
    let resp = api
        .http
        .get(format!("{}/iclock/api/transactions/", api.sb.url()))
        .header("Authorization", api.auth())
        .send()
        .await
        .unwrap();
    assert_eq!(resp.bytes().await.unwrap().as_ref(), want.as_slice());
}

#[tokio::test]
async fn generated_bodies_have_their_exact_size_and_are_streamed() {
    let api = hostile("body_50mb").await;
    let mut resp = api
        .http
        .get(format!("{}/iclock/api/transactions/", api.sb.url()))
        .header("Authorization", api.auth())
        .send()
        .await
        .unwrap();
    let mut total = 0usize;
    let mut all_x = true;
    while let Some(chunk) = resp.chunk().await.unwrap() {
        total += chunk.len();
        all_x &= chunk.iter().all(|b| *b == b'x');
    }
    assert_eq!(total, 52_428_800);
    assert!(all_x);
}

#[tokio::test]
async fn trickled_bodies_arrive_slowly_and_cut_bodies_break() {
    let api = hostile("slowloris_trickle").await;
    let started = Instant::now();
    let mut resp = api
        .http
        .get(format!("{}/iclock/api/transactions/", api.sb.url()))
        .header("Authorization", api.auth())
        .send()
        .await
        .unwrap();
    let mut got = 0;
    while got < 5 {
        got += resp.chunk().await.unwrap().expect("more bytes").len();
    }
    // 10 bytes per second: five bytes take about half a second.
    assert!(started.elapsed() >= Duration::from_millis(350), "{:?}", started.elapsed());

    let api = hostile("connection_cut_mid_body").await;
    let resp = api
        .http
        .get(format!("{}/iclock/api/transactions/", api.sb.url()))
        .header("Authorization", api.auth())
        .send()
        .await
        .unwrap();
    assert!(resp.bytes().await.is_err(), "the body breaks after 40 bytes");
}

#[tokio::test]
async fn an_unknown_scenario_is_refused_with_the_known_names() {
    let err = SandboxBuilder::new().hostile("no_such_thing").spawn().await.err().unwrap();
    let text = format!("{err:#}");
    assert!(text.contains("no_such_thing") && text.contains("html_200"), "{text}");
}
