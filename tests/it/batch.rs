//! `juris batch`: JSON Lines in, JSON Lines out in the same order, bad lines as error
//! records with their line numbers, a summary on standard error, exit codes 0 / 1 / 2.
//! Every decision is the one `juris eval --format json` gives for the same request.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

pub(crate) struct Output {
    pub(crate) code: i32,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
}

/// Runs `juris batch ARGS` with `input` on standard input, from the crate root.
fn batch(args: &[&str], input: &str) -> Output {
    batch_bytes(args, input.as_bytes())
}

/// Runs `juris batch ARGS` with `input` (any bytes) on standard input, from the crate root;
/// what it writes must be UTF-8.
pub(crate) fn batch_bytes(args: &[&str], input: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_juris"))
        .arg("batch")
        .args(args)
        .current_dir(crate::root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("juris runs");
    let mut stdin = child.stdin.take().expect("stdin");
    let input = input.to_owned();
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let out = child.wait_with_output().expect("juris finishes");
    writer.join().expect("written").expect("written");
    Output {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).expect("UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("UTF-8"),
    }
}

/// A small input: good requests, an unknown key, an empty line, broken JSON, an
/// undetermined request, an unknown jurisdiction, an array, several errors at once.
const SMALL: &str = r#"{"jurisdiction": "OR", "actor": "electric_company", "action": "transfer", "recipient": "administrator", "data": "meter_number", "customer": {"usage_amw": 0.3, "pre_transfer_notice_sent": true}, "administrator": {"safeguards_in_place": true}, "agreement": {"information_transfer_agreement": true}}
{"jurisdiction": "OR", "actor": "electric_company", "action": "transfer", "recipient": "administrator", "data": "meter_number", "customer": {"usage_amv": 0.3}}

{"jurisdiction": "OR", "actor": "administrator", "action": "use", "purpose": "program_administration"}
not json
{"jurisdiction": "OR", "actor": "administrator", "action": "disclose", "recipient": "contractor", "recipient_agreement": {"confidentiality_signed": true}}
{"jurisdiction": "XX"}
[1, 2]
{"jurisdiction": "OR", "data": "ssn", "customer": {"usage_amw": "high", "opted_in": 3}}
{"jurisdiction": "OR", "actor": "electric_company", "action": "notify", "recipient": "customer", "notice": "pre_transfer", "customer": {"usage_amw": 1.2}}
"#;

fn snapshot(name: &str, out: &Output) {
    let text = format!(
        "exit: {}\n--- stdout\n{}--- stderr\n{}",
        out.code, out.stdout, out.stderr
    );
    crate::settings().bind(|| insta::assert_snapshot!(name, text));
}

#[test]
fn a_bad_line_is_an_error_record_and_the_order_is_kept() {
    let out = batch(&["policies/oregon", "--input", "-"], SMALL);
    assert_eq!(out.code, 1, "some lines are errors: exit 1");
    assert_eq!(
        out.stdout.lines().count(),
        SMALL.lines().count(),
        "one output line per input line"
    );
    snapshot("small", &out);
}

/// A number or date outside its fact's declared range is refused like a wrong type: an
/// error record with `R006`, never a decision, whichever way the line is decoded (a plain
/// line takes the fast path, a line with a set the ordinary one).
#[test]
fn a_value_outside_its_range_is_an_error_record() {
    let input = r#"{"jurisdiction": "WR", "actor": "seller", "buyer": {"age": 30}}
{"jurisdiction": "WR", "actor": "seller", "buyer": {"age": -1}}
{"jurisdiction": "WR", "actor": "seller", "buyer": {"age": 151}, "sale": {"channels": ["shop"]}}
{"jurisdiction": "WR", "actor": "seller", "sale": {"date": "1899-12-31"}}
{"jurisdiction": "WR", "actor": "seller", "buyer": {"age": 0}, "sale": {"date": "1900-01-01"}}
"#;
    let out = batch(
        &["tests/it/fixtures/requests/policy", "--input", "-"],
        input,
    );
    assert_eq!(out.code, 1, "some lines are errors: exit 1");
    let lines: Vec<serde_json::Value> = out
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let refused: Vec<bool> = lines.iter().map(|l| l.get("decision").is_none()).collect();
    assert_eq!(refused, [false, true, true, true, false], "{}", out.stdout);
    for line in lines.iter().filter(|l| l.get("decision").is_none()) {
        assert_eq!(line["error"]["code"], "R006", "{line}");
    }
    snapshot("out_of_range", &out);
}

#[test]
fn every_line_decided_exits_0() {
    let input: String = SMALL
        .lines()
        .filter(|l| l.contains("\"actor\"") && !l.contains("usage_amv"))
        .map(|l| format!("{l}\n"))
        .collect();
    let out = batch(&["policies/oregon", "--input", "-"], &input);
    assert_eq!(out.code, 0, "{}", out.stderr);
    snapshot("all_decided", &out);
}

#[test]
fn with_explain_each_decision_is_what_eval_gives() {
    let line = SMALL.lines().next().unwrap();
    let out = batch(
        &["policies/oregon", "--explain", "--input", "-"],
        &format!("{line}\n"),
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let dir = std::env::temp_dir().join(format!("juris-batch-explain-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let request = dir.join("request.json");
    std::fs::write(&request, line).unwrap();
    let eval = Command::new(env!("CARGO_BIN_EXE_juris"))
        .args([
            "eval",
            "policies/oregon",
            "--format",
            "json",
            "--request",
            request.to_str().unwrap(),
        ])
        .current_dir(crate::root())
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    let from_eval: serde_json::Value = serde_json::from_slice(&eval.stdout).unwrap();
    let from_batch: serde_json::Value = serde_json::from_str(out.stdout.trim()).unwrap();
    assert_eq!(from_batch, from_eval);
    assert!(from_batch["explanation"]["deciding"].is_array());
    assert!(
        !from_batch["explanation"]["counterfactuals"]
            .as_array()
            .unwrap()
            .is_empty(),
        "{from_batch}"
    );
}

#[test]
fn an_unreadable_input_exits_2() {
    let out = batch(&["policies/oregon", "--input", "no/such/file.jsonl"], "");
    assert_eq!(out.code, 2);
    assert!(out.stdout.is_empty());
    assert!(out.stderr.contains("U001"), "{}", out.stderr);
    let out = batch(&["policies/oregon", "--input", "policies"], "");
    assert_eq!(out.code, 2, "a folder is not an input");
}

#[test]
fn an_empty_input_decides_nothing() {
    let out = batch(&["policies/oregon", "--input", "-"], "");
    assert_eq!(out.code, 0);
    assert_eq!(out.stdout, "");
    snapshot("empty", &out);
}

/// Many generated lines over several chunks and two threads: every output line is the
/// decision the library gives for its input line (or an error for the bad ones), in order.
#[test]
fn thousands_of_lines_in_small_chunks_keep_their_order() {
    let engine = juris::Engine::load(&[crate::root().join("policies/oregon")]).unwrap();
    let data = [
        "customer_name",
        "meter_number",
        "ssn",
        "usage_history",
        "contracted_kwh",
        "tax_id",
    ];
    let mut input = String::new();
    let mut expected: Vec<Option<serde_json::Value>> = Vec::new();
    for i in 0..5_000usize {
        let line = if i % 97 == 13 {
            format!(
                "{{\"jurisdiction\": \"OR\", \"data\": \"{}\", \"customer\": {{\"usage\": {i}}}}}",
                data[i % 6]
            )
        } else {
            let mut customer = serde_json::json!({
                "usage_amw": (i % 300) as f64 / 100.0,
                "opted_in": i % 3 == 0,
                "password_protected": i % 11 == 0,
            });
            if i % 5 != 0 {
                customer["pre_transfer_notice_sent"] = serde_json::Value::Bool(i % 7 != 0);
            }
            serde_json::json!({
                "jurisdiction": "OR",
                "actor": if i % 13 == 0 { "administrator" } else { "electric_company" },
                "action": "transfer",
                "recipient": "administrator",
                "data": data[i % 6],
                "customer": customer,
                "administrator": {"safeguards_in_place": i % 17 != 0},
                "agreement": {"information_transfer_agreement": true},
            })
            .to_string()
        };
        let json: serde_json::Value = serde_json::from_str(&line).unwrap();
        expected.push(
            engine
                .request_from_json(&json)
                .ok()
                .map(|(policy, request)| {
                    // Explained with the engine's compiled policy: `to_json` of a
                    // decision without its counterfactuals would compile the policy again.
                    let decision = engine.decide_explained(policy, &request);
                    let mut v = juris::explain::to_json(policy, &decision, &request);
                    v.as_object_mut().unwrap().remove("explanation");
                    v
                }),
        );
        input.push_str(&line);
        input.push('\n');
    }
    let out = batch(
        &[
            "policies/oregon",
            "--jobs",
            "2",
            "--chunk-lines",
            "300",
            "--input",
            "-",
        ],
        &input,
    );
    assert_eq!(out.code, 1, "{}", out.stderr);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), expected.len());
    let mut undetermined = 0;
    for (i, (line, want)) in lines.iter().zip(&expected).enumerate() {
        let got: serde_json::Value = serde_json::from_str(line).unwrap();
        match want {
            Some(want) => {
                assert_eq!(&got, want, "line {}", i + 1);
                undetermined += usize::from(got["decision"] == "undetermined");
            }
            None => {
                assert_eq!(got["line"], i + 1, "line {}", i + 1);
                assert_eq!(got["error"]["code"], "R001", "line {}", i + 1);
            }
        }
    }
    assert!(
        undetermined > 100,
        "the input exercises undetermined decisions: {undetermined}"
    );
    let errors = expected.iter().filter(|e| e.is_none()).count();
    assert!(
        out.stderr.contains(&format!("{errors} errors")),
        "{}",
        out.stderr
    );
}

/// Reading from a file gives the same output as reading standard input.
#[test]
fn a_file_and_standard_input_give_the_same_output() {
    let dir = std::env::temp_dir().join(format!("juris-batch-file-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path: PathBuf = dir.join("input.jsonl");
    std::fs::write(&path, SMALL).unwrap();
    let from_file = batch(&["policies/oregon", "--input", path.to_str().unwrap()], "");
    let from_stdin = batch(&["policies/oregon", "--input", "-"], SMALL);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(from_file.stdout, from_stdin.stdout);
    assert_eq!(from_file.code, from_stdin.code);
}
