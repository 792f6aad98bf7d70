//! JSON support for the JSON protocols (restJson1, awsJson1_0, awsJson1_1): a compact writer
//! for request bodies ([`JsonWriter`]), a strict token reader that generated deserializers drive
//! straight into their builders ([`JsonReader`]), and [`parse`], the same reader building a
//! [`JsonValue`] tree for the few places that want one (endpoint rule sets, test comparisons).
//!
//! Everything here is implemented with the standard library only. The reader never panics:
//! malformed input, nesting deeper than 512 levels and values of the wrong type are all
//! reported as a [`JsonError`].

use std::borrow::Cow;
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
}

/// JSON text could not be parsed, or a value does not have the type a deserializer expected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JsonError {
    message: String,
    offset: Option<usize>,
    /// Whether the text itself is not JSON (rather than a value of the wrong type).
    syntax: bool,
}

impl JsonError {
    /// Creates an error with a human-readable explanation and no position.
    pub fn new(message: impl Into<String>) -> Self {
        JsonError { message: message.into(), offset: None, syntax: false }
    }

    /// The text is not JSON at `offset`.
    fn at(offset: usize, message: impl Into<String>) -> Self {
        JsonError { message: message.into(), offset: Some(offset), syntax: true }
    }

    /// The value at `offset` is not what was asked for.
    fn typed(offset: usize, message: impl Into<String>) -> Self {
        JsonError { message: message.into(), offset: Some(offset), syntax: false }
    }

    /// The explanation, without the position.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The byte offset in the input where reading failed.
    pub fn offset(&self) -> Option<usize> {
        self.offset
    }
}

impl fmt::Display for JsonError {
    /// Writes `invalid JSON at byte 12: expected `,` or `}`` for syntax errors,
    /// `expected a string, found a number at byte 7` for values of the wrong type.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.offset, self.syntax) {
            (Some(offset), true) => write!(f, "invalid JSON at byte {offset}: {}", self.message),
            (Some(offset), false) => write!(f, "{} at byte {offset}", self.message),
            (None, _) => f.write_str(&self.message),
        }
    }
}

impl Error for JsonError {}

// ---------------------------------------------------------------------------
// Reader
// ---------------------------------------------------------------------------

/// Bytes that end a run of plain string characters: `"`, `\` and the control characters.
static STRING_STOP: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 0x20 {
        table[byte] = true;
        byte += 1;
    }
    table[b'"' as usize] = true;
    table[b'\\' as usize] = true;
    table
};

/// Reads JSON text token by token, straight into whatever is being built: generated
/// deserializers open an object, take its keys one by one and read each value with the call
/// for its type, with no tree in between. Keys and strings without escapes are borrowed from
/// the input; an owned string costs one allocation.
///
/// The text is checked as strictly as [`parse`] checks it (RFC 8259, UTF-8, at most 512
/// levels), and nothing is ever trusted or panics: a call that does not fit the input (a
/// string where an integer is asked for, a key read with no object open) is a [`JsonError`]
/// with the byte offset where it happened.
///
/// ```
/// # use smithy_runtime::json::{JsonError, JsonReader};
/// let mut r = JsonReader::new(br#"{"name": "x", "skip": [1, {"a": null}], "size": 3, "gone": null}"#);
/// let (mut name, mut size) = (None, None);
/// r.begin_object()?;
/// while let Some(key) = r.next_key()? {
///     match &*key {
///         "name" => name = Some(r.string()?),
///         "size" => size = Some(r.i32()?),
///         _ => r.skip()?,
///     }
/// }
/// r.finish()?;
/// assert_eq!((name.as_deref(), size), (Some("x"), Some(3)));
/// # Ok::<(), JsonError>(())
/// ```
#[derive(Clone, Debug)]
pub struct JsonReader<'a> {
    /// The input up to its first byte that is not UTF-8, checked once here so every string is
    /// a slice of it.
    text: &'a str,
    bytes: &'a [u8],
    /// Where the input stops being UTF-8: reaching it is that error.
    invalid_utf8: Option<usize>,
    pos: usize,
    /// How many arrays and objects are open.
    depth: usize,
    /// Bit `d` says whether the container at depth `d + 1` is an object.
    objects: [u64; MAX_DEPTH / 64],
    /// Whether the innermost container was just opened (no member or item read yet).
    fresh: bool,
}

impl<'a> JsonReader<'a> {
    /// A reader over one JSON value, optionally surrounded by whitespace.
    pub fn new(input: &'a [u8]) -> Self {
        let (text, invalid_utf8) = match std::str::from_utf8(input) {
            Ok(text) => (text, None),
            Err(e) => {
                let valid = input.get(..e.valid_up_to()).unwrap_or_default();
                (std::str::from_utf8(valid).unwrap_or_default(), Some(e.valid_up_to()))
            }
        };
        JsonReader {
            text,
            bytes: text.as_bytes(),
            invalid_utf8,
            pos: 0,
            depth: 0,
            objects: [0; MAX_DEPTH / 64],
            fresh: false,
        }
    }

    /// A reader over a response body: an empty (or all-whitespace) body reads as `{}`.
    pub fn body(input: &'a [u8]) -> Self {
        if input.iter().all(u8::is_ascii_whitespace) {
            JsonReader::new(b"{}")
        } else {
            JsonReader::new(input)
        }
    }

    /// Whether a response body is one well-formed JSON value (an empty body is): an error
    /// response whose body is not still has the code its headers give.
    pub fn well_formed(input: &'a [u8]) -> bool {
        let mut reader = JsonReader::body(input);
        reader.skip().and_then(|()| reader.finish()).is_ok()
    }

    #[inline]
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn error(&self, message: impl Into<String>) -> JsonError {
        self.fail(self.pos, message)
    }

