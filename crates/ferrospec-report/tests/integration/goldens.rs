//! One test per sample: every [`Format`] renders it into
//! `fixtures/reports/<sample>.<extension>`. `UPDATE_GOLDENFILES=1 cargo test -p
//! ferrospec-report` rewrites them; read the `git diff` before committing.

use std::io::Write as _;
use std::path::PathBuf;

use ferrospec_core::results::RunReport;
use ferrospec_report::{Format, RenderOptions, render};
use goldenfile::Mint;

use crate::samples;

fn reports_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/reports")
}

/// Renders `report` in every format into its goldens.
#[track_caller]
fn check(sample: &str, report: &RunReport) {
    let mut mint = Mint::new(reports_dir());
    for &format in Format::ALL {
        let mut file = mint
            .new_goldenfile(format!("{sample}.{}", format.file_extension()))
            .unwrap();
        let mut out = Vec::new();
        render(report, format, &RenderOptions { color: false }, &mut out).unwrap();
        file.write_all(&out).unwrap();
    }
}

#[test]
fn all_pass() {
    check("all_pass", &samples::all_pass());
}

#[test]
fn mixed() {
    check("mixed", &samples::mixed());
}

#[test]
fn escaping() {
    check("escaping", &samples::escaping());
}
