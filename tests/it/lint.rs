//! The linter end to end: each rule on the fixtures that trigger it and on near misses
//! that must not, the conflict planted in a copy of the Oregon policy (with its witness
//! decided), the shipped policies, `juris.toml`, and `juris lint` / `juris check` in every
//! format, SARIF validated against the SARIF 2.1.0 schema.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use crate::cli::juris;
use juris::diagnostic::{render_human, Diagnostic, FileDiagnostics};
use juris::lint::{self, Options};
use juris::{load, Engine, Outcome};
use std::path::Path;

/// Lints one fixture with no `juris.toml`.
fn lint_fixture(path: &Path) -> (juris::Policy, Vec<Diagnostic>) {
    let policy = load::compile_file(path).unwrap_or_else(|d| {
        panic!(
            "{}",
            render_human(&d, juris::diagnostic::Colour::Plain, 100)
        )
    });
    let findings = lint::lint(&policy, &Options::default());
    (policy, findings)
}

fn render(policy: &juris::Policy, findings: &[Diagnostic]) -> String {
    let rendered = render_human(
        &[FileDiagnostics {
            source: policy.source.clone(),
            diagnostics: findings.to_vec(),
        }],
        juris::diagnostic::Colour::Plain,
        100,
    );
    if rendered.is_empty() {
        "(no findings)\n".to_string()
    } else {
        rendered
    }
}

/// `rules/NAME.juris` triggers the rule called NAME and nothing else (a fact read only by an
/// unused definition is the definition's finding); `rules/NAME-quiet.juris` and
/// `rules/clean.juris` trigger nothing.
#[test]
fn each_rule_on_its_fixtures() {
    insta::glob!("fixtures/lint/rules/*.juris", |path| {
        let (policy, findings) = lint_fixture(path);
        let name = path.file_stem().unwrap().to_string_lossy().to_string();
        if name == "clean" || name.ends_with("-quiet") {
            assert!(
                findings.is_empty(),
                "{name}: {}",
                render(&policy, &findings)
            );
        } else {
            assert!(!findings.is_empty(), "{name} triggers nothing");
            for d in &findings {
                let expected =
                    d.code.name == name || (name == "unused-fact" && d.code.code == "L005");
                assert!(
                    expected,
                    "{name}: unexpected {}: {}",
                    d.code.code, d.message
                );
            }
        }
        crate::settings().bind(|| insta::assert_snapshot!(render(&policy, &findings)));
    });
}

/// A conflict's witness request: the structured field, which is the request the help
/// quotes after `decided `conflict`: `.
fn witness(d: &Diagnostic) -> serde_json::Value {
    let help = d.help.as_deref().unwrap_or_default();
    let note = help
        .split_once("this request is decided `conflict`: ")
        .map(|(_, json)| json)
        .unwrap_or_else(|| panic!("no witness in {d:#?}"));
    let quoted: serde_json::Value = serde_json::from_str(note).unwrap();
    assert_eq!(d.witness(), Some(&quoted), "{}", d.message);
    quoted
}

