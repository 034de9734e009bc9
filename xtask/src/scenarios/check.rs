//! The one checker of the cross-language scenarios: a runner only executes the steps and
//! writes what each returned (JSON lines, `tests/scenarios/README.md`, "Runners"); this
//! applies every scenario's expectations to those outcomes, the same way for every language.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

/// The expectation keys a step may carry (`tests/scenarios/README.md`).
const EXPECTATIONS: &[&str] = &[
    "error",
    "status",
    "field_errors",
    "fields",
    "records",
    "min_records",
    "unique_ids",
    "all",
    "first",
    "count",
    "items",
    "has_next",
    "created",
    "new",
    "min_new",
];

/// What one runner wrote for one scenario.
#[derive(Debug, Default)]
pub struct ScenarioOutcomes {
    /// A scenario-level failure (a line without `step`): the scenario could not be run.
    pub error: Option<String>,
    /// Step number (from 1) → its line (`ok` with `result`, or `error`).
    pub steps: BTreeMap<u64, Value>,
}

/// A runner's results file (JSON lines) by scenario name. Lines that are not JSON objects
/// with a `scenario` (e.g. cut short by a crash) are skipped: the step count catches them.
pub fn parse_lines(text: &str) -> BTreeMap<String, ScenarioOutcomes> {
    let mut out: BTreeMap<String, ScenarioOutcomes> = BTreeMap::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let Ok(value) = serde_json::from_str::<Value>(line) else { continue };
        let Some(name) = value["scenario"].as_str() else { continue };
        let entry = out.entry(name.to_string()).or_default();
        match value["step"].as_u64() {
            Some(n) => {
                entry.steps.entry(n).or_insert(value);
            }
            None => {
                let why = match &value["error"] {
                    Value::String(s) => s.clone(),
                    Value::Null => "scenario failed without a message".to_string(),
                    other => other.to_string(),
                };
                entry.error.get_or_insert(why);
            }
        }
    }
    out
}

/// `Ok` when every step of `scenario` has an outcome meeting its expectations; otherwise
/// the first failure.
pub fn check_scenario(scenario: &Value, got: Option<&ScenarioOutcomes>) -> Result<(), String> {
    let Some(got) = got else {
        return Err("no result (runner missing or crashed)".into());
    };
    if let Some(why) = &got.error {
        return Err(why.clone());
    }
    let steps = scenario["steps"].as_array().map(Vec::as_slice).unwrap_or_default();
    for (i, step) in steps.iter().enumerate() {
        let n = i as u64 + 1;
        let Some(line) = got.steps.get(&n) else {
            return Err(if got.steps.range(n..).next().is_some() {
                format!("no outcome for step {n}")
            } else {
                format!("runner stopped after step {} of {}", n - 1, steps.len())
            });
        };
        let op = step["op"].as_str().unwrap_or("?");
        check_step(step, line).map_err(|why| format!("step {n} ({op}): {why}"))?;
    }
    if let Some((&n, _)) = got.steps.range(steps.len() as u64 + 1..).next() {
        return Err(format!("an outcome for step {n}, but the scenario has {}", steps.len()));
    }
    Ok(())
}

/// One step's outcome (`{"ok": true, "result": ..}` or `{"ok": false, "error": ..}`)
/// against the step's `expect`.
pub fn check_step(step: &Value, outcome: &Value) -> Result<(), String> {
    let empty = Map::new();
    let expect = step["expect"].as_object().unwrap_or(&empty);
    if let Some(key) = expect.keys().find(|k| !EXPECTATIONS.contains(&k.as_str())) {
        return Err(format!("unknown expectation `{key}`"));
    }
    let op = step["op"].as_str().unwrap_or_default();
    let want_error = match expect.get("error") {
        None => None,
        Some(Value::String(kind)) => Some(kind.as_str()),
        Some(other) => return Err(format!("`error` must be a kind name, not {other}")),
    };
    match (outcome["ok"].as_bool(), want_error) {
        (Some(true), None) => check_value(op, &outcome["result"], expect),
        (Some(true), Some(kind)) => {
            Err(format!("expected a {kind} error, got {}", short(&outcome["result"])))
        }
        (Some(false), None) => Err(format!("unexpected error: {}", describe(&outcome["error"]))),
        (Some(false), Some(kind)) => check_error(&outcome["error"], kind, expect),
        (None, _) => Err(format!("the runner's line has no `ok`: {}", short(outcome))),
    }
}

fn describe(error: &Value) -> String {
    let kind = error["kind"].as_str().unwrap_or("?");
    let detail = error["detail"].as_str().unwrap_or_default();
    match error["status"].as_u64() {
        Some(status) => format!("{kind} ({status}): {detail}"),
        None => format!("{kind}: {detail}"),
    }
}

