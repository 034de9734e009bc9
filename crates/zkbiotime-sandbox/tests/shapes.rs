//! Every endpoint's answer against the manual's examples.

use crate::common;

use common::Api;
use reqwest::Method;
use serde_json::{Value, json};

fn harry() -> Value {
    json!({
        "id": 1, "emp_code": "1", "first_name": "Harry", "last_name": "Potter",
        "nickname": "", "format_name": "1 Harry", "photo": "", "full_name": "Harry Potter",
        "device_password": null, "card_no": null,
        "department": {"id": 1, "dept_code": "1", "dept_name": "Department"},
        "position": null, "hire_date": "2018-06-26", "gender": null, "birthday": null,
        "verify_mode": 0, "emp_type": null, "contact_tel": "", "office_tel": null,
        "mobile": "", "national": "", "city": "", "address": "", "postcode": "", "email": "",
        "enroll_sn": "", "ssn": null, "religion": "",
        "attemployee": {"id": 1, "enable_attendance": true, "enable_overtime": true,
                        "enable_holiday": true, "enable_schedule": true},
        "dev_privilege": 0,
        "area": [{"id": 2, "area_code": "2", "area_name": "ZKTeco"}],
        "app_status": 0, "app_role": 1, "update_time": "2024-06-26 17:16:09",
        "fingerprint": "Ver 10:1", "face": "-", "palm": "-", "vl_face": "-", "vl_palm": "-",
        "vl_face_photo": "-", "CNIC": null, "Passport": null, "conge": null,
        "Primary Job": null, "NIN": null, "mohamed": null, "FP": null
    })
}

