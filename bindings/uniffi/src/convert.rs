//! Helpers the generated `records.rs` calls: dates, custom attributes and the hand-over of
//! request bodies and filters to the core's types.

use std::collections::HashMap;

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::ZkbioError;

/// A record the caller builds (request body, filter), turned into the core's type. Fails
/// with `InvalidArgument` on text that is not what it should be (a date, JSON).
pub trait IntoCore {
    type Core;
    fn into_core(self) -> Result<Self::Core, ZkbioError>;
}

impl<T: IntoCore> IntoCore for Option<T> {
    type Core = Option<T::Core>;
    fn into_core(self) -> Result<Self::Core, ZkbioError> {
        self.map(IntoCore::into_core).transpose()
    }
}

pub fn date_out(date: chrono::NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

/// `at` names the field for the error (`EmployeeCreate.hire_date`).
pub fn date_in(at: &str, text: &str) -> Result<chrono::NaiveDate, ZkbioError> {
    chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| {
        ZkbioError::invalid_argument(format!("{at}: {text:?} is not a date (YYYY-MM-DD)"))
    })
}

/// Custom attributes → name to JSON text. JSON keeps what a plain string map would lose:
/// whether the server sent `42`, `"42"` or `null`.
pub fn extra_out(extra: serde_json::Map<String, serde_json::Value>) -> HashMap<String, String> {
    extra.into_iter().map(|(k, v)| (k, v.to_string())).collect()
}

pub fn extra_in(
    model: &str,
    extra: HashMap<String, String>,
) -> Result<serde_json::Map<String, serde_json::Value>, ZkbioError> {
    extra
        .into_iter()
        .map(|(name, text)| match serde_json::from_str(&text) {
            Ok(value) => Ok((name, value)),
            Err(_) => Err(ZkbioError::invalid_argument(format!(
                "{model}.extra[{name:?}]: {text:?} is not JSON text (a string needs quotes: \
                 \"\\\"Welder\\\"\")"
            ))),
        })
        .collect()
}

/// Small, cold values (filters) go to the core as JSON: the core's types reject names they
/// do not know, so a binding that drifted from the core fails loudly, not silently.
pub fn via_json<T: Serialize, C: DeserializeOwned>(name: &str, value: &T) -> Result<C, ZkbioError> {
    let json = serde_json::to_value(value)
        .map_err(|e| ZkbioError::invalid_argument(format!("{name}: {e}")))?;
    serde_json::from_value(json).map_err(|e| ZkbioError::invalid_argument(format!("{name}: {e}")))
}
