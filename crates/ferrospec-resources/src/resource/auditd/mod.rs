//! `auditd` (and its legacy alias `auditd_rules`): the audit rules the kernel has loaded, from
//! `auditctl -l`, and — beyond `InSpec` — the rules persisted in `/etc/audit`.
//!
//! ## What it checks
//!
//! By default (`source: "loaded"`) it behaves like `InSpec`'s `auditd`: it runs
//! `/sbin/auditctl -l` (or `/usr/sbin/auditctl` when `/sbin/auditctl` does not exist) and
//! exposes the printed lines and `InSpec`'s rows parsed from them. With
//! `auditd(source: "persisted")` it reads the rules auditd loads at boot instead, and with
//! `auditd(source: "both")` it reads both, so that `have_watch` can tell a rule that is loaded
//! but will be lost at reboot from one that is on disk but was never loaded.
//!
//! The resource fails (one error result, never a pass) when `auditctl` is missing, exits
//! non-zero (e.g. `You must be root to run this program.`), times out, cannot run at all
//! (a mounted root, whose kernel state is unknown), prints the pre-2.3 `LIST_RULES:` format,
//! or when a persisted rules file exists but cannot be read.
//!
//! ## Properties
//!
//! - `lines`: the loaded rules exactly as `auditctl -l` prints them (`["No rules"]` when
//!   empty); with `source: "persisted"`, the rule lines as written, trimmed.
//! - Columns, each with an optional value to filter by (a string must be equal, a regex
//!   matches, an integer matches a numeric string): `file`, `list`, `action`, `fields`,
//!   `fields_nokey`, `syscall`, `key`, `arch`, `path`, `permissions`, `exit`. Without a value a
//!   column returns every row's value, not flattened: `auditd.file('/etc/sudoers').permissions`
//!   is `[["w", "a"]]`. Filters chain: `auditd.syscall('open').key('access').arch('b32')`.
//! - `where(criteria)`, `entries`, `params`, `raw_data`, `count`, `exist?`.
//! - `status` (the `auditctl -s` values as a map) and `status(name)`.
//! - `source`: `loaded`, `persisted` or `both`.
//! - Matcher `have_watch(path, permissions: "wa", key: nil)`: a rule watches exactly `path`
//!   and records at least `permissions` (default `wa`), with `key` if given, in the selected
//!   source(s). `-a always,exit -F path=P -F perm=X` counts as `-w P -p X`, `-F dir=P` counts
//!   for `P`, `-w P` without `-p` is `rwxa`; `never` rules, rules with extra conditions
//!   (`-F auid>=1000`) and rules on other paths (`/usr/bin/dockerd`, `/etc/docker/daemon.json`)
//!   do not count.
//!
//! ## Example
//!
//! ```ruby
//! describe auditd do
//!   its('lines') { should include '-w /usr/bin/docker -p rwxa -k docker' }
//! end
//! describe auditd(source: 'both') do
//!   it { should have_watch '/usr/bin/docker', permissions: 'wa', key: 'docker' }
//! end
//! describe auditd.file('/etc/sudoers') do
//!   its('permissions') { should include ['w', 'a'] }
//! end
//! ```
//!
//! ## Platform notes
//!
//! Linux only. Reading loaded rules needs root (or `CAP_AUDIT_CONTROL`). On a mounted root
//! (`--target /mnt/root`) commands cannot run, so `source: "loaded"` and `"both"` fail;
//! `source: "persisted"` works. Persisted rules are the `*.rules` files in
//! `/etc/audit/rules.d/` in `ls -v` order when there is at least one (augenrules is in use),
//! otherwise `/etc/audit/audit.rules`. `InSpec`'s block form of `where { … }` is not
//! supported; use `where(key: 'x')`.

mod have_watch;
mod persisted;
mod rule;
mod table;

use std::sync::LazyLock;

use ferrospec_core::Value;
use regex::Regex;

use crate::host::{CommandError, command_line};
use crate::matcher::MatchOutcome;
use crate::resource::{Ctx, Prop, Resource, ResourceError, ResourceState, ResourceType};

