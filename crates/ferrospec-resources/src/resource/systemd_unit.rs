//! `systemd_unit`: where a systemd unit's file is.

use ferrospec_core::Value;

use crate::resource::{Ctx, Prop, Resource, ResourceError, ResourceType};

/// `systemd_unit`.
pub(crate) struct SystemdUnitType;

impl ResourceType for SystemdUnitType {
    fn name(&self) -> &'static str {
        "systemd_unit"
    }
    fn matchers(&self) -> &'static [&'static str] {
        &[]
    }
    fn open(&self, args: &[Value], _ctx: &Ctx<'_>) -> Result<Box<dyn Resource>, ResourceError> {
        let unit = match args {
            [Value::String(u)] => u.clone(),
            _ => {
                return Err(ResourceError::BadArguments(
                    "`systemd_unit` takes one unit name".into(),
                ));
            }
        };
        Ok(Box::new(SystemdUnit { unit }))
    }
}

struct SystemdUnit {
    unit: String,
}

impl Resource for SystemdUnit {
    fn to_s(&self) -> String {
        format!("Systemd Unit {}", self.unit)
    }
    fn resource_id(&self) -> String {
        self.unit.clone()
    }
    fn call(&self, method: &str, _args: &[Value]) -> Result<Prop, ResourceError> {
        Err(ResourceError::NoMethod {
            method: method.into(),
            resource: self.to_s(),
        })
    }
}
