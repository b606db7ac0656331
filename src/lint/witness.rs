//! A request under which a given provision decides: what the reachability rule (`L002`)
//! searches for, completed into a question the evaluator answers outright, so that a test
//! can be written from it ([`crate::suite::test_for_provision`]).
//!
//! The search leaves unknown the facts the provision does not need. Those take the base
//! (a test's background) or their default; where the answer still depends on one, it is
//! given the first value of its domain under which the provision still decides, one fact
//! at a time, until the answer is decided (Kleene logic is monotone: giving a fact never
//! takes a provision out of force that was known to be in force).

use super::search::{Found, Goal};
use super::unreachable::{reach, Reach};
use super::{Context, Options};
use crate::ast::EffectKind;
use crate::eval::{Decision, Outcome};
use crate::ir::{FactId, LeafId, Policy};
use crate::request::Request;
use crate::value::Value;

/// What the search found for one provision.
#[derive(Clone, Debug, PartialEq)]
pub enum Witness {
    /// The facts to give, beyond the base, in the vocabulary's order: with them the
    /// provision is among those that decide.
    Decides(Vec<(FactId, Value)>),
    /// The provision never decides (what `L002` reports), or, for `required only if …`,
    /// its duty never arises where it applies.
    Never,
    /// The search ran out of steps, or no request found decides with the provision cited.
    Undecided,
}

/// A request under which `leaf` decides, as the facts to give on top of `base` (a test's
/// background: facts given in both are given the witness's value).
pub fn witness(
    policy: &Policy,
    leaf: LeafId,
    base: &[(FactId, Value)],
    options: &Options,
) -> Witness {
    if leaf.index() >= policy.leaves.len() {
        return Witness::Undecided;
    }
    let cx = Context::new(policy, options);
    let mut found = match reach(&cx, leaf) {
        Reach::Decides(request) => request,
        Reach::NeverApplies | Reach::SetAside => return Witness::Never,
        Reach::Undecided => return Witness::Undecided,
    };
    // A duty `required only if …` decides only where it arises: its condition must hold too
    // (an absent fact would otherwise take a default under which it does not).
    let l = policy.leaf(leaf);
    if let (EffectKind::Required, Some((gate, _))) = (l.effect, l.only_if) {
        let mut holds = cx.conditions(leaf);
        holds.push(gate);
        found = match cx.search.find(&Goal {
            holds,
            opposed: None,
            blocked: cx.relevant_preemptors(leaf, &[leaf]),
            ranges: cx.ranges(&[leaf]),
        }) {
            Found::Yes(request) => request,
            Found::No => return Witness::Never,
            Found::Undecided => return Witness::Undecided,
        };
    }
    let mut givens: Vec<(FactId, Value)> = (0..policy.facts.len())
        .map(|i| FactId(i as u32))
        .filter_map(|f| found.get(f).map(|v| (f, v.clone())))
        .collect();
    // At most one step per fact: each step gives one more.
    for _ in 0..=policy.facts.len() {
        let decision = cx.compiled.decide(&request(policy, base, &givens));
        if !cites(&decision, leaf) {
            return Witness::Undecided;
        }
        if decision.outcome != Outcome::Undetermined {
            givens.sort_by_key(|(f, _)| *f);
            return Witness::Decides(givens);
        }
        let Some(&fact) = decision.depends_on.first() else {
            return Witness::Undecided;
        };
        let values = cx.search.domains().of(fact);
        let decide_with = |value: &Value| {
            let mut more = givens.clone();
            more.push((fact, value.clone()));
            cx.compiled.decide(&request(policy, base, &more))
        };
        // A value that decides with the provision cited, else one that keeps it cited in
        // some case.
        let mut fallback = None;
        let mut chosen = None;
        for value in values {
            let d = decide_with(value);
            if !cites(&d, leaf) {
                continue;
            }
            if d.outcome != Outcome::Undetermined {
                chosen = Some(value.clone());
                break;
            }
            if fallback.is_none() {
                fallback = Some(value.clone());
            }
        }
        match chosen.or(fallback) {
            Some(value) => givens.push((fact, value)),
            None => return Witness::Undecided,
        }
    }
    Witness::Undecided
}

/// The request of the base and the givens (which replace the base's), every other fact
/// unknown or at its default: the request a test with that background and those givens
/// states.
fn request(policy: &Policy, base: &[(FactId, Value)], givens: &[(FactId, Value)]) -> Request {
    let mut request = Request::empty(policy);
    for (fact, value) in base.iter().chain(givens) {
        request.assume(*fact, value.clone());
    }
    request
}

/// Whether the provision is among those a decision cites, in any of its cases.
fn cites(decision: &Decision, leaf: LeafId) -> bool {
    decision.cites.contains(&leaf) || decision.cases.iter().any(|c| c.cites.contains(&leaf))
}
