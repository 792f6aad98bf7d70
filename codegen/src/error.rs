//! The one error type of the generator: what went wrong, and where in which model file.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::model::ShapeId;

/// Where in the input a problem is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Location {
    /// The file as a whole (it is missing, unreadable, or the problem is not local).
    File,
    /// A line and column (1-based) of the file's text.
    Position { line: usize, column: usize },
    /// A shape or member of the model.
    Shape(ShapeId),
}

/// A model (or generation) error that names the file, the place and the problem.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    /// The model file, when the problem comes from one.
    pub file: Option<PathBuf>,
    /// Where in it.
    pub location: Location,
    /// What is wrong, as a person can act on it.
    pub message: String,
}

impl Error {
    /// A problem with a shape or member.
    pub fn shape(id: &ShapeId, message: impl Into<String>) -> Self {
        Self { file: None, location: Location::Shape(id.clone()), message: message.into() }
    }

    /// A problem with no finer location than the file.
    pub fn file(path: &Path, message: impl Into<String>) -> Self {
        Self { file: Some(path.to_owned()), location: Location::File, message: message.into() }
    }

    /// A problem with no model file behind it (options, output directory).
    pub fn other(message: impl Into<String>) -> Self {
        Self { file: None, location: Location::File, message: message.into() }
    }

    /// Sets the file unless one is already known.
    pub fn in_file(mut self, path: &Path) -> Self {
        self.file.get_or_insert_with(|| path.to_owned());
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(file) = &self.file {
            write!(f, "{}", file.display())?;
            if let Location::Position { line, column } = self.location {
                write!(f, ":{line}:{column}")?;
            }
            f.write_str(": ")?;
        }
        if let Location::Shape(id) = &self.location {
            write!(f, "shape `{id}`: ")?;
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

/// Result with the generator's error.
pub type Result<T, E = Error> = std::result::Result<T, E>;
