//! Property tests: every structure and union survives serialize-then-deserialize in the
//! protocol's body format (JSON, CBOR, restXml's XML), and no response, however malformed, makes
//! an operation's deserializer panic. Values come from a small
//! deterministic generator (xorshift), so failures reproduce and the crate needs no dependency.

use proc_macro2::TokenStream;
use quote::quote;

use super::json::{fns, Codec};
use crate::ir::{Crate, Named, Role, RustType, StructId, Structure, Union, UnionId};
use crate::render::id;
use crate::render::std_paths::Std;
use crate::render::types::{named_tokens, type_tokens};

/// How many random values each round-trip test checks, and random responses per operation.
const CASES: usize = 64;
const RESPONSES: usize = 256;

/// An expression producing a random `T` (`rng` and `depth` bound).
fn arb_value(k: &Crate, ty: &RustType) -> TokenStream {
    let Std { vec, .. } = Std::of(k);
    match ty {
        RustType::String => quote!(rng.string()),
        RustType::Bool => quote!(rng.bool()),
        RustType::I8 => quote!(rng.next() as i8),
        RustType::I16 => quote!(rng.next() as i16),
        RustType::I32 => quote!(rng.next() as i32),
        RustType::I64 => quote!(rng.next() as i64),
        RustType::F32 => quote!(rng.float() as f32),
        RustType::F64 => quote!(rng.float()),
        RustType::BigInteger => quote!(crate::primitives::BigInteger::new((rng.next() as i64).to_string())),
        RustType::BigDecimal => quote!(crate::primitives::BigDecimal::new(::std::format!("{}.25", rng.next() as i32))),
        RustType::DateTime(_) => {
            quote!(crate::primitives::DateTime::from_millis((rng.next() % 4_000_000_000_000) as i64))
        }
        RustType::Blob => quote!(crate::primitives::Blob::new(rng.bytes())),
        RustType::ByteStream => quote!(crate::primitives::ByteStream::from(rng.bytes())),
        RustType::EventSender(_) | RustType::EventReceiver(_) => {
            unreachable!("event streams are members of operation inputs and outputs only (the IR)")
        }
        // A null document member reads back as unset in restJson1, so members get non-null ones.
        RustType::Document => quote!(rng.document(depth, false)),
        RustType::Enum(_) => {
            let ty = type_tokens(k, ty);
            quote!(if rng.below(4) == 0 { #ty::from(rng.string().as_str()) } else { #ty::from(rng.pick(#ty::values())) })
        }
        RustType::IntEnum(_) => {
            let ty = type_tokens(k, ty);
            quote!(#ty::from(rng.pick(#ty::values())))
        }
        RustType::Structure(_) | RustType::Union(_) => {
            let f = id(&fns(k, ty).expect("a structure or union").arb);
            quote!(#f(rng, depth + 1))
        }
        RustType::List { item, sparse } => {
            let item = element(k, item, *sparse);
            quote!((0..rng.len(depth)).map(|_| #item).collect::<#vec<_>>())
        }
        RustType::Map { key, value, sparse } => {
            let key = arb_value(k, key);
            let value = element(k, value, *sparse);
            quote!((0..rng.len(depth)).map(|_| (#key, #value)).collect::<::std::collections::HashMap<_, _>>())
        }
    }
}

fn element(k: &Crate, ty: &RustType, sparse: bool) -> TokenStream {
    let Std { some, none, .. } = Std::of(k);
    let value = arb_value(k, ty);
    if sparse {
        quote!(if rng.below(4) == 0 { #none } else { #some(#value) })
    } else {
        value
    }
}

fn structure_arb(k: &Crate, struct_id: StructId, s: &Structure) -> TokenStream {
    let Std { some, none, boxed, .. } = Std::of(k);
    let ty = named_tokens(k, Named::Structure(struct_id));
    let f = id(&s.fns.arb);
    let xml = matches!(Codec::of(k), Codec::Xml(_));
    // Members bound to headers or the status code do not travel in the JSON body.
    let in_body = |f: &&crate::ir::Field| matches!(f.location, crate::ir::Location::Body(_)) || !f.optional;
    let setters = s.fields.iter().filter(in_body).map(|field| {
        let set = id(&field.setter);
        let value = arb_value(k, &field.ty);
        let value = if field.boxed { quote!(#boxed::new(#value)) } else { value };
        // A flattened empty collection is no element at all in XML, so it reads back unset.
        let flattened = xml && field.xml.flattened && matches!(field.ty, RustType::List { .. } | RustType::Map { .. });
        if field.optional && flattened {
            quote!(.#set(if depth < 4 && rng.bool() { #some(#value).filter(|v| !v.is_empty()) } else { #none }))
        } else if field.optional {
            // Deeper down, optional members stay unset so recursive shapes end.
            quote!(.#set(if depth < 4 && rng.bool() { #some(#value) } else { #none }))
        } else {
            quote!(.#set(#some(#value)))
        }
    });
    let build = if crate::render::structure::build_is_fallible(s) {
        quote!(.build().expect("every member is set"))
    } else {
        quote!(.build())
    };
    let setters: Vec<TokenStream> = setters.collect();
    let text = quote!(#(#setters)*).to_string();
    let depth_param = if text.contains("depth") { quote!(depth) } else { quote!(_depth) };
    let rng_param = if text.contains("rng") { quote!(rng) } else { quote!(_rng) };
    quote! {
        fn #f(#rng_param: &mut Rng, #depth_param: usize) -> #ty {
            #ty::builder() #(#setters)* #build
        }
    }
}

fn union_arb(k: &Crate, union_id: UnionId, u: &Union) -> TokenStream {
    let Std { boxed, .. } = Std::of(k);
    let ty = named_tokens(k, Named::Union(union_id));
    let f = id(&u.fns.arb);
    let count = u.variants.len() as u64;
    let arms = u.variants.iter().enumerate().map(|(i, v)| {
        let ident = id(&v.ident);
        let i = i as u64;
        match &v.ty {
            None => quote!(#i => #ty::#ident,),
            Some(t) => {
                let value = arb_value(k, t);
                let value = if v.boxed { quote!(#boxed::new(#value)) } else { value };
                quote!(#i => #ty::#ident(#value),)
            }
        }
    });
    let arms: Vec<TokenStream> = arms.collect();
    let depth_param = if quote!(#(#arms)*).to_string().contains("depth") { quote!(depth) } else { quote!(_depth) };
    quote! {
        fn #f(rng: &mut Rng, #depth_param: usize) -> #ty {
            match rng.below(#count) {
                #(#arms)*
                _ => unreachable!("below() stays under the variant count"),
            }
        }
    }
}

/// `src/roundtrip_tests.rs`: generators, round trips and malformed-response tests.
pub fn roundtrip_module(krate: &Crate) -> TokenStream {
    let Std { string, .. } = Std::of(krate);
    let arbs = krate
        .shared_structures()
        .map(|(i, s)| structure_arb(krate, i, s))
        .chain(krate.union_ids().map(|(i, u)| union_arb(krate, i, u)));
    // Events are whole only as messages: they round-trip through their stream's functions.
    let events = super::event_structures(krate);
    let codecs = krate
        .shared_structures()
        .filter(|(id, _)| !events.contains(id))
        .map(|(_, s)| (&s.fns, false))
        .chain(krate.unions.iter().filter(|u| u.event_stream.is_none()).map(|u| (&u.fns, true)));
    let streams = krate.unions.iter().filter_map(|u| u.event_stream.as_ref().map(|e| (u, e))).map(|(u, e)| {
        let test = id(&u.fns.roundtrip_test);
        let arb = id(&u.fns.arb);
        let (marshal, unmarshal) = (id(&e.names.marshal), id(&e.names.unmarshal));
        quote! {
            #[test]
            fn #test() {
                let mut rng = Rng::new(stringify!(#test));
                for _ in 0..#CASES {
                    let value = #arb(&mut rng, 0);
                    let message = crate::protocol::#marshal(&value).unwrap_or_else(|e| panic!("{e}: {value:?}"));
                    let bytes = crate::event_stream::encode(&message).unwrap_or_else(|e| panic!("{e}: {value:?}"));
                    let decoded = crate::event_stream::decode(&bytes).unwrap_or_else(|e| panic!("{e}: {value:?}"));
                    match crate::protocol::#unmarshal(&decoded) {
                        Ok(crate::event_stream::Unmarshalled::Event(back)) => crate::protocol_test_util::assert_same(&back, &value),
                        other => panic!("{value:?} read back as {other:?}"),
                    }
                }
            }
        }
    });
    let codec = Codec::of(krate);
    let (writer, reader, finish) = (codec.writer(), codec.reader(), codec.finish(&quote!(writer)));
    // What a failure shows of the body: JSON as text, CBOR as bytes.
    let shown = match codec {
        Codec::Json => quote!(#string::from_utf8_lossy(&bytes)),
        Codec::Cbor | Codec::Xml(_) => quote!(bytes),
    };
    let roundtrips = codecs.map(|(fns, union)| {
        let test = id(&fns.roundtrip_test);
        let (arb, ser, de) = (id(&fns.arb), id(&fns.ser), id(&fns.de));
        if let Codec::Xml(_) = codec {
            // A shape's serializer writes what goes inside its element; the test names it. A
            // structure's deserializer takes that element, a union's finds its member's inside.
            let read = if union {
                quote!(|_| crate::protocol::#de(&mut reader))
            } else {
                quote!(|element| crate::protocol::#de(&mut reader, &element))
            };
            return quote! {
                #[test]
                fn #test() {
                    let mut rng = Rng::new(stringify!(#test));
                    for _ in 0..#CASES {
                        let value = #arb(&mut rng, 0);
                        let mut writer = crate::xml::XmlWriter::new();
                        writer.start("Value");
                        crate::protocol::#ser(&value, &mut writer);
                        writer.end("Value");
                        let bytes = writer.finish().into_bytes();
                        let mut reader = crate::xml::XmlReader::new(&bytes);
                        let back = reader
                            .root()
                            .and_then(#read)
                            .and_then(|back| reader.finish().map(|()| back))
                            .unwrap_or_else(|e| panic!("{e}: {}", #string::from_utf8_lossy(&bytes)));
                        crate::protocol_test_util::assert_same(&back, &value);
                    }
                }
            };
        }
        quote! {
            #[test]
            fn #test() {
                let mut rng = Rng::new(stringify!(#test));
                for _ in 0..#CASES {
                    let value = #arb(&mut rng, 0);
                    let mut writer = #writer::new();
                    crate::protocol::#ser(&value, &mut writer);
                    let bytes = #finish;
                    let mut reader = #reader::new(&bytes);
                    let back = crate::protocol::#de(&mut reader)
                        .and_then(|back| reader.finish().map(|()| back))
                        .unwrap_or_else(|e| panic!("{e}: {:?}", #shown));
                    crate::protocol_test_util::assert_same(&back, &value);
                }
            }
        }
    });
    let codes: Vec<&str> = krate
        .errors()
        .filter_map(|e| match &e.role {
            Role::Error(info) => Some(info.code.as_str()),
            _ => None,
        })
        .collect();
    let malformed = krate.operations.iter().map(|op| {
        let test = id(&op.random_responses_test);
        let (module, name) = (id(&op.names.module), id(&op.names.name));
        quote! {
            #[test]
            fn #test() {
                let mut rng = Rng::new(stringify!(#test));
                for _ in 0..#RESPONSES {
                    let response = rng.response(&[#(#codes),*]);
                    let _ = crate::operation::#module::#name::deserialize_response(&response);
                }
            }
        }
    });
    quote! {
        //! Property tests: random values round-trip through the JSON (de)serializers, and random
        //! responses never make a deserializer panic.
        use crate::test_rng::Rng;

        #(#arbs)*
        #(#roundtrips)*
        #(#streams)*
        #(#malformed)*
    }
}
