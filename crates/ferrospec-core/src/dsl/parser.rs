//! Recursive-descent parser with precedence climbing, from significant tokens to the AST.
//!
//! Ruby's grammar depends on context that the parser tracks here:
//! - **Local variables.** A bare name is a local variable only after an assignment to it (or
//!   as a block parameter) earlier in the same or an enclosing scope; otherwise it is a call.
//!   This is what makes `x [1]` an index but `foo [1]` a call with an array argument.
//! - **Command calls.** A call without parentheses takes arguments when a space separates it
//!   from something that can start an argument: `should eq 'x'`, `tag cci: ['x']`.
//! - **Block binding.** While the arguments of a command call are parsed, `do` belongs to the
//!   command (`describe file('/x') do`), as in Ruby. So does `{`, unlike Ruby, unless `|`
//!   follows it: `describe file('/x') { … }` gives the block to `describe`, but
//!   `describe list.map { |x| … } do` gives it to `map`.
//!
//! Constructs outside the subset that can be skipped structurally (`def … end`, `case … end`,
//! lambdas, multiple assignment, `while` modifiers) become `Unsupported` nodes. Nesting is
//! limited to [`MAX_DEPTH`] levels so that hostile input gives an error, not a stack overflow.

use crate::dsl::ast::{
    AssignOp, AssignTarget, BinaryOp, Block, Call, Expr, ExprKind, HashEntry, Param, Program, Stmt,
    StmtKind, StringPart, UnaryOp,
};
use crate::dsl::parse_error::{Expected, ParseError, ParseErrorKind};
use crate::dsl::token::Token;
use crate::dsl::token_kind::TokenKind;
use crate::source::Span;

/// How deeply expressions, blocks and `if`s may nest.
pub(crate) const MAX_DEPTH: usize = 128;

/// The stack the parser thread gets: unoptimised builds use up to ~30 KiB per nesting level,
/// so [`MAX_DEPTH`] levels need about 4 MiB.
pub(crate) const STACK_SIZE: usize = 32 << 20;

/// The limit when the parser must run on the caller's stack (no thread could be spawned),
/// which may be as small as 2 MiB.
pub(crate) const FALLBACK_DEPTH: usize = 40;

type Result<T, E = ParseError> = std::result::Result<T, E>;

/// How the escapes of a string literal are read.
#[derive(Debug, Clone, Copy)]
enum Escapes {
    /// `'…'`, `%q(…)`: only `\\` and an escaped delimiter.
    Single { open: char, close: char },
    /// `"…"`, `%Q(…)`: the usual backslash escapes.
    Double,
    /// Regexes keep their escapes for the regex engine.
    Raw,
}

pub(crate) struct Parser<'src> {
    tokens: Vec<Token<'src>>,
    pos: usize,
    /// What the parser checked for at the current token, for "expected …" messages.
    expected: Vec<Expected>,
    depth: usize,
    max_depth: usize,
    /// Local variables in scope, innermost last; a block truncates back on exit.
    locals: Vec<&'src str>,
    /// Inside the arguments of a command call: `do` (and `{` without `|`) belong to it.
    command_args: bool,
    /// Open blocks, `if`s and parentheses, innermost last, with their closers: at the end of
    /// the file the innermost is reported as unclosed.
    open: Vec<(Token<'src>, TokenKind)>,
}

impl<'src> Parser<'src> {
    pub(crate) fn new(tokens: &[Token<'src>], max_depth: usize) -> Self {
        Self {
            tokens: tokens
                .iter()
                .filter(|t| !t.kind.is_trivia())
                .copied()
                .collect(),
            pos: 0,
            expected: Vec::new(),
            depth: 0,
            max_depth,
            locals: Vec::new(),
            command_args: false,
            open: Vec::new(),
        }
    }

    pub(crate) fn parse_program(mut self) -> Result<Program> {
        if self.tokens.last().map(|t| t.kind) != Some(TokenKind::Eof) {
            return Err(ParseError::new(
                Span::empty(0),
                ParseErrorKind::Internal {
                    message: "token stream without end of file".to_owned(),
                },
            ));
        }
        let items = self.parse_statements(&[])?;
        self.presume(TokenKind::Eof)?;
        Ok(Program { items })
    }

    // Token access.

    fn peek(&self) -> Token<'src> {
        self.nth(0)
    }

    fn peek_kind(&self) -> TokenKind {
        self.peek().kind
    }

