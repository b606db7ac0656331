//! The decision contract is written by one writer (`explain::DecisionJson`): for the
//! contract's worked examples, an undetermined Oklahoma request and an out-of-scope
//! municipal one, the decision that `eval --format json`, `batch` (with and without
//! `--explain`) and `ask`'s JSON answer write is the same, byte for byte once written the
//! same way.

use crate::cli::run_cli;
use juris::ask::{self, Interpretation};
use juris::Engine;
use serde_json::{json, Value};
use std::sync::Arc;

fn example_1() -> Value {
    json!({
        "jurisdiction": "OR",
        "actor": "electric_company", "action": "transfer", "recipient": "administrator",
        "data": "meter_number",
        "customer": {"usage_amw": 0.3, "pre_transfer_notice_sent": true},
        "administrator": {"safeguards_in_place": true},
        "agreement": {"information_transfer_agreement": true}
    })
}

/// The requests compared, by name.
fn requests() -> Vec<(&'static str, Value)> {
    let mut ssn = example_1();
    ssn["data"] = "ssn".into();
    let mut large = example_1();
    large["customer"]["usage_amw"] = 2.0.into();
    large["customer"]["opted_in"] = false.into();
    let mut address = large.clone();
    address["data"] = "service_address".into();
    let uses = |purpose: &str| json!({"jurisdiction": "OR", "actor": "administrator", "action": "use", "purpose": purpose});
    let mut no_notice = example_1();
    no_notice["customer"]
        .as_object_mut()
        .unwrap()
        .remove("pre_transfer_notice_sent");
    vec![
        ("example 1", example_1()),
        ("example 2", ssn),
        ("example 3", large),
        ("example 3, service address", address),
        ("example 4, telemarketing", uses("telemarketing")),
        ("example 4, direct marketing", uses("direct_marketing")),
        ("example 5", no_notice),
        (
            "oklahoma undetermined",
            json!({
                "jurisdiction": "OK", "actor": "electric_utility", "action": "use",
                "purpose": "energy_products_and_services",
                "utility": {"kind": "investor_owned"}
            }),
        ),
        (
            "oklahoma municipal",
            json!({
                "jurisdiction": "OK", "actor": "electric_utility", "action": "disclose",
                "recipient": "third_party", "data": "customer_identifiable_usage_data",
                "utility": {"kind": "municipal"}
            }),
        ),
    ]
}

/// A file under the temporary folder, removed when dropped.
struct TempFile(std::path::PathBuf);

impl TempFile {
    fn new(name: &str, text: &str) -> TempFile {
        let dir = std::env::temp_dir().join(format!("juris-contract-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        TempFile(path)
    }

    fn path(&self) -> &str {
        self.0.to_str().unwrap()
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// The decision part of an answer: the answer without the keys around the decision.
fn without(mut value: Value, keys: &[&str]) -> Value {
    for key in keys {
        value.as_object_mut().unwrap().remove(*key);
    }
    value
}

#[test]
fn every_command_writes_the_same_decision() {
    let engine = Engine::load(&["policies"]).unwrap();
    for (i, (name, request)) in requests().into_iter().enumerate() {
        let line = request.to_string();
        let file = TempFile::new(&format!("request-{i}.json"), &line);

        let eval = run_cli(
            &[
                "eval",
                "policies",
                "--request",
                file.path(),
                "--format",
                "json",
            ],
            "",
        );
        assert_eq!(eval.code, 0, "{name}: {}", eval.stderr);
        let eval: Value = serde_json::from_str(&eval.stdout).unwrap();

        let batch = run_cli(&["batch", "policies", "--input", file.path()], "");
        assert_eq!(batch.code, 0, "{name}: {}", batch.stderr);
        let explained = run_cli(
            &["batch", "policies", "--explain", "--input", file.path()],
            "",
        );
        assert_eq!(explained.code, 0, "{name}: {}", explained.stderr);

        // `batch --explain` writes eval's answer, byte for byte (on one line).
        assert_eq!(
            explained.stdout.trim_end(),
            serde_json::to_string(&eval).unwrap(),
            "{name}"
        );

        // `batch` writes eval's decision, without the explanation: the same bytes once
        // both are written in the same key order.
        let plain: Value = serde_json::from_str(batch.stdout.trim_end()).unwrap();
        let decision = without(eval.clone(), &["explanation"]);
        assert_eq!(
            serde_json::to_string(&plain).unwrap(),
            serde_json::to_string(&decision).unwrap(),
            "{name}"
        );

        // Its line is the library's writer's, byte for byte.
        let (policy, parsed) = engine.request_from_json(&request).unwrap();
        let decided = engine.decide(policy, &parsed);
        let mut written = Vec::new();
        juris::explain::write_decision(&mut written, policy, &decided).unwrap();
        assert_eq!(
            batch.stdout.trim_end(),
            String::from_utf8(written).unwrap(),
            "{name}"
        );

        // `ask --format json` writes its answer with `ask::to_json`: for an interpretation
        // that is this request, its decision is eval's.
        let interpretation = Interpretation {
            question: name.to_string(),
            policy: Arc::clone(policy),
            understood: Vec::new(),
            ignored: Vec::new(),
            assumed: Vec::new(),
            request: parsed,
            first_mention: Vec::new(),
            answered: Vec::new(),
        };
        let answer = ask::to_json(&interpretation, &ask::decide(&interpretation));
        assert_eq!(
            serde_json::to_string(&without(answer, &["interpretation", "explanation"])).unwrap(),
            serde_json::to_string(&decision).unwrap(),
            "{name}"
        );
    }
}

/// The worked examples decide as the contract says (so that the comparison above is of
/// the decisions the contract describes).
#[test]
fn the_compared_requests_decide_as_the_contract_says() {
    let engine = Engine::load(&["policies"]).unwrap();
    let outcomes: Vec<String> = requests()
        .into_iter()
        .map(|(_, request)| {
            let (policy, parsed) = engine.request_from_json(&request).unwrap();
            engine.decide(policy, &parsed).outcome.as_str().to_string()
        })
        .collect();
    assert_eq!(
        outcomes,
        [
            "required",
            "prohibited",
            "prohibited",
            "required",
            "prohibited",
            "permitted",
            "undetermined",
            "undetermined",
            "not_addressed"
        ]
    );
}
