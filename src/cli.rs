//! The command line: clap derive, one function per subcommand, each ending in an
//! [`ExitStatus`] (exit codes 0 / 1 / 2).

use crate::diagnostic::{self, code, Colour, Diagnostic, FileDiagnostics};
use crate::engine::Engine;
use crate::explain;
use crate::load;
use crate::request::locate::Point;
use crate::request::{Limits, RequestError};
use crate::source::{SourceFile, Span};
use crate::suite;
use clap::{Parser, Subcommand, ValueEnum};
use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

/// Juris: policy-as-code for law.
#[derive(Parser, Debug)]
#[command(name = "juris", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

mod ask;
mod batch;
mod coverage;
mod diff;
mod fmt;
mod lint;
mod log;
mod new;
mod serve;

pub use crate::ask::unplaced_diagnostic;

/// Which findings fail a findings command (`check`, `lint`): exit 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// Errors only (a policy that does not check; a rule `juris.toml` denies).
    Error,
    /// Errors and warnings (not `L007`, an undecided question, unless denied).
    Warning,
    /// Nothing: findings are reported and the exit code is 0 (2 still for bad input).
    Never,
}

impl FailOn {
    /// Whether these findings fail: `errors` of them errors, `failing` errors or warnings
    /// that fail lint ([`crate::lint::fails_lint`]).
    pub fn fails(self, errors: usize, failing: usize) -> bool {
        match self {
            FailOn::Error => errors > 0,
            FailOn::Warning => failing > 0,
            FailOn::Never => false,
        }
    }
}

/// Output formats. `sarif` and `github` are for findings (`check`, `lint`, `test`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// For people (the default; colour only on a terminal and never with `NO_COLOR`).
    Human,
    /// Stable JSON.
    Json,
    /// SARIF 2.1.0, for code-scanning dashboards.
    Sarif,
    /// GitHub Actions workflow annotations.
    Github,
    /// A lawyer's memo in Markdown (`ask`).
    Markdown,
    /// An lcov tracefile (`coverage`): the statute's subsections and the policy's
    /// provisions as lines, for coverage dashboards.
    Lcov,
    /// JUnit XML (`test`), for CI test reports.
    Junit,
}

/// The formats of a command that writes for people or as JSON.
pub(crate) const HUMAN_JSON: &[Format] = &[Format::Human, Format::Json];

/// The formats of findings (`check`, `lint`).
pub(crate) const FINDINGS: &[Format] =
    &[Format::Human, Format::Json, Format::Sarif, Format::Github];

/// The formats of `coverage`.
pub(crate) const COVERAGE: &[Format] = &[
    Format::Human,
    Format::Json,
    Format::Lcov,
    Format::Github,
    Format::Sarif,
];

/// The formats of `test`.
pub(crate) const TESTS: &[Format] = &[
    Format::Human,
    Format::Json,
    Format::Junit,
    Format::Github,
    Format::Sarif,
];

/// The formats of `diff`.
pub(crate) const DIFF: &[Format] = &[
    Format::Human,
    Format::Json,
    Format::Github,
    Format::Markdown,
];

/// The formats of `ask`.
pub(crate) const MEMO: &[Format] = &[Format::Human, Format::Markdown, Format::Json];

/// A `--format` parser that takes (and `--help` lists) only the formats a command writes.
pub(crate) fn formats(
    allowed: &'static [Format],
) -> impl clap::builder::TypedValueParser<Value = Format> {
    let values: Vec<clap::builder::PossibleValue> = allowed
        .iter()
        .filter_map(|f| f.to_possible_value())
        .collect();
    use clap::builder::TypedValueParser as _;
    clap::builder::PossibleValuesParser::new(values).map(move |name: String| {
        // The parser admits only these names; the first format stands for none.
        allowed
            .iter()
            .copied()
            .find(|f| {
                f.to_possible_value()
                    .is_some_and(|v| v.matches(&name, true))
            })
            .unwrap_or(allowed[0])
    })
}

