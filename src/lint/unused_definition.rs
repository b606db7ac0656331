//! `L005 unused-definition`: a definition that no provision condition, `only if` or
//! obligation condition reaches, directly or through other definitions. Terms do not
//! count. (Every definition cites the text it encodes: the grammar requires it.)

use super::{roots, walk};
use crate::diagnostic::{code, Diagnostic};
use crate::ir::Policy;

pub(super) fn check(policy: &Policy, out: &mut Vec<Diagnostic>) {
    let mut used = vec![false; policy.definitions.len()];
    walk(policy, &roots(policy), &mut |_| {}, &mut |def| {
        if let Some(u) = used.get_mut(def.index()) {
            *u = true;
        }
    });
    for (def, used) in policy.definitions.iter().zip(used) {
        if used {
            continue;
        }
        out.push(
            Diagnostic::new(
                &code::unused_definition,
                format!("`{}` is used by no provision or obligation", def.name),
                def.span,
            )
            .label("defined here, never used")
            .help(format!(
                "use it in the condition of the provision that relies on {}, or remove it",
                def.cite.full
            )),
        );
    }
}
