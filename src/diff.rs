//! The semantic difference of two versions of a policy: the requests whose decision or
//! cites change.
//!
//! Requests are enumerated over the cases of the facts some provision reads (members, the
//! regions both versions' thresholds cut numbers and dates into, compared texts, tested set
//! members), starting from all-unknown and splitting a fact only when a version's decision
//! depends on it; regions that differ alike are merged back. The enumeration is bounded
//! ([`Options::limit`]); a diff that hit the bound says so ([`SemanticDiff::truncated`]).
//! A member only one version has is refused by the other, and that refusal is a difference.

use crate::eval::{self, Outcome};
use crate::ir::{Expr, FactId, Policy, Range, Type};
use crate::request::Request;
use crate::value::{format_date, format_number, Value};
use serde_json::{json, Map, Value as Json};
use std::sync::Arc;

/// How many requests a diff evaluates at most, unless told otherwise.
pub const DEFAULT_LIMIT: usize = 20_000;

/// How a diff is run.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    /// The most requests to evaluate (each in both versions).
    pub limit: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            limit: DEFAULT_LIMIT,
        }
    }
}

/// A value given to a fact while enumerating.
#[derive(Clone, Debug, PartialEq)]
pub enum Given {
    /// A boolean.
    Bool(bool),
    /// An enumeration member.
    Member(String),
    /// A number.
    Number(f64),
    /// A date, in days since 1970-01-01.
    Date(i32),
    /// A text; `None` for any text neither version compares with.
    Text(Option<Arc<str>>),
    /// A set of members.
    Set(Vec<String>),
}

impl Given {
    /// The value in words.
    pub fn describe(&self) -> String {
        match self {
            Given::Bool(b) => b.to_string(),
            Given::Member(m) => m.clone(),
            Given::Number(n) => format_number(*n),
            Given::Date(d) => format_date(*d),
            Given::Text(Some(t)) => format!("\"{t}\""),
            Given::Text(None) => "any other text".to_string(),
            Given::Set(m) => format!("[{}]", m.join(", ")),
        }
    }

    /// The value as a request writes it.
    pub fn to_json(&self) -> Json {
        match self {
            Given::Bool(b) => json!(b),
            Given::Member(m) => json!(m),
            Given::Number(n) => serde_json::Number::from_f64(*n).map_or(Json::Null, Json::Number),
            Given::Date(d) => json!(format_date(*d)),
            Given::Text(Some(t)) => json!(t.to_string()),
            Given::Text(None) => json!("any other text"),
            Given::Set(m) => json!(m),
        }
    }
}

/// A number or date bound: the value and whether it is included.
pub type Bound = Option<(f64, bool)>;

/// What a difference says about one fact.
#[derive(Clone, Debug, PartialEq)]
pub enum Condition {
    /// Exactly this value.
    Is(Given),
    /// One of these members.
    OneOf(Vec<String>),
    /// None of these members.
    NotOneOf(Vec<String>),
    /// A number or date within bounds.
    Range {
        /// Lower bound.
        lo: Bound,
        /// Upper bound.
        hi: Bound,
        /// Whether the fact is a date.
        date: bool,
    },
}

impl Condition {
    /// The condition on `fact` in words: `data = ssn`, `data is one of a, b`,
    /// `customer.usage_amw >= 1 and < 2`.
    pub fn describe(&self, fact: &str) -> String {
        match self {
            Condition::Is(v) => format!("{fact} = {}", v.describe()),
            Condition::OneOf(m) => format!("{fact} is one of {}", m.join(", ")),
            Condition::NotOneOf(m) => format!("{fact} is none of {}", m.join(", ")),
            Condition::Range { lo, hi, date } => {
                let show = |x: f64| {
                    if *date {
                        format_date(x as i32)
                    } else {
                        format_number(x)
                    }
                };
                match (lo, hi) {
                    (Some((a, true)), Some((b, true))) if a == b => {
                        format!("{fact} = {}", show(*a))
                    }
                    (None, None) => format!("{fact} is any value"),
                    (Some((a, i)), None) => {
                        format!("{fact} {} {}", if *i { ">=" } else { ">" }, show(*a))
                    }
                    (None, Some((b, i))) => {
                        format!("{fact} {} {}", if *i { "<=" } else { "<" }, show(*b))
                    }
                    (Some((a, ai)), Some((b, bi))) => format!(
                        "{fact} {} {} and {} {}",
                        if *ai { ">=" } else { ">" },
                        show(*a),
                        if *bi { "<=" } else { "<" },
                        show(*b)
                    ),
                }
            }
        }
    }

