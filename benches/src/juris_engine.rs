//! The Juris adapter: the reduced policy (`policies/transfer.juris`) or the full Oregon
//! policy, loaded once, with requests built from a [`TransferRequest`] through Juris's
//! typed path (fact ids and members resolved at load, values set by id).
//!
//! Like the Cedar and Rego adapters it splits a decision into `load`, `request` (build the
//! engine's request) and `evaluate` (decide a pre-built request and read the outcome and
//! its citation into a [`Decision`]).

use crate::{Decision, Element, Outcome, TransferRequest};
use juris::ir::{FactId, Policy};
use juris::value::Value;
use juris::{Engine, Request};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The reduced six-rule policy, written in Juris.
pub fn reduced_policy() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("policies/transfer.juris")
}

/// The full encoding of OAR 860-086-0030 shipped with Juris.
pub fn oregon_policy() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../policies/oregon")
}

/// The facts a [`TransferRequest`] sets, resolved once.
#[derive(Clone, Debug)]
struct Facts {
    data: FactId,
    usage_amw: FactId,
    opted_in: FactId,
    password_protected: FactId,
    requested_no_third_party_sharing: FactId,
    requested_no_transfer: FactId,
    written_consent: FactId,
    /// The full policy's `account.unmetered`: (2)(m) is about unmetered accounts, so a
    /// request about contracted kWh is about one.
    unmetered: Option<FactId>,
}

/// A loaded Juris policy and everything needed to decide [`TransferRequest`]s with it.
#[derive(Clone)]
pub struct JurisEngine {
    engine: Engine,
    policy: Arc<Policy>,
    facts: Facts,
    /// The request every transfer starts from: actor, action, recipient (and for the full
    /// policy the notice, safeguards and agreement) already set.
    template: Request,
    /// `data`'s member index for each element, indexed like [`Element::ALL`].
    elements: Vec<u8>,
}

type Result<T> = std::result::Result<T, String>;

impl JurisEngine {
    /// Loads, checks and compiles the policies under `path`, and resolves the facts and
    /// members a transfer request sets.
    pub fn load(path: &Path) -> Result<Self> {
        let engine =
            Engine::load(&[path]).map_err(|files| format!("{} files with errors", files.len()))?;
        let policy = engine.policy_for("OR").ok_or("no Oregon policy")?.clone();
        let fact = |name: &str| policy.fact_id(name).ok_or(format!("no fact `{name}`"));
        let facts = Facts {
            data: fact("data")?,
            usage_amw: fact("customer.usage_amw")?,
            opted_in: fact("customer.opted_in")?,
            password_protected: fact("customer.password_protected")?,
            requested_no_third_party_sharing: fact("customer.requested_no_third_party_sharing")?,
            requested_no_transfer: fact("customer.requested_no_transfer")?,
            written_consent: fact("customer.written_consent")?,
            unmetered: policy.fact_id("account.unmetered"),
        };
        let mut template = Request::empty(&policy);
        let set = |r: &mut Request, name: &str, value: Value| -> Result<()> {
            r.set_value(&policy, fact(name)?, value)
                .map_err(|e| e.message)
        };
        let member = |name: &str, m: &str| -> Result<Value> {
            policy
                .member_value(fact(name)?, m)
                .ok_or(format!("`{m}` is not a member of `{name}`"))
        };
        set(&mut template, "actor", member("actor", "electric_company")?)?;
        set(&mut template, "action", member("action", "transfer")?)?;
        set(
            &mut template,
            "recipient",
            member("recipient", "administrator")?,
        )?;
        // The full policy also asks what the reduced one takes for granted.
        for name in [
            "customer.pre_transfer_notice_sent",
            "administrator.safeguards_in_place",
            "agreement.information_transfer_agreement",
        ] {
            if policy.fact_id(name).is_some() {
                set(&mut template, name, Value::Bool(true))?;
            }
        }
        let elements = Element::ALL
            .iter()
            .map(|e| {
                policy
                    .member_index(facts.data, e.as_str())
                    .ok_or(format!("`{e}` is not a member of `data`"))
            })
            .collect::<Result<Vec<u8>>>()?;
        Ok(JurisEngine {
            engine,
            policy,
            facts,
            template,
            elements,
        })
    }

    /// The reduced six-rule policy.
    pub fn reduced() -> Result<Self> {
        Self::load(&reduced_policy())
    }

    /// The full Oregon policy.
    pub fn oregon() -> Result<Self> {
        Self::load(&oregon_policy())
    }

