//! Compiling a policy for evaluation: a flat expression code with definitions inlined and
//! nested `and`/`or` flattened, one condition per deciding provision, and a dispatch tree
//! on enumeration facts that skips the provisions a request's members rule out.
//!
//! The compiled form reads nothing from the [`Policy`] at evaluation time: it holds the
//! effects, the cite depths (for ordering cites), the exception ranges, the obligations'
//! conditions and what case splits need (thresholds, text constants, set members).

use super::split::{fact_regions, Region};
use crate::ast::{CompareOp, EffectKind};
use crate::ir::{DefId, Expr, ExprId, FactId, LeafId, Policy, Range, Type};
use crate::request::Request;
use crate::value::Value;
use smallvec::SmallVec;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// An operation of the flat expression code: an index into [`Compiled::ops`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(super) struct OpId(pub(super) u32);

impl OpId {
    /// The id as an index.
    #[inline]
    pub(super) fn index(self) -> usize {
        self.0 as usize
    }
}

/// One operation of the flat expression code. Children of `And`/`Or` are a range of
/// [`Compiled::kids`].
#[derive(Clone, Debug)]
pub(super) enum Op {
    Const(bool),
    Bool(FactId),
    NotBool(FactId),
    Member(FactId, u64),
    Compare(FactId, CompareOp, f64),
    TextEq(FactId, Arc<str>),
    Contains(FactId, u64),
    Not(OpId),
    And(u32, u32),
    Or(u32, u32),
}

/// A deciding provision, compiled.
#[derive(Clone, Debug)]
pub(super) struct Leaf {
    /// Its whole condition (the conjunction of its clauses, flattened).
    pub cond: OpId,
    /// Its `only if`, if it has one.
    pub only_if: Option<OpId>,
    /// Its effect.
    pub effect: EffectKind,
    /// The length of its cite's path (more specific cites come first).
    pub depth: u32,
    /// Its obligations: a range of [`Compiled::leaf_obligations`].
    pub obligations: (u32, u32),
    /// The leaves it overrides: a range of [`Compiled::override_ranges`].
    pub overrides: (u32, u32),
    /// The definitions whose value may have decided for it: a range of
    /// [`Compiled::decisive`].
    pub decisive: (u32, u32),
}

/// A definition a leaf's condition or `only if` reads that cites another subsection than
/// the leaf's own (or an ancestor's): when its value decided, it is cited too.
#[derive(Clone, Copy, Debug)]
pub(super) struct Decisive {
    /// The definition.
    pub def: DefId,
    /// Its compiled value.
    pub op: OpId,
    /// Whether the leaf's `only if` reads it.
    pub in_only_if: bool,
}

/// The policy's leaves with one definition held at a value: for each leaf that reads it,
/// its condition and `only if` compiled that way.
#[derive(Clone, Debug)]
pub(super) struct Forced {
    pub def: DefId,
    pub value: bool,
    /// `(leaf, cond, only_if)`, by leaf.
    pub leaves: Vec<(LeafId, OpId, Option<OpId>)>,
}

/// What a case split needs to know about a fact.
#[derive(Clone, Debug)]
pub(super) enum SplitKind {
    Bool,
    Enum(u32),
    Number(Vec<Region>),
    Date(Vec<Region>),
    Text(Vec<Arc<str>>),
    Set(Option<u8>),
}

/// A leaf to evaluate, with its condition specialised to the members the dispatch path
/// has fixed.
#[derive(Clone, Copy, Debug)]
pub(super) struct Entry {
    pub leaf: LeafId,
    pub cond: OpId,
}

/// A node of the dispatch tree.
#[derive(Clone, Debug)]
enum Node {
    /// Evaluate these leaves (a range of `lists`).
    List(u32, u32),
    /// Dispatch on an enumeration fact: its member `i` leads to `children[base + i]`; an
    /// unknown value evaluates `all` (a range of `lists`).
    Split {
        fact: FactId,
        members: u32,
        base: u32,
        all: (u32, u32),
    },
}

