//! Checking and compiling: AST + statute texts → IR.
//!
//! The checker resolves names, checks types, checks every cite against the statute text the
//! header names, checks the exception graph is acyclic, and compiles what it checked into
//! an [`ir::Policy`]. It collects every error of a file; it never stops at the first.
//!
//! A policy may keep its terms and its tests in sibling files (`NAME.terms.juris`,
//! `NAME.tests.juris`): the checker reads them with the policy file, reports each problem
//! in the file it is in, and counts the IR spans of a sibling past the policy file's own
//! ([`ir::Sibling`]).

use crate::ast::{self, EffectKind, HeaderField, Item, MarkerKind};
use crate::diagnostic::{code, did_you_mean, Diagnostic, FileDiagnostics, Related};
use crate::ir::{
    self, Cite, Conjunct, DefId, Expr, ExprId, FactId, LeafId, Node, NodeId, Policy, Range,
    Statute, Type,
};
use crate::source::{SourceFile, Span};
use crate::statute::StatuteText;
use crate::value::Value;
use std::collections::HashMap;
use std::path::Path;

mod exceptions;
mod expr;
mod parts;
mod tests_block;

/// Reads a statute text named by a policy header; the default reads the file system.
pub type ReadText<'a> = &'a dyn Fn(&Path) -> std::io::Result<String>;

/// Checks a parsed policy file, with the sibling files beside it, and compiles it. `dir` is
/// the folder the policy file is in (statute texts are named relative to it). On errors,
/// returns them grouped by the file they are in, the policy file first.
pub fn check(
    source: &SourceFile,
    file: &ast::File,
    siblings: &[(SourceFile, ast::Sibling)],
    dir: &Path,
    read: ReadText,
) -> Result<Policy, Vec<FileDiagnostics>> {
    let mut checker = Checker::new(source, siblings);
    // Every item with the index of the file it is in (0: the policy file).
    let items: Vec<(usize, &Item)> =
        file.items
            .iter()
            .map(|item| (0, item))
            .chain(
                siblings.iter().enumerate().flat_map(|(i, (_, sibling))| {
                    sibling.items.iter().map(move |item| (i + 1, item))
                }),
            )
            .collect();
    checker.header(&file.header, dir, read);
    checker.places(&items);
    for &(at, item) in &items {
        if let Item::Vocabulary(v) = item {
            checker.enter(at);
            checker.vocabulary(v);
        }
    }
    checker.enter(0);
    checker.declare_definitions(&file.items);
    for item in &file.items {
        if let Item::Definition(d) = item {
            checker.definition(d);
        }
    }
    checker.definition_cycles();
    for &(at, item) in &items {
        checker.enter(at);
        match item {
            Item::Provision(p) => {
                checker.provision(p, None, &[]);
            }
            Item::Terms(t) => checker.terms(t),
            _ => {}
        }
    }
    // Markers after every provision, so a marker before the provision it marks is seen.
    for &(at, item) in &items {
        if let Item::Marker(m) = item {
            checker.enter(at);
            checker.marker(m);
        }
    }
    checker.enter(0);
    checker.leaves();
    checker.exceptions();
    // The background before the tests, wherever it is written.
    for &(at, item) in &items {
        if let Item::Background(b) = item {
            checker.enter(at);
            checker.background(b);
        }
    }
    for &(at, item) in &items {
        if let Item::Test(t) = item {
            checker.enter(at);
            checker.test(t);
        }
    }
    checker.finish()
}

/// A provision's clauses waiting for all provisions to be known.
#[derive(Default)]
struct Pending {
    overrides: Vec<ast::Cite>,
    only_if: Option<(ExprId, Span)>,
    obligations: Vec<u32>,
    rules: Vec<Unit>,
}

/// The compiled clauses of a provision block or of a `rule { … }`.
#[derive(Default)]
struct Unit {
    conditions: Vec<Conjunct>,
    effect: Option<EffectKind>,
    only_if: Option<(ExprId, Span)>,
    overrides: Vec<ast::Cite>,
    obligations: Vec<u32>,
    readings: Vec<ir::Reading>,
    /// A rule's sentence of the statute.
    sentence: Option<String>,
    span: Span,
}

/// How many parts evaluating one definition may visit, each definition it reads counted as
/// often as it is read: the compiled code shares definitions, but an evaluation visits a
/// shared one each time it is read (`define d1 = d2 and d2`, `define d2 = d3 and d3`, …
/// doubles at every link). Real definitions visit tens of parts.
const MAX_DEFINITION_SIZE: u64 = 1 << 20;

pub(crate) struct Checker<'a> {
    source: &'a SourceFile,
    /// The sibling files, with where their IR spans start.
    siblings: Vec<ir::Sibling>,
    /// The file being checked: 0 for the policy file, `i + 1` for sibling `i`.
    file: usize,
    /// Where the IR spans of the file being checked start.
    base: u32,
    /// Each problem with the file it is in.
    diagnostics: Vec<(usize, Diagnostic)>,
    citation: String,
    title: Option<String>,
    jurisdiction: Option<String>,
    effective: Option<String>,
    current_through: Option<String>,
    statute: Option<Statute>,
    references: Vec<Statute>,
    facts: Vec<ir::Fact>,
    fact_index: rustc_hash::FxHashMap<String, FactId>,
    definitions: Vec<Option<ir::Definition>>,
    def_index: HashMap<String, DefId>,
    exprs: Vec<Expr>,
    expr_spans: Vec<Span>,
    thresholds: Vec<Vec<f64>>,
    nodes: Vec<Node>,
    pending: Vec<Pending>,
    node_index: HashMap<Vec<String>, NodeId>,
    leaves: Vec<ir::Leaf>,
    obligations: Vec<ir::Obligation>,
    markers: Vec<ir::Marker>,
    terms: Vec<ir::Term>,
    tests: Vec<ir::Test>,
    /// The background's givens, once checked.
    background: Vec<(FactId, Value)>,
    header_span: Span,
    rule_overrides: Vec<(LeafId, Vec<ast::Cite>)>,
}

