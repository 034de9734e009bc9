//! The Kotlin/Swift binding (`bindings/uniffi`, uniffi 0.32).
//!
//! - [`outputs`]: the generated Rust module `bindings/uniffi/src/generated/records.rs`: one
//!   `#[derive(uniffi::Record)]` per model of the spec (read shapes, request bodies, list
//!   filters), string enums, and the conversions from / to `zkbiotime::types::*`
//!   (docs/adr/0001-records-across-ffi.md). Only a real `cargo xtask codegen` also rebuilds
//!   the library and regenerates the Kotlin and Swift sources from it (library mode): that
//!   needs a compiled `.so`, so the fast `--check` leaves it to [`test`], which fails when
//!   the checked-in Kotlin/Swift differ from a fresh generation.
//! - [`test`]: builds the cdylib, checks the foreign sources, installs kotlinc (npm) and
//!   JNA (Debian) when missing, compiles bindings + tests + the README quick start in one
//!   `kotlinc` run, packs the jar and runs the Kotlin tests and the quick start against
//!   sandboxes on random ports.
//! - [`jar`]: `cargo xtask jar`: the release jar for JVM users.
//! - [`bench_entries`] / [`latency_entries`]: `bench/Pull.kt` on the release jar, for
//!   `cargo xtask bench`.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use openapiv3::OpenAPI;

use crate::codegen::{Output, header};
use crate::models::{self, FieldType, Model, Role};
use crate::{demo, util};

const CRATE: &str = "zkbiotime-uniffi";
const BINDGEN: &str = "zkbiotime-uniffi-bindgen";
const LIB_FILE: &str = "libzkbiotime_uniffi.so";
/// The Kotlin package (see `bindings/uniffi/uniffi.toml`).
const KOTLIN_PACKAGE_DIR: &str = "zkbiotime";
const KOTLIN_COMPILER: &str = "kotlin-compiler@2.4.20";
/// Request bodies the core builds itself (the client's configuration carries them).
const CORE_ONLY_INPUTS: &[&str] = &["Credentials"];

fn dir(root: &Path) -> PathBuf {
    root.join("bindings/uniffi")
}

/// Generated files of the uniffi binding.
pub fn outputs(root: &Path, spec: &OpenAPI) -> Result<Vec<Output>> {
    let records =
        Output { path: dir(root).join("src/generated/records.rs"), contents: records(spec)? };
    // Only `cargo xtask codegen` proper (not `--check`, not the xtask's own tests) pays for a
    // library build to regenerate Kotlin and Swift; `test` checks them.
    let args: Vec<String> = std::env::args().skip(1).collect();
    if cfg!(test) || args != ["codegen"] || IN_CODEGEN.swap(true, Ordering::SeqCst) {
        return Ok(vec![records]);
    }
    let foreign = (|| {
        // The library is built from the generated Rust (the core's client, these records):
        // write every generated file first, so one run goes from a spec edit to Kotlin.
        for out in crate::codegen::generate_all(root)? {
            if fs::read_to_string(&out.path).unwrap_or_default() != out.contents {
                if let Some(parent) = out.path.parent() {
                    fs::create_dir_all(parent)?;
                }
                fs::write(&out.path, &out.contents)?;
                eprintln!("updated {}", out.path.strip_prefix(root).unwrap_or(&out.path).display());
            }
        }
        let lib = build_library(root, false)?;
        foreign_outputs(root, &lib)
    })();
    IN_CODEGEN.store(false, Ordering::SeqCst);
    let mut outputs = vec![records];
    outputs.extend(foreign.context("regenerating the Kotlin/Swift sources")?);
    Ok(outputs)
}

/// Set while `outputs` runs the whole generation itself (it calls back into `outputs`).
static IN_CODEGEN: AtomicBool = AtomicBool::new(false);

// ---- the Rust record module --------------------------------------------------------------

fn records(spec: &OpenAPI) -> Result<String> {
    let models = models::models(spec)?;
    let enums = models::enums(spec);
    let mut out = header("xtask bindings::uniffi");
    out.push_str(
        "//! The spec's records as uniffi records (Kotlin data classes, Swift structs), its\n\
         //! string enums, the list filters, and the conversions from and to the core's\n\
         //! `zkbiotime::types`. Dates are `YYYY-MM-DD` text, server times\n\
         //! `YYYY-MM-DD HH:MM:SS` server-local text; custom attributes (`extra`) map each\n\
         //! name to JSON text (`\"\\\"Welder\\\"\"`, `\"42\"`).\n\n\
         use std::collections::HashMap;\n\
         use std::sync::Arc;\n\n\
         use zkbiotime::types;\n\n\
         #[allow(unused_imports)]\n\
         use crate::convert::{IntoCore, date_in, date_out, extra_in, extra_out, via_json};\n\
         use crate::error::ZkbioError;\n\
         #[allow(unused_imports)]\n\
         use crate::secret::Secret;\n\n",
    );
    for (name, values) in &enums {
        write_enum(&mut out, name, values)?;
    }
    for model in &models {
        match model.role {
            Role::Record => write_record(&mut out, model)?,
            Role::Input if !CORE_ONLY_INPUTS.contains(&model.name.as_str()) => {
                write_input(&mut out, model)?
            }
            _ => {}
        }
    }
    for filter in filters(spec)? {
        write_filter(&mut out, &filter)?;
    }
    Ok(out)
}

