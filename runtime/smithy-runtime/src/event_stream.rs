//! The `application/vnd.amazon.eventstream` framing of AWS event streams, sans-IO: [`encode`]
//! turns a [`Message`] into one frame, a [`Decoder`] takes a stream's bytes in whatever chunks the
//! transport reads and hands back whole messages, and with the `client` feature an
//! `EventSigner` wraps each event of an input stream in the chained SigV4 envelope.
//!
//! A frame is a prelude (total length, headers length, the prelude's CRC-32), the headers, the
//! payload and the CRC-32 of everything before it; all integers are big-endian. A header is a
//! one-byte name length, the UTF-8 name, a one-byte value type and the value.
//!
//! Limits, on both sides: a message takes at most 16 MiB and its headers at most 128 KiB
//! (aws-c-event-stream's bounds, which cap what a decoder buffers; the specification's own
//! 24 MB payload bound is for services to check, so a service's message between the two fails
//! here as it does with the CRT), a header name 1 to 255 bytes, and a string or byte array
//! value written here at most 32767 bytes (the specification's `2^15-1`, which
//! aws-c-event-stream and aws-smithy-eventstream enforce too; a value read may use the whole
//! two-byte length field).
//!
//! Decoding never trusts a length: the buffer grows only with the bytes pushed, a declared
//! length is checked against the limits as soon as the 12-byte prelude (and its CRC) is in, and
//! every header is read within its section. Whatever is wrong is an [`EventStreamError`] that
//! says where, never a panic, and a decoder that has failed stays failed: the specification
//! says a stream with a bad checksum must end.

use std::fmt;

use crate::primitives::DateTime;

mod error;
#[cfg(feature = "client")]
mod signer;
mod typed;

pub use error::{ErrorKind, EventStreamError};
#[cfg(feature = "client")]
pub use signer::EventSigner;
pub use typed::{
    event_message, exception_message, header_value, message_kind, payload_error, unhandled_metadata, EventBody,
    EventReceiver, EventSink, EventSource, EventStreamSender, Marshal, MessageKind, RecvError, StreamClosed, Unmarshal,
    Unmarshalled,
};

/// Total length, headers length and the prelude's CRC-32.
const PRELUDE_LENGTH: usize = 12;
/// The message CRC-32 that ends every frame.
const CRC_LENGTH: usize = 4;
/// A frame without headers or payload.
const MIN_MESSAGE_LENGTH: usize = PRELUDE_LENGTH + CRC_LENGTH;
const MAX_MESSAGE_LENGTH: usize = 16 * 1024 * 1024;
const MAX_HEADERS_LENGTH: usize = 128 * 1024;
const MAX_HEADER_NAME_LENGTH: usize = u8::MAX as usize;
const MAX_HEADER_VALUE_LENGTH: usize = i16::MAX as usize;

const TYPE_TRUE: u8 = 0;
const TYPE_FALSE: u8 = 1;
const TYPE_BYTE: u8 = 2;
const TYPE_INT16: u8 = 3;
const TYPE_INT32: u8 = 4;
const TYPE_INT64: u8 = 5;
const TYPE_BYTE_ARRAY: u8 = 6;
const TYPE_STRING: u8 = 7;
const TYPE_TIMESTAMP: u8 = 8;
const TYPE_UUID: u8 = 9;

/// One event-stream message: headers and an opaque payload.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Message {
    /// The headers in wire order. Names should be unique; [`Message::header`] finds the first.
    pub headers: Vec<Header>,
    /// The payload, in the protocol's format (the `:content-type` header says which).
    pub payload: Vec<u8>,
}

impl Message {
    /// A message without headers.
    pub fn new(payload: impl Into<Vec<u8>>) -> Self {
        Message { headers: Vec::new(), payload: payload.into() }
    }

    /// The message with one more header, last.
    pub fn with_header(mut self, name: impl Into<String>, value: HeaderValue) -> Self {
        self.headers.push(Header::new(name, value));
        self
    }

    /// The value of the first header named `name` (names are case-sensitive).
    pub fn header(&self, name: &str) -> Option<&HeaderValue> {
        self.headers.iter().find(|header| header.name == name).map(|header| &header.value)
    }

    /// `:message-type`: `event`, `exception` (a modeled error) or `error` (an unmodeled one).
    pub fn message_type(&self) -> Option<&str> {
        self.string_header(":message-type")
    }

    /// `:event-type`: the event union member an `event` message carries.
    pub fn event_type(&self) -> Option<&str> {
        self.string_header(":event-type")
    }

    /// `:exception-type`: the event union member (an error shape) an `exception` message carries.
    pub fn exception_type(&self) -> Option<&str> {
        self.string_header(":exception-type")
    }

    /// `:content-type`: the media type of the payload.
    pub fn content_type(&self) -> Option<&str> {
        self.string_header(":content-type")
    }

    /// `:error-code`: what went wrong, in an `error` message.
    pub fn error_code(&self) -> Option<&str> {
        self.string_header(":error-code")
    }

    /// `:error-message`: the human-readable explanation of an `error` message.
    pub fn error_message(&self) -> Option<&str> {
        self.string_header(":error-message")
    }

    /// A header's value when it is a string; `None` when absent or of another type.
    fn string_header(&self, name: &str) -> Option<&str> {
        self.header(name).and_then(HeaderValue::as_str)
    }
}

/// A named, typed header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Header {
    /// The name, 1 to 255 bytes of UTF-8; `:`-prefixed names are the protocol's.
    pub name: String,
    /// The value.
    pub value: HeaderValue,
}

impl Header {
    /// A header from its parts.
    pub fn new(name: impl Into<String>, value: HeaderValue) -> Self {
        Header { name: name.into(), value }
    }
}

/// A header value, one variant per type of the wire format.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum HeaderValue {
    /// Types 0 (`true`) and 1 (`false`), which have no value bytes.
    Bool(bool),
    /// Type 2, one signed byte.
    Byte(i8),
    /// Type 3, a 16-bit signed integer.
    Int16(i16),
    /// Type 4, a 32-bit signed integer.
    Int32(i32),
    /// Type 5, a 64-bit signed integer.
    Int64(i64),
    /// Type 6, bytes (Smithy's `blob`).
    ByteArray(Vec<u8>),
    /// Type 7, UTF-8 text.
    String(String),
    /// Type 8, milliseconds (not seconds) since 1970-01-01T00:00:00Z.
    Timestamp(i64),
    /// Type 9, an RFC 9562 UUID's 16 bytes.
    Uuid([u8; 16]),
}

