//! The compiled evaluation tree: names resolved to ids, types checked, spans kept for
//! explanations. Built once by the checker; immutable, `Send + Sync`.

use crate::ast::{CompareOp, EffectKind, MarkerKind, SiblingKind};
use crate::diagnostic::{Diagnostic, FileDiagnostics, Label, Related};
use crate::source::{SourceFile, Span};
use crate::statute::{StatuteText, SubsectionId};
use crate::value::Value;
use std::sync::Arc;

macro_rules! id {
    ($($(#[$doc:meta])* $name:ident;)*) => {$(
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub u32);
        impl $name {
            /// The id as an index.
            pub fn index(self) -> usize {
                self.0 as usize
            }
        }
    )*};
}

id! {
    /// A fact of a policy's vocabulary.
    FactId;
    /// A definition.
    DefId;
    /// An expression in a policy's expression arena.
    ExprId;
    /// A provision (a node of the subsection tree).
    NodeId;
    /// A deciding provision (a leaf of the subsection tree).
    LeafId;
}

/// The outcome of a question.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Outcome {
    /// must (implies may)
    Required,
    /// may
    Permitted,
    /// may not
    Prohibited,
    /// no provision in scope speaks to it
    NotAddressed,
    /// depends on facts the request does not give
    Undetermined,
    /// two provisions apply with different outcomes and nothing orders them; treat as not
    /// permitted
    Conflict,
}

impl Outcome {
    /// Every outcome, in the order above.
    pub const ALL: [Outcome; 6] = [
        Outcome::Required,
        Outcome::Permitted,
        Outcome::Prohibited,
        Outcome::NotAddressed,
        Outcome::Undetermined,
        Outcome::Conflict,
    ];

    /// The outcome's name in the decision contract.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Required => "required",
            Outcome::Permitted => "permitted",
            Outcome::Prohibited => "prohibited",
            Outcome::NotAddressed => "not_addressed",
            Outcome::Undetermined => "undetermined",
            Outcome::Conflict => "conflict",
        }
    }

    /// Parses an outcome's name.
    pub fn parse(name: &str) -> Option<Outcome> {
        Some(match name {
            "required" => Outcome::Required,
            "permitted" => Outcome::Permitted,
            "prohibited" => Outcome::Prohibited,
            "not_addressed" => Outcome::NotAddressed,
            "undetermined" => Outcome::Undetermined,
            "conflict" => Outcome::Conflict,
            _ => return None,
        })
    }

    /// Whether the outcome allows the act. Only `required` and `permitted` do: every
    /// other outcome, `conflict` and `undetermined` included, is not a permission.
    pub fn allows(self) -> bool {
        matches!(self, Outcome::Required | Outcome::Permitted)
    }
}

/// A truth value of three-valued logic.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Tri {
    /// Known false.
    False,
    /// Known true.
    True,
    /// Depends on an unknown fact.
    Unknown,
}

impl Tri {
    /// `True` or `False`.
    pub(crate) fn from_bool(b: bool) -> Tri {
        if b {
            Tri::True
        } else {
            Tri::False
        }
    }

    /// Negation: unknown stays unknown.
    pub(crate) fn not(self) -> Tri {
        match self {
            Tri::True => Tri::False,
            Tri::False => Tri::True,
            Tri::Unknown => Tri::Unknown,
        }
    }
}

/// A set of loaded, checked and compiled policies.
#[derive(Debug, Default)]
pub struct Program {
    /// The policies, in load order.
    pub policies: Vec<Arc<Policy>>,
}

impl Program {
    /// The policy for a jurisdiction.
    pub fn policy_for(&self, jurisdiction: &str) -> Option<&Arc<Policy>> {
        self.policies
            .iter()
            .find(|p| p.jurisdiction == jurisdiction)
    }
}

/// The type of a fact.
#[derive(Clone, Debug, PartialEq)]
pub enum Type {
    /// `bool`
    Bool,
    /// `number`
    Number,
    /// `date`
    Date,
    /// `text`
    Text,
    /// `a | b | c`
    Enum(Vec<String>),
    /// `set of a | b | c`
    Set(Vec<String>),
}

/// The index of an enumeration member.
pub fn member_index(members: &[String], name: &str) -> Option<u8> {
    members
        .iter()
        .position(|m| m == name)
        .and_then(|i| u8::try_from(i).ok())
}

