//! The workbench's routes (`docs/workbench.md`): what the browser page reads and does — the
//! law beside its encoding, a form of the vocabulary, the interview, saving a test, and a
//! diff of two versions — and, with `--ui`, the page itself. Each handler reads, calls the
//! library ([`crate::coverage`], [`crate::schema::form_fields`], [`crate::ask::most_decisive`],
//! [`crate::suite::test_for_request`], [`crate::diff`]) and writes.

use super::routes::{error_response, read_body, refused, unknown_jurisdiction, BodyError};
use super::Service;
use crate::ast::SiblingKind;
use crate::ir::Policy;
use crate::request::{document::too_large, RequestError};
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{json, Value};
use std::path::PathBuf;
use std::sync::Arc;

/// The page's three files, built by Vite from `workbench/` (`npm run build`, committed so
/// that a build of Juris needs no Node.js; CI checks they are what the sources build).
const INDEX_HTML: &[u8] = include_bytes!("../../workbench/dist/index.html");
const APP_JS: &[u8] = include_bytes!("../../workbench/dist/app.js");
const APP_CSS: &[u8] = include_bytes!("../../workbench/dist/app.css");

/// Only what the page itself loads: no inline script, nothing from elsewhere.
const CSP: &str = "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/// A file of the page: the one embedded, or, when `JURIS_WORKBENCH_DIR` names a folder (a
/// front-end developer's `workbench/dist` while `npm run build -- --watch` rebuilds it),
/// the one in that folder, read at each request.
fn asset(content_type: &'static str, name: &str, embedded: &'static [u8]) -> Response {
    let body: std::borrow::Cow<'static, [u8]> = match std::env::var_os("JURIS_WORKBENCH_DIR") {
        Some(dir) => match std::fs::read(PathBuf::from(dir).join(name)) {
            Ok(bytes) => bytes.into(),
            Err(e) => {
                return error_response(
                    StatusCode::NOT_FOUND,
                    "not-found",
                    &format!("{name} cannot be read from JURIS_WORKBENCH_DIR: {e}"),
                )
            }
        },
        None => embedded.into(),
    };
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
            (
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(CSP),
            ),
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
        ],
        body,
    )
        .into_response()
}

/// `GET /`: the page.
pub async fn index() -> Response {
    asset("text/html; charset=utf-8", "index.html", INDEX_HTML)
}

/// `GET /app.js`.
pub async fn app_js() -> Response {
    asset("text/javascript; charset=utf-8", "app.js", APP_JS)
}

/// `GET /app.css`.
pub async fn app_css() -> Response {
    asset("text/css; charset=utf-8", "app.css", APP_CSS)
}

/// `GET /v1/policies/{jurisdiction}/workbench`: everything the page shows of a policy.
pub async fn workbench(
    State(service): State<Arc<Service>>,
    Path(jurisdiction): Path<String>,
) -> Response {
    let loaded = service.current();
    let Some(policy) = loaded.engine.policy_for(&jurisdiction) else {
        return unknown_jurisdiction(&loaded, &jurisdiction);
    };
    Json(workbench_json(policy, service.options.allow_write)).into_response()
}

/// A policy as the workbench shows it: its coverage report (each subsection of the statute
/// with its status and what encodes it, each provision with its tests, each reading), the
/// text of its files (the policy, its siblings, the statute texts), its tests with where
/// they are, the vocabulary as form fields and an example question.
pub fn workbench_json(policy: &Policy, can_write: bool) -> Value {
    let mut files =
        vec![json!({"path": policy.source.name(), "role": "policy", "text": policy.source.text()})];
    for sibling in &policy.siblings {
        let role = match sibling.kind {
            SiblingKind::Terms => "terms",
            SiblingKind::Tests => "tests",
        };
        files.push(
            json!({"path": sibling.source.name(), "role": role, "text": sibling.source.text()}),
        );
    }
    files.push(json!({"path": policy.statute.source.name(), "role": "statute", "text": policy.statute.source.text()}));
    for reference in &policy.references {
        files.push(json!({"path": reference.source.name(), "role": "reference", "text": reference.source.text()}));
    }
    let tests: Vec<Value> = policy
        .tests
        .iter()
        .map(|t| {
            let (source, span) = policy.locate(t.span);
            let (line, _) = source.line_col(span.start as usize);
            json!({"name": t.name, "source": format!("{}:{line}", source.name())})
        })
        .collect();
    json!({
        "jurisdiction": policy.jurisdiction,
        "citation": policy.citation,
        "title": policy.title,
        "coverage": crate::coverage::to_json(&crate::coverage::coverage(policy)),
        "files": files,
        "tests": tests,
        "fields": crate::schema::form_fields(policy),
        "example_question": crate::ask::example_question(policy),
        "can_write": can_write,
    })
}

