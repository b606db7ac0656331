//! Small policies for the unit tests: a header, a statute and a vocabulary written out in
//! the test, compiled through the loader.

#![allow(clippy::panic)]

use crate::ir::Policy;
use crate::source::SourceFile;
use std::path::Path;

/// The `policy` block of a small test policy whose statute is `r.txt`.
pub(crate) const HEADER: &str =
    "policy \"R 1\" {\n  title \"A Rule\"\n  jurisdiction \"XX\"\n  text \"r.txt\"\n}\n";

/// Compiles `text` (which starts with [`HEADER`] or a comment before it) against `statute`;
/// panics with the rendered diagnostics when it does not check clean.
pub(crate) fn compile(statute: &str, text: String) -> Policy {
    let source = SourceFile::new("r.juris", text);
    let read = |_: &Path| Ok(statute.to_string());
    match crate::load::compile_with(source, Path::new("."), &read) {
        Ok(p) => p,
        Err(files) => panic!(
            "{}",
            crate::diagnostic::render_human(&[files], crate::diagnostic::Colour::Plain, 100)
        ),
    }
}

/// Stages depend one way: source → syntax → ast → check → ir → eval → explain → report
/// (style.md). Each stage's files, and the modules of later stages they must not name.
const STAGES: &[(&str, &[&str])] = &[
    (
        "source",
        &[
            "syntax", "ast", "check", "ir", "eval", "request", "explain", "report", "cli",
        ],
    ),
    (
        "syntax",
        &["check", "ir", "eval", "request", "explain", "report", "cli"],
    ),
    (
        "ast",
        &[
            "syntax", "check", "ir", "eval", "request", "explain", "report", "cli",
        ],
    ),
    ("check", &["eval", "request", "explain", "report", "cli"]),
    (
        "ir",
        &["check", "eval", "request", "explain", "report", "cli"],
    ),
    ("eval", &["explain", "report", "cli"]),
    ("explain", &["report", "cli"]),
];

/// The crate modules a source text names through `crate::` paths, grouped imports
/// (`crate::{a, b::C}`) included.
fn modules_named(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (at, _) in text.match_indices("crate::") {
        let rest = text.get(at + "crate::".len()..).unwrap_or("");
        let names: Vec<&str> = match rest.strip_prefix('{') {
            Some(group) => {
                let group = group.split('}').next().unwrap_or("");
                group.split(',').map(str::trim).collect()
            }
            None => vec![rest],
        };
        for name in names {
            let module: String = name
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !module.is_empty() {
                out.push(module);
            }
        }
    }
    out
}

/// A stage's source files: `src/<stage>.rs` and every file under `src/<stage>/`, each
/// without its test modules (whose examples may name any stage).
fn stage_sources(stage: &str) -> Vec<(std::path::PathBuf, String)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = vec![src.join(format!("{stage}.rs"))];
    let mut dirs = vec![src.join(stage)];
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs")
                && path.file_stem().is_some_and(|s| s != "tests")
            {
                files.push(path);
            }
        }
    }
    files
        .into_iter()
        .filter_map(|path| {
            let text = std::fs::read_to_string(&path).ok()?;
            let code = text.split("#[cfg(test)]").next().unwrap_or("").to_string();
            Some((path, code))
        })
        .collect()
}

#[test]
fn stages_depend_one_way() {
    let mut wrong = Vec::new();
    for (stage, later) in STAGES {
        let sources = stage_sources(stage);
        assert!(!sources.is_empty(), "no source found for the stage {stage}");
        for (path, code) in sources {
            for module in modules_named(&code) {
                if later.contains(&module.as_str()) {
                    wrong.push(format!("{} uses crate::{module}", path.display()));
                }
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "stages depend one way:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn the_stage_scan_finds_paths_and_groups() {
    let text = "use crate::{ast::X, eval};\nfn f(r: &crate::request::Request) {}";
    assert_eq!(modules_named(text), ["ast", "eval", "request"]);
    let ir = stage_sources("ir");
    assert!(ir
        .iter()
        .any(|(_, code)| modules_named(code).contains(&"ast".to_string())));
}
