//! The credential providers of `smithy-config` (this workspace's) end to end against fake STS,
//! SSO and SSO OIDC services on 127.0.0.1, each reading an injected environment and a
//! temporary home directory, never the process's: role chaining through two profiles,
//! `credential_process`, SSO with an expired cached token refreshed, web identity, the
//! default chain's order, the loader, and credentials refreshed across their expiry with a
//! fake clock.

mod support;

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use support::{FakeServer, Recorded, Reply};
use workspace_config::credentials::{
    DefaultCredentialsChain, ProfileCredentialsProvider, ProviderConfig, WebIdentityTokenCredentialsProvider,
};
use workspace_config::transport::{HyperClient, TokioSleep};
use workspace_runtime::credentials::{Credentials, CredentialsError, Env, ProvideCredentials};

/// 2026-12-01T10:00:00Z, the fake clock's start.
const NOW: u64 = 1_796_119_200;

/// A fresh home directory, removed on drop.
struct Home(PathBuf);

impl Home {
    fn new() -> Self {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!("smithy-credentials-test-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(path.join(".aws")).unwrap();
        Home(path)
    }

    fn write(&self, relative: &str, text: &str) -> PathBuf {
        let path = self.0.join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        path
    }

    /// `HOME` here, IMDS off (a test never waits for 169.254.169.254), and `extra`.
    fn env(&self, extra: &[(&str, &str)]) -> Env {
        let mut pairs = vec![
            ("HOME".to_owned(), self.0.to_str().unwrap().to_owned()),
            ("AWS_EC2_METADATA_DISABLED".to_owned(), "true".to_owned()),
        ];
        pairs.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        Env::from_pairs(pairs)
    }
}

impl Drop for Home {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A clock the test moves.
#[derive(Clone)]
struct Clock(Arc<Mutex<SystemTime>>);

impl Clock {
    fn new() -> Self {
        Clock(Arc::new(Mutex::new(UNIX_EPOCH + Duration::from_secs(NOW))))
    }
    fn now(&self) -> SystemTime {
        *self.0.lock().unwrap()
    }
    fn advance(&self, by: Duration) {
        *self.0.lock().unwrap() += by;
    }
}

fn provider_config(env: Env, clock: &Clock) -> ProviderConfig {
    let clock = clock.clone();
    ProviderConfig::new()
        .with_env(env)
        .with_http_client(HyperClient::default())
        .with_sleep(TokioSleep)
        .with_time_source(move || clock.now())
        .with_region(Some("eu-west-1".into()))
}

fn rfc3339(secs_after_now: u64) -> String {
    let time = UNIX_EPOCH + Duration::from_secs(NOW + secs_after_now);
    workspace_runtime::primitives::DateTime::from(time).fmt(workspace_runtime::primitives::Format::DateTime).unwrap()
}

/// STS's answer to `AssumeRole` or `AssumeRoleWithWebIdentity` with credentials `n`,
/// expiring an hour after the fake clock's start.
fn sts_reply(action: &str, n: usize) -> Reply {
    Reply::xml(
        200,
        &format!(
            r#"<{action}Response xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <{action}Result>
    <Credentials>
      <AccessKeyId>ASIA{n}</AccessKeyId>
      <SecretAccessKey>secret-{n}</SecretAccessKey>
      <SessionToken>token-{n}</SessionToken>
      <Expiration>{}</Expiration>
    </Credentials>
    <AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/r/s</Arn><AssumedRoleId>AROA:s</AssumedRoleId></AssumedRoleUser>
  </{action}Result>
  <ResponseMetadata><RequestId>req-{n}</RequestId></ResponseMetadata>
</{action}Response>"#,
            rfc3339(3600)
        ),
    )
}

/// The decoded form of an STS request.
fn form(request: &Recorded) -> Vec<(String, String)> {
    let body = std::str::from_utf8(&request.body).unwrap();
    body.split('&')
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap();
            (workspace_runtime::http::percent_decode(k), workspace_runtime::http::percent_decode(v))
        })
        .collect()
}

fn field<'a>(form: &'a [(String, String)], name: &str) -> Option<&'a str> {
    form.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