/// A policy compiled for evaluation. Immutable and `Send + Sync`; build it once per policy
/// ([`Compiled::new`]; [`crate::Engine`] does) and decide with it many times.
#[derive(Clone, Debug)]
pub struct Compiled {
    pub(super) ops: Vec<Op>,
    pub(super) kids: Vec<OpId>,
    pub(super) leaves: Vec<Leaf>,
    pub(super) leaf_obligations: Vec<u32>,
    /// Per obligation, its compiled `when`, if it has one.
    pub(super) obligation_when: Vec<Option<OpId>>,
    pub(super) override_ranges: Vec<(u32, u32)>,
    pub(super) decisive: Vec<Decisive>,
    /// For each definition some leaf may cite as decisive, the leaves with it held true and
    /// held false.
    pub(super) forced: Vec<Forced>,
    pub(super) facts: Vec<SplitKind>,
    nodes: Vec<Node>,
    children: Vec<u32>,
    lists: Vec<Entry>,
}

impl Compiled {
    /// Compiles a checked policy.
    pub fn new(policy: &Policy) -> Compiled {
        let mut b = Builder {
            policy,
            ops: Vec::with_capacity(policy.exprs.len() + policy.leaves.len()),
            kids: Vec::new(),
            memo: vec![None; policy.exprs.len()],
            def_memo: vec![None; policy.definitions.len()],
            forced: None,
            shared: HashSet::new(),
        };
        let mut leaves = Vec::with_capacity(policy.leaves.len());
        let mut decisive = Vec::new();
        let mut forced_defs: Vec<DefId> = Vec::new();
        let mut leaf_obligations = Vec::new();
        let mut override_ranges = Vec::new();
        for leaf in &policy.leaves {
            let conjuncts: Vec<OpId> = leaf.conjuncts.iter().map(|c| b.expr(c.expr)).collect();
            let cond = match conjuncts.as_slice() {
                [] => b.push(Op::Const(true)),
                [one] => *one,
                _ => b.junction(true, conjuncts),
            };
            let only_if = leaf.only_if.map(|(e, _)| b.expr(e));
            let ob_start = leaf_obligations.len() as u32;
            leaf_obligations.extend(leaf.obligations.iter().copied());
            let ov_start = override_ranges.len() as u32;
            override_ranges.extend(leaf.overrides.iter().copied());
            let de_start = decisive.len() as u32;
            let own = &policy.node(leaf.node).cite.path;
            let mut reads = Vec::new();
            for c in &leaf.conjuncts {
                policy.definitions_read(c.expr, &mut reads);
            }
            let in_cond = reads.len();
            if let Some((e, _)) = leaf.only_if {
                policy.definitions_read(e, &mut reads);
            }
            for (i, &d) in reads.iter().enumerate() {
                let Some(def) = policy.definitions.get(d.index()) else {
                    continue;
                };
                // The leaf's own subsection, or one it is part of, is cited already.
                if def.cite.path.is_empty() || own.starts_with(&def.cite.path) {
                    continue;
                }
                let in_only_if = i >= in_cond;
                if let Some(prev) = decisive
                    .get_mut(de_start as usize..)
                    .and_then(|ds: &mut [Decisive]| ds.iter_mut().find(|x| x.def == d))
                {
                    prev.in_only_if |= in_only_if;
                    continue;
                }
                let op = b.def(d);
                decisive.push(Decisive {
                    def: d,
                    op,
                    in_only_if,
                });
                if !forced_defs.contains(&d) {
                    forced_defs.push(d);
                }
            }
            leaves.push(Leaf {
                cond,
                only_if,
                effect: leaf.effect,
                depth: policy.node(leaf.node).cite.path.len() as u32,
                obligations: (ob_start, leaf_obligations.len() as u32),
                overrides: (ov_start, override_ranges.len() as u32),
                decisive: (de_start, decisive.len() as u32),
            });
        }
        // Each such definition held true and held false, for the leaves that read it.
        let mut forced = Vec::new();
        for &d in &forced_defs {
            for value in [true, false] {
                b.memo.fill(None);
                b.def_memo.fill(None);
                b.forced = Some((d, value));
                let mut alts = Vec::new();
                for (l, leaf) in policy.leaves.iter().enumerate() {
                    let mut reads = Vec::new();
                    for c in &leaf.conjuncts {
                        policy.definitions_read(c.expr, &mut reads);
                    }
                    if let Some((e, _)) = leaf.only_if {
                        policy.definitions_read(e, &mut reads);
                    }
                    if !reads.contains(&d) {
                        continue;
                    }
                    let conjuncts: Vec<OpId> =
                        leaf.conjuncts.iter().map(|c| b.expr(c.expr)).collect();
                    let cond = match conjuncts.as_slice() {
                        [] => b.push(Op::Const(true)),
                        [one] => *one,
                        _ => b.junction(true, conjuncts),
                    };
                    let only_if = leaf.only_if.map(|(e, _)| b.expr(e));
                    alts.push((LeafId(l as u32), cond, only_if));
                }
                forced.push(Forced {
                    def: d,
                    value,
                    leaves: alts,
                });
            }
        }
        b.forced = None;
        b.memo.fill(None);
        b.def_memo.fill(None);
        let obligation_when = policy
            .obligations
            .iter()
            .map(|o| o.when.map(|e| b.expr(e)))
            .collect();
        let facts = policy
            .facts
            .iter()
            .enumerate()
            .map(|(i, f)| split_kind(policy, FactId(i as u32), &f.ty))
            .collect();
        let mut compiled = Compiled {
            ops: b.ops,
            kids: b.kids,
            leaves,
            leaf_obligations,
            obligation_when,
            override_ranges,
            decisive,
            forced,
            facts,
            nodes: Vec::new(),
            children: Vec::new(),
            lists: Vec::new(),
        };
        compiled.build_dispatch(policy, b.shared);
        compiled
    }

