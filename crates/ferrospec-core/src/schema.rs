//! The JSON Schema (draft-07) of YAML control files, for editors (`yaml-language-server`) and
//! linters: both the single-control form and the `controls:` form, every key the YAML loader
//! accepts, and `additionalProperties: false` wherever the loader denies unknown keys.
//!
//! Resource and matcher names are parameters, so the schema follows the registry rather than a
//! copy of it. The schema describes `yaml/control.rs`: when the loader changes, change this file
//! and regenerate `docs/schema/controls.schema.json`. Constraints that only the loader can check
//! (`${name}` references, duplicate ids) are not here.

use serde_json::{Value as Json, json};

/// Comparison operators a matcher key may carry (`cmp >=`), as `CmpOp::parse` accepts them.
const OPERATORS: &[&str] = &["==", "!=", "<=", ">=", "<", ">", "=~"];

/// InSpec's impact names, accepted in any case.
const IMPACT_NAMES: &[&str] = &["none", "low", "medium", "high", "critical"];

/// The schema of a YAML control file, with the given resource and matcher names as `enum`s.
pub fn control_file_schema(resources: &[String], matchers: &[String]) -> Json {
    let mut resources = resources.to_vec();
    resources.sort();
    resources.dedup();
    let mut matchers = matchers.to_vec();
    matchers.sort();
    matchers.dedup();
    json!({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": "ferrospec YAML control file",
        "description": "One control (a mapping with `id`), or several under `controls:`. See docs/yaml-controls.md.",
        "type": "object",
        "if": { "required": ["controls"] },
        "then": { "$ref": "#/definitions/controlFile" },
        "else": { "$ref": "#/definitions/control" },
        "definitions": {
            "controlFile": {
                "description": "Several controls in one file.",
                "type": "object",
                "additionalProperties": false,
                "required": ["controls"],
                "properties": {
                    "title": text("The file's title (InSpec's group title)."),
                    "controls": {
                        "description": "The controls, in order.",
                        "type": "array",
                        "items": { "$ref": "#/definitions/control" }
                    }
                }
            },
            "control": control(),
            "impact": impact(),
            "tags": tags(),
            "ref": reference(),
            "letValue": {
                "description": "A value, or a list of alternatives: the first that gives a non-empty value wins.",
                "if": { "type": "array" },
                "then": { "items": { "$ref": "#/definitions/letAlternative" } },
                "else": { "$ref": "#/definitions/letAlternative" }
            },
            "letAlternative": {
                "description": "A literal (may hold `${name}` references), or a mapping: `value`, or `resource` + `args` + `its`.",
                "if": { "type": "object" },
                "then": let_source()
            },
            "guards": {
                "description": "One guard or a list; every guard must hold, else the control is skipped.",
                "if": { "type": "array" },
                "then": { "items": { "$ref": "#/definitions/guard" } },
                "else": { "$ref": "#/definitions/guard" }
            },
            "guard": guard(),
            "describe": describe_entry(),
            "oneEntry": one_entry(),
            "subjectRules": subject_rules(),
            "test": test(),
            "its": its(),
            "resource": {
                "description": "A resource name.",
                "type": "string",
                "enum": resources
            },
            "args": {
                "description": "The resource's arguments: one value, a list of values, or a mapping of keyword arguments."
            },
            "value": {
                "description": "A plain value as the subject (instead of a resource)."
            },
            "matcher": matcher(&matchers),
            "matcherName": matcher_name(&matchers)
        }
    })
}

/// Text: serde reads numbers and booleans into strings as written; null means absent.
fn text(description: &str) -> Json {
    json!({ "description": description, "type": ["string", "number", "boolean", "null"] })
}

fn reference_to(def: &str, description: &str) -> Json {
    // Draft-07 ignores keywords beside `$ref`; the description rides in an `allOf` so editors
    // still show it on hover.
    json!({ "description": description, "allOf": [{ "$ref": format!("#/definitions/{def}") }] })
}