/// The subcommands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Parse and check policies: names, types, cites against the statute text, exceptions.
    Check {
        /// Policy files or folders (default: `$JURIS_POLICIES`, the nearest juris.toml's `policies`, else `policies/`).
        paths: Vec<PathBuf>,
        /// Output format (default: human).
        #[arg(long, value_parser = formats(FINDINGS))]
        format: Option<Format>,
        /// Which findings exit 1: `error` (the default: a policy that does not check, a rule
        /// juris.toml denies), `warning` (lint warnings too), `never`.
        #[arg(long, value_enum, value_name = "LEVEL", default_value = "error")]
        fail_on: FailOn,
    },
    /// Decide a request and explain the decision.
    Eval {
        /// Policy files or folders (default: `$JURIS_POLICIES`, the nearest juris.toml's `policies`, else `policies/`).
        paths: Vec<PathBuf>,
        /// The request: a JSON file, or `-` for standard input.
        #[arg(long, short)]
        request: String,
        /// Output format (default: human).
        #[arg(long, value_parser = formats(HUMAN_JSON))]
        format: Option<Format>,
        /// Limits the request is read within.
        #[command(flatten)]
        limits: LimitArgs,
        /// The decision log.
        #[command(flatten)]
        log: log::LogArgs,
    },
    /// Run the tests written in the policies.
    Test {
        /// Policy files or folders (default: `$JURIS_POLICIES`, the nearest juris.toml's `policies`, else `policies/`).
        paths: Vec<PathBuf>,
        /// Output format (default: human): `github` and `sarif` report each failing test at
        /// its line; `junit` writes the JUnit XML report.
        #[arg(long, value_parser = formats(TESTS))]
        format: Option<Format>,
        /// Rewrite the golden explanation files that are missing or differ, and say which.
        #[arg(long)]
        update: bool,
        /// Also write a JUnit XML report to this file (one testsuite per policy).
        #[arg(long, value_name = "FILE")]
        junit: Option<PathBuf>,
    },
    /// Explain a diagnostic code (`C006` or `unknown-cite`); without one, list them all.
    Explain {
        /// The code.
        code: Option<String>,
    },
    /// Format policies in the one canonical layout.
    Fmt(fmt::Args),
    /// Find drafting defects: conflicts, unreachable provisions, coverage gaps, unused names.
    Lint(lint::Args),
    /// Which subsections are encoded, marked or missing; which provisions tests exercise.
    Coverage(coverage::Args),
    /// The requests whose decision or cites differ between two versions of a policy.
    Diff(diff::Args),
    /// Decide many requests on all cores: JSON Lines, or a Parquet, Arrow IPC or CSV table.
    Batch(batch::Args),
    /// Answer a question in plain words, like a lawyer's memo.
    Ask(ask::Args),
    /// Begin a policy from its statute text: every subsection marked `not encoded "to do"`.
    New(new::Args),
    /// Serve the language server protocol on standard input and output, for editors.
    Lsp,
    /// Serve decisions over HTTP, with receipts and a chained decision log.
    Serve(serve::Args),
    /// Check a decision log's chain: exit 1 naming the first edited or misplaced line.
    VerifyLog(log::VerifyArgs),
    /// Decide a decision log's requests again with another policy set; report what changes.
    Replay(log::ReplayArgs),
}

/// Parses the command line and runs it.
pub fn run() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(
                match e.kind() {
                    clap::error::ErrorKind::DisplayHelp
                    | clap::error::ErrorKind::DisplayVersion => ExitStatus::Ok,
                    _ => ExitStatus::Invalid,
                }
                .code(),
            );
        }
    };
    if let Command::Lsp = cli.command {
        // The server writes to standard output from a thread of its own: no lock is held
        // here.
        return ExitCode::from(lsp(&mut std::io::stderr()).code());
    }
    let mut stdout = std::io::stdout().lock();
    // Standard error is not held locked: `serve` logs to it from its worker threads.
    let mut stderr = std::io::stderr();
    let code = run_command(
        cli.command,
        &mut Io {
            stdout: &mut stdout,
            stderr: &mut stderr,
            stdin: &mut |most| {
                let mut bytes = Vec::new();
                std::io::stdin()
                    .take(most)
                    .read_to_end(&mut bytes)
                    .map(|_| bytes)
            },
            terminal: std::io::stdin().is_terminal(),
            colour: Colour::for_output(std::io::stdout().is_terminal()),
        },
    );
    ExitCode::from(code)
}

