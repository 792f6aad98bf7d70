//! Credentials from IAM Identity Center (SSO): the access token `aws sso login` cached under
//! `~/.aws/sso/cache/`, refreshed through SSO OIDC `CreateToken` when it nears expiry (for
//! `sso_session` profiles; legacy profiles cannot refresh), exchanged for a role's credentials
//! with SSO `GetRoleCredentials`.

#[cfg(not(feature = "sso"))]
use smithy_runtime::credentials::{Credentials, CredentialsError};
use smithy_runtime::credentials::{ProvideCredentials, ProvideCredentialsFuture};

use super::ProviderConfig;

/// A profile's SSO settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct SsoSettings {
    /// The `sso_session` the profile names (`None` for the legacy settings in the profile).
    pub(crate) session_name: Option<String>,
    pub(crate) start_url: String,
    pub(crate) region: String,
    pub(crate) account_id: String,
    pub(crate) role_name: String,
}

/// Credentials for an account and role through IAM Identity Center, from a profile's
/// `sso_session` (with `[sso-session NAME]`'s `sso_start_url` and `sso_region`) or legacy
/// `sso_start_url` and `sso_region`, and its `sso_account_id` and `sso_role_name`.
#[derive(Clone, Debug)]
pub struct SsoCredentialsProvider {
    // Read by the SSO calls only.
    #[cfg_attr(not(feature = "sso"), allow(dead_code))]
    conf: ProviderConfig,
    settings: SsoSettings,
}

impl SsoCredentialsProvider {
    pub(crate) fn new(conf: ProviderConfig, settings: SsoSettings) -> Self {
        SsoCredentialsProvider { conf, settings }
    }
}

#[cfg(feature = "sso")]
mod call;

#[cfg(not(feature = "sso"))]
impl SsoCredentialsProvider {
    /// Without the `sso` feature there is no token cache or SSO call: the error says so.
    async fn load(&self) -> Result<Credentials, CredentialsError> {
        let settings = &self.settings;
        let what = format!("SSO credentials for role `{}` in account {}", settings.role_name, settings.account_id);
        Err(super::left_out("sso", &what))
    }
}

impl ProvideCredentials for SsoCredentialsProvider {
    fn provide_credentials(&self) -> ProvideCredentialsFuture<'_> {
        Box::pin(self.load())
    }
}
