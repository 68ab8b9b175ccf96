//! The `InSpec` control DSL: a lexer and a recursive-descent parser for the subset of Ruby that
//! compliance profiles use (tiers T0–T2 of `dsl-usage.md`), producing a generic Ruby AST.
//!
//! This module only parses. What `control`, `describe` or `its` mean is decided later, when
//! the AST is evaluated into checks; constructs outside the subset that can be skipped over
//! become [`ast::ExprKind::Unsupported`] nodes so that only the control holding them fails.

pub mod ast;
mod lexer;
mod parse_error;
mod parser;
mod token;
mod token_kind;

pub use parse_error::{Expected, ParseError, ParseErrorKind};
pub use token_kind::TokenKind;

use crate::source::{SourceFile, Span};

/// Parses a control file.
///
/// The parser runs on a thread of its own with a large stack, so that the nesting limit
/// (128 levels) holds in unoptimised builds too; if no thread can be spawned it parses on the
/// caller's stack with a lower limit.
pub fn parse(source: &SourceFile) -> Result<ast::Program, ParseError> {
    let tokens = lexer::lex(source.text())?;
    std::thread::scope(|scope| {
        let spawned = std::thread::Builder::new()
            .name("dsl-parser".to_owned())
            .stack_size(parser::STACK_SIZE)
            .spawn_scoped(scope, || {
                parser::Parser::new(&tokens, parser::MAX_DEPTH).parse_program()
            });
        match spawned {
            Ok(handle) => handle.join().unwrap_or_else(|_| {
                Err(ParseError::new(
                    Span::empty(0),
                    ParseErrorKind::Internal {
                        message: "the parser panicked".to_owned(),
                    },
                ))
            }),
            Err(_) => parser::Parser::new(&tokens, parser::FALLBACK_DEPTH).parse_program(),
        }
    })
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use super::*;

    fn fixtures(kind: &str) -> (PathBuf, Vec<PathBuf>) {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../fixtures/dsl")
            .join(kind);
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
            .map(|entry| entry.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "rb"))
            .collect();
        files.sort();
        (dir, files)
    }

    fn source_of(kind: &str, path: &Path) -> SourceFile {
        let name = path.file_name().unwrap().to_string_lossy();
        let text = std::fs::read_to_string(path).unwrap();
        SourceFile::new(format!("fixtures/dsl/{kind}/{name}"), text)
    }

    /// Every `ok/` fixture parses; only `unsupported_*` ones contain `Unsupported` nodes.
    #[test]
    fn ok_fixtures_parse() {
        let (_, files) = fixtures("ok");
        assert!(files.len() >= 10, "too few fixtures: {files:?}");
        let mut failures = Vec::new();
        for path in &files {
            let source = source_of("ok", path);
            match parse(&source) {
                Ok(program) => {
                    let tree = program.to_string();
                    let name = path.file_name().unwrap().to_string_lossy();
                    if tree.contains("(unsupported") != name.starts_with("unsupported_") {
                        failures.push(format!(
                            "{}: unexpected Unsupported nodes:\n{tree}",
                            source.path()
                        ));
                    }
                }
                Err(e) => failures.push(e.to_diagnostic(&source).render(false)),
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    /// Every `err/<case>.rb` fails with the diagnostic in `err/<case>.stderr`;
    /// `UPDATE_GOLDENFILES=1` rewrites the `.stderr` files.
    #[test]
    fn err_fixtures_render_their_diagnostics() {
        let (_, files) = fixtures("err");
        assert!(!files.is_empty(), "no error fixtures");
        let update = std::env::var_os("UPDATE_GOLDENFILES").is_some_and(|v| v == "1");
        let mut mismatches = Vec::new();
        for path in &files {
            let source = source_of("err", path);
            let rendered = match parse(&source) {
                Ok(program) => format!("parsed without error: {program}\n"),
                Err(e) => e.to_diagnostic(&source).render(false),
            };
            let golden = path.with_extension("stderr");
            if update {
                std::fs::write(&golden, &rendered).unwrap();
                continue;
            }
            let expected = std::fs::read_to_string(&golden).unwrap_or_default();
            if rendered != expected {
                mismatches.push(format!(
                    "{}:\n--- expected\n{expected}+++ actual\n{rendered}",
                    source.path()
                ));
            }
        }
        assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
    }

    /// Truncating or corrupting any fixture gives a result or an error, never a panic.
    #[test]
    fn damaged_fixtures_never_panic() {
        let (_, files) = fixtures("ok");
        for path in &files {
            let text = std::fs::read_to_string(path).unwrap();
            let cuts: Vec<usize> = (0..text.len())
                .step_by(5)
                .filter(|&i| text.is_char_boundary(i))
                .collect();
            let check = |text: &str| {
                // The parser thread reports a panic as an internal error.
                if let Err(e) = parse(&SourceFile::new("damaged.rb", text)) {
                    assert!(
                        !matches!(e.kind, ParseErrorKind::Internal { .. }),
                        "{e} on:\n{text}"
                    );
                }
            };
            for &cut in &cuts {
                check(&text[..cut]);
            }
            for (n, &at) in cuts.iter().enumerate().step_by(3) {
                let junk = ["(", "end", "'", "\"", "{", "do", "#{", "|", "/", "%w[", ":"][n % 11];
                check(&format!("{}{junk}{}", &text[..at], &text[at..]));
            }
        }
    }

    /// A control in the shape of dev-sec's host-1.7, `n` times.
    fn generated_profile(n: usize) -> String {
        use std::fmt::Write as _;
        let mut text = String::from(
            "title 'Generated'\nTRUSTED_USER = input('trusted_user')\n\
             only_if('docker not found') { command('docker').exist? }\n\n",
        );
        for i in 0..n {
            let _ = write!(
                text,
                "control 'gen-{i}' do\n  impact 1.0\n  title 'Audit docker path {i}'\n  \
                 desc 'Audit the path.\n  Second line with \\'quotes\\'.'\n  tag 'host'\n  \
                 tag 'cis-docker-1.12.0': '1.{i}'\n  tag cci: ['CCI-{i}'], nist: ['AU-3']\n  \
                 ref 'System auditing', url: 'https://example.org/{i}'\n  only_if {{ os.linux? }}\n  \
                 describe auditd do\n    its(:lines) {{ should include(\"-w /var/lib/docker{i} -p rwxa -k docker\") }}\n  end\n  \
                 describe file(\"/etc/docker/#{{TRUSTED_USER}}/{i}\") do\n    it {{ should be_owned_by 'root' }}\n    \
                 its('mode') {{ should cmp <= '0644' }}\n  end\nend\n\n"
            );
        }
        text
    }

    #[test]
    fn parses_two_thousand_controls() {
        let source = SourceFile::new("generated.rb", generated_profile(2000));
        let program = parse(&source).expect("generated profile parses");
        // Three prelude statements, then the controls.
        assert_eq!(program.items.len(), 3 + 2000);
        let last = program.items.last().unwrap();
        assert!(
            program.items[3]
                .to_string()
                .starts_with("(call control (\"gen-0\") (block")
        );
        assert!(
            last.to_string()
                .starts_with("(call control (\"gen-1999\") (block")
        );
    }
}
