//! Client configuration: Region, credentials, endpoint, retries, timeouts, and the two
//! pluggable pieces of I/O, the HTTP client ([`HttpClient`]) and the timer ([`AsyncSleep`]).
//!
//! One [`Config`] serves every service's client: load it once (with `smithy-config`, which adds
//! the default HTTPS transport and timer through [`DefaultIo`]) and hand it to each
//! `Client::new`; clones share the credentials provider and the HTTP client's connections.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use crate::byte_stream::{ByteStream, ByteStreamErrorKind};
use crate::credentials::{Env, LocalCredentialsChain, ProvideCredentials};
use crate::http::{HttpRequest, HttpResponse, StreamingResponse};
pub use crate::http::{RequestChecksumCalculation, ResponseChecksumValidation};

/// The future an [`HttpClient`] returns.
pub type HttpFuture<'a> = Pin<Box<dyn Future<Output = Result<HttpResponse, ConnectorError>> + Send + 'a>>;

/// The future [`HttpClient::call_streaming`] returns.
pub type StreamingFuture<'a> = Pin<Box<dyn Future<Output = Result<StreamingResponse, ConnectorError>> + Send + 'a>>;

/// Sends HTTP requests: implement it to carry requests over your own HTTP stack.
pub trait HttpClient: Send + Sync + fmt::Debug {
    /// Sends `request` to `url`, the absolute URL (endpoint, path and query) of the request,
    /// whose `uri` holds the same path and query. The response body is read completely.
    fn call<'a>(&'a self, url: &'a str, request: &'a HttpRequest) -> HttpFuture<'a>;

    /// [`call`](Self::call) for `@streaming` bodies: `body`, when given, is the request's body
    /// in place of `request.body` (then empty, and the `Content-Length` header, if any, is the
    /// stream's), and the response's body is returned unread, to be polled.
    ///
    /// The default keeps an HTTP client that only has `call` working, in memory: it collects
    /// `body` (a failed read is an I/O error, a length mismatch another error), calls `call`,
    /// and returns its body as a [`ByteStream`]. Transports that can stream implement it.
    fn call_streaming<'a>(
        &'a self,
        url: &'a str,
        request: &'a HttpRequest,
        body: Option<ByteStream>,
    ) -> StreamingFuture<'a> {
        Box::pin(async move {
            let response = match body {
                None => self.call(url, request).await?,
                Some(body) => {
                    let body = body.collect().await.map_err(|e| match e.kind() {
                        ByteStreamErrorKind::Io => ConnectorError::io(e),
                        _ => ConnectorError::other(e),
                    })?;
                    let request = HttpRequest { body: body.into_bytes(), ..request.clone() };
                    self.call(url, &request).await?
                }
            };
            Ok(StreamingResponse { status: response.status, headers: response.headers, body: response.body.into() })
        })
    }
}

/// A shared client sends as the client it shares, so one can serve many configs.
impl<T: HttpClient + ?Sized> HttpClient for Arc<T> {
    fn call<'a>(&'a self, url: &'a str, request: &'a HttpRequest) -> HttpFuture<'a> {
        (**self).call(url, request)
    }

    fn call_streaming<'a>(
        &'a self,
        url: &'a str,
        request: &'a HttpRequest,
        body: Option<ByteStream>,
    ) -> StreamingFuture<'a> {
        (**self).call_streaming(url, request, body)
    }
}

/// The future an [`AsyncSleep`] returns.
pub type Sleep = Pin<Box<dyn Future<Output = ()> + Send>>;

/// A timer, for backoff between attempts and for timeouts.
pub trait AsyncSleep: Send + Sync + fmt::Debug {
    /// A future that completes after `duration`.
    fn sleep(&self, duration: Duration) -> Sleep;
}

impl<T: AsyncSleep + ?Sized> AsyncSleep for Arc<T> {
    fn sleep(&self, duration: Duration) -> Sleep {
        (**self).sleep(duration)
    }
}

