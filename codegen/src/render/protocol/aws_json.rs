//! awsJson1_0 and awsJson1_1 requests: `POST /`, the operation named by `X-Amz-Target`, every
//! input member in one JSON object under its own name (HTTP binding traits and `@jsonName` do
//! not apply; the IR places every member in the body). Responses and errors are read as
//! restJson1 reads a body-only response, so they share `http::deserialize_response`.

use proc_macro2::TokenStream;
use quote::quote;

use super::json::write_fields;
use crate::ir::{Crate, Operation};
use crate::render::id;

/// `serialize_request`: the request for an input, with the protocol's `Content-Type`.
pub fn serialize_request(k: &Crate, op: &Operation, content_type: &str) -> TokenStream {
    let input = k.structure(op.input);
    let input_ty = id(&input.name);
    let target = format!("{}.{}", k.service.id.name(), op.shape.name());
    let writes = write_fields(k, &input.fields, &quote!(input));
    let input_param = if input.fields.is_empty() { quote!(_input) } else { quote!(input) };
    // An `awsQueryCompatible` service answers such clients with query error codes.
    let query_mode = k.service.query_compatible.then(|| quote!(headers.insert("x-amzn-query-mode", "true");));
    quote! {
        /// Builds the HTTP request for `input`: a `POST` to the endpoint's root, whose
        /// `X-Amz-Target` names the operation, with the input as a JSON object (`{}` when
        /// nothing is set).
        ///
        /// Fails when a value cannot be written.
        pub fn serialize_request(#input_param: &#input_ty) -> ::std::result::Result<crate::http::HttpRequest, crate::error::BuildError> {
            let mut writer = crate::json::JsonWriter::new();
            let w = &mut writer;
            w.begin_object();
            #writes
            w.end_object();
            let body = writer.finish().into_bytes();
            let mut headers = crate::http::Headers::new();
            headers.insert("Content-Type", #content_type);
            headers.insert("X-Amz-Target", #target);
            #query_mode
            headers.insert("Content-Length", body.len().to_string());
            ::std::result::Result::Ok(crate::http::HttpRequest {
                method: ::std::string::String::from("POST"),
                uri: ::std::string::String::from("/"),
                headers,
                body,
            })
        }
    }
}
