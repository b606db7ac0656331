//! Coverage: how much of the statute a policy encodes, and how much of the policy its tests
//! exercise.
//!
//! Each numbered subsection of the statute text gets the first status that holds:
//! `encoded` (cited by a provision, definition or obligation); `not encoded` / `not
//! available` (marked so, itself or an ancestor); `covered by a provision` (its nearest
//! cited ancestor is a provision that decides as a whole); else `missing`. A parent is
//! covered only by what speaks of the parent itself, not by its children. This is the rule
//! `L003 coverage-gap` uses ([`subsections`]), so the two never disagree. Markers for text
//! the statute file lacks are listed apart and not counted.
//!
//! A deciding provision is `exercised` when a test's decision (or one case of it) cites it.
//! Every `reading "…"` is listed with the provision or definition that states it.

use crate::ast::{EffectKind, MarkerKind};
use crate::eval;
use crate::ir::{LeafId, NodeId, Policy};
use crate::statute::{StatuteText, SubsectionId};
use serde_json::{json, Value as Json};

/// What encodes a subsection.
#[derive(Clone, Debug, PartialEq)]
pub enum EncodedBy {
    /// A provision (its full cite).
    Provision(String),
    /// A definition (its name).
    Definition(String),
    /// An obligation (its text).
    Obligation(String),
}

/// A cited thing and the policy line it is written on.
#[derive(Clone, Debug, PartialEq)]
pub struct Encoding {
    /// What encodes it.
    pub by: EncodedBy,
    /// `file:line` in the policy.
    pub source: String,
}

/// The status of one subsection of the statute text.
#[derive(Clone, Debug, PartialEq)]
pub enum Status {
    /// Cited by provisions, definitions or obligations.
    Encoded(Vec<Encoding>),
    /// Marked `not encoded` (itself or an ancestor), with the reason and where.
    NotEncoded {
        /// Why.
        reason: String,
        /// `file:line` of the marker.
        source: String,
        /// The marked ancestor's cite, when the marker is on an ancestor.
        under: Option<String>,
    },
    /// Marked `not available` (itself or an ancestor), with the reason and where.
    NotAvailable {
        /// Why.
        reason: String,
        /// `file:line` of the marker.
        source: String,
        /// The marked ancestor's cite, when the marker is on an ancestor.
        under: Option<String>,
    },
    /// An ancestor is encoded by a provision that decides as a whole (its full cite).
    CoveredByProvision(String),
    /// Nothing encodes or marks it.
    Missing,
}

impl Status {
    /// The status's name in the JSON report.
    pub fn as_str(&self) -> &'static str {
        match self {
            Status::Encoded(_) => "encoded",
            Status::NotEncoded { .. } => "not_encoded",
            Status::NotAvailable { .. } => "not_available",
            Status::CoveredByProvision(_) => "covered_by_provision",
            Status::Missing => "missing",
        }
    }

    /// Whether the subsection counts as encoded or marked.
    pub fn is_covered(&self) -> bool {
        !matches!(self, Status::Missing)
    }
}

/// One subsection of the statute text and its status.
#[derive(Clone, Debug, PartialEq)]
pub struct SubsectionCoverage {
    /// The subsection.
    pub id: SubsectionId,
    /// Its full citation.
    pub cite: String,
    /// Its local path as written in a policy, `(3)(a)`.
    pub path: String,
    /// How deep it is (0 for a top-level unit).
    pub depth: usize,
    /// Its line in the statute text.
    pub line: usize,
    /// The start of what it says, for gaps.
    pub text: String,
    /// Its status.
    pub status: Status,
}

/// A marker for a part of the instrument that is not in the statute text.
#[derive(Clone, Debug, PartialEq)]
pub struct OutsideText {
    /// The full citation.
    pub cite: String,
    /// `not encoded` or `not available`.
    pub kind: MarkerKind,
    /// Why.
    pub reason: String,
    /// `file:line` of the marker.
    pub source: String,
}

