//! Replaying logged decisions against another policy set (`juris replay`): what a proposed
//! amendment would have changed in the decisions already made.
//!
//! Each entry of a decision log ([`crate::decision_log`]) is decided again, by the one
//! request decoder and the one evaluator, and compared with the logged decision: a
//! decision changes when its outcome or its cites differ. A request the new set refuses
//! (its vocabulary changed) is a change to `refused`; a request whose refused fields were
//! masked in the log cannot be replayed and is counted apart.

use crate::decision_log::Entry;
use crate::engine::Engine;
use serde::Serialize;
use serde_json::Value as Json;
use std::collections::BTreeMap;

/// The outcome a refused request is reported under.
pub const REFUSED: &str = "refused";

/// What a replay found.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Replay {
    /// Entries replayed.
    pub replayed: u64,
    /// Entries whose decision is the same.
    pub unchanged: u64,
    /// Entries whose outcome or cites changed.
    pub changed: u64,
    /// Entries that could not be replayed: a masked field was refused.
    pub not_replayable: u64,
    /// Per `old → new` outcome, how many entries (unchanged ones included).
    pub transitions: Vec<Transition>,
    /// The first changes, in log order.
    pub changes: Vec<Change>,
}

/// How many entries went from one outcome to another.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Transition {
    /// The logged outcome.
    pub from: String,
    /// The outcome now.
    pub to: String,
    /// How many.
    pub count: u64,
}

/// One changed decision.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Change {
    /// The entry's number in the log.
    pub seq: u64,
    /// Its decision id.
    pub decision_id: String,
    /// The logged decision and cites.
    pub old: Outcome,
    /// The decision and cites now (`refused`, with the refusal as its cites, when the new
    /// vocabulary refuses the request).
    pub new: Outcome,
}

/// A decision and its cites.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Outcome {
    /// `required`, `permitted`, …, or `refused`.
    pub decision: String,
    /// The cites (for `refused`: the refusal's code and message).
    pub cites: Vec<String>,
}

impl Outcome {
    fn of(decision: &Json) -> Outcome {
        Outcome {
            decision: decision["decision"]
                .as_str()
                .unwrap_or_default()
                .to_string(),
            cites: decision["cites"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|c| c.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default(),
        }
    }
}

/// Replays entries against an engine; keeps the first `keep` changes.
pub fn replay(engine: &Engine, entries: &[Entry], keep: usize) -> Replay {
    let mut report = Replay::default();
    let mut transitions: BTreeMap<(String, String), u64> = BTreeMap::new();
    for entry in entries {
        let mut request = entry.request.clone();
        // A request that names no jurisdiction was decided by the only policy loaded then.
        if let Some(object) = request.as_object_mut() {
            if !object.contains_key("jurisdiction") {
                object.insert(
                    "jurisdiction".into(),
                    Json::String(entry.receipt.policy.jurisdiction.clone()),
                );
            }
        }
        let old = Outcome::of(&entry.decision);
        let new = match engine.request_from_json(&request) {
            Ok((policy, request)) => {
                let decision = engine.decide(policy, &request);
                Outcome::of(&crate::explain::decision_json(policy, &decision))
            }
            Err(_) if !entry.masked.is_empty() => {
                report.not_replayable += 1;
                continue;
            }
            Err(errors) => Outcome {
                decision: REFUSED.to_string(),
                cites: errors
                    .iter()
                    .map(|e| format!("{}: {}", e.code.code, e.message))
                    .collect(),
            },
        };
        report.replayed += 1;
        *transitions
            .entry((old.decision.clone(), new.decision.clone()))
            .or_default() += 1;
        if old == new {
            report.unchanged += 1;
        } else {
            report.changed += 1;
            if report.changes.len() < keep {
                report.changes.push(Change {
                    seq: entry.seq,
                    decision_id: entry.receipt.decision_id.clone(),
                    old,
                    new,
                });
            }
        }
    }
    report.transitions = transitions
        .into_iter()
        .map(|((from, to), count)| Transition { from, to, count })
        .collect();
    report
}

/// The report for people.
pub fn render(report: &Replay) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "replayed {} decision{}: {} unchanged, {} changed{}",
        report.replayed,
        if report.replayed == 1 { "" } else { "s" },
        report.unchanged,
        report.changed,
        if report.not_replayable > 0 {
            format!(
                "; {} not replayable (a masked field was refused)",
                report.not_replayable
            )
        } else {
            String::new()
        }
    );
    if !report.transitions.is_empty() {
        let _ = writeln!(out, "\ntransitions");
        let width = report
            .transitions
            .iter()
            .map(|t| t.from.len() + t.to.len() + 3)
            .max()
            .unwrap_or(0);
        for t in &report.transitions {
            let arrow = format!("{} → {}", t.from, t.to);
            let pad = width.saturating_sub(t.from.len() + t.to.len() + 3);
            let same = if t.from == t.to {
                "  (same outcome)"
            } else {
                ""
            };
            let _ = writeln!(out, "  {arrow}{}  {:>6}{same}", " ".repeat(pad), t.count);
        }
    }
    if !report.changes.is_empty() {
        let _ = writeln!(
            out,
            "\nfirst {} change{}",
            report.changes.len(),
            if report.changes.len() == 1 { "" } else { "s" }
        );
        for c in &report.changes {
            let _ = writeln!(
                out,
                "  entry {} (decision {}): {} → {}",
                c.seq, c.decision_id, c.old.decision, c.new.decision
            );
            let _ = writeln!(out, "    was: {}", cites_line(&c.old.cites));
            let _ = writeln!(out, "    now: {}", cites_line(&c.new.cites));
        }
    }
    out
}

fn cites_line(cites: &[String]) -> String {
    if cites.is_empty() {
        "(no cites)".to_string()
    } else {
        cites.join(", ")
    }
}
