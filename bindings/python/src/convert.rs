//! Values across the boundary: Python keyword arguments → the core's spec types (through
//! JSON, the cold path, where serde's unknown-field and type checks come for free), core
//! values → Python objects (dates, zone-aware or naive datetimes, the `extra` map).

use pyo3::IntoPyObjectExt;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{
    PyBool, PyDate, PyDateTime, PyDict, PyFloat, PyInt, PyList, PyMapping, PyString, PyTuple,
};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use zkbiotime::ServerZone;
use zkbiotime::input::Body;

use crate::errors::{self, type_error, value_error};

/// The server's zone, when the client was told it: times become zone-aware.
pub type Zone = Option<ServerZone>;

/// A core record type and the Python class that wraps it (implemented by generated code).
pub trait Record: Sized + Send + 'static {
    type Class: for<'py> IntoPyObject<'py> + Send;
    fn wrap(self, zone: Zone) -> Self::Class;
}

/// Converts a core record into its Python object.
pub fn record_to_py<T: Record>(py: Python<'_>, value: T, zone: Zone) -> PyResult<Py<PyAny>> {
    value.wrap(zone).into_py_any(py)
}

/// An action's keywords with its positional list of ids (`reinstate([3, 4])`) put under the
/// body's one field (`ids`: the list given, if any, and the field, `resigns`).
pub fn with_ids<'py>(
    py: Python<'py>,
    ids: Option<(Option<&Bound<'py, PyAny>>, &str)>,
    fields: Option<&Bound<'py, PyDict>>,
) -> PyResult<Option<Bound<'py, PyDict>>> {
    let Some((Some(ids), field)) = ids else { return Ok(fields.cloned()) };
    let all = match fields {
        Some(f) => f.copy()?,
        None => PyDict::new(py),
    };
    if all.contains(field)? {
        return Err(type_error(format!("{field} given twice: as the list and as a keyword")));
    }
    all.set_item(field, ids)?;
    Ok(Some(all))
}

/// `**fields` → a request body. The core checks the names (`zkbiotime::input`): one the
/// spec does not know is refused before any request; custom attributes go in `extra={...}`.
/// `None` means "leave out".
pub fn body_from_kwargs<T: Body>(kwargs: Option<&Bound<'_, PyDict>>, zone: Zone) -> PyResult<T> {
    let mut fields = Map::new();
    let mut extra = Map::new();
    if let Some(kwargs) = kwargs {
        for (key, value) in kwargs.iter() {
            let key: String = key.extract()?;
            if key == "extra" && T::EXTRA {
                if value.is_none() {
                    continue;
                }
                let attributes = value.cast::<PyMapping>().map_err(|_| {
                    type_error("extra must be a mapping of attribute names to values")
                })?;
                for item in attributes.items()?.iter() {
                    let (name, value): (String, Bound<'_, PyAny>) = item.extract()?;
                    extra
                        .insert(name.clone(), to_json(&value, zone).map_err(|e| prefix(&name, e))?);
                }
                continue;
            }
            fields.insert(key.clone(), to_json(&value, zone).map_err(|e| prefix(&key, e))?);
        }
    }
    zkbiotime::input::body(fields, extra).map_err(input_error)
}

/// `**filters` → a list filter of the core, which checks the names.
pub fn filter_from_kwargs<F: DeserializeOwned>(
    what: &str,
    kwargs: Option<&Bound<'_, PyDict>>,
    zone: Zone,
) -> PyResult<F> {
    let mut map = Map::new();
    if let Some(kwargs) = kwargs {
        for (key, value) in kwargs.iter() {
            let key: String = key.extract()?;
            map.insert(key.clone(), to_json(&value, zone).map_err(|e| prefix(&key, e))?);
        }
    }
    zkbiotime::input::filter(what, map, zone.as_ref()).map_err(input_error)
}

/// The core's refusal of an argument: wrong names, missing or mistyped arguments are
/// TypeErrors, as for a Python call; other refusals its `InvalidArgumentError`.
fn input_error(e: zkbiotime::Error) -> PyErr {
    let detail = e.detail();
    let signature = ["has no field", "unknown field", "missing field", "invalid type"];
    if signature.iter().any(|s| detail.contains(s)) {
        type_error(detail.to_string())
    } else {
        Python::attach(|py| errors::core_error(py, &e))
    }
}

fn prefix(key: &str, e: PyErr) -> PyErr {
    Python::attach(|py| {
        let message = format!("{key}: {}", e.value(py));
        if e.is_instance_of::<PyTypeError>(py) { type_error(message) } else { value_error(message) }
    })
}

/// A Python value → JSON. Datetimes become server-local text (zone-aware ones converted to
/// the server's zone, which the client must then know), dates `YYYY-MM-DD`.
pub fn to_json(value: &Bound<'_, PyAny>, zone: Zone) -> PyResult<Value> {
    if value.is_none() {
        return Ok(Value::Null);
    }
    if let Ok(b) = value.cast::<PyBool>() {
        return Ok(Value::Bool(b.is_true()));
    }
    if value.is_instance_of::<PyInt>() {
        if let Ok(i) = value.extract::<i64>() {
            return Ok(Value::from(i));
        }
        return Err(value_error(format!("{value} does not fit in 64 bits")));
    }
    if let Ok(f) = value.cast::<PyFloat>() {
        let f = f.value();
        return serde_json::Number::from_f64(f)
            .map(Value::Number)
            .ok_or_else(|| value_error(format!("{f} is not a finite number")));
    }
    if let Ok(s) = value.cast::<PyString>() {
        return Ok(Value::String(s.to_cow()?.into_owned()));
    }
    if let Ok(dt) = value.cast::<PyDateTime>() {
        return datetime_to_server_text(dt, zone).map(Value::String);
    }
    if value.is_instance_of::<PyDate>() {
        return Ok(Value::String(value.call_method0("isoformat")?.extract()?));
    }
    if let Ok(d) = value.cast::<PyDict>() {
        let mut map = Map::new();
        for (k, v) in d.iter() {
            let k: String = k.extract().map_err(|_| type_error("mapping keys must be strings"))?;
            map.insert(k, to_json(&v, zone)?);
        }
        return Ok(Value::Object(map));
    }
    if value.is_instance_of::<PyList>() || value.is_instance_of::<PyTuple>() {
        let items: PyResult<Vec<Value>> =
            value.try_iter()?.map(|item| to_json(&item?, zone)).collect();
        return Ok(Value::Array(items?));
    }
    Err(type_error(format!(
        "cannot send a {} to the server",
        value.get_type().name().map(|n| n.to_string()).unwrap_or_default()
    )))
}

fn datetime_to_server_text(dt: &Bound<'_, PyDateTime>, zone: Zone) -> PyResult<String> {
    let aware = !dt.getattr("tzinfo")?.is_none() && !dt.call_method0("utcoffset")?.is_none();
    if !aware {
        // Naive: taken as server-local time already.
        return dt.call_method1("strftime", ("%Y-%m-%d %H:%M:%S",))?.extract();
    }
    let Some(zone) = zone else {
        return Err(value_error(
            "a zone-aware datetime needs the server's zone: create the client with timezone=...",
        ));
    };
    let iso: String = dt.call_method0("isoformat")?.extract()?;
    let parsed = chrono::DateTime::parse_from_rfc3339(&iso)
        .map_err(|e| value_error(format!("cannot read datetime {iso}: {e}")))?;
    Ok(zone.to_server_text(&parsed))
}

/// JSON (the `extra` map) → Python.
pub fn json_to_py<'py>(py: Python<'py>, value: &Value) -> PyResult<Bound<'py, PyAny>> {
    Ok(match value {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => b.into_bound_py_any(py)?,
        Value::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => i.into_bound_py_any(py)?,
            (None, Some(u)) => u.into_bound_py_any(py)?,
            _ => n.as_f64().unwrap_or(f64::NAN).into_bound_py_any(py)?,
        },
        Value::String(s) => s.into_bound_py_any(py)?,
        Value::Array(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(json_to_py(py, item)?)?;
            }
            list.into_any()
        }
        Value::Object(map) => json_map_to_py(py, map)?.into_any(),
    })
}

