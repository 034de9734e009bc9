//! `crates/zkbiotime/src/generated/bodies.rs`: what the core knows of each request body of
//! the spec (`crate::input::Body`: its name, field names, whether it takes custom
//! attributes), so bodies are checked once in the core for every binding and the CLI.

use std::fmt::Write as _;

use anyhow::Result;
use openapiv3::OpenAPI;

use crate::codegen::header;
use crate::codegen::models::{Role, models};

pub fn generate(spec: &OpenAPI) -> Result<String> {
    let mut out = header("xtask codegen core_bodies");
    out.push_str(
        "//! The request bodies of the spec: names, fields, custom attributes.\n\n\
         use crate::generated::api::types;\n\
         use crate::input::Body;\n\n",
    );
    for model in models(spec)?.iter().filter(|m| m.role == Role::Input) {
        let fields: Vec<String> = model.fields.iter().map(|f| format!("{:?}", f.name)).collect();
        writeln!(out, "impl Body for types::{} {{", model.name)?;
        writeln!(out, "    const NAME: &'static str = {:?};", model.name)?;
        writeln!(out, "    const FIELDS: &'static [&'static str] = &[{}];", fields.join(", "))?;
        writeln!(out, "    const EXTRA: bool = {};", model.has_extra)?;
        writeln!(out, "}}\n")?;
    }
    Ok(out)
}
