//! The EC2 instance metadata service (IMDSv2): credentials and Region.
//!
//! Every request first gets a session token (`PUT /latest/api/token`), which is cached until
//! shortly before its TTL ends, then sends it in `x-aws-ec2-metadata-token`, as aws-config's
//! IMDS client does. The endpoint is `AWS_EC2_METADATA_SERVICE_ENDPOINT`, else the address
//! `AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE` selects (`IPv4`, the default, or `IPv6`), and
//! `AWS_EC2_METADATA_DISABLED=true` turns the service off.
//!
//! Off EC2 nothing answers at those addresses, so every attempt is short (1 s) and there are
//! few of them (3): a laptop finds out quickly that there is no instance metadata.
//!
//! The environment, HTTP client, timer and clock come from a [`ProviderConfig`], as for every
//! other provider.
//!
//! ```no_run
//! # async fn f() {
//! use smithy_config::credentials::ProviderConfig;
//! use smithy_config::imds::{ImdsClient, ImdsCredentialsProvider, ImdsRegionProvider};
//! // One client, so the credentials and the Region share one session token.
//! let client = ImdsClient::builder().provider_config(&ProviderConfig::new()).build();
//! let region = ImdsRegionProvider::new(client.clone()).region().await;
//! let credentials = ImdsCredentialsProvider::new(client);
//! # let _ = (region, credentials);
//! # }
//! ```

use std::fmt;
use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::{Duration, SystemTime};

use smithy_runtime::credentials::{Credentials, CredentialsError, Env, ProvideCredentials, ProvideCredentialsFuture};
use smithy_runtime::http::{HttpRequest, HttpResponse};

use crate::credentials::json::Object;
use crate::credentials::ProviderConfig;

const DISABLED_VAR: &str = "AWS_EC2_METADATA_DISABLED";
const ENDPOINT_VAR: &str = "AWS_EC2_METADATA_SERVICE_ENDPOINT";
const ENDPOINT_MODE_VAR: &str = "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE";

const IPV4_ENDPOINT: &str = "http://169.254.169.254";
const IPV6_ENDPOINT: &str = "http://[fd00:ec2::254]";

const TOKEN_PATH: &str = "/latest/api/token";
const CREDENTIALS_PATH: &str = "/latest/meta-data/iam/security-credentials/";
const REGION_PATH: &str = "/latest/meta-data/placement/region";
const TTL_HEADER: &str = "x-aws-ec2-metadata-token-ttl-seconds";
const TOKEN_HEADER: &str = "x-aws-ec2-metadata-token";

/// aws-config's defaults: a 6-hour token, renewed 2 minutes before it ends so that a token
/// never expires between being read from the cache and reaching the service.
const DEFAULT_TOKEN_TTL: Duration = Duration::from_secs(21_600);
const TOKEN_REFRESH_MARGIN: Duration = Duration::from_secs(120);
const DEFAULT_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(1);
const DEFAULT_MAX_ATTEMPTS: u32 = 3;

pub(crate) use crate::credentials::json::MAX_BODY;
/// What `Debug` prints in place of a secret.
pub(crate) const REDACTED: &str = smithy_runtime::error::REDACTED;

// ---------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------

/// Why a request to the instance metadata service failed. Its message names the URL and
/// the cause, never the session token.
#[derive(Clone, Debug)]
pub struct ImdsError {
    kind: ImdsErrorKind,
    message: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ImdsErrorKind {
    Disabled,
    Config,
    Unreachable,
    Status(u16),
    InvalidResponse,
}

impl ImdsError {
    fn new(kind: ImdsErrorKind, message: impl Into<String>) -> Self {
        ImdsError { kind, message: message.into() }
    }

    /// `AWS_EC2_METADATA_DISABLED` is `true`: no request was sent.
    pub fn is_disabled(&self) -> bool {
        self.kind == ImdsErrorKind::Disabled
    }

    /// Every attempt failed to connect or timed out: most likely not on EC2.
    pub fn is_unreachable(&self) -> bool {
        self.kind == ImdsErrorKind::Unreachable
    }

    /// The HTTP status the service answered with, when it answered with an error.
    pub fn status(&self) -> Option<u16> {
        match self.kind {
            ImdsErrorKind::Status(status) => Some(status),
            _ => None,
        }
    }

