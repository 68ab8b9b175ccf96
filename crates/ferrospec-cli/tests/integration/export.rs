//! `ferrospec export`: the profile in `inspec export`'s shape, YAML by default, `-o` atomic.

use crate::test::Test;

fn export_json(path: &str) -> serde_json::Value {
    let out = Test::new()
        .args(&["export", path, "--format", "json"])
        .run();
    serde_json::from_slice(&out.stdout).expect("export JSON")
}

#[test]
fn the_bundled_profile_exports_with_inspecs_keys() {
    let doc = export_json("profiles/docker-host");
    let keys: Vec<&str> = doc
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "name",
            "title",
            "maintainer",
            "copyright",
            "license",
            "summary",
            "version",
            "supports",
            "controls",
            "groups",
            "inputs",
            "sha256",
            "status",
            "status_message",
            "generator"
        ]
    );
    assert_eq!(doc["name"], "docker-host");
    let controls = doc["controls"].as_array().expect("controls");
    assert_eq!(controls.len(), 9);
    for c in controls {
        for key in ["id", "title", "desc", "impact", "tags", "code"] {
            assert!(c.get(key).is_some(), "{key} missing in {}", c["id"]);
        }
        assert!(c["descriptions"].is_object());
        assert!(
            c["source_location"]["line"]
                .as_u64()
                .is_some_and(|l| l >= 1)
        );
    }
    assert_eq!(doc["groups"].as_array().expect("groups").len(), 9);
    assert_eq!(doc["inputs"][0]["name"], "docker_service_unit_path");
    assert_eq!(doc["sha256"].as_str().expect("sha256").len(), 64);
    assert_eq!(doc["generator"]["name"], "ferrospec");
}

#[test]
fn yaml_is_the_default_and_says_the_same() {
    let out = Test::new()
        .args(&["export", "controls/docker-audit-rules.yml"])
        .run();
    let text = String::from_utf8(out.stdout).expect("utf-8");
    assert!(
        text.starts_with("---\nname: tests from controls.docker-audit-rules.yml\n"),
        "{text}"
    );
    let from_yaml: serde_json::Value = serde_yaml::from_str(&text).expect("YAML");
    assert_eq!(from_yaml, export_json("controls/docker-audit-rules.yml"));
    assert_eq!(
        from_yaml["groups"][0]["title"],
        "Docker audit rules, written two ways"
    );
    assert_eq!(from_yaml["controls"][1]["impact"], 0.5);
}

#[test]
fn output_file_is_replaced_whole() {
    let dir = std::env::temp_dir().join(format!("ferrospec-export-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join("profile.json");
    std::fs::write(&file, "old").expect("write");
    let out = Test::new()
        .args(&[
            "export",
            "profiles/docker-host",
            "--format",
            "json",
            "-o",
            file.to_str().expect("utf-8"),
        ])
        .run();
    assert!(out.stdout.is_empty());
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).expect("read")).expect("JSON");
    assert_eq!(doc["name"], "docker-host");
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .expect("dir")
        .filter_map(Result::ok)
        .map(|e| e.file_name())
        .collect();
    assert_eq!(leftovers.len(), 1, "{leftovers:?}");
    std::fs::remove_dir_all(dir).expect("clean up");
}

#[test]
fn a_profile_that_does_not_load_is_not_exported() {
    let out = Test::new()
        .args(&["export", "fixtures/yaml/err/unknown_key.yml"])
        .status(1)
        .run();
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown field `shuold`"));
}