    /// Whether a value meets the condition.
    pub fn holds(&self, value: &Given) -> bool {
        match (self, value) {
            (Condition::Is(v), value) => v == value,
            (Condition::OneOf(ms), Given::Member(m)) => ms.contains(m),
            (Condition::NotOneOf(ms), Given::Member(m)) => !ms.contains(m),
            (Condition::Range { lo, hi, .. }, Given::Number(_) | Given::Date(_)) => {
                let x = match value {
                    Given::Number(n) => *n,
                    Given::Date(d) => f64::from(*d),
                    _ => return false,
                };
                let above = lo.is_none_or(|(a, incl)| if incl { x >= a } else { x > a });
                let below = hi.is_none_or(|(b, incl)| if incl { x <= b } else { x < b });
                above && below
            }
            _ => false,
        }
    }

    /// The condition as JSON: the value, `{"one_of": […]}`, `{"none_of": […]}`, or the
    /// bounds `{">=": 1, "<": 2}`.
    pub fn to_json(&self) -> Json {
        match self {
            Condition::Is(v) => v.to_json(),
            Condition::OneOf(m) => json!({"one_of": m}),
            Condition::NotOneOf(m) => json!({"none_of": m}),
            Condition::Range { lo, hi, date } => {
                let show = |x: f64| {
                    if *date {
                        json!(format_date(x as i32))
                    } else {
                        serde_json::Number::from_f64(x).map_or(Json::Null, Json::Number)
                    }
                };
                let mut map = Map::new();
                if let (Some((a, true)), Some((b, true))) = (lo, hi) {
                    if a == b {
                        map.insert("==".into(), show(*a));
                        return Json::Object(map);
                    }
                }
                if let Some((a, i)) = lo {
                    map.insert(if *i { ">=" } else { ">" }.into(), show(*a));
                }
                if let Some((b, i)) = hi {
                    map.insert(if *i { "<=" } else { "<" }.into(), show(*b));
                }
                Json::Object(map)
            }
        }
    }
}

/// A deciding provision of one version: its cite and where it is written.
#[derive(Clone, Debug, PartialEq)]
pub struct Cited {
    /// The full citation.
    pub cite: String,
    /// `file:line` of the provision.
    pub source: String,
}

/// What one version makes of a request.
#[derive(Clone, Debug, PartialEq)]
pub enum Side {
    /// A decision, with the deciding provisions.
    Decided {
        /// The outcome.
        outcome: Outcome,
        /// The deciding provisions.
        cites: Vec<Cited>,
        /// The decision as the contract writes it ([`crate::explain::decision_json`]), when
        /// the version decided the request itself (not when it was left depending on facts
        /// past the split budget).
        decision: Option<Json>,
    },
    /// The version's vocabulary refuses the request (a member it does not have).
    Refused(String),
}

impl Side {
    /// What is compared between versions: the outcome and the set of cites.
    fn key(&self) -> (Option<Outcome>, Vec<&str>, Option<&str>) {
        match self {
            Side::Decided { outcome, cites, .. } => {
                let mut c: Vec<&str> = cites.iter().map(|c| c.cite.as_str()).collect();
                c.sort_unstable();
                c.dedup();
                (Some(*outcome), c, None)
            }
            Side::Refused(reason) => (None, Vec::new(), Some(reason.as_str())),
        }
    }

    /// The side as JSON: the decision contract's object with the deciding provisions'
    /// `sources`, or `{"refused": reason}`.
    pub fn to_json(&self) -> Json {
        match self {
            Side::Decided {
                outcome,
                cites,
                decision,
            } => {
                let sources: Vec<String> = cites.iter().map(|c| c.source.clone()).collect();
                let mut object = match decision {
                    Some(Json::Object(object)) => object.clone(),
                    _ => match json!({
                        "decision": outcome.as_str(),
                        "cites": cites.iter().map(|c| c.cite.clone()).collect::<Vec<_>>(),
                    }) {
                        Json::Object(object) => object,
                        _ => Map::new(),
                    },
                };
                object.insert("sources".into(), json!(sources));
                Json::Object(object)
            }
            Side::Refused(reason) => json!({"refused": reason}),
        }
    }
}

/// A region of requests that the two versions decide differently.
#[derive(Clone, Debug, PartialEq)]
pub struct Difference {
    /// The facts that matter and what they are; every other fact may be anything.
    pub when: Vec<(String, Condition)>,
    /// One request of the region, fact by fact.
    pub example: Vec<(String, Given)>,
    /// What the old version makes of it.
    pub old: Side,
    /// What the new version makes of it.
    pub new: Side,
}

