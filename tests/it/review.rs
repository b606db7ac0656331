//! An adversarial legal review of the shipped policies, written from the statutes' words as
//! opposing counsel would write it — not from the engine's outputs.
//!
//! Each file under `fixtures/review/` is a JSON array of cases:
//!
//! ```json
//! {"name": "…", "statute": "the words the case turns on, quoted",
//!  "request": {"jurisdiction": "OK", …}, "decision": "prohibited",
//!  "cites": ["17 O.S. § 710.6(B)"], "depends_on": ["…"]}
//! ```
//!
//! `cites` (optional) must all be among the decision's cites, and the decision's cites must
//! have no duplicates. `depends_on` (optional, for `undetermined`) must all be among the
//! decision's `depends_on`; a decision that is not `undetermined` depends on nothing. Every
//! case runs and every mismatch is reported in one message. Each file must hold enough
//! cases, and every encoded subsection of its policy must be named by some case (in its
//! cites or its name), so that the suite cannot pass vacuously.

use juris::ir::Policy;
use juris::statute::StatuteText;
use juris::{Engine, Outcome};
use serde::Deserialize;
use std::collections::BTreeSet;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: String,
    statute: String,
    request: serde_json::Value,
    decision: String,
    #[serde(default)]
    cites: Option<Vec<String>>,
    #[serde(default)]
    depends_on: Option<Vec<String>>,
}

/// The fewest cases a review file may hold.
const MIN_CASES: usize = 60;

fn engine() -> Engine {
    match Engine::load(&["policies"]) {
        Ok(engine) => engine,
        Err(files) => panic!(
            "the shipped policies do not load:\n{}",
            juris::diagnostic::render_human(&files, juris::diagnostic::Colour::Plain, 100)
        ),
    }
}

fn cases(file: &str) -> Vec<Case> {
    let path = crate::root().join(crate::fixture(&format!("review/{file}")));
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let cases: Vec<Case> = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{} is not a list of review cases: {e}", path.display()));
    let mut names = BTreeSet::new();
    for case in &cases {
        assert!(
            names.insert(case.name.as_str()),
            "{file}: two cases are named {:?}",
            case.name
        );
        assert!(
            Outcome::parse(&case.decision).is_some(),
            "{file}: case {:?} expects an unknown decision {:?}",
            case.name,
            case.decision
        );
        assert!(
            !case.statute.trim().is_empty(),
            "{file}: case {:?} quotes no statute words",
            case.name
        );
    }
    cases
}

/// The full citations of the subsections a policy encodes (nodes that decide).
fn encoded_subsections(policy: &Policy) -> Vec<(String, String)> {
    policy
        .nodes
        .iter()
        .filter(|n| n.leaf.is_some() || !n.rules.is_empty())
        .map(|n| (n.cite.full.clone(), StatuteText::display_path(&n.cite.path)))
        .collect()
}

/// Whether `name` mentions the local path `local` as a whole citation (not as the start of
/// a deeper one: `(3)` is not named by `(3)(a)`).
fn names_path(name: &str, local: &str) -> bool {
    name.match_indices(local).any(|(at, _)| {
        let before_ok = local.starts_with('(')
            || at == 0
            || !name[..at]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_ascii_alphanumeric() || c == '.');
        let after_ok = !name[at + local.len()..].starts_with('(');
        before_ok && after_ok
    })
}

