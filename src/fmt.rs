//! Formatting: one canonical layout for policy files (`juris fmt`).
//!
//! [`format_source`] parses a policy and prints its syntax tree back:
//!
//! - two-space indentation, lines of at most 100 columns where the words allow;
//! - the header's fields in a fixed order: `title`, `jurisdiction`, `text`, `refers`…,
//!   `effective`, `current_through`;
//! - a blank line between top-level items (a run of one-line `not encoded` markers may stay
//!   together), and inside blocks at most one blank line where the author left any;
//! - one fact per line, `name: type = default "meaning"`, the meaning on the next line
//!   when the line would be too long; long enumerations wrapped with `| ` continuation
//!   lines aligned under the first member;
//! - conditions with the fewest parentheses that keep their parse, an `and` inside an `or`
//!   always parenthesized; a long condition wrapped at `and` / `or`, continued two
//!   columns in;
//! - a fact's bounds after its type (`number >= 0 <= 100`);
//! - a nested subsection on one line (`(a) when … required`) when it has no nested blocks,
//!   no readings, no comments inside and fits, else as a block;
//! - each `reading "…"` on a line of its own (after a definition's cite, too), its text on
//!   the next line when the line would be too long;
//! - strings re-escaped; numbers, labels and cites as written (`2.0`, `§ 710.4`).
//!
//! Comments are not in the syntax tree (they are part of the grammar's silent
//! `WHITESPACE`), so they are found in the text and woven back by position: a comment
//! stays with the line it trails or the construct it precedes (see [`printer`]).
//! Formatting is idempotent.
//!
//! Every formatting is verified before it is returned: the output must parse to the same
//! tree (compared through the comment-free form of both) and keep every comment, in
//! order; otherwise the input is reported as an internal error and left alone.

use crate::diagnostic::{code, Diagnostic};
use crate::source::{SourceFile, Span};

mod expr;
mod items;
mod printer;

pub use crate::syntax::trivia::comment_texts;

/// The width lines are kept within, where the words allow.
pub const WIDTH: usize = 100;

/// Formats a policy text. Returns the syntax errors when it does not parse.
pub fn format_source(text: &str) -> Result<String, Vec<Diagnostic>> {
    let source = SourceFile::new("<policy>", text);
    let file = crate::syntax::parse(&source)?;
    let mut printer = printer::Printer::new(text, false);
    printer.file(&file);
    let formatted = printer.finish();
    verify(text, &file, &formatted)?;
    Ok(formatted)
}

/// Checks that `formatted` says what `text` (parsed as `file`) says, with every comment.
fn verify(text: &str, file: &crate::ast::File, formatted: &str) -> Result<(), Vec<Diagnostic>> {
    let internal = |what: &str| {
        vec![Diagnostic::new(
            &code::syntax_error,
            format!("internal error: formatting would {what} (please report this); the file is left as it is"),
            Span::new(0, 0),
        )]
    };
    let reparsed = crate::syntax::parse(&SourceFile::new("<formatted>", formatted))
        .map_err(|_| internal("not parse again"))?;
    if bare(text, file) != bare(formatted, &reparsed) {
        return Err(internal("change what the policy says"));
    }
    // The same comments (a header field's comments move with the field, so compare them
    // as a multiset; the tests check the order where fields are in order).
    let mut before = comment_texts(text);
    let mut after = comment_texts(formatted);
    before.sort_unstable();
    after.sort_unstable();
    if before != after {
        return Err(internal("lose comments"));
    }
    Ok(())
}

/// The layout without comments or blank lines: equal for two texts exactly when they
/// parse to the same tree (header fields aside, whose order is fixed).
fn bare(text: &str, file: &crate::ast::File) -> String {
    let mut printer = printer::Printer::new(text, true);
    printer.file(file);
    printer.finish()
}

/// A string literal: `\`, `"` and newlines escaped.
fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests;
