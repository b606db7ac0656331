//! Quantities in a question (`more than 1 aMW`): a number with a unit that a number fact's
//! description uses, read as one value when every value the words allow decides the
//! question alike (by the evaluator's own regions), else left open.

use super::english::{self, Token};
use super::STOPWORDS;
use crate::eval;
use crate::ir::{FactId, Policy, Type};
use crate::request::Request;
use crate::value::Value;

/// How a number in a question compares (`more than 1 aMW`, `at least 2`, `under 0.5`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Comparison {
    Equal,
    Above,
    AtLeast,
    Below,
    AtMost,
}

/// A number with a unit that the description of one number fact uses (`more than 1 aMW`:
/// the customer's usage in average megawatts).
#[derive(Clone, Debug)]
pub(super) struct Quantity {
    pub(super) fact: FactId,
    pub(super) first: usize,
    pub(super) last: usize,
    pub(super) comparison: Comparison,
    pub(super) number: f64,
}

/// The quantities of a question.
pub(super) fn quantities(policy: &Policy, ws: &[Token]) -> Vec<Quantity> {
    let term_words: Vec<String> = policy
        .terms
        .iter()
        .flat_map(|t| t.phrases.iter())
        .flat_map(|p| english::tokens(p))
        .map(|t| t.key)
        .collect();
    let mut out = Vec::new();
    for (i, t) in ws.iter().enumerate() {
        let Ok(number) = t.raw.parse::<f64>() else {
            continue;
        };
        // The unit: the words after the number that one number fact's description has.
        let mut best: Option<(usize, FactId)> = None;
        let mut tie = false;
        for (f, fact) in policy.facts.iter().enumerate() {
            if !matches!(fact.ty, Type::Number) {
                continue;
            }
            let keys: Vec<String> = english::tokens(&fact.meaning)
                .into_iter()
                .map(|t| t.key)
                .collect();
            // The longest run of the words after the number that the description has,
            // word for word; one word alone only if no term uses it (`2 customers` is
            // not a usage).
            let after: Vec<&Token> = ws[i + 1..]
                .iter()
                .take(3)
                .take_while(|w| w.clause == t.clause && !STOPWORDS.contains(&w.raw.as_str()))
                .collect();
            let n = (1..=after.len())
                .rev()
                .find(|&n| {
                    keys.windows(n)
                        .any(|k| k.iter().zip(&after[..n]).all(|(k, w)| *k == w.key))
                })
                .unwrap_or(0);
            let n = if n == 1 && term_words.contains(&after[0].key) {
                0
            } else {
                n
            };
            match best {
                _ if n == 0 => {}
                Some((m, _)) if m > n => {}
                Some((m, _)) if m == n => tie = true,
                _ => {
                    best = Some((n, FactId(f as u32)));
                    tie = false;
                }
            }
        }
        let (Some((unit, fact)), false) = (best, tie) else {
            continue;
        };
        let raw = |j: Option<usize>| j.and_then(|j| ws.get(j)).map_or("", |w| w.raw.as_str());
        let (before2, before1) = (raw(i.checked_sub(2)), raw(i.checked_sub(1)));
        let (after1, after2) = (raw(Some(i + unit + 1)), raw(Some(i + unit + 2)));
        let (comparison, first) = match (before2, before1) {
            ("more" | "greater" | "higher", "than") => (Comparison::Above, i - 2),
            (_, "over" | "above" | "exceeding" | "exceeds") => (Comparison::Above, i - 1),
            ("at", "least") => (Comparison::AtLeast, i - 2),
            ("less" | "fewer" | "lower", "than") => (Comparison::Below, i - 2),
            (_, "under" | "below") => (Comparison::Below, i - 1),
            ("at", "most") => (Comparison::AtMost, i - 2),
            _ => (Comparison::Equal, i),
        };
        let mut last = i + unit;
        let comparison = match (comparison, after1, after2) {
            (Comparison::Equal, "or", "more" | "greater" | "above" | "higher") => {
                last += 2;
                Comparison::AtLeast
            }
            (Comparison::Equal, "or", "less" | "fewer" | "below" | "lower") => {
                last += 2;
                Comparison::AtMost
            }
            (c, _, _) => c,
        };
        out.push(Quantity {
            fact,
            first,
            last,
            comparison,
            number,
        });
    }
    out
}

/// Verbs a quantity follows (`uses 2 aMW`): part of the quantity, not an action.
const QUANTITY_VERBS: &[&str] = &["use", "uses", "using", "consume", "consumes", "draws"];

/// Whether `x` is a value the quantity's words allow.
fn allows(q: &Quantity, x: f64) -> bool {
    match q.comparison {
        Comparison::Equal => x == q.number,
        Comparison::Above => x > q.number,
        Comparison::AtLeast => x >= q.number,
        Comparison::Below => x < q.number,
        Comparison::AtMost => x <= q.number,
    }
}

/// A value for a quantity that decides the question as every value its words allow does:
/// one value from each region of the policy's thresholds that the words reach (the
/// evaluator's own regions), all deciding alike; or `None`.
pub(super) fn value_for(policy: &Policy, request: &Request, q: &Quantity) -> Option<f64> {
    let declared = policy.fact(q.fact);
    if q.comparison == Comparison::Equal {
        return declared.range.contains(q.number).then_some(q.number);
    }
    let step = [1.0, 0.5, 0.1, 0.01];
    let mut values: Vec<f64> = Vec::new();
    for r in eval::fact_regions(policy, q.fact) {
        let Value::Number(v) = r.value else { continue };
        // The region's own value, or one near the number inside the region.
        let near = step
            .iter()
            .flat_map(|d| [q.number, q.number + d, q.number - d])
            .find(|x| r.contains(*x) && allows(q, *x) && declared.range.contains(*x));
        match (allows(q, v), near) {
            (true, _) => values.push(if r.contains(q.number) && allows(q, q.number) {
                q.number
            } else {
                v
            }),
            (false, Some(x)) => values.push(x),
            (false, None) => {}
        }
    }
    let decide = |x: f64| {
        let mut r = request.clone();
        r.assume(q.fact, Value::Number(x));
        let d = eval::decide(policy, &r);
        (d.outcome, d.cites, d.depends_on)
    };
    let first = *values.first()?;
    let expected = decide(first);
    values[1..]
        .iter()
        .all(|x| decide(*x) == expected)
        .then_some(first)
}

impl Comparison {
    /// The comparison as written in a reading (`>=`).
    pub(super) fn symbol(self) -> &'static str {
        match self {
            Comparison::Equal => "=",
            Comparison::Above => ">",
            Comparison::AtLeast => ">=",
            Comparison::Below => "<",
            Comparison::AtMost => "<=",
        }
    }
}

impl Quantity {
    /// The first word of the quantity, its verb included (`uses more than 1 aMW`).
    pub(super) fn start(&self, ws: &[Token]) -> usize {
        self.first
            .checked_sub(1)
            .filter(|&v| QUANTITY_VERBS.iter().any(|w| english::key(w) == ws[v].key))
            .unwrap_or(self.first)
    }
}
