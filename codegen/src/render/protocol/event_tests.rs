//! Rust tests generated from `smithy.test#eventStreamTests` cases: the events a client sends
//! are written with the stream's functions and checked header by header and body by body;
//! the events it receives are read from the case's initial response and messages through the
//! sans-IO `deserialize_response` and the output's `EventReceiver`.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::tests::{body_check, build_fields, build_structure, value_expr};
use crate::ir::{
    CaseEvent, CaseExpectation, Crate, EventStreamCase, EventValue, FailureOf, HeaderExpectation, Named, Operation,
    RustType, StructId, UnionId,
};
use crate::render::id;
use crate::render::std_paths::Std;
use crate::render::types::{named_tokens, stream_types};

pub fn event_stream_test(k: &Crate, op: &Operation, case: &EventStreamCase) -> TokenStream {
    let name = id(&case.name);
    let doc = match &case.documentation {
        Some(doc) => format!(" `{}`: {}", case.id, doc.replace('\n', " ")),
        None => format!(" `{}`.", case.id),
    };
    let (module, op_name) = (id(&op.names.module), id(&op.names.name));
    let initial_request = case.initial_request.as_ref().map(|r| {
        let input = build_structure(k, &case.input);
        let method = r.method.as_ref().map(|m| quote!(assert_eq!(request.method, #m);));
        let path = r.uri.as_ref().map(|uri| {
            let path = uri.split_once('?').map_or(uri.as_str(), |(p, _)| p);
            quote!(assert_eq!(request.path(), #path, "path");)
        });
        let headers = r.headers.iter().map(|(k, v)| quote!((#k, #v)));
        quote! {
            let input = #input;
            let request = crate::operation::#module::#op_name::serialize_request(&input).expect("the request serializes");
            #method
            #path
            crate::protocol_test_util::assert_headers(&request.headers, &[#(#headers),*], &[], &[]);
        }
    });
    let sent = k
        .structure(op.input)
        .event_stream()
        .map(|(_, u)| case.events.iter().filter(|e| e.sent).map(|e| sent_event(k, u, e)).collect::<Vec<_>>())
        .unwrap_or_default();
    let received = received(k, op, case);
    quote! {
        #[doc = #doc]
        #[test]
        fn #name() {
            #initial_request
            #(#sent)*
            #received
        }
    }
}

/// `HeaderValue::X(..)` of a header the case names.
fn header_tokens(h: &HeaderExpectation) -> TokenStream {
    let value = quote!(crate::event_stream::HeaderValue);
    match h {
        HeaderExpectation::Bool(b) => quote!(#value::Bool(#b)),
        HeaderExpectation::Byte(b) => quote!(#value::Byte(#b)),
        HeaderExpectation::Short(s) => quote!(#value::Int16(#s)),
        HeaderExpectation::Integer(i) => quote!(#value::Int32(#i)),
        HeaderExpectation::Long(l) => quote!(#value::Int64(#l)),
        HeaderExpectation::Blob(bytes) => {
            let bytes = Literal::byte_string(bytes);
            quote!(#value::ByteArray(#bytes.to_vec()))
        }
        HeaderExpectation::String(s) => quote!(#value::String(#s.to_owned())),
        HeaderExpectation::Timestamp(millis) => quote!(#value::Timestamp(#millis)),
    }
}

/// An event the client sends: written, then checked as the case describes it.
fn sent_event(k: &Crate, stream: UnionId, event: &CaseEvent) -> TokenStream {
    let Some(value) = &event.value else { return quote!() };
    let names = &k.union(stream).event_stream.as_ref().expect("an event stream union (the IR)").names;
    let message = match value {
        EventValue::Event(v) => {
            let marshal = id(&names.marshal);
            let v = value_expr(k, &RustType::Union(stream), v);
            quote!(crate::protocol::#marshal(&#v))
        }
        EventValue::Error { error, value } => {
            let marshal = id(&names.marshal_error);
            let v = stream_error_value(k, stream, *error, value.structure, &build_fields(k, value));
            quote!(crate::protocol::#marshal(&#v))
        }
    };
    let headers = event.headers.iter().map(|(name, h)| {
        let h = header_tokens(h);
        quote!((#name, #h))
    });
    let (forbid, require) = (&event.forbid_headers, &event.require_headers);
    let body =
        event.body.as_ref().map(|body| body_check(body, event.body_media_type.as_deref(), quote!(message.payload)));
    quote! {
        {
            let message = #message.expect("the event serializes");
            crate::protocol_test_util::assert_event_headers(&message, &[#(#headers),*], &[#(#forbid),*], &[#(#require),*]);
            #body
        }
    }
}

/// `{Union}Error::Variant(error)`, the error built from its field setters.
fn stream_error_value(
    k: &Crate,
    stream: UnionId,
    error: usize,
    structure: StructId,
    setters: &TokenStream,
) -> TokenStream {
    let s = k.union(stream).event_stream.as_ref().expect("an event stream union (the IR)");
    let (_, error_ty) = stream_types(k, stream);
    let variant = id(&s.errors[error].error.variant);
    let ty = named_tokens(k, Named::Structure(structure));
    quote!(#error_ty::#variant(#ty::builder() #setters .build()))
}

/// The response the client reads: the case's initial response with its events as the body;
/// checks of what the case expects of it.
fn received(k: &Crate, op: &Operation, case: &EventStreamCase) -> TokenStream {
    let Std { vec, .. } = Std::of(k);
    let events: Vec<&CaseEvent> = case.events.iter().filter(|e| !e.sent).collect();
    if events.is_empty() && case.initial_response.is_none() && case.initial_response_params.is_none() {
        return quote!();
    }
    let Some((field, stream)) = k.structure(op.output).event_stream() else { return quote!() };
    let field = id(&field.ident);
    let (module, op_name, op_error) = (id(&op.names.module), id(&op.names.name), id(&op.names.error));
    let frames = events.iter().map(|e| match &e.bytes {
        Some(bytes) => {
            let bytes = Literal::byte_string(bytes);
            quote!(#bytes.to_vec())
        }
        None => {
            let payload = Literal::byte_string(e.body.as_deref().unwrap_or_default().as_bytes());
            let headers = e.headers.iter().map(|(name, h)| {
                let h = header_tokens(h);
                quote!(.with_header(#name, #h))
            });
            quote!(crate::event_stream::encode(&crate::event_stream::Message::new(#payload.to_vec()) #(#headers)*)
                .expect("the case's message encodes"))
        }
    });
    let (code, headers, body) = match &case.initial_response {
        Some(r) => (r.code, r.headers.iter().collect::<Vec<_>>(), r.body.as_ref()),
        None => (200, Vec::new(), None),
    };
    let binding = if headers.is_empty() { quote!(let headers) } else { quote!(let mut headers) };
    let headers = headers.into_iter().map(|(k, v)| quote!(headers.append(#k, #v);));
    let body = match body {
        Some(body) => {
            let body = Literal::byte_string(body.as_bytes());
            quote!(#body.to_vec())
        }
        None if events.is_empty() => quote!(#vec::new()),
        None => quote!([#(#frames),*].concat()),
    };
    let response = quote! {
        #binding = crate::http::Headers::new();
        #(#headers)*
        let body: #vec<u8> = #body;
        let response = crate::http::HttpResponse::new(#code, headers, body);
    };
    let deserialize = quote!(crate::operation::#module::#op_name::deserialize_response(&response));
    let recv = quote!(crate::protocol_test_util::block_on(output.#field.recv()));
    let check = match &case.expectation {
        CaseExpectation::Success => {
            let initial = case.initial_response_params.as_ref().map(|params| {
                let expected = build_structure(k, params);
                let output = k.structure(op.output);
                let checks = params.fields.iter().map(|(i, _)| {
                    let f = id(&output.fields[*i].ident);
                    quote!(crate::protocol_test_util::assert_same(&output.#f, &expected.#f);)
                });
                quote! {
                    let expected = #expected;
                    #(#checks)*
                }
            });
            let each = events.iter().filter_map(|e| match &e.value {
                Some(EventValue::Event(v)) => {
                    let v = value_expr(k, &RustType::Union(stream), v);
                    Some(quote! {
                        let event = #recv.expect("the event reads").expect("an event arrives");
                        crate::protocol_test_util::assert_same(&event, &#v);
                    })
                }
                _ => None,
            });
            quote! {
                let mut output = #deserialize.expect("the response deserializes");
                #initial
                #(#each)*
                assert!(#recv.expect("the stream ends cleanly").is_none(), "no more events");
            }
        }
        CaseExpectation::Failure(None) => quote! {
            let failed = match #deserialize {
                Err(_) => true,
                Ok(mut output) => loop {
                    match #recv {
                        Ok(Some(_)) => {}
                        Ok(None) => break false,
                        Err(_) => break true,
                    }
                },
            };
            assert!(failed, "the case expects a failure");
        },
        CaseExpectation::Failure(Some(FailureOf::OperationError(e))) => {
            let variant = id(&e.variant);
            quote! {
                let error = #deserialize.expect_err("the response is an error");
                assert!(matches!(error, crate::operation::#module::#op_error::#variant(_)), "expected the {} error, got {error:?}", stringify!(#variant));
            }
        }
        CaseExpectation::Failure(Some(FailureOf::StreamError(index))) => {
            let s = k.union(stream).event_stream.as_ref().expect("an event stream union (the IR)");
            let (_, error_ty) = stream_types(k, stream);
            let variant = id(&s.errors[*index].error.variant);
            // The error's members as the case gives them; its metadata is not among them.
            let compare = events.iter().rev().find_map(|e| match &e.value {
                Some(EventValue::Error { error, value }) if error == index => {
                    let ty = named_tokens(k, Named::Structure(value.structure));
                    let setters = build_fields(k, value);
                    Some(quote! {
                        let expected = #ty::builder() #setters .meta(actual.meta().clone()).build();
                        crate::protocol_test_util::assert_same(&actual, &expected);
                    })
                }
                _ => None,
            });
            quote! {
                let mut output = #deserialize.expect("the response deserializes");
                let error = loop {
                    match #recv {
                        Ok(Some(_)) => {}
                        Ok(None) => panic!("the stream ended without the error"),
                        Err(e) => break e,
                    }
                };
                let Some(#error_ty::#variant(actual)) = error.into_service_error() else {
                    panic!("expected the {} stream error", stringify!(#variant));
                };
                #compare
            }
        }
    };
    quote! {
        #response
        #check
    }
}
