//! The answer as a lawyer's memo: **Answer**, **Reasoning** per provision quoting the
//! statute, **Sources** as numbered references with full citations, **Jurisdiction**, and
//! how the question was read. Every sentence comes from the decision, the policy or the
//! statute text: nothing is written that a provision does not say.

use super::Interpretation;
use crate::eval::{CaseValue, Decision, Outcome};
use crate::ir::{FactId, LeafId, Policy, Type};
use std::fmt::Write as _;

/// Markdown or plain terminal text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// For a terminal.
    Plain,
    /// Markdown.
    Markdown,
}

/// Renders the memo.
pub fn render(interpretation: &Interpretation, decision: &Decision, style: Style) -> String {
    let policy = &interpretation.policy;
    let md = style == Style::Markdown;
    let mut out = String::new();
    let heading = |out: &mut String, text: &str| {
        if md {
            let _ = writeln!(out, "## {text}\n");
        } else {
            let _ = writeln!(
                out,
                "{}\n{}\n",
                text.to_uppercase(),
                "─".repeat(text.chars().count())
            );
        }
    };
    let sources = sources(policy, decision);
    let refs = |leaves: &[LeafId]| -> String {
        leaves
            .iter()
            .map(|l| {
                let cite = policy.cite_of(*l);
                let n = sources.iter().position(|s| s == cite).map_or(0, |i| i + 1);
                format!("{cite} [{n}]")
            })
            .collect::<Vec<_>>()
            .join("; ")
    };

    if md {
        let _ = writeln!(out, "**Question:** {}\n", interpretation.question);
    } else {
        let _ = writeln!(out, "Question: {}\n", interpretation.question);
    }

    heading(&mut out, "Answer");
    match decision.outcome {
        Outcome::Undetermined => {
            let facts: Vec<String> = decision
                .depends_on
                .iter()
                .map(|f| fact_words(policy, *f))
                .collect();
            let _ = writeln!(out, "It depends on {}.\n", join_and(&facts));
            // The cases come from a tree of splits: print it as one, each condition once.
            let mut previous: &[(FactId, CaseValue)] = &[];
            for case in &decision.cases {
                let shared = previous
                    .iter()
                    .zip(&case.when)
                    .take_while(|(a, b)| a == b)
                    .count()
                    .min(case.when.len().saturating_sub(1));
                for (depth, (f, v)) in case.when.iter().enumerate().skip(shared) {
                    let indent = "  ".repeat(depth);
                    let condition = condition_words(policy, *f, v);
                    if depth + 1 < case.when.len() {
                        let _ = writeln!(out, "{indent}- If {condition}:");
                    } else {
                        let outcome = outcome_words(case.outcome);
                        let _ = writeln!(
                            out,
                            "{indent}- If {condition}: {}{}.",
                            if md {
                                format!("**{outcome}**")
                            } else {
                                outcome.to_string()
                            },
                            if case.cites.is_empty() {
                                String::new()
                            } else {
                                format!(" — {}", refs(&case.cites))
                            }
                        );
                        for &o in &case.obligations {
                            if let Some(ob) = policy.obligations.get(o as usize) {
                                let _ = writeln!(
                                    out,
                                    "{indent}  Obligation: {} ({}).",
                                    ob.text, ob.cite.full
                                );
                            }
                        }
                    }
                }
                previous = &case.when;
            }
            out.push('\n');
        }
        outcome => {
            // Where the cases differ only in their cites, what decides in every case leads,
            // and what applies only in some cases follows.
            let every = decision.cites_in_every_case();
            let some: Vec<LeafId> = decision
                .cites
                .iter()
                .copied()
                .filter(|l| !every.contains(l))
                .collect();
            let scope = crate::eval::out_of_scope(policy, decision);
            let head = match scope {
                Some(leaf) => format!(
                    "Not addressed: the {} does not apply: {}",
                    policy.title,
                    crate::explain::human::scope_reason(policy, leaf)
                ),
                None => capitalize(outcome_words(outcome)),
            };
            let _ = match (every.is_empty(), some.is_empty()) {
                (true, true) => writeln!(out, "{head}.\n"),
                (false, true) => writeln!(out, "{head} — {}.\n", refs(&every)),
                (true, false) => writeln!(
                    out,
                    "{head} — under {}, depending on facts the question does not give.\n",
                    refs(&some).replace("; ", " or ")
                ),
                (false, false) => writeln!(
                    out,
                    "{head} — {}.\n\nAlso, depending on facts the question does not give: {}.\n",
                    refs(&every),
                    refs(&some)
                ),
            };
            for &o in &decision.obligations {
                if let Some(ob) = policy.obligations.get(o as usize) {
                    let _ = writeln!(out, "- Obligation: {} ({}).", ob.text, ob.cite.full);
                }
            }
            if !decision.obligations.is_empty() {
                out.push('\n');
            }
            counterfactuals(&mut out, interpretation, decision, &heading);
        }
    }

    heading(&mut out, "Reasoning");
    for leaf in provisions(decision) {
        let node = policy.node(policy.leaf(leaf).node);
        let title = nearest_title(policy, leaf);
        if md {
            let _ = writeln!(
                out,
                "### {}{}\n",
                node.cite.full,
                title.map(|t| format!(" — {t}")).unwrap_or_default()
            );
        } else {
            let _ = writeln!(
                out,
                "{}{}",
                node.cite.full,
                title.map(|t| format!(" — {t}")).unwrap_or_default()
            );
        }
        if let Some(quote) = policy.quote(&node.cite) {
            if md {
                let _ = writeln!(out, "> {quote}\n");
            } else {
                let _ = writeln!(out, "  “{quote}”");
            }
        }
        let decides: Vec<String> = if decision.outcome != Outcome::Undetermined
            && !decision.cases.is_empty()
            && !decision.cites_in_every_case().contains(&leaf)
        {
            vec![format!(
                "{} as well, where it applies (on facts the question does not give)",
                outcome_words(decision.outcome)
            )]
        } else if decision.outcome == Outcome::Undetermined {
            // What it decides, by the condition that settles each case (once each).
            let mut seen: Vec<String> = Vec::new();
            for c in decision.cases.iter().filter(|c| c.cites.contains(&leaf)) {
                let last = c
                    .when
                    .last()
                    .map(|(f, v)| condition_words(policy, *f, v))
                    .unwrap_or_default();
                let line = format!("{} when {last}", outcome_words(c.outcome));
                if !seen.contains(&line) {
                    seen.push(line);
                }
            }
            seen
        } else if policy.leaf(leaf).effect == crate::ast::EffectKind::OutOfScope {
            vec![format!("the question is outside the {} here", policy.title)]
        } else {
            vec![format!("{} here", outcome_words(decision.outcome))]
        };
        let (line, _) = policy.source.line_col(node.label_span.start as usize);
        let prefix = if md { "" } else { "  " };
        let _ = writeln!(out, "{prefix}Decides: {}.", decides.join("; "));
        let _ = writeln!(out, "{prefix}Encoded at {}:{line}.\n", policy.source.name());
    }

    heading(&mut out, "Sources");
    for (i, cite) in sources.iter().enumerate() {
        let section = section_title(policy, cite);
        let _ = writeln!(
            out,
            "{}[{}] {cite}, {}{}",
            if md { "- " } else { "" },
            i + 1,
            policy.title,
            section.map(|s| format!(" — “{s}”")).unwrap_or_default()
        );
    }
    out.push('\n');

    heading(&mut out, "Jurisdiction");
    let instrument = match policy
        .statute
        .text
        .roots()
        .first()
        .map(|r| &policy.statute.text.get(*r).path)
    {
        Some(path) if path.first().is_some_and(|k| k.contains('.')) => {
            format!("{} {} et seq.", policy.citation, path[0])
        }
        _ => policy.citation.clone(),
    };
    let _ = writeln!(
        out,
        "{} ({}): {}, {}.{}{}\n",
        jurisdiction_name(policy),
        policy.jurisdiction,
        instrument,
        policy.title,
        policy
            .effective
            .as_ref()
            .map(|e| format!(" In force from {e}."))
            .unwrap_or_default(),
        policy
            .current_through
            .as_ref()
            .map(|c| format!(" Text current through {c}."))
            .unwrap_or_default()
    );

    heading(&mut out, "How the question was read");
    let bullet = if md { "- " } else { "  " };
    for u in &interpretation.understood {
        let _ = writeln!(out, "{bullet}“{}” → {}", u.words, u.means);
    }
    for f in &interpretation.assumed {
        let fact = policy.fact(*f);
        let v = interpretation
            .request
            .get(*f)
            .map(|v| fact.show(v))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "{bullet}assumed {} = {v} (the only value the vocabulary allows)",
            fact.name
        );
    }
    for f in &interpretation.answered {
        let fact = policy.fact(*f);
        let v = interpretation
            .request
            .get(*f)
            .map(|v| fact.show(v))
            .unwrap_or_default();
        let _ = writeln!(out, "{bullet}answered {} = {v}", fact.name);
    }
    if !interpretation.ignored.is_empty() {
        let _ = writeln!(
            out,
            "{bullet}not understood, ignored: {}",
            interpretation.ignored.join(", ")
        );
    }
    readings(&mut out, policy, decision, style);
    out
}

