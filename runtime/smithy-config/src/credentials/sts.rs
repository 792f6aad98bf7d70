//! Credentials from STS: a role assumed with other credentials (`AssumeRole`, for profiles'
//! `role_arn`), or with a web identity token (`AssumeRoleWithWebIdentity`, for EKS's IRSA and
//! other OIDC federation). STS is called in the configured Region, at its regional endpoint.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

#[cfg(not(feature = "sts"))]
use smithy_runtime::credentials::Credentials;
use smithy_runtime::credentials::{CredentialsError, ProvideCredentials, ProvideCredentialsFuture};

use super::ProviderConfig;

#[cfg(feature = "sts")]
mod call;
#[cfg(feature = "sts")]
pub(crate) use call::{assume_role, assume_role_with_web_identity};

/// Without the `sts` feature a role cannot be assumed: the error says so.
#[cfg(not(feature = "sts"))]
pub(crate) async fn assume_role(
    _: &ProviderConfig,
    _: Option<&str>,
    _: Credentials,
    role: &Role,
) -> Result<Credentials, CredentialsError> {
    Err(super::left_out("sts", &format!("assuming role `{}`", role.arn)))
}

/// Without the `sts` feature a web identity cannot be exchanged: the error says so.
#[cfg(not(feature = "sts"))]
pub(crate) async fn assume_role_with_web_identity(
    _: &ProviderConfig,
    identity: &WebIdentity,
) -> Result<Credentials, CredentialsError> {
    let what = format!("assuming role `{}` with a web identity token", identity.role_arn);
    Err(super::left_out("sts", &what))
}

/// The role to assume and how: a profile's `role_arn`, `role_session_name`, `external_id` and
/// `duration_seconds`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Role {
    pub(crate) arn: String,
    pub(crate) session_name: Option<String>,
    pub(crate) external_id: Option<String>,
    pub(crate) duration_seconds: Option<i32>,
}

/// Credentials for a role assumed with the credentials of another provider, through STS
/// `AssumeRole`: what a profile's `role_arn` does, for your own sources.
#[derive(Clone, Debug)]
pub struct AssumeRoleProvider {
    conf: ProviderConfig,
    role: Role,
    source: Arc<dyn ProvideCredentials>,
}

impl AssumeRoleProvider {
    /// Assumes `role_arn` with what `source` provides, calling STS in the provider config's
    /// Region (us-east-1 when it has none).
    pub fn new(conf: ProviderConfig, role_arn: impl Into<String>, source: impl ProvideCredentials + 'static) -> Self {
        let role = Role { arn: role_arn.into(), session_name: None, external_id: None, duration_seconds: None };
        AssumeRoleProvider { conf, role, source: Arc::new(source) }
    }

    /// The session name (by default `smithy-rust-` and the time in milliseconds).
    pub fn session_name(mut self, name: impl Into<String>) -> Self {
        self.role.session_name = Some(name.into());
        self
    }

    /// The external id the role's trust policy asks for.
    pub fn external_id(mut self, id: impl Into<String>) -> Self {
        self.role.external_id = Some(id.into());
        self
    }

    /// How long the credentials last, in seconds (STS's default, an hour, when unset).
    pub fn duration_seconds(mut self, seconds: i32) -> Self {
        self.role.duration_seconds = Some(seconds);
        self
    }
}

impl ProvideCredentials for AssumeRoleProvider {
    fn provide_credentials(&self) -> ProvideCredentialsFuture<'_> {
        Box::pin(async move {
            let source = self.source.provide_credentials().await?;
            assume_role(&self.conf, None, source, &self.role).await
        })
    }
}

/// Where a web identity token and its role come from.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct WebIdentity {
    pub(crate) token_file: PathBuf,
    pub(crate) role_arn: String,
    pub(crate) session_name: Option<String>,
}

impl fmt::Debug for WebIdentity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The token file's path is not secret, the token in it is (and is never read here).
        f.debug_struct("WebIdentity")
            .field("token_file", &self.token_file)
            .field("role_arn", &self.role_arn)
            .field("session_name", &self.session_name)
            .finish()
    }
}

/// Credentials for the role `AWS_ROLE_ARN` names, assumed with the web identity token in the
/// file `AWS_WEB_IDENTITY_TOKEN_FILE` names (EKS's IAM roles for service accounts), with the
/// session name `AWS_ROLE_SESSION_NAME` (by default `smithy-rust-` and the time).
#[derive(Clone, Debug)]
pub struct WebIdentityTokenCredentialsProvider {
    conf: ProviderConfig,
}

impl WebIdentityTokenCredentialsProvider {
    /// Reads the variables from the provider config's environment.
    pub fn new(conf: ProviderConfig) -> Self {
        WebIdentityTokenCredentialsProvider { conf }
    }

    fn identity(&self) -> Result<WebIdentity, CredentialsError> {
        let env = self.conf.env();
        let set = |name: &str| env.get(name).filter(|v| !v.is_empty());
        let Some(token_file) = set("AWS_WEB_IDENTITY_TOKEN_FILE") else {
            return Err(CredentialsError::not_loaded("environment variable AWS_WEB_IDENTITY_TOKEN_FILE is not set"));
        };
        let role_arn = set("AWS_ROLE_ARN").ok_or_else(|| {
            CredentialsError::new("AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN, the role to assume, is not")
        })?;
        Ok(WebIdentity {
            token_file: token_file.into(),
            role_arn: role_arn.to_owned(),
            session_name: set("AWS_ROLE_SESSION_NAME").map(str::to_owned),
        })
    }
}

impl ProvideCredentials for WebIdentityTokenCredentialsProvider {
    fn provide_credentials(&self) -> ProvideCredentialsFuture<'_> {
        Box::pin(async move { assume_role_with_web_identity(&self.conf, &self.identity()?).await })
    }
}
