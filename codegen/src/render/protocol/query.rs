//! awsQuery's and ec2Query's requests: a `POST /` whose form body names the operation and the
//! API version and carries every input member as `key=value` pairs, the keys built from member
//! names joined by `.` (lists and maps add `member.N`, `entry.N.key`, or just `N` where
//! flattened, and ec2Query always flattens lists). Shapes get `ser_x(value, w, prefix)`, which
//! writes their members under `prefix`.

use proc_macro2::TokenStream;
use quote::quote;

use super::json::{fns, format_tokens, with_field_value};
use super::Registry;
use crate::ir::{Crate, Field, Named, Operation, RustType, StructId, Structure, Union, UnionId, XmlNested};
use crate::model::{Protocol, TimestampFormat};
use crate::render::id;
use crate::render::std_paths::Std;
use crate::render::types::named_tokens;

fn ec2(k: &Crate) -> bool {
    k.protocol == Some(Protocol::Ec2Query)
}

/// Statements writing `value` (an expression of type `&T`) under the key `key` (an expression
/// of type `&str`).
fn write_value(
    k: &Crate,
    ty: &RustType,
    nested: &XmlNested,
    flattened: bool,
    key: &TokenStream,
    value: &TokenStream,
    depth: usize,
) -> TokenStream {
    let Std { some, .. } = Std::of(k);
    match ty {
        RustType::String => quote!(w.pair(#key, #value);),
        RustType::Bool => quote!(w.pair(#key, if *#value { "true" } else { "false" });),
        RustType::I8 | RustType::I16 | RustType::I32 | RustType::I64 => quote!(w.pair(#key, &#value.to_string());),
        RustType::F32 => quote!(w.pair(#key, &crate::primitives::f32_text(*#value));),
        RustType::F64 => quote!(w.pair(#key, &crate::primitives::float_text(*#value));),
        RustType::BigInteger | RustType::BigDecimal | RustType::Enum(_) => quote!(w.pair(#key, #value.as_str());),
        RustType::IntEnum(_) => quote!(w.pair(#key, &#value.as_i32().to_string());),
        RustType::DateTime(format) => {
            let format = format_tokens(*format, TimestampFormat::DateTime);
            quote!(w.pair(#key, &crate::xml::timestamp_text(#value, #format));)
        }
        RustType::Blob => quote!(w.pair(#key, &crate::primitives::base64::encode(#value));),
        RustType::ByteStream | RustType::EventSender(_) | RustType::EventReceiver(_) => {
            unreachable!("a stream is an HTTP payload, never in a document (the IR)")
        }
        // The IR refuses documents in the query protocols.
        RustType::Document => quote!(),
        RustType::Structure(_) | RustType::Union(_) => {
            let f = id(&fns(k, ty).expect("a structure or union").ser);
            quote!(crate::protocol::#f(#value, w, #key);)
        }
        RustType::List { item, sparse } => {
            let XmlNested::List { member, item: item_nested, .. } = nested else {
                unreachable!("the IR gives a list its list names")
            };
            let (v, item_key) = (quote::format_ident!("item{depth}"), quote::format_ident!("key{depth}"));
            let segment = if flattened || ec2(k) { "" } else { member.as_str() };
            let write = write_value(k, item, item_nested, false, &quote!(&#item_key), &quote!(#v), depth + 1);
            let write = if *sparse { quote!(if let #some(#v) = #v { #write }) } else { write };
            // awsQuery sends an empty list as an empty value; ec2Query sends nothing.
            let empty = (!ec2(k)).then(|| quote!(if #value.is_empty() { w.empty(#key); }));
            quote! {
                #empty
                for (i, #v) in #value.iter().enumerate() {
                    let #item_key = crate::query::QueryWriter::indexed(#key, #segment, i + 1);
                    #write
                }
            }
        }
        RustType::Map { value: value_ty, sparse, .. } => {
            let XmlNested::Map { key: key_name, value: value_name, nested: value_nested, .. } = nested else {
                unreachable!("the IR gives a map its map names")
            };
            let (entry_key, map_key, v) = (
                quote::format_ident!("entry{depth}"),
                quote::format_ident!("key{depth}"),
                quote::format_ident!("value{depth}"),
            );
            let segment = if flattened { "" } else { "entry" };
            let value_key = quote!(&crate::query::QueryWriter::member(&#entry_key, #value_name));
            let write = write_value(k, value_ty, value_nested, false, &value_key, &quote!(#v), depth + 1);
            let write = if *sparse { quote!(if let #some(#v) = #v { #write }) } else { write };
            quote! {
                for (i, (#map_key, #v)) in crate::xml::sorted(#value).into_iter().enumerate() {
                    let #entry_key = crate::query::QueryWriter::indexed(#key, #segment, i + 1);
                    w.pair(&crate::query::QueryWriter::member(&#entry_key, #key_name), #map_key.as_ref());
                    #write
                }
            }
        }
    }
}

/// Statements writing the fields of `value` (an expression of the struct type) under `prefix`
/// (an expression of type `&str`; None at the top level, where keys are the members' own).
fn write_fields<'a>(
    k: &Crate,
    fields: impl IntoIterator<Item = &'a Field>,
    value: &TokenStream,
    prefix: Option<&TokenStream>,
) -> TokenStream {
    let writes = fields.into_iter().map(|f| {
        let name = &f.xml.query_key;
        let key = match prefix {
            Some(prefix) => quote!(&crate::query::QueryWriter::member(#prefix, #name)),
            None => quote!(#name),
        };
        let write = write_value(k, &f.ty, &f.xml.nested, f.xml.flattened, &key, &quote!(v), 0);
        with_field_value(k, f, value, write)
    });
    quote!(#(#writes)*)
}

/// `ser_x` for a shared structure that requests carry.
pub fn structure_fn(k: &Crate, struct_id: StructId, s: &Structure, registry: &Registry) -> TokenStream {
    let named = Named::Structure(struct_id);
    if !registry.serialized.contains(&named) {
        return quote!();
    }
    let ty = named_tokens(k, named);
    let f = id(&s.fns.ser);
    let cfg = registry.ser_cfg(named);
    let writes = write_fields(k, &s.fields, &quote!(value), Some(&quote!(prefix)));
    let (value, prefix) =
        if s.fields.is_empty() { (quote!(_value), quote!(_prefix)) } else { (quote!(value), quote!(prefix)) };
    quote! {
        #cfg
        #[inline]
        pub(crate) fn #f(#value: &#ty, w: &mut crate::query::QueryWriter, #prefix: &str) {
            #writes
        }
    }
}

/// `ser_x` for a union that requests carry: the set variant as a member.
pub fn union_fn(k: &Crate, union_id: UnionId, u: &Union, registry: &Registry) -> TokenStream {
    let named = Named::Union(union_id);
    if !registry.serialized.contains(&named) {
        return quote!();
    }
    let ty = named_tokens(k, named);
    let f = id(&u.fns.ser);
    let cfg = registry.ser_cfg(named);
    let arms = u.variants.iter().map(|v| {
        let ident = id(&v.ident);
        let name = &v.xml.query_key;
        let key = quote!(&crate::query::QueryWriter::member(prefix, #name));
        match &v.ty {
            None => quote!(#ty::#ident => w.empty(#key),),
            Some(t) => {
                let write = write_value(k, t, &v.xml.nested, v.xml.flattened, &key, &quote!(v), 0);
                quote!(#ty::#ident(v) => { #write })
            }
        }
    });
    quote! {
        #cfg
        #[inline]
        pub(crate) fn #f(value: &#ty, w: &mut crate::query::QueryWriter, prefix: &str) {
            match value {
                #(#arms)*
                // A member this crate does not know cannot be written back.
                #ty::Unknown => {}
            }
        }
    }
}

/// `serialize_request`: the form-encoded `POST /` for an input.
pub fn serialize_request(k: &Crate, op: &Operation) -> TokenStream {
    let Std { result, ok, string, .. } = Std::of(k);
    let input = k.structure(op.input);
    let input_ty = id(&input.name);
    let input_param = if input.fields.is_empty() { quote!(_input) } else { quote!(input) };
    let action = op.shape.name();
    let version = k.service.version.as_deref().unwrap_or_default();
    let writes = write_fields(k, &input.fields, &quote!(input), None);
    let writer = if writes.is_empty() {
        quote!(let writer = crate::query::QueryWriter::new(#action, #version);)
    } else {
        quote! {
            let mut writer = crate::query::QueryWriter::new(#action, #version);
            let w = &mut writer;
            #writes
        }
    };
    quote! {
        /// Builds the HTTP request for `input`: a form-encoded `POST` naming the operation and
        /// the API version.
        ///
        /// Fails when a value cannot be written.
        #[inline]
        pub fn serialize_request(#input_param: &#input_ty) -> #result<crate::http::HttpRequest, crate::error::BuildError> {
            #writer
            let body = writer.finish().into_bytes();
            let mut headers = crate::http::Headers::new();
            headers.insert("Content-Type", "application/x-www-form-urlencoded");
            headers.insert("Content-Length", body.len().to_string());
            #ok(crate::http::HttpRequest { method: #string::from("POST"), uri: #string::from("/"), headers, body })
        }
    }
}
