//! `juris fmt`: rewrite policies in the canonical layout, or (`--check`) show the diff.
//! A policy's sibling files (`NAME.terms.juris`, `NAME.tests.juris`) are formatted with it.
//!
//! Exit codes: 0 when every file is (or now is) formatted; 1 with `--check` when some file
//! is not (its unified diff is on standard output, a patch `git apply` takes); 2 on an
//! unreadable path or a file that does not parse (the syntax errors on standard error).

use super::{default_paths, ExitStatus, Io, WIDTH};
use crate::ast::SiblingKind;
use crate::diagnostic::{code, render_human, Diagnostic, FileDiagnostics};
use crate::load;
use crate::source::{SourceFile, Span};
use std::path::PathBuf;

/// The arguments of `juris fmt`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Policy files or folders (default: `$JURIS_POLICIES`, the nearest juris.toml's `policies`, else `policies/`).
    pub paths: Vec<PathBuf>,
    /// Change no file: show the diff of each file that is not formatted, and exit 1 if any.
    #[arg(long)]
    pub check: bool,
}

/// Runs `juris fmt`.
pub fn run(args: Args, io: &mut Io) -> ExitStatus {
    let paths = default_paths(args.paths);
    let files = match load::find_policies(&paths) {
        Ok(files) => files,
        Err(diagnostics) => {
            let _ = io
                .stderr
                .write_all(render_human(&diagnostics, io.colour, WIDTH).as_bytes());
            return ExitStatus::Invalid;
        }
    };
    // Each policy, then its sibling files that are there.
    let files: Vec<(PathBuf, Option<SiblingKind>)> = files
        .into_iter()
        .flat_map(|policy| {
            let siblings = SiblingKind::ALL
                .into_iter()
                .map(|kind| (load::sibling_path(&policy, kind), Some(kind)))
                .filter(|(path, _)| path.is_file())
                .collect::<Vec<_>>();
            std::iter::once((policy, None)).chain(siblings)
        })
        .collect();
    let mut failed = false;
    let mut changed = Vec::new();
    let mut unchanged = 0usize;
    for (path, kind) in &files {
        let name = load::display_path(path);
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) => {
                failed = true;
                report(io, unreadable(format!("cannot read `{name}`: {e}")));
                continue;
            }
        };
        let formatted = match crate::fmt::format_as(&text, *kind) {
            Ok(formatted) => formatted,
            Err(diagnostics) => {
                failed = true;
                report(
                    io,
                    FileDiagnostics {
                        source: SourceFile::new(name, text),
                        diagnostics,
                    },
                );
                continue;
            }
        };
        if formatted == text {
            unchanged += 1;
            continue;
        }
        if args.check {
            let _ = io
                .stdout
                .write_all(unified_diff(&name, &text, &formatted).as_bytes());
        } else if let Err(e) = std::fs::write(path, &formatted) {
            failed = true;
            report(io, unreadable(format!("cannot write `{name}`: {e}")));
            continue;
        } else {
            let _ = writeln!(io.stdout, "formatted {name}");
        }
        changed.push(name);
    }
    let files_word = |n: usize| if n == 1 { "file" } else { "files" };
    if args.check {
        if !changed.is_empty() {
            let _ = writeln!(
                io.stderr,
                "{} {} not formatted; `juris fmt` formats {}",
                changed.len(),
                files_word(changed.len()),
                if changed.len() == 1 { "it" } else { "them" }
            );
        } else if !failed {
            let _ = writeln!(
                io.stdout,
                "{unchanged} {} already formatted",
                files_word(unchanged)
            );
        }
    } else {
        let _ = writeln!(
            io.stdout,
            "{} {} formatted, {unchanged} already formatted",
            changed.len(),
            files_word(changed.len())
        );
    }
    if failed {
        ExitStatus::Invalid
    } else if args.check && !changed.is_empty() {
        ExitStatus::Findings
    } else {
        ExitStatus::Ok
    }
}

fn unreadable(message: String) -> FileDiagnostics {
    load::usage_error(
        Diagnostic::new(&code::unreadable_path, message, Span::default())
            .help("check the path and its permissions"),
    )
}

fn report(io: &mut Io, file: FileDiagnostics) {
    let _ = io
        .stderr
        .write_all(render_human(&[file], io.colour, WIDTH).as_bytes());
}

/// A unified diff from the file as it is to the file formatted, with `a/` and `b/`
/// names so that `git apply` takes it from the folder `juris fmt` ran in.
pub fn unified_diff(name: &str, old: &str, new: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{name}"), &format!("b/{name}"))
        .to_string()
}
