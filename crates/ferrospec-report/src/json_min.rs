//! InSpec's `json-min` reporter: every result of every profile as one flat entry carrying
//! its control's id and its profile's name and sha256, then the duration and the version
//! (see `lib/inspec/reporters/json_min.rb` in inspec/inspec and `inspec-semantics.md`
//! §5.3).
//!
//! Errors are written as the `json` reporter writes them (`failed` with an `exception` and
//! a `backtrace`), through the same helper. Like our `json`, the output is pretty-printed
//! and ends with a newline; InSpec writes it on one line, which no JSON reader minds.

use std::io;

use ferrospec_core::results::RunReport;

use crate::ReportError;
use crate::json::exception_and_backtrace;
use crate::json_wire as wire;

/// Writes the `json-min` report.
pub(crate) fn render(report: &RunReport, out: &mut dyn io::Write) -> Result<(), ReportError> {
    let mut bytes =
        serde_json::to_vec_pretty(&exec_json_min(report)).map_err(|err| ReportError::Internal {
            message: format!("cannot serialize the json-min report: {err}"),
        })?;
    bytes.push(b'\n');
    crate::write_all(out, &bytes)
}

fn exec_json_min(report: &RunReport) -> wire::ExecJsonMin<'_> {
    let mut controls = Vec::new();
    for profile in &report.profiles {
        for control in &profile.controls {
            for result in &control.results {
                let (exception, backtrace) = exception_and_backtrace(result);
                controls.push(wire::MinResult {
                    id: &control.id,
                    profile_id: &profile.name,
                    profile_sha256: &profile.sha256,
                    status: result.status().as_inspec_str(),
                    code_desc: &result.code_desc,
                    skip_message: result.skip_message.as_deref(),
                    resource: result.resource.as_deref(),
                    message: result.message.as_deref(),
                    exception,
                    backtrace,
                });
            }
        }
    }
    wire::ExecJsonMin {
        controls,
        statistics: wire::MinStatistics {
            duration: report.duration,
        },
        version: &report.version,
    }
}
