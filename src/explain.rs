//! Explanations: one structure ([`Explanation`]), built from a decision and its trace,
//! rendered for people ([`human`]) and as stable JSON ([`to_json`]).
//!
//! The JSON `explanation` object (documented in the README, "Decision JSON"):
//!
//! - `policy`, `title`, `jurisdiction`: the instrument.
//! - `deciding`: the provisions that decided, each with `cite`, `title`, `effect`,
//!   `source` (`file:line`), `statute` (the sentence it encodes, quoted from the text file),
//!   `conditions` (`[{"condition", "value"}]`: each clause as written and its value) and,
//!   for a conditional permission, `only_if`.
//! - `overridden`: applicable provisions set aside by an exception: `cite`, `effect`, `by`.
//! - `near_misses`: provisions that would have decided otherwise, with the first condition
//!   that failed: `cite`, `effect`, `failed` (`{"condition", "value"}`).
//!   When more provisions would have, `near_misses_left_out` says how many are not listed.
//! - `facts`: the facts the deciding provisions read (the facts that mattered): `fact`,
//!   `value`, `origin` (`given` / `default` / `unknown`).
//! - `facts_given`: every fact the request gives, in vocabulary order: `fact`, `value`.
//! - `counterfactuals`: what would change the answer ([`crate::eval::counterfactual`]):
//!   `[{"changes": {"fact": value, …}, "decision", "cites"}]`, a `changes` value written as
//!   a case's `when` value is (a value, an array of members, a comparison); empty for an
//!   `undetermined` decision. `counterfactuals_cut_off: true` when the search stopped at
//!   its budget.
//! - `readings`, when the answer relies on any: the interpretive choices it rests on
//!   ([`readings`]), each `{"cite", "text"}`.

use crate::ast::EffectKind;
use crate::eval::{self, CaseValue, Counterfactual, Counterfactuals, Decision, Outcome, Tri};
use crate::ir::{ExprId, FactId, LeafId, Policy, Type};
use crate::request::{Origin, Request};
use serde::ser::{SerializeStruct, Serializer};
use serde::Serialize;
use serde_json::Value as Json;

pub mod human;

/// One clause of a provision and its value for the request.
#[derive(Clone, Debug, PartialEq)]
pub struct ClauseValue {
    /// The clause as written (`when data is ssn`).
    pub text: String,
    /// Its value.
    pub value: Tri,
    /// Where it is written.
    pub span: crate::source::Span,
}

/// A provision as the explanation shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct ProvisionView {
    /// The leaf.
    pub leaf: LeafId,
    /// Its full citation.
    pub cite: String,
    /// Its title, or its nearest ancestor's.
    pub title: Option<String>,
    /// What it decides for this request.
    pub effect: EffectKind,
    /// `file:line`
    pub source: String,
    /// The statute sentence it encodes.
    pub statute: Option<String>,
    /// For a `rule "…" { … }`: the sentence of the statute the rule quotes.
    pub sentence: Option<String>,
    /// Its clauses and their values.
    pub conditions: Vec<ClauseValue>,
    /// Its `only if`, and its value.
    pub only_if: Option<ClauseValue>,
}

/// An explanation of one decision.
#[derive(Clone, Debug, PartialEq)]
pub struct Explanation {
    /// The provisions that decided.
    pub deciding: Vec<ProvisionView>,
    /// Applicable provisions set aside by an exception, and the exception.
    pub overridden: Vec<(ProvisionView, String)>,
    /// Provisions that would have decided otherwise, and the first clause that failed.
    pub near_misses: Vec<(ProvisionView, ClauseValue)>,
    /// How many more near misses there are than are listed.
    pub near_misses_left_out: usize,
    /// The facts the deciding provisions read.
    pub facts: Vec<(FactId, Origin)>,
    /// Every fact the request gives, in vocabulary order.
    pub given: Vec<FactId>,
    /// What would change the answer.
    pub counterfactuals: Counterfactuals,
}

/// The most near misses an explanation lists.
const MAX_NEAR_MISSES: usize = 5;

