//! `os`: which operating system the host runs, for guards such as `only_if { os.linux? }`.
//!
//! ## What it checks
//!
//! The platform name, family and release read from the host's `/etc/os-release`, placed in
//! InSpec's family hierarchy (`ubuntu` → `debian` → `linux` → `unix` → `os`), so a control
//! can run only where it applies.
//!
//! ## Properties
//!
//! | property | value |
//! | --- | --- |
//! | `name` | InSpec's platform name: `ID` from `/etc/os-release`, with InSpec's spelling for a few (`rhel` → `redhat`, `amzn` → `amazon`, `ol` → `oracle`, `sles` → `suse`, `opensuse-leap` → `opensuse`) |
//! | `family` | the platform's own family: `debian` (debian, ubuntu, linuxmint, raspbian, kali), `redhat` (redhat, centos, rocky, almalinux, oracle, amazon, scientific, cloudlinux), `fedora`, `suse` (suse, opensuse), `bsd`, and `linux` for the rest (alpine, arch, gentoo, …) |
//! | `families` | the whole hierarchy, nearest first: `["debian", "linux", "unix", "os"]` |
//! | `release` | `VERSION_ID` (`12`, `22.04`, `3.19.1`) |
//! | `arch` | `uname -m` (`x86_64`); nil where commands cannot run |
//! | `params` | a map of `name`, `family`, `families`, `release`, `arch`, so `os[:family]` and `os['name']` work |
//!
//! Predicates (`os.linux?`, or `it { should be_linux }`): `linux?`, `unix?`, `windows?`,
//! `debian?`, `redhat?`, `suse?`, `bsd?`, `darwin?`, `solaris?`, `aix?`, `hpux?` — true when
//! the family is in the hierarchy. With an argument: `family?('debian')` (also spelled
//! `in_family?`), `name?('ubuntu')`, `platform?('ubuntu')` (the name or any family), and
//! `release?('12')` (`*` is a wildcard, as in a profile's `supports: release: 12.*`).
//!
//! ## Example
//!
//! ```ruby
//! control 'host-1.7' do
//!   only_if { os.linux? }
//!   describe os[:family] do
//!     it { should_not eq 'centos' }
//!   end
//! end
//! ```
//!
//! ## Platform notes
//!
//! Only Unix hosts with `/etc/os-release` are recognised; `windows?` is always false. When
//! `/etc/os-release` cannot be read (a missing file, a bare mounted root), `name`, `family`
//! and `release` are nil, `families` is empty and every predicate is false — so
//! `only_if { os.linux? }` skips the control rather than guessing. An `ID` ferrospec does not
//! know is placed by its `ID_LIKE`, else in the `linux` family. `release` is `VERSION_ID`
//! as written, so Debian reports `12` where InSpec, reading `/etc/debian_version`, reports
//! `12.5`; compare releases with `cmp >=` rather than `eq`.

// The docs name InSpec behaviour; those names are prose, not code.
#![allow(clippy::doc_markdown)]

use ferrospec_core::Value;
use regex::Regex;

use crate::resource::{Ctx, Prop, Resource, ResourceError, ResourceType};

/// `os`.
pub(crate) struct OsType;

impl ResourceType for OsType {
    fn name(&self) -> &'static str {
        "os"
    }
    fn matchers(&self) -> &'static [&'static str] {
        &[
            "be_aix",
            "be_bsd",
            "be_darwin",
            "be_debian",
            "be_hpux",
            "be_linux",
            "be_redhat",
            "be_solaris",
            "be_suse",
            "be_unix",
            "be_windows",
        ]
    }
    fn open(&self, args: &[Value], ctx: &Ctx<'_>) -> Result<Box<dyn Resource>, ResourceError> {
        if !args.is_empty() {
            return Err(ResourceError::BadArguments(format!(
                "`os` takes no arguments, got {}",
                args.len()
            )));
        }
        let info = ctx.host.os();
        let arch = ctx
            .host
            .run("uname", &["-m"], ctx.timeout)
            .ok()
            .filter(|o| o.exit_code == Some(0))
            .map(|o| o.stdout.trim().to_owned())
            .filter(|a| !a.is_empty());
        Ok(Box::new(Platform::detect(
            &info.name,
            &info.family,
            &info.release,
            arch,
        )))
    }
}

/// InSpec's name for an os-release `ID`.
fn platform_name(id: &str) -> &str {
    match id {
        "rhel" => "redhat",
        "amzn" => "amazon",
        "ol" => "oracle",
        "sles" | "sles_sap" | "sled" => "suse",
        id if id.starts_with("opensuse") => "opensuse",
        id => id,
    }
}

