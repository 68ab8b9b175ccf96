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

pub(crate) mod have_watch;
pub(crate) mod persisted;
pub(crate) mod rule;
mod table;

use std::sync::OnceLock;

use ferrospec_core::Value;

use crate::host::{CommandError, Host, command_line};
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
                        "invalid `auditd` source `{value}`, expected one of `loaded`, `persisted`, `both`"
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
pub(crate) struct LoadedRules {
    /// The lines, exactly.
    pub(crate) lines: Vec<String>,
    /// The lines that are rules, parsed.
    pub(crate) rules: Vec<(String, AuditRule)>,
}

/// An opened `auditd`.
/// The path with its directory resolved on the host (links followed), its last component kept.
pub(crate) fn canonical_path(host: &dyn Host, path: &str) -> String {
    match path.rsplit_once('/') {
        Some((dir, name)) if !name.is_empty() => {
            let dir = if dir.is_empty() { "/" } else { dir };
            match host.resolve(dir) {
                Some(d) if d == "/" => format!("/{name}"),
                Some(d) => format!("{d}/{name}"),
                None => path.to_owned(),
            }
        }
        _ => path.to_owned(),
    }
}

/// The audit system's status: the binary to ask, and its answer once asked.
struct LazyStatus {
    bin: String,
    text: OnceLock<String>,
}

pub(crate) struct AuditdResource {
    source: Source,
    state: ResourceState,
    loaded: Option<LoadedRules>,
    persisted: Option<PersistedRules>,
    /// InSpec's `FilterTable` rows, built the first time a query needs them (`have_watch` does
    /// not).
    table: OnceLock<RuleTable>,
    /// `auditctl -s`, read the first time `status` is asked for (as InSpec does).
    status: Option<LazyStatus>,
}

