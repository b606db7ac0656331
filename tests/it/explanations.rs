//! Explanations: each shape of explanation on the Oregon policy, drawn for people and as
//! JSON; and the worked examples of the request contract
//! (`shared/contracts/oregon-860-086-0030.md`), asserted field by field.

use crate::{example_1, fixture, settings};
use juris::explain::human::{render, Style};
use juris::Engine;
use serde_json::{json, Value};
use std::sync::OnceLock;

const OR: &str = "OAR 860-086-0030";

fn oregon() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE
        .get_or_init(|| Engine::load(&["policies/oregon"]).expect("the Oregon policy checks clean"))
}

fn oklahoma() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        Engine::load(&["policies/oklahoma"]).expect("the Oklahoma policy checks clean")
    })
}

fn conflict_policy() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        Engine::load(&[fixture("explanations/conflict")])
            .expect("the conflict fixture checks clean")
    })
}

fn readings_policy() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        Engine::load(&[fixture("explanations/readings")])
            .expect("the readings fixture checks clean")
    })
}

/// Decides a request and returns the human rendering and the JSON.
fn decide(engine: &Engine, request: &Value) -> (String, Value) {
    let (policy, req) = engine.request_from_json(request).expect("a valid request");
    let decision = engine.decide_explained(policy, &req);
    let human = render(
        policy,
        &decision,
        &req,
        Style {
            colour: juris::diagnostic::Colour::Plain,
            width: 100,
        },
    );
    let json = juris::explain::to_json(policy, &decision, &req);
    // The trace is for explanations only: the decision is the same without it.
    let plain = engine.decide(policy, &req);
    assert_eq!(
        (plain.outcome, &plain.cites, &plain.obligations),
        (decision.outcome, &decision.cites, &decision.obligations)
    );
    (human, json)
}

/// Decides, snapshots both renderings under `name`, and returns the JSON.
fn explained(name: &str, engine: &Engine, request: &Value) -> Value {
    let (human, json) = decide(engine, request);
    let input = serde_json::to_string_pretty(request).unwrap();
    settings().bind(|| {
        insta::assert_snapshot!(
            format!("{name}_human"),
            format!("── request ──\n{input}\n\n── explanation ──\n{human}")
        );
        insta::assert_json_snapshot!(format!("{name}_json"), json);
    });
    json
}

fn cite(path: &str) -> String {
    format!("{OR}{path}")
}

