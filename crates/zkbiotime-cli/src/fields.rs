//! What the CLI knows about the spec's records, and how it turns flags into request data.
//!
//! Nothing here lists a field by hand: record and body fields and each list's filters come
//! from the generated model table (`generated.rs`, written by `cargo xtask codegen` from the
//! spec). Flags are parsed into JSON by their kind and then deserialised into the core's own
//! types, so the core's serde rules (unknown names rejected, types checked) are the final
//! word.

use anyhow::{Context, Result, anyhow, bail};
use clap::{Arg, ArgAction, ArgMatches, Command};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::exit::Usage;
use crate::generated::MODELS;

/// The type of one field, as the spec says.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Kind {
    String,
    Int,
    Float,
    Bool,
    Date,
    /// Naive server-local `YYYY-MM-DD HH:MM:SS`.
    DateTimeText,
    /// Password, hash or token: never printed.
    Secret,
    /// A string enum schema, with its values (orderings, export types).
    Enum(&'static [&'static str]),
    Model(&'static str),
    List(&'static Kind),
}

#[derive(Debug)]
pub struct FieldSpec {
    pub name: &'static str,
    pub kind: Kind,
    pub required: bool,
    pub doc: &'static str,
}

#[derive(Debug)]
pub struct ModelSpec {
    pub name: &'static str,
    /// Unknown keys (custom attributes such as "Primary Job") are kept in `extra`.
    pub has_extra: bool,
    /// A record can hold a secret, itself or in a record it nests: printed through a
    /// redacted `Value`, never straight from the record.
    pub holds_secret: bool,
    pub fields: &'static [FieldSpec],
}

/// The spec model called `name`. Every name the CLI asks for is checked by a unit test.
pub fn model(name: &str) -> &'static ModelSpec {
    MODELS
        .iter()
        .copied()
        .find(|m| m.name == name)
        .unwrap_or_else(|| panic!("the spec has no schema {name}: run `cargo xtask codegen`"))
}

impl ModelSpec {
    pub fn field(&self, name: &str) -> Option<&'static FieldSpec> {
        self.fields.iter().find(|f| f.name == name)
    }
}

impl Kind {
    /// A flag's text as the JSON value of this kind (`--area 1,2` → `[1, 2]`).
    pub fn parse(&self, text: &str) -> Result<Value, String> {
        Ok(match self {
            Kind::String | Kind::Date | Kind::DateTimeText | Kind::Secret | Kind::Enum(_) => {
                Value::String(text.to_string())
            }
            Kind::Int => text
                .trim()
                .parse::<i64>()
                .map(Value::from)
                .map_err(|_| format!("{text:?} is not a whole number"))?,
            Kind::Float => text
                .trim()
                .parse::<f64>()
                .map(Value::from)
                .map_err(|_| format!("{text:?} is not a number"))?,
            Kind::Bool => match text.trim().to_ascii_lowercase().as_str() {
                "true" | "1" | "yes" => Value::Bool(true),
                "false" | "0" | "no" => Value::Bool(false),
                _ => return Err(format!("{text:?} is not true or false")),
            },
            Kind::Model(name) => serde_json::from_str(text)
                .map_err(|e| format!("expected a JSON object for {name}: {e}"))?,
            Kind::List(inner) => {
                if text.trim_start().starts_with('[') {
                    serde_json::from_str(text).map_err(|e| format!("not a JSON list: {e}"))?
                } else if text.trim().is_empty() {
                    Value::Array(Vec::new())
                } else {
                    let items: Result<Vec<Value>, String> =
                        text.split(',').map(|item| inner.parse(item.trim())).collect();
                    Value::Array(items?)
                }
            }
        })
    }

    fn value_hint(&self) -> &'static str {
        match self {
            Kind::Int => "INT",
            Kind::Float => "NUMBER",
            Kind::Bool => "BOOL",
            Kind::Date => "YYYY-MM-DD",
            Kind::DateTimeText => "TIME",
            Kind::Model(_) => "JSON",
            Kind::List(_) => "LIST",
            _ => "TEXT",
        }
    }
}

