//! Rust tests generated from `smithy.test#httpRequestTests` and `httpResponseTests` cases.

use proc_macro2::{Literal, TokenStream};
use quote::quote;
use serde_json::Value;

use crate::error::{Error, Result};
use crate::ir::{Crate, Field, Named, Operation, OperationError, RequestTest, ResponseTest, RustType, StructId};
use crate::model::HttpMessageTest;
use crate::render::id;
use crate::render::types::{named_tokens, type_tokens};

/// Whether the crate has any test case to generate.
pub fn has_tests(krate: &Crate) -> bool {
    krate.operations.iter().any(|op| !op.request_tests.is_empty() || !op.response_tests.is_empty())
        || krate.errors().any(|e| !e.response_tests.is_empty())
}

/// `src/protocol_tests.rs`.
pub fn tests_module(krate: &Crate) -> Result<TokenStream> {
    let mut tests = Vec::new();
    for op in &krate.operations {
        for case in &op.request_tests {
            tests.push(request_test(krate, op, case)?);
        }
        for case in &op.response_tests {
            tests.push(response_test(krate, op, case)?);
        }
    }
    for (error_id, error) in krate.shared_structures() {
        // An error's cases run through the first operation that can return it.
        let returning = krate.operations.iter().find_map(|op| op.errors.iter().find(|e| e.error == error_id).map(|e| (op, e)));
        let Some((op, variant)) = returning else { continue };
        for case in &error.response_tests {
            tests.push(error_test(krate, op, variant, case)?);
        }
    }
    Ok(quote! {
        //! Protocol compliance tests generated from the model's `smithy.test` cases.
        #(#tests)*
    })
}

fn doc_of(message: &HttpMessageTest, id: &str) -> String {
    match &message.documentation {
        Some(doc) => format!(" `{id}`: {}", doc.replace('\n', " ")),
        None => format!(" `{id}`."),
    }
}

fn request_test(k: &Crate, op: &Operation, test: &RequestTest) -> Result<TokenStream> {
    let case = &test.case;
    let name = id(&test.name);
    let doc = doc_of(&case.message, &case.id);
    let op_name = id(&op.name);
    let module = id(&op.module);
    let input = build_structure(k, op.input, &case.message.params, &case.id)?;
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

fn response_test(k: &Crate, op: &Operation, test: &ResponseTest) -> Result<TokenStream> {
    let case = &test.case;
    let name = id(&test.name);
    let doc = doc_of(&case.message, &case.id);
    let op_name = id(&op.name);
    let module = id(&op.module);
    let expected = build_structure(k, op.output, &case.message.params, &case.id)?;
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

fn error_test(k: &Crate, op: &Operation, returned: &OperationError, test: &ResponseTest) -> Result<TokenStream> {
    let case = &test.case;
    let error_id = returned.error;
    let error = k.structure(error_id);
    let name = id(&test.name);
    let doc = doc_of(&case.message, &case.id);
    let (op_name, module, error_enum) = (id(&op.name), id(&op.module), id(&op.error));
    let variant = id(&returned.variant);
    let expected = build_fields(k, &error.fields, &case.message.params, &case.id)?;
    let ty = named_tokens(k, Named::Structure(error_id));
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
            let expected = #ty::builder() #expected .meta(actual.meta().clone()).build();
            crate::protocol_test_util::assert_same(&actual, &expected);
        }
    })
}

fn response_expr(case: &crate::model::HttpResponseTest) -> TokenStream {
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
fn build_structure(k: &Crate, struct_id: StructId, params: &Value, case: &str) -> Result<TokenStream> {
    let s = k.structure(struct_id);
    let ty = named_tokens(k, Named::Structure(struct_id));
    let setters = build_fields(k, &s.fields, params, case)?;
    let build = if crate::render::structure::build_is_fallible(s) {
        quote!(.build().expect("the test's params build"))
    } else {
        quote!(.build())
    };
    Ok(quote!(#ty::builder() #setters #build))
}

/// `.set_x(Some(value))` for each param.
fn build_fields(k: &Crate, fields: &[Field], params: &Value, case: &str) -> Result<TokenStream> {
    let Some(params) = params.as_object() else {
        return if params.is_null() { Ok(quote!()) } else { Err(bad_param(case, "params must be an object".into())) };
    };
    let mut setters = Vec::new();
    for (member, value) in params {
        let field = fields
            .iter()
            .find(|f| &f.member == member)
            .ok_or_else(|| bad_param(case, format!("`{member}` is not a member")))?;
        if value.is_null() {
            continue;
        }
        let setter = id(&field.setter);
        let value = value_expr(k, &field.ty, value, case)?;
        let value = if field.boxed { quote!(::std::boxed::Box::new(#value)) } else { value };
        setters.push(quote!(.#setter(::std::option::Option::Some(#value))));
    }
    Ok(quote!(#(#setters)*))
}

/// An expression of type `T` for a test's param value.
fn value_expr(k: &Crate, ty: &RustType, value: &Value, case: &str) -> Result<TokenStream> {
    let mismatch = || bad_param(case, format!("{value} does not fit {}", type_tokens(k, ty)));
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
        (RustType::Enum(_), Value::String(s)) => {
            let ty = type_tokens(k, ty);
            quote!(#ty::from(#s))
        }
        (RustType::IntEnum(_), Value::Number(n)) => {
            let ty = type_tokens(k, ty);
            let lit = Literal::i32_unsuffixed(i32::try_from(n.as_i64().ok_or_else(mismatch)?).map_err(|_| mismatch())?);
            quote!(#ty::from(#lit))
        }
        (RustType::Structure(struct_id), Value::Object(_)) => build_structure(k, *struct_id, value, case)?,
        (RustType::Union(union_id), Value::Object(map)) => {
            let u = k.union(*union_id);
            let (member, inner) = map.iter().next().ok_or_else(mismatch)?;
            let v = u.variants.iter().find(|v| &v.member == member).ok_or_else(mismatch)?;
            let ty = type_tokens(k, ty);
            let ident = id(&v.ident);
            match &v.ty {
                None => quote!(#ty::#ident),
                Some(t) => {
                    let inner = value_expr(k, t, inner, case)?;
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
                    (true, v) => value_expr(k, item, v, case).map(|e| quote!(::std::option::Option::Some(#e))),
                    (false, v) => value_expr(k, item, v, case),
                })
                .collect::<Result<Vec<_>>>()?;
            quote!(::std::vec![#(#items),*])
        }
        (RustType::Map { key, value: value_ty, sparse }, Value::Object(map)) => {
            let entries = map
                .iter()
                .map(|(map_key, v)| {
                    let key = value_expr(k, key, &Value::String(map_key.clone()), case)?;
                    let value = match (sparse, v) {
                        (true, Value::Null) => quote!(::std::option::Option::None),
                        (true, v) => {
                            let e = value_expr(k, value_ty, v, case)?;
                            quote!(::std::option::Option::Some(#e))
                        }
                        (false, v) => value_expr(k, value_ty, v, case)?,
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
