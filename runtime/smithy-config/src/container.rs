//! Credentials from the ECS/EKS container endpoint.
//!
//! As aws-config reads it: `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` is a path on ECS's
//! credentials address (`http://169.254.170.2`); otherwise `AWS_CONTAINER_CREDENTIALS_FULL_URI`
//! is the whole URL (EKS Pod Identity, local stand-ins), which must be `https://`, or
//! `http://` to a loopback address or one of the ECS and EKS link-local addresses, so that the
//! authorization token never crosses a network in the clear. The `Authorization` header comes
//! from the file `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE` names (re-read on every call, since
//! EKS rotates it), else from `AWS_CONTAINER_AUTHORIZATION_TOKEN`.
//!
//! The environment, HTTP client and timer come from a [`ProviderConfig`], as for every other
//! provider.

use std::fmt;
use std::io::Read;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::time::Duration;

use smithy_runtime::credentials::{Credentials, CredentialsError, ProvideCredentials, ProvideCredentialsFuture};
use smithy_runtime::http::HttpRequest;
use smithy_runtime::json::JsonValue;

use crate::credentials::ProviderConfig;
use crate::imds::{parse_credentials, server_text, Caller, REDACTED};

const RELATIVE_URI_VAR: &str = "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI";
const FULL_URI_VAR: &str = "AWS_CONTAINER_CREDENTIALS_FULL_URI";
const TOKEN_VAR: &str = "AWS_CONTAINER_AUTHORIZATION_TOKEN";
const TOKEN_FILE_VAR: &str = "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE";

/// ECS's credentials address, for relative URIs.
const ECS_ENDPOINT: &str = "http://169.254.170.2";
/// The link-local addresses `http://` full URIs may name beside loopback ones: ECS's, and
/// EKS Pod Identity's IPv4 and IPv6 ones.
const ECS_ADDRESS: Ipv4Addr = Ipv4Addr::new(169, 254, 170, 2);
const EKS_ADDRESS: Ipv4Addr = Ipv4Addr::new(169, 254, 170, 23);
const EKS_ADDRESS_V6: Ipv6Addr = Ipv6Addr::new(0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x23);

/// aws-config gives the endpoint 2 s to connect and 5 s to answer: one 5 s limit per attempt.
const DEFAULT_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(5);
const DEFAULT_MAX_ATTEMPTS: u32 = 3;
/// A token file larger than this is not a token.
const MAX_TOKEN_FILE: u64 = 16 * 1024;

const NAME: &str = "ContainerCredentialsProvider";

/// Credentials from the ECS task role or EKS Pod Identity endpoint (see the
/// [module](self)). When neither URI variable is set the error is
/// [`not_loaded`](CredentialsError::not_loaded), so a chain goes on to its next source; any
/// other failure (a refused URI, an unreadable token file, an error response) ends it.
///
/// It does not cache (put a [`CredentialsCache`](crate::credentials::CredentialsCache) in
/// front, as the loader does).
#[derive(Clone)]
pub struct ContainerCredentialsProvider {
    /// The environment (read on every call), HTTP client and timer, and the attempts' limits.
    caller: Caller,
}

impl fmt::Debug for ContainerCredentialsProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let set = |name: &str| self.caller.conf.env().get(name).filter(|v| !v.is_empty());
        f.debug_struct(NAME)
            .field("relative_uri", &set(RELATIVE_URI_VAR))
            .field("full_uri", &set(FULL_URI_VAR))
            // The token file's path is not secret; the token is.
            .field("authorization_token_file", &set(TOKEN_FILE_VAR))
            .field("authorization_token", &set(TOKEN_VAR).map(|_| REDACTED))
            .field("caller", &self.caller)
            .finish()
    }
}

impl ContainerCredentialsProvider {
    /// A builder; without
    /// [`provider_config`](ContainerCredentialsProviderBuilder::provider_config) the provider
    /// reads [`ProviderConfig::new`]'s: the process environment, the default transport and the
    /// tokio timer.
    pub fn builder() -> ContainerCredentialsProviderBuilder {
        ContainerCredentialsProviderBuilder::default()
    }

    /// A provider on `conf`'s environment, HTTP client and timer, with the default attempts.
    pub fn from_provider_config(conf: &ProviderConfig) -> Self {
        Self::builder().provider_config(conf).build()
    }

    async fn load(&self) -> Result<Credentials, CredentialsError> {
        let (url, path_and_query) = self.endpoint()?;
        let token = self.authorization_token()?;
        let mut request = HttpRequest::new("GET", path_and_query);
        request.headers.insert("Accept", "application/json");
        if let Some(token) = &token {
            request.headers.insert("Authorization", token.as_str());
        }
        let secrets: Vec<&str> = token.as_deref().into_iter().collect();
        let response = self
            .caller
            .send(&url, &request)
            .await
            .map_err(|failure| CredentialsError::new(format!("{NAME}: GET {url} failed: {failure}")))?;
        if !(200..=299).contains(&response.status) {
            return Err(CredentialsError::new(format!(
                "{NAME}: GET {url} failed with HTTP status {}{}",
                response.status,
                error_details(&response.body, &secrets)
            )));
        }
        parse_credentials(&response.body, &format!("{NAME}: the response from {url}"), &secrets)
    }

