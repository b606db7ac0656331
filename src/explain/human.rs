//! The explanation for people: the decision, then each deciding provision's policy source
//! with labels on its conditions and their values, the statute sentence it encodes (with a
//! second label on the statute text), the exceptions that fell, near misses, what would
//! change the answer, obligations, the facts given and the facts that mattered, — when
//! undetermined — the cases, and the readings the answer relies on.

use super::{explain, facts_in, ClauseValue, ProvisionView};
use crate::diagnostic::Colour;
use crate::eval::{Decision, Outcome, Tri};
use crate::ir::Policy;
use crate::request::{Origin, Request};
use crate::source::{SourceFile, Span};
use std::fmt::{self, Write as _};

/// How an explanation is drawn.
#[derive(Clone, Copy, Debug)]
pub struct Style {
    /// ANSI colour or plain.
    pub colour: Colour,
    /// Line width.
    pub width: usize,
}

impl Default for Style {
    fn default() -> Self {
        Style {
            colour: Colour::Plain,
            width: 100,
        }
    }
}

/// Renders a decision and its explanation for people.
pub fn render(policy: &Policy, decision: &Decision, request: &Request, style: Style) -> String {
    let explanation = explain(policy, decision, request);
    let mut out = String::new();
    let cites: Vec<&str> = crate::eval::cite_strings(policy, decision);
    match crate::eval::out_of_scope(policy, decision) {
        Some(leaf) => {
            let _ = writeln!(
                out,
                "NOT ADDRESSED: the {} does not apply: {}, {} — {}",
                policy.title,
                scope_reason(policy, leaf),
                policy.node(policy.leaf(leaf).node).cite.full,
                policy_line(policy)
            );
        }
        None => {
            let _ = writeln!(
                out,
                "{} — {}",
                headline(decision.outcome),
                policy_line(policy)
            );
        }
    }
    if decision.outcome != Outcome::Undetermined && !cites.is_empty() {
        let _ = writeln!(out, "cites: {}", cites.join(", "));
    }
    out.push('\n');
    if decision.outcome == Outcome::Undetermined {
        render_cases(&mut out, policy, decision);
    }
    for p in &explanation.deciding {
        let verb = match decision.outcome {
            Outcome::Conflict => "applies with",
            _ => "decides",
        };
        let message = format!(
            "{} {verb} `{}`{}",
            p.cite,
            super::effect_name(p.effect),
            p.title
                .as_ref()
                .map(|t| format!(" — {t}"))
                .unwrap_or_default()
        );
        // A generated provision may have thousands of conditions: the first are labelled,
        // the rest counted (each label costs a pass over the file to draw).
        let conditions = p.conditions.len() + usize::from(p.only_if.is_some());
        let labels = p
            .conditions
            .iter()
            .chain(p.only_if.iter())
            .take(MAX_LABELS)
            .map(|c| (c.span, label_for(policy, request, c)))
            .collect();
        // A rule that quotes its sentence shows that sentence as the law it encodes.
        let law = p.sentence.as_ref().or(p.statute.as_ref());
        out.push_str(&draw(
            &policy.source,
            message,
            labels,
            law.map(|s| format!("the law: {}", quote(s))),
            style,
        ));
        if conditions > MAX_LABELS {
            out.push_str(&format!(
                "  … and {} more conditions of {}, not labelled\n",
                conditions - MAX_LABELS,
                p.cite
            ));
        }
        if let Some((source, span, message)) = statute_note(policy, p) {
            let label = "the subsection this provision encodes".to_string();
            out.push_str(&draw(&source, message, vec![(span, label)], None, style));
        }
    }
    if !explanation.overridden.is_empty() {
        out.push_str("Exceptions applied:\n");
        for (p, by) in &explanation.overridden {
            let _ = writeln!(
                out,
                "  - {} ({}) would apply, but {by} overrides it  [{}]",
                p.cite,
                super::effect_name(p.effect),
                p.source
            );
        }
        out.push('\n');
    }
    if !explanation.near_misses.is_empty() {
        out.push_str("Why not otherwise:\n");
        for (p, failed) in &explanation.near_misses {
            let why = match exception(failed) {
                // An `unless C` clause fails when C holds.
                Some(c) => match facts_of(policy, request, failed) {
                    facts if facts.is_empty() => format!("the exception `{c}` applies"),
                    facts => format!("the exception `{c}` applies ({facts})"),
                },
                None => format!(
                    "`{}` is {}",
                    failed.text,
                    values_of(policy, request, failed)
                ),
            };
            let _ = writeln!(
                out,
                "  - {} would make it {}, but {why}  [{}]",
                p.cite,
                super::effect_name(p.effect),
                p.source
            );
        }
        if explanation.near_misses_left_out > 0 {
            let n = explanation.near_misses_left_out;
            let _ = writeln!(
                out,
                "  … and {n} more near {}",
                if n == 1 { "miss" } else { "misses" }
            );
        }
        out.push('\n');
    }
    if decision.outcome != Outcome::Undetermined {
        out.push_str("What would change the answer:\n");
        let found = &explanation.counterfactuals;
        for c in &found.found {
            let _ = writeln!(out, "  - {}", super::counterfactual_sentence(policy, c));
        }
        if found.found.is_empty() && !found.cut_off {
            let _ = writeln!(out, "  - {}", super::NO_COUNTERFACTUAL);
        }
        if found.cut_off {
            let _ = writeln!(out, "  … {}", super::counterfactuals_cut_off_sentence());
        }
        out.push('\n');
    }
    if !decision.obligations.is_empty() {
        out.push_str("Obligations:\n");
        for &o in &decision.obligations {
            if let Some(ob) = policy.obligations.get(o as usize) {
                let _ = writeln!(out, "  - {} ({})", ob.text, ob.cite.full);
            }
        }
        out.push('\n');
    }
    if !explanation.given.is_empty() {
        out.push_str("Facts given:\n");
        for f in &explanation.given {
            let fact = policy.fact(*f);
            let value = request.get(*f).map(|v| fact.show(v)).unwrap_or_default();
            let _ = writeln!(out, "  {} = {value}", fact.name);
        }
        out.push('\n');
    }
    if !explanation.facts.is_empty() {
        out.push_str("Facts that mattered:\n");
        for (f, origin) in &explanation.facts {
            let fact = policy.fact(*f);
            let value = request
                .get(*f)
                .map(|v| fact.show(v))
                .unwrap_or_else(|| "unknown".to_string());
            let origin = match origin {
                Origin::Given => "given",
                Origin::Default => "default",
                Origin::Unknown => "not given",
            };
            let _ = writeln!(out, "  {} = {value} ({origin})", fact.name);
        }
    }
    if decision.outcome == Outcome::Conflict {
        out.push_str(
            "\nThe provisions above apply with different outcomes and no exception orders them: \
             a drafting defect. Treat the act as not permitted.\n",
        );
    }
    render_readings(&mut out, policy, decision);
    out
}