/// One deciding provision and the tests that exercise it.
#[derive(Clone, Debug, PartialEq)]
pub struct ProvisionCoverage {
    /// The leaf.
    pub leaf: LeafId,
    /// Its full citation.
    pub cite: String,
    /// For a `rule { … }` of a provision that states several: its number, from 1.
    pub rule: Option<usize>,
    /// Its effect.
    pub effect: EffectKind,
    /// `file:line` where it is written.
    pub source: String,
    /// The names of the tests that exercise it.
    pub tests: Vec<String>,
}

/// What states a reading.
#[derive(Clone, Debug, PartialEq)]
pub enum ReadingOn {
    /// A provision (or one of its `rule { … }`s).
    Provision,
    /// A definition (its name).
    Definition(String),
}

/// One `reading "…"` of the policy.
#[derive(Clone, Debug, PartialEq)]
pub struct ReadingCoverage {
    /// The full cite of the provision or definition that states it.
    pub cite: String,
    /// What states it.
    pub on: ReadingOn,
    /// The reading, in words.
    pub text: String,
    /// `file:line` where it is written.
    pub source: String,
}

/// Counts of subsections by status.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    /// All subsections of the text.
    pub subsections: usize,
    /// Cited.
    pub encoded: usize,
    /// Marked `not encoded`.
    pub not_encoded: usize,
    /// Marked `not available`.
    pub not_available: usize,
    /// Covered by a provision that decides as a whole.
    pub covered_by_provision: usize,
    /// Gaps.
    pub missing: usize,
}

impl Totals {
    /// Subsections encoded or marked (everything but the gaps).
    pub fn covered(&self) -> usize {
        self.subsections.saturating_sub(self.missing)
    }
}

/// The coverage of one policy.
#[derive(Clone, Debug, PartialEq)]
pub struct Coverage {
    /// The policy's citation.
    pub policy: String,
    /// The policy file.
    pub file: String,
    /// The statute text file.
    pub statute: String,
    /// Every subsection of the statute text, in document order.
    pub subsections: Vec<SubsectionCoverage>,
    /// Markers for parts not in the text.
    pub outside_text: Vec<OutsideText>,
    /// Every deciding provision, in source order.
    pub provisions: Vec<ProvisionCoverage>,
    /// Every reading, in source order.
    pub readings: Vec<ReadingCoverage>,
}

impl Coverage {
    /// The subsections by status.
    pub fn totals(&self) -> Totals {
        let mut t = Totals {
            subsections: self.subsections.len(),
            ..Totals::default()
        };
        for s in &self.subsections {
            match s.status {
                Status::Encoded(_) => t.encoded += 1,
                Status::NotEncoded { .. } => t.not_encoded += 1,
                Status::NotAvailable { .. } => t.not_available += 1,
                Status::CoveredByProvision(_) => t.covered_by_provision += 1,
                Status::Missing => t.missing += 1,
            }
        }
        t
    }

    /// How many deciding provisions the tests exercise.
    pub fn exercised(&self) -> usize {
        self.provisions
            .iter()
            .filter(|p| !p.tests.is_empty())
            .count()
    }

    /// Whether encoded-or-marked coverage of the statute reaches `min` percent.
    pub fn statute_meets(&self, min: f64) -> bool {
        let t = self.totals();
        meets(t.covered(), t.subsections, min)
    }

    /// Whether the share of provisions exercised by tests reaches `min` percent.
    pub fn tests_meet(&self, min: f64) -> bool {
        meets(self.exercised(), self.provisions.len(), min)
    }

    /// Encoded-or-marked coverage of the statute, in percent.
    pub fn statute_percent(&self) -> f64 {
        let t = self.totals();
        percent(t.covered(), t.subsections)
    }

    /// Provisions exercised by tests, in percent.
    pub fn tests_percent(&self) -> f64 {
        percent(self.exercised(), self.provisions.len())
    }

    /// How many readings provisions state, and how many definitions.
    pub fn reading_counts(&self) -> (usize, usize) {
        let on_provisions = self
            .readings
            .iter()
            .filter(|r| r.on == ReadingOn::Provision)
            .count();
        (on_provisions, self.readings.len() - on_provisions)
    }
}

