//! Upsert by code on every writable resource.

use crate::common;

use serde_json::json;
use zkbiotime::types;

#[tokio::test]
async fn upsert_creates_then_updates_by_code() {
    let sandbox = common::demo_sandbox().await;
    let client = common::client(&sandbox);

    let body = |name: &str| -> types::EmployeeCreate {
        serde_json::from_value(json!({
            "emp_code": "U-1", "first_name": name, "department": 1, "area": [2], "Primary Job": "Clerk"
        }))
        .unwrap()
    };
    let first = client.employees().upsert(body("Ada")).await.unwrap();
    assert!(first.was_created());
    let again = client.employees().upsert(body("Ada Lovelace")).await.unwrap();
    assert!(!again.was_created());
    let stored = again.into_inner();
    assert_eq!(stored.first_name.as_deref(), Some("Ada Lovelace"));
    // The manual's PATCH answer has no id; the code identifies the record.
    let first_id = first.into_inner().id.unwrap();
    assert!(stored.id.is_none_or(|id| id == first_id));
    let by_code = client
        .employees()
        .page(&zkbiotime::EmployeeFilter { emp_code: Some("U-1".into()), ..Default::default() }, 1)
        .await
        .unwrap();
    assert_eq!(by_code.count, 1);
    assert_eq!(by_code.items[0].id, first_id);
    assert_eq!(by_code.items[0].extra.get("Primary Job"), Some(&json!("Clerk")));

    let dept = |name: &str| types::DepartmentCreate {
        dept_code: "U-D".into(),
        dept_name: name.into(),
        parent_dept: None,
        extra: Default::default(),
    };
    assert!(client.departments().upsert(dept("one")).await.unwrap().was_created());
    let d = client.departments().upsert(dept("two")).await.unwrap();
    assert_eq!(d.into_inner().dept_name.as_deref(), Some("two"));

    let area = |name: &str| types::AreaCreate {
        area_code: "U-A".into(),
        area_name: name.into(),
        parent_area: Some(1),
        extra: Default::default(),
    };
    assert!(client.areas().upsert(area("one")).await.unwrap().was_created());
    assert!(!client.areas().upsert(area("two")).await.unwrap().was_created());

    let pos = |name: &str| types::PositionCreate {
        position_code: "U-P".into(),
        position_name: name.into(),
        parent_position: None,
        extra: Default::default(),
    };
    assert!(client.positions().upsert(pos("one")).await.unwrap().was_created());
    let p = client.positions().upsert(pos("two")).await.unwrap();
    assert_eq!(p.into_inner().position_name.as_deref(), Some("two"));
    // Nothing was created twice.
    let twos = client
        .positions()
        .page(
            &zkbiotime::PositionFilter { position_code: Some("U-P".into()), ..Default::default() },
            1,
        )
        .await
        .unwrap();
    assert_eq!(twos.count, 1);
}
