//! Rendering of IR types, field types, getters, docs and attributes shared by the generators.

use proc_macro2::TokenStream;
use quote::quote;

use super::id;
use crate::ir::{Crate, DefaultValue, Deprecated, Field, Named, RustType, TypeModule, UnionId};
use crate::render::std_paths::Std;

/// The path of a named type as written anywhere in the generated crate.
pub fn named_tokens(k: &Crate, named: Named) -> TokenStream {
    let path = k.type_path(named);
    let name = id(path.name);
    match path.module {
        TypeModule::Types => quote!(crate::types::#name),
        TypeModule::Errors => quote!(crate::types::error::#name),
        TypeModule::Operation(op) => {
            let op = id(op);
            quote!(crate::operation::#op::#name)
        }
    }
}

/// The path of a type as written anywhere in the generated crate.
pub fn type_tokens(k: &Crate, ty: &RustType) -> TokenStream {
    let Std { string, vec, .. } = Std::of(k);
    match ty {
        RustType::String => quote!(#string),
        RustType::Bool => quote!(bool),
        RustType::I8 => quote!(i8),
        RustType::I16 => quote!(i16),
        RustType::I32 => quote!(i32),
        RustType::I64 => quote!(i64),
        RustType::F32 => quote!(f32),
        RustType::F64 => quote!(f64),
        RustType::BigInteger => quote!(crate::primitives::BigInteger),
        RustType::BigDecimal => quote!(crate::primitives::BigDecimal),
        RustType::DateTime(_) => quote!(crate::primitives::DateTime),
        RustType::Blob => quote!(crate::primitives::Blob),
        RustType::ByteStream => quote!(crate::primitives::ByteStream),
        RustType::EventSender(u) => {
            let (events, errors) = stream_types(k, *u);
            quote!(crate::event_stream::EventStreamSender<#events, #errors>)
        }
        RustType::EventReceiver(u) => {
            let (events, errors) = stream_types(k, *u);
            quote!(crate::event_stream::EventReceiver<#events, #errors>)
        }
        RustType::Document => quote!(crate::primitives::Document),
        RustType::Structure(_) | RustType::Union(_) | RustType::Enum(_) | RustType::IntEnum(_) => {
            named_tokens(k, ty.named().expect("a named type"))
        }
        RustType::List { item, sparse } => {
            let item = element(k, item, *sparse);
            quote!(#vec<#item>)
        }
        RustType::Map { key, value, sparse } => {
            let key = type_tokens(k, key);
            let value = element(k, value, *sparse);
            quote!(::std::collections::HashMap<#key, #value>)
        }
    }
}

/// An event stream's event union and error enum.
pub fn stream_types(k: &Crate, u: UnionId) -> (TokenStream, TokenStream) {
    let union = k.union(u);
    let events = named_tokens(k, Named::Union(u));
    let error = id(&union.event_stream.as_ref().expect("an event stream union (the IR)").names.error);
    (events, quote!(crate::types::error::#error))
}

/// A collection's element type: `Option<T>` when the collection is sparse.
pub fn element(k: &Crate, ty: &RustType, sparse: bool) -> TokenStream {
    let Std { option, .. } = Std::of(k);
    let ty = type_tokens(k, ty);
    if sparse {
        quote!(#option<#ty>)
    } else {
        ty
    }
}

/// The field's type without `Option` (boxed where recursion needs it).
pub fn value_type(k: &Crate, field: &Field) -> TokenStream {
    let Std { boxed, .. } = Std::of(k);
    let ty = type_tokens(k, &field.ty);
    if field.boxed {
        quote!(#boxed<#ty>)
    } else {
        ty
    }
}

/// The field's type in its struct.
pub fn field_type(k: &Crate, field: &Field) -> TokenStream {
    let Std { option, .. } = Std::of(k);
    let ty = value_type(k, field);
    if field.optional {
        quote!(#option<#ty>)
    } else {
        ty
    }
}

/// Whether values of the type are `Copy`, so getters return them by value.
pub fn is_copy(ty: &RustType) -> bool {
    matches!(
        ty,
        RustType::Bool
            | RustType::I8
            | RustType::I16
            | RustType::I32
            | RustType::I64
            | RustType::F32
            | RustType::F64
            | RustType::DateTime(_)
    )
}

/// A getter's return type and body, the way aws-sdk-rust shapes them: `Option<&str>` for
/// strings, a slice for lists (empty when unset), copies for `Copy` values, references otherwise.
pub fn getter(k: &Crate, field: &Field) -> (TokenStream, TokenStream) {
    let Std { option, .. } = Std::of(k);
    let ident = id(&field.ident);
    let ty = type_tokens(k, &field.ty);
    match (&field.ty, field.optional) {
        (RustType::String, true) => (quote!(#option<&str>), quote!(self.#ident.as_deref())),
        (RustType::String, false) => (quote!(&str), quote!(self.#ident.as_str())),
        (RustType::List { item, sparse }, optional) => {
            let item = element(k, item, *sparse);
            let body = if optional {
                quote!(self.#ident.as_deref().unwrap_or_default())
            } else {
                quote!(self.#ident.as_slice())
            };
            (quote!(&[#item]), body)
        }
        (ty_, true) if is_copy(ty_) && !field.boxed => (quote!(#option<#ty>), quote!(self.#ident)),
        (ty_, false) if is_copy(ty_) && !field.boxed => (ty, quote!(self.#ident)),
        (_, true) if field.boxed => (quote!(#option<&#ty>), quote!(self.#ident.as_deref())),
        (_, true) => (quote!(#option<&#ty>), quote!(self.#ident.as_ref())),
        (_, false) => (quote!(&#ty), quote!(&self.#ident)),
    }
}

/// An expression of the field's value type for its `@default`.
pub fn default_expr(k: &Crate, field: &Field, value: &DefaultValue) -> TokenStream {
    let Std { string, vec, boxed, .. } = Std::of(k);
    let expr = match value {
        DefaultValue::Bool(b) => quote!(#b),
        DefaultValue::Int(i) => {
            let lit = proc_macro2::Literal::i64_unsuffixed(*i);
            quote!(#lit)
        }
        DefaultValue::Float(f) => {
            let lit = proc_macro2::Literal::f64_unsuffixed(*f);
            quote!(#lit)
        }
        DefaultValue::String(s) => match &field.ty {
            RustType::BigInteger => quote!(crate::primitives::BigInteger::new(#s)),
            RustType::BigDecimal => quote!(crate::primitives::BigDecimal::new(#s)),
            _ => quote!(#string::from(#s)),
        },
        DefaultValue::Enum(value) => {
            let ty = type_tokens(k, &field.ty);
            quote!(#ty::from(#value))
        }
        DefaultValue::IntEnum(value) => {
            let ty = type_tokens(k, &field.ty);
            let lit = proc_macro2::Literal::i32_unsuffixed(*value as i32);
            quote!(#ty::from(#lit))
        }
        DefaultValue::EmptyList => quote!(#vec::new()),
        DefaultValue::EmptyMap => quote!(::std::collections::HashMap::new()),
        DefaultValue::Timestamp(secs) => quote!(crate::primitives::DateTime::from_secs_f64(#secs)),
        DefaultValue::EmptyStream => {
            let ty = type_tokens(k, &field.ty);
            quote!(<#ty as ::std::default::Default>::default())
        }
        DefaultValue::Blob(bytes) if field.ty == RustType::ByteStream => {
            let bytes = proc_macro2::Literal::byte_string(bytes);
            quote!(crate::primitives::ByteStream::from_static(#bytes))
        }
        DefaultValue::Blob(bytes) => {
            let bytes = proc_macro2::Literal::byte_string(bytes);
            quote!(crate::primitives::Blob::new(#bytes.to_vec()))
        }
        DefaultValue::Document(value) => document_expr(k, value),
    };
    if field.boxed {
        quote!(#boxed::new(#expr))
    } else {
        expr
    }
}

/// An expression building a `Document` equal to a node value.
pub fn document_expr(k: &Crate, value: &serde_json::Value) -> TokenStream {
    let Std { string, .. } = Std::of(k);
    use serde_json::Value;
    match value {
        Value::Null => quote!(crate::primitives::Document::Null),
        Value::Bool(b) => quote!(crate::primitives::Document::Bool(#b)),
        Value::String(s) => quote!(crate::primitives::Document::String(#string::from(#s))),
        Value::Number(n) => {
            let number = if let Some(u) = n.as_u64() {
                quote!(crate::primitives::Number::PosInt(#u))
            } else if let Some(i) = n.as_i64() {
                quote!(crate::primitives::Number::NegInt(#i))
            } else {
                let f = n.as_f64().unwrap_or_default();
                quote!(crate::primitives::Number::Float(#f))
            };
            quote!(crate::primitives::Document::Number(#number))
        }
        Value::Array(items) => {
            let items = items.iter().map(|item| document_expr(k, item));
            quote!(crate::primitives::Document::Array(::std::vec![#(#items),*]))
        }
        Value::Object(map) => {
            let entries = map.iter().map(|(key, v)| {
                let v = document_expr(k, v);
                quote!((#string::from(#key), #v))
            });
            quote!(crate::primitives::Document::Object(::std::collections::BTreeMap::from([#(#entries),*])))
        }
    }
}

/// `#[doc = "..."]` lines; `fallback` when the model has no documentation.
pub fn doc_attrs(docs: &[String], fallback: &str) -> TokenStream {
    if docs.is_empty() {
        let line = format!(" {fallback}");
        return quote!(#[doc = #line]);
    }
    let lines = docs.iter().map(|l| if l.is_empty() { String::new() } else { format!(" {l}") });
    quote!(#(#[doc = #lines])*)
}

/// `#[deprecated(...)]` for a deprecated shape or member. Smithy's `since` is free text (often a
/// date) while Rust's must be semver, so it goes into the note.
pub fn deprecated_attr(deprecated: Option<&Deprecated>) -> TokenStream {
    let note = match deprecated {
        None => return quote!(),
        Some(Deprecated { note: None, since: None }) => return quote!(#[deprecated]),
        Some(Deprecated { note: Some(note), since: None }) => note.clone(),
        Some(Deprecated { note: None, since: Some(since) }) => format!("deprecated since {since}"),
        Some(Deprecated { note: Some(note), since: Some(since) }) => format!("{note} (deprecated since {since})"),
    };
    quote!(#[deprecated(note = #note)])
}
