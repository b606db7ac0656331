//! `L003 coverage-gap`: a numbered subsection of the statute text that the policy does not
//! account for.
//!
//! A subsection is accounted for when a provision encodes it, a definition or an obligation
//! cites it, or a `not encoded` / `not available` marker declares it. Everything beneath it
//! is accounted for too when the provision that encodes it decides as a whole (it encodes
//! no nested subsection: its conditions, or its `rule { … }`s, stand for the whole text) or
//! when a marker declares it. Beneath a provision that encodes some nested subsections,
//! each of the others needs its own account; beneath a definition's cite, so does each
//! nested subsection. Subsections without any text are left out, and of an unaccounted
//! part of the tree only its topmost subsection is reported.

use super::header_span;
use crate::diagnostic::{code, Diagnostic, Label, Related};
use crate::ir::Policy;
use crate::source::Span;
use crate::statute::{StatuteText, SubsectionId};
use std::collections::HashMap;

/// How much of a subsection's text a finding quotes.
const QUOTE: usize = 120;

pub(super) fn check(policy: &Policy, out: &mut Vec<Diagnostic>) {
    let text = &policy.statute.text;
    let count = text.iter().count();
    let mut covered = vec![false; count];
    let mut beneath = vec![false; count];
    let mut encoded_by: HashMap<SubsectionId, Span> = HashMap::new();
    let mut mark = |id: SubsectionId, whole: bool| {
        if let (Some(c), Some(b)) = (
            covered.get_mut(id.0 as usize),
            beneath.get_mut(id.0 as usize),
        ) {
            *c = true;
            *b |= whole;
        }
    };
    for node in &policy.nodes {
        if let Some(id) = node.cite.subsection {
            mark(id, node.children.is_empty() || node.marker.is_some());
            encoded_by.entry(id).or_insert(node.label_span);
        }
    }
    for marker in &policy.markers {
        if let Some(id) = marker.cite.subsection {
            mark(id, true);
        }
    }
    for cite in policy
        .definitions
        .iter()
        .map(|d| &d.cite)
        .chain(policy.obligations.iter().map(|o| &o.cite))
    {
        if let (Some(id), false) = (cite.subsection, cite.path.is_empty()) {
            mark(id, false);
        }
    }
    for (id, sub) in text.iter() {
        let i = id.0 as usize;
        if covered.get(i).copied().unwrap_or(true) || !text.has_text(id) {
            continue;
        }
        // Report only the topmost unaccounted subsection, and nothing beneath a whole.
        let mut ancestors = std::iter::successors(sub.parent, |p| text.get(*p).parent);
        if ancestors.any(|p| beneath.get(p.0 as usize).copied().unwrap_or(false)) {
            continue;
        }
        if let Some(parent) = sub.parent {
            if !covered.get(parent.0 as usize).copied().unwrap_or(true) {
                continue;
            }
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
