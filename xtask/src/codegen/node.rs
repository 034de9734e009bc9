//! The Node binding's generated files (`bindings/node`, napi-rs).
//!
//! Generated from the model list (`crate::codegen::models`, ADR 0001):
//! - `bindings/node/src/generated.rs`: one `#[napi(object)]` struct per record schema, built
//!   field by field from `zkbiotime::types::*` (request bodies are checked by the core:
//!   `zkbiotime::input`). For a record with no secret
//!   in it, also its `json_rows`: each core value as a JSON array of its values in a fixed
//!   order, so a page of them crosses to JS as text for `JSON.parse` (nested records inside
//!   a row are keyed objects, `{Name}Json`).
//! - `bindings/node/lib/rows.generated.js`: the JS constructor per such record (prototype
//!   `Object.prototype`: records are plain objects) that puts a row's values under the keys
//!   `from_core` gives the napi object, in the spec's order (`null` options left out, as
//!   napi leaves `None` out).
//! - `bindings/node/generated.d.ts`: the TypeScript interfaces of records, request bodies,
//!   list filters and string enums, re-exported by the hand-written `index.d.ts`.
//!
//! Writing the record part of the `.d.ts` here (instead of asking napi-derive for type
//! definitions) means no second build with `TYPE_DEF_TMP_PATH`, and the public types are
//! those of the JS wrapper (API field names, ISO times, `extra`), not the addon's.
//!
//! Time mapping (documented in bindings/node/README.md): a `*_time` field holds ISO 8601
//! text (with the server's offset when the client knows its zone) and `*_raw` the server's
//! own text; a `date` is `YYYY-MM-DD` text; a secret is a `Secret` object that prints `***`.

use std::collections::BTreeSet;
use std::fmt::Write;
use std::path::Path;

use anyhow::Result;
use openapiv3::OpenAPI;

use crate::codegen::models::{Field, FieldType, Model, Role, enums, models};
use crate::codegen::{Output, header, node_options, node_resources};

pub fn outputs(root: &Path, spec: &OpenAPI) -> Result<Vec<Output>> {
    let dir = root.join("bindings/node");
    let resources = crate::codegen::resources::resources(spec)?;
    let rust = rust_module(spec)? + &node_resources::rust(&resources)?;
    let settings = crate::codegen::settings::settings(root)?;
    let ts = typescript(spec)?
        + &node_resources::typescript(&resources)?
        + &node_options::typescript(&settings)?;
    Ok(vec![
        Output { path: dir.join("src/generated.rs"), contents: rust },
        Output { path: dir.join("generated.d.ts"), contents: ts },
        Output {
            path: dir.join("lib/options.generated.js"),
            contents: node_options::javascript(&settings)?,
        },
        Output { path: dir.join("lib/rows.generated.js"), contents: row_decoders(spec)? },
        Output {
            path: dir.join("lib/resources.generated.js"),
            contents: node_resources::javascript(&resources)?,
        },
    ])
}

// ---------------------------------------------------------------------------------------
// Rust: napi objects and conversions

fn rust_module(spec: &OpenAPI) -> Result<String> {
    let models = models(spec)?;
    let mut out = header("xtask bindings::node");
    out.push_str(
        "//! Records of the Node binding as napi objects, converted field by field from the\n\
         //! core's spec types, and the field names of every request body.\n\n\
         use napi_derive::napi;\n\
         use zkbiotime::types;\n\n\
         use crate::convert::{AsJson, Cx, DisplayJson, FromCore, IsoJson, JsonRows, JsonSeq, Ser};\n\
         use crate::secret::Secret;\n\n",
    );
    let crossing = crossings(&models);
    for model in models.iter().filter(|m| m.role == Role::Record) {
        write_record(&mut out, model, crossing(model))?;
    }
    Ok(out)
}

fn write_rust_doc(out: &mut String, indent: &str, doc: Option<&str>) -> Result<()> {
    if let Some(doc) = doc {
        for line in doc.trim().lines() {
            writeln!(out, "{indent}/// {}", line.trim_end())?;
        }
    }
    Ok(())
}

