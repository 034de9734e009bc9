//! The `zkbio` CLI's model table: every record and request-body schema with its fields and
//! their kinds, and every list's filters, as `const` data in
//! `crates/zkbiotime-cli/src/generated.rs`.
//!
//! The CLI derives from it the field flags of `create` / `update` (`--first-name`, `--area
//! 1,2`), the filter flags of `list` (`--ordering`, with its values), the CSV header of each
//! record type, and which fields are secrets to redact. A
//! field added to the spec becomes a flag and a column with `cargo xtask codegen`.

use std::fmt::Write;
use std::path::Path;

use anyhow::Result;
use openapiv3::{OpenAPI, SchemaKind, Type};

use crate::codegen::models::{FieldType, Role, models};
use crate::codegen::{Output, header};

pub fn outputs(root: &Path, spec: &OpenAPI) -> Result<Vec<Output>> {
    let dir = root.join("crates/zkbiotime-cli/src");
    let resources = crate::codegen::resources::resources(spec)?;
    Ok(vec![
        Output { path: dir.join("generated.rs"), contents: generate(spec)? },
        Output {
            path: dir.join("generated_resources.rs"),
            contents: crate::codegen::cli_resources::generate(&resources)?,
        },
    ])
}

fn generate(spec: &OpenAPI) -> Result<String> {
    let mut out = header("xtask bindings::cli");
    out.push_str(
        "//! Record and request-body schemas of the spec: field names, kinds and docs.\n\n\
         use crate::fields::{FieldSpec, Kind, ModelSpec};\n\n",
    );
    let all = models(spec)?;
    let enums = crate::codegen::models::enums(spec);
    let kind = |ty: &FieldType| kind(ty, &enums);
    let mut names = Vec::new();
    for model in all.iter().filter(|m| matches!(m.role, Role::Record | Role::Input)) {
        let listed = spec_required(spec, &model.name);
        let fields: Vec<Spec> = model
            .fields
            .iter()
            .map(|field| Spec {
                name: &field.name,
                kind: kind(&field.ty),
                // A list is never `optional` in the model (the core's `Vec`); a body must
                // still carry the lists its schema requires (`Reinstatement.resigns`, `area`).
                required: match field.ty {
                    FieldType::List(_) => model.role == Role::Input && listed.contains(&field.name),
                    _ => !field.optional,
                },
                doc: field.doc.as_deref(),
            })
            .collect();
        let flags = (model.has_extra, model.holds_secret(&all));
        names.push(write_model(&mut out, &model.name, flags, &fields)?);
    }
    // The filters of each list (the core's `*Filter` types): one flag each, typed and
    // documented from the list operation's query parameters.
    for op in crate::codegen::lists::list_operations(spec)? {
        let fields: Vec<Spec> = op
            .params
            .iter()
            .map(|p| Spec {
                name: &p.name,
                kind: kind(&p.ty),
                required: false,
                doc: p.description.as_deref(),
            })
            .collect();
        let name = format!("{}Filter", op.item_type);
        names.push(write_model(&mut out, &name, (false, false), &fields)?);
    }
    writeln!(out, "/// Every model above.")?;
    let refs: Vec<String> = names.iter().map(|n| format!("&{n}")).collect();
    writeln!(out, "pub const MODELS: &[&ModelSpec] = &[{}];", refs.join(", "))?;
    Ok(out)
}

/// One field of a `ModelSpec`, as written into the table.
struct Spec<'a> {
    name: &'a str,
    kind: String,
    required: bool,
    doc: Option<&'a str>,
}

/// Writes `pub const NAME: ModelSpec` and returns the constant's name.
fn write_model(
    out: &mut String,
    name: &str,
    (has_extra, holds_secret): (bool, bool),
    fields: &[Spec],
) -> Result<String> {
    let konst = const_name(name);
    writeln!(out, "pub const {konst}: ModelSpec = ModelSpec {{")?;
    writeln!(out, "    name: {name:?},")?;
    writeln!(out, "    has_extra: {has_extra},")?;
    writeln!(out, "    holds_secret: {holds_secret},")?;
    writeln!(out, "    fields: &[")?;
    for f in fields {
        let doc = f.doc.unwrap_or("").split_whitespace().collect::<Vec<_>>().join(" ");
        writeln!(
            out,
            "        FieldSpec {{ name: {:?}, kind: {}, required: {}, doc: {doc:?} }},",
            f.name, f.kind, f.required
        )?;
    }
    writeln!(out, "    ],\n}};\n")?;
    Ok(konst)
}

fn kind(ty: &FieldType, enums: &[(String, Vec<String>)]) -> String {
    match ty {
        FieldType::String => "Kind::String".into(),
        FieldType::Int => "Kind::Int".into(),
        FieldType::Float => "Kind::Float".into(),
        FieldType::Bool => "Kind::Bool".into(),
        FieldType::Date => "Kind::Date".into(),
        FieldType::DateTimeText => "Kind::DateTimeText".into(),
        FieldType::Secret => "Kind::Secret".into(),
        FieldType::Enum(name) => {
            let values = enums.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_slice());
            format!("Kind::Enum(&{:?})", values.unwrap_or_default())
        }
        FieldType::Model(name) => format!("Kind::Model({name:?})"),
        FieldType::List(inner) => format!("Kind::List(&{})", kind(inner, enums)),
    }
}

/// The `required` list of the object schema `name`.
fn spec_required(spec: &OpenAPI, name: &str) -> Vec<String> {
    let schema = spec.components.as_ref().and_then(|c| c.schemas.get(name)?.as_item());
    match schema.map(|s| &s.schema_kind) {
        Some(SchemaKind::Type(Type::Object(obj))) => obj.required.clone(),
        _ => Vec::new(),
    }
}

/// `EmployeeCreate` → `EMPLOYEE_CREATE`.
fn const_name(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(c.to_ascii_uppercase());
    }
    out
}
