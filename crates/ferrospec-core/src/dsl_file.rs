//! A parsed DSL control file and the static view of its controls: ids, and the metadata that is
//! written as literals (title, desc, impact, tags, refs), so that `--controls`, `--tags`,
//! `check` and `export` work without running anything. The bodies are evaluated when the
//! controls run (`ferrospec-resources`), which may refine the metadata (`impact 0.0` in an
//! `else` branch, for instance).

use std::sync::Arc;

use sha2::{Digest, Sha256};

use crate::diagnostic::Diagnostic;
use crate::dsl::ast::{Call, Expr, ExprKind, Program, StmtKind};
use crate::model::{
    Control, ControlBody, Description, Reference, SourceLocation, parse_impact_name,
};
use crate::source::SourceFile;
use crate::value::Value;

/// A parsed control file.
#[derive(Debug)]
pub struct DslFile {
    /// The source.
    pub source: SourceFile,
    /// Its syntax tree.
    pub program: Program,
    /// Path relative to the profile.
    pub rel_path: String,
}

/// The top-level call of a statement, if it is a plain call on `self`.
pub fn top_call(kind: &StmtKind) -> Option<&Call> {
    match kind {
        StmtKind::Expr(e) => e.as_call().filter(|c| c.receiver.is_none()),
        _ => None,
    }
}

/// A literal value (strings, numbers, symbols, arrays and hashes of literals), if the
/// expression is one.
pub fn literal(e: &Expr) -> Option<Value> {
    Some(match &e.kind {
        ExprKind::Nil => Value::Null,
        ExprKind::True => Value::Bool(true),
        ExprKind::False => Value::Bool(false),
        ExprKind::Integer(i) => Value::Int(*i),
        ExprKind::Float(f) => Value::Float(*f),
        ExprKind::String(s) => Value::String(s.clone()),
        ExprKind::Symbol(s) => Value::Symbol(s.clone()),
        ExprKind::Array(items) => Value::Array(items.iter().map(literal).collect::<Option<_>>()?),
        ExprKind::Hash { entries, .. } => Value::Map(
            entries
                .iter()
                .map(|en| Some((literal(&en.key)?.to_string(), literal(&en.value)?)))
                .collect::<Option<_>>()?,
        ),
        _ => return None,
    })
}

