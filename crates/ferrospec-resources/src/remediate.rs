//! Plans the fix for the controls that failed: which audit rule lines to append to which
//! drop-in file, and which rules to load into the kernel.
//!
//! The fixes come from the profile's data only (`ControlReport::remediation`, with every
//! `${…}` resolved by the run); controls that errored or were skipped are left out, since an
//! error means we do not know. A rule is *present* when the rules already there watch the same
//! thing or more, by the structural comparison `have_watch` uses, so a narrower rule gets a new
//! wider rule beside it and a rule on a near path (`/usr/bin/dockerd`) does not count.
//!
//! This module reads the host and decides; it never writes a file or loads a rule. Applying a
//! plan is the command's job.

use std::io;
use std::time::Duration;

use ferrospec_core::results::{RunReport, Status};

use crate::host::Host;
use crate::resource::Ctx;
use crate::resource::auditd::have_watch::{Located, WatchSpec, covers};
use crate::resource::auditd::persisted::{PersistedLayout, RULES_DIR, read_persisted};
use crate::resource::auditd::rule::{AuditRule, tokenize};
use crate::resource::auditd::{canonical_path, read_loaded};

/// What `ferrospec remediate` would do.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RemediationPlan {
    /// Every failed control, in report order, with what is done for it.
    pub controls: Vec<ControlFix>,
    /// Lines to append, one entry per drop-in file, in the order first needed.
    pub files: Vec<FileChange>,
    /// Rules to load into the kernel, in order.
    pub loads: Vec<RuleLoad>,
    /// The loaded rules are locked (`auditctl -s` says `enabled 2`): nothing can be loaded
    /// until the next boot.
    pub immutable: bool,
    /// The `auditctl` program that was found (`/sbin/auditctl`).
    pub auditctl: String,
    /// Controls that errored, and so were left out.
    pub errored: Vec<String>,
}

impl RemediationPlan {
    /// Whether there is nothing to write and nothing to load.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty() && self.loads.is_empty()
    }
}

/// One failed control and its rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ControlFix {
    /// The profile.
    pub profile: String,
    /// The control id.
    pub id: String,
    /// The rules of its remediation; empty when the profile gives none.
    pub rules: Vec<RuleFix>,
    /// Whether the profile gives a remediation at all.
    pub has_remediation: bool,
}

/// One rule line of a control's remediation, and what it needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleFix {
    /// The line as the profile gives it.
    pub line: String,
    /// The drop-in file it belongs in.
    pub file: String,
    /// It is appended to `file` (no persisted rule covers it).
    pub persist: bool,
    /// It is loaded (no loaded rule covers it); the line loaded may be the persisted rule that
    /// covers it, so that the kernel holds what the disk holds.
    pub load: Option<String>,
}

/// Lines appended to one drop-in file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileChange {
    /// The file.
    pub path: String,
    /// Its content when planned; `None` when it does not exist.
    pub existing: Option<Vec<u8>>,
    /// The lines to append, without newlines.
    pub lines: Vec<String>,
}

impl FileChange {
    /// The content after the change: the existing bytes unchanged, a newline if the last line
    /// lacks one, then the new lines.
    pub fn new_content(&self) -> Vec<u8> {
        let mut out = self.existing.clone().unwrap_or_default();
        if out.last().is_some_and(|b| *b != b'\n') {
            out.push(b'\n');
        }
        for line in &self.lines {
            out.extend_from_slice(line.as_bytes());
            out.push(b'\n');
        }
        out
    }

    /// The number of lines the file has now.
    pub fn existing_lines(&self) -> usize {
        self.existing
            .as_deref()
            .map_or(0, |b| String::from_utf8_lossy(b).lines().count())
    }
}

/// A rule to load with `auditctl`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleLoad {
    /// The line.
    pub line: String,
    /// Its words, as `auditctl` takes them.
    pub words: Vec<String>,
    /// How `auditctl -l` lists it once loaded.
    pub listing: String,
}

