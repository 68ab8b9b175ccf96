//! `inspec.yml`: profile metadata and input declarations. Unknown top-level keys are accepted,
//! as InSpec accepts them; `depends` is refused until dependencies are supported.

use serde::Deserialize;

use crate::diagnostic::Diagnostic;
use crate::model::{InputDef, ProfileMetadata};
use crate::source::{SourceFile, Span};
use crate::yaml::{one_or_many::OneOrMany, scalar_text, to_value, yaml_diagnostic};

#[derive(Deserialize)]
struct MetadataSpec {
    name: Option<String>,
    title: Option<String>,
    maintainer: Option<String>,
    copyright: Option<String>,
    copyright_email: Option<String>,
    license: Option<String>,
    summary: Option<String>,
    description: Option<String>,
    version: Option<serde_yaml::Value>,
    inspec_version: Option<String>,
    supports: Option<OneOrMany<serde_yaml::Mapping>>,
    inputs: Option<Vec<InputSpec>>,
    attributes: Option<Vec<InputSpec>>,
    depends: Option<serde_yaml::Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct InputSpec {
    name: String,
    value: Option<serde_yaml::Value>,
    /// Legacy `attributes:` spell the value `default`.
    default: Option<serde_yaml::Value>,
    #[serde(rename = "type")]
    type_: Option<String>,
    #[serde(default)]
    required: bool,
    description: Option<String>,
    #[serde(default)]
    sensitive: bool,
    pattern: Option<String>,
    priority: Option<i64>,
    profile: Option<String>,
}

const INPUT_TYPES: &[&str] = &[
    "string", "numeric", "regexp", "array", "hash", "boolean", "any",
];

/// Parses `inspec.yml`.
pub(crate) fn parse_metadata(
    source: &SourceFile,
) -> Result<(ProfileMetadata, Vec<InputDef>), Diagnostic> {
    let spec: MetadataSpec =
        serde_yaml::from_str(source.text()).map_err(|e| yaml_diagnostic(source, &e))?;
    let at_key = |key: &str| {
        let text = source.text();
        let offset = text
            .match_indices(&format!("{key}:"))
            .find(|(i, _)| *i == 0 || text.as_bytes()[i - 1] == b'\n')
            .map_or(0, |(i, _)| i);
        Span::new(offset, offset + key.len())
    };
    if spec.depends.is_some() {
        return Err(Diagnostic::new(
            source,
            at_key("depends"),
            "profile dependencies (`depends`) are not supported yet",
        )
        .with_label("remove `depends` or vendor the controls into this profile"));
    }
    let Some(name) = spec.name.filter(|n| !n.trim().is_empty()) else {
        return Err(
            Diagnostic::new(source, Span::empty(0), "missing profile name in inspec.yml")
                .with_label("add `name: …`"),
        );
    };
    if name.contains('/') || name.contains('\\') {
        return Err(Diagnostic::new(
            source,
            at_key("name"),
            format!("the profile name `{name}` contains a slash, which is not permitted"),
        ));
    }
    let supports = spec
        .supports
        .map(|s| {
            s.0.iter()
                .map(|m| {
                    m.iter()
                        .map(|(k, v)| (scalar_text(k), scalar_text(v)))
                        .collect()
                })
                .collect()
        })
        .unwrap_or_default();
    let metadata = ProfileMetadata {
        name,
        title: spec.title,
        maintainer: spec.maintainer,
        copyright: spec.copyright,
        copyright_email: spec.copyright_email,
        license: spec.license,
        summary: spec.summary,
        description: spec.description,
        version: spec.version.as_ref().map(scalar_text),
        inspec_version: spec.inspec_version,
        supports,
    };
    let mut inputs = Vec::new();
    for input in spec.inputs.into_iter().chain(spec.attributes).flatten() {
        if let Some(t) = &input.type_
            && !INPUT_TYPES.contains(&t.to_ascii_lowercase().as_str())
        {
            return Err(Diagnostic::new(
                source,
                at_key_anywhere(source, t),
                format!("type `{t}` is not a valid input type"),
            )
            .with_label(
                "expected one of `String`, `Numeric`, `Regexp`, `Array`, `Hash`, `Boolean`, `Any`",
            ));
        }
        let _ = (input.priority, input.profile);
        inputs.push(InputDef {
            name: input.name,
            value: input.value.or(input.default).as_ref().map(to_value),
            r#type: input.type_,
            required: input.required,
            description: input.description,
            sensitive: input.sensitive,
            pattern: input.pattern,
        });
    }
    Ok((metadata, inputs))
}

fn at_key_anywhere(source: &SourceFile, needle: &str) -> Span {
    let offset = source.text().find(needle).unwrap_or(0);
    Span::new(offset, offset + needle.len())
}
