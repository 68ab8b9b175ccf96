//! Command-line arguments as clap sees them: raw, unvalidated. `config.rs` turns them into a
//! [`crate::config::Config`]; nothing after that sees clap.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

/// InSpec-compatible compliance profile runner.
#[derive(Debug, Parser)]
#[command(name = "ferrospec", version, about, long_about = None)]
pub(crate) struct Args {
    /// What to do.
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Run profiles or control files against a host and report the results.
    Exec(ExecArgs),
}

/// `ferrospec exec`.
#[derive(Debug, clap::Args)]
pub(crate) struct ExecArgs {
    /// Profiles (directories with inspec.yml) or single control files to run; the bundled
    /// docker-host profile when none is given.
    #[arg(value_name = "PATH")]
    pub(crate) paths: Vec<PathBuf>,

    /// Reporters as NAME or NAME:PATH: `cli`, `json`, `json-min`, `junit2` (`junit`), `yaml`,
    /// `html2` (`html`); e.g. `cli json:out.json junit2:out.xml`. Several may be given; only one
    /// may write to standard output. Default: cli.
    #[arg(long, num_args = 1.., value_name = "NAME[:PATH]")]
    pub(crate) reporter: Vec<String>,

    /// Run only these controls: ids, or /regex/ (kept if an id or a tag matches).
    #[arg(long, num_args = 1.., value_name = "ID")]
    pub(crate) controls: Vec<String>,

    /// Run only controls with these tags: tag names or values, or /regex/.
    #[arg(long, num_args = 1.., value_name = "TAG")]
    pub(crate) tags: Vec<String>,

    /// What to scan: `local://` (this machine, the default) or a directory holding a mounted
    /// root filesystem (loaded audit rules are then unknown).
    #[arg(long, short = 't', value_name = "TARGET")]
    pub(crate) target: Option<String>,

    /// Input values as NAME=VALUE (highest priority).
    #[arg(long, num_args = 1.., value_name = "NAME=VALUE")]
    pub(crate) input: Vec<String>,

    /// Input files: flat YAML mappings of input names to values (below `--input` in priority).
    #[arg(long, num_args = 1.., value_name = "FILE")]
    pub(crate) input_file: Vec<PathBuf>,

    /// Waiver files (YAML, JSON or CSV): control id → justification, run, `expiration_date`.
    #[arg(long, num_args = 1.., value_name = "FILE")]
    pub(crate) waiver_file: Vec<PathBuf>,

    /// Exit 0 when controls are skipped and 1 when any fails, instead of 101 and 100.
    #[arg(long)]
    pub(crate) no_distinct_exit: bool,

    /// Never colour the output (colour is used only on a terminal, and never with `NO_COLOR` set).
    #[arg(long)]
    pub(crate) no_color: bool,

    /// Seconds a host command (such as `auditctl -l`) may run before it is stopped; the check
    /// is then an error.
    #[arg(long, value_name = "SECONDS", default_value_t = 10)]
    pub(crate) command_timeout: u64,
}
