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
//! - enumeration members with labels (`investor_owned "an investor-owned utility"`) one
//!   per line, each continuation line starting `| `;
//! - `rule "sentence" {` on one line, however long the sentence (the statute's words);
//! - strings re-escaped; numbers, labels and cites as written (`2.0`, `§ 710.4`).
//!
//! A policy's sibling files (`NAME.terms.juris`, `NAME.tests.juris`) are formatted the same
//! way, item by item ([`format_sibling`]).
//!
//! Comments are not in the syntax tree (they are part of the grammar's silent
//! `WHITESPACE`), so they are found in the text and woven back by position: a comment
//! stays with the line it trails or the construct it precedes (see [`printer`]).
//! Formatting is idempotent.
//!
//! Every formatting is verified before it is returned: the output must parse to the same
//! tree (compared through the comment-free form of both) and keep every comment, in
//! order; otherwise the input is reported as an internal error and left alone.

use crate::ast::{File, SiblingKind};
use crate::diagnostic::{code, Diagnostic};
use crate::source::{SourceFile, Span};

mod expr;
mod items;
mod printer;

pub use crate::syntax::trivia::comment_texts;

/// The width lines are kept within, where the words allow.
pub const WIDTH: usize = 100;

/// What a text parses to: a policy file, or a sibling file of a policy.
enum Parsed {
    File(File),
    Sibling(crate::ast::Sibling),
}

impl Parsed {
    /// Parses `text` as a policy file (`kind` `None`) or as a sibling file of that kind.
    fn parse(name: &str, text: &str, kind: Option<SiblingKind>) -> Result<Self, Vec<Diagnostic>> {
        let source = SourceFile::new(name, text);
        match kind {
            None => crate::syntax::parse(&source).map(Parsed::File),
            Some(kind) => crate::syntax::parse_sibling(&source, kind).map(Parsed::Sibling),
        }
    }

    /// Prints it in the canonical layout; `bare` leaves out comments and blank lines.
    fn print(&self, text: &str, bare: bool) -> String {
        let mut printer = printer::Printer::new(text, bare);
        match self {
            Parsed::File(file) => printer.file(file),
            Parsed::Sibling(sibling) => printer.sibling(sibling),
        }
        printer.finish()
    }
}

/// Formats a policy text. Returns the syntax errors when it does not parse.
pub fn format_source(text: &str) -> Result<String, Vec<Diagnostic>> {
    format_as(text, None)
}

/// Formats the text of a policy's sibling file of kind `kind` (`NAME.terms.juris`,
/// `NAME.tests.juris`). Returns the syntax errors when it does not parse.
pub fn format_sibling(text: &str, kind: SiblingKind) -> Result<String, Vec<Diagnostic>> {
    format_as(text, Some(kind))
}

/// Formats the text of a policy file (`kind` `None`) or of one of its sibling files, as
/// [`crate::load::sibling_kind`] tells them apart.
pub fn format_as(text: &str, kind: Option<SiblingKind>) -> Result<String, Vec<Diagnostic>> {
    let parsed = Parsed::parse("<policy>", text, kind)?;
    let formatted = parsed.print(text, false);
    verify(text, &parsed, &formatted, kind)?;
    Ok(formatted)
}

/// Checks that `formatted` says what `text` (parsed as `parsed`) says, with every comment.
fn verify(
    text: &str,
    parsed: &Parsed,
    formatted: &str,
    kind: Option<SiblingKind>,
) -> Result<(), Vec<Diagnostic>> {
    let internal = |what: &str| {
        vec![Diagnostic::new(
            &code::syntax_error,
            format!("internal error: formatting would {what} (please report this); the file is left as it is"),
            Span::new(0, 0),
        )]
    };
    let reparsed =
        Parsed::parse("<formatted>", formatted, kind).map_err(|_| internal("not parse again"))?;
    if parsed.print(text, true) != reparsed.print(formatted, true) {
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

/// A string literal: `\`, `"` and newlines escaped.
pub(crate) fn quote(s: &str) -> String {
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
