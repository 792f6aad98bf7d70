//! Runs an operation against the service: serialize once, then for each attempt sign, send,
//! and parse, retrying as AWS's standard mode does, within the configured timeouts.
//! Also the [`SdkError`] every call returns and the paginators of `@paginated` operations.

use std::borrow::Cow;
use std::collections::VecDeque;
use std::error::Error as StdError;
use std::fmt;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, SystemTime};

use crate::byte_stream::ByteStream;
use crate::config::{Config, ConnectorError, RetryBehavior, RetryConfig, RetryTuning};
use crate::credentials::Credentials;
use crate::error::{BuildError, ProvideErrorMetadata, Unhandled};
use crate::http::{HttpRequest, HttpResponse};
use crate::primitives::Document;
/// How [`Handle::with_signing_settings`] has requests signed.
pub use crate::sigv4::SigningSettings;

type BoxError = Box<dyn StdError + Send + Sync>;

/// One operation of the service, as the generated code describes it to the runtime.
pub trait Operation {
    /// The operation's input.
    type Input: Send;
    /// The operation's output.
    type Output: Send;
    /// The operation's error enum.
    type Error: StdError + ProvideErrorMetadata + Send + Sync + 'static;

    /// The operation's name, e.g. `GetOtaTask`.
    const NAME: &'static str;

    /// Builds the HTTP request (path, query, headers, body) for `input`.
    fn serialize(input: &Self::Input) -> Result<HttpRequest, BuildError>;

    /// Reads the output from a 2xx response, or the error from any other.
    fn deserialize(response: &HttpResponse) -> Result<Self::Output, Self::Error>;

    /// Where to send the request, as the service's endpoint rules decide for `config` and, where
    /// the operation binds members to endpoint parameters (S3's bucket), for `input`.
    fn endpoint(config: &Config, input: &Self::Input) -> Result<Target, BoxError>;

    /// Whether [`endpoint`](Operation::endpoint) depends on the config alone (the operation sets
    /// no endpoint parameter), so a client resolves it once for every such operation.
    const SHARED_ENDPOINT: bool = true;

    /// How the model classifies `error` (its `@retryable` trait), if it does.
    fn retry_kind(error: &Self::Error) -> Option<RetryKind>;

    /// The encodings its `@requestCompression` allows, in order of preference (none: the body
    /// is sent as it is).
    const REQUEST_COMPRESSION: &'static [&'static str] = &[];

    /// What its `@httpChecksum` or `@httpChecksumRequired` asks for (the runtime's `checksum`
    /// feature computes and validates).
    const CHECKSUMS: Option<crate::http::ChecksumSettings> = None;

    /// Whether it is a long-polling operation (SQS `ReceiveMessage`): one a caller runs in a
    /// tight loop, so under [`RetryBehavior::Standard2026`] it backs off even when the retry quota
    /// refuses a retry, rather than letting the loop spin against a failing service.
    const LONG_POLLING: bool = false;

    /// Whether it is sent unsigned (`@auth([])`), needing no credentials, in a service whose
    /// other operations are signed: STS `AssumeRoleWithWebIdentity`, which is how credentials
    /// are obtained in the first place.
    const UNSIGNED: bool = false;

    /// The input's `@streaming` payload, taken out to be sent as it is read (`None` when the
    /// operation has none). [`serialize`](Operation::serialize) has already put a stream that is
    /// bytes in memory into the request, which is then sent as any other body.
    fn take_stream(_input: &mut Self::Input) -> Option<ByteStream> {
        None
    }

    /// `@requiresLength`: the stream must know its length, sent as `Content-Length`.
    const REQUIRES_LENGTH: bool = false;

    /// Whether the output's payload is `@streaming`: a 2xx response's body is handed to
    /// [`set_stream`](Operation::set_stream) unread, the rest of the output read from the head.
    const STREAMING_OUTPUT: bool = false;

    /// Puts a 2xx response's unread body into the output.
    fn set_stream(_output: &mut Self::Output, _body: ByteStream) {}

    /// The input's event stream, taken out to be sent as the request body, each event signed
    /// in turn after the request (`None` when the operation has none).
    #[cfg(feature = "event-stream")]
    fn take_events(_input: &mut Self::Input) -> Option<crate::event_stream::EventBody> {
        None
    }

    /// For the RPC protocols, an output's stream opens with an `initial-response` carrying its
    /// other members: the future reading it into the output (`None` when there is none).
    #[cfg(feature = "event-stream")]
    fn read_initial_response(_output: &mut Self::Output) -> Option<InitialResponse<'_>> {
        None
    }
}

/// The future [`Operation::read_initial_response`] gives.
#[cfg(feature = "event-stream")]
pub type InitialResponse<'a> = std::pin::Pin<Box<dyn Future<Output = Result<(), BoxError>> + Send + 'a>>;

#[cfg(feature = "event-stream")]
async fn read_initial_response<O: Operation>(output: &mut O::Output) -> Result<(), SdkError<O::Error>> {
    match O::read_initial_response(output) {
        Some(read) => read.await.map_err(|e| SdkError::DispatchFailure(ConnectorError::io(e))),
        None => Ok(()),
    }
}

#[cfg(not(feature = "event-stream"))]
async fn read_initial_response<O: Operation>(_: &mut O::Output) -> Result<(), SdkError<O::Error>> {
    Ok(())
}

#[cfg(feature = "event-stream")]
use crate::event_stream::EventBody;

/// Without the `event-stream` feature no operation has an input event stream.
#[cfg(not(feature = "event-stream"))]
enum EventBody {}

#[cfg(feature = "event-stream")]
fn take_events<O: Operation>(input: &mut O::Input) -> Option<EventBody> {
    O::take_events(input)
}

#[cfg(not(feature = "event-stream"))]
fn take_events<O: Operation>(_: &mut O::Input) -> Option<EventBody> {
    None
}

/// The request body of an input event stream: signed, each event chained to the request's
/// signature `seed`, when the request is.
#[cfg(feature = "event-stream")]
fn event_body(
    events: EventBody,
    signed: Option<(&crate::sigv4::SigningParams<'_>, String)>,
    config: &Config,
) -> ByteStream {
    match signed {
        None => events.into_byte_stream(),
        Some((params, seed)) => {
            let signer = crate::event_stream::EventSigner::new(params, seed);
            let time_source = config.time_source.clone();
            events
                .into_signed_byte_stream(signer, move || time_source.as_ref().map_or_else(SystemTime::now, |now| now()))
        }
    }
}

#[cfg(not(feature = "event-stream"))]
fn event_body(events: EventBody, _: Option<(&crate::sigv4::SigningParams<'_>, String)>, _: &Config) -> ByteStream {
    match events {}
}

/// Why an error is worth retrying.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RetryKind {
    /// The service is throttling the caller.
    Throttling,
    /// A transient failure: a timeout, a dropped connection, a 5xx.
    Transient,
}

/// The resolved endpoint of one call: its URL, extra headers, and how to sign for it.
#[derive(Clone, Debug, PartialEq)]
pub struct Target {
    /// The endpoint URL, e.g. `https://api.example.us-east-1.amazonaws.com`.
    pub url: String,
    /// Headers the endpoint requires.
    pub headers: Vec<(String, String)>,
    /// The SigV4 signing name, when the endpoint overrides the service's.
    pub signing_name: Option<String>,
    /// The SigV4 signing Region, when the endpoint overrides the configured one.
    pub signing_region: Option<String>,
    /// Whether the endpoint takes S3 Express One Zone's `sigv4-s3express`: SigV4 with the
    /// credentials of a session `CreateSession` opened on the bucket, its token in
    /// `x-amz-s3session-token`.
    pub s3_express: bool,
    /// The bucket the endpoint is for (the S3 crate sets it from its rules' `Bucket`
    /// parameter): S3 Express sessions are per bucket.
    pub bucket: Option<String>,
    /// Whether the endpoint takes SigV4a (Multi-Region Access Points), for the Regions of
    /// `signing_region_set`; only chosen with the `sigv4a` feature.
    pub sigv4a: bool,
    /// SigV4a's `signingRegionSet`, comma-separated (`*` for every Region).
    pub signing_region_set: Option<String>,
    /// The auth schemes the endpoint lists when none of them is one this client signs with
    /// (`sigv4`, `sigv4-s3express`, and with the `sigv4a` feature `sigv4a`). A signed call to
    /// such an endpoint fails before it is sent, saying so, rather than with the service's
    /// signature error.
    pub unsupported_auth: Option<String>,
}

impl Target {
    /// A target for `url` with no extra headers or signing overrides.
    pub fn new(url: impl Into<String>) -> Self {
        Target {
            url: url.into(),
            headers: Vec::new(),
            signing_name: None,
            signing_region: None,
            s3_express: false,
            bucket: None,
            sigv4a: false,
            signing_region_set: None,
            unsupported_auth: None,
        }
    }

    /// Reads the signing overrides from an endpoint's `authSchemes` property, as the rules
    /// engine returns it: the first scheme this client signs with (`sigv4`, `sigv4-s3express`,
    /// `sigv4a` with the feature), which one it is and its `signingName`, `signingRegion` or
    /// `signingRegionSet`; or, when the endpoint lists schemes but none of those, their names in
    /// `unsupported_auth`.
    pub fn with_properties<'a>(mut self, properties: impl IntoIterator<Item = (&'a String, &'a Document)>) -> Self {
        let schemes: Vec<_> = properties
            .into_iter()
            .find(|(name, _)| name.as_str() == "authSchemes")
            .and_then(|(_, value)| value.as_array())
            .unwrap_or_default()
            .iter()
            .filter_map(Document::as_object)
            .collect();
        fn name<'d>(scheme: &&'d std::collections::BTreeMap<String, Document>) -> &'d str {
            scheme.get("name").and_then(Document::as_str).unwrap_or_default()
        }
        let usable =
            |name: &str| matches!(name, "sigv4" | "sigv4-s3express") || (cfg!(feature = "sigv4a") && name == "sigv4a");
        match schemes.iter().find(|scheme| usable(name(scheme))) {
            Some(scheme) => {
                let text = |key: &str| scheme.get(key).and_then(Document::as_str).map(str::to_owned);
                self.signing_name = text("signingName");
                self.signing_region = text("signingRegion");
                self.s3_express = name(scheme) == "sigv4-s3express";
                self.sigv4a = name(scheme) == "sigv4a";
                if self.sigv4a {
                    let regions = scheme.get("signingRegionSet").and_then(Document::as_array).unwrap_or_default();
                    let regions: Vec<&str> = regions.iter().filter_map(Document::as_str).collect();
                    self.signing_region_set = (!regions.is_empty()).then(|| regions.join(","));
                }
            }
            None if !schemes.is_empty() => {
                self.unsupported_auth = Some(schemes.iter().map(name).collect::<Vec<_>>().join(", "));
            }
            None => {}
        }
        self
    }
}

