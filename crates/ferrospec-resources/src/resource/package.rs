//! `package`: whether a system package is installed, and its version.
//!
//! ## What it checks
//!
//! The package database of the host: dpkg's `/var/lib/dpkg/status` on Debian and Ubuntu (read
//! as a file, so it also works on a mounted root), `rpm -q` on Red Hat, SUSE and Amazon Linux.
//!
//! ## Properties
//!
//! | property | value |
//! | --- | --- |
//! | `installed?` (`be_installed`) | the package is installed |
//! | `version` | its version (`2.4.2-1`), `nil` when not installed |
//! | `name` | the name as given |
//!
//! ## Example
//!
//! ```ruby
//! describe package('auditd') do
//!   it { should be_installed }
//! end
//! ```
//!
//! ## Platform notes
//!
//! A package database that cannot be read (no dpkg status file on a Debian host, `rpm` missing
//! or failing) makes every check an error, never "not installed". Other package managers are
//! not supported: the checks are errors there too.

use ferrospec_core::Value;

use crate::resource::{Ctx, Prop, Resource, ResourceError, ResourceState, ResourceType};

/// `package`.
pub(crate) struct PackageType;

const DPKG_STATUS: &str = "/var/lib/dpkg/status";

impl ResourceType for PackageType {
    fn name(&self) -> &'static str {
        "package"
    }
    fn matchers(&self) -> &'static [&'static str] {
        &["be_installed"]
    }
    fn open(&self, args: &[Value], ctx: &Ctx<'_>) -> Result<Box<dyn Resource>, ResourceError> {
        let [Value::String(name)] = args else {
            return Err(ResourceError::BadArguments(
                "`package` takes one package name".into(),
            ));
        };
        let os = ctx.host.os();
        let is = |names: &[&str]| {
            names.contains(&os.family.as_str()) || names.contains(&os.name.as_str())
        };
        let lookup = match os.family.as_str() {
            _ if is(&["debian", "ubuntu"]) => dpkg(ctx, name),
            _ if is(&[
                "rhel",
                "redhat",
                "centos",
                "fedora",
                "rocky",
                "almalinux",
                "ol",
                "amzn",
                "amazon",
                "suse",
                "sles",
                "opensuse",
            ]) =>
            {
                rpm(ctx, name)
            }
            other => Err(format!(
                "cannot tell whether `{name}` is installed: the package manager of the `{}` family is not supported",
                if other.is_empty() { "unknown" } else { other }
            )),
        };
        let (state, version) = match lookup {
            Ok(v) => (ResourceState::Ok, v),
            Err(e) => (ResourceState::Failed(e), None),
        };
        Ok(Box::new(PackageResource {
            name: name.clone(),
            state,
            version,
        }))
    }
}

/// The installed version from dpkg's status file; `Ok(None)` when not installed.
fn dpkg(ctx: &Ctx<'_>, name: &str) -> Result<Option<String>, String> {
    let bytes = ctx
        .host
        .read_file(DPKG_STATUS)
        .map_err(|e| format!("cannot read `{DPKG_STATUS}`: {e}"))?;
    let text = String::from_utf8_lossy(&bytes);
    for stanza in text.split("\n\n") {
        let field = |key: &str| {
            stanza.lines().find_map(|l| {
                l.strip_prefix(key)
                    .and_then(|r| r.strip_prefix(':'))
                    .map(|v| v.trim().to_owned())
            })
        };
        if field("Package").as_deref() != Some(name) {
            continue;
        }
        let installed =
            field("Status").is_some_and(|s| s.split_whitespace().last() == Some("installed"));
        if installed {
            return Ok(field("Version"));
        }
    }
    Ok(None)
}

/// The installed version from `rpm -q`; `Ok(None)` when not installed.
fn rpm(ctx: &Ctx<'_>, name: &str) -> Result<Option<String>, String> {
    let out = ctx
        .host
        .run(
            "rpm",
            &["-q", "--queryformat", "%{VERSION}-%{RELEASE}\\n", name],
            ctx.timeout,
        )
        .map_err(|e| format!("cannot tell whether `{name}` is installed: {e}"))?;
    match out.exit_code {
        Some(0) => Ok(out.stdout.lines().next().map(str::to_owned)),
        // rpm exits 1 and says "package x is not installed".
        Some(1) if out.stdout.contains("is not installed") => Ok(None),
        _ => Err(format!("`rpm -q {name}` failed: {}", out.stderr.trim())),
    }
}

