//! The shared sample reports every format renders (STYLE §6). Built in code with fixed
//! timestamps and durations so that the goldens never change by themselves.

use ferrospec_core::Value;
use ferrospec_core::model::{Description, Group, Reference, SourceLocation};
use ferrospec_core::results::{
    ControlReport, InputReport, Platform, ProfileReport, ProfileStatus, ResultReport, RunReport,
    Status, WaiverData,
};

/// Builds one sample.
pub(crate) type Sample = fn() -> RunReport;

/// Every sample, by the name of its goldens.
pub(crate) const SAMPLES: &[(&str, Sample)] = &[
    ("all_pass", all_pass),
    ("mixed", mixed),
    ("escaping", escaping),
];

const SHA256: &str = "4f1c0ad9e2b6c07f3e5d8a9b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d";
const TARGET_ID: &str = "8a3e7c1e-5b2f-4d6a-9c0b-1e2f3a4b5c6d";

fn platform() -> Platform {
    Platform {
        name: "debian".into(),
        release: "12.5".into(),
        target_id: TARGET_ID.into(),
    }
}

/// A timestamp `n` seconds into the fixed run.
fn at(n: u32) -> String {
    format!("2025-01-15T10:00:{n:02}+00:00")
}

fn passed(code_desc: &str, n: u32) -> ResultReport {
    ResultReport {
        status: Some(Status::Passed),
        code_desc: code_desc.into(),
        run_time: 0.001_25,
        start_time: at(n),
        ..ResultReport::default()
    }
}

fn failed(code_desc: &str, message: &str, n: u32) -> ResultReport {
    ResultReport {
        status: Some(Status::Failed),
        message: Some(message.into()),
        ..passed(code_desc, n)
    }
}

fn skipped(code_desc: &str, skip_message: &str, n: u32) -> ResultReport {
    ResultReport {
        status: Some(Status::Skipped),
        run_time: 0.0,
        resource: Some(code_desc.into()),
        skip_message: Some(skip_message.into()),
        ..passed(code_desc, n)
    }
}

fn file_result(mut result: ResultReport, path: &str) -> ResultReport {
    result.resource_class = Some("file".into());
    result.resource_params = Some(format!("[{path:?}]"));
    result.resource_id = Some(path.into());
    result
}

fn control(id: &str, title: &str, file: &str, line: usize) -> ControlReport {
    ControlReport {
        id: id.into(),
        title: Some(title.into()),
        desc: Some(format!("{title}.")),
        descriptions: vec![Description {
            label: "default".into(),
            data: format!("{title}."),
        }],
        impact: 0.7,
        code: format!("- id: {id}\n  title: {title}\n"),
        source_location: SourceLocation {
            r#ref: file.into(),
            line,
        },
        ..ControlReport::default()
    }
}

fn group(id: &str, title: Option<&str>, controls: &[&ControlReport]) -> Group {
    Group {
        id: id.into(),
        title: title.map(Into::into),
        controls: controls.iter().map(|c| c.id.clone()).collect(),
    }
}

fn tags(pairs: &[(&str, Value)]) -> Vec<(String, Value)> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), v.clone()))
        .collect()
}

fn strings(items: &[&str]) -> Value {
    Value::Array(items.iter().map(|s| Value::from(*s)).collect())
}

/// One profile, every control passed.
pub(crate) fn all_pass() -> RunReport {
    let file = "controls/host.yml";
    let mut kernel = control("host-1.1", "Keep the kernel up to date", file, 1);
    kernel.results = vec![passed(
        "Command uname -r exit_status is expected to eq 0",
        0,
    )];
    kernel.tags = tags(&[("cis", Value::from("1.1")), ("nist", strings(&["SI-2"]))]);
    let mut tmp = control("host-1.2", "Use a separate partition for /tmp", file, 9);
    tmp.results = vec![
        file_result(passed("File /tmp is expected to be directory", 1), "/tmp"),
        file_result(passed("File /tmp is expected to be mounted", 1), "/tmp"),
    ];
    tmp.refs = vec![Reference {
        r#ref: Some("CIS Docker Benchmark".into()),
        url: Some("https://www.cisecurity.org/benchmark/docker".into()),
    }];
    RunReport {
        platform: platform(),
        target: "local://".into(),
        profiles: vec![ProfileReport {
            name: "host-baseline".into(),
            title: Some("Host Baseline".into()),
            version: Some("1.0.0".into()),
            maintainer: Some("Ferrospec Authors".into()),
            summary: Some("Checks a Docker host".into()),
            license: Some("Apache-2.0".into()),
            copyright: Some("Ferrospec Authors".into()),
            copyright_email: Some("authors@example.invalid".into()),
            sha256: SHA256.into(),
            supports: vec![vec![("platform-family".into(), "linux".into())]],
            attributes: vec![InputReport {
                name: "tmp_path".into(),
                options: tags(&[
                    ("value", Value::from("/tmp")),
                    ("type", Value::from("String")),
                    ("required", Value::Bool(false)),
                ]),
            }],
            groups: vec![group(file, Some("Host configuration"), &[&kernel, &tmp])],
            controls: vec![kernel, tmp],
            status: ProfileStatus::Loaded,
            status_message: String::new(),
        }],
        duration: 0.012_5,
        version: "0.1.0".into(),
    }
}

