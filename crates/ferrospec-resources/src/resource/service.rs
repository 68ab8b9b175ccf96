//! `service` and `systemd_service`: whether a system service is installed, enabled at boot
//! and running.
//!
//! ## What it checks
//!
//! A service as systemd (or, without systemd, the init scripts) knows it: whether its unit
//! is installed, whether it starts at boot, and whether it runs now. `service('auditd')`
//! means the unit `auditd.service`; a name with a unit suffix (`docker.socket`) is used as
//! given.
//!
//! ## Properties
//!
//! | property | value |
//! | --- | --- |
//! | `installed?` | systemd loads the unit (`LoadState=loaded`); a masked unit is not installed |
//! | `enabled?` | it starts at boot: `UnitFileState` is one for which `systemctl is-enabled` succeeds (`enabled`, `enabled-runtime`, `static`, `alias`, `indirect`, `generated`, `transient`; a unit generated from an init script is enabled when it has an `S` link in `/etc/rc[2-5].d`) |
//! | `running?` | it is active (`ActiveState` `active` or `reloading`, as `systemctl is-active`) |
//! | `type` | `systemd`, or `sysv` for a service found only as an init script; nil when nothing was found |
//! | `name` | the unit (`auditd.service`); the script name for an init script |
//! | `description` | the unit's `Description` (an init script's `Short-Description`); nil when unknown |
//! | `params` | the properties `systemctl show` printed (`LoadState`, `UnitFileState`, `ActiveState`, `SubState`, `Description`); an error when systemd did not answer |
//!
//! Matchers: `be_installed`, `be_enabled`, `be_running`.
//!
//! `systemd_service(name)` is the same resource; a second argument names the `systemctl` to
//! run (`systemd_service('auditd', '/usr/bin/systemctl')`).
//!
//! ## Example
//!
//! ```ruby
//! describe service('auditd') do
//!   it { should be_installed }
//!   it { should be_enabled }
//!   it { should be_running }
//! end
//! ```
//!
//! ## Platform notes
//!
//! ferrospec asks `systemctl show --property=LoadState,UnitFileState,ActiveState,SubState,Description
//! UNIT`. Where systemd is not PID 1 (containers, many CI machines: `systemctl` prints "System
//! has not been booted with systemd as init system (PID 1). Can't operate." and fails), or
//! `systemctl` is missing, hangs past the timeout, or the target is a mounted root, the answer
//! is read from the filesystem instead:
//!
//! - **installed**: a unit file in `/etc/systemd/system`, `/run/systemd/system`,
//!   `/usr/local/lib/systemd/system`, `/usr/lib/systemd/system` or `/lib/systemd/system`
//!   (the first one found wins, as in systemd; a link to `/dev/null` there means masked: not
//!   installed), else an init script `/etc/init.d/NAME`.
//! - **enabled**: a link to the unit in a `*.wants` or `*.requires` directory of
//!   `/etc/systemd/system` or `/run/systemd/system`, or a unit file without an `[Install]`
//!   section (systemd calls it `static`); for an init script, an `S??NAME` link in
//!   `/etc/rc2.d` … `/etc/rc5.d`. Drop-in directories (`UNIT.d/*.conf`) are not read.
//! - **running**: a process whose `/proc/PID/comm` (or the first word of its
//!   `/proc/PID/cmdline`) is the program of the unit's `ExecStart=` (the service name when
//!   there is no unit file). Only processes visible in ferrospec's PID namespace count, and a
//!   one-shot service that has exited is not running here although systemd would call it
//!   active. When `ExecStart=` runs a shell or an interpreter (`sh -c …`, `python3 …`), its
//!   process cannot be told from others and `running?` is an error.
//!
//! On a mounted root (`--target DIR`) the root's processes cannot be seen: `running?` is an
//! error, never true or false. Whenever the host cannot be read (permission denied on a unit
//! directory), the property that needed it is an error as well.

// The docs name InSpec and systemd behaviour; those names are prose, not code.
#![allow(clippy::doc_markdown)]

use ferrospec_core::Value;

use crate::host::{CommandError, FileKind, Host, lookup};
use crate::resource::systemd_unit::UNIT_DIRS;
use crate::resource::{Ctx, Prop, Resource, ResourceError, ResourceType};

/// Where `systemctl enable` puts its links (persistent, then runtime).
const ENABLE_DIRS: &[&str] = &["/etc/systemd/system", "/run/systemd/system"];

/// What `systemctl show` is asked for.
const SHOW_PROPERTIES: &str = "--property=LoadState,UnitFileState,ActiveState,SubState,Description";

/// Unit type suffixes: a name ending in one is a unit name already.
const UNIT_SUFFIXES: &[&str] = &[
    ".service",
    ".socket",
    ".timer",
    ".target",
    ".mount",
    ".automount",
    ".path",
    ".slice",
    ".scope",
    ".device",
    ".swap",
];

/// Programs that run something else: a process of theirs says nothing about which service
/// it belongs to. Versioned names (`python3.11`) count too.
const INTERPRETERS: &[&str] = &[
    "sh", "bash", "dash", "zsh", "ksh", "busybox", "python", "perl", "ruby", "node", "java",
];

