//! (De)serialization code for values and shapes, in JSON (restJson1 and the JSON RPC
//! protocols) or CBOR (rpcv2Cbor): the runtime's CBOR writer and readers take the same calls as
//! its JSON ones, so the crate's protocol only picks the module ([`Codec`]).

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::Registry;
use crate::ir::{CodecNames, Crate, Field, Location, Named, RustType, StructId, Structure, Union, UnionId};
use crate::model::{Protocol, TimestampFormat};
use crate::render::id;
use crate::render::std_paths::Std;
use crate::render::types::{named_tokens, type_tokens};

/// The body format of a crate's protocol: which runtime module the (de)serializers call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Codec {
    Json,
    Cbor,
    /// XML responses (restXml, awsQuery, ec2Query), with errors in this layout.
    Xml(XmlErrors),
}

/// Where an XML protocol's error responses put the `<Error>` (the runtime's `ErrorLayout`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum XmlErrors {
    Wrapped,
    Ec2,
    Bare,
}

impl Codec {
    pub fn of(k: &Crate) -> Self {
        match k.protocol {
            Some(Protocol::RpcV2Cbor) => Codec::Cbor,
            Some(Protocol::RestXml) if k.service.no_error_wrapping => Codec::Xml(XmlErrors::Bare),
            Some(Protocol::RestXml | Protocol::AwsQuery) => Codec::Xml(XmlErrors::Wrapped),
            Some(Protocol::Ec2Query) => Codec::Xml(XmlErrors::Ec2),
            _ => Codec::Json,
        }
    }

    /// The runtime's `ErrorLayout` of an XML codec's errors.
    pub fn error_layout(self) -> TokenStream {
        match self {
            Codec::Xml(XmlErrors::Wrapped) => quote!(crate::xml::ErrorLayout::Wrapped),
            Codec::Xml(XmlErrors::Ec2) => quote!(crate::xml::ErrorLayout::Ec2),
            Codec::Xml(XmlErrors::Bare) | Codec::Json | Codec::Cbor => quote!(crate::xml::ErrorLayout::Bare),
        }
    }

    /// The token reader type that deserializers take.
    pub fn reader(self) -> TokenStream {
        match self {
            Codec::Json => quote!(crate::json::JsonReader),
            Codec::Cbor => quote!(crate::cbor::CborReader),
            Codec::Xml(_) => quote!(crate::xml::XmlReader),
        }
    }

    pub fn writer(self) -> TokenStream {
        match self {
            Codec::Json => quote!(crate::json::JsonWriter),
            Codec::Cbor => quote!(crate::cbor::CborWriter),
            Codec::Xml(_) => quote!(crate::xml::XmlWriter),
        }
    }

    pub fn error(self) -> TokenStream {
        match self {
            Codec::Json => quote!(crate::json::JsonError),
            Codec::Cbor => quote!(crate::cbor::CborError),
            Codec::Xml(_) => quote!(crate::xml::XmlError),
        }
    }

