//! The heart of ferrospec: the validated model of profiles and controls, the loaders that
//! build it (YAML today, the InSpec control DSL later), source spans and diagnostics, and the
//! result types that the executor writes and the reporters read.
//!
//! This crate never touches the host and never prints: it parses, validates and describes.

pub mod diagnostic;
pub mod dsl;
pub mod dsl_file;
pub mod error;
pub mod loader;
pub mod model;
pub mod results;
pub mod schema;
pub mod source;
pub mod time;
pub mod value;
pub mod waiver;
pub mod yaml;

pub use diagnostic::Diagnostic;
pub use error::{LoadError, LoadErrorKind, LoadErrors};
pub use loader::{ProfileFiles, Vocabulary, load_control_file, load_profile, natural_cmp};
pub use source::{SourceFile, Span};
pub use value::Value;

/// Reads an input file (`--input-file`): a flat YAML mapping of names to values.
pub fn read_input_file(path: &std::path::Path) -> Result<Vec<(String, Value)>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => format!("cannot find input file `{}`", path.display()),
        _ => format!("cannot read input file `{}`: {e}", path.display()),
    })?;
    yaml::parse_input_file(&text).map_err(|e| format!("input file `{}`: {e}", path.display()))
}
