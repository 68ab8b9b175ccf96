//! Matchers: RSpec's and InSpec's (`eq`, `cmp`, `include`, `match`, `exist`, `be_*`, …) with
//! InSpec's semantics and failure messages. A matcher reports whether the actual value
//! *matches*; the executor applies `should_not`.
//!
//! Ruby's object model is reproduced only as far as the matchers need it: `==` (numbers compare
//! across Integer and Float, hashes ignore key order), `<=>` (numbers, strings, symbols),
//! `=~`, `Gem::Version` ordering, `Float()` and `String#to_i(8)`. Where Ruby raises
//! `NoMethodError` or `ArgumentError` and the matcher rescues it (`cmp`, `be <op>`), the match
//! is simply false; where Ruby raises something the matcher does not rescue (`TypeError` from
//! `"a" =~ "b"`), the matcher returns [`ResourceError::BadArguments`].
//!
//! Regular expressions are Ruby's as far as the `regex` crate allows: `^`/`$` match at line
//! boundaries (Ruby's default), `\A`, `\z`, `\Z` and `\h` work; lookaround and backreferences
//! are rejected with [`ResourceError::BadArguments`].
//!
//! For a few matchers RSpec's `does_not_match?` is not the negation of `matches?` (`include`
//! on `nil`, `be_empty` on `nil`, `be <= 60` on a string, `be_in` with an Array subject):
//! both `should` and `should_not` fail. [`evaluate_negated`] answers for `should_not`.

// The docs name Ruby, RSpec and InSpec behaviour; those names are prose, not code.
#![allow(clippy::doc_markdown)]

use std::cmp::Ordering;
use std::sync::LazyLock;

use ferrospec_core::Value;
use ferrospec_core::model::{CmpOp, Matcher};
use ferrospec_core::value::format_float;
use regex::Regex;

use crate::resource::{Prop, Resource, ResourceError};

/// Matchers that work on any subject, sorted.
pub static GENERIC_MATCHERS: &[&str] = &[
    "be",
    "be_empty",
    "be_in",
    "be_nil",
    "cmp",
    "end_with",
    "eq",
    "eql",
    "equal",
    "exist",
    "include",
    "match",
    "start_with",
];

/// What a matcher found.
#[derive(Debug, Clone, PartialEq)]
pub struct MatchOutcome {
    /// Whether the actual value matches.
    pub matched: bool,
    /// How the matcher describes itself in a `code_desc` (`cmp == "0644"`, `include "x"`).
    pub description: String,
    /// The message when it should have matched and did not.
    pub failure: String,
    /// The message when it should not have matched and did.
    pub failure_negated: String,
}

