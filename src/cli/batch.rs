//! `juris batch`: requests in, decisions out, in the same order, on all cores: JSON Lines
//! (the work is in [`crate::batch`]), or a table, Parquet, Arrow IPC or CSV, a request per
//! row ([`crate::batch::table`]).

use super::{default_paths, emit_diagnostics, ExitStatus, Format, Io};
use crate::batch::table::{self, Format as TableFormat, Layout};
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
    /// The requests: a JSON Lines file (one request object per line) or `-` for standard
    /// input; or a table, a request per row: a Parquet, Arrow IPC or CSV file.
    #[arg(long, short, value_name = "FILE")]
    pub input: String,
    /// Where the decisions go (default: standard output, for JSON Lines). A table's output is
    /// a table, so it needs `--output FILE` (or `-` for standard output when it is not a
    /// terminal).
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<String>,
    /// The input's format (default: from its extension, else JSON Lines).
    #[arg(long, value_name = "FORMAT")]
    pub input_format: Option<TableFormat>,
    /// The output's format (default: from its extension, else the input's).
    #[arg(long, value_name = "FORMAT")]
    pub output_format: Option<TableFormat>,
    /// A table's column that tells its rows apart (`customer_id`): carried to the output
    /// beside each decision, and never read as a fact.
    #[arg(long, value_name = "COLUMN")]
    pub key: Option<String>,
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
JSON Lines: one output line per input line, in the same order: the decision (`decision`,
`cites`, `obligations`, `depends_on`, `cases`, and `explanation` with --explain), or for a
line that is not a valid request an error record, never a decision:
  {\"line\": 12, \"error\": {\"code\": \"R001\", \"name\": \"unknown-key\", \"message\": \"…\"}}
Tables (Parquet, Arrow IPC, CSV): a request per row, each column a fact by its dotted name
(`customer.usage_amw`) or `jurisdiction`; a null cell is an unknown fact. The output has a
row per input row, in order: the --key column, `row`, `decision`, `cites`, `obligations`,
`depends_on`, `cases` (JSON), `explanation` (JSON, with --explain), and for a row that is
not a valid request `error_code`, `error_name`, `error_message`, `error_key`, `error_help`
and `errors` instead of a decision. A column that is no fact refuses the whole table.
A summary goes to standard error; a progress bar too when it is a terminal.
Exit 0 when every line was decided, 1 when some lines were errors, 2 when the input cannot
be read or the policies do not load.";

/// Runs `juris batch`.
pub fn run(mut args: Args, io: &mut Io) -> ExitStatus {
    let paths = default_paths(std::mem::take(&mut args.paths));
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
    let in_format = args
        .input_format
        .or_else(|| TableFormat::of_path(std::path::Path::new(&args.input)))
        .unwrap_or(TableFormat::Jsonl);
    let out_format = args
        .output_format
        .or_else(|| {
            args.output
                .as_deref()
                .filter(|o| *o != "-")
                .and_then(|o| TableFormat::of_path(std::path::Path::new(o)))
        })
        .unwrap_or(in_format);
    if in_format.is_table() != out_format.is_table() {
        return usage(
            io,
            format!(
                "the input is {} and the output {}: JSON Lines give JSON Lines, a table gives a table",
                in_format.name(),
                out_format.name()
            ),
            "give the output a table's extension (.parquet, .arrow, .csv) for a table, or .jsonl for JSON Lines",
        );
    }
    if in_format.is_table() {
        return run_table(args, io, &engine, options, in_format, out_format);
    }
    if args.key.is_some() {
        return usage(
            io,
            "--key names a table's column, and the input is JSON Lines".to_string(),
            "JSON Lines keep their order: the output's line N answers the input's line N",
        );
    }
    let mut to_file = match args.output.as_deref() {
        None | Some("-") => None,
        Some(path) => match std::fs::File::create(path) {
            Ok(f) => Some(f),
            Err(e) => return unwritable(io, path, &e.to_string()),
        },
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
    let target: &mut dyn Write = match &mut to_file {
        Some(f) => f,
        None => &mut *io.stdout,
    };
    let mut out = BufWriter::with_capacity(1 << 20, target);
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
    finished(io, &summary, "line", terminal.then_some(started))
}

/// The summary line: `10 lines: 3 required, 5 prohibited, 1 undetermined; 1 error (line 4)`
/// (`unit` is `line` or `row`).
pub fn describe(summary: &Summary, unit: &str) -> String {
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
        (1, Some(line)) => format!("1 error ({unit} {line})"),
        (n, Some(line)) => format!("{n} errors (the first on {unit} {line})"),
        (n, None) => format!("{n} errors"),
    };
    let plural = if summary.lines == 1 { "" } else { "s" };
    format!("{} {unit}{plural}: {decided}; {errors}", summary.lines)
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
    refuse(
        io,
        &code::unreadable_path,
        format!("cannot read the input `{input}`: {why}"),
        "give a JSON Lines file, or `-` to read standard input",
    )
}

/// `juris batch` on a table: a request per row, a table out.
fn run_table(
    args: Args,
    io: &mut Io,
    engine: &Engine,
    options: Options,
    in_format: TableFormat,
    out_format: TableFormat,
) -> ExitStatus {
    if args.input == "-" {
        return usage(
            io,
            format!("a {} table is read from a file, not standard input", in_format.name()),
            "give the table's path: `juris batch --input requests.parquet --output decisions.parquet`",
        );
    }
    let terminal = std::io::stderr().is_terminal();
    let started = Instant::now();
    let source = match table::open(std::path::Path::new(&args.input), in_format) {
        Ok(source) => source,
        Err(e) => return table_error(io, &e),
    };
    let layout = Layout {
        detail: options.detail,
        key: args.key.clone(),
        row_numbers: true,
        text_cells: in_format == TableFormat::Csv,
    };
    // The plan is checked before the output is created, so a refused table leaves no file.
    if let Err(e) = table::Plan::new(engine, source.schema.clone(), layout.clone(), &options) {
        return table_error(io, &e);
    }
    let bar = progress_rows(terminal, source.rows);
    let result = match args.output.as_deref() {
        None => {
            return usage(
                io,
                format!("a {} table's decisions are a table: name the file to write", in_format.name()),
                "add `--output decisions.parquet` (or .arrow, .csv); `--output -` writes to standard output",
            )
        }
        Some("-") => {
            if out_format != TableFormat::Csv && std::io::stdout().is_terminal() {
                return usage(
                    io,
                    format!("{} is binary and standard output is a terminal", out_format.name()),
                    "write to a file (`--output decisions.parquet`) or pipe standard output",
                );
            }
            let out = BufWriter::with_capacity(1 << 20, std::io::stdout());
            table::run(engine, source, out, out_format, layout, &options, &|rows| bar.set_position(rows))
        }
        Some(path) => {
            let file = match std::fs::File::create(path) {
                Ok(f) => f,
                Err(e) => return unwritable(io, path, &e.to_string()),
            };
            let out = BufWriter::with_capacity(1 << 20, file);
            table::run(engine, source, out, out_format, layout, &options, &|rows| bar.set_position(rows))
        }
    };
    bar.finish_and_clear();
    if result.is_err() {
        // A table cut short is not a table of decisions: none is left behind.
        if let Some(path) = args.output.as_deref().filter(|p| *p != "-") {
            let _ = std::fs::remove_file(path);
        }
    }
    let summary = match result {
        Ok(summary) => summary,
        Err(BatchError::Table(e)) => return table_error(io, &e),
        Err(e) => {
            let _ = writeln!(io.stderr, "error: {e}");
            return ExitStatus::Invalid;
        }
    };
    finished(io, &summary, "row", terminal.then_some(started))
}

/// Writes the summary (and on a terminal, the time and rate) to standard error; exit 1 when
/// some lines or rows were errors.
fn finished(io: &mut Io, summary: &Summary, unit: &str, started: Option<Instant>) -> ExitStatus {
    let _ = writeln!(io.stderr, "{}", describe(summary, unit));
    if let Some(started) = started {
        let seconds = started.elapsed().as_secs_f64();
        let _ = writeln!(
            io.stderr,
            "{:.2} s, {:.0} {unit}s/s",
            seconds,
            summary.lines as f64 / seconds.max(1e-9)
        );
    }
    ExitStatus::findings_if(summary.errors > 0)
}

/// A progress bar of rows on standard error when it is a terminal.
fn progress_rows(terminal: bool, rows: Option<u64>) -> ProgressBar {
    if !terminal {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(rows, ProgressDrawTarget::stderr());
    let template = if rows.is_some() {
        "{bar:40} {pos}/{len} rows {per_sec} eta {eta}"
    } else {
        "{spinner} {pos} rows {per_sec}"
    };
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style);
    }
    bar
}

fn table_error(io: &mut Io, e: &table::TableError) -> ExitStatus {
    refuse(io, e.code, e.message.clone(), &e.help)
}

fn usage(io: &mut Io, message: String, help: &str) -> ExitStatus {
    refuse(io, &code::unreadable_table, message, help)
}

fn unwritable(io: &mut Io, output: &str, why: &str) -> ExitStatus {
    refuse(
        io,
        &code::unreadable_path,
        format!("cannot write the output `{output}`: {why}"),
        "give a file in a folder that exists and can be written",
    )
}

/// Writes a usage diagnostic (no source span) to standard error; exit 2.
fn refuse(
    io: &mut Io,
    code: &'static crate::diagnostic::Code,
    message: String,
    help: &str,
) -> ExitStatus {
    let d = Diagnostic::new(code, message, Span::default()).help(help);
    emit_diagnostics(
        &[load::usage_error(d)],
        Format::Human,
        io.stderr,
        Colour::Plain,
    );
    ExitStatus::Invalid
}
