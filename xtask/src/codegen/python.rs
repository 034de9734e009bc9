//! The Python binding's generated files (`bindings/python`, PyO3).
//!
//! Generated from the model list (`crate::codegen::models`, ADR 0001) and the spec's operations:
//! - `bindings/python/src/generated.rs`: one frozen `#[pyclass]` per record schema wrapping
//!   the core's `zkbiotime::types::*` value, with one getter per field (converted on access,
//!   so a million-punch pull only pays for the fields it reads), `to_dict`, `__repr__`
//!   (secrets left out) and equality (request bodies are checked by the core,
//!   `zkbiotime::input`); and one `resources!` line per API resource, which the
//!   hand-written macro in `src/resources.rs` turns into the sync and async resource classes.
//! - `bindings/python/python/zkbiotime/_native.pyi`: the complete stub of the native module
//!   (records, resources with typed filters and fields, and the hand-written client part
//!   below), checked by `mypy --strict` and against the module itself in the tests.
//!
//! Time mapping (documented in bindings/python/README.md): a `*_time` / `*_activity` field
//! is a `datetime` (zone-aware when the client knows the server's zone, naive otherwise)
//! and `<field>_raw` is the server's own text; a `date` is a `datetime.date`.

use std::fmt::Write;
use std::path::Path;

use anyhow::{Context, Result, bail};
use openapiv3::OpenAPI;

use crate::codegen::models::{Field, FieldType, Model, Role, enums, models};
use crate::codegen::settings::{Setting, Value};
use crate::codegen::{Output, header};

pub fn outputs(root: &Path, spec: &OpenAPI) -> Result<Vec<Output>> {
    let dir = root.join("bindings/python");
    let models = models(spec)?;
    let resources = resources(spec)?;
    let settings = crate::codegen::settings::settings(root)?;
    Ok(vec![
        Output { path: dir.join("src/generated.rs"), contents: rust_module(&models, &resources)? },
        Output {
            path: dir.join("python/zkbiotime/_native.pyi"),
            contents: stub(spec, &models, &resources, &client_args(&settings))?,
        },
    ])
}

// ---------------------------------------------------------------------------------------
// Resources, as the spec's operations describe them

/// One API resource: `list_<name>` plus its detail and write operations.
struct Resource {
    /// `employees`: the attribute on the client and the core's accessor.
    name: String,
    /// `Employees`.
    class: String,
    /// `Employee`: the record a list and `get` answer.
    item: String,
    filters: Vec<Filter>,
    /// Create body, update body, written answer, when the resource is writable.
    crud: Option<(String, String, String)>,
    /// `upsert` exists (the spec's `x-upsert-key`).
    upsert: bool,
    /// `get` exists (list-only resources, such as reports, have none).
    get: bool,
    /// `delete` exists.
    delete: bool,
    /// Operations beyond list / get / write (`x-action`).
    actions: Vec<crate::codegen::resources::Action>,
    /// `x-sync`: the resource has the hand-written `sync`.
    sync: bool,
}

struct Filter {
    name: String,
    /// The Python type of the keyword argument.
    py: String,
    description: Option<String>,
}

/// The resources of the spec model (`crate::codegen::resources`), with Python filter types.
fn resources(spec: &OpenAPI) -> Result<Vec<Resource>> {
    let mut out = Vec::new();
    for r in crate::codegen::resources::resources(spec)? {
        let mut filters = Vec::new();
        for p in &r.list.params {
            let mut py = filter_py_type(spec, &p.ty)
                .with_context(|| format!("{}.{}", r.list.operation_id, p.name))?;
            if p.name.ends_with("_time") {
                // Server-local text, or a datetime the binding formats (see convert.rs).
                py = format!("{py} | datetime.datetime");
            }
            filters.push(Filter { name: p.name.clone(), py, description: p.description.clone() });
        }
        let crud = r
            .write
            .as_ref()
            .map(|w| (w.create_body.clone(), w.update_body.clone(), w.written.clone()));
        let upsert = r.write.as_ref().is_some_and(|w| w.upsert_key.is_some());
        out.push(Resource {
            name: r.name,
            class: r.class,
            item: r.item,
            filters,
            crud,
            upsert,
            get: r.get_op.is_some(),
            delete: r.delete,
            actions: r.actions,
            sync: r.sync,
        });
    }
    Ok(out)
}

