//! End to end: `smithy-config`'s ECS/EKS container credentials provider against a fake
//! endpoint on 127.0.0.1 (`AWS_CONTAINER_CREDENTIALS_FULL_URI`), and against a recording HTTP
//! client for the addresses a test cannot listen on: the authorization token (from its file or
//! variable), the URIs it refuses, error responses, retries, and no secret in any output.

mod support;

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, UNIX_EPOCH};

use support::{FakeServer, Reply};
use workspace_config::container::ContainerCredentialsProvider;
use workspace_config::credentials::ProviderConfig;
use workspace_config::transport::{HyperClient, TokioSleep};
use workspace_runtime::config::{HttpClient, HttpFuture};
use workspace_runtime::credentials::{Env, ProvideCredentials};
use workspace_runtime::http::{Headers, HttpRequest, HttpResponse};

const AUTH_TOKEN: &str = "eks-pod-identity-token-EXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY";
const CREDENTIALS: &str = r#"{
  "AccessKeyId": "ASIAIOSFODNN7EXAMPLE",
  "SecretAccessKey": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY",
  "Token": "IQoJb3JpZ2luX2VjEPT//////////wEXAMPLE",
  "AccountId": "123456789012",
  "Expiration": "2026-12-01T12:00:00Z"
}"#;

/// The variables `pairs`, a transport without a connect timeout of its own and the tokio timer.
fn conf(pairs: &[(&str, &str)]) -> ProviderConfig {
    ProviderConfig::new()
        .with_env(Env::from_pairs(pairs.iter().copied()))
        .with_http_client(HyperClient::default())
        .with_sleep(TokioSleep)
}

fn provider(pairs: &[(&str, &str)]) -> ContainerCredentialsProvider {
    ContainerCredentialsProvider::from_provider_config(&conf(pairs))
}

/// A directory of its own under the system's temporary directory, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("smithy-container-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        TempDir(dir)
    }

    fn file(&self, name: &str, content: &str) -> String {
        let path = self.0.join(name);
        std::fs::write(&path, content).expect("write");
        path.to_str().expect("UTF-8 path").to_owned()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Answers every call with 200 and [`CREDENTIALS`], and records the URLs, for the hosts no
/// test can listen on.
#[derive(Debug, Default)]
struct Recording {
    calls: Mutex<Vec<(String, HttpRequest)>>,
}

impl HttpClient for Recording {
    fn call<'a>(&'a self, url: &'a str, request: &'a HttpRequest) -> HttpFuture<'a> {
        self.calls.lock().unwrap().push((url.to_owned(), request.clone()));
        Box::pin(async { Ok(HttpResponse::new(200, Headers::new(), CREDENTIALS)) })
    }
}

fn recorded(pairs: &[(&str, &str)]) -> (ContainerCredentialsProvider, Arc<Recording>) {
    let recording = Arc::new(Recording::default());
    let provider = ContainerCredentialsProvider::from_provider_config(&conf(pairs).with_http_client(recording.clone()));
    (provider, recording)
}

#[tokio::test]
async fn full_uri_on_loopback_sends_the_token_file() {
    let server = FakeServer::start(|_, _| Reply::json(200, CREDENTIALS));
    let dir = TempDir::new("token-file");
    let token_file = dir.file("token", AUTH_TOKEN);
    let uri = format!("{}/v1/credentials?role=demo", server.url());
    let provider = provider(&[
        ("AWS_CONTAINER_CREDENTIALS_FULL_URI", uri.as_str()),
        ("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", token_file.as_str()),
        // The file wins over the variable.
        ("AWS_CONTAINER_AUTHORIZATION_TOKEN", "from-the-variable"),
    ]);
    let credentials = provider.provide_credentials().await.expect("container credentials");
    assert_eq!(credentials.access_key_id(), "ASIAIOSFODNN7EXAMPLE");
    assert_eq!(credentials.secret_access_key(), SECRET);
    assert_eq!(credentials.session_token(), Some("IQoJb3JpZ2luX2VjEPT//////////wEXAMPLE"));
    assert_eq!(credentials.expires_after(), Some(UNIX_EPOCH + Duration::from_secs(1_796_126_400)));

    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!((requests[0].method.as_str(), requests[0].target.as_str()), ("GET", "/v1/credentials?role=demo"));
    assert_eq!(requests[0].header("authorization"), Some(AUTH_TOKEN));

    // The file is read on every call: EKS rotates the token.
    dir.file("token", "rotated-token");
    provider.provide_credentials().await.expect("again");
    assert_eq!(server.requests()[1].header("authorization"), Some("rotated-token"));
}

