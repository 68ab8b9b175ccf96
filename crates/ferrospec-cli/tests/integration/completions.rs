//! Shell completions and the manual page, generated from the clap definitions.

use crate::test::Test;

fn stdout(args: &[&str]) -> String {
    String::from_utf8(Test::new().args(args).run().stdout).expect("utf-8")
}

#[test]
fn bash_completion_knows_the_subcommands() {
    let out = stdout(&["completions", "bash"]);
    assert!(out.contains("_ferrospec()"), "{out}");
    for sub in ["exec", "check", "export", "init", "schema"] {
        assert!(out.contains(sub), "{sub} missing");
    }
}

#[test]
fn every_shell_gets_a_script() {
    for shell in ["zsh", "fish", "elvish", "powershell"] {
        assert!(stdout(&["completions", shell]).contains("exec"), "{shell}");
    }
    Test::new().args(&["completions", "tcsh"]).status(1).run();
}

#[test]
fn man_page_is_roff() {
    let out = stdout(&["man"]);
    // clap_mangen opens with a roff conditional defining the apostrophe; `.TH` follows.
    let first = out
        .lines()
        .find(|l| !l.starts_with(".ie") && !l.starts_with(".el"))
        .expect("a line");
    assert!(first.starts_with(".TH ferrospec 1"), "{out}");
    assert!(out.contains("exec"), "{out}");
}
