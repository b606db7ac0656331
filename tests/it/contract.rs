//! The decision contract is written by one writer (`explain::DecisionJson`), in one key
//! order: for the contract's worked examples, an undetermined Oklahoma request and an
//! out-of-scope municipal one, `eval --format json`, `batch` (with and without `--explain`),
//! `ask --format json` and `diff --format json` write the same decision, byte for byte
//! (eval's pretty output written compactly again, its keys in the order written).

use crate::cli::run_cli;
use crate::example_1;
use juris::ask::{self, Interpretation};
use juris::Engine;
use serde_json::{json, Value};
use std::sync::Arc;

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
/// The value without these keys, the others in the order written.
fn without(mut value: Value, keys: &[&str]) -> Value {
    for key in keys {
        value.as_object_mut().unwrap().shift_remove(*key);
    }
    value
}

/// `juris eval … --format json` on a request.
fn eval_json(policies: &str, request: &Value, name: &str) -> Value {
    let file = TempFile::new(&format!("{name}.json"), &request.to_string());
    let eval = run_cli(
        &[
            "eval",
            policies,
            "--request",
            file.path(),
            "--format",
            "json",
        ],
        "",
    );
    assert_eq!(eval.code, 0, "{name}: {}", eval.stderr);
    serde_json::from_str(&eval.stdout).unwrap()
}

/// `juris ask --format json` answers with eval's decision for the request it read, byte
/// for byte (the explanation aside: `ask` marks the facts it assumed as such).
#[test]
fn ask_writes_eval_s_decision() {
    let questions = [
        "May the electric company transfer a customer's social security number to the Administrator in Oregon?",
        "May the electric company transfer the meter number of a 0.3 aMW customer to the Administrator in Oregon?",
        "May an Oklahoma electric utility disclose customer-identifiable usage data to a third party?",
    ];
    for (i, question) in questions.iter().enumerate() {
        let ask = run_cli(&["ask", question, "--format", "json"], "");
        assert_eq!(ask.code, 0, "{question}: {}", ask.stderr);
        let answer: Value = serde_json::from_str(&ask.stdout).unwrap();
        let request = answer["interpretation"]["request"].clone();
        assert!(request.is_object(), "{question}: {answer}");
        let eval = eval_json("policies", &request, &format!("ask-{i}"));
        assert_eq!(
            serde_json::to_string(&without(answer, &["explanation", "interpretation"])).unwrap(),
            serde_json::to_string(&without(eval, &["explanation"])).unwrap(),
            "{question}"
        );
    }
}

/// `juris diff --format json` writes, for each version, eval's decision of the difference's
/// example request, byte for byte, with the deciding provisions' `sources` after it.
#[test]
fn diff_writes_eval_s_decision() {
    for case in ["cite-changed", "override-removed", "threshold-moved"] {
        let old = crate::fixture(&format!("diff/{case}/old/policy.juris"));
        let new = crate::fixture(&format!("diff/{case}/new/policy.juris"));
        let (old, new) = (old.to_str().unwrap(), new.to_str().unwrap());
        let diff = run_cli(&["diff", old, new, "--format", "json"], "");
        let diff: Value = serde_json::from_str(&diff.stdout).unwrap();
        let differences = diff["differences"].as_array().unwrap();
        assert!(!differences.is_empty(), "{case}: {diff}");
        for (i, d) in differences.iter().enumerate() {
            for (side, policies) in [("old", old), ("new", new)] {
                if d[side].get("refused").is_some() {
                    continue;
                }
                let eval = eval_json(policies, &d["request"], &format!("{case}-{i}-{side}"));
                assert_eq!(
                    serde_json::to_string(&without(d[side].clone(), &["sources"])).unwrap(),
                    serde_json::to_string(&without(eval, &["explanation"])).unwrap(),
                    "{case}, difference {i}, {side}"
                );
            }
        }
    }
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

        // `batch --explain` writes eval's answer, byte for byte (on one line; eval's is
        // written compactly again, its keys kept in the order written).
        assert_eq!(
            explained.stdout.trim_end(),
            serde_json::to_string(&eval).unwrap(),
            "{name}"
        );

        // `batch` writes eval's decision without the explanation: eval's bytes up to it.
        let compact = serde_json::to_string(&eval).unwrap();
        let decision = compact
            .split_once(",\"explanation\":")
            .map(|(head, _)| format!("{head}}}"))
            .unwrap();
        assert_eq!(batch.stdout.trim_end(), decision, "{name}");

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
            unencoded: Vec::new(),
        };
        let answer = ask::to_json(&interpretation, &ask::decide(&interpretation));
        assert_eq!(
            serde_json::to_string(&without(answer, &["interpretation"])).unwrap(),
            compact,
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
