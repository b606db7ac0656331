//! Loading: files and folders of `.juris` policies → a checked, compiled [`Program`].
//!
//! A policy `NAME.juris` may keep its terms in `NAME.terms.juris` and its tests in
//! `NAME.tests.juris` beside it: the loader reads those siblings with it when they are
//! there. A sibling is part of its policy, never a policy of its own.

use crate::ast::SiblingKind;
use crate::diagnostic::{code, Diagnostic, FileDiagnostics};
use crate::ir::{Policy, Program};
use crate::source::{SourceFile, Span};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The kind of sibling file a path names (`NAME.terms.juris`, `NAME.tests.juris`), if it
/// names one.
pub fn sibling_kind(path: &Path) -> Option<SiblingKind> {
    let name = path.file_name()?.to_str()?;
    SiblingKind::ALL.into_iter().find(|kind| {
        name.strip_suffix(&format!(".{}.juris", kind.infix()))
            .is_some_and(|stem| !stem.is_empty())
    })
}

/// The sibling file of kind `kind` of the policy file at `policy`: `NAME.terms.juris`
/// beside `NAME.juris`.
pub fn sibling_path(policy: &Path, kind: SiblingKind) -> PathBuf {
    policy.with_extension(format!("{}.juris", kind.infix()))
}

/// The policy file a sibling file belongs to: `NAME.juris` for `NAME.terms.juris`.
fn policy_of(sibling: &Path) -> PathBuf {
    // `NAME.terms.juris` → `NAME.terms` → `NAME` → `NAME.juris`.
    sibling.with_extension("").with_extension("juris")
}

