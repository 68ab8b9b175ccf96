//! The syntax tree of a control file: generic Ruby, not `InSpec`. `control 'x' do … end`,
//! `describe file('/x') do … end` and `it { should eq 1 }` are all [`Call`]s with a
//! [`Block`]; the evaluator gives them meaning. Every node carries the [`Span`] of its text.
//!
//! `Display` prints S-expressions, one line per program, for tests and debugging:
//! `(call control ("x") (block (call describe ((call file ("/etc"))) (block))))`.

use std::fmt;

use crate::source::Span;
use crate::value::{format_float, inspect_str};

/// A whole file: its top-level statements in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Program {
    /// The statements.
    pub items: Vec<Stmt>,
}

/// A statement with its span.
#[derive(Debug, Clone, PartialEq)]
pub struct Stmt {
    /// What it is.
    pub kind: StmtKind,
    /// Its text, modifiers included.
    pub span: Span,
}

/// The kinds of statement.
#[derive(Debug, Clone, PartialEq)]
pub enum StmtKind {
    /// An expression evaluated for its effect or value (most DSL lines are calls).
    Expr(Expr),
    /// `x = v`, `CONST = input('x')`, `x += 1`, `x ||= v`, `h[k] = v`, `o.attr = v`.
    Assign {
        /// What is assigned to.
        target: AssignTarget,
        /// `=` or a compound operator.
        op: AssignOp,
        /// The value.
        value: Expr,
    },
    /// `if`/`elsif`/`else`, `unless`/`else`, and the modifiers `stmt if cond` and
    /// `stmt unless cond`. An `elsif` is an `If` alone in `else_body`.
    If {
        /// The condition.
        condition: Expr,
        /// `unless`: the branches run when the condition is falsy.
        negated: bool,
        /// Runs when the condition holds (is falsy for `unless`).
        then_body: Vec<Stmt>,
        /// Runs otherwise; empty without `else`.
        else_body: Vec<Stmt>,
    },
    /// `next` or `next value`, inside a block.
    Next(Option<Expr>),
    /// `break` or `break value`, inside a block.
    Break(Option<Expr>),
    /// `return` or `return value`.
    Return(Option<Expr>),
}

/// The left side of an assignment.
#[derive(Debug, Clone, PartialEq)]
pub enum AssignTarget {
    /// A local variable; it is declared from this point on.
    Local {
        /// Its name.
        name: String,
        /// Where the name is.
        span: Span,
    },
    /// A constant, usually in a file prelude: `TRUSTED_USER = input('trusted_user')`.
    Constant {
        /// Its name.
        name: String,
        /// Where the name is.
        span: Span,
    },
    /// `receiver[args] = value`.
    Index {
        /// What is indexed.
        receiver: Expr,
        /// The index arguments.
        args: Vec<Expr>,
    },
    /// `receiver.name = value`.
    Attribute {
        /// The object.
        receiver: Expr,
        /// The attribute, without `=`.
        name: String,
    },
}

/// `=` or a compound assignment operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssignOp {
    /// `=`
    Assign,
    /// `+=`
    Add,
    /// `-=`
    Sub,
    /// `*=`
    Mul,
    /// `||=`: assign when the target is nil or false.
    Or,
    /// `&&=`
    And,
    /// `<<=`
    Shl,
}

impl AssignOp {
    /// Its spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            AssignOp::Assign => "=",
            AssignOp::Add => "+=",
            AssignOp::Sub => "-=",
            AssignOp::Mul => "*=",
            AssignOp::Or => "||=",
            AssignOp::And => "&&=",
            AssignOp::Shl => "<<=",
        }
    }
}

/// An expression with its span.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    /// What it is.
    pub kind: ExprKind,
    /// Its text.
    pub span: Span,
}

