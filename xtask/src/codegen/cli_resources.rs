//! `crates/zkbiotime-cli/src/generated_resources.rs`: the CLI's resource table from the spec
//! model (`crate::codegen::resources`): the `Resource` enum with what each resource lists,
//! reads and writes, the clap subcommands of the resources without hand-written actions
//! (with one subcommand per `x-action`, e.g. `zkbio resigns reinstate`; an `x-destructive`
//! one also takes `--yes` and asks first without it), and the dispatch from a resource to the
//! core accessor of the same name.

use std::fmt::Write as _;

use anyhow::{Result, bail};

use crate::codegen::header;
use crate::codegen::resources::{Resource, camel};

pub fn generate(all: &[Resource]) -> Result<String> {
    if let Some(r) = all.iter().find(|r| r.sync && !r.actions.is_empty()) {
        // The subcommands of a resource with sync are declared by hand in the CLI's cli.rs.
        bail!(
            "{}: the CLI has no generated subcommands for the x-action(s) of a resource with \
             x-sync; add them to its hand-written subcommand enum and to this emitter",
            r.name
        );
    }
    let mut out = header("xtask codegen cli_resources");
    out.push_str(
        "//! The resources of the spec: their table, subcommands and dispatch.\n\n\
         use crate::cli::{BodyArgs, DeleteAction, DestructiveArgs, ListAction, ReadAction, UpsertAction, WriteAction};\n\
         use crate::fields::{body_from, filter_from, model};\n\
         use crate::resources::{Confirm, Ctx, Op, action, delete, list, read, upsert, write, write_list};\n\n",
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
        format!("{:?}", command_name(&r.name))
    });
    table(&mut out, "One record, in messages.", "singular(self) -> &'static str", &|r| {
        format!("{:?}", r.singular)
    });
    table(
        &mut out,
        "The model of the list's filters (the core's generated filter type).",
        "filter_model(self) -> &'static str",
        &|r| format!("{:?}", r.filter),
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
    table(
        &mut out,
        "The `x-action` subcommands beyond list / get / write: name, body model, and whether \
         it is destructive (asks first).",
        "actions(self) -> &'static [(&'static str, &'static str, bool)]",
        &|r| {
            let pairs: Vec<String> = r
                .actions
                .iter()
                .map(|a| format!("({:?}, {:?}, {})", command_name(&a.name), a.body, a.destructive))
                .collect();
            format!("&[{}]", pairs.join(", "))
        },
    );
    table(&mut out, "Whether the resource has export and sync.", "has_sync(self) -> bool", &|r| {
        r.sync.to_string()
    });
    out.push_str("}\n\n");

    out.push_str(
        "/// The subcommands of the resources without hand-written ones (the others, with\n\
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

    for r in all.iter().filter(|r| !r.sync && !r.actions.is_empty()) {
        let name = action_enum(r);
        writeln!(
            out,
            "/// The subcommands of {}: the generic ones and its `x-action`s.\n\
             #[derive(clap::Subcommand, Debug)]\npub enum {name} {{\n    \
             #[command(flatten)]\n    Base({}),",
            r.name,
            base_action(r)
        )?;
        for a in &r.actions {
            let mut doc = format!(
                "{}\n\nThe body ({}) from field flags, --data and --set, like create; prints \
                 the server's answer.",
                a.doc.trim().trim_end_matches('.'),
                a.body
            );
            if a.destructive {
                doc.push_str(
                    " Destructive: asks first on a terminal; --yes skips the question (needed \
                     when stdin is not a terminal).",
                );
            }
            let args = if a.destructive { "DestructiveArgs" } else { "BodyArgs" };
            writeln!(
                out,
                "    #[doc = {doc:?}]\n    #[command(name = {:?})]\n    {}({args}),",
                command_name(&a.name),
                camel(&a.name)
            )?;
        }
        writeln!(out, "}}\n\nimpl From<{name}> for Op {{\n    fn from(action: {name}) -> Self {{")?;
        writeln!(out, "        match action {{\n            {name}::Base(base) => base.into(),")?;
        for a in &r.actions {
            let (bind, body, confirm) = if a.destructive {
                ("args", "args.body", "Confirm::asked(args.yes)")
            } else {
                ("body", "body", "Confirm::NotNeeded")
            };
            writeln!(
                out,
                "            {name}::{}({bind}) => Op::Action({:?}, {body}, {confirm}),",
                camel(&a.name),
                command_name(&a.name)
            )?;
        }
        out.push_str("        }\n    }\n}\n\n");
    }

    out.push_str(
        "/// Runs `op` through the core accessor of `ctx.resource`.\n\
         pub async fn dispatch(ctx: Ctx<'_>, op: Op) -> anyhow::Result<()> {\n    match ctx.resource {\n",
    );
    for r in all {
        let kind = match &r.write {
            None if r.delete => "delete",
            None if r.get_op.is_none() => "list",
            None => "read",
            Some(w) if w.upsert_key.is_some() => "upsert",
            Some(_) => "write",
        };
        let generic = format!("{kind}!(ctx, {}, zkbiotime::{}, op)", r.name, r.filter);
        if r.actions.is_empty() {
            writeln!(out, "        Resource::{} => {generic},", r.class)?;
            continue;
        }
        writeln!(out, "        Resource::{} => match op {{", r.class)?;
        for a in &r.actions {
            writeln!(
                out,
                "            Op::Action({:?}, body, confirm) => action!(ctx, {}, {}, {:?}, body, confirm),",
                command_name(&a.name),
                r.name,
                a.name,
                command_name(&a.name)
            )?;
        }
        writeln!(out, "            op => {generic},\n        }},")?;
    }
    out.push_str("    }\n}\n");
    Ok(out)
}

/// The clap enum of a resource's subcommands: a generated one when it has `x-action`s.
fn action(r: &Resource) -> String {
    if r.actions.is_empty() { base_action(r).into() } else { action_enum(r) }
}

/// `Resigns` → `ResignsAction`.
fn action_enum(r: &Resource) -> String {
    format!("{}Action", r.class)
}

/// `reinstate` → `reinstate`, `bulk_delete` → `bulk-delete`: the subcommand of an action
/// (and of a resource: `first_last_reports` → `first-last-reports`, as clap names the variant).
fn command_name(action: &str) -> String {
    action.replace('_', "-")
}

fn base_action(r: &Resource) -> &'static str {
    match &r.write {
        None if r.delete => "DeleteAction",
        None if r.get_op.is_none() => "ListAction",
        None => "ReadAction",
        Some(w) if w.upsert_key.is_some() => "UpsertAction",
        Some(_) => "WriteAction",
    }
}
