//! YAML control files: one control (a mapping with `id`) or several (`controls: [...]`).
//! Every mapping denies unknown keys, and resource and matcher names are checked against the
//! registry while deserializing, so a typo is an error at its line and column, never a check
//! silently switched off.

use std::cell::RefCell;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};

use crate::diagnostic::Diagnostic;
use crate::model::{
    Check, CmpOp, Control, ControlBody, Describe, Description, Expectation, Guard, ItsPath,
    LetBinding, LetSource, Matcher, Reference, Remediation, ResourceCall, SourceLocation, Subject,
    parse_impact_name,
};
use crate::source::{SourceFile, Span};
use crate::value::Value;
use crate::yaml::{one_or_many::OneOrMany, scalar_text, to_value, yaml_diagnostic};

/// Known names, set for the duration of one parse.
pub(crate) struct Names {
    pub(crate) resources: Vec<String>,
    pub(crate) matchers: Vec<String>,
}

thread_local! {
    static NAMES: RefCell<Option<Names>> = const { RefCell::new(None) };
}

fn check_name(kind: &str, name: &str, pick: fn(&Names) -> &Vec<String>) -> Result<(), String> {
    NAMES.with(|n| {
        let n = n.borrow();
        let Some(names) = n.as_ref() else {
            return Ok(());
        };
        let list = pick(names);
        if list.iter().any(|x| x == name) {
            Ok(())
        } else {
            let mut shown: Vec<String> = list.iter().map(|x| format!("`{x}`")).collect();
            if let Some(close) = closest(name, list) {
                return Err(format!("unknown {kind} `{name}`, did you mean `{close}`?"));
            }
            shown.truncate(12);
            Err(format!(
                "unknown {kind} `{name}`, expected one of {}",
                shown.join(", ")
            ))
        }
    })
}

/// The closest name by edit distance, when it is close enough to be a typo.
fn closest<'a>(name: &str, list: &'a [String]) -> Option<&'a str> {
    list.iter()
        .map(|c| (levenshtein(name, c), c))
        .filter(|(d, c)| *d <= 2.max(c.len() / 4))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c.as_str())
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur.push((prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

/// A resource name, checked against the registry.
struct ResourceName(String);

impl<'de> Deserialize<'de> for ResourceName {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = ResourceName;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a resource name")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<ResourceName, E> {
                check_name("resource", s, |n| &n.resources).map_err(E::custom)?;
                Ok(ResourceName(s.to_owned()))
            }
        }
        d.deserialize_str(V)
    }
}

/// An impact: a number in 0.0–1.0 or a name.
struct ImpactSpec(f64);

impl<'de> Deserialize<'de> for ImpactSpec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        fn ranged<E: de::Error>(n: f64) -> Result<ImpactSpec, E> {
            if (0.0..=1.0).contains(&n) {
                Ok(ImpactSpec(n))
            } else {
                Err(E::custom(format!(
                    "impact {n} is out of range, expected a number from 0.0 to 1.0"
                )))
            }
        }
        impl Visitor<'_> for V {
            type Value = ImpactSpec;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a number from 0.0 to 1.0 or one of `none`, `low`, `medium`, `high`, `critical`")
            }
            fn visit_f64<E: de::Error>(self, n: f64) -> Result<ImpactSpec, E> {
                ranged(n)
            }
            #[allow(clippy::cast_precision_loss)]
            fn visit_i64<E: de::Error>(self, n: i64) -> Result<ImpactSpec, E> {
                ranged(n as f64)
            }
            #[allow(clippy::cast_precision_loss)]
            fn visit_u64<E: de::Error>(self, n: u64) -> Result<ImpactSpec, E> {
                ranged(n as f64)
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<ImpactSpec, E> {
                match parse_impact_name(s).or_else(|| s.parse().ok()) {
                    Some(n) => ranged(n),
                    None => Err(E::custom(format!(
                        "invalid impact `{s}`, expected a number from 0.0 to 1.0 or one of `none`, `low`, `medium`, `high`, `critical`"
                    ))),
                }
            }
        }
        d.deserialize_any(V)
    }
}

