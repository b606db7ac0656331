//! `juris lsp`: scripted sessions with the language server in process, over
//! `Connection::memory()`, on the shipped Oregon policy (edited only in memory). Responses
//! are snapshots with the checkout's path scrubbed to `[ROOT]`.

use juris::lsp::text::path_to_uri;
use juris::lsp::{serve, Ending};
use lsp_server::{Connection, Message, Notification, Request, RequestId, Response};
use serde_json::{json, Value};
use std::path::Path;
use std::thread::JoinHandle;
use std::time::Duration;

const POLICY: &str = "policies/oregon/oar-860-086-0030.juris";
const TESTS: &str = "policies/oregon/oar-860-086-0030.tests.juris";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn uri(relative: &str) -> String {
    path_to_uri(&root().join(relative))
        .unwrap()
        .as_str()
        .to_string()
}

fn read(relative: &str) -> String {
    std::fs::read_to_string(root().join(relative)).unwrap()
}

/// A JSON value with the checkout's path (in URIs and plain) written `[ROOT]`.
fn scrub(value: &Value) -> String {
    let root_uri = path_to_uri(root()).unwrap().as_str().to_string();
    serde_json::to_string_pretty(value)
        .unwrap()
        .replace(&root_uri, "file://[ROOT]")
        .replace(&root().to_string_lossy().to_string(), "[ROOT]")
}

/// A client of a server running on another thread.
struct Client {
    connection: Connection,
    server: Option<JoinHandle<Result<Ending, lsp_server::ProtocolError>>>,
    next: i32,
    /// Notifications received while waiting for responses, oldest first.
    notifications: Vec<Notification>,
}

impl Client {
    /// Starts a server and goes through the `initialize` handshake.
    fn start() -> Client {
        let (server, client) = Connection::memory();
        let handle = std::thread::spawn(move || serve(&server));
        let mut client = Client {
            connection: client,
            server: Some(handle),
            next: 0,
            notifications: Vec::new(),
        };
        let init = client.request("initialize", json!({ "capabilities": {} }));
        assert!(init.error.is_none(), "{init:?}");
        client.notify("initialized", json!({}));
        client
    }

    fn notify(&self, method: &str, params: Value) {
        self.connection
            .sender
            .send(Notification::new(method.to_string(), params).into())
            .unwrap();
    }

    fn receive(&mut self) -> Message {
        self.connection
            .receiver
            .recv_timeout(Duration::from_secs(60))
            .expect("the server answers within a minute")
    }

    fn request(&mut self, method: &str, params: Value) -> Response {
        self.next += 1;
        let id = RequestId::from(self.next);
        let request = Request::new(id.clone(), method.to_string(), params);
        self.connection.sender.send(request.into()).unwrap();
        loop {
            match self.receive() {
                Message::Response(r) if r.id == id => return r,
                Message::Notification(n) => self.notifications.push(n),
                other => panic!("unexpected {other:?}"),
            }
        }
    }

    /// The result of a request that must succeed.
    fn ok(&mut self, method: &str, params: Value) -> Value {
        let response = self.request(method, params);
        assert!(response.error.is_none(), "{method}: {:?}", response.error);
        response.result.unwrap_or(Value::Null)
    }

    /// The next diagnostics published for a URI (waiting for them if need be).
    fn diagnostics(&mut self, uri: &str) -> Value {
        loop {
            if let Some(i) = self.notifications.iter().position(|n| {
                n.method == "textDocument/publishDiagnostics" && n.params["uri"] == uri
            }) {
                return self.notifications.remove(i).params["diagnostics"].clone();
            }
            match self.receive() {
                Message::Notification(n) => self.notifications.push(n),
                other => panic!("unexpected {other:?}"),
            }
        }
    }

    fn open(&mut self, relative: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": {
                "uri": uri(relative), "languageId": "juris", "version": 1, "text": text
            }}),
        );
    }

    fn change(&mut self, relative: &str, version: i32, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({
                "textDocument": { "uri": uri(relative), "version": version },
                "contentChanges": [{ "text": text }]
            }),
        );
    }

    /// `shutdown` then `exit`: the server ends cleanly.
    fn shut_down(mut self) {
        let response = self.request("shutdown", Value::Null);
        assert!(response.error.is_none());
        // A request after shutdown is refused, not answered.
        let late = self.request("textDocument/hover", json!({}));
        assert_eq!(late.error.unwrap().code, -32600);
        self.notify("exit", Value::Null);
        let ending = self.server.take().unwrap().join().unwrap().unwrap();
        assert_eq!(ending, Ending::Clean);
    }
}

/// The position of the `n`-th (from 0) occurrence of `needle` in `text`, plus `shift`
/// characters, in UTF-16 units (the texts here are what the tests make them).
fn position(text: &str, needle: &str, n: usize, shift: usize) -> Value {
    let at = text
        .match_indices(needle)
        .nth(n)
        .unwrap_or_else(|| panic!("`{needle}` occurs {n} times"))
        .0;
    let before = &text[..at];
    let line = before.matches('\n').count();
    let column = before[before.rfind('\n').map_or(0, |i| i + 1)..]
        .encode_utf16()
        .count();
    json!({ "line": line, "character": column + shift })
}

fn at(relative: &str, position: Value) -> Value {
    json!({ "textDocument": { "uri": uri(relative) }, "position": position })
}