/// Builds the explanation of a decision.
pub fn explain(policy: &Policy, decision: &Decision, request: &Request) -> Explanation {
    let trace = match &decision.trace {
        Some(t) => t.clone(),
        None => eval::trace_of(policy, request),
    };
    let view =
        |leaf: LeafId, effect: Option<EffectKind>| provision_view(policy, request, leaf, effect);
    let deciding: Vec<ProvisionView> = decision
        .cites
        .iter()
        .filter(|_| decision.outcome != Outcome::Undetermined)
        .map(|&l| view(l, Some(effect_for(policy, &trace, l))))
        .collect();
    let overridden = trace
        .overridden
        .iter()
        .filter(|(_, by)| decision.cites.contains(by) || decision.outcome == Outcome::Undetermined)
        .map(|&(l, by)| (view(l, None), policy.cite_of(by).to_string()))
        .collect();
    let mut near_misses = Vec::new();
    let mut near_misses_left_out = 0;
    let mut candidates: Vec<(usize, LeafId, crate::source::Span)> = Vec::new();
    // The request with only its given enumeration values, made once if needed.
    let mut given_members: Option<Request> = None;
    if matches!(
        decision.outcome,
        Outcome::Required | Outcome::Permitted | Outcome::Prohibited | Outcome::NotAddressed
    ) {
        for (i, state) in trace.applies.iter().enumerate() {
            let leaf = LeafId(i as u32);
            if *state != Tri::False {
                continue;
            }
            let l = policy.leaf(leaf);
            let would = match l.effect {
                EffectKind::Required | EffectKind::Permitted => Outcome::Permitted,
                EffectKind::Prohibited => Outcome::Prohibited,
                EffectKind::OutOfScope => Outcome::NotAddressed,
            };
            let decided = match decision.outcome {
                Outcome::Required => Outcome::Permitted,
                o => o,
            };
            if would == decided {
                continue;
            }
            let values: Vec<Tri> = l
                .conjuncts
                .iter()
                .map(|c| eval::eval_expr(policy, request, c.expr))
                .collect();
            let failed: Vec<usize> = values
                .iter()
                .enumerate()
                .filter(|(_, v)| **v == Tri::False)
                .map(|(i, _)| i)
                .collect();
            let [only] = failed.as_slice() else { continue };
            let conjunct = &l.conjuncts[*only];
            // A provision about another item of the question (another `data`, another
            // `action`) is not a near miss: it is about something else. It is when the
            // enumeration values the request gives make the clause false on their own.
            let members = given_members.get_or_insert_with(|| given_members_only(policy, request));
            if eval::eval_expr(policy, members, conjunct.expr) == Tri::False {
                continue;
            }
            let reads = policy.facts_in(conjunct.expr).len();
            candidates.push((reads, leaf, conjunct.span));
        }
    }
    // A provision that one change of circumstances makes decide (a counterfactual cites
    // it) comes first, then the clause that reads the fewest facts.
    let counterfactuals = counterfactuals_of(policy, decision, request);
    let turned = |leaf: LeafId| {
        counterfactuals
            .found
            .iter()
            .any(|c| c.cites.contains(&leaf))
    };
    candidates.sort_by_key(|&(reads, leaf, _)| (!turned(leaf), reads, leaf));
    for (_, leaf, span) in candidates {
        if near_misses.len() >= MAX_NEAR_MISSES {
            near_misses_left_out += 1;
            continue;
        }
        let clause = ClauseValue {
            text: clause_text(policy, span),
            value: Tri::False,
            span,
        };
        near_misses.push((view(leaf, None), clause));
    }
    let mut facts: Vec<(FactId, Origin)> = Vec::new();
    for p in &deciding {
        let l = policy.leaf(p.leaf);
        let exprs = l
            .conjuncts
            .iter()
            .map(|c| c.expr)
            .chain(l.only_if.map(|(e, _)| e));
        for e in exprs {
            for f in facts_in(policy, e) {
                if !facts.iter().any(|(g, _)| *g == f) {
                    facts.push((f, request.origin(f)));
                }
            }
        }
    }
    let given = (0..policy.facts.len())
        .map(|i| FactId(i as u32))
        .filter(|&f| request.origin(f) == Origin::Given && request.get(f).is_some())
        .collect();
    Explanation {
        deciding,
        overridden,
        near_misses,
        near_misses_left_out,
        facts,
        given,
        counterfactuals,
    }
}

