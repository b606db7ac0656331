//! Every engine gives the same decision and citation as the hand-written
//! floor on all 10,000 workload requests.

#![allow(clippy::expect_used, clippy::panic)]

#[path = "../benches/common/mod.rs"]
mod common;

use common::{CedarEngine, RegoInterpreter, RegoVm, CEDAR_POLICY, CEDAR_SCHEMA, REGO_POLICY};
use juris_bench::{floor, workload, Decision, WORKLOAD_SIZE};

#[test]
fn all_engines_agree_with_the_floor() {
    let cedar = CedarEngine::load(CEDAR_POLICY, CEDAR_SCHEMA).expect("cedar policy loads");
    let mut interpreter = RegoInterpreter::load(REGO_POLICY).expect("rego policy loads");
    let mut vm = RegoVm::load(REGO_POLICY).expect("rego policy compiles to RVM");

    let requests = workload(WORKLOAD_SIZE);
    let mut mismatches = Vec::new();
    for (i, req) in requests.iter().enumerate() {
        let expected = Decision::from(floor(req));
        let rows: [(&str, Decision); 3] = [
            ("cedar", cedar.decide(req).expect("cedar decides")),
            (
                "rego_interpreter",
                interpreter.decide(req).expect("rego interpreter decides"),
            ),
            ("rego_vm", vm.decide(req).expect("rego VM decides")),
            // Juris rows are added once the juris library API lands.
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