fn check_error(error: &Value, kind: &str, expect: &Map<String, Value>) -> Result<(), String> {
    if error["kind"].as_str() != Some(kind) {
        return Err(format!("expected {kind}, got {}", describe(error)));
    }
    if let Some(status) = expect.get("status")
        && !same(&error["status"], status)
    {
        return Err(format!("expected status {status}, got {}", error["status"]));
    }
    for field in expect.get("field_errors").and_then(Value::as_array).into_iter().flatten() {
        let field = field.as_str().unwrap_or_default();
        if error["field_errors"][field].as_array().is_none_or(Vec::is_empty) {
            return Err(format!("no message for field {field}: {}", error["field_errors"]));
        }
    }
    Ok(())
}

fn check_value(op: &str, value: &Value, expect: &Map<String, Value>) -> Result<(), String> {
    if let Some(fields) = expect.get("fields") {
        let fields = fields.as_object().ok_or("`fields` must be an object")?;
        // An upsert's result is `{created, record}`: the fields are the record's.
        let record = if op == "upsert" { &value["record"] } else { value };
        for (k, want) in fields {
            if !same(&record[k], want) {
                return Err(format!("{k}: expected {want}, got {}", short(&record[k])));
            }
        }
    }
    for key in ["created", "count", "items", "has_next", "new"] {
        if let Some(want) = expect.get(key)
            && !same(&value[key], want)
        {
            return Err(format!("{key}: expected {want}, got {}", short(&value[key])));
        }
    }
    if let Some(min) = expect.get("min_new") {
        let min = min.as_u64().ok_or("`min_new` must be a count")?;
        if value["new"].as_u64().is_none_or(|n| n < min) {
            return Err(format!("new: expected at least {min}, got {}", short(&value["new"])));
        }
    }
    let list_keys = ["records", "min_records", "unique_ids", "all", "first"];
    if !list_keys.iter().any(|k| expect.contains_key(*k)) {
        return Ok(());
    }
    let Value::Array(records) = value else {
        return Err(format!("expected a list of records, got {}", short(value)));
    };
    if let Some(n) = expect.get("records") {
        let n = n.as_u64().ok_or("`records` must be a count")?;
        if records.len() as u64 != n {
            return Err(format!("expected {n} records, got {}", records.len()));
        }
    }
    if let Some(n) = expect.get("min_records") {
        let n = n.as_u64().ok_or("`min_records` must be a count")?;
        if (records.len() as u64) < n {
            return Err(format!("expected at least {n} records, got {}", records.len()));
        }
    }
    if expect.get("unique_ids") == Some(&Value::Bool(true)) {
        let ids: BTreeSet<String> = records.iter().map(|r| r["id"].to_string()).collect();
        if ids.len() != records.len() {
            return Err(format!("{} duplicate ids", records.len() - ids.len()));
        }
    }
    if let Some(first) = expect.get("first") {
        let first = first.as_object().ok_or("`first` must be an object")?;
        let head = records.first().ok_or("expected a first record, got an empty list")?;
        for (k, want) in first {
            if !same(&head[k], want) {
                return Err(format!("first record: {k} is {}, expected {want}", short(&head[k])));
            }
        }
    }
    if let Some(all) = expect.get("all") {
        let all = all.as_object().ok_or("`all` must be an object")?;
        for r in records {
            for (k, want) in all {
                let got = match (&r[k], k.as_str()) {
                    // Terminals nest their area; compare by its name.
                    (Value::Null, "area_name") => &r["area"]["area_name"],
                    (v, _) => v,
                };
                if !same(got, want) {
                    return Err(format!(
                        "record {}: {k} is {}, expected {want}",
                        r["id"],
                        short(got)
                    ));
                }
            }
        }
    }
    Ok(())
}

/// JSON equality with numbers compared by value (`1` and `1.0` are the same: a runner's
/// language may not keep the difference).
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.as_i64(), y.as_i64()) {
            (Some(p), Some(q)) => p == q,
            _ => match (x.as_u64(), y.as_u64()) {
                (Some(p), Some(q)) => p == q,
                _ => x.as_f64() == y.as_f64(),
            },
        },
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same(p, q))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

