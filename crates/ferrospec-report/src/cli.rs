//! InSpec's `cli` reporter: the human-readable layout of `inspec exec`, byte for byte
//! (see `lib/inspec/reporters/cli.rb` in inspec/inspec and `inspec-semantics.md` §5.5).
//!
//! ```text
//!
//! Profile:   CIS Docker Benchmark Profile (cis-docker-benchmark)
//! Version:   2.1.4
//! Target:    local://
//! Target ID: 4a1b…
//!
//!   ✔  host-1.2: Use the updated Linux Kernel
//!      ✔  true is expected to eq true
//!   ×  host-1.7: Audit docker daemon (1 failed)
//!      ×  Auditd Rules lines is expected to include "-w /usr/bin/docker"
//!      expected ["No rules"] to include "-w /usr/bin/docker"
//!
//!
//! Profile Summary: 1 successful control, 1 control failure, 0 controls skipped
//! Test Summary: 2 successful, 1 failure, 0 skipped
//! ```
//!
//! Colour is the caller's decision ([`RenderOptions::color`]); this module never looks at a
//! terminal.

use std::fmt::Write as _;
use std::io;

use ferrospec_core::results::{
    ControlReport, ProfileReport, ProfileStatus, ResultReport, RunReport, Status,
};

use crate::{RenderOptions, ReportError};

/// The indicator and colour of a line: InSpec's `impact_string` values that we can produce.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mark {
    Passed,
    Failed,
    Skipped,
}

impl Mark {
    fn indicator(self) -> &'static str {
        match self {
            Mark::Passed => "✔",
            Mark::Failed => "×",
            Mark::Skipped => "↺",
        }
    }

    /// ANSI 256-colour escape, as InSpec's `COLORS`.
    fn color(self) -> &'static str {
        match self {
            Mark::Passed => "\x1b[38;5;41m",
            Mark::Failed => "\x1b[38;5;9m",
            Mark::Skipped => "\x1b[38;5;247m",
        }
    }

    /// The mark of a whole control (`impact_string`): skipped wins over failed, as in InSpec.
    fn of_control(control: &ControlReport) -> Mark {
        let statuses = || control.results.iter().map(ResultReport::status);
        if statuses().any(|s| s == Status::Skipped) {
            Mark::Skipped
        } else if statuses().all(|s| s == Status::Passed) {
            Mark::Passed
        } else {
            Mark::Failed
        }
    }

    /// The mark of one result (`impact_string_for_result`); an error is a failure.
    fn of_result(result: &ResultReport) -> Mark {
        match result.status() {
            Status::Passed => Mark::Passed,
            Status::Skipped => Mark::Skipped,
            Status::Failed | Status::Error => Mark::Failed,
        }
    }
}

const RESET: &str = "\x1b[0m";

/// Writes the `cli` report.
pub(crate) fn render(
    report: &RunReport,
    opts: &RenderOptions,
    out: &mut dyn io::Write,
) -> Result<(), ReportError> {
    let mut text = Cli {
        out: String::new(),
        color: opts.color,
    };
    text.report(report);
    crate::write_all(out, text.out.as_bytes())
}

struct Cli {
    out: String,
    color: bool,
}

impl Cli {
    /// InSpec's `output`: a string and a newline.
    fn line(&mut self, text: &str) {
        self.out.push_str(text);
        self.out.push('\n');
    }

    fn paint(&self, mark: Option<Mark>, text: &str) -> String {
        match mark {
            Some(mark) if self.color => format!("{}{text}{RESET}", mark.color()),
            _ => text.to_owned(),
        }
    }

    fn report(&mut self, report: &RunReport) {
        for profile in &report.profiles {
            if profile.status == ProfileStatus::Skipped {
                let platform = &report.platform;
                self.line(&format!(
                    "Skipping profile: '{}' on unsupported platform: '{}/{}'.",
                    profile.name, platform.name, platform.release
                ));
                continue;
            }
            self.line("");
            self.header(report, profile);
            let mut results = 0;
            for control in &profile.controls {
                results += self.control(control);
            }
            if results == 0 {
                let message = indent_lines("No tests executed.", 5);
                self.line(&message);
            } else {
                // InSpec closes the control list with a blank line, and writes another before
                // the summaries: the double blank line is InSpec's.
                self.line("");
            }
        }
        self.line("");
        self.summaries(report);
    }

