//! The top-level error of the command: every library error, plus usage errors.

use ferrospec_core::LoadErrors;

/// Why `ferrospec` stopped before finishing a run.
#[derive(Debug, thiserror::Error)]
pub(crate) enum CliError {
    /// Bad arguments.
    #[error("{0}")]
    Usage(String),
    /// Profiles or control files did not load; rendered as diagnostics.
    #[error(transparent)]
    Load(#[from] LoadErrors),
    /// The run could not start (a required input, a bad filter).
    #[error(transparent)]
    Exec(#[from] ferrospec_resources::executor::ExecError),
    /// A report could not be written.
    #[error("cannot write the {format} report to `{path}`")]
    WriteReport {
        /// Reporter.
        format: String,
        /// Where.
        path: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A reporter failed.
    #[error(transparent)]
    Report(#[from] ferrospec_report::ReportError),
    /// A fixture host could not be loaded.
    #[error("cannot load the test host")]
    Fixture(#[source] std::io::Error),
    /// Standard output could not be written.
    #[error("cannot write to standard output")]
    Output(#[source] std::io::Error),
    /// A file or directory could not be written.
    #[error("cannot write `{path}`")]
    WriteFile {
        /// Where.
        path: std::path::PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// `init` would write into an existing directory without `--overwrite`.
    #[error("`{path}` already exists, use `--overwrite` to write the template files into it")]
    Exists {
        /// The directory.
        path: std::path::PathBuf,
    },
    /// Our bug.
    #[error("internal error, please report it: {message}")]
    Internal {
        /// What went wrong.
        message: String,
    },
}