fn write_doc(out: &mut String, indent: &str, doc: &str) -> Result<()> {
    for line in doc.trim_end().lines() {
        let line = line.trim_end();
        if line.is_empty() {
            writeln!(out, "{indent}///")?;
        } else {
            writeln!(out, "{indent}/// {line}")?;
        }
    }
    Ok(())
}

/// `-punch_time` → `PunchTimeDesc`: the leading `-` of an ordering means descending.
fn variant_name(value: &str) -> String {
    let (desc, base) = match value.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, value),
    };
    let mut name = camel(base);
    if desc {
        name.push_str("Desc");
    }
    name
}

fn camel(snake: &str) -> String {
    snake
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            c.next().map(|f| f.to_uppercase().chain(c).collect::<String>()).unwrap_or_default()
        })
        .collect()
}

fn write_enum(out: &mut String, name: &str, values: &[String]) -> Result<()> {
    let variants: Vec<(String, &String)> = values.iter().map(|v| (variant_name(v), v)).collect();
    writeln!(out, "/// The spec's `{name}` values (a leading `-` in the wire value: descending).")?;
    writeln!(
        out,
        "#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, uniffi::Enum)]"
    )?;
    writeln!(out, "pub enum {name} {{")?;
    for (variant, value) in &variants {
        writeln!(out, "    /// `{value}`")?;
        writeln!(out, "    #[serde(rename = {value:?})]")?;
        writeln!(out, "    {variant},")?;
    }
    writeln!(out, "}}\n")?;
    writeln!(out, "impl {name} {{")?;
    writeln!(out, "    /// The value on the wire.")?;
    writeln!(out, "    pub fn as_str(self) -> &'static str {{")?;
    writeln!(out, "        match self {{")?;
    for (variant, value) in &variants {
        writeln!(out, "            Self::{variant} => {value:?},")?;
    }
    writeln!(out, "        }}")?;
    writeln!(out, "    }}")?;
    writeln!(out, "}}\n")?;
    writeln!(out, "impl From<{name}> for types::{name} {{")?;
    writeln!(out, "    fn from(value: {name}) -> Self {{")?;
    writeln!(out, "        // Both enums come from the same spec: every value parses.")?;
    writeln!(
        out,
        "        value.as_str().parse().expect(\"the core knows every value of the spec\")"
    )?;
    writeln!(out, "    }}")?;
    writeln!(out, "}}\n")?;
    writeln!(out, "impl From<types::{name}> for {name} {{")?;
    writeln!(out, "    fn from(value: types::{name}) -> Self {{")?;
    writeln!(out, "        match value.to_string().as_str() {{")?;
    for (variant, value) in &variants {
        writeln!(out, "            {value:?} => Self::{variant},")?;
    }
    writeln!(
        out,
        "            other => unreachable!(\"{name} value {{other:?}} is not in the spec\"),"
    )?;
    writeln!(out, "        }}")?;
    writeln!(out, "    }}")?;
    writeln!(out, "}}\n")?;
    Ok(())
}

/// The uniffi type of a field (without the outer `Option`).
fn ffi_type(ty: &FieldType) -> String {
    match ty {
        FieldType::String | FieldType::Date | FieldType::DateTimeText => "String".into(),
        FieldType::Int => "i64".into(),
        FieldType::Float => "f64".into(),
        FieldType::Bool => "bool".into(),
        FieldType::Secret => "Arc<Secret>".into(),
        FieldType::Enum(name) | FieldType::Model(name) => name.clone(),
        FieldType::List(inner) => format!("Vec<{}>", ffi_type(inner)),
    }
}

/// What a field's text means, for types whose text has a format.
fn type_note(ty: &FieldType) -> Option<&'static str> {
    match ty {
        FieldType::Date => Some("Date, `YYYY-MM-DD`."),
        FieldType::DateTimeText => Some(
            "Server-local time, `YYYY-MM-DD HH:MM:SS` (`Client.localize` adds the server's zone).",
        ),
        FieldType::Secret => Some("Secret: printing it shows `***`; read it with `expose()`."),
        _ => None,
    }
}

