//! Errors of loading profiles and control files: problems with *our inputs*, never with the
//! host (those are results).

use std::path::PathBuf;

use crate::diagnostic::Diagnostic;

/// What went wrong while loading.
#[derive(Debug, thiserror::Error)]
pub enum LoadErrorKind {
    /// A file could not be read.
    #[error("cannot read `{path}`")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// A problem at a location in a file.
    #[error("{0}")]
    Diagnostic(Box<Diagnostic>),
    /// A problem with the profile as a whole.
    #[error("{message}")]
    Profile {
        /// What is wrong.
        message: String,
    },
}

/// One load error with the file it concerns.
#[derive(Debug, thiserror::Error)]
#[error("{kind}")]
pub struct LoadError {
    /// Display path of the file or profile.
    pub path: String,
    /// What.
    #[source]
    pub kind: LoadErrorKind,
}

impl LoadError {
    /// An error at a location.
    pub fn diagnostic(d: Diagnostic) -> Self {
        Self {
            path: d.source.path().to_owned(),
            kind: LoadErrorKind::Diagnostic(Box::new(d)),
        }
    }

    /// An error about a profile or file as a whole.
    pub fn profile(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            kind: LoadErrorKind::Profile {
                message: message.into(),
            },
        }
    }

    /// Renders for a terminal: a snippet for diagnostics, `error: …` otherwise.
    pub fn render(&self, color: bool) -> String {
        match &self.kind {
            LoadErrorKind::Diagnostic(d) => d.render(color),
            LoadErrorKind::Io { source, .. } => {
                format!("error: {}\n  caused by: {source}\n", self.kind)
            }
            LoadErrorKind::Profile { message } => format!("error: {}: {message}\n", self.path),
        }
    }
}

/// Every error found while loading; a load reports all files' errors at once.
#[derive(Debug, thiserror::Error)]
#[error("could not load `{location}`: {} error{}", errors.len(), if errors.len() == 1 { "" } else { "s" })]
pub struct LoadErrors {
    /// What was being loaded.
    pub location: String,
    /// The errors, in file order.
    pub errors: Vec<LoadError>,
}

impl LoadErrors {
    /// Renders every error, one after the other.
    pub fn render(&self, color: bool) -> String {
        self.errors
            .iter()
            .map(|e| e.render(color))
            .collect::<Vec<_>>()
            .join("\n")
    }
}
