//! JSON support for JSON-based protocols such as `restJson1`: a compact writer
//! for request bodies ([`JsonWriter`]), a strict parser for response bodies
//! ([`parse`], producing a [`JsonValue`] tree) and the typed conversions
//! (`expect_*`) that generated deserializers apply to the parsed values.
//!
//! Everything here is implemented with the standard library only. The parser
//! never panics: malformed input, nesting deeper than 512 levels and values of
//! the wrong type are all reported as a [`JsonError`].

use std::error::Error;
use std::fmt::{self, Write as _};
use std::str::FromStr;

use crate::primitives::{base64, Blob, DateTime, Document, Format, Number};

/// How deeply arrays and objects may nest before [`parse`] gives up.
const MAX_DEPTH: usize = 512;

/// How many characters of an offending value error messages quote.
const MAX_SHOWN: usize = 64;

// ---------------------------------------------------------------------------
// Writer
// ---------------------------------------------------------------------------

/// Writes compact JSON text.
///
/// Values are appended in document order: open containers with
/// [`begin_object`](JsonWriter::begin_object) / [`begin_array`](JsonWriter::begin_array),
/// precede each object member's value with [`key`](JsonWriter::key), and close
/// them again. Commas are inserted automatically. The writer does not check
/// that calls are balanced; the generated serializers always balance them.
///
/// For example `begin_object`, `key("a")`, `begin_array`, `i64(1)`,
/// `f64(2.5)`, `end_array`, `end_object` writes `{"a":[1,2.5]}`.
#[derive(Clone, Debug, Default)]
pub struct JsonWriter {
    out: String,
    /// Whether the next value or key must be preceded by a comma.
    needs_comma: bool,
}

impl JsonWriter {
    /// Creates an empty writer.
    pub fn new() -> Self {
        JsonWriter::default()
    }

    /// Creates an empty writer whose buffer can hold `capacity` bytes before
    /// reallocating.
    pub fn with_capacity(capacity: usize) -> Self {
        JsonWriter { out: String::with_capacity(capacity), needs_comma: false }
    }

    /// Writes the separator a new value needs and marks the value as written.
    fn value_start(&mut self) {
        if self.needs_comma {
            self.out.push(',');
        }
        self.needs_comma = true;
    }

    /// Opens an object (`{`).
    pub fn begin_object(&mut self) {
        self.value_start();
        self.out.push('{');
        self.needs_comma = false;
    }

    /// Closes the innermost object (`}`).
    pub fn end_object(&mut self) {
        self.out.push('}');
        self.needs_comma = true;
    }

    /// Opens an array (`[`).
    pub fn begin_array(&mut self) {
        self.value_start();
        self.out.push('[');
        self.needs_comma = false;
    }

    /// Closes the innermost array (`]`).
    pub fn end_array(&mut self) {
        self.out.push(']');
        self.needs_comma = true;
    }

    /// An object key; the next call writes its value. Commas are handled by the writer.
    pub fn key(&mut self, key: &str) {
        if self.needs_comma {
            self.out.push(',');
        }
        push_string(&mut self.out, key);
        self.out.push(':');
        self.needs_comma = false;
    }

    /// Writes a string, escaping `"`, `\` and every control character
    /// (U+0000 to U+001F). Other characters are written as UTF-8.
    pub fn string(&mut self, value: &str) {
        self.value_start();
        push_string(&mut self.out, value);
    }

    /// Writes `true` or `false`.
    pub fn bool(&mut self, value: bool) {
        self.value_start();
        self.out.push_str(if value { "true" } else { "false" });
    }

    /// Writes `null`.
    pub fn null(&mut self) {
        self.value_start();
        self.out.push_str("null");
    }

    /// Writes a signed integer.
    pub fn i64(&mut self, value: i64) {
        self.value_start();
        let _ = write!(self.out, "{value}");
    }

    /// Writes an unsigned integer.
    pub fn u64(&mut self, value: u64) {
        self.value_start();
        let _ = write!(self.out, "{value}");
    }

    /// Writes a double.
    ///
    /// Finite values use the shortest text that parses back to the same
    /// `f64`: plain decimal notation (`0.1`, `1.0`, `-0.0`) for magnitudes in
    /// `[1e-7, 1e21)` and zero, exponent notation (`1e300`, `5e-324`)
    /// otherwise. Integral values keep a `.0` so they read back as floats.
    /// The non-numeric values are written as the strings `"NaN"`,
    /// `"Infinity"` and `"-Infinity"`, as the AWS JSON protocols require.
    pub fn f64(&mut self, value: f64) {
        self.value_start();
        if value.is_finite() {
            push_float(&mut self.out, value, value);
        } else {
            self.out.push_str(non_finite_text(value.is_nan(), value > 0.0));
        }
    }

    /// Writes a float like [`f64`](JsonWriter::f64) does, using the shortest
    /// text that parses back to the same `f32` (so `1.1f32` is written `1.1`).
    pub fn f32(&mut self, value: f32) {
        self.value_start();
        if value.is_finite() {
            push_float(&mut self.out, value, f64::from(value));
        } else {
            self.out.push_str(non_finite_text(value.is_nan(), value > 0.0));
        }
    }

    /// Writes already-valid JSON number text (bigInteger/bigDecimal).
    ///
    /// The text is copied unchanged; passing anything other than a JSON
    /// number produces invalid JSON.
    pub fn number_text(&mut self, text: &str) {
        self.value_start();
        self.out.push_str(text);
    }

    /// Writes binary data as a base64 string.
    pub fn blob(&mut self, value: &Blob) {
        self.value_start();
        self.out.push('"');
        self.out.push_str(&base64::encode(value));
        self.out.push('"');
    }

    /// Timestamps: epoch-seconds as a JSON number (fractional when needed, e.g. 1515531081.123), date-time / http-date as strings.
    ///
    /// The textual formats only cover the years 0000 through 9999; a
    /// timestamp outside that range is written as epoch seconds instead.
    pub fn timestamp(&mut self, value: &DateTime, format: Format) {
        self.value_start();
        if format != Format::EpochSeconds {
            if let Ok(text) = value.fmt(format) {
                // Formatted timestamps contain nothing that needs escaping.
                self.out.push('"');
                self.out.push_str(&text);
                self.out.push('"');
                return;
            }
        }
        match value.fmt(Format::EpochSeconds) {
            Ok(text) => self.out.push_str(&text),
            Err(_) => {
                let _ = write!(self.out, "{}", value.secs());
            }
        }
    }

    /// Writes a document as the JSON value it represents. Object members are
    /// written in key order; non-finite floats become strings as in
    /// [`f64`](JsonWriter::f64).
    pub fn document(&mut self, value: &Document) {
        match value {
            Document::Object(members) => {
                self.begin_object();
                for (key, member) in members {
                    self.key(key);
                    self.document(member);
                }
                self.end_object();
            }
            Document::Array(items) => {
                self.begin_array();
                for item in items {
                    self.document(item);
                }
                self.end_array();
            }
            Document::Number(Number::PosInt(value)) => self.u64(*value),
            Document::Number(Number::NegInt(value)) => self.i64(*value),
            Document::Number(Number::Float(value)) => self.f64(*value),
            Document::String(value) => self.string(value),
            Document::Bool(value) => self.bool(*value),
            Document::Null => self.null(),
        }
    }

    /// Returns the JSON text written so far.
    pub fn finish(self) -> String {
        self.out
    }
}

/// The JSON string a non-finite float is written as.
fn non_finite_text(nan: bool, positive: bool) -> &'static str {
    if nan {
        "\"NaN\""
    } else if positive {
        "\"Infinity\""
    } else {
        "\"-Infinity\""
    }
}

