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
    /// A server with the Oregon policy open as `text` and its first diagnostics received.
    fn with_policy(text: &str) -> Client {
        let mut client = Client::start();
        client.open(POLICY, text);
        client.diagnostics(&uri(POLICY), 1);
        client
    }

    /// Starts a server and goes through the `initialize` handshake.
    fn start() -> Client {
        Client::initialized().0
    }

    /// Starts a server and goes through the `initialize` handshake: the client, and the
    /// server's answer to `initialize` (its capabilities).
    fn initialized() -> (Client, Value) {
        let (server, client) = Connection::memory();
        let handle = std::thread::spawn(move || serve(&server));
        let mut client = Client {
            connection: client,
            server: Some(handle),
            next: 0,
            notifications: Vec::new(),
        };
        let init = client.ok("initialize", json!({ "capabilities": {} }));
        client.notify("initialized", json!({}));
        (client, init)
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

    /// The next diagnostics published for a URI at `version` or later (a file that is not
    /// open has none), waiting for them if need be; those of earlier versions are dropped.
    fn diagnostics(&mut self, uri: &str, version: i64) -> Value {
        loop {
            while let Some(i) = self.notifications.iter().position(|n| {
                n.method == "textDocument/publishDiagnostics" && n.params["uri"] == uri
            }) {
                let n = self.notifications.remove(i);
                if n.params["version"].as_i64().is_none_or(|v| v >= version) {
                    return n.params["diagnostics"].clone();
                }
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
    assert_eq!(client.diagnostics(&uri(POLICY), 1), json!([]));
    // The siblings are checked with it: their diagnostics are published too.
    assert_eq!(client.diagnostics(&uri(TESTS), 0), json!([]));
    client.shut_down();
}

#[test]
fn an_edit_into_errors_shows_them_with_the_statute_text_and_fixes_them() {
    let text = read(POLICY);
    let mut client = Client::with_policy(&text);
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
    let diagnostics = client.diagnostics(&uri(POLICY), 2);
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
        .diagnostics(&uri(POLICY), 3)
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

/// The labels of a completion list, in order.
fn labels(items: &Value) -> Vec<String> {
    items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap().to_string())
        .collect()
}

const MARKER_7: &str = "not encoded (7) \"procedural: the Commission may set the agreement's terms when the parties cannot agree\"\n";
const MARKER_6G: &str = "  (g) not encoded \"a term the agreement must specify (how to modify it); drafting of the agreement\"\n";

#[test]
fn completion_offers_members_uncovered_cites_provisions_and_names() {
    let text = read(POLICY);
    let mut client = Client::with_policy(&text);

    // Members after `is`, while the text does not parse (the last policy that checked
    // gives the names).
    let typing = text.replacen("  (a) when data is ssn\n", "  (a) when data is \n", 1);
    client.change(POLICY, 2, &typing);
    let members = client.ok(
        "textDocument/completion",
        at(POLICY, position(&typing, "(a) when data is \n", 0, 17)),
    );
    let members_labels = labels(&members);
    assert_eq!(members_labels.len(), 22, "{members_labels:?}");
    assert!(members_labels.contains(&"ssn".to_string()));
    let ssn = members
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["label"] == "ssn")
        .unwrap();
    assert_eq!(ssn["detail"], "a social security number");

    // Without the markers of (7) and (6)(g), both are gaps: `L003`, with a fix that marks
    // each, and the cites completion offers.
    let gaps = text.replacen(MARKER_7, "", 1).replacen(MARKER_6G, "", 1);
    client.change(POLICY, 3, &gaps);
    // The check's diagnostics come first, the linter's when the server is idle.
    let diagnostics = loop {
        let published = client.diagnostics(&uri(POLICY), 3);
        if published.to_string().contains("L003") {
            break published;
        }
    };
    let l003: Vec<&Value> = diagnostics
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "L003")
        .collect();
    assert_eq!(l003.len(), 2, "{diagnostics:#}");
    let actions = client.ok(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": uri(POLICY) },
            "range": l003[0]["range"],
            "context": { "diagnostics": [l003[0]] }
        }),
    );
    insta::assert_snapshot!("lsp_mark_not_encoded", scrub(&actions));

    // Top level, after `not encoded (`: the uncovered subsections, by their full path.
    let marking = gaps.replacen("not encoded (8)", "not encoded (\nnot encoded (8)", 1);
    client.change(POLICY, 4, &marking);
    let cites = client.ok(
        "textDocument/completion",
        at(POLICY, position(&marking, "not encoded (\n", 0, 13)),
    );
    insta::assert_snapshot!("lsp_complete_uncovered_cites", scrub(&cites));

    // At the start of a line in provision (6): its uncovered subsections, by their own
    // label, with the clauses' names and words.
    let nested = gaps.replacen(
        "  (f) \"Release by the Administrator\"",
        "  (\n  (f) \"Release by the Administrator\"",
        1,
    );
    client.change(POLICY, 5, &nested);
    let inside = client.ok(
        "textDocument/completion",
        at(POLICY, position(&nested, "  (\n  (f) \"Release", 0, 3)),
    );
    assert_eq!(labels(&inside), vec!["(g)"]);

    // After `overrides`: the provisions.
    let overriding = text.replacen(
        "  overrides (2), (11)\n  (a) when data is ssn",
        "  overrides \n  (a) when data is ssn",
        1,
    );
    client.change(POLICY, 6, &overriding);
    let provisions = labels(&client.ok(
        "textDocument/completion",
        at(POLICY, position(&overriding, "overrides \n", 0, 10)),
    ));
    assert!(
        provisions.starts_with(&["(2)".to_string(), "(2)(a)".to_string()]),
        "{provisions:?}"
    );
    assert!(provisions.contains(&"(11)(a)".to_string()));

    // In a condition: facts, definitions, then the reserved words.
    let condition = client.ok(
        "textDocument/completion",
        at(
            POLICY,
            position(
                &overriding,
                "when company_transfers_to_administrator\n  prohibited",
                0,
                5,
            ),
        ),
    );
    let names = labels(&condition);
    assert!(names.contains(&"customer.usage_amw".to_string()));
    assert!(names.contains(&"over_1_amw_customer".to_string()));
    assert!(names.ends_with(&juris::syntax::RESERVED.map(String::from)));
    // Its edit replaces the whole dotted word typed so far.
    let item = condition
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["label"] == "company_transfers_to_administrator")
        .unwrap();
    assert_eq!(
        item["textEdit"]["range"]["end"]["character"]
            .as_u64()
            .unwrap()
            - item["textEdit"]["range"]["start"]["character"]
                .as_u64()
                .unwrap(),
        0
    );

    // After `expect`: the outcomes.
    let tests = read(TESTS);
    let typing = tests.replacen("  expect prohibited cites (3)(a)\n", "  expect \n", 1);
    client.open(TESTS, &typing);
    let outcomes = client.ok(
        "textDocument/completion",
        at(TESTS, position(&typing, "  expect \n", 0, 9)),
    );
    assert_eq!(
        labels(&outcomes),
        [
            "required",
            "permitted",
            "prohibited",
            "not_addressed",
            "undetermined",
            "conflict"
        ]
    );

    // In a string or a comment: nothing.
    let in_title = client.ok(
        "textDocument/completion",
        at(
            POLICY,
            position(
                &text,
                "Electric Company Transfer of Data\"\n  jurisdiction",
                0,
                3,
            ),
        ),
    );
    assert_eq!(in_title, json!([]));
    client.shut_down();
}

