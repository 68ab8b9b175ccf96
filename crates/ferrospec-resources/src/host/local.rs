//! This machine.

use std::io::{self, Read};
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::host::{CommandError, CommandOutput, FileKind, FileStat, Host, command_line};

/// The machine ferrospec runs on.
#[derive(Debug, Default, Clone)]
pub struct LocalHost;

pub(crate) fn stat_of(meta: &std::fs::Metadata) -> FileStat {
    let ft = meta.file_type();
    let kind = if ft.is_symlink() {
        FileKind::Symlink
    } else if ft.is_dir() {
        FileKind::Directory
    } else if ft.is_file() {
        FileKind::File
    } else if ft.is_fifo() {
        FileKind::Pipe
    } else if ft.is_socket() {
        FileKind::Socket
    } else if ft.is_block_device() {
        FileKind::BlockDevice
    } else if ft.is_char_device() {
        FileKind::CharacterDevice
    } else {
        FileKind::Unknown
    };
    FileStat {
        kind,
        mode: meta.mode() & 0o7777,
        uid: meta.uid(),
        gid: meta.gid(),
        size: meta.size(),
        mtime: meta.mtime(),
    }
}

/// Runs a program with a timeout, reading its output on threads so a full pipe cannot block it.
pub(crate) fn run_local(
    program: &str,
    args: &[&str],
    timeout: Duration,
) -> Result<CommandOutput, CommandError> {
    let line = command_line(program, args);
    let mut child = match Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .env("LC_ALL", "C")
        .spawn()
    {
        Ok(c) => c,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Err(CommandError::NotFound {
                program: program.to_owned(),
            });
        }
        Err(e) => {
            return Err(CommandError::Io {
                command: line,
                reason: e.to_string(),
            });
        }
    };
    let mut out = child.stdout.take();
    let mut err = child.stderr.take();
    let t_out = std::thread::spawn(move || {
        let mut s = Vec::new();
        if let Some(o) = out.as_mut() {
            let _ = o.read_to_end(&mut s);
        }
        s
    });
    let t_err = std::thread::spawn(move || {
        let mut s = Vec::new();
        if let Some(e) = err.as_mut() {
            let _ = e.read_to_end(&mut s);
        }
        s
    });
    let start = Instant::now();
    // Poll with a growing pause: most commands end within a millisecond or two, and a fixed
    // pause would add its length to every one of them.
    let mut pause = Duration::from_micros(50);
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if start.elapsed() >= timeout => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(CommandError::TimedOut {
                    command: line,
                    seconds: timeout.as_secs(),
                });
            }
            Ok(None) => {
                std::thread::sleep(pause);
                pause = (pause * 2).min(Duration::from_millis(10));
            }
            Err(e) => {
                return Err(CommandError::Io {
                    command: line,
                    reason: e.to_string(),
                });
            }
        }
    };
    let stdout = t_out.join().unwrap_or_default();
    let stderr = t_err.join().unwrap_or_default();
    Ok(CommandOutput {
        stdout: String::from_utf8_lossy(&stdout).into_owned(),
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
        exit_code: status.code(),
    })
}

impl Host for LocalHost {
    fn target(&self) -> String {
        "local://".into()
    }
    fn stat(&self, path: &str) -> io::Result<FileStat> {
        std::fs::metadata(path).map(|m| stat_of(&m))
    }
    fn lstat(&self, path: &str) -> io::Result<FileStat> {
        std::fs::symlink_metadata(path).map(|m| stat_of(&m))
    }
    fn read_file(&self, path: &str) -> io::Result<Vec<u8>> {
        std::fs::read(path)
    }
    fn read_link(&self, path: &str) -> io::Result<String> {
        std::fs::read_link(path).map(|p| p.to_string_lossy().into_owned())
    }
    fn read_dir(&self, path: &str) -> io::Result<Vec<String>> {
        let mut names: Vec<String> = std::fs::read_dir(path)?
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        Ok(names)
    }
    fn run(
        &self,
        program: &str,
        args: &[&str],
        timeout: Duration,
    ) -> Result<CommandOutput, CommandError> {
        run_local(program, args, timeout)
    }
    fn command_exists(&self, program: &str) -> bool {
        let is_exec =
            |p: &Path| std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.mode() & 0o111 != 0);
        if program.contains('/') {
            return is_exec(Path::new(program));
        }
        std::env::var_os("PATH")
            .is_some_and(|paths| std::env::split_paths(&paths).any(|d| is_exec(&d.join(program))))
    }
}
