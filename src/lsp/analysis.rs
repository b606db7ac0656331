//! One policy with its sibling files, parsed, checked and linted by the library's one
//! pipeline, over the texts the editor holds (a file the editor has not opened is read from
//! disk): the syntax trees the other features walk, the compiled policy, the diagnostics.
//! Checking and linting are two steps: the server publishes what the check finds at once,
//! and lints when no message waits (the linter's searches take longest).

use super::text::{path_to_uri, LineIndex};
use crate::ast::{self, SiblingKind};
use crate::diagnostic::{self, FileDiagnostics, Severity};
use crate::ir::Policy;
use crate::load;
use crate::source::SourceFile;
use lsp_types::{DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString};
use serde_json::json;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The documents the editor has open: their text and version, by path.
#[derive(Debug, Default)]
pub struct Documents {
    open: HashMap<PathBuf, (String, i32)>,
}

impl Documents {
    /// Opens or replaces a document.
    pub fn set(&mut self, path: PathBuf, text: String, version: i32) {
        self.open.insert(path, (text, version));
    }

    /// The version of an open document.
    pub fn version(&self, path: &Path) -> Option<i32> {
        self.open.get(path).map(|(_, v)| *v)
    }

    /// Closes a document: from now on it is read from disk.
    pub fn close(&mut self, path: &Path) {
        self.open.remove(path);
    }

    /// Whether the editor has it open.
    pub fn is_open(&self, path: &Path) -> bool {
        self.open.contains_key(path)
    }

    /// The text of a file: the editor's if open, else the disk's.
    pub fn read(&self, path: &Path) -> std::io::Result<String> {
        match self.open.get(path) {
            Some((text, _)) => Ok(text.clone()),
            None => std::fs::read_to_string(path),
        }
    }
}

/// The policy file a `.juris` file belongs to: itself, or the policy of a sibling.
pub fn policy_path(path: &Path) -> PathBuf {
    match load::sibling_kind(path) {
        Some(_) => path.with_extension("").with_extension("juris"),
        None => path.to_path_buf(),
    }
}

/// A file of a policy, as analysed.
#[derive(Debug)]
pub struct FileState {
    /// Where it is.
    pub path: PathBuf,
    /// `None` for the policy file, else which sibling.
    pub kind: Option<SiblingKind>,
    /// Its text (named by its path).
    pub source: SourceFile,
    /// Its lines.
    pub lines: LineIndex,
    /// Its syntax tree, when it parses.
    pub tree: Option<Arc<Tree>>,
}

/// The syntax tree of a policy file or a sibling file.
#[derive(Debug)]
pub enum Tree {
    /// A policy file.
    Policy(ast::File),
    /// A sibling file.
    Sibling(ast::Sibling),
}

impl Tree {
    /// Its items after the header.
    pub fn items(&self) -> &[ast::Item] {
        match self {
            Tree::Policy(f) => &f.items,
            Tree::Sibling(s) => &s.items,
        }
    }
}

impl FileState {
    /// The text.
    pub fn text(&self) -> &str {
        self.source.text()
    }
}

/// A policy and its siblings, analysed together.
#[derive(Debug)]
pub struct Analysis {
    /// The policy file's path.
    pub policy_path: PathBuf,
    /// The files that exist (or are open): the policy file first when it does, then the
    /// siblings.
    pub files: Vec<FileState>,
    /// The compiled policy, when every file parses and checks.
    pub policy: Option<Arc<Policy>>,
    /// Whether the policy is linted (or there is nothing to lint: it does not check).
    pub linted: bool,
    /// What parsing and checking found in each file, as the protocol sends it (every file
    /// of the policy has its entry).
    pub diagnostics: Vec<(PathBuf, Vec<lsp_types::Diagnostic>)>,
    /// What the linter found, once linted.
    pub lint_diagnostics: Option<Vec<(PathBuf, Vec<lsp_types::Diagnostic>)>>,
}

impl Analysis {
    /// The file at `path`, if it is one of this policy's.
    pub fn file(&self, path: &Path) -> Option<&FileState> {
        self.files.iter().find(|f| f.path == path)
    }

    /// The policy file's syntax tree, when it parses.
    pub fn policy_tree(&self) -> Option<&ast::File> {
        self.files.iter().find_map(|f| match f.tree.as_deref() {
            Some(Tree::Policy(file)) => Some(file),
            _ => None,
        })
    }

