//! A loaded profile: `inspec.yml` metadata, input definitions, controls and groups.

use crate::model::Control;
use crate::value::Value;

/// The metadata of `inspec.yml`.
#[derive(Debug, Clone, Default)]
pub struct ProfileMetadata {
    /// `name` (required).
    pub name: String,
    /// `title`.
    pub title: Option<String>,
    /// `maintainer`.
    pub maintainer: Option<String>,
    /// `copyright`.
    pub copyright: Option<String>,
    /// `copyright_email`.
    pub copyright_email: Option<String>,
    /// `license`.
    pub license: Option<String>,
    /// `summary`.
    pub summary: Option<String>,
    /// `description`.
    pub description: Option<String>,
    /// `version`.
    pub version: Option<String>,
    /// `inspec_version` requirement, kept as text.
    pub inspec_version: Option<String>,
    /// `supports`: each entry a list of key/value pairs (`platform-family: linux`).
    pub supports: Vec<Vec<(String, String)>>,
}

/// An input declared in `inspec.yml` (`inputs:` or legacy `attributes:`).
#[derive(Debug, Clone, Default)]
pub struct InputDef {
    /// Name.
    pub name: String,
    /// Default value from the metadata.
    pub value: Option<Value>,
    /// Declared type (`String`, `Numeric`, …), as written.
    pub r#type: Option<String>,
    /// Whether a value must be given.
    pub required: bool,
    /// Description.
    pub description: Option<String>,
    /// Masked in reports.
    pub sensitive: bool,
    /// Regular expression the value must match.
    pub pattern: Option<String>,
}

/// Controls defined by one file, as InSpec's `groups`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Group {
    /// The file, relative to the profile (`controls/docker-1.5.yml`).
    pub id: String,
    /// File-level title, if any.
    pub title: Option<String>,
    /// Ids of the controls in the file, in order.
    pub controls: Vec<String>,
}

/// A loaded profile.
#[derive(Debug, Clone, Default)]
pub struct Profile {
    /// `inspec.yml` metadata.
    pub metadata: ProfileMetadata,
    /// Declared inputs.
    pub inputs: Vec<InputDef>,
    /// Controls, in file order.
    pub controls: Vec<Control>,
    /// One group per control file.
    pub groups: Vec<Group>,
    /// SHA-256 over the profile's files, hex.
    pub sha256: String,
    /// Where it was loaded from, for messages.
    pub location: String,
}
