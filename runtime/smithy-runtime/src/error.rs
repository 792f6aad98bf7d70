//! Error types shared by all generated operations: builder validation errors
//! (`BuildError`), service error metadata (`ErrorMetadata`,
//! `ProvideErrorMetadata`) and errors the model does not describe (`Unhandled`).

use std::collections::BTreeMap;
use std::error::Error;
use std::fmt;

/// What `Debug` output prints in place of any member marked `@sensitive` in
/// the model, so that secrets never end up in logs.
pub const REDACTED: &str = "*** Sensitive Data Redacted ***";

// ---------------------------------------------------------------------------
// BuildError
// ---------------------------------------------------------------------------

/// A builder could not produce its value because a field was missing or invalid.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuildError {
    kind: BuildErrorKind,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum BuildErrorKind {
    Missing { field: &'static str, details: &'static str },
    Invalid { field: &'static str, details: String },
}

impl BuildError {
    /// A required field was not set. `details` explains the requirement, for
    /// example ``"`identifier` was not specified but it is required when building GetOtaTaskInput"``.
    pub fn missing_field(field: &'static str, details: &'static str) -> Self {
        BuildError { kind: BuildErrorKind::Missing { field, details } }
    }

    /// A field was set to a value that fails validation.
    pub fn invalid_field(field: &'static str, details: impl Into<String>) -> Self {
        BuildError { kind: BuildErrorKind::Invalid { field, details: details.into() } }
    }

    /// The name of the offending field.
    pub fn field(&self) -> &'static str {
        match &self.kind {
            BuildErrorKind::Missing { field, .. } | BuildErrorKind::Invalid { field, .. } => field,
        }
    }
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            BuildErrorKind::Missing { field, details } => {
                write!(f, "{field} was missing: {details}")
            }
            BuildErrorKind::Invalid { field, details } => {
                write!(f, "invalid field `{field}`: {details}")
            }
        }
    }
}

impl Error for BuildError {}

// ---------------------------------------------------------------------------
// ErrorMetadata
// ---------------------------------------------------------------------------

/// Information a service returned about an error: its code, message, request ID
/// and any protocol-specific extras.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ErrorMetadata {
    code: Option<String>,
    message: Option<String>,
    request_id: Option<String>,
    status: Option<u16>,
    extras: BTreeMap<&'static str, String>,
}

impl ErrorMetadata {
    /// Starts building error metadata.
    pub fn builder() -> ErrorMetadataBuilder {
        ErrorMetadataBuilder::default()
    }

    /// The error code (for example `ThrottlingException`), if known.
    pub fn code(&self) -> Option<&str> {
        self.code.as_deref()
    }

    /// The human-readable error message, if any.
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }

    /// The request ID the service assigned to the failed request, if any.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// The HTTP status code of the error response, if it came from one.
    pub fn status(&self) -> Option<u16> {
        self.status
    }

    /// A protocol-specific extra value recorded with [`ErrorMetadataBuilder::custom`].
    pub fn extra(&self, key: &str) -> Option<&str> {
        self.extras.get(key).map(String::as_str)
    }
}

impl fmt::Display for ErrorMetadata {
    /// Writes e.g. `Error { code: "Throttling", message: "slow down", request_id: "abc" }`,
    /// listing only the fields that are present, then any extras.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let fields = [
            ("code", self.code.as_deref()),
            ("message", self.message.as_deref()),
            ("request_id", self.request_id.as_deref()),
        ];
        let status = self.status.map(|s| s.to_string());
        let present = fields
            .iter()
            .filter_map(|&(name, value)| value.map(|value| (name, value)))
            .chain(status.as_deref().map(|s| ("status", s)))
            .chain(self.extras.iter().map(|(name, value)| (*name, value.as_str())));
        f.write_str("Error {")?;
        let mut first = true;
        for (name, value) in present {
            let separator = if first { " " } else { ", " };
            write!(f, "{separator}{name}: {value:?}")?;
            first = false;
        }
        f.write_str(if first { "}" } else { " }" })
    }
}

/// Builder for [`ErrorMetadata`].
#[derive(Clone, Debug, Default)]
pub struct ErrorMetadataBuilder {
    inner: ErrorMetadata,
}

impl ErrorMetadataBuilder {
    /// Sets the error code.
    pub fn code(mut self, code: impl Into<String>) -> Self {
        self.inner.code = Some(code.into());
        self
    }

