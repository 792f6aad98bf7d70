//! AWS Signature Version 4 request signing (`AWS4-HMAC-SHA256`, signature in
//! the `authorization` header), with the rules the AWS SDKs use for every
//! service except S3:
//!
//! - the path is normalized (`.`/`..` and empty segments removed) and each
//!   segment is percent-encoded once more, because the request's path is
//!   already percent-encoded and SigV4 wants the raw path encoded twice;
//! - the query is decoded (`+` as a space, as servers read it) and re-encoded
//!   with the SigV4 unreserved set, then sorted;
//! - every header is signed except a few that proxies and transports may
//!   change ([`UNSIGNED_HEADERS`]);
//! - the payload hash is the hex SHA-256 of the body (no
//!   `x-amz-content-sha256` header is added);
//! - a session token is sent in `x-amz-security-token` and signed.
//!
//! S3 ([`SigningSettings::S3`]) signs the path as it is sent (no normalization, no second
//! encoding) and sends the payload hash in a signed `x-amz-content-sha256` header.

use std::borrow::Cow;
use std::error::Error;
use std::fmt;
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

use crate::digest::{hmac_sha256, sha256};
use crate::http::{Headers, HttpRequest};
use crate::primitives::{hex, push_hex};

/// The algorithm name that opens the string to sign and the `authorization` header.
const ALGORITHM: &str = "AWS4-HMAC-SHA256";
/// The SHA-256 of an empty payload, which most `GET` requests have.
const EMPTY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// The payload hash of a body that is not signed: what S3's streams are sent with, so that
/// they are read once, as they are sent.
pub const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";

/// The `x-amz-content-sha256` of a request whose body is an input event stream: each event is
/// signed on its own, chained to the request's signature.
pub const STREAMING_EVENTS_PAYLOAD: &str = "STREAMING-AWS4-HMAC-SHA256-EVENTS";

/// The `x-amz-content-sha256` of an unsigned `aws-chunked` body whose checksum comes in its
/// trailer: a stream with a flexible checksum, read once, as it is sent.
pub const STREAMING_UNSIGNED_PAYLOAD_TRAILER: &str = "STREAMING-UNSIGNED-PAYLOAD-TRAILER";

/// Lowercase names of headers that are never signed: `authorization` carries
/// the signature itself, and the others may be added, changed or dropped on
/// the way (by proxies, tracing or the transport), which would break the
/// signature. This is the union of the sets the AWS SDKs leave out.
pub const UNSIGNED_HEADERS: [&str; 6] =
    ["authorization", "user-agent", "x-amzn-trace-id", "expect", "transfer-encoding", "connection"];

/// What a request is signed with: credentials, scope and time.
#[derive(Clone, Copy)]
pub struct SigningParams<'a> {
    /// The access key id, e.g. `AKIDEXAMPLE`.
    pub access_key_id: &'a str,
    /// The secret access key; only used to derive the signing key.
    pub secret_access_key: &'a str,
    /// The session token of temporary credentials, sent as `x-amz-security-token`.
    pub session_token: Option<&'a str>,
    /// The Region of the credential scope, e.g. `us-east-1`.
    pub region: &'a str,
    /// The signing name of the service, e.g. `iot` (from `aws.auth#sigv4`).
    pub service: &'a str,
    /// The signing time; becomes `x-amz-date` (whole seconds, UTC).
    pub time: SystemTime,
    /// The service's signing rules.
    pub settings: SigningSettings,
}

/// Which rules a service's requests are signed by.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SigningSettings {
    /// AWS SDKs' rules for every service but S3.
    #[default]
    Standard,
    /// S3's: the path signed as sent, and an `x-amz-content-sha256` header.
    S3,
}

// Written by hand so that secrets never reach logs.
impl fmt::Debug for SigningParams<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningParams")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"** redacted **")
            .field("session_token", &self.session_token.map(|_| "** redacted **"))
            .field("region", &self.region)
            .field("service", &self.service)
            .field("time", &self.time)
            .finish()
    }
}

/// Room for a typical canonical request (method, path, a few headers, payload hash), so building
/// one rarely grows the buffer.
const CANONICAL_REQUEST_CAPACITY: usize = 512;

/// The intermediate values of one signing, for diagnostics and tests.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signed {
    /// The canonical request, lines joined with `\n`.
    pub canonical_request: String,
    /// The string to sign: algorithm, time, credential scope, canonical request hash.
    pub string_to_sign: String,
    /// The signature, 64 lowercase hex digits.
    pub signature: String,
}

