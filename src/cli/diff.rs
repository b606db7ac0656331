//! `juris diff OLD NEW`: the requests two versions of a policy decide differently. The
//! enumeration is described in [`crate::diff`].

use super::{emit_diagnostics, format_of, pretty, Format, Io};
use crate::diff::{self, Options, SemanticDiff, Side};
use crate::ir::Policy;
use crate::load;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The arguments of `juris diff`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The old version: a `.juris` file (its statute text is found beside it).
    pub old: PathBuf,
    /// The new version: a `.juris` file (its statute text is found beside it).
    pub new: PathBuf,
    /// Output format (default: human on a terminal, json otherwise).
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// The most requests to evaluate; past it the diff stops and says it was truncated.
    #[arg(long, value_name = "N", default_value_t = diff::DEFAULT_LIMIT)]
    pub limit: usize,
}

/// Runs `juris diff`: exit 0 when the versions decide every request alike, 1 when some
/// request is decided differently, 2 on errors (and when the enumeration was cut short
/// before finding any difference: "no difference" is then not known).
pub fn run(args: Args, io: &mut Io) -> u8 {
    let format = match format_of(args.format, io, &[Format::Human, Format::Json]) {
        Ok(f) => f,
        Err(code) => return code,
    };
    let (old, new) = match (compile(&args.old), compile(&args.new)) {
        (Ok(old), Ok(new)) => (old, new),
        (old, new) => {
            let files: Vec<_> = [old.err(), new.err()].into_iter().flatten().collect();
            emit_diagnostics(&files, Format::Human, io.stderr, false);
            return 2;
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
        _ => render(&old, &new, &result),
    };
    let _ = io.stdout.write_all(text.as_bytes());
    match (result.differences.is_empty(), result.truncated) {
        (false, _) => 1,
        (true, false) => 0,
        (true, true) => {
            let _ = writeln!(
                io.stderr,
                "error: the enumeration stopped at {} requests before it finished; no difference was found so far, \
                 but none is not proven: raise --limit",
                result.limit
            );
            2
        }
    }
}

fn compile(path: &Path) -> Result<Policy, crate::diagnostic::FileDiagnostics> {
    if !path.is_file() {
        let d = crate::diagnostic::Diagnostic::new(
            &crate::diagnostic::code::unreadable_path,
            format!("`{}` is not a policy file", path.display()),
            crate::source::Span::default(),
        )
        .help("give the two versions as `.juris` files: `juris diff OLD.juris NEW.juris`");
        return Err(load::usage_error(d));
    }
    load::compile_file(path)
}

fn side_line(side: &Side) -> String {
    match side {
        Side::Decided { outcome, cites } => {
            if cites.is_empty() {
                outcome.as_str().to_string()
            } else {
                let list: Vec<String> = cites
                    .iter()
                    .map(|c| format!("{} [{}]", c.cite, c.source))
                    .collect();
                format!("{:<13} {}", outcome.as_str(), list.join(", "))
            }
        }
        Side::Refused(reason) => format!("refused: {reason}"),
    }
}

/// The diff for people: each region decided differently, old beside new.
fn render(old: &Policy, new: &Policy, result: &SemanticDiff) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "old: {} ({})", old.source.name(), old.citation);
    let _ = writeln!(out, "new: {} ({})\n", new.source.name(), new.citation);
    let n = result.differences.len();
    if n == 0 {
        let _ = writeln!(
            out,
            "No difference: the two versions decide every request alike."
        );
    } else {
        let _ = writeln!(
            out,
            "{n} {} decided differently:\n",
            if n == 1 {
                "kind of request is"
            } else {
                "kinds of request are"
            }
        );
    }
    for (i, d) in result.differences.iter().enumerate() {
        let when: Vec<String> = d.when.iter().map(|(f, c)| c.describe(f)).collect();
        let when = if when.is_empty() {
            "every request".to_string()
        } else {
            when.join(", ")
        };
        let _ = writeln!(out, "{}. when {when}", i + 1);
        let _ = writeln!(out, "   old: {}", side_line(&d.old));
        let _ = writeln!(out, "   new: {}\n", side_line(&d.new));
    }
    let _ = writeln!(
        out,
        "{} {} evaluated in both versions, split on {}.",
        result.explored,
        if result.explored == 1 {
            "request"
        } else {
            "requests"
        },
        if result.facts.is_empty() {
            "no fact".to_string()
        } else {
            result.facts.join(", ")
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