    /// The explanation.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for ImdsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ImdsError {}

// ---------------------------------------------------------------------------
// The client
// ---------------------------------------------------------------------------

/// A client of the instance metadata service: IMDSv2 session tokens, cached and shared by
/// its clones, short attempts and bounded retries. Build one with [`ImdsClient::builder`].
#[derive(Clone)]
pub struct ImdsClient {
    inner: Arc<ClientInner>,
}

struct ClientInner {
    /// The resolved endpoint, without a trailing `/`, or why the environment names none.
    endpoint: Result<String, String>,
    disabled: bool,
    /// The HTTP client, timer and clock, and the attempts' limits.
    caller: Caller,
    token_ttl: Duration,
    token: Mutex<Option<CachedToken>>,
}

struct CachedToken {
    value: String,
    renew_at: SystemTime,
}

impl fmt::Debug for ImdsClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.inner;
        // The session token grants the instance role's credentials: only whether one is held.
        let token = inner.token.lock().unwrap_or_else(PoisonError::into_inner).as_ref().map(|_| REDACTED);
        f.debug_struct("ImdsClient")
            .field("endpoint", &inner.endpoint)
            .field("disabled", &inner.disabled)
            .field("caller", &inner.caller)
            .field("token_ttl", &inner.token_ttl)
            .field("token", &token)
            .finish()
    }
}

impl ImdsClient {
    /// A builder; without [`provider_config`](ImdsClientBuilder::provider_config) the client
    /// reads [`ProviderConfig::new`]'s: the process environment, the default transport, the
    /// tokio timer and the system clock.
    pub fn builder() -> ImdsClientBuilder {
        ImdsClientBuilder::default()
    }

    /// A client with `conf`'s environment, HTTP client, timer and clock, and the default
    /// attempts and token TTL.
    pub fn from_provider_config(conf: &ProviderConfig) -> Self {
        Self::builder().provider_config(conf).build()
    }

    /// The endpoint requests go to (`http://169.254.169.254` by default), or why the
    /// environment's settings name none.
    pub fn endpoint(&self) -> Result<&str, ImdsError> {
        self.inner.endpoint.as_deref().map_err(|e| ImdsError::new(ImdsErrorKind::Config, e.clone()))
    }

    /// Whether `AWS_EC2_METADATA_DISABLED` turns the service off.
    pub fn is_disabled(&self) -> bool {
        self.inner.disabled
    }

    /// The text of the metadata at `path` (such as `/latest/meta-data/instance-id`), with a
    /// session token; a `401` (an expired token) gets a new token, once.
    pub async fn get(&self, path: &str) -> Result<String, ImdsError> {
        if !path.starts_with('/') || path.bytes().any(|b| !b.is_ascii_graphic()) {
            return Err(ImdsError::new(ImdsErrorKind::Config, format!("IMDS path {path:?} is not an absolute path")));
        }
        let endpoint = self.usable_endpoint()?;
        let url = format!("{endpoint}{path}");
        let mut token_refetched = false;
        loop {
            let token = self.token(endpoint).await?;
            let mut request = HttpRequest::new("GET", path);
            request.headers.insert(TOKEN_HEADER, token);
            let response = self.send(&url, &request).await?;
            match response.status {
                200..=299 => return body_text(&response, &url),
                // The token expired early (the instance's clock, a restored snapshot): a new
                // one, but only once, so a service that always says 401 does not loop.
                401 if !token_refetched => {
                    token_refetched = true;
                    self.clear_token();
                }
                status => {
                    return Err(ImdsError::new(
                        ImdsErrorKind::Status(status),
                        format!("IMDS request GET {url} failed with HTTP status {status}"),
                    ))
                }
            }
        }
    }

    fn usable_endpoint(&self) -> Result<&str, ImdsError> {
        if self.inner.disabled {
            return Err(ImdsError::new(
                ImdsErrorKind::Disabled,
                format!("IMDS is disabled: {DISABLED_VAR} is set to `true`"),
            ));
        }
        self.endpoint()
    }

    fn clear_token(&self) {
        *self.inner.token.lock().unwrap_or_else(PoisonError::into_inner) = None;
    }

