//! `juris lint`, and the lint half of `juris check`.
//!
//! `lint` reports every finding (exit 1 when there is one, but for `L007`: the linter's own
//! limit, not a defect); `check` shows lint warnings but fails only on errors, and on
//! findings of rules denied in `juris.toml`.

use super::{default_paths, emit_diagnostics, format_of, is_usage, ExitStatus, Format, Io};
use crate::diagnostic::{lookup, Code, Colour, FileDiagnostics, Severity};
use crate::ir::Program;
use crate::lint::{self, baseline::Baseline, Allowed, AllowedBy, Linted, Options};
use crate::load;
use std::path::PathBuf;
use std::sync::Arc;

/// The arguments of `juris lint`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Policy files or folders (default: `$JURIS_POLICIES`, the nearest juris.toml's `policies`, else `policies/`).
    pub paths: Vec<PathBuf>,
    /// Output format (default: human).
    #[arg(long, value_parser = super::formats(super::FINDINGS))]
    pub format: Option<Format>,
    /// Which findings exit 1: `warning` (the default: every finding but an undecided
    /// question, L007, unless juris.toml denies it), `error` (errors only), `never`.
    #[arg(long, value_enum, value_name = "LEVEL", default_value = "warning")]
    pub fail_on: super::FailOn,
    /// Report only these rules (codes or names, comma-separated: `L001,unused-fact`).
    #[arg(long, value_name = "RULES", value_delimiter = ',')]
    pub select: Vec<String>,
    /// Do not report these rules (codes or names, comma-separated).
    #[arg(long, value_name = "RULES", value_delimiter = ',')]
    pub ignore: Vec<String>,
    /// Report only findings this baseline does not record (docs/ci.md).
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Record the findings reported now in the --baseline file, and exit 0.
    #[arg(long, requires = "baseline")]
    pub update_baseline: bool,
    /// Apply the safe fixes (a single "did you mean" candidate; a `not encoded` marker with
    /// a placeholder reason to review for a coverage gap; `juris fmt`), then report what is
    /// left.
    #[arg(long, conflicts_with = "diff")]
    pub fix: bool,
    /// Show the safe fixes as a unified diff without writing them (exit 1 when there are
    /// any).
    #[arg(long)]
    pub diff: bool,
}

/// The lint rules named by `--select` or `--ignore`; a name that is not a lint rule is a
/// usage error, reported on standard error.
fn rules(flag: &str, names: &[String], io: &mut Io) -> Result<Vec<&'static Code>, ExitStatus> {
    let mut codes = Vec::new();
    for name in names.iter().map(|n| n.trim()).filter(|n| !n.is_empty()) {
        match lookup(name) {
            Some(c) if crate::config::is_rule(c) => codes.push(c),
            found => {
                let why = match found {
                    Some(c) => format!("{} is not a lint rule", c.code),
                    None => "no rule has this code or name".to_string(),
                };
                let _ = writeln!(
                    io.stderr,
                    "error: `--{flag} {name}`: {why}\n  help: `juris explain` lists the lint rules (L001–L011), by code or name"
                );
                return Err(ExitStatus::Invalid);
            }
        }
    }
    Ok(codes)
}