    /// How many deciding provisions the policy has.
    pub fn leaf_count(&self) -> usize {
        self.leaves.len()
    }

    /// The leaves that can apply to a request, in source order: every other leaf has a
    /// clause that requires an enumeration member the request does not have.
    #[inline]
    pub(super) fn select(&self, request: &Request) -> &[Entry] {
        let mut at = 0usize;
        loop {
            match self.nodes.get(at) {
                Some(Node::List(start, end)) => {
                    return self
                        .lists
                        .get(*start as usize..*end as usize)
                        .unwrap_or(&[])
                }
                Some(Node::Split {
                    fact,
                    members,
                    base,
                    all,
                }) => match request.get(*fact) {
                    Some(Value::Enum(i)) if u32::from(*i) < *members => {
                        at = self
                            .children
                            .get((*base + u32::from(*i)) as usize)
                            .copied()
                            .unwrap_or(u32::MAX) as usize;
                    }
                    _ => {
                        return self
                            .lists
                            .get(all.0 as usize..all.1 as usize)
                            .unwrap_or(&[])
                    }
                },
                None => return &[],
            }
        }
    }

    /// Whether leaf `by` overrides leaf `leaf`.
    #[inline]
    pub(super) fn overrides(&self, by: LeafId, leaf: LeafId) -> bool {
        let Some(l) = self.leaves.get(by.index()) else {
            return false;
        };
        self.override_ranges
            .get(l.overrides.0 as usize..l.overrides.1 as usize)
            .unwrap_or(&[])
            .iter()
            .any(|&(start, end)| start <= leaf.0 && leaf.0 < end)
    }

    // -------------------------------------------------------------- the dispatch tree

    fn build_dispatch(&mut self, policy: &Policy, shared: HashSet<OpId>) {
        let members: Vec<u32> = policy
            .facts
            .iter()
            .map(|f| match &f.ty {
                Type::Enum(m) => m.len().min(64) as u32,
                _ => 0,
            })
            .collect();
        let constraints = self.member_requirements(&members);
        let all: Vec<Entry> = self
            .leaves
            .iter()
            .enumerate()
            .map(|(i, l)| Entry {
                leaf: LeafId(i as u32),
                cond: l.cond,
            })
            .collect();
        let op_limit = 4 * self.ops.len() + 65_536;
        let mut t = Tree {
            members: &members,
            constraints: &constraints,
            budget: 8 * self.leaves.len() + 4096,
            op_limit,
            ops: std::mem::take(&mut self.ops),
            kids: std::mem::take(&mut self.kids),
            true_op: None,
            specialised: HashMap::new(),
            shared,
            nodes: Vec::new(),
            children: Vec::new(),
            lists: Vec::new(),
        };
        t.build(all, &mut Vec::new());
        self.ops = t.ops;
        self.kids = t.kids;
        self.nodes = t.nodes;
        self.children = t.children;
        self.lists = t.lists;
    }

    /// What each leaf's condition requires of each enumeration fact (`members`: each
    /// fact's member count, 0 for a fact that is not an enumeration): the members a known
    /// value must be one of for the condition to hold. Definitions are shared operations:
    /// each is weighed once.
    fn member_requirements(&self, members: &[u32]) -> Vec<Vec<(FactId, u64)>> {
        let mut memo = HashMap::new();
        self.leaves
            .iter()
            .map(|leaf| {
                let mut c = self.requires(leaf.cond, true, &mut memo);
                c.retain(|(f, _)| members.get(f.index()).is_some_and(|m| *m > 0));
                for (f, mask) in &mut c {
                    *mask &= full(members.get(f.index()).copied().unwrap_or(0));
                }
                c
            })
            .collect()
    }

