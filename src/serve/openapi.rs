//! `GET /v1/openapi.json`: the service described in OpenAPI 3.1, assembled here from the
//! routes and the loaded policies. A request's schema is each policy's vocabulary
//! ([`crate::schema::request_schema`]), so the description is made from the policy set
//! serving now rather than derived from Rust types: a derive could not know the vocabulary.

use super::Loaded;
use serde_json::{json, Map, Value};

/// The OpenAPI 3.1 description of the service with these policies loaded.
pub fn openapi(loaded: &Loaded) -> Value {
    let mut schemas = Map::new();
    let mut requests = Vec::new();
    for policy in loaded.engine.policies() {
        let name = format!("Request_{}", policy.jurisdiction);
        let mut schema = crate::schema::request_schema(policy);
        if let Some(object) = schema.as_object_mut() {
            object.remove("$schema");
            object.remove("$id");
        }
        schemas.insert(name.clone(), schema);
        requests.push(json!({"$ref": format!("#/components/schemas/{name}")}));
    }
    schemas.insert("Request".into(), json!({"oneOf": requests}));
    schemas.insert("Decision".into(), decision());
    schemas.insert("Receipt".into(), receipt());
    schemas.insert("Refusal".into(), refusal());
    schemas.insert(
        "Error".into(),
        json!({
            "type": "object",
            "properties": {"error": {"type": "object", "properties": {
                "code": {"type": "string"}, "name": {"type": "string"},
                "message": {"type": "string"}, "help": {"type": "string"}}}}
        }),
    );
    let refused = json!({"description": "the request is refused: not valid JSON, or not in the vocabulary (R-codes)",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Refusal"}}}});
    let explain = json!({"name": "explain", "in": "query", "required": false,
        "schema": {"type": "boolean", "default": false},
        "description": "add the explanation (as `juris eval --format json` writes it)"});
    let mut description = json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Juris decision service",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Decisions of encoded law with receipts. See docs/serving.md."
        },
        "paths": {
            "/v1/decide": {"post": {
                "summary": "Decide a request",
                "operationId": "decide",
                "parameters": [explain],
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Request"}}}},
                "responses": {
                    "200": {"description": "the decision, its id and its receipt",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Decision"}}}},
                    "400": refused,
                    "408": {"description": "the request took longer than the timeout"},
                    "413": {"description": "the request is larger than the limit (R008)",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Refusal"}}}},
                    "503": {"description": "the decision could not be logged",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
                }
            }},
            "/v1/ask": {"post": {
                "summary": "Answer a question in plain words (the memo's JSON)",
                "operationId": "ask",
                "requestBody": {"required": true, "content": {"application/json": {"schema": {
                    "type": "object", "required": ["question"], "additionalProperties": false,
                    "properties": {"question": {"type": "string"}}}}}},
                "responses": {
                    "200": {"description": "the answer: the decision contract plus how the question was read",
                        "content": {"application/json": {"schema": {"type": "object"}}}},
                    "400": {"description": "the body is not a question, or the question cannot be placed",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
                }
            }},
            "/v1/batch": {"post": {
                "summary": "Decide JSON Lines requests; one output line per input line, in order, streamed",
                "operationId": "batch",
                "parameters": [explain],
                "requestBody": {"required": true, "content": {"application/x-ndjson": {"schema": {"type": "string"}}}},
                "responses": {"200": {"description": "one decision or error record per line (as `juris batch` writes)",
                    "content": {"application/x-ndjson": {"schema": {"type": "string"}}}}}
            }},
            "/v1/policies": {"get": {
                "summary": "The loaded policies: bundle hash, title, jurisdiction, dates, coverage",
                "operationId": "policies",
                "responses": {"200": {"description": "the policies", "content": {"application/json": {"schema": {"type": "object"}}}}}
            }},
            "/v1/policies/{jurisdiction}/schema": {"get": {
                "summary": "A JSON Schema of the requests a policy accepts",
                "operationId": "schema",
                "parameters": [{"name": "jurisdiction", "in": "path", "required": true, "schema": {"type": "string"}}],
                "responses": {
                    "200": {"description": "the JSON Schema (draft 2020-12)", "content": {"application/json": {"schema": {"type": "object"}}}},
                    "404": {"description": "no loaded policy has this jurisdiction",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
                }
            }},
            "/v1/openapi.json": {"get": {"summary": "This description", "operationId": "openapi",
                "responses": {"200": {"description": "OpenAPI 3.1", "content": {"application/json": {"schema": {"type": "object"}}}}}}},
            "/healthz": {"get": {"summary": "Alive", "operationId": "healthz",
                "responses": {"200": {"description": "`ok`", "content": {"text/plain": {"schema": {"type": "string"}}}}}}},
            "/readyz": {"get": {"summary": "Ready: the policies serving, the last refused reload", "operationId": "readyz",
                "responses": {"200": {"description": "ready", "content": {"application/json": {"schema": {"type": "object"}}}}}}},
            "/metrics": {"get": {"summary": "Prometheus metrics", "operationId": "metrics",
                "responses": {"200": {"description": "the Prometheus text format", "content": {"text/plain": {"schema": {"type": "string"}}}}}}}
        },
        "components": {"schemas": schemas}
    });
    if let Some(paths) = description["paths"].as_object_mut() {
        paths.extend(workbench_paths());
    }
    description
}

/// The workbench's routes (`docs/workbench.md`).
fn workbench_paths() -> Map<String, Value> {
    let jurisdiction = json!({"name": "jurisdiction", "in": "path", "required": true, "schema": {"type": "string"}});
    let object = json!({"application/json": {"schema": {"type": "object"}}});
    let error = json!({"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}});
    let refused = json!({"description": "the request is refused (R-codes; positions are within `request`)",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Refusal"}}}});
    let with_request = |extra: Value| {
        let mut properties = json!({"request": {"$ref": "#/components/schemas/Request"}});
        if let (Some(p), Some(extra)) = (properties.as_object_mut(), extra.as_object()) {
            p.extend(extra.clone());
        }
        json!({"required": true, "content": {"application/json": {"schema": {
            "type": "object", "required": ["request"], "additionalProperties": false,
            "properties": properties}}}})
    };
    let not_found =
        json!({"description": "no loaded policy has this jurisdiction", "content": error});
    let paths = json!({
        "/v1/policies/{jurisdiction}/workbench": {"get": {
            "summary": "A policy as the workbench shows it: coverage, files, tests, form fields",
            "operationId": "workbench",
            "parameters": [jurisdiction],
            "responses": {"200": {"description": "the policy", "content": object}, "404": not_found}
        }},
        "/v1/interview": {"post": {
            "summary": "Decide a partial request and name the one fact to ask next",
            "operationId": "interview",
            "requestBody": with_request(json!({"skipped": {"type": "array", "items": {"type": "string"}}})),
            "responses": {"200": {"description": "`decision` (with its explanation) and `next` (a field, or null)", "content": object},
                "400": refused}
        }},
        "/v1/policies/{jurisdiction}/tests": {"post": {
            "summary": "Write a test of what the policy decides for a request (added to its tests file with --allow-write)",
            "operationId": "saveTest",
            "parameters": [jurisdiction],
            "requestBody": with_request(json!({"name": {"type": "string"}})),
            "responses": {"200": {"description": "`name`, `text`, `file`, `written`", "content": object},
                "400": refused,
                "404": not_found,
                "409": {"description": "the answer still depends on facts the request does not give", "content": error}}
        }},
        "/v1/policies/{jurisdiction}/versions": {"get": {
            "summary": "The versions of a policy a diff compares: the one served, then its folder's last commits",
            "operationId": "versions",
            "parameters": [jurisdiction],
            "responses": {"200": {"description": "`versions`: `id` and `label` of each", "content": object}, "404": not_found}
        }},
        "/v1/policies/{jurisdiction}/diff": {"post": {
            "summary": "The requests two versions decide differently (as `juris diff --format json`)",
            "operationId": "diff",
            "parameters": [jurisdiction],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {
                "type": "object", "required": ["old", "new"], "additionalProperties": false,
                "properties": {"old": {"type": "string"}, "new": {"type": "string"},
                    "limit": {"type": "integer", "minimum": 1}}}}}},
            "responses": {"200": {"description": "the differences", "content": object},
                "400": {"description": "not a diff, or a version not listed", "content": error},
                "404": not_found}
        }}
    });
    match paths {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

fn decision() -> Value {
    let outcome = json!({"enum": ["required", "permitted", "prohibited", "not_addressed", "undetermined", "conflict"]});
    let obligations = json!({"type": "array", "items": {"type": "object",
        "properties": {"text": {"type": "string"}, "cite": {"type": "string"}}}});
    json!({
        "type": "object",
        "required": ["decision", "cites", "obligations", "depends_on", "cases", "decision_id", "receipt"],
        "properties": {
            "decision": outcome,
            "cites": {"type": "array", "items": {"type": "string"}},
            "obligations": obligations,
            "depends_on": {"type": "array", "items": {"type": "string"}},
            "cases": {"type": "array", "items": {"type": "object"}},
            "explanation": {"type": "object", "description": "with `?explain=true`"},
            "decision_id": {"type": "string"},
            "receipt": {"$ref": "#/components/schemas/Receipt"}
        }
    })
}

fn receipt() -> Value {
    let hash = json!({"type": "string", "pattern": "^[0-9a-f]{64}$"});
    json!({
        "type": "object",
        "required": ["decision_id", "decided_at", "server", "policy", "request_sha256", "decision_sha256"],
        "properties": {
            "decision_id": {"type": "string"},
            "decided_at": {"type": "string", "format": "date-time"},
            "server": {"type": "string"},
            "policy": {"type": "object", "properties": {
                "jurisdiction": {"type": "string"},
                "citation": {"type": "string"},
                "bundle_sha256": hash}},
            "request_sha256": hash,
            "decision_sha256": hash
        }
    })
}

fn refusal() -> Value {
    let error = json!({"type": "object", "required": ["code", "name", "message", "position"],
    "properties": {
        "code": {"type": "string", "pattern": "^R[0-9]{3}$"},
        "name": {"type": "string"},
        "message": {"type": "string"},
        "key": {"type": "string"},
        "help": {"type": "string"},
        "position": {"type": "object", "properties": {
            "offset": {"type": "integer"}, "line": {"type": "integer"}, "column": {"type": "integer"}}}
    }});
    json!({"type": "object", "required": ["error", "errors"],
        "properties": {"error": error, "errors": {"type": "array", "items": error}}})
}
