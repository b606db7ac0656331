//! The static analyses scale by construction: on the generated policy shaped like OAR
//! 860-086-0030 (`juris_bench::oregon`), twice the provisions cost about twice the work —
//! pairs of provisions compared, searches, search steps — never four times, as comparing
//! every pair did. The work is counted, not timed; the 3 MB policy is a benchmark
//! (`cargo bench -p juris-bench --bench decision -- lint`).

#![allow(clippy::expect_used, clippy::panic)]

use juris::lint::{lint_with_work, Options, Work};
use juris_bench::oregon;

/// The findings' codes and the work of linting the generated policy of `n` provisions.
fn lint(n: usize) -> (Vec<&'static str>, Work) {
    let policy = oregon::compile(n).unwrap_or_else(|e| panic!("{n} provisions: {e}"));
    assert_eq!(policy.leaves.len(), oregon::provisions(n));
    let (findings, work) = lint_with_work(&policy, &Options::default());
    (findings.iter().map(|d| d.code.code).collect(), work)
}

#[test]
fn twice_the_provisions_cost_about_twice_the_work() {
    let (small_findings, small) = lint(402);
    let (large_findings, large) = lint(802);
    eprintln!("402 provisions: {small:?}\n802 provisions: {large:?}");
    // Clean at both sizes: no conflict, nothing unreachable, and nothing left undecided.
    assert!(small_findings.is_empty(), "{small_findings:?}");
    assert!(large_findings.is_empty(), "{large_findings:?}");
    // Some work is done: pairs within a usage band are compared and searched.
    assert!(
        small.compared > 0 && small.searches > 0 && small.steps > 0,
        "{small:?}"
    );
    let at_most = |what: &str, s: usize, l: usize| {
        assert!(
            2 * l <= 5 * s,
            "{what}: {s} for 402 provisions, {l} for 802: more than 2.5 times"
        );
    };
    at_most("pairs compared", small.compared, large.compared);
    at_most("searches", small.searches, large.searches);
    at_most("search steps", small.steps, large.steps);
}