    /// The engine.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// The policy.
    pub fn policy(&self) -> &Arc<Policy> {
        &self.policy
    }

    /// A fresh request for a transfer: the template, with the transfer's values set by id.
    pub fn request(&self, req: &TransferRequest) -> Request {
        let mut request = self.template.clone();
        self.fill(req, &mut request);
        request
    }

    /// Sets a transfer's values on a request (reused: every fact a transfer varies is set).
    pub fn fill(&self, req: &TransferRequest, request: &mut Request) {
        let f = &self.facts;
        let p = &self.policy;
        // The values are of the facts' types by construction; the setters check anyway.
        let element = self
            .elements
            .get(req.element as usize)
            .copied()
            .unwrap_or(0);
        let _ = request.set_member(p, f.data, element);
        let _ = request.set_number(p, f.usage_amw, req.usage_amw);
        let _ = request.set_bool(p, f.opted_in, req.opted_in);
        let _ = request.set_bool(p, f.password_protected, req.password_protected);
        let _ = request.set_bool(
            p,
            f.requested_no_third_party_sharing,
            req.requested_no_third_party_sharing,
        );
        let _ = request.set_bool(p, f.requested_no_transfer, req.requested_no_transfer);
        let _ = request.set_bool(p, f.written_consent, req.written_consent);
        if let Some(unmetered) = f.unmetered {
            let _ = request.set_bool(p, unmetered, req.element == Element::ContractedKwh);
        }
    }

    /// Decides a pre-built request into `out` (reused), with or without the trace.
    pub fn evaluate_into(&self, request: &Request, trace: bool, out: &mut juris::Decision) {
        if trace {
            self.engine.decide_traced_into(&self.policy, request, out);
        } else {
            self.engine.decide_into(&self.policy, request, out);
        }
    }

    /// Decides a pre-built request into `out` (reused) with everything its explanation
    /// shows: the trace and what would change the answer.
    pub fn explain_into(&self, request: &Request, out: &mut juris::Decision) {
        self.engine
            .decide_explained_into(&self.policy, request, out);
    }

    /// Reads a Juris decision as the benchmark's: the outcome and the citations, most
    /// specific first.
    pub fn read(&self, decision: &juris::Decision) -> Result<Decision> {
        let outcome = match decision.outcome {
            juris::Outcome::Required => Outcome::Required,
            juris::Outcome::Prohibited => Outcome::Prohibited,
            other => return Err(format!("juris decided `{}`", other.as_str())),
        };
        Ok(Decision {
            decision: outcome,
            cites: decision
                .cites
                .iter()
                .map(|&l| self.policy.cite_of(l).to_owned())
                .collect(),
        })
    }

    /// Decides a pre-built request and reads the decision.
    pub fn evaluate(
        &self,
        request: &Request,
        trace: bool,
        out: &mut juris::Decision,
    ) -> Result<Decision> {
        self.evaluate_into(request, trace, out);
        self.read(out)
    }

    /// Builds the request (into `request`, reused) and decides it, without the trace.
    pub fn decide(
        &self,
        req: &TransferRequest,
        request: &mut Request,
        out: &mut juris::Decision,
    ) -> Result<Decision> {
        self.fill(req, request);
        self.evaluate(request, false, out)
    }

    /// The template request (for building requests by hand).
    pub fn template(&self) -> &Request {
        &self.template
    }
}

/// A transfer as a JSON request to the full Oregon policy: the Juris request shape
/// ([`TransferRequest::to_json`]) plus the facts the full policy asks and the reduced one
/// takes for granted (the notice was sent, the safeguards are in place, an agreement
/// governs the transfer; contracted kWh are an unmetered account's).
pub fn oregon_json(req: &TransferRequest) -> serde_json::Value {
    let mut json = req.to_json();
    if let Some(customer) = json.get_mut("customer").and_then(|c| c.as_object_mut()) {
        customer.insert("pre_transfer_notice_sent".to_owned(), true.into());
    }
    if let Some(object) = json.as_object_mut() {
        object.insert(
            "administrator".to_owned(),
            serde_json::json!({"safeguards_in_place": true}),
        );
        object.insert(
            "agreement".to_owned(),
            serde_json::json!({"information_transfer_agreement": true}),
        );
        object.insert(
            "account".to_owned(),
            serde_json::json!({"unmetered": req.element == Element::ContractedKwh}),
        );
    }
    json
}
