//! The runtime crates generated crates depend on, as this repository's `runtime/` holds them:
//! `smithy-runtime` (every crate), `smithy-config` (the default HTTPS transport and the
//! configuration loader, for the programs that send requests) and the STS, SSO and SSO OIDC
//! clients the loader's credential providers call (`smithy-sts`, `smithy-sso`,
//! `smithy-ssooidc`, generated from the AWS models). `build.rs` embeds them all in the
//! generator so that it can write one copy beside the crates it generates (the output folder
//! stays self-contained and vendorable): the hand-written crates' sources without their unit
//! tests and their manifests without dev-dependencies, the generated ones whole, all with the
//! generator's version.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::render::{Files, HEADER};

/// The runtime crate's package name, and the name of its directory beside generated crates.
pub const RUNTIME_CRATE: &str = "smithy-runtime";
/// The transport crate's package name, and the name of its directory.
pub const CONFIG_CRATE: &str = "smithy-config";

/// The version the copies carry: the generator's, whose runtime they are.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// A runtime crate's sources: its manifest and its `src/` files.
struct Source {
    name: &'static str,
    manifest: &'static str,
    files: &'static [(&'static str, &'static str)],
}

/// Every crate of `runtime/`, by directory name, as `build.rs` finds them.
const SOURCES: &[Source] = include!(concat!(env!("OUT_DIR"), "/runtime_sources.rs"));

/// This repository's rustfmt settings, which the runtime's sources are formatted with.
const RUSTFMT: &str = include_str!("../../rustfmt.toml");

/// Where a generated crate finds `smithy-runtime`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Runtime {
    /// In a copy written beside the crate (`../smithy-runtime`, with `../smithy-config`), which
    /// every crate generated into the same folder shares.
    #[default]
    Vendored,
    /// In the runtime crate at this path, relative to the generated crate's directory (this
    /// workspace's fixtures use its own `runtime/smithy-runtime`); nothing is copied.
    At(PathBuf),
}

impl Runtime {
    /// The `path` the generated `Cargo.toml` gives `smithy-runtime`.
    pub fn manifest_path(&self) -> Result<String> {
        match self {
            Runtime::Vendored => Ok(format!("../{RUNTIME_CRATE}")),
            Runtime::At(path) => path
                .to_str()
                .map(|p| p.replace('\\', "/"))
                .ok_or_else(|| Error::other(format!("the runtime path {} is not UTF-8", path.display()))),
        }
    }
}

/// Each runtime crate, by name (its directory beside the generated crates), with its files by
/// path relative to that directory (`Cargo.toml`, `src/lib.rs`, ...).
pub fn crates() -> Result<Vec<(&'static str, Files)>> {
    SOURCES
        .iter()
        .map(|source| {
            let mut files = Files::new();
            files.insert("Cargo.toml".into(), manifest(source)?);
            if source.is_generated() {
                // A service client the runtime uses (STS, SSO): already generated, tests and all.
                for (path, text) in source.files {
                    files.insert(Path::new("src").join(path), (*text).to_owned());
                }
                return Ok((source.name, files));
            }
            // The runtime's own formatting settings, so a `cargo fmt` where the copy is vendored
            // leaves it as written (and `--check` keeps passing).
            files.insert("rustfmt.toml".into(), format!("# {HEADER}\n{RUSTFMT}"));
            for (path, text) in source.files {
                files.insert(Path::new("src").join(path), format!("// {HEADER}\n{}", without_tests(text)));
            }
            Ok((source.name, files))
        })
        .collect()
}

/// The names of the runtime crates, which are also their directories beside generated crates.
pub fn crate_names() -> impl Iterator<Item = &'static str> {
    SOURCES.iter().map(|source| source.name)
}

impl Source {
    /// Whether the generator wrote this crate (`cargo xtask codegen`, from an AWS model).
    fn is_generated(&self) -> bool {
        self.manifest.starts_with(&format!("# {HEADER}"))
    }
}

/// A runtime manifest as its copy has it: the generator's version, no dev-dependencies (the
/// unit tests stay here).
fn manifest(source: &Source) -> Result<String> {
    let bad = |what: &str| Error::other(format!("generator bug: runtime/{}/Cargo.toml {what}", source.name));
    let mut doc: toml_edit::DocumentMut = source.manifest.parse().map_err(|_| bad("is not TOML"))?;
    if !source.is_generated() {
        // The unit tests stay here; a generated crate's tests go with it.
        doc.remove("dev-dependencies");
    }
    let package = doc.get_mut("package").and_then(|p| p.as_table_mut()).ok_or_else(|| bad("has no [package]"))?;
    // The source's comment on its own version is about the source.
    package.insert("version", toml_edit::value(VERSION));
    if let Some(mut key) = package.key_mut("version") {
        key.leaf_decor_mut().clear();
    }
    if source.manifest.contains("workspace = true") || source.manifest.contains(".workspace") {
        return Err(bad("inherits from the workspace, which its copy cannot"));
    }
    Ok(if source.is_generated() { doc.to_string() } else { format!("# {HEADER}\n{doc}") })
}

/// A runtime module without its unit tests, which run once in `runtime/` rather than in every
/// copy. By convention the test modules end each file, after an optional banner comment.
fn without_tests(source: &str) -> String {
    let Some(end) = source.find("\n#[cfg(test)]\nmod ") else { return source.to_owned() };
    let mut lines: Vec<&str> = source[..end].lines().collect();
    while lines.last().is_some_and(|l| l.trim().is_empty() || (l.starts_with("//") && !l.starts_with("//!"))) {
        lines.pop();
    }
    lines.join("\n") + "\n"
}
