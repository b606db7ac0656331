//! Hostile and huge requests: every case of the corpus in `fixtures/requests/hostile` (see
//! its `manifest.tsv` and `generate.py`) is refused by `juris eval` (exit 2, its code and
//! key on stderr, nothing on stdout), by `juris batch` (an error record with its code) and
//! by `juris serve` (`/v1/decide`: 400, or 413 for a body over the size limit, with the
//! code and the key; `/v1/batch`: an error record); a 50 MB request is refused with little
//! output.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::cli::run_cli;
use crate::{fixture, relative};

/// One case of the manifest.
struct Case {
    file: String,
    code: String,
    /// The key as the diagnostic shows it (`None`: the request as a whole).
    key: Option<String>,
    flags: Vec<String>,
}

fn manifest() -> Vec<Case> {
    let dir = fixture("requests/hostile");
    let text = std::fs::read_to_string(dir.join("manifest.tsv")).unwrap();
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let mut fields = l.split('\t');
            let mut next = || fields.next().unwrap_or("").to_string();
            let (file, code, key, flags) = (next(), next(), next(), next());
            Case {
                file,
                code,
                key: (key != "-").then_some(key),
                flags: flags.split_whitespace().map(String::from).collect(),
            }
        })
        .collect()
}

/// Runs `juris batch ARGS` on `input` as standard input: exit code, stdout, stderr.
fn batch(args: &[String], input: &[u8]) -> (i32, String, String) {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = crate::batch::batch_bytes(&args, input);
    (out.code, out.stdout, out.stderr)
}

#[test]
fn every_hostile_request_is_refused_with_its_code_and_key() {
    let cases = manifest();
    assert!(cases.len() >= 50, "the corpus has {} cases", cases.len());
    let mut wrong = Vec::new();
    for case in &cases {
        let path = relative(&fixture("requests/hostile").join(&case.file));
        let path = path.to_string_lossy().into_owned();
        let mut args: Vec<String> = [
            "eval",
            "policies/oregon",
            "--request",
            &path,
            "--format",
            "json",
        ]
        .map(String::from)
        .to_vec();
        args.extend(case.flags.iter().cloned());
        let out = run_cli(&args, "");
        let mut why = Vec::new();
        if out.code != 2 {
            why.push(format!("eval exits {}, not 2", out.code));
        }
        if !out.stdout.is_empty() {
            why.push("eval wrote to stdout".to_string());
        }
        if !out.stderr.contains(&format!("{}::", case.code)) {
            why.push(format!("eval does not report {}", case.code));
        }
        if let Some(key) = &case.key {
            if !out.stderr.contains(key.as_str()) {
                why.push(format!("eval does not name `{key}`"));
            }
        }
        let mut args = vec!["policies/oregon".to_string(), "--input".into(), "-".into()];
        args.extend(case.flags.iter().cloned());
        let bytes = std::fs::read(fixture("requests/hostile").join(&case.file)).unwrap();
        let (code, stdout, _) = batch(&args, &bytes);
        let record: Option<serde_json::Value> = serde_json::from_str(stdout.trim()).ok();
        let got = record
            .as_ref()
            .and_then(|r| r["error"]["code"].as_str())
            .unwrap_or("no error record");
        if code != 1 || got != case.code || stdout.lines().count() != 1 {
            why.push(format!("batch exits {code} with {got}: {}", stdout.trim()));
        }
        if !why.is_empty() {
            wrong.push(format!("{}: {}\n{}", case.file, why.join("; "), out.stderr));
        }
    }
    all_match(&wrong, cases.len());
}

/// The same corpus sent to `juris serve` (one server per set of flags the cases use):
/// `/v1/decide` refuses each with its code and key, never a decision; `/v1/batch` answers
/// each line with an error record.
#[test]
fn every_hostile_request_is_refused_by_the_service() {
    let cases = manifest();
    let mut flag_sets: Vec<Vec<String>> = cases.iter().map(|c| c.flags.clone()).collect();
    flag_sets.sort();
    flag_sets.dedup();
    let mut wrong = Vec::new();
    let mut sent = 0;
    for flags in &flag_sets {
        let mut args = vec!["policies/oregon"];
        args.extend(flags.iter().map(String::as_str));
        let server = crate::serve::Server::start(&args);
        for case in cases.iter().filter(|c| &c.flags == flags) {
            let bytes = std::fs::read(fixture("requests/hostile").join(&case.file)).unwrap();
            let mut why = Vec::new();
            let reply = server.call("POST", "/v1/decide", &bytes);
            sent += 1;
            let expected_status = if case.code == "R008" { 413 } else { 400 };
            if reply.status != expected_status {
                why.push(format!("decide answers {}", reply.status));
            }
            let json: serde_json::Value =
                serde_json::from_slice(&reply.body).unwrap_or(serde_json::Value::Null);
            if json["error"]["code"] != case.code.as_str() {
                why.push(format!("decide reports {}", json["error"]["code"]));
            }
            if json.get("decision").is_some() {
                why.push("decide decided".to_string());
            }
            if let Some(key) = &case.key {
                let named = ["message", "key"]
                    .iter()
                    .filter_map(|f| json["error"][f].as_str())
                    .any(|text| text.contains(key.as_str()));
                if !named {
                    why.push(format!("decide does not name `{key}`"));
                }
            }
            let mut line = bytes.clone();
            line.push(b'\n');
            let reply = server.call("POST", "/v1/batch", &line);
            let records: Vec<serde_json::Value> = reply
                .text()
                .lines()
                .map(|l| serde_json::from_str(l).unwrap_or(serde_json::Value::Null))
                .collect();
            if records.len() != 1 || records[0]["error"]["code"] != case.code.as_str() {
                why.push(format!("batch answers {}: {}", reply.status, reply.text()));
            }
            if !why.is_empty() {
                wrong.push(format!("{}: {}\n{}", case.file, why.join("; "), json));
            }
        }
        server.stop();
    }
    assert_eq!(sent, cases.len());
    all_match(&wrong, cases.len());
}