/// The limits a request is read within (`juris eval`, and each line of `juris batch`).
#[derive(clap::Args, Debug, Clone, Copy)]
pub struct LimitArgs {
    /// The most bytes a request (a line, for `batch`) may have.
    #[arg(long, value_name = "BYTES", default_value_t = Limits::DEFAULT.max_bytes)]
    pub max_request_bytes: usize,
    /// The deepest objects and arrays of a request may nest.
    #[arg(long, value_name = "LEVELS", default_value_t = Limits::DEFAULT.max_depth)]
    pub max_depth: usize,
    /// The most bytes a key or string value of a request may have.
    #[arg(long, value_name = "BYTES", default_value_t = Limits::DEFAULT.max_string)]
    pub max_string_bytes: usize,
}

impl LimitArgs {
    /// The limits these flags set.
    pub fn limits(self) -> Limits {
        Limits {
            max_bytes: self.max_request_bytes,
            max_depth: self.max_depth,
            max_string: self.max_string_bytes,
        }
    }
}

/// Where a command reads and writes; tests pass buffers.
pub struct Io<'a> {
    /// Standard output.
    pub stdout: &'a mut dyn Write,
    /// Standard error.
    pub stderr: &'a mut dyn Write,
    /// Reads standard input, at most this many bytes (`u64::MAX`: all of it).
    pub stdin: &'a mut dyn FnMut(u64) -> std::io::Result<Vec<u8>>,
    /// Whether standard input is a terminal (`ask --interactive` reads answers line by line).
    pub terminal: bool,
    /// Colour for output to people ([`Colour::for_output`]).
    pub colour: Colour,
}

/// The width human output is drawn at.
pub(crate) const WIDTH: usize = 100;

/// How a command ended: its exit status, mapped to the process's exit code in one place
/// ([`ExitStatus::code`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExitStatus {
    /// Exit 0: done, nothing to report.
    Ok,
    /// Exit 1: the command ran and found something (a check or lint finding, a failed
    /// test, a difference, a request refused, a threshold missed).
    Findings,
    /// Exit 2: the command could not run as asked (a usage error, an unreadable path, an
    /// invalid configuration).
    Invalid,
}

impl ExitStatus {
    /// `Findings` when there are findings, else `Ok`.
    pub fn findings_if(found: bool) -> ExitStatus {
        if found {
            ExitStatus::Findings
        } else {
            ExitStatus::Ok
        }
    }

    /// The process exit code: 0, 1 or 2.
    pub fn code(self) -> u8 {
        match self {
            ExitStatus::Ok => 0,
            ExitStatus::Findings => 1,
            ExitStatus::Invalid => 2,
        }
    }
}

/// Runs a parsed command; returns the exit code ([`ExitStatus::code`]).
pub fn run_command(command: Command, io: &mut Io) -> u8 {
    run_status(command, io).code()
}

/// Runs a parsed command; returns how it ended.
pub fn run_status(command: Command, io: &mut Io) -> ExitStatus {
    match command {
        Command::Check {
            paths,
            format,
            fail_on,
        } => check(paths, format, fail_on, io),
        Command::Eval {
            paths,
            request,
            format,
            limits,
            log,
        } => eval(paths, &request, format, limits.limits(), &log, io),
        Command::Test {
            paths,
            format,
            update,
            junit,
        } => test(paths, format, update, junit, io),
        Command::Explain { code } => explain_code(code.as_deref(), io),
        Command::Fmt(args) => fmt::run(args, io),
        Command::Lint(args) => lint::run(args, io),
        Command::Coverage(args) => coverage::run(args, io),
        Command::Diff(args) => diff::run(args, io),
        Command::Batch(args) => batch::run(args, io),
        Command::Ask(args) => ask::run(args, io),
        Command::New(args) => new::run(args, io),
        Command::Lsp => lsp(io.stderr),
        Command::Serve(args) => serve::run(args, io),
        Command::VerifyLog(args) => log::verify(args, io),
        Command::Replay(args) => log::replay(args, io),
    }
}

