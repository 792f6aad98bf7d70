//! The HTTP side of the HTTP-binding protocols such as `restJson1`: plain
//! request and response values ([`HttpRequest`], [`HttpResponse`], [`Headers`])
//! that the protocol layer builds and reads without doing any I/O, plus the
//! encodings the Smithy HTTP binding traits call for: percent-encoding of URI
//! labels and query strings, header lists, and idempotency tokens.
//!
//! Everything here is implemented with the standard library only and never
//! panics on any input.

use std::borrow::Cow;
use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hash, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::byte_stream::ByteStream;

// ---------------------------------------------------------------------------
// Headers
// ---------------------------------------------------------------------------

/// Header names are case-insensitive; values are kept in insertion order.
///
/// Names keep the spelling they were added with. A name may have several
/// values, each kept as a separate entry. A name given as a `&'static str` is kept without a
/// copy: most are the protocol's own constants, set on every request.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Headers {
    entries: Vec<(Cow<'static, str>, String)>,
}

impl Headers {
    /// Creates an empty header map.
    pub fn new() -> Self {
        Headers::default()
    }

    /// Sets `name` to `value`, replacing every existing value of that name.
    ///
    /// The new entry takes the place of the first existing one, so replacing
    /// a header does not move it.
    pub fn insert(&mut self, name: impl Into<Cow<'static, str>>, value: impl Into<String>) {
        let name = name.into();
        let value = value.into();
        let mut first = None;
        let mut index = 0;
        self.entries.retain(|(existing, _)| {
            let keep = if existing.eq_ignore_ascii_case(&name) {
                // Keep the first match as the slot for the new value.
                let is_first = first.is_none();
                if is_first {
                    first = Some(index);
                }
                is_first
            } else {
                true
            };
            index += 1;
            keep
        });
        // No entry before the first match was removed, so its index still holds.
        match first.and_then(|index| self.entries.get_mut(index)) {
            Some(entry) => *entry = (name, value),
            None => self.entries.push((name, value)),
        }
    }

    /// Adds a value for `name`, keeping any existing values.
    pub fn append(&mut self, name: impl Into<Cow<'static, str>>, value: impl Into<String>) {
        self.entries.push((name.into(), value.into()));
    }

    /// Makes room for `additional` more entries.
    pub fn reserve(&mut self, additional: usize) {
        self.entries.reserve(additional);
    }

    /// The first value of `name`, compared case-insensitively.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.entries.iter().find(|(existing, _)| existing.eq_ignore_ascii_case(name)).map(|(_, value)| value.as_str())
    }

    /// Every value of `name` in insertion order, compared case-insensitively.
    pub fn get_all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.entries
            .iter()
            .filter(move |(existing, _)| existing.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    /// Whether `name` has at least one value.
    pub fn contains(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// Removes every value of `name`.
    pub fn remove(&mut self, name: &str) {
        self.entries.retain(|(existing, _)| !existing.eq_ignore_ascii_case(name));
    }

    /// Every `(name, value)` entry in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> + '_ {
        self.entries.iter().map(|(name, value)| (&**name, value.as_str()))
    }

    /// The number of entries (a name with two values counts twice).
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

// ---------------------------------------------------------------------------
// Requests and responses
// ---------------------------------------------------------------------------

/// An HTTP request as the protocol layer builds it: no I/O.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpRequest {
    /// The method, e.g. `GET`.
    pub method: String,
    /// Path and query, e.g. `/ota-tasks/abc?x=1` (no scheme/host; the transport adds the endpoint).
    pub uri: String,
    /// The request headers.
    pub headers: Headers,
    /// The request body (empty when there is none).
    pub body: Vec<u8>,
}

impl HttpRequest {
    /// Creates a request with no headers and an empty body.
    pub fn new(method: impl Into<String>, uri: impl Into<String>) -> Self {
        HttpRequest { method: method.into(), uri: uri.into(), headers: Headers::new(), body: Vec::new() }
    }

