//! `/personnel/api/resigns/` on 8.5 and 9.5 (create, read, list filters, partial updates,
//! delete, reinstatement, validation, paging) and its absence on 8.0 and 9.0.

use crate::common;

use common::Api;
use reqwest::Method;
use serde_json::{Value, json};
use zkbiotime_sandbox::{SandboxBuilder, ServerVersion};

const V85: ServerVersion = ServerVersion::V8_5;
const V95: ServerVersion = ServerVersion::V9_5;
const WITH_API: [ServerVersion; 2] = [V85, V95];

const LIST: &str = "/personnel/api/resigns/";
const REINSTATE: &str = "/personnel/api/resigns/reinstatement/";

async fn api(version: ServerVersion) -> Api {
    Api::with(SandboxBuilder::new().server_version(version)).await
}

/// The rows of a list answer: `results` on 8.5, `data` elsewhere.
fn rows(v: &Value) -> &Vec<Value> {
    v.get("data").or_else(|| v.get("results")).and_then(Value::as_array).expect("rows")
}

async fn post(api: &Api, path: &str, body: Value) -> (u16, Value) {
    api.call(Method::POST, path, Some(body)).await
}

/// Creates a resign and returns its id.
async fn resign(api: &Api, employee: i64, disableatt: bool) -> i64 {
    let (s, v) = post(
        api,
        LIST,
        json!({"employee": employee, "disableatt": disableatt, "resign_type": 1,
               "resign_date": "2020-06-01", "reason": ""}),
    )
    .await;
    assert_eq!(s, 201, "{v}");
    v["id"].as_i64().unwrap()
}

/// Whether the employee's attendance is on, in the version's employee shape.
async fn attendance(api: &Api, version: ServerVersion, employee: i64) -> bool {
    let (s, e) = api.get(&format!("/personnel/api/employees/{employee}/")).await;
    assert_eq!(s, 200);
    let flag =
        if version.is_8x() { &e["enable_att"] } else { &e["attemployee"]["enable_attendance"] };
    flag.as_bool().expect("attendance flag")
}

