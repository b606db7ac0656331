//! Policy tests: the facts a test gives are checked like any request's, with diagnostics
//! pointing into the policy; its expected cites are checked against the statute text.

use super::Checker;
use crate::ast;
use crate::diagnostic::{code, Diagnostic};
use crate::ir::Outcome;

impl Checker<'_> {
    pub(super) fn test(&mut self, t: &ast::Test) {
        let mut givens = Vec::with_capacity(t.given.len());
        let mut ok = true;
        for (fact, value) in &t.given {
            let Some(&id) = self.fact_index.get(&fact.value) else {
                self.unknown_name(&fact.value, fact.span);
                ok = false;
                continue;
            };
            let declared = &self.facts[id.index()];
            match super::expr::literal_value(&declared.ty, value) {
                Some(v) if !declared.in_range(&v) => {
                    let d = super::outside_range(declared, &v, value.span(), "given by this test");
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
                    self.error(
                        Diagnostic::new(
                            code,
                            format!("`{}` must be {ty}", fact.value),
                            value.span(),
                        )
                        .label("not a value of this fact")
                        .with_label(decl, "declared here")
                        .help(help),
                    );
                    ok = false;
                }
            }
        }
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
        if !ok {
            return;
        }
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
        self.tests.push(crate::ir::Test {
            name: t.name.value.clone(),
            givens,
            outcome,
            cites,
            obligations,
            depends_on,
            explanation: t.expect.explanation.as_ref().map(|e| e.value.clone()),
            span: t.span,
            expect_span: t.expect.span,
        });
    }
}
