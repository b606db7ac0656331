//! A test written for a provision: a request under which the provision decides (the
//! reachability search's witness, [`crate::lint::witness`]), and the decision, cites and
//! obligations the policy gives it today. The test pins what the policy does now, so that
//! a later change to it shows in review; a lawyer reads the request and the expectation and
//! keeps the test only if that is what the law says.

use crate::ast::SiblingKind;
use crate::eval;
use crate::ir::{LeafId, Policy, Test};
use crate::lint::{self, Witness};
use crate::statute::StatuteText;
use crate::value::Value;
use std::fmt::Write as _;

/// A test written for a provision, not yet in any file.
#[derive(Clone, Debug, PartialEq)]
pub struct NewTest {
    /// Its name: the provision's cite and the decision (`(3)(a) decides: prohibited`),
    /// numbered when a test of that name exists.
    pub name: String,
    /// The `test "…" { … }` block as `juris fmt` writes it, ending in a newline: to be added
    /// to the file the policy's tests are in ([`Policy::tests_file`]).
    pub text: String,
}

/// Why no test is written for a provision.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NoTest {
    /// The provision never decides (`L002`): no request makes it decide.
    NeverDecides,
    /// The search could not find a request under which it decides within its budget.
    NotFound,
    /// The request's answer still depends on facts it does not give.
    Undetermined,
}

impl std::fmt::Display for NoTest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            NoTest::NeverDecides => "the provision never decides, so no test can exercise it",
            NoTest::NotFound => {
                "no request under which the provision decides was found within the search budget"
            }
            NoTest::Undetermined => {
                "the answer still depends on facts the request does not give, so there is no decision to pin"
            }
        })
    }
}

/// Writes a test for the deciding provision `leaf`: the facts a request needs for it to
/// decide (beyond the tests' background), and the decision, cites and obligations the
/// policy gives that request. The test passes against the policy as it is (it is run
/// before it is returned).
pub fn test_for_provision(policy: &Policy, leaf: LeafId) -> Result<NewTest, NoTest> {
    test_from(policy, leaf, &policy.background)
}

/// Writes a test for a near miss of the test `from` (a provision that would have decided
/// otherwise, [`crate::explain::Explanation::near_misses`]): `from`'s request, with the
/// facts changed or added that make `leaf` decide, and what the policy decides then. It
/// shows the lawyer the case beside the one they wrote that the law treats otherwise.
pub fn test_for_near_miss(policy: &Policy, leaf: LeafId, from: &Test) -> Result<NewTest, NoTest> {
    test_from(policy, leaf, &from.givens)
}

/// A test under which `leaf` decides, from the facts `base` gives (a witness may give a
/// fact of `base` another value); only what differs from the tests' background is written.
fn test_from(
    policy: &Policy,
    leaf: LeafId,
    base: &[(crate::ir::FactId, Value)],
) -> Result<NewTest, NoTest> {
    let givens = match lint::witness(policy, leaf, base, &lint::Options::default()) {
        Witness::Decides(givens) => givens,
        Witness::Never => return Err(NoTest::NeverDecides),
        Witness::Undecided => return Err(NoTest::NotFound),
    };
    let mut all: Vec<_> = base
        .iter()
        .filter(|(f, _)| !givens.iter().any(|(g, _)| g == f))
        .cloned()
        .collect();
    all.extend(givens);
    // The search finds some request, not the nearest one: each fact it gave another value
    // than `base` gets `base`'s back where the provision still decides with it, so that a
    // near miss's test differs from the test it came from only where it must.
    for (fact, value) in base {
        let Some(at) = all.iter().position(|(f, v)| f == fact && v != value) else {
            continue;
        };
        let was = std::mem::replace(&mut all[at].1, value.clone());
        if !decides(policy, leaf, &all) {
            all[at].1 = was;
        }
    }
    write_test(policy, all, |outcome| name(policy, leaf, outcome))
}

/// Writes a test of the request `givens` make (a lawyer's facts, saved as a test from the
/// workbench): the decision, cites and obligations the policy gives it today, named
/// `name` or, when `None`, after the first provision that decides
/// (`(2)(h) decides: required`). No test is written for an undetermined decision (the
/// answer still depends on a fact: [`NoTest::Undetermined`]).
pub fn test_for_request(
    policy: &Policy,
    givens: Vec<(crate::ir::FactId, Value)>,
    name: Option<&str>,
) -> Result<NewTest, NoTest> {
    let decision = eval::decide(
        policy,
        &crate::request::Request::with_givens(policy, &givens),
    );
    if decision.outcome == eval::Outcome::Undetermined {
        return Err(NoTest::Undetermined);
    }
    let first = decision.cites.first().copied();
    write_test(policy, givens, |outcome| match (name, first) {
        (Some(name), _) => unique(policy, name.trim().to_string()),
        (None, Some(leaf)) => self::name(policy, leaf, outcome),
        (None, None) => unique(
            policy,
            format!("{} decides: {}", policy.citation, outcome.as_str()),
        ),
    })
}