impl Difference {
    /// The example request as request JSON (dotted names nested).
    pub fn example_json(&self, jurisdiction: &str) -> Json {
        let mut root = Map::new();
        root.insert("jurisdiction".into(), json!(jurisdiction));
        for (name, value) in &self.example {
            insert_dotted(&mut root, name, value.to_json());
        }
        Json::Object(root)
    }
}

fn insert_dotted(map: &mut Map<String, Json>, name: &str, value: Json) {
    match name.split_once('.') {
        None => {
            map.insert(name.to_string(), value);
        }
        Some((head, rest)) => {
            let entry = map
                .entry(head.to_string())
                .or_insert_with(|| Json::Object(Map::new()));
            if let Json::Object(inner) = entry {
                insert_dotted(inner, rest, value);
            }
        }
    }
}

/// The semantic difference of two versions.
#[derive(Clone, Debug, PartialEq)]
pub struct SemanticDiff {
    /// The regions decided differently, in enumeration order.
    pub differences: Vec<Difference>,
    /// How many requests were evaluated (each in both versions).
    pub explored: usize,
    /// The bound on that number.
    pub limit: usize,
    /// Whether the bound was reached before the enumeration finished.
    pub truncated: bool,
    /// The facts the enumeration split on: those some provision reads and some decision
    /// depended on.
    pub facts: Vec<String>,
}

/// Which version.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Version {
    Old,
    New,
}

/// The values a fact is enumerated over, by its type in the two versions.
#[derive(Clone, Debug)]
enum Kind {
    Bool,
    /// The regions of both versions' thresholds, within either version's range.
    Number(Vec<eval::Region>),
    /// The same, in days.
    Date(Vec<eval::Region>),
    Text(Vec<Arc<str>>),
    Enum(Vec<String>),
    Set(Vec<String>),
}

#[derive(Clone, Debug)]
struct JointFact {
    name: String,
    kind: Kind,
    old: Option<FactId>,
    new: Option<FactId>,
}

impl JointFact {
    fn id(&self, version: Version) -> Option<FactId> {
        match version {
            Version::Old => self.old,
            Version::New => self.new,
        }
    }
}

/// Computes the requests that the two versions decide differently.
pub fn diff(old: &Policy, new: &Policy, options: Options) -> SemanticDiff {
    let mut run = Run {
        old,
        new,
        facts: Vec::new(),
        explored: 0,
        limit: options.limit,
        truncated: false,
        split_on: Vec::new(),
        regions: Vec::new(),
        checks: 0,
        compiled: (eval::Compiled::new(old), eval::Compiled::new(new)),
    };
    let mut assignment = Vec::new();
    run.explore(&mut assignment);
    let regions = merge(&run.facts, std::mem::take(&mut run.regions));
    let differences = regions
        .into_iter()
        .flat_map(|r| differences_of(&run.facts, r))
        .collect();
    SemanticDiff {
        differences,
        explored: run.explored,
        limit: run.limit,
        truncated: run.truncated,
        facts: run.split_on,
    }
}

struct Run<'p> {
    old: &'p Policy,
    new: &'p Policy,
    facts: Vec<JointFact>,
    explored: usize,
    limit: usize,
    truncated: bool,
    split_on: Vec<String>,
    /// The regions found so far, minimized.
    regions: Vec<Region>,
    /// Evaluations spent minimizing regions.
    checks: usize,
    /// The two versions, compiled once.
    compiled: (eval::Compiled, eval::Compiled),
}

/// A region of requests the versions decide differently, while it is being minimized and
/// merged: per fact (by joint index, in order), the values it may take.
#[derive(Clone, Debug)]
struct Region {
    when: Vec<(usize, Vec<Given>)>,
    example: Vec<(usize, Given)>,
    old: Side,
    new: Side,
}

/// A version's evaluation of a request: a side, or the facts its decision depends on.
enum Evaluated {
    Settled(Side),
    Depends(Vec<String>),
}

/// One case of a decision in shared terms: the facts and their values in words, the outcome
/// and the sorted cites.
type CanonCase = (Vec<(String, String)>, Outcome, Vec<String>);

/// A decision in terms both versions share (names, not ids), for telling whether two
/// versions agree over a whole region without splitting it.
#[derive(Debug, PartialEq)]
struct Canon {
    /// Each case: the facts and their values in words, the outcome and the sorted cites.
    /// A decided request is one case with no facts.
    cases: Vec<CanonCase>,
}