/// A body that carries a request (`{"request": {…}, …}`): the request is kept as written and
/// read by the one request decoder, so that a key given twice is refused as `/v1/decide`
/// refuses it.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct InterviewBody<'a> {
    #[serde(borrow)]
    request: &'a RawValue,
    /// The facts the user would not answer.
    #[serde(default)]
    skipped: Vec<String>,
}

/// `{"request": {…}, "name": "…"}` (the request kept as written, as above).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TestBody<'a> {
    #[serde(borrow)]
    request: &'a RawValue,
    /// The test's name (default: after the provision that decides).
    #[serde(default)]
    name: Option<String>,
}

/// Reads a body that carries a request, refusing what `/v1/decide` would refuse.
async fn read_with_request(service: &Service, body: Body) -> Result<Vec<u8>, Response> {
    let limits = service.options.limits;
    match read_body(body, limits.max_bytes).await {
        Ok(bytes) => Ok(bytes),
        Err(BodyError::TooLarge) => Err(refused(service, b"", &[too_large(limits)])),
        Err(BodyError::Read(why)) => Err(error_response(
            StatusCode::BAD_REQUEST,
            "unreadable-body",
            &why,
        )),
    }
}

/// The refusal of a body that is not `{"request": {…}, …}`.
fn not_an_envelope(service: &Service, what: &str, e: &serde_json::Error) -> Response {
    let code = &crate::diagnostic::code::invalid_json;
    service.metrics.refused(code.code);
    (
        StatusCode::BAD_REQUEST,
        Json(json!({"error": {
            "code": code.code, "name": code.name,
            "message": format!("the body is not {what}: {e}"),
            "help": "send `{\"request\": {…}}` with the request as /v1/decide takes it",
        }})),
    )
        .into_response()
}

fn refused_request(service: &Service, raw: &RawValue, errors: &[RequestError]) -> Response {
    refused(service, raw.get().as_bytes(), errors)
}

/// `POST /v1/interview`: `{"request", "skipped"}` → the decision with its explanation, and
/// the one fact to ask next (the fact the most cases turn on, not skipped), or `null` when
/// the answer no longer depends on a fact not yet skipped.
pub async fn interview(State(service): State<Arc<Service>>, body: Body) -> Response {
    let bytes = match read_with_request(&service, body).await {
        Ok(bytes) => bytes,
        Err(response) => return response,
    };
    let body: InterviewBody = match serde_json::from_slice(&bytes) {
        Ok(body) => body,
        Err(e) => return not_an_envelope(&service, "an interview", &e),
    };
    let started = std::time::Instant::now();
    let loaded = service.current();
    let engine = &loaded.engine;
    let (policy, request) =
        match engine.request_from_slice(body.request.get().as_bytes(), service.options.limits) {
            Ok(read) => read,
            Err(errors) => return refused_request(&service, body.request, &errors),
        };
    let mut skipped = Vec::new();
    for name in &body.skipped {
        match policy.fact_index.get(name) {
            Some(&fact) => skipped.push(fact),
            None => {
                let code = &crate::diagnostic::code::unknown_key;
                return (
                    StatusCode::BAD_REQUEST,
                    Json(json!({"error": {
                        "code": code.code, "name": code.name,
                        "message": format!("`skipped` names `{}`, which is not a fact of {}", crate::diagnostic::excerpt(name), policy.citation),
                        "help": "name facts as the request does (`customer.usage_amw`)",
                    }})),
                )
                    .into_response();
            }
        }
    }
    let decision = engine.decide_explained(policy, &request);
    let mut remaining = decision.clone();
    remaining.depends_on.retain(|f| !skipped.contains(f));
    let next = crate::ask::most_decisive(&remaining)
        .map_or(Value::Null, |fact| crate::schema::field(policy.fact(fact)));
    service.metrics.decided(decision.outcome, started.elapsed());
    Json(json!({
        "decision": crate::explain::to_json(policy, &decision, &request),
        "next": next,
    }))
    .into_response()
}