/// The subject of an expectation.
pub enum Actual<'a> {
    /// A plain value.
    Value(&'a Value),
    /// A resource.
    Resource(&'a dyn Resource),
}

/// Evaluates a matcher against a subject, for `should`: `matched` tells whether it passes.
pub fn evaluate(m: &Matcher, actual: &Actual<'_>) -> Result<MatchOutcome, ResourceError> {
    judge(m, actual).map(Judgement::for_should)
}

/// Evaluates a matcher against a subject, for `should_not`: the expectation passes exactly
/// when `matched` is false.
///
/// This differs from [`evaluate`] only where RSpec's `does_not_match?` is not the negation of
/// `matches?`: `include` on a value without `include?` (nil, a number), `be_empty` on a value
/// without `empty?`, `be <op>` on values that cannot be compared, and `be_in` with an Array
/// subject that partly overlaps the list. There both `should` and `should_not` fail.
pub fn evaluate_negated(m: &Matcher, actual: &Actual<'_>) -> Result<MatchOutcome, ResourceError> {
    judge(m, actual).map(Judgement::for_should_not)
}

/// Digs into nested maps (and arrays, by index) along `keys`, like Ruby's `Hash#dig` for
/// `its(['a', 'b'])`; nil when a key is missing.
pub fn dig(value: &Value, keys: &[String]) -> Value {
    let mut current = value;
    for key in keys {
        let next = match current {
            Value::Map(_) => current.get(key),
            Value::Array(items) => key.parse::<usize>().ok().and_then(|i| items.get(i)),
            _ => None,
        };
        match next {
            Some(v) => current = v,
            None => return Value::Null,
        }
    }
    current.clone()
}

/// A matcher's verdict both ways, before the executor picks `should` or `should_not`.
struct Judgement {
    /// RSpec's `matches?`.
    matches: bool,
    /// RSpec's `does_not_match?`.
    does_not_match: bool,
    description: String,
    failure: String,
    failure_negated: String,
}

impl Judgement {
    /// A matcher whose `does_not_match?` is `!matches?`.
    fn plain(matches: bool, description: String, failure: String, negated: String) -> Self {
        Self {
            matches,
            does_not_match: !matches,
            description,
            failure,
            failure_negated: negated,
        }
    }

    fn for_should(self) -> MatchOutcome {
        MatchOutcome {
            matched: self.matches,
            description: self.description,
            failure: self.failure,
            failure_negated: self.failure_negated,
        }
    }

    fn for_should_not(self) -> MatchOutcome {
        MatchOutcome {
            matched: !self.does_not_match,
            description: self.description,
            failure: self.failure,
            failure_negated: self.failure_negated,
        }
    }
}

fn judge(m: &Matcher, actual: &Actual<'_>) -> Result<Judgement, ResourceError> {
    match actual {
        Actual::Value(v) => value_matcher(m, v),
        Actual::Resource(r) => resource_matcher(m, *r),
    }
}

fn value_matcher(m: &Matcher, v: &Value) -> Result<Judgement, ResourceError> {
    if let Some((chain, _)) = m.chain.first() {
        return Err(ResourceError::BadArguments(format!(
            "matcher `{}` does not take `.{chain}`",
            m.name
        )));
    }
    match m.name.as_str() {
        "cmp" => cmp(m.op.unwrap_or(CmpOp::Eq), v, one_arg(m)?),
        "eq" => Ok(eq(v, one_arg(m)?, "eq", "==", ruby_eq)),
        "eql" => Ok(eq(v, one_arg(m)?, "eql", "eql?", ruby_eql)),
        "equal" => Ok(equal(v, one_arg(m)?)),
        "be" => be(m, v),
        "include" => include(v, &m.args),
        "match" => match_regex(v, one_arg(m)?),
        "be_empty" => {
            no_args(m)?;
            Ok(be_empty(v))
        }
        "be_nil" => {
            no_args(m)?;
            Ok(be_nil(v))
        }
        "be_in" => be_in(v, one_arg(m)?),
        "start_with" => start_or_end_with(v, &m.args, true),
        "end_with" => start_or_end_with(v, &m.args, false),
        "exist" => {
            no_args(m)?;
            // Plain values have no `exist?`; RSpec would fail either way. Anything but nil
            // exists, which is what a profile author means by `its('x') { should exist }`.
            let matched = !matches!(v, Value::Null);
            Ok(Judgement::plain(
                matched,
                "exist".into(),
                format!("expected {} to exist", v.inspect()),
                format!("expected {} not to exist", v.inspect()),
            ))
        }
        other if other.starts_with("be_") => Err(ResourceError::BadArguments(format!(
            "matcher `{other}` needs a resource subject, but got the value {}",
            v.inspect()
        ))),
        other => Err(ResourceError::BadArguments(format!(
            "matcher `{other}` is not supported on plain values"
        ))),
    }
}

fn one_arg(m: &Matcher) -> Result<&Value, ResourceError> {
    match m.args.as_slice() {
        [v] => Ok(v),
        args => Err(ResourceError::BadArguments(format!(
            "matcher `{}` takes 1 argument, got {}",
            m.name,
            args.len()
        ))),
    }
}

fn no_args(m: &Matcher) -> Result<(), ResourceError> {
    if m.args.is_empty() {
        Ok(())
    } else {
        Err(ResourceError::BadArguments(format!(
            "matcher `{}` takes no arguments, got {}",
            m.name,
            m.args.len()
        )))
    }
}

// ---------------------------------------------------------------------------------------------
// cmp

/// InSpec's `cmp`: §3.1 of the semantics, rule by rule.
fn cmp(op: CmpOp, actual: &Value, expected: &Value) -> Result<Judgement, ResourceError> {
    // Unwrap a 1-element array unless an array is expected.
    let subject = match actual {
        Value::Array(items) if items.len() == 1 && !matches!(expected, Value::Array(_)) => {
            &items[0]
        }
        other => other,
    };
    // `NoMethodError`/`ArgumentError` (nil comparisons, String < Integer) are rescued: false.
    let matched = try_match(subject, op, expected)?.unwrap_or(false);
    let got = cmp_got(actual, expected);
    let message = |negate: bool| {
        let expectation = if op == CmpOp::Eq && !negate {
            format!("expected: {}", ruby_to_s(expected))
        } else {
            format!(
                "expected it {}to be {} {}",
                if negate { "not " } else { "" },
                op.as_str(),
                expected.inspect()
            )
        };
        format!("\n{expectation}\n     got: {got}\n\n(compared using `cmp` matcher)\n")
    };
    Ok(Judgement::plain(
        matched,
        format!("cmp {} {}", op.as_str(), expected.inspect()),
        message(false),
        message(true),
    ))
}

/// Ruby's outcome of an operator: `Ok(None)` when Ruby raised `NoMethodError` or
/// `ArgumentError`, which `cmp` and `be` rescue.
type Send = Result<Option<bool>, ResourceError>;

/// `try_match` of InSpec's `cmp`: the first applicable rule wins.
fn try_match(actual: &Value, op: CmpOp, expected: &Value) -> Send {
    match (actual, expected) {
        // 1. Both strings: `==` ignores (ASCII) case; other operators compare versions when
        //    both parse as `Gem::Version`, else fall back to plain string operators.
        (Value::String(a), Value::String(e)) => {
            if op == CmpOp::Eq {
                return Ok(Some(a.eq_ignore_ascii_case(e)));
            }
            if let (Some(va), Some(ve)) = (GemVersion::parse(a), GemVersion::parse(e)) {
                return Ok(ordering_op(op, va.cmp(&ve)));
            }
        }
        // 2. A regular expression against a String or Integer: `to_s =~ re`, whatever the
        //    operator (so `cmp != /x/` matches like `cmp /x/`, as in InSpec).
        (Value::String(_) | Value::Int(_), Value::Regex(re)) => {
            return Ok(Some(compile(re)?.is_match(&ruby_to_s(actual))));
        }
        // 3. An integer string against an Integer.
        (Value::Int(a), Value::String(e)) if is_integer_str(e) => {
            return Ok(int_str(e).and_then(|e| num_op(op, Num::Int(i128::from(*a)), Num::Int(e))));
        }
        // 4. "true"/"false" against a boolean.
        (Value::Bool(a), Value::String(e)) if is_boolean_str(e) => {
            let e = e.eq_ignore_ascii_case("true");
            return Ok(match op {
                CmpOp::Eq => Some(*a == e),
                CmpOp::Ne => Some(*a != e),
                _ => None,
            });
        }
        // 5. An Integer against an integer string.
        (Value::String(a), Value::Int(e)) if is_integer_str(a) => {
            return Ok(int_str(a).and_then(|a| num_op(op, Num::Int(a), Num::Int(i128::from(*e)))));
        }
        // 6. A Float against anything `Float()` accepts.
        (_, Value::Float(e)) if ruby_float(actual).is_some() => {
            let a = ruby_float(actual).unwrap_or(f64::NAN);
            return Ok(num_op(op, Num::Float(a), Num::Float(*e)));
        }
        // 7. A symbol against a string: retry with the symbol's name.
        (Value::Symbol(a), Value::String(_)) => {
            return try_match(&Value::String(a.clone()), op, expected);
        }
        // 8. An octal string ('0644') against an Integer (a mode).
        (Value::Int(a), Value::String(e)) if is_octal_str(e) => {
            return Ok(num_op(
                op,
                Num::Int(i128::from(*a)),
                Num::Int(ruby_to_i_radix(e, 8)),
            ));
        }
        _ => {}
    }
    // 9. Fallback: `actual.send(op, expected)`.
    ruby_send(actual, op, expected)
}

/// The `got:` line of `cmp`: `to_s`, or `0%o` when an octal string was expected.
fn cmp_got(actual: &Value, expected: &Value) -> String {
    if matches!(expected, Value::String(e) if is_octal_str(e)) {
        // Ruby's `"0%o" % actual`: an Integer, or a one-element array holding one (String#%
        // takes an array as its argument list), or a string `Integer()` accepts.
        let n = match actual {
            Value::Int(i) => Some(i128::from(*i)),
            Value::Array(items) if items.len() == 1 => match &items[0] {
                Value::Int(i) => Some(i128::from(*i)),
                _ => None,
            },
            Value::String(s) => ruby_integer(s),
            _ => None,
        };
        if let Some(n) = n {
            return if n < 0 {
                format!("0-{:o}", n.unsigned_abs())
            } else {
                format!("0{n:o}")
            };
        }
    }
    ruby_to_s(actual)
}

/// `/\A-?0+\Z|\A-?[1-9]\d*\Z/`.
fn is_integer_str(s: &str) -> bool {
    static RE: LazyLock<Option<Regex>> =
        LazyLock::new(|| Regex::new(r"\A-?(?:0+|[1-9][0-9]*)\n?\z").ok());
    RE.as_ref().is_some_and(|re| re.is_match(s))
}

/// `/\A0+[0-7]+\Z/`.
fn is_octal_str(s: &str) -> bool {
    static RE: LazyLock<Option<Regex>> = LazyLock::new(|| Regex::new(r"\A0+[0-7]+\n?\z").ok());
    RE.as_ref().is_some_and(|re| re.is_match(s))
}

/// `%w{true false}.include?(value.downcase)`.
fn is_boolean_str(s: &str) -> bool {
    s.eq_ignore_ascii_case("true") || s.eq_ignore_ascii_case("false")
}

/// `to_i` of a string already checked with [`is_integer_str`].
fn int_str(s: &str) -> Option<i128> {
    s.trim_end_matches('\n').parse().ok()
}

/// Ruby's `String#to_i(radix)`: leading whitespace, a sign, digits (underscores between
/// them); stops at the first other character; 0 when there are none.
fn ruby_to_i_radix(s: &str, radix: u32) -> i128 {
    let s = s.trim_start_matches([' ', '\t', '\n', '\x0b', '\x0c', '\r']);
    let (negative, digits) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let mut n: i128 = 0;
    let mut last_underscore = true;
    for c in digits.chars() {
        if c == '_' && !last_underscore {
            last_underscore = true;
            continue;
        }
        let Some(d) = c.to_digit(radix) else { break };
        last_underscore = false;
        n = n
            .saturating_mul(i128::from(radix))
            .saturating_add(i128::from(d));
    }
    if negative { -n } else { n }
}

/// Ruby's `Integer(s)`: an optionally signed decimal, `0x`, `0b`, `0o` or `0` (octal) number.
fn ruby_integer(s: &str) -> Option<i128> {
    let t = s.trim();
    let (negative, body) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let lower = body.to_ascii_lowercase();
    let (radix, digits) = if let Some(d) = lower.strip_prefix("0x") {
        (16, d)
    } else if let Some(d) = lower.strip_prefix("0b") {
        (2, d)
    } else if let Some(d) = lower.strip_prefix("0o") {
        (8, d)
    } else if lower.len() > 1 && lower.starts_with('0') {
        (8, &lower[1..])
    } else {
        (10, lower.as_str())
    };
    let clean = underscores_between_digits(digits)?;
    let n = i128::from_str_radix(&clean, radix).ok()?;
    Some(if negative { -n } else { n })
}

/// Removes `_` separators that sit between two digits; `None` for any other `_`.
fn underscores_between_digits(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    for (i, c) in s.char_indices() {
        if c == '_' {
            let before = i > 0 && bytes[i - 1].is_ascii_alphanumeric();
            let after = bytes.get(i + 1).is_some_and(u8::is_ascii_alphanumeric);
            if !(before && after) {
                return None;
            }
        } else {
            out.push(c);
        }
    }
    (!out.is_empty()).then_some(out)
}

/// Ruby's `Float(value)`: numbers, and strings that are exactly a decimal or hexadecimal
/// number (surrounding whitespace allowed); `None` where Ruby raises.
fn ruby_float(v: &Value) -> Option<f64> {
    static RE: LazyLock<Option<Regex>> =
        LazyLock::new(|| Regex::new(r"\A[+-]?[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?\z").ok());
    match v {
        #[allow(clippy::cast_precision_loss)]
        Value::Int(i) => Some(*i as f64),
        Value::Float(f) => Some(*f),
        Value::String(s) => {
            let t = s.trim_matches([' ', '\t', '\n', '\x0b', '\x0c', '\r']);
            if let Some(n) = ruby_integer(t).filter(|_| t.to_ascii_lowercase().contains("0x")) {
                #[allow(clippy::cast_precision_loss)]
                return Some(n as f64);
            }
            let clean = underscores_between_digits(t)?;
            RE.as_ref()
                .filter(|re| re.is_match(&clean))
                .and_then(|_| clean.parse().ok())
        }
        _ => None,
    }
}

/// `Gem::Version`: numeric and alphabetic segments, with `-` meaning a pre-release.
#[derive(Debug, PartialEq, Eq)]
struct GemVersion {
    /// Canonical segments: trailing zeros dropped from the release and pre-release parts.
    segments: Vec<Segment>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    /// Digits without leading zeros (`"0"` for zero), so any length compares.
    Num(String),
    Alpha(String),
}

impl Segment {
    fn zero() -> Self {
        Segment::Num("0".into())
    }

    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (Segment::Num(a), Segment::Num(b)) => a.len().cmp(&b.len()).then_with(|| a.cmp(b)),
            (Segment::Alpha(a), Segment::Alpha(b)) => a.cmp(b),
            (Segment::Alpha(_), Segment::Num(_)) => Ordering::Less,
            (Segment::Num(_), Segment::Alpha(_)) => Ordering::Greater,
        }
    }
}

