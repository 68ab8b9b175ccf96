//! Checks of the formats beyond their goldens: `json-min`'s shape is locked like `json`'s,
//! `yaml` holds the same document as `json`, and `junit2` reads back (with quick-junit's
//! own reader) with the counts of the report.

// Most fields are never read: they exist so that deserializing checks them.
#![allow(dead_code)]

use serde::Deserialize;

use ferrospec_core::results::RunReport;
use ferrospec_report::{Format, RenderOptions, render};

use crate::samples::SAMPLES;

#[track_caller]
fn output(report: &RunReport, format: Format) -> String {
    let mut out = Vec::new();
    render(report, format, &RenderOptions::default(), &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonMin {
    controls: Vec<MinResult>,
    statistics: MinStatistics,
    version: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MinStatistics {
    duration: f64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MinResult {
    id: String,
    profile_id: String,
    profile_sha256: String,
    status: String,
    code_desc: String,
    skip_message: Option<String>,
    resource: Option<String>,
    message: Option<String>,
    exception: Option<String>,
    backtrace: Option<Vec<String>>,
}

#[test]
fn json_min_has_one_entry_per_result() {
    for (name, sample) in SAMPLES {
        let report = sample();
        let json: JsonMin = serde_json::from_str(&output(&report, Format::JsonMin))
            .unwrap_or_else(|err| panic!("{name}: {err}"));
        let results: Vec<(&str, &str)> = report
            .profiles
            .iter()
            .flat_map(|p| &p.controls)
            .flat_map(|c| {
                c.results
                    .iter()
                    .map(move |r| (c.id.as_str(), r.code_desc.as_str()))
            })
            .collect();
        let entries: Vec<(&str, &str)> = json
            .controls
            .iter()
            .map(|e| (e.id.as_str(), e.code_desc.as_str()))
            .collect();
        assert_eq!(entries, results, "{name}");
        assert!(
            json.controls
                .iter()
                .all(|e| ["passed", "failed", "skipped"].contains(&e.status.as_str())),
            "{name}: status outside InSpec's enum"
        );
        // An error is `failed` with an exception, exactly as in `json`.
        for entry in &json.controls {
            if entry.exception.is_some() {
                assert_eq!(entry.status, "failed", "{name}");
                assert!(entry.backtrace.is_some(), "{name}");
            }
        }
    }
}

#[test]
fn yaml_holds_the_json_document() {
    for (name, sample) in SAMPLES {
        let report = sample();
        let from_yaml: serde_json::Value =
            serde_yaml::from_str(&output(&report, Format::Yaml)).unwrap();
        let from_json: serde_json::Value =
            serde_json::from_str(&output(&report, Format::Json)).unwrap();
        assert_eq!(from_yaml, from_json, "{name}");
    }
}

#[test]
fn junit_reads_back_with_the_report_counts() {
    for (name, sample) in SAMPLES {
        let report = sample();
        let junit = quick_junit::Report::deserialize_from_str(&output(&report, Format::Junit2))
            .unwrap_or_else(|err| panic!("{name}: {err}"));
        let counts = report.counts();
        assert_eq!(junit.test_suites.len(), report.profiles.len(), "{name}");
        assert_eq!(
            junit.tests,
            counts.passed + counts.failed + counts.skipped,
            "{name}"
        );
        assert_eq!(junit.errors, counts.errors, "{name}");
        assert_eq!(junit.failures, counts.failed - counts.errors, "{name}");
        let skipped: usize = junit
            .test_suites
            .iter()
            .map(|s| {
                s.extra
                    .get("skipped")
                    .map_or(0, |v| v.as_str().parse::<usize>().unwrap())
            })
            .sum();
        assert_eq!(skipped, counts.skipped, "{name}");
        for (suite, profile) in junit.test_suites.iter().zip(&report.profiles) {
            assert_eq!(suite.name.as_str(), profile.name, "{name}");
            assert_eq!(
                suite
                    .extra
                    .get("hostname")
                    .map(quick_junit::XmlString::as_str),
                Some(report.target.as_str()),
                "{name}"
            );
        }
    }
}