    /// Reads, parses and checks the policy at `policy_path` with its siblings (linting is
    /// [`Analysis::lint`], apart: it takes longer than the rest). A file whose text is the
    /// same as in `previous` keeps its syntax tree: an edit of the policy file does not parse
    /// its tests again.
    pub fn run(policy_path: &Path, documents: &Documents, previous: Option<&Analysis>) -> Analysis {
        let mut files = Vec::new();
        let mut reported: Vec<FileDiagnostics> = Vec::new();
        let kinds = std::iter::once(None).chain(SiblingKind::ALL.into_iter().map(Some));
        for kind in kinds {
            let path = match kind {
                None => policy_path.to_path_buf(),
                Some(kind) => load::sibling_path(policy_path, kind),
            };
            let Ok(text) = documents.read(&path) else {
                continue;
            };
            let kept = previous
                .and_then(|p| p.file(&path))
                .filter(|f| f.text() == text && f.tree.is_some());
            let (source, tree) = match kept {
                Some(f) => (f.source.clone(), f.tree.clone()),
                None => {
                    let source = SourceFile::new(path.to_string_lossy(), text);
                    let parsed = match kind {
                        None => crate::syntax::parse(&source).map(Tree::Policy),
                        Some(kind) => {
                            crate::syntax::parse_sibling(&source, kind).map(Tree::Sibling)
                        }
                    };
                    match parsed {
                        Ok(tree) => (source, Some(Arc::new(tree))),
                        Err(diagnostics) => {
                            reported.push(FileDiagnostics {
                                source: source.clone(),
                                diagnostics,
                            });
                            (source, None)
                        }
                    }
                }
            };
            files.push(FileState {
                lines: LineIndex::new(source.text()),
                path,
                kind,
                source,
                tree,
            });
        }
        let mut policy = None;
        if reported.is_empty() {
            match compile(&files, policy_path, documents) {
                Some(Ok(compiled)) => policy = Some(Arc::new(compiled)),
                Some(Err(errors)) => reported.extend(errors),
                None => {}
            }
        }
        let diagnostics = files.iter().map(|f| (f.path.clone(), Vec::new())).collect();
        let mut analysis = Analysis {
            policy_path: policy_path.to_path_buf(),
            files,
            // Only a policy that checks is linted.
            linted: policy.is_none(),
            policy,
            diagnostics,
            lint_diagnostics: None,
        };
        let found = analysis.convert(reported);
        merge(&mut analysis.diagnostics, found);
        analysis
    }

    /// Lints the policy, when it checks and is not linted yet, with the `juris.toml` that
    /// applies to it: its findings join the diagnostics.
    pub fn lint(&mut self) {
        if self.linted {
            return;
        }
        self.linted = true;
        if let Some(policy) = &self.policy {
            let linted = crate::lint::lint_policies(
                std::slice::from_ref(policy),
                &crate::lint::Options::default(),
            );
            self.lint_diagnostics = Some(self.convert(linted.files));
        }
    }

    /// Every file's diagnostics: the check's, then the linter's (or, not linted yet, the
    /// `carried` findings of the last lint, shown until the new ones replace them).
    pub fn all_diagnostics(
        &self,
        carried: Option<&[(PathBuf, Vec<lsp_types::Diagnostic>)]>,
    ) -> Vec<(PathBuf, Vec<lsp_types::Diagnostic>)> {
        let mut all = self.diagnostics.clone();
        let lint = match &self.lint_diagnostics {
            Some(lint) => Some(lint.as_slice()),
            None if self.policy.is_some() => carried,
            None => None,
        };
        merge(&mut all, lint.unwrap_or_default().to_vec());
        all
    }

    /// Turns the library's diagnostics into the protocol's, each in its file (one about the
    /// command line goes at the start of the policy file).
    fn convert(
        &self,
        reported: Vec<FileDiagnostics>,
    ) -> Vec<(PathBuf, Vec<lsp_types::Diagnostic>)> {
        let mut out = Vec::new();
        for file in reported {
            let path = PathBuf::from(file.source.name());
            let (path, lines) = match self.file(&path) {
                Some(f) => (path, f.lines.clone()),
                // Another file (a `juris.toml`): in that file.
                None if path.is_absolute() => (path, LineIndex::new(file.source.text())),
                // The command line: at the start of the policy file.
                None => (self.policy_path.clone(), LineIndex::new("")),
            };
            let converted: Vec<lsp_types::Diagnostic> = file
                .diagnostics
                .iter()
                .map(|d| to_lsp(&file.source, &lines, d))
                .collect();
            out.push((path, converted));
        }
        out
    }
}

