//! `juris fmt`: snapshots of the canonical layout and of `--check`, the command's exit
//! codes, and the properties: formatting never changes what a policy decides, formatting
//! twice equals formatting once, no comment is lost or reordered, and the layout of the
//! input (blanks and line breaks) does not change the output. On the shipped policies and
//! on generated ones.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use juris::ast::SiblingKind;
use juris::fmt::{format_sibling, format_source};
use juris::ir::{FactId, Policy, Type};
use juris::load::compile_source;
use juris::request::Request;
use juris::source::SourceFile;
use juris::value::Value;
use proptest::prelude::*;
use proptest::test_runner::{RngAlgorithm, TestRng};
use std::path::{Path, PathBuf};

// ============================================================================ helpers

/// Random choices, drawn from proptest's generator: the properties below take one from a
/// proptest strategy ([`random`], [`generated`]), the tests over fixed inputs a fixed one.
#[derive(Clone)]
struct Random(TestRng);

impl std::fmt::Debug for Random {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Random")
    }
}

impl Random {
    /// A fixed stream of choices, the same on every run.
    fn fixed(seed: u64) -> Self {
        let mut bytes = [0u8; 32];
        bytes[..8].copy_from_slice(&seed.to_le_bytes());
        Random(TestRng::from_seed(RngAlgorithm::ChaCha, &bytes))
    }
    fn next(&mut self) -> u64 {
        self.0.next_u64()
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// A source of random choices, from proptest.
fn random() -> impl Strategy<Value = Random> {
    Just(()).prop_perturb(|(), rng| Random(rng))
}

/// A generated policy (see [`generate`]): its text, whether its header fields are in the
/// canonical order, and the source of further random choices.
fn generated() -> impl Strategy<Value = (String, bool, Random)> {
    random().prop_map(generate)
}

/// The comments of a text, by a scanner independent of the formatter's.
fn comments(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => {
                while let Some((_, c)) = chars.next() {
                    match c {
                        '\\' => {
                            chars.next();
                        }
                        '"' | '\n' => break,
                        _ => {}
                    }
                }
            }
            '/' if chars.peek().map(|p| p.1) == Some('/') => {
                let end = text[i..].find('\n').map_or(text.len(), |n| i + n);
                out.push(text[i..end].trim_end().to_string());
                while chars.peek().is_some_and(|&(j, _)| j < end) {
                    chars.next();
                }
            }
            _ => {}
        }
    }
    out
}

fn compile(name: &str, text: &str, dir: &Path) -> Policy {
    compile_source(SourceFile::new(name, text), dir).unwrap_or_else(|d| {
        panic!(
            "{name} does not compile:\n{}\n{text}",
            juris::diagnostic::render_human(&[d], juris::diagnostic::Colour::Plain, 100)
        )
    })
}

fn format(text: &str) -> String {
    format_source(text).unwrap_or_else(|d| {
        let file = juris::diagnostic::FileDiagnostics {
            source: SourceFile::new("input", text),
            diagnostics: d,
        };
        panic!(
            "formatting failed:\n{}\n{text}",
            juris::diagnostic::render_human(&[file], juris::diagnostic::Colour::Plain, 100)
        )
    })
}

/// Everything a compiled policy says, apart from where it was written.
fn summary(p: &Policy) -> Vec<String> {
    let mut out = vec![format!(
        "{} | {} | {} | {:?} | {:?}",
        p.citation, p.title, p.jurisdiction, p.effective, p.current_through
    )];
    for f in &p.facts {
        out.push(format!(
            "fact {} {:?} {:?} {:?} {:?} labels {:?}",
            f.name, f.ty, f.range, f.default, f.meaning, f.labels
        ));
    }
    for d in &p.definitions {
        let readings: Vec<&str> = d.readings.iter().map(|r| r.text.as_str()).collect();
        out.push(format!(
            "define {} {} {:?} readings {readings:?}",
            d.name, d.cite.full, d.meaning
        ));
    }
    for n in &p.nodes {
        let children: Vec<&str> = n
            .children
            .iter()
            .map(|c| p.node(*c).cite.full.as_str())
            .collect();
        let readings: Vec<&str> = n.readings.iter().map(|r| r.text.as_str()).collect();
        out.push(format!(
            "node {} {:?} {:?} {:?} {} conditions, children {children:?}, {} rules, leaf {}, \
             readings {readings:?}",
            n.cite.full,
            n.title,
            n.effect,
            n.marker,
            n.conditions.len(),
            n.rules.len(),
            n.leaf.is_some()
        ));
    }
    for l in &p.leaves {
        let overrides: Vec<&str> = l
            .direct_overrides
            .iter()
            .map(|n| p.node(*n).cite.full.as_str())
            .collect();
        let readings: Vec<&str> = l.readings.iter().map(|r| r.text.as_str()).collect();
        out.push(format!(
            "leaf {} {:?} {} conjuncts, only if {}, obligations {:?}, overrides {overrides:?}, \
             readings {readings:?}, sentence {:?}",
            p.node(l.node).cite.full,
            l.effect,
            l.conjuncts.len(),
            l.only_if.is_some(),
            l.obligations,
            l.sentence
        ));
    }
    for o in &p.obligations {
        out.push(format!(
            "obligation {:?} {} {}",
            o.text,
            o.cite.full,
            o.when.is_some()
        ));
    }
    for m in &p.markers {
        out.push(format!(
            "marker {:?} {} {:?}",
            m.kind, m.cite.full, m.reason
        ));
    }
    for t in &p.terms {
        out.push(format!("term {:?} {}", t.phrases, t.meaning.is_some()));
    }
    for t in &p.tests {
        out.push(format!(
            "test {:?} {:?} {:?} {:?} {:?} {:?} {:?}",
            t.name,
            t.request(p),
            t.outcome,
            t.cites,
            t.obligations,
            t.depends_on,
            t.explanation
        ));
    }
    out.push(format!("thresholds {:?}", p.thresholds));
    out
}

