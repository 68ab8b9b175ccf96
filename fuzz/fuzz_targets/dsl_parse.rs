//! Fuzzes the DSL lexer and parser: any input gives a program or one diagnostic, never a
//! panic, a hang or a stack overflow; a diagnostic always renders.
#![no_main]

use ferrospec_core::SourceFile;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let src = SourceFile::new("fuzz.rb", text);
    match ferrospec_core::dsl::parse(&src) {
        Ok(program) => {
            let _ = program.to_string();
        }
        Err(e) => {
            let _ = e.to_diagnostic(&src).render(false);
        }
    }
});
