//! The embedding API: load + check + compile once, decide many times.
//!
//! ```
//! use juris::{Decision, Engine, Outcome, Request, value::Value};
//!
//! // Once, at start-up: load, check and compile; resolve the facts and members you set.
//! let engine = Engine::load(&["policies/oregon"]).expect("the shipped policy checks clean");
//! let policy = engine.policy_for("OR").expect("an Oregon policy is loaded");
//! let fact = |name: &str| policy.fact_id(name).expect("in the vocabulary");
//! let (actor, action, recipient, data) = (fact("actor"), fact("action"), fact("recipient"), fact("data"));
//! let usage = fact("customer.usage_amw");
//! let member = |f, name: &str| policy.member_value(f, name).expect("a member");
//! let mut template = Request::empty(policy);
//! template.set_value(policy, actor, member(actor, "electric_company")).expect("typed");
//! template.set_value(policy, action, member(action, "transfer")).expect("typed");
//! template.set_value(policy, recipient, member(recipient, "administrator")).expect("typed");
//! for name in ["customer.pre_transfer_notice_sent", "administrator.safeguards_in_place",
//!              "agreement.information_transfer_agreement"] {
//!     template.set_value(policy, fact(name), Value::Bool(true)).expect("typed");
//! }
//! let meter_number = member(data, "meter_number");
//!
//! // Per request: copy the template into a reused request, set values by id, decide into
//! // a reused decision. Neither allocates.
//! let mut request = template.clone();
//! let mut decision = Decision::default();
//! for amw in [0.3, 0.7] {
//!     request.clone_from(&template);
//!     request.set_value(policy, data, meter_number.clone()).expect("typed");
//!     request.set_value(policy, usage, Value::Number(amw)).expect("typed");
//!     engine.decide_into(policy, &request, &mut decision);
//!     assert_eq!(decision.outcome, Outcome::Required);
//!     assert_eq!(policy.cite_of(decision.cites[0]), "OAR 860-086-0030(2)(h)");
//! }
//!
//! // With the explanation: the trace comes from the same pass; what would change the
//! // answer, from a search of its own.
//! engine.decide_explained_into(policy, &request, &mut decision);
//! let json = juris::explain::to_json(policy, &decision, &request);
//! assert_eq!(json["explanation"]["deciding"][0]["cite"], "OAR 860-086-0030(2)(h)");
//!
//! // From JSON, validated at the boundary.
//! let json = serde_json::json!({"jurisdiction": "OR", "actor": "administrator",
//!                               "action": "use", "purpose": "program_administration"});
//! let (policy, request) = engine.request_from_json(&json).expect("a valid request");
//! let decision = engine.decide(policy, &request);
//! assert_eq!(decision.outcome, Outcome::Permitted);
//! assert_eq!(policy.cite_of(decision.cites[0]), "OAR 860-086-0030(6)(e)");
//! ```

use crate::diagnostic::code;
use crate::diagnostic::FileDiagnostics;
use crate::eval::{Compiled, Decision};
use crate::ir::{LeafId, Policy, Program};
use crate::request::locate::Point;
use crate::request::{Document, Node, Request, RequestError};
use std::path::PathBuf;
use std::sync::Arc;

/// A loaded, checked and compiled set of policies: immutable, `Send + Sync`, cheap to
/// clone and share between threads.
#[derive(Debug, Clone)]
pub struct Engine {
    program: Arc<Program>,
    /// Each policy compiled for evaluation, in the order of `program.policies`.
    compiled: Arc<[Compiled]>,
}

const _: () = {
    const fn shared<T: Send + Sync>() {}
    shared::<Engine>();
    shared::<Compiled>();
    shared::<Policy>();
    shared::<Request>();
};

impl Engine {
    /// Loads every `.juris` policy under the paths. Fails with every file's diagnostics
    /// unless all of them check clean.
    pub fn load<P: AsRef<std::path::Path>>(paths: &[P]) -> Result<Engine, Vec<FileDiagnostics>> {
        let paths: Vec<PathBuf> = paths.iter().map(|p| p.as_ref().to_path_buf()).collect();
        crate::load::load(&paths).map(Engine::from_program)
    }

    /// An engine over an already compiled program.
    pub fn from_program(program: Program) -> Engine {
        let compiled = program.policies.iter().map(|p| Compiled::new(p)).collect();
        Engine {
            program: Arc::new(program),
            compiled,
        }
    }

    /// The policy for a jurisdiction (`"OR"`).
    pub fn policy_for(&self, jurisdiction: &str) -> Option<&Arc<Policy>> {
        self.program.policy_for(jurisdiction)
    }

    /// A loaded policy compiled for evaluation. A policy this engine did not load is
    /// compiled on the spot (correct, but slow: decide with the engine's own policies).
    pub fn compiled(&self, policy: &Policy) -> std::borrow::Cow<'_, Compiled> {
        match self
            .program
            .policies
            .iter()
            .position(|p| std::ptr::eq(Arc::as_ptr(p), policy))
            .and_then(|i| self.compiled.get(i))
        {
            Some(c) => std::borrow::Cow::Borrowed(c),
            None => std::borrow::Cow::Owned(Compiled::new(policy)),
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
        let mut document = Document::default();
        document.read_value(json)?;
        self.policy_for_document(&document)
    }