/// Why the HTTP client could not produce a response.
#[derive(Debug)]
pub struct ConnectorError {
    kind: ConnectorErrorKind,
    source: Box<dyn std::error::Error + Send + Sync>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ConnectorErrorKind {
    Timeout,
    Io,
    Other,
}

impl ConnectorError {
    /// The connection or the response timed out; worth retrying.
    pub fn timeout(source: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        Self::new(ConnectorErrorKind::Timeout, source)
    }

    /// A transient I/O failure (refused or reset connection, broken pipe); worth retrying.
    pub fn io(source: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        Self::new(ConnectorErrorKind::Io, source)
    }

    /// Any other failure, such as an invalid URL or a TLS error; not retried.
    pub fn other(source: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        Self::new(ConnectorErrorKind::Other, source)
    }

    fn new(kind: ConnectorErrorKind, source: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        ConnectorError { kind, source: source.into() }
    }

    /// Whether this is a timeout.
    pub fn is_timeout(&self) -> bool {
        self.kind == ConnectorErrorKind::Timeout
    }

    /// Whether this is a transient I/O failure.
    pub fn is_io(&self) -> bool {
        self.kind == ConnectorErrorKind::Io
    }
}

impl fmt::Display for ConnectorError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The details are in `source()`.
        f.write_str(match self.kind {
            ConnectorErrorKind::Timeout => "timed out",
            ConnectorErrorKind::Io => "I/O error",
            ConnectorErrorKind::Other => "HTTP client error",
        })
    }
}

impl std::error::Error for ConnectorError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&*self.source)
    }
}

/// Which generation of AWS's standard retry rules a [`RetryConfig`] follows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum RetryBehavior {
    /// The rules before 2026: every error backs off from 1 s, and a retry costs the quota 5
    /// tokens (10 after a timeout or a lost connection).
    #[default]
    Standard,
    /// The rules AWS SDKs adopted in 2026 ("retry behavior 2.1"; `AWS_NEW_RETRIES_2026=true`
    /// turns it on in [`Config::from_env`]): transient errors back off from 50 ms (25 ms for
    /// DynamoDB, which also gets 4 attempts), throttling errors from 1 s; the cap applies
    /// before the jitter; a server's `x-amz-retry-after` is honoured within the computed backoff
    /// plus 5 s; a retry costs 14 tokens, 5 after throttling; and a long-polling operation (SQS
    /// `ReceiveMessage`) still backs off when the quota refuses a retry.
    Standard2026,
}

/// How failed attempts are retried: AWS's standard mode. Attempts and backoff not set here are
/// the [`RetryBehavior`]'s defaults for the service.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryConfig {
    max_attempts: Option<u32>,
    initial_backoff: Option<Duration>,
    max_backoff: Duration,
    behavior: RetryBehavior,
}

/// The transient-error backoff base of [`RetryBehavior::Standard2026`] for most services.
const TRANSIENT_BACKOFF_2026: Duration = Duration::from_millis(50);

impl RetryConfig {
    /// Standard mode: 3 attempts in all (the service's default), backoff with full jitter from
    /// 1 s doubling up to 20 s.
    pub fn standard() -> Self {
        RetryConfig {
            max_attempts: None,
            initial_backoff: None,
            max_backoff: Duration::from_secs(20),
            behavior: RetryBehavior::Standard,
        }
    }

    /// One attempt, no retries.
    pub fn disabled() -> Self {
        Self::standard().with_max_attempts(1)
    }

    /// The number of attempts in all, the first included (at least 1).
    pub fn with_max_attempts(mut self, max_attempts: u32) -> Self {
        self.max_attempts = Some(max_attempts.max(1));
        self
    }

    /// The base of the exponential backoff, for every kind of error.
    pub fn with_initial_backoff(mut self, initial_backoff: Duration) -> Self {
        self.initial_backoff = Some(initial_backoff);
        self
    }

