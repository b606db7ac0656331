//! What would change the answer: for a decided request, the smallest sets of changes to
//! its circumstances that give another outcome, computed from the policy, never guessed.
//!
//! - **Which facts.** The circumstances ([`is_circumstance`]) that the provisions the
//!   question can reach read, in their conditions or their `only if`: a provision that is
//!   false on the question's own keys alone stays false whatever else changes.
//! - **Which values.** Those the case split distinguishes ([`Compiled::split_values`]): the
//!   other boolean, the other members of an enumeration, one value in each region of the
//!   number line the policy's thresholds cut. Members (and adjacent regions) that give the
//!   same outcome and cites are reported together.
//! - **How many at once.** Every single change is tried; pairs only when no single change
//!   gives another outcome, so a pair is minimal: neither of its changes alone does.
//! - **What counts.** A change after which the decision is another decided outcome,
//!   `conflict` included. A change after which it is `undetermined` is not one: it says
//!   what else would need to be known, not what the answer would be.
//! - **How far.** At most [`BUDGET`] evaluations (case splits included); when the search
//!   stops there, the result says so ([`Counterfactuals::cut_off`]). A changed request
//!   that leaves facts unknown is decided (by the case split) only when each of its cases
//!   gives one other outcome: its cases are tried one by one, and the first that decides
//!   as the request does, or unlike another, ends it.

use super::compile::{Compiled, SplitKind};
use super::split::{self, CaseValue};
use super::{leaf_applies, Decision, Outcome, Tri};
use crate::ir::{DefId, FactId, LeafId, Policy};
use crate::request::{Origin, Request};
use crate::value::Value;

#[cfg(test)]
mod tests;

/// The top-level request keys that say what the question is about — who acts, what is
/// done, to whom, with which data, from where. Changing one of them asks another question,
/// so they are never changed; every other fact is a circumstance.
pub const QUESTION_KEYS: [&str; 5] = ["actor", "action", "recipient", "data", "data_source"];

/// Whether a fact is a circumstance of the question (anything but a [`QUESTION_KEYS`]
/// key): what a counterfactual may change.
pub fn is_circumstance(policy: &Policy, fact: FactId) -> bool {
    !QUESTION_KEYS.contains(&policy.fact(fact).name.as_str())
}

/// How many evaluations one search may spend (each decision of a changed request costs
/// one, and one more per case it splits into).
pub const BUDGET: usize = 4096;

/// A change of circumstances that gives another outcome.
#[derive(Clone, Debug, PartialEq)]
pub struct Counterfactual {
    /// The facts changed and the values they take (a member, several members that give
    /// the same outcome, or a region of the number line).
    pub changes: Vec<(FactId, CaseValue)>,
    /// The outcome with these changes.
    pub outcome: Outcome,
    /// The provisions that decide it.
    pub cites: Vec<LeafId>,
    /// The definitions of other subsections whose value decided it.
    pub definitions: Vec<crate::ir::DefId>,
}

/// What would change the answer.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Counterfactuals {
    /// The changes found: single ones, or pairs when no single change gives another
    /// outcome.
    pub found: Vec<Counterfactual>,
    /// The search stopped at its budget: other changes may give another outcome too.
    pub cut_off: bool,
}

/// What would change the answer to a decided request (none for an `undetermined` one).
/// This compiles the policy first; with a compiled policy at hand, use
/// [`Compiled::counterfactuals`].
pub fn counterfactuals(policy: &Policy, request: &Request, decision: &Decision) -> Counterfactuals {
    if decision.outcome == Outcome::Undetermined {
        return Counterfactuals::default();
    }
    Compiled::new(policy).counterfactuals(policy, request, decision)
}

impl Compiled {
    /// What would change the answer to a decided request (none for an `undetermined`
    /// one): see the [module documentation](self).
    pub fn counterfactuals(
        &self,
        policy: &Policy,
        request: &Request,
        decision: &Decision,
    ) -> Counterfactuals {
        search(self, policy, request, decision, BUDGET)
    }
}

/// The search, within `budget` evaluations.
pub(super) fn search(
    compiled: &Compiled,
    policy: &Policy,
    request: &Request,
    decision: &Decision,
    budget: usize,
) -> Counterfactuals {
    if decision.outcome == Outcome::Undetermined {
        return Counterfactuals::default();
    }
    let mut search = Search {
        compiled,
        policy,
        request,
        scratch: request.clone(),
        known: Decision::default(),
        budget,
        cut_off: false,
        current: decision.outcome,
    };
    let facts = candidates(policy, request);
    let mut found = Vec::new();
    // Each fact's values and what each gives, for the pairs.
    let mut singles = Vec::with_capacity(facts.len());
    for &fact in &facts {
        let values = search.values(fact);
        let gives = search.each_value(fact, &values, None);
        found.extend(search.report(fact, &values, &gives));
        singles.push((fact, values));
        if search.cut_off {
            break;
        }
    }
    if found.is_empty() && !search.cut_off {
        found = search.pairs(&singles);
    }
    Counterfactuals {
        found,
        cut_off: search.cut_off,
    }
}

