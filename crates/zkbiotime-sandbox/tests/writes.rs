//! Create / update / delete validation and custom attributes.

use crate::common;

use common::Api;
use reqwest::Method;
use serde_json::{Value, json};

async fn post(api: &Api, path: &str, body: Value) -> (u16, Value) {
    api.call(Method::POST, path, Some(body)).await
}

#[tokio::test]
async fn employee_validation_messages() {
    let api = Api::new().await;
    let e = "/personnel/api/employees/";
    let (s, v) = post(&api, e, json!({})).await;
    assert_eq!(s, 400);
    assert_eq!(
        v,
        json!({"emp_code": ["This field is required."],
               "department": ["This field is required."],
               "area": ["This field is required."]})
    );
    let (_, v) = post(&api, e, json!({"emp_code": "1", "department": 1, "area": [1]})).await;
    assert_eq!(v, json!({"emp_code": ["employee with this emp code already exists."]}));
    let (_, v) = post(&api, e, json!({"emp_code": "x1", "department": 1, "area": []})).await;
    assert_eq!(v, json!({"area": ["This list may not be empty."]}));
    let (_, v) = post(&api, e, json!({"emp_code": "x1", "department": 1, "area": [9]})).await;
    assert_eq!(v, json!({"area": ["Invalid pk \"9\" - object does not exist."]}));
    let (_, v) = post(&api, e, json!({"emp_code": "x1", "department": 77, "area": [1]})).await;
    assert_eq!(v, json!({"department": ["Invalid pk \"77\" - object does not exist."]}));
    let (_, v) = post(&api, e, json!({"emp_code": "x1", "department": "abc", "area": 1})).await;
    assert_eq!(
        v,
        json!({"department": ["Incorrect type. Expected pk value, received str."],
               "area": ["Expected a list of items but got type \"int\"."]})
    );
    let (_, v) = post(
        &api,
        e,
        json!({"emp_code": "x1", "department": 1, "area": [1], "verify_mode": "abc",
               "hire_date": "26/06/2024", "emp_code2": 1}),
    )
    .await;
    assert_eq!(
        v,
        json!({"hire_date": ["Date has wrong format. Use one of these formats instead: YYYY-MM-DD."],
               "verify_mode": ["A valid integer is required."]})
    );
    let (_, v) = post(&api, e, json!({"emp_code": "", "department": null, "area": [1]})).await;
    assert_eq!(
        v,
        json!({"emp_code": ["This field may not be blank."],
               "department": ["This field may not be null."]})
    );
    // Loose types: numbers as text and text as numbers.
    let (s, v) = post(
        &api,
        e,
        json!({"emp_code": 4242, "department": "2", "area": ["3", 4], "card_no": 5659812,
               "app_status": "1", "gender": "F", "birthday": "1990-02-03"}),
    )
    .await;
    assert_eq!(s, 201, "{v}");
    assert_eq!(v["emp_code"], "4242");
    assert_eq!(v["card_no"], "5659812");
    assert_eq!(v["department"], 2);
    assert_eq!(v["area"], json!([3, 4]));
    assert_eq!(v["app_status"], 1);
    assert_eq!(v["birthday"], "1990-02-03");
}

