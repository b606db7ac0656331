//! Differential tests: the compiled evaluator against the reference evaluator, field by
//! field, on many generated requests over the shipped policies and the test fixtures.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::split::regions;
use super::{reference, Compiled, Decision};
use crate::ir::{FactId, Policy, Range, Type};
use crate::request::{Origin, Request};
use crate::value::Value;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A small deterministic generator (SplitMix64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

fn policy(path: &str) -> Arc<Policy> {
    let program = crate::load::load(&[PathBuf::from(path)]).expect("the policy checks clean");
    program.policies[0].clone()
}

/// A value of a fact's type, near the policy's thresholds and constants.
fn value(policy: &Policy, fact: FactId, rng: &mut Rng) -> Value {
    let thresholds = policy
        .thresholds
        .get(fact.index())
        .cloned()
        .unwrap_or_default();
    let near = |rng: &mut Rng| -> f64 {
        let base = if thresholds.is_empty() || rng.chance(10) {
            rng.below(12) as f64 - 2.0
        } else {
            thresholds[rng.below(thresholds.len())]
        };
        base + [0.0, 0.0, 0.5, -0.5, 1.0, -1.0, 0.25][rng.below(7)]
    };
    // A request never holds a number or date outside its fact's range: such a request is
    // refused before it is decided.
    let within = |v: Value, rng: &mut Rng| {
        if policy.fact(fact).in_range(&v) {
            return v;
        }
        let regions = super::fact_regions(policy, fact);
        regions[rng.below(regions.len())].value.clone()
    };
    match &policy.fact(fact).ty {
        Type::Bool => Value::Bool(rng.chance(50)),
        Type::Number => within(Value::Number(near(rng)), rng),
        Type::Date => within(Value::Date(near(rng).floor() as i32), rng),
        Type::Text => {
            let constants: Vec<Arc<str>> = policy
                .exprs
                .iter()
                .filter_map(|e| match e {
                    crate::ir::Expr::TextEq { fact: f, value } if *f == fact => Some(value.clone()),
                    _ => None,
                })
                .collect();
            if constants.is_empty() || rng.chance(30) {
                Value::Text(Arc::from("something else"))
            } else {
                Value::Text(constants[rng.below(constants.len())].clone())
            }
        }
        Type::Enum(m) => Value::Enum(rng.below(m.len()) as u8),
        Type::Set(m) => Value::Set(
            rng.next()
                & if m.len() >= 64 {
                    u64::MAX
                } else {
                    (1u64 << m.len()) - 1
                },
        ),
    }
}

/// A generated request: from scratch or from one of the policy's own tests, with some
/// facts changed and some left unknown.
fn request(policy: &Policy, rng: &mut Rng) -> Request {
    let n = policy.facts.len();
    let mut r = if !policy.tests.is_empty() && rng.chance(50) {
        policy.tests[rng.below(policy.tests.len())].request(policy)
    } else {
        let mut r = Request::empty(policy);
        for f in 0..n {
            if rng.chance(85) {
                let f = FactId(f as u32);
                r.replace(f, Some(value(policy, f, rng)), Origin::Given);
            }
        }
        r
    };
    if n == 0 {
        return r;
    }
    for _ in 0..rng.below(4) {
        let f = FactId(rng.below(n) as u32);
        r.replace(f, Some(value(policy, f, rng)), Origin::Given);
    }
    // How many facts are unknown: none, a few, or many.
    let unknown = match rng.below(10) {
        0..=4 => 0,
        5..=8 => 1 + rng.below(3),
        _ => n / 3,
    };
    for _ in 0..unknown {
        let f = FactId(rng.below(n) as u32);
        r.replace(f, None, Origin::Unknown);
        if let Type::Enum(m) = &policy.fact(f).ty {
            if rng.chance(20) {
                r.restrict(f, rng.next() & ((1u64 << m.len().min(63)) - 1));
            }
        }
    }
    r
}

fn assert_same(policy: &Policy, request: &Request, fast: &Decision, slow: &Decision, what: &str) {
    let context = || format!("{what} on {} for {request:?}", policy.citation);
    assert_eq!(fast.outcome, slow.outcome, "outcome: {}", context());
    assert_eq!(fast.cites, slow.cites, "cites: {}", context());
    assert_eq!(
        fast.obligations,
        slow.obligations,
        "obligations: {}",
        context()
    );
    assert_eq!(
        fast.depends_on,
        slow.depends_on,
        "depends_on: {}",
        context()
    );
    assert_eq!(fast.cases, slow.cases, "cases: {}", context());
    match (&fast.trace, &slow.trace) {
        (Some(a), Some(b)) => {
            assert_eq!(a.applies, b.applies, "trace applies: {}", context());
            assert_eq!(a.only_if, b.only_if, "trace only_if: {}", context());
            assert_eq!(
                a.overridden,
                b.overridden,
                "trace overridden: {}",
                context()
            );
        }
        (None, None) => {}
        _ => panic!("trace presence differs: {}", context()),
    }
}

/// Decides `count` generated requests both ways, with and without the trace, fresh and
/// into a reused decision; returns how many were undetermined (to show splits are hit).
fn differential(policy: &Policy, count: usize, seed: u64) -> usize {
    let compiled = Compiled::new(policy);
    let mut rng = Rng(seed);
    let mut reused = Decision::default();
    let mut undetermined = 0;
    for i in 0..count {
        let request = request(policy, &mut rng);
        let trace = i % 2 == 0;
        let slow = if trace {
            reference::decide_traced(policy, &request)
        } else {
            reference::decide(policy, &request)
        };
        let fast = if trace {
            compiled.decide_traced(&request)
        } else {
            compiled.decide(&request)
        };
        assert_same(policy, &request, &fast, &slow, "decide");
        if trace {
            compiled.decide_traced_into(&request, &mut reused);
        } else {
            compiled.decide_into(&request, &mut reused);
        }
        assert_same(policy, &request, &reused, &slow, "decide_into");
        if slow.outcome == super::Outcome::Undetermined {
            undetermined += 1;
        }
    }
    undetermined
}

/// How many generated requests the Oregon differential test decides.
const OREGON_REQUESTS: usize = 20_000;

#[test]
fn compiled_evaluator_agrees_with_the_reference_on_oregon() {
    let policy = policy("policies/oregon");
    let undetermined = differential(&policy, OREGON_REQUESTS, 0x5EED_0001);
    assert!(
        undetermined > OREGON_REQUESTS / 20,
        "too few undetermined requests: {undetermined}"
    );
    assert!(
        undetermined < OREGON_REQUESTS / 2,
        "too many undetermined requests: {undetermined}"
    );
}

#[test]
fn compiled_evaluator_agrees_with_the_reference_on_oklahoma() {
    let policy = policy("policies/oklahoma");
    differential(&policy, 5_000, 0x5EED_0002);
}

#[test]
fn compiled_evaluator_agrees_with_the_reference_on_every_fixture_that_checks() {
    let mut files = Vec::new();
    collect(Path::new("tests"), &mut files);
    files.sort();
    let mut checked = 0;
    for (i, file) in files.iter().enumerate() {
        let Ok(program) = crate::load::load(std::slice::from_ref(file)) else {
            continue;
        };
        for policy in &program.policies {
            differential(policy, 300, 0x5EED_1000 + i as u64);
            checked += 1;
        }
    }
    assert!(
        checked >= 5,
        "only {checked} fixture policies checked clean"
    );
}

/// A policy made up to exercise what the shipped ones use little or not at all: members
/// tested under `or` and `not` (so the dispatch groups members that a condition only
/// partly accepts), conditional permissions and duties, obligations with conditions,
/// `out of scope`, exceptions over exceptions, conflicts, dates, texts, sets and ranges.
const SYNTHETIC: &str = r##"policy "SYN 1-1" {
  title "Synthetic"
  jurisdiction "SY"
  text "syn.txt"
}

