//! Unit tests of the lint rules, the search and `juris.toml`, on small policies.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::domain::Domains;
use super::search::{Found, Goal, Searcher};
use super::*;
use crate::config::{self, LintConfig};
use crate::ir::FactId;
use crate::testing::{self, HEADER};
use crate::value::Value;

const STATUTE: &str =
    "1-2-3 A Rule\n\n(1) One.\n  (a) One a.\n  (b) One b.\n\n(2) Two.\n\n(3) Three.\n";

const VOCABULARY: &str = r#"
vocabulary {
  actor: company | agency "who"
  action: transfer | use "what"
  usage: number "how much"
  consent: bool = false "consent"
  when_signed: date "when"
  programs: set of solar | wind | hydro "programs"
  name: text "a name"
}
"#;

fn compile(body: &str) -> Policy {
    compile_in(VOCABULARY, body)
}

fn compile_in(vocabulary: &str, body: &str) -> Policy {
    testing::compile(
        STATUTE,
        format!("// a comment that says policy\n{HEADER}{vocabulary}{body}"),
    )
}

fn codes(diagnostics: &[Diagnostic]) -> Vec<&'static str> {
    diagnostics.iter().map(|d| d.code.code).collect()
}

fn lint_codes(body: &str) -> Vec<&'static str> {
    codes(&lint(&compile(body), &Options::default()))
}

/// Reads every fact, accounts for every subsection, so that only what a test adds fires.
const QUIET: &str = r#"
provision (2) {
  when usage >= 1 and usage < 3 and consent and when_signed > 2020-01-01
    and programs contains solar and name is "x" and actor is agency and action is use
  out of scope
}
not encoded (3) "not needed"
"#;

#[test]
fn a_quiet_policy_has_no_findings() {
    let body =
        format!("{QUIET}provision (1) {{ when actor is company and action is transfer required }}");
    assert_eq!(lint_codes(&body), Vec::<&str>::new());
}

#[test]
fn domains_follow_the_thresholds_and_put_defaults_first() {
    let policy = compile(&format!(
        "{QUIET}provision (1) {{ when usage > 10 required }}"
    ));
    let domains = Domains::new(&policy);
    let usage = policy.fact_id("usage").unwrap();
    let shown: Vec<String> = domains.of(usage).iter().map(|v| v.to_string()).collect();
    assert_eq!(shown, ["0", "1", "2", "3", "6.5", "10", "11"]);
    let consent = policy.fact_id("consent").unwrap();
    assert_eq!(domains.of(consent), [Value::Bool(false), Value::Bool(true)]);
    let programs = policy.fact_id("programs").unwrap();
    assert_eq!(domains.of(programs), [Value::Set(0), Value::Set(1)]);
    let date = policy.fact_id("when_signed").unwrap();
    assert_eq!(domains.of(date).len(), 3);
    let name = policy.fact_id("name").unwrap();
    assert_eq!(domains.of(name).len(), 2);
    assert!(domains.of(FactId(999)).is_empty());
}

/// The linter tries only values inside a fact's declared range, as the evaluator's split
/// does: with `> 1` and thresholds at 1, 3 and 10, nothing at or below 1.
#[test]
fn domains_stay_within_the_declared_range() {
    let policy = compile_in(
        &VOCABULARY.replace("usage: number", "usage: number > 1"),
        &format!("{QUIET}provision (1) {{ when usage > 10 required }}"),
    );
    let usage = policy.fact_id("usage").unwrap();
    let shown: Vec<String> = Domains::new(&policy)
        .of(usage)
        .iter()
        .map(|v| v.to_string())
        .collect();
    assert_eq!(shown, ["2", "3", "6.5", "10", "11"]);
}