    fn nth(&self, n: usize) -> Token<'src> {
        let last = self.tokens.len() - 1;
        self.tokens[(self.pos + n).min(last)]
    }

    fn previous(&self) -> Option<Token<'src>> {
        self.pos.checked_sub(1).map(|i| self.tokens[i])
    }

    fn advance(&mut self) -> Token<'src> {
        let token = self.peek();
        if token.kind != TokenKind::Eof {
            self.pos += 1;
        }
        self.expected.clear();
        token
    }

    fn record(&mut self, expected: Expected) {
        if !self.expected.contains(&expected) {
            self.expected.push(expected);
        }
    }

    /// Whether the current token is `kind`; remembers that `kind` would have been accepted.
    fn check(&mut self, kind: TokenKind) -> bool {
        self.record(Expected::Token(kind));
        self.peek_kind() == kind
    }

    fn accept(&mut self, kind: TokenKind) -> Option<Token<'src>> {
        if self.check(kind) {
            Some(self.advance())
        } else {
            None
        }
    }

    fn expect(&mut self, kind: TokenKind) -> Result<Token<'src>> {
        self.accept(kind).ok_or_else(|| self.unexpected())
    }

    /// Consumes a token the caller has already seen; anything else is our bug.
    fn presume(&mut self, kind: TokenKind) -> Result<Token<'src>> {
        let token = self.peek();
        if token.kind == kind {
            Ok(self.advance())
        } else {
            Err(ParseError::new(
                token.span,
                ParseErrorKind::Internal {
                    message: format!("presumed {kind}, found {}", token.kind),
                },
            ))
        }
    }

    fn unexpected(&self) -> ParseError {
        let token = self.peek();
        ParseError::new(
            token.span,
            ParseErrorKind::UnexpectedToken {
                expected: self.expected.clone(),
                found: token.kind,
                lexeme: token.lexeme.to_owned(),
            },
        )
    }

    fn skip_newlines(&mut self) {
        while self.peek_kind() == TokenKind::Newline {
            self.advance();
        }
    }

    /// Runs `f` one nesting level deeper.
    fn nested<T>(&mut self, f: impl FnOnce(&mut Self) -> Result<T>) -> Result<T> {
        if self.depth >= self.max_depth {
            return Err(ParseError::new(
                self.peek().span,
                ParseErrorKind::TooDeep {
                    limit: self.max_depth,
                },
            ));
        }
        self.depth += 1;
        let result = f(self);
        self.depth -= 1;
        result
    }

    /// Runs `f` with `opener` open until `closer`, for "unclosed" errors.
    fn opened<T>(
        &mut self,
        opener: Token<'src>,
        closer: TokenKind,
        f: impl FnOnce(&mut Self) -> Result<T>,
    ) -> Result<T> {
        self.open.push((opener, closer));
        let result = f(self);
        self.open.pop();
        result
    }

    /// Runs `f` outside of any command call's arguments (inside brackets, blocks,
    /// interpolations), where `do` and `{` bind normally again.
    fn unrestricted<T>(&mut self, f: impl FnOnce(&mut Self) -> Result<T>) -> Result<T> {
        let saved = std::mem::replace(&mut self.command_args, false);
        let result = f(self);
        self.command_args = saved;
        result
    }

    fn is_local(&self, name: &str) -> bool {
        self.locals.iter().rev().any(|l| *l == name)
    }

    fn declare(&mut self, name: &'src str) {
        if !self.is_local(name) {
            self.locals.push(name);
        }
    }

    // Statements.

    /// Statements up to (not including) one of `closers`, or the end of the file.
    fn parse_statements(&mut self, closers: &[TokenKind]) -> Result<Vec<Stmt>> {
        let mut stmts = Vec::new();
        loop {
            while matches!(self.peek_kind(), TokenKind::Newline | TokenKind::Semicolon) {
                self.advance();
            }
            let kind = self.peek_kind();
            if closers.contains(&kind) || (kind == TokenKind::Eof && closers.is_empty()) {
                return Ok(stmts);
            }
            if kind == TokenKind::Eof {
                if let Some(&(opener, closer)) = self.open.last() {
                    return Err(ParseError::new(
                        opener.span,
                        ParseErrorKind::Unclosed {
                            opener: format!("`{}`", opener.lexeme),
                            closer,
                        },
                    ));
                }
                for &closer in closers {
                    self.check(closer);
                }
                return Err(self.unexpected());
            }
            stmts.push(self.parse_statement()?);
            let kind = self.peek_kind();
            if matches!(kind, TokenKind::Newline | TokenKind::Semicolon)
                || closers.contains(&kind)
                || (kind == TokenKind::Eof && closers.is_empty())
            {
                continue;
            }
            self.check(TokenKind::Newline);
            for &closer in closers {
                self.check(closer);
            }
            return Err(self.unexpected());
        }
    }

    fn parse_statement(&mut self) -> Result<Stmt> {
        let mut stmt = match self.peek_kind() {
            TokenKind::If | TokenKind::Unless => self.parse_if()?,
            TokenKind::Next | TokenKind::Break | TokenKind::Return => self.parse_jump()?,
            TokenKind::Identifier | TokenKind::Constant | TokenKind::Star
                if self.nth(1).kind == TokenKind::Comma && self.multiple_assignment_ahead() =>
            {
                let start = self.peek().span;
                let span = self.skip_statement_rest(start);
                unsupported_stmt("multiple assignment", span)
            }
            _ => self.parse_expression_statement()?,
        };
        loop {
            let kind = self.peek_kind();
            match kind {
                TokenKind::If | TokenKind::Unless => {
                    self.advance();
                    let condition = self.parse_expression()?;
                    let span = stmt.span.to(condition.span);
                    stmt = Stmt {
                        kind: StmtKind::If {
                            condition,
                            negated: kind == TokenKind::Unless,
                            then_body: vec![stmt],
                            else_body: Vec::new(),
                        },
                        span,
                    };
                }
                TokenKind::While | TokenKind::Until | TokenKind::Rescue => {
                    let construct = format!("{} modifier", self.peek().lexeme);
                    self.advance();
                    let span = self.skip_statement_rest(stmt.span);
                    stmt = unsupported_stmt(&construct, span);
                }
                _ => return Ok(stmt),
            }
        }
    }

    /// An expression, or an assignment to it.
    fn parse_expression_statement(&mut self) -> Result<Stmt> {
        let expr = self.parse_expression()?;
        let op = match self.peek_kind() {
            TokenKind::Eq => AssignOp::Assign,
            TokenKind::PlusEq => AssignOp::Add,
            TokenKind::MinusEq => AssignOp::Sub,
            TokenKind::StarEq => AssignOp::Mul,
            TokenKind::OrOrEq => AssignOp::Or,
            TokenKind::AndAndEq => AssignOp::And,
            TokenKind::ShlEq => AssignOp::Shl,
            _ => {
                let span = expr.span;
                return Ok(Stmt {
                    kind: StmtKind::Expr(expr),
                    span,
                });
            }
        };
        let op_token = self.advance();
        let start = expr.span;
        if let ExprKind::Unsupported { construct } = &expr.kind {
            let value = self.parse_assigned_value()?;
            return Ok(unsupported_stmt(construct, start.to(value.span)));
        }
        let target = self.assignment_target(expr, op_token)?;
        let value = self.parse_assigned_value()?;
        let span = start.to(value.span);
        Ok(Stmt {
            kind: StmtKind::Assign { target, op, value },
            span,
        })
    }

    /// The right side of `=`: an expression, a command call, or another assignment.
    fn parse_assigned_value(&mut self) -> Result<Expr> {
        let stmt = self.parse_expression_statement()?;
        if let StmtKind::Expr(expr) = stmt.kind {
            return Ok(expr);
        }
        let span = stmt.span;
        Ok(Expr::new(ExprKind::Group(vec![stmt]), span))
    }

    fn assignment_target(&mut self, expr: Expr, op: Token<'src>) -> Result<AssignTarget> {
        let span = expr.span;
        let invalid = || ParseError::new(span, ParseErrorKind::InvalidAssignment);
        Ok(match expr.kind {
            ExprKind::Local(name) => AssignTarget::Local { name, span },
            ExprKind::Constant { name, .. } => AssignTarget::Constant { name, span },
            ExprKind::Index { receiver, args } => AssignTarget::Index {
                receiver: *receiver,
                args,
            },
            ExprKind::Call(call)
                if call.args.is_empty() && !call.parens && call.block.is_none() =>
            {
                let call = *call;
                match call.receiver {
                    Some(receiver) => AssignTarget::Attribute {
                        receiver,
                        name: call.name,
                    },
                    None if !call.name.ends_with(['?', '!']) => {
                        let name = self.tokens[..self.pos]
                            .iter()
                            .rev()
                            .find(|t| t.span == call.name_span)
                            .map(|t| t.lexeme)
                            .ok_or_else(invalid)?;
                        self.declare(name);
                        AssignTarget::Local {
                            name: call.name,
                            span,
                        }
                    }
                    None => return Err(invalid()),
                }
            }
            _ => {
                let _ = op;
                return Err(invalid());
            }
        })
    }

    fn parse_jump(&mut self) -> Result<Stmt> {
        let keyword = self.advance();
        let value = if starts_expression(self.peek_kind()) {
            Some(self.parse_expression()?)
        } else {
            None
        };
        let span = value
            .as_ref()
            .map_or(keyword.span, |v| keyword.span.to(v.span));
        let kind = match keyword.kind {
            TokenKind::Next => StmtKind::Next(value),
            TokenKind::Break => StmtKind::Break(value),
            _ => StmtKind::Return(value),
        };
        Ok(Stmt { kind, span })
    }

    /// `if`/`unless` … `end`, with `elsif`s and `else`.
    fn parse_if(&mut self) -> Result<Stmt> {
        self.nested(|p| {
            let keyword = p.advance();
            p.opened(keyword, TokenKind::End, |p| {
                let mut stmt = p.parse_if_rest(keyword)?;
                let end = p.expect(TokenKind::End)?;
                stmt.span = stmt.span.to(end.span);
                Ok(stmt)
            })
        })
    }

    /// After `if`, `unless` or `elsif`: condition, branches, up to (not including) `end`.
    fn parse_if_rest(&mut self, keyword: Token<'src>) -> Result<Stmt> {
        let negated = keyword.kind == TokenKind::Unless;
        let condition = self.parse_expression()?;
        if self.accept(TokenKind::Then).is_none()
            && self.accept(TokenKind::Newline).is_none()
            && self.accept(TokenKind::Semicolon).is_none()
        {
            return Err(self.unexpected());
        }
        let closers: &[TokenKind] = if negated {
            &[TokenKind::Else, TokenKind::End]
        } else {
            &[TokenKind::Elsif, TokenKind::Else, TokenKind::End]
        };
        let then_body = self.parse_statements(closers)?;
        let else_body = if self.peek_kind() == TokenKind::Elsif {
            let elsif = self.advance();
            let stmt = self.nested(|p| p.parse_if_rest(elsif))?;
            vec![stmt]
        } else if self.accept(TokenKind::Else).is_some() {
            self.parse_statements(&[TokenKind::End])?
        } else {
            Vec::new()
        };
        let end = else_body
            .last()
            .or(then_body.last())
            .map_or(condition.span, |s| s.span);
        Ok(Stmt {
            span: keyword.span.to(end),
            kind: StmtKind::If {
                condition,
                negated,
                then_body,
                else_body,
            },
        })
    }

    // Expressions, loosest first.

    /// `a and b`, `a or b`, `not a`, and everything tighter.
    fn parse_expression(&mut self) -> Result<Expr> {
        let mut lhs = self.parse_not()?;
        loop {
            let op = match self.peek_kind() {
                TokenKind::And => BinaryOp::And,
                TokenKind::Or => BinaryOp::Or,
                _ => return Ok(lhs),
            };
            self.advance();
            let rhs = self.parse_not()?;
            lhs = binary(op, lhs, rhs);
        }
    }

    fn parse_not(&mut self) -> Result<Expr> {
        if self.peek_kind() == TokenKind::Not {
            let keyword = self.advance();
            let operand = self.nested(Self::parse_not)?;
            let span = keyword.span.to(operand.span);
            return Ok(Expr::new(
                ExprKind::Unary {
                    op: UnaryOp::Not,
                    operand: Box::new(operand),
                },
                span,
            ));
        }
        self.parse_ternary()
    }

    fn parse_ternary(&mut self) -> Result<Expr> {
        let condition = self.parse_range()?;
        if self.peek_kind() != TokenKind::Question {
            return Ok(condition);
        }
        self.advance();
        self.nested(|p| {
            let then_value = p.parse_ternary()?;
            p.expect(TokenKind::Colon)?;
            let else_value = p.parse_ternary()?;
            let span = condition.span.to(else_value.span);
            Ok(Expr::new(
                ExprKind::Ternary {
                    condition: Box::new(condition),
                    then_value: Box::new(then_value),
                    else_value: Box::new(else_value),
                },
                span,
            ))
        })
    }

    fn parse_range(&mut self) -> Result<Expr> {
        let start = self.parse_binary(0)?;
        let exclusive = match self.peek_kind() {
            TokenKind::DotDot => false,
            TokenKind::DotDotDot => true,
            _ => return Ok(start),
        };
        self.advance();
        let end = self.parse_binary(0)?;
        let span = start.span.to(end.span);
        Ok(Expr::new(
            ExprKind::Range {
                start: Box::new(start),
                end: Box::new(end),
                exclusive,
            },
            span,
        ))
    }

    /// Binary operators by precedence climbing.
    fn parse_binary(&mut self, min_precedence: u8) -> Result<Expr> {
        let mut lhs = self.parse_unary()?;
        loop {
            let Some((op, precedence)) = binary_operator(self.peek_kind()) else {
                return Ok(lhs);
            };
            if precedence < min_precedence {
                return Ok(lhs);
            }
            self.advance();
            // `**` is right-associative; the rest are left-associative.
            let next = if op == BinaryOp::Pow {
                precedence
            } else {
                precedence + 1
            };
            let rhs = self.nested(|p| p.parse_binary(next))?;
            lhs = binary(op, lhs, rhs);
        }
    }

    fn parse_unary(&mut self) -> Result<Expr> {
        self.nested(|p| {
            let token = p.peek();
            let op = match token.kind {
                TokenKind::Bang => UnaryOp::Not,
                TokenKind::Tilde => UnaryOp::BitNot,
                TokenKind::Minus | TokenKind::Plus => {
                    let next = p.nth(1);
                    if matches!(next.kind, TokenKind::Integer | TokenKind::Float) && !next.spaced {
                        p.advance();
                        let literal = p.parse_number(token.kind == TokenKind::Minus)?;
                        let literal = Expr::new(literal.kind, token.span.to(literal.span));
                        return p.parse_postfix(literal);
                    }
                    if token.kind == TokenKind::Minus {
                        UnaryOp::Neg
                    } else {
                        UnaryOp::Pos
                    }
                }
                TokenKind::Star | TokenKind::StarStar | TokenKind::Amp => {
                    p.advance();
                    let operand = p.parse_unary()?;
                    let span = token.span.to(operand.span);
                    let operand = Box::new(operand);
                    let kind = if token.kind == TokenKind::Amp {
                        ExprKind::BlockPass(operand)
                    } else {
                        ExprKind::Splat(operand)
                    };
                    return Ok(Expr::new(kind, span));
                }
                _ => {
                    let primary = p.parse_primary()?;
                    return p.parse_postfix(primary);
                }
            };
            p.advance();
            let operand = p.parse_unary()?;
            let span = token.span.to(operand.span);
            Ok(Expr::new(
                ExprKind::Unary {
                    op,
                    operand: Box::new(operand),
                },
                span,
            ))
        })
    }

    /// Method calls, `::` lookups and indexing after an operand.
    fn parse_postfix(&mut self, mut expr: Expr) -> Result<Expr> {
        loop {
            match self.peek_kind() {
                TokenKind::Dot | TokenKind::AmpDot => {
                    let dot = self.advance();
                    self.record(Expected::MethodName);
                    let name = self.peek();
                    if !matches!(name.kind, TokenKind::Identifier | TokenKind::Constant) {
                        return Err(self.unexpected());
                    }
                    self.advance();
                    expr = self.parse_call(Some(expr), dot.kind == TokenKind::AmpDot, name)?;
                }
                TokenKind::ColonColon => {
                    self.advance();
                    let name = self.peek();
                    match name.kind {
                        TokenKind::Constant
                            if self.nth(1).kind != TokenKind::LParen || self.nth(1).spaced =>
                        {
                            self.advance();
                            let span = expr.span.to(name.span);
                            expr = Expr::new(
                                ExprKind::Constant {
                                    scope: Some(Box::new(expr)),
                                    name: name.lexeme.to_owned(),
                                },
                                span,
                            );
                        }
                        TokenKind::Constant | TokenKind::Identifier => {
                            self.advance();
                            expr = self.parse_call(Some(expr), false, name)?;
                        }
                        _ => {
                            self.record(Expected::Token(TokenKind::Constant));
                            self.record(Expected::MethodName);
                            return Err(self.unexpected());
                        }
                    }
                }
                TokenKind::LBracket => {
                    self.advance();
                    let (args, close) = self.unrestricted(|p| {
                        let args = p.parse_arguments(Some(TokenKind::RBracket))?;
                        let close = p.expect(TokenKind::RBracket)?;
                        Ok((args, close))
                    })?;
                    let span = expr.span.to(close.span);
                    expr = Expr::new(
                        ExprKind::Index {
                            receiver: Box::new(expr),
                            args,
                        },
                        span,
                    );
                }
                _ => return Ok(expr),
            }
        }
    }

    /// A call whose name has just been consumed: its arguments, with or without parentheses,
    /// and its block.
    fn parse_call(
        &mut self,
        receiver: Option<Expr>,
        safe_navigation: bool,
        name: Token<'src>,
    ) -> Result<Expr> {
        let start = receiver.as_ref().map_or(name.span, |r| r.span);
        let mut end = name.span;
        let next = self.peek();
        let (args, parens) = if next.kind == TokenKind::LParen && !next.spaced {
            self.advance();
            let (args, close) = self.unrestricted(|p| {
                let args = p.parse_arguments(Some(TokenKind::RParen))?;
                let close = p.expect(TokenKind::RParen)?;
                Ok((args, close))
            })?;
            end = close.span;
            (args, true)
        } else if self.starts_command_argument() {
            let saved = std::mem::replace(&mut self.command_args, true);
            let args = self.parse_arguments(None);
            self.command_args = saved;
            let args = args?;
            if let Some(last) = args.last() {
                end = last.span;
            }
            (args, false)
        } else {
            (Vec::new(), false)
        };
        let block = self.parse_block_if_any()?;
        if let Some(block) = &block {
            end = block.span;
        }
        Ok(Expr::new(
            ExprKind::Call(Box::new(Call {
                receiver,
                safe_navigation,
                name: name.lexeme.to_owned(),
                name_span: name.span,
                args,
                parens,
                block,
            })),
            start.to(end),
        ))
    }

    /// Whether the current token starts the first argument of a command call: it is
    /// separated from the name by a space, and, for tokens that could also be binary
    /// operators (`-`, `*`, `[`, `::`), not followed by one (`foo -1`, not `foo - 1`).
    fn starts_command_argument(&self) -> bool {
        use TokenKind as K;
        let token = self.peek();
        if !token.spaced {
            return false;
        }
        match token.kind {
            K::Identifier
            | K::Constant
            | K::Integer
            | K::Float
            | K::StringBegin
            | K::RegexBegin
            | K::SymbolBegin
            | K::CommandBegin
            | K::Symbol
            | K::Words
            | K::Label
            | K::HeredocStart
            | K::InstanceVariable
            | K::ClassVariable
            | K::GlobalVariable
            | K::Nil
            | K::True
            | K::False
            | K::SelfKw
            | K::Arrow
            | K::Case
            | K::LBracket
            | K::LParen => true,
            K::Minus | K::Plus | K::Star | K::StarStar | K::Amp | K::ColonColon | K::Bang => {
                !self.nth(1).spaced
            }
            _ => false,
        }
    }

    /// Arguments up to `closer` (not consumed), or, without one, the arguments of a command
    /// call. Keyword arguments (`k: v`, `'k': v`, `k => v`) become one trailing `Hash`.
    fn parse_arguments(&mut self, closer: Option<TokenKind>) -> Result<Vec<Expr>> {
        let mut args = Vec::new();
        let mut keywords: Vec<HashEntry> = Vec::new();
        loop {
            if let Some(closer) = closer {
                self.skip_newlines();
                if self.check(closer) {
                    break;
                }
            }
            if let Some(key) = self.parse_label_if_any()? {
                let value = self.parse_argument()?;
                keywords.push(HashEntry { key, value });
            } else {
                let arg = self.parse_argument()?;
                if self.peek_kind() == TokenKind::FatArrow {
                    self.advance();
                    let value = self.parse_argument()?;
                    keywords.push(HashEntry { key: arg, value });
                } else {
                    args.push(arg);
                }
            }
            if closer.is_some() {
                self.skip_newlines();
                if self.accept(TokenKind::Comma).is_none() {
                    break;
                }
            } else if self.peek_kind() == TokenKind::Comma {
                self.advance();
            } else {
                break;
            }
        }
        if let (Some(first), Some(last)) = (keywords.first(), keywords.last()) {
            let span = first.key.span.to(last.value.span);
            args.push(Expr::new(
                ExprKind::Hash {
                    entries: keywords,
                    braces: false,
                },
                span,
            ));
        }
        Ok(args)
    }

    /// One argument: anything but `and`/`or` and assignments.
    fn parse_argument(&mut self) -> Result<Expr> {
        self.parse_not()
    }

    /// A `key:` or `'quoted key':` label, as the symbol it names.
    fn parse_label_if_any(&mut self) -> Result<Option<Expr>> {
        let token = self.peek();
        match token.kind {
            TokenKind::Label => {
                self.advance();
                let name = &token.lexeme[..token.lexeme.len() - 1];
                Ok(Some(Expr::new(
                    ExprKind::Symbol(name.to_owned()),
                    token.span,
                )))
            }
            TokenKind::StringBegin if self.quoted_label_ahead() => {
                self.advance();
                let (parts, end) = self.parse_string_parts(escapes_of(token.lexeme))?;
                let span = token.span.to(end.span);
                Ok(Some(match literal_text(&parts) {
                    Some(text) => Expr::new(ExprKind::Symbol(text), span),
                    None => Expr::new(ExprKind::Interpolated(parts), span),
                }))
            }
            _ => Ok(None),
        }
    }

    /// Whether the string starting at the current token ends as a label (`'a-b':`).
    fn quoted_label_ahead(&self) -> bool {
        let mut open = 0usize;
        for token in &self.tokens[self.pos..] {
            match token.kind {
                TokenKind::StringBegin
                | TokenKind::RegexBegin
                | TokenKind::SymbolBegin
                | TokenKind::CommandBegin => open += 1,
                TokenKind::StringEnd | TokenKind::LabelEnd => {
                    open -= 1;
                    if open == 0 {
                        return token.kind == TokenKind::LabelEnd;
                    }
                }
                TokenKind::Eof => return false,
                _ => {}
            }
        }
        false
    }

    /// A `{ … }` or `do … end` block after a call, if one binds to it here.
    fn parse_block_if_any(&mut self) -> Result<Option<Block>> {
        let brace = if self.command_args {
            self.peek_kind() == TokenKind::LBrace && self.nth(1).kind == TokenKind::Pipe
        } else {
            self.check(TokenKind::Do);
            self.check(TokenKind::LBrace)
        };
        if brace {
            return self.parse_block(TokenKind::RBrace).map(Some);
        }
        if !self.command_args && self.peek_kind() == TokenKind::Do {
            return self.parse_block(TokenKind::End).map(Some);
        }
        Ok(None)
    }

    /// A block; it needs no nesting level of its own, as it hangs off a call that has one.
    fn parse_block(&mut self, close: TokenKind) -> Result<Block> {
        let open = self.advance();
        let scope = self.locals.len();
        let result = self.opened(open, close, |p| {
            p.unrestricted(|p| {
                let mut unsupported = None;
                let params = if p.peek_kind() == TokenKind::OrOr {
                    p.advance();
                    Vec::new()
                } else if p.accept(TokenKind::Pipe).is_some() {
                    p.parse_block_params(&mut unsupported)?
                } else {
                    Vec::new()
                };
                let mut body = p.parse_statements(&[close])?;
                if let Some(stmt) = unsupported {
                    body.insert(0, stmt);
                }
                let end = p.expect(close)?;
                Ok(Block {
                    params,
                    body,
                    span: open.span.to(end.span),
                })
            })
        });
        self.locals.truncate(scope);
        result
    }

    /// `a, b|` after the opening `|`. Patterns beyond plain names (`(k, v)`, `*rest`,
    /// defaults) are skipped; the block then starts with an `Unsupported` statement.
    fn parse_block_params(&mut self, unsupported: &mut Option<Stmt>) -> Result<Vec<Param>> {
        let mut params = Vec::new();
        loop {
            self.record(Expected::Parameter);
            let token = self.peek();
            if token.kind == TokenKind::Identifier
                && matches!(self.nth(1).kind, TokenKind::Comma | TokenKind::Pipe)
            {
                self.advance();
                self.declare(token.lexeme);
                params.push(Param {
                    name: token.lexeme.to_owned(),
                    span: token.span,
                });
                if self.accept(TokenKind::Comma).is_some() {
                    continue;
                }
                self.expect(TokenKind::Pipe)?;
                return Ok(params);
            }
            if matches!(
                token.kind,
                TokenKind::Identifier
                    | TokenKind::LParen
                    | TokenKind::Star
                    | TokenKind::StarStar
                    | TokenKind::Amp
                    | TokenKind::Label
            ) {
                // Skip to the closing `|`, declaring every name on the way.
                let start = token.span;
                let mut depth = 0usize;
                loop {
                    let t = self.peek();
                    match t.kind {
                        TokenKind::LParen => depth += 1,
                        TokenKind::RParen => depth = depth.saturating_sub(1),
                        TokenKind::Identifier
                            if depth == 0 || self.nth(1).kind != TokenKind::LParen =>
                        {
                            self.declare(t.lexeme);
                        }
                        TokenKind::Label => self.declare(&t.lexeme[..t.lexeme.len() - 1]),
                        TokenKind::Pipe if depth == 0 => break,
                        TokenKind::Newline | TokenKind::Eof => {
                            self.check(TokenKind::Pipe);
                            return Err(self.unexpected());
                        }
                        _ => {}
                    }
                    self.advance();
                }
                let end = self.advance();
                *unsupported = Some(unsupported_stmt(
                    "block parameter pattern",
                    start.to(end.span),
                ));
                return Ok(params);
            }
            return Err(self.unexpected());
        }
    }

    fn parse_primary(&mut self) -> Result<Expr> {
        use TokenKind as K;
        let token = self.peek();
        let literal = |kind| Ok(Expr::new(kind, token.span));
        match token.kind {
            K::Integer | K::Float => self.parse_number(false),
            K::StringBegin => self.parse_string(),
            K::RegexBegin => self.parse_regex(),
            K::SymbolBegin => {
                self.advance();
                let (parts, end) = self.parse_string_parts(escapes_of(&token.lexeme[1..]))?;
                let span = token.span.to(end.span);
                Ok(match literal_text(&parts) {
                    Some(text) => Expr::new(ExprKind::Symbol(text), span),
                    None => unsupported("interpolated symbol", span),
                })
            }
            K::CommandBegin => {
                self.advance();
                let (_, end) = self.parse_string_parts(Escapes::Double)?;
                Ok(unsupported("command literal", token.span.to(end.span)))
            }
            K::Symbol => {
                self.advance();
                literal(ExprKind::Symbol(token.lexeme[1..].to_owned()))
            }
            K::Words => {
                self.advance();
                Ok(parse_words(token))
            }
            K::HeredocStart => {
                self.advance();
                literal(ExprKind::Unsupported {
                    construct: "heredoc".to_owned(),
                })
            }
            K::Nil => {
                self.advance();
                literal(ExprKind::Nil)
            }
            K::True => {
                self.advance();
                literal(ExprKind::True)
            }
            K::False => {
                self.advance();
                literal(ExprKind::False)
            }
            K::SelfKw => {
                self.advance();
                literal(ExprKind::SelfRef)
            }
            K::LParen => self.parse_parenthesized(),
            K::LBracket => {
                self.advance();
                self.unrestricted(|p| {
                    let items = p.parse_arguments(Some(K::RBracket))?;
                    let close = p.expect(K::RBracket)?;
                    Ok(Expr::new(ExprKind::Array(items), token.span.to(close.span)))
                })
            }
            K::LBrace => self.parse_hash(),
            K::Identifier => self.parse_identifier(),
            K::Constant => {
                self.advance();
                let next = self.peek();
                if next.kind == K::LParen && !next.spaced {
                    return self.parse_call(None, false, token);
                }
                literal(ExprKind::Constant {
                    scope: None,
                    name: token.lexeme.to_owned(),
                })
            }
            K::ColonColon => {
                self.advance();
                let name = self.expect(K::Constant)?;
                Ok(Expr::new(
                    ExprKind::Constant {
                        scope: None,
                        name: name.lexeme.to_owned(),
                    },
                    token.span.to(name.span),
                ))
            }
            K::InstanceVariable | K::ClassVariable | K::GlobalVariable => {
                self.advance();
                literal(ExprKind::Unsupported {
                    construct: format!("{} `{}`", token.kind, token.lexeme),
                })
            }
            K::Def | K::Class | K::Module | K::Begin | K::Case | K::While | K::Until | K::For => {
                self.skip_construct()
            }
            K::If | K::Unless => {
                let stmt = self.parse_if()?;
                let span = stmt.span;
                Ok(Expr::new(ExprKind::Group(vec![stmt]), span))
            }
            K::Not => self.parse_not(),
            K::Arrow => self.skip_lambda(),
            _ => {
                self.record(Expected::Expression);
                Err(self.unexpected())
            }
        }
    }

    fn parse_identifier(&mut self) -> Result<Expr> {
        let token = self.advance();
        let next = self.peek();
        let call_parens = next.kind == TokenKind::LParen && !next.spaced;
        if self.is_local(token.lexeme) && !call_parens {
            return Ok(Expr::new(
                ExprKind::Local(token.lexeme.to_owned()),
                token.span,
            ));
        }
        let call = self.parse_call(None, false, token)?;
        if matches!(token.lexeme, "lambda" | "proc") {
            return Ok(unsupported(token.lexeme, call.span));
        }
        Ok(call)
    }

    fn parse_number(&mut self, negative: bool) -> Result<Expr> {
        let token = self.advance();
        let text: String = token.lexeme.chars().filter(|&c| c != '_').collect();
        let invalid = || {
            ParseError::new(
                token.span,
                ParseErrorKind::InvalidNumber {
                    lexeme: token.lexeme.to_owned(),
                },
            )
        };
        let kind = if token.kind == TokenKind::Float {
            let value: f64 = text.parse().map_err(|_| invalid())?;
            ExprKind::Float(if negative { -value } else { value })
        } else {
            let lower = text.to_ascii_lowercase();
            let (digits, radix) = if let Some(d) = lower.strip_prefix("0x") {
                (d, 16)
            } else if let Some(d) = lower.strip_prefix("0b") {
                (d, 2)
            } else if let Some(d) = lower.strip_prefix("0o") {
                (d, 8)
            } else if lower.len() > 1 && lower.starts_with('0') {
                // Ruby reads `0644` as octal.
                (&lower[1..], 8)
            } else {
                (lower.as_str(), 10)
            };
            let signed = if negative {
                format!("-{digits}")
            } else {
                digits.to_owned()
            };
            ExprKind::Integer(i64::from_str_radix(&signed, radix).map_err(|_| invalid())?)
        };
        Ok(Expr::new(kind, token.span))
    }

    /// A string literal; adjacent literals (`'a' 'b'`, also across `\` line continuations)
    /// are joined.
    fn parse_string(&mut self) -> Result<Expr> {
        let begin = self.presume(TokenKind::StringBegin)?;
        let (mut parts, mut end) = self.parse_string_parts(escapes_of(begin.lexeme))?;
        while end.kind == TokenKind::StringEnd
            && self.peek_kind() == TokenKind::StringBegin
            && matches!(self.peek().lexeme, "'" | "\"")
            && !self.quoted_label_ahead()
        {
            let next = self.advance();
            let (more, next_end) = self.parse_string_parts(escapes_of(next.lexeme))?;
            for part in more {
                push_part(&mut parts, part);
            }
            end = next_end;
        }
        if end.kind == TokenKind::LabelEnd {
            return Err(ParseError::new(
                begin.span.to(end.span),
                ParseErrorKind::UnexpectedToken {
                    expected: vec![Expected::Expression],
                    found: TokenKind::Label,
                    lexeme: format!("{}{}", begin.lexeme, "…':"),
                },
            ));
        }
        let span = begin.span.to(end.span);
        Ok(match literal_text(&parts) {
            Some(text) => Expr::new(ExprKind::String(text), span),
            None => Expr::new(ExprKind::Interpolated(parts), span),
        })
    }

    /// The contents of a string-like literal after its opening token, through its end.
    fn parse_string_parts(&mut self, escapes: Escapes) -> Result<(Vec<StringPart>, Token<'src>)> {
        let mut parts = Vec::new();
        loop {
            let token = self.peek();
            match token.kind {
                TokenKind::StringContent => {
                    self.advance();
                    push_part(
                        &mut parts,
                        StringPart::Literal(unescape(token.lexeme, escapes)),
                    );
                }
                TokenKind::InterpolationBegin => {
                    self.advance();
                    let (stmts, end) = self.unrestricted(|p| {
                        let stmts = p.parse_statements(&[TokenKind::InterpolationEnd])?;
                        let end = p.expect(TokenKind::InterpolationEnd)?;
                        Ok((stmts, end))
                    })?;
                    let span = token.span.to(end.span);
                    parts.push(StringPart::Interpolation(statements_value(stmts, span)));
                }
                TokenKind::StringEnd | TokenKind::LabelEnd => {
                    self.advance();
                    return Ok((parts, token));
                }
                _ => {
                    self.check(TokenKind::StringEnd);
                    return Err(self.unexpected());
                }
            }
        }
    }

    fn parse_regex(&mut self) -> Result<Expr> {
        let begin = self.presume(TokenKind::RegexBegin)?;
        let (parts, end) = self.parse_string_parts(Escapes::Raw)?;
        let flags = end.lexeme[1..].to_owned();
        Ok(Expr::new(
            ExprKind::Regex { parts, flags },
            begin.span.to(end.span),
        ))
    }

    /// `( … )`: one expression, or a `Group` of statements.
    fn parse_parenthesized(&mut self) -> Result<Expr> {
        let open = self.presume(TokenKind::LParen)?;
        self.opened(open, TokenKind::RParen, |p| {
            p.unrestricted(|p| {
                let stmts = p.parse_statements(&[TokenKind::RParen])?;
                let close = p.expect(TokenKind::RParen)?;
                let span = open.span.to(close.span);
                let mut expr = statements_value(stmts, span);
                expr.span = span;
                Ok(expr)
            })
        })
    }

    fn parse_hash(&mut self) -> Result<Expr> {
        let open = self.presume(TokenKind::LBrace)?;
        self.unrestricted(|p| {
            let mut entries = Vec::new();
            loop {
                p.skip_newlines();
                if p.check(TokenKind::RBrace) {
                    break;
                }
                let entry = if let Some(key) = p.parse_label_if_any()? {
                    let value = p.parse_argument()?;
                    HashEntry { key, value }
                } else {
                    p.record(Expected::Token(TokenKind::Label));
                    let key = p.parse_argument()?;
                    p.expect(TokenKind::FatArrow)?;
                    let value = p.parse_argument()?;
                    HashEntry { key, value }
                };
                entries.push(entry);
                p.skip_newlines();
                if p.accept(TokenKind::Comma).is_none() {
                    break;
                }
            }
            p.skip_newlines();
            let close = p.expect(TokenKind::RBrace)?;
            Ok(Expr::new(
                ExprKind::Hash {
                    entries,
                    braces: true,
                },
                open.span.to(close.span),
            ))
        })
    }

    // Skipping what is outside the subset.

    /// Whether `a, b = …` follows: a `=` before the end of the statement, outside brackets.
    fn multiple_assignment_ahead(&self) -> bool {
        let mut depth = 0usize;
        for token in &self.tokens[self.pos..] {
            match token.kind {
                TokenKind::LParen | TokenKind::LBracket | TokenKind::LBrace => depth += 1,
                TokenKind::RParen | TokenKind::RBracket | TokenKind::RBrace => {
                    if depth == 0 {
                        return false;
                    }
                    depth -= 1;
                }
                TokenKind::Eq if depth == 0 => return true,
                TokenKind::Newline | TokenKind::Semicolon | TokenKind::Eof | TokenKind::Do
                    if depth == 0 =>
                {
                    return false;
                }
                _ => {}
            }
        }
        false
    }

    /// Skips to the end of the statement (a line break, `;`, or a closing token outside any
    /// bracket or block opened on the way); returns the span from `start`.
    fn skip_statement_rest(&mut self, start: Span) -> Span {
        let mut end = start;
        let mut depth = 0usize;
        loop {
            let token = self.peek();
            match token.kind {
                TokenKind::Eof => break,
                TokenKind::Newline | TokenKind::Semicolon if depth == 0 => break,
                TokenKind::RParen
                | TokenKind::RBracket
                | TokenKind::RBrace
                | TokenKind::End
                | TokenKind::InterpolationEnd
                    if depth == 0 =>
                {
                    break;
                }
                TokenKind::LParen
                | TokenKind::LBracket
                | TokenKind::LBrace
                | TokenKind::Do
                | TokenKind::InterpolationBegin => depth += 1,
                TokenKind::RParen
                | TokenKind::RBracket
                | TokenKind::RBrace
                | TokenKind::End
                | TokenKind::InterpolationEnd => depth -= 1,
                kind if self.opens_construct(kind) => depth += 1,
                _ => {}
            }
            end = token.span;
            self.advance();
        }
        start.to(end)
    }

    /// Whether a keyword at the current position opens a construct closed by `end`:
    /// `if`/`unless`/`while`/`until` do only at the start of an expression, not as modifiers.
    fn opens_construct(&self, kind: TokenKind) -> bool {
        use TokenKind as K;
        match kind {
            K::Def | K::Class | K::Module | K::Begin | K::Case | K::For => true,
            K::If | K::Unless | K::While | K::Until => self.previous().is_none_or(|prev| {
                !prev.kind.ends_value() && !matches!(prev.kind, K::Return | K::Next | K::Break)
            }),
            _ => false,
        }
    }

    /// Skips `def … end`, `case … end`, `begin … end` and the like, counting nested
    /// constructs, blocks and `end`s.
    fn skip_construct(&mut self) -> Result<Expr> {
        let first = self.advance();
        let construct = first.lexeme.to_owned();
        let mut depth = 1usize;
        // `while cond do … end`: that `do` opens nothing.
        let mut loop_do = matches!(
            first.kind,
            TokenKind::While | TokenKind::Until | TokenKind::For
        );
        loop {
            let token = self.peek();
            match token.kind {
                TokenKind::Eof => {
                    return Err(ParseError::new(
                        first.span,
                        ParseErrorKind::Unclosed {
                            opener: format!("`{construct}`"),
                            closer: TokenKind::End,
                        },
                    ));
                }
                TokenKind::Do if loop_do => loop_do = false,
                TokenKind::Do => depth += 1,
                TokenKind::Newline | TokenKind::Semicolon => loop_do = false,
                TokenKind::End => {
                    depth -= 1;
                    if depth == 0 {
                        self.advance();
                        return Ok(unsupported(&construct, first.span.to(token.span)));
                    }
                }
                kind if self.opens_construct(kind) => {
                    depth += 1;
                    loop_do = matches!(kind, TokenKind::While | TokenKind::Until | TokenKind::For);
                }
                _ => {}
            }
            self.advance();
        }
    }

    /// Skips `->(x) { … }` and `-> do … end`.
    fn skip_lambda(&mut self) -> Result<Expr> {
        let arrow = self.presume(TokenKind::Arrow)?;
        let end;
        if self.peek_kind() == TokenKind::LParen {
            let mut depth = 0usize;
            loop {
                let token = self.advance();
                match token.kind {
                    TokenKind::LParen => depth += 1,
                    TokenKind::RParen => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    TokenKind::Eof => {
                        self.check(TokenKind::RParen);
                        return Err(self.unexpected());
                    }
                    _ => {}
                }
            }
        } else {
            while self.peek_kind() == TokenKind::Identifier || self.peek_kind() == TokenKind::Comma
            {
                self.advance();
            }
        }
        self.check(TokenKind::LBrace);
        self.check(TokenKind::Do);
        match self.peek_kind() {
            TokenKind::LBrace => {
                let mut depth = 0usize;
                loop {
                    let token = self.advance();
                    match token.kind {
                        TokenKind::LBrace => depth += 1,
                        TokenKind::RBrace => {
                            depth -= 1;
                            if depth == 0 {
                                end = token.span;
                                break;
                            }
                        }
                        TokenKind::Eof => {
                            self.check(TokenKind::RBrace);
                            return Err(self.unexpected());
                        }
                        _ => {}
                    }
                }
            }
            TokenKind::Do => end = self.skip_construct()?.span,
            _ => return Err(self.unexpected()),
        }
        Ok(unsupported("lambda", arrow.span.to(end)))
    }
}

