//! `juris diff OLD NEW`: the requests two versions of a policy decide differently. The
//! enumeration is described in [`crate::diff`].

use super::{emit_diagnostics, format_of, pretty, ExitStatus, Format, Io};
use crate::diagnostic::Colour;
use crate::diff::{self, Options, SemanticDiff, Side};
use crate::ir::Policy;
use crate::load;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The arguments of `juris diff`.
#[derive(clap::Args, Debug)]
#[command(after_long_help = HOW)]
pub struct Args {
    /// The old version: a `.juris` file (its statute text is found beside it).
    pub old: PathBuf,
    /// The new version: a `.juris` file (its statute text is found beside it).
    pub new: PathBuf,
    /// Output format (default: human): `github` annotates each difference at the new
    /// version's deciding provision, `markdown` is a table for a pull-request comment.
    #[arg(long, value_parser = super::formats(super::DIFF))]
    pub format: Option<Format>,
    /// The most requests to evaluate; past it the diff stops and says it was truncated.
    #[arg(long, value_name = "N", default_value_t = diff::DEFAULT_LIMIT)]
    pub limit: usize,
}

/// How the requests are found, and the exit codes, for `--help`.
const HOW: &str = "\
The requests are enumerated over the facts some provision of either version reads:
booleans, enumeration members (of both vocabularies), the regions the thresholds of both
versions cut a number or a date into. A fact stays unknown where neither version's decision
depends on it, so each difference names only the facts that matter; a value only one
vocabulary has is refused by the other version, which is a difference too.
Exit 0: the versions decide every request alike. 1: some request is decided differently
(another decision or other cites). 2: a version does not load, or --limit stopped the
enumeration before any difference was found (\"no difference\" is then not proven).";

/// Runs `juris diff`: exit 0 when the versions decide every request alike, 1 when some
/// request is decided differently, 2 on errors (and when the enumeration was cut short
/// before finding any difference: "no difference" is then not known).
pub fn run(args: Args, io: &mut Io) -> ExitStatus {
    let format = match format_of(args.format, io, super::DIFF) {
        Ok(f) => f,
        Err(code) => return code,
    };
    let (old, new) = match (compile(&args.old), compile(&args.new)) {
        (Ok(old), Ok(new)) => (old, new),
        (old, new) => {
            let files: Vec<_> = [old.err(), new.err()]
                .into_iter()
                .flatten()
                .flatten()
                .collect();
            emit_diagnostics(&files, Format::Human, io.stderr, Colour::Plain);
            return ExitStatus::Invalid;
        }
    };
    let result = diff::diff(
        &old,
        &new,
        Options {
            limit: args.limit.max(1),
        },
    );
    let text = match format {
        Format::Json => pretty(&diff::to_json(&old, &new, &result)),
        Format::Github => github(&old, &new, &result),
        Format::Markdown => markdown(&old, &new, &result),
        _ => render(&old, &new, &result),
    };
    let _ = io.stdout.write_all(text.as_bytes());
    match (result.differences.is_empty(), result.truncated) {
        (false, _) => ExitStatus::Findings,
        (true, false) => ExitStatus::Ok,
        (true, true) => {
            let _ = writeln!(
                io.stderr,
                "error: the enumeration stopped at {} requests before it finished; no difference was found so far, \
                 but none is not proven: raise --limit",
                result.limit
            );
            ExitStatus::Invalid
        }
    }
}

fn compile(path: &Path) -> Result<Policy, Vec<crate::diagnostic::FileDiagnostics>> {
    if !path.is_file() {
        let d = crate::diagnostic::Diagnostic::new(
            &crate::diagnostic::code::unreadable_path,
            format!("`{}` is not a policy file", path.display()),
            crate::source::Span::default(),
        )
        .help("give the two versions as `.juris` files: `juris diff OLD.juris NEW.juris`");
        return Err(vec![load::usage_error(d)]);
    }
    load::compile_file(path)
}

/// Each difference as a GitHub Actions notice, at the line of the new version's first
/// deciding provision (at the top of the new file when it refuses the request), and a
/// notice when the enumeration stopped early.
fn github(old: &Policy, new: &Policy, result: &SemanticDiff) -> String {
    let mut out = String::new();
    for d in &result.differences {
        let line = match &d.new {
            Side::Decided { cites, .. } => cites
                .first()
                .and_then(|c| c.source.rsplit(':').next())
                .and_then(|l| l.parse::<usize>().ok())
                .unwrap_or(1),
            Side::Refused(_) => 1,
        };
        let message = format!(
            "when {}\nold: {}\nnew: {}",
            when(d),
            side_words(old, &d.old),
            side_words(new, &d.new)
        );
        let _ = writeln!(
            out,
            "{}",
            crate::report::github::command(
                "notice",
                Some((new.source.name(), line)),
                &format!("juris diff: {}", transition(d)),
                &message
            )
        );
    }
    if result.truncated {
        let _ = writeln!(
            out,
            "{}",
            crate::report::github::command(
                "warning",
                None,
                "juris diff: truncated",
                &format!(
                    "the enumeration stopped at --limit {}; there may be more differences",
                    result.limit
                )
            )
        );
    }
    out
}

/// The differences as Markdown for a pull-request comment: a heading with the counts, a
/// table (when, old, new), and what was explored.
fn markdown(old: &Policy, new: &Policy, result: &SemanticDiff) -> String {
    let mut out = String::new();
    let n = result.differences.len();
    let _ = writeln!(
        out,
        "### juris diff: {}\n\n`{}` → `{}`\n",
        new.citation,
        old.source.name(),
        new.source.name()
    );
    if n == 0 {
        let _ = writeln!(
            out,
            "{}\n",
            if result.truncated {
                "No difference found before the enumeration stopped."
            } else {
                "No difference: the two versions decide every request alike."
            }
        );
    } else {
        let _ = writeln!(
            out,
            "**{n} {} decided differently.**\n",
            if n == 1 {
                "kind of request is"
            } else {
                "kinds of request are"
            }
        );
        let _ = writeln!(out, "| # | when | old | new |\n|---:|---|---|---|");
        for (i, d) in result.differences.iter().enumerate() {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |",
                i + 1,
                cell(&when(d)),
                cell(&side_words(old, &d.old)),
                cell(&side_words(new, &d.new))
            );
        }
        out.push('\n');
    }
    let _ = writeln!(
        out,
        "{} {} evaluated in both versions{}.",
        result.explored,
        if result.explored == 1 {
            "request"
        } else {
            "requests"
        },
        if result.truncated {
            format!(
                " — **truncated** at `--limit {}`: there may be more differences",
                result.limit
            )
        } else {
            String::new()
        }
    );
    out
}

