//! Credentials from an external command, a profile's `credential_process`: run through the
//! shell, its standard output parsed as the JSON AWS documents (`Version` 1, `AccessKeyId`,
//! `SecretAccessKey`, optional `SessionToken` and `Expiration`).

use std::fmt;
use std::process::{Command, Stdio};

use smithy_runtime::credentials::{Credentials, CredentialsError, ProvideCredentials, ProvideCredentialsFuture};

use super::json::Object;

/// How much of a failed command's standard error an error quotes.
const STDERR_QUOTED: usize = 512;

/// Runs `command` (through `sh -c`, or `cmd.exe /C` on Windows) for the profile `profile` and
/// reads the credentials it prints. A command that cannot start, exits non-zero or prints
/// anything but that JSON is an error naming the profile; the command line and its output
/// are never shown in `Debug` (the line may hold secrets, the output does).
#[derive(Clone)]
pub struct CredentialProcessProvider {
    command: String,
    profile: String,
}

impl fmt::Debug for CredentialProcessProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CredentialProcessProvider").field("profile", &self.profile).finish_non_exhaustive()
    }
}

impl CredentialProcessProvider {
    /// The provider for profile `profile`'s `credential_process = command`.
    pub fn new(command: impl Into<String>, profile: impl Into<String>) -> Self {
        CredentialProcessProvider { command: command.into(), profile: profile.into() }
    }

    fn run(command: &str) -> std::io::Result<std::process::Output> {
        let mut shell = if cfg!(windows) {
            let mut shell = Command::new("cmd.exe");
            shell.arg("/C");
            shell
        } else {
            let mut shell = Command::new("sh");
            shell.arg("-c");
            shell
        };
        shell.arg(command).stdin(Stdio::null()).output()
    }

    async fn load(&self) -> Result<Credentials, CredentialsError> {
        let profile = &self.profile;
        let command = self.command.clone();
        // The command blocks; the runtime's blocking pool keeps the async threads free.
        let output = tokio::task::spawn_blocking(move || Self::run(&command))
            .await
            .map_err(|e| CredentialsError::new(format!("profile `{profile}`: credential_process did not finish: {e}")))?
            .map_err(|e| {
                CredentialsError::new(format!("profile `{profile}`: credential_process could not run: {e}"))
            })?;
        if !output.status.success() {
            let stderr = String::from_utf8_lossy(&output.stderr);
            let mut quoted: String = stderr.trim().chars().take(STDERR_QUOTED).collect();
            if quoted.len() < stderr.trim().len() {
                quoted.push_str("...");
            }
            return Err(CredentialsError::new(format!(
                "profile `{profile}`: credential_process exited with {}: {quoted}",
                output.status
            )));
        }
        let what = format!("profile `{profile}`: credential_process output");
        parse(&output.stdout, &what)
    }
}

/// The credentials a `credential_process` printed.
fn parse(stdout: &[u8], what: &str) -> Result<Credentials, CredentialsError> {
    let object = Object::parse(stdout, what)?;
    match object.integer("Version")? {
        Some(1) => {}
        Some(other) => return Err(CredentialsError::new(format!("{what} has `Version` {other}; only 1 is supported"))),
        None => return Err(CredentialsError::new(format!("{what} has no `Version`"))),
    }
    Ok(Credentials::new(
        object.required("AccessKeyId")?,
        object.required("SecretAccessKey")?,
        object.string("SessionToken")?.map(str::to_owned),
        object.timestamp("Expiration")?,
    ))
}

impl ProvideCredentials for CredentialProcessProvider {
    fn provide_credentials(&self) -> ProvideCredentialsFuture<'_> {
        Box::pin(self.load())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, SystemTime};

    #[test]
    fn reads_the_documented_json() {
        let out = br#"{"Version": 1, "AccessKeyId": "AKID", "SecretAccessKey": "S", "SessionToken": "T", "Expiration": "2026-12-01T10:00:00Z"}"#;
        let credentials = parse(out, "p").unwrap();
        assert_eq!((credentials.access_key_id(), credentials.session_token()), ("AKID", Some("T")));
        let expiry = SystemTime::UNIX_EPOCH + Duration::from_secs(1_796_119_200);
        assert_eq!(credentials.expires_after(), Some(expiry));
        let long_lived = parse(br#"{"Version":1,"AccessKeyId":"A","SecretAccessKey":"S"}"#, "p").unwrap();
        assert_eq!((long_lived.session_token(), long_lived.expires_after()), (None, None));
    }

    #[test]
    fn bad_output_is_an_error() {
        let error = |out: &[u8]| parse(out, "profile `p`: credential_process output").unwrap_err().to_string();
        assert!(error(b"not json").contains("profile `p`"), "{}", error(b"not json"));
        assert!(error(br#"{"Version":2,"AccessKeyId":"A","SecretAccessKey":"S"}"#).contains("only 1"));
        assert!(error(br#"{"AccessKeyId":"A","SecretAccessKey":"S"}"#).contains("no `Version`"));
        assert!(error(br#"{"Version":1,"SecretAccessKey":"S"}"#).contains("AccessKeyId"));
        assert!(error(br#"{"Version":1,"AccessKeyId":"A","SecretAccessKey":"S","Expiration":"soon"}"#)
            .contains("Expiration"));
        assert!(error(b"[1]").contains("not a JSON object"));
        // A parse error names where, never what: the text holds the secret key.
        let leaked = error(br#"{"Version":1,"SecretAccessKey":"leak-me" oops}"#);
        assert!(leaked.contains("at byte") && !leaked.contains("leak-me"), "{leaked}");
    }
}
