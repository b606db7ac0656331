//! Evaluation: IR + request → [`Decision`].
//!
//! Conditions use three-valued (Kleene) logic over unknown facts. When every fact a
//! decision needs is known, one pass decides. Otherwise the evaluator splits on the unknown
//! facts that matter (booleans, enumeration members, and the thresholds the policy compares
//! numbers against): if every case gives the same decision, that is the answer; if not, the
//! outcome is `undetermined`, with the facts it depends on and the decision in each case.

use crate::ast::{CompareOp, EffectKind};
use crate::ir::{Expr, ExprId, FactId, LeafId, Policy, Type};
use crate::request::Request;
use crate::value::Value;
use std::sync::Arc;

mod split;

pub use split::{Case, CaseValue};

/// The outcome of a question.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Outcome {
    /// must (implies may)
    Required,
    /// may
    Permitted,
    /// may not
    Prohibited,
    /// no provision in scope speaks to it
    NotAddressed,
    /// depends on facts the request does not give
    Undetermined,
    /// two provisions apply with different outcomes and nothing orders them; treat as not
    /// permitted
    Conflict,
}

impl Outcome {
    /// The outcome's name in the decision contract.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Required => "required",
            Outcome::Permitted => "permitted",
            Outcome::Prohibited => "prohibited",
            Outcome::NotAddressed => "not_addressed",
            Outcome::Undetermined => "undetermined",
            Outcome::Conflict => "conflict",
        }
    }

    /// Parses an outcome's name.
    pub fn parse(name: &str) -> Option<Outcome> {
        Some(match name {
            "required" => Outcome::Required,
            "permitted" => Outcome::Permitted,
            "prohibited" => Outcome::Prohibited,
            "not_addressed" => Outcome::NotAddressed,
            "undetermined" => Outcome::Undetermined,
            "conflict" => Outcome::Conflict,
            _ => return None,
        })
    }

    /// Whether the outcome allows the act. Only `required` and `permitted` do: every
    /// other outcome, `conflict` and `undetermined` included, is not a permission.
    pub fn allows(self) -> bool {
        matches!(self, Outcome::Required | Outcome::Permitted)
    }
}

/// A truth value of three-valued logic.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Tri {
    /// Known false.
    False,
    /// Known true.
    True,
    /// Depends on an unknown fact.
    Unknown,
}

impl Tri {
    fn from_bool(b: bool) -> Tri {
        if b {
            Tri::True
        } else {
            Tri::False
        }
    }

    fn not(self) -> Tri {
        match self {
            Tri::True => Tri::False,
            Tri::False => Tri::True,
            Tri::Unknown => Tri::Unknown,
        }
    }
}

/// A decision: the outcome, the provisions that determined it, the duties that come with
/// it, and — when undetermined — the facts it depends on and the decision in each case.
#[derive(Clone, Debug, PartialEq)]
pub struct Decision {
    /// The outcome.
    pub outcome: Outcome,
    /// The deciding provisions (leaves), most specific first.
    pub cites: Vec<LeafId>,
    /// The obligations that come with the decision (indices into the policy's obligations).
    pub obligations: Vec<u32>,
    /// For `undetermined`: the unknown facts the outcome depends on.
    pub depends_on: Vec<FactId>,
    /// For `undetermined`: one entry per distinguishable case.
    pub cases: Vec<Case>,
    /// The evaluation trace, when asked for.
    pub trace: Option<Trace>,
}

/// What the evaluator saw, for explanations: every leaf's state and how exceptions fell.
#[derive(Clone, Debug, PartialEq)]
pub struct Trace {
    /// Each leaf's applicability (indexed by leaf).
    pub applies: Vec<Tri>,
    /// Each leaf's `only if` condition, where it has one and applies.
    pub only_if: Vec<Option<Tri>>,
    /// Applicable provisions that were overridden, with the applicable exception that
    /// overrode each.
    pub overridden: Vec<(LeafId, LeafId)>,
}

