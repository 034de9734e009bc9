//! `crates/zkbiotime/src/generated/labels.rs`: the spec's `x-labels` as one table.

use anyhow::Result;

use crate::codegen::header;

/// `crates/zkbiotime/src/generated/labels.rs`: what the codes of `x-labels` fields mean
/// (`punch_state` "0" is "Check In"), as one table every binding exposes.
pub fn generate(spec: &openapiv3::OpenAPI) -> Result<String> {
    use std::fmt::Write as _;
    let mut out = header("xtask codegen labels");
    out.push_str(
        "//! What the codes of some fields mean, from the spec's `x-labels`.\n\n\
         /// (record type, field, [(code, label)]) for every field with labels in the spec.\n\
         pub const LABELS: &[(&str, &str, &[(&str, &str)])] = &[\n",
    );
    for model in crate::codegen::models::models(spec)? {
        for field in model.fields.iter().filter(|f| !f.labels.is_empty()) {
            let mut labels = field.labels.clone();
            labels.sort_by_key(|(code, _)| (code.parse::<i64>().unwrap_or(i64::MAX), code.clone()));
            let pairs: Vec<String> =
                labels.iter().map(|(c, l)| format!("({c:?}, {l:?})")).collect();
            writeln!(out, "    ({:?}, {:?}, &[{}]),", model.name, field.name, pairs.join(", "))?;
        }
    }
    out.push_str("];\n");
    Ok(out)
}
