//! The one scanner for what the grammar's silent `WHITESPACE` covers (blanks and `// …`
//! comments) and for string literals, which may hold a `//` or a bracket that is not one.
//!
//! The syntax tree keeps neither comments nor blanks, so the parser's error recovery and
//! span trimming, its nesting limit, and the formatter all find them in the text. They do
//! so through [`pieces`], which cuts a text into strings, comments and the bytes between.

/// A piece of policy text, as [`pieces`] cuts it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Piece {
    /// One byte outside strings and comments (a blank, a bracket, a letter …), at an offset.
    Code(usize, u8),
    /// A string literal, quotes included: from its `"` to one past its closing `"`, or to
    /// the end of its line (or of the text) when it is not closed there.
    String(usize, usize),
    /// A `// …` comment: from its `//` to the end of its line, the newline left out.
    Comment(usize, usize),
}

/// The pieces of `text` from `from` on, which must not be inside a string or a comment.
pub(crate) fn pieces(text: &str, from: usize) -> impl Iterator<Item = Piece> + '_ {
    let bytes = text.as_bytes();
    let mut i = from;
    std::iter::from_fn(move || {
        let start = i;
        let piece = match *bytes.get(i)? {
            b'"' => {
                i += 1;
                while let Some(&c) = bytes.get(i) {
                    match c {
                        b'\\' => i += 2,
                        b'"' => {
                            i += 1;
                            break;
                        }
                        // A string cannot span lines; the parser refuses one that tries.
                        b'\n' => break,
                        _ => i += 1,
                    }
                }
                i = i.min(bytes.len());
                Piece::String(start, i)
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                i = line_end(text, i);
                Piece::Comment(start, i)
            }
            b => {
                i += 1;
                Piece::Code(start, b)
            }
        };
        Some(piece)
    })
}

/// The offset of the newline that ends the line `pos` is on, or the end of the text.
pub(crate) fn line_end(text: &str, pos: usize) -> usize {
    text.get(pos..)
        .and_then(|rest| rest.find('\n'))
        .map_or(text.len(), |n| pos + n)
}

/// Whether `b` is a blank of the grammar's `WHITESPACE`.
pub(crate) fn is_blank(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// The first offset at or after `from` that is not a blank or in a comment.
pub(crate) fn skip(text: &str, from: usize) -> usize {
    pieces(text, from)
        .find_map(|piece| match piece {
            Piece::Code(_, b) if is_blank(b) => None,
            Piece::Comment(..) => None,
            Piece::Code(at, _) | Piece::String(at, _) => Some(at),
        })
        .unwrap_or(text.len().max(from))
}

/// The first offset at or after `from` that holds `wanted`, outside strings and comments.
pub(crate) fn find_code(text: &str, from: usize, wanted: u8) -> Option<usize> {
    pieces(text, from).find_map(|piece| match piece {
        Piece::Code(at, b) if b == wanted => Some(at),
        _ => None,
    })
}

/// Where the first `//` comment of a line of policy text starts, outside strings.
pub(crate) fn comment_start(line: &str) -> Option<usize> {
    pieces(line, 0).find_map(|piece| match piece {
        Piece::Comment(at, _) => Some(at),
        _ => None,
    })
}

/// A `// …` comment: from its `//` to the end of its line, trailing blanks left out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Comment {
    /// The offset of its `//`.
    pub start: usize,
    /// One past its last character that is not a blank.
    pub end: usize,
}

/// The comments and strings of a whole text, in order (the formatter weaves the comments
/// back by position).
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
        let mut trivia = Trivia::default();
        for piece in pieces(text, 0) {
            match piece {
                Piece::String(start, end) => trivia.strings.push((start, end)),
                Piece::Comment(start, end) => {
                    let body = text.get(start..end).unwrap_or("").trim_end();
                    trivia.comments.push(Comment {
                        start,
                        end: start + body.len(),
                    });
                }
                Piece::Code(..) => {}
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_hide_comments_and_brackets() {
        let text = "a \"// (not\" // c \"x\"\nb(";
        assert_eq!(comment_start(text), Some(12));
        assert_eq!(find_code(text, 0, b'('), Some(22));
        let trivia = Trivia::scan(text);
        assert_eq!(trivia.strings, vec![(2, 11)]);
        assert_eq!(comment_texts(text), vec!["// c \"x\""]);
    }

    #[test]
    fn an_unclosed_string_ends_with_its_line() {
        let text = "\"abc\n// c";
        assert_eq!(Trivia::scan(text).strings, vec![(0, 4)]);
        assert_eq!(comment_texts(text), vec!["// c"]);
    }

    #[test]
    fn skip_passes_blanks_and_comments_only() {
        let text = "  // c\n\t{ x";
        assert_eq!(skip(text, 0), 8);
        assert_eq!(skip(text, 9), 10);
        assert_eq!(skip("  ", 0), 2);
        assert_eq!(skip("  \"s\"", 0), 2);
    }
}
