//! The policy author's CI toolchain end to end: `juris test` with golden explanations,
//! `--update` and `--junit`; `juris coverage` (human, JSON, `--min`, `--min-tests`) on
//! fixtures and on the shipped policies; `juris diff` on old/new pairs (an override
//! removed, a threshold moved, a range declared, a subsection renumbered, a reordering that
//! changes nothing),
//! with exit codes and the enumeration bound.
//!
//! Each snapshot holds the command, its exit code and what it wrote, so it reads on its own.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use crate::cli::{juris, CliOutput};
use clap::Parser;
use juris::cli::Cli;
use std::path::{Path, PathBuf};

/// The command, its exit code and its output, as one snapshot.
fn transcript(args: &[&str], run: &CliOutput) -> String {
    let mut out = format!("$ juris {}\nexit {}\n", args.join(" "), run.code);
    if !run.stdout.is_empty() {
        out.push_str("--- stdout\n");
        out.push_str(&run.stdout);
    }
    if !run.stderr.is_empty() {
        out.push_str("--- stderr\n");
        out.push_str(&run.stderr);
    }
    out
}

fn snapshot(name: &str, args: &[&str], expected_code: u8) -> CliOutput {
    let run = juris(args);
    assert_eq!(run.code, expected_code, "{}", transcript(args, &run));
    crate::settings().bind(|| insta::assert_snapshot!(name, transcript(args, &run)));
    run
}

