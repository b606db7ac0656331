//! The answer as a lawyer's memo: **Short answer**, **When it depends** (the case split,
//! simplified), **What we would need to know**, **What would change the answer**,
//! **Reasoning** per provision quoting the statute, numbered **Sources**, **Readings relied
//! on**, **Jurisdiction**, and, when asked, how the question was read. Every sentence comes
//! from the decision, the policy or the statute text, worded from the vocabulary's
//! meanings and member labels: nothing is written that a provision does not say.

use super::Interpretation;
use crate::eval::{CaseValue, Decision, Outcome};
use crate::ir::{FactId, LeafId, Policy, Type};
use std::fmt::Write as _;

mod tree;
mod words;

use tree::{Node, Tree};
use words::{capitalize, condition_words, join_or, need_words};

/// Markdown or plain terminal text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// For a terminal or a file.
    Plain,
    /// Markdown.
    Markdown,
}

/// How the memo is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Options {
    /// Plain text or markdown.
    pub style: Style,
    /// Whether to add "How the question was read" (`--explain-reading`).
    pub show_reading: bool,
}

impl Options {
    /// Plain text, without how the question was read.
    pub const PLAIN: Options = Options {
        style: Style::Plain,
        show_reading: false,
    };
}

/// How many lines the "When it depends" tree may take before finer distinctions fold.
const TREE_LINES: usize = 30;

/// How deep the tree is shown before finer distinctions fold.
const TREE_DEPTH: usize = 8;

/// The numbered sources: every cite the memo refers to, in order of first appearance.
struct Sources(Vec<String>);

impl Sources {
    fn add(&mut self, cite: &str) -> usize {
        match self.0.iter().position(|c| c == cite) {
            Some(i) => i + 1,
            None => {
                self.0.push(cite.to_string());
                self.0.len()
            }
        }
    }

    /// `OAR 860-086-0030(3)(a) [1]`, for each provision, joined with `and`.
    fn refs(&mut self, policy: &Policy, leaves: &[LeafId]) -> String {
        let cites: Vec<String> = leaves
            .iter()
            .map(|l| {
                let cite = policy.cite_of(*l);
                format!("{cite} [{}]", self.add(cite))
            })
            .collect();
        words::join_and(&cites)
    }
}

/// What the memo is written from.
struct Memo<'a> {
    interpretation: &'a Interpretation,
    policy: &'a Policy,
    decision: &'a Decision,
    markdown: bool,
    sources: Sources,
    /// Readings relied on by the answers of [`related_acts`], shown with the memo's own.
    related_readings: Vec<crate::explain::ReadingUsed>,
    out: String,
}

impl Memo<'_> {
    fn heading(&mut self, text: &str) {
        if self.markdown {
            let _ = writeln!(self.out, "## {text}\n");
        } else {
            let _ = writeln!(
                self.out,
                "{}\n{}\n",
                text.to_uppercase(),
                "─".repeat(text.chars().count())
            );
        }
    }

    fn bullet(&self) -> &'static str {
        if self.markdown {
            "- "
        } else {
            "  "
        }
    }
}

/// Renders the memo.
pub fn render(interpretation: &Interpretation, decision: &Decision, options: Options) -> String {
    let policy = &*interpretation.policy;
    let mut memo = Memo {
        interpretation,
        policy,
        decision,
        markdown: options.style == Style::Markdown,
        sources: Sources(Vec::new()),
        related_readings: Vec::new(),
        out: String::new(),
    };
    // The provisions that decide are numbered first, in the order they decide.
    for leaf in provisions(decision) {
        memo.sources.add(policy.cite_of(leaf));
    }
    if memo.markdown {
        let _ = writeln!(memo.out, "**Question:** {}\n", interpretation.question);
    } else {
        let _ = writeln!(memo.out, "Question: {}\n", interpretation.question);
    }
    let tree = (decision.outcome == Outcome::Undetermined).then(|| Tree::of(policy, decision));

    memo.heading("Short answer");
    let short = match &tree {
        Some(tree) => undetermined_answer(&mut memo, tree),
        None => decided_answer(&mut memo),
    };
    let _ = writeln!(memo.out, "{short}\n");
    if let Some(note) = unencoded_note(&jurisdiction_name(policy), &interpretation.unencoded) {
        let _ = writeln!(memo.out, "{note}\n");
    }

    match &tree {
        Some(tree) => {
            when_it_depends(&mut memo, tree);
            need_to_know(&mut memo, tree);
        }
        None => {
            related_acts(&mut memo);
            what_would_change(&mut memo);
        }
    }
    reasoning(&mut memo);
    sources(&mut memo);
    readings(&mut memo);
    jurisdiction(&mut memo);
    if options.show_reading {
        how_read(&mut memo);
    }
    memo.out.truncate(memo.out.trim_end().len());
    memo.out.push('\n');
    memo.out
}