impl<'a> Checker<'a> {
    fn new(source: &'a SourceFile, siblings: &[(SourceFile, ast::Sibling)]) -> Self {
        // Each sibling's spans start one past the end of the file before it.
        let mut base = source.text().len() + 1;
        let siblings = siblings
            .iter()
            .map(|(file, sibling)| {
                let at = u32::try_from(base).unwrap_or(u32::MAX);
                base += file.text().len() + 1;
                ir::Sibling {
                    kind: sibling.kind,
                    source: file.clone(),
                    base: at,
                }
            })
            .collect();
        Checker {
            source,
            siblings,
            file: 0,
            base: 0,
            diagnostics: Vec::new(),
            citation: String::new(),
            title: None,
            jurisdiction: None,
            effective: None,
            current_through: None,
            statute: None,
            references: Vec::new(),
            facts: Vec::new(),
            fact_index: rustc_hash::FxHashMap::default(),
            definitions: Vec::new(),
            def_index: HashMap::new(),
            exprs: Vec::new(),
            expr_spans: Vec::new(),
            thresholds: Vec::new(),
            nodes: Vec::new(),
            pending: Vec::new(),
            node_index: HashMap::new(),
            leaves: Vec::new(),
            obligations: Vec::new(),
            markers: Vec::new(),
            terms: Vec::new(),
            tests: Vec::new(),
            background: Vec::new(),
            header_span: Span::default(),
            rule_overrides: Vec::new(),
        }
    }

    /// Reports a problem in the file being checked.
    fn error(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push((self.file, diagnostic));
    }

    // ------------------------------------------------------------------ header

    fn header(&mut self, header: &ast::Header, dir: &Path, read: ReadText) {
        self.citation = header.citation.value.trim().to_string();
        self.header_span = header.citation.span;
        let mut seen: HashMap<&'static str, Span> = HashMap::new();
        let mut text = None;
        for field in &header.fields {
            let (name, span) = match field {
                HeaderField::Title(s) => ("title", s.span),
                HeaderField::Jurisdiction(s) => ("jurisdiction", s.span),
                HeaderField::Text(s) => ("text", s.span),
                HeaderField::Refers { citation, .. } => ("refers", citation.span),
                HeaderField::Effective(s) => ("effective", s.span),
                HeaderField::CurrentThrough(s) => ("current_through", s.span),
            };
            if name != "refers" {
                if let Some(first) = seen.insert(name, span) {
                    self.error(
                        Diagnostic::new(
                            &code::header_field,
                            format!("`{name}` is given twice"),
                            span,
                        )
                        .label("again here")
                        .with_label(first, "first here")
                        .help(format!("keep one `{name}`")),
                    );
                    continue;
                }
            }
            match field {
                HeaderField::Title(s) => self.title = Some(s.value.clone()),
                HeaderField::Jurisdiction(s) => self.jurisdiction = Some(s.value.clone()),
                HeaderField::Text(s) => text = Some(s.clone()),
                HeaderField::Refers { citation, text } => {
                    if let Some(statute) = self.load_text(citation.value.trim(), text, dir, read) {
                        self.references.push(statute);
                    }
                }
                HeaderField::Effective(s) => self.effective = Some(s.value.clone()),
                HeaderField::CurrentThrough(s) => self.current_through = Some(s.value.clone()),
            }
        }
        for (name, example) in [
            ("title", "title \"Electric Company Transfer of Data\""),
            ("jurisdiction", "jurisdiction \"OR\""),
            ("text", "text \"or-860-086-0030.txt\""),
        ] {
            if !seen.contains_key(name) {
                self.error(
                    Diagnostic::new(
                        &code::header_field,
                        format!("the header has no `{name}`"),
                        header.citation.span,
                    )
                    .label("in this header")
                    .help(format!("add `{example}`")),
                );
            }
        }
        if let Some(text) = text {
            let citation = self.citation.clone();
            self.statute = self.load_text(&citation, &text, dir, read);
        }
    }

    fn load_text(
        &mut self,
        citation: &str,
        path: &ast::Spanned<String>,
        dir: &Path,
        read: ReadText,
    ) -> Option<Statute> {
        let full = dir.join(&path.value);
        match read(&full) {
            Ok(content) => {
                let shown = Path::new(self.source.name())
                    .parent()
                    .map(|p| p.join(&path.value))
                    .unwrap_or_else(|| Path::new(&path.value).to_path_buf());
                let text = StatuteText::parse(&content);
                Some(Statute {
                    citation: citation.to_string(),
                    source: SourceFile::new(shown.to_string_lossy().replace('\\', "/"), content),
                    text,
                })
            }
            Err(e) => {
                self.error(
                    Diagnostic::new(
                        &code::statute_text,
                        format!("cannot read the statute text `{}`: {}", path.value, io_reason(&e)),
                        path.span,
                    )
                    .label("named here")
                    .help("the path is relative to the policy file; keep a copy of the text beside the policy"),
                );
                None
            }
        }
    }

    // ------------------------------------------------------------------ vocabulary

    fn vocabulary(&mut self, vocabulary: &ast::Vocabulary) {
        for fact in &vocabulary.facts {
            let name = fact.name.value.clone();
            if let Some(&first) = self.fact_index.get(&name) {
                let first_span = self.facts[first.index()].span;
                self.error(
                    Diagnostic::new(
                        &code::duplicate_fact,
                        format!("`{name}` is declared twice"),
                        fact.name.span,
                    )
                    .label("declared again here")
                    .with_label(first_span, "first declared here")
                    .help("keep one declaration"),
                );
                continue;
            }
            let mut labels = Vec::new();
            let ty = match &fact.ty {
                ast::FactType::Bool(_) => Type::Bool,
                ast::FactType::Number(_) => Type::Number,
                ast::FactType::Date(_) => Type::Date,
                ast::FactType::Text(_) => Type::Text,
                ast::FactType::Enum(members, s) => {
                    Type::Enum(self.members(members, *s, &mut labels))
                }
                ast::FactType::Set(members, s) => Type::Set(self.members(members, *s, &mut labels)),
            };
            let id = FactId(self.facts.len() as u32);
            let range = self.range(fact, &ty);
            let mut declared = ir::Fact {
                name: name.clone(),
                ty,
                range,
                default: None,
                meaning: fact.meaning.value.clone(),
                labels,
                span: fact.name.span,
            };
            if let Some(default) = &fact.default {
                declared.default = self.default_value(&declared, default);
            }
            self.facts.push(declared);
            self.thresholds.push(Vec::new());
            self.fact_index.insert(name, id);
        }
    }

