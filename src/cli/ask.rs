//! `juris ask "QUESTION"`: a plain question answered like a lawyer's memo.

use super::{format_of, pretty, ExitStatus, Format, Io};
use crate::ask::{self, memo};
use crate::diagnostic::{Colour, FileDiagnostics};
use crate::engine::Engine;
use crate::eval::Outcome;
use crate::ir::Type;
use crate::source::SourceFile;
use crate::value::Value;
use std::io::BufRead;
use std::path::PathBuf;

/// The arguments of `juris ask`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The question, in plain words.
    pub question: String,
    /// Ask, one at a time, for the facts that still change the answer, then answer.
    #[arg(long, short)]
    pub interactive: bool,
    /// Policy files or folders, after the question, as every command takes them (default:
    /// `$JURIS_POLICIES`, the nearest juris.toml's `policies`, else `policies/`).
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Add how the question was read to the memo (the JSON answer always has it).
    #[arg(long)]
    pub explain_reading: bool,
    /// Output format: human (the default), markdown, or json.
    #[arg(long, value_parser = super::formats(super::MEMO))]
    pub format: Option<Format>,
}

/// Runs `juris ask`.
pub fn run(args: Args, io: &mut Io) -> ExitStatus {
    let format = match format_of(args.format, io, super::MEMO) {
        Ok(f) => f,
        Err(code) => return code,
    };
    let paths = super::default_paths(args.paths);
    let engine = match Engine::load(&paths) {
        Ok(e) => e,
        Err(files) => {
            let _ = io.stderr.write_all(
                crate::diagnostic::render_human(&files, io.colour, super::WIDTH).as_bytes(),
            );
            return ExitStatus::Invalid;
        }
    };
    // A question for several jurisdictions, or for none where several could answer it: a
    // survey, never one jurisdiction picked silently.
    if let Some(survey) = ask::survey(&engine, &args.question) {
        let text = match format {
            Format::Json => pretty(&ask::survey::to_json(&survey)),
            Format::Markdown => ask::survey::render(&survey, memo::Style::Markdown),
            _ => ask::survey::render(&survey, memo::Style::Plain),
        };
        let _ = io.stdout.write_all(text.as_bytes());
        return ExitStatus::Ok;
    }
    let mut interpretation = match ask::interpret(&engine, &args.question) {
        Ok(i) => i,
        Err(unplaced) if unplaced.out_of_scope.is_some() => {
            // Out of scope is an answer, not a refusal: never a decision under another rule.
            let reason = unplaced.out_of_scope.unwrap_or_default();
            let text = if format == Format::Json {
                pretty(&ask::out_of_scope_json(&args.question, &reason))
            } else {
                format!(
                    "Not addressed — the encoded law does not address this, because {reason}.\n"
                )
            };
            let _ = io.stdout.write_all(text.as_bytes());
            return ExitStatus::Ok;
        }
        Err(unplaced) => {
            let source = SourceFile::new("question", args.question.clone());
            let _ = io.stderr.write_all(
                crate::diagnostic::render_human(
                    &[FileDiagnostics {
                        diagnostics: vec![ask::unplaced_diagnostic(&args.question, &unplaced)],
                        source,
                    }],
                    Colour::Plain,
                    super::WIDTH,
                )
                .as_bytes(),
            );
            return ExitStatus::Invalid;
        }
    };
    let mut decision = ask::decide(&interpretation);
    if args.interactive {
        let mut lines: Box<dyn Iterator<Item = String>> = if io.terminal {
            Box::new(std::io::stdin().lock().lines().map_while(Result::ok))
        } else {
            match (io.stdin)(u64::MAX) {
                Ok(bytes) => Box::new(
                    String::from_utf8_lossy(&bytes)
                        .lines()
                        .map(str::to_string)
                        .collect::<Vec<_>>()
                        .into_iter(),
                ),
                Err(_) => Box::new(std::iter::empty()),
            }
        };
        let mut skipped = Vec::new();
        while decision.outcome == Outcome::Undetermined {
            let mut remaining = decision.clone();
            remaining.depends_on.retain(|f| !skipped.contains(f));
            let Some(fact) = ask::most_decisive(&remaining) else {
                break;
            };
            let policy = interpretation.policy.clone();
            let declared = policy.fact(fact);
            let options: Vec<String> = match &declared.ty {
                Type::Bool => vec!["yes".into(), "no".into()],
                Type::Enum(m) => {
                    let allowed = interpretation.request.restriction(fact).unwrap_or(u64::MAX);
                    m.iter()
                        .enumerate()
                        .filter(|(i, _)| allowed & (1u64 << i) != 0)
                        .map(|(_, n)| n.clone())
                        .collect()
                }
                _ => Vec::new(),
            };
            let _ = writeln!(io.stdout, "? {} ({})", declared.meaning, declared.name);
            for (i, o) in options.iter().enumerate() {
                let _ = writeln!(io.stdout, "  {}) {o}", i + 1);
            }
            let _ = writeln!(io.stdout, "  ?) I don't know");
            let Some(line) = lines.next() else {
                let _ = writeln!(io.stdout, "  (no answer: left unknown)");
                break;
            };
            let answer = line.trim().to_lowercase();
            let _ = writeln!(io.stdout, "> {answer}");
            let chosen = answer
                .parse::<usize>()
                .ok()
                .and_then(|n| options.get(n.wrapping_sub(1)).cloned())
                .or_else(|| options.iter().find(|o| o.as_str() == answer).cloned())
                .or_else(|| match answer.as_str() {
                    "y" => Some("yes".into()),
                    "n" => Some("no".into()),
                    _ => None,
                });
            match (chosen, &declared.ty) {
                (Some(c), Type::Bool) => {
                    interpretation.request.assume(fact, Value::Bool(c == "yes"))
                }
                (Some(c), Type::Enum(m)) => {
                    if let Some(i) = m.iter().position(|x| *x == c) {
                        interpretation.request.assume(fact, Value::Enum(i as u8));
                    }
                }
                (Some(c), _) => {
                    if let Err(e) = interpretation
                        .request
                        .set(&policy, &declared.name, c.as_str())
                    {
                        let _ = writeln!(io.stdout, "  {}", e.message);
                    }
                }
                (None, _) if answer.is_empty() || answer == "?" => skipped.push(fact),
                // Checked like a request's number: finite and within the fact's range.
                // Written as JSON writes a number: `nan`, `inf` and `infinity`, which Rust
                // would read, are not numbers.
                (None, Type::Number) => match answer
                    .parse::<f64>()
                    .ok()
                    .filter(|_| is_written_number(&answer))
                {
                    Some(n) => {
                        if let Err(e) = interpretation.request.set_number(&policy, fact, n) {
                            let _ = writeln!(io.stdout, "  {}: left unknown", e.message);
                            skipped.push(fact);
                        }
                    }
                    None => {
                        let _ = writeln!(
                            io.stdout,
                            "  `{}` is not a number: left unknown",
                            crate::diagnostic::excerpt(&answer)
                        );
                        skipped.push(fact);
                    }
                },
                (None, _) => {
                    let _ = writeln!(io.stdout, "  not one of the answers: left unknown");
                    skipped.push(fact);
                }
            }
            if interpretation.request.get(fact).is_some() {
                interpretation.answered.push(fact);
            }
            decision = ask::decide(&interpretation);
        }
        let _ = writeln!(io.stdout);
    }
    let text = match format {
        Format::Json => pretty(&ask::to_json(&interpretation, &decision)),
        Format::Markdown => memo::render(
            &interpretation,
            &decision,
            memo::Options {
                style: memo::Style::Markdown,
                show_reading: args.explain_reading,
            },
        ),
        _ => memo::render(
            &interpretation,
            &decision,
            memo::Options {
                style: memo::Style::Plain,
                show_reading: args.explain_reading,
            },
        ),
    };
    let _ = io.stdout.write_all(text.as_bytes());
    ExitStatus::Ok
}

/// Whether an answer is written as a number is (`0.3`, `-2`, `1e3`), not as a word Rust
/// also reads as one (`nan`, `inf`, `infinity`).
fn is_written_number(answer: &str) -> bool {
    let digits = answer.trim_start_matches(['-', '+']);
    digits.starts_with(|c: char| c.is_ascii_digit() || c == '.')
        && digits
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-'))
}