/// A key that may also be null (the loader treats `key:` with no value as absent).
fn optional(def: &str, description: &str) -> Json {
    json!({
        "description": description,
        "anyOf": [{ "type": "null" }, { "$ref": format!("#/definitions/{def}") }]
    })
}

fn control() -> Json {
    json!({
        "description": "One control.",
        "type": "object",
        "additionalProperties": false,
        "required": ["id", "describe"],
        "properties": {
            "id": text("Required; unique in the profile."),
            "title": text("The control's title."),
            "desc": text("The default description."),
            "descriptions": {
                "description": "Labelled descriptions (`rationale`, `check`, `fix`, …); `desc` is the `default` label.",
                "type": ["object", "null"],
                "additionalProperties": { "type": "string" }
            },
            "impact": optional("impact", "A number from 0.0 to 1.0, or none/low/medium/high/critical; unset reports as 0.5."),
            "tags": reference_to("tags", "A mapping, or a list of names and `key: value` pairs."),
            "refs": {
                "description": "References: text, or `{ref, url}`.",
                "type": ["array", "null"],
                "items": { "$ref": "#/definitions/ref" }
            },
            "let": {
                "description": "Named values, usable as `${name}` in the control.",
                "type": ["object", "null"],
                "propertyNames": { "pattern": "^[A-Za-z0-9_]+$" },
                "additionalProperties": { "$ref": "#/definitions/letValue" }
            },
            "only_if": optional("guards", "Guard(s): when one does not hold, the control is skipped with its message."),
            "describe": {
                "description": "The checks, in order.",
                "type": "array",
                "minItems": 1,
                "items": { "$ref": "#/definitions/describe" }
            },
            "remediation": {
                "description": "The structured fix: the audit rule lines that make the control pass, and the drop-in file they go in (`ferrospec remediate`).",
                "type": ["object", "null"],
                "additionalProperties": false,
                "required": ["audit_rules"],
                "properties": {
                    "file": text("The drop-in rules file, usually under /etc/audit/rules.d/."),
                    "audit_rules": { "type": "array", "items": { "type": "string" } }
                }
            }
        }
    })
}

fn impact() -> Json {
    let names: Vec<String> = IMPACT_NAMES.iter().map(|n| any_case(n)).collect();
    // What `str::parse::<f64>` reads as a number from 0 to 1 (exponents left out).
    let numeric = r"\+?(?:0*1(?:\.0*)?|0+(?:\.[0-9]*)?|0*\.[0-9]+)";
    json!({
        "description": "A number from 0.0 to 1.0, or one of none (0.0), low (0.1), medium (0.4), high (0.7), critical (0.9).",
        "anyOf": [
            { "type": "number", "minimum": 0, "maximum": 1 },
            { "type": "string", "enum": IMPACT_NAMES },
            { "type": "string", "pattern": format!("^(?:{}|{numeric})$", names.join("|")) }
        ]
    })
}

/// A regular expression matching `name` in any case (JSON Schema patterns have no flags).
fn any_case(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphabetic() {
                format!("[{}{}]", c.to_ascii_lowercase(), c.to_ascii_uppercase())
            } else {
                regex_escape(&c.to_string())
            }
        })
        .collect()
}

