//! Live tests against this machine's kernel: they load audit rules with `auditctl`, write
//! persisted rules to `/etc/audit/rules.d`, create the audited paths that are missing, run the
//! binary on the local host, and restore everything they found afterwards.
//!
//! They need root and `auditctl`. Without them they are skipped, unless
//! `FERROSPEC_LIVE_TESTS=required` (set by `.ci/run`), which turns the skip into a failure.
//! They hold one lock, so they never run in parallel with each other.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Mutex, MutexGuard};

use crate::test::{Test, verdicts};

static KERNEL: Mutex<()> = Mutex::new(());

const AUDITCTL: &str = "/sbin/auditctl";
const RULES_FILE: &str = "/etc/audit/rules.d/zz-ferrospec-live.rules";
const FILES: &[&str] = &[
    "/usr/bin/docker",
    "/etc/default/docker",
    "/etc/docker/daemon.json",
    "/usr/bin/docker-containerd",
    "/usr/bin/docker-runc",
    "/lib/systemd/system/docker.service",
    "/lib/systemd/system/docker.socket",
];
const DIRS: &[&str] = &["/var/lib/docker", "/etc/docker"];
/// The audited paths, in control order (docker-1.5 … docker-1.13).
const AUDITED: &[&str] = &[
    "/usr/bin/docker",
    "/var/lib/docker",
    "/etc/docker",
    "/lib/systemd/system/docker.service",
    "/lib/systemd/system/docker.socket",
    "/etc/default/docker",
    "/etc/docker/daemon.json",
    "/usr/bin/docker-containerd",
    "/usr/bin/docker-runc",
];

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// `None` when the test may run; `Some(reason)` when it must be skipped.
fn unavailable() -> Option<String> {
    let reason = if !is_root() {
        "not root"
    } else if !Path::new(AUDITCTL).exists() {
        "auditctl is not installed"
    } else if !Command::new(AUDITCTL)
        .arg("-l")
        .output()
        .is_ok_and(|o| o.status.success())
    {
        "auditctl -l fails (no audit support in this kernel or container)"
    } else {
        return None;
    };
    assert!(
        std::env::var("FERROSPEC_LIVE_TESTS").as_deref() != Ok("required"),
        "live kernel tests are required here but cannot run: {reason}"
    );
    eprintln!("skipping live kernel test: {reason}");
    Some(reason.to_owned())
}

fn auditctl(args: &[&str]) {
    let out = Command::new(AUDITCTL)
        .args(args)
        .output()
        .expect("run auditctl");
    assert!(
        out.status.success(),
        "auditctl {}: {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn loaded_rules() -> Vec<String> {
    let out = Command::new(AUDITCTL)
        .arg("-l")
        .output()
        .expect("auditctl -l");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| *l != "No rules" && !l.trim().is_empty())
        .map(str::to_owned)
        .collect()
}

/// Splits a rule line as a shell would for the simple quoting auditctl prints.
fn words(line: &str) -> Vec<String> {
    line.split_whitespace()
        .map(|w| w.trim_matches('"').to_owned())
        .collect()
}

/// Everything the live tests change, put back on drop (also when an assertion fails).
struct Sandbox {
    _lock: MutexGuard<'static, ()>,
    saved_rules: Vec<String>,
    saved_files: BTreeMap<PathBuf, Option<Vec<u8>>>,
    created: Vec<PathBuf>,
}

impl Sandbox {
    fn new() -> Self {
        let lock = KERNEL
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut saved_files = BTreeMap::new();
        saved_files.insert(PathBuf::from(RULES_FILE), std::fs::read(RULES_FILE).ok());
        let mut sb = Sandbox {
            _lock: lock,
            saved_rules: loaded_rules(),
            saved_files,
            created: vec![],
        };
        for d in DIRS {
            sb.ensure(Path::new(d), true);
        }
        for f in FILES {
            sb.ensure(Path::new(f), false);
        }
        sb
    }

    /// Creates a path (and missing parents) if absent, remembering what it created.
    fn ensure(&mut self, p: &Path, dir: bool) {
        if p.exists() {
            return;
        }
        let mut missing = vec![];
        let mut cur = p.parent();
        while let Some(c) = cur {
            if c.exists() {
                break;
            }
            missing.push(c.to_owned());
            cur = c.parent();
        }
        for m in missing.iter().rev() {
            std::fs::create_dir(m).expect("create parent");
            self.created.push(m.clone());
        }
        if dir {
            std::fs::create_dir(p).expect("create dir");
        } else {
            std::fs::write(p, b"").expect("create file");
        }
        self.created.push(p.to_owned());
    }

    /// Removes a path this sandbox created; false when it belongs to the host.
    fn remove_created(&mut self, p: &str) -> bool {
        let p = PathBuf::from(p);
        if !self.created.contains(&p) {
            return false;
        }
        std::fs::remove_file(&p).expect("remove created file");
        self.created.retain(|c| *c != p);
        true
    }

    /// Replaces the kernel's rules with the host's own plus `rules`.
    fn load(&self, rules: &[String]) {
        auditctl(&["-D"]);
        for r in self.saved_rules.iter().chain(rules) {
            let w = words(r);
            auditctl(&w.iter().map(String::as_str).collect::<Vec<_>>());
        }
    }

    fn persist(&self, rules: &[String]) {
        let mut text =
            String::from("# written by ferrospec's live tests; removed when they finish\n");
        for r in rules {
            text.push_str(r);
            text.push('\n');
        }
        std::fs::write(RULES_FILE, text).expect("write rules file");
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = Command::new(AUDITCTL).arg("-D").output();
        for r in &self.saved_rules {
            let w = words(r);
            let _ = Command::new(AUDITCTL).args(&w).output();
        }
        for (p, content) in &self.saved_files {
            match content {
                Some(c) => {
                    let _ = std::fs::write(p, c);
                }
                None => {
                    let _ = std::fs::remove_file(p);
                }
            }
        }
        for p in self.created.iter().rev() {
            let _ = if p.is_dir() {
                std::fs::remove_dir(p)
            } else {
                std::fs::remove_file(p)
            };
        }
    }
}

fn watch(path: &str, perms: &str) -> String {
    format!("-w {path} -p {perms} -k docker")
}

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
    expect("docker-1.6", "failed", "not persisted");
    expect("docker-1.7", "failed", "not loaded");
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