impl GemVersion {
    /// `Gem::Version.new(s)`, or `None` where it raises `ArgumentError`. A blank string is
    /// version `0`, as in RubyGems.
    fn parse(s: &str) -> Option<Self> {
        static CORRECT: LazyLock<Option<Regex>> = LazyLock::new(|| {
            Regex::new(
                r"\A[ \t\r\n\x0b\x0c]*(?:[0-9]+(?:\.[0-9a-zA-Z]+)*(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?)?[ \t\r\n\x0b\x0c]*\z",
            )
            .ok()
        });
        static SEGMENT: LazyLock<Option<Regex>> =
            LazyLock::new(|| Regex::new(r"[0-9]+|[a-zA-Z]+").ok());
        if !CORRECT.as_ref()?.is_match(s) {
            return None;
        }
        let trimmed = s.trim();
        let text = if trimmed.is_empty() {
            "0".to_owned()
        } else {
            trimmed.replace('-', ".pre.")
        };
        let all: Vec<Segment> = SEGMENT
            .as_ref()?
            .find_iter(&text)
            .map(|m| {
                let t = m.as_str();
                if t.as_bytes()[0].is_ascii_digit() {
                    let digits = t.trim_start_matches('0');
                    Segment::Num(if digits.is_empty() { "0" } else { digits }.to_owned())
                } else {
                    Segment::Alpha(t.to_owned())
                }
            })
            .collect();
        // `canonical_segments`: drop trailing zeros of the numeric part and of the rest.
        let split = all
            .iter()
            .position(|s| matches!(s, Segment::Alpha(_)))
            .unwrap_or(all.len());
        let trim = |part: &[Segment]| {
            let keep = part
                .iter()
                .rposition(|s| *s != Segment::zero())
                .map_or(0, |i| i + 1);
            part[..keep].to_vec()
        };
        let mut segments = trim(&all[..split]);
        segments.extend(trim(&all[split..]));
        Some(Self { segments })
    }

    fn cmp(&self, other: &Self) -> Ordering {
        let len = self.segments.len().max(other.segments.len());
        for i in 0..len {
            let a = self.segments.get(i).cloned().unwrap_or_else(Segment::zero);
            let b = other.segments.get(i).cloned().unwrap_or_else(Segment::zero);
            match a.cmp(&b) {
                Ordering::Equal => {}
                other => return other,
            }
        }
        Ordering::Equal
    }
}

// ---------------------------------------------------------------------------------------------
// Ruby operators

/// A Ruby number.
#[derive(Debug, Clone, Copy)]
enum Num {
    Int(i128),
    Float(f64),
}

impl Num {
    fn of(v: &Value) -> Option<Self> {
        match v {
            Value::Int(i) => Some(Num::Int(i128::from(*i))),
            Value::Float(f) => Some(Num::Float(*f)),
            _ => None,
        }
    }

    #[allow(clippy::cast_precision_loss)]
    fn compare(self, other: Self) -> Option<Ordering> {
        match (self, other) {
            (Num::Int(a), Num::Int(b)) => Some(a.cmp(&b)),
            (Num::Int(a), Num::Float(b)) => (a as f64).partial_cmp(&b),
            (Num::Float(a), Num::Int(b)) => a.partial_cmp(&(b as f64)),
            (Num::Float(a), Num::Float(b)) => a.partial_cmp(&b),
        }
    }
}

/// A comparison operator applied to an ordering; `None` for `=~`, which orderable values
/// (Integer, Gem::Version) do not answer.
fn ordering_op(op: CmpOp, o: Ordering) -> Option<bool> {
    Some(match op {
        CmpOp::Eq => o == Ordering::Equal,
        CmpOp::Ne => o != Ordering::Equal,
        CmpOp::Lt => o == Ordering::Less,
        CmpOp::Le => o != Ordering::Greater,
        CmpOp::Gt => o == Ordering::Greater,
        CmpOp::Ge => o != Ordering::Less,
        CmpOp::Match => return None,
    })
}

/// A numeric operator; NaN compares false for `==` and raises for `<` (rescued: `None`).
fn num_op(op: CmpOp, a: Num, b: Num) -> Option<bool> {
    match a.compare(b) {
        Some(o) => ordering_op(op, o),
        None => match op {
            CmpOp::Eq => Some(false),
            CmpOp::Ne => Some(true),
            _ => None,
        },
    }
}

/// `actual.send(op, expected)`.
fn ruby_send(actual: &Value, op: CmpOp, expected: &Value) -> Send {
    match op {
        CmpOp::Eq => Ok(Some(ruby_eq(actual, expected))),
        CmpOp::Ne => Ok(Some(!ruby_eq(actual, expected))),
        CmpOp::Lt | CmpOp::Le | CmpOp::Gt | CmpOp::Ge => {
            if let (Some(a), Some(b)) = (Num::of(actual), Num::of(expected)) {
                return Ok(num_op(op, a, b));
            }
            Ok(match (actual, expected) {
                (Value::String(a), Value::String(b)) | (Value::Symbol(a), Value::Symbol(b)) => {
                    ordering_op(op, a.as_bytes().cmp(b.as_bytes()))
                }
                // Arrays, hashes, booleans and nil have no `<`; mixed types raise.
                _ => None,
            })
        }
        CmpOp::Match => match (actual, expected) {
            (Value::String(a) | Value::Symbol(a), Value::Regex(re)) => {
                Ok(Some(compile(re)?.is_match(a)))
            }
            (Value::String(_) | Value::Symbol(_), other) => Err(ResourceError::BadArguments(
                format!("`=~` needs a regular expression, got {}", other.inspect()),
            )),
            // `nil =~ x` is nil; other objects lost `=~` in Ruby 3.2 (NoMethodError).
            (Value::Null, _) => Ok(Some(false)),
            _ => Ok(None),
        },
    }
}

/// Ruby's `==`.
fn ruby_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| ruby_eq(x, y))
        }
        (Value::Map(x), Value::Map(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| b.get(k).is_some_and(|w| ruby_eq(v, w)))
        }
        _ => match (Num::of(a), Num::of(b)) {
            (Some(x), Some(y)) => x.compare(y) == Some(Ordering::Equal),
            _ => a == b,
        },
    }
}

/// Ruby's `eql?`: like `==` but `1` is not `1.0`.
fn ruby_eql(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Int(_), Value::Float(_)) | (Value::Float(_), Value::Int(_)) => false,
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| ruby_eql(x, y))
        }
        (Value::Map(x), Value::Map(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| b.get(k).is_some_and(|w| ruby_eql(v, w)))
        }
        _ => ruby_eq(a, b),
    }
}

/// Ruby's `to_s` (`"%s"`): strings bare, nil empty, a Regexp as `(?-mix:src)`.
fn ruby_to_s(v: &Value) -> String {
    match v {
        Value::Regex(re) => format!("(?-mix:{re})"),
        Value::Float(f) => format_float(*f),
        other => other.to_string(),
    }
}

/// RSpec's `values_match?(expected, actual)`: `expected === actual || actual == expected`.
fn values_match(expected: &Value, actual: &Value) -> Result<bool, ResourceError> {
    match (expected, actual) {
        (Value::Regex(re), Value::String(s) | Value::Symbol(s)) => Ok(compile(re)?.is_match(s)),
        (Value::Array(e), Value::Array(a)) if e.len() == a.len() => {
            for (e, a) in e.iter().zip(a) {
                if !values_match(e, a)? {
                    return Ok(false);
                }
            }
            Ok(true)
        }
        _ => Ok(ruby_eq(actual, expected)),
    }
}

