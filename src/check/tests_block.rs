//! Policy tests: the facts a test gives are checked like any request's, with diagnostics
//! pointing into the file the test is in; its expected cites are checked against the
//! statute text. A `background` gives every test the same facts; a test's own given for a
//! fact replaces the background's.

use super::Checker;
use crate::ast;
use crate::diagnostic::{code, Diagnostic};
use crate::ir::{FactId, Outcome};
use crate::value::Value;

impl Checker<'_> {
    /// Checks the background (the first one: a second is `C023`, see `parts.rs`).
    pub(super) fn background(&mut self, b: &ast::Background) {
        if let Some(givens) = self.givens(&b.given, "given by the background") {
            if self.background.is_empty() {
                self.background = givens;
            }
        }
    }

    /// The facts a test or the background gives, checked like a request's; `None` when
    /// one of them is not a fact or not a value of its fact (each reported).
    fn givens(
        &mut self,
        given: &[(ast::Spanned<String>, ast::Value)],
        what: &str,
    ) -> Option<Vec<(FactId, Value)>> {
        let mut givens = Vec::with_capacity(given.len());
        let mut ok = true;
        for (fact, value) in given {
            let Some(&id) = self.fact_index.get(&fact.value) else {
                self.unknown_name(&fact.value, fact.span);
                ok = false;
                continue;
            };
            let declared = &self.facts[id.index()];
            match super::expr::literal_value(&declared.ty, value) {
                Some(v) if !declared.in_range(&v) => {
                    let d = self.outside_range(declared, &v, value.span(), what);
                    self.error(d);
                    ok = false;
                }
                Some(v) => givens.push((id, v)),
                None => {
                    let (ty, decl) = (declared.ty.describe(), declared.span);
                    let members = declared.ty.members().to_vec();
                    let help = match (value, members.is_empty()) {
                        (ast::Value::Name(n, _), false) => {
                            crate::diagnostic::did_you_mean(n, members.iter().map(String::as_str))
                                .map(|s| format!("did you mean `{s}`?"))
                                .unwrap_or_else(|| format!("`{}` is {ty}", fact.value))
                        }
                        _ => format!("`{}` is {ty}", fact.value),
                    };
                    let code = if matches!(value, ast::Value::Name(..)) && !members.is_empty() {
                        &code::unknown_member
                    } else {
                        &code::type_mismatch
                    };
                    let d = Diagnostic::new(
                        code,
                        format!("`{}` must be {ty}", fact.value),
                        value.span(),
                    )
                    .label("not a value of this fact")
                    .help(help);
                    let d = self.also_at(d, 0, decl, "declared here");
                    self.error(d);
                    ok = false;
                }
            }
        }
        ok.then_some(givens)
    }

    pub(super) fn test(&mut self, t: &ast::Test) {
        let own = self.givens(&t.given, "given by this test");
        let outcome = match Outcome::parse(&t.expect.outcome.value) {
            Some(o) => o,
            None => return,
        };
        let cite_list = |cites: &Option<Vec<ast::Cite>>, this: &mut Self| -> Option<Vec<String>> {
            cites.as_ref().map(|cs| {
                cs.iter()
                    .filter_map(|c| this.resolve_cite(c).map(|c| c.full))
                    .collect()
            })
        };
        let cites = cite_list(&t.expect.cites, self);
        let obligations = cite_list(&t.expect.obligations, self);
        let mut depends_on = None;
        if let Some(names) = &t.expect.depends_on {
            let mut list = Vec::new();
            for n in names {
                if self.fact_index.contains_key(&n.value) {
                    list.push(n.value.clone());
                } else {
                    self.unknown_name(&n.value, n.span);
                }
            }
            depends_on = Some(list);
        }
        let Some(own) = own else {
            return;
        };
        if self.tests.iter().any(|x| x.name == t.name.value) {
            self.error(
                Diagnostic::new(
                    &code::duplicate_definition,
                    format!("two tests are named `{}`", t.name.value),
                    t.name.span,
                )
                .label("named again here")
                .help("give each test its own name"),
            );
        }
        // The background's givens the test does not replace, then the test's own.
        let mut givens: Vec<(FactId, Value)> = self
            .background
            .iter()
            .filter(|(fact, _)| !own.iter().any(|(f, _)| f == fact))
            .cloned()
            .collect();
        givens.extend(own);
        self.tests.push(crate::ir::Test {
            name: t.name.value.clone(),
            givens,
            outcome,
            cites,
            obligations,
            depends_on,
            explanation: t.expect.explanation.as_ref().map(|e| e.value.clone()),
            span: self.ir_span(t.span),
            expect_span: self.ir_span(t.expect.span),
        });
    }
}
