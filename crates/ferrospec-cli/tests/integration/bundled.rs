//! The bundled profile is data: it loads like any profile, and Rust never names its controls.

use crate::test::{Test, repo};

/// Every control id found in `profiles/` and `controls/`.
fn control_ids() -> Vec<String> {
    let mut ids = Vec::new();
    for top in ["profiles", "controls"] {
        let mut stack = vec![repo().join(top)];
        while let Some(dir) = stack.pop() {
            for e in std::fs::read_dir(&dir)
                .into_iter()
                .flatten()
                .filter_map(Result::ok)
            {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                } else if p
                    .extension()
                    .is_some_and(|x| x == "yml" || x == "yaml" || x == "rb")
                {
                    let text = std::fs::read_to_string(&p).expect("read control file");
                    for line in text.lines() {
                        let t = line.trim().trim_start_matches("- ");
                        if let Some(id) = t.strip_prefix("id:") {
                            ids.push(id.trim().trim_matches(['"', '\'']).to_owned());
                        } else if let Some(rest) = t.strip_prefix("control ") {
                            ids.push(
                                rest.trim()
                                    .trim_end_matches(" do")
                                    .trim_matches(['"', '\''])
                                    .to_owned(),
                            );
                        }
                    }
                }
            }
        }
    }
    ids
}

#[test]
fn no_control_id_is_named_in_rust() {
    let ids = control_ids();
    assert!(ids.len() >= 9, "found {ids:?}");
    let mut hits = Vec::new();
    // Library and binary sources; tests may name the controls they check.
    let mut stack: Vec<_> = std::fs::read_dir(repo().join("crates"))
        .expect("crates/")
        .filter_map(Result::ok)
        .map(|e| e.path().join("src"))
        .collect();
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir)
            .into_iter()
            .flatten()
            .filter_map(Result::ok)
        {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                let text = std::fs::read_to_string(&p).expect("read source");
                for id in &ids {
                    // This file names ids only through the profile it reads.
                    if text.contains(&format!("\"{id}\""))
                        && !p.ends_with("bundled.rs")
                        && !p.ends_with("verdicts.rs")
                    {
                        hits.push(format!("{} names `{id}`", p.display()));
                    }
                }
            }
        }
    }
    assert!(hits.is_empty(), "{}", hits.join("\n"));
}

#[test]
fn bundled_profile_is_the_default_and_matches_the_files() {
    let host = format!(
        "fixture://{}",
        repo().join("fixtures/hosts/compliant").display()
    );
    let bundled = Test::new().args(&["exec", "--target", &host]).json();
    let on_disk = Test::new()
        .args(&["exec", "profiles/docker-host", "--target", &host])
        .json();
    assert_eq!(
        bundled["profiles"][0]["sha256"], on_disk["profiles"][0]["sha256"],
        "the embedded profile is stale"
    );
    assert_eq!(bundled["profiles"][0]["name"], "docker-host");
}

#[test]
fn every_standalone_control_file_loads() {
    let mut files: Vec<_> = std::fs::read_dir(repo().join("controls"))
        .expect("controls/")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    files.sort();
    assert!(!files.is_empty());
    let host = format!(
        "fixture://{}",
        repo().join("fixtures/hosts/compliant").display()
    );
    for f in files {
        // Verdicts depend on the control; loading must succeed (exit 0, 100 or 101, never 1).
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_ferrospec"))
            .args(["exec", f.to_str().expect("utf-8"), "--target", &host])
            .output()
            .expect("run");
        assert_ne!(
            out.status.code(),
            Some(1),
            "{}: {}",
            f.display(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// The bundled profile on the noncompliant host matches its golden reports: the CLI text as is,
/// the JSON with times and durations redacted. `UPDATE_GOLDENFILES=1` rewrites them.
#[test]
fn bundled_profile_matches_its_golden_reports_on_the_noncompliant_host() {
    let host = format!(
        "fixture://{}",
        repo().join("fixtures/hosts/noncompliant").display()
    );
    let cli = Test::new()
        .args(&["exec", "--target", &host])
        .status(100)
        .run();
    let mut json = Test::new()
        .args(&["exec", "--target", &host])
        .status(100)
        .json();
    json["statistics"]["duration"] = serde_json::json!(0.0);
    json["version"] = serde_json::json!("VERSION");
    for c in json["profiles"][0]["controls"]
        .as_array_mut()
        .expect("controls")
    {
        for r in c["results"].as_array_mut().expect("results") {
            r["run_time"] = serde_json::json!(0.0);
            r["start_time"] = serde_json::json!("2026-01-01T00:00:00+00:00");
        }
    }
    let cli_text = String::from_utf8(cli.stdout)
        .expect("utf-8")
        .replace(&host, "fixture://noncompliant");
    let json_text = format!("{json:#}\n").replace(&host, "fixture://noncompliant");
    let dir = repo().join("fixtures/reports");
    let update = std::env::var_os("UPDATE_GOLDENFILES").is_some();
    let mut mismatches = Vec::new();
    for (name, got) in [
        ("docker-host-noncompliant.txt", cli_text),
        ("docker-host-noncompliant.json", json_text),
    ] {
        let path = dir.join(name);
        if update {
            std::fs::write(&path, &got).expect("write golden");
        } else if std::fs::read_to_string(&path).unwrap_or_default() != got {
            mismatches.push(format!("{} differs; got:\n{got}", path.display()));
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}
