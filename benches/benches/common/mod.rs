//! Cedar and Rego adapters for the OAR 860-086-0030 comparison.
//!
//! Shared by the criterion bench (`benches/decision.rs`) and the agreement
//! test (`tests/agreement.rs`, which includes this file with `#[path]`).
//! It lives here rather than in `src/` because `cedar-policy` and `regorus`
//! are dev-dependencies of `juris-bench`.
//!
//! Every adapter splits a decision the same way so the bench can time the
//! parts separately:
//!
//! * `load` — parse (and, for Cedar, validate against the schema; for the
//!   Rego VM, compile to a program) the policy once;
//! * `input` / `request` — build the engine's request from a
//!   [`TransferRequest`];
//! * `evaluate` — evaluate a pre-built request and read the decision and its
//!   citation into a [`Decision`].

#![allow(dead_code)] // each includer uses a different subset

use std::collections::BTreeMap;
use std::error::Error;
use std::str::FromStr;
use std::sync::Arc;

use cedar_policy::{
    Authorizer, Context, Entities, Entity, EntityId, EntityTypeName, EntityUid, PolicySet, Request,
    RestrictedExpression, Schema, ValidationMode, Validator,
};
use juris_bench::{Decision, Element, Outcome, TransferRequest};
use regorus::languages::rego::compiler::Compiler;
use regorus::rvm::program::Program;
use regorus::rvm::vm::RegoVM;

/// Errors are boxed: the adapters only need to report, not to branch.
pub type Result<T> = std::result::Result<T, Box<dyn Error + Send + Sync>>;

/// The Cedar policy (permit = required, forbid = prohibited).
pub const CEDAR_POLICY: &str = include_str!("../../policies/transfer.cedar");
/// The Cedar schema the policy is validated against.
pub const CEDAR_SCHEMA: &str = include_str!("../../policies/transfer.cedarschema");
/// The Rego policy (`data.oar_860_086_0030.decision`).
pub const REGO_POLICY: &str = include_str!("../../policies/transfer.rego");
/// The Rego rule that holds the decision.
pub const REGO_RULE: &str = "data.oar_860_086_0030.decision";

// ---------------------------------------------------------------------------
// Cedar
// ---------------------------------------------------------------------------

/// A loaded, validated Cedar policy set plus the static entity store (the
/// information elements and the groups the rule puts them in).
pub struct CedarEngine {
    policies: PolicySet,
    entities: Entities,
    authorizer: Authorizer,
    principal: EntityUid,
    action: EntityUid,
    /// `InformationElement::"<name>"` for each element, indexed like
    /// [`Element::ALL`].
    resources: Vec<EntityUid>,
}

