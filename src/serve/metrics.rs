//! The service's metrics, written as Prometheus text (`GET /metrics`): decisions by
//! outcome, decision latency as a histogram, refused requests by code, errors, reloads.
//! Counters are atomics: recording one costs a few uncontended adds.

use crate::batch::OUTCOMES;
use crate::eval::Outcome;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::Mutex;
use std::time::Duration;

/// The latency histogram's upper bounds, in seconds.
const BUCKETS: [f64; 12] = [
    0.000_05, 0.000_1, 0.000_25, 0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.025, 0.05, 0.1, 1.0,
];

/// The service's counters.
#[derive(Default)]
pub struct Metrics {
    decisions: [AtomicU64; 6],
    buckets: [AtomicU64; BUCKETS.len()],
    latency_count: AtomicU64,
    latency_micros: AtomicU64,
    refused: Mutex<BTreeMap<&'static str, u64>>,
    errors: AtomicU64,
    reloads_ok: AtomicU64,
    reloads_failed: AtomicU64,
    batch_lines: AtomicU64,
}

impl Metrics {
    /// Counts a decision and how long it took (reading the body to writing the answer).
    pub fn decided(&self, outcome: Outcome, took: Duration) {
        if let Some(i) = OUTCOMES.iter().position(|o| *o == outcome) {
            if let Some(c) = self.decisions.get(i) {
                c.fetch_add(1, Relaxed);
            }
        }
        self.latency(took);
    }

    /// Counts decisions made in a batch.
    pub fn decided_in_batch(&self, summary: &crate::batch::Summary) {
        for (counter, n) in self.decisions.iter().zip(summary.outcomes) {
            counter.fetch_add(n, Relaxed);
        }
        self.batch_lines.fetch_add(summary.lines, Relaxed);
        for _ in 0..summary.errors {
            self.refused("batch-line");
        }
    }

    fn latency(&self, took: Duration) {
        let seconds = took.as_secs_f64();
        for (bound, bucket) in BUCKETS.iter().zip(&self.buckets) {
            if seconds <= *bound {
                bucket.fetch_add(1, Relaxed);
            }
        }
        self.latency_count.fetch_add(1, Relaxed);
        self.latency_micros
            .fetch_add(u64::try_from(took.as_micros()).unwrap_or(u64::MAX), Relaxed);
    }

    /// Counts a refused request, by its code (`R001`).
    pub fn refused(&self, code: &'static str) {
        if let Ok(mut refused) = self.refused.lock() {
            *refused.entry(code).or_default() += 1;
        }
    }

    /// Counts an error of the service itself (a decision log that cannot be written).
    pub fn error(&self) {
        self.errors.fetch_add(1, Relaxed);
    }

    /// Counts a reload.
    pub fn reloaded(&self, ok: bool) {
        if ok {
            self.reloads_ok.fetch_add(1, Relaxed);
        } else {
            self.reloads_failed.fetch_add(1, Relaxed);
        }
    }

    /// The metrics in the Prometheus text format.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "# HELP juris_decisions_total Decisions made, by outcome.\n# TYPE juris_decisions_total counter"
        );
        for (outcome, n) in OUTCOMES.iter().zip(&self.decisions) {
            let _ = writeln!(
                out,
                "juris_decisions_total{{outcome=\"{}\"}} {}",
                outcome.as_str(),
                n.load(Relaxed)
            );
        }
        let _ = writeln!(
            out,
            "# HELP juris_decision_duration_seconds Time to decide a request, body read to answer written.\n# TYPE juris_decision_duration_seconds histogram"
        );
        for (bound, bucket) in BUCKETS.iter().zip(&self.buckets) {
            let _ = writeln!(
                out,
                "juris_decision_duration_seconds_bucket{{le=\"{bound}\"}} {}",
                bucket.load(Relaxed)
            );
        }
        let count = self.latency_count.load(Relaxed);
        let _ = writeln!(
            out,
            "juris_decision_duration_seconds_bucket{{le=\"+Inf\"}} {count}\njuris_decision_duration_seconds_sum {}\njuris_decision_duration_seconds_count {count}",
            self.latency_micros.load(Relaxed) as f64 / 1e6
        );
        let _ = writeln!(
            out,
            "# HELP juris_refused_requests_total Requests refused as invalid, by code.\n# TYPE juris_refused_requests_total counter"
        );
        if let Ok(refused) = self.refused.lock() {
            for (code, n) in refused.iter() {
                let _ = writeln!(out, "juris_refused_requests_total{{code=\"{code}\"}} {n}");
            }
        }
        let _ = writeln!(
            out,
            "# HELP juris_batch_lines_total Lines read by /v1/batch.\n# TYPE juris_batch_lines_total counter\njuris_batch_lines_total {}",
            self.batch_lines.load(Relaxed)
        );
        let _ = writeln!(
            out,
            "# HELP juris_errors_total Errors of the service itself (e.g. the decision log could not be written).\n# TYPE juris_errors_total counter\njuris_errors_total {}",
            self.errors.load(Relaxed)
        );
        let _ = writeln!(
            out,
            "# HELP juris_reloads_total Policy reloads, by result.\n# TYPE juris_reloads_total counter\njuris_reloads_total{{result=\"ok\"}} {}\njuris_reloads_total{{result=\"failed\"}} {}",
            self.reloads_ok.load(Relaxed),
            self.reloads_failed.load(Relaxed)
        );
        out
    }
}
