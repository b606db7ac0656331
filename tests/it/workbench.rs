//! The workbench's routes (`juris serve --ui`): the law beside its encoding, the form of the
//! vocabulary, the interview, a test saved from the facts, versions and their diff, the memo
//! of `/v1/ask`, and the page's files. The page itself is tested in a browser by
//! `workbench/test/e2e.test.mjs` (run by `.ci/run`).

use crate::cli::juris;
use crate::serve::{copy_oregon, scratch, Server};
use crate::{example_1, settings};
use serde_json::{json, Value};
use std::path::Path;
use std::process::Command;

/// The meter-number request without the customer's usage and the three facts (2)(h) needs.
fn partial() -> Value {
    json!({
        "jurisdiction": "OR",
        "actor": "electric_company", "action": "transfer", "recipient": "administrator",
        "data": "meter_number",
    })
}

/// `(path, line)` of a `path:line` source.
fn place(source: &str) -> (&str, usize) {
    let (path, line) = source.rsplit_once(':').expect("path:line");
    (path, line.parse().expect("a line number"))
}

#[test]
fn the_workbench_shows_the_law_beside_its_encoding() {
    let server = Server::start(&["policies"]);
    let reply = server.call("GET", "/v1/policies/OR/workbench", b"");
    assert_eq!(reply.status, 200, "{}", reply.text());
    let bench = reply.json();
    assert_eq!(bench["citation"], "OAR 860-086-0030");
    assert_eq!(bench["can_write"], false);

    // The coverage is `juris coverage`'s, the same object.
    let cli = juris(&["coverage", "policies", "--format", "json"]);
    let report: Value = serde_json::from_str(&cli.stdout).unwrap();
    let oregon = report["policies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["policy"] == "OAR 860-086-0030")
        .unwrap();
    assert_eq!(&bench["coverage"], oregon);

    // Every file the page shows is the file on disk, with its role.
    let files = bench["files"].as_array().unwrap();
    let roles: Vec<String> = files
        .iter()
        .map(|f| {
            format!(
                "{} {}",
                f["role"].as_str().unwrap(),
                f["path"].as_str().unwrap()
            )
        })
        .collect();
    settings().bind(|| insta::assert_debug_snapshot!("workbench_files_oregon", roles));
    let text_of = |path: &str| -> &str {
        let file = files.iter().find(|f| f["path"] == path);
        file.unwrap_or_else(|| panic!("{path} is not among the files"))["text"]
            .as_str()
            .unwrap()
    };
    for f in files {
        let path = f["path"].as_str().unwrap();
        assert_eq!(
            f["text"].as_str().unwrap(),
            std::fs::read_to_string(path).unwrap()
        );
    }

    // Each subsection's line in the statute text is where its path begins; each source a
    // provision, a reading, a marker or a test is linked to is a line of a shown file.
    let statute = text_of(bench["coverage"]["statute"].as_str().unwrap());
    let lines: Vec<&str> = statute.lines().collect();
    for s in bench["coverage"]["subsections"].as_array().unwrap() {
        let path = s["path"].as_str().unwrap();
        let last = &path[path.rfind('(').unwrap()..];
        let line = lines[s["line"].as_u64().unwrap() as usize - 1];
        assert!(line.trim_start().starts_with(last), "{path} at {line:?}");
    }
    let mut sources: Vec<&str> = Vec::new();
    let coverage = &bench["coverage"];
    for s in coverage["subsections"].as_array().unwrap() {
        sources.extend(s["source"].as_str());
        for by in s["by"].as_array().into_iter().flatten() {
            sources.extend(by["source"].as_str());
        }
    }
    for key in ["provisions", "readings"] {
        for p in coverage[key].as_array().unwrap() {
            sources.push(p["source"].as_str().unwrap());
        }
    }
    let tests = bench["tests"].as_array().unwrap();
    for t in tests {
        let (path, line) = place(t["source"].as_str().unwrap());
        let written = text_of(path).lines().nth(line - 1).unwrap();
        let name = t["name"].as_str().unwrap();
        assert!(
            written.contains(&format!("test \"{name}\"")),
            "{name}: {written:?}"
        );
    }
    assert!(sources.len() > 100);
    for source in sources {
        let (path, line) = place(source);
        assert!(
            line >= 1 && line <= text_of(path).lines().count(),
            "{source}"
        );
    }
    // Every test of a provision is a test the page lists.
    for p in coverage["provisions"].as_array().unwrap() {
        for name in p["tests"].as_array().unwrap() {
            assert!(tests.iter().any(|t| &t["name"] == name), "{name}");
        }
    }

    // The form: one field per fact of the vocabulary, with labels and ranges.
    let fields = &bench["fields"];
    let schema = server.call("GET", "/v1/policies/OR/schema", b"").json();
    assert_eq!(
        fields.as_array().unwrap().len(),
        juris::Engine::load(&["policies/oregon"])
            .unwrap()
            .policies()[0]
            .facts
            .len()
    );
    let usage = fields
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "customer.usage_amw")
        .unwrap();
    assert_eq!(
        usage["min"],
        json!({"value": schema["properties"]["customer"]["properties"]["usage_amw"]["minimum"], "inclusive": true})
    );
    settings().bind(|| insta::assert_json_snapshot!("workbench_fields_oregon", fields));
    assert_eq!(
        bench["example_question"],
        "May a utility transfer proprietary customer information in Oregon?"
    );

    // Without `--ui` there is no page; an unknown jurisdiction is named.
    assert_eq!(server.call("GET", "/", b"").status, 404);
    let unknown = server.call("GET", "/v1/policies/XX/workbench", b"");
    assert_eq!(unknown.status, 404);
    assert_eq!(unknown.json()["error"]["code"], "R005");
}