/// What an answer says of the states a question names whose law is not encoded: that it
/// answers for `answered` only.
pub fn unencoded_note(answered: &str, unencoded: &[String]) -> Option<String> {
    if unencoded.is_empty() {
        return None;
    }
    let names = unencoded.join(" or ");
    Some(format!(
        "This answers for {answered} only: the question also names {}, and no law of {names} is encoded.",
        unencoded.join(" and ")
    ))
}

/// The short answer alone, with the sources it refers to (numbered from 1), and the name of
/// the jurisdiction: what a survey ([`crate::ask::survey`]) shows for each jurisdiction.
pub fn short_answer(
    interpretation: &Interpretation,
    decision: &Decision,
    style: Style,
) -> (String, Vec<String>) {
    let policy = &*interpretation.policy;
    let mut memo = Memo {
        interpretation,
        policy,
        decision,
        markdown: style == Style::Markdown,
        sources: Sources(Vec::new()),
        related_readings: Vec::new(),
        out: String::new(),
    };
    for leaf in provisions(decision) {
        memo.sources.add(policy.cite_of(leaf));
    }
    let mut short = if decision.outcome == Outcome::Undetermined {
        let tree = Tree::of(policy, decision);
        undetermined_answer(&mut memo, &tree).replace(" (see below)", "")
    } else {
        decided_answer(&mut memo)
    };
    if let Some((intro, lines)) = related_act_lines(&mut memo) {
        let _ = write!(short, "\n\n{intro}\n");
        for line in lines {
            let _ = write!(short, "\n{line}");
        }
    }
    (short, memo.sources.0)
}

/// The jurisdiction's name as answers give it (`California`).
pub fn jurisdiction_of(policy: &Policy) -> String {
    jurisdiction_name(policy)
}

// ------------------------------------------------------------------ short answer

