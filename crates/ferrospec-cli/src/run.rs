//! Wiring: load the profiles, pick the host, execute, write every report, choose the exit code.

use std::io::Write as _;
use std::path::Path;

use ferrospec_core::{ProfileFiles, load_profile};
use ferrospec_report::{RenderOptions, render};
use ferrospec_resources::host::{CachedHost, FixtureHost, Host, LocalHost, RootedHost};
use ferrospec_resources::{ExecOptions, Registry, execute};

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
    let sources = if config.paths.is_empty() {
        vec![bundled_profile(DEFAULT_PROFILE)?]
    } else {
        config
            .paths
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
    let inner: Box<dyn Host> = match &config.target {
        Target::Local => Box::new(LocalHost),
        Target::Root(dir) => Box::new(RootedHost::new(dir)),
        Target::Fixture(dir) => Box::new(FixtureHost::load(dir).map_err(CliError::Fixture)?),
    };
    let host = CachedHost::new(inner);
    let opts = ExecOptions {
        controls: config.controls.clone(),
        tags: config.tags.clone(),
        inputs: config.inputs.clone(),
        timeout: config.timeout,
        version: env!("CARGO_PKG_VERSION").to_owned(),
    };
    let report = execute(&profiles, &host, &opts)?;
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
    Ok(exit_code::for_counts(&report.counts()))
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