/// The test of the request `all` make, named by `name` from its outcome, checked to pass.
fn write_test(
    policy: &Policy,
    all: Vec<(crate::ir::FactId, Value)>,
    name: impl FnOnce(eval::Outcome) -> String,
) -> Result<NewTest, NoTest> {
    // What the background gives already is not written again.
    let own: Vec<_> = all
        .iter()
        .filter(|g| !policy.background.contains(g))
        .cloned()
        .collect();
    let mut test = Test {
        name: String::new(),
        givens: all,
        outcome: eval::Outcome::NotAddressed,
        cites: None,
        obligations: None,
        depends_on: None,
        explanation: None,
        span: Default::default(),
        expect_span: Default::default(),
    };
    let decision = eval::decide(policy, &test.request(policy));
    let cites: Vec<String> = eval::cite_strings(policy, &decision)
        .into_iter()
        .map(str::to_string)
        .collect();
    let obligations = super::obligation_cites(policy, &decision);
    test.name = name(decision.outcome);
    test.outcome = decision.outcome;
    test.cites = Some(cites.clone());
    test.obligations = (!obligations.is_empty()).then(|| obligations.clone());
    if !super::run_one(policy, &test).passed() {
        return Err(NoTest::NotFound);
    }

    let mut text = format!("test {} {{\n", crate::fmt::quote(&test.name));
    for (fact, value) in &own {
        let f = policy.fact(*fact);
        let shown = match value {
            Value::Text(t) => crate::fmt::quote(t),
            v => f.show(v),
        };
        let _ = writeln!(text, "  {} = {shown}", f.name);
    }
    let written =
        |list: &[String]| -> Vec<String> { list.iter().map(|c| written_cite(policy, c)).collect() };
    let _ = write!(text, "  expect {}", decision.outcome.as_str());
    let _ = write!(text, " cites {}", written(&cites).join(", "));
    if !obligations.is_empty() {
        let _ = write!(text, " obligations {}", written(&obligations).join(", "));
    }
    text.push_str("\n}\n");
    // The one layout: what `juris fmt` writes.
    let text = crate::fmt::format_sibling(&text, SiblingKind::Tests).unwrap_or(text);
    Ok(NewTest {
        name: test.name,
        text,
    })
}

/// Whether `leaf` is among the provisions that decide the request `givens` make.
fn decides(policy: &Policy, leaf: LeafId, givens: &[(crate::ir::FactId, Value)]) -> bool {
    let decision = eval::decide(
        policy,
        &crate::request::Request::with_givens(policy, givens),
    );
    decision.outcome != eval::Outcome::Undetermined && decision.cites.contains(&leaf)
}

/// `(3)(a) decides: prohibited`; a rule of a provision with several is numbered (`(3)(a)
/// rule 2 decides: …`), and a name a test has already is followed by ` (2)`, ` (3)`, ….
fn name(policy: &Policy, leaf: LeafId, outcome: eval::Outcome) -> String {
    let node = policy.node(policy.leaf(leaf).node);
    let mut cite = StatuteText::display_path(&node.cite.path);
    if node.rules.len() > 1 {
        if let Some(i) = node.rules.iter().position(|&r| r == leaf) {
            let _ = write!(cite, " rule {}", i + 1);
        }
    }
    unique(policy, format!("{cite} decides: {}", outcome.as_str()))
}

/// `base`, or followed by ` (2)`, ` (3)`, … when a test of the policy has that name.
fn unique(policy: &Policy, base: String) -> String {
    let taken = |n: &str| policy.tests.iter().any(|t| t.name == n);
    if !taken(&base) {
        return base;
    }
    (2..)
        .map(|k| format!("{base} ({k})"))
        .find(|n| !taken(n))
        .unwrap_or(base)
}

/// A cite as a test writes it: this policy's own without its prefix (`(3)(a)`), another
/// instrument's in quotes.
fn written_cite(policy: &Policy, full: &str) -> String {
    match full.strip_prefix(policy.citation.as_str()) {
        Some(rest) if rest.starts_with('(') || rest.starts_with(' ') => {
            let rest = rest.trim_start();
            if rest.starts_with(['(', '§']) || rest.starts_with(|c: char| c.is_ascii_digit()) {
                rest.to_string()
            } else {
                crate::fmt::quote(full)
            }
        }
        _ => crate::fmt::quote(full),
    }
}
