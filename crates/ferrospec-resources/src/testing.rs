//! Test helpers: [`MemHost`], an in-memory [`Host`] with a map of files, unreadable paths and
//! recorded command results. Nothing here touches the machine running the tests.

use std::collections::BTreeMap;
use std::io;
use std::time::Duration;

use crate::host::{CommandError, CommandOutput, FileKind, FileStat, Host, command_line};

/// What a recorded command does when it is run.
#[derive(Debug, Clone)]
pub(crate) enum Recorded {
    /// It prints this and exits with this code.
    Output(CommandOutput),
    /// Running it fails this way.
    Error(CommandError),
}

/// An in-memory host: files by absolute path, commands by their command line.
#[derive(Debug, Clone, Default)]
pub(crate) struct MemHost {
    files: BTreeMap<String, Vec<u8>>,
    denied: Vec<String>,
    commands: BTreeMap<String, Recorded>,
    programs: Vec<String>,
}

impl MemHost {
    /// An empty host: no files, no programs.
    pub(crate) fn new() -> Self {
        Self::default()
    }

    /// Adds a file (its parent directories exist implicitly).
    #[must_use]
    pub(crate) fn file(mut self, path: &str, text: &str) -> Self {
        self.files.insert(path.to_owned(), text.as_bytes().to_vec());
        self
    }

    /// Makes a path exist but fail to read with "permission denied".
    #[must_use]
    pub(crate) fn denied(mut self, path: &str) -> Self {
        self.denied.push(path.to_owned());
        self
    }

    /// Records a command that prints `stdout` and `stderr` and exits with `exit`; the
    /// program exists.
    #[must_use]
    pub(crate) fn command(mut self, line: &str, stdout: &str, stderr: &str, exit: i32) -> Self {
        self.add_program(line);
        self.commands.insert(
            line.to_owned(),
            Recorded::Output(CommandOutput {
                stdout: stdout.to_owned(),
                stderr: stderr.to_owned(),
                exit_code: Some(exit),
            }),
        );
        self
    }

    /// Records a command whose run fails with `error`; the program exists.
    #[must_use]
    pub(crate) fn command_error(mut self, line: &str, error: CommandError) -> Self {
        self.add_program(line);
        self.commands
            .insert(line.to_owned(), Recorded::Error(error));
        self
    }

    /// Makes a program exist (for `command_exists`) without recording any of its runs.
    #[must_use]
    pub(crate) fn program(mut self, program: &str) -> Self {
        self.add_program(program);
        self
    }

    fn add_program(&mut self, line: &str) {
        let program = line.split(' ').next().unwrap_or(line).to_owned();
        if !self.programs.contains(&program) {
            self.programs.push(program);
        }
    }

    fn is_dir(&self, path: &str) -> bool {
        let prefix = if path.ends_with('/') {
            path.to_owned()
        } else {
            format!("{path}/")
        };
        self.files
            .keys()
            .chain(self.denied.iter())
            .any(|p| p.starts_with(&prefix))
    }

    fn denied_error(path: &str) -> io::Error {
        io::Error::new(
            io::ErrorKind::PermissionDenied,
            format!("permission denied: {path}"),
        )
    }
}

impl Host for MemHost {
    fn target(&self) -> String {
        "mem://test".into()
    }
    fn stat(&self, path: &str) -> io::Result<FileStat> {
        let kind = if self.files.contains_key(path) || self.denied.iter().any(|d| d == path) {
            FileKind::File
        } else if self.is_dir(path) {
            FileKind::Directory
        } else {
            return Err(io::Error::from(io::ErrorKind::NotFound));
        };
        Ok(FileStat {
            kind,
            mode: 0o644,
            uid: 0,
            gid: 0,
            size: self.files.get(path).map_or(0, |f| f.len() as u64),
            mtime: 0,
        })
    }
    fn lstat(&self, path: &str) -> io::Result<FileStat> {
        self.stat(path)
    }
    fn read_file(&self, path: &str) -> io::Result<Vec<u8>> {
        if self.denied.iter().any(|d| d == path) {
            return Err(Self::denied_error(path));
        }
        self.files
            .get(path)
            .cloned()
            .ok_or_else(|| io::Error::from(io::ErrorKind::NotFound))
    }
    fn read_link(&self, _path: &str) -> io::Result<String> {
        Err(io::Error::from(io::ErrorKind::InvalidInput))
    }
    fn read_dir(&self, path: &str) -> io::Result<Vec<String>> {
        if self.denied.iter().any(|d| d == path) {
            return Err(Self::denied_error(path));
        }
        if !self.is_dir(path) {
            return Err(io::Error::from(io::ErrorKind::NotFound));
        }
        let prefix = format!("{}/", path.trim_end_matches('/'));
        let mut names: Vec<String> = self
            .files
            .keys()
            .chain(self.denied.iter())
            .filter_map(|p| p.strip_prefix(&prefix))
            .map(|rest| rest.split('/').next().unwrap_or(rest).to_owned())
            .collect();
        names.sort();
        names.dedup();
        Ok(names)
    }
    fn run(
        &self,
        program: &str,
        args: &[&str],
        _timeout: Duration,
    ) -> Result<CommandOutput, CommandError> {
        match self.commands.get(&command_line(program, args)) {
            Some(Recorded::Output(out)) => Ok(out.clone()),
            Some(Recorded::Error(e)) => Err(e.clone()),
            None => Err(CommandError::NotFound {
                program: program.to_owned(),
            }),
        }
    }
    fn command_exists(&self, program: &str) -> bool {
        self.programs.iter().any(|p| p == program)
    }
}
