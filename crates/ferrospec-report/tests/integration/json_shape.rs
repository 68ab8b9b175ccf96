//! Locks the exec-json shape: every sample's `json` output must deserialize into these
//! strict types (`deny_unknown_fields`, required keys required), so adding, renaming or
//! dropping a key fails here before it reaches Heimdall. Keys InSpec drops when nil are
//! `Option`s; keys that must be present even when `null` are [`Nullable`].

// Most fields are never read: they exist so that deserializing checks them.
#![allow(dead_code)]

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value as Json;

use ferrospec_report::{Format, RenderOptions, render};

use crate::samples::{self, SAMPLES};

/// A key that must be present but may be `null` (a plain `Option` field would accept a
/// missing key).
#[derive(Debug, Deserialize)]
struct Nullable<T>(Option<T>);

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExecJson {
    platform: Platform,
    profiles: Vec<Profile>,
    statistics: Statistics,
    version: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Platform {
    name: String,
    release: String,
    target_id: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Statistics {
    duration: f64,
    controls: ControlStatistics,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ControlStatistics {
    passed: Total,
    failed: Total,
    skipped: Total,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Total {
    total: usize,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Profile {
    name: String,
    version: Option<String>,
    sha256: String,
    title: Option<String>,
    maintainer: Option<String>,
    summary: Option<String>,
    license: Option<String>,
    copyright: Option<String>,
    copyright_email: Option<String>,
    supports: Vec<BTreeMap<String, String>>,
    attributes: Vec<Attribute>,
    groups: Vec<Group>,
    controls: Vec<Control>,
    status: ProfileStatus,
    status_message: String,
    skip_message: Option<String>,
}

#[derive(Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
enum ProfileStatus {
    Loaded,
    Failed,
    Skipped,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Attribute {
    name: String,
    options: BTreeMap<String, Json>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Group {
    id: String,
    controls: Vec<String>,
    title: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Control {
    id: String,
    title: Nullable<String>,
    desc: Nullable<String>,
    descriptions: Vec<Description>,
    impact: f64,
    refs: Vec<Reference>,
    tags: BTreeMap<String, Json>,
    code: String,
    source_location: SourceLocation,
    waiver_data: WaiverData,
    results: Vec<ControlResult>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Description {
    label: String,
    data: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Reference {
    url: Option<String>,
    r#ref: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SourceLocation {
    r#ref: String,
    line: usize,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct WaiverData {
    justification: Option<String>,
    run: Option<bool>,
    expiration_date: Option<String>,
    skipped_due_to_waiver: Option<bool>,
    message: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ControlResult {
    status: ResultStatus,
    code_desc: String,
    run_time: f64,
    start_time: String,
    resource: Option<String>,
    skip_message: Option<String>,
    message: Option<String>,
    exception: Option<String>,
    backtrace: Option<Vec<String>>,
    resource_class: Option<String>,
    resource_params: Option<String>,
    resource_id: Option<String>,
}

/// exec-json has no `error`: an error is `failed` with an `exception`.
#[derive(Debug, Deserialize, PartialEq, Eq, Clone, Copy)]
#[serde(rename_all = "lowercase")]
enum ResultStatus {
    Passed,
    Failed,
    Skipped,
}

#[track_caller]
fn json_of(report: &ferrospec_core::results::RunReport) -> String {
    let mut out = Vec::new();
    render(report, Format::Json, &RenderOptions::default(), &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

#[track_caller]
fn parse(report: &ferrospec_core::results::RunReport) -> ExecJson {
    serde_json::from_str(&json_of(report)).unwrap()
}

#[test]
fn every_sample_has_the_locked_shape() {
    for (name, sample) in SAMPLES {
        let text = json_of(&sample());
        assert!(
            text.ends_with("}\n"),
            "{name}: json must end with a newline"
        );
        if let Err(err) = serde_json::from_str::<ExecJson>(&text) {
            panic!("{name}: {err}");
        }
    }
}

/// `null` appears only where InSpec keeps nil (a control's `title` and `desc`) or inside
/// user data (tags, input options): every other nil key is dropped.
#[test]
fn null_only_where_inspec_keeps_it() {
    fn walk(path: &str, value: &Json, found: &mut Vec<String>) {
        match value {
            Json::Null => found.push(path.to_owned()),
            Json::Array(items) => {
                for item in items {
                    walk(&format!("{path}[]"), item, found);
                }
            }
            Json::Object(map) => {
                for (key, item) in map {
                    walk(&format!("{path}.{key}"), item, found);
                }
            }
            _ => {}
        }
    }
    for (name, sample) in SAMPLES {
        let json: Json = serde_json::from_str(&json_of(&sample())).unwrap();
        let mut found = Vec::new();
        walk("", &json, &mut found);
        found.retain(|path| {
            ![
                ".profiles[].controls[].title",
                ".profiles[].controls[].desc",
            ]
            .contains(&path.as_str())
                && !path.starts_with(".profiles[].controls[].tags.")
                && !path.starts_with(".profiles[].attributes[].options.")
        });
        assert!(found.is_empty(), "{name}: unexpected null at {found:?}");
    }
}

#[test]
fn error_is_failed_with_exception_and_backtrace() {
    let json = parse(&samples::mixed());
    let results: Vec<&ControlResult> = json.profiles[0]
        .controls
        .iter()
        .filter(|c| c.id == "docker-3.17" || c.id == "docker-2.1")
        .flat_map(|c| &c.results)
        .collect();
    assert_eq!(results.len(), 2);
    // No exception in the report: InSpec's resource failure, and an empty backtrace.
    assert_eq!(results[0].status, ResultStatus::Failed);
    assert_eq!(
        results[0].exception.as_deref(),
        Some("Inspec::Exceptions::ResourceFailed")
    );
    assert_eq!(results[0].backtrace.as_deref(), Some(&[][..]));
    // Given ones are kept.
    assert_eq!(results[1].status, ResultStatus::Failed);
    assert_eq!(results[1].exception.as_deref(), Some("NoMethodError"));
    assert_eq!(results[1].backtrace.as_ref().map(Vec::len), Some(2));
    // A plain failure has neither.
    let plain = &json.profiles[0].controls[0].results[1];
    assert_eq!(plain.status, ResultStatus::Failed);
    assert!(plain.exception.is_none() && plain.backtrace.is_none());
}

#[test]
fn untitled_control_keeps_null_title_and_desc() {
    let json = parse(&samples::mixed());
    let bare = json.profiles[0]
        .controls
        .iter()
        .find(|c| c.id == "docker-0.1")
        .unwrap();
    assert!(bare.title.0.is_none() && bare.desc.0.is_none());
}

#[test]
fn statistics_count_controls_as_inspec() {
    let json = parse(&samples::mixed());
    let c = &json.statistics.controls;
    // docker-1.1, docker-3.17 and docker-2.1 fail; swarm, waived and bare are skipped.
    assert_eq!((c.passed.total, c.failed.total, c.skipped.total), (1, 3, 3));
    let skipped = &json.profiles[1];
    assert_eq!(skipped.status, ProfileStatus::Skipped);
    assert_eq!(
        skipped.skip_message.as_deref(),
        Some(skipped.status_message.as_str())
    );
}

#[test]
fn missing_title_key_is_rejected() {
    // The lock itself: a control without `title` must not pass as `null`.
    let text = json_of(&samples::all_pass()).replacen("\"title\": \"Keep", "\"xtitle\": \"Keep", 1);
    let err = serde_json::from_str::<ExecJson>(&text).unwrap_err();
    assert!(err.to_string().contains("xtitle"), "{err}");
}