impl HeaderValue {
    /// The value of a `Bool`.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            HeaderValue::Bool(value) => Some(*value),
            _ => None,
        }
    }

    /// The value of a `Byte`.
    pub fn as_byte(&self) -> Option<i8> {
        match self {
            HeaderValue::Byte(value) => Some(*value),
            _ => None,
        }
    }

    /// The value of an `Int16`.
    pub fn as_int16(&self) -> Option<i16> {
        match self {
            HeaderValue::Int16(value) => Some(*value),
            _ => None,
        }
    }

    /// The value of an `Int32`.
    pub fn as_int32(&self) -> Option<i32> {
        match self {
            HeaderValue::Int32(value) => Some(*value),
            _ => None,
        }
    }

    /// The value of an `Int64`.
    pub fn as_int64(&self) -> Option<i64> {
        match self {
            HeaderValue::Int64(value) => Some(*value),
            _ => None,
        }
    }

    /// The bytes of a `ByteArray`.
    pub fn as_byte_array(&self) -> Option<&[u8]> {
        match self {
            HeaderValue::ByteArray(value) => Some(value),
            _ => None,
        }
    }

    /// The text of a `String`.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            HeaderValue::String(value) => Some(value),
            _ => None,
        }
    }

    /// The instant of a `Timestamp`.
    pub fn as_timestamp(&self) -> Option<DateTime> {
        match self {
            HeaderValue::Timestamp(millis) => Some(DateTime::from_millis(*millis)),
            _ => None,
        }
    }

    /// The bytes of a `Uuid`.
    pub fn as_uuid(&self) -> Option<[u8; 16]> {
        match self {
            HeaderValue::Uuid(value) => Some(*value),
            _ => None,
        }
    }

    fn type_id(&self) -> u8 {
        match self {
            HeaderValue::Bool(true) => TYPE_TRUE,
            HeaderValue::Bool(false) => TYPE_FALSE,
            HeaderValue::Byte(_) => TYPE_BYTE,
            HeaderValue::Int16(_) => TYPE_INT16,
            HeaderValue::Int32(_) => TYPE_INT32,
            HeaderValue::Int64(_) => TYPE_INT64,
            HeaderValue::ByteArray(_) => TYPE_BYTE_ARRAY,
            HeaderValue::String(_) => TYPE_STRING,
            HeaderValue::Timestamp(_) => TYPE_TIMESTAMP,
            HeaderValue::Uuid(_) => TYPE_UUID,
        }
    }
}

/// Encodes `message` as one frame.
///
/// Fails, writing nothing, when a header name is empty or longer than 255 bytes, a string or
/// byte array value is longer than 32767 bytes, the headers take more than 128 KiB or the frame
/// more than 16 MiB.
pub fn encode(message: &Message) -> Result<Vec<u8>, EventStreamError> {
    let error = |kind| EventStreamError { kind, offset: None };
    let mut headers_length = 0usize;
    for (index, header) in message.headers.iter().enumerate() {
        headers_length = headers_length.saturating_add(encoded_length(index, header).map_err(error)?);
    }
    if headers_length > MAX_HEADERS_LENGTH {
        return Err(error(ErrorKind::HeadersTooLong { length: headers_length }));
    }
    let length = (MIN_MESSAGE_LENGTH + headers_length).saturating_add(message.payload.len());
    if length > MAX_MESSAGE_LENGTH {
        return Err(error(ErrorKind::MessageTooLong { length }));
    }

    let mut out = Vec::with_capacity(length);
    // Both fit a u32: they are within the limits checked above.
    out.extend_from_slice(&(length as u32).to_be_bytes());
    out.extend_from_slice(&(headers_length as u32).to_be_bytes());
    let prelude_crc = crc32fast::hash(&out);
    out.extend_from_slice(&prelude_crc.to_be_bytes());
    for header in &message.headers {
        write_header(header, &mut out);
    }
    out.extend_from_slice(&message.payload);
    let message_crc = crc32fast::hash(&out);
    out.extend_from_slice(&message_crc.to_be_bytes());
    Ok(out)
}

/// Decodes `bytes` as exactly one whole frame (an event test's `bytes`, say); a stream's
/// messages go through a [`Decoder`].
pub fn decode(bytes: &[u8]) -> Result<Message, EventStreamError> {
    let error = |kind| EventStreamError { kind, offset: Some(0) };
    let truncated = |message_length| error(ErrorKind::Truncated { received: bytes.len(), message_length });
    let prelude = read_prelude(bytes).map_err(error)?.ok_or_else(|| truncated(None))?;
    let frame = bytes.get(..prelude.length).ok_or_else(|| truncated(Some(prelude.length)))?;
    let message = read_frame(frame, prelude.headers_length).map_err(error)?;
    match bytes.len() - prelude.length {
        0 => Ok(message),
        length => Err(error(ErrorKind::TrailingBytes { length })),
    }
}

/// The bytes `header` takes on the wire, once its name and value are checked to fit.
fn encoded_length(index: usize, header: &Header) -> Result<usize, ErrorKind> {
    let name = header.name.len();
    if name == 0 || name > MAX_HEADER_NAME_LENGTH {
        return Err(ErrorKind::InvalidHeaderName { index, length: name });
    }
    let variable = |length: usize| {
        if length > MAX_HEADER_VALUE_LENGTH {
            Err(ErrorKind::HeaderValueTooLong { index, length })
        } else {
            Ok(2 + length)
        }
    };
    let value = match &header.value {
        HeaderValue::Bool(_) => 0,
        HeaderValue::Byte(_) => 1,
        HeaderValue::Int16(_) => 2,
        HeaderValue::Int32(_) => 4,
        HeaderValue::Int64(_) | HeaderValue::Timestamp(_) => 8,
        HeaderValue::Uuid(_) => 16,
        HeaderValue::ByteArray(bytes) => variable(bytes.len())?,
        HeaderValue::String(text) => variable(text.len())?,
    };
    Ok(1 + name + 1 + value)
}

/// Writes a header whose lengths [`encoded_length`] accepted.
fn write_header(header: &Header, out: &mut Vec<u8>) {
    // The casts are lossless: names take at most 255 bytes and values at most 32767.
    out.push(header.name.len() as u8);
    out.extend_from_slice(header.name.as_bytes());
    out.push(header.value.type_id());
    match &header.value {
        HeaderValue::Bool(_) => {}
        HeaderValue::Byte(value) => out.extend_from_slice(&value.to_be_bytes()),
        HeaderValue::Int16(value) => out.extend_from_slice(&value.to_be_bytes()),
        HeaderValue::Int32(value) => out.extend_from_slice(&value.to_be_bytes()),
        HeaderValue::Int64(value) | HeaderValue::Timestamp(value) => out.extend_from_slice(&value.to_be_bytes()),
        HeaderValue::ByteArray(bytes) => {
            out.extend_from_slice(&(bytes.len() as u16).to_be_bytes());
            out.extend_from_slice(bytes);
        }
        HeaderValue::String(text) => {
            out.extend_from_slice(&(text.len() as u16).to_be_bytes());
            out.extend_from_slice(text.as_bytes());
        }
        HeaderValue::Uuid(bytes) => out.extend_from_slice(bytes),
    }
}

