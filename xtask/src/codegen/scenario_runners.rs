//! The resource tables of the scenario runners (`tests/scenarios/README.md`), from the spec's
//! resource model: which typed calls a step on resource X makes in Rust, Kotlin and Python.
//! The runners hold the steps' logic; these tables only name each resource's accessor,
//! filter, bodies and actions, so a resource added to the spec is replayed everywhere.
//! (The Node runner needs none: it finds the resources on the client.)

use std::fmt::Write;
use std::path::Path;

use anyhow::Result;

use crate::codegen::resources::{Resource, lower_camel};
use crate::codegen::{Output, header};

pub fn outputs(root: &Path, resources: &[Resource]) -> Result<Vec<Output>> {
    Ok(vec![
        Output {
            path: root.join("tests/e2e/src/bin/scenarios/generated.rs"),
            contents: rust(resources)?,
        },
        Output {
            path: root.join("bindings/kotlin-swift/tests/scenarios/Resources.generated.kt"),
            contents: kotlin(resources)?,
        },
        Output {
            path: root.join("bindings/python/tests/generated/scenario_records.py"),
            contents: python(resources)?,
        },
    ])
}

/// What the Rust runner may do with a resource (its `on_resource!` arms).
fn rust_kind(r: &Resource) -> &'static str {
    match (&r.write, &r.get_op) {
        (Some(w), _) if w.upsert_key.is_some() => "crud: yes",
        (Some(_), _) => "crud: no_upsert",
        (None, None) => "list_only",
        (None, Some(_)) if r.delete => "crud: delete_only",
        (None, Some(_)) => "crud: no",
    }
}

fn rust(resources: &[Resource]) -> Result<String> {
    let mut out = header("xtask codegen scenario_runners");
    out.push_str(
        "//! The Rust scenario runner's resource tables: a step's resource and action names\n\
         //! mapped to the core's typed calls.\n\n\
         /// `$on!(accessor, filter type, kind)` for the resource called `$name`; `$unknown`\n\
         /// for any other name.\n\
         macro_rules! dispatch_resource {\n    \
         ($c:expr, $name:expr, $on:ident, $unknown:expr) => {\n        match $name {\n",
    );
    for r in resources {
        writeln!(
            out,
            "            {:?} => $on!($c.{}(), zkbiotime::{}, {}),",
            r.name,
            r.name,
            r.filter,
            rust_kind(r)
        )?;
    }
    out.push_str(
        "            _ => $unknown,\n        }\n    };\n}\n\n\
         /// The action `$action` of the resource `$resource` (the spec's `x-action`), its body\n\
         /// parsed from `$body`; `$unknown` for any other pair.\n\
         macro_rules! dispatch_action {\n    \
         ($c:expr, $resource:expr, $action:expr, $body:expr, $unknown:expr) => {\n        \
         match ($resource, $action) {\n",
    );
    for r in resources {
        for a in &r.actions {
            writeln!(
                out,
                "            ({:?}, {:?}) => $c.{}().{}(parse($body)?).await,",
                r.name, a.name, r.name, a.name
            )?;
        }
    }
    out.push_str("            _ => $unknown,\n        }\n    };\n}\n");
    Ok(out)
}

fn kotlin(resources: &[Resource]) -> Result<String> {
    let mut out = header("xtask codegen scenario_runners");
    out.push_str(
        "// The Kotlin scenario runner's resource table: each resource's typed calls, the\n\
         // scenario's JSON-like maps built into the binding's data classes by reflection.\n\
         package kotlinscenarios\n\nimport io.github.zkbiotime.*\n\n\
         fun resources(c: Client): Map<String, Resource> = mapOf(\n",
    );
    for r in resources {
        let filter = &r.filter;
        writeln!(out, "    {:?} to c.{}().let {{ r ->", r.name, lower_camel(&r.name))?;
        writeln!(out, "        Resource(")?;
        match r.get_op {
            Some(_) => writeln!(out, "            get = {{ r.get(it) }},")?,
            None => writeln!(
                out,
                "            get = {{ throw NotExpressible(\"{} has no get\") }},",
                r.name
            )?,
        }
        writeln!(out, "            list = {{ r.list(build({filter}::class, it)) }},")?;
        writeln!(
            out,
            "            page = {{ f, n -> r.page(n, build({filter}::class, f)).let {{ \
             PageView(it.count, it.items.size, it.hasNext) }} }},"
        )?;
        if let Some(w) = &r.write {
            writeln!(
                out,
                "            create = {{ r.create(build({}::class, it)) }},",
                w.create_body
            )?;
            writeln!(
                out,
                "            update = {{ id, f -> r.update(id, build({}::class, f)) }},",
                w.update_body
            )?;
            if w.upsert_key.is_some() {
                writeln!(
                    out,
                    "            upsert = {{ f -> r.upsert(build({}::class, f)).let {{ \
                     it.created to it.record }} }},",
                    w.create_body
                )?;
            }
        }
        if r.delete {
            writeln!(out, "            delete = {{ r.delete(it) }},")?;
        }
        if !r.actions.is_empty() {
            writeln!(out, "            actions = mapOf(")?;
            for a in &r.actions {
                writeln!(
                    out,
                    "                {:?} to {{ f -> r.{}(build({}::class, f)) }},",
                    a.name,
                    lower_camel(&a.name),
                    a.body
                )?;
            }
            writeln!(out, "            ),")?;
        }
        writeln!(out, "        )\n    }},")?;
    }
    out.push_str(")\n");
    Ok(out)
}

fn python(resources: &[Resource]) -> Result<String> {
    let mut out = header("xtask codegen scenario_runners").replace("// ", "# ");
    out.push_str(
        "\"\"\"The Python scenario runner's table: the record class whose attributes are the\n\
         API field names a resource's create and update take (the rest is `extra`).\"\"\"\n\n\
         import zkbiotime\n\nRECORD_OF = {\n",
    );
    for r in resources {
        if let Some(w) = &r.write {
            writeln!(out, "    {:?}: zkbiotime.{},", r.name, w.written)?;
        }
    }
    out.push_str("}\n");
    Ok(out)
}