    /// The longest wait between two attempts.
    pub fn with_max_backoff(mut self, max_backoff: Duration) -> Self {
        self.max_backoff = max_backoff;
        self
    }

    /// Which generation of the standard rules applies.
    pub fn with_behavior(mut self, behavior: RetryBehavior) -> Self {
        self.behavior = behavior;
        self
    }

    /// The number of attempts in all, as set or as the behavior gives services without a
    /// tuning of their own (3).
    pub fn max_attempts(&self) -> u32 {
        self.max_attempts.unwrap_or(3)
    }

    /// The base of the exponential backoff, as set or as the behavior gives throttling errors
    /// (1 s; transient errors back off from 50 ms under [`RetryBehavior::Standard2026`]).
    pub fn initial_backoff(&self) -> Duration {
        self.initial_backoff.unwrap_or(Duration::from_secs(1))
    }

    /// The longest wait between two attempts.
    pub fn max_backoff(&self) -> Duration {
        self.max_backoff
    }

    /// Which generation of the standard rules applies.
    pub fn behavior(&self) -> RetryBehavior {
        self.behavior
    }

    /// The attempts for a service with `tuning`: the set number, else the behavior's default.
    pub(crate) fn attempts_for(&self, tuning: RetryTuning) -> u32 {
        match (self.max_attempts, self.behavior) {
            (Some(set), _) => set,
            (None, RetryBehavior::Standard2026) => tuning.max_attempts,
            (None, _) => 3,
        }
    }

    /// The backoff base for an error of `kind` at a service with `tuning`.
    pub(crate) fn base_for(&self, kind: crate::orchestrator::RetryKind, tuning: RetryTuning) -> Duration {
        match (self.initial_backoff, self.behavior) {
            (Some(set), _) => set,
            (None, RetryBehavior::Standard2026) if kind == crate::orchestrator::RetryKind::Transient => {
                tuning.transient_backoff
            }
            (None, _) => Duration::from_secs(1),
        }
    }

    /// The behavior the environment asks for: [`RetryBehavior::Standard2026`] when
    /// `AWS_NEW_RETRIES_2026` is `true` (in any case), and `AWS_MAX_ATTEMPTS` attempts, as AWS
    /// SDKs read them.
    pub(crate) fn from_env(env: &Env) -> Self {
        let new = env.get("AWS_NEW_RETRIES_2026").is_some_and(|v| v.trim().eq_ignore_ascii_case("true"));
        let behavior = if new { RetryBehavior::Standard2026 } else { RetryBehavior::Standard };
        let retry = Self::standard().with_behavior(behavior);
        match env.get("AWS_MAX_ATTEMPTS").and_then(|v| v.trim().parse::<u32>().ok()).filter(|n| *n > 0) {
            Some(attempts) => retry.with_max_attempts(attempts),
            None => retry,
        }
    }
}

/// What a service's SDKs tune in [`RetryBehavior::Standard2026`]'s defaults: the generated
/// client passes [`RetryTuning::DYNAMODB`] for DynamoDB and DynamoDB Streams.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryTuning {
    max_attempts: u32,
    transient_backoff: Duration,
}

impl RetryTuning {
    /// Most services: 3 attempts, transient errors back off from 50 ms.
    pub const STANDARD: RetryTuning = RetryTuning { max_attempts: 3, transient_backoff: TRANSIENT_BACKOFF_2026 };
    /// DynamoDB and DynamoDB Streams: 4 attempts, transient errors back off from 25 ms.
    pub const DYNAMODB: RetryTuning = RetryTuning { max_attempts: 4, transient_backoff: Duration::from_millis(25) };
}

impl Default for RetryConfig {
    fn default() -> Self {
        Self::standard()
    }
}

/// Timeouts; unset ones do not apply.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TimeoutConfig {
    connect: Option<Duration>,
    operation: Option<Duration>,
    attempt: Option<Duration>,
}

