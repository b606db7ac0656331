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

mod clauses;
pub mod english;
mod matching;
pub mod memo;
mod quantity;
mod scope;
pub mod survey;
mod unplaced;

use clauses::{refusal_fact, refusals, restated, Restated};
use english::Token;
use matching::{matches, Match};
use quantity::{quantities, value_for, Comparison, Quantity};
use scope::out_of_scope;
pub use survey::{survey, Survey, SurveyEntry};
pub use unplaced::unplaced_diagnostic;

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
    /// States the question also names whose law is not encoded: the answer is not theirs,
    /// and says so.
    pub unencoded: Vec<String>,
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
    /// Set when the question is understood but lies outside the encoded law (another
    /// sector, another jurisdiction, an excluded entity, a topic with no encoded text): why,
    /// as the end of "the encoded law does not address this, because …".
    pub out_of_scope: Option<String>,
}

/// Words too common to report as ignored.
const STOPWORDS: &[&str] = &[
    "a", "an", "the", "i", "we", "you", "my", "our", "your", "it", "its", "is", "are", "be", "can",
    "could", "may", "might", "must", "should", "would", "will", "do", "does", "to", "of", "for",
    "in", "on", "with", "without", "and", "or", "what", "when", "how", "who", "whom", "which",
    "if", "there", "any", "this", "that", "these", "those", "me", "us", "they", "them", "their",
    "about", "from", "by", "at", "as", "under", "so",
];

/// The role a party named in the question plays in it.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Role {
    /// Who acts (the subject, or the one a receiving verb's `from` names).
    Actor,
    /// To whom the data goes (`to`/`with` X, give X …, X receives).
    Recipient,
    /// Where the data came from (`from` X, data X supplied).
    Source,
    /// A possessive qualifying something else (the Administrator's approval).
    Qualifier,
}

/// The role of the party a match names, from the words around it in its clause.
fn role_of(ws: &[Token], m: &Match) -> Role {
    let clause = ws[m.first].clause;
    let in_clause = |i: usize| ws.get(i).filter(|t| t.clause == clause);
    // A receiving verb in the present (`can the Administrator get … from X`) makes X the
    // one who gives, and so who acts; in the past (`information it got from X`) it says
    // where the data came from.
    let receiving = ws
        .iter()
        .any(|t| t.clause == clause && english::is_receiving(t) && !english::is_past(t));
    if ws[m.last].possessive && in_clause(m.last + 1).is_some() {
        return Role::Qualifier;
    }
    let prev = m.first.checked_sub(1).and_then(in_clause);
    if prev.is_some_and(|p| matches!(p.key.as_str(), "to" | "with" | "toward")) {
        return Role::Recipient;
    }
    // Data X supplied, Administrator-provided data: where the data came from.
    if in_clause(m.last + 1).is_some_and(|t| english::is_giving(t) && english::is_past(t)) {
        return Role::Source;
    }
    if let Some(prev) = prev {
        match prev.key.as_str() {
            "from" | "by" => {
                return if receiving { Role::Actor } else { Role::Source };
            }
            _ if english::is_giving(prev) => return Role::Recipient,
            _ => {}
        }
    }
    // X receives / gets …: X is the recipient.
    for next in [m.last + 1, m.last + 2] {
        if let Some(t) = in_clause(next) {
            if english::is_receiving(t) && !english::is_past(t) {
                return Role::Recipient;
            }
            if !matches!(
                t.raw.as_str(),
                "to" | "be" | "also" | "still" | "ever" | "legally"
            ) {
                break;
            }
        }
    }
    Role::Actor
}

/// The single member a term's meaning sets on the fact named `name`, if it does.
fn sets_member(policy: &Policy, e: ExprId, name: &str) -> Option<String> {
    match policy.expr(e) {
        Expr::Member { fact, mask }
            if mask.count_ones() == 1 && policy.fact(*fact).name == name =>
        {
            policy
                .fact(*fact)
                .ty
                .members()
                .get(mask.trailing_zeros() as usize)
                .cloned()
        }
        _ => None,
    }
}

