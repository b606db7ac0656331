//! Hover, go to definition and references: one lookup of what is under the cursor
//! ([`index::at`]), then the compiled policy and its statute text for what it means.

use super::analysis::Analysis;
use super::index::{self, Occurrence, Owner, Symbol};
use super::text::{path_to_uri, LineIndex};
use crate::ast::{self, EffectKind, Item};
use crate::ir::{Node, Policy, Statute};
use crate::statute::StatuteText;
use lsp_types::{Location, MarkupContent, MarkupKind};
use std::path::Path;

/// The text a hover shows (Markdown) and the span it is about, or `None` when nothing
/// known is at the offset.
pub fn hover(
    analysis: &Analysis,
    policy: Option<&Policy>,
    path: &Path,
    offset: usize,
) -> Option<(MarkupContent, crate::source::Span)> {
    let occurrences = index::occurrences(analysis);
    let at = index::at(&occurrences, path, offset)?;
    let text = match &at.symbol {
        Symbol::Fact(name) => hover_fact(analysis, policy, name)?,
        Symbol::Definition(name) => hover_definition(analysis, policy, name)?,
        Symbol::Member { fact, member } => hover_member(policy?, fact, member)?,
        Symbol::Sentence(path) => {
            let policy = policy?;
            let sentence = quoted_text(analysis, at).unwrap_or_default();
            let node = node_at(policy, path)?;
            let effect = node
                .rules
                .iter()
                .map(|&l| policy.leaf(l))
                .find(|l| l.sentence.as_deref() == Some(sentence.as_str()))
                .map_or(String::new(), |l| format!(" — {}", effect_word(l.effect)));
            let keys: Vec<&str> = path.iter().map(String::as_str).collect();
            let found = policy
                .statute
                .text
                .find(&keys)
                .is_some_and(|id| policy.statute.text.says(id, &sentence));
            let whose = format!(
                "**{}** ({})",
                policy.cite_string(path),
                file_name(policy.statute.source.name())
            );
            format!(
                "**rule** of {}{effect}\n\n> {sentence}\n\n{}",
                StatuteText::display_path(path),
                if found {
                    format!("The sentence is in the text of {whose}.")
                } else {
                    format!("The sentence is not in the text of {whose}.")
                }
            )
        }
        Symbol::Provision(path) | Symbol::Cite(path) => {
            let policy = policy?;
            let mut out = String::new();
            if let Some(node) = node_at(policy, path) {
                out.push_str(&provision_line(policy, node));
                out.push_str("\n\n");
            }
            out.push_str(&quote_local(policy, path));
            out
        }
        Symbol::Overrides(path) => {
            let policy = policy?;
            let mut out = String::from("**overrides** ");
            match node_at(policy, path) {
                Some(node) => out.push_str(&provision_line(policy, node)),
                None => out.push_str(&format!(
                    "`{}`, which no provision encodes",
                    policy.cite_string(path)
                )),
            }
            out.push_str("\n\n");
            out.push_str(&quote_local(policy, path));
            out
        }
        Symbol::External(text) => quote_external(policy?, text),
        Symbol::Reading(owner) => {
            let policy = policy?;
            let reading = quoted_text(analysis, at).unwrap_or_default();
            let (cite, quote) = match owner {
                Owner::Provision(path) => (policy.cite_string(path), quote_local(policy, path)),
                Owner::Definition(name) => {
                    let def = policy.definitions.iter().find(|d| d.name == *name)?;
                    let quote = match def.cite.path.is_empty() {
                        false => quote_local(policy, &def.cite.path),
                        true => quote_external(policy, &def.cite.full),
                    };
                    (format!("`{name}` ({})", def.cite.full), quote)
                }
            };
            format!("**reading** on {cite}: {reading}\n\nIt qualifies the text:\n\n{quote}")
        }
    };
    Some((
        MarkupContent {
            kind: MarkupKind::Markdown,
            value: text,
        },
        at.span,
    ))
}

