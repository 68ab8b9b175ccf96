//! `ferrospec export PATH [--format yaml|json] [-o FILE]`: a profile's metadata, controls,
//! groups and inputs, in the shape of `inspec export` (YAML by default, as InSpec). A profile
//! that does not load is an error, as for `exec`.

use std::path::Path;

use ferrospec_core::model::Profile;
use ferrospec_core::{ProfileFiles, Value, load_profile};
use ferrospec_resources::Registry;
use serde_json::{Map, Value as Json, json};

use crate::commands::emit;
use crate::error::CliError;
use crate::exit_code;
use crate::run::write_atomically;

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    /// YAML (InSpec's default for `export`).
    Yaml,
    /// JSON on one line (as `inspec json`).
    Json,
}

/// Runs `ferrospec export`; returns the exit code.
pub(crate) fn run(
    path: &Path,
    format: Format,
    output: Option<&Path>,
    out: &mut dyn std::io::Write,
) -> Result<i32, CliError> {
    let files = ProfileFiles::from_path(path)?;
    let profile = load_profile(&files, &Registry)?;
    let text = render(&document(&profile)?, format)?;
    match output {
        None => emit(out, &text)?,
        Some(file) => {
            write_atomically(file, text.as_bytes()).map_err(|source| CliError::WriteFile {
                path: file.to_owned(),
                source,
            })?;
        }
    }
    Ok(exit_code::SUCCESS)
}

/// Serializes the document in the chosen format.
pub(crate) fn render(doc: &Json, format: Format) -> Result<String, CliError> {
    match format {
        Format::Json => Ok(format!("{doc}\n")),
        // Ruby's `to_yaml` starts the document with `---`; serde_yaml does not.
        Format::Yaml => ferrospec_core::yaml::to_string(doc)
            .map(|y| format!("---\n{y}"))
            .map_err(|e| CliError::Internal {
                message: format!("cannot write the export as YAML: {e}"),
            }),
    }
}

fn json_of(v: &Value) -> Result<Json, CliError> {
    serde_json::to_value(v).map_err(|e| CliError::Internal {
        message: format!("cannot convert a value to JSON: {e}"),
    })
}