/// The Python type of a filter of type `ty` (`crate::codegen::lists`).
fn filter_py_type(spec: &OpenAPI, ty: &FieldType) -> Result<String> {
    Ok(match ty {
        FieldType::Int => "int".into(),
        FieldType::Float => "float".into(),
        FieldType::Bool => "bool".into(),
        FieldType::Enum(name) => {
            let values = enums(spec)
                .into_iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v)
                .with_context(|| format!("filter type {name} is not a string enum"))?;
            literal(&values)
        }
        _ => "str".into(),
    })
}

fn literal(values: &[String]) -> String {
    let quoted: Vec<String> = values.iter().map(|v| format!("{v:?}")).collect();
    format!("Literal[{}]", quoted.join(", "))
}

// ---------------------------------------------------------------------------------------
// Rust: record classes, body field lists, resource declarations

fn rust_module(models: &[Model], resources: &[Resource]) -> Result<String> {
    let mut out = header("xtask bindings::python");
    out.push_str(
        "//! Records of the Python binding: frozen classes wrapping the core's spec types, one\n\
         //! getter per field; the resource list.\n\n\
         #![allow(clippy::all)]\n\n\
         use pyo3::prelude::*;\n\
         use pyo3::types::{PyDict, PyList};\n\
         use zkbiotime::types;\n\n\
         use crate::convert::{self, Record, Zone};\n\n",
    );
    let records: Vec<&Model> = models.iter().filter(|m| m.role == Role::Record).collect();
    for model in &records {
        write_record(&mut out, model)?;
    }
    writeln!(out, "/// Adds every record class to the module.")?;
    writeln!(out, "pub fn register_records(m: &Bound<'_, PyModule>) -> PyResult<()> {{")?;
    for model in &records {
        writeln!(out, "    m.add_class::<{}>()?;", model.name)?;
    }
    writeln!(out, "    Ok(())\n}}\n")?;
    for r in resources {
        match &r.crud {
            Some((create, update, written)) => writeln!(
                out,
                "crate::resources::resource!(crud {name}: {class} / Async{class}, item {item}, \
                 filter zkbiotime::{item}Filter, create {create}, update {update}, written {written});",
                name = r.name,
                class = r.class,
                item = r.item,
            )?,
            None => writeln!(
                out,
                "crate::resources::resource!({kind} {name}: {class} / Async{class}, item {item}, \
                 filter zkbiotime::{item}Filter);",
                kind = if r.get { "read" } else { "list" },
                name = r.name,
                class = r.class,
                item = r.item,
            )?,
        }
        if r.delete {
            writeln!(
                out,
                "crate::resources::resource!(delete {name}: {class} / Async{class});",
                name = r.name,
                class = r.class,
            )?;
        }
        for a in &r.actions {
            writeln!(
                out,
                "crate::resources::resource!(action {name}: {class} / Async{class}, {action}, body {body}, ids {ids}, {doc:?});",
                name = r.name,
                class = r.class,
                action = a.name,
                body = a.body,
                ids = a.ids.as_ref().map_or("None".to_string(), |f| format!("Some({f:?})")),
                doc = a.doc,
            )?;
        }
        if let (Some((create, _, written)), true) = (&r.crud, r.upsert) {
            writeln!(
                out,
                "crate::resources::resource!(upsert {name}: {class} / Async{class}, create {create}, \
                 written {written});",
                name = r.name,
                class = r.class,
            )?;
        }
    }
    let accessors: Vec<String> =
        resources.iter().map(|r| format!("{}: {} / Async{}", r.name, r.class, r.class)).collect();
    writeln!(out, "crate::resources::accessors!({});", accessors.join(", "))?;
    Ok(out)
}

/// Fields whose value must never be printed: the spec's secrets and anything named like a
/// password (the device PIN arrives as a plain string).
fn is_secret(field: &Field) -> bool {
    matches!(field.ty, FieldType::Secret) || field.name.contains("password")
}

