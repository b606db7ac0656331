//! Source files and spans.
//!
//! A [`SourceFile`] holds a file's display name and its text once (shared); a [`Span`] is a
//! small `Copy` byte range into it, converted to miette's type only at the edge.

use std::sync::{Arc, OnceLock};

/// A file of policy text, a statute text or a request, with the name it is shown under.
#[derive(Clone, Debug)]
pub struct SourceFile {
    name: Arc<str>,
    text: Arc<str>,
    /// Where each line starts, made on first use (explanations locate provisions on every
    /// decision); shared by clones.
    line_starts: Arc<OnceLock<Vec<usize>>>,
}

impl SourceFile {
    /// A source file from its display name and its text.
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        SourceFile {
            name: Arc::from(name.into()),
            text: Arc::from(text.into()),
            line_starts: Arc::default(),
        }
    }

    /// The name the file is shown under (a path relative to where Juris was run).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The whole text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The text a span covers (empty if the span is out of range).
    pub fn slice(&self, span: Span) -> &str {
        self.text.get(span.range()).unwrap_or("")
    }

    /// The 1-based line and column of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let starts = self.line_starts.get_or_init(|| {
            std::iter::once(0)
                .chain(self.text.match_indices('\n').map(|(i, _)| i + 1))
                .collect()
        });
        // The last line starting at or before `offset` (the first always starts at 0).
        let line = starts.partition_point(|&start| start <= offset).max(1);
        let start = starts.get(line - 1).copied().unwrap_or(0);
        (line, offset - start + 1)
    }

    /// The file as miette source code.
    pub fn to_miette(&self) -> miette::NamedSource<String> {
        miette::NamedSource::new(&*self.name, self.text.to_string())
    }
}

/// A byte range in a [`SourceFile`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    /// First byte.
    pub start: u32,
    /// One past the last byte.
    pub end: u32,
}

impl Span {
    /// A span from byte offsets.
    pub fn new(start: usize, end: usize) -> Self {
        let clamp = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        Span {
            start: clamp(start),
            end: clamp(end.max(start)),
        }
    }

    /// The span as a byte range.
    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }

    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    /// The span moved right by `offset` bytes.
    pub fn shifted(self, offset: usize) -> Span {
        Span::new(self.start as usize + offset, self.end as usize + offset)
    }
}

impl From<Span> for miette::SourceSpan {
    fn from(span: Span) -> Self {
        miette::SourceSpan::new(
            (span.start as usize).into(),
            (span.end - span.start) as usize,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::SourceFile;

    /// Lines and columns from the line index agree with counting newlines, at every offset,
    /// with and without a final newline, and past the end.
    #[test]
    fn line_col_agrees_with_counting() {
        for text in ["", "\n", "a", "ab\ncd\n\nefg", "policy\n  x\n", "é\nü\n"] {
            let file = SourceFile::new("t", text);
            for offset in 0..=text.len() + 2 {
                let clamped = offset.min(text.len());
                let before = &text.as_bytes()[..clamped];
                let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
                let col = clamped
                    - before
                        .iter()
                        .rposition(|&b| b == b'\n')
                        .map_or(0, |n| n + 1)
                    + 1;
                assert_eq!(file.line_col(offset), (line, col), "{text:?} at {offset}");
            }
        }
    }
}