    /// The path: the URI up to the `?`, still percent-encoded.
    pub fn path(&self) -> &str {
        self.uri.split_once('?').map_or(&self.uri, |(path, _)| path)
    }

    /// The raw query string after the `?`, if there is a `?`.
    pub fn query(&self) -> Option<&str> {
        self.uri.split_once('?').map(|(_, query)| query)
    }

    /// The decoded (name, value) pairs of the query string, in order.
    ///
    /// Pairs are separated by `&`; a pair without `=` has an empty value and
    /// empty pairs are skipped. Names and values are percent-decoded with
    /// [`percent_decode`] (`+` is not treated as a space).
    pub fn query_params(&self) -> Vec<(String, String)> {
        self.query()
            .unwrap_or_default()
            .split('&')
            .filter(|pair| !pair.is_empty())
            .map(|pair| {
                let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
                (percent_decode(name), percent_decode(value))
            })
            .collect()
    }
}

/// An HTTP response handed to the protocol layer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpResponse {
    /// The status code, e.g. `200`.
    pub status: u16,
    /// The response headers.
    pub headers: Headers,
    /// The complete response body.
    pub body: Vec<u8>,
}

impl HttpResponse {
    /// Creates a response from its parts.
    pub fn new(status: u16, headers: Headers, body: impl Into<Vec<u8>>) -> Self {
        HttpResponse { status, headers, body: body.into() }
    }
}

/// A response whose body is still to be read, from the client feature's
/// `HttpClient::call_streaming`: for `@streaming` output members, whose bodies are not held in
/// memory.
#[derive(Debug)]
pub struct StreamingResponse {
    /// The status code, e.g. `200`.
    pub status: u16,
    /// The response headers.
    pub headers: Headers,
    /// The body, read as it is polled.
    pub body: ByteStream,
}

// ---------------------------------------------------------------------------
// Percent-encoding
// ---------------------------------------------------------------------------

const UPPER_HEX: &[u8; 16] = b"0123456789ABCDEF";

/// RFC 3986 unreserved characters: never percent-encoded.
fn is_unreserved(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~')
}

/// Percent-encodes every byte but the unreserved ones (and `/` with `keep_slash`) as `%XX`
/// (uppercase hex): the one encoder of the runtime, for URIs, query strings, SigV4's
/// canonical request and the endpoint rules' `uriEncode`.
pub fn percent_encode(bytes: &[u8], keep_slash: bool) -> String {
    let mut out = String::with_capacity(bytes.len());
    push_percent_encoded(&mut out, bytes, keep_slash);
    out
}

/// [`percent_encode`] onto the end of `out`.
pub(crate) fn push_percent_encoded(out: &mut String, bytes: &[u8], keep_slash: bool) {
    for &byte in bytes {
        if is_unreserved(byte) || (keep_slash && byte == b'/') {
            out.push(char::from(byte));
        } else {
            out.push('%');
            out.push(char::from(UPPER_HEX[usize::from(byte >> 4)]));
            out.push(char::from(UPPER_HEX[usize::from(byte & 0x0f)]));
        }
    }
}

/// Percent-encodes a URI label (`@httpLabel`): every byte of the UTF-8 except
/// the RFC 3986 unreserved characters `A-Z a-z 0-9 - . _ ~` becomes `%XX`
/// (uppercase hex), so `/` is encoded as `%2F`.
pub fn encode_label(value: &str) -> String {
    percent_encode(value.as_bytes(), false)
}

/// Percent-encodes a greedy URI label (`{key+}`): like [`encode_label`] but
/// `/` is kept, since greedy labels span path segments.
pub fn encode_greedy_label(value: &str) -> String {
    percent_encode(value.as_bytes(), true)
}

/// Percent-encodes a query string name or value: like [`encode_label`], so
/// space becomes `%20` (never `+`) and `&`, `=`, `+` and `/` are encoded.
pub fn encode_query(value: &str) -> String {
    percent_encode(value.as_bytes(), false)
}

/// The value of a hex digit (either case).
pub(crate) fn hex_value(byte: u8) -> Option<u8> {
    char::from(byte).to_digit(16).and_then(|digit| u8::try_from(digit).ok())
}