#[tokio::test]
async fn the_token_variable_is_used_without_a_file_and_no_token_sends_no_header() {
    let server = FakeServer::start(|_, _| Reply::json(200, CREDENTIALS));
    let uri = format!("{}/creds", server.url());
    provider(&[("AWS_CONTAINER_CREDENTIALS_FULL_URI", &uri), ("AWS_CONTAINER_AUTHORIZATION_TOKEN", AUTH_TOKEN)])
        .provide_credentials()
        .await
        .expect("with the variable's token");
    provider(&[("AWS_CONTAINER_CREDENTIALS_FULL_URI", &uri)]).provide_credentials().await.expect("without a token");
    let requests = server.requests();
    assert_eq!(requests[0].header("authorization"), Some(AUTH_TOKEN));
    assert_eq!(requests[1].header("authorization"), None);
}

#[tokio::test]
async fn the_relative_uri_goes_to_the_ecs_address_and_wins() {
    let (provider, recording) = recorded(&[
        ("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/3f1b-task"),
        ("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:9/elsewhere"),
    ]);
    provider.provide_credentials().await.expect("credentials");
    let calls = recording.calls.lock().unwrap();
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].0, "http://169.254.170.2/v2/credentials/3f1b-task");
    assert_eq!(calls[0].1.uri, "/v2/credentials/3f1b-task");
    assert_eq!(calls[0].1.method, "GET");
}

#[tokio::test]
async fn full_uris_are_allowed_only_over_https_or_to_local_addresses() {
    for uri in [
        "https://credentials.example.com/v1/creds",
        "http://localhost:8080/creds",
        "http://127.0.0.2/creds",
        "http://[::1]:8080/creds",
        "http://169.254.170.2/v2/creds",
        "http://169.254.170.23/v1/credentials",
        "http://[fd00:ec2::23]/v1/credentials",
    ] {
        let (provider, recording) = recorded(&[("AWS_CONTAINER_CREDENTIALS_FULL_URI", uri)]);
        provider.provide_credentials().await.unwrap_or_else(|e| panic!("{uri}: {e}"));
        assert_eq!(recording.calls.lock().unwrap()[0].0, uri);
    }
    for uri in [
        "http://169.254.169.254/latest/meta-data/iam/security-credentials/role",
        "http://credentials.example.com/creds",
        "http://10.0.0.8/creds",
        "http://169.254.170.2@evil.example.com/creds",
        "file:///var/run/creds",
    ] {
        let (provider, recording) =
            recorded(&[("AWS_CONTAINER_CREDENTIALS_FULL_URI", uri), ("AWS_CONTAINER_AUTHORIZATION_TOKEN", AUTH_TOKEN)]);
        let error = provider.provide_credentials().await.expect_err(uri);
        assert!(!error.is_not_loaded(), "a refused URI ends a chain: {error}");
        assert!(error.message().contains("AWS_CONTAINER_CREDENTIALS_FULL_URI"), "{error}");
        assert!(error.message().contains(uri), "names the URI: {error}");
        assert!(error.message().contains("not allowed"), "{error}");
        assert!(!error.message().contains(AUTH_TOKEN), "{error}");
        assert!(recording.calls.lock().unwrap().is_empty(), "nothing is sent to {uri}");
    }
    let (provider, _) = recorded(&[("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://10.0.0.8/creds")]);
    let error = provider.provide_credentials().await.expect_err("non-loopback");
    assert!(error.message().contains("loopback") && error.message().contains("https://"), "says why: {error}");
}