/// What would change the answer: as the decision's trace holds it
/// ([`crate::Engine::decide_explained`]), or searched for here, compiling the policy.
pub fn counterfactuals_of(
    policy: &Policy,
    decision: &Decision,
    request: &Request,
) -> Counterfactuals {
    match decision
        .trace
        .as_ref()
        .and_then(|t| t.counterfactuals.as_ref())
    {
        Some(found) => found.clone(),
        None => eval::counterfactuals(policy, request, decision),
    }
}

/// A counterfactual in words, the same wherever it is shown:
/// "permitted if `basis` is `written_consent` (17 O.S. § 710.6(B)(5))".
pub fn counterfactual_sentence(policy: &Policy, c: &Counterfactual) -> String {
    let changes: Vec<String> = c
        .changes
        .iter()
        .map(|(f, v)| change_words(policy, *f, v))
        .collect();
    let cites: Vec<&str> = eval::cites_of(policy, &c.cites, &c.definitions);
    format!(
        "{} if {}{}",
        c.outcome.as_str(),
        changes.join(" and "),
        if cites.is_empty() {
            String::new()
        } else {
            format!(" ({})", cites.join(", "))
        }
    )
}

/// The note that the search for counterfactuals stopped at its budget.
pub fn counterfactuals_cut_off_sentence() -> String {
    format!(
        "the search stopped after {} evaluations: changes it did not try may change the answer too",
        eval::counterfactual::BUDGET
    )
}

/// The sentence shown when no counterfactual was found and the search was complete.
pub const NO_COUNTERFACTUAL: &str = "no change of one or two circumstances gives another outcome";

/// A fact taking a case value, in words: "`basis` is `written_consent`", "`basis` is one of
/// `court_order`, `emergency`", "`customer.usage_amw` >= 1".
fn change_words(policy: &Policy, fact: FactId, value: &CaseValue) -> String {
    let declared = policy.fact(fact);
    match value {
        CaseValue::Value(v) => format!("`{}` is `{}`", declared.name, declared.show(v)),
        CaseValue::Members(mask) => {
            let members: Vec<String> = declared
                .ty
                .members()
                .iter()
                .enumerate()
                .filter(|(i, _)| mask & (1u64 << i) != 0)
                .map(|(_, m)| format!("`{m}`"))
                .collect();
            format!("`{}` is one of {}", declared.name, members.join(", "))
        }
        CaseValue::Range { .. } => {
            format!("`{}` {}", declared.name, value.describe(policy, fact))
        }
    }
}

/// What a leaf decides for a request (a conditional permission whose condition failed
/// prohibits).
fn effect_for(policy: &Policy, trace: &eval::Trace, leaf: LeafId) -> EffectKind {
    let l = policy.leaf(leaf);
    match trace.only_if.get(leaf.index()).copied().flatten() {
        Some(Tri::False) => EffectKind::Prohibited,
        _ => l.effect,
    }
}

fn provision_view(
    policy: &Policy,
    request: &Request,
    leaf: LeafId,
    effect: Option<EffectKind>,
) -> ProvisionView {
    let l = policy.leaf(leaf);
    let node = policy.node(l.node);
    let mut title = node.title.clone();
    let mut up = node.parent;
    while title.is_none() {
        let Some(p) = up else { break };
        title = policy.node(p).title.clone();
        up = policy.node(p).parent;
    }
    let (line, _) = policy.source.line_col(node.label_span.start as usize);
    ProvisionView {
        leaf,
        cite: node.cite.full.clone(),
        title,
        effect: effect.unwrap_or(l.effect),
        source: format!("{}:{line}", policy.source.name()),
        statute: policy.quote(&node.cite).map(str::to_string),
        sentence: l.sentence.clone(),
        conditions: l
            .conjuncts
            .iter()
            .map(|c| ClauseValue {
                text: clause_text(policy, c.span),
                value: eval::eval_expr(policy, request, c.expr),
                span: c.span,
            })
            .collect(),
        only_if: l.only_if.map(|(e, span)| ClauseValue {
            text: format!("only if {}", clause_text(policy, span)),
            value: eval::eval_expr(policy, request, e),
            span,
        }),
    }
}