/// 50 MB of request, generated here: refused unread (R008) with a short report, by `eval`
/// from standard input and by `batch` as one line.
#[test]
fn a_50_mb_request_is_refused_with_little_output() {
    let huge = format!(
        "{{\"jurisdiction\": \"OR\", \"data\": \"{}\"}}",
        "a".repeat(50 << 20)
    );
    let out = run_cli(&["eval", "policies/oregon", "--request", "-"], &huge);
    assert_eq!(out.code, 2);
    assert!(out.stdout.is_empty());
    assert!(
        out.stderr.contains("R008::request-too-large"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("1 MiB (1048576 bytes)"),
        "{}",
        out.stderr
    );
    assert!(
        out.stdout.len() + out.stderr.len() < 4096,
        "{} bytes printed",
        out.stderr.len()
    );
    let (code, stdout, stderr) = batch(
        &["policies/oregon".into(), "--input".into(), "-".into()],
        huge.as_bytes(),
    );
    assert_eq!(code, 1);
    assert!(stdout.contains("\"code\":\"R008\""), "{stdout}");
    assert!(
        stdout.len() + stderr.len() < 4096,
        "{} bytes printed",
        stdout.len() + stderr.len()
    );
}

/// A request of 1 MiB or less in one long line, with an error at its end: the report quotes
/// an excerpt of the line, not the line.
#[test]
fn an_error_in_a_long_line_quotes_an_excerpt() {
    let long = format!(
        "{{\"jurisdiction\": \"OR\",{} \"data\": \"ssm\"}}",
        " ".repeat(500_000)
    );
    let out = run_cli(&["eval", "policies/oregon", "--request", "-"], &long);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("R003::unknown-value"),
        "{}",
        &out.stderr[..400.min(out.stderr.len())]
    );
    let report_longest_line = out.stderr.lines().map(str::len).max().unwrap_or(0);
    assert!(
        report_longest_line < 400,
        "a line of {report_longest_line} bytes"
    );
}

/// The limits are flags: a request within raised limits is decided.
#[test]
fn raised_limits_let_a_request_through() {
    let request = r#"{"jurisdiction": "OR", "actor": "administrator", "action": "use", "purpose": "program_administration"}"#;
    let out = run_cli(
        &[
            "eval",
            "policies/oregon",
            "--request",
            "-",
            "--max-request-bytes",
            "64",
        ],
        request,
    );
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("R008"), "{}", out.stderr);
    let out = run_cli(
        &[
            "eval",
            "policies/oregon",
            "--request",
            "-",
            "--max-request-bytes",
            "200",
            "--max-depth",
            "1",
            "--max-string-bytes",
            "30",
        ],
        request,
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
}

/// A line over the size limit in `juris batch` is refused and the lines after it are read
/// as they come (the rest of the long line is skipped, not kept).
#[test]
fn batch_reads_on_after_a_huge_line() {
    let good = r#"{"jurisdiction": "OR", "actor": "administrator", "action": "use", "purpose": "program_administration"}"#;
    let input = format!(
        "{good}\n{{\"jurisdiction\": \"OR\", \"data\": \"{}\"}}\n{good}\n",
        "a".repeat(3 << 20)
    );
    let (code, stdout, _) = batch(
        &["policies/oregon".into(), "--input".into(), "-".into()],
        input.as_bytes(),
    );
    assert_eq!(code, 1);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{stdout}");
    assert!(
        lines[0].starts_with(r#"{"decision":"permitted""#),
        "{}",
        lines[0]
    );
    assert!(
        lines[1].contains(r#""line":2"#) && lines[1].contains(r#""code":"R008""#),
        "{}",
        lines[1]
    );
    assert!(
        lines[2].starts_with(r#"{"decision":"permitted""#),
        "{}",
        lines[2]
    );
}

/// Fails listing every case that went wrong, if any did.
fn all_match(wrong: &[String], cases: usize) {
    assert!(
        wrong.is_empty(),
        "{} of {cases} cases mismatch:\n\n{}",
        wrong.len(),
        wrong.join("\n\n")
    );
}
