//! The counterfactual search on small policies written out here.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::{search, Counterfactual, Counterfactuals, BUDGET};
use crate::eval::{CaseValue, Compiled, Outcome};
use crate::ir::{FactId, Policy};
use crate::request::Request;
use crate::testing::{self, HEADER};
use crate::value::Value;

const STATUTE: &str =
    "1-2-3 A Rule\n\n(1) One.\n\n(2) Two.\n  (a) Two a.\n  (b) Two b.\n\n(3) Three.\n\n(4) Four.\n";

const VOCABULARY: &str = r#"
vocabulary {
  actor: company | agency "who"
  action: share | use "what"
  basis: none | consent | court_order | emergency = none "why"
  signed: bool = false "signed"
  limited: bool "limited"
  urgent: bool = false "urgent"
  usage: number "how much"
}
"#;

fn compile(provisions: &str) -> Policy {
    testing::compile(STATUTE, format!("{HEADER}{VOCABULARY}{provisions}"))
}

/// A request from `key = value` pairs (booleans and numbers as written).
fn request(policy: &Policy, facts: &[(&str, &str)]) -> Request {
    let mut r = Request::empty(policy);
    for (key, value) in facts {
        match *value {
            "true" => r.set(policy, key, true),
            "false" => r.set(policy, key, false),
            v => match v.parse::<f64>() {
                Ok(n) => r.set(policy, key, n),
                Err(_) => r.set(policy, key, v),
            },
        }
        .unwrap();
    }
    r
}

/// Decides the request and searches within `budget`.
fn counterfactuals(policy: &Policy, request: &Request, budget: usize) -> Counterfactuals {
    let compiled = Compiled::new(policy);
    let decision = compiled.decide(request);
    search(&compiled, policy, request, &decision, budget)
}

fn fact(policy: &Policy, name: &str) -> FactId {
    policy.fact_id(name).unwrap()
}

fn member(policy: &Policy, fact_name: &str, name: &str) -> u64 {
    let f = fact(policy, fact_name);
    let i = policy.fact(f).ty.members().iter().position(|m| m == name);
    1u64 << i.unwrap()
}

/// A counterfactual's changes, outcome and cites, to compare whole.
type Found = (Vec<(FactId, CaseValue)>, Outcome, Vec<String>);

fn cites(policy: &Policy, c: &Counterfactual) -> Vec<String> {
    c.cites
        .iter()
        .map(|&l| policy.cite_of(l).to_string())
        .collect()
}

/// The outcome of the request with these changes made.
fn decide_changed(policy: &Policy, request: &Request, changes: &[(FactId, Value)]) -> Outcome {
    let mut r = request.clone();
    for (f, v) in changes {
        r.assume(*f, v.clone());
    }
    Compiled::new(policy).decide(&r).outcome
}

/// A value that falls within a counterfactual's change (its first member, its lower bound).
fn a_value(c: &CaseValue) -> Value {
    match c {
        CaseValue::Value(v) => v.clone(),
        CaseValue::Members(mask) => Value::Enum(mask.trailing_zeros() as u8),
        CaseValue::Range {
            lo: Some((x, true)),
            ..
        } => Value::Number(*x),
        CaseValue::Range {
            lo: Some((x, false)),
            ..
        } => Value::Number(x + 0.5),
        CaseValue::Range {
            lo: None,
            hi: Some((x, _)),
        } => Value::Number(x - 1.0),
        CaseValue::Range { .. } => Value::Number(0.0),
    }
}

/// Without consent the sharing is prohibited; with consent or a court order (2)(a) and
/// (2)(b) permit it; an emergency, (4).
const BY_BASIS: &str = r#"
provision (1) { when action is share and basis is none prohibited }
provision (2) {
  when action is share
  permitted
  (a) when basis is consent
  (b) when basis is court_order
}
provision (3) { when action is use out of scope }
provision (4) { when action is share and basis is emergency permitted }
"#;

