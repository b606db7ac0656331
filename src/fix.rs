//! The safe fixes a finding names, as edits: what `juris lint --fix` applies (`--diff`
//! shows), what SARIF lists as a result's `fixes`, and what the language server offers as
//! quick fixes — one rule for all three.
//!
//! - A "did you mean `x`?" with its single candidate (`C001`, `C006`, …): the word the
//!   finding points at is replaced.
//! - A subsection nothing encodes or marks (`L003`): a `not encoded` marker with a
//!   placeholder reason is added at the end of the policy file, for a lawyer to review
//!   (the placeholder says so, and a search for it finds every one).
//!
//! Formatting (`juris fmt`) is applied by `--fix` after the edits.

use crate::diagnostic::Diagnostic;
use crate::source::Span;

/// The reason a `not encoded` marker added by a fix carries until a lawyer writes one.
pub const PLACEHOLDER_REASON: &str = "TODO: review: why is this subsection not encoded?";

/// A fix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fix {
    /// Replace the text of `span` (in the finding's file) with `with`.
    Replace {
        /// The word the finding points at.
        span: Span,
        /// The one candidate.
        with: String,
    },
    /// Add `not encoded PATH "…"` at the end of the policy file.
    MarkNotEncoded {
        /// The subsection's local path, `(6)(a)`.
        path: String,
    },
}

impl Fix {
    /// What it does, as a command's title: ``Replace with `ssn` ``.
    pub fn title(&self) -> String {
        match self {
            Fix::Replace { with, .. } => format!("Replace with `{with}`"),
            Fix::MarkNotEncoded { path } => format!("Mark {path} not encoded"),
        }
    }

    /// The line a [`Fix::MarkNotEncoded`] adds (without its newline).
    pub fn marker_line(path: &str) -> String {
        format!(
            "not encoded {path} {}",
            crate::fmt::quote(PLACEHOLDER_REASON)
        )
    }

    /// The edit in the text of the file it applies to (the finding's file for a
    /// replacement, the policy file for a marker): a span of that text and what replaces
    /// it.
    pub fn edit(&self, text: &str) -> (Span, String) {
        match self {
            Fix::Replace { span, with } => (*span, with.clone()),
            Fix::MarkNotEncoded { path } => {
                let before = if text.is_empty() || text.ends_with('\n') {
                    ""
                } else {
                    "\n"
                };
                (
                    Span::new(text.len(), text.len()),
                    format!("{before}{}\n", Fix::marker_line(path)),
                )
            }
        }
    }
}

/// The safe fix of a finding, if it has one: the one the rule attached
/// ([`crate::diagnostic::Attached::fix`]: a coverage gap's marker), or the single candidate of a "did you
/// mean `x`?" help, replacing the word the finding points at.
pub fn fix_for(d: &Diagnostic) -> Option<Fix> {
    if let Some(fix) = d.attached_fix() {
        return Some(fix.clone());
    }
    let word = d.help.as_deref().and_then(suggested_word)?;
    let span = d.labels.first()?.span;
    Some(Fix::Replace {
        span,
        with: word.to_string(),
    })
}

/// The word a "did you mean `x`?" help suggests (one candidate: the help names one).
pub fn suggested_word(help: &str) -> Option<&str> {
    let rest = help.strip_prefix("did you mean `")?;
    let end = rest.find("`?")?;
    let word = &rest[..end];
    (!word.is_empty() && !word.contains('`')).then_some(word)
}

/// Applies edits to a text: each a span of it and its replacement. Edits are applied from
/// the end; one that overlaps an edit already applied is left out. Insertions at one place
/// go in the order given. Returns the new text and how many edits were applied.
pub fn apply(text: &str, edits: &[(Span, String)]) -> (String, usize) {
    let mut order: Vec<usize> = (0..edits.len()).collect();
    // From the end; among insertions at one place, the last given first (so that, each
    // inserted before the previous, they read in the order given).
    order.sort_by(|&a, &b| {
        let (sa, sb) = (edits[a].0, edits[b].0);
        (sb.start, sb.end, b).cmp(&(sa.start, sa.end, a))
    });
    let mut out = text.to_string();
    let mut floor = usize::MAX;
    let mut applied = 0;
    for i in order {
        let (span, with) = &edits[i];
        let (start, end) = (span.start as usize, span.end as usize);
        let fits = end <= out.len()
            && start <= end
            && (end <= floor || (start == end && start == floor))
            && out.is_char_boundary(start)
            && out.is_char_boundary(end);
        if !fits {
            continue;
        }
        out.replace_range(start..end, with);
        floor = start;
        applied += 1;
    }
    (out, applied)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn edits_apply_from_the_end_and_overlaps_are_left_out() {
        let text = "when data is ssnn and actor is compny\n";
        let edits = vec![
            (Span::new(13, 17), "ssn".to_string()),
            (Span::new(31, 37), "company".to_string()),
            (Span::new(10, 15), "x".to_string()),
            (Span::new(38, 38), "a\n".to_string()),
            (Span::new(38, 38), "b\n".to_string()),
        ];
        let (fixed, applied) = apply(text, &edits);
        assert_eq!(fixed, "when data is ssn and actor is company\na\nb\n");
        assert_eq!(applied, 4);
    }

    #[test]
    fn only_a_single_candidate_is_a_fix() {
        assert_eq!(suggested_word("did you mean `ssn`?"), Some("ssn"));
        assert_eq!(suggested_word("did you mean `a` or `b`?"), None);
        assert_eq!(suggested_word("declare it in the vocabulary"), None);
    }
}
