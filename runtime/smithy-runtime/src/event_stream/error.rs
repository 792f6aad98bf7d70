//! Why event-stream messages cannot be encoded, decoded or signed: the kind of fault, and for
//! a decoding error where in the stream the message at fault starts.

use std::fmt;

use super::{
    MAX_HEADERS_LENGTH, MAX_HEADER_NAME_LENGTH, MAX_HEADER_VALUE_LENGTH, MAX_MESSAGE_LENGTH, MIN_MESSAGE_LENGTH,
    PRELUDE_LENGTH,
};

/// Why a message could not be encoded, decoded or signed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventStreamError {
    pub(super) kind: ErrorKind,
    pub(super) offset: Option<u64>,
}

impl EventStreamError {
    /// What is wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }

    /// For a decoding error, where the message at fault starts: the number of bytes of the
    /// stream before it. `None` for encoding and signing errors.
    pub fn offset(&self) -> Option<u64> {
        self.offset
    }
}

impl fmt::Display for EventStreamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.offset {
            Some(offset) => write!(f, "invalid event stream message at byte {offset}: {}", self.kind),
            None => write!(f, "event stream message: {}", self.kind),
        }
    }
}

impl std::error::Error for EventStreamError {}

/// The kinds of [`EventStreamError`]. Offsets named `at` count bytes from the start of the
/// message, prelude included.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The prelude's CRC-32 is not that of its first 8 bytes.
    PreludeChecksum {
        /// The CRC-32 of the bytes.
        computed: u32,
        /// The CRC-32 the frame carries.
        found: u32,
    },
    /// The message's CRC-32 is not that of the bytes before it.
    MessageChecksum {
        /// The CRC-32 of the bytes.
        computed: u32,
        /// The CRC-32 the frame carries.
        found: u32,
    },
    /// The total length is below the 16 bytes of a prelude and a message CRC.
    MessageTooShort {
        /// The declared total length.
        length: usize,
    },
    /// The message takes more than 16 MiB.
    MessageTooLong {
        /// The declared or encoded total length.
        length: usize,
    },
    /// The headers take more than 128 KiB.
    HeadersTooLong {
        /// The declared or encoded headers length.
        length: usize,
    },
    /// The headers length leaves no room for the prelude and message CRC in the total length.
    HeadersExceedMessage {
        /// The declared headers length.
        headers_length: usize,
        /// The declared total length.
        message_length: usize,
    },
    /// A header's name, type or value runs past the end of the headers section.
    HeaderOverrun {
        /// Where the header starts.
        at: usize,
    },
    /// A header name of 0 bytes.
    EmptyHeaderName {
        /// Where the header starts.
        at: usize,
    },
    /// A header name that is not UTF-8.
    HeaderNameNotUtf8 {
        /// Where the name starts.
        at: usize,
    },
    /// A string header value that is not UTF-8.
    StringNotUtf8 {
        /// Where the value's bytes start.
        at: usize,
    },
    /// A value type other than the ten of the specification (0 to 9).
    UnknownHeaderType {
        /// The type byte.
        type_id: u8,
        /// Where the type byte is.
        at: usize,
    },
    /// The stream ended inside a message.
    Truncated {
        /// The bytes of the message received.
        received: usize,
        /// Its declared total length, once the prelude was in.
        message_length: Option<usize>,
    },
    /// More bytes follow the one message [`decode`](super::decode) takes.
    TrailingBytes {
        /// How many.
        length: usize,
    },
    /// A header name to encode is empty or longer than 255 bytes.
    InvalidHeaderName {
        /// The header's position in [`Message::headers`](super::Message::headers).
        index: usize,
        /// The name's length in bytes.
        length: usize,
    },
    /// A string or byte array value to encode is longer than 32767 bytes.
    HeaderValueTooLong {
        /// The header's position in [`Message::headers`](super::Message::headers).
        index: usize,
        /// The value's length in bytes.
        length: usize,
    },
    /// The signing time is before 1970, or too far ahead for a millisecond timestamp header.
    #[cfg(feature = "client")]
    InvalidSigningTime,
    /// A message lacks a header every message of its type has (`:message-type`, `:event-type`,
    /// `:exception-type`, `:error-code`).
    MissingHeader {
        /// The header's name.
        name: &'static str,
    },
    /// A header has a value of the wrong type.
    InvalidHeader {
        /// The header's name.
        name: &'static str,
        /// The type it must have.
        expected: &'static str,
    },
    /// A `:message-type` other than `event`, `exception` and `error`.
    UnknownMessageType {
        /// The message type received.
        message_type: String,
    },
    /// A payload that does not read as its event's shape, or an event that cannot be written.
    Payload {
        /// What is wrong.
        message: String,
    },
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ErrorKind::PreludeChecksum { computed, found } => {
                write!(f, "the prelude CRC-32 is {found:#010x}, its bytes give {computed:#010x}")
            }
            ErrorKind::MessageChecksum { computed, found } => {
                write!(f, "the message CRC-32 is {found:#010x}, its bytes give {computed:#010x}")
            }
            ErrorKind::MessageTooShort { length } => write!(
                f,
                "a total length of {length} bytes is below the {MIN_MESSAGE_LENGTH} of a prelude and message CRC"
            ),
            ErrorKind::MessageTooLong { length } => {
                write!(f, "a message of {length} bytes exceeds the limit of {MAX_MESSAGE_LENGTH}")
            }
            ErrorKind::HeadersTooLong { length } => {
                write!(f, "headers of {length} bytes exceed the limit of {MAX_HEADERS_LENGTH}")
            }
            ErrorKind::HeadersExceedMessage { headers_length, message_length } => {
                write!(f, "a headers length of {headers_length} bytes does not fit a message of {message_length} bytes")
            }
            ErrorKind::HeaderOverrun { at } => {
                write!(f, "the header at byte {at} runs past the end of the headers")
            }
            ErrorKind::EmptyHeaderName { at } => write!(f, "the header at byte {at} has an empty name"),
            ErrorKind::HeaderNameNotUtf8 { at } => write!(f, "the header name at byte {at} is not UTF-8"),
            ErrorKind::StringNotUtf8 { at } => write!(f, "the string header value at byte {at} is not UTF-8"),
            ErrorKind::UnknownHeaderType { type_id, at } => {
                write!(f, "unknown header value type {type_id} at byte {at}")
            }
            ErrorKind::Truncated { received, message_length: Some(length) } => {
                write!(f, "the stream ended after {received} of the message's {length} bytes")
            }
            ErrorKind::Truncated { received, message_length: None } => {
                write!(f, "the stream ended after {received} bytes of a message's {PRELUDE_LENGTH}-byte prelude")
            }
            ErrorKind::TrailingBytes { length } => write!(f, "{length} bytes follow the message"),
            ErrorKind::InvalidHeaderName { index, length } => {
                write!(f, "header {index} has a name of {length} bytes; names take 1 to {MAX_HEADER_NAME_LENGTH}")
            }
            ErrorKind::HeaderValueTooLong { index, length } => write!(
                f,
                "header {index} has a value of {length} bytes; string and byte array values take at most \
                 {MAX_HEADER_VALUE_LENGTH}"
            ),
            #[cfg(feature = "client")]
            ErrorKind::InvalidSigningTime => {
                f.write_str("the signing time is before 1970 or beyond what a timestamp header holds")
            }
            ErrorKind::MissingHeader { name } => write!(f, "the message has no `{name}` header"),
            ErrorKind::InvalidHeader { name, expected } => write!(f, "the `{name}` header is not {expected}"),
            ErrorKind::UnknownMessageType { message_type } => write!(f, "unknown message type `{message_type}`"),
            ErrorKind::Payload { message } => write!(f, "the payload does not fit its event: {message}"),
        }
    }
}
