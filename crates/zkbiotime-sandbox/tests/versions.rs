//! `--server-version` (8.0, 8.5, 9.0, 9.5) and `--licence-gate`: each version's shapes,
//! envelope, paging, endpoints, and the auth schemes every version accepts.

use crate::common;

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use base64::Engine;
use common::Api;
use reqwest::Method;
use serde_json::{Value, json};
use zkbiotime_sandbox::{SandboxBuilder, ServerVersion};

const V80: ServerVersion = ServerVersion::V8_0;
const V85: ServerVersion = ServerVersion::V8_5;
const V90: ServerVersion = ServerVersion::V9_0;
const V95: ServerVersion = ServerVersion::V9_5;

async fn api(version: ServerVersion) -> Api {
    Api::with(SandboxBuilder::new().server_version(version)).await
}

/// The rows of a list answer, wherever the version puts them.
fn rows(v: &Value) -> &Vec<Value> {
    v.get("data").or_else(|| v.get("results")).and_then(Value::as_array).expect("rows")
}

fn basic(user: &str, pass: &str) -> String {
    format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(format!("{user}:{pass}")))
}

/// Fields of the 9.0 manual's transaction that 8.x and 9.5 do not send.
const NINE_O_ONLY: [&str; 9] = [
    "mobile",
    "source",
    "purpose",
    "crc",
    "is_attendance",
    "reserved",
    "sync_status",
    "sync_time",
    "terminal",
];

