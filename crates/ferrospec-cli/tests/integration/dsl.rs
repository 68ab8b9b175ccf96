//! Controls written in the InSpec DSL, end to end.

use crate::test::{Test, repo};

fn host(name: &str) -> String {
    format!(
        "fixture://{}",
        repo().join("fixtures/hosts").join(name).display()
    )
}

/// The controls of a JSON report without what differs between a DSL file and its YAML twin
/// (`source_location`, `code`) and without times.
fn comparable(report: &serde_json::Value) -> serde_json::Value {
    let mut controls = report["profiles"][0]["controls"].clone();
    for c in controls.as_array_mut().expect("controls") {
        let c = c.as_object_mut().expect("control");
        c.remove("source_location");
        c.remove("code");
        for r in c["results"].as_array_mut().expect("results") {
            let r = r.as_object_mut().expect("result");
            r.remove("run_time");
            r.remove("start_time");
        }
    }
    controls
}

#[test]
fn a_dsl_control_and_its_yaml_twin_give_the_same_report() {
    for (host_name, status) in [
        ("noncompliant", 100),
        ("compliant", 101),
        ("no-docker", 101),
    ] {
        let dsl = Test::new()
            .args(&[
                "exec",
                "fixtures/dsl/twin/docker_daemon.rb",
                "--target",
                &host(host_name),
            ])
            .status(status)
            .json();
        let yaml = Test::new()
            .args(&[
                "exec",
                "fixtures/dsl/twin/docker_daemon.yml",
                "--target",
                &host(host_name),
            ])
            .status(status)
            .json();
        let (d, y) = (comparable(&dsl), comparable(&yaml));
        assert_eq!(d, y, "{host_name}: DSL\n{d:#}\nYAML\n{y:#}");
        assert_eq!(d.as_array().map(Vec::len), Some(2));
    }
}