/// Decodes `%XX` sequences (either case of hex digits).
///
/// A `%` not followed by two hex digits is kept as is, `+` stays `+`, and
/// bytes that do not form UTF-8 become U+FFFD.
pub fn percent_decode(value: &str) -> String {
    if !value.contains('%') {
        return value.to_owned();
    }
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while let Some(&byte) = bytes.get(index) {
        if byte == b'%' {
            let high = bytes.get(index + 1).copied().and_then(hex_value);
            let low = bytes.get(index + 2).copied().and_then(hex_value);
            if let (Some(high), Some(low)) = (high, low) {
                out.push((high << 4) | low);
                index += 3;
                continue;
            }
        }
        out.push(byte);
        index += 1;
    }
    match String::from_utf8(out) {
        Ok(text) => text,
        Err(err) => String::from_utf8_lossy(err.as_bytes()).into_owned(),
    }
}

// ---------------------------------------------------------------------------
// Header lists
// ---------------------------------------------------------------------------

/// Optional whitespace around header list items (RFC 9110 `OWS`).
const OWS: [char; 2] = [' ', '\t'];

/// Header list values per the HTTP bindings spec: join items with ", ", quoting an item (with `"` and `\` escaped) when it contains a comma or a double quote or leading/trailing whitespace.
///
/// Empty items are quoted too (`""`), so that [`split_header_list`], which
/// skips empty unquoted items as RFC 9110 asks, gives them back.
pub fn join_header_list<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    let mut out = String::new();
    for (index, item) in items.into_iter().enumerate() {
        if index > 0 {
            out.push_str(", ");
        }
        let needs_quotes = item.is_empty()
            || item.contains([',', '"'])
            || item.starts_with(char::is_whitespace)
            || item.ends_with(char::is_whitespace);
        if needs_quotes {
            out.push('"');
            for c in item.chars() {
                if c == '"' || c == '\\' {
                    out.push('\\');
                }
                out.push(c);
            }
            out.push('"');
        } else {
            out.push_str(item);
        }
    }
    out
}

/// Splits a header list value into items: commas separate items, quoted items are unquoted/unescaped, items trimmed.
///
/// An item that starts with `"` is read up to the closing quote, with `\`
/// escaping the next character; anything between the closing quote and the
/// next comma is ignored, and a missing closing quote ends the item at the end
/// of the value. Empty unquoted items are skipped (`a,,b` is two items), so an
/// empty value has no items.
pub fn split_header_list(value: &str) -> Vec<String> {
    let mut items = Vec::new();
    let mut rest = value;
    loop {
        rest = rest.trim_start_matches(OWS);
        if let Some(quoted) = rest.strip_prefix('"') {
            let mut item = String::new();
            let mut chars = quoted.char_indices();
            let mut after = "";
            while let Some((index, c)) = chars.next() {
                match c {
                    '\\' => {
                        if let Some((_, escaped)) = chars.next() {
                            item.push(escaped);
                        }
                    }
                    '"' => {
                        after = quoted.get(index + 1..).unwrap_or_default();
                        break;
                    }
                    _ => item.push(c),
                }
            }
            items.push(item);
            match after.split_once(',') {
                Some((_, next)) => rest = next,
                None => break,
            }
        } else {
            let (item, next) = match rest.split_once(',') {
                Some((item, next)) => (item, Some(next)),
                None => (rest, None),
            };
            let item = item.trim_end_matches(OWS);
            if !item.is_empty() {
                items.push(item.to_owned());
            }
            match next {
                Some(next) => rest = next,
                None => break,
            }
        }
    }
    items
}

