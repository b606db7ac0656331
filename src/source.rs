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
    /// Where each line starts as miette counts lines (`\r\n`, `\r` and `\n` each end
    /// one), made on first use by rendering; shared by clones.
    break_starts: Arc<OnceLock<Vec<usize>>>,
}

impl SourceFile {
    /// A source file from its display name and its text.
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        SourceFile {
            name: Arc::from(name.into()),
            text: Arc::from(text.into()),
            line_starts: Arc::default(),
            break_starts: Arc::default(),
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

    /// Where each line starts, counting lines as miette does.
    fn break_starts(&self) -> &[usize] {
        self.break_starts.get_or_init(|| {
            let bytes = self.text.as_bytes();
            let mut starts = vec![0];
            let mut i = 0;
            while i < bytes.len() {
                match bytes[i] {
                    b'\r' if bytes.get(i + 1) == Some(&b'\n') => {
                        starts.push(i + 2);
                        i += 1;
                    }
                    b'\r' | b'\n' => starts.push(i + 1),
                    _ => {}
                }
                i += 1;
            }
            starts
        })
    }
}

/// The file as miette source code, named, without a copy of its text. miette finds a
/// span's lines by reading the text from its start, which made rendering n diagnostics
/// on a large file quadratic (9,000 warnings on a 550 kB policy took 47 s); here miette
/// reads from a line start just before the span's context instead, and its line numbers
/// and offsets are shifted back, so that what it shows is the same.
impl miette::SourceCode for SourceFile {
    fn read_span<'a>(
        &'a self,
        span: &miette::SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        let starts = self.break_starts();
        // The span's line, and the line one more than its context above it: reading
        // from there, miette sees every line it would have kept.
        let line = starts
            .partition_point(|&s| s <= span.offset())
            .saturating_sub(1);
        let first = line.saturating_sub(context_lines_before + 1);
        let base = starts.get(first).copied().unwrap_or(0);
        let window = self.text.as_bytes().get(base..).unwrap_or_default();
        if span.offset() < base {
            return Err(miette::MietteError::OutOfBounds);
        }
        let shifted = miette::SourceSpan::new((span.offset() - base).into(), span.len());
        let inner = window.read_span(&shifted, context_lines_before, context_lines_after)?;
        Ok(Box::new(miette::MietteSpanContents::new_named(
            self.name.to_string(),
            inner.data(),
            miette::SourceSpan::new((inner.span().offset() + base).into(), inner.span().len()),
            inner.line() + first,
            inner.column(),
            inner.line_count() + first,
        )))
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
    #![allow(clippy::panic)]
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

    /// What miette reads of a file for a span (its lines, offsets, line and column) is the
    /// same whether it reads from the file's start or from the window `read_span` gives it,
    /// for every span, with every kind of line end, with and without context lines.
    #[test]
    fn miette_reads_the_same_from_the_window() {
        use miette::SourceCode;
        let texts = [
            "",
            "a",
            "one\ntwo\nthree\nfour\nfive\nsix\n",
            "one\r\ntwo\r\n\r\nfour\rfive\nsix",
            "\n\n\nx\n\n",
            "é\nü\nœ\n",
        ];
        for text in texts {
            let file = SourceFile::new("t", text);
            let whole = miette::NamedSource::new("t", text.to_string());
            for start in 0..=text.len() {
                for len in 0..=(text.len() - start).min(7) {
                    let span = miette::SourceSpan::new(start.into(), len);
                    for (before, after) in [(0, 0), (1, 1), (2, 0), (0, 3), (3, 3)] {
                        let ours = file.read_span(&span, before, after);
                        let theirs = whole.read_span(&span, before, after);
                        let at = format!("{text:?} {start}+{len} ({before}, {after})");
                        match (ours, theirs) {
                            (Ok(a), Ok(b)) => {
                                assert_eq!(a.data(), b.data(), "{at}");
                                assert_eq!(a.span(), b.span(), "{at}");
                                assert_eq!(a.line(), b.line(), "{at}");
                                assert_eq!(a.column(), b.column(), "{at}");
                                assert_eq!(a.line_count(), b.line_count(), "{at}");
                                assert_eq!(a.name(), b.name(), "{at}");
                            }
                            (Err(_), Err(_)) => {}
                            (a, b) => panic!("{at}: {:?} vs {:?}", a.is_ok(), b.is_ok()),
                        }
                    }
                }
            }
        }
    }
}