/// The kinds of expression.
#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    /// `nil`
    Nil,
    /// `true`
    True,
    /// `false`
    False,
    /// `self`
    SelfRef,
    /// An integer; `-1` is folded into the literal.
    Integer(i64),
    /// A float; `-0.5` is folded into the literal.
    Float(f64),
    /// A string without interpolation, escapes resolved: `'x'`, `"a\n"`, `%q(x)`; adjacent
    /// literals (`'a' 'b'`) are joined.
    String(String),
    /// A string with `#{…}`: literal text and the interpolated expressions, in order.
    Interpolated(Vec<StringPart>),
    /// `:name`, `:'quoted'`, and the keys of labels (`key:`, `'a-b':`).
    Symbol(String),
    /// `/re/flags` or `%r{re}flags`: the source as written (escapes kept), with
    /// interpolations.
    Regex {
        /// The source, in parts.
        parts: Vec<StringPart>,
        /// Flags after the closing delimiter (`i`, `m`, `x`).
        flags: String,
    },
    /// `[a, b]`, `%w[a b]` (strings), `%i[a b]` (symbols).
    Array(Vec<Expr>),
    /// `{ 'k' => v, k: v }`, and the trailing keyword arguments of a call (`ref 'x', url: u`
    /// has a `Hash` with `braces: false` as its last argument).
    Hash {
        /// Entries in order.
        entries: Vec<HashEntry>,
        /// Whether written with `{ }`.
        braces: bool,
    },
    /// A local variable or block parameter known at this point.
    Local(String),
    /// `NAME`, or `Scope::NAME` (`Gem::Version`).
    Constant {
        /// The scope before `::`, if any.
        scope: Option<Box<Expr>>,
        /// The name.
        name: String,
    },
    /// A method call: `control 'x' do … end`, `file('/etc')`, `x.stdout`, `os.linux?`, and
    /// a bare name that is not a local variable (`auditd`, `exist`).
    Call(Box<Call>),
    /// `receiver[args]`.
    Index {
        /// What is indexed.
        receiver: Box<Expr>,
        /// The arguments (`x[1]`, `x[1..-1]`, `params['k']`).
        args: Vec<Expr>,
    },
    /// A prefix operator.
    Unary {
        /// Which.
        op: UnaryOp,
        /// Its operand.
        operand: Box<Expr>,
    },
    /// An infix operator; `cmp >= '17.06'` is `(>= (call cmp) "17.06")`.
    Binary {
        /// Which.
        op: BinaryOp,
        /// Left operand.
        lhs: Box<Expr>,
        /// Right operand.
        rhs: Box<Expr>,
    },
    /// `condition ? then_value : else_value`.
    Ternary {
        /// The condition.
        condition: Box<Expr>,
        /// Value when it holds.
        then_value: Box<Expr>,
        /// Value otherwise.
        else_value: Box<Expr>,
    },
    /// `a..b` or `a...b`.
    Range {
        /// Start.
        start: Box<Expr>,
        /// End.
        end: Box<Expr>,
        /// `...`: the end is excluded.
        exclusive: bool,
    },
    /// `*list` in arguments or arrays.
    Splat(Box<Expr>),
    /// `&:sym` or `&blk` as the last argument.
    BlockPass(Box<Expr>),
    /// Parenthesised statements that are not a single expression: `(a; b)`, `(x = 1)`.
    Group(Vec<Stmt>),
    /// Ruby outside the subset, skipped over as a whole (`def … end`, `case … end`,
    /// `begin … rescue … end`, heredocs, lambdas, multiple assignment, instance variables,
    /// `while` loops). Evaluating it is an error that fails only the enclosing control.
    Unsupported {
        /// What it is, for the message: `def`, `case`, `heredoc`, …
        construct: String,
    },
}

/// A method call.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    /// The object before `.` or `&.`; `None` for a call on `self` (`describe`, `file`).
    pub receiver: Option<Expr>,
    /// `&.`: nil when the receiver is nil.
    pub safe_navigation: bool,
    /// The method name, with any `?`/`!` suffix.
    pub name: String,
    /// Where the name is.
    pub name_span: Span,
    /// Positional arguments, then keyword arguments as one trailing brace-less `Hash`.
    pub args: Vec<Expr>,
    /// Whether the arguments were in parentheses.
    pub parens: bool,
    /// A `do … end` or `{ … }` block.
    pub block: Option<Block>,
}

/// A block: `do |a, b| … end` or `{ |x| … }`.
#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    /// Its parameters.
    pub params: Vec<Param>,
    /// Its statements.
    pub body: Vec<Stmt>,
    /// From `do`/`{` to `end`/`}`.
    pub span: Span,
}

/// A block parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    /// Its name.
    pub name: String,
    /// Where it is.
    pub span: Span,
}

/// A `key => value` or `key: value` pair; a label's key is a [`ExprKind::Symbol`].
#[derive(Debug, Clone, PartialEq)]
pub struct HashEntry {
    /// The key.
    pub key: Expr,
    /// The value.
    pub value: Expr,
}

/// A piece of an interpolated string or regex.
#[derive(Debug, Clone, PartialEq)]
pub enum StringPart {
    /// Text (escapes resolved in strings, kept as written in regexes).
    Literal(String),
    /// `#{expr}`; several statements become a [`ExprKind::Group`], none `nil`.
    Interpolation(Expr),
}

