//! The bulk actions of employees and terminals (`x-action` in the spec: D80's and GO's
//! paths, `shared/notes/server-versions.md` §3) and terminal create / update / delete,
//! through the resources generated from the spec, against the sandbox over loopback: each
//! action's effect on what the sandbox stores, or its answer where the effect is on devices.

use crate::common;

use futures::TryStreamExt;
use serde_json::json;
use zkbiotime::types::{
    AreaAdjustment, BioTemplateDeletion, DepartmentAdjustment, EmployeeSelection,
    PositionAdjustment, Resignation, TerminalCreate, TerminalSelection, TerminalUpdate,
};
use zkbiotime::{ErrorKind, ResignFilter, TransactionFilter};
use zkbiotime_sandbox::{SandboxBuilder, ServerVersion};

/// What the sandbox answers every action (undocumented; inferred).
fn done() -> serde_json::Value {
    json!({"code": 0, "msg": "", "data": []})
}

#[tokio::test]
async fn employee_actions_change_what_the_sandbox_stores() {
    let sandbox = common::demo_sandbox().await;
    let client = common::client(&sandbox);
    let employees = client.employees();

    let answer = employees
        .adjust_area(AreaAdjustment {
            employees: vec![1, 2],
            areas: vec![3, 4],
            extra: Default::default(),
        })
        .await
        .unwrap();
    assert_eq!(answer, done());
    for id in [1, 2] {
        let e = employees.get(id).await.unwrap();
        let areas: Vec<i64> = e.area.iter().map(|a| a.id).collect();
        assert_eq!(areas, vec![3, 4], "employee {id}: the areas are replaced");
    }

    employees
        .adjust_department(DepartmentAdjustment {
            employees: vec![1, 2],
            department: 4,
            extra: Default::default(),
        })
        .await
        .unwrap();
    employees
        .adjust_position(PositionAdjustment {
            employees: vec![1],
            position: 3,
            extra: Default::default(),
        })
        .await
        .unwrap();
    let harry = employees.get(1).await.unwrap();
    assert_eq!(harry.department.as_ref().map(|d| d.id), Some(4));
    assert_eq!(harry.position.as_ref().map(|p| p.id), Some(3));
    assert_eq!(employees.get(2).await.unwrap().department.map(|d| d.id), Some(4));

    // Templates: the employee's summary of the deleted kind reads "-" afterwards.
    assert_eq!(harry.fingerprint.as_deref(), Some("Ver 10:1"));
    let answer = employees
        .delete_biometric_templates(BioTemplateDeletion {
            employees: vec![1],
            finger_print: Some(true),
            face: Some(false),
            finger_vein: None,
            palm: None,
            extra: Default::default(),
        })
        .await
        .unwrap();
    assert_eq!(answer, done());
    assert_eq!(employees.get(1).await.unwrap().fingerprint.as_deref(), Some("-"));

    // A device-side effect: accepted and answered.
    let answer = employees
        .resync_to_device(EmployeeSelection { employees: vec![1, 2], extra: Default::default() })
        .await
        .unwrap();
    assert_eq!(answer, done());

    // Unknown ids fail the whole request and change nothing.
    let err = employees
        .adjust_department(DepartmentAdjustment {
            employees: vec![1, 999_999],
            department: 2,
            extra: Default::default(),
        })
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::BadRequest, "{err}");
    assert!(err.field_errors().contains_key("employees"), "{err}");
    assert_eq!(employees.get(1).await.unwrap().department.map(|d| d.id), Some(4));
    let err = employees
        .adjust_area(AreaAdjustment {
            employees: vec![1],
            areas: vec![],
            extra: Default::default(),
        })
        .await
        .unwrap_err();
    assert!(err.field_errors().contains_key("areas"), "{err}");
}

fn resignation(employees: Vec<i64>) -> Resignation {
    Resignation {
        employees,
        resign_date: "2024-06-01".parse().unwrap(),
        resign_type: 2,
        reason: Some("restructuring".into()),
        disableatt: true,
        extra: Default::default(),
    }
}

#[tokio::test]
async fn resign_makes_resigns_on_versions_with_the_resign_api() {
    for version in [ServerVersion::V9_5, ServerVersion::V8_5] {
        let sandbox = SandboxBuilder::new()
            .server_version(version)
            .employees(5)
            .days(1)
            .spawn()
            .await
            .unwrap();
        let client = common::client(&sandbox);
        let ids: Vec<i64> = client
            .employees()
            .page(&Default::default(), 1)
            .await
            .unwrap()
            .items
            .iter()
            .take(2)
            .map(|e| e.id)
            .collect();
        let answer = client.employees().resign(resignation(ids.clone())).await.unwrap();
        assert_eq!(answer, done(), "{version:?}");
        for &id in &ids {
            let filter = ResignFilter { employee: Some(id), ..Default::default() };
            let resigns: Vec<_> = client.resigns().list(filter).try_collect().await.unwrap();
            assert_eq!(resigns.len(), 1, "{version:?}: employee {id}");
            assert_eq!(resigns[0].resign_type, Some(2));
            assert_eq!(resigns[0].reason.as_deref(), Some("restructuring"));
            assert_eq!(resigns[0].disableatt, Some(true));
        }
        // Missing fields are named.
        let err = client
            .request(
                "POST",
                "/personnel/api/employees/adjust_regsin/",
                &[],
                Some(&json!({"employees": [ids[0]]})),
            )
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::BadRequest, "{err}");
        for field in ["resign_date", "resign_type", "disableatt"] {
            assert!(err.field_errors().contains_key(field), "{field}: {err}");
        }
    }
}

