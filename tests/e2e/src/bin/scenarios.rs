//! The Rust runner of the cross-language scenarios (`tests/scenarios/README.md`).
//!
//! `scenarios MANIFEST RESULTS`: replays each scenario against its sandbox URL through the
//! core client and writes pass / fail per scenario.

use std::collections::BTreeMap;
use std::time::Duration;

use futures::TryStreamExt;
use serde_json::{Map, Value, json};
use zkbiotime::{Client, Error, RetryPolicy, SyncState};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    anyhow::ensure!(args.len() == 3, "usage: scenarios MANIFEST RESULTS");
    let manifest: Vec<Value> = serde_json::from_str(&std::fs::read_to_string(&args[1])?)?;
    let mut results = Map::new();
    for entry in manifest {
        let path = entry["scenario"].as_str().unwrap_or_default();
        let url = entry["url"].as_str().unwrap_or_default();
        let scenario: Value = serde_json::from_str(&std::fs::read_to_string(path)?)?;
        let name = scenario["name"].as_str().unwrap_or(path).to_string();
        let outcome = run_scenario(&scenario, url).await;
        let (pass, detail) = match outcome {
            Ok(()) => (true, String::new()),
            Err(why) => (false, why),
        };
        eprintln!("rust {name}: {}{detail}", if pass { "pass" } else { "FAIL: " });
        results.insert(name, json!({"pass": pass, "detail": detail}));
    }
    let out = json!({"language": "rust", "results": results});
    std::fs::write(&args[2], serde_json::to_string_pretty(&out)?)?;
    Ok(())
}

type Outcome = Result<(), String>;

struct Runner {
    url: String,
    base: Map<String, Value>,
    client: Client,
    saved: BTreeMap<String, i64>,
    states: BTreeMap<String, SyncState>,
}

async fn run_scenario(scenario: &Value, url: &str) -> Outcome {
    let base = scenario["client"].as_object().cloned().unwrap_or_default();
    let client = build_client(url, &base).map_err(|e| format!("client: {e}"))?;
    let mut runner = Runner {
        url: url.to_string(),
        base,
        client,
        saved: BTreeMap::new(),
        states: BTreeMap::new(),
    };
    let steps = scenario["steps"].as_array().cloned().unwrap_or_default();
    for (i, step) in steps.iter().enumerate() {
        runner.step(step).await.map_err(|why| format!("step {} ({}): {why}", i + 1, step["op"]))?;
    }
    Ok(())
}

fn build_client(url: &str, options: &Map<String, Value>) -> zkbiotime::Result<Client> {
    let mut b = Client::builder(url);
    b = match options.get("auth").and_then(Value::as_str).unwrap_or("password") {
        "jwt" => b.jwt("admin", "admin123"),
        "token" => b.token(options.get("token").and_then(Value::as_str).unwrap_or_default()),
        "wrong_password" => b.password("admin", "wrong-password"),
        scheme @ ("basic" | "staff_token" | "staff_jwt") => {
            b.login_with(scheme.parse()?, "admin", "admin123")
        }
        _ => b.password("admin", "admin123"),
    };
    if let Some(size) = options.get("page_size").and_then(Value::as_u64) {
        b = b.page_size(size as u32);
    }
    if let Some(attempts) = options.get("retries").and_then(Value::as_u64) {
        b = b.retry_policy(RetryPolicy {
            max_attempts: attempts as u32,
            base_delay: Duration::from_millis(5),
            max_delay: Duration::from_millis(100),
            budget: Duration::from_secs(120),
        });
    }
    if let Some(secs) = options.get("timeout_s").and_then(Value::as_f64) {
        let t = Duration::from_secs_f64(secs);
        b = b.connect_timeout(t).request_timeout(t);
    }
    if let Some(strict) = options.get("strict").and_then(Value::as_bool) {
        b = b.strict(strict);
    }
    b.build()
}

impl Runner {
    async fn step(&mut self, step: &Value) -> Outcome {
        match &step["client"] {
            Value::Object(extra) => {
                let mut options = self.base.clone();
                options.extend(extra.clone());
                self.client = build_client(&self.url, &options).map_err(|e| e.to_string())?;
            }
            Value::String(s) if s == "same" => {}
            _ => self.client = build_client(&self.url, &self.base).map_err(|e| e.to_string())?,
        }
        let expect = step["expect"].as_object().cloned().unwrap_or_default();
        let result = self.call(step).await;
        match (result, expect.get("error").and_then(Value::as_str)) {
            (Ok(value), None) => {
                if let (Some(name), Some(id)) = (step["save"].as_str(), value["id"].as_i64()) {
                    self.saved.insert(name.to_string(), id);
                }
                check_value(&value, &expect)
            }
            (Ok(value), Some(kind)) => Err(format!("expected a {kind} error, got {value}")),
            (Err(e), None) => Err(format!("unexpected error: {e}")),
            (Err(e), Some(kind)) => check_error(&e, kind, &expect),
        }
    }

