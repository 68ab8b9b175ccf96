//! `command`: what a shell command prints and how it exits.
//!
//! ## What it checks
//!
//! Runs a command line through the host's shell (`/bin/sh -c CMD`) and exposes its standard
//! output, standard error and exit status; `exist?` tells whether the program named by the
//! command's first word exists on the host, without caring about the rest of the line.
//!
//! ## Properties
//!
//! | property | value |
//! | --- | --- |
//! | `stdout` | standard output, as printed (trailing newline kept) |
//! | `stderr` | standard error, as printed |
//! | `exit_status` | the exit code, an Integer; nil when the command was killed by a signal |
//! | `exist?` | whether the first word of the command is a program on the host: an absolute path, or a name found on the host's `PATH` |
//!
//! Matchers: `exist` (through `exist?`) and every generic matcher on the properties.
//!
//! ## Example
//!
//! ```ruby
//! only_if('docker not found') { command('docker').exist? }
//!
//! describe command('docker info --format "{{ .SecurityOptions }}"') do
//!   its('exit_status') { should eq 0 }
//!   its('stdout') { should match /seccomp/ }
//! end
//! ```
//!
//! ## Platform notes
//!
//! Unix hosts only. The command runs once, when the resource is opened, even if only `exist?`
//! is asked (a resource cannot keep the host to run it later), and the run's timeout applies;
//! results are shared by every `describe` of the same command line during a run.
//!
//! A command that could not run at all — it ran past the timeout, the shell could not be
//! started, or the target is a mounted root where nothing can run — makes `stdout`, `stderr`
//! and `exit_status` errors, never empty strings, so `should_not match` cannot pass on output
//! that was never read. `exist?` still answers on a mounted root: the root's `bin` and `sbin`
//! directories are searched.

// The docs name InSpec behaviour; those names are prose, not code.
#![allow(clippy::doc_markdown)]

use std::sync::OnceLock;

use ferrospec_core::Value;

use crate::host::{CommandError, CommandOutput};
use crate::resource::{Ctx, Prop, Resource, ResourceError, ResourceType};

/// The shell every command line runs through.
const SHELL: &str = "/bin/sh";

/// `command`.
pub(crate) struct CommandType;

impl ResourceType for CommandType {
    fn name(&self) -> &'static str {
        "command"
    }
    fn matchers(&self) -> &'static [&'static str] {
        &[]
    }
    fn open(&self, args: &[Value], ctx: &Ctx<'_>) -> Result<Box<dyn Resource>, ResourceError> {
        let [Value::String(cmd)] = args else {
            let given: Vec<String> = args.iter().map(Value::inspect).collect();
            return Err(ResourceError::BadArguments(format!(
                "`command` takes one command line, got ({})",
                given.join(", ")
            )));
        };
        let program = cmd.split_whitespace().next().unwrap_or_default();
        let exists = !program.is_empty() && ctx.host.command_exists(program);
        Ok(Box::new(CommandResource {
            cmd: cmd.clone(),
            exists,
            result: OnceLock::new(),
        }))
    }
}

/// Why a command gave no output, worded for a report.
fn describe_error(cmd: &str, e: &CommandError) -> String {
    match e {
        CommandError::NotFound { program } => {
            format!("cannot run `{cmd}`: the shell `{program}` does not exist on the host")
        }
        CommandError::TimedOut { seconds, .. } => {
            format!("`{cmd}` did not finish within {seconds} s and was stopped")
        }
        CommandError::Unavailable { target, reason } => {
            format!("cannot run `{cmd}` on {target}: {reason}")
        }
        CommandError::Io { reason, .. } => format!("cannot run `{cmd}`: {reason}"),
    }
}

/// An opened `command`: it runs the first time its output is asked for (never for `exist?`).
struct CommandResource {
    /// The command line as given.
    cmd: String,
    /// Whether its first word is a program on the host.
    exists: bool,
    /// What it printed, or why it could not run; empty until it runs.
    result: OnceLock<Result<CommandOutput, String>>,
}

impl CommandResource {
    fn run(&self, ctx: &Ctx<'_>) {
        self.result.get_or_init(|| {
            if self.cmd.trim().is_empty() {
                Err("`command` was given an empty command line".to_owned())
            } else {
                ctx.host
                    .run(SHELL, &["-c", &self.cmd], ctx.timeout)
                    .map_err(|e| describe_error(&self.cmd, &e))
            }
        });
    }

