//! The syntax tree: exactly what the author wrote, every node with its span.
//!
//! Names are not resolved here; the checker turns a [`File`] into the IR.

use crate::source::Span;

/// A name or a string as written, with its span.
#[derive(Clone, Debug, PartialEq)]
pub struct Spanned<T> {
    /// The value.
    pub value: T,
    /// Where it was written.
    pub span: Span,
}

impl<T> Spanned<T> {
    /// A value with its span.
    pub fn new(value: T, span: Span) -> Self {
        Spanned { value, span }
    }
}

/// A whole policy file.
#[derive(Clone, Debug, PartialEq)]
pub struct File {
    /// `policy "…" { … }`
    pub header: Header,
    /// The items after the header, in source order.
    pub items: Vec<Item>,
}

/// A sibling file of a policy, beside `NAME.juris`: `NAME.terms.juris` holds its terms,
/// `NAME.tests.juris` its tests and their background.
#[derive(Clone, Debug, PartialEq)]
pub struct Sibling {
    /// Which sibling it is.
    pub kind: SiblingKind,
    /// Its items, in source order: `terms` in a terms file; `background` and `test`s in a
    /// tests file.
    pub items: Vec<Item>,
}

/// Which part of a policy a sibling file holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SiblingKind {
    /// `NAME.terms.juris`: the terms.
    Terms,
    /// `NAME.tests.juris`: the tests and their background.
    Tests,
}

impl SiblingKind {
    /// Both kinds, in the order a policy's files are read.
    pub const ALL: [SiblingKind; 2] = [SiblingKind::Terms, SiblingKind::Tests];

    /// What the file name adds before `.juris`: `terms` or `tests`.
    pub fn infix(self) -> &'static str {
        match self {
            SiblingKind::Terms => "terms",
            SiblingKind::Tests => "tests",
        }
    }
}

/// The header of a policy file.
#[derive(Clone, Debug, PartialEq)]
pub struct Header {
    /// The citation prefix, e.g. `OAR 860-086-0030`.
    pub citation: Spanned<String>,
    /// The header's fields, in source order.
    pub fields: Vec<HeaderField>,
    /// The whole header.
    pub span: Span,
}

/// One line of the header.
#[derive(Clone, Debug, PartialEq)]
pub enum HeaderField {
    /// `title "…"`
    Title(Spanned<String>),
    /// `jurisdiction "OR"`
    Jurisdiction(Spanned<String>),
    /// `text "file.txt"`
    Text(Spanned<String>),
    /// `refers "OAR 860-086-0010" text "file.txt"`
    Refers {
        /// The other instrument's citation.
        citation: Spanned<String>,
        /// Its text, relative to the policy file.
        text: Spanned<String>,
    },
    /// `effective 2012-08-24`
    Effective(Spanned<String>),
    /// `current_through 2026-07-19`
    CurrentThrough(Spanned<String>),
}

/// An item after the header.
#[derive(Clone, Debug, PartialEq)]
pub enum Item {
    /// `vocabulary { … }`
    Vocabulary(Vocabulary),
    /// `terms { … }`
    Terms(Terms),
    /// `define …`
    Definition(Definition),
    /// `provision … { … }`
    Provision(Provision),
    /// `not encoded …` / `not available …`
    Marker(Marker),
    /// `background { … }`
    Background(Background),
    /// `test "…" { … }`
    Test(Test),
}

/// `vocabulary { … }`
#[derive(Clone, Debug, PartialEq)]
pub struct Vocabulary {
    /// The declared facts.
    pub facts: Vec<Fact>,
    /// The whole block.
    pub span: Span,
}

/// A declared fact.
#[derive(Clone, Debug, PartialEq)]
pub struct Fact {
    /// Its dotted name.
    pub name: Spanned<String>,
    /// Its type.
    pub ty: FactType,
    /// The bounds of its values (`>= 0`), for a number or a date; in source order.
    pub bounds: Vec<Bound>,
    /// Its default, if any.
    pub default: Option<Value>,
    /// Its one-line meaning.
    pub meaning: Spanned<String>,
    /// The whole declaration.
    pub span: Span,
}

/// `>= 0` after `number` (or `date`): a bound on the values a fact may take.
#[derive(Clone, Debug, PartialEq)]
pub struct Bound {
    /// `>=`, `>`, `<=` or `<`.
    pub op: CompareOp,
    /// The bound: a number or a date.
    pub value: Value,
    /// The whole bound.
    pub span: Span,
}

/// The type of a fact as written.
#[derive(Clone, Debug, PartialEq)]
pub enum FactType {
    /// `bool`
    Bool(Span),
    /// `number`
    Number(Span),
    /// `date`
    Date(Span),
    /// `text`
    Text(Span),
    /// `a | b | c`
    Enum(Vec<Member>, Span),
    /// `set of a | b | c`
    Set(Vec<Member>, Span),
}