    /// A syntax error at `offset`, unless the cursor went as far as the input's first byte
    /// that is not UTF-8, which is then the error.
    fn fail(&self, offset: usize, message: impl Into<String>) -> JsonError {
        match self.invalid_utf8 {
            Some(at) if self.pos >= at => JsonError::at(at, "invalid UTF-8"),
            _ => JsonError::at(offset, message),
        }
    }

    /// An error for finding something other than `expected` at the cursor.
    fn unexpected(&self, expected: &str) -> JsonError {
        match self.peek() {
            None => self.error(format!("unexpected end of input, expected {expected}")),
            Some(byte) => self.error(format!("expected {expected}, found {}", describe_byte(byte))),
        }
    }

    /// An error for a value of another type than `expected` at the cursor.
    fn mismatch(&self, expected: &str) -> JsonError {
        let found = match self.peek() {
            Some(b'{') => "an object",
            Some(b'[') => "an array",
            Some(b'"') => "a string",
            Some(b't' | b'f') => "a boolean",
            Some(b'n') => "null",
            Some(b'-' | b'0'..=b'9') => "a number",
            _ => return self.unexpected("a JSON value"),
        };
        JsonError::typed(self.pos, format!("expected {expected}, found {found}"))
    }

    #[inline]
    fn skip_whitespace(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    /// Skips whitespace and says whether `byte` is next.
    #[inline]
    fn at(&mut self, byte: u8) -> bool {
        self.skip_whitespace();
        self.peek() == Some(byte)
    }

    #[inline]
    fn enter(&mut self, object: bool) -> Result<(), JsonError> {
        if self.depth >= MAX_DEPTH {
            return Err(self.error(format!("arrays and objects are nested more than {MAX_DEPTH} levels deep")));
        }
        let (word, bit) = (self.depth / 64, self.depth % 64);
        if let Some(word) = self.objects.get_mut(word) {
            if object {
                *word |= 1 << bit;
            } else {
                *word &= !(1 << bit);
            }
        }
        self.depth += 1;
        self.pos += 1;
        self.fresh = true;
        Ok(())
    }

    /// Whether the innermost open container is an object (false when none is open).
    #[inline]
    fn in_object(&self) -> bool {
        let Some(d) = self.depth.checked_sub(1) else { return false };
        self.objects.get(d / 64).is_some_and(|word| word & (1 << (d % 64)) != 0)
    }

    /// Enters the object at the cursor.
    #[inline]
    pub fn begin_object(&mut self) -> Result<(), JsonError> {
        if !self.at(b'{') {
            return Err(self.mismatch("an object"));
        }
        self.enter(true)
    }

    /// Enters the array at the cursor.
    #[inline]
    pub fn begin_array(&mut self) -> Result<(), JsonError> {
        if !self.at(b'[') {
            return Err(self.mismatch("an array"));
        }
        self.enter(false)
    }

    /// Moves past the separator before the next member or item of the innermost container,
    /// whose closing byte is `close`; false (the container closed) at its end.
    #[inline]
    fn advance(&mut self, close: u8) -> Result<bool, JsonError> {
        self.skip_whitespace();
        let first = std::mem::replace(&mut self.fresh, false);
        match self.peek() {
            Some(byte) if byte == close => {
                self.pos += 1;
                self.depth -= 1;
                Ok(false)
            }
            Some(b',') if !first => {
                self.pos += 1;
                self.skip_whitespace();
                Ok(true)
            }
            _ if first => Ok(true),
            _ => Err(self.unexpected(if close == b'}' { "`,` or `}`" } else { "`,` or `]`" })),
        }
    }

    /// The key of the next member of the innermost open object, its value left at the cursor;
    /// None at the object's end.
    #[inline]
    pub fn next_sparse_key(&mut self) -> Result<Option<Cow<'a, str>>, JsonError> {
        if !self.in_object() {
            return Err(self.error("no object is open to read a key from"));
        }
        if !self.advance(b'}')? {
            return Ok(None);
        }
        if self.peek() != Some(b'"') {
            return Err(self.unexpected("a string key"));
        }
        let key = self.string_token()?;
        if !self.at(b':') {
            return Err(self.unexpected("`:` after an object key"));
        }
        self.pos += 1;
        self.skip_whitespace();
        Ok(Some(key))
    }

