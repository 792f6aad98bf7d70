//! AWS credentials and region: the `Credentials` value, the `ProvideCredentials`
//! trait users implement for their own sources, and the built-in sources
//! (environment variables, shared config and credentials files, and a chain of
//! both), plus `default_region`.
//!
//! Every source reads an [`Env`] snapshot instead of the process environment
//! directly, so tests and embedders can inject one.

pub mod cache;

use std::collections::HashMap;
use std::error::Error;
use std::fmt;
use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::time::SystemTime;

// ---------------------------------------------------------------------------
// Credentials
// ---------------------------------------------------------------------------

/// AWS credentials. Debug prints access key id but redacts secret key and session token.
///
/// Shared rather than copied: every request takes the credentials from its provider, and a
/// clone is a reference count.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials(std::sync::Arc<Parts>);

#[derive(PartialEq, Eq)]
struct Parts {
    access_key_id: String,
    secret_access_key: String,
    session_token: Option<String>,
    expires_after: Option<SystemTime>,
}

impl Credentials {
    /// Credentials from their parts. `session_token` is set for temporary
    /// credentials; `expires_after` is when they stop being valid, if known.
    pub fn new(
        access_key_id: impl Into<String>,
        secret_access_key: impl Into<String>,
        session_token: Option<String>,
        expires_after: Option<SystemTime>,
    ) -> Self {
        Credentials(std::sync::Arc::new(Parts {
            access_key_id: access_key_id.into(),
            secret_access_key: secret_access_key.into(),
            session_token,
            expires_after,
        }))
    }

    /// The access key id (`AKIA...` or `ASIA...`).
    pub fn access_key_id(&self) -> &str {
        &self.0.access_key_id
    }

    /// The secret access key.
    pub fn secret_access_key(&self) -> &str {
        &self.0.secret_access_key
    }

    /// The session token of temporary credentials.
    pub fn session_token(&self) -> Option<&str> {
        self.0.session_token.as_deref()
    }

    /// When the credentials expire, if they do.
    pub fn expires_after(&self) -> Option<SystemTime> {
        self.0.expires_after
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The access key id is not secret and identifies which credentials were used.
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id())
            .field("secret_access_key", &crate::error::REDACTED)
            .field("session_token", &self.session_token().map(|_| crate::error::REDACTED))
            .field("expires_after", &self.expires_after())
            .finish()
    }
}

// ---------------------------------------------------------------------------
// CredentialsError
// ---------------------------------------------------------------------------

/// Why credentials could not be loaded (names the source: env var / file path+profile / what is missing).
#[derive(Clone, Debug)]
pub struct CredentialsError {
    message: String,
    not_loaded: bool,
}

impl CredentialsError {
    /// An error with the given explanation; for implementors of [`ProvideCredentials`].
    /// The message should say which source failed and why, and never contain secrets.
    pub fn new(message: impl Into<String>) -> Self {
        CredentialsError { message: message.into(), not_loaded: false }
    }

    /// The source is not configured here (its variables are unset, its profile does not
    /// exist): a chain of providers goes on to the next one, where after any other error it
    /// stops, as aws-config's does, rather than hide a misconfiguration behind another identity.
    pub fn not_loaded(message: impl Into<String>) -> Self {
        CredentialsError { message: message.into(), not_loaded: true }
    }

    /// Whether the source is not configured (see [`not_loaded`](Self::not_loaded)).
    pub fn is_not_loaded(&self) -> bool {
        self.not_loaded
    }

    /// The explanation.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for CredentialsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl Error for CredentialsError {}

// ---------------------------------------------------------------------------
// ProvideCredentials
// ---------------------------------------------------------------------------

/// What [`ProvideCredentials::provide_credentials`] returns.
pub type ProvideCredentialsFuture<'a> =
    Pin<Box<dyn Future<Output = Result<Credentials, CredentialsError>> + Send + 'a>>;

/// Users implement this to bring their own source (SSO, IMDS, a vault...).
pub trait ProvideCredentials: Send + Sync + fmt::Debug {
    /// Loads credentials. Called before each request is signed, so
    /// implementations that fetch remotely should cache until near expiry.
    fn provide_credentials(&self) -> ProvideCredentialsFuture<'_>;
}

/// A shared provider provides as the provider it shares.
impl<T: ProvideCredentials + ?Sized> ProvideCredentials for std::sync::Arc<T> {
    fn provide_credentials(&self) -> ProvideCredentialsFuture<'_> {
        (**self).provide_credentials()
    }
}

/// Static credentials always provide themselves.
impl ProvideCredentials for Credentials {
    fn provide_credentials(&self) -> ProvideCredentialsFuture<'_> {
        Box::pin(std::future::ready(Ok(self.clone())))
    }
}

// ---------------------------------------------------------------------------
// Env
// ---------------------------------------------------------------------------

/// A snapshot of environment variables, so providers are testable.
#[derive(Clone, Default)]
pub struct Env {
    vars: HashMap<String, String>,
}

impl Env {
    /// The current process environment. Variables whose name or value is not
    /// valid UTF-8 are skipped.
    pub fn process() -> Self {
        Env {
            vars: std::env::vars_os()
                .filter_map(|(name, value)| Some((name.into_string().ok()?, value.into_string().ok()?)))
                .collect(),
        }
    }

    /// An environment holding exactly these variables; a later duplicate name wins.
    pub fn from_pairs<I, K, V>(pairs: I) -> Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
    {
        Env { vars: pairs.into_iter().map(|(k, v)| (k.into(), v.into())).collect() }
    }

