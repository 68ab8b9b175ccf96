//! Source files, byte spans and the line index that turns a byte offset into a line and a
//! column. Offsets are 0-based inside; the +1 for humans happens only in [`Position`]'s users.

use std::sync::Arc;

/// A half-open byte range `start..end` in one source file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl Span {
    /// A span covering `start..end`.
    pub fn new(start: usize, end: usize) -> Self {
        Self { start, end }
    }

    /// An empty span at `offset`.
    pub fn empty(offset: usize) -> Self {
        Self {
            start: offset,
            end: offset,
        }
    }

    /// The smallest span covering both.
    #[must_use]
    pub fn to(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }
}

/// A 0-based line and a 0-based column counted in chars.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    /// 0-based line.
    pub line: usize,
    /// 0-based column, in chars.
    pub column: usize,
}

/// The text of one file with its display path and line index.
#[derive(Debug, Clone)]
pub struct SourceFile {
    inner: Arc<SourceInner>,
}

#[derive(Debug)]
struct SourceInner {
    path: String,
    text: String,
    line_starts: Vec<usize>,
}

impl SourceFile {
    /// Builds a source file; `path` is shown to users as is.
    pub fn new(path: impl Into<String>, text: impl Into<String>) -> Self {
        let text = text.into();
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Self {
            inner: Arc::new(SourceInner {
                path: path.into(),
                text,
                line_starts,
            }),
        }
    }

    /// The display path.
    pub fn path(&self) -> &str {
        &self.inner.path
    }

    /// The whole text.
    pub fn text(&self) -> &str {
        &self.inner.text
    }

    /// The 0-based line and char column of a byte offset (clamped to the text).
    pub fn position(&self, offset: usize) -> Position {
        let offset = offset.min(self.inner.text.len());
        let line = match self.inner.line_starts.binary_search(&offset) {
            Ok(l) => l,
            Err(l) => l - 1,
        };
        let start = self.inner.line_starts[line];
        let column = self
            .inner
            .text
            .get(start..offset)
            .map_or(0, |s| s.chars().count());
        Position { line, column }
    }

    /// The text of a 0-based line, without its line break.
    pub fn line_text(&self, line: usize) -> &str {
        let starts = &self.inner.line_starts;
        let Some(&start) = starts.get(line) else {
            return "";
        };
        let end = starts
            .get(line + 1)
            .copied()
            .unwrap_or(self.inner.text.len());
        self.inner.text[start..end].trim_end_matches(['\n', '\r'])
    }

    /// The byte offset where a 0-based line starts, if the line exists.
    pub fn line_start(&self, line: usize) -> Option<usize> {
        self.inner.line_starts.get(line).copied()
    }

    /// Number of lines.
    pub fn line_count(&self) -> usize {
        self.inner.line_starts.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_chars_and_lines() {
        let src = SourceFile::new("x", "ab\nçd\n");
        assert_eq!(src.position(0), Position { line: 0, column: 0 });
        assert_eq!(src.position(3), Position { line: 1, column: 0 });
        // 'ç' is two bytes: offset 5 is after it.
        assert_eq!(src.position(5), Position { line: 1, column: 1 });
        assert_eq!(src.position(100), Position { line: 2, column: 0 });
        assert_eq!(src.line_text(1), "çd");
        assert_eq!(src.line_text(9), "");
    }
}