use have_watch::{Located, PersistedView, WatchSpec};
use persisted::{PersistedRules, read_persisted};
use rule::{AuditRule, Perms};
use table::{RuleTable, TABLE_NAME, rows_from_lines};

/// `auditd`.
pub(crate) struct AuditdType;
/// `auditd_rules`, the legacy name.
pub(crate) struct AuditdRulesType;

const MATCHERS: &[&str] = &["have_watch"];

/// Where `InSpec` looks for auditctl; the fallback is the path on merged-`/usr` systems and
/// Alpine.
const AUDITCTL: &str = "/sbin/auditctl";
const AUDITCTL_USR: &str = "/usr/sbin/auditctl";

impl ResourceType for AuditdType {
    fn name(&self) -> &'static str {
        "auditd"
    }
    fn matchers(&self) -> &'static [&'static str] {
        MATCHERS
    }
    fn open(&self, args: &[Value], ctx: &Ctx<'_>) -> Result<Box<dyn Resource>, ResourceError> {
        Ok(Box::new(AuditdResource::open(args, ctx)?))
    }
}

impl ResourceType for AuditdRulesType {
    fn name(&self) -> &'static str {
        "auditd_rules"
    }
    fn matchers(&self) -> &'static [&'static str] {
        MATCHERS
    }
    fn open(&self, args: &[Value], ctx: &Ctx<'_>) -> Result<Box<dyn Resource>, ResourceError> {
        Ok(Box::new(AuditdResource::open(args, ctx)?))
    }
}

/// Which rules are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Source {
    /// `auditctl -l`, as `InSpec` does.
    Loaded,
    /// The rules files.
    Persisted,
    /// Both; `have_watch` needs the rule in each.
    Both,
}

impl Source {
    fn as_str(self) -> &'static str {
        match self {
            Source::Loaded => "loaded",
            Source::Persisted => "persisted",
            Source::Both => "both",
        }
    }

    fn parse(args: &[Value]) -> Result<Source, ResourceError> {
        const USAGE: &str =
            "`auditd` takes no argument or `source: \"loaded\"`, `\"persisted\"` or `\"both\"`";
        let options = match args {
            [] => return Ok(Source::Loaded),
            [Value::Map(options)] => options,
            _ => {
                let got: Vec<String> = args.iter().map(Value::inspect).collect();
                return Err(ResourceError::BadArguments(format!(
                    "{USAGE}, got `{}`",
                    got.join(", ")
                )));
            }
        };
        let mut source = Source::Loaded;
        for (name, value) in options {
            if name != "source" {
                return Err(ResourceError::BadArguments(format!(
                    "unknown `auditd` option `{name}`, expected `source`"
                )));
            }
            source = match value.as_str() {
                Some("loaded") => Source::Loaded,
                Some("persisted") => Source::Persisted,
                Some("both") => Source::Both,
                _ => {
                    return Err(ResourceError::BadArguments(format!(
                        "invalid `auditd` source `{}`, expected one of `loaded`, `persisted`, `both`",
                        value
                    )));
                }
            };
        }
        Ok(source)
    }

    fn loaded(self) -> bool {
        self != Source::Persisted
    }

    fn persisted(self) -> bool {
        self != Source::Loaded
    }
}

/// The rules `auditctl -l` printed.
struct LoadedRules {
    /// The lines, exactly.
    lines: Vec<String>,
    /// The lines that are rules, parsed.
    rules: Vec<(String, AuditRule)>,
}

/// An opened `auditd`.
pub(crate) struct AuditdResource {
    source: Source,
    state: ResourceState,
    loaded: Option<LoadedRules>,
    persisted: Option<PersistedRules>,
    table: RuleTable,
    status: Option<String>,
}

static LIST_RULES: LazyLock<Option<Regex>> = LazyLock::new(|| Regex::new(r"(?m)^LIST_RULES:").ok());

