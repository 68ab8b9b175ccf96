//! Controls written in the InSpec DSL, end to end.

use crate::test::{Test, repo};

fn host(name: &str) -> String {
    format!(
        "fixture://{}",
        repo().join("fixtures/hosts").join(name).display()
    )
}

/// The controls of a JSON report without what differs between a DSL file and its YAML twin
/// (`source_location`, `code`) and without times.
fn comparable(report: &serde_json::Value) -> serde_json::Value {
    let mut controls = report["profiles"][0]["controls"].clone();
    for c in controls.as_array_mut().expect("controls") {
        let c = c.as_object_mut().expect("control");
        c.remove("source_location");
        c.remove("code");
        for r in c["results"].as_array_mut().expect("results") {
            let r = r.as_object_mut().expect("result");
            r.remove("run_time");
            r.remove("start_time");
        }
    }
    controls
}

#[test]
fn a_dsl_control_and_its_yaml_twin_give_the_same_report() {
    for (host_name, status) in [
        ("noncompliant", 100),
        ("compliant", 101),
        ("no-docker", 101),
    ] {
        let dsl = Test::new()
            .args(&[
                "exec",
                "fixtures/dsl/twin/docker_daemon.rb",
                "--target",
                &host(host_name),
            ])
            .status(status)
            .json();
        let yaml = Test::new()
            .args(&[
                "exec",
                "fixtures/dsl/twin/docker_daemon.yml",
                "--target",
                &host(host_name),
            ])
            .status(status)
            .json();
        let (d, y) = (comparable(&dsl), comparable(&yaml));
        assert_eq!(d, y, "{host_name}: DSL\n{d:#}\nYAML\n{y:#}");
        assert_eq!(d.as_array().map(Vec::len), Some(2));
    }
}

