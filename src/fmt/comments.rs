//! Finding the comments of a policy text: they are part of the grammar's silent
//! `WHITESPACE`, so the syntax tree does not hold them. A small scanner finds every `//`
//! outside a string, with its byte offsets, and the string literals (so that a `//` inside
//! one is not taken for a comment).

/// A `// …` comment: from its `//` to the end of its line, trailing blanks left out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Comment {
    /// The offset of its `//`.
    pub start: usize,
    /// One past its last character that is not a blank.
    pub end: usize,
}

/// What the scanner finds in a text.
#[derive(Clone, Debug, Default)]
pub(crate) struct Trivia {
    /// The comments, in order.
    pub comments: Vec<Comment>,
    /// The string literals, quotes included, in order.
    pub strings: Vec<(usize, usize)>,
}

impl Trivia {
    /// Scans a policy text.
    pub fn scan(text: &str) -> Trivia {
        let bytes = text.as_bytes();
        let mut trivia = Trivia::default();
        let mut i = 0;
        while let Some(&b) = bytes.get(i) {
            match b {
                b'"' => {
                    let start = i;
                    i += 1;
                    while let Some(&c) = bytes.get(i) {
                        match c {
                            b'\\' => i += 2,
                            b'"' => {
                                i += 1;
                                break;
                            }
                            // A string cannot span lines; the parser has refused it already.
                            b'\n' => break,
                            _ => i += 1,
                        }
                    }
                    i = i.min(bytes.len());
                    trivia.strings.push((start, i));
                }
                b'/' if bytes.get(i + 1) == Some(&b'/') => {
                    let line_end = text
                        .get(i..)
                        .and_then(|rest| rest.find('\n'))
                        .map_or(text.len(), |n| i + n);
                    let body = text.get(i..line_end).unwrap_or("").trim_end();
                    trivia.comments.push(Comment {
                        start: i,
                        end: i + body.len(),
                    });
                    i = line_end;
                }
                _ => i += 1,
            }
        }
        trivia
    }

    /// Whether a comment starts strictly between `from` and `to`.
    pub fn comment_within(&self, from: usize, to: usize) -> bool {
        let first = self.comments.partition_point(|c| c.start <= from);
        self.comments.get(first).is_some_and(|c| c.start < to)
    }

    /// `pos`, or the end of the string literal `pos` falls strictly inside.
    ///
    /// Spans from the parser are cut at the first `//` of their last line, even one
    /// inside a string; this puts such an end back where the string ends.
    pub fn string_end(&self, pos: usize) -> usize {
        let i = self.strings.partition_point(|&(start, _)| start < pos);
        match i.checked_sub(1).and_then(|i| self.strings.get(i)) {
            Some(&(start, end)) if start < pos && pos < end => end,
            _ => pos,
        }
    }
}

/// The text of every comment of a policy text, in order (for checks that none is lost).
pub fn comment_texts(text: &str) -> Vec<&str> {
    Trivia::scan(text)
        .comments
        .iter()
        .map(|c| text.get(c.start..c.end).unwrap_or(""))
        .collect()
}
