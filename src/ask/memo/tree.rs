//! The cases of an undetermined decision as a tree a reader can take in: split first on
//! the fact that sorts the answers best, siblings with the same answer merged (their
//! values joined), a fact that changes nothing dropped, and the situations the encoded law
//! does not cover set apart.

use crate::eval::{Case, CaseValue, Decision, Outcome};
use crate::ir::{FactId, LeafId, Policy, Type};
use crate::value::Value;

/// How many conditions a situation the law does not cover may have to be said apart from
/// the tree.
const SET_APART: usize = 3;

/// A condition path from the root: each fact with the value it takes.
pub(super) type Path = Vec<(FactId, CaseValue)>;

/// A node of the tree: a split on a fact, or a leaf with its answer.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Node {
    /// The split: the fact and, per value, the subtree. `None` for a leaf.
    pub split: Option<(FactId, Vec<(CaseValue, Node)>)>,
    /// A leaf's outcome.
    pub outcome: Outcome,
    /// The provisions that decide in every situation the leaf stands for.
    pub every: Vec<LeafId>,
    /// The provisions that decide in only some of them.
    pub some: Vec<LeafId>,
    /// The obligations of every situation the leaf stands for.
    pub obligations: Vec<u32>,
}

/// The simplified case tree of an undetermined decision.
#[derive(Debug)]
pub(super) struct Tree {
    /// What the encoded law decides (`None` when it decides nothing).
    pub root: Option<Node>,
    /// The situations it does not cover, each with its path.
    pub not_covered: Vec<(Path, Node)>,
}

/// A case still to place: the conditions not yet split on.
struct Item<'d> {
    when: Path,
    case: &'d Case,
}

impl Tree {
    /// The tree of a decision's cases.
    pub fn of(policy: &Policy, decision: &Decision) -> Tree {
        let items: Vec<Item> = decision
            .cases
            .iter()
            .map(|case| Item {
                when: case.when.clone(),
                case,
            })
            .collect();
        let mut not_covered = Vec::new();
        let root = if items.is_empty() {
            None
        } else {
            let built = build(policy, items);
            prune(built, &mut Vec::new(), &mut not_covered)
        };
        Tree { root, not_covered }
    }

    /// The leaves the encoded law decides, each with its path.
    pub fn covered_leaves(&self) -> Vec<(Path, &Node)> {
        let mut out = Vec::new();
        if let Some(root) = &self.root {
            leaves(root, &mut Vec::new(), &mut out);
        }
        out.retain(|(_, n)| n.outcome != Outcome::NotAddressed);
        out
    }

    /// The situations the encoded law does not cover: those set apart and those left in
    /// the tree.
    pub fn uncovered(&self) -> Vec<Path> {
        let mut out: Vec<Path> = self.not_covered.iter().map(|(p, _)| p.clone()).collect();
        if let Some(root) = &self.root {
            let mut found = Vec::new();
            leaves(root, &mut Vec::new(), &mut found);
            out.extend(
                found
                    .into_iter()
                    .filter(|(_, n)| n.outcome == Outcome::NotAddressed)
                    .map(|(p, _)| p),
            );
        }
        out
    }

    /// The facts the answer turns on, in the order the tree asks them.
    pub fn facts(&self) -> Vec<FactId> {
        let mut out = Vec::new();
        if let Some(root) = &self.root {
            facts(root, &mut out);
        }
        for (path, _) in &self.not_covered {
            for (f, _) in path {
                if !out.contains(f) {
                    out.push(*f);
                }
            }
        }
        out
    }

    /// The values the tree distinguishes for a fact, each once.
    pub fn values_of(&self, fact: FactId) -> Vec<CaseValue> {
        let mut out = Vec::new();
        if let Some(root) = &self.root {
            values(root, fact, &mut out);
        }
        for (path, _) in &self.not_covered {
            for (f, v) in path {
                if *f == fact && !out.contains(v) {
                    out.push(v.clone());
                }
            }
        }
        out
    }
}

