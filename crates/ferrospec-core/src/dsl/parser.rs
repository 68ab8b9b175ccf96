//! stub
use crate::dsl::ast::Program;
use crate::dsl::parse_error::ParseError;
use crate::dsl::token::Token;
pub(crate) struct Parser<'t, 'src> {
    tokens: &'t [Token<'src>],
}
impl<'t, 'src> Parser<'t, 'src> {
    pub(crate) fn new(tokens: &'t [Token<'src>]) -> Self {
        Self { tokens }
    }
    pub(crate) fn parse_program(self) -> Result<Program, ParseError> {
        let _ = self.tokens;
        Ok(Program { items: vec![] })
    }
}
