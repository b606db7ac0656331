//! Loading: files and folders of `.juris` policies → a checked, compiled [`Program`].

use crate::diagnostic::{code, Diagnostic, FileDiagnostics};
use crate::ir::{Policy, Program};
use crate::source::{SourceFile, Span};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Finds the `.juris` files under the given paths (files as given, folders searched
/// recursively, in sorted order). Unreadable paths are reported as `U001`.
pub fn find_policies(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Vec<FileDiagnostics>> {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        if path.is_dir() {
            collect(path, &mut files);
        } else if path.is_file() {
            files.push(path.clone());
        } else {
            errors.push(usage_error(
                Diagnostic::new(
                    &code::unreadable_path,
                    format!("`{}` does not exist", path.display()),
                    Span::default(),
                )
                .help("paths default to `policies/`; give a `.juris` file or a folder"),
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
        } else if p.extension().is_some_and(|e| e == "juris") {
            out.push(p);
        }
    }
}

/// Parses, checks and compiles one policy source. `dir` is where its statute texts are.
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
    let file = match crate::syntax::parse(&source) {
        Ok(file) => file,
        Err(diagnostics) => {
            return Err(FileDiagnostics {
                source,
                diagnostics,
            })
        }
    };
    crate::check::check(&source, &file, dir, read).map_err(|diagnostics| FileDiagnostics {
        source,
        diagnostics,
    })
}

/// Reads and compiles one policy file.
pub fn compile_file(path: &Path) -> Result<Policy, FileDiagnostics> {
    let name = display_path(path);
    let text = std::fs::read_to_string(path).map_err(|e| {
        usage_error(
            Diagnostic::new(
                &code::unreadable_path,
                format!("cannot read `{name}`: {e}"),
                Span::default(),
            )
            .help("check the path and its permissions"),
        )
    })?;
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    compile_source(SourceFile::new(name, text), &dir)
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
            Err(d) => errors.push(d),
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
