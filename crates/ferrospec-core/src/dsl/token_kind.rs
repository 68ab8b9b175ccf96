//! The kinds of token the lexer produces. Trivia (whitespace, comments, line continuations,
//! heredoc bodies) are tokens too, so that the lexemes of a file concatenate back to its text;
//! the parser filters them out.

use std::fmt;

/// What a token is.
///
/// The declaration order is irrelevant to parsing; keywords have one variant each so that the
/// parser can list them among the tokens it expected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TokenKind {
    // Trivia.
    /// Spaces, tabs, `\r`, and line breaks that do not end a statement.
    Whitespace,
    /// `# …` to the end of the line, `=begin … =end`, or everything after `__END__`.
    Comment,
    /// `\` followed by a line break.
    Continuation,
    /// The lines of a heredoc, from the line after its start to its terminator.
    HeredocBody,

    // Names and literals.
    /// `foo`, `exist?`, `save!`, `_x`.
    Identifier,
    /// `TRUSTED_USER`, `Gem`.
    Constant,
    /// `key:` (a hash key or keyword argument).
    Label,
    /// `@x`.
    InstanceVariable,
    /// `@@x`.
    ClassVariable,
    /// `$x`.
    GlobalVariable,
    /// `42`, `1_000`, `0x1f`.
    Integer,
    /// `0.5`, `1e3`.
    Float,
    /// `:sym`, `:exist?`.
    Symbol,
    /// `%w[a b]`, `%i(a b)`: a whole word array.
    Words,
    /// `'`, `"`, `%q(`, `%Q(`, `%(`.
    StringBegin,
    /// `/` or `%r{` starting a regular expression.
    RegexBegin,
    /// `:'` or `:"` starting a quoted symbol.
    SymbolBegin,
    /// `` ` `` or `%x(` starting a shell command.
    CommandBegin,
    /// Literal text inside a string, regex or quoted symbol (escapes still raw).
    StringContent,
    /// `#{` inside a string.
    InterpolationBegin,
    /// The `}` closing an interpolation.
    InterpolationEnd,
    /// The closing delimiter of a string-like literal (with a regex's flags).
    StringEnd,
    /// The closing quote of a quoted label, with its colon: `':` in `'a-b': 1`.
    LabelEnd,
    /// `<<~EOS`, `<<-EOS`, `<<EOS`.
    HeredocStart,

    // Keywords.
    /// `and`
    And,
    /// `begin`
    Begin,
    /// `break`
    Break,
    /// `case`
    Case,
    /// `class`
    Class,
    /// `def`
    Def,
    /// `do`
    Do,
    /// `else`
    Else,
    /// `elsif`
    Elsif,
    /// `end`
    End,
    /// `ensure`
    Ensure,
    /// `false`
    False,
    /// `for`
    For,
    /// `if`
    If,
    /// `module`
    Module,
    /// `next`
    Next,
    /// `nil`
    Nil,
    /// `not`
    Not,
    /// `or`
    Or,
    /// `rescue`
    Rescue,
    /// `return`
    Return,
    /// `self`
    SelfKw,
    /// `then`
    Then,
    /// `true`
    True,
    /// `unless`
    Unless,
    /// `until`
    Until,
    /// `when`
    When,
    /// `while`
    While,

    // Operators.
    /// `==`
    EqEq,
    /// `===`
    EqEqEq,
    /// `!=`
    BangEq,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `<=>`
    Spaceship,
    /// `=~`
    Match,
    /// `!~`
    NotMatch,
    /// `&&`
    AndAnd,
    /// `||`
    OrOr,
    /// `!`
    Bang,
    /// `+`
    Plus,
    /// `-`
    Minus,
    /// `*`
    Star,
    /// `**`
    StarStar,
    /// `/`
    Slash,
    /// `%`
    Percent,
    /// `<<`
    Shl,
    /// `>>`
    Shr,
    /// `&`
    Amp,
    /// `|`
    Pipe,
    /// `^`
    Caret,
    /// `~`
    Tilde,
    /// `=`
    Eq,
    /// `+=`
    PlusEq,
    /// `-=`
    MinusEq,
    /// `*=`
    StarEq,
    /// `||=`
    OrOrEq,
    /// `&&=`
    AndAndEq,
    /// `<<=`
    ShlEq,
    /// `..`
    DotDot,
    /// `...`
    DotDotDot,
    /// `?`
    Question,
    /// `:`
    Colon,
    /// `::`
    ColonColon,
    /// `->`
    Arrow,
    /// `=>`
    FatArrow,
    /// `.`
    Dot,
    /// `&.`
    AmpDot,

    // Punctuation.
    /// `,`
    Comma,
    /// `;`
    Semicolon,
    /// `(`
    LParen,
    /// `)`
    RParen,
    /// `[`
    LBracket,
    /// `]`
    RBracket,
    /// `{`
    LBrace,
    /// `}`
    RBrace,

    // Structure.
    /// A line break that ends a statement.
    Newline,
    /// The end of the input (an empty token).
    Eof,
}

