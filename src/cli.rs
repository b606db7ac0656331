//! The command line: clap derive, one function per subcommand, exit codes 0 / 1 / 2.

use crate::diagnostic::{self, code, Diagnostic, FileDiagnostics};
use crate::engine::Engine;
use crate::explain;
use crate::load;
use crate::request::{locate::locate, RequestError};
use crate::source::{SourceFile, Span};
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

/// Output formats. `sarif` and `github` are for findings (`check`, `lint`, `test`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// For people (miette, no colour unless on a terminal).
    Human,
    /// Stable JSON.
    Json,
    /// SARIF 2.1.0, for code-scanning dashboards.
    Sarif,
    /// GitHub Actions workflow annotations.
    Github,
    /// A lawyer's memo in Markdown (`ask`).
    Markdown,
}

/// The subcommands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Parse and check policies: names, types, cites against the statute text, exceptions.
    Check {
        /// Policy files or folders (default: `policies/`).
        paths: Vec<PathBuf>,
        /// Output format (default: human on a terminal, json otherwise).
        #[arg(long, value_enum)]
        format: Option<Format>,
    },
    /// Decide a request and explain the decision.
    Eval {
        /// Policy files or folders (default: `policies/`).
        paths: Vec<PathBuf>,
        /// The request: a JSON file, or `-` for standard input.
        #[arg(long, short)]
        request: String,
        /// Output format (default: human on a terminal, json otherwise).
        #[arg(long, value_enum)]
        format: Option<Format>,
    },
    /// Run the tests written in the policies.
    Test {
        /// Policy files or folders (default: `policies/`).
        paths: Vec<PathBuf>,
        /// Output format (default: human on a terminal, json otherwise).
        #[arg(long, value_enum)]
        format: Option<Format>,
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
    /// Decide a stream of JSON Lines requests on all cores.
    Batch(batch::Args),
    /// Answer a question in plain words, like a lawyer's memo.
    Ask(ask::Args),
}

/// Parses the command line and runs it.
pub fn run() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(match e.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => 0,
                _ => 2,
            });
        }
    };
    let mut stdout = std::io::stdout().lock();
    let mut stderr = std::io::stderr().lock();
    let code = run_command(cli.command, &mut Io {
        stdout: &mut stdout,
        stderr: &mut stderr,
        stdin: &mut || {
            let mut s = String::new();
            std::io::stdin().read_to_string(&mut s).map(|_| s)
        },
        terminal: std::io::stdout().is_terminal(),
    });
    ExitCode::from(code)
}

/// Where a command reads and writes; tests pass buffers.
pub struct Io<'a> {
    /// Standard output.
    pub stdout: &'a mut dyn Write,
    /// Standard error.
    pub stderr: &'a mut dyn Write,
    /// Reads all of standard input.
    pub stdin: &'a mut dyn FnMut() -> std::io::Result<String>,
    /// Whether standard output is a terminal (colour, human format by default).
    pub terminal: bool,
}

/// The width human output is drawn at.
pub(crate) const WIDTH: usize = 100;

/// Runs a parsed command; returns the exit code.
pub fn run_command(command: Command, io: &mut Io) -> u8 {
    match command {
        Command::Check { paths, format } => check(paths, format, io),
        Command::Eval { paths, request, format } => eval(paths, &request, format, io),
        Command::Test { paths, format } => test(paths, format, io),
        Command::Explain { code } => explain_code(code.as_deref(), io),
        Command::Fmt(args) => fmt::run(args, io),
        Command::Lint(args) => lint::run(args, io),
        Command::Coverage(args) => coverage::run(args, io),
        Command::Diff(args) => diff::run(args, io),
        Command::Batch(args) => batch::run(args, io),
        Command::Ask(args) => ask::run(args, io),
    }
}

fn default_paths(paths: Vec<PathBuf>) -> Vec<PathBuf> {
    if paths.is_empty() {
        vec![PathBuf::from("policies")]
    } else {
        paths
    }
}

/// The format to use: the one asked for if the command supports it (else a usage error,
/// exit 2), or human on a terminal and JSON otherwise.
pub(crate) fn format_of(format: Option<Format>, io: &mut Io, allowed: &[Format]) -> Result<Format, u8> {
    let chosen = format.unwrap_or(if io.terminal { Format::Human } else { Format::Json });
    if allowed.contains(&chosen) {
        return Ok(chosen);
    }
    let names: Vec<String> = allowed
        .iter()
        .filter_map(|f| f.to_possible_value().map(|v| format!("`{}`", v.get_name())))
        .collect();
    let asked = chosen.to_possible_value().map(|v| v.get_name().to_string()).unwrap_or_default();
    let _ = writeln!(
        io.stderr,
        "error: this command does not write `{asked}`; use --format {}",
        names.join(" or ")
    );
    Err(2)
}