#[test]
fn definitions_and_references_lead_to_declarations_the_statute_and_readers() {
    let mut client = Client::start();
    let text = read(POLICY);
    let tests = read(TESTS);
    client.open(POLICY, &text);
    let mut shown = Vec::new();
    for (what, file, body, needle, n) in [
        (
            "a fact in a condition",
            POLICY,
            &text,
            "customer.requested_no_third_party_sharing",
            1,
        ),
        ("a member in a condition", POLICY, &text, "ssn\n", 0),
        (
            "a definition in a condition",
            POLICY,
            &text,
            "over_1_amw_customer and not opted_in",
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
            "a provision header",
            POLICY,
            &text,
            "(3) \"Information the electric company may not",
            0,
        ),
        (
            "a cite of another instrument",
            POLICY,
            &text,
            "\"OAR 860-021-0009(6)\"",
            0,
        ),
        ("a test's expected cite", TESTS, &tests, "(3)(a)", 0),
    ] {
        let target = client.ok(
            "textDocument/definition",
            at(file, position(body, needle, n, 1)),
        );
        shown.push(json!({ "definition of": what, "is": target }));
    }
    insta::assert_snapshot!("lsp_definitions", scrub(&json!(shown)));

    // Every condition, definition and test that reads `customer.usage_amw`.
    let mut params = at(POLICY, position(&text, "customer.usage_amw", 0, 1));
    params["context"] = json!({ "includeDeclaration": false });
    let readers = client.ok("textDocument/references", params.clone());
    let places: Vec<String> = readers
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            let file = l["uri"]
                .as_str()
                .unwrap()
                .rsplit('/')
                .next()
                .unwrap()
                .to_string();
            format!(
                "{file}:{}",
                l["range"]["start"]["line"].as_u64().unwrap() + 1
            )
        })
        .collect();
    insta::assert_snapshot!("lsp_references_usage_amw", places.join("\n"));
    assert!(places
        .iter()
        .any(|p| p.starts_with("oar-860-086-0030.tests.juris")));
    params["context"] = json!({ "includeDeclaration": true });
    let with_declaration = client.ok("textDocument/references", params);
    assert_eq!(
        with_declaration.as_array().unwrap().len(),
        readers.as_array().unwrap().len() + 1
    );
    client.shut_down();
}

