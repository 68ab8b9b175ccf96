//! `ferrospec check PATH [--format text|json]`: loads a profile or control file and reports
//! every load error of every file, plus InSpec's warnings, in the layout of `inspec check`.
//! Exit 1 when there is an error, else 0. It never touches the host.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::path::Path;

use ferrospec_core::model::Profile;
use ferrospec_core::{LoadError, LoadErrorKind, ProfileFiles, load_profile};
use ferrospec_resources::Registry;
use serde_json::json;

use crate::commands::emit;
use crate::error::CliError;
use crate::exit_code;

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    /// InSpec's text layout.
    Text,
    /// InSpec's JSON.
    Json,
}

/// One error or warning, with InSpec's position fields (each may be unknown).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Finding {
    pub(crate) file: Option<String>,
    pub(crate) line: Option<usize>,
    pub(crate) column: Option<usize>,
    pub(crate) control_id: Option<String>,
    pub(crate) msg: String,
}

impl Finding {
    fn at(file: &str, line: Option<usize>, column: Option<usize>, msg: String) -> Self {
        Self {
            file: Some(file.to_owned()),
            line,
            column,
            control_id: None,
            msg,
        }
    }

    /// `file:line:col: msg`, leaving out the unknown parts, as InSpec prints it.
    fn text(&self) -> String {
        let mut pos: Vec<String> = Vec::new();
        pos.extend(self.file.clone());
        pos.extend(self.line.map(|l| l.to_string()));
        pos.extend(self.column.map(|c| c.to_string()));
        if pos.is_empty() {
            self.msg.clone()
        } else {
            format!("{}: {}", pos.join(":"), self.msg)
        }
    }

    fn json(&self) -> serde_json::Value {
        json!({
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "control_id": self.control_id,
            "msg": self.msg,
        })
    }
}

/// The outcome of a check.
#[derive(Debug, Clone)]
pub(crate) struct CheckReport {
    pub(crate) location: String,
    pub(crate) profile: Option<String>,
    pub(crate) controls: usize,
    pub(crate) timestamp: String,
    pub(crate) errors: Vec<Finding>,
    pub(crate) warnings: Vec<Finding>,
}

impl CheckReport {
    pub(crate) fn valid(&self) -> bool {
        self.errors.is_empty()
    }
}

/// Runs `ferrospec check`; returns the exit code.
pub(crate) fn run(
    path: &Path,
    format: Format,
    color: bool,
    out: &mut dyn std::io::Write,
) -> Result<i32, CliError> {
    let files = ProfileFiles::from_path(path)?;
    let report = check(&files, ferrospec_core::time::now_rfc3339());
    let text = match format {
        Format::Text => render_text(&report, color),
        Format::Json => render_json(&report),
    };
    emit(out, &text)?;
    Ok(if report.valid() {
        exit_code::SUCCESS
    } else {
        exit_code::ERROR
    })
}

/// Loads the profile and collects InSpec's errors and warnings.
pub(crate) fn check(files: &ProfileFiles, timestamp: String) -> CheckReport {
    let meta_file = files
        .files
        .iter()
        .find(|f| !files.single && f.rel_path == "inspec.yml");
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    let (profile, failed) = match load_profile(files, &Registry) {
        Ok(p) => (Some(p), HashSet::new()),
        Err(e) => {
            errors.extend(e.errors.iter().map(finding_of));
            let failed: HashSet<String> = e.errors.iter().map(|x| x.path.clone()).collect();
            // Count and inspect what did load: the files without errors, on their own.
            let rest = ProfileFiles {
                files: files
                    .files
                    .iter()
                    .filter(|f| !failed.contains(&f.display_path))
                    .cloned()
                    .collect(),
                ..files.clone()
            };
            (load_profile(&rest, &Registry).ok(), failed)
        }
    };
    let meta_loaded = meta_file.filter(|m| !failed.contains(&m.display_path));
    if let (Some(meta), Some(p)) = (meta_loaded, &profile) {
        metadata_findings(p, &meta.display_path, &mut errors, &mut warnings);
    }
    let controls = profile.as_ref().map_or(0, |p| p.controls.len());
    if let Some(p) = &profile {
        control_warnings(p, files, &mut warnings);
        if controls == 0 && failed.is_empty() {
            warnings.push(Finding {
                file: None,
                line: None,
                column: None,
                control_id: None,
                msg: "No controls or tests were defined.".into(),
            });
        }
    }
    let name = match (meta_file, meta_loaded, &profile) {
        (Some(_), None, _) | (_, _, None) => None,
        (_, _, Some(p)) => Some(p.metadata.name.clone()),
    };
    CheckReport {
        location: files.location.clone(),
        profile: name,
        controls,
        timestamp,
        errors,
        warnings,
    }
}

