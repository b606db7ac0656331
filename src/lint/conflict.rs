//! `L001 conflict`: two deciding provisions that some request makes both apply, one
//! allowing and the other prohibiting, with neither overriding the other and no exception
//! setting either aside. Each is reported with a witness request, checked by deciding it.
//!
//! For each pair of provisions that could decide opposite ways (`permitted only if` can
//! prohibit) and that no `overrides` orders, the search looks for a request in which both
//! conditions hold, their effects oppose, and every provision that would set either aside
//! (an exception to it, an out-of-scope provision) is known not to be in force. The facts
//! nothing else constrains are then given a value so that every provision's applicability
//! is known, and the request, written as JSON and read back, must be decided `conflict`
//! citing both. Pairs between subsections of the same two top-level provisions are
//! reported as one finding.

use super::search::{effective, leaf_unknown, opposite, possible_effects, Effective, Found, Goal};
use super::{leaf_local, leaf_name, leaf_span, point, request_json, Context};
use crate::ast::EffectKind;
use crate::diagnostic::{code, Diagnostic, Related};
use crate::eval::{leaf_applies, Outcome, Tri};
use crate::ir::{FactId, LeafId, NodeId, Policy};
use crate::request::{Origin, Request};
use crate::statute::StatuteText;

/// What precedes the witness request in a finding's help.
const WITNESS: &str = "this request is decided `conflict`: ";

/// How many further pairs a finding lists by name.
const LISTED: usize = 8;

/// One conflicting pair, `later` after `earlier` in source order, with its witness.
struct Pair {
    earlier: LeafId,
    later: LeafId,
    json: String,
    request: Request,
}

pub(super) fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    let policy = cx.policy;
    // Only pairs whose footprints overlap are searched (see `pairs.rs`), in source order.
    let mut found: Vec<(LeafId, LeafId)> = Vec::new();
    let compared = super::pairs::overlapping(policy, &cx.footprints, &mut |a, b| {
        if candidates(policy, a, b) {
            found.push((a, b));
        }
    });
    cx.compared.set(cx.compared.get() + compared);
    found.sort_unstable();
    let mut groups: Vec<Vec<Pair>> = Vec::new();
    let mut group_of: rustc_hash::FxHashMap<(NodeId, NodeId), usize> = Default::default();
    for (a, b) in found {
        if cx.search.spent() {
            cx.unsearched(true);
            continue;
        }
        let mut blocked = cx.relevant_preemptors(a, &[a, b]);
        for p in cx.relevant_preemptors(b, &[a, b]) {
            if !blocked.contains(&p) {
                blocked.push(p);
            }
        }
        let mut holds = cx.conditions(a);
        holds.extend(cx.conditions(b));
        let goal = Goal {
            holds,
            opposed: Some((a, b)),
            blocked,
            ranges: cx.ranges(&[a, b]),
        };
        match cx.search.find(&goal) {
            Found::No => {}
            Found::Undecided => out.push(undecided(cx, a, b, false)),
            Found::Yes(found) => match witness(cx, &found, a, b) {
                Some((json, request)) => {
                    let key = (
                        root(policy, policy.leaf(a).node),
                        root(policy, policy.leaf(b).node),
                    );
                    let pair = Pair {
                        earlier: a,
                        later: b,
                        json,
                        request,
                    };
                    match group_of.get(&key).and_then(|&i| groups.get_mut(i)) {
                        Some(pairs) => pairs.push(pair),
                        None => {
                            group_of.insert(key, groups.len());
                            groups.push(vec![pair]);
                        }
                    }
                }
                None => out.push(undecided(cx, a, b, true)),
            },
        }
    }
    for pairs in groups {
        out.push(finding(policy, &pairs));
    }
}

/// Whether two provisions could conflict at all: neither is out of scope, they can decide
/// opposite ways, and neither overrides the other.
fn candidates(policy: &Policy, a: LeafId, b: LeafId) -> bool {
    let (la, lb) = (policy.leaf(a), policy.leaf(b));
    if la.effect == EffectKind::OutOfScope || lb.effect == EffectKind::OutOfScope {
        return false;
    }
    if la.overrides_leaf(b) || lb.overrides_leaf(a) {
        return false;
    }
    let (ea, eb) = (possible_effects(policy, a), possible_effects(policy, b));
    ea.iter().any(|x| eb.iter().any(|y| opposite(*x, *y)))
}

/// The top-level provision a provision is nested in.
fn root(policy: &Policy, node: NodeId) -> NodeId {
    let mut current = node;
    for _ in 0..policy.nodes.len() {
        match policy.node(current).parent {
            Some(parent) => current = parent,
            None => break,
        }
    }
    current
}

