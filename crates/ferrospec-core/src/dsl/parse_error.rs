//! Syntax errors in control files: where (a span) and what (a kind). The lexer and the parser
//! both report through this type; [`ParseError::to_diagnostic`] renders it like every other
//! error that points into a file.

use std::fmt;

use crate::diagnostic::Diagnostic;
use crate::dsl::token_kind::TokenKind;
use crate::source::{SourceFile, Span};

/// Something the parser would have accepted at the place of an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Expected {
    /// A particular token.
    Token(TokenKind),
    /// The start of an expression.
    Expression,
    /// A method name after `.`.
    MethodName,
    /// A block parameter name.
    Parameter,
}

impl fmt::Display for Expected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expected::Token(kind) => write!(f, "{kind}"),
            Expected::Expression => f.write_str("expression"),
            Expected::MethodName => f.write_str("method name"),
            Expected::Parameter => f.write_str("parameter name"),
        }
    }
}

/// What is wrong.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ParseErrorKind {
    /// A token the grammar does not allow here.
    #[error("expected {}, found {}", list(expected), describe_found(*found, lexeme))]
    UnexpectedToken {
        /// What would have been accepted, in the order the parser tried them.
        expected: Vec<Expected>,
        /// What was there.
        found: TokenKind,
        /// Its text.
        lexeme: String,
    },
    /// A string, regex, comment or heredoc without its end.
    #[error("unterminated {what}")]
    Unterminated {
        /// What is unterminated: `string`, `regular expression`, …
        what: String,
    },
    /// A character that starts no token.
    #[error("unexpected character `{character}`")]
    UnexpectedCharacter {
        /// The character.
        character: char,
    },
    /// A number that does not fit or does not parse.
    #[error("invalid number `{lexeme}`")]
    InvalidNumber {
        /// Its text.
        lexeme: String,
    },
    /// A block, `if` or parenthesis still open at the end of the file; the span is its opener.
    #[error("unclosed {opener}, expected {closer} before the end of the file")]
    Unclosed {
        /// The opening token (`` `do` ``, `` `if` ``, `` `{` ``).
        opener: String,
        /// The token that would close it.
        closer: TokenKind,
    },
    /// Ruby outside the subset that cannot be skipped over.
    #[error("unsupported construct `{construct}`")]
    Unsupported {
        /// What it is.
        construct: String,
    },
    /// Expressions or blocks nested deeper than the parser allows.
    #[error("nesting deeper than {limit} levels")]
    TooDeep {
        /// The limit.
        limit: usize,
    },
    /// `=` after something that cannot be assigned to.
    #[error("cannot assign to this expression")]
    InvalidAssignment,
    /// A bug in ferrospec.
    #[error("internal error, this is a bug in ferrospec: {message}")]
    Internal {
        /// What went wrong.
        message: String,
    },
}

/// A syntax error in a control file.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{kind}")]
pub struct ParseError {
    /// The bytes at fault (empty at the end of the file).
    pub span: Span,
    /// What is wrong.
    pub kind: ParseErrorKind,
}

impl ParseError {
    pub(crate) fn new(span: Span, kind: ParseErrorKind) -> Self {
        Self { span, kind }
    }

    /// The error as a diagnostic with a snippet of `source`.
    pub fn to_diagnostic(&self, source: &SourceFile) -> Diagnostic {
        let label = match &self.kind {
            ParseErrorKind::UnexpectedToken { expected, .. } => {
                format!("expected {}", list(expected))
            }
            ParseErrorKind::Unterminated { what } => format!("{what} starts here"),
            ParseErrorKind::Unclosed { closer, .. } => format!("no matching {closer}"),
            ParseErrorKind::Unsupported { .. } => "not supported by ferrospec".to_owned(),
            ParseErrorKind::TooDeep { .. } => "too deep".to_owned(),
            ParseErrorKind::InvalidAssignment => "not assignable".to_owned(),
            ParseErrorKind::UnexpectedCharacter { .. }
            | ParseErrorKind::InvalidNumber { .. }
            | ParseErrorKind::Internal { .. } => String::new(),
        };
        Diagnostic::new(source, self.span, self.kind.to_string()).with_label(label)
    }
}

/// `a`, `a or b`, `a, b, or c`.
fn list(items: &[Expected]) -> String {
    match items {
        [] => "something else".to_owned(),
        [one] => one.to_string(),
        [a, b] => format!("{a} or {b}"),
        [init @ .., last] => {
            let init: Vec<String> = init.iter().map(ToString::to_string).collect();
            format!("{}, or {last}", init.join(", "))
        }
    }
}

/// ``identifier `describe` ``, `end of file`, ``keyword `end` ``.
fn describe_found(kind: TokenKind, lexeme: &str) -> String {
    use TokenKind as K;
    let shown: String = lexeme.chars().take(40).collect();
    match kind {
        K::Identifier
        | K::Constant
        | K::Label
        | K::Integer
        | K::Float
        | K::Symbol
        | K::InstanceVariable
        | K::ClassVariable
        | K::GlobalVariable => format!("{kind} `{shown}`"),
        K::Newline | K::Eof => kind.to_string(),
        _ if kind.is_keyword() => format!("keyword {kind}"),
        _ => kind.to_string(),
    }
}