    /// The cached session token, or a new one.
    async fn token(&self, endpoint: &str) -> Result<String, ImdsError> {
        let inner = &self.inner;
        let now = inner.caller.conf.now();
        if let Some(token) = inner.token.lock().unwrap_or_else(PoisonError::into_inner).as_ref() {
            if now < token.renew_at {
                return Ok(token.value.clone());
            }
        }
        // Not holding the lock across the request: two callers may both fetch a token, which
        // IMDS allows, rather than one blocking the other's thread.
        let url = format!("{endpoint}{TOKEN_PATH}");
        let mut request = HttpRequest::new("PUT", TOKEN_PATH);
        request.headers.insert(TTL_HEADER, inner.token_ttl.as_secs().to_string());
        let response = self.send(&url, &request).await?;
        let status = response.status;
        if !(200..=299).contains(&status) {
            let why = match status {
                403 => ": IMDS is disabled on this instance, or the request went through a proxy",
                400 => ": the token TTL was refused",
                _ => "",
            };
            return Err(ImdsError::new(
                ImdsErrorKind::Status(status),
                format!("IMDS token request PUT {url} failed with HTTP status {status}{why}"),
            ));
        }
        let value = body_text(&response, &url)?.trim().to_owned();
        // It becomes a header value: something else answering at the address (a captive
        // portal's HTML) must not get that far.
        if value.is_empty() || value.len() > 4096 || value.bytes().any(|b| !b.is_ascii_graphic()) {
            return Err(ImdsError::new(
                ImdsErrorKind::InvalidResponse,
                format!("IMDS token request PUT {url} answered with something that is not a token"),
            ));
        }
        // The service says how long the token lives; the requested TTL if it does not.
        let ttl = response
            .headers
            .get(TTL_HEADER)
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map_or(inner.token_ttl, Duration::from_secs);
        let renew_at = now.checked_add(ttl.saturating_sub(TOKEN_REFRESH_MARGIN)).unwrap_or(now);
        *inner.token.lock().unwrap_or_else(PoisonError::into_inner) =
            Some(CachedToken { value: value.clone(), renew_at });
        Ok(value)
    }

    async fn send(&self, url: &str, request: &HttpRequest) -> Result<HttpResponse, ImdsError> {
        self.inner.caller.send(url, request).await.map_err(|failure| {
            ImdsError::new(
                ImdsErrorKind::Unreachable,
                format!("IMDS request {} {url} failed: {failure}", request.method),
            )
        })
    }
}

/// A response body as text, within [`MAX_BODY`].
fn body_text(response: &HttpResponse, url: &str) -> Result<String, ImdsError> {
    let invalid =
        |why: String| ImdsError::new(ImdsErrorKind::InvalidResponse, format!("IMDS response from {url} {why}"));
    if response.body.len() > MAX_BODY {
        return Err(invalid(format!("is {} bytes, more than the {MAX_BODY} this client reads", response.body.len())));
    }
    String::from_utf8(response.body.clone()).map_err(|_| invalid("is not UTF-8 text".to_owned()))
}

/// Builds an [`ImdsClient`].
#[derive(Clone, Debug, Default)]
#[must_use = "a builder does nothing until `build()`"]
pub struct ImdsClientBuilder {
    conf: Option<ProviderConfig>,
    attempt_timeout: Option<Duration>,
    max_attempts: Option<u32>,
    token_ttl: Option<Duration>,
}

impl ImdsClientBuilder {
    /// Reads the endpoint settings and `AWS_EC2_METADATA_DISABLED` from `conf`'s environment,
    /// sends requests with its HTTP client, times attempts and backoff with its timer and
    /// tells when the session token is due for renewal with its clock, instead of
    /// [`ProviderConfig::new`]'s.
    pub fn provider_config(mut self, conf: &ProviderConfig) -> Self {
        self.conf = Some(conf.clone());
        self
    }

