//! Credentials from a profile of the shared files, followed as aws-config follows it: a
//! `role_arn` is assumed with the credentials of its `source_profile` (itself perhaps a role:
//! chains of profiles) or `credential_source`; otherwise the profile's web identity, SSO,
//! `credential_process` or static keys. The chain is resolved from the files first, so a loop
//! or a missing setting is reported before any call is made.

use smithy_runtime::credentials::{
    selected_profile, Credentials, CredentialsError, EnvironmentVariableCredentialsProvider, ProfileSet, Properties,
    ProvideCredentials, ProvideCredentialsFuture,
};

use super::process::CredentialProcessProvider;
use super::sso::{SsoCredentialsProvider, SsoSettings};
use super::sts::{assume_role, assume_role_with_web_identity, Role, WebIdentity};
use super::ProviderConfig;
use crate::container::ContainerCredentialsProvider;
use crate::imds::ImdsCredentialsProvider;

/// A `credential_source`: where a role's source credentials come from without a profile.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum NamedSource {
    Environment,
    Ec2InstanceMetadata,
    EcsContainer,
}

impl NamedSource {
    /// The values `credential_source` takes, for errors.
    const NAMES: &'static str = "Environment, Ec2InstanceMetadata, EcsContainer";

    fn parse(value: &str) -> Option<Self> {
        match value {
            "Environment" => Some(NamedSource::Environment),
            "Ec2InstanceMetadata" => Some(NamedSource::Ec2InstanceMetadata),
            "EcsContainer" => Some(NamedSource::EcsContainer),
            _ => None,
        }
    }
}

/// What the innermost profile of a chain gets credentials from.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Base {
    Static(Credentials),
    Named(NamedSource),
    WebIdentity(WebIdentity),
    Sso(SsoSettings),
    Process { command: String, profile: String },
}

/// A resolved profile chain: the base credentials, then the roles to assume with them, the
/// last one first (`roles[0]` is the selected profile's).
#[derive(Clone, Debug, PartialEq, Eq)]
struct Chain {
    base: Base,
    roles: Vec<Role>,
    /// The selected profile's `region`, where STS is called when the config names none.
    region: Option<String>,
}

/// The error for profile `name`.
fn invalid(name: &str, problem: impl std::fmt::Display) -> CredentialsError {
    CredentialsError::new(format!("profile `{name}`: {problem}"))
}

fn static_keys(name: &str, profile: &Properties) -> Option<Result<Credentials, CredentialsError>> {
    let access_key_id = profile.get("aws_access_key_id");
    let secret_access_key = profile.get("aws_secret_access_key");
    match (access_key_id, secret_access_key) {
        (None, None) => None,
        (Some(id), Some(secret)) => {
            Some(Ok(Credentials::new(id, secret, profile.get("aws_session_token").cloned(), None)))
        }
        (None, Some(_)) => Some(Err(invalid(name, "has aws_secret_access_key but no aws_access_key_id"))),
        (Some(_), None) => Some(Err(invalid(name, "has aws_access_key_id but no aws_secret_access_key"))),
    }
}

fn role_of(name: &str, profile: &Properties) -> Result<Option<Role>, CredentialsError> {
    let Some(arn) = profile.get("role_arn") else { return Ok(None) };
    if profile.contains_key("mfa_serial") {
        return Err(invalid(
            name,
            "sets mfa_serial: assuming a role with an MFA code is not supported (it needs a code typed in)",
        ));
    }
    let duration_seconds = match profile.get("duration_seconds") {
        None => None,
        Some(text) => Some(text.parse::<i32>().map_err(|_| invalid(name, "duration_seconds is not a number"))?),
    };
    Ok(Some(Role {
        arn: arn.clone(),
        session_name: profile.get("role_session_name").cloned(),
        external_id: profile.get("external_id").cloned(),
        duration_seconds,
    }))
}