/// A stream's incremental decoder: [`push`](Decoder::push) the bytes as they arrive, in chunks
/// of any size, and take each whole message with [`next_message`](Decoder::next_message); at
/// the end of the stream, [`finish`](Decoder::finish) says whether it ended between messages.
///
/// ```
/// use smithy_runtime::event_stream::{encode, Decoder, HeaderValue, Message};
///
/// let event = Message::new(*b"{}").with_header(":event-type", HeaderValue::String("tick".into()));
/// let bytes = encode(&event).unwrap();
/// let mut decoder = Decoder::new();
/// let (first, second) = bytes.split_at(5);
/// decoder.push(first);
/// assert_eq!(decoder.next_message().unwrap(), None);
/// decoder.push(second);
/// assert_eq!(decoder.next_message().unwrap().unwrap().event_type(), Some("tick"));
/// decoder.finish().unwrap();
/// ```
#[derive(Default)]
pub struct Decoder {
    /// Bytes received and not yet decoded, from `start` on.
    buffer: Vec<u8>,
    /// Where the next message starts in `buffer`; the bytes before it are dropped at the next
    /// push rather than moved after every message.
    start: usize,
    /// The stream offset of `buffer[start]`, for errors.
    offset: u64,
    /// The first error, returned again by every later call.
    failed: Option<EventStreamError>,
}

// By hand: the buffered bytes are payload, which has no place in logs.
impl fmt::Debug for Decoder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Decoder")
            .field("buffered", &(self.buffer.len() - self.start))
            .field("offset", &self.offset)
            .field("failed", &self.failed)
            .finish()
    }
}

impl Decoder {
    /// A decoder at the start of a stream.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends the next bytes of the stream. Ignored once decoding has failed.
    pub fn push(&mut self, bytes: &[u8]) {
        if self.failed.is_some() {
            return;
        }
        if self.start > 0 {
            self.buffer.drain(..self.start);
            self.start = 0;
        }
        self.buffer.extend_from_slice(bytes);
    }

    /// The next whole message, or `None` until more bytes are pushed.
    ///
    /// A declared length beyond the limits or a bad prelude CRC fails as soon as the prelude is
    /// in, without waiting for the rest. After an error every call returns it again.
    pub fn next_message(&mut self) -> Result<Option<Message>, EventStreamError> {
        if let Some(error) = &self.failed {
            return Err(error.clone());
        }
        let rest = &self.buffer[self.start..];
        let decoded = match read_prelude(rest) {
            Ok(Some(prelude)) if rest.len() >= prelude.length => {
                read_frame(&rest[..prelude.length], prelude.headers_length).map(|message| (message, prelude.length))
            }
            Ok(_) => return Ok(None),
            Err(kind) => Err(kind),
        };
        match decoded {
            Ok((message, length)) => {
                self.start += length;
                self.offset += length as u64;
                if self.start == self.buffer.len() {
                    self.buffer.clear();
                    self.start = 0;
                }
                Ok(Some(message))
            }
            Err(kind) => {
                let error = EventStreamError { kind, offset: Some(self.offset) };
                self.failed = Some(error.clone());
                // Nothing more will be decoded, so the bytes can go.
                self.buffer = Vec::new();
                self.start = 0;
                Err(error)
            }
        }
    }

    /// At the end of the stream, once [`next_message`](Decoder::next_message) has returned
    /// `None`: fails if bytes of an incomplete message are left (the stream was cut short), or
    /// with the error decoding failed with.
    pub fn finish(&self) -> Result<(), EventStreamError> {
        if let Some(error) = &self.failed {
            return Err(error.clone());
        }
        let rest = &self.buffer[self.start..];
        if rest.is_empty() {
            return Ok(());
        }
        let message_length = read_prelude(rest).ok().flatten().map(|prelude| prelude.length);
        Err(EventStreamError {
            kind: ErrorKind::Truncated { received: rest.len(), message_length },
            offset: Some(self.offset),
        })
    }
}

/// A prelude's lengths, checked against each other and the limits.
struct Prelude {
    length: usize,
    headers_length: usize,
}

/// Reads the prelude at the start of `bytes`: `None` while fewer than its 12 bytes are in.
fn read_prelude(bytes: &[u8]) -> Result<Option<Prelude>, ErrorKind> {
    let Some(prelude) = bytes.get(..PRELUDE_LENGTH) else {
        return Ok(None);
    };
    // The CRC first: lengths from a damaged prelude mean nothing.
    let computed = crc32fast::hash(&prelude[..8]);
    let found = be_u32(prelude, 8);
    if computed != found {
        return Err(ErrorKind::PreludeChecksum { computed, found });
    }
    let length = to_usize(be_u32(prelude, 0));
    let headers_length = to_usize(be_u32(prelude, 4));
    if length < MIN_MESSAGE_LENGTH {
        return Err(ErrorKind::MessageTooShort { length });
    }
    if length > MAX_MESSAGE_LENGTH {
        return Err(ErrorKind::MessageTooLong { length });
    }
    if headers_length > length - MIN_MESSAGE_LENGTH {
        return Err(ErrorKind::HeadersExceedMessage { headers_length, message_length: length });
    }
    if headers_length > MAX_HEADERS_LENGTH {
        return Err(ErrorKind::HeadersTooLong { length: headers_length });
    }
    Ok(Some(Prelude { length, headers_length }))
}

/// Reads a whole frame whose prelude [`read_prelude`] accepted.
fn read_frame(frame: &[u8], headers_length: usize) -> Result<Message, ErrorKind> {
    let crc_at = frame.len() - CRC_LENGTH;
    let computed = crc32fast::hash(&frame[..crc_at]);
    let found = be_u32(frame, crc_at);
    if computed != found {
        return Err(ErrorKind::MessageChecksum { computed, found });
    }
    let headers_end = PRELUDE_LENGTH + headers_length;
    let headers = read_headers(&frame[..headers_end])?;
    Ok(Message { headers, payload: frame[headers_end..crc_at].to_vec() })
}

