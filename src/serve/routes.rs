//! The routes: each handler reads, calls the library, and writes; the decision itself is
//! [`Service::decide`], which knows nothing of HTTP.

use super::{workbench, Loaded, Service};
use crate::explain;
use crate::receipt;
use crate::request::{document::too_large, Document, RequestError};
use crate::source::SourceFile;
use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};
use std::io::Write;
use std::sync::Arc;
use std::time::Instant;
use tokio_stream::StreamExt as _;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

/// Why [`Service::decide`] made no decision.
#[derive(Debug)]
pub enum Refusal {
    /// The request is not valid: refused with its R-code diagnostics (400, or 413 when too
    /// large).
    Request(Vec<RequestError>),
    /// The decision could not be logged: no decision is given without its log line (503).
    Log(String),
}

impl Service {
    /// The routes, with the limits (timeout, concurrency) and request tracing.
    pub fn router(self: Arc<Self>) -> Router {
        let timeout = self.options.timeout;
        let concurrency = middleware::from_fn_with_state(self.clone(), wait_for_permit);
        let timed = Router::new()
            .route("/v1/decide", post(decide))
            .route("/v1/ask", post(ask))
            .route("/v1/policies", get(policies))
            .route("/v1/policies/{jurisdiction}/schema", get(schema))
            .route("/v1/openapi.json", get(openapi))
            .route("/v1/interview", post(workbench::interview))
            .route(
                "/v1/policies/{jurisdiction}/workbench",
                get(workbench::workbench),
            )
            .route(
                "/v1/policies/{jurisdiction}/tests",
                post(workbench::save_test),
            )
            .route(
                "/v1/policies/{jurisdiction}/versions",
                get(workbench::list_versions),
            )
            .route("/v1/policies/{jurisdiction}/diff", post(workbench::diff))
            .layer(concurrency.clone())
            .layer(TimeoutLayer::with_status_code(
                StatusCode::REQUEST_TIMEOUT,
                timeout,
            ));
        // A batch streams for as long as its input does: no timeout, but a permit.
        let streamed = Router::new()
            .route("/v1/batch", post(batch))
            .layer(concurrency);
        // The workbench's page, with `--ui`.
        let page = if self.options.ui {
            Router::new()
                .route("/", get(workbench::index))
                .route("/app.js", get(workbench::app_js))
                .route("/app.css", get(workbench::app_css))
        } else {
            Router::new()
        };
        Router::new()
            .merge(timed)
            .merge(streamed)
            .merge(page)
            .route("/healthz", get(healthz))
            .route("/readyz", get(readyz))
            .route("/metrics", get(metrics))
            .fallback(not_found)
            .layer(TraceLayer::new_for_http())
            .with_state(self)
    }

    /// Decides a request given as bytes, with its receipt (and explanation when asked),
    /// logging it when a decision log is open: the body of `POST /v1/decide`, as the JSON
    /// it answers with (the decision object, then `decision_id` and `receipt`).
    pub fn decide(&self, bytes: &[u8], explained: bool) -> Result<Vec<u8>, Refusal> {
        let started = Instant::now();
        let loaded = self.current();
        let engine = &loaded.engine;
        let mut document = Document::with_limits(self.options.limits);
        document
            .read_slice(bytes)
            .map_err(|e| Refusal::Request(vec![e]))?;
        let (policy, request) = engine
            .request_from_document(&document)
            .map_err(Refusal::Request)?;
        let decision = if explained {
            engine.decide_explained(policy, &request)
        } else {
            engine.decide(policy, &request)
        };
        let plain = explain::decision_json(policy, &decision);
        let stamp = loaded
            .stamp_of(policy)
            .cloned()
            .unwrap_or_else(|| receipt::PolicyStamp::of(policy));
        let receipt = match &self.log {
            // The log keeps the request as it was sent.
            Some(log) => {
                let request_json: Value = serde_json::from_slice(bytes).unwrap_or(Value::Null);
                log.record(&stamp, &request_json, &plain).map_err(|e| {
                    self.metrics.error();
                    tracing::error!(error = %e, "the decision log cannot be written");
                    Refusal::Log(e.to_string())
                })?
            }
            None => {
                let canonical = receipt::canonical_document(&document).unwrap_or_else(|| {
                    receipt::canonical_json(&serde_json::from_slice(bytes).unwrap_or(Value::Null))
                });
                receipt::receipt(
                    &stamp,
                    receipt::sha256_hex(canonical.as_bytes()),
                    &plain,
                    receipt::now_nanos(),
                )
            }
        };
        let mut body = Vec::with_capacity(if explained { 8192 } else { 1024 });
        let written = if explained {
            explain::write_json(&mut body, policy, &decision, &request)
        } else {
            explain::write_decision(&mut body, policy, &decision)
        };
        // The decision's object, its id and receipt added as its last members.
        if written.is_ok() && body.pop() == Some(b'}') {
            body.extend_from_slice(b",\"decision_id\":");
            let _ = serde_json::to_writer(&mut body, &receipt.decision_id);
            body.extend_from_slice(b",\"receipt\":");
            let _ = serde_json::to_writer(&mut body, &receipt);
            body.push(b'}');
        }
        self.metrics.decided(decision.outcome, started.elapsed());
        Ok(body)
    }
}