/// A decision, in words.
fn decision(p: &Policy, request: &Request) -> String {
    let d = juris::eval::decide(p, request);
    let cites: Vec<&str> = d.cites.iter().map(|l| p.cite_of(*l)).collect();
    let obligations: Vec<(String, String)> = d
        .obligations
        .iter()
        .map(|&o| {
            let o = &p.obligations[o as usize];
            (o.text.clone(), o.cite.full.clone())
        })
        .collect();
    let depends: Vec<&str> = d
        .depends_on
        .iter()
        .map(|f| p.fact(*f).name.as_str())
        .collect();
    format!(
        "{} {cites:?} {obligations:?} {depends:?} {}",
        d.outcome.as_str(),
        d.cases.len()
    )
}

/// A random request over a policy's vocabulary: some facts left unknown (or at their
/// default), numbers and dates around the thresholds the policy compares them with.
fn random_request(p: &Policy, rng: &mut Random) -> Request {
    let mut request = Request::empty(p);
    for (i, fact) in p.facts.iter().enumerate() {
        if rng.chance(25) {
            continue;
        }
        let near = |rng: &mut Random, thresholds: &[f64]| -> f64 {
            match thresholds {
                [] => rng.below(5) as f64,
                t => *rng.pick(t) + *rng.pick(&[-1.0, -0.5, 0.0, 0.5, 1.0]),
            }
        };
        let thresholds = p.thresholds.get(i).map(Vec::as_slice).unwrap_or(&[]);
        let value = match &fact.ty {
            Type::Bool => Value::Bool(rng.chance(50)),
            Type::Number => Value::Number(near(rng, thresholds)),
            Type::Date => Value::Date(near(rng, thresholds) as i32),
            Type::Text => Value::Text("someone".into()),
            Type::Enum(m) => Value::Enum(rng.below(m.len()) as u8),
            Type::Set(m) => Value::Set(
                rng.next() & 1u64.checked_shl(m.len() as u32).map_or(u64::MAX, |b| b - 1),
            ),
        };
        // A request never holds a value outside its fact's range.
        if fact.in_range(&value) {
            request.assume(FactId(i as u32), value);
        }
    }
    request
}

/// Checks every property of formatting `text` (a policy whose statute texts are in
/// `dir`), deciding `requests` random requests; returns the formatted text.
fn check(
    name: &str,
    text: &str,
    dir: &Path,
    rng: &mut Random,
    requests: usize,
    ordered_comments: bool,
) -> String {
    let formatted = format(text);
    // (d) formatting twice is formatting once.
    assert_eq!(
        format(&formatted),
        formatted,
        "{name}: not idempotent\n{formatted}"
    );
    // (e) every comment stays, in order.
    let (mut before, mut after) = (comments(text), comments(&formatted));
    if !ordered_comments {
        before.sort();
        after.sort();
    }
    assert_eq!(before, after, "{name}: comments differ\n{formatted}");
    // (a) the same provisions, facts, definitions, markers and tests.
    let original = compile(name, text, dir);
    let again = compile(name, &formatted, dir);
    let (a, b) = (summary(&original), summary(&again));
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x, y, "{name}: the formatted policy differs\n{formatted}");
    }
    assert_eq!(
        a.len(),
        b.len(),
        "{name}: the formatted policy differs\n{formatted}"
    );
    // (b) every policy test decides the same.
    for (x, y) in original.tests.iter().zip(&again.tests) {
        assert_eq!(
            decision(&original, &x.request(&original)),
            decision(&again, &y.request(&again)),
            "{name}: test {:?} decides differently\n{formatted}",
            x.name
        );
    }
    // (c) random requests decide the same.
    for _ in 0..requests {
        let request = random_request(&original, rng);
        assert_eq!(
            decision(&original, &request),
            decision(&again, &request),
            "{name}: {request:?} decides differently\n{formatted}"
        );
    }
    formatted
}

// ============================================================================ perturbation

#[derive(Clone, Copy)]
enum Tok {
    Blank(usize, usize),
    Comment(usize, usize),
    Other(usize, usize),
}