/// Core value `x` → uniffi value (infallible).
fn out_expr(ty: &FieldType, x: &str) -> Option<String> {
    match ty {
        FieldType::String
        | FieldType::DateTimeText
        | FieldType::Int
        | FieldType::Float
        | FieldType::Bool => None,
        FieldType::Date => Some(format!("date_out({x})")),
        FieldType::Secret => Some(format!("Secret::wrap({x})")),
        FieldType::Enum(_) | FieldType::Model(_) => Some(format!("{x}.into()")),
        FieldType::List(inner) => {
            out_expr(inner, "x").map(|conv| format!("{x}.into_iter().map(|x| {conv}).collect()"))
        }
    }
}

/// uniffi value `x` → core value; `?` marks fallible conversions. `at` names the field.
fn in_expr(ty: &FieldType, x: &str, at: &str) -> Option<String> {
    match ty {
        FieldType::String
        | FieldType::DateTimeText
        | FieldType::Int
        | FieldType::Float
        | FieldType::Bool => None,
        FieldType::Date => Some(format!("date_in({at:?}, &{x})?")),
        FieldType::Secret => Some(format!("{x}.to_core()")),
        FieldType::Enum(_) => Some(format!("{x}.into()")),
        FieldType::Model(_) => Some(format!("{x}.into_core()?")),
        FieldType::List(inner) => in_expr(inner, "x", at).map(|conv| {
            format!("{x}.into_iter().map(|x| Ok({conv})).collect::<Result<Vec<_>, ZkbioError>>()?")
        }),
    }
}

fn check_ident(model: &Model, name: &str) -> Result<()> {
    const KEYWORDS: &[&str] = &[
        "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum",
        "extern", "false", "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move",
        "mut", "pub", "ref", "return", "self", "static", "struct", "super", "trait", "true",
        "type", "unsafe", "use", "where", "while", "gen", "yield",
    ];
    if KEYWORDS.contains(&name) || name == "extra" {
        bail!("{}.{name}: field name is a Rust keyword or `extra`; teach the emitter", model.name);
    }
    Ok(())
}

fn write_fields(out: &mut String, model: &Model, input: bool) -> Result<()> {
    for f in &model.fields {
        check_ident(model, &f.name)?;
        let note = type_note(&f.ty);
        if let Some(doc) = &f.doc {
            write_doc(out, "    ", doc)?;
        }
        if let Some(note) = note {
            if f.doc.is_some() {
                writeln!(out, "    ///")?;
            }
            writeln!(out, "    /// {note}")?;
        }
        let ty = ffi_type(&f.ty);
        let defaulted = input && (f.optional || matches!(f.ty, FieldType::List(_)));
        if defaulted {
            writeln!(out, "    #[uniffi(default)]")?;
        }
        if f.optional {
            writeln!(out, "    pub {}: Option<{ty}>,", f.name)?;
        } else {
            writeln!(out, "    pub {}: {ty},", f.name)?;
        }
    }
    if model.has_extra {
        writeln!(
            out,
            "    /// Custom attributes and other keys the spec does not name (e.g. \"Primary Job\"):"
        )?;
        writeln!(
            out,
            "    /// name → the value as JSON text (`\"\\\"Welder\\\"\"`, `\"42\"`, `\"null\"`)."
        )?;
        if input {
            writeln!(out, "    #[uniffi(default)]")?;
        }
        writeln!(out, "    pub extra: HashMap<String, String>,")?;
    }
    Ok(())
}

fn write_struct_head(out: &mut String, model: &Model, derives: &str) -> Result<()> {
    if let Some(doc) = &model.doc {
        write_doc(out, "", doc)?;
    } else {
        writeln!(out, "/// `{}` of the spec.", model.name)?;
    }
    writeln!(out, "#[derive({derives})]")?;
    writeln!(out, "pub struct {} {{", model.name)?;
    Ok(())
}

fn write_record(out: &mut String, model: &Model) -> Result<()> {
    write_struct_head(out, model, "Clone, Debug, PartialEq, uniffi::Record")?;
    write_fields(out, model, false)?;
    writeln!(out, "}}\n")?;
    let name = &model.name;
    writeln!(out, "impl From<types::{name}> for {name} {{")?;
    writeln!(out, "    fn from(value: types::{name}) -> Self {{")?;
    writeln!(out, "        Self {{")?;
    for f in &model.fields {
        let n = &f.name;
        let line = match (out_expr(&f.ty, "x"), f.optional) {
            (None, _) => format!("{n}: value.{n},"),
            (Some(conv), true) => format!("{n}: value.{n}.map(|x| {conv}),"),
            (Some(_), false) => {
                format!("{n}: {},", out_expr(&f.ty, &format!("value.{n}")).unwrap())
            }
        };
        writeln!(out, "            {line}")?;
    }
    if model.has_extra {
        writeln!(out, "            extra: extra_out(value.extra),")?;
    }
    writeln!(out, "        }}")?;
    writeln!(out, "    }}")?;
    writeln!(out, "}}\n")?;
    Ok(())
}

