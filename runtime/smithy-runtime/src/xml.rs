//! XML for restXml, awsQuery and ec2Query bodies: [`XmlWriter`] for requests and
//! [`XmlReader`], which generated deserializers drive element by element straight into their
//! builders, on the quick-xml tokenizer.
//!
//! A response cannot make the reader fetch or expand anything: a document type declaration is
//! an error (so no DTD, no external or internal entities), and the only references decoded are
//! XML's five predefined entities and character references. Elements nest at most
//! [`MAX_DEPTH`] deep, text is borrowed from the input unless it has references or more than one
//! piece, and no call panics on any input.

use std::borrow::Cow;
use std::collections::HashMap;
use std::error::Error;
use std::fmt;
use std::hash::Hash;
use std::str::FromStr;

use quick_xml::events::{BytesRef, BytesStart, Event};

use crate::error::ErrorMetadata;
use crate::http::HttpResponse;
use crate::primitives::{Blob, DateTime, Format};

/// How deep elements may nest.
pub const MAX_DEPTH: usize = 128;

// ---------------------------------------------------------------------------
// Writer
// ---------------------------------------------------------------------------

/// Writes an XML document without a declaration: open an element with
/// [`start`](XmlWriter::start), give it attributes while its start tag is open, then text or
/// child elements, and close it with [`end`](XmlWriter::end). Calls are not checked for
/// balance; generated serializers always balance them.
///
/// ```
/// # use smithy_runtime::xml::XmlWriter;
/// let mut w = XmlWriter::new();
/// w.start("Tag");
/// w.attribute("id", "a&b");
/// w.start("Name");
/// w.text("<x>");
/// w.end("Name");
/// w.end("Tag");
/// assert_eq!(w.finish(), r#"<Tag id="a&amp;b"><Name>&lt;x&gt;</Name></Tag>"#);
/// ```
#[derive(Clone, Debug, Default)]
pub struct XmlWriter {
    out: String,
    /// Whether the last start tag still lacks its `>` (attributes may follow).
    tag_open: bool,
}

impl XmlWriter {
    /// An empty writer.
    pub fn new() -> Self {
        XmlWriter::default()
    }

    fn close_tag(&mut self) {
        if std::mem::take(&mut self.tag_open) {
            self.out.push('>');
        }
    }

    /// Opens the element `name`.
    pub fn start(&mut self, name: &str) {
        self.close_tag();
        self.out.push('<');
        self.out.push_str(name);
        self.tag_open = true;
    }

    /// An attribute of the element just opened.
    pub fn attribute(&mut self, name: &str, value: &str) {
        self.out.push(' ');
        self.out.push_str(name);
        self.out.push_str("=\"");
        escape(&mut self.out, value);
        self.out.push('"');
    }

    /// Text inside the current element, escaped.
    pub fn text(&mut self, value: &str) {
        self.close_tag();
        escape(&mut self.out, value);
    }

    /// Closes the element `name`.
    pub fn end(&mut self, name: &str) {
        self.close_tag();
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push('>');
    }

    /// The document.
    pub fn finish(mut self) -> String {
        self.close_tag();
        self.out
    }
}

/// Appends `value` escaped for text and attribute values: the markup characters, and line
/// breaks as character references so a reader's end-of-line normalization keeps them.
fn escape(out: &mut String, value: &str) {
    let mut start = 0;
    for (index, c) in value.char_indices() {
        let escaped = match c {
            '&' => "&amp;",
            '<' => "&lt;",
            '>' => "&gt;",
            '"' => "&quot;",
            '\'' => "&apos;",
            '\r' => "&#xD;",
            '\n' => "&#xA;",
            '\u{85}' => "&#x85;",
            '\u{2028}' => "&#x2028;",
            _ => continue,
        };
        out.push_str(value.get(start..index).unwrap_or_default());
        out.push_str(escaped);
        start = index + c.len_utf8();
    }
    out.push_str(value.get(start..).unwrap_or_default());
}

// ---------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------

/// XML that is not well formed, refused (a DTD, an unknown entity, too deep), or not what a
/// deserializer expected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct XmlError {
    message: String,
    offset: Option<u64>,
}

impl XmlError {
    /// An error with a human-readable explanation and no position.
    pub fn new(message: impl Into<String>) -> Self {
        XmlError { message: message.into(), offset: None }
    }

    fn at(offset: u64, message: impl Into<String>) -> Self {
        XmlError { message: message.into(), offset: Some(offset) }
    }

    /// The explanation, without the position.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The byte offset in the input where reading failed.
    pub fn offset(&self) -> Option<u64> {
        self.offset
    }
}

impl fmt::Display for XmlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.offset {
            Some(offset) => write!(f, "invalid XML at byte {offset}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl Error for XmlError {}

// ---------------------------------------------------------------------------
// Reader
// ---------------------------------------------------------------------------

/// An element's start tag, as [`XmlReader::root`] and [`XmlReader::next_child`] return it.
#[derive(Clone, Debug)]
pub struct XmlElement<'a> {
    start: BytesStart<'a>,
}

impl XmlElement<'_> {
    /// The element's local name (without a namespace prefix); a name that is not UTF-8 reads as
    /// `U+FFFD`, so it matches no member.
    pub fn name(&self) -> &str {
        std::str::from_utf8(self.start.local_name().into_inner()).unwrap_or("\u{FFFD}")
    }

    /// The element's name as written, namespace prefix included (`ns:Output` where
    /// [`name`](XmlElement::name) is `Output`); a name that is not UTF-8 reads as `U+FFFD`.
    pub fn qualified_name(&self) -> &str {
        std::str::from_utf8(self.start.name().into_inner()).unwrap_or("\u{FFFD}")
    }