/// A policy text cut into runs of blanks, comments, and everything else (strings whole).
fn tokens(text: &str) -> Vec<Tok> {
    let bytes = text.as_bytes();
    let mut toks = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        match bytes[i] {
            b' ' | b'\t' | b'\r' | b'\n' => {
                while i < bytes.len() && matches!(bytes[i], b' ' | b'\t' | b'\r' | b'\n') {
                    i += 1;
                }
                toks.push(Tok::Blank(start, i));
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                i = text[i..].find('\n').map_or(text.len(), |n| i + n);
                toks.push(Tok::Comment(start, i));
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i = (i + 1).min(bytes.len());
                toks.push(Tok::Other(start, i));
            }
            _ => {
                while i < bytes.len()
                    && !matches!(bytes[i], b' ' | b'\t' | b'\r' | b'\n' | b'"')
                    && !(bytes[i] == b'/' && bytes.get(i + 1) == Some(&b'/'))
                {
                    i += 1;
                }
                toks.push(Tok::Other(start, i));
            }
        }
    }
    toks
}

/// Whether the blank run at `k` separates the words of `out of scope`, `only if`, `not
/// encoded`, `not available`, `depends on` or `this policy` (only spaces may go there).
fn inside_keyword(text: &str, toks: &[Tok], k: usize) -> bool {
    let word = |t: Option<&Tok>| match t {
        Some(Tok::Other(s, e)) => &text[*s..*e],
        _ => "",
    };
    let (prev, next) = (
        word(k.checked_sub(1).and_then(|p| toks.get(p))),
        word(toks.get(k + 1)),
    );
    matches!(
        (prev, next),
        ("out", "of")
            | ("of", "scope")
            | ("only", "if")
            | ("not", "encoded")
            | ("not", "available")
            | ("depends", "on")
            | ("this", "policy")
    )
}

/// The same tokens, comments and blank lines, with every other run of blanks replaced at
/// random: spaces, tabs, line breaks. Kept: blank lines (a run with an empty line keeps
/// one, a run without gets none), whether a comment trails a line or has its own, and
/// the spaces inside `out of scope`, `only if`, `not encoded`, `depends on`, `this policy`.
fn perturb(text: &str, rng: &mut Random) -> String {
    let toks = tokens(text);
    // Runs on the line of a comment, before it, keep having no line break.
    let mut frozen = vec![false; toks.len()];
    for (k, t) in toks.iter().enumerate() {
        if let Tok::Comment(..) = t {
            let mut j = k;
            while j > 0 {
                j -= 1;
                match toks[j] {
                    Tok::Blank(s, e) if text[s..e].contains('\n') => break,
                    _ => frozen[j] = true,
                }
            }
        }
    }
    let mut out = String::new();
    for (k, t) in toks.iter().enumerate() {
        match *t {
            Tok::Comment(s, e) | Tok::Other(s, e) => out.push_str(&text[s..e]),
            Tok::Blank(s, e) => {
                let run = &text[s..e];
                let keyword = inside_keyword(text, &toks, k);
                let blank_line = {
                    let lines: Vec<&str> = run.split('\n').collect();
                    lines.len() >= 3
                        && lines[1..lines.len() - 1]
                            .iter()
                            .any(|l| l.trim().is_empty())
                };
                let next_is_comment = matches!(toks.get(k + 1), Some(Tok::Comment(..)));
                let after_comment = matches!(
                    k.checked_sub(1).and_then(|p| toks.get(p)),
                    Some(Tok::Comment(..))
                );
                let replacement = if keyword {
                    rng.pick(&[" ", "  ", "\t"]).to_string()
                } else if blank_line {
                    rng.pick(&["\n\n", "\n  \n    ", "\n\n\n\t"]).to_string()
                } else if run.contains('\n')
                    && (next_is_comment || after_comment || k + 1 == toks.len())
                {
                    rng.pick(&["\n", "\n  ", "\n\t\t"]).to_string()
                } else if frozen[k] || next_is_comment {
                    rng.pick(&[" ", "   ", "\t"]).to_string()
                } else if k + 1 == toks.len() || k == 0 {
                    run.to_string()
                } else {
                    rng.pick(&[" ", "  ", "\t", "\n", "\n    ", " \n", "\n\t "])
                        .to_string()
                };
                out.push_str(&replacement);
            }
        }
    }
    out
}

/// The text with comments added at random between tokens: at the end of a line, or on a
/// line of their own, anywhere a blank may go.
fn inject_comments(text: &str, rng: &mut Random) -> String {
    let toks = tokens(text);
    let mut out = String::new();
    let mut n = 0;
    for (k, t) in toks.iter().enumerate() {
        match *t {
            Tok::Comment(s, e) | Tok::Other(s, e) => out.push_str(&text[s..e]),
            Tok::Blank(s, e) => {
                if k > 0 && !inside_keyword(text, &toks, k) && rng.chance(8) {
                    n += 1;
                    let before = if rng.chance(50) { " " } else { "\n" };
                    out.push_str(&format!("{before}// injected {n}\n"));
                }
                out.push_str(&text[s..e]);
            }
        }
    }
    out
}

// ============================================================================ generated policies