/// The access key id a SigV4 `Authorization` header signs with.
fn signer(request: &Recorded) -> Option<String> {
    let auth = request.header("authorization")?;
    let credential = auth.split("Credential=").nth(1)?;
    Some(credential.split('/').next()?.to_owned())
}

async fn provide(provider: &dyn ProvideCredentials) -> Result<Credentials, CredentialsError> {
    provider.provide_credentials().await
}

#[tokio::test]
async fn roles_chain_through_two_profiles() {
    let server = FakeServer::start(|_, n| sts_reply("AssumeRole", n + 1));
    let home = Home::new();
    home.write(
        ".aws/config",
        "[profile app]\nrole_arn = arn:aws:iam::111111111111:role/app\nsource_profile = ops\nrole_session_name = app-session\n\
         [profile ops]\nrole_arn = arn:aws:iam::222222222222:role/ops\nsource_profile = base\nexternal_id = ext-1\nduration_seconds = 900\n",
    );
    home.write(".aws/credentials", "[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = base-secret\n");
    let clock = Clock::new();
    let env = home.env(&[("AWS_PROFILE", "app"), ("AWS_ENDPOINT_URL_STS", &server.url())]);
    let provider = ProfileCredentialsProvider::new(provider_config(env, &clock));
    let credentials = provide(&provider).await.unwrap();
    assert_eq!(
        (credentials.access_key_id(), credentials.secret_access_key(), credentials.session_token()),
        ("ASIA2", "secret-2", Some("token-2"))
    );
    assert_eq!(credentials.expires_after(), Some(UNIX_EPOCH + Duration::from_secs(NOW + 3600)));

    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    // The innermost role first, signed with the base profile's keys, then the outer one with
    // what the first returned.
    let (first, second) = (form(&requests[0]), form(&requests[1]));
    assert_eq!(field(&first, "Action"), Some("AssumeRole"));
    assert_eq!(field(&first, "RoleArn"), Some("arn:aws:iam::222222222222:role/ops"));
    assert_eq!(field(&first, "ExternalId"), Some("ext-1"));
    assert_eq!(field(&first, "DurationSeconds"), Some("900"));
    assert!(field(&first, "RoleSessionName").unwrap().starts_with("smithy-rust-"));
    assert_eq!(signer(&requests[0]).as_deref(), Some("AKIDBASE"));
    assert_eq!(field(&second, "RoleArn"), Some("arn:aws:iam::111111111111:role/app"));
    assert_eq!(field(&second, "RoleSessionName"), Some("app-session"));
    assert_eq!(signer(&requests[1]).as_deref(), Some("ASIA1"));
    assert_eq!(requests[1].header("x-amz-security-token"), Some("token-1"));
    // STS is called in the configured Region.
    assert!(requests[0].header("authorization").unwrap().contains("/eu-west-1/sts/aws4_request"));
}

#[tokio::test]
async fn a_role_that_sts_refuses_is_an_error_naming_it() {
    let server = FakeServer::start(|_, _| {
        Reply::xml(
            403,
            r#"<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>not allowed</Message></Error><RequestId>r</RequestId></ErrorResponse>"#,
        )
    });
    let home = Home::new();
    home.write(".aws/config", "[default]\nrole_arn = arn:aws:iam::1:role/r\ncredential_source = Environment\n");
    let env = home.env(&[
        ("AWS_ENDPOINT_URL_STS", &server.url()),
        ("AWS_ACCESS_KEY_ID", "AKIDENV"),
        ("AWS_SECRET_ACCESS_KEY", "env-secret"),
    ]);
    let error = provide(&ProfileCredentialsProvider::new(provider_config(env, &Clock::new()))).await.unwrap_err();
    let text = error.to_string();
    assert!(text.contains("arn:aws:iam::1:role/r") && text.contains("not allowed"), "{text}");
    assert!(!error.is_not_loaded());
    assert_eq!(signer(&server.requests()[0]).as_deref(), Some("AKIDENV"));
}

