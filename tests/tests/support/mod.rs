//! A fake service on 127.0.0.1 for end-to-end tests: a real HTTP/1.1 server (std threads, one
//! per connection, keep-alive) that records every request and answers from a script, and a
//! SigV4 check that recomputes each request's signature with the `aws-sigv4` crate.

#![allow(dead_code)] // Each test file uses part of it.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

pub const ACCESS_KEY_ID: &str = "AKIDEXAMPLE";
pub const SECRET_ACCESS_KEY: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
pub const REGION: &str = "us-east-1";
pub const SIGNING_NAME: &str = "iotmanagedintegrations";

/// A request as the server read it.
#[derive(Clone, Debug)]
pub struct Recorded {
    pub method: String,
    /// Path and query, as sent.
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or_default()
    }

    /// The raw (still encoded) query pairs.
    pub fn query(&self) -> Vec<(String, String)> {
        let Some((_, query)) = self.target.split_once('?') else { return Vec::new() };
        query
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|p| {
                let (k, v) = p.split_once('=').unwrap_or((p, ""));
                (k.to_owned(), v.to_owned())
            })
            .collect()
    }
}

/// The server's answer to one request.
#[derive(Clone, Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// How long to wait before answering.
    pub delay: Duration,
}

impl Reply {
    pub fn json(status: u16, body: &str) -> Self {
        Reply {
            status,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: body.as_bytes().to_vec(),
            delay: Duration::ZERO,
        }
    }

    /// A modeled error, identified the way AWS restJson1 services do.
    pub fn error(status: u16, code: &str, message: &str) -> Self {
        let mut reply = Reply::json(status, &format!(r#"{{"message":"{message}"}}"#));
        reply.headers.push(("X-Amzn-Errortype".into(), format!("{code}:http://internal.amazon.com/coral/")));
        reply.headers.push(("X-Amzn-Requestid".into(), "req-1234".into()));
        reply
    }

    /// An XML body (restXml, awsQuery).
    pub fn xml(status: u16, body: &str) -> Self {
        Reply {
            status,
            headers: vec![("Content-Type".into(), "application/xml".into())],
            body: body.as_bytes().to_vec(),
            delay: Duration::ZERO,
        }
    }

    /// A header beside the others.
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// A CBOR body (rpcv2Cbor).
    pub fn cbor(status: u16, body: Vec<u8>) -> Self {
        Reply {
            status,
            headers: vec![
                ("Content-Type".into(), "application/cbor".into()),
                ("smithy-protocol".into(), "rpc-v2-cbor".into()),
            ],
            body,
            delay: Duration::ZERO,
        }
    }

    pub fn after(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }
}

type Script = dyn Fn(&Recorded, usize) -> Reply + Send + Sync;

/// The server; it stops accepting when dropped.
pub struct FakeServer {
    port: u16,
    requests: Arc<Mutex<Vec<Recorded>>>,
    stop: Arc<AtomicBool>,
}

impl FakeServer {
    /// Starts a server answering request number `n` (from 0) with `script(request, n)`.
    pub fn start(script: impl Fn(&Recorded, usize) -> Reply + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let port = listener.local_addr().expect("local addr").port();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let script: Arc<Script> = Arc::new(script);
        let count = Arc::new(AtomicUsize::new(0));
        {
            let (requests, stop) = (requests.clone(), stop.clone());
            thread::spawn(move || {
                for stream in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(stream) = stream else { continue };
                    let (requests, script, count) = (requests.clone(), script.clone(), count.clone());
                    thread::spawn(move || serve(stream, &requests, &*script, &count));
                }
            });
        }
        FakeServer { port, requests, stop }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.requests.lock().unwrap().clone()
    }
}

impl Drop for FakeServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

fn serve(stream: TcpStream, requests: &Mutex<Vec<Recorded>>, script: &Script, count: &AtomicUsize) {
    stream.set_read_timeout(Some(Duration::from_secs(10))).ok();
    let mut reader = BufReader::new(stream.try_clone().expect("clone stream"));
    let mut writer = stream;
    while let Some(request) = read_request(&mut reader) {
        let n = count.fetch_add(1, Ordering::SeqCst);
        requests.lock().unwrap().push(request.clone());
        let reply = script(&request, n);
        thread::sleep(reply.delay);
        let mut head = format!("HTTP/1.1 {} Fake\r\ncontent-length: {}\r\n", reply.status, reply.body.len());
        for (name, value) in &reply.headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str("\r\n");
        if writer.write_all(head.as_bytes()).and_then(|()| writer.write_all(&reply.body)).is_err() {
            return;
        }
    }
}

fn read_request(reader: &mut impl BufRead) -> Option<Recorded> {
    let mut request = read_head(reader)?;
    let length = request.header("content-length").and_then(|v| v.parse().ok()).unwrap_or(0);
    request.body = vec![0; length];
    reader.read_exact(&mut request.body).ok()?;
    Some(request)
}

/// A request's line and headers, its body left to read.
pub fn read_head(reader: &mut impl BufRead) -> Option<Recorded> {
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let (method, target) = (parts.next()?.to_owned(), parts.next()?.to_owned());
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).ok()?;
        let line = line.trim_end_matches(['\r', '\n']);
        if line.is_empty() {
            return Some(Recorded { method, target, headers, body: Vec::new() });
        }
        let (name, value) = line.split_once(':')?;
        headers.push((name.trim().to_owned(), value.trim().to_owned()));
    }
}