    fn id(&self, step: &Value) -> Result<i64, Error> {
        match &step["id"] {
            Value::String(s) => self
                .saved
                .get(s.trim_start_matches('$'))
                .copied()
                .ok_or_else(|| zkbiotime_invalid(&format!("no saved id {s}"))),
            v => v.as_i64().ok_or_else(|| zkbiotime_invalid("step has no id")),
        }
    }

    /// `fields` with every `"$name"` (a whole string, at any depth: inside lists too) replaced
    /// by the id saved as `name`; an unknown name is an error.
    fn substitute(&self, value: Value) -> Result<Value, Error> {
        Ok(match value {
            Value::String(s) => match saved_name(&s) {
                Some(name) => match self.saved.get(name) {
                    Some(id) => json!(id),
                    None => return Err(invalid(format!("no saved id {s}"))),
                },
                None => Value::String(s),
            },
            Value::Array(items) => Value::Array(
                items.into_iter().map(|v| self.substitute(v)).collect::<Result<_, _>>()?,
            ),
            Value::Object(map) => Value::Object(
                map.into_iter()
                    .map(|(k, v)| Ok((k, self.substitute(v)?)))
                    .collect::<Result<_, Error>>()?,
            ),
            other => other,
        })
    }

    async fn call(&mut self, step: &Value) -> Result<Value, Error> {
        let op = step["op"].as_str().unwrap_or_default();
        let resource = step["resource"].as_str().unwrap_or_default();
        let filters = step.get("filters").cloned().unwrap_or(json!({}));
        let fields = self.substitute(step.get("fields").cloned().unwrap_or(json!({})))?;
        let c = &self.client;
        macro_rules! on_resource {
            ($r:expr, $filter:ty, crud: $crud:tt) => {{
                let r = $r;
                match op {
                    "get" => to_value(r.get(self.id(step)?).await?),
                    "list" => {
                        let f: $filter = parse(filters)?;
                        let all: Vec<_> = r.list(f).try_collect().await?;
                        to_value(all)
                    }
                    "page" => {
                        let f: $filter = parse(filters)?;
                        let p = r.page(&f, step["page"].as_i64().unwrap_or(1)).await?;
                        Ok(json!({"count": p.count, "items": p.items.len(), "has_next": p.has_next}))
                    }
                    _ => on_resource!(@write r, $crud),
                }
            }};
            (@write $r:ident, yes) => {
                match op {
                    "upsert" => {
                        let u = $r.upsert(parse(fields)?).await?;
                        let created = u.was_created();
                        let mut record = to_value(u.into_inner())?;
                        if let Value::Object(m) = &mut record {
                            m.insert("created".into(), json!(created));
                        }
                        Ok(record)
                    }
                    _ => on_resource!(@write $r, no_upsert),
                }
            };
            // Writable, but without a code to upsert by (resigns).
            (@write $r:ident, no_upsert) => {
                match op {
                    "create" => to_value($r.create(parse(fields)?).await?),
                    "update" => to_value($r.update(self.id(step)?, parse(fields)?).await?),
                    "delete" => $r.delete(self.id(step)?).await.map(|()| Value::Null),
                    "upsert" => Err(zkbiotime_invalid(&format!("upsert is not possible on {resource}"))),
                    other => Err(zkbiotime_invalid(&format!("unknown op {other}"))),
                }
            };
            (@write $r:ident, no) => {
                Err(zkbiotime_invalid(&format!("{op} is not possible on {resource}")))
            };
        }
        if op == "sync" {
            let name = step["state"].as_str().unwrap_or("default").to_string();
            let mut state = self.states.get(&name).cloned().unwrap_or_default();
            let mut new = 0usize;
            loop {
                let batch = c.transactions().sync(&state, Some(1000)).await?;
                new += batch.punches.len();
                state = batch.state;
                if batch.complete {
                    break;
                }
            }
            self.states.insert(name, state);
            return Ok(json!({"new": new}));
        }
        if op == "action" {
            // The resource's actions (the spec's x-action): the body from `fields`, the
            // answer the server's JSON.
            let action = step["action"].as_str().unwrap_or_default();
            return match (resource, action) {
                ("resigns", "reinstate") => c.resigns().reinstate(parse(fields)?).await,
                _ => Err(invalid(format!("no action {action:?} on {resource:?}"))),
            };
        }
        match resource {
            "employees" => on_resource!(c.employees(), zkbiotime::EmployeeFilter, crud: yes),
            "departments" => on_resource!(c.departments(), zkbiotime::DepartmentFilter, crud: yes),
            "areas" => on_resource!(c.areas(), zkbiotime::AreaFilter, crud: yes),
            "positions" => on_resource!(c.positions(), zkbiotime::PositionFilter, crud: yes),
            "resigns" => on_resource!(c.resigns(), zkbiotime::ResignFilter, crud: no_upsert),
            "terminals" => on_resource!(c.terminals(), zkbiotime::TerminalFilter, crud: no),
            "transactions" => {
                on_resource!(c.transactions(), zkbiotime::TransactionFilter, crud: no)
            }
            other => Err(zkbiotime_invalid(&format!("unknown resource {other}"))),
        }
    }
}