    fn header(&mut self, report: &RunReport, profile: &ProfileReport) {
        let name = match &profile.title {
            Some(title) => format!("{title} ({})", profile.name),
            None => profile.name.clone(),
        };
        let mut header: Vec<(&str, &str)> = vec![
            ("Profile", &name),
            (
                "Version",
                profile.version.as_deref().unwrap_or("(not specified)"),
            ),
        ];
        if profile.status == ProfileStatus::Failed {
            header.push(("Failure Message", &profile.status_message));
        }
        // InSpec leaves these lines out when the value is nil; our "" plays that role, and
        // printing it would leave a line ending in a space.
        if !report.target.is_empty() {
            header.push(("Target", &report.target));
        }
        if !report.platform.target_id.is_empty() {
            header.push(("Target ID", &report.platform.target_id));
        }
        // `format("%-#{pad}s %s", title + ":", value)`, pad = longest key + 1.
        let pad = header.iter().map(|(key, _)| key.len()).max().unwrap_or(0) + 1;
        for (key, value) in header {
            let key = format!("{key}:");
            self.line(&format!("{key:<pad$} {value}"));
        }
        self.line("");
    }

    /// Writes a control and its results; returns how many results it wrote.
    fn control(&mut self, control: &ControlReport) -> usize {
        let mark = Mark::of_control(control);
        let line = format_message(mark, &title_for_report(control), 2);
        let line = self.paint(Some(mark), &line);
        self.line(&line);
        for result in &control.results {
            let mark = Mark::of_result(result);
            let mut message = match result.status() {
                Status::Skipped => result
                    .skip_message
                    .clone()
                    .unwrap_or_else(|| result.code_desc.clone()),
                _ => result.code_desc.clone(),
            };
            if let Some(detail) = &result.message {
                message.push('\n');
                message.push_str(detail);
            }
            let line = format_message(mark, &message, 5);
            let line = self.paint(Some(mark), &line);
            self.line(&line);
        }
        control.results.len()
    }

    fn summaries(&mut self, report: &RunReport) {
        let counts = report.counts();
        let paint_count = |this: &Self, n: usize, mark: Mark, text: String| {
            this.paint((n > 0).then_some(mark), &text)
        };

        let controls = counts.controls_passed + counts.controls_failed + counts.controls_skipped;
        if controls > 0 {
            let passed = plural(
                counts.controls_passed,
                "successful control",
                "successful controls",
            );
            let failed = plural(
                counts.controls_failed,
                "control failure",
                "control failures",
            );
            let skipped = plural(
                counts.controls_skipped,
                "control skipped",
                "controls skipped",
            );
            let line = format!(
                "Profile Summary: {}, {}, {}",
                paint_count(self, counts.controls_passed, Mark::Passed, passed),
                paint_count(self, counts.controls_failed, Mark::Failed, failed),
                paint_count(self, counts.controls_skipped, Mark::Skipped, skipped),
            );
            self.line(&line);
        }

        let passed = format!("{} successful", counts.passed);
        let failed = plural(counts.failed, "failure", "failures");
        let skipped = format!("{} skipped", counts.skipped);
        let line = format!(
            "Test Summary: {}, {}, {}",
            paint_count(self, counts.passed, Mark::Passed, passed),
            paint_count(self, counts.failed, Mark::Failed, failed),
            paint_count(self, counts.skipped, Mark::Skipped, skipped),
        );
        self.line(&line);
    }
}

/// `id: title`, then ` (N failed)` and ` (N skipped)` when there is more than one result.
fn title_for_report(control: &ControlReport) -> String {
    // InSpec falls back to the first result's resource title; the nearest thing the report
    // holds is the `resource` of a skipped result.
    let title = control
        .title
        .as_deref()
        .or_else(|| control.results.first().and_then(|r| r.resource.as_deref()));
    let mut text = match title {
        Some(title) => format!("{}: {title}", control.id),
        None => control.id.clone(),
    };
    if control.results.len() > 1 {
        let count = |wanted: &[Status]| {
            control
                .results
                .iter()
                .filter(|r| wanted.contains(&r.status()))
                .count()
        };
        let failed = count(&[Status::Failed, Status::Error]);
        let skipped = count(&[Status::Skipped]);
        if failed > 0 {
            let _ = write!(text, " ({failed} failed)");
        }
        if skipped > 0 {
            let _ = write!(text, " ({skipped} skipped)");
        }
    }
    text
}

/// InSpec's `format_message`: the indicator, two spaces, the message without leading
/// whitespace, and every line of that indented.
fn format_message(mark: Mark, message: &str, indentation: usize) -> String {
    let text = format!("{}  {}", mark.indicator(), message.trim_start());
    indent_lines(&text, indentation)
}

