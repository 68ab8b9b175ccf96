//! Turns the text of a control file into tokens, trivia included, so that the lexemes
//! concatenate back to the input. The lexer decides what Ruby decides lexically: `/` as
//! division or regex start, `%w[` as word array or modulo, `key:` as a label, and whether a
//! line break ends a statement. It knows nothing about the grammar beyond the previous token.

use crate::dsl::parse_error::{ParseError, ParseErrorKind};
use crate::dsl::token::Token;
use crate::dsl::token_kind::TokenKind;
use crate::source::Span;

/// The tokens of `src`, ending with [`TokenKind::Eof`].
pub(crate) fn lex(src: &str) -> Result<Vec<Token<'_>>, ParseError> {
    Lexer::new(src).run()
}

/// What a string-like literal is, for its end and for errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Literal {
    /// `'…'` or `"…"`: may end as a label.
    Quoted,
    /// `%q()`, `%Q()`, `%()`.
    Percent,
    /// `/…/` or `%r{…}`: may end with flags.
    Regex,
    /// `:'…'` or `:"…"`.
    Symbol,
    /// `` `…` `` or `%x()`.
    Command,
}

impl Literal {
    fn name(self) -> &'static str {
        match self {
            Literal::Quoted | Literal::Percent => "string",
            Literal::Regex => "regular expression",
            Literal::Symbol => "symbol",
            Literal::Command => "command literal",
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct StringMode {
    literal: Literal,
    open: u8,
    close: u8,
    /// Unclosed inner `open` delimiters (`%q(a (b) c)`).
    nest: usize,
    interpolate: bool,
    /// Where the literal starts, for "unterminated" errors.
    start: usize,
}

#[derive(Debug, Clone, Copy)]
enum Mode {
    /// Ruby code; inside an interpolation, `braces` counts the `{` opened since `#{`.
    Code {
        braces: usize,
    },
    String(StringMode),
}

#[derive(Debug)]
struct PendingHeredoc {
    id: String,
    /// `<<~` or `<<-`: the terminator may be indented.
    indented: bool,
    start: usize,
}

struct Lexer<'src> {
    src: &'src str,
    bytes: &'src [u8],
    pos: usize,
    tokens: Vec<Token<'src>>,
    modes: Vec<Mode>,
    /// The kind of the last token that is not trivia.
    last: Option<TokenKind>,
    /// Open brackets and interpolations.
    depth: usize,
    /// The bracket depth at each `?` of an unfinished ternary; a `key:` at that depth is a
    /// ternary branch, not a label.
    ternaries: Vec<usize>,
    heredocs: Vec<PendingHeredoc>,
}

impl<'src> Lexer<'src> {
    fn new(src: &'src str) -> Self {
        Self {
            src,
            bytes: src.as_bytes(),
            pos: 0,
            tokens: Vec::with_capacity(src.len() / 3),
            modes: vec![Mode::Code { braces: 0 }],
            last: None,
            depth: 0,
            ternaries: Vec::new(),
            heredocs: Vec::new(),
        }
    }

    fn run(mut self) -> Result<Vec<Token<'src>>, ParseError> {
        while self.pos < self.bytes.len() {
            match self.modes.last().copied() {
                Some(Mode::String(mode)) => self.lex_string_part(mode),
                _ => self.lex_code()?,
            }
        }
        for mode in self.modes.iter().rev() {
            if let Mode::String(mode) = mode {
                return Err(ParseError::new(
                    Span::new(mode.start, mode.start + 1),
                    ParseErrorKind::Unterminated {
                        what: mode.literal.name().to_owned(),
                    },
                ));
            }
        }
        if self.modes.len() > 1 {
            let start = self
                .tokens
                .iter()
                .rev()
                .find(|t| t.kind == TokenKind::InterpolationBegin)
                .map_or(self.pos, |t| t.span.start);
            return Err(ParseError::new(
                Span::new(start, start + 2),
                ParseErrorKind::Unterminated {
                    what: "interpolation".to_owned(),
                },
            ));
        }
        if let Some(heredoc) = self.heredocs.first() {
            return Err(unterminated_heredoc(heredoc));
        }
        let end = self.src.len();
        self.tokens.push(Token {
            kind: TokenKind::Eof,
            span: Span::empty(end),
            lexeme: "",
            spaced: true,
        });
        Ok(self.tokens)
    }

    fn peek(&self, ahead: usize) -> u8 {
        self.bytes.get(self.pos + ahead).copied().unwrap_or(0)
    }