#[tokio::test]
async fn employee_list_matches_manual_4_1() {
    let api = Api::new().await;
    let (s, v) = api.get("/personnel/api/employees/?emp_code=1").await;
    assert_eq!(s, 200);
    assert_eq!(
        v,
        json!({"count": 1, "next": null, "previous": null, "msg": "", "code": 0, "data": [harry()]})
    );
    // Keys come in the manual's order, custom attributes last.
    let a = api.raw(Method::GET, "/personnel/api/employees/1/", None, Some(&api.auth())).await;
    assert!(a.text.starts_with(r#"{"id":1,"emp_code":"1","first_name":"Harry""#));
    assert!(a.text.ends_with(r#""mohamed":null,"FP":null}"#), "{}", a.text);
    assert_eq!(a.headers["content-type"], "application/json");
}

#[tokio::test]
async fn employee_detail_matches_manual_4_2() {
    let api = Api::new().await;
    let (s, v) = api.get("/personnel/api/employees/1/").await;
    assert_eq!((s, v), (200, harry()));
    // The manual's "gucci": nulls where Harry has empty strings, a trailing space in full_name.
    let (_, list) = api.get("/personnel/api/employees/?emp_code=303").await;
    let g = &list["data"][0];
    assert_eq!(g["full_name"], "gucci ");
    assert_eq!(g["format_name"], "303 gucci");
    assert_eq!(g["last_name"], Value::Null);
    assert_eq!(g["contact_tel"], Value::Null);
    assert_eq!(g["enroll_sn"], "CKJF201260077");
    assert_eq!(g["palm"], "Ver 12:1");
    assert_eq!(g["update_time"], "2024-06-26 15:38:49");
}

#[tokio::test]
async fn employee_create_and_update_match_manual_4_3_and_4_4() {
    let api = Api::new().await;
    let (s, v) = api
        .call(
            Method::POST,
            "/personnel/api/employees/",
            Some(json!({"emp_code": "employee333", "first_name": "emp3_first_name",
                        "last_name": "emp3_last_name", "area": [1], "department": 1})),
        )
        .await;
    assert_eq!(s, 201, "{v}");
    let id = v["id"].as_i64().unwrap();
    let hash = v["self_password"].as_str().unwrap().to_string();
    assert!(hash.starts_with("pbkdf2_sha256$390000$"));
    let today = chrono::Local::now().format("%Y-%m-%d").to_string();
    let expected = json!({
        "id": id, "emp_code": "employee333", "first_name": "emp3_first_name",
        "last_name": "emp3_last_name", "nickname": null, "device_password": null,
        "card_no": null, "department": 1, "position": null, "hire_date": today,
        "gender": null, "birthday": null, "verify_mode": -1, "emp_type": null,
        "contact_tel": null, "office_tel": null, "mobile": null, "national": null,
        "city": null, "address": null, "postcode": null, "email": null, "enroll_sn": "",
        "ssn": null, "religion": null, "dev_privilege": 0, "self_password": hash,
        "flow_role": [], "area": [1], "app_status": 0, "app_role": 1, "CNIC": null,
        "Passport": null, "conge": null, "Primary Job": null, "NIN": null, "mohamed": null,
        "FP": null
    });
    assert_eq!(v, expected);

    let (s, v) = api
        .call(
            Method::PATCH,
            &format!("/personnel/api/employees/{id}/"),
            Some(json!({"first_name": "emp3_first_name_update",
                        "last_name": "emp3_last_name_update", "card_no": 5659812})),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    let mut expected = expected;
    let o = expected.as_object_mut().unwrap();
    o.remove("id");
    o.insert("first_name".into(), json!("emp3_first_name_update"));
    o.insert("last_name".into(), json!("emp3_last_name_update"));
    o.insert("card_no".into(), json!("5659812"));
    assert_eq!(v, expected);

    let (_, read) = api.get(&format!("/personnel/api/employees/{id}/")).await;
    assert_eq!(read["full_name"], "emp3_first_name_update emp3_last_name_update");
    assert_eq!(read["format_name"], "employee333 emp3_first_name_update");
    assert_eq!(read["area"], json!([{"id": 1, "area_code": "1", "area_name": "Not Authorized"}]));
    assert_eq!(read["card_no"], "5659812");

    let (s, v) = api.call(Method::DELETE, &format!("/personnel/api/employees/{id}/"), None).await;
    assert_eq!((s, v), (204, Value::Null));
    let (s, _) = api.get(&format!("/personnel/api/employees/{id}/")).await;
    assert_eq!(s, 404);
}

#[tokio::test]
async fn departments_match_manual_5() {
    let api = Api::new().await;
    let (_, v) = api.get("/personnel/api/departments/?dept_code=1").await;
    let dept1 = json!({"id": 1, "dept_code": "1", "dept_name": "Department", "parent_dept": null});
    assert_eq!(
        v,
        json!({"count": 1, "next": null, "previous": null, "msg": "", "code": 0, "data": [dept1]})
    );
    assert_eq!(api.get("/personnel/api/departments/1/").await, (200, dept1));
    let (s, created) = api
        .call(
            Method::POST,
            "/personnel/api/departments/",
            Some(json!({"dept_code": "222", "dept_name": "Department222", "parent_dept": 1})),
        )
        .await;
    assert_eq!(s, 201);
    let id = created["id"].as_i64().unwrap();
    assert_eq!(
        created,
        json!({"id": id, "dept_code": "222", "dept_name": "Department222", "parent_dept": 1})
    );
    let (s, updated) = api
        .call(
            Method::PATCH,
            &format!("/personnel/api/departments/{id}/"),
            Some(json!({"dept_name": "Department222_update"})),
        )
        .await;
    assert_eq!(s, 200);
    assert_eq!(
        updated,
        json!({"id": id, "dept_code": "222", "dept_name": "Department222_update", "parent_dept": 1})
    );
    let (s, _) = api.call(Method::DELETE, &format!("/personnel/api/departments/{id}/"), None).await;
    assert_eq!(s, 204);
}

#[tokio::test]
async fn areas_match_manual_6() {
    let api = Api::new().await;
    let area2 = json!({
        "id": 2, "area_code": "2", "area_name": "ZKTeco",
        "parent_area": {"id": 1, "area_code": "1", "area_name": "Not Authorized", "parent_area": null},
        "parent_area_name": "Not Authorized"
    });
    let (_, v) = api.get("/personnel/api/areas/?area_code=2").await;
    assert_eq!(v["data"], json!([area2]));
    assert_eq!(api.get("/personnel/api/areas/2/").await, (200, area2));
    let a = api.raw(Method::GET, "/personnel/api/areas/2/", None, Some(&api.auth())).await;
    assert!(a.text.contains(r#""parent_area":{"id":1,"area_code":"1","area_name""#));

    let (s, created) = api
        .call(
            Method::POST,
            "/personnel/api/areas/",
            Some(json!({"area_code": "222", "area_name": "Area222", "parent_area": 1})),
        )
        .await;
    assert_eq!(s, 201);
    let id = created["id"].as_i64().unwrap();
    assert_eq!(
        created,
        json!({"id": id, "area_code": "222", "area_name": "Area222", "parent_area": 1})
    );
    // The manual updates areas with POST on the detail URL; PATCH works too.
    let (s, updated) = api
        .call(
            Method::POST,
            &format!("/personnel/api/areas/{id}/"),
            Some(json!({"area_name": "Area222_update"})),
        )
        .await;
    assert_eq!(s, 200);
    assert_eq!(
        updated,
        json!({"id": id, "area_code": "222", "area_name": "Area222_update", "parent_area": 1})
    );
    let (s, updated) = api
        .call(
            Method::PATCH,
            &format!("/personnel/api/areas/{id}/"),
            Some(json!({"parent_area": null})),
        )
        .await;
    assert_eq!((s, &updated["parent_area"]), (200, &Value::Null));
    let (_, read) = api.get(&format!("/personnel/api/areas/{id}/")).await;
    assert_eq!(read["parent_area_name"], Value::Null);
    let (s, _) = api.call(Method::DELETE, &format!("/personnel/api/areas/{id}/"), None).await;
    assert_eq!(s, 204);
}

#[tokio::test]
async fn positions_match_manual_7() {
    let api = Api::new().await;
    let pos1 = json!({"id": 1, "position_code": "1", "position_name": "Position",
                      "parent_position": null, "parent_position_name": null});
    let (_, v) = api.get("/personnel/api/positions/?position_code=1").await;
    assert_eq!(
        v,
        json!({"count": 1, "next": null, "previous": null, "msg": "", "code": 0, "data": [pos1]})
    );
    assert_eq!(api.get("/personnel/api/positions/1/").await, (200, pos1));
    let (s, created) = api
        .call(
            Method::POST,
            "/personnel/api/positions/",
            Some(json!({"position_code": "222", "position_name": "Position222", "parent_position": 1})),
        )
        .await;
    assert_eq!(s, 201);
    let id = created["id"].as_i64().unwrap();
    assert_eq!(
        created,
        json!({"id": id, "position_code": "222", "position_name": "Position222", "parent_position": 1})
    );
    let (_, read) = api.get(&format!("/personnel/api/positions/{id}/")).await;
    assert_eq!(read["parent_position_name"], "Position");
    let (s, updated) = api
        .call(
            Method::PATCH,
            &format!("/personnel/api/positions/{id}/"),
            Some(json!({"position_name": "Position222_update"})),
        )
        .await;
    assert_eq!(s, 200);
    assert_eq!(updated["position_name"], "Position222_update");
    assert!(updated.get("parent_position_name").is_none());
    let (s, _) = api.call(Method::DELETE, &format!("/personnel/api/positions/{id}/"), None).await;
    assert_eq!(s, 204);
}

#[tokio::test]
async fn terminals_match_manual_8() {
    let api = Api::new().await;
    let t1 = json!({
        "id": 1, "sn": "CKJF201260077", "ip_address": "10.8.12.241", "alias": "Auto add",
        "terminal_name": "SpeedFace-V5L[TD]", "fw_ver": "ZAM170-NF-1.8.12-OCM-355-01",
        "push_ver": "Ver 2.0.33S-20220623", "state": "1", "terminal_tz": 8,
        "area": {"id": 2, "area_code": "2", "area_name": "ZKTeco"},
        "last_activity": "2024-06-26 15:46:45", "user_count": 100, "fp_count": 10,
        "face_count": 3, "palm_count": 5, "transaction_count": 15,
        "push_time": "2024-06-26 15:36:17", "transfer_time": "00:00;14:05",
        "transfer_interval": 1, "is_attendance": 1, "area_name": "ZKTeco"
    });
    assert_eq!(api.get("/iclock/api/terminals/1/").await, (200, t1.clone()));
    let (_, v) = api.get("/iclock/api/terminals/?sn=CKJF201260077").await;
    assert_eq!(
        v,
        json!({"count": 1, "next": null, "previous": null, "msg": "", "code": 0, "data": [t1]})
    );
    let (_, v) = api.get("/iclock/api/terminals/").await;
    assert_eq!(v["count"], 3);
    let (_, v) = api.get("/iclock/api/terminals/?area=4").await;
    assert_eq!(v["data"][0]["alias"], "Warehouse Door");
    let (_, v) = api.get("/iclock/api/terminals/?alias=Main%20Gate").await;
    assert_eq!(v["data"][0]["sn"], "CKJF201260078");
}

#[tokio::test]
async fn transactions_match_manual_9() {
    let api = Api::new().await;
    let (s, v) = api.get("/iclock/api/transactions/1/").await;
    assert_eq!(s, 200);
    assert_eq!(
        v,
        json!({
            "id": 1, "emp_code": "1", "punch_time": "2024-06-23 09:50:00", "punch_state": "0",
            "verify_type": 1, "work_code": null, "terminal_sn": "", "terminal_alias": null,
            "area_alias": null, "longitude": null, "latitude": null, "gps_location": "",
            "mobile": null, "source": 0, "purpose": 1, "crc": null, "is_attendance": 1,
            "reserved": null, "upload_time": "2024-06-23 09:50:00", "sync_status": 1,
            "sync_time": null, "is_mask": 1, "temperature": 36.4, "emp": null, "terminal": null
        })
    );
    let (_, v) = api
        .get("/iclock/api/transactions/?emp_code=1&start_time=2024-06-24%2000:00:00&end_time=2024-06-30%2023:59:59")
        .await;
    assert_eq!(v["count"], 28, "a week of four punches a day");
    let first = &v["data"][0];
    assert_eq!(first["emp"], 1);
    assert_eq!(first["temperature"], 255);
    assert!(first["terminal"].is_i64());
    let keys: Vec<&str> = first.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys.len(), 25);
}

#[tokio::test]
async fn docs_page_is_public_html() {
    let api = Api::new().await;
    let a = api.raw(Method::GET, "/api/docs/", None, None).await;
    assert_eq!(a.status, 200);
    assert!(a.text.contains("<title>ZKBio Time API DOCS</title>"));
}