#[test]
fn the_search_finds_proves_impossible_or_runs_out() {
    let policy = compile(&format!(
        "{QUIET}provision (1) {{ when actor is company and usage >= 5 required\n (a) when usage < 5\n (b) when consent }}"
    ));
    let searcher = Searcher::new(&policy, 1000, 1_000_000);
    let conditions = |leaf: u32| -> Vec<_> {
        policy
            .leaf(LeafId(leaf))
            .conjuncts
            .iter()
            .map(|c| c.expr)
            .collect()
    };
    let a = policy
        .leaves
        .iter()
        .position(|l| policy.node(l.node).cite.path == ["1", "a"])
        .unwrap() as u32;
    let b = policy
        .leaves
        .iter()
        .position(|l| policy.node(l.node).cite.path == ["1", "b"])
        .unwrap() as u32;
    assert!(matches!(
        searcher.find(&Goal {
            holds: conditions(a),
            ..Goal::default()
        }),
        Found::No
    ));
    let Found::Yes(found) = searcher.find(&Goal {
        holds: conditions(b),
        ..Goal::default()
    }) else {
        panic!("(1)(b) can apply")
    };
    // Defaults are not fixed: the search gives `consent` the value it needs.
    assert_eq!(
        found.get(policy.fact_id("consent").unwrap()),
        Some(&Value::Bool(true))
    );
    let tiny = Searcher::new(&policy, 2, 1_000_000);
    assert!(matches!(
        tiny.find(&Goal {
            holds: conditions(b),
            ..Goal::default()
        }),
        Found::Undecided
    ));
}

#[test]
fn a_search_that_runs_out_is_reported_not_guessed() {
    let policy = compile(&format!(
        "{QUIET}provision (1) {{ when actor is company and action is transfer required\n (a) when usage >= 5\n (b) when consent prohibited }}"
    ));
    let findings = lint(
        &policy,
        &Options {
            budget: 2,
            total: 1_000_000,
        },
    );
    assert!(codes(&findings).contains(&"L007"), "{:?}", codes(&findings));
    assert!(!codes(&findings).contains(&"L001"));
    assert!(!codes(&findings).contains(&"L002"));
}

#[test]
fn many_undecided_questions_are_one_finding() {
    let policy = compile(&format!(
        "{QUIET}provision (1) {{ when actor is company required\n rule {{ when usage < 2 prohibited }}\n rule {{ when action is use permitted }}\n (a) when usage >= 5\n (b) when consent prohibited }}"
    ));
    let findings = lint(
        &policy,
        &Options {
            budget: 20_000,
            total: 1,
        },
    );
    let undecided: Vec<&Diagnostic> = findings.iter().filter(|d| d.code.code == "L007").collect();
    assert_eq!(undecided.len(), 1, "{findings:#?}");
    // The first question had one step and was not decided; the others were not searched.
    assert_eq!(
        undecided[0].message,
        "the linter's budget of 1 search step for this policy ran out: 2 pairs of provisions not searched for a conflict, 5 provisions not searched for reachability, 1 question undecided"
    );
    assert!(undecided[0]
        .help
        .as_deref()
        .unwrap_or("")
        .contains("`[lint.budget]`"));
    assert_eq!(undecided[0].span(), header_span(&policy));
    assert!(!codes(&findings).contains(&"L001"));
    assert!(!fails_lint(undecided[0]));
}

#[test]
fn many_questions_each_too_long_are_one_finding() {
    let policy = compile(&format!(
        "{QUIET}provision (1) {{ when actor is company required\n rule {{ when usage < 2 prohibited }}\n rule {{ when action is use permitted }}\n (a) when usage >= 5\n (b) when consent prohibited }}"
    ));
    let findings = lint(
        &policy,
        &Options {
            budget: 1,
            total: 1_000_000,
        },
    );
    let undecided: Vec<&Diagnostic> = findings.iter().filter(|d| d.code.code == "L007").collect();
    assert_eq!(undecided.len(), 1, "{findings:#?}");
    assert!(
        undecided[0].message.starts_with("could not decide ")
            && undecided[0]
                .message
                .ends_with("questions: each needed more than the 1 step one search may take"),
        "{}",
        undecided[0].message
    );
}

/// `n` provisions in usage bands `(k, k + 1]`, prohibiting and requiring in turn, and one
/// that requires in every band but is overridden by none: the policy of the scale issue,
/// in small.
fn banded(n: usize) -> String {
    let mut body = String::from(QUIET);
    body.push_str(
        "provision (1) {\n when actor is company\n rule { when action is transfer required }\n",
    );
    for k in 0..n {
        let effect = if k % 2 == 0 { "prohibited" } else { "required" };
        body.push_str(&format!(
            " rule {{ when action is use and usage > {k} and usage <= {} {effect} }}\n",
            k + 1
        ));
    }
    body.push_str("}\n");
    body
}