/// A clause's source text on one line (a term's meaning, too, in whichever file the terms
/// are written).
pub fn clause_text(policy: &Policy, span: crate::source::Span) -> String {
    policy
        .slice(span)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The request with only the enumeration values it gives, every other fact unknown: a
/// condition false on it is false because of what the request is about.
fn given_members_only(policy: &Policy, request: &Request) -> Request {
    let mut members = request.clone();
    for (i, fact) in policy.facts.iter().enumerate() {
        let id = FactId(i as u32);
        if !(matches!(fact.ty, Type::Enum(_)) && request.origin(id) == Origin::Given) {
            members.replace(id, None, Origin::Unknown);
        }
    }
    members
}

/// The facts a condition reads (through definitions too), in order ([`Policy::facts_in`]).
pub fn facts_in(policy: &Policy, e: ExprId) -> Vec<FactId> {
    policy.facts_in(e)
}

/// A reading an answer relies on.
#[derive(Clone, Debug, PartialEq)]
pub struct ReadingUsed {
    /// The full cite of the provision or definition that states it.
    pub cite: String,
    /// The reading, in words.
    pub text: String,
    /// Where it is written.
    pub span: crate::source::Span,
}

/// The readings a decision relies on: those of the provisions that decide it (for
/// `undetermined`, of those that decide its cases), of their ancestors and of the `rule { … }`
/// that decides, and of the definitions read — directly or through other definitions — by
/// their conditions, their `only if`s and the conditions of the obligations that come with
/// the decision. Each once, in source order. Every rendering of an answer shows these.
pub fn readings(policy: &Policy, decision: &Decision) -> Vec<ReadingUsed> {
    let mut out: Vec<ReadingUsed> = Vec::new();
    let mut add = |cite: &str, r: &crate::ir::Reading| {
        if !out.iter().any(|u| u.span == r.span) {
            out.push(ReadingUsed {
                cite: cite.to_string(),
                text: r.text.clone(),
                span: r.span,
            });
        }
    };
    let leaves = decision
        .cites
        .iter()
        .chain(decision.cases.iter().flat_map(|c| c.cites.iter()));
    let mut exprs: Vec<ExprId> = Vec::new();
    for &leaf in leaves {
        let l = policy.leaf(leaf);
        let cite = &policy.node(l.node).cite.full;
        for r in &l.readings {
            add(cite, r);
        }
        let mut node = Some(l.node);
        let mut steps = 0;
        while let Some(n) = node.filter(|_| steps <= policy.nodes.len()) {
            let n = policy.node(n);
            for r in &n.readings {
                add(&n.cite.full, r);
            }
            node = n.parent;
            steps += 1;
        }
        exprs.extend(l.conjuncts.iter().map(|c| c.expr));
        exprs.extend(l.only_if.map(|(e, _)| e));
    }
    let obligations = decision
        .obligations
        .iter()
        .chain(decision.cases.iter().flat_map(|c| c.obligations.iter()));
    exprs.extend(
        obligations
            .filter_map(|&o| policy.obligations.get(o as usize))
            .filter_map(|o| o.when),
    );
    let mut definitions = Vec::new();
    for e in exprs {
        policy.definitions_read(e, &mut definitions);
    }
    for d in definitions {
        if let Some(def) = policy.definitions.get(d.index()) {
            for r in &def.readings {
                add(&def.cite.full, r);
            }
        }
    }
    out.sort_by_key(|u| u.span.start);
    out
}

/// The name of an effect in the decision contract's words.
pub fn effect_name(effect: EffectKind) -> &'static str {
    match effect {
        EffectKind::Required => "required",
        EffectKind::Permitted => "permitted",
        EffectKind::Prohibited => "prohibited",
        EffectKind::OutOfScope => "not_addressed",
    }
}