/// A fresh copy of a fixture folder in a scratch directory (for `--update`, which writes).
fn scratch_copy(fixture: &str, name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("coverage-diff-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    copy_dir(Path::new(fixture), &dir);
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

// ---------------------------------------------------------------------------- goldens

const GOLDENS_PASS: &str = "tests/it/fixtures/goldens/pass";
const GOLDENS_FAIL: &str = "tests/it/fixtures/goldens/fail";

#[test]
fn matching_goldens_pass() {
    snapshot(
        "test-goldens-pass-human",
        &["test", GOLDENS_PASS, "--format", "human"],
        0,
    );
}

#[test]
fn golden_failures_show_expected_actual_and_the_diff() {
    let run = snapshot(
        "test-goldens-fail-human",
        &["test", GOLDENS_FAIL, "--format", "human"],
        1,
    );
    assert!(run.stdout.contains("--- goldens/stale.txt\n+++ actual\n"));
    assert!(run.stdout.contains("run `juris test --update` to write it"));
    snapshot(
        "test-goldens-fail-json",
        &["test", GOLDENS_FAIL, "--format", "json"],
        1,
    );
}

#[test]
fn golden_text_does_not_depend_on_the_working_directory() {
    let policy =
        juris::load::compile_file(Path::new("tests/it/fixtures/goldens/pass/policy.juris"))
            .unwrap();
    let test = &policy.tests[1];
    let decision = juris::eval::decide(&policy, &test.request(&policy));
    let text = juris::suite::golden_text(&policy, test, &decision);
    assert!(text.contains("╭─[policy.juris:"), "{text}");
    assert!(text.contains("in statute.txt"), "{text}");
    assert!(!text.contains("tests/it/fixtures"), "{text}");
    let on_disk =
        std::fs::read_to_string("tests/it/fixtures/goldens/pass/goldens/objection.txt").unwrap();
    assert_eq!(text, on_disk);
}

#[test]
fn update_writes_missing_and_stale_goldens_and_says_which() {
    let dir = scratch_copy(GOLDENS_FAIL, "update");
    let shown = juris::load::display_path(&dir);
    let path = shown.as_str();
    let args = ["test", path, "--format", "human", "--update"];
    let run = juris(&args);
    assert_eq!(
        run.code, 1,
        "the wrong decision still fails: {}",
        run.stdout
    );
    let mut settings = crate::settings();
    settings.add_filter(&regex_escape(path), "[COPY]");
    settings.bind(|| insta::assert_snapshot!("test-goldens-update-human", transcript(&args, &run)));

    // Both goldens were written, the one that matched left alone; a second run fails only
    // on the wrong decision.
    let written = std::fs::read_to_string(dir.join("goldens/never-written.txt")).unwrap();
    assert!(
        written.starts_with("PROHIBITED: the act may not be done — TR 2-001"),
        "{written}"
    );
    let stale = std::fs::read_to_string(dir.join("goldens/stale.txt")).unwrap();
    assert!(!stale.contains("data = address (given)"), "{stale}");
    let again = juris(&["test", path, "--format", "json"]);
    assert_eq!(again.code, 1);
    let report: serde_json::Value = serde_json::from_str(&again.stdout).unwrap();
    assert_eq!(report["passed"], 3);
    assert_eq!(report["failed"], 1);
    let _ = std::fs::remove_dir_all(&dir);
}

fn regex_escape(s: &str) -> String {
    s.chars()
        .flat_map(|c| {
            let special = "\\.+*?()|[]{}^$".contains(c);
            special
                .then_some('\\')
                .into_iter()
                .chain(std::iter::once(c))
        })
        .collect()
}

#[test]
fn junit_report_has_a_suite_per_policy_and_the_failures() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("coverage-diff-junit-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let report = dir.join("report.xml");
    let report_arg = report.to_string_lossy().to_string();
    let run = juris(&[
        "test",
        GOLDENS_FAIL,
        GOLDENS_PASS,
        "--format",
        "json",
        "--junit",
        &report_arg,
    ]);
    assert_eq!(run.code, 1);
    let xml = std::fs::read_to_string(&report).unwrap();
    assert_eq!(xml.matches("<testsuite ").count(), 2);
    assert_eq!(xml.matches("<testcase ").count(), 7);
    assert_eq!(xml.matches("<failure ").count(), 3);
    insta::with_settings!({filters => vec![(r#"time="[0-9.]+""#, r#"time="[time]""#)]}, {
        crate::settings().bind(|| insta::assert_snapshot!("test-junit-xml", xml));
    });
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn junit_to_an_unwritable_path_is_a_usage_error() {
    let run = juris(&[
        "test",
        GOLDENS_PASS,
        "--format",
        "json",
        "--junit",
        "tests/it/fixtures/no-such-folder/report.xml",
    ]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .starts_with("error: cannot write the JUnit report"),
        "{}",
        run.stderr
    );
}

// ---------------------------------------------------------------------------- coverage

const COMPLETE: &str = "tests/it/fixtures/coverage/complete";
const GAPS: &str = "tests/it/fixtures/coverage/gaps";

#[test]
fn coverage_of_a_complete_policy() {
    snapshot(
        "coverage-complete-human",
        &["coverage", COMPLETE, "--format", "human", "--min", "100"],
        0,
    );
    snapshot(
        "coverage-complete-json",
        &["coverage", COMPLETE, "--format", "json"],
        0,
    );
}

#[test]
fn coverage_gaps_fail_min() {
    snapshot(
        "coverage-gaps-human",
        &[
            "coverage",
            GAPS,
            "--format",
            "human",
            "--min",
            "100",
            "--min-tests",
            "80",
        ],
        1,
    );
    snapshot(
        "coverage-gaps-json",
        &["coverage", GAPS, "--format", "json", "--min", "50"],
        0,
    );
}

/// lcov: the statute's subsections and the provisions as lines; each missing subsection's
/// line has no hits, and each record's totals count its lines — checked against the JSON
/// report of the same run's coverage.
#[test]
fn coverage_as_lcov() {
    let run = snapshot(
        "coverage-gaps-lcov",
        &["coverage", GAPS, "--format", "lcov", "--min", "100"],
        1,
    );
    let json = juris(&["coverage", GAPS, "--format", "json"]);
    let report: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let policy = &report["policies"][0];
    let records: Vec<&str> = run.stdout.split_inclusive("end_of_record\n").collect();
    assert_eq!(records.len(), 2, "{}", run.stdout);
    for record in &records {
        let das: Vec<(usize, usize)> = record
            .lines()
            .filter_map(|l| l.strip_prefix("DA:"))
            .map(|d| {
                let (line, hits) = d.split_once(',').unwrap();
                (line.parse().unwrap(), hits.parse().unwrap())
            })
            .collect();
        let total = |key: &str| -> usize {
            record
                .lines()
                .find_map(|l| l.strip_prefix(key))
                .unwrap()
                .parse()
                .unwrap()
        };
        assert_eq!(total("LF:"), das.len());
        assert_eq!(total("LH:"), das.iter().filter(|(_, h)| *h > 0).count());
    }
    // Every missing subsection's line is a line without hits in the statute's record.
    let missing: Vec<u64> = missing(policy)
        .map(|s| s["line"].as_u64().unwrap())
        .collect();
    assert!(!missing.is_empty());
    for line in missing {
        assert!(
            records[0].contains(&format!("DA:{line},0\n")),
            "line {line}: {}",
            records[0]
        );
    }
    // Every provision no test exercises is a line without hits in the policy's record.
    for p in policy["provisions"].as_array().unwrap() {
        let line = p["source"].as_str().unwrap().rsplit(':').next().unwrap();
        let exercised = !p["tests"].as_array().unwrap().is_empty();
        assert_eq!(
            records[1].contains(&format!("DA:{line},0\n")),
            !exercised,
            "{p}"
        );
    }
}

/// Every reading of a policy, with the provision or definition that states it, counted in
/// the summary.
#[test]
fn coverage_lists_the_readings() {
    let readings = "tests/it/fixtures/explanations/readings";
    let run = snapshot(
        "coverage-readings-human",
        &["coverage", readings, "--format", "human"],
        0,
    );
    assert!(
        run.stdout
            .contains("readings: 4 (3 on provisions, 1 on a definition)"),
        "{}",
        run.stdout
    );
    let run = snapshot(
        "coverage-readings-json",
        &["coverage", readings, "--format", "json"],
        0,
    );
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let policy = &v["policies"][0];
    assert_eq!(policy["readings"].as_array().unwrap().len(), 4);
    assert_eq!(policy["reading_counts"]["definitions"], 1);
}

#[test]
fn coverage_thresholds_are_exact() {
    // 7 of 13 subsections: 53.8 %; 1 of 2 provisions: 50 %.
    assert_eq!(
        juris(&["coverage", GAPS, "--format", "json", "--min", "53.8"]).code,
        0
    );
    assert_eq!(
        juris(&["coverage", GAPS, "--format", "json", "--min", "53.9"]).code,
        1
    );
    assert_eq!(
        juris(&["coverage", GAPS, "--format", "json", "--min-tests", "50"]).code,
        0
    );
    assert_eq!(
        juris(&["coverage", GAPS, "--format", "json", "--min-tests", "50.1"]).code,
        1
    );
    assert_eq!(juris::coverage::percent(2, 3), 66.6);
    assert_eq!(juris::coverage::percent(1999, 2000), 99.9);
    assert_eq!(juris::coverage::percent(0, 0), 100.0);
}

#[test]
fn coverage_rejects_bad_percentages_and_paths() {
    let err = Cli::try_parse_from(["juris", "coverage", "--min", "120"]).unwrap_err();
    assert!(
        err.to_string()
            .contains("not a percentage between 0 and 100"),
        "{err}"
    );
    let err = Cli::try_parse_from(["juris", "coverage", "--min-tests", "lots"]).unwrap_err();
    assert!(err.to_string().contains("is not a number"), "{err}");
    let run = juris(&[
        "coverage",
        "tests/it/fixtures/coverage/none",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 2);
    assert!(run.stdout.is_empty());
}

#[test]
fn shipped_policies_encode_or_mark_their_whole_statute() {
    let run = juris(&["coverage", "policies", "--format", "json", "--min", "100"]);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    for policy in report["policies"].as_array().unwrap() {
        let missing: Vec<&str> = missing(policy)
            .map(|s| s["cite"].as_str().unwrap())
            .collect();
        assert!(missing.is_empty(), "{}: {missing:?}", policy["policy"]);
    }
    assert_eq!(run.code, 0, "{}", run.stdout);
}

// ---------------------------------------------------------------------------- diff

fn pair(scenario: &str) -> (String, String) {
    (
        format!("tests/it/fixtures/diff/{scenario}/old/policy.juris"),
        format!("tests/it/fixtures/diff/{scenario}/new/policy.juris"),
    )
}

#[test]
fn diff_finds_a_removed_override() {
    let (old, new) = pair("override-removed");
    snapshot(
        "diff-override-removed-human",
        &["diff", &old, &new, "--format", "human"],
        1,
    );
    snapshot(
        "diff-override-removed-json",
        &["diff", &old, &new, "--format", "json"],
        1,
    );
}

#[test]
fn diff_finds_a_moved_threshold() {
    let (old, new) = pair("threshold-moved");
    let run = snapshot(
        "diff-threshold-moved-human",
        &["diff", &old, &new, "--format", "human"],
        1,
    );
    assert!(run.stdout.contains("customer.usage_mw >= 1 and < 2"));
    snapshot(
        "diff-threshold-moved-json",
        &["diff", &old, &new, "--format", "json"],
        1,
    );
}

/// A range declared in the new version: a value below it is refused there, and that is a
/// difference.
#[test]
fn diff_finds_a_declared_range() {
    let (old, new) = pair("range-declared");
    let run = snapshot(
        "diff-range-declared-human",
        &["diff", &old, &new, "--format", "human"],
        1,
    );
    assert!(
        run.stdout.contains("when customer.usage_mw < 0"),
        "{}",
        run.stdout
    );
}

#[test]
fn diff_finds_a_changed_cite_and_a_new_member() {
    let (old, new) = pair("cite-changed");
    snapshot(
        "diff-cite-changed-human",
        &["diff", &old, &new, "--format", "human"],
        1,
    );
    snapshot(
        "diff-cite-changed-json",
        &["diff", &old, &new, "--format", "json"],
        1,
    );
}

#[test]
fn diff_of_versions_that_decide_alike_exits_0() {
    let (old, new) = pair("unchanged");
    snapshot(
        "diff-unchanged-human",
        &["diff", &old, &new, "--format", "human"],
        0,
    );
    snapshot(
        "diff-unchanged-json",
        &["diff", &old, &new, "--format", "json"],
        0,
    );
}

#[test]
fn diff_says_when_the_enumeration_is_cut_short() {
    let (old, new) = pair("override-removed");
    // Cut before any difference: "no difference" is not known, so it is an error.
    snapshot(
        "diff-truncated-human",
        &["diff", &old, &new, "--format", "human", "--limit", "3"],
        2,
    );
    // Cut after one: a difference is a difference.
    let run = juris(&["diff", &old, &new, "--format", "json", "--limit", "6"]);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(report["truncated"], true);
    assert!(!report["differences"].as_array().unwrap().is_empty());
    assert_eq!(run.code, 1);
}

#[test]
fn diff_of_unloadable_versions_is_an_error() {
    let (old, _) = pair("override-removed");
    snapshot(
        "diff-missing-file",
        &[
            "diff",
            &old,
            "tests/it/fixtures/diff/no-such/policy.juris",
            "--format",
            "human",
        ],
        2,
    );
}

#[test]
fn diff_examples_reproduce_the_difference() {
    // Each difference carries an example request; both versions decide it as reported.
    for scenario in ["override-removed", "threshold-moved", "cite-changed"] {
        let (old_path, new_path) = pair(scenario);
        let old = juris::load::compile_file(Path::new(&old_path)).unwrap();
        let new = juris::load::compile_file(Path::new(&new_path)).unwrap();
        let result = juris::diff::diff(&old, &new, juris::diff::Options::default());
        assert!(!result.truncated);
        for d in &result.differences {
            let example = d.example_json(&new.jurisdiction);
            for (policy, side) in [(&old, &d.old), (&new, &d.new)] {
                match (juris::Request::from_json(policy, &example), side) {
                    (Ok(request), juris::diff::Side::Decided { outcome, cites, .. }) => {
                        let decision = juris::eval::decide(policy, &request);
                        assert_eq!(decision.outcome, *outcome, "{scenario}: {example}");
                        let got: Vec<&str> =
                            decision.cites.iter().map(|&l| policy.cite_of(l)).collect();
                        let want: Vec<&str> = cites.iter().map(|c| c.cite.as_str()).collect();
                        assert_eq!(got, want, "{scenario}: {example}");
                    }
                    (Err(_), juris::diff::Side::Refused(_)) => {}
                    (request, side) => panic!("{scenario}: {example}: {request:?} vs {side:?}"),
                }
            }
        }
    }
}

#[test]
fn diff_of_the_oregon_policy_with_itself_finds_nothing() {
    let path = "policies/oregon/oar-860-086-0030.juris";
    let policy = juris::load::compile_file(Path::new(path)).unwrap();
    let result = juris::diff::diff(&policy, &policy, juris::diff::Options::default());
    assert!(result.differences.is_empty());
    assert!(!result.truncated, "explored {}", result.explored);
}

/// The subsections a policy's JSON coverage report lists as missing.
fn missing(policy: &serde_json::Value) -> impl Iterator<Item = &serde_json::Value> {
    policy["subsections"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["status"] == "missing")
}

// ------------------------------------------------------------------ CI formats

/// What `--help` says `--format` takes (its possible values, as clap lists them).
fn help_formats(command: &str) -> String {
    use clap::CommandFactory;
    let cli = Cli::command();
    let sub = cli.find_subcommand(command).expect("the command exists");
    let format = sub
        .get_arguments()
        .find(|a| a.get_id() == "format")
        .expect("it takes --format");
    format
        .get_possible_values()
        .iter()
        .map(|v| v.get_name().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// `test` in every CI format: GitHub annotations and SARIF results at each failing test's
/// `expect` line (`T001`), JUnit XML on standard output (as `--junit FILE` writes it).
#[test]
fn test_speaks_every_ci_format() {
    assert_eq!(help_formats("test"), "human, json, junit, github, sarif");
    let run = snapshot(
        "test-github",
        &["test", GOLDENS_FAIL, "--format", "github"],
        1,
    );
    assert_eq!(
        run.stdout.lines().count(),
        3,
        "one annotation per failing test"
    );
    assert!(run.stdout.lines().all(|l| l.starts_with("::error file=")));

    let run = juris(&["test", GOLDENS_FAIL, "--format", "sarif"]);
    assert_eq!(run.code, 1);
    let log = crate::lint::assert_valid_sarif(&run.stdout);
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 3);
    let json = juris(&["test", GOLDENS_FAIL, "--format", "json"]);
    let report: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let failing_lines: Vec<u64> = report["tests"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["passed"] == false)
        .map(|t| t["line"].as_u64().unwrap())
        .collect();
    for (r, test_line) in results.iter().zip(&failing_lines) {
        assert_eq!(r["ruleId"], "T001");
        let region = &r["locations"][0]["physicalLocation"]["region"];
        // The `expect` line of the test that starts at `test_line`.
        let line = region["startLine"].as_u64().unwrap();
        assert!(
            line > *test_line && line < test_line + 12,
            "{line} vs {test_line}"
        );
    }

    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("coverage-diff-junit-stdout-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("report.xml");
    let run = juris(&[
        "test",
        GOLDENS_FAIL,
        "--format",
        "junit",
        "--junit",
        file.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 1);
    let times = |xml: &str| {
        let mut out = String::new();
        let mut rest = xml;
        while let Some(at) = rest.find("time=\"") {
            out.push_str(&rest[..at + 6]);
            rest = &rest[at + 6..];
            rest = &rest[rest.find('"').unwrap()..];
        }
        out.push_str(rest);
        out
    };
    assert!(run.stdout.starts_with("<?xml"));
    assert_eq!(
        times(&run.stdout),
        times(&std::fs::read_to_string(&file).unwrap())
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// `coverage` for CI: each subsection nothing encodes or marks (`L003`, as the linter
/// reports it) and each provision no test exercises (`T002`), as annotations or SARIF.
#[test]
fn coverage_speaks_github_and_sarif() {
    assert_eq!(help_formats("coverage"), "human, json, lcov, github, sarif");
    let run = snapshot(
        "coverage-gaps-github",
        &["coverage", GAPS, "--format", "github"],
        0,
    );
    let lint = juris(&["lint", GAPS, "--format", "json", "--select", "L003"]);
    let gaps: serde_json::Value = serde_json::from_str(&lint.stdout).unwrap();
    let l003 = run
        .stdout
        .lines()
        .filter(|l| l.contains("title=L003"))
        .count();
    assert_eq!(l003, gaps.as_array().unwrap().len());
    assert!(l003 > 0);
    let json = juris(&["coverage", GAPS, "--format", "json"]);
    let report: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let untested = report["policies"][0]["provisions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["tests"].as_array().unwrap().is_empty())
        .count();
    assert_eq!(
        run.stdout
            .lines()
            .filter(|l| l.contains("title=T002"))
            .count(),
        untested
    );
    assert!(untested > 0);

    let run = juris(&["coverage", GAPS, "--format", "sarif", "--min", "100"]);
    assert_eq!(run.code, 1, "--min still decides the exit code");
    let log = crate::lint::assert_valid_sarif(&run.stdout);
    assert_eq!(
        log["runs"][0]["results"].as_array().unwrap().len(),
        l003 + untested
    );
    // Nothing to report on a complete policy with every provision tested.
    let run = juris(&["coverage", "policies", "--format", "github"]);
    assert_eq!((run.code, run.stdout.as_str()), (0, ""));
}

/// `diff` for pull requests: a notice per difference at the new version's deciding
/// provision, and a Markdown table for a comment.
#[test]
fn diff_speaks_github_and_markdown() {
    assert_eq!(help_formats("diff"), "human, json, github, markdown");
    let (old, new) = pair("override-removed");
    let run = snapshot(
        "diff-override-removed-github",
        &["diff", &old, &new, "--format", "github"],
        1,
    );
    assert!(run.stdout.lines().all(|l| l.starts_with("::notice file=")));
    snapshot(
        "diff-override-removed-markdown",
        &["diff", &old, &new, "--format", "markdown"],
        1,
    );
    let (old, new) = pair("unchanged");
    let run = snapshot(
        "diff-unchanged-markdown",
        &["diff", &old, &new, "--format", "markdown"],
        0,
    );
    assert!(run.stdout.contains("No difference"));
    let run = juris(&["diff", &old, &new, "--format", "github"]);
    assert_eq!((run.code, run.stdout.as_str()), (0, ""));
}

/// `T002` from the command line (the table's codes test names this test).
#[test]
fn t002_untested_provision_from_the_cli() {
    let run = juris(&["coverage", COMPLETE, "--format", "github"]);
    assert!(
        run.stdout
            .contains("title=T002 untested-provision::no test exercises"),
        "{}",
        run.stdout
    );
}

/// The juris commands of a shell line: `juris …` up to a redirection, a pipe, `||`, `&&`
/// or a comment, split into arguments (no quoting is used in these lines).
fn juris_commands(line: &str) -> Vec<Vec<String>> {
    let mut found = Vec::new();
    let mut rest = line;
    while let Some(at) = rest.find("juris ") {
        let before = &rest[..at];
        // Not `cargo install juris`: the crate, not the command.
        let command_start = (before.is_empty() || before.ends_with([' ', '(', ':', '`']))
            && !before.trim_end().ends_with("install");
        let tail = &rest[at..];
        let end = ["#", ">", "|", "&&", ";", "`", ")"]
            .iter()
            .filter_map(|stop| tail.find(stop))
            .min()
            .unwrap_or(tail.len());
        if command_start {
            found.push(tail[..end].split_whitespace().map(str::to_string).collect());
        }
        rest = &tail[end.max(6)..];
    }
    found
}

/// Every juris command the CI page and the README's CI section show, and every pre-commit
/// hook runs, parses as the command line reads it (a renamed flag or format fails here,
/// not in a user's CI).
#[test]
fn the_ci_recipes_are_valid_command_lines() {
    let mut commands = Vec::new();
    let hooks = std::fs::read_to_string(".pre-commit-hooks.yaml").unwrap();
    let mut ids = Vec::new();
    for line in hooks.lines() {
        if let Some(entry) = line.trim().strip_prefix("entry: ") {
            commands.extend(juris_commands(entry));
        }
        if let Some(id) = line.trim().strip_prefix("- id: ") {
            ids.push(id.to_string());
        }
    }
    assert_eq!(
        ids,
        ["juris-fmt", "juris-check", "juris-lint", "juris-test"]
    );
    let ci = std::fs::read_to_string("docs/ci.md").unwrap();
    let readme = std::fs::read_to_string("README.md").unwrap();
    // The README's CI section.
    let section = readme
        .split("\n## ")
        .find(|s| s.starts_with("Juris in CI"))
        .expect("the README has a CI section");
    let page = format!("{ci}\n{section}");
    let mut in_code = false;
    for line in page.lines() {
        if line.starts_with("```") {
            in_code = !in_code;
            continue;
        }
        if in_code {
            commands.extend(juris_commands(line));
        }
    }
    assert!(commands.len() >= 20, "{commands:?}");
    for mut args in commands {
        // Paths the recipes name: a placeholder the parser accepts as any path.
        args.iter_mut()
            .filter(|a| a.contains('$'))
            .for_each(|a| *a = "x.juris".into());
        let parsed = Cli::try_parse_from(&args);
        assert!(
            parsed.is_ok(),
            "`{}`: {}",
            args.join(" "),
            parsed.err().unwrap()
        );
    }
}
