//! Suppressions written in a policy: `// juris: allow L004 "reason"` (several rules
//! separated by commas or blanks, each by code or name). A suppression covers the line it
//! ends, or, written alone on its line, the next line that is not blank or a comment (a
//! provision's findings are reported on its first line). A finding of a named rule whose
//! primary label starts on the covered line is not reported, but kept with the reason
//! (SARIF lists it as suppressed in source). A suppression that covers no finding is
//! reported (`L010`); one that names no lint rule or gives no reason suppresses nothing
//! and is reported (`L011`).

use crate::config::is_rule;
use crate::diagnostic::{code, did_you_mean, lookup, Code, Diagnostic, CODES};
use crate::source::{SourceFile, Span};

/// The marker a suppression begins with, after `//`.
const MARKER: &str = "juris: allow";

/// One suppression comment.
#[derive(Clone, Debug)]
pub struct Suppression {
    /// The rules it names.
    pub codes: Vec<&'static Code>,
    /// Why.
    pub reason: String,
    /// The line it covers (1-based).
    pub line: usize,
    /// The comment.
    pub span: Span,
}

/// The suppressions written in a file, and the problems of those that are malformed.
pub fn parse(source: &SourceFile) -> (Vec<Suppression>, Vec<Diagnostic>) {
    let text = source.text();
    let mut found = Vec::new();
    let mut problems = Vec::new();
    let mut offset = 0;
    let lines: Vec<&str> = text.split('\n').collect();
    for (index, line) in lines.iter().enumerate() {
        let start = offset;
        offset += line.len() + 1;
        let Some(at) = comment_start(line) else {
            continue;
        };
        let comment = line[at + 2..].trim_start();
        let Some(rest) = comment.strip_prefix(MARKER) else {
            continue;
        };
        let span = Span::new(start + at, start + line.trim_end().len());
        let alone = line[..at].trim().is_empty();
        let covered = if alone {
            // The next line with something on it that is not a comment.
            (index + 1..lines.len())
                .find(|&i| {
                    let l = lines[i].trim();
                    !l.is_empty() && !l.starts_with("//")
                })
                .map(|i| i + 1)
        } else {
            Some(index + 1)
        };
        match read(rest) {
            Ok((codes, reason)) => match covered {
                Some(line) => found.push(Suppression {
                    codes,
                    reason,
                    line,
                    span,
                }),
                None => problems.push(
                    Diagnostic::new(
                        &code::unused_suppression,
                        "this suppression covers no line: nothing follows it",
                        span,
                    )
                    .help("remove it"),
                ),
            },
            Err((message, help)) => {
                problems.push(Diagnostic::new(&code::invalid_suppression, message, span).help(help))
            }
        }
    }
    (found, problems)
}

/// Where a line's `//` comment starts: the first `//` outside a string.
fn comment_start(line: &str) -> Option<usize> {
    let bytes = line.as_bytes();
    let mut in_string = false;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if in_string => i += 1,
            b'"' => in_string = !in_string,
            b'/' if !in_string && bytes.get(i + 1) == Some(&b'/') => return Some(i),
            _ => {}
        }
        i += 1;
    }
    None
}

/// Reads `L004, unused-definition "reason"`: the rules, then the reason in quotes.
fn read(rest: &str) -> Result<(Vec<&'static Code>, String), (String, String)> {
    let usage = "write `// juris: allow L004 \"why the finding is right here\"`".to_string();
    let (names, reason) = match rest.find('"') {
        Some(q) => (&rest[..q], Some(&rest[q..])),
        None => (rest, None),
    };
    let mut codes = Vec::new();
    for name in names.split([',', ' ', '\t']).filter(|n| !n.is_empty()) {
        match lookup(name) {
            Some(c) if is_rule(c) && !is_own(c) => codes.push(c),
            Some(c) => {
                return Err((
                    format!("`{name}` is not a lint rule that can be suppressed: {} findings are not lint findings", c.code),
                    "suppress lint findings (`L001`–`L007`) only; fix other problems".to_string(),
                ))
            }
            None => {
                let rules = CODES
                    .iter()
                    .filter(|c| is_rule(c) && !is_own(c))
                    .flat_map(|c| [c.code, c.name]);
                let help = match did_you_mean(name, rules) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => "name a lint rule by code (`L004`) or name (`unused-fact`); `juris explain` lists them".to_string(),
                };
                return Err((format!("`{name}` is not a lint rule"), help));
            }
        }
    }
    if codes.is_empty() {
        return Err(("this suppression names no rule".to_string(), usage));
    }
    let reason = reason
        .and_then(|r| r.strip_prefix('"'))
        .and_then(|r| r.rfind('"').map(|end| r[..end].trim()))
        .filter(|r| !r.is_empty());
    match reason {
        Some(reason) => Ok((codes, reason.to_string())),
        None => Err((
            "this suppression gives no reason".to_string(),
            format!("{usage}: a suppression hides a finding from every later reader, who needs to know why"),
        )),
    }
}

/// The suppressions' own findings, which no suppression can hide.
fn is_own(c: &Code) -> bool {
    c.code == code::unused_suppression.code || c.code == code::invalid_suppression.code
}

/// The unused suppression `s` as a finding.
pub fn unused(s: &Suppression) -> Diagnostic {
    let names: Vec<&str> = s.codes.iter().map(|c| c.code).collect();
    Diagnostic::new(
        &code::unused_suppression,
        format!(
            "this suppression of {} covers no finding on line {}",
            names.join(", "),
            s.line
        ),
        s.span,
    )
    .help("remove it: the finding it was written for is gone, or it is on another line")
}