/// Prefix operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnaryOp {
    /// `!x` and `not x`.
    Not,
    /// `-x`
    Neg,
    /// `+x`
    Pos,
    /// `~x`
    BitNot,
}

impl UnaryOp {
    /// Its spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            UnaryOp::Not => "!",
            UnaryOp::Neg => "-",
            UnaryOp::Pos => "+",
            UnaryOp::BitNot => "~",
        }
    }
}

/// Infix operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinaryOp {
    /// `&&` and `and`.
    And,
    /// `||` and `or`.
    Or,
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `===`
    CaseEq,
    /// `<=>`
    Cmp,
    /// `=~`
    Match,
    /// `!~`
    NotMatch,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `|`
    BitOr,
    /// `^`
    BitXor,
    /// `&`
    BitAnd,
    /// `<<` (also array append)
    Shl,
    /// `>>`
    Shr,
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
    /// `%`
    Mod,
    /// `**`
    Pow,
}

impl BinaryOp {
    /// Its spelling (`and` prints as `&&`, `or` as `||`).
    pub fn as_str(self) -> &'static str {
        match self {
            BinaryOp::And => "&&",
            BinaryOp::Or => "||",
            BinaryOp::Eq => "==",
            BinaryOp::Ne => "!=",
            BinaryOp::CaseEq => "===",
            BinaryOp::Cmp => "<=>",
            BinaryOp::Match => "=~",
            BinaryOp::NotMatch => "!~",
            BinaryOp::Lt => "<",
            BinaryOp::Le => "<=",
            BinaryOp::Gt => ">",
            BinaryOp::Ge => ">=",
            BinaryOp::BitOr => "|",
            BinaryOp::BitXor => "^",
            BinaryOp::BitAnd => "&",
            BinaryOp::Shl => "<<",
            BinaryOp::Shr => ">>",
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
            BinaryOp::Mod => "%",
            BinaryOp::Pow => "**",
        }
    }
}

impl Expr {
    /// An expression of `kind` at `span`.
    pub fn new(kind: ExprKind, span: Span) -> Self {
        Self { kind, span }
    }

    /// The call inside, if this is a call.
    pub fn as_call(&self) -> Option<&Call> {
        match &self.kind {
            ExprKind::Call(call) => Some(call),
            _ => None,
        }
    }
}

// S-expressions.

impl fmt::Display for Program {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_list(f, &self.items, " ")
    }
}

fn write_list<T: fmt::Display>(f: &mut fmt::Formatter<'_>, items: &[T], sep: &str) -> fmt::Result {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            f.write_str(sep)?;
        }
        write!(f, "{item}")?;
    }
    Ok(())
}

fn write_body(f: &mut fmt::Formatter<'_>, body: &[Stmt]) -> fmt::Result {
    for stmt in body {
        write!(f, " {stmt}")?;
    }
    Ok(())
}

fn write_value(f: &mut fmt::Formatter<'_>, name: &str, value: Option<&Expr>) -> fmt::Result {
    match value {
        Some(v) => write!(f, "({name} {v})"),
        None => write!(f, "({name})"),
    }
}

impl fmt::Display for Stmt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            StmtKind::Expr(e) => write!(f, "{e}"),
            StmtKind::Assign { target, op, value } => {
                write!(f, "({} {target} {value})", op.as_str())
            }
            StmtKind::If {
                condition,
                negated,
                then_body,
                else_body,
            } => {
                let name = if *negated { "unless" } else { "if" };
                write!(f, "({name} {condition} (then")?;
                write_body(f, then_body)?;
                f.write_str(")")?;
                if !else_body.is_empty() {
                    f.write_str(" (else")?;
                    write_body(f, else_body)?;
                    f.write_str(")")?;
                }
                f.write_str(")")
            }
            StmtKind::Next(v) => write_value(f, "next", v.as_ref()),
            StmtKind::Break(v) => write_value(f, "break", v.as_ref()),
            StmtKind::Return(v) => write_value(f, "return", v.as_ref()),
        }
    }
}

impl fmt::Display for AssignTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AssignTarget::Local { name, .. } | AssignTarget::Constant { name, .. } => {
                f.write_str(name)
            }
            AssignTarget::Index { receiver, args } => {
                write!(f, "(index {receiver}")?;
                write_body_exprs(f, args)?;
                f.write_str(")")
            }
            AssignTarget::Attribute { receiver, name } => write!(f, "(. {receiver} {name})"),
        }
    }
}