impl TokenKind {
    /// The keyword spelled `word`, if it is one.
    pub(crate) fn keyword(word: &str) -> Option<TokenKind> {
        use TokenKind as K;
        Some(match word {
            "and" => K::And,
            "begin" => K::Begin,
            "break" => K::Break,
            "case" => K::Case,
            "class" => K::Class,
            "def" => K::Def,
            "do" => K::Do,
            "else" => K::Else,
            "elsif" => K::Elsif,
            "end" => K::End,
            "ensure" => K::Ensure,
            "false" => K::False,
            "for" => K::For,
            "if" => K::If,
            "module" => K::Module,
            "next" => K::Next,
            "nil" => K::Nil,
            "not" => K::Not,
            "or" => K::Or,
            "rescue" => K::Rescue,
            "return" => K::Return,
            "self" => K::SelfKw,
            "then" => K::Then,
            "true" => K::True,
            "unless" => K::Unless,
            "until" => K::Until,
            "when" => K::When,
            "while" => K::While,
            _ => return None,
        })
    }

    /// Whether the parser never sees this kind.
    pub(crate) fn is_trivia(self) -> bool {
        matches!(
            self,
            TokenKind::Whitespace
                | TokenKind::Comment
                | TokenKind::Continuation
                | TokenKind::HeredocBody
        )
    }

    /// Whether a token of this kind can end an operand, so that what follows is an operator
    /// (`a / b`) rather than the start of a new operand (`match /b/`).
    pub(crate) fn ends_value(self) -> bool {
        use TokenKind as K;
        matches!(
            self,
            K::Identifier
                | K::Constant
                | K::InstanceVariable
                | K::ClassVariable
                | K::GlobalVariable
                | K::Integer
                | K::Float
                | K::Symbol
                | K::Words
                | K::StringEnd
                | K::HeredocStart
                | K::RParen
                | K::RBracket
                | K::RBrace
                | K::End
                | K::Nil
                | K::True
                | K::False
                | K::SelfKw
        )
    }

    /// The fixed spelling of keywords, operators and punctuation.
    pub(crate) fn spelling(self) -> Option<&'static str> {
        use TokenKind as K;
        Some(match self {
            K::And => "and",
            K::Begin => "begin",
            K::Break => "break",
            K::Case => "case",
            K::Class => "class",
            K::Def => "def",
            K::Do => "do",
            K::Else => "else",
            K::Elsif => "elsif",
            K::End => "end",
            K::Ensure => "ensure",
            K::False => "false",
            K::For => "for",
            K::If => "if",
            K::Module => "module",
            K::Next => "next",
            K::Nil => "nil",
            K::Not => "not",
            K::Or => "or",
            K::Rescue => "rescue",
            K::Return => "return",
            K::SelfKw => "self",
            K::Then => "then",
            K::True => "true",
            K::Unless => "unless",
            K::Until => "until",
            K::When => "when",
            K::While => "while",
            K::EqEq => "==",
            K::EqEqEq => "===",
            K::BangEq => "!=",
            K::Lt => "<",
            K::Le => "<=",
            K::Gt => ">",
            K::Ge => ">=",
            K::Spaceship => "<=>",
            K::Match => "=~",
            K::NotMatch => "!~",
            K::AndAnd => "&&",
            K::OrOr => "||",
            K::Bang => "!",
            K::Plus => "+",
            K::Minus => "-",
            K::Star => "*",
            K::StarStar => "**",
            K::Slash => "/",
            K::Percent => "%",
            K::Shl => "<<",
            K::Shr => ">>",
            K::Amp => "&",
            K::Pipe => "|",
            K::Caret => "^",
            K::Tilde => "~",
            K::Eq => "=",
            K::PlusEq => "+=",
            K::MinusEq => "-=",
            K::StarEq => "*=",
            K::OrOrEq => "||=",
            K::AndAndEq => "&&=",
            K::ShlEq => "<<=",
            K::DotDot => "..",
            K::DotDotDot => "...",
            K::Question => "?",
            K::Colon => ":",
            K::ColonColon => "::",
            K::Arrow => "->",
            K::FatArrow => "=>",
            K::Dot => ".",
            K::AmpDot => "&.",
            K::Comma => ",",
            K::Semicolon => ";",
            K::LParen => "(",
            K::RParen => ")",
            K::LBracket => "[",
            K::RBracket => "]",
            K::LBrace => "{",
            K::RBrace | K::InterpolationEnd => "}",
            K::InterpolationBegin => "#{",
            _ => return None,
        })
    }

    /// Whether this is a keyword.
    pub(crate) fn is_keyword(self) -> bool {
        self.spelling()
            .is_some_and(|s| s.starts_with(|c: char| c.is_ascii_lowercase()))
    }
}

impl fmt::Display for TokenKind {
    /// How an expected token is named in a message: `` `do` ``, `end of line`, `identifier`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use TokenKind as K;
        if let Some(s) = self.spelling() {
            return write!(f, "`{s}`");
        }
        f.write_str(match self {
            K::Whitespace => "whitespace",
            K::Comment => "comment",
            K::Continuation => "line continuation",
            K::HeredocBody => "heredoc body",
            K::Identifier => "identifier",
            K::Constant => "constant",
            K::Label => "label",
            K::InstanceVariable => "instance variable",
            K::ClassVariable => "class variable",
            K::GlobalVariable => "global variable",
            K::Integer => "integer",
            K::Float => "float",
            K::Symbol => "symbol",
            K::Words => "word array",
            K::StringBegin => "string",
            K::RegexBegin => "regular expression",
            K::SymbolBegin => "quoted symbol",
            K::CommandBegin => "command literal",
            K::StringContent => "string content",
            K::StringEnd => "end of string",
            K::LabelEnd => "end of label",
            K::HeredocStart => "heredoc",
            K::Newline => "end of line",
            K::Eof => "end of file",
            _ => "token",
        })
    }
}
