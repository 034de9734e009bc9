//! Request-body validation with Django REST framework's rules and messages.
//!
//! Each accessor returns `None` when the key is absent (and records "required" if needed),
//! `Some(None)` for an accepted null and `Some(Some(v))` for a value.

use serde_json::{Map, Value};

use crate::errors::ApiError;
use crate::json::Obj;

pub const REQUIRED: &str = "This field is required.";
pub const NOT_NULL: &str = "This field may not be null.";
pub const NOT_BLANK: &str = "This field may not be blank.";

pub struct Form<'a> {
    data: &'a Map<String, Value>,
    partial: bool,
    pub errors: Obj,
}

/// Python's name for a JSON value's type, as DRF puts it in messages.
pub fn py_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "NoneType",
        Value::Bool(_) => "bool",
        Value::Number(n) if n.is_f64() => "float",
        Value::Number(_) => "int",
        Value::String(_) => "str",
        Value::Array(_) => "list",
        Value::Object(_) => "dict",
    }
}

/// How a value prints in a DRF message (`str(value)` in Python).
fn py_str(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        Value::Null => "None".into(),
        other => other.to_string(),
    }
}

/// Parses an integer the way DRF's IntegerField does: ints, integral floats, numeric text.
pub fn parse_int(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => {
            n.as_i64().or_else(|| n.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64))
        }
        Value::String(s) => {
            let t = s.trim();
            let t = t.strip_suffix(".0").unwrap_or(t);
            t.parse().ok()
        }
        _ => None,
    }
}

/// Parses `YYYY-MM-DD` (Django also takes single-digit months and days).
pub fn parse_date(s: &str) -> Option<String> {
    let d = chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok()?;
    Some(d.format("%Y-%m-%d").to_string())
}

impl<'a> Form<'a> {
    pub fn new(data: &'a Map<String, Value>, partial: bool) -> Self {
        Form { data, partial, errors: Obj::new() }
    }

    pub fn error(&mut self, field: &str, msg: impl Into<String>) {
        self.errors.add_error(field, msg.into());
    }

    pub fn has_error(&self, field: &str) -> bool {
        self.errors.get(field).is_some()
    }

    pub fn finish(self) -> Result<(), ApiError> {
        if self.errors.is_empty() { Ok(()) } else { Err(ApiError::Validation(self.errors)) }
    }