/// The circumstances the provisions the question can reach read, in vocabulary order.
fn candidates(policy: &Policy, request: &Request) -> Vec<FactId> {
    // The question alone: its keys as the request gives them, every circumstance unknown.
    let mut question = request.clone();
    for i in 0..policy.facts.len() {
        let fact = FactId(i as u32);
        if is_circumstance(policy, fact) {
            question.replace(fact, None, Origin::Unknown);
        }
    }
    let mut read = vec![false; policy.facts.len()];
    for (i, leaf) in policy.leaves.iter().enumerate() {
        if leaf_applies(policy, &question, LeafId(i as u32)) == Tri::False {
            continue;
        }
        let conditions = leaf.conjuncts.iter().map(|c| c.expr);
        for e in conditions.chain(leaf.only_if.map(|(e, _)| e)) {
            for f in policy.facts_in(e) {
                if let Some(slot) = read.get_mut(f.index()) {
                    *slot = true;
                }
            }
        }
    }
    (0..policy.facts.len())
        .map(|i| FactId(i as u32))
        .filter(|&f| read.get(f.index()).copied().unwrap_or(false) && is_circumstance(policy, f))
        .collect()
}

/// What a change gives: another decided outcome (with the provisions that decide it), or
/// `None` for anything else (the same outcome, or `undetermined`).
type Gives = Option<Decision>;

struct Search<'a> {
    compiled: &'a Compiled,
    policy: &'a Policy,
    request: &'a Request,
    /// The request with the changes being tried (restored after each).
    scratch: Request,
    /// A decision to decide cases into.
    known: Decision,
    budget: usize,
    cut_off: bool,
    /// The outcome as it stands.
    current: Outcome,
}