    /// The value of the attribute named `name` (as written, prefix included), references
    /// decoded; None when the element has no such attribute.
    pub fn attribute(&self, name: &str) -> Result<Option<String>, XmlError> {
        let mut found = None;
        // Every attribute is read, so a malformed or repeated one is an error whichever is asked.
        for attribute in self.start.attributes() {
            let attribute = attribute.map_err(|e| XmlError::new(format!("invalid attribute: {e}")))?;
            if found.is_none() && attribute.key.as_ref() == name.as_bytes() {
                // XML's attribute-value normalization: a literal line break reads as a space.
                let value = attribute
                    .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                    .map_err(|e| XmlError::new(format!("invalid value of attribute `{name}`: {e}")))?;
                found = Some(value.into_owned());
            }
        }
        Ok(found)
    }

    /// Every attribute of the element in document order, namespace declarations (`xmlns`,
    /// `xmlns:p`) included: its name as written (prefix included; bytes that are not UTF-8 read
    /// as `U+FFFD`) and its value decoded and normalized as [`attribute`](XmlElement::attribute)
    /// reads it. A malformed or repeated attribute is an error.
    pub fn attributes(&self) -> Result<Vec<(String, String)>, XmlError> {
        let mut all = Vec::new();
        for attribute in self.start.attributes() {
            let attribute = attribute.map_err(|e| XmlError::new(format!("invalid attribute: {e}")))?;
            let name = String::from_utf8_lossy(attribute.key.as_ref()).into_owned();
            let value = attribute
                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map_err(|e| XmlError::new(format!("invalid value of attribute `{name}`: {e}")))?;
            all.push((name, value.into_owned()));
        }
        Ok(all)
    }
}

/// Reads an XML document element by element.
///
/// [`root`](XmlReader::root) enters the document's element; [`next_child`](XmlReader::next_child)
/// enters the next child of the innermost open element (None at its end tag, which closes it);
/// the element just entered is then read with [`text`](XmlReader::text), skipped with
/// [`skip`](XmlReader::skip), or walked with `next_child` again.
///
/// ```
/// # use smithy_runtime::xml::{XmlError, XmlReader};
/// let mut r = XmlReader::new(b"<Output><Name>a &amp; b</Name><Extra><x/></Extra><Size>3</Size></Output>");
/// let (mut name, mut size) = (None, None);
/// r.root()?;
/// while let Some(child) = r.next_child()? {
///     match child.name() {
///         "Name" => name = Some(r.text()?.into_owned()),
///         "Size" => size = Some(r.text()?.parse::<i32>().map_err(|e| XmlError::new(e.to_string()))?),
///         _ => r.skip()?,
///     }
/// }
/// r.finish()?;
/// assert_eq!((name.as_deref(), size), (Some("a & b"), Some(3)));
/// # Ok::<(), XmlError>(())
/// ```
pub struct XmlReader<'a> {
    inner: quick_xml::Reader<&'a [u8]>,
    /// How many elements are open.
    depth: usize,
}

impl fmt::Debug for XmlReader<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("XmlReader")
            .field("position", &self.inner.buffer_position())
            .field("depth", &self.depth)
            .finish_non_exhaustive()
    }
}

impl<'a> XmlReader<'a> {
    /// A reader over one XML document.
    pub fn new(input: &'a [u8]) -> Self {
        let mut inner = quick_xml::Reader::from_reader(input);
        let config = inner.config_mut();
        // `<a/>` reads as `<a></a>`, so an empty element is no special case.
        config.expand_empty_elements = true;
        config.check_end_names = true;
        XmlReader { inner, depth: 0 }
    }

    fn error(&self, message: impl Into<String>) -> XmlError {
        XmlError::at(self.inner.buffer_position(), message)
    }

