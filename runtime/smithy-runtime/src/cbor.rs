//! CBOR (RFC 8949), the body format of rpcv2Cbor: a reader into [`CborValue`] and a writer.
//!
//! The reader takes whatever a response holds and never panics: every major type, definite and
//! indefinite lengths, tags, half, single and double floats (`NaN` and the infinities
//! included). It never trusts a declared length: a string longer than the bytes left is an
//! error before anything is allocated, and a container reserves at most one slot per byte
//! left, so allocation is bounded by the bytes actually received; nesting deeper than
//! [`MAX_DEPTH`] is an error, not a stack overflow.

use std::fmt;

use crate::error::ErrorMetadata;
use crate::http::HttpResponse;
use crate::primitives::{Blob, DateTime, Document, Format, Number};

/// How deep arrays, maps and tags may nest.
pub const MAX_DEPTH: usize = 128;

/// A CBOR data item.
#[derive(Clone, Debug, PartialEq)]
pub enum CborValue {
    /// Major types 0 and 1: -2^64 ..= 2^64 - 1.
    Integer(i128),
    /// Major type 2 (indefinite-length chunks joined).
    Bytes(Vec<u8>),
    /// Major type 3 (indefinite-length chunks joined).
    Text(String),
    /// Major type 4.
    Array(Vec<CborValue>),
    /// Major type 5, in the order the pairs came.
    Map(Vec<(CborValue, CborValue)>),
    /// Major type 6: a tag number and the item it tags.
    Tag(u64, Box<CborValue>),
    /// `false` and `true`.
    Bool(bool),
    /// `null`.
    Null,
    /// `undefined`.
    Undefined,
    /// Half, single and double floats, widened.
    Float(f64),
    /// Another simple value (major type 7).
    Simple(u8),
}

impl CborValue {
    /// The value of `key` in a map with text keys.
    pub fn get(&self, key: &str) -> Option<&CborValue> {
        match self {
            CborValue::Map(pairs) => {
                pairs.iter().find(|(k, _)| matches!(k, CborValue::Text(t) if t == key)).map(|(_, v)| v)
            }
            _ => None,
        }
    }
}

/// Why bytes are not one well-formed CBOR item, or an item is not the value expected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CborError {
    message: String,
    /// Where, in bytes from the start, for malformed bytes.
    offset: Option<usize>,
}

impl CborError {
    /// An error with a human-readable explanation and no position.
    pub fn new(message: impl Into<String>) -> Self {
        CborError { message: message.into(), offset: None }
    }