fn binary(op: BinaryOp, lhs: Expr, rhs: Expr) -> Expr {
    let span = lhs.span.to(rhs.span);
    Expr::new(
        ExprKind::Binary {
            op,
            lhs: Box::new(lhs),
            rhs: Box::new(rhs),
        },
        span,
    )
}

fn unsupported(construct: &str, span: Span) -> Expr {
    Expr::new(
        ExprKind::Unsupported {
            construct: construct.to_owned(),
        },
        span,
    )
}

fn unsupported_stmt(construct: &str, span: Span) -> Stmt {
    Stmt {
        kind: StmtKind::Expr(unsupported(construct, span)),
        span,
    }
}

/// The binary operator a token stands for, with its precedence (higher binds tighter).
fn binary_operator(kind: TokenKind) -> Option<(BinaryOp, u8)> {
    use BinaryOp as B;
    use TokenKind as K;
    Some(match kind {
        K::OrOr => (B::Or, 1),
        K::AndAnd => (B::And, 2),
        K::EqEq => (B::Eq, 3),
        K::BangEq => (B::Ne, 3),
        K::EqEqEq => (B::CaseEq, 3),
        K::Spaceship => (B::Cmp, 3),
        K::Match => (B::Match, 3),
        K::NotMatch => (B::NotMatch, 3),
        K::Lt => (B::Lt, 4),
        K::Le => (B::Le, 4),
        K::Gt => (B::Gt, 4),
        K::Ge => (B::Ge, 4),
        K::Pipe => (B::BitOr, 5),
        K::Caret => (B::BitXor, 5),
        K::Amp => (B::BitAnd, 6),
        K::Shl => (B::Shl, 7),
        K::Shr => (B::Shr, 7),
        K::Plus => (B::Add, 8),
        K::Minus => (B::Sub, 8),
        K::Star => (B::Mul, 9),
        K::Slash => (B::Div, 9),
        K::Percent => (B::Mod, 9),
        K::StarStar => (B::Pow, 10),
        _ => return None,
    })
}

