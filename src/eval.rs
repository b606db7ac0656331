//! Evaluation: IR + request → [`Decision`].
//!
//! Conditions use three-valued (Kleene) logic over unknown facts. When every fact a
//! decision needs is known, one pass decides. Otherwise the evaluator splits on the unknown
//! facts that matter (booleans, enumeration members, and the thresholds the policy compares
//! numbers against, within the ranges the vocabulary declares): if every case gives the
//! same decision, that is the answer; if not, the outcome is `undetermined`, with the facts
//! it depends on and the decision in each case.
//!
//! Decisions are made by a [`Compiled`] policy: definitions inlined, conditions flattened,
//! and a dispatch tree on enumeration facts that skips the provisions a request's members
//! rule out. The trace explanations need is computed in the same pass.
//! [`crate::Engine`] compiles each policy once; [`decide`] compiles on the fly.

use crate::ast::{CompareOp, EffectKind};
use crate::ir::{DefId, Expr, ExprId, FactId, LeafId, Policy};
pub use crate::ir::{Outcome, Tri};
use crate::request::Request;
use crate::value::Value;

mod compile;
pub mod counterfactual;
#[cfg(test)]
mod reference;
mod scan;
mod split;
#[cfg(test)]
mod tests;

pub use compile::Compiled;
pub(crate) use compile::{any_of, Footprint};
pub use counterfactual::{counterfactuals, Counterfactual, Counterfactuals};
pub(crate) use split::{combine, fact_regions, group_members, regions, Region};
pub use split::{Case, CaseValue};

/// A decision: the outcome, the provisions that determined it, the duties that come with
/// it, and — when undetermined — the facts it depends on and the decision in each case.
#[derive(Clone, Debug, PartialEq)]
pub struct Decision {
    /// The outcome.
    pub outcome: Outcome,
    /// The deciding provisions (leaves), most specific first.
    pub cites: Vec<LeafId>,
    /// The definitions of other subsections whose value decided: the deciding provision
    /// reads them, and were one of them otherwise, another provision would decide
    /// otherwise (an opt-out an exception ended, an approval another section asks for).
    /// They are cited after the provisions.
    pub definitions: Vec<DefId>,
    /// The obligations that come with the decision (indices into the policy's obligations).
    pub obligations: Vec<u32>,
    /// For `undetermined`: the unknown facts the outcome depends on.
    pub depends_on: Vec<FactId>,
    /// For `undetermined`: one entry per distinguishable case.
    pub cases: Vec<Case>,
    /// The evaluation trace, when asked for.
    pub trace: Option<Trace>,
}

impl Decision {
    /// An undetermined decision that depends on `depends_on`, with no cases.
    pub(crate) fn undetermined(depends_on: Vec<FactId>) -> Decision {
        Decision {
            outcome: Outcome::Undetermined,
            depends_on,
            ..Decision::default()
        }
    }

    /// Whether two decisions give the same answer: outcome, cites, obligations, facts and
    /// cases. The definitions that decided are not compared: a case split groups the values
    /// that give the same answer and gathers their definitions ([`Decision::absorb`]).
    pub fn same_answer(&self, other: &Decision) -> bool {
        self.outcome == other.outcome
            && self.cites == other.cites
            && self.obligations == other.obligations
            && self.depends_on == other.depends_on
            && self.cases == other.cases
    }

    /// Gathers another decision's definitions into this one (for grouped values).
    pub fn absorb(&mut self, other: &Decision) {
        for d in &other.definitions {
            if !self.definitions.contains(d) {
                self.definitions.push(*d);
            }
        }
    }

    /// The cites that decide in every case: all of them when the decision has no cases.
    /// A decided outcome whose cases differ only in their cites names these as what
    /// decides, and the others as what also applies in some cases.
    pub fn cites_in_every_case(&self) -> Vec<LeafId> {
        self.cites
            .iter()
            .copied()
            .filter(|l| self.cases.iter().all(|c| c.cites.contains(l)))
            .collect()
    }
}

/// The effect a provision that applies has, once its `only if` is taken into account.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Effective {
    /// Its `only if` is not known yet.
    Unknown,
    /// A duty that arises only if a condition that fails: the provision does not decide.
    Absent,
    /// It decides with this effect.
    Is(EffectKind),
}