    /// What is wrong.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for CborError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.offset {
            Some(offset) => write!(f, "invalid CBOR at byte {offset}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for CborError {}

/// Reads `bytes` as exactly one CBOR data item.
pub fn parse(bytes: &[u8]) -> Result<CborValue, CborError> {
    let mut reader = Reader { bytes, pos: 0 };
    let value = reader.item(0)?;
    if reader.pos != bytes.len() {
        return Err(reader.error("bytes after the data item"));
    }
    Ok(value)
}

/// An item's initial byte and argument.
enum Head {
    /// Major type and argument.
    Definite(u8, u64),
    /// Major type of an indefinite-length string, array or map.
    Indefinite(u8),
    /// The "break" that ends an indefinite-length item.
    Break,
    /// Major type 7, additional information 25, 26 or 27: a float's bits and width.
    Float(u64, u8),
}

struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Reader<'_> {
    fn error(&self, message: &str) -> CborError {
        CborError { message: message.to_owned(), offset: Some(self.pos) }
    }

    fn remaining(&self) -> usize {
        self.bytes.len() - self.pos
    }

    fn take(&mut self, n: usize) -> Result<&[u8], CborError> {
        if n > self.remaining() {
            return Err(self.error("truncated: the item is longer than the bytes left"));
        }
        let slice = &self.bytes[self.pos..self.pos + n];
        self.pos += n;
        Ok(slice)
    }

    fn uint(&mut self, width: usize) -> Result<u64, CborError> {
        Ok(self.take(width)?.iter().fold(0u64, |n, b| (n << 8) | u64::from(*b)))
    }

    fn head(&mut self) -> Result<Head, CborError> {
        let initial = self.take(1)?[0];
        let (major, info) = (initial >> 5, initial & 0x1f);
        let argument = match info {
            0..=23 => u64::from(info),
            24 => {
                let n = self.uint(1)?;
                // One-byte simple values below 32 are not well-formed (RFC 8949, 3.3).
                if major == 7 && n < 32 {
                    return Err(self.error("invalid simple value"));
                }
                n
            }
            25..=27 if major == 7 => {
                let width = 1u8 << (info - 24);
                return Ok(Head::Float(self.uint(usize::from(width))?, width));
            }
            25 => self.uint(2)?,
            26 => self.uint(4)?,
            27 => self.uint(8)?,
            28..=30 => return Err(self.error("reserved additional information")),
            _ => {
                return match major {
                    2..=5 => Ok(Head::Indefinite(major)),
                    7 => Ok(Head::Break),
                    _ => Err(self.error("indefinite length on an integer or a tag")),
                }
            }
        };
        Ok(Head::Definite(major, argument))
    }

    fn item(&mut self, depth: usize) -> Result<CborValue, CborError> {
        match self.head()? {
            Head::Break => Err(self.error("break outside an indefinite-length item")),
            Head::Float(bits, width) => Ok(CborValue::Float(float(bits, width))),
            Head::Indefinite(major) => self.indefinite(major, depth),
            Head::Definite(major, argument) => self.definite(major, argument, depth),
        }
    }

    fn definite(&mut self, major: u8, argument: u64, depth: usize) -> Result<CborValue, CborError> {
        let len = |r: &Self| usize::try_from(argument).map_err(|_| r.error("length beyond the address space"));
        Ok(match major {
            0 => CborValue::Integer(i128::from(argument)),
            1 => CborValue::Integer(-1 - i128::from(argument)),
            2 => CborValue::Bytes(self.take(len(self)?)?.to_vec()),
            3 => CborValue::Text(self.text(len(self)?)?),
            4 => {
                let n = len(self)?;
                let depth = self.deeper(depth)?;
                // Each item takes at least a byte: a count beyond what is left fails in the loop.
                let mut items = Vec::with_capacity(n.min(self.remaining()));
                for _ in 0..n {
                    items.push(self.item(depth)?);
                }
                CborValue::Array(items)
            }
            5 => {
                let n = len(self)?;
                let depth = self.deeper(depth)?;
                let mut pairs = Vec::with_capacity(n.min(self.remaining() / 2));
                for _ in 0..n {
                    let key = self.item(depth)?;
                    pairs.push((key, self.item(depth)?));
                }
                CborValue::Map(pairs)
            }
            6 => CborValue::Tag(argument, Box::new(self.item(self.deeper(depth)?)?)),
            _ => match argument {
                20 => CborValue::Bool(false),
                21 => CborValue::Bool(true),
                22 => CborValue::Null,
                23 => CborValue::Undefined,
                n => CborValue::Simple(n as u8),
            },
        })
    }

    fn indefinite(&mut self, major: u8, depth: usize) -> Result<CborValue, CborError> {
        let depth = self.deeper(depth)?;
        match major {
            2 | 3 => {
                let mut bytes = Vec::new();
                loop {
                    match self.head()? {
                        Head::Break => break,
                        Head::Definite(m, n) if m == major => {
                            let n = usize::try_from(n).map_err(|_| self.error("length beyond the address space"))?;
                            let chunk = self.take(n)?;
                            if major == 3 && std::str::from_utf8(chunk).is_err() {
                                return Err(self.error("a text chunk is not UTF-8"));
                            }
                            bytes.extend_from_slice(chunk);
                        }
                        _ => return Err(self.error("an indefinite-length string holds another kind of item")),
                    }
                }
                Ok(if major == 2 {
                    CborValue::Bytes(bytes)
                } else {
                    CborValue::Text(String::from_utf8(bytes).map_err(|_| self.error("text is not UTF-8"))?)
                })
            }
            4 => {
                let mut items = Vec::new();
                while !self.at_break()? {
                    items.push(self.item(depth)?);
                }
                Ok(CborValue::Array(items))
            }
            _ => {
                let mut pairs = Vec::new();
                while !self.at_break()? {
                    let key = self.item(depth)?;
                    pairs.push((key, self.item(depth)?));
                }
                Ok(CborValue::Map(pairs))
            }
        }
    }

    /// Consumes a "break" if one is next.
    fn at_break(&mut self) -> Result<bool, CborError> {
        match self.bytes.get(self.pos) {
            None => Err(self.error("truncated: an indefinite-length item has no break")),
            Some(0xff) => {
                self.pos += 1;
                Ok(true)
            }
            Some(_) => Ok(false),
        }
    }

    fn text(&mut self, n: usize) -> Result<String, CborError> {
        let start = self.pos;
        let bytes = self.take(n)?;
        std::str::from_utf8(bytes)
            .map(str::to_owned)
            .map_err(|_| CborError { message: "text is not UTF-8".to_owned(), offset: Some(start) })
    }

    fn deeper(&self, depth: usize) -> Result<usize, CborError> {
        if depth >= MAX_DEPTH {
            Err(self.error("nested too deeply"))
        } else {
            Ok(depth + 1)
        }
    }
}

/// A float of `width` bytes (2, 4 or 8) from its bits.
fn float(bits: u64, width: u8) -> f64 {
    match width {
        2 => half(bits as u16),
        4 => f64::from(f32::from_bits(bits as u32)),
        _ => f64::from_bits(bits),
    }
}

/// An IEEE 754 half-precision float (RFC 8949, appendix D).
fn half(bits: u16) -> f64 {
    let exponent = (bits >> 10) & 0x1f;
    let mantissa = f64::from(bits & 0x3ff);
    let magnitude = match exponent {
        0 => mantissa * 2f64.powi(-24),
        31 if mantissa == 0.0 => f64::INFINITY,
        31 => f64::NAN,
        e => (mantissa + 1024.0) * 2f64.powi(i32::from(e) - 25),
    };
    if bits & 0x8000 != 0 {
        -magnitude
    } else {
        magnitude
    }
}

/// Writes CBOR with the calls [`crate::json::JsonWriter`] takes, so one generated shape of code
/// serves both: strings and byte strings of known length, objects and arrays as indefinite-
/// length maps and arrays (their members are not counted first), integers in their shortest
/// form, floats as written (never half-precision), timestamps as tag 1 epoch seconds.
#[derive(Debug, Default)]
pub struct CborWriter {
    out: Vec<u8>,
}

impl CborWriter {
    /// An empty writer.
    pub fn new() -> Self {
        CborWriter::default()
    }

