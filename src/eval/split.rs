//! The case split over unknown facts.

use super::compile::{Compiled, SplitKind};
use super::{Decision, Outcome};
use crate::ir::{DefId, FactId, LeafId, Policy, Range, Type};
use crate::request::{Origin, Request};
use crate::value::Value;
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
        let show = |x: f64| declared.show_bound(x);
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
    let Some(fact) = compiled.first_unknown_fact(request) else {
        return Decision::undetermined(Vec::new());
    };
    if *budget == 0 {
        return Decision::undetermined(vec![fact]);
    }
    let values = compiled.split_values(fact, request);
    let mut subs: Vec<(Value, Decision)> = Vec::with_capacity(values.len());
    for v in values {
        let saved = request.replace(fact, Some(v.clone()), Origin::Given);
        let d = decide_split(compiled, request, budget);
        request.replace(fact, saved.0, saved.1);
        subs.push((v, d));
    }
    combine(fact, group(compiled, fact, subs))
}

/// The decision over the values of `fact`, grouped: when every group decides alike, that
/// decision; when every case has the same outcome, that outcome (the design brief: "if every
/// completion of the unknown facts gives the same outcome, that is the answer"), citing every
/// case's cites, with the obligations common to all, and the cases kept so that a reader sees
/// which cite applies when; otherwise `undetermined`, with the facts it depends on and the
/// cases. Every case split (the evaluator's, `ask`'s, the reference evaluator's) ends here.
pub(crate) fn combine(fact: FactId, groups: Vec<(CaseValue, Decision)>) -> Decision {
    if let Some((_, first)) = groups.first() {
        if groups.iter().all(|(_, d)| d.same_answer(first)) {
            let mut rest = groups.into_iter();
            let mut only = rest.next().map(|(_, d)| d).unwrap_or_default();
            for (_, d) in rest {
                only.absorb(&d);
            }
            return only;
        }
    }
    let mut decision = undetermined_by(fact, groups);
    let outcome = decision.cases.first().map(|c| c.outcome);
    if let Some(outcome) = outcome {
        if outcome != Outcome::Undetermined && decision.cases.iter().all(|c| c.outcome == outcome) {
            let mut common = decision.cases[0].obligations.clone();
            for c in &decision.cases[1..] {
                common.retain(|o| c.obligations.contains(o));
            }
            decision.outcome = outcome;
            decision.obligations = common;
            decision.depends_on.clear();
            // The provisions that decide in every case first, then those of some cases.
            let every = decision.cites_in_every_case();
            decision.cites.sort_by_key(|l| !every.contains(l));
        }
    }
    decision
}

/// The undetermined decision whose cases are, for each group of values of `fact`, the
/// decision under those values (its own cases nested under them).
fn undetermined_by(fact: FactId, groups: Vec<(CaseValue, Decision)>) -> Decision {
    let mut cases = Vec::new();
    let mut definitions: Vec<DefId> = Vec::new();
    for (value, d) in groups {
        for def in &d.definitions {
            if !definitions.contains(def) {
                definitions.push(*def);
            }
        }
        if !d.cases.is_empty() {
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
        definitions,
        obligations: Vec::new(),
        depends_on,
        cases,
        trace: None,
    }
}

impl Compiled {
    /// The values of a fact worth distinguishing: every boolean, every enumeration member
    /// (within the request's restriction), one value per region the policy's thresholds
    /// cut a number or date into (within its declared range), each text constant and one other text, a set with and
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
            SplitKind::Number(regions) | SplitKind::Date(regions) => {
                regions.iter().map(|r| r.value.clone()).collect()
            }
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
        Some(SplitKind::Enum(_)) => group_values(Grouping::Members, subs),
        Some(SplitKind::Number(regions) | SplitKind::Date(regions)) => {
            group_values(Grouping::Regions(regions), subs)
        }
        _ => group_values(Grouping::Values, subs),
    }
}

/// How the values of one fact are grouped into cases.
pub(crate) enum Grouping<'r> {
    /// Enumeration members with the same answer become one set.
    Members,
    /// Adjacent regions with the same answer become one range.
    Regions(&'r [Region]),
    /// Each value is its own case.
    Values,
}

/// Groups the decisions for the values of one fact into cases (see [`Grouping`]).
pub(crate) fn group_values(
    grouping: Grouping<'_>,
    subs: Vec<(Value, Decision)>,
) -> Vec<(CaseValue, Decision)> {
    match grouping {
        Grouping::Members => group_members(subs.into_iter().filter_map(|(v, d)| match v {
            Value::Enum(i) => Some((i, d)),
            _ => None,
        })),
        Grouping::Regions(regions) => {
            let mut out: Vec<(CaseValue, Decision)> = Vec::new();
            for (v, d) in subs {
                let Some(Region { lo, hi, .. }) = region_of(regions, &v) else {
                    continue;
                };
                let (lo, hi) = (*lo, *hi);
                match out.last_mut() {
                    Some((CaseValue::Range { hi: last_hi, .. }, last)) if last.same_answer(&d) => {
                        *last_hi = hi;
                        last.absorb(&d);
                    }
                    _ => out.push((CaseValue::Range { lo, hi }, d)),
                }
            }
            out
        }
        Grouping::Values => subs
            .into_iter()
            .map(|(v, d)| (CaseValue::Value(v), d))
            .collect(),
    }
}