/// The short answer of a decided question: the outcome and what decides it, what it is
/// subject to, and the nearest change of circumstances that would change it.
fn decided_answer(memo: &mut Memo) -> String {
    let (policy, decision) = (memo.policy, memo.decision);
    let every = decision.cites_in_every_case();
    let some: Vec<LeafId> = decision
        .cites
        .iter()
        .copied()
        .filter(|l| !every.contains(l))
        .collect();
    let deciding = memo.sources.refs(policy, &every);
    let verb = |one: &str, many: &str| if every.len() == 1 { one } else { many }.to_string();
    // With no provision deciding in every case, the answer's word stands alone and the
    // provisions follow as what decides, depending on the facts.
    let (lead, act) = match decision.outcome {
        Outcome::Prohibited => ("No.", verb("bars", "bar")),
        Outcome::Permitted => ("Yes.", verb("permits", "permit")),
        Outcome::Required => ("Yes, and it is required.", verb("requires", "require")),
        Outcome::Conflict => ("Treat it as not permitted.", "conflict over".to_string()),
        _ => ("", String::new()),
    };
    let mut text = match decision.outcome {
        Outcome::NotAddressed => {
            match crate::eval::out_of_scope(policy, decision).filter(|leaf| every.contains(leaf)) {
                Some(leaf) => format!(
                    "No answer under this law: the {} does not apply: {} ({}).",
                    policy.title,
                    crate::explain::human::scope_reason(policy, leaf),
                    memo.sources.refs(policy, &[leaf])
                ),
                None if policy
                    .markers
                    .iter()
                    .any(|m| m.kind == crate::ast::MarkerKind::NotAvailable) =>
                {
                    format!(
                        "The encoded law does not address this: no provision of the {} in the \
                         text available decides it.",
                        policy.title
                    )
                }
                // The whole text is encoded: the law itself is silent on the question.
                None => format!(
                    "The encoded law does not address this: no provision of the {} decides it.",
                    policy.title
                ),
            }
        }
        _ if every.is_empty() => lead.to_string(),
        _ => format!("{lead} {deciding} {act} it."),
    };
    if every.is_empty() && !some.is_empty() {
        let _ = write!(
            text,
            " Depending on facts the question does not give, {} {}.",
            memo.sources.refs(policy, &some),
            if decision.outcome == Outcome::NotAddressed {
                format!("put it outside the {}", policy.title)
            } else {
                "decide it".to_string()
            }
        );
    }
    let obligations: Vec<String> = decision
        .obligations
        .iter()
        .filter_map(|&o| policy.obligations.get(o as usize))
        .map(|ob| {
            format!(
                "{} ({} [{}])",
                ob.text,
                ob.cite.full,
                memo.sources.add(&ob.cite.full)
            )
        })
        .collect();
    if !obligations.is_empty() {
        let _ = write!(text, " Subject to: {}.", obligations.join("; "));
    }
    if decision.outcome == Outcome::NotAddressed {
        return text;
    }
    let found = crate::explain::counterfactuals_of(policy, decision, &memo.interpretation.request);
    // The change that leads to the most different answer first: a permission where the
    // answer bars, a bar where it permits.
    let rank = |o: Outcome| match (decision.outcome, o) {
        (Outcome::Prohibited | Outcome::Conflict, Outcome::Permitted | Outcome::Required) => 0,
        (Outcome::Permitted | Outcome::Required, Outcome::Prohibited) => 0,
        _ => 1,
    };
    let nearest = found
        .found
        .iter()
        .min_by_key(|c| (rank(c.outcome), c.changes.len()));
    match nearest {
        Some(c) => {
            let _ = write!(
                text,
                " It would be otherwise — {} — if {}.",
                words::outcome_words(c.outcome),
                change_words(memo, c)
            );
        }
        None if !found.cut_off => {
            text.push_str(" Nothing the question leaves open changes that.");
        }
        None => {}
    }
    text
}

/// **What this law does address**: for a question the law does not address, the other
/// acts of the vocabulary's `action` that it does govern for the same data, purpose and
/// parties — each answered in one short paragraph — so that a client learns what needs
/// consent and what is barred outright, not only that this one act is not governed. An act
/// is shown when its answer is the same whatever the question leaves open, or when the
/// provisions that decide it read a fact the question itself gives (its data, its purpose).
fn related_acts(memo: &mut Memo) {
    let Some((intro, lines)) = related_act_lines(memo) else {
        return;
    };
    memo.heading("What this law does address");
    let _ = writeln!(memo.out, "{intro}\n");
    for line in lines {
        let _ = writeln!(memo.out, "{line}");
    }
    memo.out.push('\n');
}