/// The family a platform name belongs to directly; `None` for a name not listed.
fn family_of(name: &str) -> Option<&'static str> {
    Some(match name {
        "debian" | "ubuntu" | "linuxmint" | "raspbian" | "kali" => "debian",
        "redhat" | "centos" | "rocky" | "almalinux" | "oracle" | "amazon" | "scientific"
        | "cloudlinux" | "xenserver" | "wrlinux" => "redhat",
        "fedora" => "fedora",
        "suse" | "opensuse" => "suse",
        "alpine" | "arch" | "manjaro" | "gentoo" | "slackware" | "exherbo" | "coreos"
        | "clear-linux-os" | "linux" => "linux",
        "freebsd" | "openbsd" | "netbsd" => "bsd",
        _ => return None,
    })
}

/// The family a family belongs to; `None` at the top (`os`).
fn parent_of(family: &str) -> Option<&'static str> {
    match family {
        "debian" | "redhat" | "fedora" | "suse" => Some("linux"),
        "linux" | "bsd" | "solaris" | "aix" | "hpux" => Some("unix"),
        "darwin" => Some("bsd"),
        "unix" | "windows" => Some("os"),
        _ => None,
    }
}

/// What the host runs.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Platform {
    name: Option<String>,
    /// Nearest first; empty when unknown.
    families: Vec<&'static str>,
    release: Option<String>,
    arch: Option<String>,
}

impl Platform {
    /// Places an os-release `ID`, the host's family guess (`ID_LIKE` or the ID) and
    /// `VERSION_ID` in the hierarchy. An empty `id` means os-release could not be read.
    fn detect(id: &str, like: &str, release: &str, arch: Option<String>) -> Self {
        let non_empty = |s: &str| (!s.is_empty()).then(|| s.to_owned());
        if id.is_empty() {
            return Self {
                name: None,
                families: Vec::new(),
                release: non_empty(release),
                arch,
            };
        }
        let name = platform_name(id);
        let like = platform_name(like);
        let family = family_of(name)
            .or_else(|| family_of(like))
            .unwrap_or("linux");
        let mut families = vec![family];
        while let Some(parent) = families.last().and_then(|f| parent_of(f)) {
            families.push(parent);
        }
        Self {
            name: Some(name.to_owned()),
            families,
            release: non_empty(release),
            arch,
        }
    }

    fn family(&self) -> Option<&'static str> {
        self.families.first().copied()
    }

    fn in_family(&self, family: &str) -> bool {
        self.families.contains(&family)
    }

    /// InSpec's `check_release`: equality, or with `*` a wildcard match anywhere in the release.
    fn release_matches(&self, wanted: &str) -> Result<bool, ResourceError> {
        let Some(release) = &self.release else {
            return Ok(false);
        };
        if !wanted.contains('*') {
            return Ok(release == wanted);
        }
        let pattern = wanted
            .split('*')
            .map(regex::escape)
            .collect::<Vec<_>>()
            .join(".*?");
        let re = Regex::new(&pattern)
            .map_err(|e| ResourceError::BadArguments(format!("bad release pattern: {e}")))?;
        Ok(re.is_match(release))
    }

    fn params(&self) -> Value {
        let opt = |v: &Option<String>| v.clone().map_or(Value::Null, Value::String);
        Value::Map(vec![
            ("name".into(), opt(&self.name)),
            (
                "family".into(),
                self.family().map_or(Value::Null, Value::from),
            ),
            (
                "families".into(),
                Value::Array(self.families.iter().map(|f| Value::from(*f)).collect()),
            ),
            ("release".into(), opt(&self.release)),
            ("arch".into(), opt(&self.arch)),
        ])
    }
}

/// The one String argument of `method`.
fn one_string<'a>(method: &str, args: &'a [Value]) -> Result<&'a str, ResourceError> {
    match args {
        [v] => v.as_str().ok_or_else(|| {
            ResourceError::BadArguments(format!("`{method}` takes a String, got {}", v.inspect()))
        }),
        _ => Err(ResourceError::BadArguments(format!(
            "wrong number of arguments for `{method}` (given {}, expected 1)",
            args.len()
        ))),
    }
}

impl Resource for Platform {
    fn to_s(&self) -> String {
        "Operating System Detection".into()
    }

    fn resource_id(&self) -> String {
        String::new()
    }