    /// The members of an enumeration, each once; their labels go to `labels`, in the same
    /// order.
    fn members(
        &mut self,
        members: &[ast::Member],
        span: Span,
        labels: &mut Vec<Option<String>>,
    ) -> Vec<String> {
        let mut out: Vec<String> = Vec::with_capacity(members.len());
        for m in members {
            if let Some(label) = m.label.as_ref().filter(|l| l.value.trim().is_empty()) {
                self.error(
                    Diagnostic::new(
                        &code::empty_label,
                        format!("the label of `{}` says nothing", m.name.value),
                        label.span,
                    )
                    .label("empty")
                    .help(format!(
                        "give the member plain words, e.g. `{} \"{}\"`, or remove the label",
                        m.name.value,
                        m.name.value.replace('_', " ")
                    )),
                );
            }
            if out.contains(&m.name.value) {
                self.error(
                    Diagnostic::new(
                        &code::duplicate_member,
                        format!("`{}` is listed twice", m.name.value),
                        m.name.span,
                    )
                    .label("listed again here")
                    .help("remove the repetition"),
                );
            } else {
                out.push(m.name.value.clone());
                labels.push(m.label.as_ref().map(|l| l.value.clone()));
            }
        }
        if out.len() > 64 {
            self.error(
                Diagnostic::new(
                    &code::too_many_members,
                    format!(
                        "this enumeration has {} members; at most 64 are supported",
                        out.len()
                    ),
                    span,
                )
                .label("here")
                .help("split the fact into two facts"),
            );
            out.truncate(64);
            labels.truncate(64);
        }
        out
    }

    /// The range a fact's bounds declare (`number >= 0 <= 100`), reporting `C021` for a
    /// bound of the wrong type, two bounds on one side, or bounds that leave no value.
    fn range(&mut self, fact: &ast::Fact, ty: &Type) -> Range {
        let mut range = Range::ALL;
        let mut spans: [Option<Span>; 2] = [None, None];
        for bound in &fact.bounds {
            let value = match (ty, &bound.value) {
                (Type::Number, ast::Value::Number(n, _)) => Some(*n),
                (Type::Date, ast::Value::Date(d, _)) => crate::value::parse_date(d).map(f64::from),
                _ => None,
            };
            let Some(value) = value else {
                let example = if matches!(ty, Type::Date) {
                    ">= 2012-08-24"
                } else {
                    ">= 0"
                };
                self.error(
                    Diagnostic::new(
                        &code::invalid_range,
                        format!("a bound of `{}` must be {}", fact.name.value, ty.describe()),
                        bound.value.span(),
                    )
                    .label("not a value of this fact")
                    .help(format!("write e.g. `{example}`")),
                );
                continue;
            };
            let (side, slot, word) = match bound.op {
                ast::CompareOp::Ge | ast::CompareOp::Gt => (0, &mut range.lo, "lower"),
                _ => (1, &mut range.hi, "upper"),
            };
            let inclusive = matches!(bound.op, ast::CompareOp::Ge | ast::CompareOp::Le);
            if let Some(first) = spans[side] {
                self.error(
                    Diagnostic::new(
                        &code::invalid_range,
                        format!("`{}` has two {word} bounds", fact.name.value),
                        bound.span,
                    )
                    .label("second bound")
                    .with_label(first, "first bound")
                    .help(format!("keep one {word} bound")),
                );
                continue;
            }
            *slot = Some((value, inclusive));
            spans[side] = Some(bound.span);
        }
        if let (Some(lo), Some(hi)) = (spans[0], spans[1]) {
            let whole = matches!(ty, Type::Date);
            if range.is_empty(whole) {
                self.error(
                    Diagnostic::new(
                        &code::invalid_range,
                        format!(
                            "the bounds of `{}` leave no value: `{}`",
                            fact.name.value,
                            self.source.slice(lo.to(hi))
                        ),
                        lo,
                    )
                    .label("lower bound")
                    .with_label(hi, "upper bound")
                    .help("the lower bound must lie below the upper bound"),
                );
                return Range::ALL;
            }
        }
        range
    }

    fn default_value(&mut self, fact: &ir::Fact, default: &ast::Value) -> Option<Value> {
        let value = expr::literal_value(&fact.ty, default);
        if let Some(v) = value.as_ref().filter(|v| !fact.in_range(v)) {
            let d = self.outside_range(fact, v, default.span(), "the default");
            self.error(d);
            return None;
        }
        if value.is_none() {
            self.error(
                Diagnostic::new(
                    &code::invalid_default,
                    format!(
                        "the default of `{}` must be {}",
                        fact.name,
                        fact.ty.describe()
                    ),
                    default.span(),
                )
                .label("not a value of this fact")
                .maybe_help(fact.ty.members().first().map(|m| format!("e.g. `= {m}`"))),
            );
        }
        value
    }

    // ------------------------------------------------------------------ definitions

    fn declare_definitions(&mut self, items: &[Item]) {
        for item in items {
            let Item::Definition(d) = item else { continue };
            let name = &d.name.value;
            if let Some(&fact) = self.fact_index.get(name) {
                let at = self.facts[fact.index()].span;
                self.error(
                    Diagnostic::new(
                        &code::duplicate_definition,
                        format!("`{name}` is already a fact"),
                        d.name.span,
                    )
                    .label("defined here")
                    .with_label(at, "declared as a fact here")
                    .help("choose another name for the definition"),
                );
                continue;
            }
            if self.def_index.contains_key(name) {
                self.error(
                    Diagnostic::new(
                        &code::duplicate_definition,
                        format!("`{name}` is defined twice"),
                        d.name.span,
                    )
                    .label("defined again here")
                    .help("keep one definition"),
                );
                continue;
            }
            self.def_index
                .insert(name.clone(), DefId(self.definitions.len() as u32));
            self.definitions.push(None);
        }
    }

    fn definition(&mut self, d: &ast::Definition) {
        let Some(&id) = self.def_index.get(&d.name.value) else {
            return;
        };
        if self
            .definitions
            .get(id.index())
            .is_some_and(Option::is_some)
        {
            return;
        }
        let body = self.lower_bool(&d.expr);
        let cite = self.resolve_cite(&d.cite).unwrap_or_else(|| Cite {
            full: String::new(),
            path: Vec::new(),
            subsection: None,
        });
        let readings = d.readings.iter().map(|r| self.reading(r)).collect();
        if let Some(slot) = self.definitions.get_mut(id.index()) {
            *slot = Some(ir::Definition {
                name: d.name.value.clone(),
                expr: body,
                cite,
                meaning: d.meaning.as_ref().map(|m| m.value.clone()),
                readings,
                span: d.name.span,
            });
        }
    }