#[tokio::test]
async fn without_a_uri_the_source_is_not_loaded() {
    let (provider, recording) = recorded(&[("AWS_CONTAINER_AUTHORIZATION_TOKEN", AUTH_TOKEN)]);
    let error = provider.provide_credentials().await.expect_err("no URI");
    assert!(error.is_not_loaded(), "{error}");
    assert!(error.message().contains("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"), "{error}");
    assert!(recording.calls.lock().unwrap().is_empty());
}

#[tokio::test]
async fn an_error_response_is_reported_and_not_retried() {
    let server = FakeServer::start(|_, _| {
        Reply::json(403, r#"{"Code":"AccessDenied","Message":"Unable to assume the role for this pod"}"#)
    });
    let uri = format!("{}/v1/credentials", server.url());
    let error =
        provider(&[("AWS_CONTAINER_CREDENTIALS_FULL_URI", &uri), ("AWS_CONTAINER_AUTHORIZATION_TOKEN", AUTH_TOKEN)])
            .provide_credentials()
            .await
            .expect_err("403");
    let message = error.message();
    assert!(message.contains("ContainerCredentialsProvider"), "{message}");
    assert!(message.contains(&uri), "{message}");
    assert!(message.contains("403"), "{message}");
    assert!(message.contains("AccessDenied: Unable to assume the role for this pod"), "{message}");
    assert!(!message.contains(AUTH_TOKEN), "{message}");
    assert_eq!(server.requests().len(), 1);

    // An error document with a 200 status is an error too.
    let server = FakeServer::start(|_, _| Reply::json(200, r#"{"Code":"Throttled","Message":"slow down"}"#));
    let uri = format!("{}/v1/credentials", server.url());
    let error =
        provider(&[("AWS_CONTAINER_CREDENTIALS_FULL_URI", &uri)]).provide_credentials().await.expect_err("code");
    assert!(error.message().contains("Throttled") && error.message().contains("slow down"), "{error}");

    // A server echoing the token back does not get it into the message.
    let server = FakeServer::start(|request, _| {
        let token = request.header("authorization").unwrap_or_default();
        Reply::json(401, &format!(r#"{{"Code":"BadToken","Message":"token {token} is not valid"}}"#))
    });
    let uri = format!("{}/v1/credentials", server.url());
    let error =
        provider(&[("AWS_CONTAINER_CREDENTIALS_FULL_URI", &uri), ("AWS_CONTAINER_AUTHORIZATION_TOKEN", AUTH_TOKEN)])
            .provide_credentials()
            .await
            .expect_err("401");
    assert!(error.message().contains("BadToken"), "{error}");
    assert!(!error.message().contains(AUTH_TOKEN), "{error}");
}

#[tokio::test]
async fn a_5xx_is_retried_a_bounded_number_of_times() {
    let count = Arc::new(AtomicUsize::new(0));
    let server = FakeServer::start({
        let count = count.clone();
        move |_, _| match count.fetch_add(1, Ordering::SeqCst) {
            0 => Reply::json(500, "{}"),
            _ => Reply::json(200, CREDENTIALS),
        }
    });
    let uri = format!("{}/creds", server.url());
    provider(&[("AWS_CONTAINER_CREDENTIALS_FULL_URI", &uri)]).provide_credentials().await.expect("after a retry");
    assert_eq!(server.requests().len(), 2);

    let server = FakeServer::start(|_, _| Reply::json(502, "bad gateway"));
    let uri = format!("{}/creds", server.url());
    let error = provider(&[("AWS_CONTAINER_CREDENTIALS_FULL_URI", &uri)]).provide_credentials().await.expect_err("502");
    assert!(error.message().contains("502"), "{error}");
    assert_eq!(server.requests().len(), 3);

    // A slow endpoint: each attempt is cut short.
    let server = FakeServer::start(|_, _| Reply::json(200, CREDENTIALS).after(Duration::from_secs(3)));
    let uri = format!("{}/creds", server.url());
    let provider = ContainerCredentialsProvider::builder()
        .provider_config(&conf(&[("AWS_CONTAINER_CREDENTIALS_FULL_URI", &uri)]))
        .attempt_timeout(Duration::from_millis(200))
        .max_attempts(2)
        .build();
    let started = std::time::Instant::now();
    let error = provider.provide_credentials().await.expect_err("too slow");
    assert!(started.elapsed() < Duration::from_secs(2), "{:?}", started.elapsed());
    assert!(error.message().contains("timed out") && error.message().contains("after 2 attempts"), "{error}");
}

#[tokio::test]
async fn malformed_json_is_an_error_not_a_panic() {
    let bodies: Vec<Vec<u8>> = vec![
        br#"{"AccessKeyId":"ASIA","SecretAccessKey":"S3CR3T-VALUE""#.to_vec(),
        b"<html>502</html>".to_vec(),
        b"null".to_vec(),
        vec![0xc3, 0x28, 0xff],
        "{\"a\":".repeat(10_000).into_bytes(),
        format!(r#"{{"AccessKeyId":"{}"}}"#, "A".repeat(100_000)).into_bytes(),
        br#"{"AccessKeyId":"ASIA","SecretAccessKey":"S3CR3T-VALUE","Token":"t"}"#.to_vec(),
        br#"{"AccessKeyId":"ASIA","SecretAccessKey":["S3CR3T-VALUE"],"Token":"t","Expiration":"2026-12-01T12:00:00Z"}"#
            .to_vec(),
    ];
    for body in bodies {
        let reply_body = body.clone();
        let server = FakeServer::start(move |_, _| {
            let mut reply = Reply::json(200, "");
            reply.body = reply_body.clone();
            reply
        });
        let uri = format!("{}/creds", server.url());
        let error = provider(&[("AWS_CONTAINER_CREDENTIALS_FULL_URI", &uri)])
            .provide_credentials()
            .await
            .expect_err("malformed");
        let text = String::from_utf8_lossy(&body[..body.len().min(60)]).into_owned();
        assert!(error.message().contains(&uri), "{text}: {error}");
        assert!(!error.message().contains("S3CR3T"), "{text}: {error}");
        assert!(error.message().len() < 400, "{error}");
        assert_eq!(server.requests().len(), 1, "not retried: {text}");
    }
}

#[tokio::test]
async fn a_token_with_a_line_break_is_refused_before_sending() {
    let dir = TempDir::new("newline");
    let token_file = dir.file("token", &format!("{AUTH_TOKEN}\n"));
    let (provider, recording) = recorded(&[
        ("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:9/creds"),
        ("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", &token_file),
    ]);
    let error = provider.provide_credentials().await.expect_err("newline");
    assert!(error.message().contains("carriage return or line feed"), "{error}");
    assert!(error.message().contains(&token_file), "names the file: {error}");
    assert!(!error.message().contains(AUTH_TOKEN), "{error}");

    let (provider, _) = recorded(&[
        ("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:9/creds"),
        ("AWS_CONTAINER_AUTHORIZATION_TOKEN", "abc\r\nX-Injected: 1"),
    ]);
    let error = provider.provide_credentials().await.expect_err("CRLF");
    assert!(error.message().contains("AWS_CONTAINER_AUTHORIZATION_TOKEN"), "{error}");
    assert!(!error.message().contains("X-Injected"), "{error}");

    let missing = dir.0.join("missing").to_str().expect("UTF-8").to_owned();
    let (provider, _) = recorded(&[
        ("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:9/creds"),
        ("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", &missing),
    ]);
    let error = provider.provide_credentials().await.expect_err("missing file");
    assert!(!error.is_not_loaded() && error.message().contains(&missing), "{error}");
    assert!(recording.calls.lock().unwrap().is_empty(), "nothing was sent");
}

#[test]
fn debug_output_holds_no_secret() {
    let dir = TempDir::new("debug");
    let token_file = dir.file("token", AUTH_TOKEN);
    let provider = provider(&[
        ("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:9/creds"),
        ("AWS_CONTAINER_AUTHORIZATION_TOKEN", "variable-token-SECRET"),
        ("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", &token_file),
    ]);
    let shown = format!("{provider:?} {:?}", ContainerCredentialsProvider::builder());
    assert!(!shown.contains("variable-token-SECRET") && !shown.contains(AUTH_TOKEN), "{shown}");
    assert!(shown.contains(workspace_runtime::error::REDACTED), "{shown}");
    assert!(shown.contains("http://127.0.0.1:9/creds") && shown.contains(&token_file), "what helps: {shown}");
}
