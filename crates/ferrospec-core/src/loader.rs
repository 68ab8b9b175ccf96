//! Loading profiles in InSpec's layout (`inspec.yml`, `controls/`, `files/`) and single
//! control files, from disk or from files embedded in the binary. Every file's errors are
//! collected before the load fails, so one run shows them all.

use std::path::Path;

use sha2::{Digest, Sha256};

use crate::diagnostic::Diagnostic;
use crate::error::{LoadError, LoadErrorKind, LoadErrors};
use crate::model::{Control, ControlBody, Group, LetSource, Profile, ProfileMetadata};
use crate::source::{SourceFile, Span};
use crate::value::Value;
use crate::yaml;

/// The names the loader accepts; the resource registry implements it.
pub trait Vocabulary {
    /// Every resource name.
    fn resource_names(&self) -> Vec<String>;
    /// Every matcher name.
    fn matcher_names(&self) -> Vec<String>;
}

/// One file of a profile.
#[derive(Debug, Clone)]
pub struct ProfileFile {
    /// Path relative to the profile root, with `/` separators.
    pub rel_path: String,
    /// Path shown in messages.
    pub display_path: String,
    /// Contents.
    pub bytes: Vec<u8>,
}

/// The files of a profile, or one control file, ready to load.
#[derive(Debug, Clone)]
pub struct ProfileFiles {
    /// What it is, for messages (a path, or `docker-host (bundled)`).
    pub location: String,
    /// The files, in natural order of their relative paths (`docker-1.5` before `docker-1.10`).
    pub files: Vec<ProfileFile>,
    /// True for a single control file run without a profile.
    pub single: bool,
}

impl ProfileFiles {
    /// Reads a profile directory or a single control file.
    pub fn from_path(path: &Path) -> Result<Self, LoadErrors> {
        let location = path.display().to_string();
        let fail = |kind| LoadErrors {
            location: location.clone(),
            errors: vec![LoadError {
                path: location.clone(),
                kind,
            }],
        };
        let meta = std::fs::metadata(path).map_err(|source| {
            fail(LoadErrorKind::Io {
                path: path.to_owned(),
                source,
            })
        })?;
        if meta.is_file() {
            let bytes = std::fs::read(path).map_err(|source| {
                fail(LoadErrorKind::Io {
                    path: path.to_owned(),
                    source,
                })
            })?;
            let name = path
                .file_name()
                .map_or_else(|| location.clone(), |n| n.to_string_lossy().into_owned());
            return Ok(Self {
                location: location.clone(),
                files: vec![ProfileFile {
                    rel_path: name,
                    display_path: location.clone(),
                    bytes,
                }],
                single: true,
            });
        }
        let mut files = Vec::new();
        for entry in walkdir::WalkDir::new(path).sort_by_file_name() {
            let entry = entry.map_err(|e| {
                let p = e.path().map_or_else(|| path.to_owned(), Path::to_owned);
                fail(LoadErrorKind::Io {
                    path: p,
                    source: e.into(),
                })
            })?;
            if !entry.file_type().is_file() {
                continue;
            }
            let rel = entry.path().strip_prefix(path).unwrap_or(entry.path());
            let rel_path = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            if rel_path.starts_with('.') || rel_path.contains("/.") {
                continue;
            }
            let bytes = std::fs::read(entry.path()).map_err(|source| {
                fail(LoadErrorKind::Io {
                    path: entry.path().to_owned(),
                    source,
                })
            })?;
            files.push(ProfileFile {
                rel_path,
                display_path: entry.path().display().to_string(),
                bytes,
            });
        }
        files.sort_by(|a, b| natural_cmp(&a.rel_path, &b.rel_path));
        Ok(Self {
            location,
            files,
            single: false,
        })
    }

    /// A profile embedded in the binary: `(relative path, contents)` pairs.
    pub fn embedded(location: &str, display_root: &str, files: &[(&str, &str)]) -> Self {
        let mut files: Vec<ProfileFile> = files
            .iter()
            .map(|(rel, text)| ProfileFile {
                rel_path: (*rel).to_owned(),
                display_path: format!("{display_root}/{rel}"),
                bytes: text.as_bytes().to_vec(),
            })
            .collect();
        files.sort_by(|a, b| natural_cmp(&a.rel_path, &b.rel_path));
        Self {
            location: location.to_owned(),
            files,
            single: false,
        }
    }

