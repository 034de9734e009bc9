//! The Rust runner of the cross-language scenarios (`tests/scenarios/README.md`).
//!
//! `scenarios MANIFEST RESULTS`: replays every step of each scenario against its sandbox URL
//! through the core client and writes each step's outcome to `RESULTS` (JSON lines). It
//! checks nothing: `cargo xtask scenarios` applies the expectations.

// The resource and action tables (`dispatch_resource!`, `dispatch_action!`), generated from
// the spec; the steps' logic is here.
#[macro_use]
#[rustfmt::skip]
mod generated;

use std::collections::BTreeMap;
use std::io::Write;
use std::time::Duration;

use futures::TryStreamExt;
use serde_json::{Map, Value, json};
use zkbiotime::{
    Client, Direction, DirectionRule, Error, ExportFormat, ReportQuery, RetryPolicy, SyncState,
};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    anyhow::ensure!(args.len() == 3, "usage: scenarios MANIFEST RESULTS");
    let manifest: Vec<Value> = serde_json::from_str(&std::fs::read_to_string(&args[1])?)?;
    let mut out = std::fs::File::create(&args[2])?;
    for entry in manifest {
        let path = entry["scenario"].as_str().unwrap_or_default();
        let url = entry["url"].as_str().unwrap_or_default();
        let scenario: Value = match std::fs::read_to_string(path)
            .map_err(|e| e.to_string())
            .and_then(|t| serde_json::from_str(&t).map_err(|e| e.to_string()))
        {
            Ok(v) => v,
            Err(why) => {
                writeln!(out, "{}", json!({"scenario": path, "error": format!("{path}: {why}")}))?;
                continue;
            }
        };
        let name = scenario["name"].as_str().unwrap_or(path).to_string();
        let base = scenario["client"].as_object().cloned().unwrap_or_default();
        let mut runner = Runner {
            url: url.to_string(),
            base,
            client: None,
            saved: BTreeMap::new(),
            states: BTreeMap::new(),
        };
        let steps = scenario["steps"].as_array().cloned().unwrap_or_default();
        for (i, step) in steps.iter().enumerate() {
            let mut line = json!({"scenario": name, "step": i + 1});
            match runner.step(step).await {
                Ok(result) => {
                    line["ok"] = json!(true);
                    line["result"] = result;
                }
                Err(e) => {
                    line["ok"] = json!(false);
                    line["error"] = json!({
                        "kind": e.kind().as_str(),
                        "status": e.status(),
                        "detail": e.to_string(),
                        "field_errors": e.field_errors(),
                    });
                }
            }
            writeln!(out, "{line}")?;
        }
        eprintln!("rust {name}: {} steps run", steps.len());
    }
    Ok(())
}

