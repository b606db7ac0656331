//! `L002 unreachable`: a deciding provision that never decides, because no request makes
//! its conditions (its own and those it inherits) all hold, or because every request that
//! does also puts an exception to it (or an out-of-scope provision) in force.
//!
//! Both are searches (see `search.rs`). The finding names the cause: a smallest set of
//! conditions that cannot hold together, or a smallest set of provisions that always set
//! it aside, each found by dropping one at a time while the search still fails.

use super::search::{Found, Goal};
use super::{leaf_name, leaf_span, point, Context};
use crate::ast::EffectKind;
use crate::diagnostic::{code, Diagnostic};
use crate::ir::{ExprId, LeafId};
use crate::request::Request;

pub(super) fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    for i in 0..cx.policy.leaves.len() {
        let leaf = LeafId(i as u32);
        if cx.search.spent() {
            cx.unsearched(false);
            continue;
        }
        match reach(cx, leaf) {
            Reach::Decides(_) => {}
            Reach::NeverApplies => out.push(never_applies(cx, leaf)),
            Reach::SetAside => out.push(always_set_aside(cx, leaf)),
            Reach::Undecided => out.push(undecided(cx, leaf)),
        }
    }
}

/// Whether a provision can decide, as the search finds it.
pub(super) enum Reach {
    /// Under this request its conditions all hold and nothing that sets it aside is in
    /// force; the facts it does not need are unknown.
    Decides(Request),
    /// No request makes its conditions all hold.
    NeverApplies,
    /// Whenever its conditions hold, an exception (or an out-of-scope provision) is in force.
    SetAside,
    /// The search ran out of steps.
    Undecided,
}

/// The one search that says whether a provision can decide: first for a request its
/// conditions all hold in, then, when exceptions could set it aside, for one where none is
/// in force.
pub(super) fn reach(cx: &Context, leaf: LeafId) -> Reach {
    let holds = cx.conditions(leaf);
    let ranges = cx.ranges(&[leaf]);
    let applies = match cx.search.find(&Goal {
        holds: holds.clone(),
        ranges: ranges.clone(),
        ..Goal::default()
    }) {
        Found::No => return Reach::NeverApplies,
        Found::Undecided => return Reach::Undecided,
        Found::Yes(request) => request,
    };
    let blocked = cx.relevant_preemptors(leaf, &[leaf]);
    if blocked.is_empty() {
        return Reach::Decides(applies);
    }
    match cx.search.find(&Goal {
        holds,
        opposed: None,
        blocked,
        ranges,
    }) {
        Found::No => Reach::SetAside,
        Found::Undecided => Reach::Undecided,
        Found::Yes(request) => Reach::Decides(request),
    }
}

/// Drops items while `fails` still holds without them: what is left is a smallest set (no
/// item can be dropped) for which it fails. Items are dropped in halves, then quarters, …,
/// then one at a time, so that a small cause among many conditions (a provision with
/// thousands of `unless` clauses) is found in a few searches, not one per condition.
fn minimize<T: Copy>(items: &[T], fails: impl Fn(&[T]) -> bool) -> Vec<T> {
    let mut keep = items.to_vec();
    let mut chunk = keep.len().div_ceil(2).max(1);
    loop {
        let mut i = 0;
        while i < keep.len() {
            let end = (i + chunk).min(keep.len());
            let trial: Vec<T> = keep[..i].iter().chain(&keep[end..]).copied().collect();
            if fails(&trial) {
                keep = trial;
            } else {
                i = end;
            }
        }
        if chunk == 1 {
            return keep;
        }
        chunk = chunk.div_ceil(2);
    }
}

fn never_applies(cx: &Context, leaf: LeafId) -> Diagnostic {
    let policy = cx.policy;
    let conjuncts = &policy.leaf(leaf).conjuncts;
    let indices: Vec<usize> = (0..conjuncts.len()).collect();
    let core = minimize(&indices, |subset| {
        let holds: Vec<ExprId> = subset
            .iter()
            .filter_map(|&i| conjuncts.get(i))
            .map(|c| c.expr)
            .collect();
        matches!(
            cx.search.find(&Goal {
                holds,
                ..Goal::default()
            }),
            Found::No
        )
    });
    let span = leaf_span(policy, leaf);
    let mut d = Diagnostic::new(
        &code::unreachable,
        format!(
            "{} can never apply: its conditions cannot all hold",
            leaf_name(policy, leaf)
        ),
        span,
    )
    .label("never applies");
    let text = if core.len() == 1 {
        "can never hold"
    } else {
        "cannot hold together"
    };
    for &i in &core {
        if let Some(c) = conjuncts.get(i) {
            let note = format!("`{}` states this condition", policy.node(c.node).cite.full);
            d = point(d, policy, c.span, text, note);
        }
    }
    d.help("a condition may be inverted or name the wrong member; remember that a subsection inherits its parent's conditions")
}

fn always_set_aside(cx: &Context, leaf: LeafId) -> Diagnostic {
    let policy = cx.policy;
    let holds = cx.conditions(leaf);
    let ranges = cx.ranges(&[leaf]);
    let core = minimize(&cx.relevant_preemptors(leaf, &[leaf]), |subset| {
        matches!(
            cx.search.find(&Goal {
                holds: holds.clone(),
                opposed: None,
                blocked: subset.to_vec(),
                ranges: ranges.clone(),
            }),
            Found::No
        )
    });
    let names: Vec<String> = core.iter().map(|&o| super::leaf_name(policy, o)).collect();
    // A request under which it applies, and so is set aside: its witness.
    let witness = match cx.search.find(&Goal {
        holds: holds.clone(),
        opposed: None,
        blocked: Vec::new(),
        ranges: ranges.clone(),
    }) {
        Found::Yes(request) => serde_json::from_str(&super::request_json(policy, &request)).ok(),
        _ => None,
    };
    let mut d = Diagnostic::new(
        &code::unreachable,
        format!(
            "{} never decides: whenever it applies, {} sets it aside",
            leaf_name(policy, leaf),
            names.join(" or ")
        ),
        leaf_span(policy, leaf),
    )
    .label("always set aside");
    for &o in &core {
        let text = if policy.leaf(o).effect == EffectKind::OutOfScope
            && policy.leaf(leaf).effect != EffectKind::OutOfScope
        {
            "puts the request out of scope"
        } else {
            "overrides it"
        };
        d = point(
            d,
            policy,
            leaf_span(policy, o),
            text,
            format!("{} {text}", leaf_name(policy, o)),
        );
    }
    if let Some(request) = witness {
        d = d.with_witness(request);
    }
    d.help("narrow the exception's `overrides` or its conditions; if the provision is never meant to decide, remove it")
}

/// `L007`: the search could not settle whether the provision can decide.
fn undecided(cx: &Context, leaf: LeafId) -> Diagnostic {
    let policy = cx.policy;
    Diagnostic::new(
        &code::undecided,
        format!(
            "could not decide whether {} can decide {}",
            leaf_name(policy, leaf),
            cx.search.limit()
        ),
        leaf_span(policy, leaf),
    )
    .label("this provision")
    .help("it may or may not be reachable: check it by hand, or split its conditions into subsections")
}
