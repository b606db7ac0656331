//! `juris ask` on questions written as people write them: `fixtures/ask/questions.json`,
//! each with the decision and the cites the statutes' words give (derived from the text and
//! the policies' encoded readings, not from running `ask`). Reports the pass rate and every
//! miss; fails on any false permission and when the pass rate falls below the floor.

use serde::Deserialize;
use std::collections::BTreeSet;

#[derive(Debug, Deserialize)]
struct Question {
    question: String,
    #[serde(default)]
    decision: String,
    #[serde(default)]
    out_of_scope: bool,
    #[serde(default)]
    cites: Vec<String>,
    why: String,
    /// For a question answered as a survey: the answer expected in each jurisdiction (the
    /// survey must cover exactly these).
    #[serde(default)]
    survey: Option<std::collections::BTreeMap<String, Expected>>,
}

/// One jurisdiction's expected part of a survey.
#[derive(Debug, Deserialize)]
struct Expected {
    decision: String,
    #[serde(default)]
    cites: Vec<String>,
}

/// How a survey question was answered: whether it met every jurisdiction's expectation, what
/// each answered, and the jurisdictions that gave a permission the expectation does not.
fn check_survey(
    engine: &juris::Engine,
    question: &str,
    expected: &std::collections::BTreeMap<String, Expected>,
) -> (bool, String, Vec<String>) {
    let Some(survey) = juris::ask::survey(engine, question) else {
        return (false, "not answered as a survey".to_string(), Vec::new());
    };
    let json = juris::ask::survey::to_json(&survey);
    let mut ok = true;
    let mut got = Vec::new();
    let mut permits = Vec::new();
    let mut seen = BTreeSet::new();
    for row in json["comparison"].as_array().into_iter().flatten() {
        let j = row["jurisdiction"].as_str().unwrap_or("?").to_string();
        let decision = row["decision"].as_str().unwrap_or("?").to_string();
        let cites: BTreeSet<String> = row["cites"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|c| c.as_str().map(str::to_string))
            .collect();
        match expected.get(&j) {
            Some(e) => {
                ok &= e.decision == decision && e.cites.iter().all(|c| cites.contains(c));
                if matches!(decision.as_str(), "permitted" | "required")
                    && !matches!(e.decision.as_str(), "permitted" | "required")
                {
                    permits.push(format!("{j}: {decision}, expected {}", e.decision));
                }
            }
            None => ok = false,
        }
        got.push(format!("{j} {decision} {cites:?}"));
        seen.insert(j);
    }
    ok &= seen.len() == expected.len();
    (ok, got.join("; "), permits)
}

/// The pass rate required (161 of 163 are answered as expected; 115 of 117 before California
/// and the surveys, 40 of 101 before the English layer). Raise it as `ask` improves; never
/// lower it.
const FLOOR: f64 = 0.95;

/// Every cite of an answer: its own and each case's.
fn cites_of(answer: &serde_json::Value) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut add = |v: &serde_json::Value| {
        for c in v["cites"].as_array().into_iter().flatten() {
            if let Some(s) = c.as_str() {
                out.insert(s.to_string());
            }
        }
    };
    add(answer);
    for case in answer["cases"].as_array().into_iter().flatten() {
        add(case);
    }
    out
}

#[test]
fn questions_as_people_write_them() {
    let text = std::fs::read_to_string(crate::fixture("ask/questions.json")).unwrap();
    let questions: Vec<Question> = serde_json::from_str(&text).unwrap();
    assert!(questions.len() >= 80, "{} questions", questions.len());
    let engine = juris::Engine::load(&["policies"]).unwrap();
    let mut passed = 0;
    let mut misses = Vec::new();
    let mut false_permissions = Vec::new();
    for q in &questions {
        if let Some(expected) = &q.survey {
            let (ok, got, permits) = check_survey(&engine, &q.question, expected);
            if ok {
                passed += 1;
            } else {
                misses.push(format!(
                    "- {:?} (survey)\n    expected {expected:?} ({})\n    got {got}",
                    q.question, q.why
                ));
            }
            for p in permits {
                false_permissions.push(format!("- {:?}: {p}", q.question));
            }
            continue;
        }
        let (got, cites, note) = match juris::ask::interpret(&engine, &q.question) {
            Ok(interpretation) => {
                let decision = juris::ask::decide(&interpretation);
                let answer = juris::ask::to_json(&interpretation, &decision);
                let got = answer["decision"].as_str().unwrap_or("?").to_string();
                let read: Vec<String> = interpretation
                    .understood
                    .iter()
                    .map(|u| format!("{} → {}", u.words, u.means))
                    .collect();
                (got, cites_of(&answer), read.join("; "))
            }
            Err(unplaced) => match &unplaced.out_of_scope {
                Some(reason) => ("out_of_scope".to_string(), BTreeSet::new(), reason.clone()),
                None => (
                    "refused".to_string(),
                    BTreeSet::new(),
                    format!("lacks {}", unplaced.missing.join(", ")),
                ),
            },
        };
        let ok = if q.out_of_scope {
            got == "out_of_scope"
        } else {
            got == q.decision && q.cites.iter().all(|c| cites.contains(c))
        };
        if ok {
            passed += 1;
        } else {
            misses.push(format!(
                "- {:?}\n    expected {}{} {:?} ({})\n    got {got} {cites:?}\n    read: {note}",
                q.question,
                q.decision,
                if q.out_of_scope {
                    " (out of scope)"
                } else {
                    ""
                },
                q.cites,
                q.why
            ));
        }
        // A permission where the statutes give none is the worst answer `ask` can give:
        // whatever else the question expects (prohibited, undetermined, not addressed, out
        // of scope, a conflict), `permitted` or `required` is a failure of the test.
        let permits = got == "permitted" || got == "required";
        let expects_permission =
            !q.out_of_scope && matches!(q.decision.as_str(), "permitted" | "required");
        if permits && !expects_permission {
            false_permissions.push(format!(
                "- {:?}: {got}, expected {}",
                q.question, q.decision
            ));
        }
    }
    let rate = passed as f64 / questions.len() as f64;
    println!(
        "ask: {passed} of {} questions answered as expected ({:.1} %)",
        questions.len(),
        rate * 100.0
    );
    for m in &misses {
        println!("{m}");
    }
    assert!(
        false_permissions.is_empty(),
        "false permissions:\n{}",
        false_permissions.join("\n")
    );
    assert!(
        rate >= FLOOR,
        "pass rate {:.1} % is below the floor {:.1} %",
        rate * 100.0,
        FLOOR * 100.0
    );
}

/// A question outside the encoded law is answered as such, naming what was recognised:
/// another jurisdiction, another sector, an excluded entity, a topic with no encoded text,
/// data handed over by a party the law does not regulate.
#[test]
fn out_of_scope_answers_say_why() {
    let engine = juris::Engine::load(&["policies"]).unwrap();
    let mut out = String::new();
    for q in [
        "In Texas, can an electric utility sell customer usage data?",
        "In Oklahoma, can a water utility share customer usage data with a third party?",
        "Can a people's utility district in Oregon share customer names with the Administrator?",
        "What penalties apply in Oregon if the electric company transfers social security numbers to the Administrator?",
        "Can the Administrator get customer names from a third party in Oregon?",
    ] {
        let unplaced = juris::ask::interpret(&engine, q).unwrap_err();
        out.push_str(&format!(
            "{q}\n  → the encoded law does not address this, because {}\n",
            unplaced.out_of_scope.unwrap()
        ));
    }
    crate::settings().bind(|| insta::assert_snapshot!("ask-out-of-scope", out));
}
