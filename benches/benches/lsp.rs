//! `juris lsp`: how long after an edit of the Oregon policy its diagnostics arrive.
//!
//! The server runs on its own thread over an in-memory connection, as in the integration
//! tests, with the policy open. Each iteration sends one `didChange` (the whole text, as the
//! server asks) and waits for the policy file's `publishDiagnostics` of that version:
//!
//! * `check`: the first publication, what parsing and checking the policy with its sibling
//!   files find. The edits alternate between the shipped text and one with a misspelled
//!   member, so that every other one is an error.
//! * `lint`: the second publication, once the server, idle, has linted too (the edits
//!   alternate between two texts that check clean, so that every one is linted).
//!
//! Run: `cargo bench -p juris-bench --bench lsp`.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic, missing_docs)]

use criterion::{criterion_group, criterion_main, Criterion};
use lsp_server::{Connection, Message, Notification, Request};
use serde_json::json;
use std::path::Path;
use std::time::Duration;

fn edit_to_diagnostics(c: &mut Criterion) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../policies/oregon/oar-860-086-0030.juris")
        .canonicalize()
        .expect("the shipped policy");
    let uri = juris::lsp::text::path_to_uri(&path).expect("a file URI");
    let uri = uri.as_str().to_string();
    let text = std::fs::read_to_string(&path).expect("readable");
    let broken = text.replacen("data is ssn", "data is snn", 1);
    let commented = format!("// an edit\n{text}");
    let (server, client) = Connection::memory();
    let running = std::thread::spawn(move || juris::lsp::serve(&server));
    let send = |m: Message| client.sender.send(m).expect("the server is running");
    // Waits for the `nth` (from 1) publication of the policy's diagnostics at `version`.
    let wait = |version: i32, nth: usize| {
        let mut seen = 0;
        loop {
            match client.receiver.recv_timeout(Duration::from_secs(60)) {
                Ok(Message::Notification(n))
                    if n.method == "textDocument/publishDiagnostics"
                        && n.params["uri"] == uri.as_str()
                        && n.params["version"] == version =>
                {
                    seen += 1;
                    if seen == nth {
                        return n.params["diagnostics"].as_array().map_or(0, Vec::len);
                    }
                }
                Ok(_) => {}
                Err(e) => panic!("no diagnostics: {e}"),
            }
        }
    };
    let change = |version: i32, text: &str| {
        send(
            Notification::new(
                "textDocument/didChange".into(),
                json!({
                    "textDocument": { "uri": uri, "version": version },
                    "contentChanges": [{ "text": text }]
                }),
            )
            .into(),
        )
    };
    send(Request::new(1.into(), "initialize".into(), json!({ "capabilities": {} })).into());
    send(Notification::new("initialized".into(), json!({})).into());
    send(
        Notification::new(
            "textDocument/didOpen".into(),
            json!({ "textDocument": {
                "uri": uri, "languageId": "juris", "version": 1, "text": text
            }}),
        )
        .into(),
    );
    assert_eq!(wait(1, 2), 0);
    let mut version = 1;
    let mut group = c.benchmark_group("lsp/edit_to_diagnostics/oregon");
    group.bench_function("check", |b| {
        b.iter(|| {
            version += 1;
            change(version, if version % 2 == 0 { &broken } else { &text });
            wait(version, 1)
        })
    });
    group.bench_function("lint", |b| {
        b.iter(|| {
            version += 1;
            change(version, if version % 2 == 0 { &commented } else { &text });
            wait(version, 2)
        })
    });
    group.finish();
    send(Request::new(2.into(), "shutdown".into(), serde_json::Value::Null).into());
    send(Notification::new("exit".into(), serde_json::Value::Null).into());
    drop(running.join());
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(50).measurement_time(Duration::from_secs(5));
    targets = edit_to_diagnostics
}
criterion_main!(benches);
