//! Runs profiles against a host and writes the `RunReport`: selects controls (`--controls`,
//! `--tags`) before anything is evaluated, resolves inputs, evaluates `let` values and
//! `only_if` guards, runs every check, and times each result.
//!
//! A check whose truth cannot be read becomes an error result, never a pass.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use ferrospec_core::Value;
use ferrospec_core::dsl_file::DslFile;
use ferrospec_core::model::{
    Check, Control, ControlBody, Describe, Expectation, Guard, ItsPath, LetBinding, LetSource,
    Profile, ResourceCall, Subject,
};
use ferrospec_core::results::{
    ControlReport, InputReport, Platform, ProfileReport, ProfileStatus, ResultReport, RunReport,
    Status, WaiverData,
};
use ferrospec_core::waiver::{Waiver, parse_date};

use crate::dsl_eval;
use crate::host::Host;
use crate::matcher::{self, Actual, MatchOutcome};
use crate::resource::{Ctx, Prop, Resource, ResourceError, ResourceState, resource_type};

/// The exception name InSpec gives results whose resource could not read what it needs.
const RESOURCE_FAILED: &str = "Inspec::Exceptions::ResourceFailed";

/// Options of one run.
#[derive(Debug, Clone)]
pub struct ExecOptions {
    /// `--controls`: ids, or `/regex/`.
    pub controls: Vec<String>,
    /// `--tags`: names or values, or `/regex/`.
    pub tags: Vec<String>,
    /// `--input name=value`, highest priority.
    pub inputs: Vec<(String, Value)>,
    /// How long one command may run.
    pub timeout: Duration,
    /// ferrospec's version, for the report.
    pub version: String,
    /// Waivers (`--waiver-file`).
    pub waivers: Vec<Waiver>,
    /// Today as days since 1970-01-01, for waiver expiry; `None` reads the clock.
    pub today: Option<i64>,
}

impl Default for ExecOptions {
    fn default() -> Self {
        Self {
            controls: vec![],
            tags: vec![],
            inputs: vec![],
            timeout: Duration::from_secs(10),
            version: String::new(),
            waivers: vec![],
            today: None,
        }
    }
}

/// Problems with our inputs that stop a run before it starts.
#[derive(Debug, thiserror::Error)]
pub enum ExecError {
    /// A required input has no value.
    #[error("input `{name}` is required and does not have a value")]
    MissingInput {
        /// The input.
        name: String,
    },
    /// A `--controls` or `--tags` regex is invalid.
    #[error("invalid filter `{filter}`")]
    BadFilter {
        /// The filter.
        filter: String,
        /// Why.
        #[source]
        source: regex::Error,
    },
    /// A value does not match the input's declared type or pattern.
    #[error("input `{name}` with value `{value}` does not validate to {what}")]
    InvalidInput {
        /// The input.
        name: String,
        /// Its value.
        value: String,
        /// Expected type or pattern.
        what: String,
    },
}

/// Runs profiles against a host.
pub fn execute(
    profiles: &[Profile],
    host: &dyn Host,
    opts: &ExecOptions,
) -> Result<RunReport, ExecError> {
    execute_with_progress(profiles, host, opts, &mut |_| {})
}

/// Where a run is, for a progress line.
#[derive(Debug, Clone, Copy)]
pub struct Progress<'a> {
    /// Controls started so far (this one included).
    pub done: usize,
    /// Controls selected in all.
    pub total: usize,
    /// The control starting now.
    pub id: &'a str,
    /// Time since the run started.
    pub elapsed: Duration,
}