    /// SHA-256 over every file's path and contents.
    pub fn sha256(&self) -> String {
        let mut h = Sha256::new();
        for f in &self.files {
            h.update(f.rel_path.as_bytes());
            h.update([0]);
            h.update(&f.bytes);
            h.update([0]);
        }
        h.finalize()
            .iter()
            .fold(String::with_capacity(64), |mut s, b| {
                use std::fmt::Write as _;
                let _ = write!(s, "{b:02x}");
                s
            })
    }
}

/// Orders names with their digit runs compared as numbers, so `docker-1.5.yml` comes before
/// `docker-1.10.yml`, as GNU `ls -v` does (augenrules' order of rules files); names equal but
/// for leading zeros fall back to byte order.
pub fn natural_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    fn chunks(s: &str) -> Vec<(bool, &str)> {
        let mut out = Vec::new();
        let mut start = 0;
        let bytes = s.as_bytes();
        for i in 1..=bytes.len() {
            if i == bytes.len() || bytes[i].is_ascii_digit() != bytes[start].is_ascii_digit() {
                out.push((bytes[start].is_ascii_digit(), &s[start..i]));
                start = i;
            }
        }
        out
    }
    let (ca, cb) = (chunks(a), chunks(b));
    for (x, y) in ca.iter().zip(cb.iter()) {
        let ord = match (x, y) {
            ((true, x), (true, y)) => {
                let (tx, ty) = (x.trim_start_matches('0'), y.trim_start_matches('0'));
                tx.len().cmp(&ty.len()).then_with(|| tx.cmp(ty))
            }
            ((_, x), (_, y)) => x.cmp(y),
        };
        if ord != std::cmp::Ordering::Equal {
            return ord;
        }
    }
    ca.len().cmp(&cb.len()).then_with(|| a.cmp(b))
}

fn source_of(f: &ProfileFile) -> Result<SourceFile, LoadError> {
    match String::from_utf8(f.bytes.clone()) {
        Ok(text) => Ok(SourceFile::new(f.display_path.clone(), text)),
        Err(e) => {
            let src = SourceFile::new(
                f.display_path.clone(),
                String::from_utf8_lossy(&f.bytes).into_owned(),
            );
            let at = e.utf8_error().valid_up_to();
            Err(LoadError::diagnostic(Diagnostic::new(
                &src,
                Span::new(at, at + 1),
                "the file is not valid UTF-8",
            )))
        }
    }
}

/// Whether a path has this extension, in any case.
fn has_ext(path: &str, ext: &str) -> bool {
    Path::new(path)
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case(ext))
}

fn is_control_file(rel: &str) -> bool {
    Path::new(rel)
        .extension()
        .is_some_and(|e| e == "yml" || e == "yaml" || e == "rb")
}

