//! Running a policy's own tests: each states a request and the decision, cites,
//! obligations and unknown facts it expects, and may pin the whole explanation to a golden
//! file (`expect … explanation "goldens/name.txt"`, relative to the policy file) that
//! [`Goldens::Update`] rewrites.

mod new_test;

pub use new_test::{test_for_near_miss, test_for_provision, test_for_request, NewTest, NoTest};

use crate::eval::{self, Decision};
use crate::ir::{Policy, Test};
use std::path::{Path, PathBuf};

/// The result of one policy test.
#[derive(Clone, Debug)]
pub struct TestResult<'p> {
    /// The test.
    pub test: &'p Test,
    /// What the policy decided.
    pub decision: Decision,
    /// What differs from the expectation, in words (empty when it passed).
    pub failures: Vec<String>,
    /// The golden explanation, when the test pins one.
    pub golden: Option<Golden>,
}

/// What `run` does with golden explanations.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Goldens {
    /// Compare the explanation with the golden file; a difference fails the test.
    #[default]
    Check,
    /// Write the explanation to the golden file where it is missing or differs
    /// (`juris test --update`).
    Update,
}

/// A test's golden explanation file and how the explanation compared with it.
#[derive(Clone, Debug, PartialEq)]
pub struct Golden {
    /// The file as the test names it, relative to the policy file.
    pub name: String,
    /// The file on disk.
    pub path: PathBuf,
    /// How it compared.
    pub status: GoldenStatus,
}

/// How an explanation compared with its golden file.
#[derive(Clone, Debug, PartialEq)]
pub enum GoldenStatus {
    /// The same text.
    Matches,
    /// Another text: the unified diff from the golden to the explanation.
    Differs(String),
    /// No such file.
    Missing,
    /// The file cannot be read.
    Unreadable(String),
    /// `--update` wrote the file (it was missing or differed).
    Written,
    /// `--update` could not write the file.
    WriteFailed(String),
}

/// Where a golden explanation named by a test of this policy lives: relative to the policy
/// file.
pub fn golden_path(policy: &Policy, name: &str) -> PathBuf {
    policy_dir(policy).join(name)
}

fn policy_dir(policy: &Policy) -> PathBuf {
    Path::new(policy.source.name())
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// The explanation a golden file holds: the human rendering of the decision, without
/// colour, at width 100, with file names relative to the policy's folder (so that the
/// golden does not depend on the folder `juris` runs from).
pub fn golden_text(policy: &Policy, test: &Test, decision: &Decision) -> String {
    let style = crate::explain::human::Style {
        colour: crate::diagnostic::Colour::Plain,
        width: 100,
    };
    let mut text = crate::explain::human::render(policy, decision, &test.request(policy), style);
    let dir = policy_dir(policy);
    let prefix = dir.to_string_lossy().replace('\\', "/");
    if !prefix.is_empty() {
        let prefix = format!("{}/", prefix.trim_end_matches('/'));
        let mut names: Vec<&str> = std::iter::once(policy.source.name())
            .chain(std::iter::once(policy.statute.source.name()))
            .chain(policy.references.iter().map(|r| r.source.name()))
            .collect();
        names.sort_by_key(|n| std::cmp::Reverse(n.len()));
        for name in names {
            if let Some(short) = name.strip_prefix(&prefix) {
                text = text.replace(name, short);
            }
        }
    }
    text
}

/// Compares (or, with `Goldens::Update`, writes) a test's golden explanation.
fn check_golden(
    policy: &Policy,
    test: &Test,
    decision: &Decision,
    mode: Goldens,
    failures: &mut Vec<String>,
) -> Option<Golden> {
    let name = test.explanation.as_ref()?;
    let path = golden_path(policy, name);
    let actual = golden_text(policy, test, decision);
    let status = match std::fs::read_to_string(&path) {
        Ok(expected) => {
            let expected = expected.replace("\r\n", "\n");
            if expected == actual {
                GoldenStatus::Matches
            } else {
                let diff = similar::TextDiff::from_lines(&expected, &actual)
                    .unified_diff()
                    .context_radius(3)
                    .header(name, "actual")
                    .to_string();
                GoldenStatus::Differs(diff)
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => GoldenStatus::Missing,
        Err(e) => GoldenStatus::Unreadable(e.to_string()),
    };
    let status = match (mode, status) {
        (Goldens::Update, GoldenStatus::Differs(_) | GoldenStatus::Missing) => {
            let written = path
                .parent()
                .map_or(Ok(()), std::fs::create_dir_all)
                .and_then(|()| std::fs::write(&path, &actual));
            match written {
                Ok(()) => GoldenStatus::Written,
                Err(e) => GoldenStatus::WriteFailed(e.to_string()),
            }
        }
        (_, status) => status,
    };
    match &status {
        GoldenStatus::Matches | GoldenStatus::Written => {}
        GoldenStatus::Differs(_) => failures.push(format!("explanation: differs from `{name}`")),
        GoldenStatus::Missing => failures.push(format!(
            "explanation: `{name}` does not exist; run `juris test --update` to write it"
        )),
        GoldenStatus::Unreadable(e) => {
            failures.push(format!("explanation: cannot read `{name}`: {e}"))
        }
        GoldenStatus::WriteFailed(e) => {
            failures.push(format!("explanation: cannot write `{name}`: {e}"))
        }
    }
    Some(Golden {
        name: name.clone(),
        path,
        status,
    })
}

impl TestResult<'_> {
    /// Whether the test passed.
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }
}

/// Runs every test of a policy, comparing golden explanations.
pub fn run(policy: &Policy) -> Vec<TestResult<'_>> {
    run_with(policy, Goldens::Check)
}