    /// The bytes of the finished writer `writer`.
    pub fn finish(self, writer: &TokenStream) -> TokenStream {
        match self {
            Codec::Json | Codec::Xml(_) => quote!(#writer.finish().into_bytes()),
            Codec::Cbor => quote!(#writer.finish()),
        }
    }

    /// The call reading the metadata (code, message, request id) of the error response
    /// `response`.
    pub fn error_metadata(self, response: &TokenStream) -> TokenStream {
        match self {
            Codec::Json => quote!(crate::rest_json::error_metadata(#response)),
            Codec::Cbor => quote!(crate::cbor::error_metadata(#response)),
            Codec::Xml(_) => {
                let layout = self.error_layout();
                quote!(crate::xml::error_metadata(#response, #layout))
            }
        }
    }
}

/// `crate::primitives::Format::X` for a timestamp, with the location's default.
pub fn format_tokens(format: Option<TimestampFormat>, default: TimestampFormat) -> TokenStream {
    match format.unwrap_or(default) {
        TimestampFormat::DateTime => quote!(crate::primitives::Format::DateTime),
        TimestampFormat::HttpDate => quote!(crate::primitives::Format::HttpDate),
        TimestampFormat::EpochSeconds => quote!(crate::primitives::Format::EpochSeconds),
    }
}

/// The protocol-module function names of a structure or union.
pub fn fns<'a>(k: &'a Crate, ty: &RustType) -> Option<&'a CodecNames> {
    match ty {
        RustType::Structure(id) => Some(&k.structure(*id).fns),
        RustType::Union(id) => Some(&k.union(*id).fns),
        _ => None,
    }
}

/// Statements writing `value` (an expression of type `&T`) with the writer `w` (JSON or CBOR).
pub fn write_value(k: &Crate, ty: &RustType, value: &TokenStream, depth: usize) -> TokenStream {
    let Std { some, none, .. } = Std::of(k);
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
        RustType::ByteStream | RustType::EventSender(_) | RustType::EventReceiver(_) => {
            unreachable!("a stream is an HTTP payload, never in a document (the IR)")
        }
        RustType::Document => quote!(w.document(#value);),
        RustType::Enum(_) => quote!(w.string(#value.as_str());),
        RustType::IntEnum(_) => quote!(w.i64(i64::from(#value.as_i32()));),
        RustType::Structure(_) | RustType::Union(_) => {
            let f = id(&fns(k, ty).expect("a structure or union").ser);
            quote!(crate::protocol::#f(#value, w);)
        }
        RustType::List { item, sparse } => {
            let v = format_ident!("item{depth}");
            let write = write_value(k, item, &quote!(#v), depth + 1);
            let write = if *sparse { quote!(match #v { #some(#v) => { #write } #none => w.null(), }) } else { write };
            quote! {
                w.begin_array();
                for #v in #value.iter() { #write }
                w.end_array();
            }
        }
        RustType::Map { value: value_ty, sparse, .. } => {
            let (key, v) = (format_ident!("key{depth}"), format_ident!("value{depth}"));
            // Keys are strings or string enums; both have `as_str`.
            let key_text = quote!(#key.as_str());
            let write = write_value(k, value_ty, &quote!(#v), depth + 1);
            let write = if *sparse { quote!(match #v { #some(#v) => { #write } #none => w.null(), }) } else { write };
            quote! {
                w.begin_object();
                for (#key, #v) in #value.iter() {
                    w.key(#key_text);
                    #write
                }
                w.end_object();
            }
        }
    }
}

/// An expression of type `T` read with the reader `r` (the codec's `JsonReader` or
/// `CborReader`), using `?` on its error.
pub fn read_value(k: &Crate, ty: &RustType, depth: usize) -> TokenStream {
    let Std { some, none, vec, .. } = Std::of(k);
    match ty {
        RustType::String => quote!(r.string()?),
        RustType::Bool => quote!(r.bool()?),
        RustType::I8 => quote!(r.i8()?),
        RustType::I16 => quote!(r.i16()?),
        RustType::I32 => quote!(r.i32()?),
        RustType::I64 => quote!(r.i64()?),
        RustType::F32 => quote!(r.f32()?),
        RustType::F64 => quote!(r.f64()?),
        RustType::BigInteger => quote!(crate::primitives::BigInteger::new(r.number_text()?)),
        RustType::BigDecimal => quote!(crate::primitives::BigDecimal::new(r.number_text()?)),
        RustType::DateTime(format) => {
            let format = format_tokens(*format, TimestampFormat::EpochSeconds);
            quote!(r.timestamp(#format)?)
        }
        RustType::Blob => quote!(r.blob()?),
        RustType::ByteStream | RustType::EventSender(_) | RustType::EventReceiver(_) => {
            unreachable!("a stream is an HTTP payload, never in a document (the IR)")
        }
        RustType::Document => quote!(r.document()?),
        RustType::Enum(_) => {
            let ty = type_tokens(k, ty);
            quote!(#ty::from(&*r.str()?))
        }
        RustType::IntEnum(_) => {
            let ty = type_tokens(k, ty);
            quote!(#ty::from(r.i32()?))
        }
        RustType::Structure(_) | RustType::Union(_) => {
            let f = id(&fns(k, ty).expect("a structure or union").de);
            quote!(crate::protocol::#f(r)?)
        }
        RustType::List { item, sparse } => {
            let read = read_value(k, item, depth + 1);
            // Dense lists skip nulls; sparse lists keep them as `None`.
            let read_items = if *sparse {
                quote!(while r.next_sparse_item()? { items.push(if r.take_null()? { #none } else { #some(#read) }); })
            } else {
                quote!(while r.next_item()? { items.push(#read); })
            };
            quote!({
                let mut items = #vec::new();
                r.begin_array()?;
                #read_items
                items
            })
        }
        RustType::Map { key, value: value_ty, sparse } => {
            let key_var = format_ident!("key{depth}");
            let key_value = match &**key {
                RustType::Enum(_) => {
                    let key_ty = type_tokens(k, key);
                    quote!(#key_ty::from(&*#key_var))
                }
                _ => quote!(#key_var.into_owned()),
            };
            let read = read_value(k, value_ty, depth + 1);
            let read_entries = if *sparse {
                quote! {
                    while let #some(#key_var) = r.next_sparse_key()? {
                        let value = if r.take_null()? { #none } else { #some(#read) };
                        map.insert(#key_value, value);
                    }
                }
            } else {
                quote! {
                    while let #some(#key_var) = r.next_key()? {
                        let value = #read;
                        map.insert(#key_value, value);
                    }
                }
            };
            quote!({
                let mut map = ::std::collections::HashMap::new();
                r.begin_object()?;
                #read_entries
                map
            })
        }
    }
}

/// Statements running `write` with `v` bound to a field's value (`&T`), when it is set: an
/// unset `@idempotencyToken` is made up here, so every attempt of one call sends the same one.
/// Every protocol's serializers write fields through it.
pub fn with_field_value(k: &Crate, f: &Field, value: &TokenStream, write: TokenStream) -> TokenStream {
    let Std { some, .. } = Std::of(k);
    let ident = id(&f.ident);
    if f.idempotency_token && f.optional && f.ty == RustType::String {
        quote!({
            let v = &#value.#ident.clone().unwrap_or_else(crate::http::new_idempotency_token);
            #write
        })
    } else if f.optional {
        quote!(if let #some(v) = &#value.#ident { #write })
    } else {
        quote!({ let v = &#value.#ident; #write })
    }
}

/// Statements writing the body-located fields of `value` (an expression of the struct type) as
/// members of the JSON object being written.
pub fn write_fields<'a>(k: &Crate, fields: impl IntoIterator<Item = &'a Field>, value: &TokenStream) -> TokenStream {
    let writes = fields.into_iter().filter_map(|f| {
        let Location::Body(name) = &f.location else { return None };
        let write = write_value(k, &f.ty, &quote!(v), 0);
        Some(with_field_value(k, f, value, quote!(w.key(#name); #write)))
    });
    quote!(#(#writes)*)
}

/// A loop over the members of the object at the reader `r`, setting `builder`'s body fields
/// and skipping the members it does not know; `?` returns the codec's error.
/// An error's message (`s.message`) is read from `Message` or `message`, whichever the
/// service sends.
pub fn read_fields(k: &Crate, s: &Structure) -> TokenStream {
    let Std { some, boxed, .. } = Std::of(k);
    let arms = s.fields.iter().enumerate().filter_map(|(i, f)| {
        let Location::Body(name) = &f.location else { return None };
        let ident = id(&f.ident);
        let read = read_value(k, &f.ty, 0);
        let read = if f.boxed { quote!(#boxed::new(#read)) } else { read };
        let names = if s.message == Some(i) { vec!["Message", "message"] } else { vec![name.as_str()] };
        Some(quote!(#(#names)|* => builder.#ident = #some(#read),))
    });
    let arms: Vec<TokenStream> = arms.collect();
    if arms.is_empty() {
        return quote! {
            r.begin_object()?;
            while r.next_key()?.is_some() {
                r.skip()?;
            }
        };
    }
    quote! {
        r.begin_object()?;
        while let #some(key) = r.next_key()? {
            match &*key {
                #(#arms)*
                _ => r.skip()?,
            }
        }
    }
}

/// Whether a structure has fields read from the body.
pub fn has_body_fields(s: &Structure) -> bool {
    s.fields.iter().any(|f| matches!(f.location, Location::Body(_)))
}

/// The spec asks clients to fill a `@required` member the service left out with a zero value
/// rather than fail; statements doing that for the non-optional fields without default.
pub fn error_correction(k: &Crate, s: &Structure) -> TokenStream {
    let Std { some, boxed, .. } = Std::of(k);
    let fixes = s.fields.iter().filter(|f| !f.optional && f.default.is_none()).map(|f| {
        let ident = id(&f.ident);
        let zero = zero_value(k, &f.ty);
        let zero = if f.boxed { quote!(#boxed::new(#zero)) } else { zero };
        quote!(if builder.#ident.is_none() { builder.#ident = #some(#zero); })
    });
    quote!(#(#fixes)*)
}

fn zero_value(k: &Crate, ty: &RustType) -> TokenStream {
    let Std { string, vec, .. } = Std::of(k);
    match ty {
        RustType::String => quote!(#string::new()),
        RustType::Bool => quote!(false),
        RustType::I8 | RustType::I16 | RustType::I32 | RustType::I64 => quote!(0),
        RustType::F32 | RustType::F64 => quote!(0.0),
        RustType::BigInteger => quote!(crate::primitives::BigInteger::new("0")),
        RustType::BigDecimal => quote!(crate::primitives::BigDecimal::new("0")),
        RustType::DateTime(_) => quote!(crate::primitives::DateTime::from_secs(0)),
        RustType::Blob => quote!(crate::primitives::Blob::default()),
        RustType::ByteStream | RustType::EventSender(_) | RustType::EventReceiver(_) => {
            unreachable!("a stream is an HTTP payload, never in a document (the IR)")
        }
        RustType::Document => quote!(crate::primitives::Document::Null),
        RustType::Enum(_) => {
            let ty = type_tokens(k, ty);
            quote!(#ty::from(""))
        }
        RustType::IntEnum(_) => {
            let ty = type_tokens(k, ty);
            quote!(#ty::from(0))
        }
        RustType::Union(_) => {
            let ty = type_tokens(k, ty);
            quote!(#ty::Unknown)
        }
        RustType::Structure(_) => {
            let f = id(&fns(k, ty).expect("a structure").de);
            match Codec::of(k) {
                // An empty element.
                Codec::Xml(_) => quote!({
                    let r = &mut crate::xml::XmlReader::new(b"<a/>");
                    let element = r.root()?;
                    crate::protocol::#f(r, &element)?
                }),
                // An empty body reads as an empty object (map) in both codecs.
                codec => {
                    let reader = codec.reader();
                    quote!(crate::protocol::#f(&mut #reader::body(&[]))?)
                }
            }
        }
        RustType::List { .. } => quote!(#vec::new()),
        RustType::Map { .. } => quote!(::std::collections::HashMap::new()),
    }
}

/// `build()` of a deserializing builder, after error correction.
pub fn finish_build(k: &Crate, s: &Structure) -> TokenStream {
    let Std { ok, .. } = Std::of(k);
    if crate::render::structure::build_is_fallible(s) {
        let error = Codec::of(k).error();
        quote!(builder.build().map_err(|e| #error::new(e.to_string())))
    } else {
        quote!(#ok(builder.build()))
    }
}

/// `ser_x`/`de_x` for a shared structure, as needed.
pub fn structure_fns(k: &Crate, struct_id: StructId, s: &Structure, registry: &Registry) -> TokenStream {
    let Std { result, .. } = Std::of(k);
    let named = Named::Structure(struct_id);
    let ty = named_tokens(k, named);
    let c = Codec::of(k);
    let (writer, reader, error) = (c.writer(), c.reader(), c.error());
    let mut out = TokenStream::new();
    if registry.serialized.contains(&named) {
        let f = id(&s.fns.ser);
        let cfg = registry.ser_cfg(named);
        let writes = write_fields(k, &s.fields, &quote!(value));
        let value = if writes.is_empty() { quote!(_value) } else { quote!(value) };
        out.extend(quote! {
            #cfg
            #[inline]
            pub(crate) fn #f(#value: &#ty, w: &mut #writer) {
                w.begin_object();
                #writes
                w.end_object();
            }
        });
    }
    if registry.deserialized.contains(&named) {
        let f = id(&s.fns.de);
        let fields = read_fields(k, s);
        let correction = error_correction(k, s);
        let build = finish_build(k, s);
        let builder =
            if has_body_fields(s) || !correction.is_empty() { quote!(let mut builder) } else { quote!(let builder) };
        let cfg = registry.de_cfg(named);
        out.extend(quote! {
            #cfg
            #[inline]
            pub(crate) fn #f(r: &mut #reader<'_>) -> #result<#ty, #error> {
                #builder = #ty::builder();
                #fields
                #correction
                #build
            }
        });
    }
    out
}

/// `ser_x`/`de_x` for a union, as needed.
pub fn union_fns(k: &Crate, union_id: UnionId, u: &Union, registry: &Registry) -> TokenStream {
    let Std { some, none, result, err, boxed, .. } = Std::of(k);
    let named = Named::Union(union_id);
    let ty = named_tokens(k, named);
    let c = Codec::of(k);
    let (writer, reader, error) = (c.writer(), c.reader(), c.error());
    let mut out = TokenStream::new();
    if registry.serialized.contains(&named) {
        let f = id(&u.fns.ser);
        let cfg = registry.ser_cfg(named);
        let arms = u.variants.iter().map(|v| {
            let ident = id(&v.ident);
            let member = &v.json_name;
            match &v.ty {
                None => quote!(#ty::#ident => { w.key(#member); w.begin_object(); w.end_object(); }),
                Some(t) => {
                    let write = write_value(k, t, &quote!(v), 0);
                    quote!(#ty::#ident(v) => { w.key(#member); #write })
                }
            }
        });
        out.extend(quote! {
            #cfg
            #[inline]
            pub(crate) fn #f(value: &#ty, w: &mut #writer) {
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
    if registry.deserialized.contains(&named) {
        let f = id(&u.fns.de);
        let cfg = registry.de_cfg(named);
        let arms = u.variants.iter().map(|v| {
            let ident = id(&v.ident);
            let member = &v.json_name;
            match &v.ty {
                None => quote!(#member => { r.skip()?; #ty::#ident }),
                Some(t) => {
                    let read = read_value(k, t, 0);
                    let read = if v.boxed { quote!(#boxed::new(#read)) } else { read };
                    quote!(#member => #ty::#ident(#read),)
                }
            }
        });
        out.extend(quote! {
            #cfg
            #[inline]
            pub(crate) fn #f(r: &mut #reader<'_>) -> #result<#ty, #error> {
                let mut variant = #none;
                r.begin_object()?;
                while let #some(key) = r.next_key()? {
                    // `__type` is informational and ignored.
                    if key == "__type" {
                        r.skip()?;
                        continue;
                    }
                    if variant.is_some() {
                        return #err(#error::new("a union has more than one member set"));
                    }
                    variant = #some(match &*key {
                        #(#arms)*
                        _ => {
                            r.skip()?;
                            #ty::Unknown
                        }
                    });
                }
                variant.ok_or_else(|| #error::new("a union has no member set"))
            }
        });
    }
    out
}