/// Evaluates a condition in three-valued logic.
pub fn eval_expr(policy: &Policy, request: &Request, id: ExprId) -> Tri {
    match policy.expr(id) {
        Expr::Const(b) => Tri::from_bool(*b),
        Expr::Bool(f) => match request.get(*f) {
            Some(Value::Bool(b)) => Tri::from_bool(*b),
            _ => Tri::Unknown,
        },
        Expr::Def(d) => match policy.definitions.get(d.index()) {
            Some(def) => eval_expr(policy, request, def.expr),
            None => Tri::False,
        },
        Expr::Member { fact, mask } => match request.get(*fact) {
            Some(Value::Enum(i)) => Tri::from_bool(mask & (1u64 << i) != 0),
            _ => Tri::Unknown,
        },
        Expr::Compare { fact, op, value } => {
            let x = match request.get(*fact) {
                Some(Value::Number(n)) => *n,
                Some(Value::Date(d)) => f64::from(*d),
                _ => return Tri::Unknown,
            };
            Tri::from_bool(compare(x, *op, *value))
        }
        Expr::TextEq { fact, value } => match request.get(*fact) {
            Some(Value::Text(t)) => Tri::from_bool(t == value),
            _ => Tri::Unknown,
        },
        Expr::Contains { fact, member } => match request.get(*fact) {
            Some(Value::Set(bits)) => Tri::from_bool(bits & (1u64 << member) != 0),
            _ => Tri::Unknown,
        },
        Expr::Not(e) => eval_expr(policy, request, *e).not(),
        Expr::And(es) => {
            let mut out = Tri::True;
            for e in es {
                match eval_expr(policy, request, *e) {
                    Tri::False => return Tri::False,
                    Tri::Unknown => out = Tri::Unknown,
                    Tri::True => {}
                }
            }
            out
        }
        Expr::Or(es) => {
            let mut out = Tri::False;
            for e in es {
                match eval_expr(policy, request, *e) {
                    Tri::True => return Tri::True,
                    Tri::Unknown => out = Tri::Unknown,
                    Tri::False => {}
                }
            }
            out
        }
    }
}

/// `x op value`
pub fn compare(x: f64, op: CompareOp, value: f64) -> bool {
    match op {
        CompareOp::Lt => x < value,
        CompareOp::Le => x <= value,
        CompareOp::Gt => x > value,
        CompareOp::Ge => x >= value,
        CompareOp::Eq => x == value,
        CompareOp::Ne => x != value,
    }
}

/// Whether a leaf applies: the conjunction of its clauses, short-circuiting on false.
pub fn leaf_applies(policy: &Policy, request: &Request, leaf: LeafId) -> Tri {
    let mut out = Tri::True;
    for c in &policy.leaf(leaf).conjuncts {
        match eval_expr(policy, request, c.expr) {
            Tri::False => return Tri::False,
            Tri::Unknown => out = Tri::Unknown,
            Tri::True => {}
        }
    }
    out
}

/// Evaluates a request against a policy. With `trace`, the decision carries what the
/// evaluator saw, for explanations.
pub fn decide(policy: &Policy, request: &Request, trace: bool) -> Decision {
    let mut budget = split::BUDGET;
    let mut decision = split::decide_split(policy, request, &mut budget);
    if trace {
        decision.trace = Some(trace_of(policy, request));
    }
    decision
}

/// The state of every leaf for a request, and the exceptions that fell.
pub fn trace_of(policy: &Policy, request: &Request) -> Trace {
    let n = policy.leaves.len();
    let mut applies = Vec::with_capacity(n);
    let mut only_if = Vec::with_capacity(n);
    for i in 0..n {
        let leaf = LeafId(i as u32);
        let a = leaf_applies(policy, request, leaf);
        applies.push(a);
        only_if.push(match (a, policy.leaf(leaf).only_if) {
            (Tri::False, _) | (_, None) => None,
            (_, Some((e, _))) => Some(eval_expr(policy, request, e)),
        });
    }
    let mut overridden = Vec::new();
    for (i, a) in applies.iter().enumerate() {
        if *a != Tri::True {
            continue;
        }
        let leaf = LeafId(i as u32);
        if let Some(by) = (0..n)
            .map(|j| LeafId(j as u32))
            .find(|&j| applies[j.index()] == Tri::True && policy.leaf(j).overrides_leaf(leaf))
        {
            overridden.push((leaf, by));
        }
    }
    Trace {
        applies,
        only_if,
        overridden,
    }
}

