//! The IDL grammar: a scannerless recursive-descent parser from text to [`File`], the file's
//! statements with shape ids still as written. Whitespace is significant in the grammar (`SP`
//! versus line breaks), so the parser works on characters rather than tokens.

use super::text;

/// A byte offset into the file; turned into a line and column only for errors.
pub(super) type Pos = usize;

/// A node value as written: unquoted shape ids are kept for resolution.
#[derive(Clone, Debug)]
pub(super) enum Node {
    Null,
    Bool(bool),
    Number(serde_json::Number),
    String(String),
    ShapeId(String, Pos),
    Array(Vec<Node>),
    Object(Vec<(String, Pos, Node)>),
}

#[derive(Clone, Debug)]
pub(super) struct Trait {
    pub id: String,
    pub pos: Pos,
    /// `None` when written without a value (`@foo` or `@foo()`).
    pub value: Option<Node>,
}

#[derive(Clone, Debug)]
pub(super) struct Member {
    pub name: String,
    pub pos: Pos,
    /// `None` for an elided target (`$name`).
    pub target: Option<(String, Pos)>,
    pub docs: Option<String>,
    pub traits: Vec<Trait>,
    /// `= value`: the default of a structure member, the value of an enum member.
    pub value: Option<(Node, Pos)>,
}

#[derive(Clone, Debug)]
pub(super) enum Io {
    Target(String),
    /// An inline structure, defined as its own shape under this name.
    Inline(String),
}

#[derive(Clone, Debug, Default)]
pub(super) struct OperationBody {
    pub input: Option<Io>,
    pub output: Option<Io>,
    pub errors: Option<Vec<(String, Pos)>>,
}

#[derive(Clone, Debug)]
pub(super) enum Body {
    Simple,
    Members(Vec<Member>),
    /// Service and resource properties.
    Entity(Vec<(String, Pos, Node)>),
    Operation(OperationBody),
}

#[derive(Clone, Debug)]
pub(super) struct Shape {
    pub kind: &'static str,
    pub name: String,
    /// Where the name is.
    pub pos: Pos,
    pub docs: Option<String>,
    pub traits: Vec<Trait>,
    pub mixins: Vec<(String, Pos)>,
    pub for_resource: Option<(String, Pos)>,
    pub body: Body,
    /// `input` or `output` for inline operation structures.
    pub inline_io: Option<&'static str>,
}

#[derive(Clone, Debug)]
pub(super) struct Apply {
    pub target: String,
    pub pos: Pos,
    pub traits: Vec<Trait>,
}

#[derive(Debug, Default)]
pub(super) struct File {
    /// 1 or 2; 1 when the file has no `$version`.
    pub version: u8,
    pub metadata: Vec<(String, Pos, Node)>,
    pub namespace: Option<(String, Pos)>,
    pub uses: Vec<(String, Pos)>,
    pub shapes: Vec<Shape>,
    pub applies: Vec<Apply>,
    pub warnings: Vec<(Pos, String)>,
}

/// Nesting of node values deeper than this is refused rather than risking the stack.
const MAX_DEPTH: usize = 200;

const SIMPLE_TYPES: &[&str] = &[
    "blob",
    "boolean",
    "document",
    "string",
    "byte",
    "short",
    "integer",
    "long",
    "float",
    "double",
    "bigInteger",
    "bigDecimal",
    "timestamp",
];
const AGGREGATE_TYPES: &[&str] = &["list", "set", "map", "union", "structure"];

pub(super) struct Parser<'a> {
    src: &'a str,
    bytes: &'a [u8],
    pos: Pos,
    /// Documentation comment lines of the whitespace run ending at `docs_end`.
    docs: Vec<String>,
    docs_end: Pos,
    depth: usize,
    input_suffix: String,
    output_suffix: String,
    file: File,
}

/// A parse error: where, and what.
pub(super) type PResult<T> = Result<T, (Pos, String)>;

fn is_alpha(b: u8) -> bool {
    b.is_ascii_alphabetic()
}

fn is_ident_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

impl<'a> Parser<'a> {
    pub(super) fn new(src: &'a str) -> Self {
        // A byte order mark is not content.
        let start = if src.starts_with('\u{feff}') { '\u{feff}'.len_utf8() } else { 0 };
        Parser {
            src,
            bytes: src.as_bytes(),
            pos: start,
            docs: Vec::new(),
            docs_end: usize::MAX,
            depth: 0,
            input_suffix: "Input".to_owned(),
            output_suffix: "Output".to_owned(),
            file: File { version: 1, ..File::default() },
        }
    }

    // ----- low-level helpers -----

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn peek_at(&self, offset: usize) -> Option<u8> {
        self.bytes.get(self.pos + offset).copied()
    }

    fn eof(&self) -> bool {
        self.pos >= self.bytes.len()
    }