/// Builds a small, random but valid policy over `tests/it/fixtures/fmt/statute.txt`, as text:
/// a vocabulary, definitions, terms, nested provisions with random conditions, effects,
/// obligations and exceptions (to earlier provisions only, so without cycles), markers and
/// tests, then sprinkles comments at line ends and between lines, and blank lines.
/// Returns the text, whether its header fields are in the canonical order, and `rng` to
/// go on with.
fn generate(rng: Random) -> (String, bool, Random) {
    let mut g = Gen {
        rng,
        bools: Vec::new(),
        enums: Vec::new(),
        numbers: Vec::new(),
        sets: Vec::new(),
        defs: Vec::new(),
    };
    let (text, ordered) = g.policy();
    (text, ordered, g.rng)
}

struct Gen {
    rng: Random,
    bools: Vec<String>,
    enums: Vec<(String, Vec<String>)>,
    numbers: Vec<String>,
    sets: Vec<(String, Vec<String>)>,
    defs: Vec<String>,
}

const WORDS: [&str; 12] = [
    "customer",
    "meter",
    "usage",
    "notice",
    "transfer",
    "agreement",
    "consent",
    "safeguard",
    "program",
    "administrator",
    "contractor",
    "information",
];

impl Gen {
    fn string(&mut self) -> String {
        let mut s = String::new();
        let n = if self.rng.chance(15) {
            14 + self.rng.below(12)
        } else {
            1 + self.rng.below(5)
        };
        for i in 0..n {
            if i > 0 {
                s.push(' ');
            }
            match self.rng.below(20) {
                0 => s.push_str("\\\"quoted\\\""),
                1 => s.push_str("back\\\\slash"),
                2 => s.push_str("http://example.com/a"),
                3 => s.push_str("§ 1(a) — (b)"),
                _ => {
                    let word = *self.rng.pick(&WORDS);
                    s.push_str(word);
                }
            }
        }
        format!("\"{s}\"")
    }

    fn member(&mut self, long: bool) -> String {
        let base = self.rng.pick(&WORDS).to_string();
        if long {
            format!("{base}_{}", self.rng.pick(&WORDS))
        } else {
            base
        }
    }

    fn members(&mut self, min: usize, max: usize, long: bool) -> Vec<String> {
        let n = min + self.rng.below(max - min + 1);
        let mut out: Vec<String> = Vec::new();
        let mut tries = 0;
        while out.len() < n && tries < 100 {
            tries += 1;
            let m = self.member(long);
            if !out.contains(&m) {
                out.push(m);
            }
        }
        out
    }

