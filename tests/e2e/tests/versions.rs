//! The core against the sandbox as each BioTime version answers (8.0, 8.5, 9.0, 9.5):
//! every list and get reads, sync completes, writes work as those servers answer them,
//! every auth scheme logs in, the licence gate is its own error, and `server_info` tells
//! the versions apart.

use crate::common;

use futures::TryStreamExt;
use zkbiotime::{AuthScheme, Client, ErrorKind, SyncState, types};
use zkbiotime_sandbox::{Sandbox, SandboxBuilder, ServerVersion};

const VERSIONS: [ServerVersion; 4] =
    [ServerVersion::V8_0, ServerVersion::V8_5, ServerVersion::V9_0, ServerVersion::V9_5];

async fn sandbox(version: ServerVersion) -> Sandbox {
    SandboxBuilder::new()
        .server_version(version)
        .employees(12)
        .days(2)
        .spawn()
        .await
        .expect("sandbox starts")
}

fn small_pages(sb: &Sandbox) -> Client {
    common::client_with(sb, |b| b.page_size(7))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_read_and_sync_on_every_version() {
    for version in VERSIONS {
        let sb = sandbox(version).await;
        let client = small_pages(&sb);
        let punches: Vec<_> =
            client.transactions().list(Default::default()).try_collect().await.unwrap();
        assert_eq!(punches.len(), sb.transaction_count(), "{version}");
        let mut ids: Vec<i64> = punches.iter().map(|p| p.id).collect();
        ids.dedup();
        assert_eq!(ids.len(), punches.len(), "{version}: ids repeat");
        if version != ServerVersion::V9_0 {
            assert!(punches.iter().all(|p| p.punch_state_display.is_some()), "{version}");
            assert!(
                punches.iter().all(|p| p.first_name.is_some() || p.emp_code == "1"),
                "{version}"
            );
        }
        assert!(punches.iter().all(|p| p.extra.is_empty()), "{version}: {:?}", punches[0].extra);
        let employees: Vec<_> =
            client.employees().list(Default::default()).try_collect().await.unwrap();
        assert_eq!(employees.len(), sb.employee_count(), "{version}");
        for e in &employees {
            let dept = e.department.as_ref().expect("every employee has a department");
            assert!(dept.dept_name.is_some(), "{version}: {e:?}");
            assert!(e.area.iter().all(|a| a.area_name.is_some()), "{version}: {e:?}");
        }
        let harry = client.employees().get(1).await.unwrap();
        assert_eq!(harry.first_name.as_deref(), Some("Harry"), "{version}");
        for name in ["dept_name", "area_name", "enable_att"] {
            assert!(!harry.extra.contains_key(name), "{version}: {name} left in extra");
        }
        let depts: Vec<_> =
            client.departments().list(Default::default()).try_collect().await.unwrap();
        assert!(!depts.is_empty());
        let terminals: Vec<_> =
            client.terminals().list(Default::default()).try_collect().await.unwrap();
        assert!(terminals.iter().all(|t| t.state.is_some()), "{version}");
        let batch = client.transactions().sync(&SyncState::new(), None).await.unwrap();
        assert_eq!(batch.punches.len(), sb.transaction_count(), "{version}");
        assert!(batch.complete);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn writes_as_each_version_answers_them() {
    for version in VERSIONS {
        let sb = sandbox(version).await;
        let client = common::client(&sb);
        let body = types::PositionCreate {
            position_code: "P9".into(),
            position_name: "Welder".into(),
            parent_position: None,
            extra: Default::default(),
        };
        // 9.5 answers without an id: the stored record is read back by its code.
        let created = client.positions().create(body.clone()).await.unwrap();
        assert!(created.id > 0, "{version}");
        assert_eq!(created.position_name.as_deref(), Some("Welder"));
        let again = client.positions().upsert(body).await.unwrap();
        assert!(!again.was_created(), "{version}");
        // 8.0 answers a delete with 200 and a status body.
        client.positions().delete(created.id).await.unwrap();
        let gone = client.positions().get(created.id).await.unwrap_err();
        assert_eq!(gone.kind(), ErrorKind::NotFound, "{version}");
    }
}

#[tokio::test]
async fn every_auth_scheme_logs_in() {
    let sb = sandbox(ServerVersion::V9_0).await;
    for scheme in [
        AuthScheme::Token,
        AuthScheme::Jwt,
        AuthScheme::StaffToken,
        AuthScheme::StaffJwt,
        AuthScheme::Basic,
    ] {
        let client = Client::builder(sb.url())
            .login_with(scheme, sb.username(), sb.password())
            .build()
            .unwrap();
        assert_eq!(client.employees().get(1).await.unwrap().id, 1, "{scheme:?}");
    }
    let wrong = Client::builder(sb.url()).basic(sb.username(), "nope").build().unwrap();
    let err = wrong.employees().get(1).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Authentication);
    assert!(!err.to_string().contains("nope"), "{err}");
}

#[tokio::test]
async fn the_licence_gate_is_its_own_error_and_basic_passes_it() {
    let sb = SandboxBuilder::new()
        .server_version(ServerVersion::V8_0)
        .licence_gate(true)
        .spawn()
        .await
        .unwrap();
    let err = common::client(&sb).employees().get(1).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Licence, "{err}");
    assert!(err.to_string().contains("Basic"), "{err}");
    let basic = Client::builder(sb.url()).basic(sb.username(), sb.password()).build().unwrap();
    assert_eq!(basic.employees().get(1).await.unwrap().id, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_info_tells_the_versions_apart() {
    for (version, shape, key, param) in [
        (ServerVersion::V8_0, "flat", "data", "both"),
        (ServerVersion::V8_5, "flat", "results", "both"),
        (ServerVersion::V9_0, "nested", "data", "both"),
        (ServerVersion::V9_5, "nested", "data", "page_size"),
    ] {
        let sb = sandbox(version).await;
        let info = common::client(&sb).server_info().await.unwrap();
        assert_eq!(info.version.as_deref(), Some(version.to_string().as_str()), "{info:?}");
        assert_eq!(info.employee_shape.as_deref(), Some(shape), "{version}: {info:?}");
        assert_eq!(info.envelope_key.as_deref(), Some(key), "{version}: {info:?}");
        assert_eq!(info.page_size_param.as_deref(), Some(param), "{version}: {info:?}");
        let resigns = matches!(version, ServerVersion::V8_5 | ServerVersion::V9_5);
        assert_eq!(info.resign_api, Some(resigns), "{version}: {info:?}");
    }
}

#[tokio::test]
async fn raw_requests_share_the_clients_errors() {
    let sb = sandbox(ServerVersion::V9_0).await;
    let client = common::client(&sb);
    let page = client
        .request("GET", "/iclock/api/terminals/", &[("page_size".into(), "1".into())], None)
        .await
        .unwrap();
    assert_eq!(page["data"].as_array().map(Vec::len), Some(1));
    let missing = client.request("GET", "/personnel/api/employees/99999/", &[], None).await;
    assert_eq!(missing.unwrap_err().kind(), ErrorKind::NotFound);
    // An unknown path answers an HTML page with 200: not JSON, so an error.
    let html = client.request("GET", "/no/such/api/", &[], None).await;
    assert_eq!(html.unwrap_err().kind(), ErrorKind::UnexpectedResponse);
    let bad = client.request("GET", "http://elsewhere/", &[], None).await;
    assert_eq!(bad.unwrap_err().kind(), ErrorKind::InvalidArgument);
}
