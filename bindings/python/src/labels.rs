//! `zkbiotime.labels(record, field)`: what a field's codes mean (the spec's `x-labels`,
//! held by the core), e.g. `labels("Transaction", "punch_state")["0"] == "Check In"`.

use std::collections::BTreeMap;

use pyo3::prelude::*;

/// The codes of `record.field` with their labels; empty for a field without labels.
/// Records keep the code itself, so an unknown code is never lost.
#[pyfunction]
pub fn labels(record: &str, field: &str) -> BTreeMap<&'static str, &'static str> {
    zkbiotime::labels(record, field).into_iter().flatten().copied().collect()
}