fn write_record(out: &mut String, model: &Model, crossing: Crossing) -> Result<()> {
    let name = &model.name;
    write_rust_doc(out, "", model.doc.as_deref())?;
    writeln!(out, "#[napi(object, object_from_js = false)]")?;
    writeln!(out, "pub struct {name} {{")?;
    for field in &model.fields {
        write_rust_doc(out, "    ", field.doc.as_deref())?;
        let ty = rust_type(&field.ty);
        let ty = if field.optional { format!("Option<{ty}>") } else { ty };
        writeln!(out, "    #[napi(js_name = {:?})]", field.name)?;
        writeln!(out, "    pub {}: {ty},", field.name)?;
        if field.ty == FieldType::DateTimeText {
            let raw = format!("{}_raw", field.name);
            writeln!(out, "    /// The server's own text of `{}`.", field.name)?;
            writeln!(out, "    #[napi(js_name = {raw:?})]")?;
            let ty = if field.optional { "Option<String>" } else { "String" };
            writeln!(out, "    pub {raw}: {ty},")?;
        }
    }
    if model.has_extra {
        writeln!(out, "    /// Keys the spec does not name (site-specific custom attributes).")?;
        writeln!(out, "    pub extra: serde_json::Map<String, serde_json::Value>,")?;
    }
    writeln!(out, "}}\n")?;

    writeln!(out, "impl FromCore<types::{name}> for {name} {{")?;
    let used = if model.fields.iter().any(|f| needs_cx(&f.ty)) { "cx" } else { "_cx" };
    writeln!(out, "    fn from_core(v: types::{name}, {used}: &Cx) -> Self {{")?;
    writeln!(out, "        Self {{")?;
    for field in &model.fields {
        let f = &field.name;
        if field.ty == FieldType::DateTimeText {
            if field.optional {
                writeln!(out, "            {f}: v.{f}.as_deref().map(|t| cx.iso(t)),")?;
            } else {
                writeln!(out, "            {f}: cx.iso(&v.{f}),")?;
            }
            let raw = if field.optional { "map(Into::into)" } else { "into()" };
            writeln!(out, "            {f}_raw: v.{f}.{raw},")?;
            continue;
        }
        let value = if field.optional {
            match convert("x", &field.ty) {
                c if c == "x" => format!("v.{f}"),
                c => format!("v.{f}.map(|x| {c})"),
            }
        } else {
            convert(&format!("v.{f}"), &field.ty)
        };
        writeln!(out, "            {f}: {value},")?;
    }
    if model.has_extra {
        writeln!(out, "            extra: v.extra,")?;
    }
    writeln!(out, "        }}\n    }}\n}}\n")?;

    write_json_view(out, model, crossing)
}

/// How records of a schema reach JS.
#[derive(Clone, Copy, PartialEq)]
enum Crossing {
    /// Holds a `Secret` (itself or nested): napi objects only, never text.
    Napi,
    /// Only ever inside another record: written into its row as a keyed `{Name}Json`.
    Nested,
    /// Pages, sync batches and single records: JSON rows (`json_rows`) and `lib/rows.generated.js`.
    Rows,
}

/// How each record of `models` crosses: the one rule both the Rust module and `lib/rows.generated.js`
/// follow.
fn crossings(models: &[Model]) -> impl Fn(&Model) -> Crossing + '_ {
    let nested = nested_models(models);
    move |model| match (model.holds_secret(models), nested.contains(&model.name)) {
        (true, _) => Crossing::Napi,
        (false, true) => Crossing::Nested,
        (false, false) => Crossing::Rows,
    }
}

/// The schemas other records hold (directly or in a list; page envelopes do not count).
fn nested_models(models: &[Model]) -> BTreeSet<String> {
    fn named(ty: &FieldType) -> Option<&str> {
        match ty {
            FieldType::Model(name) => Some(name),
            FieldType::List(inner) => named(inner),
            _ => None,
        }
    }
    let records = models.iter().filter(|m| m.role == Role::Record);
    let fields = records.flat_map(|m| &m.fields);
    fields.filter_map(|f| named(&f.ty)).map(str::to_string).collect()
}