/// `part` of `whole` in percent, rounded down to a tenth (so that 99.96 % never shows as
/// 100 %); 100 when there is nothing to cover.
pub fn percent(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        return 100.0;
    }
    let tenths = (part as u128 * 1000) / whole as u128;
    tenths as f64 / 10.0
}

/// Whether `part` of `whole` is at least `min` percent, exactly.
fn meets(part: usize, whole: usize, min: f64) -> bool {
    if whole == 0 {
        return true;
    }
    part as f64 * 100.0 >= min * whole as f64
}

/// Computes the coverage of a policy: its statute text and its own tests.
pub fn coverage(policy: &Policy) -> Coverage {
    Coverage {
        policy: policy.citation.clone(),
        file: policy.source.name().to_string(),
        statute: policy.statute.source.name().to_string(),
        subsections: subsections(policy),
        outside_text: outside_text(policy),
        provisions: provisions(policy),
        readings: readings(policy),
    }
}

fn readings(policy: &Policy) -> Vec<ReadingCoverage> {
    let mut out: Vec<(u32, ReadingCoverage)> = Vec::new();
    let mut add = |cite: &str, on: ReadingOn, r: &crate::ir::Reading| {
        out.push((
            r.span.start,
            ReadingCoverage {
                cite: cite.to_string(),
                on,
                text: r.text.clone(),
                source: source_of(policy, r.span.start),
            },
        ));
    };
    for node in &policy.nodes {
        for r in &node.readings {
            add(&node.cite.full, ReadingOn::Provision, r);
        }
    }
    for leaf in &policy.leaves {
        for r in &leaf.readings {
            add(&policy.node(leaf.node).cite.full, ReadingOn::Provision, r);
        }
    }
    for def in &policy.definitions {
        for r in &def.readings {
            add(&def.cite.full, ReadingOn::Definition(def.name.clone()), r);
        }
    }
    out.sort_by_key(|(at, _)| *at);
    out.into_iter().map(|(_, r)| r).collect()
}

fn source_of(policy: &Policy, offset: u32) -> String {
    let (line, _) = policy.source.line_col(offset as usize);
    format!("{}:{line}", policy.source.name())
}

/// Whether a provision decides as a whole: it encodes no nested subsection, so its
/// conditions (or its `rule { … }`s) stand for the whole of its text.
fn decides_whole(policy: &Policy, node: NodeId) -> bool {
    let n = policy.node(node);
    n.marker.is_none() && n.children.is_empty()
}

/// What covers the subsections beneath one.
#[derive(Clone)]
enum Cover {
    /// A provision that decides as a whole.
    Provision(String),
    /// A marker (its status) on the subsection with this cite.
    Marker(Status, String),
}

