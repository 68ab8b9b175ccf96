//! A mounted root filesystem (`--target /mnt/root`): files are read below the root, links are
//! resolved inside it, and commands cannot run, so the kernel's loaded audit rules are unknown.

use std::io;
use std::path::PathBuf;
use std::time::Duration;

use crate::host::local::stat_of;
use crate::host::{CommandError, CommandOutput, FileKind, FileStat, Host};

/// A host whose `/` is a directory on this machine.
#[derive(Debug, Clone)]
pub struct RootedHost {
    root: PathBuf,
}

impl RootedHost {
    /// A host rooted at `root`.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    /// The real path of a host path, without following links.
    pub(crate) fn real(&self, path: &str) -> PathBuf {
        self.root.join(path.trim_start_matches('/'))
    }
}

impl Host for RootedHost {
    fn target(&self) -> String {
        self.root.display().to_string()
    }
    fn stat(&self, path: &str) -> io::Result<FileStat> {
        let resolved = self
            .resolve(path)
            .ok_or_else(|| io::Error::other("too many levels of symbolic links"))?;
        let st = self.lstat(&resolved)?;
        if st.kind == FileKind::Symlink {
            return Err(io::Error::other("too many levels of symbolic links"));
        }
        Ok(st)
    }
    fn lstat(&self, path: &str) -> io::Result<FileStat> {
        std::fs::symlink_metadata(self.real(path)).map(|m| stat_of(&m))
    }
    fn read_file(&self, path: &str) -> io::Result<Vec<u8>> {
        let resolved = self
            .resolve(path)
            .ok_or_else(|| io::Error::other("too many levels of symbolic links"))?;
        std::fs::read(self.real(&resolved))
    }
    fn read_link(&self, path: &str) -> io::Result<String> {
        std::fs::read_link(self.real(path)).map(|p| p.to_string_lossy().into_owned())
    }
    fn read_dir(&self, path: &str) -> io::Result<Vec<String>> {
        let resolved = self
            .resolve(path)
            .ok_or_else(|| io::Error::other("too many levels of symbolic links"))?;
        let mut names: Vec<String> = std::fs::read_dir(self.real(&resolved))?
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        Ok(names)
    }
    fn run(
        &self,
        _program: &str,
        _args: &[&str],
        _timeout: Duration,
    ) -> Result<CommandOutput, CommandError> {
        Err(CommandError::Unavailable {
            target: self.target(),
            reason:
                "a mounted root is scanned, so its commands and its kernel state cannot be read"
                    .into(),
        })
    }
    fn command_exists(&self, program: &str) -> bool {
        let candidates: Vec<String> = if program.starts_with('/') {
            vec![program.to_owned()]
        } else {
            [
                "/usr/local/sbin",
                "/usr/local/bin",
                "/usr/sbin",
                "/usr/bin",
                "/sbin",
                "/bin",
            ]
            .iter()
            .map(|d| format!("{d}/{program}"))
            .collect()
        };
        candidates.iter().any(|c| {
            self.stat(c)
                .is_ok_and(|s| s.kind == FileKind::File && s.mode & 0o111 != 0)
        })
    }
}