/// Compiles a Ruby regular expression source.
fn compile(src: &str) -> Result<Regex, ResourceError> {
    regex::RegexBuilder::new(&translate_ruby_regex(src))
        .multi_line(true)
        .build()
        .map_err(|e| {
            ResourceError::BadArguments(format!("invalid regular expression `/{src}/`: {e}"))
        })
}

/// Rewrites the Ruby escapes the `regex` crate lacks: `\Z` (end, before a final newline) and
/// `\h`/`\H` (hex digits).
fn translate_ruby_regex(src: &str) -> String {
    let mut out = String::with_capacity(src.len());
    let mut chars = src.chars();
    let mut in_class = false;
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('Z') if !in_class => out.push_str(r"(?:\n?\z)"),
                Some('h') if in_class => out.push_str("0-9a-fA-F"),
                Some('h') => out.push_str("[0-9a-fA-F]"),
                Some('H') if !in_class => out.push_str("[^0-9a-fA-F]"),
                Some(n) => {
                    out.push('\\');
                    out.push(n);
                }
                None => out.push('\\'),
            },
            '[' if !in_class => {
                in_class = true;
                out.push(c);
                // A `]` or `^]` right after the opening bracket is literal.
                let rest = chars.as_str();
                let skip = if rest.starts_with("^]") {
                    2
                } else {
                    usize::from(rest.starts_with(']'))
                };
                out.push_str(&rest[..skip]);
                chars = rest[skip..].chars();
            }
            ']' if in_class => {
                in_class = false;
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// RSpec matchers on values

/// RSpec's `EnglishPhrasing.list`: ` "a"`, ` "a" and "b"`, ` "a", "b", and "c"`.
fn phrase_list(items: &[Value]) -> String {
    let items: Vec<String> = items.iter().map(Value::inspect).collect();
    match items.as_slice() {
        [] => String::new(),
        [one] => format!(" {one}"),
        [a, b] => format!(" {a} and {b}"),
        [init @ .., last] => format!(" {}, and {last}", init.join(", ")),
    }
}

fn eq(
    actual: &Value,
    expected: &Value,
    name: &str,
    using: &str,
    same: fn(&Value, &Value) -> bool,
) -> Judgement {
    Judgement::plain(
        same(actual, expected),
        format!("{name} {}", expected.inspect()),
        format!(
            "\nexpected: {}\n     got: {}\n\n(compared using {using})\n",
            expected.inspect(),
            actual.inspect()
        ),
        format!(
            "\nexpected: value != {}\n     got: {}\n\n(compared using {using})\n",
            expected.inspect(),
            actual.inspect()
        ),
    )
}

/// `equal`/`be(x)`: Ruby compares object identity, which plain data does not have; values are
/// compared with `eql?` (identical for nil, booleans, integers and symbols).
fn equal(actual: &Value, expected: &Value) -> Judgement {
    Judgement::plain(
        ruby_eql(actual, expected),
        format!("equal {}", expected.inspect()),
        format!(
            "\nexpected {}\n     got {}\n",
            expected.inspect(),
            actual.inspect()
        ),
        format!(
            "\nexpected not {}\n         got {}\n\nCompared using equal?, which compares object identity.\n",
            actual.inspect(),
            expected.inspect()
        ),
    )
}

fn be(m: &Matcher, actual: &Value) -> Result<Judgement, ResourceError> {
    let Some(op) = m.op else {
        return match m.args.as_slice() {
            [] => {
                let truthy = actual.truthy();
                Ok(Judgement::plain(
                    truthy,
                    "be".into(),
                    format!("expected {} to evaluate to true", actual.inspect()),
                    format!("expected {} to evaluate to false", actual.inspect()),
                ))
            }
            [expected] => Ok(equal(actual, expected)),
            args => Err(ResourceError::BadArguments(format!(
                "matcher `be` takes at most 1 argument, got {}",
                args.len()
            ))),
        };
    };
    let expected = one_arg(m)?;
    let result = ruby_send(actual, op, expected)?;
    let op_str = op.as_str();
    let mut negated = format!(
        "`expect({}).not_to be {op_str} {}`",
        actual.inspect(),
        expected.inspect()
    );
    if matches!(op, CmpOp::Lt | CmpOp::Le | CmpOp::Gt | CmpOp::Ge) {
        negated.push_str(" not only FAILED, it is a bit confusing.");
    }
    Ok(Judgement {
        // A comparison that raises fails both ways.
        matches: result == Some(true),
        does_not_match: result == Some(false),
        description: format!("be {op_str} {}", expected.inspect()),
        failure: format!(
            "expected: {op_str} {}\n     got: {} {}",
            expected.inspect(),
            " ".repeat(op_str.len()),
            actual.inspect()
        ),
        failure_negated: negated,
    })
}

fn include(actual: &Value, expected: &[Value]) -> Result<Judgement, ResourceError> {
    if expected.is_empty() {
        return Err(ResourceError::BadArguments(
            "matcher `include` needs at least 1 argument".into(),
        ));
    }
    let description = format!("include{}", phrase_list(expected));
    let includable = matches!(actual, Value::Array(_) | Value::String(_) | Value::Map(_));
    if !includable {
        // RSpec: neither `matches?` nor `does_not_match?` holds.
        return Ok(Judgement {
            matches: false,
            does_not_match: false,
            failure: format!(
                "expected {} to {description}, but it does not respond to `include?`",
                actual.inspect()
            ),
            failure_negated: format!(
                "expected {} not to {description}, but it does not respond to `include?`",
                actual.inspect()
            ),
            description,
        });
    }
    let mut present = Vec::new();
    let mut missing = Vec::new();
    for item in expected {
        if includes(actual, item)? {
            present.push(item.clone());
        } else {
            missing.push(item.clone());
        }
    }
    Ok(Judgement {
        matches: missing.is_empty(),
        does_not_match: present.is_empty(),
        failure: format!(
            "expected {} to include{}",
            actual.inspect(),
            phrase_list(&missing)
        ),
        failure_negated: format!(
            "expected {} not to include{}",
            actual.inspect(),
            phrase_list(&present)
        ),
        description,
    })
}

/// Whether one expected item is in an includable value.
fn includes(actual: &Value, item: &Value) -> Result<bool, ResourceError> {
    match actual {
        Value::Array(items) => {
            for v in items {
                if values_match(item, v)? {
                    return Ok(true);
                }
            }
            Ok(false)
        }
        Value::String(s) => match item {
            Value::String(sub) => Ok(s.contains(sub.as_str())),
            // Ruby raises TypeError here; a regexp has one obvious meaning, so it is allowed.
            Value::Regex(re) => Ok(compile(re)?.is_match(s)),
            other => Err(ResourceError::BadArguments(format!(
                "`include` on a String needs a String, got {}",
                other.inspect()
            ))),
        },
        Value::Map(pairs) => match item {
            // `include('key' => value)`: every pair is present.
            Value::Map(wanted) => {
                for (k, v) in wanted {
                    match actual.get(k) {
                        Some(found) if values_match(v, found)? => {}
                        _ => return Ok(false),
                    }
                }
                Ok(true)
            }
            Value::String(k) | Value::Symbol(k) => Ok(pairs.iter().any(|(key, _)| key == k)),
            _ => Ok(false),
        },
        _ => Ok(false),
    }
}

fn match_regex(actual: &Value, expected: &Value) -> Result<Judgement, ResourceError> {
    let re = match expected {
        Value::Regex(src) | Value::String(src) => compile(src)?,
        other => {
            return Err(ResourceError::BadArguments(format!(
                "matcher `match` needs a regular expression or a string, got {}",
                other.inspect()
            )));
        }
    };
    // nil, arrays and hashes have no `match`: they never match.
    let matched = match actual {
        Value::Null | Value::Array(_) | Value::Map(_) => false,
        other => re.is_match(&ruby_to_s(other)),
    };
    Ok(Judgement::plain(
        matched,
        format!("match {}", expected.inspect()),
        format!(
            "expected {} to match {}",
            actual.inspect(),
            expected.inspect()
        ),
        format!(
            "expected {} not to match {}",
            actual.inspect(),
            expected.inspect()
        ),
    ))
}

fn be_empty(actual: &Value) -> Judgement {
    let empty = match actual {
        Value::String(s) | Value::Symbol(s) => Some(s.is_empty()),
        Value::Array(a) => Some(a.is_empty()),
        Value::Map(m) => Some(m.is_empty()),
        _ => None,
    };
    if let Some(empty) = empty {
        Judgement::plain(
            empty,
            "be empty".into(),
            format!(
                "expected `{}.empty?` to be truthy, got {empty}",
                actual.inspect()
            ),
            format!(
                "expected `{}.empty?` to be falsey, got {empty}",
                actual.inspect()
            ),
        )
    } else {
        let message = format!("expected {} to respond to `empty?`", actual.inspect());
        Judgement {
            matches: false,
            does_not_match: false,
            description: "be empty".into(),
            failure: message.clone(),
            failure_negated: message,
        }
    }
}

fn be_nil(actual: &Value) -> Judgement {
    Judgement::plain(
        matches!(actual, Value::Null),
        "be nil".into(),
        format!("expected: nil\n     got: {}", actual.inspect()),
        format!("expected: not nil\n     got: {}", actual.inspect()),
    )
}

/// InSpec's `be_in(list)`: an item is in the list; an Array subject is a subset of it (and,
/// negated, shares nothing with it).
fn be_in(actual: &Value, list: &Value) -> Result<Judgement, ResourceError> {
    let Value::Array(items) = list else {
        return Err(ResourceError::BadArguments(format!(
            "matcher `be_in` needs a list, got {}",
            list.inspect()
        )));
    };
    let in_list = |v: &Value| items.iter().any(|i| ruby_eq(v, i));
    let description = format!("be in {}", list.inspect());
    let list_s = list.inspect();
    Ok(match actual {
        Value::Array(subject) => {
            // `item - list` and `item & list` use `eql?`.
            let outside: Vec<Value> = subject
                .iter()
                .filter(|v| !items.iter().any(|i| ruby_eql(v, i)))
                .cloned()
                .collect();
            let common: Vec<Value> = subject
                .iter()
                .filter(|v| items.iter().any(|i| ruby_eql(v, i)))
                .cloned()
                .collect();
            Judgement {
                matches: outside.is_empty(),
                does_not_match: common.is_empty(),
                failure: format!(
                    "expected `{}` to be in the list: `{list_s}` \nDiff:\n {}",
                    actual.inspect(),
                    Value::Array(outside).inspect()
                ),
                failure_negated: format!(
                    "expected `{}` not to be in the list: `{list_s}` \nComm:\n {}",
                    actual.inspect(),
                    Value::Array(common).inspect()
                ),
                description,
            }
        }
        item => Judgement::plain(
            in_list(item),
            description,
            format!(
                "expected `{}` to be in the list: `{list_s}`",
                ruby_to_s(item)
            ),
            format!(
                "expected `{}` not to be in the list: `{list_s}`",
                ruby_to_s(item)
            ),
        ),
    })
}

/// RSpec's `start_with`/`end_with` on strings and arrays.
fn start_or_end_with(
    actual: &Value,
    expected: &[Value],
    start: bool,
) -> Result<Judgement, ResourceError> {
    let (name, words) = if start {
        ("start_with", "start with")
    } else {
        ("end_with", "end with")
    };
    if expected.is_empty() {
        return Err(ResourceError::BadArguments(format!(
            "matcher `{name}` needs at least 1 argument"
        )));
    }
    let description = format!("{words}{}", phrase_list(expected));
    let mut suffix = "";
    let matched = match (actual, expected) {
        (Value::String(s) | Value::Symbol(s), [Value::String(e)]) => {
            if start {
                s.starts_with(e.as_str())
            } else {
                s.ends_with(e.as_str())
            }
        }
        // A regexp has no length: RSpec matches it against the first (last) character.
        (Value::String(s) | Value::Symbol(s), [Value::Regex(re)]) => {
            let c = if start {
                s.chars().next()
            } else {
                s.chars().last()
            };
            match c {
                Some(c) => compile(re)?.is_match(&c.to_string()),
                None => false,
            }
        }
        (Value::Array(items), e) => {
            // One array argument is the expected prefix (suffix); several are its elements.
            let e: &[Value] = match e {
                [Value::Array(inner)] => inner,
                e => e,
            };
            if e.len() > items.len() {
                false
            } else {
                let window = if start {
                    &items[..e.len()]
                } else {
                    &items[items.len() - e.len()..]
                };
                let mut all = true;
                for (e, a) in e.iter().zip(window) {
                    if !values_match(e, a)? {
                        all = false;
                        break;
                    }
                }
                all
            }
        }
        (Value::Map(_), _) => {
            suffix = ", but it does not have ordered elements";
            false
        }
        (Value::Null | Value::Bool(_) | Value::Regex(_), _) => {
            suffix = ", but it cannot be indexed using #[]";
            false
        }
        _ => false,
    };
    Ok(Judgement::plain(
        matched,
        description.clone(),
        format!("expected {} to {description}{suffix}", actual.inspect()),
        format!("expected {} not to {description}{suffix}", actual.inspect()),
    ))
}

// ---------------------------------------------------------------------------------------------
// Matchers on resources

fn resource_matcher(m: &Matcher, r: &dyn Resource) -> Result<Judgement, ResourceError> {
    let (args, by, by_user) = split_by(m)?;
    if m.chain.is_empty()
        && by.is_none()
        && by_user.is_none()
        && let Some(out) = r.matcher(&m.name, &m.args)
    {
        return out
            .map(|o| Judgement::plain(o.matched, o.description, o.failure, o.failure_negated));
    }
    let subject = r.to_s();
    if m.name == "exist" {
        if !args.is_empty() {
            return Err(ResourceError::BadArguments(format!(
                "matcher `exist` takes no arguments, got {}",
                args.len()
            )));
        }
        let v = prop_value(r.call("exist?", &[])?);
        return Ok(Judgement::plain(
            v.truthy(),
            "exist".into(),
            format!("expected {subject} to exist"),
            format!("expected {subject} not to exist"),
        ));
    }
    let Some(root) = m.name.strip_prefix("be_") else {
        return Err(needs_its(m, r));
    };
    if matches!(root, "in" | "nil") {
        return Err(needs_its(m, r));
    }
    let method = format!("{root}?");
    let mut call_args = args.clone();
    if by.is_some() || by_user.is_some() {
        call_args.push(by.clone().unwrap_or(Value::Null));
        call_args.push(by_user.clone().unwrap_or(Value::Null));
    }
    let v = match r.call(&method, &call_args) {
        Err(ResourceError::NoMethod { .. }) if root == "empty" => return Err(needs_its(m, r)),
        other => prop_value(other?),
    };
    let truthy = v.truthy();
    if matches!(root, "readable" | "writable" | "executable") {
        // InSpec's own matchers: their description carries the `by` chain.
        let mut description = format!("be {root}");
        if let Some(by) = &by {
            description = format!("{description} by {}", ruby_to_s(by));
        }
        if let Some(user) = &by_user {
            description = format!("{description} by user {}", ruby_to_s(user));
        }
        return Ok(Judgement::plain(
            truthy,
            description.clone(),
            format!("expected {subject} to {description}"),
            format!("expected {subject} not to {description}"),
        ));
    }
    let mut shown_args = args;
    shown_args.extend(by.into_iter().chain(by_user));
    let args_to_s = if shown_args.is_empty() {
        String::new()
    } else {
        let inspected: Vec<String> = shown_args.iter().map(Value::inspect).collect();
        format!("({})", inspected.join(", "))
    };
    Ok(Judgement::plain(
        truthy,
        format!("{}{}", m.name.replace('_', " "), phrase_list(&shown_args)),
        format!(
            "expected `{subject}.{method}{args_to_s}` to be truthy, got {}",
            v.inspect()
        ),
        format!(
            "expected `{subject}.{method}{args_to_s}` to be falsey, got {}",
            v.inspect()
        ),
    ))
}

/// Positional arguments, `by`, `by_user`.
type SplitArgs = (Vec<Value>, Option<Value>, Option<Value>);

/// Separates `.by(x)` / `.by_user(u)` (a chain, or the YAML form: a trailing `{by: x}` map
/// argument) from the positional arguments.
fn split_by(m: &Matcher) -> Result<SplitArgs, ResourceError> {
    let mut args = m.args.clone();
    let mut by = None;
    let mut by_user = None;
    if let Some(Value::Map(pairs)) = args.last()
        && !pairs.is_empty()
        && pairs.iter().all(|(k, _)| k == "by" || k == "by_user")
    {
        for (k, v) in pairs {
            if k == "by" {
                by = Some(v.clone());
            } else {
                by_user = Some(v.clone());
            }
        }
        args.pop();
    }
    for (name, chain_args) in &m.chain {
        let slot = match name.as_str() {
            "by" => &mut by,
            "by_user" => &mut by_user,
            other => {
                return Err(ResourceError::BadArguments(format!(
                    "unknown chain `.{other}` on matcher `{}`, expected `.by` or `.by_user`",
                    m.name
                )));
            }
        };
        match chain_args.as_slice() {
            [v] => *slot = Some(v.clone()),
            _ => {
                return Err(ResourceError::BadArguments(format!(
                    "`.{name}` takes 1 argument, got {}",
                    chain_args.len()
                )));
            }
        }
    }
    Ok((args, by, by_user))
}

fn prop_value(p: Prop) -> Value {
    match p {
        Prop::Value(v) => v,
        // A resource (a filtered table) is an object: truthy.
        Prop::Resource(_) => Value::Bool(true),
    }
}

fn needs_its(m: &Matcher, r: &dyn Resource) -> ResourceError {
    ResourceError::BadArguments(format!(
        "matcher `{}` needs a value; use `its` to pick a property of {}",
        m.name,
        r.to_s()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &str) -> Value {
        Value::String(v.into())
    }

    fn re(v: &str) -> Value {
        Value::Regex(v.into())
    }

    fn sym(v: &str) -> Value {
        Value::Symbol(v.into())
    }

    fn arr(items: &[Value]) -> Value {
        Value::Array(items.to_vec())
    }

    fn matcher(name: &str, op: Option<CmpOp>, args: &[Value]) -> Matcher {
        Matcher {
            name: name.into(),
            op,
            args: args.to_vec(),
            chain: vec![],
        }
    }

    #[track_caller]
    fn run(m: &Matcher, v: &Value) -> MatchOutcome {
        evaluate(m, &Actual::Value(v)).unwrap()
    }

    #[track_caller]
    fn run_not(m: &Matcher, v: &Value) -> MatchOutcome {
        evaluate_negated(m, &Actual::Value(v)).unwrap()
    }

    /// `cmp <op> expected` on `actual`.
    #[track_caller]
    fn cmp_is(actual: &Value, op: CmpOp, expected: &Value, want: bool) {
        let m = matcher("cmp", Some(op), std::slice::from_ref(expected));
        let got = run(&m, actual).matched;
        assert_eq!(
            got,
            want,
            "{} cmp {} {}",
            actual.inspect(),
            op.as_str(),
            expected.inspect()
        );
    }

    #[test]
    fn cmp_rules_table() {
        use CmpOp::{Eq, Ge, Gt, Le, Lt, Match, Ne};
        let cases: Vec<(Value, CmpOp, Value, bool)> = vec![
            // Unwrap a 1-element array.
            (arr(&[s("identity")]), Eq, s("identity"), true),
            (arr(&[s("a"), s("a")]), Eq, s("a"), false),
            (arr(&[s("a")]), Eq, arr(&[s("a")]), true),
            (arr(&[Value::Int(420)]), Eq, s("0644"), true),
            // 1. Strings: case-insensitive ==, versions for the rest.
            (s("Identity"), Eq, s("identity"), true),
            (s("abc"), Eq, s("abd"), false),
            (s("17.10"), Ge, s("17.06"), true),
            (s("17.10"), Lt, s("17.06"), false),
            (s("1.10"), Gt, s("1.9"), true),
            (s("1.0"), Ne, s("1"), false),
            (s("1.0.0-rc1"), Lt, s("1.0.0"), true),
            (s("2.a"), Lt, s("2.0.1"), true),
            (s("20.10.7"), Ge, s("17.06.1"), true),
            // Not versions: plain (case-sensitive) string operators.
            (s("abc"), Ne, s("ABC"), true),
            (s("abc"), Lt, s("abd"), true),
            (s("b c"), Gt, s("a c"), true),
            // 2. Regexp against String or Integer, whatever the operator.
            (s("docker"), Eq, re("^dock"), true),
            (s("podman"), Eq, re("^dock"), false),
            (Value::Int(644), Eq, re("^64"), true),
            (s("abc"), Ne, re("b"), true),
            (sym("abc"), Eq, re("b"), false),
            // 3. Integer string against Integer.
            (Value::Int(0), Eq, s("0"), true),
            (Value::Int(5), Gt, s("3"), true),
            (Value::Int(-1), Eq, s("-1"), true),
            (Value::Int(644), Eq, s("644"), true),
            (Value::Int(420), Eq, s("644"), false),
            // 4. Boolean string against a boolean.
            (Value::Bool(true), Eq, s("TRUE"), true),
            (Value::Bool(false), Eq, s("true"), false),
            (Value::Bool(false), Ne, s("true"), true),
            (Value::Bool(true), Lt, s("false"), false),
            // Both strings: rule 1 wins, case-insensitive.
            (s("True"), Eq, s("true"), true),
            // 5. Integer against an integer string.
            (s("0"), Eq, Value::Int(0), true),
            (s("60"), Le, Value::Int(60), true),
            (s("61"), Le, Value::Int(60), false),
            (s("0644"), Eq, Value::Int(644), false),
            // 6. Float against a float-like value.
            (s("1.5"), Eq, Value::Float(1.5), true),
            (s(" 2.0 "), Gt, Value::Float(1.5), true),
            (Value::Int(2), Ge, Value::Float(2.0), true),
            (s("abc"), Eq, Value::Float(1.5), false),
            // 7. Symbol against a string.
            (sym("file"), Eq, s("FILE"), true),
            (sym("file"), Eq, s("directory"), false),
            // 8. Octal strings against an Integer mode.
            (Value::Int(0o644), Eq, s("0644"), true),
            (Value::Int(0o755), Eq, s("0644"), false),
            (Value::Int(0o600), Le, s("0644"), true),
            (Value::Int(0o644), Eq, s("00644"), true),
            // 9. Fallback.
            (Value::Int(3), Eq, Value::Int(3), true),
            (Value::Int(3), Eq, Value::Float(3.0), true),
            (Value::Int(3), Lt, Value::Int(4), true),
            (arr(&[]), Eq, arr(&[]), true),
            (arr(&[s("a"), s("b")]), Eq, arr(&[s("a"), s("b")]), true),
            (Value::Bool(true), Eq, Value::Bool(true), true),
            (Value::Null, Eq, Value::Null, true),
            // nil and type mismatches: false, never an exception.
            (Value::Null, Eq, s("0644"), false),
            (Value::Null, Lt, Value::Int(3), false),
            (Value::Null, Ge, s("17.06"), false),
            (s("abc"), Lt, Value::Int(3), false),
            (arr(&[]), Lt, arr(&[]), false),
            (Value::Null, Match, re("x"), false),
            (Value::Int(3), Match, Value::Int(3), false),
            (s("abc"), Match, re("b"), true),
        ];
        for (actual, op, expected, want) in cases {
            cmp_is(&actual, op, &expected, want);
        }
    }

    #[test]
    fn cmp_string_match_string_is_an_error() {
        let m = matcher("cmp", Some(CmpOp::Match), &[s("b")]);
        let err = evaluate(&m, &Actual::Value(&s("abc"))).unwrap_err();
        assert!(matches!(err, ResourceError::BadArguments(_)), "{err:?}");
    }

    #[test]
    fn cmp_messages() {
        let m = matcher("cmp", None, &[s("0644")]);
        let out = run(&m, &Value::Int(0o755));
        assert!(!out.matched);
        assert_eq!(out.description, r#"cmp == "0644""#);
        assert_eq!(
            out.failure,
            "\nexpected: 0644\n     got: 0755\n\n(compared using `cmp` matcher)\n"
        );
        assert_eq!(
            out.failure_negated,
            "\nexpected it not to be == \"0644\"\n     got: 0755\n\n(compared using `cmp` matcher)\n"
        );

        // Missing file: nil is printed as nothing.
        let out = run(&m, &Value::Null);
        assert_eq!(
            out.failure,
            "\nexpected: 0644\n     got: \n\n(compared using `cmp` matcher)\n"
        );

        let m = matcher("cmp", Some(CmpOp::Ge), &[s("17.06")]);
        let out = run(&m, &s("1.13"));
        assert!(!out.matched);
        assert_eq!(out.description, r#"cmp >= "17.06""#);
        assert_eq!(
            out.failure,
            "\nexpected it to be >= \"17.06\"\n     got: 1.13\n\n(compared using `cmp` matcher)\n"
        );

        let m = matcher("cmp", None, &[arr(&[])]);
        let out = run(&m, &arr(&[]));
        assert_eq!(out.description, "cmp == []");
        assert_eq!(
            out.failure_negated,
            "\nexpected it not to be == []\n     got: []\n\n(compared using `cmp` matcher)\n"
        );

        let m = matcher("cmp", None, &[re("^a")]);
        let out = run(&m, &s("b"));
        assert_eq!(out.description, "cmp == /^a/");
        assert!(
            out.failure
                .starts_with("\nexpected: (?-mix:^a)\n     got: b\n")
        );
    }

    #[test]
    fn version_parsing() {
        let v = |s: &str| GemVersion::parse(s).unwrap();
        assert_eq!(v("1.0.0").cmp(&v("1")), Ordering::Equal);
        assert_eq!(v("").cmp(&v("0")), Ordering::Equal);
        assert_eq!(v("1.0.a").cmp(&v("1.0")), Ordering::Less);
        assert_eq!(v("10").cmp(&v("9")), Ordering::Greater);
        assert!(GemVersion::parse("abc").is_none());
        assert!(GemVersion::parse("1..2").is_none());
    }

    #[test]
    fn ruby_number_parsing() {
        assert_eq!(ruby_to_i_radix("0644", 8), 420);
        assert_eq!(ruby_to_i_radix("0648", 8), 0o64);
        assert_eq!(ruby_to_i_radix("x", 8), 0);
        assert_eq!(ruby_integer("0755"), Some(0o755));
        assert_eq!(ruby_integer("0x1f"), Some(31));
        assert_eq!(ruby_integer("12a"), None);
        assert_eq!(ruby_float(&s("1e3")), Some(1000.0));
        assert_eq!(ruby_float(&s("1_000.5")), Some(1000.5));
        assert_eq!(ruby_float(&s("inf")), None);
        assert_eq!(ruby_float(&s("")), None);
        assert_eq!(ruby_float(&Value::Null), None);
        assert!(is_integer_str("00"));
        assert!(is_integer_str("-0"));
        assert!(!is_integer_str("0644"));
        assert!(is_octal_str("0644"));
        assert!(!is_octal_str("0"));
        assert!(!is_octal_str("0689"));
    }

    #[test]
    fn eq_family() {
        let m = matcher("eq", None, &[s("x")]);
        let out = run(&m, &s("y"));
        assert!(!out.matched);
        assert_eq!(out.description, r#"eq "x""#);
        assert_eq!(
            out.failure,
            "\nexpected: \"x\"\n     got: \"y\"\n\n(compared using ==)\n"
        );
        assert_eq!(
            out.failure_negated,
            "\nexpected: value != \"x\"\n     got: \"y\"\n\n(compared using ==)\n"
        );
        assert!(run(&m, &s("x")).matched);
        assert!(!run(&m, &s("X")).matched);
        assert!(!run(&m, &sym("x")).matched);
        assert!(run(&matcher("eq", None, &[Value::Int(1)]), &Value::Float(1.0)).matched);

        let m = matcher("eql", None, &[Value::Int(1)]);
        let out = run(&m, &Value::Float(1.0));
        assert!(!out.matched);
        assert_eq!(out.description, "eql 1");
        assert_eq!(
            out.failure,
            "\nexpected: 1\n     got: 1.0\n\n(compared using eql?)\n"
        );

        let m = matcher("equal", None, &[Value::Bool(true)]);
        let out = run(&m, &Value::Bool(false));
        assert_eq!(out.description, "equal true");
        assert_eq!(out.failure, "\nexpected true\n     got false\n");
        assert!(run(&m, &Value::Bool(true)).matched);
    }

    #[test]
    fn eq_hash_ignores_key_order() {
        let a = Value::Map(vec![
            ("a".into(), Value::Int(1)),
            ("b".into(), Value::Int(2)),
        ]);
        let b = Value::Map(vec![
            ("b".into(), Value::Int(2)),
            ("a".into(), Value::Int(1)),
        ]);
        assert!(run(&matcher("eq", None, &[a]), &b).matched);
    }

    #[test]
    fn include_matcher() {
        let line = "-w /usr/bin/docker -p rwxa -k docker";
        let m = matcher("include", None, &[s(line)]);
        let out = run(&m, &arr(&[s("No rules")]));
        assert!(!out.matched);
        assert_eq!(out.description, format!("include \"{line}\""));
        assert_eq!(
            out.failure,
            format!("expected [\"No rules\"] to include \"{line}\"")
        );
        let out = run(&m, &arr(&[s(line)]));
        assert!(out.matched);
        assert_eq!(
            out.failure_negated,
            format!("expected [\"{line}\"] not to include \"{line}\"")
        );

        // Regexp elements, substrings, several arguments, hashes.
        assert!(
            run(
                &matcher("include", None, &[re("docker$")]),
                &arr(&[s(line)])
            )
            .matched
        );
        assert!(run(&matcher("include", None, &[s("rwxa")]), &s(line)).matched);
        assert!(!run(&matcher("include", None, &[s("RWXA")]), &s(line)).matched);
        let m = matcher("include", None, &[s("a"), s("b"), s("c")]);
        let out = run(&m, &arr(&[s("a")]));
        assert!(!out.matched);
        assert_eq!(out.description, r#"include "a", "b", and "c""#);
        assert_eq!(out.failure, r#"expected ["a"] to include "b" and "c""#);
        let map = Value::Map(vec![("k".into(), s("v"))]);
        assert!(run(&matcher("include", None, &[s("k")]), &map).matched);
        assert!(
            run(
                &matcher("include", None, &[Value::Map(vec![("k".into(), s("v"))])]),
                &map
            )
            .matched
        );
    }

    #[test]
    fn include_on_nil_fails_both_ways() {
        let m = matcher("include", None, &[s("x")]);
        let out = run(&m, &Value::Null);
        assert!(!out.matched);
        assert_eq!(
            out.failure,
            r#"expected nil to include "x", but it does not respond to `include?`"#
        );
        let out = run_not(&m, &Value::Null);
        assert!(out.matched, "should_not include on nil must not pass");
        // Partial overlap: `should_not include "a", "b"` fails when "a" is there.
        let m = matcher("include", None, &[s("a"), s("b")]);
        assert!(run_not(&m, &arr(&[s("a")])).matched);
        assert!(!run_not(&m, &arr(&[s("c")])).matched);
    }

    #[test]
    fn match_matcher() {
        let m = matcher("match", None, &[re("^PermitRootLogin no$")]);
        let content = s("Port 22\nPermitRootLogin no\n");
        let out = run(&m, &content);
        assert!(out.matched, "^ and $ match at line boundaries, as in Ruby");
        assert_eq!(out.description, "match /^PermitRootLogin no$/");
        let out = run(&m, &s("x"));
        assert_eq!(
            out.failure,
            r#"expected "x" to match /^PermitRootLogin no$/"#
        );
        assert_eq!(
            out.failure_negated,
            r#"expected "x" not to match /^PermitRootLogin no$/"#
        );
        assert!(run(&matcher("match", None, &[s("a.c")]), &s("xabcx")).matched);
        assert!(
            run(
                &matcher("match", None, &[re(r"\A4\d\d\Z")]),
                &Value::Int(420)
            )
            .matched
        );
        assert!(run(&matcher("match", None, &[re(r"\h+")]), &s("ff")).matched);
        assert!(!run(&matcher("match", None, &[re(".*")]), &Value::Null).matched);
        let err =
            evaluate(&matcher("match", None, &[re("(")]), &Actual::Value(&s("x"))).unwrap_err();
        match err {
            ResourceError::BadArguments(msg) => assert!(msg.contains("`/(/`"), "{msg}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn be_with_operator() {
        let m = matcher("be", Some(CmpOp::Le), &[Value::Int(60)]);
        let out = run(&m, &Value::Int(61));
        assert!(!out.matched);
        assert_eq!(out.description, "be <= 60");
        assert_eq!(out.failure, "expected: <= 60\n     got:    61");
        assert_eq!(
            out.failure_negated,
            "`expect(61).not_to be <= 60` not only FAILED, it is a bit confusing."
        );
        assert!(run(&m, &Value::Int(60)).matched);
        assert!(run(&m, &Value::Float(59.5)).matched);
        let gt = matcher("be", Some(CmpOp::Gt), &[Value::Int(0)]);
        assert!(run(&gt, &Value::Int(1)).matched);
        assert!(run(&matcher("be", Some(CmpOp::Lt), &[s("b")]), &s("a")).matched);
        // Incomparable: fails both ways.
        assert!(!run(&gt, &Value::Null).matched);
        assert!(run_not(&gt, &Value::Null).matched);
        assert!(run_not(&gt, &s("5")).matched);
        // Without an operator.
        assert!(run(&matcher("be", None, &[]), &Value::Int(0)).matched);
        let out = run(&matcher("be", None, &[]), &Value::Null);
        assert_eq!(out.failure, "expected nil to evaluate to true");
        assert!(
            run(
                &matcher("be", None, &[Value::Bool(true)]),
                &Value::Bool(true)
            )
            .matched
        );
    }

    #[test]
    fn be_empty_and_nil() {
        let m = matcher("be_empty", None, &[]);
        let out = run(&m, &s(""));
        assert!(out.matched);
        assert_eq!(out.description, "be empty");
        assert_eq!(
            out.failure_negated,
            r#"expected `"".empty?` to be falsey, got true"#
        );
        let out = run(&m, &arr(&[s("a")]));
        assert_eq!(
            out.failure,
            r#"expected `["a"].empty?` to be truthy, got false"#
        );
        let out = run(&m, &Value::Null);
        assert!(!out.matched);
        assert_eq!(out.failure, "expected nil to respond to `empty?`");
        assert!(run_not(&m, &Value::Null).matched);

        let m = matcher("be_nil", None, &[]);
        let out = run(&m, &Value::Int(5));
        assert!(!out.matched);
        assert_eq!(out.description, "be nil");
        assert_eq!(out.failure, "expected: nil\n     got: 5");
        let out = run(&m, &Value::Null);
        assert!(out.matched);
        assert_eq!(out.failure_negated, "expected: not nil\n     got: nil");
    }

    #[test]
    fn be_in_matcher() {
        let list = arr(&[s("root"), s("adm")]);
        let m = matcher("be_in", None, &[list]);
        let out = run(&m, &s("root"));
        assert!(out.matched);
        assert_eq!(out.description, r#"be in ["root", "adm"]"#);
        let out = run(&m, &s("bob"));
        assert_eq!(
            out.failure,
            r#"expected `bob` to be in the list: `["root", "adm"]`"#
        );
        assert_eq!(
            out.failure_negated,
            r#"expected `bob` not to be in the list: `["root", "adm"]`"#
        );
        let subject = arr(&[s("root"), s("bob")]);
        let out = run(&m, &subject);
        assert!(!out.matched);
        assert_eq!(
            out.failure,
            "expected `[\"root\", \"bob\"]` to be in the list: `[\"root\", \"adm\"]` \nDiff:\n [\"bob\"]"
        );
        // Partly in the list: `should_not` fails too.
        assert!(run_not(&m, &subject).matched);
        assert!(!run_not(&m, &arr(&[s("bob")])).matched);
    }

    #[test]
    fn start_and_end_with() {
        let m = matcher("start_with", None, &[s("/usr")]);
        let out = run(&m, &s("/usr/bin/docker"));
        assert!(out.matched);
        assert_eq!(out.description, r#"start with "/usr""#);
        let out = run(&m, &s("/bin"));
        assert_eq!(out.failure, r#"expected "/bin" to start with "/usr""#);
        assert_eq!(
            out.failure_negated,
            r#"expected "/bin" not to start with "/usr""#
        );
        let out = run(&m, &Value::Null);
        assert_eq!(
            out.failure,
            r#"expected nil to start with "/usr", but it cannot be indexed using #[]"#
        );
        let m = matcher("end_with", None, &[s("docker")]);
        assert!(run(&m, &s("/usr/bin/docker")).matched);
        assert!(run(&m, &arr(&[s("a"), s("docker")])).matched);
        assert_eq!(run(&m, &s("x")).description, r#"end with "docker""#);
    }

    #[test]
    fn exist_on_values() {
        let m = matcher("exist", None, &[]);
        assert!(run(&m, &s("")).matched);
        let out = run(&m, &Value::Null);
        assert!(!out.matched);
        assert_eq!(out.failure, "expected nil to exist");
    }

    #[test]
    fn dig_walks_maps_and_arrays() {
        let v = Value::Map(vec![(
            "a".into(),
            Value::Map(vec![("b".into(), arr(&[s("x"), s("y")]))]),
        )]);
        assert_eq!(dig(&v, &["a".into(), "b".into(), "1".into()]), s("y"));
        assert_eq!(dig(&v, &["a".into(), "z".into()]), Value::Null);
        assert_eq!(dig(&s("x"), &["a".into()]), Value::Null);
    }

    /// A resource answering a few predicates, for the resource-subject paths.
    struct Fake;

    impl Resource for Fake {
        fn to_s(&self) -> String {
            "File /x".into()
        }
        fn resource_id(&self) -> String {
            "/x".into()
        }
        fn call(&self, method: &str, args: &[Value]) -> Result<Prop, ResourceError> {
            let v = match (method, args) {
                ("exist?" | "readable?", []) => Value::Bool(true),
                ("directory?", []) => Value::Bool(false),
                ("owned_by?", [Value::String(u)]) => Value::Bool(u == "root"),
                ("more_permissive_than?", [_]) => Value::Null,
                ("readable?", [by, Value::Null]) => Value::Bool(by.as_str() == Some("owner")),
                _ => {
                    return Err(ResourceError::NoMethod {
                        method: method.into(),
                        resource: self.to_s(),
                    });
                }
            };
            Ok(Prop::Value(v))
        }
        fn matcher(
            &self,
            name: &str,
            _args: &[Value],
        ) -> Option<Result<MatchOutcome, ResourceError>> {
            (name == "have_watch").then(|| {
                Ok(MatchOutcome {
                    matched: true,
                    description: "have watch".into(),
                    failure: String::new(),
                    failure_negated: String::new(),
                })
            })
        }
    }

    #[track_caller]
    fn on_fake(m: &Matcher) -> MatchOutcome {
        evaluate(m, &Actual::Resource(&Fake)).unwrap()
    }

    #[test]
    fn resource_predicates() {
        let out = on_fake(&matcher("be_directory", None, &[]));
        assert!(!out.matched);
        assert_eq!(out.description, "be directory");
        assert_eq!(
            out.failure,
            "expected `File /x.directory?` to be truthy, got false"
        );
        assert_eq!(
            out.failure_negated,
            "expected `File /x.directory?` to be falsey, got false"
        );
        let out = on_fake(&matcher("be_owned_by", None, &[s("root")]));
        assert!(out.matched);
        assert_eq!(out.description, r#"be owned by "root""#);
        assert_eq!(
            out.failure_negated,
            r#"expected `File /x.owned_by?("root")` to be falsey, got true"#
        );
        // nil is falsey: `should_not be_more_permissive_than` passes (InSpec's quirk).
        let out = on_fake(&matcher("be_more_permissive_than", None, &[s("0644")]));
        assert!(!out.matched);
        assert!(out.failure.ends_with("got nil"), "{}", out.failure);
        let out = on_fake(&matcher("exist", None, &[]));
        assert!(out.matched);
        assert_eq!(out.failure_negated, "expected File /x not to exist");
        assert!(on_fake(&matcher("have_watch", None, &[])).matched);
    }

    #[test]
    fn resource_predicate_with_by() {
        let mut m = matcher("be_readable", None, &[]);
        m.chain = vec![("by".into(), vec![s("owner")])];
        let out = on_fake(&m);
        assert!(out.matched);
        assert_eq!(out.description, "be readable by owner");
        assert_eq!(out.failure, "expected File /x to be readable by owner");
        assert_eq!(
            out.failure_negated,
            "expected File /x not to be readable by owner"
        );
        // YAML form.
        let m = matcher(
            "be_readable",
            None,
            &[Value::Map(vec![("by".into(), s("group"))])],
        );
        assert!(!on_fake(&m).matched);
        assert_eq!(
            on_fake(&matcher("be_readable", None, &[])).description,
            "be readable"
        );
    }

    #[test]
    fn value_matchers_on_a_resource_are_refused() {
        for name in ["cmp", "eq", "include", "be_nil", "match"] {
            let m = matcher(name, None, &[s("x")]);
            let err = evaluate(&m, &Actual::Resource(&Fake)).unwrap_err();
            match err {
                ResourceError::BadArguments(msg) => assert!(msg.contains("use `its`"), "{msg}"),
                other => panic!("{other:?}"),
            }
        }
        let err = evaluate(&matcher("be_socket", None, &[]), &Actual::Resource(&Fake));
        assert!(matches!(err, Err(ResourceError::NoMethod { .. })));
    }

    #[test]
    fn generic_matchers_are_sorted() {
        let mut sorted = GENERIC_MATCHERS.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(GENERIC_MATCHERS, sorted.as_slice());
    }
}