fn write_record(out: &mut String, model: &Model) -> Result<()> {
    let name = &model.name;
    if let Some(doc) = &model.doc {
        for line in doc.trim().lines() {
            writeln!(out, "/// {}", line.trim_end())?;
        }
    }
    writeln!(out, "#[pyclass(module = \"zkbiotime\", frozen, eq)]")?;
    writeln!(out, "#[derive(Clone, PartialEq)]")?;
    writeln!(out, "pub struct {name} {{")?;
    writeln!(out, "    pub(crate) inner: types::{name},")?;
    writeln!(out, "    pub(crate) zone: Zone,")?;
    writeln!(out, "}}\n")?;
    writeln!(out, "impl Record for types::{name} {{")?;
    writeln!(out, "    type Class = {name};")?;
    writeln!(out, "    fn wrap(self, zone: Zone) -> {name} {{ {name} {{ inner: self, zone }} }}")?;
    writeln!(out, "}}\n")?;

    writeln!(out, "#[pymethods]")?;
    writeln!(out, "impl {name} {{")?;
    for field in &model.fields {
        write_getter(out, field)?;
    }
    if model.has_extra {
        writeln!(
            out,
            "    /// Keys the spec does not name (custom attributes such as \"Primary Job\")."
        )?;
        writeln!(out, "    #[getter]")?;
        writeln!(
            out,
            "    fn extra<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {{"
        )?;
        writeln!(out, "        convert::json_map_to_py(py, &self.inner.extra)")?;
        writeln!(out, "    }}\n")?;
    }

    // to_dict: plain Python values, nested records as dicts, secrets left out.
    writeln!(
        out,
        "    /// The record as a dict of plain values (nested records as dicts; secrets left out)."
    )?;
    writeln!(
        out,
        "    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {{"
    )?;
    writeln!(out, "        let d = PyDict::new(py);")?;
    for field in model.fields.iter().filter(|f| !is_secret(f)) {
        let n = &field.name;
        let value = match &field.ty {
            FieldType::Model(_) if field.optional => {
                format!("match self.{n}() {{ Some(v) => Some(v.to_dict(py)?), None => None }}")
            }
            FieldType::Model(_) => format!("self.{n}().to_dict(py)?"),
            FieldType::List(inner) if matches!(inner.as_ref(), FieldType::Model(_)) => format!(
                "PyList::new(py, self.{n}().iter().map(|v| v.to_dict(py)).collect::<PyResult<Vec<_>>>()?)?"
            ),
            // A time the server wrote in no form we read stays as its text: nothing lost.
            FieldType::DateTimeText if field.optional => {
                format!("convert::datetime_or_text(py, self.zone, self.inner.{n}.as_deref())?")
            }
            FieldType::DateTimeText => {
                format!("convert::datetime_or_text(py, self.zone, Some(&self.inner.{n}))?")
            }
            _ => format!("self.{n}()"),
        };
        writeln!(out, "        d.set_item({n:?}, {value})?;")?;
    }
    if model.has_extra {
        writeln!(out, "        d.set_item(\"extra\", self.extra(py)?)?;")?;
    }
    writeln!(out, "        Ok(d)")?;
    writeln!(out, "    }}\n")?;

    // repr: every field that is set, secrets never.
    writeln!(out, "    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {{")?;
    writeln!(out, "        let mut parts: Vec<(&str, Bound<'_, PyAny>)> = Vec::new();")?;
    for field in model.fields.iter().filter(|f| !is_secret(f)) {
        let n = &field.name;
        let value = match (&field.ty, field.optional) {
            (FieldType::DateTimeText, _) => format!("self.{n}_raw()"),
            _ => format!("self.{n}()"),
        };
        writeln!(out, "        convert::repr_part(py, &mut parts, {n:?}, {value})?;")?;
    }
    if model.has_extra {
        writeln!(
            out,
            "        if !self.inner.extra.is_empty() {{ parts.push((\"extra\", self.extra(py)?.into_any())); }}"
        )?;
    }
    writeln!(out, "        convert::repr({name:?}, &parts)")?;
    writeln!(out, "    }}")?;
    writeln!(out, "}}\n")?;
    Ok(())
}