    /// The bytes written.
    pub fn finish(self) -> Vec<u8> {
        self.out
    }

    fn head(&mut self, major: u8, argument: u64) {
        let major = major << 5;
        match argument {
            0..=23 => self.out.push(major | argument as u8),
            24..=0xff => self.out.extend_from_slice(&[major | 24, argument as u8]),
            0x100..=0xffff => {
                self.out.push(major | 25);
                self.out.extend_from_slice(&(argument as u16).to_be_bytes());
            }
            0x1_0000..=0xffff_ffff => {
                self.out.push(major | 26);
                self.out.extend_from_slice(&(argument as u32).to_be_bytes());
            }
            _ => {
                self.out.push(major | 27);
                self.out.extend_from_slice(&argument.to_be_bytes());
            }
        }
    }

    /// Starts a map whose pairs end at [`CborWriter::end_object`].
    pub fn begin_object(&mut self) {
        self.out.push(0xbf);
    }

    /// Ends the map [`CborWriter::begin_object`] started.
    pub fn end_object(&mut self) {
        self.out.push(0xff);
    }

    /// Starts an array whose items end at [`CborWriter::end_array`].
    pub fn begin_array(&mut self) {
        self.out.push(0x9f);
    }

    /// Ends the array [`CborWriter::begin_array`] started.
    pub fn end_array(&mut self) {
        self.out.push(0xff);
    }

    /// A map key.
    pub fn key(&mut self, key: &str) {
        self.string(key);
    }

    /// A text string.
    pub fn string(&mut self, value: &str) {
        self.head(3, value.len() as u64);
        self.out.extend_from_slice(value.as_bytes());
    }

    /// `true` or `false`.
    pub fn bool(&mut self, value: bool) {
        self.out.push(if value { 0xf5 } else { 0xf4 });
    }

    /// `null`.
    pub fn null(&mut self) {
        self.out.push(0xf6);
    }

    /// An integer in its shortest form.
    pub fn i64(&mut self, value: i64) {
        if value < 0 {
            self.head(1, (-1 - value) as u64);
        } else {
            self.head(0, value as u64);
        }
    }

    /// A single-precision float.
    pub fn f32(&mut self, value: f32) {
        self.out.push(0xfa);
        self.out.extend_from_slice(&value.to_bits().to_be_bytes());
    }

    /// A double-precision float.
    pub fn f64(&mut self, value: f64) {
        self.out.push(0xfb);
        self.out.extend_from_slice(&value.to_bits().to_be_bytes());
    }

    /// A byte string.
    pub fn blob(&mut self, value: &Blob) {
        self.head(2, value.as_ref().len() as u64);
        self.out.extend_from_slice(value.as_ref());
    }

    /// A timestamp: tag 1 and its epoch seconds, an integer when whole (rpcv2Cbor has one
    /// timestamp form, so `format`, which JSON honours, does not apply).
    pub fn timestamp(&mut self, value: &DateTime, _format: Format) {
        self.head(6, 1);
        let secs = value.as_secs_f64();
        if secs.fract() == 0.0 && secs.abs() < 9.0e15 {
            self.i64(secs as i64);
        } else {
            self.f64(secs);
        }
    }

    /// A `bigInteger` or `bigDecimal` from its decimal text: an integer when it fits 64 bits,
    /// else a bignum (tags 2 and 3); a decimal as a decimal fraction (tag 4). Text that is not
    /// a number is written as text, for the service to refuse.
    pub fn number_text(&mut self, text: &str) {
        match decimal(text) {
            Some((0, mantissa)) => self.bignum(mantissa),
            Some((exponent, mantissa)) => {
                self.head(6, 4);
                self.head(4, 2);
                self.i64(exponent);
                self.bignum(mantissa);
            }
            None => self.string(text),
        }
    }

