//! Rust tests generated from `smithy.test#httpRequestTests` and `httpResponseTests` cases.

use proc_macro2::{Literal, TokenStream};
use quote::{quote, ToTokens};

use crate::ir::{
    CaseEndpoint, Crate, Float, Named, Operation, OperationError, ParamValue, RequestTest, ResponseTest, RustType,
    StructureValue,
};
use crate::model::HttpMessageTest;
use crate::render::id;
use crate::render::std_paths::Std;
use crate::render::types::{named_tokens, type_tokens};

/// Whether the crate has any test case to generate.
pub fn has_tests(krate: &Crate) -> bool {
    krate
        .operations
        .iter()
        .any(|op| !op.request_tests.is_empty() || !op.response_tests.is_empty() || !op.event_stream_tests.is_empty())
        || krate.errors().any(|e| !e.response_tests.is_empty())
}

/// `src/protocol_tests.rs`.
pub fn tests_module(krate: &Crate) -> TokenStream {
    let mut tests = Vec::new();
    for op in &krate.operations {
        for case in &op.request_tests {
            tests.push(request_test(krate, op, case));
        }
        for case in &op.response_tests {
            tests.push(response_test(krate, op, case));
        }
        for case in &op.event_stream_tests {
            tests.push(super::event_tests::event_stream_test(krate, op, case));
        }
    }
    for (error_id, error) in krate.shared_structures() {
        // An error's cases run through the first operation that can return it.
        let returning =
            krate.operations.iter().find_map(|op| op.errors.iter().find(|e| e.error == error_id).map(|e| (op, e)));
        let Some((op, variant)) = returning else { continue };
        for case in &error.response_tests {
            tests.push(error_test(krate, op, variant, case));
        }
    }
    quote! {
        //! Protocol compliance tests generated from the model's `smithy.test` cases.
        #(#tests)*
    }
}

fn doc_of(message: &HttpMessageTest, id: &str) -> String {
    match &message.documentation {
        Some(doc) => format!(" `{id}`: {}", doc.replace('\n', " ")),
        None => format!(" `{id}`."),
    }
}

