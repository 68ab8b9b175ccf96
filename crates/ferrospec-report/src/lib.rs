//! The reporters of ferrospec: pure functions from a [`RunReport`] to bytes.
//!
//! Each format lives in its own module with the same `render` signature and is chosen by
//! [`Format`]. Reporters only read the report: they never look at the clock, the
//! environment, the hostname or the filesystem, so every byte they write is determined by
//! the report and the [`RenderOptions`]. Whether colour is wanted (a TTY, `NO_COLOR`) is for
//! the caller to decide.
//!
//! Adding a format is one module, one [`Format`] variant (with its line in
//! [`Format::ALL`], [`Format::name`], [`Format::file_extension`] and the dispatch in
//! [`render`]) and its goldens in `fixtures/reports/`. `docs/reporters.md` lists them.

// Clippy takes "InSpec" for a code identifier; the name is on every other line here.
// Once `clippy.toml` lists it in `doc-valid-idents` this allow can go.

use std::fmt;
use std::io;

use ferrospec_core::results::RunReport;

mod cli;
mod error;
mod html;
mod json;
mod json_min;
mod json_wire;
mod junit;
mod yaml;

pub use error::ReportError;

/// A report format, named as InSpec's `--reporter` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// InSpec's default human-readable output (`cli`): a header per profile, a line per
    /// control and per result, then the profile and test summaries.
    ///
    /// Spec: <https://docs.chef.io/inspec/reporters/#cli>, as implemented by
    /// `lib/inspec/reporters/cli.rb` in inspec/inspec.
    Cli,
    /// InSpec's exec-json (`json`), the format Heimdall, the SAF CLI and Chef Automate read.
    /// `docs/json-format.md` states which fields we promise.
    ///
    /// Spec: <https://docs.chef.io/inspec/reporters/#json> and the `exec-json` schema
    /// (`inspec schema exec-json`, generated from `lib/inspec/schema/exec_json.rb`).
    Json,
    /// InSpec's `json-min`: one flat entry per result across all profiles
    /// (`{controls: [{id, profile_id, profile_sha256, status, code_desc, …}], statistics,
    /// version}`).
    ///
    /// Spec: <https://docs.chef.io/inspec/reporters/#json-min>, as implemented by
    /// `lib/inspec/reporters/json_min.rb` in inspec/inspec (schema `exec-jsonmin`).
    JsonMin,
    /// `JUnit` XML as InSpec's `junit2` writes it (`junit` is accepted as an alias): one
    /// testsuite per profile, one testcase per result.
    ///
    /// Spec: <https://docs.chef.io/inspec/reporters/#junit2>, as implemented by
    /// `lib/inspec/reporters/junit.rb` (`Junit2`) in inspec/inspec; the XML follows the
    /// `JUnit` schema that `quick-junit` writes.
    Junit2,
    /// The `json` document as YAML (`yaml`).
    ///
    /// Spec: <https://docs.chef.io/inspec/reporters/#yaml>, as implemented by
    /// `lib/inspec/reporters/yaml.rb` in inspec/inspec.
    Yaml,
    /// A self-contained HTML page (`html2`, alias `html`): inline CSS and JS, no external
    /// resources.
    ///
    /// Spec: <https://docs.chef.io/inspec/reporters/#html2>, as implemented by
    /// `lib/inspec/reporters/html2.rb` in inspec/inspec.
    Html2,
}

