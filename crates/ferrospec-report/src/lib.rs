//! Reporters of ferrospec (placeholder until the reporter modules land).

use ferrospec_core::results::RunReport;

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// InSpec's CLI layout.
    Cli,
    /// InSpec's exec-json.
    Json,
}

impl Format {
    /// By InSpec's reporter name.
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "cli" => Some(Self::Cli),
            "json" => Some(Self::Json),
            _ => None,
        }
    }
}

/// Rendering options.
#[derive(Debug, Clone, Default)]
pub struct RenderOptions {
    /// ANSI colour.
    pub color: bool,
}

/// A reporter failed.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// Writing failed.
    #[error("cannot write the report")]
    Io(#[from] std::io::Error),
}

/// Renders a report.
pub fn render(
    report: &RunReport,
    _format: Format,
    _opts: &RenderOptions,
    out: &mut dyn std::io::Write,
) -> Result<(), ReportError> {
    for c in report.profiles.iter().flat_map(|p| &p.controls) {
        writeln!(out, "{} {:?}", c.id, c.status())?;
        for r in &c.results {
            writeln!(
                out,
                "   {:?} {} {}",
                r.status(),
                r.code_desc,
                r.message
                    .as_deref()
                    .or(r.skip_message.as_deref())
                    .unwrap_or("")
            )?;
        }
    }
    Ok(())
}