#[tokio::test]
async fn resign_is_a_web_page_without_the_resign_api() {
    for version in [ServerVersion::V9_0, ServerVersion::V8_0] {
        let sandbox = SandboxBuilder::new()
            .server_version(version)
            .employees(3)
            .days(1)
            .spawn()
            .await
            .unwrap();
        let client = common::client(&sandbox);
        let err = client.employees().resign(resignation(vec![1])).await.unwrap_err();
        assert!(
            matches!(err.kind(), ErrorKind::UnexpectedResponse | ErrorKind::NotFound),
            "{version:?}: {err}"
        );
    }
}

#[tokio::test]
async fn terminals_are_created_updated_and_deleted() {
    let sandbox = common::demo_sandbox().await;
    let client = common::client(&sandbox);
    let terminals = client.terminals();

    let created = terminals
        .create(TerminalCreate {
            sn: "111111111".into(),
            alias: "test device".into(),
            ip_address: "127.0.0.1".into(),
            terminal_tz: None,
            heartbeat: Some(10),
            area: Some(2),
            extra: Default::default(),
        })
        .await
        .unwrap();
    assert_eq!(created.sn, "111111111");
    assert_eq!(created.alias.as_deref(), Some("test device"));
    assert_eq!(created.area.as_ref().map(|a| a.id), Some(2));
    assert_eq!(created.terminal_tz, Some(8), "D80's default in its sample");
    let read = terminals.get(created.id).await.unwrap();
    assert_eq!(read.ip_address.as_deref(), Some("127.0.0.1"));

    // PUT: the full body (D80).
    let update = TerminalUpdate {
        sn: "111111111".into(),
        alias: "front door".into(),
        ip_address: "10.0.0.9".into(),
        terminal_tz: Some(7),
        heartbeat: None,
        area: Some(3),
        extra: Default::default(),
    };
    let updated = terminals.update(created.id, update).await.unwrap();
    assert_eq!(updated.alias.as_deref(), Some("front door"));
    assert_eq!(updated.area.as_ref().map(|a| a.id), Some(3));
    assert_eq!(updated.terminal_tz, Some(7));

    // sn is the identity: a second create with it is rejected, upsert updates.
    let again = TerminalCreate {
        sn: "111111111".into(),
        alias: "renamed".into(),
        ip_address: "10.0.0.9".into(),
        terminal_tz: None,
        heartbeat: None,
        area: None,
        extra: Default::default(),
    };
    let err = terminals.create(again.clone()).await.unwrap_err();
    assert!(err.field_errors().contains_key("sn"), "{err}");
    let upserted = terminals.upsert(again).await.unwrap();
    assert!(!upserted.was_created());
    assert_eq!(terminals.get(created.id).await.unwrap().alias.as_deref(), Some("renamed"));

    // Bad bodies are named.
    let err = terminals
        .create(TerminalCreate {
            sn: "222".into(),
            alias: "x".into(),
            ip_address: "not an address".into(),
            terminal_tz: None,
            heartbeat: None,
            area: Some(999),
            extra: Default::default(),
        })
        .await
        .unwrap_err();
    assert!(err.field_errors().contains_key("ip_address"), "{err}");
    assert!(err.field_errors().contains_key("area"), "{err}");

    terminals.delete(created.id).await.unwrap();
    assert_eq!(terminals.get(created.id).await.unwrap_err().kind(), ErrorKind::NotFound);
}

#[tokio::test]
async fn terminal_actions_are_accepted_and_answered() {
    let sandbox = common::demo_sandbox().await;
    let client = common::client(&sandbox);
    let terminals = client.terminals();
    let punches_of_1 = || async {
        let filter =
            TransactionFilter { terminal_sn: Some("CKJF201260077".into()), ..Default::default() };
        client.transactions().page(&filter, 1).await.unwrap().count
    };
    let before = punches_of_1().await;
    let body = || TerminalSelection { terminals: vec![1, 2], extra: Default::default() };
    assert_eq!(terminals.reboot(body()).await.unwrap(), done());
    assert_eq!(terminals.upload_all(body()).await.unwrap(), done());
    assert_eq!(terminals.upload_transaction(body()).await.unwrap(), done());
    assert_eq!(terminals.clear_command(body()).await.unwrap(), done());
    assert_eq!(terminals.clear_capture(body()).await.unwrap(), done());
    assert_eq!(terminals.clear_all(body()).await.unwrap(), done());
    // clear_all clears the devices, not the server's punches.
    assert_eq!(punches_of_1().await, before);
    assert!(terminals.get(1).await.is_ok());

    let err = terminals
        .reboot(TerminalSelection { terminals: vec![1, 404], extra: Default::default() })
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::BadRequest, "{err}");
    assert!(err.field_errors().contains_key("terminals"), "{err}");
    let err = terminals
        .clear_all(TerminalSelection { terminals: vec![], extra: Default::default() })
        .await
        .unwrap_err();
    assert!(err.field_errors().contains_key("terminals"), "{err}");
}