    /// Sets the error message.
    pub fn message(mut self, message: impl Into<String>) -> Self {
        self.inner.message = Some(message.into());
        self
    }

    /// Sets the request ID.
    pub fn request_id(mut self, request_id: impl Into<String>) -> Self {
        self.inner.request_id = Some(request_id.into());
        self
    }

    /// Sets the HTTP status code of the error response.
    pub fn status(mut self, status: u16) -> Self {
        self.inner.status = Some(status);
        self
    }

    /// Records a protocol-specific extra value, replacing any previous value
    /// for the same key.
    pub fn custom(mut self, key: &'static str, value: impl Into<String>) -> Self {
        self.inner.extras.insert(key, value.into());
        self
    }

    /// Finishes building the metadata.
    pub fn build(self) -> ErrorMetadata {
        self.inner
    }
}

/// Access to the [`ErrorMetadata`] carried by a service error.
pub trait ProvideErrorMetadata {
    /// The full error metadata.
    fn meta(&self) -> &ErrorMetadata;

    /// The error code, if known.
    fn code(&self) -> Option<&str> {
        self.meta().code()
    }

    /// The error message, if any.
    fn message(&self) -> Option<&str> {
        self.meta().message()
    }

    /// The request ID, if any.
    fn request_id(&self) -> Option<&str> {
        self.meta().request_id()
    }
}

/// The error a variant of an operation's error enum holds: a modeled error or [`Unhandled`].
/// The enum hands out each variant's error as this one trait object, so its `Display`, `source`
/// and metadata are one `match` in the generated code, not one each.
pub trait ErrorVariant: Error + ProvideErrorMetadata + Send + Sync + 'static {
    /// The error as a plain `dyn Error` (trait upcasting needs Rust 1.86; we support 1.85).
    fn as_error(&self) -> &(dyn Error + 'static);
}

impl<T: Error + ProvideErrorMetadata + Send + Sync + 'static> ErrorVariant for T {
    fn as_error(&self) -> &(dyn Error + 'static) {
        self
    }
}

impl ProvideErrorMetadata for ErrorMetadata {
    fn meta(&self) -> &ErrorMetadata {
        self
    }
}

// ---------------------------------------------------------------------------
// Unhandled
// ---------------------------------------------------------------------------

/// An error that the service model does not describe, such as an unknown error
/// code returned by the service or a failure to parse an error response.
#[derive(Debug)]
pub struct Unhandled {
    source: Box<dyn Error + Send + Sync + 'static>,
    meta: ErrorMetadata,
}

/// Stand-in source used when an [`Unhandled`] error was created from metadata
/// alone; never exposed through [`Error::source`].
#[derive(Debug)]
struct MetadataOnly {
    code: Option<String>,
    message: Option<String>,
}

impl fmt::Display for MetadataOnly {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.code, &self.message) {
            (Some(code), Some(message)) => write!(f, "{code}: {message}"),
            (Some(code), None) => f.write_str(code),
            (None, Some(message)) => f.write_str(message),
            (None, None) => f.write_str("unknown error"),
        }
    }
}

impl Error for MetadataOnly {}

/// An error's message with its sources', joined as `a: b: c`; a source whose message the text
/// already ends with is not repeated. For errors passed on as text (credential providers'), which
/// would otherwise keep only the outermost message.
pub fn describe(error: &(dyn Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut next = error.source();
    while let Some(source) = next {
        let more = source.to_string();
        if !text.ends_with(&more) {
            text.push_str(": ");
            text.push_str(&more);
        }
        next = source.source();
    }
    text
}

impl Unhandled {
    /// Creates an unhandled error from the service's error metadata and, when
    /// available, the underlying cause.
    pub fn new(meta: ErrorMetadata, source: Option<Box<dyn Error + Send + Sync + 'static>>) -> Self {
        let source =
            source.unwrap_or_else(|| Box::new(MetadataOnly { code: meta.code.clone(), message: meta.message.clone() }));
        Unhandled { source, meta }
    }

    /// The error for `response`, which could not be understood: its metadata, and as the source
    /// a [`DeserializeError`] with the status, the raw body and `message`. One function for every
    /// operation and error shape, so generated code only names it.
    pub fn unreadable(meta: ErrorMetadata, response: &crate::http::HttpResponse, message: String) -> Self {
        let source = DeserializeError::new(response.status, response.body.clone(), message);
        Unhandled { source: Box::new(source), meta }
    }
}

impl fmt::Display for Unhandled {
    /// Writes `unhandled error (SomeCode): some message`, omitting the parts the
    /// metadata lacks. The underlying cause is not repeated here; it is
    /// available through [`Error::source`].
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("unhandled error")?;
        if let Some(code) = self.meta.code() {
            write!(f, " ({code})")?;
        }
        match self.meta.message() {
            Some(message) => write!(f, ": {message}"),
            None => Ok(()),
        }
    }
}