/// The record's `AsJson` and the serialisation view its crossing needs: `json_rows` for
/// rows; for a nested record `{Name}Json`, a keyed JSON object with the keys and values the
/// napi object above gets from `from_core` (`None` left out, as napi leaves it out).
fn write_json_view(out: &mut String, model: &Model, crossing: Crossing) -> Result<()> {
    let name = &model.name;
    writeln!(out, "impl AsJson for types::{name} {{")?;
    let why_none = match crossing {
        Crossing::Rows => return write_rows(out, model),
        Crossing::Napi => "Holds a `Secret`: crosses as napi objects only.".to_string(),
        Crossing::Nested => format!("Only ever inside another record (as `{name}Json`)."),
    };
    writeln!(out, "    /// {why_none}")?;
    writeln!(out, "    fn json_rows(_: &[Self], _: &Cx) -> Option<JsonRows> {{")?;
    writeln!(out, "        None\n    }}\n}}\n")?;
    if crossing == Crossing::Napi {
        return Ok(());
    }
    write_json_head(out, model)?;
    writeln!(out, "        let mut m = s.serialize_map(None)?;")?;
    for (key, field) in row_slots(model) {
        let (f, view) = (&field.name, slot_view(&key, field, json_value));
        if field.optional {
            writeln!(out, "        if let Some(x) = &v.{f} {{")?;
            writeln!(out, "            m.serialize_entry({key:?}, &{view})?;")?;
            writeln!(out, "        }}")?;
        } else {
            writeln!(out, "        let x = &v.{f};")?;
            writeln!(out, "        m.serialize_entry({key:?}, &{view})?;")?;
        }
    }
    if model.has_extra {
        writeln!(out, "        m.serialize_entry(\"extra\", &v.extra)?;")?;
    }
    writeln!(out, "        m.end()\n    }}\n}}\n")?;
    Ok(())
}

/// The start of the serialisation view `{Name}Json` of a core record, up to the body of
/// `serialize` with the record as `v` (and `cx`, when a field needs it) in scope.
fn write_json_head(out: &mut String, model: &Model) -> Result<()> {
    let name = &model.name;
    writeln!(out, "pub struct {name}Json<'a>(pub &'a types::{name}, pub &'a Cx);\n")?;
    writeln!(out, "impl serde::Serialize for {name}Json<'_> {{")?;
    writeln!(
        out,
        "    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {{"
    )?;
    writeln!(out, "        use serde::ser::SerializeMap;")?;
    let used = if model.fields.iter().any(|f| needs_cx(&f.ty)) { "cx" } else { "_cx" };
    writeln!(out, "        let (v, {used}) = (self.0, self.1);")?;
    Ok(())
}

/// The JS keys of one record in order (each field, then its `_raw` text for a time; `extra`
/// follows them in a record and leads a row): the order of a row, and of the keyed
/// `{Name}Json` view. `row_decoders` writes the JS side of the same order.
fn row_slots(model: &Model) -> Vec<(String, &Field)> {
    let mut slots = Vec::new();
    for field in &model.fields {
        slots.push((field.name.clone(), field));
        if field.ty == FieldType::DateTimeText {
            slots.push((format!("{}_raw", field.name), field));
        }
    }
    slots
}

/// What slot `key` of `field` writes for the field's value bound to `x`: `view` of it (the
/// keyed view's `json_value` or a row's `row_value`); a `_raw` slot is the server's own text,
/// the core value as it is.
fn slot_view(key: &str, field: &Field, view: fn(&str, &FieldType) -> String) -> String {
    if key == field.name { view("x", &field.ty) } else { "x".to_string() }
}

/// `json_rows` of a record that crosses as rows: each a JSON array of `extra` (when the record
/// has it) and then its values in `row_slots` order (`None` as `null`), each value as
/// `{Name}Json` writes it. Half the text of keyed objects, and V8 parses arrays and fills
/// objects of one shape (`lib/rows.generated.js`) faster than it parses keys. `extra` comes
/// first so that the options a version does not send end the row, where `RowsBuilder` drops
/// them. Values are written by `convert::RowValue`, text and numbers without serde.
fn write_rows(out: &mut String, model: &Model) -> Result<()> {
    let name = &model.name;
    let cx = if model.fields.iter().any(|f| needs_cx(&f.ty)) { "cx" } else { "_cx" };
    writeln!(out, "    fn json_rows(items: &[Self], {cx}: &Cx) -> Option<JsonRows> {{")?;
    writeln!(out, "        JsonRows::new({name:?}, items, |v, row| {{")?;
    if model.has_extra {
        writeln!(out, "            row.put(&v.extra)?;")?;
    }
    for (key, field) in &row_slots(model) {
        let (f, view) = (&field.name, slot_view(key, field, row_value));
        if view == "x" {
            writeln!(out, "            row.put(&v.{f})?;")?;
        } else if field.optional {
            writeln!(out, "            row.put(&v.{f}.as_ref().map(|x| {view}))?;")?;
        } else {
            writeln!(out, "            let x = &v.{f};")?;
            writeln!(out, "            row.put(&{view})?;")?;
        }
    }
    writeln!(out, "            Ok(())")?;
    writeln!(out, "        }})\n    }}\n}}\n")?;
    Ok(())
}

