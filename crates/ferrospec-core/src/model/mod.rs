//! The validated model of a profile: metadata, inputs and controls. Both loaders (YAML and,
//! later, the control DSL) build it; the executor consumes it.

mod check;
mod control;
mod impact;
mod profile;

pub use check::{
    Check, CmpOp, Describe, Expectation, Guard, ItsPath, LetBinding, LetSource, Matcher,
    ResourceCall, Subject,
};
pub use control::{Control, ControlBody, Description, Reference, Remediation, SourceLocation};
pub use impact::{Impact, parse_impact_name};
pub use profile::{Group, InputDef, Profile, ProfileMetadata};

/// The names referenced as `${name}` in a text, in order.
pub fn references(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find("${") {
        let after = &rest[i + 2..];
        let Some(end) = after.find('}') else { break };
        let name = &after[..end];
        if !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            out.push(name);
        }
        rest = &after[end + 1..];
    }
    out
}
