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

#[cfg(test)]
mod tests {
    /// Builds without the `sts` or `sso` feature: a source configured for the calls left out
    /// ends the chain with an error naming the feature, rather than fall back to another
    /// identity.
    #[cfg(not(all(feature = "sts", feature = "sso")))]
    mod left_out {
        use std::sync::atomic::{AtomicUsize, Ordering};

        use smithy_runtime::credentials::Env;

        use super::super::*;

        /// The chain's error with `vars` as the environment and `config` as the shared config file.
        async fn chain_error(vars: &[(&str, &str)], config: &str) -> String {
            static COUNTER: AtomicUsize = AtomicUsize::new(0);
            let n = COUNTER.fetch_add(1, Ordering::Relaxed);
            let dir = std::env::temp_dir().join(format!("smithy-chain-test-{}-{n}", std::process::id()));
            std::fs::create_dir_all(&dir).unwrap();
            let file = dir.join("config");
            std::fs::write(&file, config).unwrap();
            let mut pairs = vec![("AWS_CONFIG_FILE", file.to_str().unwrap()), ("HOME", dir.to_str().unwrap())];
            pairs.extend_from_slice(vars);
            let conf = ProviderConfig::new().with_env(Env::from_pairs(pairs.iter().copied()));
            let error = DefaultCredentialsChain::new(&conf, None).provide_credentials().await.unwrap_err();
            assert!(!error.is_not_loaded(), "{error}");
            let _ = std::fs::remove_dir_all(&dir);
            error.to_string()
        }

        #[cfg(not(feature = "sts"))]
        #[tokio::test]
        async fn roles_and_web_identity_name_the_sts_feature() {
            let role = "[default]\nrole_arn = arn:aws:iam::123456789012:role/R\nsource_profile = base\n\
                        [profile base]\naws_access_key_id = AKID\naws_secret_access_key = secret\n";
            let error = chain_error(&[], role).await;
            assert!(error.contains("assuming role `arn:aws:iam::123456789012:role/R`"), "{error}");
            assert!(error.contains("without its `sts` feature"), "{error}");
            let web = [("AWS_WEB_IDENTITY_TOKEN_FILE", "/token"), ("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/W")];
            let error = chain_error(&web, "").await;
            assert!(error.starts_with("web identity: assuming role `arn:aws:iam::123456789012:role/W`"), "{error}");
            assert!(error.contains("without its `sts` feature"), "{error}");
        }

        #[cfg(not(feature = "sso"))]
        #[tokio::test]
        async fn sso_profiles_name_the_sso_feature() {
            let sso = "[default]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = Dev\n\
                       [sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\n";
            let error = chain_error(&[], sso).await;
            assert!(error.starts_with("profile: SSO credentials for role `Dev` in account 111122223333"), "{error}");
            assert!(error.contains("without its `sso` feature"), "{error}");
        }
    }
}
