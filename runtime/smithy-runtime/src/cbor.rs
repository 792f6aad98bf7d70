//! CBOR (RFC 8949), the body format of rpcv2Cbor: a streaming reader, [`CborReader`], and a
//! writer, [`CborWriter`].
//!
//! Generated deserializers drive the reader token by token straight into their builders, with
//! the calls `crate::json::JsonReader` takes (`begin_object`, `next_key`, `string`, `i32`,
//! `begin_array`, `next_item`, `skip`, ...), so one generated shape of code reads both formats
//! and no tree of the body is ever built; [`parse`] (what the protocol tests compare with) is
//! the same reader's [`CborReader::value`], so there is one decoder.
//!
//! The reader takes whatever a response holds and never panics, whatever the bytes and in
//! whatever order its methods are called (a call that does not fit, like `next_key` with no
//! map open, is an error): every major type, definite and indefinite lengths, tags, half,
//! single and double floats (`NaN` and the infinities included), `undefined` read as `null`.
//! It never trusts a declared length: a string longer than the bytes left is an error before
//! anything is allocated, a map or array allocates nothing for the items it claims (it fails
//! when the bytes run out), and [`CborReader::value`] reserves at most one slot per byte left,
//! so allocation is bounded by the bytes actually received. Arrays, maps and tags nest at most
//! [`MAX_DEPTH`] deep, counted together across `begin_*`, `skip`, `value` and `document`; deeper
//! is an error, not a stack overflow, and the stack of open containers is bounded by it. Keys
//! of definite length are borrowed from the input, and nothing is allocated per item but the
//! strings and byte strings returned owned (and the trees `value` and `document` return).
//!
//! [`error_metadata`] reads an rpcv2Cbor error response's code and message with the same
//! reader, from the body's top-level map.

use std::borrow::Cow;
use std::collections::BTreeMap;
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

impl CborValue {
    /// `null`, and `undefined`, which rpcv2Cbor reads as `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, CborValue::Null | CborValue::Undefined)
    }
}

/// Reads `bytes` as exactly one CBOR data item: [`CborReader::value`], then
/// [`CborReader::finish`].
pub fn parse(bytes: &[u8]) -> Result<CborValue, CborError> {
    let mut reader = CborReader::new(bytes);
    let value = reader.value()?;
    reader.finish()?;
    Ok(value)
}

/// An item's initial byte and argument.
#[derive(Clone, Copy, Debug)]
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

impl Head {
    /// What the item is, for errors.
    fn kind(self) -> &'static str {
        match self {
            Head::Definite(0 | 1, _) => "an integer",
            Head::Definite(2, _) | Head::Indefinite(2) => "a byte string",
            Head::Definite(3, _) | Head::Indefinite(3) => "a text string",
            Head::Definite(4, _) | Head::Indefinite(4) => "an array",
            Head::Definite(5, _) | Head::Indefinite(5) => "a map",
            Head::Definite(6, _) => "a tagged item",
            Head::Definite(_, 20 | 21) => "a boolean",
            Head::Definite(_, 22) => "null",
            Head::Definite(_, 23) => "undefined",
            Head::Float(..) => "a float",
            Head::Break => "a break",
            Head::Definite(..) | Head::Indefinite(_) => "a simple value",
        }
    }
}

/// An open map or array.
#[derive(Clone, Copy, Debug)]
struct Frame {
    /// A map (pairs), not an array (items).
    map: bool,
    /// The pairs or items not yet started; `None` until a break (indefinite length).
    left: Option<u64>,
}

/// The bytes an empty response body reads as: an empty map.
const EMPTY_MAP: &[u8] = &[0xa0];

/// A streaming reader over one CBOR data item, which generated deserializers drive token by
/// token into their builders, as they drive `crate::json::JsonReader` (the same methods):
///
/// ```text
/// reader.begin_object()?;
/// while let Some(key) = reader.next_key()? {
///     match key.as_ref() {
///         "name" => builder.name = Some(reader.string()?),
///         "sizes" => {
///             let mut sizes = Vec::new();
///             reader.begin_array()?;
///             while reader.next_item()? {
///                 sizes.push(reader.i32()?);
///             }
///             builder.sizes = Some(sizes);
///         }
///         _ => reader.skip()?,
///     }
/// }
/// reader.finish()?;
/// ```
///
/// Each value method reads the item at the cursor; one that finds another kind of item leaves
/// the cursor on it and says what it expected and found, and where. Nothing it is called with
/// or in whatever order makes it panic; see the module documentation for the limits it keeps.
pub struct CborReader<'a> {
    input: &'a [u8],
    /// The cursor, in bytes from the start; never beyond `input`.
    pos: usize,
    /// The open maps and arrays, innermost last; at most [`MAX_DEPTH`].
    open: Vec<Frame>,
}

impl fmt::Debug for CborReader<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CborReader")
            .field("len", &self.input.len())
            .field("pos", &self.pos)
            .field("open", &self.open)
            .finish()
    }
}

impl<'a> CborReader<'a> {
    /// A reader over one CBOR item.
    pub fn new(input: &'a [u8]) -> Self {
        CborReader { input, pos: 0, open: Vec::new() }
    }

    /// A reader over a response body: an empty body reads as an empty map.
    pub fn body(input: &'a [u8]) -> Self {
        CborReader::new(if input.is_empty() { EMPTY_MAP } else { input })
    }

    /// Whether a response body is one well-formed CBOR item (an empty body is): an error
    /// response whose body is not still has the code its headers or status give.
    pub fn well_formed(input: &'a [u8]) -> bool {
        let mut reader = CborReader::body(input);
        reader.skip().and_then(|()| reader.finish()).is_ok()
    }

    // -- containers ---------------------------------------------------------------------------

    /// Enters the map at the cursor (definite or indefinite length); an error if the item is
    /// not a map, or if it would nest deeper than [`MAX_DEPTH`].
    pub fn begin_object(&mut self) -> Result<(), CborError> {
        self.begin(true)
    }

    /// Enters the array at the cursor (definite or indefinite length); an error if the item is
    /// not an array, or if it would nest deeper than [`MAX_DEPTH`].
    pub fn begin_array(&mut self) -> Result<(), CborError> {
        self.begin(false)
    }

