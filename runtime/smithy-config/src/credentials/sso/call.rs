//! The token cache and the SSO OIDC and SSO calls, in builds with the `sso` feature.

use std::fmt;
use std::path::PathBuf;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use smithy_runtime::credentials::{Credentials, CredentialsError};
use smithy_runtime::json::JsonWriter;
use smithy_runtime::primitives::{DateTime, Format};

use super::SsoCredentialsProvider;
use crate::credentials::failed;
use crate::credentials::json::Object;

/// How long before its expiry a cached token is refreshed, as aws-config's SSO token provider
/// does.
const REFRESH_WINDOW: Duration = Duration::from_secs(5 * 60);

/// A `SystemTime` as the RFC 3339 text AWS tools write (`2026-12-01T10:00:00Z`).
fn timestamp_text(time: SystemTime) -> String {
    DateTime::from(time).fmt(Format::DateTime).unwrap_or_default()
}

/// The cached token, as AWS CLI and SDKs write it.
#[derive(Clone)]
struct Token {
    access_token: String,
    expires_at: SystemTime,
    refresh_token: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
    registration_expires_at: Option<SystemTime>,
    region: Option<String>,
    start_url: Option<String>,
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let redacted = smithy_runtime::error::REDACTED;
        f.debug_struct("Token")
            .field("access_token", &redacted)
            .field("expires_at", &self.expires_at)
            .field("refresh_token", &self.refresh_token.as_ref().map(|_| redacted))
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret.as_ref().map(|_| redacted))
            .field("registration_expires_at", &self.registration_expires_at)
            .finish_non_exhaustive()
    }
}

impl Token {
    fn parse(bytes: &[u8], what: &str) -> Result<Token, CredentialsError> {
        let object = Object::parse(bytes, what)?;
        let owned = |key: &str| object.string(key).map(|v| v.map(str::to_owned));
        Ok(Token {
            access_token: object.required("accessToken")?.to_owned(),
            expires_at: object
                .timestamp("expiresAt")?
                .ok_or_else(|| CredentialsError::new(format!("{what} has no `expiresAt`")))?,
            refresh_token: owned("refreshToken")?,
            client_id: owned("clientId")?,
            client_secret: owned("clientSecret")?,
            registration_expires_at: object.timestamp("registrationExpiresAt")?,
            region: owned("region")?,
            start_url: owned("startUrl")?,
        })
    }

    fn to_json(&self) -> String {
        let mut w = JsonWriter::new();
        w.begin_object();
        let text = |w: &mut JsonWriter, key: &str, value: Option<&str>| {
            if let Some(value) = value {
                w.key(key);
                w.string(value);
            }
        };
        text(&mut w, "accessToken", Some(&self.access_token));
        text(&mut w, "expiresAt", Some(&timestamp_text(self.expires_at)));
        text(&mut w, "refreshToken", self.refresh_token.as_deref());
        text(&mut w, "clientId", self.client_id.as_deref());
        text(&mut w, "clientSecret", self.client_secret.as_deref());
        text(&mut w, "registrationExpiresAt", self.registration_expires_at.map(timestamp_text).as_deref());
        text(&mut w, "region", self.region.as_deref());
        text(&mut w, "startUrl", self.start_url.as_deref());
        w.end_object();
        w.finish()
    }
}

/// Writes `text` to a new file only its owner can read (on Unix), as AWS CLI keeps the cache:
/// it holds the access and refresh tokens.
fn write_private(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    // A leftover file would keep its own permissions: the mode applies to new files only.
    let _ = std::fs::remove_file(path);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)?.write_all(text.as_bytes())
}

/// The token cache's file name for a session name or start URL, as AWS CLI writes it.
fn cache_file_name(key: &str) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, key.as_bytes());
    let hex: String = digest.as_ref().iter().map(|b| format!("{b:02x}")).collect();
    format!("{hex}.json")
}

impl SsoCredentialsProvider {
    /// `~/.aws/sso/cache/{SHA-1 of the session name, or of the start URL for legacy profiles}.json`.
    fn cache_file(&self) -> Result<PathBuf, CredentialsError> {
        let home = smithy_runtime::credentials::home_dir(self.conf.env()).ok_or_else(|| {
            CredentialsError::new("SSO: no home directory (HOME is not set) to find the token cache in")
        })?;
        let key = self.settings.session_name.as_deref().unwrap_or(&self.settings.start_url);
        Ok(home.join(".aws").join("sso").join("cache").join(cache_file_name(key)))
    }

    fn login_hint(&self) -> String {
        match &self.settings.session_name {
            Some(session) => format!("run `aws sso login --sso-session {session}`"),
            None => "run `aws sso login`".to_owned(),
        }
    }