fn write_getter(out: &mut String, field: &Field) -> Result<()> {
    let n = &field.name;
    if let Some(doc) = &field.doc {
        for line in doc.trim().lines() {
            writeln!(out, "    /// {}", line.trim_end())?;
        }
    }
    if matches!(field.ty, FieldType::Secret) {
        writeln!(out, "    /// A secret: reachable here, never shown by `repr` or `to_dict`.")?;
    }
    writeln!(out, "    #[getter]")?;
    let opt = field.optional;
    match &field.ty {
        FieldType::String => {
            if opt {
                writeln!(out, "    fn {n}(&self) -> Option<&str> {{ self.inner.{n}.as_deref() }}")?;
            } else {
                writeln!(out, "    fn {n}(&self) -> &str {{ &self.inner.{n} }}")?;
            }
        }
        FieldType::Enum(_) => {
            if opt {
                writeln!(
                    out,
                    "    fn {n}(&self) -> Option<String> {{ self.inner.{n}.as_ref().map(|v| v.to_string()) }}"
                )?;
            } else {
                writeln!(out, "    fn {n}(&self) -> String {{ self.inner.{n}.to_string() }}")?;
            }
        }
        FieldType::Secret => {
            if opt {
                writeln!(
                    out,
                    "    fn {n}(&self) -> Option<&str> {{ self.inner.{n}.as_ref().map(|s| s.expose()) }}"
                )?;
            } else {
                writeln!(out, "    fn {n}(&self) -> &str {{ self.inner.{n}.expose() }}")?;
            }
        }
        FieldType::Int | FieldType::Float | FieldType::Bool | FieldType::Date => {
            let ty = rust_scalar(&field.ty);
            if opt {
                writeln!(out, "    fn {n}(&self) -> Option<{ty}> {{ self.inner.{n} }}")?;
            } else {
                writeln!(out, "    fn {n}(&self) -> {ty} {{ self.inner.{n} }}")?;
            }
        }
        FieldType::DateTimeText => {
            if opt {
                writeln!(
                    out,
                    "    fn {n}<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {{\n        \
                     convert::datetime_lenient(py, self.zone, self.inner.{n}.as_deref())\n    }}"
                )?;
            } else {
                writeln!(
                    out,
                    "    fn {n}<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {{\n        \
                     convert::datetime_strict(py, self.zone, &self.inner.{n})\n    }}"
                )?;
            }
            writeln!(out, "\n    /// The server's own text of `{n}`.")?;
            writeln!(out, "    #[getter]")?;
            if opt {
                writeln!(
                    out,
                    "    fn {n}_raw(&self) -> Option<&str> {{ self.inner.{n}.as_deref() }}"
                )?;
            } else {
                writeln!(out, "    fn {n}_raw(&self) -> &str {{ &self.inner.{n} }}")?;
            }
        }
        FieldType::Model(m) => {
            if opt {
                writeln!(
                    out,
                    "    fn {n}(&self) -> Option<{m}> {{ self.inner.{n}.clone().map(|v| v.wrap(self.zone)) }}"
                )?;
            } else {
                writeln!(
                    out,
                    "    fn {n}(&self) -> {m} {{ self.inner.{n}.clone().wrap(self.zone) }}"
                )?;
            }
        }
        FieldType::List(inner) => match inner.as_ref() {
            FieldType::Model(m) => writeln!(
                out,
                "    fn {n}(&self) -> Vec<{m}> {{ self.inner.{n}.iter().cloned().map(|v| v.wrap(self.zone)).collect() }}"
            )?,
            FieldType::Int | FieldType::Float | FieldType::Bool => writeln!(
                out,
                "    fn {n}(&self) -> Vec<{}> {{ self.inner.{n}.clone() }}",
                rust_scalar(inner)
            )?,
            FieldType::String => {
                writeln!(out, "    fn {n}(&self) -> Vec<String> {{ self.inner.{n}.clone() }}")?
            }
            other => bail!("{n}: lists of {other:?} are not supported by the Python emitter"),
        },
    }
    writeln!(out)?;
    Ok(())
}

fn rust_scalar(ty: &FieldType) -> &'static str {
    match ty {
        FieldType::Int => "i64",
        FieldType::Float => "f64",
        FieldType::Bool => "bool",
        FieldType::Date => "chrono::NaiveDate",
        _ => unreachable!("not a scalar"),
    }
}

// ---------------------------------------------------------------------------------------
// The .pyi stub of the native module