impl Error for Unhandled {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        if self.source.is::<MetadataOnly>() {
            None
        } else {
            Some(&*self.source)
        }
    }
}

impl ProvideErrorMetadata for Unhandled {
    fn meta(&self) -> &ErrorMetadata {
        &self.meta
    }
}

// ---------------------------------------------------------------------------
// DeserializeError
// ---------------------------------------------------------------------------

/// A response that could not be understood: a body that is not JSON, is truncated or has values of the wrong type, or a header that does not parse. Keeps the status and the raw body for diagnosis.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeserializeError {
    status: u16,
    body: Vec<u8>,
    message: String,
}

impl DeserializeError {
    /// Creates an error for a response with the given status code and body,
    /// with `message` explaining what could not be understood.
    pub fn new(status: u16, body: impl Into<Vec<u8>>, message: impl Into<String>) -> Self {
        DeserializeError { status, body: body.into(), message: message.into() }
    }

    /// The HTTP status code of the response.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The raw response body.
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// What could not be understood.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for DeserializeError {
    /// Writes `could not deserialize the response (HTTP 200): expected a string, found a number`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "could not deserialize the response (HTTP {}): {}", self.status, self.message)
    }
}

impl Error for DeserializeError {}

/// `meta` of an `awsQueryCompatible` service's error: its code and fault (`Sender` or
/// `Receiver`, as the `type` extra) become those of the `x-amzn-query-error` header
/// (`Code;Fault`), as the awsQuery service it replaces reported them; without the header it is
/// left as the protocol read it.
pub fn query_compatible(mut meta: ErrorMetadata, response: &crate::http::HttpResponse) -> ErrorMetadata {
    let header = response.headers.get("x-amzn-query-error").and_then(|v| v.split_once(';'));
    if let Some((code, fault)) = header.filter(|(code, _)| !code.trim().is_empty()) {
        meta.code = Some(code.trim().to_owned());
        meta.extras.insert("type", fault.trim().to_owned());
    }
    meta
}