// ---------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------

/// An operation's error: its service error `E`, or a failure before a response came.
#[non_exhaustive]
#[derive(Debug)]
pub enum SdkError<E> {
    /// The request could not be built: invalid input, no credentials, no endpoint.
    ConstructionFailure(ConstructionFailure),
    /// The operation (or its last attempt) ran out of time.
    TimeoutError(TimeoutError),
    /// The request could not be sent or the response could not be read.
    DispatchFailure(ConnectorError),
    /// The service answered with an error.
    ServiceError(ServiceError<E>),
}

/// The request could not be built.
#[derive(Debug)]
pub struct ConstructionFailure {
    source: BoxError,
}

/// A timeout elapsed.
#[derive(Debug)]
pub struct TimeoutError {
    what: &'static str,
    after: Duration,
}

/// An error response of the service, parsed, with the raw response.
#[derive(Debug)]
pub struct ServiceError<E> {
    err: E,
    raw: HttpResponse,
}

impl<E> ServiceError<E> {
    /// The parsed error.
    pub fn err(&self) -> &E {
        &self.err
    }

    /// The parsed error, by value.
    pub fn into_err(self) -> E {
        self.err
    }

    /// The raw response.
    pub fn raw(&self) -> &HttpResponse {
        &self.raw
    }
}

/// Builds an operation's error from an error the model does not describe.
pub trait CreateUnhandledError {
    /// The `Unhandled` variant holding `unhandled`.
    fn create_unhandled_error(unhandled: Unhandled) -> Self;
}

impl<E> SdkError<E> {
    /// The request could not be built (an invalid input, an endpoint the rules refused).
    pub fn construction(source: impl Into<BoxError>) -> Self {
        SdkError::ConstructionFailure(ConstructionFailure { source: source.into() })
    }

    /// The service's error, if the service answered with one.
    pub fn as_service_error(&self) -> Option<&E> {
        match self {
            SdkError::ServiceError(e) => Some(&e.err),
            _ => None,
        }
    }

    /// The raw response, if the service answered with an error.
    pub fn raw_response(&self) -> Option<&HttpResponse> {
        match self {
            SdkError::ServiceError(e) => Some(&e.raw),
            _ => None,
        }
    }

    /// The operation's error enum: the service's error as is, anything else as its
    /// `Unhandled` variant (so one `match` handles every failure).
    pub fn into_service_error(self) -> E
    where
        E: CreateUnhandledError + StdError + Send + Sync + 'static,
    {
        match self {
            SdkError::ServiceError(e) => e.err,
            other => E::create_unhandled_error(Unhandled::new(
                crate::error::ErrorMetadata::builder().build(),
                Some(Box::new(other)),
            )),
        }
    }
}

// Display names the failure; the details are in `source()`, per the error-chain convention.
impl<E> fmt::Display for SdkError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SdkError::ConstructionFailure(_) => f.write_str("failed to construct request"),
            SdkError::TimeoutError(e) => write!(f, "{} timed out after {:?}", e.what, e.after),
            SdkError::DispatchFailure(_) => f.write_str("dispatch failure"),
            SdkError::ServiceError(e) => write!(f, "service error (HTTP {})", e.raw.status),
        }
    }
}

impl<E: StdError + 'static> StdError for SdkError<E> {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        match self {
            SdkError::ConstructionFailure(e) => Some(&*e.source),
            SdkError::TimeoutError(_) => None,
            SdkError::DispatchFailure(e) => Some(e),
            SdkError::ServiceError(e) => Some(&e.err),
        }
    }
}

// ---------------------------------------------------------------------------
// The client handle and the call loop
// ---------------------------------------------------------------------------

/// What every call of one client shares: configuration, the service's signing name, and the
/// retry quota.
#[derive(Debug)]
pub struct Handle {
    config: Config,
    signing_name: Option<&'static str>,
    signing_settings: SigningSettings,
    tuning: RetryTuning,
    #[cfg(feature = "crc32")]
    response_crc32: bool,
    quota: RetryQuota,
    signing_keys: crate::sigv4::SigningKeyCache,
    // The endpoint of the operations whose endpoint depends on the configuration alone
    // (`Operation::SHARED_ENDPOINT`), so the rules run once per client for them.
    endpoint: std::sync::OnceLock<Target>,
    create_session: Option<CreateSession>,
    sessions: Sessions,
}

/// How the S3 crate opens an S3 Express One Zone session on a bucket: its `CreateSession`
/// operation, called through the handle with the config's credentials.
pub type CreateSession = for<'a> fn(&'a Handle, &'a str) -> crate::credentials::ProvideCredentialsFuture<'a>;

/// The S3 Express sessions a client has opened, by bucket and the access key they were opened
/// with, reused until shortly before they expire (they last five minutes).
#[derive(Debug, Default)]
struct Sessions(Mutex<std::collections::HashMap<(String, String), Credentials>>);

impl Sessions {
    /// How long before its expiry a session is replaced, as AWS SDKs do.
    const BUFFER: Duration = Duration::from_secs(10);
    /// The most sessions kept, as AWS SDKs keep: past it, expired ones go, then the oldest.
    const MAX: usize = 100;

    fn fresh(session: &Credentials, now: SystemTime) -> bool {
        session.expires_after().is_some_and(|at| now + Self::BUFFER < at)
    }

    fn get(&self, bucket: &str, access_key_id: &str, now: SystemTime) -> Option<Credentials> {
        let sessions = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let session = sessions.get(&(bucket.to_owned(), access_key_id.to_owned()))?;
        Self::fresh(session, now).then(|| session.clone())
    }

    fn put(&self, bucket: &str, access_key_id: &str, session: Credentials, now: SystemTime) {
        let mut sessions = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if sessions.len() >= Self::MAX {
            sessions.retain(|_, session| Self::fresh(session, now));
        }
        if sessions.len() >= Self::MAX {
            let oldest = sessions.iter().min_by_key(|(_, session)| session.expires_after()).map(|(key, _)| key.clone());
            if let Some(key) = oldest {
                sessions.remove(&key);
            }
        }
        sessions.insert((bucket.to_owned(), access_key_id.to_owned()), session);
    }
}

impl Handle {
    /// A handle for `config`; requests are signed with SigV4 for `signing_name`, or sent
    /// unsigned when the service has none.
    pub fn new(config: Config, signing_name: Option<&'static str>) -> Self {
        Handle {
            config,
            signing_name,
            signing_settings: SigningSettings::Standard,
            tuning: RetryTuning::STANDARD,
            #[cfg(feature = "crc32")]
            response_crc32: false,
            quota: RetryQuota::new(),
            signing_keys: crate::sigv4::SigningKeyCache::new(),
            endpoint: std::sync::OnceLock::new(),
            create_session: None,
            sessions: Sessions::default(),
        }
    }