/// Reads the headers section, `bytes[12..]` (the prelude is kept in front so that offsets
/// count from the start of the message).
fn read_headers(bytes: &[u8]) -> Result<Vec<Header>, ErrorKind> {
    let mut cursor = Cursor { bytes, at: PRELUDE_LENGTH };
    let mut headers = Vec::new();
    while cursor.at < bytes.len() {
        let start = cursor.at;
        let overrun = move || ErrorKind::HeaderOverrun { at: start };
        let [name_length] = cursor.array().ok_or_else(overrun)?;
        if name_length == 0 {
            return Err(ErrorKind::EmptyHeaderName { at: start });
        }
        let name_at = cursor.at;
        let name = cursor.take(usize::from(name_length)).ok_or_else(overrun)?;
        let name = std::str::from_utf8(name).map_err(|_| ErrorKind::HeaderNameNotUtf8 { at: name_at })?;
        let type_at = cursor.at;
        let [type_id] = cursor.array().ok_or_else(overrun)?;
        let value = match type_id {
            TYPE_TRUE => HeaderValue::Bool(true),
            TYPE_FALSE => HeaderValue::Bool(false),
            TYPE_BYTE => HeaderValue::Byte(i8::from_be_bytes(cursor.array().ok_or_else(overrun)?)),
            TYPE_INT16 => HeaderValue::Int16(i16::from_be_bytes(cursor.array().ok_or_else(overrun)?)),
            TYPE_INT32 => HeaderValue::Int32(i32::from_be_bytes(cursor.array().ok_or_else(overrun)?)),
            TYPE_INT64 => HeaderValue::Int64(i64::from_be_bytes(cursor.array().ok_or_else(overrun)?)),
            TYPE_BYTE_ARRAY | TYPE_STRING => {
                let length = u16::from_be_bytes(cursor.array().ok_or_else(overrun)?);
                let value_at = cursor.at;
                let value = cursor.take(usize::from(length)).ok_or_else(overrun)?;
                if type_id == TYPE_STRING {
                    let text = std::str::from_utf8(value).map_err(|_| ErrorKind::StringNotUtf8 { at: value_at })?;
                    HeaderValue::String(text.to_owned())
                } else {
                    HeaderValue::ByteArray(value.to_vec())
                }
            }
            TYPE_TIMESTAMP => HeaderValue::Timestamp(i64::from_be_bytes(cursor.array().ok_or_else(overrun)?)),
            TYPE_UUID => HeaderValue::Uuid(cursor.array().ok_or_else(overrun)?),
            _ => return Err(ErrorKind::UnknownHeaderType { type_id, at: type_at }),
        };
        headers.push(Header { name: name.to_owned(), value });
    }
    Ok(headers)
}

/// Reads forward through a header section, never past its end.
struct Cursor<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Cursor<'a> {
    fn take(&mut self, length: usize) -> Option<&'a [u8]> {
        let end = self.at.checked_add(length)?;
        let taken = self.bytes.get(self.at..end)?;
        self.at = end;
        Some(taken)
    }

    fn array<const N: usize>(&mut self) -> Option<[u8; N]> {
        self.take(N)?.try_into().ok()
    }
}

/// The big-endian u32 at `bytes[at..at + 4]`, which the caller knows is there.
fn be_u32(bytes: &[u8], at: usize) -> u32 {
    u32::from_be_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]])
}

