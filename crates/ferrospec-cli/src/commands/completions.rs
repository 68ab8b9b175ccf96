//! `ferrospec completions SHELL` and `ferrospec man`: generated from the clap definitions in
//! `args.rs`, so they follow every flag without a copy to keep in step.

use clap::CommandFactory as _;

use crate::args::Args;
use crate::error::CliError;
use crate::exit_code;

/// Prints the completion script for `shell`.
pub(crate) fn completions(
    shell: clap_complete::Shell,
    out: &mut dyn std::io::Write,
) -> Result<i32, CliError> {
    // clap_complete panics when its writer fails; a buffer cannot, and a closed pipe is then
    // reported like any other write error.
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut Args::command(), "ferrospec", &mut buf);
    out.write_all(&buf).map_err(CliError::Output)?;
    Ok(exit_code::SUCCESS)
}

/// Prints the manual page, in roff.
pub(crate) fn man(out: &mut dyn std::io::Write) -> Result<i32, CliError> {
    let mut buf = Vec::new();
    clap_mangen::Man::new(Args::command())
        .render(&mut buf)
        .map_err(CliError::Output)?;
    out.write_all(&buf).map_err(CliError::Output)?;
    Ok(exit_code::SUCCESS)
}