    /// Requests to S3 Express One Zone buckets (`sigv4-s3express` endpoints) are signed with a
    /// session on the bucket that `create_session` opens (S3's `CreateSession`), kept per bucket
    /// until shortly before it expires.
    pub fn with_s3_express(mut self, create_session: CreateSession) -> Self {
        self.create_session = Some(create_session);
        self
    }

    /// The service's signing rules (S3's), in place of the standard ones.
    pub fn with_signing_settings(mut self, settings: SigningSettings) -> Self {
        self.signing_settings = settings;
        self
    }

    /// The service's own retry defaults (DynamoDB's), in place of the standard ones.
    pub fn with_retry_tuning(mut self, tuning: RetryTuning) -> Self {
        self.tuning = tuning;
        self
    }

    /// Responses are checked against their `x-amz-crc32` header (DynamoDB's); one that does not
    /// match is retried as an I/O failure ([`crate::crc32::ChecksumMismatch`]).
    #[cfg(feature = "crc32")]
    pub fn with_response_crc32(mut self) -> Self {
        self.response_crc32 = true;
        self
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }
}

/// The session on the S3 Express bucket `target` is for: a fresh one opened earlier with the
/// same access key as `base` (the config's credentials), else a new one from `CreateSession`.
async fn s3_express_session(handle: &Handle, target: &Target, base: &Credentials) -> Result<Credentials, String> {
    let Some(create_session) = handle.create_session else {
        return Err("the endpoint accepts only S3 Express One Zone's sigv4-s3express auth scheme, whose sessions \
                    this client opens with S3's CreateSession: generate that operation beside the others"
            .to_owned());
    };
    let bucket = target.bucket.as_deref().ok_or("the S3 Express endpoint names no bucket to open a session on")?;
    let now = handle.config.time_source.as_ref().map_or_else(SystemTime::now, |now| now());
    if let Some(session) = handle.sessions.get(bucket, base.access_key_id(), now) {
        return Ok(session);
    }
    let failed = |why: &dyn fmt::Display| format!("S3 Express CreateSession on bucket `{bucket}`: {why}");
    let session = create_session(handle, bucket).await.map_err(|e| failed(&e))?;
    // Required members a lenient reader would leave empty: no session to sign with.
    if session.access_key_id().is_empty() || session.secret_access_key().is_empty() {
        return Err(failed(&"the answer holds no session credentials"));
    }
    handle.sessions.put(bucket, base.access_key_id(), session.clone(), now);
    Ok(session)
}

/// Calls operation `O` with `input`: the whole life of a request.
pub async fn invoke<O: Operation>(handle: &Handle, input: O::Input) -> Result<O::Output, SdkError<O::Error>> {
    let config = &handle.config;
    let sleep = config.sleep.clone();
    let call = attempts::<O>(handle, input);
    match (config.timeouts.operation_timeout(), sleep) {
        (Some(limit), Some(sleep)) => match with_timeout(call, sleep.sleep(limit)).await {
            Some(result) => result,
            None => Err(SdkError::TimeoutError(TimeoutError { what: "operation", after: limit })),
        },
        (Some(_), None) => Err(SdkError::construction(NO_SLEEP)),
        (None, _) => call.await,
    }
}

const NO_SLEEP: &str =
    "no timer to enforce timeouts or back off with: build the config with `smithy_config` (the tokio timer) or set `sleep_impl`";