/// Whether a token can start the value of `return`, `next` or `break`.
fn starts_expression(kind: TokenKind) -> bool {
    use TokenKind as K;
    matches!(
        kind,
        K::Identifier
            | K::Constant
            | K::Integer
            | K::Float
            | K::StringBegin
            | K::RegexBegin
            | K::SymbolBegin
            | K::Symbol
            | K::Words
            | K::Nil
            | K::True
            | K::False
            | K::SelfKw
            | K::LParen
            | K::LBracket
            | K::LBrace
            | K::Bang
            | K::Minus
            | K::Not
            | K::ColonColon
            | K::InstanceVariable
            | K::GlobalVariable
            | K::ClassVariable
    )
}

/// The value of statements used as an expression: the one expression, `nil` for none, or a
/// `Group`.
fn statements_value(mut stmts: Vec<Stmt>, span: Span) -> Expr {
    if stmts.is_empty() {
        return Expr::new(ExprKind::Nil, span);
    }
    if stmts.len() == 1
        && matches!(stmts[0].kind, StmtKind::Expr(_))
        && let Some(Stmt {
            kind: StmtKind::Expr(expr),
            ..
        }) = stmts.pop()
    {
        return expr;
    }
    Expr::new(ExprKind::Group(stmts), span)
}

fn push_part(parts: &mut Vec<StringPart>, part: StringPart) {
    if let (Some(StringPart::Literal(last)), StringPart::Literal(text)) = (parts.last_mut(), &part)
    {
        last.push_str(text);
        return;
    }
    parts.push(part);
}