fn finding_of(e: &LoadError) -> Finding {
    match &e.kind {
        LoadErrorKind::Diagnostic(d) => {
            let (line, column) = d.line_col();
            let msg = if d.label.is_empty() {
                d.message.clone()
            } else {
                format!("{}; {}", d.message, d.label)
            };
            Finding::at(d.source.path(), Some(line), Some(column), msg)
        }
        LoadErrorKind::Io { source, .. } => {
            Finding::at(&e.path, None, None, format!("{}: {source}", e.kind))
        }
        LoadErrorKind::Profile { message } => Finding::at(&e.path, None, None, message.clone()),
    }
}

/// InSpec's metadata rules: a missing or non-SemVer version is an error; a missing title,
/// summary, maintainer, copyright or license a warning. Positions are `0:0`, as InSpec's.
fn metadata_findings(
    p: &Profile,
    meta_path: &str,
    errors: &mut Vec<Finding>,
    warnings: &mut Vec<Finding>,
) {
    let m = &p.metadata;
    let at = |msg: String| Finding::at(meta_path, Some(0), Some(0), msg);
    match m.version.as_deref() {
        None => errors.push(at("Missing profile version in inspec.yml".into())),
        Some(v) if !is_semver(v) => errors.push(at("Version needs to be in SemVer format".into())),
        Some(_) => {}
    }
    for (field, value) in [
        ("title", &m.title),
        ("summary", &m.summary),
        ("maintainer", &m.maintainer),
        ("copyright", &m.copyright),
        ("license", &m.license),
    ] {
        if value.is_none() {
            warnings.push(at(format!("Missing profile {field} in inspec.yml")));
        }
    }
}

/// Versions as InSpec's Semverse reads them: `1`, `1.2` or `1.2.3`, with an optional
/// `-prerelease` and `+build` of letters, digits, `.` and `-`.
fn is_semver(v: &str) -> bool {
    let ident = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
    };
    let (rest, build) = match v.split_once('+') {
        Some((r, b)) => (r, Some(b)),
        None => (v, None),
    };
    let (core, pre) = match rest.split_once('-') {
        Some((c, p)) => (c, Some(p)),
        None => (rest, None),
    };
    let parts: Vec<&str> = core.split('.').collect();
    (1..=3).contains(&parts.len())
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
        && pre.is_none_or(ident)
        && build.is_none_or(ident)
}

/// Per-control warnings, at the control's file and line.
fn control_warnings(p: &Profile, files: &ProfileFiles, warnings: &mut Vec<Finding>) {
    for c in &p.controls {
        let file = files
            .files
            .iter()
            .find(|f| f.rel_path == c.source_location.r#ref)
            .map_or(c.source_location.r#ref.as_str(), |f| {
                f.display_path.as_str()
            });
        let mut warn = |msg: String| {
            warnings.push(Finding {
                file: Some(file.to_owned()),
                line: Some(c.source_location.line),
                column: None,
                control_id: Some(c.id.clone()),
                msg,
            });
        };
        if c.title.as_deref().is_none_or(str::is_empty) {
            warn(format!("Control {} has no title", c.id));
        }
        if c.desc.as_deref().is_none_or(str::is_empty) {
            warn(format!("Control {} has no descriptions", c.id));
        }
    }
}