/// Runs `auditctl -l`; `Err` is the failure message.
fn read_loaded(ctx: &Ctx<'_>) -> Result<(String, LoadedRules), String> {
    let bin = if ctx.host.command_exists(AUDITCTL) {
        AUDITCTL
    } else if ctx.host.command_exists(AUDITCTL_USR) {
        AUDITCTL_USR
    } else {
        return Err(format!("Command `{AUDITCTL}` does not exist"));
    };
    let output = ctx.host.run(bin, &["-l"], ctx.timeout).map_err(|e| match e {
        CommandError::NotFound { .. } => format!("Command `{bin}` does not exist"),
        CommandError::Unavailable { .. } => format!(
            "{e}; the audit rules loaded in the kernel are unknown (use `auditd(source: \"persisted\")` to check the rules on disk)"
        ),
        CommandError::TimedOut { .. } | CommandError::Io { .. } => {
            format!("{e}; the audit rules loaded in the kernel are unknown")
        }
    })?;
    if output.exit_code != Some(0) {
        return Err(format!(
            "Command `{}` failed with error: {}",
            command_line(bin, &["-l"]),
            output.stderr
        ));
    }
    if LIST_RULES
        .as_ref()
        .is_some_and(|re| re.is_match(&output.stdout))
    {
        return Err(
            "The version of audit is outdated.The `auditd` resource supports versions of audit >= 2.3."
                .into(),
        );
    }
    let lines: Vec<String> = output.stdout.lines().map(str::to_owned).collect();
    let rules = lines
        .iter()
        .filter_map(|l| AuditRule::parse_line(l).ok().map(|r| (l.clone(), r)))
        .collect();
    Ok((bin.to_owned(), LoadedRules { lines, rules }))
}

impl AuditdResource {
    fn open(args: &[Value], ctx: &Ctx<'_>) -> Result<AuditdResource, ResourceError> {
        let source = Source::parse(args)?;
        let mut errors = Vec::new();
        let mut loaded = None;
        let mut status = None;
        if source.loaded() {
            match read_loaded(ctx) {
                Ok((bin, rules)) => {
                    // `InSpec` reads the status lazily; a resource cannot keep the host, so it
                    // is read now. Like `InSpec`, a failure gives an empty status.
                    status = Some(
                        ctx.host
                            .run(&bin, &["-s"], ctx.timeout)
                            .map(|o| o.stdout)
                            .unwrap_or_default(),
                    );
                    loaded = Some(rules);
                }
                Err(e) => errors.push(e),
            }
        }
        let mut persisted = None;
        if source.persisted() {
            match read_persisted(ctx.host) {
                Ok(p) => persisted = Some(p),
                Err(e) => errors.push(e),
            }
        }
        let state = if errors.is_empty() {
            ResourceState::Ok
        } else {
            ResourceState::Failed(errors.join("; "))
        };
        let rows = match (&loaded, &persisted) {
            (Some(l), _) => rows_from_lines(&l.lines),
            (None, Some(p)) => {
                let listed: Vec<String> = p
                    .rules
                    .iter()
                    .filter_map(|r| r.rule.as_ref().ok().map(AuditRule::listing))
                    .collect();
                rows_from_lines(&listed)
            }
            (None, None) => Vec::new(),
        };
        Ok(AuditdResource {
            source,
            state,
            loaded,
            persisted,
            table: RuleTable::new(rows),
            status,
        })
    }

    fn failed(&self) -> Option<ResourceError> {
        match &self.state {
            ResourceState::Ok => None,
            ResourceState::Failed(m) | ResourceState::Skipped(m) => {
                Some(ResourceError::Failed(m.clone()))
            }
        }
    }

    /// `auditctl -s` as a map, rewriting the old `AUDIT_STATUS: k=v …` form first.
    fn status_map(&self) -> Result<Vec<(String, String)>, ResourceError> {
        let Some(text) = &self.status else {
            return Err(ResourceError::Failed(
                "`status` reads the running audit system and is not available with `source: \"persisted\"`"
                    .into(),
            ));
        };
        let mut text = text.trim_end_matches(['\n', '\r']).to_owned();
        if text.lines().any(|l| l.starts_with("AUDIT_STATUS")) {
            text = text
                .replace("AUDIT_STATUS: ", "")
                .replace(' ', "\n")
                .replace('=', " ");
        }
        let mut out: Vec<(String, String)> = Vec::new();
        for line in text.lines() {
            let Some((name, value)) = line.split_once(' ') else {
                continue;
            };
            if name.is_empty() {
                continue;
            }
            // Ruby's `Hash[pairs]` keeps the last value of a repeated name.
            if let Some(slot) = out.iter_mut().find(|(n, _)| n == name) {
                slot.1 = value.to_owned();
            } else {
                out.push((name.to_owned(), value.to_owned()));
            }
        }
        Ok(out)
    }