/// Pieces of text joined with spaces and wrapped at [`WIDTH`]: the first line starts at
/// column `first`, the lines after it are indented to `indent`.
pub(crate) fn wrap<S: AsRef<str>>(
    pieces: impl IntoIterator<Item = S>,
    first: usize,
    indent: usize,
) -> String {
    let mut out = String::new();
    let mut col = first;
    for (i, piece) in pieces.into_iter().enumerate() {
        let piece = piece.as_ref();
        let len = piece.chars().count();
        if i > 0 {
            if col + 1 + len > WIDTH {
                out.push('\n');
                out.push_str(&" ".repeat(indent));
                col = indent;
            } else {
                out.push(' ');
                col += 1;
            }
        }
        out.push_str(piece);
        col += len;
    }
    out
}

/// The paths given, else where policies are looked for by default
/// ([`crate::config::default_policy_paths`]).
fn default_paths(paths: Vec<PathBuf>) -> Vec<PathBuf> {
    if paths.is_empty() {
        crate::config::default_policy_paths()
    } else {
        paths
    }
}

/// The format to use: the one asked for if the command supports it (else a usage error,
/// exit 2), or human: output is for people unless a format is asked for, also when piped.
pub(crate) fn format_of(
    format: Option<Format>,
    io: &mut Io,
    allowed: &[Format],
) -> Result<Format, ExitStatus> {
    let chosen = format.unwrap_or(Format::Human);
    if allowed.contains(&chosen) {
        return Ok(chosen);
    }
    let names: Vec<String> = allowed
        .iter()
        .filter_map(|f| f.to_possible_value().map(|v| format!("`{}`", v.get_name())))
        .collect();
    let asked = chosen
        .to_possible_value()
        .map(|v| v.get_name().to_string())
        .unwrap_or_default();
    let _ = writeln!(
        io.stderr,
        "error: this command does not write `{asked}`; use --format {}",
        names.join(" or ")
    );
    Err(ExitStatus::Invalid)
}

fn emit_diagnostics(files: &[FileDiagnostics], format: Format, to: &mut dyn Write, colour: Colour) {
    let text = match format {
        Format::Json => pretty(&crate::report::json::diagnostics(files)),
        Format::Sarif => crate::report::sarif::to_string(files, &[]),
        Format::Github => crate::report::github::commands(files),
        _ => diagnostic::render_human(files, colour, WIDTH),
    };
    let _ = to.write_all(text.as_bytes());
}

pub(crate) fn pretty(value: &serde_json::Value) -> String {
    let mut s = serde_json::to_string_pretty(value).unwrap_or_default();
    s.push('\n');
    s
}

/// Whether the diagnostics are usage problems (paths) rather than findings in policies.
/// A policy set that did not load, for the commands that gate CI on it (`test`, `coverage`):
/// the diagnostics on standard error; exit 2 when a path could not be read (usage), else
/// exit 1 — a policy that does not parse or check fails its tests, as a failed test does.
pub(crate) fn not_loaded(files: &[FileDiagnostics], io: &mut Io) -> ExitStatus {
    emit_diagnostics(files, Format::Human, io.stderr, Colour::Plain);
    if is_usage(files) {
        ExitStatus::Invalid
    } else {
        ExitStatus::Findings
    }
}

fn is_usage(files: &[FileDiagnostics]) -> bool {
    files
        .iter()
        .flat_map(|f| &f.diagnostics)
        .any(|d| d.code.code.starts_with('U'))
}

fn check(paths: Vec<PathBuf>, format: Option<Format>, fail_on: FailOn, io: &mut Io) -> ExitStatus {
    let format = match format_of(format, io, FINDINGS) {
        Ok(f) => f,
        Err(code) => return code,
    };
    let paths = default_paths(paths);
    match load::load(&paths) {
        // Lint warnings are shown; only errors and denied findings fail.
        Ok(program) => lint::check_program(&program, format, fail_on, io),
        // A path that cannot be read is a usage error: exit 2, a diagnostic on standard
        // error and nothing on standard output (as `eval` and `test` report it), not a
        // finding of the check in its `--format`.
        Err(files) if is_usage(&files) => {
            emit_diagnostics(&files, Format::Human, io.stderr, Colour::Plain);
            ExitStatus::Invalid
        }
        Err(files) => {
            emit_diagnostics(&files, format, io.stdout, io.colour);
            ExitStatus::findings_if(fail_on != FailOn::Never)
        }
    }
}