pub fn json_map_to_py<'py>(
    py: Python<'py>,
    map: &Map<String, Value>,
) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    for (k, v) in map {
        dict.set_item(k, json_to_py(py, v)?)?;
    }
    Ok(dict)
}

fn datetime<'py>(py: Python<'py>, zone: Zone, text: &str) -> PyResult<Bound<'py, PyAny>> {
    let core = |e: zkbiotime::Error| errors::core_error(py, &e);
    match zone {
        Some(zone) => zone.localize(text).map_err(core)?.into_bound_py_any(py),
        None => zkbiotime::parse_naive(text).map_err(core)?.into_bound_py_any(py),
    }
}

/// An optional server time: `None` when absent or not a time (the `_raw` text stays).
pub fn datetime_lenient<'py>(
    py: Python<'py>,
    zone: Zone,
    text: Option<&str>,
) -> PyResult<Option<Bound<'py, PyAny>>> {
    Ok(text.and_then(|t| datetime(py, zone, t).ok()))
}

/// For `to_dict`: the time when it reads as one, else the server's text as it came (a
/// number kept as text by the decoding policy, say), else `None`.
pub fn datetime_or_text<'py>(
    py: Python<'py>,
    zone: Zone,
    text: Option<&str>,
) -> PyResult<Bound<'py, PyAny>> {
    match text {
        None => Ok(py.None().into_bound(py)),
        Some(t) => match datetime(py, zone, t) {
            Ok(v) => Ok(v),
            Err(_) => t.into_bound_py_any(py),
        },
    }
}

/// A required server time: one that cannot be read is an `UnexpectedResponseError` (the
/// text stays readable in `<field>_raw` and `to_dict`).
pub fn datetime_strict<'py>(
    py: Python<'py>,
    zone: Zone,
    text: &str,
) -> PyResult<Bound<'py, PyAny>> {
    datetime(py, zone, text)
}

/// Adds `name=value` to a repr unless the value is `None`.
pub fn repr_part<'py, T: IntoPyObject<'py>>(
    py: Python<'py>,
    parts: &mut Vec<(&'static str, Bound<'py, PyAny>)>,
    name: &'static str,
    value: T,
) -> PyResult<()> {
    let value = value.into_bound_py_any(py)?;
    if !value.is_none() {
        parts.push((name, value));
    }
    Ok(())
}

pub fn repr(class: &str, parts: &[(&'static str, Bound<'_, PyAny>)]) -> PyResult<String> {
    let mut out = format!("{class}(");
    for (i, (name, value)) in parts.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(name);
        out.push('=');
        out.push_str(&value.repr()?.to_string());
    }
    out.push(')');
    Ok(out)
}

/// `text` as a Python string literal (for messages and reprs).
pub fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\\', "\\\\").replace('\'', "\\'"))
}