#[test]
fn the_page_is_served_with_ui() {
    let server = Server::start(&["--ui", "policies"]);
    let page = server.call("GET", "/", b"");
    assert_eq!(page.status, 200);
    let html = page.text();
    assert!(
        html.contains("/app.js") && html.contains("/app.css"),
        "{html}"
    );
    for (path, kind) in [("/app.js", "text/javascript"), ("/app.css", "text/css")] {
        let reply = server.call("GET", path, b"");
        assert_eq!(reply.status, 200, "{path}");
        assert!(!reply.body.is_empty(), "{path} is empty");
        let headers = format!("{reply:?}");
        assert!(headers.contains(kind), "{path}: {headers}");
        assert!(headers.contains("content-security-policy: default-src 'self'"));
    }
}

/// The interview from the partial request: each question is the field the answer turns on
/// most, until it no longer depends on anything.
#[test]
fn the_interview_asks_until_the_answer_no_longer_depends_on_anything() {
    let server = Server::start(&["policies"]);
    let mut request = partial();
    let mut asked = Vec::new();
    let last = loop {
        let reply = server.call(
            "POST",
            "/v1/interview",
            json!({"request": request}).to_string().as_bytes(),
        );
        assert_eq!(reply.status, 200, "{}", reply.text());
        let answer = reply.json();
        let next = &answer["next"];
        if next.is_null() {
            break answer;
        }
        assert!(asked.len() < 10, "the interview does not end: {asked:?}");
        let name = next["name"].as_str().unwrap().to_string();
        assert!(
            answer["decision"]["depends_on"]
                .as_array()
                .unwrap()
                .iter()
                .any(|d| d == &json!(name)),
            "{name} is asked but the answer does not depend on it"
        );
        // The meter-number example's facts: 0.3 aMW, notice sent, an agreement.
        let value = match next["type"].as_str().unwrap() {
            "bool" => json!(true),
            "number" => json!(0.3),
            other => panic!("{name}: a {other} is not expected here"),
        };
        let (group, fact) = name.split_once('.').unwrap();
        request[group][fact] = value.clone();
        asked.push(format!("{name} = {value}"));
    };
    assert_eq!(last["decision"]["decision"], "required");
    assert_eq!(last["decision"]["cites"], json!(["OAR 860-086-0030(2)(h)"]));
    assert!(last["decision"]["explanation"].is_object());
    settings().bind(|| insta::assert_debug_snapshot!("workbench_interview_oregon", asked));

    // Every question skipped: the interview ends undetermined, with the cases.
    let mut skipped: Vec<String> = Vec::new();
    let last = loop {
        let body = json!({"request": partial(), "skipped": skipped});
        let answer = server
            .call("POST", "/v1/interview", body.to_string().as_bytes())
            .json();
        match answer["next"]["name"].as_str() {
            Some(name) => {
                assert!(!skipped.contains(&name.to_string()), "{name} asked again");
                skipped.push(name.to_string());
            }
            None => break answer,
        }
    };
    assert_eq!(last["decision"]["decision"], "undetermined");
    let mut depends: Vec<String> = last["decision"]["depends_on"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d.as_str().unwrap().to_string())
        .collect();
    depends.sort();
    skipped.sort();
    assert_eq!(depends, skipped);
    assert!(!last["decision"]["cases"].as_array().unwrap().is_empty());

    // Refused as /v1/decide refuses, positions inside the request.
    let twice = br#"{"request": {"jurisdiction": "OR", "data": "ssn", "data": "tax_id"}}"#;
    let reply = server.call("POST", "/v1/interview", twice);
    assert_eq!(reply.status, 400);
    assert_eq!(reply.json()["error"]["code"], "R007");
    let unknown = json!({"request": partial(), "skipped": ["customer.shoe_size"]});
    let reply = server.call("POST", "/v1/interview", unknown.to_string().as_bytes());
    assert_eq!(reply.status, 400);
    assert_eq!(reply.json()["error"]["code"], "R001");
    let stray = json!({"request": partial(), "answer": 1});
    let reply = server.call("POST", "/v1/interview", stray.to_string().as_bytes());
    assert_eq!(reply.status, 400);
    assert_eq!(reply.json()["error"]["code"], "R004");
}