/// Decides a request in which every fact that matters is known. Returns `None` when an
/// unknown fact could change the outcome (the caller splits on it).
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
                let effect = match l.only_if {
                    None => l.effect,
                    Some((e, _)) => match eval_expr(policy, request, e) {
                        Tri::True => l.effect,
                        // A duty that arises only if C does not arise; a permission given
                        // only if C is refused.
                        Tri::False if l.effect == EffectKind::Required => continue,
                        Tri::False => EffectKind::Prohibited,
                        Tri::Unknown => {
                            unknown = true;
                            continue;
                        }
                    },
                };
                applicable.push((leaf, effect));
            }
        }
    }
    if unknown {
        return None;
    }
    // Scope comes first: an applicable `out of scope` provision puts the question outside
    // the instrument, whatever else applies.
    let scoped: Vec<(LeafId, EffectKind)> = applicable
        .iter()
        .copied()
        .filter(|(_, e)| *e == EffectKind::OutOfScope)
        .collect();
    let pool = if scoped.is_empty() { applicable } else { scoped };
    let winners: Vec<(LeafId, EffectKind)> = pool
        .iter()
        .copied()
        .filter(|(l, _)| !pool.iter().any(|(o, _)| o != l && policy.leaf(*o).overrides_leaf(*l)))
        .collect();
    let outcome = outcome_of(&winners);
    let mut cites: Vec<LeafId> = winners.iter().map(|(l, _)| *l).collect();
    cites.sort_by_key(|l| {
        let node = policy.node(policy.leaf(*l).node);
        (std::cmp::Reverse(node.cite.path.len()), l.0)
    });
    let mut obligations = Vec::new();
    if outcome.allows() || outcome == Outcome::Prohibited {
        for (l, effect) in &winners {
            // Duties come with what the provision decides, not with its opposite.
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
        obligations,
        depends_on: Vec::new(),
        cases: Vec::new(),
        trace: None,
    })
}

fn outcome_of(winners: &[(LeafId, EffectKind)]) -> Outcome {
    let mut allows = false;
    let mut required = false;
    let mut prohibits = false;
    let mut out_of_scope = false;
    for (_, e) in winners {
        match e {
            EffectKind::Required => {
                allows = true;
                required = true;
            }
            EffectKind::Permitted => allows = true,
            EffectKind::Prohibited => prohibits = true,
            EffectKind::OutOfScope => out_of_scope = true,
        }
    }
    match (allows, prohibits, out_of_scope) {
        (false, false, false) => Outcome::NotAddressed,
        (false, false, true) => Outcome::NotAddressed,
        (true, false, false) if required => Outcome::Required,
        (true, false, false) => Outcome::Permitted,
        (false, true, false) => Outcome::Prohibited,
        _ => Outcome::Conflict,
    }
}

/// The first fact whose being unknown leaves a leaf (or its `only if`, or an obligation's
/// condition) undecided, in source order: the fact to split on next.
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

/// An unknown fact that makes this condition unknown, if any.
pub fn unknown_in(policy: &Policy, request: &Request, id: ExprId) -> Option<FactId> {
    if eval_expr(policy, request, id) != Tri::Unknown {
        return None;
    }
    match policy.expr(id) {
        Expr::Bool(f)
        | Expr::Member { fact: f, .. }
        | Expr::Compare { fact: f, .. }
        | Expr::TextEq { fact: f, .. }
        | Expr::Contains { fact: f, .. } => Some(*f),
        Expr::Def(d) => policy
            .definitions
            .get(d.index())
            .and_then(|def| unknown_in(policy, request, def.expr)),
        Expr::Not(e) => unknown_in(policy, request, *e),
        Expr::And(es) | Expr::Or(es) => es.iter().find_map(|e| unknown_in(policy, request, *e)),
        Expr::Const(_) => None,
    }
}

/// The values of a fact worth distinguishing: every boolean, every enumeration member,
/// one value per region the policy's thresholds cut a number or date into.
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
        Type::Number | Type::Date => {
            let thresholds = policy.thresholds.get(fact.index()).cloned().unwrap_or_default();
            let is_date = matches!(policy.fact(fact).ty, Type::Date);
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
                let next = thresholds.get(i + 1).map_or(t + 1.0, |n| {
                    if is_date {
                        // Dates are whole days: the day after, if it lies before the next.
                        if n - t > 1.0 {
                            t + 1.0
                        } else {
                            f64::NAN
                        }
                    } else {
                        (t + n) / 2.0
                    }
                });
                if !next.is_nan() {
                    values.push(make(next));
                }
            }
            values
        }
        Type::Text => {
            let mut constants: Vec<Arc<str>> = Vec::new();
            for e in &policy.exprs {
                if let Expr::TextEq { fact: f, value } = e {
                    if *f == fact && !constants.contains(value) {
                        constants.push(value.clone());
                    }
                }
            }
            let other: String = constants.iter().map(|c| c.len()).max().map_or(String::new(), |n| "\u{0}".repeat(n + 1));
            let mut values: Vec<Value> = constants.into_iter().map(Value::Text).collect();
            values.push(Value::Text(Arc::from(other)));
            values
        }
        Type::Set(_) => {
            // Split on the members the policy tests, one at a time.
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
