//! Live tests against this machine's kernel: they load audit rules with `auditctl`, write
//! persisted rules to `/etc/audit/rules.d`, create the audited paths that are missing, run the
//! binary on the local host, and restore everything they found afterwards (see `sandbox.rs`).
//!
//! They need root and `auditctl`. Without them they are skipped, unless
//! `FERROSPEC_LIVE_TESTS=required` (set by `.ci/run`), which turns the skip into a failure.
//! They hold one lock, so they never run in parallel with each other.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use crate::sandbox::{AUDITED, RULES_FILE, Sandbox, loaded_rules, unavailable, watch};
use crate::test::{Test, verdicts};

#[test]
fn live_every_control_passes_when_rules_are_loaded_and_persisted() {
    if unavailable().is_some() {
        return;
    }
    let sb = Sandbox::new();
    let before = loaded_rules();
    let rules: Vec<String> = AUDITED.iter().map(|p| watch(p, "wa")).collect();
    sb.load(&rules);
    sb.persist(&rules);
    let report = Test::new().args(&["exec"]).json();
    for (id, v) in verdicts(&report) {
        assert_eq!(v.status, "passed", "{id}: {v:?}");
    }
    drop(sb);
    assert_eq!(loaded_rules(), before, "the kernel's rules were restored");
    assert!(
        !Path::new(RULES_FILE).exists(),
        "the test rules file was removed"
    );
}

#[test]
fn live_each_failing_state_gets_its_verdict() {
    if unavailable().is_some() {
        return;
    }
    let mut sb = Sandbox::new();
    let na_containerd = sb.remove_created("/usr/bin/docker-containerd");
    let loaded = vec![
        watch("/usr/bin/dockerd", "wa"),
        watch("/var/lib/docker", "wa"),
        watch("/lib/systemd/system/docker.service", "r"),
        watch("/etc/default/docker.d", "wa"),
        watch("/etc/docker/daemon.json", "wa"),
        // The same rule as a watch, in syscall form: it must count.
        "-a always,exit -F path=/usr/bin/docker-runc -F perm=wa -k docker".to_owned(),
    ];
    let persisted = vec![
        watch("/usr/bin/dockerd", "wa"),
        watch("/etc/docker", "wa"),
        watch("/lib/systemd/system/docker.service", "r"),
        watch("/etc/docker/daemon.json", "wa"),
        "-a exit,always -F path=/usr/bin/docker-runc -F perm=wa -F key=docker".to_owned(),
    ];
    sb.load(&loaded);
    sb.persist(&persisted);
    let report = Test::new().args(&["exec"]).status(100).json();
    let got: BTreeMap<String, String> = verdicts(&report)
        .into_iter()
        .map(|(id, v)| (id, format!("{} {}", v.status, v.messages)))
        .collect();
    let expect = |id: &str, status: &str, text: &str| {
        let v = &got[id];
        assert!(
            v.starts_with(status) && v.contains(text),
            "{id}: expected {status} mentioning `{text}`, got: {v}"
        );
    };
    expect("docker-1.5", "failed", "/usr/bin/dockerd");
    expect("docker-1.6", "failed", "not by the persisted rules");
    expect("docker-1.7", "failed", "not by the loaded rules");
    expect("docker-1.8", "failed", "permission");
    expect("docker-1.9", "failed", "/lib/systemd/system/docker.socket");
    expect("docker-1.10", "failed", "/etc/default/docker.d");
    expect("docker-1.11", "passed", "");
    if na_containerd {
        expect("docker-1.12", "skipped", "does not exist");
    }
    expect("docker-1.13", "passed", "");
}

#[test]
fn live_an_unprivileged_user_gets_errors_never_passes() {
    if unavailable().is_some() {
        return;
    }
    let sb = Sandbox::new();
    let rules: Vec<String> = AUDITED.iter().map(|p| watch(p, "wa")).collect();
    sb.load(&rules);
    sb.persist(&rules);
    let out = Command::new("setpriv")
        .args([
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            "--",
            env!("CARGO_BIN_EXE_ferrospec"),
            "exec",
            "--reporter",
            "json",
        ])
        .current_dir("/")
        .output()
        .expect("run setpriv");
    assert_eq!(
        out.status.code(),
        Some(100),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json report");
    for (id, v) in verdicts(&report) {
        assert_eq!(v.status, "error", "{id}: {v:?}");
    }
}

/// dev-sec's classic form (`its(:lines) { should include '-w … -p rwxa -k docker' }` under a
/// file-level `only_if { command('docker').exist? }`) gives InSpec's verdicts on the kernel: a
/// rule loaded without `-p` lists as `-p rwxa` and passes; one loaded with `-p wa` fails the
/// exact line, while the structural control passes both.
#[test]
fn live_the_classic_dsl_form_gives_inspec_verdicts() {
    if unavailable().is_some() {
        return;
    }
    let sb = Sandbox::new();
    let statuses = |report: &serde_json::Value| -> Vec<(String, String)> {
        verdicts(report)
            .into_iter()
            .map(|(id, v)| (id, v.status))
            .collect()
    };
    let rule = vec!["-w /usr/bin/docker -k docker".to_owned()];
    sb.load(&rule);
    sb.persist(&rule);
    let report = Test::new()
        .args(&["exec", "controls/docker-audit-rules.rb"])
        .json();
    assert_eq!(
        statuses(&report),
        [
            ("local-docker-auditd-line".to_owned(), "passed".to_owned()),
            (
                "local-docker-auditd-structural".to_owned(),
                "passed".to_owned()
            )
        ]
    );
    let rule = vec![watch("/usr/bin/docker", "wa")];
    sb.load(&rule);
    sb.persist(&rule);
    let report = Test::new()
        .args(&["exec", "controls/docker-audit-rules.rb"])
        .status(100)
        .json();
    assert_eq!(
        statuses(&report),
        [
            ("local-docker-auditd-line".to_owned(), "failed".to_owned()),
            (
                "local-docker-auditd-structural".to_owned(),
                "passed".to_owned()
            )
        ]
    );
}
