//! InSpec's `html2` reporter (also selected as `html`): one self-contained page, rendered by
//! tera from `templates/report.html` (see `lib/inspec/reporters/html2.rb` in inspec/inspec
//! and `inspec-semantics.md` §5.6).
//!
//! The page has the platform, the control and result counts, then every profile with its
//! controls: status badge, id, title, impact, tags, references, every result (status,
//! `code_desc`, message or skip message) and the `check` and `fix` descriptions. CSS and
//! the status filter's JS are inline: the page loads nothing, so it opens the same from a
//! CI artifact, a mail attachment or an offline disk.
//!
//! This module turns the report into a view ([`Page`]) of plain strings and counts; the
//! template only lays it out. The template is registered as `report.html` so that tera
//! escapes every value it prints (tera autoescapes only names ending `.html`, `.htm` or
//! `.xml`): user text (titles, messages, tags) never becomes markup. Links are made only
//! from `http` and `https` references, never `javascript:` ones.

use std::io;

use serde::Serialize;
use tera::{Context, Tera};

use ferrospec_core::Value;
use ferrospec_core::results::{
    ControlReport, ProfileReport, ProfileStatus, ResultReport, RunReport, Status,
};
use ferrospec_core::value::format_float;

use crate::ReportError;
use crate::json::exception_and_backtrace;

/// The name the template is registered under; its `.html` ending turns autoescape on.
const TEMPLATE_NAME: &str = "report.html";

const TEMPLATE: &str = include_str!("../templates/report.html");

/// Writes the `html2` report.
pub(crate) fn render(report: &RunReport, out: &mut dyn io::Write) -> Result<(), ReportError> {
    let internal = |err: tera::Error| ReportError::Internal {
        message: format!("cannot render the html2 report: {}", error_chain(&err)),
    };
    let mut tera = Tera::default();
    tera.add_raw_template(TEMPLATE_NAME, TEMPLATE)
        .map_err(internal)?;
    let context = Context::from_serialize(page(report)).map_err(internal)?;
    let text = tera.render(TEMPLATE_NAME, &context).map_err(internal)?;
    crate::write_all(out, text.as_bytes())
}

/// Tera's errors keep the useful part (which variable, which line) in their sources.
fn error_chain(err: &tera::Error) -> String {
    let mut text = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// Everything the template shows.
#[derive(Debug, Serialize)]
struct Page<'a> {
    platform: PlatformView<'a>,
    version: &'a str,
    duration: String,
    controls: Tally,
    results: Tally,
    profiles: Vec<ProfileView<'a>>,
}

#[derive(Debug, Serialize)]
struct PlatformView<'a> {
    name: &'a str,
    release: &'a str,
    target: &'a str,
    target_id: &'a str,
}

/// Counts by status. Unlike the `cli` summary, errors are not folded into failures.
#[derive(Debug, Default, Serialize)]
struct Tally {
    passed: usize,
    failed: usize,
    skipped: usize,
    error: usize,
    total: usize,
}

impl Tally {
    fn add(&mut self, status: Status) {
        match status {
            Status::Passed => self.passed += 1,
            Status::Failed => self.failed += 1,
            Status::Skipped => self.skipped += 1,
            Status::Error => self.error += 1,
        }
        self.total += 1;
    }
}

#[derive(Debug, Serialize)]
struct ProfileView<'a> {
    name: &'a str,
    title: Option<&'a str>,
    version: Option<&'a str>,
    /// `loaded`, `skipped` or `failed`.
    status: &'static str,
    status_message: &'a str,
    controls: Vec<ControlView<'a>>,
}

#[derive(Debug, Serialize)]
struct ControlView<'a> {
    id: &'a str,
    title: Option<&'a str>,
    /// `passed`, `failed`, `skipped` or `error`: the badge and the filter's key.
    status: &'static str,
    impact: String,
    /// InSpec's name for the impact (`none`, `low`, `medium`, `high`, `critical`).
    severity: &'static str,
    desc: Option<&'a str>,
    check: Option<&'a str>,
    fix: Option<&'a str>,
    tags: Vec<TagView<'a>>,
    refs: Vec<RefView<'a>>,
    waiver: Option<&'a str>,
    source: String,
    results: Vec<ResultView<'a>>,
}

#[derive(Debug, Serialize)]
struct TagView<'a> {
    key: &'a str,
    value: String,
}

#[derive(Debug, Serialize)]
struct RefView<'a> {
    text: &'a str,
    /// Set only for `http`/`https` addresses.
    href: Option<&'a str>,
}

#[derive(Debug, Serialize)]
struct ResultView<'a> {
    status: &'static str,
    code_desc: &'a str,
    message: Option<&'a str>,
    skip_message: Option<&'a str>,
    exception: Option<&'a str>,
    backtrace: &'a [String],
}