/// Why a request could not be signed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SigningError {
    pub(crate) kind: SigningErrorKind,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum SigningErrorKind {
    MissingHost,
    TimeBeforeEpoch,
    #[cfg(feature = "sigv4a")]
    NoSigV4aKey,
}

impl fmt::Display for SigningError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            SigningErrorKind::MissingHost => {
                f.write_str("cannot sign the request: it has no (non-empty) `host` header")
            }
            SigningErrorKind::TimeBeforeEpoch => {
                f.write_str("cannot sign the request: the signing time is before 1970-01-01")
            }
            #[cfg(feature = "sigv4a")]
            SigningErrorKind::NoSigV4aKey => {
                f.write_str("cannot sign the request: no SigV4a key derives from these credentials")
            }
        }
    }
}

impl Error for SigningError {}

/// Signs in place: adds `x-amz-date`, `x-amz-security-token` (when a session token is given) and `authorization`. The request must carry a `host` header.
///
/// Earlier values of those three headers are replaced (and without a session
/// token an earlier `x-amz-security-token` is removed), so a retried request
/// can simply be signed again. The `host` header must be exactly what the
/// transport sends: the endpoint's authority, with the port only when it is
/// not the scheme's default. Headers added after signing are not covered by
/// the signature; headers in [`UNSIGNED_HEADERS`] never are.
pub fn sign(request: &mut HttpRequest, params: &SigningParams<'_>) -> Result<(), SigningError> {
    sign_with_details(request, params).map(|_| ())
}

/// Like [`sign_with_details`], reusing the signing key `cache` holds when the secret key,
/// date, Region and service are the ones it was derived for.
pub fn sign_cached(
    request: &mut HttpRequest,
    params: &SigningParams<'_>,
    cache: &SigningKeyCache,
) -> Result<Signed, SigningError> {
    sign_inner(request, params, Some(cache))
}

/// The last signing key derived. The key depends only on the secret key, the date, the Region
/// and the service, so a client that keeps one derives it once a day rather than with four
/// HMACs per request, as AWS SDKs do.
#[derive(Default)]
pub struct SigningKeyCache {
    last: Mutex<Option<CachedKey>>,
}

struct CachedKey {
    secret: String,
    scope: String,
    key: [u8; 32],
}

impl fmt::Debug for SigningKeyCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SigningKeyCache")
    }
}

impl SigningKeyCache {
    /// An empty cache.
    pub fn new() -> Self {
        Self::default()
    }

    fn get_or_derive(&self, secret: &str, scope: &str, derive: impl FnOnce() -> [u8; 32]) -> [u8; 32] {
        let mut last = self.last.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        match &*last {
            Some(cached) if cached.secret == secret && cached.scope == scope => cached.key,
            _ => {
                let key = derive();
                *last = Some(CachedKey { secret: secret.to_owned(), scope: scope.to_owned(), key });
                key
            }
        }
    }
}

/// Like [`sign`], and returns the canonical request, string to sign and
/// signature it computed.
pub fn sign_with_details(request: &mut HttpRequest, params: &SigningParams<'_>) -> Result<Signed, SigningError> {
    sign_inner(request, params, None)
}

fn sign_inner(
    request: &mut HttpRequest,
    params: &SigningParams<'_>,
    cache: Option<&SigningKeyCache>,
) -> Result<Signed, SigningError> {
    let Canonical { amz_date, canonical_request, signed_headers } = canonical(request, params)?;
    // The first 8 characters are the `YYYYMMDD` date of the credential scope.
    let date = amz_date.get(..8).unwrap_or_default();
    let mut scope = String::with_capacity(date.len() + params.region.len() + params.service.len() + 15);
    for part in [date, "/", params.region, "/", params.service, "/aws4_request"] {
        scope.push_str(part);
    }
    let string_to_sign = string_to_sign(ALGORITHM, &amz_date, &scope, &canonical_request);

    let derive = || signing_key(params.secret_access_key, date, params.region, params.service);
    let key = match cache {
        Some(cache) => cache.get_or_derive(params.secret_access_key, &scope, derive),
        None => derive(),
    };
    let signature = hex(&hmac_sha256(&key, string_to_sign.as_bytes()));
    request.headers.insert("authorization", authorization(ALGORITHM, params, &scope, &signed_headers, &signature));
    Ok(Signed { canonical_request, string_to_sign, signature })
}

