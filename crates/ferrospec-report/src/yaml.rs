//! InSpec's `yaml` reporter: the `json` reporter's document (the same wire types, built by
//! the same code) written as YAML.
//!
//! InSpec dumps its Ruby hash with `to_yaml`, so its keys are Ruby symbols (`:platform:`);
//! we write plain keys (`platform:`), which is what a reader in any other language expects
//! and what the `json` document has. That is the one difference, and `docs/reporters.md`
//! says so.
//!
//! `serde_yaml` is deprecated upstream; this module is the only place in the crate that
//! names it, so a fork is a one-module swap (as `ferrospec-core/src/yaml/` for reading).

use std::io;

use ferrospec_core::results::RunReport;

use crate::ReportError;

/// Writes the `yaml` report.
pub(crate) fn render(report: &RunReport, out: &mut dyn io::Write) -> Result<(), ReportError> {
    let text = ferrospec_core::yaml::to_string(&crate::json::exec_json(report)).map_err(|err| {
        ReportError::Internal {
            message: format!("cannot serialize the yaml report: {err}"),
        }
    })?;
    crate::write_all(out, text.as_bytes())
}