    /// The value of variable `name`, if set.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.vars.get(name).map(String::as_str)
    }

    // AWS tools treat `VAR=` like an unset variable.
    fn get_non_empty(&self, name: &str) -> Option<&str> {
        self.get(name).filter(|value| !value.is_empty())
    }
}

impl fmt::Debug for Env {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Values are left out: the environment usually holds secrets, this one included.
        let mut names: Vec<&str> = self.vars.keys().map(String::as_str).collect();
        names.sort_unstable();
        f.debug_struct("Env").field("names", &names).finish()
    }
}

// ---------------------------------------------------------------------------
// Environment variables
// ---------------------------------------------------------------------------

const ACCESS_KEY_ID_VAR: &str = "AWS_ACCESS_KEY_ID";
const SECRET_ACCESS_KEY_VAR: &str = "AWS_SECRET_ACCESS_KEY";
const SESSION_TOKEN_VAR: &str = "AWS_SESSION_TOKEN";

/// Credentials from `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and, for
/// temporary credentials, `AWS_SESSION_TOKEN`. Empty variables count as unset.
#[derive(Clone, Debug)]
pub struct EnvironmentVariableCredentialsProvider {
    env: Env,
}

impl EnvironmentVariableCredentialsProvider {
    /// Reads a snapshot of the process environment taken now.
    pub fn new() -> Self {
        Self::with_env(Env::process())
    }

    /// Reads the given environment instead of the process's.
    pub fn with_env(env: Env) -> Self {
        EnvironmentVariableCredentialsProvider { env }
    }

    fn load(&self) -> Result<Credentials, CredentialsError> {
        let access_key_id = self.env.get_non_empty(ACCESS_KEY_ID_VAR);
        let secret_access_key = self.env.get_non_empty(SECRET_ACCESS_KEY_VAR);
        match (access_key_id, secret_access_key) {
            (Some(access_key_id), Some(secret_access_key)) => Ok(Credentials::new(
                access_key_id,
                secret_access_key,
                self.env.get_non_empty(SESSION_TOKEN_VAR).map(str::to_owned),
                None,
            )),
            (None, None) => Err(CredentialsError::not_loaded(format!(
                "environment variables {ACCESS_KEY_ID_VAR} and {SECRET_ACCESS_KEY_VAR} are not set"
            ))),
            (None, Some(_)) => {
                Err(CredentialsError::not_loaded(format!("environment variable {ACCESS_KEY_ID_VAR} is not set")))
            }
            (Some(_), None) => {
                Err(CredentialsError::not_loaded(format!("environment variable {SECRET_ACCESS_KEY_VAR} is not set")))
            }
        }
    }
}

impl Default for EnvironmentVariableCredentialsProvider {
    fn default() -> Self {
        Self::new()
    }
}

impl ProvideCredentials for EnvironmentVariableCredentialsProvider {
    fn provide_credentials(&self) -> ProvideCredentialsFuture<'_> {
        Box::pin(std::future::ready(self.load()))
    }
}

// ---------------------------------------------------------------------------
// Shared config and credentials files
// ---------------------------------------------------------------------------

/// Profile properties that select a credential source this module does not
/// implement, with that source's name. They take precedence over static keys
/// in AWS SDKs, so using the keys instead would pick the wrong identity.
const UNSUPPORTED_SOURCES: &[(&str, &str)] = &[
    ("role_arn", "assuming a role"),
    ("source_profile", "assuming a role"),
    ("credential_source", "assuming a role"),
    ("web_identity_token_file", "web identity federation"),
    ("credential_process", "an external credential process"),
    ("sso_", "IAM Identity Center (SSO)"),
];

/// Credentials from a profile of the shared config file (`AWS_CONFIG_FILE`, or
/// `~/.aws/config`) and shared credentials file (`AWS_SHARED_CREDENTIALS_FILE`,
/// or `~/.aws/credentials`), using `aws_access_key_id`, `aws_secret_access_key`
/// and `aws_session_token`. The profile is the one set with
/// [`profile_name`](Self::profile_name), else `AWS_PROFILE`, else `default`.
/// When both files define the same key for the profile, the credentials file wins.
///
/// Profiles that assume a role, use SSO, web identity or `credential_process`
/// are reported as unsupported rather than partly honoured.
///
/// The returned future reads the files with blocking I/O; they are tiny.
#[derive(Clone, Debug)]
pub struct ProfileFileCredentialsProvider {
    env: Env,
    profile_name: Option<String>,
}

impl ProfileFileCredentialsProvider {
    /// Reads the files and profile chosen by a snapshot of the process environment taken now.
    pub fn new() -> Self {
        Self::new_with_env(Env::process())
    }

    // Lets the chain and tests avoid snapshotting the process environment only to replace it.
    fn new_with_env(env: Env) -> Self {
        ProfileFileCredentialsProvider { env, profile_name: None }
    }

    /// Uses this profile instead of `AWS_PROFILE` or `default`.
    pub fn profile_name(mut self, name: impl Into<String>) -> Self {
        self.profile_name = Some(name.into());
        self
    }

    /// Takes `AWS_PROFILE`, the file locations and the home directory from
    /// `env` instead of the process environment.
    pub fn with_env(mut self, env: Env) -> Self {
        self.env = env;
        self
    }

