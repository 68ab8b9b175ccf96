//! `auditd` (and its legacy alias `auditd_rules`): the audit rules the kernel has loaded, from
//! `auditctl -l`, and — beyond InSpec — the rules persisted in `/etc/audit`.
//!
//! ## What it checks
//! (filled in with the implementation)

use ferrospec_core::Value;

use crate::resource::{Ctx, Prop, Resource, ResourceError, ResourceState, ResourceType};

/// `auditd`.
pub(crate) struct AuditdType;
/// `auditd_rules`, the legacy name.
pub(crate) struct AuditdRulesType;

const MATCHERS: &[&str] = &["have_watch"];

impl ResourceType for AuditdType {
    fn name(&self) -> &'static str {
        "auditd"
    }
    fn matchers(&self) -> &'static [&'static str] {
        MATCHERS
    }
    fn open(&self, args: &[Value], ctx: &Ctx<'_>) -> Result<Box<dyn Resource>, ResourceError> {
        AuditdResource::open(args, ctx)
    }
}

impl ResourceType for AuditdRulesType {
    fn name(&self) -> &'static str {
        "auditd_rules"
    }
    fn matchers(&self) -> &'static [&'static str] {
        MATCHERS
    }
    fn open(&self, args: &[Value], ctx: &Ctx<'_>) -> Result<Box<dyn Resource>, ResourceError> {
        AuditdResource::open(args, ctx)
    }
}

/// An opened `auditd`.
pub(crate) struct AuditdResource {
    state: ResourceState,
}

impl AuditdResource {
    fn open(_args: &[Value], _ctx: &Ctx<'_>) -> Result<Box<dyn Resource>, ResourceError> {
        Ok(Box::new(Self {
            state: ResourceState::Failed("the auditd resource is not implemented yet".into()),
        }))
    }
}

impl Resource for AuditdResource {
    fn to_s(&self) -> String {
        "Auditd Rules".into()
    }
    fn resource_id(&self) -> String {
        String::new()
    }
    fn state(&self) -> ResourceState {
        self.state.clone()
    }
    fn call(&self, method: &str, _args: &[Value]) -> Result<Prop, ResourceError> {
        Err(ResourceError::NoMethod {
            method: method.into(),
            resource: self.to_s(),
        })
    }
}