/// Every subsection of the statute text with its status: the one computation behind this
/// report and `juris lint`'s `L003 coverage-gap`.
pub(crate) fn subsections(policy: &Policy) -> Vec<SubsectionCoverage> {
    let text: &StatuteText = &policy.statute.text;
    let count = text.iter().count();
    let mut encodings: Vec<Vec<Encoding>> = vec![Vec::new(); count];
    let mut whole: Vec<Option<String>> = vec![None; count];
    let mut marked: Vec<Option<Status>> = vec![None; count];
    let slot = |id: Option<SubsectionId>| id.map(|s| s.0 as usize).filter(|&i| i < count);
    for (i, node) in policy.nodes.iter().enumerate() {
        if node.marker.is_some() {
            continue;
        }
        if let Some(s) = slot(node.cite.subsection) {
            encodings[s].push(Encoding {
                by: EncodedBy::Provision(node.cite.full.clone()),
                source: source_of(policy, node.label_span.start),
            });
            if decides_whole(policy, NodeId(i as u32)) {
                whole[s] = Some(node.cite.full.clone());
            }
        }
    }
    for def in &policy.definitions {
        if let Some(s) = slot(def.cite.subsection) {
            encodings[s].push(Encoding {
                by: EncodedBy::Definition(def.name.clone()),
                source: source_of(policy, def.span.start),
            });
        }
    }
    for ob in &policy.obligations {
        if let Some(s) = slot(ob.cite.subsection) {
            // An obligation that cites its own provision adds nothing to the provision.
            let by_provision = encodings[s]
                .iter()
                .any(|e| matches!(&e.by, EncodedBy::Provision(c) if *c == ob.cite.full));
            if !by_provision {
                encodings[s].push(Encoding {
                    by: EncodedBy::Obligation(ob.text.clone()),
                    source: source_of(policy, ob.span.start),
                });
            }
        }
    }
    for m in &policy.markers {
        if let Some(s) = slot(m.cite.subsection) {
            let source = source_of(policy, m.span.start);
            let reason = m.reason.clone();
            marked[s] = Some(match m.kind {
                MarkerKind::NotEncoded => Status::NotEncoded {
                    reason,
                    source,
                    under: None,
                },
                MarkerKind::NotAvailable => Status::NotAvailable {
                    reason,
                    source,
                    under: None,
                },
            });
        }
    }
    // Document order has parents before children: what covers a subsection's descendants
    // is its own marker or whole provision, else what covers it.
    let subs: Vec<(SubsectionId, &crate::statute::Subsection)> = text.iter().collect();
    let mut beneath: Vec<Option<Cover>> = vec![None; count];
    let mut out = Vec::with_capacity(count);
    for (id, sub) in &subs {
        let i = id.0 as usize;
        let inherited = slot(sub.parent).and_then(|p| beneath[p].clone());
        let cite = policy.cite_string(&sub.path);
        let status = if !encodings[i].is_empty() {
            Status::Encoded(std::mem::take(&mut encodings[i]))
        } else if let Some(m) = marked[i].clone() {
            m
        } else {
            match &inherited {
                Some(Cover::Provision(by)) => Status::CoveredByProvision(by.clone()),
                Some(Cover::Marker(status, at)) => match status.clone() {
                    Status::NotEncoded { reason, source, .. } => Status::NotEncoded {
                        reason,
                        source,
                        under: Some(at.clone()),
                    },
                    Status::NotAvailable { reason, source, .. } => Status::NotAvailable {
                        reason,
                        source,
                        under: Some(at.clone()),
                    },
                    other => other,
                },
                None => Status::Missing,
            }
        };
        beneath[i] = match (&marked[i], &whole[i]) {
            (Some(m), _) => Some(Cover::Marker(m.clone(), cite.clone())),
            (None, Some(by)) => Some(Cover::Provision(by.clone())),
            (None, None) => inherited,
        };
        // A subsection without any text is left out unless the policy speaks of it.
        let spoken_of = matches!(status, Status::Encoded(_)) || marked[i].is_some();
        if !text.has_text(*id) && !spoken_of {
            continue;
        }
        out.push(SubsectionCoverage {
            id: *id,
            cite,
            path: StatuteText::display_path(&sub.path),
            depth: sub.path.len().saturating_sub(1),
            line: sub.line,
            text: text.sentence(*id),
            status,
        });
    }
    out
}

fn outside_text(policy: &Policy) -> Vec<OutsideText> {
    policy
        .markers
        .iter()
        .filter(|m| m.cite.subsection.is_none())
        .map(|m| OutsideText {
            cite: m.cite.full.clone(),
            kind: m.kind,
            reason: m.reason.clone(),
            source: source_of(policy, m.span.start),
        })
        .collect()
}