    fn load(&self) -> Result<Credentials, CredentialsError> {
        let name = match &self.profile_name {
            Some(name) => name.as_str(),
            None => selected_profile(&self.env),
        };
        let files = ProfileSet::load(&self.env)?;
        let profile = files.profile(name).ok_or_else(|| {
            CredentialsError::not_loaded(format!("profile `{name}` not found in {}", files.describe()))
        })?;

        // Sorted, so the key an error names does not depend on hash order.
        let mut keys: Vec<&str> = profile.keys().map(String::as_str).collect();
        keys.sort_unstable();
        for (pattern, source) in UNSUPPORTED_SOURCES {
            // `sso_` stands for every `sso_*` key; the others are exact names.
            let matches = |key: &&str| {
                if pattern.ends_with('_') {
                    key.starts_with(pattern)
                } else {
                    key == pattern
                }
            };
            if let Some(key) = keys.iter().copied().find(matches) {
                return Err(CredentialsError::new(format!(
                    "profile `{name}` in {} gets credentials by {source} (it sets `{key}`), \
                     which this provider does not support; `smithy_config`'s profile provider (in its \
                     default chain) does",
                    files.describe()
                )));
            }
        }

        let missing =
            |what: &str| CredentialsError::new(format!("profile `{name}` has no {what} in {}", files.describe()));
        let access_key_id = profile.get("aws_access_key_id");
        let secret_access_key = profile.get("aws_secret_access_key");
        match (access_key_id, secret_access_key) {
            (Some(access_key_id), Some(secret_access_key)) => {
                Ok(Credentials::new(access_key_id, secret_access_key, profile.get("aws_session_token").cloned(), None))
            }
            (None, None) => Err(missing("aws_access_key_id and aws_secret_access_key")),
            (None, Some(_)) => Err(missing("aws_access_key_id")),
            (Some(_), None) => Err(missing("aws_secret_access_key")),
        }
    }
}

impl Default for ProfileFileCredentialsProvider {
    fn default() -> Self {
        Self::new()
    }
}

impl ProvideCredentials for ProfileFileCredentialsProvider {
    fn provide_credentials(&self) -> ProvideCredentialsFuture<'_> {
        Box::pin(async move { self.load() })
    }
}

/// The profile `AWS_PROFILE` selects, else `default`.
pub fn selected_profile(env: &Env) -> &str {
    env.get_non_empty("AWS_PROFILE").unwrap_or("default")
}

/// The home directory: `HOME` (or, on Windows, `USERPROFILE`) of `env`.
pub fn home_dir(env: &Env) -> Option<PathBuf> {
    env.get_non_empty("HOME")
        .or_else(|| if cfg!(windows) { env.get_non_empty("USERPROFILE") } else { None })
        .map(PathBuf::from)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum FileKind {
    Config,
    Credentials,
}

impl FileKind {
    fn label(self) -> &'static str {
        match self {
            FileKind::Config => "config file",
            FileKind::Credentials => "credentials file",
        }
    }

    fn path_var(self) -> &'static str {
        match self {
            FileKind::Config => "AWS_CONFIG_FILE",
            FileKind::Credentials => "AWS_SHARED_CREDENTIALS_FILE",
        }
    }

    fn default_name(self) -> &'static str {
        match self {
            FileKind::Config => "config",
            FileKind::Credentials => "credentials",
        }
    }
}

/// A profile's or section's properties, by key.
pub type Properties = HashMap<String, String>;

/// The sections of one file: profiles, and the config file's `[sso-session NAME]`s.
#[derive(Default)]
struct Sections {
    profiles: HashMap<String, Properties>,
    sso_sessions: HashMap<String, Properties>,
}

/// One shared file, as far as it could be found and read.
struct ProfileFile {
    kind: FileKind,
    /// `None` when there is neither an override variable nor a home directory.
    path: Option<PathBuf>,
    /// `None` when the file does not exist.
    sections: Option<Sections>,
}

impl ProfileFile {
    fn load(env: &Env, kind: FileKind) -> Result<Self, CredentialsError> {
        let path = match env.get_non_empty(kind.path_var()) {
            Some(path) => Some(expand_home(path, env)),
            None => home_dir(env).map(|home| home.join(".aws").join(kind.default_name())),
        };
        let sections = match &path {
            None => None,
            Some(path) => match std::fs::read_to_string(path) {
                Ok(text) => Some(parse_sections(&text, kind)),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
                Err(e) => {
                    return Err(CredentialsError::new(format!(
                        "could not read {} `{}`: {e}",
                        kind.label(),
                        path.display()
                    )))
                }
            },
        };
        Ok(ProfileFile { kind, path, sections })
    }

    fn profile(&self, name: &str) -> Option<&Properties> {
        self.sections.as_ref()?.profiles.get(name)
    }

    fn describe(&self) -> String {
        match (&self.path, &self.sections) {
            (None, _) => format!("{} (no path: neither {} nor HOME is set)", self.kind.label(), self.kind.path_var()),
            (Some(path), None) => format!("{} `{}` (not found)", self.kind.label(), path.display()),
            (Some(path), Some(_)) => format!("{} `{}`", self.kind.label(), path.display()),
        }
    }
}

/// The shared config file (`AWS_CONFIG_FILE`, or `~/.aws/config`) and credentials file
/// (`AWS_SHARED_CREDENTIALS_FILE`, or `~/.aws/credentials`) together, as AWS SDKs read them:
/// what the providers that follow a profile (static keys here, role assumption, SSO and
/// `credential_process` in `smithy_config`) read.
pub struct ProfileSet {
    config: ProfileFile,
    credentials: ProfileFile,
}

impl fmt::Debug for ProfileSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The properties hold secrets; where they come from is what helps.
        f.debug_struct("ProfileSet").field("files", &self.describe()).finish()
    }
}

