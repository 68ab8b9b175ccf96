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
    /// Our bug.
    #[error("internal error (a bug in ferrospec): {message}")]
    Internal {
        /// What went wrong.
        message: String,
    },
}
