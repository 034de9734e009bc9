//! Request bodies and list filters from JSON-like maps: what every binding and the CLI hand
//! over (keyword arguments, JS objects, flags), checked once here so a mistake reads the same
//! in every language and never reaches the server: names the spec does not give a body are
//! refused (custom attributes go in `extra`), and filter times may be zone-aware.

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::error::{Error, Result};
use crate::timezone::ServerZone;

/// A request body of the spec (implemented by generated code, `generated/bodies.rs`).
pub trait Body: DeserializeOwned {
    /// The schema name (`EmployeeCreate`).
    const NAME: &'static str;
    /// The field names the spec gives it.
    const FIELDS: &'static [&'static str];
    /// Whether it takes custom attributes (`additionalProperties`, e.g. "Primary Job").
    const EXTRA: bool;
}

/// `fields` (API names; `null` means "leave out") and `extra` (custom attributes, sent as
/// top-level keys) as the body `T`.
pub fn body<T: Body>(fields: Map<String, Value>, extra: Map<String, Value>) -> Result<T> {
    if let Some(unknown) = fields.keys().find(|k| !T::FIELDS.contains(&k.as_str())) {
        let hint = if T::EXTRA { "; custom attributes go in `extra`" } else { "" };
        return Err(Error::invalid_argument(format!(
            "{} has no field `{unknown}` (known: {}){hint}",
            T::NAME,
            T::FIELDS.join(", ")
        )));
    }
    if !extra.is_empty() && !T::EXTRA {
        return Err(Error::invalid_argument(format!("{} takes no custom attributes", T::NAME)));
    }
    if let Some(clash) = extra.keys().find(|k| T::FIELDS.contains(&k.as_str())) {
        return Err(Error::invalid_argument(format!(
            "`{clash}` is a field of {}: set it directly, not in `extra`",
            T::NAME
        )));
    }
    let mut map: Map<String, Value> = fields.into_iter().filter(|(_, v)| !v.is_null()).collect();
    map.extend(extra);
    serde_json::from_value(Value::Object(map))
        .map_err(|e| Error::invalid_argument(format!("{}: {e}", T::NAME)))
}

/// `filters` (API names; `null` means "not set") as the list filter `F`. A `*_time` value
/// in RFC 3339 (`2024-06-01T08:00:00+02:00`, what a binding makes of a zone-aware time) is
/// turned into the server-local text filters take, with the server's `zone`.
pub fn filter<F: DeserializeOwned>(
    what: &str,
    filters: Map<String, Value>,
    zone: Option<&ServerZone>,
) -> Result<F> {
    let mut map: Map<String, Value> = filters.into_iter().filter(|(_, v)| !v.is_null()).collect();
    for (name, value) in map.iter_mut() {
        let Value::String(text) = value else { continue };
        if !name.ends_with("_time") || crate::timezone::parse_naive(text).is_ok() {
            continue;
        }
        if let Ok(time) = chrono::DateTime::parse_from_rfc3339(text.trim()) {
            let zone = zone.ok_or_else(|| {
                Error::invalid_argument(format!(
                    "{what} filter {name}: a zone-aware time needs the server's time zone \
                     (the client's timezone setting); or pass server-local text"
                ))
            })?;
            *text = zone.to_server_text(&time);
        }
    }
    serde_json::from_value(Value::Object(map.clone())).map_err(|e| {
        // Filters have no required names: the one that fails alone is the culprit.
        let culprit = map.iter().find(|(name, value)| {
            let one = Map::from_iter([((*name).clone(), (*value).clone())]);
            serde_json::from_value::<F>(Value::Object(one)).is_err()
        });
        match culprit {
            Some((name, _)) if !e.to_string().starts_with("unknown field") => {
                Error::invalid_argument(format!("{what} filter {name}: {e}"))
            }
            _ => Error::invalid_argument(format!("{what} filters: {e}")),
        }
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::types::{Credentials, EmployeeCreate};
    use crate::{ErrorKind, TransactionFilter};

    fn map(value: Value) -> Map<String, Value> {
        value.as_object().cloned().unwrap()
    }

    #[test]
    fn bodies_take_known_fields_and_custom_attributes() {
        let fields = map(json!({"emp_code": "7", "department": 1, "area": [1], "nickname": null}));
        let e: EmployeeCreate = body(fields, map(json!({"Primary Job": "Welder"}))).unwrap();
        assert_eq!((e.emp_code.as_str(), e.nickname.as_deref()), ("7", None));
        assert_eq!(e.extra["Primary Job"], "Welder");

        let detail = |r: Result<EmployeeCreate>| r.unwrap_err().detail().to_string();
        let typo = detail(body(map(json!({"emp_cod": "7"})), Map::new()));
        assert!(typo.contains("no field `emp_cod`") && typo.contains("`extra`"), "{typo}");
        let clash = detail(body(map(json!({"emp_code": "7"})), map(json!({"area": [1]}))));
        assert!(clash.contains("`area` is a field"), "{clash}");
        let wrong = detail(body(map(json!({"emp_code": 7, "department": "x"})), Map::new()));
        assert!(wrong.starts_with("EmployeeCreate:"), "{wrong}");
        let p: Result<Credentials> = body(map(json!({"username": "a"})), map(json!({"x": 1})));
        assert_eq!(p.unwrap_err().kind(), ErrorKind::InvalidArgument);
    }

    #[test]
    fn filters_convert_zoned_times_and_name_the_bad_one() {
        let zone = ServerZone::parse("Asia/Karachi").unwrap();
        let f: TransactionFilter = filter(
            "transactions",
            map(json!({"start_time": "2024-06-01T00:00:00Z", "end_time": "2024-06-02 00:00:00", "emp_code": null})),
            Some(&zone),
        )
        .unwrap();
        assert_eq!(f.start_time.as_deref(), Some("2024-06-01 05:00:00"));
        assert_eq!(f.end_time.as_deref(), Some("2024-06-02 00:00:00"));
        assert!(f.emp_code.is_none());
        let no_zone = filter::<TransactionFilter>(
            "transactions",
            map(json!({"start_time": "2024-06-01T00:00:00Z"})),
            None,
        );
        assert!(no_zone.unwrap_err().detail().contains("time zone"));
        let bad =
            filter::<TransactionFilter>("transactions", map(json!({"ordering": "sideways"})), None);
        assert!(bad.unwrap_err().detail().starts_with("transactions filter ordering:"));
        let unknown = filter::<TransactionFilter>("transactions", map(json!({"emp": "1"})), None);
        assert!(unknown.unwrap_err().detail().contains("unknown field `emp`"));
    }
}