/// Groups the members of an enumeration fact that give the same answer into one case each.
pub(crate) fn group_members(
    subs: impl IntoIterator<Item = (u8, Decision)>,
) -> Vec<(CaseValue, Decision)> {
    let mut groups: Vec<(u64, Decision)> = Vec::new();
    for (i, d) in subs {
        match groups.iter_mut().find(|(_, g)| g.same_answer(&d)) {
            Some((mask, g)) => {
                *mask |= 1u64 << i;
                g.absorb(&d);
            }
            None => groups.push((1u64 << i, d)),
        }
    }
    groups
        .into_iter()
        .map(|(mask, d)| (CaseValue::of_members(mask), d))
        .collect()
}

/// A bound of a region: `(value, inclusive)`, `None` when unbounded.
pub(crate) type Bound = Option<(f64, bool)>;

/// A region of the line that a policy's thresholds cut a number or date fact into, within
/// the fact's declared range, and the one value a case split tries in it.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Region {
    /// The lower bound.
    pub lo: Bound,
    /// The upper bound.
    pub hi: Bound,
    /// The value tried.
    pub value: Value,
}

impl Region {
    /// Whether `x` lies in the region.
    pub(crate) fn contains(&self, x: f64) -> bool {
        Range {
            lo: self.lo,
            hi: self.hi,
        }
        .contains(x)
    }
}

/// The regions of a policy's number or date fact: its thresholds, within its range.
pub(crate) fn fact_regions(policy: &Policy, fact: FactId) -> Vec<Region> {
    let declared = policy.fact(fact);
    let thresholds = policy
        .thresholds
        .get(fact.index())
        .map_or(&[][..], Vec::as_slice);
    regions(
        thresholds,
        matches!(declared.ty, Type::Date),
        &declared.range,
    )
}

/// The region a value lies in.
pub(crate) fn region_of<'r>(regions: &'r [Region], value: &Value) -> Option<&'r Region> {
    let x = match value {
        Value::Number(n) => *n,
        Value::Date(days) => f64::from(*days),
        _ => return None,
    };
    regions.iter().find(|r| r.contains(x))
}

/// The regions the sorted `thresholds` cut the line into, in order — below the first, each
/// threshold, between two, above the last — each cut to the declared `range`; a region
/// wholly outside the range is none. The value tried in each is, in order of preference,
/// an inclusive lower bound, an inclusive upper bound, the middle of two thresholds, one
/// above the only lower bound or one below the only upper bound (0 when unbounded). Dates
/// are whole days: a region without a whole day in it is none.
pub(crate) fn regions(thresholds: &[f64], is_date: bool, range: &Range) -> Vec<Region> {
    let make = |x: f64| {
        if is_date {
            Value::Date(x as i32)
        } else {
            Value::Number(x)
        }
    };
    let mut out = Vec::with_capacity(2 * thresholds.len() + 1);
    let between = |lo: Bound, hi: Bound, out: &mut Vec<Region>| {
        let lo = tighter(lo, range.lo, true);
        let hi = tighter(hi, range.hi, false);
        if let Some(x) = pick(lo, hi, is_date) {
            out.push(Region {
                lo,
                hi,
                value: make(x),
            });
        }
    };
    let mut previous: Bound = None;
    for &t in thresholds {
        between(previous, Some((t, false)), &mut out);
        if range.contains(t) {
            out.push(Region {
                lo: Some((t, true)),
                hi: Some((t, true)),
                value: make(t),
            });
        }
        previous = Some((t, false));
    }
    between(previous, None, &mut out);
    out
}

/// The tighter of two lower (or upper) bounds.
fn tighter(a: Bound, b: Bound, lower: bool) -> Bound {
    match (a, b) {
        (Some(x), Some(y)) => {
            let x_tighter = if lower { x.0 > y.0 } else { x.0 < y.0 };
            if x_tighter || (x.0 == y.0 && !x.1) {
                Some(x)
            } else {
                Some(y)
            }
        }
        (x, None) => x,
        (None, y) => y,
    }
}

/// The value a case split tries between two bounds, if any value lies between them.
fn pick(lo: Bound, hi: Bound, is_date: bool) -> Option<f64> {
    if is_date {
        let first = lo.map(|(x, inclusive)| if inclusive { x.ceil() } else { x.floor() + 1.0 });
        let last = hi.map(|(x, inclusive)| if inclusive { x.floor() } else { x.ceil() - 1.0 });
        return match (first, last) {
            (Some(a), Some(b)) => (a <= b).then_some(a),
            (Some(a), None) => Some(a),
            (None, Some(b)) => Some(b),
            (None, None) => Some(0.0),
        };
    }
    if let (Some((a, a_in)), Some((b, b_in))) = (lo, hi) {
        if a > b || (a == b && !(a_in && b_in)) {
            return None;
        }
    }
    Some(match (lo, hi) {
        (Some((a, true)), _) => a,
        (_, Some((b, true))) => b,
        (Some((a, _)), Some((b, _))) => (a + b) / 2.0,
        (Some((a, _)), None) => a + 1.0,
        (None, Some((b, _))) => b - 1.0,
        (None, None) => 0.0,
    })
}
