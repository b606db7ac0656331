//! The printer: lines, indentation, blank lines, and the comments woven between them.
//!
//! Printing walks the syntax tree in source order and keeps a cursor into the comments
//! (sorted by offset) and `last`, the source offset where the last printed thing ended.
//! Every comment is printed exactly once, when the walk reaches it:
//!
//! - a comment on the same source line as the thing printed just before it *trails* it
//!   and stays at the end of that output line (whatever follows moves to the next line);
//! - any other comment is printed on a line of its own before the next thing, at that
//!   thing's indentation;
//! - a comment inside a construct printed on one line (a marker, a fact's first line, the
//!   first operand of a condition) moves to a line of its own just before it.
//!
//! Because placement depends only on those relations, which the output reproduces,
//! formatting the output again places every comment in the same place.

use super::WIDTH;
use crate::syntax::trivia::{self, Comment, Trivia};

/// Whether a blank line goes before a line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Blank {
    /// Never (the first line of a block).
    Never,
    /// Where the author left one or more (between the lines of a block).
    Keep,
    /// Always (between top-level items).
    Always,
}

/// The output being built and the cursor into the comments.
pub(super) struct Printer<'s> {
    /// The source text.
    pub src: &'s str,
    /// Its comments and strings.
    pub trivia: Trivia,
    /// The next comment not yet printed.
    next: usize,
    /// Where, in the source, the last printed thing ends.
    pub last: usize,
    out: String,
    /// The column the output is at (0: at the start of a line, nothing written on it).
    pub col: usize,
    /// The indentation of the current output line.
    pub line_indent: usize,
    /// How many lines have been ended.
    pub lines: usize,
    /// Print no blank lines (the comparison form used to verify a formatting).
    bare: bool,
}

/// The width of a text in columns.
pub(super) fn width(s: &str) -> usize {
    s.chars().count()
}

impl<'s> Printer<'s> {
    /// A printer over `src`; `bare` leaves out comments and blank lines.
    pub fn new(src: &'s str, bare: bool) -> Self {
        let trivia = if bare {
            Trivia::default()
        } else {
            Trivia::scan(src)
        };
        Printer {
            src,
            trivia,
            next: 0,
            last: 0,
            out: String::with_capacity(src.len() + src.len() / 8),
            col: 0,
            line_indent: 0,
            lines: 0,
            bare,
        }
    }

    /// The output, ending with exactly one newline.
    pub fn finish(mut self) -> String {
        self.newline();
        while self.out.ends_with("\n\n") {
            self.out.pop();
        }
        self.out
    }

    // ------------------------------------------------------------------------ lines

    /// Ends the current line, if anything is on it.
    pub fn newline(&mut self) {
        if self.col > 0 {
            self.out.push('\n');
            self.col = 0;
            self.lines += 1;
        }
    }

    /// Ends the current line and leaves one blank line (never two, never at the top).
    fn blank(&mut self) {
        self.newline();
        if !self.bare && !self.out.is_empty() && !self.out.ends_with("\n\n") {
            self.out.push('\n');
            self.lines += 1;
        }
    }

    /// Writes `s`; at the start of a line, indented by `indent`.
    pub fn write(&mut self, indent: usize, s: &str) {
        if self.col == 0 {
            self.out.extend(std::iter::repeat_n(' ', indent));
            self.col = indent;
            self.line_indent = indent;
        }
        self.out.push_str(s);
        self.col += width(s);
    }

    /// Writes `s` on the current line.
    pub fn push(&mut self, s: &str) {
        self.write(self.line_indent, s);
    }

    /// Starts a new line at `indent` and writes `s`.
    pub fn line(&mut self, indent: usize, s: &str) {
        self.newline();
        self.write(indent, s);
    }

    /// Whether `n` more columns fit on the current line.
    pub fn fits(&self, n: usize) -> bool {
        self.col + n <= WIDTH
    }

    /// Moves `last` forward to `pos` (never back).
    pub fn reach(&mut self, pos: usize) {
        self.last = self.last.max(self.trivia.string_end(pos));
    }

    // ------------------------------------------------------------------------ source

