//! The JSON Schema of YAML control files: it is current in docs/, every bundled control file
//! validates against it, and it rejects what the loader rejects for structure (unknown keys,
//! resources and matchers, bad impacts). `UPDATE_GOLDENFILES=1` rewrites
//! `docs/schema/controls.schema.json`.

use std::path::{Path, PathBuf};

use crate::test::{Test, repo};

const SCHEMA_DOC: &str = "docs/schema/controls.schema.json";

fn schema_text() -> String {
    String::from_utf8(Test::new().args(&["schema"]).run().stdout).expect("utf-8 schema")
}

fn validator() -> jsonschema::Validator {
    let schema: serde_json::Value = serde_json::from_str(&schema_text()).expect("schema is JSON");
    jsonschema::draft7::new(&schema).expect("a valid draft-07 schema")
}

/// A YAML document as an editor's schema validator sees it: `!regex` and other tags are
/// their plain values (editors are told the tag in `yaml.customTags`).
fn yaml_to_json(v: &serde_yaml::Value) -> serde_json::Value {
    use serde_json::Value as J;
    match v {
        serde_yaml::Value::Null => J::Null,
        serde_yaml::Value::Bool(b) => J::Bool(*b),
        serde_yaml::Value::Number(n) => n
            .as_i64()
            .map(J::from)
            .or_else(|| n.as_u64().map(J::from))
            .unwrap_or_else(|| J::from(n.as_f64().expect("a number"))),
        serde_yaml::Value::String(s) => J::String(s.clone()),
        serde_yaml::Value::Sequence(s) => J::Array(s.iter().map(yaml_to_json).collect()),
        serde_yaml::Value::Mapping(m) => J::Object(
            m.iter()
                .map(|(k, v)| {
                    let key = match k {
                        serde_yaml::Value::String(s) => s.clone(),
                        other => serde_yaml::to_string(other).expect("key").trim().to_owned(),
                    };
                    (key, yaml_to_json(v))
                })
                .collect(),
        ),
        serde_yaml::Value::Tagged(t) => yaml_to_json(&t.value),
    }
}

fn parse(text: &str) -> serde_json::Value {
    yaml_to_json(&serde_yaml::from_str(text).expect("YAML"))
}

fn errors_of(v: &jsonschema::Validator, doc: &serde_json::Value) -> Vec<String> {
    v.iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

fn yml_files(dir: &Path, recursive: bool, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir)
        .expect("readable")
        .filter_map(Result::ok)
    {
        let p = e.path();
        if p.is_dir() && recursive {
            yml_files(&p, true, out);
        } else if p.extension().is_some_and(|x| x == "yml" || x == "yaml")
            && p.parent()
                .is_some_and(|d| !recursive || d.file_name().is_some_and(|n| n == "controls"))
        {
            out.push(p);
        }
    }
}

#[test]
fn the_schema_in_docs_is_current() {
    let got = schema_text();
    let path = repo().join(SCHEMA_DOC);
    if std::env::var_os("UPDATE_GOLDENFILES").is_some() {
        std::fs::create_dir_all(path.parent().expect("docs/schema")).expect("mkdir");
        std::fs::write(&path, &got).expect("write schema");
        return;
    }
    let want = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        want == got,
        "{SCHEMA_DOC} is out of date: run `UPDATE_GOLDENFILES=1 cargo test -p ferrospec-cli` and read the diff"
    );
}