#[test]
fn provisions_in_disjoint_bands_are_never_searched_as_pairs() {
    // 160 provisions, alternately allowing and prohibiting: 6,400 pairs that could conflict
    // by their effects, none by their bands. Every pair searched in the old linter ran the
    // policy's budget out (`L007`).
    let policy = compile(&banded(160));
    let (findings, work) = lint_with_work(&policy, &Options::default());
    assert!(findings.is_empty(), "{:?}", codes(&findings));
    let leaves = policy.leaves.len();
    // Each provision is searched for reachability (twice: the out-of-scope provision of
    // QUIET could set it aside); no pair is searched.
    assert!(
        work.searches <= 2 * leaves,
        "{work:?} for {leaves} provisions"
    );
    // Bands sorted: each provision is compared with its neighbours at most.
    assert!(
        work.compared <= 2 * leaves,
        "{work:?} for {leaves} provisions"
    );
}

#[test]
fn provisions_on_different_members_are_never_compared() {
    let mut body = String::from(QUIET);
    body.push_str("provision (1) {\n");
    for k in 0..40 {
        let (actor, effect) = if k % 2 == 0 {
            ("company", "prohibited")
        } else {
            ("agency", "required")
        };
        body.push_str(&format!(
            " rule {{ when actor is {actor} and action is transfer and usage > {k} permitted }}\n rule {{ when actor is {actor} and action is use and usage > {k} {effect} }}\n"
        ));
    }
    body.push_str("}\n");
    let policy = compile(&body);
    let (findings, work) = lint_with_work(&policy, &Options::default());
    // `company` prohibits and `agency` requires each use: no pair of one actor has opposite
    // effects, so the groups by actor hold no pair to compare.
    assert!(findings.is_empty(), "{:?}", codes(&findings));
    assert_eq!(work.compared, 0, "{work:?}");
}

#[test]
fn the_budget_is_read_from_juris_toml() {
    let source = SourceFile::new(
        "juris.toml",
        "[lint]\ndeny = [\"L007\"]\n\n[lint.budget]\nsearch = 500\ntotal = 90000\n",
    );
    let (config, diagnostics) = config::parse(&source);
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    assert_eq!(
        (config.lint.search_steps, config.lint.total_steps),
        (Some(500), Some(90_000))
    );
    assert_eq!(
        Options::default().with_config(&config),
        Options {
            budget: 500,
            total: 90_000
        }
    );
    // Unset, the defaults stay.
    let (config, _) = config::parse(&SourceFile::new(
        "juris.toml",
        "[lint.budget]\nsearch = 7\n",
    ));
    assert_eq!(
        Options::default().with_config(&config),
        Options {
            budget: 7,
            ..Options::default()
        }
    );
    // A denied L007 fails `lint` like any error.
    let mut d = Diagnostic::new(&code::undecided, "x", Span::default());
    assert!(!fails_lint(&d));
    d.severity = Severity::Error;
    assert!(fails_lint(&d));
}

