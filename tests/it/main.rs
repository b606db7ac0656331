//! Juris's integration tests: one binary, one module per concern, fixtures beside them.
//!
//! - `ask`: `juris ask`, the memo for questions in every format, the interactive flow.
//! - `batch`: `juris batch`, JSON Lines in and out, error records, exit codes.
//! - `batch_table`: `juris batch` on Parquet, Arrow IPC and CSV: each row decided and
//!   refused as the same request in JSON Lines; tables refused whole.
//! - `coverage_diff`: `juris test` with golden explanations and JUnit, `juris coverage`,
//!   `juris diff`, on fixtures under `fixtures/goldens`, `fixtures/coverage`, `fixtures/diff`.
//! - `diagnostics`: one fixture per scenario under `fixtures/diagnostics` (policies) and
//!   `fixtures/requests` (requests); each snapshot holds the input and the rendered report.
//! - `codes`: every diagnostic code is documented and exercised.
//! - `fmt`: `juris fmt`, its layout (snapshots of `fixtures/fmt`) and its properties on
//!   the shipped policies and on generated ones.
//! - `fuzz`: fuzz targets (bolero) for the parser, the checker, the request reader, the
//!   evaluators against each other, `fmt` and `ask`; each replays its corpus under
//!   `__fuzz__/<target>/corpus` and a few hundred generated inputs.
//! - `explanations`: each shape of explanation on the Oregon policy, human and JSON, and the
//!   request contract's worked examples field by field.
//! - `hostile`: the hostile requests of `fixtures/requests/hostile` are refused by `eval`
//!   and `batch` with their code and key; a 50 MB request is refused with little output.
//! - `hostile_policies`: policies of hostile structure (deep blocks, doubling or long chains
//!   of definitions, many exceptions) load or are refused, generated in memory.
//! - `cli`: exit codes and output of `check`, `eval`, `test` and `explain`.
//! - `contract`: `eval`, `batch` and `ask` write the same decision, byte for byte.
//! - `lint`: the linter end to end on `fixtures/lint`, in every format, SARIF validated.
//! - `lsp`: `juris lsp` in process over an in-memory connection: scripted sessions on the
//!   Oregon policy (diagnostics, hover, definition, references, completion, fixes, formatting,
//!   lenses), bad requests, shutdown, queued changes checked once, random edits.
//! - `parts`: a policy's parts and where they stand: terms after the law or in
//!   `NAME.terms.juris`, tests in `NAME.tests.juris` with a `background`, rule sentences,
//!   member labels (fixtures under `fixtures/parts`).
//! - `policies`: every shipped policy checks clean and passes its own tests.
//! - `properties`: the parser and the checker never panic, whatever the input.
//! - `semantics`: what decisions mean, on small policies written for it.
//! - `review`: an adversarial legal review of the shipped policies, cases written from the
//!   statutes' words under `fixtures/review`; every mismatch is reported at once.
//! - `ask_questions`: `juris ask` on questions as people write them, under
//!   `fixtures/ask/questions.json`; reports the pass rate and every miss.
//! - `serve`: `juris serve` on a loopback port: every route, refusals, limits, reloads,
//!   the decision log's chain (`juris verify-log`) and `juris replay` of an amendment;
//!   properties of `/v1/decide` on arbitrary bodies.
//! - `syntax`: the grammar through the lowered syntax tree (readings, bounds).
//! - `tutorial`: `docs/tutorial.md` run step by step; `juris new` on both shipped texts.
//! - `workbench`: the workbench's routes: the law beside its encoding, the form, the
//!   interview, a test saved from the facts, versions and their diff, `/v1/ask`'s memo.
//!
//! Snapshots are reviewed with `cargo insta review`; paths are scrubbed to `[ROOT]`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod ask;
mod ask_questions;
mod batch;
mod batch_table;
mod cli;
mod codes;
mod contract;
mod coverage_diff;
mod diagnostics;
mod explanations;
mod fmt;
mod fuzz;
mod hostile;
mod hostile_policies;
mod lint;
mod lsp;
mod parts;
mod policies;
mod properties;
mod review;
mod semantics;
mod serve;
mod syntax;
mod tutorial;
mod workbench;

use std::path::{Path, PathBuf};

/// The request of the contract's worked example 1: a 0.3 aMW customer's meter number,
/// notice sent, safeguards in place, under an agreement.
pub fn example_1() -> serde_json::Value {
    serde_json::json!({
        "jurisdiction": "OR",
        "actor": "electric_company", "action": "transfer", "recipient": "administrator",
        "data": "meter_number",
        "customer": {"usage_amw": 0.3, "pre_transfer_notice_sent": true},
        "administrator": {"safeguards_in_place": true},
        "agreement": {"information_transfer_agreement": true}
    })
}

/// The crate root; tests run with it as the working directory.
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A path under the crate root, as Juris shows it (relative, forward slashes).
pub fn relative(path: &Path) -> PathBuf {
    path.strip_prefix(root()).unwrap_or(path).to_path_buf()
}

/// `tests/it/fixtures/<rest>`, relative to the crate root.
pub fn fixture(rest: &str) -> PathBuf {
    PathBuf::from("tests/it/fixtures").join(rest)
}

/// Snapshot settings shared by every module: absolute paths scrubbed, snapshots beside
/// the module that takes them.
pub fn settings() -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    let root = root().to_string_lossy().replace('\\', "/");
    settings.add_filter(&regex_escape(&root), "[ROOT]");
    settings
}

/// Escapes a literal for use in an insta filter (a regular expression).
fn regex_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if "\\.+*?()|[]{}^$#&-~".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// An input as a snapshot shows it: whole when short; otherwise its first and last lines,
/// and long lines cut, so that a pathological input does not drown the review.
pub fn show_input(text: &str) -> String {
    const HEAD: usize = 40;
    const TAIL: usize = 8;
    const WIDTH: usize = 120;
    let cut = |line: &str| -> String {
        if line.chars().count() > WIDTH {
            let kept: String = line.chars().take(WIDTH).collect();
            format!("{kept}… ({} more characters)", line.chars().count() - WIDTH)
        } else {
            line.to_string()
        }
    };
    let lines: Vec<&str> = text.lines().collect();
    let mut out = String::new();
    if lines.len() <= HEAD + TAIL + 1 {
        for line in &lines {
            out.push_str(&cut(line));
            out.push('\n');
        }
    } else {
        for line in &lines[..HEAD] {
            out.push_str(&cut(line));
            out.push('\n');
        }
        out.push_str(&format!(
            "… ({} lines left out) …\n",
            lines.len() - HEAD - TAIL
        ));
        for line in &lines[lines.len() - TAIL..] {
            out.push_str(&cut(line));
            out.push('\n');
        }
    }
    out
}

/// Joins an input and what Juris made of it into one snapshot.
pub fn input_and_output(input_name: &str, input: &str, output_name: &str, output: &str) -> String {
    format!(
        "── {input_name} ──\n{}\n── {output_name} ──\n{output}",
        show_input(input)
    )
}

/// Runs `f` on a thread with a large stack (deeply nested fixtures must not overflow the
/// test harness's small default stack before Juris's own limits are reached).
pub fn with_big_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(f)
        .expect("spawn a thread")
        .join()
        .unwrap_or_else(|e| std::panic::resume_unwind(e))
}
