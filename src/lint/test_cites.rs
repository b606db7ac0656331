//! `L006 test-without-cites`: a test that states the outcome it expects but not the
//! provisions that decide it, so a change in *why* the policy decides goes unnoticed.

use crate::diagnostic::{code, Diagnostic};
use crate::eval::Compiled;
use crate::ir::Policy;

pub(super) fn check(policy: &Policy, compiled: &Compiled, out: &mut Vec<Diagnostic>) {
    for test in &policy.tests {
        if test.cites.is_some() {
            continue;
        }
        let decision = compiled.decide(&test.request(policy));
        let mut cites: Vec<String> = Vec::new();
        for &leaf in &decision.cites {
            let local = crate::statute::StatuteText::display_path(
                &policy.node(policy.leaf(leaf).node).cite.path,
            );
            if !cites.contains(&local) {
                cites.push(local);
            }
        }
        let now = if cites.is_empty() {
            format!(
                "the policy decides `{}` citing nothing: write `cites` alone",
                decision.outcome.as_str()
            )
        } else {
            format!(
                "the policy decides `{}` citing {}: write `cites {}`",
                decision.outcome.as_str(),
                cites.join(", "),
                cites.join(", ")
            )
        };
        out.push(
            Diagnostic::new(
                &code::test_without_cites,
                format!("test `{}` expects an outcome but no cites", test.name),
                test.expect_span,
            )
            .label("no `cites`")
            .help(now),
        );
    }
}
