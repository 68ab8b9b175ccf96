//! The changes one `ferrospec remediate --apply` makes to this machine, and how to undo them:
//! drop-in files written atomically with a backup, and rules loaded with `auditctl`.
//!
//! A file is replaced by writing a temporary file in the same directory and renaming it over
//! the old one; the old one is first hard-linked to `<file>.ferrospec.bak`, so the backup *is*
//! the original (same bytes, mode, owner and mtime) and undoing is one rename. augenrules reads
//! only `*.rules`, so it ignores the backup. A rule is loaded with `auditctl <words>` and undone
//! with the same words after `-W` / `-d`.

use std::fs;
use std::io::{self, Write as _};
use std::os::unix::fs::{OpenOptionsExt as _, PermissionsExt as _};
use std::path::{Path, PathBuf};
use std::time::Duration;

use ferrospec_resources::host::{Host, command_line};
use ferrospec_resources::remediate::{FileChange, RuleLoad};

/// The mode auditd gives its own rules files; the drop-in always gets it, owned by root.
const MODE: u32 = 0o640;

/// A drop-in file this run wrote.
#[derive(Debug)]
struct Written {
    path: PathBuf,
    /// The backup of the file it replaced; `None` when it created the file.
    backup: Option<PathBuf>,
    /// An older backup moved aside to make room, put back on undo.
    older_backup: Option<PathBuf>,
}

/// The changes made so far.
pub(crate) struct Transaction<'a> {
    host: &'a dyn Host,
    auditctl: String,
    timeout: Duration,
    written: Vec<Written>,
    loaded: Vec<RuleLoad>,
}

/// The backup name of a drop-in file.
pub(crate) fn backup_path(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".ferrospec.bak");
    PathBuf::from(name)
}

/// A name beside `path`, hidden and not ending in `.rules`, for a file in transit.
fn side_path(path: &Path, what: &str) -> PathBuf {
    let name = path
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    path.with_file_name(format!(".{name}.ferrospec-{what}-{}", std::process::id()))
}

impl<'a> Transaction<'a> {
    pub(crate) fn new(host: &'a dyn Host, auditctl: &str, timeout: Duration) -> Self {
        Self {
            host,
            auditctl: auditctl.to_owned(),
            timeout,
            written: Vec::new(),
            loaded: Vec::new(),
        }
    }

    /// Appends the change's lines to its file; returns what was done, for the user.
    pub(crate) fn write(&mut self, change: &FileChange) -> io::Result<String> {
        let path = PathBuf::from(&change.path);
        let current = match fs::read(&path) {
            Ok(bytes) => Some(bytes),
            Err(e) if e.kind() == io::ErrorKind::NotFound => None,
            Err(e) => return Err(e),
        };
        if current != change.existing {
            return Err(io::Error::other(
                "the file changed since it was read; it was left alone",
            ));
        }
        if !path.parent().is_some_and(Path::is_dir) {
            return Err(io::Error::other("its directory does not exist"));
        }
        let mut record = Written {
            path: path.clone(),
            backup: None,
            older_backup: None,
        };
        if current.is_some() {
            let backup = backup_path(&path);
            if backup.symlink_metadata().is_ok() {
                let aside = side_path(&path, "older-bak");
                fs::rename(&backup, &aside)?;
                record.older_backup = Some(aside);
            }
            if let Err(e) = fs::hard_link(&path, &backup) {
                if let Some(aside) = &record.older_backup {
                    let _ = fs::rename(aside, &backup);
                }
                return Err(e);
            }
            record.backup = Some(backup);
        }
        let tmp = side_path(&path, "new");
        let result = (|| {
            let mut f = fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(MODE)
                .open(&tmp)?;
            f.write_all(&change.new_content())?;
            // The umask may have cleared bits of the mode.
            f.set_permissions(fs::Permissions::from_mode(MODE))?;
            std::os::unix::fs::fchown(&f, Some(0), Some(0))?;
            f.sync_all()?;
            fs::rename(&tmp, &path)
        })();
        if let Err(e) = result {
            let _ = fs::remove_file(&tmp);
            if let Some(backup) = &record.backup {
                let _ = fs::remove_file(backup);
            }
            if let Some(aside) = &record.older_backup {
                let _ = fs::rename(aside, backup_path(&path));
            }
            return Err(e);
        }
        let n = change.lines.len();
        let lines = if n == 1 { "line" } else { "lines" };
        let message = match &record.backup {
            Some(backup) => format!(
                "appended {n} {lines} to {} (backup: {})",
                path.display(),
                backup.display()
            ),
            None => format!(
                "created {} with {n} {lines} (mode {MODE:04o}, owner root)",
                path.display()
            ),
        };
        self.written.push(record);
        Ok(message)
    }

    /// Loads a rule; `Err` says why `auditctl` refused it.
    pub(crate) fn load(&mut self, rule: &RuleLoad) -> Result<String, String> {
        let words: Vec<&str> = rule.words.iter().map(String::as_str).collect();
        let shown = command_line(&self.auditctl, &words);
        match self.host.run(&self.auditctl, &words, self.timeout) {
            Ok(out) if out.exit_code == Some(0) => {
                self.loaded.push(rule.clone());
                Ok(format!("loaded: {shown}"))
            }
            Ok(out) => Err(format!(
                "`{shown}` failed: {}",
                out.stderr.trim().lines().collect::<Vec<_>>().join("; ")
            )),
            Err(e) => Err(e.to_string()),
        }
    }

    /// Keeps the changes: older backups moved aside are removed.
    pub(crate) fn commit(self) {
        for w in &self.written {
            if let Some(aside) = &w.older_backup {
                let _ = fs::remove_file(aside);
            }
        }
    }

    /// Undoes every change, newest first: deletes the rules loaded, then puts each file back
    /// (from its backup, or removes it when this run created it). Returns one line per step,
    /// `Err` for a step that failed.
    pub(crate) fn rollback(self) -> Vec<Result<String, String>> {
        let mut steps = Vec::new();
        for rule in self.loaded.iter().rev() {
            let words = rule.delete_words();
            let words: Vec<&str> = words.iter().map(String::as_str).collect();
            let shown = command_line(&self.auditctl, &words);
            steps.push(match self.host.run(&self.auditctl, &words, self.timeout) {
                Ok(out) if out.exit_code == Some(0) => {
                    Ok(format!("deleted the rule it loaded: {shown}"))
                }
                Ok(out) => Err(format!("`{shown}` failed: {}", out.stderr.trim())),
                Err(e) => Err(e.to_string()),
            });
        }
        for w in self.written.iter().rev() {
            let step = match &w.backup {
                Some(backup) => fs::rename(backup, &w.path)
                    .map(|()| format!("restored {} from {}", w.path.display(), backup.display()))
                    .map_err(|e| format!("cannot restore {}: {e}", w.path.display())),
                None => fs::remove_file(&w.path)
                    .map(|()| format!("removed {} (this run created it)", w.path.display()))
                    .map_err(|e| format!("cannot remove {}: {e}", w.path.display())),
            };
            steps.push(step);
            if let Some(aside) = &w.older_backup {
                let backup = backup_path(&w.path);
                steps.push(
                    fs::rename(aside, &backup)
                        .map(|()| format!("put the older backup {} back", backup.display()))
                        .map_err(|e| format!("cannot put back {}: {e}", backup.display())),
                );
            }
        }
        steps
    }
}