/// Whether a term's meaning sets the fact named `name`.
fn sets_fact(policy: &Policy, e: ExprId, name: &str) -> bool {
    crate::explain::facts_in(policy, e)
        .iter()
        .any(|f| policy.fact(*f).name == name)
}

/// Sets `fact` to `member` if the vocabulary has both; the meaning in words.
fn set_member(policy: &Policy, request: &mut Request, fact: &str, member: &str) -> Option<String> {
    let id = policy.fact_id(fact)?;
    let i = policy
        .fact(id)
        .ty
        .members()
        .iter()
        .position(|m| m == member)?;
    request.assume(id, Value::Enum(i as u8));
    Some(format!("{fact} is {member}"))
}

/// The term whose phrase is a negated form (`without …`, `no …`, `not …`) of one of the
/// phrases of `term`.
fn negated_term(policy: &Policy, term: usize) -> Option<ExprId> {
    let keys = |p: &str| -> Vec<String> {
        english::tokens(p)
            .into_iter()
            .filter(|t| !t.determiner)
            .map(|t| t.key)
            .collect()
    };
    let own: Vec<Vec<String>> = policy
        .terms
        .get(term)?
        .phrases
        .iter()
        .map(|p| keys(p))
        .collect();
    policy.terms.iter().find_map(|t| {
        let e = t.meaning?;
        t.phrases.iter().find_map(|p| {
            let k = keys(p);
            let (first, rest) = k.split_first()?;
            (matches!(first.as_str(), "without" | "no" | "not") && own.contains(&rest.to_vec()))
                .then_some(e)
        })
    })
}

/// Applies the negation of a term's meaning: a boolean is false, a member is excluded.
/// Returns false when the meaning has no simple negation.
fn apply_negated(policy: &Policy, request: &mut Request, e: ExprId) -> bool {
    match policy.expr(e) {
        Expr::Bool(fact) => {
            request.assume(*fact, Value::Bool(false));
            true
        }
        Expr::Not(inner) => match policy.expr(*inner) {
            Expr::Bool(fact) => {
                request.assume(*fact, Value::Bool(true));
                true
            }
            _ => false,
        },
        Expr::Member { fact, mask } => {
            let members = policy.fact(*fact).ty.members().len();
            let all = if members >= 64 {
                u64::MAX
            } else {
                (1u64 << members) - 1
            };
            let rest = all & !mask;
            if rest.count_ones() == 1 {
                request.assume(*fact, Value::Enum(rest.trailing_zeros() as u8));
            } else {
                request.restrict(*fact, rest);
            }
            true
        }
        _ => false,
    }
}

/// Whether the match is negated: an unused negator before it in its clause, with no other
/// term between them.
fn negated(ws: &[Token], used: &[bool], m: &Match) -> bool {
    let clause = ws[m.first].clause;
    let mut i = m.first;
    for _ in 0..5 {
        if i == 0 {
            return false;
        }
        i -= 1;
        let t = &ws[i];
        // A participle between the negator and the term (`has not given written consent`)
        // is part of the negated phrase.
        if used[i]
            && matches!(
                t.raw.as_str(),
                "given" | "gave" | "got" | "obtained" | "signed"
            )
        {
            continue;
        }
        if t.clause != clause || used[i] {
            return false;
        }
        if english::is_negator(t) {
            return true;
        }
    }
    false
}

/// The verbs of handing data over that a policy's terms are looked up by when the
/// question's own verb is not a term (`pass on`, `report`): the action is what the policy
/// calls one of these.
const FAMILY: &[&str] = &["give", "share", "send", "provide", "transfer", "disclose"];

