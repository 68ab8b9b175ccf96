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

/// The exit code of a finished run; without distinct codes (`--no-distinct-exit`) a failure
/// is 1 and a skip is 0, as InSpec does.
pub(crate) fn for_counts(c: &Counts, distinct: bool) -> i32 {
    match (c.failed > 0, c.skipped > 0, distinct) {
        (true, _, true) => FAILED,
        (true, _, false) => ERROR,
        (false, true, true) => SKIPPED,
        _ => SUCCESS,
    }
}