    /// What each deciding provision's condition requires of the facts, the same rule the
    /// dispatch tree splits by, for the linter to leave aside pairs of provisions that
    /// cannot apply together: for each enumeration fact the members it may take, for each
    /// number and date fact the range it must lie in.
    pub(crate) fn footprints(&self, policy: &Policy) -> Vec<Footprint> {
        let members: Vec<u32> = policy
            .facts
            .iter()
            .map(|f| match &f.ty {
                Type::Enum(m) => m.len().min(64) as u32,
                _ => 0,
            })
            .collect();
        let mut memo = HashMap::new();
        self.member_requirements(&members)
            .into_iter()
            .zip(&self.leaves)
            .map(|(members, leaf)| Footprint {
                members,
                ranges: self.bounds(leaf.cond, true, &mut memo),
            })
            .collect()
    }

    /// What an expression requires of number and date facts: when `positive`, a fact whose
    /// known value lies outside the range makes the expression false; otherwise, true.
    /// Sorted by fact. (As [`Compiled::requires`] for members.)
    fn bounds(
        &self,
        op: OpId,
        positive: bool,
        memo: &mut HashMap<(OpId, bool), Vec<(FactId, Range)>>,
    ) -> Vec<(FactId, Range)> {
        self.requirement(op, positive, 0, memo, &|op, positive| match op {
            Op::Compare(f, cmp, value) => {
                let cmp = if positive { *cmp } else { negated(*cmp) };
                let range = Range::of_comparison(cmp, *value);
                Some(if range.is_all() {
                    Vec::new()
                } else {
                    vec![(*f, range)]
                })
            }
            _ => None,
        })
    }

    /// What an expression requires of enumeration facts: when `positive`, a fact whose
    /// known value lies outside the mask makes the expression false; otherwise, true.
    /// Sorted by fact.
    fn requires(
        &self,
        op: OpId,
        positive: bool,
        memo: &mut HashMap<(OpId, bool), Vec<(FactId, u64)>>,
    ) -> Vec<(FactId, u64)> {
        self.requirement(op, positive, 0, memo, &|op, positive| match op {
            Op::Member(f, mask) => Some(vec![(*f, if positive { *mask } else { !*mask })]),
            _ => None,
        })
    }

    /// The one walk behind [`Compiled::bounds`] and [`Compiled::requires`]: `atom` says
    /// what a comparison requires (`None` for an operation it does not read); `not` flips
    /// the sense; a false child makes `and` false (any child's requirement suffices), `or`
    /// is false only when every child is (a requirement every child shares). Each
    /// operation is weighed once per sense (definitions are shared operations).
    fn requirement<R: Requirement>(
        &self,
        op: OpId,
        positive: bool,
        depth: usize,
        memo: &mut HashMap<(OpId, bool), Vec<(FactId, R)>>,
        atom: &impl Fn(&Op, bool) -> Option<Vec<(FactId, R)>>,
    ) -> Vec<(FactId, R)> {
        if depth > 64 {
            return Vec::new();
        }
        if let Some(done) = memo.get(&(op, positive)) {
            return done.clone();
        }
        let out = match self.ops.get(op.index()) {
            Some(Op::Not(x)) => self.requirement(*x, !positive, depth + 1, memo, atom),
            Some(o @ (Op::And(s, e) | Op::Or(s, e))) => {
                let is_and = matches!(o, Op::And(..));
                let kids = self.kids.get(*s as usize..*e as usize).unwrap_or(&[]);
                let parts: Vec<Vec<(FactId, R)>> = kids
                    .iter()
                    .map(|k| self.requirement(*k, positive, depth + 1, memo, atom))
                    .collect();
                if is_and == positive {
                    any_of(&parts)
                } else {
                    all_of(&parts)
                }
            }
            Some(o) => atom(o, positive).unwrap_or_default(),
            None => Vec::new(),
        };
        memo.insert((op, positive), out.clone());
        out
    }
}

/// What a condition can require of one fact: the members it may take, or the range it
/// must lie in.
pub(crate) trait Requirement: Copy {
    /// Both at once (either requirement suffices to make the condition false).
    fn meet(self, other: Self) -> Self;
    /// Either one (the condition is false only when both are broken).
    fn join(self, other: Self) -> Self;
    /// Whether it requires nothing, so need not be listed.
    fn vacuous(&self) -> bool;
}