#[test]
fn a_single_change_is_found_with_its_outcome_and_cites() {
    let policy = compile(BY_BASIS);
    let r = request(&policy, &[("actor", "company"), ("action", "share")]);
    let found = counterfactuals(&policy, &r, BUDGET);
    assert!(!found.cut_off);
    let basis = fact(&policy, "basis");
    let got: Vec<Found> = found
        .found
        .iter()
        .map(|c| (c.changes.clone(), c.outcome, cites(&policy, c)))
        .collect();
    let one = |m: &str| {
        CaseValue::Value(Value::Enum(
            member(&policy, "basis", m).trailing_zeros() as u8
        ))
    };
    // One line per member: each is decided by another provision. `action is use` would
    // make it `not_addressed`, but the action is what the question is about.
    assert_eq!(
        got,
        vec![
            (
                vec![(basis, one("consent"))],
                Outcome::Permitted,
                vec!["R 1(2)(a)".to_string()]
            ),
            (
                vec![(basis, one("court_order"))],
                Outcome::Permitted,
                vec!["R 1(2)(b)".to_string()]
            ),
            (
                vec![(basis, one("emergency"))],
                Outcome::Permitted,
                vec!["R 1(4)".to_string()]
            ),
        ]
    );
}

#[test]
fn members_with_the_same_outcome_and_cites_are_one_change() {
    let policy = compile(
        r#"
provision (1) { when action is share and basis is none prohibited }
provision (2) { when action is share and basis is not none permitted }
"#,
    );
    let r = request(&policy, &[("action", "share")]);
    let found = counterfactuals(&policy, &r, BUDGET);
    let mask = member(&policy, "basis", "consent")
        | member(&policy, "basis", "court_order")
        | member(&policy, "basis", "emergency");
    assert_eq!(found.found.len(), 1, "{found:?}");
    assert_eq!(
        found.found[0].changes,
        vec![(fact(&policy, "basis"), CaseValue::Members(mask))]
    );
    assert_eq!(found.found[0].outcome, Outcome::Permitted);
}

#[test]
fn adjacent_regions_of_a_number_with_the_same_outcome_are_one_range() {
    let policy = compile(
        r#"
provision (1) { when action is share and usage >= 10 prohibited }
provision (2) { when action is share and usage < 10 permitted }
provision (3) { when action is share and usage < 2 required overrides (2) }
"#,
    );
    let r = request(&policy, &[("action", "share"), ("usage", "5")]);
    let found = counterfactuals(&policy, &r, BUDGET);
    let usage = fact(&policy, "usage");
    let got: Vec<(Vec<(FactId, CaseValue)>, Outcome)> = found
        .found
        .iter()
        .map(|c| (c.changes.clone(), c.outcome))
        .collect();
    assert_eq!(
        got,
        vec![
            (
                vec![(
                    usage,
                    CaseValue::Range {
                        lo: None,
                        hi: Some((2.0, false))
                    }
                )],
                Outcome::Required
            ),
            (
                vec![(
                    usage,
                    CaseValue::Range {
                        lo: Some((10.0, true)),
                        hi: None
                    }
                )],
                Outcome::Prohibited
            ),
        ]
    );
}

/// Sharing is prohibited unless the agreement is signed and the disclosure limited; an
/// urgent sharing is permitted too, when the policy has (3).
fn signed_and_limited(with_urgent: bool) -> Policy {
    let urgent = if with_urgent {
        "provision (3) { when action is share and urgent permitted overrides (1) }"
    } else {
        ""
    };
    compile(&format!(
        r#"
provision (1) {{ when action is share prohibited }}
provision (2) {{ when action is share and signed and limited permitted overrides (1) }}
{urgent}
"#
    ))
}

