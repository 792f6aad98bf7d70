//! Assertions for the protocol tests generated from the model's `smithy.test` cases.

use std::cell::RefCell;

use crate::http::{Headers, HttpRequest};

thread_local! {
    /// The token [`crate::http::new_idempotency_token`] gives on this thread, while set.
    pub(crate) static FIXED_IDEMPOTENCY_TOKEN: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Runs `f` with every `@idempotencyToken` filled in on this thread set to `token`, as the
/// compliance cases expect (`00000000-0000-4000-8000-000000000000`).
pub fn with_idempotency_token<T>(token: &str, f: impl FnOnce() -> T) -> T {
    let previous = FIXED_IDEMPOTENCY_TOKEN.with(|t| t.replace(Some(token.to_owned())));
    // Restored however `f` ends, so a failing test leaves the thread as it found it.
    struct Restore(Option<String>);
    impl Drop for Restore {
        fn drop(&mut self) {
            FIXED_IDEMPOTENCY_TOKEN.with(|t| *t.borrow_mut() = self.0.take());
        }
    }
    let _restore = Restore(previous);
    f()
}

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

/// The request, sent to the endpoint URL `endpoint` as the client sends it, goes to the host
/// `host` (port aside) at the path `path`.
pub fn assert_endpoint(request: &HttpRequest, endpoint: &str, host: &str, path: &str) {
    let (_, authority, base) = crate::http::split_endpoint_url(endpoint).unwrap_or_else(|e| panic!("{e}"));
    let actual_host = authority.rsplit_once(':').map_or(authority, |(h, _)| h);
    assert_eq!(actual_host, host, "host of {endpoint}");
    let joined = crate::http::join_endpoint_path(base, &request.uri);
    let actual_path = joined.split_once('?').map_or(&*joined, |(p, _)| p);
    assert_eq!(actual_path, path, "path at {endpoint}");
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

/// The message has the `expected` headers with those values, none of `forbidden`, and each of
/// `required`.
#[cfg(feature = "event-stream")]
pub fn assert_event_headers(
    message: &crate::event_stream::Message,
    expected: &[(&str, crate::event_stream::HeaderValue)],
    forbidden: &[&str],
    required: &[&str],
) {
    for (name, value) in expected {
        assert_eq!(message.header(name), Some(value), "event header `{name}` of {message:?}");
    }
    for name in forbidden {
        assert!(message.header(name).is_none(), "event header `{name}` is forbidden but present: {message:?}");
    }
    for name in required {
        assert!(message.header(name).is_some(), "event header `{name}` is required: {message:?}");
    }
}

/// Runs `future` to its end on this thread. For the tests' event streams, whose bodies are in
/// memory, so every poll is ready: a future still pending after many polls is a test failure.
pub fn block_on<F: std::future::Future>(future: F) -> F::Output {
    struct NoWake;
    impl std::task::Wake for NoWake {
        fn wake(self: std::sync::Arc<Self>) {}
    }
    let waker = std::task::Waker::from(std::sync::Arc::new(NoWake));
    let mut cx = std::task::Context::from_waker(&waker);
    let mut future = std::pin::pin!(future);
    for _ in 0..1_000_000 {
        if let std::task::Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
    }
    panic!("the future is still pending: nothing in memory should wait")
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

/// The body is XML equal to `expected`, an empty (whitespace-only) expectation meaning an empty
/// body. Both documents are read into trees and compared: element names as written (prefix
/// included), attributes as a set (namespace declarations included), child elements in order,
/// and text exactly, with the indentation of a pretty-printed expectation passed over: text
/// beside child elements is trimmed (and dropped when blank), and an element holding only
/// whitespace with a line break in it (`<a>\n  </a>`) is empty, like `<a></a>` and `<a/>`, while
/// `<a>   </a>` keeps its spaces. The declaration, comments and processing instructions are not
/// compared. A difference panics with both bodies and the path of the first one.
#[cfg(feature = "xml")]
pub fn assert_xml_eq(body: &[u8], expected: &str) {
    if expected.trim().is_empty() {
        assert!(body.is_empty(), "expected no body, got {}", String::from_utf8_lossy(body));
        return;
    }
    let actual =
        xml_tree::parse(body).unwrap_or_else(|e| panic!("body is not XML ({e}): {}", String::from_utf8_lossy(body)));
    let expected_tree = xml_tree::parse(expected.as_bytes())
        .unwrap_or_else(|e| panic!("the test's expected body is not XML ({e}): {expected}"));
    if let Err(difference) = xml_tree::compare(&actual, &expected_tree) {
        panic!("XML body differs {difference}\n actual: {}\n expected: {expected}", String::from_utf8_lossy(body));
    }
}

/// The XML documents [`assert_xml_eq`] compares, as trees.
#[cfg(feature = "xml")]
mod xml_tree {
    use std::fmt::Write as _;

    use crate::xml::{XmlElement, XmlError, XmlReader};

    #[derive(Debug, PartialEq)]
    pub(super) struct Element {
        name: String,
        /// Sorted, so compared as a set (the reader refuses a repeated attribute).
        attributes: Vec<(String, String)>,
        content: Content,
    }

    #[derive(Debug, PartialEq)]
    enum Content {
        /// No child elements: the text, possibly empty.
        Text(String),
        /// Child elements, with the non-blank text beside them, trimmed.
        Mixed(Vec<Item>),
    }

    #[derive(Debug, PartialEq)]
    enum Item {
        Element(Element),
        Text(String),
    }

    fn is_xml_space(c: char) -> bool {
        matches!(c, ' ' | '\t' | '\r' | '\n')
    }

    pub(super) fn parse(input: &[u8]) -> Result<Element, XmlError> {
        let mut reader = XmlReader::new(input);
        let root = reader.root()?;
        let tree = element(&mut reader, &root)?;
        reader.finish()?;
        Ok(tree)
    }

    /// Reads the element just entered; the reader's depth limit bounds the recursion.
    fn element(reader: &mut XmlReader<'_>, start: &XmlElement<'_>) -> Result<Element, XmlError> {
        let mut attributes = start.attributes()?;
        attributes.sort();
        let mut items = Vec::new();
        let mut text = String::new();
        let mut has_children = false;
        loop {
            let child = reader.next_child_with_text(&mut text)?;
            if !text.is_empty() {
                items.push(Item::Text(std::mem::take(&mut text)));
            }
            match child {
                Some(child) => {
                    has_children = true;
                    items.push(Item::Element(element(reader, &child)?));
                }
                None => break,
            }
        }
        let content = if has_children {
            Content::Mixed(
                items
                    .into_iter()
                    .filter_map(|item| match item {
                        Item::Text(text) => {
                            let text = text.trim_matches(is_xml_space);
                            (!text.is_empty()).then(|| Item::Text(text.to_owned()))
                        }
                        element => Some(element),
                    })
                    .collect(),
            )
        } else {
            let text = match items.pop() {
                Some(Item::Text(text)) => text,
                _ => String::new(),
            };
            let indentation = text.contains('\n') && text.chars().all(is_xml_space);
            Content::Text(if indentation { String::new() } else { text })
        };
        Ok(Element { name: start.qualified_name().to_owned(), attributes, content })
    }

    /// Ok, or where and how `actual` first differs from `expected`.
    pub(super) fn compare(actual: &Element, expected: &Element) -> Result<(), String> {
        compare_at(&format!("/{}", expected.name), actual, expected)
    }

    fn compare_at(path: &str, actual: &Element, expected: &Element) -> Result<(), String> {
        if actual.name != expected.name {
            return Err(format!("at `{path}`: element `<{}>` where `<{}>` was expected", actual.name, expected.name));
        }
        if actual.attributes != expected.attributes {
            return Err(format!(
                "at `{path}`: attributes {} where {} were expected",
                attributes(&actual.attributes),
                attributes(&expected.attributes)
            ));
        }
        let (actual_items, expected_items) = match (&actual.content, &expected.content) {
            (Content::Text(a), Content::Text(e)) if a == e => return Ok(()),
            (Content::Text(a), Content::Text(e)) => {
                return Err(format!("at `{path}`: text {a:?} where {e:?} was expected"))
            }
            (Content::Text(a), Content::Mixed(_)) => {
                return Err(format!("at `{path}`: text {a:?} where child elements were expected"));
            }
            (Content::Mixed(_), Content::Text(e)) => {
                return Err(format!("at `{path}`: child elements where text {e:?} was expected"));
            }
            (Content::Mixed(a), Content::Mixed(e)) => (a, e),
        };
        let ordered = compare_items(path, actual_items, expected_items);
        // Siblings in another order still match one for one: a map's entries come in no order
        // (a case's params become a `HashMap`).
        if ordered.is_err() && same_items_unordered(path, actual_items, expected_items) {
            return Ok(());
        }
        ordered
    }

    fn same_items_unordered(path: &str, actual: &[Item], expected: &[Item]) -> bool {
        if actual.len() != expected.len() {
            return false;
        }
        let mut used = vec![false; actual.len()];
        expected.iter().all(|e| {
            let found = actual.iter().enumerate().position(|(i, a)| {
                !used[i]
                    && match (a, e) {
                        (Item::Element(a), Item::Element(e)) => compare_at(path, a, e).is_ok(),
                        (Item::Text(a), Item::Text(e)) => a == e,
                        _ => false,
                    }
            });
            found.map(|i| used[i] = true).is_some()
        })
    }

    /// Ok, or the first difference between two elements' children taken in order.
    fn compare_items(path: &str, actual_items: &[Item], expected_items: &[Item]) -> Result<(), String> {
        // Each child's path numbers it among its expected same-named siblings, as XPath does.
        let mut seen: Vec<(&str, usize)> = Vec::new();
        for (index, expected_item) in expected_items.iter().enumerate() {
            let child_path = match expected_item {
                Item::Element(e) => {
                    let position = match seen.iter_mut().find(|(name, _)| *name == e.name) {
                        Some((_, count)) => {
                            *count += 1;
                            *count
                        }
                        None => {
                            seen.push((&e.name, 1));
                            1
                        }
                    };
                    format!("{path}/{}[{position}]", e.name)
                }
                Item::Text(_) => format!("{path}/text()"),
            };
            match (actual_items.get(index), expected_item) {
                (Some(Item::Element(a)), Item::Element(e)) => compare_at(&child_path, a, e)?,
                (Some(Item::Text(a)), Item::Text(e)) if a == e => {}
                (Some(actual_item), _) => {
                    return Err(format!(
                        "at `{child_path}`: {} where {} was expected",
                        describe(actual_item),
                        describe(expected_item)
                    ));
                }
                (None, _) => return Err(format!("at `{child_path}`: {} is missing", describe(expected_item))),
            }
        }
        match actual_items.get(expected_items.len()) {
            Some(extra) => Err(format!("in `{path}`: unexpected {} after the expected content", describe(extra))),
            None => Ok(()),
        }
    }

    fn describe(item: &Item) -> String {
        match item {
            Item::Element(e) => format!("element `<{}>`", e.name),
            Item::Text(text) => format!("text {text:?}"),
        }
    }

    fn attributes(attributes: &[(String, String)]) -> String {
        let mut out = String::from("{");
        for (index, (name, value)) in attributes.iter().enumerate() {
            let separator = if index == 0 { "" } else { ", " };
            let _ = write!(out, "{separator}{name}={value:?}");
        }
        out.push('}');
        out
    }
}

/// The body is an `application/x-www-form-urlencoded` form with the pairs of `expected`, in any
/// order (compared as multisets of `name=value` pairs, names and values percent-decoded, so
/// equivalent encodings match; `+` is a plus sign, as in the RFC 3986 encoding awsQuery and
/// ec2Query send, which writes a space as `%20`). Whitespace around each `&`-separated piece of
/// the expectation is passed over (a test's text block breaks lines before `&`), as are empty
/// pieces on either side; an empty expectation means an empty body. A difference panics with
/// the pairs missing and the pairs unexpected.
#[cfg(feature = "query")]
pub fn assert_form_eq(body: &[u8], expected: &str) {
    let text = std::str::from_utf8(body)
        .unwrap_or_else(|e| panic!("body is not a form ({e}): {}", String::from_utf8_lossy(body)));
    if expected.trim().is_empty() {
        assert!(body.is_empty(), "expected no body, got {text}");
        return;
    }
    let mut missing = form_pairs(expected, true);
    let mut unexpected = Vec::new();
    for pair in form_pairs(text, false) {
        match missing.iter().position(|want| *want == pair) {
            Some(index) => {
                missing.remove(index);
            }
            None => unexpected.push(pair),
        }
    }
    if missing.is_empty() && unexpected.is_empty() {
        return;
    }
    let list = |pairs: &[(String, Option<String>)]| {
        let shown: Vec<String> = pairs
            .iter()
            .map(|(name, value)| match value {
                Some(value) => format!("{name:?}={value:?}"),
                None => format!("{name:?} (no `=`)"),
            })
            .collect();
        if shown.is_empty() {
            "none".to_owned()
        } else {
            shown.join(", ")
        }
    };
    panic!(
        "form body differs (pairs decoded):\n missing: {}\n unexpected: {}\n actual: {text}\n expected: {expected}",
        list(&missing),
        list(&unexpected)
    );
}

/// The `name=value` pairs of a form, percent-decoded; a piece without `=` has no value.
#[cfg(feature = "query")]
fn form_pairs(form: &str, trim: bool) -> Vec<(String, Option<String>)> {
    use crate::http::percent_decode;
    form.split('&')
        .map(|piece| if trim { piece.trim() } else { piece })
        .filter(|piece| !piece.is_empty())
        .map(|piece| match piece.split_once('=') {
            Some((name, value)) => (percent_decode(name), Some(percent_decode(value))),
            None => (percent_decode(piece), None),
        })
        .collect()
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::panic::{catch_unwind, AssertUnwindSafe};

    /// The panic message of `f`, or None when it returns.
    fn panic_message(f: impl FnOnce()) -> Option<String> {
        let payload = catch_unwind(AssertUnwindSafe(f)).err()?;
        Some(match payload.downcast::<String>() {
            Ok(message) => *message,
            Err(payload) => payload.downcast_ref::<&str>().map_or_else(String::new, |s| (*s).to_owned()),
        })
    }

    #[track_caller]
    fn assert_panics(f: impl FnOnce(), needles: &[&str]) {
        let message = panic_message(f).expect("expected a panic");
        for needle in needles {
            assert!(message.contains(needle), "`{needle}` not in the panic message:\n{message}");
        }
    }

    #[test]
    fn xml_equal_despite_whitespace_attribute_order_and_markup() {
        let expected = r#"
            <?xml version = "1.0" encoding = "UTF-8"?>
            <XmlAttributesRequest test="&lt;test&amp;mock&gt;" xmlns="https://example.com/" other='2'>
                <!-- a comment -->
                <foo>Foo</foo>
                <stringList>
                    <member>a &amp; b</member>
                    <member><![CDATA[<raw>]]></member>
                </stringList>
                <escaped>escaped data: &amp;lt;&#xD;&#10;</escaped>
                <spaces>  string with white    space  </spaces>
            </XmlAttributesRequest>
        "#;
        let body = "<XmlAttributesRequest other=\"2\" xmlns=\"https://example.com/\" test=\"&lt;test&amp;mock&gt;\">\
            <foo>Foo</foo><stringList><member>a &amp; b</member><member>&lt;raw&gt;</member></stringList>\
            <escaped>escaped data: &amp;lt;&#xD;&#xA;</escaped><spaces>  string with white    space  </spaces>\
            </XmlAttributesRequest>";
        assert_xml_eq(body.as_bytes(), expected);
    }

    #[test]
    fn xml_siblings_match_in_any_order_but_one_for_one() {
        let expected = "<R>\n    <a>1</a>\n    <b>2</b>\n</R>";
        assert_xml_eq(b"<R><b>2</b><a>1</a></R>", expected);
        let entries =
            "<m><entry><key>foo</key><value>F</value></entry><entry><key>baz</key><value>B</value></entry></m>";
        assert_xml_eq(
            b"<m><entry><key>baz</key><value>B</value></entry><entry><key>foo</key><value>F</value></entry></m>",
            entries,
        );
        // The ordered comparison's first difference is what a mismatch reports.
        assert_panics(|| assert_xml_eq(b"<R><b>2</b><a>2</a></R>", expected), &["at `/R/a[1]`", "<b>", "<a>"]);
        assert_panics(
            || {
                assert_xml_eq(
                    b"<R><list><member>1</member><member>1</member></list></R>",
                    "<R><list><member>1</member><member>2</member></list></R>",
                )
            },
            &["at `/R/list[1]/member[2]`", "text \"1\" where \"2\""],
        );
    }

    #[test]
    fn xml_text_differences_fail() {
        let expected = "<R>\n    <s>string</s>\n</R>";
        let message = panic_message(|| assert_xml_eq(b"<R><s>strin</s></R>", expected)).unwrap();
        assert!(message.contains("at `/R/s[1]`: text \"strin\" where \"string\" was expected"), "{message}");
        assert!(message.contains("actual: <R><s>strin</s></R>") && message.contains("expected: <R>"), "{message}");
        // Leaf text is exact: surrounding spaces and pure whitespace are values.
        assert_panics(|| assert_xml_eq(b"<R><s>x</s></R>", "<R><s> x </s></R>"), &["text \"x\" where \" x \""]);
        assert_panics(|| assert_xml_eq(b"<R><s/></R>", "<R>\n    <s>   </s>\n</R>"), &["text \"\" where \"   \""]);
        // Missing, extra and differently shaped content.
        assert_panics(|| assert_xml_eq(b"<R><a/></R>", "<R><a/><b/></R>"), &["at `/R/b[1]`: element `<b>` is missing"]);
        assert_panics(|| assert_xml_eq(b"<R><a/><b/></R>", "<R><a/></R>"), &["unexpected element `<b>`"]);
        assert_panics(|| assert_xml_eq(b"<R><a>x</a></R>", "<R><a><x/></a></R>"), &["text \"x\" where child elements"]);
        assert_panics(|| assert_xml_eq(b"<Q/>", "<R/>"), &["at `/R`: element `<Q>` where `<R>`"]);
        assert_panics(|| assert_xml_eq(b"<R a='1'/>", "<R a='2'/>"), &["attributes {a=\"1\"} where {a=\"2\"}"]);
        assert_panics(|| assert_xml_eq(b"<R/>", "<R a='2'/>"), &["attributes {} where {a=\"2\"}"]);
    }

    #[test]
    fn xml_empty_elements_are_equal_however_written() {
        for body in ["<R><a></a><b/></R>", "<R><a/><b></b></R>"] {
            assert_xml_eq(body.as_bytes(), "<R>\n    <a/>\n    <b></b>\n</R>");
            // A pretty-printed empty element: whitespace with a line break.
            assert_xml_eq(body.as_bytes(), "<R>\n    <a>\n    </a>\n    <b>\n    </b>\n</R>");
        }
        assert_panics(|| assert_xml_eq(b"<R><a/></R>", "<R><a>x</a></R>"), &["text \"\" where \"x\""]);
    }

    #[test]
    fn xml_namespaces_are_compared() {
        let expected = r#"
            <XmlNamespacesRequest xmlns="http://foo.com">
                <nested>
                    <foo xmlns:baz="http://baz.com">Foo</foo>
                    <baz:values xmlns:baz="http://qux.com">
                        <member xmlns="http://bux.com">Bar</member>
                    </baz:values>
                </nested>
            </XmlNamespacesRequest>
        "#;
        let body = r#"<XmlNamespacesRequest xmlns="http://foo.com"><nested><foo xmlns:baz="http://baz.com">Foo</foo><baz:values xmlns:baz="http://qux.com"><member xmlns="http://bux.com">Bar</member></baz:values></nested></XmlNamespacesRequest>"#;
        assert_xml_eq(body.as_bytes(), expected);
        // A missing or different declaration, or a missing prefix, is a difference.
        let no_namespace = body.replacen(r#" xmlns="http://foo.com""#, "", 1);
        assert_panics(
            || assert_xml_eq(no_namespace.as_bytes(), expected),
            &["at `/XmlNamespacesRequest`: attributes {}"],
        );
        let other = body.replace("http://bux.com", "http://other.com");
        assert_panics(
            || assert_xml_eq(other.as_bytes(), expected),
            &["at `/XmlNamespacesRequest/nested[1]/baz:values[1]/member[1]`: attributes"],
        );
        let unprefixed = body.replace("baz:values", "values");
        assert_panics(|| assert_xml_eq(unprefixed.as_bytes(), expected), &["element `<values>` where `<baz:values>`"]);
    }

    #[test]
    fn xml_mixed_content_and_empty_or_broken_bodies() {
        assert_xml_eq(b"<R>lead<a/>tail</R>", "<R>\n    lead\n    <a/>\n    tail\n</R>");
        assert_panics(|| assert_xml_eq(b"<R><a/>tail</R>", "<R>lead<a/>tail</R>"), &["at `/R/text()`"]);
        assert_xml_eq(b"", "");
        assert_xml_eq(b"", "  \n  ");
        assert_panics(|| assert_xml_eq(b"<R/>", ""), &["expected no body, got <R/>"]);
        assert_panics(|| assert_xml_eq(b"", "<R/>"), &["body is not XML"]);
        assert_panics(|| assert_xml_eq(b"{\"not\": \"xml\"}", "<R/>"), &["body is not XML", "{\"not\": \"xml\"}"]);
        assert_panics(|| assert_xml_eq(b"<R><a></R>", "<R/>"), &["body is not XML"]);
        assert_panics(|| assert_xml_eq(b"<R/>", "<R>"), &["the test's expected body is not XML"]);
    }

    #[test]
    fn form_equal_across_line_breaks_order_and_encodings() {
        let expected = "Action=QueryLists\n    &Version=2020-01-08\n    &ListArg.member.1=foo\n    &ListArg.member.2=bar\n    &Time=2015-01-25T08%3A00%3A00Z\n    &Empty=\n";
        let body = "Version=2020-01-08&Empty=&ListArg.member.2=bar&Time=2015-01-25T08%3a00%3A00Z&Action=QueryLists&ListArg.member.1=foo";
        assert_form_eq(body.as_bytes(), expected);
        // `%20` and the character itself (where a test writes it raw) are one value.
        assert_form_eq(b"Name=a%20b&Blob=dmFsdWU%3D", "Name=a b&Blob=dmFsdWU=");
        assert_form_eq(b"", "");
        assert_form_eq(b"", " \n ");
    }

    #[test]
    fn form_differences_fail() {
        let expected = "Action=A\n&Version=1\n&List.1=x\n&List.2=x";
        assert_panics(
            || assert_form_eq(b"Action=A&Version=1&List.1=x", expected),
            &["missing: \"List.2\"=\"x\"", "unexpected: none"],
        );
        // Pairs are a multiset: a repeated pair counts.
        assert_panics(
            || assert_form_eq(b"Action=A&Version=1&List.1=x&List.2=x&List.2=x", expected),
            &["missing: none", "unexpected: \"List.2\"=\"x\""],
        );
        assert_panics(
            || assert_form_eq(b"Action=A&Version=2&List.1=x&List.2=x", expected),
            &["missing: \"Version\"=\"1\"", "unexpected: \"Version\"=\"2\"", "actual: Action=A&Version=2"],
        );
        // `+` is not a space, and a name without `=` is not a name with an empty value.
        assert_panics(|| assert_form_eq(b"Name=a+b", "Name=a%20b"), &["\"Name\"=\"a+b\""]);
        assert_panics(|| assert_form_eq(b"Name", "Name="), &["unexpected: \"Name\" (no `=`)"]);
        assert_panics(|| assert_form_eq(b"Action=A", ""), &["expected no body, got Action=A"]);
        assert_panics(|| assert_form_eq(b"", "Action=A"), &["missing: \"Action\"=\"A\""]);
        assert_panics(|| assert_form_eq(b"\xff", "Action=A"), &["body is not a form"]);
    }

    #[test]
    fn idempotency_tokens_can_be_fixed_for_a_case() {
        let token = "00000000-0000-4000-8000-000000000000";
        assert_eq!(with_idempotency_token(token, crate::http::new_idempotency_token), token);
        assert_ne!(crate::http::new_idempotency_token(), token);
    }
}