/// The introduction and one line per related act ([`related_acts`]), if any.
fn related_act_lines(memo: &mut Memo) -> Option<(String, Vec<String>)> {
    let (policy, interpretation) = (memo.policy, memo.interpretation);
    if memo.decision.outcome != Outcome::NotAddressed
        || crate::eval::out_of_scope(policy, memo.decision).is_some()
    {
        return None;
    }
    let action = policy.fact_id("action")?;
    let Some(&crate::value::Value::Enum(asked)) = interpretation.request.get(action) else {
        return None;
    };
    // The facts the question gives about the data and its purpose (who acts is the same in
    // every act, so it shows no act to be related).
    let given: Vec<FactId> = interpretation
        .first_mention
        .iter()
        .copied()
        .filter(|f| *f != action && Some(*f) != policy.fact_id("actor"))
        .collect();
    let members = policy.fact(action).ty.members().len();
    let mut lines: Vec<String> = Vec::new();
    for member in 0..members {
        if member == usize::from(asked) {
            continue;
        }
        let mut sub = interpretation.clone();
        sub.request
            .assume(action, crate::value::Value::Enum(member as u8));
        // The ordinary case of what the question leaves open: a fact with a default takes it
        // (no legal ground given, nothing the customer did), as a request would.
        for (i, fact) in policy.facts.iter().enumerate() {
            let id = FactId(i as u32);
            if let Some(default) = &fact.default {
                if sub.request.get(id).is_none() && sub.request.restriction(id).is_none() {
                    sub.request.assume(id, default.clone());
                }
            }
        }
        let decision = super::decide(&sub);
        let leaves: Vec<LeafId> = decision
            .cites
            .iter()
            .chain(decision.cases.iter().flat_map(|c| c.cites.iter()))
            .copied()
            .filter(|l| policy.leaf(*l).effect != crate::ast::EffectKind::OutOfScope)
            .collect();
        if leaves.is_empty() {
            continue;
        }
        let reads_given = leaves.iter().any(|l| {
            let leaf = policy.leaf(*l);
            leaf.conjuncts
                .iter()
                .map(|c| c.expr)
                .chain(leaf.only_if.map(|(e, _)| e))
                .any(|e| policy.facts_in(e).iter().any(|f| given.contains(f)))
        });
        let settled = decision.outcome != Outcome::Undetermined;
        let everywhere = settled
            && decision
                .cases
                .iter()
                .all(|c| c.outcome != Outcome::NotAddressed);
        if !(everywhere || reads_given) {
            continue;
        }
        let mut m = Memo {
            interpretation: &sub,
            policy,
            decision: &decision,
            markdown: memo.markdown,
            sources: Sources(std::mem::take(&mut memo.sources.0)),
            related_readings: Vec::new(),
            out: String::new(),
        };
        let short = if settled {
            decided_answer(&mut m)
        } else {
            let tree = Tree::of(policy, &decision);
            let mut text = undetermined_answer(&mut m, &tree).replace(" (see below)", "");
            if !text.contains('[') {
                let cites: Vec<LeafId> = decision
                    .cases
                    .iter()
                    .flat_map(|c| c.cites.iter().copied())
                    .fold(Vec::new(), |mut all, l| {
                        if !all.contains(&l) {
                            all.push(l);
                        }
                        all
                    });
                let _ = write!(text, " Decided by {}.", m.sources.refs(policy, &cites));
            }
            text
        };
        memo.sources.0 = m.sources.0;
        for r in crate::explain::readings(policy, &decision) {
            if !memo.related_readings.iter().any(|u| u.span == r.span) {
                memo.related_readings.push(r);
            }
        }
        lines.push(format!(
            "{}{}: {short}",
            memo.bullet(),
            capitalize(&words::member_words(policy, action, member))
        ));
    }
    if lines.is_empty() {
        return None;
    }
    let intro = format!(
        "The {} does not govern {}, but it governs these other acts with the same data:",
        policy.title,
        words::member_words(policy, action, usize::from(asked))
    );
    Some((intro, lines))
}

/// **What would change the answer**: every change of circumstances the search found
/// ([`crate::explain::counterfactuals_of`], as the explanation shows them), in words.
fn what_would_change(memo: &mut Memo) {
    let (policy, decision) = (memo.policy, memo.decision);
    if decision.outcome == Outcome::NotAddressed {
        return;
    }
    let found = crate::explain::counterfactuals_of(policy, decision, &memo.interpretation.request);
    memo.heading("What would change the answer");
    for c in &found.found {
        let line = format!(
            "- {} if {}.",
            capitalize(words::outcome_words(c.outcome)),
            change_words(memo, c)
        );
        let _ = writeln!(memo.out, "{line}");
    }
    if found.found.is_empty() && !found.cut_off {
        let _ = writeln!(
            memo.out,
            "- {}.",
            capitalize(crate::explain::NO_COUNTERFACTUAL)
        );
    }
    if found.cut_off {
        let _ = writeln!(
            memo.out,
            "- {}.",
            capitalize(&crate::explain::counterfactuals_cut_off_sentence())
        );
    }
    memo.out.push('\n');
}