fn sso_of(files: &ProfileSet, name: &str, profile: &Properties) -> Result<Option<SsoSettings>, CredentialsError> {
    let required = |key: &str| profile.get(key).cloned().ok_or_else(|| invalid(name, format!("has no {key}")));
    if let Some(session) = profile.get("sso_session") {
        let section = files
            .sso_session(session)
            .ok_or_else(|| invalid(name, format!("names sso_session `{session}`, which the config file lacks")))?;
        let from_session = |key: &str| {
            let value =
                section.get(key).ok_or_else(|| invalid(name, format!("its sso_session `{session}` has no {key}")))?;
            // The profile may repeat a session's setting, but not contradict it.
            match profile.get(key) {
                Some(own) if own != value => {
                    Err(invalid(name, format!("its {key} differs from that of its sso_session `{session}`")))
                }
                _ => Ok(value.clone()),
            }
        };
        return Ok(Some(SsoSettings {
            session_name: Some(session.clone()),
            start_url: from_session("sso_start_url")?,
            region: from_session("sso_region")?,
            account_id: required("sso_account_id")?,
            role_name: required("sso_role_name")?,
        }));
    }
    if !["sso_start_url", "sso_region", "sso_account_id", "sso_role_name"].iter().any(|k| profile.contains_key(*k)) {
        return Ok(None);
    }
    Ok(Some(SsoSettings {
        session_name: None,
        start_url: required("sso_start_url")?,
        region: required("sso_region")?,
        account_id: required("sso_account_id")?,
        role_name: required("sso_role_name")?,
    }))
}

/// A profile's own credentials, for one without a role (or whose role takes them).
fn base_of(files: &ProfileSet, name: &str, profile: &Properties) -> Result<Base, CredentialsError> {
    if let Some(file) = profile.get("web_identity_token_file") {
        return Err(invalid(name, format!("sets web_identity_token_file `{file}` but no role_arn to assume with it")));
    }
    if let Some(sso) = sso_of(files, name, profile)? {
        return Ok(Base::Sso(sso));
    }
    if let Some(keys) = static_keys(name, profile) {
        return keys.map(Base::Static);
    }
    if let Some(command) = profile.get("credential_process") {
        return Ok(Base::Process { command: command.clone(), profile: name.to_owned() });
    }
    Err(invalid(name, "has no credentials: no role_arn, sso_session, aws_access_key_id or credential_process"))
}

/// Follows profile `selected`'s chain through `files`.
fn resolve(files: &ProfileSet, selected: &str) -> Result<Chain, CredentialsError> {
    let mut visited: Vec<String> = Vec::new();
    let mut roles = Vec::new();
    let mut name = selected.to_owned();
    let first = files.profile(selected).ok_or_else(|| {
        CredentialsError::not_loaded(format!("profile `{selected}` not found in {}", files.describe()))
    })?;
    let region = first.get("region").cloned();
    let base = loop {
        if visited.contains(&name) {
            visited.push(name);
            return Err(CredentialsError::new(format!("profiles loop: {}", visited.join(" -> "))));
        }
        let profile = files.profile(&name).ok_or_else(|| {
            invalid(visited.last().map_or(selected, String::as_str), format!("source_profile `{name}` does not exist"))
        })?;
        // A source profile with static keys provides them, even if it names a role of its own.
        if !visited.is_empty() {
            if let Some(keys) = static_keys(&name, &profile) {
                break Base::Static(keys?);
            }
        }
        let Some(role) = role_of(&name, &profile)? else {
            break base_of(files, &name, &profile)?;
        };
        if let Some(file) = profile.get("web_identity_token_file").filter(|_| !profile.contains_key("source_profile")) {
            break Base::WebIdentity(WebIdentity {
                token_file: file.into(),
                role_arn: role.arn,
                session_name: role.session_name,
            });
        }
        roles.push(role);
        match (profile.get("source_profile"), profile.get("credential_source")) {
            (Some(_), Some(_)) => return Err(invalid(&name, "sets both source_profile and credential_source")),
            (None, None) => {
                return Err(invalid(&name, "sets role_arn but neither source_profile nor credential_source"))
            }
            (Some(source), None) if *source == name => {
                // A profile may assume its role with its own static keys.
                let keys = static_keys(&name, &profile)
                    .unwrap_or_else(|| Err(invalid(&name, "is its own source_profile but has no static keys")))?;
                break Base::Static(keys);
            }
            (Some(source), None) => {
                visited.push(std::mem::replace(&mut name, source.clone()));
            }
            (None, Some(source)) => {
                let named = NamedSource::parse(source).ok_or_else(|| {
                    invalid(&name, format!("credential_source `{source}` is not one of {}", NamedSource::NAMES))
                })?;
                break Base::Named(named);
            }
        }
    };
    Ok(Chain { base, roles, region })
}

