//! Which pairs of deciding provisions the conflict search compares: only those whose
//! footprints overlap ([`Footprint`], what each condition requires of the facts, the rule
//! the evaluator's dispatch tree splits by). Two provisions that require different members
//! of an enumeration, or disjoint ranges of a number, cannot apply to the same request and
//! are never compared.
//!
//! The pairs are found without looking at every pair: the provisions are split, again and
//! again, by the fact that separates them best — an enumeration into one group per member
//! (a provision goes into the group of each member it may take), a number or date into
//! groups of overlapping ranges (sorted by their lower bounds) — and only the provisions of
//! one group are compared with each other. A provision that does not constrain the fact is
//! compared with the others once, where the split is made, and split further with the like
//! of it. A group that holds no provision that can allow or none that can prohibit is
//! dropped whole. On a policy whose provisions are told apart by members and bands, the
//! pairs compared grow linearly with the provisions.

use super::search::{opposite, possible_effects};
use crate::ast::EffectKind;
use crate::eval::{any_of, Footprint};
use crate::ir::{FactId, LeafId, Policy, Range, Type};

/// Below this many provisions a group is compared pair by pair.
const SMALL: usize = 8;

/// Whether two provisions' footprints leave a request both could apply to: every
/// enumeration both constrain has a member both allow, every number a value both allow.
pub(super) fn overlap(policy: &Policy, a: &Footprint, b: &Footprint) -> bool {
    for (f, m) in &a.members {
        if let Some(n) = members_of(b, *f) {
            if m & n == 0 {
                return false;
            }
        }
    }
    for (f, r) in &a.ranges {
        if let Some(s) = range_of(b, *f) {
            if r.intersect(&s).is_empty(is_date(policy, *f)) {
                return false;
            }
        }
    }
    true
}

/// The intersection of two footprints: what holds when both provisions apply.
pub(super) fn both(a: &Footprint, b: &Footprint) -> Footprint {
    Footprint {
        members: any_of(&[&a.members, &b.members]),
        ranges: any_of(&[&a.ranges, &b.ranges]),
    }
}

/// What a footprint requires of a fact (its lists are sorted by fact).
fn requirement<R: Copy>(list: &[(FactId, R)], fact: FactId) -> Option<R> {
    list.binary_search_by_key(&fact, |(f, _)| *f)
        .ok()
        .and_then(|i| list.get(i))
        .map(|(_, r)| *r)
}

fn members_of(fp: &Footprint, fact: FactId) -> Option<u64> {
    requirement(&fp.members, fact)
}

fn range_of(fp: &Footprint, fact: FactId) -> Option<Range> {
    requirement(&fp.ranges, fact)
}

fn is_date(policy: &Policy, fact: FactId) -> bool {
    matches!(policy.fact(fact).ty, Type::Date)
}

fn member_count(policy: &Policy, fact: FactId) -> u32 {
    match &policy.fact(fact).ty {
        Type::Enum(m) => m.len().min(64) as u32,
        _ => 0,
    }
}

/// Whether a provision can allow (`required`, `permitted`) and whether it can prohibit
/// (`prohibited`, or `permitted only if` when its condition fails): its possible effects
/// as the search weighs them.
fn sides(policy: &Policy, leaf: LeafId) -> (bool, bool) {
    let effects = possible_effects(policy, leaf);
    (
        effects.iter().any(|&e| opposite(e, EffectKind::Prohibited)),
        effects.contains(&EffectKind::Prohibited),
    )
}

/// A group of provisions still to split or compare, with the splits that made it.
struct Group {
    leaves: Vec<LeafId>,
    /// The enumeration splits on the way here: the fact and the member of this group.
    path: Vec<(FactId, u8)>,
    /// The facts split on already.
    used: Vec<FactId>,
}