/// Splits a list of http-date timestamps (each contains one comma: `Mon, 16 Dec 2019 23:48:18 GMT, Tue, 17 Dec 2019 23:48:18 GMT`).
///
/// A comma-separated piece that is a three-letter day name is joined with
/// the piece after it; other pieces stand alone, and empty pieces are skipped.
pub fn split_http_date_list(value: &str) -> Vec<String> {
    let mut items = Vec::new();
    let mut pieces = value.split(',').map(|piece| piece.trim_matches(OWS));
    while let Some(piece) = pieces.next() {
        if piece.is_empty() {
            continue;
        }
        let is_day_name = piece.len() == 3 && piece.bytes().all(|b| b.is_ascii_alphabetic());
        if is_day_name {
            if let Some(date) = pieces.next() {
                items.push(format!("{piece}, {date}"));
                continue;
            }
        }
        items.push(piece.to_owned());
    }
    items
}

// ---------------------------------------------------------------------------
// Idempotency tokens
// ---------------------------------------------------------------------------

/// A fresh random UUID v4 string for `@idempotencyToken` members (std only: seed from `std::collections::hash_map::RandomState` + time + a counter; not cryptographic, unique in practice).
///
/// The result looks like `0b0e6b8f-5d2c-4c43-9a5e-8f3d5a8e1c27`: lowercase
/// hex with the version (`4`) and variant (`8`-`b`) digits set.
pub fn new_idempotency_token() -> String {
    #[cfg(feature = "test-util")]
    if let Some(token) = crate::protocol_test_util::FIXED_IDEMPOTENCY_TOKEN.with(|t| t.borrow().clone()) {
        return token;
    }
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let count = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |elapsed| elapsed.as_nanos());
    // Every `RandomState` has fresh keys: random per thread, then incremented.
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u64(count);
    hasher.write_u128(nanos);
    std::thread::current().id().hash(&mut hasher);
    let high = hasher.finish();
    hasher.write_u64(high);
    let low = hasher.finish();
    let mut bits = (u128::from(high) << 64) | u128::from(low);
    // Version 4 (random) in bits 76-79, RFC 4122 variant `10` in bits 62-63.
    bits = (bits & !(0xf << 76)) | (0x4 << 76);
    bits = (bits & !(0x3 << 62)) | (0x2 << 62);
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        bits >> 96,
        (bits >> 80) & 0xffff,
        (bits >> 64) & 0xffff,
        (bits >> 48) & 0xffff,
        bits & 0xffff_ffff_ffff
    )
}

// ---------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------

/// What an operation's checksum traits ask of its requests and responses
/// (`aws.protocols#httpChecksum`, `@httpChecksumRequired`); the `checksum` feature acts on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChecksumSettings {
    /// Flexible checksums (`x-amz-checksum-*`); otherwise only `Content-MD5`, when required.
    pub flexible: bool,
    /// The request must carry a checksum.
    pub required: bool,
    /// The header of the input member naming the caller's algorithm.
    pub request_algorithm_header: Option<&'static str>,
    /// The header of the input member that asks for response validation (`ENABLED`).
    pub response_mode_header: Option<&'static str>,
    /// The algorithms whose response checksums are validated.
    pub response_algorithms: &'static [&'static str],
    /// Glacier's `X-Amz-Content-Sha256` and `X-Amz-Sha256-Tree-Hash` (its uploads).
    pub glacier_tree_hash: bool,
}

/// When requests get a checksum the operation does not require (`AWS_REQUEST_CHECKSUM_CALCULATION`
/// and `request_checksum_calculation` in the shared config file, as AWS SDKs read them).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum RequestChecksumCalculation {
    /// Whenever the operation supports one (AWS SDKs' default).
    #[default]
    WhenSupported,
    /// Only when the operation requires one.
    WhenRequired,
}

/// When responses' checksums are validated (`AWS_RESPONSE_CHECKSUM_VALIDATION`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ResponseChecksumValidation {
    /// Whenever the operation supports it: its validation mode is set to `ENABLED` unless the
    /// caller set it (AWS SDKs' default).
    #[default]
    WhenSupported,
    /// Only when the caller set the validation mode to `ENABLED`.
    WhenRequired,
}

/// An endpoint URL's scheme, authority (host and port) and path.
pub fn split_endpoint_url(url: &str) -> Result<(&str, &str, &str), String> {
    let (scheme, rest) = url.split_once("://").ok_or_else(|| format!("endpoint URL `{url}` has no scheme"))?;
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    if authority.is_empty() {
        return Err(format!("endpoint URL `{url}` has no host"));
    }
    Ok((scheme, authority, path))
}