/// L001 and L002 (set aside) carry their witness as JSON (`witness`; SARIF
/// `properties.witness`), and `juris eval` of it shows the finding: a conflict of the two
/// provisions named, or the provision applying and set aside by the one named.
#[test]
fn witnesses_are_structured_and_runnable() {
    let dir = std::env::temp_dir().join(format!("juris-witness-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut checked = 0;
    for fixture in [CONFLICT, "tests/it/fixtures/lint/rules/unreachable.juris"] {
        let run = juris(&["lint", fixture, "--format", "json"]);
        let findings: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        let sarif = assert_valid_sarif(&juris(&["lint", fixture, "--format", "sarif"]).stdout);
        let results = sarif["runs"][0]["results"].as_array().unwrap();
        for (i, f) in findings.as_array().unwrap().iter().enumerate() {
            let message = f["message"].as_str().unwrap();
            assert_eq!(results[i]["properties"]["witness"], f["witness"]);
            let never = message.contains("can never apply");
            assert_eq!(f["witness"].is_null(), never, "{message}");
            if never {
                continue;
            }
            let file = dir.join("witness.json");
            std::fs::write(&file, f["witness"].to_string()).unwrap();
            let eval = juris(&[
                "eval",
                fixture,
                "--request",
                file.to_str().unwrap(),
                "--format",
                "json",
            ]);
            let decision: serde_json::Value = serde_json::from_str(&eval.stdout).unwrap();
            let cites: Vec<&str> = decision["cites"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c.as_str().unwrap())
                .collect();
            let named: Vec<&str> = message.split('`').skip(1).step_by(2).collect();
            if f["code"] == "L001" {
                assert_eq!(decision["decision"], "conflict", "{message}");
                for cite in &named[..2] {
                    assert!(cites.contains(cite), "{cite} not in {cites:?}: {message}");
                }
            } else {
                // `X never decides: whenever it applies, Y sets it aside`.
                assert!(!cites.contains(&named[0]), "{message}: {cites:?}");
                assert!(cites.contains(&named[1]), "{message}: {cites:?}");
            }
            checked += 1;
        }
    }
    assert_eq!(checked, 3);
    let _ = std::fs::remove_dir_all(&dir);

    // One SARIF log with all three: fingerprints, a fix (the gaps' markers) and witnesses.
    let run = juris(&[
        "lint",
        CONFLICT,
        "tests/it/fixtures/coverage/gaps",
        "--format",
        "sarif",
    ]);
    let log = assert_valid_sarif(&run.stdout);
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert!(results
        .iter()
        .all(|r| r["partialFingerprints"]["juris/v1"].is_string()));
    assert!(results.iter().any(|r| r["fixes"].is_array()));
    assert!(results
        .iter()
        .any(|r| r["properties"]["witness"].is_object()));
    assert_eq!(
        log["runs"][0]["invocations"][0]["executionSuccessful"],
        true
    );
}

/// Every conflict's witness is decided `conflict`, citing the two provisions named.
fn assert_witnesses_decide_conflict(dir: &str, findings: &[Diagnostic]) {
    let engine = Engine::load(&[dir]).unwrap();
    for d in findings.iter().filter(|d| d.code.code == "L001") {
        let (policy, request) = engine.request_from_json(&witness(d)).unwrap();
        let decision = engine.decide(policy, &request);
        assert_eq!(decision.outcome, Outcome::Conflict, "{}", d.message);
        for leaf in &decision.cites {
            let cite = policy.cite_of(*leaf);
            assert!(
                d.message.contains(&format!("`{cite}`")),
                "{cite} is not in: {}",
                d.message
            );
        }
    }
}

#[test]
fn the_conflict_fixtures_witnesses_are_decided_conflict() {
    let (_, findings) = lint_fixture(Path::new("tests/it/fixtures/lint/rules/conflict.juris"));
    assert_eq!(findings.len(), 2);
    assert_witnesses_decide_conflict("tests/it/fixtures/lint/rules/conflict.juris", &findings);
}

/// Acceptance: deleting `overrides (2), (11)` from provision (3) of the Oregon policy
/// plants a conflict that the linter finds, with a witness the engine decides `conflict`.
#[test]
fn finds_the_conflict_planted_in_oregon() {
    let path = Path::new("tests/it/fixtures/lint/oregon/missing-override.juris");
    let (policy, findings) = lint_fixture(path);
    let conflicts: Vec<&Diagnostic> = findings.iter().filter(|d| d.code.code == "L001").collect();
    assert_eq!(conflicts.len(), 2, "{}", render(&policy, &findings));
    assert_eq!(
        findings.len(),
        2,
        "only the planted defect: {}",
        render(&policy, &findings)
    );
    assert!(conflicts[0]
        .message
        .starts_with("`OAR 860-086-0030(3)(h)` and `OAR 860-086-0030(2)(a)`"));
    assert!(conflicts[1]
        .message
        .starts_with("`OAR 860-086-0030(11)(a)` rule 1 and `OAR 860-086-0030(3)(h)`"));
    assert_witnesses_decide_conflict("tests/it/fixtures/lint/oregon", &findings);
    crate::settings().bind(|| insta::assert_snapshot!(render(&policy, &findings)));
}

/// The shipped policies lint clean, or each finding is allowed with a reason in the
/// repository's `juris.toml`.
#[test]
fn the_shipped_policies_lint_clean_or_allowed_with_reasons() {
    let program = load::load(&["policies".into()]).unwrap();
    let linted = lint::lint_policies(&program.policies, &Options::default());
    assert!(
        linted.files.is_empty(),
        "{}",
        render_human(&linted.files, juris::diagnostic::Colour::Plain, 100)
    );
    for allowed in &linted.allowed {
        assert!(
            allowed.reason.is_some(),
            "allowed without a reason: {}",
            allowed.diagnostic.message
        );
    }
    // And the unmodified Oregon policy has no conflict at all.
    let (_, findings) = lint_fixture(Path::new("policies/oregon/oar-860-086-0030.juris"));
    assert!(findings.is_empty(), "{findings:#?}");
}

// ---------------------------------------------------------------------------- the CLI

const CONFLICT: &str = "tests/it/fixtures/lint/rules/conflict.juris";

#[test]
fn lint_exit_codes() {
    assert_eq!(
        juris(&[
            "lint",
            "tests/it/fixtures/lint/rules/clean.juris",
            "--format",
            "human"
        ])
        .code,
        0
    );
    assert_eq!(juris(&["lint", CONFLICT, "--format", "human"]).code, 1);
    let missing = juris(&["lint", "tests/it/fixtures/lint/nowhere.juris"]);
    assert_eq!(missing.code, 2);
    // A format lint does not write is refused by the argument parser (exit 2), which lists
    // the ones it does.
    let markdown = <juris::cli::Cli as clap::Parser>::try_parse_from([
        "juris", "lint", CONFLICT, "--format", "markdown",
    ])
    .unwrap_err();
    assert_eq!(markdown.exit_code(), 2);
    assert!(markdown
        .to_string()
        .contains("[possible values: human, json, sarif, github]"));
}

#[test]
fn lint_human() {
    let run = juris(&["lint", CONFLICT, "--format", "human"]);
    crate::settings().bind(|| insta::assert_snapshot!(run.stdout));
}

#[test]
fn lint_json() {
    let run = juris(&[
        "lint",
        "tests/it/fixtures/lint/rules/unreachable.juris",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 1);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    crate::settings().bind(|| insta::assert_json_snapshot!(json));
}

#[test]
fn lint_github() {
    let run = juris(&[
        "lint",
        CONFLICT,
        "tests/it/fixtures/lint/rules/coverage-gap.juris",
        "--format",
        "github",
    ]);
    assert_eq!(run.code, 1);
    for line in run.stdout.lines() {
        assert!(
            line.starts_with("::warning file=tests/it/fixtures/lint/rules/"),
            "{line}"
        );
        assert!(!line.contains('\n'));
    }
    crate::settings().bind(|| insta::assert_snapshot!(run.stdout));
}

const SUPPRESSED: &str = "tests/it/fixtures/lint/suppress";

/// `// juris: allow RULE "reason"`: on a finding's line, or alone on the line above it; an
/// unused suppression is `L010`, one without a reason or naming no rule `L011` (and hides
/// nothing).
#[test]
fn suppressions_in_the_policy_hide_findings_with_their_reason() {
    let run = juris(&["lint", SUPPRESSED, "--format", "human"]);
    assert_eq!(run.code, 1);
    crate::settings().bind(|| insta::assert_snapshot!("lint_suppressed_human", run.stdout));

    let run = juris(&["lint", SUPPRESSED, "--format", "json"]);
    let reported: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let codes: Vec<&str> = reported
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["L005", "L011", "L011", "L010"]);
    // Without the comments, the two L004 findings are reported.
    let text = std::fs::read_to_string(format!("{SUPPRESSED}/suppressed.juris")).unwrap();
    let (_, bare) = lint_fixture(Path::new(&format!("{SUPPRESSED}/suppressed.juris")));
    assert_eq!(bare.iter().filter(|d| d.code.code == "L004").count(), 2);
    assert!(text.contains("// juris: allow L004"));

    // SARIF lists the suppressed findings as suppressed in source, with their reasons.
    let run = juris(&["lint", SUPPRESSED, "--format", "sarif"]);
    let log = assert_valid_sarif(&run.stdout);
    let suppressed: Vec<(String, String)> = log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| {
            let s = &r["suppressions"][0];
            s.is_object().then(|| {
                (
                    s["kind"].as_str().unwrap().to_string(),
                    s["justification"].as_str().unwrap().to_string(),
                )
            })
        })
        .collect();
    assert_eq!(
        suppressed,
        [
            ("inSource".to_string(), "kept for the audit log".to_string()),
            (
                "inSource".to_string(),
                "the term is all the lawyers need of it, for now".to_string()
            )
        ]
    );
}

#[test]
fn select_and_ignore_choose_the_rules_reported() {
    let codes = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["lint", SUPPRESSED, "--format", "json"];
        all.extend(args);
        let run = juris(&all);
        let reported: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        reported
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["code"].as_str().unwrap()[..4].to_string())
            .collect()
    };
    assert_eq!(codes(&["--select", "L005"]), ["L005"]);
    assert_eq!(
        codes(&["--select", "unused-definition,L010"]),
        ["L005", "L010"]
    );
    assert_eq!(
        codes(&["--ignore", "L011", "--ignore", "unused-suppression"]),
        ["L005"]
    );
    // Only rules are named; anything else is a usage error.
    for bad in ["C001", "L999"] {
        let run = juris(&["lint", SUPPRESSED, "--select", bad]);
        assert_eq!(run.code, 2, "{bad}");
        assert!(run.stdout.is_empty());
        crate::settings()
            .bind(|| insta::assert_snapshot!(format!("lint_select_{bad}"), run.stderr));
    }
    // Selecting away every finding: clean.
    let run = juris(&["lint", SUPPRESSED, "--select", "L001"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
}

/// A baseline round trip: record five findings, move every line, add one finding: only the
/// new one is reported (and fails); SARIF carries the same fingerprints.
#[test]
fn a_baseline_reports_only_new_findings() {
    let dir = std::env::temp_dir().join(format!("juris-baseline-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("rules")).unwrap();
    std::fs::copy(
        "tests/it/fixtures/lint/statute.txt",
        dir.join("statute.txt"),
    )
    .unwrap();
    let policy = dir.join("rules/policy.juris");
    let fixture =
        std::fs::read_to_string("tests/it/fixtures/lint/rules/unused-fact.juris").unwrap();
    let vocabulary = "  customer.age: number \"the customer's age\"\n";
    assert!(fixture.contains(vocabulary));
    // Five findings: the fixture's three, and two more facts nothing reads.
    let five = fixture.replace(
        vocabulary,
        &format!("{vocabulary}  customer.segment: text \"a segment\"\n  customer.tier: text \"a tier\"\n"),
    );
    std::fs::write(&policy, &five).unwrap();
    let baseline = dir.join("juris-baseline.json");
    let (p, b) = (policy.to_str().unwrap(), baseline.to_str().unwrap());

    let run = juris(&["lint", p, "--baseline", b]);
    assert_eq!(run.code, 2, "no baseline yet: {}", run.stderr);
    assert!(run.stderr.contains("--update-baseline"), "{}", run.stderr);
    let run = juris(&["lint", p, "--baseline", b, "--update-baseline"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, format!("recorded 5 findings in {b}\n"));
    let recorded: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&baseline).unwrap()).unwrap();
    assert_eq!(recorded["findings"].as_array().unwrap().len(), 5);

    // Known findings do not fail, even after every line has moved.
    std::fs::write(&policy, format!("// moved down\n\n{five}")).unwrap();
    let run = juris(&["lint", p, "--baseline", b, "--format", "human"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(
        run.stdout,
        "1 policy linted clean, 5 known findings in the baseline\n"
    );

    // One new finding: only it is reported, and it fails.
    let six = five.replace(
        vocabulary,
        &format!("{vocabulary}  customer.nickname: text \"a nickname\"\n"),
    );
    std::fs::write(&policy, format!("// moved down\n\n{six}")).unwrap();
    let run = juris(&["lint", p, "--baseline", b, "--format", "json"]);
    assert_eq!(run.code, 1);
    let reported: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let reported = reported.as_array().unwrap();
    assert_eq!(reported.len(), 1, "{reported:#?}");
    assert!(reported[0]["message"]
        .as_str()
        .unwrap()
        .contains("customer.nickname"));

    // SARIF: every result has its fingerprint; the known ones are suppressed (external),
    // with the baseline's fingerprints.
    let run = juris(&["lint", p, "--baseline", b, "--format", "sarif"]);
    let log = assert_valid_sarif(&run.stdout);
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 6);
    let mut known: Vec<&str> = results
        .iter()
        .filter(|r| r["suppressions"][0]["kind"] == "external")
        .map(|r| r["partialFingerprints"]["juris/v1"].as_str().unwrap())
        .collect();
    known.sort();
    let mut recorded: Vec<&str> = recorded["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["fingerprint"].as_str().unwrap())
        .collect();
    recorded.sort();
    assert_eq!(known, recorded);
    // A baseline that is not one: a usage error.
    std::fs::write(&baseline, "{\"version\": 9, \"findings\": []}").unwrap();
    let run = juris(&["lint", p, "--baseline", b]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("version 9 is not known"),
        "{}",
        run.stderr
    );
}

/// `--fix` applies the safe fixes — the single "did you mean", a `not encoded` marker with a
/// placeholder reason for each gap (once the fixed policy checks and is linted), `fmt` —
/// and `--diff` shows them without writing; SARIF carries the same edits as `fixes`.
#[test]
fn fixes_are_shown_applied_and_carried_in_sarif() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("lint-fix");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for file in ["policy.juris", "statute.txt"] {
        std::fs::copy(
            format!("tests/it/fixtures/coverage/gaps/{file}"),
            dir.join(file),
        )
        .unwrap();
    }
    let policy = dir.join("policy.juris");
    let text = std::fs::read_to_string(&policy).unwrap();
    let typo = text.replace("  (a) when data is name\n", "  (a) when data is nmae\n");
    assert_ne!(typo, text);
    std::fs::write(&policy, &typo).unwrap();
    let folder = dir.to_str().unwrap();

    let run = juris(&["lint", folder, "--diff"]);
    assert_eq!(run.code, 1);
    crate::settings().bind(|| insta::assert_snapshot!("lint_fix_diff", run.stdout));
    assert_eq!(
        std::fs::read_to_string(&policy).unwrap(),
        typo,
        "--diff writes nothing"
    );

    let run = juris(&["lint", folder, "--format", "sarif"]);
    let log = assert_valid_sarif(&run.stdout);
    let fixes: Vec<&serde_json::Value> = log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["fixes"].as_array())
        .flatten()
        .collect();
    assert_eq!(
        fixes.len(),
        1,
        "the policy does not check: only the typo's fix"
    );
    let replacement = &fixes[0]["artifactChanges"][0]["replacements"][0];
    assert_eq!(replacement["insertedContent"]["text"], "name");
    assert_eq!(fixes[0]["description"]["text"], "Replace with `name`");

    let run = juris(&["lint", folder, "--fix"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(
        run.stdout,
        "fixed 5 findings in 1 file\n1 policy linted clean\n"
    );
    let fixed = std::fs::read_to_string(&policy).unwrap();
    assert!(fixed.contains("  (a) when data is name\n"));
    let marker = format!(" \"{}\"\n", juris::fix::PLACEHOLDER_REASON);
    let marked: Vec<&str> = fixed
        .lines()
        .filter(|l| l.ends_with(marker.trim_end()))
        .collect();
    assert_eq!(marked.len(), 4, "{fixed}");
    assert_eq!(juris(&["fmt", "--check", folder]).code, 0);
    assert_eq!(juris(&["check", folder]).code, 0);
    // Nothing is left to fix.
    let run = juris(&["lint", folder, "--diff"]);
    assert_eq!(
        (run.code, run.stdout.as_str()),
        (0, "0 fixes in 0 files (`--fix` applies them)\n")
    );

    // A gap's fix in SARIF: the marker line inserted at the end of the policy file.
    std::fs::write(&policy, &text).unwrap();
    let run = juris(&["lint", folder, "--format", "sarif", "--select", "L003"]);
    let log = assert_valid_sarif(&run.stdout);
    let result = &log["runs"][0]["results"][0];
    let replacement = &result["fixes"][0]["artifactChanges"][0]["replacements"][0];
    assert!(replacement["insertedContent"]["text"]
        .as_str()
        .unwrap()
        .starts_with("not encoded ("));
    let region = &replacement["deletedRegion"];
    assert_eq!(region["startLine"], region["endLine"]);
    assert_eq!(region["startColumn"], region["endColumn"]);
}

fn sarif_schema() -> jsonschema::Validator {
    let text = std::fs::read_to_string("tests/it/fixtures/sarif-schema-2.1.0.json").unwrap();
    // The schema's pattern for `run.language` ends in an unescaped `]`, which only the
    // web-compatibility grammar of ECMA-262 reads (as a literal `]`); the `jsonschema`
    // crate checks patterns strictly and refuses the schema. Escaping it keeps the meaning
    // and leaves the vendored file verbatim.
    let text = text.replace(r#"[a-zA-Z]{2}]?$"#, r#"[a-zA-Z]{2}\\]?$"#);
    let schema: serde_json::Value = serde_json::from_str(&text).unwrap();
    jsonschema::validator_for(&schema).unwrap()
}

pub(crate) fn assert_valid_sarif(text: &str) -> serde_json::Value {
    let log: serde_json::Value = serde_json::from_str(text).unwrap();
    let validator = sarif_schema();
    let errors: Vec<String> = validator
        .iter_errors(&log)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "invalid SARIF: {errors:#?}");
    log
}

#[test]
fn lint_sarif_is_valid_sarif_2_1_0() {
    let run = juris(&[
        "lint",
        CONFLICT,
        "tests/it/fixtures/lint/rules/unreachable.juris",
        "--format",
        "sarif",
    ]);
    assert_eq!(run.code, 1);
    let log = assert_valid_sarif(&run.stdout);
    let driver = &log["runs"][0]["tool"]["driver"];
    assert_eq!(driver["name"], "juris");
    // Rule metadata comes from the code table.
    let rules = driver["rules"].as_array().unwrap();
    let l001 = rules.iter().find(|r| r["id"] == "L001").unwrap();
    assert_eq!(l001["name"], "conflict");
    assert_eq!(
        l001["shortDescription"]["text"],
        juris::diagnostic::code::conflict.summary
    );
    assert!(l001["help"]["text"].as_str().unwrap().contains("witness"));
    for result in log["runs"][0]["results"].as_array().unwrap() {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
    }
    crate::settings().bind(|| insta::assert_json_snapshot!(log["runs"][0]["results"]));
}

#[test]
fn check_sarif_of_errors_is_valid_too() {
    // A policy that does not check: its errors, as SARIF results.
    let run = juris(&[
        "check",
        "tests/it/fixtures/diagnostics/C001-misspelt-fact.juris",
        "--format",
        "sarif",
    ]);
    assert_eq!(run.code, 1);
    let log = assert_valid_sarif(&run.stdout);
    assert_eq!(log["runs"][0]["results"][0]["ruleId"], "C001", "{log:#}");
    // A path that cannot be read is a usage error, not a finding: nothing on stdout.
    let run = juris(&[
        "check",
        "tests/it/fixtures/lint/nowhere.juris",
        "--format",
        "sarif",
    ]);
    assert_eq!(run.code, 2);
    assert_eq!(run.stdout, "");
    assert!(run.stderr.contains("U001"), "{}", run.stderr);
    let run = juris(&["check", "policies", "--format", "sarif"]);
    assert_eq!(run.code, 0);
    let log = assert_valid_sarif(&run.stdout);
    // Allowed findings are listed as suppressed, with the reason.
    for result in log["runs"][0]["results"].as_array().unwrap() {
        assert_eq!(result["suppressions"][0]["kind"], "external", "{result:#}");
        assert!(result["suppressions"][0]["justification"].is_string());
    }
}

#[test]
fn check_shows_warnings_but_passes() {
    let run = juris(&["check", CONFLICT, "--format", "human"]);
    assert_eq!(run.code, 0);
    crate::settings().bind(|| insta::assert_snapshot!(run.stdout));
    let run = juris(&["check", CONFLICT, "--format", "github"]);
    assert_eq!(run.code, 0);
    assert_eq!(run.stdout.lines().count(), 2);
    let run = juris(&[
        "check",
        "tests/it/fixtures/lint/rules/clean.juris",
        "--format",
        "json",
    ]);
    assert_eq!((run.code, run.stdout.as_str()), (0, "[]\n"));
}

#[test]
fn fail_on_sets_which_findings_fail() {
    // A policy with lint warnings (a conflict), one that is clean, and one that does not
    // check (an error): the exit code of `check` and `lint` at each level.
    let broken = "tests/it/fixtures/diagnostics/C001-misspelt-fact.juris";
    let clean = "tests/it/fixtures/lint/rules/clean.juris";
    let code = |command: &str, path: &str, level: Option<&str>| {
        let mut args = vec![command, path];
        if let Some(level) = level {
            args.extend(["--fail-on", level]);
        }
        juris(&args).code
    };
    for (command, path, default, error, warning, never) in [
        ("check", CONFLICT, 0, 0, 1, 0),
        ("lint", CONFLICT, 1, 0, 1, 0),
        ("check", broken, 1, 1, 1, 0),
        ("lint", broken, 1, 1, 1, 0),
        ("check", clean, 0, 0, 0, 0),
        ("lint", clean, 0, 0, 0, 0),
    ] {
        let got = [
            code(command, path, None),
            code(command, path, Some("error")),
            code(command, path, Some("warning")),
            code(command, path, Some("never")),
        ];
        assert_eq!(got, [default, error, warning, never], "{command} {path}");
    }
    // Findings are still reported when they do not fail.
    let run = juris(&["lint", CONFLICT, "--fail-on", "never"]);
    assert!(run.stdout.contains("L001"), "{}", run.stdout);
}

#[test]
fn juris_toml_denies_allows_and_asks_for_reasons() {
    // Denied: the findings are errors and fail `check`.
    let run = juris(&[
        "check",
        "tests/it/fixtures/lint/config/deny",
        "--format",
        "github",
    ]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.stdout.lines().all(|l| l.starts_with("::error ")),
        "{}",
        run.stdout
    );
    let run = juris(&[
        "check",
        "tests/it/fixtures/lint/config/deny",
        "--format",
        "human",
    ]);
    assert!(
        run.stdout
            .contains("1 policy checked: 2 lint findings denied in juris.toml"),
        "{}",
        run.stdout
    );

    // Allowed with a reason: nothing reported, SARIF lists them as suppressed.
    let run = juris(&[
        "lint",
        "tests/it/fixtures/lint/config/allow",
        "--format",
        "human",
    ]);
    assert_eq!(run.code, 0);
    assert_eq!(
        run.stdout,
        "1 policy linted clean, 2 findings allowed by juris.toml\n"
    );
    let run = juris(&[
        "lint",
        "tests/it/fixtures/lint/config/allow",
        "--format",
        "sarif",
    ]);
    let log = assert_valid_sarif(&run.stdout);
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 2);
    assert_eq!(
        results[0]["suppressions"][0]["justification"],
        "the fixture keeps its conflicts on purpose"
    );

    // Allowed without a reason: a warning in juris.toml.
    let run = juris(&[
        "lint",
        "tests/it/fixtures/lint/config/no-reason",
        "--format",
        "human",
    ]);
    assert_eq!(run.code, 1);
    crate::settings().bind(|| insta::assert_snapshot!("allow_without_reason", run.stdout));

    // A rule that does not exist: an input error.
    let run = juris(&[
        "check",
        "tests/it/fixtures/lint/config/invalid",
        "--format",
        "human",
    ]);
    assert_eq!(run.code, 2);
    crate::settings().bind(|| insta::assert_snapshot!("invalid_config", run.stdout));
}

/// `[[lint.per-path]]`: rules allowed in the files a glob matches, with a reason; a glob
/// that is not one is `L009`, an allowance without a reason `L008`.
#[test]
fn juris_toml_allows_rules_per_path() {
    let dir = "tests/it/fixtures/lint/config/per-path";
    let run = juris(&["lint", dir, "--format", "json"]);
    assert_eq!(run.code, 1);
    let reported: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let found: Vec<String> = reported
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let file = d["file"].as_str().unwrap();
            let folder = file.rsplit('/').nth(1).unwrap();
            format!("{folder} {}", d["code"].as_str().unwrap())
        })
        .collect();
    assert_eq!(
        found,
        [
            "current L004",
            "current L004",
            "current L005",
            "legacy L005"
        ]
    );
    let run = juris(&["lint", dir, "--format", "sarif"]);
    let log = assert_valid_sarif(&run.stdout);
    let suppressed: Vec<(String, String)> = log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["suppressions"].is_array())
        .map(|r| {
            (
                r["ruleId"].as_str().unwrap().to_string(),
                r["suppressions"][0]["justification"]
                    .as_str()
                    .unwrap()
                    .to_string(),
            )
        })
        .collect();
    let reason = "the legacy vocabulary is shared with the billing system".to_string();
    assert_eq!(
        suppressed,
        [
            ("L004".to_string(), reason.clone()),
            ("L004".to_string(), reason)
        ]
    );

    // A glob that is not one, an allowance without a reason.
    let scratch = std::env::temp_dir().join(format!("juris-per-path-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&scratch);
    std::fs::create_dir_all(scratch.join("rules")).unwrap();
    std::fs::copy(
        "tests/it/fixtures/lint/statute.txt",
        scratch.join("statute.txt"),
    )
    .unwrap();
    std::fs::copy(
        "tests/it/fixtures/lint/rules/unused-fact.juris",
        scratch.join("rules/policy.juris"),
    )
    .unwrap();
    std::fs::write(
        scratch.join("juris.toml"),
        "[[lint.per-path]]\nfiles = \"rules/[a\"\nallow = [\"L004\"]\nreason = \"x\"\n\n[[lint.per-path]]\nfiles = \"rules/*\"\nallow = [\"L005\"]\n",
    )
    .unwrap();
    let run = juris(&["lint", scratch.to_str().unwrap(), "--format", "json"]);
    assert_eq!(
        run.code, 2,
        "an unusable juris.toml is an input error: {}",
        run.stdout
    );
    let reported: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let codes: Vec<&str> = reported
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["file"].as_str().unwrap().ends_with("juris.toml"))
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["L009", "L008"]);
    let _ = std::fs::remove_dir_all(&scratch);
}

