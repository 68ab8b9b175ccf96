//! Fuzzes the YAML control loader: any input loads or gives diagnostics, never a panic.
#![no_main]

use ferrospec_core::{ProfileFiles, Vocabulary, load_profile};
use libfuzzer_sys::fuzz_target;

struct Names;

impl Vocabulary for Names {
    fn resource_names(&self) -> Vec<String> {
        ["auditd", "file", "systemd_unit"].map(String::from).to_vec()
    }
    fn matcher_names(&self) -> Vec<String> {
        ["cmp", "eq", "exist", "have_watch", "include", "match", "be_file"].map(String::from).to_vec()
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let files = ProfileFiles::embedded("fuzz", "fuzz", &[("controls/fuzz.yml", text)]);
    if let Err(errors) = load_profile(&files, &Names) {
        let _ = errors.render(false);
    }
});