impl ProfileSet {
    /// Reads both files where `env` says they are; a missing file reads as empty, one that
    /// cannot be read is an error. Blocking I/O: the files are tiny.
    pub fn load(env: &Env) -> Result<Self, CredentialsError> {
        Ok(ProfileSet {
            config: ProfileFile::load(env, FileKind::Config)?,
            credentials: ProfileFile::load(env, FileKind::Credentials)?,
        })
    }

    /// The config file's `[sso-session NAME]` section.
    pub fn sso_session(&self, name: &str) -> Option<&Properties> {
        self.config.sections.as_ref()?.sso_sessions.get(name)
    }

    /// The profile's properties from both files, the credentials file's
    /// winning; `None` when neither file has the profile.
    pub fn profile(&self, name: &str) -> Option<Properties> {
        let from_config = self.config.profile(name);
        let from_credentials = self.credentials.profile(name);
        if from_config.is_none() && from_credentials.is_none() {
            return None;
        }
        let mut merged = from_config.cloned().unwrap_or_default();
        merged.extend(from_credentials.into_iter().flatten().map(|(k, v)| (k.clone(), v.clone())));
        Some(merged)
    }

    /// Where the files are (or were looked for), for error messages.
    pub fn describe(&self) -> String {
        format!("{} or {}", self.config.describe(), self.credentials.describe())
    }
}

fn expand_home(path: &str, env: &Env) -> PathBuf {
    let rest = if path == "~" {
        Some("")
    } else {
        path.strip_prefix("~/").or_else(|| if cfg!(windows) { path.strip_prefix("~\\") } else { None })
    };
    match (rest, home_dir(env)) {
        (Some(rest), Some(home)) => home.join(rest),
        _ => PathBuf::from(path),
    }
}

/// Parses a shared config or credentials file into its sections' properties.
///
/// In the config file `[default]` and `[profile NAME]` are profiles and `[sso-session NAME]`
/// SSO sessions (other sections are skipped); in the credentials file every `[NAME]` is a
/// profile. Empty values are dropped, so they read as unset.
fn parse_sections(text: &str, kind: FileKind) -> Sections {
    let mut sections = Sections::default();
    // The section the following properties belong to; `None` inside skipped sections.
    let mut current: Option<Section> = None;
    // Indentation of the last property line: deeper lines continue its value
    // or are its sub-properties, neither of which any key we read uses.
    let mut property_indent: Option<usize> = None;

    for line in text.trim_start_matches('\u{feff}').lines() {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with(';') {
            continue;
        }
        let indent = line.len() - line.trim_start().len();

        if trimmed.starts_with('[') {
            property_indent = None;
            current = parse_section(trimmed, kind);
            if let Some(section) = &current {
                sections.of(section).entry(section.name().to_owned()).or_default();
            }
            continue;
        }
        if property_indent.is_some_and(|parent| indent > parent) {
            continue;
        }
        let Some((key, value)) = trimmed.split_once('=') else {
            // Not a property; skipping it keeps one bad line from hiding the rest.
            continue;
        };
        let key = key.trim();
        if key.is_empty() {
            continue;
        }
        property_indent = Some(indent);
        let Some(profile) = current.as_ref().and_then(|section| sections.of(section).get_mut(section.name())) else {
            continue;
        };
        let value = match kind {
            FileKind::Config => strip_inline_comment(value),
            // The credentials file has no inline comments: secrets may contain `#` or `;`.
            FileKind::Credentials => value,
        }
        .trim();
        if value.is_empty() {
            profile.remove(key);
        } else {
            profile.insert(key.to_owned(), value.to_owned());
        }
    }
    sections
}

/// A section header the parser keeps.
enum Section {
    Profile(String),
    SsoSession(String),
}

impl Section {
    fn name(&self) -> &str {
        match self {
            Section::Profile(name) | Section::SsoSession(name) => name,
        }
    }
}

impl Sections {
    fn of(&mut self, section: &Section) -> &mut HashMap<String, Properties> {
        match section {
            Section::Profile(_) => &mut self.profiles,
            Section::SsoSession(_) => &mut self.sso_sessions,
        }
    }
}

/// The profile or SSO session a section header line opens, or `None` for a malformed header
/// or a section that is neither.
fn parse_section(line: &str, kind: FileKind) -> Option<Section> {
    let (inside, after) = line.strip_prefix('[')?.split_once(']')?;
    let after = after.trim();
    if !(after.is_empty() || after.starts_with('#') || after.starts_with(';')) {
        return None;
    }
    let name = inside.trim();
    let prefixed = |prefix: &str| {
        let rest = name.strip_prefix(prefix)?;
        // `[profile]` and `[profilex]` are not profile sections.
        rest.starts_with([' ', '\t']).then(|| rest.trim())
    };
    let section = match kind {
        FileKind::Credentials => Section::Profile(name.to_owned()),
        FileKind::Config if name == "default" => Section::Profile(name.to_owned()),
        FileKind::Config => match (prefixed("profile"), prefixed("sso-session")) {
            (Some(profile), _) => Section::Profile(profile.to_owned()),
            (None, Some(session)) => Section::SsoSession(session.to_owned()),
            (None, None) => return None,
        },
    };
    (!section.name().is_empty()).then_some(section)
}

/// Cuts a config-file value at a `#` or `;` that follows whitespace.
fn strip_inline_comment(value: &str) -> &str {
    let mut previous_is_space = false;
    for (i, c) in value.char_indices() {
        if previous_is_space && (c == '#' || c == ';') {
            return &value[..i];
        }
        previous_is_space = c.is_whitespace();
    }
    value
}

// ---------------------------------------------------------------------------
// Default chain
// ---------------------------------------------------------------------------

