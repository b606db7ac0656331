//! `juris lsp`: a language server over the library, on standard input and output.
//!
//! Built on `lsp-server` (synchronous; tests drive it in process over
//! [`Connection::memory`]) and `lsp-types`. It reuses the one parser, checker, linter,
//! formatter and test runner: an editor shows exactly what `juris check` and `juris lint`
//! report, at the same places.
//!
//! - **Diagnostics as you type**: a policy and its sibling files are checked together
//!   whenever one of them changes; every change already queued is applied before one check
//!   runs (the server does not check text that a later change replaces), and what the check
//!   finds is published at once. The linter's findings follow when no message waits (its
//!   searches take longest); until then the last lint's are shown. Labels beyond the first,
//!   and notes in the statute text, are related information.
//! - **Hover, go to definition, references** ([`navigate`]), **completion** ([`complete`]),
//!   **code actions, formatting and code lenses** ([`actions`]), **document symbols** as the
//!   statute's outline ([`symbols`]), **semantic tokens** from the one parser's words
//!   ([`highlight`]).
//! - **Add a test for a provision**: a code action on a deciding provision adds to the
//!   policy's tests a test the library writes ([`crate::suite::test_for_provision`]).
//!
//! Positions are UTF-16 code units, as the protocol asks ([`text::LineIndex`]). No request
//! makes the server panic or stop: bad parameters are an `InvalidParams` error, an unknown
//! method `MethodNotFound`, and a request after `shutdown` `InvalidRequest`.

mod actions;
mod analysis;
mod complete;
mod highlight;
mod index;
mod navigate;
mod symbols;
pub mod text;

use crate::ir::Policy;
use analysis::{policy_path, Analysis, Documents};
use lsp_server::{Connection, ErrorCode, Message, Notification, ProtocolError, Request, Response};
use lsp_types::notification::Notification as _;
use lsp_types::request::Request as _;
use lsp_types::{
    notification, request, CodeActionProviderCapability, CodeLensOptions, CompletionOptions,
    CompletionResponse, CompletionTextEdit, ExecuteCommandOptions, GotoDefinitionResponse, Hover,
    HoverContents, HoverProviderCapability, OneOf, PublishDiagnosticsParams, ServerCapabilities,
    TextDocumentSyncCapability, TextDocumentSyncKind, TextEdit, Uri,
};
use serde::de::DeserializeOwned;
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use text::{path_to_uri, uri_to_path, LineIndex};

/// How a session ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ending {
    /// `shutdown`, then `exit`, as the protocol asks.
    Clean,
    /// `exit` without `shutdown`, or the client went away.
    Abrupt,
}

/// Runs the server on standard input and output until the client says `exit`.
pub fn run_stdio() -> Result<Ending, String> {
    let (connection, threads) = Connection::stdio();
    let ending = serve(&connection).map_err(|e| e.to_string())?;
    drop(connection);
    threads
        .join()
        .map_err(|e| format!("the input and output threads failed: {e}"))?;
    Ok(ending)
}

/// The capabilities the server announces.
pub fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Kind(TextDocumentSyncKind::FULL)),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some([" ", "(", "[", ","].iter().map(|s| s.to_string()).collect()),
            ..CompletionOptions::default()
        }),
        code_action_provider: Some(CodeActionProviderCapability::Simple(true)),
        document_formatting_provider: Some(OneOf::Left(true)),
        code_lens_provider: Some(CodeLensOptions {
            resolve_provider: Some(false),
        }),
        document_symbol_provider: Some(OneOf::Left(true)),
        semantic_tokens_provider: Some(
            lsp_types::SemanticTokensServerCapabilities::SemanticTokensOptions(
                lsp_types::SemanticTokensOptions {
                    legend: highlight::legend(),
                    full: Some(lsp_types::SemanticTokensFullOptions::Bool(true)),
                    range: None,
                    ..lsp_types::SemanticTokensOptions::default()
                },
            ),
        ),
        execute_command_provider: Some(ExecuteCommandOptions {
            commands: vec![actions::RUN_TEST.to_string()],
            ..ExecuteCommandOptions::default()
        }),
        ..ServerCapabilities::default()
    }
}

