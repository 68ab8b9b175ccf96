//! Evaluates controls written in the InSpec DSL into the same checks YAML controls have, so one
//! executor runs both.
//!
//! A file's prelude (constants from inputs, locals, a file-level `only_if`) is evaluated once;
//! each control body is then evaluated on its own: metadata calls set the control's metadata,
//! `only_if` guards decide whether it is skipped, and every `describe` becomes a
//! [`Check`] whose subject and expected values are already evaluated. Guards and `if`
//! conditions read the host through resources as they are evaluated.
//!
//! Ruby outside the supported subset is an error for the control that holds it (InSpec's
//! "Control Source Code Error"), never for the whole run.

use std::collections::HashMap;

use ferrospec_core::Value;
use ferrospec_core::dsl::ast::{
    AssignOp, AssignTarget, BinaryOp, Block, Call, Expr, ExprKind, Stmt, StmtKind, StringPart,
    UnaryOp,
};
use ferrospec_core::dsl_file::{DslFile, apply_metadata, top_call};
use ferrospec_core::model::{
    Check, CmpOp, Control, Describe, Expectation, ItsPath, Matcher, ResourceCall, Subject,
};
use ferrospec_core::source::Span;

use crate::resource::{Ctx, Prop, RESOURCES, ResourceState, resource_type};

/// The deepest the evaluator recurses (calls within blocks within calls) before it gives up.
const MAX_DEPTH: usize = 200;
/// The most loop iterations one control may run.
const MAX_STEPS: usize = 100_000;

/// An evaluation error at a place in the file.
#[derive(Debug, Clone)]
pub(crate) struct EvalError {
    pub(crate) message: String,
    pub(crate) span: Span,
}

type Res<T> = Result<T, EvalError>;

fn err<T>(span: Span, message: impl Into<String>) -> Res<T> {
    Err(EvalError {
        message: message.into(),
        span,
    })
}

/// A runtime value.
#[derive(Debug, Clone)]
enum Rv {
    /// Plain data.
    V(Value),
    /// A resource, opened again whenever it is used.
    Res(ResourceCall),
}

impl Rv {
    fn truthy(&self) -> bool {
        match self {
            Rv::V(v) => v.truthy(),
            Rv::Res(_) => true,
        }
    }
}

/// What a file's prelude leaves for its controls.
#[derive(Debug, Clone, Default)]
pub(crate) struct FileEnv {
    vars: HashMap<String, Rv>,
    /// A file-level `only_if` that did not hold: its skip message.
    pub(crate) skip: Option<String>,
    /// A file-level `only_if` could not be evaluated: no control of the file can run.
    pub(crate) error: Option<EvalError>,
    /// Other prelude statements that could not be evaluated (a `def`, say); a control that
    /// then fails is told about them.
    pub(crate) skipped: Vec<EvalError>,
}

/// A control after evaluation.
pub(crate) struct Lowered {
    /// Metadata as evaluated (literal metadata included).
    pub(crate) control: Control,
    /// A guard that did not hold: message and impact.
    pub(crate) skip: Option<(String, Option<f64>)>,
    /// The checks, in order.
    pub(crate) checks: Vec<Check>,
}

/// One `describe` being collected.
struct DescribeFrame {
    subject: Subject,
    label: String,
    tests: Vec<Expectation>,
    skip: Option<String>,
}

struct Interp<'a, 'c> {
    ctx: &'a Ctx<'c>,
    inputs: &'a [(String, Value)],
    globals: HashMap<String, Rv>,
    scopes: Vec<HashMap<String, Rv>>,
    control: Option<Control>,
    skip: Option<(String, Option<f64>)>,
    checks: Vec<Check>,
    frames: Vec<DescribeFrame>,
    /// `describe.one` groups being collected.
    ones: Vec<Vec<Describe>>,
    depth: usize,
    steps: usize,
    /// Inside the prelude: a file-level `only_if` is being recorded.
    file_skip: Option<String>,
}

enum Flow {
    Normal(Rv),
    Next(Rv),
    Break(Rv),
}

/// Evaluates a file's prelude: every top-level statement but controls and bare describes.
pub(crate) fn eval_prelude(file: &DslFile, inputs: &[(String, Value)], ctx: &Ctx<'_>) -> FileEnv {
    let mut it = Interp::new(inputs, ctx, HashMap::new());
    let mut skipped = Vec::new();
    for stmt in &file.program.items {
        if top_call(&stmt.kind)
            .is_some_and(|c| matches!(c.name.as_str(), "control" | "rule" | "describe" | "title"))
        {
            continue;
        }
        if let Err(e) = it.stmt(stmt) {
            if top_call(&stmt.kind).is_some_and(|c| c.name == "only_if") {
                return FileEnv {
                    vars: it.globals,
                    skip: it.file_skip,
                    error: Some(e),
                    skipped,
                };
            }
            skipped.push(e);
        }
    }
    FileEnv {
        vars: it.globals,
        skip: it.file_skip,
        error: None,
        skipped,
    }
}

/// Evaluates one control (or bare top-level describe) of a file.
pub(crate) fn lower(
    file: &DslFile,
    index: usize,
    base: &Control,
    env: &FileEnv,
    inputs: &[(String, Value)],
    ctx: &Ctx<'_>,
) -> Res<Lowered> {
    let mut it = Interp::new(inputs, ctx, env.vars.clone());
    let mut control = base.clone();
    // Runtime metadata replaces what was read statically.
    control.title = None;
    control.desc = None;
    control.descriptions.clear();
    control.tags.clear();
    control.refs.clear();
    control.impact = None;
    it.control = Some(control);
    let Some(stmt) = file.program.items.get(index) else {
        return err(
            Span::default(),
            "internal error: the control's statement is missing",
        );
    };
    let Some(call) = top_call(&stmt.kind) else {
        return err(
            stmt.span,
            "internal error: the control's statement is not a call",
        );
    };
    if call.name == "describe" {
        it.call(call, stmt.span)?;
    } else {
        let Some(block) = &call.block else {
            return err(call.name_span, "a control needs a `do … end` body");
        };
        it.scopes.push(HashMap::new());
        it.body(&block.body)?;
    }
    let mut control = it.control.take().unwrap_or_else(|| base.clone());
    if call.name == "describe" {
        control.title = None;
    }
    Ok(Lowered {
        control,
        skip: it.skip,
        checks: it.checks,
    })
}

