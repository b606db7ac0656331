//! `juris batch`: JSON Lines requests in, JSON Lines decisions out, in the same order, on
//! all cores. The work is in [`crate::batch`].

use super::{default_paths, emit_diagnostics, ExitStatus, Format, Io};
use crate::batch::{self, BatchError, Detail, Options, Summary, OUTCOMES};
use crate::diagnostic::{code, Colour, Diagnostic};
use crate::engine::Engine;
use crate::load;
use crate::source::Span;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::{BufWriter, IsTerminal, Write};
use std::path::PathBuf;
use std::time::Instant;

/// The arguments of `juris batch`.
#[derive(clap::Args, Debug)]
#[command(after_long_help = CONTRACT)]
pub struct Args {
    /// Policy files or folders (default: `$JURIS_POLICIES`, the nearest juris.toml's `policies`, else `policies/`).
    pub paths: Vec<PathBuf>,
    /// The requests: a JSON Lines file (one request object per line), or `-` for standard
    /// input.
    #[arg(long, short, value_name = "FILE")]
    pub input: String,
    /// Include each decision's `explanation` (as `juris eval --format json` gives it),
    /// what would change the answer included: a search of its own for each line.
    #[arg(long)]
    pub explain: bool,
    /// Worker threads (default: one per core).
    #[arg(long, short, value_name = "N")]
    pub jobs: Option<usize>,
    /// Lines read, decided and written at a time (memory stays flat whatever the input's
    /// size).
    #[arg(long, value_name = "N", default_value_t = 4096, hide = true)]
    pub chunk_lines: usize,
    /// Limits each line is read within.
    #[command(flatten)]
    pub limits: super::LimitArgs,
    /// The decision log.
    #[command(flatten)]
    pub log: super::log::LogArgs,
}

const CONTRACT: &str = "\
One output line per input line, in the same order: the decision (`decision`, `cites`,
`obligations`, `depends_on`, `cases`, and `explanation` with --explain), or for a line that
is not a valid request an error record, never a decision:
  {\"line\": 12, \"error\": {\"code\": \"R001\", \"name\": \"unknown-key\", \"message\": \"…\"}}
A summary goes to standard error; a progress bar too when it is a terminal.
Exit 0 when every line was decided, 1 when some lines were errors, 2 when the input cannot
be read or the policies do not load.";

/// Runs `juris batch`.
pub fn run(args: Args, io: &mut Io) -> ExitStatus {
    let paths = default_paths(args.paths);
    let engine = match load::load(&paths) {
        Ok(program) => Engine::from_program(program),
        Err(files) => {
            emit_diagnostics(&files, Format::Human, io.stderr, Colour::Plain);
            return ExitStatus::Invalid;
        }
    };
    let log = match args.log.open(io) {
        Ok(log) => log.map(std::sync::Arc::new),
        Err(status) => return status,
    };
    let options = Options {
        detail: if args.explain {
            Detail::Explained
        } else {
            Detail::Decision
        },
        chunk_lines: args.chunk_lines,
        threads: args.jobs,
        limits: args.limits.limits(),
        log,
        stamps: Vec::new(),
    };
    let file = if args.input == "-" {
        None
    } else {
        match std::fs::File::open(&args.input) {
            Ok(f) if f.metadata().is_ok_and(|m| !m.is_dir()) => Some(f),
            Ok(_) => return unreadable(io, &args.input, "it is a folder"),
            Err(e) => return unreadable(io, &args.input, &e.to_string()),
        }
    };
    let terminal = std::io::stderr().is_terminal();
    let started = Instant::now();
    let mut out = BufWriter::with_capacity(1 << 20, &mut *io.stdout);
    let (result, bar) = match file {
        None => {
            let bar = progress(terminal, None);
            let result = batch::run(
                &engine,
                std::io::stdin(),
                &mut out,
                &options,
                &|_, lines| bar.set_position(lines),
            );
            (result, bar)
        }
        Some(file) => {
            let size = file.metadata().map(|m| m.len()).ok();
            let bar = progress(terminal, size);
            let result = batch::run(&engine, file, &mut out, &options, &|bytes, _| {
                bar.set_position(bytes)
            });
            (result, bar)
        }
    };
    bar.finish_and_clear();
    let flushed = out.flush();
    drop(out);
    let summary = match (result, flushed) {
        (Ok(summary), Ok(())) => summary,
        (Err(e), _) => {
            let _ = writeln!(io.stderr, "error: {e}");
            return ExitStatus::Invalid;
        }
        (_, Err(e)) => {
            let _ = writeln!(io.stderr, "error: {}", BatchError::Write(e));
            return ExitStatus::Invalid;
        }
    };
    let _ = writeln!(io.stderr, "{}", describe(&summary));
    if terminal {
        let seconds = started.elapsed().as_secs_f64();
        let _ = writeln!(
            io.stderr,
            "{:.2} s, {:.0} lines/s",
            seconds,
            summary.lines as f64 / seconds.max(1e-9)
        );
    }
    ExitStatus::findings_if(summary.errors > 0)
}

/// The summary line: `10 lines: 3 required, 5 prohibited, 1 undetermined; 1 error (line 4)`.
pub fn describe(summary: &Summary) -> String {
    let counts: Vec<String> = OUTCOMES
        .iter()
        .zip(summary.outcomes)
        .filter(|(_, n)| *n > 0)
        .map(|(o, n)| format!("{n} {}", o.as_str()))
        .collect();
    let decided = if counts.is_empty() {
        "none decided".to_string()
    } else {
        counts.join(", ")
    };
    let errors = match (summary.errors, summary.first_error) {
        (0, _) => "no errors".to_string(),
        (1, Some(line)) => format!("1 error (line {line})"),
        (n, Some(line)) => format!("{n} errors (the first on line {line})"),
        (n, None) => format!("{n} errors"),
    };
    let lines = if summary.lines == 1 { "line" } else { "lines" };
    format!("{} {lines}: {decided}; {errors}", summary.lines)
}

/// A progress bar on standard error when it is a terminal, hidden otherwise: bytes of a
/// file of known size, or a count of lines.
fn progress(terminal: bool, size: Option<u64>) -> ProgressBar {
    if !terminal {
        return ProgressBar::hidden();
    }
    match size {
        Some(size) => {
            let bar = ProgressBar::with_draw_target(Some(size), ProgressDrawTarget::stderr());
            if let Ok(style) = ProgressStyle::with_template(
                "{bar:40} {bytes}/{total_bytes} {bytes_per_sec} eta {eta}",
            ) {
                bar.set_style(style);
            }
            bar
        }
        None => {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            if let Ok(style) = ProgressStyle::with_template("{spinner} {pos} lines {per_sec}") {
                bar.set_style(style);
            }
            bar
        }
    }
}

fn unreadable(io: &mut Io, input: &str, why: &str) -> ExitStatus {
    let d = Diagnostic::new(
        &code::unreadable_path,
        format!("cannot read the input `{input}`: {why}"),
        Span::default(),
    )
    .help("give a JSON Lines file, or `-` to read standard input");
    emit_diagnostics(
        &[load::usage_error(d)],
        Format::Human,
        io.stderr,
        Colour::Plain,
    );
    ExitStatus::Invalid
}
