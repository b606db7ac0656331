//! `juris coverage`: per statute, which subsections are encoded, marked or missing; per
//! provision, whether the policy's tests exercise it. The rule is in [`crate::coverage`].

use super::{default_paths, format_of, pretty, ExitStatus, Format, Io};
use crate::coverage::{self, line_of, Coverage, EncodedBy, ReadingOn, Status};
use crate::load;
use std::fmt::Write as _;
use std::path::PathBuf;

/// The arguments of `juris coverage`.
#[derive(clap::Args, Debug)]
#[command(after_long_help = RULE)]
pub struct Args {
    /// Policy files or folders (default: `$JURIS_POLICIES`, the nearest juris.toml's `policies`, else `policies/`).
    pub paths: Vec<PathBuf>,
    /// Output format (default: human).
    #[arg(long, value_parser = super::formats(super::COVERAGE))]
    pub format: Option<Format>,
    /// Fail (exit 1) when a policy encodes or marks less than this percent of its statute's
    /// subsections.
    #[arg(long, value_name = "PERCENT", value_parser = parse_percent)]
    pub min: Option<f64>,
    /// Fail (exit 1) when a policy's tests exercise less than this percent of its
    /// deciding provisions.
    #[arg(long, value_name = "PERCENT", value_parser = parse_percent)]
    pub min_tests: Option<f64>,
}

/// How coverage is counted, for `--help`.
const RULE: &str = "\
A subsection of the statute is, the first that holds:
  encoded                  a provision, a definition or an obligation cites it;
  not encoded/available    a marker declares it, or an ancestor, so (with the reason);
  covered by a provision   its nearest ancestor with a provision or a marker has a
                           provision that decides as a whole (it encodes no subsection);
  missing                  otherwise.
A parent is covered only by what speaks of the parent itself, not by its subsections being
covered: its lead-in needs its own account (the rule of `juris lint`'s L003). Subsections
without any text are left out unless cited or marked. A deciding provision (each rule of
one) is exercised when a test of the policy cites it, or it decides a case of an
undetermined test.";

fn parse_percent(s: &str) -> Result<f64, String> {
    let v: f64 = s
        .trim_end_matches('%')
        .parse()
        .map_err(|_| format!("`{s}` is not a number"))?;
    if (0.0..=100.0).contains(&v) {
        Ok(v)
    } else {
        Err(format!("`{s}` is not a percentage between 0 and 100"))
    }
}

/// Runs `juris coverage`: exit 0, or 1 when a policy is below `--min` or `--min-tests`,
/// or 2 when the policies do not load.
pub fn run(args: Args, io: &mut Io) -> ExitStatus {
    let format = match format_of(args.format, io, super::COVERAGE) {
        Ok(f) => f,
        Err(code) => return code,
    };
    let program = match load::load(&default_paths(args.paths)) {
        Ok(p) => p,
        Err(files) => return super::not_loaded(&files, io),
    };
    let reports: Vec<Coverage> = program
        .policies
        .iter()
        .map(|p| coverage::coverage(p))
        .collect();
    let below_min: Vec<&Coverage> = reports
        .iter()
        .filter(|c| args.min.is_some_and(|m| !c.statute_meets(m)))
        .collect();
    let below_tests: Vec<&Coverage> = reports
        .iter()
        .filter(|c| args.min_tests.is_some_and(|m| !c.tests_meet(m)))
        .collect();
    let passed = below_min.is_empty() && below_tests.is_empty();
    let text = match format {
        Format::Json => pretty(&serde_json::json!({
            "policies": reports.iter().map(coverage::to_json).collect::<Vec<_>>(),
            "min": args.min,
            "min_tests": args.min_tests,
            "passed": passed,
        })),
        // The tracefile alone: a dashboard reads it from standard output or a file; the
        // exit code says whether `--min` and `--min-tests` were met.
        Format::Lcov => reports.iter().map(coverage::to_lcov).collect(),
        // What is not covered, as findings: each subsection nothing encodes or marks
        // (`L003`) and each provision no test exercises (`T002`), at the policy's line.
        Format::Github | Format::Sarif => {
            let files: Vec<_> = program
                .policies
                .iter()
                .zip(&reports)
                .flat_map(|(policy, report)| {
                    policy.file_diagnostics(crate::lint::coverage_findings(policy, report))
                })
                .collect();
            if format == Format::Github {
                crate::report::github::commands(&files)
            } else {
                crate::report::sarif::to_string(&files, &[])
            }
        }
        _ => {
            let mut out = String::new();
            for c in &reports {
                render(&mut out, c);
            }
            for c in &below_min {
                let _ = writeln!(
                    out,
                    "FAIL: {} encodes or marks {:.1}% of its statute, below --min {}%",
                    c.policy,
                    c.statute_percent(),
                    args.min.unwrap_or_default()
                );
            }
            for c in &below_tests {
                let _ = writeln!(
                    out,
                    "FAIL: the tests of {} exercise {:.1}% of its provisions, below --min-tests {}%",
                    c.policy,
                    c.tests_percent(),
                    args.min_tests.unwrap_or_default()
                );
            }
            out
        }
    };
    let _ = io.stdout.write_all(text.as_bytes());
    ExitStatus::findings_if(!passed)
}

/// Words wrapped to the width; lines after the first indented to `indent`.
fn wrap(text: &str, first: usize, indent: usize) -> String {
    super::wrap(text.split_whitespace(), first, indent)
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A cite without the policy's citation prefix.
fn local<'a>(policy: &str, cite: &'a str) -> &'a str {
    cite.strip_prefix(policy).map_or(cite, str::trim_start)
}