vocabulary {
  actor: a | b | c | d
    "who acts"
  action: x | y | z
    "what is done"
  kind: k0 | k1 | k2 | k3 | k4 | k5
    "the kind"
  n: number >= 0 < 20
    "a number"
  day: date >= 2000-01-01
    "a date"
  label: text
    "a label"
  tags: set of t0 | t1 | t2
    "tags"
  f: bool
    "f"
  g: bool = false
    "g"
  h: bool
    "h"
}

define ab = actor is one of [a, b]
  cites (1) "a or b acts"

define deep = (actor is a or action is y) and not (kind is one of [k1, k2])
  cites (1) "deep"

provision (1) "One" {
  when ab or action is z
  permitted
  (a) when kind is k0 and f
  (b) "B" {
    when not (kind is one of [k0, k1]) or (actor is c and g)
    permitted only if h or n > 3
  }
  (c) "C" {
    when deep and tags contains t1
    obligation "Do the thing" when label is "x" cites (1)(c)
  }
}

provision (2) "Two" {
  when action is one of [x, y]
  prohibited
  overrides (1)(a)
  (a) when n >= 2 and kind is not k3
  (b) when day < 2020-01-01 or label is "special"
}

provision (3) "Three" {
  when actor is d and action is x
  out of scope
}

provision (4) "Four" {
  when kind is k5 and not f
  required only if g or h
  overrides (2)
  obligation "Report it" when n < 5 cites (4)
}