    fn bignum(&mut self, n: i128) {
        match i64::try_from(n) {
            Ok(small) => self.i64(small),
            Err(_) if n < 0 && -1 - n <= i128::from(u64::MAX) => self.head(1, (-1 - n) as u64),
            Err(_) if n >= 0 && n <= i128::from(u64::MAX) => self.head(0, n as u64),
            Err(_) => {
                let (tag, magnitude) = if n < 0 { (3, (-1 - n) as u128) } else { (2, n as u128) };
                let bytes = magnitude.to_be_bytes();
                let first = bytes.iter().position(|b| *b != 0).unwrap_or(bytes.len());
                self.head(6, tag);
                self.head(2, (bytes.len() - first) as u64);
                self.out.extend_from_slice(&bytes[first..]);
            }
        }
    }

    /// A document as the CBOR value of the same shape (rpcv2Cbor does not model documents; this
    /// keeps a crate that has one whole).
    pub fn document(&mut self, value: &Document) {
        match value {
            Document::Object(members) => {
                self.begin_object();
                for (key, value) in members {
                    self.key(key);
                    self.document(value);
                }
                self.end_object();
            }
            Document::Array(items) => {
                self.begin_array();
                items.iter().for_each(|item| self.document(item));
                self.end_array();
            }
            Document::Number(Number::PosInt(n)) => self.head(0, *n),
            Document::Number(Number::NegInt(n)) => self.i64(*n),
            Document::Number(Number::Float(f)) => self.f64(*f),
            Document::String(s) => self.string(s),
            Document::Bool(b) => self.bool(*b),
            Document::Null => self.null(),
        }
    }
}

/// `text` as `(exponent, mantissa)` with `text == mantissa * 10^exponent`, if it is a decimal
/// number whose digits fit 128 bits.
fn decimal(text: &str) -> Option<(i64, i128)> {
    let (number, exponent) = match text.find(['e', 'E']) {
        Some(at) => (&text[..at], text[at + 1..].parse::<i64>().ok()?),
        None => (text, 0),
    };
    let (negative, digits) = match number.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, number.strip_prefix('+').unwrap_or(number)),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    if whole.is_empty() && fraction.is_empty() || !(whole.bytes().chain(fraction.bytes()).all(|b| b.is_ascii_digit())) {
        return None;
    }
    let mut mantissa: i128 = 0;
    for b in whole.bytes().chain(fraction.bytes()) {
        mantissa = mantissa.checked_mul(10)?.checked_add(i128::from(b - b'0'))?;
    }
    let exponent = exponent.checked_sub(i64::try_from(fraction.len()).ok()?)?;
    Some((exponent, if negative { -mantissa } else { mantissa }))
}

// ---------------------------------------------------------------------------
// Reading values, as `crate::json`'s `expect_*` functions do
// ---------------------------------------------------------------------------

impl CborValue {
    /// `null`, and `undefined`, which rpcv2Cbor reads as `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, CborValue::Null | CborValue::Undefined)
    }

    fn kind(&self) -> &'static str {
        match self {
            CborValue::Integer(_) => "an integer",
            CborValue::Bytes(_) => "a byte string",
            CborValue::Text(_) => "a text string",
            CborValue::Array(_) => "an array",
            CborValue::Map(_) => "a map",
            CborValue::Tag(..) => "a tagged item",
            CborValue::Bool(_) => "a boolean",
            CborValue::Null => "null",
            CborValue::Undefined => "undefined",
            CborValue::Float(_) => "a float",
            CborValue::Simple(_) => "a simple value",
        }
    }
}

fn mismatch(expected: &str, found: &CborValue) -> CborError {
    CborError::new(format!("expected {expected}, found {}", found.kind()))
}

/// The pairs of a map with text keys (a structure, union or map).
pub fn expect_object(value: &CborValue) -> Result<Vec<(&String, &CborValue)>, CborError> {
    match value {
        CborValue::Map(pairs) => pairs
            .iter()
            .map(|(k, v)| match k {
                CborValue::Text(key) => Ok((key, v)),
                other => Err(mismatch("a text key", other)),
            })
            .collect(),
        other => Err(mismatch("a map", other)),
    }
}

/// The items of an array.
pub fn expect_array(value: &CborValue) -> Result<&[CborValue], CborError> {
    match value {
        CborValue::Array(items) => Ok(items),
        other => Err(mismatch("an array", other)),
    }
}

/// A text string.
pub fn expect_string(value: &CborValue) -> Result<String, CborError> {
    match value {
        CborValue::Text(text) => Ok(text.clone()),
        other => Err(mismatch("a text string", other)),
    }
}

/// A boolean.
pub fn expect_bool(value: &CborValue) -> Result<bool, CborError> {
    match value {
        CborValue::Bool(b) => Ok(*b),
        other => Err(mismatch("a boolean", other)),
    }
}