fn write_body_exprs(f: &mut fmt::Formatter<'_>, items: &[Expr]) -> fmt::Result {
    for item in items {
        write!(f, " {item}")?;
    }
    Ok(())
}

fn write_parts(f: &mut fmt::Formatter<'_>, parts: &[StringPart]) -> fmt::Result {
    for part in parts {
        match part {
            StringPart::Literal(s) => write!(f, " {}", inspect_str(s))?,
            StringPart::Interpolation(e) => write!(f, " {e}")?,
        }
    }
    Ok(())
}

fn is_plain_symbol(name: &str) -> bool {
    let body = name.strip_suffix(['?', '!', '=']).unwrap_or(name);
    !body.is_empty()
        && !body.starts_with(|c: char| c.is_ascii_digit())
        && body.chars().all(|c| c == '_' || c.is_alphanumeric())
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ExprKind::Nil => f.write_str("nil"),
            ExprKind::True => f.write_str("true"),
            ExprKind::False => f.write_str("false"),
            ExprKind::SelfRef => f.write_str("self"),
            ExprKind::Integer(i) => write!(f, "{i}"),
            ExprKind::Float(x) => f.write_str(&format_float(*x)),
            ExprKind::String(s) => f.write_str(&inspect_str(s)),
            ExprKind::Interpolated(parts) => {
                f.write_str("(dstr")?;
                write_parts(f, parts)?;
                f.write_str(")")
            }
            ExprKind::Symbol(s) if is_plain_symbol(s) => write!(f, ":{s}"),
            ExprKind::Symbol(s) => write!(f, ":{}", inspect_str(s)),
            ExprKind::Regex { parts, flags } => match parts.as_slice() {
                [] => write!(f, "//{flags}"),
                [StringPart::Literal(s)] => write!(f, "/{s}/{flags}"),
                _ => {
                    f.write_str("(dregex")?;
                    write_parts(f, parts)?;
                    write!(f, " /{flags})")
                }
            },
            ExprKind::Array(items) => {
                f.write_str("(array")?;
                write_body_exprs(f, items)?;
                f.write_str(")")
            }
            ExprKind::Hash { entries, .. } => {
                f.write_str("(hash")?;
                for HashEntry { key, value } in entries {
                    write!(f, " ({key} {value})")?;
                }
                f.write_str(")")
            }
            ExprKind::Local(name) => f.write_str(name),
            ExprKind::Constant { scope, name } => match scope {
                Some(scope) => write!(f, "{scope}::{name}"),
                None => f.write_str(name),
            },
            ExprKind::Call(call) => write!(f, "{call}"),
            ExprKind::Index { receiver, args } => {
                write!(f, "(index {receiver}")?;
                write_body_exprs(f, args)?;
                f.write_str(")")
            }
            ExprKind::Unary { op, operand } => write!(f, "({} {operand})", op.as_str()),
            ExprKind::Binary { op, lhs, rhs } => write!(f, "({} {lhs} {rhs})", op.as_str()),
            ExprKind::Ternary {
                condition,
                then_value,
                else_value,
            } => write!(f, "(? {condition} {then_value} {else_value})"),
            ExprKind::Range {
                start,
                end,
                exclusive,
            } => {
                let op = if *exclusive { "..." } else { ".." };
                write!(f, "({op} {start} {end})")
            }
            ExprKind::Splat(e) => write!(f, "(* {e})"),
            ExprKind::BlockPass(e) => write!(f, "(& {e})"),
            ExprKind::Group(stmts) => {
                f.write_str("(group")?;
                write_body(f, stmts)?;
                f.write_str(")")
            }
            ExprKind::Unsupported { construct } => {
                write!(f, "(unsupported {})", inspect_str(construct))
            }
        }
    }
}

impl fmt::Display for Call {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.receiver {
            None => write!(f, "(call {}", self.name)?,
            Some(r) => {
                let dot = if self.safe_navigation { "&." } else { "." };
                write!(f, "({dot} {r} {}", self.name)?;
            }
        }
        if !self.args.is_empty() {
            f.write_str(" (")?;
            write_list(f, &self.args, " ")?;
            f.write_str(")")?;
        }
        if let Some(block) = &self.block {
            write!(f, " {block}")?;
        }
        f.write_str(")")
    }
}

impl fmt::Display for Block {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("(block")?;
        if !self.params.is_empty() {
            f.write_str(" (params")?;
            for p in &self.params {
                write!(f, " {}", p.name)?;
            }
            f.write_str(")")?;
        }
        write_body(f, &self.body)?;
        f.write_str(")")
    }
}
