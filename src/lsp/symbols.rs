//! Document symbols: the outline of a policy file as the statute's, provisions nested as
//! the law nests them, with the vocabulary, definitions, markers and tests beside them.

use super::analysis::FileState;
use crate::ast::{Clause, Item, MarkerKind, Provision};
use crate::source::Span;
use crate::statute::StatuteText;
use lsp_types::{DocumentSymbol, SymbolKind};

/// The outline of a file that parses (empty otherwise).
pub fn outline(file: &FileState) -> Vec<DocumentSymbol> {
    let Some(tree) = &file.tree else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for item in tree.items() {
        match item {
            Item::Vocabulary(v) => {
                let facts = v
                    .facts
                    .iter()
                    .map(|f| {
                        let detail = Some(f.meaning.value.clone());
                        symbol(
                            file,
                            &f.name.value,
                            detail,
                            SymbolKind::FIELD,
                            f.span,
                            f.name.span,
                            Vec::new(),
                        )
                    })
                    .collect();
                out.push(symbol(
                    file,
                    "vocabulary",
                    None,
                    SymbolKind::NAMESPACE,
                    v.span,
                    v.span,
                    facts,
                ));
            }
            Item::Terms(t) => {
                out.push(symbol(
                    file,
                    "terms",
                    None,
                    SymbolKind::NAMESPACE,
                    t.span,
                    t.span,
                    Vec::new(),
                ));
            }
            Item::Definition(d) => {
                let detail = Some(file.source.slice(d.cite.span()).to_string());
                out.push(symbol(
                    file,
                    &d.name.value,
                    detail,
                    SymbolKind::FUNCTION,
                    d.span,
                    d.name.span,
                    Vec::new(),
                ));
            }
            Item::Provision(p) => out.push(provision(file, p, &[])),
            Item::Marker(m) => {
                let kind = match m.kind {
                    MarkerKind::NotEncoded => "not encoded",
                    MarkerKind::NotAvailable => "not available",
                };
                let name = format!("{} {kind}", file.source.slice(m.cite.span()));
                let detail = Some(m.reason.value.clone());
                out.push(symbol(
                    file,
                    &name,
                    detail,
                    SymbolKind::NULL,
                    m.span,
                    m.cite.span(),
                    Vec::new(),
                ));
            }
            Item::Background(b) => {
                out.push(symbol(
                    file,
                    "background",
                    None,
                    SymbolKind::NAMESPACE,
                    b.span,
                    b.span,
                    Vec::new(),
                ));
            }
            Item::Test(t) => {
                let detail = Some(format!("expect {}", t.expect.outcome.value));
                out.push(symbol(
                    file,
                    &t.name.value,
                    detail,
                    SymbolKind::METHOD,
                    t.span,
                    t.name.span,
                    Vec::new(),
                ));
            }
        }
    }
    out
}

fn provision(file: &FileState, p: &Provision, parent: &[String]) -> DocumentSymbol {
    let mut path = parent.to_vec();
    path.push(p.label.key.clone());
    let mut children = Vec::new();
    collect(file, &p.clauses, &path, &mut children);
    let detail = match (&p.title, &p.marker) {
        (Some(title), _) => Some(title.value.clone()),
        (None, Some((_, reason))) => Some(format!("not encoded: {}", reason.value)),
        _ => None,
    };
    symbol(
        file,
        &StatuteText::display_path(&path),
        detail,
        SymbolKind::MODULE,
        p.span,
        p.label.span,
        children,
    )
}

fn collect(file: &FileState, clauses: &[Clause], path: &[String], out: &mut Vec<DocumentSymbol>) {
    for clause in clauses {
        match clause {
            Clause::Subsection(sub) => out.push(provision(file, sub, path)),
            Clause::Rule(rule) => {
                let detail = rule.sentence.as_ref().map(|s| s.value.clone());
                let mut children = Vec::new();
                collect(file, &rule.clauses, path, &mut children);
                let at = rule.sentence.as_ref().map_or(rule.span, |s| s.span);
                out.push(symbol(
                    file,
                    "rule",
                    detail,
                    SymbolKind::EVENT,
                    rule.span,
                    at,
                    children,
                ));
            }
            _ => {}
        }
    }
}

#[allow(deprecated)] // `deprecated` is a field the type still requires.
fn symbol(
    file: &FileState,
    name: &str,
    detail: Option<String>,
    kind: SymbolKind,
    span: Span,
    selection: Span,
    children: Vec<DocumentSymbol>,
) -> DocumentSymbol {
    let text = file.text();
    DocumentSymbol {
        // The protocol refuses an empty name.
        name: if name.is_empty() {
            "_".to_string()
        } else {
            name.to_string()
        },
        detail,
        kind,
        tags: None,
        deprecated: None,
        range: file.lines.range(text, span),
        selection_range: file.lines.range(text, selection),
        children: (!children.is_empty()).then_some(children),
    }
}