fn provisions(policy: &Policy) -> Vec<ProvisionCoverage> {
    let mut exercised: Vec<Vec<String>> = vec![Vec::new(); policy.leaves.len()];
    let compiled = eval::Compiled::new(policy);
    for test in &policy.tests {
        let decision = compiled.decide(&test.request(policy));
        let cited = decision
            .cites
            .iter()
            .chain(decision.cases.iter().flat_map(|c| c.cites.iter()));
        for leaf in cited {
            if let Some(names) = exercised.get_mut(leaf.index()) {
                if !names.contains(&test.name) {
                    names.push(test.name.clone());
                }
            }
        }
    }
    policy
        .leaves
        .iter()
        .enumerate()
        .map(|(i, leaf)| {
            let id = LeafId(i as u32);
            let node = policy.node(leaf.node);
            let rule = node.rules.iter().position(|r| *r == id);
            // A rule is shown at its first own clause; a provision at its label.
            let inherited: usize = ancestry(policy, leaf.node)
                .map(|n| policy.node(n).conditions.len())
                .sum();
            let at = match rule {
                Some(_) => leaf
                    .conjuncts
                    .get(inherited)
                    .map_or(node.label_span.start, |c| c.span.start),
                None => node.label_span.start,
            };
            ProvisionCoverage {
                leaf: id,
                cite: node.cite.full.clone(),
                rule: rule.filter(|_| node.rules.len() > 1).map(|r| r + 1),
                effect: leaf.effect,
                source: source_of(policy, at),
                tests: std::mem::take(&mut exercised[i]),
            }
        })
        .collect()
}

/// A provision and its ancestors.
fn ancestry(policy: &Policy, node: NodeId) -> impl Iterator<Item = NodeId> + '_ {
    let mut next = Some(node);
    let mut steps = 0usize;
    std::iter::from_fn(move || {
        let current = next?;
        steps += 1;
        next = policy
            .node(current)
            .parent
            .filter(|_| steps <= policy.nodes.len());
        Some(current)
    })
}

fn encoding_json(e: &Encoding) -> Json {
    match &e.by {
        EncodedBy::Provision(cite) => json!({"provision": cite, "source": e.source}),
        EncodedBy::Definition(name) => json!({"definition": name, "source": e.source}),
        EncodedBy::Obligation(text) => json!({"obligation": text, "source": e.source}),
    }
}

fn marker_kind(kind: MarkerKind) -> &'static str {
    match kind {
        MarkerKind::NotEncoded => "not_encoded",
        MarkerKind::NotAvailable => "not_available",
    }
}

/// The coverage as an lcov tracefile, for the coverage dashboards that read one: two
/// records per policy, named by `TN:` (the policy's citation).
///
/// - The statute text (`SF:` its file): a line per subsection, at its line in the text, hit
///   once per provision, definition or obligation that encodes it, once when it is marked
///   (`not encoded`, `not available`) or covered by a provision that decides as a whole —
///   the rule `--min` counts by — and 0 when it is missing.
/// - The policy (`SF:` its file): a line per deciding provision (each rule of one), at the
///   line it is written on, hit once per test that exercises it — the rule of
///   `--min-tests`.
pub fn to_lcov(c: &Coverage) -> String {
    let mut out = String::new();
    let mut record = |file: &str, lines: &mut Vec<(usize, usize)>| {
        // One count per line: a line that starts two subsections (`(3)(a)`) counts as
        // hit only when both are (the smaller count).
        lines.sort_unstable();
        let mut merged: Vec<(usize, usize)> = Vec::with_capacity(lines.len());
        for &(line, hits) in lines.iter() {
            match merged.last_mut() {
                Some((l, h)) if *l == line => *h = (*h).min(hits),
                _ => merged.push((line, hits)),
            }
        }
        out.push_str(&format!("TN:{}\nSF:{file}\n", lcov_name(&c.policy)));
        for (line, hits) in &merged {
            out.push_str(&format!("DA:{line},{hits}\n"));
        }
        let hit = merged.iter().filter(|(_, h)| *h > 0).count();
        out.push_str(&format!("LH:{hit}\nLF:{}\nend_of_record\n", merged.len()));
    };
    let mut statute: Vec<(usize, usize)> = c
        .subsections
        .iter()
        .map(|s| {
            let hits = match &s.status {
                Status::Encoded(by) => by.len().max(1),
                Status::Missing => 0,
                _ => 1,
            };
            (s.line, hits)
        })
        .collect();
    record(&c.statute, &mut statute);
    let mut provisions: Vec<(usize, usize)> = c
        .provisions
        .iter()
        .filter_map(|p| {
            let line = line_of(&p.source).parse().ok()?;
            Some((line, p.tests.len()))
        })
        .collect();
    record(&c.file, &mut provisions);
    out
}