#[test]
fn a_pair_is_found_when_no_single_change_is_enough() {
    let policy = signed_and_limited(false);
    let r = request(&policy, &[("action", "share"), ("limited", "false")]);
    let found = counterfactuals(&policy, &r, BUDGET);
    assert!(!found.cut_off);
    assert_eq!(found.found.len(), 1, "{found:?}");
    let c = &found.found[0];
    assert_eq!(
        c.changes,
        vec![
            (fact(&policy, "signed"), CaseValue::Value(Value::Bool(true))),
            (
                fact(&policy, "limited"),
                CaseValue::Value(Value::Bool(true))
            ),
        ]
    );
    assert_eq!(
        (c.outcome, cites(&policy, c)),
        (Outcome::Permitted, vec!["R 1(2)".to_string()])
    );
}

#[test]
fn pairs_are_not_tried_when_a_single_change_is_enough() {
    let policy = signed_and_limited(true);
    let r = request(&policy, &[("action", "share"), ("limited", "false")]);
    let found = counterfactuals(&policy, &r, BUDGET);
    assert_eq!(found.found.len(), 1, "{found:?}");
    assert_eq!(
        found.found[0].changes,
        vec![(fact(&policy, "urgent"), CaseValue::Value(Value::Bool(true)))]
    );
}

/// Every reported counterfactual gives its outcome, and no part of one would do alone.
#[test]
fn every_counterfactual_is_minimal_and_gives_its_outcome() {
    let policies = [
        (
            signed_and_limited(false),
            vec![("action", "share"), ("limited", "false")],
        ),
        (
            signed_and_limited(true),
            vec![("action", "share"), ("limited", "false")],
        ),
        (compile(BY_BASIS), vec![("action", "share")]),
    ];
    let mut pairs = 0;
    for (policy, facts) in &policies {
        let r = request(policy, facts);
        let now = Compiled::new(policy).decide(&r).outcome;
        for c in &counterfactuals(policy, &r, BUDGET).found {
            let changes: Vec<(FactId, Value)> =
                c.changes.iter().map(|(f, v)| (*f, a_value(v))).collect();
            assert_eq!(decide_changed(policy, &r, &changes), c.outcome, "{c:?}");
            assert_ne!(c.outcome, now);
            if changes.len() > 1 {
                pairs += 1;
                for one in &changes {
                    let alone = decide_changed(policy, &r, std::slice::from_ref(one));
                    assert!(
                        alone == now || alone == Outcome::Undetermined,
                        "{one:?} alone gives {alone:?}: {c:?} is not minimal"
                    );
                }
            }
        }
    }
    assert!(pairs > 0, "a pair was checked");
}

#[test]
fn a_change_that_leaves_the_answer_undetermined_is_not_a_counterfactual() {
    // `limited` is unknown: signing alone makes the answer depend on it.
    let policy = signed_and_limited(false);
    let r = request(&policy, &[("action", "share")]);
    let signed = fact(&policy, "signed");
    assert_eq!(
        decide_changed(&policy, &r, &[(signed, Value::Bool(true))]),
        Outcome::Undetermined
    );
    let found = counterfactuals(&policy, &r, BUDGET);
    assert!(!found.cut_off);
    assert_eq!(found.found.len(), 1, "{found:?}");
    assert_eq!(
        found.found[0].changes,
        vec![
            (signed, CaseValue::Value(Value::Bool(true))),
            (
                fact(&policy, "limited"),
                CaseValue::Value(Value::Bool(true))
            ),
        ]
    );
}

#[test]
fn a_change_to_a_conflict_is_reported_as_one() {
    let policy = compile(
        r#"
provision (1) { when action is share prohibited }
provision (3) { when action is share and urgent permitted }
"#,
    );
    let r = request(&policy, &[("action", "share")]);
    let found = counterfactuals(&policy, &r, BUDGET);
    assert_eq!(found.found.len(), 1, "{found:?}");
    let c = &found.found[0];
    assert_eq!(c.outcome, Outcome::Conflict);
    let mut got = cites(&policy, c);
    got.sort();
    assert_eq!(got, vec!["R 1(1)", "R 1(3)"]);
}

