//! Code actions (the fixes diagnostics carry), formatting (the library's `juris fmt`) and
//! code lenses (each test's result, each provision's tests).

use super::analysis::{Analysis, FileState};
use super::text::path_to_uri;
use crate::ir::Policy;
use crate::source::Span;
use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeLens, Command, Diagnostic, Range,
    TextEdit, WorkspaceEdit,
};
use std::collections::HashMap;
use std::path::Path;

/// The command a test's lens runs: arguments the file's URI and the test's name.
pub const RUN_TEST: &str = "juris.runTest";

/// The fixes for the diagnostics the client sends back (matched with those the server
/// published, whose `data` says the fix, [`crate::fix`]): "did you mean" replaces the word;
/// a coverage gap is marked `not encoded` at the end of the policy file, with the
/// placeholder reason `juris lint --fix` writes.
pub fn code_actions(
    analysis: &Analysis,
    path: &Path,
    wanted: &[Diagnostic],
) -> Vec<CodeActionOrCommand> {
    let all = analysis.all_diagnostics(None);
    let published: &[Diagnostic] = all
        .iter()
        .find(|(p, _)| p == path)
        .map_or(&[], |(_, d)| d.as_slice());
    let mut out = Vec::new();
    for asked in wanted {
        let Some(ours) = published
            .iter()
            .find(|d| d.range == asked.range && d.code == asked.code && d.message == asked.message)
        else {
            continue;
        };
        let Some(data) = &ours.data else { continue };
        if let Some(word) = data.get("replace").and_then(|w| w.as_str()) {
            let Some(uri) = path_to_uri(path) else {
                continue;
            };
            out.push(action(
                format!("Replace with `{word}`"),
                ours,
                uri,
                TextEdit::new(ours.range, word.to_string()),
            ));
        }
        if let Some(cite) = data.get("mark").and_then(|w| w.as_str()) {
            let Some(file) = analysis.file(&analysis.policy_path) else {
                continue;
            };
            let Some(uri) = path_to_uri(&file.path) else {
                continue;
            };
            out.push(action(
                format!("Mark {cite} not encoded"),
                ours,
                uri,
                append(file, &crate::fix::Fix::marker_line(cite)),
            ));
        }
    }
    out
}

fn action(
    title: String,
    diagnostic: &Diagnostic,
    uri: lsp_types::Uri,
    edit: TextEdit,
) -> CodeActionOrCommand {
    CodeActionOrCommand::CodeAction(CodeAction {
        title,
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![diagnostic.clone()]),
        edit: Some(WorkspaceEdit {
            changes: Some(HashMap::from([(uri, vec![edit])])),
            ..WorkspaceEdit::default()
        }),
        is_preferred: Some(true),
        ..CodeAction::default()
    })
}

/// A line added at the end of a file.
fn append(file: &FileState, line: &str) -> TextEdit {
    let text = file.text();
    let end = file.lines.position(text, text.len());
    let before = if text.is_empty() || text.ends_with('\n') {
        ""
    } else {
        "\n"
    };
    TextEdit::new(Range::new(end, end), format!("{before}{line}\n"))
}

/// The file formatted by `juris fmt`, as one edit of the whole text; `None` when it is
/// formatted already; an error message when it does not parse.
pub fn format(file: &FileState) -> Result<Option<TextEdit>, String> {
    let text = file.text();
    let formatted = crate::fmt::format_as(text, file.kind).map_err(|d| {
        let first = d.first().map_or(String::new(), |d| d.message.clone());
        format!("the file does not parse, so it is not formatted: {first}")
    })?;
    if formatted == text {
        return Ok(None);
    }
    let whole = Range::new(
        lsp_types::Position::new(0, 0),
        file.lines.position(text, text.len()),
    );
    Ok(Some(TextEdit::new(whole, formatted)))
}

/// The lenses of a file: above each test, its result and a command to run it again; above
/// each provision that decides, how many tests exercise it.
pub fn code_lenses(analysis: &Analysis, policy: &Policy, path: &Path) -> Vec<CodeLens> {
    let Some(file) = analysis.file(path) else {
        return Vec::new();
    };
    let Some(uri) = path_to_uri(path) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for test in &policy.tests {
        let (source, span) = policy.locate(test.span);
        if Path::new(source.name()) != path {
            continue;
        }
        let result = crate::suite::run_one(policy, test);
        out.push(CodeLens {
            range: line_range(file, span),
            command: Some(Command {
                title: test_title(&result),
                command: RUN_TEST.to_string(),
                arguments: Some(vec![
                    serde_json::json!(uri.as_str()),
                    serde_json::json!(test.name),
                ]),
            }),
            data: None,
        });
    }
    if file.kind.is_none() {
        let coverage = crate::coverage::coverage(policy);
        let mut by_node: Vec<(usize, Vec<&str>)> = Vec::new();
        for p in &coverage.provisions {
            let node = policy.leaf(p.leaf).node.index();
            let names = p.tests.iter().map(String::as_str);
            match by_node.iter_mut().find(|(n, _)| *n == node) {
                Some((_, tests)) => {
                    for name in names {
                        if !tests.contains(&name) {
                            tests.push(name);
                        }
                    }
                }
                None => by_node.push((node, names.collect())),
            }
        }
        for (node, tests) in by_node {
            let Some(n) = policy.nodes.get(node) else {
                continue;
            };
            let title = match tests.len() {
                0 => "no test exercises it".to_string(),
                1 => "1 test exercises it".to_string(),
                k => format!("{k} tests exercise it"),
            };
            out.push(CodeLens {
                range: line_range(file, n.label_span),
                command: Some(Command {
                    title,
                    command: String::new(),
                    arguments: None,
                }),
                data: None,
            });
        }
    }
    out.sort_by_key(|l| (l.range.start.line, l.range.start.character));
    out
}

