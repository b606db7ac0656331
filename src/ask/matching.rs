//! Matching a policy's terms against a question's words: by key, by misspelling, across
//! auxiliaries and negators, longest phrase first, no overlaps.

use super::english::{self, Token};
use super::STOPWORDS;
use crate::ir::Policy;

/// The phrases of a policy's terms, as their content tokens, with the term index; longer
/// phrases first.
fn phrases(policy: &Policy) -> Vec<(Vec<Token>, usize, usize)> {
    let mut out = Vec::new();
    for (i, term) in policy.terms.iter().enumerate() {
        for phrase in &term.phrases {
            let all = english::tokens(phrase);
            let lead = all.iter().take_while(|t| t.determiner).count();
            let ts: Vec<Token> = all.into_iter().filter(|t| !t.determiner).collect();
            if !ts.is_empty() {
                for v in english::variants(&ts) {
                    out.push((v, i, lead));
                }
                out.push((ts, i, lead));
            }
        }
    }
    // Longer phrases first; of equal ones, the one written with its article.
    out.sort_by_key(|(phrase, _, lead)| std::cmp::Reverse((phrase.len(), *lead)));
    out
}

/// A term found in the question: the term, its first and last content word (indices into
/// the content words), and the misspellings read as the term's words.
#[derive(Clone, Debug)]
pub(super) struct Match {
    pub(super) term: usize,
    pub(super) first: usize,
    pub(super) last: usize,
    pub(super) spelled: Vec<(String, String)>,
    /// The articles the phrase starts with (`the Administrator`), shown with its words.
    pub(super) lead: usize,
    /// A negator stands inside the phrase (`the Commission has not approved`).
    pub(super) negated: bool,
}

/// Aligns a phrase with the question's words from `start`: each phrase word equal by key
/// (or, when `fuzzy`, a misspelling of it); between phrase words the question may have
/// auxiliaries and negators. Returns the match, or `None`.
fn align(ws: &[Token], start: usize, phrase: &[Token], fuzzy: bool) -> Option<Match> {
    let mut i = start;
    let mut spelled = Vec::new();
    let mut negated = false;
    for (n, p) in phrase.iter().enumerate() {
        if n > 0 {
            while ws
                .get(i)
                .is_some_and(|w| w.key != p.key && english::is_auxiliary(w))
            {
                negated |= english::is_negator(&ws[i]);
                i += 1;
            }
        }
        let w = ws.get(i)?;
        if w.key != p.key {
            if fuzzy && english::misspelling(w, p) {
                spelled.push((w.raw.clone(), p.raw.clone()));
            } else {
                return None;
            }
        }
        i += 1;
    }
    Some(Match {
        term: 0,
        first: start,
        last: i - 1,
        spelled,
        lead: 0,
        negated,
    })
}

/// Matches a policy's terms against the question's content words: longest phrase first,
/// exact keys before misspellings, no overlaps; of phrases of one length, the one further
/// right (English compounds put their head last: `give customer names` is about customer
/// names). Returns the matches in question order.
pub(super) fn matches(policy: &Policy, ws: &[Token], blocked: &[bool]) -> Vec<Match> {
    let mut candidates = Vec::new();
    for (phrase, term, lead) in phrases(policy) {
        for fuzzy in [false, true] {
            for start in 0..ws.len() {
                if let Some(mut m) = align(ws, start, &phrase, fuzzy) {
                    if fuzzy && m.spelled.is_empty() {
                        continue;
                    }
                    // A verb with the party it gives to (`give customers`) whose party runs
                    // on into a noun (`give customer names`) names no party.
                    if phrase.len() >= 2
                        && english::is_giving(&phrase[0])
                        && !STOPWORDS.contains(&phrase[1].raw.as_str())
                        && ws.get(m.last + 1).is_some_and(|t| {
                            t.clause == ws[m.last].clause
                                && !t.after_determiner
                                && !STOPWORDS.contains(&t.raw.as_str())
                        })
                    {
                        continue;
                    }
                    m.term = term;
                    m.lead = lead;
                    candidates.push((phrase.len(), fuzzy, m));
                }
            }
        }
    }
    candidates.sort_by_key(|(n, fuzzy, m)| {
        (
            std::cmp::Reverse(*n),
            *fuzzy,
            std::cmp::Reverse(m.first),
            std::cmp::Reverse(m.lead),
        )
    });
    let mut taken = blocked.to_vec();
    taken.resize(ws.len(), false);
    let mut found = Vec::new();
    for (_, _, m) in candidates {
        if taken[m.first..=m.last].iter().any(|t| *t) {
            continue;
        }
        taken[m.first..=m.last].iter_mut().for_each(|t| *t = true);
        found.push(m);
    }
    found.sort_by_key(|m| m.first);
    found
}