/// `juris lsp`: exit 0 after `shutdown` and `exit`, 1 after an `exit` without `shutdown`
/// (as the protocol asks), 2 when the connection fails.
fn lsp(stderr: &mut dyn Write) -> ExitStatus {
    match crate::lsp::run_stdio() {
        Ok(crate::lsp::Ending::Clean) => ExitStatus::Ok,
        Ok(crate::lsp::Ending::Abrupt) => ExitStatus::Findings,
        Err(e) => {
            let _ = writeln!(stderr, "error: the language server stopped: {e}");
            ExitStatus::Invalid
        }
    }
}

fn eval(
    paths: Vec<PathBuf>,
    request: &str,
    format: Option<Format>,
    limits: Limits,
    log: &log::LogArgs,
    io: &mut Io,
) -> ExitStatus {
    let format = match format_of(format, io, HUMAN_JSON) {
        Ok(f) => f,
        Err(code) => return code,
    };
    let log = match log.open(io) {
        Ok(log) => log,
        Err(status) => return status,
    };
    let paths = default_paths(paths);
    let engine = match load::load(&paths) {
        Ok(program) => Engine::from_program(program),
        Err(files) => {
            emit_diagnostics(&files, Format::Human, io.stderr, Colour::Plain);
            return ExitStatus::Invalid;
        }
    };
    // Read no further than one byte over the size limit: a huge request is refused unread.
    let most = u64::try_from(limits.max_bytes)
        .unwrap_or(u64::MAX)
        .saturating_add(1);
    let (name, bytes) = if request == "-" {
        match (io.stdin)(most) {
            Ok(bytes) => ("<stdin>".to_string(), bytes),
            Err(e) => {
                return usage(
                    io,
                    &format!("cannot read the request from standard input: {e}"),
                )
            }
        }
    } else {
        let read = std::fs::File::open(request).and_then(|file| {
            let mut bytes = Vec::new();
            file.take(most).read_to_end(&mut bytes).map(|_| bytes)
        });
        match read {
            Ok(t) => (load::display_path(std::path::Path::new(request)), t),
            Err(e) => {
                let d = Diagnostic::new(
                    &code::unreadable_path,
                    format!("cannot read the request `{request}`: {e}"),
                    Span::default(),
                )
                .help("give a JSON file, or `-` to read standard input");
                emit_diagnostics(
                    &[load::usage_error(d)],
                    Format::Human,
                    io.stderr,
                    Colour::Plain,
                );
                return ExitStatus::Invalid;
            }
        }
    };
    let (policy, request) = match engine.request_from_slice(&bytes, limits) {
        Ok(ok) => ok,
        Err(errors) => {
            let source = SourceFile::new(name, String::from_utf8_lossy(&bytes).into_owned());
            let diagnostics = errors
                .iter()
                .map(|e| request_diagnostic(&source, e))
                .collect();
            emit_request_errors(&source, diagnostics, io);
            return ExitStatus::Invalid;
        }
    };
    let decision = engine.decide_explained(policy, &request);
    if let Some(log) = &log {
        // The reader accepted the request, so it is JSON a `Value` holds.
        let json: serde_json::Value = serde_json::from_slice(&bytes).unwrap_or_default();
        let stamp = crate::receipt::PolicyStamp::of(policy);
        if let Err(e) = log.record(&stamp, &json, &explain::decision_json(policy, &decision)) {
            return usage(io, &format!("cannot write the decision log: {e}"));
        }
    }
    let text = match format {
        Format::Json => pretty(&explain::to_json(policy, &decision, &request)),
        _ => explain::human::render(
            policy,
            &decision,
            &request,
            explain::human::Style {
                colour: io.colour,
                width: WIDTH,
            },
        ),
    };
    let _ = io.stdout.write_all(text.as_bytes());
    ExitStatus::Ok
}

fn usage(io: &mut Io, message: &str) -> ExitStatus {
    let _ = writeln!(io.stderr, "error: {message}");
    ExitStatus::Invalid
}

