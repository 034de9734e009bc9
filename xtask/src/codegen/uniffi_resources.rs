//! `bindings/kotlin-swift/src/generated/resources.rs`: one uniffi object per resource of the spec
//! model (`crate::codegen::resources`), declared with the binding's hand-written macros, and
//! the `Client` methods that make them; and `bindings/kotlin-swift/kotlin/io/github/zkbiotime/generated/Paging.kt`:
//! each resource's paging as a Kotlin `Flow` and a blocking iterator for Java, on the
//! hand-written helpers of `kotlin/io/github/zkbiotime/PagingSupport.kt`.

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
         use crate::resources::{PagerState, get_resource, read_resource, upsert_resource, write_resource};\n\n",
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
        if r.get_op.is_some() {
            writeln!(out, "get_resource!({}, item: {});", r.class, r.item)?;
        }
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
        if r.delete && r.write.is_none() {
            // Writable resources get `delete` from `write_resource!`; this one has only it.
            writeln!(
                out,
                "#[uniffi::export(async_runtime = \"tokio\")]\nimpl {} {{\n    /// Deletes a record.\n    \
                 pub async fn delete(&self, id: i64) -> Result<(), ZkbioError> {{\n        \
                 guard(async {{ Ok(self.inner.delete(id).await?) }}).await\n    }}\n}}",
                r.class
            )?;
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

/// The Kotlin paging extensions of every resource: `pages(filter)` (a cold `Flow` of pages),
/// `listFlow(filter)` (a cold `Flow` of records) and `listBlocking(filter)` (Java). uniffi's
/// generated pager classes share no interface, so each resource gets its three one-liners.
pub fn generate_kotlin(all: &[Resource]) -> Result<String> {
    let mut out = header("xtask codegen uniffi_resources");
    out.push_str(
        "@file:JvmName(\"Paging\")\n\n\
         package io.github.zkbiotime\n\n\
         import kotlinx.coroutines.flow.Flow\n\
         import kotlinx.coroutines.flow.transform\n",
    );
    for r in all {
        let (class, item, page, filter) = (&r.class, &r.item, r.page_class(), &r.filter);
        write!(
            out,
            "\n// {doc}\n\n\
             /**\n * Every page of {name} the filter selects, as a cold [Flow]: nothing is read until it is\n \
             * collected; each collection opens a new pager and closes it when the collection ends,\n \
             * fails or is cancelled (the core stops reading ahead).\n */\n\
             fun {class}.pages(filter: {filter}? = null): Flow<{page}> =\n    \
             pagesOf({{ pager(filter) }}, {{ it.nextPage() }})\n\n\
             /** Every {singular} the filter selects, one by one, as a cold [Flow] (see [pages]). */\n\
             fun {class}.listFlow(filter: {filter}? = null): Flow<{item}> =\n    \
             pages(filter).transform {{ page -> page.items.forEach {{ emit(it) }} }}\n\n\
             /**\n * Every {singular} the filter selects, for Java: `try (var it = Paging.listBlocking({name}, filter))`.\n \
             * Blocks the calling thread for each page; `close()` (or the end) closes the pager. Errors\n \
             * are `ZkbioException`s, declared here so that Java may catch them around the loop.\n */\n\
             @JvmOverloads\n\
             @Throws(ZkbioException::class)\n\
             fun {class}.listBlocking(filter: {filter}? = null): BlockingIterator<{item}> {{\n    \
             val pager = pager(filter)\n    \
             return BlockingIterator(pager) {{ pager.nextPage()?.items }}\n\
             }}\n",
            doc = r.doc,
            name = r.name,
            singular = r.singular,
        )?;
    }
    Ok(out)
}