#[test]
fn formatting_is_juris_fmt_and_refuses_text_that_does_not_parse() {
    let mut client = Client::start();
    let text = read(POLICY);
    let untidy = text.replacen(
        "provision (3) \"Information",
        "provision   (3)   \"Information",
        1,
    );
    client.open(POLICY, &untidy);
    let params = json!({
        "textDocument": { "uri": uri(POLICY) },
        "options": { "tabSize": 2, "insertSpaces": true }
    });
    let edits = client.ok("textDocument/formatting", params.clone());
    let edits = edits.as_array().unwrap();
    assert_eq!(edits.len(), 1);
    assert_eq!(
        edits[0]["newText"],
        juris::fmt::format_source(&untidy).unwrap()
    );
    // The shipped policy is formatted: this is it.
    assert_eq!(edits[0]["newText"], text);
    client.change(POLICY, 2, &text);
    assert_eq!(
        client.ok("textDocument/formatting", params.clone()),
        json!([])
    );
    client.change(
        POLICY,
        3,
        &text.replacen("provision (3)", "provision (3", 1),
    );
    let refused = client.request("textDocument/formatting", params);
    let error = refused.error.unwrap();
    assert_eq!(error.code, -32803);
    assert!(
        error.message.contains("does not parse"),
        "{}",
        error.message
    );
    client.shut_down();
}

#[test]
fn lenses_show_each_test_result_and_run_it() {
    let mut client = Client::start();
    let tests = read(TESTS);
    client.open(TESTS, &tests);
    let params = json!({ "textDocument": { "uri": uri(TESTS) } });
    let lenses = client.ok("textDocument/codeLens", params.clone());
    let titles: Vec<&str> = lenses
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["command"]["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles.len(), tests.matches("\ntest \"").count());
    assert!(titles.iter().all(|t| *t == "✓ passed"), "{titles:?}");

    // A wrong expectation: its lens says what differs, and running it says so too.
    let wrong = tests.replacen(
        "  expect prohibited cites (3)(a)\n",
        "  expect permitted cites (3)(a)\n",
        1,
    );
    client.change(TESTS, 2, &wrong);
    let lenses = client.ok("textDocument/codeLens", params);
    let failing: Vec<&Value> = lenses
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["command"]["title"] != "✓ passed")
        .collect();
    assert_eq!(failing.len(), 1);
    insta::assert_snapshot!("lsp_failing_test_lens", scrub(failing[0]));
    let command = &failing[0]["command"];
    let ran = client.ok(
        "workspace/executeCommand",
        json!({ "command": command["command"], "arguments": command["arguments"] }),
    );
    assert_eq!(ran["passed"], false);
    let shown = client
        .notifications
        .iter()
        .find(|n| n.method == "window/showMessage")
        .unwrap();
    assert!(shown.params["message"]
        .as_str()
        .unwrap()
        .contains("expected `permitted`, got `prohibited`"));

    // The policy file: how many tests exercise each provision.
    let policy_lenses = client.ok(
        "textDocument/codeLens",
        json!({ "textDocument": { "uri": uri(POLICY) } }),
    );
    let first = &policy_lenses.as_array().unwrap()[0];
    assert!(
        first["command"]["title"]
            .as_str()
            .unwrap()
            .ends_with("exercise it"),
        "{first}"
    );
    client.shut_down();
}

