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