fn is_interpreter(program: &str) -> bool {
    INTERPRETERS.iter().any(|i| {
        program
            .strip_prefix(i)
            .is_some_and(|rest| rest.chars().all(|c| c.is_ascii_digit() || c == '.'))
    })
}

/// `service`.
pub(crate) struct ServiceType;

/// `systemd_service`.
pub(crate) struct SystemdServiceType;

const MATCHERS: &[&str] = &["be_enabled", "be_installed", "be_running"];

impl ResourceType for ServiceType {
    fn name(&self) -> &'static str {
        "service"
    }
    fn matchers(&self) -> &'static [&'static str] {
        MATCHERS
    }
    fn open(&self, args: &[Value], ctx: &Ctx<'_>) -> Result<Box<dyn Resource>, ResourceError> {
        match args {
            [name] => open_service("service", name, "systemctl", ctx),
            _ => Err(bad_arguments("service", args)),
        }
    }
}

impl ResourceType for SystemdServiceType {
    fn name(&self) -> &'static str {
        "systemd_service"
    }
    fn matchers(&self) -> &'static [&'static str] {
        MATCHERS
    }
    fn open(&self, args: &[Value], ctx: &Ctx<'_>) -> Result<Box<dyn Resource>, ResourceError> {
        match args {
            [name] => open_service("systemd_service", name, "systemctl", ctx),
            [name, Value::String(ctl)] if !ctl.trim().is_empty() => {
                open_service("systemd_service", name, ctl.trim(), ctx)
            }
            _ => Err(bad_arguments("systemd_service", args)),
        }
    }
}

fn bad_arguments(resource: &str, args: &[Value]) -> ResourceError {
    let given: Vec<String> = args.iter().map(Value::inspect).collect();
    ResourceError::BadArguments(format!(
        "`{resource}` takes a service name, such as `auditd`, got ({})",
        given.join(", ")
    ))
}

fn open_service(
    resource: &str,
    name: &Value,
    systemctl: &str,
    ctx: &Ctx<'_>,
) -> Result<Box<dyn Resource>, ResourceError> {
    let name = match name {
        Value::String(n)
            if !n.is_empty() && !n.contains('/') && !n.chars().any(char::is_whitespace) =>
        {
            n.clone()
        }
        other => return Err(bad_arguments(resource, std::slice::from_ref(other))),
    };
    let unit = if UNIT_SUFFIXES.iter().any(|s| name.ends_with(s)) {
        name.clone()
    } else {
        format!("{name}.service")
    };
    let info = match ask_systemd(systemctl, &unit, ctx) {
        Systemd::Answered(props) => from_systemd(&name, &unit, &props, ctx.host),
        Systemd::MountedRoot(reason) => from_files(&name, &unit, Some(&reason), ctx.host),
        Systemd::NoAnswer => from_files(&name, &unit, None, ctx.host),
    };
    Ok(Box::new(ServiceResource { name, info }))
}

/// What asking systemd gave.
enum Systemd {
    /// `systemctl show` answered: its `Key=value` lines, in order.
    Answered(Vec<(String, String)>),
    /// Commands cannot run: the target is a mounted root.
    MountedRoot(String),
    /// systemd is not running, `systemctl` is missing, hung or failed.
    NoAnswer,
}

fn ask_systemd(systemctl: &str, unit: &str, ctx: &Ctx<'_>) -> Systemd {
    match ctx
        .host
        .run(systemctl, &["show", SHOW_PROPERTIES, unit], ctx.timeout)
    {
        Ok(out) if out.exit_code == Some(0) => {
            let props: Vec<(String, String)> = out
                .stdout
                .lines()
                .filter_map(|l| l.split_once('='))
                .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
                .collect();
            if props.iter().any(|(k, _)| k == "LoadState") {
                Systemd::Answered(props)
            } else {
                Systemd::NoAnswer
            }
        }
        Err(CommandError::Unavailable { reason, .. }) => Systemd::MountedRoot(reason),
        _ => Systemd::NoAnswer,
    }
}

/// Everything the resource answers, each part possibly unknown.
struct ServiceInfo {
    installed: Result<bool, String>,
    enabled: Result<bool, String>,
    running: Result<bool, String>,
    kind: Option<&'static str>,
    id: String,
    description: Option<String>,
    params: Result<Value, String>,
}

fn from_systemd(
    name: &str,
    unit: &str,
    props: &[(String, String)],
    host: &dyn Host,
) -> ServiceInfo {
    let prop = |key: &str| {
        props
            .iter()
            .find(|(k, _)| k == key)
            .map_or("", |(_, v)| v.as_str())
    };
    let loaded = prop("LoadState") == "loaded";
    // A unit generated from an init script: `systemctl is-enabled` asks the init script's
    // links, and so do we.
    let script = script_name(name);
    let from_script = || {
        let path = format!("/etc/init.d/{script}");
        host.stat(&path)
            .is_ok_and(|st| st.kind == FileKind::File)
            .then(|| sysv_enabled(host, script))
    };
    let enabled = match prop("UnitFileState") {
        "enabled" | "enabled-runtime" | "static" | "alias" | "indirect" | "transient" => Ok(true),
        "generated" => from_script().unwrap_or(Ok(true)),
        "" if loaded => from_script().unwrap_or(Ok(false)),
        _ => Ok(false),
    };
    ServiceInfo {
        installed: Ok(loaded),
        enabled,
        running: Ok(matches!(prop("ActiveState"), "active" | "reloading")),
        kind: Some("systemd"),
        id: unit.to_owned(),
        description: Some(prop("Description"))
            .filter(|d| !d.is_empty())
            .map(str::to_owned),
        params: Ok(Value::Map(
            props
                .iter()
                .map(|(k, v)| (k.clone(), Value::from(v.as_str())))
                .collect(),
        )),
    }
}