impl Type {
    /// The type in words, for messages.
    pub fn describe(&self) -> String {
        match self {
            Type::Bool => "a boolean".to_string(),
            Type::Number => "a number".to_string(),
            Type::Date => "a date".to_string(),
            Type::Text => "a text".to_string(),
            Type::Enum(m) => format!("one of {}", list_members(m)),
            Type::Set(m) => format!("a set of {}", list_members(m)),
        }
    }

    /// The enumeration or set members, if any.
    pub fn members(&self) -> &[String] {
        match self {
            Type::Enum(m) | Type::Set(m) => m,
            _ => &[],
        }
    }
}

fn list_members(members: &[String]) -> String {
    const MAX: usize = 8;
    let shown: Vec<String> = members.iter().take(MAX).map(|m| format!("`{m}`")).collect();
    if members.len() > MAX {
        format!("{}, … ({} in all)", shown.join(", "), members.len())
    } else {
        shown.join(", ")
    }
}

/// The values a number or date fact may take, as its vocabulary declares them
/// (`number >= 0 <= 100`); dates as days. Each bound is `(value, inclusive)`.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Range {
    /// The lower bound, if any.
    pub lo: Option<(f64, bool)>,
    /// The upper bound, if any.
    pub hi: Option<(f64, bool)>,
}

impl Range {
    /// Every value: no bound declared.
    pub const ALL: Range = Range { lo: None, hi: None };

    /// Whether `x` lies within the bounds.
    pub fn contains(&self, x: f64) -> bool {
        let above = match self.lo {
            Some((lo, true)) => x >= lo,
            Some((lo, false)) => x > lo,
            None => true,
        };
        let below = match self.hi {
            Some((hi, true)) => x <= hi,
            Some((hi, false)) => x < hi,
            None => true,
        };
        above && below
    }

    /// Whether no value lies within the bounds; `whole`: only whole numbers count (dates,
    /// as days).
    pub fn is_empty(&self, whole: bool) -> bool {
        let (Some((lo, lo_in)), Some((hi, hi_in))) = (self.lo, self.hi) else {
            return false;
        };
        if whole {
            let first = if lo_in { lo.ceil() } else { lo.floor() + 1.0 };
            let last = if hi_in { hi.floor() } else { hi.ceil() - 1.0 };
            first > last
        } else {
            lo > hi || (lo == hi && !(lo_in && hi_in))
        }
    }

    /// The values a comparison `x op value` holds for (`!=` holds on both sides of a
    /// value: no one range, so every value).
    pub fn of_comparison(op: crate::ast::CompareOp, value: f64) -> Range {
        use crate::ast::CompareOp::*;
        match op {
            Lt => Range {
                lo: None,
                hi: Some((value, false)),
            },
            Le => Range {
                lo: None,
                hi: Some((value, true)),
            },
            Gt => Range {
                lo: Some((value, false)),
                hi: None,
            },
            Ge => Range {
                lo: Some((value, true)),
                hi: None,
            },
            Eq => Range {
                lo: Some((value, true)),
                hi: Some((value, true)),
            },
            Ne => Range::ALL,
        }
    }

    /// The values within both ranges.
    pub fn intersect(&self, other: &Range) -> Range {
        let tighter = |a: Option<(f64, bool)>, b: Option<(f64, bool)>, lower: bool| match (a, b) {
            (Some(x), Some(y)) if x.0 == y.0 => Some((x.0, x.1 && y.1)),
            (Some(x), Some(y)) => Some(if (x.0 > y.0) == lower { x } else { y }),
            (x, None) => x,
            (None, y) => y,
        };
        Range {
            lo: tighter(self.lo, other.lo, true),
            hi: tighter(self.hi, other.hi, false),
        }
    }

    /// Whether no bound is declared.
    pub fn is_all(&self) -> bool {
        self.lo.is_none() && self.hi.is_none()
    }

    /// The smallest range holding both (a value either one admits).
    pub fn hull(&self, other: &Range) -> Range {
        let lo = match (self.lo, other.lo) {
            (Some(a), Some(b)) => Some(if a.0 < b.0 || (a.0 == b.0 && a.1) {
                a
            } else {
                b
            }),
            _ => None,
        };
        let hi = match (self.hi, other.hi) {
            (Some(a), Some(b)) => Some(if a.0 > b.0 || (a.0 == b.0 && a.1) {
                a
            } else {
                b
            }),
            _ => None,
        };
        Range { lo, hi }
    }

