//! `juris verify-log` and `juris replay`: checking a decision log's chain, and deciding its
//! requests again against another policy set.

use super::{default_paths, emit_diagnostics, format_of, pretty, ExitStatus, Format, Io};
use crate::decision_log;
use crate::diagnostic::Colour;
use crate::engine::Engine;
use crate::load;
use std::path::PathBuf;

/// Where decisions are logged: `juris serve`, `juris eval` and `juris batch` take the same
/// two options.
#[derive(clap::Args, Debug, Default)]
pub struct LogArgs {
    /// Append one chained JSON line per decision to this file, with its receipt (`juris
    /// verify-log` checks the chain; `juris replay` decides the requests again).
    #[arg(long, value_name = "FILE")]
    pub decision_log: Option<PathBuf>,
    /// Mask this request field in the decision log (`customer.name`); repeat or separate
    /// with commas.
    #[arg(
        long,
        value_name = "FIELD",
        value_delimiter = ',',
        requires = "decision_log"
    )]
    pub log_mask: Vec<String>,
}

impl LogArgs {
    /// Opens the log when one is asked for; `Err` is the exit status after the error is
    /// written.
    pub fn open(&self, io: &mut Io) -> Result<Option<decision_log::DecisionLog>, ExitStatus> {
        let Some(path) = &self.decision_log else {
            return Ok(None);
        };
        decision_log::DecisionLog::open(path, self.log_mask.clone())
            .map(Some)
            .map_err(|e| {
                let _ = writeln!(
                    io.stderr,
                    "error: cannot open the decision log `{}`: {e}",
                    load::display_path(path)
                );
                ExitStatus::Invalid
            })
    }
}

/// The arguments of `juris verify-log`.
#[derive(clap::Args, Debug)]
pub struct VerifyArgs {
    /// The decision log (`juris serve --decision-log FILE`).
    pub log: PathBuf,
}

/// Runs `juris verify-log`: exit 0 when the chain is intact, 1 naming the first bad line.
pub fn verify(args: VerifyArgs, io: &mut Io) -> ExitStatus {
    let name = load::display_path(&args.log);
    let file = match std::fs::File::open(&args.log) {
        Ok(f) => f,
        Err(e) => {
            let _ = writeln!(io.stderr, "error: cannot read `{name}`: {e}");
            return ExitStatus::Invalid;
        }
    };
    match decision_log::verify(file) {
        Ok(verified) => {
            let _ = write!(
                io.stdout,
                "{name}: {} line{} chained",
                verified.lines,
                if verified.lines == 1 { "" } else { "s" }
            );
            if let Some(hash) = &verified.last_hash {
                let _ = write!(io.stdout, "; last hash {hash}");
            }
            let _ = writeln!(io.stdout);
            if let Some(line) = verified.incomplete {
                let _ = writeln!(
                    io.stdout,
                    "note: line {line} is incomplete (the server stopped while writing it); \
                     the lines before it are intact"
                );
            }
            ExitStatus::Ok
        }
        Err(broken) => {
            let _ = writeln!(
                io.stderr,
                "error: {name}: line {}: {}",
                broken.line, broken.reason
            );
            ExitStatus::Findings
        }
    }
}

/// The arguments of `juris replay`.
#[derive(clap::Args, Debug)]
pub struct ReplayArgs {
    /// The decision log to replay.
    pub log: PathBuf,
    /// The policy set to decide with now (default: `$JURIS_POLICIES`, the nearest
    /// juris.toml's `policies`, else `policies/`).
    pub paths: Vec<PathBuf>,
    /// How many changed decisions to show.
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub show: usize,
    /// Output format: human (the default) or json.
    #[arg(long, value_parser = super::formats(super::HUMAN_JSON))]
    pub format: Option<Format>,
}

/// Runs `juris replay`: exit 0 when nothing changes, 1 when a decision changes.
pub fn replay(args: ReplayArgs, io: &mut Io) -> ExitStatus {
    let format = match format_of(args.format, io, super::HUMAN_JSON) {
        Ok(f) => f,
        Err(code) => return code,
    };
    let name = load::display_path(&args.log);
    let entries = match std::fs::File::open(&args.log) {
        Ok(f) => match decision_log::read_entries(f) {
            Ok(entries) => entries,
            Err(broken) => {
                let _ = writeln!(
                    io.stderr,
                    "error: {name}: line {}: {}",
                    broken.line, broken.reason
                );
                return ExitStatus::Invalid;
            }
        },
        Err(e) => {
            let _ = writeln!(io.stderr, "error: cannot read `{name}`: {e}");
            return ExitStatus::Invalid;
        }
    };
    let engine = match load::load(&default_paths(args.paths)) {
        Ok(program) => Engine::from_program(program),
        Err(files) => {
            emit_diagnostics(&files, Format::Human, io.stderr, Colour::Plain);
            return ExitStatus::Invalid;
        }
    };
    let report = crate::replay::replay(&engine, &entries, args.show);
    let text = match format {
        Format::Json => pretty(&serde_json::to_value(&report).unwrap_or_default()),
        _ => crate::replay::render(&report),
    };
    let _ = io.stdout.write_all(text.as_bytes());
    ExitStatus::findings_if(report.changed > 0)
}