fn stub(
    spec: &OpenAPI,
    models: &[Model],
    resources: &[Resource],
    client_args: &str,
) -> Result<String> {
    let mut out = String::new();
    out.push_str(
        "# @generated by `cargo xtask codegen` (xtask bindings::python) from openapi/zkbiotime.yaml.\n\
         # DO NOT EDIT: change the spec (or xtask/src/bindings/python.rs) and run `cargo xtask codegen`.\n\
         \"\"\"Type stubs of `zkbiotime._native`, the compiled part of the package.\"\"\"\n\n\
         import datetime\n\
         import os\n\
         import types\n\
         from collections.abc import AsyncIterator, Awaitable, Iterator, Mapping, Sequence\n\
         from typing import Any, Generic, Literal, TypeVar, final, overload\n\n\
         from typing_extensions import Self\n\n",
    );
    for (name, values) in enums(spec) {
        writeln!(out, "{name} = {}\n", literal(&values))?;
    }
    for model in models.iter().filter(|m| m.role == Role::Record) {
        write_record_stub(&mut out, model)?;
    }
    out.push_str(CLIENT_STUB);
    for r in resources {
        write_resource_stub(&mut out, models, r, false)?;
        write_resource_stub(&mut out, models, r, true)?;
    }
    for prefix in ["", "Async"] {
        writeln!(out, "@final")?;
        writeln!(out, "class {prefix}Client:")?;
        writeln!(out, "    def __init__(")?;
        out.push_str(client_args);
        writeln!(out, "    ) -> None: ...")?;
        writeln!(out, "    @property\n    def base_url(self) -> str: ...")?;
        writeln!(out, "    @property\n    def timezone(self) -> str | None: ...")?;
        for r in resources {
            writeln!(out, "    @property")?;
            writeln!(out, "    def {}(self) -> {prefix}{}: ...", r.name, r.class)?;
        }
        if prefix.is_empty() {
            writeln!(out, "    def login(self) -> None: ...")?;
            writeln!(
                out,
                "    def request(self, method: str, path: str, *, params: Mapping[str, object] | None = None, json: object = None) -> Any: ..."
            )?;
            writeln!(out, "    def server_info(self) -> dict[str, Any]: ...")?;
            writeln!(
                out,
                "    def report(self, name: str, /, **params: object) -> RecordList[dict[str, Any]]: ..."
            )?;
            writeln!(out, "    def close(self) -> None: ...")?;
            writeln!(out, "    def __enter__(self) -> Self: ...")?;
            writeln!(
                out,
                "    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: types.TracebackType | None) -> None: ..."
            )?;
        } else {
            writeln!(out, "    async def login(self) -> None: ...")?;
            writeln!(
                out,
                "    async def request(self, method: str, path: str, *, params: Mapping[str, object] | None = None, json: object = None) -> Any: ..."
            )?;
            writeln!(out, "    async def server_info(self) -> dict[str, Any]: ...")?;
            writeln!(
                out,
                "    def report(self, name: str, /, **params: object) -> AsyncRecordList[dict[str, Any]]: ..."
            )?;
            writeln!(out, "    async def close(self) -> None: ...")?;
            writeln!(out, "    async def __aenter__(self) -> Self: ...")?;
            writeln!(
                out,
                "    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: types.TracebackType | None) -> None: ..."
            )?;
        }
        writeln!(out)?;
    }
    Ok(out)
}

fn py_type(ty: &FieldType, input: bool) -> String {
    match ty {
        FieldType::String | FieldType::Secret | FieldType::Enum(_) => "str".into(),
        FieldType::Int => "int".into(),
        FieldType::Float => "float".into(),
        FieldType::Bool => "bool".into(),
        FieldType::Date if input => "datetime.date | str".into(),
        FieldType::Date => "datetime.date".into(),
        FieldType::DateTimeText if input => "datetime.datetime | str".into(),
        FieldType::DateTimeText => "datetime.datetime".into(),
        FieldType::Model(m) => m.clone(),
        FieldType::List(inner) if input => format!("Sequence[{}]", py_type(inner, true)),
        FieldType::List(inner) => format!("list[{}]", py_type(inner, false)),
    }
}

fn write_record_stub(out: &mut String, model: &Model) -> Result<()> {
    writeln!(out, "@final")?;
    writeln!(out, "class {}:", model.name)?;
    if let Some(doc) = &model.doc {
        let doc = doc.trim().replace('\n', "\n    ");
        writeln!(out, "    \"\"\"{doc}\"\"\"\n")?;
    }
    for field in &model.fields {
        let mut ty = py_type(&field.ty, false);
        if field.optional {
            ty.push_str(" | None");
        }
        writeln!(out, "    @property")?;
        writeln!(out, "    def {}(self) -> {ty}: ...", field.name)?;
        if field.ty == FieldType::DateTimeText {
            let raw = if field.optional { "str | None" } else { "str" };
            writeln!(out, "    @property")?;
            writeln!(out, "    def {}_raw(self) -> {raw}: ...", field.name)?;
        }
    }
    if model.has_extra {
        writeln!(out, "    @property")?;
        writeln!(out, "    def extra(self) -> dict[str, Any]: ...")?;
    }
    writeln!(out, "    def to_dict(self) -> dict[str, Any]: ...")?;
    writeln!(out, "    def __eq__(self, other: object) -> bool: ...")?;
    writeln!(out)?;
    Ok(())
}

