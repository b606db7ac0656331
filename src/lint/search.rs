//! The bounded search behind the conflict and reachability rules.
//!
//! A [`Goal`] asks for a request in which some conditions all hold, two provisions decide
//! opposite ways, and some provisions are not in force. The search starts from a request in
//! which every fact is unknown (defaults too: a default is only what an absent fact takes,
//! and a request may give any value), picks an unknown fact that a condition still depends
//! on, and tries each value of its domain (see `domain.rs`), pruning as soon as a condition
//! that must hold is known false, or a provision that must not be in force is known to be
//! (Kleene logic is monotone: what is known stays known as more facts are given). Each
//! search spends at most a fixed number of steps; past it the answer is "undecided", never
//! a guess.

use super::domain::Domains;
use crate::ast::EffectKind;
use crate::eval::{eval_expr, leaf_applies, unknown_in, Tri};
use crate::ir::{Expr, ExprId, Fact, FactId, LeafId, Policy, Range};
use crate::request::Request;
use std::cell::Cell;

/// What a search looks for.
#[derive(Clone, Debug, Default)]
pub(crate) struct Goal {
    /// Conditions that must all hold.
    pub holds: Vec<ExprId>,
    /// Two provisions (whose conditions are in `holds`) that must decide opposite ways:
    /// one allows, the other prohibits.
    pub opposed: Option<(LeafId, LeafId)>,
    /// Provisions that must not be in force.
    pub blocked: Vec<LeafId>,
    /// Ranges number and date facts must lie in for `holds` to hold (what the provisions'
    /// footprints require; empty when `holds` is not whole provisions' conditions): the
    /// search tries only the values within.
    pub ranges: Vec<(FactId, Range)>,
}

/// What a search found.
#[derive(Clone, Debug)]
pub(crate) enum Found {
    /// A request that meets the goal; the facts it does not need are unknown.
    Yes(Request),
    /// No request meets the goal.
    No,
    /// The step budget ran out first.
    Undecided,
}

/// Where the search stands on a partial request.
enum Status {
    /// The goal can no longer be met.
    Dead,
    /// The goal is met.
    Done,
    /// The goal depends on this unknown fact.
    Need(FactId),
    /// Something is unknown but no fact could be named (never expected).
    Stuck,
}

pub(crate) use crate::eval::Effective;

/// Runs goals against one policy.
pub(crate) struct Searcher<'p> {
    policy: &'p Policy,
    domains: Domains,
    blank: Request,
    budget: usize,
    total: usize,
    left: Cell<usize>,
    searches: Cell<usize>,
    /// Per provision, its conditions flattened, made when a goal first blocks it: a
    /// provision with many exceptions is blocked by each of them in every search about it.
    parts: Vec<std::cell::OnceCell<Vec<ExprId>>>,
}

impl<'p> Searcher<'p> {
    /// A searcher that spends at most `budget` steps per goal, and `total` in all.
    pub(crate) fn new(policy: &'p Policy, budget: usize, total: usize) -> Self {
        let facts: Vec<Fact> = policy
            .facts
            .iter()
            .map(|f| Fact {
                default: None,
                ..f.clone()
            })
            .collect();
        Searcher {
            policy,
            domains: Domains::new(policy),
            blank: Request::empty_for(&facts),
            budget: budget.max(1),
            total,
            left: Cell::new(total),
            searches: Cell::new(0),
            parts: vec![std::cell::OnceCell::new(); policy.leaves.len()],
        }
    }

    /// The domains of the policy's facts.
    pub(crate) fn domains(&self) -> &Domains {
        &self.domains
    }

    /// Which budget ran out, for messages: `within 20000 steps` (one search's), or
    /// `before the linter's step budget for this policy ran out`.
    pub(crate) fn limit(&self) -> String {
        if self.spent() {
            "before the linter's step budget for this policy ran out".to_string()
        } else {
            let steps = if self.budget == 1 { "step" } else { "steps" };
            format!("within {} {steps}", self.budget)
        }
    }

    /// Whether the steps of all searches together have run out.
    pub(crate) fn spent(&self) -> bool {
        self.left.get() == 0
    }

    /// The most steps one search may take.
    pub(crate) fn budget(&self) -> usize {
        self.budget
    }

    /// The most steps all searches may take together.
    pub(crate) fn total(&self) -> usize {
        self.total
    }

    /// How many searches ran, and how many steps they took together.
    pub(crate) fn work(&self) -> (usize, usize) {
        (
            self.searches.get(),
            self.total.saturating_sub(self.left.get()),
        )
    }