#[test]
fn juris_toml_sets_the_lint_budget() {
    // Too small a budget per question: one L007 that says so; `lint` still exits 0.
    let run = juris(&[
        "lint",
        "tests/it/fixtures/lint/config/budget",
        "--format",
        "human",
    ]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(run.stdout.contains("L007::undecided"), "{}", run.stdout);
    crate::settings().bind(|| insta::assert_snapshot!("lint_budget_per_question", run.stdout));
    let run = juris(&[
        "check",
        "tests/it/fixtures/lint/config/budget",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stdout);

    // The policy's budget runs out and L007 is denied: an error, `lint` and `check` fail.
    let run = juris(&[
        "lint",
        "tests/it/fixtures/lint/config/budget-denied",
        "--format",
        "human",
    ]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    crate::settings().bind(|| insta::assert_snapshot!("lint_budget_denied", run.stdout));
    let run = juris(&[
        "check",
        "tests/it/fixtures/lint/config/budget-denied",
        "--format",
        "github",
    ]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(run.stdout.starts_with("::error "), "{}", run.stdout);

    // A budget that is not a number of steps: L009, an input error, at the value.
    let run = juris(&[
        "lint",
        "tests/it/fixtures/lint/config/budget-invalid",
        "--format",
        "human",
    ]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    crate::settings().bind(|| insta::assert_snapshot!("lint_budget_invalid", run.stdout));
}

#[test]
fn explain_shows_the_lint_rules() {
    let run = juris(&["explain", "L001"]);
    assert_eq!(run.code, 0);
    crate::settings().bind(|| insta::assert_snapshot!(run.stdout));
    let run = juris(&["explain", "unused-definition"]);
    assert!(run.stdout.contains("the grammar requires `cites`"));
}

/// Every lint code of the table is produced by a fixture here (the table's own test leaves
/// `L…` codes to this file).
#[test]
fn every_lint_code_is_exercised() {
    let mut seen = std::collections::BTreeSet::new();
    for entry in std::fs::read_dir("tests/it/fixtures/lint/rules").unwrap() {
        let path = entry.unwrap().path();
        let (_, findings) = lint_fixture(&path);
        seen.extend(findings.iter().map(|d| d.code.code));
    }
    // L007: a search that runs out of steps.
    let policy = load::compile_file(Path::new(CONFLICT)).unwrap();
    let tiny = Options {
        budget: 1,
        ..Options::default()
    };
    seen.extend(lint::lint(&policy, &tiny).iter().map(|d| d.code.code));
    // L008 and L009: juris.toml; L010 and L011: suppressions in the policy.
    for dir in ["config/no-reason", "config/invalid", "suppress"] {
        let run = juris(&[
            "lint",
            &format!("tests/it/fixtures/lint/{dir}"),
            "--format",
            "json",
        ]);
        let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        for d in json.as_array().unwrap() {
            seen.insert(
                juris::diagnostic::lookup(d["code"].as_str().unwrap())
                    .unwrap()
                    .code,
            );
        }
    }
    let missing: Vec<&str> = juris::diagnostic::CODES
        .iter()
        .map(|c| c.code)
        .filter(|c| c.starts_with('L') && !seen.contains(c))
        .collect();
    assert!(
        missing.is_empty(),
        "lint codes no fixture produces: {missing:?}"
    );
}