fn request_test(k: &Crate, op: &Operation, test: &RequestTest) -> TokenStream {
    let case = &test.case;
    let name = id(&test.name);
    let doc = doc_of(&case.message, &case.id);
    let op_name = id(&op.names.name);
    let module = id(&op.names.module);
    let input = build_structure(k, &test.input);
    let (method, uri) = (&case.method, &case.uri);
    let (path, _) = uri.split_once('?').unwrap_or((uri, ""));
    // An endpoint with a path (`host: example.com/custom`) prefixes the operation's path; the
    // transport joins them, so the test compares the operation's part.
    let base = case.host.as_deref().and_then(|h| h.split_once('/')).map(|(_, p)| format!("/{}", p.trim_matches('/')));
    let path = match base.as_deref().and_then(|b| path.strip_prefix(b)) {
        Some(rest) if !rest.is_empty() => rest,
        _ => path,
    };
    let query = &case.query_params;
    let forbid_query = &case.forbid_query_params;
    let require_query = &case.require_query_params;
    let checks = message_checks(&case.message, quote!(request));
    let serialize =
        quote!(crate::operation::#module::#op_name::serialize_request(&input).expect("the request serializes"));
    // The cases expect a token filled in to be the all-zero v4 UUID.
    let serialize = if k.structure(op.input).fields.iter().any(|f| f.idempotency_token) {
        quote!(crate::protocol_test_util::with_idempotency_token("00000000-0000-4000-8000-000000000000", || #serialize))
    } else {
        serialize
    };
    // The client compresses what the operation allows, with AWS SDKs' default threshold, then
    // adds the checksums it asks for, as by default.
    let compress = (!op.request_compression.is_empty()).then(|| {
        let encodings = &op.request_compression;
        quote! {
            crate::compression::compress(&mut request, &[#(#encodings),*], crate::compression::DEFAULT_MIN_COMPRESSION_SIZE_BYTES)
                .expect("the body compresses");
        }
    });
    let checksum = op.checksums.as_ref().map(|c| {
        let settings = crate::render::client::checksum_settings(k, c);
        quote! {
            crate::checksum::add_request_checksums(
                &mut request,
                &#settings,
                crate::http::RequestChecksumCalculation::WhenSupported,
                crate::http::ResponseChecksumValidation::WhenSupported,
            )
            .expect("the checksums compute");
        }
    });
    let request = if compress.is_none() && checksum.is_none() {
        quote!(let request = #serialize;)
    } else {
        quote! {
            let mut request = #serialize;
            #compress
            #checksum
        }
    };
    let full_path = uri.split_once('?').map_or(uri.as_str(), |(p, _)| p);
    let where_to = match &test.endpoint {
        Some(endpoint) => endpoint_check(k, op, endpoint, full_path),
        None => quote!(assert_eq!(request.path(), #path, "path");),
    };
    quote! {
        #[doc = #doc]
        #[test]
        fn #name() {
            let input = #input;
            #request
            assert_eq!(request.method, #method);
            #where_to
            crate::protocol_test_util::assert_query(&request, &[#(#query),*], &[#(#forbid_query),*], &[#(#require_query),*]);
            #checks
        }
    }
}

/// Statements checking where a case's request goes: the endpoint the rules give for the case's
/// client settings and the operation's parameters, joined with the request's path as the
/// client joins them.
fn endpoint_check(k: &Crate, op: &Operation, endpoint: &CaseEndpoint, path: &str) -> TokenStream {
    let Std { some, .. } = Std::of(k);
    let Some(rules) = &k.endpoints else { return quote!() };
    let built_in = |name: &str| rules.params.iter().find(|p| p.built_in.as_deref() == Some(name)).map(|p| id(&p.ident));
    let mut sets = Vec::new();
    if let (Some(param), Some(region)) = (built_in("AWS::Region"), &endpoint.region) {
        sets.push(quote!(params.#param = #some(#region.to_owned());));
    }
    for (name, value) in [
        ("AWS::UseFIPS", false),
        ("AWS::UseDualStack", endpoint.use_dual_stack),
        ("AWS::S3::ForcePathStyle", endpoint.force_path_style),
        ("AWS::S3::Accelerate", endpoint.accelerate),
    ] {
        if let Some(param) = built_in(name) {
            sets.push(quote!(params.#param = #some(#value);));
        }
    }
    let (module, op_name) = (id(&op.names.module), id(&op.names.name));
    let operation = (!op.endpoint_arguments.is_empty())
        .then(|| quote!(crate::operation::#module::#op_name::endpoint_params(&input, &mut params);));
    let host = &endpoint.resolved_host;
    quote! {
        let mut params = crate::endpoint_rules::Params::new();
        #(#sets)*
        #operation
        let endpoint = crate::endpoint_rules::resolve(&params).expect("the case's endpoint resolves");
        crate::protocol_test_util::assert_endpoint(&request, &endpoint.url, #host, #path);
    }
}

fn response_test(k: &Crate, op: &Operation, test: &ResponseTest) -> TokenStream {
    let case = &test.case;
    let name = id(&test.name);
    let doc = doc_of(&case.message, &case.id);
    let op_name = id(&op.names.name);
    let module = id(&op.names.module);
    let expected = build_structure(k, &test.expected);
    let response = response_expr(case);
    quote! {
        #[doc = #doc]
        #[test]
        fn #name() {
            let response = #response;
            let output = crate::operation::#module::#op_name::deserialize_response(&response).expect("the response deserializes");
            let expected = #expected;
            crate::protocol_test_util::assert_same(&output, &expected);
        }
    }
}

fn error_test(k: &Crate, op: &Operation, returned: &OperationError, test: &ResponseTest) -> TokenStream {
    let Std { some, .. } = Std::of(k);
    let case = &test.case;
    let error_id = returned.error;
    let name = id(&test.name);
    let doc = doc_of(&case.message, &case.id);
    let (op_name, module, error_enum) = (id(&op.names.name), id(&op.names.module), id(&op.names.error));
    let variant = id(&returned.variant);
    let expected = build_fields(k, &test.expected);
    let ty = named_tokens(k, Named::Structure(error_id));
    let response = response_expr(case);
    // What the case's vendor params say the metadata holds.
    let meta_checks = test.expected_meta.as_ref().map(|m| {
        let code = &m.code;
        let fault = m.fault.as_ref().map(|f| quote!(::std::assert_eq!(actual.meta().extra("type"), #some(#f));));
        quote! {
            ::std::assert_eq!(actual.meta().code(), #some(#code));
            #fault
        }
    });
    quote! {
        #[doc = #doc]
        #[test]
        fn #name() {
            let response = #response;
            let error = crate::operation::#module::#op_name::deserialize_response(&response).expect_err("the response is an error");
            let crate::operation::#module::#error_enum::#variant(actual) = error else {
                panic!("expected the {} error, got {error:?}", stringify!(#variant));
            };
            #meta_checks
            // Metadata (request id, raw code) is not part of the case's params.
            let expected = #ty::builder() #expected .meta(actual.meta().clone()).build();
            crate::protocol_test_util::assert_same(&actual, &expected);
        }
    }
}

fn response_expr(case: &crate::model::HttpResponseTest) -> TokenStream {
    let code = case.code;
    let headers = case.message.headers.iter().map(|(k, v)| quote!(headers.append(#k, #v);));
    let body = case.message.body.as_deref().unwrap_or("");
    // CBOR cases give their bodies in base64.
    let bytes = match is_cbor(&case.message) {
        true => smithy_runtime::primitives::base64::decode(body.trim()).unwrap_or_else(|_| body.as_bytes().to_vec()),
        false => body.as_bytes().to_vec(),
    };
    let body = Literal::byte_string(&bytes);
    let binding = if case.message.headers.is_empty() { quote!(let headers) } else { quote!(let mut headers) };
    quote!({
        #binding = crate::http::Headers::new();
        #(#headers)*
        crate::http::HttpResponse::new(#code, headers, #body.to_vec())
    })
}

/// Whether a case's body is CBOR (which cases give in base64).
fn is_cbor(message: &HttpMessageTest) -> bool {
    message.body_media_type.as_deref() == Some("application/cbor")
}

/// Header and body checks shared by request tests.
fn message_checks(message: &HttpMessageTest, value: TokenStream) -> TokenStream {
    let headers = message.headers.iter().map(|(k, v)| quote!((#k, #v)));
    let forbid = &message.forbid_headers;
    let require = &message.require_headers;
    let body =
        message.body.as_ref().map(|body| body_check(body, message.body_media_type.as_deref(), quote!(#value.body)));
    quote! {
        crate::protocol_test_util::assert_headers(&#value.headers, &[#(#headers),*], &[#(#forbid),*], &[#(#require),*]);
        #body
    }
}

/// A statement comparing the bytes `actual` (a `Vec<u8>` place) with a case's expected body, as
/// its media type says: CBOR, JSON and XML as values, forms as pairs, anything else byte for
/// byte.
pub(super) fn body_check(body: &str, media: Option<&str>, actual: TokenStream) -> TokenStream {
    let media = media.unwrap_or_default();
    if media == "application/cbor" {
        quote!(crate::protocol_test_util::assert_cbor_eq(&#actual, #body);)
    } else if media.contains("json") {
        quote!(crate::protocol_test_util::assert_json_eq(&#actual, #body);)
    } else if media.contains("xml") {
        quote!(crate::protocol_test_util::assert_xml_eq(&#actual, #body);)
    } else if media == "application/x-www-form-urlencoded" {
        quote!(crate::protocol_test_util::assert_form_eq(&#actual, #body);)
    } else {
        let bytes = Literal::byte_string(body.as_bytes());
        quote!(assert_eq!(#actual.as_slice(), #bytes.as_slice(), "body");)
    }
}

/// `Type::builder().set_x(Some(..))...build()` (with `.expect` when fallible).
pub(super) fn build_structure(k: &Crate, value: &StructureValue) -> TokenStream {
    let s = k.structure(value.structure);
    let ty = named_tokens(k, Named::Structure(value.structure));
    let setters = build_fields(k, value);
    let build = if crate::render::structure::build_is_fallible(s) {
        quote!(.build().expect("the test's params build"))
    } else {
        quote!(.build())
    };
    quote!(#ty::builder() #setters #build)
}

/// `.set_x(Some(value))` for each set field.
pub(super) fn build_fields(k: &Crate, value: &StructureValue) -> TokenStream {
    let Std { some, boxed, .. } = Std::of(k);
    let s = k.structure(value.structure);
    let setters = value.fields.iter().map(|(field, param)| {
        let field = &s.fields[*field];
        let setter = id(&field.setter);
        let value = value_expr(k, &field.ty, param);
        let value = if field.boxed { quote!(#boxed::new(#value)) } else { value };
        quote!(.#setter(#some(#value)))
    });
    quote!(#(#setters)*)
}

/// An expression of type `ty` for a param value (typed for `ty` when the IR was built).
pub(super) fn value_expr(k: &Crate, ty: &RustType, value: &ParamValue) -> TokenStream {
    let Std { string, boxed, .. } = Std::of(k);
    match (ty, value) {
        (RustType::I8, ParamValue::Int(i)) => Literal::i8_suffixed(*i as i8).into_token_stream(),
        (RustType::I16, ParamValue::Int(i)) => Literal::i16_suffixed(*i as i16).into_token_stream(),
        (RustType::I32, ParamValue::Int(i)) => Literal::i32_suffixed(*i as i32).into_token_stream(),
        (_, ParamValue::Int(i)) => Literal::i64_suffixed(*i).into_token_stream(),
        (_, ParamValue::Float(f)) => {
            let f32 = *ty == RustType::F32;
            let ty = if f32 { quote!(f32) } else { quote!(f64) };
            match f {
                Float::Finite(f) if f32 => Literal::f32_suffixed(*f as f32).into_token_stream(),
                Float::Finite(f) => Literal::f64_suffixed(*f).into_token_stream(),
                Float::NaN => quote!(#ty::NAN),
                Float::Infinity => quote!(#ty::INFINITY),
                Float::NegInfinity => quote!(#ty::NEG_INFINITY),
            }
        }
        (_, ParamValue::String(s)) => quote!(#string::from(#s)),
        (_, ParamValue::Bool(b)) => quote!(#b),
        (RustType::BigInteger, ParamValue::Big(text)) => quote!(crate::primitives::BigInteger::new(#text)),
        (_, ParamValue::Big(text)) => quote!(crate::primitives::BigDecimal::new(#text)),
        (_, ParamValue::EpochSeconds(text)) => {
            quote!(crate::primitives::DateTime::from_str(#text, crate::primitives::Format::EpochSeconds).expect("an epoch-seconds timestamp"))
        }
        (_, ParamValue::DateTime(text)) => {
            quote!(crate::primitives::DateTime::from_str(#text, crate::primitives::Format::DateTime).expect("a date-time timestamp"))
        }
        (RustType::ByteStream, ParamValue::Blob(bytes)) => {
            let bytes = Literal::byte_string(bytes);
            quote!(crate::primitives::ByteStream::from(#bytes.to_vec()))
        }
        (_, ParamValue::Blob(bytes)) => {
            let bytes = Literal::byte_string(bytes);
            quote!(crate::primitives::Blob::new(#bytes.to_vec()))
        }
        (_, ParamValue::Document(v)) => crate::render::types::document_expr(k, v),
        (_, ParamValue::Enum(s)) => {
            let ty = type_tokens(k, ty);
            quote!(#ty::from(#s))
        }
        (_, ParamValue::IntEnum(i)) => {
            let ty = type_tokens(k, ty);
            let lit = Literal::i32_unsuffixed(*i);
            quote!(#ty::from(#lit))
        }
        (_, ParamValue::Structure(value)) => build_structure(k, value),
        (_, ParamValue::Union { union, variant, value }) => {
            let ty = named_tokens(k, Named::Union(*union));
            let v = &k.union(*union).variants[*variant];
            let ident = id(&v.ident);
            match (&v.ty, value) {
                (Some(t), Some(inner)) => {
                    let inner = value_expr(k, t, inner);
                    let inner = if v.boxed { quote!(#boxed::new(#inner)) } else { inner };
                    quote!(#ty::#ident(#inner))
                }
                _ => quote!(#ty::#ident),
            }
        }
        (RustType::List { item, sparse }, ParamValue::List(items)) => {
            let items = items.iter().map(|v| element(k, item, *sparse, v.as_ref()));
            quote!(::std::vec![#(#items),*])
        }
        (RustType::Map { key, value: value_ty, sparse }, ParamValue::Map(entries)) => {
            let entries = entries.iter().map(|(k_value, v)| {
                let key = value_expr(k, key, k_value);
                let value = element(k, value_ty, *sparse, v.as_ref());
                quote!((#key, #value))
            });
            quote!(::std::collections::HashMap::from([#(#entries),*]))
        }
        (_, ParamValue::List(_) | ParamValue::Map(_)) => {
            unreachable!("collections are typed for collections in the IR")
        }
    }
}

/// A collection element: `Some(..)`/`None` in a sparse collection (`None` only there).
fn element(k: &Crate, ty: &RustType, sparse: bool, value: Option<&ParamValue>) -> TokenStream {
    let Std { some, none, .. } = Std::of(k);
    match value {
        None => quote!(#none),
        Some(v) if sparse => {
            let v = value_expr(k, ty, v);
            quote!(#some(#v))
        }
        Some(v) => value_expr(k, ty, v),
    }
}