/// A counterfactual's changes in words, with the provisions that would then decide.
fn change_words(memo: &mut Memo, c: &crate::eval::Counterfactual) -> String {
    let policy = memo.policy;
    let changes: Vec<String> = c
        .changes
        .iter()
        .map(|(f, v)| condition_words(policy, *f, v))
        .collect();
    let cites: Vec<String> = crate::eval::cites_of(policy, &c.cites, &c.definitions)
        .into_iter()
        .map(|cite| format!("{cite} [{}]", memo.sources.add(cite)))
        .collect();
    format!(
        "{}{}",
        words::join_and(&changes),
        if cites.is_empty() {
            String::new()
        } else {
            format!(" ({})", cites.join(", "))
        }
    )
}

/// The short answer of a question whose answer depends on facts it does not give: each
/// situation when there are few, else the conditions that allow the act, else what it
/// chiefly turns on; then what the encoded law does not cover.
fn undetermined_answer(memo: &mut Memo, tree: &Tree) -> String {
    let policy = memo.policy;
    let leaves = tree.covered_leaves();
    let mut outcomes: Vec<(Outcome, usize)> = Vec::new();
    for (_, node) in &leaves {
        match outcomes.iter_mut().find(|(o, _)| *o == node.outcome) {
            Some((_, n)) => *n += 1,
            None => outcomes.push((node.outcome, 1)),
        }
    }
    let path_words = |path: &tree::Path| -> String {
        let conditions: Vec<String> = path
            .iter()
            .map(|(f, v)| condition_words(policy, *f, v))
            .collect();
        words::join_and(&conditions)
    };
    let few = leaves.len() <= 3 && leaves.iter().all(|(path, _)| path.len() <= 3);
    let uncovered = tree.uncovered();
    let mut text = match outcomes.as_slice() {
        [] => "The encoded law does not address this in any of the situations the question \
               leaves open."
            .to_string(),
        [(only, _)] => format!(
            "{}, whatever the facts the question leaves open{}.",
            capitalize(words::outcome_words(*only)),
            if uncovered.is_empty() {
                ""
            } else {
                ", where the encoded law covers it"
            }
        ),
        _ if few => {
            let situations: Vec<String> = leaves
                .iter()
                .map(|(path, node)| {
                    let deciding = deciders(memo, node);
                    format!(
                        "{} if {}{}",
                        words::outcome_words(node.outcome),
                        path_words(path),
                        if deciding.is_empty() {
                            String::new()
                        } else {
                            format!(" ({deciding})")
                        }
                    )
                })
                .collect();
            format!("It depends: {}.", situations.join("; "))
        }
        _ => match only_if(memo, &leaves, !uncovered.is_empty()) {
            Some(text) => text,
            None => {
                let facts: Vec<String> = tree
                    .facts()
                    .iter()
                    .take(2)
                    .map(|f| words::topic(policy, *f))
                    .collect();
                let counts: Vec<String> = outcomes
                    .iter()
                    .map(|(o, n)| format!("{} in {n}", words::outcome_words(*o)))
                    .collect();
                format!(
                    "It depends, chiefly on {}{}. Of the {} situations below, the answer is {}.",
                    words::join_and(&facts),
                    if tree.facts().len() > 2 {
                        " and further facts"
                    } else {
                        ""
                    },
                    leaves.len(),
                    words::join_and(&counts)
                )
            }
        },
    };
    match uncovered.as_slice() {
        [] => {}
        [path] => {
            let _ = write!(
                text,
                " The encoded law does not cover it if {}.",
                path_words(path)
            );
        }
        more => {
            let _ = write!(
                text,
                " The encoded law does not cover {} of the situations (see below).",
                more.len()
            );
        }
    }
    text
}

