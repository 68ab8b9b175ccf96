//! Dispatch of the subcommands. `exec` is wired in `run.rs`; each other subcommand has its
//! module here. They write to the `Write` they are given (never `print!`), return the exit code,
//! and leave error printing to `main`.

pub(crate) mod check;
pub(crate) mod completions;
pub(crate) mod export;
pub(crate) mod init;
pub(crate) mod schema;

use std::io::{IsTerminal, Write};

use crate::args::{CheckFormat, Command, ExportFormat, InitCommand};
use crate::config::Config;
use crate::error::CliError;
use crate::run;

/// Runs a subcommand against standard output; returns the exit code.
pub(crate) fn dispatch(command: Command, no_color_env: bool) -> Result<i32, CliError> {
    let stdout = std::io::stdout();
    let is_tty = stdout.is_terminal();
    let color = is_tty && !no_color_env;
    let mut lock = stdout.lock();
    let out: &mut dyn Write = &mut lock;
    let code = match command {
        Command::Exec(args) => run::exec(&Config::from_args(args, is_tty, no_color_env)?, out)?,
        Command::Remediate(args) => {
            crate::remediate::remediate(&crate::config::RemediateConfig::from_args(args)?, out)?
        }
        Command::Check(args) => {
            let format = match args.format {
                CheckFormat::Text => check::Format::Text,
                CheckFormat::Json => check::Format::Json,
            };
            check::run(&args.path, format, color, out)?
        }
        Command::Export(args) => {
            let format = match args.format {
                ExportFormat::Yaml => export::Format::Yaml,
                ExportFormat::Json => export::Format::Json,
            };
            export::run(&args.path, format, args.output.as_deref(), out)?
        }
        Command::Init(args) => match args.what {
            InitCommand::Profile(p) => init::profile(&p.name, p.overwrite, color, out)?,
        },
        Command::Schema => schema::run(out)?,
        Command::Completions(args) => completions::completions(args.shell, out)?,
        Command::Man => completions::man(out)?,
    };
    out.flush().map_err(CliError::Output)?;
    Ok(code)
}

/// Writes text to the output, as a [`CliError::Output`] on failure.
pub(crate) fn emit(out: &mut dyn Write, text: &str) -> Result<(), CliError> {
    out.write_all(text.as_bytes()).map_err(CliError::Output)
}