    /// A provision's conditions, flattened.
    fn parts(&self, leaf: LeafId) -> &[ExprId] {
        match self.parts.get(leaf.index()) {
            Some(cell) => cell.get_or_init(|| {
                let mut parts = Vec::new();
                for c in &self.policy.leaf(leaf).conjuncts {
                    flatten(self.policy, c.expr, &mut parts, 0);
                }
                parts
            }),
            None => &[],
        }
    }

    /// Looks for a request that meets the goal.
    pub(crate) fn find(&self, goal: &Goal) -> Found {
        let allowance = self.budget.min(self.left.get());
        if allowance == 0 {
            return Found::Undecided;
        }
        let mut holds = Vec::new();
        for &e in &goal.holds {
            flatten(self.policy, e, &mut holds, 0);
        }
        let blocked: Vec<(LeafId, &[ExprId])> =
            goal.blocked.iter().map(|&b| (b, self.parts(b))).collect();
        let flat = Flat {
            holds,
            opposed: goal.opposed,
            blocked,
            ranges: goal.ranges.clone(),
        };
        self.searches.set(self.searches.get() + 1);
        let mut steps = allowance;
        let result = self.dfs(&flat, &self.blank, &mut steps);
        self.left
            .set(self.left.get().saturating_sub(allowance - steps));
        match result {
            Ok(Some(request)) => Found::Yes(request),
            Ok(None) => Found::No,
            Err(Exhausted) => Found::Undecided,
        }
    }

    fn dfs(
        &self,
        goal: &Flat<'_>,
        request: &Request,
        steps: &mut usize,
    ) -> Result<Option<Request>, Exhausted> {
        if *steps == 0 {
            return Err(Exhausted);
        }
        *steps -= 1;
        match self.status(goal, request) {
            Status::Dead => Ok(None),
            Status::Done => Ok(Some(request.clone())),
            Status::Stuck => Err(Exhausted),
            Status::Need(fact) => {
                let (first, rest) = match goal.ranges.iter().find(|(f, _)| *f == fact) {
                    Some((_, range)) => self.domains.within(fact, range),
                    None => (None, self.domains.of(fact)),
                };
                for value in first
                    .into_iter()
                    .chain(rest.iter().filter(|v| Some(*v) != first))
                {
                    let mut next = request.clone();
                    next.assume(fact, value.clone());
                    if let Some(found) = self.dfs(goal, &next, steps)? {
                        return Ok(Some(found));
                    }
                }
                Ok(None)
            }
        }
    }

    /// Where the search stands. The next fact is taken from the condition that must hold
    /// with the fewest unknown facts (fail first: a contradiction shows after a step or
    /// two), then from the `only if`s, then from the provisions that must not be in force.
    fn status(&self, goal: &Flat<'_>, request: &Request) -> Status {
        let policy = self.policy;
        let mut next: Option<(usize, FactId)> = None;
        let mut unknown = false;
        let consider = |e: ExprId, next: &mut Option<(usize, FactId)>| {
            let count = unknown_facts(policy, request, e);
            if next.is_none_or(|(best, _)| count < best) {
                if let Some(fact) = unknown_in(policy, request, e) {
                    *next = Some((count, fact));
                }
            }
        };
        for &e in &goal.holds {
            match eval_expr(policy, request, e) {
                Tri::False => return Status::Dead,
                Tri::True => {}
                Tri::Unknown => {
                    unknown = true;
                    consider(e, &mut next);
                }
            }
        }
        if let Some((a, b)) = goal.opposed {
            match (effective(policy, request, a), effective(policy, request, b)) {
                (Effective::Absent, _) | (_, Effective::Absent) => return Status::Dead,
                (Effective::Is(x), Effective::Is(y)) => {
                    if !opposite(x, y) {
                        return Status::Dead;
                    }
                }
                _ => {
                    unknown = true;
                    if next.is_none() {
                        next = only_if_unknown(policy, request, a)
                            .or_else(|| only_if_unknown(policy, request, b))
                            .map(|f| (0, f));
                    }
                }
            }
        }
        let decided_holds = next.is_some();
        for (b, parts) in &goal.blocked {
            match in_force(policy, request, *b) {
                Tri::True => return Status::Dead,
                Tri::False => {}
                Tri::Unknown => {
                    unknown = true;
                    if decided_holds {
                        continue;
                    }
                    // Any one condition failing takes it out of force: the one closest
                    // to being decided first.
                    for &e in *parts {
                        if eval_expr(policy, request, e) == Tri::Unknown {
                            consider(e, &mut next);
                        }
                    }
                    if next.is_none() {
                        next = leaf_unknown(policy, request, *b).map(|f| (0, f));
                    }
                }
            }
        }
        match (unknown, next) {
            (false, _) => Status::Done,
            (true, Some((_, fact))) => Status::Need(fact),
            (true, None) => Status::Stuck,
        }
    }
}