/// `should: exist` or `should: { include: 'x' }` or `should: { 'cmp >=': '17.06' }`.
struct MatcherSpec(Matcher);

impl<'de> Deserialize<'de> for MatcherSpec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = MatcherSpec;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a matcher name (`exist`) or a mapping of one matcher to its argument (`include: x`)")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<MatcherSpec, E> {
                matcher(s, None).map_err(E::custom)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<MatcherSpec, A::Error> {
                let Some(key) = map.next_key::<String>()? else {
                    return Err(de::Error::custom(
                        "expected one matcher, found an empty mapping",
                    ));
                };
                // Check the name before reading the argument, so the error points at the key.
                let (name, op) = split_op(&key).map_err(de::Error::custom)?;
                check_name("matcher", name, |n| &n.matchers).map_err(de::Error::custom)?;
                let arg: serde_yaml::Value = map.next_value()?;
                if let Some(extra) = map.next_key::<String>()? {
                    return Err(de::Error::custom(format!(
                        "expected one matcher per expectation, found a second one `{extra}`"
                    )));
                }
                let args = match arg {
                    serde_yaml::Value::Null => vec![],
                    other => vec![to_value(&other)],
                };
                Ok(MatcherSpec(Matcher {
                    name: name.to_owned(),
                    op,
                    args,
                    chain: vec![],
                }))
            }
        }
        d.deserialize_any(V)
    }
}

fn split_op(key: &str) -> Result<(&str, Option<CmpOp>), String> {
    match key.split_once(' ') {
        None => Ok((key, None)),
        Some((name, op)) => match CmpOp::parse(op.trim()) {
            Some(op) => Ok((name, Some(op))),
            None => Err(format!(
                "unknown operator `{}` in `{key}`, expected one of `==`, `!=`, `<`, `<=`, `>`, `>=`, `=~`",
                op.trim()
            )),
        },
    }
}

fn matcher(s: &str, arg: Option<Value>) -> Result<MatcherSpec, String> {
    let (name, op) = split_op(s)?;
    check_name("matcher", name, |n| &n.matchers)?;
    Ok(MatcherSpec(Matcher {
        name: name.to_owned(),
        op,
        args: arg.into_iter().collect(),
        chain: vec![],
    }))
}

#[derive(Deserialize)]
#[serde(untagged)]
enum ItsSpec {
    Dotted(String),
    Keys(Vec<String>),
}