impl Requirement for u64 {
    fn meet(self, other: Self) -> Self {
        self & other
    }
    fn join(self, other: Self) -> Self {
        self | other
    }
    /// Whether a mask holds every member depends on the fact's member count, which
    /// [`Compiled::member_requirements`] applies; here none is left out.
    fn vacuous(&self) -> bool {
        false
    }
}

impl Requirement for Range {
    fn meet(self, other: Self) -> Self {
        self.intersect(&other)
    }
    fn join(self, other: Self) -> Self {
        self.hull(&other)
    }
    fn vacuous(&self) -> bool {
        self.is_all()
    }
}

fn full(members: u32) -> u64 {
    if members >= 64 {
        u64::MAX
    } else {
        (1u64 << members) - 1
    }
}

/// Requirements any one of which suffices: per fact, the intersection (members) or the
/// intersection of ranges. Sorted by fact.
pub(crate) fn any_of<R: Requirement, P: AsRef<[(FactId, R)]>>(parts: &[P]) -> Vec<(FactId, R)> {
    let mut out: Vec<(FactId, R)> = Vec::new();
    for p in parts {
        for &(f, r) in p.as_ref() {
            match out.iter_mut().find(|(g, _)| *g == f) {
                Some((_, have)) => *have = have.meet(r),
                None => out.push((f, r)),
            }
        }
    }
    out.sort_unstable_by_key(|(f, _)| *f);
    out
}

/// Requirements that hold only together: the facts every part constrains, the union of
/// members or the hull of ranges.
fn all_of<R: Requirement>(parts: &[Vec<(FactId, R)>]) -> Vec<(FactId, R)> {
    let Some((first, rest)) = parts.split_first() else {
        return Vec::new();
    };
    let mut out = first.clone();
    out.retain_mut(|(f, have)| {
        for p in rest {
            match p.iter().find(|(g, _)| g == f) {
                Some((_, r)) => *have = have.join(*r),
                None => return false,
            }
        }
        !have.vacuous()
    });
    out
}

/// What a deciding provision's condition requires of the facts ([`Compiled::footprints`]):
/// a fact whose known value lies outside its members or its range makes the condition
/// false. Each list is sorted by fact; a fact not listed may take any value.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Footprint {
    /// Enumeration facts and the members they may take.
    pub members: Vec<(FactId, u64)>,
    /// Number and date facts and the range they must lie in.
    pub ranges: Vec<(FactId, Range)>,
}

/// The comparison that holds exactly when `op` does not.
fn negated(op: CompareOp) -> CompareOp {
    match op {
        CompareOp::Lt => CompareOp::Ge,
        CompareOp::Le => CompareOp::Gt,
        CompareOp::Gt => CompareOp::Le,
        CompareOp::Ge => CompareOp::Lt,
        CompareOp::Eq => CompareOp::Ne,
        CompareOp::Ne => CompareOp::Eq,
    }
}

/// Builds the dispatch tree within a budget of list entries, specialising each leaf's
/// condition to the members its path fixes.
struct Tree<'a> {
    members: &'a [u32],
    constraints: &'a [Vec<(FactId, u64)>],
    budget: usize,
    op_limit: usize,
    ops: Vec<Op>,
    kids: Vec<OpId>,
    /// The one `true` operation specialised conditions share, once made.
    true_op: Option<OpId>,
    /// Each operation specialised to the current path, once (definitions are shared).
    specialised: HashMap<OpId, Spec>,
    /// Definitions' values and what they specialise to, never spliced (see `Builder`).
    shared: HashSet<OpId>,
    nodes: Vec<Node>,
    children: Vec<u32>,
    lists: Vec<Entry>,
}

/// Below this many leaves a list is evaluated as it is.
const SMALL: usize = 4;
/// How deep the tree goes.
const MAX_DEPTH: usize = 6;

/// A condition specialised to a dispatch path: decided, or still to evaluate.
#[derive(Clone, Copy)]
enum Spec {
    Const(bool),
    Op(OpId),
}