impl Node {
    fn leaf(items: &[Item]) -> Node {
        let first = items.first().map(|i| i.case);
        let mut every: Vec<LeafId> = first.map(|c| c.cites.clone()).unwrap_or_default();
        let mut some: Vec<LeafId> = Vec::new();
        for item in items {
            for l in &item.case.cites {
                if !every.contains(l) && !some.contains(l) {
                    some.push(*l);
                }
            }
            let missing: Vec<LeafId> = every
                .iter()
                .copied()
                .filter(|l| !item.case.cites.contains(l))
                .collect();
            every.retain(|l| !missing.contains(l));
            for l in missing {
                if !some.contains(&l) {
                    some.push(l);
                }
            }
        }
        Node {
            split: None,
            outcome: first.map_or(Outcome::Undetermined, |c| c.outcome),
            every,
            some,
            obligations: first.map(|c| sorted(&c.obligations)).unwrap_or_default(),
        }
    }

    /// The outcomes of the leaves below, each once, in order.
    pub fn outcomes(&self) -> Vec<Outcome> {
        let mut out = Vec::new();
        let mut found = Vec::new();
        leaves(self, &mut Vec::new(), &mut found);
        for (_, leaf) in found {
            if !out.contains(&leaf.outcome) {
                out.push(leaf.outcome);
            }
        }
        out
    }

    /// How many leaves are below.
    pub fn leaf_count(&self) -> usize {
        match &self.split {
            None => 1,
            Some((_, branches)) => branches.iter().map(|(_, n)| n.leaf_count()).sum(),
        }
    }

    /// Whether two subtrees give the same answers under the same conditions (the
    /// provisions that decide aside: siblings that differ only in those are merged).
    fn same_answers(&self, other: &Node) -> bool {
        match (&self.split, &other.split) {
            (None, None) => self.outcome == other.outcome && self.obligations == other.obligations,
            (Some((f, a)), Some((g, b))) => {
                f == g
                    && a.len() == b.len()
                    && a.iter()
                        .zip(b)
                        .all(|((v, x), (w, y))| v == w && x.same_answers(y))
            }
            _ => false,
        }
    }

    /// Two subtrees with the same answers as one: provisions that decide in both stay
    /// "every", the rest become "some".
    fn merge(mut self, other: Node) -> Node {
        match (&mut self.split, other.split) {
            (None, None) => {
                let mut some = self.some.clone();
                for l in self.every.iter().chain(&other.every).chain(&other.some) {
                    let in_both = self.every.contains(l) && other.every.contains(l);
                    if !in_both && !some.contains(l) {
                        some.push(*l);
                    }
                }
                self.every.retain(|l| other.every.contains(l));
                self.some = some;
                self
            }
            (Some((_, mine)), Some((_, theirs))) => {
                let merged: Vec<(CaseValue, Node)> = std::mem::take(mine)
                    .into_iter()
                    .zip(theirs)
                    .map(|((v, x), (_, y))| (v, x.merge(y)))
                    .collect();
                *mine = merged;
                self
            }
            _ => self,
        }
    }
}

fn sorted(xs: &[u32]) -> Vec<u32> {
    let mut v = xs.to_vec();
    v.sort_unstable();
    v
}

/// What a case answers, for grouping: its outcome and obligations.
fn label(case: &Case) -> (Outcome, Vec<u32>) {
    (case.outcome, sorted(&case.obligations))
}

/// Builds the subtree of `items`.
fn build(policy: &Policy, items: Vec<Item>) -> Node {
    let first = label(items[0].case);
    if items.iter().all(|i| label(i.case) == first) {
        return Node::leaf(&items);
    }
    let Some(fact) = best_split(&items) else {
        // No fact sorts every remaining case: the evaluator's own order, the cases that do
        // not name the fact standing under every value.
        let Some(&(fact, _)) = items.iter().find_map(|i| i.when.first()) else {
            return Node::leaf(&items);
        };
        return split_on(policy, fact, items);
    };
    split_on(policy, fact, items)
}