    fn policy(&mut self) -> (String, bool) {
        let mut lines: Vec<String> = Vec::new();
        // Header.
        let mut fields = vec![
            "title \"A generated policy\"".to_string(),
            "jurisdiction \"GEN\"".to_string(),
            "text \"statute.txt\"".to_string(),
        ];
        if self.rng.chance(50) {
            fields.push("effective 2020-02-29".to_string());
        }
        let ordered = !self.rng.chance(20);
        if !ordered {
            fields.reverse();
        }
        lines.push("policy \"GEN 1-1\" {".into());
        lines.extend(fields.into_iter().map(|f| format!("  {f}")));
        lines.push("}".into());
        lines.push(String::new());
        // Vocabulary.
        lines.push("vocabulary {".into());
        for i in 0..1 + self.rng.below(4) {
            let name = format!("b{i}");
            let default = match self.rng.below(3) {
                0 => " = true",
                1 => " = false",
                _ => "",
            };
            let meaning = self.string();
            lines.push(format!("  {name}: bool{default} {meaning}"));
            self.bools.push(name);
        }
        for i in 0..1 + self.rng.below(3) {
            let name = if self.rng.chance(30) {
                format!("customer.kind_{i}")
            } else {
                format!("e{i}")
            };
            let long = self.rng.chance(30);
            let members = self.members(2, if long { 9 } else { 4 }, long);
            let default = if self.rng.chance(20) {
                format!(" = {}", members[0])
            } else {
                String::new()
            };
            let meaning = self.string();
            lines.push(format!(
                "  {name}: {}{default} {meaning}",
                members.join(" | ")
            ));
            self.enums.push((name, members));
        }
        if self.rng.chance(70) {
            // Bounds that hold the default and every value a test gives.
            let bounds = *self.rng.pick(&["", "", " >= -1", " > -2 <= 10", " < 20"]);
            let default = if self.rng.chance(30) { " = 0.5" } else { "" };
            let meaning = self.string();
            lines.push(format!("  n0: number{bounds}{default} {meaning}"));
            self.numbers.push("n0".into());
        }
        if self.rng.chance(50) {
            let members = self.members(2, 4, false);
            let meaning = self.string();
            lines.push(format!("  s0: set of {} {meaning}", members.join(" | ")));
            self.sets.push(("s0".into(), members));
        }
        lines.push("}".into());
        // Definitions, each over facts and the definitions before it.
        let mut items: Vec<Vec<String>> = Vec::new();
        for i in 0..self.rng.below(4) {
            let e = self.expr(2);
            let cite = self.statute_cite();
            let meaning = if self.rng.chance(60) {
                format!(" {}", self.string())
            } else {
                String::new()
            };
            let mut lines = vec![
                format!("define d{i} = {e}"),
                format!("  cites {cite}{meaning}"),
            ];
            for _ in 0..self.readings() {
                lines.push(format!("  reading {}", self.string()));
            }
            items.push(lines);
            self.defs.push(format!("d{i}"));
        }
        // Terms.
        if self.rng.chance(40) {
            let mut t = vec!["terms {".to_string()];
            for _ in 0..1 + self.rng.below(3) {
                let phrases: Vec<String> =
                    (0..1 + self.rng.below(6)).map(|_| self.string()).collect();
                let meaning = if self.rng.chance(20) {
                    "this policy".to_string()
                } else {
                    self.expr(1)
                };
                t.push(format!("  {} means {meaning}", phrases.join(", ")));
            }
            t.push("}".into());
            items.push(t);
        }
        // Provisions and markers: each top-level subsection of the statute is encoded,
        // marked or left out.
        let mut encoded: Vec<String> = Vec::new();
        let mut order: Vec<usize> = (1..=8).collect();
        for k in (1..order.len()).rev() {
            let j = self.rng.below(k + 1);
            order.swap(k, j);
        }
        for n in order.into_iter().take(2 + self.rng.below(5)) {
            if self.rng.chance(20) {
                let kind = if self.rng.chance(50) {
                    "not encoded"
                } else {
                    "not available"
                };
                items.push(vec![format!("{kind} ({n}) {}", self.string())]);
                continue;
            }
            let path = format!("({n})");
            let mut block = vec![format!(
                "provision {path}{} {{",
                if self.rng.chance(50) {
                    format!(" {}", self.string())
                } else {
                    String::new()
                }
            )];
            let earlier = encoded.clone();
            let mut paths = vec![path.clone()];
            let body = self.body(&path, 1, &earlier, &mut paths);
            block.extend(body.into_iter().map(|l| format!("  {l}")));
            block.push("}".into());
            items.push(block);
            encoded.extend(paths);
        }
        // Tests.
        for i in 0..self.rng.below(3) {
            let mut t = vec![format!("test \"t{i}\" {{")];
            for b in self.bools.clone() {
                if self.rng.chance(50) {
                    t.push(format!("  {b} = {}", self.rng.chance(50)));
                }
            }
            for (e, members) in self.enums.clone() {
                if self.rng.chance(60) {
                    t.push(format!("  {e} = {}", self.rng.pick(&members)));
                }
            }
            if !self.numbers.is_empty() && self.rng.chance(60) {
                t.push(format!(
                    "  n0 = {}",
                    self.rng.pick(&["0.5", "1", "2.0", "-1"])
                ));
            }
            if let Some((s, members)) = self.sets.first().cloned() {
                if self.rng.chance(50) {
                    t.push(format!(
                        "  {s} = [{}]",
                        members[..1 + self.rng.below(members.len())].join(", ")
                    ));
                }
            }
            let outcome = self.rng.pick(&[
                "required",
                "permitted",
                "prohibited",
                "not_addressed",
                "undetermined",
            ]);
            let cites = if self.rng.chance(30) { " cites" } else { "" };
            t.push(format!("  expect {outcome}{cites}"));
            t.push("}".into());
            items.push(t);
        }
        for k in (1..items.len()).rev() {
            let j = self.rng.below(k + 1);
            items.swap(k, j);
        }
        for item in items {
            lines.push(String::new());
            lines.extend(item);
        }
        (self.sprinkle(lines), ordered)
    }