/// A member of an enumeration: `investor_owned "an investor-owned utility"`.
#[derive(Clone, Debug, PartialEq)]
pub struct Member {
    /// Its name.
    pub name: Spanned<String>,
    /// Its label in plain words, if written.
    pub label: Option<Spanned<String>>,
    /// The name and the label.
    pub span: Span,
}

impl FactType {
    /// Where the type was written.
    pub fn span(&self) -> Span {
        match self {
            FactType::Bool(s) | FactType::Number(s) | FactType::Date(s) | FactType::Text(s) => *s,
            FactType::Enum(_, s) | FactType::Set(_, s) => *s,
        }
    }
}

/// A value written in a condition, a default or a test.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// `true` / `false`
    Bool(bool, Span),
    /// `0.5` (kept as written, too, for error messages)
    Number(f64, Span),
    /// `2012-08-24`
    Date(String, Span),
    /// `"…"`
    Text(String, Span),
    /// A bare name: an enumeration member.
    Name(String, Span),
    /// `[a, b]`
    Set(Vec<Spanned<String>>, Span),
}

impl Value {
    /// Where the value was written.
    pub fn span(&self) -> Span {
        match self {
            Value::Bool(_, s)
            | Value::Number(_, s)
            | Value::Date(_, s)
            | Value::Text(_, s)
            | Value::Name(_, s)
            | Value::Set(_, s) => *s,
        }
    }
}

/// `terms { … }`
#[derive(Clone, Debug, PartialEq)]
pub struct Terms {
    /// The declared terms.
    pub terms: Vec<Term>,
    /// The whole block.
    pub span: Span,
}

/// `"customer data", "customer information" means data is one of [a, b]`
#[derive(Clone, Debug, PartialEq)]
pub struct Term {
    /// The words, as people say them.
    pub phrases: Vec<Spanned<String>>,
    /// What they mean in the vocabulary; `None` for `this policy` (the words name the
    /// instrument or its jurisdiction).
    pub meaning: Option<Expr>,
    /// The whole term.
    pub span: Span,
}

/// `define name = condition cites (9) "meaning"`
#[derive(Clone, Debug, PartialEq)]
pub struct Definition {
    /// The defined name.
    pub name: Spanned<String>,
    /// What it stands for.
    pub expr: Expr,
    /// The definition it encodes.
    pub cite: Cite,
    /// An optional one-line meaning.
    pub meaning: Option<Spanned<String>>,
    /// The interpretive choices it rests on, in source order.
    pub readings: Vec<Reading>,
    /// The whole definition.
    pub span: Span,
}

/// `reading "…"`: an interpretive choice the author made where the law is ambiguous.
#[derive(Clone, Debug, PartialEq)]
pub struct Reading {
    /// The reading, in words.
    pub text: Spanned<String>,
    /// The whole clause.
    pub span: Span,
}

/// A citation as written.
#[derive(Clone, Debug, PartialEq)]
pub enum Cite {
    /// A subsection of this policy's instrument: its path segments, e.g. `["3", "a"]`.
    Local(Vec<String>, Span),
    /// Another instrument, in quotes.
    External(String, Span),
}

impl Cite {
    /// Where the cite was written.
    pub fn span(&self) -> Span {
        match self {
            Cite::Local(_, s) | Cite::External(_, s) => *s,
        }
    }
}

/// A condition.
#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    /// `a and b`
    And(Box<Expr>, Box<Expr>, Span),
    /// `a or b`
    Or(Box<Expr>, Box<Expr>, Span),
    /// `not a`
    Not(Box<Expr>, Span),
    /// `fact >= 1`
    Compare {
        /// The fact.
        fact: Spanned<String>,
        /// The operator.
        op: CompareOp,
        /// The value compared against.
        value: Value,
        /// The whole comparison.
        span: Span,
    },
    /// `fact is value`, `fact is not value`, `fact is one of [a, b]`
    Is {
        /// The fact.
        fact: Spanned<String>,
        /// `is not`
        negated: bool,
        /// The value or set of values.
        value: Value,
        /// The whole test.
        span: Span,
    },
    /// `fact contains member`
    Contains {
        /// The set fact.
        fact: Spanned<String>,
        /// The member.
        member: Spanned<String>,
        /// The whole test.
        span: Span,
    },
    /// A boolean fact or a definition.
    Name(Spanned<String>),
}

impl Expr {
    /// Where the condition was written.
    pub fn span(&self) -> Span {
        match self {
            Expr::And(_, _, s) | Expr::Or(_, _, s) | Expr::Not(_, s) => *s,
            Expr::Compare { span, .. } | Expr::Is { span, .. } | Expr::Contains { span, .. } => {
                *span
            }
            Expr::Name(n) => n.span,
        }
    }
}

/// A comparison operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompareOp {
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `==`
    Eq,
    /// `!=`
    Ne,
}