impl RuleLoad {
    /// The words that delete it again: `-w` becomes `-W`, `-a`/`-A` become `-d`.
    pub fn delete_words(&self) -> Vec<String> {
        self.words
            .iter()
            .map(|w| match w.as_str() {
                "-w" => "-W".to_owned(),
                "-a" | "-A" => "-d".to_owned(),
                other => other.to_owned(),
            })
            .collect()
    }
}

/// Why no plan could be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    /// A remediation line is not an audit rule.
    #[error("control `{control}` has an invalid remediation rule `{line}`: {reason}")]
    BadRule {
        /// The control.
        control: String,
        /// The line.
        line: String,
        /// Why.
        reason: String,
    },
    /// A remediation file is not an absolute path.
    #[error(
        "control `{control}` has an invalid remediation file `{file}`, expected an absolute path"
    )]
    BadFile {
        /// The control.
        control: String,
        /// The file.
        file: String,
    },
    /// The host's rules could not be read.
    #[error("{0}")]
    Host(String),
    /// Writing the drop-in would make augenrules replace the admin's `audit.rules`.
    #[error(
        "the persisted rules are in `/etc/audit/audit.rules` and `{RULES_DIR}` has no `*.rules` file: writing `{file}` would make augenrules regenerate `audit.rules` from `{RULES_DIR}` alone and drop its rules; move them to `{RULES_DIR}` first, or give the remediation file `/etc/audit/audit.rules`"
    )]
    LayoutConflict {
        /// The drop-in that would be written.
        file: String,
    },
}

/// The rules known so far: the host's, plus what the plan adds.
struct Known {
    rules: Vec<(String, AuditRule)>,
}

impl Known {
    /// The rules, with a path that names the wanted path through a linked directory
    /// (`/lib/x` where `/lib` → `/usr/lib`) rewritten to it, as `have_watch` does.
    fn aliased(&self, want: &AuditRule, host: &dyn Host) -> Vec<(String, AuditRule)> {
        let Some(path) = &want.path else {
            return self.rules.clone();
        };
        let target = canonical_path(host, path);
        self.rules
            .iter()
            .map(|(text, rule)| {
                let mut rule = rule.clone();
                if rule
                    .path
                    .as_deref()
                    .is_some_and(|p| p != path && canonical_path(host, p) == target)
                {
                    rule.path = Some(path.clone());
                }
                (text.clone(), rule)
            })
            .collect()
    }

    /// Whether the rules here cover `want`: for a watch, the same watch or a wider one; for
    /// any other rule, the same rule.
    fn covers(&self, want: &AuditRule, host: &dyn Host) -> bool {
        let rules = self.aliased(want, host);
        let located: Vec<Located<'_>> = rules
            .iter()
            .map(|(text, rule)| Located {
                rule,
                text,
                location: None,
            })
            .collect();
        covers_rule(want, &located)
    }

    /// The first single rule that covers `want`, as written.
    fn covering_line(&self, want: &AuditRule, host: &dyn Host) -> Option<String> {
        self.aliased(want, host)
            .into_iter()
            .find_map(|(text, rule)| {
                let one = [Located {
                    rule: &rule,
                    text: &text,
                    location: None,
                }];
                covers_rule(want, &one).then_some(text)
            })
    }
}