/// `POST /v1/policies/{jurisdiction}/tests`: `{"request", "name"}` → the test of what the
/// policy decides for the request (`suite::test_for_request`), written to the policy's
/// tests file when the service runs with `--allow-write` (the policies are then reloaded).
pub async fn save_test(
    State(service): State<Arc<Service>>,
    Path(jurisdiction): Path<String>,
    body: Body,
) -> Response {
    let bytes = match read_with_request(&service, body).await {
        Ok(bytes) => bytes,
        Err(response) => return response,
    };
    let body: TestBody = match serde_json::from_slice(&bytes) {
        Ok(body) => body,
        Err(e) => return not_an_envelope(&service, "a test to save", &e),
    };
    let loaded = service.current();
    let engine = &loaded.engine;
    let Some(served) = engine.policy_for(&jurisdiction) else {
        return unknown_jurisdiction(&loaded, &jurisdiction);
    };
    let (policy, request) =
        match engine.request_from_slice(body.request.get().as_bytes(), service.options.limits) {
            Ok(read) => read,
            Err(errors) => return refused_request(&service, body.request, &errors),
        };
    if !Arc::ptr_eq(policy, served) {
        return error_response(
            StatusCode::BAD_REQUEST,
            "other-jurisdiction",
            &format!(
                "the request is for {}, not for {jurisdiction}",
                policy.jurisdiction
            ),
        );
    }
    let givens = request.givens();
    let name = body.name.as_deref().filter(|n| !n.trim().is_empty());
    let test = match crate::suite::test_for_request(policy, givens, name) {
        Ok(test) => test,
        Err(why) => {
            let status = match why {
                crate::suite::NoTest::Undetermined => StatusCode::CONFLICT,
                _ => StatusCode::UNPROCESSABLE_ENTITY,
            };
            return (
                status,
                Json(json!({"error": {
                    "name": if status == StatusCode::CONFLICT { "undetermined" } else { "no-test" },
                    "message": why.to_string(),
                    "help": "give the facts the answer depends on (`depends_on`), or run the interview",
                }})),
            )
                .into_response();
        }
    };
    let file = policy.tests_file().name().to_string();
    let mut written = false;
    if service.options.allow_write {
        let path = PathBuf::from(&file);
        let appended = std::fs::read_to_string(&path).and_then(|mut text| {
            if !text.is_empty() && !text.ends_with('\n') {
                text.push('\n');
            }
            text.push('\n');
            text.push_str(&test.text);
            std::fs::write(&path, text)
        });
        if let Err(e) = appended {
            return error_response(
                StatusCode::INTERNAL_SERVER_ERROR,
                "tests-file-unwritable",
                &format!("the test was not written to `{file}`: {e}"),
            );
        }
        written = true;
        let service = service.clone();
        let _ = tokio::task::spawn_blocking(move || {
            service.reload("a test was saved from the workbench")
        })
        .await;
    }
    Json(json!({"name": test.name, "text": test.text, "file": file, "written": written}))
        .into_response()
}

/// The folder of a policy's file, and the file's name in it.
fn folder_of(policy: &Policy) -> (PathBuf, String) {
    let path = PathBuf::from(policy.source.name());
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let folder = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map_or_else(|| PathBuf::from("."), PathBuf::from);
    (folder, name)
}

fn git(folder: &std::path::Path, args: &[&str]) -> Option<Vec<u8>> {
    let out = std::process::Command::new("git")
        .arg("-C")
        .arg(folder)
        .args(args)
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    out.status.success().then_some(out.stdout)
}

/// The versions of a policy a diff can compare: the one served, the other policy files of
/// its folder (an amendment kept beside it), then the last 20 commits that changed its
/// folder, newest first (none when it is not in a git repository).
pub fn versions(policy: &Policy) -> Vec<(String, String)> {
    let mut all = vec![("current".to_string(), "the policy being served".to_string())];
    let (folder, name) = folder_of(policy);
    // Other versions kept beside it as files (`oar-860-086-0030.amended.juris`): every
    // `.juris` file of its folder that is not the policy or one of its siblings.
    let mut files: Vec<String> = std::fs::read_dir(&folder)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|f| {
            f.ends_with(".juris")
                && *f != name
                && crate::load::sibling_kind(std::path::Path::new(f)).is_none()
        })
        .collect();
    files.sort();
    for file in files {
        all.push((format!("file:{file}"), format!("the file {file} beside it")));
    }
    if let Some(log) = git(
        &folder,
        &[
            "log",
            "-n",
            "20",
            "--date=short",
            "--format=%H%x09%h %ad %s",
            "--",
            ".",
        ],
    ) {
        for line in String::from_utf8_lossy(&log).lines() {
            if let Some((sha, label)) = line.split_once('\t') {
                all.push((format!("git:{sha}"), label.chars().take(120).collect()));
            }
        }
    }
    all
}