/// The shape name in an error code: what precedes the first `:`, then what follows the first `#`
/// (`aws.example#FooError:http://...` is `FooError`), as the AWS protocols' specs say.
pub fn sanitize_error_code(raw: &str) -> &str {
    let before_colon = raw.split(':').next().unwrap_or(raw);
    let after_hash = before_colon.split_once('#').map_or(before_colon, |(_, name)| name);
    after_hash.trim()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Cause;

    impl fmt::Display for Cause {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("connection reset")
        }
    }

    impl Error for Cause {}

    #[test]
    fn build_error_display() {
        let err = BuildError::missing_field(
            "identifier",
            "`identifier` was not specified but it is required when building GetOtaTaskInput",
        );
        assert_eq!(
            err.to_string(),
            "identifier was missing: `identifier` was not specified but it is required when building GetOtaTaskInput"
        );
        assert_eq!(err.field(), "identifier");
        let err = BuildError::invalid_field("size", format!("{} is larger than {}", 11, 10));
        assert_eq!(err.to_string(), "invalid field `size`: 11 is larger than 10");
        assert_eq!(err.field(), "size");
        let boxed: Box<dyn Error + Send + Sync> = Box::new(err.clone());
        assert!(boxed.source().is_none());
        assert_eq!(boxed.to_string(), err.to_string());
    }

    #[test]
    fn error_metadata_builder() {
        let meta = ErrorMetadata::builder()
            .code("ThrottlingException")
            .message("Rate exceeded")
            .request_id("req-1")
            .custom("host_id", "h1")
            .custom("host_id", "h2")
            .build();
        assert_eq!(meta.code(), Some("ThrottlingException"));
        assert_eq!(meta.message(), Some("Rate exceeded"));
        assert_eq!(meta.request_id(), Some("req-1"));
        assert_eq!(meta.status(), None);
        assert_eq!(ErrorMetadata::builder().status(429).build().status(), Some(429));
        assert_eq!(meta.extra("host_id"), Some("h2"));
        assert_eq!(meta.extra("other"), None);
        assert_eq!(ProvideErrorMetadata::code(&meta), Some("ThrottlingException"));
        assert_eq!(ProvideErrorMetadata::message(&meta), Some("Rate exceeded"));
        assert_eq!(ProvideErrorMetadata::request_id(&meta), Some("req-1"));
        assert_eq!(meta.meta(), &meta);
        assert_eq!(
            meta.to_string(),
            r#"Error { code: "ThrottlingException", message: "Rate exceeded", request_id: "req-1", host_id: "h2" }"#
        );
        let empty = ErrorMetadata::builder().build();
        assert_eq!(empty, ErrorMetadata::default());
        assert_eq!(empty.code(), None);
        assert_eq!(empty.to_string(), "Error {}");
        let partial = ErrorMetadata::builder().message("say \"hi\"").build();
        assert_eq!(partial.to_string(), r#"Error { message: "say \"hi\"" }"#);
    }

    #[test]
    fn unhandled_from_metadata_only() {
        let meta = ErrorMetadata::builder().code("SomeCode").message("some message").request_id("abc").build();
        let err = Unhandled::new(meta.clone(), None);
        assert_eq!(err.to_string(), "unhandled error (SomeCode): some message");
        assert!(err.source().is_none());
        assert_eq!(err.meta(), &meta);
        assert_eq!(err.code(), Some("SomeCode"));
        assert_eq!(err.message(), Some("some message"));
        assert_eq!(err.request_id(), Some("abc"));

        let code_only = Unhandled::new(ErrorMetadata::builder().code("SomeCode").build(), None);
        assert_eq!(code_only.to_string(), "unhandled error (SomeCode)");
        let message_only = Unhandled::new(ErrorMetadata::builder().message("oops").build(), None);
        assert_eq!(message_only.to_string(), "unhandled error: oops");
        let nothing = Unhandled::new(ErrorMetadata::default(), None);
        assert_eq!(nothing.to_string(), "unhandled error");
        assert!(format!("{nothing:?}").contains("MetadataOnly"));
    }

    #[test]
    fn unhandled_with_source() {
        let meta = ErrorMetadata::builder().code("Weird").build();
        let err = Unhandled::new(meta, Some(Box::new(Cause)));
        assert_eq!(err.to_string(), "unhandled error (Weird)");
        assert_eq!(err.source().map(ToString::to_string), Some("connection reset".to_string()));
        assert!(err.source().is_some_and(|s| s.is::<Cause>()));

        let bare = Unhandled::new(ErrorMetadata::default(), Some(Box::new(Cause)));
        assert_eq!(bare.to_string(), "unhandled error");
        let boxed: Box<dyn Error + Send + Sync> = Box::new(bare);
        assert!(boxed.source().is_some());
    }

    #[test]
    fn an_unreadable_response_keeps_its_metadata_status_and_body() {
        let meta = ErrorMetadata::builder().code("Throttling").build();
        let response = crate::http::HttpResponse::new(429, crate::http::Headers::new(), b"{oops".to_vec());
        let err = Unhandled::unreadable(meta, &response, "expected a value".to_owned());
        assert_eq!(err.meta().code(), Some("Throttling"));
        let source = err.source().and_then(|s| s.downcast_ref::<DeserializeError>()).expect("a DeserializeError");
        assert_eq!((source.status(), source.body()), (429, &b"{oops"[..]));
        assert!(source.to_string().contains("expected a value"), "{source}");
    }

    #[test]
    fn redacted() {
        assert_eq!(REDACTED, "*** Sensitive Data Redacted ***");
    }
}

#[cfg(test)]
mod deserialize_error_tests {
    use super::*;

    #[test]
    fn deserialize_error() {
        let err = DeserializeError::new(200, "{\"a\":", "unexpected end of input");
        assert_eq!(err.status(), 200);
        assert_eq!(err.body(), b"{\"a\":");
        assert_eq!(err.message(), "unexpected end of input");
        assert_eq!(err.to_string(), "could not deserialize the response (HTTP 200): unexpected end of input");
        let boxed: Box<dyn Error + Send + Sync> = Box::new(err.clone());
        assert!(boxed.source().is_none());
        assert_eq!(DeserializeError::new(500, vec![0xff], String::from("x")).body(), [0xff]);
    }
}