/// Runs profiles against a host, telling `progress` before each control starts.
pub fn execute_with_progress(
    profiles: &[Profile],
    host: &dyn Host,
    opts: &ExecOptions,
    progress: &mut dyn FnMut(Progress<'_>),
) -> Result<RunReport, ExecError> {
    let started = Instant::now();
    let controls_filter = Filter::new(&opts.controls)?;
    let tags_filter = Filter::new(&opts.tags)?;
    let os = host.os();
    let today = opts.today.unwrap_or_else(today_days);
    let mut report = RunReport {
        platform: Platform {
            name: os.name.clone(),
            release: os.release.clone(),
            target_id: String::new(),
        },
        target: host.target(),
        profiles: vec![],
        duration: 0.0,
        version: opts.version.clone(),
    };
    let total = profiles
        .iter()
        .flat_map(|p| &p.controls)
        .filter(|c| selected(c, &controls_filter, &tags_filter))
        .count();
    let mut done = 0;
    for profile in profiles {
        let inputs = resolve_inputs(profile, &opts.inputs)?;
        let mut pr = profile_report(profile, &inputs);
        let mut preludes = HashMap::new();
        let ctx = Ctx {
            host,
            timeout: opts.timeout,
        };
        let unsupported = unsupported_platform(profile, &os);
        for control in &profile.controls {
            if !selected(control, &controls_filter, &tags_filter) {
                continue;
            }
            done += 1;
            progress(Progress {
                done,
                total,
                id: &control.id,
                elapsed: started.elapsed(),
            });
            let waiver = opts
                .waivers
                .iter()
                .rev()
                .find(|w| w.control_id == control.id);
            let (waiver_data, waived_skip) =
                waiver.map_or((None, false), |w| waiver_state(w, today));
            let mut cr = match &unsupported {
                Some(message) => skipped_control(control, message.clone(), None),
                None if waived_skip => skipped_control(
                    control,
                    format!(
                        "Skipped control due to waiver condition: {}",
                        waiver.map_or("", |w| w.justification.as_str())
                    ),
                    None,
                ),
                None => run_control(control, &inputs, &ctx, &mut preludes),
            };
            cr.waiver_data = waiver_data;
            mask_sensitive(&mut cr, profile, &inputs);
            pr.controls.push(cr);
        }
        if let Some(message) = unsupported {
            pr.status = ProfileStatus::Skipped;
            pr.status_message = message;
        }
        let kept: Vec<&str> = pr.controls.iter().map(|c| c.id.as_str()).collect();
        for g in &mut pr.groups {
            g.controls.retain(|id| kept.contains(&id.as_str()));
        }
        report.profiles.push(pr);
    }
    report.duration = started.elapsed().as_secs_f64();
    Ok(report)
}

/// `--controls` / `--tags` entries: exact names or `/regex/`.
struct Filter {
    exact: Vec<String>,
    regexes: Vec<regex::Regex>,
}

impl Filter {
    fn new(entries: &[String]) -> Result<Self, ExecError> {
        let mut f = Filter {
            exact: vec![],
            regexes: vec![],
        };
        for e in entries {
            if e.len() >= 2 && e.starts_with('/') && e.ends_with('/') {
                let re = regex::Regex::new(&e[1..e.len() - 1]).map_err(|source| {
                    ExecError::BadFilter {
                        filter: e.clone(),
                        source,
                    }
                })?;
                f.regexes.push(re);
            } else {
                f.exact.push(e.clone());
            }
        }
        Ok(f)
    }

    fn is_empty(&self) -> bool {
        self.exact.is_empty() && self.regexes.is_empty()
    }

    fn matches(&self, s: &str) -> bool {
        self.exact.iter().any(|e| e == s) || self.regexes.iter().any(|r| r.is_match(s))
    }
}

/// InSpec's union: kept if its id matches `--controls` or a tag matches `--tags`.
fn selected(control: &Control, controls: &Filter, tags: &Filter) -> bool {
    if controls.is_empty() && tags.is_empty() {
        return true;
    }
    if controls.matches(&control.id) {
        return true;
    }
    control.tags.iter().any(|(k, v)| {
        let mut words = vec![k.clone()];
        flatten_words(v, &mut words);
        words.iter().any(|w| tags.matches(w))
    })
}

fn flatten_words(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Null => {}
        Value::Array(a) => a.iter().for_each(|x| flatten_words(x, out)),
        other => out.push(other.to_string()),
    }
}

