//! JUnit XML for CI dashboards (`juris test --junit report.xml`): one `<testsuite>` per
//! policy, one `<testcase>` per test, a `<failure>` with the message (what differs) and,
//! as its text, expected and actual side by side with the golden diff.

use crate::ir::Policy;
use crate::suite::{self, TestResult};
use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite, XmlString};
use std::time::Duration;

/// One policy's test results, each with the time it took.
pub struct PolicyRun<'p> {
    /// The policy.
    pub policy: &'p Policy,
    /// Its tests' results and times, in order.
    pub results: Vec<(TestResult<'p>, Duration)>,
}

/// The JUnit XML report of a test run.
pub fn report(runs: &[PolicyRun]) -> Result<String, String> {
    let mut report = Report::new("juris test");
    for run in runs {
        let policy = run.policy;
        let mut suite = TestSuite::new(policy.citation.as_str());
        suite.add_property(("file", policy.source.name()));
        suite.add_property(("jurisdiction", policy.jurisdiction.as_str()));
        let mut total = Duration::ZERO;
        for (result, time) in &run.results {
            total += *time;
            let status = if result.passed() {
                TestCaseStatus::success()
            } else {
                let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
                status
                    .set_message(result.failures.join("; "))
                    .set_type("T001 test-failed")
                    .set_description(match result.golden_diff() {
                        Some(diff) => format!("{}\n{diff}", suite::side_by_side(policy, result)),
                        None => suite::side_by_side(policy, result),
                    });
                status
            };
            let mut case = TestCase::new(result.test.name.as_str(), status);
            let (file, at) = policy.locate(result.test.span);
            let (line, _) = file.line_col(at.start as usize);
            case.set_classname(policy.citation.as_str()).set_time(*time);
            case.extra
                .insert(XmlString::new("file"), XmlString::new(file.name()));
            case.extra
                .insert(XmlString::new("line"), XmlString::new(line.to_string()));
            suite.add_test_case(case);
        }
        suite.set_time(total);
        report.add_test_suite(suite);
    }
    report.to_string().map_err(|e| e.to_string())
}