/// The text of parts without interpolation.
fn literal_text(parts: &[StringPart]) -> Option<String> {
    match parts {
        [] => Some(String::new()),
        [StringPart::Literal(text)] => Some(text.clone()),
        _ => None,
    }
}

/// How to read the escapes of a literal that opens with `begin`.
fn escapes_of(begin: &str) -> Escapes {
    let open = begin.chars().last().unwrap_or('\'');
    let close = match open {
        '(' => ')',
        '[' => ']',
        '{' => '}',
        '<' => '>',
        other => other,
    };
    if begin == "'" || begin.starts_with("%q") || begin.starts_with("%s") {
        Escapes::Single { open, close }
    } else {
        Escapes::Double
    }
}

/// Resolves the escapes of raw literal text.
fn unescape(raw: &str, escapes: Escapes) -> String {
    let Escapes::Double = escapes else {
        let Escapes::Single { open, close } = escapes else {
            return raw.to_owned();
        };
        let mut out = String::with_capacity(raw.len());
        let mut chars = raw.chars().peekable();
        while let Some(c) = chars.next() {
            match (c, chars.peek().copied()) {
                ('\\', Some(n)) if n == '\\' || n == open || n == close => {
                    out.push(n);
                    chars.next();
                }
                _ => out.push(c),
            }
        }
        return out;
    };
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some(e) = chars.next() else {
            out.push('\\');
            break;
        };
        match e {
            'n' => out.push('\n'),
            't' => out.push('\t'),
            'r' => out.push('\r'),
            's' => out.push(' '),
            'e' => out.push('\x1b'),
            'a' => out.push('\x07'),
            'b' => out.push('\x08'),
            'f' => out.push('\x0c'),
            'v' => out.push('\x0b'),
            '\n' => {}
            'u' => {
                let mut code = String::new();
                if chars.peek() == Some(&'{') {
                    chars.next();
                    for h in chars.by_ref() {
                        if h == '}' {
                            break;
                        }
                        code.push(h);
                    }
                } else {
                    while code.len() < 4 && chars.peek().is_some_and(char::is_ascii_hexdigit) {
                        code.extend(chars.next());
                    }
                }
                let decoded = u32::from_str_radix(code.trim(), 16)
                    .ok()
                    .and_then(char::from_u32);
                out.push(decoded.unwrap_or(char::REPLACEMENT_CHARACTER));
            }
            'x' => {
                let mut code = String::new();
                while code.len() < 2 && chars.peek().is_some_and(char::is_ascii_hexdigit) {
                    code.extend(chars.next());
                }
                let decoded = u32::from_str_radix(&code, 16).ok().and_then(char::from_u32);
                out.push(decoded.unwrap_or(char::REPLACEMENT_CHARACTER));
            }
            '0'..='7' => {
                let mut code = String::from(e);
                while code.len() < 3 && chars.peek().is_some_and(|c| ('0'..='7').contains(c)) {
                    code.extend(chars.next());
                }
                let decoded = u32::from_str_radix(&code, 8).ok().and_then(char::from_u32);
                out.push(decoded.unwrap_or(char::REPLACEMENT_CHARACTER));
            }
            other => out.push(other),
        }
    }
    out
}