/// Appends a finite float. `Display` and `LowerExp` both produce the shortest
/// round-trip digits for the value's own type; `magnitude_of` is the value
/// widened to `f64` to choose between them.
fn push_float<T: fmt::Display + fmt::LowerExp>(out: &mut String, value: T, magnitude_of: f64) {
    let magnitude = magnitude_of.abs();
    if magnitude == 0.0 || (1e-7..1e21).contains(&magnitude) {
        let start = out.len();
        let _ = write!(out, "{value}");
        if !out.get(start..).is_some_and(|text| text.contains('.')) {
            out.push_str(".0");
        }
    } else {
        // e.g. `1e300`, `5e-324`, `1.7976931348623157e308`: valid JSON numbers.
        let _ = write!(out, "{value:e}");
    }
}

const HEX_DIGITS: &[u8; 16] = b"0123456789abcdef";

/// Appends `value` as a quoted, escaped JSON string.
fn push_string(out: &mut String, value: &str) {
    out.reserve(value.len() + 2);
    out.push('"');
    let mut start = 0;
    for (index, &byte) in value.as_bytes().iter().enumerate() {
        let escape = match byte {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0x00..=0x1f => "",
            _ => continue,
        };
        // `index` is at an ASCII byte, hence on a character boundary.
        out.push_str(value.get(start..index).unwrap_or_default());
        if escape.is_empty() {
            out.push_str("\\u00");
            out.push(char::from(HEX_DIGITS[usize::from(byte >> 4)]));
            out.push(char::from(HEX_DIGITS[usize::from(byte & 0x0f)]));
        } else {
            out.push_str(escape);
        }
        start = index + 1;
    }
    out.push_str(value.get(start..).unwrap_or_default());
    out.push('"');
}

// ---------------------------------------------------------------------------
// Values and errors
// ---------------------------------------------------------------------------

/// A parsed JSON value. Numbers keep their source text so integers, floats and big numbers all convert exactly.
#[derive(Clone, Debug, PartialEq)]
pub enum JsonValue {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number, as its JSON text (for example `-12`, `1.5e3`).
    Number(String),
    /// A string, unescaped.
    String(String),
    /// An array.
    Array(Vec<JsonValue>),
    /// An object's members in document order, duplicates included.
    Object(Vec<(String, JsonValue)>),
}

impl JsonValue {
    /// Whether this is [`JsonValue::Null`].
    pub fn is_null(&self) -> bool {
        matches!(self, JsonValue::Null)
    }

    /// The member `key` of an object (the last one if repeated), None for other values.
    pub fn get(&self, key: &str) -> Option<&JsonValue> {
        match self {
            JsonValue::Object(members) => members.iter().rev().find(|(name, _)| name == key).map(|(_, value)| value),
            _ => None,
        }
    }

    /// What kind of value this is, with an article, for error messages.
    fn kind(&self) -> &'static str {
        match self {
            JsonValue::Null => "null",
            JsonValue::Bool(_) => "a boolean",
            JsonValue::Number(_) => "a number",
            JsonValue::String(_) => "a string",
            JsonValue::Array(_) => "an array",
            JsonValue::Object(_) => "an object",
        }
    }
}

/// JSON text could not be parsed, or a parsed value does not have the type a
/// deserializer expected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JsonError {
    message: String,
    offset: Option<usize>,
}

impl JsonError {
    /// Creates an error with a human-readable explanation and no position.
    pub fn new(message: impl Into<String>) -> Self {
        JsonError { message: message.into(), offset: None }
    }

    fn at(offset: usize, message: impl Into<String>) -> Self {
        JsonError { message: message.into(), offset: Some(offset) }
    }

    /// The explanation, without the position.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The byte offset in the input where parsing failed, for syntax errors.
    pub fn offset(&self) -> Option<usize> {
        self.offset
    }
}

impl fmt::Display for JsonError {
    /// Writes `invalid JSON at byte 12: expected `,` or `}`` for syntax errors
    /// and just the message (e.g. `expected a string, found a number`) otherwise.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.offset {
            Some(offset) => write!(f, "invalid JSON at byte {offset}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl Error for JsonError {}

// ---------------------------------------------------------------------------
// Parser
// ---------------------------------------------------------------------------

/// Parses JSON text strictly as RFC 8259 defines it.
///
/// The input must be UTF-8 (no byte order mark) holding exactly one value,
/// optionally surrounded by whitespace. `\u` escapes must pair surrogates
/// correctly, control characters in strings must be escaped, numbers may not
/// have leading zeros and trailing commas are rejected. Arrays and objects
/// nested more than 512 levels deep are rejected rather than risking the stack.
pub fn parse(input: &[u8]) -> Result<JsonValue, JsonError> {
    let mut parser = Parser { bytes: input, pos: 0 };
    parser.skip_whitespace();
    let value = parser.value(0)?;
    parser.skip_whitespace();
    match parser.peek() {
        None => Ok(value),
        Some(byte) => Err(parser.error(format!("unexpected {} after the JSON value", describe_byte(byte)))),
    }
}

/// A single-pass recursive-descent parser over the input bytes.
struct Parser<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn error(&self, message: impl Into<String>) -> JsonError {
        JsonError::at(self.pos, message)
    }

    /// An error for finding something other than `expected` at the cursor.
    fn unexpected(&self, expected: &str) -> JsonError {
        match self.peek() {
            None => self.error(format!("unexpected end of input, expected {expected}")),
            Some(byte) => self.error(format!("expected {expected}, found {}", describe_byte(byte))),
        }
    }

    fn skip_whitespace(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    /// Parses the value at the cursor; `depth` counts the enclosing containers.
    fn value(&mut self, depth: usize) -> Result<JsonValue, JsonError> {
        match self.peek() {
            Some(b'{') => self.object(depth + 1),
            Some(b'[') => self.array(depth + 1),
            Some(b'"') => self.string().map(JsonValue::String),
            Some(b't') => self.literal("true", JsonValue::Bool(true)),
            Some(b'f') => self.literal("false", JsonValue::Bool(false)),
            Some(b'n') => self.literal("null", JsonValue::Null),
            Some(b'-' | b'0'..=b'9') => self.number(),
            _ => Err(self.unexpected("a JSON value")),
        }
    }

    fn enter(&self, depth: usize) -> Result<(), JsonError> {
        if depth > MAX_DEPTH {
            Err(self.error(format!("arrays and objects are nested more than {MAX_DEPTH} levels deep")))
        } else {
            Ok(())
        }
    }

    fn object(&mut self, depth: usize) -> Result<JsonValue, JsonError> {
        self.enter(depth)?;
        self.pos += 1; // `{`
        let mut members = Vec::new();
        self.skip_whitespace();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(JsonValue::Object(members));
        }
        loop {
            if self.peek() != Some(b'"') {
                return Err(self.unexpected("a string key"));
            }
            let key = self.string()?;
            self.skip_whitespace();
            if self.peek() != Some(b':') {
                return Err(self.unexpected("`:` after an object key"));
            }
            self.pos += 1;
            self.skip_whitespace();
            let value = self.value(depth)?;
            members.push((key, value));
            self.skip_whitespace();
            match self.peek() {
                Some(b',') => {
                    self.pos += 1;
                    self.skip_whitespace();
                }
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(JsonValue::Object(members));
                }
                _ => return Err(self.unexpected("`,` or `}`")),
            }
        }
    }