#[test]
fn every_bundled_control_file_is_valid() {
    let v = validator();
    let mut files = Vec::new();
    yml_files(&repo().join("profiles"), true, &mut files);
    yml_files(&repo().join("controls"), false, &mut files);
    yml_files(&repo().join("fixtures/yaml/ok"), false, &mut files);
    files.push(repo().join("crates/ferrospec-cli/templates/profile/controls/example.yml"));
    assert!(files.len() >= 13, "{files:?}");
    let mut bad = Vec::new();
    for f in &files {
        let doc = parse(&std::fs::read_to_string(f).expect("read"));
        let errors = errors_of(&v, &doc);
        if !errors.is_empty() {
            bad.push(format!("{}:\n  {}", f.display(), errors.join("\n  ")));
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

#[test]
fn the_complete_example_in_the_docs_is_valid() {
    let doc = std::fs::read_to_string(repo().join("docs/yaml-controls.md")).expect("docs");
    let start = doc.find("```yaml\n").expect("a yaml block") + "```yaml\n".len();
    let end = start + doc[start..].find("```").expect("end of the block");
    let errors = errors_of(&validator(), &parse(&doc[start..end]));
    assert!(errors.is_empty(), "{errors:?}");
}

#[test]
fn structural_error_fixtures_are_rejected() {
    let v = validator();
    for case in [
        "unknown_key",
        "unknown_matcher",
        "unknown_resource",
        "bad_impact",
    ] {
        let path = repo().join(format!("fixtures/yaml/err/{case}.yml"));
        let doc = parse(&std::fs::read_to_string(&path).expect("read"));
        assert!(!v.is_valid(&doc), "{case} should be rejected");
    }
}

/// The schema and the loader agree on small documents around each rule.
#[test]
fn schema_and_loader_agree() {
    let v = validator();
    let head = "id: x\n";
    let cases: &[(&str, bool)] = &[
        ("describe:\n  - value: 1\n    should: { eq: 1 }\n", true),
        ("id: 5\ntitle: 7\ndescribe:\n  - skip: manual\n", true),
        ("describe: []\n", false),
        (
            "describe:\n  - value: 1\n    should: { \"cmp >=\": 1 }\n",
            true,
        ),
        ("describe:\n  - value: 1\n    should: \"cmp <\"\n", true),
        (
            "describe:\n  - value: 1\n    should: { \"cmp ~\": 1 }\n",
            false,
        ),
        (
            "describe:\n  - value: 1\n    should: { eq: 1, match: x }\n",
            false,
        ),
        ("describe:\n  - value: 1\n    should: {}\n", false),
        ("describe:\n  - value: 1\n    should: 5\n", false),
        (
            "describe:\n  - value: 1\n    should: exist\n    should_not: exist\n",
            false,
        ),
        ("describe:\n  - value: 1\n    its: size\n", false),
        (
            "describe:\n  - value: 1\n    args: 2\n    should: exist\n",
            false,
        ),
        (
            "describe:\n  - resource: file\n    value: 1\n    should: exist\n",
            false,
        ),
        (
            "describe:\n  - resource: file\n    args: /tmp\n    tests:\n      - its: mode\n        should: { cmp: '0644' }\n",
            true,
        ),
        ("describe:\n  - resource: file\n    tests: []\n", false),
        (
            "describe:\n  - resource: file\n    tests:\n      - its: mode\n",
            false,
        ),
        ("describe:\n  - skip: manual\n    label: review\n", true),
        ("describe:\n  - skip: manual\n    value: 1\n", false),
        (
            "describe:\n  - value: 1\n    should: exist\n    label: x\n",
            false,
        ),
        (
            "describe:\n  - one:\n      - value: 1\n        should: exist\n",
            true,
        ),
        ("describe:\n  - one: []\n", false),
        ("describe:\n  - one:\n      - skip: manual\n", false),
        ("impact: HIGH\ndescribe:\n  - skip: a\n", true),
        ("impact: '0.25'\ndescribe:\n  - skip: a\n", true),
        ("impact: 1.5\ndescribe:\n  - skip: a\n", false),
        ("impact: severe\ndescribe:\n  - skip: a\n", false),
        (
            "tags: [a, {b: c}]\nrefs: [text, {ref: r, url: u}]\ndescribe:\n  - skip: a\n",
            true,
        ),
        ("tags: [[a]]\ndescribe:\n  - skip: a\n", false),
        ("refs: [{title: r}]\ndescribe:\n  - skip: a\n", false),
        ("descriptions: { fix: 5 }\ndescribe:\n  - skip: a\n", false),
        (
            "let:\n  p: /tmp\n  q: [\"${p}\", { resource: file, args: /tmp, its: path }]\ndescribe:\n  - value: \"${q}\"\n    should: exist\n",
            true,
        ),
        (
            "let:\n  p: { resource: file }\ndescribe:\n  - skip: a\n",
            false,
        ),
        ("let:\n  bad-name: 1\ndescribe:\n  - skip: a\n", false),
        (
            "only_if:\n  resource: file\n  args: /tmp\n  should: exist\n  message: m\n  impact: 0\ndescribe:\n  - skip: a\n",
            true,
        ),
        ("only_if:\n  - value: 1\ndescribe:\n  - skip: a\n", false),
        (
            "only_if:\n  value: 1\n  should: exist\n  label: x\ndescribe:\n  - skip: a\n",
            false,
        ),
        (
            "controls:\n  - id: a\n    describe: [{ skip: a }]\ntitle: t\n",
            true,
        ),
        (
            "controls:\n  - id: a\n    describe: [{ skip: a }]\nimpact: 0.5\n",
            false,
        ),
        (
            "describe:\n  - resource: no_such_resource\n    should: exist\n",
            false,
        ),
    ];
    let dir = std::env::temp_dir().join(format!("ferrospec-schema-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let mut disagree = Vec::new();
    for (i, (body, valid)) in cases.iter().enumerate() {
        let text = if body.starts_with("id:") || body.starts_with("controls:") {
            (*body).to_owned()
        } else {
            format!("{head}{body}")
        };
        let file = dir.join(format!("case-{i}.yml"));
        std::fs::write(&file, &text).expect("write");
        let loads = std::process::Command::new(env!("CARGO_BIN_EXE_ferrospec"))
            .args(["check", file.to_str().expect("utf-8")])
            .output()
            .expect("run ferrospec")
            .status
            .success();
        let doc = parse(&text);
        let schema_ok = v.is_valid(&doc);
        if loads != *valid || schema_ok != *valid {
            disagree.push(format!(
                "case {i} (expected {valid}): loader {loads}, schema {schema_ok} {:?}\n{text}",
                errors_of(&v, &doc)
            ));
        }
    }
    std::fs::remove_dir_all(&dir).expect("clean up");
    assert!(disagree.is_empty(), "{}", disagree.join("\n"));
}