/// A group split by one fact: the parts (with the member, for an enumeration), and the
/// provisions that do not constrain the fact, which could apply together with any.
struct Split {
    fact: FactId,
    parts: Vec<(Vec<LeafId>, Option<u8>)>,
    open: Vec<LeafId>,
    /// Pairs the split leaves to compare: within each part, within `open`, and between
    /// `open` and the others.
    cost: u128,
}

/// Calls `visit(a, b)` once for every pair of provisions, `a` before `b`, that could decide
/// opposite ways and whose footprints overlap. Returns how many pairs were compared
/// (footprints tested) to find them: the work, linear when provisions split well.
pub(super) fn overlapping(
    policy: &Policy,
    footprints: &[Footprint],
    visit: &mut dyn FnMut(LeafId, LeafId),
) -> usize {
    let fp = |l: LeafId| footprints.get(l.index());
    let side: Vec<(bool, bool)> = (0..policy.leaves.len())
        .map(|i| sides(policy, LeafId(i as u32)))
        .collect();
    let side_of = |l: LeafId| side.get(l.index()).copied().unwrap_or((false, false));
    let leaves: Vec<LeafId> = (0..policy.leaves.len())
        .map(|i| LeafId(i as u32))
        .filter(|&l| side_of(l) != (false, false))
        .collect();
    let mut compared = 0usize;
    // Compares one pair: opposite sides, in the first group of each enumeration split
    // both are in (a pair in several groups of one split is compared in the group of the
    // first member both may take), footprints that overlap.
    let mut compare = |a: LeafId, b: LeafId, path: &[(FactId, u8)]| {
        compared += 1;
        let (sa, sb) = (side_of(a), side_of(b));
        if !((sa.0 && sb.1) || (sa.1 && sb.0)) {
            return;
        }
        let (Some(x), Some(y)) = (fp(a), fp(b)) else {
            return;
        };
        let first_here = path.iter().all(|&(f, m)| {
            let both = members_of(x, f).unwrap_or(u64::MAX) & members_of(y, f).unwrap_or(u64::MAX);
            both.trailing_zeros() == u32::from(m)
        });
        if first_here && overlap(policy, x, y) {
            visit(a.min(b), a.max(b));
        }
    };
    let mut stack = vec![Group {
        leaves,
        path: Vec::new(),
        used: Vec::new(),
    }];
    while let Some(group) = stack.pop() {
        let (allow, prohibit) = group
            .leaves
            .iter()
            .map(|&l| side_of(l))
            .fold((false, false), |(a, p), (x, y)| (a || x, p || y));
        if !(allow && prohibit) {
            continue;
        }
        let split = if group.leaves.len() <= SMALL {
            None
        } else {
            choose(policy, footprints, &group)
        };
        let Some(split) = split else {
            for (i, &a) in group.leaves.iter().enumerate() {
                for &b in group.leaves.iter().skip(i + 1) {
                    compare(a, b, &group.path);
                }
            }
            continue;
        };
        // The open provisions against the others, here; within each part and within the
        // open ones, below.
        if !split.open.is_empty() {
            let open: std::collections::HashSet<LeafId> = split.open.iter().copied().collect();
            for &w in &split.open {
                for &x in group.leaves.iter().filter(|l| !open.contains(l)) {
                    compare(w, x, &group.path);
                }
            }
        }
        let mut used = group.used.clone();
        used.push(split.fact);
        stack.push(Group {
            leaves: split.open,
            path: group.path.clone(),
            used: used.clone(),
        });
        for (leaves, member) in split.parts.into_iter().rev() {
            let mut path = group.path.clone();
            if let Some(m) = member {
                path.push((split.fact, m));
            }
            stack.push(Group {
                leaves,
                path,
                used: used.clone(),
            });
        }
    }
    compared
}

