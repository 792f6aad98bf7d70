//! The credential providers of AWS SDKs' default chain, as aws-config has them: environment
//! variables, the shared profile (static keys, role assumption through STS, `credential_process`,
//! IAM Identity Center (SSO), web identity), web identity from the environment, the ECS/EKS
//! container endpoint and the EC2 instance metadata service; and [`DefaultCredentialsChain`],
//! which tries them in that order.
//!
//! Every provider reads a [`ProviderConfig`]: the environment, HTTP client, timer and clock it
//! uses, injected so that tests (and embedders) control all of them. STS, SSO and SSO OIDC are
//! called through clients this repository's generator made from their Smithy models
//! (`smithy-sts`, `smithy-sso`, `smithy-ssooidc`).

mod chain;
pub(crate) mod json;
mod process;
mod profile;
mod sso;
mod sts;

use std::fmt;
use std::sync::Arc;
use std::time::SystemTime;

use smithy_runtime::config::{AsyncSleep, HttpClient, TimeSource};
#[cfg(any(feature = "sts", feature = "sso"))]
use smithy_runtime::config::{Builder, Config};
use smithy_runtime::credentials::{CredentialsError, Env};

pub use crate::container::ContainerCredentialsProvider;
pub use crate::imds::ImdsCredentialsProvider;
pub use chain::DefaultCredentialsChain;
pub use process::CredentialProcessProvider;
pub use profile::ProfileCredentialsProvider;
pub use smithy_runtime::credentials::cache::CredentialsCache;
pub use smithy_runtime::credentials::{
    Credentials, EnvironmentVariableCredentialsProvider, ProvideCredentials, ProvideCredentialsFuture,
};
pub use sso::SsoCredentialsProvider;
pub use sts::{AssumeRoleProvider, WebIdentityTokenCredentialsProvider};

/// How long the default transport of [`ProviderConfig::new`] waits for a connection, as
/// aws-config's default (3.1 s).
const CONNECT_TIMEOUT: std::time::Duration = std::time::Duration::from_millis(3100);

/// What every provider reads: the environment (variables, and through `HOME` the shared
/// files), the HTTP client and timer for the services and endpoints it calls, the clock, and
/// the Region STS and SSO OIDC are called in when nothing more specific says.
#[derive(Clone)]
pub struct ProviderConfig {
    env: Env,
    http_client: Arc<dyn HttpClient>,
    sleep: Arc<dyn AsyncSleep>,
    time_source: TimeSource,
    region: Option<String>,
}

impl fmt::Debug for ProviderConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProviderConfig")
            .field("env", &self.env)
            .field("http_client", &self.http_client)
            .field("sleep", &self.sleep)
            .field("region", &self.region)
            .finish_non_exhaustive()
    }
}

impl Default for ProviderConfig {
    fn default() -> Self {
        Self::new()
    }
}

impl ProviderConfig {
    /// The process environment (a snapshot taken now), the default HTTPS transport, the
    /// tokio timer and the system clock; no Region.
    pub fn new() -> Self {
        Self::from_parts(
            Env::process(),
            Arc::new(crate::transport::HyperClient::new(Some(CONNECT_TIMEOUT))),
            Arc::new(crate::transport::TokioSleep),
            Arc::new(SystemTime::now),
        )
    }

    pub(crate) fn from_parts(
        env: Env,
        http_client: Arc<dyn HttpClient>,
        sleep: Arc<dyn AsyncSleep>,
        time_source: TimeSource,
    ) -> Self {
        ProviderConfig { env, http_client, sleep, time_source, region: None }
    }

    /// Reads `env` instead of the process environment.
    pub fn with_env(mut self, env: Env) -> Self {
        self.env = env;
        self
    }

    /// Sends requests with `client`.
    pub fn with_http_client(mut self, client: impl HttpClient + 'static) -> Self {
        self.http_client = Arc::new(client);
        self
    }

    /// Waits with `sleep`.
    pub fn with_sleep(mut self, sleep: impl AsyncSleep + 'static) -> Self {
        self.sleep = Arc::new(sleep);
        self
    }

    /// Tells the time with `now` (tests fix it).
    pub fn with_time_source(mut self, now: impl Fn() -> SystemTime + Send + Sync + 'static) -> Self {
        self.time_source = Arc::new(now);
        self
    }

    /// Calls STS (and SSO OIDC, when a profile names no Region of its own) in `region`.
    pub fn with_region(mut self, region: Option<String>) -> Self {
        self.region = region;
        self
    }

    /// The environment.
    pub fn env(&self) -> &Env {
        &self.env
    }

    /// The HTTP client.
    pub fn http_client(&self) -> Arc<dyn HttpClient> {
        self.http_client.clone()
    }

    /// The timer.
    pub fn sleep(&self) -> Arc<dyn AsyncSleep> {
        self.sleep.clone()
    }

    /// The clock.
    pub fn time_source(&self) -> TimeSource {
        self.time_source.clone()
    }

    /// The Region, if set.
    pub fn region(&self) -> Option<&str> {
        self.region.as_deref()
    }

    /// The current time.
    pub(crate) fn now(&self) -> SystemTime {
        (self.time_source)()
    }

    /// A config for calling the AWS service whose SDK id, upper-cased with `_` for spaces, is
    /// `service_env` (`STS`, `SSO`, `SSO_OIDC`) in `region`, with this HTTP client, timer and
    /// clock; its endpoint from `AWS_ENDPOINT_URL_{service_env}` or `AWS_ENDPOINT_URL` as AWS
    /// SDKs read them (unless `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` is `true`).
    #[cfg(any(feature = "sts", feature = "sso"))]
    pub(crate) fn service_config(&self, service_env: &str, region: &str) -> Builder {
        let time_source = self.time_source.clone();
        let mut builder = Config::builder()
            .region(region)
            .http_client(self.http_client.clone())
            .sleep_impl(self.sleep.clone())
            .time_source(move || time_source());
        let ignore =
            self.env.get("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS").is_some_and(|v| v.eq_ignore_ascii_case("true"));
        let endpoint = [format!("AWS_ENDPOINT_URL_{service_env}"), "AWS_ENDPOINT_URL".to_owned()]
            .into_iter()
            .find_map(|name| self.env.get(&name).filter(|v| !v.is_empty()).map(str::to_owned));
        if let (false, Some(url)) = (ignore, endpoint) {
            builder = builder.endpoint_url(url);
        }
        builder
    }
}

/// The error of a provider whose service calls this build leaves out: `what` needs `feature`.
#[cfg(not(all(feature = "sts", feature = "sso")))]
pub(crate) fn left_out(feature: &str, what: &str) -> CredentialsError {
    CredentialsError::new(format!("{what}: smithy-config was built without its `{feature}` feature, which this needs"))
}

/// A provider failure: `what` failed, because of `error`.
#[cfg(any(feature = "sts", feature = "sso"))]
pub(crate) fn failed(what: &str, error: &(dyn std::error::Error + 'static)) -> CredentialsError {
    CredentialsError::new(format!("{what}: {}", smithy_runtime::error::describe(error)))
}