    /// How long one attempt may take (1 s by default) before it counts as failed; it bounds
    /// the connection's setup too.
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.attempt_timeout = Some(timeout);
        self
    }

    /// The number of attempts per request, the first included (3 by default, at least 1).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = Some(attempts);
        self
    }

    /// The TTL asked for session tokens: 6 hours by default, kept within the 1 s to 6 hours
    /// IMDS accepts.
    pub fn token_ttl(mut self, ttl: Duration) -> Self {
        self.token_ttl = Some(ttl.clamp(Duration::from_secs(1), DEFAULT_TOKEN_TTL));
        self
    }

    /// The client. The environment is read now; an invalid endpoint setting is reported by
    /// every request.
    pub fn build(self) -> ImdsClient {
        let conf = self.conf.unwrap_or_default();
        let env = conf.env();
        ImdsClient {
            inner: Arc::new(ClientInner {
                endpoint: resolve_endpoint(env),
                disabled: env.get(DISABLED_VAR).is_some_and(|v| v.trim().eq_ignore_ascii_case("true")),
                caller: Caller::new(
                    conf,
                    self.attempt_timeout.unwrap_or(DEFAULT_ATTEMPT_TIMEOUT),
                    self.max_attempts.unwrap_or(DEFAULT_MAX_ATTEMPTS),
                ),
                token_ttl: self.token_ttl.unwrap_or(DEFAULT_TOKEN_TTL),
                token: Mutex::new(None),
            }),
        }
    }
}

/// The endpoint `AWS_EC2_METADATA_SERVICE_ENDPOINT` names (it wins, as in aws-config), else
/// the one `AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE` selects.
fn resolve_endpoint(env: &Env) -> Result<String, String> {
    let set = |name: &str| env.get(name).map(str::trim).filter(|v| !v.is_empty());
    if let Some(url) = set(ENDPOINT_VAR) {
        let valid = url.split_once("://").is_some_and(|(scheme, rest)| {
            (scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https"))
                && !rest.is_empty()
                && !rest.starts_with('/')
                && !url.bytes().any(|b| !b.is_ascii_graphic())
        });
        if !valid {
            return Err(format!("{ENDPOINT_VAR} `{url}` is not an http:// or https:// URL"));
        }
        return Ok(url.trim_end_matches('/').to_owned());
    }
    match set(ENDPOINT_MODE_VAR) {
        None => Ok(IPV4_ENDPOINT.to_owned()),
        Some(mode) if mode.eq_ignore_ascii_case("ipv4") => Ok(IPV4_ENDPOINT.to_owned()),
        Some(mode) if mode.eq_ignore_ascii_case("ipv6") => Ok(IPV6_ENDPOINT.to_owned()),
        Some(mode) => Err(format!("{ENDPOINT_MODE_VAR} `{mode}` is neither `IPv4` nor `IPv6`")),
    }
}

// ---------------------------------------------------------------------------
// Credentials
// ---------------------------------------------------------------------------

/// The credentials of the instance's IAM role, from IMDS: the role's name from
/// `/latest/meta-data/iam/security-credentials/`, then its credentials from
/// `.../security-credentials/{role}`.
///
/// It does not cache the credentials (put a
/// [`CredentialsCache`](crate::credentials::CredentialsCache) in front, as the loader does);
/// the session token is cached by its [`ImdsClient`].
///
/// Off EC2 (IMDS disabled, unreachable, or no role attached) the error is
/// [`not_loaded`](CredentialsError::not_loaded), so a chain goes on to its next source.
#[derive(Clone, Debug)]
pub struct ImdsCredentialsProvider {
    client: ImdsClient,
}

impl ImdsCredentialsProvider {
    /// A provider asking through `client` (which may serve an [`ImdsRegionProvider`] too).
    pub fn new(client: ImdsClient) -> Self {
        ImdsCredentialsProvider { client }
    }

    /// A provider with its own client on `conf`'s environment, HTTP client, timer and clock.
    pub fn from_provider_config(conf: &ProviderConfig) -> Self {
        Self::new(ImdsClient::from_provider_config(conf))
    }

    /// The client, to share with an [`ImdsRegionProvider`].
    pub fn imds_client(&self) -> &ImdsClient {
        &self.client
    }

    async fn load(&self) -> Result<Credentials, CredentialsError> {
        const NAME: &str = "ImdsCredentialsProvider";
        let failed = |e: ImdsError, listing: bool| {
            let message = format!("{NAME}: {e}");
            // aws-config's rule: off EC2 or without a role, the source is just not there.
            if e.is_disabled() || e.is_unreachable() || (listing && e.status() == Some(404)) {
                CredentialsError::not_loaded(message)
            } else {
                CredentialsError::new(message)
            }
        };
        let listing = self.client.get(CREDENTIALS_PATH).await.map_err(|e| failed(e, true))?;
        let Some(role) = listing.lines().map(str::trim).find(|line| !line.is_empty()) else {
            return Err(CredentialsError::not_loaded(format!(
                "{NAME}: IMDS lists no IAM role at {CREDENTIALS_PATH}: the instance has no instance profile"
            )));
        };
        // IAM's role-name characters only: anything else would change the path it goes into.
        if role.len() > 128 || !role.bytes().all(|b| b.is_ascii_alphanumeric() || b"+=,.@_-".contains(&b)) {
            return Err(CredentialsError::new(format!(
                "{NAME}: IMDS answered {CREDENTIALS_PATH} with something that is not an IAM role name"
            )));
        }
        let path = format!("{CREDENTIALS_PATH}{role}");
        let document = self.client.get(&path).await.map_err(|e| failed(e, false))?;
        let url = format!("{}{path}", self.client.endpoint().unwrap_or_default());
        parse_credentials(document.as_bytes(), &format!("{NAME}: the response from {url}"), &[])
    }
}

impl ProvideCredentials for ImdsCredentialsProvider {
    fn provide_credentials(&self) -> ProvideCredentialsFuture<'_> {
        Box::pin(self.load())
    }
}