const RED: &str = "\x1b[31m";
const YELLOW: &str = "\x1b[33m";
const CYAN: &str = "\x1b[36m";
const RESET: &str = "\x1b[0m";

/// InSpec's layout: the summary fields as `"%-12s %s"`, a blank line, then the findings.
pub(crate) fn render_text(r: &CheckReport, color: bool) -> String {
    let paint = |code: &str, s: String| {
        if color {
            format!("{code}{s}{RESET}")
        } else {
            s
        }
    };
    let mut out = String::new();
    for (label, value) in [
        ("Location :", r.location.clone()),
        ("Profile :", r.profile.clone().unwrap_or_default()),
        ("Controls :", r.controls.to_string()),
        ("Timestamp :", r.timestamp.clone()),
        ("Valid :", r.valid().to_string()),
    ] {
        let _ = writeln!(out, "{label:<12} {value}");
    }
    out.push('\n');
    if r.errors.is_empty() && r.warnings.is_empty() {
        out.push_str("No errors, warnings, or offenses\n");
        return out;
    }
    for e in &r.errors {
        out.push_str(&paint(RED, format!(" \u{d7}  {}\n", e.text())));
    }
    for w in &r.warnings {
        out.push_str(&paint(YELLOW, format!(" !  {}\n", w.text())));
    }
    out.push('\n');
    let _ = writeln!(
        out,
        "Summary:     {}, {}, {}",
        paint(RED, format!("{} errors", r.errors.len())),
        paint(YELLOW, format!("{} warnings", r.warnings.len())),
        paint(CYAN, "0 offenses".to_owned()),
    );
    out
}

