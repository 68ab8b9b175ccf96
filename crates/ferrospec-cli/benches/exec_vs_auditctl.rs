//! Benchmark: a whole `ferrospec exec` of the bundled docker-host profile on this host, against
//! one bare `auditctl -l`, measured side by side in the same run. The host is set up like the
//! live tests' compliant host (every audited path present, every rule loaded and persisted) and
//! restored afterwards.
//!
//! `cargo bench -p ferrospec-cli --bench exec_vs_auditctl` (root and auditd needed). With
//! `BENCH_WRITE_DOCS=1` the figures replace the section between the markers in
//! `docs/performance.md`.

#![allow(clippy::print_stdout, clippy::print_stderr, missing_docs)]

#[allow(dead_code)]
#[path = "../tests/integration/sandbox.rs"]
mod sandbox;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const ROUNDS: usize = 40;

fn time(cmd: &mut Command) -> Duration {
    let start = Instant::now();
    let status = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("run");
    let took = start.elapsed();
    assert!(status.code().is_some(), "killed by a signal");
    took
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    if let Some(reason) = sandbox::unavailable() {
        eprintln!("benchmark skipped: {reason}");
        return;
    }
    let sb = sandbox::Sandbox::new();
    let rules: Vec<String> = sandbox::AUDITED
        .iter()
        .map(|p| sandbox::watch(p, "wa"))
        .collect();
    sb.load(&rules);
    sb.persist(&rules);
    let bin = env!("CARGO_BIN_EXE_ferrospec");
    let auditctl = || {
        let mut c = Command::new(sandbox::AUDITCTL);
        c.arg("-l");
        c
    };
    let exec = |reporter: &str| {
        let mut c = Command::new(bin);
        c.args(["exec", "--reporter", reporter]);
        c
    };
    // Warm-up (page cache, first exec).
    for _ in 0..3 {
        time(&mut auditctl());
        time(&mut exec("json"));
    }
    let (mut base, mut json, mut cli, mut start) = (vec![], vec![], vec![], vec![]);
    for _ in 0..ROUNDS {
        base.push(time(&mut auditctl()));
        json.push(time(&mut exec("json")));
        cli.push(time(&mut exec("cli")));
        start.push(time(Command::new(bin).arg("--version")));
    }
    let (baseline, json_run, cli_run, start_only) =
        (median(base), median(json), median(cli), median(start));
    let ratio = |d: Duration| d.as_secs_f64() / baseline.as_secs_f64();
    let table = format!(
        "| what | median wall time | ratio to one `auditctl -l` |\n| --- | --- | --- |\n\
         | `auditctl -l` (baseline) | {:.2} ms | 1.00 |\n\
         | `ferrospec exec --reporter json` (9 controls) | {:.2} ms | {:.2} |\n\
         | `ferrospec exec` (cli reporter) | {:.2} ms | {:.2} |\n\
         | `ferrospec --version` (starting the process, no work) | {:.2} ms | {:.2} |\n\n\
         {ROUNDS} rounds, interleaved, after 3 warm-up rounds; every audited path present and \
         every rule loaded and persisted (the compliant case), on a {}-core machine.\n",
        baseline.as_secs_f64() * 1e3,
        json_run.as_secs_f64() * 1e3,
        ratio(json_run),
        cli_run.as_secs_f64() * 1e3,
        ratio(cli_run),
        start_only.as_secs_f64() * 1e3,
        ratio(start_only),
        std::thread::available_parallelism().map_or(0, std::num::NonZero::get),
    );
    drop(sb);
    print!("{table}");
    if std::env::var_os("BENCH_WRITE_DOCS").is_some() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/performance.md");
        let doc = std::fs::read_to_string(path).expect("docs/performance.md");
        let (start, end) = (
            "<!-- bench:exec_vs_auditctl:start -->\n",
            "<!-- bench:exec_vs_auditctl:end -->",
        );
        let (Some(from), Some(to)) = (doc.find(start), doc.find(end)) else {
            panic!("markers missing in docs/performance.md");
        };
        let updated = format!("{}{start}{table}{}", &doc[..from], &doc[to..]);
        std::fs::write(path, updated).expect("write docs/performance.md");
    }
}