/// Input values by priority: metadata default < `--input`.
fn resolve_inputs(
    profile: &Profile,
    overrides: &[(String, Value)],
) -> Result<Vec<(String, Value)>, ExecError> {
    let mut out = Vec::new();
    for def in &profile.inputs {
        let value = overrides
            .iter()
            .rev()
            .find(|(n, _)| *n == def.name)
            .map(|(_, v)| v.clone())
            .or_else(|| def.value.clone());
        match value {
            Some(v) => {
                validate_input(&def.name, def.r#type.as_deref(), def.pattern.as_deref(), &v)?;
                out.push((def.name.clone(), v));
            }
            None if def.required => {
                return Err(ExecError::MissingInput {
                    name: def.name.clone(),
                });
            }
            None => out.push((def.name.clone(), Value::Null)),
        }
    }
    Ok(out)
}

fn validate_input(
    name: &str,
    ty: Option<&str>,
    pattern: Option<&str>,
    v: &Value,
) -> Result<(), ExecError> {
    let invalid = |what: String| ExecError::InvalidInput {
        name: name.to_owned(),
        value: v.to_string(),
        what,
    };
    let ok = match ty.map(str::to_ascii_lowercase).as_deref() {
        None | Some("any") => true,
        Some("string") => matches!(v, Value::String(_)),
        Some("numeric") => matches!(v, Value::Int(_) | Value::Float(_)),
        Some("boolean") => matches!(v, Value::Bool(_)),
        Some("array") => matches!(v, Value::Array(_)),
        Some("hash") => matches!(v, Value::Map(_)),
        Some("regexp") => matches!(v, Value::String(_) | Value::Regex(_)),
        Some(_) => false,
    };
    if !ok {
        return Err(invalid(format!("type `{}`", ty.unwrap_or_default())));
    }
    if let Some(p) = pattern {
        let re = regex::Regex::new(p).map_err(|_| {
            invalid(format!(
                "pattern `{p}` (which is not a valid regular expression)"
            ))
        })?;
        if !re.is_match(&v.to_string()) {
            return Err(invalid(format!("pattern `{p}`")));
        }
    }
    Ok(())
}

fn profile_report(profile: &Profile, inputs: &[(String, Value)]) -> ProfileReport {
    let m = &profile.metadata;
    let attributes = profile
        .inputs
        .iter()
        .map(|d| {
            let value = inputs
                .iter()
                .find(|(n, _)| *n == d.name)
                .map_or(Value::Null, |(_, v)| v.clone());
            let mut options = vec![(
                "value".to_owned(),
                if d.sensitive {
                    Value::String("***".into())
                } else {
                    value
                },
            )];
            if let Some(t) = &d.r#type {
                options.push(("type".into(), Value::String(t.clone())));
            }
            options.push(("required".into(), Value::Bool(d.required)));
            if let Some(desc) = &d.description {
                options.push(("description".into(), Value::String(desc.clone())));
            }
            options.push(("sensitive".into(), Value::Bool(d.sensitive)));
            if let Some(p) = &d.pattern {
                options.push(("pattern".into(), Value::String(p.clone())));
            }
            InputReport {
                name: d.name.clone(),
                options,
            }
        })
        .collect();
    ProfileReport {
        name: m.name.clone(),
        title: m.title.clone(),
        version: m.version.clone(),
        maintainer: m.maintainer.clone(),
        summary: m.summary.clone(),
        license: m.license.clone(),
        copyright: m.copyright.clone(),
        copyright_email: m.copyright_email.clone(),
        sha256: profile.sha256.clone(),
        supports: m.supports.clone(),
        attributes,
        groups: profile.groups.clone(),
        controls: vec![],
        status: ProfileStatus::Loaded,
        status_message: String::new(),
    }
}

/// `Some(message)` when no `supports` entry matches the host's OS.
fn unsupported_platform(profile: &Profile, os: &crate::host::OsInfo) -> Option<String> {
    let supports = &profile.metadata.supports;
    if supports.is_empty() {
        return None;
    }
    let mut families = vec![os.family.clone(), os.name.clone()];
    if !os.name.is_empty() || !os.family.is_empty() {
        families.extend(["linux".to_owned(), "unix".to_owned()]);
    }
    families.push("os".to_owned());
    let glob = |pat: &str, s: &str| {
        let re = format!("^{}$", regex::escape(pat).replace(r"\*", ".*"));
        regex::Regex::new(&re).is_ok_and(|r| r.is_match(s))
    };
    let ok = supports.iter().any(|entry| {
        entry.iter().all(|(k, v)| match k.as_str() {
            "platform" | "os" => families.iter().any(|f| f == v) || glob(v, &os.name),
            "platform-family" | "os-family" => families.iter().any(|f| f == v),
            "platform-name" | "os-name" => glob(v, &os.name),
            "release" => glob(v, &os.release),
            _ => false,
        })
    });
    (!ok).then(|| {
        format!(
            "Skipping profile: '{}' on unsupported platform: '{}/{}'.",
            profile.metadata.name, os.name, os.release
        )
    })
}

fn today_days() -> i64 {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    i64::try_from(secs / 86_400).unwrap_or(0)
}

/// InSpec's waiver semantics: an expired waiver is reported and the control runs; `run: false`
/// keeps it from running; otherwise it runs and is reported as waived. Returns the data and
/// whether the control is skipped.
fn waiver_state(w: &Waiver, today: i64) -> (Option<WaiverData>, bool) {
    let expired = w
        .expiration_date
        .as_deref()
        .and_then(parse_date)
        .is_some_and(|d| d < today);
    let mut data = WaiverData {
        justification: Some(w.justification.clone()),
        run: w.run,
        expiration_date: w.expiration_date.clone(),
        skipped_due_to_waiver: false,
        message: String::new(),
    };
    if expired {
        data.message = format!(
            "Waiver expired on {}, evaluating control normally",
            w.expiration_date.as_deref().unwrap_or_default()
        );
        return (Some(data), false);
    }
    let skip = w.run == Some(false);
    data.skipped_due_to_waiver = skip;
    (Some(data), skip)
}