fn write_input(out: &mut String, model: &Model) -> Result<()> {
    write_struct_head(out, model, "Clone, Debug, PartialEq, uniffi::Record")?;
    write_fields(out, model, true)?;
    writeln!(out, "}}\n")?;
    let name = &model.name;
    writeln!(out, "impl IntoCore for {name} {{")?;
    writeln!(out, "    type Core = types::{name};")?;
    writeln!(out, "    fn into_core(self) -> Result<types::{name}, ZkbioError> {{")?;
    writeln!(out, "        Ok(types::{name} {{")?;
    for f in &model.fields {
        let n = &f.name;
        let at = format!("{name}.{n}");
        let line = match (in_expr(&f.ty, "x", &at), f.optional) {
            (None, _) => format!("{n}: self.{n},"),
            // The inner conversion can fail: keep its error.
            (Some(conv), true) if conv.contains('?') => format!(
                "{n}: self.{n}.map(|x| -> Result<_, ZkbioError> {{ Ok({conv}) }}).transpose()?,"
            ),
            (Some(conv), true) => format!("{n}: self.{n}.map(|x| {conv}),"),
            (Some(_), false) => {
                format!("{n}: {},", in_expr(&f.ty, &format!("self.{n}"), &at).unwrap())
            }
        };
        writeln!(out, "            {line}")?;
    }
    if model.has_extra {
        writeln!(out, "            extra: extra_in({name:?}, self.extra)?,")?;
    }
    writeln!(out, "        }})")?;
    writeln!(out, "    }}")?;
    writeln!(out, "}}\n")?;
    Ok(())
}

// ---- list filters ------------------------------------------------------------------------

struct Filter {
    /// `EmployeeFilter`: the core's name (`zkbiotime::EmployeeFilter`) and ours.
    name: String,
    path: String,
    params: Vec<(String, FieldType, Option<String>)>,
}

/// One filter per list operation, named after the records it lists, with one optional
/// field per query parameter: taken from the walk that makes the core's filter structs
/// (`crate::lists`), so the two always agree.
fn filters(spec: &OpenAPI) -> Result<Vec<Filter>> {
    crate::lists::list_operations(spec)?
        .into_iter()
        .map(|op| {
            let params = op
                .params
                .into_iter()
                .map(|p| {
                    let ty = match p.rust_type.as_str() {
                        "String" => FieldType::String,
                        "i64" | "i32" => FieldType::Int,
                        "f64" => FieldType::Float,
                        "bool" => FieldType::Bool,
                        other => match other.strip_prefix("types::") {
                            Some(name) => FieldType::Enum(name.into()),
                            None => bail!(
                                "{}.{}: unsupported filter type {other}",
                                op.operation_id,
                                p.name
                            ),
                        },
                    };
                    Ok((p.name, ty, p.description))
                })
                .collect::<Result<_>>()?;
            Ok(Filter { name: format!("{}Filter", op.item_type), path: op.path, params })
        })
        .collect()
}

fn write_filter(out: &mut String, filter: &Filter) -> Result<()> {
    let name = &filter.name;
    writeln!(
        out,
        "/// Filters of `GET {}`: every field optional, `null` = not filtered.",
        filter.path
    )?;
    writeln!(out, "#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, uniffi::Record)]")?;
    writeln!(out, "pub struct {name} {{")?;
    for (field, ty, doc) in &filter.params {
        if let Some(doc) = doc {
            write_doc(out, "    ", doc)?;
        }
        writeln!(out, "    #[uniffi(default)]")?;
        writeln!(out, "    #[serde(skip_serializing_if = \"Option::is_none\")]")?;
        writeln!(out, "    pub {field}: Option<{}>,", ffi_type(ty))?;
    }
    writeln!(out, "}}\n")?;
    writeln!(out, "impl IntoCore for {name} {{")?;
    writeln!(out, "    type Core = zkbiotime::{name};")?;
    writeln!(out, "    fn into_core(self) -> Result<zkbiotime::{name}, ZkbioError> {{")?;
    writeln!(
        out,
        "        // Small and cold: handed over as JSON, which the core checks by name."
    )?;
    writeln!(out, "        via_json({name:?}, &self)")?;
    writeln!(out, "    }}")?;
    writeln!(out, "}}\n")?;
    Ok(())
}

// ---- build, generate, test ----------------------------------------------------------------

/// Builds the cdylib (dev or release profile) and returns its path.
fn build_library(root: &Path, release: bool) -> Result<PathBuf> {
    let mut args = vec!["build", "--quiet", "-p", CRATE];
    if release {
        args.push("--release");
    }
    util::run(root, &util::cargo(), &args)?;
    let lib = demo::target_dir(root).join(if release { "release" } else { "debug" }).join(LIB_FILE);
    if !lib.exists() {
        bail!("{} was not built", lib.display());
    }
    Ok(lib)
}

