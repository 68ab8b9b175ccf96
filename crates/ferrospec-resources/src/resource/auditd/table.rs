//! `InSpec`'s view of the rules: the rows its `auditd` resource parses out of `auditctl -l`
//! lines, and the `FilterTable` queries over them (`file('/x')`, `syscall('open').key('k')`,
//! `where`, `params`, `exist?`, `count`, and a column without an argument).
//!
//! The row parsing reproduces `InSpec`'s regular expressions on purpose, quirks included (two
//! keys read as `"akey"`, a final `-S x` leaking into `fields`, `-F dir=` never giving a
//! `file` row), because profiles were written against that behaviour. It must not decide
//! whether a path is audited: that is `have_watch`'s structural job.

use std::fmt::Write as _;
use std::sync::LazyLock;

use ferrospec_core::Value;
use regex::Regex;

use crate::resource::{Prop, Resource, ResourceError};

/// One row: `InSpec`'s hash with string keys, in `InSpec`'s key order.
pub(crate) type Row = Vec<(String, Value)>;

/// The columns `InSpec` registers, in its order.
pub(crate) const COLUMNS: &[&str] = &[
    "file",
    "list",
    "action",
    "fields",
    "fields_nokey",
    "syscall",
    "key",
    "arch",
    "path",
    "permissions",
    "exit",
];

/// What `auditd` calls every table, filtered or not (`to_s` starts with it).
pub(crate) const TABLE_NAME: &str = "Auditd Rules";

#[allow(clippy::expect_used)] // Constant patterns: a failure is our bug, caught by any test.
fn re(pattern: &str) -> Regex {
    Regex::new(pattern).expect("constant regex is valid")
}

static ACTION_LIST: LazyLock<Regex> = LazyLock::new(|| re(r"-a ([^,\s]+),([^,\s]+)(?:\s|$)"));
static SYSCALLS: LazyLock<Regex> = LazyLock::new(|| re(r"-S ([^ ]+)\s?"));
static AS_OPTIONS: LazyLock<Regex> = LazyLock::new(|| re(r"-[aS] [^ ]+ "));
static FILE_PATH: LazyLock<Regex> = LazyLock::new(|| re(r"-F path=(\S+)"));
static WATCH: LazyLock<Regex> = LazyLock::new(|| re(r"-w ([^ ]+)"));
static WATCH_KEY: LazyLock<Regex> = LazyLock::new(|| re(r"-k ([^ ]+)"));
static WATCH_PERMS: LazyLock<Regex> = LazyLock::new(|| re(r"-p ([^ ]+)"));

fn string(s: &str) -> Value {
    Value::String(s.to_owned())
}

fn opt_string(s: Option<&str>) -> Value {
    s.map_or(Value::Null, string)
}

fn strings(items: &[String]) -> Value {
    Value::Array(items.iter().map(|s| string(s)).collect())
}

/// Ruby's `scan(/\w/)`: the word characters, one string each.
fn word_chars(s: &str) -> Value {
    Value::Array(
        s.chars()
            .filter(|c| c.is_alphanumeric() || *c == '_')
            .map(|c| Value::String(c.to_string()))
            .collect(),
    )
}

/// `action` is whichever of the pair is `always`/`never`, `list` the other.
fn action_list(line: &str) -> (Value, Value) {
    let Some(caps) = ACTION_LIST.captures(line) else {
        return (Value::Null, Value::Null);
    };
    let first = caps.get(1).map_or("", |m| m.as_str());
    let second = caps.get(2).map_or("", |m| m.as_str());
    if matches!(second, "always" | "never") && !matches!(first, "always" | "never") {
        (string(second), string(first))
    } else {
        (string(first), string(second))
    }
}

/// `InSpec`'s `rule_fields_for`: drop `-a x `/`-S x ` (with their trailing space), split on
/// `-F `, then on blanks.
fn rule_fields(line: &str) -> Vec<String> {
    AS_OPTIONS
        .replace_all(line, "")
        .split("-F ")
        .flat_map(str::split_whitespace)
        .map(str::to_owned)
        .collect()
}

/// `InSpec`'s `key_in(key_fields.join(''))`: the second `=`-separated part, so two keys read as
/// `"akey"`.
fn key_of(fields: &[String]) -> Value {
    let joined: String = fields
        .iter()
        .filter(|f| f.starts_with("key"))
        .map(String::as_str)
        .collect();
    opt_string(joined.split('=').nth(1).filter(|s| !s.is_empty()))
}

