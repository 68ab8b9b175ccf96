//! Every verdict of the bundled docker-host profile, proven on fixture hosts.

use crate::test::{Test, repo, verdicts};

fn host(name: &str) -> String {
    format!(
        "fixture://{}",
        repo().join("fixtures/hosts").join(name).display()
    )
}

/// Checks each control's status and that its messages mention each given text.
#[track_caller]
fn assert_verdicts(host_name: &str, status: i32, expected: &[(&str, &str, &[&str])]) {
    let report = Test::new()
        .args(&["exec", "--target", &host(host_name)])
        .status(status)
        .json();
    let got = verdicts(&report);
    let mut problems = Vec::new();
    assert_eq!(got.len(), expected.len(), "controls in the report: {got:?}");
    for ((id, v), (eid, estatus, texts)) in got.iter().zip(expected) {
        if id != eid || v.status != *estatus {
            problems.push(format!(
                "{eid}: expected {estatus}, got {id} {} ({})",
                v.status, v.messages
            ));
        }
        for t in *texts {
            if !v.messages.contains(t) {
                problems.push(format!(
                    "{eid}: message does not mention `{t}`: {}",
                    v.messages
                ));
            }
        }
        let expected_impact = if *estatus == "skipped" { 0.0 } else { 0.5 };
        if (v.impact - expected_impact).abs() > f64::EPSILON {
            problems.push(format!(
                "{eid}: impact {} instead of {expected_impact}",
                v.impact
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The bundled profile's controls, in order.
const IDS: [&str; 9] = [
    "docker-1.5",
    "docker-1.6",
    "docker-1.7",
    "docker-1.8",
    "docker-1.9",
    "docker-1.10",
    "docker-1.11",
    "docker-1.12",
    "docker-1.13",
];

/// Every control with the same status, its messages mentioning each of `texts`.
#[track_caller]
fn assert_all(host_name: &str, status: i32, verdict: &str, texts: &[&str]) {
    let expected: Vec<(&str, &str, &[&str])> = IDS.iter().map(|id| (*id, verdict, texts)).collect();
    assert_verdicts(host_name, status, &expected);
}

#[test]
fn compliant_host_passes_every_control() {
    assert_all("compliant", 0, "passed", &[]);
}

#[test]
fn audit_rules_file_and_unit_directories_are_used_without_augenrules_and_systemd() {
    assert_all("audit-rules-no-systemd", 0, "passed", &[]);
}

#[test]
fn noncompliant_host_fails_with_the_reason() {
    assert_verdicts(
        "noncompliant",
        100,
        &[
            ("docker-1.5", "failed", &["/usr/bin/dockerd"]),
            ("docker-1.6", "failed", &["not by the persisted rules"]),
            ("docker-1.7", "failed", &["not by the loaded rules"]),
            ("docker-1.8", "failed", &["permission"]),
            (
                "docker-1.9",
                "failed",
                &["/lib/systemd/system/docker.socket"],
            ),
            ("docker-1.10", "failed", &["/etc/default/docker.d"]),
            ("docker-1.11", "passed", &[]),
            (
                "docker-1.12",
                "skipped",
                &["/usr/bin/docker-containerd does not exist"],
            ),
            ("docker-1.13", "passed", &[]),
        ],
    );
}

#[test]
fn host_without_docker_is_not_applicable() {
    assert_all("no-docker", 101, "skipped", &["does not apply"]);
}

/// When the loaded rules cannot be read, every applicable control is an error: never a pass.
#[track_caller]
fn all_errors(host_name: &str, text: &str) {
    assert_all(host_name, 100, "error", &[text]);
}

#[test]
fn missing_auditctl_is_an_error() {
    all_errors("auditctl-missing", "does not exist");
}

#[test]
fn auditctl_refusing_a_user_is_an_error() {
    all_errors("not-root", "You must be root to run this program.");
}

#[test]
fn auditctl_that_hangs_is_an_error() {
    all_errors("auditctl-hangs", "did not finish");
}

#[test]
fn a_mounted_root_cannot_tell_loaded_rules() {
    // The compliant host's files, scanned as a mounted root: persisted rules are there, but
    // the kernel's loaded rules are unknown, so nothing may pass.
    let root = repo().join("fixtures/hosts/compliant/root");
    let report = Test::new()
        .args(&["exec", "--target", root.to_str().expect("utf-8 path")])
        .status(100)
        .json();
    for (id, v) in verdicts(&report) {
        assert_eq!(v.status, "error", "{id}: {v:?}");
    }
}

#[test]
fn controls_and_tags_select_before_evaluation() {
    let report = Test::new()
        .args(&[
            "exec",
            "--target",
            &host("noncompliant"),
            "--controls",
            "docker-1.11",
            "/1\\.13$/",
            "--tags",
            "host-1.7",
        ])
        .status(100)
        .json();
    let ids: Vec<String> = verdicts(&report).into_iter().map(|(id, _)| id).collect();
    // docker-1.5 is selected by its dev-sec tag value `host-1.7` (a union, as InSpec does).
    assert_eq!(ids, ["docker-1.5", "docker-1.11", "docker-1.13"]);
    // Only passing controls selected: nothing else was evaluated, or the run would fail.
    Test::new()
        .args(&[
            "exec",
            "--target",
            &host("noncompliant"),
            "--controls",
            "docker-1.11",
            "docker-1.13",
        ])
        .run();
}

#[test]
fn a_rule_through_a_linked_directory_counts_for_the_same_file() {
    // /lib links to /usr/lib: a rule on /lib/systemd/system/docker.service watches the unit
    // file found at /usr/lib/systemd/system/docker.service.
    assert_all("merged-usr", 0, "passed", &[]);
}
