//! `json`: a JSON document on the host, such as `/etc/docker/daemon.json`.
//!
//! ## What it checks
//!
//! The values in a JSON file (or in JSON given as text with `content:`), by key: the form
//! Docker host profiles use for the daemon configuration.
//!
//! ## Properties
//!
//! | property | value |
//! | --- | --- |
//! | `params` | the whole document |
//! | any top-level key (`its('icc')`) | that key's value, `nil` when absent |
//! | `its(['a', 'b'])` | a nested value, `nil` when any key is absent |
//!
//! ## Example
//!
//! ```ruby
//! describe json('/etc/docker/daemon.json') do
//!   its(['icc']) { should eq false }
//!   its(['log-opts', 'max-size']) { should cmp '10m' }
//! end
//! ```
//!
//! ```yaml
//! - resource: json
//!   args: /etc/docker/daemon.json
//!   its: [icc]
//!   should: { eq: false }
//! ```
//!
//! ## Platform notes
//!
//! A missing file skips every check on it (`Can't find file: <path>`), as InSpec does; a file
//! that cannot be read or is not valid JSON is an error, never an empty document.

use ferrospec_core::Value;

use crate::resource::{Ctx, Prop, Resource, ResourceError, ResourceState, ResourceType};

/// `json`.
pub(crate) struct JsonType;

impl ResourceType for JsonType {
    fn name(&self) -> &'static str {
        "json"
    }
    fn matchers(&self) -> &'static [&'static str] {
        &[]
    }
    fn open(&self, args: &[Value], ctx: &Ctx<'_>) -> Result<Box<dyn Resource>, ResourceError> {
        let (label, text) = match args {
            [Value::String(path)] => {
                let text = match ctx.host.read_file(path) {
                    Ok(bytes) => Ok(String::from_utf8_lossy(&bytes).into_owned()),
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                        return Ok(Box::new(JsonResource {
                            label: path.clone(),
                            state: ResourceState::Skipped(format!("Can't find file: {path}")),
                            doc: Value::Null,
                        }));
                    }
                    Err(e) => Err(format!("cannot read `{path}`: {e}")),
                };
                (path.clone(), text)
            }
            [Value::Map(opts)] => match opts.iter().find(|(k, _)| k == "content") {
                Some((_, Value::String(text))) => ("content".to_owned(), Ok(text.clone())),
                _ => {
                    return Err(ResourceError::BadArguments(
                        "`json` takes a path or `content: '…'`".into(),
                    ));
                }
            },
            _ => {
                return Err(ResourceError::BadArguments(
                    "`json` takes a path or `content: '…'`".into(),
                ));
            }
        };
        let (state, doc) = match text {
            Err(e) => (ResourceState::Failed(e), Value::Null),
            Ok(text) => match serde_json::from_str::<serde_json::Value>(&text) {
                Ok(v) => (ResourceState::Ok, Value::from(&v)),
                Err(e) => (
                    ResourceState::Failed(format!("Unable to parse the given JSON file: {e}")),
                    Value::Null,
                ),
            },
        };
        Ok(Box::new(JsonResource { label, state, doc }))
    }
}

struct JsonResource {
    label: String,
    state: ResourceState,
    doc: Value,
}

impl Resource for JsonResource {
    fn to_s(&self) -> String {
        format!("JSON {}", self.label)
    }
    fn resource_id(&self) -> String {
        self.label.clone()
    }
    fn state(&self) -> ResourceState {
        self.state.clone()
    }
    fn call(&self, method: &str, args: &[Value]) -> Result<Prop, ResourceError> {
        if !args.is_empty() {
            return Err(ResourceError::NoMethod {
                method: method.into(),
                resource: self.to_s(),
            });
        }
        match (method, &self.state) {
            (_, ResourceState::Failed(m) | ResourceState::Skipped(m)) => {
                Err(ResourceError::Failed(m.clone()))
            }
            ("params", _) => Ok(Prop::Value(self.doc.clone())),
            (key, _) => Ok(Prop::Value(
                self.doc.get(key).cloned().unwrap_or(Value::Null),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::testing::MemHost;

    fn open(host: &MemHost, args: &[Value]) -> Box<dyn Resource> {
        let ctx = Ctx {
            host,
            timeout: Duration::from_secs(5),
        };
        JsonType.open(args, &ctx).unwrap()
    }

    fn get(r: &dyn Resource, m: &str) -> Value {
        match r.call(m, &[]).unwrap() {
            Prop::Value(v) => v,
            Prop::Resource(_) => panic!("a resource"),
        }
    }

    #[test]
    fn reads_keys_and_nested_values() {
        let host = MemHost::new().file(
            "/etc/docker/daemon.json",
            r#"{"icc": false, "log-opts": {"max-size": "10m"}, "n": 3}"#,
        );
        let r = open(&host, &[Value::from("/etc/docker/daemon.json")]);
        assert_eq!(r.state(), ResourceState::Ok);
        assert_eq!(r.to_s(), "JSON /etc/docker/daemon.json");
        assert_eq!(get(r.as_ref(), "icc"), Value::Bool(false));
        assert_eq!(get(r.as_ref(), "n"), Value::Int(3));
        assert_eq!(get(r.as_ref(), "absent"), Value::Null);
        let params = get(r.as_ref(), "params");
        assert_eq!(
            crate::matcher::dig(&params, &["log-opts".into(), "max-size".into()]),
            Value::from("10m")
        );
    }

    #[test]
    fn missing_is_skipped_and_bad_json_is_an_error() {
        let host = MemHost::new().file("/bad.json", "{not json");
        let r = open(&host, &[Value::from("/nope.json")]);
        assert_eq!(
            r.state(),
            ResourceState::Skipped("Can't find file: /nope.json".into())
        );
        let r = open(&host, &[Value::from("/bad.json")]);
        assert!(
            matches!(r.state(), ResourceState::Failed(m) if m.starts_with("Unable to parse the given JSON file"))
        );
        assert!(
            matches!(r.call("icc", &[]), Err(ResourceError::Failed(_))),
            "never a value from a broken file"
        );
    }

    #[test]
    fn content_can_be_given_inline() {
        let host = MemHost::new();
        let r = open(
            &host,
            &[Value::Map(vec![(
                "content".into(),
                Value::from(r#"{"a": [1, 2]}"#),
            )])],
        );
        assert_eq!(
            get(r.as_ref(), "a"),
            Value::Array(vec![Value::Int(1), Value::Int(2)])
        );
    }
}