/// A request's canonical form, as SigV4 and SigV4a both sign it.
pub(crate) struct Canonical {
    /// `x-amz-date`'s value.
    pub(crate) amz_date: String,
    pub(crate) canonical_request: String,
    /// The signed headers' names, `;`-separated.
    pub(crate) signed_headers: String,
}

/// Sets `x-amz-date`, the session token and (for S3) `x-amz-content-sha256` on `request`, then
/// writes its canonical request.
pub(crate) fn canonical(request: &mut HttpRequest, params: &SigningParams<'_>) -> Result<Canonical, SigningError> {
    let has_host = matches!(request.headers.get("host"), Some(host) if !host.trim().is_empty());
    if !has_host {
        return Err(SigningError { kind: SigningErrorKind::MissingHost });
    }
    let seconds = params
        .time
        .duration_since(UNIX_EPOCH)
        .map_err(|_| SigningError { kind: SigningErrorKind::TimeBeforeEpoch })?
        .as_secs();
    let amz_date = format_amz_date(seconds);

    // These go in before the canonical request is built so that they are signed.
    request.headers.insert("x-amz-date", amz_date.as_str());
    match params.session_token {
        Some(token) => request.headers.insert("x-amz-security-token", token),
        None => request.headers.remove("x-amz-security-token"),
    }

    // A payload hash set ahead is what the body is signed with: S3's `UNSIGNED-PAYLOAD`, or the
    // hash of a stream, which is not in `body`.
    let payload: Cow<'_, str> = match request.headers.get("x-amz-content-sha256") {
        Some(preset) => Cow::Owned(preset.to_owned()),
        None if request.body.is_empty() => Cow::Borrowed(EMPTY_SHA256),
        None => Cow::Owned(hex(&sha256(&request.body))),
    };
    if params.settings == SigningSettings::S3 {
        request.headers.insert("x-amz-content-sha256", &*payload);
    }

    // Written into one buffer rather than joined from parts: signing is on every call's path.
    let mut canonical_request = String::with_capacity(CANONICAL_REQUEST_CAPACITY);
    canonical_request.push_str(&request.method);
    canonical_request.push('\n');
    match params.settings {
        SigningSettings::Standard => push_canonical_uri(&mut canonical_request, request.path()),
        SigningSettings::S3 if request.path().is_empty() => canonical_request.push('/'),
        SigningSettings::S3 => canonical_request.push_str(request.path()),
    }
    canonical_request.push('\n');
    push_canonical_query(&mut canonical_request, request.query().unwrap_or_default());
    canonical_request.push('\n');
    let signed_headers = push_canonical_headers(&mut canonical_request, &request.headers);
    canonical_request.push('\n');
    canonical_request.push_str(&signed_headers);
    canonical_request.push('\n');
    canonical_request.push_str(&payload);
    Ok(Canonical { amz_date, canonical_request, signed_headers })
}

/// `algorithm`, the time, the credential `scope` and the canonical request's SHA-256, a line
/// each.
pub(crate) fn string_to_sign(algorithm: &str, amz_date: &str, scope: &str, canonical_request: &str) -> String {
    let mut string_to_sign = String::with_capacity(algorithm.len() + amz_date.len() + scope.len() + 67);
    for part in [algorithm, "\n", amz_date, "\n", scope, "\n"] {
        string_to_sign.push_str(part);
    }
    push_hex(&mut string_to_sign, &sha256(canonical_request.as_bytes()));
    string_to_sign
}

/// The `authorization` header's value.
pub(crate) fn authorization(
    algorithm: &str,
    params: &SigningParams<'_>,
    scope: &str,
    signed_headers: &str,
    signature: &str,
) -> String {
    [
        algorithm,
        " Credential=",
        params.access_key_id,
        "/",
        scope,
        ", SignedHeaders=",
        signed_headers,
        ", Signature=",
        signature,
    ]
    .concat()
}

/// The signing key of a credential scope: `AWS4` and the secret key, HMAC'd with the `YYYYMMDD`
/// date, the Region, the service and `aws4_request` in turn.
pub(crate) fn signing_key(secret_access_key: &str, date: &str, region: &str, service: &str) -> [u8; 32] {
    let mut secret = String::with_capacity(secret_access_key.len() + 4);
    secret.push_str("AWS4");
    secret.push_str(secret_access_key);
    let mut key = hmac_sha256(secret.as_bytes(), date.as_bytes());
    for part in [region, service, "aws4_request"] {
        key = hmac_sha256(&key, part.as_bytes());
    }
    key
}

