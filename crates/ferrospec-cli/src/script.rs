//! `ferrospec remediate --format rules|sh|ansible`: a remediation plan as the drop-in lines,
//! an idempotent POSIX shell script, or an Ansible task list, rendered from tera templates
//! embedded in the binary. Pure: it renders the plan and reads nothing else.
//!
//! The templates are registered under names that do not end in `.html`, `.htm` or `.xml`, so
//! tera does not HTML-escape them; shell words are quoted by the `sh` filter, YAML strings by
//! tera's `json_encode` (a JSON string is a YAML double-quoted scalar).

use std::collections::HashMap;

use ferrospec_resources::remediate::RemediationPlan;
use serde::Serialize;

/// The forms a plan can be printed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ScriptFormat {
    /// The lines to append to each drop-in file, as comments say where.
    Rules,
    /// A POSIX shell script.
    Sh,
    /// An Ansible task list.
    Ansible,
}

impl ScriptFormat {
    fn template(self) -> &'static str {
        match self {
            ScriptFormat::Rules => "remediation.rules",
            ScriptFormat::Sh => "remediation.sh",
            ScriptFormat::Ansible => "remediation.yml",
        }
    }
}

const TEMPLATES: &[(&str, &str)] = &[
    (
        "remediation.rules",
        include_str!("../templates/remediation.rules"),
    ),
    (
        "remediation.sh",
        include_str!("../templates/remediation.sh"),
    ),
    (
        "remediation.yml",
        include_str!("../templates/remediation.yml"),
    ),
];

#[derive(Serialize)]
struct FileView<'a> {
    path: &'a str,
    exists: bool,
    lines: &'a [String],
}

#[derive(Serialize)]
struct LoadView<'a> {
    line: &'a str,
    words: &'a [String],
    listing: &'a str,
    /// The words, shell-quoted where needed.
    command: String,
}

#[derive(Serialize)]
struct PlanView<'a> {
    profiles: String,
    files: Vec<FileView<'a>>,
    loads: Vec<LoadView<'a>>,
    immutable: bool,
}

