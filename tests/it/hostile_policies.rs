//! Hostile policy structure: shapes that a generator or an attacker writes and no author
//! does — blocks nested thousands deep, definitions that double, chains of definitions
//! tens of thousands long, a provision with tens of thousands of exceptions. Each must load
//! or be refused with a diagnostic, never overflow the stack or take time or memory out of
//! proportion to its size. The policies are generated here, in memory, at the sizes that
//! once broke Juris; these tests assert the outcome, and the README's figures the time.

use juris::diagnostic::FileDiagnostics;
use juris::ir::Policy;
use juris::load::compile_with;
use juris::source::SourceFile;
use std::path::Path;

/// The statute text every generated policy cites: four numbered subsections.
const STATUTE: &str = "1-1 Widget Records\n\n(1) One.\n\n(2) Two.\n\n(3) Three.\n\n(4) Four.\n";

/// A policy around `body`: its header and one boolean fact `x`.
fn policy(body: &str) -> String {
    format!(
        "policy \"WR 1-1\" {{\n  title \"t\"\n  jurisdiction \"WR\"\n  text \"widgets.txt\"\n}}\n\
         vocabulary {{\n  x: bool \"x\"\n}}\n{body}"
    )
}

/// Parses, checks and compiles `text` as `juris check` does, the statute text in memory.
fn compile(text: &str) -> Result<Policy, FileDiagnostics> {
    let read = |_: &Path| Ok(STATUTE.to_string());
    compile_with(
        SourceFile::new("hostile.juris", text),
        Path::new("."),
        &read,
    )
}

/// The codes of what `compile` reported.
fn codes(result: &Result<Policy, FileDiagnostics>) -> Vec<&'static str> {
    match result {
        Ok(_) => Vec::new(),
        Err(file) => file.diagnostics.iter().map(|d| d.code.code).collect(),
    }
}

/// `provision (4) { (a) { (a) { … when x permitted } } }`, `depth` blocks deep.
fn nested_blocks(depth: usize) -> String {
    policy(&format!(
        "provision (4) {{\n  permitted\n{}when x permitted{}\n}}\n",
        "(a) { ".repeat(depth),
        " }".repeat(depth)
    ))
}

#[test]
fn blocks_nested_thousands_deep_are_refused() {
    let text = nested_blocks(3_500);
    let result = compile(&text);
    assert_eq!(codes(&result), ["S002"]);
    let Err(file) = result else { unreachable!() };
    let diagnostic = &file.diagnostics[0];
    assert!(diagnostic.message.contains("block nests more than 64"));
    // The label is on the first `{` too deep: the 64th `(a) {` (the provision's is the first).
    let at = diagnostic.span().start as usize;
    assert_eq!(&text[at..at + 1], "{");
    assert_eq!(text[..at].matches('{').count(), 3 + 63);
    assert!(juris::fmt::format_source(&text).is_err());
}

#[test]
fn blocks_nested_under_the_limit_load() {
    // 60 levels of `(a)`: the statute has no (4)(a), so only cites are refused, not the nesting.
    let result = compile(&nested_blocks(60));
    let codes = codes(&result);
    assert!(
        !codes.is_empty() && codes.iter().all(|c| *c == "C006"),
        "{codes:?}"
    );
}

/// `define d1 = d2 cites (4)`, …, `define d{n} = x`, and a provision reading `d1`.
/// With `cycle`, the last reads `d1` instead of `x`.
fn chain(n: usize, cycle: bool) -> String {
    let mut body = String::new();
    for i in 1..n {
        body.push_str(&format!("define d{i} = d{} cites (4)\n", i + 1));
    }
    let last = if cycle { "d1" } else { "x" };
    body.push_str(&format!(
        "define d{n} = {last} cites (4)\nprovision (4) {{\n  when d1\n  permitted\n}}\n"
    ));
    policy(&body)
}

#[test]
fn a_chain_of_65000_definitions_is_refused_at_its_deepest_point() {
    let result = compile(&chain(65_000, false));
    assert_eq!(codes(&result), ["C026"]);
    let Err(file) = result else { unreachable!() };
    // d1 … d64744 are too deep; the one reported reads d64745, which is 256 deep.
    assert!(file.diagnostics[0]
        .message
        .starts_with("`d64744` nests more than 256"));
}

#[test]
fn a_chain_of_definitions_under_the_limit_loads() {
    assert!(compile(&chain(200, false)).is_ok());
}

#[test]
fn a_cycle_of_65000_definitions_is_one_cycle() {
    assert_eq!(codes(&compile(&chain(65_000, true))), ["C011"]);
}

/// `n` provisions, each overriding the one before; with `cycle`, the first overrides the
/// last. The statute text has `n` subsections.
fn exceptions(n: usize, cycle: bool) -> Result<Policy, FileDiagnostics> {
    let mut statute = String::from("1-1 Widget Records\n\n");
    let mut body = String::new();
    for i in 1..=n {
        statute.push_str(&format!("({i}) Subsection {i}.\n\n"));
        let before = if i > 1 { i - 1 } else { n };
        let overrides = if i > 1 || cycle {
            format!("  overrides ({before})\n")
        } else {
            String::new()
        };
        body.push_str(&format!(
            "provision ({i}) {{\n  when x\n  permitted\n{overrides}}}\n"
        ));
    }
    let read = move |_: &Path| Ok(statute.clone());
    compile_with(
        SourceFile::new("hostile.juris", policy(&body)),
        Path::new("."),
        &read,
    )
}