/// The row value of core value `expr` (a reference): itself where `RowValue` writes it (text,
/// numbers, flags and lists of them), else its `{Name}Json` view through serde.
fn row_value(expr: &str, ty: &FieldType) -> String {
    match ty {
        FieldType::String | FieldType::Int | FieldType::Float | FieldType::Bool => expr.into(),
        FieldType::DateTimeText => format!("IsoJson({expr}, cx)"),
        FieldType::List(inner) if row_value("y", inner) == "y" => expr.into(),
        _ => format!("Ser({})", json_value(expr, ty)),
    }
}

/// `lib/rows.generated.js`: for each record type that crosses as rows, a constructor that makes one
/// JSON row a record: the keys `from_core` gives the napi object, in the spec's order,
/// and no key for a `null` option (napi leaves `None` out too). Constructors rather than
/// object literals: V8 sizes a constructor's objects for all its properties up front, where a
/// literal grows a side store key by key (a 200k-punch pull: -8% wall, -6% CPU).
fn row_decoders(spec: &OpenAPI) -> Result<String> {
    let models = models(spec)?;
    let mut out = header("xtask bindings::node");
    out.push_str(
        "'use strict';\n\
         // A page of records crosses from the addon as JSON rows (arrays of values in a fixed\n\
         // order, `extra` first, `null` for an absent option, and no trailing `null`s: a slot\n\
         // past the end reads `undefined`, the same as `null` here); these constructors make\n\
         // them records, with the keys in the spec's order and `extra` last. Each prototype is\n\
         // `Object.prototype`, so a record is a plain object like any other.\n\n",
    );
    let crossing = crossings(&models);
    let rows = |m: &&Model| m.role == Role::Record && crossing(m) == Crossing::Rows;
    let mut names = Vec::new();
    for model in models.iter().filter(rows) {
        writeln!(out, "function {}(r) {{", model.name)?;
        let first = usize::from(model.has_extra);
        for (i, (key, field)) in row_slots(model).iter().enumerate() {
            let i = i + first;
            if field.optional {
                writeln!(out, "  if (r[{i}] != null) this.{key} = r[{i}];")?;
            } else {
                writeln!(out, "  this.{key} = r[{i}] ?? null;")?;
            }
        }
        if model.has_extra {
            writeln!(out, "  this.extra = r[0];")?;
        }
        writeln!(out, "}}\n{}.prototype = Object.prototype;\n", model.name)?;
        names.push(model.name.clone());
    }
    writeln!(out, "const records = {{ {} }};\n", names.join(", "))?;
    out.push_str(
        "/** `parts` (arrays of parsed JSON rows of record type `model`) as one array of records. */\n\
         function decodeRows(model, parts) {\n  \
         const Record = records[model];\n  \
         const all = [];\n  \
         for (const rows of parts) {\n    \
         for (let i = 0; i < rows.length; i++) all.push(new Record(rows[i]));\n  \
         }\n  \
         return all;\n\
         }\n\n\
         module.exports = { decodeRows };\n",
    );
    Ok(out)
}

/// The serialisable view of core value `expr` (a reference) matching `convert`.
fn json_value(expr: &str, ty: &FieldType) -> String {
    match ty {
        FieldType::String | FieldType::Int | FieldType::Float | FieldType::Bool => expr.into(),
        // `to_string()` in `convert`: the same text through `Display`.
        FieldType::Date | FieldType::Enum(_) => format!("DisplayJson({expr})"),
        FieldType::DateTimeText => format!("IsoJson({expr}, cx)"),
        FieldType::Secret => unreachable!("records with secrets have no JSON view"),
        FieldType::Model(name) => format!("{name}Json({expr}, cx)"),
        FieldType::List(inner) => match json_value("y", inner) {
            each if each == "y" => expr.into(),
            each => format!("JsonSeq({expr}, |y| {each})"),
        },
    }
}

