//! The API resources, as the spec's operations describe them: the one resource table every
//! emitter reads (core accessors, Python, Node, uniffi, CLI, README). Adding a resource is
//! spec lines (a `list_<name>` GET, a `get_<singular>` detail GET, optionally create /
//! update / delete beside them) plus a sandbox handler; no hand-written file names the set.
//! A resource without a detail path (`{list}{id}/`) is list-only (the attendance reports):
//! no `get`, no writes, no delete in any language.
//!
//! A resource is found from its list operation (`crate::codegen::lists::list_operations`);
//! its other operations are the methods of the list path and of the detail path below it.
//! What the spec's shape cannot say comes from extension keys:
//! - `x-upsert-key` on the create operation: the body field that identifies a record for
//!   `upsert` (`emp_code`); without it the resource has no `upsert`.
//! - the resource's tag `description` (`Punches`): the first words of its docs.
//! - `x-servers` on the resource's tag: the server versions that have the API (`8.5 and
//!   9.5`); elsewhere its paths answer a web page, which the core reports as "no such API".
//! - `x-action: <name>` on a POST below the list path (`…/resigns/reinstatement/`): an
//!   operation of the resource beyond list / get / write, sent through the raw request
//!   path (JSON body from its `$ref` schema, decoded JSON answer).
//! - `x-destructive: true` beside an `x-action`: the action destroys data or disturbs
//!   devices (templates deleted, a reboot, a device cleared); the CLI asks before sending it
//!   (or needs `--yes` when stdin is not a terminal).
//! - `x-sync: true` on the list operation: the core's hand-written incremental `sync` reads
//!   this list; bindings give the resource their hand-written sync operations.

use anyhow::{Context, Result, bail};
use openapiv3::{OpenAPI, Operation, PathItem, ReferenceOr, SchemaKind, Type};

use crate::codegen::lists::{ListOp, list_operations};

/// One API resource.
#[derive(Clone, Debug)]
pub struct Resource {
    /// `employees`: the client's accessor, the Python / JS attribute, the CLI subcommand.
    pub name: String,
    /// `Employees`: the core's accessor type and each binding's resource class.
    pub class: String,
    /// `employee`: one record, in messages.
    pub singular: String,
    /// `Employee`: the record a list and `get` answer.
    pub item: String,
    /// `EmployeeFilter`: the core's filter struct of the list (`crate::codegen::lists`).
    pub filter: String,
    /// The list operation (path, page type, query parameters).
    pub list: ListOp,
    /// `get_employee`: progenitor's builder method of the detail GET; `None` for a list-only
    /// resource (no detail path, such as a report): no `get` in any language.
    pub get_op: Option<String>,
    /// One line of docs: "Employees (`/personnel/api/employees/`)."
    pub doc: String,
    pub write: Option<Write>,
    /// DELETE on the detail path (every writable resource has it; punches have only it).
    pub delete: bool,
    /// `x-sync`: the resource has the core's incremental sync (and the CLI's export / sync).
    pub sync: bool,
    /// `x-servers`: the versions that have this API, when not every server has it.
    pub servers: Option<String>,
    pub actions: Vec<Action>,
}

/// An operation of a resource beyond list / get / write (`x-action`).
#[derive(Clone, Debug)]
pub struct Action {
    /// The method name in every language (`reinstate`).
    pub name: String,
    pub path: String,
    /// The body schema (`Reinstatement`).
    pub body: String,
    /// The body's one field when it is a list of ids (`resigns`): Python and Node also take
    /// the bare list (`client.resigns.reinstate([3, 4])`).
    pub ids: Option<String>,
    /// The operation's summary.
    pub doc: String,
    /// `x-destructive: true`: the CLI asks before sending it.
    pub destructive: bool,
    /// `x-servers` on the operation: the versions that have it, when not every server has.
    pub servers: Option<String>,
}

/// The write operations of a resource.
#[derive(Clone, Debug)]
pub struct Write {
    pub create_op: String,
    /// `EmployeeCreate`.
    pub create_body: String,
    /// The record a create or update answers (`EmployeeWritten`).
    pub written: String,
    pub update_op: String,
    /// `EmployeeUpdate`.
    pub update_body: String,
    /// `PATCH` or `PUT`.
    pub update_method: String,
    /// `x-upsert-key`: the field `upsert` finds an existing record by.
    pub upsert_key: Option<String>,
}

impl Resource {
    /// The class of one page in bindings that name it (`EmployeePage`).
    pub fn page_class(&self) -> String {
        format!("{}Page", self.item)
    }
}

/// Every resource of the spec, in the spec's path order.
pub fn resources(spec: &OpenAPI) -> Result<Vec<Resource>> {
    list_operations(spec)?.into_iter().map(|list| resource(spec, list)).collect()
}