/// A value for a message, cut to a readable length.
fn short(v: &Value) -> String {
    let text = v.to_string();
    match text.char_indices().nth(200) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn ok(result: Value) -> Value {
        json!({"scenario": "s", "step": 1, "ok": true, "result": result})
    }

    fn err(kind: &str, status: Option<u16>, field_errors: Value) -> Value {
        json!({"scenario": "s", "step": 1, "ok": false, "error": {
            "kind": kind, "status": status, "detail": "why", "field_errors": field_errors}})
    }

    fn step(op: &str, expect: Value) -> Value {
        json!({"op": op, "resource": "employees", "expect": expect})
    }

    #[test]
    fn errors_by_kind_status_and_field() {
        let s = step(
            "create",
            json!({"error": "bad_request", "status": 400, "field_errors": ["name"]}),
        );
        let good = err("bad_request", Some(400), json!({"name": ["required"]}));
        assert_eq!(check_step(&s, &good), Ok(()));
        let other_kind = err("not_found", Some(404), json!({}));
        assert!(check_step(&s, &other_kind).unwrap_err().contains("expected bad_request"));
        let other_status = err("bad_request", Some(409), json!({"name": ["x"]}));
        assert!(check_step(&s, &other_status).unwrap_err().contains("status 400"));
        let no_message = err("bad_request", Some(400), json!({"name": []}));
        assert!(check_step(&s, &no_message).unwrap_err().contains("field name"));
        let succeeded = ok(json!({"id": 1}));
        assert!(
            check_step(&s, &succeeded).unwrap_err().starts_with("expected a bad_request error")
        );
        let plain = step("get", json!({}));
        assert!(
            check_step(&plain, &good).unwrap_err().starts_with("unexpected error: bad_request")
        );
    }

    #[test]
    fn fields_with_extra_keys_and_upsert_records() {
        let s = step("get", json!({"fields": {"emp_code": "1", "badge": 7}}));
        assert_eq!(check_step(&s, &ok(json!({"id": 1, "emp_code": "1", "badge": 7.0}))), Ok(()));
        let e = check_step(&s, &ok(json!({"emp_code": "1"}))).unwrap_err();
        assert_eq!(e, "badge: expected 7, got null");
        let u = step("upsert", json!({"created": false, "fields": {"emp_code": "9"}}));
        let result = json!({"created": false, "record": {"id": 3, "emp_code": "9"}});
        assert_eq!(check_step(&u, &ok(result)), Ok(()));
        let created = json!({"created": true, "record": {"id": 3, "emp_code": "9"}});
        assert!(check_step(&u, &ok(created)).unwrap_err().starts_with("created: expected false"));
    }

    #[test]
    fn lists_pages_and_sync() {
        let records = json!([{"id": 1, "area": {"area_name": "HQ"}}, {"id": 1, "area_name": "HQ"}]);
        let all = step("list", json!({"records": 2, "all": {"area_name": "HQ"}}));
        assert_eq!(check_step(&all, &ok(records.clone())), Ok(()));
        let unique = step("list", json!({"unique_ids": true}));
        assert_eq!(check_step(&unique, &ok(records.clone())).unwrap_err(), "1 duplicate ids");
        let first = step("list", json!({"first": {"area_name": "HQ"}}));
        let e = check_step(&first, &ok(records.clone())).unwrap_err();
        assert_eq!(e, "first record: area_name is null, expected \"HQ\"");
        let empty = check_step(&first, &ok(json!([]))).unwrap_err();
        assert!(empty.contains("empty list"), "{empty}");
        let more = step("list", json!({"min_records": 3}));
        assert!(check_step(&more, &ok(records)).unwrap_err().contains("at least 3"));
        let not_a_list = step("list", json!({"records": 0}));
        assert!(check_step(&not_a_list, &ok(json!({}))).unwrap_err().contains("list of records"));
        let page = step("page", json!({"count": 10, "items": 5, "has_next": true}));
        let p = json!({"count": 10, "items": 5, "has_next": false});
        assert!(check_step(&page, &ok(p)).unwrap_err().starts_with("has_next"));
        let sync = step("sync", json!({"min_new": 2}));
        assert_eq!(check_step(&sync, &ok(json!({"new": 2}))), Ok(()));
        assert!(check_step(&sync, &ok(json!({"new": 1}))).is_err());
        let typo = step("list", json!({"record": 1}));
        assert_eq!(check_step(&typo, &ok(json!([]))).unwrap_err(), "unknown expectation `record`");
    }

    #[test]
    fn scenarios_need_every_step() {
        let scenario = json!({"name": "s", "steps": [
            {"op": "get", "id": 1, "expect": {"fields": {"id": 1}}},
            {"op": "delete", "id": 1},
            {"op": "get", "id": 1, "expect": {"error": "not_found"}},
        ]});
        let lines = [
            json!({"scenario": "s", "step": 1, "ok": true, "result": {"id": 1}}),
            json!({"scenario": "s", "step": 2, "ok": true, "result": null}),
            json!({"scenario": "s", "step": 3, "ok": false, "error": {"kind": "not_found"}}),
        ];
        let text = |n: usize| lines[..n].iter().map(|l| format!("{l}\n")).collect::<String>();
        let all = parse_lines(&text(3));
        assert_eq!(check_scenario(&scenario, all.get("s")), Ok(()));
        let cut = parse_lines(&format!("{}{{\"scenario\": \"s\", \"st", text(2)));
        assert_eq!(
            check_scenario(&scenario, cut.get("s")).unwrap_err(),
            "runner stopped after step 2 of 3"
        );
        assert!(check_scenario(&scenario, None).unwrap_err().starts_with("no result"));
        let failed = parse_lines("{\"scenario\": \"s\", \"error\": \"sandbox did not start\"}\n");
        assert_eq!(
            check_scenario(&scenario, failed.get("s")).unwrap_err(),
            "sandbox did not start"
        );
        let first = json!({"scenario": "s", "step": 1, "ok": true, "result": {"id": 2}});
        let wrong = parse_lines(&format!("{first}\n{}", text(3)));
        assert_eq!(
            check_scenario(&scenario, wrong.get("s")).unwrap_err(),
            "step 1 (get): id: expected 1, got 2"
        );
    }
}