#[test]
fn bad_requests_are_answered_with_errors_never_a_crash() {
    let mut client = Client::start();
    let text = read(POLICY);
    client.open(POLICY, &text);
    let code = |r: Response| r.error.map(|e| e.code);
    assert_eq!(
        code(client.request("textDocument/unheardOf", json!({}))),
        Some(-32601)
    );
    assert_eq!(
        code(client.request("textDocument/hover", json!({ "nonsense": 1 }))),
        Some(-32602)
    );
    assert_eq!(
        code(client.request("textDocument/hover", json!([1, 2]))),
        Some(-32602)
    );
    let missing = json!({ "textDocument": { "uri": uri("policies/oregon/nowhere.juris") }, "position": { "line": 0, "character": 0 } });
    assert_eq!(
        code(client.request("textDocument/hover", missing)),
        Some(-32602)
    );
    let not_a_file = json!({ "textDocument": { "uri": "untitled:Untitled-1" }, "position": { "line": 0, "character": 0 } });
    assert_eq!(
        code(client.request("textDocument/completion", not_a_file)),
        Some(-32602)
    );
    let statute = json!({ "textDocument": { "uri": uri("policies/oregon/or-860-086-0030.txt") }, "position": { "line": 0, "character": 0 } });
    assert_eq!(
        code(client.request("textDocument/definition", statute)),
        Some(-32602)
    );
    assert_eq!(
        code(client.request(
            "workspace/executeCommand",
            json!({ "command": "juris.runTest", "arguments": [] })
        )),
        Some(-32602)
    );
    // Positions past the end of a line or of the file are clamped.
    for method in [
        "textDocument/hover",
        "textDocument/definition",
        "textDocument/completion",
    ] {
        for (line, character) in [(0, 10_000), (100_000, 0), (u32::MAX, u32::MAX)] {
            let response = client.request(
                method,
                at(POLICY, json!({ "line": line, "character": character })),
            );
            assert!(
                response.error.is_none(),
                "{method} at {line}:{character}: {:?}",
                response.error
            );
        }
    }
    // Notifications with bad parameters are ignored.
    client.notify("textDocument/didChange", json!({ "textDocument": 5 }));
    client.notify("textDocument/didOpen", json!(null));
    let still = client.request(
        "textDocument/hover",
        at(POLICY, position(&text, "customer.usage_amw", 0, 1)),
    );
    assert!(still
        .result
        .is_some_and(|r| r["contents"]["value"].as_str().is_some()));
    client.shut_down();
}

#[test]
fn exit_without_shutdown_ends_the_session_abruptly() {
    let mut client = Client::start();
    client.notify("exit", Value::Null);
    let ending = client.server.take().unwrap().join().unwrap().unwrap();
    assert_eq!(ending, Ending::Abrupt);
}

/// Changes queued while the server is busy are applied together and checked once: one
/// publication, for the last text.
#[test]
fn queued_changes_are_checked_once() {
    let (server, client) = Connection::memory();
    let send = |m: Message| client.sender.send(m).unwrap();
    let text = read(POLICY);
    send(Request::new(1.into(), "initialize".into(), json!({ "capabilities": {} })).into());
    send(Notification::new("initialized".into(), json!({})).into());
    send(
        Notification::new(
            "textDocument/didOpen".into(),
            json!({ "textDocument": {
                "uri": uri(POLICY), "languageId": "juris", "version": 1, "text": text
            }}),
        )
        .into(),
    );
    for version in 2..12 {
        // Each version misspells one more member; only the last is checked.
        let broken = text.replacen("data is ssn", &format!("data is ssn{version}"), 1);
        send(
            Notification::new(
                "textDocument/didChange".into(),
                json!({
                    "textDocument": { "uri": uri(POLICY), "version": version },
                    "contentChanges": [{ "text": broken }]
                }),
            )
            .into(),
        );
    }
    // Everything is queued before the server starts; it ends after `exit`.
    let running = std::thread::spawn(move || serve(&server));
    let is_ours = |m: &Message| {
        matches!(m, Message::Notification(n)
        if n.method == "textDocument/publishDiagnostics" && n.params["uri"] == uri(POLICY))
    };
    let mut published = Vec::new();
    while published.is_empty() {
        let m = client
            .receiver
            .recv_timeout(Duration::from_secs(60))
            .unwrap();
        if is_ours(&m) {
            published.push(m);
        }
    }
    send(Request::new(2.into(), "shutdown".into(), Value::Null).into());
    send(Notification::new("exit".into(), Value::Null).into());
    assert_eq!(running.join().unwrap().unwrap(), Ending::Clean);
    published.extend(client.receiver.try_iter().filter(is_ours));
    let published: Vec<Value> = published
        .into_iter()
        .filter_map(|m| match m {
            Message::Notification(n) => Some(n.params),
            _ => None,
        })
        .collect();
    assert_eq!(published.len(), 1, "{published:#?}");
    let messages: Vec<&str> = published[0]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["message"].as_str().unwrap())
        .collect();
    assert_eq!(messages.len(), 1);
    assert!(
        messages[0].starts_with("`ssn11` is not a value of `data`"),
        "{messages:?}"
    );
}

