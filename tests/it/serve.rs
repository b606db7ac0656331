//! `juris serve`, `juris verify-log` and `juris replay`: the service is started as the
//! binary on a loopback port (port 0, the address read from its first line) and called over
//! plain HTTP/1.1; every route, a refused request, the limits, reloads good and bad, the
//! decision log's chain and a replay against an amended policy.

use crate::cli::{juris, run_cli, CliOutput};
use crate::{example_1, settings};
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running `juris serve`, stopped when dropped.
pub(crate) struct Server {
    child: Child,
    addr: String,
}

impl Server {
    pub(crate) fn start(args: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_juris"))
            .arg("serve")
            .args(["--addr", "127.0.0.1:0"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("juris serve starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("piped"))
            .read_line(&mut line)
            .expect("the address is printed");
        let addr = line
            .trim()
            .strip_prefix("juris serve: listening on http://")
            .unwrap_or_else(|| panic!("not an address: {line:?}"))
            .to_string();
        Server { child, addr }
    }

    pub(crate) fn call(&self, method: &str, path: &str, body: &[u8]) -> Reply {
        call(&self.addr, method, path, body)
    }

    fn get(&self, path: &str) -> Reply {
        self.call("GET", path, b"")
    }

    fn post(&self, path: &str, body: &Value) -> Reply {
        self.call("POST", path, body.to_string().as_bytes())
    }

    /// Stops it as an operator does (SIGTERM: graceful) and waits.
    pub(crate) fn stop(mut self) {
        signal(&self.child, "TERM");
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The entry of `GET /v1/policies` for a jurisdiction.
fn advertised(server: &Server, jurisdiction: &str) -> Value {
    let policies = server.get("/v1/policies").json();
    policies["policies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["jurisdiction"] == jurisdiction)
        .unwrap_or_else(|| panic!("{jurisdiction} is not served: {policies}"))
        .clone()
}

fn signal(child: &Child, name: &str) {
    let status = Command::new("kill")
        .arg(format!("-{name}"))
        .arg(child.id().to_string())
        .status()
        .expect("kill runs");
    assert!(status.success());
}

/// An HTTP response.
#[derive(Debug)]
pub(crate) struct Reply {
    pub(crate) status: u16,
    headers: String,
    pub(crate) body: Vec<u8>,
}

impl Reply {
    pub(crate) fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }

    pub(crate) fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// One HTTP/1.1 request on its own connection.
fn call(addr: &str, method: &str, path: &str, body: &[u8]) -> Reply {
    let mut stream = TcpStream::connect(addr).expect("connects");
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(body).unwrap();
    read_reply(&mut stream)
}

fn read_reply(stream: &mut TcpStream) -> Reply {
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("a response");
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a head");
    let headers = String::from_utf8_lossy(&raw[..split]).to_lowercase();
    let status = headers[9..12].parse().expect("a status");
    let mut body = raw[split + 4..].to_vec();
    if headers.contains("transfer-encoding: chunked") {
        body = unchunk(&body);
    }
    Reply {
        status,
        headers,
        body,
    }
}

fn unchunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let line_end = data.windows(2).position(|w| w == b"\r\n").expect("a size");
        let size = usize::from_str_radix(std::str::from_utf8(&data[..line_end]).unwrap(), 16)
            .expect("a hex size");
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&data[line_end + 2..line_end + 2 + size]);
        data = &data[line_end + 4 + size..];
    }
}

/// A fresh folder under the system's temporary folder.
pub(crate) fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("juris-serve-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A copy of the Oregon policy (its files, not its goldens) in `dir`.
pub(crate) fn copy_oregon(dir: &Path) -> PathBuf {
    for entry in std::fs::read_dir("policies/oregon").unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            std::fs::copy(&path, dir.join(path.file_name().unwrap())).unwrap();
        }
    }
    dir.join("oar-860-086-0030.juris")
}

/// An amendment: the meter number joins the items (3) forbids (overriding (2)(h)).
pub(crate) fn amend(policy: &Path) {
    let text = std::fs::read_to_string(policy).unwrap();
    let amended = text.replace(
        "  (e) when data is drivers_license\n",
        "  (e) when data is one of [drivers_license, meter_number]\n",
    );
    assert_ne!(text, amended, "the amendment applies");
    std::fs::write(policy, amended).unwrap();
}

/// Waits until `done` holds (polling), at most 20 seconds.
fn eventually(what: &str, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < Duration::from_secs(20), "never: {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The response without what changes with every call (the receipt, the id).
fn without_receipt(mut response: Value) -> Value {
    let object = response.as_object_mut().unwrap();
    object.remove("decision_id").expect("a decision id");
    object.remove("receipt").expect("a receipt");
    response
}

/// `juris eval policies --request FILE ARGS…`, the request written to `dir/request.json`.
fn eval(dir: &Path, request: &Value, args: &[&str]) -> CliOutput {
    let file = dir.join("request.json");
    std::fs::write(&file, request.to_string()).unwrap();
    let mut all = vec!["eval", "policies", "--request", file.to_str().unwrap()];
    all.extend(args);
    juris(&all)
}

fn eval_json(request: &Value) -> Value {
    let out = eval(&scratch("eval"), request, &["--format", "json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    serde_json::from_str(&out.stdout).unwrap()
}

#[test]
fn every_route_answers() {
    let server = Server::start(&["policies"]);

    // /v1/decide: the decision eval writes, with an id and a receipt.
    let request = example_1();
    let expected = eval_json(&request);
    let explained = server.post("/v1/decide?explain=true", &request);
    assert_eq!(explained.status, 200, "{}", explained.text());
    let explained = explained.json();
    assert_eq!(without_receipt(explained.clone()), expected);
    let plain = server.post("/v1/decide", &request).json();
    let mut expected_plain = expected.clone();
    expected_plain
        .as_object_mut()
        .unwrap()
        .remove("explanation");
    assert_eq!(without_receipt(plain.clone()), expected_plain);
    let receipt = &plain["receipt"];
    assert_eq!(receipt["decision_id"], plain["decision_id"]);
    assert_eq!(receipt["policy"]["jurisdiction"], "OR");
    assert_eq!(
        receipt["request_sha256"].as_str().unwrap(),
        juris::receipt::request_sha256(&request)
    );
    assert_eq!(
        receipt["decision_sha256"].as_str().unwrap(),
        juris::receipt::sha256_hex(juris::receipt::canonical_json(&expected_plain).as_bytes())
    );
    assert_ne!(plain["decision_id"], explained["decision_id"]);

    // /v1/policies: the bundle hash is the receipt's.
    let oregon = advertised(&server, "OR");
    assert_eq!(oregon["bundle_sha256"], receipt["policy"]["bundle_sha256"]);
    assert_eq!(oregon["citation"], "OAR 860-086-0030");
    assert!(oregon["coverage"]["subsections"].as_u64().unwrap() > 0);

    // /v1/policies/{jurisdiction}/schema: accepts the request, refuses a misspelling.
    let schema = server.get("/v1/policies/OR/schema").json();
    let validator = jsonschema::validator_for(&schema).expect("a valid JSON Schema");
    assert!(validator.is_valid(&request));
    assert!(!validator.is_valid(&json!({"jurisdiction": "OR", "actr": "electric_company"})));
    assert!(!validator.is_valid(&json!({"jurisdiction": "OR", "customer": {"usage_amw": -1}})));
    let unknown = server.get("/v1/policies/XX/schema");
    assert_eq!(unknown.status, 404);
    assert_eq!(unknown.json()["error"]["code"], "R005");

    // /v1/ask: the memo's JSON.
    let asked = server.post(
        "/v1/ask",
        &json!({"question": "Can the Administrator use customer information for telemarketing in Oregon?"}),
    );
    assert_eq!(asked.status, 200, "{}", asked.text());
    assert_eq!(asked.json()["decision"], "prohibited");
    let unplaced = server.post("/v1/ask", &json!({"question": "what?"}));
    assert_eq!(unplaced.status, 400);
    let not_a_question = server.post("/v1/ask", &json!({"q": "what?"}));
    assert_eq!(not_a_question.status, 400);
    assert_eq!(not_a_question.json()["error"]["code"], "R004");

    // /v1/batch: one line out per line in, in order, as `juris batch` writes them.
    let mut lines = String::new();
    for data in ["ssn", "meter_number", "tax_id"] {
        let mut r = example_1();
        r["data"] = json!(data);
        lines.push_str(&r.to_string());
        lines.push('\n');
    }
    lines.push_str("{\"jurisdiction\": \"OR\", \"actr\": 1}\n");
    let batch = server.call("POST", "/v1/batch", lines.as_bytes());
    assert_eq!(batch.status, 200);
    assert!(batch.headers.contains("application/x-ndjson"));
    let out: Vec<Value> = batch
        .text()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let decisions: Vec<&Value> = out.iter().map(|o| &o["decision"]).collect();
    assert_eq!(
        decisions,
        [
            &json!("prohibited"),
            &json!("required"),
            &json!("prohibited"),
            &Value::Null
        ]
    );
    assert_eq!(out[3]["line"], 4);
    assert_eq!(out[3]["error"]["code"], "R001");

    // /v1/openapi.json: every route described, the vocabulary's schema in it.
    let openapi = server.get("/v1/openapi.json").json();
    assert_eq!(openapi["openapi"], "3.1.0");
    for path in [
        "/v1/decide",
        "/v1/ask",
        "/v1/batch",
        "/v1/policies",
        "/v1/policies/{jurisdiction}/schema",
        "/v1/openapi.json",
        "/healthz",
        "/readyz",
        "/metrics",
        "/v1/interview",
        "/v1/policies/{jurisdiction}/workbench",
        "/v1/policies/{jurisdiction}/tests",
        "/v1/policies/{jurisdiction}/versions",
        "/v1/policies/{jurisdiction}/diff",
    ] {
        assert!(openapi["paths"][path].is_object(), "{path} is described");
    }
    assert!(openapi["components"]["schemas"]["Request_OR"].is_object());

    // Health, readiness, metrics, an unknown route.
    let health = server.get("/healthz");
    assert_eq!((health.status, health.text().as_str()), (200, "ok\n"));
    let ready = server.get("/readyz").json();
    assert_eq!(ready["ready"], true);
    assert_eq!(ready["last_reload_failure"], Value::Null);
    let metrics = server.get("/metrics").text();
    assert!(
        metrics.contains("juris_decisions_total{outcome=\"required\"} 3"),
        "{metrics}"
    );
    assert!(
        metrics.contains("juris_decisions_total{outcome=\"prohibited\"} 2"),
        "{metrics}"
    );
    assert!(
        metrics.contains("juris_decision_duration_seconds_count 2"),
        "{metrics}"
    );
    assert!(
        metrics.contains("juris_refused_requests_total{code=\"R004\"} 1"),
        "{metrics}"
    );
    assert_eq!(server.get("/v2/nothing").status, 404);
    server.stop();
}

#[test]
fn a_request_the_vocabulary_refuses_is_a_400_with_its_diagnostic() {
    let server = Server::start(&["policies"]);
    let body = "{\"jurisdiction\": \"OR\",\n \"actor\": \"electric_company\",\n \"data\": \"ssm\",\n \"customer\": {\"usage_amw\": -1}}";
    let reply = server.call("POST", "/v1/decide", body.as_bytes());
    assert_eq!(reply.status, 400);
    settings().bind(|| {
        insta::assert_snapshot!(
            "serve_refused_request",
            format!(
                "POST /v1/decide\n{body}\n── {} ──\n{}",
                reply.status,
                serde_json::to_string_pretty(&reply.json()).unwrap()
            )
        );
    });
    for (body, code) in [
        ("", "R004"),
        ("[1, 2]", "R004"),
        (
            "{\"jurisdiction\": \"OR\", \"data\": \"ssn\", \"data\": \"ssn\"}",
            "R007",
        ),
        ("{\"jurisdiction\": \"XX\"}", "R005"),
        (
            "{\"customer\": {\"usage_amw\": 1e400}, \"jurisdiction\": \"OR\"}",
            "R011",
        ),
    ] {
        let reply = server.call("POST", "/v1/decide", body.as_bytes());
        assert_eq!(reply.status, 400, "{body}: {}", reply.text());
        let json = reply.json();
        assert_eq!(json["error"]["code"], code, "{body}");
        assert!(json.get("decision").is_none(), "never a decision: {body}");
    }
    let not_utf8 = server.call("POST", "/v1/decide", b"{\"jurisdiction\": \"\xff\"}");
    assert_eq!(not_utf8.status, 400);
    assert!(not_utf8.json()["error"]["code"]
        .as_str()
        .unwrap()
        .starts_with('R'));
    server.stop();
}

#[test]
fn limits_refuse_what_is_too_large_too_deep_or_too_slow() {
    let server = Server::start(&["policies", "--max-request-bytes", "512", "--timeout", "0.5"]);
    let large = format!(
        "{{\"jurisdiction\": \"OR\", \"x\": \"{}\"}}",
        "a".repeat(2000)
    );
    let reply = server.call("POST", "/v1/decide", large.as_bytes());
    assert_eq!(reply.status, 413);
    assert_eq!(reply.json()["error"]["code"], "R008");

    let deep = format!(
        "{{\"jurisdiction\": \"OR\", \"customer\": {}1{}}}",
        "[".repeat(40),
        "]".repeat(40)
    );
    let reply = server.call("POST", "/v1/decide", deep.as_bytes());
    assert_eq!(reply.status, 400);
    assert_eq!(reply.json()["error"]["code"], "R009");

    // A client that sends half its body and stalls gets 408, not a hung connection.
    let mut stream = TcpStream::connect(&server.addr).unwrap();
    stream
        .write_all(b"POST /v1/decide HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\nConnection: close\r\n\r\n{\"jurisdiction\":")
        .unwrap();
    let started = Instant::now();
    let reply = read_reply(&mut stream);
    assert_eq!(reply.status, 408);
    assert!(started.elapsed() < Duration::from_secs(10));

    // A batch line over the limit is an error record; the other lines are decided.
    let lines = format!("{large}\n{}\n", example_1());
    let reply = server.call("POST", "/v1/batch", lines.as_bytes());
    let out: Vec<Value> = reply
        .text()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(out[0]["error"]["code"], "R008");
    assert_eq!(out[1]["decision"], "required");
    server.stop();
}

#[test]
fn reload_swaps_a_good_set_and_refuses_a_bad_one() {
    let dir = scratch("reload");
    let policy = copy_oregon(&dir);
    let server = Server::start(&[dir.to_str().unwrap(), "--watch-interval", "0.1"]);
    let decide = || server.post("/v1/decide", &example_1()).json();
    let first = decide();
    assert_eq!(first["decision"], "required");
    let bundle = |d: &Value| d["receipt"]["policy"]["bundle_sha256"].clone();

    // A good amendment is loaded, checked and swapped in.
    amend(&policy);
    eventually("the amendment is served", || {
        server.get("/readyz").json()["reloads"] == 1
    });
    let amended = decide();
    assert_eq!(amended["decision"], "prohibited");
    assert_ne!(bundle(&amended), bundle(&first));

    // A broken one is refused; the amended set keeps serving; the failure is reported.
    let good = std::fs::read_to_string(&policy).unwrap();
    std::fs::write(&policy, format!("{good}\nprovision (99 {{\n")).unwrap();
    eventually("the refusal is reported", || {
        !server.get("/readyz").json()["last_reload_failure"].is_null()
    });
    let ready = server.get("/readyz").json();
    let failure = ready["last_reload_failure"]["diagnostics"]
        .as_str()
        .unwrap();
    assert!(failure.contains("oar-860-086-0030.juris"), "{failure}");
    let still = decide();
    assert_eq!(still["decision"], "prohibited");
    assert_eq!(bundle(&still), bundle(&amended));
    assert!(server
        .get("/metrics")
        .text()
        .contains("juris_reloads_total{result=\"failed\"} 1"));

    // Fixed, and reloaded on SIGHUP too.
    std::fs::write(&policy, good).unwrap();
    eventually("the fixed set is served", || {
        server.get("/readyz").json()["reloads"] == 2
    });
    signal(&server.child, "HUP");
    eventually("SIGHUP reloads", || {
        server.get("/readyz").json()["reloads"] == 3
    });
    assert_eq!(
        server.get("/readyz").json()["last_reload_failure"],
        Value::Null
    );
    server.stop();
}

/// Makes decisions with a decision log; the log's path.
fn log_decisions(dir: &Path, policies: &Path, mask: &[&str]) -> PathBuf {
    let log = dir.join("decisions.jsonl");
    let mut args = vec![
        policies.to_str().unwrap(),
        "--decision-log",
        log.to_str().unwrap(),
    ];
    args.extend_from_slice(mask);
    let server = Server::start(&args);
    for data in ["meter_number", "ssn", "customer_name", "meter_number"] {
        let mut request = example_1();
        request["data"] = json!(data);
        assert_eq!(server.post("/v1/decide", &request).status, 200);
    }
    // A refused request is not logged.
    assert_eq!(server.post("/v1/decide", &json!({"actr": 1})).status, 400);
    server.stop();
    log
}

fn verify_log(log: &Path) -> CliOutput {
    juris(&["verify-log", log.to_str().unwrap()])
}

/// `verify-log` passes the log, `lines` lines chained.
fn chained(log: &Path, lines: usize) {
    let out = verify_log(log);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let said = format!(": {lines} lines chained");
    assert!(out.stdout.contains(&said), "{}", out.stdout);
}

fn scrubbed(dir: &Path, text: &str) -> String {
    let mut text = text.replace(dir.to_str().unwrap(), "[DIR]");
    for (len, name) in [(64, "[HASH]"), (32, "[ID]")] {
        let mut out = String::new();
        let mut run = String::new();
        for c in text.chars().chain(std::iter::once(' ')) {
            if c.is_ascii_hexdigit() && !c.is_ascii_uppercase() {
                run.push(c);
            } else {
                out.push_str(if run.len() == len { name } else { &run });
                run.clear();
                out.push(c);
            }
        }
        out.pop();
        text = out;
    }
    text
}

#[test]
fn the_decision_log_is_chained_and_an_edit_is_found() {
    let dir = scratch("log");
    let log = log_decisions(
        &dir,
        Path::new("policies"),
        &["--log-mask", "customer.usage_amw"],
    );
    let text = std::fs::read_to_string(&log).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 4);
    let first: Value = serde_json::from_str(lines[0]).unwrap();
    assert_eq!(first["request"]["customer"]["usage_amw"], "[masked]");
    assert_eq!(first["masked"], json!(["customer.usage_amw"]));
    // The receipt's request hash is of the request as sent, before masking.
    assert_eq!(
        first["request_sha256"].as_str().unwrap(),
        juris::receipt::request_sha256(&example_1())
    );

    let mut report = String::new();
    let mut check = |label: &str, content: &str| {
        std::fs::write(&log, content).unwrap();
        let out = verify_log(&log);
        report.push_str(&format!(
            "── {label} ──\nexit code: {}\n{}{}",
            out.code, out.stdout, out.stderr
        ));
        out.code
    };
    assert_eq!(check("intact", &text), 0);
    // After a crash mid-line: intact up to the last complete line.
    let cut = &text[..text.len() - 40];
    assert_eq!(check("a crash while the last line was written", cut), 0);
    let edited = text.replacen(
        "\"decision\":\"prohibited\"",
        "\"decision\":\"permitted\"",
        1,
    );
    assert_eq!(check("a decision edited (line 2)", &edited), 1);
    let deleted: Vec<&str> = lines
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != 1)
        .map(|(_, l)| *l)
        .collect();
    assert_eq!(check("line 2 deleted", &(deleted.join("\n") + "\n")), 1);
    let mut swapped = lines.clone();
    swapped.swap(1, 2);
    assert_eq!(
        check("lines 2 and 3 swapped", &(swapped.join("\n") + "\n")),
        1
    );
    assert_eq!(check("not a log", "hello\n"), 1);
    settings().bind(|| insta::assert_snapshot!("serve_verify_log", scrubbed(&dir, &report)));

    // Appending after a crash continues the chain where the last complete line ended.
    std::fs::write(&log, cut).unwrap();
    let log = log_decisions(&dir, Path::new("policies"), &[]);
    chained(&log, 7);
}

#[test]
fn replay_reports_what_an_amendment_changes() {
    let dir = scratch("replay");
    let log = log_decisions(&dir, Path::new("policies"), &[]);
    let same = juris(&["replay", log.to_str().unwrap(), "policies"]);
    assert_eq!(same.code, 0, "{}{}", same.stdout, same.stderr);

    let amended = dir.join("amended");
    std::fs::create_dir_all(&amended).unwrap();
    amend(&copy_oregon(&amended));
    let args = ["replay", log.to_str().unwrap(), amended.to_str().unwrap()];
    let human = juris(&args);
    assert_eq!(human.code, 1, "{}", human.stderr);
    let mut args_json = args.to_vec();
    args_json.extend(["--format", "json"]);
    let json_out = run_cli(&args_json, "");
    assert_eq!(json_out.code, 1);
    let report: Value = serde_json::from_str(&json_out.stdout).unwrap();
    assert_eq!(report["changed"], 2);
    assert_eq!(report["unchanged"], 2);
    assert_eq!(report["changes"][0]["old"]["decision"], "required");
    assert_eq!(report["changes"][0]["new"]["decision"], "prohibited");
    settings().bind(|| {
        insta::assert_snapshot!(
            "serve_replay_human",
            format!(
                "$ juris replay decisions.jsonl amended\n{}\n{}",
                scrubbed(&dir, &human.stdout),
                scrubbed(&dir, &same.stdout)
            )
        )
    });
}

#[test]
fn eval_and_batch_log_their_decisions_and_replay_reads_them() {
    // The CLI's own decisions, logged as the service logs them: `batch` (one entry per
    // decided line, in input order; the refused line is not logged), then `eval`
    // appending to the same chain; `verify-log` checks it and `replay` reads it.
    let dir = scratch("cli-log");
    let log = dir.join("decisions.jsonl");
    let mut lines = String::new();
    for data in ["meter_number", "ssn", "customer_name", "meter_number"] {
        let mut request = example_1();
        request["data"] = json!(data);
        lines.push_str(&format!("{request}\n"));
        if data == "customer_name" {
            lines.push_str("{\"jurisdiction\": \"OR\", \"actr\": 1}\n");
        }
    }
    let input = dir.join("requests.jsonl");
    std::fs::write(&input, &lines).unwrap();
    let log_arg = log.to_str().unwrap();
    let masked = dir.join("masked.jsonl");
    let batch = |log: &str, mask: &[&str]| {
        let mut args = vec!["batch", "policies", "--input", input.to_str().unwrap()];
        args.extend(["--decision-log", log]);
        args.extend(mask);
        juris(&args)
    };
    let out = batch(log_arg, &[]);
    assert_eq!(out.code, 1, "one line is refused: {}", out.stderr);
    let decided: Vec<Value> = out
        .stdout
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|v| v.get("error").is_none())
        .collect();
    let read = |log: &Path| -> Vec<Value> {
        std::fs::read_to_string(log)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    };
    let entries = read(&log);
    assert_eq!(entries.len(), 4);
    for (entry, decision) in entries.iter().zip(&decided) {
        assert_eq!(&entry["decision"], decision);
    }
    let out = batch(
        masked.to_str().unwrap(),
        &["--log-mask", "customer.usage_amw"],
    );
    assert_eq!(out.code, 1);
    for entry in read(&masked) {
        assert_eq!(entry["request"]["customer"]["usage_amw"], "[masked]");
        assert_eq!(entry["masked"], json!(["customer.usage_amw"]));
    }
    assert_eq!(entries[1]["request"]["data"], "ssn");

    let eval = eval(&dir, &example_1(), &["--decision-log", log_arg]);
    assert_eq!(eval.code, 0, "{}", eval.stderr);
    chained(&log, 5);

    // Replayed against the amendment: the three meter numbers change.
    let amended = dir.join("amended");
    std::fs::create_dir_all(&amended).unwrap();
    amend(&copy_oregon(&amended));
    let out = run_cli(
        &[
            "replay",
            log_arg,
            amended.to_str().unwrap(),
            "--format",
            "json",
        ],
        "",
    );
    assert_eq!(out.code, 1, "{}", out.stderr);
    let report: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(
        (report["changed"].clone(), report["unchanged"].clone()),
        (json!(3), json!(2))
    );
    assert_eq!(report["not_replayable"], 0);

    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_service_logs_batch_decisions_too() {
    let dir = scratch("batch-log");
    let log = dir.join("decisions.jsonl");
    let server = Server::start(&["policies", "--decision-log", log.to_str().unwrap()]);
    let lines = format!("{}\n{{\"actr\": 1}}\n{}\n", example_1(), example_1());
    let reply = server.call("POST", "/v1/batch", lines.as_bytes());
    assert_eq!(reply.status, 200);
    assert_eq!(reply.text().lines().count(), 3);
    let decide = server.post("/v1/decide", &example_1());
    assert_eq!(decide.status, 200);
    // Every logged receipt names the bundle the service advertises (the batch's stamps are
    // the service's own, hashed once at load).
    let oregon = advertised(&server, "OR")["bundle_sha256"].clone();
    server.stop();
    chained(&log, 3);
    let text = std::fs::read_to_string(&log).unwrap();
    for line in text.lines() {
        let entry: Value = serde_json::from_str(line).unwrap();
        assert_eq!(entry["policy"]["bundle_sha256"], oregon, "{line}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_oregon_request_schema() {
    let engine = juris::Engine::load(&["policies/oregon"]).unwrap();
    let schema = juris::schema::request_schema(engine.policy_for("OR").unwrap());
    settings().bind(|| insta::assert_json_snapshot!("serve_schema_oregon", schema));
}

/// `/v1/decide`'s decision ([`juris::serve::Service::decide`]) on a body: a decision only
/// for a request the decoder accepts (read as a JSON value too), otherwise a refusal with
/// R-codes pointing into the body; never a panic, never a refusal of the service itself.
fn decides_only_valid_requests(service: &juris::serve::Service, body: &[u8]) {
    let engine = &service.current().engine;
    match service.decide(body, false) {
        Ok(decision) => {
            let decision: Value = serde_json::from_slice(&decision).expect("a decision is JSON");
            let value: Value = serde_json::from_slice(body).expect("a decided body is JSON");
            assert!(engine.request_from_json(&value).is_ok(), "decided: {value}");
            assert!(decision["decision"].is_string() && decision["receipt"].is_object());
        }
        Err(juris::serve::Refusal::Request(errors)) => {
            assert!(!errors.is_empty());
            let refusal = juris::serve::refusal_json(body, &errors);
            assert!(refusal["error"]["code"].as_str().unwrap().starts_with('R'));
            for e in refusal["errors"].as_array().unwrap() {
                assert!(e["position"]["offset"].as_u64().unwrap() as usize <= body.len());
            }
            if let Ok(value) = serde_json::from_slice::<Value>(body) {
                // A body a `Value` reads is refused by the value path too, unless it gives
                // a key twice (the value keeps the last; the reader refuses it).
                if engine.request_from_json(&value).is_ok() {
                    assert_eq!(
                        errors[0].code.code,
                        "R007",
                        "{}",
                        String::from_utf8_lossy(body)
                    );
                }
            }
        }
        Err(juris::serve::Refusal::Log(why)) => panic!("no log is open: {why}"),
    }
}

mod properties {
    use super::*;
    use proptest::prelude::*;
    use std::sync::OnceLock;

    fn service() -> &'static juris::serve::Service {
        static SERVICE: OnceLock<juris::serve::Service> = OnceLock::new();
        SERVICE.get_or_init(|| {
            juris::serve::Service::new(juris::serve::Options {
                paths: vec![PathBuf::from("policies")],
                watch: None,
                ..juris::serve::Options::default()
            })
            .expect("the shipped policies load")
        })
    }

    fn value() -> impl Strategy<Value = Value> {
        prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            any::<f64>()
                .prop_filter("finite", |x| x.is_finite())
                .prop_map(Value::from),
            "[a-z_]{0,14}".prop_map(Value::from),
            Just(json!("ssn")),
            Just(json!({"x": 1})),
            Just(json!(["ssn", "tax_id"])),
            Just(json!({"usage_amw": 2, "opted_in": true})),
        ]
    }

    const KEYS: &[&str] = &[
        "jurisdiction",
        "actor",
        "action",
        "recipient",
        "data",
        "customer",
        "purpose",
        "customer.usage_amw",
        "administrator",
        "agreement",
        "nothing",
        "",
    ];

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

        #[test]
        fn arbitrary_bodies_are_decided_only_when_valid(body in proptest::collection::vec(any::<u8>(), 0..160)) {
            decides_only_valid_requests(service(), &body);
        }

        #[test]
        fn changed_requests_are_decided_only_when_valid(
            changes in proptest::collection::vec((proptest::sample::select(KEYS), value()), 1..4),
            cut in proptest::option::of(0usize..400),
        ) {
            let mut request = example_1();
            for (key, value) in changes {
                request.as_object_mut().unwrap().insert(key.to_string(), value);
            }
            let mut body = request.to_string().into_bytes();
            if let Some(cut) = cut {
                body.truncate(cut);
            }
            decides_only_valid_requests(service(), &body);
        }
    }
}

#[test]
fn after_kill_9_under_load_the_log_is_intact_to_its_last_complete_line() {
    let dir = scratch("kill");
    let log = dir.join("decisions.jsonl");
    let server = Server::start(&["policies", "--decision-log", log.to_str().unwrap()]);
    let addr = server.addr.clone();
    let answered = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let clients: Vec<_> = (0..4)
        .map(|_| {
            let (addr, answered) = (addr.clone(), answered.clone());
            std::thread::spawn(move || {
                let body = example_1().to_string();
                // Until the server is gone: a refused connection or a cut answer ends it.
                while let Ok(reply) =
                    std::panic::catch_unwind(|| call(&addr, "POST", "/v1/decide", body.as_bytes()))
                {
                    if reply.status == 200 {
                        answered.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    }
                }
            })
        })
        .collect();
    eventually("some decisions are made", || {
        answered.load(std::sync::atomic::Ordering::SeqCst) > 50
    });
    let mut server = server;
    server.child.kill().unwrap();
    server.child.wait().unwrap();
    for client in clients {
        client.join().unwrap();
    }
    let out = verify_log(&log);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let lines = std::fs::read_to_string(&log).unwrap().lines().count();
    // Every answered decision was logged before it was answered.
    assert!(lines >= answered.load(std::sync::atomic::Ordering::SeqCst));
}
