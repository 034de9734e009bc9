//! Create / read / update / delete on every writable resource, through the core client.

use crate::common;

use futures::TryStreamExt;
use serde_json::json;
use zkbiotime::{AreaFilter, DepartmentFilter, EmployeeFilter, ErrorKind, PositionFilter, types};

#[tokio::test]
async fn manual_example_employee_reads_like_the_manual() {
    let sandbox = common::demo_sandbox().await;
    let client = common::client(&sandbox);
    let harry = client.employees().get(1).await.unwrap();
    assert_eq!(harry.emp_code, "1");
    assert_eq!(harry.first_name.as_deref(), Some("Harry"));
    assert_eq!(harry.last_name.as_deref(), Some("Potter"));
    assert_eq!(harry.department.as_ref().unwrap().dept_name.as_deref(), Some("Department"));
    assert_eq!(harry.area[0].area_name.as_deref(), Some("ZKTeco"));
    assert_eq!(harry.hire_date.unwrap().to_string(), "2018-06-26");
    // Custom attributes arrive as extra keys and are kept.
    assert!(harry.extra.contains_key("Primary Job"), "{:?}", harry.extra.keys());
}

#[tokio::test]
async fn employee_crud_with_custom_attribute_round_trip() {
    let sandbox = common::demo_sandbox().await;
    let client = common::client(&sandbox);
    let employees = client.employees();

    let body: types::EmployeeCreate = serde_json::from_value(json!({
        "emp_code": "employee333", "first_name": "emp3_first_name", "last_name": "emp3_last_name",
        "area": [1], "department": 1, "Primary Job": "Welder"
    }))
    .unwrap();
    let created = employees.create(body).await.unwrap();
    let id = created.id.expect("create answers the id");
    assert_eq!(created.department, Some(1));
    assert_eq!(created.area, vec![1]);
    assert_eq!(created.extra.get("Primary Job"), Some(&json!("Welder")));
    // The password hash is there but never printed.
    assert!(created.self_password.is_some());
    assert!(!format!("{created:?}").contains("pbkdf2"));

    let read = employees.get(id).await.unwrap();
    assert_eq!(read.extra.get("Primary Job"), Some(&json!("Welder")));

    let update = types::EmployeeUpdate {
        first_name: Some("emp3_first_name_update".into()),
        card_no: Some("5659812".into()),
        ..Default::default()
    };
    let updated = employees.update(id, update).await.unwrap();
    assert_eq!(updated.first_name.as_deref(), Some("emp3_first_name_update"));
    assert_eq!(updated.card_no.as_deref(), Some("5659812"));
    assert_eq!(updated.last_name.as_deref(), Some("emp3_last_name"), "PATCH keeps other fields");

    let found: Vec<_> = employees
        .list(EmployeeFilter { emp_code: Some("employee333".into()), ..Default::default() })
        .try_collect()
        .await
        .unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].id, id);

    employees.delete(id).await.unwrap();
    let gone = employees.get(id).await.unwrap_err();
    assert_eq!(gone.kind(), ErrorKind::NotFound);
    assert_eq!(gone.status(), Some(404));
}

#[tokio::test]
async fn department_crud() {
    let sandbox = common::demo_sandbox().await;
    let client = common::client(&sandbox);
    let d = client.departments();
    let created = d
        .create(types::DepartmentCreate {
            dept_code: "222".into(),
            dept_name: "Department222".into(),
            parent_dept: Some(1),
            extra: Default::default(),
        })
        .await
        .unwrap();
    assert_eq!(created.parent_dept, Some(1));
    let updated = d
        .update(
            created.id,
            types::DepartmentUpdate {
                dept_name: Some("Department222_update".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(updated.dept_name.as_deref(), Some("Department222_update"));
    assert_eq!(d.get(created.id).await.unwrap().dept_code, "222");
    let children: Vec<_> = d
        .list(DepartmentFilter { parent_dept: Some(1), ..Default::default() })
        .try_collect()
        .await
        .unwrap();
    assert!(children.iter().any(|c| c.id == created.id));
    d.delete(created.id).await.unwrap();
    assert_eq!(d.get(created.id).await.unwrap_err().kind(), ErrorKind::NotFound);
}

#[tokio::test]
async fn area_crud_reads_nest_the_parent() {
    let sandbox = common::demo_sandbox().await;
    let client = common::client(&sandbox);
    let a = client.areas();
    let zkteco = a.get(2).await.unwrap();
    assert_eq!(zkteco.area_name.as_deref(), Some("ZKTeco"));
    assert_eq!(zkteco.parent_area.as_ref().unwrap().area_name.as_deref(), Some("Not Authorized"));
    assert_eq!(zkteco.parent_area_name.as_deref(), Some("Not Authorized"));

    let created = a
        .create(types::AreaCreate {
            area_code: "222".into(),
            area_name: "Area222".into(),
            parent_area: Some(1),
            extra: Default::default(),
        })
        .await
        .unwrap();
    assert_eq!(created.parent_area, Some(1), "write answers hold the bare parent id");
    let updated = a
        .update(
            created.id,
            types::AreaUpdate { area_name: Some("Area222_update".into()), ..Default::default() },
        )
        .await
        .unwrap();
    assert_eq!(updated.area_name.as_deref(), Some("Area222_update"));
    let by_code: Vec<_> = a
        .list(AreaFilter { area_code: Some("222".into()), ..Default::default() })
        .try_collect()
        .await
        .unwrap();
    assert_eq!(by_code.len(), 1);
    a.delete(created.id).await.unwrap();
    assert_eq!(a.get(created.id).await.unwrap_err().kind(), ErrorKind::NotFound);
}

#[tokio::test]
async fn position_crud() {
    let sandbox = common::demo_sandbox().await;
    let client = common::client(&sandbox);
    let p = client.positions();
    let created = p
        .create(types::PositionCreate {
            position_code: "222".into(),
            position_name: "Position222".into(),
            parent_position: Some(1),
            extra: Default::default(),
        })
        .await
        .unwrap();
    let read = p.get(created.id).await.unwrap();
    assert_eq!(read.parent_position, Some(1));
    assert_eq!(read.parent_position_name.as_deref(), Some("Position"));
    let updated = p
        .update(
            created.id,
            types::PositionUpdate {
                position_name: Some("Position222_update".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(updated.position_name.as_deref(), Some("Position222_update"));
    let by_name: Vec<_> = p
        .list(PositionFilter {
            position_name: Some("Position222_update".into()),
            ..Default::default()
        })
        .try_collect()
        .await
        .unwrap();
    assert_eq!(by_name.len(), 1);
    p.delete(created.id).await.unwrap();
    assert_eq!(p.get(created.id).await.unwrap_err().kind(), ErrorKind::NotFound);
}

/// Punches can be deleted (not created or changed): the list loses exactly that one.
#[tokio::test]
async fn a_punch_can_be_deleted() {
    use futures::TryStreamExt;
    let sandbox =
        zkbiotime_sandbox::SandboxBuilder::new().employees(3).days(1).spawn().await.unwrap();
    let client = common::client(&sandbox);
    let punches = client.transactions();
    let before: Vec<_> = punches.list(Default::default()).try_collect().await.unwrap();
    let victim = before[before.len() / 2].id;
    punches.delete(victim).await.unwrap();
    let after: Vec<i64> =
        punches.list(Default::default()).map_ok(|p| p.id).try_collect().await.unwrap();
    assert_eq!(after.len(), before.len() - 1);
    assert!(!after.contains(&victim));
    let again = punches.delete(victim).await.unwrap_err();
    assert_eq!(again.kind(), zkbiotime::ErrorKind::NotFound);
}