/// Runs `juris lint`: exit 0 when nothing is reported, 1 on findings (a policy that does
/// not check clean is one; an undecided question, `L007`, only when denied), 2 on usage
/// errors and unusable `juris.toml` files.
pub fn run(args: Args, io: &mut Io) -> ExitStatus {
    let format = match format_of(args.format, io, super::FINDINGS) {
        Ok(f) => f,
        Err(code) => return code,
    };
    let (select, ignore) = match (
        rules("select", &args.select, io),
        rules("ignore", &args.ignore, io),
    ) {
        (Ok(select), Ok(ignore)) => (select, ignore),
        (Err(code), _) | (_, Err(code)) => return code,
    };
    let paths = default_paths(args.paths);
    let baseline = match (&args.baseline, args.update_baseline) {
        (Some(file), true) => {
            let (_, _, linted) = match collect(&paths, &select, &ignore, None, io) {
                Ok(found) => found,
                Err(code) => return code,
            };
            let recorded = Baseline::record(&linted);
            if let Err(e) = std::fs::write(file, recorded.to_text()) {
                let _ = writeln!(
                    io.stderr,
                    "error: cannot write the baseline `{}`: {e}",
                    file.display()
                );
                return ExitStatus::Invalid;
            }
            let _ = writeln!(
                io.stdout,
                "recorded {} in {}",
                plural(recorded.findings.len(), "finding", "findings"),
                file.display()
            );
            return ExitStatus::Ok;
        }
        (Some(file), false) => {
            let read = std::fs::read_to_string(file)
                .map_err(|e| e.to_string())
                .and_then(|text| Baseline::read(&text));
            match read {
                Ok(recorded) => Some(recorded),
                Err(why) => {
                    let _ = writeln!(
                        io.stderr,
                        "error: cannot read the baseline `{}`: {why}\n  help: record one with `juris lint --baseline {} --update-baseline`",
                        file.display(),
                        file.display()
                    );
                    return ExitStatus::Invalid;
                }
            }
        }
        (None, _) => None,
    };
    let (mut policies, mut reported, mut linted) =
        match collect(&paths, &select, &ignore, baseline.as_ref(), io) {
            Ok(found) => found,
            Err(code) => return code,
        };
    if args.fix || args.diff {
        let mut all = reported.clone();
        all.extend(linted.files.iter().cloned());
        let changes = fixed_files(&all);
        let fixes: usize = changes.iter().map(|c| c.fixes).sum();
        // Standard output stays the format's own; the account goes to standard error
        // unless the output is for people.
        let human = format == Format::Human;
        if args.diff {
            for c in &changes {
                let diff = similar::TextDiff::from_lines(&c.old, &c.new);
                let _ = write!(
                    io.stdout,
                    "{}",
                    diff.unified_diff()
                        .context_radius(2)
                        .header(&c.path, &c.path)
                );
            }
            let _ = writeln!(
                io.stdout,
                "{} in {} (`--fix` applies {})",
                plural(fixes, "fix", "fixes"),
                plural(changes.len(), "file", "files"),
                if fixes == 1 { "it" } else { "them" }
            );
            return ExitStatus::findings_if(!changes.is_empty());
        }
        // Fixing may make more fixes possible (a policy that checks once its typo is fixed
        // is linted, and its gaps can be marked): fix, read again, until nothing changes.
        let mut changes = changes;
        let mut fixed = 0;
        let mut touched: Vec<String> = Vec::new();
        for _ in 0..MAX_FIX_ROUNDS {
            if changes.is_empty() {
                break;
            }
            for c in &changes {
                if let Err(e) = std::fs::write(&c.path, &c.new) {
                    let _ = writeln!(io.stderr, "error: cannot write `{}`: {e}", c.path);
                    return ExitStatus::Invalid;
                }
                fixed += c.fixes;
                if !touched.contains(&c.path) {
                    touched.push(c.path.clone());
                }
            }
            (policies, reported, linted) =
                match collect(&paths, &select, &ignore, baseline.as_ref(), io) {
                    Ok(found) => found,
                    Err(code) => return code,
                };
            let mut all = reported.clone();
            all.extend(linted.files.iter().cloned());
            changes = fixed_files(&all);
        }
        let note = format!(
            "fixed {} in {}",
            plural(fixed, "finding", "findings"),
            plural(touched.len(), "file", "files")
        );
        let _ = if human {
            writeln!(io.stdout, "{note}")
        } else {
            writeln!(io.stderr, "{note}")
        };
    }
    let usage = is_usage(&reported) || linted.config_invalid();
    reported.extend(linted.files.iter().cloned());
    emit_findings(&reported, &linted.allowed, format, io);
    let count = |severity: Severity| {
        reported
            .iter()
            .flat_map(|f| &f.diagnostics)
            .filter(|d| d.severity == severity)
            .count()
    };
    let (errors, warnings) = (count(Severity::Error), count(Severity::Warning));
    let failing = reported
        .iter()
        .flat_map(|f| &f.diagnostics)
        .filter(|d| lint::fails_lint(d))
        .count();
    if format == Format::Human {
        let allowed = allowed_note(&linted);
        if errors + warnings == 0 {
            let _ = writeln!(
                io.stdout,
                "{} linted clean{allowed}",
                plural(policies.len(), "policy", "policies")
            );
        } else {
            let _ = writeln!(
                io.stdout,
                "{}, {} in {}{allowed}",
                plural(errors, "error", "errors"),
                plural(warnings, "warning", "warnings"),
                plural(
                    policies.len() + reported_broken(&reported, &policies),
                    "policy",
                    "policies"
                )
            );
            if failing == 0 && args.fail_on == super::FailOn::Warning {
                let _ = writeln!(
                    io.stdout,
                    "undecided questions (L007) do not fail `juris lint` unless juris.toml denies L007"
                );
            }
        }
    }
    if usage {
        ExitStatus::Invalid
    } else {
        ExitStatus::findings_if(args.fail_on.fails(errors, failing))
    }
}

