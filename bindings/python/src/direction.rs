//! `zkbiotime.directions(punches, by=..., terminals=...)`: IN or OUT for each punch, decided
//! by the core (`zkbiotime::directions`). Python punches wrap core values, so they cross
//! back as cheap clones.

use std::collections::HashMap;

use pyo3::prelude::*;
use zkbiotime::{Direction, DirectionRule};

use crate::errors::{core_error, type_error};
use crate::generated::Transaction;

/// `"in"`, `"out"` or `None` (the rule cannot tell) for each punch, in order. `by`:
/// `"state"` (the punch state code), `"terminal"` (with `terminals`, serial number or alias
/// → `"in"`/`"out"`) or `"alternate"` (IN, OUT, ... per employee and day: pass whole days).
#[pyfunction]
#[pyo3(signature = (punches, by = "state", terminals = None))]
pub fn directions(
    py: Python<'_>,
    punches: &Bound<'_, PyAny>,
    by: &str,
    terminals: Option<HashMap<String, String>>,
) -> PyResult<Vec<Option<&'static str>>> {
    let mut map = HashMap::new();
    for (key, value) in terminals.unwrap_or_default() {
        let direction = Direction::parse(&value).map_err(|e| core_error(py, &e))?;
        map.insert(key, direction);
    }
    let rule = DirectionRule::from_name(by, map).map_err(|e| core_error(py, &e))?;
    let mut records = Vec::new();
    for item in punches.try_iter()? {
        let item = item?;
        let punch = item
            .cast::<Transaction>()
            .map_err(|_| type_error("directions takes Transaction records (punches)"))?;
        records.push(punch.get().inner.clone());
    }
    Ok(zkbiotime::directions(&records, &rule)
        .into_iter()
        .map(|d| d.map(Direction::as_str))
        .collect())
}