    fn output(&self) -> Result<&CommandOutput, ResourceError> {
        match self.result.get() {
            Some(r) => r.as_ref().map_err(|e| ResourceError::Failed(e.clone())),
            None => Err(ResourceError::Failed(format!(
                "internal error: the output of `{}` was asked for before it ran",
                self.cmd
            ))),
        }
    }
}

impl Resource for CommandResource {
    fn to_s(&self) -> String {
        format!("Command: `{}`", self.cmd)
    }

    fn resource_id(&self) -> String {
        self.cmd.clone()
    }

    fn call_in(&self, method: &str, args: &[Value], ctx: &Ctx<'_>) -> Result<Prop, ResourceError> {
        if matches!(method, "stdout" | "stderr" | "exit_status") {
            self.run(ctx);
        }
        self.call(method, args)
    }

    fn call(&self, method: &str, args: &[Value]) -> Result<Prop, ResourceError> {
        let v = match method {
            "stdout" => Value::String(self.output()?.stdout.clone()),
            "stderr" => Value::String(self.output()?.stderr.clone()),
            "exit_status" => self
                .output()?
                .exit_code
                .map_or(Value::Null, |c| Value::Int(i64::from(c))),
            "exist?" => Value::Bool(self.exists),
            _ => {
                return Err(ResourceError::NoMethod {
                    method: method.into(),
                    resource: self.to_s(),
                });
            }
        };
        if !args.is_empty() {
            return Err(ResourceError::BadArguments(format!(
                "wrong number of arguments for `{method}` (given {}, expected 0)",
                args.len()
            )));
        }
        Ok(Prop::Value(v))
    }
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt;
    use std::time::Duration;

    use ferrospec_core::model::Matcher;

    use super::*;
    use crate::host::{Host, RootedHost};
    use crate::matcher::{Actual, evaluate};
    use crate::testing::MemHost;

    fn open_on(host: &dyn Host, cmd: &str) -> Box<dyn Resource> {
        let ctx = Ctx {
            host,
            timeout: Duration::from_secs(5),
        };
        let r = CommandType.open(&[Value::from(cmd)], &ctx).unwrap();
        // Run it now, so the helpers below can read the output without a host.
        let _ = r.call_in("stdout", &[], &ctx);
        r
    }

    #[track_caller]
    fn get(r: &dyn Resource, method: &str) -> Value {
        match r.call(method, &[]).unwrap() {
            Prop::Value(v) => v,
            Prop::Resource(_) => panic!("`{method}` gave a resource"),
        }
    }

    #[track_caller]
    fn failed(r: &dyn Resource, method: &str) -> String {
        match r.call(method, &[]) {
            Err(ResourceError::Failed(msg)) => msg,
            Ok(_) => panic!("`{method}` answered"),
            Err(e) => panic!("`{method}`: {e}"),
        }
    }

    fn matcher(name: &str) -> Matcher {
        Matcher {
            name: name.into(),
            op: None,
            args: vec![],
            chain: vec![],
        }
    }

    #[test]
    fn output_and_exit_status() {
        let host = MemHost::new()
            .command("/bin/sh -c docker version", "Client: 24.0\n", "warn\n", 3)
            .program("docker");
        let c = open_on(&host, "docker version");
        assert_eq!(c.to_s(), "Command: `docker version`");
        assert_eq!(c.resource_id(), "docker version");
        assert_eq!(get(&*c, "stdout"), Value::from("Client: 24.0\n"));
        assert_eq!(get(&*c, "stderr"), Value::from("warn\n"));
        assert_eq!(get(&*c, "exit_status"), Value::Int(3));
        assert_eq!(get(&*c, "exist?"), Value::Bool(true));
        assert!(matches!(
            c.call("nope", &[]),
            Err(ResourceError::NoMethod { .. })
        ));
        assert!(matches!(
            c.call("stdout", &[Value::Int(1)]),
            Err(ResourceError::BadArguments(_))
        ));
    }