/// Completes a request the search found into one every provision's applicability is known
/// on, writes it as JSON, reads it back and decides it: the witness, if that is `conflict`
/// citing both provisions.
fn witness(cx: &Context, found: &Request, a: LeafId, b: LeafId) -> Option<(String, Request)> {
    let policy = cx.policy;
    let mut request = Request::empty(policy);
    for i in 0..policy.facts.len() {
        let fact = FactId(i as u32);
        if found.origin(fact) == Origin::Given {
            if let Some(v) = found.get(fact) {
                request.assume(fact, v.clone());
            }
        }
    }
    // What the goal constrains is known by now, so any value of the others keeps it met.
    // Only provisions that can apply together with both can still be unknown: the others
    // require members or ranges that the facts both need rule out.
    let open: Vec<LeafId> = (0..policy.leaves.len())
        .map(|i| LeafId(i as u32))
        .filter(|&l| cx.could_apply_together(l, a) && cx.could_apply_together(l, b))
        .collect();
    for _ in 0..=policy.facts.len() {
        let Some(fact) = next_unknown(policy, &request, &open) else {
            break;
        };
        let value = cx.search.domains().of(fact).first()?.clone();
        request.assume(fact, value);
    }
    let json = request_json(policy, &request);
    let value: serde_json::Value = serde_json::from_str(&json).ok()?;
    let parsed = Request::from_json(policy, &value).ok()?;
    let decision = cx.compiled.decide(&parsed);
    let confirmed = decision.outcome == Outcome::Conflict
        && decision.cites.contains(&a)
        && decision.cites.contains(&b);
    confirmed.then_some((json, parsed))
}

/// A fact the applicability (or `only if`) of one of `leaves` still depends on.
fn next_unknown(policy: &Policy, request: &Request, leaves: &[LeafId]) -> Option<FactId> {
    leaves.iter().copied().find_map(|leaf| {
        if leaf_applies(policy, request, leaf) == Tri::False {
            None
        } else {
            leaf_unknown(policy, request, leaf)
        }
    })
}

/// What a provision does to the witness, in a word or two.
fn verb(policy: &Policy, request: &Request, leaf: LeafId) -> &'static str {
    match effective(policy, request, leaf) {
        Effective::Is(EffectKind::Required) => "requires",
        Effective::Is(EffectKind::Permitted) => "permits",
        Effective::Is(EffectKind::Prohibited)
            if policy.leaf(leaf).effect != EffectKind::Prohibited =>
        {
            "prohibits: its `only if` fails"
        }
        Effective::Is(EffectKind::Prohibited) => "prohibits",
        _ => "applies",
    }
}

fn finding(policy: &Policy, pairs: &[Pair]) -> Diagnostic {
    let Some(first) = pairs.first() else {
        return Diagnostic::new(
            &code::conflict,
            "conflicting provisions",
            Default::default(),
        );
    };
    let (a, b) = (first.earlier, first.later);
    let cite_path =
        |leaf: LeafId| StatuteText::display_path(&policy.node(policy.leaf(leaf).node).cite.path);
    let mut d = Diagnostic::new(
        &code::conflict,
        format!(
            "{} and {} can apply to the same request with different outcomes, and neither overrides the other",
            leaf_name(policy, b),
            leaf_name(policy, a)
        ),
        leaf_span(policy, b),
    )
    .label(verb(policy, &first.request, b));
    let verb_a = verb(policy, &first.request, a);
    d = point(d, policy, leaf_span(policy, a), verb_a, format!("{} {verb_a}", leaf_name(policy, a)))
    .help(format!(
        "if one is an exception to the other, add `overrides {}` to {} (or `overrides {}` to {}); otherwise narrow their conditions so that they cannot both apply\n{WITNESS}{}",
        cite_path(a),
        leaf_local(policy, b),
        cite_path(b),
        leaf_local(policy, a),
        first.json
    ));
    // The same request, structured: the witness was read back from this JSON (`witness`).
    if let Ok(request) = serde_json::from_str(&first.json) {
        d = d.with_witness(request);
    }
    if pairs.len() > 1 {
        let rest: Vec<String> = pairs
            .iter()
            .skip(1)
            .take(LISTED)
            .map(|p| {
                format!(
                    "{} and {}",
                    leaf_local(policy, p.later),
                    leaf_local(policy, p.earlier)
                )
            })
            .collect();
        let more = if pairs.len() - 1 > LISTED {
            ", …"
        } else {
            ""
        };
        d = d.with_related(Related {
            source: policy.source.clone(),
            message: format!(
                "{} more {} the same way: {}{more}",
                pairs.len() - 1,
                if pairs.len() == 2 {
                    "pair conflicts"
                } else {
                    "pairs conflict"
                },
                rest.join("; ")
            ),
            label: None,
        });
    }
    d
}

/// `L007`: the search could not settle whether the two provisions conflict.
fn undecided(cx: &Context, a: LeafId, b: LeafId, unconfirmed: bool) -> Diagnostic {
    let policy = cx.policy;
    let message = if unconfirmed {
        format!(
            "could not confirm whether {} and {} conflict: a request makes both apply, but it is not decided `conflict`",
            leaf_name(policy, b),
            leaf_name(policy, a)
        )
    } else {
        format!(
            "could not decide whether {} and {} conflict {}",
            leaf_name(policy, b),
            leaf_name(policy, a),
            cx.search.limit()
        )
    };
    let d =
        Diagnostic::new(&code::undecided, message, leaf_span(policy, b)).label("this provision");
    point(d, policy, leaf_span(policy, a), "and this one", leaf_name(policy, a))
        .help("they may or may not conflict: check them by hand, or split their conditions into subsections")
}