/// The fact to split on: named by some item, with values that do not overlap, that
/// leaves the fewest distinct answers per branch (an item that does not name the fact holds
/// whatever its value, and counts in every branch); ties go to the fact more items name,
/// then to the evaluator's order.
fn best_split(items: &[Item]) -> Option<FactId> {
    let mut candidates: Vec<FactId> = Vec::new();
    for item in items {
        for (f, _) in &item.when {
            if !candidates.contains(f) {
                candidates.push(*f);
            }
        }
    }
    let mut best: Option<((usize, usize), FactId)> = None;
    for fact in candidates {
        let mut values: Vec<&CaseValue> = Vec::new();
        let mut named = 0;
        let mut usable = true;
        for item in items {
            if let Some((_, v)) = item.when.iter().find(|(f, _)| *f == fact) {
                named += 1;
                if values.iter().any(|w| *w != v && overlaps(w, v)) {
                    usable = false;
                    break;
                }
                if !values.contains(&v) {
                    values.push(v);
                }
            }
        }
        if !usable {
            continue;
        }
        let mut cost = 0;
        for v in &values {
            let mut labels: Vec<(Outcome, Vec<u32>)> = Vec::new();
            for item in items {
                let value = item.when.iter().find(|(f, _)| *f == fact).map(|(_, w)| w);
                if value.is_none_or(|w| w == *v) {
                    let l = label(item.case);
                    if !labels.contains(&l) {
                        labels.push(l);
                    }
                }
            }
            cost += labels.len();
        }
        let key = (cost, items.len() - named);
        if best.is_none_or(|(k, _)| key < k) {
            best = Some((key, fact));
        }
    }
    best.map(|(_, f)| f)
}

/// Whether two values of one fact can hold at once.
fn overlaps(a: &CaseValue, b: &CaseValue) -> bool {
    match (mask(a), mask(b)) {
        (Some(x), Some(y)) => return x & y != 0,
        (Some(_), None) | (None, Some(_)) => return true,
        (None, None) => {}
    }
    match (a, b) {
        (CaseValue::Range { lo: l1, hi: h1 }, CaseValue::Range { lo: l2, hi: h2 }) => {
            !(below(*h1, *l2) || below(*h2, *l1))
        }
        (CaseValue::Value(x), CaseValue::Value(y)) => x == y,
        _ => true,
    }
}

/// Whether everything under `hi` lies below everything above `lo`.
fn below(hi: Option<(f64, bool)>, lo: Option<(f64, bool)>) -> bool {
    match (hi, lo) {
        (Some((h, hi_in)), Some((l, lo_in))) => h < l || (h == l && !(hi_in && lo_in)),
        _ => false,
    }
}

/// An enumeration value as a member set.
fn mask(v: &CaseValue) -> Option<u64> {
    match v {
        CaseValue::Value(Value::Enum(i)) => Some(1u64 << i),
        CaseValue::Members(m) => Some(*m),
        _ => None,
    }
}

/// Splits `items` on `fact`: one branch per value, branches with the same answers merged,
/// the fact dropped when they all merge into one.
fn split_on(policy: &Policy, fact: FactId, items: Vec<Item>) -> Node {
    let mut groups: Vec<(CaseValue, Vec<Item>)> = Vec::new();
    let mut everywhere: Vec<Item> = Vec::new();
    for mut item in items {
        match item.when.iter().position(|(f, _)| *f == fact) {
            Some(at) => {
                let (_, value) = item.when.remove(at);
                match groups.iter_mut().find(|(v, _)| *v == value) {
                    Some((_, g)) => g.push(item),
                    None => groups.push((value, vec![item])),
                }
            }
            None => everywhere.push(item),
        }
    }
    for item in everywhere {
        for (_, g) in groups.iter_mut() {
            g.push(Item {
                when: item.when.clone(),
                case: item.case,
            });
        }
    }
    order(policy, fact, &mut groups);
    let mut branches: Vec<(CaseValue, Node)> = Vec::new();
    for (value, group) in groups {
        let node = build(policy, group);
        match branches.iter().position(|(_, n)| n.same_answers(&node)) {
            Some(at) => match join(&branches[at].0, &value) {
                Some(joined) => {
                    let (_, old) = branches.remove(at);
                    branches.insert(at, (joined, old.merge(node)));
                }
                None => branches.push((value, node)),
            },
            None => branches.push((value, node)),
        }
    }
    if branches.len() == 1 {
        if let Some((_, only)) = branches.pop() {
            return only;
        }
    }
    Node {
        split: Some((fact, branches)),
        outcome: Outcome::Undetermined,
        every: Vec::new(),
        some: Vec::new(),
        obligations: Vec::new(),
    }
}

