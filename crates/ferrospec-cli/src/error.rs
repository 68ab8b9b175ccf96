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
    /// A waiver file was refused.
    #[error(transparent)]
    Waiver(#[from] ferrospec_core::waiver::WaiverError),
    /// A fixture host could not be loaded.
    #[error("cannot load the test host")]
    Fixture(#[source] std::io::Error),
    /// No remediation plan could be made.
    #[error(transparent)]
    Plan(#[from] ferrospec_resources::remediate::PlanError),
    /// `remediate --apply` failed part way; what was done was undone (or says what was not).
    #[error("{reason}; {undone}")]
    Apply {
        /// What failed.
        reason: String,
        /// The state the host was left in.
        undone: String,
    },
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