/// **Readings**: the interpretive choices the answer relies on
/// ([`crate::explain::readings`]), one line each.
fn readings(out: &mut String, policy: &Policy, decision: &Decision, style: Style) {
    let readings = crate::explain::readings(policy, decision);
    if readings.is_empty() {
        return;
    }
    let (heading, bullet) = match style {
        Style::Markdown => ("\n## Readings\n".to_string(), "- "),
        Style::Plain => ("\nREADINGS\n────────\n".to_string(), "  "),
    };
    let _ = writeln!(out, "{heading}");
    for r in &readings {
        let _ = writeln!(
            out,
            "{bullet}This answer relies on a reading: {} ({}).",
            r.text, r.cite
        );
    }
}

/// What would change a decided answer, in the words of the explanation
/// ([`crate::explain::counterfactual_sentence`]).
fn counterfactuals(
    out: &mut String,
    interpretation: &Interpretation,
    decision: &Decision,
    heading: &dyn Fn(&mut String, &str),
) {
    let policy = &interpretation.policy;
    let found = crate::explain::counterfactuals_of(policy, decision, &interpretation.request);
    heading(out, "What would change the answer");
    for c in &found.found {
        let _ = writeln!(
            out,
            "- {}.",
            crate::explain::counterfactual_sentence(policy, c)
        );
    }
    if found.found.is_empty() && !found.cut_off {
        let _ = writeln!(out, "- {}.", crate::explain::NO_COUNTERFACTUAL);
    }
    if found.cut_off {
        let _ = writeln!(
            out,
            "- {}.",
            crate::explain::counterfactuals_cut_off_sentence()
        );
    }
    out.push('\n');
}