/// The string an occurrence holds (`reading "…"`, `"…"`), without its quotes.
fn quoted_text(analysis: &Analysis, at: &Occurrence) -> Option<String> {
    let file = analysis.file(&at.path)?;
    let written = file.source.slice(at.span);
    let start = written.find('"')?;
    Some(
        written[start..]
            .trim()
            .trim_matches('"')
            .replace("\\\"", "\""),
    )
}

fn hover_fact(analysis: &Analysis, policy: Option<&Policy>, name: &str) -> Option<String> {
    let Some(policy) = policy else {
        // Not compiled: the declaration as written.
        let fact = declared_fact(analysis, name)?;
        let file = analysis.file(&analysis.policy_path)?;
        return Some(format!("```juris\n{}\n```", file.source.slice(fact.span)));
    };
    let id = policy.fact_id(name)?;
    let fact = policy.fact(id);
    let mut out = format!("**fact** `{}`: {}", fact.name, fact.ty.describe());
    let bounds = fact.bounds();
    if !bounds.is_empty() {
        out.push_str(&format!(", {}", bounds.join(" and ")));
    }
    match &fact.default {
        Some(v) => out.push_str(&format!(
            "; `{}` when a request does not give it",
            fact.show(v)
        )),
        None => out.push_str("; unknown when a request does not give it"),
    }
    out.push_str(&format!("\n\n{}", fact.meaning));
    let mut readers: Vec<usize> = Vec::new();
    for leaf in &policy.leaves {
        let conditions = leaf
            .conjuncts
            .iter()
            .map(|c| (c.expr, c.node))
            .chain(leaf.only_if.map(|(e, _)| (e, leaf.node)));
        for (expr, node) in conditions {
            if policy.facts_in(expr).contains(&id) && !readers.contains(&node.index()) {
                readers.push(node.index());
            }
        }
    }
    readers.sort_unstable();
    let definitions: Vec<String> = policy
        .definitions
        .iter()
        .filter(|d| policy.facts_in(d.expr).contains(&id))
        .map(|d| format!("`{}`", d.name))
        .collect();
    let cites: Vec<String> = readers
        .iter()
        .filter_map(|&i| policy.nodes.get(i))
        .map(|n| StatuteText::display_path(&n.cite.path))
        .collect();
    if cites.is_empty() {
        out.push_str("\n\nNo provision reads it.");
    } else {
        out.push_str(&format!("\n\nRead by {}", cites.join(", ")));
        if !definitions.is_empty() {
            out.push_str(&format!(", through {}", definitions.join(", ")));
        }
        out.push('.');
    }
    Some(out)
}

fn declared_fact<'a>(analysis: &'a Analysis, name: &str) -> Option<&'a ast::Fact> {
    analysis.policy_tree()?.items.iter().find_map(|i| match i {
        Item::Vocabulary(v) => v.facts.iter().find(|f| f.name.value == name),
        _ => None,
    })
}

fn declared_definition<'a>(analysis: &'a Analysis, name: &str) -> Option<&'a ast::Definition> {
    analysis.policy_tree()?.items.iter().find_map(|i| match i {
        Item::Definition(d) if d.name.value == name => Some(d),
        _ => None,
    })
}