/// Runs `uniffi-bindgen generate <lib> -l kotlin -l swift` (library mode, so the sources
/// match the compiled library exactly) into `out`.
fn bindgen(root: &Path, lib: &Path, out: &Path) -> Result<()> {
    util::run(root, &util::cargo(), &["build", "--quiet", "-p", BINDGEN])?;
    let bin = demo::target_dir(root).join("debug/uniffi-bindgen");
    let _ = fs::remove_dir_all(out);
    fs::create_dir_all(out)?;
    let (lib, out_s) = (lib.to_string_lossy(), out.to_string_lossy());
    let args = ["generate", &lib, "-l", "kotlin", "-l", "swift", "-o", &out_s, "--no-format"];
    util::run(root, &bin.to_string_lossy(), &args)
}

/// The Kotlin and Swift sources generated from `lib`, as they are checked in: Kotlin under
/// `bindings/uniffi/generated/kotlin/` (by package), Swift, header and modulemap under
/// `generated/swift/`.
fn foreign_outputs(root: &Path, lib: &Path) -> Result<Vec<Output>> {
    let tmp = demo::target_dir(root).join(format!("uniffi/bindgen-{}", std::process::id()));
    bindgen(root, lib, &tmp)?;
    let mut outputs = Vec::new();
    for file in walk(&tmp)? {
        let rel = file.strip_prefix(&tmp)?.to_path_buf();
        let ext = file.extension().and_then(|e| e.to_str()).unwrap_or_default();
        let (dest, comment) = match ext {
            "kt" => (dir(root).join("generated/kotlin").join(&rel), "//"),
            "swift" | "h" | "modulemap" => (dir(root).join("generated/swift").join(&rel), "//"),
            _ => bail!("uniffi-bindgen wrote an unexpected file {}", rel.display()),
        };
        let text = fs::read_to_string(&file)?;
        let contents = format!(
            "{comment} @generated by `cargo xtask codegen` (uniffi-bindgen {UNIFFI_VERSION}, library \
             mode) from bindings/uniffi.\n{comment} DO NOT EDIT: change the Rust crate or the spec \
             and run `cargo xtask codegen`.\n{text}"
        );
        outputs.push(Output { path: dest, contents });
    }
    let _ = fs::remove_dir_all(&tmp);
    if outputs.is_empty() {
        bail!("uniffi-bindgen generated nothing");
    }
    Ok(outputs)
}

const UNIFFI_VERSION: &str = "0.32.2";

