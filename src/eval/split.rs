//! The case split over unknown facts.

use super::compile::{Compiled, SplitKind};
use super::{Decision, Outcome};
use crate::ir::{FactId, LeafId, Policy, Type};
use crate::request::{Origin, Request};
use crate::value::{format_date, format_number, Value};
use std::sync::Arc;

/// How many evaluations one decision may spend on case splits. Past it, the decision is
/// `undetermined` with the facts found so far and no further cases: never a guess.
pub(super) const BUDGET: usize = 4096;

/// One distinguishable case of an undetermined decision.
#[derive(Clone, Debug, PartialEq)]
pub struct Case {
    /// The facts and the values they take in this case.
    pub when: Vec<(FactId, CaseValue)>,
    /// The outcome in this case.
    pub outcome: Outcome,
    /// The deciding provisions in this case.
    pub cites: Vec<LeafId>,
    /// The obligations in this case.
    pub obligations: Vec<u32>,
}

/// The value a fact takes in a case.
#[derive(Clone, Debug, PartialEq)]
pub enum CaseValue {
    /// Exactly this value.
    Value(Value),
    /// Any of these enumeration members (a bit set).
    Members(u64),
    /// A number or date within these bounds (`(bound, inclusive)`).
    Range {
        /// Lower bound.
        lo: Option<(f64, bool)>,
        /// Upper bound.
        hi: Option<(f64, bool)>,
    },
}

impl CaseValue {
    /// The case of an enumeration fact taking one of `mask`'s members: the member itself
    /// when there is one.
    pub fn of_members(mask: u64) -> CaseValue {
        if mask.count_ones() == 1 {
            CaseValue::Value(Value::Enum(mask.trailing_zeros() as u8))
        } else {
            CaseValue::Members(mask)
        }
    }
}

impl CaseValue {
    /// The value as a request writes it, or as a comparison (`>= 1`).
    pub fn to_json(&self, policy: &Policy, fact: FactId) -> serde_json::Value {
        let declared = policy.fact(fact);
        match self {
            CaseValue::Value(v) => declared.to_json(v),
            CaseValue::Members(mask) => serde_json::Value::Array(
                declared
                    .ty
                    .members()
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| mask & (1u64 << i) != 0)
                    .map(|(_, m)| serde_json::Value::String(m.clone()))
                    .collect(),
            ),
            CaseValue::Range { .. } => serde_json::Value::String(self.describe(policy, fact)),
        }
    }

    /// The value in words: `ssn`, `one of a, b`, `>= 1`, `>= 1 and < 2`.
    pub fn describe(&self, policy: &Policy, fact: FactId) -> String {
        let declared = policy.fact(fact);
        let show = |x: f64| {
            if matches!(declared.ty, Type::Date) {
                format_date(x as i32)
            } else {
                format_number(x)
            }
        };
        match self {
            CaseValue::Value(v) => declared.show(v),
            CaseValue::Members(mask) => {
                let names: Vec<&str> = declared
                    .ty
                    .members()
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| mask & (1u64 << i) != 0)
                    .map(|(_, m)| m.as_str())
                    .collect();
                format!("one of {}", names.join(", "))
            }
            CaseValue::Range { lo, hi } => match (lo, hi) {
                (Some((a, true)), Some((b, true))) if a == b => format!("== {}", show(*a)),
                (None, None) => "any".to_string(),
                (Some((a, incl)), None) => {
                    format!("{} {}", if *incl { ">=" } else { ">" }, show(*a))
                }
                (None, Some((b, incl))) => {
                    format!("{} {}", if *incl { "<=" } else { "<" }, show(*b))
                }
                (Some((a, ai)), Some((b, bi))) => format!(
                    "{} {} and {} {}",
                    if *ai { ">=" } else { ">" },
                    show(*a),
                    if *bi { "<=" } else { "<" },
                    show(*b)
                ),
            },
        }
    }
}

