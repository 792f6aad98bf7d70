//! The small JSON documents credential sources answer with (`credential_process` output, the
//! SSO token cache), read with the runtime's parser.

use std::time::SystemTime;

use smithy_runtime::credentials::CredentialsError;
use smithy_runtime::json::JsonValue;
use smithy_runtime::primitives::{DateTime, Format};

/// The largest document parsed; credential documents are a few hundred bytes.
pub(crate) const MAX_BODY: usize = 64 * 1024;

/// A parsed JSON object; `what` names where it came from in every error.
pub(crate) struct Object<'a> {
    value: JsonValue,
    what: &'a str,
}

impl<'a> Object<'a> {
    /// Parses `bytes`, which must hold a JSON object of at most [`MAX_BODY`] bytes.
    pub(crate) fn parse(bytes: &[u8], what: &'a str) -> Result<Self, CredentialsError> {
        if bytes.len() > MAX_BODY {
            return Err(CredentialsError::new(format!(
                "{what} is {} bytes, more than the {MAX_BODY} read",
                bytes.len()
            )));
        }
        // The parser's message may quote the text, which holds secrets: only the offset.
        let value = smithy_runtime::json::parse(bytes).map_err(|e| match e.offset() {
            Some(offset) => CredentialsError::new(format!("{what} is not valid JSON (at byte {offset})")),
            None => CredentialsError::new(format!("{what} is not valid JSON")),
        })?;
        if !matches!(value, JsonValue::Object(_)) {
            return Err(CredentialsError::new(format!("{what} is not a JSON object")));
        }
        Ok(Object { value, what })
    }

    /// A string member; an error when it is there but not a string.
    pub(crate) fn string(&self, key: &str) -> Result<Option<&str>, CredentialsError> {
        match self.value.get(key) {
            None | Some(JsonValue::Null) => Ok(None),
            Some(JsonValue::String(text)) => Ok(Some(text)),
            Some(_) => Err(CredentialsError::new(format!("{} has a non-string `{key}`", self.what))),
        }
    }

    /// A string member that must be there.
    pub(crate) fn required(&self, key: &str) -> Result<&str, CredentialsError> {
        self.string(key)?.ok_or_else(|| CredentialsError::new(format!("{} has no `{key}`", self.what)))
    }

    /// An integer member.
    pub(crate) fn integer(&self, key: &str) -> Result<Option<i64>, CredentialsError> {
        match self.value.get(key) {
            None | Some(JsonValue::Null) => Ok(None),
            Some(JsonValue::Number(text)) => text
                .parse()
                .map(Some)
                .map_err(|_| CredentialsError::new(format!("{}: `{key}` is not an integer", self.what))),
            Some(_) => Err(CredentialsError::new(format!("{}: `{key}` is not a number", self.what))),
        }
    }

    /// An RFC 3339 timestamp member (`2026-12-01T10:00:00Z`).
    pub(crate) fn timestamp(&self, key: &str) -> Result<Option<SystemTime>, CredentialsError> {
        let Some(text) = self.string(key)? else { return Ok(None) };
        parse_timestamp(text)
            .map(Some)
            .ok_or_else(|| CredentialsError::new(format!("{}: `{key}` is not an RFC 3339 timestamp", self.what)))
    }
}

/// An RFC 3339 timestamp as a `SystemTime`.
pub(crate) fn parse_timestamp(text: &str) -> Option<SystemTime> {
    DateTime::from_str(text, Format::DateTime).ok().and_then(|t| SystemTime::try_from(t).ok())
}
