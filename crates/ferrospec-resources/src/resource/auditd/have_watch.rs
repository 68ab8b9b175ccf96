//! The `have_watch` matcher: is a path watched, structurally, with at least the required
//! permissions (and the key, if asked), in the loaded rules, the persisted rules, or both?
//!
//! Paths compare exactly after trimming a trailing `/`: a watch on `/usr/bin/dockerd` does not
//! watch `/usr/bin/docker`, and a watch on `/etc/docker/daemon.json` does not watch
//! `/etc/docker`. `never` rules and rules narrowed by other conditions never count. When the
//! check fails, the message says which case it is and gives the exact rule line to add.

use std::fmt::Write as _;

use ferrospec_core::Value;

use crate::matcher::MatchOutcome;
use crate::resource::ResourceError;
use crate::resource::auditd::Source;
use crate::resource::auditd::persisted::{AUDIT_RULES, PersistedLayout, PersistedRules, RULES_DIR};
use crate::resource::auditd::rule::{Action, AuditRule, Perms, normalize_path, watch_rule_line};

/// What is asked: `have_watch(path, permissions: "wa", key: "docker")`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct WatchSpec {
    /// The path, without a trailing `/`.
    pub(crate) path: String,
    /// The classes that must be recorded.
    pub(crate) perms: Perms,
    /// The key the rule must carry, if any.
    pub(crate) key: Option<String>,
}

impl WatchSpec {
    /// Reads the matcher arguments: a path and an optional map, or one map with `path`.
    pub(crate) fn from_args(args: &[Value]) -> Result<WatchSpec, ResourceError> {
        const USAGE: &str = "`have_watch` takes a path and optional settings, e.g. \
             `have_watch('/usr/bin/docker', permissions: 'wa', key: 'docker')`";
        let (path, options): (Option<&str>, &[(String, Value)]) = match args {
            [Value::String(p)] => (Some(p), &[]),
            [Value::String(p), Value::Map(m)] => (Some(p), m),
            [Value::Map(m)] => (None, m),
            _ => return Err(ResourceError::BadArguments(USAGE.into())),
        };
        let mut path = path.map(str::to_owned);
        let mut perms = Perms::parse("wa").unwrap_or(Perms::ALL);
        let mut key = None;
        for (name, value) in options {
            let text = value.as_str().ok_or_else(|| {
                ResourceError::BadArguments(format!(
                    "`have_watch` option `{name}` must be a string, got {}",
                    value.inspect()
                ))
            })?;
            match name.as_str() {
                "path" if path.is_none() => path = Some(text.to_owned()),
                "permissions" => {
                    perms = Perms::parse(text).ok_or_else(|| {
                        ResourceError::BadArguments(format!(
                            "invalid `have_watch` permissions `{text}`, expected letters from `rwxa` such as `wa`"
                        ))
                    })?;
                }
                "key" => key = Some(text.to_owned()),
                other => {
                    return Err(ResourceError::BadArguments(format!(
                        "unknown `have_watch` option `{other}`, expected one of `path`, `permissions`, `key`"
                    )));
                }
            }
        }
        let path = path.filter(|p| p.starts_with('/')).ok_or_else(|| {
            ResourceError::BadArguments(format!("{USAGE}; the path must be absolute"))
        })?;
        Ok(WatchSpec {
            path: normalize_path(&path),
            perms,
            key,
        })
    }

    /// The rule line that satisfies it.
    pub(crate) fn rule_line(&self) -> String {
        watch_rule_line(&self.path, self.perms, self.key.as_deref())
    }

    fn description(&self) -> String {
        let mut d = format!(
            "have watch {} with permissions {}",
            Value::from(self.path.as_str()).inspect(),
            Value::from(self.perms.to_string()).inspect()
        );
        if let Some(key) = &self.key {
            let _ = write!(d, " and key {}", Value::from(key.as_str()).inspect());
        }
        d
    }
}