/// Finds the `.juris` policy files under the given paths (files as given, folders searched
/// recursively, in sorted order). A sibling file stands for its policy. Unreadable paths
/// are reported as `U001`.
pub fn find_policies(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Vec<FileDiagnostics>> {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        if path.is_dir() {
            collect(path, &mut files);
        } else if path.is_file() {
            let policy = match sibling_kind(path) {
                Some(_) => policy_of(path),
                None => path.clone(),
            };
            if !files.contains(&policy) {
                files.push(policy);
            }
        } else {
            errors.push(usage_error(
                Diagnostic::new(
                    &code::unreadable_path,
                    format!("`{}` does not exist", path.display()),
                    Span::default(),
                )
                .help(
                    "give a `.juris` file or a folder; without one, commands look in \
                     `JURIS_POLICIES`, then the `policies = [...]` of the nearest juris.toml, \
                     then `policies/`",
                ),
            ));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    if files.is_empty() {
        let shown: Vec<String> = paths.iter().map(|p| format!("`{}`", p.display())).collect();
        return Err(vec![usage_error(
            Diagnostic::new(
                &code::no_policies,
                format!("no `.juris` policy under {}", shown.join(", ")),
                Span::default(),
            )
            .help("give a `.juris` file or a folder that holds some"),
        )]);
    }
    Ok(files)
}

/// A diagnostic about the command line rather than a file.
pub fn usage_error(diagnostic: Diagnostic) -> FileDiagnostics {
    FileDiagnostics {
        source: SourceFile::new("<command line>", ""),
        diagnostics: vec![diagnostic],
    }
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    // The entry's own type needs no `stat` per file; a symbolic link is followed.
    let mut paths: Vec<(PathBuf, bool)> = entries
        .filter_map(|e| {
            let e = e.ok()?;
            let path = e.path();
            let is_dir = match e.file_type() {
                Ok(t) if !t.is_symlink() => t.is_dir(),
                _ => path.is_dir(),
            };
            Some((path, is_dir))
        })
        .collect();
    paths.sort();
    for (p, is_dir) in paths {
        if is_dir {
            collect(&p, out);
        } else if p.extension().is_some_and(|e| e == "juris") && sibling_kind(&p).is_none() {
            out.push(p);
        }
    }
}

/// Parses, checks and compiles one policy source, without siblings. `dir` is where its
/// statute texts are.
pub fn compile_source(source: SourceFile, dir: &Path) -> Result<Policy, FileDiagnostics> {
    let read = |p: &Path| std::fs::read_to_string(p);
    compile_with(source, dir, &read)
}

/// Like [`compile_source`], reading statute texts with `read`.
pub fn compile_with(
    source: SourceFile,
    dir: &Path,
    read: crate::check::ReadText,
) -> Result<Policy, FileDiagnostics> {
    let shown = source.clone();
    compile_parts(source, Vec::new(), dir, read).map_err(|files| {
        // Without siblings, every diagnostic is in the one file.
        let diagnostics = files.into_iter().flat_map(|f| f.diagnostics).collect();
        FileDiagnostics {
            source: shown,
            diagnostics,
        }
    })
}

/// Parses, checks and compiles a policy source with its sibling sources (terms, tests),
/// reading statute texts with `read`. On errors, returns them grouped by file.
pub fn compile_parts(
    source: SourceFile,
    siblings: Vec<(SiblingKind, SourceFile)>,
    dir: &Path,
    read: crate::check::ReadText,
) -> Result<Policy, Vec<FileDiagnostics>> {
    let mut errors = Vec::new();
    let (file, syntax) = match crate::syntax::parse(&source) {
        Ok(file) => (Some(file), Vec::new()),
        Err(diagnostics) => (
            crate::syntax::parse_without_broken(&source, &diagnostics),
            diagnostics,
        ),
    };
    let mut parsed = Vec::with_capacity(siblings.len());
    for (kind, sibling) in siblings {
        match crate::syntax::parse_sibling(&sibling, kind) {
            Ok(items) => parsed.push((sibling, items)),
            Err(diagnostics) => errors.push(FileDiagnostics {
                source: sibling,
                diagnostics,
            }),
        }
    }
    let Some(file) = file else {
        errors.insert(
            0,
            FileDiagnostics {
                source,
                diagnostics: syntax,
            },
        );
        return Err(errors);
    };
    if syntax.is_empty() && errors.is_empty() {
        return crate::check::check(&source, &file, &parsed, dir, read);
    }
    // Syntax errors: the items that parsed are checked too, so that one run reports every
    // error (a broken sibling is left out). An `overrides` of a provision that did not
    // parse is not reported as overriding nothing.
    let broken_items = !syntax.is_empty();
    if !syntax.is_empty() {
        errors.insert(
            0,
            FileDiagnostics {
                source: source.clone(),
                diagnostics: syntax,
            },
        );
    }
    if let Err(checked) = crate::check::check(&source, &file, &parsed, dir, read) {
        for found in checked {
            let kept = found
                .diagnostics
                .into_iter()
                .filter(|d| !(broken_items && d.code.code == code::unknown_override.code));
            match errors
                .iter_mut()
                .find(|f| f.source.name() == found.source.name())
            {
                Some(file) => {
                    file.diagnostics.extend(kept);
                    file.diagnostics.sort_by_key(|d| d.span().start);
                }
                None => errors.push(FileDiagnostics {
                    source: found.source,
                    diagnostics: kept.collect(),
                }),
            }
        }
        errors.retain(|f| !f.diagnostics.is_empty());
    }
    Err(errors)
}

/// Reads and compiles one policy file, with its sibling files when they are beside it.
pub fn compile_file(path: &Path) -> Result<Policy, Vec<FileDiagnostics>> {
    let read_file = |path: &Path| {
        let name = display_path(path);
        std::fs::read_to_string(path)
            .map(|text| SourceFile::new(name.clone(), text))
            .map_err(|e| {
                usage_error(
                    Diagnostic::new(
                        &code::unreadable_path,
                        format!("cannot read `{name}`: {e}"),
                        Span::default(),
                    )
                    .help("check the path and its permissions"),
                )
            })
    };
    let source = read_file(path).map_err(|e| vec![e])?;
    let mut siblings = Vec::new();
    for kind in SiblingKind::ALL {
        let sibling = sibling_path(path, kind);
        if sibling.is_file() {
            siblings.push((kind, read_file(&sibling).map_err(|e| vec![e])?));
        }
    }
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let read = |p: &Path| std::fs::read_to_string(p);
    compile_parts(source, siblings, &dir, &read)
}

/// Loads every policy under the paths into one program. Every file's diagnostics are
/// reported; a program is returned only when all of them check clean.
pub fn load(paths: &[PathBuf]) -> Result<Program, Vec<FileDiagnostics>> {
    let files = find_policies(paths)?;
    let mut policies: Vec<Arc<Policy>> = Vec::new();
    let mut errors = Vec::new();
    for path in files {
        match compile_file(&path) {
            Ok(policy) => {
                if let Some(first) = policies
                    .iter()
                    .find(|p| p.jurisdiction == policy.jurisdiction)
                {
                    let at = policy_header_span(&policy);
                    errors.push(FileDiagnostics {
                        source: policy.source.clone(),
                        diagnostics: vec![Diagnostic::new(
                            &code::duplicate_jurisdiction,
                            format!(
                                "`{}` and `{}` both declare jurisdiction `{}`",
                                first.source.name(),
                                policy.source.name(),
                                policy.jurisdiction
                            ),
                            at,
                        )
                        .label("second policy for this jurisdiction")
                        .help("load one policy per jurisdiction (give its file or folder)")],
                    });
                } else {
                    policies.push(Arc::new(policy));
                }
            }
            Err(d) => errors.extend(d),
        }
    }
    if errors.is_empty() {
        Ok(Program { policies })
    } else {
        Err(errors)
    }
}

fn policy_header_span(policy: &Policy) -> Span {
    // The header is the first line that is neither blank nor a comment.
    let text = policy.source.text();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let code = line.trim_start();
        if !code.is_empty() && !code.starts_with("//") {
            let start = offset + (line.len() - code.len());
            return Span::new(start, start + "policy".len().min(code.trim_end().len()));
        }
        offset += line.len();
    }
    Span::default()
}

/// A path as shown in messages: relative, with forward slashes.
pub fn display_path(path: &Path) -> String {
    let cwd = std::env::current_dir().ok();
    let shown = cwd
        .as_ref()
        .and_then(|c| path.strip_prefix(c).ok())
        .unwrap_or(path);
    shown.to_string_lossy().replace('\\', "/")
}
