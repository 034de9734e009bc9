//! `crates/zkbiotime/src/generated/api.rs`: progenitor's client for the spec, with the
//! core's hooks, and the lenient one-pass readers that replace its derived `Deserialize`
//! (docs/adr/0003-decoding-policy.md).

use anyhow::{Context, Result};

use crate::codegen::header;

/// The HTTP layer: progenitor's builder-style client with our hooks (auth header,
/// logging) supplied by the core crate through `ClientHooks`.
pub fn generate(spec: &openapiv3::OpenAPI) -> Result<String> {
    let mut settings = progenitor::GenerationSettings::default();
    settings
        .with_interface(progenitor::InterfaceStyle::Builder)
        .with_tag(progenitor::TagStyle::Merged)
        .with_hooks(progenitor::HooksMode::Expected)
        .with_inner_type("crate::transport::Inner".parse().expect("valid tokens"))
        .with_derive("PartialEq")
        // Passwords, hashes and tokens become a type whose Debug prints `***`.
        .with_replacement(
            "Secret",
            "crate::Secret",
            [progenitor::TypeImpl::FromStringIrrefutable, progenitor::TypeImpl::Display]
                .into_iter(),
        );
    // Partial-update bodies have no required field: `..Default::default()` is how Rust
    // callers fill only the keys they change.
    let mut update_patch = progenitor::TypePatch::default();
    update_patch.with_derive("Default");
    let schemas = spec.components.as_ref().map(|c| c.schemas.keys().collect::<Vec<_>>());
    for name in schemas.unwrap_or_default() {
        if name.ends_with("Update") {
            settings.with_patch(name, &update_patch);
        }
    }
    let mut generator = progenitor::Generator::new(&settings);
    let tokens = generator.generate_tokens(spec).map_err(|e| anyhow::anyhow!("progenitor: {e}"))?;
    let mut file: syn::File = syn::parse2(tokens).context("progenitor output is not valid Rust")?;
    let mut decoder = JsonDecoder { replaced: 0 };
    syn::visit_mut::VisitMut::visit_file_mut(&mut decoder, &mut file);
    anyhow::ensure!(
        decoder.replaced > 0,
        "progenitor output has no `ResponseValue::from_response`"
    );
    let mut lenient = Lenient::new(spec)?;
    syn::visit_mut::VisitMut::visit_file_mut(&mut lenient, &mut file);
    let missing: Vec<&String> =
        lenient.models.iter().map(|m| &m.name).filter(|n| !lenient.done.contains(n)).collect();
    anyhow::ensure!(missing.is_empty(), "no progenitor struct for {missing:?}");
    Ok(format!("{}{}", header("progenitor"), prettyplease::unparse(&file)))
}

/// Points progenitor's JSON decoding (`ResponseValue::from_response`) at the core's
/// `transport::json_response`, which decodes the same way but faster (see there): progenitor
/// has no setting for it, and this keeps the change in the generator, not in its output.
struct JsonDecoder {
    replaced: usize,
}

impl syn::visit_mut::VisitMut for JsonDecoder {
    fn visit_expr_path_mut(&mut self, expr: &mut syn::ExprPath) {
        let names: Vec<String> = expr.path.segments.iter().map(|s| s.ident.to_string()).collect();
        if names == ["ResponseValue", "from_response"] {
            *expr = syn::parse_quote!(crate::transport::json_response);
            self.replaced += 1;
        }
        syn::visit_mut::visit_expr_path_mut(self, expr);
    }
}

/// Gives every record and page type of the spec a `Deserialize` that reads each field
/// under the decoding policy (`crates/zkbiotime/src/loose.rs`, ADR 0003): the type keeps
/// progenitor's fields and other derives; its visitor reads every known key as a
/// `Loose<T>` into a local, every other key into `extra`, then resolves the locals. Written
/// here, beside progenitor's output, so that a field added to the spec gets the policy with
/// no hand edit. One pass into locals, not a twin struct converted afterwards: a record of
/// 30-odd fields moved whole costs a pull of punches ~10 % more CPU.
struct Lenient {
    /// Record and page types, with their "not measured" sentinels and whether a
    /// hand-written fold (`crates/zkbiotime/src/fold.rs`) completes them.
    models: Vec<crate::codegen::models::Model>,
    impls: Vec<syn::Item>,
    done: Vec<String>,
}