/// A rule and where it came from.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Located<'a> {
    /// The rule.
    pub(crate) rule: &'a AuditRule,
    /// Its line as printed or written.
    pub(crate) text: &'a str,
    /// `None` for a loaded rule, `file:line` for a persisted one.
    pub(crate) location: Option<&'a str>,
}

impl Located<'_> {
    fn show(&self) -> String {
        match self.location {
            Some(at) => format!("`{}` ({at})", self.text),
            None => format!("`{}`", self.text),
        }
    }
}

fn show_all(rules: &[Located<'_>]) -> String {
    rules
        .iter()
        .map(Located::show)
        .collect::<Vec<_>>()
        .join(", ")
}

/// What one source says about the asked watch.
#[derive(Debug)]
enum Finding<'a> {
    /// Watched as asked, by these rules.
    Present(Vec<Located<'a>>),
    /// Watched, but recording less than asked.
    Narrow {
        found: Perms,
        rules: Vec<Located<'a>>,
        /// Some rules only cover one architecture.
        arch_only: bool,
    },
    /// Watched, but not with the asked key.
    WrongKey(Vec<Located<'a>>),
    /// Rules name the path but do not watch it (`never`, extra conditions, …).
    NotWatch(Vec<(Located<'a>, String)>),
    /// Nothing on the path; maybe on near paths.
    Absent { near: Vec<Located<'a>> },
}

impl Finding<'_> {
    fn is_present(&self) -> bool {
        matches!(self, Finding::Present(_))
    }

    /// One sentence for the message, after "the loaded rules ".
    fn explain(&self, spec: &WatchSpec) -> String {
        match self {
            Finding::Present(rules) => format!("watch it: {}", show_all(rules)),
            Finding::Narrow {
                found,
                rules,
                arch_only,
            } => {
                let mut s = if found.is_empty() {
                    format!("watch it for one architecture only: {}", show_all(rules))
                } else {
                    let missing = found.missing(spec.perms);
                    let mut s = format!(
                        "watch it with permissions `{found}` only: {}; `{}` is needed",
                        show_all(rules),
                        spec.perms
                    );
                    if missing != spec.perms {
                        let _ = write!(s, ", `{missing}` is missing");
                    }
                    s
                };
                if *arch_only {
                    s.push_str(
                        "; rules with `-F arch=` cover only that architecture's syscalls, so add \
                         both `b32` and `b64` rules or a `-w` watch",
                    );
                }
                s
            }
            Finding::WrongKey(rules) => format!(
                "watch it, but not with key `{}`: {}",
                spec.key.as_deref().unwrap_or(""),
                show_all(rules)
            ),
            Finding::NotWatch(rules) => {
                let parts: Vec<String> = rules
                    .iter()
                    .map(|(r, why)| format!("{} does not count because {why}", r.show()))
                    .collect();
                format!(
                    "name it only in rules that do not watch it: {}",
                    parts.join("; ")
                )
            }
            Finding::Absent { near } if near.is_empty() => "have no rule for it".into(),
            Finding::Absent { near } => {
                let paths: Vec<String> = near
                    .iter()
                    .map(|r| format!("`{}` by {}", r.rule.path.as_deref().unwrap_or(""), r.show()))
                    .collect();
                format!(
                    "have no rule for it, only for a near path, which does not cover it (audit paths match exactly): {}",
                    paths.join(", ")
                )
            }
        }
    }
}

/// `b64`, `b32`, or `None` for a rule on every architecture.
fn arch_class(rule: &AuditRule) -> Option<bool> {
    let arch = rule.arch.as_deref()?;
    Some(matches!(
        arch,
        "b64" | "x86_64" | "aarch64" | "ppc64" | "ppc64le" | "s390x" | "riscv64"
    ))
}

/// Whether `rules` together watch what `spec` asks, by the same structural comparison as the
/// matcher: the same watch, or a wider one (more permissions, `-F dir=` on the path, rules for
/// both architectures).
pub(crate) fn covers(spec: &WatchSpec, rules: &[Located<'_>]) -> bool {
    find(spec, rules).is_present()
}

fn find<'a>(spec: &WatchSpec, rules: &[Located<'a>]) -> Finding<'a> {
    // The exit list is first-match: a `never` rule for the path listed before a watch keeps the
    // watch from ever recording, so only the rules before it count.
    let never = rules.iter().position(|r| {
        r.rule.action == Some(Action::Never)
            && r.rule.list.as_deref() == Some("exit")
            && r.rule.path.as_deref() == Some(spec.path.as_str())
    });
    let (rules, suppressor) = match never {
        Some(at) => (&rules[..at], Some(rules[at])),
        None => (rules, None),
    };
    let finding = find_in(spec, rules);
    match (suppressor, &finding) {
        (Some(n), Finding::Absent { .. }) => Finding::NotWatch(vec![(
            n,
            "it is a `never` rule listed before any rule that watches the path, so events on the path are never recorded".to_owned(),
        )]),
        _ => finding,
    }
}

fn find_in<'a>(spec: &WatchSpec, rules: &[Located<'a>]) -> Finding<'a> {
    let exact: Vec<Located<'a>> = rules
        .iter()
        .filter(|r| r.rule.path.as_deref() == Some(spec.path.as_str()))
        .copied()
        .collect();
    let watches: Vec<Located<'a>> = exact
        .iter()
        .filter(|r| r.rule.is_watch())
        .copied()
        .collect();
    let candidates: Vec<Located<'a>> = match &spec.key {
        Some(key) => watches
            .iter()
            .filter(|r| r.rule.keys.iter().any(|k| k == key))
            .copied()
            .collect(),
        None => watches.clone(),
    };
    if !candidates.is_empty() {
        // A rule without `arch=` covers every architecture; otherwise both word sizes need one.
        let (mut any, mut b64, mut b32) = (Perms::default(), Perms::default(), Perms::default());
        for r in &candidates {
            let p = r.rule.effective_perms();
            match arch_class(r.rule) {
                None => any = any.union(p),
                Some(true) => b64 = b64.union(p),
                Some(false) => b32 = b32.union(p),
            }
        }
        let effective = any.union(b64.intersection(b32));
        if effective.contains(spec.perms) {
            return Finding::Present(candidates);
        }
        let arch_only = any.union(b64).union(b32).contains(spec.perms);
        return Finding::Narrow {
            found: effective,
            rules: candidates,
            arch_only,
        };
    }
    if !watches.is_empty() {
        return Finding::WrongKey(watches);
    }
    if !exact.is_empty() {
        return Finding::NotWatch(
            exact
                .iter()
                .map(|r| (*r, r.rule.why_not_watch().unwrap_or_default()))
                .collect(),
        );
    }
    let near = rules
        .iter()
        .filter(|r| {
            r.rule.is_watch()
                && r.rule.path.as_deref().is_some_and(|p| {
                    p != "/" && (p.starts_with(spec.path.as_str()) || spec.path.starts_with(p))
                })
        })
        .copied()
        .collect();
    Finding::Absent { near }
}