impl Canon {
    fn of(policy: &Policy, decision: &eval::Decision) -> Option<Canon> {
        let cites = |leaves: &[crate::ir::LeafId]| {
            let mut c: Vec<String> = leaves
                .iter()
                .map(|&l| policy.cite_of(l).to_string())
                .collect();
            c.sort_unstable();
            c.dedup();
            c
        };
        if decision.outcome != Outcome::Undetermined {
            return Some(Canon {
                cases: vec![(
                    Vec::new(),
                    decision.outcome,
                    crate::eval::cite_strings(policy, decision)
                        .into_iter()
                        .map(str::to_string)
                        .collect(),
                )],
            });
        }
        // An undetermined case inside means the evaluator's own budget ran out: not complete.
        if decision.cases.is_empty()
            || decision
                .cases
                .iter()
                .any(|c| c.outcome == Outcome::Undetermined)
        {
            return None;
        }
        let cases = decision
            .cases
            .iter()
            .map(|c| {
                let when = c
                    .when
                    .iter()
                    .map(|(f, v)| (policy.fact(*f).name.clone(), v.describe(policy, *f)))
                    .collect();
                (when, c.outcome, cites(&c.cites))
            })
            .collect();
        Some(Canon { cases })
    }

    /// Whether two versions decide every request of the region alike: the same single
    /// outcome and cites throughout, or the very same cases.
    fn agrees(&self, other: &Canon) -> bool {
        let single = |c: &Canon| {
            let (_, outcome, cites) = c.cases.first()?;
            c.cases
                .iter()
                .all(|(_, o, cs)| o == outcome && cs == cites)
                .then_some((*outcome, cites.clone()))
        };
        match (single(self), single(other)) {
            (Some(a), Some(b)) => a == b,
            _ => self == other,
        }
    }
}