    /// The next event, with the tokenizer's errors and the refused constructs as [`XmlError`]s.
    fn event(&mut self) -> Result<Event<'a>, XmlError> {
        match self.inner.read_event() {
            Ok(Event::DocType(_)) => Err(self.error("document type declarations are not allowed")),
            Ok(event) => Ok(event),
            Err(e) => Err(XmlError::at(self.inner.error_position(), e.to_string())),
        }
    }

    fn enter(&mut self) -> Result<(), XmlError> {
        if self.depth >= MAX_DEPTH {
            return Err(self.error(format!("elements are nested more than {MAX_DEPTH} levels deep")));
        }
        self.depth += 1;
        Ok(())
    }

    /// Enters the document's root element, passing over the declaration, comments, processing
    /// instructions and whitespace before it.
    pub fn root(&mut self) -> Result<XmlElement<'a>, XmlError> {
        if self.depth > 0 {
            return Err(self.error("the root element was already read"));
        }
        loop {
            match self.event()? {
                Event::Start(start) => {
                    self.enter()?;
                    return Ok(XmlElement { start });
                }
                Event::Text(text) if is_blank(&text) => {}
                Event::Decl(_) | Event::Comment(_) | Event::PI(_) => {}
                Event::Eof => return Err(self.error("unexpected end of input, expected the root element")),
                _ => return Err(self.error("expected the root element")),
            }
        }
    }

    /// Enters the next child element of the innermost open element; None at that element's end
    /// tag, which closes it. Text between child elements is passed over.
    pub fn next_child(&mut self) -> Result<Option<XmlElement<'a>>, XmlError> {
        if self.depth == 0 {
            return Err(self.error("no element is open to read a child of"));
        }
        loop {
            match self.event()? {
                Event::Start(start) => {
                    self.enter()?;
                    return Ok(Some(XmlElement { start }));
                }
                Event::End(_) => {
                    self.depth -= 1;
                    return Ok(None);
                }
                // Checked like any other, though what it stands for is not kept.
                Event::GeneralRef(reference) => {
                    self.reference(&reference)?;
                }
                Event::Eof => return Err(self.error("unexpected end of input inside an element")),
                // Text and CDATA between children, comments, instructions.
                _ => {}
            }
        }
    }

    /// [`next_child`](XmlReader::next_child) for mixed content: enters the next child element of
    /// the innermost open element (None at that element's end tag, which closes it), and appends
    /// the character data passed over on the way, CDATA sections and references joined and
    /// decoded as [`text`](XmlReader::text) decodes them, to `text`. Comments and processing
    /// instructions are passed over. Called until it returns None, it reads an element's whole
    /// content, text or children, with the same depth limit; on an error, what it appended to
    /// `text` is unspecified.
    ///
    /// ```
    /// # use smithy_runtime::xml::{XmlError, XmlReader};
    /// let mut r = XmlReader::new(b"<p>one <b>two</b> &amp; three</p>");
    /// r.root()?;
    /// let mut text = String::new();
    /// let child = r.next_child_with_text(&mut text)?;
    /// assert_eq!((child.map(|c| c.name().to_owned()).as_deref(), text.as_str()), (Some("b"), "one "));
    /// assert_eq!(r.text()?, "two");
    /// text.clear();
    /// assert!(r.next_child_with_text(&mut text)?.is_none());
    /// assert_eq!(text, " & three");
    /// r.finish()?;
    /// # Ok::<(), XmlError>(())
    /// ```
    pub fn next_child_with_text(&mut self, text: &mut String) -> Result<Option<XmlElement<'a>>, XmlError> {
        if self.depth == 0 {
            return Err(self.error("no element is open to read a child of"));
        }
        loop {
            match self.event()? {
                Event::Start(start) => {
                    self.enter()?;
                    return Ok(Some(XmlElement { start }));
                }
                Event::End(_) => {
                    self.depth -= 1;
                    return Ok(None);
                }
                Event::Text(piece) => {
                    text.push_str(&piece.xml10_content().map_err(|e| self.error(e.to_string()))?);
                }
                Event::CData(piece) => {
                    text.push_str(&piece.xml10_content().map_err(|e| self.error(e.to_string()))?);
                }
                Event::GeneralRef(reference) => {
                    text.push(self.reference(&reference)?);
                }
                Event::Eof => return Err(self.error("unexpected end of input inside an element")),
                Event::Comment(_) | Event::PI(_) | Event::Decl(_) | Event::Empty(_) | Event::DocType(_) => {}
            }
        }
    }

    /// The text of the element just entered, through its end tag: character data, CDATA
    /// sections and references, joined; an element inside it is an error.
    pub fn text(&mut self) -> Result<Cow<'a, str>, XmlError> {
        if self.depth == 0 {
            return Err(self.error("no element is open to read text from"));
        }
        let mut text: Cow<'a, str> = Cow::Borrowed("");
        let mut push = |piece: Cow<'a, str>| {
            if text.is_empty() {
                text = piece;
            } else {
                text.to_mut().push_str(&piece);
            }
        };
        loop {
            match self.event()? {
                Event::Text(piece) => {
                    push(piece.xml10_content().map_err(|e| self.error(e.to_string()))?);
                }
                Event::CData(piece) => {
                    push(piece.xml10_content().map_err(|e| self.error(e.to_string()))?);
                }
                Event::GeneralRef(reference) => {
                    let c = self.reference(&reference)?;
                    push(Cow::Owned(c.to_string()));
                }
                Event::End(_) => {
                    self.depth -= 1;
                    return Ok(text);
                }
                Event::Start(_) => return Err(self.error("expected text, found an element")),
                Event::Eof => return Err(self.error("unexpected end of input inside an element")),
                Event::Comment(_) | Event::PI(_) | Event::Decl(_) | Event::Empty(_) | Event::DocType(_) => {}
            }
        }
    }

    /// The character a reference stands for: a character reference, or one of XML's five
    /// predefined entities; any other entity is refused, since no DTD may declare it.
    fn reference(&self, reference: &BytesRef<'_>) -> Result<char, XmlError> {
        if reference.is_char_ref() {
            return match reference.resolve_char_ref() {
                Ok(Some(c)) => Ok(c),
                Ok(None) | Err(_) => Err(self.error("invalid character reference")),
            };
        }
        match reference.as_ref() {
            b"amp" => Ok('&'),
            b"lt" => Ok('<'),
            b"gt" => Ok('>'),
            b"quot" => Ok('"'),
            b"apos" => Ok('\''),
            other => Err(self.error(format!("unknown entity `&{};`", String::from_utf8_lossy(other)))),
        }
    }

    /// The text of the element just entered as an owned string.
    pub fn string(&mut self) -> Result<String, XmlError> {
        self.text().map(Cow::into_owned)
    }

    /// The element's text parsed with `parse`, an error naming what was expected and where.
    fn parsed<T>(&mut self, parse: impl FnOnce(&str) -> Result<T, XmlError>) -> Result<T, XmlError> {
        let at = self.inner.buffer_position();
        let text = self.text()?;
        parse(&text).map_err(|e| XmlError { offset: Some(at), ..e })
    }

    /// `true` or `false`.
    pub fn bool(&mut self) -> Result<bool, XmlError> {
        self.parsed(parse_bool)
    }

    /// An integer that fits an `i8`.
    pub fn i8(&mut self) -> Result<i8, XmlError> {
        self.parsed(parse_int)
    }

    /// An integer that fits an `i16`.
    pub fn i16(&mut self) -> Result<i16, XmlError> {
        self.parsed(parse_int)
    }

    /// An integer that fits an `i32`.
    pub fn i32(&mut self) -> Result<i32, XmlError> {
        self.parsed(parse_int)
    }

    /// An integer that fits an `i64`.
    pub fn i64(&mut self) -> Result<i64, XmlError> {
        self.parsed(parse_int)
    }

    /// A number as the nearest `f32`, or `NaN`, `Infinity` or `-Infinity`.
    pub fn f32(&mut self) -> Result<f32, XmlError> {
        self.parsed(|text| parse_float(text).map(|f| f as f32))
    }

    /// A number as the nearest `f64`, or `NaN`, `Infinity` or `-Infinity`.
    pub fn f64(&mut self) -> Result<f64, XmlError> {
        self.parsed(parse_float)
    }

    /// The text of a `bigInteger` or `bigDecimal`, without surrounding whitespace.
    pub fn number_text(&mut self) -> Result<String, XmlError> {
        self.text().map(|text| text.trim().to_owned())
    }

    /// Binary data from base64 text.
    pub fn blob(&mut self) -> Result<Blob, XmlError> {
        self.parsed(parse_blob)
    }

    /// A timestamp in `format` (or, failing that, in another format, as services sometimes send).
    pub fn timestamp(&mut self, format: Format) -> Result<DateTime, XmlError> {
        self.parsed(|text| parse_timestamp(text, format))
    }

    /// The items of the list element just entered: each child named `member` (the list's
    /// `@xmlName` for its member, or `member`) read by `item`, others skipped.
    pub fn list<T>(
        &mut self,
        member: &str,
        mut item: impl FnMut(&mut Self, &XmlElement<'a>) -> Result<T, XmlError>,
    ) -> Result<Vec<T>, XmlError> {
        let mut items = Vec::new();
        while let Some(child) = self.next_child()? {
            if child.name() == member {
                items.push(item(self, &child)?);
            } else {
                self.skip()?;
            }
        }
        Ok(items)
    }

    /// The entries of the map element just entered: each `<entry>` child read with
    /// [`entry`](XmlReader::entry), others skipped.
    pub fn map<K: Eq + Hash, V>(
        &mut self,
        key: &str,
        value: &str,
        mut read_key: impl FnMut(&mut Self) -> Result<K, XmlError>,
        mut read_value: impl FnMut(&mut Self, &XmlElement<'a>) -> Result<V, XmlError>,
    ) -> Result<HashMap<K, V>, XmlError> {
        let mut map = HashMap::new();
        while let Some(child) = self.next_child()? {
            if child.name() == "entry" {
                let (k, v) = self.entry(key, value, &mut read_key, &mut read_value)?;
                map.insert(k, v);
            } else {
                self.skip()?;
            }
        }
        Ok(map)
    }

    /// The map entry just entered (an `<entry>`, or a flattened map's element): its child named
    /// `key` read by `read_key` and the one named `value` by `read_value`; both must be there.
    pub fn entry<K, V>(
        &mut self,
        key: &str,
        value: &str,
        mut read_key: impl FnMut(&mut Self) -> Result<K, XmlError>,
        mut read_value: impl FnMut(&mut Self, &XmlElement<'a>) -> Result<V, XmlError>,
    ) -> Result<(K, V), XmlError> {
        let (mut k, mut v) = (None, None);
        while let Some(child) = self.next_child()? {
            if child.name() == key && k.is_none() {
                k = Some(read_key(self)?);
            } else if child.name() == value && v.is_none() {
                v = Some(read_value(self, &child)?);
            } else {
                self.skip()?;
            }
        }
        match (k, v) {
            (Some(k), Some(v)) => Ok((k, v)),
            _ => Err(self.error(format!("a map entry without its `{key}` and `{value}` elements"))),
        }
    }

    /// Skips the rest of the element just entered, children and all.
    pub fn skip(&mut self) -> Result<(), XmlError> {
        let Some(outer) = self.depth.checked_sub(1) else {
            return Err(self.error("no element is open to skip"));
        };
        loop {
            match self.event()? {
                Event::Start(_) => self.enter()?,
                Event::End(_) => {
                    self.depth -= 1;
                    if self.depth == outer {
                        return Ok(());
                    }
                }
                Event::GeneralRef(reference) => {
                    self.reference(&reference)?;
                }
                Event::Eof => return Err(self.error("unexpected end of input inside an element")),
                _ => {}
            }
        }
    }

    /// Fails unless the root element was read to its end and only comments, processing
    /// instructions and whitespace follow it.
    pub fn finish(&mut self) -> Result<(), XmlError> {
        if self.depth > 0 {
            return Err(self.error("an element is still open"));
        }
        loop {
            match self.event()? {
                Event::Eof => return Ok(()),
                Event::Text(text) if is_blank(&text) => {}
                Event::Comment(_) | Event::PI(_) => {}
                _ => return Err(self.error("unexpected content after the root element")),
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Scalars as text
// ---------------------------------------------------------------------------

/// `true` or `false` (surrounding whitespace aside).
pub fn parse_bool(text: &str) -> Result<bool, XmlError> {
    match text.trim() {
        "true" => Ok(true),
        "false" => Ok(false),
        other => Err(XmlError::new(format!("expected `true` or `false`, found `{other}`"))),
    }
}

/// An integer of the type `T`.
pub fn parse_int<T: FromStr>(text: &str) -> Result<T, XmlError> {
    let text = text.trim();
    text.parse()
        .map_err(|_| XmlError::new(format!("expected an integer of {}, found `{text}`", std::any::type_name::<T>())))
}

/// A number, or `NaN`, `Infinity` or `-Infinity`.
pub fn parse_float(text: &str) -> Result<f64, XmlError> {
    crate::primitives::parse_float(text).map_err(XmlError::new)
}

/// Binary data from base64 text.
pub fn parse_blob(text: &str) -> Result<Blob, XmlError> {
    crate::primitives::base64::decode(text.trim())
        .map(Blob::new)
        .map_err(|e| XmlError::new(format!("invalid base64: {e}")))
}

/// A timestamp in `format`, or failing that in another format.
pub fn parse_timestamp(text: &str, format: Format) -> Result<DateTime, XmlError> {
    let text = text.trim();
    match DateTime::from_str(text, format) {
        Ok(timestamp) => Ok(timestamp),
        Err(e) => [Format::DateTime, Format::HttpDate, Format::EpochSeconds]
            .into_iter()
            .filter(|&other| other != format)
            .find_map(|other| DateTime::from_str(text, other).ok())
            .ok_or_else(|| XmlError::new(e.to_string())),
    }
}

/// A timestamp's text in `format`, or in epoch seconds where `format` cannot write it (a year
/// beyond 9999).
pub fn timestamp_text(value: &DateTime, format: Format) -> String {
    value.fmt(format).or_else(|_| value.fmt(Format::EpochSeconds)).unwrap_or_default()
}

/// A map's entries in the order of their keys, so a request's bytes do not depend on hashing.
pub fn sorted<K: AsRef<str>, V>(map: &HashMap<K, V>) -> Vec<(&K, &V)> {
    let mut entries: Vec<(&K, &V)> = map.iter().collect();
    entries.sort_unstable_by(|a, b| a.0.as_ref().cmp(b.0.as_ref()));
    entries
}

// ---------------------------------------------------------------------------
// Error responses
// ---------------------------------------------------------------------------

/// Where an XML error response puts its `<Error>`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorLayout {
    /// `<ErrorResponse><Error>...</Error><RequestId/></ErrorResponse>`: awsQuery, and restXml.
    Wrapped,
    /// `<Response><Errors><Error>...</Error></Errors><RequestID/></Response>`: ec2Query.
    Ec2,
    /// `<Error>...<RequestId/></Error>`: restXml with `noErrorWrapping` (S3).
    Bare,
}

impl ErrorLayout {
    /// The response's root element and the elements from it down to `<Error>`.
    fn path(self) -> (&'static str, &'static [&'static str]) {
        match self {
            ErrorLayout::Wrapped => ("ErrorResponse", &["Error"]),
            ErrorLayout::Ec2 => ("Response", &["Errors", "Error"]),
            ErrorLayout::Bare => ("Error", &[]),
        }
    }
}

/// Whether `body` is an XML document whose root is `<Error>` (S3 reports some failures so in
/// a `200 OK`); only the start of the document is read.
pub fn is_error_document(body: &[u8]) -> bool {
    XmlReader::new(body).root().is_ok_and(|root| root.name() == "Error")
}

/// Moves the reader into an error response's `<Error>` element, whose children are the error's
/// code, message and members.
pub fn enter_error(r: &mut XmlReader<'_>, layout: ErrorLayout) -> Result<(), XmlError> {
    let (root, path) = layout.path();
    let element = r.root()?;
    if element.name() != root {
        return Err(XmlError::new(format!("expected an `{root}` element, found `{}`", element.name())));
    }
    'levels: for name in path {
        while let Some(child) = r.next_child()? {
            if child.name() == *name {
                continue 'levels;
            }
            r.skip()?;
        }
        return Err(XmlError::new(format!("an error response without its `{name}` element")));
    }
    Ok(())
}

/// The metadata of an error response: `Code` and `Message` of its `<Error>` (`Type`, `Sender`
/// or `Receiver`, as the `type` extra), the request id from the body's `RequestId`/`RequestID`
/// or else the `x-amzn-requestid` header, and the status. A body that does not read as an
/// error gives whatever was found before it went wrong.
pub fn error_metadata(response: &HttpResponse, layout: ErrorLayout) -> ErrorMetadata {
    let mut found = ErrorFields::default();
    let mut r = XmlReader::new(&response.body);
    let (root_name, path) = layout.path();
    let _ = (|| -> Result<(), XmlError> {
        let in_wrapper = r.root()?.name() == root_name;
        if in_wrapper && path.is_empty() {
            return found.read(&mut r, path);
        }
        while let Some(child) = r.next_child()? {
            match child.name() {
                "RequestId" | "RequestID" => found.request_id = Some(r.text()?.into_owned()),
                name if in_wrapper && path.first() == Some(&name) => found.read(&mut r, &path[1..])?,
                _ => r.skip()?,
            }
        }
        Ok(())
    })();
    let mut meta = ErrorMetadata::builder().status(response.status);
    // S3 answers a `HEAD` that finds nothing with a 404 and no body at all: AWS SDKs call that
    // `NotFound`, the error S3's model gives `HeadObject` and `HeadBucket` (and their waiters
    // wait for).
    let bodiless_not_found =
        layout == ErrorLayout::Bare && response.status == 404 && response.body.iter().all(u8::is_ascii_whitespace);
    if let Some(code) = found.code.filter(|c| !c.is_empty()) {
        meta = meta.code(code);
    } else if bodiless_not_found {
        meta = meta.code("NotFound");
    }
    if let Some(message) = found.message {
        meta = meta.message(message);
    }
    if let Some(kind) = found.kind {
        meta = meta.custom("type", kind);
    }
    if let Some(id) = found.request_id.as_deref().or_else(|| response.headers.get("x-amzn-requestid")) {
        meta = meta.request_id(id);
    }
    meta.build()
}

/// What an error response's body says of the error.
#[derive(Default)]
struct ErrorFields {
    code: Option<String>,
    message: Option<String>,
    kind: Option<String>,
    request_id: Option<String>,
}

impl ErrorFields {
    /// Reads `Code`, `Message`, `Type` (and a bare `<Error>`'s `RequestId`) from the `<Error>`
    /// that `path` leads to from the element just entered (the first one, where ec2Query's
    /// `<Errors>` holds several).
    fn read(&mut self, r: &mut XmlReader<'_>, path: &[&str]) -> Result<(), XmlError> {
        if let Some((next, rest)) = path.split_first() {
            let mut first = true;
            while let Some(child) = r.next_child()? {
                if child.name() == *next && std::mem::take(&mut first) {
                    self.read(r, rest)?;
                } else {
                    r.skip()?;
                }
            }
            return Ok(());
        }
        while let Some(child) = r.next_child()? {
            // Codes and fault types are tokens, so whitespace around them is formatting;
            // messages are kept as sent.
            let trim = child.name() != "Message";
            let slot = match child.name() {
                "Code" => &mut self.code,
                "Message" => &mut self.message,
                "Type" => &mut self.kind,
                "RequestId" | "RequestID" => &mut self.request_id,
                _ => {
                    r.skip()?;
                    continue;
                }
            };
            let text = r.text()?;
            *slot = Some(if trim { text.trim().to_owned() } else { text.into_owned() });
        }
        Ok(())
    }
}

fn is_blank(text: &[u8]) -> bool {
    text.iter().all(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_rng::Rng;

    /// The document as a tree of (name, text or children), read with the reader's calls.
    #[derive(Debug, PartialEq)]
    enum Node {
        Text(String, String),
        Parent(String, Vec<Node>),
    }

    /// Reads the element just entered: text if it has no child elements (tried on a copy).
    fn read_node(r: &mut XmlReader<'_>, name: &str) -> Result<Node, XmlError> {
        let mut probe = XmlReader { inner: r.inner.clone(), depth: r.depth };
        match probe.text() {
            Ok(text) => {
                let text = text.into_owned();
                *r = probe;
                return Ok(Node::Text(name.to_owned(), text));
            }
            Err(e) if e.message() != "expected text, found an element" => return Err(e),
            Err(_) => {}
        }
        let mut children = Vec::new();
        while let Some(child) = r.next_child()? {
            let name = child.name().to_owned();
            children.push(read_node(r, &name)?);
        }
        Ok(Node::Parent(name.to_owned(), children))
    }

    fn read_document(input: &[u8]) -> Result<Node, XmlError> {
        let mut r = XmlReader::new(input);
        let root = r.root()?;
        let name = root.name().to_owned();
        let node = read_node(&mut r, &name)?;
        r.finish()?;
        Ok(node)
    }

    fn text(name: &str, value: &str) -> Node {
        Node::Text(name.into(), value.into())
    }

    #[test]
    fn reads_elements_text_and_references() {
        let doc = br#"<?xml version="1.0" encoding="UTF-8"?>
            <!-- a comment -->
            <ns:Output xmlns:ns="urn:x" id="7">
              <ns:Name>a &amp; b &lt;&#x41;&#66;&gt; &quot;&apos;</ns:Name>
              <Empty/>
              <Data><![CDATA[<raw & kept>]]>tail</Data>
              <List><member>1</member><member>2</member></List>
            </ns:Output>
            <?trailing instruction?>"#;
        assert_eq!(
            read_document(doc),
            Ok(Node::Parent(
                "Output".into(),
                vec![
                    text("Name", "a & b <AB> \"'"),
                    text("Empty", ""),
                    text("Data", "<raw & kept>tail"),
                    Node::Parent("List".into(), vec![text("member", "1"), text("member", "2")]),
                ]
            ))
        );
        let mut r = XmlReader::new(doc);
        let root = r.root().unwrap();
        assert_eq!(root.attribute("id"), Ok(Some("7".into())));
        assert_eq!(root.attribute("xmlns:ns"), Ok(Some("urn:x".into())));
        assert_eq!(root.attribute("missing"), Ok(None));
    }

    #[test]
    fn text_is_borrowed_when_it_is_one_plain_piece_and_line_ends_are_normalized() {
        let mut r = XmlReader::new(b"<a><b>plain</b><c>x\r\ny</c><d>&#xD;&#xA;</d></a>");
        r.root().unwrap();
        r.next_child().unwrap();
        assert!(matches!(r.text().unwrap(), Cow::Borrowed("plain")));
        r.next_child().unwrap();
        assert_eq!(r.text().unwrap(), "x\ny");
        // Escaped line breaks survive normalization, which is why the writer escapes them.
        r.next_child().unwrap();
        assert_eq!(r.text().unwrap(), "\r\n");
        assert_eq!(r.next_child().unwrap().map(|e| e.name().to_owned()), None);
        r.finish().unwrap();
    }

    #[test]
    fn nothing_is_fetched_or_expanded() {
        let attacks: &[&[u8]] = &[
            b"<?xml version=\"1.0\"?><!DOCTYPE a [<!ENTITY e \"boom\">]><a>&e;</a>",
            b"<!DOCTYPE a SYSTEM \"http://example.com/evil.dtd\"><a/>",
            b"<!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;\">]><a>&lol2;</a>",
        ];
        for attack in attacks {
            let err = read_document(attack).unwrap_err();
            assert_eq!(err.message(), "document type declarations are not allowed", "{err}");
        }
        // An entity no DTD declared is refused, in text and when skipped.
        let err = read_document(b"<a><b>&e;</b></a>").unwrap_err();
        assert_eq!(err.message(), "unknown entity `&e;`");
        let mut r = XmlReader::new(b"<a><b>&e;</b></a>");
        r.root().unwrap();
        r.next_child().unwrap();
        assert!(r.skip().is_err());
    }

    #[test]
    fn malformed_and_misused_input_is_an_error() {
        for bad in [
            &b""[..],
            b"text only",
            b"<a>",
            b"<a></b>",
            b"<a><b></a>",
            b"<a></a><b></b>",
            b"<a></a>junk",
            b"<a>&#xFFFFFFFF;</a>",
            b"<a>&#0;</a>",
            b"<a><b>\xff</b></a>",
        ] {
            assert!(read_document(bad).is_err(), "{:?}", String::from_utf8_lossy(bad));
        }
        // A repeated attribute is found when attributes are read.
        let mut r = XmlReader::new(b"<a x='1' x='2'></a>");
        assert!(r.root().unwrap().attribute("x").is_err());
        // Calls that do not fit where the reader is.
        assert!(XmlReader::new(b"<a/>").next_child().is_err());
        assert!(XmlReader::new(b"<a/>").text().is_err());
        assert!(XmlReader::new(b"<a/>").skip().is_err());
        let mut r = XmlReader::new(b"<a><b/></a>");
        r.root().unwrap();
        assert!(r.root().is_err());
        assert!(r.finish().is_err());
        // Text asked of an element with children.
        let mut r = XmlReader::new(b"<a><b/></a>");
        r.root().unwrap();
        assert_eq!(r.text().unwrap_err().message(), "expected text, found an element");
    }

    #[test]
    fn mixed_content_names_and_attributes() {
        let doc = b"<ns:R xmlns:ns='urn:x' b=\"2&amp;\" a='1\n'>lead<![CDATA[<c>]]>&#65;<!--x-->z<ns:E/> \n<F>f</F>tail</ns:R>";
        let mut r = XmlReader::new(doc);
        let root = r.root().unwrap();
        assert_eq!((root.name(), root.qualified_name()), ("R", "ns:R"));
        let attributes = root.attributes().unwrap();
        let expected = [("xmlns:ns", "urn:x"), ("b", "2&"), ("a", "1 ")].map(|(n, v)| (n.to_owned(), v.to_owned()));
        assert_eq!(attributes, expected);
        let mut text = String::new();
        let child = r.next_child_with_text(&mut text).unwrap().unwrap();
        assert_eq!((child.qualified_name(), text.as_str()), ("ns:E", "lead<c>Az"));
        assert!(child.attributes().unwrap().is_empty());
        text.clear();
        // The empty element's content, then the whitespace after it.
        assert!(r.next_child_with_text(&mut text).unwrap().is_none());
        assert_eq!(text, "");
        let child = r.next_child_with_text(&mut text).unwrap().unwrap();
        assert_eq!((child.qualified_name(), text.as_str()), ("F", " \n"));
        assert_eq!(r.text().unwrap(), "f");
        text.clear();
        assert!(r.next_child_with_text(&mut text).unwrap().is_none());
        assert_eq!(text, "tail");
        r.finish().unwrap();
        // Misuse, refused references, repeated attributes and depth are errors, as elsewhere.
        assert!(XmlReader::new(b"<a/>").next_child_with_text(&mut text).is_err());
        let mut r = XmlReader::new(b"<a>&e;</a>");
        r.root().unwrap();
        assert_eq!(r.next_child_with_text(&mut text).unwrap_err().message(), "unknown entity `&e;`");
        let mut r = XmlReader::new(b"<a>text");
        r.root().unwrap();
        assert!(r.next_child_with_text(&mut text).is_err());
        assert!(XmlReader::new(b"<a x='1' x='2'/>").root().unwrap().attributes().is_err());
        let input = "<a>".repeat(MAX_DEPTH + 1);
        let mut r = XmlReader::new(input.as_bytes());
        r.root().unwrap();
        let err = (0..MAX_DEPTH).try_for_each(|_| r.next_child_with_text(&mut text).map(drop)).unwrap_err();
        assert!(err.message().contains("nested more than"), "{err}");
        // Every truncation and single-byte damage of the document is read or refused, never a panic.
        fn walk(r: &mut XmlReader<'_>, text: &mut String) -> Result<(), XmlError> {
            while let Some(child) = r.next_child_with_text(text)? {
                child.attributes()?;
                walk(r, text)?;
            }
            Ok(())
        }
        let mut read = 0;
        for at in 0..=doc.len() {
            for replacement in [None, Some(b'<'), Some(b'&'), Some(b'>')] {
                let mut bytes = doc[..at].to_vec();
                if let Some(byte) = replacement {
                    bytes.push(byte);
                    bytes.extend_from_slice(doc.get(at + 1..).unwrap_or_default());
                }
                let mut r = XmlReader::new(&bytes);
                match r
                    .root()
                    .and_then(|root| root.attributes())
                    .and_then(|_| walk(&mut r, &mut text))
                    .and_then(|()| r.finish())
                {
                    Ok(()) => read += 1,
                    Err(err) => assert!(err.offset().map_or(true, |o| o <= bytes.len() as u64), "{err}"),
                }
            }
        }
        assert!(read > 0);
    }

    #[test]
    fn nesting_is_limited() {
        let deep = |n: usize| format!("{}{}", "<a>".repeat(n), "</a>".repeat(n));
        assert!(read_document(deep(MAX_DEPTH).as_bytes()).is_ok());
        let err = read_document(deep(MAX_DEPTH + 1).as_bytes()).unwrap_err();
        assert!(err.message().contains("nested more than 128"), "{err}");
        // Skipping counts too, and far deeper input fails the same way.
        let input = "<a>".repeat(100_000);
        let mut r = XmlReader::new(input.as_bytes());
        r.root().unwrap();
        r.next_child().unwrap();
        assert!(r.skip().unwrap_err().message().contains("nested more than"));
    }

    #[test]
    fn the_writer_escapes_and_the_reader_takes_it_back() {
        let tricky = "a & b < c > d \" e ' f\r\n g\u{85}\u{2028} é😀";
        let mut w = XmlWriter::new();
        w.start("Root");
        w.attribute("attr", tricky);
        w.start("Text");
        w.text(tricky);
        w.end("Text");
        w.start("Empty");
        w.end("Empty");
        w.end("Root");
        let doc = w.finish();
        assert!(
            doc.starts_with("<Root attr=\"a &amp; b &lt; c &gt; d &quot; e &apos; f&#xD;&#xA; g&#x85;&#x2028;"),
            "{doc}"
        );
        let mut r = XmlReader::new(doc.as_bytes());
        let root = r.root().unwrap();
        assert_eq!(root.attribute("attr").unwrap().as_deref(), Some(tricky));
        assert_eq!(r.next_child().unwrap().map(|e| e.name().to_owned()).as_deref(), Some("Text"));
        assert_eq!(r.text().unwrap(), tricky);
        assert_eq!(r.next_child().unwrap().map(|e| e.name().to_owned()).as_deref(), Some("Empty"));
        assert_eq!(r.text().unwrap(), "");
        assert!(r.next_child().unwrap().is_none());
        r.finish().unwrap();
    }

    #[test]
    fn random_and_damaged_documents_never_panic() {
        let seeds: &[&[u8]] = &[
            b"<?xml version=\"1.0\"?><R a=\"1&amp;\"><N>x &lt; y</N><L><m>1</m><m/></L><![CDATA[z]]></R>",
            b"<ErrorResponse><Error><Type>Sender</Type><Code>Bad</Code><Message>m&#x41;</Message></Error><RequestId>r</RequestId></ErrorResponse>",
        ];
        let alphabet = b"<>/=\"'&;#x![]?- \nabAB01CDATA";
        let mut rng = Rng::new("xml");
        let mut below = |n: usize| rng.below(n as u64) as usize;
        let mut read = 0;
        for round in 0..20_000 {
            let bytes: Vec<u8> = if round % 4 == 0 {
                (0..below(48)).map(|_| alphabet[below(alphabet.len())]).collect()
            } else {
                let mut bytes = seeds[below(seeds.len())].to_vec();
                for _ in 0..=below(4) {
                    let at = below(bytes.len() + 1);
                    match below(4) {
                        0 if at < bytes.len() => {
                            bytes.remove(at);
                        }
                        1 if at < bytes.len() => bytes[at] = alphabet[below(alphabet.len())],
                        2 => bytes.truncate(at),
                        _ => bytes.insert(at, alphabet[below(alphabet.len())]),
                    }
                }
                bytes
            };
            match read_document(&bytes) {
                Ok(_) => read += 1,
                Err(err) => assert!(err.offset().is_some_and(|o| o <= bytes.len() as u64), "{err}"),
            }
            // Skipping the root's children the way deserializers skip unknown members.
            let mut r = XmlReader::new(&bytes);
            let _ = (|| -> Result<(), XmlError> {
                r.root()?;
                while r.next_child()?.is_some() {
                    r.skip()?;
                }
                r.finish()
            })();
        }
        assert!(read > 1_000, "only {read} documents read");
    }

    fn response(status: u16, body: &str) -> HttpResponse {
        HttpResponse::new(status, crate::http::Headers::new(), body.as_bytes().to_vec())
    }

    #[test]
    fn aws_query_errors() {
        let body = "<ErrorResponse><Error><Type>Sender</Type><Code>InvalidParameterValue</Code>\
            <Message>bad &amp; wrong</Message><Extra>1</Extra></Error><RequestId>req-1</RequestId></ErrorResponse>";
        let meta = error_metadata(&response(400, body), ErrorLayout::Wrapped);
        assert_eq!(meta.code(), Some("InvalidParameterValue"));
        assert_eq!(meta.message(), Some("bad & wrong"));
        assert_eq!(meta.extra("type"), Some("Sender"));
        assert_eq!(meta.request_id(), Some("req-1"));
        assert_eq!(meta.status(), Some(400));
        let mut r = XmlReader::new(body.as_bytes());
        enter_error(&mut r, ErrorLayout::Wrapped).unwrap();
        let names: Vec<String> = std::iter::from_fn(|| {
            let name = r.next_child().unwrap()?.name().to_owned();
            r.skip().unwrap();
            Some(name)
        })
        .collect();
        assert_eq!(names, ["Type", "Code", "Message", "Extra"]);
    }

    #[test]
    fn ec2_query_errors() {
        let body = "<Response><Errors><Error><Code>InvalidInstanceID.NotFound</Code><Message>gone</Message></Error>\
            <Error><Code>Second</Code></Error></Errors><RequestID>req-2</RequestID></Response>";
        let meta = error_metadata(&response(400, body), ErrorLayout::Ec2);
        assert_eq!(meta.code(), Some("InvalidInstanceID.NotFound"));
        assert_eq!(meta.message(), Some("gone"));
        assert_eq!(meta.request_id(), Some("req-2"));
        let mut r = XmlReader::new(body.as_bytes());
        enter_error(&mut r, ErrorLayout::Ec2).unwrap();
        assert_eq!(r.next_child().unwrap().map(|e| e.name().to_owned()).as_deref(), Some("Code"));
    }

    #[test]
    fn unreadable_error_bodies_keep_what_was_found() {
        let mut headers = crate::http::Headers::new();
        headers.insert("x-amzn-requestid", "from-header");
        let html = HttpResponse::new(503, headers, b"<html><body>Service Unavailable".to_vec());
        let meta = error_metadata(&html, ErrorLayout::Wrapped);
        assert_eq!((meta.code(), meta.request_id(), meta.status()), (None, Some("from-header"), Some(503)));
        let truncated = "<ErrorResponse><Error><Code>Throttling</Code><Message>slow do";
        let meta = error_metadata(&response(400, truncated), ErrorLayout::Wrapped);
        assert_eq!(meta.code(), Some("Throttling"));
        assert_eq!(error_metadata(&response(400, ""), ErrorLayout::Ec2).code(), None);
        // The dialect decides which wrapper counts.
        let aws = "<ErrorResponse><Error><Code>C</Code></Error></ErrorResponse>";
        assert_eq!(error_metadata(&response(400, aws), ErrorLayout::Ec2).code(), None);
        let mut r = XmlReader::new(b"<Response><Errors></Errors></Response>");
        assert!(enter_error(&mut r, ErrorLayout::Ec2).is_err());
    }

    #[test]
    fn bare_errors() {
        let body = "<Error><Code>NoSuchKey</Code><Message>The key does not exist</Message>\
            <Key>k</Key><RequestId>req-3</RequestId><HostId>h</HostId></Error>";
        let meta = error_metadata(&response(404, body), ErrorLayout::Bare);
        assert_eq!((meta.code(), meta.request_id()), (Some("NoSuchKey"), Some("req-3")));
        let mut r = XmlReader::new(body.as_bytes());
        enter_error(&mut r, ErrorLayout::Bare).unwrap();
        assert_eq!(r.next_child().unwrap().map(|e| e.name().to_owned()).as_deref(), Some("Code"));
        assert_eq!(error_metadata(&response(404, body), ErrorLayout::Wrapped).code(), None);
        assert!(is_error_document(body.as_bytes()));
        assert!(!is_error_document(b"<CompleteMultipartUploadResult/>") && !is_error_document(b""));
    }

    #[test]
    fn a_bodiless_s3_404_is_not_found() {
        assert_eq!(error_metadata(&response(404, ""), ErrorLayout::Bare).code(), Some("NotFound"));
        assert_eq!(error_metadata(&response(404, ""), ErrorLayout::Wrapped).code(), None);
        assert_eq!(error_metadata(&response(403, ""), ErrorLayout::Bare).code(), None);
    }
}