/// Loads and lints the policies under the paths: the policies that check, the problems of
/// those that do not, and the lint findings with the rules selected and the baseline
/// applied.
type Found = (Vec<Arc<crate::ir::Policy>>, Vec<FileDiagnostics>, Linted);

fn collect(
    paths: &[PathBuf],
    select: &[&'static Code],
    ignore: &[&'static Code],
    baseline: Option<&Baseline>,
    io: &mut Io,
) -> Result<Found, ExitStatus> {
    let files = match load::find_policies(paths) {
        Ok(files) => files,
        // A path that cannot be read: a usage error, on standard error (as `check` says it).
        Err(usage) => {
            emit_diagnostics(&usage, Format::Human, io.stderr, Colour::Plain);
            return Err(ExitStatus::Invalid);
        }
    };
    let mut policies = Vec::new();
    let mut reported: Vec<FileDiagnostics> = Vec::new();
    for path in files {
        match load::compile_file(&path) {
            Ok(policy) => policies.push(Arc::new(policy)),
            Err(diagnostics) => reported.extend(diagnostics),
        }
    }
    let mut linted = lint::lint_policies(&policies, &Options::default());
    linted.retain_rules(|c| {
        (select.is_empty() || select.iter().any(|s| s.code == c.code))
            && !ignore.iter().any(|i| i.code == c.code)
    });
    if let Some(baseline) = baseline {
        baseline.apply(&mut linted);
    }
    Ok((policies, reported, linted))
}

/// The most times `--fix` fixes and reads the files again.
const MAX_FIX_ROUNDS: usize = 5;

/// A file the safe fixes change: its text before and after (formatted by `juris fmt`
/// when it parses), and how many fixes went in.
struct Changed {
    path: String,
    old: String,
    new: String,
    fixes: usize,
}

/// The files the safe fixes of the findings change ([`crate::fix`]).
fn fixed_files(files: &[FileDiagnostics]) -> Vec<Changed> {
    let mut by_file: Vec<(
        &crate::source::SourceFile,
        Vec<(crate::source::Span, String)>,
    )> = Vec::new();
    for file in files.iter().filter(|f| !f.source.name().starts_with('<')) {
        for d in &file.diagnostics {
            let Some(fix) = crate::fix::fix_for(d) else {
                continue;
            };
            let edit = fix.edit(file.source.text());
            match by_file
                .iter_mut()
                .find(|(s, _)| s.name() == file.source.name())
            {
                Some((_, edits)) => edits.push(edit),
                None => by_file.push((&file.source, vec![edit])),
            }
        }
    }
    let mut changed = Vec::new();
    for (source, edits) in by_file {
        let (text, fixes) = crate::fix::apply(source.text(), &edits);
        let name = source.name();
        let kind = load::sibling_kind(std::path::Path::new(name));
        let formatted = crate::fmt::format_as(&text, kind).unwrap_or(text);
        if fixes > 0 && formatted != source.text() {
            changed.push(Changed {
                path: name.to_string(),
                old: source.text().to_string(),
                new: formatted,
                fixes,
            });
        }
    }
    changed
}

/// `juris check` on a program that checked clean: lints it and shows the findings. Exit 1
/// only when a finding is an error (its rule is denied in `juris.toml`), 2 when a
/// `juris.toml` cannot be used.
pub(super) fn check_program(
    program: &Program,
    format: Format,
    fail_on: super::FailOn,
    io: &mut Io,
) -> ExitStatus {
    let linted = lint::lint_policies(&program.policies, &Options::default());
    let errors = linted.denied();
    let warnings = linted.count(Severity::Warning);
    match format {
        Format::Human | Format::Markdown => {
            if !linted.files.is_empty() {
                emit_diagnostics(&linted.files, Format::Human, io.stdout, io.colour);
            }
            let n = program.policies.len();
            let policies = if n == 1 { "policy" } else { "policies" };
            if errors == 0 && warnings == 0 {
                let _ = writeln!(io.stdout, "{n} {policies} checked clean");
            } else if errors == 0 {
                let _ = writeln!(
                    io.stdout,
                    "{n} {policies} checked: no errors, {}",
                    plural(warnings, "lint warning", "lint warnings")
                );
            } else {
                let _ = writeln!(
                    io.stdout,
                    "{n} {policies} checked: {} denied in juris.toml",
                    plural(errors, "lint finding", "lint findings")
                );
            }
            for p in &program.policies {
                let _ = writeln!(
                    io.stdout,
                    "  {} — {} ({})",
                    p.source.name(),
                    p.citation,
                    p.jurisdiction
                );
            }
            if warnings > 0 {
                let _ = writeln!(
                    io.stdout,
                    "{}{} (`juris explain CODE` tells more; allow or deny rules in juris.toml)",
                    plural(warnings, "lint warning", "lint warnings"),
                    allowed_note(&linted)
                );
            } else if !linted.allowed.is_empty() {
                let _ = writeln!(
                    io.stdout,
                    "{}",
                    allowed_note(&linted).trim_start_matches(", ")
                );
            }
            if linted.config_invalid() {
                let _ = writeln!(
                    io.stdout,
                    "juris.toml cannot be used as written: see `L009` above"
                );
            }
        }
        _ => emit_findings(&linted.files, &linted.allowed, format, io),
    }
    if linted.config_invalid() {
        ExitStatus::Invalid
    } else {
        let failing = linted
            .files
            .iter()
            .flat_map(|f| &f.diagnostics)
            .filter(|d| lint::fails_lint(d))
            .count();
        ExitStatus::findings_if(fail_on.fails(errors, failing))
    }
}

/// Writes findings in a format; SARIF also lists the allowed ones, as suppressed.
pub(super) fn emit_findings(
    files: &[FileDiagnostics],
    allowed: &[Allowed],
    format: Format,
    io: &mut Io,
) {
    match format {
        Format::Sarif => {
            let _ = io
                .stdout
                .write_all(crate::report::sarif::to_string(files, allowed).as_bytes());
        }
        _ => emit_diagnostics(files, format, io.stdout, io.colour),
    }
}

/// `, 2 findings allowed by juris.toml, 1 suppressed in the policy` (empty when none is).
fn allowed_note(linted: &Linted) -> String {
    let count = |by: AllowedBy| linted.allowed.iter().filter(|a| a.by == by).count();
    let (by_config, in_source, known) = (
        count(AllowedBy::Config),
        count(AllowedBy::Comment),
        count(AllowedBy::Baseline),
    );
    let mut note = String::new();
    if by_config > 0 {
        note.push_str(&format!(
            ", {} allowed by juris.toml",
            plural(by_config, "finding", "findings")
        ));
    }
    if in_source > 0 {
        note.push_str(&format!(
            ", {} suppressed in the policy",
            plural(in_source, "finding", "findings")
        ));
    }
    if known > 0 {
        note.push_str(&format!(
            ", {} in the baseline",
            plural(known, "known finding", "known findings")
        ));
    }
    note
}

/// Policies that did not check clean (and so were not linted), counted once each.
fn reported_broken(reported: &[FileDiagnostics], policies: &[Arc<crate::ir::Policy>]) -> usize {
    let mut names: Vec<&str> = reported
        .iter()
        .filter(|f| f.has_errors() && f.source.name().ends_with(".juris"))
        .map(|f| f.source.name())
        .filter(|name| !policies.iter().any(|p| p.source.name() == *name))
        .collect();
    names.dedup();
    names.len()
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}
