//! Resources: what a `describe` can be about. Each resource type is one file named after its
//! DSL name, listed once in the sorted [`RESOURCES`] table.
//!
//! A resource is opened with its arguments against a [`Ctx`]. Like InSpec's, it may then be in
//! a failed or skipped state (auditctl missing, not applicable); the executor turns that into
//! one error or skipped result for the whole `describe`.

pub(crate) mod auditd;
mod command;
mod directory;
mod file;
mod json;
mod os;
mod package;
mod service;
mod systemd_unit;

use std::time::Duration;

use ferrospec_core::Value;

use crate::host::Host;
use crate::matcher::MatchOutcome;

/// What a resource needs while it runs.
pub struct Ctx<'a> {
    /// The host.
    pub host: &'a dyn Host,
    /// How long a command may run before it is stopped and the result is an error.
    pub timeout: Duration,
}

/// The state of an opened resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResourceState {
    /// Ready.
    Ok,
    /// It could not read what it needs (InSpec's `ResourceFailed`): every check is an error.
    Failed(String),
    /// It does not apply here (InSpec's `skip_resource`): every check is skipped.
    Skipped(String),
}

/// A property or method result: a plain value or another resource (a filtered table).
pub enum Prop {
    /// A value.
    Value(Value),
    /// A resource (e.g. `auditd.file('/x')`).
    Resource(Box<dyn Resource>),
}

/// Why a property or matcher could not be evaluated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResourceError {
    /// No such property or method.
    #[error("undefined method `{method}` for {resource}")]
    NoMethod {
        /// The method.
        method: String,
        /// The resource's `to_s`.
        resource: String,
    },
    /// Wrong arguments.
    #[error("{0}")]
    BadArguments(String),
    /// The host could not tell (never a pass).
    #[error("{0}")]
    Failed(String),
}

/// An opened resource.
pub trait Resource {
    /// InSpec's `to_s`, the start of every `code_desc` (`File /etc/docker`, `Auditd Rules`).
    fn to_s(&self) -> String;
    /// The resource id (the path of a `file`).
    fn resource_id(&self) -> String;
    /// Whether it could read what it needs.
    fn state(&self) -> ResourceState {
        ResourceState::Ok
    }
    /// Calls a property or method (`mode`, `exist?`, `file('/x')`, `lines`).
    fn call(&self, method: &str, args: &[Value]) -> Result<Prop, ResourceError>;
    /// Like [`Resource::call`], with the host at hand, for resources that read lazily (a
    /// `command` runs only when its output is asked for, not for `exist?`). The executor and
    /// the DSL evaluator call this one.
    fn call_in(&self, method: &str, args: &[Value], _ctx: &Ctx<'_>) -> Result<Prop, ResourceError> {
        self.call(method, args)
    }
    /// A matcher specific to this resource (`have_watch`); `None` when it is not one.
    fn matcher(&self, _name: &str, _args: &[Value]) -> Option<Result<MatchOutcome, ResourceError>> {
        None
    }
    /// Like [`Resource::matcher`], with the host at hand for matchers that must look at it
    /// again (`have_watch` resolves directory links, so `/lib/x` and `/usr/lib/x` are one path
    /// where `/lib` links to `/usr/lib`). The executor calls this one.
    fn matcher_in(
        &self,
        name: &str,
        args: &[Value],
        _ctx: &Ctx<'_>,
    ) -> Option<Result<MatchOutcome, ResourceError>> {
        self.matcher(name, args)
    }
}

/// A kind of resource: its name, its matchers, and how to open one.
pub trait ResourceType: Sync {
    /// DSL name (`auditd`).
    fn name(&self) -> &'static str;
    /// Matchers that only this resource answers, including its `be_*` predicates.
    fn matchers(&self) -> &'static [&'static str];
    /// Opens it; `Err` only for unusable arguments (a problem of the control, not the host).
    fn open(&self, args: &[Value], ctx: &Ctx<'_>) -> Result<Box<dyn Resource>, ResourceError>;
}

/// Every resource type, sorted by name.
pub static RESOURCES: &[&dyn ResourceType] = &[
    &auditd::AuditdType,
    &auditd::AuditdRulesType,
    &command::CommandType,
    &directory::DirectoryType,
    &file::FileType,
    &json::JsonType,
    &os::OsType,
    &package::PackageType,
    &service::ServiceType,
    &service::SystemdServiceType,
    &systemd_unit::SystemdUnitType,
];

/// Finds a resource type by name.
pub fn resource_type(name: &str) -> Option<&'static dyn ResourceType> {
    RESOURCES.iter().copied().find(|r| r.name() == name)
}

/// The resource registry as the loader's vocabulary.
#[derive(Debug, Default, Clone, Copy)]
pub struct Registry;

impl ferrospec_core::Vocabulary for Registry {
    fn resource_names(&self) -> Vec<String> {
        RESOURCES.iter().map(|r| r.name().to_owned()).collect()
    }
    fn matcher_names(&self) -> Vec<String> {
        let mut names: Vec<String> = crate::matcher::GENERIC_MATCHERS
            .iter()
            .chain(RESOURCES.iter().flat_map(|r| r.matchers()))
            .map(|s| (*s).to_owned())
            .collect();
        names.sort();
        names.dedup();
        names
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resources_are_sorted_and_unique() {
        let names: Vec<&str> = RESOURCES.iter().map(|r| r.name()).collect();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(names, sorted);
    }
}