impl Run<'_> {
    fn policy(&self, version: Version) -> &Policy {
        match version {
            Version::Old => self.old,
            Version::New => self.new,
        }
    }

    /// Walks the requests, splitting on a fact only when a version's decision depends on
    /// it, and records every region where both versions are settled and disagree.
    fn explore(&mut self, assignment: &mut Vec<(usize, Given)>) {
        if self.explored >= self.limit {
            self.truncated = true;
            return;
        }
        self.explored += 1;
        // Inside a region already found, both versions are settled: nothing new below.
        if self
            .regions
            .iter()
            .any(|r| r.example.iter().all(|x| assignment.contains(x)))
        {
            return;
        }
        let (old, old_canon) = self.evaluate(Version::Old, assignment);
        let (new, new_canon) = self.evaluate(Version::New, assignment);
        if let (Some(a), Some(b)) = (&old_canon, &new_canon) {
            if a.agrees(b) {
                return;
            }
        }
        let split = [&old, &new].into_iter().find_map(|e| match e {
            Evaluated::Depends(names) => names.iter().find_map(|n| {
                let j = self.joint(n)?;
                (!assignment.iter().any(|(a, _)| *a == j)).then_some(j)
            }),
            Evaluated::Settled(_) => None,
        });
        let Some(j) = split else {
            let old = settle(old);
            let new = settle(new);
            if old.key() == new.key() {
                return;
            }
            // A region already found that holds this one says all there is to say.
            let covered = self.regions.iter().any(|r| {
                r.old == old && r.new == new && r.example.iter().all(|x| assignment.contains(x))
            });
            if !covered {
                let region = self.minimize(Region {
                    when: Vec::new(),
                    example: assignment.clone(),
                    old,
                    new,
                });
                if !self
                    .regions
                    .iter()
                    .any(|r| r.when == region.when && r.old == region.old && r.new == region.new)
                {
                    self.regions.push(region);
                }
            }
            return;
        };
        let Some(fact) = self.facts.get(j) else {
            return;
        };
        if !self.split_on.contains(&fact.name) {
            self.split_on.push(fact.name.clone());
        }
        for v in values_of(&fact.kind) {
            if self.truncated {
                break;
            }
            assignment.push((j, v));
            self.explore(assignment);
            assignment.pop();
        }
    }

    /// Both versions' sides for an assignment, when both are settled.
    fn settled(&mut self, assignment: &[(usize, Given)]) -> Option<(Side, Side)> {
        self.checks += 1;
        let (old, _) = self.evaluate(Version::Old, assignment);
        let (new, _) = self.evaluate(Version::New, assignment);
        match (old, new) {
            (Evaluated::Settled(o), Evaluated::Settled(n)) => Some((o, n)),
            _ => None,
        }
    }

    /// Leaves unknown every fact of a region that neither version's decision depends on:
    /// the latest split first, each kept only if the two sides change without it.
    fn minimize(&mut self, mut region: Region) -> Region {
        let mut i = region.example.len();
        while i > 0 {
            i -= 1;
            // Past its own budget a region stays as found: correct, if not minimal.
            if self.checks >= self.limit.saturating_mul(4) {
                break;
            }
            let mut fewer = region.example.clone();
            fewer.remove(i);
            if let Some((old, new)) = self.settled(&fewer) {
                if old == region.old && new == region.new {
                    region.example = fewer;
                }
            }
        }
        let mut when: Vec<(usize, Vec<Given>)> = region
            .example
            .iter()
            .map(|(j, g)| (*j, vec![g.clone()]))
            .collect();
        when.sort_by_key(|(j, _)| *j);
        region.when = when;
        region
    }

    /// The joint fact of this name, added on first use.
    fn joint(&mut self, name: &str) -> Option<usize> {
        if let Some(i) = self.facts.iter().position(|f| f.name == name) {
            return Some(i);
        }
        let old = self.old.fact_id(name);
        let new = self.new.fact_id(name);
        let first = old
            .map(|f| self.old.fact(f))
            .or_else(|| new.map(|f| self.new.fact(f)))?;
        let thresholds = |p: &Policy, f: Option<FactId>| -> Vec<f64> {
            f.and_then(|f| p.thresholds.get(f.index()))
                .cloned()
                .unwrap_or_default()
        };
        let members = |p: &Policy, f: Option<FactId>| -> Vec<String> {
            f.map(|f| p.fact(f).ty.members().to_vec())
                .unwrap_or_default()
        };
        let kind = match &first.ty {
            Type::Bool => Kind::Bool,
            Type::Number | Type::Date => {
                // A value either version admits: one the other refuses is a difference. The
                // bounds of each version's range cut the line too, so that values one
                // version refuses make regions of their own.
                let range = |p: &Policy, f: Option<FactId>| f.map(|f| p.fact(f).range);
                let mut t = thresholds(self.old, old);
                t.extend(thresholds(self.new, new));
                for r in [range(self.old, old), range(self.new, new)]
                    .into_iter()
                    .flatten()
                {
                    t.extend(r.lo.iter().chain(r.hi.iter()).map(|(x, _)| *x));
                }
                t.sort_by(f64::total_cmp);
                t.dedup();
                let range = match (range(self.old, old), range(self.new, new)) {
                    (Some(a), Some(b)) => a.hull(&b),
                    (Some(a), None) | (None, Some(a)) => a,
                    (None, None) => Range::ALL,
                };
                let date = matches!(first.ty, Type::Date);
                let regions = eval::regions(&t, date, &range);
                if date {
                    Kind::Date(regions)
                } else {
                    Kind::Number(regions)
                }
            }
            Type::Text => {
                let mut constants: Vec<Arc<str>> = Vec::new();
                for (p, f) in [(self.old, old), (self.new, new)] {
                    for e in &p.exprs {
                        if let (Expr::TextEq { fact, value }, Some(f)) = (e, f) {
                            if *fact == f && !constants.contains(value) {
                                constants.push(value.clone());
                            }
                        }
                    }
                }
                Kind::Text(constants)
            }
            Type::Enum(_) => Kind::Enum(union(members(self.old, old), members(self.new, new))),
            Type::Set(_) => {
                let mut tested: Vec<String> = Vec::new();
                for (p, f) in [(self.old, old), (self.new, new)] {
                    let Some(f) = f else { continue };
                    let declared = p.fact(f).ty.members().to_vec();
                    for e in &p.exprs {
                        if let Expr::Contains { fact, member } = e {
                            if *fact == f {
                                if let Some(m) = declared.get(*member as usize) {
                                    if !tested.contains(m) {
                                        tested.push(m.clone());
                                    }
                                }
                            }
                        }
                    }
                }
                Kind::Set(tested)
            }
        };
        self.facts.push(JointFact {
            name: name.to_string(),
            kind,
            old,
            new,
        });
        Some(self.facts.len() - 1)
    }

    /// One version's request for the assignment: every fact unknown (defaults included)
    /// but those assigned; refused when a value does not fit the version's vocabulary.
    fn request(&self, version: Version, assignment: &[(usize, Given)]) -> Result<Request, String> {
        let policy = self.policy(version);
        let mut request = Request::empty(policy);
        for fact in &policy.facts {
            if fact.default.is_some() {
                let _ = request.unset(policy, &fact.name);
            }
        }
        for (j, given) in assignment {
            let Some(joint) = self.facts.get(*j) else {
                continue;
            };
            let Some(id) = joint.id(version) else {
                continue;
            };
            let value = convert(policy, id, given)?;
            request.assume(id, value);
        }
        Ok(request)
    }

    fn evaluate(
        &self,
        version: Version,
        assignment: &[(usize, Given)],
    ) -> (Evaluated, Option<Canon>) {
        let policy = self.policy(version);
        let request = match self.request(version, assignment) {
            Ok(r) => r,
            Err(reason) => return (Evaluated::Settled(Side::Refused(reason)), None),
        };
        // Where the evaluator's own case split would outgrow its budget, split here
        // instead: its answer would be cut short anyway.
        let open = open_facts(policy, &request);
        if open.len() > 1 && cases_of(policy, &open) > EVAL_BUDGET {
            let names = open.iter().map(|f| policy.fact(*f).name.clone()).collect();
            return (Evaluated::Depends(names), None);
        }
        let compiled = match version {
            Version::Old => &self.compiled.0,
            Version::New => &self.compiled.1,
        };
        let decision = compiled.decide(&request);
        let canon = Canon::of(policy, &decision);
        if decision.outcome == Outcome::Undetermined && !decision.depends_on.is_empty() {
            let names = decision
                .depends_on
                .iter()
                .map(|f| policy.fact(*f).name.clone())
                .collect();
            return (Evaluated::Depends(names), canon);
        }
        let cites = decision
            .cites
            .iter()
            .map(|&l| {
                let node = policy.node(policy.leaf(l).node);
                let (line, _) = policy.source.line_col(node.label_span.start as usize);
                Cited {
                    cite: node.cite.full.clone(),
                    source: format!("{}:{line}", policy.source.name()),
                }
            })
            .collect();
        let side = Side::Decided {
            outcome: decision.outcome,
            cites,
            decision: Some(crate::explain::decision_json(policy, &decision)),
        };
        (Evaluated::Settled(side), canon)
    }
}