/// Waits for one of the service's permits ([`super::Options::concurrency`]).
async fn wait_for_permit(
    State(service): State<Arc<Service>>,
    request: Request,
    next: Next,
) -> Response {
    let Ok(_permit) = service.permits.clone().acquire_owned().await else {
        return error_response(
            StatusCode::SERVICE_UNAVAILABLE,
            "shutting-down",
            "the service is shutting down",
        );
    };
    next.run(request).await
}

#[derive(Deserialize)]
struct ExplainQuery {
    #[serde(default)]
    explain: bool,
}

/// Why a body could not be read.
pub(super) enum BodyError {
    TooLarge,
    Read(String),
}

/// Reads a body, refusing it as soon as it grows past `most` bytes.
pub(super) async fn read_body(body: Body, most: usize) -> Result<Vec<u8>, BodyError> {
    let mut stream = body.into_data_stream();
    let mut bytes = Vec::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| BodyError::Read(e.to_string()))?;
        if bytes.len() + chunk.len() > most {
            return Err(BodyError::TooLarge);
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}

async fn decide(
    State(service): State<Arc<Service>>,
    Query(query): Query<ExplainQuery>,
    body: Body,
) -> Response {
    let limits = service.options.limits;
    let bytes = match read_body(body, limits.max_bytes).await {
        Ok(bytes) => bytes,
        Err(BodyError::TooLarge) => return refused(&service, b"", &[too_large(limits)]),
        Err(BodyError::Read(why)) => {
            return error_response(StatusCode::BAD_REQUEST, "unreadable-body", &why)
        }
    };
    match service.decide(&bytes, query.explain) {
        Ok(decision) => (
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )],
            decision,
        )
            .into_response(),
        Err(Refusal::Request(errors)) => refused(&service, &bytes, &errors),
        Err(Refusal::Log(why)) => error_response(
            StatusCode::SERVICE_UNAVAILABLE,
            "decision-log-unwritable",
            &format!("no decision is given that cannot be logged: {why}"),
        ),
    }
}

/// A refused request: 400 (413 when too large) with its diagnostics as JSON.
pub(super) fn refused(service: &Service, bytes: &[u8], errors: &[RequestError]) -> Response {
    if let Some(first) = errors.first() {
        service.metrics.refused(first.code.code);
    }
    let status = if errors
        .iter()
        .any(|e| e.code == &crate::diagnostic::code::request_too_large)
    {
        StatusCode::PAYLOAD_TOO_LARGE
    } else {
        StatusCode::BAD_REQUEST
    };
    (status, Json(refusal_json(bytes, errors))).into_response()
}

/// The refusal of a request as JSON: the first error (in the request's order) as `error`,
/// and all of them as `errors`, each with its code, name, message, key, help and position
/// in the request's text.
pub fn refusal_json(bytes: &[u8], errors: &[RequestError]) -> Value {
    let source = SourceFile::new("request", String::from_utf8_lossy(bytes).into_owned());
    let mut located: Vec<(usize, Value)> = errors
        .iter()
        .map(|e| {
            let offset = e.span_in(source.text()).start as usize;
            let (line, column) = source.line_col(offset);
            let mut object = serde_json::Map::new();
            object.insert("code".into(), json!(e.code.code));
            object.insert("name".into(), json!(e.code.name));
            object.insert("message".into(), json!(e.message));
            if !e.key.is_empty() {
                object.insert("key".into(), json!(e.key));
            }
            if let Some(help) = &e.help {
                object.insert("help".into(), json!(help));
            }
            object.insert(
                "position".into(),
                json!({"offset": offset, "line": line, "column": column}),
            );
            (offset, Value::Object(object))
        })
        .collect();
    located.sort_by_key(|(at, _)| *at);
    let all: Vec<Value> = located.into_iter().map(|(_, v)| v).collect();
    json!({"error": all.first().cloned().unwrap_or(Value::Null), "errors": all})
}

