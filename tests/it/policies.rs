//! Every policy shipped under `policies/` parses, checks clean and passes its own tests (its
//! sibling files, `NAME.terms.juris` and `NAME.tests.juris`, are part of it).

use crate::cli::run_cli;
use crate::root;
use juris::diagnostic::render_human;
use std::path::{Path, PathBuf};

fn shipped_policies() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "juris")
                && juris::load::sibling_kind(&path).is_none()
            {
                out.push(crate::relative(&path));
            }
        }
    }
    let mut out = Vec::new();
    walk(&root().join("policies"), &mut out);
    out
}

#[test]
fn there_are_policies() {
    let policies = shipped_policies();
    assert!(
        policies
            .iter()
            .any(|p| p.ends_with("oregon/oar-860-086-0030.juris")),
        "the Oregon policy is shipped: {policies:?}"
    );
}

#[test]
fn every_policy_parses_checks_clean_and_passes_its_tests() {
    for path in shipped_policies() {
        let text = std::fs::read_to_string(&path).unwrap();
        let source = juris::source::SourceFile::new(path.to_string_lossy(), text);
        if let Err(diagnostics) = juris::syntax::parse(&source) {
            let files = [juris::diagnostic::FileDiagnostics {
                source,
                diagnostics,
            }];
            panic!(
                "{} does not parse:\n{}",
                path.display(),
                render_human(&files, juris::diagnostic::Colour::Plain, 100)
            );
        }
        let policy = match juris::load::compile_file(&path) {
            Ok(policy) => policy,
            Err(files) => panic!(
                "{} does not check clean:\n{}",
                path.display(),
                render_human(&files, juris::diagnostic::Colour::Plain, 100)
            ),
        };
        let results = juris::suite::run(&policy);
        assert!(!results.is_empty(), "{} has no tests", path.display());
        let failures: Vec<String> = results
            .iter()
            .filter(|r| !r.passed())
            .map(|r| format!("  {}: {}", r.test.name, r.failures.join("; ")))
            .collect();
        assert!(
            failures.is_empty(),
            "{} fails its tests:\n{}",
            path.display(),
            failures.join("\n")
        );
    }
}

/// All policies load together (one per jurisdiction), and `juris test` reports the count.
#[test]
fn juris_test_reports_every_test() {
    let program = juris::load::load(&[PathBuf::from("policies")]).unwrap_or_else(|files| {
        panic!(
            "policies/ does not load:\n{}",
            render_human(&files, juris::diagnostic::Colour::Plain, 100)
        );
    });
    let total: usize = program
        .policies
        .iter()
        .map(|p| juris::suite::run(p).len())
        .sum();
    assert!(total >= program.policies.len(), "every policy has a test");

    let out = run_cli(&["test", "policies", "--format", "human"], "");
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert!(
        out.stdout
            .ends_with(&format!("\n{total} passed, 0 failed\n")),
        "{}",
        out.stdout
    );
    assert_eq!(
        out.stdout.matches("  ok   ").count(),
        total,
        "one line per test:\n{}",
        out.stdout
    );

    let out = run_cli(&["test", "policies", "--format", "json"], "");
    assert_eq!(out.code, 0);
    let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(json["passed"], total);
    assert_eq!(json["failed"], 0);
    assert_eq!(json["tests"].as_array().map(Vec::len), Some(total));
}