/// The profile as `inspec export` shows it.
pub(crate) fn document(p: &Profile) -> Result<Json, CliError> {
    let m = &p.metadata;
    let mut doc = Map::new();
    doc.insert("name".into(), json!(m.name));
    for (key, value) in [
        ("title", &m.title),
        ("maintainer", &m.maintainer),
        ("copyright", &m.copyright),
        ("copyright_email", &m.copyright_email),
        ("license", &m.license),
        ("summary", &m.summary),
        ("description", &m.description),
        ("version", &m.version),
        ("inspec_version", &m.inspec_version),
    ] {
        if let Some(v) = value {
            doc.insert(key.into(), json!(v));
        }
    }
    let supports: Vec<Json> = m
        .supports
        .iter()
        .map(|entry| {
            // InSpec renames the legacy `os-*` keys to their `platform-*` spelling.
            let map: Map<String, Json> = entry
                .iter()
                .map(|(k, v)| {
                    let key = match k.as_str() {
                        "os-family" => "platform-family",
                        "os-name" => "platform-name",
                        other => other,
                    };
                    (key.to_owned(), json!(v))
                })
                .collect();
            Json::Object(map)
        })
        .collect();
    doc.insert("supports".into(), Json::Array(supports));
    let mut controls = Vec::new();
    for c in &p.controls {
        let descriptions: Map<String, Json> = c
            .descriptions
            .iter()
            .map(|d| (d.label.clone(), json!(d.data)))
            .collect();
        let refs: Vec<Json> = c
            .refs
            .iter()
            .map(|r| {
                let mut o = Map::new();
                if let Some(url) = &r.url {
                    o.insert("url".into(), json!(url));
                }
                if let Some(t) = &r.r#ref {
                    o.insert("ref".into(), json!(t));
                }
                Json::Object(o)
            })
            .collect();
        let mut tags = Map::new();
        for (k, v) in &c.tags {
            tags.insert(k.clone(), json_of(v)?);
        }
        controls.push(json!({
            "id": c.id,
            "title": c.title,
            "desc": c.desc,
            "descriptions": descriptions,
            "impact": c.impact.unwrap_or(0.5),
            "refs": refs,
            "tags": tags,
            "code": c.code,
            "source_location": { "ref": c.source_location.r#ref, "line": c.source_location.line },
        }));
    }
    doc.insert("controls".into(), Json::Array(controls));
    let groups: Vec<Json> = p
        .groups
        .iter()
        .map(|g| {
            let mut o = Map::new();
            o.insert("id".into(), json!(g.id));
            if let Some(t) = &g.title {
                o.insert("title".into(), json!(t));
            }
            o.insert("controls".into(), json!(g.controls));
            Json::Object(o)
        })
        .collect();
    doc.insert("groups".into(), Json::Array(groups));
    let mut inputs = Vec::new();
    for i in &p.inputs {
        let mut options = Map::new();
        if let Some(v) = &i.value {
            // Sensitive values stay masked, as in every report.
            let shown = if i.sensitive {
                json!("***")
            } else {
                json_of(v)?
            };
            options.insert("value".into(), shown);
        }
        if let Some(t) = &i.r#type {
            options.insert("type".into(), json!(t));
        }
        options.insert("required".into(), json!(i.required));
        if let Some(d) = &i.description {
            options.insert("description".into(), json!(d));
        }
        options.insert("sensitive".into(), json!(i.sensitive));
        if let Some(pat) = &i.pattern {
            options.insert("pattern".into(), json!(pat));
        }
        inputs.push(json!({ "name": i.name, "options": options }));
    }
    doc.insert("inputs".into(), Json::Array(inputs));
    doc.insert("sha256".into(), json!(p.sha256));
    doc.insert("status".into(), json!("loaded"));
    doc.insert("status_message".into(), json!(""));
    doc.insert(
        "generator".into(),
        json!({ "name": "ferrospec", "version": env!("CARGO_PKG_VERSION") }),
    );
    Ok(Json::Object(doc))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn export(files: &[(&str, &str)]) -> Json {
        let files = ProfileFiles::embedded("p", "p", files);
        document(&load_profile(&files, &Registry).expect("loads")).expect("exports")
    }

    #[test]
    fn controls_have_inspecs_fields_and_defaults() {
        let doc = export(&[
            (
                "inspec.yml",
                "name: p\nversion: 1.0.0\nsupports:\n  - os-family: linux\ninputs:\n  - name: secret\n    value: x\n    sensitive: true\n",
            ),
            (
                "controls/a.yml",
                "id: a-1\ndesc: D\ndescriptions:\n  fix: F\ntags: [plain, {cis: '1.1'}]\nrefs:\n  - ref: R\n    url: https://example.com\ndescribe:\n  - value: 1\n    should: { eq: 1 }\n",
            ),
        ]);
        assert_eq!(doc["supports"], json!([{ "platform-family": "linux" }]));
        let c = &doc["controls"][0];
        assert_eq!(c["impact"], json!(0.5));
        assert_eq!(c["title"], Json::Null);
        assert_eq!(c["descriptions"], json!({ "default": "D", "fix": "F" }));
        assert_eq!(c["tags"], json!({ "plain": null, "cis": "1.1" }));
        assert_eq!(
            c["refs"],
            json!([{ "url": "https://example.com", "ref": "R" }])
        );
        assert_eq!(
            c["source_location"],
            json!({ "ref": "controls/a.yml", "line": 1 })
        );
        assert_eq!(
            doc["groups"],
            json!([{ "id": "controls/a.yml", "controls": ["a-1"] }])
        );
        assert_eq!(doc["inputs"][0]["options"]["value"], json!("***"));
        assert_eq!(doc["generator"]["name"], json!("ferrospec"));
        let keys: Vec<&String> = c.as_object().expect("object").keys().collect();
        assert_eq!(
            keys,
            [
                "id",
                "title",
                "desc",
                "descriptions",
                "impact",
                "refs",
                "tags",
                "code",
                "source_location"
            ]
        );
    }

    #[test]
    fn yaml_starts_a_document_like_ruby() {
        let y = render(&json!({ "name": "p" }), Format::Yaml).expect("yaml");
        assert_eq!(y, "---\nname: p\n");
    }
}