fn first_field<'a>(fields: &'a [String], name: &str) -> Option<&'a str> {
    let prefix = format!("{name}=");
    fields
        .iter()
        .find_map(|f| f.strip_prefix(&prefix))
        .and_then(|v| v.split_whitespace().next())
}

/// Parses `auditctl -l` lines into `InSpec`'s rows.
pub(crate) fn rows_from_lines(lines: &[String]) -> Vec<Row> {
    let mut rows = Vec::new();
    for line in lines {
        let fields = || rule_fields(line);
        if line.contains("-F path=") {
            let fields = fields();
            let (action, list) = action_list(line);
            let nokey: Vec<String> = fields
                .iter()
                .filter(|f| !f.starts_with("key"))
                .cloned()
                .collect();
            rows.push(vec![
                (
                    "file".into(),
                    opt_string(
                        FILE_PATH
                            .captures(line)
                            .and_then(|c| c.get(1))
                            .map(|m| m.as_str()),
                    ),
                ),
                ("list".into(), list),
                ("action".into(), action),
                ("fields".into(), strings(&fields)),
                (
                    "permissions".into(),
                    first_field(&fields, "perm").map_or(Value::Null, word_chars),
                ),
                ("key".into(), key_of(&fields)),
                ("fields_nokey".into(), strings(&nokey)),
            ]);
        }
        if line.contains("-S ") {
            let fields = fields();
            let (action, list) = action_list(line);
            let nokey: Vec<String> = fields
                .iter()
                .filter(|f| !f.starts_with("key"))
                .cloned()
                .collect();
            let syscalls = SYSCALLS
                .captures(line)
                .and_then(|c| c.get(1))
                .map_or("", |m| m.as_str());
            for syscall in syscalls.split(',').filter(|s| !s.is_empty()) {
                rows.push(vec![
                    ("syscall".into(), string(syscall)),
                    ("list".into(), list.clone()),
                    ("action".into(), action.clone()),
                    ("fields".into(), strings(&fields)),
                    ("key".into(), key_of(&fields)),
                    ("arch".into(), opt_string(first_field(&fields, "arch"))),
                    ("path".into(), opt_string(first_field(&fields, "path"))),
                    (
                        "permissions".into(),
                        first_field(&fields, "perm").map_or(Value::Null, word_chars),
                    ),
                    ("exit".into(), opt_string(first_field(&fields, "exit"))),
                    ("fields_nokey".into(), strings(&nokey)),
                ]);
            }
        } else if let Some(file) = WATCH.captures(line).and_then(|c| c.get(1)) {
            let key = WATCH_KEY
                .captures(line)
                .and_then(|c| c.get(1))
                .map(|m| m.as_str());
            let perms = WATCH_PERMS
                .captures(line)
                .and_then(|c| c.get(1))
                .map_or(Value::Null, |m| word_chars(m.as_str()));
            rows.push(vec![
                ("file".into(), string(file.as_str())),
                ("key".into(), opt_string(key)),
                ("permissions".into(), perms),
            ]);
        }
    }
    rows
}

fn row_value(row: &Row) -> Value {
    Value::Map(row.clone())
}

/// `FilterTable`'s cell test: Integer and Float criteria match numeric strings, a `Regexp`
/// matches the cell's `to_s`, anything else must be equal (`===`).
fn cell_matches(cell: &Value, wanted: &Value, regex: Option<&Regex>) -> bool {
    match wanted {
        Value::Regex(_) => match (cell, regex) {
            (Value::Regex(_), _) => cell == wanted,
            (_, Some(re)) => re.is_match(&cell.to_string()),
            (_, None) => false,
        },
        Value::Int(n) => match cell {
            Value::Int(c) => c == n,
            Value::String(s) => {
                let digits = s.strip_prefix(['-', '+']).unwrap_or(s);
                !digits.is_empty()
                    && digits.chars().all(|c| c.is_ascii_digit())
                    && s.trim_start_matches('+').parse::<i64>().ok() == Some(*n)
            }
            _ => false,
        },
        #[allow(clippy::float_cmp)] // Ruby's `x.to_f == y`.
        Value::Float(f) => match cell {
            Value::Float(c) => c == f,
            #[allow(clippy::cast_precision_loss)] // Ruby compares the same way.
            Value::Int(c) => (*c as f64) == *f,
            Value::String(s) => s.trim_start_matches('+').parse::<f64>().ok() == Some(*f),
            _ => false,
        },
        other => cell == other,
    }
}

