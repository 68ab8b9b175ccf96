//! `ferrospec init profile NAME [--overwrite]`: writes a new profile from the templates in
//! `crates/ferrospec-cli/templates/profile/`, printing what it creates as `inspec init` does.

use std::path::Path;

use crate::commands::emit;
use crate::error::CliError;
use crate::exit_code;

/// The template files, `(path in the profile, contents)`, in the order InSpec lists them;
/// `{{name}}` is replaced by the profile's name.
const PROFILE_TEMPLATE: &[(&str, &str)] = &[
    (
        "README.md",
        include_str!("../../templates/profile/README.md"),
    ),
    (
        "controls/example.rb",
        include_str!("../../templates/profile/controls/example.rb"),
    ),
    (
        "controls/example.yml",
        include_str!("../../templates/profile/controls/example.yml"),
    ),
    (
        "inspec.yml",
        include_str!("../../templates/profile/inspec.yml"),
    ),
];

/// Width of the headline, as InSpec's.
const HEADLINE_WIDTH: usize = 80;

/// Creates a profile; returns the exit code.
pub(crate) fn profile(
    name: &Path,
    overwrite: bool,
    color: bool,
    out: &mut dyn std::io::Write,
) -> Result<i32, CliError> {
    let root = std::path::absolute(name).map_err(|source| CliError::WriteFile {
        path: name.to_owned(),
        source,
    })?;
    let Some(profile_name) = root.file_name().and_then(|n| n.to_str()).map(str::to_owned) else {
        return Err(CliError::Usage(format!(
            "`{}` does not end in a profile name",
            name.display()
        )));
    };
    if root.exists() && !overwrite {
        return Err(CliError::Exists { path: root });
    }
    let bullet = if color { '\u{2022}' } else { '*' };
    emit(
        out,
        &format!(
            "{}\n\nCreating new profile at {}\n",
            headline("ferrospec Code Generator"),
            root.display()
        ),
    )?;
    let mkdir = |dir: &Path| {
        std::fs::create_dir_all(dir).map_err(|source| CliError::WriteFile {
            path: dir.to_owned(),
            source,
        })
    };
    mkdir(&root)?;
    for (rel, template) in PROFILE_TEMPLATE {
        let dest = root.join(rel);
        if let Some(dir) = dest.parent().filter(|d| !d.is_dir()) {
            mkdir(dir)?;
            emit(
                out,
                &format!(" {bullet} Creating directory {}\n", dir.display()),
            )?;
        }
        let value = if Path::new(rel).extension().is_some_and(|e| e == "yml") {
            yaml_scalar(&profile_name)
        } else {
            profile_name.clone()
        };
        let text = template.replace("{{name}}", &value);
        std::fs::write(&dest, text).map_err(|source| CliError::WriteFile {
            path: dest.clone(),
            source,
        })?;
        emit(out, &format!(" {bullet} Creating file {rel}\n"))?;
    }
    emit(out, "\n")?;
    Ok(exit_code::SUCCESS)
}

/// ` ───── title ───── `, centred in [`HEADLINE_WIDTH`] columns.
fn headline(title: &str) -> String {
    let title = format!(" {title} ");
    let dashes = HEADLINE_WIDTH.saturating_sub(title.chars().count() + 2) / 2;
    let line = "\u{2500}".repeat(dashes);
    format!(" {line}{title}{line} ")
}

/// The name as a YAML scalar: plain when it is safe, else double-quoted (JSON's quoting is
/// valid YAML).
fn yaml_scalar(name: &str) -> String {
    let plain = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
        && name.starts_with(|c: char| c.is_ascii_alphabetic());
    if plain {
        name.to_owned()
    } else {
        serde_json::Value::String(name.to_owned()).to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headline_is_80_columns() {
        let h = headline("ferrospec Code Generator");
        assert_eq!(h.chars().count(), HEADLINE_WIDTH);
        assert!(h.starts_with(" \u{2500}") && h.ends_with("\u{2500} "));
    }

    #[test]
    fn names_that_yaml_would_misread_are_quoted() {
        assert_eq!(yaml_scalar("my-profile"), "my-profile");
        assert_eq!(yaml_scalar("1.0"), "\"1.0\"");
        assert_eq!(yaml_scalar("a: b"), "\"a: b\"");
    }
}