#[cfg(unix)]
#[tokio::test]
async fn credential_process_succeeds_and_fails() {
    let home = Home::new();
    let json = format!(
        r#"{{"Version": 1, "AccessKeyId": "AKIDPROC", "SecretAccessKey": "proc-secret", "SessionToken": "proc-token", "Expiration": "{}"}}"#,
        rfc3339(900)
    );
    let ok = home.write("ok.sh", &format!("printf '%s' '{json}'\n"));
    let bad = home.write("bad.sh", "echo 'login expired' >&2\nexit 3\n");
    let garbage = home.write("garbage.sh", "echo 'not json'\n");
    home.write(
        ".aws/config",
        &format!(
            "[profile ok]\ncredential_process = sh {}\n[profile bad]\ncredential_process = sh {}\n[profile garbage]\ncredential_process = sh {}\n",
            ok.display(),
            bad.display(),
            garbage.display()
        ),
    );
    let conf = provider_config(home.env(&[]), &Clock::new());
    let profile = |name: &str| ProfileCredentialsProvider::new(conf.clone()).profile_name(name);
    let credentials = provide(&profile("ok")).await.unwrap();
    assert_eq!((credentials.access_key_id(), credentials.session_token()), ("AKIDPROC", Some("proc-token")));
    assert_eq!(credentials.expires_after(), Some(UNIX_EPOCH + Duration::from_secs(NOW + 900)));

    let failed = provide(&profile("bad")).await.unwrap_err().to_string();
    assert!(failed.contains("profile `bad`") && failed.contains("login expired"), "{failed}");
    let garbled = provide(&profile("garbage")).await.unwrap_err().to_string();
    assert!(garbled.contains("profile `garbage`") && garbled.contains("not valid JSON"), "{garbled}");
}

#[tokio::test]
async fn sso_refreshes_an_expired_cached_token_then_gets_role_credentials() {
    let expiration_ms = (NOW + 3600) * 1000;
    let server = FakeServer::start(move |request, _| {
        if request.path() == "/token" {
            Reply::json(
                200,
                r#"{"accessToken":"fresh-access","tokenType":"Bearer","expiresIn":28800,"refreshToken":"fresh-refresh"}"#,
            )
        } else {
            Reply::json(
                200,
                &format!(
                    r#"{{"roleCredentials":{{"accessKeyId":"ASIASSO","secretAccessKey":"sso-secret","sessionToken":"sso-token","expiration":{expiration_ms}}}}}"#
                ),
            )
        }
    });
    let home = Home::new();
    home.write(
        ".aws/config",
        "[profile dev]\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = Developer\n\
         [sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-central-1\n",
    );
    // Named by the SHA-1 of the session's name, as AWS tools name it.
    let digest: String = sha1_of(b"corp").iter().map(|b| format!("{b:02x}")).collect();
    let cache = home.write(
        &format!(".aws/sso/cache/{digest}.json"),
        &format!(
            r#"{{"accessToken":"stale-access","expiresAt":"{}","refreshToken":"old-refresh","clientId":"client-1","clientSecret":"client-secret","registrationExpiresAt":"{}","region":"eu-central-1","startUrl":"https://corp.awsapps.com/start"}}"#,
            rfc3339(0).replace("10:00:00", "09:00:00"),
            rfc3339(86_400 * 30)
        ),
    );
    let env = home.env(&[
        ("AWS_PROFILE", "dev"),
        ("AWS_ENDPOINT_URL_SSO", &server.url()),
        ("AWS_ENDPOINT_URL_SSO_OIDC", &server.url()),
    ]);
    let credentials = provide(&ProfileCredentialsProvider::new(provider_config(env, &Clock::new()))).await.unwrap();
    assert_eq!((credentials.access_key_id(), credentials.session_token()), ("ASIASSO", Some("sso-token")));
    assert_eq!(credentials.expires_after(), Some(UNIX_EPOCH + Duration::from_secs(NOW + 3600)));

    let requests = server.requests();
    assert_eq!(requests.len(), 2, "{requests:?}");
    let refresh: serde_json::Value = serde_json::from_slice(&requests[0].body).unwrap();
    assert_eq!(requests[0].path(), "/token");
    assert_eq!(refresh["grantType"], "refresh_token");
    assert_eq!(refresh["refreshToken"], "old-refresh");
    assert_eq!(refresh["clientId"], "client-1");
    assert_eq!(requests[0].header("authorization"), None, "CreateToken is unsigned");
    assert_eq!(requests[1].path(), "/federation/credentials");
    let query = requests[1].query();
    assert!(query.contains(&("role_name".into(), "Developer".into())), "{query:?}");
    assert!(query.contains(&("account_id".into(), "123456789012".into())), "{query:?}");
    assert_eq!(requests[1].header("x-amz-sso_bearer_token"), Some("fresh-access"));
    assert_eq!(requests[1].header("authorization"), None, "GetRoleCredentials is unsigned");
    // The refreshed token is written back for the next process.
    let cached: serde_json::Value = serde_json::from_slice(&std::fs::read(&cache).unwrap()).unwrap();
    assert_eq!(cached["accessToken"], "fresh-access");
    assert_eq!(cached["refreshToken"], "fresh-refresh");
    assert_eq!(cached["expiresAt"], rfc3339(28_800));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&cache).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "the tokens are readable by their owner only: {mode:o}");
    }
}

