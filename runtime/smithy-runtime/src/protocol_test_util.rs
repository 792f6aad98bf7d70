//! Assertions for the protocol tests generated from the model's `smithy.test` cases.

use crate::http::{Headers, HttpRequest};

/// The request's query has every `expected` pair (`name=value` as sent, percent-encoded), none
/// of the `forbidden` names, and all of the `required` names.
pub fn assert_query(request: &HttpRequest, expected: &[&str], forbidden: &[&str], required: &[&str]) {
    let query = request.query().unwrap_or("");
    let pairs: Vec<&str> = query.split('&').filter(|p| !p.is_empty()).collect();
    let name = |pair: &str| pair.split('=').next().unwrap_or("").to_owned();
    for want in expected {
        assert!(pairs.contains(want), "query `{query}` lacks `{want}`");
    }
    for name_forbidden in forbidden {
        assert!(!pairs.iter().any(|p| name(p) == *name_forbidden), "query `{query}` has forbidden `{name_forbidden}`");
    }
    for name_required in required {
        assert!(pairs.iter().any(|p| name(p) == *name_required), "query `{query}` lacks required `{name_required}`");
    }
}

/// The headers have the `expected` values (names case-insensitive), none of the `forbidden`
/// names, and all of the `required` names.
pub fn assert_headers(headers: &Headers, expected: &[(&str, &str)], forbidden: &[&str], required: &[&str]) {
    for (name, value) in expected {
        let actual = crate::rest_json::header_text(headers, name);
        assert_eq!(actual.as_deref(), Some(*value), "header `{name}`");
    }
    for name in forbidden {
        assert!(!headers.contains(name), "header `{name}` is forbidden but present: {headers:?}");
    }
    for name in required {
        assert!(headers.contains(name), "header `{name}` is required: {headers:?}");
    }
}

/// The body is JSON equal to `expected` (member order aside; numbers compared as numbers). An
/// empty expectation means an empty body.
pub fn assert_json_eq(body: &[u8], expected: &str) {
    if expected.trim().is_empty() {
        assert!(body.is_empty(), "expected no body, got {}", String::from_utf8_lossy(body));
        return;
    }
    let actual = crate::json::parse(body)
        .unwrap_or_else(|e| panic!("body is not JSON ({e}): {}", String::from_utf8_lossy(body)));
    let expected_json = crate::json::parse(expected.as_bytes()).expect("the test's expected body is JSON");
    assert!(
        json_eq(&actual, &expected_json),
        "body differs:\n actual: {}\n expected: {expected}",
        String::from_utf8_lossy(body)
    );
}

fn json_eq(a: &crate::json::JsonValue, b: &crate::json::JsonValue) -> bool {
    use crate::json::JsonValue as J;
    match (a, b) {
        (J::Number(x), J::Number(y)) => x == y || x.parse::<f64>().ok() == y.parse::<f64>().ok(),
        (J::Array(x), J::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(x, y)| json_eq(x, y)),
        (J::Object(x), J::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| b.get(k).is_some_and(|w| json_eq(v, w)))
        }
        _ => a == b,
    }
}

/// The body is CBOR equal to the base64-encoded `expected` (map order aside; floats compared as
/// numbers, whatever their width, and integers equal to floats of the same value). An empty
/// expectation means an empty body.
#[cfg(feature = "cbor")]
pub fn assert_cbor_eq(body: &[u8], expected: &str) {
    let expected = crate::primitives::base64::decode(expected.trim()).expect("the test's expected body is base64");
    if expected.is_empty() {
        assert!(body.is_empty(), "expected no body, got {body:02x?}");
        return;
    }
    let actual = crate::cbor::parse(body).unwrap_or_else(|e| panic!("body is not CBOR ({e}): {body:02x?}"));
    let expected = crate::cbor::parse(&expected).expect("the test's expected body is CBOR");
    assert!(cbor_eq(&actual, &expected), "body differs:\n actual: {actual:?}\n expected: {expected:?}");
}

#[cfg(feature = "cbor")]
fn cbor_eq(a: &crate::cbor::CborValue, b: &crate::cbor::CborValue) -> bool {
    use crate::cbor::CborValue as C;
    match (a, b) {
        (C::Float(x), C::Float(y)) => x == y || (x.is_nan() && y.is_nan()),
        (C::Integer(n), C::Float(f)) | (C::Float(f), C::Integer(n)) => *n as f64 == *f,
        (C::Array(x), C::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(x, y)| cbor_eq(x, y)),
        (C::Map(x), C::Map(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.iter().any(|(l, w)| cbor_eq(k, l) && cbor_eq(v, w)))
        }
        (C::Tag(t, x), C::Tag(u, y)) => t == u && cbor_eq(x, y),
        _ => a == b,
    }
}

/// `actual == expected`, except that NaN floats (never equal to themselves) match when the two
/// print the same.
pub fn assert_same<T: PartialEq + std::fmt::Debug>(actual: &T, expected: &T) {
    if actual == expected {
        return;
    }
    let (a, e) = (format!("{actual:?}"), format!("{expected:?}"));
    assert!(a == e && a.contains("NaN"), "values differ:\n actual: {a}\n expected: {e}");
}