    /// The policy a JSON request ([`Document`]) addresses: by its `jurisdiction`, or the
    /// only one loaded.
    pub fn policy_for_document(&self, document: &Document) -> Result<&Arc<Policy>, RequestError> {
        let root = document.root();
        if !matches!(root, Node::Object(..)) {
            return Err(crate::request::not_an_object());
        }
        let named = document.get(root, "jurisdiction");
        match named {
            Some(Node::Str(s, e)) => {
                let j = document.str(s, e);
                self.program.policy_for(j).ok_or_else(|| {
                    let known: Vec<String> = self
                        .policies()
                        .iter()
                        .map(|p| format!("`{}`", p.jurisdiction))
                        .collect();
                    RequestError {
                        code: &code::unknown_jurisdiction,
                        key: "jurisdiction".to_string(),
                        points_at: Point::Value,
                        at: None,
                        message: format!(
                            "no loaded policy has jurisdiction `{}`",
                            crate::diagnostic::excerpt(j)
                        ),
                        help: Some(format!("the loaded policies are for {}", known.join(", "))),
                    }
                })
            }
            Some(_) => Err(RequestError {
                code: &code::wrong_type,
                key: "jurisdiction".to_string(),
                points_at: Point::Value,
                at: None,
                message: "`jurisdiction` must be a string".to_string(),
                help: Some("write e.g. `\"jurisdiction\": \"OR\"`".to_string()),
            }),
            None if self.policies().len() == 1 => Ok(&self.policies()[0]),
            None => Err(RequestError {
                code: &code::unknown_jurisdiction,
                key: String::new(),
                points_at: Point::Value,
                at: None,
                message: "the request names no `jurisdiction` and several policies are loaded"
                    .to_string(),
                help: Some(format!(
                    "add `\"jurisdiction\"`: one of {}",
                    self.policies()
                        .iter()
                        .map(|p| format!("`{}`", p.jurisdiction))
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            }),
        }
    }

    /// Validates a JSON request against the vocabulary of the policy it addresses.
    pub fn request_from_json(
        &self,
        json: &serde_json::Value,
    ) -> Result<(&Arc<Policy>, Request), Vec<RequestError>> {
        let mut document = Document::default();
        document.read_value(json).map_err(|e| vec![e])?;
        self.request_from_document(&document)
    }

    /// Reads and validates a JSON request from its bytes, within the limits
    /// ([`crate::request::Limits`]): the one decoder of `juris eval` and `juris batch`. A key
    /// given twice, which a `serde_json::Value` would have already dropped, is refused.
    pub fn request_from_slice(
        &self,
        bytes: &[u8],
        limits: crate::request::Limits,
    ) -> Result<(&Arc<Policy>, Request), Vec<RequestError>> {
        let mut document = Document::with_limits(limits);
        document.read_slice(bytes).map_err(|e| vec![e])?;
        self.request_from_document(&document)
    }

    /// Validates a request already read into a [`Document`] (by
    /// [`Document::read_slice`]): what [`Engine::request_from_slice`] does after reading,
    /// for a caller that keeps the document (the service hashes the request from it).
    pub fn request_from_document(
        &self,
        document: &Document,
    ) -> Result<(&Arc<Policy>, Request), Vec<RequestError>> {
        let policy = self.policy_for_document(document).map_err(|e| vec![e])?;
        let mut request = Request::empty(policy);
        request.fill_from(policy, document, &mut String::new())?;
        Ok((policy, request))
    }

    /// Decides a request, without the explanation trace.
    pub fn decide(&self, policy: &Policy, request: &Request) -> Decision {
        self.compiled(policy).decide(request)
    }

    /// Decides a request and keeps the trace the explanations are rendered from
    /// ([`crate::explain::to_json`], [`crate::explain::human::render`]). What would change
    /// the answer is not in it: rendering the explanation then searches for it, compiling
    /// the policy again; [`Engine::decide_explained`] searches with the engine's.
    pub fn decide_traced(&self, policy: &Policy, request: &Request) -> Decision {
        self.compiled(policy).decide_traced(request)
    }

    /// Decides a request into a reused decision, without the trace: once the decision's
    /// buffers have grown to fit, this allocates nothing unless the request leaves a fact
    /// the outcome depends on unknown (then the evaluator splits into cases).
    pub fn decide_into(&self, policy: &Policy, request: &Request, out: &mut Decision) {
        self.compiled(policy).decide_into(request, out);
    }

    /// [`Engine::decide_into`] with the explanation trace, computed in the same pass (its
    /// buffers are reused too).
    pub fn decide_traced_into(&self, policy: &Policy, request: &Request, out: &mut Decision) {
        self.compiled(policy).decide_traced_into(request, out);
    }

    /// Decides a request with everything its explanation shows: the trace and what would
    /// change the answer ([`crate::eval::counterfactual`], a search of its own: many
    /// decisions of changed requests).
    pub fn decide_explained(&self, policy: &Policy, request: &Request) -> Decision {
        let mut decision = Decision::default();
        self.decide_explained_into(policy, request, &mut decision);
        decision
    }

    /// [`Engine::decide_explained`] into a reused decision.
    pub fn decide_explained_into(&self, policy: &Policy, request: &Request, out: &mut Decision) {
        self.compiled(policy)
            .decide_explained_into(policy, request, out);
    }
}

impl Policy {
    /// The full citation of a deciding provision.
    pub fn cite_of(&self, leaf: LeafId) -> &str {
        &self.node(self.leaf(leaf).node).cite.full
    }
}
