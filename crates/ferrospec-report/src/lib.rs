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
//! [`render`]) and its goldens in `fixtures/reports/`.

// Clippy takes "InSpec" for a code identifier; the name is on every other line here.
// Once `clippy.toml` lists it in `doc-valid-idents` this allow can go.

use std::fmt;
use std::io;

use ferrospec_core::results::RunReport;

mod cli;
mod error;
mod json;
mod json_wire;

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
}

impl Format {
    /// Every format, in the order `--help` should list them.
    pub const ALL: &'static [Format] = &[Format::Cli, Format::Json];

    /// The name InSpec's `--reporter` uses for this format.
    pub fn name(self) -> &'static str {
        match self {
            Format::Cli => "cli",
            Format::Json => "json",
        }
    }

    /// The extension of a file holding this format (without the dot).
    pub fn file_extension(self) -> &'static str {
        match self {
            Format::Cli => "txt",
            Format::Json => "json",
        }
    }

    /// The format InSpec calls `name` (`cli`, `json`).
    pub fn from_name(name: &str) -> Result<Format, ReportError> {
        Format::ALL
            .iter()
            .copied()
            .find(|format| format.name() == name)
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
    }

    #[test]
    fn from_name_lists_the_valid_names() {
        let err = Format::from_name("jsno").unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown reporter `jsno`, expected one of `cli`, `json`"
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
