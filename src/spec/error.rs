//! Errors of the `spec` stage: why a contract could not be loaded, with file:line:column.

use std::fmt;
use std::path::PathBuf;

/// A place in a file, for error messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Position {
    pub file: PathBuf,
    pub line: Option<usize>,
    pub column: Option<usize>,
}

impl Position {
    pub fn file(file: impl Into<PathBuf>) -> Position {
        Position {
            file: file.into(),
            line: None,
            column: None,
        }
    }

    pub fn at(file: impl Into<PathBuf>, line: usize, column: usize) -> Position {
        Position {
            file: file.into(),
            line: Some(line),
            column: Some(column),
        }
    }
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(col) = self.column {
                write!(f, ":{col}")?;
            }
        }
        Ok(())
    }
}

/// Why a contract could not be loaded. Every variant names the file, and the line where known.
#[derive(Debug, thiserror::Error)]
pub enum SpecError {
    // The OS error is part of the message, not a `source`: printed once.
    #[error("{path}: cannot read file: {cause}")]
    Io {
        path: PathBuf,
        cause: std::io::Error,
    },
    #[error("{at}: invalid {format}: {message}")]
    Syntax {
        at: Position,
        format: &'static str,
        message: String,
    },
    #[error("{at}: not an OpenAPI or Swagger document: {reason}\n  hint: a contract starts with `openapi: 3.x.y` or `swagger: \"2.0\"` at the top level")]
    NotASpec { at: Position, reason: String },
    #[error("{at}: unsupported version {version:?}\n  hint: drift reads Swagger 2.0 and OpenAPI 3.0.x / 3.1.x")]
    UnsupportedVersion { at: Position, version: String },
    #[error("{at}: `$ref: {reference}` at {pointer} does not resolve: {reason}")]
    MissingRef {
        at: Position,
        pointer: String,
        reference: String,
        reason: String,
    },
    #[error("{at}: `$ref: {reference}` at {pointer} is refused: {reason}\n  hint: keep every file a contract references under the folder of its root file")]
    RefRefused {
        at: Position,
        pointer: String,
        reference: String,
        reason: String,
    },
    #[error("{at}: `$ref` cycle at {pointer}: {chain}")]
    RefCycle {
        at: Position,
        pointer: String,
        chain: String,
    },
    #[error("{at}: {pointer}: {message}")]
    Invalid {
        at: Position,
        pointer: String,
        message: String,
    },
}

impl SpecError {
    /// The file the error is about.
    pub fn file(&self) -> &std::path::Path {
        match self {
            SpecError::Io { path, .. } => path,
            SpecError::Syntax { at, .. }
            | SpecError::NotASpec { at, .. }
            | SpecError::UnsupportedVersion { at, .. }
            | SpecError::MissingRef { at, .. }
            | SpecError::RefRefused { at, .. }
            | SpecError::RefCycle { at, .. }
            | SpecError::Invalid { at, .. } => &at.file,
        }
    }
}