impl Lenient {
    fn new(spec: &openapiv3::OpenAPI) -> Result<Self> {
        use crate::codegen::models::Role;
        let models = crate::codegen::models::models(spec)?
            .into_iter()
            .filter(|m| matches!(m.role, Role::Record | Role::Page))
            .collect();
        Ok(Self { models, impls: Vec::new(), done: Vec::new() })
    }

    fn reader(&mut self, item: &mut syn::ItemStruct) {
        let name = item.ident.to_string();
        let Some(model) = self.models.iter().find(|m| m.name == name) else { return };
        let syn::Fields::Named(fields) = &item.fields else { return };
        let is_page = model.role == crate::codegen::models::Role::Page;
        let ident = &item.ident;
        let mut locals = Vec::new();
        let mut arms = Vec::new();
        let mut reads = Vec::new();
        let mut names = Vec::new();
        for field in &fields.named {
            let Some(f) = field.ident.clone() else { continue };
            let ty = &field.ty;
            let key = wire_key(field).unwrap_or_else(|| f.to_string());
            names.push(f.clone());
            if f == "extra" {
                continue;
            }
            if is_page && key == "data" {
                // The record list is read as a list (each record by its own reader): an
                // answer without one is still an error. 8.5 may call it `results`.
                locals.push(quote::quote! {
                    let mut data: ::std::option::Option<::std::option::Option<#ty>> = None;
                    let mut results: ::std::option::Option<::std::option::Option<#ty>> = None;
                });
                arms.push(quote::quote! {
                    "data" => {
                        if data.is_some() {
                            return Err(::serde::de::Error::duplicate_field("data"));
                        }
                        data = Some(map.next_value_seed(crate::loose::RecordList::new())?);
                    }
                    "results" => {
                        if results.is_some() {
                            return Err(::serde::de::Error::duplicate_field("results"));
                        }
                        results = Some(map.next_value_seed(crate::loose::RecordList::new())?);
                    }
                });
                reads.push(quote::quote! {
                    let data = match (data.flatten(), results.flatten()) {
                        (Some(data), _) => data,
                        (None, Some(results)) if !crate::loose::is_strict() => results,
                        _ => return Err(::serde::de::Error::missing_field("data")),
                    };
                });
                continue;
            }
            locals.push(quote::quote! {
                let mut #f: crate::loose::Loose<#ty> = crate::loose::Loose::Missing;
            });
            arms.push(quote::quote! {
                #key => {
                    if !#f.is_missing() {
                        return Err(::serde::de::Error::duplicate_field(#key));
                    }
                    #f.fill(map.next_value_seed(crate::loose::ReadField::new(strict))?);
                }
            });
            let optional = matches!(
                ty,
                syn::Type::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "Option" || s.ident == "Vec")
            );
            let sentinel =
                model.fields.iter().find(|mf| mf.name == key).and_then(|mf| mf.not_measured);
            reads.push(if optional {
                let read = quote::quote! { crate::loose::optional(#name, #key, #f, &mut extra) };
                match sentinel {
                    Some(s) => quote::quote! { let #f = crate::loose::measured(#read, #s); },
                    None => quote::quote! { let #f = #read; },
                }
            } else {
                quote::quote! {
                    let #f = crate::loose::required(#name, #key, #f, &mut extra)
                        .map_err(::serde::de::Error::custom)?;
                }
            });
        }
        let has_extra = names.iter().any(|n| n == "extra");
        // Keys the type does not know: kept in `extra` when it has one, read and dropped
        // otherwise (as serde does), so a broken value fails alike.
        let other = if has_extra {
            quote::quote! {
                let value: ::serde_json::Value = map.next_value()?;
                extra.insert(key.into_string(), value);
            }
        } else {
            quote::quote! { map.next_value::<::serde::de::IgnoredAny>()?; }
        };
        let fold = model.fold.then(|| quote::quote! { crate::fold::Fold::fold(&mut record); });
        let expecting = format!("{name} as a JSON object");
        self.impls.push(syn::parse_quote! {
            impl<'de> ::serde::Deserialize<'de> for super::#ident {
                fn deserialize<D: ::serde::Deserializer<'de>>(
                    deserializer: D,
                ) -> ::std::result::Result<Self, D::Error> {
                    struct Reader;
                    impl<'de> ::serde::de::Visitor<'de> for Reader {
                        type Value = super::#ident;
                        fn expecting(
                            &self,
                            f: &mut ::std::fmt::Formatter,
                        ) -> ::std::fmt::Result {
                            f.write_str(#expecting)
                        }
                        #[allow(unused_mut)]
                        fn visit_map<A: ::serde::de::MapAccess<'de>>(
                            self,
                            mut map: A,
                        ) -> ::std::result::Result<Self::Value, A::Error> {
                            let mut extra = ::serde_json::Map::new();
                            let strict = crate::loose::is_strict();
                            #(#locals)*
                            while let Some(key) = map.next_key::<crate::loose::Key<'de>>()? {
                                match key.as_str() {
                                    #(#arms)*
                                    _ => { #other }
                                }
                            }
                            #(#reads)*
                            let mut record = super::#ident { #(#names),* };
                            #fold
                            Ok(record)
                        }
                    }
                    deserializer.deserialize_map(Reader)
                }
            }
        });
        // The reader above replaces progenitor's derived `Deserialize`.
        for attr in &mut item.attrs {
            if attr.path().is_ident("derive") {
                let derives: syn::punctuated::Punctuated<syn::Path, syn::Token![,]> = attr
                    .parse_args_with(syn::punctuated::Punctuated::parse_terminated)
                    .unwrap_or_default();
                let kept = derives
                    .into_iter()
                    .filter(|p| p.segments.last().is_none_or(|s| s.ident != "Deserialize"));
                *attr = syn::parse_quote!(#[derive(#(#kept),*)]);
            }
        }
        self.done.push(name);
    }
}

/// A field's `#[serde(rename = "...")]`, if progenitor gave it one (a key that is not a
/// Rust identifier).
fn wire_key(field: &syn::Field) -> Option<String> {
    field.attrs.iter().filter(|a| a.path().is_ident("serde")).find_map(|a| {
        let mut key = None;
        let _ = a.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                key = Some(meta.value()?.parse::<syn::LitStr>()?.value());
            } else if meta.input.peek(syn::Token![=]) {
                meta.value()?.parse::<syn::Expr>()?;
            }
            Ok(())
        });
        key
    })
}

impl syn::visit_mut::VisitMut for Lenient {
    fn visit_item_mod_mut(&mut self, module: &mut syn::ItemMod) {
        if module.ident != "types" {
            return;
        }
        let Some((_, items)) = &mut module.content else { return };
        let records: Vec<String> = self
            .models
            .iter()
            .filter(|m| m.role == crate::codegen::models::Role::Record)
            .map(|m| m.name.clone())
            .collect();
        crate::codegen::api_text::retype(items, &records);
        for item in items.iter_mut() {
            if let syn::Item::Struct(s) = item {
                self.reader(s);
            }
        }
        let impls = std::mem::take(&mut self.impls);
        let records: Vec<syn::Ident> = self
            .models
            .iter()
            .filter(|m| {
                m.role == crate::codegen::models::Role::Record && self.done.contains(&m.name)
            })
            .map(|m| quote::format_ident!("{}", m.name))
            .collect();
        items.push(syn::parse_quote! {
            /// How the record and page types read answers (see `crate::loose`).
            mod readers {
                use super::*;
                #(#impls)*
            }
        });
        items.push(syn::parse_quote! {
            crate::lenient_record!(#(#records),*);
        });
    }
}