    /// The cached token, refreshed first when it nears expiry and can be.
    async fn token(&self) -> Result<String, CredentialsError> {
        let path = self.cache_file()?;
        let shown = path.display();
        let bytes = std::fs::read(&path).map_err(|e| {
            CredentialsError::new(format!(
                "SSO: could not read the cached token `{shown}` ({e}); {}",
                self.login_hint()
            ))
        })?;
        let token = Token::parse(&bytes, &format!("the SSO token cache `{shown}`"))?;
        let now = self.conf.now();
        if now + REFRESH_WINDOW < token.expires_at {
            return Ok(token.access_token);
        }
        let refreshed = match self.settings.session_name {
            Some(_) => self.refresh(&token, now).await,
            None => Err(CredentialsError::new("legacy SSO profiles cannot refresh their token")),
        };
        match refreshed {
            Ok(new) => {
                // Written beside and renamed, so a reader never sees half a file; a cache that
                // cannot be written only costs a refresh next time.
                let temporary = path.with_extension("json.tmp");
                if write_private(&temporary, &new.to_json()).is_ok() {
                    let _ = std::fs::rename(&temporary, &path);
                }
                Ok(new.access_token)
            }
            // Still valid for a while: use it, and try the refresh again next time.
            Err(_) if now < token.expires_at => Ok(token.access_token),
            Err(e) => Err(CredentialsError::new(format!(
                "SSO: the cached token `{shown}` has expired and could not be refreshed ({e}); {}",
                self.login_hint()
            ))),
        }
    }

    async fn refresh(&self, token: &Token, now: SystemTime) -> Result<Token, CredentialsError> {
        let (Some(refresh_token), Some(client_id), Some(client_secret)) =
            (&token.refresh_token, &token.client_id, &token.client_secret)
        else {
            return Err(CredentialsError::new("the cached token has no refresh token or client registration"));
        };
        if token.registration_expires_at.is_some_and(|at| at <= now) {
            return Err(CredentialsError::new("the client registration has expired"));
        }
        let config = self.conf.service_config("SSO_OIDC", &self.settings.region).build();
        let output = smithy_ssooidc::Client::new(&config)
            .create_token()
            .client_id(client_id)
            .client_secret(client_secret)
            .grant_type("refresh_token")
            .refresh_token(refresh_token)
            .send()
            .await
            .map_err(|e| failed("SSO OIDC CreateToken", &e))?;
        let access_token = output
            .access_token()
            .ok_or_else(|| CredentialsError::new("SSO OIDC CreateToken returned no access token"))?;
        let lifetime = Duration::from_secs(u64::try_from(output.expires_in()).unwrap_or(0));
        Ok(Token {
            access_token: access_token.to_owned(),
            expires_at: now + lifetime,
            refresh_token: output.refresh_token().map(str::to_owned).or_else(|| token.refresh_token.clone()),
            ..token.clone()
        })
    }

    pub(super) async fn load(&self) -> Result<Credentials, CredentialsError> {
        let access_token = self.token().await?;
        let config = self.conf.service_config("SSO", &self.settings.region).build();
        let what = format!(
            "SSO GetRoleCredentials for role `{}` in account {}",
            self.settings.role_name, self.settings.account_id
        );
        let output = smithy_sso::Client::new(&config)
            .get_role_credentials()
            .role_name(&self.settings.role_name)
            .account_id(&self.settings.account_id)
            .access_token(access_token)
            .send()
            .await
            .map_err(|e| failed(&what, &e))?;
        let credentials = output
            .role_credentials()
            .ok_or_else(|| CredentialsError::new(format!("{what} returned no credentials")))?;
        let (Some(access_key_id), Some(secret_access_key)) =
            (credentials.access_key_id(), credentials.secret_access_key())
        else {
            return Err(CredentialsError::new(format!("{what} returned incomplete credentials")));
        };
        // Milliseconds since the epoch.
        let expires_after = u64::try_from(credentials.expiration())
            .ok()
            .and_then(|millis| UNIX_EPOCH.checked_add(Duration::from_millis(millis)));
        Ok(Credentials::new(
            access_key_id,
            secret_access_key,
            credentials.session_token().map(str::to_owned),
            expires_after,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credentials::json::parse_timestamp;

    #[test]
    fn cache_files_are_named_by_the_sha1_of_the_session_or_start_url() {
        // The SHA-1s as Python's hashlib gives them.
        assert_eq!(cache_file_name("my-sso"), "0ad374308c5a4e22f723adf10145eafad7c4031c.json");
        assert_eq!(
            cache_file_name("https://d-abc123.awsapps.com/start"),
            "40a89917e3175433e361b710a9d43528d7f1890a.json"
        );
    }

    #[test]
    fn token_round_trips_and_debug_redacts() {
        let text = br#"{"accessToken":"secret-access","expiresAt":"2026-12-01T10:00:00Z","refreshToken":"secret-refresh","clientId":"cid","clientSecret":"secret-client","registrationExpiresAt":"2027-01-01T00:00:00Z","region":"us-east-1","startUrl":"https://x.awsapps.com/start"}"#;
        let token = Token::parse(text, "cache").unwrap();
        assert_eq!(token.expires_at, parse_timestamp("2026-12-01T10:00:00Z").unwrap());
        let again = Token::parse(token.to_json().as_bytes(), "cache").unwrap();
        assert_eq!(again.to_json(), token.to_json());
        assert_eq!(again.client_id.as_deref(), Some("cid"));
        let debug = format!("{token:?}");
        assert!(["secret-access", "secret-refresh", "secret-client"].iter().all(|s| !debug.contains(s)), "{debug}");
        assert!(Token::parse(br#"{"accessToken":"a"}"#, "cache").unwrap_err().to_string().contains("expiresAt"));
    }
}