    /// The clauses of a provision (`level` 1) or subsection at `path`, not indented.
    fn body(
        &mut self,
        path: &str,
        level: usize,
        earlier: &[String],
        paths: &mut Vec<String>,
    ) -> Vec<String> {
        let top = level == 1;
        // Each clause: its lines, and whether it is a subsection or a rule.
        let mut clauses: Vec<(Vec<String>, bool)> = Vec::new();
        for _ in 0..self.rng.below(3) {
            let kw = if self.rng.chance(20) {
                "unless"
            } else {
                "when"
            };
            clauses.push((vec![format!("{kw} {}", self.expr(3))], false));
        }
        if top || self.rng.chance(40) {
            clauses.push((vec![self.effect()], false));
        }
        if !earlier.is_empty() && self.rng.chance(30) {
            let n = 1 + self.rng.below(2.min(earlier.len()));
            let cites: Vec<String> = (0..n).map(|_| self.rng.pick(earlier).clone()).collect();
            clauses.push((vec![format!("overrides {}", cites.join(", "))], false));
        }
        if self.rng.chance(30) {
            clauses.push((vec![self.obligation()], false));
        }
        for _ in 0..self.readings() {
            clauses.push((vec![format!("reading {}", self.string())], false));
        }
        if top && self.rng.chance(40) {
            let mut rule = vec!["rule {".to_string()];
            rule.push(format!("  when {}", self.expr(2)));
            if self.rng.chance(60) {
                rule.push(format!("  {}", self.effect()));
            }
            for _ in 0..self.readings() {
                rule.push(format!("  reading {}", self.string()));
            }
            rule.push("}".into());
            clauses.push((rule, true));
        }
        let keys: &[&str] = if level == 1 {
            &["a", "b", "c", "d"]
        } else {
            &["A", "B"]
        };
        if level <= 2 {
            for key in keys.iter().take(self.rng.below(keys.len() + 1)) {
                let sub = format!("{path}({key})");
                let title = if self.rng.chance(30) {
                    format!(" {}", self.string())
                } else {
                    String::new()
                };
                if self.rng.chance(15) {
                    clauses.push((
                        vec![format!("({key}){title} not encoded {}", self.string())],
                        true,
                    ));
                    continue;
                }
                paths.push(sub.clone());
                let mut lines = vec![format!("({key}){title} {{")];
                let body = self.body(&sub, level + 1, earlier, paths);
                lines.extend(body.into_iter().map(|l| format!("  {l}")));
                lines.push("}".into());
                clauses.push((lines, true));
            }
        }
        // Shuffle, then write a subsection without braces where that parses the same:
        // only one-line clauses, and followed by a subsection, a rule or the end.
        for k in (1..clauses.len()).rev() {
            let j = self.rng.below(k + 1);
            clauses.swap(k, j);
        }
        let mut out = Vec::new();
        for i in 0..clauses.len() {
            let (lines, _) = &clauses[i];
            let next_ok = clauses.get(i + 1).is_none_or(|c| c.1);
            let inline = next_ok
                && lines.len() >= 2
                && lines
                    .first()
                    .is_some_and(|l| l.starts_with('(') && l.ends_with('{'))
                && lines[1..lines.len() - 1].iter().all(|l| {
                    let clause = l.trim_start();
                    l.len() - clause.len() == 2
                        && !clause.starts_with('(')
                        && !clause.starts_with("rule")
                });
            if inline && self.rng.chance(60) {
                let head = lines[0].trim_end_matches('{').trim_end();
                let body: Vec<&str> = lines[1..lines.len() - 1]
                    .iter()
                    .map(|l| l.trim_start())
                    .collect();
                out.push(if body.is_empty() {
                    head.to_string()
                } else {
                    format!("{head} {}", body.join(" "))
                });
            } else {
                out.extend(lines.iter().cloned());
            }
        }
        out
    }

    /// How many readings to write in one place: mostly none, sometimes one or two.
    fn readings(&mut self) -> usize {
        match self.rng.below(10) {
            0..=6 => 0,
            7 | 8 => 1,
            _ => 2,
        }
    }

    fn effect(&mut self) -> String {
        match self.rng.below(7) {
            0 => "required".into(),
            1 => "permitted".into(),
            2 => "prohibited".into(),
            3 => "out of scope".into(),
            4 => format!("required only if {}", self.expr(2)),
            _ => format!("permitted only if {}", self.expr(2)),
        }
    }

    fn obligation(&mut self) -> String {
        let mut s = format!("obligation {}", self.string());
        if self.rng.chance(40) {
            s.push_str(&format!(" when {}", self.expr(2)));
        }
        if self.rng.chance(40) {
            s.push_str(&format!(" cites {}", self.statute_cite()));
        }
        s
    }

    fn statute_cite(&mut self) -> String {
        let n = 1 + self.rng.below(8);
        match self.rng.below(3) {
            0 => format!("({n})"),
            1 => format!("({n})({})", self.rng.pick(&["a", "b", "c", "d"])),
            _ => format!(
                "({n})({})({})",
                self.rng.pick(&["a", "b"]),
                self.rng.pick(&["A", "B"])
            ),
        }
    }

    /// A condition: operands joined by `and` / `or`, with `not` and parentheses.
    fn expr(&mut self, depth: usize) -> String {
        let mut s = self.term(depth);
        let n = if depth > 0 { self.rng.below(4) } else { 0 };
        for _ in 0..n {
            let op = if self.rng.chance(50) { "and" } else { "or" };
            s = format!("{s} {op} {}", self.term(depth.saturating_sub(1)));
        }
        s
    }

    fn term(&mut self, depth: usize) -> String {
        let nots = if self.rng.chance(15) {
            "not ".repeat(1 + self.rng.below(2))
        } else {
            String::new()
        };
        if depth > 0 && self.rng.chance(25) {
            return format!("{nots}({})", self.expr(depth - 1));
        }
        format!("{nots}{}", self.atom())
    }

    fn atom(&mut self) -> String {
        loop {
            match self.rng.below(7) {
                0 | 1 => return self.rng.pick(&self.bools).clone(),
                2 if !self.defs.is_empty() => return self.rng.pick(&self.defs).clone(),
                3 | 4 => {
                    let (name, members) = self.rng.pick(&self.enums).clone();
                    let not = if self.rng.chance(25) { "not " } else { "" };
                    if self.rng.chance(40) {
                        let n = 1 + self.rng.below(members.len());
                        return format!("{name} is {not}one of [{}]", members[..n].join(", "));
                    }
                    return format!("{name} is {not}{}", self.rng.pick(&members));
                }
                5 if !self.numbers.is_empty() => {
                    let op = self.rng.pick(&[">=", "<", "<=", ">", "==", "!="]);
                    let v = self.rng.pick(&["1", "0.5", "2.0", "-1", "10"]);
                    return format!("n0 {op} {v}");
                }
                6 if !self.sets.is_empty() => {
                    let (name, members) = self.sets[0].clone();
                    return format!("{name} contains {}", self.rng.pick(&members));
                }
                _ => {}
            }
        }
    }

