//! The command line: exit codes, and what goes to stdout and stderr, for `check`, `eval`,
//! `test` and `explain`, driven in memory through `juris::cli::run_command`.

use crate::{example_1, fixture, settings};
use clap::Parser as _;
use juris::cli::{run_command, Cli, Io};

/// What a command wrote and returned.
#[derive(Debug)]
pub struct CliOutput {
    /// The exit code.
    pub code: u8,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

/// Runs `juris <args>` in memory, with `stdin` as standard input, not on a terminal.
pub fn run_cli<S: AsRef<str>>(args: &[S], stdin: &str) -> CliOutput {
    let argv = std::iter::once("juris").chain(args.iter().map(AsRef::as_ref));
    let cli = Cli::try_parse_from(argv).expect("the arguments parse");
    let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
    let stdin = stdin.as_bytes().to_vec();
    let mut read = move |most: u64| {
        let most = usize::try_from(most).unwrap_or(usize::MAX);
        Ok(stdin[..stdin.len().min(most)].to_vec())
    };
    let code = run_command(
        cli.command,
        &mut Io {
            stdout: &mut stdout,
            stderr: &mut stderr,
            stdin: &mut read,
            terminal: false,
            colour: juris::diagnostic::Colour::Plain,
        },
    );
    CliOutput {
        code,
        stdout: String::from_utf8(stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(stderr).expect("stderr is UTF-8"),
    }
}

/// Runs `juris <args>` in memory, with an empty standard input.
pub fn juris(args: &[&str]) -> CliOutput {
    run_cli(args, "")
}

/// A snapshot of one run: the command, its exit code, stdout and stderr.
fn transcript(args: &[&str], out: &CliOutput) -> String {
    format!(
        "$ juris {}\nexit code: {}\n── stdout ──\n{}── stderr ──\n{}",
        args.join(" "),
        out.code,
        out.stdout,
        out.stderr
    )
}

/// Runs a command, asserts its exit code, and snapshots the transcript under `name`.
fn snapshot(name: &str, args: &[&str], stdin: &str, code: u8) -> CliOutput {
    let out = run_cli(args, stdin);
    assert_eq!(
        out.code,
        code,
        "exit code of `juris {}`:\n{out:#?}",
        args.join(" ")
    );
    settings().bind(|| insta::assert_snapshot!(name, transcript(args, &out)));
    out
}

const CLI_FIXTURES: &str = "tests/it/fixtures/cli";

// ---------------------------------------------------------------------------- check

#[test]
fn check_clean_human() {
    let out = snapshot(
        "check_clean_human",
        &["check", "policies/oregon", "--format", "human"],
        "",
        0,
    );
    assert_eq!(out.stderr, "");
}

#[test]
fn check_clean_json_is_an_empty_array() {
    let out = run_cli(&["check", "policies/oregon", "--format", "json"], "");
    assert_eq!(out.code, 0);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&out.stdout).unwrap(),
        serde_json::json!([])
    );
}

#[test]
fn check_with_errors_human() {
    let path = fixture("diagnostics/C006-subsection-not-in-the-text.juris");
    let path = path.to_str().unwrap();
    snapshot(
        "check_with_errors_human",
        &["check", path, "--format", "human"],
        "",
        1,
    );
}

#[test]
fn check_with_errors_json() {
    let path = fixture("diagnostics/S001-two-broken-provisions-both-reported.juris");
    let path = path.to_str().unwrap();
    let out = snapshot(
        "check_with_errors_json",
        &["check", path, "--format", "json"],
        "",
        1,
    );
    let json: serde_json::Value = serde_json::from_str(&out.stdout).expect("stdout is JSON");
    let items = json.as_array().expect("an array of diagnostics");
    assert_eq!(items.len(), 2);
    for item in items {
        assert_eq!(item["code"], "S001");
        assert_eq!(item["name"], "syntax-error");
        assert_eq!(item["severity"], "error");
        assert_eq!(item["file"], path);
        assert!(item["line"].as_u64().unwrap() > 0);
    }
}

/// A file with errors among clean ones: every file is checked, the clean ones stay quiet.
#[test]
fn check_reports_only_the_broken_file_of_several() {
    let broken = fixture("diagnostics/C001-misspelt-fact.juris");
    let out = run_cli(
        &[
            "check",
            "policies/oregon",
            broken.to_str().unwrap(),
            "--format",
            "json",
        ],
        "",
    );
    assert_eq!(out.code, 1);
    let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let files: Vec<&str> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["file"].as_str().unwrap())
        .collect();
    assert_eq!(files, vec![broken.to_str().unwrap()]);
}

