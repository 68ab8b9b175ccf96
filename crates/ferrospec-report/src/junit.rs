//! InSpec's `junit2` reporter (also selected as `junit`): `JUnit` XML built as a
//! [`quick_junit::Report`] and serialized by it, never written by hand (see
//! `lib/inspec/reporters/junit.rb` in inspec/inspec and `inspec-semantics.md` §5.4).
//!
//! ```text
//! <testsuites name="ferrospec" tests="…" failures="…" errors="…" time="…">
//!   <testsuite name="<profile>" tests errors failures timestamp time id hostname skipped>
//!     <testcase name="<code_desc>" classname="<profile>.<control id>" time="…">
//!       <failure message="…" type="<resource name>">message</failure>   a failed result
//!       <error message="…" type="<exception>">message, backtrace</error>   an error
//!       <skipped message="<skip_message>"/>   a skipped result
//! ```
//!
//! One testsuite per profile (a skipped profile is an empty suite), one testcase per
//! result. `errors` counts the results with an exception (every [`Status::Error`] has one,
//! as in `json`), `failures` the other failed ones; `skipped` is an attribute of its own, as
//! InSpec writes it, and `disabled` stays 0: nothing here is disabled. The suite's
//! `timestamp` is its earliest result's `start_time` and its `time` the sum of its results'
//! `run_time`; `hostname` is the report's target. Nothing comes from the clock.
//!
//! Failure and error messages are also the element's text: XML readers fold newlines in
//! attribute values into spaces, and an expected-vs-found diff needs its lines.

use std::io;
use std::time::Duration;

use chrono::{DateTime, FixedOffset};
use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite, XmlString};

use ferrospec_core::results::{ControlReport, ProfileReport, ResultReport, RunReport, Status};

use crate::ReportError;
use crate::json::exception_and_backtrace;

/// The `name` of the `<testsuites>` element.
const REPORT_NAME: &str = "ferrospec";

/// The `type` of a failure whose result names no resource.
const UNKNOWN_RESOURCE_TYPE: &str = "expectation";

/// Writes the `junit2` report.
pub(crate) fn render(report: &RunReport, out: &mut dyn io::Write) -> Result<(), ReportError> {
    let mut junit = Report::new(REPORT_NAME);
    junit.set_time(seconds(report.duration));
    if let Some(timestamp) = earliest(report.profiles.iter().flat_map(results)) {
        junit.set_timestamp(timestamp);
    }
    for (index, profile) in report.profiles.iter().enumerate() {
        junit.add_test_suite(test_suite(report, index, profile));
    }
    let mut bytes = Vec::new();
    junit
        .serialize(&mut bytes)
        .map_err(|err| ReportError::Internal {
            message: format!("cannot serialize the junit2 report: {err}"),
        })?;
    if !bytes.ends_with(b"\n") {
        bytes.push(b'\n');
    }
    crate::write_all(out, &bytes)
}

fn test_suite(report: &RunReport, index: usize, profile: &ProfileReport) -> TestSuite {
    let mut suite = TestSuite::new(profile.name.as_str());
    let mut skipped = 0;
    let mut time = 0.0;
    for control in &profile.controls {
        for result in &control.results {
            if result.status() == Status::Skipped {
                skipped += 1;
            }
            time += result.run_time;
            suite.add_test_case(test_case(profile, control, result));
        }
    }
    // quick-junit counts skipped test cases as `disabled`; InSpec (and the JUnit schema)
    // has a `skipped` attribute for them, and nothing here was disabled.
    suite.disabled = 0;
    if let Some(timestamp) = earliest(results(profile)) {
        suite.set_timestamp(timestamp);
    }
    suite.set_time(seconds(time));
    for (name, value) in [
        ("id", (index + 1).to_string()),
        ("hostname", report.target.clone()),
        ("skipped", skipped.to_string()),
    ] {
        suite
            .extra
            .insert(XmlString::new(name), XmlString::new(value));
    }
    suite
}

fn test_case(profile: &ProfileReport, control: &ControlReport, result: &ResultReport) -> TestCase {
    let status = match result.status() {
        Status::Passed => TestCaseStatus::success(),
        Status::Skipped => {
            let mut status = TestCaseStatus::skipped();
            if let Some(message) = &result.skip_message {
                status.set_message(message.as_str());
            }
            status
        }
        Status::Failed | Status::Error => match exception_and_backtrace(result) {
            (Some(exception), backtrace) => error(result, exception, backtrace.unwrap_or(&[])),
            (None, _) => failure(result),
        },
    };
    let mut case = TestCase::new(result.code_desc.as_str(), status);
    case.set_classname(format!("{}.{}", profile.name, control.id));
    case.set_time(seconds(result.run_time));
    case
}

/// A failed expectation: the expected-vs-found message, typed by the resource.
fn failure(result: &ResultReport) -> TestCaseStatus {
    let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
    if let Some(message) = &result.message {
        status.set_message(message.as_str());
        status.set_description(message.as_str());
    }
    // InSpec types a failure by the resource's title, which the report does not keep; the
    // resource's name (`file`) is the closest, and a consumer grouping by type needs one.
    status.set_type(
        result
            .resource_class
            .as_deref()
            .unwrap_or(UNKNOWN_RESOURCE_TYPE),
    );
    status
}

/// A result that could not be evaluated: typed by its exception, with the backtrace after
/// the message in the text.
fn error(result: &ResultReport, exception: &str, backtrace: &[String]) -> TestCaseStatus {
    let mut status = TestCaseStatus::non_success(NonSuccessKind::Error);
    let message = result.message.as_deref().unwrap_or(exception);
    status.set_message(message);
    status.set_type(exception);
    let mut text = message.to_owned();
    for line in backtrace {
        text.push('\n');
        text.push_str(line);
    }
    status.set_description(text);
    status
}

fn results(profile: &ProfileReport) -> impl Iterator<Item = &ResultReport> {
    profile.controls.iter().flat_map(|control| &control.results)
}

/// The earliest `start_time` that parses as RFC 3339. The executor always writes one; a
/// result without it only loses the attribute, it does not fail the report.
fn earliest<'a>(results: impl Iterator<Item = &'a ResultReport>) -> Option<DateTime<FixedOffset>> {
    results
        .filter_map(|result| DateTime::parse_from_rfc3339(&result.start_time).ok())
        .min()
}

/// Seconds as a [`Duration`]; a negative or non-finite value (never written by the
/// executor) becomes zero rather than a panic.
fn seconds(secs: f64) -> Duration {
    Duration::try_from_secs_f64(secs).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_never_panics() {
        assert_eq!(seconds(-1.0), Duration::ZERO);
        assert_eq!(seconds(f64::NAN), Duration::ZERO);
        assert_eq!(seconds(0.5), Duration::from_millis(500));
    }

    #[test]
    fn earliest_skips_unparsable_times() {
        let results = [
            ResultReport {
                start_time: "2025-01-15T10:00:05+00:00".into(),
                ..ResultReport::default()
            },
            ResultReport {
                start_time: "not a time".into(),
                ..ResultReport::default()
            },
            ResultReport {
                start_time: "2025-01-15T10:00:02+00:00".into(),
                ..ResultReport::default()
            },
        ];
        let found = earliest(results.iter()).unwrap();
        assert_eq!(found.to_rfc3339(), "2025-01-15T10:00:02+00:00");
        assert!(earliest(results[1..2].iter()).is_none());
    }
}