fn walk(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    if !dir.exists() {
        return Ok(files);
    }
    for entry in fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry?.path();
        if path.is_dir() {
            files.extend(walk(&path)?);
        } else {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

/// Fails when the checked-in Kotlin/Swift differ from what the library generates now.
fn check_foreign(root: &Path, lib: &Path) -> Result<()> {
    let fresh = foreign_outputs(root, lib)?;
    let mut stale = Vec::new();
    for out in &fresh {
        if fs::read_to_string(&out.path).unwrap_or_default() != out.contents {
            stale.push(out.path.strip_prefix(root).unwrap_or(&out.path).display().to_string());
        }
    }
    let expected: Vec<&PathBuf> = fresh.iter().map(|o| &o.path).collect();
    for sub in ["generated/kotlin", "generated/swift"] {
        for file in walk(&dir(root).join(sub))? {
            if !expected.contains(&&file) {
                stale.push(format!("{} (no longer generated)", file.strip_prefix(root)?.display()));
            }
        }
    }
    if !stale.is_empty() {
        bail!(
            "generated Kotlin/Swift sources are stale: {}\nrun `cargo xtask codegen` and commit the result",
            stale.join(", ")
        );
    }
    eprintln!("uniffi: {} Kotlin/Swift files are fresh", fresh.len());
    Ok(())
}

/// Where the xtask keeps the Kotlin toolchain and build products.
fn work_dir(root: &Path) -> PathBuf {
    demo::target_dir(root).join("uniffi")
}

struct Kotlin {
    kotlinc: PathBuf,
    /// kotlin-stdlib, kotlinx-coroutines (from the compiler package) and JNA.
    runtime: Vec<PathBuf>,
}

impl Kotlin {
    fn classpath(&self, extra: &[&Path]) -> String {
        let mut parts: Vec<String> = extra.iter().map(|p| p.display().to_string()).collect();
        parts.extend(self.runtime.iter().map(|p| p.display().to_string()));
        parts.join(":")
    }
}

/// kotlinc from npm (`kotlin-compiler`, which ships kotlin-stdlib and kotlinx-coroutines)
/// and JNA from Debian, installed on first use.
fn kotlin_toolchain(root: &Path) -> Result<Kotlin> {
    let npm_dir = work_dir(root).join("npm");
    let package = npm_dir.join("node_modules/kotlin-compiler");
    let kotlinc = package.join("bin/kotlinc");
    if !kotlinc.exists() {
        fs::create_dir_all(&npm_dir)?;
        let prefix = npm_dir.to_string_lossy();
        let args = [
            "install",
            "--prefix",
            &prefix,
            "--no-audit",
            "--no-fund",
            "--no-save",
            KOTLIN_COMPILER,
        ];
        util::run(root, "npm", &args)?;
    }
    if !kotlinc.exists() {
        bail!("npm installed {KOTLIN_COMPILER} but {} is missing", kotlinc.display());
    }
    let jna = PathBuf::from("/usr/share/java/jna.jar");
    // JNA for the bindings; openssl makes the certificates of the TLS test.
    let missing: Vec<&str> = [(jna.exists(), "libjna-java"), (on_path("openssl"), "openssl")]
        .into_iter()
        .filter_map(|(present, package)| (!present).then_some(package))
        .collect();
    if !missing.is_empty() {
        let mut args = vec!["install", "-y", "-q"];
        args.extend(&missing);
        if util::run(root, "apt-get", &args).is_err() {
            util::run(root, "apt-get", &["update", "-q"])?;
            util::run(root, "apt-get", &args)?;
        }
    }
    let lib = package.join("lib");
    let find = |prefix: &str| -> Result<PathBuf> {
        let exact = lib.join(format!("{prefix}.jar"));
        if exact.exists() {
            return Ok(exact);
        }
        walk(&lib)?
            .into_iter()
            .find(|p| {
                let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
                name.starts_with(prefix) && name.ends_with(".jar")
            })
            .with_context(|| format!("no {prefix}*.jar in {}", lib.display()))
    };
    Ok(Kotlin {
        kotlinc,
        // kotlin-reflect: only the scenario runner uses it (snake_case JSON → data classes).
        runtime: vec![
            find("kotlin-stdlib")?,
            find("kotlinx-coroutines-core-jvm")?,
            find("kotlin-reflect")?,
            jna,
        ],
    })
}

fn on_path(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(program).is_file()))
}

/// The Kotlin quick start of the README: the first ```kotlin block after the
/// `<!-- quickstart -->` marker, placed in package `quickstart` so its `main` stands apart.
fn quickstart_source(root: &Path) -> Result<String> {
    let readme = fs::read_to_string(dir(root).join("README.md"))?;
    let after = readme
        .split_once("<!-- quickstart -->")
        .map(|(_, rest)| rest)
        .context("bindings/uniffi/README.md has no <!-- quickstart --> marker")?;
    let code = after
        .split_once("```kotlin\n")
        .and_then(|(_, rest)| rest.split_once("\n```"))
        .map(|(code, _)| code)
        .context("no ```kotlin block after the quick start marker")?;
    Ok(format!(
        "// Extracted from bindings/uniffi/README.md by `cargo xtask test`.\npackage quickstart\n\n{code}\n"
    ))
}

/// Packs the jar for JVM users: the compiled `zkbiotime` package plus the native library
/// at JNA's resource path (`linux-x86-64/`), so no `-Djna.library.path` is needed.
fn pack_jar(root: &Path, classes: &Path, lib: &Path, jar: &Path) -> Result<()> {
    let native = work_dir(root).join("native");
    let _ = fs::remove_dir_all(&native);
    fs::create_dir_all(native.join("linux-x86-64"))?;
    fs::copy(lib, native.join("linux-x86-64").join(LIB_FILE))?;
    let _ = fs::remove_file(jar);
    let (jar_s, classes_s, native_s) =
        (jar.to_string_lossy(), classes.to_string_lossy(), native.to_string_lossy());
    util::run(
        root,
        "jar",
        &["--create", "--file", &jar_s, "-C", &classes_s, KOTLIN_PACKAGE_DIR, "-C", &native_s, "."],
    )
}

