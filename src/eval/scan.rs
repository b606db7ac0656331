//! One pass of the compiled evaluator over the leaves a request can reach: the decision
//! when every fact that matters is known, the trace in the same pass, and the fact to split
//! on when one is not.

use super::compile::{Compiled, Forced, Leaf, Op, OpId};
use super::{outcome_of, Decision, Effective, Outcome, Trace, Tri};
use crate::ast::EffectKind;
use crate::ir::{FactId, LeafId};
use crate::request::Request;
use crate::value::Value;
use smallvec::SmallVec;

impl Compiled {
    /// A leaf's obligations, each with the condition it arises under (`None`: always).
    fn obligations_of<'a>(&'a self, leaf: &Leaf) -> impl Iterator<Item = (u32, Option<OpId>)> + 'a {
        let (start, end) = leaf.obligations;
        self.leaf_obligations
            .get(start as usize..end as usize)
            .unwrap_or(&[])
            .iter()
            .map(|&o| {
                let when = self.obligation_when.get(o as usize).copied().flatten();
                (o, when)
            })
    }

    /// Evaluates an operation in three-valued logic.
    #[inline]
    pub(super) fn eval(&self, request: &Request, op: OpId) -> Tri {
        match self.ops.get(op.index()) {
            Some(op) => self.eval_op(request, op),
            None => Tri::False,
        }
    }

    /// Evaluates an operation; facts are read in place, `and`/`or` loop over their
    /// children without a call for each fact.
    #[inline(always)]
    fn eval_op(&self, request: &Request, op: &Op) -> Tri {
        match op {
            Op::Bool(f) => match request.get(*f) {
                Some(Value::Bool(b)) => Tri::from_bool(*b),
                _ => Tri::Unknown,
            },
            Op::NotBool(f) => match request.get(*f) {
                Some(Value::Bool(b)) => Tri::from_bool(!*b),
                _ => Tri::Unknown,
            },
            Op::Member(f, mask) => match request.get(*f) {
                Some(Value::Enum(i)) => Tri::from_bool(mask & (1u64 << i) != 0),
                _ => Tri::Unknown,
            },
            Op::Compare(f, op, value) => match request.get(*f) {
                Some(Value::Number(n)) => Tri::from_bool(super::compare(*n, *op, *value)),
                Some(Value::Date(d)) => Tri::from_bool(super::compare(f64::from(*d), *op, *value)),
                _ => Tri::Unknown,
            },
            Op::Const(b) => Tri::from_bool(*b),
            Op::TextEq(f, value) => match request.get(*f) {
                Some(Value::Text(t)) => Tri::from_bool(t == value),
                _ => Tri::Unknown,
            },
            Op::Contains(f, bit) => match request.get(*f) {
                Some(Value::Set(bits)) => Tri::from_bool(bits & bit != 0),
                _ => Tri::Unknown,
            },
            Op::Not(x) => self.eval(request, *x).not(),
            Op::And(s, e) => self.and(request, *s, *e),
            Op::Or(s, e) => self.or(request, *s, *e),
        }
    }

    fn and(&self, request: &Request, start: u32, end: u32) -> Tri {
        let mut out = Tri::True;
        for &k in self.kids.get(start as usize..end as usize).unwrap_or(&[]) {
            let Some(op) = self.ops.get(k.index()) else {
                return Tri::False;
            };
            match self.eval_op(request, op) {
                Tri::False => return Tri::False,
                Tri::Unknown => out = Tri::Unknown,
                Tri::True => {}
            }
        }
        out
    }

    fn or(&self, request: &Request, start: u32, end: u32) -> Tri {
        let mut out = Tri::False;
        for &k in self.kids.get(start as usize..end as usize).unwrap_or(&[]) {
            let Some(op) = self.ops.get(k.index()) else {
                continue;
            };
            match self.eval_op(request, op) {
                Tri::True => return Tri::True,
                Tri::Unknown => out = Tri::Unknown,
                Tri::False => {}
            }
        }
        out
    }

    /// An unknown fact that makes this operation unknown, if any: the first, depth first.
    pub(super) fn unknown_in(&self, request: &Request, op: OpId) -> Option<FactId> {
        if self.eval(request, op) != Tri::Unknown {
            return None;
        }
        match self.ops.get(op.index())? {
            Op::Bool(f)
            | Op::NotBool(f)
            | Op::Member(f, _)
            | Op::Compare(f, ..)
            | Op::TextEq(f, _)
            | Op::Contains(f, _) => Some(*f),
            Op::Not(x) => self.unknown_in(request, *x),
            Op::And(s, e) | Op::Or(s, e) => self
                .kids
                .get(*s as usize..*e as usize)?
                .iter()
                .find_map(|k| self.unknown_in(request, *k)),
            Op::Const(_) => None,
        }
    }

    /// Decides a request in which every fact that matters is known, into `out` (its
    /// outcome, cites and obligations; `depends_on` and `cases` emptied). Returns `false`
    /// when an unknown fact could change the outcome: the caller splits on it, and `out`'s
    /// cites and obligations are then meaningless.
    ///
    /// With a trace, every leaf is evaluated (the trace holds them all) and the trace is
    /// filled; its buffers must be `leaves` long, all `False` / `None`, `overridden` empty.
    pub(super) fn decide_known(
        &self,
        request: &Request,
        out: &mut Decision,
        mut trace: Option<&mut Trace>,
    ) -> bool {
        let mut applicable: SmallVec<[(LeafId, EffectKind); 16]> = SmallVec::new();
        let mut trues: SmallVec<[LeafId; 16]> = SmallVec::new();
        let tracing = trace.is_some();
        let mut unknown = false;
        for entry in self.select(request) {
            let l = entry.leaf;
            let Some(leaf) = self.leaves.get(l.index()) else {
                continue;
            };
            let (cond, only_if_op) = (entry.cond, leaf.only_if);
            let applies = self.eval(request, cond);
            if applies == Tri::False {
                continue;
            }
            let only_if = match only_if_op {
                Some(op) if applies == Tri::True || tracing => Some(self.eval(request, op)),
                _ => None,
            };
            if let Some(t) = trace.as_deref_mut() {
                if let Some(slot) = t.applies.get_mut(l.index()) {
                    *slot = applies;
                }
                if let Some(slot) = t.only_if.get_mut(l.index()) {
                    *slot = only_if;
                }
            }
            if applies == Tri::Unknown {
                unknown = true;
                if !tracing {
                    return false;
                }
                continue;
            }
            trues.push(l);
            let effect = match super::effective(leaf.effect, only_if) {
                Effective::Is(effect) => effect,
                Effective::Absent => continue,
                Effective::Unknown => {
                    unknown = true;
                    if !tracing {
                        return false;
                    }
                    continue;
                }
            };
            applicable.push((l, effect));
        }
        if let Some(t) = trace {
            for &leaf in &trues {
                if let Some(&by) = trues.iter().find(|&&by| self.overrides(by, leaf)) {
                    t.overridden.push((leaf, by));
                }
            }
        }
        if unknown {
            return false;
        }
        let winners = self.winners(&applicable);
        let outcome = outcome_of(winners.iter().map(|(_, e)| *e));
        out.outcome = outcome;
        out.cites.clear();
        out.cites.extend(winners.iter().map(|(l, _)| *l));
        out.cites.sort_unstable_by_key(|l| {
            let depth = self.leaves.get(l.index()).map_or(0, |x| x.depth);
            (std::cmp::Reverse(depth), l.0)
        });
        out.obligations.clear();
        out.definitions.clear();
        out.depends_on.clear();
        out.cases.clear();
        self.decisive_definitions(request, outcome, &applicable, &winners, out);
        self.obligations_into(request, outcome, &winners, &mut out.obligations)
    }

    /// The applicable leaves that decide: an applicable `out of scope` provision first puts
    /// the question outside the instrument, whatever else applies; then every leaf no other
    /// applicable leaf overrides.
    fn winners(&self, applicable: &[(LeafId, EffectKind)]) -> SmallVec<[(LeafId, EffectKind); 8]> {
        let scoped = applicable.iter().any(|(_, e)| *e == EffectKind::OutOfScope);
        let considered = |e: EffectKind| !scoped || e == EffectKind::OutOfScope;
        let mut winners = SmallVec::new();
        for &(l, e) in applicable.iter().filter(|(_, e)| considered(*e)) {
            if !applicable
                .iter()
                .filter(|(_, e)| considered(*e))
                .any(|&(o, _)| o != l && self.overrides(o, l))
            {
                winners.push((l, e));
            }
        }
        winners
    }

    /// The obligations of the deciding leaves whose conditions hold, into `out`; false
    /// when one's condition is unknown (the decision then splits on it).
    fn obligations_into(
        &self,
        request: &Request,
        outcome: Outcome,
        winners: &[(LeafId, EffectKind)],
        out: &mut Vec<u32>,
    ) -> bool {
        if !(outcome.allows() || outcome == Outcome::Prohibited) {
            return true;
        }
        for &(l, effect) in winners {
            let Some(leaf) = self.leaves.get(l.index()) else {
                continue;
            };
            // Duties come with what the provision decides, not with its opposite.
            if effect != leaf.effect {
                continue;
            }
            for (o, when) in self.obligations_of(leaf) {
                match when.map_or(Tri::True, |when| self.eval(request, when)) {
                    Tri::True => out.push(o),
                    Tri::False => {}
                    Tri::Unknown => return false,
                }
            }
        }
        true
    }

    /// The outcome were a definition held otherwise (`forced`): the leaves that read it
    /// evaluated again, the others as `applicable` found them; `None` when that decision
    /// is not known (a condition or an obligation unknown), as a decision from scratch
    /// would find it.
    fn forced_outcome(
        &self,
        request: &Request,
        applicable: &[(LeafId, EffectKind)],
        forced: &Forced,
        scratch: &mut Vec<u32>,
    ) -> Option<Outcome> {
        let rewritten = |l: &LeafId| {
            forced
                .leaves
                .binary_search_by_key(l, |&(fl, _, _)| fl)
                .is_ok()
        };
        let mut changed: SmallVec<[(LeafId, EffectKind); 16]> = applicable
            .iter()
            .copied()
            .filter(|(l, _)| !rewritten(l))
            .collect();
        for entry in self.select(request) {
            let Ok(at) = forced
                .leaves
                .binary_search_by_key(&entry.leaf, |&(fl, _, _)| fl)
            else {
                continue;
            };
            let (l, cond, only_if_op) = *forced.leaves.get(at)?;
            let leaf = self.leaves.get(l.index())?;
            match self.eval(request, cond) {
                Tri::False => continue,
                Tri::Unknown => return None,
                Tri::True => {}
            }
            let only_if = only_if_op.map(|op| self.eval(request, op));
            match super::effective(leaf.effect, only_if) {
                Effective::Is(effect) => changed.push((l, effect)),
                Effective::Absent => {}
                Effective::Unknown => return None,
            }
        }
        let winners = self.winners(&changed);
        let outcome = outcome_of(winners.iter().map(|(_, e)| *e));
        scratch.clear();
        self.obligations_into(request, outcome, &winners, scratch)
            .then_some(outcome)
    }

    /// The definitions whose value decided, into `out.definitions`: for each deciding leaf,
    /// each definition of another subsection it reads that is true (or, in an `only if`
    /// that refused the permission, false), such that were it otherwise another outcome
    /// would follow — one that some provision decides (not `not_addressed`: a definition
    /// that only brings the question within a provision's reach is not what decided it).
    fn decisive_definitions(
        &self,
        request: &Request,
        outcome: Outcome,
        applicable: &[(LeafId, EffectKind)],
        winners: &[(LeafId, EffectKind)],
        out: &mut Decision,
    ) {
        let mut scratch = Vec::new();
        for &(l, effect) in winners {
            let Some(leaf) = self.leaves.get(l.index()) else {
                continue;
            };
            let refused = effect != leaf.effect;
            let candidates = self
                .decisive
                .get(leaf.decisive.0 as usize..leaf.decisive.1 as usize)
                .unwrap_or(&[]);
            for c in candidates {
                if out.definitions.contains(&c.def) {
                    continue;
                }
                let held = match self.eval(request, c.op) {
                    Tri::True => false,
                    Tri::False if c.in_only_if && refused => true,
                    _ => continue,
                };
                let Some(forced) = self
                    .forced
                    .iter()
                    .find(|f| f.def == c.def && f.value == held)
                else {
                    continue;
                };
                let other = self.forced_outcome(request, applicable, forced, &mut scratch);
                if other.is_some_and(|o| o != outcome && o != Outcome::NotAddressed) {
                    out.definitions.push(c.def);
                }
            }
        }
    }

    /// The first fact whose being unknown leaves a leaf (or its `only if`, or an
    /// obligation's condition) undecided, in source order: the fact to split on next.
    pub(super) fn first_unknown_fact(&self, request: &Request) -> Option<FactId> {
        for entry in self.select(request) {
            let Some(leaf) = self.leaves.get(entry.leaf.index()) else {
                continue;
            };
            match self.eval(request, entry.cond) {
                Tri::False => continue,
                Tri::Unknown => {
                    if let Some(f) = self.unknown_in(request, entry.cond) {
                        return Some(f);
                    }
                }
                Tri::True => {
                    if let Some(only_if) = leaf.only_if {
                        if let Some(f) = self.unknown_in(request, only_if) {
                            return Some(f);
                        }
                    }
                    for (_, when) in self.obligations_of(leaf) {
                        if let Some(f) = when.and_then(|when| self.unknown_in(request, when)) {
                            return Some(f);
                        }
                    }
                }
            }
        }
        None
    }
}
