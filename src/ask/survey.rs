//! A question for several jurisdictions, or for none where several could answer it, is
//! answered as a survey: one short answer per jurisdiction with its cites, then a
//! comparison table — never by silently picking one.

use super::memo::{self, Style};
use super::{Interpretation, Unplaced};
use crate::engine::Engine;
use crate::eval::{Decision, Outcome};
use crate::ir::Policy;
use std::fmt::Write as _;
use std::sync::Arc;

/// One jurisdiction's part of a survey.
#[derive(Clone, Debug)]
pub struct SurveyEntry {
    /// The policy of the jurisdiction.
    pub policy: Arc<Policy>,
    /// The question read in it and decided, or why it cannot be read there (out of scope
    /// there, or missing what this jurisdiction's law needs to place it).
    pub answer: Result<(Interpretation, Decision), Unplaced>,
}

/// A question answered in several jurisdictions.
#[derive(Clone, Debug)]
pub struct Survey {
    /// The question as asked.
    pub question: String,
    /// Whether the question names the jurisdictions (else it names none, and every
    /// jurisdiction whose law could answer it is surveyed).
    pub named: bool,
    /// One entry per jurisdiction surveyed, in the order the policies were loaded.
    pub entries: Vec<SurveyEntry>,
    /// States the question also names whose law is not encoded.
    pub unencoded: Vec<String>,
}

/// The survey of a question that names several loaded jurisdictions, or none while the
/// law of at least one could answer it; `None` for a question [`super::interpret`] places
/// in one jurisdiction or answers as out of scope (another state, sector or topic), and for
/// one no loaded law can read.
pub fn survey(engine: &Engine, question: &str) -> Option<Survey> {
    match super::interpret(engine, question) {
        Ok(_) => return None,
        Err(u) if u.out_of_scope.is_some() => return None,
        Err(_) => {}
    }
    let readings: Vec<(Arc<Policy>, Result<Interpretation, Unplaced>)> = engine
        .policies()
        .iter()
        .map(|p| (Arc::clone(p), super::interpret_in(engine, question, p)))
        .collect();
    let names = |r: &Result<Interpretation, Unplaced>| match r {
        Ok(i) => i
            .understood
            .iter()
            .any(|u| u.means.starts_with("this policy")),
        Err(_) => false,
    };
    let named = readings.iter().filter(|(_, r)| names(r)).count();
    let chosen: Vec<(Arc<Policy>, Result<Interpretation, Unplaced>)> = if named >= 2 {
        readings.into_iter().filter(|(_, r)| names(r)).collect()
    } else if named == 0 && readings.iter().any(|(_, r)| r.is_ok()) {
        // Naming none: every jurisdiction whose law reads the question, and those that
        // answer it as out of scope (so that the table says why they do not apply).
        readings
            .into_iter()
            .filter(|(_, r)| match r {
                Ok(_) => true,
                Err(u) => u.out_of_scope.is_some(),
            })
            .collect()
    } else {
        return None;
    };
    let unencoded = chosen
        .iter()
        .find_map(|(_, r)| r.as_ref().ok())
        .map(|i| i.unencoded.clone())
        .unwrap_or_default();
    let entries = chosen
        .into_iter()
        .map(|(policy, r)| SurveyEntry {
            policy,
            answer: r.map(|i| {
                let d = super::decide(&i);
                (i, d)
            }),
        })
        .collect();
    Some(Survey {
        question: question.to_string(),
        named: named >= 2,
        entries,
        unencoded,
    })
}

/// An outcome as the comparison table gives it.
fn table_outcome(decision: &Decision) -> String {
    let word = memo::outcome_words(decision.outcome);
    if decision.outcome != Outcome::Undetermined {
        return capitalize(word);
    }
    let mut seen: Vec<Outcome> = Vec::new();
    for case in &decision.cases {
        if !seen.contains(&case.outcome) {
            seen.push(case.outcome);
        }
    }
    let outcomes: Vec<&str> = seen.iter().map(|o| memo::outcome_words(*o)).collect();
    format!("Depends: {}", outcomes.join(" or "))
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// Every cite of a decision: its own and its cases', each once.
fn all_cites(policy: &Policy, decision: &Decision) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut add = |c: &str| {
        if !out.iter().any(|x| x == c) {
            out.push(c.to_string());
        }
    };
    for l in &decision.cites {
        add(policy.cite_of(*l));
    }
    for case in &decision.cases {
        for l in &case.cites {
            add(policy.cite_of(*l));
        }
    }
    out
}