/// Compiles `sources` in ONE kotlinc run (kotlinc starts slowly) into `classes`, unless
/// `classes` already holds the output of exactly these sources. `against`: class
/// directories compiled by this function earlier, put on the class path (their stamps are
/// part of ours, so a change there recompiles here).
fn kotlinc(
    root: &Path,
    kotlin: &Kotlin,
    sources: &[PathBuf],
    against: &[&Path],
    classes: &Path,
) -> Result<()> {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    KOTLIN_COMPILER.hash(&mut hasher);
    for source in sources {
        source.hash(&mut hasher);
        fs::read(source)?.hash(&mut hasher);
    }
    for dep in against {
        dep.hash(&mut hasher);
        fs::read_to_string(dep.join(".sources-stamp")).unwrap_or_default().hash(&mut hasher);
    }
    let stamp_text = format!("{:016x}", hasher.finish());
    let stamp = classes.join(".sources-stamp");
    if fs::read_to_string(&stamp).is_ok_and(|s| s == stamp_text) {
        eprintln!("uniffi: {} is up to date; kotlinc skipped", classes.display());
        return Ok(());
    }
    let _ = fs::remove_dir_all(classes);
    fs::create_dir_all(classes)?;
    let cp = kotlin.classpath(against);
    let classes_s = classes.to_string_lossy();
    let mut args: Vec<String> = ["-nowarn", "-jvm-target", "17", "-cp", &cp, "-d", &classes_s]
        .iter()
        .map(|s| s.to_string())
        .collect();
    args.extend(sources.iter().map(|s| s.display().to_string()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    util::run(root, &kotlin.kotlinc.to_string_lossy(), &args)?;
    fs::write(stamp, stamp_text)?;
    Ok(())
}

fn kotlin_sources(root: &Path) -> Result<Vec<PathBuf>> {
    Ok(walk(&dir(root).join("generated/kotlin"))?
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "kt"))
        .collect())
}

fn sandbox_bin(root: &Path) -> Result<PathBuf> {
    util::run(root, &util::cargo(), &["build", "--quiet", "-p", "zkbiotime-sandbox"])?;
    Ok(demo::target_dir(root).join("debug/zkbiotime-sandbox"))
}

/// Everything the Kotlin programs need, built and installed.
struct Prepared {
    /// The dev-profile jar (bindings + native library), then the test classes and runtime.
    classpath: String,
    sandbox: PathBuf,
}

/// Builds the library and the sandbox, checks the generated sources, installs the Kotlin
/// toolchain, compiles bindings + tests + scenario runner + quick start in one kotlinc run
/// (skipped when nothing changed) and packs the jar.
fn prepare(root: &Path) -> Result<Prepared> {
    let lib = build_library(root, false)?;
    check_foreign(root, &lib)?;
    let sandbox = sandbox_bin(root)?;
    let kotlin = kotlin_toolchain(root)?;

    let work = work_dir(root);
    let quickstart = work.join("quickstart/QuickStart.kt");
    fs::create_dir_all(quickstart.parent().context("quick start dir")?)?;
    let text = quickstart_source(root)?;
    if fs::read_to_string(&quickstart).unwrap_or_default() != text {
        fs::write(&quickstart, text)?;
    }
    let mut sources = kotlin_sources(root)?;
    sources.extend(
        walk(&dir(root).join("tests"))?
            .into_iter()
            .filter(|p| p.extension().is_some_and(|e| e == "kt")),
    );
    sources.push(quickstart);
    let classes = work.join("classes");
    let t = Instant::now();
    kotlinc(root, &kotlin, &sources, &[], &classes)?;
    eprintln!("uniffi: kotlinc step took {:.0?}", t.elapsed());
    let jar = work.join("zkbiotime-uniffi.jar");
    pack_jar(root, &classes, &lib, &jar)?;
    // The programs load the binding from the jar: what a JVM user gets.
    Ok(Prepared { classpath: kotlin.classpath(&[&jar, &classes]), sandbox })
}

/// `cargo xtask test`'s uniffi step.
pub fn test(root: &Path) -> Result<()> {
    let started = Instant::now();
    eprintln!("\n==> uniffi (Kotlin/Swift): build, freshness, Kotlin tests");
    let prepared = prepare(root)?;
    let java = |main: &str, envs: &[(&str, &str)]| -> Result<()> {
        eprintln!("$ java {main}");
        let status = Command::new("java")
            .args(["-cp", &prepared.classpath, main])
            .envs(envs.iter().copied())
            .env("ZKBIO_SANDBOX_BIN", &prepared.sandbox)
            // The panic tests panic on purpose: one line each, no backtrace.
            .env("RUST_BACKTRACE", "0")
            .current_dir(root)
            .status()
            .context("starting java")?;
        if !status.success() {
            bail!("`java {main}` failed ({status})");
        }
        Ok(())
    };
    java("kotlintests.HarnessKt", &[])?;

    let demo = demo::start_sandbox(root, &[])?;
    java(
        "quickstart.QuickStartKt",
        &[("ZKBIO_URL", &demo.url), ("ZKBIO_USERNAME", "admin"), ("ZKBIO_PASSWORD", "admin123")],
    )?;
    eprintln!("<== uniffi: ok ({:.1?})", started.elapsed());
    Ok(())
}