/// The smallest budget with which the search finishes, checking on the way that a search
/// cut short says so and finds only what the whole search finds.
fn budget_needed(policy: &Policy, r: &Request) -> usize {
    let complete = counterfactuals(policy, r, BUDGET);
    assert!(!complete.cut_off, "{complete:?}");
    let mut previous = 0;
    for budget in 0..BUDGET {
        let found = counterfactuals(policy, r, budget);
        if !found.cut_off {
            assert_eq!(found, complete, "with a budget of {budget}");
            return budget;
        }
        assert!(
            found.found.iter().all(|c| complete.found.contains(c)),
            "with a budget of {budget}: {found:?}"
        );
        assert!(found.found.len() >= previous, "more budget, no fewer found");
        previous = found.found.len();
    }
    panic!("the search never finishes")
}

#[test]
fn the_search_stops_at_its_budget_and_says_so() {
    let policy = compile(BY_BASIS);
    let r = request(&policy, &[("action", "share")]);
    // Three other members of `basis` to decide, each at least once.
    let needed = budget_needed(&policy, &r);
    assert!(needed >= 3, "{needed}");
    let none = counterfactuals(&policy, &r, 0);
    assert!(none.cut_off && none.found.is_empty(), "{none:?}");
    let some = counterfactuals(&policy, &r, needed - 1);
    assert!(
        some.cut_off && !some.found.is_empty() && some.found.len() < 3,
        "{some:?}"
    );
    // Pairs count too: they come after the two single changes.
    let policy = signed_and_limited(false);
    let r = request(&policy, &[("action", "share"), ("limited", "false")]);
    let needed = budget_needed(&policy, &r);
    assert!(needed >= 3, "{needed}");
    let singles_only = counterfactuals(&policy, &r, 2);
    assert!(
        singles_only.cut_off && singles_only.found.is_empty(),
        "{singles_only:?}"
    );
}

#[test]
fn an_undetermined_decision_has_none() {
    let policy = signed_and_limited(false);
    let r = request(&policy, &[("action", "share"), ("signed", "true")]);
    let compiled = Compiled::new(&policy);
    let decision = compiled.decide(&r);
    assert_eq!(decision.outcome, Outcome::Undetermined);
    assert_eq!(
        search(&compiled, &policy, &r, &decision, BUDGET),
        Counterfactuals::default()
    );
}

#[test]
fn the_rules_of_one_provision_are_one_cite() {
    let policy = compile(
        r#"
provision (1) { when action is share and basis is none prohibited }
provision (2) {
  when action is share
  rule { when basis is consent permitted }
  rule { when basis is court_order permitted }
}
"#,
    );
    let r = request(&policy, &[("action", "share")]);
    let found = counterfactuals(&policy, &r, BUDGET);
    let got: Vec<Found> = found
        .found
        .iter()
        .map(|c| (c.changes.clone(), c.outcome, cites(&policy, c)))
        .collect();
    let basis = fact(&policy, "basis");
    let both = member(&policy, "basis", "consent") | member(&policy, "basis", "court_order");
    let emergency = member(&policy, "basis", "emergency").trailing_zeros() as u8;
    assert_eq!(
        got,
        vec![
            (
                vec![(basis, CaseValue::Members(both))],
                Outcome::Permitted,
                vec!["R 1(2)".to_string()]
            ),
            (
                vec![(basis, CaseValue::Value(Value::Enum(emergency)))],
                Outcome::NotAddressed,
                vec![]
            ),
        ]
    );
}

/// Whether a counterfactual's value for a fact takes in this value.
fn covers(case: &CaseValue, value: &Value) -> bool {
    let x = match value {
        Value::Number(n) => *n,
        Value::Date(d) => f64::from(*d),
        Value::Enum(i) => {
            return match case {
                CaseValue::Members(mask) => mask & (1u64 << i) != 0,
                other => *other == CaseValue::Value(value.clone()),
            }
        }
        _ => return *case == CaseValue::Value(value.clone()),
    };
    match case {
        CaseValue::Range { lo, hi } => {
            lo.is_none_or(|(b, incl)| if incl { x >= b } else { x > b })
                && hi.is_none_or(|(b, incl)| if incl { x <= b } else { x < b })
        }
        other => *other == CaseValue::Value(value.clone()),
    }
}

