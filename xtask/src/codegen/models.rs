//! The record types of the spec, reduced to what a binding generator needs.
//!
//! Every binding (PyO3, napi-rs, uniffi) gets its model classes and their conversions from
//! the core's progenitor types by walking this list, one emitter per binding: a field added
//! to the spec reaches every language through `cargo xtask codegen`, with no hand edit.
//! The rules below mirror how typify (progenitor's type generator) shapes each field, so
//! the emitters can name the core field and know whether it is an `Option`.

use anyhow::{Context, Result, bail};
use openapiv3::{OpenAPI, ReferenceOr, Schema, SchemaKind, Type};

/// One object schema of `components.schemas`.
#[derive(Clone, Debug)]
pub struct Model {
    /// The schema name, also the core type name (`types::Employee`).
    pub name: String,
    pub doc: Option<String>,
    pub fields: Vec<Field>,
    /// `additionalProperties: {}`: the core type has `extra: serde_json::Map` holding
    /// unknown keys (custom attributes such as "Primary Job").
    pub has_extra: bool,
    pub role: Role,
    /// `x-fold: true`: a hand-written `crate::fold::Fold` completes the record after it is
    /// read (older servers' shapes folded into this one).
    pub fold: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// Something the server answers with (employees, punches, nested refs).
    Record,
    /// A request body (`*Create`, `*Update`, `Credentials`).
    Input,
    /// A list envelope (`*Page`): the core's pager consumes it; bindings don't expose it.
    Page,
    /// `ErrorBody`, `TokenAnswer`: consumed inside the core.
    Internal,
}