    /// The source text between two offsets (empty when out of range).
    pub fn slice(&self, from: usize, to: usize) -> &'s str {
        self.src.get(from..to).unwrap_or("")
    }

    /// Whether an empty line lies between two offsets in the source.
    fn blank_between(&self, from: usize, to: usize) -> bool {
        if from >= to {
            return false;
        }
        let lines: Vec<&str> = self.slice(from, to).split('\n').collect();
        // The first and last pieces are parts of the lines `from` and `to` are on.
        lines.len() >= 3
            && lines
                .get(1..lines.len() - 1)
                .is_some_and(|whole| whole.iter().any(|l| l.trim().is_empty()))
    }

    /// Whether `to` is on the same source line as `from`, after it.
    pub fn same_line(&self, from: usize, to: usize) -> bool {
        from <= to && !self.slice(from, to).contains('\n')
    }

    /// The offset of the first `{` at or after `from`, outside strings and comments.
    pub fn find_brace(&self, from: usize) -> Option<usize> {
        trivia::find_code(self.src, from, b'{')
    }

    /// The offset of a `{` that follows `from` after nothing but blanks and comments.
    pub fn brace_next(&self, from: usize) -> Option<usize> {
        let i = trivia::skip(self.src, from);
        (self.src.as_bytes().get(i) == Some(&b'{')).then_some(i)
    }

    /// The offset of the `}` that closes a block whose span ends at `end`.
    pub fn close_brace(&self, end: usize) -> usize {
        if end > 0 && self.slice(end - 1, end) == "}" {
            return end - 1;
        }
        // The span was cut short (a `//` in a string on its last line): look further.
        trivia::find_code(self.src, self.trivia.string_end(end), b'}')
            .unwrap_or(end.saturating_sub(1))
    }

    // ------------------------------------------------------------------------ comments

    /// The next comment, if it starts before `pos`.
    fn comment_before(&self, pos: usize) -> Option<Comment> {
        self.trivia
            .comments
            .get(self.next)
            .filter(|c| c.start < pos)
            .copied()
    }

    /// Whether a comment not yet printed starts before `pos`.
    pub fn pending_before(&self, pos: usize) -> bool {
        self.comment_before(pos).is_some()
    }

    /// Whether a comment starts strictly inside `from..to`.
    pub fn comment_within(&self, from: usize, to: usize) -> bool {
        self.trivia.comment_within(from, to)
    }

    fn text_of(&self, c: Comment) -> &'s str {
        self.slice(c.start, c.end)
    }

    /// Whether `c` trails the thing printed last.
    fn trails(&self, c: Comment) -> bool {
        self.col > 0 && self.same_line(self.last, c.start)
    }

    /// Prints `c` at the end of the current line.
    fn trail(&mut self, c: Comment) {
        let text = self.text_of(c);
        self.push(" ");
        self.push(text);
        self.take(c);
    }

    /// Prints `c` on a line of its own.
    fn own_line(&mut self, c: Comment, indent: usize) {
        let text = self.text_of(c);
        self.line(indent, text);
        self.take(c);
    }

    fn take(&mut self, c: Comment) {
        self.next += 1;
        self.last = self.last.max(c.end);
    }

    /// Prints the comments before a line that starts a construct at `start` and opens a
    /// new line at `indent` for it. The comment that trails the previous line stays there;
    /// the others go on lines of their own, with the blank lines `blank` and the author's
    /// choose. Comments before `hoist` (inside the construct's first line) follow, just
    /// before it.
    pub fn leading(&mut self, start: usize, hoist: usize, indent: usize, blank: Blank) {
        let mut own = false;
        while let Some(c) = self.comment_before(start) {
            if !own && self.trails(c) {
                self.trail(c);
                continue;
            }
            let wanted = self.wants(if own { Blank::Keep } else { blank }, c.start);
            self.newline();
            if wanted {
                self.blank();
            }
            self.own_line(c, indent);
            own = true;
        }
        let wanted = self.wants(if own { Blank::Keep } else { blank }, start);
        self.newline();
        if wanted {
            self.blank();
        }
        while let Some(c) = self.comment_before(hoist) {
            self.own_line(c, indent);
            self.newline();
        }
    }

    fn wants(&self, blank: Blank, before: usize) -> bool {
        match blank {
            Blank::Never => false,
            Blank::Keep => self.blank_between(self.last, before),
            Blank::Always => true,
        }
    }

    /// Prints the comments before `pos` in the middle of a construct: the first trails the
    /// current line if it did in the source, the others go on lines of their own at
    /// `indent`. Returns whether any was printed (the next piece must then start a line).
    pub fn gap(&mut self, pos: usize, indent: usize) -> bool {
        let mut any = false;
        while let Some(c) = self.comment_before(pos) {
            if !any && self.trails(c) {
                self.trail(c);
            } else {
                self.own_line(c, indent);
            }
            any = true;
        }
        any
    }

    /// Takes the comments before `pos` without printing them: their offsets, and whether
    /// each is on the source line of the thing before it.
    pub fn take_comments_before(&mut self, pos: usize) -> Vec<(usize, usize, bool)> {
        let mut out = Vec::new();
        while let Some(c) = self.comment_before(pos) {
            out.push((c.start, c.end, self.same_line(self.last, c.start)));
            self.take(c);
        }
        out
    }

    /// Prints the comments at the end of the file.
    pub fn trailing_comments(&mut self) {
        let mut own = false;
        while let Some(c) = self.comment_before(usize::MAX) {
            if !own && self.trails(c) {
                self.trail(c);
                continue;
            }
            let wanted = self.wants(Blank::Keep, c.start);
            self.newline();
            if wanted {
                self.blank();
            }
            self.own_line(c, 0);
            own = true;
        }
    }

    // ------------------------------------------------------------------------ blocks

    /// Writes the ` {` of a block whose `{` is at `open` (`None` when the source wrote the
    /// construct without braces). An empty block without comments is written ` {}`, and
    /// `false` returned: there is nothing more to print.
    pub fn open_block(
        &mut self,
        open: Option<usize>,
        close: usize,
        close_end: usize,
        empty: bool,
    ) -> bool {
        let from = open.map_or(close, |o| o + 1);
        if empty && !self.comment_within(from.saturating_sub(1), close) {
            self.push(" {}");
            self.reach(close_end);
            return false;
        }
        self.push(" {");
        if let Some(o) = open {
            self.reach(o + 1);
        }
        true
    }

    /// Prints the comments before the closing `}` at `close` (at `inner`), then the `}` (at
    /// `outer`). `braceless`: the source wrote the construct without braces, so a comment
    /// trailing its last line still belongs inside.
    pub fn close_block(
        &mut self,
        close: usize,
        close_end: usize,
        inner: usize,
        outer: usize,
        braceless: bool,
    ) {
        let mut own = false;
        loop {
            let c = match self.trivia.comments.get(self.next).copied() {
                Some(c) if c.start < close => c,
                Some(c)
                    if braceless
                        && !own
                        && self.trails(c)
                        && self.slice(self.last, c.start).trim().is_empty() =>
                {
                    c
                }
                _ => break,
            };
            if !own && self.trails(c) {
                self.trail(c);
                if c.start >= close {
                    break;
                }
                continue;
            }
            let wanted = self.wants(Blank::Keep, c.start);
            self.newline();
            if wanted {
                self.blank();
            }
            self.own_line(c, inner);
            own = true;
        }
        self.line(outer, "}");
        self.reach(close_end);
    }

    // ------------------------------------------------------------------------ lists

    /// Writes `items` separated by `, `, wrapping at `cont`; `tail` more columns must fit
    /// after the last one (a closing bracket). Comments between items stay between them.
    pub fn commas(&mut self, items: &[(String, usize, usize)], cont: usize, tail: usize) {
        for (i, (text, start, end)) in items.iter().enumerate() {
            let need = width(text) + if i + 1 == items.len() { tail } else { 1 };
            if i > 0 {
                self.push(",");
                let broke = self.gap(*start, cont);
                if broke || !self.fits(1 + need) {
                    self.line(cont, text);
                } else {
                    self.push(" ");
                    self.push(text);
                }
            } else {
                self.push(text);
            }
            self.reach(*end);
        }
    }

    /// Writes `items` separated by ` | `, wrapping onto lines that start `| ` at `align`
    /// (each item after the first on a line of its own when `one_per_line`); `tail` more
    /// columns must fit after the last one.
    pub fn bars(
        &mut self,
        items: &[(String, usize, usize)],
        align: usize,
        tail: usize,
        one_per_line: bool,
    ) {
        for (i, (text, start, end)) in items.iter().enumerate() {
            if i > 0 {
                let broke = self.gap(*start, align);
                let need = width(text) + if i + 1 == items.len() { tail } else { 0 };
                if broke || one_per_line || !self.fits(3 + need) {
                    self.line(align, "| ");
                } else {
                    self.push(" | ");
                }
            }
            self.push(text);
            self.reach(*end);
        }
    }
}