/// Passed, failed, skipped and error results; a not-applicable control (impact 0.0); a
/// multi-result control; a waived control; a control without title or description; and a
/// second profile skipped on this platform.
pub(crate) fn mixed() -> RunReport {
    let file = "controls/docker.yml";

    let mut daemon = control("docker-1.1", "Audit the Docker daemon", file, 1);
    daemon.impact = 1.0;
    daemon.descriptions.extend([
        Description {
            label: "check".into(),
            data: "Run `auditctl -l | grep /usr/bin/dockerd`.".into(),
        },
        Description {
            label: "fix".into(),
            data: "Add `-w /usr/bin/dockerd -k docker` to /etc/audit/rules.d/docker.rules.".into(),
        },
    ]);
    daemon.tags = tags(&[
        ("cis", Value::from("docker:1.1.3")),
        ("nist", strings(&["AU-2", "AU-12"])),
        ("level", Value::Int(1)),
        ("scored", Value::Bool(true)),
        ("host", Value::Null),
    ]);
    daemon.refs = vec![
        Reference {
            r#ref: Some("CIS Docker Benchmark v1.6.0".into()),
            url: None,
        },
        Reference {
            r#ref: None,
            url: Some("https://docs.docker.com/engine/security/".into()),
        },
    ];
    daemon.results = vec![
        passed("Auditd Rules is expected to exist", 2),
        failed(
            "Auditd Rules lines is expected to include \"-w /usr/bin/dockerd -k docker\"",
            "expected [\"No rules\"] to include \"-w /usr/bin/dockerd -k docker\"",
            2,
        ),
        failed(
            "Auditd Rules lines is expected to include \"-w /run/containerd -k docker\"",
            "expected [\"No rules\"] to include \"-w /run/containerd -k docker\"",
            2,
        ),
    ];

    let mut socket = control(
        "docker-3.15",
        "Restrict docker.sock to root:docker",
        file,
        20,
    );
    socket.results = vec![file_result(
        passed(
            "File /var/run/docker.sock is expected to be owned by \"root\"",
            3,
        ),
        "/var/run/docker.sock",
    )];

    let mut daemon_json = control("docker-3.17", "daemon.json is owned by root", file, 28);
    daemon_json.results = vec![ResultReport {
        status: Some(Status::Error),
        message: Some("cannot read `/etc/docker/daemon.json`: permission denied".into()),
        ..file_result(
            passed(
                "File /etc/docker/daemon.json owner is expected to eq \"root\"",
                4,
            ),
            "/etc/docker/daemon.json",
        )
    }];

    let mut broken = control(
        "docker-2.1",
        "Restrict network traffic between containers",
        file,
        36,
    );
    broken.results = vec![ResultReport {
        status: Some(Status::Error),
        message: Some("undefined method `icc' for Docker daemon configuration".into()),
        exception: Some("NoMethodError".into()),
        backtrace: Some(vec![
            "controls/docker.yml:38".into(),
            "controls/docker.yml:36".into(),
        ]),
        ..passed("Control Source Code Error controls/docker.yml:36", 4)
    }];

    let mut swarm = control("docker-7.1", "Enable swarm mode only if needed", file, 44);
    swarm.impact = 0.0;
    // Heimdall shows the `desc` of a not-applicable control as its justification.
    swarm.desc = Some("Swarm mode is not used on this host.".into());
    swarm.descriptions[0].data = "Swarm mode is not used on this host.".into();
    swarm.results = vec![skipped(
        "No-op",
        "Skipped control due to only_if condition: swarm is enabled",
        5,
    )];

    let mut userns = control("docker-2.8", "Enable user namespace support", file, 52);
    userns.waiver_data = Some(WaiverData {
        justification: Some("Rootless containers are used instead".into()),
        run: Some(false),
        expiration_date: Some("2025-12-31".into()),
        skipped_due_to_waiver: true,
        message: String::new(),
    });
    userns.results = vec![skipped(
        "No-op",
        "Skipped control due to waiver condition: Rootless containers are used instead",
        5,
    )];

    let mut bare = control("docker-0.1", "", file, 60);
    bare.title = None;
    bare.desc = None;
    bare.descriptions = Vec::new();
    bare.impact = 0.5;
    bare.code = "- id: docker-0.1\n".into();
    bare.results = vec![
        passed("Service docker is expected to be running", 6),
        skipped("Service containerd", "Can't find service: containerd", 6),
    ];

    let controls = vec![daemon, socket, daemon_json, broken, swarm, userns, bare];
    let groups = vec![group(file, None, &controls.iter().collect::<Vec<_>>())];
    RunReport {
        platform: platform(),
        target: "local://".into(),
        profiles: vec![
            ProfileReport {
                name: "docker-baseline".into(),
                title: Some("Docker Baseline".into()),
                version: Some("0.3.0".into()),
                sha256: SHA256.into(),
                supports: vec![
                    vec![("platform-family".into(), "linux".into())],
                    vec![
                        ("platform-name".into(), "debian".into()),
                        ("release".into(), "12.*".into()),
                    ],
                ],
                groups,
                controls,
                ..ProfileReport::default()
            },
            ProfileReport {
                name: "windows-baseline".into(),
                sha256: SHA256.into(),
                supports: vec![vec![("platform-family".into(), "windows".into())]],
                status: ProfileStatus::Skipped,
                status_message:
                    "Skipping profile: 'windows-baseline' on unsupported platform: 'debian/12.5'."
                        .into(),
                ..ProfileReport::default()
            },
        ],
        duration: 0.253_75,
        version: "0.1.0".into(),
    }
}

