//! Event streams' messages: each event of a `@streaming` union written as an event-stream
//! message and read back, in the crate's body format. An event's `@eventHeader` members are
//! headers; its `@eventPayload` member is the whole payload (a blob or string as it is, a
//! structure or union as a document); without one, its other members are the payload, as a
//! document of the event's structure. Modeled errors are `exception` messages of the error's
//! document.

use proc_macro2::TokenStream;
use quote::quote;

use super::json::{with_field_value, Codec};
use super::Registry;
use crate::ir::{Crate, EventStream, Field, Location, Named, Operation, RustType, StructId, Structure, Union, UnionId};
use crate::render::id;
use crate::render::std_paths::Std;
use crate::render::types::{named_tokens, stream_types, type_tokens};

/// The media type of a document payload in the crate's body format.
fn document_media_type(codec: Codec) -> &'static str {
    match codec {
        Codec::Json => "application/json",
        Codec::Cbor => "application/cbor",
        Codec::Xml(_) => "application/xml",
    }
}

/// An expression of type `Vec<u8>`: the document of `value` (a `&T` of a structure or union).
fn write_document(k: &Crate, ty: &RustType, value: TokenStream) -> TokenStream {
    let (f, root) = match ty {
        RustType::Structure(s) => (&k.structure(*s).fns.ser, &k.structure(*s).xml_name),
        RustType::Union(u) => (&k.union(*u).fns.ser, &k.union(*u).xml_name),
        _ => unreachable!("a document payload is a structure or union (the IR)"),
    };
    let f = id(f);
    let codec = Codec::of(k);
    let writer = codec.writer();
    let finish = codec.finish(&quote!(w));
    match codec {
        Codec::Xml(_) => quote!({
            let mut w = #writer::new();
            w.start(#root);
            crate::protocol::#f(#value, &mut w);
            w.end(#root);
            #finish
        }),
        _ => quote!({
            let mut w = #writer::new();
            crate::protocol::#f(#value, &mut w);
            #finish
        }),
    }
}

/// An expression of type `Result<T, _>` with the codec's error: the structure or union `ty`
/// read from the document `bytes` (a `&[u8]`; empty reads as an empty document).
fn read_document(k: &Crate, ty: &RustType, bytes: TokenStream) -> TokenStream {
    let f = id(&super::json::fns(k, ty).expect("a structure or union (the IR)").de);
    match Codec::of(k) {
        Codec::Xml(_) => {
            let read = match ty {
                RustType::Structure(_) => quote!(|element| crate::protocol::#f(r, &element)),
                _ => quote!(|_| crate::protocol::#f(r)),
            };
            quote!({
                let bytes: &[u8] = #bytes;
                let r = &mut crate::xml::XmlReader::new(if bytes.is_empty() { b"<a/>" } else { bytes });
                r.root().and_then(#read)
            })
        }
        codec => {
            let reader = codec.reader();
            quote!(crate::protocol::#f(&mut #reader::body(#bytes)))
        }
    }
}

/// The event's payload member, if it has one.
fn payload_field(s: &Structure) -> Option<&Field> {
    s.fields.iter().find(|f| f.location == Location::EventPayload)
}

fn has_document_members(s: &Structure) -> bool {
    s.fields.iter().any(|f| matches!(f.location, Location::Body(_)))
}

/// `HeaderValue::X(..)` of a header field's value `v` (a `&T`).
fn header_value(ty: &RustType) -> TokenStream {
    let value = quote!(crate::event_stream::HeaderValue);
    match ty {
        RustType::Bool => quote!(#value::Bool(*v)),
        RustType::I8 => quote!(#value::Byte(*v)),
        RustType::I16 => quote!(#value::Int16(*v)),
        RustType::I32 => quote!(#value::Int32(*v)),
        RustType::I64 => quote!(#value::Int64(*v)),
        RustType::Blob => quote!(#value::ByteArray(v.as_ref().to_vec())),
        RustType::String => quote!(#value::String(v.clone())),
        RustType::Enum(_) => quote!(#value::String(v.as_str().to_owned())),
        RustType::IntEnum(_) => quote!(#value::Int32(v.as_i32())),
        RustType::DateTime(_) => quote!(#value::Timestamp(v.to_millis().map_err(crate::event_stream::payload_error)?)),
        _ => unreachable!("header types are checked in the IR"),
    }
}

/// The reader of a header's value from a `&HeaderValue` to `Option<T>`, and what it must be.
fn header_reader(k: &Crate, ty: &RustType) -> (TokenStream, &'static str) {
    let value = quote!(crate::event_stream::HeaderValue);
    match ty {
        RustType::Bool => (quote!(#value::as_bool), "a boolean"),
        RustType::I8 => (quote!(#value::as_byte), "a byte"),
        RustType::I16 => (quote!(#value::as_int16), "a short"),
        RustType::I32 => (quote!(#value::as_int32), "an integer"),
        RustType::I64 => (quote!(#value::as_int64), "a long"),
        RustType::Blob => (quote!(|v: &#value| v.as_byte_array().map(crate::primitives::Blob::new)), "a byte array"),
        RustType::String => (quote!(|v: &#value| v.as_str().map(str::to_owned)), "a string"),
        RustType::Enum(_) => {
            let ty = type_tokens(k, ty);
            (quote!(|v: &#value| v.as_str().map(#ty::from)), "a string")
        }
        RustType::IntEnum(_) => {
            let ty = type_tokens(k, ty);
            (quote!(|v: &#value| v.as_int32().map(#ty::from)), "an integer")
        }
        RustType::DateTime(_) => (quote!(#value::as_timestamp), "a timestamp"),
        _ => unreachable!("header types are checked in the IR"),
    }
}

/// Statements building `message` (a `let mut`) for the event `event` (a `&S`) of the member
/// `member`, ending in `Ok(message)`.
fn marshal_event(
    k: &Crate,
    struct_id: StructId,
    event: &TokenStream,
    message_fn: TokenStream,
    member: &str,
) -> TokenStream {
    let Std { some, none, ok, .. } = Std::of(k);
    let s = k.structure(struct_id);
    let codec = Codec::of(k);
    // `(content_type, payload)`: an unset payload is a message without `:content-type`, so it
    // reads back unset.
    let parts = match payload_field(s) {
        Some(f) => {
            let (content_type, bytes) = match &f.ty {
                RustType::Blob => ("application/octet-stream", quote!(v.as_ref().to_vec())),
                RustType::String => ("text/plain", quote!(v.as_bytes().to_vec())),
                ty => (document_media_type(codec), write_document(k, ty, quote!(v))),
            };
            let ident = id(&f.ident);
            if f.optional {
                quote!(match &#event.#ident {
                    #some(v) => (#some(#content_type), #bytes),
                    #none => (#none, ::std::vec::Vec::new()),
                })
            } else {
                quote!({
                    let v = &#event.#ident;
                    (#some(#content_type), #bytes)
                })
            }
        }
        None if has_document_members(s) => {
            let content_type = document_media_type(codec);
            let bytes = write_document(k, &RustType::Structure(struct_id), event.clone());
            quote!((#some(#content_type), #bytes))
        }
        None => quote!((#none, ::std::vec::Vec::new())),
    };
    let headers = s.fields.iter().filter_map(|f| {
        let Location::EventHeader(name) = &f.location else { return None };
        let value = header_value(&f.ty);
        Some(with_field_value(
            k,
            f,
            event,
            quote!(message.headers.push(crate::event_stream::Header::new(#name, #value));),
        ))
    });
    let headers: Vec<TokenStream> = headers.collect();
    let binding = if headers.is_empty() { quote!(let message) } else { quote!(let mut message) };
    quote! {
        let (content_type, payload) = #parts;
        #binding = #message_fn(#member, content_type, payload);
        #(#headers)*
        #ok(message)
    }
}

/// An expression reading the event structure `s` from `message` (`?` on its errors).
fn unmarshal_event(k: &Crate, s: &Structure, ty: &RustType) -> TokenStream {
    let Std { some, .. } = Std::of(k);
    let payload = payload_field(s);
    let document = if payload.is_none() { quote!(&message.payload) } else { quote!(&[]) };
    let read = read_document(k, ty, document);
    let set_payload = payload.map(|f| {
        let ident = id(&f.ident);
        let value = match &f.ty {
            RustType::Blob => quote!(crate::primitives::Blob::new(message.payload.clone())),
            RustType::String => {
                quote!(::std::string::String::from_utf8(message.payload.clone())
                    .map_err(crate::event_stream::payload_error)?)
            }
            ty => {
                let read = read_document(k, ty, quote!(&message.payload));
                quote!(#read.map_err(crate::event_stream::payload_error)?)
            }
        };
        let value = if f.boxed { quote!(::std::boxed::Box::new(#value)) } else { value };
        if f.optional {
            quote! {
                if message.content_type().is_some() || !message.payload.is_empty() {
                    event.#ident = #some(#value);
                }
            }
        } else {
            quote!(event.#ident = #value;)
        }
    });
    let headers = s.fields.iter().filter_map(|f| {
        let Location::EventHeader(name) = &f.location else { return None };
        let ident = id(&f.ident);
        let (reader, expected) = header_reader(k, &f.ty);
        let read = quote!(crate::event_stream::header_value(message, #name, #reader, #expected)?);
        Some(if f.optional {
            quote!(event.#ident = #read;)
        } else {
            quote!(if let #some(value) = #read { event.#ident = value; })
        })
    });
    let headers: Vec<TokenStream> = headers.collect();
    let read = quote!(#read.map_err(crate::event_stream::payload_error)?);
    if set_payload.is_none() && headers.is_empty() {
        return read;
    }
    quote!({
        let mut event = #read;
        #set_payload
        #(#headers)*
        event
    })
}

/// The event-stream functions of a `@streaming` union, as the registry needs them: its events
/// and errors written as messages (input streams), and messages read back (output streams).
pub fn event_stream_fns(k: &Crate, union_id: UnionId, u: &Union, registry: &Registry) -> TokenStream {
    let Std { ok, err, result, none, .. } = Std::of(k);
    let Some(stream) = &u.event_stream else { return quote!() };
    let named = Named::Union(union_id);
    let union_ty = named_tokens(k, named);
    let (_, error_ty) = stream_types(k, union_id);
    let message = quote!(crate::event_stream::Message);
    let stream_error = quote!(crate::event_stream::EventStreamError);
    let mut out = TokenStream::new();
    if let Some(cfg) = registry.marshal_cfg(union_id) {
        let (marshal, marshal_error) = (id(&stream.names.marshal), id(&stream.names.marshal_error));
        let arms = u.variants.iter().map(|v| {
            let ident = id(&v.ident);
            let member = &v.member;
            match &v.ty {
                Some(RustType::Structure(s)) => {
                    let body = marshal_event(k, *s, &quote!(event), quote!(crate::event_stream::event_message), member);
                    // An event without members writes nothing of itself.
                    let binding = if k.structure(*s).fields.is_empty() { quote!(_) } else { quote!(event) };
                    quote!(#union_ty::#ident(#binding) => { #body })
                }
                _ => quote!(#union_ty::#ident => #ok(crate::event_stream::event_message(#member, #none, ::std::vec::Vec::new())),),
            }
        });
        let error_arms = stream.errors.iter().map(|e| {
            let variant = id(&e.error.variant);
            let body = marshal_event(
                k,
                e.error.error,
                &quote!(error),
                quote!(crate::event_stream::exception_message),
                &e.member,
            );
            let binding = if k.structure(e.error.error).fields.is_empty() { quote!(_) } else { quote!(error) };
            quote!(#error_ty::#variant(#binding) => { #body })
        });
        out.extend(quote! {
            #cfg
            pub(crate) fn #marshal(value: &#union_ty) -> #result<#message, #stream_error> {
                match value {
                    #(#arms)*
                    #union_ty::Unknown => #err(crate::event_stream::payload_error("an `Unknown` event cannot be sent")),
                }
            }
        });
        // Errors are sent only in a stream the crate sends (the property tests send events).
        if registry.sends_events(union_id) {
            out.extend(quote! {
                pub(crate) fn #marshal_error(value: &#error_ty) -> #result<#message, #stream_error> {
                    match value {
                        #(#error_arms)*
                        #error_ty::Unhandled(_) => #err(crate::event_stream::payload_error("an unmodeled error cannot be sent")),
                    }
                }
            });
        }
    }
    if let Some(cfg) = registry.unmarshal_cfg(union_id) {
        let unmarshal = id(&stream.names.unmarshal);
        let arms = u.variants.iter().map(|v| {
            let ident = id(&v.ident);
            let member = &v.member;
            let value = match &v.ty {
                Some(ty @ RustType::Structure(s)) => {
                    let read = unmarshal_event(k, k.structure(*s), ty);
                    let read = if v.boxed { quote!(::std::boxed::Box::new(#read)) } else { read };
                    quote!(#union_ty::#ident(#read))
                }
                _ => quote!(#union_ty::#ident),
            };
            quote!(crate::event_stream::MessageKind::Event(#member) => crate::event_stream::Unmarshalled::Event(#value),)
        });
        let error_arms = error_arms(k, stream, &error_ty);
        out.extend(quote! {
            #cfg
            pub(crate) fn #unmarshal(
                message: &#message,
            ) -> #result<crate::event_stream::Unmarshalled<#union_ty, #error_ty>, #stream_error> {
                #ok(match crate::event_stream::message_kind(message)? {
                    #(#arms)*
                    // An event this crate does not know yet.
                    crate::event_stream::MessageKind::Event(_) => crate::event_stream::Unmarshalled::Event(#union_ty::Unknown),
                    #(#error_arms)*
                    _ => crate::event_stream::Unmarshalled::Error(#error_ty::unhandled(
                        crate::event_stream::unhandled_metadata(message),
                        #none,
                    )),
                })
            }
        });
    }
    out
}

/// The arms reading an `exception` message of each modeled error.
fn error_arms(k: &Crate, stream: &EventStream, error_ty: &TokenStream) -> Vec<TokenStream> {
    let Std { some, .. } = Std::of(k);
    stream
        .errors
        .iter()
        .map(|e| {
            let variant = id(&e.error.variant);
            let s = k.structure(e.error.error);
            let ty = RustType::Structure(e.error.error);
            let read = unmarshal_event(k, s, &ty);
            let message = match s.message.map(|i| &s.fields[i]) {
                Some(f) if f.optional => {
                    let ident = id(&f.ident);
                    quote!(if let #some(text) = &event.#ident { meta = meta.message(text.clone()); })
                }
                Some(f) => {
                    let ident = id(&f.ident);
                    quote!(meta = meta.message(event.#ident.clone());)
                }
                None => quote!(),
            };
            let member = &e.member;
            let error_struct = named_tokens(k, Named::Structure(e.error.error));
            quote! {
                crate::event_stream::MessageKind::Exception(#member) => {
                    let mut event: #error_struct = #read;
                    let mut meta = crate::error::ErrorMetadata::builder().code(#error_struct::CODE);
                    #message
                    event.meta = meta.build();
                    crate::event_stream::Unmarshalled::Error(#error_ty::#variant(event))
                }
            }
        })
        .collect()
}

/// The operation marker's functions writing its input stream's events, for callers that send
/// the stream themselves (the sans-IO core); the client sends them through the same ones.
pub fn operation_event_fns(k: &Crate, op: &Operation) -> TokenStream {
    let initial = (!k.http_bindings()).then(|| initial_message_fns(k, op));
    let sent = sent_event_fns(k, op);
    quote!(#sent #initial)
}

/// The `Content-Type` of an RPC protocol's initial messages: its bodies'.
fn initial_media_type(k: &Crate) -> &'static str {
    match k.protocol {
        Some(crate::model::Protocol::AwsJson1_0) => "application/x-amz-json-1.0",
        Some(crate::model::Protocol::AwsJson1_1) => "application/x-amz-json-1.1",
        _ => document_media_type(Codec::of(k)),
    }
}

/// The RPC protocols' `initial-request` (an input stream's other members, as the document a
/// request body would be) and `initial-response` (an output stream's).
fn initial_message_fns(k: &Crate, op: &Operation) -> TokenStream {
    let Std { some, result, ok, .. } = Std::of(k);
    let codec = Codec::of(k);
    let media_type = initial_media_type(k);
    let mut out = TokenStream::new();
    let input = k.structure(op.input);
    if input.event_stream().is_some() {
        let input_ty = id(&input.name);
        let writer = codec.writer();
        let writes = super::json::write_fields(k, &input.fields, &quote!(input));
        let finish = codec.finish(&quote!(writer));
        let param = if writes.is_empty() { quote!(_input) } else { quote!(input) };
        out.extend(quote! {
            /// The `initial-request` message that opens the input stream: the input's other
            /// members.
            pub fn initial_request_message(#param: &#input_ty) -> crate::event_stream::Message {
                let mut writer = #writer::new();
                let w = &mut writer;
                w.begin_object();
                #writes
                w.end_object();
                crate::event_stream::event_message("initial-request", #some(#media_type), #finish)
            }
        });
    }
    let output = k.structure(op.output);
    if output.event_stream().is_some() {
        let output_ty = id(&output.name);
        let (reader, codec_error) = (codec.reader(), codec.error());
        let read = super::json::read_fields(k, output);
        let sets = output.fields.iter().filter(|f| matches!(f.location, Location::Body(_))).map(|f| {
            let ident = id(&f.ident);
            if f.optional {
                quote!(output.#ident = builder.#ident;)
            } else {
                quote!(if let #some(value) = builder.#ident { output.#ident = value; })
            }
        });
        let sets: Vec<TokenStream> = sets.collect();
        let (output_param, builder) = if sets.is_empty() {
            (quote!(_output), quote!(let _builder))
        } else {
            (quote!(output), quote!(let mut builder))
        };
        out.extend(quote! {
            /// Reads the `initial-response` message that opens the output stream into the output's
            /// other members.
            pub fn read_initial_response(
                #output_param: &mut #output_ty,
                message: &crate::event_stream::Message,
            ) -> #result<(), crate::event_stream::EventStreamError> {
                #builder = #output_ty::builder();
                let r = &mut #reader::body(&message.payload);
                let mut read = || -> #result<(), #codec_error> {
                    #read
                    #ok(())
                };
                read().map_err(crate::event_stream::payload_error)?;
                #(#sets)*
                #ok(())
            }
        });
    }
    out
}

fn sent_event_fns(k: &Crate, op: &Operation) -> TokenStream {
    let Std { result, .. } = Std::of(k);
    let Some((_, union_id)) = k.structure(op.input).event_stream() else { return quote!() };
    let Some(stream) = &k.union(union_id).event_stream else { return quote!() };
    let (events, errors) = stream_types(k, union_id);
    let (marshal, marshal_error) = (id(&stream.names.marshal), id(&stream.names.marshal_error));
    quote! {
        /// Writes one event of the input stream as its message (unsigned; the client wraps each
        /// in the signed envelope).
        pub fn marshal_event(event: &#events) -> #result<crate::event_stream::Message, crate::event_stream::EventStreamError> {
            crate::protocol::#marshal(event)
        }
        /// Writes a modeled error as the `exception` message that ends the input stream.
        pub fn marshal_error_event(error: &#errors) -> #result<crate::event_stream::Message, crate::event_stream::EventStreamError> {
            crate::protocol::#marshal_error(error)
        }
    }
}