provision (5) "Five" {
  when actor is one of [b, c]
  required
  (a) when action is y and n < 10
  (b) when action is not y and (kind is k2 or kind is k4)
}
"##;

/// Its statute text.
const SYNTHETIC_STATUTE: &str = r##"CITATION:      SYN 1-1 (a rule made up for Juris's differential tests)
TITLE:         Synthetic
================================================================================

1-1 Synthetic

(1) One.
  (a) A.
  (b) B.
  (c) C.

(2) Two.
  (a) A.
  (b) B.

(3) Three.

(4) Four.

(5) Five.
  (a) A.
  (b) B.
"##;

#[test]
fn compiled_evaluator_agrees_with_the_reference_on_a_synthetic_policy() {
    let dir = std::env::temp_dir().join(format!("juris-eval-synthetic-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("syn.juris"), SYNTHETIC).unwrap();
    std::fs::write(dir.join("syn.txt"), SYNTHETIC_STATUTE).unwrap();
    let program = crate::load::load(std::slice::from_ref(&dir));
    let _ = std::fs::remove_dir_all(&dir);
    let policy = program.expect("the synthetic policy checks clean").policies[0].clone();
    let undetermined = differential(&policy, 10_000, 0x5EED_0003);
    assert!(
        undetermined > 500,
        "too few undetermined requests: {undetermined}"
    );
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "juris") {
            out.push(path);
        }
    }
}

#[test]
fn the_dispatch_skips_leaves_but_never_one_that_applies() {
    let policy = policy("policies/oregon");
    let compiled = Compiled::new(&policy);
    let mut rng = Rng(7);
    let mut skipped = 0usize;
    for _ in 0..2_000 {
        let request = request(&policy, &mut rng);
        let selected = compiled.select(&request);
        skipped += compiled.leaf_count() - selected.len();
        for leaf in 0..policy.leaves.len() {
            if !selected.iter().any(|e| e.leaf.index() == leaf) {
                let applies =
                    super::leaf_applies(&policy, &request, crate::ir::LeafId(leaf as u32));
                assert_eq!(
                    applies,
                    super::Tri::False,
                    "leaf {leaf} skipped for {request:?}"
                );
            }
        }
    }
    assert!(
        skipped > 2_000 * compiled.leaf_count() / 2,
        "the dispatch skips too little: {skipped}"
    );
}

/// The values of a region, as a split tries them, by threshold and range.
fn tried(thresholds: &[f64], range: Range, date: bool) -> Vec<Value> {
    regions(thresholds, date, &range)
        .into_iter()
        .map(|r| r.value)
        .collect()
}

