//! A profile written for InSpec (legacy `attributes:`, `input()` in DSL controls, a sensitive
//! input, a waiver file) runs the way InSpec runs it.

use crate::test::{Test, repo};

const PROFILE: &str = "fixtures/profiles/inspec-style";

fn host() -> String {
    format!(
        "fixture://{}",
        repo().join("fixtures/hosts/compliant").display()
    )
}

fn run(extra: &[&str], status: i32) -> serde_json::Value {
    let mut args = vec!["exec", PROFILE, "--target"];
    let h = host();
    args.push(&h);
    args.extend_from_slice(extra);
    Test::new().args(&args).status(status).json()
}

#[test]
fn inputs_waivers_and_sensitive_values_follow_inspec() {
    let report = run(
        &[
            "--input-file",
            "fixtures/profiles/inspec-style/inputs.yml",
            "--waiver-file",
            "fixtures/profiles/inspec-style/waivers.yml",
        ],
        100,
    );
    let p = &report["profiles"][0];
    let text = report.to_string();
    assert!(
        !text.contains("s3cr3t-token"),
        "a sensitive value leaked: {text}"
    );
    let token = &p["attributes"][2];
    assert_eq!(token["options"]["value"], "***");
    let controls = p["controls"].as_array().expect("controls");
    let by_id = |id: &str| {
        controls
            .iter()
            .find(|c| c["id"] == id)
            .unwrap_or_else(|| panic!("{id}"))
    };
    // The input file's `max_mode: "0600"` beats the metadata's "0644".
    let inputs = by_id("inputs-1");
    assert_eq!(inputs["results"][0]["status"], "passed");
    assert_eq!(inputs["results"][1]["status"], "failed");
    assert!(
        inputs["results"][1]["code_desc"]
            .as_str()
            .is_some_and(|s| s.ends_with("more permissive than \"0600\""))
    );
    assert_eq!(
        by_id("sensitive-1")["results"][0]["code_desc"],
        "token *** is expected to match /^token /"
    );
    let skip = by_id("waived-skip");
    assert_eq!(skip["results"][0]["status"], "skipped");
    assert_eq!(
        skip["results"][0]["skip_message"],
        "Skipped control due to waiver condition: Accepted risk until the migration"
    );
    assert_eq!(skip["waiver_data"]["skipped_due_to_waiver"], true);
    assert_eq!(skip["waiver_data"]["run"], false);
    let ran = by_id("waived-run");
    assert_eq!(
        ran["results"][0]["status"], "failed",
        "a waiver with run: true still runs and fails"
    );
    assert_eq!(ran["waiver_data"]["skipped_due_to_waiver"], false);
    assert_eq!(
        ran["waiver_data"]["justification"],
        "Tracked in the risk register"
    );
    let expired = by_id("waiver-expired");
    assert_eq!(expired["results"][0]["status"], "passed");
    assert_eq!(
        expired["waiver_data"]["message"],
        "Waiver expired on 2020-01-01, evaluating control normally"
    );
    assert_eq!(expired["waiver_data"]["skipped_due_to_waiver"], false);
}

#[test]
fn a_cli_input_beats_the_input_file_and_converts_like_inspec() {
    let report = run(
        &[
            "--input-file",
            "fixtures/profiles/inspec-style/inputs.yml",
            "--input",
            "docker_dir=/nonexistent",
        ],
        100,
    );
    let first = &report["profiles"][0]["controls"][0]["results"][0];
    assert_eq!(
        first["code_desc"],
        "File /nonexistent is expected to be directory"
    );
    // `--input max_mode=0600` is an Integer for InSpec too, and the input is typed String.
    let out = Test::new()
        .args(&[
            "exec",
            PROFILE,
            "--target",
            &host(),
            "--input",
            "docker_dir=/etc/docker",
            "max_mode=0600",
        ])
        .status(1)
        .run();
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("input `max_mode` with value `600` does not validate to type `string`")
    );
}

#[test]
fn a_required_input_without_a_value_stops_the_run() {
    let out = Test::new()
        .args(&["exec", PROFILE, "--target", &host()])
        .status(1)
        .run();
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: input `docker_dir` is required and does not have a value\n"
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn waiver_and_input_file_errors_exit_1() {
    for (args, text) in [
        (
            vec!["--waiver-file", "/nonexistent/waivers.yml"],
            "waiver file `/nonexistent/waivers.yml` does not exist",
        ),
        (
            vec!["--input-file", "/nonexistent/inputs.yml"],
            "cannot find input file `/nonexistent/inputs.yml`",
        ),
        (
            vec!["--waiver-file", "Cargo.toml"],
            "must end in .yml, .yaml, .json or .csv",
        ),
    ] {
        let mut all = vec!["exec", PROFILE];
        all.extend(args);
        let out = Test::new().args(&all).status(1).run();
        assert!(
            String::from_utf8_lossy(&out.stderr).contains(text),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn no_distinct_exit_maps_failures_to_1_and_skips_to_0() {
    Test::new()
        .args(&[
            "exec",
            "--target",
            &format!(
                "fixture://{}",
                repo().join("fixtures/hosts/noncompliant").display()
            ),
            "--no-distinct-exit",
        ])
        .status(1)
        .run();
    Test::new()
        .args(&[
            "exec",
            "--target",
            &format!(
                "fixture://{}",
                repo().join("fixtures/hosts/no-docker").display()
            ),
            "--no-distinct-exit",
        ])
        .status(0)
        .run();
}

#[test]
fn an_unsupported_platform_skips_the_profile() {
    let dir = std::env::temp_dir().join(format!("ferrospec-supports-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("controls")).expect("temp profile");
    std::fs::write(
        dir.join("inspec.yml"),
        "name: windows-only\nversion: 0.1.0\nsupports:\n  - platform-family: windows\n",
    )
    .expect("inspec.yml");
    std::fs::write(
        dir.join("controls/a.yml"),
        "id: a-1\ndescribe:\n  - resource: file\n    args: /etc\n    should: exist\n",
    )
    .expect("control");
    let report = Test::new()
        .args(&["exec", dir.to_str().expect("utf-8"), "--target", &host()])
        .status(101)
        .json();
    let p = &report["profiles"][0];
    assert_eq!(p["status"], "skipped");
    assert_eq!(
        p["status_message"],
        "Skipping profile: 'windows-only' on unsupported platform: 'debian/12'."
    );
    assert_eq!(p["controls"][0]["results"][0]["status"], "skipped");
    // The same profile on a supported family runs.
    std::fs::write(dir.join("inspec.yml"), "name: linux-only\nversion: 0.1.0\nsupports:\n  - platform-family: linux\n  - platform-name: windows\n").expect("inspec.yml");
    let report = Test::new()
        .args(&["exec", dir.to_str().expect("utf-8"), "--target", &host()])
        .json();
    assert_eq!(
        report["profiles"][0]["controls"][0]["results"][0]["status"],
        "passed"
    );
    std::fs::remove_dir_all(dir).expect("clean up");
}
