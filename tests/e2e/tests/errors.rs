//! Every error path: auth, cool-down, not found, validation, HTML answers, transport.

use crate::common;

use std::time::Duration;

use futures::TryStreamExt;
use serde_json::json;
use zkbiotime::{Client, ErrorKind, RetryPolicy, types};
use zkbiotime_sandbox::SandboxBuilder;

#[tokio::test]
async fn wrong_password_is_an_authentication_error_then_a_cooldown() {
    let sandbox = common::demo_sandbox().await;
    let client =
        Client::builder(sandbox.url()).password("admin", "wrong-password").build().unwrap();
    let err = client.employees().get(1).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Authentication);
    assert_eq!(err.status(), Some(400));
    assert!(err.detail().contains("Unable to log in"), "{err}");
    assert!(!err.to_string().contains("wrong-password"));
    let before = sandbox.request_count();
    let again = client.employees().get(1).await.unwrap_err();
    assert_eq!(again.kind(), ErrorKind::LoginCooldown);
    assert!(again.retry_after().unwrap() > Duration::from_secs(50));
    assert_eq!(sandbox.request_count(), before, "no login attempt during the cool-down");
}

#[tokio::test]
async fn static_and_invalid_tokens() {
    let sandbox = SandboxBuilder::new()
        .static_token("ae600aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa2b7")
        .spawn()
        .await
        .unwrap();
    let good = Client::builder(sandbox.url())
        .token("ae600aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa2b7")
        .build()
        .unwrap();
    assert_eq!(good.employees().get(1).await.unwrap().emp_code, "1");
    let bad = Client::builder(sandbox.url()).token("0000").build().unwrap();
    let err = bad.employees().get(1).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Authentication);
    assert_eq!(err.status(), Some(401));
    assert_eq!(err.detail(), "Invalid token.");
    assert_eq!(err.method(), Some("GET"));
    assert_eq!(err.path(), Some("/personnel/api/employees/1/"));
}

#[tokio::test]
async fn revoked_token_logs_in_again_once() {
    let sandbox = common::demo_sandbox().await;
    let client = common::client(&sandbox);
    client.employees().get(1).await.unwrap();
    sandbox.revoke_tokens();
    assert_eq!(client.employees().get(1).await.unwrap().emp_code, "1");
}

#[tokio::test]
async fn validation_errors_carry_field_messages() {
    let sandbox = common::demo_sandbox().await;
    let client = common::client(&sandbox);
    let duplicate: types::EmployeeCreate =
        serde_json::from_value(json!({"emp_code": "1", "department": 1, "area": [2]})).unwrap();
    let err = client.employees().create(duplicate).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::BadRequest);
    assert_eq!(err.status(), Some(400));
    assert_eq!(
        err.field_errors()["emp_code"],
        vec!["employee with this emp code already exists.".to_string()]
    );

    let unknown_area: types::EmployeeCreate =
        serde_json::from_value(json!({"emp_code": "new-1", "department": 1, "area": [9999]}))
            .unwrap();
    let err = client.employees().create(unknown_area).await.unwrap_err();
    assert!(err.field_errors()["area"][0].contains("object does not exist"), "{err}");

    let err = client
        .departments()
        .create(types::DepartmentCreate {
            dept_code: "1".into(),
            dept_name: "again".into(),
            parent_dept: None,
            extra: Default::default(),
        })
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::BadRequest);
    assert!(err.field_errors().contains_key("dept_code"), "{err}");
}

#[tokio::test]
async fn not_found_everywhere() {
    let sandbox = common::demo_sandbox().await;
    let client = common::client(&sandbox);
    let errs = [
        client.employees().get(987_654).await.unwrap_err(),
        client.departments().get(987_654).await.unwrap_err(),
        client.areas().get(987_654).await.unwrap_err(),
        client.positions().get(987_654).await.unwrap_err(),
        client.terminals().get(987_654).await.unwrap_err(),
        client.transactions().get(987_654).await.unwrap_err(),
        client.employees().delete(987_654).await.unwrap_err(),
    ];
    for err in errs {
        assert_eq!(err.kind(), ErrorKind::NotFound, "{err}");
        assert_eq!(err.detail(), "Not found.");
    }
}

#[tokio::test]
async fn html_page_with_http_200_is_an_unexpected_response() {
    let sandbox = common::demo_sandbox().await;
    // A wrong path prefix: every request lands on the server's HTML "Page not found" (200).
    let client = Client::builder(format!("{}/wrong-prefix", sandbox.url()))
        .token("whatever")
        .retry_policy(RetryPolicy {
            max_attempts: 2,
            base_delay: Duration::from_millis(1),
            ..Default::default()
        })
        .build()
        .unwrap();
    let err =
        client.terminals().list(Default::default()).try_collect::<Vec<_>>().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::UnexpectedResponse, "{err}");
    assert!(err.detail().contains("text/html"), "{err}");
}

#[tokio::test]
async fn connection_refused_is_a_transport_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let client = Client::builder(url)
        .token("t")
        .retry_policy(RetryPolicy {
            max_attempts: 2,
            base_delay: Duration::from_millis(1),
            ..Default::default()
        })
        .build()
        .unwrap();
    let err = client.terminals().get(1).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Transport, "{err}");
}

#[tokio::test]
async fn bad_configuration_is_refused_before_any_request() {
    let err = Client::builder("not a url").token("t").build().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidArgument);
    let err = Client::builder("ftp://x").token("t").build().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidArgument);
    let err = Client::builder("http://x").build().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidArgument);
    let err =
        Client::builder("http://x").token("t").server_timezone("Mars/Base").build().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidArgument);
}

#[tokio::test]
async fn a_copy_of_the_client_with_its_own_time_limit_and_attempts() {
    let slow = SandboxBuilder::new().faults_spec("slow=1,slow-ms=1500").spawn().await.unwrap();
    let client = Client::builder(slow.url()).password("admin", "admin123").build().unwrap();
    let quick = client.with_limits(Some(Duration::from_millis(200)), None);
    let started = std::time::Instant::now();
    let err = quick.employees().get(1).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
    assert!(err.detail().contains("limit of 200 ms"), "{err}");
    assert!(started.elapsed() < Duration::from_millis(1200), "{:?}", started.elapsed());
    assert_eq!(client.employees().get(1).await.unwrap().id, 1, "the original has no limit");

    let failing = SandboxBuilder::new().faults_spec("503=1.0").spawn().await.unwrap();
    let fast = RetryPolicy {
        max_attempts: 3,
        base_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(1),
        ..RetryPolicy::default()
    };
    let client = common::client_with(&failing, |b| b.retry_policy(fast));
    client.login().await.unwrap();
    let before = failing.request_count();
    client.with_limits(None, Some(1)).employees().get(1).await.unwrap_err();
    assert_eq!(failing.request_count() - before, 1, "one attempt");
    let before = failing.request_count();
    client.employees().get(1).await.unwrap_err();
    assert_eq!(failing.request_count() - before, 3, "the original still retries");
}

#[tokio::test]
async fn an_answer_over_the_cap_names_the_cap_and_the_setting() {
    let sandbox = common::demo_sandbox().await;
    let small = common::client_with(&sandbox, |b| b.max_response_bytes(1024));
    let e = small.transactions().page(&Default::default(), 1).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::UnexpectedResponse, "{e}");
    let text = e.to_string();
    assert!(text.contains("1024 bytes limit (setting max_response_bytes)"), "{text}");
    let default = common::client(&sandbox);
    default.transactions().page(&Default::default(), 1).await.unwrap();
}