/// The Kotlin runner of the cross-language scenarios (`tests/scenarios/Scenarios.kt`).
pub fn scenario_runner(root: &Path) -> Result<crate::scenarios::Runner> {
    let prepared = prepare(root)?;
    Ok(crate::scenarios::Runner {
        language: "kotlin".into(),
        program: "java".into(),
        args: vec!["-cp".into(), prepared.classpath, "kotlinscenarios.ScenariosKt".into()],
        env: vec![("RUST_BACKTRACE".into(), "0".into())],
    })
}

/// `cargo xtask jar`: the release jar (bindings + native library for this platform).
pub fn jar(root: &Path) -> Result<PathBuf> {
    let lib = build_library(root, true)?;
    let kotlin = kotlin_toolchain(root)?;
    let classes = work_dir(root).join("jar-classes");
    kotlinc(root, &kotlin, &kotlin_sources(root)?, &[], &classes)?;
    let jar = work_dir(root).join("zkbiotime-uniffi-release.jar");
    pack_jar(root, &classes, &lib, &jar)?;
    eprintln!(
        "wrote {} (needs kotlin-stdlib, kotlinx-coroutines-core and JNA on the class path)",
        jar.display()
    );
    Ok(jar)
}

/// `bench/Pull.kt`, compiled against the release jar's classes, run on the release jar
/// (the native library inside it): what a JVM user gets.
struct BenchProgram {
    classpath: String,
}

impl BenchProgram {
    fn build(root: &Path) -> Result<Self> {
        let jar = jar(root)?;
        let kotlin = kotlin_toolchain(root)?;
        let classes = work_dir(root).join("bench-classes");
        let jar_classes = work_dir(root).join("jar-classes");
        kotlinc(root, &kotlin, &[dir(root).join("bench/Pull.kt")], &[&jar_classes], &classes)?;
        Ok(Self { classpath: kotlin.classpath(&[&jar, &classes]) })
    }

    fn entry(&self, name: &str, url: &str, args: &[&str]) -> crate::bench::Entry {
        let mut all = vec!["-cp".to_string(), self.classpath.clone(), "zkbench.PullKt".into()];
        all.extend(args.iter().map(|a| a.to_string()));
        all.extend(["--url".to_string(), url.to_string()]);
        crate::bench::Entry {
            name: name.into(),
            // No plain Kotlin loop row: the raw floor is the comparison.
            baseline: None,
            program: "java".into(),
            args: all,
            env: vec![("RUST_BACKTRACE".into(), "0".into())],
        }
    }
}

/// The Kotlin rows of `cargo xtask bench`'s full pull (release library, page size 1000).
pub fn bench_entries(root: &Path, url: &str) -> Result<Vec<crate::bench::Entry>> {
    let program = BenchProgram::build(root)?;
    Ok(vec![
        program.entry("Kotlin SDK sequential", url, &["sdk-sequential"]),
        program.entry("Kotlin SDK concurrent", url, &["sdk"]),
    ])
}

/// The Kotlin row of `cargo xtask bench`'s latency table: 1,000 sequential `get`s.
pub fn latency_entries(root: &Path, url: &str) -> Result<Vec<crate::bench::Entry>> {
    let program = BenchProgram::build(root)?;
    Ok(vec![program.entry("Kotlin", url, &["get", "--n", "1000"])])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orderings_get_readable_variant_names() {
        assert_eq!(variant_name("id"), "Id");
        assert_eq!(variant_name("-punch_time"), "PunchTimeDesc");
    }

    #[test]
    fn filters_mirror_the_list_operations() {
        let spec = crate::codegen::load_spec(&crate::project_root()).unwrap();
        let filters = filters(&spec).unwrap();
        let names: Vec<&str> = filters.iter().map(|f| f.name.as_str()).collect();
        for name in ["EmployeeFilter", "DepartmentFilter", "TerminalFilter", "TransactionFilter"] {
            assert!(names.contains(&name), "{names:?}");
        }
        let tx = filters.iter().find(|f| f.name == "TransactionFilter").unwrap();
        let ordering = tx.params.iter().find(|p| p.0 == "ordering").unwrap();
        assert_eq!(ordering.1, FieldType::Enum("TransactionOrdering".into()));
        assert!(tx.params.iter().all(|p| !crate::lists::PAGING_PARAMS.contains(&p.0.as_str())));
    }

    #[test]
    fn records_carry_extra_and_secrets_and_skip_envelopes() {
        let spec = crate::codegen::load_spec(&crate::project_root()).unwrap();
        let text = records(&spec).unwrap();
        assert!(text.contains("pub struct Employee {"));
        assert!(text.contains("pub self_password: Option<Arc<Secret>>,"));
        assert!(text.contains("extra: extra_out(value.extra),"));
        assert!(!text.contains("pub struct EmployeePage"), "list envelopes stay in the core");
        assert!(!text.contains("pub struct Credentials"), "credentials go in ClientConfig");
    }
}
