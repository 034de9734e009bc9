//! Record text fields as `crate::Text` (a string kept inline up to 24 bytes) instead of
//! progenitor's `String`: reading a page of punches otherwise allocates and frees seven or
//! eight short strings per record (malloc and free were ~30 % of decoding one). Only the
//! types the server answers with (and their builders) change; request bodies keep `String`.

/// Rewrites the fields of the record structs named in `records`, in progenitor's `types`
/// module and in its `builder` module (field types and the setters' `TryInto` bounds).
pub fn retype(types: &mut [syn::Item], records: &[String]) {
    for item in types.iter_mut() {
        match item {
            syn::Item::Struct(s) if is_record(&s.ident, records) => {
                for field in s.fields.iter_mut() {
                    text_in(&mut field.ty);
                }
            }
            syn::Item::Mod(m) if m.ident == "builder" => {
                let Some((_, items)) = &mut m.content else { continue };
                for item in items.iter_mut() {
                    match item {
                        syn::Item::Struct(s) if is_record(&s.ident, records) => {
                            for field in s.fields.iter_mut() {
                                // `Result<T, String>`: the value's type, not the error's.
                                if let Some(value) = generic_arg(&mut field.ty, "Result") {
                                    text_in(value);
                                }
                            }
                        }
                        syn::Item::Impl(i) if self_is_record(&i.self_ty, records) => {
                            setters(i);
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
}

fn is_record(ident: &syn::Ident, records: &[String]) -> bool {
    records.iter().any(|r| ident == r)
}

fn self_is_record(ty: &syn::Type, records: &[String]) -> bool {
    matches!(ty, syn::Type::Path(p) if p.qself.is_none()
        && p.path.segments.last().is_some_and(|s| is_record(&s.ident, records)))
}

/// `T: TryInto<Option<String>>` → `T: TryInto<Option<crate::Text>>` in every setter.
fn setters(block: &mut syn::ItemImpl) {
    for item in &mut block.items {
        let syn::ImplItem::Fn(f) = item else { continue };
        let Some(clause) = &mut f.sig.generics.where_clause else { continue };
        for predicate in &mut clause.predicates {
            let syn::WherePredicate::Type(p) = predicate else { continue };
            for bound in &mut p.bounds {
                let syn::TypeParamBound::Trait(t) = bound else { continue };
                let Some(last) = t.path.segments.last_mut() else { continue };
                if last.ident != "TryInto" {
                    continue;
                }
                if let syn::PathArguments::AngleBracketed(args) = &mut last.arguments {
                    for arg in &mut args.args {
                        if let syn::GenericArgument::Type(ty) = arg {
                            text_in(ty);
                        }
                    }
                }
            }
        }
    }
}

/// `String`, `Option<String>`, `Vec<String>` (nested any way) → `crate::Text` inside; maps
/// (`extra`) and everything else are left as they are.
fn text_in(ty: &mut syn::Type) {
    let syn::Type::Path(p) = ty else { return };
    let Some(last) = p.path.segments.last_mut() else { return };
    if last.ident == "String" {
        *ty = syn::parse_quote!(crate::Text);
    } else if (last.ident == "Option" || last.ident == "Vec")
        && let syn::PathArguments::AngleBracketed(args) = &mut last.arguments
    {
        for arg in &mut args.args {
            if let syn::GenericArgument::Type(inner) = arg {
                text_in(inner);
            }
        }
    }
}

/// The first type argument of `ty` when `ty` is `name<..>`.
fn generic_arg<'a>(ty: &'a mut syn::Type, name: &str) -> Option<&'a mut syn::Type> {
    let syn::Type::Path(p) = ty else { return None };
    let last = p.path.segments.last_mut()?;
    if last.ident != name {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &mut last.arguments else { return None };
    args.args.iter_mut().find_map(|a| match a {
        syn::GenericArgument::Type(t) => Some(t),
        _ => None,
    })
}
