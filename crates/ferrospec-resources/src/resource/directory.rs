//! `directory`: a `file` that must be a directory to exist.
//!
//! ## What it checks
//!
//! The same as [`file`](super::file): type, permission bits, owner and group, links. The one
//! difference is `exist?`: it is true only when the path is a directory (or a symbolic link to
//! one), so `directory('/etc/docker')` does not exist when `/etc/docker` is a regular file.
//!
//! ## Properties
//!
//! Every property and matcher of `file` (`type`, `mode`, `owner`, `group`, `uid`, `gid`,
//! `link_path`, `be_owned_by`, `be_writable.by('others')`, …), with `exist?` meaning "exists
//! and is a directory".
//!
//! ## Example
//!
//! ```ruby
//! describe directory('/etc/docker') do
//!   it { should exist }
//!   it { should be_owned_by 'root' }
//!   it { should be_grouped_into 'root' }
//!   its('mode') { should cmp '0755' }
//! end
//! ```
//!
//! ## Platform notes
//!
//! As for `file`: Unix hosts only, read when opened, and a path the host cannot read (permission
//! denied, a link loop) makes `exist?` an error rather than false.

use ferrospec_core::Value;

use crate::matcher::MatchOutcome;
use crate::resource::file::FileType;
use crate::resource::{Ctx, Prop, Resource, ResourceError, ResourceState, ResourceType};

/// `directory`.
pub(crate) struct DirectoryType;

impl ResourceType for DirectoryType {
    fn name(&self) -> &'static str {
        "directory"
    }
    fn matchers(&self) -> &'static [&'static str] {
        FileType.matchers()
    }
    fn open(&self, args: &[Value], ctx: &Ctx<'_>) -> Result<Box<dyn Resource>, ResourceError> {
        let inner = FileType.open(args, ctx).map_err(|e| match e {
            ResourceError::BadArguments(_) => {
                let given: Vec<String> = args.iter().map(Value::inspect).collect();
                ResourceError::BadArguments(format!(
                    "`directory` takes one path, got ({})",
                    given.join(", ")
                ))
            }
            other => other,
        })?;
        Ok(Box::new(DirectoryResource { inner }))
    }
}

/// An opened `directory`: a `file` with its own `exist?` and `to_s`.
struct DirectoryResource {
    inner: Box<dyn Resource>,
}

impl Resource for DirectoryResource {
    fn to_s(&self) -> String {
        format!("Directory {}", self.inner.resource_id())
    }

    fn resource_id(&self) -> String {
        self.inner.resource_id()
    }

    fn state(&self) -> ResourceState {
        self.inner.state()
    }

    fn call(&self, method: &str, args: &[Value]) -> Result<Prop, ResourceError> {
        let method = if method == "exist?" && args.is_empty() {
            "directory?"
        } else {
            method
        };
        self.inner.call(method, args).map_err(|e| match e {
            ResourceError::NoMethod { method, .. } => ResourceError::NoMethod {
                method,
                resource: self.to_s(),
            },
            other => other,
        })
    }

    fn matcher(&self, name: &str, args: &[Value]) -> Option<Result<MatchOutcome, ResourceError>> {
        self.inner.matcher(name, args)
    }