fn tri_json(t: Tri) -> Json {
    match t {
        Tri::True => Json::Bool(true),
        Tri::False => Json::Bool(false),
        Tri::Unknown => Json::String("unknown".to_string()),
    }
}

/// The value of a fact in a request, as JSON (`null` when unknown).
pub fn fact_value_json(policy: &Policy, request: &Request, fact: FactId) -> Json {
    request
        .get(fact)
        .map(|v| policy.fact(fact).to_json(v))
        .unwrap_or(Json::Null)
}

/// The decision as the contract's JSON object, with the explanation.
pub fn to_json(policy: &Policy, decision: &Decision, request: &Request) -> Json {
    serde_json::to_value(DecisionJson::explained(policy, decision, request)).unwrap_or(Json::Null)
}

/// The decision as the contract's JSON object, without the explanation.
pub fn decision_json(policy: &Policy, decision: &Decision) -> Json {
    serde_json::to_value(DecisionJson::plain(policy, decision)).unwrap_or(Json::Null)
}

/// Writes the decision as the contract's JSON object, with the explanation, on one line
/// (`juris batch --explain` writes one per request).
pub fn write_json(
    out: &mut impl std::io::Write,
    policy: &Policy,
    decision: &Decision,
    request: &Request,
) -> serde_json::Result<()> {
    serde_json::to_writer(out, &DecisionJson::explained(policy, decision, request))
}

/// Writes the decision as the contract's JSON object, without the explanation, on one line
/// (`juris batch` writes one per request).
pub fn write_decision(
    out: &mut impl std::io::Write,
    policy: &Policy,
    decision: &Decision,
) -> serde_json::Result<()> {
    serde_json::to_writer(out, &DecisionJson::plain(policy, decision))
}

/// Writes a decision's `cases` (the contract's array; empty unless it is undetermined), on
/// one line: the table outputs of `juris batch` carry it as JSON text.
pub fn write_cases(
    out: &mut impl std::io::Write,
    policy: &Policy,
    decision: &Decision,
) -> serde_json::Result<()> {
    serde_json::to_writer(
        out,
        &CasesJson {
            policy,
            cases: &decision.cases,
        },
    )
}

/// Writes a decision's `explanation` alone (what [`write_json`] writes under that key), on
/// one line.
pub fn write_explanation(
    out: &mut impl std::io::Write,
    policy: &Policy,
    decision: &Decision,
    request: &Request,
) -> serde_json::Result<()> {
    serde_json::to_writer(out, &ExplanationJson::new(policy, decision, request))
}

/// A decision's obligations, in the contract's order.
pub fn obligations_of<'p>(
    policy: &'p Policy,
    ids: &'p [u32],
) -> impl Iterator<Item = &'p crate::ir::Obligation> + 'p {
    ids.iter()
        .filter_map(|&o| policy.obligations.get(o as usize))
}

/// The decision contract's object: `decision`, `cites`, `obligations`, `depends_on`,
/// `cases` and, when asked, `explanation`, in that order. Every command that writes a
/// decision serialises this ([`to_json`], [`write_json`], [`write_decision`]), so the
/// contract is written in one place and in one order. Cites are [`eval::cite_strings`]'s (provisions,
/// then the definitions that decided, each once); a case's cites are its provisions, each
/// once. Nothing is copied: the lists are written straight from the decision.
pub struct DecisionJson<'a> {
    policy: &'a Policy,
    decision: &'a Decision,
    explanation: Option<ExplanationJson<'a>>,
}

impl<'a> DecisionJson<'a> {
    /// The decision alone.
    pub fn plain(policy: &'a Policy, decision: &'a Decision) -> Self {
        DecisionJson {
            policy,
            decision,
            explanation: None,
        }
    }

    /// The decision with its explanation ([`explain`]).
    pub fn explained(policy: &'a Policy, decision: &'a Decision, request: &Request) -> Self {
        DecisionJson {
            policy,
            decision,
            explanation: Some(ExplanationJson::new(policy, decision, request)),
        }
    }
}

