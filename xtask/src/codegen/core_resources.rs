//! `crates/zkbiotime/src/generated/resources.rs`: one accessor type per resource of the spec
//! model (`crate::codegen::resources`), declared with the core's hand-written `resource!`
//! macro, and the `Client` method that makes each.

use std::fmt::Write as _;

use anyhow::{Context, Result};
use openapiv3::OpenAPI;

use crate::codegen::header;
use crate::codegen::models::models;
use crate::codegen::resources::resources;

pub fn generate(spec: &OpenAPI) -> Result<String> {
    let all = resources(spec)?;
    let models = models(spec)?;
    let mut out = header("xtask codegen core_resources");
    out.push_str(
        "//! The API resources: one accessor type each (`crate::resources::resource!`) and the\n\
         //! `Client` methods that make them.\n\n\
         use futures::Stream;\n\n\
         use crate::client::{Call, Client};\n\
         use crate::error::{Error, ErrorKind, Result};\n\
         use crate::generated::api::types;\n\
         use crate::generated::lists::*;\n\
         use crate::paging::{self, ListFilter, Page};\n\
         use crate::resources::{Upserted, WithId, as_written, detail_path, resource, to_update};\n\n",
    );
    for r in &all {
        writeln!(
            out,
            "resource!(read {}, {:?}, item: types::{}, filter: {}{});",
            r.class,
            r.doc,
            r.item,
            r.filter,
            r.get_op.as_ref().map(|g| format!(", get: {g}")).unwrap_or_default()
        )?;
        for a in &r.actions {
            let doc = format!("{} (`POST {}`).", a.doc.trim_end_matches('.'), a.path);
            writeln!(
                out,
                "resource!(action {}, {}, {:?}, body: types::{}, {doc:?});",
                r.class, a.name, a.path, a.body
            )?;
        }
        if r.delete {
            writeln!(out, "resource!(delete {}, filter: {});", r.class, r.filter)?;
        }
        let Some(w) = &r.write else {
            out.push('\n');
            continue;
        };
        let key = w.upsert_key.as_ref().map(|k| format!(", upsert_key: {k}")).unwrap_or_default();
        writeln!(
            out,
            "resource!(write {}, filter: {}, create: {}(types::{}) -> types::{}, \
             update: {:?} {}(types::{}){key});",
            r.class,
            r.filter,
            w.create_op,
            w.create_body,
            w.written,
            w.update_method,
            w.update_op,
            w.update_body
        )?;
        if w.upsert_key.is_some() {
            // `upsert` reports the id it updated; a written type whose `id` is optional in the
            // spec gets it filled in.
            let written = models
                .iter()
                .find(|m| m.name == w.written)
                .with_context(|| format!("no schema {}", w.written))?;
            let id = written.fields.iter().find(|f| f.name == "id");
            let body = match id {
                Some(f) if f.optional => {
                    "mut self, id: i64) -> Self { self.id.get_or_insert(id); self }"
                }
                Some(_) => "self, _id: i64) -> Self { self }",
                None => anyhow::bail!("{}: an upsert answer needs an `id` field", w.written),
            };
            writeln!(out, "impl WithId for types::{} {{ fn with_id({body} }}", w.written)?;
        }
        out.push('\n');
    }
    out.push_str(
        "/// APIs not every server has: (path prefix, API name, the versions that have it).\n\
         pub(crate) const OPTIONAL_APIS: &[(&str, &str, &str)] = &[\n",
    );
    for r in &all {
        if let Some(servers) = &r.servers {
            writeln!(out, "    ({:?}, {:?}, {servers:?}),", r.list.path, r.singular)?;
        }
        for a in r.actions.iter().filter(|a| a.servers.is_some()) {
            let (name, servers) = (format!("{} {}", r.singular, a.name), a.servers.as_deref());
            writeln!(out, "    ({:?}, {name:?}, {:?}),", a.path, servers.unwrap_or_default())?;
        }
    }
    out.push_str("];\n\n");
    out.push_str("impl Client {\n");
    for r in &all {
        writeln!(out, "    #[doc = {:?}]", r.doc)?;
        writeln!(
            out,
            "    pub fn {}(&self) -> {} {{ {}::new(self.clone()) }}",
            r.name, r.class, r.class
        )?;
    }
    out.push_str("}\n");
    Ok(out)
}