/// Replaces the values of sensitive inputs with `***` wherever a result shows them.
fn mask_sensitive(cr: &mut ControlReport, profile: &Profile, inputs: &[(String, Value)]) {
    let secrets: Vec<String> = profile
        .inputs
        .iter()
        .filter(|d| d.sensitive)
        .filter_map(|d| inputs.iter().find(|(n, _)| *n == d.name))
        .map(|(_, v)| v.to_string())
        .filter(|s| !s.is_empty())
        .collect();
    if secrets.is_empty() {
        return;
    }
    let mask = |s: &mut String| {
        for secret in &secrets {
            *s = s.replace(secret.as_str(), "***");
        }
    };
    for r in &mut cr.results {
        mask(&mut r.code_desc);
        for text in [
            &mut r.message,
            &mut r.skip_message,
            &mut r.resource,
            &mut r.resource_params,
            &mut r.resource_id,
        ]
        .into_iter()
        .flatten()
        {
            mask(text);
        }
    }
    for d in &mut cr.descriptions {
        mask(&mut d.data);
    }
}

fn base_control(control: &Control) -> ControlReport {
    ControlReport {
        remediation: control.remediation.clone(),
        id: control.id.clone(),
        title: control.title.clone(),
        desc: control.desc.clone(),
        descriptions: control.descriptions.clone(),
        impact: control.impact.unwrap_or(0.5),
        refs: control.refs.clone(),
        tags: control.tags.clone(),
        code: control.code.clone(),
        source_location: control.source_location.clone(),
        waiver_data: None,
        results: vec![],
    }
}

fn skipped_control(control: &Control, message: String, impact: Option<f64>) -> ControlReport {
    let mut cr = base_control(control);
    if let Some(i) = impact {
        cr.impact = i;
    }
    cr.results.push(ResultReport {
        status: Some(Status::Skipped),
        code_desc: "No-op".into(),
        resource: Some("No-op".into()),
        skip_message: Some(message),
        start_time: ferrospec_core::time::now_rfc3339(),
        ..ResultReport::default()
    });
    cr
}

fn error_result(code_desc: String, message: String, start: Instant) -> ResultReport {
    ResultReport {
        status: Some(Status::Error),
        code_desc,
        run_time: start.elapsed().as_secs_f64(),
        start_time: ferrospec_core::time::now_rfc3339(),
        message: Some(message),
        exception: Some(RESOURCE_FAILED.into()),
        backtrace: Some(vec![]),
        ..ResultReport::default()
    }
}

/// Values visible to `${name}`: inputs, then `let`s. DSL controls evaluate their values
/// themselves, so their checks run with `literal` set and no substitution (a `${HOME}` in a
/// Ruby string is text).
#[derive(Debug, Clone, Default)]
struct Env {
    vars: Vec<(String, Value)>,
    literal: bool,
}

/// Runs one control.
fn run_control(
    control: &Control,
    inputs: &[(String, Value)],
    ctx: &Ctx<'_>,
    preludes: &mut HashMap<usize, dsl_eval::FileEnv>,
) -> ControlReport {
    if let ControlBody::Dsl { file, index } = &control.body {
        return run_dsl_control(control, file, *index, inputs, ctx, preludes);
    }
    let mut cr = base_control(control);
    let (lets, only_if, checks) = match &control.body {
        ControlBody::Declarative {
            lets,
            only_if,
            checks,
        } => (lets, only_if, checks),
        ControlBody::Dsl { .. } => return cr,
        ControlBody::Invalid { message } => {
            cr.results.push(error_result(
                format!(
                    "Control Source Code Error {}:{}",
                    control.source_location.r#ref, control.source_location.line
                ),
                message.clone(),
                Instant::now(),
            ));
            return cr;
        }
    };
    let mut env = Env {
        vars: inputs.to_vec(),
        literal: false,
    };
    for binding in lets {
        let start = Instant::now();
        match eval_let(binding, &env, ctx) {
            Ok(v) => env.vars.push((binding.name.clone(), v)),
            Err(message) => {
                cr.results.push(error_result(
                    format!("let {}", binding.name),
                    message,
                    start,
                ));
                return cr;
            }
        }
    }
    // Descriptions may name `let` values and inputs (`fix: add -w ${path} …`).
    for d in &mut cr.descriptions {
        d.data = interpolate_str(&d.data, &env);
    }
    cr.desc = cr.desc.as_deref().map(|d| interpolate_str(d, &env));
    if let Some(r) = &mut cr.remediation {
        r.file = r.file.as_deref().map(|f| interpolate_str(f, &env));
        r.audit_rules = r
            .audit_rules
            .iter()
            .map(|l| interpolate_str(l, &env))
            .collect();
    }
    for guard in only_if {
        let start = Instant::now();
        match eval_guard(guard, &env, ctx) {
            Ok(true) => {}
            Ok(false) => {
                let message = guard.message.as_ref().map_or_else(
                    || "Skipped control due to only_if condition.".to_owned(),
                    |m| {
                        format!(
                            "Skipped control due to only_if condition: {}",
                            interpolate_str(m, &env)
                        )
                    },
                );
                let mut skipped = skipped_control(control, message, guard.impact);
                skipped.descriptions = cr.descriptions;
                skipped.desc = cr.desc;
                skipped.remediation = cr.remediation;
                return skipped;
            }
            Err(message) => {
                cr.results.push(error_result(
                    "only_if".into(),
                    format!("cannot tell whether the control applies: {message}"),
                    start,
                ));
                return cr;
            }
        }
    }
    cr.results = run_checks(checks, &env, ctx);
    cr
}