/// Why a question is outside the instrument, in words: the scope provision's title
/// ("a municipal utility is not an electric utility").
pub fn scope_reason(policy: &Policy, leaf: crate::ir::LeafId) -> String {
    let node = policy.node(policy.leaf(leaf).node);
    match &node.title {
        Some(title) => {
            let mut c = title.chars();
            c.next()
                .map(|f| f.to_lowercase().collect::<String>() + c.as_str())
                .unwrap_or_default()
        }
        None => "the question is outside its scope".to_string(),
    }
}

/// The interpretive choices the answer relies on ([`super::readings`]), one line each.
fn render_readings(out: &mut String, policy: &Policy, decision: &Decision) {
    let readings = super::readings(policy, decision);
    if readings.is_empty() {
        return;
    }
    if !out.ends_with("\n\n") {
        out.push('\n');
    }
    for r in &readings {
        let _ = writeln!(
            out,
            "This answer relies on a reading: {} ({})",
            r.text, r.cite
        );
    }
}

fn headline(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Required => "REQUIRED: the act must be done",
        Outcome::Permitted => "PERMITTED: the act may be done",
        Outcome::Prohibited => "PROHIBITED: the act may not be done",
        Outcome::NotAddressed => "NOT ADDRESSED: no provision in scope speaks to this",
        Outcome::Undetermined => "UNDETERMINED: the answer depends on facts not given",
        Outcome::Conflict => "CONFLICT: provisions disagree and nothing orders them",
    }
}

fn policy_line(policy: &Policy) -> String {
    format!(
        "{} ({}), jurisdiction {}",
        policy.citation, policy.title, policy.jurisdiction
    )
}

fn render_cases(out: &mut String, policy: &Policy, decision: &Decision) {
    let names: Vec<&str> = decision
        .depends_on
        .iter()
        .map(|f| policy.fact(*f).name.as_str())
        .collect();
    let _ = writeln!(out, "It depends on: {}\n", names.join(", "));
    for (i, case) in decision.cases.iter().enumerate() {
        let when: Vec<String> = case
            .when
            .iter()
            .map(|(f, v)| {
                let d = v.describe(policy, *f);
                if d.starts_with(['<', '>', '=']) {
                    format!("{} {d}", policy.fact(*f).name)
                } else if d.starts_with("one of") {
                    format!("{} is {d}", policy.fact(*f).name)
                } else {
                    format!("{} = {d}", policy.fact(*f).name)
                }
            })
            .collect();
        let cites: Vec<&str> = case.cites.iter().map(|&l| policy.cite_of(l)).collect();
        let _ = writeln!(
            out,
            "  {}. if {}: {}{}",
            i + 1,
            when.join(" and "),
            case.outcome.as_str(),
            if cites.is_empty() {
                String::new()
            } else {
                format!(" ({})", cites.join(", "))
            }
        );
        for &o in &case.obligations {
            if let Some(ob) = policy.obligations.get(o as usize) {
                let _ = writeln!(out, "       obligation: {} ({})", ob.text, ob.cite.full);
            }
        }
    }
    out.push('\n');
}

