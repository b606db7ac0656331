//! What is written where: every name, member, cite, provision header and reading of a
//! policy's files, found by walking the syntax trees, so that hover, go to definition and
//! references look up one list.

use super::analysis::Analysis;
use crate::ast::{self, Cite, Clause, Expr, Item, Value};
use crate::source::Span;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// What a piece of policy text stands for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Symbol {
    /// A fact of the vocabulary.
    Fact(String),
    /// A definition.
    Definition(String),
    /// A member of an enumeration or set fact.
    Member {
        /// The fact.
        fact: String,
        /// The member.
        member: String,
    },
    /// A provision's header (its label or title): its local path.
    Provision(Vec<String>),
    /// A local cite (`cites (9)`, a marker, a test's expected cites).
    Cite(Vec<String>),
    /// A cite of another instrument, in quotes.
    External(String),
    /// `overrides (2)`: the overridden provision's path.
    Overrides(Vec<String>),
    /// `rule "sentence"` of the provision at this path.
    Sentence(Vec<String>),
    /// `reading "…"` on a provision (its path) or a definition (its name).
    Reading(Owner),
}

/// What a reading qualifies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Owner {
    /// A provision, by path.
    Provision(Vec<String>),
    /// A definition, by name.
    Definition(String),
}

/// One piece of text and what it stands for.
#[derive(Clone, Debug)]
pub struct Occurrence {
    /// The file it is in.
    pub path: PathBuf,
    /// Where.
    pub span: Span,
    /// What it stands for.
    pub symbol: Symbol,
    /// Whether this is where the symbol is declared.
    pub declaration: bool,
}