/// `name` of a `"$name"` reference: `$`, then a letter or `_`, then letters, digits or `_`.
fn saved_name(s: &str) -> Option<&str> {
    let name = s.strip_prefix('$')?;
    let mut chars = name.chars();
    let first = chars.next()?;
    ((first.is_ascii_alphabetic() || first == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_'))
    .then_some(name)
}

fn zkbiotime_invalid(detail: &str) -> Error {
    Error::invalid_argument(detail)
}

fn invalid(detail: String) -> Error {
    Error::invalid_argument(detail)
}

fn parse<T: serde::de::DeserializeOwned>(value: Value) -> Result<T, Error> {
    serde_json::from_value(value).map_err(|e| invalid(e.to_string()))
}

fn to_value<T: serde::Serialize>(v: T) -> Result<Value, Error> {
    serde_json::to_value(v).map_err(|e| invalid(e.to_string()))
}

fn check_error(e: &Error, kind: &str, expect: &Map<String, Value>) -> Outcome {
    if e.kind().as_str() != kind {
        return Err(format!("expected {kind}, got {} ({e})", e.kind().as_str()));
    }
    if let Some(status) = expect.get("status").and_then(Value::as_u64)
        && e.status() != Some(status as u16)
    {
        return Err(format!("expected status {status}, got {:?}", e.status()));
    }
    for field in expect.get("field_errors").and_then(Value::as_array).into_iter().flatten() {
        let field = field.as_str().unwrap_or_default();
        if e.field_errors().get(field).is_none_or(|m| m.is_empty()) {
            return Err(format!("no message for field {field}: {:?}", e.field_errors()));
        }
    }
    Ok(())
}

fn check_value(value: &Value, expect: &Map<String, Value>) -> Outcome {
    if let Some(fields) = expect.get("fields").and_then(Value::as_object) {
        for (k, want) in fields {
            if &value[k] != want {
                return Err(format!("{k}: expected {want}, got {}", value[k]));
            }
        }
    }
    if let Some(want) = expect.get("created")
        && &value["created"] != want
    {
        return Err(format!("created: expected {want}, got {}", value["created"]));
    }
    for key in ["count", "items", "has_next", "new"] {
        if let Some(want) = expect.get(key)
            && &value[key] != want
        {
            return Err(format!("{key}: expected {want}, got {}", value[key]));
        }
    }
    if let Some(min) = expect.get("min_new").and_then(Value::as_u64)
        && value["new"].as_u64().unwrap_or(0) < min
    {
        return Err(format!("new: expected at least {min}, got {}", value["new"]));
    }
    if let Value::Array(records) = value {
        if let Some(n) = expect.get("records").and_then(Value::as_u64)
            && records.len() as u64 != n
        {
            return Err(format!("expected {n} records, got {}", records.len()));
        }
        if let Some(n) = expect.get("min_records").and_then(Value::as_u64)
            && (records.len() as u64) < n
        {
            return Err(format!("expected at least {n} records, got {}", records.len()));
        }
        if expect.get("unique_ids") == Some(&Value::Bool(true)) {
            let ids: std::collections::BTreeSet<_> =
                records.iter().map(|r| r["id"].as_i64()).collect();
            if ids.len() != records.len() {
                return Err(format!("{} duplicate ids", records.len() - ids.len()));
            }
        }
        if let Some(all) = expect.get("all").and_then(Value::as_object) {
            for r in records {
                for (k, want) in all {
                    let got = match (&r[k], k.as_str()) {
                        // Terminals nest their area; compare by its name.
                        (Value::Null, "area_name") => r["area"]["area_name"].clone(),
                        (v, _) => v.clone(),
                    };
                    if &got != want {
                        return Err(format!("record {}: {k} is {got}, expected {want}", r["id"]));
                    }
                }
            }
        }
    }
    Ok(())
}
