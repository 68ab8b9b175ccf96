//! The checks inside a control: `describe` blocks with their expectations, `skip`s,
//! `describe.one` groups, `only_if` guards and `let` bindings.
//!
//! Strings in arguments and expected values may hold `${name}` references to inputs and `let`
//! bindings; the executor substitutes them.

use crate::value::Value;

/// A resource with its arguments: `file('/etc/docker')`, `auditd(source: 'both')`.
#[derive(Debug, Clone, PartialEq)]
pub struct ResourceCall {
    /// Resource name as InSpec spells it.
    pub name: String,
    /// Arguments; keyword arguments arrive as one trailing `Value::Map`.
    pub args: Vec<Value>,
    /// Methods called on it before it is described, in order (`auditd.file('/x')` is
    /// `auditd` with `[("file", ["/x"])]`); each must give a resource.
    pub chain: Vec<(String, Vec<Value>)>,
}

/// What a `describe` is about.
#[derive(Debug, Clone, PartialEq)]
pub enum Subject {
    /// A resource.
    Resource(ResourceCall),
    /// A plain value (`describe 'x'`, `describe command('x').stdout`).
    Value(Value),
}

/// `its('a.b')` or `its(['a', 'b'])`.
#[derive(Debug, Clone, PartialEq)]
pub enum ItsPath {
    /// A dotted path: each segment is a property of the previous one.
    Dotted(String),
    /// An array path: keys into nested maps.
    Keys(Vec<String>),
}

impl ItsPath {
    /// How the path appears in a `code_desc`.
    pub fn describe(&self) -> String {
        match self {
            ItsPath::Dotted(s) => s.clone(),
            ItsPath::Keys(k) => {
                Value::Array(k.iter().map(|s| Value::from(s.as_str())).collect()).inspect()
            }
        }
    }
}

/// Comparison operators for `cmp` and `be`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `=~`
    Match,
}

impl CmpOp {
    /// Parses `==`, `!=`, `<`, `<=`, `>`, `>=`, `=~`.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "==" => Self::Eq,
            "!=" => Self::Ne,
            "<" => Self::Lt,
            "<=" => Self::Le,
            ">" => Self::Gt,
            ">=" => Self::Ge,
            "=~" => Self::Match,
            _ => return None,
        })
    }

    /// The operator's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Eq => "==",
            Self::Ne => "!=",
            Self::Lt => "<",
            Self::Le => "<=",
            Self::Gt => ">",
            Self::Ge => ">=",
            Self::Match => "=~",
        }
    }
}

/// A matcher with its arguments: `include('x')`, `cmp >= '17.06'`, `be_readable.by('owner')`.
#[derive(Debug, Clone, PartialEq)]
pub struct Matcher {
    /// Name as InSpec spells it.
    pub name: String,
    /// Operator form (`cmp >= x`, `be <= 60`).
    pub op: Option<CmpOp>,
    /// Arguments.
    pub args: Vec<Value>,
    /// Chained calls (`.by('owner')`).
    pub chain: Vec<(String, Vec<Value>)>,
}

/// `it { should … }` / `its('x') { should_not … }`.
#[derive(Debug, Clone, PartialEq)]
pub struct Expectation {
    /// The property path, if `its`.
    pub its: Option<ItsPath>,
    /// `should_not`.
    pub negated: bool,
    /// The matcher.
    pub matcher: Matcher,
}

/// A `describe` block.
#[derive(Debug, Clone, PartialEq)]
pub struct Describe {
    /// What it is about.
    pub subject: Subject,
    /// Its expectations, in order.
    pub tests: Vec<Expectation>,
}

/// One check of a control.
#[derive(Debug, Clone, PartialEq)]
pub enum Check {
    /// `describe … end`.
    Describe(Describe),
    /// `describe 'label' do skip 'message' end`.
    Skip {
        /// The label (the result's `code_desc`).
        label: String,
        /// Why.
        message: String,
    },
    /// `describe.one`: passes when one inner describe passes fully.
    One(Vec<Describe>),
}

/// A condition for running the control: when its describe does not pass, the control is
/// skipped with `message`; `impact` then replaces the control's impact.
#[derive(Debug, Clone, PartialEq)]
pub struct Guard {
    /// Skip message.
    pub message: Option<String>,
    /// Impact when skipped (`0.0` marks not applicable).
    pub impact: Option<f64>,
    /// The condition: every expectation must pass.
    pub condition: Describe,
}

/// How a `let` value is computed.
#[derive(Debug, Clone, PartialEq)]
pub enum LetSource {
    /// A literal (may hold `${…}` references).
    Literal(Value),
    /// A resource property.
    Property {
        /// The resource.
        resource: ResourceCall,
        /// The property path.
        its: ItsPath,
    },
}

/// `name: first non-empty of [sources…]`.
#[derive(Debug, Clone, PartialEq)]
pub struct LetBinding {
    /// Name used as `${name}`.
    pub name: String,
    /// Alternatives, tried in order; the first that gives a non-empty value wins.
    pub sources: Vec<LetSource>,
}