fn hover_definition(analysis: &Analysis, policy: Option<&Policy>, name: &str) -> Option<String> {
    let def = declared_definition(analysis, name)?;
    let file = analysis.file(&analysis.policy_path)?;
    let mut out = format!(
        "**definition** `{name}`\n\n```juris\n{}\n```",
        file.source.slice(def.span)
    );
    // The provisions whose conditions read it, directly or through other definitions.
    if let Some(policy) = policy {
        let id = policy
            .definitions
            .iter()
            .position(|d| d.name == name)
            .and_then(|i| u32::try_from(i).ok())
            .map(crate::ir::DefId)?;
        let mut readers: Vec<usize> = Vec::new();
        for leaf in &policy.leaves {
            let conditions = leaf
                .conjuncts
                .iter()
                .map(|c| (c.expr, c.node))
                .chain(leaf.only_if.map(|(e, _)| (e, leaf.node)));
            for (expr, node) in conditions {
                let mut read = Vec::new();
                policy.definitions_read(expr, &mut read);
                if read.contains(&id) && !readers.contains(&node.index()) {
                    readers.push(node.index());
                }
            }
        }
        readers.sort_unstable();
        let cites: Vec<String> = readers
            .iter()
            .filter_map(|&i| policy.nodes.get(i))
            .map(|n| StatuteText::display_path(&n.cite.path))
            .collect();
        if cites.is_empty() {
            out.push_str("\n\nNo provision reads it.");
        } else {
            out.push_str(&format!("\n\nRead by {}.", cites.join(", ")));
        }
    }
    Some(out)
}

fn hover_member(policy: &Policy, fact: &str, member: &str) -> Option<String> {
    let id = policy.fact_id(fact)?;
    let f = policy.fact(id);
    if !f.ty.members().iter().any(|m| m == member) {
        return None;
    }
    Some(match f.member_label(member) {
        Some(label) => format!(
            "`{member}`: {label}\n\na member of `{fact}` ({})",
            f.meaning
        ),
        None => format!(
            "`{member}`, a member of `{fact}` ({}); the vocabulary gives it no label",
            f.meaning
        ),
    })
}

/// The provision of this policy at a local path.
fn node_at<'p>(policy: &'p Policy, path: &[String]) -> Option<&'p Node> {
    policy.nodes.iter().find(|n| n.cite.path == path)
}

fn effect_word(effect: EffectKind) -> &'static str {
    match effect {
        EffectKind::Required => "required",
        EffectKind::Permitted => "permitted",
        EffectKind::Prohibited => "prohibited",
        EffectKind::OutOfScope => "out of scope",
    }
}

/// `**(3)** "Title" — prohibited`
fn provision_line(policy: &Policy, node: &Node) -> String {
    let mut out = format!("**{}**", StatuteText::display_path(&node.cite.path));
    if let Some(title) = &node.title {
        out.push_str(&format!(" “{title}”"));
    }
    if let Some((_, reason)) = &node.marker {
        out.push_str(&format!(" — not encoded: {reason}"));
        return out;
    }
    // The effect it states, else the one it inherits, else how its subsections decide.
    let mut effect = node.effect;
    let mut parent = node.parent;
    while effect.is_none() {
        let Some(p) = parent else { break };
        effect = policy.node(p).effect;
        parent = policy.node(p).parent;
    }
    match effect {
        Some(e) => out.push_str(&format!(" — {}", effect_word(e))),
        None if !node.rules.is_empty() => {
            let mut effects: Vec<&str> = node
                .rules
                .iter()
                .map(|&l| effect_word(policy.leaf(l).effect))
                .collect();
            effects.dedup();
            out.push_str(&format!(" — its rules: {}", effects.join(", ")));
        }
        None => {}
    }
    out
}

/// What the statute text says at a local path, with where.
fn quote_local(policy: &Policy, path: &[String]) -> String {
    quote_in(&policy.statute, path)
}

fn quote_in(statute: &Statute, path: &[String]) -> String {
    let full = crate::ir::full_cite(&statute.citation, path);
    let keys: Vec<&str> = path.iter().map(String::as_str).collect();
    match statute.text.find(&keys) {
        Some(id) => format!(
            "**{full}** ({}:{})\n\n> {}",
            file_name(statute.source.name()),
            statute.text.get(id).line,
            statute.text.quote(id)
        ),
        None => format!(
            "`{full}` is not in the text of {} ({})",
            statute.citation,
            file_name(statute.source.name())
        ),
    }
}