/// `%w[a b]` as an array of strings, `%i[a b]` as an array of symbols, each with its span.
fn parse_words(token: Token<'_>) -> Expr {
    let lexeme = token.lexeme;
    let symbols = matches!(lexeme.as_bytes().get(1), Some(b'i' | b'I'));
    let body_start = 3;
    let body = &lexeme[body_start..lexeme.len() - 1];
    let mut items = Vec::new();
    let mut word_start: Option<usize> = None;
    let finish = |start: usize, end: usize, items: &mut Vec<Expr>| {
        let text = body[start..end].replace("\\ ", " ");
        let offset = token.span.start + body_start;
        let span = Span::new(offset + start, offset + end);
        let kind = if symbols {
            ExprKind::Symbol(text)
        } else {
            ExprKind::String(text)
        };
        items.push(Expr::new(kind, span));
    };
    let bytes = body.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b.is_ascii_whitespace() && !(i > 0 && bytes[i - 1] == b'\\') {
            if let Some(start) = word_start.take() {
                finish(start, i, &mut items);
            }
        } else if word_start.is_none() {
            word_start = Some(i);
        }
        i += 1;
    }
    if let Some(start) = word_start {
        finish(start, bytes.len(), &mut items);
    }
    Expr::new(ExprKind::Array(items), token.span)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dsl::parse;
    use crate::source::SourceFile;

    #[track_caller]
    fn tree_of(text: &str) -> String {
        let source = SourceFile::new("test.rb", text);
        match parse(&source) {
            Ok(program) => program.to_string(),
            Err(e) => panic!(
                "parsing {text:?}:\n{}",
                e.to_diagnostic(&source).render(false)
            ),
        }
    }

    fn normalize(s: &str) -> String {
        s.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    macro_rules! tree {
        ($name:ident, $text:expr, $tree:expr $(,)?) => {
            #[test]
            fn $name() {
                assert_eq!(tree_of($text), normalize($tree));
            }
        };
    }

    macro_rules! error {
        (
            $name:ident,
            $input:expr,
            offset: $offset:expr,
            line: $line:expr,
            column: $column:expr,
            width: $width:expr,
            kind: $kind:expr $(,)?
        ) => {
            #[test]
            fn $name() {
                let source = SourceFile::new("test.rb", $input);
                let err = parse(&source).expect_err("parsing should fail");
                assert_eq!(err.kind, $kind, "kind");
                assert_eq!(err.span.start, $offset, "offset");
                let position = source.position(err.span.start);
                assert_eq!(position.line, $line, "line (0-based)");
                assert_eq!(position.column, $column, "column (0-based)");
                assert_eq!(err.span.end - err.span.start, $width, "width");
            }
        };
    }

    fn unexpected(expected: &[Expected], found: TokenKind, lexeme: &str) -> ParseErrorKind {
        ParseErrorKind::UnexpectedToken {
            expected: expected.to_vec(),
            found,
            lexeme: lexeme.to_owned(),
        }
    }

    use Expected::Token as T;
    use TokenKind as K;

    tree!(empty_program, "", "");
    tree!(
        control_with_describe,
        "control 'x' do\n  describe file('/etc') do\n  end\nend\n",
        r#"(call control ("x") (block (call describe ((call file ("/etc"))) (block))))"#,
    );
    tree!(
        rule_alias,
        "rule 'x' do\nend",
        r#"(call rule ("x") (block))"#
    );
    tree!(
        metadata,
        "title 'T'\ndesc 'D'\ndesc 'fix', %q(F)\nimpact 0.7\nimpact 'critical'",
        r#"(call title ("T")) (call desc ("D")) (call desc ("fix" "F")) (call impact (0.7))
           (call impact ("critical"))"#,
    );
    tree!(
        tag_forms,
        "tag 'host'\ntag cci: ['CCI-1'], nist: ['AU-3', '4']\ntag 'cis-docker-1.12.0': '1.7'\ntag \"severity\": 'medium'\ntag 'a', 'b'\ntag level: 2",
        r#"(call tag ("host"))
           (call tag ((hash (:cci (array "CCI-1")) (:nist (array "AU-3" "4")))))
           (call tag ((hash (:"cis-docker-1.12.0" "1.7"))))
           (call tag ((hash (:severity "medium"))))
           (call tag ("a" "b"))
           (call tag ((hash (:level 2))))"#,
    );
    tree!(
        reference,
        "ref 'System auditing', url: 'https://x'",
        r#"(call ref ("System auditing" (hash (:url "https://x"))))"#,
    );
    tree!(
        its_forms,
        "its('a.b') { should_not eq 1 }\nits(:lines) { should include('x') }\nits(['a', 'b']) { should eq false }\nits(%w(a b)) { should cmp >= '17.06' }",
        r#"(call its ("a.b") (block (call should_not ((call eq (1))))))
           (call its (:lines) (block (call should ((call include ("x"))))))
           (call its ((array "a" "b")) (block (call should ((call eq (false))))))
           (call its ((array "a" "b")) (block (call should ((>= (call cmp) "17.06")))))"#,
    );
    tree!(
        matchers,
        "it { should exist }\nit { should be_readable.by('owner') }\nit { should be <= 60 }\nit { should_not be_writable.by 'group' }\nit { should match /^a$/i }",
        r#"(call it (block (call should ((call exist)))))
           (call it (block (call should ((. (call be_readable) by ("owner"))))))
           (call it (block (call should ((<= (call be) 60)))))
           (call it (block (call should_not ((. (call be_writable) by ("group"))))))
           (call it (block (call should ((call match (/^a$/i))))))"#,
    );
    tree!(
        describe_brace_block,
        "describe file('/x') { it { should exist } }",
        r#"(call describe ((call file ("/x"))) (block (call it (block (call should ((call exist)))))))"#,
    );
    tree!(
        describe_one,
        "describe.one do\n  describe x do\n  end\nend",
        "(. (call describe) one (block (call describe ((call x)) (block))))",
    );
    tree!(
        named_it,
        "it 'works' do\n  expect(v).to eq(1), 'msg'\nend",
        r#"(call it ("works") (block (. (call expect ((call v))) to ((call eq (1)) "msg"))))"#,
    );
    tree!(
        only_if_forms,
        "only_if('docker not found') { command('docker').exist? }\nonly_if('n/a', impact: 0.0) do\n  !virtualization.system.eql?('docker')\nend\nonly_if { os.linux? }",
        r#"(call only_if ("docker not found") (block (. (call command ("docker")) exist?)))
           (call only_if ("n/a" (hash (:impact 0.0))) (block (! (. (. (call virtualization) system) eql? ("docker")))))
           (call only_if (block (. (call os) linux?)))"#,
    );
    tree!(
        skip,
        "describe 'x' do\n  skip 'why'\nend",
        r#"(call describe ("x") (block (call skip ("why"))))"#
    );
    tree!(
        assignments,
        "x = 1\nTRUSTED = input('u')\nx += 2\ny ||= x\nh = {}\nh['k'] = x\no.attr = 3",
        r#"(= x 1) (= TRUSTED (call input ("u"))) (+= x 2) (||= y x) (= h (hash))
           (= (index h "k") x) (= (. (call o) attr) 3)"#,
    );
    tree!(
        locals_versus_calls,
        "a [1]\nb = 2\nb [1]\nb -1\nc -1",
        "(call a ((array 1))) (= b 2) (index b 1) (- b 1) (call c (-1))",
    );
    tree!(
        block_params_are_locals,
        "%w[a b].each do |x, i|\n  describe x do end\nend\nx",
        r#"(. (array "a" "b") each (block (params x i) (call describe (x) (block)))) (call x)"#,
    );
    tree!(
        brace_block_params,
        "list.map { |u| u.name }",
        "(. (call list) map (block (params u) (. u name)))",
    );
    tree!(
        block_with_pipe_binds_inside_command,
        "describe list.select { |u| u } do\nend",
        "(call describe ((. (call list) select (block (params u) u))) (block))",
    );
    tree!(
        if_elsif_else,
        "if a\n  impact 0.0\nelsif b then c\nelse\n  d\nend",
        "(if (call a) (then (call impact (0.0))) (else (if (call b) (then (call c)) (else (call d)))))",
    );
    tree!(
        unless_else,
        "unless a\n  b\nelse\n  c\nend",
        "(unless (call a) (then (call b)) (else (call c)))"
    );
    tree!(
        modifiers,
        "describe x if a\nskip 'n' unless b == 2",
        r#"(if (call a) (then (call describe ((call x))))) (unless (== (call b) 2) (then (call skip ("n"))))"#,
    );
    tree!(
        ternary,
        "x = a ? 'y' : 'z'",
        r#"(= x (? (call a) "y" "z"))"#
    );
    tree!(
        boolean_operators,
        "a && !b || c and not d or e",
        "(|| (&& (|| (&& (call a) (! (call b))) (call c)) (! (call d))) (call e))",
    );
    tree!(
        comparison_precedence,
        "a + 1 * 2 == 3 && b =~ /x/",
        "(&& (== (+ (call a) (* 1 2)) 3) (=~ (call b) /x/))",
    );
    tree!(pow_is_right_associative, "2 ** 3 ** 2", "(** 2 (** 3 2))");
    tree!(
        ranges,
        "x[1..-1]\ny = (1...3)",
        "(index (call x) (.. 1 -1)) (= y (... 1 3))"
    );
    tree!(
        chains,
        "command('x').stdout.strip\ndocker.containers.running?.ids\nx&.y",
        r#"(. (. (call command ("x")) stdout) strip) (. (. (. (call docker) containers) running?) ids) (&. (call x) y)"#,
    );
    tree!(
        property_chain_subject,
        "describe json('/d.json').params['tlscacert'] do\nend",
        r#"(call describe ((index (. (call json ("/d.json")) params) "tlscacert")) (block))"#,
    );
    tree!(
        constants_and_scopes,
        "Gem::Version.new('3.10') <= Gem::Version.new(v)",
        r#"(<= (. Gem::Version new ("3.10")) (. Gem::Version new ((call v))))"#,
    );
    tree!(
        interpolation,
        r#"rule = "-w #{docker_helper.path} -p rwxa""#,
        r#"(= rule (dstr "-w " (. (call docker_helper) path) " -p rwxa"))"#,
    );
    tree!(
        nested_interpolation,
        r#"x = "a#{"b#{c}"}""#,
        r#"(= x (dstr "a" (dstr "b" (call c))))"#,
    );
    tree!(
        double_quoted_escapes,
        r#"x = "a\tb\n\"q\" \u00e9 \#{no}""#,
        r#"(= x "a\tb\n\"q\" é #{no}")"#,
    );
    tree!(
        single_quoted_escapes,
        r"x = 'it\'s a \\ \n'",
        r#"(= x "it's a \\ \\n")"#
    );
    tree!(
        adjacent_strings,
        "desc 'a' \\\n  'b'",
        r#"(call desc ("ab"))"#
    );
    tree!(
        hashes,
        "x = { 'k' => 1, k: [2], 'a-b': nil }",
        r#"(= x (hash ("k" 1) (:k (array 2)) (:"a-b" nil)))"#,
    );
    tree!(
        multiline_args,
        "tag nist: ['AU-3',\n  'AU-12'],\n  cci: 'x'\nf(\n  1,\n  2\n)",
        r#"(call tag ((hash (:nist (array "AU-3" "AU-12")) (:cci "x")))) (call f (1 2))"#,
    );
    tree!(
        symbols,
        "x = [:a, :b?, :'c-d']",
        r#"(= x (array :a :b? :"c-d"))"#
    );
    tree!(
        octal,
        "it { should cmp 0644 }",
        "(call it (block (call should ((call cmp (420))))))"
    );
    tree!(
        negative_numbers,
        "impact -0.5\nx = 3 - -1",
        "(call impact (-0.5)) (= x (- 3 -1))"
    );
    tree!(
        jumps,
        "next\nbreak 1\nreturn if a",
        "(next) (break 1) (if (call a) (then (return)))"
    );
    tree!(semicolons, "a; b", "(call a) (call b)");
    tree!(
        splat_and_block_pass,
        "f(*a, &:b)",
        "(call f ((* (call a)) (& :b)))",
    );
    tree!(
        leading_dot_chain,
        "describe command('x')\n  .stdout do\nend",
        r#"(call describe ((. (call command ("x")) stdout)) (block))"#,
    );
    tree!(
        unsupported_def,
        "def helper(x)\n  if x then 1 end\nend\ncontrol 'a' do\nend",
        r#"(unsupported "def") (call control ("a") (block))"#,
    );
    tree!(
        unsupported_case_in_control,
        "control 'a' do\n  x = case y\n  when 1 then 2\n  end\n  describe x do end\nend",
        r#"(call control ("a") (block (= x (unsupported "case")) (call describe (x) (block))))"#,
    );
    tree!(
        unsupported_begin_rescue,
        "begin\n  x = 1 if y\nrescue NoMethodError\n  x = 2\nend while z\nnext_thing",
        r#"(unsupported "while modifier") (call next_thing)"#,
    );
    tree!(
        unsupported_heredoc,
        "message = <<~MSG\n  text #{x}\nMSG\nfoo message",
        r#"(= message (unsupported "heredoc")) (call foo (message))"#,
    );
    tree!(
        unsupported_lambda,
        "f = ->(x) { x + 1 }",
        r#"(= f (unsupported "lambda"))"#
    );
    tree!(
        unsupported_multiple_assignment,
        "a, b = x.split(':')\nc",
        r#"(unsupported "multiple assignment") (call c)"#,
    );
    tree!(
        unsupported_instance_variable,
        "@x = 1",
        r#"(unsupported "instance variable `@x`")"#,
    );
    tree!(
        unsupported_block_params,
        "h.each { |(k, v), i| k }",
        r#"(. (call h) each (block (unsupported "block parameter pattern") k))"#,
    );
    tree!(
        while_loop_with_do,
        "while x do\n  y\nend\nz",
        r#"(unsupported "while") (call z)"#,
    );
    tree!(
        keyword_arguments_with_rocket,
        "f 'a' => 1",
        r#"(call f ((hash ("a" 1))))"#,
    );
    tree!(
        if_as_value,
        "x = if a then 1 else 2 end",
        "(= x (group (if (call a) (then 1) (else 2))))",
    );

    error!(missing_do,
        "control 'x' describe auditd",
        offset: 12, line: 0, column: 12, width: 8,
        kind: unexpected(&[T(K::Do), T(K::LBrace), T(K::Newline)], K::Identifier, "describe"),
    );
    error!(missing_end,
        "control 'x' do\n  describe auditd do\n  end\n",
        offset: 12, line: 0, column: 12, width: 2,
        kind: ParseErrorKind::Unclosed { opener: "`do`".into(), closer: K::End },
    );
    error!(missing_close_paren,
        "describe file('/x' do\nend",
        offset: 19, line: 0, column: 19, width: 2,
        kind: unexpected(&[T(K::Comma), T(K::RParen)], K::Do, "do"),
    );
    error!(stray_end,
        "x = 1\nend",
        offset: 6, line: 1, column: 0, width: 3,
        kind: unexpected(&[Expected::Expression], K::End, "end"),
    );
    error!(missing_expression,
        "x = )",
        offset: 4, line: 0, column: 4, width: 1,
        kind: unexpected(&[Expected::Expression], K::RParen, ")"),
    );
    error!(bad_assignment,
        "f(1) = 2",
        offset: 0, line: 0, column: 0, width: 4,
        kind: ParseErrorKind::InvalidAssignment,
    );
    error!(missing_method_name,
        "f(x.)",
        offset: 4, line: 0, column: 4, width: 1,
        kind: unexpected(&[Expected::MethodName], K::RParen, ")"),
    );
    error!(missing_then,
        "if (a) b\nend",
        offset: 7, line: 0, column: 7, width: 1,
        kind: unexpected(&[T(K::Then), T(K::Newline), T(K::Semicolon)], K::Identifier, "b"),
    );
    error!(ternary_without_colon,
        "x = a ? b",
        offset: 9, line: 0, column: 9, width: 0,
        kind: unexpected(&[T(K::Do), T(K::LBrace), T(K::Colon)], K::Eof, ""),
    );
    error!(invalid_number,
        "x = 09",
        offset: 4, line: 0, column: 4, width: 2,
        kind: ParseErrorKind::InvalidNumber { lexeme: "09".into() },
    );
    error!(hash_missing_rocket,
        "x = { 1 }",
        offset: 8, line: 0, column: 8, width: 1,
        kind: unexpected(&[T(K::FatArrow)], K::RBrace, "}"),
    );
    error!(unterminated_string_in_control,
        "control 'x' do\n  title 'oops\nend\n",
        offset: 23, line: 1, column: 8, width: 1,
        kind: ParseErrorKind::Unterminated { what: "string".into() },
    );

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        for (open, close) in [
            ("(", ")"),
            ("[", "]"),
            ("f(", ")"),
            ("!", ""),
            ("\"#{", "}\""),
        ] {
            let text = format!("x = {}1{}", open.repeat(10_000), close.repeat(10_000));
            let err = parse(&SourceFile::new("deep.rb", text)).expect_err("too deep");
            assert_eq!(
                err.kind,
                ParseErrorKind::TooDeep { limit: MAX_DEPTH },
                "{open}"
            );
        }
        let blocks = format!("{}{}", "it do\n".repeat(10_000), "end\n".repeat(10_000));
        let err = parse(&SourceFile::new("deep.rb", blocks)).expect_err("too deep");
        assert_eq!(err.kind, ParseErrorKind::TooDeep { limit: MAX_DEPTH });
        let ifs = format!("{}{}", "if a\n".repeat(10_000), "end\n".repeat(10_000));
        let err = parse(&SourceFile::new("deep.rb", ifs)).expect_err("too deep");
        assert_eq!(err.kind, ParseErrorKind::TooDeep { limit: MAX_DEPTH });
    }

    #[test]
    fn nesting_up_to_the_limit_parses() {
        let text = format!("x = {}1{}", "[".repeat(120), "]".repeat(120));
        parse(&SourceFile::new("ok.rb", text)).expect("120 levels parse");
        let blocks = format!("{}{}", "it do\n".repeat(120), "end\n".repeat(120));
        parse(&SourceFile::new("ok.rb", blocks)).expect("120 blocks parse");
        let parens = format!("x = {}1{}", "(".repeat(120), ")".repeat(120));
        parse(&SourceFile::new("ok.rb", parens)).expect("120 parentheses parse");
    }

    #[test]
    fn fallback_limit_fits_a_small_stack() {
        let text = format!("x = {}1{}", "f(".repeat(1000), ")".repeat(1000));
        let err = std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(move || {
                let tokens = crate::dsl::lexer::lex(&text).unwrap();
                Parser::new(&tokens, FALLBACK_DEPTH)
                    .parse_program()
                    .map(|_| ())
            })
            .unwrap()
            .join()
            .unwrap()
            .expect_err("too deep");
        assert_eq!(
            err.kind,
            ParseErrorKind::TooDeep {
                limit: FALLBACK_DEPTH
            }
        );
    }

    #[test]
    fn spans_point_at_the_text() {
        let text = "control 'x' do\n  describe file('/etc') do\n  end\nend\n";
        let program = parse(&SourceFile::new("t.rb", text)).unwrap();
        let StmtKind::Expr(control) = &program.items[0].kind else {
            panic!("not an expression")
        };
        assert_eq!(&text[control.span.start..control.span.end], text.trim_end());
        let call = control.as_call().unwrap();
        assert_eq!(&text[call.name_span.start..call.name_span.end], "control");
        let block = call.block.as_ref().unwrap();
        let StmtKind::Expr(describe) = &block.body[0].kind else {
            panic!("not an expression")
        };
        let describe = describe.as_call().unwrap();
        let arg = &describe.args[0];
        assert_eq!(&text[arg.span.start..arg.span.end], "file('/etc')");
    }
}
