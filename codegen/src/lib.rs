//! Generates a Rust client crate from a Smithy model.
//!
//! Data flow: JSON AST files are loaded into the typed [`model::Model`]; [`transform::select`]
//! picks a service's operations and the closure of shapes they need; [`ir::build`] decides every
//! Rust name and type; [`render::render`] turns that into formatted files.

pub mod docs;
pub mod error;
pub mod ir;
pub mod model;
pub mod naming;
pub mod render;
pub mod transform;
pub mod workspace;
mod write;

use std::path::PathBuf;

pub use error::{Error, Result};
pub use render::Files;
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
    /// Also generate property tests: JSON round trips of every structure and union, and random
    /// responses for every operation's deserializer.
    pub roundtrip_tests: bool,
}

/// Loads the model and renders the crate's files in memory, on every available core.
pub fn generate(options: &Options) -> Result<Files> {
    let model = model::load_files(&options.models)?;
    let selection = transform::select(&model, options.service.as_deref(), options.operations.as_deref())?;
    let workers = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get).min(MAX_WORKERS);
    let render_share = |share: render::Share| -> Result<Files> {
        let krate = ir::build(&model, &selection, options.package.as_deref())?;
        render::render_share(&krate, options.roundtrip_tests, share)
    };
    if workers == 1 {
        return render_share(render::Share::ALL);
    }
    // Formatting (syn's parse and prettyplease) is most of the time. The IR holds proc-macro2
    // identifiers, which cannot cross threads, so each worker builds its own (a few ms) and
    // formats its share of the files.
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|index| scope.spawn(move || render_share(render::Share { index, of: workers })))
            .collect();
        let mut files = Files::new();
        for handle in handles {
            let share = handle.join().map_err(|_| Error::other("generator bug: a render worker panicked"))??;
            files.extend(share);
        }
        Ok(files)
    })
}

/// More workers than this spend more on building their IR than they save.
const MAX_WORKERS: usize = 8;
