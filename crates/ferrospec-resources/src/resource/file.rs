//! `file`: a path on the host and what `stat` and a read tell of it.
//!
//! ## What it checks
//!
//! Whether a path exists, its type, permission bits, owner and group, where a symbolic link
//! points, and the file's content. `mode`, `owner`, `content` and the type predicates
//! describe the link *target* (stat follows links); `symlink?`, `link_path` and
//! `shallow_link_path` describe the link itself.
//!
//! ## Properties
//!
//! | property | value |
//! | --- | --- |
//! | `type` | `:file`, `:directory`, `:symlink`, `:pipe`, `:socket`, `:block_device`, `:character_device`, `:unknown` (of the target) |
//! | `mode` | Integer, `st_mode & 07777` (compare with `cmp '0644'`) |
//! | `owner`, `group` | names from the host's `/etc/passwd` and `/etc/group`; the id as a string when unknown |
//! | `uid`, `gid`, `size`, `mtime` | Integers (`mtime` in epoch seconds) |
//! | `content` | the content as UTF-8 text; nil for a directory or a missing file |
//! | `sha256sum` | hex digest of the content |
//! | `link_path` | fully resolved target of a symlink (`readlink -f`), `""` on a loop; nil when not a symlink |
//! | `shallow_link_path` | one level of `readlink`; nil when not a symlink |
//! | `path`, `source_path`, `basename` | the resolved path of a symlink (else the path as given), the path as given, its last component |
//! | `suid`, `sgid`, `sticky` | the special mode bits, as booleans |
//!
//! Matchers: `exist`, `be_file`, `be_directory`, `be_symlink`, `be_pipe`, `be_socket`,
//! `be_block_device`, `be_character_device`, `be_owned_by 'root'`, `be_grouped_into 'root'`,
//! `be_linked_to '/target'`, `be_mode 0o644`, `be_setuid`, `be_setgid`, `be_sticky`,
//! `be_readable`/`be_writable`/`be_executable` (optionally `.by('owner' | 'group' |
//! 'others')`; without `by`, any of the three bits), and `be_more_permissive_than('0644')`.
//!
//! A missing file has nil properties (except `path`, `source_path`, `basename`) and false
//! predicates. Two InSpec quirks are kept: `more_permissive_than?` is nil for a missing file, so
//! `should_not be_more_permissive_than('0644')` passes; and `suid`/`sgid`/`sticky` (and their
//! predicates) are an error for a missing file.
//!
//! ## Example
//!
//! ```ruby
//! describe file('/etc/docker/daemon.json') do
//!   it { should exist }
//!   it { should be_file }
//!   it { should be_owned_by 'root' }
//!   its('mode') { should cmp '0644' }
//!   it { should_not be_more_permissive_than('0644') }
//!   its('content') { should match /"icc":\s*false/ }
//! end
//! ```
//!
//! ## Platform notes
//!
//! Unix hosts only. Everything is read when the resource is opened (the content only for
//! regular files; pipes and devices are never read). When the host cannot be read — permission
//! denied, an I/O error, a symbolic link loop — every property and predicate that needs it is
//! an error, never nil or false: `should_not exist` must not pass because nothing could be
//! seen. `be_readable.by_user('u')` needs to run `su` on the host and is not supported.
//! Content that is not valid UTF-8 is read with U+FFFD replacement characters.

// The docs name InSpec behaviour; those names are prose, not code.
#![allow(clippy::doc_markdown)]

use std::fmt::Write as _;

use ferrospec_core::Value;
use regex::Regex;
use sha2::{Digest, Sha256};

use crate::host::{FileKind, FileStat, Host, Lookup, lookup};
use crate::resource::{Ctx, Prop, Resource, ResourceError, ResourceType};

/// `file`.
pub(crate) struct FileType;

impl ResourceType for FileType {
    fn name(&self) -> &'static str {
        "file"
    }
    fn matchers(&self) -> &'static [&'static str] {
        &[
            "be_block_device",
            "be_character_device",
            "be_directory",
            "be_executable",
            "be_file",
            "be_grouped_into",
            "be_linked_to",
            "be_mode",
            "be_more_permissive_than",
            "be_owned_by",
            "be_pipe",
            "be_readable",
            "be_setgid",
            "be_setuid",
            "be_socket",
            "be_sticky",
            "be_symlink",
            "be_writable",
        ]
    }
    fn open(&self, args: &[Value], ctx: &Ctx<'_>) -> Result<Box<dyn Resource>, ResourceError> {
        if let [Value::String(path)] = args {
            Ok(Box::new(FileResource::read(path.clone(), ctx)))
        } else {
            let given: Vec<String> = args.iter().map(Value::inspect).collect();
            Err(ResourceError::BadArguments(format!(
                "`file` takes one path, got ({})",
                given.join(", ")
            )))
        }
    }
}

