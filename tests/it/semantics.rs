//! What decisions mean, on small policies written for the purpose: the same outcome in every
//! case is that outcome; the definitions whose value decided are cited; no cite twice.

use juris::eval::{cite_strings, Decision};
use juris::source::SourceFile;
use juris::{Outcome, Policy};
use std::path::Path;
use std::sync::Arc;

const STATUTE: &str = "\
X 1\n\
(1) A company may share data for billing.\n\
(2) A company may not share data with a broker.\n\
  (a) Except that it may where the customer consented.\n\
(3) Consent means written consent.\n\
(4) A notice must be sent before sharing.\n\
";

fn policy(body: &str) -> Arc<Policy> {
    let text = format!(
        "policy \"X 1\" {{\n  title \"t\"\n  jurisdiction \"X\"\n  text \"x.txt\"\n}}\n{body}"
    );
    let read = |_: &Path| Ok(STATUTE.to_string());
    match juris::load::compile_with(SourceFile::new("x.juris", text), Path::new("."), &read) {
        Ok(p) => Arc::new(p),
        Err(file) => panic!(
            "{:?}",
            file.diagnostics
                .iter()
                .map(|d| &d.message)
                .collect::<Vec<_>>()
        ),
    }
}

fn decide(policy: &Policy, request: serde_json::Value) -> Decision {
    let request = juris::request::Request::from_json(policy, &request).expect("a valid request");
    juris::eval::decide(policy, &request)
}

const VOCABULARY: &str = r#"
vocabulary {
  purpose: billing | brokerage "why"
  customer.consented: bool "the customer consented"
  customer.written: bool "the consent is written"
  notice.sent: bool "the notice was sent"
}
"#;

#[test]
fn the_same_outcome_in_every_case_is_that_outcome() {
    let p = policy(&format!(
        "{VOCABULARY}
provision (1) {{ when purpose is billing permitted }}
provision (4) {{ when purpose is billing and not notice.sent permitted
  obligation \"send the notice\" }}
"
    ));
    // notice.sent unknown: permitted under (1) either way, (4) too when it was not sent.
    let d = decide(&p, serde_json::json!({"purpose": "billing"}));
    assert_eq!(d.outcome, Outcome::Permitted);
    assert!(d.depends_on.is_empty(), "{d:?}");
    assert_eq!(cite_strings(&p, &d), ["X 1(1)", "X 1(4)"]);
    assert!(
        d.obligations.is_empty(),
        "only obligations common to every case"
    );
    assert_eq!(d.cases.len(), 2, "the cases show which cite applies when");
    assert_eq!(d.cites_in_every_case().len(), 1);
}

#[test]
fn different_outcomes_stay_undetermined() {
    let p = policy(&format!(
        "{VOCABULARY}
provision (1) {{ when purpose is billing permitted only if notice.sent }}
"
    ));
    let d = decide(&p, serde_json::json!({"purpose": "billing"}));
    assert_eq!(d.outcome, Outcome::Undetermined);
    assert_eq!(d.depends_on.len(), 1);
}

const EXCEPTION: &str = "
define written_consent = customer.consented and customer.written cites (3) \"written consent\"
provision (1) { when purpose is brokerage prohibited }
provision (2) {
  (a) { when purpose is brokerage and written_consent permitted overrides (1) }
}
";

#[test]
fn a_definition_of_another_subsection_that_decided_is_cited() {
    let p = policy(&format!("{VOCABULARY}{EXCEPTION}"));
    let d = decide(
        &p,
        serde_json::json!({"purpose": "brokerage", "customer": {"consented": true, "written": true}}),
    );
    assert_eq!(d.outcome, Outcome::Permitted);
    assert_eq!(cite_strings(&p, &d), ["X 1(2)(a)", "X 1(3)"]);
}

#[test]
fn a_definition_that_is_false_in_a_condition_is_not_cited() {
    let p = policy(&format!("{VOCABULARY}{EXCEPTION}"));
    let d = decide(
        &p,
        serde_json::json!({"purpose": "brokerage", "customer": {"consented": true, "written": false}}),
    );
    assert_eq!(d.outcome, Outcome::Prohibited);
    assert_eq!(cite_strings(&p, &d), ["X 1(1)"]);
}

#[test]
fn a_definition_that_only_brings_the_question_in_reach_is_not_cited() {
    let p = policy(&format!(
        "{VOCABULARY}
define billing = purpose is billing cites (3) \"billing\"
provision (1) {{ when billing permitted }}
"
    ));
    // Were `billing` false, nothing would decide: not what decided.
    let d = decide(&p, serde_json::json!({"purpose": "billing"}));
    assert_eq!(cite_strings(&p, &d), ["X 1(1)"]);
}

#[test]
fn a_definition_that_refused_a_conditional_permission_is_cited() {
    let p = policy(&format!(
        "{VOCABULARY}
define written_consent = customer.consented and customer.written cites (3) \"written consent\"
provision (1) {{ when purpose is billing permitted only if written_consent }}
"
    ));
    let refused = decide(
        &p,
        serde_json::json!({"purpose": "billing", "customer": {"consented": false, "written": false}}),
    );
    assert_eq!(refused.outcome, Outcome::Prohibited);
    assert_eq!(cite_strings(&p, &refused), ["X 1(1)", "X 1(3)"]);
    let given = decide(
        &p,
        serde_json::json!({"purpose": "billing", "customer": {"consented": true, "written": true}}),
    );
    assert_eq!(given.outcome, Outcome::Permitted);
    assert_eq!(cite_strings(&p, &given), ["X 1(1)", "X 1(3)"]);
}

#[test]
fn two_rules_of_one_provision_are_cited_once() {
    let p = policy(&format!(
        "{VOCABULARY}
provision (2) {{
  rule {{ when purpose is brokerage prohibited }}
  rule {{ when purpose is brokerage and not customer.consented prohibited }}
}}
"
    ));
    let d = decide(
        &p,
        serde_json::json!({"purpose": "brokerage", "customer": {"consented": false}}),
    );
    assert_eq!(d.outcome, Outcome::Prohibited);
    assert_eq!(cite_strings(&p, &d), ["X 1(2)"]);
}
