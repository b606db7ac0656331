//! The embedding API: load + check + compile once, decide many times.

use crate::diagnostic::FileDiagnostics;
use crate::eval::{self, Decision};
use crate::ir::{LeafId, Policy, Program};
use crate::request::{Request, RequestError};
use crate::diagnostic::code;
use std::path::PathBuf;
use std::sync::Arc;

/// A loaded, checked and compiled set of policies: immutable, `Send + Sync`, cheap to
/// share between threads.
#[derive(Debug, Clone)]
pub struct Engine {
    program: Arc<Program>,
}

impl Engine {
    /// Loads every `.juris` policy under the paths. Fails with every file's diagnostics
    /// unless all of them check clean.
    pub fn load<P: AsRef<std::path::Path>>(paths: &[P]) -> Result<Engine, Vec<FileDiagnostics>> {
        let paths: Vec<PathBuf> = paths.iter().map(|p| p.as_ref().to_path_buf()).collect();
        crate::load::load(&paths).map(Engine::from_program)
    }

    /// An engine over an already compiled program.
    pub fn from_program(program: Program) -> Engine {
        Engine {
            program: Arc::new(program),
        }
    }

    /// The compiled program.
    pub fn program(&self) -> &Program {
        &self.program
    }

    /// The policies, in load order.
    pub fn policies(&self) -> &[Arc<Policy>] {
        &self.program.policies
    }

    /// The policy a JSON request addresses: by its `jurisdiction`, or the only one loaded.
    pub fn policy_for_json(&self, json: &serde_json::Value) -> Result<&Arc<Policy>, RequestError> {
        let named = json.get("jurisdiction");
        match named {
            Some(serde_json::Value::String(j)) => self.program.policy_for(j).ok_or_else(|| {
                let known: Vec<String> = self.policies().iter().map(|p| format!("`{}`", p.jurisdiction)).collect();
                RequestError {
                    code: &code::unknown_jurisdiction,
                    key: "jurisdiction".to_string(),
                    at_key: false,
                    message: format!("no loaded policy has jurisdiction `{j}`"),
                    help: Some(format!("the loaded policies are for {}", known.join(", "))),
                }
            }),
            Some(_) => Err(RequestError {
                code: &code::wrong_type,
                key: "jurisdiction".to_string(),
                at_key: false,
                message: "`jurisdiction` must be a string".to_string(),
                help: Some("write e.g. `\"jurisdiction\": \"OR\"`".to_string()),
            }),
            None if self.policies().len() == 1 => Ok(&self.policies()[0]),
            None => Err(RequestError {
                code: &code::unknown_jurisdiction,
                key: String::new(),
                at_key: false,
                message: "the request names no `jurisdiction` and several policies are loaded".to_string(),
                help: Some(format!(
                    "add `\"jurisdiction\"`: one of {}",
                    self.policies().iter().map(|p| format!("`{}`", p.jurisdiction)).collect::<Vec<_>>().join(", ")
                )),
            }),
        }
    }

    /// Validates a JSON request against the vocabulary of the policy it addresses.
    pub fn request_from_json(&self, json: &serde_json::Value) -> Result<(&Arc<Policy>, Request), Vec<RequestError>> {
        let policy = self.policy_for_json(json).map_err(|e| vec![e])?;
        let request = Request::from_json(policy, json)?;
        Ok((policy, request))
    }

    /// Decides a request, without the explanation trace.
    pub fn decide(&self, policy: &Policy, request: &Request) -> Decision {
        eval::decide(policy, request, false)
    }

    /// Decides a request and keeps the trace the explanations are rendered from.
    pub fn decide_traced(&self, policy: &Policy, request: &Request) -> Decision {
        eval::decide(policy, request, true)
    }
}

impl Policy {
    /// The full citation of a deciding provision.
    pub fn cite_of(&self, leaf: LeafId) -> &str {
        &self.node(self.leaf(leaf).node).cite.full
    }
}