/// Every cite the memo refers to, in order of first appearance: the numbered sources.
fn sources(policy: &Policy, decision: &Decision) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut add = |s: &str| {
        if !out.iter().any(|x| x == s) {
            out.push(s.to_string());
        }
    };
    for leaf in provisions(decision) {
        add(policy.cite_of(leaf));
    }
    for &o in decision
        .obligations
        .iter()
        .chain(decision.cases.iter().flat_map(|c| c.obligations.iter()))
    {
        if let Some(ob) = policy.obligations.get(o as usize) {
            add(&ob.cite.full);
        }
    }
    out
}

/// The deciding provisions of the decision or of its cases, in order of first appearance.
fn provisions(decision: &Decision) -> Vec<LeafId> {
    let mut out: Vec<LeafId> = Vec::new();
    let all = decision
        .cites
        .iter()
        .chain(decision.cases.iter().flat_map(|c| c.cites.iter()));
    for l in all {
        if !out.contains(l) {
            out.push(*l);
        }
    }
    out
}

fn nearest_title(policy: &Policy, leaf: LeafId) -> Option<String> {
    let mut node = Some(policy.leaf(leaf).node);
    while let Some(n) = node {
        if let Some(t) = &policy.node(n).title {
            return Some(t.clone());
        }
        node = policy.node(n).parent;
    }
    None
}

/// The catchline of the statute section a cite falls in, if the text has one.
fn section_title(policy: &Policy, cite: &str) -> Option<String> {
    let node = policy.nodes.iter().find(|n| n.cite.full == cite)?;
    let mut sub = node.cite.subsection?;
    loop {
        let s = policy.statute.text.get(sub);
        if let Some(t) = &s.title {
            return Some(t.clone());
        }
        sub = s.parent?;
    }
}

fn jurisdiction_name(policy: &Policy) -> String {
    policy
        .terms
        .iter()
        .filter(|t| t.meaning.is_none())
        .flat_map(|t| t.phrases.iter())
        .find(|p| p.len() > 2 && !p.contains(' '))
        .map(|p| capitalize(p))
        .unwrap_or_else(|| policy.jurisdiction.clone())
}

/// An outcome in words.
pub fn outcome_words(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Required => "required (must be done)",
        Outcome::Permitted => "permitted",
        Outcome::Prohibited => "not permitted",
        Outcome::NotAddressed => "not addressed by the available text",
        Outcome::Undetermined => "undetermined",
        Outcome::Conflict => "in conflict between provisions (treat as not permitted)",
    }
}

/// A fact in words: its meaning.
fn fact_words(policy: &Policy, fact: FactId) -> String {
    let f = policy.fact(fact);
    format!("{} ({})", f.meaning, f.name)
}

/// A case condition in words.
fn condition_words(policy: &Policy, fact: FactId, value: &CaseValue) -> String {
    let f = policy.fact(fact);
    match (&f.ty, value) {
        (Type::Bool, CaseValue::Value(crate::value::Value::Bool(b))) => {
            if *b {
                f.meaning.clone()
            } else {
                format!("it is not the case that {}", f.meaning)
            }
        }
        (Type::Enum(_), _) => format!(
            "{} is {}",
            f.name,
            value.describe(policy, fact).replace('_', " ")
        ),
        _ => format!("{} {}", f.name, value.describe(policy, fact)),
    }
}

fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{}, and {last}", init.join(", ")),
    }
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}