/// Serves one session on a connection: the `initialize` handshake, then every message
/// until `exit` (or until the client goes away).
pub fn serve(connection: &Connection) -> Result<Ending, ProtocolError> {
    let (id, _params) = connection.initialize_start()?;
    let result = serde_json::json!({
        "capabilities": capabilities(),
        "serverInfo": { "name": "juris", "version": env!("CARGO_PKG_VERSION") },
    });
    connection.initialize_finish(id, result)?;
    let mut server = Server {
        connection,
        documents: Documents::default(),
        analyses: HashMap::new(),
        last_good: HashMap::new(),
        dirty: BTreeSet::new(),
        unpublished: BTreeSet::new(),
        published: HashMap::new(),
        lint_shown: HashMap::new(),
        shut_down: false,
    };
    while let Ok(message) = connection.receiver.recv() {
        if let Some(ending) = server.handle(message) {
            return Ok(ending);
        }
        // Debouncing: apply every message already queued before checking once.
        while let Ok(message) = connection.receiver.try_recv() {
            if let Some(ending) = server.handle(message) {
                return Ok(ending);
            }
        }
        server.check_and_publish();
        // Lint when no message waits: a change that arrives meanwhile is checked first.
        while connection.receiver.is_empty() && server.lint_next() {}
    }
    Ok(Ending::Abrupt)
}

struct Server<'c> {
    connection: &'c Connection,
    documents: Documents,
    /// The analysis of each policy, by its policy file's path.
    analyses: HashMap<PathBuf, Analysis>,
    /// The last policy of each that checked: completion and hover use it while the text
    /// does not check.
    last_good: HashMap<PathBuf, Arc<Policy>>,
    /// Policies whose files changed since their analysis.
    dirty: BTreeSet<PathBuf>,
    /// Policies analysed since their diagnostics were last published.
    unpublished: BTreeSet<PathBuf>,
    /// For each policy, the files it last published diagnostics for.
    published: HashMap<PathBuf, Vec<PathBuf>>,
    /// For each policy, the lint findings last published: shown with a new check's findings
    /// until the new lint replaces them.
    lint_shown: HashMap<PathBuf, Vec<(PathBuf, Vec<lsp_types::Diagnostic>)>>,
    shut_down: bool,
}

/// A request's failure: the JSON-RPC error code and message.
type Failure = (ErrorCode, String);