    fn starts_with(&self, s: &str) -> bool {
        self.bytes[self.pos.min(self.bytes.len())..].starts_with(s.as_bytes())
    }

    /// The identifier-like word at `pos` (possibly empty).
    fn word_at(&self, pos: Pos) -> &'a str {
        let end = self.bytes[pos.min(self.bytes.len())..].iter().take_while(|b| is_ident_char(**b)).count();
        &self.src[pos.min(self.bytes.len())..pos.min(self.bytes.len()) + end]
    }

    fn word(&self) -> &'a str {
        self.word_at(self.pos)
    }

    /// Whether the keyword `kw` is at `pos` as a whole word.
    fn keyword(&self, kw: &str) -> bool {
        self.word() == kw
    }

    /// Describes what is at `pos`, for "found ..." in messages.
    pub(super) fn describe(&self, pos: Pos) -> String {
        let Some(&b) = self.bytes.get(pos) else { return "end of file".to_owned() };
        match b {
            b'\n' => "a line break".to_owned(),
            b'\r' if self.bytes.get(pos + 1) == Some(&b'\n') => "a line break".to_owned(),
            b' ' | b'\t' => "a space".to_owned(),
            b'/' if self.bytes.get(pos + 1) == Some(&b'/') => "a comment".to_owned(),
            b'"' if self.bytes[pos..].starts_with(b"\"\"\"") => "a text block".to_owned(),
            b'"' => "a string".to_owned(),
            _ if is_ident_char(b) => format!("`{}`", self.word_at(pos)),
            b':' if self.bytes.get(pos + 1) == Some(&b'=') => "`:=`".to_owned(),
            _ => {
                let c = self.src[pos..].chars().next().unwrap_or('?');
                format!("`{c}`")
            }
        }
    }

    fn fail<T>(&self, pos: Pos, message: impl Into<String>) -> PResult<T> {
        Err((pos, message.into()))
    }

    fn expected<T>(&self, what: &str) -> PResult<T> {
        self.fail(self.pos, format!("expected {what}, found {}", self.describe(self.pos)))
    }

    /// 1-based line and column of `pos`, for messages that point elsewhere.
    pub(super) fn line_col(&self, pos: Pos) -> (usize, usize) {
        line_col(self.src, pos)
    }

    fn at(&self, pos: Pos) -> String {
        let (line, column) = self.line_col(pos);
        format!("{line}:{column}")
    }

    fn expect_byte(&mut self, b: u8, what: &str) -> PResult<()> {
        if self.peek() == Some(b) {
            self.pos += 1;
            Ok(())
        } else {
            self.expected(what)
        }
    }

    /// `:` that is not the start of `:=`.
    fn expect_colon(&mut self, after: &str) -> PResult<()> {
        if self.peek() == Some(b':') && self.peek_at(1) != Some(b'=') {
            self.pos += 1;
            Ok(())
        } else {
            self.expected(&format!("`:` after {after}"))
        }
    }

    // ----- whitespace -----

    /// `[SP]`: spaces and tabs.
    fn sp(&mut self) -> bool {
        let start = self.pos;
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.pos += 1;
        }
        self.pos > start
    }

    fn require_sp(&mut self, after: &str) -> PResult<()> {
        if self.sp() {
            Ok(())
        } else {
            self.expected(&format!("a space after {after}"))
        }
    }

    /// `[WS]`: spaces, line breaks, commas and comments. Collects documentation comments: the
    /// ones in the run of whitespace just before a shape or member document it.
    fn ws(&mut self) -> bool {
        let start = self.pos;
        if self.pos != self.docs_end {
            self.docs.clear();
        }
        loop {
            match self.peek() {
                Some(b' ' | b'\t' | b'\n' | b'\r' | b',') => self.pos += 1,
                Some(b'/') if self.peek_at(1) == Some(b'/') => self.comment(),
                _ => break,
            }
        }
        self.docs_end = self.pos;
        self.pos > start
    }

    /// A comment from `//` to the end of the line; a `///` comment that starts its line is
    /// documentation.
    fn comment(&mut self) {
        let start = self.pos;
        let line_start = self.bytes[..start].iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
        let first_on_line = self.bytes[line_start..start].iter().all(|b| matches!(b, b' ' | b'\t' | b','));
        let end = self.bytes[start..].iter().position(|b| *b == b'\n').map_or(self.bytes.len(), |i| start + i);
        let is_doc = first_on_line && self.bytes[start..].starts_with(b"///");
        if is_doc {
            let line = self.src[start + 3..end].trim_end_matches('\r');
            self.docs.push(line.strip_prefix(' ').unwrap_or(line).to_owned());
        }
        self.pos = end;
    }

    /// `BR`: a line break or comment (end of file counts too), then any whitespace.
    fn br(&mut self, after: &str) -> PResult<()> {
        let start = self.pos;
        while matches!(self.peek(), Some(b' ' | b'\t' | b',')) {
            self.pos += 1;
        }
        let breaks = match self.peek() {
            None | Some(b'\n' | b'\r') => true,
            Some(b'/') => self.peek_at(1) == Some(b'/'),
            _ => false,
        };
        if !breaks {
            let found = self.describe(self.pos);
            return Err((self.pos, format!("expected a line break after {after}, found {found}")));
        }
        // Keep documentation comments of this run: restart the run at `start`.
        if self.docs_end != start {
            self.docs.clear();
        }
        self.docs_end = self.pos;
        self.ws();
        Ok(())
    }

    /// Documentation comments in the whitespace just before `pos`.
    fn take_docs(&mut self) -> Option<String> {
        if self.docs_end != self.pos || self.docs.is_empty() {
            return None;
        }
        let docs = self.docs.join("\n");
        self.docs.clear();
        Some(docs)
    }

    // ----- identifiers and shape ids -----

    /// `Identifier`: a letter, or underscores then a letter or digit; then letters, digits, `_`.
    fn identifier(&mut self, what: &str) -> PResult<String> {
        let start = self.pos;
        match self.peek() {
            Some(b) if is_alpha(b) => {}
            Some(b'_') => {
                while self.peek() == Some(b'_') {
                    self.pos += 1;
                }
                if !self.peek().is_some_and(|b| b.is_ascii_alphanumeric()) {
                    let found = self.describe(self.pos);
                    return self
                        .fail(self.pos, format!("expected a letter or digit after `_` in {what}, found {found}"));
                }
            }
            _ => return self.expected(what),
        }
        while self.peek().is_some_and(is_ident_char) {
            self.pos += 1;
        }
        Ok(self.src[start..self.pos].to_owned())
    }

    /// `ShapeId`: `[namespace#]Name[$member]`, returned as written.
    fn shape_id(&mut self, what: &str) -> PResult<(String, Pos)> {
        let start = self.pos;
        self.identifier(what)?;
        let mut dotted = false;
        while self.peek() == Some(b'.') {
            self.pos += 1;
            self.identifier("a namespace part after `.`")?;
            dotted = true;
        }
        if self.peek() == Some(b'#') {
            self.pos += 1;
            self.identifier("a shape name after `#`")?;
        } else if dotted {
            return self.expected("`#` and a shape name after the namespace");
        }
        if self.peek() == Some(b'$') {
            self.pos += 1;
            self.identifier("a member name after `$`")?;
        }
        Ok((self.src[start..self.pos].to_owned(), start))
    }

    // ----- node values -----

    fn node_value(&mut self) -> PResult<Node> {
        match self.peek() {
            Some(b'[') => self.node_array(),
            Some(b'{') => Ok(Node::Object(self.node_object()?)),
            Some(b'"') => self.string_value(),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(b) if is_alpha(b) || b == b'_' => {
                let (id, pos) = self.shape_id("a value")?;
                Ok(match id.as_str() {
                    "true" => Node::Bool(true),
                    "false" => Node::Bool(false),
                    "null" => Node::Null,
                    _ => Node::ShapeId(id, pos),
                })
            }
            _ => self.expected("a value (a string, text block, number, true, false, null, shape id, `[` or `{`)"),
        }
    }

    fn enter(&mut self) -> PResult<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return self.fail(self.pos, format!("values are nested more than {MAX_DEPTH} levels deep"));
        }
        Ok(())
    }

    fn node_array(&mut self) -> PResult<Node> {
        let open = self.pos;
        self.enter()?;
        self.pos += 1;
        let mut items = Vec::new();
        loop {
            self.ws();
            match self.peek() {
                Some(b']') => break,
                None => {
                    return self.expected(&format!("a value or `]` to close the list opened at {}", self.at(open)));
                }
                _ => items.push(self.node_value()?),
            }
        }
        self.pos += 1;
        self.depth -= 1;
        Ok(Node::Array(items))
    }

    fn node_object(&mut self) -> PResult<Vec<(String, Pos, Node)>> {
        let open = self.pos;
        self.enter()?;
        self.expect_byte(b'{', "`{`")?;
        let mut entries: Vec<(String, Pos, Node)> = Vec::new();
        self.ws();
        loop {
            if self.peek() == Some(b'}') {
                break;
            }
            if self.eof() {
                return self.expected(&format!("`}}` to close the object opened at {}", self.at(open)));
            }
            let (key, key_pos) = self.object_key()?;
            self.ws();
            self.expect_colon(&format!("the key `{key}`"))?;
            self.ws();
            let value = self.node_value()?;
            if entries.iter().any(|(k, _, _)| *k == key) {
                return self.fail(key_pos, format!("duplicate key `{key}` in an object"));
            }
            entries.push((key, key_pos, value));
            let separated = self.ws();
            if self.peek() != Some(b'}') && !separated {
                return self.expected("`,`, a line break or `}` after an object value");
            }
        }
        self.pos += 1;
        self.depth -= 1;
        Ok(entries)
    }

    /// `NodeObjectKey`: a quoted string or an identifier.
    fn object_key(&mut self) -> PResult<(String, Pos)> {
        let pos = self.pos;
        match self.peek() {
            Some(b'"') if !self.starts_with("\"\"\"") => Ok((self.quoted_text()?, pos)),
            Some(b) if is_alpha(b) || b == b'_' => Ok((self.identifier("an object key")?, pos)),
            _ => self.expected("an object key (an identifier or a quoted string)"),
        }
    }

    fn string_value(&mut self) -> PResult<Node> {
        if self.starts_with("\"\"\"") {
            self.text_block().map(Node::String)
        } else {
            self.quoted_text().map(Node::String)
        }
    }

    /// The end of the string or text block whose contents start at `from`: the position of the
    /// closing quotes, skipping escaped characters.
    fn string_end(&self, from: Pos, triple: bool) -> Option<Pos> {
        let mut i = from;
        while i < self.bytes.len() {
            match self.bytes[i] {
                b'\\' => i += 2,
                b'"' if !triple || self.bytes[i..].starts_with(b"\"\"\"") => return Some(i),
                _ => i += 1,
            }
        }
        None
    }

    fn quoted_text(&mut self) -> PResult<String> {
        let start = self.pos;
        let Some(end) = self.string_end(start + 1, false) else {
            let (line, column) = self.line_col(start);
            return self.fail(
                self.bytes.len(),
                format!("unclosed string opened at {line}:{column}: expected `\"`, found end of file"),
            );
        };
        let raw = text::normalize_newlines(&self.src[start + 1..end]);
        self.pos = end + 1;
        text::unescape(&raw).map_err(|m| (start, m))
    }

    fn text_block(&mut self) -> PResult<String> {
        let start = self.pos;
        let mut i = start + 3;
        if self.bytes[i..].starts_with(b"\"\"\"") {
            return self
                .fail(start, "a text block cannot be empty: its opening `\"\"\"` must be followed by a line break");
        }
        while matches!(self.bytes.get(i), Some(b' ' | b'\t')) {
            i += 1;
        }
        match self.bytes.get(i) {
            Some(b'\n') => i += 1,
            Some(b'\r') if self.bytes.get(i + 1) == Some(&b'\n') => i += 2,
            _ => return self.fail(start, "a text block's opening `\"\"\"` must be followed by a line break"),
        }
        let Some(end) = self.string_end(i, true) else {
            let (line, column) = self.line_col(start);
            return self.fail(
                self.bytes.len(),
                format!("unclosed text block opened at {line}:{column}: expected `\"\"\"`, found end of file"),
            );
        };
        self.pos = end + 3;
        text::text_block(&self.src[i..end]).map_err(|m| (start, m))
    }

    fn number(&mut self) -> PResult<Node> {
        let start = self.pos;
        let digits = |p: &mut Self| {
            let from = p.pos;
            while p.peek().is_some_and(|b| b.is_ascii_digit()) {
                p.pos += 1;
            }
            p.pos > from
        };
        let mut float = false;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        let int_start = self.pos;
        if !digits(self) {
            return self.fail(start, "invalid number: `-` must be followed by a digit");
        }
        if self.bytes[int_start] == b'0' && self.pos - int_start > 1 {
            return self.fail(
                start,
                format!("invalid number `{}`: leading zeros are not allowed", &self.src[start..self.pos]),
            );
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            float = true;
            if !digits(self) {
                return self.fail(
                    start,
                    format!("invalid number `{}`: `.` must be followed by a digit", &self.src[start..self.pos]),
                );
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            float = true;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if !digits(self) {
                return self.fail(
                    start,
                    format!("invalid number `{}`: the exponent needs digits", &self.src[start..self.pos]),
                );
            }
        }
        let text = &self.src[start..self.pos];
        let number = if float {
            None
        } else if let Ok(n) = text.parse::<i64>() {
            Some(n.into())
        } else {
            text.parse::<u64>().ok().map(serde_json::Number::from)
        };
        // Integers beyond 64 bits, and floats a 64-bit float cannot hold exactly
        // (`0.100000000000000000000001`), keep their text (serde_json's `arbitrary_precision`),
        // as the reference implementation keeps them: `bigInteger`/`bigDecimal` values must not
        // pass through `f64`. Other floats are normalized (`1e3` is `1000.0`).
        let exact = || {
            serde_json::from_str::<serde_json::Number>(text).map_err(|_| (start, format!("invalid number `{text}`")))
        };
        let number = match number {
            Some(n) => n,
            None if !float => exact()?,
            None => {
                let value: f64 = text.parse().map_err(|_| (start, format!("invalid number `{text}`")))?;
                let as_float = serde_json::Number::from_f64(value).filter(|n| {
                    use smithy_runtime::primitives::BigDecimal;
                    BigDecimal::new(n.to_string()) == BigDecimal::new(text)
                });
                match as_float {
                    Some(n) => n,
                    None => exact()?,
                }
            }
        };
        Ok(Node::Number(number))
    }

    // ----- traits -----

    /// `TraitStatements`: `*(Trait [WS])`.
    fn traits(&mut self) -> PResult<Vec<Trait>> {
        let mut traits = Vec::new();
        while self.peek() == Some(b'@') {
            traits.push(self.trait_()?);
            self.ws();
        }
        Ok(traits)
    }

    fn trait_(&mut self) -> PResult<Trait> {
        let pos = self.pos;
        self.pos += 1;
        let (id, _) = self.shape_id("a trait name after `@`")?;
        if id.contains('$') {
            return self.fail(pos, format!("trait `@{id}` names a member; traits are shapes, not members"));
        }
        if self.peek() != Some(b'(') {
            return Ok(Trait { id, pos, value: None });
        }
        let open = self.pos;
        self.pos += 1;
        self.ws();
        let value = if self.peek() == Some(b')') {
            None
        } else if self.structured_trait_ahead() {
            let mut entries: Vec<(String, Pos, Node)> = Vec::new();
            loop {
                let (key, key_pos) = self.object_key()?;
                self.ws();
                self.expect_colon(&format!("the key `{key}`"))?;
                self.ws();
                let value = self.node_value()?;
                if entries.iter().any(|(k, _, _)| *k == key) {
                    return self.fail(key_pos, format!("duplicate key `{key}` in the value of `@{id}`"));
                }
                entries.push((key, key_pos, value));
                self.ws();
                if self.peek() == Some(b')') {
                    break;
                }
                if self.eof() {
                    return self.expected(&format!("`)` to close `@{id}(` opened at {}", self.at(open)));
                }
            }
            Some(Node::Object(entries))
        } else {
            let value = self.node_value()?;
            self.ws();
            Some(value)
        };
        if self.peek() != Some(b')') {
            return self.expected(&format!("`)` to close `@{id}(` opened at {}", self.at(open)));
        }
        self.pos += 1;
        Ok(Trait { id, pos, value })
    }

    /// Whether a trait body is `key: value` pairs: a key, whitespace, then `:`.
    fn structured_trait_ahead(&self) -> bool {
        let mut i = self.pos;
        match self.bytes.get(i) {
            Some(b'"') if !self.bytes[i..].starts_with(b"\"\"\"") => match self.string_end(i + 1, false) {
                Some(end) => i = end + 1,
                None => return false,
            },
            Some(&b) if is_alpha(b) || b == b'_' => {
                while self.bytes.get(i).is_some_and(|b| is_ident_char(*b)) {
                    i += 1;
                }
            }
            _ => return false,
        }
        loop {
            match self.bytes.get(i) {
                Some(b' ' | b'\t' | b'\n' | b'\r' | b',') => i += 1,
                Some(b'/') if self.bytes.get(i + 1) == Some(&b'/') => {
                    while self.bytes.get(i).is_some_and(|b| *b != b'\n') {
                        i += 1;
                    }
                }
                Some(b':') => return true,
                _ => return false,
            }
        }
    }

    // ----- statements -----

    pub(super) fn parse(mut self) -> PResult<File> {
        self.ws();
        self.control_section()?;
        self.metadata_section()?;
        if self.eof() {
            return Ok(self.file);
        }
        if !self.keyword("namespace") {
            return self.expected("a namespace statement (`namespace com.example`) before shapes");
        }
        self.namespace()?;
        while self.keyword("use") {
            self.use_statement()?;
        }
        while !self.eof() {
            self.shape_or_apply()?;
            self.br("a shape definition")?;
        }
        Ok(self.file)
    }

    fn control_section(&mut self) -> PResult<()> {
        let mut seen: Vec<String> = Vec::new();
        while self.peek() == Some(b'$') {
            self.pos += 1;
            let (key, _) = self.object_key()?;
            self.sp();
            self.expect_colon(&format!("`${key}`"))?;
            self.sp();
            let value_pos = self.pos;
            let value = self.node_value()?;
            if seen.contains(&key) {
                return self.fail(value_pos, format!("duplicate control statement `${key}`"));
            }
            seen.push(key.clone());
            match key.as_str() {
                "version" => {
                    let Node::String(version) = &value else {
                        return self.fail(value_pos, "`$version` must be a string, like \"2.0\"");
                    };
                    self.file.version = match version.as_str() {
                        "1" | "1.0" => 1,
                        "2" | "2.0" => 2,
                        other => {
                            return self.fail(
                                value_pos,
                                format!("unsupported Smithy IDL version `{other}`; supported: \"1.0\" and \"2.0\""),
                            )
                        }
                    };
                }
                "operationInputSuffix" | "operationOutputSuffix" => {
                    let Node::String(suffix) = value else {
                        return self.fail(value_pos, format!("`${key}` must be a string"));
                    };
                    if !suffix.bytes().all(is_ident_char) {
                        return self.fail(value_pos, format!("`${key}` must be made of letters, digits and `_`"));
                    }
                    if key == "operationInputSuffix" {
                        self.input_suffix = suffix;
                    } else {
                        self.output_suffix = suffix;
                    }
                }
                _ => self.file.warnings.push((value_pos, format!("unknown control statement `${key}` is ignored"))),
            }
            self.br("a control statement")?;
        }
        Ok(())
    }

    fn metadata_section(&mut self) -> PResult<()> {
        while self.keyword("metadata") {
            self.pos += "metadata".len();
            self.require_sp("`metadata`")?;
            let (key, key_pos) = self.object_key()?;
            self.sp();
            self.expect_byte(b'=', &format!("`=` after the metadata key `{key}`"))?;
            self.sp();
            let value = self.node_value()?;
            self.file.metadata.push((key, key_pos, value));
            self.br("a metadata statement")?;
        }
        Ok(())
    }

    fn namespace(&mut self) -> PResult<()> {
        self.pos += "namespace".len();
        self.require_sp("`namespace`")?;
        let pos = self.pos;
        let mut namespace = self.identifier("a namespace")?;
        while self.peek() == Some(b'.') {
            self.pos += 1;
            namespace.push('.');
            namespace.push_str(&self.identifier("a namespace part after `.`")?);
        }
        self.file.namespace = Some((namespace, pos));
        self.br("the namespace statement")
    }

    fn use_statement(&mut self) -> PResult<()> {
        self.pos += "use".len();
        self.require_sp("`use`")?;
        let pos = self.pos;
        self.identifier("an absolute shape id to use")?;
        while self.peek() == Some(b'.') {
            self.pos += 1;
            self.identifier("a namespace part after `.`")?;
        }
        if self.peek() != Some(b'#') {
            return self
                .expected("`#` and a shape name: use statements take an absolute shape id like `com.example#Name`");
        }
        self.pos = pos;
        let (id, _) = self.shape_id("an absolute shape id to use")?;
        if id.contains('$') {
            return self.fail(pos, format!("`use {id}`: use statements cannot import members"));
        }
        self.file.uses.push((id, pos));
        self.br("the use statement")
    }

    fn shape_or_apply(&mut self) -> PResult<()> {
        let docs = self.take_docs();
        let traits_pos = self.pos;
        let traits = self.traits()?;
        if self.keyword("apply") {
            if !traits.is_empty() {
                return self.fail(
                    self.pos,
                    format!(
                        "traits at {} come before an apply statement; put them in the apply statement instead",
                        self.at(traits_pos)
                    ),
                );
            }
            return self.apply();
        }
        self.shape(docs, traits)
    }

    fn apply(&mut self) -> PResult<()> {
        self.pos += "apply".len();
        self.require_sp("`apply`")?;
        let (target, pos) = self.shape_id("the shape id to apply traits to")?;
        if !self.ws() {
            return self.expected(&format!("whitespace after `apply {target}`"));
        }
        let traits = match self.peek() {
            Some(b'@') => vec![self.trait_()?],
            Some(b'{') => {
                let open = self.pos;
                self.pos += 1;
                self.ws();
                let traits = self.traits()?;
                if self.peek() != Some(b'}') {
                    return self
                        .expected(&format!("a trait or `}}` to close the apply block opened at {}", self.at(open)));
                }
                self.pos += 1;
                traits
            }
            _ => return self.expected(&format!("a trait (`@name`) or `{{` after `apply {target}`")),
        };
        self.file.applies.push(Apply { target, pos, traits });
        Ok(())
    }

    fn shape(&mut self, docs: Option<String>, traits: Vec<Trait>) -> PResult<()> {
        let type_pos = self.pos;
        let word = self.word();
        let kind: &'static str = match SIMPLE_TYPES
            .iter()
            .chain(AGGREGATE_TYPES)
            .chain(&["enum", "intEnum", "service", "resource", "operation"])
            .copied()
            .find(|t| *t == word)
        {
            Some(kind) => kind,
            None if word.is_empty() && self.eof() && !traits.is_empty() => {
                return self.expected("a shape definition after the traits");
            }
            None if word.is_empty() => return self.expected("a shape definition or apply statement"),
            None => {
                return self.fail(
                    type_pos,
                    format!("unknown shape type `{word}`; expected a shape type like `structure`, or `apply`"),
                )
            }
        };
        self.pos += kind.len();
        self.require_sp(&format!("`{kind}`"))?;
        let pos = self.pos;
        let name = self.identifier(&format!("a shape name after `{kind}`"))?;
        if kind == "set" && self.file.version >= 2 {
            return self.fail(type_pos, "`set` shapes cannot be used in Smithy 2.0; use a `list` with `@uniqueItems`");
        }
        if matches!(kind, "enum" | "intEnum") && self.file.version < 2 {
            return self.fail(type_pos, format!("`{kind}` shapes need `$version: \"2.0\"`"));
        }
        let mut shape = Shape {
            kind,
            name,
            pos,
            docs,
            traits,
            mixins: Vec::new(),
            for_resource: None,
            body: Body::Simple,
            inline_io: None,
        };
        if AGGREGATE_TYPES.contains(&kind) {
            shape.for_resource = self.for_resource()?;
        }
        shape.mixins = self.mixins()?;
        if SIMPLE_TYPES.contains(&kind) {
            self.file.shapes.push(shape);
            return Ok(());
        }
        self.ws();
        let what = format!("{kind} `{}`", shape.name);
        shape.body = match kind {
            "service" | "resource" => {
                if self.peek() != Some(b'{') {
                    return self.expected(&format!("`{{` to start the body of {what}"));
                }
                Body::Entity(self.node_object()?)
            }
            "operation" => Body::Operation(self.operation_body(&shape.name)?),
            _ => Body::Members(self.members(&what, matches!(kind, "enum" | "intEnum"))?),
        };
        self.file.shapes.push(shape);
        Ok(())
    }

    /// `[SP "for" SP ShapeId]`.
    fn for_resource(&mut self) -> PResult<Option<(String, Pos)>> {
        let save = self.pos;
        self.sp();
        if !self.keyword("for") {
            self.pos = save;
            return Ok(None);
        }
        let for_pos = self.pos;
        if self.file.version < 2 {
            return self.fail(for_pos, "`for` (binding a structure to a resource) needs `$version: \"2.0\"`");
        }
        self.pos += 3;
        self.require_sp("`for`")?;
        self.shape_id("a resource shape id after `for`").map(Some)
    }

    /// `[SP "with" [WS] "[" [WS] 1*(ShapeId [WS]) "]"]`.
    fn mixins(&mut self) -> PResult<Vec<(String, Pos)>> {
        let save = self.pos;
        self.sp();
        if !self.keyword("with") {
            self.pos = save;
            return Ok(Vec::new());
        }
        if self.file.version < 2 {
            return self.fail(self.pos, "mixins (`with [...]`) need `$version: \"2.0\"`");
        }
        self.pos += 4;
        self.ws();
        let open = self.pos;
        self.expect_byte(b'[', "`[` after `with`")?;
        self.ws();
        let mut mixins = Vec::new();
        loop {
            match self.peek() {
                Some(b']') if !mixins.is_empty() => break,
                None => return self.expected(&format!("`]` to close the mixin list opened at {}", self.at(open))),
                _ => mixins.push(self.shape_id("a mixin shape id")?),
            }
            self.ws();
        }
        self.pos += 1;
        Ok(mixins)
    }

    /// `"{" *(member) "}"` of aggregates and enums.
    fn members(&mut self, what: &str, is_enum: bool) -> PResult<Vec<Member>> {
        let open = self.pos;
        if self.peek() != Some(b'{') {
            return self.expected(&format!("`{{` to start the members of {what}"));
        }
        self.pos += 1;
        let mut members: Vec<Member> = Vec::new();
        loop {
            self.ws();
            if self.peek() == Some(b'}') {
                break;
            }
            if self.eof() {
                return self.expected(&format!("`}}` to close {what} opened at {}", self.at(open)));
            }
            let docs = self.take_docs();
            let traits = self.traits()?;
            let pos = self.pos;
            let member = if is_enum {
                let name = self.identifier("an enum member name")?;
                let value = self.value_assignment(&name)?;
                Member { name, pos, target: None, docs, traits, value }
            } else if self.peek() == Some(b'$') {
                if self.file.version < 2 {
                    return self.fail(pos, "eliding a member's target (`$name`) needs `$version: \"2.0\"`");
                }
                self.pos += 1;
                let name = self.identifier("a member name after `$`")?;
                let value = self.value_assignment(&name)?;
                Member { name, pos, target: None, docs, traits, value }
            } else {
                let name = self.identifier(&format!("a member name or `}}` in {what}"))?;
                self.sp();
                self.expect_colon(&format!("the member name `{name}`"))?;
                self.sp();
                let target = self.shape_id(&format!("the target shape of member `{name}`"))?;
                let value = self.value_assignment(&name)?;
                Member { name, pos, target: Some(target), docs, traits, value }
            };
            if let Some(other) = members.iter().find(|m| m.name.eq_ignore_ascii_case(&member.name)) {
                return self.fail(
                    member.pos,
                    format!(
                        "member `{}` of {what} conflicts with member `{}` at {}",
                        member.name,
                        other.name,
                        self.at(other.pos)
                    ),
                );
            }
            members.push(member);
        }
        self.pos += 1;
        Ok(members)
    }

    /// `[SP] "=" [SP] NodeValue [SP] [Comma] BR`.
    fn value_assignment(&mut self, member: &str) -> PResult<Option<(Node, Pos)>> {
        let save = self.pos;
        self.sp();
        if self.peek() != Some(b'=') {
            self.pos = save;
            return Ok(None);
        }
        if self.file.version < 2 {
            return self.fail(self.pos, "`= value` assignments need `$version: \"2.0\"`");
        }
        self.pos += 1;
        self.sp();
        let pos = self.pos;
        let value = self.node_value()?;
        self.sp();
        if self.peek() == Some(b',') {
            self.pos += 1;
        }
        self.br(&format!("the value of `{member}`"))?;
        Ok(Some((value, pos)))
    }

    fn operation_body(&mut self, operation: &str) -> PResult<OperationBody> {
        let open = self.pos;
        if self.peek() != Some(b'{') {
            return self.expected(&format!("`{{` to start the body of operation `{operation}`"));
        }
        self.pos += 1;
        let mut body = OperationBody::default();
        loop {
            self.ws();
            if self.peek() == Some(b'}') {
                break;
            }
            if self.eof() {
                return self.expected(&format!("`}}` to close operation `{operation}` opened at {}", self.at(open)));
            }
            let key_pos = self.pos;
            let key = self.identifier(&format!("`input`, `output`, `errors` or `}}` in operation `{operation}`"))?;
            match key.as_str() {
                "input" | "output" => {
                    let already = if key == "input" { body.input.is_some() } else { body.output.is_some() };
                    if already {
                        return self.fail(key_pos, format!("operation `{operation}` defines `{key}` twice"));
                    }
                    self.ws();
                    let io = if self.starts_with(":=") {
                        if self.file.version < 2 {
                            return self.fail(self.pos, "inline input and output (`:=`) need `$version: \"2.0\"`");
                        }
                        self.pos += 2;
                        let (role, suffix) = if key == "input" {
                            ("input", self.input_suffix.clone())
                        } else {
                            ("output", self.output_suffix.clone())
                        };
                        let name = format!("{operation}{suffix}");
                        self.inline_structure(name.clone(), role)?;
                        Io::Inline(name)
                    } else {
                        self.expect_colon(&format!("`{key}` (or `:=` for an inline structure)"))?;
                        self.ws();
                        let (id, _) = self.shape_id(&format!("the {key} shape id"))?;
                        Io::Target(id)
                    };
                    if key == "input" {
                        body.input = Some(io);
                    } else {
                        body.output = Some(io);
                    }
                }
                "errors" => {
                    if body.errors.is_some() {
                        return self.fail(key_pos, format!("operation `{operation}` defines `errors` twice"));
                    }
                    self.ws();
                    self.expect_colon("`errors`")?;
                    self.ws();
                    let list_open = self.pos;
                    self.expect_byte(b'[', "`[` to start the error list")?;
                    let mut errors = Vec::new();
                    loop {
                        self.ws();
                        match self.peek() {
                            Some(b']') => break,
                            None => {
                                return self
                                    .expected(&format!("`]` to close the error list opened at {}", self.at(list_open)))
                            }
                            _ => errors.push(self.shape_id("an error shape id")?),
                        }
                    }
                    self.pos += 1;
                    body.errors = Some(errors);
                }
                other => {
                    return self.fail(
                        key_pos,
                        format!("unknown operation property `{other}`; operations have `input`, `output` and `errors`"),
                    )
                }
            }
        }
        self.pos += 1;
        Ok(body)
    }

    /// `[WS] TraitStatements [ForResource] [Mixins] [WS] ShapeMembers` after `:=`.
    fn inline_structure(&mut self, name: String, role: &'static str) -> PResult<()> {
        let pos = self.pos;
        self.ws();
        let docs = self.take_docs();
        let traits = self.traits()?;
        let for_resource = self.for_resource()?;
        let mixins = self.mixins()?;
        self.ws();
        let what = format!("the inline {role} structure `{name}`");
        let members = self.members(&what, false)?;
        self.file.shapes.push(Shape {
            kind: "structure",
            name,
            pos,
            docs,
            traits,
            mixins,
            for_resource,
            body: Body::Members(members),
            inline_io: Some(role),
        });
        Ok(())
    }
}

/// 1-based line and column (in characters) of byte offset `pos` in `src`.
pub(super) fn line_col(src: &str, pos: Pos) -> (usize, usize) {
    let mut pos = pos.min(src.len());
    while !src.is_char_boundary(pos) {
        pos -= 1;
    }
    let before = &src[..pos];
    let line = before.bytes().filter(|b| *b == b'\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}