    /// Splits long conditions over lines, adds comments at line ends and on lines of their
    /// own, and blank lines.
    fn sprinkle(&mut self, lines: Vec<String>) -> String {
        let mut out = String::new();
        let mut n = 0;
        for line in lines {
            let indent = line.len() - line.trim_start().len();
            let mut pieces = vec![line.clone()];
            let body = line.trim_start();
            if [
                "when ",
                "unless ",
                "define ",
                "permitted only",
                "required only",
            ]
            .iter()
            .any(|k| body.starts_with(k))
                && !body.contains('"')
            {
                pieces.clear();
                let mut current = String::new();
                for (i, word) in line.split(' ').enumerate() {
                    if i > indent && (word == "and" || word == "or") && self.rng.chance(30) {
                        pieces.push(std::mem::take(&mut current));
                        current = format!("{}{word}", " ".repeat(indent + 2 + self.rng.below(4)));
                    } else {
                        if !current.is_empty() || i > 0 {
                            current.push(' ');
                        }
                        current.push_str(word);
                    }
                }
                pieces.push(current);
            }
            for piece in pieces {
                if self.rng.chance(10) {
                    n += 1;
                    out.push_str(&format!("{}// own {n}\n", " ".repeat(indent)));
                }
                if self.rng.chance(6) {
                    out.push('\n');
                }
                out.push_str(&piece);
                if self.rng.chance(15) {
                    n += 1;
                    out.push_str(&format!(" // trails {n}"));
                }
                out.push('\n');
            }
        }
        out
    }
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/fixtures/fmt")
}

/// The shipped policies: (name, text, folder). A policy's sibling files (its terms, its
/// tests) follow its text, as they may stand after the provisions in the policy file, so
/// that the properties reach the whole policy.
fn shipped() -> Vec<(String, String, PathBuf)> {
    shipped_files()
        .into_iter()
        .filter(|(name, _, _)| juris::load::sibling_kind(Path::new(name)).is_none())
        .map(|(name, mut text, dir)| {
            for kind in SiblingKind::ALL {
                let sibling = juris::load::sibling_path(Path::new(&name), kind);
                if let Ok(more) = std::fs::read_to_string(&sibling) {
                    text.push('\n');
                    text.push_str(&more);
                }
            }
            (name, text, dir)
        })
        .collect()
}

/// The shipped policies' sibling files: (kind, name, text).
fn shipped_siblings() -> Vec<(SiblingKind, String, String)> {
    shipped_files()
        .into_iter()
        .filter_map(|(name, text, _)| {
            juris::load::sibling_kind(Path::new(&name)).map(|kind| (kind, name, text))
        })
        .collect()
}

/// Every `.juris` file under `policies/`: (name, text, folder).
fn shipped_files() -> Vec<(String, String, PathBuf)> {
    let mut out = Vec::new();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("policies");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    dirs.sort();
    for dir in dirs.into_iter().filter(|d| d.is_dir()) {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        for file in files
            .into_iter()
            .filter(|f| f.extension().is_some_and(|e| e == "juris"))
        {
            let text = std::fs::read_to_string(&file).unwrap();
            out.push((file.display().to_string(), text, dir.clone()));
        }
    }
    out
}

// ============================================================================ properties

/// The number of cases: `PROPTEST_CASES` if set, else `default`.
fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(default)
}

#[test]
fn shipped_policies_decide_the_same_formatted() {
    let policies = shipped();
    assert!(!policies.is_empty());
    for (name, text, dir) in policies {
        check(&name, &text, &dir, &mut Random::fixed(7), 500, true);
    }
}