/// Removes the smallest common indentation and surrounding blank space, as InSpec does with
/// `desc` text.
pub fn unindent(text: &str) -> String {
    let indent = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    text.lines()
        .map(|l| {
            if l.len() >= indent {
                &l[indent..]
            } else {
                l.trim_start()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_owned()
}

/// Applies one metadata call (`title`, `desc`, `impact`, `tag`, `ref`) with evaluated arguments
/// to a control; returns false when the call is not metadata or its arguments do not fit.
pub fn apply_metadata(control: &mut Control, name: &str, args: &[Value]) -> bool {
    match (name, args) {
        ("title", [Value::String(t)]) => control.title = Some(t.trim().to_owned()),
        ("desc", [Value::String(t)]) => set_description(control, "default", t),
        ("desc", [label, Value::String(t)]) if label.as_str().is_some() => {
            set_description(control, label.as_str().unwrap_or_default(), t);
        }
        ("impact", [Value::Float(f)]) => control.impact = Some(*f),
        #[allow(clippy::cast_precision_loss)]
        ("impact", [Value::Int(i)]) => control.impact = Some(*i as f64),
        ("impact", [Value::String(s) | Value::Symbol(s)]) => {
            match parse_impact_name(s).or_else(|| s.parse().ok()) {
                Some(i) => control.impact = Some(i),
                None => return false,
            }
        }
        ("tag", args) => {
            for a in args {
                match a {
                    Value::Map(m) => {
                        for (k, v) in m {
                            put_tag(control, k, v.clone());
                        }
                    }
                    Value::Array(items) => {
                        for i in items {
                            put_tag(control, &i.to_string(), Value::Null);
                        }
                    }
                    other => put_tag(control, &other.to_string(), Value::Null),
                }
            }
        }
        ("ref", args) if !args.is_empty() => {
            let mut r = Reference::default();
            for a in args {
                match a {
                    Value::Map(m) => {
                        for (k, v) in m {
                            if k == "url" || k == "uri" {
                                r.url = Some(v.to_string());
                            } else if k == "ref" {
                                r.r#ref = Some(v.to_string());
                            }
                        }
                    }
                    other => r.r#ref = Some(other.to_string()),
                }
            }
            control.refs.push(r);
        }
        _ => return false,
    }
    true
}

fn set_description(control: &mut Control, label: &str, text: &str) {
    let data = unindent(text);
    if label == "default" {
        control.desc = Some(data.clone());
    }
    match control.descriptions.iter_mut().find(|d| d.label == label) {
        Some(d) => d.data = data,
        None => control.descriptions.push(Description {
            label: label.to_owned(),
            data,
        }),
    }
}

fn put_tag(control: &mut Control, key: &str, value: Value) {
    match control.tags.iter_mut().find(|(k, _)| k == key) {
        Some(slot) => slot.1 = value,
        None => control.tags.push((key.to_owned(), value)),
    }
}

/// The controls of a parsed file, with the metadata written as literals, and the file's title.
pub fn collect(file: &Arc<DslFile>) -> Result<(Option<String>, Vec<Control>), Diagnostic> {
    let mut controls = Vec::new();
    let mut title = None;
    for (index, stmt) in file.program.items.iter().enumerate() {
        let Some(call) = top_call(&stmt.kind) else {
            continue;
        };
        let line = file.source.position(stmt.span.start).line + 1;
        let code = file
            .source
            .text()
            .get(stmt.span.start..stmt.span.end)
            .unwrap_or_default()
            .to_owned();
        match call.name.as_str() {
            "title" => {
                if let Some(Value::String(t)) = call.args.first().and_then(literal) {
                    title = Some(t);
                }
            }
            "control" | "rule" => {
                let id = match call.args.first().map(|a| (a, literal(a))) {
                    Some((_, Some(Value::String(id)))) => id,
                    Some((a, _)) => {
                        return Err(Diagnostic::new(
                            &file.source,
                            a.span,
                            "a control id must be a literal string",
                        )
                        .with_label("write the id in quotes"));
                    }
                    None => {
                        return Err(Diagnostic::new(
                            &file.source,
                            call.name_span,
                            "`control` needs an id",
                        )
                        .with_label("expected `control 'id' do … end`"));
                    }
                };
                let Some(block) = &call.block else {
                    return Err(Diagnostic::new(
                        &file.source,
                        call.name_span,
                        format!("control `{id}` has no body"),
                    )
                    .with_label("expected `do … end`"));
                };
                let mut control = empty_control(id, file, index, line, code);
                for s in &block.body {
                    if let Some(c) = top_call(&s.kind)
                        && let Some(args) = c.args.iter().map(literal).collect::<Option<Vec<_>>>()
                    {
                        apply_metadata(&mut control, &c.name, &args);
                    }
                }
                controls.push(control);
            }
            "describe" => {
                let digest = Sha256::digest(code.as_bytes());
                let hex: String = digest.iter().take(16).fold(String::new(), |mut s, b| {
                    use std::fmt::Write as _;
                    let _ = write!(s, "{b:02x}");
                    s
                });
                let id = format!("(generated from {}:{line} {hex})", file.rel_path);
                controls.push(empty_control(id, file, index, line, code));
            }
            _ => {}
        }
    }
    Ok((title, controls))
}

fn empty_control(
    id: String,
    file: &Arc<DslFile>,
    index: usize,
    line: usize,
    code: String,
) -> Control {
    Control {
        id,
        title: None,
        desc: None,
        descriptions: vec![],
        impact: None,
        tags: vec![],
        refs: vec![],
        source_location: SourceLocation {
            r#ref: file.rel_path.clone(),
            line,
        },
        code,
        body: ControlBody::Dsl {
            file: Arc::clone(file),
            index,
        },
        remediation: None,
    }
}