fn resource(spec: &OpenAPI, list: ListOp) -> Result<Resource> {
    let name = list.operation_id.strip_prefix("list_").context("list operation")?.to_string();
    let ctx = || format!("resource `{name}`");
    let list_item = path_item(spec, &list.path).with_context(ctx)?;
    let detail =
        spec.paths.paths.iter().filter_map(|(p, i)| Some((p, i.as_item()?))).find(|(p, _)| {
            p.strip_prefix(list.path.as_str()).is_some_and(|rest| {
                rest.starts_with('{') && rest.ends_with("}/") && rest.matches('/').count() == 1
            })
        });
    let (get_op, singular, write, delete) = match detail {
        Some((detail_path, detail)) => {
            let get =
                detail.get.as_ref().with_context(|| format!("{}: no GET {detail_path}", ctx()))?;
            let get_op = op_id(get)?;
            let singular =
                get_op.strip_prefix("get_").context("detail GET must be `get_<singular>`")?;
            let write = match &list_item.post {
                None => None,
                Some(create) => Some(write_ops(create, detail).with_context(ctx)?),
            };
            (Some(get_op.clone()), singular.to_string(), write, detail.delete.is_some())
        }
        None => {
            if list_item.post.is_some() {
                bail!("{}: a writable resource needs a detail path `{}{{id}}/`", ctx(), list.path);
            }
            // List-only: one row, in messages (`first_last_reports` → `first_last_report`).
            let singular = name.strip_suffix('s').unwrap_or(&name).to_string();
            (None, singular, None, false)
        }
    };
    let tag = list_item.get.as_ref().and_then(|g| g.tags.first()).cloned().unwrap_or_default();
    let tag = spec.tags.iter().find(|t| t.name == tag);
    let label = tag.and_then(|t| t.description.clone()).unwrap_or_else(|| camel(&name));
    let servers = match tag {
        Some(tag) => servers(tag.extensions.get("x-servers")).with_context(ctx)?,
        None => None,
    };
    let actions = actions(spec, &list.path).with_context(ctx)?;
    let read_only = match (&write, &get_op) {
        (Some(_), _) => "",
        (None, Some(_)) => " Read only.",
        (None, None) => " List only.",
    };
    let sync = list_item
        .get
        .as_ref()
        .and_then(|g| g.extensions.get("x-sync"))
        .is_some_and(|v| v == &serde_json::Value::Bool(true));
    Ok(Resource {
        class: camel(&name),
        singular,
        item: list.item_type.clone(),
        filter: format!("{}Filter", list.item_type),
        get_op,
        doc: format!("{} (`{}`).{read_only}", label.trim(), list.path),
        write,
        delete,
        sync,
        servers,
        actions,
        list,
        name,
    })
}

/// `x-servers` (the versions that have an API, when not every server has it), if given.
fn servers(value: Option<&serde_json::Value>) -> Result<Option<String>> {
    match value {
        None => Ok(None),
        Some(serde_json::Value::String(s)) => Ok(Some(s.clone())),
        Some(other) => bail!("x-servers must be text, not {other}"),
    }
}

/// Path prefixes (as regular-expression-free text) of the APIs not every server has: a
/// resource's list path or an action's path, with `x-servers`. Tests against the default
/// server version leave them out.
pub fn version_limited_paths(all: &[Resource]) -> Vec<String> {
    let mut paths: Vec<String> =
        all.iter().filter(|r| r.servers.is_some()).map(|r| r.list.path.clone()).collect();
    for r in all {
        paths.extend(r.actions.iter().filter(|a| a.servers.is_some()).map(|a| a.path.clone()));
    }
    paths
}

/// The `x-action` POSTs on paths below `list_path`.
fn actions(spec: &OpenAPI, list_path: &str) -> Result<Vec<Action>> {
    let mut out = Vec::new();
    for (path, item) in spec.paths.paths.iter() {
        let Some(rest) = path.strip_prefix(list_path) else { continue };
        let Some(post) = item.as_item().and_then(|i| i.post.as_ref()) else { continue };
        let Some(name) = post.extensions.get("x-action") else { continue };
        let serde_json::Value::String(name) = name else {
            bail!("{path}: x-action must be a name")
        };
        if rest.is_empty() || rest.contains('{') {
            bail!("{path}: an x-action needs a fixed path below the list");
        }
        let body = request_ref(post).with_context(|| format!("{path}: the body must be a $ref"))?;
        out.push(Action {
            name: name.clone(),
            path: path.clone(),
            ids: ids_field(spec, &body),
            body,
            doc: post.summary.clone().unwrap_or_default(),
            destructive: match post.extensions.get("x-destructive") {
                None => false,
                Some(serde_json::Value::Bool(b)) => *b,
                Some(other) => bail!("{path}: x-destructive must be true or false, not {other}"),
            },
            servers: servers(post.extensions.get("x-servers")).with_context(|| path.clone())?,
        });
    }
    Ok(out)
}

/// The name of `body`'s only field, when that field is a required list of integers.
fn ids_field(spec: &OpenAPI, body: &str) -> Option<String> {
    let schema = spec.components.as_ref()?.schemas.get(body)?.as_item()?;
    let SchemaKind::Type(Type::Object(object)) = &schema.schema_kind else { return None };
    let (name, field) = object.properties.iter().next().filter(|_| object.properties.len() == 1)?;
    let SchemaKind::Type(Type::Array(list)) = &field.as_item()?.schema_kind else { return None };
    let item = list.items.as_ref()?.as_item()?;
    let ints = matches!(item.schema_kind, SchemaKind::Type(Type::Integer(_)));
    (ints && object.required == [name.clone()]).then(|| name.clone())
}