/// Credentials from a profile of the shared files: the one set with
/// [`profile_name`](Self::profile_name), else `AWS_PROFILE`, else `default`. Roles, SSO, web
/// identity and `credential_process` are followed; `mfa_serial` is refused. A profile that
/// does not exist is "not loaded" (a chain goes on); any other problem is an error naming it.
#[derive(Clone, Debug)]
pub struct ProfileCredentialsProvider {
    conf: ProviderConfig,
    profile_name: Option<String>,
}

impl ProfileCredentialsProvider {
    /// Reads the shared files the provider config's environment points to.
    pub fn new(conf: ProviderConfig) -> Self {
        ProfileCredentialsProvider { conf, profile_name: None }
    }

    /// Uses this profile instead of `AWS_PROFILE` or `default`.
    pub fn profile_name(mut self, name: impl Into<String>) -> Self {
        self.profile_name = Some(name.into());
        self
    }

    async fn base(&self, base: &Base) -> Result<Credentials, CredentialsError> {
        let conf = &self.conf;
        match base {
            Base::Static(credentials) => Ok(credentials.clone()),
            Base::Named(NamedSource::Environment) => {
                EnvironmentVariableCredentialsProvider::with_env(conf.env().clone()).provide_credentials().await
            }
            Base::Named(NamedSource::Ec2InstanceMetadata) => {
                ImdsCredentialsProvider::from_provider_config(conf).provide_credentials().await
            }
            Base::Named(NamedSource::EcsContainer) => {
                ContainerCredentialsProvider::from_provider_config(conf).provide_credentials().await
            }
            Base::WebIdentity(identity) => assume_role_with_web_identity(conf, identity).await,
            Base::Sso(settings) => {
                SsoCredentialsProvider::new(conf.clone(), settings.clone()).provide_credentials().await
            }
            Base::Process { command, profile } => {
                CredentialProcessProvider::new(command.clone(), profile.clone()).provide_credentials().await
            }
        }
    }

    async fn load(&self) -> Result<Credentials, CredentialsError> {
        let env = self.conf.env();
        let selected = self.profile_name.as_deref().unwrap_or_else(|| selected_profile(env));
        let files = ProfileSet::load(env)?;
        let chain = resolve(&files, selected)?;
        let mut credentials = self.base(&chain.base).await?;
        for role in chain.roles.iter().rev() {
            credentials = assume_role(&self.conf, chain.region.as_deref(), credentials, role).await?;
        }
        Ok(credentials)
    }
}

impl ProvideCredentials for ProfileCredentialsProvider {
    fn provide_credentials(&self) -> ProvideCredentialsFuture<'_> {
        Box::pin(self.load())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use smithy_runtime::credentials::Env;
    use std::path::PathBuf;

    /// The chain of `selected` in a config file of `text`, in a fresh temporary home.
    fn chain(text: &str, selected: &str) -> Result<Chain, CredentialsError> {
        static COUNTER: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let home: PathBuf = std::env::temp_dir().join(format!("smithy-config-profile-{}-{n}", std::process::id()));
        std::fs::create_dir_all(home.join(".aws")).unwrap();
        std::fs::write(home.join(".aws/config"), text).unwrap();
        let env = Env::from_pairs([("HOME", home.to_str().unwrap())]);
        let result = resolve(&ProfileSet::load(&env).unwrap(), selected);
        std::fs::remove_dir_all(&home).unwrap();
        result
    }

    fn role(arn: &str) -> Role {
        Role { arn: arn.into(), session_name: None, external_id: None, duration_seconds: None }
    }

    #[test]
    fn roles_chain_through_source_profiles_to_static_keys() {
        let text = "[profile a]\nrole_arn = arn:a\nsource_profile = b\nregion = eu-west-1\nexternal_id = x\n\
                    [profile b]\nrole_arn = arn:b\nsource_profile = c\nrole_session_name = s\n\
                    [profile c]\naws_access_key_id = AK\naws_secret_access_key = SK\n";
        let chain = chain(text, "a").unwrap();
        assert_eq!(chain.base, Base::Static(Credentials::new("AK", "SK", None, None)));
        let a = Role { external_id: Some("x".into()), ..role("arn:a") };
        let b = Role { session_name: Some("s".into()), ..role("arn:b") };
        assert_eq!(chain.roles, vec![a, b]);
        assert_eq!(chain.region.as_deref(), Some("eu-west-1"));
    }

