//! Diagnostics, one fixture per scenario.
//!
//! - `fixtures/diagnostics/<CODE>-<what>.juris`: a policy that must produce `CODE`. It is
//!   loaded (parsed and checked) as `juris check` loads it, lint aside, with its sibling
//!   files (`<CODE>-<what>.terms.juris`, `….tests.juris`) when they are beside it; a line
//!   `// with: <path>` loads another policy beside it. When it checks clean, its own tests
//!   are run as `juris test` runs them, and must fail (`T001`).
//! - `fixtures/requests/<CODE>-<what>.json`: a request decided as `juris eval` decides it,
//!   against `policies/oregon` and the small policy in `fixtures/requests/policy`.
//!
//! Each snapshot holds the input and the rendered report together, and each fixture must
//! produce at least one diagnostic with the code its name starts with. Beyond the
//! snapshots, messages are held to a few rules: a syntax error never says it expected what
//! it found, and no message sends people to a `juris` command that does not exist.

use crate::cli::{run_cli, CliOutput};
use crate::{fixture, input_and_output, relative, settings, with_big_stack};
use juris::diagnostic::render_human;
use std::path::{Path, PathBuf};

/// What checking a policy fixture produced.
pub struct Checked {
    /// The report, rendered without colour at width 100.
    pub rendered: String,
    /// The code of every diagnostic, in order.
    pub codes: Vec<&'static str>,
    /// The message of every diagnostic, in order.
    pub messages: Vec<String>,
}

/// A syntax error never says it expected what it found: "expected … `define` …, found
/// `define`" (the error is reported at the start of an item that failed further in), or
/// "expected a string in quotes, found a string" (the string is not closed). Returns the
/// complaint, if any.
pub fn found_is_expected(message: &str) -> Option<String> {
    let rest = message.strip_prefix("expected ")?;
    let (expected, found) = rest.rsplit_once(", found ")?;
    let words: Vec<&str> = expected.split(", ").flat_map(|w| w.split(" or ")).collect();
    let listed = (found.starts_with('`') && words.contains(&found))
        || (found == "a string" && words.contains(&"a string in quotes"));
    listed.then(|| format!("the message says it expected what it found: {message}"))
}