fn expect_integer<T: TryFrom<i128>>(value: &CborValue, type_name: &str) -> Result<T, CborError> {
    match value {
        CborValue::Integer(n) => {
            T::try_from(*n).map_err(|_| CborError::new(format!("the integer {n} is out of range for {type_name}")))
        }
        other => Err(mismatch("an integer", other)),
    }
}

/// An integer that fits an `i8`.
pub fn expect_i8(value: &CborValue) -> Result<i8, CborError> {
    expect_integer(value, "i8")
}

/// An integer that fits an `i16`.
pub fn expect_i16(value: &CborValue) -> Result<i16, CborError> {
    expect_integer(value, "i16")
}

/// An integer that fits an `i32`.
pub fn expect_i32(value: &CborValue) -> Result<i32, CborError> {
    expect_integer(value, "i32")
}

/// An integer that fits an `i64`.
pub fn expect_i64(value: &CborValue) -> Result<i64, CborError> {
    expect_integer(value, "i64")
}

/// A float, or an integer sent for one (the spec allows it where no precision is lost).
pub fn expect_f64(value: &CborValue) -> Result<f64, CborError> {
    match value {
        CborValue::Float(f) => Ok(*f),
        CborValue::Integer(n) => Ok(*n as f64),
        other => Err(mismatch("a float", other)),
    }
}

/// [`expect_f64`], narrowed.
pub fn expect_f32(value: &CborValue) -> Result<f32, CborError> {
    expect_f64(value).map(|f| f as f32)
}

/// A `bigInteger` or `bigDecimal` as decimal text: an integer, a bignum (tags 2, 3) of up to
/// 128 bits, a decimal fraction (tag 4) or a float.
pub fn expect_number_text(value: &CborValue) -> Result<String, CborError> {
    let bignum = |value: &CborValue| -> Result<i128, CborError> {
        match value {
            CborValue::Integer(n) => Ok(*n),
            CborValue::Tag(tag @ (2 | 3), bytes) => match &**bytes {
                CborValue::Bytes(b) if b.len() <= 16 => {
                    let magnitude = b.iter().fold(0u128, |n, byte| (n << 8) | u128::from(*byte));
                    let magnitude =
                        i128::try_from(magnitude).map_err(|_| CborError::new("a bignum beyond 127 bits"))?;
                    Ok(if *tag == 3 { -1 - magnitude } else { magnitude })
                }
                _ => Err(CborError::new("a bignum beyond 128 bits, or not a byte string")),
            },
            other => Err(mismatch("an integer", other)),
        }
    };
    match value {
        CborValue::Float(f) => Ok(f.to_string()),
        CborValue::Tag(4, fraction) => match &**fraction {
            CborValue::Array(parts) if parts.len() == 2 => {
                let exponent = expect_i64(&parts[0])?;
                let mantissa = bignum(&parts[1])?;
                Ok(if exponent == 0 { mantissa.to_string() } else { format!("{mantissa}E{exponent}") })
            }
            _ => Err(CborError::new("a decimal fraction is not an [exponent, mantissa] array")),
        },
        other => bignum(other).map(|n| n.to_string()),
    }
}

/// A byte string.
pub fn expect_blob(value: &CborValue) -> Result<Blob, CborError> {
    match value {
        CborValue::Bytes(bytes) => Ok(Blob::new(bytes.clone())),
        other => Err(mismatch("a byte string", other)),
    }
}

/// A timestamp: tag 1 and epoch seconds (an integer or a float); `format` does not apply.
pub fn expect_timestamp(value: &CborValue, _format: Format) -> Result<DateTime, CborError> {
    match value {
        CborValue::Tag(1, secs) => match &**secs {
            CborValue::Integer(n) => i64::try_from(*n)
                .map(DateTime::from_secs)
                .map_err(|_| CborError::new("a timestamp beyond the 64-bit range")),
            CborValue::Float(f) if f.is_finite() => Ok(DateTime::from_secs_f64(*f)),
            other => Err(mismatch("epoch seconds", other)),
        },
        other => Err(mismatch("a timestamp (tag 1)", other)),
    }
}

/// A document from the CBOR value of the same shape (rpcv2Cbor does not model documents).
pub fn expect_document(value: &CborValue) -> Result<Document, CborError> {
    Ok(match value {
        CborValue::Null | CborValue::Undefined => Document::Null,
        CborValue::Bool(b) => Document::Bool(*b),
        CborValue::Integer(n) => Document::Number(match (u64::try_from(*n), i64::try_from(*n)) {
            (Ok(u), _) => Number::PosInt(u),
            (_, Ok(i)) => Number::NegInt(i),
            _ => Number::Float(*n as f64),
        }),
        CborValue::Float(f) => Document::Number(Number::Float(*f)),
        CborValue::Text(t) => Document::String(t.clone()),
        CborValue::Array(items) => Document::Array(items.iter().map(expect_document).collect::<Result<_, _>>()?),
        CborValue::Map(_) => Document::Object(
            expect_object(value)?
                .into_iter()
                .map(|(k, v)| Ok((k.clone(), expect_document(v)?)))
                .collect::<Result<_, _>>()?,
        ),
        other => return Err(mismatch("a document", other)),
    })
}