fn write_resource_stub(
    out: &mut String,
    models: &[Model],
    r: &Resource,
    asynchronous: bool,
) -> Result<()> {
    let (prefix, def, list) = if asynchronous {
        ("Async", "async def", "AsyncRecordList")
    } else {
        ("", "def", "RecordList")
    };
    writeln!(out, "@final")?;
    writeln!(out, "class {prefix}{}:", r.class)?;
    writeln!(out, "    def list(")?;
    writeln!(out, "        self,")?;
    if !r.filters.is_empty() {
        writeln!(out, "        *,")?;
    }
    for f in &r.filters {
        writeln!(out, "        {}: {} | None = None,", f.name, f.py)?;
    }
    writeln!(out, "    ) -> {list}[{}]:", r.item)?;
    write!(out, "        \"\"\"Every {} the filters select, fetched page by page.", r.item)?;
    let described: Vec<&Filter> = r.filters.iter().filter(|f| f.description.is_some()).collect();
    if !described.is_empty() {
        writeln!(out, "\n")?;
        for f in described {
            let d = f.description.as_deref().unwrap_or_default().trim().replace('\n', " ");
            writeln!(out, "        {}: {d}", f.name)?;
        }
        write!(out, "        ")?;
    }
    writeln!(out, "\"\"\"")?;
    let page = if asynchronous {
        format!("Awaitable[Page[{}]]", r.item)
    } else {
        format!("Page[{}]", r.item)
    };
    writeln!(out, "    def page(")?;
    writeln!(out, "        self,")?;
    writeln!(out, "        number: int,")?;
    if !r.filters.is_empty() {
        writeln!(out, "        *,")?;
    }
    for f in &r.filters {
        writeln!(out, "        {}: {} | None = None,", f.name, f.py)?;
    }
    writeln!(out, "    ) -> {page}:")?;
    writeln!(
        out,
        "        \"\"\"Page `number` (1-based) of the list, with the total count.\"\"\""
    )?;
    if r.get {
        writeln!(out, "    {def} get(self, id: int) -> {}: ...", r.item)?;
    }
    if let Some((create, update, written)) = &r.crud {
        let body = |name: &str, all_optional: bool| -> Result<String> {
            let model = models.iter().find(|m| m.name == name).context("body model")?;
            let mut s = String::new();
            // Keyword-only: required and optional ones may interleave.
            for f in &model.fields {
                let ty = py_type(&f.ty, true);
                if f.optional || all_optional {
                    writeln!(s, "        {}: {ty} | None = None,", f.name)?;
                } else {
                    writeln!(s, "        {}: {ty},", f.name)?;
                }
            }
            if model.has_extra {
                writeln!(s, "        extra: Mapping[str, Any] | None = None,")?;
            }
            Ok(s)
        };
        writeln!(out, "    {def} create(\n        self,\n        *,")?;
        out.push_str(&body(create, false)?);
        writeln!(out, "    ) -> {written}: ...")?;
        writeln!(out, "    {def} update(\n        self,\n        id: int,\n        *,")?;
        out.push_str(&body(update, true)?);
        writeln!(out, "    ) -> {written}: ...")?;
        if r.upsert {
            writeln!(out, "    {def} upsert(\n        self,\n        *,")?;
            out.push_str(&body(create, false)?);
            writeln!(out, "    ) -> tuple[{written}, bool]:")?;
            writeln!(
                out,
                "        \"\"\"Creates the record or updates the one with the same code; True if created.\"\"\""
            )?;
        }
    }
    if r.delete {
        writeln!(out, "    {def} delete(self, id: int) -> None: ...")?;
    }
    for a in &r.actions {
        let model = models.iter().find(|m| m.name == a.body).context("action body model")?;
        if a.ids.is_some() {
            // The bare list of ids (the body's one field), or the body's fields as keywords.
            writeln!(out, "    @overload")?;
            writeln!(out, "    {def} {}(self, ids: Sequence[int], /) -> Any: ...", a.name)?;
            writeln!(out, "    @overload")?;
        }
        writeln!(out, "    {def} {}(\n        self,\n        *,", a.name)?;
        for f in &model.fields {
            let ty = py_type(&f.ty, true);
            if f.optional {
                writeln!(out, "        {}: {ty} | None = None,", f.name)?;
            } else {
                writeln!(out, "        {}: {ty},", f.name)?;
            }
        }
        if model.has_extra {
            writeln!(out, "        extra: Mapping[str, Any] | None = None,")?;
        }
        writeln!(out, "    ) -> Any:")?;
        writeln!(
            out,
            "        \"\"\"{}. Returns the server's JSON answer.\"\"\"",
            a.doc.trim().trim_end_matches('.')
        )?;
    }
    if r.sync {
        writeln!(
            out,
            "    {def} sync(self, state: str | None = None, *, max: int | None = None, since: datetime.date | datetime.datetime | str | None = None) -> SyncBatch:"
        )?;
        writeln!(
            out,
            "        \"\"\"Punches not returned before (late uploads included); store `batch.state` after keeping them. `since` (first sync only, no `state`): skip punches timed before it.\"\"\""
        )?;
        // The server-side export (`GET …/transactions/export/`), streamed to a file.
        writeln!(out, "    {def} export_file(")?;
        writeln!(out, "        self,")?;
        writeln!(out, "        path: str | os.PathLike[str],")?;
        writeln!(out, "        format: Literal[\"csv\", \"txt\", \"xls\"] = \"csv\",")?;
        if !r.filters.is_empty() {
            writeln!(out, "        *,")?;
        }
        for f in &r.filters {
            writeln!(out, "        {}: {} | None = None,", f.name, f.py)?;
        }
        writeln!(out, "    ) -> int:")?;
        writeln!(
            out,
            "        \"\"\"Downloads the server-rendered export of the punches the filters select into `path` (streamed; written as `<path>.part`, renamed when complete, so a failure leaves no file); returns the bytes written.\"\"\""
        )?;
    }
    writeln!(out)?;
    Ok(())
}