/// Runs every test of a policy, comparing or updating golden explanations.
pub fn run_with(policy: &Policy, goldens: Goldens) -> Vec<TestResult<'_>> {
    policy
        .tests
        .iter()
        .map(|t| run_one_with(policy, t, goldens))
        .collect()
}

/// Runs one test, comparing its golden explanation.
pub fn run_one<'p>(policy: &'p Policy, test: &'p Test) -> TestResult<'p> {
    run_one_with(policy, test, Goldens::Check)
}

/// Runs one test, comparing or updating its golden explanation.
pub fn run_one_with<'p>(policy: &'p Policy, test: &'p Test, goldens: Goldens) -> TestResult<'p> {
    let decision = eval::decide(policy, &test.request(policy));
    let mut failures = Vec::new();
    if decision.outcome != test.outcome {
        failures.push(format!(
            "decision: expected `{}`, got `{}`",
            test.outcome.as_str(),
            decision.outcome.as_str()
        ));
    }
    if let Some(expected) = &test.cites {
        let actual: Vec<String> = crate::eval::cite_strings(policy, &decision)
            .into_iter()
            .map(str::to_string)
            .collect();
        if !same_set(expected, &actual) {
            failures.push(format!(
                "cites: expected [{}], got [{}]",
                expected.join(", "),
                actual.join(", ")
            ));
        }
    }
    if let Some(expected) = &test.obligations {
        let actual: Vec<String> = obligation_cites(policy, &decision);
        if !same_set(expected, &actual) {
            failures.push(format!(
                "obligations: expected [{}], got [{}]",
                expected.join(", "),
                actual.join(", ")
            ));
        }
    }
    if let Some(expected) = &test.depends_on {
        let actual: Vec<String> = decision
            .depends_on
            .iter()
            .map(|f| policy.fact(*f).name.clone())
            .collect();
        if !same_set(expected, &actual) {
            failures.push(format!(
                "depends on: expected [{}], got [{}]",
                expected.join(", "),
                actual.join(", ")
            ));
        }
    }
    let golden = check_golden(policy, test, &decision, goldens, &mut failures);
    TestResult {
        test,
        decision,
        failures,
        golden,
    }
}

