//! Validated configuration: what `ferrospec exec` will do, resolved from the arguments.

use std::path::PathBuf;
use std::time::Duration;

use ferrospec_core::Value;
use ferrospec_core::waiver::{Waiver, read_waiver_file};
use ferrospec_report::Format;

use crate::args::{ExecArgs, FormatArg, RemediateArgs};
use crate::error::CliError;
use crate::script::ScriptFormat;

/// Where the report goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Destination {
    /// Standard output.
    Stdout,
    /// A file, written atomically.
    File(PathBuf),
}

/// What is scanned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Target {
    /// This machine.
    Local,
    /// A mounted root filesystem.
    Root(PathBuf),
    /// A recorded test host (`fixture://DIR`).
    Fixture(PathBuf),
}

/// A validated `exec` run.
#[derive(Debug, Clone)]
pub(crate) struct Config {
    pub(crate) paths: Vec<PathBuf>,
    pub(crate) reporters: Vec<(Format, Destination)>,
    pub(crate) controls: Vec<String>,
    pub(crate) tags: Vec<String>,
    pub(crate) target: Target,
    pub(crate) inputs: Vec<(String, Value)>,
    pub(crate) color: bool,
    pub(crate) timeout: Duration,
    pub(crate) waivers: Vec<Waiver>,
    pub(crate) distinct_exit: bool,
}

impl Config {
    pub(crate) fn from_args(
        a: ExecArgs,
        stdout_is_tty: bool,
        no_color_env: bool,
    ) -> Result<Self, CliError> {
        let mut reporters = Vec::new();
        let specs = if a.reporter.is_empty() {
            vec!["cli".to_owned()]
        } else {
            a.reporter
        };
        for spec in specs {
            let (name, dest) = match spec.split_once(':') {
                Some((n, d)) if !d.is_empty() && d != "-" => {
                    (n.to_owned(), Destination::File(PathBuf::from(d)))
                }
                Some((n, _)) => (n.to_owned(), Destination::Stdout),
                None => (spec.clone(), Destination::Stdout),
            };
            let format = Format::from_name(&name).map_err(|_| {
                let known: Vec<String> = Format::names().map(|n| format!("`{n}`")).collect();
                CliError::Usage(format!(
                    "`{name}` is not a valid reporter type, expected one of {}",
                    known.join(", ")
                ))
            })?;
            reporters.push((format, dest));
        }
        if reporters
            .iter()
            .filter(|(_, d)| *d == Destination::Stdout)
            .count()
            > 1
        {
            return Err(CliError::Usage(
                "the option --reporter can only have a single report writing to standard output"
                    .into(),
            ));
        }
        let target = parse_target(a.target.as_deref())?;
        let inputs = parse_inputs(&a.input_file, &a.input)?;
        let mut waivers = Vec::new();
        for file in &a.waiver_file {
            waivers.extend(read_waiver_file(file)?);
        }
        Ok(Self {
            paths: a.paths,
            reporters,
            controls: a.controls,
            tags: a.tags,
            target,
            inputs,
            color: stdout_is_tty && !no_color_env && !a.no_color,
            timeout: Duration::from_secs(a.command_timeout.max(1)),
            waivers,
            distinct_exit: !a.no_distinct_exit,
        })
    }
}

/// A validated `remediate` run.
#[derive(Debug, Clone)]
pub(crate) struct RemediateConfig {
    pub(crate) profile: Option<PathBuf>,
    pub(crate) target: Target,
    pub(crate) inputs: Vec<(String, Value)>,
    pub(crate) timeout: Duration,
    pub(crate) apply: bool,
    pub(crate) format: Option<ScriptFormat>,
}

impl RemediateConfig {
    pub(crate) fn from_args(a: RemediateArgs) -> Result<Self, CliError> {
        let target = parse_target(a.target.as_deref())?;
        if a.apply && target != Target::Local {
            return Err(CliError::Usage(
                "`--apply` changes this machine, so it only works with `--target local://`".into(),
            ));
        }
        Ok(Self {
            profile: a.profile,
            target,
            inputs: parse_inputs(&a.input_file, &a.input)?,
            timeout: Duration::from_secs(a.command_timeout.max(1)),
            apply: a.apply,
            format: a.format.map(|f| match f {
                FormatArg::Rules => ScriptFormat::Rules,
                FormatArg::Sh => ScriptFormat::Sh,
                FormatArg::Ansible => ScriptFormat::Ansible,
            }),
        })
    }
}

/// `--target`: `local://` (the default), `fixture://DIR`, or a directory holding a mounted root.
fn parse_target(target: Option<&str>) -> Result<Target, CliError> {
    Ok(match target {
        None | Some("local://" | "local") => Target::Local,
        Some(t) => {
            if let Some(dir) = t.strip_prefix("fixture://") {
                Target::Fixture(PathBuf::from(dir))
            } else if t.contains("://") {
                return Err(CliError::Usage(format!(
                    "target `{t}` is not supported, expected `local://` or a directory holding a mounted root"
                )));
            } else {
                let p = PathBuf::from(t);
                if !p.is_dir() {
                    return Err(CliError::Usage(format!("target `{t}` is not a directory")));
                }
                Target::Root(p)
            }
        }
    })
}

/// `--input-file` values, then `--input NAME=VALUE` pairs (later entries win).
fn parse_inputs(files: &[PathBuf], pairs: &[String]) -> Result<Vec<(String, Value)>, CliError> {
    let mut inputs = Vec::new();
    for file in files {
        inputs.extend(ferrospec_core::read_input_file(file).map_err(CliError::Usage)?);
    }
    for pair in pairs {
        let pair = pair.trim_end_matches(',');
        let Some((name, value)) = pair.split_once('=') else {
            let is_yaml = std::path::Path::new(pair)
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("yml") || e.eq_ignore_ascii_case("yaml"));
            let hint = if is_yaml {
                "; use --input-file for a file of inputs"
            } else {
                ""
            };
            return Err(CliError::Usage(format!(
                "input `{pair}` is not of the form NAME=VALUE{hint}"
            )));
        };
        inputs.push((name.to_owned(), parse_input_value(value)));
    }
    Ok(inputs)
}

/// InSpec's `--input` conversions: booleans, integers, floats, else a string.
fn parse_input_value(v: &str) -> Value {
    if v.eq_ignore_ascii_case("true") {
        return Value::Bool(true);
    }
    if v.eq_ignore_ascii_case("false") {
        return Value::Bool(false);
    }
    let digits = v.strip_prefix('-').unwrap_or(v);
    if !digits.is_empty()
        && digits.chars().all(|c| c.is_ascii_digit())
        && let Ok(i) = v.parse()
    {
        return Value::Int(i);
    }
    if let Some((a, b)) = digits.split_once('.')
        && !a.is_empty()
        && !b.is_empty()
        && a.chars().chain(b.chars()).all(|c| c.is_ascii_digit())
        && let Ok(f) = v.parse()
    {
        return Value::Float(f);
    }
    Value::String(v.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn input_values_convert_like_inspec() {
        assert_eq!(parse_input_value("TRUE"), Value::Bool(true));
        assert_eq!(parse_input_value("-12"), Value::Int(-12));
        assert_eq!(parse_input_value("1.5"), Value::Float(1.5));
        assert_eq!(parse_input_value("1.5.2"), Value::from("1.5.2"));
        assert_eq!(parse_input_value("/etc/x"), Value::from("/etc/x"));
    }
}