/// A frame: a giving verb with the party it gives to (`share … with the Administrator`,
/// `give the Administrator …`, `the Administrator receives … from`), matched as the
/// policy's phrase `<verb> to <party>` when it has one.
fn frame(policy: &Policy, verb: &Token, party: &[Token]) -> Option<usize> {
    let party: Vec<&str> = party
        .iter()
        .map(|t| t.key.as_str())
        .skip_while(|k| matches!(*k, "to" | "with"))
        .collect();
    let verbs = [verb.key.clone()]
        .into_iter()
        .chain(FAMILY.iter().map(|v| english::key(v)));
    for v in verbs {
        for prep in ["to", "with"] {
            let want: Vec<&str> = [v.as_str(), prep]
                .into_iter()
                .chain(party.iter().copied())
                .collect();
            for (i, t) in policy.terms.iter().enumerate() {
                if t.meaning.is_none() {
                    continue;
                }
                for p in &t.phrases {
                    let k: Vec<String> = english::tokens(p)
                        .into_iter()
                        .filter(|t| !t.determiner)
                        .map(|t| t.key)
                        .collect();
                    if k.len() == want.len() && k.iter().zip(&want).all(|(a, b)| a == b) {
                        return Some(i);
                    }
                }
            }
        }
    }
    None
}

/// The verb that hands data over when no term names the action: a giving verb, or a
/// receiving verb in the present with a `from` after it in its clause (`buy … from X`).
fn giving_verb(ws: &[Token], used: &[bool]) -> Option<usize> {
    (0..ws.len()).find(|&i| {
        let t = &ws[i];
        !used[i]
            && !english::is_past(t)
            && (english::is_giving(t)
                || (english::is_receiving(t)
                    && ws[i + 1..]
                        .iter()
                        .take_while(|w| w.clause == t.clause)
                        .any(|w| w.raw == "from")))
    })
}

/// The members of the action that the policy's words for handing data over mean
/// ([`FAMILY`]: give, share, send …), as a mask.
fn family_actions(policy: &Policy, action: FactId) -> u64 {
    let keys: Vec<String> = FAMILY.iter().map(|v| english::key(v)).collect();
    let mut mask = 0;
    for term in &policy.terms {
        let Some(e) = term.meaning else { continue };
        let Expr::Member { fact, mask: m } = policy.expr(e) else {
            continue;
        };
        if *fact != action {
            continue;
        }
        let single = term.phrases.iter().any(|p| {
            let ts: Vec<Token> = english::tokens(p)
                .into_iter()
                .filter(|t| !t.determiner)
                .collect();
            matches!(ts.as_slice(), [t] if keys.contains(&t.key))
        });
        if single {
            mask |= m;
        }
    }
    mask
}

/// Of the members `mask` allows for `fact`, those under which the policy addresses the
/// request at all (its decision is not `not_addressed` in every case); all of them when
/// none is.
fn addressed(policy: &Policy, request: &Request, fact: FactId, mask: u64) -> u64 {
    let members = policy.fact(fact).ty.members().len();
    let mut keep = 0;
    for i in (0..members).filter(|i| mask & (1u64 << i) != 0) {
        let mut r = request.clone();
        r.assume(fact, Value::Enum(i as u8));
        if eval::decide(policy, &r).outcome != Outcome::NotAddressed {
            keep |= 1u64 << i;
        }
    }
    if keep == 0 {
        mask
    } else {
        keep
    }
}

/// The question's text from byte `start` to `end` (either way round: a particle moved back
/// beside its verb may stand before the words it followed).
fn words_between(question: &str, start: usize, end: usize) -> String {
    question
        .get(start.min(end)..start.max(end))
        .unwrap_or_default()
        .to_string()
}