#[test]
fn check_missing_path_is_a_usage_error() {
    snapshot(
        "check_missing_path",
        &["check", "policies/nowhere", "--format", "human"],
        "",
        2,
    );
}

#[test]
fn check_missing_path_json() {
    // A usage error, not a finding: nothing on stdout in any format, the diagnostic on
    // stderr, exit 2.
    let out = run_cli(&["check", "policies/nowhere", "--format", "json"], "");
    assert_eq!(out.code, 2);
    assert_eq!(out.stdout, "");
    assert!(
        out.stderr.contains("U001::unreadable-path"),
        "{}",
        out.stderr
    );
}

#[test]
fn check_folder_without_policies_is_a_usage_error() {
    let out = snapshot(
        "check_no_policies",
        &[
            "check",
            "tests/it/fixtures/cli/no-policies",
            "--format",
            "human",
        ],
        "",
        2,
    );
    assert!(out.stderr.contains("U002::no-policies"), "{}", out.stderr);
    assert_eq!(out.stdout, "");
}

// ---------------------------------------------------------------------------- eval

fn write_request(name: &str, request: &serde_json::Value) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("juris-it-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, serde_json::to_string_pretty(request).unwrap()).unwrap();
    path
}

#[test]
fn eval_refuses_a_negative_usage() {
    // `customer.usage_amw: number >= 0`: a negative usage is refused like a wrong type, in
    // every format, never decided.
    let mut request = example_1();
    request["customer"]["usage_amw"] = (-0.3).into();
    let path = write_request("negative-usage.json", &request);
    for format in ["human", "json"] {
        let out = run_cli(
            &[
                "eval",
                "policies/oregon",
                "--request",
                path.to_str().unwrap(),
                "--format",
                format,
            ],
            "",
        );
        assert_eq!(out.code, 2, "{out:#?}");
        assert_eq!(out.stdout, "", "nothing on stdout");
        assert!(out.stderr.contains("R006"), "{}", out.stderr);
        assert!(out.stderr.contains("customer.usage_amw"), "{}", out.stderr);
    }
}

#[test]
fn eval_human() {
    let request = write_request("example-1-human.json", &example_1());
    let out = run_cli(
        &[
            "eval",
            "policies/oregon",
            "--request",
            request.to_str().unwrap(),
            "--format",
            "human",
        ],
        "",
    );
    assert_eq!(out.code, 0, "{out:#?}");
    assert_eq!(out.stderr, "");
    let args = [
        "eval",
        "policies/oregon",
        "--request",
        "example-1.json",
        "--format",
        "human",
    ];
    settings().bind(|| insta::assert_snapshot!("eval_human", transcript(&args, &out)));
}

#[test]
fn eval_json() {
    let request = write_request("example-1-json.json", &example_1());
    let out = run_cli(
        &[
            "eval",
            "policies/oregon",
            "--request",
            request.to_str().unwrap(),
            "--format",
            "json",
        ],
        "",
    );
    assert_eq!(out.code, 0, "{out:#?}");
    assert_eq!(out.stderr, "");
    let json: serde_json::Value =
        serde_json::from_str(&out.stdout).expect("stdout is one JSON object");
    assert_eq!(json["decision"], "required");
    assert_eq!(json["cites"], serde_json::json!(["OAR 860-086-0030(2)(h)"]));
    let args = [
        "eval",
        "policies/oregon",
        "--request",
        "example-1.json",
        "--format",
        "json",
    ];
    settings().bind(|| insta::assert_snapshot!("eval_json", transcript(&args, &out)));
}

/// Without `--format`, every command writes for people, also when its output is piped
/// (as here), and without colour off a terminal.
#[test]
fn output_is_human_by_default_when_piped() {
    let text = example_1().to_string();
    let runs = [
        (vec!["eval", "policies/oregon", "--request", "-"], text.as_str(), "REQUIRED: the act must be done"),
        (vec!["check", "policies"], "", "3 policies checked clean"),
        (vec!["coverage", "policies"], "", "OAR 860-086-0030"),
        (
            vec!["ask", "May the electric company transfer a customer's social security number to the Administrator in Oregon?"],
            "",
            "OAR 860-086-0030(3)(a)",
        ),
    ];
    for (args, stdin, expected) in runs {
        let out = run_cli(&args, stdin);
        assert_eq!(out.code, 0, "{args:?}: {out:#?}");
        assert!(
            serde_json::from_str::<serde_json::Value>(&out.stdout).is_err(),
            "{args:?} wrote JSON by default:\n{}",
            out.stdout
        );
        assert!(out.stdout.contains(expected), "{args:?}:\n{}", out.stdout);
        assert!(
            !out.stdout.contains('\u{1b}'),
            "{args:?} wrote colour off a terminal"
        );
    }
}

