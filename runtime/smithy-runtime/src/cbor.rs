//! CBOR (RFC 8949), the body format of rpcv2Cbor: a reader into [`CborValue`] and a writer.
//!
//! The reader takes whatever a response holds and never panics: every major type, definite and
//! indefinite lengths, tags, half, single and double floats (`NaN` and the infinities
//! included). It never trusts a declared length: a string longer than the bytes left is an
//! error before anything is allocated, and a container reserves at most one slot per byte
//! left, so allocation is bounded by the bytes actually received; nesting deeper than
//! [`MAX_DEPTH`] is an error, not a stack overflow.

use std::fmt;

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

/// Why bytes are not one well-formed CBOR item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CborError {
    /// Where, in bytes from the start.
    pub offset: usize,
    /// What is wrong there.
    pub message: &'static str,
}

impl fmt::Display for CborError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid CBOR at byte {}: {}", self.offset, self.message)
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
    fn error(&self, message: &'static str) -> CborError {
        CborError { offset: self.pos, message }
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
            .map_err(|_| CborError { offset: start, message: "text is not UTF-8" })
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

/// Writes CBOR: definite-length strings, and arrays and maps of a known length or indefinite
/// ones closed with [`CborWriter::end`].
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

    /// An integer in the smallest encoding.
    pub fn integer(&mut self, value: i64) {
        if value < 0 {
            self.head(1, (-1 - value) as u64);
        } else {
            self.head(0, value as u64);
        }
    }

    /// A byte string.
    pub fn bytes(&mut self, value: &[u8]) {
        self.head(2, value.len() as u64);
        self.out.extend_from_slice(value);
    }

    /// A text string.
    pub fn text(&mut self, value: &str) {
        self.head(3, value.len() as u64);
        self.out.extend_from_slice(value.as_bytes());
    }

    /// Starts an array of `len` items.
    pub fn begin_array(&mut self, len: usize) {
        self.head(4, len as u64);
    }

    /// Starts a map of `len` pairs.
    pub fn begin_map(&mut self, len: usize) {
        self.head(5, len as u64);
    }

    /// Starts a map whose pairs end at [`CborWriter::end`] (for structures, whose set members
    /// are not counted first).
    pub fn begin_map_indefinite(&mut self) {
        self.out.push(0xbf);
    }

    /// Ends an indefinite-length item.
    pub fn end(&mut self) {
        self.out.push(0xff);
    }

    /// Tags the next item.
    pub fn tag(&mut self, tag: u64) {
        self.head(6, tag);
    }

    /// `true` or `false`.
    pub fn bool(&mut self, value: bool) {
        self.out.push(if value { 0xf5 } else { 0xf4 });
    }

    /// `null`.
    pub fn null(&mut self) {
        self.out.push(0xf6);
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

    /// Writes `value` back (integers beyond 64 bits saturate; floats as doubles).
    pub fn value(&mut self, value: &CborValue) {
        match value {
            CborValue::Integer(n) if *n < 0 => self.head(1, u64::try_from(-1 - n).unwrap_or(u64::MAX)),
            CborValue::Integer(n) => self.head(0, u64::try_from(*n).unwrap_or(u64::MAX)),
            CborValue::Bytes(b) => self.bytes(b),
            CborValue::Text(t) => self.text(t),
            CborValue::Array(items) => {
                self.begin_array(items.len());
                items.iter().for_each(|i| self.value(i));
            }
            CborValue::Map(pairs) => {
                self.begin_map(pairs.len());
                for (k, v) in pairs {
                    self.value(k);
                    self.value(v);
                }
            }
            CborValue::Tag(tag, item) => {
                self.tag(*tag);
                self.value(item);
            }
            CborValue::Bool(b) => self.bool(*b),
            CborValue::Null => self.null(),
            CborValue::Undefined => self.out.push(0xf7),
            CborValue::Float(f) => self.f64(*f),
            CborValue::Simple(n) if *n < 24 => self.out.push(0xe0 | n),
            CborValue::Simple(n) => self.out.extend_from_slice(&[0xf8, *n]),
        }
    }
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

    #[test]
    fn what_is_written_reads_back() {
        let mut rng = Rng::new("cbor round trip");
        for _ in 0..500 {
            let value = random(&mut rng, 0);
            let mut w = CborWriter::new();
            w.value(&value);
            assert_eq!(parse(&w.finish()).unwrap(), value);
        }
    }

    #[test]
    fn random_and_damaged_bytes_never_panic() {
        let mut rng = Rng::new("cbor damage");
        for _ in 0..2000 {
            let mut w = CborWriter::new();
            w.value(&random(&mut rng, 0));
            let mut bytes = w.finish();
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
            let mut w = CborWriter::new();
            w.value(&value);
            let theirs: ciborium::Value =
                ciborium::de::from_reader(w.finish().as_slice()).expect("ciborium reads ours");
            assert_eq!(from_ciborium(theirs), value);
            let mut bytes = Vec::new();
            ciborium::ser::into_writer(&to_ciborium(&value), &mut bytes).expect("ciborium writes");
            assert_eq!(parse(&bytes).expect("we read ciborium's"), value);
        }
    }

    #[test]
    fn the_writer_picks_the_shortest_heads() {
        let mut w = CborWriter::new();
        for n in [0, 23, 24, 255, 256, 65_535, 65_536, -1, -25, i64::MIN] {
            w.integer(n);
        }
        assert_eq!(w.finish(), hex("0017181818ff19010019ffff1a000100002038183b7fffffffffffffff"));
        let mut w = CborWriter::new();
        w.begin_map_indefinite();
        w.text("a");
        w.f32(1.5);
        w.end();
        assert_eq!(
            parse(&w.finish()).unwrap(),
            CborValue::Map(vec![(CborValue::Text("a".into()), CborValue::Float(1.5))])
        );
    }
}