fn write_ops(create: &Operation, detail: &PathItem) -> Result<Write> {
    let create_body = request_ref(create).context("create body must be a $ref")?;
    let written = response_ref(create, 201)
        .or_else(|| response_ref(create, 200))
        .context("create answer must be a $ref")?;
    let (update, update_method) = match (&detail.patch, &detail.put) {
        (Some(op), _) => (op, "PATCH"),
        (None, Some(op)) => (op, "PUT"),
        (None, None) => bail!("a writable resource needs PATCH or PUT on its detail path"),
    };
    let upsert_key = match create.extensions.get("x-upsert-key") {
        None => None,
        Some(serde_json::Value::String(key)) => Some(key.clone()),
        Some(other) => bail!("x-upsert-key must be a field name, not {other}"),
    };
    Ok(Write {
        create_op: op_id(create)?,
        create_body,
        written,
        update_op: op_id(update)?,
        update_body: request_ref(update).context("update body must be a $ref")?,
        update_method: update_method.to_string(),
        upsert_key,
    })
}

fn path_item<'a>(spec: &'a OpenAPI, path: &str) -> Result<&'a PathItem> {
    spec.paths.paths.get(path).and_then(|i| i.as_item()).with_context(|| format!("path {path}"))
}

fn op_id(op: &Operation) -> Result<String> {
    op.operation_id.clone().context("every operation needs an operationId")
}

fn ref_name(r: &ReferenceOr<openapiv3::Schema>) -> Option<String> {
    match r {
        ReferenceOr::Reference { reference } => {
            Some(reference.rsplit('/').next().unwrap_or_default().to_string())
        }
        ReferenceOr::Item(_) => None,
    }
}

fn response_ref(op: &Operation, status: u16) -> Option<String> {
    let resp = op.responses.responses.get(&openapiv3::StatusCode::Code(status))?.as_item()?;
    ref_name(resp.content.get("application/json")?.schema.as_ref()?)
}

fn request_ref(op: &Operation) -> Option<String> {
    let body = op.request_body.as_ref()?.as_item()?;
    ref_name(body.content.get("application/json")?.schema.as_ref()?)
}

/// `employees` → `Employees`, `dept_code` → `DeptCode`, `-punch_time` → `PunchTime`: the
/// one spelling rule of every emitter (progenitor names its builders the same way).
pub fn camel(snake: &str) -> String {
    snake
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            c.next().map(|f| f.to_uppercase().chain(c).collect::<String>()).unwrap_or_default()
        })
        .collect()
}

/// Lower camel case (`punch_time` → `punchTime`): Kotlin and JS member names.
pub fn lower_camel(snake: &str) -> String {
    let upper = camel(snake);
    let mut chars = upper.chars();
    chars.next().map(|f| f.to_lowercase().chain(chars).collect()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resources_come_from_the_spec() {
        let spec = crate::codegen::load_spec(&crate::project_root()).unwrap();
        let all = resources(&spec).unwrap();
        let names: Vec<&str> = all.iter().map(|r| r.name.as_str()).collect();
        assert!(names.contains(&"employees") && names.contains(&"transactions"), "{names:?}");
        let employees = all.iter().find(|r| r.name == "employees").unwrap();
        assert_eq!(
            (employees.item.as_str(), employees.singular.as_str()),
            ("Employee", "employee")
        );
        let w = employees.write.as_ref().unwrap();
        assert_eq!(
            (w.create_body.as_str(), w.update_body.as_str(), w.written.as_str()),
            ("EmployeeCreate", "EmployeeUpdate", "EmployeeWritten")
        );
        assert_eq!(
            (w.update_method.as_str(), w.upsert_key.as_deref()),
            ("PATCH", Some("emp_code"))
        );
        let punches = all.iter().find(|r| r.name == "transactions").unwrap();
        assert!(punches.write.is_none());
        assert!(
            punches.doc.starts_with("Punches (`/iclock/api/transactions/`)."),
            "{}",
            punches.doc
        );
        assert_eq!(punches.get_op.as_deref(), Some("get_transaction"));
        let report = all.iter().find(|r| r.name == "first_last_reports").unwrap();
        assert!(report.get_op.is_none() && report.write.is_none() && !report.delete);
        assert_eq!(report.singular, "first_last_report");
        assert!(report.doc.ends_with("List only."), "{}", report.doc);
        // An action whose body is one list of ids also takes the bare list.
        let action = |r: &str, a: &str| {
            let r = all.iter().find(|x| x.name == r).unwrap();
            r.actions.iter().find(|x| x.name == a).unwrap().ids.clone()
        };
        assert_eq!(action("resigns", "reinstate").as_deref(), Some("resigns"));
        assert_eq!(action("terminals", "reboot").as_deref(), Some("terminals"));
        assert_eq!(action("employees", "adjust_area"), None);
        assert_eq!(action("employees", "delete_biometric_templates"), None);
    }
}