    fn array(&mut self, depth: usize) -> Result<JsonValue, JsonError> {
        self.enter(depth)?;
        self.pos += 1; // `[`
        let mut items = Vec::new();
        self.skip_whitespace();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(JsonValue::Array(items));
        }
        loop {
            items.push(self.value(depth)?);
            self.skip_whitespace();
            match self.peek() {
                Some(b',') => {
                    self.pos += 1;
                    self.skip_whitespace();
                }
                Some(b']') => {
                    self.pos += 1;
                    return Ok(JsonValue::Array(items));
                }
                _ => return Err(self.unexpected("`,` or `]`")),
            }
        }
    }

    fn literal(&mut self, text: &'static str, value: JsonValue) -> Result<JsonValue, JsonError> {
        let matches = self.bytes.get(self.pos..).is_some_and(|rest| rest.starts_with(text.as_bytes()));
        if matches {
            self.pos += text.len();
            Ok(value)
        } else {
            Err(self.error(format!("invalid literal, expected `{text}`")))
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.pos += 1;
        }
        self.pos - start
    }

    fn number(&mut self) -> Result<JsonValue, JsonError> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => {
                self.pos += 1;
                if self.peek().is_some_and(|b| b.is_ascii_digit()) {
                    return Err(self.error("numbers may not have leading zeros"));
                }
            }
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return Err(self.unexpected("a digit")),
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if self.digits() == 0 {
                return Err(self.unexpected("a digit after the decimal point"));
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            if self.digits() == 0 {
                return Err(self.unexpected("a digit in the exponent"));
            }
        }
        let text = self.bytes.get(start..self.pos).unwrap_or_default();
        // Only ASCII was consumed, so this borrows and copies once.
        Ok(JsonValue::Number(String::from_utf8_lossy(text).into_owned()))
    }

    /// The input between `start` and the cursor, checked to be UTF-8.
    fn utf8_run(&self, start: usize) -> Result<&'a str, JsonError> {
        let bytes: &'a [u8] = self.bytes;
        let run = bytes.get(start..self.pos).unwrap_or_default();
        std::str::from_utf8(run).map_err(|e| JsonError::at(start + e.valid_up_to(), "invalid UTF-8 in a string"))
    }

    /// Parses the string starting at the `"` under the cursor.
    fn string(&mut self) -> Result<String, JsonError> {
        let open = self.pos;
        self.pos += 1;
        let mut start = self.pos;
        // Only used (and allocated) once an escape sequence shows up.
        let mut unescaped = String::new();
        loop {
            match self.peek() {
                None => return Err(JsonError::at(open, "unterminated string")),
                Some(b'"') => {
                    let run = self.utf8_run(start)?;
                    self.pos += 1;
                    if unescaped.is_empty() {
                        return Ok(run.to_owned());
                    }
                    unescaped.push_str(run);
                    return Ok(unescaped);
                }
                Some(b'\\') => {
                    // Escapes are ASCII, so they never split a UTF-8 sequence.
                    unescaped.push_str(self.utf8_run(start)?);
                    unescaped.push(self.escape()?);
                    start = self.pos;
                }
                Some(byte @ 0x00..=0x1f) => {
                    return Err(self.error(format!("unescaped control character U+{byte:04X} in a string")));
                }
                Some(_) => self.pos += 1,
            }
        }
    }

    /// Parses the escape sequence starting at the `\` under the cursor.
    fn escape(&mut self) -> Result<char, JsonError> {
        let backslash = self.pos;
        self.pos += 1;
        let simple = match self.peek() {
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => {
                self.pos += 1;
                return self.unicode_escape(backslash);
            }
            None => return Err(JsonError::at(backslash, "unterminated string")),
            Some(_) => return Err(JsonError::at(backslash, "invalid escape sequence")),
        };
        self.pos += 1;
        Ok(simple)
    }

    /// Parses the `XXXX` of a `\uXXXX` escape (and its low surrogate partner).
    fn unicode_escape(&mut self, backslash: usize) -> Result<char, JsonError> {
        let first = self.hex4()?;
        let code = match first {
            0xD800..=0xDBFF => {
                let has_partner = self.bytes.get(self.pos..self.pos + 2).is_some_and(|next| next == b"\\u");
                if !has_partner {
                    return Err(JsonError::at(
                        backslash,
                        "high surrogate escape is not followed by a low surrogate escape",
                    ));
                }
                self.pos += 2;
                let second = self.hex4()?;
                if !(0xDC00..=0xDFFF).contains(&second) {
                    return Err(JsonError::at(
                        backslash,
                        "high surrogate escape is not followed by a low surrogate escape",
                    ));
                }
                0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
            }
            0xDC00..=0xDFFF => {
                return Err(JsonError::at(backslash, "low surrogate escape without a preceding high surrogate"));
            }
            _ => first,
        };
        char::from_u32(code).ok_or_else(|| JsonError::at(backslash, "invalid unicode escape"))
    }

    fn hex4(&mut self) -> Result<u32, JsonError> {
        let mut code = 0;
        for _ in 0..4 {
            let digit = self
                .peek()
                .and_then(|b| char::from(b).to_digit(16))
                .ok_or_else(|| self.unexpected("a hexadecimal digit in a `\\u` escape"))?;
            code = code * 16 + digit;
            self.pos += 1;
        }
        Ok(code)
    }
}

/// Describes a byte for an error message: a printable ASCII character or its hex value.
fn describe_byte(byte: u8) -> String {
    if byte.is_ascii_graphic() {
        format!("`{}`", char::from(byte))
    } else {
        format!("byte 0x{byte:02X}")
    }
}

// ---------------------------------------------------------------------------
// Typed conversions
// ---------------------------------------------------------------------------

fn mismatch(expected: &str, found: &JsonValue) -> JsonError {
    JsonError::new(format!("expected {expected}, found {}", found.kind()))
}

/// `text`, cut to a reasonable length for an error message.
fn shown(text: &str) -> String {
    let mut shown: String = text.chars().take(MAX_SHOWN).collect();
    if shown.len() < text.len() {
        shown.push_str("...");
    }
    shown
}

/// Whether `text` follows the JSON number grammar.
fn is_json_number(text: &str) -> bool {
    let mut parser = Parser { bytes: text.as_bytes(), pos: 0 };
    parser.number().is_ok() && parser.pos == text.len()
}

/// The members of an object.
pub fn expect_object(value: &JsonValue) -> Result<&[(String, JsonValue)], JsonError> {
    match value {
        JsonValue::Object(members) => Ok(members),
        other => Err(mismatch("an object", other)),
    }
}

/// The items of an array.
pub fn expect_array(value: &JsonValue) -> Result<&[JsonValue], JsonError> {
    match value {
        JsonValue::Array(items) => Ok(items),
        other => Err(mismatch("an array", other)),
    }
}

/// A copy of a string value.
pub fn expect_string(value: &JsonValue) -> Result<String, JsonError> {
    match value {
        JsonValue::String(text) => Ok(text.clone()),
        other => Err(mismatch("a string", other)),
    }
}

/// A boolean value.
pub fn expect_bool(value: &JsonValue) -> Result<bool, JsonError> {
    match value {
        JsonValue::Bool(value) => Ok(*value),
        other => Err(mismatch("a boolean", other)),
    }
}

/// An integral number that fits in `T`. Numbers with a fraction or exponent
/// (`1.5`, `1.0`, `1e2`) are rejected.
fn expect_integer<T: TryFrom<i64>>(value: &JsonValue, type_name: &str) -> Result<T, JsonError> {
    let text = match value {
        JsonValue::Number(text) => text,
        other => return Err(mismatch("an integer", other)),
    };
    let digits = text.strip_prefix('-').unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(JsonError::new(format!("expected an integer, found the number {}", shown(text))));
    }
    let out_of_range = || JsonError::new(format!("the number {} is out of range for {type_name}", shown(text)));
    let wide: i64 = text.parse().map_err(|_| out_of_range())?;
    T::try_from(wide).map_err(|_| out_of_range())
}