/// Reads a question: places it in a jurisdiction by the words naming a policy, then maps
/// the policy's terms to a partial request through the English layer ([`english`]): word
/// forms, abbreviations and misspellings, negation scoped to its clause, and the role each
/// party plays (who acts, who receives, where the data came from). A clause restating a
/// fact's description sets that fact; a refusal (`asked us not to share`) is neither
/// consent nor the action; a quantity (`more than 1 aMW`) is a value when every value it
/// allows decides alike. A verb of handing data over that no term names is read as what
/// the policy calls giving; an ambiguous action and an unnamed actor or recipient are
/// kept to the members the law addresses, and the reading says so. Every default of the
/// vocabulary is left unknown (a question is open: the answer says what it depends on),
/// except facts whose enumeration has a single member, which are set (and reported as
/// assumed). A question about another jurisdiction, sector, an excluded entity, a topic no
/// encoded text speaks to, or data handed over by a party the law does not regulate is
/// answered as out of scope, with why.
pub fn interpret(engine: &Engine, question: &str) -> Result<Interpretation, Unplaced> {
    interpret_with(engine, question, None)
}

/// Reads a question against one policy, as if it named that policy's jurisdiction: how a
/// [survey](survey()) reads it in each jurisdiction that could answer it.
pub fn interpret_in(
    engine: &Engine,
    question: &str,
    policy: &Arc<Policy>,
) -> Result<Interpretation, Unplaced> {
    interpret_with(engine, question, Some(policy))
}