#[tokio::test]
async fn put_needs_required_fields_patch_does_not() {
    let api = Api::new().await;
    let (s, v) = api
        .call(Method::PUT, "/personnel/api/employees/2/", Some(json!({"first_name": "H"})))
        .await;
    assert_eq!(s, 400);
    assert_eq!(v["emp_code"], json!(["This field is required."]));
    let (s, v) = api
        .call(
            Method::PUT,
            "/personnel/api/employees/2/",
            Some(json!({"emp_code": "2", "department": 3, "area": [4], "first_name": "H"})),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!((&v["department"], &v["area"]), (&json!(3), &json!([4])));
    assert!(v.get("id").is_none(), "update answers carry no id, as the manual shows");
    // Renaming onto another employee's code is refused; keeping one's own is fine.
    let (s, v) = api
        .call(Method::PATCH, "/personnel/api/employees/2/", Some(json!({"emp_code": "3"})))
        .await;
    assert_eq!((s, v), (400, json!({"emp_code": ["employee with this emp code already exists."]})));
    let (s, _) = api
        .call(Method::PATCH, "/personnel/api/employees/2/", Some(json!({"emp_code": "2"})))
        .await;
    assert_eq!(s, 200);
    let (s, _) = api.call(Method::PATCH, "/personnel/api/employees/999/", Some(json!({}))).await;
    assert_eq!(s, 404);
}

#[tokio::test]
async fn custom_attributes_round_trip() {
    let api = Api::new().await;
    let (s, v) = post(
        &api,
        "/personnel/api/employees/",
        json!({"emp_code": "C1", "department": 1, "area": [2], "Primary Job": "Welder",
               "CNIC": 3520212345671i64, "FP": ""}),
    )
    .await;
    assert_eq!(s, 201, "{v}");
    assert_eq!(v["Primary Job"], "Welder");
    assert_eq!(v["CNIC"], "3520212345671");
    assert_eq!(v["FP"], "");
    assert_eq!(v["NIN"], Value::Null);
    let id = v["id"].as_i64().unwrap();
    let (_, v) = api
        .call(
            Method::PATCH,
            &format!("/personnel/api/employees/{id}/"),
            Some(json!({"FP": null, "conge": "12 days"})),
        )
        .await;
    assert_eq!((&v["FP"], &v["conge"]), (&Value::Null, &json!("12 days")));
    let (_, v) = api.get(&format!("/personnel/api/employees/{id}/")).await;
    assert_eq!(v["Primary Job"], "Welder");
    assert_eq!(v["CNIC"], "3520212345671");
    assert_eq!(v["conge"], "12 days");
    assert_eq!(v["FP"], Value::Null);
    let (_, v) = api.get("/personnel/api/employees/?emp_code=C1").await;
    assert_eq!(v["data"][0]["Primary Job"], "Welder");
}

#[tokio::test]
async fn org_validation_and_protected_deletes() {
    let api = Api::new().await;
    let (s, v) =
        post(&api, "/personnel/api/departments/", json!({"dept_code": "1", "dept_name": "Dup"}))
            .await;
    assert_eq!(
        (s, v),
        (400, json!({"dept_code": ["department with this dept code already exists."]}))
    );
    let (_, v) =
        post(&api, "/personnel/api/areas/", json!({"area_code": "2", "area_name": ""})).await;
    assert_eq!(
        v,
        json!({"area_code": ["area with this area code already exists."],
               "area_name": ["This field may not be blank."]})
    );
    let (_, v) = post(
        &api,
        "/personnel/api/positions/",
        json!({"position_code": "P9", "position_name": "X", "parent_position": 99}),
    )
    .await;
    assert_eq!(v, json!({"parent_position": ["Invalid pk \"99\" - object does not exist."]}));
    let (_, v) = post(&api, "/personnel/api/positions/", json!({"position_name": "X"})).await;
    assert_eq!(v, json!({"position_code": ["This field is required."]}));
    // A department that still has employees cannot go.
    let (s, v) = api.call(Method::DELETE, "/personnel/api/departments/1/", None).await;
    assert_eq!(s, 400, "{v}");
    let (s, _) = api.get("/personnel/api/departments/1/").await;
    assert_eq!(s, 200);
    // Deleting a position clears it on employees.
    let (s, _) = api.call(Method::DELETE, "/personnel/api/positions/3/", None).await;
    assert_eq!(s, 204);
    let (_, ron) = api.get("/personnel/api/employees/3/").await;
    assert_eq!(ron["position"], Value::Null);
    let (s, _) = api.call(Method::DELETE, "/personnel/api/positions/3/", None).await;
    assert_eq!(s, 404);
}

#[tokio::test]
async fn created_rows_appear_in_lists() {
    let api = Api::new().await;
    let (_, before) = api.get("/personnel/api/departments/").await;
    let (s, d) =
        post(&api, "/personnel/api/departments/", json!({"dept_code": "NEW", "dept_name": "New"}))
            .await;
    assert_eq!(s, 201);
    let (_, after) = api.get("/personnel/api/departments/").await;
    assert_eq!(after["count"].as_i64(), before["count"].as_i64().map(|c| c + 1));
    let (_, v) = api.get("/personnel/api/departments/?dept_code=NEW").await;
    assert_eq!(v["data"][0]["id"], d["id"]);
    let (s, _) =
        api.call(Method::DELETE, &format!("/personnel/api/departments/{}/", d["id"]), None).await;
    assert_eq!(s, 204);
    let (_, v) = api.get("/personnel/api/departments/?dept_code=NEW").await;
    assert_eq!(v["count"], 0);
}
