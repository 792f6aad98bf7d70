//! AWS SDKs' default credentials chain, in aws-config's order.

use std::sync::Arc;

use smithy_runtime::credentials::{
    Credentials, CredentialsError, EnvironmentVariableCredentialsProvider, ProvideCredentials, ProvideCredentialsFuture,
};

use super::profile::ProfileCredentialsProvider;
use super::sts::WebIdentityTokenCredentialsProvider;
use super::ProviderConfig;
use crate::container::ContainerCredentialsProvider;
use crate::imds::ImdsCredentialsProvider;

/// Tries, in aws-config's order: environment variables (`AWS_ACCESS_KEY_ID`, ...), the
/// shared profile (with its roles, SSO, web identity and `credential_process`), web identity
/// from the environment (`AWS_WEB_IDENTITY_TOKEN_FILE`), the ECS/EKS container endpoint and
/// the EC2 instance metadata service. A source that is not configured is skipped; one that is
/// but fails ends the chain with its error, rather than fall back to another identity. When
/// none is configured, the error lists what each said.
///
/// It does not cache: the loader puts a [`CredentialsCache`](super::CredentialsCache) in
/// front of it, as of any provider.
#[derive(Clone, Debug)]
pub struct DefaultCredentialsChain {
    providers: Vec<(&'static str, Arc<dyn ProvideCredentials>)>,
}

impl DefaultCredentialsChain {
    /// The chain reading `conf`'s environment and calling through its HTTP client; the
    /// profile is `profile_name`, else `AWS_PROFILE`, else `default`.
    pub fn new(conf: &ProviderConfig, profile_name: Option<&str>) -> Self {
        let mut profile = ProfileCredentialsProvider::new(conf.clone());
        if let Some(name) = profile_name {
            profile = profile.profile_name(name);
        }
        DefaultCredentialsChain {
            providers: vec![
                ("environment", Arc::new(EnvironmentVariableCredentialsProvider::with_env(conf.env().clone()))),
                ("profile", Arc::new(profile)),
                ("web identity", Arc::new(WebIdentityTokenCredentialsProvider::new(conf.clone()))),
                ("container", Arc::new(ContainerCredentialsProvider::from_provider_config(conf))),
                ("IMDS", Arc::new(ImdsCredentialsProvider::from_provider_config(conf))),
            ],
        }
    }

    /// The sources' names, in the order they are tried.
    pub fn sources(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.providers.iter().map(|(name, _)| *name)
    }

    async fn load(&self) -> Result<Credentials, CredentialsError> {
        let mut said = Vec::new();
        for (name, provider) in &self.providers {
            match provider.provide_credentials().await {
                Ok(credentials) => return Ok(credentials),
                Err(e) if e.is_not_loaded() => said.push(format!("{name}: {e}")),
                Err(e) => return Err(CredentialsError::new(format!("{name}: {e}"))),
            }
        }
        Err(CredentialsError::not_loaded(format!("no credentials found: {}", said.join("; "))))
    }
}

impl ProvideCredentials for DefaultCredentialsChain {
    fn provide_credentials(&self) -> ProvideCredentialsFuture<'_> {
        Box::pin(self.load())
    }
}