/// The conditions of a difference in words.
fn when(d: &diff::Difference) -> String {
    if d.when.is_empty() {
        return "every request".to_string();
    }
    d.when
        .iter()
        .map(|(f, c)| c.describe(f))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `prohibited → required`.
fn transition(d: &diff::Difference) -> String {
    format!("{} → {}", outcome_of(&d.old), outcome_of(&d.new))
}

/// A side in words: `prohibited (3)(h), (3)(i)` or `refused: …`.
fn side_words(policy: &Policy, side: &Side) -> String {
    match side {
        Side::Decided { outcome, cites, .. } => {
            let list: Vec<&str> = cites.iter().map(|c| local(policy, &c.cite)).collect();
            format!("{} {}", outcome.as_str(), list.join(", "))
                .trim_end()
                .to_string()
        }
        Side::Refused(reason) => format!("refused: {reason}"),
    }
}

/// Text for a Markdown table cell: pipes escaped, on one line.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// A cite without the policy's citation prefix, when it has it.
fn local<'a>(policy: &Policy, cite: &'a str) -> &'a str {
    cite.strip_prefix(policy.citation.as_str())
        .map_or(cite, str::trim_start)
}

fn outcome_of(side: &Side) -> &str {
    match side {
        Side::Decided { outcome, .. } => outcome.as_str(),
        Side::Refused(_) => "refused",
    }
}

/// One version's side in words: the outcome, then each cite with its line.
fn side_line(policy: &Policy, side: &Side) -> String {
    match side {
        Side::Decided { outcome, cites, .. } => {
            let list: Vec<String> = cites
                .iter()
                .map(|c| {
                    let line = c.source.rsplit(':').next().unwrap_or_default();
                    format!("{} line {line}", local(policy, &c.cite))
                })
                .collect();
            format!("{:<13} {}", outcome.as_str(), list.join(", "))
                .trim_end()
                .to_string()
        }
        Side::Refused(reason) => format!("refused: {reason}"),
    }
}

/// Words joined with `, `, wrapped at the width, continuation lines indented.
fn wrap(items: &[String], first: usize, indent: usize) -> String {
    let last = items.len().saturating_sub(1);
    let pieces = items.iter().enumerate().map(|(i, item)| {
        if i < last {
            format!("{item},")
        } else {
            item.clone()
        }
    });
    super::wrap(pieces, first, indent)
}

/// The diff for people: a count per change of outcome, then each kind of request decided
/// differently, old beside new.
fn render(old: &Policy, new: &Policy, result: &SemanticDiff) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "old: {} ({})", old.source.name(), old.citation);
    let _ = writeln!(out, "new: {} ({})\n", new.source.name(), new.citation);
    let n = result.differences.len();
    if n == 0 && result.truncated {
        let _ = writeln!(out, "No difference found before the enumeration stopped.");
    } else if n == 0 {
        let _ = writeln!(
            out,
            "No difference: the two versions decide every request alike."
        );
    } else {
        let _ = writeln!(
            out,
            "{n} {} decided differently:",
            if n == 1 {
                "kind of request is"
            } else {
                "kinds of request are"
            }
        );
        let mut counts: Vec<((&str, &str), usize)> = Vec::new();
        for d in &result.differences {
            let key = (outcome_of(&d.old), outcome_of(&d.new));
            match counts.iter_mut().find(|(k, _)| *k == key) {
                Some((_, c)) => *c += 1,
                None => counts.push((key, 1)),
            }
        }
        for ((from, to), count) in counts {
            let note = if from == to { " (cites changed)" } else { "" };
            let _ = writeln!(out, "  {count:>5}  {from} → {to}{note}");
        }
        out.push('\n');
    }
    for (i, d) in result.differences.iter().enumerate() {
        let when: Vec<String> = d.when.iter().map(|(f, c)| c.describe(f)).collect();
        let number = format!("{}. ", i + 1);
        let when = if when.is_empty() {
            "every request".to_string()
        } else {
            wrap(&when, number.len() + 5, number.len() + 5)
        };
        let _ = writeln!(out, "{number}when {when}");
        let pad = " ".repeat(number.len());
        let _ = writeln!(out, "{pad}old: {}", side_line(old, &d.old));
        let _ = writeln!(out, "{pad}new: {}\n", side_line(new, &d.new));
    }
    let facts: Vec<String> = result.facts.clone();
    let _ = writeln!(
        out,
        "{} {} evaluated in both versions, split on {}.",
        result.explored,
        if result.explored == 1 {
            "request"
        } else {
            "requests"
        },
        if facts.is_empty() {
            "no fact".to_string()
        } else {
            wrap(&facts, 60, 2)
        }
    );
    if result.truncated {
        let _ = writeln!(
            out,
            "TRUNCATED: the enumeration stopped at --limit {}; there may be more differences.",
            result.limit
        );
    }
    out
}
