//! Plain data values: what YAML gives, what inputs hold, what resource arguments and matcher
//! expectations are made of.

use std::fmt;

use serde::Serialize;

/// A dynamically typed value with Ruby-like display.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
#[serde(untagged)]
pub enum Value {
    /// `nil` / `null`.
    #[default]
    Null,
    /// A boolean.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A float.
    Float(f64),
    /// A string.
    String(String),
    /// A regular expression (its source, without slashes).
    #[serde(serialize_with = "serialize_regex")]
    Regex(String),
    /// A symbol (`:name`), shown and serialized as its name.
    #[serde(serialize_with = "serialize_symbol")]
    Symbol(String),
    /// An array.
    Array(Vec<Value>),
    /// A map with ordered keys.
    #[serde(serialize_with = "serialize_map")]
    Map(Vec<(String, Value)>),
}

fn serialize_regex<S: serde::Serializer>(re: &str, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&format!("/{re}/"))
}

fn serialize_symbol<S: serde::Serializer>(sym: &str, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(sym)
}

fn serialize_map<S: serde::Serializer>(m: &[(String, Value)], s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let mut map = s.serialize_map(Some(m.len()))?;
    for (k, v) in m {
        map.serialize_entry(k, v)?;
    }
    map.end()
}

impl Value {
    /// The string inside, if this is a string or a symbol.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) | Value::Symbol(s) => Some(s),
            _ => None,
        }
    }

    /// Ruby truthiness: everything but `nil` and `false` is true.
    pub fn truthy(&self) -> bool {
        !matches!(self, Value::Null | Value::Bool(false))
    }

    /// Looks a key up in a map value.
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Map(m) => m.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// Ruby's `inspect`: strings quoted, arrays bracketed, nil as `nil`.
    pub fn inspect(&self) -> String {
        match self {
            Value::Null => "nil".into(),
            Value::Bool(b) => b.to_string(),
            Value::Int(i) => i.to_string(),
            Value::Float(f) => format_float(*f),
            Value::String(s) => inspect_str(s),
            Value::Regex(r) => format!("/{r}/"),
            Value::Symbol(s) => format!(":{s}"),
            Value::Array(a) => {
                let items: Vec<String> = a.iter().map(Value::inspect).collect();
                format!("[{}]", items.join(", "))
            }
            Value::Map(m) => {
                let items: Vec<String> = m
                    .iter()
                    .map(|(k, v)| format!("{}=>{}", inspect_str(k), v.inspect()))
                    .collect();
                format!("{{{}}}", items.join(", "))
            }
        }
    }
}

/// Ruby's `Float#to_s` for the values reports show (`1.0`, `0.5`).
pub fn format_float(f: f64) -> String {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{f:.1}")
    } else {
        format!("{f}")
    }
}

/// Ruby's `String#inspect`: double quotes with escapes.
pub fn inspect_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '#' => out.push('#'),
            c if c.is_control() => {
                use std::fmt::Write as _;
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

impl fmt::Display for Value {
    /// Ruby's `to_s`: strings bare, nil empty, the rest as `inspect`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => Ok(()),
            Value::String(s) | Value::Symbol(s) => f.write_str(s),
            other => f.write_str(&other.inspect()),
        }
    }
}

impl From<&serde_json::Value> for Value {
    /// JSON documents (daemon.json, JSON waiver files) as values; integers stay integers.
    fn from(v: &serde_json::Value) -> Self {
        match v {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(b) => Value::Bool(*b),
            serde_json::Value::Number(n) => n
                .as_i64()
                .map_or_else(|| Value::Float(n.as_f64().unwrap_or(f64::NAN)), Value::Int),
            serde_json::Value::String(s) => Value::String(s.clone()),
            serde_json::Value::Array(a) => Value::Array(a.iter().map(Value::from).collect()),
            serde_json::Value::Object(m) => {
                Value::Map(m.iter().map(|(k, v)| (k.clone(), Value::from(v))).collect())
            }
        }
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::String(s.to_owned())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::String(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inspect_matches_ruby() {
        let v = Value::Array(vec!["No rules".into(), Value::Int(3), Value::Null]);
        assert_eq!(v.inspect(), r#"["No rules", 3, nil]"#);
        assert_eq!(Value::Float(1.0).inspect(), "1.0");
        assert_eq!(Value::from("a\"b").inspect(), r#""a\"b""#);
        assert_eq!(Value::Null.to_string(), "");
    }
}
