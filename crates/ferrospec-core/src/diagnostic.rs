//! One renderer for every error that points into a file: DSL syntax errors, YAML errors and
//! validation errors alike.
//!
//! ```text
//! error: expected `do`, found identifier `describe`
//!   --> controls/auditd.rb:12:5
//!    |
//! 12 |     describe auditd
//!    |     ^^^^^^^^ expected `do`
//! ```

use std::fmt::Write as _;

use crate::source::{SourceFile, Span};

/// An error with a location in a source file.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    /// The headline, lowercase, without a trailing period.
    pub message: String,
    /// The file the span points into.
    pub source: SourceFile,
    /// The bytes the caret underlines (an empty span draws one caret).
    pub span: Span,
    /// Text after the carets; empty for none.
    pub label: String,
}

const RED: &str = "\x1b[1;31m";
const BLUE: &str = "\x1b[1;34m";
const BOLD: &str = "\x1b[1m";
const RESET: &str = "\x1b[0m";

impl Diagnostic {
    /// A diagnostic without a label.
    pub fn new(source: &SourceFile, span: Span, message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            source: source.clone(),
            span,
            label: String::new(),
        }
    }

    /// Sets the label under the carets.
    #[must_use]
    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = label.into();
        self
    }

    /// `path:line:col`, 1-based.
    pub fn location(&self) -> String {
        let p = self.source.position(self.span.start);
        format!("{}:{}:{}", self.source.path(), p.line + 1, p.column + 1)
    }

    /// 1-based line and column of the start of the span.
    pub fn line_col(&self) -> (usize, usize) {
        let p = self.source.position(self.span.start);
        (p.line + 1, p.column + 1)
    }

    /// Renders the snippet; `color` adds ANSI colours.
    pub fn render(&self, color: bool) -> String {
        let (red, blue, bold, reset) = if color {
            (RED, BLUE, BOLD, RESET)
        } else {
            ("", "", "", "")
        };
        let start = self.source.position(self.span.start);
        let line_no = (start.line + 1).to_string();
        let gutter = " ".repeat(line_no.len());
        let raw = self.source.line_text(start.line);
        let (shown, caret_col, caret_width) =
            expand_tabs(raw, start.column, self.span_chars_on_line());
        let mut out = String::new();
        let _ = writeln!(out, "{red}error{reset}{bold}: {}{reset}", self.message);
        let _ = writeln!(out, "{gutter}{blue}-->{reset} {}", self.location());
        let _ = writeln!(out, "{gutter} {blue}|{reset}");
        let _ = writeln!(out, "{blue}{line_no} |{reset} {shown}");
        let carets = "^".repeat(caret_width.max(1));
        let label = if self.label.is_empty() {
            String::new()
        } else {
            format!(" {}", self.label)
        };
        let _ = writeln!(
            out,
            "{gutter} {blue}|{reset} {}{red}{carets}{label}{reset}",
            " ".repeat(caret_col)
        );
        out
    }

    /// Width of the span in chars, cut at the end of its first line.
    fn span_chars_on_line(&self) -> usize {
        let text = self.source.text();
        let end = self.span.end.min(text.len());
        let start = self.span.start.min(end);
        text.get(start..end)
            .map_or(0, |s| s.split('\n').next().unwrap_or("").chars().count())
    }
}

/// Expands tabs to 4 columns and maps the caret column and width through the expansion.
fn expand_tabs(line: &str, col: usize, width: usize) -> (String, usize, usize) {
    let mut shown = String::new();
    let mut caret_col = 0;
    let mut caret_end = 0;
    let mut chars = 0;
    for (i, c) in line.chars().enumerate() {
        if i == col {
            caret_col = shown.chars().count();
        }
        if c == '\t' {
            shown.push_str("    ");
        } else {
            shown.push(c);
        }
        chars = i + 1;
        if i + 1 == col + width {
            caret_end = shown.chars().count();
        }
    }
    if col >= chars {
        caret_col = shown.chars().count() + (col - chars);
    }
    let caret_width = if width == 0 || caret_end <= caret_col {
        width.min(1)
    } else {
        caret_end - caret_col
    };
    (shown, caret_col, caret_width)
}

impl std::fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.location(), self.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_caret_under_span() {
        let src = SourceFile::new(
            "controls/a.rb",
            "control 'x' do\n    describe auditd\nend\n",
        );
        let d = Diagnostic::new(
            &src,
            Span::new(19, 27),
            "expected `do`, found identifier `describe`",
        )
        .with_label("expected `do`");
        assert_eq!(
            d.render(false),
            "error: expected `do`, found identifier `describe`\n --> controls/a.rb:2:5\n  |\n2 |     describe auditd\n  |     ^^^^^^^^ expected `do`\n"
        );
    }

    #[test]
    fn tabs_expand_and_empty_span_draws_one_caret() {
        let src = SourceFile::new("f", "\tab");
        let d = Diagnostic::new(&src, Span::empty(3), "unexpected end of file");
        let r = d.render(false);
        assert!(r.contains("1 |     ab\n"), "{r}");
        assert!(r.contains("  |       ^\n"), "{r}");
    }
}
