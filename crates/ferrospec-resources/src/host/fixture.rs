//! A test host: `<dir>/root/` is its filesystem and `<dir>/host.yml` records what its commands
//! print, its OS and stat overrides (git cannot record owners or most modes):
//!
//! ```yaml
//! os: { name: debian, release: "12", family: debian }
//! commands:
//!   "/sbin/auditctl -l": { stdout: "No rules\n", exit: 0 }
//!   "/usr/bin/systemctl show -p FragmentPath docker.service": { missing: true }
//!   "/sbin/auditctl -s": { hang: true }
//! stat:
//!   /etc/docker/daemon.json: { mode: "0600", uid: 0, gid: 0 }
//! ```
//!
//! A command not listed does not exist.

use std::collections::BTreeMap;
use std::io;
use std::path::Path;
use std::time::Duration;

use serde::Deserialize;

use crate::host::{CommandError, CommandOutput, FileStat, Host, OsInfo, RootedHost, command_line};

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct CommandSpec {
    #[serde(default)]
    stdout: String,
    #[serde(default)]
    stderr: String,
    #[serde(default)]
    exit: i32,
    #[serde(default)]
    missing: bool,
    #[serde(default)]
    hang: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct StatSpec {
    mode: Option<String>,
    uid: Option<u32>,
    gid: Option<u32>,
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct HostSpec {
    os: Option<OsSpec>,
    #[serde(default)]
    commands: BTreeMap<String, CommandSpec>,
    #[serde(default)]
    stat: BTreeMap<String, StatSpec>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct OsSpec {
    name: String,
    release: String,
    family: String,
}

/// A fake host for tests.
#[derive(Debug, Clone)]
pub struct FixtureHost {
    name: String,
    fs: RootedHost,
    spec: HostSpec,
}

impl FixtureHost {
    /// Loads `<dir>/host.yml` (optional) and uses `<dir>/root` as the filesystem.
    pub fn load(dir: &Path) -> io::Result<Self> {
        let spec = match std::fs::read_to_string(dir.join("host.yml")) {
            Ok(text) => ferrospec_core::yaml::from_str(&text).map_err(|e| {
                io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!("{}: {e}", dir.join("host.yml").display()),
                )
            })?,
            Err(e) if e.kind() == io::ErrorKind::NotFound => HostSpec::default(),
            Err(e) => return Err(e),
        };
        let name = dir
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        Ok(Self {
            name,
            fs: RootedHost::new(dir.join("root")),
            spec,
        })
    }

    fn apply(&self, path: &str, mut st: FileStat) -> FileStat {
        if let Some(o) = self.spec.stat.get(path) {
            if let Some(m) = o
                .mode
                .as_deref()
                .and_then(|m| u32::from_str_radix(m, 8).ok())
            {
                st.mode = m;
            }
            st.uid = o.uid.unwrap_or(st.uid);
            st.gid = o.gid.unwrap_or(st.gid);
        } else {
            // Checked-out files belong to whoever cloned the repository: report root, as on
            // the hosts the fixtures describe.
            st.uid = 0;
            st.gid = 0;
        }
        st
    }
}

impl Host for FixtureHost {
    fn target(&self) -> String {
        format!("fixture://{}", self.name)
    }
    fn stat(&self, path: &str) -> io::Result<FileStat> {
        self.fs.stat(path).map(|s| self.apply(path, s))
    }
    fn lstat(&self, path: &str) -> io::Result<FileStat> {
        self.fs.lstat(path).map(|s| self.apply(path, s))
    }
    fn read_file(&self, path: &str) -> io::Result<Vec<u8>> {
        self.fs.read_file(path)
    }
    fn read_link(&self, path: &str) -> io::Result<String> {
        self.fs.read_link(path)
    }
    fn read_dir(&self, path: &str) -> io::Result<Vec<String>> {
        // Git cannot keep empty directories; `.keep` files hold them and are not shown.
        self.fs
            .read_dir(path)
            .map(|v| v.into_iter().filter(|n| n != ".keep").collect())
    }
    fn run(
        &self,
        program: &str,
        args: &[&str],
        timeout: Duration,
    ) -> Result<CommandOutput, CommandError> {
        let line = command_line(program, args);
        match self.spec.commands.get(&line) {
            None => Err(CommandError::NotFound {
                program: program.to_owned(),
            }),
            Some(c) if c.missing => Err(CommandError::NotFound {
                program: program.to_owned(),
            }),
            Some(c) if c.hang => Err(CommandError::TimedOut {
                command: line,
                seconds: timeout.as_secs(),
            }),
            Some(c) => Ok(CommandOutput {
                stdout: c.stdout.clone(),
                stderr: c.stderr.clone(),
                exit_code: Some(c.exit),
            }),
        }
    }
    fn command_exists(&self, program: &str) -> bool {
        let prefix = format!("{program} ");
        let listed = self
            .spec
            .commands
            .iter()
            .find(|(k, _)| k.starts_with(&prefix) || *k == program);
        match listed {
            Some((_, c)) => !c.missing,
            None => self.fs.command_exists(program),
        }
    }
    fn os(&self) -> OsInfo {
        match &self.spec.os {
            Some(o) => OsInfo {
                name: o.name.clone(),
                release: o.release.clone(),
                family: o.family.clone(),
            },
            None => self.fs.os(),
        }
    }
}
