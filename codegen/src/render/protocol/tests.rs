//! Rust tests generated from `smithy.test#httpRequestTests` and `httpResponseTests` cases.

use proc_macro2::{Literal, TokenStream};
use quote::quote;
use serde_json::Value;

use super::Registry;
use crate::error::{Error, Result};
use crate::ir::{Crate, Field, NamedKind, Operation, RustType, Structure};
use crate::model::{HttpMessageTest, HttpRequestTest, HttpResponseTest};
use crate::naming;
use crate::render::types::type_tokens;

/// Whether the crate has any test case to generate.
pub fn has_tests(krate: &Crate) -> bool {
    krate.operations.iter().any(|op| !op.request_tests.is_empty() || !op.response_tests.is_empty())
        || krate.errors.iter().any(|e| !e.response_tests.is_empty())
}

/// `src/protocol_tests.rs`.
pub fn tests_module(krate: &Crate, registry: &Registry) -> Result<TokenStream> {
    let mut tests = Vec::new();
    for op in &krate.operations {
        for case in &op.request_tests {
            tests.push(request_test(op, case, registry)?);
        }
        for case in &op.response_tests {
            tests.push(response_test(op, case, registry)?);
        }
    }
    for error in &krate.errors {
        // An error's cases run through the first operation that can return it.
        let op = krate.operations.iter().find(|op| op.errors.iter().any(|e| e.ty == error.name));
        let Some(op) = op else { continue };
        for case in &error.response_tests {
            tests.push(error_test(op, error, case, registry)?);
        }
    }
    Ok(quote! {
        //! Protocol compliance tests generated from the model's `smithy.test` cases.
        #(#tests)*
    })
}

/// `{id}_request` / `{id}_response`: suites reuse an id for a request case and a response case.
fn test_name(id: &str, direction: &str) -> proc_macro2::Ident {
    naming::ident(&format!("{}_{direction}", naming::snake_case(id)))
}

fn doc_of(message: &HttpMessageTest, id: &str) -> String {
    match &message.documentation {
        Some(doc) => format!(" `{id}`: {}", doc.replace('\n', " ")),
        None => format!(" `{id}`."),
    }
}