/// A `FilterTable` over the rows: the whole `auditd` or a filtered part of it.
#[derive(Debug, Clone, Default)]
pub(crate) struct RuleTable {
    rows: Vec<Row>,
    /// `InSpec`'s criteria string after ` with` (e.g. ` file == "/x"`); empty when unfiltered.
    criteria: String,
}

impl RuleTable {
    /// The unfiltered table.
    pub(crate) fn new(rows: Vec<Row>) -> Self {
        Self {
            rows,
            criteria: String::new(),
        }
    }

    /// Every key in any row, first seen first (`FilterTable`'s `list_fields`).
    fn list_fields(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for row in &self.rows {
            for (k, _) in row {
                if !out.contains(&k.as_str()) {
                    out.push(k);
                }
            }
        }
        out
    }

    /// `where(field => value, …)`.
    pub(crate) fn filter(
        &self,
        conditions: &[(String, Value)],
    ) -> Result<RuleTable, ResourceError> {
        if conditions.is_empty() {
            return Ok(self.clone());
        }
        let known = self.list_fields();
        let mut rows = self.rows.clone();
        let mut criteria = self.criteria.clone();
        for (field, wanted) in conditions {
            // InSpec only knows a field if some row has it; an empty table accepts any.
            if !self.rows.is_empty() && !known.contains(&field.as_str()) {
                let expected: Vec<String> = known.iter().map(|k| format!("{k} (String)")).collect();
                return Err(ResourceError::Failed(format!(
                    "'{field} (String)' is not a recognized criterion - expected one of {}'",
                    expected.join(", ")
                )));
            }
            let regex = match wanted {
                Value::Regex(source) => Some(Regex::new(source).map_err(|e| {
                    ResourceError::BadArguments(format!(
                        "invalid regular expression `/{source}/`: {e}"
                    ))
                })?),
                _ => None,
            };
            let _ = write!(criteria, " {field} == {}", wanted.inspect());
            rows.retain(|row| {
                row.iter()
                    .find(|(k, _)| k == field)
                    .is_some_and(|(_, cell)| cell_matches(cell, wanted, regex.as_ref()))
            });
        }
        Ok(RuleTable { rows, criteria })
    }

    /// The values of one column in every row, `nil` where a row lacks it.
    fn column(&self, field: &str) -> Value {
        Value::Array(
            self.rows
                .iter()
                .map(|row| {
                    row.iter()
                        .find(|(k, _)| k == field)
                        .map_or(Value::Null, |(_, v)| v.clone())
                })
                .collect(),
        )
    }

    /// Answers a `FilterTable` method; `None` when `method` is not one.
    pub(crate) fn call_table(
        &self,
        method: &str,
        args: &[Value],
    ) -> Option<Result<Prop, ResourceError>> {
        let resource = |t: RuleTable| Prop::Resource(Box::new(t));
        let result = match method {
            "where" => match args {
                [Value::Map(conditions)] => self.filter(conditions).map(resource),
                // InSpec returns the table unchanged without criteria or for anything but a
                // Hash.
                [] | [_] => Ok(resource(self.clone())),
                _ => Err(ResourceError::BadArguments(
                    "`where` takes one map of criteria, e.g. `where(key: \"docker\")`".into(),
                )),
            },
            "entries" | "params" | "raw_data" => Ok(Prop::Value(Value::Array(
                self.rows.iter().map(row_value).collect(),
            ))),
            "exist?" | "exists?" => Ok(Prop::Value(Value::Bool(!self.rows.is_empty()))),
            "count" => Ok(Prop::Value(Value::Int(
                i64::try_from(self.rows.len()).unwrap_or(i64::MAX),
            ))),
            column if COLUMNS.contains(&column) => match args {
                [] => Ok(Prop::Value(self.column(column))),
                [wanted] => self
                    .filter(&[(column.to_owned(), wanted.clone())])
                    .map(resource),
                _ => Err(ResourceError::BadArguments(format!(
                    "`{column}` takes at most one value to filter by"
                ))),
            },
            _ => return None,
        };
        Some(result)
    }
}

impl Resource for RuleTable {
    fn to_s(&self) -> String {
        if self.criteria.is_empty() {
            TABLE_NAME.to_owned()
        } else {
            format!("{TABLE_NAME} with{}", self.criteria)
        }
    }
    fn resource_id(&self) -> String {
        String::new()
    }
    fn call(&self, method: &str, args: &[Value]) -> Result<Prop, ResourceError> {
        self.call_table(method, args).unwrap_or_else(|| {
            Err(ResourceError::NoMethod {
                method: method.to_owned(),
                resource: self.to_s(),
            })
        })
    }
}