    /// Reports definitions that read themselves (`C011`), each cycle once, and definitions
    /// that nest deeper than [`crate::syntax::MAX_NESTING`] levels counting through the
    /// definitions they read, or read them more than [`MAX_DEFINITION_SIZE`] times over
    /// (`C026`); both are cut off so that nothing later loops or
    /// recurses without bound.
    fn definition_cycles(&mut self) {
        struct Defs<'c, 'a> {
            checker: &'c Checker<'a>,
            cycles: Vec<Vec<DefId>>,
            /// Each definition's depth, once done: its condition's nesting through the
            /// definitions it reads.
            depth: Vec<usize>,
            /// Each definition's size, once done: the parts an evaluation may visit, each
            /// definition counted as often as it is read.
            size: Vec<u64>,
        }
        impl crate::graph::Visit<()> for Defs<'_, '_> {
            fn cycle(&mut self, path: &[usize], (): ()) {
                self.cycles
                    .push(path.iter().map(|&d| DefId(d as u32)).collect());
            }
            fn done(&mut self, node: usize) {
                if let Some(Some(def)) = self.checker.definitions.get(node) {
                    self.depth[node] = self.checker.expr_depth(def.expr, &self.depth);
                    self.size[node] = self.checker.expr_size(def.expr, &self.size);
                }
            }
        }
        let n = self.definitions.len();
        let mut defs = Defs {
            checker: self,
            cycles: Vec::new(),
            depth: vec![0; n],
            size: vec![0; n],
        };
        let edges = |d: usize| {
            let mut refs = Vec::new();
            if let Some(Some(def)) = self.definitions.get(d) {
                self.def_refs(def.expr, &mut refs);
            }
            refs.into_iter().map(|r| (r.index(), ())).collect()
        };
        crate::graph::depth_first(n, edges, &mut defs);
        let Defs {
            cycles,
            depth,
            size,
            ..
        } = defs;
        let name = |c: &Self, d: DefId| {
            c.definitions
                .get(d.index())
                .and_then(Option::as_ref)
                .map(|d| (format!("`{}`", d.name), d.span))
        };
        let mut cut = Vec::new();
        let mut in_cycle = vec![false; n];
        for cycle in cycles {
            for d in &cycle {
                in_cycle[d.index()] = true;
            }
            let names: Vec<String> = cycle
                .iter()
                .filter_map(|&d| name(self, d))
                .map(|n| n.0)
                .collect();
            let at = cycle
                .first()
                .and_then(|&d| name(self, d))
                .map(|n| n.1)
                .unwrap_or_default();
            self.error(
                Diagnostic::new(
                    &code::definition_cycle,
                    format!(
                        "definitions refer to each other in a cycle: {}",
                        names.join(" → ")
                    ),
                    at,
                )
                .label("this definition depends on itself")
                .help("a definition must bottom out in facts of the vocabulary"),
            );
            cut.extend(cycle);
        }
        // The deepest point of each too deep chain is reported: a too deep definition none
        // of whose own definitions is too deep.
        let limit = crate::syntax::MAX_NESTING;
        let too_large = |d: usize| {
            depth.get(d).is_some_and(|&x| x > limit)
                || size.get(d).is_some_and(|&x| x > MAX_DEFINITION_SIZE)
        };
        for d in 0..n {
            if !too_large(d) {
                continue;
            }
            cut.push(DefId(d as u32));
            if in_cycle[d] {
                continue;
            }
            let mut refs = Vec::new();
            if let Some(Some(def)) = self.definitions.get(d) {
                self.def_refs(def.expr, &mut refs);
            }
            if refs.iter().any(|r| too_large(r.index())) {
                continue;
            }
            let Some((shown, at)) = name(self, DefId(d as u32)) else {
                continue;
            };
            let (message, label) = if depth[d] > limit {
                (
                    format!("{shown} nests more than {limit} levels deep, counting the definitions it reads"),
                    "too deep here",
                )
            } else {
                (
                    format!("{shown} reads its definitions more than {MAX_DEFINITION_SIZE} times over, counting each time one is read"),
                    "too large here",
                )
            };
            self.error(
                Diagnostic::new(&code::definitions_too_large, message, at)
                    .label(label)
                    .help("definitions this deep or this often repeated cannot be evaluated safely; read the facts more directly"),
            );
        }
        // Cut them off, so that evaluation of anything else cannot loop or recurse unbounded.
        for d in cut {
            if let Some(Some(def)) = self.definitions.get_mut(d.index()) {
                def.expr = ExprId(u32::MAX);
            }
        }
    }

    /// How many parts evaluating a condition may visit, each definition it reads counted as
    /// its `size` (saturating).
    fn expr_size(&self, id: ExprId, size: &[u64]) -> u64 {
        match self.exprs.get(id.index()) {
            Some(Expr::Def(d)) => size.get(d.index()).copied().unwrap_or(0).saturating_add(1),
            Some(Expr::Not(e)) => self.expr_size(*e, size).saturating_add(1),
            Some(Expr::And(es)) | Some(Expr::Or(es)) => es
                .iter()
                .fold(1u64, |sum, e| sum.saturating_add(self.expr_size(*e, size))),
            _ => 1,
        }
    }

    /// How deeply a condition nests, counting each definition it reads as one level more
    /// than that definition's `depth`.
    fn expr_depth(&self, id: ExprId, depth: &[usize]) -> usize {
        match self.exprs.get(id.index()) {
            Some(Expr::Def(d)) => 1 + depth.get(d.index()).copied().unwrap_or(0),
            Some(Expr::Not(e)) => 1 + self.expr_depth(*e, depth),
            Some(Expr::And(es)) | Some(Expr::Or(es)) => {
                1 + es
                    .iter()
                    .map(|e| self.expr_depth(*e, depth))
                    .max()
                    .unwrap_or(0)
            }
            _ => 1,
        }
    }

