//! (De)serialization code for XML bodies: restXml's requests and responses, and the query
//! protocols' responses. Deserializers drive the runtime's `XmlReader` element by element into
//! their builders; a structure's deserializer is called once its element is entered, with the
//! element, for its `@xmlAttribute` members. Serializers write into an open element with the
//! runtime's `XmlWriter`: attributes first, then child elements.

use proc_macro2::TokenStream;
use quote::quote;

use super::json::{error_correction, finish_build, fns, format_tokens, with_field_value};
use super::Registry;
use crate::ir::{
    Crate, Field, Named, RustType, StructId, Structure, Union, UnionId, XmlMember, XmlNamespace, XmlNested,
};
use crate::model::TimestampFormat;
use crate::render::id;
use crate::render::std_paths::Std;
use crate::render::types::{named_tokens, type_tokens};

/// An expression of type `T` reading the element just entered with the reader `r`; `element`
/// is the expression of that element (a structure's attributes are on it). `?` returns an
/// `XmlError`.
pub fn read_value(k: &Crate, ty: &RustType, nested: &XmlNested, element: &TokenStream) -> TokenStream {
    let Std { some, .. } = Std::of(k);
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
            let format = format_tokens(*format, TimestampFormat::DateTime);
            quote!(r.timestamp(#format)?)
        }
        RustType::Blob => quote!(r.blob()?),
        RustType::ByteStream | RustType::EventSender(_) | RustType::EventReceiver(_) => {
            unreachable!("a stream is an HTTP payload, never in a document (the IR)")
        }
        // The IR refuses documents in the XML protocols.
        RustType::Document => quote!({
            r.skip()?;
            crate::primitives::Document::Null
        }),
        RustType::Enum(_) => {
            let ty = type_tokens(k, ty);
            quote!(#ty::from(&*r.text()?))
        }
        RustType::IntEnum(_) => {
            let ty = type_tokens(k, ty);
            quote!(#ty::from(r.i32()?))
        }
        RustType::Structure(_) => {
            let f = id(&fns(k, ty).expect("a structure").de);
            quote!(crate::protocol::#f(r, #element)?)
        }
        RustType::Union(_) => {
            let f = id(&fns(k, ty).expect("a union").de);
            quote!(crate::protocol::#f(r)?)
        }
        RustType::List { item, sparse } => {
            let XmlNested::List { member, item: item_nested, .. } = nested else {
                unreachable!("the IR gives a list its list names")
            };
            let (param, read) = item_reader(k, item, item_nested);
            let read = if *sparse { quote!(#some(#read)) } else { read };
            let read = closure_result(k, read);
            quote!(r.list(#member, |r, #param| #read)?)
        }
        RustType::Map { key, value, sparse } => {
            let (key_name, value_name, read_key, (param, read)) = entry_readers(k, key, value, nested);
            let read = if *sparse { quote!(#some(#read)) } else { read };
            let (read_key, read) = (closure_result(k, read_key), closure_result(k, read));
            quote!(r.map(#key_name, #value_name, |r| #read_key, |r, #param| #read)?)
        }
    }
}

/// A closure body returning `read`'s result: a read ending in `?` (`r.i32()?`) gives its
/// `Result` as it is, anything else is wrapped in `Ok`.
fn closure_result(k: &Crate, read: TokenStream) -> TokenStream {
    let Std { ok, .. } = Std::of(k);
    let mut tokens: Vec<proc_macro2::TokenTree> = read.into_iter().collect();
    match tokens.last() {
        Some(proc_macro2::TokenTree::Punct(p)) if p.as_char() == '?' => {
            tokens.pop();
            tokens.into_iter().collect()
        }
        _ => {
            let read: TokenStream = tokens.into_iter().collect();
            quote!(#ok(#read))
        }
    }
}

/// The closure parameter for an item's element (`_` unless a structure reads its attributes)
/// and the expression reading the item.
fn item_reader(k: &Crate, ty: &RustType, nested: &XmlNested) -> (TokenStream, TokenStream) {
    let param = if matches!(ty, RustType::Structure(_)) { quote!(e) } else { quote!(_) };
    (param, read_value(k, ty, nested, &quote!(e)))
}

/// A map's key and value element names, the expression reading a key and the value's reader.
fn entry_readers<'a>(
    k: &Crate,
    key: &RustType,
    value: &RustType,
    nested: &'a XmlNested,
) -> (&'a str, &'a str, TokenStream, (TokenStream, TokenStream)) {
    let XmlNested::Map { key: key_name, value: value_name, nested: value_nested, .. } = nested else {
        unreachable!("the IR gives a map its map names")
    };
    let read_key = match key {
        RustType::Enum(_) => {
            let ty = type_tokens(k, key);
            quote!(#ty::from(&*r.text()?))
        }
        _ => quote!(r.string()?),
    };
    (key_name, value_name, read_key, item_reader(k, value, value_nested))
}

/// An expression of type `Result<T, XmlError>` parsing an attribute's text `text` (a `&str`).
fn parse_attribute(k: &Crate, ty: &RustType, text: &TokenStream) -> TokenStream {
    let Std { ok, .. } = Std::of(k);
    match ty {
        RustType::Bool => quote!(crate::xml::parse_bool(#text)),
        RustType::I8 | RustType::I16 | RustType::I32 | RustType::I64 => quote!(crate::xml::parse_int(#text)),
        RustType::F32 => quote!(crate::xml::parse_float(#text).map(|f| f as f32)),
        RustType::F64 => quote!(crate::xml::parse_float(#text)),
        RustType::DateTime(format) => {
            let format = format_tokens(*format, TimestampFormat::DateTime);
            quote!(crate::xml::parse_timestamp(#text, #format))
        }
        RustType::Blob => quote!(crate::xml::parse_blob(#text)),
        RustType::ByteStream | RustType::EventSender(_) | RustType::EventReceiver(_) => {
            unreachable!("a stream is an HTTP payload, never in a document (the IR)")
        }
        RustType::BigInteger => quote!(#ok(crate::primitives::BigInteger::new(#text.trim()))),
        RustType::BigDecimal => quote!(#ok(crate::primitives::BigDecimal::new(#text.trim()))),
        RustType::Enum(_) => {
            let ty = type_tokens(k, ty);
            quote!(#ok(#ty::from(#text)))
        }
        RustType::IntEnum(_) => {
            let ty = type_tokens(k, ty);
            quote!(crate::xml::parse_int(#text).map(#ty::from))
        }
        _ => quote!(#ok(::std::string::String::new())),
    }
}

/// Statements filling `builder` from the element just entered: its attributes (`element`
/// when the caller has it) and its children, skipping those it does not know. An error's
/// message is read from `Message` or `message`.
pub fn read_fields<'a>(
    k: &Crate,
    s: &Structure,
    fields: impl Iterator<Item = &'a Field> + Clone,
    element: Option<&TokenStream>,
) -> TokenStream {
    let Std { some, vec, boxed, .. } = Std::of(k);
    let message = s.message.map(|i| &s.fields[i].ident);
    let attributes = fields.clone().filter(|f| f.xml.attribute).filter_map(|f| {
        let element = element?;
        let ident = id(&f.ident);
        let name = &f.xml.name;
        let value = match &f.ty {
            RustType::String => quote!(text),
            ty => {
                let parse = parse_attribute(k, ty, &quote!(text.as_str()));
                quote!(#parse?)
            }
        };
        Some(quote!(if let #some(text) = #element.attribute(#name)? { builder.#ident = #some(#value); }))
    });
    let attributes: Vec<TokenStream> = attributes.collect();
    let arms = fields.filter(|f| !f.xml.attribute).map(|f| {
        let ident = id(&f.ident);
        let names = if message == Some(&f.ident) { vec!["Message", "message"] } else { vec![f.xml.name.as_str()] };
        let set = match (&f.ty, f.xml.flattened) {
            (RustType::List { item, sparse }, true) => {
                let XmlNested::List { item: item_nested, .. } = &f.xml.nested else {
                    unreachable!("the IR gives a list its list names")
                };
                let read = read_value(k, item, item_nested, &quote!(&child));
                let read = if *sparse { quote!(#some(#read)) } else { read };
                quote!({
                    let item = #read;
                    builder.#ident.get_or_insert_with(#vec::new).push(item);
                })
            }
            (RustType::Map { key, value, sparse }, true) => {
                let (key_name, value_name, read_key, (param, read)) = entry_readers(k, key, value, &f.xml.nested);
                let read = if *sparse { quote!(#some(#read)) } else { read };
                let (read_key, read) = (closure_result(k, read_key), closure_result(k, read));
                quote!({
                    let (key, value) = r.entry(#key_name, #value_name, |r| #read_key, |r, #param| #read)?;
                    builder.#ident.get_or_insert_with(::std::collections::HashMap::new).insert(key, value);
                })
            }
            (ty, _) => {
                let read = read_value(k, ty, &f.xml.nested, &quote!(&child));
                let read = if f.boxed { quote!(#boxed::new(#read)) } else { read };
                quote!(builder.#ident = #some(#read),)
            }
        };
        quote!(#(#names)|* => #set)
    });
    let arms: Vec<TokenStream> = arms.collect();
    let children = if arms.is_empty() {
        quote! {
            while r.next_child()?.is_some() {
                r.skip()?;
            }
        }
    } else {
        quote! {
            while let #some(child) = r.next_child()? {
                match child.name() {
                    #(#arms)*
                    _ => r.skip()?,
                }
            }
        }
    };
    quote!(#(#attributes)* #children)
}

/// The `(attribute, uri)` writes of a namespace declaration.
pub fn namespace(ns: Option<&XmlNamespace>) -> TokenStream {
    match ns {
        Some(XmlNamespace { attribute, uri }) => quote!(w.attribute(#attribute, #uri);),
        None => quote!(),
    }
}

/// An expression of type `String` (or `&str`) for a scalar's text.
fn scalar_text(ty: &RustType, value: &TokenStream) -> TokenStream {
    match ty {
        RustType::String => quote!(#value.as_str()),
        RustType::Bool | RustType::I8 | RustType::I16 | RustType::I32 | RustType::I64 => {
            quote!(&#value.to_string())
        }
        RustType::F32 => quote!(&crate::primitives::f32_text(*#value)),
        RustType::F64 => quote!(&crate::primitives::float_text(*#value)),
        RustType::BigInteger | RustType::BigDecimal | RustType::Enum(_) => quote!(#value.as_str()),
        RustType::IntEnum(_) => quote!(&#value.as_i32().to_string()),
        RustType::DateTime(format) => {
            let format = format_tokens(*format, TimestampFormat::DateTime);
            quote!(&crate::xml::timestamp_text(#value, #format))
        }
        RustType::Blob => quote!(&crate::primitives::base64::encode(#value)),
        RustType::ByteStream | RustType::EventSender(_) | RustType::EventReceiver(_) => {
            unreachable!("a stream is an HTTP payload, never in a document (the IR)")
        }
        _ => quote!(""),
    }
}

/// Statements writing `value` (an expression of type `&T`) into the element just opened with
/// the writer `w`.
fn write_value(k: &Crate, ty: &RustType, nested: &XmlNested, value: &TokenStream, depth: usize) -> TokenStream {
    let Std { some, .. } = Std::of(k);
    match ty {
        RustType::Structure(_) | RustType::Union(_) => {
            let f = id(&fns(k, ty).expect("a structure or union").ser);
            quote!(crate::protocol::#f(#value, w);)
        }
        RustType::List { item, sparse } => {
            let XmlNested::List { member, namespace: ns, item: item_nested } = nested else {
                unreachable!("the IR gives a list its list names")
            };
            let v = quote::format_ident!("item{depth}");
            let write = element(k, member, ns.as_ref(), item, item_nested, &quote!(#v), depth + 1);
            let write = if *sparse { quote!(if let #some(#v) = #v { #write }) } else { write };
            quote!(for #v in #value.iter() { #write })
        }
        RustType::Map { value: value_ty, sparse, .. } => {
            let entry = map_entry(k, value_ty, *sparse, nested, depth);
            let (key, v) = (quote::format_ident!("key{depth}"), quote::format_ident!("value{depth}"));
            quote!(for (#key, #v) in crate::xml::sorted(#value) {
                w.start("entry");
                #entry
                w.end("entry");
            })
        }
        scalar => {
            let text = scalar_text(scalar, value);
            quote!(w.text(#text);)
        }
    }
}

/// Statements writing a map entry's key and value elements (`key{depth}`, `value{depth}` bound).
fn map_entry(k: &Crate, value_ty: &RustType, sparse: bool, nested: &XmlNested, depth: usize) -> TokenStream {
    let Std { some, .. } = Std::of(k);
    let XmlNested::Map { key: key_name, value: value_name, key_namespace, value_namespace, nested: value_nested } =
        nested
    else {
        unreachable!("the IR gives a map its map names")
    };
    let (key, v) = (quote::format_ident!("key{depth}"), quote::format_ident!("value{depth}"));
    let key_ns = namespace(key_namespace.as_ref());
    let write = element(k, value_name, value_namespace.as_ref(), value_ty, value_nested, &quote!(#v), depth + 1);
    let write = if sparse { quote!(if let #some(#v) = #v { #write }) } else { write };
    quote! {
        w.start(#key_name);
        #key_ns
        w.text(#key.as_str());
        w.end(#key_name);
        #write
    }
}

/// Statements writing `value` as the element `name`.
fn element(
    k: &Crate,
    name: &str,
    ns: Option<&XmlNamespace>,
    ty: &RustType,
    nested: &XmlNested,
    value: &TokenStream,
    depth: usize,
) -> TokenStream {
    let ns = namespace(ns);
    let write = write_value(k, ty, nested, value, depth);
    quote! {
        w.start(#name);
        #ns
        #write
        w.end(#name);
    }
}

/// Statements writing a member (`value` of type `&T`): an element, or each item (entry) of a
/// flattened list (map) as an element of the member's name.
fn write_member(k: &Crate, xml: &XmlMember, ty: &RustType, value: &TokenStream) -> TokenStream {
    let Std { some, .. } = Std::of(k);
    let name = &xml.name;
    match (ty, xml.flattened) {
        (RustType::List { item, sparse }, true) => {
            let XmlNested::List { item: item_nested, .. } = &xml.nested else {
                unreachable!("the IR gives a list its list names")
            };
            let write = element(k, name, xml.namespace.as_ref(), item, item_nested, &quote!(item), 1);
            let write = if *sparse { quote!(if let #some(item) = item { #write }) } else { write };
            quote!(for item in #value.iter() { #write })
        }
        (RustType::Map { value: value_ty, sparse, .. }, true) => {
            let entry = map_entry(k, value_ty, *sparse, &xml.nested, 0);
            let ns = namespace(xml.namespace.as_ref());
            quote!(for (key0, value0) in crate::xml::sorted(#value) {
                w.start(#name);
                #ns
                #entry
                w.end(#name);
            })
        }
        _ => element(k, name, xml.namespace.as_ref(), ty, &xml.nested, value, 0),
    }
}

/// Statements writing the body fields of `value` (an expression of the struct type) into the
/// element just opened: `@xmlAttribute` members, then the others as child elements.
pub fn write_fields<'a>(
    k: &Crate,
    fields: impl Iterator<Item = &'a Field> + Clone,
    value: &TokenStream,
) -> TokenStream {
    let access = |f: &Field, write: TokenStream| with_field_value(k, f, value, write);
    let attributes = fields.clone().filter(|f| f.xml.attribute).map(|f| {
        let name = &f.xml.name;
        let text = scalar_text(&f.ty, &quote!(v));
        access(f, quote!(w.attribute(#name, #text);))
    });
    let elements = fields.filter(|f| !f.xml.attribute).map(|f| access(f, write_member(k, &f.xml, &f.ty, &quote!(v))));
    quote!(#(#attributes)* #(#elements)*)
}

/// Statements writing `value` (of type `&T`) as a document's root element `name`.
pub fn write_root(k: &Crate, name: &str, ns: Option<&XmlNamespace>, ty: &RustType, value: &TokenStream) -> TokenStream {
    element(k, name, ns, ty, &XmlNested::Value, value, 0)
}

/// `ser_x` (restXml only: the query protocols write forms) and `de_x` for a shared structure.
pub fn structure_fns(
    k: &Crate,
    struct_id: StructId,
    s: &Structure,
    registry: &Registry,
    write_xml: bool,
) -> TokenStream {
    let Std { result, .. } = Std::of(k);
    let named = Named::Structure(struct_id);
    let ty = named_tokens(k, named);
    let mut out = TokenStream::new();
    if write_xml && registry.serialized.contains(&named) {
        let f = id(&s.fns.ser);
        let cfg = registry.ser_cfg(named);
        let writes = write_fields(k, s.fields.iter(), &quote!(value));
        let (value, w) = if writes.is_empty() { (quote!(_value), quote!(_w)) } else { (quote!(value), quote!(w)) };
        out.extend(quote! {
            #cfg
            #[inline]
            pub(crate) fn #f(#value: &#ty, #w: &mut crate::xml::XmlWriter) {
                #writes
            }
        });
    }
    if registry.deserialized.contains(&named) {
        let f = id(&s.fns.de);
        let has_attributes = s.fields.iter().any(|f| f.xml.attribute);
        let element = if has_attributes { quote!(element) } else { quote!(_element) };
        let fields = read_fields(k, s, s.fields.iter(), Some(&quote!(element)));
        let correction = error_correction(k, s);
        let build = finish_build(k, s);
        let cfg = registry.de_cfg(named);
        let builder =
            if s.fields.is_empty() && correction.is_empty() { quote!(let builder) } else { quote!(let mut builder) };
        out.extend(quote! {
            #cfg
            #[inline]
            pub(crate) fn #f(r: &mut crate::xml::XmlReader<'_>, #element: &crate::xml::XmlElement<'_>) -> #result<#ty, crate::xml::XmlError> {
                #builder = #ty::builder();
                #fields
                #correction
                #build
            }
        });
    }
    out
}

/// `ser_x` (restXml only) and `de_x` for a union: one child element names the variant.
pub fn union_fns(k: &Crate, union_id: UnionId, u: &Union, registry: &Registry, write_xml: bool) -> TokenStream {
    let Std { some, none, result, err, boxed, .. } = Std::of(k);
    let named = Named::Union(union_id);
    let ty = named_tokens(k, named);
    let mut out = TokenStream::new();
    if write_xml && registry.serialized.contains(&named) {
        let f = id(&u.fns.ser);
        let cfg = registry.ser_cfg(named);
        let arms = u.variants.iter().map(|v| {
            let ident = id(&v.ident);
            let name = &v.xml.name;
            match &v.ty {
                None => quote!(#ty::#ident => { w.start(#name); w.end(#name); }),
                Some(t) => {
                    let write = write_member(k, &v.xml, t, &quote!(v));
                    quote!(#ty::#ident(v) => { #write })
                }
            }
        });
        out.extend(quote! {
            #cfg
            #[inline]
            pub(crate) fn #f(value: &#ty, w: &mut crate::xml::XmlWriter) {
                match value {
                    #(#arms)*
                    // A member this crate does not know cannot be written back.
                    #ty::Unknown => {}
                }
            }
        });
    }
    if registry.deserialized.contains(&named) {
        let f = id(&u.fns.de);
        let cfg = registry.de_cfg(named);
        let arms = u.variants.iter().map(|v| {
            let ident = id(&v.ident);
            let name = &v.xml.name;
            match &v.ty {
                None => quote!(#name => { r.skip()?; #ty::#ident }),
                Some(t) => {
                    let read = read_value(k, t, &v.xml.nested, &quote!(&child));
                    let read = if v.boxed { quote!(#boxed::new(#read)) } else { read };
                    quote!(#name => #ty::#ident(#read),)
                }
            }
        });
        out.extend(quote! {
            #cfg
            #[inline]
            pub(crate) fn #f(r: &mut crate::xml::XmlReader<'_>) -> #result<#ty, crate::xml::XmlError> {
                let mut variant = #none;
                while let #some(child) = r.next_child()? {
                    if variant.is_some() {
                        return #err(crate::xml::XmlError::new("a union has more than one member set"));
                    }
                    variant = #some(match child.name() {
                        #(#arms)*
                        _ => {
                            r.skip()?;
                            #ty::Unknown
                        }
                    });
                }
                variant.ok_or_else(|| crate::xml::XmlError::new("a union has no member set"))
            }
        });
    }
    out
}