    /// The bounds as written in a vocabulary, `[">= 0", "<= 100"]` (none when unbounded);
    /// `show` writes a bound's value (a number, or a date from its days).
    pub fn bounds(&self, show: impl Fn(f64) -> String) -> Vec<String> {
        let mut parts = Vec::new();
        if let Some((lo, inclusive)) = self.lo {
            parts.push(format!(
                "{} {}",
                if inclusive { ">=" } else { ">" },
                show(lo)
            ));
        }
        if let Some((hi, inclusive)) = self.hi {
            parts.push(format!(
                "{} {}",
                if inclusive { "<=" } else { "<" },
                show(hi)
            ));
        }
        parts
    }
}

/// A fact of the vocabulary.
#[derive(Clone, Debug)]
pub struct Fact {
    /// Its dotted name.
    pub name: String,
    /// Its type.
    pub ty: Type,
    /// The values it may take, for a number or a date (requests outside are refused).
    pub range: Range,
    /// The value it takes when a request does not give it.
    pub default: Option<Value>,
    /// Its one-line meaning.
    pub meaning: String,
    /// For an enumeration or a set, each member's label in plain words, if written, in the
    /// order of the members.
    pub labels: Vec<Option<String>>,
    /// Where it is declared.
    pub span: Span,
}

impl Fact {
    /// The label in plain words of a member of this enumeration or set
    /// (`investor_owned` → `an investor-owned utility`), if the vocabulary gives one.
    pub fn member_label(&self, member: &str) -> Option<&str> {
        let index = self.ty.members().iter().position(|m| m == member)?;
        self.labels.get(index)?.as_deref()
    }

    /// Whether a value lies within the fact's declared range (always, for a value that is
    /// not a number or a date).
    pub fn in_range(&self, value: &Value) -> bool {
        match value {
            Value::Number(n) => self.range.contains(*n),
            Value::Date(d) => self.range.contains(f64::from(*d)),
            _ => true,
        }
    }

    /// The declared bounds, as the vocabulary writes them: `[">= 0", "<= 100"]`.
    pub fn bounds(&self) -> Vec<String> {
        self.range.bounds(|x| self.show_bound(x))
    }

    /// A bound or threshold of this number or date fact as written: `1.5`, `2024-01-01`.
    pub fn show_bound(&self, x: f64) -> String {
        if matches!(self.ty, Type::Date) {
            crate::value::format_date(x as i32)
        } else {
            crate::value::format_number(x)
        }
    }

    /// A value of this fact, written as a request would write it.
    pub fn show(&self, value: &Value) -> String {
        match (value, &self.ty) {
            (Value::Enum(i), Type::Enum(m)) => m.get(*i as usize).cloned().unwrap_or_default(),
            (Value::Set(bits), Type::Set(m)) => {
                let names: Vec<&str> = m
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| bits & (1u64 << i) != 0)
                    .map(|(_, n)| n.as_str())
                    .collect();
                format!("[{}]", names.join(", "))
            }
            (v, _) => v.to_string(),
        }
    }

    /// The value as JSON, the way a request writes it.
    pub fn to_json(&self, value: &Value) -> serde_json::Value {
        match value {
            Value::Bool(b) => serde_json::Value::Bool(*b),
            Value::Number(n) => serde_json::Number::from_f64(*n)
                .map(serde_json::Value::Number)
                .unwrap_or(serde_json::Value::Null),
            Value::Date(d) => serde_json::Value::String(crate::value::format_date(*d)),
            Value::Text(t) => serde_json::Value::String(t.to_string()),
            Value::Enum(_) => serde_json::Value::String(self.show(value)),
            Value::Set(bits) => serde_json::Value::Array(
                self.ty
                    .members()
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| bits & (1u64 << i) != 0)
                    .map(|(_, n)| serde_json::Value::String(n.clone()))
                    .collect(),
            ),
        }
    }
}