/// The size of the evaluator's own case-split budget: past it a decision is cut short.
const EVAL_BUDGET: usize = 512;

/// The unknown facts that leave some provision (its condition, its `only if`, or an
/// obligation's condition) undecided, the evaluator's next split first.
fn open_facts(policy: &Policy, request: &Request) -> Vec<FactId> {
    let mut out: Vec<FactId> = Vec::new();
    let add = |e: crate::ir::ExprId, out: &mut Vec<FactId>| {
        if eval::eval_expr(policy, request, e) != eval::Tri::Unknown {
            return;
        }
        if let Some(f) = eval::unknown_in(policy, request, e) {
            if !out.contains(&f) {
                out.push(f);
            }
        }
        for f in crate::explain::facts_in(policy, e) {
            if request.get(f).is_none() && !out.contains(&f) {
                out.push(f);
            }
        }
    };
    for (i, leaf) in policy.leaves.iter().enumerate() {
        match eval::leaf_applies(policy, request, crate::ir::LeafId(i as u32)) {
            eval::Tri::False => {}
            eval::Tri::Unknown => {
                for c in &leaf.conjuncts {
                    add(c.expr, &mut out);
                }
            }
            eval::Tri::True => {
                if let Some((e, _)) = leaf.only_if {
                    add(e, &mut out);
                }
                for &o in &leaf.obligations {
                    if let Some(e) = policy.obligations.get(o as usize).and_then(|o| o.when) {
                        add(e, &mut out);
                    }
                }
            }
        }
    }
    out
}

/// How many cases splitting on all these facts makes (saturating).
fn cases_of(policy: &Policy, facts: &[FactId]) -> usize {
    facts.iter().fold(1usize, |n, f| {
        let k = match &policy.fact(*f).ty {
            Type::Bool | Type::Set(_) => 2,
            Type::Enum(m) => m.len().max(1),
            Type::Number | Type::Date => eval::fact_regions(policy, *f).len().max(1),
            Type::Text => 2,
        };
        n.saturating_mul(k)
    })
}

/// A side that depends on facts no longer split on (none left): undetermined.
fn settle(e: Evaluated) -> Side {
    match e {
        Evaluated::Settled(side) => side,
        Evaluated::Depends(_) => Side::Decided {
            outcome: Outcome::Undetermined,
            cites: Vec::new(),
            decision: None,
        },
    }
}

fn union(mut a: Vec<String>, b: Vec<String>) -> Vec<String> {
    for m in b {
        if !a.contains(&m) {
            a.push(m);
        }
    }
    a
}