    fn matcher_in(
        &self,
        name: &str,
        args: &[Value],
        ctx: &Ctx<'_>,
    ) -> Option<Result<MatchOutcome, ResourceError>> {
        self.inner.matcher_in(name, args, ctx)
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use ferrospec_core::model::Matcher;

    use super::*;
    use crate::host::Host;
    use crate::matcher::{Actual, evaluate, evaluate_negated};
    use crate::testing::MemHost;

    fn open_on(host: &dyn Host, path: &str) -> Box<dyn Resource> {
        let ctx = Ctx {
            host,
            timeout: Duration::from_secs(1),
        };
        DirectoryType.open(&[Value::from(path)], &ctx).unwrap()
    }

    #[track_caller]
    fn get(r: &dyn Resource, method: &str) -> Value {
        match r.call(method, &[]).unwrap() {
            Prop::Value(v) => v,
            Prop::Resource(_) => panic!("`{method}` gave a resource"),
        }
    }

    fn exist() -> Matcher {
        Matcher {
            name: "exist".into(),
            op: None,
            args: vec![],
            chain: vec![],
        }
    }

    fn host() -> MemHost {
        MemHost::new()
            .file("/etc/docker/daemon.json", "{}")
            .file("/etc/passwd", "root:x:0:0:root:/root:/bin/sh\n")
    }

    #[test]
    fn a_directory_exists() {
        let host = host();
        let d = open_on(&host, "/etc/docker");
        assert_eq!(d.to_s(), "Directory /etc/docker");
        assert_eq!(d.resource_id(), "/etc/docker");
        assert_eq!(get(&*d, "exist?"), Value::Bool(true));
        assert_eq!(get(&*d, "directory?"), Value::Bool(true));
        assert_eq!(get(&*d, "type"), Value::Symbol("directory".into()));
        assert_eq!(get(&*d, "owner"), Value::from("root"));
        let out = evaluate(&exist(), &Actual::Resource(&*d)).unwrap();
        assert!(out.matched);
    }

    #[test]
    fn a_regular_file_is_not_a_directory() {
        let host = host();
        let d = open_on(&host, "/etc/docker/daemon.json");
        assert_eq!(get(&*d, "exist?"), Value::Bool(false));
        assert_eq!(get(&*d, "file?"), Value::Bool(true));
        let out = evaluate(&exist(), &Actual::Resource(&*d)).unwrap();
        assert!(!out.matched);
        assert_eq!(
            out.failure,
            "expected Directory /etc/docker/daemon.json to exist"
        );
    }

    #[test]
    fn a_missing_path_does_not_exist() {
        let host = host();
        let d = open_on(&host, "/var/lib/docker");
        assert_eq!(get(&*d, "exist?"), Value::Bool(false));
        assert_eq!(get(&*d, "mode"), Value::Null);
        assert!(matches!(
            d.call("nope", &[]),
            Err(ResourceError::NoMethod { resource, .. }) if resource == "Directory /var/lib/docker"
        ));
    }

    #[test]
    fn open_needs_one_path() {
        let host = host();
        let ctx = Ctx {
            host: &host,
            timeout: Duration::from_secs(1),
        };
        match DirectoryType.open(&[], &ctx) {
            Err(ResourceError::BadArguments(msg)) => {
                assert_eq!(msg, "`directory` takes one path, got ()");
            }
            _ => panic!("expected BadArguments"),
        }
    }

    #[test]
    fn an_unreadable_path_is_an_error() {
        /// Every `lstat` below `/locked` is refused.
        struct Locked(MemHost);
        impl Host for Locked {
            fn target(&self) -> String {
                self.0.target()
            }
            fn stat(&self, path: &str) -> std::io::Result<crate::host::FileStat> {
                self.0.stat(path)
            }
            fn lstat(&self, path: &str) -> std::io::Result<crate::host::FileStat> {
                if path.starts_with("/locked") {
                    return Err(std::io::Error::from(std::io::ErrorKind::PermissionDenied));
                }
                self.0.lstat(path)
            }
            fn read_file(&self, path: &str) -> std::io::Result<Vec<u8>> {
                self.0.read_file(path)
            }
            fn read_link(&self, path: &str) -> std::io::Result<String> {
                self.0.read_link(path)
            }
            fn read_dir(&self, path: &str) -> std::io::Result<Vec<String>> {
                self.0.read_dir(path)
            }
            fn run(
                &self,
                program: &str,
                args: &[&str],
                timeout: Duration,
            ) -> Result<crate::host::CommandOutput, crate::host::CommandError> {
                self.0.run(program, args, timeout)
            }
            fn command_exists(&self, program: &str) -> bool {
                self.0.command_exists(program)
            }
        }
        let host = Locked(host());
        let d = open_on(&host, "/locked/dir");
        assert!(matches!(
            d.call("exist?", &[]),
            Err(ResourceError::Failed(_))
        ));
        assert!(evaluate_negated(&exist(), &Actual::Resource(&*d)).is_err());
    }
}