impl CompareOp {
    /// The operator as written.
    pub fn as_str(self) -> &'static str {
        match self {
            CompareOp::Lt => "<",
            CompareOp::Le => "<=",
            CompareOp::Gt => ">",
            CompareOp::Ge => ">=",
            CompareOp::Eq => "==",
            CompareOp::Ne => "!=",
        }
    }
}

/// A subsection label as written.
#[derive(Clone, Debug, PartialEq)]
pub struct Label {
    /// The key: `3`, `a`, `A`, `710.4`.
    pub key: String,
    /// Where it was written.
    pub span: Span,
}

/// A provision (a subsection of the instrument), top-level or nested.
#[derive(Clone, Debug, PartialEq)]
pub struct Provision {
    /// Its label.
    pub label: Label,
    /// Its optional title.
    pub title: Option<Spanned<String>>,
    /// What it says, in source order.
    pub clauses: Vec<Clause>,
    /// `not encoded` / `not available` given inline for a nested subsection.
    pub marker: Option<(MarkerKind, Spanned<String>)>,
    /// The whole provision.
    pub span: Span,
}

/// One clause of a provision.
#[derive(Clone, Debug, PartialEq)]
pub enum Clause {
    /// `when …` / `unless …` (an `unless` is stored negated).
    Condition(Condition),
    /// `required`, `permitted only if …`, …
    Effect(Effect),
    /// `overrides (2), (11)(a)`
    Overrides(Vec<Cite>, Span),
    /// `obligation "…"`
    Obligation(Obligation),
    /// `reading "…"`
    Reading(Reading),
    /// A nested subsection.
    Subsection(Provision),
    /// `rule "…" { … }`: a rule of the provision's own lead-in.
    Rule(OwnRule),
}

/// `rule "sentence" { … }`: a rule of a provision's own lead-in.
#[derive(Clone, Debug, PartialEq)]
pub struct OwnRule {
    /// The sentence of the statute it encodes, quoted, if written.
    pub sentence: Option<Spanned<String>>,
    /// What it says, in source order.
    pub clauses: Vec<Clause>,
    /// The whole rule.
    pub span: Span,
}

/// `when …` or `unless …`.
#[derive(Clone, Debug, PartialEq)]
pub struct Condition {
    /// `unless` rather than `when`.
    pub unless: bool,
    /// The condition.
    pub expr: Expr,
    /// The whole clause.
    pub span: Span,
}

/// A deontic effect.
#[derive(Clone, Debug, PartialEq)]
pub struct Effect {
    /// Which.
    pub kind: EffectKind,
    /// `only if …`
    pub only_if: Option<Expr>,
    /// The whole clause.
    pub span: Span,
}

/// The deontic modalities, plus scope.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EffectKind {
    /// must
    Required,
    /// may
    Permitted,
    /// may not
    Prohibited,
    /// the instrument does not govern the question
    OutOfScope,
}

/// `obligation "text" when … cites …`
#[derive(Clone, Debug, PartialEq)]
pub struct Obligation {
    /// The duty, in words.
    pub text: Spanned<String>,
    /// When the duty arises (beyond the provision applying).
    pub when: Option<Condition>,
    /// Its cite; the provision's own when absent.
    pub cite: Option<Cite>,
    /// The whole clause.
    pub span: Span,
}

/// Why a subsection is not encoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MarkerKind {
    /// `not encoded`: deliberately left (procedural, needs judgment).
    NotEncoded,
    /// `not available`: the text of this part is not available to us.
    NotAvailable,
}

/// `not encoded (7) "reason"`
#[derive(Clone, Debug, PartialEq)]
pub struct Marker {
    /// Which kind.
    pub kind: MarkerKind,
    /// The subsection.
    pub cite: Cite,
    /// Why.
    pub reason: Spanned<String>,
    /// The whole marker.
    pub span: Span,
}

/// `background { … }`: the givens every test starts from.
#[derive(Clone, Debug, PartialEq)]
pub struct Background {
    /// The facts, as a test gives them.
    pub given: Vec<(Spanned<String>, Value)>,
    /// The whole block.
    pub span: Span,
}

/// `test "name" { … }`
#[derive(Clone, Debug, PartialEq)]
pub struct Test {
    /// Its name.
    pub name: Spanned<String>,
    /// The request's facts.
    pub given: Vec<(Spanned<String>, Value)>,
    /// What is expected.
    pub expect: Expectation,
    /// The whole test.
    pub span: Span,
}

/// `expect required cites (2)(h) obligations (6)(e) depends on x`
#[derive(Clone, Debug, PartialEq)]
pub struct Expectation {
    /// The expected outcome's name.
    pub outcome: Spanned<String>,
    /// The expected cites, if stated.
    pub cites: Option<Vec<Cite>>,
    /// The expected obligations' cites, if stated.
    pub obligations: Option<Vec<Cite>>,
    /// The expected facts the outcome depends on, if stated.
    pub depends_on: Option<Vec<Spanned<String>>>,
    /// The file the full explanation is pinned to, if any.
    pub explanation: Option<Spanned<String>>,
    /// The whole clause.
    pub span: Span,
}
