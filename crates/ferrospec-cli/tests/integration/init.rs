//! `ferrospec init profile`: the generated profile passes `check` and runs with `exec`.

use std::path::PathBuf;

use crate::test::{Test, verdicts};

/// A fresh directory for one test, removed on drop; the profile is created inside it.
struct Scratch(PathBuf);

impl Scratch {
    fn new(tag: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("ferrospec-init-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        Self(dir)
    }

    fn profile(&self) -> PathBuf {
        self.0.join("my-profile")
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn init(s: &Scratch) -> String {
    let out = Test::new()
        .args(&["init", "profile", s.profile().to_str().expect("utf-8")])
        .run();
    String::from_utf8(out.stdout).expect("utf-8")
}

#[test]
fn init_prints_what_it_creates() {
    let s = Scratch::new("print");
    let root = s.profile();
    let root = root.display();
    let dashes = "\u{2500}".repeat(26);
    assert_eq!(
        init(&s),
        format!(
            " {dashes} ferrospec Code Generator {dashes} \n\
             \n\
             Creating new profile at {root}\n \
             * Creating file README.md\n \
             * Creating directory {root}/controls\n \
             * Creating file controls/example.rb\n \
             * Creating file controls/example.yml\n \
             * Creating file inspec.yml\n\n"
        )
    );
    let meta = std::fs::read_to_string(s.profile().join("inspec.yml")).expect("inspec.yml");
    assert!(
        meta.starts_with("name: my-profile\ntitle: InSpec Profile\n"),
        "{meta}"
    );
    let readme = std::fs::read_to_string(s.profile().join("README.md")).expect("README.md");
    assert!(readme.starts_with("# my-profile\n"), "{readme}");
}

#[test]
fn an_existing_directory_needs_overwrite() {
    let s = Scratch::new("exists");
    init(&s);
    let path = s.profile();
    let path = path.to_str().expect("utf-8");
    std::fs::write(s.profile().join("inspec.yml"), "edited").expect("edit");
    let out = Test::new().args(&["init", "profile", path]).status(1).run();
    assert!(out.stdout.is_empty());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("already exists, use `--overwrite`"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(s.profile().join("inspec.yml")).expect("read"),
        "edited"
    );
    Test::new()
        .args(&["init", "profile", path, "--overwrite"])
        .run();
    assert!(
        std::fs::read_to_string(s.profile().join("inspec.yml"))
            .expect("read")
            .starts_with("name: my-profile\n")
    );
}

/// Checks and runs the generated profile; returns the verdicts of `exec`.
fn check_and_exec(s: &Scratch) -> Vec<(String, crate::test::Verdict)> {
    let path = s.profile();
    let path = path.to_str().expect("utf-8");
    let out = Test::new().args(&["check", path]).run();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("\nValid :      true\n"), "{text}");
    assert!(
        text.ends_with("\nNo errors, warnings, or offenses\n"),
        "{text}"
    );
    verdicts(&Test::new().args(&["exec", path]).json())
}

#[test]
fn the_generated_yaml_control_checks_and_runs() {
    let s = Scratch::new("yaml");
    init(&s);
    // Only the YAML control here; the `.rb` one is covered by the test below.
    std::fs::remove_file(s.profile().join("controls/example.rb")).expect("remove example.rb");
    let v = check_and_exec(&s);
    assert_eq!(v.len(), 1, "{v:?}");
    assert_eq!(v[0].0, "tmp-yaml-1.0");
    assert_eq!(v[0].1.status, "passed", "{v:?}");
    assert!((v[0].1.impact - 0.7).abs() < f64::EPSILON);
}

#[test]
fn the_generated_dsl_control_checks_and_runs() {
    let s = Scratch::new("dsl");
    init(&s);
    let v = check_and_exec(&s);
    let ids: Vec<&str> = v.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(ids, ["tmp-1.0", "tmp-yaml-1.0"]);
    assert!(v.iter().all(|(_, x)| x.status == "passed"), "{v:?}");
}