/// The line number of a `file:line` (a `source` of this report).
pub fn line_of(source: &str) -> &str {
    source.rsplit(':').next().unwrap_or(source)
}

/// A test name for lcov's `TN:` line: letters, digits and `_` only.
fn lcov_name(citation: &str) -> String {
    citation
        .chars()
        .map(|ch| if ch.is_ascii_alphanumeric() { ch } else { '_' })
        .collect()
}

/// The coverage of one policy as JSON.
///
/// `{"policy", "file", "statute", "subsections": [{"cite", "path", "line", "status", …}],
/// "outside_text": […], "statute_coverage": {counts…, "percent"}, "provisions": [{"cite",
/// "rule", "effect", "source", "tests"}], "test_coverage": {"provisions", "exercised",
/// "percent"}, "readings": [{"cite", "on", "text", "source"}], "reading_counts":
/// {"readings", "provisions", "definitions"}}`: a reading is `"on": "provision"` or
/// `"on": "definition"`, the latter with `"definition"`, its name. A subsection's `status` is `encoded` (with `by`: what cites it),
/// `not_encoded` / `not_available` (with `reason` and `source`), `covered_by_provision`
/// (with `by`) or `missing` (with `text`, what it says); a marker on an ancestor adds
/// `under` (the ancestor's cite).
pub fn to_json(c: &Coverage) -> Json {
    let subsections: Vec<Json> = c
        .subsections
        .iter()
        .map(|s| {
            let mut v = json!({"cite": s.cite, "path": s.path, "line": s.line, "status": s.status.as_str()});
            if let Some(map) = v.as_object_mut() {
                match &s.status {
                    Status::Encoded(by) => {
                        map.insert("by".into(), Json::Array(by.iter().map(encoding_json).collect()));
                    }
                    Status::NotEncoded { reason, source, under }
                    | Status::NotAvailable { reason, source, under } => {
                        map.insert("reason".into(), json!(reason));
                        map.insert("source".into(), json!(source));
                        if let Some(under) = under {
                            map.insert("under".into(), json!(under));
                        }
                    }
                    Status::CoveredByProvision(by) => {
                        map.insert("by".into(), json!(by));
                    }
                    Status::Missing => {
                        map.insert("text".into(), json!(s.text));
                    }
                }
            }
            v
        })
        .collect();
    let t = c.totals();
    json!({
        "policy": c.policy,
        "file": c.file,
        "statute": c.statute,
        "subsections": subsections,
        "outside_text": c.outside_text.iter().map(|o| json!({
            "cite": o.cite, "status": marker_kind(o.kind), "reason": o.reason, "source": o.source,
        })).collect::<Vec<_>>(),
        "statute_coverage": {
            "subsections": t.subsections,
            "encoded": t.encoded,
            "not_encoded": t.not_encoded,
            "not_available": t.not_available,
            "covered_by_provision": t.covered_by_provision,
            "missing": t.missing,
            "percent": c.statute_percent(),
        },
        "provisions": c.provisions.iter().map(|p| json!({
            "cite": p.cite,
            "rule": p.rule,
            "effect": crate::explain::effect_name(p.effect),
            "source": p.source,
            "tests": p.tests,
        })).collect::<Vec<_>>(),
        "test_coverage": {
            "provisions": c.provisions.len(),
            "exercised": c.exercised(),
            "percent": c.tests_percent(),
        },
        "readings": c.readings.iter().map(|r| {
            match &r.on {
                ReadingOn::Provision => json!({
                    "cite": r.cite, "on": "provision", "text": r.text, "source": r.source,
                }),
                ReadingOn::Definition(name) => json!({
                    "cite": r.cite, "on": "definition", "definition": name, "text": r.text,
                    "source": r.source,
                }),
            }
        }).collect::<Vec<_>>(),
        "reading_counts": {
            "readings": c.readings.len(),
            "provisions": c.reading_counts().0,
            "definitions": c.reading_counts().1,
        },
    })
}
