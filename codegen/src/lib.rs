//! Generates a Rust client crate from a Smithy model.
//!
//! Data flow: JSON AST files are loaded into the typed [`model::Model`]; transforms select a
//! service's operations and normalize them; the generators turn that into Rust token streams that
//! are formatted with prettyplease into the files of a crate.

pub mod error;
pub mod model;

pub use error::{Error, Result};