/// The split that leaves the fewest pairs to compare, if it leaves at most three quarters
/// of them.
fn choose(policy: &Policy, footprints: &[Footprint], group: &Group) -> Option<Split> {
    let mut facts: Vec<FactId> = Vec::new();
    for l in &group.leaves {
        if let Some(fp) = footprints.get(l.index()) {
            facts.extend(fp.members.iter().map(|(f, _)| *f));
            facts.extend(fp.ranges.iter().map(|(f, _)| *f));
        }
    }
    facts.sort_unstable();
    facts.dedup();
    facts.retain(|f| !group.used.contains(f));
    let n = group.leaves.len() as u128;
    let mut best: Option<Split> = None;
    for fact in facts {
        let split = match member_count(policy, fact) {
            0 => by_range(policy, footprints, &group.leaves, fact),
            count => by_member(footprints, &group.leaves, fact, count),
        };
        if best.as_ref().is_none_or(|b| split.cost < b.cost) {
            best = Some(split);
        }
    }
    best.filter(|s| 4 * s.cost <= 3 * n * n)
}

/// What a split leaves to compare.
fn cost(parts: &[(Vec<LeafId>, Option<u8>)], open: usize, all: usize) -> u128 {
    let within: u128 = parts.iter().map(|(p, _)| (p.len() as u128).pow(2)).sum();
    let open = open as u128;
    within + open * open + open * (all as u128 - open)
}

/// One part per member of an enumeration, each with the provisions that may take it; the
/// provisions that may take every member are open.
fn by_member(footprints: &[Footprint], leaves: &[LeafId], fact: FactId, count: u32) -> Split {
    let all = if count >= 64 {
        u64::MAX
    } else {
        (1u64 << count) - 1
    };
    let mut parts: Vec<(Vec<LeafId>, Option<u8>)> =
        (0..count).map(|m| (Vec::new(), Some(m as u8))).collect();
    let mut open = Vec::new();
    for &l in leaves {
        let mask = footprints
            .get(l.index())
            .and_then(|x| members_of(x, fact))
            .unwrap_or(u64::MAX)
            & all;
        if mask == all {
            open.push(l);
            continue;
        }
        for (m, (part, _)) in parts.iter_mut().enumerate() {
            if mask & (1u64 << m) != 0 {
                part.push(l);
            }
        }
    }
    parts.retain(|(p, _)| !p.is_empty());
    let cost = cost(&parts, open.len(), leaves.len());
    Split {
        fact,
        parts,
        open,
        cost,
    }
}

/// The provisions that constrain a number or date, in parts whose ranges overlap one
/// another's (sorted by their lower bounds, each part in source order); those that do not
/// constrain it are open.
fn by_range(policy: &Policy, footprints: &[Footprint], leaves: &[LeafId], fact: FactId) -> Split {
    let whole = is_date(policy, fact);
    let mut open = Vec::new();
    let mut ranged: Vec<(Range, LeafId)> = Vec::new();
    for &l in leaves {
        match footprints.get(l.index()).and_then(|x| range_of(x, fact)) {
            Some(r) if !r.is_all() => ranged.push((r, l)),
            _ => open.push(l),
        }
    }
    let lower = |r: &Range| r.lo.map_or(f64::NEG_INFINITY, |(x, _)| x);
    ranged.sort_by(|(a, _), (b, _)| lower(a).total_cmp(&lower(b)));
    let mut parts: Vec<(Vec<LeafId>, Option<u8>)> = Vec::new();
    let mut reach: Option<Range> = None;
    for (r, l) in ranged {
        // A range that begins beyond the reach of the part so far begins a new part.
        let joins = reach.is_some_and(|g| !Range { lo: r.lo, hi: g.hi }.is_empty(whole));
        match parts.last_mut() {
            Some((last, _)) if joins => {
                last.push(l);
                reach = reach.map(|g| g.hull(&r));
            }
            _ => {
                parts.push((vec![l], None));
                reach = Some(r);
            }
        }
    }
    for (p, _) in &mut parts {
        p.sort_unstable();
    }
    let cost = cost(&parts, open.len(), leaves.len());
    Split {
        fact,
        parts,
        open,
        cost,
    }
}