fn interpret_with(
    engine: &Engine,
    question: &str,
    only_in: Option<&Arc<Policy>>,
) -> Result<Interpretation, Unplaced> {
    let all = english::tokens(question);
    let mut ws: Vec<Token> = all.iter().filter(|t| !t.determiner).cloned().collect();
    english::join_particles(&mut ws);
    english::rephrase_employment(&mut ws);
    type Placed<'e> = (&'e Arc<Policy>, Vec<Match>, Vec<Restated>, Vec<Quantity>);
    let mut placed: Vec<Placed> = Vec::new();
    for policy in engine.policies() {
        if only_in.is_some_and(|p| !Arc::ptr_eq(p, policy)) {
            continue;
        }
        let restated = restated(policy, &ws);
        let mut blocked = vec![false; ws.len()];
        for r in restated.iter().filter(|r| r.blocks) {
            for &i in &r.words {
                blocked[i] = true;
            }
        }
        // A quantity's words, and its verb (`uses more than 1 aMW`), say nothing else.
        let quantities = quantities(policy, &ws);
        for q in &quantities {
            for b in &mut blocked[q.start(&ws)..=q.last] {
                *b = true;
            }
        }
        let found = matches(policy, &ws, &blocked);
        let names_policy = found.iter().any(|m| {
            policy
                .terms
                .get(m.term)
                .is_some_and(|t| t.meaning.is_none())
        });
        if names_policy || only_in.is_some() {
            placed.push((policy, found, restated, quantities));
        }
    }
    let examples: Vec<String> = engine
        .policies()
        .iter()
        .map(|p| example_question(p))
        .collect();
    let only = match placed.as_slice() {
        [(p, ..)] => Some(p.as_ref()),
        _ => None,
    };
    if placed.len() <= 1 {
        if let Some(reason) = out_of_scope(engine, only, &ws) {
            return Err(Unplaced {
                missing: vec!["a question the encoded law addresses".to_string()],
                understood: Vec::new(),
                examples,
                out_of_scope: Some(reason),
            });
        }
    }
    let [(policy, found, restated, quantities)] = placed.as_slice() else {
        let missing = if placed.is_empty() {
            vec!["a jurisdiction (name the state or the instrument)".to_string()]
        } else {
            vec![format!(
                "one jurisdiction: the question names several ({})",
                placed
                    .iter()
                    .map(|(p, ..)| p.jurisdiction.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )]
        };
        return Err(Unplaced {
            missing,
            understood: Vec::new(),
            examples,
            out_of_scope: None,
        });
    };
    let policy = Arc::clone(policy);
    let mut request = Request::empty(&policy);
    for fact in &policy.facts {
        if fact.default.is_some() {
            let _ = request.unset(&policy, &fact.name);
        }
    }
    let mut understood = Vec::new();
    let mut first_mention: Vec<FactId> = Vec::new();
    let mut used = vec![false; ws.len()];
    for m in found {
        used[m.first..=m.last].iter_mut().for_each(|u| *u = true);
    }
    // The words as they stand, with the articles the phrase starts with (`the public`).
    let text_of = |first: usize, last: usize, lead: usize| {
        let mut start = ws[first].start;
        if let Some(i) = all.iter().position(|t| t.start == start) {
            let mut j = i;
            while j > 0
                && i - j < lead
                && all[j - 1].determiner
                && all[j - 1].clause == all[i].clause
            {
                j -= 1;
            }
            start = all[j].start;
        }
        words_between(question, start, ws[last].end)
    };
    let mention = |policy: &Policy, e: ExprId, first_mention: &mut Vec<FactId>| {
        for f in crate::explain::facts_in(policy, e) {
            if !first_mention.contains(&f) {
                first_mention.push(f);
            }
        }
    };
    // Quantities (`more than 1 aMW`) are read once the rest is known (below).
    for q in quantities {
        for u in &mut used[q.start(&ws)..=q.last] {
            *u = true;
        }
    }
    // A clause restating a fact's own description.
    for r in restated {
        for &i in &r.words {
            used[i] = true;
        }
        request.assume(r.fact, Value::Bool(!r.denied));
        if !first_mention.contains(&r.fact) {
            first_mention.push(r.fact);
        }
        let name = &policy.fact(r.fact).name;
        understood.push(Understood {
            words: words_between(question, ws[r.first].start, ws[r.last].end),
            means: if r.denied {
                format!("not {name} (as the vocabulary describes it)")
            } else {
                format!("{name} (as the vocabulary describes it)")
            },
        });
    }
    // The one who hands the data over (`get … from a third party`) is a party the
    // vocabulary knows only as a recipient: the law says what its actors may do, not what
    // that party may do, so the question is not decided under a rule about someone else.
    for m in found {
        let Some(e) = policy.terms.get(m.term).and_then(|t| t.meaning) else {
            continue;
        };
        let from = m
            .first
            .checked_sub(1)
            .is_some_and(|i| ws[i].raw == "from" && ws[i].clause == ws[m.first].clause);
        let receiving = ws[..m.first].iter().any(|t| {
            t.clause == ws[m.first].clause && english::is_receiving(t) && !english::is_past(t)
        });
        if from
            && receiving
            && sets_fact(&policy, e, "recipient")
            && sets_member(&policy, e, "actor").is_none()
        {
            return Err(Unplaced {
                missing: vec!["a question the encoded law addresses".to_string()],
                understood: understood.clone(),
                examples,
                out_of_scope: Some(format!(
                    "the data would come from “{}”, whom the {} names only as one receiving customer information: it says what the parties it regulates may do, not what such a party may do",
                    text_of(m.first, m.last, m.lead),
                    policy.title
                )),
            });
        }
    }
    // A refusal (`the customer asked us not to share it with third parties`): neither
    // consent nor the question's action; the parties and verbs in it say whose request it
    // is, and the vocabulary's fact for such a request is set when the words tell which.
    let mut framed: Vec<usize> = Vec::new();
    for clause in refusals(&ws) {
        if restated
            .iter()
            .any(|r| r.blocks && ws[r.first].clause == clause)
        {
            continue;
        }
        let mut parties: Vec<String> = Vec::new();
        for (mi, m) in found.iter().enumerate() {
            let Some(e) = policy.terms.get(m.term).and_then(|t| t.meaning) else {
                continue;
            };
            if ws[m.first].clause != clause {
                continue;
            }
            if sets_fact(&policy, e, "recipient") || sets_member(&policy, e, "actor").is_some() {
                parties.extend(ws[m.first..=m.last].iter().map(|t| t.key.clone()));
                framed.push(mi);
            } else if sets_fact(&policy, e, "action") {
                framed.push(mi);
            }
        }
        let span: Vec<usize> = (0..ws.len()).filter(|&i| ws[i].clause == clause).collect();
        let (Some(&first), Some(&last)) = (span.first(), span.last()) else {
            continue;
        };
        for &i in &span {
            used[i] = true;
        }
        let words = words_between(question, ws[first].start, ws[last].end);
        match refusal_fact(&policy, &parties) {
            Some(id) => {
                request.assume(id, Value::Bool(true));
                if !first_mention.contains(&id) {
                    first_mention.push(id);
                }
                understood.push(Understood {
                    words,
                    means: format!(
                        "{} (a request not to hand the data over: a refusal, not consent)",
                        policy.fact(id).name
                    ),
                });
            }
            None => understood.push(Understood {
                words,
                means: "a request not to hand the data over: a refusal, not consent (no fact of the vocabulary is set by these words alone)".to_string(),
            }),
        }
    }
    // Frames first: a giving or receiving verb with the party it gives to.
    let mut later: Vec<(String, String, ExprId)> = Vec::new();
    for (mi, m) in found.iter().enumerate() {
        let Some(meaning) = policy.terms.get(m.term).and_then(|t| t.meaning) else {
            continue;
        };
        if framed.contains(&mi) {
            continue;
        }
        let actor = sets_member(&policy, meaning, "actor");
        let recipient_term =
            sets_fact(&policy, meaning, "recipient") && !sets_fact(&policy, meaning, "action");
        let role = if actor.is_some() {
            role_of(&ws, m)
        } else {
            Role::Actor
        };
        if !(recipient_term || role == Role::Recipient) {
            continue;
        }
        // The party's verb: the nearest giving or receiving verb before it in its clause
        // (or after it: `the Administrator receives …`), not one inside a phrase that says
        // more than the action (`notice before the transfer`), and with no other action
        // between them (`send a notice before the transfer to X`: X is the transfer's).
        let clause = ws[m.first].clause;
        let sets_more = |i: usize| {
            found.iter().any(|o| {
                o.first <= i
                    && i <= o.last
                    && policy
                        .terms
                        .get(o.term)
                        .and_then(|t| t.meaning)
                        .is_some_and(|e| {
                            crate::explain::facts_in(&policy, e)
                                .iter()
                                .any(|f| policy.fact(*f).name != "action")
                        })
            })
        };
        let is_verb = |i: usize| {
            ws[i].clause == clause
                && (english::is_giving(&ws[i]) || english::is_receiving(&ws[i]))
                && !sets_more(i)
        };
        let verb = (0..m.first)
            .rev()
            .take_while(|&i| ws[i].clause == clause)
            .find(|&i| is_verb(i))
            .or_else(|| (m.last + 1..ws.len()).find(|&i| is_verb(i)));
        let action_between = |v: usize| {
            found.iter().any(|o| {
                o.first > v
                    && o.last < m.first
                    && policy
                        .terms
                        .get(o.term)
                        .and_then(|t| t.meaning)
                        .is_some_and(|e| sets_fact(&policy, e, "action"))
            })
        };
        if let Some(v) = verb.filter(|&v| !action_between(v)) {
            if let Some(t) = frame(&policy, &ws[v], &ws[m.first..=m.last]) {
                if let Some(e) = policy.terms.get(t).and_then(|t| t.meaning) {
                    framed.push(mi);
                    if let Some(vm) = found.iter().position(|o| o.first <= v && v <= o.last) {
                        framed.push(vm);
                    }
                    let words = format!("{} … {}", ws[v].raw, text_of(m.first, m.last, m.lead));
                    later.push((
                        words,
                        crate::explain::clause_text(&policy, policy.expr_span(e)),
                        e,
                    ));
                }
            }
        }
    }
    for (mi, m) in found.iter().enumerate() {
        let Some(t) = policy.terms.get(m.term) else {
            continue;
        };
        let words = text_of(m.first, m.last, m.lead);
        let spelled: String = m
            .spelled
            .iter()
            .map(|(q, p)| format!(" (“{q}” read as “{p}”)"))
            .collect();
        let Some(e) = t.meaning else {
            understood.push(Understood {
                words,
                means: format!("this policy{spelled}"),
            });
            continue;
        };
        if framed.contains(&mi) {
            continue;
        }
        if let Some(member) = sets_member(&policy, e, "actor") {
            let role = role_of(&ws, m);
            let means = match role {
                Role::Actor => None,
                Role::Recipient => Some(
                    set_member(&policy, &mut request, "recipient", &member)
                        .map(|s| format!("{s} (the party receiving the data, not who acts)"))
                        .unwrap_or_else(|| "the party receiving the data, not who acts".into()),
                ),
                Role::Source => Some(
                    set_member(&policy, &mut request, "data_source", &member)
                        .map(|s| format!("{s} (where the data came from, not who acts)"))
                        .unwrap_or_else(|| "where the data came from, not who acts".into()),
                ),
                Role::Qualifier => Some("whose it is, not who acts".to_string()),
            };
            if let Some(means) = means {
                for id in ["recipient", "data_source"]
                    .iter()
                    .filter_map(|f| policy.fact_id(f))
                {
                    if request.get(id).is_some() && !first_mention.contains(&id) {
                        first_mention.push(id);
                    }
                }
                understood.push(Understood {
                    words,
                    means: format!("{means}{spelled}"),
                });
                continue;
            }
        }
        let is_action = sets_fact(&policy, e, "action");
        if !is_action && (m.negated || negated(&ws, &used, m)) {
            if let Some(alt) = negated_term(&policy, m.term) {
                mention(&policy, alt, &mut first_mention);
                apply(&policy, &mut request, alt);
                understood.push(Understood {
                    words: format!("not … {words}"),
                    means: format!(
                        "{}{spelled}",
                        crate::explain::clause_text(&policy, policy.expr_span(alt))
                    ),
                });
                continue;
            }
            mention(&policy, e, &mut first_mention);
            if apply_negated(&policy, &mut request, e) {
                understood.push(Understood {
                    words: format!("not … {words}"),
                    means: format!(
                        "not ({}){spelled}",
                        crate::explain::clause_text(&policy, policy.expr_span(e))
                    ),
                });
            }
            continue;
        }
        mention(&policy, e, &mut first_mention);
        apply(&policy, &mut request, e);
        understood.push(Understood {
            words,
            means: format!(
                "{}{spelled}",
                crate::explain::clause_text(&policy, policy.expr_span(e))
            ),
        });
    }
    for (words, means, e) in later {
        mention(&policy, e, &mut first_mention);
        apply(&policy, &mut request, e);
        understood.push(Understood { words, means });
    }
    // No term names the action: the question's verb of handing data over (`pass on`,
    // `report`), or of receiving it from someone (`buy … from X`: X hands it over), is
    // read as whatever the policy calls giving, sharing, sending … .
    let action = policy.fact_id("action");
    let has = |request: &Request, id: Option<FactId>| {
        id.is_none_or(|a| request.get(a).is_some() || request.restriction(a).is_some())
    };
    let mut pruned: Vec<FactId> = Vec::new();
    if let (Some(id), false) = (action, has(&request, action)) {
        if let Some(v) = giving_verb(&ws, &used) {
            let mask = family_actions(&policy, id);
            if mask != 0 {
                used[v] = true;
                request.restrict(id, mask);
                pruned.push(id);
                if !first_mention.contains(&id) {
                    first_mention.push(id);
                }
                let words = if english::is_receiving(&ws[v]) {
                    format!("{} … from", ws[v].raw)
                } else {
                    ws[v].raw.clone()
                };
                understood.push(Understood {
                    words,
                    means: String::new(),
                });
            }
        }
    }
    // A party the question does not name (who acts, to whom) is read as the ones the law
    // addresses here: an unnamed actor of `share … with the Administrator` is the one the
    // rule speaks to, not every actor of the vocabulary.
    for name in ["actor", "recipient"] {
        if let Some(id) = policy.fact_id(name) {
            if !has(&request, Some(id)) && policy.fact(id).ty.members().len() > 1 {
                pruned.push(id);
            }
        }
    }
    for id in pruned {
        let fact = policy.fact(id);
        let members = fact.ty.members().len();
        let all = if members >= 64 {
            u64::MAX
        } else {
            (1u64 << members) - 1
        };
        let mask = request.restriction(id).unwrap_or(all);
        let keep = addressed(&policy, &request, id, mask);
        let named = request.restriction(id).is_some();
        if keep == mask && !named {
            continue;
        }
        if keep.count_ones() == 1 {
            request.assume(id, Value::Enum(keep.trailing_zeros() as u8));
        } else {
            request.restrict(id, keep);
        }
        let list: Vec<&str> = (0..members)
            .filter(|i| keep & (1u64 << i) != 0)
            .filter_map(|i| fact.ty.members().get(i).map(String::as_str))
            .collect();
        let means = if list.len() == 1 {
            format!("{} is {}", fact.name, list.join(""))
        } else {
            format!("{} is one of [{}]", fact.name, list.join(", "))
        };
        let why = if keep == mask {
            "a verb of handing data over"
        } else if named {
            "a verb of handing data over, read as the law addresses it here"
        } else {
            "not named; read as the law addresses it here"
        };
        let means = format!("{means} ({why})");
        match understood.iter_mut().find(|u| u.means.is_empty()) {
            Some(u) if named => u.means = means,
            _ => understood.push(Understood {
                words: format!("({} not named)", fact.name.replace('_', " ")),
                means,
            }),
        }
    }
    for q in quantities {
        let name = &policy.fact(q.fact).name;
        let op = q.comparison.symbol();
        let n = crate::value::format_number(q.number);
        let value = value_for(&policy, &request, q);
        let means = match value {
            Some(v) if q.comparison == Comparison::Equal => {
                format!("{name} = {}", crate::value::format_number(v))
            }
            Some(v) => format!(
                "{name} {op} {n} (taken as {}: every such value is decided alike)",
                crate::value::format_number(v)
            ),
            None => format!("{name} {op} {n} (left open: the law tells such values apart)"),
        };
        if let Some(v) = value {
            request.assume(q.fact, Value::Number(v));
            if !first_mention.contains(&q.fact) {
                first_mention.push(q.fact);
            }
        }
        understood.push(Understood {
            words: words_between(question, ws[q.first].start, ws[q.last].end),
            means,
        });
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
        .filter(|(w, u)| !**u && !STOPWORDS.contains(&w.raw.as_str()))
        .map(|(w, _)| w.raw.clone())
        .collect();
    if !has(&request, action) {
        return Err(Unplaced {
            missing: vec![
                "an action (what is done with the information: use, share, transfer …)".to_string(),
            ],
            understood,
            examples,
            out_of_scope: None,
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
        unencoded: scope::unencoded_states(engine, &ws)
            .into_iter()
            .map(String::from)
            .collect(),
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
        } else if fact.default.is_some() {
            // Left unknown although the vocabulary has a default: `null` says so, so that
            // `juris eval` of this request decides as `ask` did.
            request.insert(fact.name.clone(), serde_json::Value::Null);
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
                "not_encoded": interpretation.unencoded,
                "request": request,
            }),
        );
    }
    value
}

/// The JSON answer to a question outside the encoded law: `not_addressed`, and why (the end
/// of "the encoded law does not address this, because …"). Never a decision under another
/// rule.
pub fn out_of_scope_json(question: &str, reason: &str) -> serde_json::Value {
    serde_json::json!({
        "decision": "not_addressed",
        "out_of_scope": reason,
        "question": question,
    })
}