#[test]
fn a_bad_budget_is_an_error_at_the_value() {
    let check = |text: &str| {
        let source = SourceFile::new("juris.toml", text);
        let (config, diagnostics) = config::parse(&source);
        let shown: Vec<(&'static str, String, String)> = diagnostics
            .iter()
            .map(|d| {
                (
                    d.code.code,
                    d.message.clone(),
                    source.slice(d.span()).to_string(),
                )
            })
            .collect();
        (config.lint, shown)
    };
    let (lint, shown) = check("[lint.budget]\nsearch = 0\ntotal = -5\n");
    assert_eq!((lint.search_steps, lint.total_steps), (None, None));
    assert_eq!(
        shown,
        [
            (
                "L009",
                "`search` must be a number of steps from 1 to 1000000000000, not `0`".to_string(),
                "0".to_string()
            ),
            (
                "L009",
                "`total` must be a number of steps from 1 to 1000000000000, not `-5`".to_string(),
                "-5".to_string()
            )
        ]
    );
    let (_, shown) = check("[lint.budget]\nsearch = \"lots\"\n");
    assert_eq!(shown.len(), 1);
    assert!(
        shown[0]
            .1
            .starts_with("`juris.toml` is not valid: invalid type: string"),
        "{shown:?}"
    );
    let (_, shown) = check("[lint.budget]\nsteps = 10\n");
    assert!(shown[0].1.contains("unknown field `steps`"), "{shown:?}");
    let (_, shown) = check("[lint.budget]\ntotal = 2.5\n");
    assert!(
        shown[0].1.contains("invalid type: floating point"),
        "{shown:?}"
    );
}

#[test]
fn conflicts_need_opposite_effects_and_no_order() {
    let base =
        format!("{QUIET}provision (1) {{ when actor is company required\n (a) when usage >= 5\n");
    // permitted vs required: no conflict.
    assert!(!lint_codes(&format!("{base} (b) when consent permitted }}")).contains(&"L001"));
    // required vs prohibited, unordered: a conflict.
    assert!(lint_codes(&format!("{base} (b) when consent prohibited }}")).contains(&"L001"));
    // ordered: none.
    assert!(!lint_codes(&format!(
        "{base} (b) when consent prohibited overrides (1)(a) }}"
    ))
    .contains(&"L001"));
    // disjoint: none.
    assert!(!lint_codes(&format!("{base} (b) when usage < 5 prohibited }}")).contains(&"L001"));
}

#[test]
fn an_exception_in_force_on_every_witness_removes_the_conflict() {
    // (1)(a) and (1)(b) oppose, but whenever both apply (2) overrides (1)(b).
    let body = r#"
provision (1) { when actor is company required
  (a) when usage >= 5
  (b) when consent prohibited }
provision (2) { when consent and usage >= 5 and when_signed > 2020-01-01 and programs contains solar
  and name is "x" permitted overrides (1)(b) }
not encoded (3) "not needed"
"#;
    let findings = lint(&compile(body), &Options::default());
    let conflicts: Vec<&Diagnostic> = findings.iter().filter(|d| d.code.code == "L001").collect();
    // (2) permits and (1)(a) requires: no conflict between them either; (1)(b) is set
    // aside whenever (2) applies, but not always, so (1)(a)/(1)(b) still conflict when (2)
    // does not apply (another date).
    assert_eq!(conflicts.len(), 1, "{findings:#?}");
    let witness = conflicts[0].help.as_deref().unwrap();
    assert!(witness.contains("\"consent\": true"), "{witness}");
}

#[test]
fn out_of_scope_provisions_do_not_conflict_and_can_set_others_aside() {
    let body = r#"
provision (1) {
  rule { when actor is company out of scope }
  rule { when actor is company and action is use prohibited }
  (a) when actor is agency required
  (b) when actor is agency and consent prohibited
}
provision (2) { when usage >= 1 and when_signed > 2020-01-01 and programs contains solar and name is "x" out of scope }
not encoded (3) "not needed"
"#;
    let findings = lint(&compile(body), &Options::default());
    let messages: Vec<&str> = findings.iter().map(|d| d.message.as_str()).collect();
    assert!(
        messages
            .iter()
            .any(|m| m.contains("`R 1(1)` rule 2 never decides")
                && m.contains("`R 1(1)` rule 1 sets it aside")),
        "{messages:#?}"
    );
    // The out-of-scope rule conflicts with nothing; (1)(a) and (1)(b) do.
    let conflicts: Vec<&&str> = messages
        .iter()
        .filter(|m| m.contains("can apply to the same request"))
        .collect();
    assert_eq!(conflicts.len(), 1, "{messages:#?}");
    assert!(conflicts[0].contains("`R 1(1)(b)` and `R 1(1)(a)`"));
    let out_of_scope = findings
        .iter()
        .find(|d| d.message.contains("rule 2 never decides"))
        .unwrap();
    assert!(out_of_scope
        .labels
        .iter()
        .any(|l| l.text == "puts the request out of scope"));
}

#[test]
fn a_duty_that_does_not_arise_overrides_nothing() {
    // (1)(b) is required only if consent; when consent is false it does not arise, so it
    // does not set (1)(a) aside, and (1)(a) is reachable.
    let body = format!(
        "{QUIET}provision (1) {{ when actor is company\n (a) when usage >= 5 permitted\n (b) when usage >= 5 required only if consent overrides (1)(a) }}"
    );
    let found = lint_codes(&body);
    assert!(!found.contains(&"L002"), "{found:?}");
    // Permitted only if: when the condition fails it still decides (it prohibits), so it
    // does set (1)(a) aside, always.
    let body = format!(
        "{QUIET}provision (1) {{ when actor is company\n (a) when usage >= 5 permitted\n (b) when usage >= 5 permitted only if consent overrides (1)(a) }}"
    );
    assert!(lint_codes(&body).contains(&"L002"));
}

#[test]
fn never_applies_names_a_smallest_contradiction() {
    let policy = compile(&format!(
        "{QUIET}provision (1) {{ when actor is company and usage >= 5 required\n (a) when consent\n (b) when action is use and usage < 2 }}"
    ));
    let findings = lint(&policy, &Options::default());
    let d = findings.iter().find(|d| d.code.code == "L002").unwrap();
    assert_eq!(
        d.message,
        "`R 1(1)(b)` can never apply: its conditions cannot all hold"
    );
    let labelled: Vec<&str> = d
        .labels
        .iter()
        .skip(1)
        .map(|l| policy.source.slice(l.span))
        .collect();
    assert_eq!(
        labelled,
        [
            "when actor is company and usage >= 5",
            "when action is use and usage < 2"
        ]
    );
}

#[test]
fn coverage_counts_provisions_markers_definitions_and_wholes() {
    // (1) decides as a whole: (1)(a) and (1)(b) need no account; (2) is cited by a
    // definition; (3) is not accounted for.
    let body = r#"
define big = actor is company and action is use and usage >= 1 and when_signed > 2020-01-01 and programs contains solar and name is "x" and consent cites (2)
provision (1) { when big required }
"#;
    let findings = lint(&compile(body), &Options::default());
    assert_eq!(codes(&findings), ["L003"]);
    assert_eq!(
        findings[0].message,
        "`R 1(3)` is not encoded, cited or marked"
    );
    // The header line is found past a comment that mentions `policy`.
    assert_eq!(findings[0].span(), header_span(&compile(body)));
    let policy = compile(body);
    assert_eq!(policy.source.slice(findings[0].span()), "policy \"R 1\"");
    // A provision that encodes some subsections needs each of the others accounted for.
    let body =
        format!("{QUIET}provision (1) {{ when actor is company required\n (a) when consent }}");
    let findings = lint(&compile(&body), &Options::default());
    assert_eq!(codes(&findings), ["L003"]);
    assert_eq!(
        findings[0].message,
        "`R 1(1)(b)` is not encoded, cited or marked"
    );
    // Nothing at all: (1) with its two subsections is one finding.
    let body = "define d = actor is company and action is use and usage >= 1 and when_signed > 2020-01-01 and programs contains solar and name is \"x\" and consent cites (2)\nprovision (3) { when d permitted }";
    let findings = lint(&compile(body), &Options::default());
    assert_eq!(codes(&findings), ["L003"]);
    assert_eq!(
        findings[0].message,
        "`R 1(1)` and its 2 subsections are not encoded, cited or marked"
    );
}

#[test]
fn requests_are_written_in_vocabulary_order_without_defaults() {
    let policy = compile(&format!(
        "{QUIET}provision (1) {{ when actor is company required }}"
    ));
    let mut request = crate::request::Request::empty(&policy);
    request.set(&policy, "usage", 2.0).unwrap();
    request.set(&policy, "actor", "agency").unwrap();
    request.set(&policy, "consent", false).unwrap();
    request.set(&policy, "when_signed", "2021-03-04").unwrap();
    assert_eq!(
        request_json(&policy, &request),
        r#"{"jurisdiction": "XX", "actor": "agency", "usage": 2.0, "when_signed": "2021-03-04"}"#
    );
}

#[test]
fn config_allows_denies_and_asks_for_reasons() {
    let source = SourceFile::new(
        "juris.toml",
        "[lint]\nallow = [\"L004\", \"unused-definition\"]\ndeny = [\"conflict\"]\n\n[lint.reasons]\nL004 = \"kept for audit logs\"\n",
    );
    let (config, diagnostics) = config::parse(&source);
    assert_eq!(codes(&diagnostics), ["L008"]);
    assert_eq!(source.slice(diagnostics[0].span()), "\"unused-definition\"");
    assert_eq!(
        config.lint.level(&code::unused_fact),
        config::Level::Allow(Some("kept for audit logs".into()))
    );
    assert_eq!(
        config.lint.level(&code::unused_definition),
        config::Level::Allow(None)
    );
    assert_eq!(config.lint.level(&code::conflict), config::Level::Deny);
    assert_eq!(
        config.lint.level(&code::unreachable),
        config::Level::Default
    );

    let findings = vec![
        Diagnostic::new(&code::unused_fact, "a", Span::default()),
        Diagnostic::new(&code::conflict, "b", Span::default()),
        Diagnostic::new(&code::coverage_gap, "c", Span::default()),
    ];
    let mut allowed = Vec::new();
    let shown = apply(&config, &source, findings, &mut allowed);
    assert_eq!(codes(&shown), ["L001", "L003"]);
    assert_eq!(shown[0].severity, Severity::Error);
    assert_eq!(shown[1].severity, Severity::Warning);
    assert_eq!(allowed.len(), 1);
    assert_eq!(allowed[0].reason.as_deref(), Some("kept for audit logs"));
}

#[test]
fn config_mistakes_are_errors_at_the_entry() {
    let check = |text: &str| {
        let source = SourceFile::new("juris.toml", text);
        let (config, diagnostics) = config::parse(&source);
        let shown: Vec<(String, String)> = diagnostics
            .iter()
            .map(|d| (d.message.clone(), source.slice(d.span()).to_string()))
            .collect();
        (config.lint, shown)
    };
    let (_, shown) = check("[lint]\nallow = [\"L04\"]\n");
    assert_eq!(
        shown,
        [(
            "`L04` is not a lint rule".to_string(),
            "\"L04\"".to_string()
        )]
    );
    let (_, shown) = check("[lint]\ndeny = [\"C006\"]\n");
    assert_eq!(
        shown[0].0,
        "`C006` is not a lint rule: C006 findings cannot be allowed or denied"
    );
    let (lint, shown) =
        check("[lint]\nallow = [\"L001\"]\ndeny = [\"L001\"]\n[lint.reasons]\nL001 = \"x\"\n");
    assert_eq!(shown[0].0, "`L001` is both allowed and denied");
    assert!(lint.deny.is_empty());
    let (lint, shown) = check("[lint]\nalow = [\"L001\"]\n");
    assert_eq!(lint, LintConfig::default());
    assert!(
        shown[0]
            .0
            .starts_with("`juris.toml` is not valid: unknown field `alow`"),
        "{shown:?}"
    );
    assert_eq!(shown[0].1, "alow");
    let (_, shown) = check("[lint]\nallow = [\"L009\"]\n");
    assert_eq!(
        shown[0].0,
        "`L009` is not a lint rule: L009 findings cannot be allowed or denied"
    );
    // Other tables are left to whoever reads them.
    let (lint, shown) = check("[fmt]\nwidth = 100\n");
    assert_eq!((lint, shown), (LintConfig::default(), Vec::new()));
}

#[test]
fn every_lint_code_is_documented_in_the_table() {
    for c in crate::diagnostic::CODES
        .iter()
        .filter(|c| c.code.starts_with('L'))
    {
        assert!(c.explanation.len() > 100, "{} needs docs", c.code);
        assert!(c
            .name
            .chars()
            .all(|ch| ch.is_ascii_lowercase() || ch == '-'));
    }
    assert!(code::unused_definition
        .explanation
        .contains("grammar requires `cites`"));
}
