//! Exit codes, as `inspec exec` uses them (see docs/exit-codes.md).

use ferrospec_core::results::Counts;

/// Every control passed.
pub(crate) const SUCCESS: i32 = 0;
/// Usage, load or internal error.
pub(crate) const ERROR: i32 = 1;
/// At least one control failed (errors included).
pub(crate) const FAILED: i32 = 100;
/// No control failed, at least one was skipped.
pub(crate) const SKIPPED: i32 = 101;

/// The exit code of a finished run.
pub(crate) fn for_counts(c: &Counts) -> i32 {
    if c.failed > 0 {
        FAILED
    } else if c.skipped > 0 {
        SKIPPED
    } else {
        SUCCESS
    }
}
