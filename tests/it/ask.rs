//! `juris ask`: the memo for a set of questions in every format, the interactive flow, and
//! questions it cannot place. Each snapshot holds the question and the whole output.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::cli::run_cli;

/// Runs `juris ask …` in process with `stdin` as standard input.
fn ask(args: &[&str], stdin: &str) -> (u8, String, String) {
    let args: Vec<&str> = std::iter::once("ask").chain(args.iter().copied()).collect();
    let out = run_cli(&args, stdin);
    (out.code, out.stdout, out.stderr)
}

const QUESTIONS: &[(&str, &str)] = &[
    (
        "seed",
        "Can I use customer data for marketing purposes without violating privacy laws in Oklahoma? What are the requirements?",
    ),
    ("ok-share-third-party", "Can I share customer information with a third party in Oklahoma?"),
    ("ok-aggregate-public", "May a utility disclose aggregate data to the public for research in Oklahoma?"),
    ("or-telemarketing", "May the Administrator use customer information for telemarketing in Oregon?"),
    ("or-transfer-ssn", "Must the electric company transfer the social security number to the Administrator in Oregon?"),
    ("ok-municipal", "Can a municipal utility in Oklahoma share customer data with a third party?"),
    ("ok-billing", "Can an investor-owned utility in Oklahoma use customer-identifiable usage data for billing?"),
    ("ok-marketing", "Can I use customer data for marketing in Oklahoma?"),
    ("or-meter-number", "May an Oregon electric company transfer a customer's meter number to the Administrator?"),
    ("or-usage-history-large", "May the electric company transfer the usage history of a 2 aMW customer who has not opted in to the Administrator in Oregon?"),
    (
        "ca-seed",
        "Can I use customer data for marketing purposes without violating privacy laws in California? What are the requirements?",
    ),
    ("ca-sell-consent", "May a California electrical corporation sell smart meter data if the customer consents?"),
    ("ca-ice-consent", "Can a gas company in California share gas usage data with immigration enforcement if the customer consents?"),
    ("ca-and-texas", "May a utility in Texas or California sell a customer's usage data?"),
];

/// Questions answered as a survey: several states named, or none where several laws apply.
const SURVEYS: &[(&str, &str)] = &[
    ("survey-sell", "Which states let a utility sell usage data?"),
    (
        "survey-named",
        "Compare Oklahoma and California: can a utility use customer data for marketing?",
    ),
    (
        "survey-named-texas",
        "Compare Oklahoma, Texas and California: may a utility sell usage data?",
    ),
];

/// A question that names a state whose law is encoded and one whose law is not is answered
/// for the first, and the answer says, up front and in the JSON, that it is not the other's.
#[test]
fn a_state_without_encoded_law_beside_one_with_is_named_as_not_answered() {
    let (code, stdout, stderr) = ask(
        &["May a utility in Texas or California sell a customer's usage data?"],
        "",
    );
    assert_eq!(code, 0, "{stderr}");
    // Right after the short answer, before anything else.
    let note = stdout
        .find("This answers for California only: the question also names Texas, and no law of Texas is encoded.")
        .unwrap_or_else(|| panic!("{stdout}"));
    let short = stdout.find("SHORT ANSWER").unwrap();
    let next = stdout.find("WHAT WOULD CHANGE THE ANSWER").unwrap();
    assert!(short < note && note < next, "{stdout}");
    let (_, json, _) = ask(
        &[
            "--format",
            "json",
            "May a utility in Texas or California sell a customer's usage data?",
        ],
        "",
    );
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(
        value["interpretation"]["not_encoded"],
        serde_json::json!(["Texas"])
    );
    // Naming only California, nothing is said of other states.
    let (_, json, _) = ask(
        &[
            "--format",
            "json",
            "May a utility in California sell a customer's usage data?",
        ],
        "",
    );
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(
        value["interpretation"]["not_encoded"],
        serde_json::json!([])
    );
    // In a survey, the same.
    let (_, json, _) = ask(
        &[
            "--format",
            "json",
            "Compare Oklahoma, Texas and California: may a utility sell usage data?",
        ],
        "",
    );
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(value["survey"], true);
    assert_eq!(value["not_encoded"], serde_json::json!(["Texas"]));
}