async fn attempts<O: Operation>(handle: &Handle, input: O::Input) -> Result<O::Output, SdkError<O::Error>> {
    let config = &handle.config;
    let http = config.http_client.clone().ok_or_else(|| {
        SdkError::construction(
            "no HTTP client: build the config with `smithy_config` (hyper and rustls) or set `http_client`",
        )
    })?;
    // Serialized once, so an idempotency token filled in here is the same in every attempt.
    let mut input = input;
    let mut request = O::serialize(&input).map_err(SdkError::construction)?;
    // A stream of bytes in memory is in the request already; another is sent as it is read.
    let mut stream = O::take_stream(&mut input).filter(|s| s.in_memory().is_none());
    // Sent once, as the events come: never retried.
    let mut events = take_events::<O>(&mut input);
    // The algorithm of a stream's checksum, sent aws-chunked in its trailer.
    let mut trailer = None;
    match &stream {
        None if events.is_some() => {}
        None => {
            compress(&mut request, O::REQUEST_COMPRESSION, config)?;
            // Of the body as sent, so after compression.
            add_checksums(&mut request, O::CHECKSUMS.as_ref(), config)?;
        }
        // Streams are not compressed, which would need the whole body; their checksum, of a
        // known length, goes in a trailer.
        Some(s) => match s.content_length() {
            Some(length) => {
                request.headers.insert("Content-Length", length.to_string());
                trailer = add_trailing_checksum(&mut request, O::CHECKSUMS.as_ref(), config, length)?;
            }
            None if O::REQUIRES_LENGTH => {
                return Err(SdkError::construction(
                    "the operation needs the body's length (`@requiresLength`), which this stream does not know",
                ))
            }
            None => {}
        },
    }
    // A one-shot stream is sent once: a failed attempt after it is not retried.
    let one_shot = stream.as_ref().is_some_and(|s| !s.is_replayable()) || events.is_some();
    let target = match handle.endpoint.get() {
        Some(target) if O::SHARED_ENDPOINT => Cow::Borrowed(target),
        _ => {
            let target = O::endpoint(config, &input).map_err(SdkError::construction)?;
            if O::SHARED_ENDPOINT {
                Cow::Borrowed(handle.endpoint.get_or_init(|| target))
            } else {
                Cow::Owned(target)
            }
        }
    };
    let url = prepare(&mut request, &target).map_err(SdkError::construction)?;
    let signing_name = if O::UNSIGNED { None } else { handle.signing_name };
    if let (Some(_), Some(schemes)) = (signing_name, &target.unsupported_auth) {
        // Without the feature, SigV4a is what is missing.
        let hint = if cfg!(feature = "sigv4a") { "" } else { " (SigV4a needs the runtime's `sigv4a` feature)" };
        return Err(SdkError::construction(format!(
            "the endpoint accepts only the {schemes} auth scheme, and this client signs with sigv4 alone{hint}"
        )));
    }
    let credentials = match (signing_name, &config.credentials) {
        (None, _) => None,
        (Some(_), None) => return Err(SdkError::construction("no credentials provider on the config")),
        (Some(_), Some(provider)) => Some(provider.provide_credentials().await.map_err(SdkError::construction)?),
    };
    // An S3 Express bucket's requests are signed with its session rather than the config's
    // credentials, the session token in a header of its own (signed, as it is set first).
    let credentials = match credentials {
        Some(base) if target.s3_express => {
            let session = s3_express_session(handle, &target, &base).await.map_err(SdkError::construction)?;
            if let Some(token) = session.session_token() {
                request.headers.insert("x-amz-s3session-token", token.to_owned());
            }
            Some(session)
        }
        credentials => credentials,
    };
    let region = target.signing_region.as_deref().or(config.region.as_deref());
    let signing = match (signing_name, &credentials) {
        (Some(service), Some(credentials)) => {
            let region =
                region.ok_or_else(|| SdkError::construction("no Region to sign for: set one on the config"))?;
            Some((target.signing_name.as_deref().unwrap_or(service), region, credentials))
        }
        _ => None,
    };

    if let (Some(s), Some(_)) = (&stream, signing) {
        let hash = match trailer {
            Some(_) => crate::sigv4::STREAMING_UNSIGNED_PAYLOAD_TRAILER.to_owned(),
            None => stream_payload_hash(s, handle.signing_settings).await?,
        };
        request.headers.insert("x-amz-content-sha256", hash);
    }
    if let (Some(_), Some(_)) = (&events, signing) {
        request.headers.insert("x-amz-content-sha256", crate::sigv4::STREAMING_EVENTS_PAYLOAD.to_owned());
    }

    let retry = config.retry;
    let max_attempts = retry.attempts_for(handle.tuning);
    let mut attempt = 1;
    // What the last retry took from the quota, given back when the call succeeds.
    let mut taken = 0;
    loop {
        // Each attempt replaces the headers the last one set (this one, the date, the session
        // token and the signature), so the request is reused rather than copied.
        request.headers.insert("amz-sdk-request", format!("attempt={attempt}; max={max_attempts}"));
        let mut event_stream = None;
        if let Some((service, region, credentials)) = signing {
            let params = crate::sigv4::SigningParams {
                access_key_id: credentials.access_key_id(),
                secret_access_key: credentials.secret_access_key(),
                session_token: if target.s3_express { None } else { credentials.session_token() },
                region,
                service,
                time: config.time_source.as_ref().map_or_else(SystemTime::now, |now| now()),
                settings: handle.signing_settings,
            };
            #[cfg(feature = "sigv4a")]
            let signed = match (target.sigv4a, target.signing_region_set.as_deref()) {
                (true, regions) => crate::sigv4a::sign(&mut request, &params, regions.unwrap_or(region)),
                (false, _) => crate::sigv4::sign_cached(&mut request, &params, &handle.signing_keys),
            };
            #[cfg(not(feature = "sigv4a"))]
            let signed = crate::sigv4::sign_cached(&mut request, &params, &handle.signing_keys);
            let signed = signed.map_err(SdkError::construction)?;
            event_stream = events.take().map(|events| event_body(events, Some((&params, signed.signature)), config));
        }
        if let Some(events) = events.take() {
            event_stream = Some(event_body(events, None, config));
        }
        let sent = if stream.is_some() || event_stream.is_some() || O::STREAMING_OUTPUT {
            let body = event_stream.or_else(|| {
                let body = stream.as_mut().map(|s| s.try_clone().unwrap_or_else(|| std::mem::take(s)));
                body.map(|body| match trailer {
                    Some(algorithm) => aws_chunked(body, algorithm),
                    None => body,
                })
            });
            match send_streaming(http.as_ref(), config, &url, &request, body, O::STREAMING_OUTPUT).await {
                Ok(Received::Streamed(head, body)) => match O::deserialize(&head) {
                    Ok(mut output) => {
                        O::set_stream(&mut output, validating_stream(&request, &head, O::CHECKSUMS.as_ref(), body));
                        read_initial_response::<O>(&mut output).await?;
                        handle.quota.succeeded(taken);
                        return Ok(output);
                    }
                    // Read again below, as the error it is.
                    Err(_) => Ok(head),
                },
                Ok(Received::Whole(response)) => Ok(response),
                Err(e) => Err(e),
            }
        } else {
            send(http.as_ref(), config, &url, &request).await
        };
        #[cfg(feature = "crc32")]
        let sent = match sent {
            Ok(response) if handle.response_crc32 => match crate::crc32::verify(&response) {
                Ok(()) => Ok(response),
                Err(mismatch) => Err(Attempt::Failed(ConnectorError::io(mismatch))),
            },
            other => other,
        };
        let sent = match sent {
            Ok(response) if (200..300).contains(&response.status) => {
                match validate_checksum(&request, &response, O::CHECKSUMS.as_ref()) {
                    Ok(()) => Ok(response),
                    // Damaged on the way: retried as a failed read.
                    Err(mismatch) => Err(Attempt::Failed(ConnectorError::io(mismatch))),
                }
            }
            other => other,
        };
        let (kind, outcome) = match sent {
            Ok(response) if (200..300).contains(&response.status) => match O::deserialize(&response) {
                Ok(output) => {
                    handle.quota.succeeded(taken);
                    return Ok(output);
                }
                // A 2xx read as an error (S3's `200 OK` carrying an `<Error>`) says with its
                // metadata's status what failure it is.
                Err(err) => {
                    let status = err.meta().status().unwrap_or(response.status);
                    let kind = O::retry_kind(&err).or_else(|| classify(err.code(), status));
                    (kind, SdkError::ServiceError(ServiceError { err, raw: response }))
                }
            },
            Ok(response) => match O::deserialize(&response) {
                Ok(output) => return Ok(output),
                Err(err) => {
                    let kind = O::retry_kind(&err).or_else(|| classify(err.code(), response.status));
                    (kind, SdkError::ServiceError(ServiceError { err, raw: response }))
                }
            },
            Err(Attempt::TimedOut(after)) => {
                (Some(RetryKind::Transient), SdkError::TimeoutError(TimeoutError { what: "attempt", after }))
            }
            Err(Attempt::Failed(e)) if e.is_io() || e.is_timeout() => {
                (Some(RetryKind::Transient), SdkError::DispatchFailure(e))
            }
            Err(Attempt::Failed(e)) => (None, SdkError::DispatchFailure(e)),
            Err(Attempt::NoSleep) => return Err(SdkError::construction(NO_SLEEP)),
        };
        let Some(kind) = kind else { return Err(outcome) };
        if attempt >= max_attempts || one_shot {
            return Err(outcome);
        }
        let lost = matches!(outcome, SdkError::TimeoutError(_) | SdkError::DispatchFailure(_));
        let cost = retry_cost(retry.behavior(), kind, lost);
        let retry_after = match &outcome {
            SdkError::ServiceError(e) => e.raw.headers.get("x-amz-retry-after"),
            _ => None,
        };
        let delay = backoff(&retry, handle.tuning, kind, attempt, retry_after);
        if !handle.quota.acquire(cost) {
            if let (true, RetryBehavior::Standard2026, Some(sleep)) = (O::LONG_POLLING, retry.behavior(), &config.sleep)
            {
                sleep.sleep(delay).await;
            }
            return Err(outcome);
        }
        let Some(sleep) = &config.sleep else { return Err(SdkError::construction(NO_SLEEP)) };
        taken = cost;
        sleep.sleep(delay).await;
        attempt += 1;
    }
}

enum Attempt {
    TimedOut(Duration),
    Failed(ConnectorError),
    NoSleep,
}

async fn send(
    http: &dyn crate::config::HttpClient,
    config: &Config,
    url: &str,
    request: &HttpRequest,
) -> Result<HttpResponse, Attempt> {
    within_attempt_timeout(config, http.call(url, request)).await
}

/// `call`'s result, unless the config's attempt timeout elapses first.
async fn within_attempt_timeout<T>(
    config: &Config,
    call: impl Future<Output = Result<T, ConnectorError>>,
) -> Result<T, Attempt> {
    match config.timeouts.attempt_timeout() {
        None => call.await.map_err(Attempt::Failed),
        Some(limit) => {
            let Some(sleep) = &config.sleep else { return Err(Attempt::NoSleep) };
            match with_timeout(call, sleep.sleep(limit)).await {
                Some(result) => result.map_err(Attempt::Failed),
                None => Err(Attempt::TimedOut(limit)),
            }
        }
    }
}

/// What an attempt with a stream received: the head of a 2xx response to an operation whose
/// output streams, with its unread body; or a whole response.
enum Received {
    Streamed(HttpResponse, ByteStream),
    Whole(HttpResponse),
}

/// Sends `request` with `body` in place of its own when given; a 2xx response's body stays
/// unread when `stream_output`, any other is read whole. The attempt timeout covers the wait for
/// the response's head, not the body's transfer.
async fn send_streaming(
    http: &dyn crate::config::HttpClient,
    config: &Config,
    url: &str,
    request: &HttpRequest,
    body: Option<ByteStream>,
    stream_output: bool,
) -> Result<Received, Attempt> {
    let response = within_attempt_timeout(config, http.call_streaming(url, request, body)).await?;
    let head = HttpResponse::new(response.status, response.headers, Vec::new());
    if stream_output && (200..300).contains(&head.status) {
        return Ok(Received::Streamed(head, response.body));
    }
    let body = response.body.collect().await.map_err(|e| Attempt::Failed(ConnectorError::io(e)))?;
    Ok(Received::Whole(HttpResponse { body: body.into_bytes(), ..head }))
}

/// The `x-amz-content-sha256` a stream is signed with: S3 takes `UNSIGNED-PAYLOAD` (the body is
/// not read twice); other services need the hash, for which a replayable stream (bytes, a
/// file) is read once ahead.
async fn stream_payload_hash<E>(stream: &ByteStream, settings: SigningSettings) -> Result<String, SdkError<E>> {
    if settings == SigningSettings::S3 {
        return Ok(crate::sigv4::UNSIGNED_PAYLOAD.to_owned());
    }
    let Some(mut copy) = stream.try_clone() else {
        return Err(SdkError::construction(
            "the service signs the body's SHA-256, and this stream can be read only once: send bytes or a file",
        ));
    };
    let mut hasher = crate::digest::Sha256::new();
    while let Some(chunk) = copy.next().await {
        hasher.update(&chunk.map_err(SdkError::construction)?);
    }
    Ok(crate::primitives::hex(&hasher.finish()))
}

/// Compresses the body as the operation's `@requestCompression` allows and the config says.
#[cfg(feature = "compression")]
fn compress<E>(request: &mut HttpRequest, encodings: &[&str], config: &Config) -> Result<(), SdkError<E>> {
    if encodings.is_empty() || config.disable_request_compression {
        return Ok(());
    }
    crate::compression::compress(request, encodings, config.request_min_compression_size_bytes)
        .map_err(SdkError::construction)
}

