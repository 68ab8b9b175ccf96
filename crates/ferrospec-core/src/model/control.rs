//! A control: metadata plus a body of checks.

use crate::model::Impact;
use crate::model::check::{Check, Guard, LetBinding};
use crate::value::Value;

/// A labelled description (`check`, `fix`, `rationale`, …; `default` is `desc`).
#[derive(Debug, Clone, PartialEq)]
pub struct Description {
    /// The label.
    pub label: String,
    /// The text.
    pub data: String,
}

/// A reference: a title, a URL, or both.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Reference {
    /// Title (`ref`).
    pub r#ref: Option<String>,
    /// Address (`url`).
    pub url: Option<String>,
}

/// Where a control is defined (`ref` is the file relative to the profile, `line` 1-based).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SourceLocation {
    /// File.
    pub r#ref: String,
    /// 1-based line.
    pub line: usize,
}

/// A structured fix, as data: the audit rule lines that make the control pass and the drop-in
/// file they belong in. Both may hold `${…}` references, resolved when the control runs.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Remediation {
    /// The drop-in rules file (an absolute path, usually under `/etc/audit/rules.d/`).
    pub file: Option<String>,
    /// Rule lines as `auditctl` takes them (`-w /etc/docker -p wa -k docker`).
    pub audit_rules: Vec<String>,
}

/// What a control does when it runs.
#[derive(Debug, Clone)]
pub enum ControlBody {
    /// A declarative body, from YAML.
    Declarative {
        /// Named values computed before the checks.
        lets: Vec<LetBinding>,
        /// Conditions; when any fails the control is skipped.
        only_if: Vec<Guard>,
        /// The checks.
        checks: Vec<Check>,
    },
    /// A control written in the InSpec DSL: the statement `index` of a parsed file (a
    /// `control … do … end` call, or a bare top-level `describe`), evaluated when it runs.
    Dsl {
        /// The parsed file, shared by its controls.
        file: std::sync::Arc<crate::dsl_file::DslFile>,
        /// Which top-level statement.
        index: usize,
    },
    /// A control that could not be built; running it gives one error result.
    Invalid {
        /// Why.
        message: String,
    },
}

/// One control.
#[derive(Debug, Clone)]
pub struct Control {
    /// Id (unique within a profile).
    pub id: String,
    /// Title.
    pub title: Option<String>,
    /// Default description.
    pub desc: Option<String>,
    /// Labelled descriptions, `default` first when `desc` is set.
    pub descriptions: Vec<Description>,
    /// Impact; `None` means unset.
    pub impact: Option<Impact>,
    /// Tags in order; a plain tag has the value `Null`.
    pub tags: Vec<(String, Value)>,
    /// References.
    pub refs: Vec<Reference>,
    /// Where it is defined.
    pub source_location: SourceLocation,
    /// Its source text.
    pub code: String,
    /// What it does.
    pub body: ControlBody,
    /// The structured fix: audit rules that make the control pass.
    pub remediation: Option<Remediation>,
}
