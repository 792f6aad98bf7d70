//! restJson1 helpers shared by the generated serializers and deserializers: error
//! identification, query strings, header text and non-numeric floats.

use std::collections::HashMap;

use crate::error::ErrorMetadata;
use crate::http::{Headers, HttpResponse};
use crate::json::{JsonError, JsonValue};

/// The error code of an error response: the `X-Amzn-Errortype` header, else the body's `code`,
/// else its `__type`, sanitized (see [`crate::error::sanitize_error_code`]).
pub fn error_code(response: &HttpResponse, body: Option<&JsonValue>) -> Option<String> {
    let from_body = |key: &str| {
        body.and_then(|b| b.get(key)).and_then(|v| match v {
            JsonValue::String(s) => Some(s.as_str()),
            _ => None,
        })
    };
    let raw = response.headers.get("x-amzn-errortype").or_else(|| from_body("code")).or_else(|| from_body("__type"))?;
    let code = crate::error::sanitize_error_code(raw);
    (!code.is_empty()).then(|| code.to_owned())
}

/// Error metadata of a response: code, message (`message`, `Message` or `errorMessage` in the
/// body), request id (`x-amzn-requestid`) and status.
pub fn error_metadata(response: &HttpResponse, body: Option<&JsonValue>) -> ErrorMetadata {
    let mut meta = ErrorMetadata::builder().status(response.status);
    if let Some(code) = error_code(response, body) {
        meta = meta.code(code);
    }
    let message = ["message", "Message", "errorMessage"].iter().find_map(|key| match body.and_then(|b| b.get(key)) {
        Some(JsonValue::String(s)) => Some(s.clone()),
        _ => None,
    });
    if let Some(message) = message {
        meta = meta.message(message);
    }
    if let Some(id) = response.headers.get("x-amzn-requestid") {
        meta = meta.request_id(id);
    }
    meta.build()
}

/// A response body as JSON; an empty (or all-whitespace) body reads as an empty object.
pub fn parse_body(body: &[u8]) -> Result<JsonValue, JsonError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(JsonValue::Object(Vec::new()));
    }
    crate::json::parse(body)
}

/// Appends `name=value` pairs, percent-encoded, after a `?` (or `&` when the URI has a query).
pub fn push_query(uri: &mut String, pairs: &[(String, String)]) {
    for (name, value) in pairs {
        uri.push(if uri.contains('?') { '&' } else { '?' });
        uri.push_str(&crate::http::encode_query(name));
        uri.push('=');
        uri.push_str(&crate::http::encode_query(value));
    }
}

/// Every value of a header, joined with `, ` as HTTP allows repeated headers to be.
pub fn header_text(headers: &Headers, name: &str) -> Option<String> {
    let mut values = headers.get_all(name);
    let first = values.next()?;
    let mut text = first.to_owned();
    for more in values {
        text.push_str(", ");
        text.push_str(more);
    }
    Some(text)
}

/// The headers whose names start with `prefix` (case-insensitively), keyed by the rest.
pub fn prefix_headers(headers: &Headers, prefix: &str) -> HashMap<String, String> {
    headers
        .iter()
        .filter_map(|(name, value)| {
            let head = name.get(..prefix.len())?;
            head.eq_ignore_ascii_case(prefix).then(|| (name[prefix.len()..].to_owned(), value.to_owned()))
        })
        .collect()
}

/// A float as restJson1 writes it outside JSON: `NaN`, `Infinity`, `-Infinity`, or the number.
pub fn float_text(value: f64) -> String {
    if value.is_nan() {
        "NaN".to_owned()
    } else if value.is_infinite() {
        if value > 0.0 { "Infinity" } else { "-Infinity" }.to_owned()
    } else {
        value.to_string()
    }
}

/// [`float_text`] for an `f32`, printed as the shortest text of the `f32` itself (`4.1`, not the
/// `4.099999904632568` of its widening to `f64`).
pub fn f32_text(value: f32) -> String {
    if value.is_finite() {
        value.to_string()
    } else {
        float_text(f64::from(value))
    }
}

/// Parses [`float_text`]'s forms (and any number Rust accepts).
pub fn parse_float(text: &str) -> Result<f64, String> {
    match text.trim() {
        "NaN" => Ok(f64::NAN),
        "Infinity" => Ok(f64::INFINITY),
        "-Infinity" => Ok(f64::NEG_INFINITY),
        other => other.parse().map_err(|e| format!("`{other}` is not a number: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitizes_error_codes_as_the_spec_says() {
        for raw in [
            "FooError",
            "FooError:http://internal.amazon.com/coral/com.amazon.coral.validate/",
            "aws.protocoltests.restjson#FooError",
            "aws.protocoltests.restjson#FooError:http://internal.amazon.com/coral/com.amazon.coral.validate/",
        ] {
            assert_eq!(crate::error::sanitize_error_code(raw), "FooError", "{raw}");
        }
    }

    #[test]
    fn error_code_prefers_the_header_then_code_then_type() {
        let body = crate::json::parse(br#"{"code": "FromCode", "__type": "ns#FromType", "Message": "m"}"#).unwrap();
        let mut headers = Headers::new();
        headers.insert("X-Amzn-Errortype", "FromHeader");
        headers.insert("x-amzn-requestid", "req");
        let with_header = HttpResponse::new(400, headers, Vec::new());
        assert_eq!(error_code(&with_header, Some(&body)).as_deref(), Some("FromHeader"));
        let bare = HttpResponse::new(400, Headers::new(), Vec::new());
        assert_eq!(error_code(&bare, Some(&body)).as_deref(), Some("FromCode"));
        let type_only = crate::json::parse(br#"{"__type": "ns#FromType:extra"}"#).unwrap();
        assert_eq!(error_code(&bare, Some(&type_only)).as_deref(), Some("FromType"));
        assert_eq!(error_code(&bare, None), None);

        let meta = error_metadata(&with_header, Some(&body));
        assert_eq!((meta.code(), meta.message(), meta.request_id()), (Some("FromHeader"), Some("m"), Some("req")));
        assert_eq!(meta.status(), Some(400));
    }

    #[test]
    fn query_headers_and_floats() {
        let mut uri = "/p?fixed=1".to_owned();
        push_query(&mut uri, &[("a b".into(), "c&d".into()), ("e".into(), String::new())]);
        assert_eq!(uri, "/p?fixed=1&a%20b=c%26d&e=");
        let mut headers = Headers::new();
        headers.append("X-List", "a");
        headers.append("x-list", "b");
        headers.append("X-Meta-One", "1");
        assert_eq!(header_text(&headers, "x-LIST").as_deref(), Some("a, b"));
        assert_eq!(prefix_headers(&headers, "x-meta-"), HashMap::from([("One".to_owned(), "1".to_owned())]));
        assert_eq!(f32_text(4.1), "4.1");
        assert_eq!(f32_text(f32::NEG_INFINITY), "-Infinity");
        for f in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 1.5, -0.25] {
            let back = parse_float(&float_text(f)).unwrap();
            assert!(back == f || (back.is_nan() && f.is_nan()));
        }
        assert!(parse_float("nope").is_err());
        assert_eq!(parse_body(b"  ").unwrap(), JsonValue::Object(Vec::new()));
    }
}