/// Runs a control's checks in order.
fn run_checks(checks: &[Check], env: &Env, ctx: &Ctx<'_>) -> Vec<ResultReport> {
    let mut out = Vec::new();
    for check in checks {
        match check {
            Check::Describe(d) => out.extend(run_describe(d, env, ctx)),
            Check::Skip { label, message } => out.push(ResultReport {
                status: Some(Status::Skipped),
                code_desc: interpolate_str(label, env),
                skip_message: Some(interpolate_str(message, env)),
                start_time: ferrospec_core::time::now_rfc3339(),
                ..ResultReport::default()
            }),
            Check::One(group) => {
                let runs: Vec<Vec<ResultReport>> =
                    group.iter().map(|d| run_describe(d, env, ctx)).collect();
                let passing: Vec<&Vec<ResultReport>> = runs
                    .iter()
                    .filter(|r| r.iter().all(|x| x.status() == Status::Passed))
                    .collect();
                if passing.is_empty() {
                    out.extend(runs.iter().flatten().cloned());
                } else {
                    out.extend(passing.into_iter().flatten().cloned());
                }
            }
        }
    }
    out
}

/// Runs a control written in the DSL: the file's prelude once, then the control's body, then
/// its checks like any other control's.
fn run_dsl_control(
    control: &Control,
    file: &Arc<DslFile>,
    index: usize,
    inputs: &[(String, Value)],
    ctx: &Ctx<'_>,
    preludes: &mut HashMap<usize, dsl_eval::FileEnv>,
) -> ControlReport {
    let key = Arc::as_ptr(file) as usize;
    let fenv = preludes
        .entry(key)
        .or_insert_with(|| dsl_eval::eval_prelude(file, inputs, ctx));
    let source_error = |cr: &mut ControlReport, e: &dsl_eval::EvalError| {
        let at = file.source.position(e.span.start);
        let mut message = format!(
            "{} (at {}:{}:{})",
            e.message,
            file.source.path(),
            at.line + 1,
            at.column + 1
        );
        for p in &fenv.skipped {
            let at = file.source.position(p.span.start);
            let _ = write!(
                message,
                "\nnote: the file's prelude could not run line {}: {}",
                at.line + 1,
                p.message
            );
        }
        cr.results.push(error_result(
            format!(
                "Control Source Code Error {}:{}",
                control.source_location.r#ref, control.source_location.line
            ),
            message,
            Instant::now(),
        ));
    };
    if let Some(e) = &fenv.error {
        let mut cr = base_control(control);
        source_error(&mut cr, e);
        return cr;
    }
    if let Some(message) = &fenv.skip {
        return skipped_control(control, message.clone(), None);
    }
    match dsl_eval::lower(file, index, control, fenv, inputs, ctx) {
        Err(e) => {
            let mut cr = base_control(control);
            source_error(&mut cr, &e);
            cr
        }
        Ok(lowered) => {
            if let Some((message, impact)) = lowered.skip {
                return skipped_control(&lowered.control, message, impact);
            }
            let mut cr = base_control(&lowered.control);
            cr.results = run_checks(
                &lowered.checks,
                &Env {
                    vars: vec![],
                    literal: true,
                },
                ctx,
            );
            if cr.results.is_empty() {
                cr.results.push(ResultReport {
                    status: Some(Status::Skipped),
                    code_desc: "No-op".into(),
                    resource: Some("No-op".into()),
                    skip_message: Some("the control defines no checks".into()),
                    start_time: ferrospec_core::time::now_rfc3339(),
                    ..ResultReport::default()
                });
            }
            cr
        }
    }
}