fn quote_external(policy: &Policy, text: &str) -> String {
    let text = text.trim();
    let found = policy
        .references
        .iter()
        .chain(std::iter::once(&policy.statute))
        .find(|s| text.starts_with(&s.citation));
    match found {
        Some(statute) => {
            let rest = text[statute.citation.len()..].trim();
            match crate::check::parse_path(rest) {
                Some(path) => quote_in(statute, &path),
                None => format!("`{text}` is not a path in {}", statute.citation),
            }
        }
        None => format!("`{text}`: this policy carries no text for that instrument"),
    }
}

fn file_name(path: &str) -> String {
    Path::new(path)
        .file_name()
        .map_or_else(|| path.to_string(), |n| n.to_string_lossy().into_owned())
}

/// Where the symbol at the offset is declared: a name's declaration, a cite's subsection in
/// the statute text, an overridden provision's header.
pub fn definition(
    analysis: &Analysis,
    policy: Option<&Policy>,
    path: &Path,
    offset: usize,
) -> Option<Location> {
    let occurrences = index::occurrences(analysis);
    let at = index::at(&occurrences, path, offset)?;
    match &at.symbol {
        Symbol::Fact(_) | Symbol::Definition(_) | Symbol::Member { .. } => {
            let declared = occurrences
                .iter()
                .find(|o| o.declaration && o.symbol == at.symbol)?;
            location(analysis, declared)
        }
        Symbol::Overrides(target) => {
            let declared = occurrences
                .iter()
                .find(|o| o.declaration && o.symbol == Symbol::Provision(target.clone()))?;
            location(analysis, declared)
        }
        Symbol::Provision(p) | Symbol::Cite(p) | Symbol::Sentence(p) => {
            statute_location(&policy?.statute, p)
        }
        Symbol::Reading(Owner::Provision(p)) => statute_location(&policy?.statute, p),
        Symbol::Reading(Owner::Definition(name)) => {
            let declared = occurrences
                .iter()
                .find(|o| o.declaration && o.symbol == Symbol::Definition(name.clone()))?;
            location(analysis, declared)
        }
        Symbol::External(text) => {
            let policy = policy?;
            let text = text.trim();
            let statute = policy
                .references
                .iter()
                .chain(std::iter::once(&policy.statute))
                .find(|s| text.starts_with(&s.citation))?;
            let path = crate::check::parse_path(text[statute.citation.len()..].trim())?;
            statute_location(statute, &path)
        }
    }
}

/// Every place the symbol at the offset is written: a fact's every condition (and test)
/// that reads it, a definition's uses, a member's, a provision's cites and overrides.
pub fn references(
    analysis: &Analysis,
    path: &Path,
    offset: usize,
    include_declaration: bool,
) -> Option<Vec<Location>> {
    let occurrences = index::occurrences(analysis);
    let at = index::at(&occurrences, path, offset)?;
    let same = |s: &Symbol| -> bool {
        match (&at.symbol, s) {
            (
                Symbol::Provision(a) | Symbol::Cite(a) | Symbol::Overrides(a),
                Symbol::Provision(b) | Symbol::Cite(b) | Symbol::Overrides(b),
            ) => a == b,
            (a, b) => a == b,
        }
    };
    Some(
        occurrences
            .iter()
            .filter(|o| same(&o.symbol) && (include_declaration || !o.declaration))
            .filter_map(|o| location(analysis, o))
            .collect(),
    )
}

fn location(analysis: &Analysis, o: &Occurrence) -> Option<Location> {
    let file = analysis.file(&o.path)?;
    Some(Location::new(
        path_to_uri(&o.path)?,
        file.lines.range(file.text(), o.span),
    ))
}

/// The label of a subsection in its statute text file.
fn statute_location(statute: &Statute, path: &[String]) -> Option<Location> {
    let keys: Vec<&str> = path.iter().map(String::as_str).collect();
    let id = statute.text.find(&keys)?;
    let sub = statute.text.get(id);
    let text = statute.source.text();
    let lines = LineIndex::new(text);
    let span = crate::source::Span::new(sub.label.start, sub.label.end);
    Some(Location::new(
        path_to_uri(Path::new(statute.source.name()))?,
        lines.range(text, span),
    ))
}