    fn rest(&self) -> &'src str {
        &self.src[self.pos..]
    }

    fn push(&mut self, kind: TokenKind, len: usize) {
        let start = self.pos;
        let end = start + len;
        let spaced = self
            .tokens
            .last()
            .is_none_or(|t| t.kind.is_trivia() || t.kind == TokenKind::Newline);
        self.tokens.push(Token {
            kind,
            span: Span::new(start, end),
            lexeme: &self.src[start..end],
            spaced,
        });
        self.pos = end;
        if !kind.is_trivia() {
            self.last = Some(kind);
        }
    }

    fn at_line_start(&self) -> bool {
        self.pos == 0 || self.bytes[self.pos - 1] == b'\n'
    }

    /// Whether an operand may start here: after an operator, an opening bracket, a comma, a
    /// keyword or at the start of a line.
    fn value_expected(&self) -> bool {
        self.last.is_none_or(|k| !k.ends_value())
    }

    /// Whether we are at the first argument of a command call without parentheses:
    /// `match /x/`, `eq %w[a]`: an identifier, a space, then no space.
    fn command_argument(&self, after: usize) -> bool {
        let spaced = self.tokens.last().is_some_and(|t| t.kind.is_trivia());
        let next = self.peek(after);
        self.last == Some(TokenKind::Identifier)
            && spaced
            && !matches!(next, b' ' | b'\t' | b'\n' | b'\r' | b'=')
    }

    fn lex_code(&mut self) -> Result<(), ParseError> {
        let c = self.peek(0);
        match c {
            b' ' | b'\t' | 0x0b | 0x0c => {
                let len = self
                    .rest()
                    .bytes()
                    .take_while(|b| matches!(b, b' ' | b'\t' | 0x0b | 0x0c))
                    .count();
                self.push(TokenKind::Whitespace, len);
            }
            b'\r' if self.peek(1) == b'\n' => self.lex_newline(2)?,
            b'\r' => self.push(TokenKind::Whitespace, 1),
            b'\n' => self.lex_newline(1)?,
            b'\\' if self.peek(1) == b'\n' => self.push(TokenKind::Continuation, 2),
            b'\\' if self.peek(1) == b'\r' && self.peek(2) == b'\n' => {
                self.push(TokenKind::Continuation, 3);
            }
            b'#' => {
                let len = self.rest().find('\n').unwrap_or(self.rest().len());
                let len = if self.rest()[..len].ends_with('\r') {
                    len - 1
                } else {
                    len
                };
                self.push(TokenKind::Comment, len);
            }
            b'=' if self.at_line_start()
                && self.rest().starts_with("=begin")
                && is_word_end(self.peek(6)) =>
            {
                self.lex_block_comment()?;
            }
            b'_' if self.at_line_start()
                && self.rest().starts_with("__END__")
                && matches!(self.peek(7), 0 | b'\n' | b'\r') =>
            {
                let len = self.rest().len();
                self.push(TokenKind::Comment, len);
            }
            b'0'..=b'9' => self.lex_number(),
            b'@' => {
                let sigil = if self.peek(1) == b'@' { 2 } else { 1 };
                let len = sigil + self.word_len(sigil);
                if len == sigil {
                    return Err(self.unexpected_char());
                }
                let kind = if sigil == 2 {
                    TokenKind::ClassVariable
                } else {
                    TokenKind::InstanceVariable
                };
                self.push(kind, len);
            }
            b'$' => {
                let len = self.word_len(1);
                let len = if len == 0 && self.peek(1).is_ascii_punctuation() {
                    1
                } else {
                    len
                };
                if len == 0 {
                    return Err(self.unexpected_char());
                }
                self.push(TokenKind::GlobalVariable, 1 + len);
            }
            b'\'' => self.begin_string(TokenKind::StringBegin, Literal::Quoted, 1, b'\'', false),
            b'"' => self.begin_string(TokenKind::StringBegin, Literal::Quoted, 1, b'"', true),
            b'`' => self.begin_string(TokenKind::CommandBegin, Literal::Command, 1, b'`', true),
            b':' => self.lex_colon(),
            b'%' => self.lex_percent()?,
            b'/' => {
                if self.value_expected() || self.command_argument(1) {
                    self.begin_string(TokenKind::RegexBegin, Literal::Regex, 1, b'/', true);
                } else {
                    self.push(TokenKind::Slash, 1);
                }
            }
            b'<' => self.lex_less(),
            b'?' => self.lex_question()?,
            b'{' => {
                if let Some(Mode::Code { braces }) = self.modes.last_mut() {
                    *braces += 1;
                }
                self.open(TokenKind::LBrace);
            }
            b'}' => {
                let in_interpolation = self.modes.len() > 1;
                match self.modes.last_mut() {
                    Some(Mode::Code { braces: 0 }) if in_interpolation => {
                        self.modes.pop();
                        self.close(TokenKind::InterpolationEnd);
                    }
                    Some(Mode::Code { braces }) => {
                        *braces = braces.saturating_sub(1);
                        self.close(TokenKind::RBrace);
                    }
                    _ => self.close(TokenKind::RBrace),
                }
            }
            b'(' => self.open(TokenKind::LParen),
            b'[' => self.open(TokenKind::LBracket),
            b')' => self.close(TokenKind::RParen),
            b']' => self.close(TokenKind::RBracket),
            _ if is_word_start(self.rest()) => self.lex_word(),
            _ => self.lex_operator()?,
        }
        Ok(())
    }

    fn unexpected_char(&self) -> ParseError {
        let character = self.rest().chars().next().unwrap_or('\0');
        ParseError::new(
            Span::new(self.pos, self.pos + character.len_utf8()),
            ParseErrorKind::UnexpectedCharacter { character },
        )
    }

    fn open(&mut self, kind: TokenKind) {
        self.depth += 1;
        self.push(kind, 1);
    }

    fn close(&mut self, kind: TokenKind) {
        self.depth = self.depth.saturating_sub(1);
        let depth = self.depth;
        self.ternaries.retain(|&d| d <= depth);
        self.push(kind, 1);
    }

    /// Length of a run of identifier characters starting `offset` bytes ahead.
    fn word_len(&self, offset: usize) -> usize {
        self.src[self.pos + offset..]
            .char_indices()
            .find(|&(_, c)| !(c == '_' || c.is_alphanumeric()))
            .map_or(self.src.len() - self.pos - offset, |(i, _)| i)
    }

    fn lex_newline(&mut self, len: usize) -> Result<(), ParseError> {
        let continues = self.last.is_none_or(continues_line) || self.next_line_starts_with_dot(len);
        let kind = if continues {
            TokenKind::Whitespace
        } else {
            TokenKind::Newline
        };
        self.push(kind, len);
        if !self.heredocs.is_empty() {
            self.lex_heredoc_bodies()?;
        }
        Ok(())
    }

    /// `foo\n  .bar`: a line starting with `.` or `&.` continues the previous one.
    fn next_line_starts_with_dot(&self, newline_len: usize) -> bool {
        let rest = &self.src[self.pos + newline_len..];
        let rest = rest.trim_start_matches([' ', '\t']);
        (rest.starts_with('.') && !rest.starts_with("..")) || rest.starts_with("&.")
    }

    fn lex_block_comment(&mut self) -> Result<(), ParseError> {
        let start = self.pos;
        let mut line = start;
        loop {
            let Some(nl) = self.src[line..].find('\n') else {
                return Err(ParseError::new(
                    Span::new(start, start + 6),
                    ParseErrorKind::Unterminated {
                        what: "`=begin` comment".to_owned(),
                    },
                ));
            };
            line += nl + 1;
            let text = &self.src[line..];
            if text.starts_with("=end") && is_word_end(text.as_bytes().get(4).copied().unwrap_or(0))
            {
                let end = line + text.find('\n').unwrap_or(text.len());
                let end = if self.src[..end].ends_with('\r') {
                    end - 1
                } else {
                    end
                };
                self.push(TokenKind::Comment, end - start);
                return Ok(());
            }
        }
    }

    fn lex_number(&mut self) {
        let b = self.bytes;
        let start = self.pos;
        let mut i = start;
        let mut kind = TokenKind::Integer;
        if b[i] == b'0' && matches!(b.get(i + 1), Some(b'x' | b'X' | b'b' | b'B' | b'o' | b'O')) {
            i += 2;
            while b
                .get(i)
                .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_')
            {
                i += 1;
            }
        } else {
            let digits = |i: &mut usize| {
                while b.get(*i).is_some_and(|c| c.is_ascii_digit() || *c == b'_') {
                    *i += 1;
                }
            };
            digits(&mut i);
            if b.get(i) == Some(&b'.') && b.get(i + 1).is_some_and(u8::is_ascii_digit) {
                kind = TokenKind::Float;
                i += 1;
                digits(&mut i);
            }
            if matches!(b.get(i), Some(b'e' | b'E')) {
                let sign = usize::from(matches!(b.get(i + 1), Some(b'+' | b'-')));
                if b.get(i + 1 + sign).is_some_and(u8::is_ascii_digit) {
                    kind = TokenKind::Float;
                    i += 1 + sign;
                    digits(&mut i);
                }
            }
        }
        self.push(kind, i - start);
    }

    fn lex_word(&mut self) {
        let mut len = self.word_len(0);
        let first = self.peek(0);
        let method_like = first == b'_' || first.is_ascii_lowercase() || first >= 0x80;
        if method_like && matches!(self.peek(len), b'?' | b'!') && self.peek(len + 1) != b'=' {
            len += 1;
        } else if method_like
            && matches!(self.peek(len), b'?' | b'!')
            && self.peek(len + 1) == b'='
            && self.peek(len + 2) == b'='
        {
            // `exist?==` is rare; `x!=y` is not: only `==` after a suffix keeps it.
            len += 1;
        }
        let word = &self.src[self.pos..self.pos + len];
        if self.peek(len) == b':' && self.peek(len + 1) != b':' && self.label_allowed() {
            self.push(TokenKind::Label, len + 1);
            return;
        }
        let after_dot = matches!(
            self.last,
            Some(TokenKind::Dot | TokenKind::AmpDot | TokenKind::Def)
        );
        let kind = match TokenKind::keyword(word) {
            Some(k) if !after_dot => k,
            _ if first.is_ascii_uppercase() => TokenKind::Constant,
            _ => TokenKind::Identifier,
        };
        self.push(kind, len);
    }

    fn label_allowed(&self) -> bool {
        self.ternaries.last() != Some(&self.depth)
    }

    fn lex_colon(&mut self) {
        match self.peek(1) {
            b':' => self.push(TokenKind::ColonColon, 2),
            b'"' => self.begin_string(TokenKind::SymbolBegin, Literal::Symbol, 2, b'"', true),
            b'\'' => self.begin_string(TokenKind::SymbolBegin, Literal::Symbol, 2, b'\'', false),
            _ if is_word_start(&self.src[self.pos + 1..]) => {
                let mut len = 1 + self.word_len(1);
                if matches!(self.peek(len), b'?' | b'!' | b'=')
                    && !matches!(self.peek(len + 1), b'=' | b'~' | b'>')
                {
                    len += 1;
                }
                self.push(TokenKind::Symbol, len);
            }
            _ => {
                if self.ternaries.last() == Some(&self.depth) {
                    self.ternaries.pop();
                }
                self.push(TokenKind::Colon, 1);
            }
        }
    }

    fn lex_percent(&mut self) -> Result<(), ParseError> {
        let (kind_byte, delim_at) = match self.peek(1) {
            c if c.is_ascii_alphabetic() => (c, 2),
            _ => (b'Q', 1),
        };
        let open = self.peek(delim_at);
        let is_delim = open.is_ascii_punctuation() && open != b'=';
        let literal_here = self.value_expected() || self.command_argument(1);
        if !(literal_here && is_delim) {
            if self.peek(1) == b'=' {
                // `%=` is rare enough to not need its own token.
                return Err(self.unexpected_char());
            }
            self.push(TokenKind::Percent, 1);
            return Ok(());
        }
        let close = closing(open);
        match kind_byte {
            b'w' | b'W' | b'i' | b'I' => {
                let mut i = self.pos + delim_at + 1;
                let mut nest = 0usize;
                loop {
                    let Some(&c) = self.bytes.get(i) else {
                        return Err(ParseError::new(
                            Span::new(self.pos, self.pos + delim_at + 1),
                            ParseErrorKind::Unterminated {
                                what: "word array".to_owned(),
                            },
                        ));
                    };
                    if c == b'\\' {
                        i += 2;
                        continue;
                    }
                    if c == close && nest == 0 {
                        break;
                    }
                    if open != close && c == open {
                        nest += 1;
                    } else if c == close {
                        nest -= 1;
                    }
                    i += 1;
                }
                self.push(TokenKind::Words, i + 1 - self.pos);
            }
            b'q' => self.begin_string_delimited(
                TokenKind::StringBegin,
                Literal::Percent,
                delim_at + 1,
                open,
                false,
            ),
            b'Q' => self.begin_string_delimited(
                TokenKind::StringBegin,
                Literal::Percent,
                delim_at + 1,
                open,
                true,
            ),
            b'r' => self.begin_string_delimited(
                TokenKind::RegexBegin,
                Literal::Regex,
                delim_at + 1,
                open,
                true,
            ),
            b'x' => self.begin_string_delimited(
                TokenKind::CommandBegin,
                Literal::Command,
                delim_at + 1,
                open,
                true,
            ),
            b's' => self.begin_string_delimited(
                TokenKind::SymbolBegin,
                Literal::Symbol,
                delim_at + 1,
                open,
                false,
            ),
            _ => {
                return Err(ParseError::new(
                    Span::new(self.pos, self.pos + delim_at),
                    ParseErrorKind::Unsupported {
                        construct: self.src[self.pos..self.pos + delim_at].to_owned(),
                    },
                ));
            }
        }
        Ok(())
    }

    fn begin_string(
        &mut self,
        kind: TokenKind,
        literal: Literal,
        len: usize,
        close: u8,
        interpolate: bool,
    ) {
        let mode = StringMode {
            literal,
            open: close,
            close,
            nest: 0,
            interpolate,
            start: self.pos,
        };
        self.push(kind, len);
        self.modes.push(Mode::String(mode));
    }

    fn begin_string_delimited(
        &mut self,
        kind: TokenKind,
        literal: Literal,
        len: usize,
        open: u8,
        interpolate: bool,
    ) {
        let mode = StringMode {
            literal,
            open,
            close: closing(open),
            nest: 0,
            interpolate,
            start: self.pos,
        };
        self.push(kind, len);
        self.modes.push(Mode::String(mode));
    }

    /// Literal text up to an interpolation or the closing delimiter, then that.
    fn lex_string_part(&mut self, mut mode: StringMode) {
        let b = self.bytes;
        let start = self.pos;
        let mut i = start;
        let mut at_interpolation = false;
        while let Some(&c) = b.get(i) {
            if c == b'\\' {
                i = (i + 2).min(b.len());
                continue;
            }
            if mode.interpolate && c == b'#' && b.get(i + 1) == Some(&b'{') {
                at_interpolation = true;
                break;
            }
            if c == mode.close {
                if mode.nest == 0 {
                    break;
                }
                mode.nest -= 1;
            } else if c == mode.open && mode.open != mode.close {
                mode.nest += 1;
            }
            i += 1;
        }
        // A backslash as the last byte can step past a multi-byte char's start; re-align.
        while !self.src.is_char_boundary(i) {
            i += 1;
        }
        if let Some(Mode::String(m)) = self.modes.last_mut() {
            m.nest = mode.nest;
        }
        if i > start {
            self.push(TokenKind::StringContent, i - start);
        }
        if i >= b.len() {
            return;
        }
        if at_interpolation {
            self.depth += 1;
            self.push(TokenKind::InterpolationBegin, 2);
            self.modes.push(Mode::Code { braces: 0 });
            return;
        }
        self.modes.pop();
        let mut len = 1;
        if mode.literal == Literal::Regex {
            len += self.src[i + 1..]
                .bytes()
                .take_while(u8::is_ascii_lowercase)
                .count();
        } else if mode.literal == Literal::Quoted
            && b.get(i + 1) == Some(&b':')
            && b.get(i + 2) != Some(&b':')
            && self.label_allowed()
        {
            self.push(TokenKind::LabelEnd, 2);
            return;
        }
        self.push(TokenKind::StringEnd, len);
    }

    fn lex_less(&mut self) {
        let rest = self.rest();
        if rest.starts_with("<<") && (self.value_expected() || self.command_argument(2)) {
            let after = &rest[2..];
            let (indented, skip) = match after.as_bytes().first() {
                Some(b'~' | b'-') => (true, 1),
                _ => (false, 0),
            };
            let id_text = &after[skip..];
            let (id, id_len) = match id_text.as_bytes().first() {
                Some(&q @ (b'\'' | b'"' | b'`')) => match id_text[1..].find(q as char) {
                    Some(n) => (id_text[1..=n].to_owned(), n + 2),
                    None => (String::new(), 0),
                },
                Some(c)
                    if c.is_ascii_uppercase()
                        || (indented && (c.is_ascii_alphabetic() || *c == b'_')) =>
                {
                    let n = id_text
                        .bytes()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == b'_')
                        .count();
                    (id_text[..n].to_owned(), n)
                }
                _ => (String::new(), 0),
            };
            if id_len > 0 {
                self.heredocs.push(PendingHeredoc {
                    id,
                    indented,
                    start: self.pos,
                });
                self.push(TokenKind::HeredocStart, 2 + skip + id_len);
                return;
            }
        }
        let (kind, len) = if rest.starts_with("<=>") {
            (TokenKind::Spaceship, 3)
        } else if rest.starts_with("<<=") {
            (TokenKind::ShlEq, 3)
        } else if rest.starts_with("<=") {
            (TokenKind::Le, 2)
        } else if rest.starts_with("<<") {
            (TokenKind::Shl, 2)
        } else {
            (TokenKind::Lt, 1)
        };
        self.push(kind, len);
    }

    fn lex_heredoc_bodies(&mut self) -> Result<(), ParseError> {
        let start = self.pos;
        let mut line = start;
        for heredoc in std::mem::take(&mut self.heredocs) {
            loop {
                if line >= self.src.len() {
                    return Err(unterminated_heredoc(&heredoc));
                }
                let text = &self.src[line..];
                let len = text.find('\n').map_or(text.len(), |n| n + 1);
                let content = text[..len].trim_end_matches(['\n', '\r']);
                let content = if heredoc.indented {
                    content.trim_start()
                } else {
                    content
                };
                line += len;
                if content == heredoc.id {
                    break;
                }
            }
        }
        if line > start {
            self.push(TokenKind::HeredocBody, line - start);
        }
        Ok(())
    }

    fn lex_question(&mut self) -> Result<(), ParseError> {
        // `?a` is a character literal where an operand is expected.
        let next = self.rest()[1..].chars().next();
        if (self.value_expected() || self.command_argument(1))
            && next.is_some_and(|c| !c.is_whitespace())
            && !self.rest()[1..]
                .chars()
                .nth(1)
                .is_some_and(|c| c == '_' || c.is_alphanumeric())
        {
            let len = 1 + next.map_or(0, char::len_utf8);
            return Err(ParseError::new(
                Span::new(self.pos, self.pos + len),
                ParseErrorKind::Unsupported {
                    construct: "character literal".to_owned(),
                },
            ));
        }
        self.ternaries.push(self.depth);
        self.push(TokenKind::Question, 1);
        Ok(())
    }

    fn lex_operator(&mut self) -> Result<(), ParseError> {
        use TokenKind as K;
        const OPERATORS: &[(&str, TokenKind)] = &[
            ("...", K::DotDotDot),
            ("===", K::EqEqEq),
            ("||=", K::OrOrEq),
            ("&&=", K::AndAndEq),
            ("**", K::StarStar),
            ("==", K::EqEq),
            ("!=", K::BangEq),
            ("=~", K::Match),
            ("!~", K::NotMatch),
            ("=>", K::FatArrow),
            (">=", K::Ge),
            (">>", K::Shr),
            ("&&", K::AndAnd),
            ("||", K::OrOr),
            ("&.", K::AmpDot),
            ("+=", K::PlusEq),
            ("-=", K::MinusEq),
            ("*=", K::StarEq),
            ("->", K::Arrow),
            ("..", K::DotDot),
            ("=", K::Eq),
            ("!", K::Bang),
            (">", K::Gt),
            ("&", K::Amp),
            ("|", K::Pipe),
            ("^", K::Caret),
            ("~", K::Tilde),
            ("+", K::Plus),
            ("-", K::Minus),
            ("*", K::Star),
            (".", K::Dot),
            (",", K::Comma),
            (";", K::Semicolon),
        ];
        let rest = self.rest();
        for &(text, kind) in OPERATORS {
            if rest.starts_with(text) {
                self.push(kind, text.len());
                return Ok(());
            }
        }
        Err(self.unexpected_char())
    }
}