fn is_empty_value(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::String(s) => s.trim().is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Map(m) => m.is_empty(),
        _ => false,
    }
}

fn eval_let(binding: &LetBinding, env: &Env, ctx: &Ctx<'_>) -> Result<Value, String> {
    for source in &binding.sources {
        let v = match source {
            LetSource::Literal(v) => interpolate(v, env),
            LetSource::Property { resource, its } => {
                let r = open(resource, env, ctx).map_err(|e| e.to_string())?;
                match r.state() {
                    ResourceState::Ok => {}
                    ResourceState::Failed(m) | ResourceState::Skipped(m) => return Err(m),
                }
                match property(r.as_ref(), its, ctx).map_err(|e| e.to_string())? {
                    Prop::Value(v) => v,
                    Prop::Resource(r) => Value::String(r.to_s()),
                }
            }
        };
        if !is_empty_value(&v) {
            return Ok(v);
        }
    }
    Ok(Value::Null)
}

/// `Ok(true)` when every expectation of the guard holds.
fn eval_guard(guard: &Guard, env: &Env, ctx: &Ctx<'_>) -> Result<bool, String> {
    let results = run_describe(&guard.condition, env, ctx);
    let mut all = true;
    for r in &results {
        match r.status() {
            Status::Passed => {}
            Status::Failed => all = false,
            Status::Error | Status::Skipped => {
                return Err(r
                    .message
                    .clone()
                    .or_else(|| r.skip_message.clone())
                    .unwrap_or_else(|| r.code_desc.clone()));
            }
        }
    }
    Ok(all)
}

/// Substitutes `${name}`: a string that is exactly one reference takes the value itself.
fn interpolate(v: &Value, env: &Env) -> Value {
    if env.literal {
        return v.clone();
    }
    match v {
        Value::String(s) => {
            let refs = ferrospec_core::model::references(s);
            if refs.len() == 1 && *s == format!("${{{}}}", refs[0]) {
                return lookup(refs[0], env);
            }
            Value::String(interpolate_str(s, env))
        }
        Value::Array(a) => Value::Array(a.iter().map(|x| interpolate(x, env)).collect()),
        Value::Map(m) => Value::Map(
            m.iter()
                .map(|(k, x)| (k.clone(), interpolate(x, env)))
                .collect(),
        ),
        other => other.clone(),
    }
}

fn lookup(name: &str, env: &Env) -> Value {
    env.vars
        .iter()
        .rev()
        .find(|(n, _)| n == name)
        .map_or(Value::Null, |(_, v)| v.clone())
}

fn interpolate_str(s: &str, env: &Env) -> String {
    if env.literal {
        return s.to_owned();
    }
    let mut out = s.to_owned();
    for name in ferrospec_core::model::references(s) {
        out = out.replace(&format!("${{{name}}}"), &lookup(name, env).to_string());
    }
    out
}

fn open(call: &ResourceCall, env: &Env, ctx: &Ctx<'_>) -> Result<Box<dyn Resource>, ResourceError> {
    let ty = resource_type(&call.name)
        .ok_or_else(|| ResourceError::BadArguments(format!("unknown resource `{}`", call.name)))?;
    let args: Vec<Value> = call.args.iter().map(|a| interpolate(a, env)).collect();
    let mut r = ty.open(&args, ctx)?;
    for (method, args) in &call.chain {
        if r.state() != ResourceState::Ok {
            break;
        }
        let args: Vec<Value> = args.iter().map(|a| interpolate(a, env)).collect();
        r = match r.call_in(method, &args, ctx)? {
            Prop::Resource(inner) => inner,
            Prop::Value(v) => {
                return Err(ResourceError::BadArguments(format!(
                    "`{method}` of {} gives the value {}, not a resource to describe",
                    r.to_s(),
                    v.inspect()
                )));
            }
        };
    }
    Ok(r)
}