impl Search<'_> {
    /// Another decided outcome, as the search compares them: by outcome and the provisions
    /// cited (the rules of one provision are one cite, that of its first leaf).
    fn gives(&self, outcome: Outcome, cites: &[LeafId], definitions: &[DefId]) -> Gives {
        if outcome == self.current || outcome == Outcome::Undetermined {
            return None;
        }
        let mut provisions: Vec<LeafId> = Vec::with_capacity(cites.len());
        for &l in cites {
            let node = self.policy.node(self.policy.leaf(l).node);
            let first = node
                .leaf
                .into_iter()
                .chain(node.rules.iter().copied())
                .min();
            let p = first.unwrap_or(l);
            if !provisions.contains(&p) {
                provisions.push(p);
            }
        }
        Some(Decision {
            outcome,
            cites: provisions,
            definitions: definitions.to_vec(),
            ..Decision::default()
        })
    }

    /// The values a case split tries for a fact.
    fn values(&self, fact: FactId) -> Vec<Value> {
        let values = self.compiled.split_values(fact, self.request);
        match self.compiled.facts.get(fact.index()) {
            // A text fact takes the texts the policy compares it with; the split's "any
            // other text" is not a value a reader could be told.
            Some(SplitKind::Text(constants)) => values
                .into_iter()
                .filter(|v| matches!(v, Value::Text(t) if constants.contains(t)))
                .collect(),
            _ => values,
        }
    }

    /// Whether `value` is the fact's value as the request stands: the same value, or for a
    /// number or date, one in the same region of the line (it decides alike).
    fn is_current(&self, fact: FactId, value: &Value) -> bool {
        let Some(now) = self.request.get(fact) else {
            return false;
        };
        match self.compiled.facts.get(fact.index()) {
            Some(SplitKind::Number(regions) | SplitKind::Date(regions)) => {
                match (
                    split::region_of(regions, now),
                    split::region_of(regions, value),
                ) {
                    (Some(a), Some(b)) => a == b,
                    _ => now == value,
                }
            }
            _ => now == value,
        }
    }

    /// What these changes give; `None` once the budget is spent.
    fn decide(&mut self, changes: &[(FactId, &Value)]) -> Option<Gives> {
        if self.budget == 0 {
            self.cut_off = true;
            return None;
        }
        let mut saved: smallvec::SmallVec<[_; 2]> = smallvec::SmallVec::new();
        for &(fact, value) in changes {
            let was = self
                .scratch
                .replace(fact, Some(value.clone()), Origin::Given);
            saved.push((fact, was));
        }
        // A decided outcome is the outcome of every case of the unknown facts: unless each
        // gives one other outcome, the change gives none, and the decision need not be made.
        let mut seen = None;
        let d = match self.one_other_outcome(&mut seen) {
            Some(false) => None,
            _ => Some(split::decide_split(
                self.compiled,
                &mut self.scratch,
                &mut self.budget,
            )),
        };
        for (fact, (value, origin)) in saved.into_iter().rev() {
            self.scratch.replace(fact, value, origin);
        }
        let Some(d) = d else {
            return Some(None);
        };
        if self.budget == 0 && d.outcome == Outcome::Undetermined {
            // Possibly undetermined only because the split ran out of budget.
            self.cut_off = true;
        }
        Some(self.gives(d.outcome, &d.cites, &d.definitions))
    }

    /// Whether every case of the scratch request's unknown facts (as the case split makes
    /// them) gives one outcome (`seen`, once one is seen) other than the request's: the
    /// cases are decided one by one until one shows that they do not. `None` when the
    /// budget runs out first.
    fn one_other_outcome(&mut self, seen: &mut Option<Outcome>) -> Option<bool> {
        if self.budget == 0 {
            return None;
        }
        self.budget -= 1;
        if self
            .compiled
            .decide_known(&self.scratch, &mut self.known, None)
        {
            let outcome = self.known.outcome;
            let other = outcome != self.current && seen.is_none_or(|first| first == outcome);
            *seen = Some(outcome);
            return Some(other);
        }
        // No fact to split on: the split leaves it undetermined.
        let Some(fact) = self.compiled.first_unknown_fact(&self.scratch) else {
            return Some(false);
        };
        for value in self.compiled.split_values(fact, &self.scratch) {
            let was = self.scratch.replace(fact, Some(value), Origin::Given);
            let each = self.one_other_outcome(seen);
            self.scratch.replace(fact, was.0, was.1);
            if each != Some(true) {
                return each;
            }
        }
        Some(true)
    }

    /// What each of `values` of `fact` gives, with `with` changed too (the fact's current
    /// value gives what `with` alone gives: nothing, since pairs are tried only when no
    /// single change gives anything). Only the values tried before the budget ran out.
    fn each_value(
        &mut self,
        fact: FactId,
        values: &[Value],
        with: Option<(FactId, &Value)>,
    ) -> Vec<Gives> {
        let mut gives = Vec::with_capacity(values.len());
        for value in values {
            let g = if self.is_current(fact, value) {
                None
            } else {
                let mut changes: smallvec::SmallVec<[_; 2]> = smallvec::smallvec![(fact, value)];
                changes.extend(with);
                let Some(g) = self.decide(&changes) else {
                    break;
                };
                g
            };
            gives.push(g);
        }
        gives
    }

    /// The groups of `values` of `fact` (as the case split groups them) that give another
    /// decided outcome, by what each value gives (`gives`, as long as `values` or shorter).
    fn report(&self, fact: FactId, values: &[Value], gives: &[Gives]) -> Vec<Counterfactual> {
        if gives.iter().all(Option::is_none) {
            return Vec::new();
        }
        // Any decision but another decided outcome stands for "nothing".
        let nothing = Decision {
            outcome: self.current,
            ..Decision::default()
        };
        let subs = values
            .iter()
            .zip(gives)
            .map(|(v, g)| (v.clone(), g.clone().unwrap_or_else(|| nothing.clone())))
            .collect();
        split::group(self.compiled, fact, subs)
            .into_iter()
            .filter(|(_, d)| d.outcome != self.current)
            .map(|(value, d)| Counterfactual {
                changes: vec![(fact, value)],
                outcome: d.outcome,
                cites: d.cites,
                definitions: d.definitions,
            })
            .collect()
    }

    /// Pairs of changes, tried when no single change gives another outcome (`singles`:
    /// each fact with its values): each pair is minimal, since neither of its changes alone
    /// gives another outcome.
    fn pairs(&mut self, singles: &[(FactId, Vec<Value>)]) -> Vec<Counterfactual> {
        let mut found = Vec::new();
        for (i, first) in singles.iter().enumerate() {
            for second in singles.iter().skip(i + 1) {
                found.extend(self.pair(first, second));
                if self.cut_off {
                    return found;
                }
            }
        }
        found
    }

    /// The pairs of changes of two facts that give another outcome (those found before the
    /// budget ran out).
    fn pair(
        &mut self,
        (first, first_values): &(FactId, Vec<Value>),
        (second, second_values): &(FactId, Vec<Value>),
    ) -> Vec<Counterfactual> {
        // For each changed value of the first fact, the groups of values of the second
        // that give another outcome with it.
        let mut by_first: Vec<Vec<Counterfactual>> = Vec::new();
        for value in first_values {
            let found = if self.is_current(*first, value) {
                Vec::new()
            } else {
                let gives = self.each_value(*second, second_values, Some((*first, value)));
                self.report(*second, second_values, &gives)
            };
            by_first.push(found);
            if self.cut_off {
                break;
            }
        }
        // The values of the first fact that give the same outcome and cites with the same
        // values of the second, grouped as the case split groups them.
        let mut kinds: Vec<&Counterfactual> = Vec::new();
        for c in by_first.iter().flatten() {
            if !kinds.contains(&c) {
                kinds.push(c);
            }
        }
        let mut out = Vec::new();
        for kind in kinds {
            let target = Decision {
                outcome: kind.outcome,
                cites: kind.cites.clone(),
                ..Decision::default()
            };
            let gives: Vec<Gives> = by_first
                .iter()
                .map(|found| found.contains(kind).then(|| target.clone()))
                .collect();
            for mut c in self.report(*first, first_values, &gives) {
                c.changes.extend(kind.changes.iter().cloned());
                out.push(c);
            }
        }
        out
    }
}
