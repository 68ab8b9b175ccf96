//! The one interface through which everything reads the host: files, metadata, links,
//! directories and commands. [`LocalHost`] is this machine, [`RootedHost`] a mounted root
//! (commands cannot run there, so what only a command can tell is unknown), [`FixtureHost`]
//! a test host: a fake root plus recorded command output.
//!
//! Resources never call `std::fs` or `std::process` themselves.

mod cached;
mod fixture;
mod local;
mod rooted;

use std::io;
use std::time::Duration;

pub use cached::CachedHost;
pub use fixture::FixtureHost;
pub use local::LocalHost;
pub use rooted::RootedHost;

/// The type of a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// Regular file.
    File,
    /// Directory.
    Directory,
    /// Symbolic link (only from [`Host::lstat`]).
    Symlink,
    /// Named pipe.
    Pipe,
    /// Socket.
    Socket,
    /// Block device.
    BlockDevice,
    /// Character device.
    CharacterDevice,
    /// Anything else.
    Unknown,
}

impl FileKind {
    /// InSpec's symbol name (`file`, `directory`, `symlink`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            FileKind::File => "file",
            FileKind::Directory => "directory",
            FileKind::Symlink => "symlink",
            FileKind::Pipe => "pipe",
            FileKind::Socket => "socket",
            FileKind::BlockDevice => "block_device",
            FileKind::CharacterDevice => "character_device",
            FileKind::Unknown => "unknown",
        }
    }
}

/// What `stat` tells of a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileStat {
    /// Type.
    pub kind: FileKind,
    /// Permission bits, `st_mode & 0o7777`.
    pub mode: u32,
    /// Owner id.
    pub uid: u32,
    /// Group id.
    pub gid: u32,
    /// Size in bytes.
    pub size: u64,
    /// Modification time, epoch seconds.
    pub mtime: i64,
}

/// What a command printed and how it ended.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CommandOutput {
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
    /// Exit code; `None` when killed by a signal.
    pub exit_code: Option<i32>,
}

/// Why a command gave no output.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CommandError {
    /// The program does not exist.
    #[error("command `{program}` does not exist")]
    NotFound {
        /// The program.
        program: String,
    },
    /// It ran past the timeout and was killed.
    #[error("command `{command}` did not finish within {seconds} s and was stopped")]
    TimedOut {
        /// The command line.
        command: String,
        /// The timeout.
        seconds: u64,
    },
    /// This host cannot run commands (a mounted root).
    #[error("commands cannot run on {target}: {reason}")]
    Unavailable {
        /// The target.
        target: String,
        /// Why.
        reason: String,
    },
    /// It could not be started.
    #[error("command `{command}` could not run: {reason}")]
    Io {
        /// The command line.
        command: String,
        /// The OS error.
        reason: String,
    },
}

/// The operating system of a host, from `/etc/os-release`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OsInfo {
    /// `ID` (`debian`).
    pub name: String,
    /// `VERSION_ID` (`12`).
    pub release: String,
    /// Family (`debian`, `redhat`, …; `ID_LIKE` or the name).
    pub family: String,
}

/// Read access to a host.
pub trait Host: Send + Sync {
    /// What is scanned, for the report header (`local://`, `/mnt/root`).
    fn target(&self) -> String;
    /// `stat`, following symlinks.
    fn stat(&self, path: &str) -> io::Result<FileStat>;
    /// `lstat`: a symlink is reported as one.
    fn lstat(&self, path: &str) -> io::Result<FileStat>;
    /// Reads a whole file.
    fn read_file(&self, path: &str) -> io::Result<Vec<u8>>;
    /// One level of `readlink`.
    fn read_link(&self, path: &str) -> io::Result<String>;
    /// Names in a directory, sorted.
    fn read_dir(&self, path: &str) -> io::Result<Vec<String>>;
    /// Runs a program (no shell) with a timeout.
    fn run(
        &self,
        program: &str,
        args: &[&str],
        timeout: Duration,
    ) -> Result<CommandOutput, CommandError>;
    /// Whether the program exists on the host (an absolute path, or found on `PATH`).
    fn command_exists(&self, program: &str) -> bool;

