//! The reference evaluator: the straightforward algorithm the compiled evaluator replaced,
//! kept (test-only) so that the differential tests can compare the two on many requests.
//!
//! Every leaf is evaluated through the expression arena, definitions by reference; a case
//! split clones the request per value. Slow and obviously right.

use super::split::CaseValue;
use super::{eval_expr, leaf_applies, unknown_in, Decision, Outcome, Tri};
use crate::ast::EffectKind;
use crate::ir::{Expr, FactId, LeafId, Policy, Type};
use crate::request::Request;
use crate::value::Value;
use std::sync::Arc;

const BUDGET: usize = 4096;

/// Evaluates a request the reference way.
pub fn decide(policy: &Policy, request: &Request) -> Decision {
    let mut budget = BUDGET;
    decide_split(policy, request, &mut budget)
}

/// Evaluates a request the reference way, with the trace [`super::trace_of`] gives.
pub fn decide_traced(policy: &Policy, request: &Request) -> Decision {
    let mut decision = decide(policy, request);
    decision.trace = Some(super::trace_of(policy, request));
    decision
}

fn decide_known(policy: &Policy, request: &Request) -> Option<Decision> {
    let mut applicable: Vec<(LeafId, EffectKind)> = Vec::new();
    let mut unknown = false;
    for i in 0..policy.leaves.len() {
        let leaf = LeafId(i as u32);
        match leaf_applies(policy, request, leaf) {
            Tri::False => {}
            Tri::Unknown => unknown = true,
            Tri::True => {
                let l = policy.leaf(leaf);
                let only_if = l.only_if.map(|(e, _)| eval_expr(policy, request, e));
                let effect = match super::effective(l.effect, only_if) {
                    super::Effective::Is(effect) => effect,
                    super::Effective::Absent => continue,
                    super::Effective::Unknown => {
                        unknown = true;
                        continue;
                    }
                };
                applicable.push((leaf, effect));
            }
        }
    }
    if unknown {
        return None;
    }
    let scoped: Vec<(LeafId, EffectKind)> = applicable
        .iter()
        .copied()
        .filter(|(_, e)| *e == EffectKind::OutOfScope)
        .collect();
    let pool = if scoped.is_empty() {
        applicable
    } else {
        scoped
    };
    let winners: Vec<(LeafId, EffectKind)> = pool
        .iter()
        .copied()
        .filter(|(l, _)| {
            !pool
                .iter()
                .any(|(o, _)| o != l && policy.leaf(*o).overrides_leaf(*l))
        })
        .collect();
    let outcome = super::outcome_of(winners.iter().map(|(_, e)| *e));
    let mut cites: Vec<LeafId> = winners.iter().map(|(l, _)| *l).collect();
    cites.sort_by_key(|l| {
        let node = policy.node(policy.leaf(*l).node);
        (std::cmp::Reverse(node.cite.path.len()), l.0)
    });
    let mut obligations = Vec::new();
    if outcome.allows() || outcome == Outcome::Prohibited {
        for (l, effect) in &winners {
            if *effect != policy.leaf(*l).effect {
                continue;
            }
            for &o in &policy.leaf(*l).obligations {
                let ob = &policy.obligations[o as usize];
                match ob.when.map(|e| eval_expr(policy, request, e)) {
                    None | Some(Tri::True) => obligations.push(o),
                    Some(Tri::False) => {}
                    Some(Tri::Unknown) => return None,
                }
            }
        }
    }
    Some(Decision {
        outcome,
        cites,
        definitions: Vec::new(),
        obligations,
        depends_on: Vec::new(),
        cases: Vec::new(),
        trace: None,
    })
}

fn first_unknown_fact(policy: &Policy, request: &Request) -> Option<FactId> {
    for (i, leaf) in policy.leaves.iter().enumerate() {
        match leaf_applies(policy, request, LeafId(i as u32)) {
            Tri::False => continue,
            Tri::Unknown => {
                for c in &leaf.conjuncts {
                    if let Some(f) = unknown_in(policy, request, c.expr) {
                        return Some(f);
                    }
                }
            }
            Tri::True => {
                if let Some((e, _)) = leaf.only_if {
                    if let Some(f) = unknown_in(policy, request, e) {
                        return Some(f);
                    }
                }
                for &o in &leaf.obligations {
                    if let Some(e) = policy.obligations.get(o as usize).and_then(|o| o.when) {
                        if let Some(f) = unknown_in(policy, request, e) {
                            return Some(f);
                        }
                    }
                }
            }
        }
    }
    None
}

fn split_values(policy: &Policy, fact: FactId, request: &Request) -> Vec<Value> {
    match &policy.fact(fact).ty {
        Type::Bool => vec![Value::Bool(true), Value::Bool(false)],
        Type::Enum(members) => {
            let allowed = request.restriction(fact).unwrap_or(u64::MAX);
            (0..members.len())
                .filter(|i| allowed & (1u64 << i) != 0)
                .map(|i| Value::Enum(i as u8))
                .collect()
        }
        Type::Number | Type::Date => super::split::fact_regions(policy, fact)
            .into_iter()
            .map(|r| r.value)
            .collect(),
        Type::Text => {
            let constants = policy.text_constants(fact);
            let other: String = constants
                .iter()
                .map(|c| c.len())
                .max()
                .map_or(String::new(), |n| "\u{0}".repeat(n + 1));
            let mut values: Vec<Value> = constants.into_iter().map(Value::Text).collect();
            values.push(Value::Text(Arc::from(other)));
            values
        }
        Type::Set(_) => {
            let mut member = None;
            for e in &policy.exprs {
                if let Expr::Contains { fact: f, member: m } = e {
                    if *f == fact {
                        member = Some(*m);
                        break;
                    }
                }
            }
            match member {
                Some(m) => vec![Value::Set(1u64 << m), Value::Set(0)],
                None => vec![Value::Set(0)],
            }
        }
    }
}

fn decide_split(policy: &Policy, request: &Request, budget: &mut usize) -> Decision {
    *budget = budget.saturating_sub(1);
    if let Some(d) = decide_known(policy, request) {
        return d;
    }
    let Some(fact) = first_unknown_fact(policy, request) else {
        return Decision::undetermined(Vec::new());
    };
    if *budget == 0 {
        return Decision::undetermined(vec![fact]);
    }
    let values = split_values(policy, fact, request);
    let mut subs: Vec<(Value, Decision)> = Vec::with_capacity(values.len());
    for v in values {
        let mut r = request.clone();
        r.assume(fact, v.clone());
        let d = decide_split(policy, &r, budget);
        subs.push((v, d));
    }
    super::split::combine(fact, group(policy, fact, subs))
}

fn group(
    policy: &Policy,
    fact: FactId,
    subs: Vec<(Value, Decision)>,
) -> Vec<(CaseValue, Decision)> {
    use super::split::{fact_regions, group_values, Grouping};
    match &policy.fact(fact).ty {
        Type::Enum(_) => group_values(Grouping::Members, subs),
        Type::Number | Type::Date => {
            group_values(Grouping::Regions(&fact_regions(policy, fact)), subs)
        }
        _ => group_values(Grouping::Values, subs),
    }
}