    /// The key of the next pair of the innermost open map, skipping pairs whose value is
    /// `null` or `undefined` (the value is consumed); `None` at the map's end, which closes
    /// it. Keys are text strings: borrowed when of definite length, owned when chunked. An
    /// error if the innermost open container is not a map.
    pub fn next_key(&mut self) -> Result<Option<Cow<'a, str>>, CborError> {
        loop {
            match self.next_sparse_key()? {
                Some(key) if !self.take_null()? => return Ok(Some(key)),
                Some(_) => {}
                None => return Ok(None),
            }
        }
    }

    /// [`CborReader::next_key`], but keeping pairs whose value is `null` (sparse maps): the
    /// value is left at the cursor, for [`CborReader::take_null`].
    pub fn next_sparse_key(&mut self) -> Result<Option<Cow<'a, str>>, CborError> {
        if !self.advance(true)? {
            return Ok(None);
        }
        let start = self.pos;
        let head = self.head()?;
        self.text_after(head, start, "a text key").map(Some)
    }

    /// Whether another item of the innermost open array follows, skipping `null` and
    /// `undefined` items; false at the array's end, which closes it. An error if the innermost
    /// open container is not an array.
    pub fn next_item(&mut self) -> Result<bool, CborError> {
        loop {
            if !self.advance(false)? {
                return Ok(false);
            }
            if !self.take_null()? {
                return Ok(true);
            }
        }
    }

    /// [`CborReader::next_item`] without skipping nulls (sparse lists).
    pub fn next_sparse_item(&mut self) -> Result<bool, CborError> {
        self.advance(false)
    }

    /// Consumes a `null` or `undefined` at the cursor and says whether there was one.
    pub fn take_null(&mut self) -> Result<bool, CborError> {
        match self.peek() {
            Some(0xf6 | 0xf7) => {
                self.pos += 1;
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    /// Skips the whole item at the cursor: containers, tags and all, at most [`MAX_DEPTH`]
    /// deep; it allocates nothing.
    pub fn skip(&mut self) -> Result<(), CborError> {
        self.skip_at(self.open.len())
    }

    /// Fails unless the input is used up: no bytes after the item, and no map or array left
    /// open.
    pub fn finish(&mut self) -> Result<(), CborError> {
        if let Some(frame) = self.open.last() {
            return Err(self.error(if frame.map { "a map is not finished" } else { "an array is not finished" }));
        }
        if self.pos != self.input.len() {
            return Err(self.error("bytes after the data item"));
        }
        Ok(())
    }

    // -- values -------------------------------------------------------------------------------

    /// A text string, in one allocation.
    pub fn string(&mut self) -> Result<String, CborError> {
        self.str().map(Cow::into_owned)
    }

    /// A text string: borrowed from the input when of definite length, owned when chunked.
    pub fn str(&mut self) -> Result<Cow<'a, str>, CborError> {
        let start = self.pos;
        let head = self.head()?;
        self.text_after(head, start, "a text string")
    }

    /// A boolean.
    pub fn bool(&mut self) -> Result<bool, CborError> {
        let start = self.pos;
        match self.head()? {
            Head::Definite(7, 20) => Ok(false),
            Head::Definite(7, 21) => Ok(true),
            other => Err(self.mismatch(start, "a boolean", other)),
        }
    }

    /// An integer that fits an `i8`.
    pub fn i8(&mut self) -> Result<i8, CborError> {
        self.integer_in("i8")
    }

    /// An integer that fits an `i16`.
    pub fn i16(&mut self) -> Result<i16, CborError> {
        self.integer_in("i16")
    }

    /// An integer that fits an `i32`.
    pub fn i32(&mut self) -> Result<i32, CborError> {
        self.integer_in("i32")
    }

    /// An integer that fits an `i64`.
    pub fn i64(&mut self) -> Result<i64, CborError> {
        self.integer_in("i64")
    }

    /// A float of any width, or an integer sent for one (the spec allows it where no precision
    /// is lost).
    pub fn f64(&mut self) -> Result<f64, CborError> {
        let start = self.pos;
        match self.head()? {
            Head::Float(bits, width) => Ok(float(bits, width)),
            Head::Definite(0, n) => Ok(n as f64),
            Head::Definite(1, n) => Ok((-1 - i128::from(n)) as f64),
            other => Err(self.mismatch(start, "a float", other)),
        }
    }

    /// [`CborReader::f64`], narrowed.
    pub fn f32(&mut self) -> Result<f32, CborError> {
        self.f64().map(|f| f as f32)
    }

    /// A `bigInteger` or `bigDecimal` as decimal text: an integer, a bignum (tags 2, 3) of up to
    /// 128 bits, a decimal fraction (tag 4, `mantissaEexponent`) or a float.
    pub fn number_text(&mut self) -> Result<String, CborError> {
        let (start, depth) = (self.pos, self.open.len());
        match self.head()? {
            Head::Float(bits, width) => Ok(float(bits, width).to_string()),
            Head::Definite(6, 4) => {
                let depth = self.deeper(depth, start)?;
                let at = self.pos;
                let indefinite = match self.head()? {
                    Head::Definite(4, 2) => false,
                    Head::Indefinite(4) => true,
                    _ => return Err(self.error_at(at, "a decimal fraction is not an [exponent, mantissa] array")),
                };
                let depth = self.deeper(depth, at)?;
                let exponent = self.i64()?;
                let mantissa = self.bignum(depth)?;
                if indefinite && self.peek() != Some(0xff) {
                    return Err(self.error_at(at, "a decimal fraction is not an [exponent, mantissa] array"));
                }
                if indefinite {
                    self.pos += 1;
                }
                Ok(if exponent == 0 { mantissa.to_string() } else { format!("{mantissa}E{exponent}") })
            }
            _ => {
                self.pos = start;
                self.bignum(depth).map(|n| n.to_string())
            }
        }
    }

    /// A byte string (indefinite-length chunks joined).
    pub fn blob(&mut self) -> Result<Blob, CborError> {
        let start = self.pos;
        let head = self.head()?;
        self.bytes_after(head, start, "a byte string").map(|bytes| Blob::new(bytes.into_owned()))
    }

    /// A timestamp: tag 1 and epoch seconds (an integer or a finite float); `format`, which
    /// JSON honours, does not apply (rpcv2Cbor has one timestamp form).
    pub fn timestamp(&mut self, _format: Format) -> Result<DateTime, CborError> {
        let start = self.pos;
        match self.head()? {
            Head::Definite(6, 1) => {}
            other => return Err(self.mismatch(start, "a timestamp (tag 1)", other)),
        }
        self.deeper(self.open.len(), start)?;
        let at = self.pos;
        let whole = match self.head()? {
            Head::Definite(0, n) => i128::from(n),
            Head::Definite(1, n) => -1 - i128::from(n),
            Head::Float(bits, width) if float(bits, width).is_finite() => {
                return Ok(DateTime::from_secs_f64(float(bits, width)))
            }
            other => return Err(self.mismatch(at, "epoch seconds", other)),
        };
        i64::try_from(whole)
            .map(DateTime::from_secs)
            .map_err(|_| self.error_at(at, "a timestamp beyond the 64-bit range"))
    }

    /// A document from the CBOR item of the same shape (rpcv2Cbor does not model documents):
    /// maps with text keys, arrays, text, numbers, booleans and `null` (or `undefined`).
    pub fn document(&mut self) -> Result<Document, CborError> {
        self.document_at(self.open.len())
    }

    /// The whole item at the cursor as a tree (what [`parse`] returns).
    pub fn value(&mut self) -> Result<CborValue, CborError> {
        self.value_at(self.open.len())
    }

    // -- the decoder --------------------------------------------------------------------------

    fn error_at(&self, at: usize, message: impl Into<String>) -> CborError {
        CborError { message: message.into(), offset: Some(at) }
    }

    fn error(&self, message: impl Into<String>) -> CborError {
        self.error_at(self.pos, message)
    }

    /// Another kind of item than `expected`, whose head starts at `start`: the cursor goes
    /// back to it.
    fn mismatch(&mut self, start: usize, expected: &str, found: Head) -> CborError {
        self.pos = start;
        self.error_at(start, format!("expected {expected}, found {}", found.kind()))
    }

    fn left(&self) -> usize {
        self.input.len().saturating_sub(self.pos)
    }

    fn peek(&self) -> Option<u8> {
        self.input.get(self.pos).copied()
    }

    /// The next `n` bytes, borrowed from the input; an error, before anything is allocated, if
    /// fewer are left.
    fn take(&mut self, n: usize) -> Result<&'a [u8], CborError> {
        let input = self.input;
        match self.pos.checked_add(n).and_then(|end| Some((end, input.get(self.pos..end)?))) {
            Some((end, bytes)) => {
                self.pos = end;
                Ok(bytes)
            }
            None => Err(self.error("truncated: the item is longer than the bytes left")),
        }
    }

    fn uint(&mut self, width: usize) -> Result<u64, CborError> {
        Ok(self.take(width)?.iter().fold(0u64, |n, b| (n << 8) | u64::from(*b)))
    }

    fn head(&mut self) -> Result<Head, CborError> {
        let initial = match self.take(1)? {
            [byte] => *byte,
            _ => return Err(self.error("truncated: the item is longer than the bytes left")),
        };
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

    /// A declared length as a `usize` (the bytes themselves are checked when taken).
    fn len(&self, argument: u64) -> Result<usize, CborError> {
        usize::try_from(argument).map_err(|_| self.error("truncated: the item is longer than the bytes left"))
    }

    /// One level deeper than `depth`, for the container or tag whose head starts at `at`.
    fn deeper(&self, depth: usize, at: usize) -> Result<usize, CborError> {
        if depth >= MAX_DEPTH {
            Err(self.error_at(at, "nested too deeply"))
        } else {
            Ok(depth + 1)
        }
    }

    /// Consumes a "break" if one is next (inside an indefinite-length item).
    fn at_break(&mut self) -> Result<bool, CborError> {
        match self.peek() {
            None => Err(self.error("truncated: an indefinite-length item has no break")),
            Some(0xff) => {
                self.pos += 1;
                Ok(true)
            }
            Some(_) => Ok(false),
        }
    }

    fn begin(&mut self, map: bool) -> Result<(), CborError> {
        let start = self.pos;
        let left = match self.head()? {
            Head::Definite(5, n) if map => Some(n),
            Head::Indefinite(5) if map => None,
            Head::Definite(4, n) if !map => Some(n),
            Head::Indefinite(4) if !map => None,
            other => return Err(self.mismatch(start, if map { "a map" } else { "an array" }, other)),
        };
        self.deeper(self.open.len(), start)?;
        self.open.push(Frame { map, left });
        Ok(())
    }

    /// Starts the next pair (`map`) or item of the innermost open container, which must be of
    /// that kind; false at its end, which closes it.
    fn advance(&mut self, map: bool) -> Result<bool, CborError> {
        let frame = match self.open.last() {
            Some(frame) if frame.map == map => *frame,
            Some(_) if map => return Err(self.error("next_key inside an array")),
            Some(_) => return Err(self.error("next_item inside a map")),
            None if map => return Err(self.error("next_key with no map open")),
            None => return Err(self.error("next_item with no array open")),
        };
        let more = match frame.left {
            Some(0) => false,
            Some(n) => {
                if let Some(open) = self.open.last_mut() {
                    open.left = Some(n - 1);
                }
                true
            }
            None => !self.at_break()?,
        };
        if !more {
            self.open.pop();
        }
        Ok(more)
    }

    /// The chunks of an indefinite-length string of major type `major` (2 or 3), joined into
    /// `out` if given, else only checked.
    fn chunks(&mut self, major: u8, mut out: Option<&mut Vec<u8>>) -> Result<(), CborError> {
        loop {
            let at = self.pos;
            match self.head()? {
                Head::Break => return Ok(()),
                Head::Definite(m, n) if m == major => {
                    let n = self.len(n)?;
                    let chunk = self.take(n)?;
                    if major == 3 && std::str::from_utf8(chunk).is_err() {
                        return Err(self.error_at(at, "a text chunk is not UTF-8"));
                    }
                    if let Some(out) = out.as_deref_mut() {
                        out.extend_from_slice(chunk);
                    }
                }
                _ => return Err(self.error_at(at, "an indefinite-length string holds another kind of item")),
            }
        }
    }

    /// The text string whose head, starting at `start`, was just read.
    fn text_after(&mut self, head: Head, start: usize, expected: &str) -> Result<Cow<'a, str>, CborError> {
        match head {
            Head::Definite(3, n) => {
                let n = self.len(n)?;
                let at = self.pos;
                let bytes = self.take(n)?;
                std::str::from_utf8(bytes).map(Cow::Borrowed).map_err(|_| self.error_at(at, "text is not UTF-8"))
            }
            Head::Indefinite(3) => {
                let mut bytes = Vec::new();
                self.chunks(3, Some(&mut bytes))?;
                // Every chunk is UTF-8, so this holds.
                String::from_utf8(bytes).map(Cow::Owned).map_err(|_| self.error_at(start, "text is not UTF-8"))
            }
            other => Err(self.mismatch(start, expected, other)),
        }
    }

    /// The byte string whose head, starting at `start`, was just read.
    fn bytes_after(&mut self, head: Head, start: usize, expected: &str) -> Result<Cow<'a, [u8]>, CborError> {
        match head {
            Head::Definite(2, n) => {
                let n = self.len(n)?;
                self.take(n).map(Cow::Borrowed)
            }
            Head::Indefinite(2) => {
                let mut bytes = Vec::new();
                self.chunks(2, Some(&mut bytes))?;
                Ok(Cow::Owned(bytes))
            }
            other => Err(self.mismatch(start, expected, other)),
        }
    }

    fn integer(&mut self) -> Result<i128, CborError> {
        let start = self.pos;
        match self.head()? {
            Head::Definite(0, n) => Ok(i128::from(n)),
            Head::Definite(1, n) => Ok(-1 - i128::from(n)),
            other => Err(self.mismatch(start, "an integer", other)),
        }
    }

    fn integer_in<T: TryFrom<i128>>(&mut self, type_name: &str) -> Result<T, CborError> {
        let start = self.pos;
        let n = self.integer()?;
        T::try_from(n).map_err(|_| self.error_at(start, format!("the integer {n} is out of range for {type_name}")))
    }

    /// An integer or a bignum (tags 2 and 3) of up to 128 bits, `depth` deep.
    fn bignum(&mut self, depth: usize) -> Result<i128, CborError> {
        let start = self.pos;
        match self.head()? {
            Head::Definite(0, n) => Ok(i128::from(n)),
            Head::Definite(1, n) => Ok(-1 - i128::from(n)),
            Head::Definite(6, tag @ (2 | 3)) => {
                self.deeper(depth, start)?;
                let at = self.pos;
                let beyond = "a bignum beyond 128 bits, or not a byte string";
                let bytes = match self.head()? {
                    head @ (Head::Definite(2, _) | Head::Indefinite(2)) => {
                        self.bytes_after(head, at, "a byte string")?
                    }
                    _ => return Err(self.error_at(at, beyond)),
                };
                if bytes.len() > 16 {
                    return Err(self.error_at(at, beyond));
                }
                let magnitude = bytes.iter().fold(0u128, |n, byte| (n << 8) | u128::from(*byte));
                let magnitude = i128::try_from(magnitude).map_err(|_| self.error_at(at, "a bignum beyond 127 bits"))?;
                Ok(if tag == 3 { -1 - magnitude } else { magnitude })
            }
            other => Err(self.mismatch(start, "an integer", other)),
        }
    }

    fn skip_at(&mut self, depth: usize) -> Result<(), CborError> {
        let start = self.pos;
        match self.head()? {
            Head::Break => return Err(self.error_at(start, "break outside an indefinite-length item")),
            Head::Float(..) | Head::Definite(0 | 1 | 7, _) => {}
            Head::Definite(major @ (2 | 3), n) => {
                let n = self.len(n)?;
                let at = self.pos;
                let bytes = self.take(n)?;
                if major == 3 && std::str::from_utf8(bytes).is_err() {
                    return Err(self.error_at(at, "text is not UTF-8"));
                }
            }
            Head::Indefinite(major @ (2 | 3)) => self.chunks(major, None)?,
            Head::Definite(4, n) => {
                let depth = self.deeper(depth, start)?;
                // Each item takes at least a byte: a count beyond what is left fails in the loop.
                for _ in 0..n {
                    self.skip_at(depth)?;
                }
            }
            Head::Definite(5, n) => {
                let depth = self.deeper(depth, start)?;
                for _ in 0..n {
                    self.skip_at(depth)?;
                    self.skip_at(depth)?;
                }
            }
            Head::Indefinite(4) => {
                let depth = self.deeper(depth, start)?;
                while !self.at_break()? {
                    self.skip_at(depth)?;
                }
            }
            Head::Indefinite(_) => {
                let depth = self.deeper(depth, start)?;
                while !self.at_break()? {
                    self.skip_at(depth)?;
                    self.skip_at(depth)?;
                }
            }
            Head::Definite(_, _) => {
                let depth = self.deeper(depth, start)?;
                self.skip_at(depth)?;
            }
        }
        Ok(())
    }

    fn value_at(&mut self, depth: usize) -> Result<CborValue, CborError> {
        let start = self.pos;
        Ok(match self.head()? {
            Head::Break => return Err(self.error_at(start, "break outside an indefinite-length item")),
            Head::Float(bits, width) => CborValue::Float(float(bits, width)),
            Head::Definite(0, n) => CborValue::Integer(i128::from(n)),
            Head::Definite(1, n) => CborValue::Integer(-1 - i128::from(n)),
            head @ (Head::Definite(2, _) | Head::Indefinite(2)) => {
                CborValue::Bytes(self.bytes_after(head, start, "a byte string")?.into_owned())
            }
            head @ (Head::Definite(3, _) | Head::Indefinite(3)) => {
                CborValue::Text(self.text_after(head, start, "a text string")?.into_owned())
            }
            Head::Definite(4, n) => {
                let depth = self.deeper(depth, start)?;
                // Each item takes at least a byte: a count beyond what is left fails in the loop.
                let mut items = Vec::with_capacity(usize::try_from(n).unwrap_or(usize::MAX).min(self.left()));
                for _ in 0..n {
                    items.push(self.value_at(depth)?);
                }
                CborValue::Array(items)
            }
            Head::Definite(5, n) => {
                let depth = self.deeper(depth, start)?;
                let mut pairs = Vec::with_capacity(usize::try_from(n).unwrap_or(usize::MAX).min(self.left() / 2));
                for _ in 0..n {
                    let key = self.value_at(depth)?;
                    pairs.push((key, self.value_at(depth)?));
                }
                CborValue::Map(pairs)
            }
            Head::Indefinite(4) => {
                let depth = self.deeper(depth, start)?;
                let mut items = Vec::new();
                while !self.at_break()? {
                    items.push(self.value_at(depth)?);
                }
                CborValue::Array(items)
            }
            Head::Indefinite(_) => {
                let depth = self.deeper(depth, start)?;
                let mut pairs = Vec::new();
                while !self.at_break()? {
                    let key = self.value_at(depth)?;
                    pairs.push((key, self.value_at(depth)?));
                }
                CborValue::Map(pairs)
            }
            Head::Definite(6, tag) => {
                let depth = self.deeper(depth, start)?;
                CborValue::Tag(tag, Box::new(self.value_at(depth)?))
            }
            Head::Definite(_, n) => match n {
                20 => CborValue::Bool(false),
                21 => CborValue::Bool(true),
                22 => CborValue::Null,
                23 => CborValue::Undefined,
                n => CborValue::Simple(u8::try_from(n).unwrap_or(u8::MAX)),
            },
        })
    }

    fn document_at(&mut self, depth: usize) -> Result<Document, CborError> {
        let start = self.pos;
        Ok(match self.head()? {
            Head::Definite(7, 22 | 23) => Document::Null,
            Head::Definite(7, 20) => Document::Bool(false),
            Head::Definite(7, 21) => Document::Bool(true),
            Head::Definite(0, n) => Document::Number(Number::PosInt(n)),
            Head::Definite(1, n) => Document::Number(match i64::try_from(n) {
                Ok(n) => Number::NegInt(-1 - n),
                Err(_) => Number::Float((-1 - i128::from(n)) as f64),
            }),
            Head::Float(bits, width) => Document::Number(Number::Float(float(bits, width))),
            head @ (Head::Definite(3, _) | Head::Indefinite(3)) => {
                Document::String(self.text_after(head, start, "a text string")?.into_owned())
            }
            Head::Definite(4, n) => {
                let depth = self.deeper(depth, start)?;
                let mut items = Vec::with_capacity(usize::try_from(n).unwrap_or(usize::MAX).min(self.left()));
                for _ in 0..n {
                    items.push(self.document_at(depth)?);
                }
                Document::Array(items)
            }
            Head::Indefinite(4) => {
                let depth = self.deeper(depth, start)?;
                let mut items = Vec::new();
                while !self.at_break()? {
                    items.push(self.document_at(depth)?);
                }
                Document::Array(items)
            }
            Head::Definite(5, n) => {
                let depth = self.deeper(depth, start)?;
                let mut members = BTreeMap::new();
                for _ in 0..n {
                    let key = self.document_key()?;
                    members.insert(key, self.document_at(depth)?);
                }
                Document::Object(members)
            }
            Head::Indefinite(5) => {
                let depth = self.deeper(depth, start)?;
                let mut members = BTreeMap::new();
                while !self.at_break()? {
                    let key = self.document_key()?;
                    members.insert(key, self.document_at(depth)?);
                }
                Document::Object(members)
            }
            other => return Err(self.mismatch(start, "a document", other)),
        })
    }

    fn document_key(&mut self) -> Result<String, CborError> {
        let start = self.pos;
        let head = self.head()?;
        self.text_after(head, start, "a text key").map(Cow::into_owned)
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
// rpcv2Cbor responses
// ---------------------------------------------------------------------------

/// Error metadata of an rpcv2Cbor response: the code from the body's `__type` (sanitized; the
/// protocol does not use `code` or headers), the message (`message`, else `Message`; text
/// values only), the request id (`x-amzn-requestid`) and the status. The body's top-level map
/// is scanned with [`CborReader`], other members skipped; an empty or unreadable body gives
/// what was found before it stopped being readable.
pub fn error_metadata(response: &HttpResponse) -> ErrorMetadata {
    let mut found = ErrorMembers::default();
    // A failure only ends the scan: what was found before it stands.
    let _ = found.scan(&mut CborReader::body(&response.body));
    let mut meta = ErrorMetadata::builder().status(response.status);
    if let Some(code) = found.code.as_deref().map(crate::error::sanitize_error_code).filter(|c| !c.is_empty()) {
        meta = meta.code(code);
    }
    if let Some(message) = found.message.or(found.upper_message) {
        meta = meta.message(message);
    }
    if let Some(id) = response.headers.get("x-amzn-requestid") {
        meta = meta.request_id(id);
    }
    meta.build()
}

/// The members of an error body [`error_metadata`] reads, the first text value of each.
#[derive(Default)]
struct ErrorMembers<'a> {
    code: Option<Cow<'a, str>>,
    message: Option<Cow<'a, str>>,
    upper_message: Option<Cow<'a, str>>,
}