/// A compiled condition.
#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    /// Always this value.
    Const(bool),
    /// A boolean fact.
    Bool(FactId),
    /// A definition.
    Def(DefId),
    /// An enumeration fact's value is one of the members in `mask`.
    Member {
        /// The fact.
        fact: FactId,
        /// The accepted members, as a bit set.
        mask: u64,
    },
    /// A number or date fact compared with a constant (dates as days).
    Compare {
        /// The fact.
        fact: FactId,
        /// The operator.
        op: CompareOp,
        /// The constant.
        value: f64,
    },
    /// A text fact equals a constant.
    TextEq {
        /// The fact.
        fact: FactId,
        /// The constant.
        value: Arc<str>,
    },
    /// A set fact contains a member.
    Contains {
        /// The fact.
        fact: FactId,
        /// The member's index.
        member: u8,
    },
    /// `not`
    Not(ExprId),
    /// `and`
    And(Vec<ExprId>),
    /// `or`
    Or(Vec<ExprId>),
}

impl Expr {
    /// The fact a comparison reads (none for constants, definitions and connectives).
    pub fn fact(&self) -> Option<FactId> {
        match self {
            Expr::Bool(f)
            | Expr::Member { fact: f, .. }
            | Expr::Compare { fact: f, .. }
            | Expr::TextEq { fact: f, .. }
            | Expr::Contains { fact: f, .. } => Some(*f),
            Expr::Const(_) | Expr::Def(_) | Expr::Not(_) | Expr::And(_) | Expr::Or(_) => None,
        }
    }
}

/// A citation, resolved.
#[derive(Clone, Debug, PartialEq)]
pub struct Cite {
    /// The full citation, e.g. `OAR 860-086-0030(3)(a)`.
    pub full: String,
    /// The local path segments (empty for another instrument's cite).
    pub path: Vec<String>,
    /// The subsection in the statute text, when the cite is local and found.
    pub subsection: Option<SubsectionId>,
}

/// `reading "…"`: an interpretive choice the author made where the law is ambiguous, shown
/// with every answer that relies on it.
#[derive(Clone, Debug, PartialEq)]
pub struct Reading {
    /// The reading, in words.
    pub text: String,
    /// Where it is written.
    pub span: Span,
}

/// A named derived fact.
#[derive(Clone, Debug)]
pub struct Definition {
    /// Its name.
    pub name: String,
    /// What it stands for.
    pub expr: ExprId,
    /// The definition it encodes.
    pub cite: Cite,
    /// Its meaning, if written.
    pub meaning: Option<String>,
    /// The readings it rests on.
    pub readings: Vec<Reading>,
    /// Where it is defined.
    pub span: Span,
}

/// One `when`/`unless` clause of a provision, as a conjunct of a leaf's condition.
#[derive(Clone, Debug)]
pub struct Conjunct {
    /// The condition (an `unless` is compiled negated).
    pub expr: ExprId,
    /// Where the clause is written.
    pub span: Span,
    /// The provision that states it.
    pub node: NodeId,
}

/// A provision: a node of the policy's subsection tree.
#[derive(Clone, Debug)]
pub struct Node {
    /// Its citation.
    pub cite: Cite,
    /// Its title, if written.
    pub title: Option<String>,
    /// The parent provision.
    pub parent: Option<NodeId>,
    /// Nested provisions.
    pub children: Vec<NodeId>,
    /// Its own conditions.
    pub conditions: Vec<Conjunct>,
    /// Its own effect, if stated.
    pub effect: Option<EffectKind>,
    /// The leaf, when this provision decides.
    pub leaf: Option<LeafId>,
    /// The leaves of the rules its lead-in states (`rule { … }`).
    pub rules: Vec<LeafId>,
    /// `not encoded` / `not available`, when marked so.
    pub marker: Option<(MarkerKind, String)>,
    /// The readings written in its block (those of its `rule { … }`s are the rules' own).
    pub readings: Vec<Reading>,
    /// The provision's label.
    pub label_span: Span,
    /// The whole provision.
    pub span: Span,
}