fn rust_type(ty: &FieldType) -> String {
    match ty {
        FieldType::String | FieldType::Date | FieldType::DateTimeText | FieldType::Enum(_) => {
            "String".into()
        }
        FieldType::Int => "i64".into(),
        FieldType::Float => "f64".into(),
        FieldType::Bool => "bool".into(),
        FieldType::Secret => "Secret".into(),
        FieldType::Model(name) => name.clone(),
        FieldType::List(inner) => format!("Vec<{}>", rust_type(inner)),
    }
}

fn needs_cx(ty: &FieldType) -> bool {
    match ty {
        FieldType::DateTimeText | FieldType::Model(_) => true,
        FieldType::List(inner) => needs_cx(inner),
        _ => false,
    }
}

/// The expression turning the core value `expr` into the binding's value (record text is
/// the core's `Text`).
fn convert(expr: &str, ty: &FieldType) -> String {
    match ty {
        FieldType::String => format!("{expr}.into()"),
        FieldType::Int | FieldType::Float | FieldType::Bool => expr.into(),
        FieldType::Date | FieldType::Enum(_) => format!("{expr}.to_string()"),
        FieldType::DateTimeText => format!("cx.iso(&{expr})"),
        FieldType::Secret => format!("Secret::from({expr})"),
        FieldType::Model(name) => format!("{name}::from_core({expr}, cx)"),
        FieldType::List(inner) => {
            let each = convert("x", inner);
            if each == "x" {
                expr.into()
            } else {
                format!("{expr}.into_iter().map(|x| {each}).collect()")
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// TypeScript: records, request bodies, filters, enums

const TS_PRELUDE: &str = r#"/** Any JSON value: what a custom attribute (`extra`) can hold. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * A server time as ISO 8601 text: `2024-06-26T15:36:22+05:00` when the client was given the
 * server's `timezone` (then `new Date(t)` is exact), `2024-06-26T15:36:22` (local to the
 * server, no offset) when it was not. The server's own text is in the `*_raw` field beside it.
 */
export type IsoDateTime = string;

/** A calendar date, `YYYY-MM-DD`. */
export type IsoDate = string;

/** A secret (password hash): prints as `***`; `expose()` returns the value. */
export interface Secret {
  expose(): string;
  toString(): string;
  toJSON(): string;
}
"#;

fn typescript(spec: &OpenAPI) -> Result<String> {
    let models = models(spec)?;
    let mut out = header("xtask bindings::node");
    out.push_str(TS_PRELUDE);
    for (name, values) in enums(spec) {
        let values: Vec<String> = values.iter().map(|v| format!("{v:?}")).collect();
        writeln!(out, "\nexport type {name} = {};", values.join(" | "))?;
    }
    for model in &models {
        match model.role {
            Role::Record => write_ts_model(&mut out, model, false)?,
            Role::Input if model.name != "Credentials" => write_ts_model(&mut out, model, true)?,
            _ => {}
        }
    }
    for filter in list_filters(spec)? {
        writeln!(out)?;
        write_ts_doc(&mut out, "", Some(&filter.doc))?;
        writeln!(out, "export interface {} {{", filter.name)?;
        for (name, ty, doc) in &filter.params {
            write_ts_doc(&mut out, "  ", doc.as_deref())?;
            writeln!(out, "  {name}?: {ty};")?;
        }
        writeln!(out, "}}")?;
    }
    Ok(out)
}

fn write_ts_doc(out: &mut String, indent: &str, doc: Option<&str>) -> Result<()> {
    let Some(doc) = doc.map(str::trim).filter(|d| !d.is_empty()) else { return Ok(()) };
    let doc = doc.replace("*/", "*\\/");
    writeln!(out, "{indent}/**")?;
    for line in doc.lines() {
        writeln!(out, "{indent} * {}", line.trim_end())?;
    }
    writeln!(out, "{indent} */")?;
    Ok(())
}

fn write_ts_model(out: &mut String, model: &Model, input: bool) -> Result<()> {
    writeln!(out)?;
    write_ts_doc(out, "", model.doc.as_deref())?;
    writeln!(out, "export interface {} {{", model.name)?;
    for field in &model.fields {
        write_ts_field(out, field, input)?;
    }
    if model.has_extra {
        write_ts_doc(
            out,
            "  ",
            Some(if input {
                "Custom attributes by name (e.g. \"Primary Job\"), sent as top-level keys."
            } else {
                "Keys the spec does not name (site-specific custom attributes)."
            }),
        )?;
        let opt = if input { "?" } else { "" };
        writeln!(out, "  extra{opt}: Record<string, JsonValue>;")?;
    }
    writeln!(out, "}}")?;
    Ok(())
}

fn write_ts_field(out: &mut String, field: &Field, input: bool) -> Result<()> {
    write_ts_doc(out, "  ", field.doc.as_deref())?;
    // Request bodies: arrays may be left out (the core sends them empty).
    let optional = field.optional || (input && matches!(field.ty, FieldType::List(_)));
    let opt = if optional { "?" } else { "" };
    writeln!(out, "  {}{opt}: {};", field.name, ts_type(&field.ty, input))?;
    if field.ty == FieldType::DateTimeText && !input {
        writeln!(out, "  /** The server's own text of `{}`. */", field.name)?;
        writeln!(out, "  {}_raw{opt}: string;", field.name)?;
    }
    Ok(())
}

fn ts_type(ty: &FieldType, input: bool) -> String {
    match ty {
        FieldType::String => "string".into(),
        FieldType::Int | FieldType::Float => "number".into(),
        FieldType::Bool => "boolean".into(),
        FieldType::Date => "IsoDate".into(),
        FieldType::DateTimeText if input => "string".into(),
        FieldType::DateTimeText => "IsoDateTime".into(),
        FieldType::Secret if input => "string".into(),
        FieldType::Secret => "Secret".into(),
        FieldType::Enum(name) | FieldType::Model(name) => name.clone(),
        FieldType::List(inner) => match **inner {
            FieldType::List(_) => format!("Array<{}>", ts_type(inner, input)),
            _ => format!("{}[]", ts_type(inner, input)),
        },
    }
}

struct ListFilter {
    name: String,
    doc: String,
    /// (name, TypeScript type, description)
    params: Vec<(String, String, Option<String>)>,
}

/// The filters of every list operation, from the walk the core's filter structs come from
/// (`crate::codegen::lists`), with their TypeScript types.
fn list_filters(spec: &OpenAPI) -> Result<Vec<ListFilter>> {
    crate::codegen::lists::list_operations(spec)?
        .into_iter()
        .map(|op| {
            let params = op
                .params
                .into_iter()
                .map(|p| {
                    let ty = match &p.ty {
                        FieldType::Int | FieldType::Float => "number".to_string(),
                        FieldType::Bool => "boolean".to_string(),
                        FieldType::Enum(name) => name.clone(),
                        // Time bounds also take a `Date` (turned into server time by the core).
                        _ if p.name.ends_with("_time") => "string | Date".to_string(),
                        _ => "string".to_string(),
                    };
                    (p.name, ty, p.description)
                })
                .collect();
            Ok(ListFilter {
                name: format!("{}Filter", op.item_type),
                doc: format!(
                    "Filters of `{}` (`GET {}`); unknown names are rejected.",
                    op.operation_id, op.path
                ),
                params,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_and_filters_come_from_the_spec() {
        let spec = crate::codegen::load_spec(&crate::project_root()).unwrap();
        let rust = rust_module(&spec).unwrap();
        assert!(rust.contains("#[napi(js_name = \"emp_code\")]"));
        assert!(rust.contains("punch_time_raw: v.punch_time.into(),"));
        let ts = typescript(&spec).unwrap();
        assert!(ts.contains("export interface Employee {"));
        assert!(ts.contains("export interface TransactionFilter {"));
        assert!(ts.contains("start_time?: string | Date;"));
        assert!(ts.contains("self_password?: Secret;"));
        assert!(!ts.contains(": any"));
    }
}
