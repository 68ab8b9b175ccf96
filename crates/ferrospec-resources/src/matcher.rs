//! Matchers: RSpec's and InSpec's (`eq`, `cmp`, `include`, `match`, `exist`, `be_*`, …) with
//! InSpec's semantics and failure messages. A matcher reports whether the actual value
//! *matches*; the executor applies `should_not`.

use ferrospec_core::Value;
use ferrospec_core::model::Matcher;

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

/// Evaluates a matcher against a subject.
pub fn evaluate(m: &Matcher, actual: &Actual<'_>) -> Result<MatchOutcome, ResourceError> {
    let v = match actual {
        Actual::Value(v) => *v,
        Actual::Resource(r) => return resource_matcher(m, *r),
    };
    let expected = m.args.first().cloned().unwrap_or(Value::Null);
    match m.name.as_str() {
        "eq" | "eql" | "equal" => Ok(MatchOutcome {
            matched: *v == expected,
            description: format!("eq {}", expected.inspect()),
            failure: format!(
                "\nexpected: {}\n     got: {}\n\n(compared using ==)\n",
                expected.inspect(),
                v.inspect()
            ),
            failure_negated: format!(
                "\nexpected: value != {}\n     got: {}\n\n(compared using ==)\n",
                expected.inspect(),
                v.inspect()
            ),
        }),
        "include" => {
            let matched = match v {
                Value::Array(a) => a.contains(&expected),
                Value::String(s) => expected.as_str().is_some_and(|e| s.contains(e)),
                _ => false,
            };
            Ok(MatchOutcome {
                matched,
                description: format!("include {}", expected.inspect()),
                failure: format!("expected {} to include {}", v.inspect(), expected.inspect()),
                failure_negated: format!(
                    "expected {} not to include {}",
                    v.inspect(),
                    expected.inspect()
                ),
            })
        }
        other => Err(ResourceError::BadArguments(format!(
            "matcher `{other}` is not implemented for plain values"
        ))),
    }
}

fn resource_matcher(m: &Matcher, r: &dyn Resource) -> Result<MatchOutcome, ResourceError> {
    {
        if let Some(out) = r.matcher(&m.name, &m.args) {
            return out;
        }
        if m.name == "exist"
            || m.name.starts_with("be_") && !GENERIC_MATCHERS.contains(&m.name.as_str())
        {
            let method = if m.name == "exist" {
                "exist?".to_owned()
            } else {
                format!("{}?", &m.name[3..])
            };
            let v = match r.call(&method, &m.args)? {
                Prop::Value(v) => v,
                Prop::Resource(_) => Value::Bool(true),
            };
            let desc = predicate_description(&m.name, &m.args);
            return Ok(MatchOutcome {
                matched: v.truthy(),
                failure: format!(
                    "expected `{}.{method}` to be truthy, got {}",
                    r.to_s(),
                    v.inspect()
                ),
                failure_negated: format!(
                    "expected `{}.{method}` to be falsey, got {}",
                    r.to_s(),
                    v.inspect()
                ),
                description: desc,
            });
        }
        return Err(ResourceError::BadArguments(format!(
            "matcher `{}` needs a value; use `its` to pick a property of {}",
            m.name,
            r.to_s()
        )));
    }
}

fn predicate_description(name: &str, args: &[Value]) -> String {
    let words = name.replace('_', " ");
    if args.is_empty() {
        words
    } else {
        let a: Vec<String> = args.iter().map(Value::inspect).collect();
        format!("{words} {}", a.join(", "))
    }
}
