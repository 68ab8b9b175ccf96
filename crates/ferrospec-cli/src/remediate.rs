//! `ferrospec remediate`: run the profile, plan the fix for what failed (from the profile's
//! data), print it; with `--apply` write the drop-in files and load the rules, then run again
//! and print before and after. Any failure while applying undoes the run's changes.
//!
//! Rules are loaded one by one with `auditctl <rule>` rather than `augenrules --load`, which
//! starts with `-D` and would delete every loaded rule that is not persisted, including rules an
//! admin loaded by hand (see docs/remediation.md).

use std::fmt::Write as _;
use std::io::Write;

use ferrospec_core::results::{RunReport, Status};
use ferrospec_resources::host::{CachedHost, Host, LocalHost};
use ferrospec_resources::remediate::{FileChange, RemediationPlan, plan};
use ferrospec_resources::{ExecOptions, execute};

use crate::config::RemediateConfig;
use crate::error::CliError;
use crate::exit_code;
use crate::run::{load_profiles, open_host};
use crate::script::render;
use crate::transaction::Transaction;

/// Runs `ferrospec remediate`; returns the exit code.
pub(crate) fn remediate(config: &RemediateConfig, out: &mut dyn Write) -> Result<i32, CliError> {
    let paths: Vec<_> = config.profile.iter().cloned().collect();
    let profiles = load_profiles(&paths)?;
    let opts = ExecOptions {
        inputs: config.inputs.clone(),
        timeout: config.timeout,
        version: env!("CARGO_PKG_VERSION").to_owned(),
        ..ExecOptions::default()
    };
    let host = CachedHost::new(open_host(&config.target)?);
    let before = execute(&profiles, &host, &opts)?;
    let plan = plan(&before, &host, config.timeout)?;
    let pending = if plan.is_empty() {
        exit_code::SUCCESS
    } else {
        exit_code::FAILED
    };
    if let Some(format) = config.format {
        let text = render(&plan, format).map_err(|e| CliError::Internal {
            message: format!("the remediation template does not render: {e}"),
        })?;
        write_out(out, &text)?;
        return Ok(pending);
    }
    let mut text = describe_plan(&before, &plan);
    if !config.apply {
        text.push_str(if plan.is_empty() {
            "\nNothing to do.\n"
        } else {
            "\nDry run: nothing was changed. Run again with --apply to make these changes.\n"
        });
        write_out(out, &text)?;
        return Ok(pending);
    }
    if plan.is_empty() {
        text.push_str("\nNothing to do: no file was written and no rule was loaded.\n");
        text.push_str(&before_after(&before, &before));
        write_out(out, &text)?;
        return Ok(after_code(&before));
    }
    text.push_str("\nApplying:\n");
    write_out(out, &text)?;
    apply(&plan, config, out)?;
    let after = execute(
        &profiles,
        &CachedHost::new(open_host(&config.target)?),
        &opts,
    )?;
    write_out(out, &format!("\n{}", before_after(&before, &after)))?;
    Ok(after_code(&after))
}

fn after_code(report: &RunReport) -> i32 {
    if report.counts().controls_failed > 0 {
        exit_code::FAILED
    } else {
        exit_code::SUCCESS
    }
}

fn write_out(out: &mut dyn Write, text: &str) -> Result<(), CliError> {
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(|source| CliError::Report(ferrospec_report::ReportError::Io { source }))
}

/// Writes the files, then loads the rules; on any failure undoes everything this run did.
fn apply(
    plan: &RemediationPlan,
    config: &RemediateConfig,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let host = LocalHost;
    let mut tx = Transaction::new(&host as &dyn Host, &plan.auditctl, config.timeout);
    let mut failure = None;
    for change in &plan.files {
        match tx.write(change) {
            Ok(done) => write_out(out, &format!("  {done}\n"))?,
            Err(e) => {
                failure = Some(format!("cannot write `{}`: {e}", change.path));
                break;
            }
        }
    }
    if failure.is_none() && !plan.loads.is_empty() {
        if plan.immutable {
            write_out(
                out,
                "  not loading any rule: the loaded rules are immutable (`auditctl -s` shows \
                 `enabled 2`); the rules written take effect at the next boot\n",
            )?;
        } else {
            for rule in &plan.loads {
                match tx.load(rule) {
                    Ok(done) => write_out(out, &format!("  {done}\n"))?,
                    Err(e) => {
                        failure = Some(format!("cannot load the rule `{}`: {e}", rule.line));
                        break;
                    }
                }
            }
        }
    }
    let Some(reason) = failure else {
        tx.commit();
        return Ok(());
    };
    write_out(out, "Undoing the changes of this run:\n")?;
    let mut undo_failed = Vec::new();
    for step in tx.rollback() {
        match step {
            Ok(done) => write_out(out, &format!("  {done}\n"))?,
            Err(e) => {
                write_out(out, &format!("  FAILED: {e}\n"))?;
                undo_failed.push(e);
            }
        }
    }
    Err(CliError::Apply {
        reason,
        undone: if undo_failed.is_empty() {
            "every change of this run was undone".into()
        } else {
            format!("undoing failed, fix by hand: {}", undo_failed.join("; "))
        },
    })
}

fn status_name(s: Status) -> &'static str {
    match s {
        Status::Passed => "passed",
        Status::Failed => "failed",
        Status::Skipped => "skipped",
        Status::Error => "error",
    }
}