/// A declared length as a `usize`; where that is narrower than 32 bits, a length it cannot hold
/// saturates, and so fails as too long.
fn to_usize(length: u32) -> usize {
    usize::try_from(length).unwrap_or(usize::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_rng::Rng;
    use aws_smithy_eventstream::frame::{read_message_from, write_message_to};
    use aws_smithy_types::event_stream::{
        Header as ReferenceHeader, HeaderValue as ReferenceValue, Message as ReferenceMessage,
    };

    /// Every header type, with extreme values.
    fn every_type() -> Message {
        Message::new(*b"some payload")
            .with_header("true", HeaderValue::Bool(true))
            .with_header("false", HeaderValue::Bool(false))
            .with_header("byte", HeaderValue::Byte(i8::MIN))
            .with_header("short", HeaderValue::Int16(i16::MIN))
            .with_header("int", HeaderValue::Int32(i32::MAX))
            .with_header("long", HeaderValue::Int64(i64::MIN))
            .with_header("bytes", HeaderValue::ByteArray(vec![0, 0xff, 7]))
            .with_header("empty bytes", HeaderValue::ByteArray(Vec::new()))
            .with_header("str", HeaderValue::String("h\u{e9}llo \u{1f600}".into()))
            .with_header("empty str", HeaderValue::String(String::new()))
            .with_header("time", HeaderValue::Timestamp(i64::MIN))
            .with_header("later", HeaderValue::Timestamp(i64::MAX))
            .with_header("uuid", HeaderValue::Uuid([0xab; 16]))
            .with_header("n\u{e9}".repeat(85), HeaderValue::Bool(true))
    }

    /// A frame around a headers section and payload, with the right lengths and CRCs.
    fn frame(headers: &[u8], payload: &[u8]) -> Vec<u8> {
        let length = MIN_MESSAGE_LENGTH + headers.len() + payload.len();
        let mut out = prelude(length as u32, headers.len() as u32);
        out.extend_from_slice(headers);
        out.extend_from_slice(payload);
        let crc = crc32fast::hash(&out);
        out.extend_from_slice(&crc.to_be_bytes());
        out
    }

    /// A prelude with a right CRC, whatever its lengths.
    fn prelude(length: u32, headers_length: u32) -> Vec<u8> {
        let mut out = length.to_be_bytes().to_vec();
        out.extend_from_slice(&headers_length.to_be_bytes());
        let crc = crc32fast::hash(&out);
        out.extend_from_slice(&crc.to_be_bytes());
        out
    }

    /// Decodes `bytes` (one frame, whole or cut) every way: `decode`, a decoder given it all
    /// at once and one given it a byte at a time.
    fn reject(bytes: &[u8]) -> ErrorKind {
        let error = decode(bytes).unwrap_err();
        assert_eq!(error.offset(), Some(0));
        let mut whole = Decoder::new();
        whole.push(bytes);
        assert_eq!(whole.next_message().unwrap_err(), error);
        let mut bytewise = Decoder::new();
        let mut outcome = Ok(None);
        for byte in bytes {
            bytewise.push(std::slice::from_ref(byte));
            outcome = bytewise.next_message();
            if outcome.is_err() {
                break;
            }
        }
        assert_eq!(outcome.unwrap_err(), error);
        error.kind
    }

    #[test]
    fn every_header_type_round_trips() {
        let message = every_type();
        let bytes = encode(&message).unwrap();
        assert_eq!(decode(&bytes).unwrap(), message);

        let longest = Message::new(Vec::new())
            .with_header("n".repeat(255), HeaderValue::String("s".repeat(MAX_HEADER_VALUE_LENGTH)))
            .with_header("b", HeaderValue::ByteArray(vec![9; MAX_HEADER_VALUE_LENGTH]));
        assert_eq!(decode(&encode(&longest).unwrap()).unwrap(), longest);
        assert_eq!(decode(&encode(&Message::default()).unwrap()).unwrap(), Message::default());
    }

    #[test]
    fn a_read_takes_the_whole_two_byte_value_length() {
        let mut headers = vec![1, b'h', TYPE_BYTE_ARRAY, 0xff, 0xff];
        headers.resize(headers.len() + usize::from(u16::MAX), 3);
        let message = decode(&frame(&headers, b"")).unwrap();
        assert_eq!(message.header("h").and_then(HeaderValue::as_byte_array).map(<[u8]>::len), Some(65_535));
    }

    #[test]
    fn known_vectors() {
        // aws-c-event-stream's deserializer tests.
        let no_headers: &[u8] = &[
            0x00, 0x00, 0x00, 0x1d, 0x00, 0x00, 0x00, 0x00, 0xfd, 0x52, 0x8c, 0x5a, b'{', b'\'', b'f', b'o', b'o',
            b'\'', b':', b'\'', b'b', b'a', b'r', b'\'', b'}', 0xc3, 0x65, 0x39, 0x36,
        ];
        assert_eq!(encode(&Message::new(*b"{'foo':'bar'}")).unwrap(), no_headers);
        let mut one_header = vec![0x00, 0x00, 0x00, 0x3d, 0x00, 0x00, 0x00, 0x20, 0x07, 0xfd, 0x83, 0x96, 0x0c];
        one_header.extend_from_slice(b"content-type\x07\x00\x10application/json{'foo':'bar'}");
        one_header.extend_from_slice(&[0x8d, 0x9c, 0x08, 0xb1]);
        let message =
            Message::new(*b"{'foo':'bar'}").with_header("content-type", HeaderValue::String("application/json".into()));
        assert_eq!(encode(&message).unwrap(), one_header);
        assert_eq!(decode(&one_header).unwrap(), message);

        // aws-smithy-eventstream's test data: `valid_no_headers`, `valid_empty_payload`.
        let mut bytes = vec![0x00, 0x00, 0x00, 0x24, 0x00, 0x00, 0x00, 0x00, 0x51, 0x63, 0x56, 0xad];
        bytes.extend_from_slice(b"another test payload");
        bytes.extend_from_slice(&[0x8d, 0xf8, 0x0e, 0x65]);
        assert_eq!(encode(&Message::new(*b"another test payload")).unwrap(), bytes);
        let mut bytes = vec![0x00, 0x00, 0x00, 0x1f, 0x00, 0x00, 0x00, 0x0f, 0x17, 0x2d, 0xc2, 0xab, 0x0b];
        bytes.extend_from_slice(b"some-header\x03\x01\xf4");
        bytes.extend_from_slice(&[0x93, 0x3c, 0x5c, 0xad]);
        let message = Message::new(Vec::new()).with_header("some-header", HeaderValue::Int16(500));
        assert_eq!(encode(&message).unwrap(), bytes);
        assert_eq!(decode(&bytes).unwrap(), message);

        // And `valid_with_all_headers_and_payload`, pinned by its lengths and both CRCs.
        let message = Message::new(*b"some payload")
            .with_header("true", HeaderValue::Bool(true))
            .with_header("false", HeaderValue::Bool(false))
            .with_header("byte", HeaderValue::Byte(50))
            .with_header("short", HeaderValue::Int16(20_000))
            .with_header("int", HeaderValue::Int32(500_000))
            .with_header("long", HeaderValue::Int64(50_000_000_000))
            .with_header("bytes", HeaderValue::ByteArray(b"some bytes".to_vec()))
            .with_header("str", HeaderValue::String("some str".into()))
            .with_header("time", HeaderValue::Timestamp(5_000_000_000))
            .with_header("uuid", HeaderValue::Uuid(0xb79b_c914_de21_4e13_b8b2_bc47_e85b_7f0b_u128.to_be_bytes()));
        let bytes = encode(&message).unwrap();
        assert_eq!(bytes[..12], [0x00, 0x00, 0x00, 0x96, 0x00, 0x00, 0x00, 0x7a, 0x8b, 0xb4, 0x95, 0xfb]);
        assert_eq!(bytes[146..], [0x01, 0xa0, 0x58, 0x60]);
    }

    #[test]
    fn decodes_fed_one_byte_at_a_time() {
        let messages = [every_type(), Message::default(), Message::new(*b"last")];
        let mut stream = Vec::new();
        let mut ends = Vec::new();
        for message in &messages {
            stream.extend_from_slice(&encode(message).unwrap());
            ends.push(stream.len());
        }
        let mut decoder = Decoder::new();
        let mut decoded = Vec::new();
        for (index, byte) in stream.iter().enumerate() {
            decoder.push(std::slice::from_ref(byte));
            match decoder.next_message().unwrap() {
                Some(message) => {
                    // Exactly when its last byte is in.
                    assert_eq!(ends[decoded.len()], index + 1);
                    decoded.push(message);
                }
                None => assert!(!ends.contains(&(index + 1)), "nothing decoded at byte {index}"),
            }
        }
        assert_eq!(decoded, messages);
        decoder.finish().unwrap();
    }

    #[test]
    fn decodes_fed_random_chunks() {
        let mut rng = Rng::new("decodes_fed_random_chunks");
        for _ in 0..50 {
            let messages: Vec<Message> = (0..rng.below(6)).map(|_| random_message(&mut rng)).collect();
            let stream: Vec<u8> = messages.iter().flat_map(|message| encode(message).unwrap()).collect();
            let mut decoder = Decoder::new();
            let mut decoded = Vec::new();
            let mut rest = &stream[..];
            while !rest.is_empty() {
                let (chunk, tail) = rest.split_at((rng.below(40) as usize + 1).min(rest.len()));
                rest = tail;
                decoder.push(chunk);
                while let Some(message) = decoder.next_message().unwrap() {
                    decoded.push(message);
                }
            }
            assert_eq!(decoded, messages);
            decoder.finish().unwrap();
        }
    }

    #[test]
    fn bad_checksums() {
        let good = encode(&every_type()).unwrap();
        let prelude_crc = be_u32(&good, 8);
        let mut bytes = good.clone();
        bytes[8] ^= 0x80;
        assert_eq!(
            reject(&bytes),
            ErrorKind::PreludeChecksum { computed: prelude_crc, found: prelude_crc ^ 0x8000_0000 }
        );
        // A damaged length is caught by the prelude CRC before it is believed.
        let mut bytes = good.clone();
        bytes[1] = 0xff;
        assert!(matches!(reject(&bytes), ErrorKind::PreludeChecksum { .. }));

        let message_crc = be_u32(&good, good.len() - 4);
        for at in [12, 40, good.len() - 5, good.len() - 1] {
            let mut bytes = good.clone();
            bytes[at] ^= 1;
            let computed = crc32fast::hash(&bytes[..good.len() - 4]);
            let found = be_u32(&bytes, good.len() - 4);
            assert_eq!(reject(&bytes), ErrorKind::MessageChecksum { computed, found }, "byte {at}");
            // Either the bytes or the CRC changed, not both.
            assert!(computed == message_crc || found == message_crc);
        }
    }

    #[test]
    fn total_length_out_of_bounds() {
        for length in [0, 1, 15] {
            assert_eq!(reject(&prelude(length, 0)), ErrorKind::MessageTooShort { length: length as usize });
        }
        for length in [MAX_MESSAGE_LENGTH as u32 + 1, u32::MAX] {
            assert_eq!(reject(&prelude(length, 0)), ErrorKind::MessageTooLong { length: length as usize });
        }
    }

    #[test]
    fn headers_length_out_of_bounds() {
        assert_eq!(
            reject(&prelude(100, 85)),
            ErrorKind::HeadersExceedMessage { headers_length: 85, message_length: 100 }
        );
        assert_eq!(
            reject(&prelude(16, u32::MAX)),
            ErrorKind::HeadersExceedMessage { headers_length: u32::MAX as usize, message_length: 16 }
        );
        assert_eq!(reject(&prelude(200_000, 131_073)), ErrorKind::HeadersTooLong { length: 131_073 });
        // At the limits, the prelude is fine and the decoder waits for the rest.
        let mut decoder = Decoder::new();
        decoder.push(&prelude(MAX_MESSAGE_LENGTH as u32, MAX_HEADERS_LENGTH as u32));
        assert_eq!(decoder.next_message(), Ok(None));
    }

    #[test]
    fn headers_running_past_their_section() {
        let overrun = ErrorKind::HeaderOverrun { at: 12 };
        // The payload after the section must not be read as the rest of a header.
        let payload = b"plenty of payload bytes to overrun into";
        assert_eq!(reject(&frame(&[5, b'a', b'b'], payload)), overrun);
        assert_eq!(reject(&frame(&[1, b'a'], payload)), overrun);
        assert_eq!(reject(&frame(&[1], payload)), overrun);
        assert_eq!(reject(&frame(&[1, b'h', TYPE_STRING, 0, 10, b'x'], payload)), overrun);
        assert_eq!(reject(&frame(&[1, b'h', TYPE_BYTE_ARRAY, 0], payload)), overrun);
        for (type_id, width) in
            [(TYPE_BYTE, 1), (TYPE_INT16, 2), (TYPE_INT32, 4), (TYPE_INT64, 8), (TYPE_TIMESTAMP, 8), (TYPE_UUID, 16)]
        {
            let mut headers = vec![1, b'h', type_id];
            headers.resize(3 + width - 1, 0);
            assert_eq!(reject(&frame(&headers, payload)), overrun, "type {type_id}");
            // And exactly wide enough is fine.
            headers.push(0);
            assert_eq!(decode(&frame(&headers, payload)).unwrap().headers.len(), 1);
        }
        // The offset is the failing header's, after a good one.
        assert_eq!(reject(&frame(&[1, b'a', TYPE_TRUE, 3, b'b'], payload)), ErrorKind::HeaderOverrun { at: 15 });
    }

    #[test]
    fn malformed_headers() {
        assert_eq!(reject(&frame(&[0, TYPE_TRUE], b"")), ErrorKind::EmptyHeaderName { at: 12 });
        for type_id in [10, 0x60, 0xff] {
            assert_eq!(reject(&frame(&[1, b'h', type_id], b"")), ErrorKind::UnknownHeaderType { type_id, at: 14 });
        }
        assert_eq!(reject(&frame(&[2, 0xff, 0xfe, TYPE_TRUE], b"")), ErrorKind::HeaderNameNotUtf8 { at: 13 });
        assert_eq!(reject(&frame(&[1, b'h', TYPE_STRING, 0, 2, 0xc3, 0x28], b"")), ErrorKind::StringNotUtf8 { at: 17 });
        // A byte array takes any bytes.
        let message = decode(&frame(&[1, b'h', TYPE_BYTE_ARRAY, 0, 2, 0xc3, 0x28], b"")).unwrap();
        assert_eq!(message.header("h"), Some(&HeaderValue::ByteArray(vec![0xc3, 0x28])));
    }

    #[test]
    fn truncated_streams_and_trailing_bytes() {
        let bytes = encode(&every_type()).unwrap();
        let mut decoder = Decoder::new();
        decoder.finish().unwrap();
        decoder.push(&bytes[..5]);
        assert_eq!(decoder.next_message(), Ok(None));
        let error = decoder.finish().unwrap_err();
        assert_eq!(error.kind(), &ErrorKind::Truncated { received: 5, message_length: None });
        decoder.push(&bytes[5..40]);
        assert_eq!(decoder.next_message(), Ok(None));
        assert_eq!(
            decoder.finish().unwrap_err().kind(),
            &ErrorKind::Truncated { received: 40, message_length: Some(bytes.len()) }
        );
        decoder.push(&bytes[40..]);
        decoder.push(&bytes[..3]);
        assert!(decoder.next_message().unwrap().is_some());
        let error = decoder.finish().unwrap_err();
        assert_eq!(error.kind(), &ErrorKind::Truncated { received: 3, message_length: None });
        assert_eq!(error.offset(), Some(bytes.len() as u64));

        assert_eq!(
            decode(&bytes[..bytes.len() - 1]).unwrap_err().kind(),
            &ErrorKind::Truncated { received: bytes.len() - 1, message_length: Some(bytes.len()) }
        );
        let mut two = bytes.clone();
        two.extend_from_slice(&bytes);
        assert_eq!(decode(&two).unwrap_err().kind(), &ErrorKind::TrailingBytes { length: bytes.len() });
    }

    #[test]
    fn a_failed_decoder_stays_failed() {
        let good = encode(&Message::new(*b"fine")).unwrap();
        let mut bad = good.clone();
        *bad.last_mut().unwrap() ^= 1;
        let mut decoder = Decoder::new();
        decoder.push(&good);
        decoder.push(&bad);
        assert_eq!(decoder.next_message().unwrap(), Some(Message::new(*b"fine")));
        let error = decoder.next_message().unwrap_err();
        assert_eq!(error.offset(), Some(good.len() as u64));
        decoder.push(&good);
        assert_eq!(decoder.next_message().unwrap_err(), error);
        assert_eq!(decoder.finish().unwrap_err(), error);
        assert_eq!(decoder.buffer.capacity(), 0);
    }

    #[test]
    fn a_declared_length_allocates_nothing() {
        let mut decoder = Decoder::new();
        let mut bytes = prelude(MAX_MESSAGE_LENGTH as u32, 0);
        bytes.extend_from_slice(&[0; 20]);
        for byte in &bytes {
            decoder.push(std::slice::from_ref(byte));
            assert_eq!(decoder.next_message(), Ok(None));
        }
        assert!(decoder.buffer.capacity() <= 64, "{}", decoder.buffer.capacity());
        let mut decoder = Decoder::new();
        decoder.push(&bytes);
        assert_eq!(decoder.next_message(), Ok(None));
        assert!(decoder.buffer.capacity() <= 64, "{}", decoder.buffer.capacity());
        assert_eq!(
            decoder.finish().unwrap_err().kind(),
            &ErrorKind::Truncated { received: 32, message_length: Some(MAX_MESSAGE_LENGTH) }
        );
    }

    #[test]
    fn encode_refuses_what_does_not_fit() {
        let refuse = |message: &Message| {
            let error = encode(message).unwrap_err();
            assert_eq!(error.offset(), None);
            error.kind
        };
        let header = |name: String, value| {
            Message::new(Vec::new()).with_header("ok", HeaderValue::Bool(true)).with_header(name, value)
        };
        assert_eq!(
            refuse(&header(String::new(), HeaderValue::Bool(true))),
            ErrorKind::InvalidHeaderName { index: 1, length: 0 }
        );
        assert_eq!(
            refuse(&header("n".repeat(256), HeaderValue::Bool(true))),
            ErrorKind::InvalidHeaderName { index: 1, length: 256 }
        );
        // Bytes, not characters.
        assert_eq!(
            refuse(&header("\u{e9}".repeat(128), HeaderValue::Bool(true))),
            ErrorKind::InvalidHeaderName { index: 1, length: 256 }
        );
        let too_long = MAX_HEADER_VALUE_LENGTH + 1;
        assert_eq!(
            refuse(&header("s".into(), HeaderValue::String("s".repeat(too_long)))),
            ErrorKind::HeaderValueTooLong { index: 1, length: too_long }
        );
        // A length the two-byte field would wrap to 0 (and so smuggle its bytes in as headers).
        assert_eq!(
            refuse(&header("b".into(), HeaderValue::ByteArray(vec![1; 1 << 16]))),
            ErrorKind::HeaderValueTooLong { index: 1, length: 1 << 16 }
        );

        // Four of the longest byte arrays take 4 * 32772 bytes, just past 128 KiB; three and a
        // shorter one fill it exactly.
        let mut message = Message::default();
        for name in ["a", "b", "c"] {
            message = message.with_header(name, HeaderValue::ByteArray(vec![0; MAX_HEADER_VALUE_LENGTH]));
        }
        let exact =
            message.clone().with_header("d", HeaderValue::ByteArray(vec![0; MAX_HEADERS_LENGTH - 3 * 32_772 - 5]));
        assert_eq!(decode(&encode(&exact).unwrap()).unwrap(), exact);
        let over = message.with_header("d", HeaderValue::ByteArray(vec![0; MAX_HEADER_VALUE_LENGTH]));
        assert_eq!(refuse(&over), ErrorKind::HeadersTooLong { length: 4 * 32_772 });

        let largest = Message::new(vec![0; MAX_MESSAGE_LENGTH - MIN_MESSAGE_LENGTH]);
        let bytes = encode(&largest).unwrap();
        assert_eq!(bytes.len(), MAX_MESSAGE_LENGTH);
        assert_eq!(decode(&bytes).unwrap(), largest);
        let too_large = Message::new(vec![0; MAX_MESSAGE_LENGTH - MIN_MESSAGE_LENGTH + 1]);
        assert_eq!(refuse(&too_large), ErrorKind::MessageTooLong { length: MAX_MESSAGE_LENGTH + 1 });
    }

    #[test]
    fn accessors() {
        let event = Message::new(*b"{}")
            .with_header(":message-type", HeaderValue::String("event".into()))
            .with_header(":event-type", HeaderValue::String("Transcript".into()))
            .with_header(":content-type", HeaderValue::String("application/json".into()))
            .with_header(":event-type", HeaderValue::String("ignored: the first one counts".into()));
        assert_eq!(event.message_type(), Some("event"));
        assert_eq!(event.event_type(), Some("Transcript"));
        assert_eq!(event.content_type(), Some("application/json"));
        assert_eq!(event.exception_type(), None);
        let error = Message::default()
            .with_header(":message-type", HeaderValue::String("error".into()))
            .with_header(":error-code", HeaderValue::String("InternalError".into()))
            .with_header(":error-message", HeaderValue::String("An internal error occurred.".into()))
            .with_header(":exception-type", HeaderValue::Int32(1));
        assert_eq!(error.error_code(), Some("InternalError"));
        assert_eq!(error.error_message(), Some("An internal error occurred."));
        // Not a string, so not an exception type.
        assert_eq!(error.exception_type(), None);

        let message = every_type();
        let get = |name| message.header(name).unwrap();
        assert_eq!(get("true").as_bool(), Some(true));
        assert_eq!(get("byte").as_byte(), Some(i8::MIN));
        assert_eq!(get("short").as_int16(), Some(i16::MIN));
        assert_eq!(get("int").as_int32(), Some(i32::MAX));
        assert_eq!(get("long").as_int64(), Some(i64::MIN));
        assert_eq!(get("bytes").as_byte_array(), Some(&[0, 0xff, 7][..]));
        assert_eq!(get("str").as_str(), Some("h\u{e9}llo \u{1f600}"));
        assert_eq!(get("uuid").as_uuid(), Some([0xab; 16]));
        assert_eq!(
            HeaderValue::Timestamp(1_576_540_098_520).as_timestamp(),
            Some(DateTime::from_millis(1_576_540_098_520))
        );
        assert_eq!(get("long").as_int32(), None);
        assert_eq!(get("str").as_byte_array(), None);
        assert_eq!(get("bytes").as_str(), None);
        assert_eq!(get("int").as_timestamp(), None);
        assert_eq!(message.header("absent"), None);
    }

    #[test]
    fn errors_say_what_and_where_never_the_contents() {
        let mut headers = vec![1, b'h', TYPE_STRING, 0, 7];
        headers.extend_from_slice(b"SECRET\xff");
        let error = decode(&frame(&headers, b"PAYLOAD")).unwrap_err();
        assert_eq!(
            error.to_string(),
            "invalid event stream message at byte 0: the string header value at byte 17 is not UTF-8"
        );
        let error = decode(&prelude(100, 0)[..]).unwrap_err();
        assert_eq!(
            error.to_string(),
            "invalid event stream message at byte 0: the stream ended after 12 of the message's 100 bytes"
        );
        let mut bytes = prelude(16, 0);
        bytes[8] ^= 1;
        assert!(decode(&bytes).unwrap_err().to_string().contains("the prelude CRC-32 is 0x"));
        let error =
            encode(&Message::default().with_header("x", HeaderValue::String("SECRET".repeat(6000)))).unwrap_err();
        assert_eq!(
            error.to_string(),
            "event stream message: header 0 has a value of 36000 bytes; string and byte array values take at most 32767"
        );
        let mut decoder = Decoder::new();
        decoder.push(&encode(&Message::new(*b"SECRET")).unwrap()[..20]);
        assert!(!format!("{decoder:?}").contains("83"), "{decoder:?}");
        assert_eq!(format!("{decoder:?}"), "Decoder { buffered: 20, offset: 0, failed: None }");
    }

    pub(super) fn to_reference(message: &Message) -> ReferenceMessage {
        let headers = message.headers.iter().map(|header| {
            let value = match &header.value {
                HeaderValue::Bool(value) => ReferenceValue::Bool(*value),
                HeaderValue::Byte(value) => ReferenceValue::Byte(*value),
                HeaderValue::Int16(value) => ReferenceValue::Int16(*value),
                HeaderValue::Int32(value) => ReferenceValue::Int32(*value),
                HeaderValue::Int64(value) => ReferenceValue::Int64(*value),
                HeaderValue::ByteArray(value) => ReferenceValue::ByteArray(value.clone().into()),
                HeaderValue::String(value) => ReferenceValue::String(value.clone().into()),
                HeaderValue::Timestamp(millis) => {
                    ReferenceValue::Timestamp(aws_smithy_types::DateTime::from_millis(*millis))
                }
                HeaderValue::Uuid(value) => ReferenceValue::Uuid(u128::from_be_bytes(*value)),
            };
            ReferenceHeader::new(header.name.clone(), value)
        });
        ReferenceMessage::new_from_parts(headers.collect(), message.payload.clone())
    }

    pub(super) fn from_reference(message: &ReferenceMessage) -> Message {
        let headers = message.headers().iter().map(|header| {
            let value = match header.value() {
                ReferenceValue::Bool(value) => HeaderValue::Bool(*value),
                ReferenceValue::Byte(value) => HeaderValue::Byte(*value),
                ReferenceValue::Int16(value) => HeaderValue::Int16(*value),
                ReferenceValue::Int32(value) => HeaderValue::Int32(*value),
                ReferenceValue::Int64(value) => HeaderValue::Int64(*value),
                ReferenceValue::ByteArray(value) => HeaderValue::ByteArray(value.to_vec()),
                ReferenceValue::String(value) => HeaderValue::String(value.as_str().to_owned()),
                ReferenceValue::Timestamp(time) => HeaderValue::Timestamp(time.to_millis().unwrap()),
                ReferenceValue::Uuid(value) => HeaderValue::Uuid(value.to_be_bytes()),
                other => panic!("a header value type this test does not know: {other:?}"),
            };
            Header::new(header.name().as_str(), value)
        });
        Message { headers: headers.collect(), payload: message.payload().to_vec() }
    }

    fn random_message(rng: &mut Rng) -> Message {
        let bytes = |rng: &mut Rng, most: u64| -> Vec<u8> { (0..rng.below(most)).map(|_| rng.next() as u8).collect() };
        let mut message = Message::new(bytes(rng, 64));
        for index in 0..rng.below(8) {
            let value = match rng.below(10) {
                0 => HeaderValue::Bool(true),
                1 => HeaderValue::Bool(false),
                2 => HeaderValue::Byte(rng.next() as i8),
                3 => HeaderValue::Int16(rng.next() as i16),
                4 => HeaderValue::Int32(rng.next() as i32),
                5 => HeaderValue::Int64(rng.next() as i64),
                6 => HeaderValue::ByteArray(bytes(rng, 40)),
                7 => HeaderValue::String(rng.string()),
                // Within what the reference's `DateTime` round-trips through milliseconds.
                8 => HeaderValue::Timestamp((rng.next() >> 12) as i64 - (1 << 51)),
                _ => HeaderValue::Uuid((u128::from(rng.next()) << 64 | u128::from(rng.next())).to_be_bytes()),
            };
            message = message.with_header(format!("{}{index}", rng.string()), value);
        }
        message
    }

    #[test]
    fn random_messages_match_the_reference_byte_for_byte() {
        let mut rng = Rng::new("random_messages_match_the_reference_byte_for_byte");
        let mut messages = vec![every_type()];
        messages.extend((0..500).map(|_| random_message(&mut rng)));
        for message in messages {
            let ours = encode(&message).unwrap();
            let mut theirs = Vec::new();
            write_message_to(&to_reference(&message), &mut theirs).unwrap();
            assert_eq!(ours, theirs, "{message:?}");
            assert_eq!(from_reference(&read_message_from(&mut &ours[..]).unwrap()), message);
            assert_eq!(decode(&theirs).unwrap(), message);
        }
    }

    #[test]
    fn damaged_headers_are_judged_as_the_reference_judges_them() {
        let mut rng = Rng::new("damaged_headers_are_judged_as_the_reference_judges_them");
        let (mut accepted, mut rejected) = (0, 0);
        while accepted + rejected < 3000 {
            let message = random_message(&mut rng);
            let mut bytes = encode(&message).unwrap();
            let headers_end = PRELUDE_LENGTH + to_usize(be_u32(&bytes, 4));
            if headers_end == PRELUDE_LENGTH {
                continue;
            }
            // Damage header bytes, then mend the message CRC so that the headers are read.
            for _ in 0..=rng.below(2) {
                let at = PRELUDE_LENGTH + rng.below((headers_end - PRELUDE_LENGTH) as u64) as usize;
                bytes[at] = match rng.below(3) {
                    0 => rng.next() as u8,
                    1 => bytes[at].wrapping_add(1),
                    _ => bytes[at].wrapping_sub(1),
                };
            }
            let crc_at = bytes.len() - CRC_LENGTH;
            let crc = crc32fast::hash(&bytes[..crc_at]);
            bytes[crc_at..].copy_from_slice(&crc.to_be_bytes());

            let theirs = read_message_from(&mut &bytes[..]);
            match decode(&bytes) {
                Ok(ours) => {
                    assert_eq!(from_reference(&theirs.unwrap()), ours);
                    accepted += 1;
                }
                // The specification's names take at least a byte; the reference lets empty ones by.
                Err(error) if matches!(error.kind(), ErrorKind::EmptyHeaderName { .. }) => {}
                Err(error) => {
                    assert!(theirs.is_err(), "we refuse with {error}, the reference accepts {bytes:?}");
                    rejected += 1;
                }
            }
        }
        assert!(accepted > 100 && rejected > 100, "{accepted} accepted, {rejected} rejected");
    }
}