/// Commands that a message tells people to run (`juris vocabulary`) and that do not exist.
pub fn unknown_commands(text: &str) -> Vec<String> {
    use clap::CommandFactory as _;
    let known: Vec<String> = juris::cli::Cli::command()
        .get_subcommands()
        .map(|c| c.get_name().to_string())
        .collect();
    text.match_indices("`juris ")
        .filter_map(|(i, m)| {
            let word: String = text[i + m.len()..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
                .collect();
            (!word.is_empty() && !known.contains(&word))
                .then(|| format!("`juris {word}` is not a command"))
        })
        .collect()
}

/// The code a fixture exercises: the start of its file name (`C006-…` → `C006`).
pub fn code_of(path: &Path) -> String {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    name.split('-').next().unwrap_or_default().to_string()
}

/// The other policies a fixture asks to be loaded with it (`// with: <path>` lines).
fn companions(path: &Path, text: &str) -> Vec<PathBuf> {
    let dir = path.parent().unwrap_or(Path::new(""));
    text.lines()
        .filter_map(|l| l.strip_prefix("// with: "))
        .filter_map(|rest| rest.split_whitespace().next())
        .map(|p| dir.join(p))
        .collect()
}

/// Loads a policy fixture as `juris check` does; if it checks clean, runs its tests as
/// `juris test` does. Runs on a large stack, so that only Juris's own limits, not the size
/// of the test harness's threads, decide how deep an input may nest.
pub fn check_policy_fixture(path: &Path) -> Checked {
    let path = relative(path);
    let text = std::fs::read_to_string(&path).expect("read the fixture");
    let mut paths = vec![path.clone()];
    paths.extend(companions(&path, &text));
    with_big_stack(move || match juris::load::load(&paths) {
        Err(files) => {
            let all = || files.iter().flat_map(|f| &f.diagnostics);
            Checked {
                rendered: render_human(&files, juris::diagnostic::Colour::Plain, 100),
                codes: all().map(|d| d.code.code).collect(),
                messages: all().map(|d| d.message.clone()).collect(),
            }
        }
        Ok(program) => {
            let failed = program
                .policies
                .iter()
                .any(|p| juris::suite::run(p).iter().any(|r| !r.passed()));
            let mut args = vec!["test".to_string(), "--format".into(), "human".into()];
            args.extend(paths.iter().map(|p| p.to_string_lossy().into_owned()));
            let out = run_cli(&args, "");
            let mut rendered = out.stdout;
            if out.code != u8::from(failed) {
                rendered.push_str(&format!(
                    "\n(`juris test` exited {}; stderr: {})\n",
                    out.code, out.stderr
                ));
            }
            Checked {
                rendered,
                codes: if failed { vec!["T001"] } else { Vec::new() },
                messages: Vec::new(),
            }
        }
    })
}

#[test]
fn policy_fixtures() {
    let mut wrong = Vec::new();
    settings().bind(|| {
        insta::glob!("fixtures/diagnostics/*.juris", |path| {
            // A sibling file is shown with its policy.
            if juris::load::sibling_kind(path).is_some() {
                return;
            }
            let checked = check_policy_fixture(path);
            let code = code_of(path);
            let name = relative(path).to_string_lossy().into_owned();
            if !checked.codes.iter().any(|c| *c == code) {
                wrong.push(format!(
                    "{name} should produce {code}, but produced {:?}:\n{}",
                    checked.codes, checked.rendered
                ));
            }
            wrong.extend(
                checked
                    .messages
                    .iter()
                    .filter_map(|m| found_is_expected(m))
                    .map(|m| format!("{name}: {m}")),
            );
            wrong.extend(
                unknown_commands(&checked.rendered)
                    .into_iter()
                    .map(|m| format!("{name}: {m}")),
            );
            let mut input = std::fs::read_to_string(path).unwrap();
            for kind in juris::ast::SiblingKind::ALL {
                let sibling = juris::load::sibling_path(path, kind);
                if let Ok(text) = std::fs::read_to_string(&sibling) {
                    let shown = relative(&sibling).to_string_lossy().into_owned();
                    input.push_str(&format!("\n── {shown} ──\n{}", crate::show_input(&text)));
                }
            }
            insta::assert_snapshot!(input_and_output(
                &name,
                &input,
                "juris check",
                &checked.rendered
            ));
        });
    });
    assert!(wrong.is_empty(), "{}", wrong.join("\n\n"));
}

/// The policies every request fixture is decided against.
pub fn request_policies() -> Vec<String> {
    vec![
        "policies/oregon".to_string(),
        fixture("requests/policy").to_string_lossy().into_owned(),
    ]
}

/// Decides a request fixture as `juris eval --format json` does.
pub fn eval_request_fixture(path: &Path) -> CliOutput {
    let path = relative(path);
    let mut args = vec!["eval".to_string()];
    args.extend(request_policies());
    args.extend([
        "--request".to_string(),
        path.to_string_lossy().into_owned(),
        "--format".into(),
        "json".into(),
    ]);
    run_cli(&args, "")
}

#[test]
fn request_fixtures() {
    let mut wrong = Vec::new();
    settings().bind(|| {
        insta::glob!("fixtures/requests/*.json", |path| {
            let out = eval_request_fixture(path);
            let code = code_of(path);
            let name = relative(path).to_string_lossy().into_owned();
            if out.code != 2 || !out.stdout.is_empty() || !out.stderr.contains(&format!("{code}::")) {
                wrong.push(format!(
                    "{name}: a refused request exits 2 with nothing on stdout and {code} on stderr; got {out:#?}"
                ));
            }
            wrong.extend(unknown_commands(&out.stderr).into_iter().map(|m| format!("{name}: {m}")));
            let input = std::fs::read_to_string(path).unwrap();
            insta::assert_snapshot!(input_and_output(&name, &input, "juris eval (stderr)", &out.stderr));
        });
    });
    assert!(wrong.is_empty(), "{}", wrong.join("\n\n"));
}

/// Two broken provisions in one file: parsing resumes after the first, so both are reported,
/// each where it is.
#[test]
fn recovery_reports_every_broken_provision() {
    let path = fixture("diagnostics/S001-two-broken-provisions-both-reported.juris");
    let text = std::fs::read_to_string(&path).unwrap();
    let line_of = |needle: &str| {
        text.lines()
            .position(|l| l.trim() == needle)
            .map(|i| i + 1)
            .unwrap()
    };
    let checked = check_policy_fixture(&path);
    assert_eq!(checked.codes, vec!["S001", "S001"], "{}", checked.rendered);
    for line in [line_of("requird"), line_of("when actor is seller and") + 1] {
        assert!(
            checked.rendered.contains(&format!(".juris:{line}:")),
            "an error on line {line}:\n{}",
            checked.rendered
        );
    }
}

/// A checker error in one provision does not hide the errors in the others.
#[test]
fn checker_reports_every_error_of_a_file() {
    let checked =
        check_policy_fixture(&fixture("diagnostics/C002-member-not-in-enumeration.juris"));
    assert_eq!(checked.codes, vec!["C002", "C002"], "{}", checked.rendered);
}

/// `C015` points at the second policy's header, not at the word "policy" in a comment.
#[test]
fn duplicate_jurisdiction_points_at_the_header() {
    let paths = [
        fixture("diagnostics/C015-two-policies-one-jurisdiction.juris"),
        fixture("diagnostics/support/second-wr-policy.juris"),
    ];
    let files = juris::load::load(&paths).expect_err("two policies for `WR`");
    let (file, d) = files
        .iter()
        .flat_map(|f| f.diagnostics.iter().map(move |d| (f, d)))
        .find(|(_, d)| d.code.code == "C015")
        .expect("a C015");
    let (line, _) = file.source.line_col(d.span().start as usize);
    let shown = file.source.text().lines().nth(line - 1).unwrap_or_default();
    assert!(
        shown.starts_with("policy "),
        "the label is on the header `policy \"…\" {{`, not on line {line}: {shown:?}\n{}",
        render_human(&files, juris::diagnostic::Colour::Plain, 100)
    );
}

/// A subsection marked inside its provision and marked again at the top level is marked
/// twice; it is not "encoded".
#[test]
fn nested_marker_marked_again_is_marked_twice() {
    let checked = check_policy_fixture(&fixture(
        "diagnostics/C018-nested-marker-marked-again.juris",
    ));
    assert_eq!(checked.codes, vec!["C018"]);
    assert!(
        checked.messages[0].contains("marked twice") && !checked.rendered.contains("encoded here"),
        "{}",
        checked.rendered
    );
}