/// Decides, splitting on unknown facts as needed. The request is changed while cases are
/// decided and restored before returning.
pub(super) fn decide_split(
    compiled: &Compiled,
    request: &mut Request,
    budget: &mut usize,
) -> Decision {
    *budget = budget.saturating_sub(1);
    let mut known = Decision::default();
    if compiled.decide_known(request, &mut known, None) {
        return known;
    }
    let undetermined = |depends_on: Vec<FactId>| Decision {
        outcome: Outcome::Undetermined,
        cites: Vec::new(),
        obligations: Vec::new(),
        depends_on,
        cases: Vec::new(),
        trace: None,
    };
    let Some(fact) = compiled.first_unknown_fact(request) else {
        return undetermined(Vec::new());
    };
    if *budget == 0 {
        return undetermined(vec![fact]);
    }
    let values = compiled.split_values(fact, request);
    let mut subs: Vec<(Value, Decision)> = Vec::with_capacity(values.len());
    for v in values {
        let saved = request.replace(fact, Some(v.clone()), Origin::Given);
        let d = decide_split(compiled, request, budget);
        request.replace(fact, saved.0, saved.1);
        subs.push((v, d));
    }
    if let Some((_, first)) = subs.first() {
        if subs.iter().all(|(_, d)| d == first) {
            return first.clone();
        }
        if let Some(settled) = same_outcome(subs.iter().map(|(_, d)| d)) {
            return settled;
        }
    }
    undetermined_by(fact, group(compiled, fact, subs))
}

/// The undetermined decision whose cases are, for each group of values of `fact`, the
/// decision under those values (its own cases nested under them).
pub(crate) fn undetermined_by(fact: FactId, groups: Vec<(CaseValue, Decision)>) -> Decision {
    let mut cases = Vec::new();
    for (value, d) in groups {
        if d.outcome == Outcome::Undetermined && !d.cases.is_empty() {
            for mut c in d.cases {
                c.when.insert(0, (fact, value.clone()));
                cases.push(c);
            }
        } else {
            cases.push(Case {
                when: vec![(fact, value)],
                outcome: d.outcome,
                cites: d.cites,
                obligations: d.obligations,
            });
        }
    }
    let mut depends_on: Vec<FactId> = Vec::new();
    let mut cites: Vec<LeafId> = Vec::new();
    for c in &cases {
        for (f, _) in &c.when {
            if !depends_on.contains(f) {
                depends_on.push(*f);
            }
        }
        for l in &c.cites {
            if !cites.contains(l) {
                cites.push(*l);
            }
        }
    }
    Decision {
        outcome: Outcome::Undetermined,
        cites,
        obligations: Vec::new(),
        depends_on,
        cases,
        trace: None,
    }
}

impl Compiled {
    /// The values of a fact worth distinguishing: every boolean, every enumeration member
    /// (within the request's restriction), one value per region the policy's thresholds
    /// cut a number or date into, each text constant and one other text, a set with and
    /// without the first member the policy tests.
    pub(super) fn split_values(&self, fact: FactId, request: &Request) -> Vec<Value> {
        let Some(kind) = self.facts.get(fact.index()) else {
            return Vec::new();
        };
        match kind {
            SplitKind::Bool => vec![Value::Bool(true), Value::Bool(false)],
            SplitKind::Enum(members) => {
                let allowed = request.restriction(fact).unwrap_or(u64::MAX);
                (0..*members)
                    .filter(|i| allowed & (1u64 << i) != 0)
                    .map(|i| Value::Enum(i as u8))
                    .collect()
            }
            SplitKind::Number(thresholds) => threshold_values(thresholds, false),
            SplitKind::Date(thresholds) => threshold_values(thresholds, true),
            SplitKind::Text(constants) => {
                let other: String = constants
                    .iter()
                    .map(|c| c.len())
                    .max()
                    .map_or(String::new(), |n| "\u{0}".repeat(n + 1));
                let mut values: Vec<Value> = constants.iter().cloned().map(Value::Text).collect();
                values.push(Value::Text(Arc::from(other)));
                values
            }
            SplitKind::Set(Some(m)) => vec![Value::Set(1u64 << m), Value::Set(0)],
            SplitKind::Set(None) => vec![Value::Set(0)],
        }
    }
}