impl Tree<'_> {
    fn mask(&self, leaf: LeafId, fact: FactId) -> u64 {
        self.constraints
            .get(leaf.index())
            .and_then(|c| c.iter().find(|(f, _)| *f == fact))
            .map_or(u64::MAX, |(_, m)| *m)
    }

    fn list(&mut self, entries: &[Entry]) -> (u32, u32) {
        let start = self.lists.len() as u32;
        self.lists.extend_from_slice(entries);
        self.budget = self.budget.saturating_sub(entries.len());
        (start, self.lists.len() as u32)
    }

    fn push(&mut self, op: Op) -> OpId {
        self.ops.push(op);
        OpId((self.ops.len() - 1) as u32)
    }

    /// The node for a set of leaves (in source order) whose conditions are specialised to
    /// `path` (facts and the members they may still take); returns its index.
    fn build(&mut self, entries: Vec<Entry>, path: &mut Vec<(FactId, u64)>) -> u32 {
        let at = self.nodes.len() as u32;
        let choice = if entries.len() <= SMALL || path.len() >= MAX_DEPTH {
            None
        } else {
            self.choose(&entries, path)
        };
        let Some(fact) = choice
            .filter(|(_, total)| *total + entries.len() <= self.budget)
            .map(|(f, _)| f)
        else {
            let range = self.list(&entries);
            self.nodes.push(Node::List(range.0, range.1));
            return at;
        };
        let members = self.members.get(fact.index()).copied().unwrap_or(0);
        let all = self.list(&entries);
        let base = self.children.len() as u32;
        self.children
            .extend(std::iter::repeat_n(u32::MAX, members as usize));
        self.nodes.push(Node::Split {
            fact,
            members,
            base,
            all,
        });
        // Members that lead to the same leaves share a child.
        // (At most 64 members, and few groups: a linear search beats hashing the buckets.)
        let mut groups: Vec<(Vec<LeafId>, u64)> = Vec::new();
        let masks: Vec<u64> = entries.iter().map(|e| self.mask(e.leaf, fact)).collect();
        for m in 0..members {
            let bucket: Vec<LeafId> = entries
                .iter()
                .zip(&masks)
                .filter(|(_, mask)| *mask & (1u64 << m) != 0)
                .map(|(e, _)| e.leaf)
                .collect();
            match groups.iter_mut().find(|(b, _)| *b == bucket) {
                Some((_, set)) => *set |= 1u64 << m,
                None => groups.push((bucket, 1u64 << m)),
            }
        }
        for (bucket, set) in groups {
            path.push((fact, set));
            self.specialised.clear();
            let mut specialised = Vec::with_capacity(bucket.len());
            for e in entries
                .iter()
                .filter(|e| bucket.binary_search(&e.leaf).is_ok())
            {
                match self.specialise(e.cond, path, 0) {
                    Spec::Const(false) => {}
                    Spec::Const(true) => {
                        let cond = match self.true_op {
                            Some(op) => op,
                            None => {
                                let op = self.push(Op::Const(true));
                                self.true_op = Some(op);
                                op
                            }
                        };
                        specialised.push(Entry { leaf: e.leaf, cond });
                    }
                    Spec::Op(cond) => specialised.push(Entry { leaf: e.leaf, cond }),
                }
            }
            let child = self.build(specialised, path);
            path.pop();
            self.specialised.clear();
            for m in 0..members {
                if set & (1u64 << m) != 0 {
                    if let Some(slot) = self.children.get_mut((base + m) as usize) {
                        *slot = child;
                    }
                }
            }
        }
        at
    }

    /// The enumeration fact that best divides the leaves, and the total size of its
    /// buckets, if one divides them well.
    fn choose(&self, entries: &[Entry], path: &[(FactId, u64)]) -> Option<(FactId, usize)> {
        let mut candidates: Vec<FactId> = entries
            .iter()
            .flat_map(|e| {
                self.constraints
                    .get(e.leaf.index())
                    .into_iter()
                    .flatten()
                    .map(|(f, _)| *f)
            })
            .filter(|f| !path.iter().any(|(g, _)| g == f))
            .collect();
        candidates.sort_unstable();
        candidates.dedup();
        let mut best: Option<(FactId, usize, f64)> = None;
        for f in candidates {
            let members = self.members.get(f.index()).copied().unwrap_or(0);
            if members < 2 {
                continue;
            }
            let all = full(members);
            let total: usize = entries
                .iter()
                .map(|e| (self.mask(e.leaf, f) & all).count_ones() as usize)
                .sum();
            let average = total as f64 / f64::from(members);
            if best.is_none_or(|(_, _, b)| average < b) {
                best = Some((f, total, average));
            }
        }
        best.filter(|(_, _, average)| *average <= 0.75 * entries.len() as f64)
            .map(|(f, total, _)| (f, total))
    }

    /// An operation with the members `path` fixes substituted and simplified: new
    /// operations only where something changed.
    fn specialise(&mut self, op: OpId, path: &[(FactId, u64)], depth: usize) -> Spec {
        if depth > 64 || self.ops.len() >= self.op_limit {
            return Spec::Op(op);
        }
        if let Some(&done) = self.specialised.get(&op) {
            return done;
        }
        let spec = self.specialise_once(op, path, depth);
        if let Spec::Op(y) = spec {
            if self.shared.contains(&op) {
                self.shared.insert(y);
            }
        }
        self.specialised.insert(op, spec);
        spec
    }

    fn specialise_once(&mut self, op: OpId, path: &[(FactId, u64)], depth: usize) -> Spec {
        // What specialising needs of the operation, copied out (no `Arc` clone, no borrow).
        let shape = match self.ops.get(op.index()) {
            Some(Op::Const(b)) => Shape::Const(*b),
            Some(Op::Member(f, mask)) => Shape::Member(*f, *mask),
            Some(Op::Not(x)) => Shape::Not(*x),
            Some(Op::And(s, e)) => Shape::Junction(true, *s, *e),
            Some(Op::Or(s, e)) => Shape::Junction(false, *s, *e),
            _ => Shape::Other,
        };
        match shape {
            Shape::Const(b) => Spec::Const(b),
            Shape::Member(f, mask) => match path.iter().find(|(g, _)| *g == f) {
                Some((_, may)) if may & !mask == 0 => Spec::Const(true),
                Some((_, may)) if may & mask == 0 => Spec::Const(false),
                _ => Spec::Op(op),
            },
            Shape::Not(x) => match self.specialise(x, path, depth + 1) {
                Spec::Const(b) => Spec::Const(!b),
                Spec::Op(y) if y == x => Spec::Op(op),
                Spec::Op(y) => Spec::Op(self.push(Op::Not(y))),
            },
            Shape::Junction(is_and, s, e) => {
                // `kids` only grows while specialising, so `s..e` stays this junction's.
                let mut kept: SmallVec<[OpId; 8]> = SmallVec::new();
                let mut changed = false;
                for i in s..e {
                    let Some(&k) = self.kids.get(i as usize) else {
                        break;
                    };
                    match self.specialise(k, path, depth + 1) {
                        // `false` decides an `and`, `true` an `or`.
                        Spec::Const(b) if b != is_and => return Spec::Const(b),
                        Spec::Const(_) => changed = true,
                        Spec::Op(y) => {
                            changed |= y != k;
                            kept.push(y);
                        }
                    }
                }
                if !changed {
                    return Spec::Op(op);
                }
                match kept.as_slice() {
                    [] => Spec::Const(is_and),
                    [one] => Spec::Op(*one),
                    _ => {
                        let mut flat = Vec::with_capacity(kept.len());
                        for k in kept {
                            match self.ops.get(k.index()) {
                                _ if self.shared.contains(&k) => flat.push(k),
                                Some(Op::And(s, e)) if is_and => flat.extend_from_slice(
                                    self.kids.get(*s as usize..*e as usize).unwrap_or(&[]),
                                ),
                                Some(Op::Or(s, e)) if !is_and => flat.extend_from_slice(
                                    self.kids.get(*s as usize..*e as usize).unwrap_or(&[]),
                                ),
                                _ => flat.push(k),
                            }
                        }
                        let start = self.kids.len() as u32;
                        self.kids.extend(flat);
                        let end = self.kids.len() as u32;
                        Spec::Op(self.push(if is_and {
                            Op::And(start, end)
                        } else {
                            Op::Or(start, end)
                        }))
                    }
                }
            }
            Shape::Other => Spec::Op(op),
        }
    }
}