    /// The key of the next member whose value is not `null` (members set to `null` are
    /// skipped, as clients treat them as unset); None at the object's end.
    #[inline]
    pub fn next_key(&mut self) -> Result<Option<Cow<'a, str>>, JsonError> {
        loop {
            let key = self.next_sparse_key()?;
            if key.is_none() || !self.take_null()? {
                return Ok(key);
            }
        }
    }

    /// Whether another item of the innermost open array follows (at the cursor).
    #[inline]
    pub fn next_sparse_item(&mut self) -> Result<bool, JsonError> {
        if self.depth == 0 || self.in_object() {
            return Err(self.error("no array is open to read an item from"));
        }
        self.advance(b']')
    }

    /// Whether another item that is not `null` follows (`null` items are skipped, as dense
    /// lists do not hold them).
    #[inline]
    pub fn next_item(&mut self) -> Result<bool, JsonError> {
        loop {
            if !self.next_sparse_item()? {
                return Ok(false);
            }
            if !self.take_null()? {
                return Ok(true);
            }
        }
    }

    /// Consumes a `null` at the cursor; whether there was one.
    #[inline]
    pub fn take_null(&mut self) -> Result<bool, JsonError> {
        if !self.at(b'n') {
            return Ok(false);
        }
        self.literal("null")?;
        Ok(true)
    }

    fn literal(&mut self, text: &'static str) -> Result<(), JsonError> {
        let matches = self.bytes.get(self.pos..).is_some_and(|rest| rest.starts_with(text.as_bytes()));
        if matches {
            self.pos += text.len();
            Ok(())
        } else {
            Err(self.error(format!("invalid literal, expected `{text}`")))
        }
    }

    /// Skips the value at the cursor, checking it as strictly as the other calls would.
    pub fn skip(&mut self) -> Result<(), JsonError> {
        let outer = self.depth;
        loop {
            match self.peek_value()? {
                b'{' => self.enter(true)?,
                b'[' => self.enter(false)?,
                b'"' => {
                    self.skip_string()?;
                }
                b't' => self.literal("true")?,
                b'f' => self.literal("false")?,
                b'n' => self.literal("null")?,
                _ => {
                    self.number_token()?;
                }
            }
            // Close every container that ends here, then stop or go on to the next value.
            loop {
                if self.depth == outer {
                    return Ok(());
                }
                let more = if self.in_object() { self.next_sparse_key()?.is_some() } else { self.next_sparse_item()? };
                if more {
                    break;
                }
            }
        }
    }

    /// The first byte of the value at the cursor, which must start one.
    fn peek_value(&mut self) -> Result<u8, JsonError> {
        self.skip_whitespace();
        match self.peek() {
            Some(byte @ (b'{' | b'[' | b'"' | b't' | b'f' | b'n' | b'-' | b'0'..=b'9')) => Ok(byte),
            _ => Err(self.unexpected("a JSON value")),
        }
    }

    /// A string, with one allocation.
    #[inline]
    pub fn string(&mut self) -> Result<String, JsonError> {
        self.str().map(Cow::into_owned)
    }

    /// A string, borrowed from the input unless it has escapes.
    #[inline]
    pub fn str(&mut self) -> Result<Cow<'a, str>, JsonError> {
        if !self.at(b'"') {
            return Err(self.mismatch("a string"));
        }
        self.string_token()
    }

    /// Moves over the plain characters of a string from the cursor, eight bytes at a time.
    fn plain_run(&mut self) {
        const ONES: u64 = 0x0101_0101_0101_0101;
        const HIGHS: u64 = 0x8080_8080_8080_8080;
        // High bits set where a byte of `v` is zero; the lowest one is always a real zero (a
        // borrow only reaches bytes above it), so it finds the first stop exactly.
        let zero = |v: u64| v.wrapping_sub(ONES) & !v & HIGHS;
        let rest = self.bytes.get(self.pos..).unwrap_or_default();
        let mut chunks = rest.chunks_exact(8);
        for chunk in &mut chunks {
            let Ok(chunk) = <[u8; 8]>::try_from(chunk) else { break };
            let word = u64::from_le_bytes(chunk);
            let stops = zero(word ^ (ONES * u64::from(b'"')))
                | zero(word ^ (ONES * u64::from(b'\\')))
                | (word.wrapping_sub(ONES * 0x20) & !word & HIGHS);
            if stops != 0 {
                self.pos += (stops.trailing_zeros() / 8) as usize;
                return;
            }
            self.pos += 8;
        }
        let tail = chunks.remainder();
        self.pos += tail.iter().position(|&b| STRING_STOP[usize::from(b)]).unwrap_or(tail.len());
    }

    /// The input between `start` and the cursor (both at ASCII bytes, so on char boundaries).
    #[inline]
    fn run(&self, start: usize) -> &'a str {
        self.text.get(start..self.pos).unwrap_or_default()
    }

    /// The string starting at the `"` under the cursor.
    fn string_token(&mut self) -> Result<Cow<'a, str>, JsonError> {
        self.scan_string(true)
    }

    /// Moves over the string at the cursor, checking it, without keeping its text.
    fn skip_string(&mut self) -> Result<(), JsonError> {
        self.scan_string(false).map(drop)
    }

    /// Moves over the string starting at the `"` under the cursor, checking it. With `keep`,
    /// its text: borrowed from the input unless it has escapes; without, nothing meaningful.
    #[inline]
    fn scan_string(&mut self, keep: bool) -> Result<Cow<'a, str>, JsonError> {
        let open = self.pos;
        self.pos += 1;
        let start = self.pos;
        self.plain_run();
        // Most strings have no escape: this path keeps no buffer and calls nothing more.
        if self.peek() == Some(b'"') {
            let run = self.run(start);
            self.pos += 1;
            return Ok(Cow::Borrowed(run));
        }
        self.scan_rest(open, start, keep)
    }

    /// The rest of a string opened at `open` whose plain characters from `start` end at the
    /// cursor, on something other than its closing `"`.
    #[inline(never)]
    fn scan_rest(&mut self, open: usize, mut start: usize, keep: bool) -> Result<Cow<'a, str>, JsonError> {
        // Only grown (and allocated) once an escape shows up in a string kept; an escape always
        // adds a character, so it stays empty exactly when the text can be borrowed.
        let mut unescaped = String::new();
        loop {
            match self.peek() {
                None => return Err(self.fail(open, "unterminated string")),
                Some(b'"') => {
                    let run = self.run(start);
                    self.pos += 1;
                    if unescaped.is_empty() {
                        return Ok(Cow::Borrowed(run));
                    }
                    unescaped.push_str(run);
                    return Ok(Cow::Owned(unescaped));
                }
                Some(b'\\') => {
                    // Escapes are ASCII, so they never split a UTF-8 sequence.
                    if keep {
                        unescaped.push_str(self.run(start));
                    }
                    let c = self.escape()?;
                    if keep {
                        unescaped.push(c);
                    }
                    start = self.pos;
                }
                Some(byte) => {
                    return Err(self.error(format!("unescaped control character U+{byte:04X} in a string")));
                }
            }
            self.plain_run();
        }
    }

    /// The escape sequence starting at the `\` under the cursor.
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
            None => return Err(self.fail(backslash, "unterminated string")),
            Some(_) => return Err(self.fail(backslash, "invalid escape sequence")),
        };
        self.pos += 1;
        Ok(simple)
    }

    /// The `XXXX` of a `\uXXXX` escape (and its low surrogate partner).
    fn unicode_escape(&mut self, backslash: usize) -> Result<char, JsonError> {
        let first = self.hex4()?;
        let code = match first {
            0xD800..=0xDBFF => {
                const UNPAIRED: &str = "high surrogate escape is not followed by a low surrogate escape";
                let has_partner = self.bytes.get(self.pos..self.pos + 2).is_some_and(|next| next == b"\\u");
                if !has_partner {
                    return Err(self.fail(backslash, UNPAIRED));
                }
                self.pos += 2;
                let second = self.hex4()?;
                if !(0xDC00..=0xDFFF).contains(&second) {
                    return Err(self.fail(backslash, UNPAIRED));
                }
                0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
            }
            0xDC00..=0xDFFF => {
                return Err(self.fail(backslash, "low surrogate escape without a preceding high surrogate"));
            }
            _ => first,
        };
        char::from_u32(code).ok_or_else(|| self.fail(backslash, "invalid unicode escape"))
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

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.pos += 1;
        }
        self.pos - start
    }

    /// The text of the number at the cursor, checked against the JSON grammar.
    fn number_token(&mut self) -> Result<&'a str, JsonError> {
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
        Ok(self.run(start))
    }

    /// The number at the cursor, with its offset.
    fn number(&mut self, expected: &str) -> Result<(usize, &'a str), JsonError> {
        if !matches!(self.peek_value(), Ok(b'-' | b'0'..=b'9')) {
            return Err(self.mismatch(expected));
        }
        let at = self.pos;
        Ok((at, self.number_token()?))
    }

    /// `true` or `false`.
    pub fn bool(&mut self) -> Result<bool, JsonError> {
        match self.peek_value() {
            Ok(b't') => self.literal("true").map(|()| true),
            Ok(b'f') => self.literal("false").map(|()| false),
            _ => Err(self.mismatch("a boolean")),
        }
    }

    /// An integral number that fits in `T`. Numbers with a fraction or exponent (`1.5`, `1.0`,
    /// `1e2`) are rejected.
    fn integer<T: TryFrom<i64>>(&mut self, type_name: &str) -> Result<T, JsonError> {
        let (at, text) = self.number("an integer")?;
        if text.contains(['.', 'e', 'E']) {
            return Err(JsonError::typed(at, format!("expected an integer, found the number {}", shown(text))));
        }
        let out_of_range =
            || JsonError::typed(at, format!("the number {} is out of range for {type_name}", shown(text)));
        let wide: i64 = text.parse().map_err(|_| out_of_range())?;
        T::try_from(wide).map_err(|_| out_of_range())
    }

    /// An integral number that fits in an `i8`.
    pub fn i8(&mut self) -> Result<i8, JsonError> {
        self.integer("i8")
    }

    /// An integral number that fits in an `i16`.
    pub fn i16(&mut self) -> Result<i16, JsonError> {
        self.integer("i16")
    }

    /// An integral number that fits in an `i32`.
    pub fn i32(&mut self) -> Result<i32, JsonError> {
        self.integer("i32")
    }

    /// An integral number that fits in an `i64`.
    pub fn i64(&mut self) -> Result<i64, JsonError> {
        self.integer("i64")
    }

    /// A number rounded to the nearest `T`, or one of the strings `NaN`, `Infinity` and
    /// `-Infinity`. Numbers too large for `T` are rejected.
    fn float<T: JsonFloat>(&mut self) -> Result<T, JsonError> {
        if self.at(b'"') {
            let at = self.pos;
            return match &*self.string_token()? {
                "NaN" => Ok(T::NAN),
                "Infinity" => Ok(T::INFINITY),
                "-Infinity" => Ok(T::NEG_INFINITY),
                text => Err(JsonError::typed(at, format!("expected a number, found the string {:?}", shown(text)))),
            };
        }
        let (at, text) = self.number("a number")?;
        parse_float(text).map_err(|e| JsonError::typed(at, e.message))
    }

    /// A number as the nearest `f32`, or `"NaN"`, `"Infinity"` or `"-Infinity"`.
    pub fn f32(&mut self) -> Result<f32, JsonError> {
        self.float()
    }

    /// A number as the nearest `f64`, or `"NaN"`, `"Infinity"` or `"-Infinity"`.
    pub fn f64(&mut self) -> Result<f64, JsonError> {
        self.float()
    }

    /// The exact text of a number, for `bigInteger` and `bigDecimal` members.
    pub fn number_text(&mut self) -> Result<String, JsonError> {
        self.number("a number").map(|(_, text)| text.to_owned())
    }

    /// Binary data from a base64 string.
    pub fn blob(&mut self) -> Result<Blob, JsonError> {
        if !self.at(b'"') {
            return Err(self.mismatch("a base64 string"));
        }
        let at = self.pos;
        let text = self.string_token()?;
        base64::decode(&text).map(Blob::from).map_err(|e| JsonError::typed(at, e.to_string()))
    }

    /// A timestamp in the member's declared `format`, read leniently.
    ///
    /// A JSON number is read exactly as epoch seconds (`1515531081.123` is 1515531081 seconds
    /// and 123 000 000 nanoseconds) whatever the declared format. A string is tried in the
    /// declared format first and then as `date-time`, `http-date` and `epoch-seconds`; if none
    /// fits, the error describes the declared format's failure.
    pub fn timestamp(&mut self, format: Format) -> Result<DateTime, JsonError> {
        let is_string = self.at(b'"');
        let at = self.pos;
        let typed = |e: crate::primitives::DateTimeParseError| JsonError::typed(at, e.to_string());
        if is_string {
            let text = self.string_token()?;
            let declared = DateTime::from_str(&text, format);
            if declared.is_ok() {
                return declared.map_err(typed);
            }
            return [Format::DateTime, Format::HttpDate, Format::EpochSeconds]
                .into_iter()
                .filter(|&other| other != format)
                .find_map(|other| DateTime::from_str(&text, other).ok())
                .ok_or_else(|| match declared {
                    Err(e) => typed(e),
                    Ok(_) => JsonError::typed(at, "invalid timestamp"),
                });
        }
        let (_, text) = self.number("a timestamp")?;
        DateTime::from_str(text, Format::EpochSeconds).map_err(typed)
    }

    /// Any value as a [`Document`].
    ///
    /// Integers become [`Number::PosInt`] (non-negative) or [`Number::NegInt`] (negative);
    /// numbers with a fraction or exponent, and integers beyond the 64-bit range, become
    /// [`Number::Float`]. Numbers beyond the `f64` range are rejected. Repeated object keys
    /// keep their last value.
    pub fn document(&mut self) -> Result<Document, JsonError> {
        Ok(match self.peek_value()? {
            b'{' => {
                self.begin_object()?;
                let mut members = std::collections::BTreeMap::new();
                while let Some(key) = self.next_sparse_key()? {
                    let value = self.document()?;
                    members.insert(key.into_owned(), value);
                }
                Document::Object(members)
            }
            b'[' => {
                self.begin_array()?;
                let mut items = Vec::new();
                while self.next_sparse_item()? {
                    items.push(self.document()?);
                }
                Document::Array(items)
            }
            b'"' => Document::String(self.string()?),
            b't' | b'f' => Document::Bool(self.bool()?),
            b'n' => {
                self.literal("null")?;
                Document::Null
            }
            _ => {
                let (at, text) = self.number("a number")?;
                Document::Number(document_number(text).map_err(|e| JsonError::typed(at, e.message))?)
            }
        })
    }

    /// The value at the cursor as a [`JsonValue`] tree.
    pub fn value(&mut self) -> Result<JsonValue, JsonError> {
        Ok(match self.peek_value()? {
            b'{' => {
                self.begin_object()?;
                let mut members = Vec::new();
                while let Some(key) = self.next_sparse_key()? {
                    let value = self.value()?;
                    members.push((key.into_owned(), value));
                }
                JsonValue::Object(members)
            }
            b'[' => {
                self.begin_array()?;
                let mut items = Vec::new();
                while self.next_sparse_item()? {
                    items.push(self.value()?);
                }
                JsonValue::Array(items)
            }
            b'"' => JsonValue::String(self.string()?),
            b't' | b'f' => JsonValue::Bool(self.bool()?),
            b'n' => {
                self.literal("null")?;
                JsonValue::Null
            }
            _ => JsonValue::Number(self.number_token()?.to_owned()),
        })
    }

    /// Fails unless only whitespace follows the value read.
    pub fn finish(&mut self) -> Result<(), JsonError> {
        self.skip_whitespace();
        match self.peek() {
            None if self.depth == 0 && self.invalid_utf8.is_none() => Ok(()),
            None => Err(self.unexpected("the end of an array or object")),
            Some(byte) if self.depth == 0 => {
                Err(self.error(format!("unexpected {} after the JSON value", describe_byte(byte))))
            }
            Some(_) => Err(self.error("an array or object is still open")),
        }
    }
}