fn value_of(rv: Rv, span: Span, what: &str) -> Res<Value> {
    match rv {
        Rv::V(v) => Ok(v),
        Rv::Res(c) => err(
            span,
            format!("{what} must be a value, found the resource `{}`", c.name),
        ),
    }
}

fn num(v: &Value) -> Option<f64> {
    match v {
        #[allow(clippy::cast_precision_loss)]
        Value::Int(i) => Some(*i as f64),
        Value::Float(f) => Some(*f),
        _ => None,
    }
}

fn int_of(i: usize) -> Value {
    Value::Int(i64::try_from(i).unwrap_or(i64::MAX))
}

/// Ruby's `==` on plain values (1 == 1.0 holds; a symbol is not a string).
fn ruby_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Int(_) | Value::Float(_), Value::Int(_) | Value::Float(_)) => num(a) == num(b),
        _ => a == b,
    }
}

fn compare(a: &Value, b: &Value) -> Option<std::cmp::Ordering> {
    match (a, b) {
        (Value::String(x), Value::String(y)) => Some(x.cmp(y)),
        _ => num(a)?.partial_cmp(&num(b)?),
    }
}

fn regex(src: &str, span: Span) -> Res<regex::Regex> {
    regex::Regex::new(&format!("(?m){src}"))
        .or_else(|e| err(span, format!("invalid regular expression `/{src}/`: {e}")))
}

impl<'a, 'c> Interp<'a, 'c> {
    fn new(inputs: &'a [(String, Value)], ctx: &'a Ctx<'c>, globals: HashMap<String, Rv>) -> Self {
        Self {
            ctx,
            inputs,
            globals,
            scopes: vec![],
            control: None,
            skip: None,
            checks: vec![],
            frames: vec![],
            ones: vec![],
            depth: 0,
            steps: 0,
            file_skip: None,
        }
    }

    fn lookup(&self, name: &str) -> Option<&Rv> {
        self.scopes
            .iter()
            .rev()
            .find_map(|s| s.get(name))
            .or_else(|| self.globals.get(name))
    }

    fn set(&mut self, name: &str, v: Rv, constant: bool) {
        if constant {
            self.globals.insert(name.to_owned(), v);
            return;
        }
        for scope in self.scopes.iter_mut().rev() {
            if let Some(slot) = scope.get_mut(name) {
                *slot = v;
                return;
            }
        }
        match self.scopes.last_mut() {
            Some(scope) => {
                scope.insert(name.to_owned(), v);
            }
            None => {
                self.globals.insert(name.to_owned(), v);
            }
        }
    }

    fn body(&mut self, stmts: &[Stmt]) -> Res<Flow> {
        let mut last = Flow::Normal(Rv::V(Value::Null));
        for s in stmts {
            last = self.stmt(s)?;
            if !matches!(last, Flow::Normal(_)) {
                return Ok(last);
            }
        }
        Ok(last)
    }

    fn stmt(&mut self, stmt: &Stmt) -> Res<Flow> {
        match &stmt.kind {
            StmtKind::Expr(e) => Ok(Flow::Normal(self.expr(e)?)),
            StmtKind::Assign { target, op, value } => {
                let v = self.expr(value)?;
                match target {
                    AssignTarget::Local { name, span } | AssignTarget::Constant { name, span } => {
                        let constant = matches!(target, AssignTarget::Constant { .. });
                        let v = match op {
                            AssignOp::Assign => v,
                            AssignOp::Or => match self.lookup(name) {
                                Some(cur) if cur.truthy() => cur.clone(),
                                _ => v,
                            },
                            AssignOp::And => match self.lookup(name) {
                                Some(cur) if cur.truthy() => v,
                                Some(cur) => cur.clone(),
                                None => Rv::V(Value::Null),
                            },
                            other => {
                                let Some(cur) = self.lookup(name).cloned() else {
                                    return err(
                                        *span,
                                        format!("undefined local variable `{name}`"),
                                    );
                                };
                                let bop = match other {
                                    AssignOp::Add => BinaryOp::Add,
                                    AssignOp::Sub => BinaryOp::Sub,
                                    AssignOp::Mul => BinaryOp::Mul,
                                    _ => BinaryOp::Shl,
                                };
                                let a = value_of(cur, *span, "the left side")?;
                                let b = value_of(v, stmt.span, "the right side")?;
                                Rv::V(Self::arith(bop, &a, &b, stmt.span)?)
                            }
                        };
                        self.set(name, v, constant);
                        Ok(Flow::Normal(Rv::V(Value::Null)))
                    }
                    AssignTarget::Index { .. } | AssignTarget::Attribute { .. } => err(
                        stmt.span,
                        "unsupported construct `assignment to an index or attribute`",
                    ),
                }
            }
            StmtKind::If {
                condition,
                negated,
                then_body,
                else_body,
            } => {
                let c = self.expr(condition)?.truthy() != *negated;
                self.body(if c { then_body } else { else_body })
            }
            StmtKind::Next(v) => Ok(Flow::Next(match v {
                Some(e) => self.expr(e)?,
                None => Rv::V(Value::Null),
            })),
            StmtKind::Break(v) => Ok(Flow::Break(match v {
                Some(e) => self.expr(e)?,
                None => Rv::V(Value::Null),
            })),
            StmtKind::Return(_) => err(stmt.span, "unsupported construct `return`"),
        }
    }

