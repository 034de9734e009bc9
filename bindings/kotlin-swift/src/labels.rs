//! `labels(record, field)`: what a field's codes mean (the spec's `x-labels`, held by the
//! core), e.g. `labels("Transaction", "punch_state")["0"] == "Check In"`.

use std::collections::HashMap;

/// The codes of `record.field` with their labels; empty for a field without labels. Records
/// keep the code itself, so an unknown code is never lost.
#[uniffi::export]
pub fn labels(record: String, field: String) -> HashMap<String, String> {
    let pairs = zkbiotime::labels(&record, &field).into_iter().flatten();
    pairs.map(|(code, label)| (code.to_string(), label.to_string())).collect()
}
