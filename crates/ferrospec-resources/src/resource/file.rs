//! `file`: a path on the host and what `stat` and a read tell of it.

use ferrospec_core::Value;

use crate::resource::{Ctx, Prop, Resource, ResourceError, ResourceType};

/// `file`.
pub(crate) struct FileType;

impl ResourceType for FileType {
    fn name(&self) -> &'static str {
        "file"
    }
    fn matchers(&self) -> &'static [&'static str] {
        &[
            "be_directory",
            "be_file",
            "be_grouped_into",
            "be_more_permissive_than",
            "be_owned_by",
            "be_symlink",
        ]
    }
    fn open(&self, args: &[Value], ctx: &Ctx<'_>) -> Result<Box<dyn Resource>, ResourceError> {
        let path = match args {
            [Value::String(p)] => p.clone(),
            _ => return Err(ResourceError::BadArguments("`file` takes one path".into())),
        };
        let exists = ctx.host.stat(&path).is_ok();
        Ok(Box::new(FileResource { path, exists }))
    }
}

struct FileResource {
    path: String,
    exists: bool,
}

impl Resource for FileResource {
    fn to_s(&self) -> String {
        format!("File {}", self.path)
    }
    fn resource_id(&self) -> String {
        self.path.clone()
    }
    fn call(&self, method: &str, _args: &[Value]) -> Result<Prop, ResourceError> {
        match method {
            "exist?" => Ok(Prop::Value(Value::Bool(self.exists))),
            _ => Err(ResourceError::NoMethod {
                method: method.into(),
                resource: self.to_s(),
            }),
        }
    }
}