impl TimeoutConfig {
    /// No timeouts.
    pub fn new() -> Self {
        Self::default()
    }

    /// How long the default HTTP client may take to open a connection.
    pub fn with_connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect = Some(timeout);
        self
    }

    /// How long a whole call may take, all attempts and backoff included.
    pub fn with_operation_timeout(mut self, timeout: Duration) -> Self {
        self.operation = Some(timeout);
        self
    }

    /// How long one attempt may take; a timed-out attempt is retried.
    pub fn with_attempt_timeout(mut self, timeout: Duration) -> Self {
        self.attempt = Some(timeout);
        self
    }

    /// How long the default HTTP client may take to open a connection.
    pub fn connect_timeout(&self) -> Option<Duration> {
        self.connect
    }

    /// How long a whole call may take.
    pub fn operation_timeout(&self) -> Option<Duration> {
        self.operation
    }

    /// How long one attempt may take.
    pub fn attempt_timeout(&self) -> Option<Duration> {
        self.attempt
    }
}

/// The HTTP client and timer a [`Builder`] fills in when none is set: how a transport crate
/// (`smithy-config`: hyper, rustls and tokio) supplies its defaults without this crate, or any
/// service crate, depending on it. They are made when the config is built, so the HTTP client
/// honours the connect timeout set on the builder.
pub trait DefaultIo: Send + Sync + fmt::Debug {
    /// The HTTP client, connecting within `timeouts`' connect timeout.
    fn http_client(&self, timeouts: &TimeoutConfig) -> Arc<dyn HttpClient>;
    /// The timer.
    fn sleep(&self) -> Arc<dyn AsyncSleep>;
}

/// Where the clock comes from; signing needs the current time.
pub type TimeSource = Arc<dyn Fn() -> SystemTime + Send + Sync>;

/// The configuration of clients: one can serve the clients of every service (clones share the
/// credentials provider and the HTTP client). Build one with [`Config::builder`] or start from
/// the environment with [`Config::from_env`]; `smithy_config::from_env()` does the latter with
/// the default HTTPS transport.
#[derive(Clone)]
pub struct Config {
    pub(crate) region: Option<String>,
    pub(crate) credentials: Option<Arc<dyn ProvideCredentials>>,
    pub(crate) endpoint_url: Option<String>,
    pub(crate) use_fips: bool,
    pub(crate) use_dual_stack: bool,
    pub(crate) retry: RetryConfig,
    pub(crate) timeouts: TimeoutConfig,
    pub(crate) http_client: Option<Arc<dyn HttpClient>>,
    pub(crate) sleep: Option<Arc<dyn AsyncSleep>>,
    pub(crate) time_source: Option<TimeSource>,
    pub(crate) disable_request_compression: bool,
    pub(crate) request_min_compression_size_bytes: u32,
    pub(crate) s3: S3Settings,
    pub(crate) request_checksum_calculation: RequestChecksumCalculation,
    pub(crate) response_checksum_validation: ResponseChecksumValidation,
}

/// S3's endpoint settings (the rules' `AWS::S3::*` built-ins), as aws-sdk-s3's config has them;
/// the clients of other services ignore them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct S3Settings {
    /// Path-style addressing (`https://s3.../bucket/key`) rather than virtual-hosted.
    pub force_path_style: bool,
    /// S3 Transfer Acceleration endpoints.
    pub accelerate: bool,
    /// An access point ARN's Region rather than the configured one.
    pub use_arn_region: bool,
    /// No Multi-Region Access Points.
    pub disable_multi_region_access_points: bool,
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("region", &self.region)
            .field("credentials", &self.credentials)
            .field("endpoint_url", &self.endpoint_url)
            .field("use_fips", &self.use_fips)
            .field("use_dual_stack", &self.use_dual_stack)
            .field("retry", &self.retry)
            .field("timeouts", &self.timeouts)
            .field("http_client", &self.http_client)
            .field("sleep", &self.sleep)
            .field("disable_request_compression", &self.disable_request_compression)
            .field("request_min_compression_size_bytes", &self.request_min_compression_size_bytes)
            .field("s3", &self.s3)
            .field("request_checksum_calculation", &self.request_checksum_calculation)
            .field("response_checksum_validation", &self.response_checksum_validation)
            .finish_non_exhaustive()
    }
}