/// A deciding provision, with everything inherited from its ancestors flattened in.
#[derive(Clone, Debug)]
pub struct Leaf {
    /// Its provision.
    pub node: NodeId,
    /// Its condition: ancestors' clauses first, then its own.
    pub conjuncts: Vec<Conjunct>,
    /// Its effect.
    pub effect: EffectKind,
    /// `only if …`: the effect holds only if this does; otherwise the opposite.
    pub only_if: Option<(ExprId, Span)>,
    /// The obligations that come with it.
    pub obligations: Vec<u32>,
    /// The leaves it overrides, directly or through other exceptions, as ranges of leaf
    /// indices (`start..end`).
    pub overrides: Vec<(u32, u32)>,
    /// The provisions it names in `overrides`, directly (for explanations).
    pub direct_overrides: Vec<NodeId>,
    /// For the leaf of a `rule { … }`: the readings written in the rule.
    pub readings: Vec<Reading>,
    /// For the leaf of a `rule "…" { … }`: the sentence of the statute it encodes.
    pub sentence: Option<String>,
}

impl Leaf {
    /// Whether this leaf overrides `other`.
    pub fn overrides_leaf(&self, other: LeafId) -> bool {
        self.overrides
            .iter()
            .any(|&(start, end)| start <= other.0 && other.0 < end)
    }
}

/// A duty that comes with a decision.
#[derive(Clone, Debug)]
pub struct Obligation {
    /// The duty, in words.
    pub text: String,
    /// Its citation.
    pub cite: Cite,
    /// When it arises, beyond its provision deciding.
    pub when: Option<ExprId>,
    /// Where it is written.
    pub span: Span,
}

/// A subsection declared `not encoded` or `not available`.
#[derive(Clone, Debug)]
pub struct Marker {
    /// Which.
    pub kind: MarkerKind,
    /// The subsection.
    pub cite: Cite,
    /// Why.
    pub reason: String,
    /// Where.
    pub span: Span,
}

/// A plain phrase and what it means in the vocabulary.
#[derive(Clone, Debug)]
pub struct Term {
    /// The phrases, lowercase.
    pub phrases: Vec<String>,
    /// What they mean; `None` when the words name the policy itself.
    pub meaning: Option<ExprId>,
    /// Where it is written.
    pub span: Span,
}

/// A policy test.
#[derive(Clone, Debug)]
pub struct Test {
    /// Its name.
    pub name: String,
    /// The facts it gives: the background's it does not give itself, then its own, each in
    /// the order written; every other fact is unknown or takes its default.
    pub givens: Vec<(FactId, Value)>,
    /// The expected outcome.
    pub outcome: Outcome,
    /// The expected cites (full), if stated.
    pub cites: Option<Vec<String>>,
    /// The expected obligations' cites (full), if stated.
    pub obligations: Option<Vec<String>>,
    /// The expected facts the outcome depends on, if stated.
    pub depends_on: Option<Vec<String>>,
    /// The golden explanation file (relative to the policy file), if any.
    pub explanation: Option<String>,
    /// Where the test is written.
    pub span: Span,
    /// Where its expectation is written.
    pub expect_span: Span,
}

/// A sibling file a policy's terms or tests are written in (`NAME.terms.juris`,
/// `NAME.tests.juris`).
///
/// The spans the IR keeps for what is written there (a term, its meaning's expressions, a
/// test) are counted from `base`, past the policy file's own, so that a span says which
/// file it is in; [`Policy::locate`] turns one back into the file and the span within it.
#[derive(Clone, Debug)]
pub struct Sibling {
    /// Which part of the policy it holds.
    pub kind: SiblingKind,
    /// The file.
    pub source: SourceFile,
    /// Where its spans start among the policy's.
    pub base: u32,
}

/// A statute text loaded beside a policy.
#[derive(Clone, Debug)]
pub struct Statute {
    /// The instrument's citation prefix.
    pub citation: String,
    /// The file.
    pub source: SourceFile,
    /// Its numbered subsections.
    pub text: StatuteText,
}

