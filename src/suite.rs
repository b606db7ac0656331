//! Running a policy's own tests: each states a request and the decision, cites,
//! obligations and unknown facts it expects.

use crate::eval::{self, Decision};
use crate::ir::{Policy, Test};

/// The result of one policy test.
#[derive(Clone, Debug)]
pub struct TestResult<'p> {
    /// The test.
    pub test: &'p Test,
    /// What the policy decided.
    pub decision: Decision,
    /// What differs from the expectation, in words (empty when it passed).
    pub failures: Vec<String>,
}

impl TestResult<'_> {
    /// Whether the test passed.
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }
}

/// Runs every test of a policy.
pub fn run(policy: &Policy) -> Vec<TestResult<'_>> {
    policy.tests.iter().map(|t| run_one(policy, t)).collect()
}

/// Runs one test.
pub fn run_one<'p>(policy: &'p Policy, test: &'p Test) -> TestResult<'p> {
    let decision = eval::decide(policy, &test.request, false);
    let mut failures = Vec::new();
    if decision.outcome != test.outcome {
        failures.push(format!(
            "decision: expected `{}`, got `{}`",
            test.outcome.as_str(),
            decision.outcome.as_str()
        ));
    }
    if let Some(expected) = &test.cites {
        let actual: Vec<String> = decision.cites.iter().map(|&l| policy.cite_of(l).to_string()).collect();
        if !same_set(expected, &actual) {
            failures.push(format!("cites: expected [{}], got [{}]", expected.join(", "), actual.join(", ")));
        }
    }
    if let Some(expected) = &test.obligations {
        let actual: Vec<String> = obligation_cites(policy, &decision);
        if !same_set(expected, &actual) {
            failures.push(format!(
                "obligations: expected [{}], got [{}]",
                expected.join(", "),
                actual.join(", ")
            ));
        }
    }
    if let Some(expected) = &test.depends_on {
        let actual: Vec<String> = decision.depends_on.iter().map(|f| policy.fact(*f).name.clone()).collect();
        if !same_set(expected, &actual) {
            failures.push(format!(
                "depends on: expected [{}], got [{}]",
                expected.join(", "),
                actual.join(", ")
            ));
        }
    }
    TestResult {
        test,
        decision,
        failures,
    }
}

/// The cites of a decision's obligations (of every case, when undetermined).
pub fn obligation_cites(policy: &Policy, decision: &Decision) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let all = decision
        .obligations
        .iter()
        .chain(decision.cases.iter().flat_map(|c| c.obligations.iter()));
    for &o in all {
        if let Some(ob) = policy.obligations.get(o as usize) {
            if !out.contains(&ob.cite.full) {
                out.push(ob.cite.full.clone());
            }
        }
    }
    out
}

fn same_set(a: &[String], b: &[String]) -> bool {
    let mut a: Vec<&String> = a.iter().collect();
    let mut b: Vec<&String> = b.iter().collect();
    a.sort();
    a.dedup();
    b.sort();
    b.dedup();
    a == b
}