impl Config {
    /// An empty builder: no Region, no credentials, standard retries, no timeouts.
    pub fn builder() -> Builder {
        Builder::default()
    }

    /// A builder preset from the environment as AWS SDKs read it, without the network: the
    /// Region from `AWS_REGION`, `AWS_DEFAULT_REGION` or the selected profile, credentials from
    /// the [`LocalCredentialsChain`] (environment variables, then the static keys of the shared
    /// `~/.aws` files), and the retry behavior (`AWS_NEW_RETRIES_2026`, `AWS_MAX_ATTEMPTS`).
    /// `smithy_config::load_from_env()` resolves the whole default chain (roles, SSO, web
    /// identity, containers, IMDS) instead.
    pub fn from_env() -> Builder {
        Self::from_env_of(&Env::process())
    }

    /// [`from_env`](Self::from_env), reading `env` instead of the process environment.
    pub fn from_env_of(env: &Env) -> Builder {
        let mut builder = Builder::default().credentials_provider(LocalCredentialsChain::with_env(env.clone()));
        builder.config.region = crate::credentials::default_region(env);
        builder.config.retry = RetryConfig::from_env(env);
        let when_required = |name: &str| env.get(name).is_some_and(|v| v.trim().eq_ignore_ascii_case("when_required"));
        if when_required("AWS_REQUEST_CHECKSUM_CALCULATION") {
            builder.config.request_checksum_calculation = RequestChecksumCalculation::WhenRequired;
        }
        if when_required("AWS_RESPONSE_CHECKSUM_VALIDATION") {
            builder.config.response_checksum_validation = ResponseChecksumValidation::WhenRequired;
        }
        builder
    }

    /// The Region requests are signed for and sent to.
    pub fn region(&self) -> Option<&str> {
        self.region.as_deref()
    }

    /// The endpoint URL that replaces the one the endpoint rules choose.
    pub fn endpoint_url(&self) -> Option<&str> {
        self.endpoint_url.as_deref()
    }

    /// Whether FIPS endpoints are used.
    pub fn use_fips(&self) -> bool {
        self.use_fips
    }

    /// Whether dual-stack (IPv4 and IPv6) endpoints are used.
    pub fn use_dual_stack(&self) -> bool {
        self.use_dual_stack
    }

    /// How failed attempts are retried.
    pub fn retry_config(&self) -> &RetryConfig {
        &self.retry
    }

    /// The timeouts.
    pub fn timeout_config(&self) -> &TimeoutConfig {
        &self.timeouts
    }

    /// Whether `@requestCompression` operations send their bodies uncompressed.
    pub fn disable_request_compression(&self) -> bool {
        self.disable_request_compression
    }

    /// The smallest request body `@requestCompression` operations compress, in bytes.
    pub fn request_min_compression_size_bytes(&self) -> u32 {
        self.request_min_compression_size_bytes
    }

    /// S3's endpoint settings.
    pub fn s3(&self) -> &S3Settings {
        &self.s3
    }

    /// When requests get a checksum their operation supports but does not require.
    pub fn request_checksum_calculation(&self) -> RequestChecksumCalculation {
        self.request_checksum_calculation
    }

    /// When responses' checksums are validated.
    pub fn response_checksum_validation(&self) -> ResponseChecksumValidation {
        self.response_checksum_validation
    }

    /// The credentials provider, shared by every client of this config.
    pub fn credentials_provider(&self) -> Option<Arc<dyn ProvideCredentials>> {
        self.credentials.clone()
    }