    /// Fully resolved path (`readlink -f`), following every link; `None` on a loop or error.
    fn resolve(&self, path: &str) -> Option<String> {
        let mut parts: Vec<String> = Vec::new();
        let mut pending: Vec<String> = path
            .split('/')
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .rev()
            .collect();
        let mut hops = 0;
        while let Some(part) = pending.pop() {
            match part.as_str() {
                "." => continue,
                ".." => {
                    parts.pop();
                    continue;
                }
                _ => {}
            }
            let candidate = format!(
                "/{}",
                parts
                    .iter()
                    .chain(std::iter::once(&part))
                    .cloned()
                    .collect::<Vec<_>>()
                    .join("/")
            );
            match self.lstat(&candidate) {
                Ok(st) if st.kind == FileKind::Symlink => {
                    hops += 1;
                    if hops > 40 {
                        return None;
                    }
                    let target = self.read_link(&candidate).ok()?;
                    if target.starts_with('/') {
                        parts.clear();
                    }
                    pending.extend(
                        target
                            .split('/')
                            .filter(|s| !s.is_empty())
                            .map(str::to_owned)
                            .rev(),
                    );
                }
                Ok(_) => parts.push(part),
                Err(_) => {
                    // The rest does not exist: keep it as written, like `readlink -m`.
                    parts.push(part);
                }
            }
        }
        Some(format!("/{}", parts.join("/")))
    }

    /// The OS of the host.
    fn os(&self) -> OsInfo {
        let text = self
            .read_file("/etc/os-release")
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default();
        let field = |k: &str| {
            text.lines()
                .find_map(|l| l.strip_prefix(&format!("{k}=")))
                .map(|v| v.trim().trim_matches('"').to_owned())
                .unwrap_or_default()
        };
        let name = field("ID");
        let like = field("ID_LIKE");
        let family = like
            .split_whitespace()
            .next()
            .map_or_else(|| name.clone(), str::to_owned);
        OsInfo {
            name,
            release: field("VERSION_ID"),
            family,
        }
    }

    /// A user name by id, from the host's `/etc/passwd`.
    fn user_name(&self, uid: u32) -> Option<String> {
        lookup_id(self, "/etc/passwd", uid)
    }

    /// A group name by id, from the host's `/etc/group`.
    fn group_name(&self, gid: u32) -> Option<String> {
        lookup_id(self, "/etc/group", gid)
    }
}

fn lookup_id<H: Host + ?Sized>(host: &H, file: &str, id: u32) -> Option<String> {
    let bytes = host.read_file(file).ok()?;
    String::from_utf8_lossy(&bytes).lines().find_map(|l| {
        let mut f = l.split(':');
        let name = f.next()?;
        let _ = f.next();
        let found: u32 = f.next()?.parse().ok()?;
        (found == id).then(|| name.to_owned())
    })
}

/// `program arg…` for messages.
pub fn command_line(program: &str, args: &[&str]) -> String {
    std::iter::once(program)
        .chain(args.iter().copied())
        .collect::<Vec<_>>()
        .join(" ")
}

/// What a lookup found: `Ok(None)` when the path does not exist, `Err(reason)` when the host
/// could not tell (permission denied, I/O error): never "absent" for what could not be read.
pub(crate) type Lookup<T> = Result<Option<T>, String>;

/// Sorts a host read into found, absent, or unknown.
pub(crate) fn lookup<T>(r: io::Result<T>) -> Lookup<T> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(e)
            if matches!(
                e.kind(),
                io::ErrorKind::NotFound | io::ErrorKind::NotADirectory
            ) =>
        {
            Ok(None)
        }
        Err(e) => Err(e.to_string()),
    }
}