/// What [`Tree::specialise`] reads of an operation.
#[derive(Clone, Copy)]
enum Shape {
    Const(bool),
    Member(FactId, u64),
    Not(OpId),
    /// `and` (true) or `or`, over a range of kids.
    Junction(bool, u32, u32),
    Other,
}

// -------------------------------------------------------------- expressions

struct Builder<'p> {
    policy: &'p Policy,
    ops: Vec<Op>,
    kids: Vec<OpId>,
    /// Each expression's compiled operation, once compiled.
    memo: Vec<Option<OpId>>,
    /// Each definition's compiled value, once compiled.
    def_memo: Vec<Option<OpId>>,
    /// A definition compiled as a constant (for [`Forced`]).
    forced: Option<(DefId, bool)>,
    /// The operations that are definitions' values: shared, so never spliced into an
    /// enclosing `and` / `or` (a definition read twice would be copied twice, and a chain of
    /// definitions that each read the next twice would double at every link).
    shared: HashSet<OpId>,
}

impl Builder<'_> {
    /// A definition's value, compiled.
    fn def(&mut self, d: DefId) -> OpId {
        match self.policy.definitions.get(d.index()) {
            Some(def) => {
                let op = self.expr(def.expr);
                self.shared.insert(op);
                if let Some(slot) = self.def_memo.get_mut(d.index()) {
                    *slot = Some(op);
                }
                op
            }
            None => self.push(Op::Const(false)),
        }
    }

    fn push(&mut self, op: Op) -> OpId {
        self.ops.push(op);
        OpId((self.ops.len() - 1) as u32)
    }

    /// An `and` (or `or`) of these operations, with nested ones of the same kind spliced in.
    fn junction(&mut self, and: bool, parts: Vec<OpId>) -> OpId {
        let mut flat = Vec::with_capacity(parts.len());
        for p in parts {
            match self.ops.get(p.index()) {
                _ if self.shared.contains(&p) => flat.push(p),
                Some(Op::And(s, e)) if and => {
                    flat.extend_from_slice(&self.kids[*s as usize..*e as usize])
                }
                Some(Op::Or(s, e)) if !and => {
                    flat.extend_from_slice(&self.kids[*s as usize..*e as usize])
                }
                _ => flat.push(p),
            }
        }
        let start = self.kids.len() as u32;
        self.kids.extend(flat);
        let end = self.kids.len() as u32;
        self.push(if and {
            Op::And(start, end)
        } else {
            Op::Or(start, end)
        })
    }

    fn expr(&mut self, id: ExprId) -> OpId {
        if let Some(&Some(done)) = self.memo.get(id.index()) {
            return done;
        }
        let op = match self.policy.expr(id).clone() {
            Expr::Const(b) => self.push(Op::Const(b)),
            Expr::Bool(f) => self.push(Op::Bool(f)),
            Expr::Def(d) if self.forced.is_some_and(|(f, _)| f == d) => {
                let value = self.forced.is_some_and(|(_, v)| v);
                self.push(Op::Const(value))
            }
            Expr::Def(d) => match self.policy.definitions.get(d.index()) {
                Some(def) => match self.def_memo.get(d.index()).copied().flatten() {
                    Some(done) => done,
                    None => {
                        let op = self.expr(def.expr);
                        self.shared.insert(op);
                        if let Some(slot) = self.def_memo.get_mut(d.index()) {
                            *slot = Some(op);
                        }
                        op
                    }
                },
                None => self.push(Op::Const(false)),
            },
            Expr::Member { fact, mask } => self.push(Op::Member(fact, mask)),
            Expr::Compare { fact, op, value } => self.push(Op::Compare(fact, op, value)),
            Expr::TextEq { fact, value } => self.push(Op::TextEq(fact, value)),
            Expr::Contains { fact, member } => self.push(Op::Contains(
                fact,
                1u64.checked_shl(u32::from(member)).unwrap_or(0),
            )),
            Expr::Not(e) => {
                let x = self.expr(e);
                match self.ops.get(x.index()) {
                    Some(Op::Bool(f)) => {
                        let f = *f;
                        self.push(Op::NotBool(f))
                    }
                    _ => self.push(Op::Not(x)),
                }
            }
            Expr::And(es) => {
                let parts = es.iter().map(|e| self.expr(*e)).collect();
                self.junction(true, parts)
            }
            Expr::Or(es) => {
                let parts = es.iter().map(|e| self.expr(*e)).collect();
                self.junction(false, parts)
            }
        };
        if let Some(slot) = self.memo.get_mut(id.index()) {
            *slot = Some(op);
        }
        op
    }
}

/// What a case split on a fact needs: the same values, in the same order, as the policy
/// arena would give.
fn split_kind(policy: &Policy, fact: FactId, ty: &Type) -> SplitKind {
    match ty {
        Type::Bool => SplitKind::Bool,
        Type::Enum(m) => SplitKind::Enum(m.len() as u32),
        Type::Number => SplitKind::Number(fact_regions(policy, fact)),
        Type::Date => SplitKind::Date(fact_regions(policy, fact)),
        Type::Text => SplitKind::Text(policy.text_constants(fact)),
        Type::Set(_) => SplitKind::Set(policy.exprs.iter().find_map(|e| match e {
            Expr::Contains { fact: f, member } if *f == fact => Some(*member),
            _ => None,
        })),
    }
}