    fn call(&self, method: &str, args: &[Value]) -> Result<Prop, ResourceError> {
        let v = match method {
            "family?" | "in_family?" => Value::Bool(self.in_family(one_string(method, args)?)),
            "name?" => {
                let wanted = one_string(method, args)?;
                Value::Bool(self.name.as_deref() == Some(wanted))
            }
            "platform?" => {
                let wanted = one_string(method, args)?;
                Value::Bool(self.name.as_deref() == Some(wanted) || self.in_family(wanted))
            }
            "release?" => Value::Bool(self.release_matches(one_string(method, args)?)?),
            _ => {
                if !args.is_empty() {
                    return Err(ResourceError::BadArguments(format!(
                        "wrong number of arguments for `{method}` (given {}, expected 0)",
                        args.len()
                    )));
                }
                match method {
                    "name" => self.name.clone().map_or(Value::Null, Value::String),
                    "family" => self.family().map_or(Value::Null, Value::from),
                    "families" => {
                        Value::Array(self.families.iter().map(|f| Value::from(*f)).collect())
                    }
                    "release" => self.release.clone().map_or(Value::Null, Value::String),
                    "arch" => self.arch.clone().map_or(Value::Null, Value::String),
                    "params" => self.params(),
                    "aix?" | "bsd?" | "darwin?" | "debian?" | "hpux?" | "linux?" | "redhat?"
                    | "solaris?" | "suse?" | "unix?" | "windows?" => {
                        Value::Bool(self.in_family(method.trim_end_matches('?')))
                    }
                    _ => {
                        return Err(ResourceError::NoMethod {
                            method: method.into(),
                            resource: self.to_s(),
                        });
                    }
                }
            }
        };
        Ok(Prop::Value(v))
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use ferrospec_core::model::Matcher;

    use super::*;
    use crate::host::Host;
    use crate::matcher::{Actual, evaluate};
    use crate::testing::MemHost;

    const DEBIAN: &str = r#"PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
NAME="Debian GNU/Linux"
VERSION_ID="12"
VERSION="12 (bookworm)"
ID=debian
"#;

    const UBUNTU: &str = r#"NAME="Ubuntu"
VERSION_ID="22.04"
ID=ubuntu
ID_LIKE=debian
"#;

    const ALPINE: &str = "NAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID=3.19.1\n";

    const RHEL: &str = r#"NAME="Red Hat Enterprise Linux"
VERSION_ID="9.3"
ID="rhel"
ID_LIKE="fedora"
"#;

    const ROCKY: &str = "ID=\"rocky\"\nID_LIKE=\"rhel centos fedora\"\nVERSION_ID=\"9.3\"\n";

    fn open_on(host: &dyn Host) -> Box<dyn Resource> {
        let ctx = Ctx {
            host,
            timeout: Duration::from_secs(1),
        };
        OsType.open(&[], &ctx).unwrap()
    }

    fn with_release(text: &str) -> Box<dyn Resource> {
        open_on(&MemHost::new().file("/etc/os-release", text))
    }

    #[track_caller]
    fn get(r: &dyn Resource, method: &str, args: &[Value]) -> Value {
        match r.call(method, args).unwrap() {
            Prop::Value(v) => v,
            Prop::Resource(_) => panic!("`{method}` gave a resource"),
        }
    }

    fn strings(items: &[&str]) -> Value {
        Value::Array(items.iter().map(|s| Value::from(*s)).collect())
    }

    #[test]
    fn debian() {
        let os = with_release(DEBIAN);
        assert_eq!(os.to_s(), "Operating System Detection");
        assert_eq!(get(&*os, "name", &[]), Value::from("debian"));
        assert_eq!(get(&*os, "family", &[]), Value::from("debian"));
        assert_eq!(get(&*os, "release", &[]), Value::from("12"));
        assert_eq!(get(&*os, "arch", &[]), Value::Null);
        assert_eq!(
            get(&*os, "families", &[]),
            strings(&["debian", "linux", "unix", "os"])
        );
        for yes in ["linux?", "unix?", "debian?"] {
            assert_eq!(get(&*os, yes, &[]), Value::Bool(true), "{yes}");
        }
        for no in ["windows?", "redhat?", "suse?", "bsd?", "darwin?"] {
            assert_eq!(get(&*os, no, &[]), Value::Bool(false), "{no}");
        }
        assert_eq!(
            get(&*os, "params", &[]),
            Value::Map(vec![
                ("name".into(), Value::from("debian")),
                ("family".into(), Value::from("debian")),
                (
                    "families".into(),
                    strings(&["debian", "linux", "unix", "os"])
                ),
                ("release".into(), Value::from("12")),
                ("arch".into(), Value::Null),
            ])
        );
    }

    #[test]
    fn ubuntu_is_in_the_debian_family() {
        let os = with_release(UBUNTU);
        assert_eq!(get(&*os, "name", &[]), Value::from("ubuntu"));
        assert_eq!(get(&*os, "family", &[]), Value::from("debian"));
        assert_eq!(get(&*os, "release", &[]), Value::from("22.04"));
        assert_eq!(get(&*os, "debian?", &[]), Value::Bool(true));
        assert_eq!(
            get(&*os, "family?", &[Value::from("debian")]),
            Value::Bool(true)
        );
        assert_eq!(
            get(&*os, "name?", &[Value::from("ubuntu")]),
            Value::Bool(true)
        );
        assert_eq!(
            get(&*os, "name?", &[Value::from("debian")]),
            Value::Bool(false)
        );
        assert_eq!(
            get(&*os, "platform?", &[Value::from("debian")]),
            Value::Bool(true)
        );
        assert_eq!(
            get(&*os, "release?", &[Value::from("22.*")]),
            Value::Bool(true)
        );
        assert_eq!(
            get(&*os, "release?", &[Value::from("20.04")]),
            Value::Bool(false)
        );
        assert_eq!(
            get(&*os, "params", &[]).get("family"),
            Some(&Value::from("debian"))
        );
    }

    #[test]
    fn alpine_is_plain_linux() {
        let os = with_release(ALPINE);
        assert_eq!(get(&*os, "name", &[]), Value::from("alpine"));
        assert_eq!(get(&*os, "family", &[]), Value::from("linux"));
        assert_eq!(get(&*os, "release", &[]), Value::from("3.19.1"));
        assert_eq!(get(&*os, "linux?", &[]), Value::Bool(true));
        assert_eq!(get(&*os, "debian?", &[]), Value::Bool(false));
    }

    #[test]
    fn redhat_likes() {
        let os = with_release(RHEL);
        assert_eq!(get(&*os, "name", &[]), Value::from("redhat"));
        assert_eq!(get(&*os, "family", &[]), Value::from("redhat"));
        assert_eq!(get(&*os, "redhat?", &[]), Value::Bool(true));
        assert_eq!(get(&*os, "linux?", &[]), Value::Bool(true));
        let os = with_release(ROCKY);
        assert_eq!(get(&*os, "name", &[]), Value::from("rocky"));
        assert_eq!(get(&*os, "family", &[]), Value::from("redhat"));
        // An ID ferrospec does not know is placed by its ID_LIKE.
        let os = with_release("ID=myrhel\nID_LIKE=\"rhel fedora\"\nVERSION_ID=9\n");
        assert_eq!(get(&*os, "name", &[]), Value::from("myrhel"));
        assert_eq!(get(&*os, "family", &[]), Value::from("redhat"));
        let os = with_release("ID=nixos\nVERSION_ID=24.05\n");
        assert_eq!(get(&*os, "family", &[]), Value::from("linux"));
        assert_eq!(get(&*os, "linux?", &[]), Value::Bool(true));
    }

    #[test]
    fn unreadable_os_release_knows_nothing() {
        let os = open_on(&MemHost::new());
        for method in ["name", "family", "release"] {
            assert_eq!(get(&*os, method, &[]), Value::Null, "{method}");
        }
        assert_eq!(get(&*os, "families", &[]), Value::Array(vec![]));
        for method in ["linux?", "unix?", "windows?", "debian?"] {
            assert_eq!(get(&*os, method, &[]), Value::Bool(false), "{method}");
        }
        let os = open_on(&MemHost::new().denied("/etc/os-release"));
        assert_eq!(get(&*os, "linux?", &[]), Value::Bool(false));
    }

    #[test]
    fn arch_from_uname() {
        let host = MemHost::new()
            .file("/etc/os-release", DEBIAN)
            .command("uname -m", "x86_64\n", "", 0);
        let os = open_on(&host);
        assert_eq!(get(&*os, "arch", &[]), Value::from("x86_64"));
        assert_eq!(
            get(&*os, "params", &[]).get("arch"),
            Some(&Value::from("x86_64"))
        );
    }

    #[test]
    fn predicates_as_matchers_and_bad_calls() {
        let os = with_release(DEBIAN);
        let m = Matcher {
            name: "be_linux".into(),
            op: None,
            args: vec![],
            chain: vec![],
        };
        assert!(evaluate(&m, &Actual::Resource(&*os)).unwrap().matched);
        assert!(matches!(
            os.call("centos?", &[]),
            Err(ResourceError::NoMethod { .. })
        ));
        assert!(matches!(
            os.call("family?", &[]),
            Err(ResourceError::BadArguments(_))
        ));
        assert!(matches!(
            os.call("name", &[Value::Int(1)]),
            Err(ResourceError::BadArguments(_))
        ));
        let host = MemHost::new();
        let ctx = Ctx {
            host: &host,
            timeout: Duration::from_secs(1),
        };
        assert!(matches!(
            OsType.open(&[Value::from("x")], &ctx),
            Err(ResourceError::BadArguments(_))
        ));
    }
}
