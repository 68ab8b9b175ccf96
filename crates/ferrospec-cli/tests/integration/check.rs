//! `ferrospec check`: InSpec's text and JSON layouts, every file's errors, exit codes.

use std::path::PathBuf;

use serde::Deserialize;

use crate::test::{Test, repo};

/// A temporary profile directory, removed on drop.
struct TempProfile(PathBuf);

impl TempProfile {
    fn new(tag: &str, files: &[(&str, &str)]) -> Self {
        let dir =
            std::env::temp_dir().join(format!("ferrospec-check-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        for (rel, text) in files {
            let p = dir.join(rel);
            std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
            std::fs::write(p, text).expect("write");
        }
        Self(dir)
    }

    fn path(&self) -> &str {
        self.0.to_str().expect("utf-8")
    }
}

impl Drop for TempProfile {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The timestamp changes with every run.
fn redact(text: &str) -> String {
    text.lines()
        .map(|l| {
            if l.starts_with("Timestamp :") {
                "Timestamp :  [TIME]"
            } else {
                l
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct CheckJson {
    summary: Summary,
    errors: Vec<Item>,
    warnings: Vec<Item>,
    offenses: Vec<Item>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Summary {
    valid: bool,
    timestamp: String,
    location: String,
    profile: Option<String>,
    controls: usize,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Item {
    file: Option<String>,
    line: Option<usize>,
    column: Option<usize>,
    control_id: Option<String>,
    msg: String,
}

#[test]
fn the_bundled_profile_is_valid() {
    let out = Test::new().args(&["check", "profiles/docker-host"]).run();
    assert_eq!(
        redact(&String::from_utf8_lossy(&out.stdout)),
        "Location :   profiles/docker-host\n\
         Profile :    docker-host\n\
         Controls :   9\n\
         Timestamp :  [TIME]\n\
         Valid :      true\n\
         \n\
         No errors, warnings, or offenses\n"
    );
    assert!(out.stderr.is_empty());
}

#[test]
fn every_error_of_every_file_is_listed_with_its_position() {
    let p = TempProfile::new(
        "errors",
        &[
            ("inspec.yml", "name: broken\nversion: 1.0.0\n"),
            (
                "controls/a.yml",
                &std::fs::read_to_string(repo().join("fixtures/yaml/err/unknown_key.yml"))
                    .expect("fixture"),
            ),
            (
                "controls/b.yml",
                &std::fs::read_to_string(repo().join("fixtures/yaml/err/unknown_matcher.yml"))
                    .expect("fixture"),
            ),
            (
                "controls/c.yml",
                "id: c-1\ndescribe:\n  - value: 1\n    should: { eq: 1 }\n",
            ),
        ],
    );
    let out = Test::new().args(&["check", p.path()]).status(1).run();
    let root = p.path();
    assert_eq!(
        redact(&String::from_utf8_lossy(&out.stdout)),
        format!(
            "Location :   {root}\n\
             Profile :    broken\n\
             Controls :   1\n\
             Timestamp :  [TIME]\n\
             Valid :      false\n\
             \n \u{d7}  {root}/controls/a.yml:6:5: describe[0]: unknown field `shuold`, expected one of `resource`, `args`, `value`, `tests`, `its`, `should`, `should_not`, `skip`, `label`, `one`\n \
             \u{d7}  {root}/controls/b.yml:5:13: describe[0].should: unknown matcher `be_directroy`, did you mean `be_directory`?\n \
             !  {root}/inspec.yml:0:0: Missing profile title in inspec.yml\n \
             !  {root}/inspec.yml:0:0: Missing profile summary in inspec.yml\n \
             !  {root}/inspec.yml:0:0: Missing profile maintainer in inspec.yml\n \
             !  {root}/inspec.yml:0:0: Missing profile copyright in inspec.yml\n \
             !  {root}/inspec.yml:0:0: Missing profile license in inspec.yml\n \
             !  {root}/controls/c.yml:1: Control c-1 has no title\n \
             !  {root}/controls/c.yml:1: Control c-1 has no descriptions\n\
             \n\
             Summary:     2 errors, 7 warnings, 0 offenses\n"
        )
    );
}

#[test]
fn json_has_inspecs_shape() {
    let p = TempProfile::new(
        "json",
        &[
            ("inspec.yml", "name: j\nversion: one\n"),
            (
                "controls/c.yml",
                "id: c-1\ntitle: T\ndesc: D\ndescribe:\n  - skip: manual\n",
            ),
        ],
    );
    let out = Test::new()
        .args(&["check", p.path(), "--format", "json"])
        .status(1)
        .run();
    let report: CheckJson = serde_json::from_slice(&out.stdout).expect("check JSON");
    assert!(!report.summary.valid);
    assert_eq!(report.summary.profile.as_deref(), Some("j"));
    assert_eq!(report.summary.controls, 1);
    assert_eq!(report.errors.len(), 1);
    assert_eq!(report.errors[0].msg, "Version needs to be in SemVer format");
    assert_eq!(
        (report.errors[0].line, report.errors[0].column),
        (Some(0), Some(0))
    );
    assert_eq!(report.warnings.len(), 5);
    assert!(report.offenses.is_empty());
}

#[test]
fn a_single_control_file_is_checked_without_metadata_rules() {
    let out = Test::new()
        .args(&[
            "check",
            "controls/docker-daemon-json.yml",
            "--format",
            "json",
        ])
        .run();
    let report: CheckJson = serde_json::from_slice(&out.stdout).expect("check JSON");
    assert!(report.summary.valid);
    assert_eq!(report.summary.controls, 1);
    assert_eq!(
        report
            .warnings
            .iter()
            .map(|w| w.msg.as_str())
            .collect::<Vec<_>>(),
        ["Control local-daemon-json-permissions has no descriptions"]
    );
    assert_eq!(
        report.warnings[0].control_id.as_deref(),
        Some("local-daemon-json-permissions")
    );
    let out = Test::new()
        .args(&[
            "check",
            "fixtures/yaml/err/bad_impact.yml",
            "--format",
            "json",
        ])
        .status(1)
        .run();
    let report: CheckJson = serde_json::from_slice(&out.stdout).expect("check JSON");
    assert_eq!(report.errors.len(), 1);
    assert_eq!(report.errors[0].line, Some(2));
}

#[test]
fn a_missing_path_is_an_error() {
    let out = Test::new()
        .args(&["check", "no/such/profile"])
        .status(1)
        .run();
    assert!(out.stdout.is_empty());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("cannot read `no/such/profile`"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_bad_format_is_a_usage_error() {
    Test::new()
        .args(&["check", "profiles/docker-host", "--format", "xml"])
        .status(1)
        .run();
}