#[test]
fn surveys_in_every_format() {
    for (name, question) in SURVEYS {
        for format in ["human", "markdown", "json"] {
            let (code, stdout, stderr) = ask(&["--format", format, question], "");
            assert_eq!(code, 0, "{name} {format}: {stderr}");
            assert!(stderr.is_empty(), "{name} {format}: {stderr}");
            if format == "json" {
                let value: serde_json::Value = serde_json::from_str(&stdout).expect("valid JSON");
                assert_eq!(value["survey"], true);
                assert!(value["comparison"].as_array().unwrap().len() >= 2);
            } else {
                assert!(
                    stdout.contains("omparison") || stdout.contains("OMPARISON"),
                    "{stdout}"
                );
            }
            insta::with_settings!({description => format!("juris ask --format {format} {question:?}")}, {
                crate::settings().bind(|| insta::assert_snapshot!(format!("{name}-{format}"), stdout));
            });
        }
    }
}

/// The seed question asked of California: the utility's own use is not governed, and the
/// memo says what the law does govern for that data — sharing needs consent, a sale is
/// barred outright — with the reading that says why own use is not addressed.
#[test]
fn the_seed_question_of_california_says_what_needs_consent_and_what_is_barred() {
    let question = QUESTIONS.iter().find(|(n, _)| *n == "ca-seed").unwrap().1;
    let (code, stdout, _) = ask(&["--format", "human", question], "");
    assert_eq!(code, 0);
    assert!(stdout.contains("WHAT THIS LAW DOES ADDRESS"), "{stdout}");
    assert!(stdout.contains("consented"), "{stdout}");
    assert!(stdout.contains("A sale: No."), "{stdout}");
    assert!(
        stdout.contains("Cal. Pub. Util. Code § 8380(b)(2)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("does not govern the corporation's own use"),
        "{stdout}"
    );
}

#[test]
fn memos_in_every_format() {
    for (name, question) in QUESTIONS {
        for format in ["human", "markdown", "json"] {
            let (code, stdout, stderr) = ask(&["--format", format, question], "");
            assert_eq!(code, 0, "{name} {format}: {stderr}");
            assert!(stderr.is_empty(), "{name} {format}: {stderr}");
            if format == "json" {
                let value: serde_json::Value = serde_json::from_str(&stdout).expect("valid JSON");
                assert!(value["decision"].is_string());
                assert!(value["interpretation"]["understood"].is_array());
            }
            insta::with_settings!({description => format!("juris ask --format {format} {question:?}")}, {
                crate::settings().bind(|| insta::assert_snapshot!(format!("{name}-{format}"), stdout));
            });
        }
    }
}

#[test]
fn the_seed_question_gets_the_cases_the_law_gives() {
    let (code, stdout, _) = ask(&["--format", "json", QUESTIONS[0].1], "");
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["decision"], "undetermined");
    let cases = v["cases"].as_array().unwrap();
    let find = |data: &str, outcome: &str, cite: &str| {
        cases.iter().any(|c| {
            c["when"]["data"] == data
                && c["decision"] == outcome
                && c["cites"].as_array().unwrap().iter().any(|x| x == cite)
        })
    };
    // Aggregate usage data: permitted for internal business purposes, § 710.7(A).
    assert!(find(
        "aggregate_usage_data",
        "permitted",
        "17 O.S. § 710.7(A)"
    ));
    // Customer-identifiable usage data for energy-related marketing: only with approval.
    assert!(find(
        "customer_identifiable_usage_data",
        "permitted",
        "17 O.S. § 710.4(B)"
    ));
    assert!(find(
        "customer_identifiable_usage_data",
        "prohibited",
        "17 O.S. § 710.4(B)"
    ));
    let depends: Vec<&str> = v["depends_on"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d.as_str().unwrap())
        .collect();
    for fact in ["data", "approval.commission", "approval.board_of_trustees"] {
        assert!(depends.contains(&fact), "depends on {fact}: {depends:?}");
    }
    // "Marketing" splits the Act's energy-related marketing from any other.
    assert!(cases
        .iter()
        .any(|c| c["when"]["purpose"] == "non_energy_marketing"));
}