#[test]
fn a_test_is_saved_from_the_facts_and_passes() {
    let dir = scratch("workbench-save");
    copy_oregon(&dir);
    // `juris test` reads the tests' golden explanations too.
    let goldens = dir.join("goldens");
    std::fs::create_dir_all(&goldens).unwrap();
    for entry in std::fs::read_dir("policies/oregon/goldens").unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, goldens.join(path.file_name().unwrap())).unwrap();
    }
    let tests_file = dir.join("oar-860-086-0030.tests.juris");
    let before = std::fs::read_to_string(&tests_file).unwrap();
    let folder = dir.to_str().unwrap();

    // Without --allow-write the test is shown, not written.
    let server = Server::start(&[folder]);
    let body = json!({"request": example_1()});
    let reply = server.call("POST", "/v1/policies/OR/tests", body.to_string().as_bytes());
    assert_eq!(reply.status, 200, "{}", reply.text());
    let shown = reply.json();
    assert_eq!(shown["written"], false);
    assert_eq!(shown["name"], "(2)(h) decides: required");
    assert_eq!(std::fs::read_to_string(&tests_file).unwrap(), before);
    settings()
        .bind(|| insta::assert_snapshot!("workbench_saved_test", shown["text"].as_str().unwrap()));
    // An answer that still depends on facts is not a test.
    let undetermined = json!({"request": partial()});
    let reply = server.call(
        "POST",
        "/v1/policies/OR/tests",
        undetermined.to_string().as_bytes(),
    );
    assert_eq!(reply.status, 409, "{}", reply.text());
    assert_eq!(reply.json()["error"]["name"], "undetermined");
    drop(server);

    let server = Server::start(&["--allow-write", folder]);
    let bench = server.call("GET", "/v1/policies/OR/workbench", b"").json();
    assert_eq!(bench["can_write"], true);
    let named = json!({"request": example_1(), "name": "the worked example, saved"});
    let reply = server.call(
        "POST",
        "/v1/policies/OR/tests",
        named.to_string().as_bytes(),
    );
    assert_eq!(reply.status, 200, "{}", reply.text());
    let saved = reply.json();
    assert_eq!(saved["written"], true);
    assert_eq!(saved["name"], "the worked example, saved");
    let after = std::fs::read_to_string(&tests_file).unwrap();
    assert!(after.starts_with(&before) && after.ends_with(saved["text"].as_str().unwrap()));
    // The policy passes its tests with it, and the service serves it.
    let run = juris(&["test", folder]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("the worked example, saved"),
        "{}",
        run.stdout
    );
    let bench = server.call("GET", "/v1/policies/OR/workbench", b"").json();
    assert!(bench["tests"]
        .as_array()
        .unwrap()
        .iter()
        .any(|t| t["name"] == "the worked example, saved"));
}

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args([
            "-c",
            "user.name=Juris",
            "-c",
            "user.email=juris@example.org",
        ])
        .args(args)
        .stdout(std::process::Stdio::null())
        .status()
        .expect("git runs");
    assert!(status.success(), "git {args:?}");
}