/// Markup and quote characters, non-ASCII text, tabs and newlines everywhere a user's text
/// can go, to prove every format escapes (and the CLI passes them through).
pub(crate) fn escaping() -> RunReport {
    let file = "controls/ünïcödé <&>.yml";
    let mut markup = control(
        "esc-<&>\"'",
        "Title with <b>markup</b> & \"quotes\" 'too'",
        file,
        1,
    );
    markup.desc = Some("Line one\n\tindented line two with <&>\"'".into());
    markup.descriptions = vec![
        Description {
            label: "default".into(),
            data: markup.desc.clone().unwrap_or_default(),
        },
        Description {
            label: "fix".into(),
            data: "echo '<script>alert(\"x\")</script>' > /dev/null && true".into(),
        },
    ];
    markup.tags = tags(&[
        ("<key & \"quoted\">", Value::from("<value & 'quoted'>")),
        ("regex", Value::Regex("^a.*\\d+$".into())),
        ("ratio", Value::Float(0.5)),
    ]);
    markup.code = "- id: \"esc-<&>\\\"'\"\n  title: '<b>markup</b>'\n".into();
    markup.results = vec![
        passed("File /tmp/<&>\"' is expected to exist", 7),
        failed(
            "File /tmp/<&>\"' content is expected to match /<\\w+>/",
            "expected \"<&>\\\"'\" to match /<\\w+>/\nDiff:\n@@ -1 +1 @@\n-<a>\n+<&>",
            7,
        ),
    ];

    let mut unicode = control("ünï-2", "Größe ≠ 5 — 日本語のタイトル ✓", file, 12);
    unicode.impact = 0.3;
    unicode.results = vec![skipped(
        "Fichier /étc/cönfig",
        "Can't find file: /étc/cönfig (ファイルがありません) 🚫",
        8,
    )];

    RunReport {
        platform: Platform {
            name: "débian <&>".into(),
            release: "12.5 \"bookworm\"".into(),
            target_id: TARGET_ID.into(),
        },
        target: "local://?path=<&>\"'".into(),
        profiles: vec![ProfileReport {
            name: "escaping".into(),
            title: Some("Profile <&>\"' — ünïcödé".into()),
            version: Some("1.0.0-β".into()),
            maintainer: Some("Zoë O'Brien <zoe@example.invalid>".into()),
            sha256: SHA256.into(),
            supports: vec![vec![("os-name".into(), "débian <&>".into())]],
            groups: vec![group(
                file,
                Some("Fichier <&> ünïcödé"),
                &[&markup, &unicode],
            )],
            controls: vec![markup, unicode],
            ..ProfileReport::default()
        }],
        duration: 0.5,
        version: "0.1.0".into(),
    }
}
