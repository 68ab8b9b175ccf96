//! Bad YAML controls: one clean diagnostic with <file:line:col> and a caret, exit 1. Each
//! `fixtures/yaml/err/<case>.yml` has its expected stderr in `<case>.stderr`;
//! `UPDATE_GOLDENFILES=1` rewrites them (read the diff before committing).

use crate::test::{Test, repo};

#[test]
fn every_error_fixture_renders_its_golden_diagnostic() {
    let dir = repo().join("fixtures/yaml/err");
    let update = std::env::var_os("UPDATE_GOLDENFILES").is_some();
    let mut cases: Vec<_> = std::fs::read_dir(&dir)
        .expect("fixtures/yaml/err")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "yml"))
        .collect();
    cases.sort();
    assert!(cases.len() >= 8, "error fixtures: {cases:?}");
    let mut mismatches = Vec::new();
    for case in cases {
        let rel = case
            .strip_prefix(repo())
            .expect("inside the repository")
            .to_str()
            .expect("utf-8")
            .to_owned();
        let out = Test::new().args(&["exec", &rel]).status(1).run();
        assert!(
            out.stdout.is_empty(),
            "{rel}: nothing may be written to stdout"
        );
        let stderr = String::from_utf8(out.stderr).expect("utf-8 stderr");
        assert!(!stderr.contains("panicked"), "{rel}: {stderr}");
        let golden = case.with_extension("stderr");
        if update {
            std::fs::write(&golden, &stderr).expect("write golden");
            continue;
        }
        let want = std::fs::read_to_string(&golden).unwrap_or_default();
        if want != stderr {
            mismatches.push(format!("--- {}\n{want}+++ got\n{stderr}", golden.display()));
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}

#[test]
fn every_load_error_of_a_profile_is_reported_at_once() {
    let dir = std::env::temp_dir().join(format!("ferrospec-multi-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("controls")).expect("temp profile");
    std::fs::write(dir.join("inspec.yml"), "name: multi\nversion: 0.1.0\n").expect("inspec.yml");
    for name in ["unknown_key", "unknown_matcher"] {
        std::fs::copy(
            repo().join(format!("fixtures/yaml/err/{name}.yml")),
            dir.join(format!("controls/{name}.yml")),
        )
        .expect("copy");
    }
    let out = Test::new()
        .args(&["exec", dir.to_str().expect("utf-8")])
        .status(1)
        .run();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("unknown field `shuold`"), "{stderr}");
    assert!(
        stderr.contains("unknown matcher `be_directroy`"),
        "{stderr}"
    );
    std::fs::remove_dir_all(dir).expect("clean up");
}

#[test]
fn depends_is_refused_clearly() {
    let dir = std::env::temp_dir().join(format!("ferrospec-depends-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp profile");
    std::fs::write(
        dir.join("inspec.yml"),
        "name: wrapper\nversion: 0.1.0\ndepends:\n  - name: base\n    path: ../base\n",
    )
    .expect("inspec.yml");
    let out = Test::new()
        .args(&["exec", dir.to_str().expect("utf-8")])
        .status(1)
        .run();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("profile dependencies (`depends`) are not supported yet"),
        "{stderr}"
    );
    assert!(stderr.contains("inspec.yml:3:1"), "{stderr}");
    std::fs::remove_dir_all(dir).expect("clean up");
}

#[test]
fn a_report_file_is_not_touched_when_loading_fails() {
    let dir = std::env::temp_dir().join(format!("ferrospec-keep-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let report = dir.join("report.json");
    std::fs::write(&report, "previous report\n").expect("write");
    Test::new()
        .args(&[
            "exec",
            "fixtures/yaml/err/bad_yaml.yml",
            "--reporter",
            &format!("json:{}", report.display()),
        ])
        .status(1)
        .run();
    assert_eq!(
        std::fs::read_to_string(&report).expect("read"),
        "previous report\n"
    );
    std::fs::remove_dir_all(dir).expect("clean up");
}

#[test]
fn usage_errors_exit_1() {
    let out = Test::new()
        .args(&["exec", "--reporter", "nosuch"])
        .status(1)
        .run();
    assert!(String::from_utf8_lossy(&out.stderr).contains("`nosuch` is not a valid reporter type"));
    Test::new()
        .args(&["exec", "--no-such-flag"])
        .status(1)
        .run();
    Test::new()
        .args(&["exec", "--reporter", "cli", "json"])
        .status(1)
        .run();
}

#[test]
fn controls_of_a_multi_control_file_know_their_lines() {
    let report = Test::new()
        .args(&[
            "exec",
            "fixtures/yaml/ok/all_forms.yml",
            "--controls",
            "none",
        ])
        .json();
    assert_eq!(report["profiles"][0]["controls"], serde_json::json!([]));
    let out = Test::new()
        .args(&[
            "export",
            "fixtures/yaml/ok/all_forms.yml",
            "--format",
            "json",
        ])
        .run();
    let export: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let lines: Vec<(String, u64)> = export["controls"]
        .as_array()
        .expect("controls")
        .iter()
        .map(|c| {
            (
                c["id"].as_str().expect("id").to_owned(),
                c["source_location"]["line"].as_u64().expect("line"),
            )
        })
        .collect();
    assert_eq!(
        lines,
        [
            ("example-1".to_owned(), 4),
            ("example-2".to_owned(), 28),
            ("example-3".to_owned(), 41)
        ]
    );
}