/// On every test request of the shipped policies, the single changes found are exactly the
/// changes of one circumstance, to a value the case split tries, whose decision (the whole
/// case split, no shortcut) is another decided outcome; and every change found holds.
#[test]
fn single_changes_are_exactly_those_the_full_decision_finds() {
    let mut checked = 0;
    for path in ["policies/oklahoma", "policies/oregon"] {
        let program = crate::load::load(&[std::path::PathBuf::from(path)]).unwrap();
        let policy = &program.policies[0];
        let compiled = Compiled::new(policy);
        for test in &policy.tests {
            let r = &test.request(policy);
            let decision = compiled.decide(r);
            if decision.outcome == Outcome::Undetermined {
                continue;
            }
            let found = search(&compiled, policy, r, &decision, BUDGET);
            assert!(!found.cut_off, "{}", test.name);
            // Each one found, pairs included, gives its outcome.
            for c in &found.found {
                let changes: Vec<(FactId, Value)> =
                    c.changes.iter().map(|(f, v)| (*f, a_value(v))).collect();
                assert_eq!(decide_changed(policy, r, &changes), c.outcome, "{c:?}");
            }
            for i in 0..policy.facts.len() {
                let fact = FactId(i as u32);
                if !super::is_circumstance(policy, fact) {
                    continue;
                }
                for value in compiled.split_values(fact, r) {
                    let mut changed = r.clone();
                    changed.assume(fact, value.clone());
                    let d = compiled.decide(&changed);
                    let reported = found.found.iter().find(|c| {
                        c.changes.len() == 1
                            && c.changes[0].0 == fact
                            && covers(&c.changes[0].1, &value)
                    });
                    let other = d.outcome != decision.outcome && d.outcome != Outcome::Undetermined;
                    match reported {
                        Some(c) => assert_eq!(
                            (c.outcome, other),
                            (d.outcome, true),
                            "{}: {} = {value:?}",
                            test.name,
                            policy.fact(fact).name
                        ),
                        None => assert!(
                            !other,
                            "{}: {} = {value:?} gives {:?}, not reported",
                            test.name,
                            policy.fact(fact).name,
                            d.outcome
                        ),
                    }
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 1000, "only {checked} changes checked");
}

#[test]
fn a_change_decided_by_cases_of_unknown_facts_is_found() {
    // Signed, the sharing is permitted by (2) whether or not it is limited (unknown), and
    // (4) joins in when it is: the changed request is decided only by splitting on it.
    let policy = compile(
        r#"
provision (1) { when action is share prohibited }
provision (2) { when action is share and signed permitted overrides (1) }
provision (4) { when action is share and signed and limited permitted overrides (1) }
"#,
    );
    let r = request(&policy, &[("action", "share")]);
    let signed = fact(&policy, "signed");
    let mut changed = r.clone();
    changed.assume(signed, Value::Bool(true));
    let compiled = Compiled::new(&policy);
    let mut known = crate::eval::Decision::default();
    assert!(
        !compiled.decide_known(&changed, &mut known, None),
        "the changed request needs its cases"
    );
    let found = counterfactuals(&policy, &r, BUDGET);
    assert_eq!(found.found.len(), 1, "{found:?}");
    let c = &found.found[0];
    assert_eq!(
        c.changes,
        vec![(signed, CaseValue::Value(Value::Bool(true)))]
    );
    assert_eq!(
        (c.outcome, cites(&policy, c)),
        // Permitted in every case: the cites are every case's, (4) where `limited` holds.
        (
            Outcome::Permitted,
            vec!["R 1(2)".to_string(), "R 1(4)".to_string()]
        )
    );
}
