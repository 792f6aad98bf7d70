//! The STS calls, in builds with the `sts` feature.

use std::time::{SystemTime, UNIX_EPOCH};

use smithy_runtime::credentials::{Credentials, CredentialsError};

use super::{Role, WebIdentity};
use crate::credentials::{failed, ProviderConfig};

/// STS's Region when none is configured, as aws-config's role providers fall back to.
const FALLBACK_REGION: &str = "us-east-1";

/// A session name for a role assumed without one: unique per call, as aws-config's are.
fn default_session_name(now: SystemTime) -> String {
    let millis = now.duration_since(UNIX_EPOCH).map(|d| d.as_millis()).unwrap_or_default();
    format!("smithy-rust-{millis}")
}

/// STS's answer as credentials; `what` names the call in errors.
fn from_sts(credentials: Option<&smithy_sts::types::Credentials>, what: &str) -> Result<Credentials, CredentialsError> {
    let credentials =
        credentials.ok_or_else(|| CredentialsError::new(format!("{what}: STS returned no credentials")))?;
    Ok(Credentials::new(
        credentials.access_key_id(),
        credentials.secret_access_key(),
        Some(credentials.session_token().to_owned()),
        SystemTime::try_from(credentials.expiration()).ok(),
    ))
}

/// Assumes `role` with `source` credentials, calling STS in `region` (or the provider
/// config's, or us-east-1).
pub(crate) async fn assume_role(
    conf: &ProviderConfig,
    region: Option<&str>,
    source: Credentials,
    role: &Role,
) -> Result<Credentials, CredentialsError> {
    let region = region.or(conf.region()).unwrap_or(FALLBACK_REGION);
    let config = conf.service_config("STS", region).credentials_provider(source).build();
    let what = format!("assuming role `{}`", role.arn);
    let output = smithy_sts::Client::new(&config)
        .assume_role()
        .role_arn(&role.arn)
        .role_session_name(role.session_name.clone().unwrap_or_else(|| default_session_name(conf.now())))
        .set_external_id(role.external_id.clone())
        .set_duration_seconds(role.duration_seconds)
        .send()
        .await
        .map_err(|e| failed(&what, &e))?;
    from_sts(output.credentials(), &what)
}

/// Exchanges the token in `identity.token_file` for credentials at STS (unsigned).
pub(crate) async fn assume_role_with_web_identity(
    conf: &ProviderConfig,
    identity: &WebIdentity,
) -> Result<Credentials, CredentialsError> {
    let file = identity.token_file.display();
    // Read on every call: Kubernetes rotates the projected token in place.
    let token = std::fs::read_to_string(&identity.token_file)
        .map_err(|e| CredentialsError::new(format!("could not read the web identity token file `{file}`: {e}")))?;
    let token = token.trim();
    if token.is_empty() {
        return Err(CredentialsError::new(format!("the web identity token file `{file}` is empty")));
    }
    let region = conf.region().unwrap_or(FALLBACK_REGION);
    let config = conf.service_config("STS", region).build();
    let what = format!("assuming role `{}` with the web identity token in `{file}`", identity.role_arn);
    let output = smithy_sts::Client::new(&config)
        .assume_role_with_web_identity()
        .role_arn(&identity.role_arn)
        .role_session_name(identity.session_name.clone().unwrap_or_else(|| default_session_name(conf.now())))
        .web_identity_token(token)
        .send()
        .await
        .map_err(|e| failed(&what, &e))?;
    from_sts(output.credentials(), &what)
}