/// Without the `compression` feature no operation asks for compression: generated crates turn
/// the feature on when one does.
#[cfg(not(feature = "compression"))]
fn compress<E>(_: &mut HttpRequest, encodings: &[&str], _: &Config) -> Result<(), SdkError<E>> {
    if encodings.is_empty() {
        Ok(())
    } else {
        Err(SdkError::construction(
            "the operation compresses its requests, but smithy-runtime lacks its `compression` feature",
        ))
    }
}

/// The algorithm of a streamed body's trailing checksum (none without the `checksum` feature).
#[cfg(feature = "checksum")]
type TrailerAlgorithm = crate::checksum::Algorithm;
#[cfg(not(feature = "checksum"))]
#[derive(Clone, Copy)]
enum TrailerAlgorithm {}

/// Prepares a streamed body of `length` bytes for the checksum the operation asks for, in an
/// aws-chunked trailer ([`crate::checksum::add_trailing_checksum`]).
#[cfg(feature = "checksum")]
fn add_trailing_checksum<E>(
    request: &mut HttpRequest,
    settings: Option<&crate::http::ChecksumSettings>,
    config: &Config,
    length: u64,
) -> Result<Option<TrailerAlgorithm>, SdkError<E>> {
    let Some(settings) = settings else { return Ok(None) };
    crate::checksum::add_trailing_checksum(
        request,
        settings,
        config.request_checksum_calculation,
        config.response_checksum_validation,
        length,
    )
    .map_err(SdkError::construction)
}

/// Without the `checksum` feature no operation asks for checksums (see [`add_checksums`]).
#[cfg(not(feature = "checksum"))]
fn add_trailing_checksum<E>(
    request: &mut HttpRequest,
    settings: Option<&crate::http::ChecksumSettings>,
    config: &Config,
    _: u64,
) -> Result<Option<TrailerAlgorithm>, SdkError<E>> {
    add_checksums(request, settings, config).map(|()| None)
}

#[cfg(feature = "checksum")]
fn aws_chunked(body: ByteStream, algorithm: TrailerAlgorithm) -> ByteStream {
    crate::checksum::aws_chunked::encode(body, algorithm)
}

#[cfg(not(feature = "checksum"))]
fn aws_chunked(_: ByteStream, algorithm: TrailerAlgorithm) -> ByteStream {
    match algorithm {}
}

#[cfg(feature = "checksum")]
fn add_checksums<E>(
    request: &mut HttpRequest,
    settings: Option<&crate::http::ChecksumSettings>,
    config: &Config,
) -> Result<(), SdkError<E>> {
    let Some(settings) = settings else { return Ok(()) };
    crate::checksum::add_request_checksums(
        request,
        settings,
        config.request_checksum_calculation,
        config.response_checksum_validation,
    )
    .map_err(SdkError::construction)
}

/// Without the `checksum` feature no operation asks for checksums: generated crates turn the
/// feature on when one does.
#[cfg(not(feature = "checksum"))]
fn add_checksums<E>(
    _: &mut HttpRequest,
    settings: Option<&crate::http::ChecksumSettings>,
    _: &Config,
) -> Result<(), SdkError<E>> {
    match settings {
        None => Ok(()),
        Some(_) => {
            Err(SdkError::construction("the operation has checksums, but smithy-runtime lacks its `checksum` feature"))
        }
    }
}

#[cfg(feature = "checksum")]
fn validate_checksum(
    request: &HttpRequest,
    response: &HttpResponse,
    settings: Option<&crate::http::ChecksumSettings>,
) -> Result<(), crate::checksum::ChecksumMismatch> {
    match settings {
        Some(settings) => crate::checksum::validate_response(request, response, settings).map(drop),
        None => Ok(()),
    }
}

/// `body`, validated as it is read when the operation's `@httpChecksum` asks and the response
/// carries a checksum.
#[cfg(feature = "checksum")]
fn validating_stream(
    request: &HttpRequest,
    head: &HttpResponse,
    settings: Option<&crate::http::ChecksumSettings>,
    body: ByteStream,
) -> ByteStream {
    match settings {
        Some(settings) => crate::checksum::validating_stream(request, head, settings, body),
        None => body,
    }
}

#[cfg(not(feature = "checksum"))]
fn validating_stream(
    _: &HttpRequest,
    _: &HttpResponse,
    _: Option<&crate::http::ChecksumSettings>,
    body: ByteStream,
) -> ByteStream {
    body
}

#[cfg(not(feature = "checksum"))]
fn validate_checksum(
    _: &HttpRequest,
    _: &HttpResponse,
    _: Option<&crate::http::ChecksumSettings>,
) -> Result<(), ConnectorError> {
    Ok(())
}

/// The headers every sent request gets beyond its own: `host`, `user-agent`, `amz-sdk-request`,
/// `x-amz-date`, `x-amz-security-token` and `authorization`.
const SENT_HEADERS: usize = 6;

/// Adds the endpoint's host, path prefix and headers to `request`; returns the absolute URL.
fn prepare(request: &mut HttpRequest, target: &Target) -> Result<String, String> {
    let (scheme, authority, base_path) = crate::http::split_endpoint_url(&target.url)?;
    let host = match (scheme, authority.rsplit_once(':')) {
        ("https", Some((host, "443"))) | ("http", Some((host, "80"))) => host,
        _ => authority,
    };
    if let Cow::Owned(joined) = crate::http::join_endpoint_path(base_path, &request.uri) {
        request.uri = joined;
    }
    // Room for the headers this and signing add, so the list grows once.
    request.headers.reserve(SENT_HEADERS + target.headers.len());
    request.headers.insert("host", host);
    for (name, value) in &target.headers {
        request.headers.append(name.clone(), value.as_str());
    }
    request.headers.insert("user-agent", concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION")));
    let mut url = String::with_capacity(scheme.len() + 3 + authority.len() + request.uri.len());
    for part in [scheme, "://", authority, &request.uri] {
        url.push_str(part);
    }
    Ok(url)
}

// ---------------------------------------------------------------------------
// Retries: classification, quota, backoff
// ---------------------------------------------------------------------------

/// Error codes AWS services use for throttling.
const THROTTLING_CODES: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "TransactionInProgressException",
    "RequestLimitExceeded",
    "BandwidthLimitExceeded",
    "LimitExceededException",
    "RequestThrottled",
    "SlowDown",
    "PriorRequestNotComplete",
    "EC2ThrottledException",
];

/// Error codes of transient failures.
const TRANSIENT_CODES: &[&str] = &["RequestTimeout", "RequestTimeoutException"];

/// Statuses of transient server failures.
const TRANSIENT_STATUSES: &[u16] = &[500, 502, 503, 504];

/// The standard mode's classification of an error the model does not mark `@retryable`.
fn classify(code: Option<&str>, status: u16) -> Option<RetryKind> {
    match code {
        Some(code) if THROTTLING_CODES.contains(&code) => Some(RetryKind::Throttling),
        Some(code) if TRANSIENT_CODES.contains(&code) => Some(RetryKind::Transient),
        _ if TRANSIENT_STATUSES.contains(&status) => Some(RetryKind::Transient),
        _ => None,
    }
}

/// The standard mode's retry quota: a bucket of 500 tokens shared by a client's calls.
/// A retry takes [`retry_cost`]; a success after retries gives the last retry's cost back, a
/// first-attempt success 1, so a failing service is not hammered by every caller's retries at
/// once.
#[derive(Debug)]
struct RetryQuota {
    tokens: Mutex<u32>,
}

const QUOTA_CAPACITY: u32 = 500;

/// What a retry takes from the quota. Before 2026: 5, or 10 after a timeout or a lost
/// connection (the service may still be working on the first attempt). From 2026: 14, or 5
/// after throttling (the service asked to be called again later).
fn retry_cost(behavior: RetryBehavior, kind: RetryKind, lost: bool) -> u32 {
    match (behavior, kind) {
        (RetryBehavior::Standard2026, RetryKind::Throttling) => 5,
        (RetryBehavior::Standard2026, _) => 14,
        (_, _) if lost => 10,
        (_, _) => 5,
    }
}

impl RetryQuota {
    fn new() -> Self {
        RetryQuota { tokens: Mutex::new(QUOTA_CAPACITY) }
    }

    fn acquire(&self, cost: u32) -> bool {
        let mut tokens = self.tokens.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if *tokens < cost {
            return false;
        }
        *tokens -= cost;
        true
    }

