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