impl Serialize for DecisionJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (policy, decision) = (self.policy, self.decision);
        let cites = CitesJson {
            policy,
            leaves: &decision.cites,
            definitions: &decision.definitions,
        };
        let obligations = ObligationsJson {
            policy,
            ids: &decision.obligations,
        };
        let depends_on = FactNamesJson {
            policy,
            facts: &decision.depends_on,
        };
        let cases = CasesJson {
            policy,
            cases: &decision.cases,
        };
        let mut object = serializer.serialize_struct("Decision", 6)?;
        object.serialize_field("decision", decision.outcome.as_str())?;
        object.serialize_field("cites", &cites)?;
        object.serialize_field("obligations", &obligations)?;
        object.serialize_field("depends_on", &depends_on)?;
        object.serialize_field("cases", &cases)?;
        if let Some(explanation) = &self.explanation {
            object.serialize_field("explanation", explanation)?;
        }
        object.end()
    }
}

/// Provisions' and then definitions' citations, each once ([`eval::cites_of`]), written
/// without collecting them.
struct CitesJson<'a> {
    policy: &'a Policy,
    leaves: &'a [LeafId],
    definitions: &'a [crate::ir::DefId],
}

impl Serialize for CitesJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let policy = self.policy;
        let all = || {
            let provisions = self.leaves.iter().map(|&l| policy.cite_of(l));
            let definitions = self
                .definitions
                .iter()
                .filter_map(|d| policy.definitions.get(d.index()))
                .map(|d| d.cite.full.as_str());
            provisions.chain(definitions)
        };
        serializer.collect_seq(
            all()
                .enumerate()
                .filter(|&(i, cite)| !all().take(i).any(|earlier| earlier == cite))
                .map(|(_, cite)| cite),
        )
    }
}

/// Obligations as `{"text", "cite"}`.
struct ObligationsJson<'a> {
    policy: &'a Policy,
    ids: &'a [u32],
}

impl Serialize for ObligationsJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(
            obligations_of(self.policy, self.ids).map(|o| ObligationJson {
                text: &o.text,
                cite: &o.cite.full,
            }),
        )
    }
}

#[derive(Serialize)]
struct ObligationJson<'a> {
    text: &'a str,
    cite: &'a str,
}

/// Facts by their dotted names.
struct FactNamesJson<'a> {
    policy: &'a Policy,
    facts: &'a [FactId],
}

impl Serialize for FactNamesJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(
            self.facts
                .iter()
                .map(|&f| self.policy.fact(f).name.as_str()),
        )
    }
}

/// The cases of an undetermined decision: `{"when", "decision", "cites", "obligations"}`,
/// `when` by fact name in name order.
struct CasesJson<'a> {
    policy: &'a Policy,
    cases: &'a [eval::Case],
}

impl Serialize for CasesJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let policy = self.policy;
        serializer.collect_seq(self.cases.iter().map(|case| {
            CaseJson {
                when: case
                    .when
                    .iter()
                    .map(|(f, v)| (policy.fact(*f).name.as_str(), v.to_json(policy, *f)))
                    .collect(),
                decision: case.outcome.as_str(),
                cites: CitesJson {
                    policy,
                    leaves: &case.cites,
                    definitions: &[],
                },
                obligations: ObligationsJson {
                    policy,
                    ids: &case.obligations,
                },
            }
        }))
    }
}

#[derive(Serialize)]
struct CaseJson<'a> {
    when: std::collections::BTreeMap<&'a str, Json>,
    decision: &'static str,
    cites: CitesJson<'a>,
    obligations: ObligationsJson<'a>,
}

// The explanation's JSON, typed: fields are written in the order declared (alphabetical,
// the order it has always had).

#[derive(Serialize)]
struct ExplanationJson<'a> {
    counterfactuals: Vec<CounterfactualJson<'a>>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    counterfactuals_cut_off: bool,
    deciding: Vec<ProvisionJson>,
    facts: Vec<FactJson<'a>>,
    facts_given: Vec<GivenJson<'a>>,
    jurisdiction: &'a str,
    near_misses: Vec<NearMissJson>,
    #[serde(skip_serializing_if = "is_zero")]
    near_misses_left_out: usize,
    overridden: Vec<OverriddenJson>,
    policy: &'a str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    readings: Vec<ReadingJson>,
    title: &'a str,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