    /// The HTTP client, shared by every client of this config.
    pub fn http_client(&self) -> Option<Arc<dyn HttpClient>> {
        self.http_client.clone()
    }

    /// The timer.
    pub fn sleep_impl(&self) -> Option<Arc<dyn AsyncSleep>> {
        self.sleep.clone()
    }

    /// The clock, when one is set in place of the system clock.
    pub fn time_source(&self) -> Option<TimeSource> {
        self.time_source.clone()
    }

    /// A builder holding this configuration, to change some of it.
    pub fn to_builder(&self) -> Builder {
        Builder { config: self.clone(), default_io: None }
    }
}

/// Builds a [`Config`].
#[derive(Clone, Debug)]
pub struct Builder {
    config: Config,
    default_io: Option<Arc<dyn DefaultIo>>,
}

impl Default for Builder {
    fn default() -> Self {
        Builder {
            config: Config {
                region: None,
                credentials: None,
                endpoint_url: None,
                use_fips: false,
                use_dual_stack: false,
                retry: RetryConfig::standard(),
                timeouts: TimeoutConfig::new(),
                http_client: None,
                sleep: None,
                time_source: None,
                disable_request_compression: false,
                // AWS SDKs' default (10 KiB).
                request_min_compression_size_bytes: 10_240,
                s3: S3Settings::default(),
                request_checksum_calculation: RequestChecksumCalculation::WhenSupported,
                response_checksum_validation: ResponseChecksumValidation::WhenSupported,
            },
            default_io: None,
        }
    }
}