#[derive(Clone, Debug)]
pub struct Field {
    /// The JSON key and the core's Rust field name (all spec keys are valid identifiers).
    pub name: String,
    pub ty: FieldType,
    /// The core field is `Option<ty>`.
    pub optional: bool,
    pub doc: Option<String>,
    /// `x-not-measured: 255`: the value that means "no value" (read as empty).
    pub not_measured: Option<f64>,
    /// `x-labels: {code: label}`: what the field's codes mean (`punch_state`).
    pub labels: Vec<(String, String)>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum FieldType {
    String,
    /// i64 in the core.
    Int,
    /// f64 in the core.
    Float,
    Bool,
    /// `chrono::NaiveDate` in the core (`format: date`).
    Date,
    /// Naive server-local datetime text (`YYYY-MM-DD HH:MM:SS`); a `String` in the core.
    /// Recognised by the field name ending in `_time` or `_activity`.
    DateTimeText,
    /// `crate::Secret` in the core: must never be printed.
    Secret,
    /// A string enum schema (`types::Name`).
    Enum(String),
    /// Another model (`types::Name`).
    Model(String),
    /// `Vec<T>` in the core (never optional: typify defaults missing arrays to empty).
    List(Box<FieldType>),
}

impl Model {
    /// Whether a record of this model can hold a secret, in itself or in a record it nests
    /// (an unknown nested model counts as holding one). Such records never become text: the
    /// CLI redacts them through a `Value`, the Node binding keeps them off its JSON route.
    pub fn holds_secret(&self, all: &[Model]) -> bool {
        fn secret(ty: &FieldType, all: &[Model], depth: usize) -> bool {
            match ty {
                FieldType::Secret => true,
                FieldType::List(inner) => secret(inner, all, depth),
                FieldType::Model(name) => {
                    let nested = all.iter().find(|m| &m.name == name);
                    depth >= 8
                        || nested
                            .is_none_or(|m| m.fields.iter().any(|f| secret(&f.ty, all, depth + 1)))
                }
                _ => false,
            }
        }
        self.fields.iter().any(|f| secret(&f.ty, all, 0))
    }
}

/// The schemas some operation sends as its JSON body: those are inputs.
fn request_bodies(spec: &OpenAPI) -> std::collections::BTreeSet<String> {
    let mut names = std::collections::BTreeSet::new();
    for (_, item) in spec.paths.paths.iter() {
        let Some(item) = item.as_item() else { continue };
        for (_, op) in item.iter() {
            let body = op.request_body.as_ref().and_then(|b| b.as_item());
            let schema = body.and_then(|b| b.content.get("application/json")?.schema.as_ref());
            if let Some(ReferenceOr::Reference { reference }) = schema {
                names.insert(reference.rsplit('/').next().unwrap_or_default().to_string());
            }
        }
    }
    names
}

/// All object schemas, in spec order, with their role.
pub fn models(spec: &OpenAPI) -> Result<Vec<Model>> {
    let components = spec.components.as_ref().context("spec has no components")?;
    let bodies = request_bodies(spec);
    let mut out = Vec::new();
    for (name, schema) in &components.schemas {
        let schema = schema.as_item().with_context(|| format!("{name}: top-level $ref"))?;
        let SchemaKind::Type(Type::Object(obj)) = &schema.schema_kind else { continue };
        let mut fields = Vec::new();
        for (field, prop) in &obj.properties {
            let required = obj.required.contains(field);
            let (ty, nullable, doc, not_measured, labels) = match prop {
                ReferenceOr::Reference { reference } => {
                    (ref_type(spec, reference)?, false, None, None, Vec::new())
                }
                ReferenceOr::Item(s) => {
                    let ty =
                        field_type(spec, field, s).with_context(|| format!("{name}.{field}"))?;
                    let sentinel = s.schema_data.extensions.get("x-not-measured");
                    let not_measured = sentinel.and_then(serde_json::Value::as_f64);
                    let labels =
                        s.schema_data.extensions.get("x-labels").map_or_else(Vec::new, |l| {
                            l.as_object()
                                .into_iter()
                                .flatten()
                                .map(|(code, label)| {
                                    (code.clone(), label.as_str().unwrap_or_default().to_string())
                                })
                                .collect()
                        });
                    let doc = s.schema_data.description.clone();
                    (ty, s.schema_data.nullable, doc, not_measured, labels)
                }
            };
            let optional = !matches!(ty, FieldType::List(_)) && (!required || nullable);
            fields.push(Field { name: field.clone(), ty, optional, doc, not_measured, labels });
        }
        let has_extra = obj.additional_properties.is_some();
        let role = if name.ends_with("Page") {
            Role::Page
        } else if bodies.contains(name) {
            Role::Input
        } else if name == "ErrorBody" || name == "TokenAnswer" {
            Role::Internal
        } else {
            Role::Record
        };
        out.push(Model {
            name: name.clone(),
            doc: schema.schema_data.description.clone(),
            fields,
            has_extra,
            role,
            fold: schema.schema_data.extensions.get("x-fold")
                == Some(&serde_json::Value::Bool(true)),
        });
    }
    Ok(out)
}

/// The string enums of the spec with their values (e.g. `TransactionOrdering`).
pub fn enums(spec: &OpenAPI) -> Vec<(String, Vec<String>)> {
    let Some(components) = spec.components.as_ref() else { return Vec::new() };
    components
        .schemas
        .iter()
        .filter_map(|(name, s)| {
            let SchemaKind::Type(Type::String(st)) = &s.as_item()?.schema_kind else { return None };
            if st.enumeration.is_empty() {
                return None;
            }
            Some((name.clone(), st.enumeration.iter().flatten().cloned().collect()))
        })
        .collect()
}

fn ref_type(spec: &OpenAPI, reference: &str) -> Result<FieldType> {
    let name = reference.rsplit('/').next().unwrap_or_default().to_string();
    let schema = spec
        .components
        .as_ref()
        .and_then(|c| c.schemas.get(&name))
        .and_then(|s| s.as_item())
        .with_context(|| format!("unresolved {reference}"))?;
    Ok(match &schema.schema_kind {
        SchemaKind::Type(Type::Object(_)) => FieldType::Model(name),
        SchemaKind::Type(Type::String(s)) if !s.enumeration.is_empty() => FieldType::Enum(name),
        SchemaKind::Type(Type::String(_)) if name == "Secret" => FieldType::Secret,
        other => bail!("unsupported referenced schema {name}: {other:?}"),
    })
}

fn field_type(spec: &OpenAPI, field: &str, s: &Schema) -> Result<FieldType> {
    Ok(match &s.schema_kind {
        SchemaKind::Type(Type::String(st)) => match &st.format {
            openapiv3::VariantOrUnknownOrEmpty::Item(openapiv3::StringFormat::Date) => {
                FieldType::Date
            }
            openapiv3::VariantOrUnknownOrEmpty::Empty
                if field.ends_with("_time") || field.ends_with("_activity") =>
            {
                FieldType::DateTimeText
            }
            _ => FieldType::String,
        },
        SchemaKind::Type(Type::Integer(_)) => FieldType::Int,
        SchemaKind::Type(Type::Number(_)) => FieldType::Float,
        SchemaKind::Type(Type::Boolean(_)) => FieldType::Bool,
        SchemaKind::Type(Type::Array(arr)) => {
            let item = arr.items.as_ref().context("array without items")?;
            let inner = match item {
                ReferenceOr::Reference { reference } => ref_type(spec, reference)?,
                ReferenceOr::Item(i) => field_type(spec, field, i)?,
            };
            FieldType::List(Box::new(inner))
        }
        // `{ allOf: [ {$ref} ], nullable: true }`: how the spec writes a nullable reference.
        SchemaKind::AllOf { all_of } if all_of.len() == 1 => match &all_of[0] {
            ReferenceOr::Reference { reference } => ref_type(spec, reference)?,
            ReferenceOr::Item(i) => field_type(spec, field, i)?,
        },
        other => bail!("unsupported field schema {other:?}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn employee_model_mirrors_the_core_type() {
        let spec = crate::codegen::load_spec(&crate::project_root()).unwrap();
        let models = models(&spec).unwrap();
        let employee = models.iter().find(|m| m.name == "Employee").unwrap();
        assert_eq!(employee.role, Role::Record);
        assert!(employee.has_extra);
        let field = |n: &str| employee.fields.iter().find(|f| f.name == n).unwrap().clone();
        assert_eq!(field("emp_code").ty, FieldType::String);
        assert!(!field("emp_code").optional);
        assert_eq!(field("department").ty, FieldType::Model("DepartmentRef".into()));
        assert!(field("department").optional);
        assert_eq!(field("area").ty, FieldType::List(Box::new(FieldType::Model("AreaRef".into()))));
        assert_eq!(field("hire_date").ty, FieldType::Date);
        assert_eq!(field("update_time").ty, FieldType::DateTimeText);
        let written = models.iter().find(|m| m.name == "EmployeeWritten").unwrap();
        let pw = written.fields.iter().find(|f| f.name == "self_password").unwrap();
        assert_eq!(pw.ty, FieldType::Secret);
        assert!(models.iter().any(|m| m.name == "EmployeeCreate" && m.role == Role::Input));
        assert!(models.iter().any(|m| m.name == "TransactionPage" && m.role == Role::Page));
    }
}