/// The provisions that decide a leaf: those of every situation it stands for, else "X or
/// Y, depending on the situation".
fn deciders(memo: &mut Memo, node: &Node) -> String {
    let policy = memo.policy;
    if node.every.is_empty() && node.some.is_empty() {
        String::new()
    } else if node.every.is_empty() {
        let cites: Vec<String> = node
            .some
            .iter()
            .map(|l| {
                let cite = policy.cite_of(*l);
                format!("{cite} [{}]", memo.sources.add(cite))
            })
            .collect();
        format!("{}, depending on the situation", join_or(&cites))
    } else {
        memo.sources.refs(policy, &node.every)
    }
}

/// "Permitted only if A and B; even then it depends on further facts. Otherwise not
/// permitted.": the conditions every situation that allows the act shares, when there are
/// some.
fn only_if(memo: &mut Memo, leaves: &[(tree::Path, &Node)], not_covered: bool) -> Option<String> {
    let policy = memo.policy;
    let allows = |o: Outcome| matches!(o, Outcome::Permitted | Outcome::Required);
    let yes: Vec<&(tree::Path, &Node)> = leaves.iter().filter(|(_, n)| allows(n.outcome)).collect();
    let no: Vec<&(tree::Path, &Node)> = leaves.iter().filter(|(_, n)| !allows(n.outcome)).collect();
    let (first, _) = yes.first()?;
    if no.is_empty() {
        return None;
    }
    let common: Vec<&(FactId, CaseValue)> = first
        .iter()
        .filter(|c| yes.iter().all(|(path, _)| path.contains(c)))
        .collect();
    if common.is_empty() {
        return None;
    }
    let mut outcomes: Vec<Outcome> = Vec::new();
    for (_, n) in &yes {
        if !outcomes.contains(&n.outcome) {
            outcomes.push(n.outcome);
        }
    }
    let said: Vec<&str> = outcomes.iter().map(|o| words::outcome_words(*o)).collect();
    let conditions: Vec<String> = common
        .iter()
        .map(|(f, v)| condition_words(policy, *f, v))
        .collect();
    let still_open = no
        .iter()
        .any(|(path, _)| common.iter().all(|c| path.contains(c)));
    let mut no_outcomes: Vec<&str> = Vec::new();
    for (_, n) in &no {
        let w = words::outcome_words(n.outcome);
        if !no_outcomes.contains(&w) {
            no_outcomes.push(w);
        }
    }
    let other = if not_covered {
        "In every other situation the encoded law covers"
    } else {
        "In every other situation"
    };
    Some(format!(
        "{} only if {}{}. {other}, it is {}.",
        capitalize(&join_or(&said)),
        words::join_and(&conditions),
        if still_open {
            "; even then, it depends on further facts"
        } else {
            ""
        },
        join_or(&no_outcomes)
    ))
}

// ------------------------------------------------------------------ when it depends

fn when_it_depends(memo: &mut Memo, tree: &Tree) {
    memo.heading("When it depends");
    let mut lines = 0;
    let mut folded = 0;
    if let Some(root) = &tree.root {
        tree_lines(memo, root, 0, &mut lines, &mut folded);
    }
    if !tree.not_covered.is_empty() {
        let _ = writeln!(memo.out, "\nNot covered by the encoded law:");
        for (path, node) in &tree.not_covered {
            let conditions: Vec<String> = path
                .iter()
                .map(|(f, v)| condition_words(memo.policy, *f, v))
                .collect();
            let reason = node
                .every
                .iter()
                .find(|l| memo.policy.leaf(**l).effect == crate::ast::EffectKind::OutOfScope)
                .map(|l| {
                    format!(
                        ": the {} does not apply — {}",
                        memo.policy.title,
                        memo.sources.refs(memo.policy, &[*l])
                    )
                })
                .unwrap_or_default();
            let _ = writeln!(memo.out, "- if {}{reason}", words::join_and(&conditions));
        }
    }
    if folded > 0 {
        let _ = writeln!(
            memo.out,
            "\n{folded} finer {} folded; `juris ask --interactive` asks for the facts one at a \
             time.",
            if folded == 1 {
                "distinction is"
            } else {
                "distinctions are"
            }
        );
    }
    memo.out.push('\n');
}

