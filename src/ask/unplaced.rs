//! A question that cannot be placed in any loaded policy, as a diagnostic on the question's
//! text (`juris ask` and the service's `/v1/ask` report it alike).

use super::Unplaced;
use crate::diagnostic::{code, Diagnostic};
use crate::source::Span;

/// A question that cannot be placed, as a diagnostic on the question's text: what it lacks,
/// a label on each phrase understood, and questions each loaded policy answers.
pub fn unplaced_diagnostic(question: &str, unplaced: &Unplaced) -> Diagnostic {
    let message = format!(
        "cannot answer this question: it lacks {}",
        unplaced.missing.join(", and ")
    );
    let found: Vec<(Span, String)> = unplaced
        .understood
        .iter()
        .filter_map(|u| {
            let at = find_words(question, &u.words)?;
            Some((
                Span::new(at, at + u.words.len()),
                format!("→ {}", short_means(&u.means)),
            ))
        })
        .collect();
    let mut d = match found.split_first() {
        Some(((span, text), rest)) => {
            let mut d = Diagnostic::new(&code::unplaced_question, message, *span).label(text);
            for (span, text) in rest {
                d = d.with_label(*span, text);
            }
            d
        }
        None => Diagnostic::new(
            &code::unplaced_question,
            message,
            Span::new(0, question.len()),
        )
        .label("not placed in any loaded policy"),
    };
    let examples: Vec<String> = unplaced
        .examples
        .iter()
        .map(|e| format!("juris ask \"{e}\""))
        .collect();
    d = d.help(format!(
        "questions it can answer look like: {}",
        examples.join("; ")
    ));
    d
}

/// Where a phrase stands in the question, case aside: the byte offset in the question
/// itself (lowercasing may change a text's length, `İ`, so offsets are never taken from a
/// lowercased copy).
fn find_words(question: &str, words: &str) -> Option<usize> {
    if let Some(at) = question.find(words) {
        return Some(at);
    }
    let lower = words.to_lowercase();
    question.char_indices().map(|(at, _)| at).find(|&at| {
        question
            .get(at..at + words.len())
            .is_some_and(|s| s.to_lowercase() == lower)
    })
}

/// A phrase's meaning short enough for a label: a long list of members is counted.
fn short_means(means: &str) -> String {
    match means.split_once(" is one of [") {
        Some((fact, list)) if means.len() > 60 => {
            format!("{fact} is one of {} values", list.split(", ").count())
        }
        _ => means.to_string(),
    }
}