/// Random edits of the Oregon policy: the server answers every request (no internal
/// error, no crash) and publishes diagnostics for every version.
#[test]
fn random_edits_never_break_the_server() {
    use proptest::prelude::*;
    use proptest::test_runner::{Config, TestRunner};
    let text = read(POLICY);
    let client = std::cell::RefCell::new(Client::start());
    client.borrow_mut().open(POLICY, &text);
    client.borrow_mut().diagnostics(&uri(POLICY), 1);
    let pieces = prop::sample::select(vec![
        "",
        "(",
        ")",
        "{",
        "}",
        "[",
        "]",
        "\"",
        "is ",
        "when ",
        "not ",
        "é𝔸",
        "\n",
        "(3)(",
        "cites (",
        "data is one of [",
        "//",
        "overrides ",
        ".",
        "==",
    ]);
    let edit = (0..text.len(), 0..200usize, pieces, 0..400u32, 0..120u32);
    let mut runner = TestRunner::new(Config {
        cases: 48,
        failure_persistence: None,
        ..Config::default()
    });
    let version = std::cell::Cell::new(1);
    runner
        .run(&edit, |(start, len, piece, line, character)| {
            let mut start = start;
            while !text.is_char_boundary(start) {
                start -= 1;
            }
            let mut end = (start + len).min(text.len());
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            let edited = format!("{}{piece}{}", &text[..start], &text[end..]);
            let mut client = client.borrow_mut();
            version.set(version.get() + 1);
            client.change(POLICY, version.get(), &edited);
            let position = json!({ "line": line, "character": character });
            for method in [
                "textDocument/hover",
                "textDocument/completion",
                "textDocument/definition",
                "textDocument/codeLens",
            ] {
                let params = match method {
                    "textDocument/codeLens" => json!({ "textDocument": { "uri": uri(POLICY) } }),
                    _ => at(POLICY, position.clone()),
                };
                let response = client.request(method, params);
                prop_assert!(response.error.is_none(), "{method}: {:?}", response.error);
            }
            let mut references = at(POLICY, position);
            references["context"] = json!({ "includeDeclaration": true });
            prop_assert!(client
                .request("textDocument/references", references)
                .error
                .is_none());
            client.diagnostics(&uri(POLICY), version.get().into());
            Ok(())
        })
        .unwrap();
    client.into_inner().shut_down();
}

/// The outline of the policy file: provisions nested as the statute nests them.
#[test]
fn document_symbols_outline_the_policy_as_the_statute() {
    let mut client = Client::start();
    client.open(POLICY, &read(POLICY));
    let symbols = client.ok(
        "textDocument/documentSymbol",
        json!({ "textDocument": { "uri": uri(POLICY) } }),
    );
    fn render(symbols: &Value, depth: usize, out: &mut String) {
        for s in symbols.as_array().into_iter().flatten() {
            // The protocol asks that a symbol's selection lie inside its range.
            let (range, selection) = (&s["range"], &s["selectionRange"]);
            let key = |p: &Value| {
                (
                    p["line"].as_u64().unwrap(),
                    p["character"].as_u64().unwrap(),
                )
            };
            assert!(key(&range["start"]) <= key(&selection["start"]), "{s}");
            assert!(key(&selection["end"]) <= key(&range["end"]), "{s}");
            let detail = s["detail"]
                .as_str()
                .map(|d| format!(" — {}", d.chars().take(60).collect::<String>()))
                .unwrap_or_default();
            if s["name"] != "vocabulary" || depth > 0 {
                out.push_str(&format!(
                    "{}{}{detail}\n",
                    "  ".repeat(depth),
                    s["name"].as_str().unwrap()
                ));
            } else {
                out.push_str("vocabulary\n");
            }
            if s["name"] != "vocabulary" {
                render(&s["children"], depth + 1, out);
            }
        }
    }
    let mut out = String::new();
    render(&symbols, 0, &mut out);
    insta::assert_snapshot!("lsp_document_symbols", out);
    client.shut_down();
}

