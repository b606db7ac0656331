//! Clauses that say more than a term: a clause restating a boolean fact's own description
//! in the vocabulary, and a refusal (`the customer asked us not to share it`), which is
//! neither consent nor the question's action.

use super::english::{self, Token};
use super::STOPWORDS;
use crate::ir::{FactId, Policy, Type};

/// A clause that restates a boolean fact's own description in the vocabulary (`a customer
/// … asked that their information not be shared with third parties`): every content word
/// of the description, in its order, within one clause, with at most two other words.
#[derive(Clone, Debug)]
pub(super) struct Restated {
    pub(super) fact: FactId,
    /// The first and last word of the restatement.
    pub(super) first: usize,
    pub(super) last: usize,
    /// The words it reads (the description's words and the negators among them).
    pub(super) words: Vec<usize>,
    /// More negators than the description has: the fact is denied.
    pub(super) denied: bool,
    /// Its words say nothing else: the restatement is its whole clause (its verb is not
    /// the question's action), or a noun phrase (`the Administrator's approval`).
    pub(super) blocks: bool,
}

/// The clauses of a question that restate a boolean fact's description, and the noun
/// phrases that name what it says (see [`nominalized`]).
pub(super) fn restated(policy: &Policy, ws: &[Token]) -> Vec<Restated> {
    let mut out = described(policy, ws);
    out.extend(nominalized(policy, ws));
    out
}

/// The clauses of a question that restate a boolean fact's description.
fn described(policy: &Policy, ws: &[Token]) -> Vec<Restated> {
    let content = |t: &Token| !STOPWORDS.contains(&t.raw.as_str()) && !english::is_auxiliary(t);
    let mut out = Vec::new();
    for (f, fact) in policy.facts.iter().enumerate() {
        if !matches!(fact.ty, Type::Bool) {
            continue;
        }
        let label: Vec<Token> = english::tokens(&fact.meaning)
            .into_iter()
            .filter(|t| !t.determiner)
            .collect();
        let keys: Vec<&Token> = label.iter().filter(|t| content(t)).collect();
        let Some((head, rest)) = keys.split_first() else {
            continue;
        };
        if keys.len() < 4 {
            continue;
        }
        let label_negators = label.iter().filter(|t| english::is_negator(t)).count();
        for start in (0..ws.len()).filter(|&i| ws[i].key == head.key) {
            let clause = ws[start].clause;
            let mut at = vec![start];
            for k in rest {
                let from = at.last().map_or(start, |i| i + 1);
                match (from..ws.len())
                    .take_while(|&i| ws[i].clause == clause)
                    .find(|&i| ws[i].key == k.key)
                {
                    Some(i) => at.push(i),
                    None => break,
                }
            }
            if at.len() != keys.len() {
                continue;
            }
            let last = at.last().copied().unwrap_or(start);
            let others = (start..=last)
                .filter(|i| !at.contains(i) && content(&ws[*i]))
                .count();
            if others > 2 {
                continue;
            }
            let negators: Vec<usize> = (start..=last)
                .filter(|&i| english::is_negator(&ws[i]))
                .collect();
            let blocks = (0..ws.len())
                .filter(|&i| ws[i].clause == clause && !(start..=last).contains(&i))
                .all(|i| !content(&ws[i]));
            at.extend(&negators);
            out.push(Restated {
                fact: FactId(f as u32),
                first: start,
                last,
                words: at,
                denied: negators.len().saturating_sub(label_negators) % 2 == 1,
                blocks,
            });
            break;
        }
    }
    out
}

/// The subject and verb of a boolean fact's description of the form `<subject> <verb in the
/// past> …` (`the Administrator approved sharing with this subcontractor`), as keys.
fn head(description: &str) -> Option<(String, String)> {
    let ts: Vec<Token> = english::tokens(description)
        .into_iter()
        .filter(|t| !t.determiner)
        .collect();
    let [x, v, ..] = ts.as_slice() else {
        return None;
    };
    (english::is_past(v) && !STOPWORDS.contains(&x.raw.as_str()) && !x.possessive)
        .then(|| (x.key.clone(), v.key.clone()))
}