/// A unit file found in the unit directories.
struct UnitFile {
    /// Linked to `/dev/null`.
    masked: bool,
    /// Its text (empty when masked).
    text: String,
}

/// The unit's file, or its template's (`getty@.service` for `getty@tty1.service`).
fn find_unit_file(host: &dyn Host, unit: &str) -> Result<Option<UnitFile>, String> {
    let template = unit.split_once('@').and_then(|(prefix, rest)| {
        rest.rsplit_once('.')
            .map(|(_, ty)| format!("{prefix}@.{ty}"))
    });
    for candidate in std::iter::once(unit.to_owned()).chain(template) {
        for dir in UNIT_DIRS {
            let path = format!("{dir}/{candidate}");
            let Some(link) = lookup(host.lstat(&path)).map_err(|e| cannot_read(&path, &e))? else {
                continue;
            };
            if link.kind == FileKind::Symlink && host.resolve(&path).as_deref() == Some("/dev/null")
            {
                return Ok(Some(UnitFile {
                    masked: true,
                    text: String::new(),
                }));
            }
            // A dangling link is no unit file; systemd looks further.
            let Some(st) = lookup(host.stat(&path)).map_err(|e| cannot_read(&path, &e))? else {
                continue;
            };
            match st.kind {
                FileKind::CharacterDevice => {
                    return Ok(Some(UnitFile {
                        masked: true,
                        text: String::new(),
                    }));
                }
                FileKind::File => {
                    let bytes = host.read_file(&path).map_err(|e| cannot_read(&path, &e))?;
                    return Ok(Some(UnitFile {
                        masked: false,
                        text: String::from_utf8_lossy(&bytes).into_owned(),
                    }));
                }
                _ => {}
            }
        }
    }
    Ok(None)
}

fn cannot_read(path: &str, e: &dyn std::fmt::Display) -> String {
    format!("cannot read `{path}`: {e}")
}

/// The name of the service's init script, without a `.service` suffix.
fn script_name(name: &str) -> &str {
    name.strip_suffix(".service").unwrap_or(name)
}

fn from_files(name: &str, unit: &str, mounted: Option<&str>, host: &dyn Host) -> ServiceInfo {
    let script = script_name(name);
    let unit_file = find_unit_file(host, unit);
    let init_path = format!("/etc/init.d/{script}");
    let init_script = lookup(host.stat(&init_path))
        .map_err(|e| cannot_read(&init_path, &e))
        .map(|st| st.is_some_and(|st| st.kind == FileKind::File));

    let (installed, enabled, kind, description) = match (&unit_file, &init_script) {
        (Err(e), _) | (Ok(None), Err(e)) => (Err(e.clone()), Err(e.clone()), None, None),
        (Ok(Some(u)), _) if u.masked => (Ok(false), Ok(false), Some("systemd"), None),
        (Ok(Some(u)), _) => {
            let enabled = match wants_link(host, unit) {
                Ok(true) => Ok(true),
                Ok(false) => Ok(!has_section(&u.text, "Install")),
                Err(e) => Err(e),
            };
            (
                Ok(true),
                enabled,
                Some("systemd"),
                ini_value(&u.text, "Unit", "Description"),
            )
        }
        (Ok(None), Ok(true)) => (
            Ok(true),
            sysv_enabled(host, script),
            Some("sysv"),
            host.read_file(&init_path).ok().and_then(|b| {
                String::from_utf8_lossy(&b).lines().find_map(|l| {
                    l.strip_prefix("# Short-Description:")
                        .map(|d| d.trim().to_owned())
                })
            }),
        ),
        (Ok(None), Ok(false)) => (Ok(false), Ok(false), None, None),
    };

    let running = if let Some(reason) = mounted {
        Err(format!(
            "cannot tell whether `{name}` runs on a mounted root: {reason}"
        ))
    } else {
        let program = match &unit_file {
            Ok(Some(u)) if !u.masked => exec_program(&u.text),
            _ => None,
        };
        let program = program.unwrap_or_else(|| script.to_owned());
        if is_interpreter(&program) {
            Err(format!(
                "cannot tell whether `{name}` runs: systemd does not answer, and its program `{program}` runs other programs, so its process cannot be told from others"
            ))
        } else {
            process_running(host, &program).map_err(|e| {
                format!("cannot tell whether `{name}` runs: systemd does not answer, and {e}")
            })
        }
    };

    let id = match (&unit_file, &init_script) {
        (Ok(None), Ok(true)) => script.to_owned(),
        _ => unit.to_owned(),
    };
    ServiceInfo {
        installed,
        enabled,
        running,
        kind,
        id,
        description,
        params: Err(format!(
            "`params` of service `{name}` needs `systemctl show`, and systemd does not answer here"
        )),
    }
}