/// The CLI's `juris lsp` on real standard input and output: framed messages in, framed
/// answers out; exit 0 after `shutdown` and `exit`, 1 after an `exit` alone.
#[test]
fn juris_lsp_speaks_on_standard_input_and_output() {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let frame = |value: Value| {
        let body = value.to_string();
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    };
    let initialize = frame(
        json!({ "jsonrpc": "2.0", "id": 1, "method": "initialize", "params": { "capabilities": {} } }),
    );
    let initialized = frame(json!({ "jsonrpc": "2.0", "method": "initialized", "params": {} }));
    let shutdown = frame(json!({ "jsonrpc": "2.0", "id": 2, "method": "shutdown" }));
    let exit = frame(json!({ "jsonrpc": "2.0", "method": "exit" }));
    for (input, code) in [
        (format!("{initialize}{initialized}{shutdown}{exit}"), 0),
        (format!("{initialize}{initialized}{exit}"), 1),
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_juris"))
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
        let output = child.wait_with_output().unwrap();
        assert_eq!(
            output.status.code(),
            Some(code),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let stdout = String::from_utf8(output.stdout).unwrap();
        assert!(stdout.starts_with("Content-Length: "), "{stdout}");
        assert!(
            stdout.contains("\"capabilities\"") && stdout.contains("\"hoverProvider\":true"),
            "{stdout}"
        );
    }
}

/// A problem in the `juris.toml` that applies to a policy is shown in that file.
#[test]
fn a_broken_juris_toml_is_shown_in_itself() {
    let dir = std::env::temp_dir().join(format!("juris-lsp-toml-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for entry in std::fs::read_dir(root().join("policies/oregon")).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            std::fs::copy(&path, dir.join(path.file_name().unwrap())).unwrap();
        }
    }
    std::fs::write(
        dir.join("juris.toml"),
        "[lint]\ndeny = [\"no-such-rule\"]\n",
    )
    .unwrap();
    let policy = dir.join("oar-860-086-0030.juris");
    let policy_uri = path_to_uri(&policy).unwrap().as_str().to_string();
    let toml_uri = path_to_uri(&dir.join("juris.toml"))
        .unwrap()
        .as_str()
        .to_string();
    let mut client = Client::start();
    client.notify(
        "textDocument/didOpen",
        json!({ "textDocument": {
            "uri": policy_uri, "languageId": "juris", "version": 1,
            "text": std::fs::read_to_string(&policy).unwrap()
        }}),
    );
    let in_toml = client.diagnostics(&toml_uri, 0);
    let in_policy = client.diagnostics(&policy_uri, 1);
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(in_policy, json!([]));
    let in_toml = in_toml.as_array().unwrap();
    assert_eq!(in_toml.len(), 1, "{in_toml:?}");
    assert_eq!(in_toml[0]["code"], "L009");
    // On the rule's line of juris.toml.
    assert_eq!(in_toml[0]["range"]["start"]["line"], 1);
    client.shut_down();
}

/// A copy of a shipped policy's folder (goldens included) in a fresh temporary folder.
fn copy_policies(folder: &str, name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("juris-lsp-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    for sub in ["", "goldens"] {
        let from = root().join("policies").join(folder).join(sub);
        std::fs::create_dir_all(dir.join(sub)).unwrap();
        let Ok(entries) = std::fs::read_dir(&from) else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_file() {
                std::fs::copy(&path, dir.join(sub).join(path.file_name().unwrap())).unwrap();
            }
        }
    }
    dir
}

/// The code actions offered with the cursor at `position` of the policy file.
fn actions_at(client: &mut Client, position: Value) -> Vec<Value> {
    actions_in(client, POLICY, position)
}

/// The code actions offered with the cursor at `position` of `file`.
fn actions_in(client: &mut Client, file: &str, position: Value) -> Vec<Value> {
    let actions = client.ok(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": uri(file) },
            "range": { "start": position, "end": position },
            "context": { "diagnostics": [] }
        }),
    );
    actions.as_array().unwrap().clone()
}

/// The one edit of an action that adds text at the end of the tests file, applied to it.
fn applied(action: &Value, tests: &str) -> String {
    let changes = action["edit"]["changes"].as_object().unwrap();
    assert_eq!(changes.keys().collect::<Vec<_>>(), vec![&uri(TESTS)]);
    let edits = changes[&uri(TESTS)].as_array().unwrap();
    assert_eq!(edits.len(), 1);
    let range = &edits[0]["range"];
    // At the very end of the file: after its last line.
    let lines = tests.split('\n').count() as u64 - 1;
    assert_eq!(range["start"], range["end"]);
    assert_eq!(range["start"]["line"], lines);
    format!("{tests}{}", edits[0]["newText"].as_str().unwrap())
}

#[test]
fn a_provision_gets_a_test_of_what_decides_there_and_it_passes() {
    let text = read(POLICY);
    let tests = read(TESTS);
    let mut client = Client::with_policy(&text);
    // On `(3)(a) when data is ssn`.
    let actions = actions_at(&mut client, position(&text, "(a) when data is ssn", 0, 1));
    let add: Vec<&Value> = actions
        .iter()
        .filter(|a| a["title"].as_str().unwrap().starts_with("Add a test"))
        .collect();
    assert_eq!(add.len(), 1, "{actions:?}");
    insta::assert_snapshot!("lsp_add_test_action", scrub(add[0]));
    assert_eq!(add[0]["kind"], "refactor");
    let with_test = applied(add[0], &tests);
    let added = &with_test[tests.len()..];
    assert!(
        added.contains("test \"(3)(a) decides: prohibited\""),
        "{added}"
    );
    assert!(added.contains("data = ssn"), "{added}");
    assert!(added.contains("expect prohibited cites (3)(a)"), "{added}");

    // In the editor: the new test's lens says it passes, like every other's.
    client.open(TESTS, &with_test);
    let lenses = client.ok(
        "textDocument/codeLens",
        json!({ "textDocument": { "uri": uri(TESTS) } }),
    );
    let titles: Vec<&str> = lenses
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["command"]["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles.len(), tests.matches("\ntest \"").count() + 1);
    assert!(titles.iter().all(|t| *t == "✓ passed"), "{titles:?}");
    client.shut_down();

    // On disk: `juris test` passes the copy of the policy with the test added.
    let dir = copy_policies("oregon", "add-test");
    std::fs::write(dir.join("oar-860-086-0030.tests.juris"), &with_test).unwrap();
    let out = crate::cli::juris(&["test", dir.to_str().unwrap()]);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(out.code, 0, "{out:#?}");
    assert!(
        out.stdout.contains("(3)(a) decides: prohibited"),
        "{}",
        out.stdout
    );
}