/// Follows an `its` path from a resource.
fn property(r: &dyn Resource, its: &ItsPath, ctx: &Ctx<'_>) -> Result<Prop, ResourceError> {
    match its {
        ItsPath::Dotted(path) => {
            let mut segments = path.split('.');
            let first = segments.next().unwrap_or_default();
            let mut cur = r.call_in(first, &[], ctx)?;
            for seg in segments {
                cur = match cur {
                    Prop::Resource(inner) => inner.call_in(seg, &[], ctx)?,
                    Prop::Value(v) => Prop::Value(value_method(&v, seg)?),
                };
            }
            Ok(cur)
        }
        ItsPath::Keys(keys) => {
            let Some((first, rest)) = keys.split_first() else {
                return Err(ResourceError::BadArguments(
                    "`its` needs at least one key".into(),
                ));
            };
            let mut cur = match r.call_in("params", &[], ctx) {
                Ok(Prop::Value(v @ Value::Map(_))) => v.get(first).cloned().unwrap_or(Value::Null),
                _ => match r.call_in(first, &[], ctx)? {
                    Prop::Value(v) => v,
                    Prop::Resource(inner) => Value::String(inner.to_s()),
                },
            };
            for k in rest {
                cur = cur.get(k).cloned().unwrap_or(Value::Null);
            }
            Ok(Prop::Value(cur))
        }
    }
}

/// The few Ruby methods a dotted `its` path applies to plain values.
fn value_method(v: &Value, name: &str) -> Result<Value, ResourceError> {
    if let Some(x) = v.get(name) {
        return Ok(x.clone());
    }
    let no = || ResourceError::NoMethod {
        method: name.to_owned(),
        resource: v.inspect(),
    };
    match (name, v) {
        ("uniq", Value::Array(a)) => {
            let mut out: Vec<Value> = Vec::new();
            for x in a {
                if !out.contains(x) {
                    out.push(x.clone());
                }
            }
            Ok(Value::Array(out))
        }
        ("flatten", Value::Array(a)) => {
            let mut out = Vec::new();
            flatten_into(a, &mut out);
            Ok(Value::Array(out))
        }
        ("first", Value::Array(a)) => Ok(a.first().cloned().unwrap_or_default()),
        ("last", Value::Array(a)) => Ok(a.last().cloned().unwrap_or_default()),
        ("length" | "count" | "size", Value::Array(a)) => {
            Ok(Value::Int(i64::try_from(a.len()).unwrap_or(i64::MAX)))
        }
        ("length" | "size", Value::String(s)) => Ok(Value::Int(
            i64::try_from(s.chars().count()).unwrap_or(i64::MAX),
        )),
        ("strip", Value::String(s)) => Ok(Value::String(s.trim().to_owned())),
        ("to_s", v) => Ok(Value::String(v.to_string())),
        ("to_i", Value::String(s)) => Ok(Value::Int(s.trim().parse().unwrap_or(0))),
        (_, Value::Null) => Ok(Value::Null),
        _ => Err(no()),
    }
}

fn flatten_into(a: &[Value], out: &mut Vec<Value>) {
    for x in a {
        match x {
            Value::Array(inner) => flatten_into(inner, out),
            other => out.push(other.clone()),
        }
    }
}

fn expectation_desc(
    subject: &str,
    its: Option<&ItsPath>,
    negated: bool,
    description: &str,
) -> String {
    let mut s = subject.to_owned();
    if let Some(p) = its {
        s.push(' ');
        s.push_str(&p.describe());
    }
    s.push_str(if negated {
        " is expected not to "
    } else {
        " is expected to "
    });
    s.push_str(description);
    s
}

fn outcome_result(
    t: &Expectation,
    subject: &str,
    out: &MatchOutcome,
    start: Instant,
) -> ResultReport {
    let passed = out.matched != t.negated;
    ResultReport {
        status: Some(if passed {
            Status::Passed
        } else {
            Status::Failed
        }),
        code_desc: expectation_desc(subject, t.its.as_ref(), t.negated, &out.description),
        run_time: start.elapsed().as_secs_f64(),
        start_time: ferrospec_core::time::now_rfc3339(),
        message: (!passed).then(|| {
            if t.negated {
                out.failure_negated.clone()
            } else {
                out.failure.clone()
            }
        }),
        ..ResultReport::default()
    }
}

fn failure_result(
    t: &Expectation,
    subject: &str,
    err: &ResourceError,
    start: Instant,
) -> ResultReport {
    let desc = t.matcher.name.replace('_', " ");
    error_result(
        expectation_desc(subject, t.its.as_ref(), t.negated, &desc),
        err.to_string(),
        start,
    )
}