/// Runs `auditctl -l`; returns the program that ran and the rules. `Err` is the failure
/// message.
pub(crate) fn read_loaded(ctx: &Ctx<'_>) -> Result<(String, LoadedRules), String> {
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
    if output.stdout.lines().any(|l| l.starts_with("LIST_RULES:")) {
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
                    status = Some(LazyStatus {
                        bin,
                        text: OnceLock::new(),
                    });
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
        Ok(AuditdResource {
            source,
            state,
            loaded,
            persisted,
            table: OnceLock::new(),
            status,
        })
    }

    /// The `FilterTable`: the loaded rules as `auditctl -l` lists them, else the persisted ones
    /// rewritten that way.
    fn table(&self) -> &RuleTable {
        self.table.get_or_init(|| {
            let rows = match (&self.loaded, &self.persisted) {
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
            RuleTable::new(rows)
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
        let Some(status) = &self.status else {
            return Err(ResourceError::Failed(
                "`status` reads the running audit system and is not available with `source: \"persisted\"`"
                    .into(),
            ));
        };
        let Some(text) = status.text.get() else {
            return Err(ResourceError::Failed(
                "internal error: `status` was asked for before `auditctl -s` ran".into(),
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
                value.clone_into(&mut slot.1);
            } else {
                out.push((name.to_owned(), value.to_owned()));
            }
        }
        Ok(out)
    }

    /// `have_watch`; with a host, a rule whose path names the same file through a linked
    /// directory (`/lib/x` where `/lib` → `/usr/lib`) counts as a rule for the audited path,
    /// as the kernel watches the same directory entry. The final component is not followed:
    /// a watch on a symlink does not audit its target.
    fn have_watch(
        &self,
        args: &[Value],
        host: Option<&dyn Host>,
    ) -> Result<MatchOutcome, ResourceError> {
        let spec = WatchSpec::from_args(args)?;
        if let Some(e) = self.failed() {
            return Err(e);
        }
        let canon_spec = host.map(|h| canonical_path(h, &spec.path));
        let alias = |rule: &AuditRule| -> Option<AuditRule> {
            let (h, target) = (host?, canon_spec.as_deref()?);
            let p = rule.path.as_deref()?;
            if p == spec.path || canonical_path(h, p) != target {
                return None;
            }
            let mut r = rule.clone();
            r.path = Some(spec.path.clone());
            Some(r)
        };
        let loaded_alias: Vec<Option<AuditRule>> = self
            .loaded
            .iter()
            .flat_map(|l| l.rules.iter().map(|(_, rule)| alias(rule)))
            .collect();
        let persisted_alias: Vec<Option<AuditRule>> = self
            .persisted
            .iter()
            .flat_map(|p| {
                p.rules
                    .iter()
                    .filter_map(|r| r.rule.as_ref().ok())
                    .map(alias)
            })
            .collect();
        let loaded: Option<Vec<Located<'_>>> = self.loaded.as_ref().map(|l| {
            l.rules
                .iter()
                .zip(&loaded_alias)
                .map(|((text, rule), a)| Located {
                    rule: a.as_ref().unwrap_or(rule),
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
                .filter_map(|(r, at)| r.rule.as_ref().ok().map(|rule| (r, at, rule)))
                .zip(&persisted_alias)
                .map(|((r, at, rule), a)| Located {
                    rule: a.as_ref().unwrap_or(rule),
                    text: &r.text,
                    location: Some(at),
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
// `ferrospec remediate` takes its fix from the profile's data, not from this; only the tests
// call it.
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
    fn call_in(&self, method: &str, args: &[Value], ctx: &Ctx<'_>) -> Result<Prop, ResourceError> {
        if method == "status"
            && let Some(status) = &self.status
        {
            // Like InSpec, a failure gives an empty status.
            status.text.get_or_init(|| {
                ctx.host
                    .run(&status.bin, &["-s"], ctx.timeout)
                    .map(|o| o.stdout)
                    .unwrap_or_default()
            });
        }
        self.call(method, args)
    }

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
            _ => self.table().call_table(method, args).unwrap_or_else(|| {
                Err(ResourceError::NoMethod {
                    method: method.to_owned(),
                    resource: self.to_s(),
                })
            }),
        }
    }
    fn matcher(&self, name: &str, args: &[Value]) -> Option<Result<MatchOutcome, ResourceError>> {
        (name == "have_watch").then(|| self.have_watch(args, None))
    }
    fn matcher_in(
        &self,
        name: &str,
        args: &[Value],
        ctx: &Ctx<'_>,
    ) -> Option<Result<MatchOutcome, ResourceError>> {
        (name == "have_watch").then(|| self.have_watch(args, Some(ctx.host)))
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::testing::MemHost;

    /// `InSpec`'s `test/fixtures/cmd/auditctl`.
    const FIXTURE: &str = "\
-a always,exit -F arch=b64 -S open,openat -F exit=-EACCES -F key=access
-a always,exit -F arch=b32 -S open,openat -F exit=-EPERM -F key=access
-a always,exit -F arch=b32 -S chmod,fchmod,fchmodat -F auid>=500 f24!=0 -F key=perm_mod
-a always,exit -S all -F path=/usr/bin/chage -F perm=x -F auid>=1000 -F auid!=-1 -F key=privileged
-a exit,always -S all -F path=/usr/bin/mount -F perm=x -F auid>=1000 -F auid!=-1 -F key=privileged
-w /etc/ssh/sshd_config -p rwxa -k CFG_sshd_config
-w /etc/sudoers -p wa
-w /etc/private-keys -p x
";

    /// `InSpec`'s `test/fixtures/cmd/auditctl-s`.
    const STATUS: &str = "enabled 1\nflag 2\npid 547\nrate_limit 0\nbacklog_limit 8192\nlost 0\nbacklog 0\nloginuid_immutable 0 unlocked\n";

    fn s(text: &str) -> Value {
        Value::from(text)
    }

    fn arr(items: &[&str]) -> Value {
        Value::Array(items.iter().map(|i| s(i)).collect())
    }

    fn map(pairs: &[(&str, Value)]) -> Value {
        Value::Map(
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), v.clone()))
                .collect(),
        )
    }

    fn source(name: &str) -> Vec<Value> {
        vec![map(&[("source", s(name))])]
    }

    fn loaded_host(stdout: &str) -> MemHost {
        MemHost::new()
            .command("/sbin/auditctl -l", stdout, "", 0)
            .command("/sbin/auditctl -s", STATUS, "", 0)
    }

    #[track_caller]
    fn open(host: &MemHost, args: &[Value]) -> AuditdResource {
        let ctx = Ctx {
            host,
            timeout: Duration::from_secs(5),
        };
        let r = AuditdResource::open(args, &ctx).expect("arguments are valid");
        // Read the status now, so the helpers below can ask for it without a host.
        let _ = r.call_in("status", &[], &ctx);
        r
    }

    #[track_caller]
    fn value(r: &dyn Resource, method: &str, args: &[Value]) -> Value {
        match r.call(method, args).expect("call works") {
            Prop::Value(v) => v,
            Prop::Resource(t) => panic!("expected a value, got the table {}", t.to_s()),
        }
    }

    #[track_caller]
    fn table(r: &dyn Resource, method: &str, args: &[Value]) -> Box<dyn Resource> {
        match r.call(method, args).expect("call works") {
            Prop::Resource(t) => t,
            Prop::Value(v) => panic!("expected a table, got {}", v.inspect()),
        }
    }

    #[track_caller]
    fn failed(r: &AuditdResource) -> String {
        match r.state() {
            ResourceState::Failed(m) => m,
            other => panic!("expected a failed resource, got {other:?}"),
        }
    }

    #[track_caller]
    fn have_watch(r: &AuditdResource, args: &[Value]) -> MatchOutcome {
        r.matcher("have_watch", args)
            .expect("auditd answers have_watch")
            .expect("arguments are valid")
    }

    fn fixture() -> AuditdResource {
        open(&loaded_host(FIXTURE), &[])
    }

    // --- InSpec's auditd_test.rb (inspec-semantics §9.2) ---

    #[test]
    fn lines_are_the_output_exactly() {
        let r = fixture();
        assert_eq!(r.state(), ResourceState::Ok);
        assert_eq!(r.to_s(), "Auditd Rules");
        let expected: Vec<&str> = FIXTURE.lines().collect();
        assert_eq!(value(&r, "lines", &[]), arr(&expected));
    }

    #[test]
    fn fixture_gives_fourteen_rows() {
        let r = fixture();
        assert_eq!(value(&r, "count", &[]), Value::Int(14));
        let Value::Array(rows) = value(&r, "params", &[]) else {
            panic!("params is an array")
        };
        assert_eq!(rows.len(), 14);
    }

    #[test]
    fn list_and_action_are_the_same_in_either_order() {
        let r = fixture();
        for (column, expected) in [("list", "exit"), ("action", "always")] {
            let Value::Array(values) = value(&r, column, &[]) else {
                panic!("column is an array")
            };
            let mut unique: Vec<Value> = values.into_iter().filter(|v| *v != Value::Null).collect();
            unique.dedup();
            assert_eq!(unique, vec![s(expected)], "{column}");
        }
    }

    fn open_row(arch: &str, exit: &str) -> Value {
        map(&[
            ("syscall", s("open")),
            ("list", s("exit")),
            ("action", s("always")),
            (
                "fields",
                arr(&[
                    &format!("arch={arch}"),
                    &format!("exit={exit}"),
                    "key=access",
                ]),
            ),
            ("key", s("access")),
            ("arch", s(arch)),
            ("path", Value::Null),
            ("permissions", Value::Null),
            ("exit", s(exit)),
            (
                "fields_nokey",
                arr(&[&format!("arch={arch}"), &format!("exit={exit}")]),
            ),
        ])
    }

    #[test]
    fn syscall_open_params() {
        let r = fixture();
        let open = table(&r, "syscall", &[s("open")]);
        assert_eq!(open.to_s(), r#"Auditd Rules with syscall == "open""#);
        assert_eq!(
            value(open.as_ref(), "params", &[]),
            Value::Array(vec![open_row("b64", "-EACCES"), open_row("b32", "-EPERM")])
        );
    }

    #[test]
    fn chained_filters_narrow_and_extend_to_s() {
        let r = fixture();
        let keyed = table(
            table(&r, "syscall", &[s("open")]).as_ref(),
            "key",
            &[s("access")],
        );
        assert_eq!(
            value(keyed.as_ref(), "params", &[]),
            Value::Array(vec![open_row("b64", "-EACCES"), open_row("b32", "-EPERM")])
        );
        let b32 = table(keyed.as_ref(), "arch", &[s("b32")]);
        assert_eq!(
            b32.to_s(),
            r#"Auditd Rules with syscall == "open" key == "access" arch == "b32""#
        );
        assert_eq!(
            value(b32.as_ref(), "params", &[]),
            Value::Array(vec![open_row("b32", "-EPERM")])
        );
        let none = table(keyed.as_ref(), "arch", &[s("bar")]);
        assert_eq!(value(none.as_ref(), "params", &[]), Value::Array(vec![]));
        assert_eq!(value(none.as_ref(), "exist?", &[]), Value::Bool(false));
    }

    fn privileged_fields(path: &str) -> Vec<String> {
        vec![
            format!("path={path}"),
            "perm=x".into(),
            "auid>=1000".into(),
            "auid!=-1".into(),
            "key=privileged".into(),
        ]
    }

    fn strings(items: &[String]) -> Value {
        Value::Array(items.iter().map(|i| s(i)).collect())
    }

    #[test]
    fn file_syscall_row_has_exactly_inspec_keys() {
        let r = fixture();
        let chage = table(&r, "file", &[s("/usr/bin/chage")]);
        let fields = privileged_fields("/usr/bin/chage");
        assert_eq!(
            value(chage.as_ref(), "params", &[]),
            Value::Array(vec![map(&[
                ("file", s("/usr/bin/chage")),
                ("list", s("exit")),
                ("action", s("always")),
                ("fields", strings(&fields)),
                ("permissions", arr(&["x"])),
                ("key", s("privileged")),
                ("fields_nokey", strings(&fields[..4])),
            ])])
        );
    }

    #[test]
    fn syscall_all_rows_carry_the_path() {
        let r = fixture();
        let all = table(&r, "syscall", &[s("all")]);
        let Value::Array(rows) = value(all.as_ref(), "params", &[]) else {
            panic!("rows")
        };
        assert_eq!(rows.len(), 2);
        for (row, path) in rows.iter().zip(["/usr/bin/chage", "/usr/bin/mount"]) {
            assert_eq!(row.get("path"), Some(&s(path)));
            assert_eq!(row.get("permissions"), Some(&arr(&["x"])));
            assert_eq!(row.get("arch"), Some(&Value::Null));
            assert_eq!(row.get("exit"), Some(&Value::Null));
            assert_eq!(row.get("action"), Some(&s("always")));
            assert_eq!(row.get("list"), Some(&s("exit")));
            assert_eq!(row.get("fields"), Some(&strings(&privileged_fields(path))));
        }
        let chage = table(all.as_ref(), "path", &[s("/usr/bin/chage")]);
        let Value::Array(rows) = value(chage.as_ref(), "params", &[]) else {
            panic!("rows")
        };
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].get("path"), Some(&s("/usr/bin/chage")));
    }

    #[test]
    fn watch_rows_have_three_keys() {
        let r = fixture();
        let expected = Value::Array(vec![map(&[
            ("file", s("/etc/ssh/sshd_config")),
            ("key", s("CFG_sshd_config")),
            ("permissions", arr(&["r", "w", "x", "a"])),
        ])]);
        let by_file = table(&r, "file", &[s("/etc/ssh/sshd_config")]);
        assert_eq!(value(by_file.as_ref(), "params", &[]), expected);
        let by_key = table(&r, "key", &[s("CFG_sshd_config")]);
        assert_eq!(value(by_key.as_ref(), "params", &[]), expected);

        let keys = table(&r, "file", &[s("/etc/private-keys")]);
        assert_eq!(
            value(keys.as_ref(), "params", &[]),
            Value::Array(vec![map(&[
                ("file", s("/etc/private-keys")),
                ("key", Value::Null),
                ("permissions", arr(&["x"])),
            ])])
        );
        let sudoers = table(&r, "file", &[s("/etc/sudoers")]);
        assert_eq!(
            value(sudoers.as_ref(), "permissions", &[]),
            Value::Array(vec![arr(&["w", "a"])])
        );
    }

    #[test]
    fn status_is_read_from_auditctl_s() {
        let r = fixture();
        let Value::Map(status) = value(&r, "status", &[]) else {
            panic!("status is a map")
        };
        assert_eq!(status.len(), 8);
        assert!(status.contains(&("loginuid_immutable".into(), s("0 unlocked"))));
        assert_eq!(value(&r, "status", &[s("enabled")]), s("1"));
        assert_eq!(value(&r, "status", &[s("backlog")]), s("0"));
        assert_eq!(value(&r, "status", &[s("nope")]), Value::Null);
    }

    #[test]
    fn old_audit_status_format_is_rewritten() {
        let host = MemHost::new()
            .command("/sbin/auditctl -l", "No rules\n", "", 0)
            .command(
                "/sbin/auditctl -s",
                "AUDIT_STATUS: enabled=1 flag=1 pid=1234 rate_limit=0 backlog_limit=320 lost=0 backlog=0\n",
                "",
                0,
            );
        let r = open(&host, &[]);
        assert_eq!(value(&r, "status", &[s("pid")]), s("1234"));
        assert_eq!(value(&r, "status", &[s("backlog_limit")]), s("320"));
    }

    // --- inspec-semantics §9.4 ---

    #[test]
    fn no_rules_is_one_line_and_no_rows() {
        let r = open(&loaded_host("No rules\n"), &[]);
        assert_eq!(value(&r, "lines", &[]), arr(&["No rules"]));
        assert_eq!(value(&r, "count", &[]), Value::Int(0));
        let file = table(&r, "file", &[s("/x")]);
        assert_eq!(value(file.as_ref(), "exist?", &[]), Value::Bool(false));
        assert_eq!(value(&r, "exist?", &[]), Value::Bool(false));
    }

    #[test]
    fn missing_auditctl_fails() {
        let r = open(&MemHost::new(), &[]);
        assert_eq!(failed(&r), "Command `/sbin/auditctl` does not exist");
        assert!(matches!(
            r.call("lines", &[]),
            Err(ResourceError::Failed(_))
        ));
        assert!(matches!(
            r.matcher("have_watch", &[s("/x")]),
            Some(Err(ResourceError::Failed(_)))
        ));
    }

    #[test]
    fn not_root_fails_with_stderr() {
        let host = MemHost::new().command(
            "/sbin/auditctl -l",
            "",
            "You must be root to run this program.\n",
            4,
        );
        assert_eq!(
            failed(&open(&host, &[])),
            "Command `/sbin/auditctl -l` failed with error: You must be root to run this program.\n"
        );
    }

    #[test]
    fn legacy_output_fails() {
        let r = open(
            &loaded_host("LIST_RULES: exit,always watch=/etc/group perm=wa\n"),
            &[],
        );
        assert_eq!(
            failed(&r),
            "The version of audit is outdated.The `auditd` resource supports versions of audit >= 2.3."
        );
    }

    #[test]
    fn usr_sbin_is_the_fallback() {
        let host = MemHost::new().command("/usr/sbin/auditctl -l", "-w /etc/docker -p wa\n", "", 0);
        let r = open(&host, &[]);
        assert_eq!(r.state(), ResourceState::Ok);
        assert_eq!(value(&r, "lines", &[]), arr(&["-w /etc/docker -p wa"]));
        let host = MemHost::new().command("/usr/sbin/auditctl -l", "", "denied\n", 1);
        assert_eq!(
            failed(&open(&host, &[])),
            "Command `/usr/sbin/auditctl -l` failed with error: denied\n"
        );
    }

    #[test]
    fn unknown_criterion_is_inspecs_argument_error() {
        let r = open(
            &loaded_host(
                "-a always,exit -F arch=b64 -S adjtimex,settimeofday -F key=time-change\n",
            ),
            &[],
        );
        let Err(ResourceError::Failed(message)) = r.call("file", &[s("/x")]) else {
            panic!("unknown criterion is an error")
        };
        assert_eq!(
            message,
            "'file (String)' is not a recognized criterion - expected one of syscall (String), \
             list (String), action (String), fields (String), key (String), arch (String), \
             path (String), permissions (String), exit (String), fields_nokey (String)'"
        );
    }

    #[test]
    fn dir_rules_give_no_file_row() {
        let r = open(
            &loaded_host(
                "-a always,exit -S all -F dir=/etc/docker -F perm=wa -F auid>=1000 -F key=docker\n",
            ),
            &[],
        );
        let all = table(&r, "syscall", &[s("all")]);
        assert_eq!(
            value(all.as_ref(), "path", &[]),
            Value::Array(vec![Value::Null])
        );
        assert_eq!(
            value(all.as_ref(), "file", &[]),
            Value::Array(vec![Value::Null])
        );
        let Err(ResourceError::Failed(_)) = r.call("file", &[s("/etc/docker")]) else {
            panic!("no row has `file`")
        };
    }

    #[test]
    fn trailing_syscall_leaks_into_fields_and_two_keys_read_akey() {
        let r = open(
            &loaded_host("-a always,exit -F arch=b64 -S open -F key=a -F key=b -S close\n"),
            &[],
        );
        let open_rows = table(&r, "syscall", &[s("open")]);
        assert_eq!(
            value(open_rows.as_ref(), "fields", &[]),
            Value::Array(vec![arr(&["arch=b64", "key=a", "key=b", "-S", "close"])])
        );
        assert_eq!(value(open_rows.as_ref(), "key", &[]), arr(&["akey"]));
        assert_eq!(value(&r, "count", &[]), Value::Int(1));
    }

    #[test]
    fn regex_and_integer_criteria() {
        let r = fixture();
        let priv_ = table(&r, "key", &[Value::Regex("^priv".into())]);
        assert_eq!(priv_.to_s(), "Auditd Rules with key == /^priv/");
        assert_eq!(value(priv_.as_ref(), "count", &[]), Value::Int(4));
        let by_fields = table(&r, "fields", &[Value::Regex("auid>=500".into())]);
        assert_eq!(value(by_fields.as_ref(), "count", &[]), Value::Int(3));
        let host = loaded_host("-a always,exit -F arch=b64 -S open -F exit=-13 -F key=k\n");
        let r = open(&host, &[]);
        let exit = table(&r, "exit", &[Value::Int(-13)]);
        assert_eq!(value(exit.as_ref(), "count", &[]), Value::Int(1));
    }

    #[test]
    fn where_takes_a_map_of_criteria() {
        let r = fixture();
        let t = table(
            &r,
            "where",
            &[map(&[("syscall", s("open")), ("arch", s("b64"))])],
        );
        assert_eq!(
            t.to_s(),
            r#"Auditd Rules with syscall == "open" arch == "b64""#
        );
        assert_eq!(value(t.as_ref(), "exit", &[]), arr(&["-EACCES"]));
        let Value::Array(entries) = value(t.as_ref(), "entries", &[]) else {
            panic!("entries")
        };
        assert_eq!(entries, vec![open_row("b64", "-EACCES")]);
    }

    #[test]
    fn unknown_methods_and_arguments() {
        let r = fixture();
        assert_eq!(
            r.call("nope", &[]).err(),
            Some(ResourceError::NoMethod {
                method: "nope".into(),
                resource: "Auditd Rules".into()
            })
        );
        let filtered = table(&r, "file", &[s("/etc/sudoers")]);
        assert!(matches!(
            filtered.call("lines", &[]),
            Err(ResourceError::NoMethod { .. })
        ));
        let host = loaded_host(FIXTURE);
        let ctx = Ctx {
            host: &host,
            timeout: Duration::from_secs(1),
        };
        for bad in [
            vec![s("loaded")],
            source("kernel"),
            vec![map(&[("src", s("loaded"))])],
        ] {
            assert!(matches!(
                AuditdResource::open(&bad, &ctx),
                Err(ResourceError::BadArguments(_))
            ));
        }
        assert_eq!(
            value(&open(&host, &source("both")), "source", &[]),
            s("both")
        );
        assert!(matches!(
            r.matcher("have_watch", &[Value::Int(1)]),
            Some(Err(ResourceError::BadArguments(_)))
        ));
        assert!(matches!(
            r.matcher("have_watch", &[s("/x"), map(&[("permissions", s("rq"))])]),
            Some(Err(ResourceError::BadArguments(_)))
        ));
        assert!(r.matcher("be_running", &[]).is_none());
    }

    // --- errors that must never pass ---

    #[test]
    fn timeout_and_mounted_root_fail() {
        let host = MemHost::new().command_error(
            "/sbin/auditctl -l",
            CommandError::TimedOut {
                command: "/sbin/auditctl -l".into(),
                seconds: 5,
            },
        );
        let message = failed(&open(&host, &source("both")));
        assert!(message.contains("did not finish within 5 s"), "{message}");
        assert!(message.contains("unknown"), "{message}");

        let host = MemHost::new().command_error(
            "/sbin/auditctl -l",
            CommandError::Unavailable {
                target: "/mnt/root".into(),
                reason: "a mounted root is scanned".into(),
            },
        );
        let message = failed(&open(&host, &[]));
        assert!(
            message.contains("commands cannot run on /mnt/root"),
            "{message}"
        );
        assert!(message.contains("source: \"persisted\""), "{message}");
        // The persisted rules of a mounted root can still be checked.
        let host = host.file(
            "/etc/audit/audit.rules",
            "-w /usr/bin/docker -p wa -k docker\n",
        );
        let r = open(&host, &source("persisted"));
        assert_eq!(r.state(), ResourceState::Ok);
        assert!(have_watch(&r, &[s("/usr/bin/docker")]).matched);
        assert!(matches!(
            r.call("status", &[]),
            Err(ResourceError::Failed(_))
        ));
    }

    #[test]
    fn unreadable_rules_file_fails() {
        let host = loaded_host("-w /usr/bin/docker -p wa -k docker\n")
            .denied("/etc/audit/rules.d/docker.rules");
        let message = failed(&open(&host, &source("both")));
        assert!(
            message.contains("/etc/audit/rules.d/docker.rules"),
            "{message}"
        );
        assert!(message.contains("permission denied"), "{message}");
        assert_eq!(open(&host, &[]).state(), ResourceState::Ok);
    }

    // --- persisted source ---

    #[test]
    fn persisted_lines_and_rows() {
        let host = MemHost::new()
            .file(
                "/etc/audit/rules.d/10-docker.rules",
                "# docker\n-w /usr/bin/docker -k docker\n-a exit,always -F path=/etc/docker/daemon.json -F perm=wa -F key=docker\n",
            )
            .file(
                "/etc/audit/rules.d/2-time.rules",
                "-D\n-b 8192\n-a always,exit -F arch=b64 -S adjtimex -S settimeofday -k time-change\n",
            );
        let r = open(&host, &source("persisted"));
        assert_eq!(
            value(&r, "lines", &[]),
            arr(&[
                "-a always,exit -F arch=b64 -S adjtimex -S settimeofday -k time-change",
                "-w /usr/bin/docker -k docker",
                "-a exit,always -F path=/etc/docker/daemon.json -F perm=wa -F key=docker",
            ])
        );
        // Rows are parsed from the rules as auditctl would list them.
        let docker = table(&r, "file", &[s("/usr/bin/docker")]);
        assert_eq!(
            value(docker.as_ref(), "permissions", &[]),
            Value::Array(vec![arr(&["r", "w", "x", "a"])])
        );
        let daemon = table(&r, "file", &[s("/etc/docker/daemon.json")]);
        assert_eq!(value(daemon.as_ref(), "key", &[]), arr(&["docker"]));
        let time = table(&r, "key", &[s("time-change")]);
        assert_eq!(
            value(time.as_ref(), "syscall", &[]),
            arr(&["adjtimex", "settimeofday"])
        );
    }

    // --- have_watch: structural matching ---

    fn watch(lines: &str, args: &[Value]) -> MatchOutcome {
        have_watch(&open(&loaded_host(lines), &[]), args)
    }

    fn with(path: &str, pairs: &[(&str, Value)]) -> Vec<Value> {
        vec![s(path), map(pairs)]
    }

    #[test]
    fn a_never_rule_listed_first_suppresses_the_watch() {
        // The exit list is first-match: the kernel never records events on the path.
        let out = watch(
            "-a never,exit -S all -F path=/usr/bin/docker -F perm=wa\n-w /usr/bin/docker -p wa -k docker\n",
            &[s("/usr/bin/docker")],
        );
        assert!(!out.matched, "{}", out.failure);
        assert!(
            out.failure.contains("`never` rule listed before"),
            "{}",
            out.failure
        );
        // After the watch, a `never` rule changes nothing for it.
        let out = watch(
            "-w /usr/bin/docker -p wa -k docker\n-a never,exit -S all -F path=/usr/bin/docker -F perm=wa\n",
            &[s("/usr/bin/docker")],
        );
        assert!(out.matched, "{}", out.failure);
    }

    #[test]
    fn have_watch_description_reads_well() {
        let out = watch(
            "-w /usr/bin/docker -p wa -k docker\n",
            &[s("/usr/bin/docker")],
        );
        assert!(out.matched);
        assert_eq!(
            out.description,
            r#"have watch "/usr/bin/docker" with permissions "wa""#
        );
        let out = watch(
            "-w /usr/bin/docker -p wa -k docker\n",
            &[map(&[
                ("path", s("/usr/bin/docker")),
                ("key", s("docker")),
                ("permissions", s("aw")),
            ])],
        );
        assert!(out.matched);
        assert_eq!(
            out.description,
            r#"have watch "/usr/bin/docker" with permissions "wa" and key "docker""#
        );
        assert!(
            out.failure_negated
                .contains("`-w /usr/bin/docker -p wa -k docker`")
        );
    }

    #[test]
    fn exit_always_equals_always_exit() {
        for line in [
            "-a exit,always -F path=/usr/bin/docker -F perm=wa -F key=docker\n",
            "-a always,exit -F path=/usr/bin/docker -F perm=wa -k docker\n",
        ] {
            assert!(
                watch(line, &with("/usr/bin/docker", &[("key", s("docker"))])).matched,
                "{line}"
            );
        }
    }

    #[test]
    fn watch_without_perms_is_rwxa() {
        let host = MemHost::new().file("/etc/audit/audit.rules", "-w /usr/bin/docker -k docker\n");
        let r = open(&host, &source("persisted"));
        assert!(have_watch(&r, &with("/usr/bin/docker", &[("permissions", s("rwxa"))])).matched);
    }

    #[test]
    fn path_perm_rule_equals_watch_and_trailing_slash_is_trimmed() {
        assert!(
            watch(
                "-a always,exit -F path=/var/lib/docker -F perm=wa -F key=docker\n",
                &[s("/var/lib/docker/")]
            )
            .matched
        );
        assert!(watch("-w /etc/docker/ -p wa\n", &[s("/etc/docker")]).matched);
        assert!(
            watch(
                "-a always,exit -S all -F dir=/etc/docker -F perm=wa\n",
                &[s("/etc/docker")]
            )
            .matched
        );
    }

    #[test]
    fn near_paths_do_not_count_and_are_named() {
        let out = watch(
            "-w /usr/bin/dockerd -p wa -k docker\n",
            &[s("/usr/bin/docker")],
        );
        assert!(!out.matched);
        assert!(
            out.failure
                .contains("only a near path is watched: `/usr/bin/dockerd`"),
            "{}",
            out.failure
        );
        assert!(
            out.failure.contains("-w /usr/bin/docker -p wa"),
            "{}",
            out.failure
        );

        let out = watch(
            "-w /etc/docker/daemon.json -p wa -k docker\n",
            &[s("/etc/docker")],
        );
        assert!(!out.matched);
        assert!(
            out.failure.contains("`/etc/docker/daemon.json`"),
            "{}",
            out.failure
        );

        let out = watch(
            "-w /etc/docker -p wa -k docker\n",
            &[s("/etc/docker/daemon.json")],
        );
        assert!(!out.matched);
        assert!(
            out.failure.contains("near path is watched: `/etc/docker`"),
            "{}",
            out.failure
        );
    }

    #[test]
    fn never_and_conditional_rules_do_not_count() {
        let out = watch(
            "-a never,exit -F path=/usr/bin/docker -F perm=wa\n",
            &[s("/usr/bin/docker")],
        );
        assert!(!out.matched);
        assert!(out.failure.contains("`never` rule"), "{}", out.failure);
        let out = watch(
            "-a always,exit -S all -F path=/usr/bin/docker -F perm=wa -F auid>=1000 -F key=docker\n",
            &[s("/usr/bin/docker")],
        );
        assert!(!out.matched);
        assert!(out.failure.contains("-F auid>=1000"), "{}", out.failure);
    }

    #[test]
    fn too_narrow_permissions_say_what_was_found() {
        let out = watch(
            "-w /usr/bin/docker -p r -k docker\n",
            &[s("/usr/bin/docker")],
        );
        assert!(!out.matched);
        assert!(
            out.failure.starts_with(
                "`/usr/bin/docker` is watched with permissions `r`, but `wa` is needed"
            ),
            "{}",
            out.failure
        );
        assert!(out.failure.contains("`wa` is needed\n"), "{}", out.failure);
        let out = watch("-w /usr/bin/docker -p rw\n", &[s("/usr/bin/docker")]);
        assert!(
            out.failure.contains("`wa` is needed, `a` is missing"),
            "{}",
            out.failure
        );
        // Permissions of several rules on the path add up.
        assert!(
            watch(
                "-w /usr/bin/docker -p w\n-w /usr/bin/docker -p a\n",
                &[s("/usr/bin/docker")]
            )
            .matched
        );
    }

    #[test]
    fn arch_specific_rules_need_both_architectures() {
        let b64 =
            "-a always,exit -F arch=b64 -S all -F path=/usr/bin/docker -F perm=wa -F key=docker\n";
        let out = watch(b64, &[s("/usr/bin/docker")]);
        assert!(!out.matched);
        assert!(
            out.failure.contains("one architecture only"),
            "{}",
            out.failure
        );
        let both = format!("{b64}{}", b64.replace("b64", "b32"));
        assert!(watch(&both, &[s("/usr/bin/docker")]).matched);
    }

    #[test]
    fn key_mismatch() {
        let out = watch(
            "-w /usr/bin/docker -p wa -k container\n",
            &with("/usr/bin/docker", &[("key", s("docker"))]),
        );
        assert!(!out.matched);
        assert!(
            out.failure
                .starts_with("`/usr/bin/docker` is watched, but not with key `docker`"),
            "{}",
            out.failure
        );
        assert!(
            out.failure.contains("-w /usr/bin/docker -p wa -k docker"),
            "{}",
            out.failure
        );
    }

    // --- have_watch with `source: both`: every verdict ---

    const RULE: &str = "-w /usr/bin/docker -p wa -k docker";
    const DROP_IN: &str = "/etc/audit/rules.d/docker.rules";

    fn both(loaded: &str, persisted: &str) -> MatchOutcome {
        let mut host = loaded_host(loaded);
        if !persisted.is_empty() {
            host = host.file(DROP_IN, persisted);
        }
        have_watch(
            &open(&host, &source("both")),
            &with("/usr/bin/docker", &[("key", s("docker"))]),
        )
    }

    #[test]
    fn both_pass() {
        let out = both(&format!("{RULE}\n"), &format!("# docker\n{RULE}\n"));
        assert!(out.matched, "{}", out.failure);
        assert!(
            out.failure_negated.contains("the loaded rules"),
            "{}",
            out.failure_negated
        );
        assert!(
            out.failure_negated.contains(&format!("{DROP_IN}:2")),
            "{}",
            out.failure_negated
        );
    }

    #[test]
    fn both_none() {
        let out = both("No rules\n", "");
        assert!(!out.matched);
        assert!(
            out.failure
                .starts_with("no audit rule watches `/usr/bin/docker`\n"),
            "{}",
            out.failure
        );
        assert!(
            out.failure.contains(&format!("add this line to {DROP_IN}")),
            "{}",
            out.failure
        );
        assert!(
            out.failure.contains("`augenrules --load`"),
            "{}",
            out.failure
        );
        assert!(
            out.failure.ends_with(&format!("\n    {RULE}")),
            "{}",
            out.failure
        );
    }

    #[test]
    fn both_loaded_only_is_lost_at_reboot() {
        let out = both(&format!("{RULE}\n"), "-w /etc/passwd -p wa -k identity\n");
        assert!(!out.matched);
        assert!(
            out.failure.contains("not by the persisted rules"),
            "{}",
            out.failure
        );
        assert!(
            out.failure.contains("lost at the next reboot"),
            "{}",
            out.failure
        );
        assert!(
            out.failure.contains(&format!("add this line to {DROP_IN}")),
            "{}",
            out.failure
        );
        assert!(out.failure.contains(RULE), "{}", out.failure);
    }

    #[test]
    fn both_persisted_only_needs_a_reload() {
        let out = both("No rules\n", &format!("\n{RULE}\n"));
        assert!(!out.matched);
        assert!(
            out.failure.contains(&format!(
                "watched by the persisted rules ({DROP_IN}:2) but not by the loaded rules"
            )),
            "{}",
            out.failure
        );
        assert!(
            out.failure.contains("`augenrules --load`"),
            "{}",
            out.failure
        );
    }

    #[test]
    fn both_too_narrow() {
        let narrow = "-w /usr/bin/docker -p w -k docker\n";
        let out = both(narrow, &format!("{RULE}\n"));
        assert!(!out.matched);
        assert!(
            out.failure.starts_with(
                "`/usr/bin/docker` is watched by the persisted rules (/etc/audit/rules.d/docker.rules:1) \
                 but the loaded rules watch it with permissions `w` only, while `wa` is needed"
            ),
            "{}",
            out.failure
        );
        assert!(
            out.failure.contains("`augenrules --load`"),
            "{}",
            out.failure
        );

        let out = both(&format!("{RULE}\n"), narrow);
        assert!(!out.matched);
        assert!(
            out.failure.contains(
                "the persisted rules watch it with permissions `w` only, while `wa` is needed, \
                 so the watch will be narrowed at the next reboot"
            ),
            "{}",
            out.failure
        );
        assert!(
            out.failure.contains(&format!(
                "add this line to {DROP_IN} (replacing the rule at {DROP_IN}:1)"
            )),
            "{}",
            out.failure
        );

        let out = both(narrow, narrow);
        assert!(!out.matched);
        assert!(
            out.failure.starts_with(
                "`/usr/bin/docker` is watched with permissions `w`, but `wa` is needed"
            ),
            "{}",
            out.failure
        );
    }

    #[test]
    fn both_near_path() {
        let out = both(
            "-w /usr/bin/dockerd -p wa -k docker\n",
            "-w /usr/bin/dockerd -p wa -k docker\n",
        );
        assert!(!out.matched);
        assert!(
            out.failure
                .contains("only a near path is watched: `/usr/bin/dockerd`"),
            "{}",
            out.failure
        );
        assert!(
            out.failure.contains(&format!("{DROP_IN}:1")),
            "{}",
            out.failure
        );
    }

    #[test]
    fn audit_rules_file_is_named_when_augenrules_is_not_used() {
        let host = loaded_host("No rules\n").file("/etc/audit/audit.rules", "-D\n");
        let out = have_watch(&open(&host, &source("both")), &[s("/usr/bin/docker")]);
        assert!(!out.matched);
        assert!(
            out.failure
                .contains("add this line to /etc/audit/audit.rules"),
            "{}",
            out.failure
        );
        assert!(
            out.failure.contains("`auditctl -R /etc/audit/audit.rules`"),
            "{}",
            out.failure
        );
    }

    #[test]
    fn immutable_rules_need_a_reboot() {
        let host = loaded_host("No rules\n").file(DROP_IN, &format!("{RULE}\n-e 2\n"));
        let out = have_watch(&open(&host, &source("both")), &[s("/usr/bin/docker")]);
        assert!(!out.matched);
        assert!(out.failure.contains("reboot"), "{}", out.failure);
    }

    #[test]
    fn canonical_rule_line() {
        assert_eq!(
            watch_rule_line("/usr/bin/docker", None, Some("docker")).as_deref(),
            Some(RULE)
        );
        assert_eq!(
            watch_rule_line("/etc/docker/", Some("rwxa"), None).as_deref(),
            Some("-w /etc/docker -p rwxa")
        );
        assert_eq!(watch_rule_line("/x", Some("z"), None), None);
    }
}