#[test]
fn a_test_gets_a_test_for_each_near_miss_of_its_decision() {
    // Example 3 (over 1 aMW, not opted in: the meter number may not be transferred): each
    // provision its explanation lists as a near miss is offered as a test written from the
    // example's own request, and each such test passes and is about the near miss.
    let text = read(POLICY);
    let tests = read(TESTS);
    let mut client = Client::with_policy(&text);
    client.open(TESTS, &tests);
    let needle = "example 3: over 1 aMW and not opted in, the meter number";
    let actions = actions_in(&mut client, TESTS, position(&tests, needle, 0, 1));
    let add: Vec<&Value> = actions
        .iter()
        .filter(|a| a["title"].as_str().unwrap().starts_with("Add a test where"))
        .collect();
    assert!(!add.is_empty(), "{actions:?}");
    let titles: Vec<&str> = add.iter().map(|a| a["title"].as_str().unwrap()).collect();
    insta::assert_snapshot!("lsp_near_miss_test_actions", titles.join("\n"));
    // Not on a line outside any test.
    let outside = actions_in(&mut client, TESTS, json!({ "line": 0, "character": 0 }));
    assert!(
        outside
            .iter()
            .all(|a| !a["title"].as_str().unwrap().starts_with("Add a test")),
        "{outside:?}"
    );
    client.shut_down();

    let mut with_tests = tests.clone();
    for action in &add {
        let added = applied(action, &tests)[tests.len()..].to_string();
        // The example's own facts are kept unless the near miss needs them changed: neither
        // needs another item of data; (11)(b), about customers over 1 aMW as the example's
        // is, keeps its usage, and (2)(h), about covered customers, must lower it.
        assert!(added.contains("data = meter_number"), "{added}");
        assert_eq!(
            added.contains("customer.usage_amw = 2\n"),
            !added.contains("(2)(h) decides"),
            "{added}"
        );
        let cite = action["title"].as_str().unwrap()["Add a test where ".len()..]
            .split(' ')
            .next()
            .unwrap()
            .to_string();
        assert!(
            added.contains(&format!("cites {cite}")) || added.contains(&format!(", {cite}")),
            "{cite}: {added}"
        );
        with_tests.push_str(&added);
    }
    let dir = copy_policies("oregon", "near-miss-tests");
    std::fs::write(dir.join("oar-860-086-0030.tests.juris"), &with_tests).unwrap();
    let out = crate::cli::juris(&["test", dir.to_str().unwrap()]);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(out.code, 0, "{out:#?}");
}

#[test]
fn every_provision_that_can_decide_gets_a_test_that_exercises_it() {
    // For each shipped policy, all the tests the action would add, added together: `juris
    // test` passes them all, and coverage counts each as exercising its provision.
    for folder in ["oregon", "oklahoma", "california"] {
        let program = juris::load::load(&[root().join("policies").join(folder)]).unwrap();
        let policy = &program.policies[0];
        let mut added = String::new();
        let mut written = Vec::new();
        for i in 0..policy.leaves.len() {
            let leaf = juris::ir::LeafId(i as u32);
            match juris::suite::test_for_provision(policy, leaf) {
                Ok(test) => {
                    added.push('\n');
                    added.push_str(&test.text);
                    written.push((leaf, test.name));
                }
                Err(e) => panic!("{}: {e}", policy.cite_of(leaf)),
            }
        }
        let dir = copy_policies(folder, "every-test");
        let tests = std::path::Path::new(policy.tests_file().name());
        let tests = dir.join(tests.file_name().unwrap());
        let before = std::fs::read_to_string(&tests).unwrap();
        std::fs::write(&tests, format!("{before}{added}")).unwrap();
        let out = crate::cli::juris(&["test", dir.to_str().unwrap()]);
        let loaded = juris::load::load(std::slice::from_ref(&dir));
        let _ = std::fs::remove_dir_all(&dir);
        assert_eq!(out.code, 0, "{folder}: {out:#?}");
        let program = loaded.unwrap();
        let coverage = juris::coverage::coverage(&program.policies[0]);
        for (leaf, name) in &written {
            let p = coverage
                .provisions
                .iter()
                .find(|p| p.leaf == *leaf)
                .unwrap();
            assert!(
                p.tests.contains(name),
                "{folder}: {name} does not exercise its provision"
            );
        }
    }
}