#[test]
fn eval_reads_the_request_from_stdin() {
    let mut request = example_1();
    request["data"] = "ssn".into();
    let out = snapshot(
        "eval_stdin",
        &[
            "eval",
            "policies/oregon",
            "--request",
            "-",
            "--format",
            "json",
        ],
        &serde_json::to_string_pretty(&request).unwrap(),
        0,
    );
    let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(json["decision"], "prohibited");
    assert_eq!(json["cites"], serde_json::json!(["OAR 860-086-0030(3)(a)"]));
}

/// Refused requests: exit 2, a diagnostic naming the key on stderr, nothing on stdout.
fn refused(name: &str, request: &str, code: &str, naming: &str) {
    let args = [
        "eval",
        "policies/oregon",
        "--request",
        "-",
        "--format",
        "json",
    ];
    let out = snapshot(name, &args, request, 2);
    assert_eq!(out.stdout, "", "nothing on stdout");
    assert!(
        out.stderr.contains(&format!("{code}::")),
        "{code} expected:\n{}",
        out.stderr
    );
    assert!(
        out.stderr.contains(naming),
        "the diagnostic names `{naming}`:\n{}",
        out.stderr
    );
}

#[test]
fn eval_undeclared_key() {
    let mut request = example_1();
    request["customer"]["usage_amv"] = 0.3.into();
    refused(
        "eval_undeclared_key",
        &serde_json::to_string_pretty(&request).unwrap(),
        "R001",
        "customer.usage_amv",
    );
}

#[test]
fn eval_wrong_type() {
    let mut request = example_1();
    request["customer"]["usage_amw"] = "0.3".into();
    refused(
        "eval_wrong_type",
        &serde_json::to_string_pretty(&request).unwrap(),
        "R002",
        "customer.usage_amw",
    );
}

#[test]
fn eval_unknown_enum_value() {
    let mut request = example_1();
    request["data"] = "meter_numbr".into();
    let text = serde_json::to_string_pretty(&request).unwrap();
    refused("eval_unknown_enum_value", &text, "R003", "meter_numbr");
    let out = run_cli(&["eval", "policies/oregon", "--request", "-"], &text);
    assert!(
        out.stderr.contains("did you mean `meter_number`?"),
        "{}",
        out.stderr
    );
}

#[test]
fn eval_invalid_json() {
    refused(
        "eval_invalid_json",
        "{\"jurisdiction\": \"OR\", \"actor\": }",
        "R004",
        "not valid JSON",
    );
}

#[test]
fn eval_missing_request_file() {
    let out = snapshot(
        "eval_missing_request_file",
        &[
            "eval",
            "policies/oregon",
            "--request",
            "tests/it/fixtures/cli/no-such-request.json",
            "--format",
            "json",
        ],
        "",
        2,
    );
    assert_eq!(out.stdout, "");
    assert!(out.stderr.contains("U001::"), "{}", out.stderr);
}

#[test]
fn eval_missing_policy_path() {
    let out = run_cli(
        &[
            "eval",
            "policies/nowhere",
            "--request",
            "-",
            "--format",
            "json",
        ],
        "{}",
    );
    assert_eq!(out.code, 2);
    assert_eq!(out.stdout, "");
    assert!(out.stderr.contains("U001::"), "{}", out.stderr);
}

/// A policy with errors: `eval` decides nothing (exit 2, diagnostics on stderr).
#[test]
fn eval_with_a_broken_policy() {
    let broken = fixture("diagnostics/C001-misspelt-fact.juris");
    let out = run_cli(
        &[
            "eval",
            broken.to_str().unwrap(),
            "--request",
            "-",
            "--format",
            "json",
        ],
        "{\"actor\": \"seller\"}",
    );
    assert_eq!(out.code, 2);
    assert_eq!(out.stdout, "");
    assert!(out.stderr.contains("C001::"), "{}", out.stderr);
}