/// Whether a `*.wants`/`*.requires` directory holds the unit (`systemctl enable` made it).
fn wants_link(host: &dyn Host, unit: &str) -> Result<bool, String> {
    for base in ENABLE_DIRS {
        let Some(entries) = lookup(host.read_dir(base)).map_err(|e| cannot_read(base, &e))? else {
            continue;
        };
        for dir in entries
            .iter()
            .filter(|d| matches!(d.rsplit_once('.'), Some((_, "wants" | "requires"))))
        {
            let path = format!("{base}/{dir}/{unit}");
            if lookup(host.lstat(&path))
                .map_err(|e| cannot_read(&path, &e))?
                .is_some()
            {
                return Ok(true);
            }
        }
    }
    Ok(false)
}

/// Whether an init script starts in a multi-user runlevel: `/etc/rc[2-5].d/S??NAME`.
fn sysv_enabled(host: &dyn Host, script: &str) -> Result<bool, String> {
    for level in 2..=5 {
        let dir = format!("/etc/rc{level}.d");
        let Some(entries) = lookup(host.read_dir(&dir)).map_err(|e| cannot_read(&dir, &e))? else {
            continue;
        };
        let starts = entries.iter().any(|e| {
            e.strip_prefix('S').is_some_and(|rest| {
                rest.len() == script.len() + 2
                    && rest.as_bytes()[..2].iter().all(u8::is_ascii_digit)
                    && rest.get(2..) == Some(script)
            })
        });
        if starts {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Whether an INI-style unit file has a `[section]`.
fn has_section(text: &str, section: &str) -> bool {
    let header = format!("[{section}]");
    text.lines().any(|l| l.trim() == header)
}

/// The first value of `key` in `[section]` of a unit file.
fn ini_value(text: &str, section: &str, key: &str) -> Option<String> {
    let header = format!("[{section}]");
    let mut inside = false;
    for line in text.lines().map(str::trim) {
        if line.starts_with('[') {
            inside = line == header;
        } else if inside
            && let Some((k, v)) = line.split_once('=')
            && k.trim() == key
        {
            return Some(v.trim().to_owned());
        }
    }
    None
}

/// The program a unit's `ExecStart=` runs, as a process name (its basename): prefixes such
/// as `-` and `@` dropped, `env VAR=x prog` seen through.
fn exec_program(text: &str) -> Option<String> {
    let line = ini_value(text, "Service", "ExecStart")?;
    let line = line.trim_start_matches(['@', '-', ':', '+', '!']);
    let mut words = line
        .split_whitespace()
        .map(|w| w.rsplit('/').next().unwrap_or(w));
    let mut program = words.next()?;
    if program == "env" {
        program = words.find(|w| !w.contains('=') && !w.starts_with('-'))?;
    }
    (!program.is_empty()).then(|| program.to_owned())
}

/// Whether a process of `program` is in `/proc`: its `comm` (the kernel keeps 15 bytes) or
/// the basename of its first `cmdline` word.
fn process_running(host: &dyn Host, program: &str) -> Result<bool, String> {
    let entries = host
        .read_dir("/proc")
        .map_err(|e| format!("the processes in `/proc` cannot be listed: {e}"))?;
    let pids: Vec<&String> = entries
        .iter()
        .filter(|e| !e.is_empty() && e.bytes().all(|b| b.is_ascii_digit()))
        .collect();
    if pids.is_empty() {
        return Err("no process is visible in `/proc`".into());
    }
    let mut comm_name = program;
    while comm_name.len() > 15 {
        let mut cut = 15;
        while !comm_name.is_char_boundary(cut) {
            cut -= 1;
        }
        comm_name = &comm_name[..cut];
    }
    for pid in pids {
        // A process may exit while the list is read: skip what cannot be read.
        if let Ok(comm) = host.read_file(&format!("/proc/{pid}/comm"))
            && String::from_utf8_lossy(&comm).trim_end_matches('\n') == comm_name
        {
            return Ok(true);
        }
        if let Ok(cmdline) = host.read_file(&format!("/proc/{pid}/cmdline")) {
            let first = cmdline.split(|b| *b == 0).next().unwrap_or_default();
            let first = String::from_utf8_lossy(first);
            let base = first.split_whitespace().next().unwrap_or_default();
            if !base.is_empty() && base.rsplit('/').next() == Some(program) {
                return Ok(true);
            }
        }
    }
    Ok(false)
}

/// An opened `service`.
struct ServiceResource {
    /// The name as given.
    name: String,
    info: ServiceInfo,
}

impl Resource for ServiceResource {
    fn to_s(&self) -> String {
        format!("Service {}", self.name)
    }

    fn resource_id(&self) -> String {
        self.name.clone()
    }

    fn call(&self, method: &str, args: &[Value]) -> Result<Prop, ResourceError> {
        let answer =
            |r: &Result<bool, String>| r.clone().map(Value::Bool).map_err(ResourceError::Failed);
        let v = match method {
            // InSpec's predicates take optional (ignored) arguments: `installed?(name, version)`.
            "installed?" => answer(&self.info.installed)?,
            "enabled?" => answer(&self.info.enabled)?,
            "running?" => answer(&self.info.running)?,
            _ if !args.is_empty() => {
                return Err(ResourceError::BadArguments(format!(
                    "wrong number of arguments for `{method}` (given {}, expected 0)",
                    args.len()
                )));
            }
            "type" => self.info.kind.map_or(Value::Null, Value::from),
            "name" => Value::String(self.info.id.clone()),
            "description" => self
                .info
                .description
                .clone()
                .map_or(Value::Null, Value::String),
            "params" => self.info.params.clone().map_err(ResourceError::Failed)?,
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
    use std::os::unix::fs::symlink;
    use std::path::{Path, PathBuf};
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    use ferrospec_core::model::Matcher;

    use super::*;
    use crate::host::{FixtureHost, LocalHost, RootedHost};
    use crate::matcher::{Actual, evaluate, evaluate_negated};
    use crate::testing::MemHost;

    const NOT_BOOTED: &str = "System has not been booted with systemd as init system (PID 1). Can't operate.\nFailed to connect to bus: Host is down\n";

    const AUDITD_UNIT: &str = "[Unit]
Description=Security Auditing Service
DefaultDependencies=no

[Service]
Type=forking
ExecStart=/sbin/auditd
ExecStartPost=-/sbin/augenrules --load

[Install]
WantedBy=multi-user.target
";

    fn show(unit: &str) -> String {
        format!("systemctl show {SHOW_PROPERTIES} {unit}")
    }

    fn open_on(host: &dyn Host, name: &str) -> Box<dyn Resource> {
        let ctx = Ctx {
            host,
            timeout: Duration::from_secs(5),
        };
        ServiceType.open(&[Value::from(name)], &ctx).unwrap()
    }

    #[track_caller]
    fn get(r: &dyn Resource, method: &str) -> Value {
        match r.call(method, &[]).unwrap() {
            Prop::Value(v) => v,
            Prop::Resource(_) => panic!("`{method}` gave a resource"),
        }
    }

    #[track_caller]
    fn failed(r: &dyn Resource, method: &str) -> String {
        match r.call(method, &[]) {
            Err(ResourceError::Failed(msg)) => msg,
            Ok(Prop::Value(v)) => panic!("`{method}` answered {}", v.inspect()),
            Ok(Prop::Resource(_)) => panic!("`{method}` gave a resource"),
            Err(e) => panic!("`{method}`: {e}"),
        }
    }

    /// `[installed?, enabled?, running?]`.
    #[track_caller]
    fn states(r: &dyn Resource) -> [Value; 3] {
        [get(r, "installed?"), get(r, "enabled?"), get(r, "running?")]
    }

    fn yes_no(flags: [bool; 3]) -> [Value; 3] {
        flags.map(Value::Bool)
    }

    fn matcher(name: &str) -> Matcher {
        Matcher {
            name: name.into(),
            op: None,
            args: vec![],
            chain: vec![],
        }
    }

    #[test]
    fn systemd_answers() {
        let host = MemHost::new().command(
            &show("auditd.service"),
            "LoadState=loaded\nUnitFileState=enabled\nActiveState=active\nSubState=running\nDescription=Security Auditing Service\n",
            "",
            0,
        );
        let s = open_on(&host, "auditd");
        assert_eq!(s.to_s(), "Service auditd");
        assert_eq!(s.resource_id(), "auditd");
        assert_eq!(states(&*s), yes_no([true, true, true]));
        assert_eq!(get(&*s, "type"), Value::from("systemd"));
        assert_eq!(get(&*s, "name"), Value::from("auditd.service"));
        assert_eq!(
            get(&*s, "description"),
            Value::from("Security Auditing Service")
        );
        assert_eq!(
            get(&*s, "params").get("SubState"),
            Some(&Value::from("running"))
        );
        for m in ["be_installed", "be_enabled", "be_running"] {
            let out = evaluate(&matcher(m), &Actual::Resource(&*s)).unwrap();
            assert!(out.matched, "{m}");
        }
        let out = evaluate(&matcher("be_running"), &Actual::Resource(&*s)).unwrap();
        assert_eq!(out.description, "be running");
        // InSpec's predicates accept (and ignore) arguments.
        assert!(matches!(
            s.call("installed?", &[Value::from("auditd"), Value::from("1.0")]),
            Ok(Prop::Value(Value::Bool(true)))
        ));
        assert!(matches!(
            s.call("nope", &[]),
            Err(ResourceError::NoMethod { .. })
        ));
    }

    #[test]
    fn systemd_states() {
        // (LoadState, UnitFileState, ActiveState, SubState) -> installed, enabled, running
        let cases = [
            (
                ("loaded", "disabled", "inactive", "dead"),
                [true, false, false],
            ),
            (("loaded", "static", "active", "exited"), [true, true, true]),
            (
                ("loaded", "enabled-runtime", "reloading", "reload"),
                [true, true, true],
            ),
            (
                ("loaded", "indirect", "activating", "start"),
                [true, true, false],
            ),
            (
                ("loaded", "linked", "failed", "failed"),
                [true, false, false],
            ),
            (
                ("masked", "masked", "inactive", "dead"),
                [false, false, false],
            ),
            (("not-found", "", "inactive", "dead"), [false, false, false]),
            (
                ("loaded", "generated", "active", "running"),
                [true, true, true],
            ),
        ];
        for ((load, file, active, sub), want) in cases {
            let out = format!(
                "LoadState={load}\nUnitFileState={file}\nActiveState={active}\nSubState={sub}\nDescription=x\n"
            );
            let host = MemHost::new().command(&show("x.service"), &out, "", 0);
            let s = open_on(&host, "x");
            assert_eq!(states(&*s), yes_no(want), "{out}");
        }
    }

    #[test]
    fn systemd_defers_to_init_script_links() {
        let answer = "LoadState=loaded\nUnitFileState=generated\nActiveState=active\nSubState=running\nDescription=LSB: x\n";
        let base = MemHost::new()
            .command(&show("legacy.service"), answer, "", 0)
            .file("/etc/init.d/legacy", "#!/bin/sh\n");
        let s = open_on(&base, "legacy");
        assert_eq!(get(&*s, "enabled?"), Value::Bool(false));
        let s = open_on(&base.file("/etc/rc3.d/S02legacy", ""), "legacy");
        assert_eq!(get(&*s, "enabled?"), Value::Bool(true));
    }

    #[test]
    fn a_unit_suffix_is_kept_and_systemd_service_takes_a_systemctl() {
        let answer = "LoadState=loaded\nUnitFileState=enabled\nActiveState=active\nSubState=listening\nDescription=Docker Socket\n";
        let host = MemHost::new()
            .command(&show("docker.socket"), answer, "", 0)
            .command(
                &format!("/opt/bin/systemctl show {SHOW_PROPERTIES} auditd.service"),
                answer,
                "",
                0,
            );
        let s = open_on(&host, "docker.socket");
        assert_eq!(get(&*s, "name"), Value::from("docker.socket"));
        assert_eq!(get(&*s, "running?"), Value::Bool(true));
        let ctx = Ctx {
            host: &host,
            timeout: Duration::from_secs(1),
        };
        let s = SystemdServiceType
            .open(
                &[Value::from("auditd"), Value::from("/opt/bin/systemctl")],
                &ctx,
            )
            .unwrap();
        assert_eq!(get(&*s, "installed?"), Value::Bool(true));
        for bad in [
            vec![],
            vec![Value::from("")],
            vec![Value::from("a b")],
            vec![Value::from("../x")],
            vec![Value::Int(1)],
            vec![Value::from("x"), Value::from("y")],
        ] {
            assert!(
                matches!(
                    ServiceType.open(&bad, &ctx),
                    Err(ResourceError::BadArguments(_))
                ),
                "{bad:?}"
            );
        }
    }

    /// A host without systemd as PID 1: `systemctl` fails as it does in a container.
    fn no_systemd(unit: &str) -> MemHost {
        MemHost::new()
            .command(&show(unit), "", NOT_BOOTED, 1)
            .file("/proc/1/comm", "bash\n")
            .file("/proc/1/cmdline", "/bin/bash\0")
            .file("/proc/self/comm", "ferrospec\n")
    }

    #[test]
    fn without_systemd_unit_files_and_processes_answer() {
        let host = no_systemd("auditd.service")
            .file("/lib/systemd/system/auditd.service", AUDITD_UNIT)
            .file(
                "/etc/systemd/system/multi-user.target.wants/auditd.service",
                AUDITD_UNIT,
            )
            .file("/proc/412/comm", "auditd\n");
        let s = open_on(&host, "auditd");
        assert_eq!(states(&*s), yes_no([true, true, true]));
        assert_eq!(get(&*s, "type"), Value::from("systemd"));
        assert_eq!(get(&*s, "name"), Value::from("auditd.service"));
        assert_eq!(
            get(&*s, "description"),
            Value::from("Security Auditing Service")
        );
        let msg = failed(&*s, "params");
        assert!(msg.contains("systemd does not answer"), "{msg}");
    }

    #[test]
    fn without_systemd_a_stopped_disabled_service() {
        let host = no_systemd("auditd.service")
            .file("/usr/lib/systemd/system/auditd.service", AUDITD_UNIT)
            .file(
                "/etc/systemd/system/multi-user.target.wants/cron.service",
                "",
            )
            .file("/proc/77/comm", "cron\n");
        let s = open_on(&host, "auditd");
        assert_eq!(states(&*s), yes_no([true, false, false]));
        let out = evaluate(&matcher("be_running"), &Actual::Resource(&*s)).unwrap();
        assert!(!out.matched);
        assert_eq!(
            out.failure,
            "expected `Service auditd.running?` to be truthy, got false"
        );
    }

    #[test]
    fn without_systemd_a_unit_without_install_is_static() {
        let host = no_systemd("systemd-timesyncd.service")
            .file(
                "/lib/systemd/system/systemd-timesyncd.service",
                "[Unit]\nDescription=Network Time Synchronization\n[Service]\nExecStart=!!/lib/systemd/systemd-timesyncd\n",
            )
            // The kernel keeps 15 bytes of a process name.
            .file("/proc/300/comm", "systemd-timesyn\n");
        let s = open_on(&host, "systemd-timesyncd");
        assert_eq!(states(&*s), yes_no([true, true, true]));
    }

    #[test]
    fn without_systemd_the_cmdline_names_the_program() {
        let host = no_systemd("dockerd.service")
            .file(
                "/etc/systemd/system/dockerd.service",
                "[Service]\nExecStart=/usr/bin/env GODEBUG=x /usr/bin/dockerd -H fd://\n[Install]\nWantedBy=multi-user.target\n",
            )
            .file("/proc/9/comm", "renamed\n")
            .file("/proc/9/cmdline", "/usr/bin/dockerd\0-H\0fd://\0");
        let s = open_on(&host, "dockerd");
        assert_eq!(states(&*s), yes_no([true, false, true]));
    }

    #[test]
    fn without_systemd_a_template_instance() {
        let host = no_systemd("getty@tty1.service")
            .file(
                "/lib/systemd/system/getty@.service",
                "[Service]\nExecStart=-/sbin/agetty -o '-p -- \\\\u' --noclear - $TERM\n[Install]\nWantedBy=getty.target\n",
            )
            .file("/etc/systemd/system/getty.target.wants/getty@tty1.service", "")
            .file("/proc/50/comm", "agetty\n");
        let s = open_on(&host, "getty@tty1");
        assert_eq!(states(&*s), yes_no([true, true, true]));
    }

    #[test]
    fn without_systemd_an_init_script() {
        let host = no_systemd("legacy.service")
            .file(
                "/etc/init.d/legacy",
                "#!/bin/sh\n### BEGIN INIT INFO\n# Short-Description: An old daemon\n### END INIT INFO\n",
            )
            .file("/etc/rc2.d/S01legacy", "")
            .file("/etc/rc2.d/S01legacy-helper", "")
            .file("/proc/70/comm", "legacy\n");
        let s = open_on(&host, "legacy");
        assert_eq!(states(&*s), yes_no([true, true, true]));
        assert_eq!(get(&*s, "type"), Value::from("sysv"));
        assert_eq!(get(&*s, "name"), Value::from("legacy"));
        assert_eq!(get(&*s, "description"), Value::from("An old daemon"));

        let host = no_systemd("legacy.service")
            .file("/etc/init.d/legacy", "#!/bin/sh\n")
            .file("/etc/rc2.d/K01legacy", "")
            .file("/etc/rc3.d/S01legacy-helper", "");
        let s = open_on(&host, "legacy");
        assert_eq!(states(&*s), yes_no([true, false, false]));
        assert_eq!(get(&*s, "description"), Value::Null);
    }

    #[test]
    fn not_installed() {
        let host = no_systemd("nope.service");
        let s = open_on(&host, "nope");
        assert_eq!(states(&*s), yes_no([false, false, false]));
        assert_eq!(get(&*s, "type"), Value::Null);
        assert_eq!(get(&*s, "name"), Value::from("nope.service"));
        assert_eq!(get(&*s, "description"), Value::Null);
        for m in ["be_installed", "be_enabled", "be_running"] {
            let out = evaluate_negated(&matcher(m), &Actual::Resource(&*s)).unwrap();
            assert!(!out.matched, "{m}");
        }
    }

    #[test]
    fn no_processes_visible_is_an_error() {
        let host = MemHost::new()
            .command(&show("auditd.service"), "", NOT_BOOTED, 1)
            .file("/lib/systemd/system/auditd.service", AUDITD_UNIT);
        let s = open_on(&host, "auditd");
        assert_eq!(get(&*s, "installed?"), Value::Bool(true));
        let msg = failed(&*s, "running?");
        assert_eq!(
            msg,
            "cannot tell whether `auditd` runs: systemd does not answer, and the processes in `/proc` cannot be listed: entity not found"
        );
        let host = host.file("/proc/cpuinfo", "");
        let s = open_on(&host, "auditd");
        assert!(failed(&*s, "running?").ends_with("no process is visible in `/proc`"));
        // `should_not be_running` cannot pass on it.
        assert!(evaluate_negated(&matcher("be_running"), &Actual::Resource(&*s)).is_err());
    }

    #[test]
    fn an_interpreter_cannot_be_told_apart() {
        let host = no_systemd("job.service")
            .file(
                "/etc/systemd/system/job.service",
                "[Service]\nExecStart=/bin/sh -c 'exec sleep 1000'\n",
            )
            .file("/proc/5/comm", "sh\n");
        let s = open_on(&host, "job");
        assert!(failed(&*s, "running?").contains("runs other programs"));
    }

    #[test]
    fn unreadable_unit_directory_is_an_error() {
        let host = no_systemd("auditd.service").denied("/etc/systemd/system/auditd.service");
        let s = open_on(&host, "auditd");
        // MemHost refuses the read, not the stat: the unit file is there but unreadable.
        for method in ["installed?", "enabled?"] {
            let msg = failed(&*s, method);
            assert!(
                msg.starts_with("cannot read `/etc/systemd/system/auditd.service`"),
                "{msg}"
            );
        }
    }

    /// A temporary root, removed on drop.
    struct TempRoot(PathBuf);

    impl TempRoot {
        fn new() -> Self {
            static N: AtomicUsize = AtomicUsize::new(0);
            let dir = std::env::temp_dir().join(format!(
                "ferrospec-service-{}-{}",
                std::process::id(),
                N.fetch_add(1, Ordering::SeqCst)
            ));
            std::fs::create_dir_all(&dir).unwrap();
            Self(dir)
        }

        fn write(&self, path: &str, content: &str) {
            let p = self.0.join(path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, content).unwrap();
        }

        fn link(&self, path: &str, target: &str) {
            let p = self.0.join(path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            symlink(target, p).unwrap();
        }

        fn path(&self) -> &Path {
            &self.0
        }
    }

    impl Drop for TempRoot {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    #[test]
    fn a_mounted_root_cannot_tell_running() {
        let root = TempRoot::new();
        root.write("lib/systemd/system/auditd.service", AUDITD_UNIT);
        root.link(
            "etc/systemd/system/multi-user.target.wants/auditd.service",
            "/lib/systemd/system/auditd.service",
        );
        root.write("proc/1/comm", "auditd\n");
        root.write(
            "lib/systemd/system/docker.service",
            "[Service]\nExecStart=/usr/bin/dockerd\n[Install]\nWantedBy=multi-user.target\n",
        );
        root.link("etc/systemd/system/docker.service", "/dev/null");
        let host = RootedHost::new(root.path());

        let s = open_on(&host, "auditd");
        assert_eq!(get(&*s, "installed?"), Value::Bool(true));
        assert_eq!(get(&*s, "enabled?"), Value::Bool(true));
        let msg = failed(&*s, "running?");
        assert!(
            msg.starts_with("cannot tell whether `auditd` runs on a mounted root: "),
            "{msg}"
        );
        for negated in [false, true] {
            let m = matcher("be_running");
            let out = if negated {
                evaluate_negated(&m, &Actual::Resource(&*s))
            } else {
                evaluate(&m, &Actual::Resource(&*s))
            };
            assert!(out.is_err());
        }

        // Masked: linked to /dev/null in /etc, whatever /lib holds.
        let s = open_on(&host, "docker");
        assert_eq!(get(&*s, "installed?"), Value::Bool(false));
        assert_eq!(get(&*s, "enabled?"), Value::Bool(false));
    }

    #[test]
    fn a_fixture_host_records_systemctl_show() {
        let root = TempRoot::new();
        root.write(
            "host.yml",
            &format!(
                "commands:\n  \"{}\":\n    stdout: \"LoadState=loaded\\nUnitFileState=disabled\\nActiveState=active\\nSubState=running\\nDescription=x\\n\"\n  \"{}\":\n    stderr: \"{}\"\n    exit: 1\n",
                show("auditd.service"),
                show("cron.service"),
                NOT_BOOTED.replace('\n', "\\n"),
            ),
        );
        root.write("root/lib/systemd/system/cron.service", "[Service]\nExecStart=/usr/sbin/cron -f $EXTRA_OPTS\n[Install]\nWantedBy=multi-user.target\n");
        root.link(
            "root/etc/systemd/system/multi-user.target.wants/cron.service",
            "/lib/systemd/system/cron.service",
        );
        root.write("root/proc/1/comm", "init\n");
        root.write("root/proc/2/comm", "cron\n");
        let host = FixtureHost::load(root.path()).unwrap();
        let s = open_on(&host, "auditd");
        assert_eq!(states(&*s), yes_no([true, false, true]));
        let s = open_on(&host, "cron");
        assert_eq!(states(&*s), yes_no([true, true, true]));
    }

    #[test]
    fn exec_program_parsing() {
        let exec = |line: &str| exec_program(&format!("[Service]\n{line}\n"));
        assert_eq!(exec("ExecStart=/sbin/auditd").as_deref(), Some("auditd"));
        assert_eq!(
            exec("ExecStart=-/usr/sbin/sshd -D $OPTS").as_deref(),
            Some("sshd")
        );
        assert_eq!(exec("ExecStart=@/usr/bin/x argv0").as_deref(), Some("x"));
        assert_eq!(exec("ExecStart=+!!/bin/y").as_deref(), Some("y"));
        assert_eq!(exec("ExecStart=env A=1 B=2 z --flag").as_deref(), Some("z"));
        assert_eq!(exec("ExecStartPre=/bin/true").as_deref(), None);
        assert_eq!(exec("ExecStart=").as_deref(), None);
        assert!(is_interpreter("python3.11"));
        assert!(is_interpreter("sh"));
        assert!(!is_interpreter("shd"));
        assert!(!is_interpreter("auditd"));
        assert_eq!(
            exec_program("[Unit]\nExecStart=/wrong\n[Service]\nExecStart=/right\n").as_deref(),
            Some("right")
        );
    }

    /// This machine: Debian's auditd package installs `/lib/systemd/system/auditd.service`.
    /// Nothing is started or stopped; systemd is asked, else the files are read.
    #[test]
    fn auditd_on_this_machine() {
        let unit = Path::new("/lib/systemd/system/auditd.service");
        if !unit.exists() {
            return;
        }
        if std::fs::read_dir("/etc/systemd/system").is_err() {
            return;
        }
        let s = open_on(&LocalHost, "auditd");
        assert_eq!(get(&*s, "installed?"), Value::Bool(true));
        assert_eq!(get(&*s, "type"), Value::from("systemd"));
        // A real answer, whichever it is.
        assert!(s.call("running?", &[]).is_ok());
        assert!(s.call("enabled?", &[]).is_ok());
    }
}