/// A failed test's expectation and the policy's decision side by side, one row per thing
/// the test states (a row that differs starts with `≠`), each cite with the line of the
/// provision that encodes it (the golden diff is [`TestResult::golden_diff`]):
///
/// ```text
/// ≠ decision     permitted           prohibited
/// ≠ cites        (3)(b) line 133     (3)(a) line 132
/// ```
pub fn side_by_side(policy: &Policy, result: &TestResult) -> String {
    let test = result.test;
    let decision = &result.decision;
    let local = |full: &str| -> String {
        let short = full
            .strip_prefix(policy.citation.as_str())
            .unwrap_or(full)
            .trim_start();
        match policy.nodes.iter().find(|n| n.cite.full == full) {
            Some(node) => {
                let (line, _) = policy.source.line_col(node.label_span.start as usize);
                format!("{short} line {line}")
            }
            None => short.to_string(),
        }
    };
    let list = |items: &[String]| -> Vec<String> {
        if items.is_empty() {
            vec!["(none)".to_string()]
        } else {
            items.iter().map(|c| local(c)).collect()
        }
    };
    let mut rows: Vec<(&str, bool, Vec<String>, Vec<String>)> = vec![(
        "decision",
        test.outcome != decision.outcome,
        vec![test.outcome.as_str().to_string()],
        vec![decision.outcome.as_str().to_string()],
    )];
    let actual_cites: Vec<String> = crate::eval::cite_strings(policy, decision)
        .into_iter()
        .map(str::to_string)
        .collect();
    rows.push((
        "cites",
        test.cites
            .as_ref()
            .is_some_and(|e| !same_set(e, &actual_cites)),
        test.cites
            .as_ref()
            .map_or_else(|| vec!["(not stated)".to_string()], |e| list(e)),
        list(&actual_cites),
    ));
    if let Some(expected) = &test.obligations {
        let actual = obligation_cites(policy, decision);
        rows.push((
            "obligations",
            !same_set(expected, &actual),
            list(expected),
            list(&actual),
        ));
    }
    if let Some(expected) = &test.depends_on {
        let actual: Vec<String> = decision
            .depends_on
            .iter()
            .map(|f| policy.fact(*f).name.clone())
            .collect();
        let show = |v: &[String]| {
            if v.is_empty() {
                vec!["(none)".to_string()]
            } else {
                v.to_vec()
            }
        };
        rows.push((
            "depends on",
            !same_set(expected, &actual),
            show(expected),
            show(&actual),
        ));
    }
    if let Some(golden) = &result.golden {
        let (differs, actual) = match &golden.status {
            GoldenStatus::Matches => (false, "the same"),
            GoldenStatus::Written => (false, "written"),
            GoldenStatus::Differs(_) => (true, "differs (diff below)"),
            GoldenStatus::Missing => (true, "no such file"),
            GoldenStatus::Unreadable(_) => (true, "cannot be read"),
            GoldenStatus::WriteFailed(_) => (true, "cannot be written"),
        };
        rows.push((
            "explanation",
            differs,
            vec![golden.name.clone()],
            vec![actual.to_string()],
        ));
    }
    let width = rows
        .iter()
        .flat_map(|(_, _, e, _)| e.iter().map(|s| s.chars().count()))
        .chain(std::iter::once("expected".len()))
        .max()
        .unwrap_or(8);
    let mut out = format!("  {:<12} {:<width$}   actual\n", "", "expected");
    for (name, differs, expected, actual) in rows {
        let lines = expected.len().max(actual.len());
        for i in 0..lines {
            let mark = if differs && i == 0 { "≠" } else { " " };
            let label = if i == 0 { name } else { "" };
            let e = expected.get(i).map_or("", String::as_str);
            let a = actual.get(i).map_or("", String::as_str);
            let line = format!("{mark} {label:<12} {e:<width$}   {a}");
            out.push_str(line.trim_end());
            out.push('\n');
        }
    }
    out
}

impl TestResult<'_> {
    /// The unified diff from the golden explanation to the actual one, when they differ.
    pub fn golden_diff(&self) -> Option<&str> {
        match &self.golden {
            Some(Golden {
                status: GoldenStatus::Differs(diff),
                ..
            }) => Some(diff),
            _ => None,
        }
    }
}

/// The cites of a decision's obligations (of every case, when undetermined).
pub fn obligation_cites(policy: &Policy, decision: &Decision) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let all = decision
        .obligations
        .iter()
        .chain(decision.cases.iter().flat_map(|c| c.obligations.iter()));
    for &o in all {
        if let Some(ob) = policy.obligations.get(o as usize) {
            if !out.contains(&ob.cite.full) {
                out.push(ob.cite.full.clone());
            }
        }
    }
    out
}

fn same_set(a: &[String], b: &[String]) -> bool {
    let mut a: Vec<&String> = a.iter().collect();
    let mut b: Vec<&String> = b.iter().collect();
    a.sort();
    a.dedup();
    b.sort();
    b.dedup();
    a == b
}
