//! The decoding policy (ADR 0003) end to end: answers in the forms older and newer servers
//! send (served by the sandbox from the hostile corpus) read into one shape, values no rule
//! reads kept in `extra`, and `strict` clients failing as before the policy.

use crate::common;

use futures::TryStreamExt;
use zkbiotime::ErrorKind;
use zkbiotime_sandbox::{Sandbox, SandboxBuilder};

async fn serving(entry: &str) -> Sandbox {
    SandboxBuilder::new().hostile(entry).spawn().await.expect("sandbox starts")
}

#[tokio::test]
async fn an_8_0_employee_reads_in_the_9_x_shape() {
    let sandbox = serving("form_employee_8_0").await;
    let e = common::client(&sandbox).employees().get(7).await.unwrap();
    let dept = e.department.as_ref().expect("department from the bare id");
    assert_eq!((dept.id, dept.dept_name.as_deref()), (3, Some("Operations")));
    assert!(e.position.is_none());
    let areas: Vec<_> =
        e.area.iter().map(|a| (a.id, a.area_name.clone().unwrap().to_string())).collect();
    assert_eq!(areas, [(1, "Head office".to_string()), (2, "Warehouse".to_string())]);
    let att = e.attemployee.as_ref().expect("flat flags folded into attemployee");
    assert_eq!(
        (att.enable_attendance, att.enable_overtime, att.enable_holiday),
        (Some(true), Some(false), Some(true))
    );
    assert_eq!(e.app_status, Some(0));
    for moved in ["dept_name", "area_name", "enable_att", "enable_overtime", "enable_holiday"] {
        assert!(!e.extra.contains_key(moved), "{moved} is still in extra: {:?}", e.extra);
    }
}

#[tokio::test]
async fn relations_in_every_form() {
    let sandbox = serving("form_employee_relations_mixed").await;
    let e = common::client(&sandbox).employees().get(8).await.unwrap();
    assert_eq!(e.id, 8);
    assert_eq!(
        e.department.as_ref().map(|d| (d.id, d.dept_code.clone())),
        Some((3, Some("OPS".into())))
    );
    assert_eq!(e.position.as_ref().map(|p| p.id), Some(4));
    assert_eq!(e.area.iter().map(|a| a.id).collect::<Vec<_>>(), [1, 2]);
    assert_eq!(e.attemployee.as_ref().and_then(|a| a.enable_attendance), Some(true));
    assert_eq!(e.hire_date.map(|d| d.to_string()).as_deref(), Some("2020-01-02"));
    assert_eq!(e.card_no.as_deref(), Some("5659812"));
}

#[tokio::test]
async fn a_value_no_rule_reads_is_kept_in_extra_and_strict_fails() {
    let sandbox = serving("form_unreadable_kept").await;
    let punches: Vec<_> = common::client(&sandbox)
        .transactions()
        .list(Default::default())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(punches[0].is_mask, None);
    assert_eq!(punches[0].extra["is_mask"], "maybe");
    // Serialised again, the record carries the server's own value.
    assert_eq!(serde_json::to_value(&punches[0]).unwrap()["is_mask"], "maybe");

    let strict = common::client_with(&sandbox, |b| b.strict(true));
    let err = strict.transactions().list(Default::default()).try_collect::<Vec<_>>().await;
    assert_eq!(err.unwrap_err().kind(), ErrorKind::UnexpectedResponse);
}

#[tokio::test]
async fn sentinels_and_text_numbers() {
    let sandbox = serving("form_sentinel_255").await;
    let client = common::client(&sandbox);
    let p: Vec<_> = client.transactions().list(Default::default()).try_collect().await.unwrap();
    assert_eq!((p[0].is_mask, p[0].temperature), (None, None));

    let sandbox = serving("form_is_mask_yes_no").await;
    let client = common::client(&sandbox);
    let p: Vec<_> = client.transactions().list(Default::default()).try_collect().await.unwrap();
    assert_eq!(p.iter().map(|t| t.is_mask).collect::<Vec<_>>(), [Some(0), Some(1)]);

    let sandbox = serving("form_display_fields_9_5").await;
    let client = common::client(&sandbox);
    let p: Vec<_> = client.transactions().list(Default::default()).try_collect().await.unwrap();
    assert_eq!(p[0].temperature, Some(36.6));
    assert_eq!(p[0].is_mask, None);
    assert_eq!(p[0].punch_state_display.as_deref(), Some("Check In"));
    assert_eq!(p[0].first_name.as_deref(), Some("Harry"));
    assert!(p[0].extra.is_empty(), "{:?}", p[0].extra);

    let strict = common::client_with(&sandbox, |b| b.strict(true));
    let err = strict.transactions().list(Default::default()).try_collect::<Vec<_>>().await;
    assert_eq!(err.unwrap_err().kind(), ErrorKind::UnexpectedResponse);
}

#[tokio::test]
async fn a_nested_parent_department_reads_as_its_id_and_name() {
    let sandbox = serving("form_department_parent_object").await;
    let d: Vec<_> = common::client(&sandbox)
        .departments()
        .list(Default::default())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(d[0].parent_dept, Some(2));
    assert_eq!(d[0].extra["parent_dept_name"], "Head office");
}

#[test]
fn code_labels_come_from_the_spec() {
    assert_eq!(zkbiotime::label("Transaction", "punch_state", "1"), Some("Check Out"));
    assert_eq!(zkbiotime::label("Transaction", "verify_type", " 15 "), Some("Face"));
    assert_eq!(zkbiotime::label("Transaction", "punch_state", "9"), None);
    assert!(zkbiotime::labels("Employee", "emp_code").is_none());
}