/// A local port nothing listens on.
pub fn closed_port_url() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    drop(listener);
    format!("http://127.0.0.1:{port}")
}

/// The configuration of a fixture crate's client (they share this workspace's runtime) against
/// `server`: the test credentials and Region, and retries that back off for milliseconds.
pub fn fixture_config(server: &FakeServer) -> workspace_runtime::config::Config {
    fixture_builder(server).build()
}

/// [`fixture_config`]'s builder, for a test that sets more.
pub fn fixture_builder(server: &FakeServer) -> workspace_runtime::config::Builder {
    fixture_builder_at(&server.url())
}

/// [`fixture_builder`] for a service at `url` (a fake of a test's own).
pub fn fixture_builder_at(url: &str) -> workspace_runtime::config::Builder {
    use workspace_runtime::config::RetryConfig;
    use workspace_runtime::credentials::Credentials;
    workspace_config::builder()
        .region(REGION)
        .endpoint_url(url)
        .credentials_provider(Credentials::new(ACCESS_KEY_ID, SECRET_ACCESS_KEY, None, None))
        .retry_config(RetryConfig::standard().with_initial_backoff(Duration::from_millis(5)))
}

/// Checks what every awsJson1_0 call has, `POST /` naming the operation in `X-Amz-Target`, a
/// JSON body and a valid SigV4 signature for `signing_name`, and returns the body as JSON.
pub fn checked_aws_json_1_0(request: &Recorded, target: &str, signing_name: &str) -> serde_json::Value {
    checked_aws_json(request, target, signing_name, "application/x-amz-json-1.0")
}

/// [`checked_aws_json_1_0`] for awsJson1_1.
pub fn checked_aws_json_1_1(request: &Recorded, target: &str, signing_name: &str) -> serde_json::Value {
    checked_aws_json(request, target, signing_name, "application/x-amz-json-1.1")
}

fn checked_aws_json(request: &Recorded, target: &str, signing_name: &str, content_type: &str) -> serde_json::Value {
    assert_eq!((request.method.as_str(), request.target.as_str()), ("POST", "/"));
    assert_eq!(request.header("x-amz-target"), Some(target));
    assert_eq!(request.header("content-type"), Some(content_type));
    verify_sigv4_for(request, None, signing_name);
    serde_json::from_slice(&request.body).expect("a JSON body")
}

/// Checks `request`'s `Authorization` header by signing the same request again with the
/// `aws-sigv4` crate, with the same credentials, Region, service and `x-amz-date`.
pub fn verify_sigv4(request: &Recorded, session_token: Option<&str>) {
    verify_sigv4_for(request, session_token, SIGNING_NAME);
}