struct PackageResource {
    name: String,
    state: ResourceState,
    version: Option<String>,
}

impl Resource for PackageResource {
    fn to_s(&self) -> String {
        format!("System Package {}", self.name)
    }
    fn resource_id(&self) -> String {
        self.name.clone()
    }
    fn state(&self) -> ResourceState {
        self.state.clone()
    }
    fn call(&self, method: &str, _args: &[Value]) -> Result<Prop, ResourceError> {
        if let ResourceState::Failed(m) = &self.state {
            return Err(ResourceError::Failed(m.clone()));
        }
        let v = match method {
            "installed?" => Value::Bool(self.version.is_some()),
            "version" => self.version.clone().map_or(Value::Null, Value::String),
            "name" => Value::String(self.name.clone()),
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

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::testing::MemHost;

    const STATUS: &str = "Package: auditd\nStatus: install ok installed\nVersion: 1:3.0.9-1\n\nPackage: old\nStatus: deinstall ok config-files\nVersion: 1.0\n";

    fn open(host: &MemHost, name: &str) -> Box<dyn Resource> {
        let ctx = Ctx {
            host,
            timeout: Duration::from_secs(5),
        };
        PackageType.open(&[Value::from(name)], &ctx).unwrap()
    }

    fn get(r: &dyn Resource, m: &str) -> Result<Value, ResourceError> {
        r.call(m, &[]).map(|p| match p {
            Prop::Value(v) => v,
            Prop::Resource(_) => Value::Null,
        })
    }

    fn debian() -> MemHost {
        MemHost::new().file("/etc/os-release", "ID=debian\nVERSION_ID=12\n")
    }

    #[test]
    fn dpkg_status_tells_installed_and_version() {
        let host = debian().file(DPKG_STATUS, STATUS);
        let r = open(&host, "auditd");
        assert_eq!(r.to_s(), "System Package auditd");
        assert_eq!(get(r.as_ref(), "installed?"), Ok(Value::Bool(true)));
        assert_eq!(get(r.as_ref(), "version"), Ok(Value::from("1:3.0.9-1")));
        let r = open(&host, "old");
        assert_eq!(
            get(r.as_ref(), "installed?"),
            Ok(Value::Bool(false)),
            "config-files only is not installed"
        );
        let r = open(&host, "absent");
        assert_eq!(get(r.as_ref(), "version"), Ok(Value::Null));
    }

    #[test]
    fn an_unreadable_database_is_an_error_never_not_installed() {
        let host = debian();
        let r = open(&host, "auditd");
        assert!(matches!(r.state(), ResourceState::Failed(m) if m.contains(DPKG_STATUS)));
        assert!(matches!(
            get(r.as_ref(), "installed?"),
            Err(ResourceError::Failed(_))
        ));
        let host = MemHost::new().file("/etc/os-release", "ID=gentoo\n");
        let r = open(&host, "auditd");
        assert!(matches!(r.state(), ResourceState::Failed(m) if m.contains("not supported")));
    }

    #[test]
    fn rpm_answers_on_red_hat() {
        let host = MemHost::new()
            .file(
                "/etc/os-release",
                "ID=rhel\nID_LIKE=\"fedora\"\nVERSION_ID=9\n",
            )
            .command(
                "rpm -q --queryformat %{VERSION}-%{RELEASE}\\n audit",
                "3.1.2-1.el9\n",
                "",
                0,
            )
            .command(
                "rpm -q --queryformat %{VERSION}-%{RELEASE}\\n nope",
                "package nope is not installed\n",
                "",
                1,
            );
        assert_eq!(
            get(open(&host, "audit").as_ref(), "version"),
            Ok(Value::from("3.1.2-1.el9"))
        );
        assert_eq!(
            get(open(&host, "nope").as_ref(), "installed?"),
            Ok(Value::Bool(false))
        );
    }
}