/// What the matcher needs to know about the persisted rules for its advice.
pub(crate) struct PersistedView<'a> {
    /// The rules, located.
    pub(crate) rules: Vec<Located<'a>>,
    /// How they are organised.
    pub(crate) info: &'a PersistedRules,
}

/// Where to add the rule and how to load it afterwards.
fn remedy_target(spec: &WatchSpec, persisted: Option<&PersistedRules>) -> (String, String) {
    let single_file = persisted.is_some_and(|p| {
        p.layout == PersistedLayout::AuditRules && p.files.iter().any(|f| f == AUDIT_RULES)
    });
    let immutable = persisted.is_some_and(|p| p.immutable);
    let (file, reload) = if single_file {
        (
            AUDIT_RULES.to_owned(),
            format!("`auditctl -R {AUDIT_RULES}`"),
        )
    } else {
        (
            format!(
                "{RULES_DIR}/{}.rules",
                spec.key.as_deref().unwrap_or("audit")
            ),
            "`augenrules --load`".to_owned(),
        )
    };
    let reload = if immutable {
        "a reboot (the persisted rules set `-e 2`, so the loaded rules cannot change until then)"
            .to_owned()
    } else {
        reload
    };
    (file, reload)
}

/// Evaluates `have_watch` against the selected source(s).
pub(crate) fn evaluate(
    spec: &WatchSpec,
    source: Source,
    loaded: Option<&[Located<'_>]>,
    persisted: Option<&PersistedView<'_>>,
) -> MatchOutcome {
    let loaded_finding = loaded.map(|rules| find(spec, rules));
    let persisted_finding = persisted.map(|p| find(spec, &p.rules));
    let info = persisted.map(|p| p.info);
    let persisted_name = match info {
        Some(p) if p.layout == PersistedLayout::Augenrules => {
            format!("the persisted rules ({RULES_DIR}/*.rules)")
        }
        Some(p) if p.files.is_empty() => format!(
            "the persisted rules (there is no {RULES_DIR}/*.rules file and no {AUDIT_RULES})"
        ),
        _ => format!("the persisted rules ({AUDIT_RULES})"),
    };
    let loaded_name = "the loaded rules (`auditctl -l`)";
    let line = spec.rule_line();
    let (file, reload) = remedy_target(spec, info);
    let p = format!("`{}`", spec.path);

    let loaded_ok = loaded_finding.as_ref().is_none_or(Finding::is_present);
    let persisted_ok = persisted_finding.as_ref().is_none_or(Finding::is_present);
    let matched = match source {
        Source::Loaded => loaded_finding.as_ref().is_some_and(Finding::is_present),
        Source::Persisted => persisted_finding.as_ref().is_some_and(Finding::is_present),
        Source::Both => {
            loaded_finding.as_ref().is_some_and(Finding::is_present)
                && persisted_finding.as_ref().is_some_and(Finding::is_present)
        }
    };

    let findings: Vec<(&str, &Finding<'_>)> = [
        (loaded_name, loaded_finding.as_ref()),
        (persisted_name.as_str(), persisted_finding.as_ref()),
    ]
    .into_iter()
    .filter_map(|(name, f)| f.map(|f| (name, f)))
    .collect();

    let headline = headline(spec, &p, &findings, loaded_ok, persisted_ok, source);
    let details: Vec<String> = findings
        .iter()
        .map(|(name, f)| format!("  - {name} {}", f.explain(spec)))
        .collect();
    let fix = if !persisted_ok || source == Source::Loaded && !loaded_ok {
        let load_now = if source == Source::Persisted {
            String::new()
        } else {
            format!(", then load it with {reload}")
        };
        let replace = match &persisted_finding {
            Some(Finding::Narrow { rules, .. } | Finding::WrongKey(rules)) => {
                let at: Vec<&str> = rules.iter().filter_map(|r| r.location).collect();
                format!(" (replacing the rule at {})", at.join(", "))
            }
            _ => String::new(),
        };
        format!("to fix it, add this line to {file}{replace}{load_now}:\n    {line}")
    } else {
        format!("to fix it, load the persisted rules with {reload}")
    };
    let failure = format!("{headline}\n{}\n{fix}", details.join("\n"));

    let found: Vec<String> = findings
        .iter()
        .filter_map(|(name, f)| match f {
            Finding::Present(rules) => Some(format!("  - {name}: {}", show_all(rules))),
            _ => None,
        })
        .collect();
    let failure_negated = format!(
        "expected {p} not to be watched with permissions `{}`{}, but it is:\n{}",
        spec.perms,
        spec.key
            .as_deref()
            .map(|k| format!(" and key `{k}`"))
            .unwrap_or_default(),
        found.join("\n")
    );
    MatchOutcome {
        matched,
        description: spec.description(),
        failure,
        failure_negated,
    }
}

fn headline(
    spec: &WatchSpec,
    p: &str,
    findings: &[(&str, &Finding<'_>)],
    loaded_ok: bool,
    persisted_ok: bool,
    source: Source,
) -> String {
    let failing_of = |index: usize| findings.get(index).map(|(_, f)| *f);
    if source == Source::Both && loaded_ok && !persisted_ok {
        return match failing_of(1).and_then(|f| gap(f, spec)) {
            Some(gap) => format!(
                "{p} is watched by the loaded rules, but the persisted rules watch it {gap}, so the watch will be narrowed at the next reboot or rule reload"
            ),
            None => format!(
                "{p} is watched by the loaded rules but not by the persisted rules, so the watch will be lost at the next reboot or rule reload"
            ),
        };
    }
    if source == Source::Both && persisted_ok && !loaded_ok {
        let at = findings
            .iter()
            .find_map(|(_, f)| match f {
                Finding::Present(rules) => Some(
                    rules
                        .iter()
                        .filter_map(|r| r.location)
                        .collect::<Vec<_>>()
                        .join(", "),
                ),
                _ => None,
            })
            .unwrap_or_default();
        let loaded = match failing_of(0).and_then(|f| gap(f, spec)) {
            Some(gap) => format!("the loaded rules watch it {gap}"),
            None => "not by the loaded rules".to_owned(),
        };
        return format!(
            "{p} is watched by the persisted rules ({at}) but {loaded}: the rules were changed on disk and auditd has not loaded them since"
        );
    }
    let failing: Vec<&Finding<'_>> = findings
        .iter()
        .map(|(_, f)| *f)
        .filter(|f| !f.is_present())
        .collect();
    if let Some(Finding::Narrow { found, .. }) =
        failing.iter().find(|f| matches!(f, Finding::Narrow { .. }))
    {
        if found.is_empty() {
            return format!(
                "{p} is watched for one architecture only, so syscalls of the other are not recorded"
            );
        }
        return format!(
            "{p} is watched with permissions `{found}`, but `{}` is needed",
            spec.perms
        );
    }
    if failing.iter().any(|f| matches!(f, Finding::WrongKey(_))) {
        return format!(
            "{p} is watched, but not with key `{}`",
            spec.key.as_deref().unwrap_or("")
        );
    }
    if failing.iter().any(|f| matches!(f, Finding::NotWatch(_))) {
        return format!("{p} is named only by audit rules that do not watch it");
    }
    let near: Vec<&str> = failing
        .iter()
        .filter_map(|f| match f {
            Finding::Absent { near } => Some(near),
            _ => None,
        })
        .flatten()
        .filter_map(|r| r.rule.path.as_deref())
        .fold(Vec::new(), |mut acc, p| {
            if !acc.contains(&p) {
                acc.push(p);
            }
            acc
        });
    if near.is_empty() {
        format!("no audit rule watches {p}")
    } else {
        format!(
            "no audit rule watches {p}; only a near path is watched: `{}`",
            near.join("`, `")
        )
    }
}

/// How a watch that exists falls short, after "watch it "; `None` when there is no watch.
fn gap(finding: &Finding<'_>, spec: &WatchSpec) -> Option<String> {
    match finding {
        Finding::Narrow { found, .. } if found.is_empty() => {
            Some("for one architecture only".to_owned())
        }
        Finding::Narrow { found, .. } => Some(format!(
            "with permissions `{found}` only, while `{}` is needed",
            spec.perms
        )),
        Finding::WrongKey(_) => Some(format!(
            "without the key `{}`",
            spec.key.as_deref().unwrap_or("")
        )),
        Finding::Present(_) | Finding::NotWatch(_) | Finding::Absent { .. } => None,
    }
}
