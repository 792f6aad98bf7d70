//! restJson1 helpers shared by the generated serializers and deserializers: error
//! identification, query strings, header text and non-numeric floats.

use std::borrow::Cow;
use std::collections::HashMap;

use crate::error::ErrorMetadata;
use crate::http::{Headers, HttpResponse};
use crate::json::{JsonError, JsonReader};

/// The members of a JSON error body that its metadata comes from.
#[derive(Debug, Default)]
struct ErrorMembers<'a> {
    code: Option<Cow<'a, str>>,
    type_: Option<Cow<'a, str>>,
    message: Option<Cow<'a, str>>,
}

/// Reads the top-level string members `code`, `__type` and the message (`message`, `Message`
/// or `errorMessage`, first found) of an error body, skipping the rest; a body that is not a
/// JSON object gives whatever was read before it went wrong.
fn error_members(body: &[u8]) -> ErrorMembers<'_> {
    let mut members = ErrorMembers::default();
    let mut r = JsonReader::body(body);
    let _ = (|| -> Result<(), JsonError> {
        r.begin_object()?;
        while let Some(key) = r.next_key()? {
            let slot = match &*key {
                "code" => &mut members.code,
                "__type" => &mut members.type_,
                "message" | "Message" | "errorMessage" if members.message.is_none() => &mut members.message,
                _ => {
                    r.skip()?;
                    continue;
                }
            };
            match r.str() {
                Ok(text) => *slot = Some(text),
                // Not a string: not a code or message.
                Err(_) => r.skip()?,
            }
        }
        Ok(())
    })();
    members
}

/// The error code of an error response: the `X-Amzn-Errortype` header, else the body's `code`,
/// else its `__type`, sanitized (see [`crate::error::sanitize_error_code`]).
fn error_code(response: &HttpResponse, members: &ErrorMembers<'_>) -> Option<String> {
    let raw = response.headers.get("x-amzn-errortype").or(members.code.as_deref()).or(members.type_.as_deref())?;
    let code = crate::error::sanitize_error_code(raw);
    (!code.is_empty()).then(|| code.to_owned())
}

/// Error metadata of a response: code, message (`message`, `Message` or `errorMessage` in the
/// body), request id (`x-amzn-requestid`) and status.
pub fn error_metadata(response: &HttpResponse) -> ErrorMetadata {
    let members = error_members(&response.body);
    let mut meta = ErrorMetadata::builder().status(response.status);
    if let Some(code) = error_code(response, &members) {
        meta = meta.code(code);
    }
    if let Some(message) = members.message {
        meta = meta.message(message.into_owned());
    }
    if let Some(id) = response.headers.get("x-amzn-requestid") {
        meta = meta.request_id(id);
    }
    meta.build()
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
        let body = br#"{"code": "FromCode", "skipped": [{"code": "Nested"}], "__type": "ns#FromType", "Message": "m"}"#;
        let mut headers = Headers::new();
        headers.insert("X-Amzn-Errortype", "FromHeader");
        headers.insert("x-amzn-requestid", "req");
        let with_header = HttpResponse::new(400, headers, body.to_vec());
        let meta = error_metadata(&with_header);
        assert_eq!((meta.code(), meta.message(), meta.request_id()), (Some("FromHeader"), Some("m"), Some("req")));
        assert_eq!(meta.status(), Some(400));
        let code = |body: &[u8]| {
            error_metadata(&HttpResponse::new(400, Headers::new(), body.to_vec())).code().map(str::to_owned)
        };
        assert_eq!(code(body).as_deref(), Some("FromCode"));
        assert_eq!(code(br#"{"__type": "ns#FromType:extra"}"#).as_deref(), Some("FromType"));
        // A code that is not a string is no code; the `__type` after it still counts.
        assert_eq!(code(br#"{"code": 5, "__type": "T"}"#).as_deref(), Some("T"));
        assert_eq!(code(b""), None);
        assert_eq!(code(b"<html>"), None);
        // What was read before the body went wrong is kept.
        assert_eq!(code(br#"{"__type": "T", "x": tru"#).as_deref(), Some("T"));
        let message = |body: &[u8]| {
            error_metadata(&HttpResponse::new(400, Headers::new(), body.to_vec())).message().map(str::to_owned)
        };
        assert_eq!(message(br#"{"message": "first", "Message": "second"}"#).as_deref(), Some("first"));
        assert_eq!(message(br#"{"errorMessage": "e\u00e9"}"#).as_deref(), Some("eé"));
    }

    #[test]
    fn query_and_headers() {
        let mut uri = "/p?fixed=1".to_owned();
        push_query(&mut uri, &[("a b".into(), "c&d".into()), ("e".into(), String::new())]);
        assert_eq!(uri, "/p?fixed=1&a%20b=c%26d&e=");
        let mut headers = Headers::new();
        headers.append("X-List", "a");
        headers.append("x-list", "b");
        headers.append("X-Meta-One", "1");
        assert_eq!(header_text(&headers, "x-LIST").as_deref(), Some("a, b"));
        assert_eq!(prefix_headers(&headers, "x-meta-"), HashMap::from([("One".to_owned(), "1".to_owned())]));
    }
}