impl<'a> ErrorMembers<'a> {
    fn scan(&mut self, reader: &mut CborReader<'a>) -> Result<(), CborError> {
        reader.begin_object()?;
        while let Some(key) = reader.next_key()? {
            let slot = match key.as_ref() {
                "__type" => &mut self.code,
                "message" => &mut self.message,
                "Message" => &mut self.upper_message,
                _ => {
                    reader.skip()?;
                    continue;
                }
            };
            // Text only (major type 3); anything else is skipped.
            if slot.is_none() && reader.peek().is_some_and(|b| b >> 5 == 3) {
                *slot = Some(reader.str()?);
            } else {
                reader.skip()?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_rng::Rng;

    fn hex(text: &str) -> Vec<u8> {
        let text: String = text.split_whitespace().collect();
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
            // Skipping takes exactly the item too.
            let bytes = hex(bytes);
            let mut reader = CborReader::new(&bytes);
            reader.skip().unwrap();
            reader.finish().unwrap();
        }
        assert!(matches!(parse(&hex("f97e00")), Ok(Float(f)) if f.is_nan()));
    }

    #[test]
    fn declared_lengths_are_not_trusted() {
        // A byte string, an array and a map claiming 2^63 items, in a body of a few bytes.
        for bytes in ["5b7fffffffffffffff00", "9b7fffffffffffffff00", "bb7fffffffffffffff0000", "9a7fffffff"] {
            let error = parse(&hex(bytes)).unwrap_err();
            assert!(error.message.contains("truncated"), "{bytes}: {error}");
            let bytes = hex(bytes);
            let error = CborReader::new(&bytes).skip().unwrap_err();
            assert!(error.message.contains("truncated"), "skip: {error}");
        }
        let truncated = |result: Result<(), CborError>| {
            let error = result.unwrap_err();
            assert!(error.message.contains("truncated"), "{error}");
        };
        // A 2^63-byte text and byte string: refused before anything is allocated.
        let text = hex("7b7fffffffffffffff6161");
        truncated(CborReader::new(&text).string().map(drop));
        truncated(CborReader::new(&text).str().map(drop));
        truncated(CborReader::new(&text).document().map(drop));
        let bytes = hex("5b7fffffffffffffff0102");
        truncated(CborReader::new(&bytes).blob().map(drop));
        // A 2^63-pair map and a 2^63-item array, read as generated code reads them: they fail
        // when the bytes run out.
        let map = hex("bb7fffffffffffffff 616101 6162f6 616302");
        let mut reader = CborReader::new(&map);
        truncated((|| {
            reader.begin_object()?;
            while let Some(_key) = reader.next_key()? {
                reader.i32()?;
            }
            Ok(())
        })());
        truncated(CborReader::new(&map).document().map(drop));
        let array = hex("9b7fffffffffffffff 01 f6 02");
        let mut reader = CborReader::new(&array);
        truncated((|| {
            reader.begin_array()?;
            while reader.next_item()? {
                reader.i32()?;
            }
            Ok(())
        })());
        truncated(CborReader::new(&array).value().map(drop));
    }

    /// How many times `step` (entering one container) succeeded on `bytes` before it failed, and
    /// its error.
    fn entered_before_failing(
        bytes: &[u8],
        mut step: impl FnMut(&mut CborReader<'_>) -> Result<(), CborError>,
    ) -> (usize, CborError) {
        let mut reader = CborReader::new(bytes);
        for entered in 0.. {
            if let Err(error) = step(&mut reader) {
                assert!(reader.open.len() <= MAX_DEPTH);
                return (entered, error);
            }
        }
        unreachable!()
    }

    #[test]
    fn deep_nesting_truncation_and_junk_are_errors() {
        for deep in [[0x81; 10_000], [0x9f; 10_000], [0xa1; 10_000], [0xc1; 10_000]] {
            assert_eq!(parse(&deep).unwrap_err().message, "nested too deeply");
            assert_eq!(CborReader::new(&deep).skip().unwrap_err().message, "nested too deeply");
            assert_eq!(CborReader::new(&deep).value().unwrap_err().message, "nested too deeply");
        }
        assert_eq!(CborReader::new(&[0x81; 10_000]).document().unwrap_err().message, "nested too deeply");
        // {"a": {"a": ...}} and [[...]], entered as generated code enters them.
        let maps = hex(&"a16161".repeat(10_000));
        let (entered, error) = entered_before_failing(&maps, |r| {
            r.begin_object()?;
            r.next_key().map(drop)
        });
        assert_eq!((entered, error.message.as_str()), (MAX_DEPTH, "nested too deeply"));
        let (entered, error) = entered_before_failing(&[0x9f; 10_000], |r| {
            r.begin_array()?;
            r.next_item().map(drop)
        });
        assert_eq!((entered, error.message.as_str()), (MAX_DEPTH, "nested too deeply"));

        // Exactly MAX_DEPTH is fine, one more is not; begin_* and the tree readers count together.
        let nested = |n: usize| [vec![0x81; n], vec![0x00]].concat();
        assert!(parse(&nested(MAX_DEPTH)).is_ok());
        assert!(parse(&nested(MAX_DEPTH + 1)).is_err());
        for (inside, ok) in [(nested(1), true), (nested(2), false)] {
            let bytes = [vec![0x81; MAX_DEPTH - 1], inside].concat();
            let mut reader = CborReader::new(&bytes);
            for _ in 0..MAX_DEPTH - 1 {
                reader.begin_array().unwrap();
                assert!(reader.next_item().unwrap());
            }
            let outcome = |result: Result<(), CborError>| result.map_err(|e| e.message);
            let expected = if ok { Ok(()) } else { Err("nested too deeply".to_owned()) };
            assert_eq!(outcome(reader.clone_at().value().map(drop)), expected);
            assert_eq!(outcome(reader.clone_at().document().map(drop)), expected);
            assert_eq!(outcome(reader.clone_at().skip()), expected);
            // The 128th container opens; inside it, the 129th does not.
            let mut limit = reader.clone_at();
            limit.begin_array().unwrap();
            assert!(limit.next_item().unwrap());
            assert_eq!(outcome(if ok { limit.i8().map(drop) } else { limit.begin_array() }), expected);
        }

        for bad in
            ["", "18", "62c3", "9f01", "ff", "1c", "01ff", "5f01ff", "7f4100ff", "62c328", "f818", "3f", "bf6161ff"]
        {
            assert!(parse(&hex(bad)).is_err(), "{bad:?}");
        }
    }

    impl<'a> CborReader<'a> {
        /// A reader at the same place, with the same containers open.
        fn clone_at(&self) -> CborReader<'a> {
            CborReader { input: self.input, pos: self.pos, open: self.open.clone() }
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

    /// A random map, as a response body holds.
    fn random_map(rng: &mut Rng) -> CborValue {
        CborValue::Map((0..1 + rng.below(5)).map(|_| (CborValue::Text(rng.string()), random(rng, 1))).collect())
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

    fn indefinite_bytes_of(value: &CborValue) -> Vec<u8> {
        let mut w = CborWriter::new();
        write_as_generated(&mut w, value);
        w.finish()
    }

    fn differ(what: &str, read: impl fmt::Debug, expected: impl fmt::Debug) -> CborError {
        CborError::new(format!("{what}: read {read:?}, expected {expected:?}"))
    }

    /// Reads `expected` back through the calls generated code makes for its shape, failing at
    /// the first value that differs. `sparse` reads maps and arrays with `next_sparse_*` and
    /// `take_null`; otherwise their nulls must be skipped.
    fn read_back(r: &mut CborReader<'_>, expected: &CborValue, sparse: bool) -> Result<(), CborError> {
        match expected {
            CborValue::Integer(n) => match i64::try_from(*n) {
                Ok(small) => match r.i64()? {
                    read if read == small => Ok(()),
                    read => Err(differ("i64", read, small)),
                },
                Err(_) => match r.number_text()? {
                    read if read == n.to_string() => Ok(()),
                    read => Err(differ("number text", read, n)),
                },
            },
            CborValue::Bytes(b) => match r.blob()? {
                read if read.as_ref() == b.as_slice() => Ok(()),
                read => Err(differ("blob", read, b)),
            },
            CborValue::Text(t) => match r.str()? {
                read if read == t.as_str() => Ok(()),
                read => Err(differ("text", read, t)),
            },
            CborValue::Bool(b) => match r.bool()? {
                read if read == *b => Ok(()),
                read => Err(differ("bool", read, b)),
            },
            CborValue::Null => match r.take_null()? {
                true => Ok(()),
                false => Err(CborError::new("no null")),
            },
            CborValue::Float(f) => match r.f64()? {
                read if read == *f => Ok(()),
                read => Err(differ("float", read, f)),
            },
            CborValue::Tag(1, secs) => {
                let CborValue::Integer(secs) = **secs else { unreachable!("generated timestamps are whole") };
                let expected = DateTime::from_secs(secs as i64);
                match r.timestamp(Format::EpochSeconds)? {
                    read if read == expected => Ok(()),
                    read => Err(differ("timestamp", read, expected)),
                }
            }
            CborValue::Array(items) => {
                r.begin_array()?;
                for item in items.iter().filter(|item| sparse || !item.is_null()) {
                    if !(if sparse { r.next_sparse_item()? } else { r.next_item()? }) {
                        return Err(CborError::new("the array ended early"));
                    }
                    read_back(r, item, sparse)?;
                }
                match if sparse { r.next_sparse_item()? } else { r.next_item()? } {
                    false => Ok(()),
                    true => Err(CborError::new("the array goes on")),
                }
            }
            CborValue::Map(pairs) => {
                r.begin_object()?;
                for (key, value) in pairs.iter().filter(|(_, value)| sparse || !value.is_null()) {
                    let CborValue::Text(key) = key else { unreachable!("generated maps have text keys") };
                    match if sparse { r.next_sparse_key()? } else { r.next_key()? } {
                        // Keys of definite length are borrowed from the input.
                        Some(Cow::Borrowed(read)) if read == key => read_back(r, value, sparse)?,
                        read => return Err(differ("key", read, key)),
                    }
                }
                match if sparse { r.next_sparse_key()? } else { r.next_key()? } {
                    None => Ok(()),
                    Some(key) => Err(differ("key at the end", key, ())),
                }
            }
            other => unreachable!("not generated: {other:?}"),
        }
    }

    /// `bytes` read as `expected` with every reader that must agree on it.
    fn reads_as(bytes: &[u8], expected: &CborValue) {
        assert_eq!(&parse(bytes).unwrap(), expected);
        for sparse in [false, true] {
            let mut reader = CborReader::new(bytes);
            read_back(&mut reader, expected, sparse).and_then(|()| reader.finish()).unwrap_or_else(|e| {
                panic!("{e} (sparse: {sparse}) reading {expected:?} from {bytes:02x?}");
            });
        }
        let mut reader = CborReader::new(bytes);
        reader.skip().unwrap();
        reader.finish().unwrap();
    }

    #[test]
    fn what_is_written_reads_back() {
        let mut rng = Rng::new("cbor round trip");
        for _ in 0..500 {
            let value = random(&mut rng, 0);
            reads_as(&bytes_of(&value), &value);
            reads_as(&indefinite_bytes_of(&value), &value);
        }
    }

    /// What generated code makes of a body: a structure with members of every kind, read
    /// whatever the bytes are.
    fn read_as_generated(r: &mut CborReader<'_>, rng: &mut Rng, depth: usize) -> Result<(), CborError> {
        r.begin_object()?;
        while let Some(key) = r.next_key()? {
            match (key.len() as u64 + rng.below(12)) % 12 {
                0 => drop(r.string()?),
                1 => drop(r.i32()?),
                2 => {
                    r.begin_array()?;
                    while r.next_item()? {
                        r.f64()?;
                    }
                }
                3 => {
                    r.begin_object()?;
                    while let Some(_key) = r.next_sparse_key()? {
                        if !r.take_null()? {
                            r.blob()?;
                        }
                    }
                }
                4 => drop(r.document()?),
                5 => drop(r.timestamp(Format::EpochSeconds)?),
                6 => drop(r.number_text()?),
                7 if depth < 4 => read_as_generated(r, rng, depth + 1)?,
                8 => drop(r.bool()?),
                9 => {
                    r.begin_array()?;
                    while r.next_sparse_item()? {
                        if !r.take_null()? {
                            r.i64()?;
                        }
                    }
                }
                10 => drop(r.str()?),
                _ => r.skip()?,
            }
        }
        Ok(())
    }

    /// `bytes`, damaged in one of the ways a response can be.
    fn damaged(rng: &mut Rng, mut bytes: Vec<u8>) -> Vec<u8> {
        match rng.below(3) {
            0 if !bytes.is_empty() => {
                let at = rng.below(bytes.len() as u64) as usize;
                bytes[at] = rng.next() as u8;
            }
            1 => bytes.truncate(rng.below(bytes.len() as u64 + 1) as usize),
            _ => bytes = (0..rng.below(64)).map(|_| rng.next() as u8).collect(),
        }
        bytes
    }

    #[test]
    fn random_and_damaged_bytes_never_panic() {
        let mut rng = Rng::new("cbor damage");
        let (mut read, mut refused, mut well_formed) = (0, 0, 0);
        for _ in 0..3000 {
            let value = if rng.bool() { random(&mut rng, 0) } else { random_map(&mut rng) };
            let bytes = if rng.bool() { bytes_of(&value) } else { indefinite_bytes_of(&value) };
            let bytes = damaged(&mut rng, bytes);
            let parsed = parse(&bytes);
            well_formed += usize::from(parsed.is_ok());
            // Skipping and the tree agree on what is one well-formed item.
            let mut skipper = CborReader::new(&bytes);
            assert_eq!(skipper.skip().and_then(|()| skipper.finish()).is_ok(), parsed.is_ok(), "{bytes:02x?}");
            let mut reader = CborReader::new(&bytes);
            match read_as_generated(&mut reader, &mut rng, 0).and_then(|()| reader.finish()) {
                // What generated code takes whole is well-formed.
                Ok(()) => {
                    assert!(parsed.is_ok(), "{bytes:02x?}");
                    read += 1;
                }
                Err(_) => refused += 1,
            }
            assert!(reader.pos <= bytes.len() && reader.open.len() <= MAX_DEPTH, "{reader:?}");
        }
        // Every outcome happens: damage is not always fatal, and is often caught.
        assert!(
            read > 10 && refused > 1000 && well_formed > 300,
            "{read} read, {refused} refused, {well_formed} parsed"
        );
    }

    #[test]
    fn any_sequence_of_calls_on_any_bytes_never_panics() {
        let mut rng = Rng::new("cbor calls");
        let mut errors = 0;
        for _ in 0..3000 {
            let value = random_map(&mut rng);
            let bytes = if rng.bool() { indefinite_bytes_of(&value) } else { bytes_of(&value) };
            let bytes = if rng.bool() { damaged(&mut rng, bytes) } else { bytes };
            let mut r = CborReader::new(&bytes);
            for _ in 0..48 {
                let result = match rng.below(23) {
                    0 => r.begin_object(),
                    1 => r.begin_array(),
                    2 => r.next_key().map(drop),
                    3 => r.next_sparse_key().map(drop),
                    4 => r.next_item().map(drop),
                    5 => r.next_sparse_item().map(drop),
                    6 => r.take_null().map(drop),
                    7 => r.skip(),
                    8 => r.string().map(drop),
                    9 => r.str().map(drop),
                    10 => r.bool().map(drop),
                    11 => r.i8().map(drop),
                    12 => r.i16().map(drop),
                    13 => r.i32().map(drop),
                    14 => r.i64().map(drop),
                    15 => r.f32().map(drop),
                    16 => r.f64().map(drop),
                    17 => r.number_text().map(drop),
                    18 => r.blob().map(drop),
                    19 => r.timestamp(Format::DateTime).map(drop),
                    20 => r.document().map(drop),
                    21 => r.value().map(drop),
                    _ => r.finish(),
                };
                errors += usize::from(result.is_err());
                assert!(r.pos <= bytes.len() && r.open.len() <= MAX_DEPTH, "{r:?}");
            }
        }
        assert!(errors > 0);
    }

    #[test]
    fn truncated_bodies_are_errors() {
        let mut rng = Rng::new("cbor truncation");
        for _ in 0..300 {
            let value = random_map(&mut rng);
            for bytes in [bytes_of(&value), indefinite_bytes_of(&value)] {
                for end in 0..bytes.len() {
                    let prefix = &bytes[..end];
                    assert!(parse(prefix).is_err(), "{prefix:02x?}");
                    let mut reader = CborReader::new(prefix);
                    assert!(read_back(&mut reader, &value, true).and_then(|()| reader.finish()).is_err());
                    let mut reader = CborReader::new(prefix);
                    assert!(reader.skip().and_then(|()| reader.finish()).is_err());
                }
            }
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
    /// we read what it writes (which picks half and single floats where they are exact), as a
    /// tree and as generated code reads it.
    #[test]
    fn agrees_with_ciborium_both_ways() {
        let mut rng = Rng::new("cbor against ciborium");
        for _ in 0..500 {
            let value = random(&mut rng, 0);
            let theirs: ciborium::Value =
                ciborium::de::from_reader(bytes_of(&value).as_slice()).expect("ciborium reads ours");
            assert_eq!(from_ciborium(theirs), value);
            // As generated code writes it: indefinite-length maps and arrays.
            let theirs: ciborium::Value = ciborium::de::from_reader(indefinite_bytes_of(&value).as_slice())
                .expect("ciborium reads indefinite lengths");
            assert_eq!(from_ciborium(theirs), value);
            let mut bytes = Vec::new();
            ciborium::ser::into_writer(&to_ciborium(&value), &mut bytes).expect("ciborium writes");
            reads_as(&bytes, &value);
        }
    }

    /// {"a": null, "b": 1, "c": undefined, "d": 2, "e": null}, in definite and indefinite form.
    const NULL_MEMBERS: [&str; 2] =
        ["a5 6161f6 616201 6163f7 616402 6165f6", "bf 6161f6 616201 6163f7 616402 6165f6 ff"];
    /// [null, 1, undefined, 2, null], in definite and indefinite form.
    const NULL_ITEMS: [&str; 2] = ["85 f6 01 f7 02 f6", "9f f6 01 f7 02 f6 ff"];

    #[test]
    fn next_key_skips_null_and_undefined_members_and_next_sparse_key_keeps_them() {
        for bytes in NULL_MEMBERS.map(hex) {
            let mut r = CborReader::new(&bytes);
            r.begin_object().unwrap();
            let mut members = Vec::new();
            while let Some(key) = r.next_key().unwrap() {
                members.push((key.into_owned(), r.i32().unwrap()));
            }
            assert_eq!(members, [("b".to_owned(), 1), ("d".to_owned(), 2)]);
            r.finish().unwrap();

            let mut r = CborReader::new(&bytes);
            r.begin_object().unwrap();
            let mut members = Vec::new();
            while let Some(key) = r.next_sparse_key().unwrap() {
                let value = if r.take_null().unwrap() { None } else { Some(r.i32().unwrap()) };
                members.push((key.into_owned(), value));
            }
            let expected = [("a", None), ("b", Some(1)), ("c", None), ("d", Some(2)), ("e", None)];
            assert_eq!(members, expected.map(|(k, v)| (k.to_owned(), v)));
            r.finish().unwrap();
        }
    }

    #[test]
    fn next_item_skips_null_and_undefined_items_and_next_sparse_item_keeps_them() {
        for bytes in NULL_ITEMS.map(hex) {
            let mut r = CborReader::new(&bytes);
            r.begin_array().unwrap();
            let mut items = Vec::new();
            while r.next_item().unwrap() {
                items.push(r.i32().unwrap());
            }
            assert_eq!(items, [1, 2]);
            r.finish().unwrap();

            let mut r = CborReader::new(&bytes);
            r.begin_array().unwrap();
            let mut items = Vec::new();
            while r.next_sparse_item().unwrap() {
                items.push(if r.take_null().unwrap() { None } else { Some(r.i32().unwrap()) });
            }
            assert_eq!(items, [None, Some(1), None, Some(2), None]);
            r.finish().unwrap();
        }
        // take_null leaves anything else where it is.
        let mut r = CborReader::new(&[0x01]);
        assert!(!r.take_null().unwrap());
        assert_eq!(r.i8().unwrap(), 1);
        assert!(!r.take_null().unwrap(), "nothing left is not a null");
    }

    #[test]
    fn keys_are_borrowed_when_definite_and_owned_when_chunked() {
        // {"plain": 1, (_ "ke" "y1"): 2, (_ "gone"): null, (_ ): 3}
        let bytes = hex("bf 65706c61696e 01 7f626b65627931ff 02 7f64676f6e65ff f6 7fff 03 ff");
        let mut r = CborReader::new(&bytes);
        r.begin_object().unwrap();
        assert!(matches!(r.next_key().unwrap(), Some(Cow::Borrowed("plain"))));
        assert_eq!(r.i32().unwrap(), 1);
        let key = r.next_key().unwrap();
        assert!(matches!(&key, Some(Cow::Owned(k)) if k == "key1"), "{key:?}");
        assert_eq!(r.i32().unwrap(), 2);
        assert!(matches!(r.next_key().unwrap(), Some(Cow::Owned(k)) if k.is_empty()));
        assert_eq!(r.i32().unwrap(), 3);
        assert_eq!(r.next_key().unwrap(), None);
        r.finish().unwrap();
        assert_eq!(CborReader::new(&hex("7f626b65627931ff")).string().unwrap(), "key1");
        assert!(matches!(CborReader::new(&hex("62c3bc")).str().unwrap(), Cow::Borrowed("\u{fc}")));

        // Chunks that are not UTF-8 or not text, and keys that are not text, are refused.
        for bad in ["bf 7f41ffff 01 ff", "bf 7f4161ff 01 ff", "a1 62c328 01", "a1 01 01", "a1 4161 01"] {
            let bytes = hex(bad);
            let mut r = CborReader::new(&bytes);
            r.begin_object().unwrap();
            assert!(r.next_key().is_err(), "{bad}");
        }
        let bytes = hex("a1 01 01");
        let mut r = CborReader::new(&bytes);
        r.begin_object().unwrap();
        assert_eq!(
            r.next_key().unwrap_err().to_string(),
            "invalid CBOR at byte 1: expected a text key, found an integer"
        );
    }

    #[test]
    fn calls_that_do_not_fit_are_errors() {
        let message = |result: Result<bool, CborError>| result.unwrap_err().message().to_owned();
        let mut r = CborReader::new(&[0xa0]);
        assert!(message(r.next_key().map(|k| k.is_some())).contains("no map open"));
        assert!(message(r.next_sparse_key().map(|k| k.is_some())).contains("no map open"));
        assert!(message(r.next_item()).contains("no array open"));
        assert!(message(r.next_sparse_item()).contains("no array open"));
        // [] inside {"a": ...}.
        let bytes = hex("a1 6161 80");
        let mut r = CborReader::new(&bytes);
        r.begin_object().unwrap();
        assert!(message(r.next_item()).contains("inside a map"));
        assert_eq!(r.next_key().unwrap().as_deref(), Some("a"));
        r.begin_array().unwrap();
        assert!(message(r.next_key().map(|k| k.is_some())).contains("inside an array"));
        assert!(!r.next_item().unwrap(), "the array ends");
        assert!(message(r.next_item()).contains("inside a map"), "the array is closed");
        assert_eq!(r.next_key().unwrap(), None);
        assert!(message(r.next_key().map(|k| k.is_some())).contains("no map open"), "the map is closed");
        r.finish().unwrap();

        // finish refuses open containers and bytes left over.
        let mut r = CborReader::new(&[0xa0]);
        r.begin_object().unwrap();
        assert!(r.finish().unwrap_err().message().contains("map is not finished"));
        let mut r = CborReader::new(&[0x01, 0x02]);
        r.i8().unwrap();
        assert_eq!(r.finish().unwrap_err().to_string(), "invalid CBOR at byte 1: bytes after the data item");

        // A value of another kind: the error says what was expected and found, and where, and
        // the cursor stays on the item.
        let bytes = hex("82 01 a0");
        let mut r = CborReader::new(&bytes);
        r.begin_array().unwrap();
        assert!(r.next_item().unwrap());
        assert_eq!(
            r.string().unwrap_err().to_string(),
            "invalid CBOR at byte 1: expected a text string, found an integer"
        );
        assert_eq!(r.i16().unwrap(), 1);
        assert!(r.next_item().unwrap());
        assert_eq!(r.begin_array().unwrap_err().message(), "expected an array, found a map");
        assert_eq!(r.bool().unwrap_err().message(), "expected a boolean, found a map");
        r.begin_object().unwrap();
        assert_eq!(r.next_key().unwrap(), None);
        assert!(!r.next_item().unwrap());
        r.finish().unwrap();

        // Every call on nothing is an error, not a panic.
        let mut r = CborReader::new(&[]);
        assert!(r.begin_object().is_err() && r.begin_array().is_err() && r.skip().is_err());
        assert!(r.string().is_err() && r.i64().is_err() && r.f64().is_err() && r.blob().is_err());
        assert!(r.document().is_err() && r.value().is_err() && r.number_text().is_err());
        assert!(r.timestamp(Format::EpochSeconds).is_err() && !r.take_null().unwrap());
        assert_eq!(CborReader::new(&[0xff]).skip().unwrap_err().message(), "break outside an indefinite-length item");
    }

    #[test]
    fn an_empty_body_reads_as_an_empty_map() {
        let mut r = CborReader::body(&[]);
        r.begin_object().unwrap();
        assert_eq!(r.next_key().unwrap(), None);
        r.finish().unwrap();
        assert_eq!(CborReader::body(&[]).value().unwrap(), CborValue::Map(Vec::new()));
        // A body that is not empty is read as it is.
        assert_eq!(CborReader::body(&[0x80]).begin_object().unwrap_err().message(), "expected a map, found an array");
        assert!(CborReader::new(&[]).begin_object().is_err());
    }

    #[test]
    fn each_value_method_reads_its_kinds_and_says_what_it_found_otherwise() {
        let read = |text: &str| hex(text);
        // Integers in range.
        assert_eq!(CborReader::new(&read("187f")).i8().unwrap(), 127);
        assert!(CborReader::new(&read("19012c")).i8().unwrap_err().message().contains("300 is out of range for i8"));
        assert!(CborReader::new(&read("3880")).i8().unwrap_err().message().contains("out of range"));
        assert_eq!(CborReader::new(&read("3903e7")).i16().unwrap(), -1000);
        assert_eq!(CborReader::new(&read("3a7fffffff")).i32().unwrap(), i32::MIN);
        assert_eq!(CborReader::new(&read("3b7fffffffffffffff")).i64().unwrap(), i64::MIN);
        assert!(CborReader::new(&read("1bffffffffffffffff")).i64().is_err());
        assert_eq!(CborReader::new(&read("f93c00")).i32().unwrap_err().message(), "expected an integer, found a float");
        // Floats of every width, and integers for them.
        assert_eq!(CborReader::new(&read("f93c00")).f64().unwrap(), 1.0);
        assert_eq!(CborReader::new(&read("fa47c35000")).f64().unwrap(), 100_000.0);
        assert_eq!(CborReader::new(&read("fb3ff199999999999a")).f32().unwrap(), 1.1f32);
        assert!(CborReader::new(&read("f97e00")).f32().unwrap().is_nan());
        assert_eq!(CborReader::new(&read("f9fc00")).f64().unwrap(), f64::NEG_INFINITY);
        assert_eq!(CborReader::new(&read("1818")).f64().unwrap(), 24.0);
        assert_eq!(CborReader::new(&read("3bffffffffffffffff")).f64().unwrap(), -18_446_744_073_709_551_616.0);
        assert_eq!(
            CborReader::new(&read("6161")).f64().unwrap_err().message(),
            "expected a float, found a text string"
        );
        // Booleans.
        assert!(CborReader::new(&read("f5")).bool().unwrap());
        assert_eq!(CborReader::new(&read("f6")).bool().unwrap_err().message(), "expected a boolean, found null");
        // Big numbers: integers, bignums, decimal fractions (definite and indefinite), floats.
        let text = |bytes: &str| CborReader::new(&read(bytes)).number_text();
        assert_eq!(text("1bffffffffffffffff").unwrap(), "18446744073709551615");
        assert_eq!(text("c249010000000000000000").unwrap(), "18446744073709551616");
        assert_eq!(text("c349010000000000000000").unwrap(), "-18446744073709551617");
        assert_eq!(text("c25f4101420000ff").unwrap(), "65536");
        assert_eq!(text("c48221196ab3").unwrap(), "27315E-2");
        assert_eq!(text("c49f21196ab3ff").unwrap(), "27315E-2");
        assert_eq!(text("c4820001").unwrap(), "1");
        assert_eq!(text("fb3ff8000000000000").unwrap(), "1.5");
        assert!(text("c4832101ff").is_err());
        assert!(text("c49f210102ff").is_err());
        assert!(text("c25101000000000000000000000000000000000000").unwrap_err().message().contains("beyond 128 bits"));
        assert!(text("c25080000000000000000000000000000000").unwrap_err().message().contains("beyond 127 bits"));
        assert_eq!(text("6161").unwrap_err().message(), "expected an integer, found a text string");
        // Byte strings, chunks joined.
        assert_eq!(CborReader::new(&read("5f42010243030405ff")).blob().unwrap(), Blob::new(vec![1, 2, 3, 4, 5]));
        assert_eq!(
            CborReader::new(&read("6161")).blob().unwrap_err().message(),
            "expected a byte string, found a text string"
        );
        // Timestamps: tag 1 and an integer or a float, whatever the format.
        let at = |bytes: &str| CborReader::new(&read(bytes)).timestamp(Format::HttpDate);
        assert_eq!(at("c11a514b67b0").unwrap(), DateTime::from_secs(1_363_896_240));
        assert_eq!(at("c13a514b67af").unwrap(), DateTime::from_secs(-1_363_896_240));
        assert_eq!(at("c1fb41d452d9ec200000").unwrap(), DateTime::from_secs_f64(1_363_896_240.5));
        assert_eq!(at("c1f97e00").unwrap_err().message(), "expected epoch seconds, found a float");
        assert!(at("c11bffffffffffffffff").unwrap_err().message().contains("64-bit range"));
        assert_eq!(at("1a514b67b0").unwrap_err().message(), "expected a timestamp (tag 1), found an integer");
        // Documents of every kind, nulls kept.
        let bytes = read("bf 6161 86 01 21 f93e00 f6 6178 f5 6162 a1 6163 f7 ff");
        let document = CborReader::new(&bytes).document().unwrap();
        let expected = Document::Object(BTreeMap::from([
            (
                "a".to_owned(),
                Document::Array(vec![
                    Document::Number(Number::PosInt(1)),
                    Document::Number(Number::NegInt(-2)),
                    Document::Number(Number::Float(1.5)),
                    Document::Null,
                    Document::String("x".to_owned()),
                    Document::Bool(true),
                ]),
            ),
            ("b".to_owned(), Document::Object(BTreeMap::from([("c".to_owned(), Document::Null)]))),
        ]));
        assert_eq!(document, expected);
        assert_eq!(
            CborReader::new(&read("3bffffffffffffffff")).document().unwrap(),
            Document::Number(Number::Float(-18_446_744_073_709_551_616.0))
        );
        assert_eq!(
            CborReader::new(&read("c101")).document().unwrap_err().message(),
            "expected a document, found a tagged item"
        );
        assert_eq!(
            CborReader::new(&read("a10101")).document().unwrap_err().message(),
            "expected a text key, found an integer"
        );
        assert!(CborValue::Undefined.is_null() && CborValue::Null.is_null() && !CborValue::Bool(false).is_null());
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
        w.key("gone");
        w.null();
        w.key("list");
        w.begin_array();
        w.timestamp(&DateTime::from_secs(1_700_000_000), Format::DateTime);
        w.timestamp(&DateTime::from_secs_f64(1.5), Format::EpochSeconds);
        w.blob(&Blob::new(vec![1, 2]));
        w.number_text("18446744073709551616");
        w.number_text("-1.25");
        w.null();
        w.document(&Document::Array(vec![Document::Null, Document::Number(Number::NegInt(-3))]));
        w.end_array();
        w.key("b");
        w.i64(-7);
        w.end_object();
        let bytes = w.finish();
        let mut r = CborReader::new(&bytes);
        r.begin_object().unwrap();
        assert_eq!(r.next_key().unwrap().as_deref(), Some("a"));
        assert_eq!(r.f32().unwrap(), 1.5);
        assert_eq!(r.next_key().unwrap().as_deref(), Some("list"), "the null member is skipped");
        r.begin_array().unwrap();
        assert!(r.next_item().unwrap());
        assert_eq!(r.timestamp(Format::DateTime).unwrap(), DateTime::from_secs(1_700_000_000));
        assert!(r.next_item().unwrap());
        assert_eq!(r.timestamp(Format::DateTime).unwrap(), DateTime::from_secs_f64(1.5));
        assert!(r.next_item().unwrap());
        assert_eq!(r.blob().unwrap(), Blob::new(vec![1, 2]));
        assert!(r.next_item().unwrap());
        assert_eq!(r.number_text().unwrap(), "18446744073709551616");
        assert!(r.next_item().unwrap());
        assert_eq!(r.number_text().unwrap(), "-125E-2");
        assert!(r.next_item().unwrap(), "the null item is skipped");
        assert_eq!(r.document().unwrap(), Document::Array(vec![Document::Null, Document::Number(Number::NegInt(-3))]));
        assert!(!r.next_item().unwrap());
        assert_eq!(r.next_key().unwrap().as_deref(), Some("b"));
        assert_eq!(r.i8().unwrap(), -7);
        assert_eq!(r.next_key().unwrap(), None);
        r.finish().unwrap();
    }

    fn response(body: &[u8]) -> HttpResponse {
        let mut headers = crate::http::Headers::new();
        headers.insert("x-amzn-requestid", "req-1");
        HttpResponse::new(400, headers, body)
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
        let meta = error_metadata(&response(&w.finish()));
        assert_eq!(meta.code(), Some("FooError"));
        assert_eq!(meta.message(), Some("hi"));
        assert_eq!(meta.status(), Some(400));
        assert_eq!(meta.request_id(), Some("req-1"));

        // `message` wins over `Message` wherever it is; values other than text are skipped, as
        // are other members, whatever they hold.
        let body = hex("a6 674d657373616765 6155 6475726c73 a1 6161 9f01ff 676d657373616765 05
             665f5f74797065 f6 676d657373616765 616c 665f5f74797065 6142");
        let meta = error_metadata(&response(&body));
        assert_eq!((meta.code(), meta.message()), (Some("B"), Some("l")));
        let body = hex("a2 674d657373616765 6155 665f5f74797065 7f6141ff");
        let meta = error_metadata(&response(&body));
        assert_eq!((meta.code(), meta.message()), (Some("A"), Some("U")));

        // An empty body, or one that is not a map: the status and the request id.
        for body in [&[][..], &[0x80], &[0x01]] {
            let meta = error_metadata(&response(body));
            assert_eq!((meta.code(), meta.message(), meta.status()), (None, None, Some(400)));
            assert_eq!(meta.request_id(), Some("req-1"));
        }
        // A body that stops being readable: what came before.
        let body = hex("bf 665f5f74797065 6142 676d657373616765 1c");
        let meta = error_metadata(&response(&body));
        assert_eq!((meta.code(), meta.message()), (Some("B"), None));
        let body = hex("bf 665f5f74797065 6142 676d657373616765 62");
        assert_eq!(error_metadata(&response(&body)).code(), Some("B"));
        // A code that sanitizes to nothing is no code.
        let body = hex("a1 665f5f74797065 623a78");
        assert_eq!(error_metadata(&response(&body)).code(), None);
    }

    #[test]
    fn error_metadata_never_panics_on_random_bodies() {
        let mut rng = Rng::new("cbor error metadata");
        let mut coded = 0;
        for _ in 0..1000 {
            let mut value = random_map(&mut rng);
            if let CborValue::Map(pairs) = &mut value {
                pairs.insert(0, (CborValue::Text("__type".into()), CborValue::Text("ns#Oops".into())));
            }
            let bytes = damaged(&mut rng, indefinite_bytes_of(&value));
            let meta = error_metadata(&response(&bytes));
            assert_eq!(meta.status(), Some(400));
            coded += usize::from(meta.code() == Some("Oops"));
        }
        assert!(coded > 100, "the code survives damage after it: {coded}");
    }
}