struct Runner {
    url: String,
    base: Map<String, Value>,
    /// The client of the previous step (`"client": "same"`).
    client: Option<Client>,
    saved: BTreeMap<String, i64>,
    states: BTreeMap<String, SyncState>,
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
    /// Runs one step: its client (a new one unless `"same"`), the call, the id to save.
    async fn step(&mut self, step: &Value) -> Result<Value, Error> {
        let client = match (&step["client"], self.client.take()) {
            (Value::Object(extra), _) => {
                let mut options = self.base.clone();
                options.extend(extra.clone());
                build_client(&self.url, &options)?
            }
            (Value::String(s), Some(same)) if s == "same" => same,
            _ => build_client(&self.url, &self.base)?,
        };
        let result = self.call(&client, step).await;
        self.client = Some(client);
        let value = result?;
        // An upsert's record is inside its result.
        let record = if step["op"] == "upsert" { &value["record"] } else { &value };
        if let (Some(name), Some(id)) = (step["save"].as_str(), record["id"].as_i64()) {
            self.saved.insert(name.to_string(), id);
        }
        Ok(value)
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

    async fn call(&mut self, c: &Client, step: &Value) -> Result<Value, Error> {
        let op = step["op"].as_str().unwrap_or_default();
        let resource = step["resource"].as_str().unwrap_or_default();
        let filters = step.get("filters").cloned().unwrap_or(json!({}));
        let fields = self.substitute(step.get("fields").cloned().unwrap_or(json!({})))?;
        macro_rules! on_resource {
            ($r:expr, $filter:ty, crud: $crud:tt) => {{
                let r = $r;
                match op {
                    "get" => to_value(r.get(self.id(step)?).await?),
                    _ => on_resource!(@list r, $filter, $crud),
                }
            }};
            // A list-only resource (a report): no `get`.
            ($r:expr, $filter:ty, list_only) => {{
                let r = $r;
                on_resource!(@list r, $filter, no)
            }};
            (@list $r:ident, $filter:ty, $crud:tt) => {{
                let r = &$r;
                match op {
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
                        Ok(json!({"created": created, "record": to_value(u.into_inner())?}))
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
            // Punches: read-only but deletable.
            (@write $r:ident, delete_only) => {
                match op {
                    "delete" => $r.delete(self.id(step)?).await.map(|()| Value::Null),
                    _ => on_resource!(@write $r, no),
                }
            };
            (@write $r:ident, no) => {
                Err(zkbiotime_invalid(&format!("{op} is not possible on {resource}")))
            };
        }
        if op == "sync" {
            let name = step["state"].as_str().unwrap_or("default").to_string();
            let mut state = match (self.states.get(&name), step["since"].as_str()) {
                (Some(state), _) => state.clone(),
                (None, since) => SyncState::start(None, since)?,
            };
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
        if op == "report" {
            let params = step["params"].as_object().cloned().unwrap_or_default();
            let params = params.into_iter().map(|(k, v)| match v {
                Value::String(s) => (k, s),
                other => (k, other.to_string()),
            });
            let name = step["name"].as_str().unwrap_or_default();
            let rows: Vec<_> = c.report(ReportQuery::new(name, params)?).try_collect().await?;
            return to_value(rows);
        }
        if op == "directions" {
            let mut terminals = std::collections::HashMap::new();
            for (key, value) in step["terminals"].as_object().into_iter().flatten() {
                terminals
                    .insert(key.clone(), Direction::parse(value.as_str().unwrap_or_default())?);
            }
            let rule = DirectionRule::from_name(step["by"].as_str().unwrap_or("state"), terminals)?;
            let punches: Vec<_> = c.transactions().list(parse(filters)?).try_collect().await?;
            return Ok(direction_counts(&zkbiotime::directions(&punches, &rule)));
        }
        if op == "export" {
            let format = ExportFormat::parse(step["format"].as_str().unwrap_or("csv"))?;
            let path = std::env::temp_dir().join(format!(
                "zkbiotime-scenario-{}-{}",
                std::process::id(),
                self.saved.len()
            ));
            let written = c.transactions().export_file(parse(filters)?, format, &path).await;
            let text = std::fs::read(&path).unwrap_or_default();
            let _ = std::fs::remove_file(&path);
            return Ok(export_summary(written?, &text));
        }
        if op == "action" {
            // The resource's actions (the spec's x-action): the body from `fields`, the
            // answer the server's JSON.
            let action = step["action"].as_str().unwrap_or_default();
            let unknown = format!("no action {action:?} on {resource:?}");
            return dispatch_action!(c, resource, action, fields, Err(invalid(unknown)));
        }
        let unknown = format!("unknown resource {resource}");
        dispatch_resource!(c, resource, on_resource, Err(zkbiotime_invalid(&unknown)))
    }
}

/// `{in, out, none}`: how many punches each direction got (`none`: the rule cannot tell).
fn direction_counts(found: &[Option<Direction>]) -> Value {
    let count = |want: Option<Direction>| found.iter().filter(|d| **d == want).count();
    json!({"in": count(Some(Direction::In)), "out": count(Some(Direction::Out)), "none": count(None)})
}

/// `{bytes, lines, header}` of an exported file: its size, its non-empty lines, the first.
fn export_summary(bytes: u64, text: &[u8]) -> Value {
    let text = String::from_utf8_lossy(text);
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    json!({"bytes": bytes, "lines": lines.len(), "header": lines.first().map(|l| l.trim())})
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