    /// A call succeeded; `taken` is what its last retry took (0: it needed none).
    fn succeeded(&self, taken: u32) {
        let refund = if taken == 0 { 1 } else { taken };
        let mut tokens = self.tokens.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        *tokens = (*tokens + refund).min(QUOTA_CAPACITY);
    }
}

/// Exponential backoff with full jitter: a random wait in `[0, base * 2^(attempt-1))` (the base
/// as [`RetryConfig`] gives it for the error's kind), capped at the maximum: after the jitter
/// before 2026, before it from 2026. From 2026 a server's `x-amz-retry-after` (milliseconds)
/// replaces it, kept within `[backoff, backoff + 5 s]`; a value that is not a number is ignored.
fn backoff(
    retry: &RetryConfig,
    tuning: RetryTuning,
    kind: RetryKind,
    attempt: u32,
    retry_after: Option<&str>,
) -> Duration {
    let base = retry.base_for(kind, tuning).as_secs_f64();
    let exponential = base * 2f64.powi(attempt.saturating_sub(1).min(30) as i32);
    let max = retry.max_backoff().as_secs_f64();
    let seconds = |s: f64| Duration::try_from_secs_f64(s).unwrap_or(retry.max_backoff());
    if retry.behavior() != RetryBehavior::Standard2026 {
        return seconds((random_unit() * exponential).min(max));
    }
    let computed = seconds(random_unit() * exponential.min(max));
    match retry_after.and_then(|ms| ms.trim().parse::<u64>().ok()) {
        Some(ms) => Duration::from_millis(ms).clamp(computed, computed.saturating_add(Duration::from_secs(5))),
        None => computed,
    }
}

/// A random number in `[0, 1)`; jitter needs spread, not cryptographic strength.
pub(crate) fn random_unit() -> f64 {
    use std::collections::hash_map::RandomState;
    use std::hash::{BuildHasher, Hasher};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64
}

// ---------------------------------------------------------------------------
// Timeouts
// ---------------------------------------------------------------------------

/// Runs `future` until it completes (`Some`) or `timer` does (`None`).
pub(crate) async fn with_timeout<F: Future>(future: F, timer: crate::config::Sleep) -> Option<F::Output> {
    let mut future = Box::pin(future);
    let mut timer = timer;
    std::future::poll_fn(move |cx: &mut Context<'_>| {
        if let Poll::Ready(output) = future.as_mut().poll(cx) {
            return Poll::Ready(Some(output));
        }
        match timer.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(None),
            Poll::Pending => Poll::Pending,
        }
    })
    .await
}

// ---------------------------------------------------------------------------
// Pagination
// ---------------------------------------------------------------------------

/// An operation whose results come in pages (`@paginated`).
pub trait Paginated: Operation {
    /// What the service pages with: a string, or a map (DynamoDB's `LastEvaluatedKey`).
    type Token: PageToken;
    /// Sets the input's pagination token.
    fn set_token(input: &mut Self::Input, token: Option<Self::Token>);
    /// The output's token for the next page, if any.
    fn next_token(output: &Self::Output) -> Option<&Self::Token>;
}

/// A pagination token. An empty one, like an absent one, means there are no more pages.
pub trait PageToken: Clone + PartialEq + Send {
    /// Whether the token is empty.
    fn is_empty(&self) -> bool;
}

impl PageToken for String {
    fn is_empty(&self) -> bool {
        String::is_empty(self)
    }
}

impl<K: Clone + Eq + std::hash::Hash + Send, V: Clone + PartialEq + Send> PageToken
    for std::collections::HashMap<K, V>
{
    fn is_empty(&self) -> bool {
        std::collections::HashMap::is_empty(self)
    }
}

/// A paginated operation whose pages hold a list of items.
pub trait PaginatedItems: Paginated {
    /// One item of a page.
    type Item: Send;
    /// The page's items.
    fn into_items(output: Self::Output) -> Vec<Self::Item>;
}

/// The pages of a paginated call, fetched one at a time as [`PaginationStream::next`] is awaited.
/// It ends when the service returns no token, an empty one, or the token it was sent.
pub struct PaginationStream<O: Paginated> {
    handle: Arc<Handle>,
    input: Option<O::Input>,
    token: Option<O::Token>,
    // An input that failed to build, reported as the first page.
    failed: Option<BuildError>,
}

impl<O: Paginated> fmt::Debug for PaginationStream<O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PaginationStream")
            .field("operation", &O::NAME)
            .field("done", &self.input.is_none())
            .finish_non_exhaustive()
    }
}

impl<O: Paginated> PaginationStream<O>
where
    O::Input: Clone,
{
    /// Pages of `input`, the first with its token as given, each later one with the token
    /// of the page before. An input that failed to build is the first (and last) page's error.
    pub fn new(handle: Arc<Handle>, input: Result<O::Input, BuildError>) -> Self {
        let (input, failed) = match input {
            Ok(input) => (Some(input), None),
            Err(e) => (None, Some(e)),
        };
        PaginationStream { handle, input, token: None, failed }
    }

    /// The next page, or `None` after the last one (or after an error).
    pub async fn next(&mut self) -> Option<Result<O::Output, SdkError<O::Error>>> {
        if let Some(e) = self.failed.take() {
            return Some(Err(SdkError::construction(e)));
        }
        let mut input = self.input.take()?;
        if self.token.is_some() {
            O::set_token(&mut input, self.token.clone());
        }
        let result = invoke::<O>(&self.handle, input.clone()).await;
        if let Ok(output) = &result {
            let next = O::next_token(output).filter(|t| !t.is_empty()).cloned();
            if next.is_some() && next != self.token {
                self.token = next;
                self.input = Some(input);
            }
        }
        Some(result)
    }

    /// Every page, or the first error.
    pub async fn try_collect(mut self) -> Result<Vec<O::Output>, SdkError<O::Error>> {
        let mut pages = Vec::new();
        while let Some(page) = self.next().await {
            pages.push(page?);
        }
        Ok(pages)
    }

    /// The items of every page, one at a time.
    pub fn items(self) -> ItemStream<O>
    where
        O: PaginatedItems,
    {
        ItemStream { pages: self, buffered: VecDeque::new() }
    }
}

/// The items of a paginated call, across pages.
pub struct ItemStream<O: PaginatedItems> {
    pages: PaginationStream<O>,
    buffered: VecDeque<O::Item>,
}

impl<O: PaginatedItems> fmt::Debug for ItemStream<O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ItemStream").field("pages", &self.pages).field("buffered", &self.buffered.len()).finish()
    }
}

