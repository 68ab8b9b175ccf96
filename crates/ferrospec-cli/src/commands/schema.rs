//! `ferrospec schema`: prints the JSON Schema of YAML control files, with the resource and
//! matcher names of this build's registry. `docs/schema/controls.schema.json` is its output.

use ferrospec_core::Vocabulary as _;
use ferrospec_core::schema::control_file_schema;
use ferrospec_resources::Registry;

use crate::commands::emit;
use crate::error::CliError;
use crate::exit_code;

/// The schema, pretty-printed, with a final newline.
pub(crate) fn text() -> Result<String, CliError> {
    let schema = control_file_schema(&Registry.resource_names(), &Registry.matcher_names());
    serde_json::to_string_pretty(&schema)
        .map(|s| s + "\n")
        .map_err(|e| CliError::Internal {
            message: format!("cannot write the schema: {e}"),
        })
}

/// Runs `ferrospec schema`; returns the exit code.
pub(crate) fn run(out: &mut dyn std::io::Write) -> Result<i32, CliError> {
    emit(out, &text()?)?;
    Ok(exit_code::SUCCESS)
}