/// Quotes a word for a POSIX shell: unchanged when it is plain, else in single quotes.
pub(crate) fn shell_quote(word: &str) -> String {
    if !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=,:+@%".contains(c))
    {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

fn sh_filter(value: &tera::Value, _: &HashMap<String, tera::Value>) -> tera::Result<tera::Value> {
    let text = value
        .as_str()
        .ok_or_else(|| tera::Error::msg("the `sh` filter takes a string"))?;
    Ok(tera::Value::String(shell_quote(text)))
}

/// Renders `plan` in `format`.
pub(crate) fn render(plan: &RemediationPlan, format: ScriptFormat) -> Result<String, tera::Error> {
    let mut tera = tera::Tera::default();
    tera.add_raw_templates(TEMPLATES.iter().copied())?;
    tera.register_filter("sh", sh_filter);
    let mut profiles: Vec<&str> = plan.controls.iter().map(|c| c.profile.as_str()).collect();
    profiles.dedup();
    let view = PlanView {
        profiles: profiles.join(", "),
        files: plan
            .files
            .iter()
            .map(|f| FileView {
                path: &f.path,
                exists: f.existing.is_some(),
                lines: &f.lines,
            })
            .collect(),
        loads: plan
            .loads
            .iter()
            .map(|l| LoadView {
                line: &l.line,
                words: &l.words,
                listing: &l.listing,
                command: l
                    .words
                    .iter()
                    .map(|w| shell_quote(w))
                    .collect::<Vec<_>>()
                    .join(" "),
            })
            .collect(),
        immutable: plan.immutable,
    };
    tera.render(format.template(), &tera::Context::from_serialize(&view)?)
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};
    use std::process::Command;

    use ferrospec_resources::remediate::{ControlFix, FileChange, RuleLoad};

    use super::*;

    fn words(line: &str) -> Vec<String> {
        // Test lines quote only with double quotes around whole words.
        let mut out = Vec::new();
        let mut rest = line;
        while let Some(start) = rest.find(|c: char| !c.is_whitespace()) {
            rest = &rest[start..];
            let (word, next) = if let Some(stripped) = rest.strip_prefix('"') {
                let end = stripped.find('"').expect("closing quote");
                (&stripped[..end], &stripped[end + 1..])
            } else {
                let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
                (&rest[..end], &rest[end..])
            };
            out.push(word.to_owned());
            rest = next;
        }
        out
    }

    fn load(line: &str, listing: &str) -> RuleLoad {
        RuleLoad {
            line: line.to_owned(),
            words: words(line),
            listing: listing.to_owned(),
        }
    }

    /// Two files (one new, one with content), two loads, one of them with a path that needs
    /// quoting.
    fn sample(dir: &str) -> RemediationPlan {
        RemediationPlan {
            controls: vec![ControlFix {
                profile: "sample".into(),
                id: "ctl-a".into(),
                rules: vec![],
                has_remediation: true,
            }],
            files: vec![
                FileChange {
                    path: format!("{dir}/sample.rules"),
                    existing: None,
                    lines: vec![
                        "-w /usr/bin/docker -p wa -k docker".into(),
                        "-w \"/opt/my app\" -p wa -k app".into(),
                    ],
                },
                FileChange {
                    path: format!("{dir}/50-admin.rules"),
                    existing: Some(b"-w /etc/hosts -p wa".to_vec()),
                    lines: vec!["-w /etc/docker -p wa -k docker".into()],
                },
            ],
            loads: vec![
                load(
                    "-w /usr/bin/docker -p wa -k docker",
                    "-w /usr/bin/docker -p wa -k docker",
                ),
                load(
                    "-w \"/opt/my app\" -p wa -k app",
                    "-w /opt/my app -p wa -k app",
                ),
            ],
            immutable: false,
            auditctl: "/sbin/auditctl".into(),
            errored: vec![],
        }
    }

    fn goldens() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/remediation")
    }

    #[test]
    fn goldens_match() {
        let mut mint = goldenfile::Mint::new(goldens());
        let plan = sample("/etc/audit/rules.d");
        for (format, name) in [
            (ScriptFormat::Rules, "sample.rules"),
            (ScriptFormat::Sh, "sample.sh"),
            (ScriptFormat::Ansible, "sample.yml"),
        ] {
            let mut file = mint.new_goldenfile(name).expect("golden");
            std::io::Write::write_all(
                &mut file,
                render(&plan, format).expect("renders").as_bytes(),
            )
            .expect("write golden");
        }
        let empty = RemediationPlan::default();
        for (format, name) in [
            (ScriptFormat::Rules, "empty.rules"),
            (ScriptFormat::Sh, "empty.sh"),
            (ScriptFormat::Ansible, "empty.yml"),
        ] {
            let mut file = mint.new_goldenfile(name).expect("golden");
            std::io::Write::write_all(
                &mut file,
                render(&empty, format).expect("renders").as_bytes(),
            )
            .expect("write golden");
        }
    }

    #[test]
    fn ansible_is_a_yaml_task_list() {
        let text = render(&sample("/etc/audit/rules.d"), ScriptFormat::Ansible).expect("renders");
        let tasks: serde_yaml::Value = serde_yaml::from_str(&text).expect("valid YAML");
        let tasks = tasks.as_sequence().expect("a list");
        assert_eq!(tasks.len(), 5);
        assert_eq!(
            tasks[1]["ansible.builtin.lineinfile"]["line"].as_str(),
            Some("-w \"/opt/my app\" -p wa -k app")
        );
        assert_eq!(
            tasks[1]["ansible.builtin.lineinfile"]["mode"].as_str(),
            Some("0640")
        );
        let argv: Vec<&str> = tasks[4]["ansible.builtin.command"]["argv"]
            .as_sequence()
            .expect("argv")
            .iter()
            .map(|w| w.as_str().expect("word"))
            .collect();
        assert_eq!(
            argv,
            vec!["auditctl", "-w", "/opt/my app", "-p", "wa", "-k", "app"]
        );
        let empty = render(&RemediationPlan::default(), ScriptFormat::Ansible).expect("renders");
        let empty: serde_yaml::Value = serde_yaml::from_str(&empty).expect("valid YAML");
        assert_eq!(empty.as_sequence().map(Vec::len), Some(0));
    }

    #[test]
    fn shell_words_are_quoted_only_when_needed() {
        assert_eq!(shell_quote("-w"), "-w");
        assert_eq!(shell_quote("/usr/bin/docker"), "/usr/bin/docker");
        assert_eq!(shell_quote("/opt/my app"), "'/opt/my app'");
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
        assert_eq!(shell_quote(""), "''");
    }

    /// Runs the script twice against files in a temporary directory, with a stub `auditctl`
    /// that keeps its rules in a file: the first run appends and loads, the second changes
    /// nothing.
    #[test]
    fn the_script_is_idempotent() {
        let dir = std::env::temp_dir().join(format!("ferrospec-script-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("bin")).expect("temp dir");
        let d = dir.display().to_string();
        std::fs::write(dir.join("50-admin.rules"), "-w /etc/hosts -p wa").expect("write");
        let stub = format!(
            "#!/bin/sh\nif [ \"$1\" = -l ]; then cat {d}/loaded 2>/dev/null; exit 0; fi\necho \"$*\" >> {d}/loaded\necho \"$*\" >> {d}/calls\n"
        );
        std::fs::write(dir.join("bin/auditctl"), stub).expect("stub");
        std::fs::write(dir.join("bin/install"), "#!/bin/sh\n: > \"$8\"\n").expect("stub install");
        for stub in ["auditctl", "install"] {
            Command::new("chmod")
                .args(["+x", &format!("{d}/bin/{stub}")])
                .status()
                .expect("chmod");
        }
        let script = render(&sample(&d), ScriptFormat::Sh).expect("renders");
        let run = || {
            let out = Command::new("sh")
                .arg("-c")
                .arg(&script)
                .env(
                    "PATH",
                    format!("{d}/bin:{}", std::env::var("PATH").unwrap_or_default()),
                )
                .output()
                .expect("sh");
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
        };
        let read = |name: &str| std::fs::read_to_string(dir.join(name)).unwrap_or_default();
        run();
        let first = (read("sample.rules"), read("50-admin.rules"), read("calls"));
        run();
        let second = (read("sample.rules"), read("50-admin.rules"), read("calls"));
        let _ = std::fs::remove_dir_all(&dir);
        assert_eq!(
            first.0,
            "-w /usr/bin/docker -p wa -k docker\n-w \"/opt/my app\" -p wa -k app\n"
        );
        assert_eq!(
            first.1,
            "-w /etc/hosts -p wa\n-w /etc/docker -p wa -k docker\n"
        );
        assert_eq!(
            first.2,
            "-w /usr/bin/docker -p wa -k docker\n-w /opt/my app -p wa -k app\n"
        );
        assert_eq!(first, second, "the second run changed something");
    }
}