impl ItsSpec {
    fn into_path(self) -> ItsPath {
        match self {
            ItsSpec::Dotted(s) => ItsPath::Dotted(s),
            ItsSpec::Keys(k) => ItsPath::Keys(k),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TestSpec {
    its: Option<ItsSpec>,
    should: Option<MatcherSpec>,
    should_not: Option<MatcherSpec>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DescribeSpec {
    resource: Option<ResourceName>,
    args: Option<serde_yaml::Value>,
    value: Option<serde_yaml::Value>,
    tests: Option<Vec<TestSpec>>,
    its: Option<ItsSpec>,
    should: Option<MatcherSpec>,
    should_not: Option<MatcherSpec>,
    skip: Option<String>,
    label: Option<String>,
    one: Option<Vec<DescribeSpec>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GuardSpec {
    message: Option<String>,
    impact: Option<ImpactSpec>,
    resource: Option<ResourceName>,
    args: Option<serde_yaml::Value>,
    value: Option<serde_yaml::Value>,
    tests: Option<Vec<TestSpec>>,
    its: Option<ItsSpec>,
    should: Option<MatcherSpec>,
    should_not: Option<MatcherSpec>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LetAltSpec {
    value: Option<serde_yaml::Value>,
    resource: Option<ResourceName>,
    args: Option<serde_yaml::Value>,
    its: Option<ItsSpec>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RefSpec {
    #[serde(rename = "ref")]
    ref_: Option<String>,
    url: Option<String>,
    uri: Option<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RefItem {
    Text(String),
    Full(RefSpec),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ControlSpec {
    id: String,
    title: Option<String>,
    desc: Option<String>,
    descriptions: Option<serde_yaml::Mapping>,
    impact: Option<ImpactSpec>,
    tags: Option<serde_yaml::Value>,
    refs: Option<Vec<RefItem>>,
    #[serde(rename = "let")]
    lets: Option<serde_yaml::Mapping>,
    only_if: Option<OneOrMany<GuardSpec>>,
    describe: Vec<DescribeSpec>,
    remediation: Option<RemediationSpec>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RemediationSpec {
    file: Option<String>,
    audit_rules: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MultiSpec {
    title: Option<String>,
    controls: Vec<ControlSpec>,
}

/// Parses a YAML control file into controls, with the group title.
pub(crate) fn parse_control_file(
    source: &SourceFile,
    rel_path: &str,
    resources: Vec<String>,
    matchers: Vec<String>,
) -> Result<(Option<String>, Vec<Control>), Diagnostic> {
    NAMES.with(|n| {
        *n.borrow_mut() = Some(Names {
            resources,
            matchers,
        });
    });
    let result = parse_inner(source, rel_path);
    NAMES.with(|n| *n.borrow_mut() = None);
    result
}

fn parse_inner(
    source: &SourceFile,
    rel_path: &str,
) -> Result<(Option<String>, Vec<Control>), Diagnostic> {
    let text = source.text();
    // Fast path: a top-level `controls:` line says which form this is, so the text is parsed
    // once. On any error the slow path below classifies the document and reports.
    let multi_hint = text.lines().any(|l| l.starts_with("controls:"));
    let fast = if multi_hint {
        serde_yaml::from_str::<MultiSpec>(text)
            .ok()
            .map(|m| (true, m.title, m.controls))
    } else {
        serde_yaml::from_str::<ControlSpec>(text)
            .ok()
            .map(|c| (false, None, vec![c]))
    };
    let (multi, title, specs) = if let Some(parsed) = fast {
        parsed
    } else {
        let top: serde_yaml::Value =
            serde_yaml::from_str(text).map_err(|e| yaml_diagnostic(source, &e))?;
        let multi = top.as_mapping().is_some_and(|m| m.contains_key("controls"));
        if multi {
            let m: MultiSpec =
                serde_yaml::from_str(text).map_err(|e| yaml_diagnostic(source, &e))?;
            (true, m.title, m.controls)
        } else if top.is_mapping() {
            let c: ControlSpec =
                serde_yaml::from_str(text).map_err(|e| yaml_diagnostic(source, &e))?;
            (false, None, vec![c])
        } else {
            return Err(Diagnostic::new(
                source,
                Span::empty(0),
                "expected a control (a mapping with `id`) or `controls:` with a list of controls",
            ));
        }
    };
    let mut controls = Vec::new();
    let mut search_from = 0;
    for spec in specs {
        let (line, offset) = find_control(source, &spec.id, search_from);
        search_from = offset;
        controls.push(convert(source, rel_path, spec, line, multi)?);
    }
    Ok((title, controls))
}

/// Line (1-based) and offset of `id: <id>` at or after `from`.
fn find_control(source: &SourceFile, id: &str, from: usize) -> (usize, usize) {
    let first = source.position(from).line;
    for line in first..source.line_count() {
        let text = source.line_text(line).trim_start_matches([' ', '\t', '-']);
        let Some(rest) = text.strip_prefix("id:") else {
            continue;
        };
        let value = rest
            .split(" #")
            .next()
            .unwrap_or_default()
            .trim()
            .trim_matches(['"', '\'']);
        if value == id {
            return (line + 1, source.line_start(line).unwrap_or(0));
        }
    }
    (1, 0)
}

fn args_of(v: Option<serde_yaml::Value>) -> Vec<Value> {
    match v {
        None | Some(serde_yaml::Value::Null) => vec![],
        Some(serde_yaml::Value::Sequence(s)) => s.iter().map(to_value).collect(),
        Some(other) => vec![to_value(&other)],
    }
}

fn err_at(source: &SourceFile, line: usize, message: impl Into<String>) -> Diagnostic {
    let start = source.line_start(line.saturating_sub(1)).unwrap_or(0);
    let len = source.line_text(line.saturating_sub(1)).len();
    Diagnostic::new(source, Span::new(start, start + len), message)
}

fn tests_of(
    tests: Option<Vec<TestSpec>>,
    its: Option<ItsSpec>,
    should: Option<MatcherSpec>,
    should_not: Option<MatcherSpec>,
) -> Result<Vec<Expectation>, String> {
    let mut out = Vec::new();
    if should.is_some() || should_not.is_some() {
        out.push(test_of(TestSpec {
            its,
            should,
            should_not,
        })?);
    } else if its.is_some() {
        return Err("`its` needs `should` or `should_not`".into());
    }
    for t in tests.into_iter().flatten() {
        out.push(test_of(t)?);
    }
    Ok(out)
}

fn test_of(t: TestSpec) -> Result<Expectation, String> {
    let (negated, m) = match (t.should, t.should_not) {
        (Some(m), None) => (false, m),
        (None, Some(m)) => (true, m),
        (Some(_), Some(_)) => {
            return Err("a test has both `should` and `should_not`; give one".into());
        }
        (None, None) => return Err("a test needs `should` or `should_not`".into()),
    };
    Ok(Expectation {
        its: t.its.map(ItsSpec::into_path),
        negated,
        matcher: m.0,
    })
}

fn subject_of(
    resource: Option<ResourceName>,
    args: Option<serde_yaml::Value>,
    value: Option<serde_yaml::Value>,
) -> Result<Subject, String> {
    match (resource, value) {
        (Some(r), None) => Ok(Subject::Resource(ResourceCall {
            name: r.0,
            args: args_of(args),
            chain: vec![],
        })),
        (None, Some(v)) if args.is_none() => Ok(Subject::Value(to_value(&v))),
        (None, Some(_)) => Err("`args` belongs to a `resource`, not to a `value`".into()),
        (Some(_), Some(_)) => Err("give either `resource` or `value`, not both".into()),
        (None, None) => Err("expected `resource`, `value`, `skip` or `one`".into()),
    }
}

fn describe_of(d: DescribeSpec) -> Result<Check, String> {
    if let Some(message) = d.skip {
        if d.resource.is_some()
            || d.value.is_some()
            || d.tests.is_some()
            || d.one.is_some()
            || d.should.is_some()
            || d.should_not.is_some()
        {
            return Err("a `skip` entry takes only `label` and `skip`".into());
        }
        return Ok(Check::Skip {
            label: d.label.unwrap_or_else(|| message.clone()),
            message,
        });
    }
    if let Some(one) = d.one {
        let mut inner = Vec::new();
        for x in one {
            match describe_of(x)? {
                Check::Describe(d) => inner.push(d),
                _ => {
                    return Err(
                        "`one` holds plain describe entries (`resource` or `value` with tests)"
                            .into(),
                    );
                }
            }
        }
        if inner.is_empty() {
            return Err("`one` needs at least one describe entry".into());
        }
        return Ok(Check::One(inner));
    }
    if d.label.is_some() {
        return Err("`label` goes with `skip`".into());
    }
    let subject = subject_of(d.resource, d.args, d.value)?;
    let tests = tests_of(d.tests, d.its, d.should, d.should_not)?;
    if tests.is_empty() {
        return Err(
            "a describe entry needs `should`/`should_not` or a non-empty `tests` list".into(),
        );
    }
    Ok(Check::Describe(Describe { subject, tests }))
}

fn tags_of(v: Option<serde_yaml::Value>) -> Result<Vec<(String, Value)>, String> {
    let mut out: Vec<(String, Value)> = Vec::new();
    let mut put = |k: String, v: Value| {
        if let Some(slot) = out.iter_mut().find(|(x, _)| *x == k) {
            slot.1 = v;
        } else {
            out.push((k, v));
        }
    };
    match v {
        None | Some(serde_yaml::Value::Null) => {}
        Some(serde_yaml::Value::Mapping(m)) => {
            for (k, v) in &m {
                put(scalar_text(k), to_value(v));
            }
        }
        Some(serde_yaml::Value::Sequence(s)) => {
            for item in &s {
                match item {
                    serde_yaml::Value::Mapping(m) => {
                        for (k, v) in m {
                            put(scalar_text(k), to_value(v));
                        }
                    }
                    serde_yaml::Value::Sequence(_) => {
                        return Err(
                            "a tag list holds names or `key: value` pairs, not lists".into()
                        );
                    }
                    other => put(scalar_text(other), Value::Null),
                }
            }
        }
        Some(other) => put(scalar_text(&other), Value::Null),
    }
    Ok(out)
}

fn lets_of(m: Option<serde_yaml::Mapping>) -> Result<Vec<LetBinding>, String> {
    let mut out = Vec::new();
    for (k, v) in m.into_iter().flatten() {
        let name = scalar_text(&k);
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(format!(
                "invalid `let` name `{name}`, expected letters, digits and `_`"
            ));
        }
        let alts = match v {
            serde_yaml::Value::Sequence(s) => s,
            other => vec![other],
        };
        let mut sources = Vec::new();
        for alt in alts {
            let source = match alt {
                serde_yaml::Value::Mapping(_) => {
                    let a: LetAltSpec = serde_yaml::from_value(alt)
                        .map_err(|e| format!("in `let` `{name}`: {e}"))?;
                    match (a.value, a.resource, a.its) {
                        (Some(v), None, None) if a.args.is_none() => {
                            LetSource::Literal(to_value(&v))
                        }
                        (None, Some(r), Some(its)) => LetSource::Property {
                            resource: ResourceCall {
                                name: r.0,
                                args: args_of(a.args),
                                chain: vec![],
                            },
                            its: its.into_path(),
                        },
                        _ => {
                            return Err(format!(
                                "in `let` `{name}`: expected `value`, or `resource` with `its`"
                            ));
                        }
                    }
                }
                other => LetSource::Literal(to_value(&other)),
            };
            sources.push(source);
        }
        out.push(LetBinding { name, sources });
    }
    Ok(out)
}

fn convert(
    source: &SourceFile,
    rel_path: &str,
    spec: ControlSpec,
    line: usize,
    multi: bool,
) -> Result<Control, Diagnostic> {
    let id = spec_id(source, line);
    let e = |m: String| err_near(source, line, &m, &format!("control `{id}`: {m}"));
    let mut descriptions = Vec::new();
    if let Some(d) = &spec.desc {
        descriptions.push(Description {
            label: "default".into(),
            data: d.trim().to_owned(),
        });
    }
    for (k, v) in spec.descriptions.iter().flatten() {
        let label = scalar_text(k);
        let serde_yaml::Value::String(data) = v else {
            return Err(e(format!("description `{label}` must be text")));
        };
        if label == "default" && spec.desc.is_some() {
            return Err(e(
                "both `desc` and `descriptions.default` are set; keep one".into(),
            ));
        }
        descriptions.push(Description {
            label,
            data: data.trim().to_owned(),
        });
    }
    let desc = descriptions
        .iter()
        .find(|d| d.label == "default")
        .map(|d| d.data.clone());
    let tags = tags_of(spec.tags).map_err(e)?;
    let refs = spec
        .refs
        .into_iter()
        .flatten()
        .map(|r| match r {
            RefItem::Text(t) => Reference {
                r#ref: Some(t),
                url: None,
            },
            RefItem::Full(f) => Reference {
                r#ref: f.ref_,
                url: f.url.or(f.uri),
            },
        })
        .collect();
    let lets = lets_of(spec.lets).map_err(e)?;
    let mut only_if = Vec::new();
    for g in spec.only_if.map(|o| o.0).unwrap_or_default() {
        let subject =
            subject_of(g.resource, g.args, g.value).map_err(|m| e(format!("in `only_if`: {m}")))?;
        let tests = tests_of(g.tests, g.its, g.should, g.should_not)
            .map_err(|m| e(format!("in `only_if`: {m}")))?;
        if tests.is_empty() {
            return Err(e("`only_if` needs `should`/`should_not` or `tests`".into()));
        }
        only_if.push(Guard {
            message: g.message,
            impact: g.impact.map(|i| i.0),
            condition: Describe { subject, tests },
        });
    }
    let mut checks = Vec::new();
    for d in spec.describe {
        checks.push(describe_of(d).map_err(e)?);
    }
    if checks.is_empty() {
        return Err(e(
            "`describe` is empty; a control without checks can only pass vacuously".into(),
        ));
    }
    let code = if multi {
        control_text(source, line)
    } else {
        source.text().to_owned()
    };
    let control = Control {
        id: spec.id,
        title: spec.title.map(|t| t.trim().to_owned()),
        desc,
        descriptions,
        impact: spec.impact.map(|i| i.0),
        tags,
        refs,
        source_location: SourceLocation {
            r#ref: rel_path.to_owned(),
            line,
        },
        code,
        remediation: spec.remediation.map(|r| Remediation {
            file: r.file,
            audit_rules: r.audit_rules,
        }),
        body: ControlBody::Declarative {
            lets,
            only_if,
            checks,
        },
    };
    check_references(source, &control, line)?;
    Ok(control)
}

/// Points at the first key the message names (`` `should_not` ``), after the control's line;
/// else at the control's `id` line.
fn err_near(source: &SourceFile, line: usize, hint: &str, message: &str) -> Diagnostic {
    let from = source.line_start(line.saturating_sub(1)).unwrap_or(0);
    let keys: Vec<&str> = hint.split('`').skip(1).step_by(2).collect();
    for key in keys.iter().rev() {
        let needle = format!("{key}:");
        if let Some(i) = source.text()[from..].find(&needle) {
            let start = from + i;
            return Diagnostic::new(source, Span::new(start, start + key.len()), message);
        }
    }
    err_at(source, line, message)
}

fn spec_id(source: &SourceFile, line: usize) -> String {
    let l = source.line_text(line.saturating_sub(1));
    l.trim()
        .trim_start_matches('-')
        .trim()
        .trim_start_matches("id:")
        .trim()
        .trim_matches(['"', '\''])
        .to_owned()
}

/// The lines of one control in a multi-control file: from its `id` line to the next item.
fn control_text(source: &SourceFile, line: usize) -> String {
    let first = line.saturating_sub(1);
    let indent = source
        .line_text(first)
        .find(|c: char| c != ' ' && c != '-')
        .unwrap_or(0);
    let mut out = vec![source.line_text(first).to_owned()];
    for l in first + 1..source.line_count() {
        let text = source.line_text(l);
        let lead = text.len() - text.trim_start().len();
        if !text.trim().is_empty() && lead < indent {
            break;
        }
        out.push(text.to_owned());
    }
    out.join("\n").trim_end().to_owned()
}

/// Every `${name}` must be well formed; names are checked against inputs and lets later.
fn check_references(source: &SourceFile, control: &Control, line: usize) -> Result<(), Diagnostic> {
    let text = &control.code;
    let base = if control.code.len() == source.text().len() {
        0
    } else {
        source.line_start(line - 1).unwrap_or(0)
    };
    let mut rest = text.as_str();
    let mut consumed = 0;
    while let Some(i) = rest.find("${") {
        let after = &rest[i + 2..];
        let end = after.find('}');
        let ok = end.is_some_and(|e| {
            !after[..e].is_empty()
                && after[..e]
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_')
        });
        if !ok {
            let start = base + consumed + i;
            return Err(Diagnostic::new(
                source,
                Span::new(start, start + 2),
                "malformed reference, expected `${name}` with letters, digits and `_`",
            ));
        }
        let step = i + 2 + end.unwrap_or(0) + 1;
        consumed += step;
        rest = &rest[step..];
    }
    Ok(())
}