// ---------------------------------------------------------------------------
// Region
// ---------------------------------------------------------------------------

/// The instance's Region, from `/latest/meta-data/placement/region`.
#[derive(Clone, Debug)]
pub struct ImdsRegionProvider {
    client: ImdsClient,
}

impl ImdsRegionProvider {
    /// A provider asking through `client` (which may serve an [`ImdsCredentialsProvider`] too).
    pub fn new(client: ImdsClient) -> Self {
        ImdsRegionProvider { client }
    }

    /// A provider with its own client on `conf`'s environment, HTTP client, timer and clock.
    pub fn from_provider_config(conf: &ProviderConfig) -> Self {
        Self::new(ImdsClient::from_provider_config(conf))
    }

    /// The Region, or `None` when IMDS is disabled, unreachable or says something else; the
    /// loader's fallback, which must not fail the loading.
    pub async fn region(&self) -> Option<String> {
        if self.client.is_disabled() {
            return None;
        }
        self.load_region().await.ok()
    }

    /// The Region, or why IMDS did not give one.
    pub async fn load_region(&self) -> Result<String, ImdsError> {
        let text = self.client.get(REGION_PATH).await?;
        let region = text.trim();
        // A Region name, not whatever else might answer at the address.
        if region.is_empty()
            || region.len() > 64
            || !region.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        {
            return Err(ImdsError::new(
                ImdsErrorKind::InvalidResponse,
                format!("IMDS answered {REGION_PATH} with something that is not a Region name"),
            ));
        }
        Ok(region.to_owned())
    }
}

// ---------------------------------------------------------------------------
// Shared with `container`
// ---------------------------------------------------------------------------

/// Why no response came, after every attempt.
pub(crate) struct SendFailure {
    attempts: u32,
    cause: String,
}

impl fmt::Display for SendFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let plural = if self.attempts == 1 { "" } else { "s" };
        write!(f, "{} (after {} attempt{plural})", self.cause, self.attempts)
    }
}

/// How the IMDS client and the container provider call their local endpoints: with a
/// [`ProviderConfig`]'s HTTP client and timer, each attempt bounded in time and their number
/// bounded.
#[derive(Clone)]
pub(crate) struct Caller {
    /// The environment, HTTP client, timer and clock.
    pub(crate) conf: ProviderConfig,
    attempt_timeout: Duration,
    max_attempts: u32,
}

impl fmt::Debug for Caller {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The environment is left to the callers, which know what in it is safe to show.
        f.debug_struct("Caller")
            .field("attempt_timeout", &self.attempt_timeout)
            .field("max_attempts", &self.max_attempts)
            .field("http_client", &self.conf.http_client())
            .finish_non_exhaustive()
    }
}