/// `YYYYMMDD'T'HHMMSS'Z'` for `seconds` since the Unix epoch, in UTC.
pub(crate) fn format_amz_date(seconds: u64) -> String {
    let days = seconds / 86_400;
    let second_of_day = seconds % 86_400;
    let (year, month, day) = civil_from_days(days);
    let mut out = String::with_capacity(16);
    // Years beyond 9999 get their extra digits, as `{:04}` would give them.
    if year > 9999 {
        out.push_str(&(year / 10_000).to_string());
    }
    push_digits(&mut out, year % 10_000, 4);
    push_digits(&mut out, month, 2);
    push_digits(&mut out, day, 2);
    out.push('T');
    push_digits(&mut out, second_of_day / 3600, 2);
    push_digits(&mut out, second_of_day / 60 % 60, 2);
    push_digits(&mut out, second_of_day % 60, 2);
    out.push('Z');
    out
}

/// The last `width` decimal digits of `value`, zero-padded (no `format!`: signing is on every
/// call's path).
fn push_digits(out: &mut String, value: u64, width: u32) {
    for place in (0..width).rev() {
        out.push(char::from(b'0' + (value / 10u64.pow(place) % 10) as u8));
    }
}

/// The proleptic Gregorian (year, month, day) of a day counted from 1970-01-01.
///
/// Works in 400-year eras that start on March 1st, so the leap day is the
/// last day of its era-year and month lengths follow a fixed pattern.
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    // Days from 0000-03-01 to 1970-01-01.
    let shifted = days + 719_468;
    let era = shifted / 146_097;
    let day_of_era = shifted % 146_097;
    // The year within the era: drop the leap days before this day (one every
    // 4 years, except every 100, but again every 400).
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    // Months from March: 31, 30, 31, 30, 31, 31, 30, 31, 30, 31, 31, 28/29.
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    let month = if month_from_march < 10 { month_from_march + 3 } else { month_from_march - 9 };
    // January and February belong to the next calendar year.
    let year = era * 400 + year_of_era + u64::from(month <= 2);
    (year, month, day)
}

/// The canonical URI, onto `out`: the already-encoded `path` with dot and empty segments
/// removed (RFC 3986 section 5.2.4), each segment percent-encoded again.
fn push_canonical_uri(out: &mut String, path: &str) {
    let mut segments: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        match segment {
            // Empty segments (from `//`) go too, as the SDKs and the suite do.
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            other => segments.push(other),
        }
    }
    for segment in &segments {
        out.push('/');
        // `%` becomes `%25` here: this is the second encoding.
        crate::http::push_percent_encoded(out, segment.as_bytes(), false);
    }
    // A trailing `/` (also from a final `.` or `..`) names a directory; keep it.
    let directory = path.ends_with('/') || path.ends_with("/.") || path.ends_with("/..");
    if segments.is_empty() || directory {
        out.push('/');
    }
}

/// The canonical query, onto `out`: `name=value` pairs, decoded and re-encoded with the
/// SigV4 unreserved set, sorted by name then value, joined with `&`.
fn push_canonical_query(out: &mut String, query: &str) {
    if query.is_empty() {
        return;
    }
    let mut pairs: Vec<(String, String)> = query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (
                crate::http::percent_encode(&decode_query_component(name), false),
                crate::http::percent_encode(&decode_query_component(value), false),
            )
        })
        .collect();
    pairs.sort();
    for (index, (name, value)) in pairs.iter().enumerate() {
        if index > 0 {
            out.push('&');
        }
        out.push_str(name);
        out.push('=');
        out.push_str(value);
    }
}

/// Decodes a query name or value to bytes as a server reads it
/// (`application/x-www-form-urlencoded`): `%XX` escapes, and `+` is a space.
/// Bytes, not a string, so that escapes of non-UTF-8 are kept exactly.
fn decode_query_component(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while let Some(&byte) = bytes.get(index) {
        let escaped = match (byte, bytes.get(index + 1), bytes.get(index + 2)) {
            (b'%', Some(&high), Some(&low)) => crate::http::hex_value(high).zip(crate::http::hex_value(low)),
            _ => None,
        };
        match escaped {
            Some((high, low)) => {
                out.push(high << 4 | low);
                index += 3;
            }
            None => {
                out.push(if byte == b'+' { b' ' } else { byte });
                index += 1;
            }
        }
    }
    out
}