/// Adds each file's diagnostics to `into`'s entry for that file.
fn merge(
    into: &mut Vec<(PathBuf, Vec<lsp_types::Diagnostic>)>,
    more: Vec<(PathBuf, Vec<lsp_types::Diagnostic>)>,
) {
    for (path, list) in more {
        match into.iter_mut().find(|(p, _)| *p == path) {
            Some((_, existing)) => existing.extend(list),
            None => into.push((path, list)),
        }
    }
}

/// Checks and compiles the parsed files with the library's checker, reading statute texts
/// through the editor's documents. `None` when there is no policy file to check.
fn compile(
    files: &[FileState],
    policy_path: &Path,
    documents: &Documents,
) -> Option<Result<Policy, Vec<FileDiagnostics>>> {
    let (source, file) = files.iter().find_map(|f| match f.tree.as_deref() {
        Some(Tree::Policy(file)) => Some((&f.source, file)),
        _ => None,
    })?;
    let siblings: Vec<(SourceFile, ast::Sibling)> = files
        .iter()
        .filter_map(|f| match f.tree.as_deref() {
            Some(Tree::Sibling(s)) => Some((f.source.clone(), s.clone())),
            _ => None,
        })
        .collect();
    let dir = policy_path
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let read = |p: &Path| documents.read(p);
    Some(crate::check::check(source, file, &siblings, &dir, &read))
}

/// One diagnostic as the protocol has it: its primary label's range, its code, its help on
/// a line of its own, its other labels and its notes in other files (the statute text) as
/// related information. `data` carries what a code action needs: the word a "did you mean"
/// suggests, or the subsection a coverage gap leaves.
fn to_lsp(
    source: &SourceFile,
    lines: &LineIndex,
    d: &diagnostic::Diagnostic,
) -> lsp_types::Diagnostic {
    let text = source.text();
    let uri = path_to_uri(Path::new(source.name()));
    let mut related = Vec::new();
    for label in d.labels.iter().skip(1) {
        if let Some(uri) = &uri {
            related.push(DiagnosticRelatedInformation {
                location: Location::new(uri.clone(), lines.range(text, label.span)),
                message: if label.text.is_empty() {
                    d.message.clone()
                } else {
                    label.text.clone()
                },
            });
        }
    }
    for note in &d.related {
        let Some(uri) = path_to_uri(Path::new(note.source.name())) else {
            continue;
        };
        let other = LineIndex::new(note.source.text());
        let range = note
            .label
            .as_ref()
            .map(|l| other.range(note.source.text(), l.span))
            .unwrap_or_default();
        let message = match &note.label {
            Some(l) if !l.text.is_empty() => format!("{}: {}", note.message, l.text),
            _ => note.message.clone(),
        };
        related.push(DiagnosticRelatedInformation {
            location: Location::new(uri, range),
            message,
        });
    }
    let mut message = d.message.clone();
    if let Some(label) = d.labels.first().filter(|l| !l.text.is_empty()) {
        message.push_str(&format!(" ({})", label.text));
    }
    if let Some(help) = &d.help {
        message.push_str(&format!("\nhelp: {help}"));
    }
    lsp_types::Diagnostic {
        range: lines.range(text, d.span()),
        severity: Some(match d.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
        }),
        code: Some(NumberOrString::String(d.code.code.to_string())),
        code_description: None,
        source: Some("juris".to_string()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: fix_data(d),
    }
}

/// What a quick fix needs to know about a diagnostic: the library's fix
/// ([`crate::fix::fix_for`]), as the diagnostic's `data`.
fn fix_data(d: &diagnostic::Diagnostic) -> Option<serde_json::Value> {
    match crate::fix::fix_for(d)? {
        crate::fix::Fix::Replace { with, .. } => Some(json!({ "replace": with })),
        crate::fix::Fix::MarkNotEncoded { path } => Some(json!({ "mark": path })),
    }
}
