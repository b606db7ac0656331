//! Plain questions: mapping a question's words to a partial request through the terms a
//! policy declares, deterministically — no network, no model. The matcher says which words
//! it understood and which it ignored; a question it cannot place is refused with what is
//! missing, never guessed.

use crate::engine::Engine;
use crate::eval::{self, Decision, Outcome};
use crate::ir::{Expr, ExprId, FactId, Policy, Type};
use crate::request::Request;
use crate::value::Value;
use std::sync::Arc;

pub mod memo;

/// A phrase of the question the matcher understood.
#[derive(Clone, Debug, PartialEq)]
pub struct Understood {
    /// The words as they stand in the question.
    pub words: String,
    /// The term's meaning as written in the policy (`data is one of […]`), or
    /// `this policy` for words naming the instrument.
    pub means: String,
}

/// A question read against one policy.
#[derive(Clone, Debug)]
pub struct Interpretation {
    /// The question as asked.
    pub question: String,
    /// The policy the question is placed in.
    pub policy: Arc<Policy>,
    /// The phrases understood, in question order.
    pub understood: Vec<Understood>,
    /// The words ignored (common words left out).
    pub ignored: Vec<String>,
    /// Facts set because their enumeration has a single member (e.g. the only actor).
    pub assumed: Vec<FactId>,
    /// The partial request: what the words say; everything else unknown.
    pub request: Request,
    /// The facts the question's words set or restrict, in the order it mentions them.
    pub first_mention: Vec<FactId>,
    /// The facts answered interactively, in the order they were asked.
    pub answered: Vec<FactId>,
}

/// Why a question could not be placed.
#[derive(Clone, Debug, PartialEq)]
pub struct Unplaced {
    /// What is missing, in words (`a jurisdiction`, `an action`).
    pub missing: Vec<String>,
    /// What was understood anyway.
    pub understood: Vec<Understood>,
    /// Questions it can answer, one per loaded policy.
    pub examples: Vec<String>,
}

/// Words too common to report as ignored.
const STOPWORDS: &[&str] = &[
    "a", "an", "the", "i", "we", "you", "my", "our", "your", "it", "its", "is", "are", "be", "can",
    "could", "may", "might", "must", "should", "would", "will", "do", "does", "to", "of", "for",
    "in", "on", "with", "without", "and", "or", "what", "when", "how", "who", "whom", "which",
    "if", "there", "any", "this", "that", "these", "those", "me", "us", "they", "them", "their",
    "about", "from", "by", "at", "as", "under", "so",
];