/// The plan in words: per failed control what is done, each file's change as a diff, the
/// rules to load.
fn describe_plan(report: &RunReport, plan: &RemediationPlan) -> String {
    let mut s = String::new();
    let profiles: Vec<&str> = report.profiles.iter().map(|p| p.name.as_str()).collect();
    let counts = report.counts();
    let total = counts.controls_passed + counts.controls_failed + counts.controls_skipped;
    let _ = writeln!(
        s,
        "Profile `{}`: {total} control{}, {} failed",
        profiles.join("`, `"),
        if total == 1 { "" } else { "s" },
        counts.controls_failed
    );
    if !plan.errored.is_empty() {
        let _ = writeln!(
            s,
            "Left out, because they could not be evaluated (errors): {}",
            plan.errored.join(", ")
        );
    }
    if !plan.controls.is_empty() {
        let width = plan.controls.iter().map(|c| c.id.len()).max().unwrap_or(0);
        s.push('\n');
        for c in &plan.controls {
            if !c.has_remediation {
                let _ = writeln!(
                    s,
                    "  {:width$}  {:12}  (the profile gives no remediation)",
                    c.id, "-"
                );
            }
            for r in &c.rules {
                let action = match (r.persist, r.load.is_some()) {
                    (true, true) => "add + load",
                    (true, false) => "add",
                    (false, true) => "load",
                    (false, false) => "present",
                };
                let _ = writeln!(s, "  {:width$}  {action:12}  {}", c.id, r.line);
            }
        }
    }
    for f in &plan.files {
        s.push('\n');
        s.push_str(&diff(f));
    }
    if !plan.loads.is_empty() {
        let _ = writeln!(
            s,
            "\nRules to load into the kernel{}:",
            if plan.immutable {
                " (not possible now: the loaded rules are immutable, `enabled 2`; they load at the next boot)"
            } else {
                ""
            }
        );
        for l in &plan.loads {
            let _ = writeln!(s, "  {} {}", plan.auditctl, l.line);
        }
    }
    s
}

/// A unified diff of a file change (appends only, so no context is needed).
fn diff(f: &FileChange) -> String {
    let mut s = String::new();
    let n = f.existing_lines();
    let old = f
        .existing
        .as_deref()
        .map(|b| String::from_utf8_lossy(b).into_owned());
    match &old {
        Some(_) => {
            let _ = writeln!(s, "--- {}", f.path);
        }
        None => s.push_str("--- /dev/null\n"),
    }
    let _ = writeln!(s, "+++ {}", f.path);
    let missing_newline = old
        .as_deref()
        .is_some_and(|t| !t.is_empty() && !t.ends_with('\n'));
    let added = f.lines.len();
    if missing_newline {
        let last = old.as_deref().and_then(|t| t.lines().last()).unwrap_or("");
        let _ = writeln!(s, "@@ -{n},1 +{n},{} @@", added + 1);
        let _ = writeln!(s, "-{last}\n\\ No newline at end of file\n+{last}");
    } else {
        let _ = writeln!(s, "@@ -{n},0 +{},{added} @@", n + 1);
    }
    for line in &f.lines {
        let _ = writeln!(s, "+{line}");
    }
    s
}

/// Every control's status before and after.
fn before_after(before: &RunReport, after: &RunReport) -> String {
    let rows: Vec<(&str, Status, Option<Status>)> = before
        .profiles
        .iter()
        .flat_map(|p| &p.controls)
        .map(|c| {
            let now = after
                .profiles
                .iter()
                .flat_map(|p| &p.controls)
                .find(|a| a.id == c.id)
                .map(ferrospec_core::results::ControlReport::status);
            (c.id.as_str(), c.status(), now)
        })
        .collect();
    let width = rows.iter().map(|r| r.0.len()).max().unwrap_or(0).max(7);
    let mut s = format!("  {:width$}  {:8}  after\n", "control", "before");
    for (id, was, now) in rows {
        let _ = writeln!(
            s,
            "  {id:width$}  {:8}  {}",
            status_name(was),
            now.map_or("-", status_name)
        );
    }
    let c = after.counts();
    let _ = writeln!(
        s,
        "After: {} passed, {} failed, {} skipped",
        c.controls_passed, c.controls_failed, c.controls_skipped
    );
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diffs_of_new_and_existing_files() {
        let new = FileChange {
            path: "/etc/audit/rules.d/x.rules".into(),
            existing: None,
            lines: vec!["-w /a -p wa".into()],
        };
        assert_eq!(
            diff(&new),
            "--- /dev/null\n+++ /etc/audit/rules.d/x.rules\n@@ -0,0 +1,1 @@\n+-w /a -p wa\n"
        );
        let old = FileChange {
            existing: Some(b"# mine\n-w /b -p wa\n".to_vec()),
            ..new.clone()
        };
        assert_eq!(
            diff(&old),
            "--- /etc/audit/rules.d/x.rules\n+++ /etc/audit/rules.d/x.rules\n@@ -2,0 +3,1 @@\n+-w /a -p wa\n"
        );
        let no_newline = FileChange {
            existing: Some(b"-w /b -p wa".to_vec()),
            ..new
        };
        assert_eq!(
            diff(&no_newline),
            "--- /etc/audit/rules.d/x.rules\n+++ /etc/audit/rules.d/x.rules\n@@ -1,1 +1,2 @@\n--w /b -p wa\n\\ No newline at end of file\n+-w /b -p wa\n+-w /a -p wa\n"
        );
    }
}
