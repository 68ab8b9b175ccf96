//! The live-test sandbox: loads audit rules, writes a persisted rules file and creates the
//! audited paths that are missing, and puts everything back when dropped. Shared by the live
//! tests and the benchmark (`benches/exec_vs_auditctl.rs` includes this file by path).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Mutex, MutexGuard};

static KERNEL: Mutex<()> = Mutex::new(());

pub(crate) const AUDITCTL: &str = "/sbin/auditctl";
pub(crate) const RULES_FILE: &str = "/etc/audit/rules.d/zz-ferrospec-live.rules";
/// The drop-in `ferrospec remediate` writes for the docker-host profile, and its backup.
pub(crate) const DROP_IN: &str = "/etc/audit/rules.d/docker.rules";
pub(crate) const DROP_IN_BACKUP: &str = "/etc/audit/rules.d/docker.rules.ferrospec.bak";
/// An admin's rules file that remediation must leave alone.
pub(crate) const UNRELATED: &str = "/etc/audit/rules.d/50-unrelated.rules";
const RULES_DIR: &str = "/etc/audit/rules.d";
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
pub(crate) const AUDITED: &[&str] = &[
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

pub(crate) fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// `None` when the test may run; `Some(reason)` when it must be skipped.
pub(crate) fn unavailable() -> Option<String> {
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
    #[allow(clippy::print_stderr)]
    {
        eprintln!("skipping live kernel test: {reason}");
    }
    Some(reason.to_owned())
}

pub(crate) fn auditctl(args: &[&str]) {
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

pub(crate) fn loaded_rules() -> Vec<String> {
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
pub(crate) struct Sandbox {
    _lock: MutexGuard<'static, ()>,
    /// Held across processes: test binaries of other checkouts must not touch the kernel at
    /// the same time.
    _file_lock: std::fs::File,
    saved_rules: Vec<String>,
    saved_files: BTreeMap<PathBuf, Option<Vec<u8>>>,
    created: Vec<PathBuf>,
    /// The names in the rules directory when the sandbox started; any other is removed.
    rules_dir: Vec<String>,
}

fn list_rules_dir() -> Vec<String> {
    std::fs::read_dir(RULES_DIR)
        .map(|d| {
            d.filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default()
}

impl Sandbox {
    pub(crate) fn new() -> Self {
        let lock = KERNEL
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let file_lock = std::fs::File::create("/run/lock/ferrospec-live-tests.lock")
            .or_else(|_| {
                std::fs::File::create(std::env::temp_dir().join("ferrospec-live-tests.lock"))
            })
            .expect("create the lock file");
        file_lock.lock().expect("lock the kernel for this test");
        let mut saved_files = BTreeMap::new();
        for f in [RULES_FILE, DROP_IN, DROP_IN_BACKUP, UNRELATED] {
            saved_files.insert(PathBuf::from(f), std::fs::read(f).ok());
        }
        let mut sb = Sandbox {
            _lock: lock,
            _file_lock: file_lock,
            saved_rules: loaded_rules(),
            saved_files,
            created: vec![],
            rules_dir: list_rules_dir(),
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
            if p.starts_with("/usr/bin") {
                // A program: `command('docker').exist?` looks for an executable.
                use std::os::unix::fs::PermissionsExt;
                std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o755)).expect("chmod");
            }
        }
        self.created.push(p.to_owned());
    }

    /// Removes a path this sandbox created; false when it belongs to the host.
    pub(crate) fn remove_created(&mut self, p: &str) -> bool {
        let p = PathBuf::from(p);
        if !self.created.contains(&p) {
            return false;
        }
        std::fs::remove_file(&p).expect("remove created file");
        self.created.retain(|c| *c != p);
        true
    }

    /// Replaces the kernel's rules with the host's own plus `rules`.
    pub(crate) fn load(&self, rules: &[String]) {
        auditctl(&["-D"]);
        for r in self.saved_rules.iter().chain(rules) {
            let w = words(r);
            auditctl(&w.iter().map(String::as_str).collect::<Vec<_>>());
        }
    }

    /// Writes a file, which is put back as it was (or removed) on drop.
    pub(crate) fn write_file(&mut self, path: &str, text: &str) {
        self.saved_files
            .entry(PathBuf::from(path))
            .or_insert_with(|| std::fs::read(path).ok());
        std::fs::write(path, text).expect("write file");
    }

    // A method, although it needs no state: only a sandbox, which puts the file back, may write it.
    #[allow(clippy::unused_self)]
    pub(crate) fn persist(&self, rules: &[String]) {
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
        for name in list_rules_dir() {
            if !self.rules_dir.contains(&name) {
                let _ = std::fs::remove_file(Path::new(RULES_DIR).join(name));
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

/// A watch rule with the docker key.
pub(crate) fn watch(path: &str, perms: &str) -> String {
    format!("-w {path} -p {perms} -k docker")
}