/// Splits a question into lowercase words with their byte ranges in it.
fn words(question: &str) -> Vec<(String, usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in question.char_indices() {
        let part =
            c.is_alphanumeric() || c == '§' || c == '-' || c == '\'' || c == '.' && start.is_some();
        match (part, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                push_word(&mut out, question, s, i);
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        push_word(&mut out, question, s, question.len());
    }
    out
}

fn push_word(out: &mut Vec<(String, usize, usize)>, question: &str, start: usize, end: usize) {
    // A trailing full stop ends a sentence; keep it only inside abbreviations like "O.S.".
    let mut word = &question[start..end];
    let mut end = end;
    while word.ends_with('.') && word.matches('.').count() == 1 {
        word = &word[..word.len() - 1];
        end -= 1;
    }
    let word = word.trim_end_matches(['\'', '-']);
    if !word.is_empty() {
        out.push((
            word.to_lowercase(),
            start,
            start + word.len().min(end - start),
        ));
    }
}

/// The phrases of a policy's terms, as word lists, with the term index.
fn phrases(policy: &Policy) -> Vec<(Vec<String>, usize)> {
    let mut out = Vec::new();
    for (i, term) in policy.terms.iter().enumerate() {
        for phrase in &term.phrases {
            let ws: Vec<String> = words(phrase).into_iter().map(|(w, _, _)| w).collect();
            if !ws.is_empty() {
                out.push((ws, i));
            }
        }
    }
    // Longer phrases win over shorter ones.
    out.sort_by_key(|(phrase, _)| std::cmp::Reverse(phrase.len()));
    out
}

/// A term found in the question: (term index, first word, word count).
type Match = (usize, usize, usize);

/// Matches a policy's terms against the question's words: longest first, no overlaps.
/// Returns (term index, first word, word count) in question order.
fn matches(policy: &Policy, ws: &[(String, usize, usize)]) -> Vec<Match> {
    let mut taken = vec![false; ws.len()];
    let mut found = Vec::new();
    for (phrase, term) in phrases(policy) {
        let n = phrase.len();
        if n > ws.len() {
            continue;
        }
        for start in 0..=ws.len() - n {
            if taken[start..start + n].iter().any(|t| *t) {
                continue;
            }
            if ws[start..start + n]
                .iter()
                .zip(&phrase)
                .all(|((w, _, _), p)| w == p)
            {
                taken[start..start + n].iter_mut().for_each(|t| *t = true);
                found.push((term, start, n));
            }
        }
    }
    found.sort_by_key(|(_, start, _)| *start);
    found
}

/// Reads a question: places it in a jurisdiction by the words naming a policy, then maps
/// the policy's terms to a partial request. Every default of the vocabulary is left
/// unknown (a question is open: the answer says what it depends on), except facts whose
/// enumeration has a single member, which are set (and reported as assumed).
pub fn interpret(engine: &Engine, question: &str) -> Result<Interpretation, Unplaced> {
    let ws = words(question);
    let mut placed: Vec<(&Arc<Policy>, Vec<Match>)> = Vec::new();
    for policy in engine.policies() {
        let found = matches(policy, &ws);
        let names_policy = found
            .iter()
            .any(|(t, _, _)| policy.terms.get(*t).is_some_and(|t| t.meaning.is_none()));
        if names_policy {
            placed.push((policy, found));
        }
    }
    let examples: Vec<String> = engine
        .policies()
        .iter()
        .map(|p| example_question(p))
        .collect();
    let [(policy, found)] = placed.as_slice() else {
        let missing = if placed.is_empty() {
            vec!["a jurisdiction (name the state or the instrument)".to_string()]
        } else {
            vec![format!(
                "one jurisdiction: the question names several ({})",
                placed
                    .iter()
                    .map(|(p, _)| p.jurisdiction.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )]
        };
        return Err(Unplaced {
            missing,
            understood: Vec::new(),
            examples,
        });
    };
    let policy = Arc::clone(policy);
    let mut request = Request::empty(&policy);
    for (i, fact) in policy.facts.iter().enumerate() {
        if fact.default.is_some() {
            let _ = request.unset(&policy, &fact.name);
        }
        let _ = i;
    }
    let mut understood = Vec::new();
    let mut first_mention: Vec<FactId> = Vec::new();
    let mut used = vec![false; ws.len()];
    for &(term, start, n) in found {
        let Some(t) = policy.terms.get(term) else {
            continue;
        };
        used[start..start + n].iter_mut().for_each(|u| *u = true);
        let words = question[ws[start].1..ws[start + n - 1].2].to_string();
        let means = match t.meaning {
            None => "this policy".to_string(),
            Some(e) => {
                for f in crate::explain::facts_in(&policy, e) {
                    if !first_mention.contains(&f) {
                        first_mention.push(f);
                    }
                }
                apply(&policy, &mut request, e);
                crate::explain::clause_text(&policy, policy.expr_span(e))
            }
        };
        understood.push(Understood { words, means });
    }
    let mut assumed = Vec::new();
    for (i, fact) in policy.facts.iter().enumerate() {
        let id = FactId(i as u32);
        if let Type::Enum(m) = &fact.ty {
            if m.len() == 1 && request.get(id).is_none() {
                request.assume(id, Value::Enum(0));
                assumed.push(id);
            }
        }
    }
    let ignored: Vec<String> = ws
        .iter()
        .zip(&used)
        .filter(|((w, _, _), u)| !**u && !STOPWORDS.contains(&w.as_str()))
        .map(|((w, _, _), _)| w.clone())
        .collect();
    let action = policy.fact_id("action");
    let has_action =
        action.is_none_or(|a| request.get(a).is_some() || request.restriction(a).is_some());
    if !has_action {
        return Err(Unplaced {
            missing: vec![
                "an action (what is done with the information: use, share, transfer …)".to_string(),
            ],
            understood,
            examples,
        });
    }
    Ok(Interpretation {
        question: question.to_string(),
        policy,
        understood,
        ignored,
        assumed,
        request,
        first_mention,
        answered: Vec::new(),
    })
}

/// Applies a term's meaning to the request: a member sets the fact, several members
/// restrict it, a boolean sets it; conjunctions apply each part.
fn apply(policy: &Policy, request: &mut Request, e: ExprId) {
    match policy.expr(e) {
        Expr::And(parts) => {
            for p in parts.clone() {
                apply(policy, request, p);
            }
        }
        Expr::Member { fact, mask } => {
            if mask.count_ones() == 1 {
                request.assume(*fact, Value::Enum(mask.trailing_zeros() as u8));
            } else {
                request.restrict(*fact, *mask);
            }
        }
        Expr::Bool(fact) => request.assume(*fact, Value::Bool(true)),
        Expr::Not(inner) => match policy.expr(*inner) {
            Expr::Bool(fact) => request.assume(*fact, Value::Bool(false)),
            Expr::Member { fact, mask } => {
                let members = policy.fact(*fact).ty.members().len();
                let all = if members >= 64 {
                    u64::MAX
                } else {
                    (1u64 << members) - 1
                };
                request.restrict(*fact, all & !mask);
            }
            _ => {}
        },
        Expr::Def(d) => {
            if let Some(def) = policy.definitions.get(d.index()) {
                apply(policy, request, def.expr);
            }
        }
        _ => {}
    }
}

/// A question the policy can answer, built from its own terms.
pub fn example_question(policy: &Policy) -> String {
    let name = policy
        .terms
        .iter()
        .filter(|t| t.meaning.is_none())
        .flat_map(|t| t.phrases.first())
        .next()
        .cloned()
        .unwrap_or_else(|| policy.jurisdiction.clone());
    let action = term_for(policy, "action").unwrap_or_else(|| "use".to_string());
    let data = term_for(policy, "data").unwrap_or_else(|| "customer data".to_string());
    format!("May a utility {action} {data} in {}?", title_case(&name))
}

fn term_for(policy: &Policy, fact: &str) -> Option<String> {
    let id = policy.fact_id(fact)?;
    policy.terms.iter().find_map(|t| {
        let e = t.meaning?;
        match policy.expr(e) {
            Expr::Member { fact: f, .. } if *f == id => t.phrases.first().cloned(),
            _ => None,
        }
    })
}

fn title_case(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// Decides an interpreted question (with its case split). The cases split first on the
/// alternatives the question itself names (e.g. the kinds of data "customer data" covers),
/// in question order, then on whatever else the answer depends on.
pub fn decide(interpretation: &Interpretation) -> Decision {
    let policy = &interpretation.policy;
    let mut order: Vec<FactId> = Vec::new();
    for (i, _) in policy.facts.iter().enumerate() {
        let id = FactId(i as u32);
        if interpretation.request.restriction(id).is_some()
            && interpretation.request.get(id).is_none()
        {
            order.push(id);
        }
    }
    order.sort_by_key(|f| {
        interpretation
            .first_mention
            .iter()
            .position(|m| m == f)
            .unwrap_or(usize::MAX)
    });
    let mut decision = decide_ordered(policy, &interpretation.request, &order);
    decision.trace = Some(eval::trace_of(policy, &interpretation.request));
    decision
}

fn decide_ordered(policy: &Policy, request: &Request, order: &[FactId]) -> Decision {
    let decision = eval::decide(policy, request);
    let Some((&fact, rest)) = order.split_first() else {
        return decision;
    };
    if decision.outcome != Outcome::Undetermined || !decision.depends_on.contains(&fact) {
        return decide_ordered_rest(policy, request, rest, decision);
    }
    let allowed = request.restriction(fact).unwrap_or(u64::MAX);
    let members = policy.fact(fact).ty.members().len();
    let subs = (0..members)
        .filter(|i| allowed & (1u64 << i) != 0)
        .map(|i| {
            let mut r = request.clone();
            r.assume(fact, Value::Enum(i as u8));
            (i as u8, decide_ordered(policy, &r, rest))
        });
    eval::combine(fact, eval::group_members(subs))
}

/// The question's own alternative `fact` does not matter here: go on with the rest.
fn decide_ordered_rest(
    policy: &Policy,
    request: &Request,
    rest: &[FactId],
    decision: Decision,
) -> Decision {
    if rest.is_empty() || decision.outcome != Outcome::Undetermined {
        decision
    } else {
        decide_ordered(policy, request, rest)
    }
}

/// The next fact to ask about: the one at the top of the case split (it decides between
/// the most cases), or `None` when the answer no longer depends on anything.
pub fn most_decisive(decision: &Decision) -> Option<FactId> {
    let mut best: Option<(usize, FactId)> = None;
    for f in &decision.depends_on {
        let n = decision
            .cases
            .iter()
            .filter(|c| c.when.iter().any(|(g, _)| g == f))
            .count();
        if best.is_none_or(|(m, _)| n > m) {
            best = Some((n, *f));
        }
    }
    best.map(|(_, f)| f)
}

/// The JSON answer: the decision contract, plus how the question was read.
pub fn to_json(interpretation: &Interpretation, decision: &Decision) -> serde_json::Value {
    let policy = &interpretation.policy;
    let mut value = crate::explain::to_json(policy, decision, &interpretation.request);
    let mut request = serde_json::Map::new();
    request.insert("jurisdiction".into(), policy.jurisdiction.clone().into());
    for (i, fact) in policy.facts.iter().enumerate() {
        let id = FactId(i as u32);
        if let Some(v) = interpretation.request.get(id) {
            request.insert(fact.name.clone(), fact.to_json(v));
        } else if let Some(mask) = interpretation.request.restriction(id) {
            let members: Vec<serde_json::Value> = fact
                .ty
                .members()
                .iter()
                .enumerate()
                .filter(|(j, _)| mask & (1u64 << j) != 0)
                .map(|(_, m)| m.clone().into())
                .collect();
            request.insert(fact.name.clone(), serde_json::json!({"one_of": members}));
        }
    }
    if let Some(map) = value.as_object_mut() {
        map.insert(
            "interpretation".into(),
            serde_json::json!({
                "question": interpretation.question,
                "jurisdiction": policy.jurisdiction,
                "policy": policy.citation,
                "understood": interpretation.understood.iter().map(|u| serde_json::json!({"words": u.words, "means": u.means})).collect::<Vec<_>>(),
                "ignored": interpretation.ignored,
                "assumed": interpretation.assumed.iter().map(|f| policy.fact(*f).name.clone()).collect::<Vec<_>>(),
                "answered": interpretation.answered.iter().map(|f| policy.fact(*f).name.clone()).collect::<Vec<_>>(),
                "request": request,
            }),
        );
    }
    value
}