    fn def_refs(&self, id: ExprId, out: &mut Vec<DefId>) {
        match self.exprs.get(id.index()) {
            Some(Expr::Def(d)) => out.push(*d),
            Some(Expr::Not(e)) => self.def_refs(*e, out),
            Some(Expr::And(es)) | Some(Expr::Or(es)) => {
                for e in es {
                    self.def_refs(*e, out);
                }
            }
            _ => {}
        }
    }

    // ------------------------------------------------------------------ cites

    /// Resolves a cite against the statute text (or a referenced instrument's), reporting
    /// `C006` when it does not exist there.
    fn resolve_cite(&mut self, cite: &ast::Cite) -> Option<Cite> {
        match cite {
            ast::Cite::Local(path, span) => self.resolve_path(path, *span),
            ast::Cite::External(text, span) => {
                let text = text.trim();
                let found = self
                    .references
                    .iter()
                    .chain(self.statute.iter())
                    .find(|s| text.starts_with(&s.citation));
                let Some(statute) = found else {
                    self.error(
                        Diagnostic::new(
                            &code::unknown_cite,
                            format!("`{text}` cites an instrument whose text this policy does not carry"),
                            *span,
                        )
                        .label("no text for this instrument")
                        .help("declare it in the header: `refers \"<citation>\" text \"<file>.txt\"`"),
                    );
                    return None;
                };
                let rest = text[statute.citation.len()..].trim();
                let path = parse_path(rest);
                let found = path.as_ref().and_then(|p| {
                    statute
                        .text
                        .find(&p.iter().map(String::as_str).collect::<Vec<_>>())
                });
                match (path, found) {
                    (Some(path), Some(_)) => Some(Cite {
                        full: ir::full_cite(&statute.citation, &path),
                        path: Vec::new(),
                        subsection: None,
                    }),
                    _ => {
                        let source = statute.source.clone();
                        self.error(
                            Diagnostic::new(
                                &code::unknown_cite,
                                format!(
                                    "`{text}` does not exist in the text of {}",
                                    statute.citation
                                ),
                                *span,
                            )
                            .label("no such subsection")
                            .with_related(Related {
                                source,
                                message: format!("the text of {} was searched", statute.citation),
                                label: None,
                            })
                            .help("check the numbering in the statute text"),
                        );
                        None
                    }
                }
            }
        }
    }

