//! The `ferrospec` command: parse arguments, run, print errors, exit with InSpec's codes.

#![allow(clippy::print_stderr)]

mod args;
mod commands;
mod config;
mod error;
mod exit_code;
mod remediate;
mod run;
mod script;
mod transaction;

use std::io::IsTerminal;

use clap::Parser;

fn main() {
    let args = match args::Args::try_parse() {
        Ok(a) => a,
        Err(e) => {
            let _ = e.print();
            std::process::exit(if e.use_stderr() {
                exit_code::ERROR
            } else {
                exit_code::SUCCESS
            });
        }
    };
    let no_color_env = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    match commands::dispatch(args.command, no_color_env) {
        Ok(code) => std::process::exit(code),
        Err(err) => std::process::exit(report_error(
            &err,
            std::io::stderr().is_terminal() && !no_color_env,
        )),
    }
}

/// Prints an error with its causes; a broken pipe exits quietly with success.
fn report_error(err: &error::CliError, color: bool) -> i32 {
    let mut source: Option<&dyn std::error::Error> = Some(err);
    while let Some(e) = source {
        if let Some(io) = e.downcast_ref::<std::io::Error>()
            && io.kind() == std::io::ErrorKind::BrokenPipe
        {
            return exit_code::SUCCESS;
        }
        source = e.source();
    }
    if let error::CliError::Load(errors) = err {
        eprint!("{}", errors.render(color));
        eprintln!("error: {errors}");
        return exit_code::ERROR;
    }
    eprintln!("error: {err}");
    let mut source = std::error::Error::source(err);
    while let Some(e) = source {
        eprintln!("  caused by: {e}");
        source = e.source();
    }
    exit_code::ERROR
}
