//! Command-line arguments as clap sees them: raw, unvalidated. `config.rs` turns them into a
//! [`crate::config::Config`]; nothing after that sees clap.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

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
    /// Fix the failed audit-rule controls of a profile: show the rules to add and load, and
    /// with `--apply` write and load them. Exit codes: 0 nothing to do (or, with `--apply`,
    /// everything passes afterwards), 100 fixes to apply (or still failing), 1 error.
    Remediate(RemediateArgs),
    /// Load a profile or control file and report every error and warning, as `inspec check`.
    Check(CheckArgs),
    /// Print a profile's metadata and controls, as `inspec export`.
    Export(ExportArgs),
    /// Create a new profile from a template.
    Init(InitArgs),
    /// Print the JSON Schema of YAML control files, for editors.
    Schema,
    /// Print a shell completion script.
    Completions(CompletionsArgs),
    /// Print the manual page (roff).
    Man,
}

/// `ferrospec check`.
#[derive(Debug, clap::Args)]
pub(crate) struct CheckArgs {
    /// A profile (a directory with inspec.yml) or a single control file.
    #[arg(value_name = "PATH")]
    pub(crate) path: PathBuf,

    /// Output format.
    #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
    pub(crate) format: CheckFormat,
}

/// Output formats of `ferrospec check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum CheckFormat {
    /// InSpec's text layout.
    Text,
    /// InSpec's JSON: summary, errors, warnings, offenses.
    Json,
}

/// `ferrospec export`.
#[derive(Debug, clap::Args)]
pub(crate) struct ExportArgs {
    /// A profile (a directory with inspec.yml) or a single control file.
    #[arg(value_name = "PATH")]
    pub(crate) path: PathBuf,

    /// Output format.
    #[arg(long, value_enum, default_value_t = ExportFormat::Yaml)]
    pub(crate) format: ExportFormat,

    /// Write to this file (atomically) instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,
}

/// Output formats of `ferrospec export`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum ExportFormat {
    /// YAML, InSpec's default.
    Yaml,
    /// JSON, as `inspec json`.
    Json,
}

/// `ferrospec init`.
#[derive(Debug, clap::Args)]
pub(crate) struct InitArgs {
    /// What to create.
    #[command(subcommand)]
    pub(crate) what: InitCommand,
}

/// What `ferrospec init` creates.
#[derive(Debug, Subcommand)]
pub(crate) enum InitCommand {
    /// A profile: inspec.yml, README.md and example controls in YAML and in the InSpec DSL.
    Profile(InitProfileArgs),
}

/// `ferrospec init profile`.
#[derive(Debug, clap::Args)]
pub(crate) struct InitProfileArgs {
    /// The profile's name; the directory created (a path is allowed, its last part is the name).
    #[arg(value_name = "NAME")]
    pub(crate) name: PathBuf,

    /// Write the template files into an existing directory, replacing files of the same name.
    #[arg(long)]
    pub(crate) overwrite: bool,
}

/// `ferrospec completions`.
#[derive(Debug, clap::Args)]
pub(crate) struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum, value_name = "SHELL")]
    pub(crate) shell: clap_complete::Shell,
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

/// `ferrospec remediate`.
#[derive(Debug, clap::Args)]
pub(crate) struct RemediateArgs {
    /// The profile (a directory with inspec.yml); the bundled docker-host profile when none is
    /// given.
    #[arg(value_name = "PROFILE")]
    pub(crate) profile: Option<PathBuf>,

    /// What to scan: `local://` (this machine, the default), a recorded test host
    /// (`fixture://DIR`) or a mounted root; `--apply` needs `local://`.
    #[arg(long, short = 't', value_name = "TARGET")]
    pub(crate) target: Option<String>,

    /// Input values as NAME=VALUE (highest priority).
    #[arg(long, num_args = 1.., value_name = "NAME=VALUE")]
    pub(crate) input: Vec<String>,

    /// Input files: flat YAML mappings of input names to values (below `--input` in priority).
    #[arg(long, num_args = 1.., value_name = "FILE")]
    pub(crate) input_file: Vec<PathBuf>,

    /// Write the rules to the drop-in files and load them, then run the profile again. Without
    /// it nothing is changed.
    #[arg(long, conflicts_with = "format")]
    pub(crate) apply: bool,

    /// Print the fix in this form instead of the plan: the drop-in lines (`rules`), an
    /// idempotent POSIX shell script (`sh`) or an Ansible task list (`ansible`).
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub(crate) format: Option<FormatArg>,

    /// Seconds a host command (such as `auditctl -l`) may run before it is stopped.
    #[arg(long, value_name = "SECONDS", default_value_t = 10)]
    pub(crate) command_timeout: u64,
}

/// `--format` of `remediate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum FormatArg {
    /// The lines to append to each drop-in rules file.
    Rules,
    /// A POSIX shell script.
    Sh,
    /// An Ansible task list.
    Ansible,
}