fn tree_lines(memo: &mut Memo, node: &Node, depth: usize, lines: &mut usize, folded: &mut usize) {
    let indent = "  ".repeat(depth);
    let Some((fact, branches)) = &node.split else {
        return;
    };
    let bool_pair = matches!(memo.policy.fact(*fact).ty, Type::Bool) && branches.len() == 2;
    for (i, (value, child)) in branches.iter().enumerate() {
        let condition = if bool_pair && i == 1 {
            "Otherwise".to_string()
        } else {
            format!("If {}", condition_words(memo.policy, *fact, value))
        };
        *lines += 1;
        if child.split.is_none() {
            let leaf = leaf_words(memo, child);
            let _ = writeln!(memo.out, "{indent}- {condition}: {leaf}.");
        } else if depth + 1 >= TREE_DEPTH || *lines >= TREE_LINES {
            let outcomes: Vec<&str> = child
                .outcomes()
                .into_iter()
                .map(words::outcome_words)
                .collect();
            *folded += child.leaf_count();
            let _ = writeln!(
                memo.out,
                "{indent}- {condition}: {}, depending on further facts.",
                join_or(&outcomes)
            );
        } else {
            let _ = writeln!(memo.out, "{indent}- {condition}:");
            tree_lines(memo, child, depth + 1, lines, folded);
        }
    }
}

/// A leaf of the tree: its outcome, the provisions that decide it in every situation it
/// stands for, those that decide only in some, and its obligations.
fn leaf_words(memo: &mut Memo, node: &Node) -> String {
    let policy = memo.policy;
    let outcome = words::outcome_words(node.outcome);
    let outcome = if memo.markdown {
        format!("**{outcome}**")
    } else {
        outcome.to_string()
    };
    let mut text = outcome;
    let deciding = deciders(memo, node);
    if !deciding.is_empty() {
        let _ = write!(text, " — {deciding}");
    }
    if !node.every.is_empty() && !node.some.is_empty() {
        if node.some.len() <= 2 {
            let _ = write!(
                text,
                "; in some of these situations also {}",
                memo.sources.refs(policy, &node.some)
            );
        } else {
            let _ = write!(
                text,
                "; in some of these situations {} more provisions as well",
                node.some.len()
            );
        }
    }
    for &o in &node.obligations {
        if let Some(ob) = policy.obligations.get(o as usize) {
            let n = memo.sources.add(&ob.cite.full);
            let _ = write!(text, "; subject to: {} ({} [{n}])", ob.text, ob.cite.full);
        }
    }
    text
}

fn need_to_know(memo: &mut Memo, tree: &Tree) {
    let facts = tree.facts();
    if facts.is_empty() {
        return;
    }
    memo.heading("What we would need to know");
    for fact in facts {
        let values = tree.values_of(fact);
        let line = need_words(memo.policy, fact, &values);
        let _ = writeln!(memo.out, "- {line}");
    }
    memo.out.push('\n');
}

// ------------------------------------------------------------------ reasoning and the rest

fn reasoning(memo: &mut Memo) {
    let (policy, decision) = (memo.policy, memo.decision);
    let leaves = provisions(decision);
    if leaves.is_empty() {
        return;
    }
    memo.heading("Reasoning");
    let every = decision.cites_in_every_case();
    for leaf in leaves {
        let node = policy.node(policy.leaf(leaf).node);
        let title = nearest_title(policy, leaf)
            .map(|t| format!(" — {t}"))
            .unwrap_or_default();
        let n = memo.sources.add(&node.cite.full);
        if memo.markdown {
            let _ = writeln!(memo.out, "### {} [{n}]{title}\n", node.cite.full);
        } else {
            let _ = writeln!(memo.out, "{} [{n}]{title}", node.cite.full);
        }
        if let Some(quote) = policy.quote(&node.cite) {
            if memo.markdown {
                let _ = writeln!(memo.out, "> {quote}\n");
            } else {
                let _ = writeln!(memo.out, "  “{quote}”");
            }
        }
        let role = match decision.outcome {
            Outcome::Undetermined => {
                let mut outcomes: Vec<&str> = Vec::new();
                for case in decision.cases.iter().filter(|c| c.cites.contains(&leaf)) {
                    let w = words::outcome_verb(case.outcome);
                    if !outcomes.contains(&w) {
                        outcomes.push(w);
                    }
                }
                format!(
                    "In the situations above that cite it, it {}.",
                    join_or(&outcomes)
                )
            }
            outcome if every.contains(&leaf) => {
                if policy.leaf(leaf).effect == crate::ast::EffectKind::OutOfScope {
                    format!("It puts the question outside the {}.", policy.title)
                } else {
                    format!("Here it {}.", words::outcome_verb(outcome))
                }
            }
            outcome => format!(
                "Where it applies (on facts the question does not give), it {} as well.",
                words::outcome_verb(outcome)
            ),
        };
        let prefix = if memo.markdown { "" } else { "  " };
        let _ = writeln!(memo.out, "{prefix}{role}\n");
    }
}