/// A goal with its conditions split at `and` (and definitions opened), so that each part
/// can be weighed on its own.
struct Flat<'s> {
    holds: Vec<ExprId>,
    opposed: Option<(LeafId, LeafId)>,
    blocked: Vec<(LeafId, &'s [ExprId])>,
    ranges: Vec<(FactId, Range)>,
}

/// How deep definitions may nest before `flatten` stops opening them (the checker rejects
/// cycles; this only bounds the work).
const MAX_DEPTH: usize = 64;

/// Splits a condition into the parts that must all hold, each once (a definition read
/// twice is opened once).
fn flatten(policy: &Policy, e: ExprId, out: &mut Vec<ExprId>, depth: usize) {
    if depth > MAX_DEPTH {
        out.push(e);
        return;
    }
    match policy.expr(e) {
        Expr::And(parts) => {
            for &p in parts {
                flatten(policy, p, out, depth + 1);
            }
        }
        Expr::Def(_) if out.contains(&e) => {}
        Expr::Def(d) => match policy.definitions.get(d.index()) {
            Some(def) => {
                // Marked as opened; the definition's own parts follow it.
                out.push(e);
                flatten(policy, def.expr, out, depth + 1);
            }
            None => out.push(e),
        },
        _ => out.push(e),
    }
}

/// How many distinct unknown facts a condition reads.
fn unknown_facts(policy: &Policy, request: &Request, e: ExprId) -> usize {
    policy
        .facts_in(e)
        .into_iter()
        .filter(|f| request.get(*f).is_none())
        .count()
}

/// The step budget ran out.
struct Exhausted;

/// Whether one effect allows and the other prohibits.
pub(crate) fn opposite(x: EffectKind, y: EffectKind) -> bool {
    let allows = |e: EffectKind| matches!(e, EffectKind::Required | EffectKind::Permitted);
    (allows(x) && y == EffectKind::Prohibited) || (allows(y) && x == EffectKind::Prohibited)
}

/// The effects a provision can have: its own, and for `permitted only if` the prohibition
/// it yields when the condition fails.
pub(crate) fn possible_effects(policy: &Policy, leaf: LeafId) -> Vec<EffectKind> {
    let l = policy.leaf(leaf);
    match (l.only_if, l.effect) {
        (Some(_), EffectKind::Permitted) => vec![EffectKind::Permitted, EffectKind::Prohibited],
        (_, effect) => vec![effect],
    }
}

/// The effect of a provision on a request, assuming it applies.
pub(crate) fn effective(policy: &Policy, request: &Request, leaf: LeafId) -> Effective {
    let l = policy.leaf(leaf);
    crate::eval::effective(
        l.effect,
        l.only_if.map(|(c, _)| eval_expr(policy, request, c)),
    )
}

/// Whether a provision is in force on a request: it applies and, for a `required only if`,
/// its condition holds (a duty that does not arise overrides nothing).
pub(crate) fn in_force(policy: &Policy, request: &Request, leaf: LeafId) -> Tri {
    let applies = leaf_applies(policy, request, leaf);
    if applies == Tri::False {
        return Tri::False;
    }
    let l = policy.leaf(leaf);
    let gate = match (l.only_if, l.effect) {
        (Some((c, _)), EffectKind::Required) => eval_expr(policy, request, c),
        _ => Tri::True,
    };
    match (applies, gate) {
        (_, Tri::False) => Tri::False,
        (Tri::True, Tri::True) => Tri::True,
        _ => Tri::Unknown,
    }
}

/// An unknown fact a provision's applicability or `only if` depends on.
pub(crate) fn leaf_unknown(policy: &Policy, request: &Request, leaf: LeafId) -> Option<FactId> {
    policy
        .leaf(leaf)
        .conjuncts
        .iter()
        .find_map(|c| unknown_in(policy, request, c.expr))
        .or_else(|| only_if_unknown(policy, request, leaf))
}

fn only_if_unknown(policy: &Policy, request: &Request, leaf: LeafId) -> Option<FactId> {
    policy
        .leaf(leaf)
        .only_if
        .and_then(|(c, _)| unknown_in(policy, request, c))
}