#[test]
fn interactive_asks_only_what_still_matters() {
    let question = "Can I use customer data for marketing in Oklahoma?";
    // data: identifiable; purpose: energy products; utility: investor-owned; Commission: yes.
    let (code, stdout, _) = ask(
        &["--interactive", "--format", "human", question],
        "1\n1\n1\nyes\n",
    );
    assert_eq!(code, 0);
    assert!(
        stdout.contains("Yes. 17 O.S. § 710.4(B) [1] permits it."),
        "{stdout}"
    );
    crate::settings().bind(|| insta::assert_snapshot!("interactive-answered", stdout));
    // "Don't know" for every question leaves the answer by cases.
    let (code, stdout, _) = ask(
        &["--interactive", "--format", "human", question],
        "?\n?\n?\n?\n?\n?\n?\n",
    );
    assert_eq!(code, 0);
    assert!(stdout.contains("WHEN IT DEPENDS"), "{stdout}");
    crate::settings().bind(|| insta::assert_snapshot!("interactive-unknown", stdout));
}

#[test]
fn a_question_it_cannot_place_is_refused_with_an_example() {
    // Naming no state, a question several laws can read is a survey (above); one no law can
    // read is refused.
    let (code, stdout, stderr) = ask(&["What about customer data?"], "");
    assert_eq!(code, 2);
    assert!(stdout.is_empty());
    assert!(stderr.contains("it lacks a jurisdiction"), "{stderr}");
    crate::settings().bind(|| insta::assert_snapshot!("unplaced-no-jurisdiction", stderr));
    let (code, stdout, stderr) = ask(&["What about customer data in Oregon?"], "");
    assert_eq!(code, 2);
    assert!(stdout.is_empty());
    crate::settings().bind(|| insta::assert_snapshot!("unplaced-no-action", stderr));
}

/// The widget fixture whose provisions and definitions carry readings, and whose buyer's
/// age declares a range.
const READINGS: &str = "tests/it/fixtures/explanations/readings";

/// The memo shows every reading the answer relies on, in every format.
#[test]
fn memos_show_the_readings_they_rely_on() {
    let question = "May a seller give the warranty to the buyer under Widget Records?";
    for format in ["human", "markdown", "json"] {
        let (code, stdout, stderr) = ask(&[question, READINGS, "--format", format], "");
        assert_eq!(code, 0, "{format}: {stderr}");
        if format == "json" {
            let value: serde_json::Value = serde_json::from_str(&stdout).expect("valid JSON");
            let readings = value["explanation"]["readings"].as_array().unwrap();
            assert_eq!(readings.len(), 3, "{value:#}");
        } else {
            let heading = if format == "human" {
                "READINGS RELIED ON"
            } else {
                "## Readings relied on"
            };
            assert_eq!(section(&stdout, heading).len(), 3, "{stdout}");
        }
        insta::with_settings!({description => format!("juris ask {question:?} {READINGS} --format {format}")}, {
            crate::settings().bind(|| insta::assert_snapshot!(format!("readings-{format}"), stdout));
        });
    }
}

/// A number answered interactively is checked like a request's: one outside the fact's
/// range is refused and the fact left unknown.
#[test]
fn interactive_refuses_a_number_outside_the_range() {
    let question = "May a seller give the warranty to the buyer under Widget Records?";
    let (code, stdout, _) = ask(
        &[question, READINGS, "--interactive", "--format", "human"],
        "-5\n",
    );
    assert_eq!(code, 0);
    assert!(
        stdout.contains("`buyer.age` must be a number >= 0 and <= 150, found `-5`"),
        "{stdout}"
    );
    assert!(stdout.contains("WHEN IT DEPENDS"), "{stdout}");
    crate::settings().bind(|| insta::assert_snapshot!("interactive-out-of-range", stdout));
    let (_, stdout, _) = ask(
        &[question, READINGS, "--interactive", "--format", "human"],
        "30\n",
    );
    assert!(stdout.contains("Yes, and it is required."), "{stdout}");
}