/// [`verify_sigv4`] for the service whose SigV4 signing name is `signing_name`.
pub fn verify_sigv4_for(request: &Recorded, session_token: Option<&str>, signing_name: &str) {
    verify_signature(request, session_token, signing_name, aws_sigv4::http_request::SigningSettings::default());
}

/// [`verify_sigv4`] with S3's signing settings (the path signed as sent, once encoded and not
/// normalized) and its signed `x-amz-content-sha256` header, which must be the body's SHA-256.
pub fn verify_sigv4_s3(request: &Recorded) {
    verify_sigv4_s3_for(request, "s3");
}

/// [`verify_sigv4_s3`] for the signing name an endpoint gives (S3 Express's `s3express`).
pub fn verify_sigv4_s3_for(request: &Recorded, signing_name: &str) {
    use aws_sigv4::http_request::{
        PayloadChecksumKind, PercentEncodingMode, SigningSettings, UriPathNormalizationMode,
    };
    let mut settings = SigningSettings::default();
    settings.percent_encoding_mode = PercentEncodingMode::Single;
    settings.uri_path_normalization_mode = UriPathNormalizationMode::Disabled;
    settings.payload_checksum_kind = PayloadChecksumKind::XAmzSha256;
    let hash = request.header("x-amz-content-sha256").expect("an x-amz-content-sha256 header");
    if hash == "UNSIGNED-PAYLOAD" {
        // A streamed body: signed without its hash, so it is read once, as it is sent.
        let body = aws_sigv4::http_request::SignableBody::UnsignedPayload;
        verify_signature_of(request, None, signing_name, settings, body);
        return;
    }
    if hash == "STREAMING-UNSIGNED-PAYLOAD-TRAILER" {
        // The same, aws-chunked with its checksum in the trailer.
        let body = aws_sigv4::http_request::SignableBody::StreamingUnsignedPayloadTrailer;
        verify_signature_of(request, None, signing_name, settings, body);
        return;
    }
    assert_eq!(hash, sha256_hex(&request.body), "x-amz-content-sha256");
    verify_signature(request, None, signing_name, settings);
}

/// A request to an S3 Express One Zone bucket, signed (with S3's settings, for `s3express`)
/// with the session `access_key_id` and `secret` whose token `token` is sent in
/// `x-amz-s3session-token`, and with no `x-amz-security-token`.
pub fn verify_sigv4_s3_session(request: &Recorded, access_key_id: &str, secret: &str, token: &str) {
    use aws_sigv4::http_request::{
        PayloadChecksumKind, PercentEncodingMode, SigningSettings, UriPathNormalizationMode,
    };
    let mut settings = SigningSettings::default();
    settings.percent_encoding_mode = PercentEncodingMode::Single;
    settings.uri_path_normalization_mode = UriPathNormalizationMode::Disabled;
    settings.payload_checksum_kind = PayloadChecksumKind::XAmzSha256;
    settings.session_token_name_override = Some("x-amz-s3session-token");
    assert_eq!(request.header("x-amz-content-sha256"), Some(sha256_hex(&request.body).as_str()));
    assert_eq!(request.header("x-amz-s3session-token"), Some(token));
    let body = aws_sigv4::http_request::SignableBody::Bytes(&request.body);
    verify_signature_with(request, (access_key_id, secret), Some(token), "s3express", settings, body);
}

/// [`verify_sigv4_for`] of a request whose body is an input event stream: its payload hash is
/// `STREAMING-AWS4-HMAC-SHA256-EVENTS`, each event being signed on its own. Returns the
/// signature, the seed of the events' chain.
pub fn verify_sigv4_event_stream(request: &Recorded, signing_name: &str) -> String {
    const EVENTS: &str = "STREAMING-AWS4-HMAC-SHA256-EVENTS";
    assert_eq!(request.header("x-amz-content-sha256"), Some(EVENTS));
    let settings = aws_sigv4::http_request::SigningSettings::default();
    let body = aws_sigv4::http_request::SignableBody::Precomputed(EVENTS.to_owned());
    verify_signature_of(request, None, signing_name, settings, body);
    let authorization = request.header("authorization").expect("an Authorization header");
    authorization.rsplit("Signature=").next().expect("a signature").to_owned()
}