/// The rule of a conditional effect, in one place for the evaluator, the reference
/// evaluator and the linter: with no `only if`, or one that holds, the provision's own
/// effect; a duty whose condition fails does not arise; a permission whose condition is
/// known false is refused (`prohibited`, citing the provision).
#[inline]
pub fn effective(effect: EffectKind, only_if: Option<Tri>) -> Effective {
    match only_if {
        None | Some(Tri::True) => Effective::Is(effect),
        Some(Tri::False) if effect == EffectKind::Required => Effective::Absent,
        Some(Tri::False) => Effective::Is(EffectKind::Prohibited),
        Some(Tri::Unknown) => Effective::Unknown,
    }
}

/// The provision that puts the question outside the instrument, when that is the decision:
/// `not_addressed` because an `out of scope` provision applies (a municipal utility is not
/// an electric utility, so the Act does not apply), not because the text is silent.
pub fn out_of_scope(policy: &Policy, decision: &Decision) -> Option<LeafId> {
    if decision.outcome != Outcome::NotAddressed {
        return None;
    }
    decision
        .cites
        .iter()
        .copied()
        .find(|&l| policy.leaf(l).effect == crate::ast::EffectKind::OutOfScope)
}

/// The decision's citations as the contract writes them: the deciding provisions, then the
/// definitions whose value decided, each once.
pub fn cite_strings<'p>(policy: &'p Policy, decision: &Decision) -> Vec<&'p str> {
    cites_of(policy, &decision.cites, &decision.definitions)
}

/// Provisions' and then definitions' citations, each once (see [`cite_strings`]).
pub fn cites_of<'p>(policy: &'p Policy, cites: &[LeafId], definitions: &[DefId]) -> Vec<&'p str> {
    let mut out: Vec<&str> = Vec::with_capacity(cites.len());
    let provisions = cites.iter().map(|&l| policy.cite_of(l));
    let definitions = definitions
        .iter()
        .filter_map(|d| policy.definitions.get(d.index()))
        .map(|d| d.cite.full.as_str());
    for cite in provisions.chain(definitions) {
        if !out.contains(&cite) {
            out.push(cite);
        }
    }
    out
}

impl Default for Decision {
    /// An empty decision (`not_addressed`, nothing cited), to decide into
    /// ([`Compiled::decide_into`]).
    fn default() -> Self {
        Decision {
            outcome: Outcome::NotAddressed,
            cites: Vec::new(),
            definitions: Vec::new(),
            obligations: Vec::new(),
            depends_on: Vec::new(),
            cases: Vec::new(),
            trace: None,
        }
    }
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
    /// What would change the answer, when computed ([`Compiled::counterfactuals`];
    /// [`crate::Engine::decide_explained`] does): not by the evaluation itself, which
    /// leaves it `None`.
    pub counterfactuals: Option<Counterfactuals>,
}

/// Evaluates a condition in three-valued logic.
pub fn eval_expr(policy: &Policy, request: &Request, id: ExprId) -> Tri {
    eval_with(policy, request, id, &mut std::collections::HashMap::new())
}