/// Core settings with a Python form of their own: `verify` (True, False or a CA bundle's
/// path, as `requests` has it) stands for the TLS ones; the binding sets the `User-Agent`.
const NOT_KEYWORDS: &[&str] = &["ca_bundle", "ca_pem", "insecure_skip_tls_verify", "user_agent"];

/// The keyword arguments of both clients' constructors: the core's settings
/// (`zkbiotime::Config`, `crate::codegen::settings`) under their own names, seconds as
/// seconds, with the core's defaults; the binding passes them on as they are.
fn client_args(settings: &[Setting]) -> String {
    let mut out = String::from("        self,\n        base_url: str,\n        *,\n");
    for s in settings.iter().filter(|s| !NOT_KEYWORDS.contains(&s.name.as_str())) {
        if s.name == "base_url" {
            continue;
        }
        let ty = match (s.name.as_str(), s.ty.replace(' ', "").as_str()) {
            ("auth", _) => r#"Literal["token", "jwt", "staff_token", "staff_jwt", "basic"]"#,
            (_, "bool") => "bool",
            (_, "f64") => "float",
            (_, "u32" | "u64" | "i64" | "i32" | "usize") => "int",
            _ => "str",
        };
        let (ty, default) = match &s.default {
            _ if s.is_optional() => (format!("{ty} | None"), "None".to_string()),
            Some(Value::Number(n)) if ty == "float" => (ty.into(), format!("{n:?}")),
            Some(Value::Number(n)) => (ty.into(), format!("{}", *n as i64)),
            Some(Value::Text(t)) => (ty.into(), format!("{t:?}")),
            Some(Value::Bool(b)) => (ty.into(), if *b { "True" } else { "False" }.into()),
            None => (format!("{ty} | None"), "None".to_string()),
        };
        out.push_str(&format!("        {}: {ty} = {default},\n", s.name));
    }
    out.push_str("        verify: bool | str | os.PathLike[str] = True,\n");
    out
}

/// The hand-written part of the stub: lists, pages, sync batches, the client base.
const CLIENT_STUB: &str = r#"_T = TypeVar("_T")

def labels(record: str, field: str) -> dict[str, str]:
    """What the codes of `record.field` mean (`labels("Transaction", "punch_state")["0"]` is
    "Check In"); empty for a field without labels."""