/// `nan`, `inf` and `infinity` answered interactively are not numbers (Rust would read
/// them): the fact is left unknown with a message, as a request's `NaN` is refused.
#[test]
fn interactive_refuses_nan_and_infinity() {
    let question = "May a seller give the warranty to the buyer under Widget Records?";
    for answer in ["nan", "inf", "infinity", "-inf", "NaN", "1e400"] {
        let (code, stdout, _) = ask(
            &[question, READINGS, "--interactive", "--format", "human"],
            &format!("{answer}\n"),
        );
        assert_eq!(code, 0, "{answer}");
        assert!(stdout.contains("left unknown"), "{answer}: {stdout}");
        assert!(stdout.contains("WHEN IT DEPENDS"), "{answer}: {stdout}");
    }
}

/// The lines of a section: those after its heading up to the next blank line.
fn section<'a>(text: &'a str, heading: &str) -> Vec<&'a str> {
    text.lines()
        .skip_while(|l| *l != heading)
        .skip(1)
        .skip_while(|l| l.starts_with('─') || l.is_empty())
        .take_while(|l| !l.is_empty())
        .collect()
}

/// A decided answer says what would change it, each change the explanation of the same
/// request shows (same outcome, same provisions), in the memo's words; an answer by cases
/// does not (its cases say what it turns on).
#[test]
fn a_decided_answer_says_what_would_change_it_as_the_explanation_does() {
    let engine = juris::Engine::load(&["policies"]).unwrap();
    let question = QUESTIONS[3].1;
    let interpretation = juris::ask::interpret(&engine, question).unwrap();
    let decision = juris::ask::decide(&interpretation);
    assert_eq!(decision.outcome, juris::Outcome::Prohibited);
    let memo =
        juris::ask::memo::render(&interpretation, &decision, juris::ask::memo::Options::PLAIN);
    let explanation = juris::explain::human::render(
        &interpretation.policy,
        &decision,
        &interpretation.request,
        juris::explain::human::Style::default(),
    );
    let in_memo = section(&memo, "WHAT WOULD CHANGE THE ANSWER");
    let in_explanation = section(&explanation, "What would change the answer:");
    assert_eq!(in_memo.len(), in_explanation.len(), "{memo}\n{explanation}");
    assert!(!in_memo.is_empty(), "{memo}");
    for (m, e) in in_memo.iter().zip(&in_explanation) {
        let e = e.trim_start_matches("  - ");
        let outcome = e.split(" if ").next().unwrap();
        let words = match outcome {
            "permitted" => "- Permitted if ",
            "not_addressed" => "- Not covered by the encoded law if ",
            "required" => "- Required (must be done) if ",
            other => panic!("unexpected outcome {other}"),
        };
        assert!(m.starts_with(words), "{m} / {e}");
        for cite in e.split('(').skip(1).filter(|c| c.starts_with("OAR")) {
            let cite = cite.split(')').next().unwrap();
            assert!(m.contains(cite), "{m} lacks {cite} ({e})");
        }
        assert!(!m.contains('`'), "the memo words it without names: {m}");
    }
    assert!(
        memo.contains(
            "- Permitted if the purpose is administering efficiency and renewable energy programs (OAR 860-086-0030(6)(e) ["
        ),
        "{memo}"
    );
    let (_, seed, _) = ask(&["--format", "human", QUESTIONS[0].1], "");
    assert!(!seed.contains("WHAT WOULD CHANGE THE ANSWER"), "{seed}");
}

/// How the question was read is in the memo only when asked for (`--explain-reading`),
/// and always in the JSON answer.
#[test]
fn how_the_question_was_read_only_when_asked() {
    let question = QUESTIONS[4].1;
    let (code, plain, _) = ask(&["--format", "human", question], "");
    assert_eq!(code, 0);
    assert!(!plain.contains("HOW THE QUESTION WAS READ"), "{plain}");
    let (code, read, _) = ask(&["--format", "human", "--explain-reading", question], "");
    assert_eq!(code, 0);
    assert!(read.contains("HOW THE QUESTION WAS READ"), "{read}");
    assert!(
        read.starts_with(plain.trim_end()),
        "the reading is added at the end"
    );
    crate::settings().bind(|| insta::assert_snapshot!("explain-reading-human", read));
    let (_, markdown, _) = ask(&["--format", "markdown", "--explain-reading", question], "");
    assert!(
        markdown.contains("## How the question was read"),
        "{markdown}"
    );
    let (_, json, _) = ask(&["--format", "json", question], "");
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert!(!value["interpretation"]["understood"]
        .as_array()
        .unwrap()
        .is_empty());
}
