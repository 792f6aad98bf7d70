//! Generates a Rust client crate from a Smithy model.
//!
//! Data flow: JSON AST files are loaded into the typed [`model::Model`]; [`transform::select`]
//! picks a service's operations and the closure of shapes they need; [`ir::build`] decides every
//! Rust name and type; [`render::render`] turns that into formatted files.

pub mod build_file;
pub mod docs;
pub mod error;
pub mod ir;
pub mod model;
pub mod naming;
pub mod partitions;
pub mod render;
pub mod runtime;
pub mod transform;
pub mod workspace;
mod write;

use std::path::{Path, PathBuf};

pub use error::{Error, Result};
pub use render::Files;
pub use runtime::Runtime;
pub use write::{stale_files, write_atomically};

/// What to generate.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// JSON AST model files, merged.
    pub models: Vec<PathBuf>,
    /// The service shape (id or name); optional when the model has one service.
    pub service: Option<String>,
    /// Operation names to generate; all of the service's when `None`.
    pub operations: Option<Vec<String>>,
    /// Cargo package name; derived from the service's sdkId when `None`.
    pub package: Option<String>,
    /// The protocol to speak, when the service declares several (by name, `awsJson1_0`, or
    /// trait id); the one AWS SDKs prefer otherwise.
    pub protocol: Option<String>,
    /// Generate only the types (no wire code, no client): for services that declare no
    /// protocol.
    pub types_only: bool,
    /// Also generate property tests: JSON round trips of every structure and union, and random
    /// responses for every operation's deserializer.
    pub roundtrip_tests: bool,
    /// The generated crate's `Cargo.toml` settings.
    pub manifest: Manifest,
    /// Where the crate finds the runtime: a copy beside it (the default) or a given path.
    pub runtime: Runtime,
}

/// Settings of the generated crate's `Cargo.toml` (smithy-build.json's `moduleVersion`,
/// `moduleDescription`, `license`, `minimumSupportedRustVersion`); unset ones get defaults.
#[derive(Clone, Debug, Default)]
pub struct Manifest {
    /// The crate's version (default `0.1.0`).
    pub version: Option<String>,
    /// Its description (default: "Client types for {service title}, generated from its Smithy model.").
    pub description: Option<String>,
    /// Its SPDX license expression (default: none).
    pub license: Option<String>,
    /// Its `rust-version`: at least, and by default, what the generated code needs (1.80).
    pub rust_version: Option<String>,
}

/// A generated crate: its files, and what the generator left out with a warning.
#[derive(Clone, Debug)]
pub struct Generated {
    pub files: Files,
    /// Things the model asks for that the generator could not honour (a `@paginated` it
    /// cannot follow, say), each naming its shape. The crate is complete without them.
    pub warnings: Vec<Error>,
}

/// Whether the service of `options` has a protocol to speak (`options.protocol`, else the one
/// AWS SDKs prefer among those it declares); a service without one is generated with
/// [`Options::types_only`].
pub fn speaks_protocol(options: &Options) -> Result<bool> {
    let model = model::load_files(&options.models)?;
    let selection = transform::select(&model, options.service.as_deref(), Some(&[]))?;
    let declared = &model.shapes[&selection.service].traits.protocols;
    let chosen = match &options.protocol {
        Some(name) => model::Protocol::from_name(name),
        None => model::Protocol::preferred(declared),
    };
    Ok(chosen.is_some())
}

/// What [`sync`] did to one crate.
#[derive(Clone, Debug)]
pub struct Synced {
    /// How many files the crate has.
    pub files: usize,
    /// With `check`: the files (relative to the crate) that differ from what would be written.
    pub stale: Vec<PathBuf>,
    pub warnings: Vec<Error>,
}

/// Generates the crate `options` describe into `out` (written beside it and swapped in, never
/// half written), or with `check` only lists the files in `out` that differ: the loop of an
/// xtask's `codegen` and `codegen --check`. A crate with [`Runtime::Vendored`] also needs
/// [`sync_runtime`] on its folder ([`runtime_folders`] lists them).
pub fn sync(options: &Options, out: &Path, check: bool) -> Result<Synced> {
    let generated = generate_crate(options)?;
    sync_files(&generated.files, out, check, generated.warnings)
}

/// Writes (or with `check` compares) the copy of the runtime crates in `folder`
/// (`folder/smithy-runtime`, `folder/smithy-config`), which the crates generated into it share.
pub fn sync_runtime(folder: &Path, check: bool) -> Result<Synced> {
    let mut synced = Synced { files: 0, stale: Vec::new(), warnings: Vec::new() };
    for (krate, files) in runtime::crates()? {
        let one = sync_files(&files, &folder.join(krate), check, Vec::new())?;
        synced.files += one.files;
        synced.stale.extend(one.stale.into_iter().map(|p| Path::new(krate).join(p)));
    }
    Ok(synced)
}

/// The folders that need a runtime copy: the parents of the `Runtime::Vendored` crates among
/// `crates` (each crate's options and output directory), each once.
pub fn runtime_folders<'a>(crates: impl IntoIterator<Item = (&'a Options, &'a Path)>) -> Vec<PathBuf> {
    let mut folders: Vec<PathBuf> = crates
        .into_iter()
        .filter(|(options, _)| options.runtime == Runtime::Vendored)
        .map(|(_, out)| out.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new(".")).to_owned())
        .collect();
    folders.sort();
    folders.dedup();
    folders
}

fn sync_files(files: &Files, out: &Path, check: bool, warnings: Vec<Error>) -> Result<Synced> {
    let stale = if check { stale_files(out, files) } else { Vec::new() };
    if !check {
        write_atomically(out, files)?;
    }
    Ok(Synced { files: files.len(), stale, warnings })
}

/// Loads the model and renders the crate's files in memory, on every available core.
pub fn generate(options: &Options) -> Result<Files> {
    generate_crate(options).map(|generated| generated.files)
}

/// [`generate`], with the warnings.
pub fn generate_crate(options: &Options) -> Result<Generated> {
    let model = model::load_files(&options.models)?;
    let selection = transform::select(&model, options.service.as_deref(), options.operations.as_deref())?;
    let protocol = match &options.protocol {
        None => None,
        Some(name) => Some(model::Protocol::from_name(name).ok_or_else(|| {
            let known: Vec<&str> = model::Protocol::PREFERENCE.iter().map(|p| p.name()).collect();
            Error::other(format!("unknown protocol `{name}`; protocols: {}", known.join(", ")))
        })?),
    };
    let settings = ir::Settings {
        package: options.package.as_deref(),
        protocol,
        types_only: options.types_only,
        manifest: &options.manifest,
        runtime: &options.runtime,
    };
    let krate = ir::build(&model, &selection, settings)?;
    let workers = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    let files = render::render_on(&krate, options.roundtrip_tests, workers)?;
    Ok(Generated { files, warnings: krate.warnings })
}
