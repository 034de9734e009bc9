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
            Ok(ServerTime::Naive(t)) => naive_iso(&t),
            Err(_) => text.to_string(),
        }
    }
}

/// `YYYY-MM-DDTHH:MM:SS`, digit by digit: this runs for every time field of every punch,
/// and the `format!` it replaces was ~4% of a 200,000-punch pull's CPU (perf).
fn naive_iso(t: &chrono::NaiveDateTime) -> String {
    use chrono::{Datelike, Timelike};
    let year = t.year();
    if !(0..=9999).contains(&year) {
        return t.format("%Y-%m-%dT%H:%M:%S").to_string();
    }
    let mut out = String::with_capacity(19);
    let mut push = |value: u32, width: u32, sep: Option<char>| {
        for place in (0..width).rev() {
            out.push(char::from(b'0' + (value / 10u32.pow(place) % 10) as u8));
        }
        if let Some(sep) = sep {
            out.push(sep);
        }
    };
    push(year as u32, 4, Some('-'));
    push(t.month(), 2, Some('-'));
    push(t.day(), 2, Some('T'));
    push(t.hour(), 2, Some(':'));
    push(t.minute(), 2, Some(':'));
    push(t.second(), 2, None);
    out
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
