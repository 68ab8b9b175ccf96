//! Memoizes command output and link resolution for one run, so that nine controls reading
//! `auditctl -l` cost one call. File contents and metadata are not cached: they are cheap and
//! may be what a control checks.

use std::collections::HashMap;
use std::io;
use std::sync::Mutex;
use std::time::Duration;

use crate::host::{CommandError, CommandOutput, FileStat, Host, OsInfo};

type RunResult = Result<CommandOutput, CommandError>;

/// A host whose command results are remembered.
pub struct CachedHost {
    inner: Box<dyn Host>,
    runs: Mutex<HashMap<Vec<String>, RunResult>>,
    os: Mutex<Option<OsInfo>>,
    resolved: Mutex<HashMap<String, Option<String>>>,
}

impl CachedHost {
    /// Wraps a host.
    pub fn new(inner: Box<dyn Host>) -> Self {
        Self {
            inner,
            runs: Mutex::new(HashMap::new()),
            os: Mutex::new(None),
            resolved: Mutex::new(HashMap::new()),
        }
    }
}

impl Host for CachedHost {
    fn target(&self) -> String {
        self.inner.target()
    }
    fn stat(&self, path: &str) -> io::Result<FileStat> {
        self.inner.stat(path)
    }
    fn lstat(&self, path: &str) -> io::Result<FileStat> {
        self.inner.lstat(path)
    }
    fn read_file(&self, path: &str) -> io::Result<Vec<u8>> {
        self.inner.read_file(path)
    }
    fn read_link(&self, path: &str) -> io::Result<String> {
        self.inner.read_link(path)
    }
    fn read_dir(&self, path: &str) -> io::Result<Vec<String>> {
        self.inner.read_dir(path)
    }
    fn run(&self, program: &str, args: &[&str], timeout: Duration) -> RunResult {
        let key: Vec<String> = std::iter::once(program)
            .chain(args.iter().copied())
            .map(str::to_owned)
            .collect();
        if let Some(hit) = self.runs.lock().ok().and_then(|m| m.get(&key).cloned()) {
            return hit;
        }
        let result = self.inner.run(program, args, timeout);
        if let Ok(mut m) = self.runs.lock() {
            m.insert(key, result.clone());
        }
        result
    }
    fn command_exists(&self, program: &str) -> bool {
        self.inner.command_exists(program)
    }
    fn resolve(&self, path: &str) -> Option<String> {
        // Every `have_watch` resolves the directories of every rule path; links do not change
        // during a run.
        if let Some(hit) = self.resolved.lock().ok().and_then(|m| m.get(path).cloned()) {
            return hit;
        }
        let result = self.inner.resolve(path);
        if let Ok(mut m) = self.resolved.lock() {
            m.insert(path.to_owned(), result.clone());
        }
        result
    }
    fn os(&self) -> OsInfo {
        if let Some(os) = self.os.lock().ok().and_then(|o| o.clone()) {
            return os;
        }
        let os = self.inner.os();
        if let Ok(mut o) = self.os.lock() {
            *o = Some(os.clone());
        }
        os
    }
    fn user_name(&self, uid: u32) -> Option<String> {
        self.inner.user_name(uid)
    }
    fn group_name(&self, gid: u32) -> Option<String> {
        self.inner.group_name(gid)
    }
}
