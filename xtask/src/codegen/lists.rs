//! Generates `crates/zkbiotime/src/generated/lists.rs`: for every list operation of the spec
//! (a GET whose operationId starts with `list_`), a filter struct with one field per query
//! parameter, and the glue that lets the core's generic pager drive it. A filter added to
//! the spec thus reaches the core (and the bindings, which deserialise filters by name)
//! with no hand edit.

use std::fmt::Write;

use anyhow::{Context, Result, bail};
use openapiv3::{OpenAPI, Parameter, ParameterSchemaOrContent, ReferenceOr, SchemaKind, Type};

use crate::codegen::header;
use crate::codegen::models::FieldType;
use crate::codegen::resources::camel;

/// Query parameters the pager owns; they are not user filters.
pub(crate) const PAGING_PARAMS: &[&str] = &["page", "limit", "page_size"];

#[derive(Clone, Debug)]
pub(crate) struct ListOp {
    pub(crate) operation_id: String,
    pub(crate) path: String,
    pub(crate) page_type: String,
    pub(crate) item_type: String,
    /// The item schema has a required `id` (reports' rows have none).
    pub(crate) item_has_id: bool,
    pub(crate) params: Vec<Param>,
}

#[derive(Clone, Debug)]
pub(crate) struct Param {
    pub(crate) name: String,
    pub(crate) rust_type: String,
    /// The same type in the model vocabulary every emitter maps to its language.
    pub(crate) ty: FieldType,
    pub(crate) description: Option<String>,
}

pub fn generate(spec: &OpenAPI) -> Result<String> {
    let ops = list_operations(spec)?;
    let mut out = header("xtask lists");
    out.push_str(
        "//! Filters of the list operations and the glue between them and the core's pager.\n\n\
         use super::api::{Client, Error, ResponseValue, builder, types};\n\n",
    );
    for op in &ops {
        write_filter(&mut out, op)?;
    }
    Ok(out)
}

fn write_filter(out: &mut String, op: &ListOp) -> Result<()> {
    let filter = format!("{}Filter", op.item_type);
    let builder = camel(&op.operation_id);
    writeln!(out, "/// Filters of `GET {}` (operation `{}`).", op.path, op.operation_id)?;
    writeln!(out, "///")?;
    writeln!(out, "/// Every field is optional; unknown names are rejected when deserialising.")?;
    writeln!(
        out,
        "#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]"
    )?;
    writeln!(out, "#[serde(deny_unknown_fields)]")?;
    writeln!(out, "pub struct {filter} {{")?;
    for p in &op.params {
        if let Some(d) = &p.description {
            for line in d.lines() {
                writeln!(out, "    /// {}", line.trim_end())?;
            }
        }
        writeln!(out, "    #[serde(default, skip_serializing_if = \"Option::is_none\")]")?;
        writeln!(out, "    pub {}: Option<{}>,", p.name, p.rust_type)?;
    }
    writeln!(out, "}}\n")?;

    writeln!(out, "impl {filter} {{")?;
    let names: Vec<String> = op.params.iter().map(|p| format!("{:?}", p.name)).collect();
    writeln!(out, "    /// The filter names the server understands for this list.")?;
    writeln!(out, "    pub const FIELDS: &'static [&'static str] = &[{}];", names.join(", "))?;
    writeln!(out, "}}\n")?;

    writeln!(out, "impl crate::paging::ListFilter for {filter} {{")?;
    writeln!(out, "    type Page = types::{};", op.page_type)?;
    writeln!(out, "    const PATH: &'static str = {:?};", op.path)?;
    writeln!(
        out,
        "    async fn fetch(&self, client: &Client, page: i64, page_size: i64) -> \
         Result<ResponseValue<types::{}>, Error<types::ErrorBody>> {{",
        op.page_type
    )?;
    writeln!(out, "        #[allow(unused_mut)]")?;
    writeln!(
        out,
        "        let mut request: builder::{builder}<'_> = client.{}();",
        op.operation_id
    )?;
    for p in &op.params {
        writeln!(
            out,
            "        if let Some(value) = &self.{0} {{ request = request.{0}(value.clone()); }}",
            p.name
        )?;
    }
    // Live servers honour `page_size`, the manual documents `limit`: send both.
    writeln!(out, "        request.page(page).page_size(page_size).limit(page_size).send().await")?;
    writeln!(out, "    }}")?;
    writeln!(out, "}}\n")?;

    writeln!(out, "impl crate::paging::ListPage for types::{} {{", op.page_type)?;
    writeln!(out, "    type Item = types::{};", op.item_type)?;
    writeln!(out, "    fn count(&self) -> i64 {{ self.count }}")?;
    writeln!(out, "    fn next(&self) -> Option<&str> {{ self.next.as_deref() }}")?;
    writeln!(out, "    fn code(&self) -> Option<i64> {{ self.code }}")?;
    writeln!(out, "    fn msg(&self) -> Option<&str> {{ self.msg.as_deref() }}")?;
    writeln!(out, "    fn into_data(self) -> Vec<Self::Item> {{ self.data }}")?;
    if op.item_has_id {
        writeln!(
            out,
            "    fn id_bounds(&self) -> Option<(i64, i64)> {{ Some((self.data.first()?.id, self.data.last()?.id)) }}"
        )?;
    } else {
        // Rows without an id (reports): no check for a page served twice.
        writeln!(out, "    fn id_bounds(&self) -> Option<(i64, i64)> {{ None }}")?;
    }
    writeln!(out, "}}\n")?;
    Ok(())
}