/// An opened `file`: a snapshot of the host's answers, taken at open.
struct FileResource {
    /// The path as given.
    path: String,
    /// `lstat`: the link itself.
    lstat: Lookup<FileStat>,
    /// `stat`: the target.
    stat: Lookup<FileStat>,
    /// Owner name (or uid) of the target.
    owner: Option<String>,
    /// Group name (or gid) of the target.
    group: Option<String>,
    /// One level of `readlink`, for a symlink.
    shallow_link: Lookup<String>,
    /// The fully resolved path of a symlink; `None` on a loop.
    resolved: Option<String>,
    /// The content of a regular file.
    content: Lookup<Vec<u8>>,
}

impl FileResource {
    fn read(path: String, ctx: &Ctx<'_>) -> Self {
        let host = ctx.host;
        let link = link_location(host, &path);
        let lstat = lookup(host.lstat(&link));
        let stat = match &lstat {
            Ok(Some(_)) => lookup(host.stat(&path)),
            Ok(None) => Ok(None),
            Err(e) => Err(e.clone()),
        };
        let (owner, group) = match &stat {
            Ok(Some(st)) => (
                Some(host.user_name(st.uid).unwrap_or_else(|| st.uid.to_string())),
                Some(
                    host.group_name(st.gid)
                        .unwrap_or_else(|| st.gid.to_string()),
                ),
            ),
            _ => (None, None),
        };
        let is_link = matches!(&lstat, Ok(Some(st)) if st.kind == FileKind::Symlink);
        let (shallow_link, resolved) = if is_link {
            (lookup(host.read_link(&link)), host.resolve(&path))
        } else {
            (Ok(None), None)
        };
        let content = match &stat {
            // Only regular files: reading a pipe or a device could block or never end.
            Ok(Some(st)) if st.kind == FileKind::File => lookup(host.read_file(&path)),
            Ok(_) => Ok(None),
            Err(e) => Err(e.clone()),
        };
        Self {
            path,
            lstat,
            stat,
            owner,
            group,
            shallow_link,
            resolved,
            content,
        }
    }

    fn failed(&self, reason: &str) -> ResourceError {
        ResourceError::Failed(format!("cannot read `{}`: {reason}", self.path))
    }

    /// The target's stat; `None` when missing; an error when the host could not tell.
    fn stat(&self) -> Result<Option<&FileStat>, ResourceError> {
        self.stat
            .as_ref()
            .map(Option::as_ref)
            .map_err(|e| self.failed(e))
    }

    fn is_symlink(&self) -> Result<bool, ResourceError> {
        match &self.lstat {
            Ok(st) => Ok(st.as_ref().is_some_and(|st| st.kind == FileKind::Symlink)),
            Err(e) => Err(self.failed(e)),
        }
    }

    fn exists(&self) -> Result<bool, ResourceError> {
        Ok(self.stat()?.is_some())
    }

    fn kind_is(&self, kind: FileKind) -> Result<Value, ResourceError> {
        Ok(Value::Bool(self.stat()?.is_some_and(|st| st.kind == kind)))
    }

    /// A stat field, nil when the file is missing.
    fn field(&self, f: impl Fn(&FileStat) -> Value) -> Result<Value, ResourceError> {
        Ok(self.stat()?.map_or(Value::Null, f))
    }

    /// `link_path`: the resolved target, `""` on a loop, nil when not a symlink.
    fn link_path(&self) -> Result<Value, ResourceError> {
        if !self.is_symlink()? {
            return Ok(Value::Null);
        }
        Ok(Value::String(self.resolved.clone().unwrap_or_default()))
    }

    fn content(&self) -> Result<Option<&[u8]>, ResourceError> {
        match &self.content {
            Ok(c) => Ok(c.as_deref()),
            Err(e) => Err(self.failed(e)),
        }
    }

    /// A special mode bit; an error for a missing file (InSpec raises `NoMethodError` there).
    fn mode_bit(&self, bit: u32) -> Result<Value, ResourceError> {
        match self.stat()? {
            Some(st) => Ok(Value::Bool(st.mode & bit != 0)),
            None => Err(ResourceError::Failed(format!(
                "cannot test the mode bits of `{}`: it does not exist",
                self.path
            ))),
        }
    }

    /// `readable?`/`writable?`/`executable?`, with `by` (`owner`, `group`, `others`, `all`)
    /// as the first argument or a `{by: …}` map.
    fn access(&self, method: &str, bits: u32, args: &[Value]) -> Result<Value, ResourceError> {
        let (by, by_user) = match args {
            [] => (None, None),
            [Value::Map(pairs)] => (
                pairs.iter().find(|(k, _)| k == "by").map(|(_, v)| v),
                pairs.iter().find(|(k, _)| k == "by_user").map(|(_, v)| v),
            ),
            [by] => (Some(by), None),
            [by, by_user] => (Some(by), Some(by_user)),
            _ => return Err(arity(method, args.len(), "0 to 2")),
        };
        let by = by.filter(|v| !matches!(v, Value::Null));
        let by_user = by_user.filter(|v| !matches!(v, Value::Null) && v.to_string() != "");
        let Some(st) = self.stat()? else {
            return Ok(Value::Bool(false));
        };
        if let Some(user) = by_user {
            return Err(ResourceError::BadArguments(format!(
                "`{method}` by user {} needs to run `su` on the host, which is not supported; use `.by('owner' | 'group' | 'others')`",
                user.inspect()
            )));
        }
        let who = match by.map(|v| v.as_str().ok_or(v)) {
            None | Some(Ok("all")) => 0o777,
            Some(Ok("owner")) => 0o700,
            Some(Ok("group")) => 0o070,
            Some(Ok("others" | "other")) => 0o007,
            Some(Ok(other)) => return Err(bad_usergroup(&Value::String(other.to_owned()))),
            Some(Err(v)) => return Err(bad_usergroup(v)),
        };
        Ok(Value::Bool(st.mode & who & bits != 0))
    }