fn bounded(lo: Option<(f64, bool)>, hi: Option<(f64, bool)>) -> Range {
    Range { lo, hi }
}

/// The case split over an unknown number tries one value per region its thresholds cut the
/// line into, and only inside the declared range: a region wholly outside is no case.
#[test]
fn a_split_tries_only_values_inside_the_declared_range() {
    let n = Value::Number;
    assert_eq!(tried(&[5.0], Range::ALL, false), [n(4.0), n(5.0), n(6.0)]);
    // `>= 0`: below the threshold means from 0; nothing negative.
    assert_eq!(
        tried(&[5.0], bounded(Some((0.0, true)), None), false),
        [n(0.0), n(5.0), n(6.0)]
    );
    assert_eq!(
        tried(&[5.0], bounded(Some((0.0, false)), None), false),
        [n(2.5), n(5.0), n(6.0)]
    );
    // A threshold at the bound: the region below it is outside the range.
    assert_eq!(
        tried(&[0.0, 1.0], bounded(Some((0.0, true)), None), false),
        [n(0.0), n(0.5), n(1.0), n(2.0)]
    );
    assert_eq!(
        tried(&[5.0], bounded(Some((5.0, false)), None), false),
        [n(6.0)]
    );
    // Everything at or above the threshold is outside `<= 3`: one region, no split.
    assert_eq!(
        tried(&[5.0], bounded(None, Some((3.0, true))), false),
        [n(3.0)]
    );
    assert_eq!(
        tried(&[], bounded(Some((1.0, false)), Some((2.0, false))), false),
        [n(1.5)]
    );
    // Dates are whole days: between two consecutive days there is none.
    let d = Value::Date;
    assert_eq!(
        tried(&[10.0, 11.0], bounded(Some((10.0, true)), None), true),
        [d(10), d(11), d(12)]
    );
    assert_eq!(
        tried(&[10.0, 13.0], bounded(None, Some((12.0, true))), true),
        [d(9), d(10), d(11)]
    );
}

/// The regions of a range are ordered, disjoint, each within the range and holding its
/// value, and together they hold every value of the range.
#[test]
fn regions_partition_the_declared_range() {
    let mut rng = Rng(0x5EED_4000);
    for _ in 0..2_000 {
        let date = rng.chance(30);
        let point = |rng: &mut Rng| {
            let x = rng.below(10) as f64 - 3.0;
            if date || rng.chance(50) {
                x
            } else {
                x + 0.5
            }
        };
        let mut thresholds: Vec<f64> = (0..rng.below(4)).map(|_| point(&mut rng)).collect();
        thresholds.sort_by(f64::total_cmp);
        thresholds.dedup();
        let bound = |rng: &mut Rng| (point(rng), rng.chance(50));
        let lo = rng.chance(60).then(|| bound(&mut rng));
        let hi = rng.chance(60).then(|| bound(&mut rng));
        let range = Range { lo, hi };
        let found = regions(&thresholds, date, &range);
        let context = format!("{thresholds:?} {range:?} date {date}: {found:?}");
        for (i, r) in found.iter().enumerate() {
            let x = match r.value {
                Value::Number(x) => x,
                Value::Date(d) => f64::from(d),
                _ => panic!("{context}"),
            };
            assert!(range.contains(x) && r.contains(x), "{context}");
            if let Some(next) = found.get(i + 1) {
                let y = match next.value {
                    Value::Number(y) => y,
                    Value::Date(d) => f64::from(d),
                    _ => panic!("{context}"),
                };
                assert!(x < y, "ordered: {context}");
            }
        }
        // Every value of the range (on a fine grid) lies in exactly one region.
        for k in -40..=80 {
            let x = if date {
                f64::from(k / 4)
            } else {
                f64::from(k) / 8.0
            };
            if range.contains(x) {
                let holding = found.iter().filter(|r| r.contains(x)).count();
                assert_eq!(holding, 1, "{x} in {context}");
            }
        }
    }
}
