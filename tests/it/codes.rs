//! The table of codes: every code is documented, unique, and exercised by a fixture (or,
//! for the command-line and test codes, by a named CLI test below).

use crate::cli::run_cli;
use crate::diagnostics::code_of;
use crate::root;
use juris::diagnostic::CODES;
use std::collections::HashSet;

/// The codes of every fixture file (`C006-…` → `C006`).
fn fixture_codes() -> HashSet<String> {
    let mut codes = HashSet::new();
    for dir in ["diagnostics", "requests"] {
        let dir = root().join("tests/it/fixtures").join(dir);
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_file()
                && path
                    .extension()
                    .is_some_and(|e| e == "juris" || e == "json")
            {
                codes.insert(code_of(&path));
            }
        }
    }
    codes
}

#[test]
fn every_code_is_documented() {
    for code in CODES {
        assert!(
            !code.summary.trim().is_empty(),
            "{} has no summary",
            code.code
        );
        assert!(
            !code.explanation.trim().is_empty(),
            "{} has no explanation",
            code.code
        );
        assert!(
            code.summary
                .starts_with(|c: char| c.is_lowercase() || c == '`')
                && !code.summary.ends_with('.'),
            "{}: a summary starts lowercase and has no final period: {:?}",
            code.code,
            code.summary
        );
        let shape = code.code.len() == 4
            && code.code.starts_with(['S', 'C', 'R', 'Q', 'U', 'T', 'L'])
            && code.code[1..].chars().all(|c| c.is_ascii_digit());
        assert!(shape, "{}: a code is a letter and three digits", code.code);
        assert!(
            !code.name.is_empty()
                && code
                    .name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '-'),
            "{}: the name {:?} is kebab-case",
            code.code,
            code.name
        );
    }
}

#[test]
fn codes_and_names_are_unique() {
    let mut codes = HashSet::new();
    let mut names = HashSet::new();
    for code in CODES {
        assert!(codes.insert(code.code), "{} is listed twice", code.code);
        assert!(
            names.insert(code.name),
            "the name {} is used twice",
            code.name
        );
    }
}

#[test]
fn lookup_finds_every_code_by_code_and_by_name() {
    for code in CODES {
        assert_eq!(
            juris::diagnostic::lookup(code.code).map(|c| c.code),
            Some(code.code)
        );
        assert_eq!(
            juris::diagnostic::lookup(code.name).map(|c| c.code),
            Some(code.code)
        );
        assert_eq!(
            juris::diagnostic::lookup(&code.code.to_lowercase()).map(|c| c.code),
            Some(code.code)
        );
    }
    assert!(juris::diagnostic::lookup("X999").is_none());
}

/// Codes exercised by the command line rather than by a fixture file: each has a test here
/// that produces it.
const BY_CLI: [&str; 7] = ["U001", "U002", "U003", "U004", "Q001", "R008", "T002"];

/// Lint findings (`L…`) come from `juris lint`, whose own tests exercise them.
fn is_lint(code: &str) -> bool {
    code.starts_with('L')
}

#[test]
fn every_code_has_a_fixture_or_a_cli_test() {
    let fixtures = fixture_codes();
    let missing: Vec<&str> = CODES
        .iter()
        .map(|c| c.code)
        .filter(|c| !fixtures.contains(*c) && !BY_CLI.contains(c) && !is_lint(c))
        .collect();
    assert!(missing.is_empty(), "codes without a fixture: {missing:?}");
    // Every fixture names a code of the table.
    for code in &fixtures {
        assert!(
            juris::diagnostic::lookup(code).is_some(),
            "a fixture is named after `{code}`, which is not a code"
        );
    }
}

#[test]
fn u004_unreadable_table_from_the_cli() {
    let dir = std::env::temp_dir().join(format!("juris-u004-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let input = dir.join("requests.parquet");
    std::fs::write(&input, "not a parquet file\n").unwrap();
    let out = run_cli(
        &[
            "batch",
            "policies/oregon",
            "--input",
            input.to_str().unwrap(),
            "--output",
            "-",
        ],
        "",
    );
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("U004"), "{}", out.stderr);
}

#[test]
fn u001_unreadable_path_from_the_cli() {
    let out = run_cli(&["check", "policies/nowhere", "--format", "json"], "");
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("U001::unreadable-path"),
        "{}",
        out.stderr
    );
}

/// A request over the size limit (a fixture would have to be 1 MiB; see also
/// `hostile::a_50_mb_request_is_refused_with_little_output`).
#[test]
fn r008_request_too_large_from_the_cli() {
    let out = run_cli(
        &[
            "eval",
            "policies/oregon",
            "--request",
            "-",
            "--max-request-bytes",
            "16",
        ],
        r#"{"jurisdiction": "OR"}"#,
    );
    assert_eq!(out.code, 2);
    assert!(out.stdout.is_empty(), "{}", out.stdout);
    assert!(
        out.stderr.contains("R008::request-too-large"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("limit of 16 bytes"), "{}", out.stderr);
}

#[test]
fn u002_no_policies_from_the_cli() {
    let out = run_cli(
        &[
            "check",
            "tests/it/fixtures/cli/no-policies",
            "--format",
            "json",
        ],
        "",
    );
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("U002::no-policies"), "{}", out.stderr);
}

#[test]
fn t001_test_failed_from_the_cli() {
    let out = run_cli(
        &[
            "test",
            "tests/it/fixtures/cli/failing-test",
            "--format",
            "human",
        ],
        "",
    );
    assert_eq!(out.code, 1);
    assert!(out.stdout.contains("T001::test-failed"), "{}", out.stdout);
}

#[test]
fn q001_unplaced_question_from_the_cli() {
    let out = run_cli(&["ask", "What about customer data in Oregon?"], "");
    assert_eq!(out.code, 2);
    assert!(out.stdout.is_empty(), "{}", out.stdout);
    assert!(
        out.stderr.contains("Q001::unplaced-question"),
        "{}",
        out.stderr
    );
    assert!(out
        .stderr
        .contains("help: questions it can answer look like"));
}

/// `docs/rules/`: a page per code and the index, exactly as the table makes them (and no
/// page of a code that is gone). `JURIS_UPDATE_DOCS=1` rewrites them.
#[test]
fn rule_pages_are_in_step_with_the_table() {
    let dir = root().join("docs/rules");
    let mut expected: Vec<(String, String)> = CODES
        .iter()
        .map(|c| (format!("{}.md", c.code), juris::diagnostic::rule_page(c)))
        .collect();
    expected.push(("README.md".to_string(), juris::diagnostic::rules_index()));
    if std::env::var_os("JURIS_UPDATE_DOCS").is_some() {
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        for (name, page) in &expected {
            std::fs::write(dir.join(name), page).unwrap();
        }
    }
    let mut stale = Vec::new();
    for (name, page) in &expected {
        if std::fs::read_to_string(dir.join(name)).ok().as_deref() != Some(page.as_str()) {
            stale.push(name.clone());
        }
    }
    for entry in std::fs::read_dir(&dir).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if !expected.iter().any(|(n, _)| *n == name) {
            stale.push(format!("{name} (no such code)"));
        }
    }
    assert!(
        stale.is_empty(),
        "docs/rules is not what the code table makes: {stale:?}; run `JURIS_UPDATE_DOCS=1 cargo test --test it rule_pages`"
    );
}