impl Caller {
    /// Up to `max_attempts` attempts (at least 1) of at most `attempt_timeout` each.
    pub(crate) fn new(conf: ProviderConfig, attempt_timeout: Duration, max_attempts: u32) -> Self {
        Caller { conf, attempt_timeout, max_attempts: max_attempts.max(1) }
    }

    /// Sends `request` to `url` up to `max_attempts` times, each raced against
    /// `attempt_timeout`: again after a timeout, a transient connection error or a 5xx status,
    /// not after a 4xx. The last response is returned whatever its status.
    pub(crate) async fn send(&self, url: &str, request: &HttpRequest) -> Result<HttpResponse, SendFailure> {
        let (http_client, sleep) = (self.conf.http_client(), self.conf.sleep());
        let (attempt_timeout, max_attempts) = (self.attempt_timeout, self.max_attempts);
        let mut attempt = 1;
        loop {
            let (outcome, retryable) =
                match with_timeout(http_client.call(url, request), sleep.sleep(attempt_timeout)).await {
                    None => (Err(format!("timed out after {attempt_timeout:?}")), true),
                    Some(Ok(response)) => {
                        let retryable = response.status >= 500;
                        (Ok(response), retryable)
                    }
                    Some(Err(e)) => {
                        let retryable = e.is_timeout() || e.is_io();
                        (Err(smithy_runtime::error::describe(&e)), retryable)
                    }
                };
            if !retryable || attempt >= max_attempts {
                return outcome.map_err(|cause| SendFailure { attempts: attempt, cause });
            }
            // Short and growing (100 ms, 200 ms, ...): these local endpoints answer fast or not at all.
            sleep.sleep(Duration::from_millis(100) * 2u32.saturating_pow(attempt - 1).min(16)).await;
            attempt += 1;
        }
    }
}

/// Runs `future` until it completes (`Some`) or `timer` does (`None`).
async fn with_timeout<F: Future>(future: F, timer: smithy_runtime::config::Sleep) -> Option<F::Output> {
    let mut future = std::pin::pin!(future);
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

/// Text from a server, fit for an error message: at most 200 characters, control characters
/// replaced, and every `secrets` occurrence redacted (in case a server echoes a request).
pub(crate) fn server_text(text: &str, secrets: &[&str]) -> String {
    let mut text = text.to_owned();
    for secret in secrets.iter().filter(|s| !s.is_empty()) {
        text = text.replace(secret, REDACTED);
    }
    let mut out: String = text.chars().take(200).map(|c| if c.is_control() { ' ' } else { c }).collect();
    if text.chars().nth(200).is_some() {
        out.push_str("...");
    }
    out
}

/// The credentials of a JSON document as IMDS and the container endpoint answer with
/// (`AccessKeyId`, `SecretAccessKey`, `Token`, `Expiration`), or the error it reports (a
/// `Code` other than `Success`, with its `Message`). `what` names the document in errors,
/// which never quote its values but `Code` and `Message`, without `secrets`.
pub(crate) fn parse_credentials(body: &[u8], what: &str, secrets: &[&str]) -> Result<Credentials, CredentialsError> {
    let document = Object::parse(body, what)?;
    // aws-config's rule: no `Code` is success too (the container endpoint sends none).
    if let Some(code) = document.string("Code")? {
        if code != "Success" {
            let message = document.string("Message").ok().flatten().map(|m| format!(": {}", server_text(m, secrets)));
            return Err(CredentialsError::new(format!(
                "{what} reports error `{}`{}",
                server_text(code, secrets),
                message.unwrap_or_default()
            )));
        }
    }
    let required = |key: &str| match document.required(key)? {
        "" => Err(CredentialsError::new(format!("{what} has no `{key}`"))),
        value => Ok(value),
    };
    let expiration = document
        .timestamp("Expiration")?
        .ok_or_else(|| CredentialsError::new(format!("{what} has no `Expiration`")))?;
    Ok(Credentials::new(
        required("AccessKeyId")?,
        required("SecretAccessKey")?,
        Some(required("Token")?.to_owned()),
        Some(expiration),
    ))
}