#[tokio::test]
async fn create_read_update_delete() {
    for version in WITH_API {
        let api = api(version).await;
        let (s, v) = post(
            &api,
            LIST,
            json!({"employee": 3, "disableatt": true, "resign_type": 1,
                   "resign_date": "2020-06-01", "reason": ""}),
        )
        .await;
        assert_eq!(s, 201, "{version}: {v}");
        let id = v["id"].as_i64().unwrap();
        let expected = json!({
            "id": id, "resign_date": "2020-06-01", "resign_type": 1, "disableatt": true,
            "reason": "",
            "employee": {"id": 3, "emp_code": "3", "first_name": "Ron", "last_name": "Weasley"},
            "first_name": "Ron", "last_name": "Weasley"
        });
        assert_eq!(v, expected, "{version}");
        // Keys in D80's order, reason after disableatt.
        let a = api.raw(Method::GET, &format!("{LIST}{id}/"), None, Some(&api.auth())).await;
        assert_eq!(a.status, 200);
        assert!(
            a.text.starts_with(r#"{"id":"#)
                && a.text.contains(r#""disableatt":true,"reason":"","employee":{"id":3,"#),
            "{version}: {}",
            a.text
        );
        assert_eq!(a.json(), expected);

        let (s, v) = api.get(LIST).await;
        assert_eq!(s, 200);
        assert_eq!(v["count"], 1);
        assert_eq!(rows(&v), &vec![expected.clone()]);
        assert_eq!(v.get("results").is_some(), version == V85, "8.5 lists under results");

        // Filters: employee, resign_type, resign_date.
        for (query, count) in [
            ("employee=3", 1),
            ("employee=4", 0),
            ("resign_type=1", 1),
            ("resign_type=2", 0),
            ("resign_date=2020-06-01", 1),
            ("resign_date=2020-6-1", 1),
            ("resign_date=2020-06-02", 0),
            ("employee=3&resign_type=1&resign_date=2020-06-01", 1),
            ("employee=&resign_type=", 1),
        ] {
            let (s, v) = api.get(&format!("{LIST}?{query}")).await;
            assert_eq!((s, &v["count"]), (200, &json!(count)), "{version}: {query}");
        }

        // PUT takes a partial body (D80); PATCH too.
        let (s, v) = api
            .call(Method::PUT, &format!("{LIST}{id}/"), Some(json!({"resign_date": "2020-06-02"})))
            .await;
        assert_eq!(s, 200, "{version}: {v}");
        assert_eq!(v["resign_date"], "2020-06-02");
        assert_eq!((&v["resign_type"], &v["disableatt"]), (&json!(1), &json!(true)));
        let (s, v) = api
            .call(
                Method::PATCH,
                &format!("{LIST}{id}/"),
                Some(json!({"resign_type": "3", "reason": "moved away", "employee": 4})),
            )
            .await;
        assert_eq!(s, 200, "{version}: {v}");
        assert_eq!((&v["resign_type"], &v["reason"]), (&json!(3), &json!("moved away")));
        assert_eq!(v["employee"]["id"], 3, "the employee does not change on update");
        assert_eq!(v["resign_date"], "2020-06-02");
        let (_, v) = api.get(&format!("{LIST}{id}/")).await;
        assert_eq!(v["reason"], "moved away");
        let (s, _) = api.call(Method::PUT, &format!("{LIST}999/"), Some(json!({}))).await;
        assert_eq!(s, 404);

        let (s, v) = api.call(Method::DELETE, &format!("{LIST}{id}/"), None).await;
        assert_eq!((s, v), (204, Value::Null), "{version}");
        let (s, v) = api.get(&format!("{LIST}{id}/")).await;
        assert_eq!((s, v), (404, json!({"detail": "Not found."})));
        let (s, _) = api.call(Method::DELETE, &format!("{LIST}{id}/"), None).await;
        assert_eq!(s, 404);
        let (_, v) = api.get(LIST).await;
        assert_eq!(v["count"], 0);
        // Ids are not handed out again.
        let again = resign(&api, 3, false).await;
        assert!(again > id, "{version}: {again} after {id}");

        // Defaults: resign_type 1; reason may be left out (stored as null).
        let (s, v) = post(
            &api,
            LIST,
            json!({"employee": "2", "disableatt": "false", "resign_date": "2021-01-31"}),
        )
        .await;
        assert_eq!(s, 201, "{v}");
        assert_eq!((&v["resign_type"], &v["disableatt"]), (&json!(1), &json!(false)));
        assert_eq!((&v["reason"], &v["employee"]["emp_code"]), (&Value::Null, &json!("2")));
    }
}

#[tokio::test]
async fn validation_errors_name_the_fields() {
    let api = api(V95).await;
    let (s, v) = post(&api, LIST, json!({})).await;
    assert_eq!(s, 400);
    assert_eq!(
        v,
        json!({"resign_date": ["This field is required."],
               "disableatt": ["This field is required."],
               "employee": ["This field is required."]})
    );
    let (s, v) = post(
        &api,
        LIST,
        json!({"employee": 999, "disableatt": "maybe", "resign_type": 6,
               "resign_date": "01/06/2020", "reason": "x".repeat(201)}),
    )
    .await;
    assert_eq!(s, 400);
    assert_eq!(
        v,
        json!({"resign_date": ["Date has wrong format. Use one of these formats instead: YYYY-MM-DD."],
               "resign_type": ["\"6\" is not a valid choice."],
               "disableatt": ["Must be a valid boolean."],
               "reason": ["Ensure this field has no more than 200 characters."],
               "employee": ["Invalid pk \"999\" - object does not exist."]})
    );
    let (_, v) = post(
        &api,
        LIST,
        json!({"employee": "abc", "disableatt": null, "resign_type": 0, "resign_date": null}),
    )
    .await;
    assert_eq!(
        v,
        json!({"resign_date": ["This field may not be null."],
               "resign_type": ["\"0\" is not a valid choice."],
               "disableatt": ["This field may not be null."],
               "employee": ["Incorrect type. Expected pk value, received str."]})
    );
    // 200 characters are fine; nothing was stored by the failures.
    let (s, v) = post(
        &api,
        LIST,
        json!({"employee": 1, "disableatt": true, "resign_type": 5,
               "resign_date": "2020-06-01", "reason": "y".repeat(200)}),
    )
    .await;
    assert_eq!(s, 201, "{v}");
    let id = v["id"].as_i64().unwrap();
    let (_, list) = api.get(LIST).await;
    assert_eq!(list["count"], 1);

    // Updates validate what they get.
    let (s, v) = api
        .call(
            Method::PATCH,
            &format!("{LIST}{id}/"),
            Some(json!({"resign_type": 9, "resign_date": "", "reason": "z".repeat(300)})),
        )
        .await;
    assert_eq!(s, 400);
    assert_eq!(
        v,
        json!({"resign_date": ["Date has wrong format. Use one of these formats instead: YYYY-MM-DD."],
               "resign_type": ["\"9\" is not a valid choice."],
               "reason": ["Ensure this field has no more than 200 characters."]})
    );

    // List filters answer django-filter's messages.
    let (s, v) = api.get(&format!("{LIST}?employee=999&resign_date=June&resign_type=x")).await;
    assert_eq!(s, 400);
    assert_eq!(
        v,
        json!({"employee": ["Select a valid choice. That choice is not one of the available choices."],
               "resign_type": ["Enter a number."],
               "resign_date": ["Enter a valid date."]})
    );

    // Methods and authentication.
    let a =
        api.raw(Method::POST, &format!("{LIST}{id}/"), Some(json!({})), Some(&api.auth())).await;
    assert_eq!(a.status, 405);
    assert_eq!(a.headers["allow"], "GET, PUT, PATCH, DELETE, HEAD, OPTIONS");
    let a = api.raw(Method::DELETE, LIST, None, Some(&api.auth())).await;
    assert_eq!(
        (a.status, &a.headers["allow"]),
        (405, &"GET, POST, HEAD, OPTIONS".parse().unwrap())
    );
    let a = api.raw(Method::POST, LIST, Some(json!({})), None).await;
    assert_eq!(a.status, 401);
}

#[tokio::test]
async fn reinstatement_removes_resigns_and_restores_attendance() {
    for version in WITH_API {
        let api = api(version).await;
        let (_, before) = api.get("/personnel/api/employees/").await;
        assert!(attendance(&api, version, 3).await);
        let ron = resign(&api, 3, true).await;
        let luna = resign(&api, 4, true).await;
        let neville = resign(&api, 5, false).await;
        assert!(!attendance(&api, version, 3).await, "{version}: disableatt switches it off");
        assert!(!attendance(&api, version, 4).await);
        assert!(attendance(&api, version, 5).await, "{version}: disableatt false keeps it");
        // Resigned employees are still listed.
        let (_, after) = api.get("/personnel/api/employees/").await;
        assert_eq!(after["count"], before["count"], "{version}");
        let (_, v) = api.get("/personnel/api/employees/?emp_code=3").await;
        assert_eq!(rows(&v).len(), 1);

        // Switching disableatt on an update follows it.
        let (s, _) = api
            .call(Method::PUT, &format!("{LIST}{neville}/"), Some(json!({"disableatt": true})))
            .await;
        assert_eq!(s, 200);
        assert!(!attendance(&api, version, 5).await);
        let (s, _) = api
            .call(Method::PATCH, &format!("{LIST}{neville}/"), Some(json!({"disableatt": false})))
            .await;
        assert_eq!(s, 200);
        assert!(attendance(&api, version, 5).await);

        let (s, v) = post(&api, REINSTATE, json!({"resigns": [ron, luna]})).await;
        assert_eq!((s, v), (200, json!({"code": 0, "msg": "", "data": []})), "{version}");
        for id in [ron, luna] {
            let (s, _) = api.get(&format!("{LIST}{id}/")).await;
            assert_eq!(s, 404, "{version}: reinstated resigns are gone");
        }
        assert!(attendance(&api, version, 3).await, "{version}: active again");
        assert!(attendance(&api, version, 4).await);
        let (_, v) = api.get(LIST).await;
        assert_eq!(v["count"], 1);
        assert_eq!(rows(&v)[0]["id"], neville);

        // Deleting a resign gives attendance back too, unless another resign still holds it.
        let first = resign(&api, 2, true).await;
        let second = resign(&api, 2, true).await;
        assert!(!attendance(&api, version, 2).await);
        let (s, _) = api.call(Method::DELETE, &format!("{LIST}{first}/"), None).await;
        assert_eq!(s, 204);
        assert!(!attendance(&api, version, 2).await, "{version}: the second resign holds");
        let (s, _) = post(&api, REINSTATE, json!({"resigns": [second]})).await;
        assert_eq!(s, 200);
        assert!(attendance(&api, version, 2).await);

        // Errors: unknown ids fail the whole request, nothing is removed.
        let (s, v) = post(&api, REINSTATE, json!({"resigns": [neville, 999]})).await;
        assert_eq!(
            (s, v),
            (400, json!({"resigns": ["Invalid pk \"999\" - object does not exist."]}))
        );
        let (s, _) = api.get(&format!("{LIST}{neville}/")).await;
        assert_eq!(s, 200);
        let (_, v) = post(&api, REINSTATE, json!({})).await;
        assert_eq!(v, json!({"resigns": ["This field is required."]}));
        let (_, v) = post(&api, REINSTATE, json!({"resigns": []})).await;
        assert_eq!(v, json!({"resigns": ["This list may not be empty."]}));
        let (_, v) = post(&api, REINSTATE, json!({"resigns": "1,2"})).await;
        assert_eq!(v, json!({"resigns": ["Expected a list of items but got type \"str\"."]}));
        let a = api.raw(Method::GET, REINSTATE, None, Some(&api.auth())).await;
        assert_eq!((a.status, &a.headers["allow"]), (405, &"POST, OPTIONS".parse().unwrap()));
        let a = api.raw(Method::POST, REINSTATE, Some(json!({"resigns": [neville]})), None).await;
        assert_eq!(a.status, 401);
        // APPEND_SLASH, as for every API path.
        let a = api.raw(Method::GET, "/personnel/api/resigns/reinstatement", None, None).await;
        assert_eq!(a.status, 301);
        assert_eq!(a.headers["location"], REINSTATE);

        // Deleting an employee deletes their resigns.
        let (s, _) = api.call(Method::DELETE, "/personnel/api/employees/5/", None).await;
        assert_eq!(s, 204);
        let (_, v) = api.get(LIST).await;
        assert_eq!(v["count"], 0, "{version}");
    }
}

#[tokio::test]
async fn absent_on_8_0_and_9_0() {
    for version in [ServerVersion::V8_0, ServerVersion::V9_0] {
        let api = api(version).await;
        let auth = api.auth();
        let body = json!({"employee": 3, "disableatt": true, "resign_type": 1,
                          "resign_date": "2020-06-01", "resigns": [1]});
        for (method, path) in [
            (Method::GET, LIST),
            (Method::POST, LIST),
            (Method::GET, "/personnel/api/resigns/1/"),
            (Method::PUT, "/personnel/api/resigns/1/"),
            (Method::PATCH, "/personnel/api/resigns/1/"),
            (Method::DELETE, "/personnel/api/resigns/1/"),
            (Method::POST, REINSTATE),
            (Method::POST, "/personnel/api/resigns/reinstatement"),
        ] {
            let a = api.raw(method.clone(), path, Some(body.clone()), Some(&auth)).await;
            // Django's "Page not found" page, which these servers send with 200 (notes §1).
            assert_eq!(a.status, 200, "{version} {method} {path}");
            assert!(
                a.text.contains("<title>Page not found</title>"),
                "{version} {method} {path}: {}",
                a.text
            );
        }
        // Nothing was resigned.
        assert!(attendance(&api, version, 3).await, "{version}");
    }
}

#[tokio::test]
async fn lists_page_like_the_other_lists() {
    for version in WITH_API {
        let api = api(version).await;
        let mut ids = Vec::new();
        for n in 0..25 {
            ids.push(resign(&api, 1 + n % 6, n % 2 == 0).await);
        }
        let base = api.sb.url();
        let (s, v) = api.get(LIST).await;
        assert_eq!(s, 200);
        assert_eq!(v["count"], 25);
        assert_eq!(rows(&v).len(), 10, "{version}: default page size");
        assert_eq!(v["next"], format!("{base}{LIST}?page=2"));
        assert_eq!(v["previous"], Value::Null);
        assert_eq!((&v["msg"], &v["code"]), (&json!(""), &json!(0)));

        // Walk the pages by their links.
        let mut seen = Vec::new();
        let mut next = Some(format!("{base}{LIST}?page_size=10"));
        let mut pages = 0;
        while let Some(url) = next {
            let resp = api.http.get(&url).header("Authorization", api.auth()).send().await.unwrap();
            assert_eq!(resp.status().as_u16(), 200, "{url}");
            let v: Value = resp.json().await.unwrap();
            seen.extend(rows(&v).iter().map(|r| r["id"].as_i64().unwrap()));
            next = v["next"].as_str().map(str::to_string);
            pages += 1;
        }
        assert_eq!((pages, &seen), (3, &ids), "{version}: ascending ids, every row once");

        // Filters keep their parameters in the links.
        let (_, v) = api.get(&format!("{LIST}?employee=1&page_size=2")).await;
        assert_eq!(v["count"], 5);
        assert_eq!(v["next"], format!("{base}{LIST}?employee=1&page=2&page_size=2"));
        let (_, v) = api.get(&format!("{LIST}?employee=1&page_size=2&page=3")).await;
        assert_eq!(rows(&v).len(), 1);
        assert_eq!(v["previous"], format!("{base}{LIST}?employee=1&page=2&page_size=2"));

        // `limit`: honoured on 8.5, ignored on 9.5 (notes §2).
        let (_, v) = api.get(&format!("{LIST}?limit=5")).await;
        let expected = if version.honours_limit() { 5 } else { 10 };
        assert_eq!(rows(&v).len(), expected, "{version}");
        let (s, v) = api.get(&format!("{LIST}?page=4")).await;
        assert_eq!((s, v), (404, json!({"detail": "Invalid page."})));

        // A delete in the middle shows in the next listing.
        let (s, _) = api.call(Method::DELETE, &format!("{LIST}{}/", ids[3]), None).await;
        assert_eq!(s, 204);
        let (_, v) = api.get(&format!("{LIST}?page_size=5")).await;
        assert_eq!(v["count"], 24);
        let first: Vec<i64> = rows(&v).iter().map(|r| r["id"].as_i64().unwrap()).collect();
        assert_eq!(first, vec![ids[0], ids[1], ids[2], ids[4], ids[5]]);
    }
}
