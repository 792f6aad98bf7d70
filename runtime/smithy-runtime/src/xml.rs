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
use std::error::Error;
use std::fmt;

use quick_xml::events::{BytesRef, BytesStart, Event};

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
}
