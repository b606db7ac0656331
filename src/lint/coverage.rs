//! `L003 coverage-gap`: a numbered subsection of the statute text that the policy does not
//! account for.
//!
//! A gap is a subsection whose status in `juris coverage` is `missing` (one computation,
//! `coverage::subsections`, so the two never disagree); of an unaccounted part of the tree
//! only its topmost subsection is reported.

use super::header_span;
use crate::coverage::Status;
use crate::diagnostic::{code, Diagnostic, Label, Related};
use crate::ir::Policy;
use crate::source::Span;
use crate::statute::{StatuteText, SubsectionId};
use std::collections::HashMap;

/// How much of a subsection's text a finding quotes.
const QUOTE: usize = 120;

pub(super) fn check(policy: &Policy, out: &mut Vec<Diagnostic>) {
    let text = &policy.statute.text;
    // The provision that encodes each subsection, for the label of a gap beneath it.
    let mut encoded_by: HashMap<SubsectionId, Span> = HashMap::new();
    for node in &policy.nodes {
        if let Some(id) = node.cite.subsection {
            encoded_by.entry(id).or_insert(node.label_span);
        }
    }
    let subsections = crate::coverage::subsections(policy);
    let missing: Vec<SubsectionId> = subsections
        .iter()
        .filter(|s| s.status == Status::Missing)
        .map(|s| s.id)
        .collect();
    let unaccounted: std::collections::HashSet<SubsectionId> = missing.iter().copied().collect();
    for &id in &missing {
        // Of an unaccounted part of the tree, only its topmost subsection is reported.
        if text
            .get(id)
            .parent
            .is_some_and(|p| unaccounted.contains(&p))
        {
            continue;
        }
        out.push(gap(policy, id, &encoded_by));
    }
}

fn gap(policy: &Policy, id: SubsectionId, encoded_by: &HashMap<SubsectionId, Span>) -> Diagnostic {
    let text = &policy.statute.text;
    let sub = text.get(id);
    let local = StatuteText::display_path(&sub.path);
    let full = policy.cite_string(&sub.path);
    let beneath = descendants(text, id);
    let message = match beneath {
        0 => format!("`{full}` is not encoded, cited or marked"),
        1 => format!("`{full}` and its subsection are not encoded, cited or marked"),
        n => format!("`{full}` and its {n} subsections are not encoded, cited or marked"),
    };
    let parent = sub
        .parent
        .and_then(|p| encoded_by.get(&p).map(|span| (p, *span)));
    let (span, label) = match parent {
        Some((p, span)) => (
            span,
            format!(
                "{} encodes some of its subsections, not {local}",
                StatuteText::display_path(&text.get(p).path)
            ),
        ),
        None => (
            header_span(policy),
            format!("the text of this policy has {local}"),
        ),
    };
    let mut sentence = text.sentence(id);
    if sentence.chars().count() > QUOTE {
        sentence = format!(
            "{}…",
            sentence.chars().take(QUOTE).collect::<String>().trim_end()
        );
    }
    Diagnostic::new(&code::coverage_gap, message, span)
        .label(label)
        .with_related(Related {
            source: policy.statute.source.clone(),
            message: format!("{full} says: \"{sentence}\""),
            label: Some(Label {
                span: Span::new(sub.label.start, sub.label.end),
                text: "not accounted for".to_string(),
            }),
        })
        .help(format!(
            "encode it in a provision, or say why it is left: `not encoded {local} \"reason\"`"
        ))
        .with_fix(crate::fix::Fix::MarkNotEncoded { path: local })
}

fn descendants(text: &StatuteText, id: SubsectionId) -> usize {
    let mut count = 0;
    let mut stack = text.get(id).children.clone();
    while let Some(next) = stack.pop() {
        count += 1;
        if count > 10_000 {
            break;
        }
        stack.extend(text.get(next).children.iter().copied());
    }
    count
}
