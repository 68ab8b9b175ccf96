//! Benchmark: loading a profile of 2,000 generated DSL controls (dev-sec's host-1.7 shape)
//! and of 2,000 YAML controls, against the baseline of reading the same files from disk in
//! the same run. `cargo bench -p ferrospec-core --bench load_profile`; with
//! `BENCH_WRITE_DOCS=1` the table replaces the section between the markers in
//! `docs/performance.md`.

#![allow(clippy::print_stdout, missing_docs)]

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use ferrospec_core::{ProfileFiles, Vocabulary, load_profile};

const CONTROLS: usize = 2_000;
const ROUNDS: usize = 15;

struct Names;

impl Vocabulary for Names {
    fn resource_names(&self) -> Vec<String> {
        ["auditd", "file"].map(String::from).to_vec()
    }
    fn matcher_names(&self) -> Vec<String> {
        ["include", "have_watch", "exist", "cmp"]
            .map(String::from)
            .to_vec()
    }
}

fn write_profile(dir: &Path, ext: &str, control: impl Fn(usize) -> String) {
    std::fs::create_dir_all(dir.join("controls")).expect("profile dir");
    std::fs::write(dir.join("inspec.yml"), "name: bench\nversion: 1.0.0\n").expect("inspec.yml");
    for file in 0..20 {
        let text: String = (0..CONTROLS / 20)
            .map(|i| control(file * 1000 + i))
            .collect();
        std::fs::write(dir.join(format!("controls/c{file}.{ext}")), text).expect("control file");
    }
}

fn dsl(i: usize) -> String {
    format!(
        "control 'host-{i}' do\n  impact 1.0\n  title 'Audit docker daemon {i}'\n  desc 'Audit all Docker daemon activities.'\n  tag 'host'\n  tag 'cis-docker-1.13.0': '1.5'\n  ref 'System auditing', url: 'https://access.redhat.com/documentation'\n  only_if {{ os.linux? }}\n  describe auditd do\n    its(:lines) {{ should include('-w /usr/bin/docker-{i} -p rwxa -k docker') }}\n  end\nend\n\n"
    )
}

fn yaml(i: usize) -> String {
    let body = format!(
        "id: host-{i}\ntitle: Audit docker daemon {i}\ndesc: Audit all Docker daemon activities.\nimpact: 1.0\ntags:\n  host:\n  cis-docker-1.13.0: \"1.5\"\nrefs:\n  - ref: System auditing\n    url: https://access.redhat.com/documentation\ndescribe:\n  - resource: auditd\n    its: lines\n    should:\n      include: \"-w /usr/bin/docker-{i} -p rwxa -k docker\"\n"
    );
    if i.is_multiple_of(1000) {
        format!("controls:\n{}", indent(&body))
    } else {
        indent(&body)
    }
}

fn indent(body: &str) -> String {
    let mut out = String::new();
    for (n, line) in body.lines().enumerate() {
        out.push_str(if n == 0 { "  - " } else { "    " });
        out.push_str(line);
        out.push('\n');
    }
    out
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn measure(dir: &Path) -> (Duration, Duration) {
    let (mut read, mut load) = (vec![], vec![]);
    for _ in 0..ROUNDS {
        let t = Instant::now();
        let files = ProfileFiles::from_path(dir).expect("read profile");
        read.push(t.elapsed());
        let t = Instant::now();
        let profile = load_profile(&files, &Names).expect("load profile");
        load.push(t.elapsed());
        assert_eq!(profile.controls.len(), CONTROLS);
    }
    (median(read), median(load))
}

fn main() {
    let base: PathBuf =
        std::env::temp_dir().join(format!("ferrospec-bench-{}", std::process::id()));
    write_profile(&base.join("dsl"), "rb", dsl);
    write_profile(&base.join("yaml"), "yml", yaml);
    let (dsl_read, dsl_load) = measure(&base.join("dsl"));
    let (yaml_read, yaml_load) = measure(&base.join("yaml"));
    std::fs::remove_dir_all(&base).expect("clean up");
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let table = format!(
        "| what ({CONTROLS} controls in 20 files) | reading the files (baseline) | loading (parse + validate) | ratio |\n| --- | --- | --- | --- |\n\
         | InSpec DSL (`.rb`) | {:.1} ms | {:.1} ms | {:.1} |\n\
         | YAML (`.yml`) | {:.1} ms | {:.1} ms | {:.1} |\n\n\
         Median of {ROUNDS} rounds, release build, files in the page cache.\n",
        ms(dsl_read),
        ms(dsl_load),
        dsl_load.as_secs_f64() / dsl_read.as_secs_f64(),
        ms(yaml_read),
        ms(yaml_load),
        yaml_load.as_secs_f64() / yaml_read.as_secs_f64(),
    );
    print!("{table}");
    if std::env::var_os("BENCH_WRITE_DOCS").is_some() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/performance.md");
        let doc = std::fs::read_to_string(path).expect("docs/performance.md");
        let (start, end) = (
            "<!-- bench:load_profile:start -->\n",
            "<!-- bench:load_profile:end -->",
        );
        let (Some(from), Some(to)) = (doc.find(start), doc.find(end)) else {
            panic!("markers missing in docs/performance.md");
        };
        std::fs::write(
            path,
            format!("{}{start}{table}{}", &doc[..from], &doc[to..]),
        )
        .expect("write docs");
    }
}