pub(super) fn error_response(status: StatusCode, name: &str, message: &str) -> Response {
    (
        status,
        Json(json!({"error": {"name": name, "message": message}})),
    )
        .into_response()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Question {
    question: String,
}

async fn ask(State(service): State<Arc<Service>>, body: Body) -> Response {
    let limits = service.options.limits;
    let bytes = match read_body(body, limits.max_bytes).await {
        Ok(bytes) => bytes,
        Err(BodyError::TooLarge) => return refused(&service, b"", &[too_large(limits)]),
        Err(BodyError::Read(why)) => {
            return error_response(StatusCode::BAD_REQUEST, "unreadable-body", &why)
        }
    };
    let question = match serde_json::from_slice::<Question>(&bytes) {
        Ok(q) => q.question,
        Err(e) => {
            service
                .metrics
                .refused(crate::diagnostic::code::invalid_json.code);
            let code = &crate::diagnostic::code::invalid_json;
            return (
                StatusCode::BAD_REQUEST,
                Json(json!({"error": {
                    "code": code.code, "name": code.name,
                    "message": format!("the body is not a question: {e}"),
                    "help": "send `{\"question\": \"…\"}`",
                }})),
            )
                .into_response();
        }
    };
    let loaded = service.current();
    match crate::ask::interpret(&loaded.engine, &question) {
        Ok(interpretation) => {
            let decision = crate::ask::decide(&interpretation);
            let mut answer = crate::ask::to_json(&interpretation, &decision);
            answer["memo"] = memo_json(&interpretation, &decision);
            Json(answer).into_response()
        }
        Err(unplaced) => match &unplaced.out_of_scope {
            Some(reason) => Json(crate::ask::out_of_scope_json(&question, reason)).into_response(),
            None => {
                let d = crate::ask::unplaced_diagnostic(&question, &unplaced);
                service.metrics.refused(d.code.code);
                (
                    StatusCode::BAD_REQUEST,
                    Json(json!({"error": {
                        "code": d.code.code, "name": d.code.name,
                        "message": d.message, "help": d.help,
                    }})),
                )
                    .into_response()
            }
        },
    }
}

/// Sends what the batch writes, in pieces, to the response body.
struct ChannelWriter(tokio::sync::mpsc::Sender<Result<Bytes, std::io::Error>>);

impl Write for ChannelWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .blocking_send(Ok(Bytes::copy_from_slice(buf)))
            .map_err(|_| std::io::Error::from(std::io::ErrorKind::BrokenPipe))?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

async fn batch(
    State(service): State<Arc<Service>>,
    Query(query): Query<ExplainQuery>,
    body: Body,
) -> Response {
    let loaded = service.current();
    let input = body
        .into_data_stream()
        .map(|chunk| chunk.map_err(std::io::Error::other));
    let reader = tokio_util::io::SyncIoBridge::new(tokio_util::io::StreamReader::new(input));
    let (send, receive) = tokio::sync::mpsc::channel(16);
    let options = crate::batch::Options {
        detail: if query.explain {
            crate::batch::Detail::Explained
        } else {
            crate::batch::Detail::Decision
        },
        limits: service.options.limits,
        log: service.log.clone(),
        stamps: if service.log.is_some() {
            loaded.stamps.clone()
        } else {
            Vec::new()
        },
        ..crate::batch::Options::default()
    };
    tokio::task::spawn_blocking(move || {
        let mut output = std::io::BufWriter::with_capacity(64 << 10, ChannelWriter(send));
        match crate::batch::run(&loaded.engine, reader, &mut output, &options, &|_, _| {}) {
            Ok(summary) => service.metrics.decided_in_batch(&summary),
            Err(e) => tracing::warn!(error = %e, "a batch stopped early"),
        }
    });
    (
        [(header::CONTENT_TYPE, "application/x-ndjson")],
        Body::from_stream(tokio_stream::wrappers::ReceiverStream::new(receive)),
    )
        .into_response()
}

async fn policies(State(service): State<Arc<Service>>) -> Response {
    let loaded = service.current();
    Json(policies_json(&loaded)).into_response()
}

/// What `GET /v1/policies` says of a policy set.
pub fn policies_json(loaded: &Loaded) -> Value {
    let policies: Vec<Value> = loaded
        .engine
        .policies()
        .iter()
        .zip(&loaded.stamps)
        .map(|(policy, stamp)| {
            let coverage = crate::coverage::coverage(policy);
            let totals = coverage.totals();
            let mut files = vec![policy.source.name().to_string()];
            files.extend(policy.siblings.iter().map(|s| s.source.name().to_string()));
            files.push(policy.statute.source.name().to_string());
            files.extend(
                policy
                    .references
                    .iter()
                    .map(|s| s.source.name().to_string()),
            );
            json!({
                "jurisdiction": policy.jurisdiction,
                "citation": policy.citation,
                "title": policy.title,
                "effective": policy.effective,
                "current_through": policy.current_through,
                "bundle_sha256": stamp.bundle_sha256,
                "files": files,
                "coverage": {
                    "subsections": totals.subsections,
                    "encoded": totals.encoded,
                    "covered_by_provision": totals.covered_by_provision,
                    "not_encoded": totals.not_encoded,
                    "not_available": totals.not_available,
                    "missing": totals.missing,
                    "statute_percent": coverage.statute_percent(),
                    "provisions": coverage.provisions.len(),
                    "provisions_tested": coverage.exercised(),
                    "tests_percent": coverage.tests_percent(),
                },
                "schema": format!("/v1/policies/{}/schema", policy.jurisdiction),
            })
        })
        .collect();
    json!({"loaded_at": loaded.loaded_at, "policies": policies})
}

async fn schema(State(service): State<Arc<Service>>, Path(jurisdiction): Path<String>) -> Response {
    let loaded = service.current();
    match loaded.engine.policy_for(&jurisdiction) {
        Some(policy) => Json(crate::schema::request_schema(policy)).into_response(),
        None => unknown_jurisdiction(&loaded, &jurisdiction),
    }
}

/// The memo of an answered question, in Markdown: its short answer and the whole of it.
fn memo_json(interpretation: &crate::ask::Interpretation, decision: &crate::Decision) -> Value {
    use crate::ask::memo::{self, Style};
    let (short, _) = memo::short_answer(interpretation, decision, Style::Markdown);
    let text = memo::render(
        interpretation,
        decision,
        memo::Options {
            style: Style::Markdown,
            show_reading: true,
        },
    );
    json!({"short_answer": short, "text": text})
}

/// 404 for a jurisdiction no loaded policy has, naming those that are loaded.
pub(super) fn unknown_jurisdiction(loaded: &Loaded, jurisdiction: &str) -> Response {
    let code = &crate::diagnostic::code::unknown_jurisdiction;
    let known: Vec<&str> = loaded
        .engine
        .policies()
        .iter()
        .map(|p| p.jurisdiction.as_str())
        .collect();
    (
        StatusCode::NOT_FOUND,
        Json(json!({"error": {
            "code": code.code, "name": code.name,
            "message": format!("no loaded policy has jurisdiction `{}`", crate::diagnostic::excerpt(jurisdiction)),
            "help": format!("the loaded policies are for {}", known.join(", ")),
        }})),
    )
        .into_response()
}

async fn openapi(State(service): State<Arc<Service>>) -> Response {
    Json(super::openapi(&service.current())).into_response()
}

async fn healthz() -> &'static str {
    "ok\n"
}

async fn readyz(State(service): State<Arc<Service>>) -> Response {
    let loaded = service.current();
    let status = service.reload_status();
    let bundles: Vec<Value> = loaded
        .stamps
        .iter()
        .map(|s| json!({"jurisdiction": s.jurisdiction, "bundle_sha256": s.bundle_sha256}))
        .collect();
    Json(json!({
        "ready": true,
        "loaded_at": loaded.loaded_at,
        "policies": bundles,
        "reloads": status.reloads,
        "last_reload_failure": status.last_failure,
    }))
    .into_response()
}

async fn metrics(State(service): State<Arc<Service>>) -> Response {
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        service.metrics.render(),
    )
        .into_response()
}

async fn not_found() -> Response {
    error_response(
        StatusCode::NOT_FOUND,
        "not-found",
        "no such route; see /v1/openapi.json",
    )
}