/// InSpec's JSON, on one line.
pub(crate) fn render_json(r: &CheckReport) -> String {
    let doc = json!({
        "summary": {
            "valid": r.valid(),
            "timestamp": r.timestamp,
            "location": r.location,
            "profile": r.profile,
            "controls": r.controls,
        },
        "errors": r.errors.iter().map(Finding::json).collect::<Vec<_>>(),
        "warnings": r.warnings.iter().map(Finding::json).collect::<Vec<_>>(),
        "offenses": [],
    });
    format!("{doc}\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile(files: &[(&str, &str)]) -> ProfileFiles {
        ProfileFiles::embedded("p", "p", files)
    }

    const CONTROL: &str =
        "id: c-1\ntitle: T\ndesc: D\ndescribe:\n  - value: 1\n    should: { eq: 1 }\n";

    #[test]
    fn semver_as_semverse_reads_it() {
        for ok in ["1", "1.2", "1.2.3", "1.0.0-rc.1", "1.0.0+build-5"] {
            assert!(is_semver(ok), "{ok}");
        }
        for bad in ["", "v1.0.0", "1.2.3.4", "1..2", "1.0.0-", "one"] {
            assert!(!is_semver(bad), "{bad}");
        }
    }

    #[test]
    fn a_complete_profile_has_no_findings() {
        let meta = "name: p\ntitle: t\nsummary: s\nmaintainer: m\ncopyright: c\nlicense: Apache-2.0\nversion: 1.0.0\n";
        let r = check(
            &profile(&[("inspec.yml", meta), ("controls/c.yml", CONTROL)]),
            "T".into(),
        );
        assert!(r.errors.is_empty() && r.warnings.is_empty(), "{r:?}");
        assert_eq!(r.controls, 1);
        assert_eq!(r.profile.as_deref(), Some("p"));
        assert!(render_text(&r, false).ends_with("\nNo errors, warnings, or offenses\n"));
    }

    #[test]
    fn missing_metadata_and_control_texts_are_reported_as_inspec() {
        let control = "id: c-2\ndescribe:\n  - value: 1\n    should: { eq: 1 }\n";
        let r = check(
            &profile(&[("inspec.yml", "name: p\n"), ("controls/c.yml", control)]),
            "T".into(),
        );
        let msgs = |v: &[Finding]| v.iter().map(Finding::text).collect::<Vec<_>>();
        assert_eq!(
            msgs(&r.errors),
            ["p/inspec.yml:0:0: Missing profile version in inspec.yml"]
        );
        assert_eq!(
            msgs(&r.warnings),
            [
                "p/inspec.yml:0:0: Missing profile title in inspec.yml",
                "p/inspec.yml:0:0: Missing profile summary in inspec.yml",
                "p/inspec.yml:0:0: Missing profile maintainer in inspec.yml",
                "p/inspec.yml:0:0: Missing profile copyright in inspec.yml",
                "p/inspec.yml:0:0: Missing profile license in inspec.yml",
                "p/controls/c.yml:1: Control c-2 has no title",
                "p/controls/c.yml:1: Control c-2 has no descriptions",
            ]
        );
        assert_eq!(r.warnings[5].control_id.as_deref(), Some("c-2"));
    }

    #[test]
    fn bad_version_is_an_error() {
        let r = check(
            &profile(&[
                ("inspec.yml", "name: p\nversion: v1\n"),
                ("controls/c.yml", CONTROL),
            ]),
            "T".into(),
        );
        assert_eq!(r.errors[0].msg, "Version needs to be in SemVer format");
    }

    #[test]
    fn every_file_error_is_reported_and_the_rest_is_counted() {
        let bad = "id: c-3\ndescribe:\n  - value: 1\n    shuold: exist\n";
        let r = check(
            &profile(&[
                ("inspec.yml", "name: p\nversion: 1.0.0\n"),
                ("controls/a.yml", bad),
                ("controls/b.yml", "id: [\n"),
                ("controls/c.yml", CONTROL),
            ]),
            "T".into(),
        );
        assert_eq!(r.errors.len(), 2, "{:?}", r.errors);
        assert_eq!(r.errors[0].file.as_deref(), Some("p/controls/a.yml"));
        assert_eq!((r.errors[0].line, r.errors[0].column), (Some(4), Some(5)));
        assert!(r.errors[0].msg.contains("unknown field `shuold`"));
        assert_eq!(r.controls, 1);
        assert_eq!(r.profile.as_deref(), Some("p"));
        let text = render_text(&r, false);
        assert!(text.contains("\nValid :      false\n"), "{text}");
        assert!(
            text.contains(" \u{d7}  p/controls/a.yml:4:5: describe[0]: unknown field `shuold`"),
            "{text}"
        );
        assert!(
            text.ends_with("\nSummary:     2 errors, 5 warnings, 0 offenses\n"),
            "{text}"
        );
    }

    #[test]
    fn no_controls_is_a_warning() {
        let r = check(
            &profile(&[(
                "inspec.yml",
                "name: p\nversion: 1.0.0\ntitle: t\nsummary: s\nmaintainer: m\ncopyright: c\nlicense: l\n",
            )]),
            "T".into(),
        );
        assert_eq!(r.warnings.len(), 1);
        assert_eq!(r.warnings[0].text(), "No controls or tests were defined.");
        let json: serde_json::Value = serde_json::from_str(&render_json(&r)).expect("valid json");
        assert_eq!(json["warnings"][0]["file"], serde_json::Value::Null);
        assert_eq!(json["summary"]["controls"], 0);
        assert_eq!(json["offenses"], json!([]));
    }

    #[test]
    fn timestamps_look_like_inspec() {
        let t = ferrospec_core::time::now_rfc3339();
        assert_eq!(t.len(), 25, "{t}");
        assert!(t.ends_with("+00:00") && t.as_bytes()[10] == b'T', "{t}");
    }
}