    /// InSpec's `more_permissive_than?(max)`: whether any permission bit outside `max` is set.
    fn more_permissive_than(&self, args: &[Value]) -> Result<Value, ResourceError> {
        static MODE: std::sync::LazyLock<Option<Regex>> =
            std::sync::LazyLock::new(|| Regex::new("(0)?([0-7])([0-7])([0-7])").ok());
        let max = match args {
            [Value::String(s)] if MODE.as_ref().is_some_and(|re| re.is_match(s)) => s,
            [other] => {
                return Err(ResourceError::BadArguments(format!(
                    "the maximum permission of `more_permissive_than?` must be a file mode in 4-digit octal format, a String such as `0644` or `0777`, got {}",
                    other.inspect()
                )));
            }
            _ => return Err(arity("more_permissive_than?", args.len(), "1")),
        };
        // Checked after the argument so a typo in the control still shows; then nil, not
        // false, for a missing file (InSpec's quirk: `should_not` passes).
        let Some(st) = self.stat()? else {
            return Ok(Value::Null);
        };
        let max = octal_prefix(max);
        let inverse = 0o777 ^ max;
        Ok(Value::Bool(inverse & st.mode != 0))
    }
}

/// Where the last component of `path` is, with every link before it resolved: `lstat` follows
/// links in the parent directories, and on a mounted root an absolute link there must be
/// resolved inside the root, not on this machine.
fn link_location(host: &dyn Host, path: &str) -> String {
    let trimmed = path.trim_end_matches('/');
    match trimmed.rsplit_once('/') {
        Some((parent, name)) if !matches!(name, "" | "." | "..") => {
            let parent = if parent.is_empty() { "/" } else { parent };
            match host.resolve(parent) {
                Some(dir) => format!("{}/{name}", dir.trim_end_matches('/')),
                None => path.to_owned(),
            }
        }
        _ => path.to_owned(),
    }
}

/// Ruby's `String#to_i(8)`: the leading octal digits, after optional whitespace and `0`s.
fn octal_prefix(s: &str) -> u32 {
    s.trim_start()
        .chars()
        .map_while(|c| c.to_digit(8))
        .fold(0u32, |n, d| n.saturating_mul(8).saturating_add(d))
}

fn bad_usergroup(v: &Value) -> ResourceError {
    ResourceError::BadArguments(format!(
        "invalid usergroup/owner provided: {}, expected one of `owner`, `group`, `others`, `all`",
        v.inspect()
    ))
}

fn arity(method: &str, given: usize, expected: &str) -> ResourceError {
    ResourceError::BadArguments(format!(
        "wrong number of arguments for `{method}` (given {given}, expected {expected})"
    ))
}

fn int(n: impl TryInto<i64>) -> Value {
    n.try_into().map_or(Value::Null, Value::Int)
}

impl Resource for FileResource {
    fn to_s(&self) -> String {
        format!("File {}", self.path)
    }

    fn resource_id(&self) -> String {
        self.path.clone()
    }

