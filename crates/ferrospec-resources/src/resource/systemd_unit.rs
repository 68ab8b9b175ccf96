//! `systemd_unit`: where the file of a systemd unit is.
//!
//! ## What it checks
//! The unit file that systemd loads for a unit (`docker.service`, `docker.socket`), so a
//! control can audit the file that really configures the service.
//!
//! ## Properties
//! - `fragment_path`: the unit's `FragmentPath` from `systemctl show -p FragmentPath UNIT` when
//!   systemd runs (`/run/systemd/system` exists) and answers with a path; otherwise the first of `/etc/systemd/system`,
//!   `/run/systemd/system`, `/usr/local/lib/systemd/system`, `/usr/lib/systemd/system`,
//!   `/lib/systemd/system` that holds the unit file; `nil` when none does.
//! - `source`: `systemctl` or `unit directories`, how the path was found (`nil` when not found).
//! - `exist?`: whether a unit file was found.
//!
//! ## Example
//! ```yaml
//! let:
//!   unit_path:
//!     - "${docker_service_path}"        # an input overrides discovery
//!     - resource: systemd_unit
//!       args: docker.service
//!       its: fragment_path
//! ```
//!
//! ## Platform notes
//! Where systemd is not PID 1 (containers, some CI machines) `systemctl` cannot answer and the
//! unit directories are searched. A `systemctl` that hangs is stopped after the run's timeout.
//! On a mounted root (`--target DIR`) only the unit directories are searched.

use ferrospec_core::Value;

use crate::host::FileKind;
use crate::resource::{Ctx, Prop, Resource, ResourceError, ResourceType};

/// `systemd_unit`.
pub(crate) struct SystemdUnitType;

/// Where systemd looks for unit files, highest priority first.
pub(crate) const UNIT_DIRS: &[&str] = &[
    "/etc/systemd/system",
    "/run/systemd/system",
    "/usr/local/lib/systemd/system",
    "/usr/lib/systemd/system",
    "/lib/systemd/system",
];

impl ResourceType for SystemdUnitType {
    fn name(&self) -> &'static str {
        "systemd_unit"
    }
    fn matchers(&self) -> &'static [&'static str] {
        &[]
    }
    fn open(&self, args: &[Value], ctx: &Ctx<'_>) -> Result<Box<dyn Resource>, ResourceError> {
        let unit = match args {
            [Value::String(u)] if !u.is_empty() && !u.contains('/') => u.clone(),
            _ => {
                return Err(ResourceError::BadArguments(
                    "`systemd_unit` takes one unit name, such as `docker.service`".into(),
                ));
            }
        };
        let (path, source) = match from_systemctl(&unit, ctx) {
            Some(p) => (Some(p), "systemctl"),
            None => (from_dirs(&unit, ctx), "unit directories"),
        };
        Ok(Box::new(SystemdUnit {
            source: path.as_ref().map(|_| source),
            unit,
            path,
        }))
    }
}

fn from_systemctl(unit: &str, ctx: &Ctx<'_>) -> Option<String> {
    // systemd's own test of whether it runs (`sd_booted`): without `/run/systemd/system`,
    // `systemctl` can only fail, so it is not asked.
    if !ctx
        .host
        .stat("/run/systemd/system")
        .is_ok_and(|s| s.kind == FileKind::Directory)
    {
        return None;
    }
    let out = ctx
        .host
        .run(
            "systemctl",
            &["show", "-p", "FragmentPath", unit],
            ctx.timeout,
        )
        .ok()?;
    if out.exit_code != Some(0) {
        return None;
    }
    out.stdout
        .lines()
        .find_map(|l| l.trim().strip_prefix("FragmentPath="))
        .map(str::trim)
        .filter(|p| p.starts_with('/'))
        .map(str::to_owned)
}

fn from_dirs(unit: &str, ctx: &Ctx<'_>) -> Option<String> {
    UNIT_DIRS
        .iter()
        .map(|d| format!("{d}/{unit}"))
        .find(|p| ctx.host.stat(p).is_ok_and(|s| s.kind == FileKind::File))
}

struct SystemdUnit {
    unit: String,
    path: Option<String>,
    source: Option<&'static str>,
}

impl Resource for SystemdUnit {
    fn to_s(&self) -> String {
        format!("Systemd Unit {}", self.unit)
    }
    fn resource_id(&self) -> String {
        self.unit.clone()
    }
    fn call(&self, method: &str, _args: &[Value]) -> Result<Prop, ResourceError> {
        let v = match method {
            "fragment_path" | "path" => self.path.clone().map_or(Value::Null, Value::String),
            "source" => self.source.map_or(Value::Null, Value::from),
            "exist?" => Value::Bool(self.path.is_some()),
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