    #[test]
    fn a_source_profile_with_keys_provides_them_despite_its_role() {
        let text = "[profile a]\nrole_arn = arn:a\nsource_profile = b\n\
                    [profile b]\nrole_arn = arn:b\nsource_profile = a\naws_access_key_id = AK\naws_secret_access_key = SK\n";
        let chain = chain(text, "a").unwrap();
        assert_eq!(chain.roles, vec![role("arn:a")]);
        assert!(matches!(chain.base, Base::Static(_)));
    }

    #[test]
    fn loops_self_reference_and_missing_sources() {
        let looped =
            "[profile a]\nrole_arn = arn:a\nsource_profile = b\n[profile b]\nrole_arn = arn:b\nsource_profile = a\n";
        let error = chain(looped, "a").unwrap_err().to_string();
        assert!(error.contains("a -> b -> a"), "{error}");
        let own =
            "[profile a]\nrole_arn = arn:a\nsource_profile = a\naws_access_key_id = AK\naws_secret_access_key = SK\n";
        assert_eq!(chain(own, "a").unwrap().roles, vec![role("arn:a")]);
        let missing = chain("[profile a]\nrole_arn = arn:a\nsource_profile = nope\n", "a").unwrap_err().to_string();
        assert!(missing.contains("`nope` does not exist"), "{missing}");
        let neither = chain("[profile a]\nrole_arn = arn:a\n", "a").unwrap_err().to_string();
        assert!(neither.contains("neither source_profile nor credential_source"), "{neither}");
        let absent = chain("[profile a]\nregion = x\n", "zzz").unwrap_err();
        assert!(absent.is_not_loaded(), "{absent}");
    }

    #[test]
    fn credential_sources_web_identity_sso_and_process() {
        let text = "[profile env]\nrole_arn = arn:e\ncredential_source = Environment\n\
                    [profile imds]\nrole_arn = arn:i\ncredential_source = Ec2InstanceMetadata\n\
                    [profile ecs]\nrole_arn = arn:c\ncredential_source = EcsContainer\n\
                    [profile bad]\nrole_arn = arn:x\ncredential_source = Laptop\n\
                    [profile web]\nrole_arn = arn:w\nweb_identity_token_file = /tok\nrole_session_name = w\n\
                    [profile sso]\nsso_session = corp\nsso_account_id = 111\nsso_role_name = Dev\n\
                    [sso-session corp]\nsso_start_url = https://corp/start\nsso_region = eu-west-1\n\
                    [profile legacy]\nsso_start_url = https://old/start\nsso_region = us-east-1\nsso_account_id = 2\nsso_role_name = R\n\
                    [profile proc]\ncredential_process = /bin/creds --x\n\
                    [profile mfa]\nrole_arn = arn:m\nsource_profile = proc\nmfa_serial = arn:mfa\n";
        assert_eq!(chain(text, "env").unwrap().base, Base::Named(NamedSource::Environment));
        assert_eq!(chain(text, "imds").unwrap().base, Base::Named(NamedSource::Ec2InstanceMetadata));
        assert_eq!(chain(text, "ecs").unwrap().base, Base::Named(NamedSource::EcsContainer));
        assert!(chain(text, "bad").unwrap_err().to_string().contains("`Laptop`"));
        let web = chain(text, "web").unwrap();
        assert!(web.roles.is_empty(), "the role is the web identity's");
        assert_eq!(
            web.base,
            Base::WebIdentity(WebIdentity {
                token_file: "/tok".into(),
                role_arn: "arn:w".into(),
                session_name: Some("w".into())
            })
        );
        let Base::Sso(sso) = chain(text, "sso").unwrap().base else { panic!("an SSO base") };
        assert_eq!(
            (sso.session_name.as_deref(), sso.start_url.as_str(), sso.region.as_str()),
            (Some("corp"), "https://corp/start", "eu-west-1")
        );
        let Base::Sso(legacy) = chain(text, "legacy").unwrap().base else { panic!("an SSO base") };
        assert_eq!((legacy.session_name, legacy.account_id.as_str()), (None, "2"));
        assert_eq!(
            chain(text, "proc").unwrap().base,
            Base::Process { command: "/bin/creds --x".into(), profile: "proc".into() }
        );
        let mfa = chain(text, "mfa").unwrap_err().to_string();
        assert!(mfa.contains("mfa_serial") && mfa.contains("profile `mfa`"), "{mfa}");
    }
}