#[derive(Serialize)]
struct CounterfactualJson<'a> {
    changes: std::collections::BTreeMap<&'a str, Json>,
    cites: Vec<&'a str>,
    decision: &'static str,
}

#[derive(Serialize)]
struct GivenJson<'a> {
    fact: &'a str,
    value: Json,
}

#[derive(Serialize)]
struct ReadingJson {
    cite: String,
    text: String,
}

#[derive(Serialize)]
struct ProvisionJson {
    cite: String,
    conditions: Vec<ClauseJson>,
    effect: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    only_if: Option<ClauseJson>,
    source: String,
    statute: Option<String>,
    title: Option<String>,
}

#[derive(Serialize)]
struct ClauseJson {
    condition: String,
    value: Json,
}

#[derive(Serialize)]
struct NearMissJson {
    cite: String,
    effect: &'static str,
    failed: ClauseJson,
    source: String,
}

#[derive(Serialize)]
struct OverriddenJson {
    by: String,
    cite: String,
    effect: &'static str,
    source: String,
}

#[derive(Serialize)]
struct FactJson<'a> {
    fact: &'a str,
    origin: &'static str,
    value: Json,
}

impl<'a> ExplanationJson<'a> {
    fn new(policy: &'a Policy, decision: &Decision, request: &Request) -> Self {
        let explanation = explain(policy, decision, request);
        let clause = |c: ClauseValue| ClauseJson {
            condition: c.text,
            value: tri_json(c.value),
        };
        ExplanationJson {
            counterfactuals: explanation
                .counterfactuals
                .found
                .iter()
                .map(|c| CounterfactualJson {
                    changes: c
                        .changes
                        .iter()
                        .map(|(f, v)| (policy.fact(*f).name.as_str(), v.to_json(policy, *f)))
                        .collect(),
                    cites: eval::cites_of(policy, &c.cites, &c.definitions),
                    decision: c.outcome.as_str(),
                })
                .collect(),
            counterfactuals_cut_off: explanation.counterfactuals.cut_off,
            deciding: explanation
                .deciding
                .into_iter()
                .map(|p| ProvisionJson {
                    cite: p.cite,
                    conditions: p.conditions.into_iter().map(clause).collect(),
                    effect: effect_name(p.effect),
                    only_if: p.only_if.map(clause),
                    source: p.source,
                    statute: p.statute,
                    title: p.title,
                })
                .collect(),
            facts: explanation
                .facts
                .iter()
                .map(|&(f, origin)| FactJson {
                    fact: &policy.fact(f).name,
                    origin: match origin {
                        Origin::Given => "given",
                        Origin::Default => "default",
                        Origin::Unknown => "unknown",
                    },
                    value: fact_value_json(policy, request, f),
                })
                .collect(),
            facts_given: explanation
                .given
                .iter()
                .map(|&f| GivenJson {
                    fact: &policy.fact(f).name,
                    value: fact_value_json(policy, request, f),
                })
                .collect(),
            jurisdiction: &policy.jurisdiction,
            near_misses_left_out: explanation.near_misses_left_out,
            near_misses: explanation
                .near_misses
                .into_iter()
                .map(|(p, c)| NearMissJson {
                    cite: p.cite,
                    effect: effect_name(p.effect),
                    failed: clause(c),
                    source: p.source,
                })
                .collect(),
            overridden: explanation
                .overridden
                .into_iter()
                .map(|(p, by)| OverriddenJson {
                    by,
                    cite: p.cite,
                    effect: effect_name(p.effect),
                    source: p.source,
                })
                .collect(),
            policy: &policy.citation,
            readings: readings(policy, decision)
                .into_iter()
                .map(|r| ReadingJson {
                    cite: r.cite,
                    text: r.text,
                })
                .collect(),
            title: &policy.title,
        }
    }
}

/// The members of an enumeration fact, for messages.
pub fn members_of(policy: &Policy, fact: FactId) -> Vec<String> {
    match &policy.fact(fact).ty {
        Type::Enum(m) | Type::Set(m) => m.clone(),
        _ => Vec::new(),
    }
}
