//! The client settings as the core declares them: the fields of `zkbiotime::Config`
//! (`crates/zkbiotime/src/config.rs`), with their types, doc comments and defaults, read
//! with syn. Node's options (`node_options`) and Python's constructor keywords (the stub,
//! `python::client_args`) are generated from this list, so a setting added to the core
//! reaches them without a hand edit.

use std::path::Path;

use anyhow::{Context, Result, bail};
use quote::ToTokens;
use syn::{Expr, ImplItem, Item, Lit};

/// One setting of `zkbiotime::Config`.
#[derive(Clone, Debug)]
pub struct Setting {
    /// The field name (`connect_timeout`): the core's setting name.
    pub name: String,
    /// The Rust type, as written (`f64`, `Option<String>`, `Option<Secret>`).
    pub ty: String,
    /// The doc comment, one line per `///` line.
    pub doc: Vec<String>,
    /// The value `Config::default()` gives it, when a constant (`120.0`, `64 * 1024`, `"en"`).
    pub default: Option<Value>,
}

/// A default value.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Number(f64),
    Text(String),
    Bool(bool),
}

impl Setting {
    /// A number of seconds (`f64` settings are all durations).
    pub fn is_seconds(&self) -> bool {
        self.ty == "f64"
    }

    pub fn is_optional(&self) -> bool {
        self.ty.starts_with("Option <") || self.ty.starts_with("Option<")
    }
}

/// Every field of `Config`, in declaration order.
pub fn settings(root: &Path) -> Result<Vec<Setting>> {
    let path = root.join("crates/zkbiotime/src/config.rs");
    let text = std::fs::read_to_string(&path).with_context(|| format!("{}", path.display()))?;
    let file = syn::parse_file(&text).context("parsing config.rs")?;
    let strukt = file
        .items
        .iter()
        .find_map(|i| match i {
            Item::Struct(s) if s.ident == "Config" => Some(s),
            _ => None,
        })
        .context("config.rs has no `struct Config`")?;
    let defaults = defaults(&file)?;
    let mut out = Vec::new();
    for field in &strukt.fields {
        let name = field.ident.as_ref().context("Config has a tuple field")?.to_string();
        let doc = field
            .attrs
            .iter()
            .filter(|a| a.path().is_ident("doc"))
            .filter_map(|a| match &a.meta {
                syn::Meta::NameValue(nv) => match &nv.value {
                    Expr::Lit(l) => match &l.lit {
                        Lit::Str(s) => Some(s.value().trim().to_string()),
                        _ => None,
                    },
                    _ => None,
                },
                _ => None,
            })
            .collect();
        let ty = field.ty.to_token_stream().to_string();
        let default = defaults.iter().find(|(n, _)| *n == name).and_then(|(_, l)| l.clone());
        out.push(Setting { name, ty, doc, default });
    }
    if out.is_empty() {
        bail!("Config has no fields");
    }
    Ok(out)
}

/// `field: literal` pairs of `impl Default for Config` (`"en".into()` counts as `"en"`).
fn defaults(file: &syn::File) -> Result<Vec<(String, Option<Value>)>> {
    let default_fn = file
        .items
        .iter()
        .filter_map(|i| match i {
            Item::Impl(imp) if imp.self_ty.to_token_stream().to_string() == "Config" => Some(imp),
            _ => None,
        })
        .flat_map(|imp| imp.items.iter())
        .find_map(|item| match item {
            ImplItem::Fn(f) if f.sig.ident == "default" => Some(f),
            _ => None,
        })
        .context("config.rs has no `fn default` for Config")?;
    let strukt = default_fn
        .block
        .stmts
        .iter()
        .find_map(|s| match s {
            syn::Stmt::Expr(Expr::Struct(s), _) => Some(s),
            _ => None,
        })
        .context("Config::default() is not a struct literal")?;
    Ok(strukt
        .fields
        .iter()
        .filter_map(|f| {
            let syn::Member::Named(name) = &f.member else { return None };
            Some((name.to_string(), constant(&f.expr)))
        })
        .collect())
}

/// The value of a constant expression: a literal, `literal.into()`, or a product of numbers.
fn constant(expr: &Expr) -> Option<Value> {
    match expr {
        Expr::Lit(l) => match &l.lit {
            Lit::Str(s) => Some(Value::Text(s.value())),
            Lit::Bool(b) => Some(Value::Bool(b.value)),
            Lit::Int(i) => i.base10_parse::<f64>().ok().map(Value::Number),
            Lit::Float(f) => f.base10_parse::<f64>().ok().map(Value::Number),
            _ => None,
        },
        Expr::MethodCall(m) if m.method == "into" => constant(&m.receiver),
        Expr::Binary(b) if matches!(b.op, syn::BinOp::Mul(_)) => {
            match (constant(&b.left)?, constant(&b.right)?) {
                (Value::Number(l), Value::Number(r)) => Some(Value::Number(l * r)),
                _ => None,
            }
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_settings_of_the_core_are_read_with_docs_and_defaults() {
        let all = super::settings(&crate::project_root()).unwrap();
        let timeout = all.iter().find(|s| s.name == "timeout").unwrap();
        assert!(timeout.is_seconds() && !timeout.is_optional());
        assert!(timeout.doc.join(" ").contains("one request"), "{:?}", timeout.doc);
        assert_eq!(timeout.default, Some(super::Value::Number(120.0)));
        let language = all.iter().find(|s| s.name == "accept_language").unwrap();
        assert_eq!(language.default, Some(super::Value::Text("en".into())));
        let cap = all.iter().find(|s| s.name == "max_response_bytes").unwrap();
        assert_eq!(cap.default, Some(super::Value::Number(64.0 * 1024.0 * 1024.0)));
        assert!(all.iter().find(|s| s.name == "token").unwrap().is_optional());
    }
}