fn sha1_of(bytes: &[u8]) -> Vec<u8> {
    use sha1::Digest;
    sha1::Sha1::digest(bytes).to_vec()
}

#[tokio::test]
async fn web_identity_exchanges_the_token_file_at_sts_unsigned() {
    let server = FakeServer::start(|_, n| sts_reply("AssumeRoleWithWebIdentity", n + 1));
    let home = Home::new();
    let token = home.write("token", "eyJhbGciOi.web-token.sig\n");
    let env = home.env(&[
        ("AWS_WEB_IDENTITY_TOKEN_FILE", token.to_str().unwrap()),
        ("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/irsa"),
        ("AWS_ROLE_SESSION_NAME", "pod-1"),
        ("AWS_ENDPOINT_URL_STS", &server.url()),
    ]);
    let provider = WebIdentityTokenCredentialsProvider::new(provider_config(env, &Clock::new()));
    let credentials = provide(&provider).await.unwrap();
    assert_eq!(credentials.access_key_id(), "ASIA1");
    let request = &server.requests()[0];
    assert_eq!(request.header("authorization"), None, "AssumeRoleWithWebIdentity is unsigned");
    let form = form(request);
    assert_eq!(field(&form, "Action"), Some("AssumeRoleWithWebIdentity"));
    assert_eq!(field(&form, "WebIdentityToken"), Some("eyJhbGciOi.web-token.sig"));
    assert_eq!(field(&form, "RoleSessionName"), Some("pod-1"));
    // The token is a secret: it is in no Debug output.
    assert!(!format!("{provider:?}").contains("web-token"));

    let unset = WebIdentityTokenCredentialsProvider::new(provider_config(home.env(&[]), &Clock::new()));
    assert!(provide(&unset).await.unwrap_err().is_not_loaded());
}

#[tokio::test]
async fn the_default_chain_tries_sources_in_order() {
    let server = FakeServer::start(|_, n| sts_reply("AssumeRoleWithWebIdentity", n + 1));
    let home = Home::new();
    home.write(".aws/credentials", "[default]\naws_access_key_id = AKIDPROFILE\naws_secret_access_key = p\n");
    let token = home.write("token", "tok");
    let web = [
        ("AWS_WEB_IDENTITY_TOKEN_FILE", token.to_str().unwrap()),
        ("AWS_ROLE_ARN", "arn:aws:iam::1:role/r"),
        ("AWS_ENDPOINT_URL_STS", &server.url()),
    ];
    let clock = Clock::new();
    let chain = |extra: &[(&str, &str)]| DefaultCredentialsChain::new(&provider_config(home.env(extra), &clock), None);
    assert_eq!(
        chain(&[]).sources().collect::<Vec<_>>(),
        ["environment", "profile", "web identity", "container", "IMDS"]
    );

    // The environment's keys before the profile's.
    let mut with_env = web.to_vec();
    with_env.extend([("AWS_ACCESS_KEY_ID", "AKIDENV"), ("AWS_SECRET_ACCESS_KEY", "e")]);
    assert_eq!(provide(&chain(&with_env)).await.unwrap().access_key_id(), "AKIDENV");
    // The profile before web identity.
    assert_eq!(provide(&chain(&web)).await.unwrap().access_key_id(), "AKIDPROFILE");
    assert!(server.requests().is_empty());
    // Web identity when no profile is there.
    let mut no_profile = web.to_vec();
    no_profile.push(("AWS_PROFILE", "absent"));
    assert_eq!(provide(&chain(&no_profile)).await.unwrap().access_key_id(), "ASIA1");
    assert_eq!(server.requests().len(), 1);

    // Nothing configured: every source's answer, in order.
    let error = provide(&chain(&[("AWS_PROFILE", "absent")])).await.unwrap_err().to_string();
    let at = |what: &str| error.find(what).unwrap_or_else(|| panic!("{what} in {error}"));
    assert!(at("environment:") < at("profile:") && at("profile:") < at("web identity:"), "{error}");
    assert!(at("web identity:") < at("container:") && at("container:") < at("IMDS:"), "{error}");

    // A configured source that fails ends the chain: no fallback to another identity.
    home.write(".aws/config", "[profile broken]\nrole_arn = arn:aws:iam::1:role/r\n");
    let error = provide(&chain(&[("AWS_PROFILE", "broken")])).await.unwrap_err().to_string();
    assert!(error.starts_with("profile:") && error.contains("neither source_profile"), "{error}");
}