impl CedarEngine {
    /// Parse the schema and the policies, validate the policies (strict
    /// mode), and build the entity store.
    pub fn load(policy_src: &str, schema_src: &str) -> Result<Self> {
        let (schema, warnings) = Schema::from_cedarschema_str(schema_src)?;
        if let Some(w) = warnings.into_iter().next() {
            return Err(format!("cedar schema warning: {w}").into());
        }
        let policies = PolicySet::from_str(policy_src)?;
        let validation = Validator::new(schema.clone()).validate(&policies, ValidationMode::Strict);
        if !validation.validation_passed() {
            let errors: Vec<String> = validation
                .validation_errors()
                .map(|e| e.to_string())
                .collect();
            return Err(format!("cedar validation failed: {}", errors.join("; ")).into());
        }

        let class = |name: &str| -> Result<EntityUid> {
            Ok(EntityUid::from_type_name_and_id(
                EntityTypeName::from_str("InformationClass")?,
                EntityId::new(name),
            ))
        };
        let section_3 = class("section_3_a_to_g")?;
        let minimum = class("section_11_a_minimum")?;
        let element_type = EntityTypeName::from_str("InformationElement")?;
        let resources: Vec<EntityUid> = Element::ALL
            .iter()
            .map(|e| {
                EntityUid::from_type_name_and_id(element_type.clone(), EntityId::new(e.as_str()))
            })
            .collect();
        let mut entities = vec![
            Entity::new_no_attrs(section_3.clone(), Default::default()),
            Entity::new_no_attrs(minimum.clone(), Default::default()),
        ];
        for (element, uid) in Element::ALL.iter().zip(&resources) {
            let mut parents = std::collections::HashSet::new();
            if element.section_3_cite().is_some() {
                parents.insert(section_3.clone());
            }
            if element.is_over_1_amw_minimum() {
                parents.insert(minimum.clone());
            }
            entities.push(Entity::new_no_attrs(uid.clone(), parents));
        }
        let entities = Entities::from_entities(entities, Some(&schema))?;

        Ok(CedarEngine {
            policies,
            entities,
            authorizer: Authorizer::new(),
            principal: EntityUid::from_type_name_and_id(
                EntityTypeName::from_str("ElectricCompany")?,
                EntityId::new("electric_company"),
            ),
            action: EntityUid::from_str(r#"Action::"transfer""#)?,
            resources,
        })
    }

    /// Build the Cedar request: principal, action, the element as resource,
    /// and the customer facts as a context record (usage as a `decimal`).
    ///
    /// The request is not re-validated against the schema on every call:
    /// its shape is fixed by this function, and the policies were validated
    /// at load.
    pub fn request(&self, req: &TransferRequest) -> Result<Request> {
        let customer = RestrictedExpression::new_record([
            (
                "usage_amw".to_owned(),
                // Cedar has no floats; `decimal` holds up to four places.
                RestrictedExpression::new_decimal(format!("{:.4}", req.usage_amw)),
            ),
            (
                "opted_in".to_owned(),
                RestrictedExpression::new_bool(req.opted_in),
            ),
            (
                "password_protected".to_owned(),
                RestrictedExpression::new_bool(req.password_protected),
            ),
            (
                "requested_no_third_party_sharing".to_owned(),
                RestrictedExpression::new_bool(req.requested_no_third_party_sharing),
            ),
            (
                "requested_no_transfer".to_owned(),
                RestrictedExpression::new_bool(req.requested_no_transfer),
            ),
            (
                "written_consent".to_owned(),
                RestrictedExpression::new_bool(req.written_consent),
            ),
        ])?;
        let context = Context::from_pairs([("customer".to_owned(), customer)])?;
        let resource = self.resources[req.element as usize].clone();
        Ok(Request::new(
            self.principal.clone(),
            self.action.clone(),
            resource,
            context,
            None,
        )?)
    }

    /// Authorize a pre-built request and read the decision from the one
    /// policy that determined it (its `@cite` annotation).
    pub fn evaluate(&self, request: &Request) -> Result<Decision> {
        let response = self
            .authorizer
            .is_authorized(request, &self.policies, &self.entities);
        let decision = match response.decision() {
            cedar_policy::Decision::Allow => Outcome::Required,
            cedar_policy::Decision::Deny => Outcome::Prohibited,
        };
        if let Some(err) = response.diagnostics().errors().next() {
            return Err(format!("cedar evaluation error: {err}").into());
        }
        let mut reasons = response.diagnostics().reason();
        let (Some(id), None) = (reasons.next(), reasons.next()) else {
            return Err(format!(
                "expected exactly one determining policy, got {}",
                response.diagnostics().reason().count()
            )
            .into());
        };
        let cite = self
            .policies
            .annotation(id, "cite")
            .ok_or_else(|| format!("policy {id} has no @cite"))?;
        Ok(Decision {
            decision,
            cites: vec![cite.to_owned()],
        })
    }

    /// Build the request and evaluate it.
    pub fn decide(&self, req: &TransferRequest) -> Result<Decision> {
        self.evaluate(&self.request(req)?)
    }
}

// ---------------------------------------------------------------------------
// Rego
// ---------------------------------------------------------------------------

/// Build the Rego `input` document: the Juris request shape
/// ([`TransferRequest::to_json`]), constructed directly as a
/// `regorus::Value` rather than going through `serde_json`.
pub fn rego_input(req: &TransferRequest) -> regorus::Value {
    fn object<const N: usize>(pairs: [(&str, regorus::Value); N]) -> regorus::Value {
        regorus::Value::from(
            pairs
                .into_iter()
                .map(|(k, v)| (regorus::Value::from(k), v))
                .collect::<BTreeMap<_, _>>(),
        )
    }
    let customer = object([
        ("usage_amw", req.usage_amw.into()),
        ("opted_in", req.opted_in.into()),
        ("password_protected", req.password_protected.into()),
        (
            "requested_no_third_party_sharing",
            req.requested_no_third_party_sharing.into(),
        ),
        ("requested_no_transfer", req.requested_no_transfer.into()),
        ("written_consent", req.written_consent.into()),
    ]);
    object([
        ("jurisdiction", "OR".into()),
        ("actor", "electric_company".into()),
        ("action", "transfer".into()),
        ("recipient", "administrator".into()),
        ("data", req.element.as_str().into()),
        ("customer", customer),
    ])
}

/// Read `{"decision": ..., "cite": ...}` produced by the Rego policy.
fn rego_decision(value: &regorus::Value) -> Result<Decision> {
    let name = value["decision"]
        .as_string()
        .map_err(|e| format!("rego result {value} has no decision: {e}"))?;
    let decision =
        Outcome::from_name(name).ok_or_else(|| format!("unknown rego decision {name:?}"))?;
    let cite = value["cite"]
        .as_string()
        .map_err(|e| format!("rego result {value} has no cite: {e}"))?;
    Ok(Decision {
        decision,
        cites: vec![cite.to_string()],
    })
}

/// The regorus tree-walking interpreter (`regorus::Engine`).
#[derive(Clone)]
pub struct RegoInterpreter {
    engine: regorus::Engine,
}

impl RegoInterpreter {
    /// Parse the policy into a fresh engine. (The engine finishes preparing
    /// the policy — scheduling, rule index — lazily on the first
    /// evaluation, which the `load` bench therefore does not include.)
    pub fn load(policy_src: &str) -> Result<Self> {
        let mut engine = regorus::Engine::new();
        engine
            .add_policy("transfer.rego".to_owned(), policy_src.to_owned())
            .map_err(|e| e.to_string())?;
        Ok(RegoInterpreter { engine })
    }