fn page(report: &RunReport) -> Page<'_> {
    let mut controls = Tally::default();
    let mut results = Tally::default();
    for control in report.profiles.iter().flat_map(|p| &p.controls) {
        controls.add(control.status());
        for result in &control.results {
            results.add(result.status());
        }
    }
    Page {
        platform: PlatformView {
            name: &report.platform.name,
            release: &report.platform.release,
            target: &report.target,
            target_id: &report.platform.target_id,
        },
        version: &report.version,
        duration: format!("{:.3}", report.duration),
        controls,
        results,
        profiles: report.profiles.iter().map(profile).collect(),
    }
}

fn profile(profile: &ProfileReport) -> ProfileView<'_> {
    ProfileView {
        name: &profile.name,
        title: profile.title.as_deref(),
        version: profile.version.as_deref(),
        status: match profile.status {
            ProfileStatus::Loaded => "loaded",
            ProfileStatus::Skipped => "skipped",
            ProfileStatus::Failed => "failed",
        },
        status_message: &profile.status_message,
        controls: profile.controls.iter().map(control).collect(),
    }
}

fn control(control: &ControlReport) -> ControlView<'_> {
    let description = |label: &str| {
        control
            .descriptions
            .iter()
            .find(|d| d.label == label)
            .map(|d| d.data.as_str())
    };
    ControlView {
        id: &control.id,
        title: control.title.as_deref(),
        status: status_name(control.status()),
        impact: format_float(control.impact),
        severity: severity(control.impact),
        desc: control.desc.as_deref(),
        check: description("check"),
        fix: description("fix"),
        tags: control
            .tags
            .iter()
            .map(|(key, value)| TagView {
                key,
                value: tag_value(value),
            })
            .collect(),
        refs: control
            .refs
            .iter()
            .filter_map(|r| {
                let url = r.url.as_deref();
                let text = r.r#ref.as_deref().or(url)?;
                let href = url.filter(|u| u.starts_with("https://") || u.starts_with("http://"));
                Some(RefView { text, href })
            })
            .collect(),
        waiver: control
            .waiver_data
            .as_ref()
            .and_then(|w| w.justification.as_deref()),
        source: format!(
            "{}:{}",
            control.source_location.r#ref, control.source_location.line
        ),
        results: control.results.iter().map(result).collect(),
    }
}

fn result(result: &ResultReport) -> ResultView<'_> {
    let (exception, backtrace) = exception_and_backtrace(result);
    ResultView {
        status: status_name(result.status()),
        code_desc: &result.code_desc,
        message: result.message.as_deref(),
        skip_message: result.skip_message.as_deref(),
        exception,
        backtrace: backtrace.unwrap_or(&[]),
    }
}

fn status_name(status: Status) -> &'static str {
    match status {
        Status::Passed => "passed",
        Status::Failed => "failed",
        Status::Skipped => "skipped",
        Status::Error => "error",
    }
}

/// InSpec's impact names (`Inspec::Impact.string_from_impact`).
fn severity(impact: f64) -> &'static str {
    if impact >= 0.9 {
        "critical"
    } else if impact >= 0.7 {
        "high"
    } else if impact >= 0.4 {
        "medium"
    } else if impact >= 0.01 {
        "low"
    } else {
        "none"
    }
}

/// A tag's value as text: strings bare, lists joined by commas, the rest as InSpec shows
/// them (`true`, `1`, `/re/`, `nil`).
fn tag_value(value: &Value) -> String {
    match value {
        Value::Null => "nil".to_owned(),
        Value::Array(items) => items.iter().map(tag_value).collect::<Vec<_>>().join(", "),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severity_follows_inspec() {
        let names: Vec<&str> = [0.0, 0.005, 0.01, 0.39, 0.4, 0.69, 0.7, 0.89, 0.9, 1.0]
            .into_iter()
            .map(severity)
            .collect();
        assert_eq!(
            names,
            [
                "none", "none", "low", "low", "medium", "medium", "high", "high", "critical",
                "critical"
            ]
        );
    }

    #[test]
    fn tag_values_read_as_text() {
        let list = Value::Array(vec![Value::from("AU-2"), Value::from("AU-12")]);
        assert_eq!(tag_value(&list), "AU-2, AU-12");
        assert_eq!(tag_value(&Value::Null), "nil");
        assert_eq!(tag_value(&Value::Bool(true)), "true");
        assert_eq!(tag_value(&Value::Regex("^a$".into())), "/^a$/");
    }

    #[test]
    fn template_is_registered_with_autoescape() {
        // Tera escapes only templates whose name ends in `.html`, `.htm` or `.xml`.
        assert_eq!(
            std::path::Path::new(TEMPLATE_NAME)
                .extension()
                .and_then(|e| e.to_str()),
            Some("html")
        );
        let report = RunReport {
            target: "<script>alert(1)</script>".into(),
            ..RunReport::default()
        };
        let mut out = Vec::new();
        render(&report, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(!text.contains("<script>alert(1)"));
        assert!(text.contains("&lt;script&gt;alert(1)"));
    }
}