    fn expr(&mut self, e: &Expr) -> Res<Rv> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            self.depth -= 1;
            return err(e.span, "the control nests too deeply to evaluate");
        }
        let out = self.expr_inner(e);
        self.depth -= 1;
        out
    }

    fn string_parts(&mut self, parts: &[StringPart], regex_source: bool) -> Res<String> {
        let mut s = String::new();
        for p in parts {
            match p {
                StringPart::Literal(t) => s.push_str(t),
                StringPart::Interpolation(e) => {
                    let v = self.expr(e)?;
                    let text = match v {
                        Rv::V(v) => v.to_string(),
                        Rv::Res(c) => self.open_to_s(&c, e.span)?,
                    };
                    if regex_source {
                        s.push_str(&regex::escape(&text));
                    } else {
                        s.push_str(&text);
                    }
                }
            }
        }
        Ok(s)
    }

    fn expr_inner(&mut self, e: &Expr) -> Res<Rv> {
        Ok(match &e.kind {
            ExprKind::Nil => Rv::V(Value::Null),
            ExprKind::True => Rv::V(Value::Bool(true)),
            ExprKind::False => Rv::V(Value::Bool(false)),
            ExprKind::SelfRef => return err(e.span, "unsupported construct `self`"),
            ExprKind::Integer(i) => Rv::V(Value::Int(*i)),
            ExprKind::Float(f) => Rv::V(Value::Float(*f)),
            ExprKind::String(s) => Rv::V(Value::String(s.clone())),
            ExprKind::Interpolated(parts) => Rv::V(Value::String(self.string_parts(parts, false)?)),
            ExprKind::Symbol(s) => Rv::V(Value::Symbol(s.clone())),
            ExprKind::Regex { parts, flags } => {
                let src = self.string_parts(parts, true)?;
                let prefix = if flags.contains('i') { "(?i)" } else { "" };
                Rv::V(Value::Regex(format!("{prefix}{src}")))
            }
            ExprKind::Array(items) => {
                let mut out = Vec::new();
                for i in items {
                    if let ExprKind::Splat(inner) = &i.kind {
                        match self.expr(inner)? {
                            Rv::V(Value::Array(a)) => out.extend(a),
                            other => out.push(value_of(other, i.span, "an array element")?),
                        }
                        continue;
                    }
                    let v = self.expr(i)?;
                    out.push(value_of(v, i.span, "an array element")?);
                }
                Rv::V(Value::Array(out))
            }
            ExprKind::Hash { entries, .. } => {
                let mut out = Vec::new();
                for en in entries {
                    let k = self.expr(&en.key)?;
                    let k = value_of(k, en.key.span, "a hash key")?.to_string();
                    let v = self.expr(&en.value)?;
                    out.push((k, value_of(v, en.value.span, "a hash value")?));
                }
                Rv::V(Value::Map(out))
            }
            ExprKind::Local(name) => match self.lookup(name) {
                Some(v) => v.clone(),
                None => return err(e.span, format!("undefined local variable `{name}`")),
            },
            ExprKind::Constant { scope, name } => {
                if scope.is_some() {
                    return err(
                        e.span,
                        format!("unsupported construct `constant path ::{name}`"),
                    );
                }
                match self.lookup(name) {
                    Some(v) => v.clone(),
                    None => return err(e.span, format!("uninitialized constant `{name}`")),
                }
            }
            ExprKind::Call(call) => self.call(call, e.span)?,
            ExprKind::Index { receiver, args } => self.index(receiver, args, e.span)?,
            ExprKind::Unary { op, operand } => {
                let v = self.expr(operand)?;
                match op {
                    UnaryOp::Not => Rv::V(Value::Bool(!v.truthy())),
                    UnaryOp::Neg => match value_of(v, e.span, "the operand of `-`")? {
                        Value::Int(i) => Rv::V(Value::Int(-i)),
                        Value::Float(f) => Rv::V(Value::Float(-f)),
                        other => {
                            return err(
                                e.span,
                                format!("undefined method `-@` for {}", other.inspect()),
                            );
                        }
                    },
                    UnaryOp::Pos => v,
                    UnaryOp::BitNot => return err(e.span, "unsupported construct `~`"),
                }
            }
            ExprKind::Binary { op, lhs, rhs } => self.binary(*op, lhs, rhs, e.span)?,
            ExprKind::Ternary {
                condition,
                then_value,
                else_value,
            } => {
                if self.expr(condition)?.truthy() {
                    self.expr(then_value)?
                } else {
                    self.expr(else_value)?
                }
            }
            ExprKind::Range { .. } => {
                return err(e.span, "a range is supported only as an index (`x[1..-1]`)");
            }
            ExprKind::Splat(_) | ExprKind::BlockPass(_) => {
                return err(e.span, "unsupported construct `splat or block argument`");
            }
            ExprKind::Group(stmts) => match self.body(stmts)? {
                Flow::Normal(v) | Flow::Next(v) | Flow::Break(v) => v,
            },
            ExprKind::Unsupported { construct } => {
                return err(e.span, format!("unsupported construct `{construct}`"));
            }
        })
    }

    fn binary(&mut self, op: BinaryOp, lhs: &Expr, rhs: &Expr, span: Span) -> Res<Rv> {
        match op {
            BinaryOp::And => {
                let a = self.expr(lhs)?;
                return if a.truthy() { self.expr(rhs) } else { Ok(a) };
            }
            BinaryOp::Or => {
                let a = self.expr(lhs)?;
                return if a.truthy() { Ok(a) } else { self.expr(rhs) };
            }
            _ => {}
        }
        let a = self.expr(lhs)?;
        let b = self.expr(rhs)?;
        let a = value_of(a, lhs.span, "the left operand")?;
        let b = value_of(b, rhs.span, "the right operand")?;
        let ord = || compare(&a, &b);
        let cmp_err = || EvalError {
            message: format!("comparison of {} with {} failed", a.inspect(), b.inspect()),
            span,
        };
        Ok(Rv::V(match op {
            BinaryOp::Eq => Value::Bool(ruby_eq(&a, &b)),
            BinaryOp::Ne => Value::Bool(!ruby_eq(&a, &b)),
            BinaryOp::Lt => Value::Bool(ord().ok_or_else(cmp_err)?.is_lt()),
            BinaryOp::Le => Value::Bool(ord().ok_or_else(cmp_err)?.is_le()),
            BinaryOp::Gt => Value::Bool(ord().ok_or_else(cmp_err)?.is_gt()),
            BinaryOp::Ge => Value::Bool(ord().ok_or_else(cmp_err)?.is_ge()),
            BinaryOp::Cmp => ord().map_or(Value::Null, |o| Value::Int(o as i64)),
            BinaryOp::Match | BinaryOp::NotMatch => {
                let (text, pattern) = match (&a, &b) {
                    (Value::Regex(r), other) | (other, Value::Regex(r)) => {
                        (other.to_string(), r.clone())
                    }
                    (t, Value::String(p)) => (t.to_string(), regex::escape(p)),
                    _ => return err(span, "`=~` needs a regular expression"),
                };
                if matches!(a, Value::Null) {
                    return Ok(Rv::V(if op == BinaryOp::Match {
                        Value::Null
                    } else {
                        Value::Bool(true)
                    }));
                }
                let found = regex(&pattern, span)?
                    .find(&text)
                    .map(|m| int_of(text[..m.start()].chars().count()));
                if op == BinaryOp::Match {
                    found.unwrap_or(Value::Null)
                } else {
                    Value::Bool(found.is_none())
                }
            }
            other => Self::arith(other, &a, &b, span)?,
        }))
    }

    fn arith(op: BinaryOp, a: &Value, b: &Value, span: Span) -> Res<Value> {
        let fail = || {
            err(
                span,
                format!(
                    "undefined operation {} {} {}",
                    a.inspect(),
                    op.as_str(),
                    b.inspect()
                ),
            )
        };
        Ok(match (op, a, b) {
            (BinaryOp::Add | BinaryOp::Shl, Value::String(x), Value::String(y)) => {
                Value::String(format!("{x}{y}"))
            }
            (BinaryOp::Add, Value::Array(x), Value::Array(y)) => {
                Value::Array(x.iter().chain(y).cloned().collect())
            }
            (BinaryOp::Sub, Value::Array(x), Value::Array(y)) => {
                Value::Array(x.iter().filter(|i| !y.contains(i)).cloned().collect())
            }
            (BinaryOp::Shl, Value::Array(x), y) => Value::Array(
                x.iter()
                    .cloned()
                    .chain(std::iter::once(y.clone()))
                    .collect(),
            ),
            (BinaryOp::Mul, Value::String(x), Value::Int(n)) if *n >= 0 => {
                Value::String(x.repeat(usize::try_from(*n).unwrap_or(0)))
            }
            (_, Value::Int(x), Value::Int(y)) => match op {
                BinaryOp::Add => Value::Int(x.wrapping_add(*y)),
                BinaryOp::Sub => Value::Int(x.wrapping_sub(*y)),
                BinaryOp::Mul => Value::Int(x.wrapping_mul(*y)),
                BinaryOp::Div if *y != 0 => Value::Int(x.div_euclid(*y)),
                BinaryOp::Mod if *y != 0 => Value::Int(x.rem_euclid(*y)),
                BinaryOp::Div | BinaryOp::Mod => return err(span, "divided by 0"),
                _ => return fail(),
            },
            (_, x, y) => match (num(x), num(y)) {
                (Some(x), Some(y)) => Value::Float(match op {
                    BinaryOp::Add => x + y,
                    BinaryOp::Sub => x - y,
                    BinaryOp::Mul => x * y,
                    BinaryOp::Div => x / y,
                    _ => return fail(),
                }),
                _ => return fail(),
            },
        })
    }

    fn index(&mut self, receiver: &Expr, args: &[Expr], span: Span) -> Res<Rv> {
        let recv = self.expr(receiver)?;
        let target = match recv {
            Rv::V(v) => v,
            Rv::Res(c) => match self.resource_call(&c, "params", &[], span)? {
                Rv::V(v) => v,
                Rv::Res(_) => return err(span, format!("`{}` cannot be indexed", c.name)),
            },
        };
        let [arg] = args else {
            return err(span, "unsupported construct `index with several arguments`");
        };
        if let ExprKind::Range {
            start,
            end,
            exclusive,
        } = &arg.kind
        {
            let s = value_of(self.expr(start)?, start.span, "a range start")?;
            let en = value_of(self.expr(end)?, end.span, "a range end")?;
            let (Value::Int(s), Value::Int(en)) = (s, en) else {
                return err(arg.span, "a range index needs integers");
            };
            let len = match &target {
                Value::Array(a) => a.len(),
                Value::String(t) => t.chars().count(),
                Value::Null => return Ok(Rv::V(Value::Null)),
                other => return err(span, format!("{} cannot be sliced", other.inspect())),
            };
            let len_i = i64::try_from(len).unwrap_or(i64::MAX);
            let fix = |i: i64| if i < 0 { len_i + i } else { i };
            let (from, mut to) = (fix(s), fix(en));
            if !*exclusive {
                to += 1;
            }
            if from < 0 || from > len_i {
                return Ok(Rv::V(Value::Null));
            }
            let (from, to) = (
                usize::try_from(from).unwrap_or(0),
                usize::try_from(to.clamp(from, len_i)).unwrap_or(0),
            );
            return Ok(Rv::V(match target {
                Value::Array(a) => Value::Array(a[from..to].to_vec()),
                Value::String(t) => Value::String(t.chars().skip(from).take(to - from).collect()),
                _ => Value::Null,
            }));
        }
        let key = value_of(self.expr(arg)?, arg.span, "an index")?;
        Ok(Rv::V(match (&target, &key) {
            (Value::Array(a), Value::Int(i)) => {
                let len = i64::try_from(a.len()).unwrap_or(i64::MAX);
                let i = if *i < 0 { len + i } else { *i };
                usize::try_from(i)
                    .ok()
                    .and_then(|i| a.get(i))
                    .cloned()
                    .unwrap_or(Value::Null)
            }
            (Value::String(s), Value::Int(i)) => usize::try_from(*i)
                .ok()
                .and_then(|i| s.chars().nth(i))
                .map_or(Value::Null, |c| Value::String(c.to_string())),
            (Value::Map(_), k) => target.get(&k.to_string()).cloned().unwrap_or(Value::Null),
            (Value::Null, _) => return err(span, "undefined method `[]` for nil"),
            (t, k) => {
                return err(
                    span,
                    format!("{} cannot be indexed with {}", t.inspect(), k.inspect()),
                );
            }
        }))
    }

    /// Evaluates arguments to plain values (keyword arguments arrive as one trailing map).
    fn args(&mut self, args: &[Expr]) -> Res<Vec<Value>> {
        let mut out = Vec::new();
        for a in args {
            let v = self.expr(a)?;
            out.push(match v {
                Rv::V(v) => v,
                Rv::Res(c) => Value::String(self.open_to_s(&c, a.span)?),
            });
        }
        Ok(out)
    }

    fn open(&self, c: &ResourceCall, span: Span) -> Res<Box<dyn crate::resource::Resource>> {
        let ty = resource_type(&c.name).ok_or_else(|| EvalError {
            message: format!("unknown resource `{}`", c.name),
            span,
        })?;
        let mut r = ty.open(&c.args, self.ctx).map_err(|e| EvalError {
            message: e.to_string(),
            span,
        })?;
        for (method, args) in &c.chain {
            r = match r.call_in(method, args, self.ctx).map_err(|e| EvalError {
                message: e.to_string(),
                span,
            })? {
                Prop::Resource(inner) => inner,
                Prop::Value(_) => {
                    return err(span, format!("`{method}` gives a value, not a resource"));
                }
            };
        }
        Ok(r)
    }

    fn open_to_s(&self, c: &ResourceCall, span: Span) -> Res<String> {
        Ok(self.open(c, span)?.to_s())
    }

    /// Calls a method of a resource: a value, or a narrower resource (a filtered table).
    fn resource_call(&self, c: &ResourceCall, method: &str, args: &[Value], span: Span) -> Res<Rv> {
        let r = self.open(c, span)?;
        match r.state() {
            ResourceState::Ok => {}
            ResourceState::Failed(m) | ResourceState::Skipped(m) => {
                return err(span, format!("{}: {m}", r.to_s()));
            }
        }
        match r.call_in(method, args, self.ctx).map_err(|e| EvalError {
            message: e.to_string(),
            span,
        })? {
            Prop::Value(v) => Ok(Rv::V(v)),
            Prop::Resource(_) => {
                let mut chained = c.clone();
                chained.chain.push((method.to_owned(), args.to_vec()));
                Ok(Rv::Res(chained))
            }
        }
    }

    fn call(&mut self, call: &Call, span: Span) -> Res<Rv> {
        self.steps += 1;
        if self.steps > MAX_STEPS {
            return err(
                span,
                "the control runs too many steps (a loop that does not end?)",
            );
        }
        if let Some(recv) = &call.receiver {
            // `describe.one do … end`
            if call.name == "one"
                && recv.as_call().is_some_and(|c| {
                    c.name == "describe" && c.receiver.is_none() && c.args.is_empty()
                })
            {
                return self.describe_one(call, span);
            }
            let r = self.expr(recv)?;
            return self.method(r, call, span);
        }
        let name = call.name.as_str();
        if call.args.is_empty()
            && call.block.is_none()
            && let Some(v) = self.lookup(name)
        {
            return Ok(v.clone());
        }
        match name {
            "title" | "desc" | "impact" | "tag" | "ref" | "descriptions"
                if self.frames.is_empty() =>
            {
                let args = self.args(&call.args)?;
                if self.control.is_none() {
                    // File-level `title` names the group; nothing to do at run time.
                    return Ok(Rv::V(Value::Null));
                }
                let control = self.control.as_mut().ok_or_else(|| EvalError {
                    message: "internal error".into(),
                    span,
                })?;
                if !apply_metadata(control, name, &args) {
                    return err(
                        span,
                        format!(
                            "invalid arguments for `{name}`: {}",
                            Value::Array(args).inspect()
                        ),
                    );
                }
                Ok(Rv::V(Value::Null))
            }
            "only_if" | "only_applicable_if" => self.only_if(call, span),
            "describe" => self.describe(call, span),
            "it" | "its" => self.it(call, span),
            "should" | "should_not" => err(
                span,
                format!("`{name}` belongs inside `it {{ … }}` or `its(…) {{ … }}`"),
            ),
            "skip" => {
                let args = self.args(&call.args)?;
                let message = args
                    .first()
                    .map_or_else(|| "skipped".to_owned(), ToString::to_string);
                match self.frames.last_mut() {
                    Some(f) => f.skip = Some(message),
                    None => return err(span, "`skip` belongs inside a `describe` block"),
                }
                Ok(Rv::V(Value::Null))
            }
            "input" | "attribute" => {
                let args = self.args(&call.args)?;
                let Some(Value::String(n) | Value::Symbol(n)) = args.first() else {
                    return err(span, format!("`{name}` needs an input name"));
                };
                let found = self
                    .inputs
                    .iter()
                    .find(|(k, _)| k == n)
                    .map(|(_, v)| v.clone());
                let default = args
                    .get(1)
                    .and_then(|o| o.get("value").or_else(|| o.get("default")).cloned());
                Ok(Rv::V(match (found, default) {
                    (Some(v), _) if v != Value::Null => v,
                    (_, Some(d)) => d,
                    (Some(v), None) => v,
                    (None, None) => {
                        return err(
                            span,
                            format!("input `{n}` is not defined in inspec.yml and has no `value:`"),
                        );
                    }
                }))
            }
            "expect" | "subject" | "let" | "before" | "after" | "include_controls"
            | "require_controls" | "skip_control" | "require_resource" | "puts" | "raise"
            | "lambda" | "proc" | "require" | "case" => {
                err(call.name_span, format!("unsupported construct `{name}`"))
            }
            _ if RESOURCES.iter().any(|r| r.name() == name) => {
                let args = self.args(&call.args)?;
                if call.block.is_some() {
                    return err(
                        span,
                        format!("unsupported construct `block given to the resource {name}`"),
                    );
                }
                Ok(Rv::Res(ResourceCall {
                    name: name.to_owned(),
                    args,
                    chain: vec![],
                }))
            }
            _ => err(call.name_span, format!("undefined method `{name}`")),
        }
    }

    fn block_value(&mut self, block: &Block, params: &[(String, Value)]) -> Res<Flow> {
        let mut scope = HashMap::new();
        for (n, v) in params {
            scope.insert(n.clone(), Rv::V(v.clone()));
        }
        self.scopes.push(scope);
        let out = self.body(&block.body);
        self.scopes.pop();
        out
    }

    fn only_if(&mut self, call: &Call, span: Span) -> Res<Rv> {
        let args = self.args(&call.args)?;
        let message = args.iter().find_map(|a| a.as_str().map(str::to_owned));
        let impact = args.iter().find_map(|a| a.get("impact")).and_then(num);
        let holds = match &call.block {
            Some(b) => match self.block_value(b, &[])? {
                Flow::Normal(v) | Flow::Next(v) | Flow::Break(v) => v.truthy(),
            },
            None => return err(span, "`only_if` needs a block: `only_if { condition }`"),
        };
        if holds {
            return Ok(Rv::V(Value::Null));
        }
        let text = message.map_or_else(
            || "Skipped control due to only_if condition.".to_owned(),
            |m| format!("Skipped control due to only_if condition: {m}"),
        );
        if self.control.is_none() {
            self.file_skip.get_or_insert(text);
        } else if self.skip.is_none() {
            self.skip = Some((text, impact));
        }
        Ok(Rv::V(Value::Null))
    }

    fn subject_label(&self, s: &Subject, span: Span) -> Res<String> {
        Ok(match s {
            Subject::Resource(c) => self.open_to_s(c, span)?,
            Subject::Value(Value::String(t)) => t.clone(),
            Subject::Value(v) => v.inspect(),
        })
    }

    fn describe(&mut self, call: &Call, span: Span) -> Res<Rv> {
        let args = call.args.first().ok_or_else(|| EvalError {
            message: "`describe` needs a subject".into(),
            span,
        })?;
        let subject = match self.expr(args)? {
            Rv::V(v) => Subject::Value(v),
            Rv::Res(c) => Subject::Resource(c),
        };
        let label = self.subject_label(&subject, args.span)?;
        let Some(block) = &call.block else {
            return err(span, "`describe` needs a block");
        };
        self.frames.push(DescribeFrame {
            subject,
            label,
            tests: vec![],
            skip: None,
        });
        let r = self.block_value(block, &[]);
        let frame = self.frames.pop().ok_or_else(|| EvalError {
            message: "internal error".into(),
            span,
        })?;
        r?;
        let check = match frame.skip {
            Some(message) => Check::Skip {
                label: frame.label,
                message,
            },
            None if frame.tests.is_empty() => {
                return err(span, "this `describe` has no `it` or `its` expectations");
            }
            None => Check::Describe(Describe {
                subject: frame.subject,
                tests: frame.tests,
            }),
        };
        match (self.ones.last_mut(), check) {
            (Some(group), Check::Describe(d)) => group.push(d),
            (Some(_), _) => return err(span, "a `skip` inside `describe.one` is not supported"),
            (None, check) => self.checks.push(check),
        }
        Ok(Rv::V(Value::Null))
    }

    fn describe_one(&mut self, call: &Call, span: Span) -> Res<Rv> {
        let Some(block) = &call.block else {
            return err(span, "`describe.one` needs a block");
        };
        self.ones.push(vec![]);
        let r = self.block_value(block, &[]);
        let group = self.ones.pop().unwrap_or_default();
        r?;
        if group.is_empty() {
            return err(span, "`describe.one` holds no `describe`");
        }
        self.checks.push(Check::One(group));
        Ok(Rv::V(Value::Null))
    }

    fn it(&mut self, call: &Call, span: Span) -> Res<Rv> {
        if self.frames.is_empty() {
            return err(
                span,
                format!("`{}` belongs inside a `describe` block", call.name),
            );
        }
        let its = if call.name == "its" {
            let args = self.args(&call.args)?;
            Some(match args.first() {
                Some(Value::String(s) | Value::Symbol(s)) => ItsPath::Dotted(s.clone()),
                Some(Value::Array(keys)) => {
                    ItsPath::Keys(keys.iter().map(ToString::to_string).collect())
                }
                _ => {
                    return err(
                        span,
                        "`its` needs a property name, a dotted path or an array of keys",
                    );
                }
            })
        } else {
            if !call.args.is_empty() {
                return err(
                    span,
                    "unsupported construct `it 'description' do … end` (RSpec examples with `expect`)",
                );
            }
            None
        };
        let Some(block) = &call.block else {
            return err(span, format!("`{}` needs a block with `should`", call.name));
        };
        for s in &block.body {
            // `should <= 5` parses as `(should) <= 5`: RSpec's operator matcher on the subject.
            if let StmtKind::Expr(Expr {
                kind: ExprKind::Binary { op, lhs, rhs },
                ..
            }) = &s.kind
                && let Some(should) = lhs.as_call().filter(|c| {
                    c.receiver.is_none()
                        && c.args.is_empty()
                        && (c.name == "should" || c.name == "should_not")
                })
            {
                let op = CmpOp::parse(op.as_str()).ok_or_else(|| EvalError {
                    message: format!("unsupported operator `{}` after `should`", op.as_str()),
                    span: s.span,
                })?;
                let v = self.expr(rhs)?;
                let matcher = Matcher {
                    name: "be".into(),
                    op: Some(op),
                    args: vec![value_of(v, rhs.span, "the expected value")?],
                    chain: vec![],
                };
                let frame = self.frames.last_mut().ok_or_else(|| EvalError {
                    message: "internal error".into(),
                    span,
                })?;
                frame.tests.push(Expectation {
                    its: its.clone(),
                    negated: should.name == "should_not",
                    matcher,
                });
                continue;
            }
            let Some(should) =
                top_call(&s.kind).filter(|c| c.name == "should" || c.name == "should_not")
            else {
                return err(s.span, "expected `should …` or `should_not …` here");
            };
            let [arg] = should.args.as_slice() else {
                return err(
                    should.name_span,
                    format!("`{}` takes one matcher", should.name),
                );
            };
            let matcher = self.matcher(arg)?;
            let frame = self.frames.last_mut().ok_or_else(|| EvalError {
                message: "internal error".into(),
                span,
            })?;
            frame.tests.push(Expectation {
                its: its.clone(),
                negated: should.name == "should_not",
                matcher,
            });
        }
        Ok(Rv::V(Value::Null))
    }

    fn matcher(&mut self, e: &Expr) -> Res<Matcher> {
        match &e.kind {
            ExprKind::Binary { op, lhs, rhs } => {
                let Some(c) = lhs.as_call().filter(|c| {
                    c.receiver.is_none() && c.args.is_empty() && (c.name == "cmp" || c.name == "be")
                }) else {
                    return err(
                        e.span,
                        "expected a matcher such as `cmp >= '1.0'` or `be <= 60`",
                    );
                };
                let op = CmpOp::parse(op.as_str()).ok_or_else(|| EvalError {
                    message: format!("unsupported operator `{}` in a matcher", op.as_str()),
                    span: e.span,
                })?;
                let v = self.expr(rhs)?;
                Ok(Matcher {
                    name: c.name.clone(),
                    op: Some(op),
                    args: vec![value_of(v, rhs.span, "the expected value")?],
                    chain: vec![],
                })
            }
            ExprKind::Call(c) => {
                if let Some(recv) = &c.receiver {
                    let mut m = self.matcher(recv)?;
                    let args = self.args(&c.args)?;
                    m.chain.push((c.name.clone(), args));
                    return Ok(m);
                }
                if !known_matcher(&c.name) {
                    return err(c.name_span, format!("undefined matcher `{}`", c.name));
                }
                let args = self.args(&c.args)?;
                Ok(Matcher {
                    name: c.name.clone(),
                    op: None,
                    args,
                    chain: vec![],
                })
            }
            ExprKind::Local(name) if known_matcher(name) => Ok(Matcher {
                name: name.clone(),
                op: None,
                args: vec![],
                chain: vec![],
            }),
            _ => err(
                e.span,
                "expected a matcher (`eq 'x'`, `include('x')`, `be_file`, …)",
            ),
        }
    }

    fn method(&mut self, recv: Rv, call: &Call, span: Span) -> Res<Rv> {
        let name = call.name.as_str();
        match recv {
            Rv::Res(c) => {
                if call.block.is_some() {
                    return err(
                        span,
                        format!("unsupported construct `block given to {name}`"),
                    );
                }
                let args = self.args(&call.args)?;
                self.resource_call(&c, name, &args, span)
            }
            Rv::V(v) => {
                if matches!(v, Value::Null) && call.safe_navigation {
                    return Ok(Rv::V(Value::Null));
                }
                if let Some(block) = &call.block {
                    return self.block_method(&v, call, block, span);
                }
                let args = self.args(&call.args)?;
                value_method(&v, name, &args, span).map(Rv::V)
            }
        }
    }

    fn block_method(&mut self, v: &Value, call: &Call, block: &Block, span: Span) -> Res<Rv> {
        let items: Vec<Value> = match v {
            Value::Array(a) => a.clone(),
            Value::Map(m) => m
                .iter()
                .map(|(k, v)| Value::Array(vec![Value::String(k.clone()), v.clone()]))
                .collect(),
            Value::Null => return err(span, format!("undefined method `{}` for nil", call.name)),
            other => {
                return err(
                    span,
                    format!("undefined method `{}` for {}", call.name, other.inspect()),
                );
            }
        };
        let name = call.name.as_str();
        let mut mapped = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let params: Vec<(String, Value)> = match (block.params.as_slice(), item, name) {
                ([a, b], _, "each_with_index") => {
                    vec![(a.name.clone(), item.clone()), (b.name.clone(), int_of(i))]
                }
                ([a, b], Value::Array(pair), _) if pair.len() == 2 => {
                    vec![
                        (a.name.clone(), pair[0].clone()),
                        (b.name.clone(), pair[1].clone()),
                    ]
                }
                ([a, ..], _, _) => vec![(a.name.clone(), item.clone())],
                ([], _, _) => vec![],
            };
            let flow = self.block_value(block, &params)?;
            let (value, stop) = match flow {
                Flow::Normal(v) | Flow::Next(v) => (v, false),
                Flow::Break(v) => (v, true),
            };
            mapped.push((item.clone(), value));
            if stop {
                break;
            }
        }
        let truth = |r: &Rv| r.truthy();
        Ok(Rv::V(match name {
            "each" | "each_with_index" => v.clone(),
            "map" | "collect" | "flat_map" => {
                let mut out = Vec::new();
                for (_, r) in mapped {
                    let val = value_of(r, span, "a value of `map`")?;
                    match (name, val) {
                        ("flat_map", Value::Array(a)) => out.extend(a),
                        (_, val) => out.push(val),
                    }
                }
                Value::Array(out)
            }
            "select" | "filter" => Value::Array(
                mapped
                    .into_iter()
                    .filter(|(_, r)| truth(r))
                    .map(|(i, _)| i)
                    .collect(),
            ),
            "reject" => Value::Array(
                mapped
                    .into_iter()
                    .filter(|(_, r)| !truth(r))
                    .map(|(i, _)| i)
                    .collect(),
            ),
            "any?" => Value::Bool(mapped.iter().any(|(_, r)| truth(r))),
            "all?" => Value::Bool(mapped.iter().all(|(_, r)| truth(r))),
            "none?" => Value::Bool(!mapped.iter().any(|(_, r)| truth(r))),
            "find" | "detect" => mapped
                .into_iter()
                .find(|(_, r)| truth(r))
                .map_or(Value::Null, |(i, _)| i),
            "count" => int_of(mapped.iter().filter(|(_, r)| truth(r)).count()),
            _ => {
                return err(
                    call.name_span,
                    format!("unsupported construct `{name} with a block`"),
                );
            }
        }))
    }
}

