//! `bindings/uniffi/src/generated/resources.rs`: one uniffi object per resource of the spec
//! model (`crate::codegen::resources`), declared with the binding's hand-written macros, and
//! the `Client` methods that make them.

use std::fmt::Write as _;

use anyhow::Result;

use crate::codegen::header;
use crate::codegen::resources::Resource;

pub fn generate(all: &[Resource]) -> Result<String> {
    let mut out = header("xtask codegen uniffi_resources");
    out.push_str(
        "//! The resources of the spec as uniffi objects, and the `Client` methods that make them.\n\n\
         use std::sync::Arc;\n\n\
         use futures::stream::{StreamExt, TryStreamExt};\n\n\
         use crate::client::Client;\n\
         use crate::convert::IntoCore;\n\
         use crate::error::{ZkbioError, guard, guard_sync};\n\
         use crate::records::*;\n\
         use crate::resources::{PagerState, read_resource, upsert_resource, write_resource};\n\n",
    );
    for r in all {
        writeln!(
            out,
            "read_resource!({:?}, {}, {}Pager, {}, {:?}, item: {}, filter: {});",
            r.doc,
            r.class,
            r.item,
            r.page_class(),
            format!("One page of {}.", r.name),
            r.item,
            r.filter
        )?;
        if let Some(w) = &r.write {
            writeln!(
                out,
                "write_resource!({}, create: {} -> {}, update: {});",
                r.class, w.create_body, w.written, w.update_body
            )?;
            if w.upsert_key.is_some() {
                writeln!(
                    out,
                    "upsert_resource!({}, create: {} -> {}, upserted: {}Upserted);",
                    r.class, w.create_body, w.written, r.item
                )?;
            }
        }
        if !r.actions.is_empty() {
            writeln!(out, "#[uniffi::export(async_runtime = \"tokio\")]\nimpl {} {{", r.class)?;
            for a in &r.actions {
                writeln!(
                    out,
                    "    /// {}. Answers the server's JSON as text.",
                    a.doc.trim().trim_end_matches('.')
                )?;
                writeln!(
                    out,
                    "    pub async fn {}(&self, body: {}) -> Result<String, ZkbioError> {{\n        \
                     guard(async {{ Ok(self.inner.{}(body.into_core()?).await?.to_string()) }}).await\n    }}",
                    a.name, a.body, a.name
                )?;
            }
            out.push_str("}\n");
        }
        out.push('\n');
    }
    out.push_str("#[uniffi::export]\nimpl Client {\n");
    for r in all {
        writeln!(out, "    #[doc = {:?}]", r.doc)?;
        writeln!(
            out,
            "    pub fn {}(&self) -> Arc<{c}> {{ Arc::new({c}::new(self.inner.{}())) }}",
            r.name,
            r.name,
            c = r.class
        )?;
    }
    out.push_str("}\n");
    Ok(out)
}