/// One compiled policy.
#[derive(Debug)]
pub struct Policy {
    /// The citation prefix, e.g. `OAR 860-086-0030`.
    pub citation: String,
    /// The title.
    pub title: String,
    /// The jurisdiction requests name to select it.
    pub jurisdiction: String,
    /// When the encoded text took effect.
    pub effective: Option<String>,
    /// The date the text is current through.
    pub current_through: Option<String>,
    /// The policy file.
    pub source: SourceFile,
    /// The sibling files its terms or tests are written in, if any, in order of `base`.
    pub siblings: Vec<Sibling>,
    /// The statute text it encodes.
    pub statute: Statute,
    /// Other instruments it cites, with their texts.
    pub references: Vec<Statute>,
    /// The vocabulary.
    pub facts: Vec<Fact>,
    /// Facts by name.
    pub fact_index: rustc_hash::FxHashMap<String, FactId>,
    /// Every proper prefix of a dotted fact name (`customer` for `customer.usage_amw`):
    /// the keys of a request that hold an object of facts.
    pub fact_groups: rustc_hash::FxHashSet<String>,
    /// Definitions.
    pub definitions: Vec<Definition>,
    /// The expression arena.
    pub exprs: Vec<Expr>,
    /// Each expression's span.
    pub expr_spans: Vec<Span>,
    /// Provisions, in source order (parents before children).
    pub nodes: Vec<Node>,
    /// Deciding provisions, in source order.
    pub leaves: Vec<Leaf>,
    /// Obligations.
    pub obligations: Vec<Obligation>,
    /// Markers.
    pub markers: Vec<Marker>,
    /// Plain-language terms.
    pub terms: Vec<Term>,
    /// Tests.
    pub tests: Vec<Test>,
    /// The tests' background: the facts every test starts from (a test's own given for the
    /// same fact replaces the background's).
    pub background: Vec<(FactId, Value)>,
    /// Per fact, the constants numbers and dates are compared with (sorted), so that an
    /// unknown number can be split into the cases that matter.
    pub thresholds: Vec<Vec<f64>>,
}

impl Policy {
    /// An expression.
    pub fn expr(&self, id: ExprId) -> &Expr {
        static FALSE: Expr = Expr::Const(false);
        self.exprs.get(id.index()).unwrap_or(&FALSE)
    }

    /// An expression's span.
    pub fn expr_span(&self, id: ExprId) -> Span {
        self.expr_spans.get(id.index()).copied().unwrap_or_default()
    }

    /// The file a span of this policy's IR is in (the policy file or a sibling), and the
    /// span within that file.
    pub fn locate(&self, span: Span) -> (&SourceFile, Span) {
        match self.siblings.iter().rev().find(|s| s.base <= span.start) {
            Some(s) => (
                &s.source,
                Span {
                    start: span.start - s.base,
                    end: span.end.saturating_sub(s.base),
                },
            ),
            None => (&self.source, span),
        }
    }

    /// The file the tests are written in: the tests' sibling file, if the policy has one,
    /// else the policy file.
    pub fn tests_file(&self) -> &SourceFile {
        self.siblings
            .iter()
            .find(|s| s.kind == SiblingKind::Tests)
            .map_or(&self.source, |s| &s.source)
    }

    /// The text a span of this policy's IR covers, in whichever file it is.
    pub fn slice(&self, span: Span) -> &str {
        let (source, span) = self.locate(span);
        source.slice(span)
    }

    /// Findings whose spans are this policy's IR spans, grouped by the file they point
    /// into, the policy file first: each in the file of its primary label, its other
    /// labels in that file kept, those in another file turned into notes on that file.
    pub fn file_diagnostics(&self, diagnostics: Vec<Diagnostic>) -> Vec<FileDiagnostics> {
        let mut files: Vec<FileDiagnostics> = Vec::new();
        for mut d in diagnostics {
            let (source, _) = self.locate(d.span());
            let name = source.name().to_string();
            let mut labels = Vec::with_capacity(d.labels.len());
            for label in std::mem::take(&mut d.labels) {
                let (other, span) = self.locate(label.span);
                if other.name() == name {
                    labels.push(Label { span, ..label });
                } else {
                    d.related.push(Related {
                        source: other.clone(),
                        message: format!("in `{}`", other.name()),
                        label: Some(Label { span, ..label }),
                    });
                }
            }
            d.labels = labels;
            match files.iter_mut().find(|f| f.source.name() == name) {
                Some(file) => file.diagnostics.push(d),
                None => files.push(FileDiagnostics {
                    source: source.clone(),
                    diagnostics: vec![d],
                }),
            }
        }
        files.sort_by_key(|f| self.file_rank(&f.source));
        files
    }