fn emit_diagnostics(files: &[FileDiagnostics], format: Format, to: &mut dyn Write, color: bool) {
    let text = match format {
        Format::Json => pretty(&crate::report::json::diagnostics(files)),
        _ => diagnostic::render_human(files, color, WIDTH),
    };
    let _ = to.write_all(text.as_bytes());
}

pub(crate) fn pretty(value: &serde_json::Value) -> String {
    let mut s = serde_json::to_string_pretty(value).unwrap_or_default();
    s.push('\n');
    s
}

/// Whether the diagnostics are usage problems (paths) rather than findings in policies.
fn is_usage(files: &[FileDiagnostics]) -> bool {
    files
        .iter()
        .flat_map(|f| &f.diagnostics)
        .any(|d| d.code.code.starts_with('U'))
}

fn check(paths: Vec<PathBuf>, format: Option<Format>, io: &mut Io) -> u8 {
    let format = match format_of(format, io, &[Format::Human, Format::Json]) {
        Ok(f) => f,
        Err(code) => return code,
    };
    let paths = default_paths(paths);
    match load::load(&paths) {
        Ok(program) => {
            match format {
                Format::Json => {
                    let _ = io.stdout.write_all(pretty(&serde_json::json!([])).as_bytes());
                }
                _ => {
                    let _ = writeln!(
                        io.stdout,
                        "{} {} checked clean",
                        program.policies.len(),
                        if program.policies.len() == 1 { "policy" } else { "policies" }
                    );
                    for p in &program.policies {
                        let _ = writeln!(io.stdout, "  {} — {} ({})", p.source.name(), p.citation, p.jurisdiction);
                    }
                }
            }
            0
        }
        Err(files) => {
            emit_diagnostics(&files, format, io.stdout, io.terminal);
            if is_usage(&files) {
                2
            } else {
                1
            }
        }
    }
}

fn eval(paths: Vec<PathBuf>, request: &str, format: Option<Format>, io: &mut Io) -> u8 {
    let format = match format_of(format, io, &[Format::Human, Format::Json]) {
        Ok(f) => f,
        Err(code) => return code,
    };
    let paths = default_paths(paths);
    let engine = match load::load(&paths) {
        Ok(program) => Engine::from_program(program),
        Err(files) => {
            emit_diagnostics(&files, Format::Human, io.stderr, false);
            return 2;
        }
    };
    let (name, text) = if request == "-" {
        match (io.stdin)() {
            Ok(t) => ("<stdin>".to_string(), t),
            Err(e) => return usage(io, &format!("cannot read the request from standard input: {e}")),
        }
    } else {
        match std::fs::read_to_string(request) {
            Ok(t) => (load::display_path(std::path::Path::new(request)), t),
            Err(e) => {
                let d = Diagnostic::new(&code::unreadable_path, format!("cannot read the request `{request}`: {e}"), Span::default())
                    .help("give a JSON file, or `-` to read standard input");
                emit_diagnostics(&[load::usage_error(d)], Format::Human, io.stderr, false);
                return 2;
            }
        }
    };
    let source = SourceFile::new(name, text);
    let json: serde_json::Value = match serde_json::from_str(source.text()) {
        Ok(v) => v,
        Err(e) => {
            let offset = offset_of(source.text(), e.line(), e.column());
            let d = Diagnostic::new(&code::invalid_json, format!("the request is not valid JSON: {}", json_reason(&e)), Span::new(offset, offset + 1))
                .label("here")
                .help("a request is one JSON object, e.g. `{\"jurisdiction\": \"OR\", \"actor\": \"electric_company\"}`");
            emit_request_errors(&source, vec![d], io);
            return 2;
        }
    };
    let (policy, request) = match engine.request_from_json(&json) {
        Ok(ok) => ok,
        Err(errors) => {
            let diagnostics = errors.iter().map(|e| request_diagnostic(&source, e)).collect();
            emit_request_errors(&source, diagnostics, io);
            return 2;
        }
    };
    let decision = engine.decide_traced(policy, &request);
    let text = match format {
        Format::Json => pretty(&explain::to_json(policy, &decision, &request)),
        _ => explain::human::render(
            policy,
            &decision,
            &request,
            explain::human::Style {
                color: io.terminal,
                width: WIDTH,
            },
        ),
    };
    let _ = io.stdout.write_all(text.as_bytes());
    0
}

fn usage(io: &mut Io, message: &str) -> u8 {
    let _ = writeln!(io.stderr, "error: {message}");
    2
}