    /// Set the input and evaluate the `decision` rule.
    pub fn evaluate(&mut self, input: &regorus::Value) -> Result<Decision> {
        self.engine.set_input(input.clone());
        let value = self
            .engine
            .eval_rule(REGO_RULE.to_owned())
            .map_err(|e| e.to_string())?;
        rego_decision(&value)
    }

    /// Build the input and evaluate it.
    pub fn decide(&mut self, req: &TransferRequest) -> Result<Decision> {
        self.evaluate(&rego_input(req))
    }
}

/// The regorus RVM: the policy compiled once to a bytecode [`Program`], run
/// per request by a reused [`RegoVM`].
pub struct RegoVm {
    program: Arc<Program>,
    vm: RegoVM,
}

impl RegoVm {
    /// Parse the policy, compile it for the `decision` entry point, compile
    /// that to an RVM program, and load it into a VM.
    pub fn load(policy_src: &str) -> Result<Self> {
        let mut engine = regorus::Engine::new();
        engine
            .add_policy("transfer.rego".to_owned(), policy_src.to_owned())
            .map_err(|e| e.to_string())?;
        let compiled = engine
            .compile_with_entrypoint(&regorus::Rc::from(REGO_RULE))
            .map_err(|e| e.to_string())?;
        let program =
            Compiler::compile_from_policy(&compiled, &[REGO_RULE]).map_err(|e| e.to_string())?;
        let mut vm = RegoVM::new();
        vm.load_program(program.clone());
        Ok(RegoVm { program, vm })
    }

    /// The compiled program (shared; a new VM can load it cheaply).
    pub fn program(&self) -> &Arc<Program> {
        &self.program
    }

    /// Set the input and run the program's entry point.
    pub fn evaluate(&mut self, input: &regorus::Value) -> Result<Decision> {
        self.vm.set_input(input.clone());
        let value = self.vm.execute().map_err(|e| e.to_string())?;
        rego_decision(&value)
    }

    /// Build the input and evaluate it.
    pub fn decide(&mut self, req: &TransferRequest) -> Result<Decision> {
        self.evaluate(&rego_input(req))
    }
}