fn quote(text: &str) -> String {
    format!("“{text}”")
}

/// How many conditions of one provision an explanation labels.
const MAX_LABELS: usize = 64;

/// The label on a clause: its value and the values of the facts it reads. An `unless C`
/// clause holds when its exception C does not apply: the label says whether C applies.
fn label_for(policy: &Policy, request: &Request, clause: &ClauseValue) -> String {
    if exception(clause).is_none() {
        return values_of(policy, request, clause);
    }
    let applies = match clause.value {
        Tri::True => "the exception does not apply",
        Tri::False => "the exception applies",
        Tri::Unknown => "whether the exception applies is unknown",
    };
    let facts = facts_of(policy, request, clause);
    if facts.is_empty() {
        applies.to_string()
    } else {
        format!("{applies} ({facts})")
    }
}

/// The exception of an `unless` clause (its text after `unless`); `None` for any other
/// clause.
fn exception(clause: &ClauseValue) -> Option<&str> {
    clause.text.strip_prefix("unless ")
}

/// A clause's value and the values of the facts it reads: `false (basis = none)`.
fn values_of(policy: &Policy, request: &Request, clause: &ClauseValue) -> String {
    let value = match clause.value {
        Tri::True => "true",
        Tri::False => "false",
        Tri::Unknown => "unknown",
    };
    let facts = facts_of(policy, request, clause);
    if facts.is_empty() {
        value.to_string()
    } else {
        format!("{value} ({facts})")
    }
}

/// The values of the facts a clause reads: `basis = none, recipient = contractor`.
fn facts_of(policy: &Policy, request: &Request, clause: &ClauseValue) -> String {
    let mut facts = Vec::new();
    // The facts a clause reads are those of its expression; find it by span.
    for (i, span) in policy.expr_spans.iter().enumerate() {
        if clause.span.start <= span.start && span.end <= clause.span.end {
            for f in facts_in(policy, crate::ir::ExprId(i as u32)) {
                if !facts.contains(&f) {
                    facts.push(f);
                }
            }
        }
    }
    let shown: Vec<String> = facts
        .iter()
        .map(|f| {
            let fact = policy.fact(*f);
            let v = request
                .get(*f)
                .map(|v| fact.show(v))
                .unwrap_or_else(|| "unknown".to_string());
            format!("{} = {v}", fact.name)
        })
        .collect();
    shown.join(", ")
}

/// A second report pointing into the statute text at the subsection's label.
fn statute_note(policy: &Policy, p: &ProvisionView) -> Option<(SourceFile, Span, String)> {
    let leaf = policy.leaf(p.leaf);
    let sub = policy.node(leaf.node).cite.subsection?;
    let s = policy.statute.text.get(sub);
    let end = s.own_text.end.max(s.label.end);
    Some((
        policy.statute.source.clone(),
        Span::new(s.label.start, end),
        format!("{} in {}", p.cite, policy.statute.source.name()),
    ))
}

fn draw(
    source: &SourceFile,
    message: String,
    labels: Vec<(Span, String)>,
    help: Option<String>,
    style: Style,
) -> String {
    let report = Report {
        named: source.clone(),
        len: source.text().len(),
        message,
        labels,
        help,
    };
    let theme = style.colour.theme();
    let handler = miette::GraphicalReportHandler::new_themed(theme)
        .with_width(style.width)
        .with_links(false)
        .with_context_lines(0);
    let mut out = String::new();
    if handler.render_report(&mut out, &report).is_err() {
        out = format!("{}\n", report.message);
    }
    out.push('\n');
    out
}

fn clamp(span: Span, len: usize) -> miette::SourceSpan {
    let start = (span.start as usize).min(len);
    let end = (span.end as usize).clamp(start, len);
    miette::SourceSpan::new(start.into(), end - start)
}

#[derive(Debug)]
struct Report {
    named: SourceFile,
    len: usize,
    message: String,
    labels: Vec<(Span, String)>,
    help: Option<String>,
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Report {}

impl miette::Diagnostic for Report {
    fn severity(&self) -> Option<miette::Severity> {
        Some(miette::Severity::Advice)
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.named)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        Some(Box::new(self.labels.iter().map(|(span, text)| {
            miette::LabeledSpan::new_with_span(Some(text.clone()), clamp(*span, self.len))
        })))
    }
}
