//! `L004 unused-fact`: a fact of the vocabulary that no provision condition, `only if`,
//! obligation condition or definition reads. Terms and tests do not count: a fact only
//! they mention changes no decision. (A fact read only by an unused definition is not
//! reported: `L005` reports the definition.)

use super::{roots, walk};
use crate::diagnostic::{code, Diagnostic};
use crate::ir::Policy;

pub(super) fn check(policy: &Policy, out: &mut Vec<Diagnostic>) {
    let mut read = vec![false; policy.facts.len()];
    let mut exprs = roots(policy);
    exprs.extend(policy.definitions.iter().map(|d| d.expr));
    walk(
        policy,
        &exprs,
        &mut |fact| {
            if let Some(r) = read.get_mut(fact.index()) {
                *r = true;
            }
        },
        &mut |_| {},
    );
    let mut in_terms = vec![false; policy.facts.len()];
    let terms: Vec<_> = policy.terms.iter().filter_map(|t| t.meaning).collect();
    walk(
        policy,
        &terms,
        &mut |fact| {
            if let Some(t) = in_terms.get_mut(fact.index()) {
                *t = true;
            }
        },
        &mut |_| {},
    );
    for ((fact, used), term) in policy.facts.iter().zip(read).zip(in_terms) {
        if used {
            continue;
        }
        let (label, help) = if term {
            (
                "declared here, read only by a term",
                "terms translate a question's words into facts, but a fact that no condition reads changes no decision: encode the provision that reads it, or remove it",
            )
        } else {
            (
                "declared here, never read",
                "encode the provision that reads it, or remove it from the vocabulary",
            )
        };
        out.push(
            Diagnostic::new(
                &code::unused_fact,
                format!(
                    "`{}` is read by no provision, obligation or definition",
                    fact.name
                ),
                fact.span,
            )
            .label(label)
            .help(help),
        );
    }
}