pub(crate) fn list_operations(spec: &OpenAPI) -> Result<Vec<ListOp>> {
    let mut ops = Vec::new();
    for (path, item) in spec.paths.paths.iter() {
        let item = item.as_item().context("path refs are not supported")?;
        let Some(get) = &item.get else { continue };
        let Some(operation_id) = &get.operation_id else { continue };
        if !operation_id.starts_with("list_") {
            continue;
        }
        let page_type = success_schema_name(get)
            .with_context(|| format!("{operation_id}: 200 answer must be a $ref"))?;
        let item_type = data_item_name(spec, &page_type)
            .with_context(|| format!("{page_type}: `data` must be an array of $ref"))?;
        let mut params = Vec::new();
        for param in &get.parameters {
            let param = resolve_param(spec, param)?;
            let Parameter::Query { parameter_data, .. } = param else { continue };
            if PAGING_PARAMS.contains(&parameter_data.name.as_str()) {
                continue;
            }
            let ParameterSchemaOrContent::Schema(schema) = &parameter_data.format else {
                bail!("{operation_id}.{}: content parameters unsupported", parameter_data.name)
            };
            let rust_type = rust_type(schema)?;
            params.push(Param {
                name: parameter_data.name.clone(),
                ty: field_type(&rust_type),
                rust_type,
                description: parameter_data.description.clone(),
            });
        }
        ops.push(ListOp {
            operation_id: operation_id.clone(),
            path: path.clone(),
            page_type,
            item_has_id: has_required_id(spec, &item_type),
            item_type,
            params,
        });
    }
    Ok(ops)
}

fn resolve_param<'a>(spec: &'a OpenAPI, p: &'a ReferenceOr<Parameter>) -> Result<&'a Parameter> {
    match p {
        ReferenceOr::Item(p) => Ok(p),
        ReferenceOr::Reference { reference } => {
            let name = reference.trim_start_matches("#/components/parameters/");
            spec.components
                .as_ref()
                .and_then(|c| c.parameters.get(name))
                .and_then(|p| p.as_item())
                .with_context(|| format!("unresolved parameter {reference}"))
        }
    }
}

fn ref_name(r: &ReferenceOr<impl Sized>) -> Option<String> {
    match r {
        ReferenceOr::Reference { reference } => {
            Some(reference.rsplit('/').next().unwrap_or_default().to_string())
        }
        ReferenceOr::Item(_) => None,
    }
}

fn success_schema_name(op: &openapiv3::Operation) -> Option<String> {
    let resp = op.responses.responses.get(&openapiv3::StatusCode::Code(200))?.as_item()?;
    ref_name(resp.content.get("application/json")?.schema.as_ref()?)
}

fn data_item_name(spec: &OpenAPI, page_type: &str) -> Option<String> {
    let schema = spec.components.as_ref()?.schemas.get(page_type)?.as_item()?;
    let SchemaKind::Type(Type::Object(obj)) = &schema.schema_kind else { return None };
    let data = obj.properties.get("data")?.as_item()?;
    let SchemaKind::Type(Type::Array(arr)) = &data.schema_kind else { return None };
    match arr.items.as_ref()? {
        ReferenceOr::Reference { reference } => Some(reference.rsplit('/').next()?.to_string()),
        ReferenceOr::Item(_) => None,
    }
}

fn has_required_id(spec: &OpenAPI, item_type: &str) -> bool {
    let Some(schema) = spec.components.as_ref().and_then(|c| c.schemas.get(item_type)) else {
        return false;
    };
    let Some(schema) = schema.as_item() else { return false };
    let SchemaKind::Type(Type::Object(obj)) = &schema.schema_kind else { return false };
    obj.properties.contains_key("id") && obj.required.iter().any(|r| r == "id")
}

/// A filter's core type (`rust_type`) as a model field type.
fn field_type(rust_type: &str) -> FieldType {
    match rust_type {
        "i64" | "i32" => FieldType::Int,
        "f64" => FieldType::Float,
        "bool" => FieldType::Bool,
        other => match other.strip_prefix("types::") {
            Some(name) => FieldType::Enum(name.to_string()),
            None => FieldType::String,
        },
    }
}

fn rust_type(schema: &ReferenceOr<openapiv3::Schema>) -> Result<String> {
    if let Some(name) = ref_name(schema) {
        return Ok(format!("types::{name}"));
    }
    let schema = schema.as_item().expect("not a reference");
    Ok(match &schema.schema_kind {
        SchemaKind::Type(Type::String(_)) => "String".into(),
        SchemaKind::Type(Type::Integer(i)) => match &i.format {
            openapiv3::VariantOrUnknownOrEmpty::Item(openapiv3::IntegerFormat::Int32) => "i32",
            _ => "i64",
        }
        .into(),
        SchemaKind::Type(Type::Boolean(_)) => "bool".into(),
        SchemaKind::Type(Type::Number(_)) => "f64".into(),
        other => bail!("unsupported filter schema {other:?}"),
    })
}
