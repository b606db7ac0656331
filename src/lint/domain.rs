//! The values of a fact worth trying in a search: the same cases the evaluator splits on
//! (booleans, enumeration members, one value per region the policy's thresholds cut a
//! number or date into, within its declared range), plus every combination of the set
//! members the policy tests.

use crate::ir::{Expr, FactId, Policy, Range, Type};
use crate::value::Value;
use std::sync::Arc;

/// Beyond this many tested members, a set fact is tried with no member, each member alone
/// and all of them, rather than with every combination.
const MAX_SET_MEMBERS: usize = 6;

/// The values of every fact, computed once per policy.
pub(crate) struct Domains {
    values: Vec<Vec<Value>>,
    /// Per fact, whether its first value is its default (the others are in order).
    default_first: Vec<bool>,
}

impl Domains {
    /// The domains of a policy's facts.
    pub(crate) fn new(policy: &Policy) -> Domains {
        let values = (0..policy.facts.len())
            .map(|i| values_of(policy, FactId(i as u32)))
            .collect();
        let default_first = policy.facts.iter().map(|f| f.default.is_some()).collect();
        Domains {
            values,
            default_first,
        }
    }

    /// The values to try for a fact.
    pub(crate) fn of(&self, fact: FactId) -> &[Value] {
        self.values
            .get(fact.index())
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// The values to try for a number or date fact that must lie within `range`: the
    /// default first, if it is within, then the others within, in order. The values are
    /// sorted (but for the default, first), so the ones within are found by halving, not
    /// by trying thousands of thresholds that cannot hold.
    pub(crate) fn within(&self, fact: FactId, range: &Range) -> (Option<&Value>, &[Value]) {
        let values = self.of(fact);
        let x = |v: &Value| match v {
            Value::Number(n) => Some(*n),
            Value::Date(d) => Some(f64::from(*d)),
            _ => None,
        };
        // The default, when there is one, is first and out of order.
        let sorted_from = usize::from(self.default_first.get(fact.index()) == Some(&true));
        let sorted = values.get(sorted_from..).unwrap_or(&[]);
        let start = sorted.partition_point(|v| {
            x(v).is_some_and(|n| match range.lo {
                Some((lo, true)) => n < lo,
                Some((lo, false)) => n <= lo,
                None => false,
            })
        });
        let end = sorted.partition_point(|v| {
            x(v).is_some_and(|n| match range.hi {
                Some((hi, true)) => n <= hi,
                Some((hi, false)) => n < hi,
                None => true,
            })
        });
        let first = values
            .first()
            .filter(|v| sorted_from == 1 && x(v).is_some_and(|n| range.contains(n)));
        (first, sorted.get(start..end.max(start)).unwrap_or(&[]))
    }
}

/// The values to try, the fact's default first (so that witnesses read naturally: a fact
/// the search need not change keeps the value an absent fact takes).
fn values_of(policy: &Policy, fact: FactId) -> Vec<Value> {
    let mut values = domain(policy, fact);
    if let Some(default) = &policy.fact(fact).default {
        values.retain(|v| v != default);
        values.insert(0, default.clone());
    }
    values
}

fn domain(policy: &Policy, fact: FactId) -> Vec<Value> {
    let declared = policy.fact(fact);
    match &declared.ty {
        Type::Bool => vec![Value::Bool(true), Value::Bool(false)],
        Type::Enum(members) => (0..members.len().min(64))
            .map(|i| Value::Enum(i as u8))
            .collect(),
        Type::Number | Type::Date => crate::eval::fact_regions(policy, fact)
            .into_iter()
            .map(|r| r.value)
            .collect(),
        Type::Text => texts(policy, fact),
        Type::Set(_) => sets(policy, fact),
    }
}

/// Each constant the policy compares the text with, and one text equal to none of them.
fn texts(policy: &Policy, fact: FactId) -> Vec<Value> {
    let constants = policy.text_constants(fact);
    let mut other = String::from("other");
    while constants.iter().any(|c| **c == *other) {
        other.push('_');
    }
    let mut values: Vec<Value> = constants.into_iter().map(Value::Text).collect();
    values.push(Value::Text(Arc::from(other)));
    values
}

/// Every combination of the members the policy tests (`contains`), or for many members:
/// none, each alone, and all.
fn sets(policy: &Policy, fact: FactId) -> Vec<Value> {
    let mut tested: Vec<u8> = Vec::new();
    for e in &policy.exprs {
        if let Expr::Contains { fact: f, member } = e {
            if *f == fact && !tested.contains(member) && *member < 64 {
                tested.push(*member);
            }
        }
    }
    tested.sort_unstable();
    let bit = |m: u8| 1u64 << m;
    if tested.len() <= MAX_SET_MEMBERS {
        (0u32..(1u32 << tested.len()))
            .map(|combo| {
                let bits = tested
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| combo & (1 << i) != 0)
                    .fold(0u64, |acc, (_, m)| acc | bit(*m));
                Value::Set(bits)
            })
            .collect()
    } else {
        let mut values = vec![Value::Set(0)];
        values.extend(tested.iter().map(|m| Value::Set(bit(*m))));
        values.push(Value::Set(tested.iter().fold(0u64, |acc, m| acc | bit(*m))));
        values
    }
}