/// Lowercase hex SHA-256, as SigV4 writes payload hashes.
fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

fn verify_signature(
    request: &Recorded,
    session_token: Option<&str>,
    signing_name: &str,
    settings: aws_sigv4::http_request::SigningSettings,
) {
    let body = aws_sigv4::http_request::SignableBody::Bytes(&request.body);
    verify_signature_of(request, session_token, signing_name, settings, body);
}

fn verify_signature_of(
    request: &Recorded,
    session_token: Option<&str>,
    signing_name: &str,
    settings: aws_sigv4::http_request::SigningSettings,
    body: aws_sigv4::http_request::SignableBody<'_>,
) {
    verify_signature_with(request, (ACCESS_KEY_ID, SECRET_ACCESS_KEY), session_token, signing_name, settings, body);
}

/// The signature recomputed with `aws-sigv4` from the keys `(access key id, secret)` and the
/// session token, sent in the header `settings` names (`x-amz-security-token` by default).
fn verify_signature_with(
    request: &Recorded,
    (access_key_id, secret): (&str, &str),
    session_token: Option<&str>,
    signing_name: &str,
    settings: aws_sigv4::http_request::SigningSettings,
    body: aws_sigv4::http_request::SignableBody<'_>,
) {
    let authorization = request.header("authorization").expect("an Authorization header");
    let rest = authorization.strip_prefix("AWS4-HMAC-SHA256 ").expect("the SigV4 algorithm");
    let field = |name: &str| {
        rest.split(", ")
            .find_map(|part| part.strip_prefix(name))
            .unwrap_or_else(|| panic!("no {name} in {authorization}"))
    };
    let (credential, signed, signature) = (field("Credential="), field("SignedHeaders="), field("Signature="));
    let date = request.header("x-amz-date").expect("an x-amz-date header");
    assert_eq!(credential, format!("{access_key_id}/{}/{REGION}/{signing_name}/aws4_request", &date[..8]));
    let signed: Vec<&str> = signed.split(';').collect();
    for required in ["host", "x-amz-date"] {
        assert!(signed.contains(&required), "{required} must be signed: {signed:?}");
    }
    let token_header = settings.session_token_name_override.unwrap_or("x-amz-security-token");
    assert_eq!(session_token.is_some(), signed.contains(&token_header));
    assert_eq!(request.header(token_header), session_token);
    if token_header != "x-amz-security-token" {
        assert_eq!(request.header("x-amz-security-token"), None);
    }

    let credentials =
        aws_credential_types::Credentials::new(access_key_id, secret, session_token.map(str::to_owned), None, "test");
    let identity: aws_smithy_runtime_api::client::identity::Identity = credentials.into();
    let params = aws_sigv4::sign::v4::SigningParams::builder()
        .identity(&identity)
        .region(REGION)
        .name(signing_name)
        .time(parse_amz_date(date))
        .settings(settings)
        .build()
        .expect("signing params")
        .into();
    let headers = request
        .headers
        .iter()
        .filter(|(name, _)| signed.contains(&name.to_ascii_lowercase().as_str()))
        .map(|(n, v)| (n.as_str(), v.as_str()));
    let signable =
        aws_sigv4::http_request::SignableRequest::new(&request.method, request.target.as_str(), headers, body)
            .expect("signable request");
    let (_, expected) = aws_sigv4::http_request::sign(signable, &params).expect("sign").into_parts();
    assert_eq!(signature, expected, "signature of {} {}", request.method, request.target);
}

/// `20261127T174307Z` as a time.
fn parse_amz_date(text: &str) -> SystemTime {
    let num = |range: std::ops::Range<usize>| text[range].parse::<i64>().expect("digits");
    let (y, m, d) = (num(0..4), num(4..6), num(6..8));
    let (hh, mm, ss) = (num(9..11), num(11..13), num(13..15));
    // Days from the civil date (proleptic Gregorian), as in Howard Hinnant's algorithm.
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    UNIX_EPOCH + Duration::from_secs((days * 86_400 + hh * 3600 + mm * 60 + ss) as u64)
}
