//! Every engine gives the same decision and citation as the hand-written
//! floor on all 10,000 workload requests.

#![allow(clippy::expect_used, clippy::panic)]

#[path = "../benches/common/mod.rs"]
mod common;

use common::{CedarEngine, RegoInterpreter, RegoVm, CEDAR_POLICY, CEDAR_SCHEMA, REGO_POLICY};
use juris_bench::juris_engine::{oregon_json, JurisEngine};
use juris_bench::{floor, workload, Decision, WORKLOAD_SIZE};

#[test]
fn all_engines_agree_with_the_floor() {
    let cedar = CedarEngine::load(CEDAR_POLICY, CEDAR_SCHEMA).expect("cedar policy loads");
    let mut interpreter = RegoInterpreter::load(REGO_POLICY).expect("rego policy loads");
    let mut vm = RegoVm::load(REGO_POLICY).expect("rego policy compiles to RVM");
    let juris = JurisEngine::reduced().expect("the reduced Juris policy loads");
    let mut request = juris.template().clone();
    let mut out = juris::Decision::default();

    let requests = workload(WORKLOAD_SIZE);
    let mut mismatches = Vec::new();
    for (i, req) in requests.iter().enumerate() {
        let expected = Decision::from(floor(req));
        let fresh = juris.request(req);
        let rows: [(&str, Decision); 6] = [
            ("cedar", cedar.decide(req).expect("cedar decides")),
            (
                "rego_interpreter",
                interpreter.decide(req).expect("rego interpreter decides"),
            ),
            ("rego_vm", vm.decide(req).expect("rego VM decides")),
            (
                "juris",
                juris
                    .decide(req, &mut request, &mut out)
                    .expect("juris decides"),
            ),
            (
                "juris_traced",
                juris
                    .evaluate(&fresh, true, &mut out)
                    .expect("juris decides"),
            ),
            (
                "juris_fresh",
                juris
                    .read(&juris.engine().decide(juris.policy(), &fresh))
                    .expect("juris decides"),
            ),
        ];
        for (engine, got) in rows {
            if got != expected {
                mismatches.push(format!(
                    "request {i} {req:?}: {engine} gave {got:?}, floor gave {expected:?}"
                ));
            }
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} mismatches, first ones:\n{}",
        mismatches.len(),
        mismatches[..mismatches.len().min(20)].join("\n")
    );
}

#[test]
fn rego_input_matches_the_juris_request_shape() {
    for req in workload(100) {
        let from_json = regorus::Value::from(req.to_json());
        assert_eq!(common::rego_input(&req), from_json);
    }
}

/// The full Oregon policy, given the facts it asks and the reduced policy takes for
/// granted, decides every workload request as the floor does. Where several provisions
/// apply with the same effect it cites them all (`(3)(a)` and `(3)(h)` for a
/// password-protected social security number), most specific first: the floor's one
/// citation is the first, and the rest are provisions the floor's order shadows.
#[test]
fn the_full_oregon_policy_agrees_with_the_floor() {
    let juris = JurisEngine::oregon().expect("the Oregon policy loads");
    let engine = juris.engine();
    let mut request = juris.template().clone();
    let mut out = juris::Decision::default();
    let shadowing = [
        "OAR 860-086-0030(3)(h)",
        "OAR 860-086-0030(3)(i)",
        "OAR 860-086-0030(13)",
    ];
    let mut mismatches = Vec::new();
    let mut several = 0;
    for (i, req) in workload(WORKLOAD_SIZE).iter().enumerate() {
        let expected = Decision::from(floor(req));
        let typed = juris
            .decide(req, &mut request, &mut out)
            .expect("juris decides");
        // The same request through JSON gives the same decision.
        let (policy, from_json) = engine
            .request_from_json(&oregon_json(req))
            .expect("a valid Oregon request");
        assert_eq!(
            from_json, request,
            "request {i}: JSON and typed requests differ"
        );
        let traced = juris
            .read(&engine.decide_traced(policy, &from_json))
            .expect("juris decides");
        assert_eq!(traced, typed, "request {i}: the trace changed the decision");
        let agrees = typed.decision == expected.decision
            && typed.cites.first() == expected.cites.first()
            && typed.cites[1..]
                .iter()
                .all(|c| shadowing.contains(&c.as_str()));
        several += usize::from(typed.cites.len() > 1);
        if !agrees {
            mismatches.push(format!(
                "request {i} {req:?}: juris_oregon gave {typed:?}, floor gave {expected:?}"
            ));
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} mismatches, first ones:\n{}",
        mismatches.len(),
        mismatches[..mismatches.len().min(20)].join("\n")
    );
    assert!(several > 0, "no request cites several provisions");
}