#[test]
fn fixtures_decide_the_same_formatted() {
    for name in [
        "constructs.juris",
        "comments.juris",
        "wrapping.juris",
        "readings-and-ranges.juris",
    ] {
        let text = std::fs::read_to_string(fixtures().join(name)).unwrap();
        check(name, &text, &fixtures(), &mut Random::fixed(11), 300, false);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(96), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn generated_policies_decide_the_same_formatted((text, ordered, mut rng) in generated()) {
        let formatted = check("generated", &text, &fixtures(), &mut rng, 100, ordered);
        let reflowed = perturb(&text, &mut rng);
        prop_assert_eq!(format(&reflowed), formatted, "reflowed:\n{}", reflowed);
        let commented = inject_comments(&text, &mut rng);
        check("commented", &commented, &fixtures(), &mut rng, 20, ordered);
    }
}

/// The shipped sibling files are formatted, and formatting them again changes nothing.
#[test]
fn shipped_sibling_files_are_formatted() {
    let siblings = shipped_siblings();
    assert!(
        siblings
            .iter()
            .any(|(kind, _, _)| *kind == SiblingKind::Terms)
            && siblings
                .iter()
                .any(|(kind, _, _)| *kind == SiblingKind::Tests),
        "the shipped policies keep their terms and tests beside them"
    );
    for (kind, name, text) in siblings {
        let formatted = format_sibling(&text, kind).unwrap_or_else(|d| panic!("{name}: {d:?}"));
        assert_eq!(formatted, text, "{name} is not formatted");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(12), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn reflowed_and_commented_shipped_siblings_format_the_same(mut rng in random()) {
        for (kind, name, text) in shipped_siblings() {
            let reflowed = perturb(&text, &mut rng);
            let formatted = format_sibling(&reflowed, kind).unwrap_or_else(|d| panic!("{name}: {d:?}"));
            prop_assert_eq!(&formatted, &text, "{} reflowed:\n{}", name, reflowed);
            let commented = inject_comments(&text, &mut rng);
            let once = format_sibling(&commented, kind).unwrap_or_else(|d| panic!("{name}: {d:?}"));
            let twice = format_sibling(&once, kind).unwrap_or_else(|d| panic!("{name}: {d:?}"));
            prop_assert_eq!(&twice, &once, "{} commented is not formatted idempotently", name);
            prop_assert_eq!(comments(&once), comments(&commented), "{} loses comments", name);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(12), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn reflowed_and_commented_shipped_policies_format_the_same(mut rng in random()) {
        for (name, text, dir) in shipped() {
            let reflowed = perturb(&text, &mut rng);
            prop_assert_eq!(format(&reflowed), format(&text), "{} reflowed:\n{}", name, reflowed);
            let commented = inject_comments(&text, &mut rng);
            check(&name, &commented, &dir, &mut rng, 10, true);
        }
    }
}

// ============================================================================ snapshots

#[test]
fn fixtures_format_as_snapshotted() {
    insta::glob!("fixtures/fmt/*.juris", |path| {
        let input = std::fs::read_to_string(path).unwrap();
        let output = format(&input);
        crate::settings().bind(|| {
            insta::assert_snapshot!(format!(
                "{input}\n----------------------------------------- formatted\n\n{output}"
            ))
        });
    });
}

// ============================================================================ the command

/// Runs `juris fmt` with `args`; returns the exit code, standard output and error.
fn juris_fmt(args: &[&str]) -> (u8, String, String) {
    let args: Vec<&str> = std::iter::once("fmt").chain(args.iter().copied()).collect();
    let run = crate::cli::juris(&args);
    (run.code, run.stdout, run.stderr)
}

/// A fresh folder under the target directory.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("fmt-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn check_shows_the_diff_and_exits_1() {
    let (code, stdout, stderr) = juris_fmt(&["--check", "tests/it/fixtures/fmt/wrapping.juris"]);
    assert_eq!(code, 1, "{stderr}");
    crate::settings().bind(|| insta::assert_snapshot!(stdout));
    assert_eq!(stderr, "1 file not formatted; `juris fmt` formats it\n");
}

#[test]
fn check_exits_0_when_formatted() {
    let dir = scratch("formatted");
    let text = std::fs::read_to_string(fixtures().join("constructs.juris")).unwrap();
    std::fs::write(dir.join("a.juris"), format(&text)).unwrap();
    let (code, stdout, stderr) = juris_fmt(&["--check", dir.to_str().unwrap()]);
    assert_eq!(
        (code, stdout.as_str(), stderr.as_str()),
        (0, "1 file already formatted\n", "")
    );
}

#[test]
fn fmt_rewrites_the_files_it_changes_and_lists_them() {
    let dir = scratch("rewrite");
    let text = std::fs::read_to_string(fixtures().join("comments.juris")).unwrap();
    let formatted = format(&text);
    std::fs::write(dir.join("a.juris"), &text).unwrap();
    std::fs::write(dir.join("b.juris"), &formatted).unwrap();
    let (code, stdout, stderr) = juris_fmt(&[dir.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    let a = dir.join("a.juris");
    assert_eq!(
        stdout,
        format!(
            "formatted {}\n1 file formatted, 1 already formatted\n",
            juris::load::display_path(&a)
        )
    );
    assert_eq!(std::fs::read_to_string(&a).unwrap(), formatted);
    let (code, _, _) = juris_fmt(&["--check", dir.to_str().unwrap()]);
    assert_eq!(code, 0);
}

#[test]
fn syntax_errors_exit_2_with_the_diagnostics() {
    let dir = scratch("syntax");
    let broken = "policy \"X\" {\n  title \"t\"\n}\n\nprovision (1) {\n  when data is\n}\n";
    std::fs::write(dir.join("broken.juris"), broken).unwrap();
    for args in [vec!["--check"], vec![]] {
        let mut args = args;
        let path = dir.join("broken.juris");
        args.push(path.to_str().unwrap());
        let (code, _, stderr) = juris_fmt(&args);
        assert_eq!(code, 2);
        assert!(stderr.contains("S001"), "{stderr}");
        assert!(stderr.contains("broken.juris"), "{stderr}");
    }
    assert_eq!(
        std::fs::read_to_string(dir.join("broken.juris")).unwrap(),
        broken
    );
}

#[test]
fn unreadable_paths_exit_2() {
    let (code, stdout, stderr) =
        juris_fmt(&["--check", "tests/it/fixtures/fmt/no-such-file.juris"]);
    assert_eq!((code, stdout.as_str()), (2, ""));
    assert!(
        stderr.contains("U001") && stderr.contains("does not exist"),
        "{stderr}"
    );
}