/// Every control shape of `dsl-usage.md` §4 that the subset covers, with the verdict InSpec
/// gives on the `compliant` fixture host (and an error for the one outside the subset).
#[test]
fn dsl_shapes_give_inspec_verdicts() {
    let report = Test::new()
        .args(&[
            "exec",
            "fixtures/dsl/run/shapes.rb",
            "--target",
            &host("compliant"),
        ])
        .status(100)
        .json();
    let got: Vec<(String, String, f64, usize)> = crate::test::verdicts(&report)
        .into_iter()
        .zip(
            report["profiles"][0]["controls"]
                .as_array()
                .expect("controls"),
        )
        .map(|((id, v), c)| {
            (
                id,
                v.status,
                v.impact,
                c["results"].as_array().map_or(0, Vec::len),
            )
        })
        .collect();
    let expected: &[(&str, &str, f64, usize)] = &[
        ("shape-literal", "passed", 0.7, 2),
        ("shape-guard", "passed", 0.5, 1),
        ("shape-na-guard", "skipped", 0.0, 1),
        ("shape-locals", "passed", 0.5, 1),
        ("shape-manual", "skipped", 0.5, 1),
        ("shape-loop", "passed", 0.5, 2),
        // InSpec's exact-line semantics: the loaded rule lists as `-p wa`, not `-p rwxa`.
        ("shape-classic", "failed", 1.0, 1),
        ("shape-na-branch", "skipped", 0.0, 1),
        ("shape-chain", "passed", 0.5, 1),
        ("shape-operators", "passed", 0.5, 3),
        // describe.one reports only the passing group.
        ("shape-one", "passed", 0.5, 1),
        ("shape-permissions", "passed", 0.5, 4),
        ("shape-ternary", "passed", 0.5, 2),
        // `case` is outside the subset: only this control is an error.
        ("shape-unsupported", "error", 0.5, 1),
        // A missing JSON file skips its checks, as InSpec's resource skip does.
        ("shape-json", "skipped", 0.5, 2),
    ];
    let mut problems = Vec::new();
    for (i, (id, status, impact, results)) in expected.iter().enumerate() {
        let Some(g) = got.get(i) else {
            problems.push(format!("{id}: missing"));
            continue;
        };
        if g.0 != *id || g.1 != *status || (g.2 - impact).abs() > f64::EPSILON || g.3 != *results {
            problems.push(format!(
                "expected {id} {status} impact {impact} with {results} results, got {g:?}"
            ));
        }
    }
    // The bare top-level describe is an anonymous control.
    match got.last() {
        Some((id, status, impact, 1))
            if id.starts_with("(generated from shapes.rb:")
                && status == "passed"
                && (impact - 0.5).abs() < f64::EPSILON => {}
        other => problems.push(format!("anonymous control: {other:?}")),
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    let literal = &report["profiles"][0]["controls"][0];
    assert_eq!(
        literal["tags"],
        serde_json::json!({"host": null, "cis": "1.1", "nist": ["AU-2", "AU-12"], "cis-docker-1.13.0": "1.7"})
    );
    assert_eq!(
        literal["refs"],
        serde_json::json!([{"ref": "CIS Docker Benchmark", "url": "https://www.cisecurity.org/benchmark/docker"}])
    );
    assert_eq!(
        literal["descriptions"][1],
        serde_json::json!({"label": "check", "data": "ls -ld /etc/docker"})
    );
    let unsupported = &report["profiles"][0]["controls"][13]["results"][0];
    assert!(
        unsupported["code_desc"]
            .as_str()
            .is_some_and(|s| s.starts_with("Control Source Code Error")),
        "{unsupported}"
    );
    assert!(
        unsupported["message"]
            .as_str()
            .is_some_and(|s| s.contains("unsupported construct `case`")),
        "{unsupported}"
    );
}

#[test]
fn a_file_level_only_if_skips_every_control_of_the_file() {
    // `docker` is not a program on the no-docker host.
    let report = Test::new()
        .args(&[
            "exec",
            "fixtures/dsl/run/shapes.rb",
            "--target",
            &host("no-docker"),
        ])
        .status(101)
        .json();
    let v = crate::test::verdicts(&report);
    assert_eq!(v.len(), 16);
    for (id, v) in v {
        assert_eq!(v.status, "skipped", "{id}");
        assert!(
            v.messages.contains("docker not found"),
            "{id}: {}",
            v.messages
        );
    }
}

#[test]
fn a_syntax_error_anywhere_exits_1_with_one_diagnostic() {
    let dir = repo().join("fixtures/dsl/err");
    let mut cases: Vec<_> = std::fs::read_dir(&dir)
        .expect("fixtures/dsl/err")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "rb"))
        .collect();
    cases.sort();
    assert!(cases.len() >= 10);
    for case in cases {
        let rel = case
            .strip_prefix(repo())
            .expect("inside")
            .to_str()
            .expect("utf-8")
            .to_owned();
        let out = Test::new().args(&["exec", &rel]).status(1).run();
        let stderr = String::from_utf8_lossy(&out.stderr);
        let locations = stderr
            .lines()
            .filter(|l| l.trim_start().starts_with("--> "))
            .count();
        assert_eq!(locations, 1, "{rel}:\n{stderr}");
        assert!(stderr.contains(&format!("{rel}:")), "{rel}:\n{stderr}");
        assert!(!stderr.contains("panicked"), "{rel}:\n{stderr}");
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn anonymous_controls_count_in_the_test_summary_only() {
    let out = Test::new()
        .args(&[
            "exec",
            "fixtures/dsl/run/shapes.rb",
            "--target",
            &host("compliant"),
        ])
        .status(100)
        .run();
    let text = String::from_utf8_lossy(&out.stdout);
    // 15 named controls (9 + 2 + 4); the anonymous describe's result is among the 19 passed.
    assert!(text.ends_with("Profile Summary: 9 successful controls, 2 control failures, 4 controls skipped\nTest Summary: 19 successful, 2 failures, 4 skipped\n"), "{text}");
}