fn review(file: &str, jurisdiction: &str) {
    let engine = engine();
    let Some(policy) = engine.policy_for(jurisdiction) else {
        panic!("no policy is loaded for {jurisdiction}");
    };
    let cases = cases(file);
    assert!(
        cases.len() >= MIN_CASES,
        "{file} holds {} cases; a review needs at least {MIN_CASES}",
        cases.len()
    );

    // Every encoded subsection is named by some case.
    let uncovered: Vec<String> = encoded_subsections(policy)
        .into_iter()
        .filter(|(full, local)| {
            !cases.iter().any(|c| {
                c.cites.iter().flatten().any(|cite| cite == full)
                    || c.name.contains(full.as_str())
                    || names_path(&c.name, local)
            })
        })
        .map(|(full, _)| full)
        .collect();
    assert!(
        uncovered.is_empty(),
        "{file}: no case names these encoded subsections: {}",
        uncovered.join(", ")
    );

    let mut mismatches = Vec::new();
    for case in &cases {
        let mut problems = Vec::new();
        if case.request.get("jurisdiction").and_then(|j| j.as_str()) != Some(jurisdiction) {
            problems.push(format!("the request is not addressed to {jurisdiction}"));
        }
        for cite in case.cites.iter().flatten() {
            if !cite.starts_with(policy.citation.as_str()) {
                problems.push(format!(
                    "fixture cite {cite:?} is not a cite of this policy"
                ));
            }
        }
        let got = match engine.request_from_json(&case.request) {
            Err(errors) => {
                let errors: Vec<String> = errors.iter().map(|e| e.message.clone()).collect();
                problems.push(format!("the request is refused: {}", errors.join("; ")));
                None
            }
            Ok((policy, request)) => {
                let decision = engine.decide_traced(policy, &request);
                Some(juris::explain::to_json(policy, &decision, &request))
            }
        };
        let mut shown = String::from("(no decision)");
        if let Some(got) = got {
            let strings = |key: &str| -> Vec<String> {
                got[key]
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .filter_map(|v| v.as_str().map(str::to_string))
                            .collect()
                    })
                    .unwrap_or_default()
            };
            let outcome = got["decision"].as_str().unwrap_or("?").to_string();
            let cites = strings("cites");
            let depends_on = strings("depends_on");
            shown = format!("{outcome} cites [{}]", cites.join(", "));
            if !depends_on.is_empty() {
                shown.push_str(&format!(" depends on [{}]", depends_on.join(", ")));
            }
            if outcome != case.decision {
                problems.push(format!("decision {outcome}, not {}", case.decision));
            }
            for cite in case.cites.iter().flatten() {
                if !cites.contains(cite) {
                    problems.push(format!("{cite} is not cited"));
                }
            }
            let distinct: BTreeSet<&String> = cites.iter().collect();
            if distinct.len() != cites.len() {
                problems.push("the cites repeat a provision".to_string());
            }
            for fact in case.depends_on.iter().flatten() {
                if !depends_on.contains(fact) {
                    problems.push(format!("it does not say it depends on {fact}"));
                }
            }
            if outcome != "undetermined" && !depends_on.is_empty() {
                problems.push("a decision that is not undetermined depends on facts".to_string());
            }
        }
        if !problems.is_empty() {
            let expected = match &case.cites {
                Some(cites) if !cites.is_empty() => {
                    format!("{} cites [{}]", case.decision, cites.join(", "))
                }
                _ => case.decision.clone(),
            };
            mismatches.push(format!(
                "- {}\n    statute:  {}\n    expected: {expected}\n    got:      {shown}\n    ({})",
                case.name,
                case.statute,
                problems.join("; ")
            ));
        }
    }
    assert!(
        mismatches.is_empty(),
        "{file}: {} of {} review cases fail:\n{}",
        mismatches.len(),
        cases.len(),
        mismatches.join("\n")
    );
}

#[test]
fn oklahoma_17_710_review() {
    review("ok-17-710.json", "OK");
}

#[test]
fn oregon_oar_860_086_0030_review() {
    review("oar-860-086-0030.json", "OR");
}

#[test]
fn a_path_is_named_only_as_a_whole_citation() {
    assert!(names_path("(3)(a) social security numbers", "(3)(a)"));
    assert!(!names_path("(3)(a) social security numbers", "(3)"));
    assert!(!names_path("(13) a request", "(3)"));
    assert!(names_path("17 O.S. § 710.6(B) no basis", "710.6(B)"));
    assert!(!names_path("710.6(B)(5) consent", "710.6(B)"));
    assert!(!names_path("1710.6(B) typo", "710.6(B)"));
}