fn known_matcher(name: &str) -> bool {
    crate::matcher::GENERIC_MATCHERS.contains(&name)
        || RESOURCES.iter().any(|r| r.matchers().contains(&name))
        || name.starts_with("be_")
}

/// The Ruby core methods that profiles use on plain values.
fn value_method(v: &Value, name: &str, args: &[Value], span: Span) -> Res<Value> {
    let no = || {
        err(
            span,
            format!("undefined method `{name}` for {}", v.inspect()),
        )
    };
    let arg_str = || args.first().map(ToString::to_string).unwrap_or_default();
    Ok(match (name, v) {
        ("nil?", _) => Value::Bool(matches!(v, Value::Null)),
        ("to_s", _) => Value::String(v.to_string()),
        ("inspect", _) => Value::String(v.inspect()),
        ("==" | "eql?" | "equal?", _) => Value::Bool(args.first().is_some_and(|a| ruby_eq(v, a))),
        ("is_a?" | "kind_of?", _) => return err(span, "unsupported construct `is_a?`"),
        ("to_i", Value::String(s)) => {
            let t = s.trim_start();
            let end = t
                .char_indices()
                .find(|(i, c)| !(c.is_ascii_digit() || (*i == 0 && (*c == '-' || *c == '+'))))
                .map_or(t.len(), |(i, _)| i);
            Value::Int(t[..end].parse().unwrap_or(0))
        }
        ("to_i", Value::Int(i)) => Value::Int(*i),
        #[allow(clippy::cast_possible_truncation)]
        ("to_i", Value::Float(f)) => Value::Int(f.trunc() as i64),
        ("to_i", Value::Null) => Value::Int(0),
        ("to_f", _) => match v {
            Value::String(s) => Value::Float(s.trim().parse().unwrap_or(0.0)),
            other => Value::Float(num(other).unwrap_or(0.0)),
        },
        ("to_sym", Value::String(s)) => Value::Symbol(s.clone()),
        ("to_a", Value::Array(_)) => v.clone(),
        ("to_a", Value::Null) => Value::Array(vec![]),
        ("strip", Value::String(s)) => Value::String(s.trim().to_owned()),
        ("chomp", Value::String(s)) => Value::String(
            s.strip_suffix('\n')
                .map_or(s.as_str(), |t| t.strip_suffix('\r').unwrap_or(t))
                .to_owned(),
        ),
        ("downcase", Value::String(s)) => Value::String(s.to_lowercase()),
        ("upcase", Value::String(s)) => Value::String(s.to_uppercase()),
        ("lines", Value::String(s)) => {
            Value::Array(s.split_inclusive('\n').map(Value::from).collect())
        }
        ("split", Value::String(s)) => Value::Array(match args.first() {
            None => s.split_whitespace().map(Value::from).collect(),
            Some(Value::Regex(r)) => regex(r, span)?.split(s).map(Value::from).collect(),
            Some(sep) => {
                let sep = sep.to_string();
                let mut parts: Vec<Value> = s.split(sep.as_str()).map(Value::from).collect();
                while parts.last().is_some_and(|p| p.as_str() == Some("")) {
                    parts.pop();
                }
                parts
            }
        }),
        ("start_with?", Value::String(s)) => {
            Value::Bool(args.iter().any(|a| s.starts_with(&a.to_string())))
        }
        ("end_with?", Value::String(s)) => {
            Value::Bool(args.iter().any(|a| s.ends_with(&a.to_string())))
        }
        ("include?", Value::String(s)) => Value::Bool(s.contains(&arg_str())),
        ("include?", Value::Array(a)) => Value::Bool(
            args.first()
                .is_some_and(|x| a.iter().any(|i| ruby_eq(i, x))),
        ),
        ("include?" | "key?" | "has_key?", Value::Map(m)) => {
            Value::Bool(m.iter().any(|(k, _)| *k == arg_str()))
        }
        ("match?", Value::String(s)) => match args.first() {
            Some(Value::Regex(r)) => Value::Bool(regex(r, span)?.is_match(s)),
            Some(other) => {
                Value::Bool(regex(&regex::escape(&other.to_string()), span)?.is_match(s))
            }
            None => return no(),
        },
        ("sub" | "gsub", Value::String(s)) => {
            let (Some(pat), Some(rep)) = (args.first(), args.get(1)) else {
                return no();
            };
            let re = match pat {
                Value::Regex(r) => regex(r, span)?,
                other => regex(&regex::escape(&other.to_string()), span)?,
            };
            let rep = rep.to_string();
            Value::String(if name == "sub" {
                re.replacen(s, 1, regex::NoExpand(&rep)).into_owned()
            } else {
                re.replace_all(s, regex::NoExpand(&rep)).into_owned()
            })
        }
        ("empty?", Value::String(s)) => Value::Bool(s.is_empty()),
        ("empty?", Value::Array(a)) => Value::Bool(a.is_empty()),
        ("empty?", Value::Map(m)) => Value::Bool(m.is_empty()),
        ("length" | "size", Value::String(s)) => int_of(s.chars().count()),
        ("length" | "size" | "count", Value::Array(a)) => int_of(a.len()),
        ("length" | "size" | "count", Value::Map(m)) => int_of(m.len()),
        ("first", Value::Array(a)) => a.first().cloned().unwrap_or_default(),
        ("last", Value::Array(a)) => a.last().cloned().unwrap_or_default(),
        ("uniq", Value::Array(a)) => {
            let mut out: Vec<Value> = Vec::new();
            for x in a {
                if !out.contains(x) {
                    out.push(x.clone());
                }
            }
            Value::Array(out)
        }
        ("flatten", Value::Array(a)) => {
            fn flat(a: &[Value], out: &mut Vec<Value>) {
                for x in a {
                    match x {
                        Value::Array(i) => flat(i, out),
                        o => out.push(o.clone()),
                    }
                }
            }
            let mut out = Vec::new();
            flat(a, &mut out);
            Value::Array(out)
        }
        ("compact", Value::Array(a)) => Value::Array(
            a.iter()
                .filter(|x| !matches!(x, Value::Null))
                .cloned()
                .collect(),
        ),
        ("sort", Value::Array(a)) => {
            let mut out = a.clone();
            out.sort_by(|x, y| compare(x, y).unwrap_or(std::cmp::Ordering::Equal));
            Value::Array(out)
        }
        ("join", Value::Array(a)) => Value::String(
            a.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(&arg_str()),
        ),
        ("keys", Value::Map(m)) => {
            Value::Array(m.iter().map(|(k, _)| Value::String(k.clone())).collect())
        }
        ("values", Value::Map(m)) => Value::Array(m.iter().map(|(_, v)| v.clone()).collect()),
        ("merge", Value::Map(m)) => {
            let mut out = m.clone();
            if let Some(Value::Map(other)) = args.first() {
                for (k, v) in other {
                    match out.iter_mut().find(|(x, _)| x == k) {
                        Some(slot) => slot.1 = v.clone(),
                        None => out.push((k.clone(), v.clone())),
                    }
                }
            }
            Value::Map(out)
        }
        ("dig" | "fetch", Value::Map(_) | Value::Array(_)) => {
            let keys: Vec<String> = if name == "fetch" {
                args.iter().take(1).map(ToString::to_string).collect()
            } else {
                args.iter().map(ToString::to_string).collect()
            };
            let found = crate::matcher::dig(v, &keys);
            match (name, &found, args.get(1)) {
                ("fetch", Value::Null, Some(default)) => default.clone(),
                _ => found,
            }
        }
        ("zero?", _) => Value::Bool(num(v) == Some(0.0)),
        ("positive?", _) => Value::Bool(num(v).is_some_and(|n| n > 0.0)),
        ("negative?", _) => Value::Bool(num(v).is_some_and(|n| n < 0.0)),
        ("between?", _) => match (args.first(), args.get(1)) {
            (Some(lo), Some(hi)) => Value::Bool(
                compare(v, lo).is_some_and(std::cmp::Ordering::is_ge)
                    && compare(v, hi).is_some_and(std::cmp::Ordering::is_le),
            ),
            _ => return no(),
        },
        (_, Value::Map(m)) if args.is_empty() => match m.iter().find(|(k, _)| k == name) {
            Some((_, x)) => x.clone(),
            None => return no(),
        },
        _ => return no(),
    })
}