/// Branches in reading order: `true` before `false`, ranges from low to high, members in
/// declaration order.
fn order(policy: &Policy, fact: FactId, groups: &mut [(CaseValue, Vec<Item>)]) {
    let key = |v: &CaseValue| -> f64 {
        match v {
            CaseValue::Value(Value::Bool(b)) => f64::from(u8::from(!*b)),
            CaseValue::Value(Value::Enum(i)) => f64::from(*i),
            CaseValue::Members(m) => f64::from(m.trailing_zeros()),
            CaseValue::Range { lo, .. } => lo.map_or(f64::NEG_INFINITY, |(x, _)| x),
            _ => 0.0,
        }
    };
    if matches!(
        policy.fact(fact).ty,
        Type::Bool | Type::Enum(_) | Type::Number | Type::Date
    ) {
        groups.sort_by(|(a, _), (b, _)| key(a).total_cmp(&key(b)));
    }
}

/// Two values as one, where the tree can say it so: members joined, adjacent ranges
/// joined, `true` and `false` as either (the fact then drops out).
fn join(a: &CaseValue, b: &CaseValue) -> Option<CaseValue> {
    if let (Some(x), Some(y)) = (mask(a), mask(b)) {
        return Some(CaseValue::of_members(x | y));
    }
    match (a, b) {
        (CaseValue::Value(Value::Bool(_)), CaseValue::Value(Value::Bool(_))) => {
            Some(CaseValue::Range { lo: None, hi: None })
        }
        (CaseValue::Range { lo, hi }, CaseValue::Range { lo: lo2, hi: hi2 }) => {
            if adjacent(*hi, *lo2) {
                Some(CaseValue::Range { lo: *lo, hi: *hi2 })
            } else if adjacent(*hi2, *lo) {
                Some(CaseValue::Range { lo: *lo2, hi: *hi })
            } else {
                None
            }
        }
        _ => None,
    }
}

/// Whether a range ending at `hi` and one starting at `lo` meet without a gap or overlap.
fn adjacent(hi: Option<(f64, bool)>, lo: Option<(f64, bool)>) -> bool {
    matches!((hi, lo), (Some((h, a)), Some((l, b))) if h == l && a != b)
}

/// Sets the situations the encoded law does not cover apart; `None` when nothing is left.
fn prune(node: Node, path: &mut Path, not_covered: &mut Vec<(Path, Node)>) -> Option<Node> {
    match node.split {
        // A short path is said once, below the tree; a long one stays where it falls.
        None if node.outcome == Outcome::NotAddressed && path.len() <= SET_APART => {
            not_covered.push((path.clone(), node));
            None
        }
        None => Some(node),
        Some((fact, branches)) => {
            let mut kept = Vec::new();
            for (value, child) in branches {
                path.push((fact, value.clone()));
                if let Some(child) = prune(child, path, not_covered) {
                    kept.push((value, child));
                }
                path.pop();
            }
            (!kept.is_empty()).then_some(Node {
                split: Some((fact, kept)),
                ..node
            })
        }
    }
}

fn leaves<'n>(node: &'n Node, path: &mut Path, out: &mut Vec<(Path, &'n Node)>) {
    match &node.split {
        None => out.push((path.clone(), node)),
        Some((fact, branches)) => {
            for (value, child) in branches {
                path.push((*fact, value.clone()));
                leaves(child, path, out);
                path.pop();
            }
        }
    }
}

fn facts(node: &Node, out: &mut Vec<FactId>) {
    if let Some((fact, branches)) = &node.split {
        if !out.contains(fact) {
            out.push(*fact);
        }
        for (_, child) in branches {
            facts(child, out);
        }
    }
}

fn values(node: &Node, fact: FactId, out: &mut Vec<CaseValue>) {
    if let Some((f, branches)) = &node.split {
        for (value, child) in branches {
            if *f == fact && !out.contains(value) {
                out.push(value.clone());
            }
            values(child, fact, out);
        }
    }
}
