//! End to end: the IMDSv2 credentials and Region providers of `smithy-config` against a fake
//! instance metadata service on 127.0.0.1 (`AWS_EC2_METADATA_SERVICE_ENDPOINT`): the token
//! `PUT`, the role and credentials `GET`s and their headers, the token cache, retries of 5xx
//! and timeouts, the one token refetch after a 401, and errors that never quote a secret.

mod support;

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, UNIX_EPOCH};

use support::{FakeServer, Recorded, Reply};
use workspace_config::credentials::ProviderConfig;
use workspace_config::imds::{ImdsClient, ImdsCredentialsProvider, ImdsRegionProvider};
use workspace_config::transport::{HyperClient, TokioSleep};
use workspace_runtime::credentials::{Env, ProvideCredentials};

const TOKEN: &str = "AQAEAExampleSessionToken==";
const ROLE: &str = "demo-role";
const ROLES_PATH: &str = "/latest/meta-data/iam/security-credentials/";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY";
const SESSION_TOKEN: &str = "IQoJb3JpZ2luX2VjEPT//////////wEXAMPLE";
const CREDENTIALS: &str = r#"{
  "Code" : "Success",
  "LastUpdated" : "2026-12-01T06:00:00Z",
  "Type" : "AWS-HMAC",
  "AccessKeyId" : "ASIAIOSFODNN7EXAMPLE",
  "SecretAccessKey" : "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY",
  "Token" : "IQoJb3JpZ2luX2VjEPT//////////wEXAMPLE",
  "Expiration" : "2026-12-01T12:00:00Z"
}"#;

fn env(server: &FakeServer, more: &[(&str, &str)]) -> Env {
    let endpoint = ("AWS_EC2_METADATA_SERVICE_ENDPOINT".to_owned(), server.url());
    Env::from_pairs(std::iter::once(endpoint).chain(more.iter().map(|(k, v)| (k.to_string(), v.to_string()))))
}

/// `env`, a transport without a connect timeout of its own and the tokio timer.
fn conf(env: Env) -> ProviderConfig {
    ProviderConfig::new().with_env(env).with_http_client(HyperClient::default()).with_sleep(TokioSleep)
}

fn client(env: Env) -> ImdsClient {
    ImdsClient::from_provider_config(&conf(env))
}

fn provider(server: &FakeServer) -> ImdsCredentialsProvider {
    ImdsCredentialsProvider::from_provider_config(&conf(env(server, &[])))
}

/// A well-behaved IMDS.
fn imds(request: &Recorded) -> Reply {
    let role_path = format!("{ROLES_PATH}{ROLE}");
    match (request.method.as_str(), request.path()) {
        ("PUT", "/latest/api/token") => {
            Reply::json(200, TOKEN).with_header("x-aws-ec2-metadata-token-ttl-seconds", "21600")
        }
        ("GET", ROLES_PATH) => Reply::json(200, &format!("{ROLE}\nanother-role\n")),
        ("GET", path) if path == role_path => Reply::json(200, CREDENTIALS),
        ("GET", "/latest/meta-data/placement/region") => Reply::json(200, "eu-west-3\n"),
        _ => Reply::json(404, "not found"),
    }
}

fn calls(server: &FakeServer) -> Vec<(String, String)> {
    server.requests().iter().map(|r| (r.method.clone(), r.target.clone())).collect()
}

fn call(method: &str, target: &str) -> (String, String) {
    (method.to_owned(), target.to_owned())
}