/// The canonical headers block (`name:value\n` per header, sorted) onto `out`, and the signed
/// headers list (`name;name`), leaving out [`UNSIGNED_HEADERS`].
fn push_canonical_headers<'a>(out: &mut String, headers: &'a Headers) -> String {
    let lowercase = |name: &'a str| -> Cow<'a, str> {
        if name.bytes().any(|b| b.is_ascii_uppercase()) {
            Cow::Owned(name.to_ascii_lowercase())
        } else {
            Cow::Borrowed(name)
        }
    };
    let mut entries: Vec<(Cow<'a, str>, Cow<'a, str>)> = headers
        .iter()
        .map(|(name, value)| (lowercase(name), trim_all(value)))
        .filter(|(name, _)| !UNSIGNED_HEADERS.contains(&&**name))
        .collect();
    // Stable, so the values of one name keep their order.
    entries.sort_by(|a, b| a.0.cmp(&b.0));

    let mut signed = String::with_capacity(entries.iter().map(|(name, _)| name.len() + 1).sum());
    let mut previous: Option<&str> = None;
    for (name, value) in &entries {
        if previous == Some(&**name) {
            // Another value of the same header: comma-joined on its line.
            out.pop();
            out.push(',');
        } else {
            if previous.is_some() {
                signed.push(';');
            }
            signed.push_str(name);
            out.push_str(name);
            out.push(':');
        }
        out.push_str(value);
        out.push('\n');
        previous = Some(name);
    }
    signed
}