/// The sources that need no network: tries environment variables, then the static keys of
/// the shared profile files, and returns the first credentials found (`smithy_config`'s
/// default chain goes on to role assumption, SSO, web identity, containers and IMDS). When none are, the error lists what each
/// source said.
///
/// The returned future reads the profile files with blocking I/O; they are tiny.
#[derive(Clone, Debug)]
pub struct LocalCredentialsChain {
    environment: EnvironmentVariableCredentialsProvider,
    profile: ProfileFileCredentialsProvider,
}

impl LocalCredentialsChain {
    /// Both sources read a snapshot of the process environment taken now.
    pub fn new() -> Self {
        Self::with_env(Env::process())
    }

    /// Both sources read `env` instead of the process environment.
    pub fn with_env(env: Env) -> Self {
        LocalCredentialsChain {
            environment: EnvironmentVariableCredentialsProvider::with_env(env.clone()),
            profile: ProfileFileCredentialsProvider::new_with_env(env),
        }
    }

    /// Uses this profile of the shared files instead of `AWS_PROFILE` or `default`.
    pub fn profile_name(mut self, name: impl Into<String>) -> Self {
        self.profile = self.profile.profile_name(name);
        self
    }
}

impl Default for LocalCredentialsChain {
    fn default() -> Self {
        Self::new()
    }
}

impl ProvideCredentials for LocalCredentialsChain {
    fn provide_credentials(&self) -> ProvideCredentialsFuture<'_> {
        Box::pin(async move {
            let environment_error = match self.environment.provide_credentials().await {
                Ok(credentials) => return Ok(credentials),
                Err(e) => e,
            };
            let profile_error = match self.profile.provide_credentials().await {
                Ok(credentials) => return Ok(credentials),
                Err(e) => e,
            };
            Err(CredentialsError::new(format!(
                "no credentials found: environment: {environment_error}; profile: {profile_error}"
            )))
        })
    }
}

// ---------------------------------------------------------------------------
// Region
// ---------------------------------------------------------------------------