/// An integral number that fits in an `i8`.
pub fn expect_i8(value: &JsonValue) -> Result<i8, JsonError> {
    expect_integer(value, "i8")
}

/// An integral number that fits in an `i16`.
pub fn expect_i16(value: &JsonValue) -> Result<i16, JsonError> {
    expect_integer(value, "i16")
}

/// An integral number that fits in an `i32`.
pub fn expect_i32(value: &JsonValue) -> Result<i32, JsonError> {
    expect_integer(value, "i32")
}

/// An integral number that fits in an `i64`.
pub fn expect_i64(value: &JsonValue) -> Result<i64, JsonError> {
    expect_integer(value, "i64")
}

/// The float types the conversions below produce.
trait JsonFloat: FromStr + Copy {
    const NAME: &'static str;
    const NAN: Self;
    const INFINITY: Self;
    const NEG_INFINITY: Self;
    fn finite(self) -> bool;
}

impl JsonFloat for f32 {
    const NAME: &'static str = "f32";
    const NAN: Self = f32::NAN;
    const INFINITY: Self = f32::INFINITY;
    const NEG_INFINITY: Self = f32::NEG_INFINITY;
    fn finite(self) -> bool {
        self.is_finite()
    }
}

impl JsonFloat for f64 {
    const NAME: &'static str = "f64";
    const NAN: Self = f64::NAN;
    const INFINITY: Self = f64::INFINITY;
    const NEG_INFINITY: Self = f64::NEG_INFINITY;
    fn finite(self) -> bool {
        self.is_finite()
    }
}

/// Parses JSON number text as the nearest `T`, rejecting values beyond its range.
fn parse_float<T: JsonFloat>(text: &str) -> Result<T, JsonError> {
    let parsed = if is_json_number(text) { text.parse::<T>().ok() } else { None };
    match parsed {
        Some(number) if number.finite() => Ok(number),
        Some(_) => Err(JsonError::new(format!("the number {} is out of range for {}", shown(text), T::NAME))),
        None => Err(JsonError::new(format!("invalid number {}", shown(text)))),
    }
}

/// A number rounded to the nearest `T`, or one of the strings `NaN`,
/// `Infinity` and `-Infinity`. Numbers too large for `T` are rejected.
fn expect_float<T: JsonFloat>(value: &JsonValue) -> Result<T, JsonError> {
    match value {
        JsonValue::Number(text) => parse_float(text),
        JsonValue::String(text) => match text.as_str() {
            "NaN" => Ok(T::NAN),
            "Infinity" => Ok(T::INFINITY),
            "-Infinity" => Ok(T::NEG_INFINITY),
            _ => Err(JsonError::new(format!("expected a number, found the string {:?}", shown(text)))),
        },
        other => Err(mismatch("a number", other)),
    }
}

/// A number as the nearest `f32`, or `"NaN"`, `"Infinity"` or `"-Infinity"`.
pub fn expect_f32(value: &JsonValue) -> Result<f32, JsonError> {
    expect_float(value)
}

/// A number as the nearest `f64`, or `"NaN"`, `"Infinity"` or `"-Infinity"`.
pub fn expect_f64(value: &JsonValue) -> Result<f64, JsonError> {
    expect_float(value)
}

/// The exact text of a number, for `bigInteger` and `bigDecimal` members.
pub fn expect_number_text(value: &JsonValue) -> Result<String, JsonError> {
    match value {
        JsonValue::Number(text) => Ok(text.clone()),
        other => Err(mismatch("a number", other)),
    }
}

/// Binary data from a base64 string.
pub fn expect_blob(value: &JsonValue) -> Result<Blob, JsonError> {
    match value {
        JsonValue::String(text) => base64::decode(text).map(Blob::from).map_err(|e| JsonError::new(e.to_string())),
        other => Err(mismatch("a base64 string", other)),
    }
}

/// A timestamp in the member's declared `format`, read leniently.
///
/// A JSON number is read exactly as epoch seconds (`1515531081.123` is
/// 1515531081 seconds and 123 000 000 nanoseconds) whatever the declared
/// format. A string is tried in the declared format first and then as
/// `date-time`, `http-date` and `epoch-seconds`; if none fits, the error
/// describes the declared format's failure.
pub fn expect_timestamp(value: &JsonValue, format: Format) -> Result<DateTime, JsonError> {
    match value {
        JsonValue::Number(text) => {
            DateTime::from_str(text, Format::EpochSeconds).map_err(|e| JsonError::new(e.to_string()))
        }
        JsonValue::String(text) => {
            let declared = DateTime::from_str(text, format);
            if declared.is_ok() {
                return declared.map_err(|e| JsonError::new(e.to_string()));
            }
            [Format::DateTime, Format::HttpDate, Format::EpochSeconds]
                .into_iter()
                .filter(|&other| other != format)
                .find_map(|other| DateTime::from_str(text, other).ok())
                .ok_or_else(|| match declared {
                    Err(e) => JsonError::new(e.to_string()),
                    Ok(_) => JsonError::new("invalid timestamp"),
                })
        }
        other => Err(mismatch("a timestamp", other)),
    }
}

/// Converts any value to a [`Document`].
///
/// Integers become [`Number::PosInt`] (non-negative) or [`Number::NegInt`]
/// (negative); numbers with a fraction or exponent, and integers beyond the
/// 64-bit range, become [`Number::Float`]. Numbers beyond the `f64` range are
/// rejected. Repeated object keys keep their last value.
pub fn expect_document(value: &JsonValue) -> Result<Document, JsonError> {
    Ok(match value {
        JsonValue::Null => Document::Null,
        JsonValue::Bool(value) => Document::Bool(*value),
        JsonValue::Number(text) => Document::Number(document_number(text)?),
        JsonValue::String(text) => Document::String(text.clone()),
        JsonValue::Array(items) => Document::Array(items.iter().map(expect_document).collect::<Result<_, _>>()?),
        JsonValue::Object(members) => Document::Object(
            members
                .iter()
                .map(|(key, member)| Ok((key.clone(), expect_document(member)?)))
                .collect::<Result<_, JsonError>>()?,
        ),
    })
}

fn document_number(text: &str) -> Result<Number, JsonError> {
    if !text.contains(['.', 'e', 'E']) && is_json_number(text) {
        if let Ok(value) = text.parse::<u64>() {
            return Ok(Number::PosInt(value));
        }
        if let Ok(value) = text.parse::<i64>() {
            // `Number::from` keeps `-0` a `PosInt`.
            return Ok(Number::from(value));
        }
    }
    parse_float(text).map(Number::Float)
}