/// Every occurrence in a policy's files, in file and source order.
pub fn occurrences(analysis: &Analysis) -> Vec<Occurrence> {
    let definitions: HashSet<String> = analysis
        .policy_tree()
        .map(|f| {
            f.items
                .iter()
                .filter_map(|i| match i {
                    Item::Definition(d) => Some(d.name.value.clone()),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default();
    let mut out = Vec::new();
    for file in &analysis.files {
        let Some(tree) = &file.tree else { continue };
        let mut walker = Walker {
            path: &file.path,
            definitions: &definitions,
            out: &mut out,
        };
        for item in tree.items() {
            walker.item(item);
        }
    }
    out
}

/// The innermost occurrence at a byte offset of a file (a cursor just after a word is on
/// it).
pub fn at<'a>(occurrences: &'a [Occurrence], path: &Path, offset: usize) -> Option<&'a Occurrence> {
    occurrences
        .iter()
        .filter(|o| {
            o.path == path && (o.span.start as usize) <= offset && offset <= o.span.end as usize
        })
        .min_by_key(|o| o.span.end - o.span.start)
}

struct Walker<'a> {
    path: &'a Path,
    definitions: &'a HashSet<String>,
    out: &'a mut Vec<Occurrence>,
}

impl Walker<'_> {
    fn push(&mut self, span: Span, symbol: Symbol, declaration: bool) {
        self.out.push(Occurrence {
            path: self.path.to_path_buf(),
            span,
            symbol,
            declaration,
        });
    }

    fn item(&mut self, item: &Item) {
        match item {
            Item::Vocabulary(v) => {
                for fact in &v.facts {
                    self.push(fact.name.span, Symbol::Fact(fact.name.value.clone()), true);
                    if let ast::FactType::Enum(members, _) | ast::FactType::Set(members, _) =
                        &fact.ty
                    {
                        for m in members {
                            self.push(m.name.span, member(&fact.name.value, &m.name.value), true);
                        }
                    }
                    if let Some(default) = &fact.default {
                        self.value(&fact.name.value, default);
                    }
                }
            }
            Item::Terms(t) => {
                for term in &t.terms {
                    if let Some(meaning) = &term.meaning {
                        self.expr(meaning);
                    }
                }
            }
            Item::Definition(d) => {
                self.push(d.name.span, Symbol::Definition(d.name.value.clone()), true);
                self.expr(&d.expr);
                self.cite(&d.cite, Symbol::Cite);
                for r in &d.readings {
                    self.push(
                        r.span,
                        Symbol::Reading(Owner::Definition(d.name.value.clone())),
                        false,
                    );
                }
            }
            Item::Provision(p) => self.provision(p, &[]),
            Item::Marker(m) => self.cite(&m.cite, Symbol::Cite),
            Item::Background(b) => self.givens(&b.given),
            Item::Test(t) => {
                self.givens(&t.given);
                for cite in t.expect.cites.iter().chain(&t.expect.obligations).flatten() {
                    self.cite(cite, Symbol::Cite);
                }
                for fact in t.expect.depends_on.iter().flatten() {
                    self.push(fact.span, Symbol::Fact(fact.value.clone()), false);
                }
            }
        }
    }

    fn givens(&mut self, givens: &[(ast::Spanned<String>, Value)]) {
        for (fact, value) in givens {
            self.push(fact.span, Symbol::Fact(fact.value.clone()), false);
            self.value(&fact.value, value);
        }
    }

    fn value(&mut self, fact: &str, value: &Value) {
        match value {
            Value::Name(name, span) => self.push(*span, member(fact, name), false),
            Value::Set(names, _) => {
                for n in names {
                    self.push(n.span, member(fact, &n.value), false);
                }
            }
            _ => {}
        }
    }

    fn cite(&mut self, cite: &Cite, local: fn(Vec<String>) -> Symbol) {
        match cite {
            Cite::Local(path, span) => self.push(*span, local(path.clone()), false),
            Cite::External(text, span) => self.push(*span, Symbol::External(text.clone()), false),
        }
    }

    fn provision(&mut self, p: &ast::Provision, parent: &[String]) {
        let mut path = parent.to_vec();
        path.push(p.label.key.clone());
        self.push(p.label.span, Symbol::Provision(path.clone()), true);
        if let Some(title) = &p.title {
            self.push(title.span, Symbol::Provision(path.clone()), false);
        }
        self.clauses(&p.clauses, &path);
    }

    fn clauses(&mut self, clauses: &[Clause], path: &[String]) {
        for clause in clauses {
            match clause {
                Clause::Condition(c) => self.expr(&c.expr),
                Clause::Effect(e) => {
                    if let Some(only_if) = &e.only_if {
                        self.expr(only_if);
                    }
                }
                Clause::Overrides(cites, _) => {
                    for cite in cites {
                        self.cite(cite, Symbol::Overrides);
                    }
                }
                Clause::Obligation(o) => {
                    if let Some(when) = &o.when {
                        self.expr(&when.expr);
                    }
                    if let Some(cite) = &o.cite {
                        self.cite(cite, Symbol::Cite);
                    }
                }
                Clause::Reading(r) => self.push(
                    r.span,
                    Symbol::Reading(Owner::Provision(path.to_vec())),
                    false,
                ),
                Clause::Subsection(p) => self.provision(p, path),
                Clause::Rule(rule) => {
                    if let Some(sentence) = &rule.sentence {
                        self.push(sentence.span, Symbol::Sentence(path.to_vec()), false);
                    }
                    self.clauses(&rule.clauses, path);
                }
            }
        }
    }

    /// A condition's names; iterative, so that a deeply nested one cannot exhaust the stack.
    fn expr(&mut self, e: &Expr) {
        let mut stack = vec![e];
        while let Some(e) = stack.pop() {
            match e {
                Expr::And(a, b, _) | Expr::Or(a, b, _) => {
                    stack.push(b);
                    stack.push(a);
                }
                Expr::Not(a, _) => stack.push(a),
                Expr::Compare { fact, .. } => {
                    self.push(fact.span, Symbol::Fact(fact.value.clone()), false)
                }
                Expr::Is { fact, value, .. } => {
                    self.push(fact.span, Symbol::Fact(fact.value.clone()), false);
                    self.value(&fact.value, value);
                }
                Expr::Contains {
                    fact, member: m, ..
                } => {
                    self.push(fact.span, Symbol::Fact(fact.value.clone()), false);
                    self.push(m.span, member(&fact.value, &m.value), false);
                }
                Expr::Name(name) => {
                    let symbol = if self.definitions.contains(&name.value) {
                        Symbol::Definition(name.value.clone())
                    } else {
                        Symbol::Fact(name.value.clone())
                    };
                    self.push(name.span, symbol, false);
                }
            }
        }
    }
}

fn member(fact: &str, member: &str) -> Symbol {
    Symbol::Member {
        fact: fact.to_string(),
        member: member.to_string(),
    }
}