fn unterminated_heredoc(heredoc: &PendingHeredoc) -> ParseError {
    ParseError::new(
        Span::new(heredoc.start, heredoc.start + 2),
        ParseErrorKind::Unterminated {
            what: format!("heredoc `{}`", heredoc.id),
        },
    )
}

/// Whether a line break after a token of this kind continues the statement.
fn continues_line(kind: TokenKind) -> bool {
    use TokenKind as K;
    matches!(
        kind,
        K::EqEq
            | K::EqEqEq
            | K::BangEq
            | K::Lt
            | K::Le
            | K::Gt
            | K::Ge
            | K::Spaceship
            | K::Match
            | K::NotMatch
            | K::AndAnd
            | K::OrOr
            | K::Bang
            | K::Plus
            | K::Minus
            | K::Star
            | K::StarStar
            | K::Slash
            | K::Percent
            | K::Shl
            | K::Shr
            | K::Amp
            | K::Pipe
            | K::Caret
            | K::Tilde
            | K::Eq
            | K::PlusEq
            | K::MinusEq
            | K::StarEq
            | K::OrOrEq
            | K::AndAndEq
            | K::ShlEq
            | K::DotDotDot
            | K::DotDot
            | K::Question
            | K::Colon
            | K::ColonColon
            | K::Arrow
            | K::FatArrow
            | K::Dot
            | K::AmpDot
            | K::Comma
            | K::LParen
            | K::LBracket
            | K::LBrace
            | K::And
            | K::Or
            | K::Not
            | K::Label
            | K::LabelEnd
            | K::InterpolationBegin
            | K::Newline
            | K::Semicolon
    )
}