/// A request error as a diagnostic pointing into the request text.
pub fn request_diagnostic(source: &SourceFile, error: &RequestError) -> Diagnostic {
    let span = error.span_in(source.text());
    let label = match (error.at, error.points_at) {
        (Some(_), _) if error.code == &code::duplicate_key => "given again here",
        (Some(_), _) => "here",
        (None, Point::Key) => "not in the vocabulary",
        (None, Point::Value) => "this value",
    };
    Diagnostic::new(error.code, error.message.clone(), span)
        .label(label)
        .maybe_help(error.help.clone())
}

fn emit_request_errors(source: &SourceFile, mut diagnostics: Vec<Diagnostic>, io: &mut Io) {
    diagnostics.sort_by_key(|d| d.span().start);
    let mut files = Vec::new();
    let mut whole = Vec::new();
    for d in diagnostics {
        match clipped(source, &d) {
            Some(file) => files.push(file),
            None => whole.push(d),
        }
    }
    if !whole.is_empty() {
        files.insert(
            0,
            FileDiagnostics {
                source: source.clone(),
                diagnostics: whole,
            },
        );
    }
    emit_diagnostics(&files, Format::Human, io.stderr, Colour::Plain);
}

/// The most bytes of a request's line a diagnostic shows: a longer line is shown as an
/// excerpt around the label, so that a huge request never floods the output.
const SHOWN_LINE: usize = 160;

/// A diagnostic on a line longer than [`SHOWN_LINE`], with its file cut to an excerpt of
/// that line (at the same line number); `None` when the line is short enough to show.
fn clipped(source: &SourceFile, d: &Diagnostic) -> Option<FileDiagnostics> {
    let text = source.text();
    let at = (d.span().start as usize).min(text.len());
    let line_start = text.get(..at)?.rfind('\n').map_or(0, |i| i + 1);
    let line_end = text.get(at..)?.find('\n').map_or(text.len(), |i| at + i);
    if line_end - line_start <= SHOWN_LINE {
        return None;
    }
    let mut from = at.saturating_sub(SHOWN_LINE / 3).max(line_start);
    while !text.is_char_boundary(from) {
        from -= 1;
    }
    let mut to = (from + SHOWN_LINE).min(line_end);
    while !text.is_char_boundary(to) {
        to -= 1;
    }
    let (line, _) = source.line_col(at);
    let mut excerpt = "\n".repeat(line - 1);
    if from > line_start {
        excerpt.push('…');
    }
    let shift = excerpt.len();
    excerpt.push_str(text.get(from..to)?);
    if to < line_end {
        excerpt.push('…');
    }
    let mut d = d.clone();
    for label in &mut d.labels {
        let start = (label.span.start as usize).clamp(from, to) - from + shift;
        let end = (label.span.end as usize).clamp(from, to) - from + shift;
        label.span = Span::new(start, end.max(start + 1).min(shift + to - from));
    }
    Some(FileDiagnostics {
        source: SourceFile::new(source.name(), excerpt),
        diagnostics: vec![d],
    })
}

