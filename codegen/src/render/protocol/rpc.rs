//! Requests of the RPC protocols, which ignore HTTP binding traits: a `POST` to a fixed path
//! with every input member in one body object under its own name (the IR places them all in
//! the body). awsJson1_0 and awsJson1_1 post JSON to `/` and name the operation in
//! `X-Amz-Target`; rpcv2Cbor posts CBOR to `/service/{Service}/operation/{Operation}`. Their
//! responses and errors are read as restJson1 reads a body-only response, so they share
//! `http::deserialize_response`.

use proc_macro2::TokenStream;
use quote::quote;

use super::json::{write_fields, Codec};
use crate::ir::{Crate, Operation};
use crate::render::id;
use crate::render::std_paths::Std;

/// How an RPC protocol frames a request.
pub struct Rpc {
    /// The request's path.
    pub path: String,
    /// Headers every request carries, with the body's `Content-Type` among them.
    pub headers: Vec<(&'static str, String)>,
    /// Whether an operation without input (`smithy.api#Unit`) sends no body and no
    /// `Content-Type` (rpcv2Cbor) rather than an empty object (the JSON RPC protocols).
    pub no_body_without_input: bool,
}

/// `serialize_request`: the request for an input.
pub fn serialize_request(k: &Crate, op: &Operation, rpc: &Rpc) -> TokenStream {
    let Std { result, ok, string, vec, .. } = Std::of(k);
    let input = k.structure(op.input);
    let input_ty = id(&input.name);
    let input_param =
        if input.fields.is_empty() || input.event_stream().is_some() { quote!(_input) } else { quote!(input) };
    let path = &rpc.path;
    let no_body = rpc.no_body_without_input && op.unit_input;
    // An input stream is the body; the other members go in its `initial-request`.
    let events = input.event_stream().is_some();
    let headers = rpc
        .headers
        .iter()
        .filter(|(name, _)| !((no_body || events) && *name == "Content-Type"))
        .map(|(name, value)| quote!(headers.insert(#name, #value);));
    let body = if events {
        quote! {
            headers.insert("Content-Type", "application/vnd.amazon.eventstream");
            let body = #vec::new();
        }
    } else if no_body {
        quote!(let body = #vec::new();)
    } else {
        let codec = Codec::of(k);
        let writer = codec.writer();
        let writes = write_fields(k, &input.fields, &quote!(input));
        let finish = codec.finish(&quote!(writer));
        quote! {
            let mut writer = #writer::new();
            let w = &mut writer;
            w.begin_object();
            #writes
            w.end_object();
            let body = #finish;
            headers.insert("Content-Length", body.len().to_string());
        }
    };
    quote! {
        /// Builds the HTTP request for `input`: a `POST` naming the operation, with the input as
        /// one object in the body.
        ///
        /// Fails when a value cannot be written.
        #[inline]
        pub fn serialize_request(#input_param: &#input_ty) -> #result<crate::http::HttpRequest, crate::error::BuildError> {
            let mut headers = crate::http::Headers::new();
            #(#headers)*
            #body
            #ok(crate::http::HttpRequest {
                method: #string::from("POST"),
                uri: #string::from(#path),
                headers,
                body,
            })
        }
    }
}