    fn call(&self, method: &str, args: &[Value]) -> Result<Prop, ResourceError> {
        // Methods with arguments first; everything else takes none.
        let with_args = match (method, args) {
            // `owner == sth`: only an equal String matches (not a Symbol, not a uid).
            ("owned_by?", [user]) => {
                self.stat()?;
                Some(Value::Bool(
                    matches!(user, Value::String(u) if self.owner.as_deref() == Some(u.as_str())),
                ))
            }
            ("grouped_into?", [group]) => {
                self.stat()?;
                Some(Value::Bool(
                    matches!(group, Value::String(g) if self.group.as_deref() == Some(g.as_str())),
                ))
            }
            ("linked_to?", [target]) => Some(Value::Bool(
                matches!((self.link_path()?, target), (Value::String(a), Value::String(b)) if a == *b),
            )),
            ("mode?", [Value::Int(m)]) => Some(Value::Bool(
                self.stat()?.is_some_and(|st| i64::from(st.mode) == *m),
            )),
            ("mode?", [other]) => {
                return Err(ResourceError::BadArguments(format!(
                    "`mode?` takes an Integer (`0o644`), got {}; to compare with `'0644'` use `its('mode') {{ should cmp '0644' }}`",
                    other.inspect()
                )));
            }
            ("readable?", _) => Some(self.access(method, 0o444, args)?),
            ("writable?", _) => Some(self.access(method, 0o222, args)?),
            ("executable?", _) => Some(self.access(method, 0o111, args)?),
            ("more_permissive_than?", _) => Some(self.more_permissive_than(args)?),
            ("owned_by?" | "grouped_into?" | "linked_to?" | "mode?", _) => {
                return Err(arity(method, args.len(), "1"));
            }
            _ => None,
        };
        if let Some(v) = with_args {
            return Ok(Prop::Value(v));
        }
        let known = matches!(
            method,
            "exist?"
                | "file?"
                | "directory?"
                | "symlink?"
                | "pipe?"
                | "socket?"
                | "block_device?"
                | "character_device?"
                | "setuid?"
                | "setgid?"
                | "sticky?"
                | "type"
                | "mode"
                | "owner"
                | "group"
                | "uid"
                | "gid"
                | "size"
                | "mtime"
                | "content"
                | "sha256sum"
                | "link_path"
                | "shallow_link_path"
                | "path"
                | "source_path"
                | "basename"
                | "suid"
                | "sgid"
                | "sticky"
        );
        if !known {
            return Err(ResourceError::NoMethod {
                method: method.into(),
                resource: self.to_s(),
            });
        }
        if !args.is_empty() {
            return Err(arity(method, args.len(), "0"));
        }
        let v = match method {
            "exist?" => Value::Bool(self.exists()?),
            "file?" => self.kind_is(FileKind::File)?,
            "directory?" => self.kind_is(FileKind::Directory)?,
            "pipe?" => self.kind_is(FileKind::Pipe)?,
            "socket?" => self.kind_is(FileKind::Socket)?,
            "block_device?" => self.kind_is(FileKind::BlockDevice)?,
            "character_device?" => self.kind_is(FileKind::CharacterDevice)?,
            "symlink?" => Value::Bool(self.is_symlink()?),
            "setuid?" | "suid" => self.mode_bit(0o4000)?,
            "setgid?" | "sgid" => self.mode_bit(0o2000)?,
            "sticky?" | "sticky" => self.mode_bit(0o1000)?,
            "type" => self.field(|st| Value::Symbol(st.kind.as_str().to_owned()))?,
            "mode" => self.field(|st| Value::Int(i64::from(st.mode)))?,
            "uid" => self.field(|st| Value::Int(i64::from(st.uid)))?,
            "gid" => self.field(|st| Value::Int(i64::from(st.gid)))?,
            "size" => self.field(|st| int(st.size))?,
            "mtime" => self.field(|st| Value::Int(st.mtime))?,
            "owner" => {
                self.stat()?;
                self.owner.clone().map_or(Value::Null, Value::String)
            }
            "group" => {
                self.stat()?;
                self.group.clone().map_or(Value::Null, Value::String)
            }
            "content" => self.content()?.map_or(Value::Null, |c| {
                Value::String(String::from_utf8_lossy(c).into_owned())
            }),
            "sha256sum" => self.content()?.map_or(Value::Null, |c| {
                let mut hex = String::with_capacity(64);
                for b in Sha256::digest(c) {
                    let _ = write!(hex, "{b:02x}");
                }
                Value::String(hex)
            }),
            "link_path" => self.link_path()?,
            "shallow_link_path" => {
                if self.is_symlink()? {
                    match &self.shallow_link {
                        Ok(target) => target.clone().map_or(Value::Null, Value::String),
                        Err(e) => return Err(self.failed(e)),
                    }
                } else {
                    Value::Null
                }
            }
            "path" => match self.link_path()? {
                Value::Null => Value::String(self.path.clone()),
                resolved => resolved,
            },
            "source_path" => Value::String(self.path.clone()),
            "basename" => Value::String(basename(&self.path)),
            _ => {
                return Err(ResourceError::NoMethod {
                    method: method.into(),
                    resource: self.to_s(),
                });
            }
        };
        Ok(Prop::Value(v))
    }
}

/// Ruby's `File.basename`: the last component, ignoring trailing slashes; `/` for the root.
fn basename(path: &str) -> String {
    let trimmed = path.trim_end_matches('/');
    if trimmed.is_empty() {
        return if path.is_empty() {
            String::new()
        } else {
            "/".into()
        };
    }
    trimmed.rsplit('/').next().unwrap_or(trimmed).to_owned()
}

#[cfg(test)]
mod tests {
    use std::io;

    use std::os::unix::fs::{PermissionsExt, symlink};
    use std::path::{Path, PathBuf};
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    use ferrospec_core::model::{CmpOp, Matcher};

    use super::*;
    use crate::host::{CommandError, CommandOutput, RootedHost};
    use crate::matcher::{Actual, evaluate, evaluate_negated};

    /// A temporary root, removed on drop.
    struct TempRoot(PathBuf);

    impl TempRoot {
        fn new() -> Self {
            static N: AtomicUsize = AtomicUsize::new(0);
            let dir = std::env::temp_dir().join(format!(
                "ferrospec-file-{}-{}",
                std::process::id(),
                N.fetch_add(1, Ordering::SeqCst)
            ));
            std::fs::create_dir_all(dir.join("etc")).unwrap();
            std::fs::write(
                dir.join("etc/passwd"),
                "root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000::/home/alice:/bin/sh\n",
            )
            .unwrap();
            std::fs::write(dir.join("etc/group"), "root:x:0:\nstaff:x:50:alice\n").unwrap();
            Self(dir)
        }