/// A value of the enumeration in one version's terms.
fn convert(policy: &Policy, id: FactId, given: &Given) -> Result<Value, String> {
    let fact = policy.fact(id);
    let name = &fact.name;
    let mismatch = || format!("`{name}` is {} in this version", fact.ty.describe());
    match (given, &fact.ty) {
        (Given::Bool(b), Type::Bool) => Ok(Value::Bool(*b)),
        (Given::Number(_), Type::Number) | (Given::Date(_), Type::Date) => {
            let value = match given {
                Given::Date(d) => Value::Date(*d),
                Given::Number(n) => Value::Number(*n),
                _ => return Err(mismatch()),
            };
            if fact.in_range(&value) {
                Ok(value)
            } else {
                Err(format!(
                    "`{name}` must be {} in this version",
                    fact.bounds().join(" and ")
                ))
            }
        }
        (Given::Text(Some(t)), Type::Text) => Ok(Value::Text(t.clone())),
        (Given::Text(None), Type::Text) => Ok(Value::Text(Arc::from("\u{0}"))),
        (Given::Member(m), Type::Enum(members)) => members
            .iter()
            .position(|x| x == m)
            .map(|i| Value::Enum(i as u8))
            .ok_or_else(|| format!("`{name}` has no member `{m}` in this version")),
        (Given::Set(ms), Type::Set(members)) => {
            let mut bits = 0u64;
            for m in ms {
                let i = members
                    .iter()
                    .position(|x| x == m)
                    .ok_or_else(|| format!("`{name}` has no member `{m}` in this version"))?;
                bits |= 1u64 << (i as u32).min(63);
            }
            Ok(Value::Set(bits))
        }
        _ => Err(mismatch()),
    }
}

/// The most set members whose subsets are enumerated; further members stay out of the sets.
const MAX_SET_MEMBERS: usize = 6;

/// The values a fact is enumerated over.
fn values_of(kind: &Kind) -> Vec<Given> {
    match kind {
        Kind::Bool => vec![Given::Bool(true), Given::Bool(false)],
        Kind::Enum(members) => members.iter().cloned().map(Given::Member).collect(),
        Kind::Number(regions) | Kind::Date(regions) => regions
            .iter()
            .filter_map(|r| match r.value {
                Value::Number(n) => Some(Given::Number(n)),
                Value::Date(d) => Some(Given::Date(d)),
                _ => None,
            })
            .collect(),
        Kind::Text(constants) => constants
            .iter()
            .cloned()
            .map(|c| Given::Text(Some(c)))
            .chain(std::iter::once(Given::Text(None)))
            .collect(),
        Kind::Set(members) => {
            let members: Vec<&String> = members.iter().take(MAX_SET_MEMBERS).collect();
            (0u32..(1u32 << members.len()))
                .map(|bits| {
                    Given::Set(
                        members
                            .iter()
                            .enumerate()
                            .filter(|(i, _)| bits & (1 << i) != 0)
                            .map(|(_, m)| (*m).clone())
                            .collect(),
                    )
                })
                .collect()
        }
    }
}

/// Merges regions that differ in the values of one fact only, and drops a fact whose
/// values then cover all its cases, until nothing changes.
fn merge(facts: &[JointFact], mut regions: Vec<Region>) -> Vec<Region> {
    for _ in 0..8 {
        let mut changed = false;
        for (j, fact) in facts.iter().enumerate() {
            let mut merged: Vec<Region> = Vec::with_capacity(regions.len());
            for region in regions {
                let Some(at) = region.when.iter().position(|(k, _)| *k == j) else {
                    merged.push(region);
                    continue;
                };
                let rest = |r: &Region| -> Vec<(usize, Vec<Given>)> {
                    r.when.iter().filter(|(k, _)| *k != j).cloned().collect()
                };
                let target = merged.iter_mut().find(|m| {
                    m.old == region.old
                        && m.new == region.new
                        && m.when.iter().any(|(k, _)| *k == j)
                        && rest(m) == rest(&region)
                });
                match target {
                    Some(m) => {
                        if let (Some((_, into)), Some((_, from))) = (
                            m.when.iter_mut().find(|(k, _)| *k == j),
                            region.when.get(at),
                        ) {
                            for v in from {
                                if !into.contains(v) {
                                    into.push(v.clone());
                                }
                            }
                        }
                        changed = true;
                    }
                    None => merged.push(region),
                }
            }
            // A fact whose values cover every case does not matter to the region.
            let all = values_of(&fact.kind);
            for region in &mut merged {
                let before = region.when.len();
                region
                    .when
                    .retain(|(k, vs)| *k != j || !all.iter().all(|v| vs.contains(v)));
                changed |= region.when.len() != before;
            }
            regions = merged;
        }
        if !changed {
            break;
        }
    }
    regions
}