/// A request's path and query (`uri`) under an endpoint's path (`base`): `/base` + `/op` is
/// `/base/op`; the root adds nothing (`/bucket`, not `/bucket/`, for S3's path style), and an
/// endpoint without a path leaves `uri` as it is (borrowed).
pub fn join_endpoint_path<'u>(base: &str, uri: &'u str) -> Cow<'u, str> {
    let base = base.trim_end_matches('/');
    if base.is_empty() {
        return Cow::Borrowed(uri);
    }
    let rest = uri.strip_prefix('/').unwrap_or(uri);
    Cow::Owned(if rest.is_empty() || rest.starts_with('?') { format!("{base}{rest}") } else { format!("{base}{uri}") })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn headers_are_case_insensitive() {
        let mut headers = Headers::new();
        assert!(headers.is_empty());
        headers.insert("Content-Type", "application/json");
        headers.append("X-Amz-Meta", "a");
        headers.append("x-amz-meta", "b");
        headers.append("Other", "c");
        assert_eq!(headers.len(), 4);
        assert!(!headers.is_empty());
        assert_eq!(headers.get("content-type"), Some("application/json"));
        assert_eq!(headers.get("CONTENT-TYPE"), Some("application/json"));
        assert_eq!(headers.get("x-amz-meta"), Some("a"));
        assert_eq!(headers.get_all("X-AMZ-META").collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(headers.get("missing"), None);
        assert_eq!(headers.get_all("missing").count(), 0);
        assert!(headers.contains("other"));
        assert!(!headers.contains("missing"));
        assert_eq!(
            headers.iter().collect::<Vec<_>>(),
            [("Content-Type", "application/json"), ("X-Amz-Meta", "a"), ("x-amz-meta", "b"), ("Other", "c")]
        );

        // Insert replaces every value in place of the first one.
        headers.insert("X-AMZ-META", "z");
        assert_eq!(
            headers.iter().collect::<Vec<_>>(),
            [("Content-Type", "application/json"), ("X-AMZ-META", "z"), ("Other", "c")]
        );
        headers.insert("New", "n");
        assert_eq!(headers.iter().last(), Some(("New", "n")));

        headers.remove("x-amz-meta");
        headers.remove("not-there");
        assert_eq!(headers.len(), 3);
        assert_eq!(headers.get("X-Amz-Meta"), None);
        headers.remove("content-type");
        headers.remove("other");
        headers.remove("NEW");
        assert!(headers.is_empty());
        assert_eq!(headers, Headers::default());
    }

    #[test]
    fn request_parts() {
        let mut request = HttpRequest::new("GET", "/ota-tasks/a%2Fb?x=1&y=a%20b+c&flag&&empty=&x=2&k%3D=v%3D%26");
        request.headers.insert("Accept", "application/json");
        assert_eq!(request.method, "GET");
        assert_eq!(request.path(), "/ota-tasks/a%2Fb");
        assert_eq!(request.query(), Some("x=1&y=a%20b+c&flag&&empty=&x=2&k%3D=v%3D%26"));
        let pairs = |items: &[(&str, &str)]| -> Vec<(String, String)> {
            items.iter().map(|&(n, v)| (n.to_string(), v.to_string())).collect()
        };
        assert_eq!(
            request.query_params(),
            pairs(&[("x", "1"), ("y", "a b+c"), ("flag", ""), ("empty", ""), ("x", "2"), ("k=", "v=&")])
        );
        assert!(request.body.is_empty());

        let bare = HttpRequest::new("POST", "/things");
        assert_eq!(bare.path(), "/things");
        assert_eq!(bare.query(), None);
        assert!(bare.query_params().is_empty());
        let empty_query = HttpRequest::new("POST", "/things?");
        assert_eq!(empty_query.path(), "/things");
        assert_eq!(empty_query.query(), Some(""));
        assert!(empty_query.query_params().is_empty());
        assert_eq!(bare.clone(), bare);

        let response = HttpResponse::new(200, Headers::new(), "{}");
        assert_eq!(response.status, 200);
        assert_eq!(response.body, b"{}");
        assert!(response.headers.is_empty());
        assert_eq!(HttpResponse::new(404, Headers::new(), vec![1, 2]).body, [1, 2]);
    }

    #[test]
    fn percent_encoding() {
        assert_eq!(encode_label("abcXYZ019-._~"), "abcXYZ019-._~");
        assert_eq!(encode_label("a b/c"), "a%20b%2Fc");
        assert_eq!(encode_greedy_label("a b/c/d"), "a%20b/c/d");
        assert_eq!(encode_label("é😀"), "%C3%A9%F0%9F%98%80");
        assert_eq!(encode_query("1985-04-12T23:20:50.52Z"), "1985-04-12T23%3A20%3A50.52Z");
        assert_eq!(encode_query("a+b c&d=e/f?g#h%"), "a%2Bb%20c%26d%3De%2Ff%3Fg%23h%25");
        assert_eq!(encode_label(""), "");
        assert_eq!(encode_label("!$'()*,;:@[]"), "%21%24%27%28%29%2A%2C%3B%3A%40%5B%5D");
        // Every ASCII character except the unreserved ones is encoded.
        for byte in 0u8..0x80 {
            let text = char::from(byte).to_string();
            let encoded = encode_label(&text);
            if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
                assert_eq!(encoded, text);
            } else {
                assert_eq!(encoded, format!("%{byte:02X}"));
            }
            assert_eq!(percent_decode(&encoded), text);
        }
    }

    #[test]
    fn percent_decoding() {
        assert_eq!(percent_decode("plain"), "plain");
        assert_eq!(percent_decode("a%20b+c"), "a b+c");
        assert_eq!(percent_decode("%c3%a9%C3%A9"), "éé");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%4"), "%4");
        assert_eq!(percent_decode("%zz%2"), "%zz%2");
        assert_eq!(percent_decode("%%41"), "%A");
        assert_eq!(percent_decode("%FF"), "\u{FFFD}");
        assert_eq!(percent_decode("a%C3"), "a\u{FFFD}");
        assert_eq!(percent_decode("é%41"), "éA");
        let text = "a/b c?d=é😀&%+~";
        assert_eq!(percent_decode(&encode_label(text)), text);
        assert_eq!(percent_decode(&encode_greedy_label(text)), text);
        assert_eq!(percent_decode(&encode_query(text)), text);
    }

    #[test]
    fn header_lists() {
        let items = ["a", "b,c", "\"quoted\"", " a", "b ", "", "back\\slash", "x\"y\\z"];
        let joined = join_header_list(items);
        assert_eq!(joined, r#"a, "b,c", "\"quoted\"", " a", "b ", "", back\slash, "x\"y\\z""#);
        assert_eq!(split_header_list(&joined), items);
        assert_eq!(join_header_list(["a", "b", "c"]), "a, b, c");
        assert_eq!(join_header_list(Vec::<&str>::new()), "");
        let owned = [String::from("x"), String::from("y")];
        assert_eq!(join_header_list(owned.iter().map(String::as_str)), "x, y");

        assert_eq!(split_header_list("a,b , \tc"), ["a", "b", "c"]);
        assert_eq!(split_header_list(""), Vec::<String>::new());
        assert_eq!(split_header_list(" , ,"), Vec::<String>::new());
        assert_eq!(split_header_list("a,,b,"), ["a", "b"]);
        assert_eq!(split_header_list("1, 2, 3"), ["1", "2", "3"]);
        assert_eq!(split_header_list(r#""a\"b", c"#), ["a\"b", "c"]);
        assert_eq!(split_header_list(r#""a,b""#), ["a,b"]);
        assert_eq!(split_header_list(r#""""#), [""]);
        assert_eq!(split_header_list(r#"  "x"  ,y"#), ["x", "y"]);
        assert_eq!(split_header_list(r#""x" junk, y"#), ["x", "y"]);
        assert_eq!(split_header_list(r#""unterminated, x"#), ["unterminated, x"]);
        assert_eq!(split_header_list(r#""trailing\"#), ["trailing"]);
        assert_eq!(split_header_list("a b, c"), ["a b", "c"]);
        assert_eq!(split_header_list("é, 😀"), ["é", "😀"]);
    }

    #[test]
    fn header_list_round_trips() {
        let alphabet = ["a", " ", "\t", ",", "\"", "\\", "é", "😀", "x", "", "=", ";"];
        let mut state: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = |bound: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % bound as u64) as usize
        };
        for _ in 0..5_000 {
            let items: Vec<String> =
                (0..next(5)).map(|_| (0..next(6)).map(|_| alphabet[next(alphabet.len())]).collect()).collect();
            let joined = join_header_list(items.iter().map(String::as_str));
            assert_eq!(split_header_list(&joined), items, "{joined:?}");
            let _ = split_http_date_list(&joined);
            let _ = percent_decode(&joined);
        }
    }

    #[test]
    fn http_date_lists() {
        assert_eq!(
            split_http_date_list("Mon, 16 Dec 2019 23:48:18 GMT, Tue, 17 Dec 2019 23:48:18 GMT"),
            ["Mon, 16 Dec 2019 23:48:18 GMT", "Tue, 17 Dec 2019 23:48:18 GMT"]
        );
        assert_eq!(split_http_date_list("Mon, 16 Dec 2019 23:48:18 GMT"), ["Mon, 16 Dec 2019 23:48:18 GMT"]);
        assert_eq!(
            split_http_date_list("  Mon,16 Dec 2019 23:48:18 GMT ,Tue,  17 Dec 2019 23:48:18 GMT,"),
            ["Mon, 16 Dec 2019 23:48:18 GMT", "Tue, 17 Dec 2019 23:48:18 GMT"]
        );
        assert_eq!(split_http_date_list(""), Vec::<String>::new());
        assert_eq!(split_http_date_list("garbage"), ["garbage"]);
        assert_eq!(split_http_date_list("Mon"), ["Mon"]);
        assert_eq!(split_http_date_list("1576540098, 1576540099"), ["1576540098", "1576540099"]);
    }

    fn assert_uuid_v4(token: &str) {
        assert_eq!(token.len(), 36, "{token}");
        for (index, c) in token.char_indices() {
            match index {
                8 | 13 | 18 | 23 => assert_eq!(c, '-', "{token}"),
                14 => assert_eq!(c, '4', "{token}"),
                19 => assert!("89ab".contains(c), "{token}"),
                _ => assert!(c.is_ascii_digit() || ('a'..='f').contains(&c), "{token}"),
            }
        }
    }

    #[test]
    fn idempotency_tokens_are_unique_uuids() {
        let mut seen = BTreeSet::new();
        for _ in 0..10_000 {
            let token = new_idempotency_token();
            assert_uuid_v4(&token);
            assert!(seen.insert(token));
        }
        let threads: Vec<_> = (0..4)
            .map(|_| std::thread::spawn(|| (0..1_000).map(|_| new_idempotency_token()).collect::<Vec<_>>()))
            .collect();
        for thread in threads {
            for token in thread.join().unwrap() {
                assert_uuid_v4(&token);
                assert!(seen.insert(token));
            }
        }
    }

    #[test]
    fn endpoint_paths_join() {
        assert_eq!(split_endpoint_url("https://h:443/base/"), Ok(("https", "h:443", "/base/")));
        assert!(split_endpoint_url("no-scheme").is_err() && split_endpoint_url("https:///p").is_err());
        assert_eq!(join_endpoint_path("/base/", "/op?x=1"), "/base/op?x=1");
        assert_eq!(join_endpoint_path("/bucket", "/"), "/bucket");
        assert_eq!(join_endpoint_path("/bucket", "/?list-type=2"), "/bucket?list-type=2");
        assert_eq!(join_endpoint_path("", "/"), "/");
    }
}