#[tokio::test]
async fn the_loader_caches_and_refreshes_across_expiry() {
    let server = FakeServer::start(|_, n| sts_reply("AssumeRoleWithWebIdentity", n + 1));
    let home = Home::new();
    let token = home.write("token", "tok");
    let clock = Clock::new();
    let env = home.env(&[
        ("AWS_REGION", "ap-southeast-2"),
        ("AWS_WEB_IDENTITY_TOKEN_FILE", token.to_str().unwrap()),
        ("AWS_ROLE_ARN", "arn:aws:iam::1:role/r"),
        ("AWS_ENDPOINT_URL_STS", &server.url()),
        ("AWS_MAX_ATTEMPTS", "5"),
    ]);
    let now = clock.clone();
    let config = workspace_config::from_env()
        .env(env)
        .http_client(HyperClient::default())
        .time_source(move || now.now())
        .load()
        .await;
    assert_eq!(config.region(), Some("ap-southeast-2"));
    assert_eq!(config.retry_config().max_attempts(), 5);
    let provider = config.credentials_provider().unwrap();
    for _ in 0..3 {
        assert_eq!(provider.provide_credentials().await.unwrap().access_key_id(), "ASIA1");
    }
    assert_eq!(server.requests().len(), 1, "cached");
    // The credentials expire an hour in; 56 minutes in they are refreshed (5 minutes early,
    // with up to a minute of jitter).
    clock.advance(Duration::from_secs(56 * 60));
    assert_eq!(provider.provide_credentials().await.unwrap().access_key_id(), "ASIA2");
    assert_eq!(server.requests().len(), 2);
    // STS's regional endpoint: signed for the configured Region.
    let form = form(&server.requests()[1]);
    assert_eq!(field(&form, "Action"), Some("AssumeRoleWithWebIdentity"));
}

#[tokio::test]
async fn an_expired_legacy_sso_token_asks_for_a_login() {
    let home = Home::new();
    home.write(
        ".aws/config",
        "[default]\nsso_start_url = https://old.awsapps.com/start\nsso_region = us-east-1\nsso_account_id = 1\nsso_role_name = R\n",
    );
    let digest: String = sha1_of(b"https://old.awsapps.com/start").iter().map(|b| format!("{b:02x}")).collect();
    home.write(&format!(".aws/sso/cache/{digest}.json"), r#"{"accessToken":"old","expiresAt":"2026-12-01T09:00:00Z"}"#);
    let provider = ProfileCredentialsProvider::new(provider_config(home.env(&[]), &Clock::new()));
    let error = provide(&provider).await.unwrap_err().to_string();
    assert!(error.contains("has expired") && error.contains("run `aws sso login`"), "{error}");
    // No cached token at all: the same advice.
    std::fs::remove_file(home.0.join(format!(".aws/sso/cache/{digest}.json"))).unwrap();
    let error = provide(&provider).await.unwrap_err().to_string();
    assert!(error.contains("could not read the cached token") && error.contains("aws sso login"), "{error}");
}