/// The conditions one fact's values make: members as one condition, number or date
/// points as one range per run of adjacent regions, other values one by one.
fn conditions(fact: &JointFact, values: &[Given]) -> Vec<Condition> {
    match &fact.kind {
        Kind::Enum(all) => {
            let members: Vec<String> = all
                .iter()
                .filter(|m| values.contains(&Given::Member((*m).clone())))
                .cloned()
                .collect();
            let others: Vec<String> = all
                .iter()
                .filter(|m| !members.contains(m))
                .cloned()
                .collect();
            vec![match members.as_slice() {
                [one] => Condition::Is(Given::Member(one.clone())),
                _ if others.len() < members.len() => Condition::NotOneOf(others),
                _ => Condition::OneOf(members),
            }]
        }
        Kind::Number(regions) | Kind::Date(regions) => {
            let date = matches!(fact.kind, Kind::Date(_));
            let chosen: Vec<bool> = regions
                .iter()
                .map(|r| {
                    values.iter().any(|v| match (v, &r.value) {
                        (Given::Number(n), Value::Number(x)) => n == x,
                        (Given::Date(d), Value::Date(x)) => d == x,
                        _ => false,
                    })
                })
                .collect();
            let mut out = Vec::new();
            let mut run: Option<(Bound, Bound)> = None;
            for (r, yes) in regions.iter().zip(chosen) {
                let (lo, hi) = (r.lo, r.hi);
                run = match (run, yes) {
                    (None, true) => Some((lo, hi)),
                    (Some((start, _)), true) => Some((start, hi)),
                    (Some((start, end)), false) => {
                        out.push(Condition::Range {
                            lo: start,
                            hi: end,
                            date,
                        });
                        None
                    }
                    (None, false) => None,
                };
            }
            if let Some((lo, hi)) = run {
                out.push(Condition::Range { lo, hi, date });
            }
            out
        }
        _ => values.iter().cloned().map(Condition::Is).collect(),
    }
}

/// A merged region as differences: one per combination of the conditions its facts make
/// (usually one).
fn differences_of(facts: &[JointFact], region: Region) -> Vec<Difference> {
    let mut whens: Vec<Vec<(String, Condition)>> = vec![Vec::new()];
    for (j, values) in &region.when {
        let Some(fact) = facts.get(*j) else { continue };
        let options = conditions(fact, values);
        whens = whens
            .into_iter()
            .flat_map(|w| {
                options.iter().map(move |c| {
                    let mut w = w.clone();
                    w.push((fact.name.clone(), c.clone()));
                    w
                })
            })
            .collect();
    }
    let example: Vec<(String, Given)> = region
        .example
        .iter()
        .filter_map(|(j, g)| facts.get(*j).map(|f| (f.name.clone(), g.clone())))
        .collect();
    let values_of_fact = |name: &str| -> &[Given] {
        region
            .when
            .iter()
            .find(|(j, _)| facts.get(*j).is_some_and(|f| f.name == name))
            .map_or(&[], |(_, vs)| vs.as_slice())
    };
    whens
        .into_iter()
        .map(|when| {
            // The example must lie in this combination: where the region's example does
            // not, take a value of the region that does.
            let mut example = example.clone();
            for (name, condition) in &when {
                if let Some((_, value)) = example.iter_mut().find(|(n, _)| n == name) {
                    if !condition.holds(value) {
                        if let Some(v) = values_of_fact(name).iter().find(|v| condition.holds(v)) {
                            *value = v.clone();
                        }
                    }
                }
            }
            Difference {
                when,
                example,
                old: region.old.clone(),
                new: region.new.clone(),
            }
        })
        .collect()
}

/// The diff as JSON: `{"old": {"file", "policy"}, "new": {…}, "differences": [{"when":
/// [{"fact", "value"}], "request", "old", "new"}], "explored", "limit", "truncated",
/// "facts"}`.
pub fn to_json(old: &Policy, new: &Policy, diff: &SemanticDiff) -> Json {
    json!({
        "old": {"file": old.source.name(), "policy": old.citation},
        "new": {"file": new.source.name(), "policy": new.citation},
        "differences": diff.differences.iter().map(|d| json!({
            "when": d.when.iter().map(|(f, c)| json!({"fact": f, "value": c.to_json()})).collect::<Vec<_>>(),
            "request": d.example_json(&new.jurisdiction),
            "old": d.old.to_json(),
            "new": d.new.to_json(),
        })).collect::<Vec<_>>(),
        "explored": diff.explored,
        "limit": diff.limit,
        "truncated": diff.truncated,
        "facts": diff.facts,
    })
}