/// Loads a profile (or a single control file).
pub fn load_profile(files: &ProfileFiles, vocab: &dyn Vocabulary) -> Result<Profile, LoadErrors> {
    let mut errors = Vec::new();
    let mut profile = Profile {
        sha256: files.sha256(),
        location: files.location.clone(),
        ..Profile::default()
    };
    if files.single {
        profile.metadata = ProfileMetadata {
            name: format!("tests from {}", files.location.replace(['/', '\\'], ".")),
            ..ProfileMetadata::default()
        };
    } else if let Some(meta) = files.files.iter().find(|f| f.rel_path == "inspec.yml") {
        match source_of(meta)
            .and_then(|src| yaml::parse_metadata(&src).map_err(LoadError::diagnostic))
        {
            Ok((m, inputs)) => {
                profile.metadata = m;
                profile.inputs = inputs;
            }
            Err(e) => errors.push(e),
        }
    } else {
        profile.metadata = ProfileMetadata {
            name: format!("tests from {}", files.location.replace(['/', '\\'], ".")),
            ..ProfileMetadata::default()
        };
    }
    for f in &files.files {
        let in_controls = files.single || f.rel_path.starts_with("controls/");
        if f.rel_path.starts_with("libraries/") && has_ext(&f.rel_path, "rb") {
            errors.push(LoadError::profile(
                &f.display_path,
                "custom resource libraries (`libraries/*.rb`) are not supported",
            ));
            continue;
        }
        if !in_controls || !is_control_file(&f.rel_path) {
            if files.single {
                errors.push(LoadError::profile(
                    &f.display_path,
                    "expected a control file ending in `.yml`, `.yaml` or `.rb`",
                ));
            }
            continue;
        }
        let src = match source_of(f) {
            Ok(s) => s,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        match load_control_file(&src, &f.rel_path, vocab) {
            Ok((title, controls)) => {
                profile.groups.push(Group {
                    id: f.rel_path.clone(),
                    title,
                    controls: controls.iter().map(|c| c.id.clone()).collect(),
                });
                for c in controls {
                    if let Some(prev) = profile.controls.iter().find(|p| p.id == c.id) {
                        let off = src.text().find(&c.id).unwrap_or(0);
                        errors.push(LoadError::diagnostic(
                            Diagnostic::new(
                                &src,
                                Span::new(off, off + c.id.len()),
                                format!("duplicate control id `{}`", c.id),
                            )
                            .with_label(format!(
                                "first defined in {}:{}",
                                prev.source_location.r#ref, prev.source_location.line
                            )),
                        ));
                        continue;
                    }
                    if let Err(e) = check_names(&src, &c, &profile) {
                        errors.push(e);
                    }
                    profile.controls.push(c);
                }
            }
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(profile)
    } else {
        Err(LoadErrors {
            location: files.location.clone(),
            errors,
        })
    }
}

/// Loads one control file (YAML; the DSL is refused with a clear error until it lands).
pub fn load_control_file(
    src: &SourceFile,
    rel_path: &str,
    vocab: &dyn Vocabulary,
) -> Result<(Option<String>, Vec<Control>), LoadError> {
    if has_ext(rel_path, "rb") {
        let program =
            crate::dsl::parse(src).map_err(|e| LoadError::diagnostic(e.to_diagnostic(src)))?;
        let file = std::sync::Arc::new(crate::dsl_file::DslFile {
            source: src.clone(),
            program,
            rel_path: rel_path.to_owned(),
        });
        return crate::dsl_file::collect(&file).map_err(LoadError::diagnostic);
    }
    yaml::parse_control_file(src, rel_path, vocab.resource_names(), vocab.matcher_names())
        .map_err(LoadError::diagnostic)
}

/// Every `${name}` in a control must name an input of the profile or one of its `let`s.
fn check_names(src: &SourceFile, control: &Control, profile: &Profile) -> Result<(), LoadError> {
    let ControlBody::Declarative { lets, .. } = &control.body else {
        return Ok(());
    };
    let mut known: Vec<&str> = profile.inputs.iter().map(|i| i.name.as_str()).collect();
    for l in lets {
        // A let may use inputs and earlier lets.
        for s in &l.sources {
            let text = match s {
                LetSource::Literal(v) => value_text(v),
                LetSource::Property { resource, .. } => {
                    resource.args.iter().map(value_text).collect()
                }
            };
            check_refs_in(src, &text, &known)?;
        }
        known.push(&l.name);
    }
    check_refs_in(src, &control.code, &known)
}

fn value_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Array(a) => a.iter().map(value_text).collect(),
        Value::Map(m) => m.iter().map(|(_, v)| value_text(v)).collect(),
        _ => String::new(),
    }
}

fn check_refs_in(src: &SourceFile, text: &str, known: &[&str]) -> Result<(), LoadError> {
    for name in crate::model::references(text) {
        if !known.contains(&name) {
            let needle = format!("${{{name}}}");
            let off = src.text().find(&needle).unwrap_or(0);
            let mut d = Diagnostic::new(
                src,
                Span::new(off, off + needle.len()),
                format!("unknown reference `{needle}`"),
            );
            d = if known.is_empty() {
                d.with_label("no inputs or `let` values are defined")
            } else {
                d.with_label(format!(
                    "expected an input or `let` name: {}",
                    known
                        .iter()
                        .map(|k| format!("`{k}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
            };
            return Err(LoadError::diagnostic(d));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn natural_order_compares_numbers() {
        let mut v = vec![
            "controls/docker-1.10.yml",
            "controls/docker-1.5.yml",
            "controls/docker-1.13.yml",
            "controls/a.yml",
        ];
        v.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(
            v,
            [
                "controls/a.yml",
                "controls/docker-1.5.yml",
                "controls/docker-1.10.yml",
                "controls/docker-1.13.yml"
            ]
        );
    }
}