/// `GET /v1/policies/{jurisdiction}/versions`.
pub async fn list_versions(
    State(service): State<Arc<Service>>,
    Path(jurisdiction): Path<String>,
) -> Response {
    let loaded = service.current();
    let Some(policy) = loaded.engine.policy_for(&jurisdiction).cloned() else {
        return unknown_jurisdiction(&loaded, &jurisdiction);
    };
    let listed = tokio::task::spawn_blocking(move || versions(&policy))
        .await
        .unwrap_or_default();
    let versions: Vec<Value> = listed
        .into_iter()
        .map(|(id, label)| json!({"id": id, "label": label}))
        .collect();
    Json(json!({"versions": versions})).into_response()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DiffBody {
    old: String,
    new: String,
    #[serde(default)]
    limit: Option<usize>,
}

/// A version of a policy, compiled: the one served, or its folder as a commit had it
/// (written to a temporary folder and loaded from there, statute texts and siblings too).
fn version(policy: &Arc<Policy>, id: &str) -> Result<Arc<Policy>, String> {
    if id == "current" {
        return Ok(policy.clone());
    }
    let known = versions(policy);
    if !known.iter().any(|(v, _)| v == id) {
        return Err(format!(
            "`{}` is not a version of {} (`GET …/versions` lists them)",
            crate::diagnostic::excerpt(id),
            policy.citation
        ));
    }
    let (folder, name) = folder_of(policy);
    if let Some(file) = id.strip_prefix("file:") {
        // Listed above: a file of the policy's folder, by its name.
        return compile(id, &folder.join(file));
    }
    let sha = id.trim_start_matches("git:");
    let listed = git(&folder, &["ls-tree", sha, "--", "."])
        .ok_or_else(|| format!("git cannot list {sha}"))?;
    let dir = std::env::temp_dir().join(format!(
        "juris-version-{}-{}",
        std::process::id(),
        crate::receipt::now_nanos()
    ));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let result = (|| {
        // `MODE TYPE OBJECT<TAB>PATH`: the folder's files (not its subfolders: goldens).
        for line in String::from_utf8_lossy(&listed).lines() {
            let Some((meta, file)) = line.split_once('\t') else {
                continue;
            };
            if meta.split(' ').nth(1) != Some("blob") {
                continue;
            }
            let base = std::path::Path::new(file)
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            if base.is_empty() {
                continue;
            }
            if let Some(text) = git(&folder, &["show", &format!("{sha}:./{base}")]) {
                std::fs::write(dir.join(&base), text).map_err(|e| e.to_string())?;
            }
        }
        compile(id, &dir.join(&name))
    })();
    let _ = std::fs::remove_dir_all(&dir);
    result
}

/// A version's policy file compiled, or why it does not load.
fn compile(id: &str, file: &std::path::Path) -> Result<Arc<Policy>, String> {
    crate::load::compile_file(file)
        .map(Arc::new)
        .map_err(|files| {
            format!(
                "{id} does not load:\n{}",
                crate::diagnostic::render_human(&files, crate::diagnostic::Colour::Plain, 100)
            )
        })
}

/// `POST /v1/policies/{jurisdiction}/diff`: `{"old", "new"}` (version ids) → the requests
/// the two versions decide differently, as `juris diff --format json` writes them.
pub async fn diff(
    State(service): State<Arc<Service>>,
    Path(jurisdiction): Path<String>,
    body: Body,
) -> Response {
    let bytes = match read_with_request(&service, body).await {
        Ok(bytes) => bytes,
        Err(response) => return response,
    };
    let body: DiffBody = match serde_json::from_slice(&bytes) {
        Ok(body) => body,
        Err(e) => {
            return error_response(
                StatusCode::BAD_REQUEST,
                "invalid-json",
                &format!(
                "the body is not a diff: {e} (send `{{\"old\": \"current\", \"new\": \"git:…\"}}`)"
            ),
            )
        }
    };
    let loaded = service.current();
    let Some(policy) = loaded.engine.policy_for(&jurisdiction).cloned() else {
        return unknown_jurisdiction(&loaded, &jurisdiction);
    };
    let limit = body
        .limit
        .unwrap_or(crate::diff::DEFAULT_LIMIT)
        .clamp(1, crate::diff::DEFAULT_LIMIT);
    let result = tokio::task::spawn_blocking(move || {
        let old = version(&policy, &body.old)?;
        let new = version(&policy, &body.new)?;
        let result = crate::diff::diff(&old, &new, crate::diff::Options { limit });
        let mut json = crate::diff::to_json(&old, &new, &result);
        for (side, id) in [("old", &body.old), ("new", &body.new)] {
            json[side]["version"] = json!(id);
            // A commit's version was read from a temporary copy: name the file as served.
            if let Some(sha) = id.strip_prefix("git:") {
                json[side]["file"] = json!(format!(
                    "{} at {}",
                    policy.source.name(),
                    sha.get(..7).unwrap_or(sha)
                ));
            }
        }
        Ok::<Value, String>(json)
    })
    .await;
    match result {
        Ok(Ok(json)) => Json(json).into_response(),
        Ok(Err(why)) => error_response(StatusCode::BAD_REQUEST, "unknown-version", &why),
        Err(_) => error_response(
            StatusCode::INTERNAL_SERVER_ERROR,
            "diff-failed",
            "the diff stopped before it finished",
        ),
    }
}
