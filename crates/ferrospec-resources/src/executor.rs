//! Runs a profile against a host and writes the `RunReport`.

/// Options of one run.
#[derive(Debug, Clone, Default)]
pub struct ExecOptions;

/// Runs a profile.
pub fn execute() {}