/// Trims spaces and tabs from both ends and collapses inner runs of spaces to one.
fn trim_all(value: &str) -> Cow<'_, str> {
    let trimmed = value.trim_matches([' ', '\t']);
    if !trimmed.contains("  ") {
        return Cow::Borrowed(trimmed);
    }
    let mut out = String::with_capacity(value.len());
    for c in trimmed.chars() {
        if !(c == ' ' && out.ends_with(' ')) {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn the_empty_payload_hash_is_sha256_of_nothing() {
        assert_eq!(EMPTY_SHA256, hex(&sha256(b"")));
    }

    fn at(seconds: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(seconds)
    }

    fn params(time: SystemTime) -> SigningParams<'static> {
        SigningParams {
            access_key_id: "AKIDEXAMPLE",
            secret_access_key: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            session_token: None,
            region: "us-east-1",
            service: "service",
            time,
            settings: SigningSettings::Standard,
        }
    }

    /// 2015-08-30T12:36:00Z, the time of the official suite.
    const SUITE_TIME: u64 = 1_440_938_160;

    fn request(method: &str, uri: &str, host: &str) -> HttpRequest {
        let mut request = HttpRequest::new(method, uri);
        request.headers.insert("Host", host);
        request
    }

    #[test]
    fn amz_date_format() {
        assert_eq!(format_amz_date(0), "19700101T000000Z");
        assert_eq!(format_amz_date(SUITE_TIME), "20150830T123600Z");
        // Leap days, month and year ends, a century that is not a leap year.
        assert_eq!(format_amz_date(951_782_400), "20000229T000000Z");
        assert_eq!(format_amz_date(951_868_799), "20000229T235959Z");
        assert_eq!(format_amz_date(1_735_689_599), "20241231T235959Z");
        assert_eq!(format_amz_date(1_735_689_600), "20250101T000000Z");
        assert_eq!(format_amz_date(1_709_164_800), "20240229T000000Z");
        assert_eq!(format_amz_date(4_107_542_399), "21000228T235959Z");
        assert_eq!(format_amz_date(4_107_542_400), "21000301T000000Z");
        assert_eq!(format_amz_date(253_402_300_799), "99991231T235959Z");
    }

    #[test]
    fn civil_dates_follow_day_by_day() {
        // Walk 1970..2400 a day at a time, checking each date follows the last.
        let mut previous = civil_from_days(0);
        assert_eq!(previous, (1970, 1, 1));
        for days in 1..157_000 {
            let (year, month, day) = civil_from_days(days);
            let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
            let (py, pm, pd) = previous;
            let month_len = match pm {
                2 if leap && py == year => 29,
                2 => 28,
                4 | 6 | 9 | 11 => 30,
                _ => 31,
            };
            let expected = if pd < month_len {
                (py, pm, pd + 1)
            } else if pm < 12 {
                (py, pm + 1, 1)
            } else {
                (py + 1, 1, 1)
            };
            assert_eq!((year, month, day), expected, "day {days}");
            previous = (year, month, day);
        }
    }

    #[test]
    fn signs_get_vanilla_like_the_suite() {
        let mut request = request("GET", "/", "example.amazonaws.com");
        let signed = sign_with_details(&mut request, &params(at(SUITE_TIME))).unwrap();
        assert_eq!(signed.signature, "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
        assert_eq!(request.headers.get("x-amz-date"), Some("20150830T123600Z"));
        assert_eq!(
            request.headers.get("authorization"),
            Some(
                "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, \
                 SignedHeaders=host;x-amz-date, \
                 Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
            )
        );
    }

    #[test]
    fn host_with_port_is_signed_as_given() {
        let mut request = request("POST", "/ota-tasks?b=2&a=1", "localhost:8443");
        request.body = b"{}".to_vec();
        let signed = sign_with_details(&mut request, &params(at(SUITE_TIME))).unwrap();
        assert_eq!(
            signed.canonical_request,
            format!(
                "POST\n/ota-tasks\na=1&b=2\nhost:localhost:8443\nx-amz-date:20150830T123600Z\n\n\
                 host;x-amz-date\n{}",
                hex(&sha256(b"{}"))
            )
        );
        assert_eq!(
            signed.string_to_sign,
            format!(
                "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n{}",
                hex(&sha256(signed.canonical_request.as_bytes()))
            )
        );
        // The port is part of the signature: the same request for another port differs.
        let mut other = request.clone();
        other.headers.insert("host", "localhost:8444");
        let other = sign_with_details(&mut other, &params(at(SUITE_TIME))).unwrap();
        assert_ne!(other.signature, signed.signature);
    }

    #[test]
    fn missing_or_empty_host_is_an_error() {
        let mut request = HttpRequest::new("GET", "/");
        let error = sign(&mut request, &params(at(SUITE_TIME))).unwrap_err();
        assert!(error.to_string().contains("`host`"), "{error}");
        request.headers.insert("host", " ");
        assert!(sign(&mut request, &params(at(SUITE_TIME))).is_err());
        assert!(!request.headers.contains("authorization"));
    }

    #[test]
    fn time_before_the_epoch_is_an_error() {
        let mut request = request("GET", "/", "example.com");
        let time = UNIX_EPOCH - Duration::from_secs(1);
        assert!(sign(&mut request, &params(time)).is_err());
    }

    #[test]
    fn session_token_is_added_and_signed() {
        let mut request = request("GET", "/", "example.amazonaws.com");
        let params = SigningParams { session_token: Some("TOKEN"), ..params(at(SUITE_TIME)) };
        let signed = sign_with_details(&mut request, &params).unwrap();
        assert_eq!(request.headers.get("x-amz-security-token"), Some("TOKEN"));
        let expected_tail =
            format!("x-amz-security-token:TOKEN\n\nhost;x-amz-date;x-amz-security-token\n{EMPTY_SHA256}");
        assert!(signed.canonical_request.ends_with(&expected_tail), "{}", signed.canonical_request);
    }

    #[test]
    fn signing_again_replaces_the_signing_headers() {
        let mut request = request("GET", "/", "example.amazonaws.com");
        let with_token = SigningParams { session_token: Some("TOKEN"), ..params(at(SUITE_TIME)) };
        sign(&mut request, &with_token).unwrap();
        let later = params(at(SUITE_TIME + 60));
        let signed = sign_with_details(&mut request, &later).unwrap();
        assert_eq!(request.headers.get_all("authorization").count(), 1);
        assert_eq!(request.headers.get_all("x-amz-date").count(), 1);
        assert_eq!(request.headers.get("x-amz-date"), Some("20150830T123700Z"));
        assert!(!request.headers.contains("x-amz-security-token"));
        assert!(!signed.canonical_request.contains("authorization"));
        // Same as signing a fresh request at that time.
        let mut fresh = self::request("GET", "/", "example.amazonaws.com");
        assert_eq!(sign_with_details(&mut fresh, &later).unwrap(), signed);
    }

    #[test]
    fn unsigned_headers_are_left_out() {
        let mut request = request("PUT", "/", "example.com");
        for name in UNSIGNED_HEADERS {
            request.headers.insert(name.to_ascii_uppercase(), "x");
        }
        request.headers.insert("X-Custom", "  a   b  ");
        request.headers.append("x-custom", "c");
        let signed = sign_with_details(&mut request, &params(at(SUITE_TIME))).unwrap();
        let lines: Vec<&str> = signed.canonical_request.lines().collect();
        assert_eq!(lines[3..7], ["host:example.com", "x-amz-date:20150830T123600Z", "x-custom:a b,c", ""]);
        assert_eq!(lines[7], "host;x-amz-date;x-custom");
    }

    #[test]
    fn canonical_uri_normalizes_and_double_encodes() {
        let cases = [
            ("", "/"),
            ("/", "/"),
            ("//", "/"),
            ("/a/./b/../c", "/a/c"),
            ("/a/b/..", "/a/"),
            ("/a/b/.", "/a/b/"),
            ("/..", "/"),
            ("/../a", "/a"),
            ("//a//b//", "/a/b/"),
            ("/a%2Fb/c%20d", "/a%252Fb/c%2520d"),
            ("/user@host:1/~x", "/user%40host%3A1/~x"),
        ];
        for (path, expected) in cases {
            let mut out = String::from("GET\n");
            push_canonical_uri(&mut out, path);
            assert_eq!(out.strip_prefix("GET\n"), Some(expected), "{path:?}");
        }
    }

    #[test]
    fn canonical_query_decodes_reencodes_and_sorts() {
        let cases = [
            ("", ""),
            ("b=2&a=1&a=0", "a=0&a=1&b=2"),
            ("flag&x=", "flag=&x="),
            ("&&a=1&", "a=1"),
            ("q=a+b%20c", "q=a%20b%20c"),
            ("k=%2f%7E!*", "k=%2F~%21%2A"),
            ("bad=%zz%4", "bad=%25zz%254"),
            ("%E1%88%B4=x&Z=y&a=z", "%E1%88%B4=x&Z=y&a=z"),
            ("x=%FF", "x=%FF"),
        ];
        for (query, expected) in cases {
            let mut out = String::from("/\n");
            push_canonical_query(&mut out, query);
            assert_eq!(out.strip_prefix("/\n"), Some(expected), "{query:?}");
        }
    }

    #[test]
    fn debug_hides_secrets() {
        let params = SigningParams { session_token: Some("the-token"), ..params(at(0)) };
        let debug = format!("{params:?}");
        assert!(debug.contains("AKIDEXAMPLE"));
        assert!(!debug.contains("wJalrXUtnFEMI"));
        assert!(!debug.contains("the-token"));
    }

    #[test]
    fn cached_signing_keys_match_fresh_ones_and_follow_the_scope() {
        let cache = SigningKeyCache::new();
        let signature = |p: &SigningParams<'_>, cache: Option<&SigningKeyCache>| {
            let mut request = request("GET", "/", "example.amazonaws.com");
            match cache {
                Some(cache) => sign_cached(&mut request, p, cache).map(|_| ()).unwrap(),
                None => sign(&mut request, p).unwrap(),
            }
            request.headers.get("authorization").unwrap().to_owned()
        };
        let day = params(at(SUITE_TIME));
        let next_day = params(at(SUITE_TIME + 86_400));
        let other_region = SigningParams { region: "eu-west-1", ..day };
        let other_secret = SigningParams { secret_access_key: "another", ..day };
        for p in [&day, &day, &next_day, &other_region, &other_secret, &day] {
            assert_eq!(signature(p, Some(&cache)), signature(p, None));
        }
        assert!(!format!("{cache:?}").contains("EXAMPLEKEY"));
    }

    #[test]
    fn s3_signs_the_path_as_sent_with_a_content_sha256_header() {
        let mut request = HttpRequest::new("PUT", "/a%20b/../c.txt");
        request.headers.insert("host", "bucket.s3.amazonaws.com");
        request.body = b"hello".to_vec();
        let s3 = SigningParams { settings: SigningSettings::S3, ..params(at(SUITE_TIME)) };
        let signed = sign_with_details(&mut request, &s3).unwrap();
        let hash = hex(&sha256(b"hello"));
        assert_eq!(request.headers.get("x-amz-content-sha256"), Some(hash.as_str()));
        assert!(signed.canonical_request.starts_with("PUT\n/a%20b/../c.txt\n"), "{}", signed.canonical_request);
        assert!(signed.canonical_request.contains("x-amz-content-sha256"), "{}", signed.canonical_request);
    }
}
