//! The contract between the executor and the reporters: the executor writes a [`RunReport`],
//! reporters only read it. Everything a reporter shows (timestamps, durations, platform) is
//! in here, so reporters stay pure and goldens stay stable.

use crate::model::{Description, Group, Reference, SourceLocation};
use crate::value::Value;

/// The outcome of one expectation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    /// The expectation held.
    Passed,
    /// It did not.
    Failed,
    /// It was not evaluated (`only_if`, skip, not applicable, waiver).
    Skipped,
    /// It could not be evaluated: the truth is unknown (never a pass).
    Error,
}

impl Status {
    /// InSpec's JSON spelling; `Error` is written as `failed` (with an `exception`), as InSpec does.
    pub fn as_inspec_str(self) -> &'static str {
        match self {
            Status::Passed => "passed",
            Status::Failed | Status::Error => "failed",
            Status::Skipped => "skipped",
        }
    }
}

/// One result: an expectation evaluated, a skip, or an error.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ResultReport {
    /// Outcome.
    pub status: Option<Status>,
    /// InSpec's `code_desc` (`File /etc is expected to be directory`).
    pub code_desc: String,
    /// Seconds.
    pub run_time: f64,
    /// RFC 3339 start time.
    pub start_time: String,
    /// `resource` (skipped results only).
    pub resource: Option<String>,
    /// Why it was skipped.
    pub skip_message: Option<String>,
    /// Why it failed (expected vs found).
    pub message: Option<String>,
    /// Error class for errors (`Inspec::Exceptions::ResourceFailed`).
    pub exception: Option<String>,
    /// Backtrace lines for errors.
    pub backtrace: Option<Vec<String>>,
    /// Resource name (`file`).
    pub resource_class: Option<String>,
    /// Inspect string of the resource arguments (`["/etc"]`).
    pub resource_params: Option<String>,
    /// Resource id (the path of a `file`).
    pub resource_id: Option<String>,
}

impl ResultReport {
    /// The status; a result without one counts as an error.
    pub fn status(&self) -> Status {
        self.status.unwrap_or(Status::Error)
    }
}

/// Waiver information attached to a control.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct WaiverData {
    /// Justification.
    pub justification: Option<String>,
    /// `run` as given.
    pub run: Option<bool>,
    /// Expiration date as given.
    pub expiration_date: Option<String>,
    /// Whether the waiver kept the control from running.
    pub skipped_due_to_waiver: bool,
    /// Message (expired waivers).
    pub message: String,
}

/// One control's report.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ControlReport {
    /// Id.
    pub id: String,
    /// Title.
    pub title: Option<String>,
    /// Default description.
    pub desc: Option<String>,
    /// Labelled descriptions.
    pub descriptions: Vec<Description>,
    /// Effective impact (0.5 when unset; 0.0 when not applicable).
    pub impact: f64,
    /// References.
    pub refs: Vec<Reference>,
    /// Tags.
    pub tags: Vec<(String, Value)>,
    /// Source text.
    pub code: String,
    /// Where defined.
    pub source_location: SourceLocation,
    /// Waiver, if any.
    pub waiver_data: Option<WaiverData>,
    /// Results, never empty.
    pub results: Vec<ResultReport>,
    /// The control's structured fix with every reference resolved.
    pub remediation: Option<crate::model::Remediation>,
}

impl ControlReport {
    /// InSpec's rule: failed if any result failed (or errored), else skipped if any skipped,
    /// else passed.
    pub fn status(&self) -> Status {
        let statuses: Vec<Status> = self.results.iter().map(ResultReport::status).collect();
        if statuses.contains(&Status::Error) {
            Status::Error
        } else if statuses.contains(&Status::Failed) {
            Status::Failed
        } else if statuses.contains(&Status::Skipped) || statuses.is_empty() {
            Status::Skipped
        } else {
            Status::Passed
        }
    }
}

/// How a profile fared as a whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ProfileStatus {
    /// Loaded and run.
    #[default]
    Loaded,
    /// Skipped (unsupported platform).
    Skipped,
    /// Failed to load.
    Failed,
}

/// An input as reported (`attributes` in JSON).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct InputReport {
    /// Name.
    pub name: String,
    /// Options: value (masked when sensitive), type, required, description, sensitive, …
    pub options: Vec<(String, Value)>,
}

/// One profile's report.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ProfileReport {
    /// Name.
    pub name: String,
    /// Title.
    pub title: Option<String>,
    /// Version.
    pub version: Option<String>,
    /// Maintainer.
    pub maintainer: Option<String>,
    /// Summary.
    pub summary: Option<String>,
    /// License.
    pub license: Option<String>,
    /// Copyright.
    pub copyright: Option<String>,
    /// Copyright e-mail.
    pub copyright_email: Option<String>,
    /// SHA-256 of the profile.
    pub sha256: String,
    /// `supports` entries.
    pub supports: Vec<Vec<(String, String)>>,
    /// Inputs.
    pub attributes: Vec<InputReport>,
    /// Groups (one per file).
    pub groups: Vec<Group>,
    /// Controls.
    pub controls: Vec<ControlReport>,
    /// Status.
    pub status: ProfileStatus,
    /// Status message (`""` when loaded).
    pub status_message: String,
}

/// The platform scanned.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Platform {
    /// OS name (`debian`).
    pub name: String,
    /// Release (`12.5`).
    pub release: String,
    /// Target id, `""` by default.
    pub target_id: String,
}

/// A whole run.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RunReport {
    /// The platform.
    pub platform: Platform,
    /// What was scanned, as shown in the CLI header (`local://`, a mounted root).
    pub target: String,
    /// Profiles run.
    pub profiles: Vec<ProfileReport>,
    /// Total duration in seconds.
    pub duration: f64,
    /// ferrospec's version.
    pub version: String,
}

/// Counts over a run, as the CLI summary and exit code need them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counts {
    /// Controls passed.
    pub controls_passed: usize,
    /// Controls failed (errors included).
    pub controls_failed: usize,
    /// Controls skipped.
    pub controls_skipped: usize,
    /// Results passed.
    pub passed: usize,
    /// Results failed (errors included).
    pub failed: usize,
    /// Results skipped.
    pub skipped: usize,
    /// Results that are errors (also counted in `failed`).
    pub errors: usize,
}

impl RunReport {
    /// Counts controls (named ones only, as InSpec's Profile Summary) and results over every
    /// profile.
    pub fn counts(&self) -> Counts {
        let mut c = Counts::default();
        for control in self.profiles.iter().flat_map(|p| &p.controls) {
            // InSpec's Profile Summary counts named controls only; the results of anonymous
            // ones (bare top-level `describe`s) still count in the Test Summary.
            let anonymous = control.id.starts_with("(generated from ");
            match control.status() {
                _ if anonymous => {}
                Status::Passed => c.controls_passed += 1,
                Status::Failed | Status::Error => c.controls_failed += 1,
                Status::Skipped => c.controls_skipped += 1,
            }
            for r in &control.results {
                match r.status() {
                    Status::Passed => c.passed += 1,
                    Status::Failed => c.failed += 1,
                    Status::Error => {
                        c.failed += 1;
                        c.errors += 1;
                    }
                    Status::Skipped => c.skipped += 1,
                }
            }
        }
        c
    }
}