/// Parses JSON text strictly as RFC 8259 defines it, into a [`JsonValue`] tree.
///
/// The input must be UTF-8 (no byte order mark) holding exactly one value, optionally
/// surrounded by whitespace. `\u` escapes must pair surrogates correctly, control characters
/// in strings must be escaped, numbers may not have leading zeros and trailing commas are
/// rejected. Arrays and objects nested more than 512 levels deep are rejected rather than
/// risking the stack.
pub fn parse(input: &[u8]) -> Result<JsonValue, JsonError> {
    let mut reader = JsonReader::new(input);
    let value = reader.value()?;
    reader.finish()?;
    Ok(value)
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
// Numbers
// ---------------------------------------------------------------------------

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
    let mut reader = JsonReader::new(text.as_bytes());
    reader.number_token().is_ok() && reader.pos == text.len()
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

    /// What `read` takes from `text`, which must hold nothing more.
    fn read<'a, T>(
        text: &'a str,
        read: impl FnOnce(&mut JsonReader<'a>) -> Result<T, JsonError>,
    ) -> Result<T, JsonError> {
        let mut reader = JsonReader::new(text.as_bytes());
        let value = read(&mut reader)?;
        reader.finish()?;
        Ok(value)
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
            let back = read(&text, JsonReader::f64).unwrap();
            if value.is_nan() {
                assert!(back.is_nan());
            } else {
                assert_eq!(back.to_bits(), value.to_bits(), "{text}");
            }
            let value = f32::from_bits(next() as u32);
            let text = f32_text(value);
            let back = read(&text, JsonReader::f32).unwrap();
            if value.is_nan() {
                assert!(back.is_nan());
            } else {
                assert_eq!(back.to_bits(), value.to_bits(), "{text}");
            }
        }
    }

    #[test]
    fn float_conversions() {
        assert_eq!(read("0.1", JsonReader::f64).unwrap(), 0.1);
        assert_eq!(read("1", JsonReader::f64).unwrap(), 1.0);
        assert_eq!(read("-1.5E+2", JsonReader::f64).unwrap(), -150.0);
        assert_eq!(read("5e-324", JsonReader::f64).unwrap(), 5e-324);
        assert_eq!(read("1e-400", JsonReader::f64).unwrap(), 0.0);
        assert!(read("-0", JsonReader::f64).unwrap().is_sign_negative());
        assert!(read("\"NaN\"", JsonReader::f64).unwrap().is_nan());
        assert_eq!(read("\"Infinity\"", JsonReader::f64).unwrap(), f64::INFINITY);
        assert_eq!(read("\"-Infinity\"", JsonReader::f64).unwrap(), f64::NEG_INFINITY);
        assert_eq!(read("1.1", JsonReader::f32).unwrap(), 1.1f32);
        // Rounded directly to f32, not through f64.
        assert_eq!(read("1.00000005960464477539062500001", JsonReader::f32).unwrap(), 1.0000001f32);
        assert!(read("\"NaN\"", JsonReader::f32).unwrap().is_nan());
        assert_eq!(read("\"-Infinity\"", JsonReader::f32).unwrap(), f32::NEG_INFINITY);
        assert_eq!(read("1e400", JsonReader::f64).unwrap_err().message(), "the number 1e400 is out of range for f64");
        assert_eq!(read("3.5e38", JsonReader::f32).unwrap_err().message(), "the number 3.5e38 is out of range for f32");
        assert_eq!(
            read("\"nan\"", JsonReader::f64).unwrap_err().message(),
            "expected a number, found the string \"nan\""
        );
        assert_eq!(read("true", JsonReader::f64).unwrap_err().message(), "expected a number, found a boolean");
        // Text that is not a JSON number is rejected, not guessed at.
        for text in ["inf", "NaN", "+1", "1.", ".5", "", "0x1", "1e"] {
            assert!(read(text, JsonReader::f64).is_err(), "{text}");
        }
    }

    #[test]
    fn integer_conversions() {
        assert_eq!(read("9223372036854775807", JsonReader::i64), Ok(i64::MAX));
        assert_eq!(read("-9223372036854775808", JsonReader::i64), Ok(i64::MIN));
        assert_eq!(read("-0", JsonReader::i64), Ok(0));
        assert_eq!(read("2147483647", JsonReader::i32), Ok(i32::MAX));
        assert_eq!(read("-2147483648", JsonReader::i32), Ok(i32::MIN));
        assert_eq!(read("-32768", JsonReader::i16), Ok(i16::MIN));
        assert_eq!(read("127", JsonReader::i8), Ok(127));
        assert_eq!(read("-128", JsonReader::i8), Ok(-128));
        assert_eq!(
            read("9223372036854775808", JsonReader::i64).unwrap_err().message(),
            "the number 9223372036854775808 is out of range for i64"
        );
        assert!(read("-9223372036854775809", JsonReader::i64).is_err());
        assert!(read("100000000000000000000000000000", JsonReader::i64).is_err());
        assert!(read("2147483648", JsonReader::i32).is_err());
        assert!(read("32768", JsonReader::i16).is_err());
        assert_eq!(read("128", JsonReader::i8).unwrap_err().message(), "the number 128 is out of range for i8");
        assert!(read("-129", JsonReader::i8).is_err());
        for text in ["1.5", "1.0", "1e2", "-1E0"] {
            assert_eq!(
                read(text, JsonReader::i32).unwrap_err().message(),
                format!("expected an integer, found the number {text}")
            );
        }
        for text in ["", "-", "+1", "1a"] {
            assert!(read(text, JsonReader::i32).is_err(), "{text}");
        }
        // The position is that of the number.
        assert_eq!(
            read(" [1.5]", |r| {
                r.begin_array()?;
                r.next_item()?;
                r.i32()
            })
            .unwrap_err()
            .offset(),
            Some(2)
        );
        assert_eq!(read("\"1\"", JsonReader::i32).unwrap_err().message(), "expected an integer, found a string");
        assert_eq!(read("null", JsonReader::i64).unwrap_err().message(), "expected an integer, found null");
        let long = "1".repeat(100);
        let message = read(&long, JsonReader::i64).unwrap_err().message().to_owned();
        assert_eq!(message, format!("the number {}... is out of range for i64", "1".repeat(64)));
    }

    #[test]
    fn other_conversions() {
        let mut r = JsonReader::new(br#"{"s":"x","b":true,"a":[1],"o":{},"n":null,"big":1e999,"e":"a\u00e9"}"#);
        r.begin_object().unwrap();
        assert_eq!(r.next_key().unwrap().as_deref(), Some("s"));
        assert_eq!(r.string(), Ok("x".to_string()));
        assert_eq!(r.next_key().unwrap().as_deref(), Some("b"));
        assert_eq!(r.bool(), Ok(true));
        assert_eq!(r.next_key().unwrap().as_deref(), Some("a"));
        r.begin_array().unwrap();
        assert_eq!(r.next_item(), Ok(true));
        assert_eq!(r.i64(), Ok(1));
        assert_eq!(r.next_item(), Ok(false));
        assert_eq!(r.next_key().unwrap().as_deref(), Some("o"));
        r.begin_object().unwrap();
        assert_eq!(r.next_key(), Ok(None));
        // `n` is null, so `next_key` passes over it.
        assert_eq!(r.next_key().unwrap().as_deref(), Some("big"));
        assert_eq!(r.number_text(), Ok("1e999".to_string()));
        assert_eq!(r.next_key().unwrap().as_deref(), Some("e"));
        let escaped = r.str().unwrap();
        assert!(matches!(escaped, Cow::Owned(_)));
        assert_eq!(escaped, "aé");
        assert_eq!(r.next_key(), Ok(None));
        assert_eq!(r.finish(), Ok(()));

        let kinds = [
            ("null", "null"),
            ("false", "a boolean"),
            ("1", "a number"),
            ("\"x\"", "a string"),
            ("[]", "an array"),
            ("{}", "an object"),
        ];
        for (text, kind) in kinds {
            if kind != "a string" {
                assert_eq!(
                    read(text, JsonReader::string).unwrap_err().message(),
                    format!("expected a string, found {kind}")
                );
                assert_eq!(
                    read(text, JsonReader::blob).unwrap_err().message(),
                    format!("expected a base64 string, found {kind}")
                );
            }
            if kind != "an object" {
                assert_eq!(
                    read(text, JsonReader::begin_object).unwrap_err().message(),
                    format!("expected an object, found {kind}")
                );
            }
            if kind != "an array" {
                assert_eq!(
                    read(text, JsonReader::begin_array).unwrap_err().message(),
                    format!("expected an array, found {kind}")
                );
            }
            if kind != "a boolean" {
                assert!(read(text, JsonReader::bool).is_err());
            }
            if kind != "a number" {
                assert!(read(text, JsonReader::number_text).is_err());
            }
            // Whatever it is, it can be skipped.
            assert_eq!(read(text, JsonReader::skip), Ok(()));
        }
    }

    #[test]
    fn nulls_are_skipped_or_kept() {
        let text = br#"{"a":null,"b":[null,1,null,2,null],"c":null,"d":{"x":null}}"#;
        let mut r = JsonReader::new(text);
        r.begin_object().unwrap();
        assert_eq!(r.next_key().unwrap().as_deref(), Some("b"));
        r.begin_array().unwrap();
        let mut dense = Vec::new();
        while r.next_item().unwrap() {
            dense.push(r.i32().unwrap());
        }
        assert_eq!(dense, [1, 2]);
        assert_eq!(r.next_key().unwrap().as_deref(), Some("d"));
        r.begin_object().unwrap();
        assert_eq!(r.next_key(), Ok(None));
        assert_eq!(r.next_key(), Ok(None));
        r.finish().unwrap();

        let mut r = JsonReader::new(text);
        r.begin_object().unwrap();
        assert_eq!(r.next_sparse_key().unwrap().as_deref(), Some("a"));
        assert_eq!(r.take_null(), Ok(true));
        assert_eq!(r.next_sparse_key().unwrap().as_deref(), Some("b"));
        r.begin_array().unwrap();
        let mut sparse = Vec::new();
        while r.next_sparse_item().unwrap() {
            sparse.push(if r.take_null().unwrap() { None } else { Some(r.i32().unwrap()) });
        }
        assert_eq!(sparse, [None, Some(1), None, Some(2), None]);
        assert_eq!(r.next_sparse_key().unwrap().as_deref(), Some("c"));
        assert_eq!(r.take_null(), Ok(true));
        assert_eq!(r.next_sparse_key().unwrap().as_deref(), Some("d"));
        r.skip().unwrap();
        assert_eq!(r.next_sparse_key(), Ok(None));
        r.finish().unwrap();
    }

    #[test]
    fn calls_that_do_not_fit_the_input_are_errors() {
        // No container open.
        assert!(JsonReader::new(b"{}").next_key().is_err());
        assert!(JsonReader::new(b"[]").next_item().is_err());
        // A key asked for inside an array, an item inside an object.
        let mut r = JsonReader::new(b"[1]");
        r.begin_array().unwrap();
        assert!(r.next_key().is_err());
        let mut r = JsonReader::new(br#"{"a":1}"#);
        r.begin_object().unwrap();
        assert!(r.next_item().is_err());
        // A value left unread before the next key.
        let mut r = JsonReader::new(br#"{"a":1,"b":2}"#);
        r.begin_object().unwrap();
        r.next_key().unwrap();
        assert!(r.next_key().is_err());
        // Finishing with a container open, or with more text.
        let mut r = JsonReader::new(b"[1]");
        r.begin_array().unwrap();
        assert!(r.finish().is_err());
        assert!(read("1 2", JsonReader::i64).is_err());
        // An empty body reads as an empty object; `new` does not.
        let mut r = JsonReader::body(b" \n");
        r.begin_object().unwrap();
        assert_eq!(r.next_key(), Ok(None));
        assert!(JsonReader::new(b"").begin_object().is_err());
        // Skipping checks what it skips.
        for bad in ["[1,]", r#"{"a" 1}"#, r#""\q""#, "[tru]", "01", "{\"a\":[}"] {
            assert!(read(bad, JsonReader::skip).is_err(), "{bad}");
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
        let mut r = JsonReader::new(text.as_bytes());
        r.begin_array().unwrap();
        assert!(r.next_item().unwrap());
        assert_eq!(r.blob(), Ok(Blob::new("foobar")));
        assert!(r.next_item().unwrap());
        assert_eq!(r.blob(), Ok(Blob::default()));
        assert!(read("\"Zm9v!\"", JsonReader::blob).unwrap_err().message().starts_with("invalid base64: "));
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
            let text = write(format);
            // Read back in every declared format, thanks to the lenient fallback.
            for declared in [Format::EpochSeconds, Format::DateTime, Format::HttpDate] {
                assert_eq!(read(&text, |r| r.timestamp(declared)), Ok(dt), "{text}");
            }
        }
        assert_eq!(read("1.5e3", |r| r.timestamp(Format::EpochSeconds)), Ok(DateTime::from_secs(1500)));
        assert_eq!(read("1515531081.123", |r| r.timestamp(Format::DateTime)), Ok(dt));
        assert_eq!(read("\"1515531081.123\"", |r| r.timestamp(Format::EpochSeconds)), Ok(dt));
        assert_eq!(read("-1.25", |r| r.timestamp(Format::EpochSeconds)), Ok(DateTime::from_millis(-1250)));
        let err = read("\"yesterday\"", |r| r.timestamp(Format::DateTime)).unwrap_err();
        assert!(err.message().starts_with("invalid date-time timestamp \"yesterday\""), "{err}");
        let err = read("\"yesterday\"", |r| r.timestamp(Format::HttpDate)).unwrap_err();
        assert!(err.message().starts_with("invalid http-date timestamp"), "{err}");
        assert!(read("1e30", |r| r.timestamp(Format::EpochSeconds)).is_err());
        assert_eq!(
            read("true", |r| r.timestamp(Format::DateTime)).unwrap_err().message(),
            "expected a timestamp, found a boolean"
        );
    }

    #[test]
    fn documents() {
        let text = r#"{"b":[1,-1,-0,0,1.5,-2e3,18446744073709551615,18446744073709551616,-9223372036854775808,-9223372036854775809,"x",true,null],"a":{},"a":{"z":false}}"#;
        let doc = expect_document(&parse_str(text).unwrap()).unwrap();
        // The reader makes the same document without a tree.
        assert_eq!(read(text, JsonReader::document).as_ref(), Ok(&doc));
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
        let back = read(&text, JsonReader::document).unwrap();
        assert_eq!(back.as_array().unwrap()[1], Document::Number(Number::Float(1.0)));

        assert_eq!(
            read("1e400", JsonReader::document).unwrap_err().message(),
            "the number 1e400 is out of range for f64"
        );
        assert!(read("bogus", JsonReader::document).is_err());
        assert!(read("-bogus", JsonReader::document).is_err());
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
        let text = w.finish();
        let mut r = JsonReader::new(text.as_bytes());
        r.begin_object().unwrap();
        let mut seen = 0;
        while let Some(key) = r.next_key().unwrap() {
            seen += 1;
            match &*key {
                "name" => assert_eq!(r.string().unwrap(), "tab\there \"quoted\" \u{1} 😀"),
                "count" => assert_eq!(r.i64(), Ok(i64::MIN)),
                "max" => assert_eq!(r.number_text().unwrap(), u64::MAX.to_string()),
                "ratio" => assert_eq!(r.f64(), Ok(-0.1)),
                "f" => assert_eq!(r.f32(), Ok(1.1)),
                "nan" => assert!(r.f64().unwrap().is_nan()),
                "items" => assert_eq!(r.value(), Ok(JsonValue::Array(vec![JsonValue::Bool(true), JsonValue::Null]))),
                other => panic!("unexpected key {other}"),
            }
        }
        assert_eq!(seen, 7);
        r.finish().unwrap();
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
        assert_eq!(parse(b"\"ab\xff\"").unwrap_err().to_string(), "invalid JSON at byte 3: invalid UTF-8");
        assert_eq!(parse(b"\"\\n\xe2\x82\"").unwrap_err().to_string(), "invalid JSON at byte 3: invalid UTF-8");
        // Outside strings too, and found when the reader gets there: what comes before it reads.
        let mut r = JsonReader::new(b"[\"a\", \xff]");
        r.begin_array().unwrap();
        assert!(r.next_item().unwrap());
        assert_eq!(r.str().unwrap(), "a");
        assert!(r.next_item().unwrap());
        assert_eq!(r.str().unwrap_err().to_string(), "invalid JSON at byte 6: invalid UTF-8");
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

    /// Reads `bytes` with every call, the way generated deserializers would: none may panic,
    /// and each either reads a value or fails at an offset inside the input.
    fn read_everything(bytes: &[u8]) {
        type Read = fn(&mut JsonReader<'_>) -> Result<(), JsonError>;
        let calls: [Read; 16] = [
            |r| r.string().map(drop),
            |r| r.bool().map(drop),
            |r| r.i8().map(drop),
            |r| r.i16().map(drop),
            |r| r.i32().map(drop),
            |r| r.i64().map(drop),
            |r| r.f32().map(drop),
            |r| r.f64().map(drop),
            |r| r.number_text().map(drop),
            |r| r.blob().map(drop),
            |r| r.timestamp(Format::EpochSeconds).map(drop),
            |r| r.timestamp(Format::DateTime).map(drop),
            |r| r.timestamp(Format::HttpDate).map(drop),
            |r| r.document().map(drop),
            |r| r.skip(),
            |r| r.take_null().map(drop),
        ];
        for call in calls {
            let mut r = JsonReader::new(bytes);
            if let Err(err) = call(&mut r) {
                assert!(err.offset().is_some_and(|o| o <= bytes.len()), "{err}");
            }
        }
        // A structure's deserializer: every member read with the next call in turn.
        let mut r = JsonReader::new(bytes);
        let mut next = 0;
        let walked = (|| -> Result<(), JsonError> {
            r.begin_object()?;
            while let Some(_key) = r.next_key()? {
                next += 1;
                if next % 3 == 0 {
                    r.begin_array()?;
                    while r.next_item()? {
                        calls[next % calls.len()](&mut r)?;
                    }
                } else {
                    calls[next % calls.len()](&mut r)?;
                }
            }
            r.finish()
        })();
        if let Err(err) = walked {
            assert!(err.offset().is_some_and(|o| o <= bytes.len()), "{err}");
        }
        if let Ok(doc) = read_bytes(bytes, JsonReader::document) {
            let mut w = JsonWriter::new();
            w.document(&doc);
            assert!(parse_str(&w.finish()).is_ok());
        }
    }

    fn read_bytes<'a, T>(
        bytes: &'a [u8],
        read: impl FnOnce(&mut JsonReader<'a>) -> Result<T, JsonError>,
    ) -> Result<T, JsonError> {
        let mut reader = JsonReader::new(bytes);
        let value = read(&mut reader)?;
        reader.finish()?;
        Ok(value)
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
                }
                Err(err) => {
                    assert!(err.offset().is_some_and(|o| o <= bytes.len()), "{err}");
                }
            }
            read_everything(&bytes);
        }
        assert!(parsed > 1_000, "only {parsed} inputs parsed");
    }
}