impl Server<'_> {
    /// Handles one message; `Some` when the session ends.
    fn handle(&mut self, message: Message) -> Option<Ending> {
        match message {
            Message::Request(request) => {
                let id = request.id.clone();
                let response = if self.shut_down {
                    Response::new_err(
                        id,
                        ErrorCode::InvalidRequest as i32,
                        "the server is shut down".to_string(),
                    )
                } else {
                    // A defect must cost one answer, not the session.
                    let answer = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        self.request(&request)
                    }));
                    match answer {
                        Ok(Ok(value)) => Response::new_ok(id, value),
                        Ok(Err((code, message))) => Response::new_err(id, code as i32, message),
                        Err(_) => Response::new_err(
                            id,
                            ErrorCode::InternalError as i32,
                            format!("internal error answering `{}`", request.method),
                        ),
                    }
                };
                self.send(response.into());
                None
            }
            Message::Notification(n) if n.method == notification::Exit::METHOD => {
                Some(if self.shut_down {
                    Ending::Clean
                } else {
                    Ending::Abrupt
                })
            }
            Message::Notification(n) => {
                if !self.shut_down {
                    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        self.notification(n)
                    }));
                }
                None
            }
            Message::Response(_) => None,
        }
    }

    fn send(&self, message: Message) {
        // A client gone away ends the loop at the next receive.
        let _ = self.connection.sender.send(message);
    }

    fn notification(&mut self, n: Notification) {
        match n.method.as_str() {
            notification::DidOpenTextDocument::METHOD => {
                let Ok(params) = parse::<lsp_types::DidOpenTextDocumentParams>(n.params) else {
                    return;
                };
                if let Some(path) = uri_to_path(&params.text_document.uri) {
                    let version = params.text_document.version;
                    self.documents
                        .set(path.clone(), params.text_document.text, version);
                    self.changed(&path);
                }
            }
            notification::DidChangeTextDocument::METHOD => {
                let Ok(params) = parse::<lsp_types::DidChangeTextDocumentParams>(n.params) else {
                    return;
                };
                let Some(path) = uri_to_path(&params.text_document.uri) else {
                    return;
                };
                let mut text = self.documents.read(&path).unwrap_or_default();
                for change in params.content_changes {
                    match change.range {
                        // A client that sends ranges all the same.
                        Some(range) => {
                            let lines = LineIndex::new(&text);
                            let start = lines.offset(&text, range.start);
                            let end = lines.offset(&text, range.end).max(start);
                            text.replace_range(start..end, &change.text);
                        }
                        None => text = change.text,
                    }
                }
                let version = params.text_document.version;
                self.documents.set(path.clone(), text, version);
                self.changed(&path);
            }
            notification::DidCloseTextDocument::METHOD => {
                let Ok(params) = parse::<lsp_types::DidCloseTextDocumentParams>(n.params) else {
                    return;
                };
                if let Some(path) = uri_to_path(&params.text_document.uri) {
                    self.documents.close(&path);
                    self.changed(&path);
                }
            }
            _ => {}
        }
    }

    /// A file changed: its policy is checked again; a statute text may be any policy's.
    fn changed(&mut self, path: &Path) {
        if path.extension().is_some_and(|e| e == "juris") {
            self.dirty.insert(policy_path(path));
        } else {
            self.dirty.extend(self.analyses.keys().cloned());
        }
    }

    /// Checks every changed policy and publishes the diagnostics not yet published.
    fn check_and_publish(&mut self) {
        for policy in std::mem::take(&mut self.dirty) {
            self.analyse(&policy);
        }
        for policy in std::mem::take(&mut self.unpublished) {
            self.publish_policy(&policy);
        }
    }

    /// Lints one policy that is not linted yet and publishes its diagnostics; `false` when
    /// there is none.
    fn lint_next(&mut self) -> bool {
        let next = self
            .analyses
            .iter()
            .find(|(_, a)| !a.linted)
            .map(|(p, _)| p.clone());
        let Some(policy) = next else { return false };
        if let Some(analysis) = self.analyses.get_mut(&policy) {
            analysis.lint();
        }
        self.publish_policy(&policy);
        true
    }

    /// Publishes a policy's diagnostics, file by file; a file that had some and is gone
    /// from the policy is cleared.
    fn publish_policy(&mut self, policy: &Path) {
        let Some(analysis) = self.analyses.get(policy) else {
            return;
        };
        let carried = self.lint_shown.get(policy).map(Vec::as_slice);
        let all = analysis.all_diagnostics(carried);
        match (&analysis.lint_diagnostics, &analysis.policy) {
            (Some(lint), _) => {
                self.lint_shown.insert(policy.to_path_buf(), lint.clone());
            }
            (None, None) => {
                self.lint_shown.remove(policy);
            }
            (None, Some(_)) => {}
        }
        let mut now = Vec::new();
        for (path, diagnostics) in all {
            self.publish(&path, diagnostics);
            now.push(path);
        }
        for old in self.published.get(policy).into_iter().flatten() {
            if !now.contains(old) {
                self.publish(old, Vec::new());
            }
        }
        self.published.insert(policy.to_path_buf(), now);
    }

    fn publish(&self, path: &Path, diagnostics: Vec<lsp_types::Diagnostic>) {
        let Some(uri) = path_to_uri(path) else { return };
        let version = self.documents.version(path);
        let params = PublishDiagnosticsParams::new(uri, diagnostics, version);
        self.send(
            Notification::new(notification::PublishDiagnostics::METHOD.to_string(), params).into(),
        );
    }

    fn analyse(&mut self, policy: &Path) {
        let analysis = Analysis::run(policy, &self.documents, self.analyses.get(policy));
        if let Some(compiled) = &analysis.policy {
            self.last_good
                .insert(policy.to_path_buf(), compiled.clone());
        }
        self.analyses.insert(policy.to_path_buf(), analysis);
        self.dirty.remove(policy);
        self.unpublished.insert(policy.to_path_buf());
    }

    /// The current analysis of the policy a document belongs to, with the policy to read
    /// names from (the current one, else the last that checked).
    fn analysis_of(
        &mut self,
        uri: &Uri,
    ) -> Result<(&Analysis, Option<Arc<Policy>>, PathBuf), Failure> {
        let path = uri_to_path(uri).ok_or_else(|| {
            (
                ErrorCode::InvalidParams,
                format!("`{}` is not a file", uri.as_str()),
            )
        })?;
        if !self.documents.is_open(&path) && !path.is_file() {
            return Err((
                ErrorCode::InvalidParams,
                format!("`{}` is neither open nor a file", uri.as_str()),
            ));
        }
        if path.extension().is_none_or(|e| e != "juris") {
            return Err((
                ErrorCode::InvalidParams,
                format!("`{}` is not a `.juris` file", uri.as_str()),
            ));
        }
        let policy = policy_path(&path);
        if self.dirty.contains(&policy) || !self.analyses.contains_key(&policy) {
            self.analyse(&policy);
        }
        let last_good = self.last_good.get(&policy).cloned();
        let analysis = self.analyses.get(&policy).ok_or_else(|| {
            (
                ErrorCode::InternalError,
                "the policy was not analysed".to_string(),
            )
        })?;
        let current = analysis.policy.clone().or(last_good);
        Ok((analysis, current, path))
    }

    fn request(&mut self, request: &Request) -> Result<serde_json::Value, Failure> {
        let params = request.params.clone();
        let null = Ok(serde_json::Value::Null);
        match request.method.as_str() {
            request::Shutdown::METHOD => {
                self.shut_down = true;
                null
            }
            request::HoverRequest::METHOD => {
                let p: lsp_types::HoverParams = parse(params)?;
                let at = &p.text_document_position_params;
                let (analysis, policy, path) = self.analysis_of(&at.text_document.uri)?;
                let Some(file) = analysis.file(&path) else {
                    return null;
                };
                let offset = file.lines.offset(file.text(), at.position);
                let found = navigate::hover(analysis, policy.as_deref(), &path, offset);
                let Some((contents, span)) = found else {
                    return null;
                };
                json(Hover {
                    contents: HoverContents::Markup(contents),
                    range: Some(file.lines.range(file.text(), span)),
                })
            }
            request::GotoDefinition::METHOD => {
                let p: lsp_types::GotoDefinitionParams = parse(params)?;
                let at = &p.text_document_position_params;
                let (analysis, policy, path) = self.analysis_of(&at.text_document.uri)?;
                let Some(file) = analysis.file(&path) else {
                    return null;
                };
                let offset = file.lines.offset(file.text(), at.position);
                match navigate::definition(analysis, policy.as_deref(), &path, offset) {
                    Some(location) => json(GotoDefinitionResponse::Scalar(location)),
                    None => null,
                }
            }
            request::References::METHOD => {
                let p: lsp_types::ReferenceParams = parse(params)?;
                let at = &p.text_document_position;
                let (analysis, _, path) = self.analysis_of(&at.text_document.uri)?;
                let Some(file) = analysis.file(&path) else {
                    return null;
                };
                let offset = file.lines.offset(file.text(), at.position);
                let include = p.context.include_declaration;
                match navigate::references(analysis, &path, offset, include) {
                    Some(locations) => json(locations),
                    None => null,
                }
            }
            request::Completion::METHOD => {
                let p: lsp_types::CompletionParams = parse(params)?;
                let at = &p.text_document_position;
                let (analysis, policy, path) = self.analysis_of(&at.text_document.uri)?;
                let Some(file) = analysis.file(&path) else {
                    return null;
                };
                let text = file.text();
                let offset = file.lines.offset(text, at.position);
                let items = complete::complete(text, offset, policy.as_deref())
                    .into_iter()
                    .map(|(mut item, span)| {
                        item.text_edit = Some(CompletionTextEdit::Edit(TextEdit::new(
                            file.lines.range(text, span),
                            item.label.clone(),
                        )));
                        item
                    })
                    .collect();
                json(CompletionResponse::Array(items))
            }
            request::CodeActionRequest::METHOD => {
                let p: lsp_types::CodeActionParams = parse(params)?;
                // The fixes of lint findings too.
                let policy = uri_to_path(&p.text_document.uri).map(|p| policy_path(&p));
                self.analysis_of(&p.text_document.uri)?;
                if let Some(policy) = policy {
                    if let Some(analysis) = self.analyses.get_mut(&policy).filter(|a| !a.linted) {
                        analysis.lint();
                        self.publish_policy(&policy);
                    }
                }
                let (analysis, _, path) = self.analysis_of(&p.text_document.uri)?;
                let mut out = actions::code_actions(analysis, &path, &p.context.diagnostics);
                // Adding a test is a refactoring: offered unless the client asks for others.
                let refactor = lsp_types::CodeActionKind::REFACTOR;
                let wanted = p.context.only.as_ref().is_none_or(|only| {
                    only.iter()
                        .any(|k| refactor.as_str().starts_with(k.as_str()))
                });
                if wanted {
                    out.extend(actions::add_tests(analysis, &path, p.range));
                }
                json(out)
            }
            request::Formatting::METHOD => {
                let p: lsp_types::DocumentFormattingParams = parse(params)?;
                let (analysis, _, path) = self.analysis_of(&p.text_document.uri)?;
                let Some(file) = analysis.file(&path) else {
                    return null;
                };
                match actions::format(file) {
                    Ok(edit) => json(edit.into_iter().collect::<Vec<_>>()),
                    Err(message) => Err((ErrorCode::RequestFailed, message)),
                }
            }
            request::CodeLensRequest::METHOD => {
                let p: lsp_types::CodeLensParams = parse(params)?;
                let (analysis, _, path) = self.analysis_of(&p.text_document.uri)?;
                // Lenses only for text that checks: a test's result of another text misleads.
                match &analysis.policy {
                    Some(policy) => json(actions::code_lenses(analysis, policy, &path)),
                    None => json(Vec::<lsp_types::CodeLens>::new()),
                }
            }
            request::DocumentSymbolRequest::METHOD => {
                let p: lsp_types::DocumentSymbolParams = parse(params)?;
                let (analysis, _, path) = self.analysis_of(&p.text_document.uri)?;
                let Some(file) = analysis.file(&path) else {
                    return null;
                };
                json(lsp_types::DocumentSymbolResponse::Nested(symbols::outline(
                    file,
                )))
            }
            request::SemanticTokensFullRequest::METHOD => {
                let p: lsp_types::SemanticTokensParams = parse(params)?;
                let (analysis, _, path) = self.analysis_of(&p.text_document.uri)?;
                let Some(file) = analysis.file(&path) else {
                    return null;
                };
                json(lsp_types::SemanticTokensResult::Tokens(highlight::tokens(
                    analysis, file,
                )))
            }
            request::ExecuteCommand::METHOD => {
                let p: lsp_types::ExecuteCommandParams = parse(params)?;
                self.execute(p)
            }
            method => Err((
                ErrorCode::MethodNotFound,
                format!("`{method}` is not a method of this server"),
            )),
        }
    }

    /// `juris.runTest URI NAME`: runs the test, shows its result, and answers it.
    fn execute(
        &mut self,
        p: lsp_types::ExecuteCommandParams,
    ) -> Result<serde_json::Value, Failure> {
        let invalid = |m: &str| (ErrorCode::InvalidParams, m.to_string());
        if p.command != actions::RUN_TEST {
            return Err(invalid("unknown command"));
        }
        let (Some(uri), Some(name)) = (
            p.arguments.first().and_then(|v| v.as_str()),
            p.arguments.get(1).and_then(|v| v.as_str()),
        ) else {
            return Err(invalid(
                "`juris.runTest` takes a document URI and a test name",
            ));
        };
        let uri: Uri = uri.parse().map_err(|_| invalid("not a URI"))?;
        let (analysis, _, _) = self.analysis_of(&uri)?;
        let policy = analysis.policy.clone().ok_or_else(|| {
            (
                ErrorCode::RequestFailed,
                "the policy does not check".to_string(),
            )
        })?;
        let test = policy
            .tests
            .iter()
            .find(|t| t.name == name)
            .ok_or_else(|| invalid("no test of that name"))?;
        let result = crate::suite::run_one(&policy, test);
        let message = format!("{name}: {}", actions::test_title(&result));
        self.send(
            Notification::new(
                notification::ShowMessage::METHOD.to_string(),
                lsp_types::ShowMessageParams {
                    typ: if result.passed() {
                        lsp_types::MessageType::INFO
                    } else {
                        lsp_types::MessageType::WARNING
                    },
                    message,
                },
            )
            .into(),
        );
        Ok(serde_json::json!({ "passed": result.passed(), "failures": result.failures }))
    }
}

fn parse<T: DeserializeOwned>(params: serde_json::Value) -> Result<T, Failure> {
    serde_json::from_value(params)
        .map_err(|e| (ErrorCode::InvalidParams, format!("invalid parameters: {e}")))
}

fn json<T: serde::Serialize>(value: T) -> Result<serde_json::Value, Failure> {
    serde_json::to_value(value).map_err(|e| (ErrorCode::InternalError, e.to_string()))
}