// ---------------------------------------------------------------------------
// rpcv2Cbor responses
// ---------------------------------------------------------------------------

/// A response body as CBOR; an empty body reads as an empty map.
pub fn parse_body(body: &[u8]) -> Result<CborValue, CborError> {
    if body.is_empty() {
        return Ok(CborValue::Map(Vec::new()));
    }
    parse(body)
}

/// Error metadata of an rpcv2Cbor response: the code from the body's `__type` (sanitized; the
/// protocol does not use `code` or headers), the message (`message` or `Message`), the request
/// id (`x-amzn-requestid`) and the status.
pub fn error_metadata(response: &HttpResponse, body: Option<&CborValue>) -> ErrorMetadata {
    let text = |key: &str| match body.and_then(|b| b.get(key)) {
        Some(CborValue::Text(t)) => Some(t.as_str()),
        _ => None,
    };
    let mut meta = ErrorMetadata::builder().status(response.status);
    if let Some(code) = text("__type").map(crate::error::sanitize_error_code).filter(|c| !c.is_empty()) {
        meta = meta.code(code);
    }
    if let Some(message) = text("message").or_else(|| text("Message")) {
        meta = meta.message(message);
    }
    if let Some(id) = response.headers.get("x-amzn-requestid") {
        meta = meta.request_id(id);
    }
    meta.build()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_rng::Rng;

    fn hex(text: &str) -> Vec<u8> {
        (0..text.len()).step_by(2).map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap()).collect()
    }

    #[test]
    fn reads_the_rfc_examples() {
        use CborValue::*;
        let cases: &[(&str, CborValue)] = &[
            ("00", Integer(0)),
            ("17", Integer(23)),
            ("1818", Integer(24)),
            ("1903e8", Integer(1000)),
            ("1bffffffffffffffff", Integer(18_446_744_073_709_551_615)),
            ("3bffffffffffffffff", Integer(-18_446_744_073_709_551_616)),
            ("20", Integer(-1)),
            ("3903e7", Integer(-1000)),
            ("f90000", Float(0.0)),
            ("f93c00", Float(1.0)),
            ("f97bff", Float(65504.0)),
            ("f90001", Float(5.960464477539063e-8)),
            ("f9c400", Float(-4.0)),
            ("fa47c35000", Float(100000.0)),
            ("fb3ff199999999999a", Float(1.1)),
            ("f97c00", Float(f64::INFINITY)),
            ("f9fc00", Float(f64::NEG_INFINITY)),
            ("f4", Bool(false)),
            ("f6", Null),
            ("f7", Undefined),
            ("f0", Simple(16)),
            ("f8ff", Simple(255)),
            ("c11a514b67b0", Tag(1, Box::new(Integer(1_363_896_240)))),
            ("4401020304", Bytes(vec![1, 2, 3, 4])),
            ("62c3bc", Text("\u{fc}".into())),
            ("83010203", Array(vec![Integer(1), Integer(2), Integer(3)])),
            ("a201020304", Map(vec![(Integer(1), Integer(2)), (Integer(3), Integer(4))])),
            ("5f42010243030405ff", Bytes(vec![1, 2, 3, 4, 5])),
            ("7f657374726561646d696e67ff", Text("streaming".into())),
            (
                "9f018202039f0405ffff",
                Array(vec![Integer(1), Array(vec![Integer(2), Integer(3)]), Array(vec![Integer(4), Integer(5)])]),
            ),
            (
                "bf61610161629f0203ffff",
                Map(vec![(Text("a".into()), Integer(1)), (Text("b".into()), Array(vec![Integer(2), Integer(3)]))]),
            ),
        ];
        for (bytes, expected) in cases {
            assert_eq!(&parse(&hex(bytes)).unwrap(), expected, "{bytes}");
        }
        assert!(matches!(parse(&hex("f97e00")), Ok(Float(f)) if f.is_nan()));
    }

    #[test]
    fn declared_lengths_are_not_trusted() {
        // A byte string, an array and a map claiming 2^63 items, in a body of a few bytes.
        for bytes in ["5b7fffffffffffffff00", "9b7fffffffffffffff00", "bb7fffffffffffffff0000", "9a7fffffff"] {
            let error = parse(&hex(bytes)).unwrap_err();
            assert!(error.message.contains("truncated"), "{bytes}: {error}");
        }
    }

    #[test]
    fn deep_nesting_truncation_and_junk_are_errors() {
        assert_eq!(parse(&[0x81; 10_000]).unwrap_err().message, "nested too deeply");
        assert_eq!(parse(&[0x9f; 10_000]).unwrap_err().message, "nested too deeply");
        for bad in ["", "18", "62c3", "9f01", "ff", "1c", "01ff", "5f01ff", "7f4100ff", "62c328", "f818", "3f"] {
            assert!(parse(&hex(bad)).is_err(), "{bad:?}");
        }
    }

    fn random(rng: &mut Rng, depth: usize) -> CborValue {
        match rng.below(if depth > 3 { 7 } else { 10 }) {
            // Up to the ends of CBOR's range, -2^64 and 2^64 - 2.
            0 => CborValue::Integer(i128::from(rng.next() as i64) * if rng.bool() { 1 } else { 2 }),
            1 => CborValue::Bytes(rng.bytes()),
            2 => CborValue::Text(rng.string()),
            3 => CborValue::Bool(rng.bool()),
            4 => CborValue::Null,
            5 => CborValue::Float(rng.float()),
            6 => CborValue::Tag(1, Box::new(CborValue::Integer(i128::from(rng.next() as u32)))),
            7 => CborValue::Array((0..rng.len(depth)).map(|_| random(rng, depth + 1)).collect()),
            _ => CborValue::Map(
                (0..rng.len(depth)).map(|_| (CborValue::Text(rng.string()), random(rng, depth + 1))).collect(),
            ),
        }
    }

    /// `value` in definite-length form (the writer's own calls write indefinite containers).
    fn write(w: &mut CborWriter, value: &CborValue) {
        match value {
            CborValue::Integer(n) if *n < 0 => w.head(1, (-1 - n) as u64),
            CborValue::Integer(n) => w.head(0, *n as u64),
            CborValue::Bytes(b) => w.blob(&Blob::new(b.clone())),
            CborValue::Text(t) => w.string(t),
            CborValue::Array(items) => {
                w.head(4, items.len() as u64);
                items.iter().for_each(|i| write(w, i));
            }
            CborValue::Map(pairs) => {
                w.head(5, pairs.len() as u64);
                for (k, v) in pairs {
                    write(w, k);
                    write(w, v);
                }
            }
            CborValue::Tag(tag, item) => {
                w.head(6, *tag);
                write(w, item);
            }
            CborValue::Bool(b) => w.bool(*b),
            CborValue::Null => w.null(),
            CborValue::Float(f) => w.f64(*f),
            CborValue::Undefined | CborValue::Simple(_) => unreachable!("not generated"),
        }
    }

    /// `value` through the calls generated code makes.
    fn write_as_generated(w: &mut CborWriter, value: &CborValue) {
        match value {
            CborValue::Array(items) => {
                w.begin_array();
                items.iter().for_each(|i| write_as_generated(w, i));
                w.end_array();
            }
            CborValue::Map(pairs) => {
                w.begin_object();
                for (k, v) in pairs {
                    let CborValue::Text(key) = k else { unreachable!("generated maps have text keys") };
                    w.key(key);
                    write_as_generated(w, v);
                }
                w.end_object();
            }
            other => write(w, other),
        }
    }

    fn bytes_of(value: &CborValue) -> Vec<u8> {
        let mut w = CborWriter::new();
        write(&mut w, value);
        w.finish()
    }

    #[test]
    fn what_is_written_reads_back() {
        let mut rng = Rng::new("cbor round trip");
        for _ in 0..500 {
            let value = random(&mut rng, 0);
            assert_eq!(parse(&bytes_of(&value)).unwrap(), value);
        }
    }

    #[test]
    fn random_and_damaged_bytes_never_panic() {
        let mut rng = Rng::new("cbor damage");
        for _ in 0..2000 {
            let mut bytes = bytes_of(&random(&mut rng, 0));
            match rng.below(3) {
                0 if !bytes.is_empty() => {
                    let at = rng.below(bytes.len() as u64) as usize;
                    bytes[at] = rng.next() as u8;
                }
                1 => bytes.truncate(rng.below(bytes.len() as u64 + 1) as usize),
                _ => bytes = (0..rng.below(64)).map(|_| rng.next() as u8).collect(),
            }
            let _ = parse(&bytes);
        }
    }

    /// ciborium's value, as ours (the generator makes nothing ciborium lacks).
    fn from_ciborium(value: ciborium::Value) -> CborValue {
        use ciborium::Value as V;
        match value {
            V::Integer(n) => CborValue::Integer(i128::from(n)),
            V::Bytes(b) => CborValue::Bytes(b),
            V::Float(f) => CborValue::Float(f),
            V::Text(t) => CborValue::Text(t),
            V::Bool(b) => CborValue::Bool(b),
            V::Null => CborValue::Null,
            V::Tag(tag, item) => CborValue::Tag(tag, Box::new(from_ciborium(*item))),
            V::Array(items) => CborValue::Array(items.into_iter().map(from_ciborium).collect()),
            V::Map(pairs) => {
                CborValue::Map(pairs.into_iter().map(|(k, v)| (from_ciborium(k), from_ciborium(v))).collect())
            }
            other => panic!("not generated: {other:?}"),
        }
    }

    fn to_ciborium(value: &CborValue) -> ciborium::Value {
        use ciborium::Value as V;
        match value {
            CborValue::Integer(n) => V::Integer(ciborium::value::Integer::try_from(*n).expect("in range")),
            CborValue::Bytes(b) => V::Bytes(b.clone()),
            CborValue::Float(f) => V::Float(*f),
            CborValue::Text(t) => V::Text(t.clone()),
            CborValue::Bool(b) => V::Bool(*b),
            CborValue::Null => V::Null,
            CborValue::Tag(tag, item) => V::Tag(*tag, Box::new(to_ciborium(item))),
            CborValue::Array(items) => V::Array(items.iter().map(to_ciborium).collect()),
            CborValue::Map(pairs) => V::Map(pairs.iter().map(|(k, v)| (to_ciborium(k), to_ciborium(v))).collect()),
            other => panic!("not generated: {other:?}"),
        }
    }

    /// Checked against ciborium, a maintained CBOR implementation: it reads what we write, and
    /// we read what it writes (which picks half and single floats where they are exact).
    #[test]
    fn agrees_with_ciborium_both_ways() {
        let mut rng = Rng::new("cbor against ciborium");
        for _ in 0..500 {
            let value = random(&mut rng, 0);
            let theirs: ciborium::Value =
                ciborium::de::from_reader(bytes_of(&value).as_slice()).expect("ciborium reads ours");
            assert_eq!(from_ciborium(theirs), value);
            // As generated code writes it: indefinite-length maps and arrays.
            let mut w = CborWriter::new();
            write_as_generated(&mut w, &value);
            let theirs: ciborium::Value =
                ciborium::de::from_reader(w.finish().as_slice()).expect("ciborium reads indefinite lengths");
            assert_eq!(from_ciborium(theirs), value);
            let mut bytes = Vec::new();
            ciborium::ser::into_writer(&to_ciborium(&value), &mut bytes).expect("ciborium writes");
            assert_eq!(parse(&bytes).expect("we read ciborium's"), value);
        }
    }

    #[test]
    fn the_writer_writes_what_the_json_writer_would_and_the_readers_take_it_back() {
        let mut w = CborWriter::new();
        for n in [0, 23, 24, 255, 256, 65_535, 65_536, -1, -25, i64::MIN] {
            w.i64(n);
        }
        assert_eq!(w.finish(), hex("0017181818ff19010019ffff1a000100002038183b7fffffffffffffff"));

        let mut w = CborWriter::new();
        w.begin_object();
        w.key("a");
        w.f32(1.5);
        w.key("list");
        w.begin_array();
        w.timestamp(&DateTime::from_secs(1_700_000_000), Format::DateTime);
        w.timestamp(&DateTime::from_secs_f64(1.5), Format::EpochSeconds);
        w.blob(&Blob::new(vec![1, 2]));
        w.number_text("18446744073709551616");
        w.number_text("-1.25");
        w.end_array();
        w.end_object();
        let value = parse(&w.finish()).unwrap();
        let pairs = expect_object(&value).unwrap();
        assert_eq!(pairs[0].0, "a");
        assert_eq!(expect_f32(pairs[0].1).unwrap(), 1.5);
        let items = expect_array(pairs[1].1).unwrap();
        assert_eq!(expect_timestamp(&items[0], Format::DateTime).unwrap(), DateTime::from_secs(1_700_000_000));
        assert_eq!(expect_timestamp(&items[1], Format::DateTime).unwrap(), DateTime::from_secs_f64(1.5));
        assert_eq!(expect_blob(&items[2]).unwrap(), Blob::new(vec![1, 2]));
        assert_eq!(expect_number_text(&items[3]).unwrap(), "18446744073709551616");
        assert_eq!(expect_number_text(&items[4]).unwrap(), "-125E-2");
        assert!(expect_i8(&CborValue::Integer(300)).unwrap_err().message().contains("out of range"));
        assert!(CborValue::Undefined.is_null());
    }

    #[test]
    fn error_metadata_comes_from_the_type_member() {
        let mut w = CborWriter::new();
        w.begin_object();
        w.key("__type");
        w.string("smithy.example#FooError:http://internal");
        w.key("message");
        w.string("hi");
        w.end_object();
        let body = parse(&w.finish()).ok();
        let response = HttpResponse::new(400, crate::http::Headers::new(), Vec::new());
        let meta = error_metadata(&response, body.as_ref());
        assert_eq!(meta.code(), Some("FooError"));
        assert_eq!(meta.message(), Some("hi"));
        assert_eq!(meta.status(), Some(400));
        assert_eq!(parse_body(&[]).unwrap(), CborValue::Map(Vec::new()));
    }
}