fn request_test(op: &Operation, case: &HttpRequestTest, registry: &Registry) -> Result<TokenStream> {
    let name = test_name(&case.id, "request");
    let doc = doc_of(&case.message, &case.id);
    let op_name = &op.name;
    let module = &op.module;
    let input = build_structure(&op.input, &case.message.params, registry, &case.id)?;
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
    Ok(quote! {
        #[doc = #doc]
        #[test]
        fn #name() {
            let input = #input;
            let request = crate::operation::#module::#op_name::serialize_request(&input).expect("the request serializes");
            assert_eq!(request.method, #method);
            assert_eq!(request.path(), #path, "path");
            crate::protocol_test_util::assert_query(&request, &[#(#query),*], &[#(#forbid_query),*], &[#(#require_query),*]);
            #checks
        }
    })
}

fn response_test(op: &Operation, case: &HttpResponseTest, registry: &Registry) -> Result<TokenStream> {
    let name = test_name(&case.id, "response");
    let doc = doc_of(&case.message, &case.id);
    let op_name = &op.name;
    let module = &op.module;
    let expected = build_structure(&op.output, &case.message.params, registry, &case.id)?;
    let response = response_expr(case);
    Ok(quote! {
        #[doc = #doc]
        #[test]
        fn #name() {
            let response = #response;
            let output = crate::operation::#module::#op_name::deserialize_response(&response).expect("the response deserializes");
            let expected = #expected;
            crate::protocol_test_util::assert_same(&output, &expected);
        }
    })
}

fn error_test(op: &Operation, error: &Structure, case: &HttpResponseTest, registry: &Registry) -> Result<TokenStream> {
    let name = test_name(&case.id, "response");
    let doc = doc_of(&case.message, &case.id);
    let (op_name, module, error_enum) = (&op.name, &op.module, &op.error);
    let variant = &op.errors.iter().find(|e| e.ty == error.name).expect("the operation returns this error").variant;
    let expected = build_fields(&error.fields, &case.message.params, registry, &case.id)?;
    let ty = &error.name;
    let response = response_expr(case);
    Ok(quote! {
        #[doc = #doc]
        #[test]
        fn #name() {
            let response = #response;
            let error = crate::operation::#module::#op_name::deserialize_response(&response).expect_err("the response is an error");
            let crate::operation::#module::#error_enum::#variant(actual) = error else {
                panic!("expected the {} error, got {error:?}", stringify!(#variant));
            };
            // Metadata (request id, raw code) is not part of the case's params.
            let expected = crate::types::error::#ty::builder() #expected .meta(actual.meta().clone()).build();
            crate::protocol_test_util::assert_same(&actual, &expected);
        }
    })
}

fn response_expr(case: &HttpResponseTest) -> TokenStream {
    let code = case.code;
    let headers = case.message.headers.iter().map(|(k, v)| quote!(headers.append(#k, #v);));
    let body = case.message.body.as_deref().unwrap_or("");
    let body = Literal::byte_string(body.as_bytes());
    let binding = if case.message.headers.is_empty() { quote!(let headers) } else { quote!(let mut headers) };
    quote!({
        #binding = crate::http::Headers::new();
        #(#headers)*
        crate::http::HttpResponse::new(#code, headers, #body.to_vec())
    })
}

/// Header and body checks shared by request tests.
fn message_checks(message: &HttpMessageTest, value: TokenStream) -> TokenStream {
    let headers = message.headers.iter().map(|(k, v)| quote!((#k, #v)));
    let forbid = &message.forbid_headers;
    let require = &message.require_headers;
    let body = message.body.as_ref().map(|body| {
        let is_json = message.body_media_type.as_deref().is_some_and(|m| m.contains("json"));
        if is_json {
            quote!(crate::protocol_test_util::assert_json_eq(&#value.body, #body);)
        } else {
            let bytes = Literal::byte_string(body.as_bytes());
            quote!(assert_eq!(#value.body.as_slice(), #bytes.as_slice(), "body");)
        }
    });
    quote! {
        crate::protocol_test_util::assert_headers(&#value.headers, &[#(#headers),*], &[#(#forbid),*], &[#(#require),*]);
        #body
    }
}

fn bad_param(id: &str, what: String) -> Error {
    Error::other(format!("test case `{id}`: {what}"))
}

/// `Type::builder().set_x(Some(..))...build()` (with `.expect` when fallible).
fn build_structure(s: &Structure, params: &Value, registry: &Registry, id: &str) -> Result<TokenStream> {
    let ty = type_tokens(&registry_type(s));
    let setters = build_fields(&s.fields, params, registry, id)?;
    let build = if crate::render::structure::build_is_fallible(s) {
        quote!(.build().expect("the test's params build"))
    } else {
        quote!(.build())
    };
    Ok(quote!(#ty::builder() #setters #build))
}

fn registry_type(s: &Structure) -> RustType {
    RustType::Named { module: s.module.clone(), name: s.name.clone(), kind: NamedKind::Structure }
}

/// `.set_x(Some(value))` for each param.
fn build_fields(fields: &[Field], params: &Value, registry: &Registry, id: &str) -> Result<TokenStream> {
    let Some(params) = params.as_object() else {
        return if params.is_null() { Ok(quote!()) } else { Err(bad_param(id, "params must be an object".into())) };
    };
    let mut setters = Vec::new();
    for (member, value) in params {
        let field = fields
            .iter()
            .find(|f| &f.member == member)
            .ok_or_else(|| bad_param(id, format!("`{member}` is not a member")))?;
        if value.is_null() {
            continue;
        }
        let setter = naming::prefixed("set", &field.ident);
        let value = value_expr(&field.ty, value, registry, id)?;
        let value = if field.boxed { quote!(::std::boxed::Box::new(#value)) } else { value };
        setters.push(quote!(.#setter(::std::option::Option::Some(#value))));
    }
    Ok(quote!(#(#setters)*))
}

/// An expression of type `T` for a test's param value.
fn value_expr(ty: &RustType, value: &Value, registry: &Registry, id: &str) -> Result<TokenStream> {
    let mismatch = || bad_param(id, format!("{value} does not fit {}", type_tokens(ty)));
    Ok(match (ty, value) {
        (RustType::String, Value::String(s)) => quote!(::std::string::String::from(#s)),
        (RustType::Bool, Value::Bool(b)) => quote!(#b),
        (RustType::I8, Value::Number(n)) => int_literal(n.as_i64().ok_or_else(mismatch)?, "i8"),
        (RustType::I16, Value::Number(n)) => int_literal(n.as_i64().ok_or_else(mismatch)?, "i16"),
        (RustType::I32, Value::Number(n)) => int_literal(n.as_i64().ok_or_else(mismatch)?, "i32"),
        (RustType::I64, Value::Number(n)) => int_literal(n.as_i64().ok_or_else(mismatch)?, "i64"),
        (RustType::F32, v) => float_expr(v, quote!(f32)).ok_or_else(mismatch)?,
        (RustType::F64, v) => float_expr(v, quote!(f64)).ok_or_else(mismatch)?,
        (RustType::BigInteger, Value::Number(_) | Value::String(_)) => {
            let text = n_or_s(value);
            quote!(crate::primitives::BigInteger::new(#text))
        }
        (RustType::BigDecimal, Value::Number(_) | Value::String(_)) => {
            let text = n_or_s(value);
            quote!(crate::primitives::BigDecimal::new(#text))
        }
        (RustType::DateTime(_), Value::Number(n)) => {
            let text = n.to_string();
            quote!(crate::primitives::DateTime::from_str(#text, crate::primitives::Format::EpochSeconds).expect("an epoch-seconds timestamp"))
        }
        (RustType::DateTime(_), Value::String(s)) => {
            quote!(crate::primitives::DateTime::from_str(#s, crate::primitives::Format::DateTime).expect("a date-time timestamp"))
        }
        // Blob params are the blob's text, not base64.
        (RustType::Blob, Value::String(s)) => {
            let bytes = Literal::byte_string(s.as_bytes());
            quote!(crate::primitives::Blob::new(#bytes.to_vec()))
        }
        (RustType::Document, v) => crate::render::types::document_expr(v),
        (RustType::Named { kind: NamedKind::Enum, .. }, Value::String(s)) => {
            let ty = type_tokens(ty);
            quote!(#ty::from(#s))
        }
        (RustType::Named { kind: NamedKind::IntEnum, .. }, Value::Number(n)) => {
            let ty = type_tokens(ty);
            let lit = Literal::i32_unsuffixed(i32::try_from(n.as_i64().ok_or_else(mismatch)?).map_err(|_| mismatch())?);
            quote!(#ty::from(#lit))
        }
        (RustType::Named { kind: NamedKind::Structure, name, .. }, Value::Object(_)) => {
            let s = registry.structure(name).ok_or_else(mismatch)?;
            build_structure(s, value, registry, id)?
        }
        (RustType::Named { kind: NamedKind::Union, name, .. }, Value::Object(map)) => {
            let u = registry.union(name).ok_or_else(mismatch)?;
            let (member, inner) = map.iter().next().ok_or_else(mismatch)?;
            let v = u.variants.iter().find(|v| &v.member == member).ok_or_else(mismatch)?;
            let ty = type_tokens(ty);
            let ident = &v.ident;
            match &v.ty {
                None => quote!(#ty::#ident),
                Some(t) => {
                    let inner = value_expr(t, inner, registry, id)?;
                    let inner = if v.boxed { quote!(::std::boxed::Box::new(#inner)) } else { inner };
                    quote!(#ty::#ident(#inner))
                }
            }
        }
        (RustType::List { item, sparse }, Value::Array(items)) => {
            let items = items
                .iter()
                .map(|v| match (sparse, v) {
                    (true, Value::Null) => Ok(quote!(::std::option::Option::None)),
                    (true, v) => value_expr(item, v, registry, id).map(|e| quote!(::std::option::Option::Some(#e))),
                    (false, v) => value_expr(item, v, registry, id),
                })
                .collect::<Result<Vec<_>>>()?;
            quote!(::std::vec![#(#items),*])
        }
        (RustType::Map { key, value: value_ty, sparse }, Value::Object(map)) => {
            let entries = map
                .iter()
                .map(|(k, v)| {
                    let key = value_expr(key, &Value::String(k.clone()), registry, id)?;
                    let value = match (sparse, v) {
                        (true, Value::Null) => quote!(::std::option::Option::None),
                        (true, v) => {
                            let e = value_expr(value_ty, v, registry, id)?;
                            quote!(::std::option::Option::Some(#e))
                        }
                        (false, v) => value_expr(value_ty, v, registry, id)?,
                    };
                    Ok(quote!((#key, #value)))
                })
                .collect::<Result<Vec<_>>>()?;
            quote!(::std::collections::HashMap::from([#(#entries),*]))
        }
        _ => return Err(mismatch()),
    })
}

fn n_or_s(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A suffixed integer literal (`-42i32`); the value was range-checked by the loader's types.
fn int_literal(value: i64, suffix: &str) -> TokenStream {
    let lit = match suffix {
        "i8" => Literal::i8_suffixed(value as i8),
        "i16" => Literal::i16_suffixed(value as i16),
        "i32" => Literal::i32_suffixed(value as i32),
        _ => Literal::i64_suffixed(value),
    };
    quote!(#lit)
}

/// Floats, and the strings `NaN`, `Infinity`, `-Infinity` the test format uses for them.
fn float_expr(value: &Value, ty: TokenStream) -> Option<TokenStream> {
    Some(match value {
        Value::Number(n) => {
            let lit = if ty.to_string() == "f32" {
                Literal::f32_suffixed(n.as_f64()? as f32)
            } else {
                Literal::f64_suffixed(n.as_f64()?)
            };
            quote!(#lit)
        }
        Value::String(s) if s == "NaN" => quote!(#ty::NAN),
        Value::String(s) if s == "Infinity" => quote!(#ty::INFINITY),
        Value::String(s) if s == "-Infinity" => quote!(#ty::NEG_INFINITY),
        _ => return None,
    })
}