#[test]
fn eval_sarif_is_not_supported() {
    let err = Cli::try_parse_from([
        "juris",
        "eval",
        "policies/oregon",
        "--request",
        "-",
        "--format",
        "sarif",
    ])
    .unwrap_err();
    assert_eq!(err.exit_code(), 2);
    let text = err.to_string();
    assert!(text.contains("[possible values: human, json]"), "{text}");
    settings().bind(|| insta::assert_snapshot!("eval_sarif", text));
}

// ---------------------------------------------------------------------------- test

#[test]
fn test_passing() {
    let path = format!("{CLI_FIXTURES}/passing");
    let out = snapshot("test_passing", &["test", &path, "--format", "human"], "", 0);
    assert!(
        out.stdout.ends_with("2 passed, 0 failed\n"),
        "{}",
        out.stdout
    );
}

#[test]
fn test_failing_human() {
    let path = format!("{CLI_FIXTURES}/failing-test");
    let out = snapshot(
        "test_failing_human",
        &["test", &path, "--format", "human"],
        "",
        1,
    );
    assert!(out.stdout.contains("T001::test-failed"), "{}", out.stdout);
    assert!(
        out.stdout.ends_with("1 passed, 1 failed\n"),
        "{}",
        out.stdout
    );
}

#[test]
fn test_failing_json() {
    let path = format!("{CLI_FIXTURES}/failing-test");
    let out = snapshot(
        "test_failing_json",
        &["test", &path, "--format", "json"],
        "",
        1,
    );
    let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(json["passed"], 1);
    assert_eq!(json["failed"], 1);
}

#[test]
fn test_missing_path() {
    let out = run_cli(&["test", "policies/nowhere", "--format", "human"], "");
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("U001::"), "{}", out.stderr);
}

// ---------------------------------------------------------------------------- explain

#[test]
fn explain_a_code() {
    let out = snapshot("explain_c006", &["explain", "C006"], "", 0);
    assert!(
        out.stdout.starts_with("C006 unknown-cite (error)"),
        "{}",
        out.stdout
    );
}

#[test]
fn explain_by_name_and_case_insensitively() {
    let by_code = run_cli(&["explain", "C006"], "");
    for key in ["unknown-cite", "c006", "UNKNOWN-CITE"] {
        let out = run_cli(&["explain", key], "");
        assert_eq!(out.code, 0, "{key}");
        assert_eq!(out.stdout, by_code.stdout, "{key}");
    }
}

#[test]
fn explain_lists_every_code() {
    let out = run_cli(&["explain"], "");
    assert_eq!(out.code, 0);
    for code in juris::diagnostic::CODES {
        assert!(
            out.stdout.contains(code.code) && out.stdout.contains(code.name),
            "{}",
            code.code
        );
    }
}

#[test]
fn explain_an_unknown_code() {
    let out = snapshot("explain_unknown", &["explain", "C06"], "", 2);
    assert_eq!(out.stdout, "");
}

// ---------------------------------------------------------------------------- arguments

#[test]
fn unknown_format_is_refused_by_the_argument_parser() {
    let error = Cli::try_parse_from(["juris", "check", "--format", "yaml"]).unwrap_err();
    assert_eq!(error.kind(), clap::error::ErrorKind::InvalidValue);
}

// ---------------------------------------------------------------------------- the binary

/// Runs the built binary (only where a crash must be observed from outside).
fn run_binary(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_juris"))
        .args(args)
        .current_dir(crate::root())
        .output()
        .expect("run juris")
}

#[test]
fn binary_exit_codes() {
    assert_eq!(
        run_binary(&["check", "policies/oregon"]).status.code(),
        Some(0)
    );
    assert_eq!(
        run_binary(&["check", "policies/nowhere"]).status.code(),
        Some(2)
    );
    let broken = fixture("diagnostics/C001-misspelt-fact.juris");
    assert_eq!(
        run_binary(&["check", broken.to_str().unwrap()])
            .status
            .code(),
        Some(1)
    );
    assert_eq!(run_binary(&["explain", "C999"]).status.code(), Some(2));
    assert_eq!(run_binary(&["no-such-command"]).status.code(), Some(2));
}