/// Runs one describe: one result per expectation, or one result for a failed or skipped resource.
fn run_describe(d: &Describe, env: &Env, ctx: &Ctx<'_>) -> Vec<ResultReport> {
    let start = Instant::now();
    match &d.subject {
        Subject::Value(raw) => {
            let v = interpolate(raw, env);
            let subject = match &v {
                Value::String(s) => s.clone(),
                other => other.inspect(),
            };
            d.tests
                .iter()
                .map(|t| {
                    let start = Instant::now();
                    let actual = match &t.its {
                        None => Ok(v.clone()),
                        Some(ItsPath::Dotted(p)) => p
                            .split('.')
                            .try_fold(v.clone(), |cur, seg| value_method(&cur, seg)),
                        Some(ItsPath::Keys(keys)) => Ok(keys.iter().fold(v.clone(), |cur, k| {
                            cur.get(k).cloned().unwrap_or(Value::Null)
                        })),
                    };
                    let m = interpolate_matcher(&t.matcher, env);
                    match actual.and_then(|a| judge(&m, &Actual::Value(&a), t.negated)) {
                        Ok(out) => outcome_result(t, &subject, &out, start),
                        Err(e) => failure_result(t, &subject, &e, start),
                    }
                })
                .collect()
        }
        Subject::Resource(call) => {
            let args: Vec<Value> = call.args.iter().map(|a| interpolate(a, env)).collect();
            let params = Value::Array(args.clone()).inspect();
            let with_resource = |mut r: ResultReport, res: Option<&dyn Resource>| {
                r.resource_class = Some(call.name.clone());
                r.resource_params = Some(params.clone());
                r.resource_id = res.map(Resource::resource_id);
                r
            };
            let r = match open(call, env, ctx) {
                Ok(r) => r,
                Err(e) => {
                    let code_desc = format!(
                        "{}({})",
                        call.name,
                        args.iter()
                            .map(Value::inspect)
                            .collect::<Vec<_>>()
                            .join(", ")
                    );
                    return vec![with_resource(
                        error_result(code_desc, e.to_string(), start),
                        None,
                    )];
                }
            };
            let subject = r.to_s();
            match r.state() {
                ResourceState::Failed(m) => {
                    return vec![with_resource(
                        error_result(format!("{subject} "), m, start),
                        Some(r.as_ref()),
                    )];
                }
                ResourceState::Skipped(m) => {
                    let res = ResultReport {
                        status: Some(Status::Skipped),
                        code_desc: subject.clone(),
                        resource: Some(subject.clone()),
                        skip_message: Some(m),
                        run_time: start.elapsed().as_secs_f64(),
                        start_time: ferrospec_core::time::now_rfc3339(),
                        ..ResultReport::default()
                    };
                    return vec![with_resource(res, Some(r.as_ref()))];
                }
                ResourceState::Ok => {}
            }
            d.tests
                .iter()
                .map(|t| {
                    let start = Instant::now();
                    let m = interpolate_matcher(&t.matcher, env);
                    let outcome = match &t.its {
                        None => judge_resource(&m, r.as_ref(), ctx, t.negated),
                        Some(its) => property(r.as_ref(), its, ctx).and_then(|p| match p {
                            Prop::Value(v) => judge(&m, &Actual::Value(&v), t.negated),
                            Prop::Resource(inner) => {
                                judge_resource(&m, inner.as_ref(), ctx, t.negated)
                            }
                        }),
                    };
                    let res = match outcome {
                        Ok(out) => outcome_result(t, &subject, &out, start),
                        Err(e) => failure_result(t, &subject, &e, start),
                    };
                    with_resource(res, Some(r.as_ref()))
                })
                .collect()
        }
    }
}

/// Evaluates a matcher for `should` or `should_not` (`RSpec`'s negation is not always the
/// opposite of a match: see [`matcher::evaluate_negated`]).
fn judge(
    m: &ferrospec_core::model::Matcher,
    actual: &Actual<'_>,
    negated: bool,
) -> Result<MatchOutcome, ResourceError> {
    if negated {
        matcher::evaluate_negated(m, actual)
    } else {
        matcher::evaluate(m, actual)
    }
}

/// A resource's own matchers first (with the host), then the generic ones.
fn judge_resource(
    m: &ferrospec_core::model::Matcher,
    r: &dyn Resource,
    ctx: &Ctx<'_>,
    negated: bool,
) -> Result<MatchOutcome, ResourceError> {
    match r.matcher_in(&m.name, &m.args, ctx) {
        Some(out) => out,
        None => judge(m, &Actual::Resource(r), negated),
    }
}

fn interpolate_matcher(
    m: &ferrospec_core::model::Matcher,
    env: &Env,
) -> ferrospec_core::model::Matcher {
    let mut m = m.clone();
    m.args = m.args.iter().map(|a| interpolate(a, env)).collect();
    for (_, args) in &mut m.chain {
        *args = args.iter().map(|a| interpolate(a, env)).collect();
    }
    m
}
