//! `crates/zkbiotime-cli/src/generated_resources.rs`: the CLI's resource table from the spec
//! model (`crate::codegen::resources`): the `Resource` enum with what each resource lists,
//! reads and writes, the clap subcommands of the resources without hand-written actions,
//! and the dispatch from a resource to the core accessor of the same name.

use std::fmt::Write as _;

use anyhow::Result;

use crate::codegen::header;
use crate::codegen::resources::Resource;

pub fn generate(all: &[Resource]) -> Result<String> {
    let mut out = header("xtask codegen cli_resources");
    out.push_str(
        "//! The resources of the spec: their table, subcommands and dispatch.\n\n\
         use crate::cli::{ReadAction, UpsertAction, WriteAction};\n\
         use crate::fields::{body_from, filter_from, model};\n\
         use crate::resources::{Ctx, Op, read, upsert, write, write_list};\n\n",
    );
    out.push_str("/// Every resource of the spec.\n#[derive(Clone, Copy, Debug, PartialEq, Eq)]\npub enum Resource {\n");
    for r in all {
        writeln!(out, "    #[doc = {:?}]\n    {},", r.doc, r.class)?;
    }
    out.push_str("}\n\nimpl Resource {\n");
    let variants: Vec<String> = all.iter().map(|r| format!("Resource::{}", r.class)).collect();
    writeln!(out, "    pub const ALL: &'static [Resource] = &[{}];\n", variants.join(", "))?;
    let table = |out: &mut String, doc: &str, sig: &str, value: &dyn Fn(&Resource) -> String| {
        let mut s = format!("    /// {doc}\n    pub fn {sig} {{\n        match self {{\n");
        for r in all {
            s += &format!("            Resource::{} => {},\n", r.class, value(r));
        }
        s += "        }\n    }\n\n";
        out.push_str(&s);
    };
    table(&mut out, "The subcommand name.", "command(self) -> &'static str", &|r| {
        format!("{:?}", r.name)
    });
    table(&mut out, "One record, in messages.", "singular(self) -> &'static str", &|r| {
        format!("{:?}", r.singular)
    });
    table(
        &mut out,
        "The list's filter names, from the core's generated filter types.",
        "filter_fields(self) -> &'static [&'static str]",
        &|r| format!("zkbiotime::{}::FIELDS", r.filter),
    );
    table(
        &mut out,
        "The record type a list or get answers with.",
        "record_model(self) -> &'static str",
        &|r| format!("{:?}", r.item),
    );
    table(
        &mut out,
        "The create and update bodies of a writable resource.",
        "body_models(self) -> Option<(&'static str, &'static str)>",
        &|r| match &r.write {
            Some(w) => format!("Some(({:?}, {:?}))", w.create_body, w.update_body),
            None => "None".into(),
        },
    );
    table(
        &mut out,
        "What create and update answer with.",
        "written_model(self) -> &'static str",
        &|r| format!("{:?}", r.write.as_ref().map_or(&r.item, |w| &w.written)),
    );
    table(&mut out, "Whether `upsert` exists.", "has_upsert(self) -> bool", &|r| {
        r.write.as_ref().is_some_and(|w| w.upsert_key.is_some()).to_string()
    });
    table(&mut out, "Whether the resource has export and sync.", "has_sync(self) -> bool", &|r| {
        r.sync.to_string()
    });
    out.push_str("}\n\n");

    out.push_str(
        "/// The subcommands of the resources whose actions are all generic (the others, with\n\
         /// export and sync, are declared by hand in `cli.rs`).\n\
         #[derive(clap::Subcommand, Debug)]\npub enum ResourceCommand {\n",
    );
    for r in all.iter().filter(|r| !r.sync) {
        writeln!(out, "    #[doc = {:?}]", r.doc)?;
        writeln!(
            out,
            "    {} {{\n        #[command(subcommand)]\n        action: {},\n    }},",
            r.class,
            action(r)
        )?;
    }
    out.push_str(
        "}\n\nimpl ResourceCommand {\n    /// The resource and the operation to run on it.\n",
    );
    out.push_str("    pub fn into_op(self) -> (Resource, Op) {\n        match self {\n");
    for r in all.iter().filter(|r| !r.sync) {
        writeln!(
            out,
            "            Self::{0} {{ action }} => (Resource::{0}, action.into()),",
            r.class
        )?;
    }
    out.push_str("        }\n    }\n}\n\n");

    out.push_str(
        "/// Runs `op` through the core accessor of `ctx.resource`.\n\
         pub async fn dispatch(ctx: Ctx<'_>, op: Op) -> anyhow::Result<()> {\n    match ctx.resource {\n",
    );
    for r in all {
        let kind = match &r.write {
            None => "read",
            Some(w) if w.upsert_key.is_some() => "upsert",
            Some(_) => "write",
        };
        writeln!(
            out,
            "        Resource::{} => {kind}!(ctx, {}, zkbiotime::{}, op),",
            r.class, r.name, r.filter
        )?;
    }
    out.push_str("    }\n}\n");
    Ok(out)
}

fn action(r: &Resource) -> &'static str {
    match &r.write {
        None => "ReadAction",
        Some(w) if w.upsert_key.is_some() => "UpsertAction",
        Some(_) => "WriteAction",
    }
}