    fn resolve_path(&mut self, path: &[String], span: Span) -> Option<Cite> {
        let statute = self.statute.as_ref()?;
        let segments: Vec<&str> = path.iter().map(String::as_str).collect();
        let full = ir::full_cite(&self.citation, path);
        match statute.text.find(&segments) {
            Some(sub) => Some(Cite {
                full,
                path: path.to_vec(),
                subsection: Some(sub),
            }),
            None => {
                // A section number where the text has a label of that number, or the reverse.
                if let Some((first, rest)) = path.split_first() {
                    let other = if crate::statute::is_section_key(first) && !first.contains('.') {
                        crate::statute::section_number(first).to_string()
                    } else if !crate::statute::is_section_key(first)
                        && first.bytes().all(|b| b.is_ascii_digit())
                    {
                        crate::statute::section_key(first)
                    } else {
                        String::new()
                    };
                    let mut alt: Vec<String> = vec![other];
                    alt.extend(rest.iter().cloned());
                    let alt_segments: Vec<&str> = alt.iter().map(String::as_str).collect();
                    if !alt[0].is_empty() && statute.text.find(&alt_segments).is_some() {
                        let shown = StatuteText::display_path(&alt);
                        let written = StatuteText::display_path(path);
                        let (what, instead) = if crate::statute::is_section_key(first) {
                            ("a section", "a subsection numbered in parentheses")
                        } else {
                            ("a subsection in parentheses", "a section")
                        };
                        self.error(
                            Diagnostic::new(
                                &code::section_or_label,
                                format!(
                                    "`{written}` names {what}, but the text of {} has {instead} here",
                                    statute.citation
                                ),
                                span,
                            )
                            .label(format!("the text numbers it `{shown}`"))
                            .help(format!("write `{shown}`")),
                        );
                        return None;
                    }
                }
                let suggestions = statute.text.suggest(&segments);
                let help = if suggestions.is_empty() {
                    "check the numbering in the statute text".to_string()
                } else {
                    format!(
                        "the text has {}",
                        suggestions
                            .iter()
                            .map(|s| format!("`{s}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                };
                let parent_label = (1..path.len()).rev().find_map(|n| {
                    let parent: Vec<&str> = segments[..n].to_vec();
                    statute.text.find(&parent).map(|p| {
                        let sub = statute.text.get(p);
                        (sub.label.clone(), StatuteText::display_path(&sub.path))
                    })
                });
                let mut related = Related {
                    source: statute.source.clone(),
                    message: format!("{full} is not in the text of {}", self.citation),
                    label: None,
                };
                if let Some((label, shown)) = parent_label {
                    related.message = format!(
                        "{} has no {}",
                        ir::full_cite(&self.citation, &parse_path(&shown).unwrap_or_default()),
                        StatuteText::display_path(&path[path.len().saturating_sub(1)..])
                    );
                    related.label = Some(crate::diagnostic::Label {
                        span: Span::new(label.start, label.end),
                        text: format!("{shown} is here"),
                    });
                }
                self.error(
                    Diagnostic::new(
                        &code::unknown_cite,
                        format!("`{full}` does not exist in the statute text"),
                        span,
                    )
                    .label("no such subsection")
                    .with_related(related)
                    .help(help),
                );
                None
            }
        }
    }

    // ------------------------------------------------------------------ provisions

    fn provision(
        &mut self,
        p: &ast::Provision,
        parent: Option<NodeId>,
        parent_path: &[String],
    ) -> NodeId {
        let mut path = parent_path.to_vec();
        path.push(p.label.key.clone());
        let id = NodeId(self.nodes.len() as u32);
        let cite = self
            .resolve_path(&path, p.label.span)
            .unwrap_or_else(|| Cite {
                full: ir::full_cite(&self.citation, &path),
                path: path.clone(),
                subsection: None,
            });
        if let Some(&first) = self.node_index.get(&path) {
            let at = self.nodes[first.index()].label_span;
            self.error(
                Diagnostic::new(
                    &code::duplicate_provision,
                    format!("`{}` is encoded twice", cite.full),
                    p.label.span,
                )
                .label("encoded again here")
                .with_label(at, "first encoded here")
                .help("merge the two blocks into one provision"),
            );
        } else {
            self.node_index.insert(path.clone(), id);
        }
        self.nodes.push(Node {
            cite,
            title: p.title.as_ref().map(|t| t.value.clone()),
            parent,
            children: Vec::new(),
            conditions: Vec::new(),
            effect: None,
            leaf: None,
            rules: Vec::new(),
            marker: p.marker.as_ref().map(|(k, r)| (*k, r.value.clone())),
            readings: Vec::new(),
            label_span: p.label.span,
            span: p.span,
        });
        self.pending.push(Pending::default());
        if p.marker.is_some() && !p.clauses.is_empty() {
            self.error(
                Diagnostic::new(
                    &code::conflicting_clauses,
                    "a subsection marked as not encoded also encodes rules",
                    p.label.span,
                )
                .label("marked here")
                .help("remove the marker or the rules"),
            );
        }
        let unit = self.unit(id, &p.clauses, &path);
        let node = &mut self.nodes[id.index()];
        node.conditions = unit.conditions;
        node.effect = unit.effect;
        node.readings = unit.readings;
        let pending = &mut self.pending[id.index()];
        pending.only_if = unit.only_if;
        pending.overrides = unit.overrides;
        pending.obligations = unit.obligations;
        id
    }

    /// Compiles the clauses of a provision block or of a `rule { … }` in it.
    fn unit(&mut self, id: NodeId, clauses: &[ast::Clause], path: &[String]) -> Unit {
        let mut unit = Unit::default();
        let mut effect_span: Option<Span> = None;
        for clause in clauses {
            match clause {
                ast::Clause::Condition(c) => {
                    let mut e = self.lower_bool(&c.expr);
                    if c.unless {
                        e = self.push_expr(Expr::Not(e), c.expr.span());
                    }
                    unit.conditions.push(Conjunct {
                        expr: e,
                        span: c.span,
                        node: id,
                    });
                }
                ast::Clause::Effect(effect) => {
                    if let Some(first) = effect_span {
                        self.error(
                            Diagnostic::new(&code::conflicting_clauses, "a provision states two effects", effect.span)
                                .label("second effect")
                                .with_label(first, "first effect")
                                .help("a provision has one effect; state another in a `rule { … }` or a subsection"),
                        );
                        continue;
                    }
                    effect_span = Some(effect.span);
                    unit.effect = Some(effect.kind);
                    if let Some(cond) = &effect.only_if {
                        if matches!(effect.kind, EffectKind::Prohibited | EffectKind::OutOfScope) {
                            self.error(
                                Diagnostic::new(
                                    &code::conflicting_clauses,
                                    "`only if` applies to `required` and `permitted` only",
                                    effect.span,
                                )
                                .label("here")
                                .help("use `when` to state when a prohibition applies"),
                            );
                        }
                        let e = self.lower_bool(cond);
                        unit.only_if = Some((e, cond.span()));
                    }
                }
                ast::Clause::Overrides(cites, _) => unit.overrides.extend(cites.iter().cloned()),
                ast::Clause::Obligation(o) => {
                    let when = o.when.as_ref().map(|c| {
                        let e = self.lower_bool(&c.expr);
                        if c.unless {
                            self.push_expr(Expr::Not(e), c.expr.span())
                        } else {
                            e
                        }
                    });
                    let own = self.nodes[id.index()].cite.clone();
                    let cite = match &o.cite {
                        Some(c) => self.resolve_cite(c).unwrap_or(own),
                        None => own,
                    };
                    unit.obligations.push(self.obligations.len() as u32);
                    self.obligations.push(ir::Obligation {
                        text: o.text.value.clone(),
                        cite,
                        when,
                        span: o.span,
                    });
                }
                ast::Clause::Reading(r) => {
                    let reading = self.reading(r);
                    unit.readings.push(reading);
                }
                ast::Clause::Rule(own) => {
                    let mut rule = self.unit(id, &own.clauses, path);
                    rule.span = own.span;
                    if let Some(sentence) = &own.sentence {
                        self.sentence(id, sentence);
                        rule.sentence = Some(sentence.value.clone());
                    }
                    self.pending[id.index()].rules.push(rule);
                }
                ast::Clause::Subsection(child) => {
                    let c = self.provision(child, Some(id), path);
                    self.nodes[id.index()].children.push(c);
                }
            }
        }
        unit
    }

    fn marker(&mut self, m: &ast::Marker) {
        let cite = match (&m.cite, m.kind) {
            // Text we do not have cannot be checked against the text: it is not there.
            (ast::Cite::Local(path, _), MarkerKind::NotAvailable) => {
                let statute_sub = self.statute.as_ref().and_then(|s| {
                    s.text
                        .find(&path.iter().map(String::as_str).collect::<Vec<_>>())
                });
                Some(Cite {
                    full: ir::full_cite(&self.citation, path),
                    path: path.clone(),
                    subsection: statute_sub,
                })
            }
            (cite, _) => self.resolve_cite(cite),
        };
        let Some(cite) = cite else { return };
        if let Some(&node) = self.node_index.get(&cite.path) {
            let at = self.nodes[node.index()].label_span;
            if self.nodes[node.index()].marker.is_some() {
                self.error(marked_twice(&cite.full, m.cite.span(), at));
                return;
            }
            self.error(
                Diagnostic::new(
                    &code::duplicate_marker,
                    format!(
                        "`{}` is marked as not encoded but a provision encodes it",
                        cite.full
                    ),
                    m.cite.span(),
                )
                .label("marked here")
                .with_label(at, "encoded here")
                .help("remove the marker, or the provision"),
            );
            return;
        }
        if let Some(first) = self.markers.iter().find(|x| x.cite.full == cite.full) {
            let at = first.span;
            self.error(marked_twice(&cite.full, m.cite.span(), at));
            return;
        }
        self.markers.push(ir::Marker {
            kind: m.kind,
            cite,
            reason: m.reason.value.clone(),
            span: m.span,
        });
    }

    fn terms(&mut self, t: &ast::Terms) {
        for term in &t.terms {
            let meaning = term.meaning.as_ref().map(|m| self.lower_bool(m));
            self.terms.push(ir::Term {
                phrases: term
                    .phrases
                    .iter()
                    .map(|p| p.value.to_lowercase())
                    .collect(),
                meaning,
                span: self.ir_span(term.span),
            });
        }
    }

    /// Checks a rule's sentence against the statute text of its provision (`C024`): it
    /// quotes the law, so it must be there, word for word.
    fn sentence(&mut self, node: NodeId, sentence: &ast::Spanned<String>) {
        let cite = &self.nodes[node.index()].cite;
        let (Some(sub), Some(statute)) = (cite.subsection, self.statute.as_ref()) else {
            return;
        };
        if statute.text.says(sub, &sentence.value) {
            return;
        }
        let full = cite.full.clone();
        let label = statute.text.get(sub).label.clone();
        let related = Related {
            source: statute.source.clone(),
            message: format!("the text of {full} was searched"),
            label: Some(crate::diagnostic::Label {
                span: Span::new(label.start, label.end),
                text: format!("{full} is here"),
            }),
        };
        let (message, label) = if sentence.value.trim().is_empty() {
            ("this rule's sentence is empty".to_string(), "empty")
        } else {
            (
                format!("this rule's sentence is not in the text of `{full}`"),
                "not found in the statute text",
            )
        };
        self.error(
            Diagnostic::new(&code::sentence_not_in_text, message, sentence.span)
                .label(label)
                .with_related(related)
                .help(
                    "quote the statute word for word (line breaks and runs of blanks aside), \
                     or remove the sentence",
                ),
        );
    }

    /// Flattens deciding provisions into leaves: conditions, effect and obligations
    /// inherited from ancestors.
    fn leaves(&mut self) {
        // Nested markers become markers too, so coverage sees them.
        for i in 0..self.nodes.len() {
            if let Some((kind, reason)) = self.nodes[i].marker.clone() {
                let node = &self.nodes[i];
                self.markers.push(ir::Marker {
                    kind,
                    cite: node.cite.clone(),
                    reason,
                    span: node.span,
                });
            }
        }
        for i in 0..self.nodes.len() {
            let node = &self.nodes[i];
            if node.marker.is_some() {
                continue;
            }
            let rules = std::mem::take(&mut self.pending[i].rules);
            let decides = rules.is_empty()
                && node
                    .children
                    .iter()
                    .all(|c| self.nodes[c.index()].marker.is_some());
            let mut chain = vec![NodeId(i as u32)];
            let mut up = node.parent;
            while let Some(p) = up {
                chain.push(p);
                up = self.nodes[p.index()].parent;
            }
            chain.reverse();
            let mut base = Unit::default();
            for n in &chain {
                base.conditions
                    .extend(self.nodes[n.index()].conditions.iter().cloned());
                if let Some(e) = self.nodes[n.index()].effect {
                    base.effect = Some(e);
                    base.only_if = self.pending[n.index()].only_if;
                }
                base.obligations
                    .extend(self.pending[n.index()].obligations.iter().copied());
            }
            if decides {
                let span = self.nodes[i].label_span;
                if let Some(leaf) = self.push_leaf(i, &base, None, span) {
                    self.nodes[i].leaf = Some(leaf);
                }
            }
            for rule in rules {
                let span = if rule.span == Span::default() {
                    self.nodes[i].label_span
                } else {
                    rule.span
                };
                if let Some(leaf) = self.push_leaf(i, &base, Some(&rule), span) {
                    self.nodes[i].rules.push(leaf);
                    self.rule_overrides.push((leaf, rule.overrides));
                }
            }
        }
    }

    /// Adds a deciding leaf for provision `node`: its inherited clauses, plus a rule's.
    fn push_leaf(
        &mut self,
        node: usize,
        base: &Unit,
        rule: Option<&Unit>,
        span: Span,
    ) -> Option<LeafId> {
        let mut conjuncts = base.conditions.clone();
        let mut effect = base.effect;
        let mut only_if = base.only_if;
        let mut obligations = base.obligations.clone();
        let readings = rule.map(|r| r.readings.clone()).unwrap_or_default();
        let sentence = rule.and_then(|r| r.sentence.clone());
        if let Some(rule) = rule {
            conjuncts.extend(rule.conditions.iter().cloned());
            if rule.effect.is_some() {
                effect = rule.effect;
                only_if = rule.only_if;
            }
            obligations.extend(rule.obligations.iter().copied());
        }
        let Some(effect) = effect else {
            let cite = self.nodes[node].cite.full.clone();
            let label = if rule.is_some() {
                "this rule states no effect"
            } else {
                "this provision has no subsections, so it decides"
            };
            self.error(
                Diagnostic::new(&code::missing_effect, format!("`{cite}` decides nothing: it has no effect"), span)
                    .label(label)
                    .help("add `required`, `permitted`, `prohibited` or `out of scope`, here or on its parent"),
            );
            return None;
        };
        let leaf = LeafId(self.leaves.len() as u32);
        self.leaves.push(ir::Leaf {
            node: NodeId(node as u32),
            conjuncts,
            effect,
            only_if,
            obligations,
            overrides: Vec::new(),
            direct_overrides: Vec::new(),
            readings,
            sentence,
        });
        Some(leaf)
    }

    /// A `reading "…"`, reporting `C020` when it says nothing.
    fn reading(&mut self, r: &ast::Reading) -> ir::Reading {
        if r.text.value.trim().is_empty() {
            self.error(
                Diagnostic::new(
                    &code::empty_reading,
                    "this reading says nothing",
                    r.text.span,
                )
                .label("empty")
                .help(
                    "state the interpretive choice in words, e.g. `reading \"the meter \
                         number is customer information\"`, or remove the reading",
                ),
            );
        }
        ir::Reading {
            text: r.text.value.clone(),
            span: r.span,
        }
    }

    // ------------------------------------------------------------------ expressions

    pub(crate) fn push_expr(&mut self, e: Expr, span: Span) -> ExprId {
        let id = ExprId(self.exprs.len() as u32);
        self.exprs.push(e);
        let span = self.ir_span(span);
        self.expr_spans.push(span);
        id
    }

    fn unknown_name(&mut self, name: &str, span: Span) {
        if let Some(operator) = self.dangling_operator(span) {
            // `when x and` ending a line, then `(b) when …`: the label was read as a
            // parenthesised condition. Say so, at the operator that swallowed it.
            self.error(
                Diagnostic::new(
                    &code::unknown_name,
                    format!(
                        "the line before ends with `{}`, so the subsection label `({name})` is read as a condition",
                        operator.1
                    ),
                    span,
                )
                .label("read as a condition")
                .with_label(operator.0, "the condition continues past the line's end here")
                .help(format!(
                    "finish the condition before `{}`, or remove it; a subsection such as `({name}) when …` starts after a complete condition",
                    operator.1
                )),
            );
            return;
        }
        let candidates: Vec<&str> = self
            .fact_index
            .keys()
            .chain(self.def_index.keys())
            .map(String::as_str)
            .collect();
        let help = did_you_mean(name, candidates)
            .map(|s| format!("did you mean `{s}`?"))
            .unwrap_or_else(|| {
                "declare it in `vocabulary { … }` or define it with `define`".to_string()
            });
        self.error(
            Diagnostic::new(
                &code::unknown_name,
                format!("`{name}` is not a fact or definition"),
                span,
            )
            .label("not declared")
            .help(help),
        );
    }

    /// When `span` is a name alone in parentheses at the start of a line (`(b)`) and the line
    /// before ends with `and` or `or`: that operator's span and word.
    fn dangling_operator(&self, span: Span) -> Option<(Span, &'static str)> {
        let text = self.source_of(self.file).text();
        let (start, end) = (span.start as usize, span.end as usize);
        if !text.get(end..)?.starts_with(')') {
            return None;
        }
        let before = text.get(..start)?.strip_suffix('(')?;
        let line_start = before.trim_end_matches([' ', '\t']);
        let previous = line_start
            .strip_suffix('\n')?
            .trim_end_matches([' ', '\t', '\r']);
        ["and", "or"].into_iter().find_map(|word| {
            let rest = previous.strip_suffix(word)?;
            if rest.ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == '.') {
                return None;
            }
            Some((Span::new(rest.len(), rest.len() + word.len()), word))
        })
    }

    // ------------------------------------------------------------------ finish

    fn finish(self) -> Result<Policy, Vec<FileDiagnostics>> {
        if !self.diagnostics.is_empty() {
            let mut files: Vec<FileDiagnostics> = Vec::new();
            for file in 0..=self.siblings.len() {
                let mut diagnostics: Vec<Diagnostic> = self
                    .diagnostics
                    .iter()
                    .filter(|(at, _)| *at == file)
                    .map(|(_, d)| d.clone())
                    .collect();
                if diagnostics.is_empty() {
                    continue;
                }
                diagnostics.sort_by_key(|d| d.span().start);
                files.push(FileDiagnostics {
                    source: self.source_of(file).clone(),
                    diagnostics,
                });
            }
            return Err(files);
        }
        let Some(statute) = self.statute else {
            return Err(vec![FileDiagnostics {
                source: self.source.clone(),
                diagnostics: vec![Diagnostic::new(
                    &code::header_field,
                    "the header names no statute text",
                    self.header_span,
                )],
            }]);
        };
        let definitions = self.definitions.into_iter().flatten().collect();
        let mut thresholds = self.thresholds;
        for t in &mut thresholds {
            t.sort_by(f64::total_cmp);
            t.dedup();
        }
        Ok(Policy {
            citation: self.citation,
            title: self.title.unwrap_or_default(),
            jurisdiction: self.jurisdiction.unwrap_or_default(),
            effective: self.effective,
            current_through: self.current_through,
            source: self.source.clone(),
            siblings: self.siblings,
            statute,
            references: self.references,
            fact_groups: fact_groups(&self.facts),
            facts: self.facts,
            fact_index: self.fact_index,
            definitions,
            exprs: self.exprs,
            expr_spans: self.expr_spans,
            nodes: self.nodes,
            leaves: self.leaves,
            obligations: self.obligations,
            markers: self.markers,
            terms: self.terms,
            tests: self.tests,
            background: self.background,
            thresholds,
        })
    }
}

impl Checker<'_> {
    /// `C022`: a value written in the policy (a default, a test's given) outside the range
    /// its fact declares.
    pub(crate) fn outside_range(
        &self,
        fact: &ir::Fact,
        value: &Value,
        at: Span,
        what: &str,
    ) -> Diagnostic {
        let range = fact.bounds().join(" ");
        let d = Diagnostic::new(
            &code::outside_range,
            format!(
                "`{}` lies outside the range of `{}` (`{range}`)",
                fact.show(value),
                fact.name
            ),
            at,
        )
        .label(format!("{what}, outside `{range}`"))
        .help("give a value within the range, or widen the range in the vocabulary");
        self.also_at(d, 0, fact.span, &format!("declared `{range}` here"))
    }
}

/// `C018`: a subsection marked `not encoded` / `not available` a second time.
fn marked_twice(full_cite: &str, again: Span, first: Span) -> Diagnostic {
    Diagnostic::new(
        &code::duplicate_marker,
        format!("`{full_cite}` is marked twice"),
        again,
    )
    .label("marked again here")
    .with_label(first, "first marked here")
    .help("keep one marker")
}

/// Parses a written path such as `(3)(a)` or `710.6(B)(5)` into segments.
pub fn parse_path(text: &str) -> Option<Vec<String>> {
    let text = text.trim().trim_start_matches('§').trim();
    let mut segments = Vec::new();
    let mut rest = text;
    if !rest.starts_with('(') {
        let end = rest.find('(').unwrap_or(rest.len());
        let section = &rest[..end];
        if section.is_empty() || !section.chars().all(|c| c.is_ascii_digit() || c == '.') {
            return None;
        }
        segments.push(crate::statute::section_key(section));
        rest = &rest[end..];
    }
    while !rest.is_empty() {
        let inner = rest.strip_prefix('(')?;
        let close = inner.find(')')?;
        let key = &inner[..close];
        if key.is_empty() || !key.chars().all(|c| c.is_ascii_alphanumeric()) {
            return None;
        }
        segments.push(key.to_string());
        rest = &inner[close + 1..];
    }
    (!segments.is_empty()).then_some(segments)
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => e.to_string(),
    }
}

/// Every proper prefix of the dotted fact names.
fn fact_groups(facts: &[crate::ir::Fact]) -> rustc_hash::FxHashSet<String> {
    let mut groups = rustc_hash::FxHashSet::default();
    for f in facts {
        for (dot, _) in f.name.match_indices('.') {
            groups.insert(f.name.get(..dot).unwrap_or("").to_string());
        }
    }
    groups
}
