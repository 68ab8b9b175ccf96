//! Errors of rendering a report: problems writing it out or with the caller's choice of
//! format. A failed control is never an error here; it is data in the report.

use std::io;

/// Why a report could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// Writing to the destination failed (a closed pipe, a full disk).
    #[error("cannot write the report")]
    Io {
        /// The cause.
        #[source]
        source: io::Error,
    },
    /// A name that is neither a format's name nor an alias ([`crate::Format::names`]).
    #[error("unknown reporter `{name}`, expected one of {}", expected_names())]
    UnknownFormat {
        /// The name given.
        name: String,
    },
    /// A bug in a reporter.
    #[error("internal error in the reporter, this is a bug in ferrospec: {message}")]
    Internal {
        /// What went wrong.
        message: String,
    },
}

fn expected_names() -> String {
    let names: Vec<String> = crate::Format::names()
        .map(|name| format!("`{name}`"))
        .collect();
    names.join(", ")
}