fn test(
    paths: Vec<PathBuf>,
    format: Option<Format>,
    update: bool,
    junit: Option<PathBuf>,
    io: &mut Io,
) -> ExitStatus {
    let format = match format_of(format, io, TESTS) {
        Ok(f) => f,
        Err(code) => return code,
    };
    let human = format == Format::Human;
    let paths = default_paths(paths);
    let program = match load::load(&paths) {
        Ok(p) => p,
        Err(files) => return not_loaded(&files, io),
    };
    let goldens = if update {
        suite::Goldens::Update
    } else {
        suite::Goldens::Check
    };
    let runs: Vec<crate::report::junit::PolicyRun> = program
        .policies
        .iter()
        .map(|policy| crate::report::junit::PolicyRun {
            policy,
            results: policy
                .tests
                .iter()
                .map(|t| {
                    let start = std::time::Instant::now();
                    let result = suite::run_one_with(policy, t, goldens);
                    (result, start.elapsed())
                })
                .collect(),
        })
        .collect();
    let mut passed = 0;
    let mut failed = 0;
    let mut written: Vec<String> = Vec::new();
    let mut json = Vec::new();
    let mut failures: Vec<(Vec<FileDiagnostics>, Option<String>)> = Vec::new();
    for run in &runs {
        let policy = run.policy;
        if human {
            let tests = policy.tests_file().name();
            if tests == policy.source.name() {
                let _ = writeln!(io.stdout, "{} ({})", policy.source.name(), policy.citation);
            } else {
                let _ = writeln!(
                    io.stdout,
                    "{} ({}), tests in {tests}",
                    policy.source.name(),
                    policy.citation
                );
            }
        }
        for (result, _) in &run.results {
            let (file, at) = policy.locate(result.test.span);
            let (line, _) = file.line_col(at.start as usize);
            if result.passed() {
                passed += 1;
            } else {
                failed += 1;
            }
            let wrote = result
                .golden
                .as_ref()
                .filter(|g| g.status == suite::GoldenStatus::Written)
                .map(|g| load::display_path(&g.path));
            if let Some(path) = &wrote {
                written.push(path.clone());
            }
            if format == Format::Json {
                json.push(test_json(policy, result, line));
            }
            if human {
                let status = if result.passed() { "ok  " } else { "FAIL" };
                let note = wrote.map(|p| format!("  (wrote {p})")).unwrap_or_default();
                let _ = writeln!(
                    io.stdout,
                    "  {status} {}  [line {line}]{note}",
                    result.test.name
                );
            }
            if !result.passed() {
                failures.push((
                    test_failure(policy, result),
                    result.golden_diff().map(str::to_string),
                ));
            }
        }
    }
    // Each failing test as a finding at its line (`T001`), for the CI formats.
    let failing: Vec<FileDiagnostics> = failures
        .iter()
        .flat_map(|(files, _)| files.iter().cloned())
        .collect();
    match format {
        Format::Json => {
            let report = serde_json::json!({"passed": passed, "failed": failed, "written": written, "tests": json});
            let _ = io.stdout.write_all(pretty(&report).as_bytes());
        }
        Format::Github => {
            let _ = io
                .stdout
                .write_all(crate::report::github::commands(&failing).as_bytes());
        }
        Format::Sarif => {
            let _ = io
                .stdout
                .write_all(crate::report::sarif::to_string(&failing, &[]).as_bytes());
        }
        Format::Junit => match crate::report::junit::report(&runs) {
            Ok(xml) => {
                let _ = io.stdout.write_all(xml.as_bytes());
            }
            Err(e) => return usage(io, &format!("cannot write the JUnit report: {e}")),
        },
        _ => {
            for (file, diff) in &failures {
                let _ = writeln!(io.stdout);
                emit_diagnostics(file, Format::Human, io.stdout, io.colour);
                if let Some(diff) = diff {
                    let _ = io.stdout.write_all(diff.as_bytes());
                }
            }
            if update {
                let _ = writeln!(
                    io.stdout,
                    "\nwrote {} golden {}",
                    written.len(),
                    if written.len() == 1 {
                        "explanation"
                    } else {
                        "explanations"
                    }
                );
            }
            let _ = writeln!(io.stdout, "\n{passed} passed, {failed} failed");
        }
    }
    if let Some(path) = junit {
        let xml = match crate::report::junit::report(&runs) {
            Ok(xml) => xml,
            Err(e) => return usage(io, &format!("cannot write the JUnit report: {e}")),
        };
        if let Err(e) = std::fs::write(&path, xml) {
            return usage(
                io,
                &format!("cannot write the JUnit report `{}`: {e}", path.display()),
            );
        }
    }
    ExitStatus::findings_if(failed > 0)
}

