//! Everything that touches `serde_yaml`: `inspec.yml` metadata, YAML control files, waiver and
//! input files, and — through [`to_string`] and [`from_str`] — every other crate's YAML.
//! `serde_yaml` is deprecated upstream; keeping it in this module makes a swap a local change.

mod control;
mod metadata;
mod one_or_many;

pub(crate) use control::parse_control_file;
pub(crate) use metadata::parse_metadata;

use crate::diagnostic::Diagnostic;
use crate::source::{SourceFile, Span};
use crate::value::Value;

/// Turns a `serde_yaml` error into a diagnostic at its location.
pub(crate) fn yaml_diagnostic(source: &SourceFile, err: &serde_yaml::Error) -> Diagnostic {
    let offset = err.location().map_or(source.text().len(), |l| l.index());
    let message = err.to_string();
    // serde_yaml appends " at line L column C"; the snippet shows that already.
    let message = match message.find(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message,
    };
    let span = token_span(source.text(), offset);
    Diagnostic::new(source, span, message)
}

/// The span of the word at `offset`, for a caret under a whole key or value.
pub(crate) fn token_span(text: &str, offset: usize) -> Span {
    let offset = offset.min(text.len());
    let rest = &text[offset..];
    let len = rest
        .find(|c: char| c.is_whitespace() || c == ':' || c == ',' || c == ']' || c == '}')
        .unwrap_or(rest.len());
    Span::new(offset, offset + len)
}

/// Converts a YAML value to a [`Value`]; `!regex 'src'` becomes a regular expression.
pub(crate) fn to_value(v: &serde_yaml::Value) -> Value {
    match v {
        serde_yaml::Value::Null => Value::Null,
        serde_yaml::Value::Bool(b) => Value::Bool(*b),
        serde_yaml::Value::Number(n) => n
            .as_i64()
            .map_or_else(|| Value::Float(n.as_f64().unwrap_or(f64::NAN)), Value::Int),
        serde_yaml::Value::String(s) => Value::String(s.clone()),
        serde_yaml::Value::Sequence(s) => Value::Array(s.iter().map(to_value).collect()),
        serde_yaml::Value::Mapping(m) => Value::Map(
            m.iter()
                .map(|(k, v)| (scalar_text(k), to_value(v)))
                .collect(),
        ),
        serde_yaml::Value::Tagged(t) => {
            if t.tag == "regex" {
                Value::Regex(scalar_text(&t.value))
            } else {
                to_value(&t.value)
            }
        }
    }
}

/// The text of a scalar key (numbers and booleans as written).
pub(crate) fn scalar_text(v: &serde_yaml::Value) -> String {
    match v {
        serde_yaml::Value::String(s) => s.clone(),
        serde_yaml::Value::Null => String::new(),
        serde_yaml::Value::Bool(b) => b.to_string(),
        serde_yaml::Value::Number(n) => n.to_string(),
        other => serde_yaml::to_string(other)
            .unwrap_or_default()
            .trim()
            .to_owned(),
    }
}

/// One waiver: the control id and its fields.
pub(crate) type WaiverEntry = (String, Vec<(String, Value)>);

/// A waiver file: control id → fields.
pub(crate) fn parse_waivers(text: &str) -> Result<Vec<WaiverEntry>, String> {
    if text.trim().is_empty() {
        return Ok(vec![]);
    }
    let v: serde_yaml::Value = serde_yaml::from_str(text).map_err(|e| e.to_string())?;
    let Some(m) = v.as_mapping() else {
        return Err("expected a mapping of control ids".into());
    };
    let mut out = Vec::new();
    for (k, fields) in m {
        let id = scalar_text(k);
        let Some(f) = fields.as_mapping() else {
            return Err(format!(
                "control `{id}`: expected a mapping with `justification`"
            ));
        };
        out.push((
            id,
            f.iter()
                .map(|(k, v)| (scalar_text(k), to_value(v)))
                .collect(),
        ));
    }
    Ok(out)
}

/// An input file: a flat mapping `name: value`.
pub(crate) fn parse_input_file(text: &str) -> Result<Vec<(String, Value)>, String> {
    if text.trim().is_empty() {
        return Ok(vec![]);
    }
    let v: serde_yaml::Value = serde_yaml::from_str(text).map_err(|e| e.to_string())?;
    let Some(m) = v.as_mapping() else {
        return Err("expected a mapping of input names to values".into());
    };
    Ok(m.iter()
        .map(|(k, v)| (scalar_text(k), to_value(v)))
        .collect())
}

/// A YAML document that could not be written or read, as text (the `serde_yaml` error's
/// message, which carries the line and column when it has them).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct YamlError(pub String);

/// Serializes a value as a YAML document: the one way the other crates write YAML, so that
/// replacing `serde_yaml` stays a change to this module alone.
pub fn to_string<T: serde::Serialize + ?Sized>(value: &T) -> Result<String, YamlError> {
    serde_yaml::to_string(value).map_err(|e| YamlError(e.to_string()))
}

/// Deserializes a YAML document: the one way the other crates read YAML that is not a control
/// file or `inspec.yml` (test-host descriptions).
pub fn from_str<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, YamlError> {
    serde_yaml::from_str(text).map_err(|e| YamlError(e.to_string()))
}