#[tokio::test]
async fn transaction_8_0_names_the_employee_in_d80_order() {
    let api = api(V80).await;
    let a = api.raw(Method::GET, "/iclock/api/transactions/1/", None, Some(&api.auth())).await;
    assert_eq!(a.status, 200);
    assert_eq!(
        a.json(),
        json!({
            "id": 1, "emp": null, "emp_code": "1", "first_name": "Harry", "last_name": "Potter",
            "department": "Department", "position": null, "punch_time": "2024-06-23 09:50:00",
            "punch_state": "0", "punch_state_display": "Check In", "verify_type": 1,
            "verify_type_display": "Fingerprint", "work_code": null, "gps_location": "",
            "area_alias": null, "terminal_sn": "", "temperature": 36.4, "is_mask": "Yes",
            "terminal_alias": null, "upload_time": "2024-06-23 09:50:00"
        })
    );
    assert!(a.text.starts_with(r#"{"id":1,"emp":null,"emp_code":"1","first_name":"Harry""#));
}

#[tokio::test]
async fn transactions_8x_and_9_5_drop_the_9_0_fields() {
    for version in [V80, V85, V95] {
        let api = api(version).await;
        let (s, v) = api.get("/iclock/api/transactions/?emp_code=2&page_size=5").await;
        assert_eq!(s, 200);
        for row in rows(&v) {
            for key in NINE_O_ONLY {
                assert!(row.get(key).is_none(), "{version}: {key} in {row}");
            }
            assert_eq!(row.get("longitude").is_some(), version == V95, "{version}: {row}");
            assert_eq!(row.get("latitude").is_some(), version == V95, "{version}: {row}");
            assert_eq!(row["first_name"], "Hermione");
            assert_eq!(row["last_name"], "Granger");
            assert_eq!(row["department"], "Human Resources");
            assert_eq!(row["position"], "Manager");
            assert!(row["punch_state_display"].is_string());
            assert!(row["verify_type_display"].is_string());
        }
    }
    // 9.0 keeps its manual's shape: no names, no display texts.
    let api = api(V90).await;
    let (_, v) = api.get("/iclock/api/transactions/?emp_code=2&page_size=5").await;
    let row = &v["data"][0];
    assert!(row.get("first_name").is_none() && row.get("punch_state_display").is_none());
    assert!(row["terminal"].is_i64());
}

/// Every row of a list, page by page, whatever the envelope's rows key.
async fn all_rows(api: &Api, path: &str) -> Vec<Value> {
    let mut out = Vec::new();
    let mut next = Some(format!("{}{}", api.sb.url(), path));
    while let Some(url) = next {
        let resp = api.http.get(&url).header("Authorization", api.auth()).send().await.unwrap();
        assert_eq!(resp.status().as_u16(), 200, "{url}");
        let v: Value = resp.json().await.unwrap();
        out.extend(rows(&v).iter().cloned());
        next = v["next"].as_str().map(str::to_string);
    }
    out
}

fn by_id(rows: Vec<Value>) -> HashMap<i64, Value> {
    rows.into_iter().map(|r| (r["id"].as_i64().unwrap(), r)).collect()
}

#[tokio::test]
async fn loose_types_mix_within_pages_and_keep_the_stored_values() {
    let stored = by_id(all_rows(&api(V90).await, "/iclock/api/transactions/?page_size=500").await);
    assert!(stored.len() > 100);

    let nine_five = all_rows(&api(V95).await, "/iclock/api/transactions/?page_size=500").await;
    let (mut state_text, mut state_number, mut temp_text, mut temp_zero) = (0, 0, 0, 0);
    for row in &nine_five {
        let old = &stored[&row["id"].as_i64().unwrap()];
        // punch_state: the stored text, sometimes as a number.
        match &row["punch_state"] {
            Value::String(s) => {
                state_text += 1;
                assert_eq!(old["punch_state"], s.as_str());
            }
            Value::Number(n) => {
                state_number += 1;
                assert_eq!(old["punch_state"], n.to_string().as_str());
            }
            other => panic!("punch_state {other}"),
        }
        let labels =
            ["Check In", "Check Out", "Break Out", "Break In", "Overtime In", "Overtime Out"];
        let state: usize = old["punch_state"].as_str().unwrap().parse().unwrap();
        assert_eq!(row["punch_state_display"], labels[state]);
        // temperature: 255 (not measured) is 0.0, a measured one is text.
        let t = old["temperature"].as_f64().unwrap();
        if t == 255.0 {
            temp_zero += 1;
            assert_eq!(row["temperature"], json!(0.0));
        } else {
            temp_text += 1;
            assert_eq!(row["temperature"], format!("{t:.1}"));
        }
        let mask = match old["is_mask"].as_i64().unwrap() {
            0 => "No",
            1 => "Yes",
            _ => "-",
        };
        assert_eq!(row["is_mask"], mask);
    }
    assert!(state_text > 0 && state_number > 0, "{state_text} {state_number}");
    assert!(temp_text > 0 && temp_zero > 0, "{temp_text} {temp_zero}");
    let masks: Vec<&Value> = nine_five.iter().map(|r| &r["is_mask"]).collect();
    for m in ["-", "No", "Yes"] {
        assert!(masks.contains(&&json!(m)), "no {m}");
    }

    // 8.5: verify_type sometimes "15", always with its display text.
    let eight_five = all_rows(&api(V85).await, "/iclock/api/transactions/?page_size=500").await;
    let (mut vt_text, mut vt_number) = (0, 0);
    for row in &eight_five {
        let old = stored[&row["id"].as_i64().unwrap()]["verify_type"].as_i64().unwrap();
        let shown = match &row["verify_type"] {
            Value::String(s) => {
                vt_text += 1;
                s.parse::<i64>().unwrap()
            }
            v => {
                vt_number += 1;
                v.as_i64().unwrap()
            }
        };
        assert_eq!(shown, old);
        let label = match old {
            1 => "Fingerprint",
            15 => "Face",
            other => panic!("verify_type {other}"),
        };
        assert_eq!(row["verify_type_display"], label);
        assert!(row["punch_state"].is_string(), "only 9.5 sends numbers");
    }
    assert!(vt_text > 0 && vt_number > 0, "{vt_text} {vt_number}");
}

#[tokio::test]
async fn employees_8x_are_flat_with_names_beside_ids() {
    for version in [V80, V85] {
        let api = api(version).await;
        let (s, e) = api.get("/personnel/api/employees/2/").await;
        assert_eq!(s, 200);
        assert_eq!(e["department"], 2);
        assert_eq!(e["dept_name"], "Human Resources");
        assert_eq!(e["position"], 2);
        assert_eq!(e["position_name"], "Manager");
        assert_eq!(e["area"], json!([2, 3]));
        assert_eq!(e["area_name"], "ZKTeco,Head Office");
        assert_eq!(e["enable_att"], true);
        assert_eq!(e["enable_overtime"], true);
        assert_eq!(e["enable_holiday"], true);
        assert!(e.get("attemployee").is_none());
        assert_eq!(e["app_status"], 0);
        assert_eq!(e["CNIC"], Value::Null, "custom attributes stay");
        let (_, harry) = api.get("/personnel/api/employees/1/").await;
        assert_eq!((&harry["position"], &harry["position_name"]), (&Value::Null, &Value::Null));
        // Some rows carry app_status as text (picked by id).
        let (_, ron) = api.get("/personnel/api/employees/3/").await;
        assert_eq!(ron["app_status"], "0");
        // Lists use the same shape.
        let (_, list) = api.get("/personnel/api/employees/?emp_code=2").await;
        assert_eq!(rows(&list)[0], e);
    }
}

#[tokio::test]
async fn employees_9_5_nest_like_9_0_with_a_numeric_card_no() {
    let api = api(V95).await;
    let (s, created) = api
        .call(
            Method::POST,
            "/personnel/api/employees/",
            Some(json!({"emp_code": "9501", "first_name": "Card", "department": 1,
                        "area": [2], "card_no": "0012345"})),
        )
        .await;
    assert_eq!(s, 201, "{created}");
    let id = created["id"].as_i64().unwrap();
    let (_, e) = api.get(&format!("/personnel/api/employees/{id}/")).await;
    assert_eq!(e["card_no"], 12345);
    assert_eq!(e["department"], json!({"id": 1, "dept_code": "1", "dept_name": "Department"}));
    assert!(e["attemployee"].is_object());
    let (_, harry) = api.get("/personnel/api/employees/1/").await;
    assert_eq!(harry["card_no"], Value::Null);
}

#[tokio::test]
async fn department_parents_per_version() {
    let eight = api(V80).await;
    let (_, d) = eight.get("/personnel/api/departments/2/").await;
    assert_eq!(
        d,
        json!({"id": 2, "dept_code": "2", "dept_name": "Human Resources", "parent_dept": 1,
               "parent_dept_name": "Department"})
    );
    let (_, root) = eight.get("/personnel/api/departments/1/").await;
    assert_eq!(root["parent_dept_name"], Value::Null);

    let (_, d) = api(V90).await.get("/personnel/api/departments/2/").await;
    assert_eq!(
        d,
        json!({"id": 2, "dept_code": "2", "dept_name": "Human Resources", "parent_dept": 1})
    );

    let nine_five = api(V95).await;
    let (_, d) = nine_five.get("/personnel/api/departments/2/").await;
    assert_eq!(
        d["parent_dept"],
        json!({"id": 1, "dept_code": "1", "dept_name": "Department", "parent_dept": null})
    );
    let (_, list) = nine_five.get("/personnel/api/departments/?dept_code=1").await;
    assert_eq!(list["data"][0]["parent_dept"], Value::Null);
}

#[tokio::test]
async fn terminal_state_and_is_attendance_types() {
    for version in ServerVersion::ALL {
        let api = api(version).await;
        let (_, t) = api.get("/iclock/api/terminals/1/").await;
        let (state, att) =
            if version.is_8x() { (json!(1), json!(true)) } else { (json!("1"), json!(1)) };
        assert_eq!((&t["state"], &t["is_attendance"]), (&state, &att), "{version}");
        let (_, list) = api.get("/iclock/api/terminals/?sn=CKJF201260077").await;
        assert_eq!(rows(&list)[0], t, "{version}");
    }
}

#[tokio::test]
async fn eight_five_lists_under_results() {
    for version in ServerVersion::ALL {
        let api = api(version).await;
        let (_, v) = api.get("/personnel/api/areas/?page_size=2").await;
        let key = if version == V85 { "results" } else { "data" };
        let other = if version == V85 { "data" } else { "results" };
        assert_eq!(v[key].as_array().map(Vec::len), Some(2), "{version}: {v}");
        assert!(v.get(other).is_none(), "{version}: {v}");
        assert_eq!((&v["count"], &v["msg"], &v["code"]), (&json!(4), &json!(""), &json!(0)));
    }
    // The key order stays DRF's.
    let api = api(V85).await;
    let a =
        api.raw(Method::GET, "/personnel/api/areas/?page_size=1", None, Some(&api.auth())).await;
    assert!(a.text.starts_with(r#"{"count":4,"next":"#), "{}", a.text);
    assert!(a.text.contains(r#""msg":"","code":0,"results":[{"#), "{}", a.text);
}

#[tokio::test]
async fn nine_five_sizes_pages_with_page_size_only() {
    let nine_five = api(V95).await;
    let (_, v) = nine_five.get("/iclock/api/transactions/?limit=3").await;
    assert_eq!(v["data"].as_array().unwrap().len(), 10, "limit is ignored");
    let (_, v) = nine_five.get("/iclock/api/transactions/?limit=3&page_size=4").await;
    assert_eq!(v["data"].as_array().unwrap().len(), 4);
    assert!(v["next"].as_str().unwrap().contains("page_size=4"));
    for version in [V80, V85, V90] {
        let (_, v) = api(version).await.get("/iclock/api/transactions/?limit=3").await;
        assert_eq!(rows(&v).len(), 3, "{version}");
    }
}

#[tokio::test]
async fn nine_five_creates_positions_without_id_and_keeps_codes() {
    let api = api(V95).await;
    let body = json!({"position_code": "P95", "position_name": "Nine five"});
    let (s, v) = api.call(Method::POST, "/personnel/api/positions/", Some(body.clone())).await;
    assert_eq!((s, v), (201, body));
    let (_, list) = api.get("/personnel/api/positions/?position_code=P95").await;
    assert_eq!(list["count"], 1, "the position is stored");
    assert!(list["data"][0]["id"].is_i64());
    // Other creates still answer with the id.
    let (s, d) = api
        .call(
            Method::POST,
            "/personnel/api/departments/",
            Some(json!({"dept_code": "D95", "dept_name": "Dept"})),
        )
        .await;
    assert_eq!(s, 201);
    let dept = d["id"].as_i64().unwrap();

    // Updates silently keep emp_code / dept_code and apply the rest.
    let (s, e) = api
        .call(
            Method::PATCH,
            "/personnel/api/employees/1/",
            Some(json!({"emp_code": "changed", "first_name": "Harold"})),
        )
        .await;
    assert_eq!(s, 200, "{e}");
    assert_eq!((&e["emp_code"], &e["first_name"]), (&json!("1"), &json!("Harold")));
    let (s, d) = api
        .call(
            Method::PUT,
            &format!("/personnel/api/departments/{dept}/"),
            Some(json!({"dept_code": "D96", "dept_name": "Renamed"})),
        )
        .await;
    assert_eq!(s, 200, "{d}");
    assert_eq!((&d["dept_code"], &d["dept_name"]), (&json!("D95"), &json!("Renamed")));

    // 9.0 changes codes and answers creates with the id.
    let nine = self::api(V90).await;
    let (_, e) = nine
        .call(Method::PATCH, "/personnel/api/employees/1/", Some(json!({"emp_code": "changed"})))
        .await;
    assert_eq!(e["emp_code"], "changed");
    let (_, p) = nine
        .call(
            Method::POST,
            "/personnel/api/positions/",
            Some(json!({"position_code": "P90", "position_name": "Nine"})),
        )
        .await;
    assert!(p["id"].is_i64());
}

#[tokio::test]
async fn eight_zero_answers_deletes_with_a_status_body() {
    for version in ServerVersion::ALL {
        let api = api(version).await;
        let a =
            api.raw(Method::DELETE, "/personnel/api/positions/4/", None, Some(&api.auth())).await;
        if version == V80 {
            assert_eq!((a.status, a.json()), (200, json!({"code": 0, "msg": ""})));
        } else {
            assert_eq!((a.status, a.text.as_str()), (204, ""), "{version}");
        }
        let (s, _) = api.get("/personnel/api/positions/4/").await;
        assert_eq!(s, 404, "{version}: deleted");
    }
}

#[tokio::test]
async fn docs_titles_per_version() {
    let titles = [
        (V80, "BIOTIME API DOCS"),
        (V85, "BIOTIME API DOCS"),
        (V90, "ZKBio Time API DOCS"),
        (V95, "BioTime 9.5 API DOCS"),
    ];
    for (version, title) in titles {
        let api = api(version).await;
        let a = api.raw(Method::GET, "/api/docs/", None, None).await;
        assert_eq!(a.status, 200);
        assert!(a.headers["content-type"].to_str().unwrap().starts_with("text/html"));
        assert!(a.text.contains(&format!("<title>{title}</title>")), "{version}: {}", a.text);
    }
}

#[tokio::test]
async fn resign_api_exists_on_8_5_and_9_5_only() {
    for version in ServerVersion::ALL {
        let api = api(version).await;
        let a = api.raw(Method::GET, "/personnel/api/resigns/", None, Some(&api.auth())).await;
        assert_eq!(a.status, 200, "{version}");
        if version.has_resign_api() {
            let v = a.json();
            assert_eq!(v["count"], 0, "{version}");
            assert_eq!(rows(&v).len(), 0);
            assert_eq!(v["next"], Value::Null);
            let (s, _) = api.get("/personnel/api/resigns/1/").await;
            assert_eq!(s, 404);
            let anon = api.raw(Method::GET, "/personnel/api/resigns/", None, None).await;
            assert_eq!(anon.status, 401, "it is an API path");
        } else {
            assert!(a.text.contains("<title>Page not found</title>"), "{version}: {}", a.text);
        }
    }
    let (_, v) = api(V85).await.get("/personnel/api/resigns/").await;
    assert_eq!(v["results"], json!([]));
}

const LICENCE: &str =
    "The license of API module is invalid or expired, please contact the administrator.";

#[tokio::test]
async fn licence_gate_refuses_tokens_and_passes_basic() {
    let api = Api::with(SandboxBuilder::new().licence_gate(true)).await;
    assert!(!api.token.is_empty(), "logins are not gated");
    let jwt = api
        .raw(
            Method::POST,
            "/jwt-api-token-auth/",
            Some(json!({"username": "admin", "password": "admin123"})),
            None,
        )
        .await;
    assert_eq!(jwt.status, 200);
    let jwt = format!("JWT {}", jwt.json()["token"].as_str().unwrap());
    for path in
        ["/personnel/api/employees/", "/iclock/api/transactions/", "/iclock/api/terminals/1/"]
    {
        for auth in [api.auth(), jwt.clone()] {
            let a = api.raw(Method::GET, path, None, Some(&auth)).await;
            assert_eq!((a.status, a.json()), (403, json!({"detail": LICENCE})), "{path}");
        }
        let a = api.raw(Method::GET, path, None, Some(&basic("admin", "admin123"))).await;
        assert_eq!(a.status, 200, "{path}: Basic passes the gate");
    }
    // A bad token is still a 401, not the licence's 403.
    let a = api.raw(Method::GET, "/personnel/api/areas/", None, Some("Token nope")).await;
    assert_eq!(a.status, 401);
    // /att/ is not gated (the sandbox has no reports: the HTML page, not a 403).
    let a = api.raw(Method::GET, "/att/api/transactionReport/", None, Some(&api.auth())).await;
    assert_eq!(a.status, 200);
    // Without the flag tokens pass.
    let open = Api::new().await;
    assert_eq!(open.get("/personnel/api/employees/").await.0, 200);
}

#[tokio::test]
async fn basic_auth_works_on_every_version() {
    for version in ServerVersion::ALL {
        let api = api(version).await;
        for path in ["/personnel/api/employees/", "/iclock/api/transactions/1/"] {
            let ok = api.raw(Method::GET, path, None, Some(&basic("admin", "admin123"))).await;
            assert_eq!(ok.status, 200, "{version} {path}");
            let bad = api.raw(Method::GET, path, None, Some(&basic("admin", "wrong"))).await;
            assert_eq!(
                (bad.status, bad.json()),
                (401, json!({"detail": "Invalid username/password."})),
                "{version} {path}"
            );
        }
    }
}

#[tokio::test]
async fn staff_logins_work_like_the_others() {
    let api = api(V85).await;
    let creds = json!({"username": "admin", "password": "admin123"});
    let t = api.raw(Method::POST, "/staff-api-token-auth/", Some(creds.clone()), None).await;
    assert_eq!(t.status, 200);
    assert_eq!(t.json()["token"], api.token.as_str(), "the same DRF token");
    let j = api.raw(Method::POST, "/staff-jwt-api-token-auth/", Some(creds), None).await;
    assert_eq!(j.status, 200);
    let jwt = format!("JWT {}", j.json()["token"].as_str().unwrap());
    assert_eq!(api.raw(Method::GET, "/personnel/api/areas/", None, Some(&jwt)).await.status, 200);
    let bad = api
        .raw(
            Method::POST,
            "/staff-api-token-auth/",
            Some(json!({"username": "admin", "password": "nope"})),
            None,
        )
        .await;
    assert_eq!(bad.status, 400);
}

#[tokio::test]
async fn explicit_9_0_answers_exactly_as_the_default() {
    let default = Api::new().await;
    let nine = api(V90).await;
    for path in [
        "/iclock/api/transactions/?page_size=50",
        "/personnel/api/employees/",
        "/personnel/api/departments/",
        "/iclock/api/terminals/",
    ] {
        let a = default.raw(Method::GET, path, None, Some(&default.auth())).await;
        let b = nine.raw(Method::GET, path, None, Some(&nine.auth())).await;
        assert_eq!(a.text.replace(&default.sb.url(), ""), b.text.replace(&nine.sb.url(), ""));
    }
}

#[test]
fn command_line_flags() {
    let help =
        Command::new(env!("CARGO_BIN_EXE_zkbiotime-sandbox")).arg("--help").output().unwrap();
    let text = String::from_utf8(help.stdout).unwrap();
    assert!(text.contains("--server-version") && text.contains("--licence-gate"), "{text}");
    assert!(text.contains("BioTime 9.5 API DOCS"), "--help describes each version");

    let bad = Command::new(env!("CARGO_BIN_EXE_zkbiotime-sandbox"))
        .args(["--server-version", "7.0"])
        .output()
        .unwrap();
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("unknown server version"));

    let mut child = Command::new(env!("CARGO_BIN_EXE_zkbiotime-sandbox"))
        .args(["--listen", "127.0.0.1:0", "--server-version", "9.5", "--licence-gate"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let url = line.trim().strip_prefix("listening on ").unwrap().to_string();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (docs, gated) = rt.block_on(async {
        let http = reqwest::Client::new();
        let docs = http.get(format!("{url}/api/docs/")).send().await.unwrap().text().await.unwrap();
        let login: Value = http
            .post(format!("{url}/api-token-auth/"))
            .json(&json!({"username": "admin", "password": "admin123"}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let gated = http
            .get(format!("{url}/personnel/api/areas/"))
            .header("Authorization", format!("Token {}", login["token"].as_str().unwrap()))
            .send()
            .await
            .unwrap()
            .status();
        (docs, gated)
    });
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(docs.contains("<title>BioTime 9.5 API DOCS</title>"));
    assert_eq!(gated.as_u16(), 403);
}
