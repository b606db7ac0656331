//! Baselines: the findings a team has accepted for now, recorded by a fingerprint that does
//! not change when lines move, so that CI fails only on new ones (`juris lint --baseline
//! FILE`, recorded with `--update-baseline`).
//!
//! A finding's fingerprint ([`fingerprint`]) is a hash of its rule, its file and its
//! message with line and column numbers taken out: the message names what the finding is
//! about (the fact, the definition, the provisions by cite), so an edit elsewhere in the
//! file leaves it alone, and a change to what it is about makes a new finding. SARIF
//! carries the same fingerprint (`partialFingerprints`), so that code-scanning dashboards
//! follow a finding from run to run. A file can hold one fingerprint several times (two
//! findings alike); the baseline counts them, and only findings beyond the count are new.

use super::{Allowed, AllowedBy, Linted};
use crate::diagnostic::Diagnostic;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// The key SARIF's `partialFingerprints` holds the fingerprint under.
pub const SARIF_KEY: &str = "juris/v1";

/// A finding's fingerprint: 32 hex digits.
pub fn fingerprint(file: &str, d: &Diagnostic) -> String {
    let mut hasher = Sha256::new();
    for part in [
        "juris/v1",
        d.code.code,
        &file.replace('\\', "/"),
        &normalise(&d.message),
    ] {
        hasher.update(part.as_bytes());
        hasher.update([0]);
    }
    let digest = hasher.finalize();
    digest.iter().take(16).map(|b| format!("{b:02x}")).collect()
}

/// A message without its line and column numbers (`line 20`, `:17:3`) and with its blanks
/// collapsed.
fn normalise(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(c) = rest.chars().next() {
        let after_marker = out.ends_with("line ") || out.ends_with("lines ") || out.ends_with(':');
        if c.is_ascii_digit() && after_marker {
            let digits = rest.len() - rest.trim_start_matches(|d: char| d.is_ascii_digit()).len();
            out.push('_');
            rest = &rest[digits..];
            continue;
        }
        if c.is_whitespace() {
            if !out.ends_with(' ') {
                out.push(' ');
            }
        } else {
            out.push(c);
        }
        rest = &rest[c.len_utf8()..];
    }
    out.trim().to_string()
}

/// A recorded finding.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, PartialOrd, Ord)]
pub struct Entry {
    /// Its fingerprint.
    pub fingerprint: String,
    /// Its rule's code.
    pub code: String,
    /// Its file.
    pub file: String,
    /// Its message when recorded (for the reader; the fingerprint is what is compared).
    pub message: String,
}

/// A baseline file: `{"version": 1, "findings": [...]}`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Baseline {
    /// The format's version: 1.
    pub version: u32,
    /// The findings, sorted by file, code and fingerprint.
    pub findings: Vec<Entry>,
}

impl Baseline {
    /// The baseline of what a lint reported: each lint finding (not a problem of a
    /// `juris.toml`, nor a suppressed or allowed finding).
    pub fn record(linted: &Linted) -> Baseline {
        let mut findings: Vec<Entry> = linted
            .files
            .iter()
            .flat_map(|f| f.diagnostics.iter().map(move |d| (f.source.name(), d)))
            .filter(|(_, d)| crate::config::is_rule(d.code))
            .map(|(file, d)| Entry {
                fingerprint: fingerprint(file, d),
                code: d.code.code.to_string(),
                file: file.replace('\\', "/"),
                message: d.message.clone(),
            })
            .collect();
        findings.sort_by(|a, b| {
            (&a.file, &a.code, &a.fingerprint).cmp(&(&b.file, &b.code, &b.fingerprint))
        });
        Baseline {
            version: 1,
            findings,
        }
    }

    /// Reads a baseline file's text.
    pub fn read(text: &str) -> Result<Baseline, String> {
        let baseline: Baseline = serde_json::from_str(text).map_err(|e| e.to_string())?;
        if baseline.version != 1 {
            return Err(format!(
                "version {} is not known (this juris reads version 1)",
                baseline.version
            ));
        }
        Ok(baseline)
    }

    /// The file's text: pretty JSON, one finding per object, ending in a newline.
    pub fn to_text(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }

    /// Sets aside the findings the baseline records (as many of each fingerprint as it
    /// holds): they are kept as allowed ([`AllowedBy::Baseline`]), not reported. Returns
    /// how many were set aside.
    pub fn apply(&self, linted: &mut Linted) -> usize {
        let mut left: BTreeMap<&str, usize> = BTreeMap::new();
        for e in &self.findings {
            *left.entry(e.fingerprint.as_str()).or_default() += 1;
        }
        let mut known = 0;
        for file in &mut linted.files {
            let source = file.source.clone();
            let mut kept = Vec::new();
            for d in std::mem::take(&mut file.diagnostics) {
                let print = fingerprint(source.name(), &d);
                match left.get_mut(print.as_str()) {
                    Some(n) if *n > 0 && crate::config::is_rule(d.code) => {
                        *n -= 1;
                        known += 1;
                        linted.allowed.push(Allowed {
                            source: source.clone(),
                            diagnostic: d,
                            reason: Some("recorded in the baseline".to_string()),
                            by: AllowedBy::Baseline,
                        });
                    }
                    _ => kept.push(d),
                }
            }
            file.diagnostics = kept;
        }
        linted.files.retain(|f| !f.diagnostics.is_empty());
        known
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn line_numbers_do_not_change_a_fingerprint() {
        assert_eq!(
            normalise("this suppression of L001 covers no finding on line 20"),
            "this suppression of L001 covers no finding on line _"
        );
        assert_eq!(normalise("at x.juris:17:3,  then"), "at x.juris:_:_, then");
        // Cites and names stay: they say what the finding is about.
        assert_eq!(
            normalise("(2)(h) and (3)(a) conflict for `customer.usage_amw` 2"),
            "(2)(h) and (3)(a) conflict for `customer.usage_amw` 2"
        );
    }
}
