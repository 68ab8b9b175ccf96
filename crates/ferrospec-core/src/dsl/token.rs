//! One token: its kind, where it is, its text, and whether trivia precedes it.

use crate::dsl::token_kind::TokenKind;
use crate::source::Span;

/// A token of a control file. Lexemes of all tokens, trivia included, concatenate back to the
/// input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Token<'src> {
    /// What it is.
    pub(crate) kind: TokenKind,
    /// Where it is.
    pub(crate) span: Span,
    /// Its text.
    pub(crate) lexeme: &'src str,
    /// Whether whitespace, a comment or a line break comes right before it (or it starts the
    /// file). Ruby uses this to tell `foo [1]` (an argument) from `foo[1]` (an index).
    pub(crate) spaced: bool,
}