/// One test's result as JSON: what it expected, what the policy decided, the golden.
fn test_json(
    policy: &crate::ir::Policy,
    result: &suite::TestResult,
    line: usize,
) -> serde_json::Value {
    let test = result.test;
    let decision = &result.decision;
    let golden = result.golden.as_ref().map(|g| {
        let (status, diff) = match &g.status {
            suite::GoldenStatus::Matches => ("matches", None),
            suite::GoldenStatus::Differs(diff) => ("differs", Some(diff.clone())),
            suite::GoldenStatus::Missing => ("missing", None),
            suite::GoldenStatus::Unreadable(_) => ("unreadable", None),
            suite::GoldenStatus::Written => ("written", None),
            suite::GoldenStatus::WriteFailed(_) => ("write_failed", None),
        };
        serde_json::json!({"file": g.name, "status": status, "diff": diff})
    });
    let sources: Vec<String> = decision
        .cites
        .iter()
        .map(|&l| {
            let node = policy.node(policy.leaf(l).node);
            let (line, _) = policy.source.line_col(node.label_span.start as usize);
            format!("{}:{line}", policy.source.name())
        })
        .collect();
    serde_json::json!({
        "policy": policy.citation,
        "file": policy.locate(test.span).0.name(),
        "line": line,
        "test": test.name,
        "passed": result.passed(),
        "failures": result.failures,
        "expected": {
            "decision": test.outcome.as_str(),
            "cites": test.cites,
            "obligations": test.obligations,
            "depends_on": test.depends_on,
        },
        "actual": {
            "decision": decision.outcome.as_str(),
            "cites": crate::eval::cite_strings(policy, decision),
            "sources": sources,
            "obligations": suite::obligation_cites(policy, decision),
            "depends_on": decision.depends_on.iter().map(|f| policy.fact(*f).name.clone()).collect::<Vec<_>>(),
        },
        "golden": golden,
    })
}

/// A failed policy test as a `T001` diagnostic at its expectation (in the file the test is
/// written in), with a label on each provision that decided and, in the help, expected and
/// actual side by side (then the golden diff).
fn test_failure(policy: &crate::ir::Policy, result: &suite::TestResult) -> Vec<FileDiagnostics> {
    let mut d = Diagnostic::new(
        &code::test_failed,
        format!("test `{}` failed", result.test.name),
        result.test.expect_span,
    )
    .label(result.failures.join("; "));
    // The deciding provisions, when the decision or its cites are what failed.
    let golden_failed = result.golden.as_ref().is_some_and(|g| {
        !matches!(
            g.status,
            suite::GoldenStatus::Matches | suite::GoldenStatus::Written
        )
    });
    let decision_failed = result.failures.len() > usize::from(golden_failed);
    if result.decision.outcome != crate::eval::Outcome::Undetermined && decision_failed {
        for &leaf in &result.decision.cites {
            let node = policy.node(policy.leaf(leaf).node);
            d = d.with_related(diagnostic::Related {
                source: policy.source.clone(),
                message: format!(
                    "{} decided `{}`",
                    node.cite.full,
                    result.decision.outcome.as_str()
                ),
                label: Some(diagnostic::Label {
                    span: node.label_span,
                    text: "the deciding provision".to_string(),
                }),
            });
        }
    }
    let hint = match result.golden.as_ref().map(|g| &g.status) {
        Some(suite::GoldenStatus::Differs(_) | suite::GoldenStatus::Missing) => {
            "if the new decision and explanation are right, fix the expectation and run `juris test --update`"
        }
        _ => "if the new decision is right, update the expectation",
    };
    d = d.help(format!(
        "expected and actual:\n{}\n{hint}",
        suite::side_by_side(policy, result)
    ));
    policy.file_diagnostics(vec![d])
}

fn explain_code(key: Option<&str>, io: &mut Io) -> ExitStatus {
    match key {
        None => {
            for c in diagnostic::CODES {
                let _ = writeln!(io.stdout, "{}  {:<24} {}", c.code, c.name, c.summary);
            }
            ExitStatus::Ok
        }
        Some(key) => match diagnostic::lookup(key) {
            Some(c) => {
                let _ = writeln!(
                    io.stdout,
                    "{} {} ({})\n\n{}\n\n{}",
                    c.code,
                    c.name,
                    c.severity.as_str(),
                    c.summary,
                    c.explanation
                );
                ExitStatus::Ok
            }
            None => {
                let names: Vec<&str> = diagnostic::CODES
                    .iter()
                    .map(|c| c.code)
                    .chain(diagnostic::CODES.iter().map(|c| c.name))
                    .collect();
                let hint = diagnostic::did_you_mean(key, names)
                    .map(|s| format!(" (did you mean `{s}`?)"))
                    .unwrap_or_default();
                let _ = writeln!(
                    io.stderr,
                    "error: `{key}` is not a diagnostic code{hint}; `juris explain` lists them"
                );
                ExitStatus::Invalid
            }
        },
    }
}