fn marker_detail(policy: &str, reason: &str, source: &str, under: Option<&String>) -> String {
    match under {
        Some(at) => format!(
            "line {} (marks {}): {reason}",
            line_of(source),
            local(policy, at)
        ),
        None => format!("line {}: {reason}", line_of(source)),
    }
}

/// The status column and the detail of a subsection.
fn describe(policy: &str, s: &coverage::SubsectionCoverage) -> (&'static str, String) {
    match &s.status {
        Status::Encoded(by) => {
            let list: Vec<String> = by
                .iter()
                .map(|e| match &e.by {
                    EncodedBy::Provision(_) => format!("provision, line {}", line_of(&e.source)),
                    EncodedBy::Definition(name) => {
                        format!("definition `{name}`, line {}", line_of(&e.source))
                    }
                    EncodedBy::Obligation(_) => format!("obligation, line {}", line_of(&e.source)),
                })
                .collect();
            ("encoded", list.join("; "))
        }
        Status::NotEncoded {
            reason,
            source,
            under,
        } => (
            "not encoded",
            marker_detail(policy, reason, source, under.as_ref()),
        ),
        Status::NotAvailable {
            reason,
            source,
            under,
        } => (
            "not available",
            marker_detail(policy, reason, source, under.as_ref()),
        ),
        Status::CoveredByProvision(by) => (
            "covered",
            format!("{} decides as a whole", local(policy, by)),
        ),
        Status::Missing => ("MISSING", format!("statute line {}: “{}”", s.line, s.text)),
    }
}

/// One policy's coverage for people: the subsections, then the provisions.
fn render(out: &mut String, c: &Coverage) {
    let _ = writeln!(out, "{} — {}", c.policy, c.file);
    let _ = writeln!(out, "statute text: {}\n", c.statute);
    let _ = writeln!(out, "Subsections of the statute");
    for s in &c.subsections {
        let path = format!("{}{}", "  ".repeat(s.depth), s.path);
        let (status, detail) = describe(&c.policy, s);
        let head = format!("  {path:<16} {status:<14}");
        let at = head.chars().count() + 1;
        let _ = writeln!(out, "{head} {}", wrap(&detail, at, at));
    }
    for o in &c.outside_text {
        let kind = match o.kind {
            crate::ast::MarkerKind::NotEncoded => "not encoded",
            crate::ast::MarkerKind::NotAvailable => "not available",
        };
        let local = o
            .cite
            .strip_prefix(&c.policy)
            .unwrap_or(&o.cite)
            .trim_start();
        let head = format!("  {local:<16} {kind:<14}");
        let at = head.chars().count() + 1;
        let detail = format!(
            "line {}: {} (not in the statute text; not counted)",
            line_of(&o.source),
            o.reason
        );
        let _ = writeln!(out, "{head} {}", wrap(&detail, at, at));
    }
    let t = c.totals();
    let _ = writeln!(
        out,
        "statute: {} of {} encoded or marked ({:.1}%): {} encoded, {} not encoded,",
        t.covered(),
        plural(t.subsections, "subsection", "subsections"),
        c.statute_percent(),
        t.encoded,
        t.not_encoded,
    );
    let _ = writeln!(
        out,
        "  {} not available, {} covered by a provision, {} missing\n",
        t.not_available, t.covered_by_provision, t.missing
    );
    let _ = writeln!(out, "Provisions and the tests that exercise them");
    for p in &c.provisions {
        let name = match p.rule {
            Some(r) => format!("{} rule {r}", local(&c.policy, &p.cite)),
            None => local(&c.policy, &p.cite).to_string(),
        };
        let tests = match p.tests.len() {
            0 => "NOT EXERCISED".to_string(),
            n => plural(n, "test", "tests"),
        };
        let _ = writeln!(
            out,
            "  {name:<16} {:<14} line {:<5} {tests}",
            crate::explain::effect_name(p.effect),
            line_of(&p.source)
        );
    }
    let _ = writeln!(
        out,
        "tests: {} of {} exercised ({:.1}%)\n",
        c.exercised(),
        plural(c.provisions.len(), "provision", "provisions"),
        c.tests_percent()
    );
    render_readings(out, c);
}

/// The readings of a policy, each with what states it, and their count.
fn render_readings(out: &mut String, c: &Coverage) {
    if !c.readings.is_empty() {
        let _ = writeln!(out, "Readings (interpretive choices)");
        for r in &c.readings {
            let on = match &r.on {
                ReadingOn::Provision => local(&c.policy, &r.cite).to_string(),
                ReadingOn::Definition(name) => format!("`{name}`"),
            };
            let head = format!("  {on:<16} line {:<5}", line_of(&r.source));
            let at = head.chars().count() + 1;
            let text = match &r.on {
                ReadingOn::Provision => r.text.clone(),
                ReadingOn::Definition(_) => {
                    format!("{} (definition, {})", r.text, local(&c.policy, &r.cite))
                }
            };
            let _ = writeln!(out, "{head} {}", wrap(&text, at, at));
        }
    }
    let (provisions, definitions) = c.reading_counts();
    if c.readings.is_empty() {
        let _ = writeln!(out, "readings: none\n");
    } else {
        let on =
            |n: usize, one: &str, many: &str| format!("{n} on {}", if n == 1 { one } else { many });
        let _ = writeln!(
            out,
            "readings: {} ({}, {})\n",
            c.readings.len(),
            on(provisions, "a provision", "provisions"),
            on(definitions, "a definition", "definitions")
        );
    }
}
