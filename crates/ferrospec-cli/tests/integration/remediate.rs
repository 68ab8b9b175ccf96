//! `ferrospec remediate`, live on this machine's kernel (see `sandbox.rs`, which puts back every
//! rule and file it touches), plus dry runs on fixture hosts.
//!
//! Each live test starts the docker-host profile from one failing state, checks that dry runs
//! change nothing, applies, checks that `exec` then passes and that a second `--apply` changes
//! no byte, mtime or loaded rule. An admin's unrelated rules file and its loaded rule are set up
//! in every test and must stay exactly as they were.

use std::collections::BTreeMap;
use std::os::unix::fs::MetadataExt as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::SystemTime;

use crate::sandbox::{
    AUDITED, DROP_IN, DROP_IN_BACKUP, RULES_FILE, Sandbox, UNRELATED, loaded_rules, unavailable,
    watch,
};
use crate::test::{Test, repo, verdicts};

const UNRELATED_RULE: &str = "-w /etc/hosts -p wa -k unrelated";

/// Every file under /etc/audit: content, mtime, mode, owner.
type Files = BTreeMap<PathBuf, (Vec<u8>, SystemTime, u32, u32)>;

/// What remediation may change: the loaded rules and the files under /etc/audit.
#[derive(Debug, Clone, PartialEq)]
struct HostState {
    loaded: Vec<String>,
    files: Files,
}

fn collect(dir: &Path, out: &mut Files) {
    for entry in std::fs::read_dir(dir).expect("read /etc/audit") {
        let path = entry.expect("entry").path();
        let meta = std::fs::symlink_metadata(&path).expect("stat");
        if meta.is_dir() {
            collect(&path, out);
        } else {
            let bytes = std::fs::read(&path).unwrap_or_default();
            out.insert(
                path,
                (
                    bytes,
                    meta.modified().expect("mtime"),
                    meta.mode(),
                    meta.uid(),
                ),
            );
        }
    }
}

fn state() -> HostState {
    let mut files = Files::new();
    collect(Path::new("/etc/audit"), &mut files);
    HostState {
        loaded: loaded_rules(),
        files,
    }
}

impl HostState {
    fn file(&self, path: &str) -> Option<String> {
        self.files
            .get(Path::new(path))
            .map(|f| String::from_utf8_lossy(&f.0).into_owned())
    }
}

/// Runs the binary, whatever its exit code.
fn ferrospec(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ferrospec"))
        .args(args)
        .current_dir(repo())
        .output()
        .expect("run ferrospec")
}