fn is_word_start(s: &str) -> bool {
    s.chars().next().is_some_and(|c| {
        c == '_' || c.is_ascii_alphabetic() || (!c.is_ascii() && c.is_alphabetic())
    })
}

fn is_word_end(b: u8) -> bool {
    !(b == b'_' || b.is_ascii_alphanumeric())
}

fn closing(open: u8) -> u8 {
    match open {
        b'(' => b')',
        b'[' => b']',
        b'{' => b'}',
        b'<' => b'>',
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use TokenKind::*;

    /// Lexes `text`, checks the lexemes concatenate back to it, and returns the tokens
    /// without the final `Eof`.
    #[track_caller]
    fn lex_all(text: &str) -> Vec<Token<'_>> {
        let tokens = lex(text).unwrap_or_else(|e| panic!("lexing {text:?}: {e}"));
        let joined: String = tokens.iter().map(|t| t.lexeme).collect();
        assert_eq!(joined, text, "lexemes do not concatenate back to the input");
        for t in &tokens {
            assert_eq!(&text[t.span.start..t.span.end], t.lexeme);
        }
        let mut tokens = tokens;
        assert_eq!(tokens.pop().map(|t| t.kind), Some(Eof));
        tokens
    }

    macro_rules! test {
        ($name:ident, $text:expr, tokens: ($($kind:ident $(: $lexeme:literal)?),* $(,)?) $(,)?) => {
            #[test]
            fn $name() {
                let text: &str = $text;
                let tokens = lex_all(text);
                let expected: Vec<(TokenKind, Option<&str>)> = vec![$(($kind, None $(.or(Some($lexeme)))?)),*];
                let actual: Vec<TokenKind> = tokens.iter().map(|t| t.kind).collect();
                let expected_kinds: Vec<TokenKind> = expected.iter().map(|e| e.0).collect();
                assert_eq!(actual, expected_kinds, "kinds of {text:?}");
                for (token, (_, lexeme)) in tokens.iter().zip(&expected) {
                    if let Some(lexeme) = lexeme {
                        assert_eq!(token.lexeme, *lexeme);
                    }
                }
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
                let source = crate::source::SourceFile::new("test.rb", $input);
                let err = lex(source.text()).expect_err("lexing should fail");
                assert_eq!(err.kind, $kind);
                assert_eq!(err.span.start, $offset, "offset");
                let position = source.position(err.span.start);
                assert_eq!(position.line, $line, "line (0-based)");
                assert_eq!(position.column, $column, "column (0-based)");
                assert_eq!(err.span.end - err.span.start, $width, "width");
            }
        };
    }

    test!(empty, "", tokens: ());
    test!(identifiers, "foo exist? save! _x", tokens: (
        Identifier: "foo", Whitespace, Identifier: "exist?", Whitespace, Identifier: "save!",
        Whitespace, Identifier: "_x",
    ));
    test!(not_equal_is_not_a_suffix, "a!=b", tokens: (Identifier: "a", BangEq, Identifier: "b"));
    test!(constants, "TRUSTED_USER Gem::Version", tokens: (
        Constant: "TRUSTED_USER", Whitespace, Constant: "Gem", ColonColon, Constant: "Version",
    ));
    test!(numbers, "1 1_000 0.5 1e3 0x1f 1..2", tokens: (
        Integer: "1", Whitespace, Integer: "1_000", Whitespace, Float: "0.5", Whitespace,
        Float: "1e3", Whitespace, Integer: "0x1f", Whitespace, Integer: "1", DotDot, Integer: "2",
    ));
    test!(method_on_integer, "1.to_s", tokens: (Integer, Dot, Identifier));
    test!(single_quoted, r"'it\'s \\ ok'", tokens: (StringBegin: "'", StringContent: r"it\'s \\ ok", StringEnd: "'"));
    test!(empty_string, "''", tokens: (StringBegin, StringEnd));
    test!(double_quoted_escapes, r#""a\"b\n""#, tokens: (StringBegin, StringContent: r#"a\"b\n"#, StringEnd));
    test!(interpolation, r#""x #{a.b} y""#, tokens: (
        StringBegin, StringContent: "x ", InterpolationBegin, Identifier, Dot, Identifier,
        InterpolationEnd, StringContent: " y", StringEnd,
    ));
    test!(nested_interpolation, r##""#{f("#{x}", {a: 1})}""##, tokens: (
        StringBegin, InterpolationBegin, Identifier, LParen, StringBegin, InterpolationBegin,
        Identifier, InterpolationEnd, StringEnd, Comma, Whitespace, LBrace, Label, Whitespace,
        Integer, RBrace, RParen, InterpolationEnd, StringEnd,
    ));
    test!(no_interpolation_in_single_quotes, "'#{x}'", tokens: (StringBegin, StringContent: "#{x}", StringEnd));
    test!(escaped_interpolation, r#""\#{x}""#, tokens: (StringBegin, StringContent, StringEnd));
    test!(percent_strings, "[%q(a (b) c), %Q{d}, %(e)]", tokens: (
        LBracket, StringBegin: "%q(", StringContent: "a (b) c", StringEnd: ")", Comma, Whitespace,
        StringBegin: "%Q{", StringContent: "d", StringEnd: "}", Comma, Whitespace,
        StringBegin: "%(", StringContent: "e", StringEnd: ")", RBracket,
    ));
    test!(word_arrays, "f %w[a b], %w(c d), %w{e}", tokens: (
        Identifier, Whitespace, Words: "%w[a b]", Comma, Whitespace, Words: "%w(c d)", Comma,
        Whitespace, Words: "%w{e}",
    ));
    test!(percent_regex, "%r{^/etc$}i", tokens: (RegexBegin: "%r{", StringContent: "^/etc$", StringEnd: "}i"));
    test!(modulo, "a % 2", tokens: (Identifier, Whitespace, Percent, Whitespace, Integer));
    test!(regex_after_paren, "match(/a\\/b/)", tokens: (
        Identifier, LParen, RegexBegin, StringContent: "a\\/b", StringEnd: "/", RParen,
    ));
    test!(regex_as_command_argument, "should match /^x$/", tokens: (
        Identifier, Whitespace, Identifier, Whitespace, RegexBegin, StringContent, StringEnd,
    ));
    test!(division, "a / b", tokens: (Identifier, Whitespace, Slash, Whitespace, Identifier));
    test!(division_after_paren, "f(x)/2", tokens: (Identifier, LParen, Identifier, RParen, Slash, Integer));
    test!(regex_after_operator, "x =~ /a/m", tokens: (
        Identifier, Whitespace, Match, Whitespace, RegexBegin, StringContent, StringEnd: "/m",
    ));
    test!(symbols, ":sym :exist? :'quoted' :\"q\"", tokens: (
        Symbol: ":sym", Whitespace, Symbol: ":exist?", Whitespace,
        SymbolBegin: ":'", StringContent, StringEnd, Whitespace,
        SymbolBegin: ":\"", StringContent, StringEnd,
    ));
    test!(labels, "tag cci: 'x', 'a-b': 1, \"k\": 2", tokens: (
        Identifier, Whitespace, Label: "cci:", Whitespace, StringBegin, StringContent, StringEnd,
        Comma, Whitespace, StringBegin, StringContent, LabelEnd: "':", Whitespace, Integer, Comma,
        Whitespace, StringBegin, StringContent, LabelEnd: "\":", Whitespace, Integer,
    ));
    test!(ternary_is_not_a_label, "a ? b: c", tokens: (
        Identifier, Whitespace, Question, Whitespace, Identifier, Colon, Whitespace, Identifier,
    ));
    test!(ternary_with_strings, "a ? 'b': 'c'", tokens: (
        Identifier, Whitespace, Question, Whitespace, StringBegin, StringContent, StringEnd,
        Colon, Whitespace, StringBegin, StringContent, StringEnd,
    ));
    test!(label_inside_ternary_call, "a ? f(k: 1) : 2", tokens: (
        Identifier, Whitespace, Question, Whitespace, Identifier, LParen, Label, Whitespace,
        Integer, RParen, Whitespace, Colon, Whitespace, Integer,
    ));
    test!(comments, "a # note\nb", tokens: (Identifier, Whitespace, Comment: "# note", Newline, Identifier));
    test!(newline_after_operator_continues, "a ||\nb", tokens: (
        Identifier, Whitespace, OrOr, Whitespace: "\n", Identifier,
    ));
    test!(newline_after_comma_continues, "f a,\n  b", tokens: (
        Identifier, Whitespace, Identifier, Comma, Whitespace: "\n", Whitespace, Identifier,
    ));
    test!(leading_dot_continues, "a\n  .b", tokens: (Identifier, Whitespace: "\n", Whitespace, Dot, Identifier));
    test!(range_on_next_line_does_not_continue, "a\n..b", tokens: (Identifier, Newline, DotDot, Identifier));
    test!(blank_lines, "a\n\nb", tokens: (Identifier, Newline, Whitespace: "\n", Identifier));
    test!(crlf, "a\r\nb", tokens: (Identifier, Newline: "\r\n", Identifier));
    test!(continuation, "a \\\n  b", tokens: (Identifier, Whitespace, Continuation, Whitespace, Identifier));
    test!(block_comment, "a\n=begin\nx\n=end\nb", tokens: (Identifier, Newline, Comment: "=begin\nx\n=end", Whitespace, Identifier));
    test!(end_marker, "a\n__END__\nanything", tokens: (Identifier, Newline, Comment));
    test!(operators, "== != <= >= =~ !~ && || ! + - * ** = += -= ||= .. ... ? : :: -> &. =>", tokens: (
        EqEq, Whitespace, BangEq, Whitespace, Le, Whitespace, Ge, Whitespace, Match, Whitespace,
        NotMatch, Whitespace, AndAnd, Whitespace, OrOr, Whitespace, Bang, Whitespace, Plus,
        Whitespace, Minus, Whitespace, Star, Whitespace, StarStar, Whitespace,
        Eq, Whitespace, PlusEq, Whitespace, MinusEq, Whitespace, OrOrEq, Whitespace, DotDot,
        Whitespace, DotDotDot, Whitespace, Question, Whitespace, Colon, Whitespace, ColonColon,
        Whitespace, Arrow, Whitespace, AmpDot, Whitespace, FatArrow,
    ));
    test!(block_params, "each { |a, b| }", tokens: (
        Identifier, Whitespace, LBrace, Whitespace, Pipe, Identifier, Comma, Whitespace,
        Identifier, Pipe, Whitespace, RBrace,
    ));
    test!(keywords, "if x then y elsif z else w end", tokens: (
        If, Whitespace, Identifier, Whitespace, Then, Whitespace, Identifier, Whitespace, Elsif,
        Whitespace, Identifier, Whitespace, Else, Whitespace, Identifier, Whitespace, End,
    ));
    test!(keyword_as_method_name, "x.class.end", tokens: (Identifier, Dot, Identifier: "class", Dot, Identifier: "end"));
    test!(keyword_as_label, "f(if: 1)", tokens: (Identifier, LParen, Label: "if:", Whitespace, Integer, RParen));
    test!(heredoc, "x = <<~EOS.strip\n  a\n  EOS\ny", tokens: (
        Identifier, Whitespace, Eq, Whitespace, HeredocStart: "<<~EOS", Dot, Identifier: "strip",
        Newline, HeredocBody: "  a\n  EOS\n", Identifier,
    ));
    test!(shift_is_not_heredoc, "a << B", tokens: (Identifier, Whitespace, Shl, Whitespace, Constant));
    test!(variables, "@a @@b $c", tokens: (
        InstanceVariable, Whitespace, ClassVariable, Whitespace, GlobalVariable,
    ));
    test!(multiline_string, "'a\nb'\nc", tokens: (StringBegin, StringContent: "a\nb", StringEnd, Newline, Identifier));
    test!(unicode_in_strings, "'çé' # ü", tokens: (StringBegin, StringContent, StringEnd, Whitespace, Comment));
    test!(spaced_flags, "f [1]", tokens: (Identifier, Whitespace, LBracket, Integer, RBracket));

    #[test]
    fn spaced_flag_tracks_trivia() {
        let tokens = lex("f [1] g[2]\nh").unwrap();
        let spaced: Vec<(&str, bool)> = tokens
            .iter()
            .filter(|t| !t.kind.is_trivia())
            .map(|t| (t.lexeme, t.spaced))
            .collect();
        assert_eq!(
            spaced,
            [
                ("f", true),
                ("[", true),
                ("1", false),
                ("]", false),
                ("g", true),
                ("[", false),
                ("2", false),
                ("]", false),
                ("\n", false),
                ("h", true),
                ("", true),
            ]
        );
    }

    error!(unterminated_string, "x = 'abc", offset: 4, line: 0, column: 4, width: 1,
        kind: ParseErrorKind::Unterminated { what: "string".into() });
    error!(unterminated_string_on_second_line, "x = 1\ny = 'é", offset: 10, line: 1, column: 4, width: 1,
        kind: ParseErrorKind::Unterminated { what: "string".into() });
    error!(unexpected_character_after_unicode, "'é' \\ x", offset: 5, line: 0, column: 4, width: 1,
        kind: ParseErrorKind::UnexpectedCharacter { character: '\\' });
    error!(unterminated_regex, "x =~ /abc", offset: 5, line: 0, column: 5, width: 1,
        kind: ParseErrorKind::Unterminated { what: "regular expression".into() });
    error!(unterminated_interpolation, "\"#{x", offset: 0, line: 0, column: 0, width: 1,
        kind: ParseErrorKind::Unterminated { what: "string".into() });
    error!(unterminated_block_comment, "=begin\nx\n", offset: 0, line: 0, column: 0, width: 6,
        kind: ParseErrorKind::Unterminated { what: "`=begin` comment".into() });
    error!(unterminated_heredoc_error, "x = <<~EOS\na\n", offset: 4, line: 0, column: 4, width: 2,
        kind: ParseErrorKind::Unterminated { what: "heredoc `EOS`".into() });
    error!(unterminated_words, "%w[a b", offset: 0, line: 0, column: 0, width: 3,
        kind: ParseErrorKind::Unterminated { what: "word array".into() });
    error!(unexpected_character, "a \\ b", offset: 2, line: 0, column: 2, width: 1,
        kind: ParseErrorKind::UnexpectedCharacter { character: '\\' });
    error!(character_literal, "x = ?a", offset: 4, line: 0, column: 4, width: 2,
        kind: ParseErrorKind::Unsupported { construct: "character literal".into() });
}