/// A request error as a diagnostic pointing into the request text.
pub fn request_diagnostic(source: &SourceFile, error: &RequestError) -> Diagnostic {
    let span = if error.key.is_empty() {
        Span::new(0, source.text().len().min(1))
    } else {
        locate(source.text(), &error.key, error.at_key)
            .or_else(|| locate(source.text(), &error.key, true))
            .unwrap_or_else(|| Span::new(0, source.text().len().min(1)))
    };
    let label = if error.at_key { "not in the vocabulary" } else { "this value" };
    Diagnostic::new(error.code, error.message.clone(), span)
        .label(label)
        .maybe_help(error.help.clone())
}

fn emit_request_errors(source: &SourceFile, mut diagnostics: Vec<Diagnostic>, io: &mut Io) {
    diagnostics.sort_by_key(|d| d.span().start);
    let file = FileDiagnostics {
        source: source.clone(),
        diagnostics,
    };
    emit_diagnostics(&[file], Format::Human, io.stderr, false);
}

fn json_reason(e: &serde_json::Error) -> String {
    let s = e.to_string();
    match s.find(" at line ") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let mut offset = 0;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            return (offset + column.saturating_sub(1)).min(text.len());
        }
        offset += l.len();
    }
    text.len().saturating_sub(1)
}

fn test(paths: Vec<PathBuf>, format: Option<Format>, io: &mut Io) -> u8 {
    let format = match format_of(format, io, &[Format::Human, Format::Json]) {
        Ok(f) => f,
        Err(code) => return code,
    };
    let paths = default_paths(paths);
    let program = match load::load(&paths) {
        Ok(p) => p,
        Err(files) => {
            emit_diagnostics(&files, Format::Human, io.stderr, false);
            return 2;
        }
    };
    let mut passed = 0;
    let mut failed = 0;
    let mut json = Vec::new();
    let mut failures: Vec<FileDiagnostics> = Vec::new();
    for policy in &program.policies {
        if format != Format::Json {
            let _ = writeln!(io.stdout, "{} ({})", policy.source.name(), policy.citation);
        }
        for result in crate::suite::run(policy) {
            let (line, _) = policy.source.line_col(result.test.span.start as usize);
            if result.passed() {
                passed += 1;
            } else {
                failed += 1;
            }
            match format {
                Format::Human | Format::Sarif | Format::Github | Format::Markdown => {
                    let status = if result.passed() { "ok  " } else { "FAIL" };
                    let _ = writeln!(io.stdout, "  {status} {}  [line {line}]", result.test.name);
                    if !result.passed() {
                        failures.push(test_failure(policy, &result));
                    }
                }
                Format::Json => json.push(serde_json::json!({
                    "policy": policy.citation,
                    "file": policy.source.name(),
                    "line": line,
                    "test": result.test.name,
                    "passed": result.passed(),
                    "failures": result.failures,
                })),
            }
        }
    }
    match format {
        Format::Human | Format::Sarif | Format::Github | Format::Markdown => {
            if !failures.is_empty() {
                let _ = writeln!(io.stdout);
                emit_diagnostics(&failures, Format::Human, io.stdout, io.terminal);
            }
            let _ = writeln!(io.stdout, "\n{passed} passed, {failed} failed");
        }
        Format::Json => {
            let _ = io.stdout.write_all(pretty(&serde_json::json!({"passed": passed, "failed": failed, "tests": json})).as_bytes());
        }
    }
    u8::from(failed > 0)
}

/// A failed policy test as a `T001` diagnostic at its expectation, expected beside actual.
fn test_failure(policy: &crate::ir::Policy, result: &crate::suite::TestResult) -> FileDiagnostics {
    let d = Diagnostic::new(
        &code::test_failed,
        format!("test `{}` failed", result.test.name),
        result.test.expect_span,
    )
    .label(result.failures.join("; "))
    .help(format!(
        "the policy decided `{}`{}; if the new decision is right, update the expectation",
        result.decision.outcome.as_str(),
        if result.decision.cites.is_empty() {
            String::new()
        } else {
            format!(
                " citing {}",
                result
                    .decision
                    .cites
                    .iter()
                    .map(|&l| policy.cite_of(l))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }
    ));
    FileDiagnostics {
        source: policy.source.clone(),
        diagnostics: vec![d],
    }
}

fn explain_code(key: Option<&str>, io: &mut Io) -> u8 {
    match key {
        None => {
            for c in diagnostic::CODES {
                let _ = writeln!(io.stdout, "{}  {:<24} {}", c.code, c.name, c.summary);
            }
            0
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
                0
            }
            None => {
                let names: Vec<&str> = diagnostic::CODES.iter().map(|c| c.code).chain(diagnostic::CODES.iter().map(|c| c.name)).collect();
                let hint = diagnostic::did_you_mean(key, names).map(|s| format!(" (did you mean `{s}`?)")).unwrap_or_default();
                let _ = writeln!(io.stderr, "error: `{key}` is not a diagnostic code{hint}; `juris explain` lists them");
                2
            }
        },
    }
}