/// A test's result in a few words: `passed`, or what differs.
pub fn test_title(result: &crate::suite::TestResult) -> String {
    if result.passed() {
        "✓ passed".to_string()
    } else {
        format!("✗ {}", result.failures.join("; "))
    }
}

fn line_range(file: &FileState, span: Span) -> Range {
    let start = file.lines.position(file.text(), span.start as usize);
    Range::new(start, start)
}

/// "Add a test for (3)(a)": on a deciding provision of the policy file (the innermost one
/// at the start of `range`), when the policy checks, a test of it written by the library
/// ([`crate::suite::test_for_provision`]: a request under which it decides, and what the
/// policy decides today) added at the end of the file the policy's tests are in. A
/// provision that never decides (`L002`) is offered nothing.
///
/// "Add a test where (12) decides": on a test of the tests file, one for each near miss of
/// the test's decision (the provisions its explanation lists as having almost decided
/// otherwise), written from the test's own request ([`crate::suite::test_for_near_miss`]).
pub fn add_tests(analysis: &Analysis, path: &Path, range: Range) -> Vec<CodeActionOrCommand> {
    let (Some(policy), Some(file)) = (&analysis.policy, analysis.file(path)) else {
        return Vec::new();
    };
    let tests_path = Path::new(policy.tests_file().name());
    let (Some(tests), Some(uri)) = (analysis.file(tests_path), path_to_uri(tests_path)) else {
        return Vec::new();
    };
    let offset = file.lines.offset(file.text(), range.start) as u32;
    let mut written = Vec::new();
    if file.kind.is_none() {
        let Some(node) = policy
            .nodes
            .iter()
            .filter(|n| n.span.start <= offset && offset <= n.span.end)
            .min_by_key(|n| n.span.end - n.span.start)
        else {
            return Vec::new();
        };
        let mut leaves: Vec<crate::ir::LeafId> = node.leaf.into_iter().collect();
        leaves.extend(node.rules.iter().filter(|r| Some(**r) != node.leaf));
        let cite = crate::statute::StatuteText::display_path(&node.cite.path);
        for (i, &leaf) in leaves.iter().enumerate() {
            if let Ok(test) = crate::suite::test_for_provision(policy, leaf) {
                let title = match leaves.len() {
                    1 => format!("Add a test for {cite}"),
                    _ => format!("Add a test for {cite} rule {}", i + 1),
                };
                written.push((title, test));
            }
        }
    } else if tests.path == path {
        let Some(test) = policy.tests.iter().find(|t| {
            let (source, span) = policy.locate(t.span);
            Path::new(source.name()) == path && span.start <= offset && offset <= span.end
        }) else {
            return Vec::new();
        };
        let request = test.request(policy);
        let decision = crate::eval::decide(policy, &request);
        let explanation = crate::explain::explain(policy, &decision, &request);
        for (view, clause) in &explanation.near_misses {
            if let Ok(new) = crate::suite::test_for_near_miss(policy, view.leaf, test) {
                let cite = crate::statute::StatuteText::display_path(
                    &policy.node(policy.leaf(view.leaf).node).cite.path,
                );
                let title = format!(
                    "Add a test where {cite} decides (here `{}` is false)",
                    shortened(&clause.text, 60)
                );
                written.push((title, new));
            }
        }
    }
    let text = tests.text();
    let end = tests.lines.position(text, text.len());
    let before = if text.is_empty() || text.ends_with("\n\n") {
        ""
    } else if text.ends_with('\n') {
        "\n"
    } else {
        "\n\n"
    };
    written
        .into_iter()
        .map(|(title, test)| {
            CodeActionOrCommand::CodeAction(CodeAction {
                title,
                kind: Some(CodeActionKind::REFACTOR),
                edit: Some(WorkspaceEdit {
                    changes: Some(HashMap::from([(
                        uri.clone(),
                        vec![TextEdit::new(
                            Range::new(end, end),
                            format!("{before}{}", test.text),
                        )],
                    )])),
                    ..WorkspaceEdit::default()
                }),
                ..CodeAction::default()
            })
        })
        .collect()
}

/// `text` cut to at most `max` characters, with `…` when cut.
fn shortened(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", text[..at].trim_end()),
        None => text.to_string(),
    }
}
