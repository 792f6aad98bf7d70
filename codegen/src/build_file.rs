//! `smithy-build.json`, the file Smithy users already write to say what to build: model
//! `sources` and `imports`, and `projections`, each of which can carry a `rust-client-codegen`
//! plugin entry. The entry takes smithy-rs's setting names where they exist (`service`,
//! `module`, `moduleVersion`, `moduleDescription`, `license`, `minimumSupportedRustVersion`)
//! and ours (`operations`, `output`, `protocol`, `typesOnly`, `roundtripTests`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::{Error, Result};
use crate::{Manifest, Options};

/// The plugin name this generator answers to in `plugins`.
pub const PLUGIN: &str = "rust-client-codegen";

/// One crate to generate: the projection it comes from, what to generate and where.
#[derive(Clone, Debug)]
pub struct Projection {
    pub name: String,
    pub options: Options,
    pub out: PathBuf,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct BuildFile {
    version: String,
    #[serde(default)]
    sources: Vec<PathBuf>,
    #[serde(default)]
    imports: Vec<PathBuf>,
    /// Where Smithy writes projections (`build/smithy` by default).
    output_directory: Option<PathBuf>,
    #[serde(default)]
    projections: BTreeMap<String, ProjectionEntry>,
    /// Plugins of the implicit `source` projection.
    #[serde(default)]
    plugins: BTreeMap<String, serde_json::Value>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ProjectionEntry {
    #[serde(default)]
    imports: Vec<PathBuf>,
    #[serde(default)]
    plugins: BTreeMap<String, serde_json::Value>,
    /// Smithy's own projection settings (`transforms`, `abstract`) are not ours to apply.
    #[serde(default)]
    transforms: Vec<serde_json::Value>,
    #[serde(default, rename = "abstract")]
    is_abstract: bool,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct PluginSettings {
    service: Option<String>,
    module: Option<String>,
    module_version: Option<String>,
    module_description: Option<String>,
    license: Option<String>,
    minimum_supported_rust_version: Option<String>,
    operations: Option<Vec<String>>,
    output: Option<PathBuf>,
    protocol: Option<String>,
    #[serde(default)]
    types_only: bool,
    #[serde(default)]
    roundtrip_tests: bool,
}

/// The crates `path` (a `smithy-build.json`) asks this generator for, with every path made
/// relative to the file's directory.
pub fn load(path: &Path) -> Result<Vec<Projection>> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::file(path, format!("cannot read it: {e}")))?;
    let file: BuildFile =
        serde_json::from_str(&text).map_err(|e| Error::file(path, format!("not a valid smithy-build.json: {e}")))?;
    if !matches!(file.version.as_str(), "1.0" | "2.0") {
        return Err(Error::file(path, format!("version `{}` is not one Smithy knows (1.0 or 2.0)", file.version)));
    }
    let dir = path.parent().unwrap_or(Path::new("."));
    let output_directory = dir.join(file.output_directory.as_deref().unwrap_or(Path::new("build/smithy")));
    let mut wanted: Vec<(String, Vec<PathBuf>, &serde_json::Value)> = Vec::new();
    if let Some(settings) = file.plugins.get(PLUGIN) {
        wanted.push(("source".to_owned(), Vec::new(), settings));
    }
    for (name, projection) in &file.projections {
        if projection.is_abstract {
            continue;
        }
        if !projection.transforms.is_empty() {
            return Err(Error::file(path, format!("projection `{name}`: transforms are not supported")));
        }
        if let Some(settings) = projection.plugins.get(PLUGIN) {
            wanted.push((name.clone(), projection.imports.clone(), settings));
        }
    }
    let mut projections = Vec::with_capacity(wanted.len());
    for (name, extra_imports, settings) in wanted {
        let bad = |what: String| Error::file(path, format!("projection `{name}`, plugin `{PLUGIN}`: {what}"));
        let settings = PluginSettings::deserialize(settings).map_err(|e| bad(e.to_string()))?;
        let roots: Vec<PathBuf> =
            file.sources.iter().chain(&file.imports).chain(&extra_imports).map(|p| dir.join(p)).collect();
        if roots.is_empty() {
            return Err(bad("no `sources` or `imports` to read the model from".into()));
        }
        let models = crate::model::files(&roots)?;
        let out = match &settings.output {
            Some(out) => dir.join(out),
            None => output_directory.join(&name).join(PLUGIN),
        };
        projections.push(Projection {
            options: Options {
                models,
                service: settings.service,
                operations: settings.operations,
                package: settings.module,
                protocol: settings.protocol,
                types_only: settings.types_only,
                roundtrip_tests: settings.roundtrip_tests,
                manifest: Manifest {
                    version: settings.module_version,
                    description: settings.module_description,
                    license: settings.license,
                    rust_version: settings.minimum_supported_rust_version,
                },
                // A copy beside the crate, which the crates of one `output` folder share.
                runtime: crate::Runtime::Vendored,
            },
            name,
            out,
        });
    }
    if projections.is_empty() {
        return Err(Error::file(path, format!("no projection has a `{PLUGIN}` plugin entry")));
    }
    Ok(projections)
}