#[test]
fn the_oregon_policy_opens_clean_with_its_siblings() {
    let mut client = Client::start();
    client.open(POLICY, &read(POLICY));
    assert_eq!(client.diagnostics(&uri(POLICY)), json!([]));
    // The siblings are checked with it: their diagnostics are published too.
    assert_eq!(client.diagnostics(&uri(TESTS)), json!([]));
    client.shut_down();
}

#[test]
fn an_edit_into_errors_shows_them_with_the_statute_text_and_fixes_them() {
    let mut client = Client::start();
    let text = read(POLICY);
    client.open(POLICY, &text);
    client.diagnostics(&uri(POLICY));
    // A misspelled member, an unknown cite, a misspelled fact after non-ASCII text on its
    // line (UTF-16 columns).
    let broken = text
        .replacen("  (a) when data is ssn\n", "  (a) when data is snn\n", 1)
        .replacen(
            "obligation \"Transfer the information in the manner the Information Transfer Agreement governs\"\n    cites (6)",
            "obligation \"Transfer 𝔸é\" when customer.usage_amv > 1\n    cites (6)(z)",
            1,
        );
    assert_ne!(broken, text);
    client.change(POLICY, 2, &broken);
    let diagnostics = client.diagnostics(&uri(POLICY));
    insta::assert_snapshot!("lsp_edit_into_errors", scrub(&diagnostics));
    let list = diagnostics.as_array().unwrap();
    // `    obligation "Transfer 𝔸é" when ` is 33 UTF-16 units (36 bytes).
    let c001 = list.iter().find(|d| d["code"] == "C001").unwrap();
    assert_eq!(c001["range"]["start"]["character"], 33);
    // C006 points into the statute text.
    let c006 = list.iter().find(|d| d["code"] == "C006").unwrap();
    let related = c006["relatedInformation"].as_array().unwrap();
    assert!(related[0]["location"]["uri"]
        .as_str()
        .unwrap()
        .ends_with("or-860-086-0030.txt"));

    // Each "did you mean" is a quick fix; applying both leaves the unknown cite alone.
    let mut fixed = broken.clone();
    for code in ["C001", "C002"] {
        let d = list.iter().find(|d| d["code"] == code).unwrap().clone();
        let actions = client.ok(
            "textDocument/codeAction",
            json!({
                "textDocument": { "uri": uri(POLICY) },
                "range": d["range"],
                "context": { "diagnostics": [d] }
            }),
        );
        let edit = &actions[0]["edit"]["changes"][uri(POLICY)][0];
        let word = edit["newText"].as_str().unwrap();
        assert_eq!(actions[0]["title"], format!("Replace with `{word}`"));
        let wrong = if code == "C001" {
            "customer.usage_amv"
        } else {
            "snn"
        };
        assert_eq!(edit["range"], d["range"]);
        fixed = fixed.replacen(wrong, word, 1);
    }
    client.change(POLICY, 3, &fixed);
    let codes: Vec<Value> = client
        .diagnostics(&uri(POLICY))
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].clone())
        .collect();
    assert_eq!(codes, vec![json!("C006")]);
    client.shut_down();
}

#[test]
fn hovers_say_what_facts_cites_members_overrides_and_readings_mean() {
    let mut client = Client::start();
    let text = read(POLICY);
    client.open(POLICY, &text);
    let tests = read(TESTS);
    let mut shown = Vec::new();
    for (what, file, body, needle, n) in [
        (
            "a fact in a condition",
            POLICY,
            &text,
            "customer.requested_no_third_party_sharing",
            1,
        ),
        (
            "a definition",
            POLICY,
            &text,
            "company_transfers_to_administrator and covered",
            0,
        ),
        ("a member with a label", POLICY, &text, "ssn\n", 0),
        (
            "a provision header",
            POLICY,
            &text,
            "(3) \"Information the electric company may not",
            0,
        ),
        (
            "a nested subsection",
            POLICY,
            &text,
            "(a) when data is ssn",
            0,
        ),
        (
            "overrides (2)",
            POLICY,
            &text,
            "(2), (11)\n  (a) when data is ssn",
            0,
        ),
        (
            "a cite of another instrument",
            POLICY,
            &text,
            "\"OAR 860-021-0009(6)\"",
            0,
        ),
        (
            "a reading",
            POLICY,
            &text,
            "reading \"\\\"at a minimum\\\"",
            0,
        ),
        (
            "a rule's sentence",
            POLICY,
            &text,
            "rule \"may not be used for telemarketing\"",
            0,
        ),
        (
            "a test's given",
            TESTS,
            &tests,
            "customer.usage_amw = 0.3",
            0,
        ),
        ("a test's expected cite", TESTS, &tests, "(3)(a)", 0),
    ] {
        let shift = if needle.starts_with("rule ") || needle.starts_with("reading") {
            10
        } else {
            1
        };
        let hover = client.ok(
            "textDocument/hover",
            at(file, position(body, needle, n, shift)),
        );
        shown.push(json!({ "hover on": what, "shows": hover }));
    }
    insta::assert_snapshot!("lsp_hovers", scrub(&json!(shown)));
    // Between words, nothing.
    let nothing = client.ok(
        "textDocument/hover",
        at(POLICY, json!({ "line": 0, "character": 0 })),
    );
    assert_eq!(nothing, Value::Null);
    client.shut_down();
}