fn covers_rule(want: &AuditRule, rules: &[Located<'_>]) -> bool {
    match (&want.path, want.is_watch()) {
        (Some(path), true) => covers(
            &WatchSpec {
                path: path.clone(),
                perms: want.effective_perms(),
                // A key labels events; a rule with another key records the same ones.
                key: None,
            },
            rules,
        ),
        _ => rules.iter().any(|r| r.rule == want),
    }
}

/// Reads the host's loaded and persisted rules and plans the fix for every failed control of
/// `report`. A control whose remediation names no file writes to
/// `/etc/audit/rules.d/<profile name>.rules`.
pub fn plan(
    report: &RunReport,
    host: &dyn Host,
    timeout: Duration,
) -> Result<RemediationPlan, PlanError> {
    let mut plan = RemediationPlan::default();
    let failed: Vec<_> = report
        .profiles
        .iter()
        .flat_map(|p| p.controls.iter().map(move |c| (p, c)))
        .filter(|(_, c)| matches!(c.status(), Status::Failed | Status::Error))
        .collect();
    for (_, c) in &failed {
        if c.status() == Status::Error {
            plan.errored.push(c.id.clone());
        }
    }
    if failed.iter().all(|(_, c)| c.status() == Status::Error) {
        return Ok(plan);
    }
    let persisted = read_persisted(host).map_err(PlanError::Host)?;
    let ctx = Ctx { host, timeout };
    let (auditctl, loaded) = read_loaded(&ctx).map_err(PlanError::Host)?;
    plan.immutable = host
        .run(&auditctl, &["-s"], timeout)
        .is_ok_and(|o| o.stdout.lines().any(|l| l.trim() == "enabled 2"));
    plan.auditctl = auditctl;
    let mut on_disk = Known {
        rules: persisted
            .rules
            .iter()
            .filter_map(|r| {
                r.rule
                    .as_ref()
                    .ok()
                    .map(|rule| (r.text.clone(), rule.clone()))
            })
            .collect(),
    };
    let mut in_kernel = Known {
        rules: loaded.rules,
    };
    for (profile, c) in failed {
        if c.status() != Status::Failed {
            continue;
        }
        let mut fix = ControlFix {
            profile: profile.name.clone(),
            id: c.id.clone(),
            rules: Vec::new(),
            has_remediation: c.remediation.is_some(),
        };
        let Some(remediation) = &c.remediation else {
            plan.controls.push(fix);
            continue;
        };
        let file = remediation
            .file
            .clone()
            .unwrap_or_else(|| format!("{RULES_DIR}/{}.rules", profile.name));
        if !file.starts_with('/') || file.ends_with('/') || file.contains('\n') {
            return Err(PlanError::BadFile {
                control: c.id.clone(),
                file,
            });
        }
        for line in &remediation.audit_rules {
            let line = line.trim();
            let bad = |reason: String| PlanError::BadRule {
                control: c.id.clone(),
                line: line.to_owned(),
                reason,
            };
            let words = tokenize(line).map_err(|e| bad(e.to_string()))?;
            let want = AuditRule::parse_words(&words).map_err(|e| bad(e.to_string()))?;
            if want.delete {
                return Err(bad("it removes a rule instead of adding one".into()));
            }
            let persist = !on_disk.covers(&want, host);
            let load = if in_kernel.covers(&want, host) {
                None
            } else if persist {
                Some(line.to_owned())
            } else {
                Some(
                    on_disk
                        .covering_line(&want, host)
                        .unwrap_or_else(|| line.to_owned()),
                )
            };
            if persist {
                if persisted.layout == PersistedLayout::AuditRules
                    && !persisted.rules.is_empty()
                    && file.starts_with(&format!("{RULES_DIR}/"))
                    && has_rules_suffix(&file)
                {
                    return Err(PlanError::LayoutConflict { file });
                }
                add_line(&mut plan.files, host, &file, line)?;
                on_disk.rules.push((line.to_owned(), want.clone()));
            }
            if let Some(load) = &load {
                let words = tokenize(load).map_err(|e| bad(e.to_string()))?;
                let rule = AuditRule::parse_words(&words).map_err(|e| bad(e.to_string()))?;
                plan.loads.push(RuleLoad {
                    line: load.clone(),
                    words,
                    listing: rule.listing(),
                });
                in_kernel.rules.push((load.clone(), rule));
            }
            fix.rules.push(RuleFix {
                line: line.to_owned(),
                file: file.clone(),
                persist,
                load,
            });
        }
        plan.controls.push(fix);
    }
    Ok(plan)
}

#[allow(clippy::case_sensitive_file_extension_comparisons)]
fn has_rules_suffix(file: &str) -> bool {
    // augenrules matches `\.rules$` case-sensitively.
    file.ends_with(".rules")
}

fn add_line(
    files: &mut Vec<FileChange>,
    host: &dyn Host,
    file: &str,
    line: &str,
) -> Result<(), PlanError> {
    if let Some(change) = files.iter_mut().find(|f| f.path == file) {
        change.lines.push(line.to_owned());
        return Ok(());
    }
    let existing = match host.read_file(file) {
        Ok(bytes) => Some(bytes),
        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
        Err(e) => return Err(PlanError::Host(format!("cannot read `{file}`: {e}"))),
    };
    files.push(FileChange {
        path: file.to_owned(),
        existing,
        lines: vec![line.to_owned()],
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use ferrospec_core::model::Remediation;
    use ferrospec_core::results::{ControlReport, ProfileReport, ResultReport};

    use super::*;
    use crate::testing::MemHost;

    const DROP_IN: &str = "/etc/audit/rules.d/docker.rules";

    fn control(id: &str, status: Status, rules: &[&str]) -> ControlReport {
        ControlReport {
            id: id.to_owned(),
            results: vec![ResultReport {
                status: Some(status),
                ..ResultReport::default()
            }],
            remediation: Some(Remediation {
                file: Some(DROP_IN.to_owned()),
                audit_rules: rules.iter().map(|r| (*r).to_owned()).collect(),
            }),
            ..ControlReport::default()
        }
    }

    fn report(controls: Vec<ControlReport>) -> RunReport {
        RunReport {
            profiles: vec![ProfileReport {
                name: "docker-host".into(),
                controls,
                ..ProfileReport::default()
            }],
            ..RunReport::default()
        }
    }

    fn host(loaded: &str, drop_in: Option<&str>) -> MemHost {
        let mut h = MemHost::new()
            .command("/sbin/auditctl -l", loaded, "", 0)
            .command("/sbin/auditctl -s", "enabled 1\n", "", 0)
            .file("/etc/audit/rules.d/audit.rules", "-D\n-b 8192\n");
        if let Some(text) = drop_in {
            h = h.file(DROP_IN, text);
        }
        h
    }

    #[track_caller]
    fn plan_for(host: &MemHost, controls: Vec<ControlReport>) -> RemediationPlan {
        plan(&report(controls), host, Duration::from_secs(5)).expect("plan")
    }

    const RULE: &str = "-w /usr/bin/docker -p wa -k docker";

    fn loads(p: &RemediationPlan) -> Vec<&str> {
        p.loads.iter().map(|l| l.line.as_str()).collect()
    }

    #[test]
    fn no_rule_gets_the_line_and_the_load() {
        let p = plan_for(
            &host("No rules\n", None),
            vec![control("a", Status::Failed, &[RULE])],
        );
        assert_eq!(p.files.len(), 1);
        assert_eq!(p.files[0].path, DROP_IN);
        assert_eq!(p.files[0].existing, None);
        assert_eq!(p.files[0].lines, vec![RULE]);
        assert_eq!(loads(&p), vec![RULE]);
        assert_eq!(p.loads[0].delete_words()[0], "-W");
        assert!(!p.immutable);
    }

    #[test]
    fn loaded_only_gets_only_the_line() {
        let p = plan_for(
            &host(&format!("{RULE}\n"), None),
            vec![control("a", Status::Failed, &[RULE])],
        );
        assert_eq!(p.files[0].lines, vec![RULE]);
        assert!(p.loads.is_empty());
    }

    #[test]
    fn persisted_only_gets_only_a_load_of_the_persisted_rule() {
        let persisted = "-a exit,always -F path=/usr/bin/docker -F perm=rwa -F key=mine";
        let p = plan_for(
            &host("No rules\n", Some(&format!("# mine\n{persisted}\n"))),
            vec![control("a", Status::Failed, &[RULE])],
        );
        assert!(p.files.is_empty());
        assert_eq!(loads(&p), vec![persisted]);
        assert_eq!(p.loads[0].listing, "-w /usr/bin/docker -p rwa -k mine");
        assert_eq!(p.loads[0].delete_words()[0], "-d");
    }

    #[test]
    fn too_narrow_and_near_paths_get_a_new_rule_beside_them() {
        let narrow = "-w /usr/bin/docker -p w -k docker\n-w /usr/bin/dockerd -p wa -k docker\n";
        let p = plan_for(
            &host(narrow, Some(narrow)),
            vec![control("a", Status::Failed, &[RULE])],
        );
        assert_eq!(p.files[0].existing.as_deref(), Some(narrow.as_bytes()));
        assert_eq!(p.files[0].lines, vec![RULE]);
        assert_eq!(
            p.files[0].new_content(),
            format!("{narrow}{RULE}\n").into_bytes()
        );
        assert_eq!(loads(&p), vec![RULE]);
    }

    #[test]
    fn wider_rules_elsewhere_count_and_nothing_is_done_twice() {
        let wide = "-w /usr/bin/docker -p rwxa\n";
        let h = host(wide, None).file("/etc/audit/rules.d/10-admin.rules", wide);
        let p = plan_for(
            &h,
            vec![
                control("a", Status::Failed, &[RULE]),
                control("b", Status::Failed, &["-w /etc/docker -p wa -k docker"]),
                control("c", Status::Failed, &["-w /etc/docker/ -p aw -k docker"]),
            ],
        );
        assert_eq!(p.controls.len(), 3);
        assert!(p.controls[0].rules[0].load.is_none() && !p.controls[0].rules[0].persist);
        assert_eq!(p.files[0].lines, vec!["-w /etc/docker -p wa -k docker"]);
        assert_eq!(loads(&p), vec!["-w /etc/docker -p wa -k docker"]);
        assert!(!p.controls[2].rules[0].persist);
    }

    #[test]
    fn errors_skips_and_passes_are_left_out() {
        let p = plan_for(
            &host("No rules\n", None),
            vec![
                control("e", Status::Error, &[RULE]),
                control("s", Status::Skipped, &[RULE]),
                control("p", Status::Passed, &[RULE]),
            ],
        );
        assert!(p.is_empty());
        assert!(p.controls.is_empty());
        assert_eq!(p.errored, vec!["e"]);
    }

    #[test]
    fn a_missing_newline_is_added_before_the_new_lines() {
        let p = plan_for(
            &host("No rules\n", Some("-w /etc/hosts -p wa")),
            vec![control("a", Status::Failed, &[RULE])],
        );
        assert_eq!(
            p.files[0].new_content(),
            format!("-w /etc/hosts -p wa\n{RULE}\n").into_bytes()
        );
        assert_eq!(p.files[0].existing_lines(), 1);
    }

    #[test]
    fn immutable_rules_are_reported() {
        let h = host("No rules\n", None).command("/sbin/auditctl -s", "enabled 2\n", "", 0);
        let p = plan_for(&h, vec![control("a", Status::Failed, &[RULE])]);
        assert!(p.immutable);
    }

    #[test]
    fn bad_data_is_an_error() {
        let h = host("No rules\n", None);
        let err = plan(
            &report(vec![control("a", Status::Failed, &["-k nothing"])]),
            &h,
            Duration::from_secs(5),
        )
        .expect_err("not a rule");
        assert!(matches!(err, PlanError::BadRule { .. }), "{err}");
        let mut c = control("a", Status::Failed, &[RULE]);
        c.remediation = Some(Remediation {
            file: Some("rules.d/x.rules".into()),
            audit_rules: vec![RULE.into()],
        });
        let err = plan(&report(vec![c]), &h, Duration::from_secs(5)).expect_err("relative");
        assert!(matches!(err, PlanError::BadFile { .. }), "{err}");
    }

    #[test]
    fn writing_a_first_drop_in_beside_audit_rules_is_refused() {
        let h = MemHost::new()
            .command("/sbin/auditctl -l", "No rules\n", "", 0)
            .command("/sbin/auditctl -s", "enabled 1\n", "", 0)
            .file("/etc/audit/audit.rules", "-w /etc/hosts -p wa\n");
        let err = plan(
            &report(vec![control("a", Status::Failed, &[RULE])]),
            &h,
            Duration::from_secs(5),
        )
        .expect_err("conflict");
        assert!(matches!(err, PlanError::LayoutConflict { .. }), "{err}");
    }

    #[test]
    fn no_remediation_is_listed_without_rules() {
        let mut c = control("a", Status::Failed, &[]);
        c.remediation = None;
        let p = plan_for(&host("No rules\n", None), vec![c]);
        assert!(p.is_empty());
        assert!(!p.controls[0].has_remediation);
    }
}