fn sources(memo: &mut Memo) {
    let policy = memo.policy;
    let cites = std::mem::take(&mut memo.sources.0);
    if cites.is_empty() {
        return;
    }
    memo.heading("Sources");
    for (i, cite) in cites.iter().enumerate() {
        let section = section_title(policy, cite);
        let _ = writeln!(
            memo.out,
            "{}[{}] {cite}, {}{}",
            if memo.markdown { "- " } else { "" },
            i + 1,
            policy.title,
            section.map(|s| format!(" — “{s}”")).unwrap_or_default()
        );
    }
    memo.out.push('\n');
    memo.sources.0 = cites;
}

/// **Readings relied on**: the interpretive choices the answer relies on
/// ([`crate::explain::readings`]), one line each.
fn readings(memo: &mut Memo) {
    let mut readings = crate::explain::readings(memo.policy, memo.decision);
    for r in std::mem::take(&mut memo.related_readings) {
        if !readings.iter().any(|u| u.span == r.span) {
            readings.push(r);
        }
    }
    if readings.is_empty() {
        return;
    }
    memo.heading("Readings relied on");
    for r in &readings {
        let _ = writeln!(memo.out, "- {} ({}).", capitalize(&r.text), r.cite);
    }
    memo.out.push('\n');
}

fn jurisdiction(memo: &mut Memo) {
    let policy = memo.policy;
    memo.heading("Jurisdiction");
    let instrument = match policy
        .statute
        .text
        .roots()
        .first()
        .map(|r| &policy.statute.text.get(*r).path)
    {
        Some(path)
            if path
                .first()
                .is_some_and(|k| crate::statute::is_section_key(k)) =>
        {
            format!(
                "{} {} et seq.",
                policy.citation,
                crate::statute::section_number(&path[0])
            )
        }
        _ => policy.citation.clone(),
    };
    let _ = writeln!(
        memo.out,
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
}

/// How the question was read: the phrases understood, the facts assumed or answered, the
/// words left out (`--explain-reading`; always in the JSON answer).
fn how_read(memo: &mut Memo) {
    let (interpretation, policy) = (memo.interpretation, memo.policy);
    memo.heading("How the question was read");
    let bullet = memo.bullet();
    let mut lines = Vec::new();
    for u in &interpretation.understood {
        lines.push(format!("{bullet}“{}” → {}", u.words, u.means));
    }
    let value_of = |f: FactId| {
        interpretation
            .request
            .get(f)
            .map(|v| policy.fact(f).show(v))
            .unwrap_or_default()
    };
    for &f in &interpretation.assumed {
        lines.push(format!(
            "{bullet}assumed {} = {} (the only value the vocabulary allows)",
            policy.fact(f).name,
            value_of(f)
        ));
    }
    for &f in &interpretation.answered {
        lines.push(format!(
            "{bullet}answered {} = {}",
            policy.fact(f).name,
            value_of(f)
        ));
    }
    if !interpretation.ignored.is_empty() {
        lines.push(format!(
            "{bullet}not understood, ignored: {}",
            interpretation.ignored.join(", ")
        ));
    }
    for line in lines {
        let _ = writeln!(memo.out, "{line}");
    }
    memo.out.push('\n');
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
    words::outcome_words(outcome)
}