    #[test]
    fn exist_looks_at_the_first_word_only() {
        let host = MemHost::new().program("/usr/bin/docker");
        let c = open_on(&host, "/usr/bin/docker ps -q");
        assert_eq!(get(&*c, "exist?"), Value::Bool(true));
        let out = evaluate(&matcher("exist"), &Actual::Resource(&*c)).unwrap();
        assert!(out.matched);

        let c = open_on(&host, "podman ps");
        assert_eq!(get(&*c, "exist?"), Value::Bool(false));
        let out = evaluate(&matcher("exist"), &Actual::Resource(&*c)).unwrap();
        assert!(!out.matched);
        assert_eq!(out.failure, "expected Command: `podman ps` to exist");
    }

    #[test]
    fn timeout_is_an_error_not_empty_output() {
        let host = MemHost::new().command_error(
            "/bin/sh -c sleep 100",
            CommandError::TimedOut {
                command: "/bin/sh -c sleep 100".into(),
                seconds: 5,
            },
        );
        let c = open_on(&host, "sleep 100");
        for method in ["stdout", "stderr", "exit_status"] {
            assert_eq!(
                failed(&*c, method),
                "`sleep 100` did not finish within 5 s and was stopped"
            );
        }
    }

    #[test]
    fn a_mounted_root_cannot_run_commands() {
        let dir = std::env::temp_dir().join(format!("ferrospec-command-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("usr/bin")).unwrap();
        let docker = dir.join("usr/bin/docker");
        std::fs::write(&docker, "#!/bin/sh\n").unwrap();
        std::fs::set_permissions(&docker, std::fs::Permissions::from_mode(0o755)).unwrap();
        let host = RootedHost::new(&dir);
        let c = open_on(&host, "docker info");
        for method in ["stdout", "stderr", "exit_status"] {
            let msg = failed(&*c, method);
            assert!(msg.starts_with("cannot run `docker info` on "), "{msg}");
        }
        // The program is there: a real answer, read from the root's bin directories.
        assert_eq!(get(&*c, "exist?"), Value::Bool(true));
        let c = open_on(&host, "podman info");
        assert_eq!(get(&*c, "exist?"), Value::Bool(false));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn io_error_and_missing_shell_are_errors() {
        let host = MemHost::new().command_error(
            "/bin/sh -c id",
            CommandError::Io {
                command: "/bin/sh -c id".into(),
                reason: "resource temporarily unavailable".into(),
            },
        );
        let c = open_on(&host, "id");
        assert_eq!(
            failed(&*c, "stdout"),
            "cannot run `id`: resource temporarily unavailable"
        );
        let c = open_on(&MemHost::new(), "id");
        assert_eq!(
            failed(&*c, "exit_status"),
            "cannot run `id`: the shell `/bin/sh` does not exist on the host"
        );
    }

    #[test]
    fn open_needs_one_command_line() {
        let host = MemHost::new();
        let ctx = Ctx {
            host: &host,
            timeout: Duration::from_secs(1),
        };
        assert!(matches!(
            CommandType.open(&[], &ctx),
            Err(ResourceError::BadArguments(_))
        ));
        assert!(matches!(
            CommandType.open(&[Value::Int(1)], &ctx),
            Err(ResourceError::BadArguments(_))
        ));
        let c = CommandType.open(&[Value::from("  ")], &ctx).unwrap();
        assert!(matches!(
            c.call("stdout", &[]),
            Err(ResourceError::Failed(_))
        ));
        assert_eq!(get(&*c, "exist?"), Value::Bool(false));
    }

    #[test]
    fn runs_on_this_machine() {
        let host = crate::host::LocalHost;
        let c = open_on(&host, "echo out; echo err >&2; exit 7");
        assert_eq!(get(&*c, "stdout"), Value::from("out\n"));
        assert_eq!(get(&*c, "stderr"), Value::from("err\n"));
        assert_eq!(get(&*c, "exit_status"), Value::Int(7));
        assert_eq!(get(&*c, "exist?"), Value::Bool(true), "`echo` is on PATH");

        // Killed by a signal: the output is real, the exit status is nil.
        let c = open_on(&host, "echo before; kill -9 $$");
        assert_eq!(get(&*c, "stdout"), Value::from("before\n"));
        assert_eq!(get(&*c, "exit_status"), Value::Null);
    }
}