fn cites(json: &Value) -> Vec<&str> {
    json["cites"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect()
}

fn obligation_cites(json: &Value) -> Vec<&str> {
    json["obligations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["cite"].as_str().unwrap())
        .collect()
}

fn administrator_uses_for(purpose: &str) -> Value {
    json!({"jurisdiction": "OR", "actor": "administrator", "action": "use", "purpose": purpose})
}

// ---------------------------------------------------------------------------- shapes

#[test]
fn required() {
    let json = explained("required", oregon(), &example_1());
    assert_eq!(json["decision"], "required");
    let deciding = &json["explanation"]["deciding"][0];
    assert_eq!(deciding["cite"], cite("(2)(h)"));
    assert_eq!(deciding["effect"], "required");
    assert!(
        deciding["statute"]
            .as_str()
            .unwrap()
            .contains("Meter number"),
        "{deciding}"
    );
    assert!(deciding["source"]
        .as_str()
        .unwrap()
        .starts_with("policies/oregon/oar-860-086-0030.juris:"));
    for condition in deciding["conditions"].as_array().unwrap() {
        assert_eq!(
            condition["value"], true,
            "every condition of the deciding provision holds: {condition}"
        );
    }
    // Over 1 aMW, (11)(a) prohibits it (the customer has not opted in).
    assert!(
        json["explanation"]["counterfactuals"]
            .as_array()
            .unwrap()
            .contains(&json!({
                "changes": {"customer.usage_amw": ">= 1"},
                "decision": "prohibited",
                "cites": [cite("(11)(a)")]
            })),
        "{}",
        json["explanation"]["counterfactuals"]
    );
    assert_counterfactuals_hold(oregon(), &example_1(), &json);
    // Five near misses are listed; the JSON says how many more there are.
    assert_eq!(
        json["explanation"]["near_misses"].as_array().unwrap().len(),
        5
    );
    assert_eq!(json["explanation"]["near_misses_left_out"], 3);
}

#[test]
fn permitted() {
    let request = json!({
        "jurisdiction": "OR",
        "actor": "electric_company", "action": "use", "data_source": "administrator",
        "purpose": "utility_business"
    });
    let json = explained("permitted", oregon(), &request);
    assert_eq!(json["decision"], "permitted");
    assert_eq!(cites(&json), vec![cite("(5)")]);
    assert_eq!(json["obligations"], json!([]));
}

#[test]
fn prohibited() {
    let mut request = example_1();
    request["data"] = "ssn".into();
    let json = explained("prohibited", oregon(), &request);
    assert_eq!(json["decision"], "prohibited");
    assert_eq!(cites(&json), vec![cite("(3)(a)")]);
}

#[test]
fn outside_the_instrument() {
    // 17 O.S. § 710.3(6): a municipal utility is not an electric utility. The answer says
    // the Act does not apply, not that the text is silent.
    let oklahoma = Engine::load(&["policies/oklahoma"]).expect("the Oklahoma policy checks clean");
    let request = json!({
        "jurisdiction": "OK", "actor": "electric_utility", "action": "disclose",
        "recipient": "third_party", "data": "customer_identifiable_usage_data",
        "utility": {"kind": "municipal"}
    });
    let json = explained("outside_the_instrument", &oklahoma, &request);
    assert_eq!(json["decision"], "not_addressed");
    assert_eq!(json["cites"], json!(["17 O.S. § 710.3(6)"]));
}

#[test]
fn not_addressed() {
    // Unmetered accounts: (2)(g) covers metered usage only and (2)(m) contracted
    // consumption, so the actual billed usage of an unmetered account is not addressed.
    let mut request = example_1();
    request["data"] = "usage_history".into();
    request["account"] = json!({"unmetered": true});
    let json = explained("not_addressed", oregon(), &request);
    assert_eq!(json["decision"], "not_addressed");
    assert_eq!(json["cites"], json!([]));
    assert_eq!(json["explanation"]["deciding"], json!([]));
}

#[test]
fn undetermined() {
    let mut request = example_1();
    request["customer"]
        .as_object_mut()
        .unwrap()
        .remove("pre_transfer_notice_sent");
    let json = explained("undetermined", oregon(), &request);
    assert_eq!(json["decision"], "undetermined");
    assert_eq!(
        json["depends_on"],
        json!(["customer.pre_transfer_notice_sent"])
    );
    assert_eq!(json["cases"].as_array().unwrap().len(), 2);
    // The cases say what the answer turns on; nothing else is searched for.
    assert_eq!(json["explanation"]["counterfactuals"], json!([]));
}

#[test]
fn override_by_an_exception() {
    // (3)(h): password-protected information may not be transferred, although (2)(a)
    // requires the customer's name; (3) overrides (2).
    let mut request = example_1();
    request["data"] = "customer_name".into();
    request["customer"]["password_protected"] = true.into();
    let json = explained("override", oregon(), &request);
    assert_eq!(json["decision"], "prohibited");
    assert_eq!(cites(&json), vec![cite("(3)(h)")]);
    let overridden = json["explanation"]["overridden"].as_array().unwrap();
    assert!(
        overridden.iter().any(|o| o["cite"] == cite("(2)(a)")
            && o["by"] == cite("(3)(h)")
            && o["effect"] == "required"),
        "(2)(a) is set aside by (3)(h): {overridden:?}"
    );
}

#[test]
fn near_miss() {
    // The customer's name must be transferred; (3)(h) would prohibit it, but the account
    // is not password-protected.
    let mut request = example_1();
    request["data"] = "customer_name".into();
    let json = explained("near_miss", oregon(), &request);
    assert_eq!(json["decision"], "required");
    assert_eq!(cites(&json), vec![cite("(2)(a)")]);
    let near = json["explanation"]["near_misses"].as_array().unwrap();
    let password = near
        .iter()
        .find(|n| n["cite"] == cite("(3)(h)"))
        .unwrap_or_else(|| panic!("(3)(h) is a near miss: {near:?}"));
    assert_eq!(password["effect"], "prohibited");
    assert_eq!(
        password["failed"],
        json!({"condition": "when password_provision_applies", "value": false})
    );
}

/// A near miss is about the question asked: a provision that fails only because the request
/// is about another act (a notice, not a transfer; a transfer, not a use) is not one.
#[test]
fn near_misses_are_about_the_question_asked() {
    let mut transfer = example_1();
    transfer["data"] = "ssn".into();
    let utility_use = json!({
        "jurisdiction": "OR",
        "actor": "electric_company", "action": "use", "data_source": "administrator",
        "purpose": "utility_business"
    });
    let cases = [
        (
            transfer,
            vec!["(9)", "(10)(a)", "(10)(b)", "(10)(c)", "(11)"],
        ),
        (
            utility_use,
            vec!["(3)(a)", "(3)(b)", "(3)(c)", "(3)(d)", "(3)(e)"],
        ),
    ];
    for (request, unrelated) in cases {
        let (_, json) = decide(oregon(), &request);
        let near: Vec<&str> = json["explanation"]["near_misses"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["cite"].as_str().unwrap())
            .collect();
        for path in unrelated {
            assert!(
                !near.contains(&cite(path).as_str()),
                "{} is about another act, not a near miss of {}: {near:?}",
                cite(path),
                request
            );
        }
    }
}

#[test]
fn obligation() {
    let json = explained(
        "obligation",
        oregon(),
        &administrator_uses_for("direct_marketing"),
    );
    assert_eq!(json["decision"], "permitted");
    let obligations = json["obligations"].as_array().unwrap();
    assert_eq!(obligations.len(), 1);
    assert_eq!(obligations[0]["cite"], cite("(6)(e)"));
    assert!(
        obligations[0]["text"]
            .as_str()
            .unwrap()
            .contains("coordinate"),
        "{obligations:?}"
    );
}

#[test]
fn conflict() {
    let request = json!({"jurisdiction": "WR", "actor": "seller", "record": "warranty"});
    let json = explained("conflict", conflict_policy(), &request);
    assert_eq!(json["decision"], "conflict");
    let mut got = cites(&json);
    got.sort_unstable();
    assert_eq!(got, vec!["WR 1-1(2)(b)", "WR 1-1(3)(a)"]);
    assert!(
        !juris::Outcome::Conflict.allows(),
        "a conflict is never a permission"
    );
}

// ---------------------------------------------------------------------------- what would change it

/// Each counterfactual of an explanation, made in the request, gives its decision and
/// cites (a comparison is made with the number it names, which lies in its region).
fn assert_counterfactuals_hold(engine: &Engine, request: &Value, json: &Value) {
    let found = json["explanation"]["counterfactuals"].as_array().unwrap();
    for c in found {
        let mut changed = request.clone();
        for (fact, value) in c["changes"].as_object().unwrap() {
            let value = match value.as_str() {
                Some(range) if range.starts_with(">=") || range.starts_with("==") => {
                    json!(range[2..].trim().parse::<f64>().unwrap())
                }
                Some(range) if range.starts_with(['<', '>']) => {
                    panic!("a strict comparison to test by hand: {range}")
                }
                _ if value.is_array() => value[0].clone(),
                _ => value.clone(),
            };
            let mut at = &mut changed;
            let path: Vec<&str> = fact.split('.').collect();
            for key in &path[..path.len() - 1] {
                at = at
                    .as_object_mut()
                    .unwrap()
                    .entry(key.to_string())
                    .or_insert_with(|| json!({}));
            }
            at[path[path.len() - 1]] = value;
        }
        let (_, after) = decide(engine, &changed);
        assert_eq!(
            (&after["decision"], &after["cites"]),
            (&c["decision"], &c["cites"]),
            "{c} in {changed}"
        );
    }
}

/// The question of the issue: an investor-owned utility discloses customer-identifiable
/// usage data to a third party, no circumstance given.
fn oklahoma_third_party() -> Value {
    json!({
        "jurisdiction": "OK",
        "actor": "electric_utility", "utility": {"kind": "investor_owned"},
        "action": "disclose", "recipient": "third_party",
        "data": "customer_identifiable_usage_data"
    })
}

#[test]
fn what_would_change_a_prohibition() {
    let request = oklahoma_third_party();
    let json = explained("ok_third_party", oklahoma(), &request);
    assert_eq!(json["decision"], "prohibited");
    assert_eq!(cites(&json), vec!["17 O.S. § 710.6(B)"]);
    let found = json["explanation"]["counterfactuals"].as_array().unwrap();
    assert!(
        found.contains(&json!({
            "changes": {"basis": "written_consent"},
            "decision": "permitted",
            "cites": ["17 O.S. § 710.6(B)(5)"]
        })),
        "{found:?}"
    );
    // Never another question: who acts, what is done, to whom, with which data.
    for c in found {
        for key in c["changes"].as_object().unwrap().keys() {
            assert!(
                !["actor", "action", "recipient", "data", "data_source"].contains(&key.as_str()),
                "{c}"
            );
        }
    }
    assert_eq!(json["explanation"].get("counterfactuals_cut_off"), None);
    assert_counterfactuals_hold(oklahoma(), &request, &json);
    let (human, _) = decide(oklahoma(), &request);
    assert!(
        human.contains(
            "What would change the answer:\n  - permitted if `basis` is `required_by_law` (17 O.S. § 710.6(B)(1))\n"
        ),
        "{human}"
    );
    assert!(
        human.contains("  - permitted if `basis` is `written_consent` (17 O.S. § 710.6(B)(5))\n"),
        "{human}"
    );
}

/// A disclosure to a contractor who signed and got only what it needs: every fact given is
/// shown, and the exception of § 710.6(B)'s rule is said to apply, not to be false.
#[test]
fn every_fact_given_is_shown_and_an_exception_that_applies_says_so() {
    let request = json!({
        "jurisdiction": "OK",
        "actor": "electric_utility", "utility": {"kind": "investor_owned"},
        "action": "disclose", "recipient": "contractor",
        "data": "customer_identifiable_usage_data", "purpose": "billing_and_collection",
        "approval": {"commission": true},
        "disclosure": {"limited_to_necessary": true},
        "recipient_agreement": {"confidentiality_signed": true}
    });
    let json = explained("ok_contractor", oklahoma(), &request);
    assert_eq!(json["decision"], "permitted");
    let given = &json["explanation"]["facts_given"];
    for (fact, value) in [
        ("purpose", json!("billing_and_collection")),
        ("approval.commission", json!(true)),
        ("recipient", json!("contractor")),
    ] {
        assert!(
            given
                .as_array()
                .unwrap()
                .contains(&json!({"fact": fact, "value": value})),
            "{fact} is given: {given}"
        );
    }
    assert_eq!(given.as_array().unwrap().len(), 9, "{given}");
    // The facts that mattered stay those the deciding provision reads.
    let mattered: Vec<&str> = json["explanation"]["facts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["fact"].as_str().unwrap())
        .collect();
    // § 710.6(A) reads the purpose (a regulated service or an approved § 710.4(B) objective).
    assert!(mattered.contains(&"purpose"), "{mattered:?}");
    let (human, _) = decide(oklahoma(), &request);
    assert!(human.contains("Facts given:\n"), "{human}");
    assert!(
        human.contains("\n  purpose = billing_and_collection\n"),
        "{human}"
    );
    assert!(
        human.contains("\n  approval.commission = true\n"),
        "{human}"
    );
    assert!(
        human.contains(
            "17 O.S. § 710.6(B) would make it prohibited, but the exception \
             `contractor_disclosure_authorized` applies (recipient = contractor, \
             purpose = billing_and_collection, utility.kind = investor_owned, \
             utility.self_regulated_cooperative = false, approval.board_of_trustees = unknown, \
             approval.commission = true, disclosure.limited_to_necessary = true, \
             recipient_agreement.confidentiality_signed = true)"
        ),
        "{human}"
    );
    assert!(
        !human.contains("` is false (recipient = contractor"),
        "{human}"
    );
    assert_counterfactuals_hold(oklahoma(), &request, &json);
}

/// On the deciding provision, an `unless` clause that holds is labelled with its exception
/// not applying, beside the facts that make it so.
#[test]
fn an_exception_that_does_not_apply_is_labelled_so() {
    let (human, _) = decide(oklahoma(), &oklahoma_third_party());
    assert!(
        human.contains(
            "the exception does not apply (recipient = third_party, purpose = unknown, \
             utility.kind = investor_owned, utility.self_regulated_cooperative = false, \
             approval.board_of_trustees = unknown, approval.commission = unknown, \
             disclosure.limited_to_necessary = unknown, \
             recipient_agreement.confidentiality_signed = false)"
        ),
        "{human}"
    );
}

/// Three circumstances of forty members each and an audit: no change of one or two of them
/// gives another answer, and there are more pairs to try than the search's budget.
#[test]
fn a_search_cut_off_says_so() {
    let engine = Engine::load(&[fixture("explanations/many-circumstances")])
        .expect("the fixture checks clean");
    let request = json!({
        "jurisdiction": "WR", "actor": "seller", "data": "address",
        "region": "r02", "channel": "c02", "market": "m02", "audited": false
    });
    let json = explained("cut_off", &engine, &request);
    assert_eq!(json["decision"], "prohibited");
    assert_eq!(json["explanation"]["counterfactuals"], json!([]));
    assert_eq!(json["explanation"]["counterfactuals_cut_off"], true);
    let (human, _) = decide(&engine, &request);
    assert!(
        human.contains(
            "What would change the answer:\n  … the search stopped after 4096 evaluations: \
             changes it did not try may change the answer too\n"
        ),
        "{human}"
    );
    // In region r01, through channel c01, in market m01, one change is enough: no pairs
    // are tried, and the search finishes.
    let mut near = request.clone();
    for (fact, value) in [("region", "r01"), ("channel", "c01"), ("market", "m01")] {
        near[fact] = value.into();
    }
    let (human, json) = decide(&engine, &near);
    assert_eq!(json["explanation"].get("counterfactuals_cut_off"), None);
    assert!(
        human.contains(
            "What would change the answer:\n  - permitted if `audited` is `true` (WR 1-1(4))\n\n"
        ),
        "{human}"
    );
}

/// Only the question is known, every default left unknown (as `juris ask` leaves them):
/// the search still finishes, since a change that one case shows to decide as before needs
/// no other case decided.
#[test]
fn a_search_over_unknown_facts_finishes() {
    let mut request = json!({
        "jurisdiction": "OR",
        "actor": "electric_company", "action": "transfer", "recipient": "administrator",
        "data": "ssn"
    });
    let (policy, _) = oregon().request_from_json(&request).unwrap();
    for fact in &policy.facts {
        if fact.default.is_some() {
            let (object, key) = fact.name.split_once('.').unwrap();
            request
                .as_object_mut()
                .unwrap()
                .entry(object.to_string())
                .or_insert_with(|| json!({}))[key] = Value::Null;
        }
    }
    let (human, json) = decide(oregon(), &request);
    assert_eq!(json["decision"], "prohibited");
    assert_eq!(json["explanation"].get("counterfactuals_cut_off"), None);
    assert!(
        human.contains(
            "What would change the answer:\n  - no change of one or two circumstances gives \
             another outcome\n"
        ),
        "{human}"
    );
}

// ---------------------------------------------------------------------------- the contract

// ---------------------------------------------------------------------------- readings

/// A request about the widget fixture's records, given by seller to `recipient`.
fn widget_request(record: &str, recipient: &str, age: Option<f64>) -> Value {
    let mut request = json!({
        "jurisdiction": "WR", "actor": "seller", "action": "give",
        "recipient": recipient, "record": record,
    });
    if let Some(age) = age {
        request["buyer"] = json!({ "age": age });
    }
    request
}

/// The readings of an explanation, as (cite, text).
fn readings_of(json: &Value) -> Vec<(String, String)> {
    json["explanation"]["readings"]
        .as_array()
        .map(|list| {
            list.iter()
                .map(|r| {
                    (
                        r["cite"].as_str().unwrap().to_string(),
                        r["text"].as_str().unwrap().to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The readings a decision relies on: the deciding provision's, its ancestors', and those
/// of the definitions its conditions read — in source order, each once.
#[test]
fn readings_of_the_deciding_provision_its_ancestors_and_its_definitions() {
    let json = explained(
        "readings_required",
        readings_policy(),
        &widget_request("warranty", "buyer", Some(40.0)),
    );
    assert_eq!(json["decision"], "required");
    let cites: Vec<String> = readings_of(&json).into_iter().map(|(c, _)| c).collect();
    assert_eq!(cites, ["WR 1-1(2)", "WR 1-1(2)", "WR 1-1(2)(b)"]);
    // (2)(a) decides the price: (2)(b)'s reading is not relied on.
    let (_, price) = decide(
        readings_policy(),
        &widget_request("price", "buyer", Some(40.0)),
    );
    assert_eq!(readings_of(&price).len(), 2, "{price:#}");
}

/// For an undetermined answer, the readings of the provisions that decide its cases; the
/// case split over the age tries no age outside its declared range `>= 0 <= 150`.
#[test]
fn readings_of_an_undetermined_answer_are_those_of_its_cases() {
    let json = explained(
        "readings_undetermined",
        readings_policy(),
        &widget_request("warranty", "buyer", None),
    );
    assert_eq!(json["decision"], "undetermined");
    assert_eq!(readings_of(&json).len(), 3);
    let when: Vec<&str> = json["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["when"]["buyer.age"].as_str().unwrap())
        .collect();
    assert_eq!(when, [">= 0 and < 18", ">= 18 and <= 150"]);
}

/// A `rule { … }`'s readings come with the rule's decisions.
#[test]
fn readings_of_a_rule() {
    let request = json!({"jurisdiction": "WR", "actor": "seller", "action": "keep"});
    let json = explained("readings_rule", readings_policy(), &request);
    assert_eq!(json["decision"], "permitted");
    let cites: Vec<String> = readings_of(&json).into_iter().map(|(c, _)| c).collect();
    assert_eq!(cites, ["WR 1-1(4)"]);
}

/// An answer that relies on no reading says nothing about readings.
#[test]
fn an_answer_without_readings_has_no_readings() {
    let (human, json) = decide(
        readings_policy(),
        &widget_request("address", "third_party", None),
    );
    assert_eq!(json["decision"], "prohibited");
    assert!(json["explanation"].get("readings").is_none(), "{json:#}");
    assert!(!human.contains("relies on a reading"), "{human}");
}

/// The fields every decision carries, whatever the outcome.
fn assert_contract_shape(json: &Value) {
    for key in [
        "decision",
        "cites",
        "obligations",
        "depends_on",
        "cases",
        "explanation",
    ] {
        assert!(json.get(key).is_some(), "the decision has `{key}`: {json}");
    }
    let decision = json["decision"].as_str().unwrap();
    assert!(
        [
            "required",
            "permitted",
            "prohibited",
            "not_addressed",
            "undetermined",
            "conflict"
        ]
        .contains(&decision),
        "{decision}"
    );
    for c in json["cites"].as_array().unwrap() {
        assert!(
            c.as_str().unwrap().starts_with(OR),
            "a cite is written in full: {c}"
        );
    }
    for o in json["obligations"].as_array().unwrap() {
        assert!(
            o["text"].as_str().is_some_and(|t| !t.is_empty()) && o["cite"].is_string(),
            "{o}"
        );
    }
    if decision != "undetermined" {
        assert_eq!(json["depends_on"], json!([]));
        assert_eq!(json["cases"], json!([]));
    }
}

fn contract(request: &Value) -> Value {
    let (_, json) = decide(oregon(), request);
    assert_contract_shape(&json);
    json
}

#[test]
fn contract_example_1_meter_number_required() {
    let json = contract(&example_1());
    assert_eq!(json["decision"], "required");
    assert_eq!(cites(&json), vec![cite("(2)(h)")]);
    assert_eq!(json["obligations"], json!([]));
}

#[test]
fn contract_example_2_ssn_prohibited() {
    let mut request = example_1();
    request["data"] = "ssn".into();
    let json = contract(&request);
    assert_eq!(json["decision"], "prohibited");
    assert_eq!(cites(&json), vec![cite("(3)(a)")]);
    assert_eq!(json["obligations"], json!([]));
}

#[test]
fn contract_example_3_over_1_amw_not_opted_in() {
    let mut request = example_1();
    request["customer"]["usage_amw"] = 2.0.into();
    let json = contract(&request);
    assert_eq!(json["decision"], "prohibited");
    assert_eq!(cites(&json), vec![cite("(11)(a)")]);

    request["data"] = "service_address".into();
    let json = contract(&request);
    assert_eq!(json["decision"], "required");
    assert_eq!(cites(&json), vec![cite("(11)(a)")]);

    // "not opted in" said outright decides the same as the default.
    request["customer"]["opted_in"] = false.into();
    assert_eq!(contract(&request)["decision"], "required");
}

#[test]
fn contract_example_4_administrator_marketing() {
    let json = contract(&administrator_uses_for("telemarketing"));
    assert_eq!(json["decision"], "prohibited");
    assert_eq!(cites(&json), vec![cite("(6)(e)")]);
    assert_eq!(json["obligations"], json!([]));

    let json = contract(&administrator_uses_for("direct_marketing"));
    assert_eq!(json["decision"], "permitted");
    assert_eq!(cites(&json), vec![cite("(6)(e)")]);
    assert_eq!(obligation_cites(&json), vec![cite("(6)(e)")]);
    let text = json["obligations"][0]["text"]
        .as_str()
        .unwrap()
        .to_lowercase();
    assert!(
        text.contains("notify") && text.contains("coordinate"),
        "{text}"
    );
}

#[test]
fn contract_example_5_notice_unknown_is_undetermined() {
    let mut request = example_1();
    request["customer"]
        .as_object_mut()
        .unwrap()
        .remove("pre_transfer_notice_sent");
    let json = contract(&request);
    assert_eq!(json["decision"], "undetermined");
    let depends: Vec<&str> = json["depends_on"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d.as_str().unwrap())
        .collect();
    assert!(
        depends.contains(&"customer.pre_transfer_notice_sent"),
        "{depends:?}"
    );
    let cases = json["cases"].as_array().unwrap();
    let case = |decision: &str| {
        cases
            .iter()
            .find(|c| c["decision"] == decision)
            .unwrap_or_else(|| panic!("a `{decision}` case: {cases:?}"))
    };
    let required = case("required");
    assert_eq!(cites(required), vec![cite("(2)(h)")]);
    assert_eq!(required["when"]["customer.pre_transfer_notice_sent"], true);
    assert_eq!(required["obligations"], json!([]));
    let prohibited = case("prohibited");
    assert_eq!(cites(prohibited), vec![cite("(12)")]);
    assert_eq!(
        prohibited["when"]["customer.pre_transfer_notice_sent"],
        false
    );
    assert_eq!(cases.len(), 2, "{cases:?}");
    // No duty arises in either case, so none comes with the answer.
    assert_eq!(json["obligations"], json!([]));
}

/// With the notice given, each case of example 5 is the decision of the request that
/// states it.
#[test]
fn contract_example_5_cases_agree_with_stating_the_fact() {
    for (sent, decision) in [(true, "required"), (false, "prohibited")] {
        let mut request = example_1();
        request["customer"]["pre_transfer_notice_sent"] = sent.into();
        assert_eq!(
            contract(&request)["decision"],
            decision,
            "notice sent: {sent}"
        );
    }
}

/// `write_json` writes exactly the bytes of `to_json` serialized, for every test of every
/// shipped policy and of the readings fixture, and for each policy's empty request (an undetermined answer with cases):
/// the typed writer that `juris batch --explain` uses cannot drift from the JSON value that
/// `eval`, `ask` and the library return.
#[test]
fn the_explanation_writer_writes_the_json_value() {
    let engine = Engine::load(&["policies"]).expect("the shipped policies check clean");
    let mut compared = 0;
    let policies = engine.policies().iter().chain(readings_policy().policies());
    for policy in policies {
        let empty = juris::Request::empty(policy);
        let requests: Vec<_> = policy.tests.iter().map(|t| t.request(policy)).collect();
        for request in requests.iter().chain([&empty]) {
            let decision = engine.decide_explained(policy, request);
            let value = juris::explain::to_json(policy, &decision, request);
            let mut written = Vec::new();
            juris::explain::write_json(&mut written, policy, &decision, request)
                .expect("writes to memory");
            let expected = serde_json::to_vec(&value).expect("serializes");
            assert_eq!(
                String::from_utf8_lossy(&written),
                String::from_utf8_lossy(&expected)
            );
            // Without counterfactuals in the trace, the explanation searches for the same.
            let traced = engine.decide_traced(policy, request);
            assert_eq!(juris::explain::to_json(policy, &traced, request), value);
            compared += 1;
        }
    }
    assert!(compared > 100, "only {compared} requests compared");
}
