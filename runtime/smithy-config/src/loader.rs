//! Loads the configuration every client shares, once, as aws-config's `load_from_env` does:
//! the Region, the credentials chain behind one cache, retries, timeouts and the profile.

use std::sync::Arc;
use std::time::SystemTime;

use smithy_runtime::config::{AsyncSleep, Config, HttpClient, RetryConfig, TimeoutConfig};
use smithy_runtime::credentials::{selected_profile, Env, ProfileSet, ProvideCredentials};

use crate::credentials::{CredentialsCache, DefaultCredentialsChain, ProviderConfig};
use crate::imds::ImdsRegionProvider;

/// Loads a [`Config`] from the environment: what is set here wins, the rest is read as AWS
/// SDKs read it.
///
/// ```no_run
/// # async fn f() {
/// let config = smithy_config::from_env().region("eu-west-1").load().await;
/// // let dynamodb = dynamodb::Client::new(&config);
/// // let s3 = s3::Client::new(&config); // the same credentials cache and connections
/// # let _ = config;
/// # }
/// ```
#[derive(Default)]
#[must_use = "a loader does nothing until `load().await`"]
pub struct ConfigLoader {
    env: Option<Env>,
    region: Option<String>,
    profile_name: Option<String>,
    credentials: Option<Arc<dyn ProvideCredentials>>,
    retry: Option<RetryConfig>,
    timeouts: Option<TimeoutConfig>,
    endpoint_url: Option<String>,
    http_client: Option<Arc<dyn HttpClient>>,
    sleep: Option<Arc<dyn AsyncSleep>>,
    time_source: Option<smithy_runtime::config::TimeSource>,
}

impl std::fmt::Debug for ConfigLoader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConfigLoader")
            .field("env", &self.env)
            .field("region", &self.region)
            .field("profile_name", &self.profile_name)
            .field("credentials", &self.credentials)
            .field("retry", &self.retry)
            .field("timeouts", &self.timeouts)
            .field("endpoint_url", &self.endpoint_url)
            .field("http_client", &self.http_client)
            .field("sleep", &self.sleep)
            .finish_non_exhaustive()
    }
}

impl ConfigLoader {
    /// The Region, instead of `AWS_REGION`, `AWS_DEFAULT_REGION`, the profile's or IMDS's.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// The profile of the shared files, instead of `AWS_PROFILE` or `default`: for the Region
    /// and the credentials both.
    pub fn profile_name(mut self, name: impl Into<String>) -> Self {
        self.profile_name = Some(name.into());
        self
    }

    /// These credentials instead of the default chain's (still behind the shared cache).
    pub fn credentials_provider(mut self, provider: impl ProvideCredentials + 'static) -> Self {
        self.credentials = Some(Arc::new(provider));
        self
    }

    /// How failed attempts are retried, instead of the environment's.
    pub fn retry_config(mut self, retry: RetryConfig) -> Self {
        self.retry = Some(retry);
        self
    }

    /// Timeouts.
    pub fn timeout_config(mut self, timeouts: TimeoutConfig) -> Self {
        self.timeouts = Some(timeouts);
        self
    }

    /// The endpoint URL every client sends to (a local stand-in for the service).
    pub fn endpoint_url(mut self, url: impl Into<String>) -> Self {
        self.endpoint_url = Some(url.into());
        self
    }

    /// The HTTP client, for the services and for the credential providers, instead of the
    /// default HTTPS transport.
    pub fn http_client(mut self, client: impl HttpClient + 'static) -> Self {
        self.http_client = Some(Arc::new(client));
        self
    }

    /// The timer, instead of tokio's.
    pub fn sleep_impl(mut self, sleep: impl AsyncSleep + 'static) -> Self {
        self.sleep = Some(Arc::new(sleep));
        self
    }

    /// The clock, instead of the system's (for signing and credential expiry).
    pub fn time_source(mut self, now: impl Fn() -> SystemTime + Send + Sync + 'static) -> Self {
        self.time_source = Some(Arc::new(now));
        self
    }

    /// Reads `env` instead of the process environment (tests, embedders).
    pub fn env(mut self, env: Env) -> Self {
        self.env = Some(env);
        self
    }

    /// Resolves everything once: the Region (set here, else `AWS_REGION`, `AWS_DEFAULT_REGION`,
    /// the profile's `region`, else IMDS's, unless `AWS_EC2_METADATA_DISABLED`), the
    /// credentials (set here, else the [`DefaultCredentialsChain`]) behind one
    /// [`CredentialsCache`], the retry settings (`AWS_NEW_RETRIES_2026`, `AWS_MAX_ATTEMPTS`, the
    /// profile's `max_attempts`) and the default transport and timer where none is set.
    pub async fn load(self) -> Config {
        let env = self.env.unwrap_or_else(Env::process);
        let timeouts = self.timeouts.unwrap_or_default();
        let http_client = self.http_client.unwrap_or_else(|| {
            Arc::new(crate::transport::HyperClient::new(timeouts.connect_timeout())) as Arc<dyn HttpClient>
        });
        let sleep = self.sleep.unwrap_or_else(|| Arc::new(crate::transport::TokioSleep));
        let time_source = self.time_source.unwrap_or_else(|| Arc::new(SystemTime::now));
        let profile_name = self.profile_name.unwrap_or_else(|| selected_profile(&env).to_owned());
        // Files that cannot be read count as absent here; the credentials chain reports them.
        let profile = ProfileSet::load(&env).ok().and_then(|files| files.profile(&profile_name));
        let profile_value = |key: &str| profile.as_ref().and_then(|p| p.get(key)).cloned();

        let provider_config =
            ProviderConfig::from_parts(env.clone(), http_client.clone(), sleep.clone(), time_source.clone());
        let region = match self.region {
            Some(region) => Some(region),
            None => match ["AWS_REGION", "AWS_DEFAULT_REGION"]
                .iter()
                .find_map(|name| env.get(name).filter(|v| !v.is_empty()).map(str::to_owned))
                .or_else(|| profile_value("region"))
            {
                Some(region) => Some(region),
                None => ImdsRegionProvider::from_provider_config(&provider_config).region().await,
            },
        };
        let provider_config = provider_config.with_region(region.clone());

        let credentials: Arc<dyn ProvideCredentials> = match self.credentials {
            Some(provider) => provider,
            None => Arc::new(DefaultCredentialsChain::new(&provider_config, Some(&profile_name))),
        };
        let cache = CredentialsCache::from_arc(credentials).with_time_source(time_source.clone());

        // The settings read from variables alone (retries, checksums), as `Config::from_env` reads them.
        let from_env = Config::from_env_of(&env).build();
        let retry = self.retry.unwrap_or_else(|| {
            let retry = *from_env.retry_config();
            let attempts = profile_value("max_attempts").and_then(|v| v.parse::<u32>().ok()).filter(|n| *n > 0);
            match (attempts, env.get("AWS_MAX_ATTEMPTS")) {
                // The variable wins over the profile.
                (Some(attempts), None) => retry.with_max_attempts(attempts),
                _ => retry,
            }
        });
        let mut builder = from_env
            .to_builder()
            .credentials_provider(cache)
            .http_client(http_client)
            .sleep_impl(sleep)
            .timeout_config(timeouts)
            .retry_config(retry)
            .time_source(move || time_source());
        builder = match region {
            Some(region) => builder.region(region),
            None => builder,
        };
        if let Some(url) = self.endpoint_url {
            builder = builder.endpoint_url(url);
        }
        builder.build()
    }
}