#[tokio::test]
async fn credentials_come_from_the_token_the_role_and_its_credentials() {
    let server = FakeServer::start(|request, _| imds(request));
    let provider = provider(&server);
    let credentials = provider.provide_credentials().await.expect("IMDS credentials");
    assert_eq!(credentials.access_key_id(), "ASIAIOSFODNN7EXAMPLE");
    assert_eq!(credentials.secret_access_key(), SECRET);
    assert_eq!(credentials.session_token(), Some(SESSION_TOKEN));
    assert_eq!(credentials.expires_after(), Some(UNIX_EPOCH + Duration::from_secs(1_796_126_400)));

    let role_path = format!("{ROLES_PATH}{ROLE}");
    assert_eq!(calls(&server), [call("PUT", "/latest/api/token"), call("GET", ROLES_PATH), call("GET", &role_path)]);
    let requests = server.requests();
    assert_eq!(requests[0].header("x-aws-ec2-metadata-token-ttl-seconds"), Some("21600"));
    assert_eq!(requests[0].header("x-aws-ec2-metadata-token"), None);
    for get in &requests[1..] {
        assert_eq!(get.header("x-aws-ec2-metadata-token"), Some(TOKEN));
        assert_eq!(get.header("x-aws-ec2-metadata-token-ttl-seconds"), None);
    }

    // The session token is cached: a second load sends no second PUT.
    provider.provide_credentials().await.expect("again");
    let calls = calls(&server);
    assert_eq!(calls.len(), 5);
    assert_eq!(calls.iter().filter(|(method, _)| method == "PUT").count(), 1);
    assert_eq!(server.requests()[4].header("x-aws-ec2-metadata-token"), Some(TOKEN));
}

#[tokio::test]
async fn the_session_token_is_renewed_before_its_ttl_ends() {
    let puts = Arc::new(AtomicUsize::new(0));
    let server = FakeServer::start({
        let puts = puts.clone();
        move |request, _| {
            if request.method == "PUT" {
                let n = puts.fetch_add(1, Ordering::SeqCst);
                return Reply::json(200, &format!("token-{n}"))
                    .with_header("x-aws-ec2-metadata-token-ttl-seconds", "600");
            }
            imds(request)
        }
    });
    let clock = Arc::new(AtomicU64::new(1_800_000_000));
    let conf = conf(env(&server, &[])).with_time_source({
        let clock = clock.clone();
        move || UNIX_EPOCH + Duration::from_secs(clock.load(Ordering::SeqCst))
    });
    let provider = ImdsCredentialsProvider::from_provider_config(&conf);
    provider.provide_credentials().await.expect("first");
    // The TTL the service answered with (600 s) counts, less the 2-minute margin.
    clock.fetch_add(479, Ordering::SeqCst);
    provider.provide_credentials().await.expect("still cached");
    assert_eq!(puts.load(Ordering::SeqCst), 1);
    clock.fetch_add(1, Ordering::SeqCst);
    provider.provide_credentials().await.expect("renewed");
    assert_eq!(puts.load(Ordering::SeqCst), 2);
    let last = server.requests().pop().expect("a request");
    assert_eq!(last.header("x-aws-ec2-metadata-token"), Some("token-1"));
}

