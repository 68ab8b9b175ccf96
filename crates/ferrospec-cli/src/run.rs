//! Wiring: load the profiles, pick the host, execute, write every report, choose the exit code.

use std::io::{IsTerminal, Write as _};
use std::path::{Path, PathBuf};

use ferrospec_core::model::Profile;
use ferrospec_core::{ProfileFiles, load_profile};
use ferrospec_report::{RenderOptions, render};
use ferrospec_resources::host::{CachedHost, FixtureHost, Host, LocalHost, RootedHost};
use ferrospec_resources::{ExecOptions, Progress, Registry, execute_with_progress};

use crate::config::{Config, Destination, Target};
use crate::error::CliError;
use crate::exit_code;

mod bundled {
    include!(concat!(env!("OUT_DIR"), "/bundled.rs"));
}

/// The profile run when no path is given.
const DEFAULT_PROFILE: &str = "docker-host";

/// Runs `ferrospec exec`; returns the exit code.
pub(crate) fn exec(config: &Config, out: &mut dyn std::io::Write) -> Result<i32, CliError> {
    let profiles = load_profiles(&config.paths)?;
    let host = CachedHost::new(open_host(&config.target)?);
    let opts = ExecOptions {
        controls: config.controls.clone(),
        tags: config.tags.clone(),
        inputs: config.inputs.clone(),
        timeout: config.timeout,
        version: env!("CARGO_PKG_VERSION").to_owned(),
        waivers: config.waivers.clone(),
        today: None,
    };
    let mut line = ProgressLine::new(std::io::stderr().is_terminal());
    let report = execute_with_progress(&profiles, &host, &opts, &mut |p| line.show(p));
    line.clear();
    let report = report?;
    for (format, dest) in &config.reporters {
        match dest {
            Destination::Stdout => {
                let opts = RenderOptions {
                    color: config.color,
                };
                render(&report, *format, &opts, out)?;
                out.flush().map_err(|source| {
                    CliError::Report(ferrospec_report::ReportError::Io { source })
                })?;
            }
            Destination::File(path) => {
                let mut buf = Vec::new();
                render(&report, *format, &RenderOptions { color: false }, &mut buf)?;
                write_atomically(path, &buf).map_err(|source| CliError::WriteReport {
                    format: format.name().to_owned(),
                    path: path.display().to_string(),
                    source,
                })?;
            }
        }
    }
    Ok(exit_code::for_counts(
        &report.counts(),
        config.distinct_exit,
    ))
}

/// Loads the profiles at `paths`, or the bundled default profile when there are none; every
/// file's errors are reported together.
pub(crate) fn load_profiles(paths: &[PathBuf]) -> Result<Vec<Profile>, CliError> {
    let sources = if paths.is_empty() {
        vec![bundled_profile(DEFAULT_PROFILE)?]
    } else {
        paths
            .iter()
            .map(|p| ProfileFiles::from_path(p))
            .collect::<Result<Vec<_>, _>>()?
    };
    let mut profiles = Vec::new();
    let mut errors = Vec::new();
    for s in &sources {
        match load_profile(s, &Registry) {
            Ok(p) => profiles.push(p),
            Err(e) => errors.push(e),
        }
    }
    if !errors.is_empty() {
        let mut all = errors.remove(0);
        for e in errors {
            all.errors.extend(e.errors);
        }
        return Err(CliError::Load(all));
    }
    Ok(profiles)
}

/// The host a target names.
pub(crate) fn open_host(target: &Target) -> Result<Box<dyn Host>, CliError> {
    Ok(match target {
        Target::Local => Box::new(LocalHost),
        Target::Root(dir) => Box::new(RootedHost::new(dir)),
        Target::Fixture(dir) => Box::new(FixtureHost::load(dir).map_err(CliError::Fixture)?),
    })
}

fn bundled_profile(name: &str) -> Result<ProfileFiles, CliError> {
    bundled::BUNDLED
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(n, files)| {
            ProfileFiles::embedded(&format!("{n} (bundled)"), &format!("profiles/{n}"), files)
        })
        .ok_or_else(|| CliError::Usage(format!("no bundled profile `{name}`")))
}

/// Writes beside the destination, then renames: a reader never sees half a report, and an
/// existing report survives a failed write.
pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let name = path
        .file_name()
        .map_or_else(|| "report".into(), |n| n.to_string_lossy().into_owned());
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// A progress line on standard error, shown only on a terminal and only once a run has taken
/// longer than a second (most runs end before anything is drawn).
struct ProgressLine {
    enabled: bool,
    drawn: bool,
}

impl ProgressLine {
    fn new(enabled: bool) -> Self {
        Self {
            enabled,
            drawn: false,
        }
    }

    fn show(&mut self, p: Progress<'_>) {
        if !self.enabled || p.elapsed < std::time::Duration::from_secs(1) {
            return;
        }
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r\x1b[K{}", progress_text(&p));
        let _ = err.flush();
        self.drawn = true;
    }

    fn clear(&mut self) {
        if self.drawn {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[K");
            let _ = err.flush();
            self.drawn = false;
        }
    }
}

/// `[3/9] ctl-7`
fn progress_text(p: &Progress<'_>) -> String {
    format!("[{}/{}] {}", p.done, p.total, p.id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_reads_count_and_control() {
        let p = Progress {
            done: 3,
            total: 9,
            id: "ctl-7",
            elapsed: std::time::Duration::from_secs(2),
        };
        assert_eq!(progress_text(&p), "[3/9] ctl-7");
    }

    #[test]
    fn progress_is_silent_off_a_terminal() {
        let mut line = ProgressLine::new(false);
        line.show(Progress {
            done: 1,
            total: 1,
            id: "x",
            elapsed: std::time::Duration::from_secs(5),
        });
        assert!(!line.drawn);
        let mut line = ProgressLine::new(true);
        line.show(Progress {
            done: 1,
            total: 1,
            id: "x",
            elapsed: std::time::Duration::from_millis(10),
        });
        assert!(!line.drawn, "short runs draw nothing");
    }
}
