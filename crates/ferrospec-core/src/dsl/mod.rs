//! The InSpec control DSL: a lexer and a recursive-descent parser for the subset of Ruby that
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

use crate::source::SourceFile;

/// Parses a control file.
pub fn parse(source: &SourceFile) -> Result<ast::Program, ParseError> {
    let tokens = lexer::lex(source.text())?;
    parser::Parser::new(&tokens).parse_program()
}