/// The Region: AWS_REGION, then AWS_DEFAULT_REGION, then `region` of the selected profile in the config file (then credentials file). None when nowhere.
///
/// The profile is `AWS_PROFILE`, else `default`. Files that cannot be read are
/// treated as absent. Reads the files with blocking I/O.
pub fn default_region(env: &Env) -> Option<String> {
    if let Some(region) = env.get_non_empty("AWS_REGION").or_else(|| env.get_non_empty("AWS_DEFAULT_REGION")) {
        return Some(region.to_owned());
    }
    let profile = selected_profile(env);
    [FileKind::Config, FileKind::Credentials]
        .into_iter()
        .filter_map(|kind| ProfileFile::load(env, kind).ok())
        .find_map(|file| file.profile(profile)?.get("region").cloned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    use std::task::{Context, Poll, Wake, Waker};
    use std::time::Duration;

    /// Every provider here finishes on its first poll, so no executor is needed.
    fn block_on<F: Future>(future: F) -> F::Output {
        struct NoopWake;
        impl Wake for NoopWake {
            fn wake(self: Arc<Self>) {}
        }
        let waker = Waker::from(Arc::new(NoopWake));
        let mut future = std::pin::pin!(future);
        match future.as_mut().poll(&mut Context::from_waker(&waker)) {
            Poll::Ready(output) => output,
            Poll::Pending => panic!("provider future did not complete on first poll"),
        }
    }

    fn provide(provider: &dyn ProvideCredentials) -> Result<Credentials, CredentialsError> {
        block_on(provider.provide_credentials())
    }

    /// A fresh directory under the system temp dir, removed on drop.
    struct TempDir(PathBuf);

    impl TempDir {
        fn new() -> Self {
            static COUNTER: AtomicUsize = AtomicUsize::new(0);
            let path = std::env::temp_dir().join(format!(
                "smithy-runtime-credentials-{}-{}",
                std::process::id(),
                COUNTER.fetch_add(1, Ordering::Relaxed)
            ));
            let _ = std::fs::remove_dir_all(&path);
            std::fs::create_dir_all(&path).unwrap();
            TempDir(path)
        }

        /// Writes `~/.aws/<name>` under this directory used as HOME.
        fn write_aws(&self, name: &str, text: &str) -> PathBuf {
            let dir = self.0.join(".aws");
            std::fs::create_dir_all(&dir).unwrap();
            let path = dir.join(name);
            std::fs::write(&path, text).unwrap();
            path
        }

        fn home_env(&self, extra: &[(&str, &str)]) -> Env {
            let home = self.0.to_str().unwrap().to_owned();
            Env::from_pairs(
                std::iter::once(("HOME".to_owned(), home))
                    .chain(extra.iter().map(|(k, v)| (k.to_string(), v.to_string()))),
            )
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn profile_provider(env: Env) -> ProfileFileCredentialsProvider {
        ProfileFileCredentialsProvider::new_with_env(env)
    }

    fn keys(credentials: &Credentials) -> (&str, &str, Option<&str>) {
        (credentials.access_key_id(), credentials.secret_access_key(), credentials.session_token())
    }

    #[test]
    fn static_credentials_provide_themselves() {
        let expiry = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let credentials = Credentials::new("AKID", "SECRET", Some("TOKEN".into()), Some(expiry));
        assert_eq!(keys(&credentials), ("AKID", "SECRET", Some("TOKEN")));
        assert_eq!(credentials.expires_after(), Some(expiry));
        assert_eq!(provide(&credentials).unwrap(), credentials);
    }

    #[test]
    fn debug_redacts_secret_and_token() {
        let credentials = Credentials::new("AKIDVISIBLE", "very-secret-key", Some("session-tok".into()), None);
        let debug = format!("{credentials:?}");
        assert!(debug.contains("AKIDVISIBLE"), "{debug}");
        assert!(debug.contains(crate::error::REDACTED), "{debug}");
        assert!(!debug.contains("very-secret-key"), "{debug}");
        assert!(!debug.contains("session-tok"), "{debug}");
    }

    #[test]
    fn env_debug_omits_values() {
        let env = Env::from_pairs([("AWS_SECRET_ACCESS_KEY", "very-secret-key")]);
        let debug = format!("{env:?}");
        assert!(debug.contains("AWS_SECRET_ACCESS_KEY"), "{debug}");
        assert!(!debug.contains("very-secret-key"), "{debug}");
    }

    #[test]
    fn env_from_pairs_later_wins() {
        let env = Env::from_pairs([("A", "1"), ("A", "2"), ("B", "")]);
        assert_eq!(env.get("A"), Some("2"));
        assert_eq!(env.get("B"), Some(""));
        assert_eq!(env.get("C"), None);
    }

    #[test]
    fn env_provider_reads_keys() {
        let env = Env::from_pairs([("AWS_ACCESS_KEY_ID", "AKID"), ("AWS_SECRET_ACCESS_KEY", "SECRET")]);
        let credentials = provide(&EnvironmentVariableCredentialsProvider::with_env(env)).unwrap();
        assert_eq!(keys(&credentials), ("AKID", "SECRET", None));
        assert_eq!(credentials.expires_after(), None);
    }

    #[test]
    fn env_provider_reads_session_token() {
        let env = Env::from_pairs([
            ("AWS_ACCESS_KEY_ID", "AKID"),
            ("AWS_SECRET_ACCESS_KEY", "SECRET"),
            ("AWS_SESSION_TOKEN", "TOKEN"),
        ]);
        let credentials = provide(&EnvironmentVariableCredentialsProvider::with_env(env)).unwrap();
        assert_eq!(keys(&credentials), ("AKID", "SECRET", Some("TOKEN")));
    }

    #[test]
    fn env_provider_names_missing_variable() {
        let env = Env::from_pairs([("AWS_ACCESS_KEY_ID", "AKID")]);
        let error = provide(&EnvironmentVariableCredentialsProvider::with_env(env)).unwrap_err();
        assert_eq!(error.to_string(), "environment variable AWS_SECRET_ACCESS_KEY is not set");

        let env = Env::from_pairs([("AWS_SECRET_ACCESS_KEY", "SECRET")]);
        let error = provide(&EnvironmentVariableCredentialsProvider::with_env(env)).unwrap_err();
        assert_eq!(error.to_string(), "environment variable AWS_ACCESS_KEY_ID is not set");

        let error = provide(&EnvironmentVariableCredentialsProvider::with_env(Env::default())).unwrap_err();
        assert!(error.message().contains("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"), "{error}");
    }

    #[test]
    fn env_provider_treats_empty_as_unset() {
        let env = Env::from_pairs([
            ("AWS_ACCESS_KEY_ID", ""),
            ("AWS_SECRET_ACCESS_KEY", "SECRET"),
            ("AWS_SESSION_TOKEN", ""),
        ]);
        let error = provide(&EnvironmentVariableCredentialsProvider::with_env(env)).unwrap_err();
        assert_eq!(error.to_string(), "environment variable AWS_ACCESS_KEY_ID is not set");

        let env = Env::from_pairs([
            ("AWS_ACCESS_KEY_ID", "AKID"),
            ("AWS_SECRET_ACCESS_KEY", "SECRET"),
            ("AWS_SESSION_TOKEN", ""),
        ]);
        let credentials = provide(&EnvironmentVariableCredentialsProvider::with_env(env)).unwrap();
        assert_eq!(credentials.session_token(), None);
    }

    #[test]
    fn profile_default_from_each_file() {
        let dir = TempDir::new();
        dir.write_aws("config", "[default]\naws_access_key_id = CONFIG_ID\naws_secret_access_key = CONFIG_SECRET\n");
        let credentials = provide(&profile_provider(dir.home_env(&[]))).unwrap();
        assert_eq!(keys(&credentials), ("CONFIG_ID", "CONFIG_SECRET", None));

        let dir = TempDir::new();
        dir.write_aws(
            "credentials",
            "[default]\naws_access_key_id=CRED_ID\naws_secret_access_key=CRED_SECRET\naws_session_token=CRED_TOKEN\n",
        );
        let credentials = provide(&profile_provider(dir.home_env(&[]))).unwrap();
        assert_eq!(keys(&credentials), ("CRED_ID", "CRED_SECRET", Some("CRED_TOKEN")));
    }

    #[test]
    fn profile_keys_are_merged_across_files_credentials_winning() {
        let dir = TempDir::new();
        dir.write_aws(
            "config",
            "[default]\naws_access_key_id = CONFIG_ID\naws_secret_access_key = CONFIG_SECRET\naws_session_token = CONFIG_TOKEN\n",
        );
        dir.write_aws("credentials", "[default]\naws_access_key_id = CRED_ID\naws_secret_access_key = CRED_SECRET\n");
        let credentials = provide(&profile_provider(dir.home_env(&[]))).unwrap();
        assert_eq!(keys(&credentials), ("CRED_ID", "CRED_SECRET", Some("CONFIG_TOKEN")));
    }

    #[test]
    fn profile_named_by_aws_profile_and_by_builder() {
        let dir = TempDir::new();
        dir.write_aws(
            "credentials",
            "[default]\naws_access_key_id = D\naws_secret_access_key = DS\n\
             [work]\naws_access_key_id = W\naws_secret_access_key = WS\n\
             [other]\naws_access_key_id = O\naws_secret_access_key = OS\n",
        );
        let env = dir.home_env(&[("AWS_PROFILE", "work")]);
        assert_eq!(provide(&profile_provider(env.clone())).unwrap().access_key_id(), "W");
        let named = profile_provider(env).profile_name("other");
        assert_eq!(provide(&named).unwrap().access_key_id(), "O");
        let empty = dir.home_env(&[("AWS_PROFILE", "")]);
        assert_eq!(provide(&profile_provider(empty)).unwrap().access_key_id(), "D");
    }

    #[test]
    fn config_file_profile_prefix() {
        let dir = TempDir::new();
        dir.write_aws(
            "config",
            "[profile   dev  ]\naws_access_key_id = DEV\naws_secret_access_key = DEVS\n\
             [dev2]\naws_access_key_id = WRONG\naws_secret_access_key = WRONG\n\
             [profile default]\naws_access_key_id = DEF\naws_secret_access_key = DEFS\n\
             [sso-session corp]\naws_access_key_id = WRONG\n",
        );
        let provider = |name: &str| profile_provider(dir.home_env(&[])).profile_name(name);
        assert_eq!(provide(&provider("dev")).unwrap().access_key_id(), "DEV");
        assert_eq!(provide(&provider("default")).unwrap().access_key_id(), "DEF");
        // Config-file sections without `profile ` are not profiles.
        assert!(provide(&provider("dev2")).is_err());
        assert!(provide(&provider("sso-session corp")).is_err());
        assert!(provide(&provider("corp")).is_err());
    }

    #[test]
    fn config_file_sso_sessions() {
        let text =
            "[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\n[profile dev]\nsso_session = corp\n";
        let parsed = parse_sections(text, FileKind::Config);
        assert_eq!(parsed.sso_sessions["corp"]["sso_start_url"], "https://corp.awsapps.com/start");
        assert_eq!(parsed.profiles["dev"]["sso_session"], "corp");
        assert!(!parsed.profiles.contains_key("corp"));
        // The credentials file has no SSO sessions: every section there is a profile.
        let parsed = parse_sections("[sso-session corp]\na = 1\n", FileKind::Credentials);
        assert!(parsed.sso_sessions.is_empty());
        assert_eq!(parsed.profiles["sso-session corp"]["a"], "1");
    }

    #[test]
    fn credentials_file_section_is_the_name() {
        let parsed = parse_sections("[profile x]\na = 1\n[x]\na = 2\n", FileKind::Credentials).profiles;
        assert_eq!(parsed["profile x"]["a"], "1");
        assert_eq!(parsed["x"]["a"], "2");
    }

    #[test]
    fn parser_handles_comments_blank_lines_and_continuations() {
        let text = "\u{feff}# leading comment\n\
                    ; another\n\
                    orphan = ignored\n\
                    \n\
                    [default]   # trailing comment\r\n\
                    region = us-west-2 # inline comment\n\
                    \x20\x20# indented comment\n\
                    s3 =\n\
                    \x20\x20max_concurrent_requests = 20\n\
                    \x20\x20aws_access_key_id = NESTED\n\
                    aws_access_key_id = AKID\n\
                    aws_access_key_id = LATER\n\
                    path = a#b\n\
                    empty =\n\
                    no equals sign\n\
                    [profile indented]\n\
                    \x20\x20aws_access_key_id = I\n\
                    \x20\x20aws_secret_access_key = IS\n";
        let parsed = parse_sections(text, FileKind::Config).profiles;
        let default = &parsed["default"];
        assert_eq!(default.get("region").map(String::as_str), Some("us-west-2"));
        assert_eq!(default.get("aws_access_key_id").map(String::as_str), Some("LATER"));
        assert_eq!(default.get("path").map(String::as_str), Some("a#b"));
        assert!(!default.contains_key("max_concurrent_requests"));
        assert!(!default.contains_key("s3"));
        assert!(!default.contains_key("empty"));
        assert!(!default.contains_key("orphan"));
        let indented = &parsed["indented"];
        assert_eq!(indented.get("aws_secret_access_key").map(String::as_str), Some("IS"));

        let parsed = parse_sections("[x]\naws_secret_access_key = ab ;cd #ef\n", FileKind::Credentials).profiles;
        assert_eq!(parsed["x"]["aws_secret_access_key"], "ab ;cd #ef");
    }

    #[test]
    fn missing_profile_error_names_profile_and_files() {
        let dir = TempDir::new();
        let credentials_path =
            dir.write_aws("credentials", "[default]\naws_access_key_id = A\naws_secret_access_key = S\n");
        let error = provide(&profile_provider(dir.home_env(&[("AWS_PROFILE", "nope")]))).unwrap_err();
        let message = error.to_string();
        assert!(message.contains("profile `nope` not found"), "{message}");
        assert!(message.contains(&credentials_path.display().to_string()), "{message}");
        let config_path = dir.0.join(".aws").join("config");
        assert!(message.contains(&format!("config file `{}` (not found)", config_path.display())), "{message}");
    }

    #[test]
    fn missing_key_error_names_key() {
        let dir = TempDir::new();
        dir.write_aws("credentials", "[default]\naws_access_key_id = A\n");
        let error = provide(&profile_provider(dir.home_env(&[]))).unwrap_err();
        assert!(error.message().contains("profile `default` has no aws_secret_access_key"), "{error}");
    }

    #[test]
    fn unsupported_sources_are_reported() {
        let dir = TempDir::new();
        dir.write_aws(
            "config",
            "[profile role]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = default\n\
             [profile sso]\nsso_session = corp\nsso_account_id = 1\n\
             [profile process]\ncredential_process = /bin/creds\n\
             [profile web]\nweb_identity_token_file = /tok\n",
        );
        // Static keys for the same profile must not be used in place of the role.
        dir.write_aws("credentials", "[role]\naws_access_key_id = WRONG\naws_secret_access_key = WRONG\n");
        let error =
            |name: &str| provide(&profile_provider(dir.home_env(&[])).profile_name(name)).unwrap_err().to_string();
        let role = error("role");
        assert!(role.contains("profile `role`") && role.contains("assuming a role"), "{role}");
        assert!(role.contains("does not support"), "{role}");
        assert!(error("sso").contains("SSO"));
        assert!(error("process").contains("credential process"));
        assert!(error("web").contains("web identity"));
    }

    #[test]
    fn missing_files_and_home() {
        let dir = TempDir::new();
        let error = provide(&profile_provider(dir.home_env(&[]))).unwrap_err().to_string();
        assert!(error.contains("profile `default` not found"), "{error}");
        assert!(error.contains("(not found)"), "{error}");

        let error = provide(&profile_provider(Env::default())).unwrap_err().to_string();
        assert!(error.contains("neither AWS_CONFIG_FILE nor HOME is set"), "{error}");
    }

    #[test]
    fn file_locations_from_env() {
        let dir = TempDir::new();
        let config = dir.0.join("my-config");
        std::fs::write(&config, "[profile p]\naws_access_key_id = C\naws_secret_access_key = CS\n").unwrap();
        let credentials = dir.0.join("sub").join("my-creds");
        std::fs::create_dir_all(credentials.parent().unwrap()).unwrap();
        std::fs::write(&credentials, "[q]\naws_access_key_id = Q\naws_secret_access_key = QS\n").unwrap();
        let env = Env::from_pairs([
            ("HOME", dir.0.to_str().unwrap()),
            ("AWS_CONFIG_FILE", config.to_str().unwrap()),
            ("AWS_SHARED_CREDENTIALS_FILE", "~/sub/my-creds"),
        ]);
        let p = profile_provider(env.clone()).profile_name("p");
        assert_eq!(provide(&p).unwrap().access_key_id(), "C");
        let q = profile_provider(env).profile_name("q");
        assert_eq!(provide(&q).unwrap().access_key_id(), "Q");
    }

    #[test]
    fn unreadable_file_is_an_error() {
        let dir = TempDir::new();
        // A directory where the file should be: it exists but cannot be read as text.
        std::fs::create_dir_all(dir.0.join(".aws").join("config")).unwrap();
        let error = provide(&profile_provider(dir.home_env(&[]))).unwrap_err().to_string();
        assert!(error.starts_with("could not read config file"), "{error}");
    }

    #[test]
    fn chain_prefers_environment() {
        let dir = TempDir::new();
        dir.write_aws("credentials", "[default]\naws_access_key_id = FILE\naws_secret_access_key = FS\n");
        let with_env_keys = dir.home_env(&[("AWS_ACCESS_KEY_ID", "ENV"), ("AWS_SECRET_ACCESS_KEY", "ES")]);
        let credentials = provide(&LocalCredentialsChain::with_env(with_env_keys)).unwrap();
        assert_eq!(keys(&credentials), ("ENV", "ES", None));

        let credentials = provide(&LocalCredentialsChain::with_env(dir.home_env(&[]))).unwrap();
        assert_eq!(keys(&credentials), ("FILE", "FS", None));
    }

    #[test]
    fn chain_profile_name() {
        let dir = TempDir::new();
        dir.write_aws("credentials", "[x]\naws_access_key_id = X\naws_secret_access_key = XS\n");
        let chain = LocalCredentialsChain::with_env(dir.home_env(&[])).profile_name("x");
        assert_eq!(provide(&chain).unwrap().access_key_id(), "X");
    }

    #[test]
    fn chain_error_lists_every_source() {
        let dir = TempDir::new();
        let env = dir.home_env(&[("AWS_ACCESS_KEY_ID", "ONLY_ID")]);
        let error = provide(&LocalCredentialsChain::with_env(env)).unwrap_err().to_string();
        assert!(error.starts_with("no credentials found"), "{error}");
        assert!(error.contains("AWS_SECRET_ACCESS_KEY is not set"), "{error}");
        assert!(error.contains("profile `default` not found"), "{error}");
    }

    #[test]
    fn region_precedence() {
        let dir = TempDir::new();
        dir.write_aws("config", "[default]\nregion = config-default\n[profile p]\nregion = config-p\n");
        dir.write_aws("credentials", "[default]\nregion = creds-default\n[q]\nregion = creds-q\n");
        let region = |extra: &[(&str, &str)]| default_region(&dir.home_env(extra));

        assert_eq!(region(&[("AWS_REGION", "a"), ("AWS_DEFAULT_REGION", "b")]).as_deref(), Some("a"));
        assert_eq!(region(&[("AWS_REGION", ""), ("AWS_DEFAULT_REGION", "b")]).as_deref(), Some("b"));
        assert_eq!(region(&[]).as_deref(), Some("config-default"));
        assert_eq!(region(&[("AWS_PROFILE", "p")]).as_deref(), Some("config-p"));
        assert_eq!(region(&[("AWS_PROFILE", "q")]).as_deref(), Some("creds-q"));
        assert_eq!(region(&[("AWS_PROFILE", "none")]), None);
        assert_eq!(default_region(&Env::default()), None);
    }
}