@final
class Page(Generic[_T]):
    """One page of a list: its records and the list's total."""

    @property
    def number(self) -> int: ...
    @property
    def count(self) -> int: ...
    @property
    def page_size(self) -> int: ...
    @property
    def has_next(self) -> bool: ...
    @property
    def items(self) -> list[_T]: ...
    def __len__(self) -> int: ...
    def __iter__(self) -> Iterator[_T]: ...

@final
class RecordList(Generic[_T]):
    """Every record of a list, fetched lazily page by page (one pass).

    `len()` is the server's total count (one request for the first page, which iteration
    then reuses), so progress bars such as tqdm show a real bar.
    """

    @property
    def count(self) -> int: ...
    def __len__(self) -> int: ...
    def __length_hint__(self) -> int: ...
    def __iter__(self) -> Self: ...
    def __next__(self) -> _T: ...
    def pages(self) -> Iterator[Page[_T]]: ...
    def __class_getitem__(cls, item: object) -> types.GenericAlias: ...

@final
class PageIterator(Generic[_T]):
    def __iter__(self) -> Self: ...
    def __next__(self) -> Page[_T]: ...

@final
class AsyncRecordList(Generic[_T]):
    """Every record of a list, fetched lazily page by page (`async for`, one pass)."""

    def count(self) -> Awaitable[int]: ...
    def __aiter__(self) -> Self: ...
    def __anext__(self) -> Awaitable[_T]: ...
    def pages(self) -> AsyncIterator[Page[_T]]: ...
    def __class_getitem__(cls, item: object) -> types.GenericAlias: ...

@final
class AsyncPageIterator(Generic[_T]):
    def __aiter__(self) -> Self: ...
    def __anext__(self) -> Awaitable[Page[_T]]: ...

@final
class SyncBatch:
    """New punches and the state to store once they are safely kept."""

    @property
    def punches(self) -> list[Transaction]: ...
    @property
    def state(self) -> str:
        """JSON text: pass it to the next `sync` call."""
    @property
    def complete(self) -> bool:
        """False when the batch stopped at `max`: call again for more."""
    def __len__(self) -> int: ...

def directions(
    punches: Sequence[Transaction],
    by: Literal["state", "terminal", "alternate"] = "state",
    terminals: Mapping[str, str] | None = None,
) -> list[Literal["in", "out"] | None]:
    """IN or OUT for each punch, in order (`None`: the rule cannot tell). `by="state"`: the
    punch state code (0, 3, 4 in; 1, 2, 5 out); `"terminal"`: `terminals` maps a serial
    number or alias to "in"/"out"; `"alternate"`: IN, OUT, ... per employee and day (pass
    whole days)."""

def _panic_for_tests(asynchronous: bool = False) -> Any: ...
def _runtime_id() -> int: ...
def _at_exit() -> None: ...

"#;

#[cfg(test)]
mod tests {
    use super::*;

    /// The Python binding's generated files alone are fresh (`ZKBIO_WRITE=1` rewrites them:
    /// a quick loop while working on this emitter; `cargo xtask codegen` is the real tool).
    #[test]
    fn python_outputs_are_fresh() {
        let root = crate::project_root();
        let spec = crate::codegen::load_spec(&root).unwrap();
        for out in outputs(&root, &spec).unwrap() {
            let current = std::fs::read_to_string(&out.path).unwrap_or_default();
            if current != out.contents {
                if std::env::var_os("ZKBIO_WRITE").is_some() {
                    std::fs::write(&out.path, &out.contents).unwrap();
                } else {
                    panic!("{} is stale: run `cargo xtask codegen`", out.path.display());
                }
            }
        }
    }

    #[test]
    fn resources_come_from_the_spec() {
        let spec = crate::codegen::load_spec(&crate::project_root()).unwrap();
        let rs = resources(&spec).unwrap();
        let employees = rs.iter().find(|r| r.name == "employees").unwrap();
        assert_eq!(employees.item, "Employee");
        let (create, update, written) = employees.crud.clone().unwrap();
        assert_eq!(
            (create.as_str(), update.as_str(), written.as_str()),
            ("EmployeeCreate", "EmployeeUpdate", "EmployeeWritten")
        );
        assert!(employees.filters.iter().any(|f| f.name == "department" && f.py == "int"));
        let punches = rs.iter().find(|r| r.name == "transactions").unwrap();
        assert!(punches.crud.is_none());
        let ordering = punches.filters.iter().find(|f| f.name == "ordering").unwrap();
        assert!(ordering.py.starts_with("Literal[\"punch_time\""), "{}", ordering.py);
    }
}