/// `first_name` → `first-name`.
pub fn flag_name(field: &str) -> String {
    field.replace('_', "-")
}

/// Field names that can be a flag (all spec names are identifiers; custom attributes with
/// spaces go through `--set`).
fn flaggable(name: &str) -> bool {
    !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

const FILTER_PREFIX: &str = "filter:";
const FIELD_PREFIX: &str = "field:";

/// Adds one `--name VALUE` flag per filter of a list (the model `EmployeeFilter`): its
/// help is the spec's description, an enum's values are offered and checked by clap.
pub fn add_filter_args(mut cmd: Command, filters: &'static ModelSpec) -> Command {
    for field in filters.fields {
        let mut help = if field.doc.is_empty() {
            format!("Filter on {}", field.name)
        } else {
            field.doc.into()
        };
        if field.name.ends_with("_time") {
            help.push_str(" (RFC 3339 too, with --timezone)");
        }
        let mut arg = Arg::new(format!("{FILTER_PREFIX}{}", field.name))
            .long(flag_name(field.name))
            .value_name(field.kind.value_hint())
            .allow_hyphen_values(true)
            .action(ArgAction::Set)
            .help(help)
            .help_heading("Filters");
        if let Kind::Enum(values) = field.kind {
            arg = arg.value_parser(clap::builder::PossibleValuesParser::new(values));
        }
        cmd = cmd.arg(arg);
    }
    cmd
}

/// Adds one flag per field of a request body (`EmployeeCreate`).
pub fn add_field_args(mut cmd: Command, model: &'static ModelSpec) -> Command {
    for field in model.fields.iter().filter(|f| flaggable(f.name)) {
        let mut help = if field.doc.is_empty() { field.name.to_string() } else { field.doc.into() };
        if field.required {
            help.push_str(" (required)");
        }
        if let Kind::List(_) = field.kind {
            help.push_str(" (comma-separated)");
        }
        cmd = cmd.arg(
            Arg::new(format!("{FIELD_PREFIX}{}", field.name))
                .long(flag_name(field.name))
                .value_name(field.kind.value_hint())
                .allow_hyphen_values(true)
                .action(ArgAction::Set)
                .help(help)
                .help_heading("Fields"),
        );
    }
    cmd
}

/// The filter the flags select, deserialised into the core's filter type (which rejects
/// unknown names and wrong types). Times given as RFC 3339 are turned into server-local
/// text when the server's zone is known.
pub fn filter_from<F: DeserializeOwned>(
    matches: &ArgMatches,
    filters: &'static ModelSpec,
    zone: Option<&zkbiotime::ServerZone>,
) -> Result<F> {
    let mut map = Map::new();
    for field in filters.fields {
        let id = format!("{FILTER_PREFIX}{}", field.name);
        let Some(text) = matches.try_get_one::<String>(&id).ok().flatten() else { continue };
        let text = match zone {
            Some(zone) if field.name.ends_with("_time") => server_time(zone, text)?,
            _ => text.clone(),
        };
        let flag = || format!("--{} {text:?}", flag_name(field.name));
        let value = field.kind.parse(&text).map_err(|e| Usage(format!("{}: {e}", flag())))?;
        // Each value on its own first, so the core's message names the flag.
        let one = Map::from_iter([(field.name.to_string(), value.clone())]);
        if let Err(e) = serde_json::from_value::<F>(Value::Object(one)) {
            bail!(Usage(format!("{}: {e}", flag())));
        }
        map.insert(field.name.to_string(), value);
    }
    serde_json::from_value(Value::Object(map))
        .map_err(|e| anyhow!(Usage(format!("bad filter: {e}"))))
}

/// `2024-06-01T08:00:00+02:00` → server-local text; server text passes unchanged.
fn server_time(zone: &zkbiotime::ServerZone, value: &str) -> Result<String> {
    if zkbiotime::parse_naive(value).is_ok() {
        return Ok(value.to_string());
    }
    let time = chrono::DateTime::parse_from_rfc3339(value.trim()).map_err(|_| {
        Usage(format!("{value:?} is neither `YYYY-MM-DD HH:MM:SS` nor an RFC 3339 time"))
    })?;
    Ok(zone.to_server_text(&time))
}

/// A request body from `--data` (JSON text, `@file`, or `-` for stdin), then the field
/// flags, then `--set KEY=VALUE`; later sources win. Deserialised into the core's body
/// type, which checks required fields and types.
pub fn body_from<B: zkbiotime::input::Body>(
    matches: &ArgMatches,
    model: &'static ModelSpec,
    data: Option<&str>,
    set: &[String],
) -> Result<B> {
    let mut body = match data {
        Some(data) => match read_data(data)? {
            Value::Object(map) => map,
            _ => bail!(Usage("--data must be a JSON object".into())),
        },
        None => Map::new(),
    };
    for field in model.fields.iter().filter(|f| flaggable(f.name)) {
        let id = format!("{FIELD_PREFIX}{}", field.name);
        if let Some(text) = matches.try_get_one::<String>(&id).ok().flatten() {
            let value = field
                .kind
                .parse(text)
                .map_err(|e| Usage(format!("--{}: {e}", flag_name(field.name))))?;
            body.insert(field.name.to_string(), value);
        }
    }
    for pair in set {
        let (key, text) = pair
            .split_once('=')
            .ok_or_else(|| Usage(format!("--set wants KEY=VALUE, got {pair:?}")))?;
        let value = match model.field(key) {
            Some(field) => {
                field.kind.parse(text).map_err(|e| Usage(format!("--set {key}: {e}")))?
            }
            None if model.has_extra => Value::String(text.to_string()),
            None => bail!(Usage(format!("{} has no field {key:?}", model.name))),
        };
        body.insert(key.to_string(), value);
    }
    let missing: Vec<&str> = model
        .fields
        .iter()
        .filter(|f| f.required && !body.contains_key(f.name))
        .map(|f| f.name)
        .collect();
    if !missing.is_empty() {
        let flags: Vec<String> = missing.iter().map(|n| format!("--{}", flag_name(n))).collect();
        bail!(Usage(format!("missing required field(s): {}", flags.join(", "))));
    }
    // Names the spec gives the body are its fields; the others are custom attributes. The
    // core checks both (`zkbiotime::input`), with the messages of every language.
    let (fields, extra): (Map<String, Value>, Map<String, Value>) =
        body.into_iter().partition(|(name, _)| model.field(name).is_some());
    zkbiotime::input::body(fields, extra).map_err(|e| anyhow!(Usage(e.detail().to_string())))
}

pub fn read_data(data: &str) -> Result<Value> {
    let text = if data == "-" {
        std::io::read_to_string(std::io::stdin()).context("reading --data from stdin")?
    } else if let Some(path) = data.strip_prefix('@') {
        std::fs::read_to_string(path)
            .map_err(|e| Usage(format!("cannot read --data file {path}: {e}")))?
    } else {
        data.to_string()
    };
    serde_json::from_str(&text).map_err(|e| anyhow!(Usage(format!("--data is not JSON: {e}"))))
}

/// Replaces every secret field (per the spec) with `***`, nested records included.
pub fn redact(model: &ModelSpec, value: &mut Value) {
    let Value::Object(map) = value else { return };
    for field in model.fields {
        if let Some(v) = map.get_mut(field.name) {
            redact_nested(&field.kind, v);
        }
    }
}

/// Redacts `value`, a field of kind `kind`: a secret becomes `***` (null stays null), a
/// nested record or list of records is redacted field by field.
pub fn redact_nested(kind: &Kind, value: &mut Value) {
    match kind {
        Kind::Secret if !value.is_null() => *value = Value::String("***".into()),
        Kind::Model(name) => redact(model_or_skip(name), value),
        Kind::List(Kind::Model(name)) => {
            if let Value::Array(items) = value {
                items.iter_mut().for_each(|i| redact(model_or_skip(name), i));
            }
        }
        _ => {}
    }
}

fn model_or_skip(name: &str) -> &'static ModelSpec {
    static EMPTY: ModelSpec =
        ModelSpec { name: "", has_extra: true, holds_secret: false, fields: &[] };
    MODELS.iter().copied().find(|m| m.name == name).unwrap_or(&EMPTY)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_parse_flag_text() {
        assert_eq!(Kind::Int.parse("7").unwrap(), Value::from(7));
        assert!(Kind::Int.parse("seven").is_err());
        assert_eq!(Kind::List(&Kind::Int).parse("1, 2").unwrap(), serde_json::json!([1, 2]));
        assert_eq!(Kind::List(&Kind::Int).parse("[3]").unwrap(), serde_json::json!([3]));
        assert_eq!(Kind::String.parse("007").unwrap(), Value::from("007"));
        assert_eq!(Kind::Bool.parse("yes").unwrap(), Value::from(true));
    }

    #[test]
    fn secrets_are_redacted() {
        let mut v = serde_json::json!({"id": 1, "emp_code": "1", "self_password": "pbkdf2$x"});
        redact(model("EmployeeWritten"), &mut v);
        assert_eq!(v["self_password"], "***");
        assert_eq!(v["emp_code"], "1");
    }

    #[test]
    fn filters_deserialise_through_the_core_types() {
        let employees = model("EmployeeFilter");
        let cmd = add_filter_args(Command::new("t"), employees);
        let m = cmd.try_get_matches_from(["t", "--department", "3", "--emp-code", "007"]).unwrap();
        let f: zkbiotime::EmployeeFilter = filter_from(&m, employees, None).unwrap();
        assert_eq!(f.department, Some(3));
        assert_eq!(f.emp_code.as_deref(), Some("007"));
        let cmd = add_filter_args(Command::new("t"), employees);
        let m = cmd.try_get_matches_from(["t", "--department", "x"]).unwrap();
        let bad = filter_from::<zkbiotime::EmployeeFilter>(&m, employees, None).unwrap_err();
        assert!(bad.to_string().contains("--department \"x\""), "{bad}");
        let punches = model("TransactionFilter");
        let cmd = add_filter_args(Command::new("t"), punches);
        let m = cmd.try_get_matches_from(["t", "--ordering", "-punch_time"]).unwrap();
        let f: zkbiotime::TransactionFilter = filter_from(&m, punches, None).unwrap();
        assert_eq!(f.ordering, Some(zkbiotime::types::TransactionOrdering::XpunchXtime));
    }

    #[test]
    fn enum_filters_offer_their_values() {
        let departments = model("DepartmentFilter");
        let cmd = add_filter_args(Command::new("t"), departments);
        let err = cmd.try_get_matches_from(["t", "--ordering", "budget"]).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("-dept_name") && text.contains("budget"), "{text}");
        let mut cmd = add_filter_args(Command::new("t"), departments);
        let help = cmd.render_long_help().to_string();
        assert!(help.contains("D80 docs") && help.contains("possible values"), "{help}");
    }

    #[test]
    fn rfc3339_filter_times_become_server_local() {
        let zone = zkbiotime::ServerZone::parse("Asia/Karachi").unwrap();
        assert_eq!(server_time(&zone, "2024-06-01T00:00:00Z").unwrap(), "2024-06-01 05:00:00");
        assert_eq!(server_time(&zone, "2024-06-01 08:00:00").unwrap(), "2024-06-01 08:00:00");
    }

    #[test]
    fn every_model_the_cli_names_exists() {
        for &resource in crate::resources::Resource::ALL {
            model(resource.record_model());
            model(resource.written_model());
            if let Some((create, update)) = resource.body_models() {
                model(create);
                model(update);
            }
            for &(_, body, _) in resource.actions() {
                model(body);
            }
        }
    }
}