        fn write(&self, path: &str, content: &str, mode: u32) {
            let p = self.0.join(path);
            std::fs::write(&p, content).unwrap();
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(mode)).unwrap();
        }

        fn path(&self, p: &str) -> PathBuf {
            self.0.join(p)
        }
    }

    impl Drop for TempRoot {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn open_on(host: &dyn Host, path: &str) -> Box<dyn Resource> {
        let ctx = Ctx {
            host,
            timeout: Duration::from_secs(1),
        };
        FileType.open(&[Value::from(path)], &ctx).unwrap()
    }

    #[track_caller]
    fn get(r: &dyn Resource, method: &str, args: &[Value]) -> Value {
        match r.call(method, args).unwrap() {
            Prop::Value(v) => v,
            Prop::Resource(_) => panic!("`{method}` gave a resource"),
        }
    }

    fn matcher(name: &str, op: Option<CmpOp>, args: &[Value]) -> Matcher {
        Matcher {
            name: name.into(),
            op,
            args: args.to_vec(),
            chain: vec![],
        }
    }

    fn chown(path: &Path, uid: u32, gid: u32) {
        std::os::unix::fs::chown(path, Some(uid), Some(gid)).unwrap();
    }

    #[test]
    fn matchers_are_sorted_and_unique() {
        let names = FileType.matchers();
        let mut sorted = names.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(names, sorted.as_slice());
    }

    #[test]
    fn regular_file() {
        let root = TempRoot::new();
        root.write("etc/app.conf", "PermitRootLogin no\n", 0o640);
        chown(&root.path("etc/app.conf"), 1000, 50);
        let host = RootedHost::new(&root.0);
        let f = open_on(&host, "/etc/app.conf");
        assert_eq!(f.to_s(), "File /etc/app.conf");
        assert_eq!(f.resource_id(), "/etc/app.conf");
        assert_eq!(get(&*f, "exist?", &[]), Value::Bool(true));
        assert_eq!(get(&*f, "file?", &[]), Value::Bool(true));
        assert_eq!(get(&*f, "directory?", &[]), Value::Bool(false));
        assert_eq!(get(&*f, "symlink?", &[]), Value::Bool(false));
        assert_eq!(get(&*f, "type", &[]), Value::Symbol("file".into()));
        assert_eq!(get(&*f, "mode", &[]), Value::Int(0o640));
        assert_eq!(get(&*f, "owner", &[]), Value::from("alice"));
        assert_eq!(get(&*f, "group", &[]), Value::from("staff"));
        assert_eq!(get(&*f, "uid", &[]), Value::Int(1000));
        assert_eq!(get(&*f, "gid", &[]), Value::Int(50));
        assert_eq!(get(&*f, "size", &[]), Value::Int(19));
        assert_eq!(
            get(&*f, "content", &[]),
            Value::from("PermitRootLogin no\n")
        );
        assert_eq!(
            get(&*f, "sha256sum", &[]),
            Value::from(format!("{:x}", Sha256::digest(b"PermitRootLogin no\n")).as_str())
        );
        assert_eq!(get(&*f, "link_path", &[]), Value::Null);
        assert_eq!(get(&*f, "shallow_link_path", &[]), Value::Null);
        assert_eq!(get(&*f, "path", &[]), Value::from("/etc/app.conf"));
        assert_eq!(get(&*f, "basename", &[]), Value::from("app.conf"));
        assert_eq!(get(&*f, "suid", &[]), Value::Bool(false));
        assert!(matches!(get(&*f, "mtime", &[]), Value::Int(t) if t > 0));
        assert_eq!(
            get(&*f, "owned_by?", &[Value::from("alice")]),
            Value::Bool(true)
        );
        assert_eq!(
            get(&*f, "owned_by?", &[Value::from("root")]),
            Value::Bool(false)
        );
        assert_eq!(
            get(&*f, "grouped_into?", &[Value::from("staff")]),
            Value::Bool(true)
        );
        assert_eq!(get(&*f, "mode?", &[Value::Int(0o640)]), Value::Bool(true));
        // Readable by owner and group, not others; writable only by the owner.
        assert_eq!(get(&*f, "readable?", &[]), Value::Bool(true));
        assert_eq!(
            get(&*f, "readable?", &[Value::from("others")]),
            Value::Bool(false)
        );
        assert_eq!(
            get(&*f, "readable?", &[Value::from("group")]),
            Value::Bool(true)
        );
        assert_eq!(
            get(&*f, "writable?", &[Value::from("group")]),
            Value::Bool(false)
        );
        assert_eq!(get(&*f, "executable?", &[]), Value::Bool(false));
        let by = Value::Map(vec![("by".into(), Value::from("owner"))]);
        assert_eq!(get(&*f, "writable?", &[by]), Value::Bool(true));
        assert!(matches!(
            f.call("readable?", &[Value::from("world")]),
            Err(ResourceError::BadArguments(_))
        ));
        assert!(matches!(
            f.call("readable?", &[Value::Null, Value::from("alice")]),
            Err(ResourceError::BadArguments(_))
        ));
        assert!(matches!(
            f.call("nope", &[]),
            Err(ResourceError::NoMethod { .. })
        ));
    }

    #[test]
    fn unknown_owner_falls_back_to_the_id() {
        let root = TempRoot::new();
        root.write("x", "", 0o600);
        chown(&root.path("x"), 4242, 4343);
        let host = RootedHost::new(&root.0);
        let f = open_on(&host, "/x");
        assert_eq!(get(&*f, "owner", &[]), Value::from("4242"));
        assert_eq!(get(&*f, "group", &[]), Value::from("4343"));
        assert_eq!(get(&*f, "content", &[]), Value::from(""));
    }

    #[test]
    fn directory() {
        let root = TempRoot::new();
        std::fs::create_dir(root.path("d")).unwrap();
        std::fs::set_permissions(root.path("d"), std::fs::Permissions::from_mode(0o1777)).unwrap();
        let host = RootedHost::new(&root.0);
        let f = open_on(&host, "/d/");
        assert_eq!(get(&*f, "directory?", &[]), Value::Bool(true));
        assert_eq!(get(&*f, "file?", &[]), Value::Bool(false));
        assert_eq!(get(&*f, "type", &[]), Value::Symbol("directory".into()));
        assert_eq!(get(&*f, "content", &[]), Value::Null);
        assert_eq!(get(&*f, "sha256sum", &[]), Value::Null);
        assert_eq!(get(&*f, "sticky", &[]), Value::Bool(true));
        assert_eq!(get(&*f, "sticky?", &[]), Value::Bool(true));
        assert_eq!(get(&*f, "basename", &[]), Value::from("d"));
        let out = evaluate(&matcher("be_directory", None, &[]), &Actual::Resource(&*f)).unwrap();
        assert!(out.matched);
        assert_eq!(out.description, "be directory");
    }

    #[test]
    fn symlink_describes_its_target() {
        let root = TempRoot::new();
        std::fs::create_dir(root.path("real")).unwrap();
        root.write("real/target", "x", 0o600);
        symlink("real", root.path("dirlink")).unwrap();
        symlink("/dirlink/target", root.path("link")).unwrap();
        let host = RootedHost::new(&root.0);
        let f = open_on(&host, "/link");
        assert_eq!(get(&*f, "symlink?", &[]), Value::Bool(true));
        assert_eq!(get(&*f, "exist?", &[]), Value::Bool(true));
        assert_eq!(get(&*f, "file?", &[]), Value::Bool(true));
        assert_eq!(get(&*f, "type", &[]), Value::Symbol("file".into()));
        assert_eq!(get(&*f, "mode", &[]), Value::Int(0o600));
        assert_eq!(get(&*f, "content", &[]), Value::from("x"));
        assert_eq!(get(&*f, "link_path", &[]), Value::from("/real/target"));
        assert_eq!(
            get(&*f, "shallow_link_path", &[]),
            Value::from("/dirlink/target")
        );
        assert_eq!(get(&*f, "path", &[]), Value::from("/real/target"));
        assert_eq!(get(&*f, "source_path", &[]), Value::from("/link"));
        assert_eq!(
            get(&*f, "linked_to?", &[Value::from("/real/target")]),
            Value::Bool(true)
        );
        assert_eq!(
            get(&*f, "linked_to?", &[Value::from("/dirlink/target")]),
            Value::Bool(false)
        );
        let out = evaluate(&matcher("be_symlink", None, &[]), &Actual::Resource(&*f)).unwrap();
        assert!(out.matched);

        // An absolute link in a parent directory resolves inside the root.
        symlink("/real", root.path("abs")).unwrap();
        let f = open_on(&host, "/abs/target");
        assert_eq!(get(&*f, "exist?", &[]), Value::Bool(true));
        assert_eq!(get(&*f, "symlink?", &[]), Value::Bool(false));
        assert_eq!(get(&*f, "content", &[]), Value::from("x"));
        let f = open_on(&host, "/abs");
        assert_eq!(get(&*f, "symlink?", &[]), Value::Bool(true));
        assert_eq!(get(&*f, "directory?", &[]), Value::Bool(true));

        // A dangling link: the link is there, the file is not.
        symlink("/nowhere", root.path("dangling")).unwrap();
        let f = open_on(&host, "/dangling");
        assert_eq!(get(&*f, "symlink?", &[]), Value::Bool(true));
        assert_eq!(get(&*f, "exist?", &[]), Value::Bool(false));
        assert_eq!(get(&*f, "mode", &[]), Value::Null);
        assert_eq!(get(&*f, "link_path", &[]), Value::from("/nowhere"));
    }

    #[test]
    fn link_loop_is_an_error_not_a_missing_file() {
        let root = TempRoot::new();
        symlink("/b", root.path("a")).unwrap();
        symlink("/a", root.path("b")).unwrap();
        let host = RootedHost::new(&root.0);
        let f = open_on(&host, "/a");
        assert_eq!(get(&*f, "symlink?", &[]), Value::Bool(true));
        assert_eq!(get(&*f, "link_path", &[]), Value::from(""));
        for method in ["exist?", "mode", "content", "file?"] {
            assert!(
                matches!(f.call(method, &[]), Err(ResourceError::Failed(_))),
                "{method}"
            );
        }
        let m = matcher("exist", None, &[]);
        assert!(evaluate_negated(&m, &Actual::Resource(&*f)).is_err());
    }

    #[test]
    fn missing_file() {
        let root = TempRoot::new();
        let host = RootedHost::new(&root.0);
        let f = open_on(&host, "/etc/missing.conf");
        for method in [
            "type",
            "mode",
            "owner",
            "group",
            "uid",
            "gid",
            "mtime",
            "size",
            "content",
            "sha256sum",
            "link_path",
            "shallow_link_path",
        ] {
            assert_eq!(get(&*f, method, &[]), Value::Null, "{method}");
        }
        for method in [
            "exist?",
            "file?",
            "directory?",
            "symlink?",
            "pipe?",
            "readable?",
        ] {
            assert_eq!(get(&*f, method, &[]), Value::Bool(false), "{method}");
        }
        assert_eq!(
            get(&*f, "owned_by?", &[Value::from("root")]),
            Value::Bool(false)
        );
        assert_eq!(
            get(&*f, "grouped_into?", &[Value::from("root")]),
            Value::Bool(false)
        );
        assert_eq!(get(&*f, "mode?", &[Value::Int(0o644)]), Value::Bool(false));
        assert_eq!(
            get(&*f, "linked_to?", &[Value::from("/x")]),
            Value::Bool(false)
        );
        assert_eq!(
            get(&*f, "more_permissive_than?", &[Value::from("0644")]),
            Value::Null
        );
        assert_eq!(get(&*f, "path", &[]), Value::from("/etc/missing.conf"));
        assert_eq!(get(&*f, "basename", &[]), Value::from("missing.conf"));
        assert!(matches!(f.call("suid", &[]), Err(ResourceError::Failed(_))));

        // `its('mode') { should cmp '0644' }` on a missing file.
        let mode = get(&*f, "mode", &[]);
        let out = evaluate(
            &matcher("cmp", None, &[Value::from("0644")]),
            &Actual::Value(&mode),
        )
        .unwrap();
        assert!(!out.matched);
        assert_eq!(
            out.failure,
            "\nexpected: 0644\n     got: \n\n(compared using `cmp` matcher)\n"
        );
        let out = evaluate(&matcher("exist", None, &[]), &Actual::Resource(&*f)).unwrap();
        assert!(!out.matched);
        assert_eq!(out.failure, "expected File /etc/missing.conf to exist");
    }

    #[test]
    fn modes_with_cmp_and_more_permissive_than() {
        let root = TempRoot::new();
        root.write("a", "", 0o644);
        root.write("b", "", 0o755);
        root.write("c", "", 0o600);
        let host = RootedHost::new(&root.0);
        let permissive = |path: &str, max: &str| {
            let f = open_on(&host, path);
            get(&*f, "more_permissive_than?", &[Value::from(max)])
        };
        assert_eq!(permissive("/a", "0644"), Value::Bool(false));
        assert_eq!(permissive("/b", "0644"), Value::Bool(true));
        assert_eq!(permissive("/c", "0644"), Value::Bool(false));
        assert_eq!(permissive("/a", "0600"), Value::Bool(true));
        assert_eq!(permissive("/b", "755"), Value::Bool(false));

        let f = open_on(&host, "/b");
        for bad in [Value::from("rwx"), Value::Int(0o644)] {
            match f.call("more_permissive_than?", &[bad]) {
                Err(ResourceError::BadArguments(msg)) => assert!(msg.contains("octal"), "{msg}"),
                _ => panic!("expected BadArguments"),
            }
        }
        let m = matcher("be_more_permissive_than", None, &[Value::from("0644")]);
        let out = evaluate(&m, &Actual::Resource(&*f)).unwrap();
        assert!(out.matched);
        assert_eq!(out.description, r#"be more permissive than "0644""#);
        assert_eq!(
            out.failure_negated,
            r#"expected `File /b.more_permissive_than?("0644")` to be falsey, got true"#
        );

        let mode = get(&*f, "mode", &[]);
        let cmp = |op, expected: &str| {
            evaluate(
                &matcher("cmp", op, &[Value::from(expected)]),
                &Actual::Value(&mode),
            )
            .unwrap()
        };
        let out = cmp(None, "0644");
        assert!(!out.matched);
        assert_eq!(
            out.failure,
            "\nexpected: 0644\n     got: 0755\n\n(compared using `cmp` matcher)\n"
        );
        assert!(cmp(None, "0755").matched);
        assert!(!cmp(None, "755").matched, "'755' is decimal, as in InSpec");
        assert!(cmp(Some(CmpOp::Le), "0755").matched);
    }

    #[test]
    fn owner_and_group_matchers() {
        let root = TempRoot::new();
        root.write("etc/shadow", "", 0o640);
        chown(&root.path("etc/shadow"), 0, 50);
        let host = RootedHost::new(&root.0);
        let f = open_on(&host, "/etc/shadow");
        let owned = matcher("be_owned_by", None, &[Value::from("root")]);
        assert!(evaluate(&owned, &Actual::Resource(&*f)).unwrap().matched);
        let grouped = matcher("be_grouped_into", None, &[Value::from("root")]);
        let out = evaluate(&grouped, &Actual::Resource(&*f)).unwrap();
        assert!(!out.matched);
        assert_eq!(
            out.failure,
            r#"expected `File /etc/shadow.grouped_into?("root")` to be truthy, got false"#
        );
        let mut readable = matcher("be_readable", None, &[]);
        readable.chain = vec![("by".into(), vec![Value::from("others")])];
        let out = evaluate(&readable, &Actual::Resource(&*f)).unwrap();
        assert!(!out.matched);
        assert_eq!(out.description, "be readable by others");
    }

    /// A host whose reads fail with permission denied.
    struct DeniedHost(RootedHost);

    impl Host for DeniedHost {
        fn target(&self) -> String {
            self.0.target()
        }
        fn stat(&self, path: &str) -> io::Result<FileStat> {
            self.0.stat(path)
        }
        fn lstat(&self, path: &str) -> io::Result<FileStat> {
            if path.starts_with("/locked/") {
                return Err(io::Error::from(io::ErrorKind::PermissionDenied));
            }
            self.0.lstat(path)
        }
        fn read_file(&self, path: &str) -> io::Result<Vec<u8>> {
            if path.starts_with("/etc/") {
                return self.0.read_file(path);
            }
            Err(io::Error::from(io::ErrorKind::PermissionDenied))
        }
        fn read_link(&self, path: &str) -> io::Result<String> {
            self.0.read_link(path)
        }
        fn read_dir(&self, path: &str) -> io::Result<Vec<String>> {
            self.0.read_dir(path)
        }
        fn run(
            &self,
            program: &str,
            args: &[&str],
            timeout: Duration,
        ) -> Result<CommandOutput, CommandError> {
            self.0.run(program, args, timeout)
        }
        fn command_exists(&self, program: &str) -> bool {
            self.0.command_exists(program)
        }
    }

    #[test]
    fn unreadable_file_is_an_error() {
        let root = TempRoot::new();
        root.write("secret", "s3cret", 0o600);
        let host = DeniedHost(RootedHost::new(&root.0));
        let f = open_on(&host, "/secret");
        // stat worked: the metadata is known.
        assert_eq!(get(&*f, "exist?", &[]), Value::Bool(true));
        assert_eq!(get(&*f, "mode", &[]), Value::Int(0o600));
        for method in ["content", "sha256sum"] {
            match f.call(method, &[]) {
                Err(ResourceError::Failed(msg)) => {
                    assert_eq!(msg, "cannot read `/secret`: permission denied", "{method}");
                }
                _ => panic!("{method}: expected Failed"),
            }
        }
        // The executor then reports an error; `should_not include` cannot pass on it.
        assert!(f.call("content", &[]).is_err());
    }

    #[test]
    fn unstatable_path_is_an_error_everywhere() {
        let root = TempRoot::new();
        let host = DeniedHost(RootedHost::new(&root.0));
        let f = open_on(&host, "/locked/file");
        for method in [
            "exist?",
            "symlink?",
            "directory?",
            "mode",
            "owner",
            "link_path",
        ] {
            assert!(
                matches!(f.call(method, &[]), Err(ResourceError::Failed(_))),
                "{method}"
            );
        }
        for m in ["exist", "be_file", "be_symlink"] {
            let m = matcher(m, None, &[]);
            assert!(evaluate_negated(&m, &Actual::Resource(&*f)).is_err());
        }
        assert!(matches!(
            f.call("more_permissive_than?", &[Value::from("0644")]),
            Err(ResourceError::Failed(_))
        ));
        // Properties that need no host still answer.
        assert_eq!(get(&*f, "basename", &[]), Value::from("file"));
    }

    #[test]
    fn open_needs_one_path() {
        let root = TempRoot::new();
        let host = RootedHost::new(&root.0);
        let ctx = Ctx {
            host: &host,
            timeout: Duration::from_secs(1),
        };
        assert!(matches!(
            FileType.open(&[], &ctx),
            Err(ResourceError::BadArguments(_))
        ));
        assert!(matches!(
            FileType.open(&[Value::Int(1)], &ctx),
            Err(ResourceError::BadArguments(_))
        ));
    }

    #[test]
    fn basename_like_ruby() {
        assert_eq!(basename("/etc/passwd"), "passwd");
        assert_eq!(basename("/etc/"), "etc");
        assert_eq!(basename("/"), "/");
        assert_eq!(basename("x"), "x");
    }
}