#[test]
fn a_provision_that_never_decides_gets_no_test() {
    let text = read(POLICY).replacen(
        "  (a) when data is ssn\n",
        "  (a) when data is ssn and data is meter_number\n",
        1,
    );
    let mut client = Client::with_policy(&text);
    let on = |client: &mut Client, needle: &str| -> Vec<String> {
        actions_at(client, position(&text, needle, 0, 1))
            .iter()
            .map(|a| a["title"].as_str().unwrap().to_string())
            .filter(|t| t.starts_with("Add a test"))
            .collect()
    };
    assert_eq!(
        on(&mut client, "(a) when data is ssn and"),
        Vec::<String>::new()
    );
    // Its sibling still gets one.
    assert_eq!(
        on(&mut client, "(b) when data is billing_payment_history"),
        vec!["Add a test for (3)(b)".to_string()]
    );
    // A client that asks only for quick fixes is offered none.
    let only = client.ok(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": uri(POLICY) },
            "range": { "start": position(&text, "(b) when", 0, 1), "end": position(&text, "(b) when", 0, 1) },
            "context": { "diagnostics": [], "only": ["quickfix"] }
        }),
    );
    assert_eq!(only, json!([]));
    client.shut_down();
}

/// Semantic tokens decoded: one line per token, `line:column kind [declaration] text`
/// (both from 1).
fn decode_tokens(data: &[Value], legend: &Value, text: &str) -> String {
    let lines: Vec<&str> = text.split('\n').collect();
    let (mut line, mut column) = (0u64, 0u64);
    let mut out = String::new();
    for t in data.chunks(5) {
        let n = |i: usize| t[i].as_u64().unwrap();
        if n(0) > 0 {
            column = 0;
        }
        line += n(0);
        column += n(1);
        let units: Vec<u16> = lines[line as usize].encode_utf16().collect();
        let word = String::from_utf16(&units[column as usize..(column + n(2)) as usize]).unwrap();
        let kind = legend["tokenTypes"][n(3) as usize].as_str().unwrap();
        let declared = if n(4) & 1 == 1 { " declaration" } else { "" };
        out.push_str(&format!(
            "{}:{} {kind}{declared} {word}\n",
            line + 1,
            column + 1
        ));
    }
    out
}

#[test]
fn semantic_tokens_colour_keywords_facts_members_cites_strings_numbers_comments() {
    let (mut client, init) = Client::initialized();
    let provider = &init["capabilities"]["semanticTokensProvider"];
    assert_eq!(provider["full"], true);
    let legend = provider["legend"].clone();
    insta::assert_snapshot!("lsp_semantic_tokens_legend", scrub(&legend));

    let text = read(POLICY);
    client.open(POLICY, &text);
    let tokens = client.ok(
        "textDocument/semanticTokens/full",
        json!({ "textDocument": { "uri": uri(POLICY) } }),
    );
    let data = tokens["data"].as_array().unwrap();
    assert_eq!(data.len() % 5, 0);
    let decoded = decode_tokens(data, &legend, &text);
    // The header, the start of the vocabulary, a definition and provision (3) with its
    // first items.
    let show = |from: &str, lines: usize| -> String {
        let first = text[..text.find(from).unwrap()].matches('\n').count() + 1;
        decoded
            .lines()
            .filter(|l| {
                let n: usize = l.split(':').next().unwrap().parse().unwrap();
                (first..first + lines).contains(&n)
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    let shown = [
        show("// OAR 860-086-0030, Electric", 1),
        show("policy \"OAR", 8),
        show("vocabulary {", 4),
        show("define over_1_amw_customer", 2),
        show("provision (3) \"", 6),
    ]
    .join("\n…\n");
    insta::assert_snapshot!("lsp_semantic_tokens", shown);
    // Every token of the tests file too: the outcome words are keywords, the members
    // members, the cites cites.
    let tests = read(TESTS);
    client.open(TESTS, &tests);
    let tokens = client.ok(
        "textDocument/semanticTokens/full",
        json!({ "textDocument": { "uri": uri(TESTS) } }),
    );
    let decoded = decode_tokens(tokens["data"].as_array().unwrap(), &legend, &tests);
    for expected in [
        "keyword expect",
        "keyword prohibited",
        "enumMember ssn",
        "namespace (3)(a)",
        "variable customer.usage_amw",
        "number 0.3",
        "keyword true",
        "string \"example 2: a social security number may not be transferred\"",
        "comment // The tests of OAR 860-086-0030",
    ] {
        assert!(
            decoded
                .lines()
                .any(|l| l.split_once(' ').unwrap().1.starts_with(expected)),
            "no `{expected}` in\n{decoded}"
        );
    }
    // A text that does not parse has no tokens (nothing guessed).
    client.change(TESTS, 2, "test \"broken\" {");
    let none = client.ok(
        "textDocument/semanticTokens/full",
        json!({ "textDocument": { "uri": uri(TESTS) } }),
    );
    assert_eq!(none["data"], json!([]));
    client.shut_down();
}