impl Builder {
    /// The Region to sign for and send to, e.g. `us-east-1`.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.config.region = Some(region.into());
        self
    }

    /// Where credentials come from: [`crate::credentials::Credentials`] for static keys, or
    /// any [`ProvideCredentials`].
    pub fn credentials_provider(mut self, provider: impl ProvideCredentials + 'static) -> Self {
        self.config.credentials = Some(Arc::new(provider));
        self
    }

    /// Sends every request to this URL (e.g. `http://localhost:4566`) instead of the endpoint
    /// the service's rules choose. Requests are still signed for the Region.
    pub fn endpoint_url(mut self, url: impl Into<String>) -> Self {
        self.config.endpoint_url = Some(url.into());
        self
    }

    /// Uses FIPS 140-validated endpoints.
    pub fn use_fips(mut self, use_fips: bool) -> Self {
        self.config.use_fips = use_fips;
        self
    }

    /// Uses dual-stack (IPv4 and IPv6) endpoints.
    pub fn use_dual_stack(mut self, use_dual_stack: bool) -> Self {
        self.config.use_dual_stack = use_dual_stack;
        self
    }

    /// When requests get a checksum their operation supports but does not require
    /// (`AWS_REQUEST_CHECKSUM_CALCULATION` in [`Config::from_env`]).
    pub fn request_checksum_calculation(mut self, when: RequestChecksumCalculation) -> Self {
        self.config.request_checksum_calculation = when;
        self
    }

    /// When responses' checksums are validated (`AWS_RESPONSE_CHECKSUM_VALIDATION`).
    pub fn response_checksum_validation(mut self, when: ResponseChecksumValidation) -> Self {
        self.config.response_checksum_validation = when;
        self
    }

    /// S3: path-style addressing (`https://s3.../bucket/key`) rather than virtual-hosted.
    pub fn force_path_style(mut self, force_path_style: bool) -> Self {
        self.config.s3.force_path_style = force_path_style;
        self
    }

    /// S3: Transfer Acceleration endpoints.
    pub fn accelerate(mut self, accelerate: bool) -> Self {
        self.config.s3.accelerate = accelerate;
        self
    }

    /// S3: an access point ARN's Region rather than the configured one.
    pub fn use_arn_region(mut self, use_arn_region: bool) -> Self {
        self.config.s3.use_arn_region = use_arn_region;
        self
    }

    /// S3: no Multi-Region Access Points.
    pub fn disable_multi_region_access_points(mut self, disable: bool) -> Self {
        self.config.s3.disable_multi_region_access_points = disable;
        self
    }

    /// How failed attempts are retried.
    pub fn retry_config(mut self, retry: RetryConfig) -> Self {
        self.config.retry = retry;
        self
    }

    /// The timeouts.
    pub fn timeout_config(mut self, timeouts: TimeoutConfig) -> Self {
        self.config.timeouts = timeouts;
        self
    }

    /// The HTTP client that sends requests.
    pub fn http_client(mut self, client: impl HttpClient + 'static) -> Self {
        self.config.http_client = Some(Arc::new(client));
        self
    }

    /// The timer for backoff and timeouts.
    pub fn sleep_impl(mut self, sleep: impl AsyncSleep + 'static) -> Self {
        self.config.sleep = Some(Arc::new(sleep));
        self
    }

    /// The clock used for signing; the system clock unless set (tests fix it).
    pub fn time_source(mut self, now: impl Fn() -> SystemTime + Send + Sync + 'static) -> Self {
        self.config.time_source = Some(Arc::new(now));
        self
    }

    /// Sends the bodies of `@requestCompression` operations uncompressed.
    pub fn disable_request_compression(mut self, disable: bool) -> Self {
        self.config.disable_request_compression = disable;
        self
    }

    /// The smallest request body `@requestCompression` operations compress (10 KiB unless
    /// set), in bytes.
    pub fn request_min_compression_size_bytes(mut self, bytes: u32) -> Self {
        self.config.request_min_compression_size_bytes = bytes;
        self
    }

    /// The HTTP client and timer to use where [`http_client`](Self::http_client) or
    /// [`sleep_impl`](Self::sleep_impl) is not set.
    pub fn default_io(mut self, io: impl DefaultIo + 'static) -> Self {
        self.default_io = Some(Arc::new(io));
        self
    }

    /// The configuration, with the [`DefaultIo`]'s HTTP client and timer where none is set.
    /// Without either, calls fail with an error that says what is missing.
    pub fn build(self) -> Config {
        let Builder { mut config, default_io } = self;
        if let Some(io) = default_io {
            if config.http_client.is_none() {
                config.http_client = Some(io.http_client(&config.timeouts));
            }
            if config.sleep.is_none() {
                config.sleep = Some(io.sleep());
            }
        }
        config
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;
    use std::task::{Context, Poll};

    use super::*;
    use crate::byte_stream::ChunkSource;
    use crate::http::Headers;

    /// An HTTP client with only `call`, which records the requests it sends and answers
    /// `reply`.
    #[derive(Debug, Default)]
    struct InMemory {
        sent: Mutex<Vec<HttpRequest>>,
    }

    impl HttpClient for InMemory {
        fn call<'a>(&'a self, _: &'a str, request: &'a HttpRequest) -> HttpFuture<'a> {
            self.sent.lock().unwrap().push(request.clone());
            Box::pin(async { Ok(HttpResponse::new(200, Headers::new(), "reply")) })
        }
    }

    /// Two chunks of `aa`, then a failed read if `fail`.
    struct Scripted {
        polls: u8,
        fail: bool,
    }

    impl Scripted {
        fn new(fail: bool) -> Self {
            Scripted { polls: 0, fail }
        }
    }

    impl ChunkSource for Scripted {
        fn poll_chunk(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<std::io::Result<Vec<u8>>>> {
            self.polls += 1;
            Poll::Ready(match (self.polls, self.fail) {
                (1 | 2, _) => Some(Ok(b"aa".to_vec())),
                (_, true) => Some(Err(std::io::Error::new(std::io::ErrorKind::BrokenPipe, "gone"))),
                (_, false) => None,
            })
        }
    }

    #[tokio::test]
    async fn call_streaming_defaults_to_call_in_memory() {
        let client = Arc::new(InMemory::default());
        let mut request = HttpRequest::new("PUT", "/object");
        request.headers.insert("Content-Length", "6");
        let body = ByteStream::from_replayable(|| Ok(Box::new(Scripted::new(false))), Some(4));
        let response = client.call_streaming("http://localhost/object", &request, Some(body)).await.unwrap();
        assert_eq!((response.status, response.body.content_length()), (200, Some(5)));
        assert_eq!(response.body.collect().await.unwrap().into_bytes(), b"reply");
        let sent = client.sent.lock().unwrap().pop().unwrap();
        assert_eq!((sent.body.as_slice(), sent.headers.get("content-length")), (&b"aaaa"[..], Some("6")));

        request.body = b"in memory".to_vec();
        client.call_streaming("http://localhost/object", &request, None).await.unwrap();
        assert_eq!(client.sent.lock().unwrap().pop().unwrap().body, b"in memory", "no body: the request's");

        let failing = ByteStream::from_source(Scripted::new(true), None);
        let error = client.call_streaming("http://localhost/object", &request, Some(failing)).await.unwrap_err();
        assert!(error.is_io(), "a failed read: {error:?}");
        let short = ByteStream::from_source(Scripted::new(false), Some(3));
        let error = client.call_streaming("http://localhost/object", &request, Some(short)).await.unwrap_err();
        assert!(!error.is_io() && !error.is_timeout(), "a length mismatch is not transient: {error:?}");
        assert!(client.sent.lock().unwrap().is_empty(), "nothing sent for a body that failed");
    }

    #[test]
    fn aws_new_retries_2026_turns_on_the_2026_behavior() {
        let behavior = |pairs: &[(&str, &str)]| RetryConfig::from_env(&Env::from_pairs(pairs.to_vec())).behavior();
        assert_eq!(behavior(&[]), RetryBehavior::Standard);
        assert_eq!(behavior(&[("AWS_NEW_RETRIES_2026", "true")]), RetryBehavior::Standard2026);
        assert_eq!(behavior(&[("AWS_NEW_RETRIES_2026", "TRUE")]), RetryBehavior::Standard2026);
        assert_eq!(behavior(&[("AWS_NEW_RETRIES_2026", "false")]), RetryBehavior::Standard);
        assert_eq!(behavior(&[("AWS_NEW_RETRIES_2026", "1")]), RetryBehavior::Standard, "only `true` opts in");
    }

    #[test]
    fn aws_max_attempts_sets_the_attempts() {
        let attempts = |pairs: &[(&str, &str)]| RetryConfig::from_env(&Env::from_pairs(pairs.to_vec())).max_attempts();
        assert_eq!(attempts(&[("AWS_MAX_ATTEMPTS", "5")]), 5);
        assert_eq!(attempts(&[("AWS_MAX_ATTEMPTS", "0")]), 3, "at least one attempt; 0 is ignored");
        assert_eq!(attempts(&[("AWS_MAX_ATTEMPTS", "many")]), 3);
    }

    #[test]
    fn unset_attempts_and_backoff_are_the_behaviors() {
        let standard = RetryConfig::standard();
        assert_eq!((standard.max_attempts(), standard.initial_backoff()), (3, Duration::from_secs(1)));
        let new = standard.with_behavior(RetryBehavior::Standard2026);
        use crate::orchestrator::RetryKind::{Throttling, Transient};
        assert_eq!(new.base_for(Transient, RetryTuning::STANDARD), Duration::from_millis(50));
        assert_eq!(new.base_for(Transient, RetryTuning::DYNAMODB), Duration::from_millis(25));
        assert_eq!(new.base_for(Throttling, RetryTuning::DYNAMODB), Duration::from_secs(1));
        assert_eq!(standard.base_for(Transient, RetryTuning::DYNAMODB), Duration::from_secs(1));
    }
}