/// Groups the values of a fact that lead to the same decision: enumeration members into
/// sets, adjacent number regions into ranges.
pub(super) fn group(
    compiled: &Compiled,
    fact: FactId,
    subs: Vec<(Value, Decision)>,
) -> Vec<(CaseValue, Decision)> {
    match compiled.facts.get(fact.index()) {
        Some(SplitKind::Enum(_)) => {
            let mut groups: Vec<(u64, Decision)> = Vec::new();
            for (v, d) in subs {
                let Value::Enum(i) = v else { continue };
                match groups.iter_mut().find(|(_, g)| *g == d) {
                    Some((mask, _)) => *mask |= 1u64 << i,
                    None => groups.push((1u64 << i, d)),
                }
            }
            groups
                .into_iter()
                .map(|(mask, d)| (CaseValue::of_members(mask), d))
                .collect()
        }
        Some(SplitKind::Number(thresholds) | SplitKind::Date(thresholds)) => {
            let mut out: Vec<(CaseValue, Decision)> = Vec::new();
            for (v, d) in subs {
                let x = match v {
                    Value::Number(n) => n,
                    Value::Date(days) => f64::from(days),
                    _ => continue,
                };
                let (lo, hi) = region(thresholds, x);
                match out.last_mut() {
                    Some((CaseValue::Range { hi: last_hi, .. }, last)) if *last == d => {
                        *last_hi = hi
                    }
                    _ => out.push((CaseValue::Range { lo, hi }, d)),
                }
            }
            out
        }
        _ => subs
            .into_iter()
            .map(|(v, d)| (CaseValue::Value(v), d))
            .collect(),
    }
}

pub(super) type Bound = Option<(f64, bool)>;

/// The region of the number line (cut at the thresholds) that `x` lies in.
pub(super) fn region(thresholds: &[f64], x: f64) -> (Bound, Bound) {
    if let Some(t) = thresholds.iter().find(|t| **t == x) {
        return (Some((*t, true)), Some((*t, true)));
    }
    let lo = thresholds
        .iter()
        .rev()
        .find(|t| **t < x)
        .map(|t| (*t, false));
    let hi = thresholds.iter().find(|t| **t > x).map(|t| (*t, false));
    (lo, hi)
}

/// When every case has the same outcome and the same obligations, only their cites
/// differ: the outcome is the answer, whatever the unknown fact ("if every completion of
/// the unknown facts gives the same outcome, that is the answer"). Its cites are the
/// provisions that decide in every case. When no provision decides in all of them, which
/// one decides depends on the facts, and the cases are kept.
pub(crate) fn same_outcome<'a>(
    mut decisions: impl Iterator<Item = &'a Decision>,
) -> Option<Decision> {
    let first = decisions.next()?;
    if first.outcome == Outcome::Undetermined {
        return None;
    }
    let mut common: Vec<LeafId> = first.cites.to_vec();
    let mut all: Vec<LeafId> = first.cites.to_vec();
    for d in decisions {
        if d.outcome != first.outcome || d.obligations != first.obligations {
            return None;
        }
        common.retain(|c| d.cites.contains(c));
        for c in d.cites.iter() {
            if !all.contains(c) {
                all.push(*c);
            }
        }
    }
    if common.is_empty() && !all.is_empty() {
        // No provision decides in every case: which one decides depends on the facts.
        return None;
    }
    let mut settled = first.clone();
    settled.cites = common.into_iter().collect();
    Some(settled)
}

/// The values a case split tries for a number or date fact, given the policy's thresholds
/// for it: one below the first, each threshold, one between each two and one above the
/// last (dates are whole days: the day after a threshold, when it lies before the next).
pub(crate) fn threshold_values(thresholds: &[f64], is_date: bool) -> Vec<Value> {
    let make = |x: f64| {
        if is_date {
            Value::Date(x as i32)
        } else {
            Value::Number(x)
        }
    };
    let mut values = Vec::new();
    match thresholds.first() {
        None => values.push(make(0.0)),
        Some(first) => values.push(make(first - 1.0)),
    }
    for (i, t) in thresholds.iter().enumerate() {
        values.push(make(*t));
        match thresholds.get(i + 1) {
            None => values.push(make(t + 1.0)),
            Some(next) if is_date => {
                if next - t > 1.0 {
                    values.push(make(t + 1.0));
                }
            }
            Some(next) => values.push(make((t + next) / 2.0)),
        }
    }
    values
}
