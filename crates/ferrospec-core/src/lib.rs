//! The heart of ferrospec: the validated model of profiles and controls, the loaders that
//! build it (YAML today, the InSpec control DSL later), source spans and diagnostics, and the
//! result types that the executor writes and the reporters read.
//!
//! This crate never touches the host and never prints: it parses, validates and describes.

pub mod diagnostic;
pub mod error;
pub mod loader;
pub mod model;
pub mod results;
pub mod schema;
pub mod source;
pub mod value;
mod yaml;

pub use diagnostic::Diagnostic;
pub use error::{LoadError, LoadErrorKind, LoadErrors};
pub use loader::{ProfileFiles, Vocabulary, load_control_file, load_profile, natural_cmp};
pub use source::{SourceFile, Span};
pub use value::Value;