/// [`eval_expr`], each definition evaluated once: a definition read many times (or a chain
/// of definitions that each read the next twice) costs its size once.
fn eval_with(
    policy: &Policy,
    request: &Request,
    id: ExprId,
    defs: &mut std::collections::HashMap<DefId, Tri>,
) -> Tri {
    let eval_expr = |e: ExprId, defs: &mut std::collections::HashMap<DefId, Tri>| {
        eval_with(policy, request, e, defs)
    };
    match policy.expr(id) {
        Expr::Const(b) => Tri::from_bool(*b),
        Expr::Bool(f) => match request.get(*f) {
            Some(Value::Bool(b)) => Tri::from_bool(*b),
            _ => Tri::Unknown,
        },
        Expr::Def(d) => match (defs.get(d), policy.definitions.get(d.index())) {
            (Some(&value), _) => value,
            (None, Some(def)) => {
                let value = eval_expr(def.expr, defs);
                defs.insert(*d, value);
                value
            }
            (None, None) => Tri::False,
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
        Expr::Not(e) => eval_expr(*e, defs).not(),
        Expr::And(es) => {
            let mut out = Tri::True;
            for e in es {
                match eval_expr(*e, defs) {
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
                match eval_expr(*e, defs) {
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

/// Evaluates a request against a policy.
///
/// This compiles the policy first; to decide many requests, compile once
/// ([`Compiled::new`], or load an [`crate::Engine`]) and use [`Compiled::decide`].
pub fn decide(policy: &Policy, request: &Request) -> Decision {
    Compiled::new(policy).decide(request)
}

/// Evaluates a request against a policy, with the trace explanations need ([`decide`]
/// without it).
pub fn decide_traced(policy: &Policy, request: &Request) -> Decision {
    Compiled::new(policy).decide_traced(request)
}

impl Compiled {
    /// Decides a request (validated against the policy this was compiled from).
    pub fn decide(&self, request: &Request) -> Decision {
        let mut decision = Decision::default();
        self.decide_into(request, &mut decision);
        decision
    }

    /// Decides a request; the decision carries what the evaluator saw, for explanations.
    pub fn decide_traced(&self, request: &Request) -> Decision {
        let mut decision = Decision::default();
        self.decide_traced_into(request, &mut decision);
        decision
    }

    /// Decides a request into `out`, reusing its buffers: once they have grown to fit,
    /// deciding allocates nothing unless the decision splits on unknown facts. The
    /// decision carries no trace.
    pub fn decide_into(&self, request: &Request, out: &mut Decision) {
        self.decide_with(request, out, None);
    }

    /// Decides a request into `out`, with the trace, reusing its buffers (the trace's
    /// too): once they have grown to fit, deciding allocates nothing unless the decision
    /// splits on unknown facts.
    pub fn decide_traced_into(&self, request: &Request, out: &mut Decision) {
        let mut t = out.trace.take().unwrap_or_else(|| Trace {
            applies: Vec::new(),
            only_if: Vec::new(),
            overridden: Vec::new(),
            counterfactuals: None,
        });
        t.applies.clear();
        t.applies.resize(self.leaves.len(), Tri::False);
        t.only_if.clear();
        t.only_if.resize(self.leaves.len(), None);
        t.overridden.clear();
        t.counterfactuals = None;
        self.decide_with(request, out, Some(t));
    }

    /// Decides into `out`, filling `trace` (emptied, one slot per leaf) if given, and
    /// leaves it in `out.trace`.
    fn decide_with(&self, request: &Request, out: &mut Decision, mut trace: Option<Trace>) {
        if !self.decide_known(request, out, trace.as_mut()) {
            let mut scratch = request.clone();
            let mut budget = split::BUDGET;
            let d = split::decide_split(self, &mut scratch, &mut budget);
            out.outcome = d.outcome;
            out.cites = d.cites;
            out.definitions = d.definitions;
            out.obligations = d.obligations;
            out.depends_on = d.depends_on;
            out.cases = d.cases;
        }
        out.trace = trace;
    }
}

impl Compiled {
    /// Decides a request (validated against `policy`, which this was compiled from) with
    /// everything its explanation shows: the trace, and what would change the answer
    /// ([`Compiled::counterfactuals`], a search of many decisions of changed requests).
    pub fn decide_explained_into(&self, policy: &Policy, request: &Request, out: &mut Decision) {
        self.decide_traced_into(request, out);
        let found = self.counterfactuals(policy, request, out);
        if let Some(trace) = out.trace.as_mut() {
            trace.counterfactuals = Some(found);
        }
    }
}

/// The state of every leaf for a request, and the exceptions that fell.
pub fn trace_of(policy: &Policy, request: &Request) -> Trace {
    let n = policy.leaves.len();
    let mut applies = Vec::with_capacity(n);
    let mut only_if = Vec::with_capacity(n);
    let mut trues = Vec::new();
    for i in 0..n {
        let leaf = LeafId(i as u32);
        let a = leaf_applies(policy, request, leaf);
        applies.push(a);
        if a == Tri::True {
            trues.push(leaf);
        }
        only_if.push(match (a, policy.leaf(leaf).only_if) {
            (Tri::False, _) | (_, None) => None,
            (_, Some((e, _))) => Some(eval_expr(policy, request, e)),
        });
    }
    let mut overridden = Vec::new();
    for &leaf in &trues {
        if let Some(&by) = trues.iter().find(|&&j| policy.leaf(j).overrides_leaf(leaf)) {
            overridden.push((leaf, by));
        }
    }
    Trace {
        applies,
        only_if,
        overridden,
        counterfactuals: None,
    }
}

fn outcome_of(winners: impl Iterator<Item = EffectKind>) -> Outcome {
    let mut allows = false;
    let mut required = false;
    let mut prohibits = false;
    let mut out_of_scope = false;
    for e in winners {
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