fn text(out: &Output) -> String {
    format!(
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Control id → status of an `exec` run of the bundled profile.
fn statuses() -> BTreeMap<String, String> {
    let out = ferrospec(&["exec", "--reporter", "json"]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json report");
    let got: BTreeMap<String, String> = verdicts(&report)
        .into_iter()
        .map(|(id, v)| (id, v.status))
        .collect();
    let expected = if got.values().any(|s| s == "failed" || s == "error") {
        100
    } else {
        0
    };
    assert_eq!(out.status.code(), Some(expected), "{}", text(&out));
    got
}

/// Sets up the unrelated admin rule (file and kernel), then `loaded` and `persisted`; runs
/// the dry runs, `--apply` twice, `exec`; hands the states before and after to `check`.
fn remediate_from(
    loaded: &[String],
    persisted: &[String],
    drop_in: Option<&str>,
    check: impl FnOnce(&HostState, &HostState),
) {
    if unavailable().is_some() {
        return;
    }
    let mut sb = Sandbox::new();
    sb.write_file(UNRELATED, &format!("{UNRELATED_RULE}\n"));
    if let Some(text) = drop_in {
        sb.write_file(DROP_IN, text);
    }
    let mut rules = vec![UNRELATED_RULE.to_owned()];
    rules.extend_from_slice(loaded);
    sb.load(&rules);
    sb.persist(persisted);
    let before = statuses();
    assert!(
        before.values().any(|s| s == "failed"),
        "the setup makes controls fail: {before:?}"
    );

    // Dry runs, in every form, write nothing and load nothing.
    let start = state();
    let dry = ferrospec(&["remediate"]);
    assert_eq!(dry.status.code(), Some(100), "{}", text(&dry));
    assert!(
        String::from_utf8_lossy(&dry.stdout).contains("Dry run: nothing was changed"),
        "{}",
        text(&dry)
    );
    for format in ["rules", "sh", "ansible"] {
        let out = ferrospec(&["remediate", "--format", format]);
        assert_eq!(out.status.code(), Some(100), "{format}: {}", text(&out));
    }
    assert_eq!(state(), start, "a dry run changed the host");

    let applied = ferrospec(&["remediate", "--apply"]);
    let after_apply = state();
    let after = statuses();
    for (id, status) in &before {
        if status == "failed" {
            assert_eq!(
                after[id],
                "passed",
                "{id} after --apply\n{}",
                text(&applied)
            );
        }
    }
    assert!(!after.values().any(|s| s == "failed"), "{after:?}");
    let expected = if after.values().any(|s| s == "error") {
        100
    } else {
        0
    };
    assert_eq!(applied.status.code(), Some(expected), "{}", text(&applied));

    // The admin's file and rule are exactly as they were.
    assert_eq!(
        after_apply.files.get(Path::new(UNRELATED)),
        start.files.get(Path::new(UNRELATED)),
        "the unrelated rules file changed"
    );
    assert!(
        after_apply.loaded.iter().any(|l| l == UNRELATED_RULE),
        "the unrelated rule was unloaded: {:?}",
        after_apply.loaded
    );
    // Nothing was unloaded.
    for rule in &start.loaded {
        assert!(
            after_apply.loaded.contains(rule),
            "`{rule}` was unloaded\n{}",
            text(&applied)
        );
    }
    if let Some(f) = after_apply.files.get(Path::new(DROP_IN)) {
        assert_eq!(f.2 & 0o7777, 0o640, "mode of the drop-in");
        assert_eq!(f.3, 0, "owner of the drop-in");
    }

    // A second --apply changes nothing at all.
    let again = ferrospec(&["remediate", "--apply"]);
    assert_eq!(again.status.code(), Some(expected), "{}", text(&again));
    assert!(
        String::from_utf8_lossy(&again.stdout).contains("Nothing to do"),
        "{}",
        text(&again)
    );
    assert_eq!(state(), after_apply, "the second --apply changed the host");
    let dry = ferrospec(&["remediate"]);
    assert_eq!(dry.status.code(), Some(0), "{}", text(&dry));

    check(&start, &after_apply);
    drop(sb);
}

fn all(perms: &str) -> Vec<String> {
    AUDITED.iter().map(|p| watch(p, perms)).collect()
}

fn drop_in_lines(state: &HostState) -> Vec<String> {
    state
        .file(DROP_IN)
        .unwrap_or_default()
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
fn live_remediate_from_no_rule_writes_and_loads() {
    remediate_from(&[], &[], None, |start, after| {
        assert!(start.file(DROP_IN).is_none());
        let lines = drop_in_lines(after);
        assert!(!lines.is_empty());
        for line in &lines {
            assert!(after.loaded.contains(line), "`{line}` was not loaded");
        }
        assert!(
            after.file(DROP_IN_BACKUP).is_none(),
            "no backup of a new file"
        );
    });
}

#[test]
fn live_remediate_loaded_only_gets_only_the_file_line() {
    remediate_from(&all("wa"), &[], None, |start, after| {
        assert_eq!(after.loaded, start.loaded, "nothing is loaded");
        assert!(!drop_in_lines(after).is_empty());
    });
}

#[test]
fn live_remediate_persisted_only_gets_only_a_load() {
    remediate_from(&[], &all("wa"), None, |start, after| {
        assert_eq!(after.files, start.files, "no file is written");
        assert!(after.loaded.len() > start.loaded.len());
    });
}

#[test]
fn live_remediate_too_narrow_gets_a_wider_rule_beside_the_narrow_one() {
    remediate_from(&all("r"), &all("r"), None, |start, after| {
        for rule in all("r") {
            assert!(after.loaded.contains(&rule), "`{rule}` was unloaded");
        }
        assert_eq!(after.file(RULES_FILE), start.file(RULES_FILE));
        for line in drop_in_lines(after) {
            assert!(line.ends_with("-p wa -k docker"), "{line}");
            assert!(after.loaded.contains(&line), "`{line}` was not loaded");
        }
    });
}

#[test]
fn live_remediate_near_path_is_left_in_place() {
    let near = vec![watch("/usr/bin/dockerd", "wa")];
    remediate_from(&near, &near, None, |start, after| {
        assert!(after.loaded.contains(&near[0]));
        assert_eq!(after.file(RULES_FILE), start.file(RULES_FILE));
        let docker = watch("/usr/bin/docker", "wa");
        assert!(drop_in_lines(after).contains(&docker));
        assert!(after.loaded.contains(&docker));
    });
}

#[test]
fn live_remediate_appends_to_an_existing_drop_in_and_keeps_a_backup() {
    let admin = "# the admin's own lines\n-w /etc/shadow -p wa -k admin";
    remediate_from(&[], &[], Some(admin), |start, after| {
        let original = &start.files[Path::new(DROP_IN)];
        let content = after.file(DROP_IN).expect("drop-in");
        assert!(
            content.starts_with(&format!("{admin}\n-w ")),
            "the existing bytes are kept: {content}"
        );
        // The backup is the original file: same bytes, same mtime.
        let backup = &after.files[Path::new(DROP_IN_BACKUP)];
        assert_eq!(backup.0, original.0);
        assert_eq!(backup.1, original.1);
    });
}

/// The test profile's fix: one rule that loads, then one the kernel refuses.
fn broken_profile() -> String {
    repo()
        .join("fixtures/remediation/broken-profile")
        .display()
        .to_string()
}

#[test]
fn live_remediate_failed_load_undoes_everything_new_file() {
    if unavailable().is_some() {
        return;
    }
    let mut sb = Sandbox::new();
    sb.write_file(UNRELATED, &format!("{UNRELATED_RULE}\n"));
    sb.load(&[UNRELATED_RULE.to_owned()]);
    let start = state();
    let out = ferrospec(&["remediate", &broken_profile(), "--apply"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stdout.contains("loaded: /sbin/auditctl -w /etc/ferrospec-rollback-test"),
        "{stdout}"
    );
    assert!(stdout.contains("deleted the rule it loaded"), "{stdout}");
    assert!(
        stdout.contains(&format!("removed {DROP_IN} (this run created it)")),
        "{stdout}"
    );
    assert!(
        stderr.contains("The path must start with '/'")
            && stderr.contains("every change of this run was undone"),
        "{stderr}"
    );
    assert_eq!(state(), start, "the host is as it was");
    drop(sb);
}

#[test]
fn live_remediate_failed_load_undoes_everything_existing_file() {
    if unavailable().is_some() {
        return;
    }
    let mut sb = Sandbox::new();
    sb.write_file(DROP_IN, "-w /etc/shadow -p wa -k admin\n");
    sb.write_file(DROP_IN_BACKUP, "an older backup\n");
    sb.load(&[]);
    let start = state();
    let out = ferrospec(&["remediate", &broken_profile(), "--apply"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains(&format!("restored {DROP_IN} from {DROP_IN_BACKUP}")),
        "{stdout}"
    );
    assert_eq!(state(), start, "the host is as it was, mtimes included");
    drop(sb);
}

#[test]
fn remediate_dry_run_on_a_fixture_host() {
    let out = Test::new()
        .args(&[
            "remediate",
            "--target",
            "fixture://fixtures/hosts/noncompliant",
        ])
        .status(100)
        .run();
    let mut mint = goldenfile::Mint::new(repo().join("fixtures/remediation"));
    let mut golden = mint.new_goldenfile("noncompliant.txt").expect("golden");
    std::io::Write::write_all(&mut golden, &out.stdout).expect("write golden");
    let out = Test::new()
        .args(&[
            "remediate",
            "--target",
            "fixture://fixtures/hosts/noncompliant",
            "--format",
            "sh",
        ])
        .status(100)
        .run();
    let mut golden = mint.new_goldenfile("noncompliant.sh").expect("golden");
    std::io::Write::write_all(&mut golden, &out.stdout).expect("write golden");
}

#[test]
fn remediate_has_nothing_to_do_on_a_compliant_host() {
    let out = Test::new()
        .args(&[
            "remediate",
            "--target",
            "fixture://fixtures/hosts/compliant",
        ])
        .status(0)
        .run();
    assert!(String::from_utf8_lossy(&out.stdout).contains("Nothing to do."));
}

#[test]
fn remediate_apply_needs_the_local_host() {
    let out = Test::new()
        .args(&[
            "remediate",
            "--apply",
            "--target",
            "fixture://fixtures/hosts/noncompliant",
        ])
        .status(1)
        .run();
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: `--apply` changes this machine, so it only works with `--target local://`\n"
    );
    Test::new()
        .args(&["remediate", "--apply", "--format", "sh"])
        .status(1)
        .run();
}
