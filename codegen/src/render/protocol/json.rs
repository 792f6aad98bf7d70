//! JSON (de)serialization code for values and shapes (restJson1 bodies and payloads).

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::Registry;
use crate::ir::{Field, Location, NamedKind, RustType, Structure, Union};
use crate::model::TimestampFormat;
use crate::naming;
use crate::render::types::type_tokens;

/// `crate::primitives::Format::X` for a timestamp, with the location's default.
pub fn format_tokens(format: Option<TimestampFormat>, default: TimestampFormat) -> TokenStream {
    match format.unwrap_or(default) {
        TimestampFormat::DateTime => quote!(crate::primitives::Format::DateTime),
        TimestampFormat::HttpDate => quote!(crate::primitives::Format::HttpDate),
        TimestampFormat::EpochSeconds => quote!(crate::primitives::Format::EpochSeconds),
    }
}

pub fn ser_fn(name: &Ident) -> Ident {
    naming::ident(&format!("ser_{}", naming::snake_case(&name.to_string())))
}

pub fn de_fn(name: &Ident) -> Ident {
    naming::ident(&format!("de_{}", naming::snake_case(&name.to_string())))
}

/// Statements writing `value` (an expression of type `&T`) with the JsonWriter `w`.
pub fn write_value(ty: &RustType, value: &TokenStream, depth: usize) -> TokenStream {
    match ty {
        RustType::String => quote!(w.string(#value);),
        RustType::Bool => quote!(w.bool(*#value);),
        RustType::I8 | RustType::I16 | RustType::I32 => quote!(w.i64(i64::from(*#value));),
        RustType::I64 => quote!(w.i64(*#value);),
        RustType::F32 => quote!(w.f32(*#value);),
        RustType::F64 => quote!(w.f64(*#value);),
        RustType::BigInteger | RustType::BigDecimal => quote!(w.number_text(#value.as_str());),
        RustType::DateTime(format) => {
            let format = format_tokens(*format, TimestampFormat::EpochSeconds);
            quote!(w.timestamp(#value, #format);)
        }
        RustType::Blob => quote!(w.blob(#value);),
        RustType::Document => quote!(w.document(#value);),
        RustType::Named { kind: NamedKind::Enum, .. } => quote!(w.string(#value.as_str());),
        RustType::Named { kind: NamedKind::IntEnum, .. } => quote!(w.i64(i64::from(#value.as_i32()));),
        RustType::Named { name, .. } => {
            let f = ser_fn(name);
            quote!(crate::protocol::#f(#value, w);)
        }
        RustType::List { item, sparse } => {
            let v = format_ident!("item{depth}");
            let write = write_value(item, &quote!(#v), depth + 1);
            let write = if *sparse {
                quote!(match #v { ::std::option::Option::Some(#v) => { #write } ::std::option::Option::None => w.null(), })
            } else {
                write
            };
            quote! {
                w.begin_array();
                for #v in #value.iter() { #write }
                w.end_array();
            }
        }
        RustType::Map { value: value_ty, sparse, .. } => {
            let (k, v) = (format_ident!("key{depth}"), format_ident!("value{depth}"));
            // Keys are strings or string enums; both have `as_str`.
            let key_text = quote!(#k.as_str());
            let write = write_value(value_ty, &quote!(#v), depth + 1);
            let write = if *sparse {
                quote!(match #v { ::std::option::Option::Some(#v) => { #write } ::std::option::Option::None => w.null(), })
            } else {
                write
            };
            quote! {
                w.begin_object();
                for (#k, #v) in #value.iter() {
                    w.key(#key_text);
                    #write
                }
                w.end_object();
            }
        }
    }
}

/// An expression of type `T` read from `value` (an expression of type `&JsonValue`), using `?` on
/// `JsonError`.
pub fn read_value(ty: &RustType, value: &TokenStream, depth: usize) -> TokenStream {
    match ty {
        RustType::String => quote!(crate::json::expect_string(#value)?),
        RustType::Bool => quote!(crate::json::expect_bool(#value)?),
        RustType::I8 => quote!(crate::json::expect_i8(#value)?),
        RustType::I16 => quote!(crate::json::expect_i16(#value)?),
        RustType::I32 => quote!(crate::json::expect_i32(#value)?),
        RustType::I64 => quote!(crate::json::expect_i64(#value)?),
        RustType::F32 => quote!(crate::json::expect_f32(#value)?),
        RustType::F64 => quote!(crate::json::expect_f64(#value)?),
        RustType::BigInteger => quote!(crate::primitives::BigInteger::new(crate::json::expect_number_text(#value)?)),
        RustType::BigDecimal => quote!(crate::primitives::BigDecimal::new(crate::json::expect_number_text(#value)?)),
        RustType::DateTime(format) => {
            let format = format_tokens(*format, TimestampFormat::EpochSeconds);
            quote!(crate::json::expect_timestamp(#value, #format)?)
        }
        RustType::Blob => quote!(crate::json::expect_blob(#value)?),
        RustType::Document => quote!(crate::json::expect_document(#value)?),
        RustType::Named { kind: NamedKind::Enum, .. } => {
            let ty = type_tokens(ty);
            quote!(#ty::from(crate::json::expect_string(#value)?.as_str()))
        }
        RustType::Named { kind: NamedKind::IntEnum, .. } => {
            let ty = type_tokens(ty);
            quote!(#ty::from(crate::json::expect_i32(#value)?))
        }
        RustType::Named { name, .. } => {
            let f = de_fn(name);
            quote!(crate::protocol::#f(#value)?)
        }
        RustType::List { item, sparse } => {
            let v = format_ident!("item{depth}");
            let read = read_value(item, &quote!(#v), depth + 1);
            // Dense lists skip nulls; sparse lists keep them as `None`.
            let push = if *sparse {
                quote!(items.push(if #v.is_null() { ::std::option::Option::None } else { ::std::option::Option::Some(#read) });)
            } else {
                quote!(if #v.is_null() { continue; } items.push(#read);)
            };
            quote!({
                let mut items = ::std::vec::Vec::new();
                for #v in crate::json::expect_array(#value)? { #push }
                items
            })
        }
        RustType::Map { key, value: value_ty, sparse } => {
            let (k, v) = (format_ident!("key{depth}"), format_ident!("value{depth}"));
            let key_value = match &**key {
                RustType::Named { kind: NamedKind::Enum, .. } => {
                    let key_ty = type_tokens(key);
                    quote!(#key_ty::from(#k.as_str()))
                }
                _ => quote!(#k.clone()),
            };
            let read = read_value(value_ty, &quote!(#v), depth + 1);
            let insert = if *sparse {
                quote!(map.insert(#key_value, if #v.is_null() { ::std::option::Option::None } else { ::std::option::Option::Some(#read) });)
            } else {
                quote!(if #v.is_null() { continue; } map.insert(#key_value, #read);)
            };
            quote!({
                let mut map = ::std::collections::HashMap::new();
                for (#k, #v) in crate::json::expect_object(#value)? { #insert }
                map
            })
        }
    }
}

/// Statements writing the body-located fields of `value` (an expression of the struct type) as
/// members of the JSON object being written.
pub fn write_fields<'a>(fields: impl IntoIterator<Item = &'a Field>, value: &TokenStream) -> TokenStream {
    let writes = fields.into_iter().filter_map(|f| {
        let Location::Body(name) = &f.location else { return None };
        let ident = &f.ident;
        let write = write_value(&f.ty, &quote!(v), 0);
        Some(if f.idempotency_token && f.optional && f.ty == RustType::String {
            // An unset token is made up here, so every attempt of one call sends the same one.
            quote!({
                let v = &#value.#ident.clone().unwrap_or_else(crate::http::new_idempotency_token);
                w.key(#name);
                #write
            })
        } else if f.optional {
            quote!(if let ::std::option::Option::Some(v) = &#value.#ident { w.key(#name); #write })
        } else {
            quote!({ let v = &#value.#ident; w.key(#name); #write })
        })
    });
    quote!(#(#writes)*)
}

/// Statements setting the builder field whose JSON name is `key` from `value` (both bound);
/// None when no field is read from the body.
pub fn read_fields<'a>(fields: impl IntoIterator<Item = &'a Field>) -> Option<TokenStream> {
    let arms: Vec<(&String, TokenStream)> = fields
        .into_iter()
        .filter_map(|f| {
            let Location::Body(name) = &f.location else { return None };
            let ident = &f.ident;
            let read = read_value(&f.ty, &quote!(value), 0);
            let read = if f.boxed { quote!(::std::boxed::Box::new(#read)) } else { read };
            Some((name, quote!(builder.#ident = ::std::option::Option::Some(#read);)))
        })
        .collect();
    match arms.as_slice() {
        [] => None,
        [(name, set)] => Some(quote!(if key == #name { #set })),
        _ => {
            let arms = arms.iter().map(|(name, set)| quote!(#name => { #set }));
            Some(quote!(match key.as_str() { #(#arms)* _ => {} }))
        }
    }
}

/// The spec asks clients to fill a `@required` member the service left out with a zero value
/// rather than fail; statements doing that for the non-optional fields without default.
pub fn error_correction(s: &Structure) -> TokenStream {
    let fixes = s.fields.iter().filter(|f| !f.optional && f.default.is_none()).map(|f| {
        let ident = &f.ident;
        let zero = zero_value(&f.ty);
        let zero = if f.boxed { quote!(::std::boxed::Box::new(#zero)) } else { zero };
        quote!(if builder.#ident.is_none() { builder.#ident = ::std::option::Option::Some(#zero); })
    });
    quote!(#(#fixes)*)
}

fn zero_value(ty: &RustType) -> TokenStream {
    match ty {
        RustType::String => quote!(::std::string::String::new()),
        RustType::Bool => quote!(false),
        RustType::I8 | RustType::I16 | RustType::I32 | RustType::I64 => quote!(0),
        RustType::F32 | RustType::F64 => quote!(0.0),
        RustType::BigInteger => quote!(crate::primitives::BigInteger::new("0")),
        RustType::BigDecimal => quote!(crate::primitives::BigDecimal::new("0")),
        RustType::DateTime(_) => quote!(crate::primitives::DateTime::from_secs(0)),
        RustType::Blob => quote!(crate::primitives::Blob::default()),
        RustType::Document => quote!(crate::primitives::Document::Null),
        RustType::Named { kind: NamedKind::Enum, .. } => {
            let ty = type_tokens(ty);
            quote!(#ty::from(""))
        }
        RustType::Named { kind: NamedKind::IntEnum, .. } => {
            let ty = type_tokens(ty);
            quote!(#ty::from(0))
        }
        RustType::Named { kind: NamedKind::Union, .. } => {
            let ty = type_tokens(ty);
            quote!(#ty::Unknown)
        }
        RustType::Named { name, .. } => {
            let f = de_fn(name);
            quote!(crate::protocol::#f(&crate::json::JsonValue::Object(::std::vec::Vec::new()))?)
        }
        RustType::List { .. } => quote!(::std::vec::Vec::new()),
        RustType::Map { .. } => quote!(::std::collections::HashMap::new()),
    }
}

/// `build()` of a deserializing builder, after error correction.
pub fn finish_build(s: &Structure) -> TokenStream {
    if crate::render::structure::build_is_fallible(s) {
        quote!(builder.build().map_err(|e| crate::json::JsonError::new(e.to_string())))
    } else {
        quote!(::std::result::Result::Ok(builder.build()))
    }
}

/// `ser_x`/`de_x` for a shared structure, as needed.
pub fn structure_fns(s: &Structure, registry: &Registry) -> TokenStream {
    let ty = type_tokens(&registry.named_type(&s.name));
    let mut out = TokenStream::new();
    if registry.serialized.contains(&s.name.to_string()) {
        let f = ser_fn(&s.name);
        let cfg = registry.ser_cfg(&s.name);
        let writes = write_fields(&s.fields, &quote!(value));
        let value = if writes.is_empty() { quote!(_value) } else { quote!(value) };
        out.extend(quote! {
            #cfg
            pub(crate) fn #f(#value: &#ty, w: &mut crate::json::JsonWriter) {
                w.begin_object();
                #writes
                w.end_object();
            }
        });
    }
    if registry.deserialized.contains(&s.name.to_string()) {
        let f = de_fn(&s.name);
        let fields = read_fields(&s.fields);
        let correction = error_correction(s);
        let build = finish_build(s);
        let rebind = (fields.is_none() && !correction.is_empty()).then(|| quote!(let mut builder = builder;));
        let cfg = registry.de_cfg(&s.name);
        let read = match fields {
            None => quote! {
                crate::json::expect_object(value)?;
                let builder = #ty::builder();
            },
            Some(fields) => quote! {
                let mut builder = #ty::builder();
                for (key, value) in crate::json::expect_object(value)? {
                    if value.is_null() {
                        continue;
                    }
                    #fields
                }
            },
        };
        out.extend(quote! {
            #cfg
            pub(crate) fn #f(value: &crate::json::JsonValue) -> ::std::result::Result<#ty, crate::json::JsonError> {
                #read
                #rebind
                #correction
                #build
            }
        });
    }
    out
}

/// `ser_x`/`de_x` for a union, as needed.
pub fn union_fns(u: &Union, registry: &Registry) -> TokenStream {
    let name = &u.name;
    let ty = type_tokens(&registry.named_type(name));
    let mut out = TokenStream::new();
    if registry.serialized.contains(&name.to_string()) {
        let f = ser_fn(name);
        let cfg = registry.ser_cfg(name);
        let arms = u.variants.iter().map(|v| {
            let ident = &v.ident;
            let member = &v.json_name;
            match &v.ty {
                None => quote!(#ty::#ident => { w.key(#member); w.begin_object(); w.end_object(); }),
                Some(t) => {
                    let write = write_value(t, &quote!(v), 0);
                    quote!(#ty::#ident(v) => { w.key(#member); #write })
                }
            }
        });
        out.extend(quote! {
            #cfg
            pub(crate) fn #f(value: &#ty, w: &mut crate::json::JsonWriter) {
                w.begin_object();
                match value {
                    #(#arms)*
                    // A member this crate does not know cannot be written back.
                    #ty::Unknown => {}
                }
                w.end_object();
            }
        });
    }
    if registry.deserialized.contains(&name.to_string()) {
        let f = de_fn(name);
        let cfg = registry.de_cfg(name);
        let arms = u.variants.iter().map(|v| {
            let ident = &v.ident;
            let member = &v.json_name;
            match &v.ty {
                None => quote!(#member => #ty::#ident,),
                Some(t) => {
                    let read = read_value(t, &quote!(value), 0);
                    let read = if v.boxed { quote!(::std::boxed::Box::new(#read)) } else { read };
                    quote!(#member => #ty::#ident(#read),)
                }
            }
        });
        out.extend(quote! {
            #cfg
            pub(crate) fn #f(value: &crate::json::JsonValue) -> ::std::result::Result<#ty, crate::json::JsonError> {
                let mut variant = ::std::option::Option::None;
                for (key, value) in crate::json::expect_object(value)? {
                    // Null members are unset; `__type` is informational and ignored.
                    if value.is_null() || key == "__type" {
                        continue;
                    }
                    if variant.is_some() {
                        return ::std::result::Result::Err(crate::json::JsonError::new("a union has more than one member set"));
                    }
                    variant = ::std::option::Option::Some(match key.as_str() {
                        #(#arms)*
                        _ => #ty::Unknown,
                    });
                }
                variant.ok_or_else(|| crate::json::JsonError::new("a union has no member set"))
            }
        });
    }
    out
}