/// Ruby's `message.lines.map { |l| " " * n + l }.join`: line ends are kept.
fn indent_lines(text: &str, indentation: usize) -> String {
    let pad = " ".repeat(indentation);
    let mut out = String::with_capacity(text.len() + indentation);
    for line in text.split_inclusive('\n') {
        out.push_str(&pad);
        out.push_str(line);
    }
    out
}

fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

#[cfg(test)]
mod tests {
    use ferrospec_core::results::{ControlReport, ProfileReport, ResultReport, RunReport, Status};

    use super::*;

    fn result(status: Status, code_desc: &str) -> ResultReport {
        ResultReport {
            status: Some(status),
            code_desc: code_desc.into(),
            ..ResultReport::default()
        }
    }

    fn report(results: Vec<ResultReport>) -> RunReport {
        RunReport {
            profiles: vec![ProfileReport {
                name: "p".into(),
                controls: vec![ControlReport {
                    id: "c-1".into(),
                    title: Some("Title".into()),
                    impact: 0.5,
                    results,
                    ..ControlReport::default()
                }],
                ..ProfileReport::default()
            }],
            ..RunReport::default()
        }
    }

    #[track_caller]
    fn rendered(report: &RunReport, color: bool) -> String {
        let mut out = Vec::new();
        render(report, &RenderOptions { color }, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn colours_whole_lines_and_non_zero_counts() {
        let report = report(vec![result(Status::Passed, "a is expected to eq 1")]);
        assert_eq!(
            rendered(&report, true),
            "\nProfile: p\nVersion: (not specified)\n\n\
             \x1b[38;5;41m  ✔  c-1: Title\x1b[0m\n\
             \x1b[38;5;41m     ✔  a is expected to eq 1\x1b[0m\n\
             \n\
             \n\
             Profile Summary: \x1b[38;5;41m1 successful control\x1b[0m, \
             0 control failures, 0 controls skipped\n\
             Test Summary: \x1b[38;5;41m1 successful\x1b[0m, 0 failures, 0 skipped\n"
        );
    }

    #[test]
    fn message_lines_are_indented_and_coloured_as_one_block() {
        let mut failed = result(Status::Failed, "x is expected to eq 1");
        failed.message = Some("expected: 1\n     got: 2".into());
        let text = rendered(&report(vec![failed]), true);
        assert!(
            text.contains(
                "\x1b[38;5;9m     ×  x is expected to eq 1\n     expected: 1\n          got: 2\x1b[0m\n"
            ),
            "{text}"
        );
    }

    #[test]
    fn skipped_wins_the_control_mark_and_counts_are_appended() {
        let text = rendered(
            &report(vec![
                result(Status::Failed, "a"),
                result(Status::Skipped, "b"),
                result(Status::Error, "c"),
            ]),
            false,
        );
        assert!(
            text.contains("  ↺  c-1: Title (2 failed) (1 skipped)\n"),
            "{text}"
        );
        assert!(
            text.contains(
                "Profile Summary: 0 successful controls, 1 control failure, 0 controls skipped\n"
            ),
            "{text}"
        );
        assert!(
            text.contains("Test Summary: 0 successful, 2 failures, 1 skipped\n"),
            "{text}"
        );
    }

    #[test]
    fn no_results_and_no_controls() {
        let report = RunReport {
            profiles: vec![ProfileReport {
                name: "empty".into(),
                version: Some("1.0.0".into()),
                ..ProfileReport::default()
            }],
            ..RunReport::default()
        };
        assert_eq!(
            rendered(&report, false),
            "\nProfile: empty\nVersion: 1.0.0\n\n     No tests executed.\n\n\
             Test Summary: 0 successful, 0 failures, 0 skipped\n"
        );
    }

    #[test]
    fn skipped_and_failed_profiles() {
        let report = RunReport {
            platform: ferrospec_core::results::Platform {
                name: "alpine".into(),
                release: "3.20".into(),
                target_id: String::new(),
            },
            profiles: vec![
                ProfileReport {
                    name: "windows-only".into(),
                    status: ProfileStatus::Skipped,
                    ..ProfileReport::default()
                },
                ProfileReport {
                    name: "broken".into(),
                    status: ProfileStatus::Failed,
                    status_message: "cannot load controls/x.rb".into(),
                    ..ProfileReport::default()
                },
            ],
            ..RunReport::default()
        };
        assert_eq!(
            rendered(&report, false),
            "Skipping profile: 'windows-only' on unsupported platform: 'alpine/3.20'.\n\
             \n\
             Profile:         broken\n\
             Version:         (not specified)\n\
             Failure Message: cannot load controls/x.rb\n\
             \n     No tests executed.\n\n\
             Test Summary: 0 successful, 0 failures, 0 skipped\n"
        );
    }
}