    /// Absent / null handling shared by every field type.
    fn take(&mut self, name: &str, required: bool, null: bool) -> Option<Option<&'a Value>> {
        match self.data.get(name) {
            None => {
                if required && !self.partial {
                    self.error(name, REQUIRED);
                }
                None
            }
            Some(Value::Null) => {
                if null {
                    Some(None)
                } else {
                    self.error(name, NOT_NULL);
                    None
                }
            }
            Some(v) => Some(Some(v)),
        }
    }

    /// CharField: strings and numbers (numbers become text), whitespace trimmed.
    pub fn char(
        &mut self,
        name: &str,
        required: bool,
        null: bool,
        blank: bool,
    ) -> Option<Option<String>> {
        let v = self.take(name, required, null)?;
        let Some(v) = v else { return Some(None) };
        let s = match v {
            Value::String(s) => s.trim().to_string(),
            Value::Number(n) => n.to_string(),
            _ => {
                self.error(name, "Not a valid string.");
                return None;
            }
        };
        if s.is_empty() && !blank {
            self.error(name, NOT_BLANK);
            return None;
        }
        Some(Some(s))
    }

    /// IntegerField. `""` counts as null for nullable fields (loose clients send it).
    pub fn int(&mut self, name: &str, required: bool, null: bool) -> Option<Option<i64>> {
        let v = self.take(name, required, null)?;
        let Some(v) = v else { return Some(None) };
        if null && v.as_str().is_some_and(|s| s.trim().is_empty()) {
            return Some(None);
        }
        match parse_int(v) {
            Some(i) => Some(Some(i)),
            None => {
                self.error(name, "A valid integer is required.");
                None
            }
        }
    }

    /// BooleanField with Django's accepted spellings.
    pub fn boolean(&mut self, name: &str) -> Option<bool> {
        let v = self.take(name, false, false)??;
        let b = match v {
            Value::Bool(b) => Some(*b),
            Value::Number(n) => match n.as_i64() {
                Some(1) => Some(true),
                Some(0) => Some(false),
                _ => None,
            },
            Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
                "true" | "1" | "yes" | "on" | "t" | "y" => Some(true),
                "false" | "0" | "no" | "off" | "f" | "n" => Some(false),
                _ => None,
            },
            _ => None,
        };
        if b.is_none() {
            self.error(name, "Must be a valid boolean.");
        }
        b
    }

    /// DateField (`YYYY-MM-DD`); `""` counts as null for nullable fields.
    pub fn date(&mut self, name: &str, required: bool, null: bool) -> Option<Option<String>> {
        let v = self.take(name, required, null)?;
        let Some(v) = v else { return Some(None) };
        if null && v.as_str().is_some_and(|s| s.trim().is_empty()) {
            return Some(None);
        }
        match v.as_str().and_then(parse_date) {
            Some(d) => Some(Some(d)),
            None => {
                self.error(
                    name,
                    "Date has wrong format. Use one of these formats instead: YYYY-MM-DD.",
                );
                None
            }
        }
    }

    /// ChoiceField over string choices; `""` is kept when `blank`.
    pub fn choice(
        &mut self,
        name: &str,
        choices: &[&str],
        null: bool,
        blank: bool,
    ) -> Option<Option<String>> {
        let v = self.take(name, false, null)?;
        let Some(v) = v else { return Some(None) };
        let s = py_str(v);
        if (blank && s.is_empty()) || choices.contains(&s.as_str()) {
            Some(Some(s))
        } else {
            self.error(name, format!("\"{s}\" is not a valid choice."));
            None
        }
    }

    /// PrimaryKeyRelatedField; `exists` looks the id up.
    pub fn pk(
        &mut self,
        name: &str,
        required: bool,
        null: bool,
        exists: &mut dyn FnMut(i64) -> bool,
    ) -> Option<Option<i64>> {
        let v = self.take(name, required, null)?;
        let Some(v) = v else { return Some(None) };
        if null && v.as_str().is_some_and(|s| s.is_empty()) {
            return Some(None);
        }
        match self.check_pk(v, exists) {
            Ok(id) => Some(Some(id)),
            Err(msg) => {
                self.error(name, msg);
                None
            }
        }
    }

    /// ManyRelatedField of primary keys.
    pub fn pk_list(
        &mut self,
        name: &str,
        required: bool,
        allow_empty: bool,
        exists: &mut dyn FnMut(i64) -> bool,
    ) -> Option<Vec<i64>> {
        let v = self.take(name, required, false)??;
        let items: Vec<&Value> = match v {
            Value::Array(a) => a.iter().collect(),
            other => {
                self.error(
                    name,
                    format!("Expected a list of items but got type \"{}\".", py_type(other)),
                );
                return None;
            }
        };
        if items.is_empty() && !allow_empty {
            self.error(name, "This list may not be empty.");
            return None;
        }
        let mut ids = Vec::with_capacity(items.len());
        for item in items {
            match self.check_pk(item, exists) {
                Ok(id) => {
                    if !ids.contains(&id) {
                        ids.push(id);
                    }
                }
                Err(msg) => {
                    self.error(name, msg);
                    return None;
                }
            }
        }
        Some(ids)
    }

    fn check_pk(&self, v: &Value, exists: &mut dyn FnMut(i64) -> bool) -> Result<i64, String> {
        let incorrect = || format!("Incorrect type. Expected pk value, received {}.", py_type(v));
        let id = match v {
            Value::Bool(_) | Value::Array(_) | Value::Object(_) | Value::Null => {
                return Err(incorrect());
            }
            other => parse_int(other).ok_or_else(incorrect)?,
        };
        if exists(id) {
            Ok(id)
        } else {
            Err(format!("Invalid pk \"{}\" - object does not exist.", py_str(v)))
        }
    }
}