fn regex_escape(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if r"\^$.|?*+()[]{}/".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn tags() -> Json {
    json!({
        "description": "A mapping, or a list of names and `key: value` pairs; a plain tag has the value null.",
        "anyOf": [
            { "type": ["object", "string", "number", "boolean", "null"] },
            { "type": "array", "items": { "not": { "type": "array" } } }
        ]
    })
}

fn reference() -> Json {
    json!({
        "description": "A reference: its title as text, or a mapping with `ref` and `url`.",
        "anyOf": [
            { "type": "string" },
            {
                "type": "object",
                "additionalProperties": false,
                "properties": {
                    "ref": { "description": "Title.", "type": ["string", "null"] },
                    "url": { "description": "Address.", "type": ["string", "null"] },
                    "uri": { "description": "Address (an alias of `url`).", "type": ["string", "null"] }
                }
            }
        ]
    })
}

fn let_source() -> Json {
    json!({
        "type": "object",
        "additionalProperties": false,
        "properties": {
            "value": { "description": "A literal value." },
            "resource": { "$ref": "#/definitions/resource" },
            "args": { "$ref": "#/definitions/args" },
            "its": { "$ref": "#/definitions/its" }
        },
        "oneOf": [
            {
                "required": ["value"],
                "not": { "anyOf": [{ "required": ["resource"] }, { "required": ["args"] }, { "required": ["its"] }] }
            },
            { "required": ["resource", "its"], "not": { "required": ["value"] } }
        ]
    })
}

/// Keys shared by describe entries and guards: a subject and its expectations.
fn subject_properties() -> serde_json::Map<String, Json> {
    let Json::Object(map) = json!({
        "resource": { "$ref": "#/definitions/resource" },
        "args": { "$ref": "#/definitions/args" },
        "value": { "$ref": "#/definitions/value" },
        "tests": {
            "description": "Several expectations on one subject.",
            "type": ["array", "null"],
            "items": { "$ref": "#/definitions/test" }
        },
        "its": { "$ref": "#/definitions/its" },
        "should": { "$ref": "#/definitions/matcher" },
        "should_not": { "$ref": "#/definitions/matcher" }
    }) else {
        return serde_json::Map::new();
    };
    map
}

/// A subject (`resource` + `args`, or `value`) with `should`/`should_not`/`tests`.
fn subject_rules() -> Json {
    let either = |a: &str, b: &str| json!({ "anyOf": [{ "required": [a] }, { "required": [b] }] });
    json!({
        "allOf": [
            { "not": { "anyOf": [{ "required": ["skip"] }, { "required": ["one"] }, { "required": ["label"] }] } },
            { "oneOf": [{ "required": ["resource"] }, { "required": ["value"] }] },
            { "dependencies": { "args": ["resource"], "its": either("should", "should_not") } },
            { "not": { "required": ["should", "should_not"] } },
            {
                "anyOf": [
                    { "required": ["should"] },
                    { "required": ["should_not"] },
                    { "required": ["tests"], "properties": { "tests": { "type": "array", "minItems": 1 } } }
                ]
            }
        ]
    })
}

fn describe_entry() -> Json {
    let mut properties = subject_properties();
    properties.insert(
        "skip".into(),
        text("A manual check: a skipped result with this message."),
    );
    properties.insert(
        "label".into(),
        text("The skipped result's label (with `skip`)."),
    );
    properties.insert(
        "one".into(),
        json!({
            "description": "describe.one: passes when one entry passes fully.",
            "type": "array",
            "minItems": 1,
            "items": { "$ref": "#/definitions/oneEntry" }
        }),
    );
    json!({
        "description": "A check: a subject with expectations, a `skip`, or `one`.",
        "type": "object",
        "additionalProperties": false,
        "properties": properties,
        "if": { "required": ["skip"] },
        "then": {
            "not": {
                "anyOf": [
                    { "required": ["resource"] },
                    { "required": ["value"] },
                    { "required": ["tests"] },
                    { "required": ["one"] },
                    { "required": ["should"] },
                    { "required": ["should_not"] }
                ]
            }
        },
        "else": {
            "if": { "required": ["one"] },
            "else": { "$ref": "#/definitions/subjectRules" }
        }
    })
}

fn one_entry() -> Json {
    json!({
        "description": "An entry of `one`: a subject with expectations.",
        "type": "object",
        "additionalProperties": false,
        "properties": subject_properties(),
        "allOf": [{ "$ref": "#/definitions/subjectRules" }]
    })
}

fn guard() -> Json {
    let mut properties = subject_properties();
    properties.insert(
        "message".into(),
        text("The skip message when the guard does not hold."),
    );
    properties.insert(
        "impact".into(),
        optional(
            "impact",
            "The control's impact when skipped (0.0 marks it not applicable).",
        ),
    );
    json!({
        "description": "A condition for running the control.",
        "type": "object",
        "additionalProperties": false,
        "properties": properties,
        "allOf": [{ "$ref": "#/definitions/subjectRules" }]
    })
}

fn test() -> Json {
    json!({
        "description": "One expectation: `should` or `should_not`, optionally on a property (`its`).",
        "type": "object",
        "additionalProperties": false,
        "properties": {
            "its": { "$ref": "#/definitions/its" },
            "should": { "$ref": "#/definitions/matcher" },
            "should_not": { "$ref": "#/definitions/matcher" }
        },
        "oneOf": [{ "required": ["should"] }, { "required": ["should_not"] }]
    })
}

fn its() -> Json {
    json!({
        "description": "A property: a name, a dotted path `a.b`, or a list of keys.",
        "anyOf": [
            { "type": "string" },
            { "type": "array", "items": { "type": "string" } },
            { "type": "null" }
        ]
    })
}

fn matcher(matchers: &[String]) -> Json {
    let properties: serde_json::Map<String, Json> = matchers
        .iter()
        .map(|m| {
            (
                m.clone(),
                json!({ "description": format!("`{m}` with its argument.") }),
            )
        })
        .collect();
    json!({
        "description": "A matcher name (`exist`), or a mapping of one matcher to its argument (`include: x`, `\"cmp >=\": 1`).",
        "anyOf": [
            { "$ref": "#/definitions/matcherName" },
            {
                "type": "object",
                "minProperties": 1,
                "maxProperties": 1,
                "propertyNames": { "$ref": "#/definitions/matcherName" },
                "properties": properties
            }
        ]
    })
}

fn matcher_name(matchers: &[String]) -> Json {
    let names: Vec<String> = matchers.iter().map(|m| regex_escape(m)).collect();
    let ops: Vec<String> = OPERATORS.iter().map(|o| regex_escape(o)).collect();
    json!({
        "description": "A matcher name, optionally with a comparison operator (`cmp >=`, `be <=`).",
        "type": "string",
        "anyOf": [
            { "enum": matchers },
            { "pattern": format!(r"^(?:{}) \s*(?:{})\s*$", names.join("|"), ops.join("|")) }
        ]
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema() -> Json {
        control_file_schema(
            &["file".to_owned(), "auditd".to_owned()],
            &["exist".to_owned(), "cmp".to_owned(), "exist".to_owned()],
        )
    }

    #[test]
    fn names_become_sorted_unique_enums() {
        let s = schema();
        assert_eq!(
            s["definitions"]["resource"]["enum"],
            json!(["auditd", "file"])
        );
        assert_eq!(
            s["definitions"]["matcherName"]["anyOf"][0]["enum"],
            json!(["cmp", "exist"])
        );
        assert_eq!(
            s["definitions"]["matcherName"]["anyOf"][1]["pattern"],
            json!(r"^(?:cmp|exist) \s*(?:==|!=|<=|>=|<|>|=~)\s*$")
        );
    }

    #[test]
    fn every_mapping_with_properties_denies_unknown_keys() {
        fn walk(v: &Json, path: &str, bad: &mut Vec<String>) {
            match v {
                Json::Object(m) => {
                    // Matcher mappings are open: their keys may carry an operator.
                    if m.contains_key("properties")
                        && !m.contains_key("additionalProperties")
                        && m.get("type") == Some(&json!("object"))
                        && !path.contains("matcher")
                    {
                        bad.push(path.to_owned());
                    }
                    for (k, v) in m {
                        walk(v, &format!("{path}/{k}"), bad);
                    }
                }
                Json::Array(a) => {
                    for (i, v) in a.iter().enumerate() {
                        walk(v, &format!("{path}/{i}"), bad);
                    }
                }
                _ => {}
            }
        }
        let mut bad = Vec::new();
        walk(&schema(), "", &mut bad);
        assert!(bad.is_empty(), "open mappings: {bad:?}");
    }

    #[test]
    fn impact_names_match_in_any_case() {
        assert_eq!(any_case("low"), "[lL][oO][wW]");
    }
}