// ---------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn num(text: &str) -> JsonValue {
        JsonValue::Number(text.to_string())
    }

    fn string(text: &str) -> JsonValue {
        JsonValue::String(text.to_string())
    }

    fn parse_str(text: &str) -> Result<JsonValue, JsonError> {
        parse(text.as_bytes())
    }

    /// Writes a parsed value back out (numbers keep their text).
    fn write_value(writer: &mut JsonWriter, value: &JsonValue) {
        match value {
            JsonValue::Null => writer.null(),
            JsonValue::Bool(value) => writer.bool(*value),
            JsonValue::Number(text) => writer.number_text(text),
            JsonValue::String(text) => writer.string(text),
            JsonValue::Array(items) => {
                writer.begin_array();
                for item in items {
                    write_value(writer, item);
                }
                writer.end_array();
            }
            JsonValue::Object(members) => {
                writer.begin_object();
                for (key, member) in members {
                    writer.key(key);
                    write_value(writer, member);
                }
                writer.end_object();
            }
        }
    }

    fn to_text(value: &JsonValue) -> String {
        let mut writer = JsonWriter::new();
        write_value(&mut writer, value);
        writer.finish()
    }

    fn f64_text(value: f64) -> String {
        let mut writer = JsonWriter::new();
        writer.f64(value);
        writer.finish()
    }

    fn f32_text(value: f32) -> String {
        let mut writer = JsonWriter::new();
        writer.f32(value);
        writer.finish()
    }

    #[test]
    fn writer_structure_and_commas() {
        let mut w = JsonWriter::with_capacity(64);
        w.begin_object();
        w.end_object();
        assert_eq!(w.finish(), "{}");

        let mut w = JsonWriter::new();
        w.begin_object();
        w.key("a");
        w.begin_array();
        w.begin_array();
        w.end_array();
        w.begin_object();
        w.end_object();
        w.null();
        w.bool(true);
        w.bool(false);
        w.end_array();
        w.key("b");
        w.begin_object();
        w.key("c");
        w.i64(-5);
        w.key("d");
        w.u64(u64::MAX);
        w.end_object();
        w.key("e");
        w.number_text("123456789012345678901234567890.5");
        w.end_object();
        assert_eq!(
            w.finish(),
            r#"{"a":[[],{},null,true,false],"b":{"c":-5,"d":18446744073709551615},"e":123456789012345678901234567890.5}"#
        );

        let mut w = JsonWriter::new();
        w.string("top");
        assert_eq!(w.finish(), r#""top""#);
        assert_eq!(JsonWriter::default().finish(), "");
        let mut w = JsonWriter::new();
        w.i64(i64::MIN);
        assert_eq!(w.finish(), "-9223372036854775808");
        assert!(format!("{:?}", JsonWriter::new()).contains("JsonWriter"));
    }

    #[test]
    fn string_escaping() {
        let mut w = JsonWriter::new();
        w.string("quote\" backslash\\ slash/ tab\t nl\n cr\r bs\u{8} ff\u{c} nul\u{0} us\u{1f} del\u{7f}");
        assert_eq!(
            w.finish(),
            "\"quote\\\" backslash\\\\ slash/ tab\\t nl\\n cr\\r bs\\b ff\\f nul\\u0000 us\\u001f del\u{7f}\""
        );
        // Every control character is escaped, and parses back.
        for code in 0u32..0x20 {
            let c = char::from_u32(code).unwrap();
            let text = c.to_string();
            let mut w = JsonWriter::new();
            w.string(&text);
            let json = w.finish();
            assert!(json.bytes().all(|b| b >= 0x20), "{json:?}");
            assert_eq!(parse_str(&json).unwrap(), string(&text));
        }
        // Non-ASCII is written as UTF-8, including astral characters.
        let mut w = JsonWriter::new();
        w.string("é中😀\u{10FFFF}");
        assert_eq!(w.finish(), "\"é中😀\u{10FFFF}\"");
        // Keys are escaped too.
        let mut w = JsonWriter::new();
        w.begin_object();
        w.key("k\"\n");
        w.string("");
        w.end_object();
        assert_eq!(w.finish(), r#"{"k\"\n":""}"#);
    }

    #[test]
    fn string_unescaping() {
        assert_eq!(
            parse_str(r#""\"\\\/\b\f\n\r\t\u0041\u00e9\u4E2D\ud83d\ude00\uDBFF\uDFFF""#).unwrap(),
            string("\"\\/\u{8}\u{c}\n\r\tAé中😀\u{10FFFF}")
        );
        assert_eq!(parse_str(r#""\u0000""#).unwrap(), string("\u{0}"));
        assert_eq!(parse_str("\"é😀\"").unwrap(), string("é😀"));
        assert_eq!(parse_str(r#""a\nb😀c""#).unwrap(), string("a\nb😀c"));
        assert_eq!(parse_str(r#""""#).unwrap(), string(""));
    }

    #[test]
    fn float_formatting() {
        let cases: &[(f64, &str)] = &[
            (0.1, "0.1"),
            (1.0, "1.0"),
            (-2.5, "-2.5"),
            (0.0, "0.0"),
            (-0.0, "-0.0"),
            (1e300, "1e300"),
            (-1e300, "-1e300"),
            (5e-324, "5e-324"),
            (f64::MAX, "1.7976931348623157e308"),
            (f64::MIN_POSITIVE, "2.2250738585072014e-308"),
            (1e20, "100000000000000000000.0"),
            (1e21, "1e21"),
            (1e-7, "0.0000001"),
            (1.5e-8, "1.5e-8"),
            (123456.789, "123456.789"),
            (1576540098.52, "1576540098.52"),
            (f64::NAN, "\"NaN\""),
            (f64::INFINITY, "\"Infinity\""),
            (f64::NEG_INFINITY, "\"-Infinity\""),
        ];
        for &(value, expected) in cases {
            assert_eq!(f64_text(value), expected, "{value:?}");
        }
        let cases: &[(f32, &str)] = &[
            (1.1, "1.1"),
            (0.1, "0.1"),
            (16777216.0, "16777216.0"),
            (f32::MAX, "3.4028235e38"),
            (1e-45, "1e-45"),
            (-0.0, "-0.0"),
            (3.0e-5, "0.00003"),
            (f32::NAN, "\"NaN\""),
            (f32::INFINITY, "\"Infinity\""),
            (f32::NEG_INFINITY, "\"-Infinity\""),
        ];
        for &(value, expected) in cases {
            assert_eq!(f32_text(value), expected, "{value:?}");
        }
    }

    #[test]
    fn float_round_trips() {
        let mut state: u64 = 0x1234_5678_9abc_def1;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..20_000 {
            let value = f64::from_bits(next());
            let text = f64_text(value);
            let back = expect_f64(&parse_str(&text).unwrap()).unwrap();
            if value.is_nan() {
                assert!(back.is_nan());
            } else {
                assert_eq!(back.to_bits(), value.to_bits(), "{text}");
            }
            let value = f32::from_bits(next() as u32);
            let text = f32_text(value);
            let back = expect_f32(&parse_str(&text).unwrap()).unwrap();
            if value.is_nan() {
                assert!(back.is_nan());
            } else {
                assert_eq!(back.to_bits(), value.to_bits(), "{text}");
            }
        }
    }

    #[test]
    fn float_conversions() {
        assert_eq!(expect_f64(&num("0.1")).unwrap(), 0.1);
        assert_eq!(expect_f64(&num("1")).unwrap(), 1.0);
        assert_eq!(expect_f64(&num("-1.5E+2")).unwrap(), -150.0);
        assert_eq!(expect_f64(&num("5e-324")).unwrap(), 5e-324);
        assert_eq!(expect_f64(&num("1e-400")).unwrap(), 0.0);
        assert!(expect_f64(&num("-0")).unwrap().is_sign_negative());
        assert!(expect_f64(&string("NaN")).unwrap().is_nan());
        assert_eq!(expect_f64(&string("Infinity")).unwrap(), f64::INFINITY);
        assert_eq!(expect_f64(&string("-Infinity")).unwrap(), f64::NEG_INFINITY);
        assert_eq!(expect_f32(&num("1.1")).unwrap(), 1.1f32);
        // Rounded directly to f32, not through f64.
        assert_eq!(expect_f32(&num("1.00000005960464477539062500001")).unwrap(), 1.0000001f32);
        assert!(expect_f32(&string("NaN")).unwrap().is_nan());
        assert_eq!(expect_f32(&string("-Infinity")).unwrap(), f32::NEG_INFINITY);
        assert_eq!(expect_f64(&num("1e400")).unwrap_err().to_string(), "the number 1e400 is out of range for f64");
        assert_eq!(expect_f32(&num("3.5e38")).unwrap_err().to_string(), "the number 3.5e38 is out of range for f32");
        assert_eq!(expect_f64(&string("nan")).unwrap_err().to_string(), "expected a number, found the string \"nan\"");
        assert_eq!(expect_f64(&JsonValue::Bool(true)).unwrap_err().to_string(), "expected a number, found a boolean");
        // Hand-built values with non-JSON number text are rejected, not guessed at.
        for text in ["inf", "NaN", "+1", "1.", ".5", "", "0x1", "1e"] {
            assert_eq!(expect_f64(&num(text)).unwrap_err().to_string(), format!("invalid number {text}"));
        }
    }

    #[test]
    fn integer_conversions() {
        assert_eq!(expect_i64(&num("9223372036854775807")), Ok(i64::MAX));
        assert_eq!(expect_i64(&num("-9223372036854775808")), Ok(i64::MIN));
        assert_eq!(expect_i64(&num("-0")), Ok(0));
        assert_eq!(expect_i32(&num("2147483647")), Ok(i32::MAX));
        assert_eq!(expect_i32(&num("-2147483648")), Ok(i32::MIN));
        assert_eq!(expect_i16(&num("-32768")), Ok(i16::MIN));
        assert_eq!(expect_i8(&num("127")), Ok(127));
        assert_eq!(expect_i8(&num("-128")), Ok(-128));
        assert_eq!(
            expect_i64(&num("9223372036854775808")).unwrap_err().to_string(),
            "the number 9223372036854775808 is out of range for i64"
        );
        assert!(expect_i64(&num("-9223372036854775809")).is_err());
        assert!(expect_i64(&num("100000000000000000000000000000")).is_err());
        assert!(expect_i32(&num("2147483648")).is_err());
        assert!(expect_i16(&num("32768")).is_err());
        assert_eq!(expect_i8(&num("128")).unwrap_err().to_string(), "the number 128 is out of range for i8");
        assert!(expect_i8(&num("-129")).is_err());
        for text in ["1.5", "1.0", "1e2", "-1E0", "", "-", "+1", "1a", " 1"] {
            assert_eq!(
                expect_i32(&num(text)).unwrap_err().to_string(),
                format!("expected an integer, found the number {text}"),
            );
        }
        assert_eq!(expect_i32(&string("1")).unwrap_err().to_string(), "expected an integer, found a string");
        assert_eq!(expect_i64(&JsonValue::Null).unwrap_err().to_string(), "expected an integer, found null");
        let long = "1".repeat(100);
        let message = expect_i64(&num(&long)).unwrap_err().to_string();
        assert_eq!(message, format!("the number {}... is out of range for i64", "1".repeat(64)));
    }

    #[test]
    fn other_conversions() {
        let value = parse_str(r#"{"s":"x","b":true,"a":[1],"o":{},"n":null,"big":1e999}"#).unwrap();
        let members = expect_object(&value).unwrap();
        assert_eq!(members.len(), 6);
        assert_eq!(expect_string(&members[0].1), Ok("x".to_string()));
        assert_eq!(expect_bool(&members[1].1), Ok(true));
        assert_eq!(expect_array(&members[2].1).unwrap(), &[num("1")]);
        assert_eq!(expect_object(&members[3].1).unwrap(), &[]);
        assert!(members[4].1.is_null());
        assert!(!members[0].1.is_null());
        assert_eq!(expect_number_text(&members[5].1), Ok("1e999".to_string()));

        let kinds = [
            (JsonValue::Null, "null"),
            (JsonValue::Bool(false), "a boolean"),
            (num("1"), "a number"),
            (string("x"), "a string"),
            (JsonValue::Array(vec![]), "an array"),
            (JsonValue::Object(vec![]), "an object"),
        ];
        for (value, kind) in &kinds {
            if !matches!(value, JsonValue::String(_)) {
                assert_eq!(expect_string(value).unwrap_err().to_string(), format!("expected a string, found {kind}"));
                assert_eq!(
                    expect_blob(value).unwrap_err().to_string(),
                    format!("expected a base64 string, found {kind}")
                );
            }
            if !matches!(value, JsonValue::Object(_)) {
                assert_eq!(expect_object(value).unwrap_err().to_string(), format!("expected an object, found {kind}"));
            }
            if !matches!(value, JsonValue::Array(_)) {
                assert_eq!(expect_array(value).unwrap_err().message(), format!("expected an array, found {kind}"));
            }
            if !matches!(value, JsonValue::Bool(_)) {
                assert!(expect_bool(value).is_err());
            }
            if !matches!(value, JsonValue::Number(_)) {
                assert!(expect_number_text(value).is_err());
            }
        }
    }

    #[test]
    fn get_returns_last_member() {
        let value = parse_str(r#"{"a":1,"b":2,"a":3}"#).unwrap();
        assert_eq!(value.get("a"), Some(&num("3")));
        assert_eq!(value.get("b"), Some(&num("2")));
        assert_eq!(value.get("c"), None);
        assert_eq!(JsonValue::Array(vec![]).get("a"), None);
        assert_eq!(string("a").get("a"), None);
    }

    #[test]
    fn blobs() {
        let mut w = JsonWriter::new();
        w.begin_array();
        w.blob(&Blob::new("foobar"));
        w.blob(&Blob::default());
        w.end_array();
        let text = w.finish();
        assert_eq!(text, r#"["Zm9vYmFy",""]"#);
        let value = parse_str(&text).unwrap();
        let items = expect_array(&value).unwrap();
        assert_eq!(expect_blob(&items[0]), Ok(Blob::new("foobar")));
        assert_eq!(expect_blob(&items[1]), Ok(Blob::default()));
        assert!(expect_blob(&string("Zm9v!")).unwrap_err().to_string().starts_with("invalid base64: "));
    }

    #[test]
    fn timestamps() {
        let dt = DateTime::from_secs_and_nanos(1515531081, 123_000_000);
        let write = |format: Format| {
            let mut w = JsonWriter::new();
            w.timestamp(&dt, format);
            w.finish()
        };
        assert_eq!(write(Format::EpochSeconds), "1515531081.123");
        assert_eq!(write(Format::DateTime), r#""2018-01-09T20:51:21.123Z""#);
        assert_eq!(write(Format::HttpDate), r#""Tue, 09 Jan 2018 20:51:21.123 GMT""#);
        let mut w = JsonWriter::new();
        w.timestamp(&DateTime::from_secs(1515531081), Format::EpochSeconds);
        assert_eq!(w.finish(), "1515531081");
        let mut w = JsonWriter::new();
        w.timestamp(&DateTime::from_millis(-500), Format::EpochSeconds);
        assert_eq!(w.finish(), "-0.5");
        // Out of range for the textual formats: falls back to epoch seconds.
        let mut w = JsonWriter::new();
        w.timestamp(&DateTime::MAX, Format::DateTime);
        assert_eq!(w.finish(), "9223372036854775807.999999999");

        for format in [Format::EpochSeconds, Format::DateTime, Format::HttpDate] {
            let value = parse_str(&write(format)).unwrap();
            // Read back in every declared format, thanks to the lenient fallback.
            for declared in [Format::EpochSeconds, Format::DateTime, Format::HttpDate] {
                assert_eq!(expect_timestamp(&value, declared), Ok(dt), "{value:?}");
            }
        }
        assert_eq!(expect_timestamp(&num("1.5e3"), Format::EpochSeconds), Ok(DateTime::from_secs(1500)));
        assert_eq!(expect_timestamp(&num("1515531081.123"), Format::DateTime), Ok(dt));
        assert_eq!(expect_timestamp(&string("1515531081.123"), Format::EpochSeconds), Ok(dt));
        assert_eq!(expect_timestamp(&num("-1.25"), Format::EpochSeconds), Ok(DateTime::from_millis(-1250)));
        let err = expect_timestamp(&string("yesterday"), Format::DateTime).unwrap_err();
        assert!(err.to_string().starts_with("invalid date-time timestamp \"yesterday\""), "{err}");
        let err = expect_timestamp(&string("yesterday"), Format::HttpDate).unwrap_err();
        assert!(err.to_string().starts_with("invalid http-date timestamp"), "{err}");
        assert!(expect_timestamp(&num("1e30"), Format::EpochSeconds).is_err());
        assert_eq!(
            expect_timestamp(&JsonValue::Bool(true), Format::DateTime).unwrap_err().to_string(),
            "expected a timestamp, found a boolean"
        );
    }

    #[test]
    fn documents() {
        let value = parse_str(
            r#"{"b":[1,-1,-0,0,1.5,-2e3,18446744073709551615,18446744073709551616,-9223372036854775808,-9223372036854775809,"x",true,null],"a":{},"a":{"z":false}}"#,
        )
        .unwrap();
        let doc = expect_document(&value).unwrap();
        let mut inner = BTreeMap::new();
        inner.insert("z".to_string(), Document::Bool(false));
        let mut expected = BTreeMap::new();
        expected.insert("a".to_string(), Document::Object(inner));
        expected.insert(
            "b".to_string(),
            Document::Array(vec![
                Document::Number(Number::PosInt(1)),
                Document::Number(Number::NegInt(-1)),
                Document::Number(Number::PosInt(0)),
                Document::Number(Number::PosInt(0)),
                Document::Number(Number::Float(1.5)),
                Document::Number(Number::Float(-2000.0)),
                Document::Number(Number::PosInt(u64::MAX)),
                Document::Number(Number::Float(18446744073709551616.0)),
                Document::Number(Number::NegInt(i64::MIN)),
                Document::Number(Number::Float(-9223372036854775809.0)),
                Document::String("x".into()),
                Document::Bool(true),
                Document::Null,
            ]),
        );
        assert_eq!(doc, Document::Object(expected));

        let mut w = JsonWriter::new();
        w.document(&doc);
        assert_eq!(
            w.finish(),
            r#"{"a":{"z":false},"b":[1,-1,0,0,1.5,-2000.0,18446744073709551615,18446744073709552000.0,-9223372036854775808,-9223372036854776000.0,"x",true,null]}"#
        );
        let mut w = JsonWriter::new();
        w.document(&Document::Array(vec![
            Document::Number(Number::Float(f64::NAN)),
            Document::Number(Number::Float(1.0)),
        ]));
        let text = w.finish();
        assert_eq!(text, r#"["NaN",1.0]"#);
        // Floats survive a document round trip as floats.
        let back = expect_document(&parse_str(&text).unwrap()).unwrap();
        assert_eq!(back.as_array().unwrap()[1], Document::Number(Number::Float(1.0)));

        assert_eq!(expect_document(&num("1e400")).unwrap_err().to_string(), "the number 1e400 is out of range for f64");
        assert!(expect_document(&num("bogus")).is_err());
        assert!(expect_document(&num("-bogus")).is_err());
    }

    #[test]
    fn round_trips() {
        let texts = [
            r#"{"a":[1,2.5,-3e-7,"x\ny",true,false,null,{}],"b":{"c":[[]]},"":"","é😀":"\u0000"}"#,
            "[]",
            "0",
            "-0.0e+0",
            r#""just a string""#,
            "null",
            r#"[{"a":{"a":{"a":[1E5]}}}]"#,
        ];
        for text in texts {
            let value = parse_str(text).unwrap();
            let written = to_text(&value);
            assert_eq!(parse_str(&written).unwrap(), value, "{text}");
        }
        // Whitespace everywhere it is allowed.
        let spaced = " \t\r\n{ \"a\" : [ 1 , 2 ] , \"b\" : { } } \n";
        assert_eq!(to_text(&parse_str(spaced).unwrap()), r#"{"a":[1,2],"b":{}}"#);

        // A structure written field by field reads back.
        let mut w = JsonWriter::new();
        w.begin_object();
        w.key("name");
        w.string("tab\there \"quoted\" \u{1} 😀");
        w.key("count");
        w.i64(i64::MIN);
        w.key("max");
        w.u64(u64::MAX);
        w.key("ratio");
        w.f64(-0.1);
        w.key("f");
        w.f32(1.1);
        w.key("nan");
        w.f64(f64::NAN);
        w.key("items");
        w.begin_array();
        w.bool(true);
        w.null();
        w.end_array();
        w.end_object();
        let value = parse_str(&w.finish()).unwrap();
        assert_eq!(expect_string(value.get("name").unwrap()).unwrap(), "tab\there \"quoted\" \u{1} 😀");
        assert_eq!(expect_i64(value.get("count").unwrap()), Ok(i64::MIN));
        assert_eq!(expect_number_text(value.get("max").unwrap()).unwrap(), u64::MAX.to_string());
        assert_eq!(expect_f64(value.get("ratio").unwrap()), Ok(-0.1));
        assert_eq!(expect_f32(value.get("f").unwrap()), Ok(1.1));
        assert!(expect_f64(value.get("nan").unwrap()).unwrap().is_nan());
        assert_eq!(expect_array(value.get("items").unwrap()).unwrap(), &[JsonValue::Bool(true), JsonValue::Null]);
    }

    #[test]
    fn valid_edge_cases() {
        assert_eq!(parse_str("0").unwrap(), num("0"));
        assert_eq!(parse_str("-0").unwrap(), num("-0"));
        assert_eq!(parse_str("0.5e-0").unwrap(), num("0.5e-0"));
        assert_eq!(parse_str("10E+10").unwrap(), num("10E+10"));
        assert_eq!(parse_str(" true ").unwrap(), JsonValue::Bool(true));
        assert_eq!(parse_str("[false]").unwrap(), JsonValue::Array(vec![JsonValue::Bool(false)]));
        assert_eq!(parse_str("{\"\":null}").unwrap(), JsonValue::Object(vec![(String::new(), JsonValue::Null)]));
        assert_eq!(parse_str("123456789012345678901234567890").unwrap(), num("123456789012345678901234567890"));
        // Exactly the maximum depth is fine.
        let deep = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(parse_str(&deep).is_ok());
        let deep = format!("{}1{}", "{\"a\":".repeat(MAX_DEPTH), "}".repeat(MAX_DEPTH));
        assert!(parse_str(&deep).is_ok());
    }

    #[test]
    fn invalid_json() {
        let cases: &[&[u8]] = &[
            b"",
            b"   ",
            b"{",
            b"[",
            b"[1",
            b"[1,",
            b"{\"a\"",
            b"{\"a\":",
            b"{\"a\":1",
            b"\"abc",
            b"\"abc\\",
            b"[1,]",
            b"{\"a\":1,}",
            b"[,1]",
            b"[1,,2]",
            b"{,}",
            b"{\"a\" 1}",
            b"{\"a\":}",
            b"{1:2}",
            b"{a:1}",
            b"{'a':1}",
            b"[1 2]",
            b"{\"a\":1 \"b\":2}",
            b"[1]x",
            b"1 2",
            b"{}}",
            b"01",
            b"-01",
            b"00",
            b"1.",
            b".1",
            b"-",
            b"+1",
            b"1e",
            b"1e+",
            b"1.e1",
            b"0x1",
            b"1_000",
            b"NaN",
            b"Infinity",
            b"-Infinity",
            b"tru",
            b"nul",
            b"fals",
            b"True",
            b"truex",
            b"\"\\x\"",
            b"\"\\U0041\"",
            b"\"\\u12\"",
            b"\"\\u12G4\"",
            b"\"\\uD800\"",
            b"\"\\uD800x\"",
            b"\"\\uD800\\u0041\"",
            b"\"\\uD800\\uD800\"",
            b"\"\\uDC00\"",
            b"\"\\uDFFF\\uD800\"",
            b"\"\\uD800\\",
            b"\"\xff\"",
            b"\"\xc3\"",
            b"\"\xc3(\"",
            b"\"\xc0\xaf\"",
            b"\"\xed\xa0\x80\"",
            b"\"\xf4\x90\x80\x80\"",
            b"\"a\tb\"",
            b"\"a\nb\"",
            b"\"\x00\"",
            b"\"\x1f\"",
            b"\xef\xbb\xbf{}",
            b"\xff",
            b"\"a\"\xff",
            b"'a'",
            b"[\"a\",]",
            b"// comment\n1",
            b"\x00",
            b"{\"a\":1}\x00",
        ];
        for &input in cases {
            let err = parse(input).unwrap_err();
            assert!(err.offset().is_some(), "{input:?}: {err}");
            assert!(err.offset().unwrap() <= input.len(), "{input:?}: {err}");
            assert!(err.to_string().starts_with("invalid JSON at byte "), "{err}");
        }
        // A few exact messages.
        let message = |input: &str| parse_str(input).unwrap_err().to_string();
        assert_eq!(message(""), "invalid JSON at byte 0: unexpected end of input, expected a JSON value");
        assert_eq!(message("[1,]"), "invalid JSON at byte 3: expected a JSON value, found `]`");
        assert_eq!(message("{\"a\":1,}"), "invalid JSON at byte 7: expected a string key, found `}`");
        assert_eq!(message("[1 2]"), "invalid JSON at byte 3: expected `,` or `]`, found `2`");
        assert_eq!(message("01"), "invalid JSON at byte 1: numbers may not have leading zeros");
        assert_eq!(message("\"ab"), "invalid JSON at byte 0: unterminated string");
        assert_eq!(message("\"a\\qb\""), "invalid JSON at byte 2: invalid escape sequence");
        assert_eq!(
            message("\"\\uDC00\""),
            "invalid JSON at byte 1: low surrogate escape without a preceding high surrogate"
        );
        assert_eq!(message("\"a\u{1}\""), "invalid JSON at byte 2: unescaped control character U+0001 in a string");
        assert_eq!(message("nul"), "invalid JSON at byte 0: invalid literal, expected `null`");
        assert_eq!(message("1 x"), "invalid JSON at byte 2: unexpected `x` after the JSON value");
        assert_eq!(parse(b"\"ab\xff\"").unwrap_err().to_string(), "invalid JSON at byte 3: invalid UTF-8 in a string");
        assert_eq!(
            parse(b"\"\\n\xe2\x82\"").unwrap_err().to_string(),
            "invalid JSON at byte 3: invalid UTF-8 in a string"
        );
    }

    #[test]
    fn nesting_limit() {
        let too_deep = format!("{}{}", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
        let err = parse_str(&too_deep).unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid JSON at byte 512: arrays and objects are nested more than 512 levels deep"
        );
        // Far deeper input fails the same way instead of overflowing the stack.
        for open in ["[", "{\"a\":", "[{\"a\":"] {
            let input = open.repeat(1_000_000);
            assert!(parse_str(&input).is_err());
        }
    }

    #[test]
    fn errors() {
        fn assert_error<E: Error + Send + Sync + 'static>(_: &E) {}
        let err = JsonError::new("custom problem");
        assert_error(&err);
        assert_eq!(err.to_string(), "custom problem");
        assert_eq!(err.message(), "custom problem");
        assert_eq!(err.offset(), None);
        assert_eq!(err.clone(), err);
        let err = parse_str("[").unwrap_err();
        assert_eq!(err.offset(), Some(1));
        assert_eq!(err.message(), "unexpected end of input, expected a JSON value");
    }

    /// Applies every conversion to every node, which must never panic.
    fn convert_everything(value: &JsonValue) {
        let _ = expect_object(value);
        let _ = expect_array(value);
        let _ = expect_string(value);
        let _ = expect_bool(value);
        let _ = expect_i8(value);
        let _ = expect_i16(value);
        let _ = expect_i32(value);
        let _ = expect_i64(value);
        let _ = expect_f32(value);
        let _ = expect_f64(value);
        let _ = expect_number_text(value);
        let _ = expect_blob(value);
        for format in [Format::EpochSeconds, Format::DateTime, Format::HttpDate] {
            let _ = expect_timestamp(value, format);
        }
        if let Ok(doc) = expect_document(value) {
            let mut w = JsonWriter::new();
            w.document(&doc);
            assert!(parse_str(&w.finish()).is_ok());
        }
        match value {
            JsonValue::Array(items) => items.iter().for_each(convert_everything),
            JsonValue::Object(members) => members.iter().for_each(|(_, v)| convert_everything(v)),
            _ => {}
        }
    }

    #[test]
    fn never_panics_on_random_input() {
        let seeds: &[&[u8]] = &[
            br#"{"a":[1,2.5e-3,-0,"x\u00e9\ud83d\ude00\n",true,false,null],"b":{"c":{}}}"#,
            br#"[1515531081.123,"2018-01-09T20:51:21.123Z","Tue, 09 Jan 2018 20:51:21 GMT"]"#,
            br#"{"blob":"Zm9vYmFy","n":-9223372036854775808,"f":"NaN","g":1e400}"#,
            "[\"é中😀\",[[[[]]]],{\"\":\"\"}]".as_bytes(),
        ];
        let alphabet =
            b"{}[]\",:\\/u0123456789abcdefABCDEF.eE+- \t\nntrufalsNI\x00\x1f\x7f\x80\xbf\xc3\xe2\xed\xf0\xff";
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = |bound: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % bound as u64) as usize
        };
        let mut parsed = 0;
        for round in 0..20_000 {
            let bytes: Vec<u8> = if round % 4 == 0 {
                // Pure noise, biased towards JSON punctuation.
                let len = next(40);
                (0..len).map(|_| if next(2) == 0 { alphabet[next(alphabet.len())] } else { next(256) as u8 }).collect()
            } else {
                let mut bytes = seeds[next(seeds.len())].to_vec();
                for _ in 0..=next(4) {
                    let at = next(bytes.len() + 1);
                    match next(4) {
                        0 if at < bytes.len() => {
                            bytes.remove(at);
                        }
                        1 if at < bytes.len() => bytes[at] = alphabet[next(alphabet.len())],
                        2 => bytes.truncate(at),
                        _ => bytes.insert(at, alphabet[next(alphabet.len())]),
                    }
                }
                bytes
            };
            match parse(&bytes) {
                Ok(value) => {
                    parsed += 1;
                    // Valid input is also valid UTF-8, and writing it back round-trips.
                    assert!(std::str::from_utf8(&bytes).is_ok());
                    let written = to_text(&value);
                    assert_eq!(parse_str(&written).as_ref(), Ok(&value), "{written}");
                    convert_everything(&value);
                }
                Err(err) => {
                    assert!(err.offset().is_some_and(|o| o <= bytes.len()), "{err}");
                }
            }
        }
        assert!(parsed > 1_000, "only {parsed} inputs parsed");
    }
}