    /// The place of a file among the policy's: the policy file, then its siblings.
    fn file_rank(&self, source: &SourceFile) -> usize {
        self.siblings
            .iter()
            .position(|s| s.source.name() == source.name())
            .map_or(0, |i| i + 1)
    }

    /// The label in plain words of a member of an enumeration or set fact, if the
    /// vocabulary gives one (`utility.kind`, `investor_owned` → `an investor-owned
    /// utility`).
    pub fn member_label(&self, fact: FactId, member: &str) -> Option<&str> {
        self.facts.get(fact.index())?.member_label(member)
    }

    /// A fact.
    pub fn fact(&self, id: FactId) -> &Fact {
        &self.facts[id.index().min(self.facts.len().saturating_sub(1))]
    }

    /// A provision.
    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id.index().min(self.nodes.len().saturating_sub(1))]
    }

    /// A deciding provision.
    pub fn leaf(&self, id: LeafId) -> &Leaf {
        &self.leaves[id.index().min(self.leaves.len().saturating_sub(1))]
    }

    /// The texts the policy compares a text fact with, each once, in order of appearance
    /// (a case split tries each of them and one text equal to none).
    pub fn text_constants(&self, fact: FactId) -> Vec<Arc<str>> {
        let mut constants: Vec<Arc<str>> = Vec::new();
        for e in &self.exprs {
            if let Expr::TextEq { fact: f, value } = e {
                if *f == fact && !constants.contains(value) {
                    constants.push(value.clone());
                }
            }
        }
        constants
    }

    /// The facts a condition reads (through definitions too), each once, in order.
    pub fn facts_in(&self, e: ExprId) -> Vec<FactId> {
        let mut out = Vec::new();
        self.walk(e, |expr| {
            if let Some(f) = expr.fact() {
                if !out.contains(&f) {
                    out.push(f);
                }
            }
        });
        out
    }

    /// The definitions a condition reads, directly or through other definitions, each once,
    /// appended to `out`.
    pub fn definitions_read(&self, e: ExprId, out: &mut Vec<DefId>) {
        self.walk(e, |expr| {
            if let Expr::Def(d) = expr {
                if !out.contains(d) {
                    out.push(*d);
                }
            }
        });
    }

    /// Calls `visit` on each part of a condition in source order, opening each definition
    /// it reads once (however often it is read, so that definitions that read each other
    /// twice over cost their size once). Iterative: a long chain cannot exhaust the stack.
    fn walk<'p>(&'p self, e: ExprId, mut visit: impl FnMut(&'p Expr)) {
        let mut opened = std::collections::HashSet::new();
        let mut stack = vec![e];
        while let Some(e) = stack.pop() {
            let expr = self.expr(e);
            visit(expr);
            match expr {
                Expr::Def(d) if opened.insert(*d) => {
                    if let Some(def) = self.definitions.get(d.index()) {
                        stack.push(def.expr);
                    }
                }
                Expr::Not(x) => stack.push(*x),
                Expr::And(xs) | Expr::Or(xs) => stack.extend(xs.iter().rev()),
                _ => {}
            }
        }
    }

    /// A fact by name.
    pub fn fact_id(&self, name: &str) -> Option<FactId> {
        self.fact_index.get(name).copied()
    }

    /// Whether `name` is a proper prefix of dotted fact names (a request gives their
    /// values in an object under it).
    pub fn is_fact_group(&self, name: &str) -> bool {
        self.fact_groups.contains(name)
    }

    /// The full citation of a local path.
    pub fn cite_string(&self, path: &[String]) -> String {
        full_cite(&self.citation, path)
    }

    /// The statute sentence a cite encodes, with its ancestors' lead-in, if found.
    pub fn quote(&self, cite: &Cite) -> Option<&str> {
        cite.subsection.map(|s| self.statute.text.quote(s))
    }
}

/// Joins a citation prefix and a local path: `OAR 860-086-0030` + `(3)(a)` →
/// `OAR 860-086-0030(3)(a)`; `17 O.S. §` + `710.6(B)(5)` → `17 O.S. § 710.6(B)(5)`.
pub fn full_cite(prefix: &str, path: &[String]) -> String {
    let local = StatuteText::display_path(path);
    if local.starts_with('(') || local.is_empty() {
        format!("{prefix}{local}")
    } else {
        format!("{prefix} {local}")
    }
}