#[test]
fn a_chain_of_9000_exceptions_loads() {
    assert!(exceptions(9_000, false).is_ok());
}

/// Each provision of the chain is set aside by the exceptions after it (they override it
/// through one another), and the last decides: the linter says so of every provision but
/// the last, naming one exception, without undecided questions. Linting once cost time
/// quadratic in the chain twice over (every exception's conditions opened again for every
/// search, and every warning's lines found by reading the file from its start).
#[test]
fn a_chain_of_2000_exceptions_is_linted_to_the_last() {
    let n = 2_000;
    let policy = exceptions(n, false).unwrap_or_else(|d| panic!("{:?}", d.diagnostics));
    let found = juris::lint::lint(&policy, &juris::lint::Options::default());
    let set_aside: Vec<&juris::diagnostic::Diagnostic> = found
        .iter()
        .filter(|d| d.code.code == "L002" && d.message.contains("never decides"))
        .collect();
    assert_eq!(set_aside.len(), n - 1);
    assert!(
        found.iter().all(|d| d.code.code != "L007"),
        "{:?}",
        found.iter().find(|d| d.code.code == "L007")
    );
    assert!(!set_aside
        .iter()
        .any(|d| d.message.starts_with(&format!("`WR 1-1({n})`"))));
    // One exception suffices, and one is named.
    assert!(
        set_aside.iter().all(|d| !d.message.contains(" or ")),
        "{:?}",
        set_aside.iter().find(|d| d.message.contains(" or "))
    );
}

#[test]
fn a_cycle_of_9000_exceptions_is_one_cycle() {
    assert_eq!(codes(&exceptions(9_000, true)), ["C007"]);
}

/// `define d1 = d2 and d2 cites (4)`, …, `define d{n} = x`: each definition reads the next
/// twice, so that expanding `d1` would visit 2ⁿ parts.
fn doubling(n: usize) -> String {
    let mut body = String::new();
    for i in 1..n {
        body.push_str(&format!("define d{i} = d{0} and d{0} cites (4)\n", i + 1));
    }
    body.push_str(&format!(
        "define d{n} = x cites (4)\nprovision (4) {{\n  when d1\n  permitted\n}}\n"
    ));
    policy(&body)
}

#[test]
fn definitions_that_double_30_times_are_refused_where_they_grow_too_large() {
    let result = compile(&doubling(30));
    assert_eq!(codes(&result), ["C026"]);
    let Err(file) = result else { unreachable!() };
    assert!(file.diagnostics[0]
        .message
        .starts_with("`d11` reads its definitions"));
}

#[test]
fn definitions_that_double_18_times_load_and_decide() {
    let policy = compile(&doubling(18)).unwrap_or_else(|d| panic!("{:?}", d.diagnostics));
    let engine = juris::Engine::from_program(juris::ir::Program {
        policies: vec![std::sync::Arc::new(policy)],
    });
    let (policy, request) = engine
        .request_from_json(&serde_json::json!({"jurisdiction": "WR", "x": true}))
        .unwrap();
    let decided = engine.decide_explained(policy, &request);
    assert_eq!(decided.outcome, juris::Outcome::Permitted);
}

/// One provision, `when x`, with `n` clauses `unless x`: it can never apply.
fn many_exceptions(n: usize) -> String {
    policy(&format!(
        "provision (4) {{\n  when x\n{}  permitted\n}}\n",
        "  unless x\n".repeat(n)
    ))
}

#[test]
fn a_provision_with_50000_unless_clauses_is_linted_to_its_cause() {
    let policy =
        compile(&many_exceptions(50_000)).unwrap_or_else(|d| panic!("{:?}", d.diagnostics));
    let found = juris::lint::lint(&policy, &juris::lint::Options::default());
    let codes: Vec<&str> = found.iter().map(|d| d.code.code).collect();
    assert!(codes.contains(&"L002"), "{codes:?}");
    // The cause is `when x` and one `unless x`, not 50,000 conditions.
    let unreachable = found.iter().find(|d| d.code.code == "L002").unwrap();
    assert!(
        unreachable.message.contains("can never apply"),
        "{}",
        unreachable.message
    );
}

#[test]
fn the_explanation_of_a_provision_with_50000_conditions_labels_the_first() {
    let text = policy(&format!(
        "provision (4) {{\n  when x\n{}  permitted\n}}\n",
        "  unless not x\n".repeat(50_000)
    ));
    let policy = compile(&text).unwrap_or_else(|d| panic!("{:?}", d.diagnostics));
    let engine = juris::Engine::from_program(juris::ir::Program {
        policies: vec![std::sync::Arc::new(policy)],
    });
    let (policy, request) = engine
        .request_from_json(&serde_json::json!({"jurisdiction": "WR", "x": true}))
        .unwrap();
    let decided = engine.decide_explained(policy, &request);
    assert_eq!(decided.outcome, juris::Outcome::Permitted);
    let style = juris::explain::human::Style {
        colour: juris::diagnostic::Colour::Plain,
        width: 100,
    };
    let shown = juris::explain::human::render(policy, &decided, &request, style);
    assert!(
        shown.contains("… and 49937 more conditions of WR 1-1(4), not labelled"),
        "{shown}"
    );
}