impl Format {
    /// Every format, in the order `--help` should list them.
    pub const ALL: &'static [Format] = &[
        Format::Cli,
        Format::Json,
        Format::JsonMin,
        Format::Junit2,
        Format::Yaml,
        Format::Html2,
    ];

    /// Other names InSpec accepts, and the format each selects.
    const ALIASES: &'static [(&'static str, Format)] =
        &[("junit", Format::Junit2), ("html", Format::Html2)];

    /// The name InSpec's `--reporter` uses for this format.
    pub fn name(self) -> &'static str {
        match self {
            Format::Cli => "cli",
            Format::Json => "json",
            Format::JsonMin => "json-min",
            Format::Junit2 => "junit2",
            Format::Yaml => "yaml",
            Format::Html2 => "html2",
        }
    }

    /// The extension of a file holding this format (without the dot).
    pub fn file_extension(self) -> &'static str {
        match self {
            Format::Cli => "txt",
            Format::Json => "json",
            Format::JsonMin => "min.json",
            Format::Junit2 => "xml",
            Format::Yaml => "yaml",
            Format::Html2 => "html",
        }
    }

    /// Every name `--reporter` accepts: each format's [`Format::name`], then the aliases.
    pub fn names() -> impl Iterator<Item = &'static str> {
        Format::ALL
            .iter()
            .map(|format| format.name())
            .chain(Format::ALIASES.iter().map(|(alias, _)| *alias))
    }

    /// The format InSpec calls `name` (`cli`, `json`, `json-min`, `junit2`, `yaml`,
    /// `html2`), or one of its aliases (`junit`, `html`).
    pub fn from_name(name: &str) -> Result<Format, ReportError> {
        Format::ALL
            .iter()
            .copied()
            .find(|format| format.name() == name)
            .or_else(|| {
                Format::ALIASES
                    .iter()
                    .find(|(alias, _)| *alias == name)
                    .map(|(_, format)| *format)
            })
            .ok_or_else(|| ReportError::UnknownFormat {
                name: name.to_owned(),
            })
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for Format {
    type Err = ReportError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Format::from_name(s)
    }
}

/// How to render, beyond the format itself.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RenderOptions {
    /// Use ANSI colours (formats without colour ignore it). The caller decides: colour only
    /// on a TTY and when `NO_COLOR` is unset.
    pub color: bool,
}

/// Writes `report` to `out` in `format`.
///
/// The output is complete or an error is returned; `out` is flushed on success.
pub fn render(
    report: &RunReport,
    format: Format,
    opts: &RenderOptions,
    out: &mut dyn io::Write,
) -> Result<(), ReportError> {
    match format {
        Format::Cli => cli::render(report, opts, out)?,
        Format::Json => json::render(report, opts, out)?,
        Format::JsonMin => json_min::render(report, out)?,
        Format::Junit2 => junit::render(report, out)?,
        Format::Yaml => yaml::render(report, out)?,
        Format::Html2 => html::render(report, out)?,
    }
    out.flush().map_err(|source| ReportError::Io { source })
}

/// Writes the whole of `bytes`; the formats build their output in memory first, so there is
/// one place where writing can fail.
pub(crate) fn write_all(out: &mut dyn io::Write, bytes: &[u8]) -> Result<(), ReportError> {
    out.write_all(bytes)
        .map_err(|source| ReportError::Io { source })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn from_name_accepts_inspec_names() {
        assert_eq!(Format::from_name("cli").unwrap(), Format::Cli);
        assert_eq!(Format::from_name("json").unwrap(), Format::Json);
        assert_eq!("json".parse::<Format>().unwrap(), Format::Json);
        assert_eq!(Format::from_name("json-min").unwrap(), Format::JsonMin);
        assert_eq!(Format::from_name("junit2").unwrap(), Format::Junit2);
        assert_eq!(Format::from_name("yaml").unwrap(), Format::Yaml);
        assert_eq!(Format::from_name("html2").unwrap(), Format::Html2);
    }

    #[test]
    fn aliases_select_the_current_format() {
        assert_eq!(Format::from_name("junit").unwrap(), Format::Junit2);
        assert_eq!(Format::from_name("html").unwrap(), Format::Html2);
        // The alias is accepted, the current InSpec name is what we print.
        assert_eq!(Format::from_name("junit").unwrap().name(), "junit2");
        assert_eq!(Format::from_name("html").unwrap().name(), "html2");
    }

    #[test]
    fn file_extensions_are_unique() {
        let mut extensions: Vec<&str> = Format::ALL.iter().map(|f| f.file_extension()).collect();
        extensions.sort_unstable();
        extensions.dedup();
        assert_eq!(extensions.len(), Format::ALL.len());
    }

    #[test]
    fn from_name_lists_the_valid_names() {
        let err = Format::from_name("jsno").unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown reporter `jsno`, expected one of `cli`, `json`, `json-min`, `junit2`, \
             `yaml`, `html2`, `junit`, `html`"
        );
    }

    #[test]
    fn names_round_trip() {
        for &format in Format::ALL {
            assert_eq!(Format::from_name(format.name()).unwrap(), format);
            assert_eq!(format.to_string(), format.name());
        }
    }
}