impl<O: PaginatedItems> ItemStream<O>
where
    O::Input: Clone,
{
    /// The next item, or `None` after the last one (or after an error).
    pub async fn next(&mut self) -> Option<Result<O::Item, SdkError<O::Error>>> {
        loop {
            if let Some(item) = self.buffered.pop_front() {
                return Some(Ok(item));
            }
            match self.pages.next().await? {
                Ok(page) => self.buffered.extend(O::into_items(page)),
                Err(e) => return Some(Err(e)),
            }
        }
    }

    /// Every item, or the first error.
    pub async fn try_collect(mut self) -> Result<Vec<O::Item>, SdkError<O::Error>> {
        let mut items = Vec::new();
        while let Some(item) = self.next().await {
            items.push(item?);
        }
        Ok(items)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_throttling_transient_and_client_errors() {
        assert_eq!(classify(Some("ThrottlingException"), 400), Some(RetryKind::Throttling));
        assert_eq!(classify(Some("RequestTimeout"), 400), Some(RetryKind::Transient));
        assert_eq!(classify(Some("InternalServerException"), 500), Some(RetryKind::Transient));
        assert_eq!(classify(None, 503), Some(RetryKind::Transient));
        assert_eq!(classify(Some("ValidationException"), 400), None);
        assert_eq!(classify(Some("AccessDeniedException"), 403), None);
        assert_eq!(classify(None, 404), None);
    }

    #[test]
    fn backoff_is_jittered_and_capped() {
        let retry = RetryConfig::standard();
        for attempt in 1..=10 {
            let cap = (2f64.powi(attempt as i32 - 1)).min(20.0);
            for kind in [RetryKind::Transient, RetryKind::Throttling] {
                let wait = backoff(&retry, RetryTuning::STANDARD, kind, attempt, None).as_secs_f64();
                assert!((0.0..=cap).contains(&wait), "attempt {attempt}: {wait} > {cap}");
            }
        }
        let waits: std::collections::BTreeSet<_> =
            (0..20).map(|_| backoff(&retry, RetryTuning::STANDARD, RetryKind::Transient, 3, None)).collect();
        assert!(waits.len() > 10, "jitter should spread waits: {waits:?}");
        let retry_after = backoff(&retry, RetryTuning::STANDARD, RetryKind::Throttling, 1, Some("9000"));
        assert!(retry_after <= Duration::from_secs(1), "before 2026 x-amz-retry-after is not read: {retry_after:?}");
    }

    #[test]
    fn the_2026_backoff_bases_depend_on_the_error_and_the_service() {
        let retry = RetryConfig::standard().with_behavior(RetryBehavior::Standard2026);
        let most = |kind, attempt| backoff(&retry, RetryTuning::STANDARD, kind, attempt, None);
        let dynamodb = |kind, attempt| backoff(&retry, RetryTuning::DYNAMODB, kind, attempt, None);
        for _ in 0..50 {
            assert!(most(RetryKind::Transient, 1) < Duration::from_millis(50));
            assert!(most(RetryKind::Transient, 3) < Duration::from_millis(200));
            assert!(dynamodb(RetryKind::Transient, 1) < Duration::from_millis(25));
            assert!(dynamodb(RetryKind::Throttling, 1) < Duration::from_secs(1));
            // The cap applies before the jitter: attempt 10's 512 s becomes a draw below 20 s.
            assert!(most(RetryKind::Throttling, 10) < Duration::from_secs(20));
        }
        let spread: std::collections::BTreeSet<_> = (0..20).map(|_| most(RetryKind::Throttling, 10)).collect();
        assert!(spread.len() > 10, "the capped wait is still jittered: {spread:?}");
        // A set base wins over the behavior's, for every kind.
        let set = retry.with_initial_backoff(Duration::from_millis(2));
        assert!(backoff(&set, RetryTuning::STANDARD, RetryKind::Throttling, 1, None) < Duration::from_millis(2));
        assert_eq!((retry.attempts_for(RetryTuning::DYNAMODB), retry.attempts_for(RetryTuning::STANDARD)), (4, 3));
        assert_eq!(retry.with_max_attempts(2).attempts_for(RetryTuning::DYNAMODB), 2);
        assert_eq!(RetryConfig::standard().attempts_for(RetryTuning::DYNAMODB), 3, "only from 2026");
    }

    #[test]
    fn the_2026_backoff_honours_x_amz_retry_after_within_five_seconds_of_its_own() {
        let retry = RetryConfig::standard().with_behavior(RetryBehavior::Standard2026);
        let wait = |header| backoff(&retry, RetryTuning::STANDARD, RetryKind::Transient, 1, Some(header));
        for _ in 0..50 {
            let asked = wait("1500");
            assert_eq!(asked, Duration::from_millis(1500), "within [backoff, backoff + 5 s]");
            let long = wait("60000");
            assert!(long <= Duration::from_millis(5050) && long >= Duration::from_secs(5), "{long:?}");
            assert!(wait("0") < Duration::from_millis(50), "never below the computed backoff");
            assert!(wait("soon") < Duration::from_millis(50), "a header that is not milliseconds is ignored");
        }
    }

    #[test]
    fn quota_runs_out_and_refills() {
        let quota = RetryQuota::new();
        let cost = retry_cost(RetryBehavior::Standard, RetryKind::Transient, false);
        let granted = (0..200).filter(|_| quota.acquire(cost)).count();
        assert_eq!(granted, (QUOTA_CAPACITY / cost) as usize);
        assert!(!quota.acquire(retry_cost(RetryBehavior::Standard, RetryKind::Transient, true)));
        quota.succeeded(cost);
        assert!(quota.acquire(cost));
        assert!(!quota.acquire(cost));
    }

    #[test]
    fn retry_costs_before_and_from_2026() {
        use RetryBehavior::{Standard, Standard2026};
        use RetryKind::{Throttling, Transient};
        assert_eq!(
            [
                retry_cost(Standard, Transient, false),
                retry_cost(Standard, Transient, true),
                retry_cost(Standard, Throttling, false)
            ],
            [5, 10, 5]
        );
        assert_eq!(
            [
                retry_cost(Standard2026, Transient, false),
                retry_cost(Standard2026, Transient, true),
                retry_cost(Standard2026, Throttling, false)
            ],
            [14, 14, 5]
        );
    }

    #[test]
    fn prepare_joins_endpoint_path_and_sets_host() {
        let mut request = HttpRequest::new("GET", "/ota-tasks/abc?x=1");
        let mut target = Target::new("https://example.com:443/base/");
        target.headers.push(("x-extra".into(), "1".into()));
        let url = prepare(&mut request, &target).unwrap();
        assert_eq!(url, "https://example.com:443/base/ota-tasks/abc?x=1");
        assert_eq!(request.uri, "/base/ota-tasks/abc?x=1");
        assert_eq!(request.headers.get("host"), Some("example.com"));
        assert_eq!(request.headers.get("x-extra"), Some("1"));

        let mut request = HttpRequest::new("GET", "/a");
        let url = prepare(&mut request, &Target::new("http://127.0.0.1:8080")).unwrap();
        assert_eq!(url, "http://127.0.0.1:8080/a");
        assert_eq!(request.headers.get("host"), Some("127.0.0.1:8080"));
        assert!(prepare(&mut request, &Target::new("no-scheme")).is_err());
    }

    #[test]
    fn reads_sigv4_overrides_from_auth_schemes() {
        let scheme = Document::Object(
            [
                ("name".to_owned(), Document::String("sigv4".into())),
                ("signingName".to_owned(), Document::String("custom".into())),
                ("signingRegion".to_owned(), Document::String("eu-west-1".into())),
            ]
            .into_iter()
            .collect(),
        );
        let properties: std::collections::BTreeMap<String, Document> =
            [("authSchemes".to_owned(), Document::Array(vec![scheme]))].into_iter().collect();
        let target = Target::new("https://x").with_properties(&properties);
        assert_eq!(target.signing_name.as_deref(), Some("custom"));
        assert_eq!(target.signing_region.as_deref(), Some("eu-west-1"));
        assert_eq!(target.unsupported_auth, None);
    }

    /// `authSchemes` of the names given, each with a signing name.
    fn schemes(names: &[&str]) -> std::collections::BTreeMap<String, Document> {
        let scheme = |name: &str| {
            Document::Object(
                [
                    ("name".to_owned(), Document::String(name.into())),
                    ("signingName".to_owned(), Document::String(format!("{name}-service"))),
                ]
                .into_iter()
                .collect(),
            )
        };
        [("authSchemes".to_owned(), Document::Array(names.iter().map(|name| scheme(name)).collect()))]
            .into_iter()
            .collect()
    }

    #[test]
    fn auth_schemes_choose_sigv4_or_s3_express_or_name_what_they_lack() {
        // S3 Express One Zone: session auth, with the scheme's signing name.
        let target = Target::new("https://x").with_properties(&schemes(&["sigv4-s3express"]));
        assert!(target.s3_express);
        assert_eq!(target.unsupported_auth, None);
        assert_eq!(target.signing_name.as_deref(), Some("sigv4-s3express-service"));
        // A Multi-Region Access Point: sigv4a only (these tests run with the feature).
        let target = Target::new("https://x").with_properties(&schemes(&["sigv4a"]));
        assert!(target.sigv4a && !target.s3_express);
        assert_eq!(target.unsupported_auth, None);
        assert_eq!(target.signing_region_set, None);
        // A scheme no client signs with.
        let target = Target::new("https://x").with_properties(&schemes(&["bearer-mystery"]));
        assert_eq!(target.unsupported_auth.as_deref(), Some("bearer-mystery"));
        // The first scheme this client signs with, in the endpoint's order of preference.
        let target = Target::new("https://x").with_properties(&schemes(&["sigv4a", "sigv4"]));
        assert_eq!(target.signing_name.as_deref(), Some("sigv4a-service"));
        let target = Target::new("https://x").with_properties(&schemes(&["bearer-mystery", "sigv4"]));
        assert_eq!(target.unsupported_auth, None);
        assert_eq!(target.signing_name.as_deref(), Some("sigv4-service"));
        // No authSchemes: the service's own sigv4.
        let target = Target::new("https://x").with_properties(&std::collections::BTreeMap::new());
        assert_eq!((target.unsupported_auth, target.signing_name, target.s3_express), (None, None, false));
    }

    const EXPRESS_BUCKET: &str = "bucket--use1-az4--x-s3";

    /// An operation whose endpoint takes S3 Express session auth only.
    struct ExpressGet;

    impl Operation for ExpressGet {
        type Input = ();
        type Output = ();
        type Error = crate::error::Unhandled;
        const NAME: &'static str = "GetObject";
        fn serialize(_: &()) -> Result<HttpRequest, BuildError> {
            Ok(HttpRequest::new("GET", "/key"))
        }
        fn deserialize(_: &HttpResponse) -> Result<(), crate::error::Unhandled> {
            Ok(())
        }
        fn endpoint(_: &Config, _: &()) -> Result<Target, BoxError> {
            let url = "https://bucket--use1-az4--x-s3.s3express-use1-az4.us-east-1.amazonaws.com";
            let mut target = Target::new(url).with_properties(&schemes(&["sigv4-s3express"]));
            target.bucket = Some(EXPRESS_BUCKET.to_owned());
            Ok(target)
        }
        fn retry_kind(_: &crate::error::Unhandled) -> Option<RetryKind> {
            None
        }
    }

    /// A transport that keeps the requests it is given and answers each with a 200.
    #[derive(Debug, Default)]
    struct Recording(Arc<Mutex<Vec<HttpRequest>>>);

    impl crate::config::HttpClient for Recording {
        fn call<'a>(&'a self, _url: &'a str, request: &'a HttpRequest) -> crate::config::HttpFuture<'a> {
            self.0.lock().unwrap().push(request.clone());
            Box::pin(std::future::ready(Ok(HttpResponse::new(200, crate::http::Headers::new(), ""))))
        }
    }

    /// 2026-12-01T10:00:00Z, and the config's clock, moved by the tests.
    const NOW: u64 = 1_796_119_200;
    static CLOCK: AtomicU64 = AtomicU64::new(NOW);

    fn express_handle(sent: &Arc<Mutex<Vec<HttpRequest>>>) -> Handle {
        let config = Config::builder()
            .region("us-east-1")
            .credentials_provider(Credentials::new("AKID", "secret", Some("base-token".into()), None))
            .http_client(Recording(sent.clone()))
            .time_source(|| SystemTime::UNIX_EPOCH + Duration::from_secs(CLOCK.load(Ordering::SeqCst)))
            .build();
        Handle::new(config, Some("s3")).with_signing_settings(SigningSettings::S3)
    }

    #[test]
    fn an_s3_express_endpoint_without_create_session_fails_before_it_is_sent() {
        let sent = Arc::new(Mutex::new(Vec::new()));
        let result = crate::protocol_test_util::block_on(invoke::<ExpressGet>(&express_handle(&sent), ()));
        let Err(error @ SdkError::ConstructionFailure(_)) = result else {
            panic!("expected a construction failure, got {result:?}")
        };
        let reason = StdError::source(&error).map(ToString::to_string).unwrap_or_default();
        assert!(reason.contains("sigv4-s3express") && reason.contains("CreateSession"), "{reason}");
        assert!(sent.lock().unwrap().is_empty());
    }

    /// The sessions the fake `CreateSession` has opened.
    static SESSIONS_OPENED: AtomicU64 = AtomicU64::new(0);

    /// A `CreateSession` that opens session `n` for five minutes from the clock's time.
    fn fake_create_session<'a>(
        handle: &'a Handle,
        bucket: &'a str,
    ) -> crate::credentials::ProvideCredentialsFuture<'a> {
        assert_eq!(bucket, EXPRESS_BUCKET);
        let now = handle.config().time_source().map(|now| now()).unwrap();
        let n = SESSIONS_OPENED.fetch_add(1, Ordering::SeqCst) + 1;
        let session = Credentials::new(
            format!("SESSIONKEY{n}"),
            "session-secret",
            Some(format!("session-token-{n}")),
            Some(now + Duration::from_secs(300)),
        );
        Box::pin(std::future::ready(Ok(session)))
    }

    #[test]
    fn s3_express_requests_are_signed_with_the_bucket_session_until_it_nears_expiry() {
        let sent = Arc::new(Mutex::new(Vec::new()));
        let handle = express_handle(&sent).with_s3_express(fake_create_session);
        let call = || crate::protocol_test_util::block_on(invoke::<ExpressGet>(&handle, ())).unwrap();
        call();
        // Reused within its five minutes, less the ten seconds' margin.
        CLOCK.store(NOW + 289, Ordering::SeqCst);
        call();
        assert_eq!(SESSIONS_OPENED.load(Ordering::SeqCst), 1);
        CLOCK.store(NOW + 291, Ordering::SeqCst);
        call();
        assert_eq!(SESSIONS_OPENED.load(Ordering::SeqCst), 2);
        let sent = sent.lock().unwrap();
        for (request, n) in sent.iter().zip([1, 1, 2]) {
            assert_eq!(request.headers.get("x-amz-s3session-token"), Some(format!("session-token-{n}").as_str()));
            assert!(!request.headers.contains("x-amz-security-token"));
            let authorization = request.headers.get("authorization").unwrap();
            assert!(authorization.contains(&format!("Credential=SESSIONKEY{n}/")), "{authorization}");
            assert!(authorization.contains("/us-east-1/sigv4-s3express-service/aws4_request"), "{authorization}");
            assert!(authorization.contains("x-amz-s3session-token"), "signed: {authorization}");
        }
    }

    #[test]
    fn the_session_cache_drops_expired_then_oldest_sessions_when_full() {
        let sessions = Sessions::default();
        let at = |secs: u64| SystemTime::UNIX_EPOCH + Duration::from_secs(secs);
        let session = |expiry: u64| Credentials::new("S", "s", None, Some(at(expiry)));
        for i in 0..Sessions::MAX {
            // Half expire at 100 s, half at 1000 s + i.
            let expiry = if i % 2 == 0 { 100 } else { 1000 + i as u64 };
            sessions.put(&format!("b{i}"), "AKID", session(expiry), at(0));
        }
        sessions.put("new", "AKID", session(5000), at(500));
        assert_eq!(sessions.0.lock().unwrap().len(), Sessions::MAX / 2 + 1);
        assert!(sessions.get("b0", "AKID", at(500)).is_none());
        assert!(sessions.get("b1", "AKID", at(500)).is_some());
        // Another key's session is not this one's.
        assert!(sessions.get("b1", "OTHER", at(500)).is_none());
        // 51 and 50 more: the last one makes room by dropping the one expiring first, b1.
        for i in 0..Sessions::MAX / 2 {
            sessions.put(&format!("c{i}"), "AKID", session(6000), at(500));
        }
        assert_eq!(sessions.0.lock().unwrap().len(), Sessions::MAX);
        assert!(sessions.get("b1", "AKID", at(500)).is_none());
        assert!(sessions.get("b3", "AKID", at(500)).is_some());
        assert!(sessions.get("new", "AKID", at(500)).is_some());
    }

    /// An operation on a Multi-Region Access Point, whose endpoint takes SigV4a only.
    struct MrapGet;

    impl Operation for MrapGet {
        type Input = ();
        type Output = ();
        type Error = crate::error::Unhandled;
        const NAME: &'static str = "GetObject";
        fn serialize(_: &()) -> Result<HttpRequest, BuildError> {
            Ok(HttpRequest::new("GET", "/key"))
        }
        fn deserialize(_: &HttpResponse) -> Result<(), crate::error::Unhandled> {
            Ok(())
        }
        fn endpoint(_: &Config, _: &()) -> Result<Target, BoxError> {
            let scheme = Document::Object(
                [
                    ("name".to_owned(), Document::String("sigv4a".into())),
                    ("signingName".to_owned(), Document::String("s3".into())),
                    ("signingRegionSet".to_owned(), Document::Array(vec![Document::String("*".into())])),
                ]
                .into_iter()
                .collect(),
            );
            let properties: std::collections::BTreeMap<String, Document> =
                [("authSchemes".to_owned(), Document::Array(vec![scheme]))].into_iter().collect();
            let url = "https://mfzwi23gnjvgw.mrap.accesspoint.s3-global.amazonaws.com";
            Ok(Target::new(url).with_properties(&properties))
        }
        fn retry_kind(_: &crate::error::Unhandled) -> Option<RetryKind> {
            None
        }
    }

    #[test]
    fn a_sigv4a_endpoint_is_signed_with_sigv4a_for_its_region_set() {
        let sent = Arc::new(Mutex::new(Vec::new()));
        crate::protocol_test_util::block_on(invoke::<MrapGet>(&express_handle(&sent), ())).unwrap();
        let sent = sent.lock().unwrap();
        let request = &sent[0];
        assert_eq!(request.headers.get("x-amz-region-set"), Some("*"));
        // The config's session token, as SigV4 sends it.
        assert_eq!(request.headers.get("x-amz-security-token"), Some("base-token"));
        let authorization = request.headers.get("authorization").unwrap();
        let date = &request.headers.get("x-amz-date").unwrap()[..8];
        let scope = format!("AWS4-ECDSA-P256-SHA256 Credential=AKID/{date}/s3/aws4_request, SignedHeaders=");
        assert!(authorization.starts_with(&scope), "{authorization}");
        assert!(authorization.contains("x-amz-region-set"), "signed: {authorization}");
    }
}