    /// The URL to call and its path and query, from the environment.
    fn endpoint(&self) -> Result<(String, String), CredentialsError> {
        let set = |name: &str| self.caller.conf.env().get(name).map(str::trim).filter(|v| !v.is_empty());
        // The relative URI wins, as in aws-config: on ECS it is what the agent set.
        if let Some(relative) = set(RELATIVE_URI_VAR) {
            let path = if relative.starts_with('/') { relative.to_owned() } else { format!("/{relative}") };
            if path.bytes().any(|b| !b.is_ascii_graphic()) {
                return Err(CredentialsError::new(format!(
                    "{NAME}: {RELATIVE_URI_VAR} `{relative}` is not a valid URI path"
                )));
            }
            return Ok((format!("{ECS_ENDPOINT}{path}"), path));
        }
        let Some(full) = set(FULL_URI_VAR) else {
            return Err(CredentialsError::not_loaded(format!(
                "{NAME}: neither {RELATIVE_URI_VAR} nor {FULL_URI_VAR} is set"
            )));
        };
        check_full_uri(full)
            .map_err(|why| CredentialsError::new(format!("{NAME}: {FULL_URI_VAR} `{full}` is not allowed: {why}")))
    }

    /// The `Authorization` header's value: the token file's content (it wins), else the
    /// token variable's; `None` when neither is set.
    fn authorization_token(&self) -> Result<Option<String>, CredentialsError> {
        let env = self.caller.conf.env();
        let (token, source) = match env.get(TOKEN_FILE_VAR).filter(|v| !v.is_empty()) {
            Some(path) => (read_token_file(path)?, format!("the file {TOKEN_FILE_VAR} names (`{path}`)")),
            None => match env.get(TOKEN_VAR).filter(|v| !v.is_empty()) {
                Some(token) => (token.to_owned(), TOKEN_VAR.to_owned()),
                None => return Ok(None),
            },
        };
        // A CR or LF would end the header early and smuggle in others; refused, not trimmed,
        // as aws-config does.
        if token.contains(['\r', '\n']) {
            return Err(CredentialsError::new(format!(
                "{NAME}: the authorization token in {source} contains a carriage return or line feed"
            )));
        }
        if token.is_empty() || token.chars().any(|c| c.is_control() && c != '\t') {
            return Err(CredentialsError::new(format!(
                "{NAME}: the authorization token in {source} is empty or contains control characters"
            )));
        }
        Ok(Some(token))
    }
}

impl ProvideCredentials for ContainerCredentialsProvider {
    fn provide_credentials(&self) -> ProvideCredentialsFuture<'_> {
        Box::pin(self.load())
    }
}

/// The token file's text. Blocking I/O: the file is tiny.
fn read_token_file(path: &str) -> Result<String, CredentialsError> {
    let failed = |why: String| CredentialsError::new(format!("{NAME}: {TOKEN_FILE_VAR} `{path}` {why}"));
    let file = std::fs::File::open(path).map_err(|e| failed(format!("cannot be opened: {e}")))?;
    let mut bytes = Vec::new();
    file.take(MAX_TOKEN_FILE + 1).read_to_end(&mut bytes).map_err(|e| failed(format!("cannot be read: {e}")))?;
    if bytes.len() as u64 > MAX_TOKEN_FILE {
        return Err(failed(format!("is larger than {MAX_TOKEN_FILE} bytes")));
    }
    String::from_utf8(bytes).map_err(|_| failed("is not UTF-8 text".to_owned()))
}

/// An error response's `Code` and `Message`, when it is JSON that has them.
fn error_details(body: &[u8], secrets: &[&str]) -> String {
    if body.len() > crate::imds::MAX_BODY {
        return String::new();
    }
    let Ok(document) = smithy_runtime::json::parse(body) else { return String::new() };
    let text = |key: &str| match document.get(key) {
        Some(JsonValue::String(text)) if !text.is_empty() => Some(server_text(text, secrets)),
        _ => None,
    };
    match (text("Code"), text("Message")) {
        (Some(code), Some(message)) => format!(": {code}: {message}"),
        (Some(one), None) | (None, Some(one)) => format!(": {one}"),
        (None, None) => String::new(),
    }
}