#[test]
fn two_versions_are_diffed() {
    let dir = scratch("workbench-versions");
    let policy = copy_oregon(&dir);
    let folder = dir.to_str().unwrap();
    // Not in a repository: only the version served.
    let server = Server::start(&[folder]);
    let versions = server.call("GET", "/v1/policies/OR/versions", b"").json();
    assert_eq!(versions["versions"].as_array().unwrap().len(), 1);
    let same = json!({"old": "current", "new": "current"});
    let diff = server
        .call("POST", "/v1/policies/OR/diff", same.to_string().as_bytes())
        .json();
    assert_eq!(diff["differences"], json!([]));
    assert_eq!(diff["truncated"], false);
    drop(server);

    // An amendment kept beside it as a file is a version too (the policy file is served,
    // not the folder, which would load both).
    let amended_file = dir.join("oar-860-086-0030.amended.juris");
    std::fs::copy(&policy, &amended_file).unwrap();
    crate::serve::amend(&amended_file);
    let server = Server::start(&[policy.to_str().unwrap()]);
    let versions = server.call("GET", "/v1/policies/OR/versions", b"").json();
    let ids: Vec<&str> = versions["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["current", "file:oar-860-086-0030.amended.juris"]);
    let body = json!({"old": "current", "new": "file:oar-860-086-0030.amended.juris"});
    let diff = server
        .call("POST", "/v1/policies/OR/diff", body.to_string().as_bytes())
        .json();
    assert!(
        !diff["differences"].as_array().unwrap().is_empty(),
        "{diff}"
    );
    drop(server);
    std::fs::remove_file(&amended_file).unwrap();

    // Two commits: the policy, then its amendment (the meter number joins (3)).
    git(&dir, &["init", "-q"]);
    git(&dir, &["add", "."]);
    git(&dir, &["commit", "-q", "-m", "the rule as adopted"]);
    crate::serve::amend(&policy);
    git(&dir, &["commit", "-q", "-am", "the meter number joins (3)"]);
    let server = Server::start(&[folder]);
    let versions = server.call("GET", "/v1/policies/OR/versions", b"").json();
    let versions = versions["versions"].as_array().unwrap();
    let labels: Vec<&str> = versions
        .iter()
        .map(|v| v["label"].as_str().unwrap())
        .collect();
    assert_eq!(versions.len(), 3, "{labels:?}");
    assert!(
        labels[1].ends_with("the meter number joins (3)"),
        "{labels:?}"
    );
    assert!(labels[2].ends_with("the rule as adopted"), "{labels:?}");
    let adopted = versions[2]["id"].as_str().unwrap();
    let body = json!({"old": adopted, "new": "current"});
    let diff = server
        .call("POST", "/v1/policies/OR/diff", body.to_string().as_bytes())
        .json();
    let differences = diff["differences"].as_array().unwrap();
    assert!(!differences.is_empty(), "{diff}");
    assert_eq!(diff["old"]["version"], adopted);
    for d in differences {
        assert_eq!(d["request"]["data"], "meter_number", "{d}");
        assert_eq!(d["new"]["decision"], "prohibited", "{d}");
    }
    let amended = versions[1]["id"].as_str().unwrap();
    let body = json!({"old": amended, "new": "current"});
    let diff = server
        .call("POST", "/v1/policies/OR/diff", body.to_string().as_bytes())
        .json();
    assert_eq!(
        diff["differences"],
        json!([]),
        "the amendment is what is served"
    );
    // Only a listed version is read: never a revision or a path given by the caller.
    for id in ["git:HEAD~1", "../../etc", "git:--output=/tmp/x"] {
        let body = json!({"old": id, "new": "current"});
        let reply = server.call("POST", "/v1/policies/OR/diff", body.to_string().as_bytes());
        assert_eq!(reply.status, 400, "{id}");
        assert_eq!(reply.json()["error"]["name"], "unknown-version");
    }
}

#[test]
fn ask_answers_with_its_memo() {
    let server = Server::start(&["policies"]);
    let question = "Can I use customer data for marketing purposes without violating privacy laws in Oklahoma?";
    let reply = server.call(
        "POST",
        "/v1/ask",
        json!({"question": question}).to_string().as_bytes(),
    );
    assert_eq!(reply.status, 200, "{}", reply.text());
    let answer = reply.json();
    let memo = juris(&["ask", "--format", "markdown", "--explain-reading", question]);
    assert_eq!(answer["memo"]["text"].as_str().unwrap(), memo.stdout);
    let short = answer["memo"]["short_answer"].as_str().unwrap();
    // The short answer is the memo's, without its pointers to the sections below.
    let first = short.split(". ").next().unwrap();
    assert!(first.len() > 20 && memo.stdout.contains(first), "{short}");
}