/// Noun phrases naming what a description of the form `X <verb>ed …` says: `X's <noun>`
/// and `<noun> of X` (or `by`, `from`), the noun of the verb's own key (`the Administrator's
/// approval`, `approval of the Administrator` for `the Administrator approved …`); a
/// negator just before (`without the Administrator's approval`) denies it.
fn nominalized(policy: &Policy, ws: &[Token]) -> Vec<Restated> {
    let heads: Vec<(FactId, String, String)> = policy
        .facts
        .iter()
        .enumerate()
        .filter(|(_, f)| matches!(f.ty, Type::Bool))
        .filter_map(|(i, f)| head(&f.meaning).map(|(x, v)| (FactId(i as u32), x, v)))
        .collect();
    let mut out = Vec::new();
    for i in 0..ws.len() {
        let same = |j: usize| ws.get(j).filter(|t| t.clause == ws[i].clause);
        // `X's N` or `N of X`: the subject's index, the phrase's last word, the noun.
        let mut forms = Vec::new();
        if let Some(n) = same(i + 1) {
            if ws[i].possessive {
                forms.push((i, i + 1, n));
            }
        }
        if let (Some(of), Some(_)) = (same(i + 1), same(i + 2)) {
            if matches!(of.raw.as_str(), "of" | "by" | "from") {
                forms.push((i + 2, i + 2, &ws[i]));
            }
        }
        for (x, last, noun) in forms {
            if english::is_past(noun) {
                continue;
            }
            let found: Vec<FactId> = heads
                .iter()
                .filter(|(_, hx, hv)| *hx == ws[x].key && *hv == noun.key)
                .map(|(f, ..)| *f)
                .collect();
            let [fact] = found.as_slice() else { continue };
            let negator = (i.saturating_sub(2)..i)
                .rev()
                .find(|&j| ws[j].clause == ws[i].clause && english::is_negator(&ws[j]));
            let mut words: Vec<usize> = (i..=last).collect();
            words.extend(negator);
            out.push(Restated {
                fact: *fact,
                first: negator.unwrap_or(i),
                last,
                words,
                denied: negator.is_some(),
                blocks: true,
            });
        }
    }
    out
}

/// Verbs of asking someone to do or not do something.
const REQUESTING: &[&str] = &["ask", "request", "tell", "instruct", "demand", "direct"];

/// The clauses that ask that data not be handed over: a verb of asking, then a negator,
/// then a verb of handing over (`asked us not to share`, `requested that it not be sent`).
pub(super) fn refusals(ws: &[Token]) -> Vec<u32> {
    let asking = |t: &Token| REQUESTING.iter().any(|r| english::key(r) == t.key);
    let mut out = Vec::new();
    for (i, t) in ws.iter().enumerate() {
        if !asking(t) || out.contains(&t.clause) {
            continue;
        }
        let rest: Vec<&Token> = ws[i + 1..]
            .iter()
            .take_while(|w| w.clause == t.clause)
            .collect();
        if let Some(n) = rest.iter().position(|w| english::is_negator(w)) {
            if rest[n + 1..].iter().any(|w| english::is_giving(w)) {
                out.push(t.clause);
            }
        }
    }
    out
}

/// The boolean fact whose description is a request not to hand data over, told apart by
/// the parties the refusal names (`with third parties`): the one fact whose description
/// has every word of theirs, or the only such fact.
pub(super) fn refusal_fact(policy: &Policy, parties: &[String]) -> Option<FactId> {
    let asking = |t: &Token| REQUESTING.iter().any(|r| english::key(r) == t.key);
    let candidates: Vec<(FactId, Vec<String>)> = policy
        .facts
        .iter()
        .enumerate()
        .filter(|(_, f)| matches!(f.ty, Type::Bool))
        .filter_map(|(i, f)| {
            let ts = english::tokens(&f.meaning);
            let a = ts.iter().position(asking)?;
            let n = ts[a..].iter().position(english::is_negator)? + a;
            ts[n..]
                .iter()
                .any(english::is_giving)
                .then(|| (FactId(i as u32), ts.iter().map(|t| t.key.clone()).collect()))
        })
        .collect();
    let named: Vec<&String> = parties
        .iter()
        .filter(|k| !STOPWORDS.contains(&k.as_str()))
        .collect();
    let fitting: Vec<FactId> = candidates
        .iter()
        .filter(|(_, keys)| named.iter().all(|k| keys.contains(k)))
        .map(|(id, _)| *id)
        .collect();
    match fitting.as_slice() {
        [one] => Some(*one),
        _ => None,
    }
}
