//! Translation between JS values and the core's types: records out (field by field, see the
//! generated module), request bodies and filters in (JSON-compatible objects deserialised
//! into the core's spec types, unknown names rejected before any request).

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use zkbiotime::{Client, ServerTime, ServerZone};

use crate::error::{BindingError, Result};

/// What a record conversion needs from the client: the server's zone, if known.
#[derive(Clone, Copy, Debug, Default)]
pub struct Cx {
    pub zone: Option<ServerZone>,
}

impl Cx {
    /// Server text → ISO 8601: with the zone's offset when the zone is known, without one
    /// otherwise. Text that is not a server time is passed on unchanged.
    pub fn iso(&self, text: &str) -> String {
        match ServerTime::read(text, self.zone.as_ref()) {
            Ok(ServerTime::Zoned(t)) => t.to_rfc3339(),
            Ok(ServerTime::Naive(t)) => {
                // By hand: `format("%Y-%m-%dT%H:%M:%S")` re-parses its pattern every call,
                // and this runs twice per punch.
                use chrono::{Datelike, Timelike};
                format!(
                    "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
                    t.year(),
                    t.month(),
                    t.day(),
                    t.hour(),
                    t.minute(),
                    t.second()
                )
            }
            Err(_) => text.to_string(),
        }
    }
}

/// A binding record built from a core value.
pub trait FromCore<T> {
    fn from_core(value: T, cx: &Cx) -> Self;
}

/// A page of records as JSON text, for one `JSON.parse` on the JS thread: V8 builds the
/// objects from text several times faster than napi sets them property by property, and
/// the text is made on a runtime thread. `None` for a record that holds a `Secret`, which
/// must reach JS as a `Secret` object (implemented by the generated module).
pub trait AsJson: Sized {
    fn json_array(items: &[Self]) -> Option<String>;
}

/// A request body of the spec (implemented by the generated module).
pub trait Input: DeserializeOwned {
    const NAME: &'static str;
    /// The keys the spec names; anything else must go in `extra`.
    const FIELDS: &'static [&'static str];
    /// Stores custom attributes; false when the body has no room for them.
    fn set_extra(&mut self, extra: Map<String, Value>) -> bool;
}

/// A JS object → a request body. `extra` holds custom attributes (sent as top-level keys);
/// any other key the spec does not name is an error, so a typo never reaches the server.
pub fn input<T: Input>(value: Value) -> Result<T> {
    let Value::Object(mut map) = value else {
        return Err(BindingError::invalid(format!("{} must be an object", T::NAME)));
    };
    let extra = match map.remove("extra") {
        None | Some(Value::Null) => Map::new(),
        Some(Value::Object(extra)) => extra,
        Some(_) => {
            return Err(BindingError::invalid(format!("{}.extra must be an object", T::NAME)));
        }
    };
    if let Some(unknown) = map.keys().find(|k| !T::FIELDS.contains(&k.as_str())) {
        return Err(BindingError::invalid(format!(
            "{} has no field `{unknown}` (known: {}; custom attributes go in `extra`)",
            T::NAME,
            T::FIELDS.join(", ")
        )));
    }
    if let Some(clash) = extra.keys().find(|k| T::FIELDS.contains(&k.as_str())) {
        return Err(BindingError::invalid(format!(
            "`{clash}` is a field of {}: set it directly, not in `extra`",
            T::NAME
        )));
    }
    let mut body: T = serde_json::from_value(Value::Object(map))
        .map_err(|e| BindingError::invalid(format!("{}: {e}", T::NAME)))?;
    if !body.set_extra(extra) {
        return Err(BindingError::invalid(format!("{} takes no custom attributes", T::NAME)));
    }
    Ok(body)
}

/// A JS object of filters → the core's filter type (unknown names rejected by serde).
///
/// Time bounds (`*_time`) may be ISO 8601 text with an offset (what the JS wrapper makes of
/// a `Date`): the client's server zone turns them into the server-local text filters take.
pub fn filter<F: DeserializeOwned>(value: Option<Value>, what: &str, client: &Client) -> Result<F> {
    let mut map = match value {
        None | Some(Value::Null) => Map::new(),
        Some(Value::Object(map)) => map,
        Some(_) => return Err(BindingError::invalid(format!("{what} filters must be an object"))),
    };
    map.retain(|_, v| !v.is_null());
    for (key, value) in map.iter_mut() {
        if let Value::String(text) = value
            && key.ends_with("_time")
            && let Ok(t) = chrono::DateTime::parse_from_rfc3339(text)
        {
            *text = client.to_server_text(&t)?;
        }
    }
    serde_json::from_value(Value::Object(map))
        .map_err(|e| BindingError::invalid(format!("{what} filters: {e}")))
}