    fn have_watch(&self, args: &[Value]) -> Result<MatchOutcome, ResourceError> {
        let spec = WatchSpec::from_args(args)?;
        if let Some(e) = self.failed() {
            return Err(e);
        }
        let loaded: Option<Vec<Located<'_>>> = self.loaded.as_ref().map(|l| {
            l.rules
                .iter()
                .map(|(text, rule)| Located {
                    rule,
                    text,
                    location: None,
                })
                .collect()
        });
        let locations: Vec<String> = self
            .persisted
            .iter()
            .flat_map(|p| p.rules.iter().map(persisted::PersistedRule::location))
            .collect();
        let persisted = self.persisted.as_ref().map(|info| PersistedView {
            rules: info
                .rules
                .iter()
                .zip(&locations)
                .filter_map(|(r, at)| {
                    r.rule.as_ref().ok().map(|rule| Located {
                        rule,
                        text: &r.text,
                        location: Some(at),
                    })
                })
                .collect(),
            info,
        });
        Ok(have_watch::evaluate(
            &spec,
            self.source,
            loaded.as_deref(),
            persisted.as_ref(),
        ))
    }
}

/// The rule line to persist so that `path` is watched for `perms` (`wa` when `None`) with
/// `key`: `-w /usr/bin/docker -p wa -k docker`. `None` when `perms` is not made of `rwxa`.
// Remediation builds its fix from this; until it lands only the tests call it.
#[allow(dead_code)]
pub(crate) fn watch_rule_line(
    path: &str,
    perms: Option<&str>,
    key: Option<&str>,
) -> Option<String> {
    let perms = Perms::parse(perms.unwrap_or("wa"))?;
    Some(rule::watch_rule_line(path, perms, key))
}

impl Resource for AuditdResource {
    fn to_s(&self) -> String {
        TABLE_NAME.into()
    }
    fn resource_id(&self) -> String {
        String::new()
    }
    fn state(&self) -> ResourceState {
        self.state.clone()
    }
    fn call(&self, method: &str, args: &[Value]) -> Result<Prop, ResourceError> {
        if let Some(e) = self.failed() {
            return Err(e);
        }
        match (method, args) {
            ("lines", []) => {
                let lines: Vec<Value> = match (&self.loaded, &self.persisted) {
                    (Some(l), _) => l.lines.iter().map(|s| Value::from(s.as_str())).collect(),
                    (None, Some(p)) => p
                        .rules
                        .iter()
                        .map(|r| Value::from(r.text.as_str()))
                        .collect(),
                    (None, None) => Vec::new(),
                };
                Ok(Prop::Value(Value::Array(lines)))
            }
            ("source", []) => Ok(Prop::Value(Value::from(self.source.as_str()))),
            ("status", []) => Ok(Prop::Value(Value::Map(
                self.status_map()?
                    .into_iter()
                    .map(|(k, v)| (k, Value::String(v)))
                    .collect(),
            ))),
            ("status", [name]) => {
                let name = name.to_string();
                Ok(Prop::Value(
                    self.status_map()?
                        .into_iter()
                        .find(|(k, _)| *k == name)
                        .map_or(Value::Null, |(_, v)| Value::String(v)),
                ))
            }
            _ => self.table.call_table(method, args).unwrap_or_else(|| {
                Err(ResourceError::NoMethod {
                    method: method.to_owned(),
                    resource: self.to_s(),
                })
            }),
        }
    }
    fn matcher(&self, name: &str, args: &[Value]) -> Option<Result<MatchOutcome, ResourceError>> {
        (name == "have_watch").then(|| self.have_watch(args))
    }
}