/// `test` and `coverage` gate CI: a policy that does not parse or check fails them like a
/// failed test (exit 1, the diagnostic on stderr, nothing decided); a path that cannot be
/// read is a usage error (exit 2).
#[test]
fn test_and_coverage_fail_on_a_broken_policy_and_refuse_a_missing_path() {
    for broken in [
        "diagnostics/C001-misspelt-fact.juris",
        "diagnostics/S002-subsections-nested-70-deep.juris",
    ] {
        let broken = fixture(broken);
        for command in ["test", "coverage"] {
            let out = run_cli(&[command, broken.to_str().unwrap()], "");
            assert_eq!(out.code, 1, "{command} {}: {out:#?}", broken.display());
            assert_eq!(out.stdout, "", "{command}: nothing on stdout");
            assert!(
                out.stderr.contains("C001") || out.stderr.contains("S002"),
                "{}",
                out.stderr
            );
        }
    }
    for command in ["test", "coverage"] {
        let out = run_cli(&[command, "policies/nowhere"], "");
        assert_eq!(out.code, 2, "{command}: {out:#?}");
        assert!(out.stderr.contains("U001"), "{}", out.stderr);
    }
}

/// Hostile input — conditions nested or chained thousands deep — must be refused with a
/// diagnostic (`S002`), never crash the process with a stack overflow.
#[test]
fn hostile_nesting_does_not_crash() {
    let dir = std::env::temp_dir().join(format!("juris-it-hostile-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(fixture("diagnostics/widgets.txt"), dir.join("widgets.txt")).unwrap();
    let head =
        "policy \"WR 1-1\" {\n  title \"t\"\n  jurisdiction \"WR\"\n  text \"widgets.txt\"\n}\n\
                vocabulary {\n  x: bool \"x\"\n}\n";
    let cases = [
        (
            "parentheses-2000-deep",
            format!("{}x{}", "(".repeat(2000), ")".repeat(2000)),
        ),
        ("and-chain-20000-long", vec!["x"; 20_000].join(" and ")),
        (
            "not-chain-10000-long",
            format!("{}x", "not ".repeat(10_000)),
        ),
    ];
    let mut crashed = Vec::new();
    for (name, condition) in cases {
        let path = dir.join(format!("{name}.juris"));
        std::fs::write(
            &path,
            format!("{head}provision (4) {{\n  when {condition}\n  permitted\n}}\n"),
        )
        .unwrap();
        let out = run_binary(&["check", path.to_str().unwrap(), "--format", "json"]);
        if !matches!(out.status.code(), Some(0..=2)) {
            crashed.push(format!(
                "{name}: {} {}",
                out.status,
                String::from_utf8_lossy(&out.stderr).trim()
            ));
        }
    }
    assert!(
        crashed.is_empty(),
        "`juris check` crashed on:\n{}",
        crashed.join("\n")
    );
}

/// Given no path, a command looks in `JURIS_POLICIES`, then the `policies` of the nearest
/// `juris.toml`, then `policies/`, and says so when it finds nothing (the binary, run in
/// a folder of its own, so that the environment is its own).
#[test]
fn where_policies_are_looked_for() {
    let dir = std::env::temp_dir().join(format!("juris-where-{}", std::process::id()));
    let nested = dir.join("a/b");
    std::fs::create_dir_all(&nested).unwrap();
    let juris = |cwd: &std::path::Path, env: Option<&std::path::Path>| {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_juris"));
        command
            .arg("check")
            .current_dir(cwd)
            .env_remove("JURIS_POLICIES");
        if let Some(path) = env {
            command.env("JURIS_POLICIES", path);
        }
        let out = command.output().unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    // Nothing names any: `policies/` is not there, and the help says where it looked.
    let (code, stdout, stderr) = juris(&nested, None);
    assert_eq!(code, Some(2), "{stdout}{stderr}");
    assert!(
        stderr.contains("JURIS_POLICIES") && stderr.contains("juris.toml"),
        "{stderr}"
    );
    // The nearest juris.toml, in a folder above, names them relative to itself.
    let oregon = crate::root().join("policies/oregon");
    std::fs::write(
        dir.join("juris.toml"),
        format!("policies = [{:?}]\n", oregon.to_string_lossy()),
    )
    .unwrap();
    let (code, stdout, stderr) = juris(&nested, None);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.contains("OAR 860-086-0030"), "{stdout}");
    assert!(!stdout.contains("17 O.S."), "{stdout}");
    // The variable comes first.
    let oklahoma = crate::root().join("policies/oklahoma");
    let (code, stdout, stderr) = juris(&nested, Some(&oklahoma));
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.contains("17 O.S."), "{stdout}");
    assert!(!stdout.contains("OAR 860-086-0030"), "{stdout}");
    let _ = std::fs::remove_dir_all(&dir);
}