/// The survey as a memo: for each jurisdiction its short answer and sources, then the
/// comparison table.
pub fn render(survey: &Survey, style: Style) -> String {
    let markdown = style == Style::Markdown;
    let mut out = String::new();
    let heading = |out: &mut String, text: &str| {
        if markdown {
            let _ = writeln!(out, "## {text}\n");
        } else {
            let _ = writeln!(
                out,
                "{}\n{}\n",
                text.to_uppercase(),
                "─".repeat(text.chars().count())
            );
        }
    };
    if markdown {
        let _ = writeln!(out, "**Question:** {}\n", survey.question);
    } else {
        let _ = writeln!(out, "Question: {}\n", survey.question);
    }
    let names: Vec<String> = survey
        .entries
        .iter()
        .map(|e| {
            format!(
                "{} ({})",
                memo::jurisdiction_of(&e.policy),
                e.policy.jurisdiction
            )
        })
        .collect();
    heading(&mut out, "Survey");
    let _ = writeln!(
        out,
        "{} Each is answered under its own law below, then compared.\n",
        if survey.named {
            format!(
                "The question names {} jurisdictions: {}.",
                names.len(),
                names.join(", ")
            )
        } else {
            format!(
                "The question names no jurisdiction, and the law of {} encoded jurisdictions could apply: {}.",
                names.len(),
                names.join(", ")
            )
        }
    );
    if let Some(note) = memo::unencoded_note(&names.join(" and "), &survey.unencoded) {
        let _ = writeln!(out, "{note}\n");
    }
    let mut rows: Vec<[String; 3]> = Vec::new();
    for (entry, name) in survey.entries.iter().zip(&names) {
        let policy = &entry.policy;
        heading(&mut out, &format!("{name} — {}", policy.title));
        match &entry.answer {
            Ok((interpretation, decision)) => {
                let (short, sources) = memo::short_answer(interpretation, decision, style);
                let _ = writeln!(out, "{short}\n");
                for (i, cite) in sources.iter().enumerate() {
                    let _ = writeln!(
                        out,
                        "{}[{}] {cite}",
                        if markdown { "- " } else { "" },
                        i + 1
                    );
                }
                if !sources.is_empty() {
                    out.push('\n');
                }
                let cites = all_cites(policy, decision);
                rows.push([
                    name.clone(),
                    table_outcome(decision),
                    if cites.is_empty() {
                        "—".to_string()
                    } else {
                        cites.join("; ")
                    },
                ]);
            }
            Err(unplaced) => {
                let why = match &unplaced.out_of_scope {
                    Some(reason) => format!(
                        "Not addressed — the encoded law does not address this, because {reason}."
                    ),
                    None => format!(
                        "Not answered here: the question lacks {} under this law.",
                        unplaced.missing.join(", and ")
                    ),
                };
                let _ = writeln!(out, "{why}\n");
                rows.push([
                    name.clone(),
                    if unplaced.out_of_scope.is_some() {
                        "Not addressed".to_string()
                    } else {
                        "Not answered".to_string()
                    },
                    "—".to_string(),
                ]);
            }
        }
    }
    heading(&mut out, "Comparison");
    let header = ["Jurisdiction", "Answer", "Cites"];
    if markdown {
        let _ = writeln!(out, "| {} |", header.join(" | "));
        let _ = writeln!(out, "|---|---|---|");
        for row in &rows {
            let _ = writeln!(out, "| {} |", row.join(" | "));
        }
    } else {
        let widths: Vec<usize> = (0..3)
            .map(|i| {
                rows.iter()
                    .map(|r| r[i].chars().count())
                    .chain(std::iter::once(header[i].len()))
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let line = |cells: [&str; 3]| {
            let mut l = String::new();
            for (i, c) in cells.iter().enumerate() {
                let pad = widths[i].saturating_sub(c.chars().count());
                if i + 1 < cells.len() {
                    let _ = write!(l, "{c}{}  ", " ".repeat(pad));
                } else {
                    l.push_str(c);
                }
            }
            l
        };
        let _ = writeln!(out, "{}", line(header));
        let _ = writeln!(
            out,
            "{}",
            line([
                &"─".repeat(widths[0]),
                &"─".repeat(widths[1]),
                &"─".repeat(widths[2].min(40)),
            ])
        );
        for row in &rows {
            let _ = writeln!(out, "{}", line([&row[0], &row[1], &row[2]]));
        }
    }
    out.push('\n');
    let _ = writeln!(
        out,
        "Ask of one state for the full memo (reasoning, readings, what would change the answer): name it in the question."
    );
    out
}

/// The survey as JSON: one answer per jurisdiction (the decision contract and how the
/// question was read there, as `juris ask --format json` gives it), then the table.
pub fn to_json(survey: &Survey) -> serde_json::Value {
    let answers: Vec<serde_json::Value> = survey
        .entries
        .iter()
        .map(|e| match &e.answer {
            Ok((i, d)) => super::to_json(i, d),
            Err(u) => serde_json::json!({
                "decision": if u.out_of_scope.is_some() { "not_addressed" } else { "not_answered" },
                "jurisdiction": e.policy.jurisdiction,
                "out_of_scope": u.out_of_scope,
                "missing": u.missing,
            }),
        })
        .collect();
    let comparison: Vec<serde_json::Value> = survey
        .entries
        .iter()
        .map(|e| match &e.answer {
            Ok((_, d)) => serde_json::json!({
                "jurisdiction": e.policy.jurisdiction,
                "decision": d.outcome.as_str(),
                "cites": all_cites(&e.policy, d),
            }),
            Err(u) => serde_json::json!({
                "jurisdiction": e.policy.jurisdiction,
                "decision": if u.out_of_scope.is_some() { "not_addressed" } else { "not_answered" },
                "cites": [],
            }),
        })
        .collect();
    serde_json::json!({
        "question": survey.question,
        "survey": true,
        "named": survey.named,
        "not_encoded": survey.unencoded,
        "answers": answers,
        "comparison": comparison,
    })
}
