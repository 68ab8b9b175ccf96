//! A small builder that runs the binary and checks its exit code and output.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root.
pub(crate) fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("repository root")
}

/// A run of `ferrospec` to check.
#[must_use]
pub(crate) struct Test {
    args: Vec<String>,
    status: i32,
}

impl Test {
    pub(crate) fn new() -> Self {
        Self {
            args: vec![],
            status: 0,
        }
    }

    pub(crate) fn args(mut self, args: &[&str]) -> Self {
        self.args.extend(args.iter().map(|s| (*s).to_owned()));
        self
    }

    pub(crate) fn status(mut self, status: i32) -> Self {
        self.status = status;
        self
    }

    /// Runs it and checks the exit code; returns the output.
    #[track_caller]
    pub(crate) fn run(self) -> Output {
        let out = Command::new(env!("CARGO_BIN_EXE_ferrospec"))
            .args(&self.args)
            .current_dir(repo())
            .output()
            .expect("run ferrospec");
        assert_eq!(
            out.status.code(),
            Some(self.status),
            "exit code of `ferrospec {}`\nstdout:\n{}\nstderr:\n{}",
            self.args.join(" "),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        out
    }

    /// Runs it with `--reporter json` and parses the report.
    #[track_caller]
    pub(crate) fn json(self) -> serde_json::Value {
        let out = self.args(&["--reporter", "json"]).run();
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!("json report: {e}\n{}", String::from_utf8_lossy(&out.stdout))
        })
    }
}

/// One control of a JSON report, flattened for assertions.
#[derive(Debug)]
pub(crate) struct Verdict {
    pub(crate) status: String,
    pub(crate) impact: f64,
    pub(crate) messages: String,
}

/// Control id → verdict, where the verdict is InSpec's rule over the results plus `error` for
/// results that carry an exception.
pub(crate) fn verdicts(report: &serde_json::Value) -> Vec<(String, Verdict)> {
    let mut out = Vec::new();
    for c in report["profiles"][0]["controls"]
        .as_array()
        .expect("controls")
    {
        let results = c["results"].as_array().expect("results");
        assert!(!results.is_empty(), "control {} has no results", c["id"]);
        let statuses: Vec<&str> = results
            .iter()
            .map(|r| r["status"].as_str().expect("status"))
            .collect();
        let errored = results.iter().any(|r| r.get("exception").is_some());
        let status = if errored {
            "error"
        } else if statuses.contains(&"failed") {
            "failed"
        } else if statuses.contains(&"skipped") {
            "skipped"
        } else {
            "passed"
        };
        let messages = results
            .iter()
            .flat_map(|r| [r.get("message"), r.get("skip_message")])
            .flatten()
            .filter_map(|m| m.as_str())
            .collect::<Vec<_>>()
            .join("\n");
        out.push((
            c["id"].as_str().expect("id").to_owned(),
            Verdict {
                status: status.to_owned(),
                impact: c["impact"].as_f64().expect("impact"),
                messages,
            },
        ));
    }
    out
}