/// `uri`'s URL (without a fragment) and path and query, if the provider may call it:
/// `https://` to any host; `http://` only to a loopback address (`127.0.0.0/8`, `::1`,
/// `localhost`) or ECS's and EKS's link-local ones. Host names other than `localhost` are
/// not resolved to find out whether they are loopback ones (aws-config does), so they are
/// refused over `http://`.
fn check_full_uri(uri: &str) -> Result<(String, String), String> {
    let Some((scheme, rest)) = uri.split_once("://") else { return Err("it is not an absolute URL".to_owned()) };
    let secure = if scheme.eq_ignore_ascii_case("https") {
        true
    } else if scheme.eq_ignore_ascii_case("http") {
        false
    } else {
        return Err(format!("its scheme `{scheme}` is neither http nor https"));
    };
    if uri.bytes().any(|b| !b.is_ascii_graphic()) {
        return Err("it contains spaces or control characters".to_owned());
    }
    let rest = rest.split('#').next().unwrap_or_default();
    let end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, path_and_query) = rest.split_at(end);
    // `http://169.254.170.2@elsewhere/` would go elsewhere.
    if authority.contains('@') {
        return Err("it contains user information".to_owned());
    }
    let host = host_of(authority).ok_or("its host or port is not valid")?;
    if !secure && !allowed_http_host(host) {
        return Err(format!(
            "http:// is only allowed to a loopback address (127.0.0.0/8, [::1], localhost) or to \
             169.254.170.2, 169.254.170.23 or [fd00:ec2::23], and `{host}` is none of them; use https://"
        ));
    }
    let path_and_query = match path_and_query {
        "" => "/".to_owned(),
        query if query.starts_with('?') => format!("/{query}"),
        path => path.to_owned(),
    };
    Ok((format!("{}://{authority}{path_and_query}", scheme.to_ascii_lowercase()), path_and_query))
}

/// The host of an authority (`host`, `host:port`, `[v6]:port`), brackets removed.
fn host_of(authority: &str) -> Option<&str> {
    let (host, port) = match authority.strip_prefix('[') {
        Some(bracketed) => {
            let (host, after) = bracketed.split_once(']')?;
            match after {
                "" => (host, None),
                after => (host, Some(after.strip_prefix(':')?)),
            }
        }
        None => match authority.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        },
    };
    let port_ok = port.map_or(true, |p| !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit()));
    (!host.is_empty() && port_ok).then_some(host)
}

fn allowed_http_host(host: &str) -> bool {
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    match host.parse::<IpAddr>() {
        Ok(IpAddr::V4(ip)) => ip.is_loopback() || ip == ECS_ADDRESS || ip == EKS_ADDRESS,
        Ok(IpAddr::V6(ip)) => ip.is_loopback() || ip == EKS_ADDRESS_V6,
        Err(_) => false,
    }
}

/// Builds a [`ContainerCredentialsProvider`].
#[derive(Clone, Debug, Default)]
#[must_use = "a builder does nothing until `build()`"]
pub struct ContainerCredentialsProviderBuilder {
    conf: Option<ProviderConfig>,
    attempt_timeout: Option<Duration>,
    max_attempts: Option<u32>,
}

impl ContainerCredentialsProviderBuilder {
    /// Reads the URI and token variables from `conf`'s environment, sends requests with its
    /// HTTP client and times attempts and backoff with its timer, instead of
    /// [`ProviderConfig::new`]'s.
    pub fn provider_config(mut self, conf: &ProviderConfig) -> Self {
        self.conf = Some(conf.clone());
        self
    }

    /// How long one attempt may take (5 s by default) before it counts as failed; it bounds
    /// the connection's setup too.
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.attempt_timeout = Some(timeout);
        self
    }

    /// The number of attempts, the first included (3 by default, at least 1).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = Some(attempts);
        self
    }

    /// The provider. The variables are read on every call, from the configuration's
    /// environment snapshot.
    pub fn build(self) -> ContainerCredentialsProvider {
        ContainerCredentialsProvider {
            caller: Caller::new(
                self.conf.unwrap_or_default(),
                self.attempt_timeout.unwrap_or(DEFAULT_ATTEMPT_TIMEOUT),
                self.max_attempts.unwrap_or(DEFAULT_MAX_ATTEMPTS),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_uris_are_checked() {
        let allowed = [
            ("http://127.0.0.1:8080/creds", "http://127.0.0.1:8080/creds", "/creds"),
            ("http://127.1.2.3", "http://127.1.2.3/", "/"),
            ("HTTP://localhost:1?x=1#frag", "http://localhost:1/?x=1", "/?x=1"),
            ("http://[::1]:80/a", "http://[::1]:80/a", "/a"),
            ("http://169.254.170.2/v2", "http://169.254.170.2/v2", "/v2"),
            ("http://169.254.170.23/v1/credentials", "http://169.254.170.23/v1/credentials", "/v1/credentials"),
            ("http://[fd00:ec2::23]/c", "http://[fd00:ec2::23]/c", "/c"),
            ("https://creds.example.com/c", "https://creds.example.com/c", "/c"),
        ];
        for (uri, url, path) in allowed {
            assert_eq!(check_full_uri(uri), Ok((url.to_owned(), path.to_owned())), "{uri}");
        }
        let refused = [
            "http://169.254.169.254/creds",
            "http://example.com/creds",
            "http://127.0.0.1.example.com/",
            "http://169.254.170.2@example.com/",
            "http://[::ffff:10.0.0.1]/",
            "ftp://127.0.0.1/",
            "127.0.0.1/creds",
            "http://127.0.0.1:port/",
            "http://[::1/",
            "http:///path",
            "http://127.0.0.1/a b",
        ];
        for uri in refused {
            assert!(check_full_uri(uri).is_err(), "{uri}");
        }
    }
}