#[tokio::test]
async fn disabled_imds_fails_at_once_without_a_request() {
    let server = FakeServer::start(|request, _| imds(request));
    let env = env(&server, &[("AWS_EC2_METADATA_DISABLED", "TRUE")]);
    let provider = ImdsCredentialsProvider::from_provider_config(&conf(env.clone()));
    let started = Instant::now();
    let error = provider.provide_credentials().await.expect_err("disabled");
    assert!(started.elapsed() < Duration::from_millis(500));
    assert!(error.is_not_loaded(), "a chain goes on: {error}");
    assert!(error.message().contains("AWS_EC2_METADATA_DISABLED"), "{error}");
    assert!(error.message().contains("ImdsCredentialsProvider"), "{error}");

    let region = ImdsRegionProvider::new(client(env));
    assert_eq!(region.region().await, None);
    assert!(region.load_region().await.expect_err("disabled").is_disabled());
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn a_500_is_retried_then_succeeds() {
    let failures = Arc::new(AtomicUsize::new(0));
    let server = FakeServer::start({
        let failures = failures.clone();
        move |request, _| {
            if request.path() == ROLES_PATH && failures.fetch_add(1, Ordering::SeqCst) == 0 {
                return Reply::json(500, "oops");
            }
            imds(request)
        }
    });
    let credentials = provider(&server).provide_credentials().await.expect("after a retry");
    assert_eq!(credentials.access_key_id(), "ASIAIOSFODNN7EXAMPLE");
    let role_path = format!("{ROLES_PATH}{ROLE}");
    assert_eq!(
        calls(&server),
        [call("PUT", "/latest/api/token"), call("GET", ROLES_PATH), call("GET", ROLES_PATH), call("GET", &role_path)]
    );
}

#[tokio::test]
async fn retries_are_bounded_and_4xx_is_not_retried() {
    let server = FakeServer::start(|request, _| match request.path() {
        ROLES_PATH => Reply::json(503, "busy"),
        _ => imds(request),
    });
    let error = provider(&server).provide_credentials().await.expect_err("always 503");
    assert!(!error.is_not_loaded(), "IMDS is there but failing: {error}");
    assert!(error.message().contains("503"), "{error}");
    assert!(error.message().contains(&format!("{}{ROLES_PATH}", server.url())), "{error}");
    assert_eq!(calls(&server).iter().filter(|(_, target)| target == ROLES_PATH).count(), 3);

    // No role attached: IMDS says 404, once, and the source is just not there.
    let server = FakeServer::start(|request, _| match request.path() {
        ROLES_PATH => Reply::json(404, "not found"),
        _ => imds(request),
    });
    let error = provider(&server).provide_credentials().await.expect_err("no role");
    assert!(error.is_not_loaded(), "{error}");
    assert!(error.message().contains("404"), "{error}");
    assert_eq!(calls(&server), [call("PUT", "/latest/api/token"), call("GET", ROLES_PATH)]);
}

#[tokio::test]
async fn a_401_refetches_the_token_once() {
    let puts = Arc::new(AtomicUsize::new(0));
    let script = |always_401: bool| {
        let puts = puts.clone();
        move |request: &Recorded, _| {
            if request.method == "PUT" {
                let n = puts.fetch_add(1, Ordering::SeqCst);
                return Reply::json(200, &format!("token-{n}"));
            }
            let stale = always_401 || request.header("x-aws-ec2-metadata-token") == Some("token-0");
            if request.path().ends_with(ROLE) && stale {
                return Reply::json(401, "");
            }
            imds(request)
        }
    };

    let server = FakeServer::start(script(false));
    let credentials = provider(&server).provide_credentials().await.expect("with a new token");
    assert_eq!(credentials.session_token(), Some(SESSION_TOKEN));
    assert_eq!(puts.load(Ordering::SeqCst), 2);
    let requests = server.requests();
    let last = requests.last().expect("a request");
    assert_eq!(
        (last.path(), last.header("x-aws-ec2-metadata-token")),
        (&*format!("{ROLES_PATH}{ROLE}"), Some("token-1"))
    );
    // The 401 was not retried as a 5xx would be: one GET per token.
    assert_eq!(requests.iter().filter(|r| r.path().ends_with(ROLE)).count(), 2);

    // A service that keeps saying 401 gets one new token, not a loop.
    puts.store(0, Ordering::SeqCst);
    let server = FakeServer::start(script(true));
    let error = provider(&server).provide_credentials().await.expect_err("always 401");
    assert!(error.message().contains("401"), "{error}");
    assert_eq!(puts.load(Ordering::SeqCst), 2);
    assert_eq!(server.requests().iter().filter(|r| r.path().ends_with(ROLE)).count(), 2);
}

#[tokio::test]
async fn a_slow_or_absent_imds_fails_fast_as_not_loaded() {
    let server = FakeServer::start(|request, _| imds(request).after(Duration::from_secs(3)));
    let impatient = ImdsClient::builder()
        .provider_config(&conf(env(&server, &[])))
        .attempt_timeout(Duration::from_millis(200))
        .max_attempts(2)
        .build();
    let provider = ImdsCredentialsProvider::new(impatient);
    let started = Instant::now();
    let error = provider.provide_credentials().await.expect_err("too slow");
    assert!(started.elapsed() < Duration::from_secs(2), "{:?}", started.elapsed());
    assert!(error.is_not_loaded(), "{error}");
    assert!(error.message().contains("timed out"), "{error}");
    assert!(error.message().contains("after 2 attempts"), "{error}");
    assert_eq!(calls(&server), [call("PUT", "/latest/api/token"), call("PUT", "/latest/api/token")]);

    // Nothing listening: refused connections, retried, then not loaded.
    let url = support::closed_port_url();
    let provider =
        ImdsCredentialsProvider::new(client(Env::from_pairs([("AWS_EC2_METADATA_SERVICE_ENDPOINT", url.as_str())])));
    let started = Instant::now();
    let error = provider.provide_credentials().await.expect_err("nothing there");
    assert!(started.elapsed() < Duration::from_secs(2), "{:?}", started.elapsed());
    assert!(error.is_not_loaded(), "{error}");
    assert!(error.message().contains(&format!("PUT {url}/latest/api/token")), "{error}");
    assert!(error.message().contains("after 3 attempts"), "{error}");
}

#[tokio::test]
async fn the_region_comes_from_placement_and_shares_the_token() {
    let server = FakeServer::start(|request, _| imds(request));
    let shared = client(env(&server, &[]));
    let region = ImdsRegionProvider::new(shared.clone());
    assert_eq!(region.region().await.as_deref(), Some("eu-west-3"));
    let credentials = ImdsCredentialsProvider::new(shared);
    credentials.provide_credentials().await.expect("credentials");
    let requests = server.requests();
    assert_eq!(requests[1].path(), "/latest/meta-data/placement/region");
    assert_eq!(requests[1].header("x-aws-ec2-metadata-token"), Some(TOKEN));
    assert_eq!(requests.iter().filter(|r| r.method == "PUT").count(), 1, "one token for both");

    // Whatever else answers at the address is no Region.
    let server = FakeServer::start(|request, _| match request.path() {
        "/latest/meta-data/placement/region" => Reply::json(200, "<html>Sign in to the Wi-Fi</html>"),
        _ => imds(request),
    });
    let region = ImdsRegionProvider::new(client(env(&server, &[])));
    assert_eq!(region.region().await, None);
    assert!(region.load_region().await.expect_err("HTML").message().contains("not a Region"));
}

#[test]
fn the_endpoint_follows_the_environment() {
    let endpoint = |pairs: &[(&str, &str)]| {
        let client = ImdsClient::builder().provider_config(&conf(Env::from_pairs(pairs.iter().copied()))).build();
        client.endpoint().map(str::to_owned).map_err(|e| e.to_string())
    };
    assert_eq!(endpoint(&[]).as_deref(), Ok("http://169.254.169.254"));
    assert_eq!(
        endpoint(&[("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "IPv4")]).as_deref(),
        Ok("http://169.254.169.254")
    );
    assert_eq!(
        endpoint(&[("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "IPv6")]).as_deref(),
        Ok("http://[fd00:ec2::254]")
    );
    assert_eq!(
        endpoint(&[("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "ipv6")]).as_deref(),
        Ok("http://[fd00:ec2::254]")
    );
    // The endpoint wins over the mode; a trailing `/` does not double the paths' own.
    assert_eq!(
        endpoint(&[
            ("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://[::1]:1338/"),
            ("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "IPv4")
        ])
        .as_deref(),
        Ok("http://[::1]:1338")
    );
    let error = endpoint(&[("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "IPv5")]).expect_err("bad mode");
    assert!(error.contains("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE") && error.contains("IPv5"), "{error}");
    let error = endpoint(&[("AWS_EC2_METADATA_SERVICE_ENDPOINT", "169.254.169.254")]).expect_err("no scheme");
    assert!(error.contains("AWS_EC2_METADATA_SERVICE_ENDPOINT"), "{error}");
}

#[tokio::test]
async fn an_invalid_endpoint_setting_is_an_error_not_a_skip() {
    let provider = ImdsCredentialsProvider::from_provider_config(&conf(Env::from_pairs([(
        "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE",
        "IPv5",
    )])));
    let error = provider.provide_credentials().await.expect_err("bad mode");
    assert!(!error.is_not_loaded(), "a misconfiguration is reported: {error}");
    assert!(error.message().contains("IPv5"), "{error}");
}

#[tokio::test]
async fn malformed_responses_are_errors_not_panics() {
    let bodies: Vec<Vec<u8>> = vec![
        br#"{"Code":"Success","AccessKeyId":"ASIA","SecretAccessKey":"S3CR3T-VALUE","Tok"#.to_vec(),
        b"not json at all".to_vec(),
        b"[]".to_vec(),
        b"".to_vec(),
        vec![0xff, 0xfe, 0x00, 0x7b],
        "[".repeat(60_000).into_bytes(),
        format!(r#"{{"Code":"Success","Padding":"{}"}}"#, "x".repeat(70_000)).into_bytes(),
        br#"{"Code":"Success"}"#.to_vec(),
        br#"{"Code":"Success","AccessKeyId":1,"SecretAccessKey":"S3CR3T-VALUE","Token":"t","Expiration":"2026-12-01T12:00:00Z"}"#
            .to_vec(),
        br#"{"Code":"Success","AccessKeyId":"A","SecretAccessKey":"S3CR3T-VALUE","Token":"t","Expiration":"tomorrow"}"#
            .to_vec(),
        br#"{"Code":"AssumeRoleUnauthorizedAccess","Message":"EC2 cannot assume the role demo-role."}"#.to_vec(),
    ];
    for body in bodies {
        let reply_body = body.clone();
        let server = FakeServer::start(move |request, _| {
            if request.path().ends_with(ROLE) {
                let mut reply = Reply::json(200, "");
                reply.body = reply_body.clone();
                return reply;
            }
            imds(request)
        });
        let error = provider(&server).provide_credentials().await.expect_err("a malformed document");
        let text = String::from_utf8_lossy(&body[..body.len().min(60)]).into_owned();
        assert!(!error.is_not_loaded(), "{text}: {error}");
        assert!(error.message().contains("ImdsCredentialsProvider"), "{text}: {error}");
        assert!(error.message().contains(&format!("{ROLES_PATH}{ROLE}")), "names the URL: {error}");
        assert!(!error.message().contains("S3CR3T"), "{text}: {error}");
        assert!(error.message().len() < 400, "{error}");
    }

    // The role listing is checked too: it becomes part of a path.
    let server = FakeServer::start(|request, _| match request.path() {
        ROLES_PATH => Reply::json(200, "../../user-data?x=1"),
        _ => imds(request),
    });
    let error = provider(&server).provide_credentials().await.expect_err("not a role name");
    assert!(error.message().contains("not an IAM role name"), "{error}");
    assert_eq!(server.requests().len(), 2);

    let server = FakeServer::start(|request, _| match request.method.as_str() {
        "PUT" => Reply::json(200, "<html>\r\nportal</html>"),
        _ => imds(request),
    });
    let error = provider(&server).provide_credentials().await.expect_err("not a token");
    assert!(error.message().contains("not a token"), "{error}");
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn debug_output_holds_no_secret() {
    let server = FakeServer::start(|request, _| imds(request));
    let loaded = provider(&server);
    let credentials = loaded.provide_credentials().await.expect("credentials");
    let shown = format!("{loaded:?} {:?} {credentials:?}", loaded.imds_client());
    for secret in [TOKEN, SECRET, SESSION_TOKEN] {
        assert!(!shown.contains(secret), "{shown}");
    }
    // The token is held, and the output says so without showing it.
    assert!(shown.contains(workspace_runtime::error::REDACTED), "{shown}");
    assert!(shown.contains(&server.url()), "the endpoint helps: {shown}");

    // Nor do errors: the token appears in no failure's message.
    let server = FakeServer::start(|request, _| match request.path() {
        ROLES_PATH => Reply::json(500, TOKEN),
        _ => imds(request),
    });
    let error = provider(&server).provide_credentials().await.expect_err("500");
    assert!(error.message().contains("500") && !error.message().contains(TOKEN), "{error}");
}
