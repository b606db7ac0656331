//! Fuzz targets, run on every change: each replays its checked-in corpus and a few hundred
//! generated inputs under plain `cargo test`, and runs for as long as asked under a real
//! fuzzer (`scripts/fuzz-long.sh`).
//!
//! | target    | input                         | what must hold                                    |
//! |-----------|-------------------------------|---------------------------------------------------|
//! | `parser`  | policy text                   | parses or reports syntax codes; spans in the file  |
//! | `checker` | policy text + Oregon statute  | compiles (and its tests run) or reports codes      |
//! | `request` | bytes, against Oregon         | decided, or refused with R-codes that point inside |
//! | `decide`  | a request (JSON, or bytes)    | `decide`, `decide_traced`, `decide_explained` and a reused decision agree |
//! | `fmt`     | policy text                   | idempotent; the formatted policy checks and decides the same |
//! | `ask`     | a question                    | answered, or refused with `Q001` on the question   |
//!
//! Harness: [bolero](https://github.com/camshaft/bolero). A `check!` target is an ordinary
//! `#[test]` on stable: it replays `tests/it/__fuzz__/<target>/corpus/*` (and `crashes/*`)
//! and then random inputs; the same target runs unchanged under libFuzzer, AFL or honggfuzz
//! with `cargo bolero test`, which grows that corpus. (`arbitrary` with a hand-made replay
//! test would do the first half only.) The corpus folders are where bolero looks, beside
//! this file; inputs that still crash and are not fixed yet are kept in
//! `tests/it/__fuzz__/<target>/known/` (not replayed as a target input: see
//! [`known_crashes_still_crash`]).
//!
//! Every target reads its input as it is (a corpus file, or what a fuzzer made of one) and,
//! so that random bytes also reach deep code on stable, a second input made from it: one
//! of the target's small seeds edited by the bytes (tokens of the language inserted,
//! characters deleted and duplicated, the text cut short).
//!
//! The number of generated inputs per target is [`ITERATIONS`]; `BOLERO_RANDOM_ITERATIONS`
//! and `BOLERO_RANDOM_TEST_TIME_MS` override it, `BOLERO_RANDOM_SEED` replays one input.
//!
//! The reference evaluator is private to the crate; it is compared with the compiled one in
//! the crate's own differential test (`src/eval/tests.rs`), and here the public evaluators
//! are compared with each other.

use crate::properties::{assert_well_formed, compile_in_memory, oregon_statute, parse, TOKENS};
use juris::diagnostic::FileDiagnostics;
use juris::ir::{FactId, Policy, Type};
use juris::request::{Document, Request};
use juris::source::SourceFile;
use juris::value::Value;
use juris::{Decision, Engine};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Generated inputs per target under `cargo test` (the corpus is always replayed whole):
/// about a second each in debug. Reading a question and deciding with the counterfactual
/// search are the slow ones (tens of milliseconds an input in debug).
const ITERATIONS: usize = 200;
const ITERATIONS_DECIDE: usize = 100;
const ITERATIONS_ASK: usize = 15;
/// The longest generated question under `cargo test` (a question is read in time
/// about linear in its length, some 50 ms for a short one in debug).
const MAX_QUESTION: usize = 200;

/// The longest input a target reads: longer inputs are cut (the parser is bounded by
/// pest's call limit, not by this; it keeps a fuzzer's time on meaning, not on bulk).
const MAX_INPUT: usize = 64 * 1024;

/// How long parsing an input (at most [`MAX_INPUT`] bytes, four times: as a policy and as
/// each kind of sibling file) may take, in debug on a busy machine: pest's call limit makes
/// it linear-ish; an exponential backtrack would blow through this.
const PARSE_BOUND: std::time::Duration = std::time::Duration::from_secs(20);

/// Seeds longer than this are replayed but not edited (a debug parse of the Oregon policy
/// takes about a tenth of a second).
const MAX_SEED: usize = 4 * 1024;

// ============================================================================ targets

#[test]
fn parser() {
    let inputs = Inputs::default();
    bolero::check!(name = "parser")
        .with_iterations(ITERATIONS)
        .for_each(|b| inputs.run(b, parse_text));
    inputs.report("parser");
}

#[test]
fn checker() {
    let inputs = Inputs::default();
    bolero::check!(name = "checker")
        .with_iterations(ITERATIONS / 2)
        .for_each(|b| inputs.run(b, check_text));
    inputs.report("checker");
}

#[test]
fn request() {
    let inputs = Inputs::default();
    bolero::check!(name = "request")
        .with_iterations(ITERATIONS)
        .for_each(|b| inputs.run(b, read_request));
    inputs.report("request");
}

#[test]
fn decide() {
    let inputs = Inputs::default();
    bolero::check!(name = "decide")
        .with_iterations(ITERATIONS_DECIDE)
        .for_each(|b| inputs.run(b, decide_alike));
    inputs.report("decide");
}

#[test]
fn fmt() {
    let inputs = Inputs::default();
    bolero::check!(name = "fmt")
        .with_iterations(ITERATIONS / 2)
        .for_each(|b| inputs.run(b, format_text));
    inputs.report("fmt");
}

#[test]
fn ask() {
    let inputs = Inputs::default();
    bolero::check!(name = "ask")
        .with_iterations(ITERATIONS_ASK)
        .with_max_len(MAX_QUESTION)
        .for_each(|b| inputs.run(b, ask_text));
    inputs.report("ask");
}

/// How many inputs a target ran: printed after a long run (`BOLERO_RANDOM_TEST_TIME_MS`
/// set, as `scripts/fuzz-long.sh -e random` does), so that its note can say.
#[derive(Default)]
struct Inputs(std::sync::atomic::AtomicUsize);

impl Inputs {
    fn run(&self, bytes: &[u8], target: Target) {
        self.0.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        target(bytes);
    }

    fn report(&self, target: &str) {
        if std::env::var_os("BOLERO_RANDOM_TEST_TIME_MS").is_some() {
            eprintln!(
                "fuzz::{target}: {} inputs, no failure",
                self.0.load(std::sync::atomic::Ordering::Relaxed)
            );
        }
    }
}

/// A target: what it checks of one input.
type Target = fn(&[u8]);

/// Every target by name, for [`known_crashes_still_crash`].
const TARGETS: [(&str, Target); 6] = [
    ("parser", parse_text),
    ("checker", check_text),
    ("request", read_request),
    ("decide", decide_alike),
    ("fmt", format_text),
    ("ask", ask_text),
];

fn parse_text(bytes: &[u8]) {
    each_text("parser", bytes, |text| {
        let start = std::time::Instant::now();
        on_cli_stack(text, parse);
        assert!(
            start.elapsed() < PARSE_BOUND,
            "parsing {} bytes took {:?}",
            text.len(),
            start.elapsed()
        );
    });
}

fn check_text(bytes: &[u8]) {
    each_text("checker", bytes, |text| {
        on_cli_stack(text, compile_in_memory)
    });
}

fn format_text(bytes: &[u8]) {
    each_text("fmt", bytes, |text| on_cli_stack(text, format_alike));
}

fn ask_text(bytes: &[u8]) {
    each_text("ask", bytes, ask_anything);
}

// ============================================================================ properties

/// A request's bytes against the Oregon policy (as they are, as text, and one of the request
/// seeds edited by them): refused with R-codes that point inside the request, or decided;
/// read from bytes and read from a JSON value alike.
fn read_request(bytes: &[u8]) {
    each_text("request", bytes, |text| read_request_bytes(text.as_bytes()));
    if std::str::from_utf8(bytes).is_err() {
        read_request_bytes(&bytes[..bytes.len().min(MAX_INPUT)]);
    }
}

fn read_request_bytes(bytes: &[u8]) {
    let engine = oregon();
    let mut document = Document::default();
    let read = document.read_slice(bytes);
    let value = serde_json::from_slice::<serde_json::Value>(bytes);
    if let (Err(refused), Ok(_)) = (&read, &value) {
        // JSON that serde_json keeps but Juris refuses while reading: a key given twice
        // (a value keeps the last), nesting, strings or numbers past the request limits.
        // Refused with its code, pointing inside the request; never decided.
        assert!(
            ["R007", "R009", "R010", "R011"].contains(&refused.code.code),
            "the request reader refuses JSON with {}: {refused:?}",
            refused.code.code
        );
        let text = String::from_utf8_lossy(bytes);
        let source = SourceFile::new("request.json", text.as_ref());
        let diagnostics = vec![juris::cli::request_diagnostic(&source, refused)];
        assert_well_formed(&FileDiagnostics {
            source,
            diagnostics,
        });
        return;
    }
    assert_eq!(
        read.is_ok(),
        value.is_ok(),
        "the request reader and serde_json disagree on whether this is JSON: {read:?} / {value:?}"
    );
    let Ok(value) = value else {
        return; // refused as `R004` (`juris eval` and `juris batch` say so)
    };
    let decoded = engine.policy_for_document(&document).map_err(|e| vec![e]);
    let decoded = decoded.and_then(|policy| {
        let mut request = Request::empty(policy);
        request
            .fill_from(policy, &document, &mut String::new())
            .map(|()| (policy, request))
    });
    let from_value = engine.request_from_json(&value);
    match (&decoded, &from_value) {
        (Ok((p, a)), Ok((q, b))) => {
            assert!(std::ptr::eq(&***p, &***q), "two readings, two policies");
            assert_eq!(a, b, "read from bytes and from a JSON value, two requests");
            decisions_agree(engine, p, a);
        }
        (Err(a), Err(b)) => {
            assert_eq!(a, b, "read from bytes and from a JSON value, two refusals");
            assert!(!a.is_empty(), "a refusal says why");
            let text = String::from_utf8_lossy(bytes);
            let source = SourceFile::new("request.json", text.as_ref());
            let diagnostics: Vec<_> = a
                .iter()
                .map(|e| {
                    assert!(
                        e.code.code.starts_with('R'),
                        "{} is not a request code",
                        e.code.code
                    );
                    juris::cli::request_diagnostic(&source, e)
                })
                .collect();
            assert_well_formed(&FileDiagnostics {
                source,
                diagnostics,
            });
        }
        _ => panic!(
            "the request, read from bytes and from a JSON value, decodes two ways:\n{}\n\
             from bytes: {:?}\nfrom a JSON value: {:?}",
            String::from_utf8_lossy(bytes),
            decoded.as_ref().map(|(_, r)| r),
            from_value.as_ref().map(|(_, r)| r)
        ),
    }
}

/// Every way of deciding a request gives the same answer.
fn decide_alike(bytes: &[u8]) {
    let engine = shipped();
    let (policy, request) = request_of(engine, bytes);
    decisions_agree(engine, &policy, &request);
}

fn decisions_agree(engine: &Engine, policy: &Policy, request: &Request) {
    let plain = engine.decide(policy, request);
    let traced = engine.decide_traced(policy, request);
    let explained = engine.decide_explained(policy, request);
    let mut reused = engine.decide_traced(policy, &Request::empty(policy));
    engine.decide_into(policy, request, &mut reused);
    for (name, other) in [
        ("traced", &traced),
        ("explained", &explained),
        ("reused", &reused),
    ] {
        assert!(
            plain.same_answer(other),
            "decide and decide ({name}) disagree on {request:?}:\n{}\n{}",
            words(policy, &plain),
            words(policy, other)
        );
    }
    assert!(traced.trace.is_some() && explained.trace.is_some());
    let _ = juris::explain::to_json(policy, &explained, request);
    let _ = juris::explain::human::render(
        policy,
        &explained,
        request,
        juris::explain::human::Style::default(),
    );
}

/// Formatting is idempotent, and the formatted policy checks the same (the same codes) and,
/// when it compiles, decides its tests and a few requests the same.
fn format_alike(text: &str) {
    let source = SourceFile::new("fuzz.juris", text);
    if juris::syntax::parse(&source).is_ok() {
        let formatted = match juris::fmt::format_source(text) {
            Ok(f) => f,
            Err(d) => panic!("a policy that parses does not format: {:?}", messages(&d)),
        };
        let again = juris::fmt::format_source(&formatted).map_err(|d| messages(&d));
        assert_eq!(
            again.as_deref(),
            Ok(formatted.as_str()),
            "formatting twice differs"
        );
        match (compile(text), compile(&formatted)) {
            (Ok(a), Ok(b)) => {
                for (x, y) in a.tests.iter().zip(&b.tests) {
                    let (r, s) = (x.request(&a), y.request(&b));
                    assert_eq!(
                        decision_words(&a, &r),
                        decision_words(&b, &s),
                        "test {:?}",
                        x.name
                    );
                }
                for seed in 0..3u8 {
                    let request = random_request(&a, &mut Bytes::new(&[seed, seed ^ 0x5a, 7]));
                    assert_eq!(decision_words(&a, &request), decision_words(&b, &request));
                }
            }
            (Err(a), Err(b)) => assert_eq!(a, b, "the formatted policy checks differently"),
            (a, b) => panic!(
                "the formatted policy checks differently: {:?} / {:?}",
                a.err(),
                b.err()
            ),
        }
    }
    for kind in juris::ast::SiblingKind::ALL {
        if juris::syntax::parse_sibling(&source, kind).is_ok() {
            let formatted = juris::fmt::format_sibling(text, kind).unwrap_or_else(|d| {
                panic!(
                    "a {kind:?} file that parses does not format: {:?}",
                    messages(&d)
                )
            });
            let again = juris::fmt::format_sibling(&formatted, kind).map_err(|d| messages(&d));
            assert_eq!(
                again.as_deref(),
                Ok(formatted.as_str()),
                "formatting twice differs"
            );
        }
    }
}

/// A question is answered, or refused with `Q001` labelled inside the question.
fn ask_anything(question: &str) {
    let engine = shipped();
    match juris::ask::interpret(engine, question) {
        Ok(interpretation) => {
            let decision = juris::ask::decide(&interpretation);
            let _ = juris::ask::to_json(&interpretation, &decision);
            let _ = juris::ask::memo::render(
                &interpretation,
                &decision,
                juris::ask::memo::Options {
                    style: juris::ask::memo::Style::Plain,
                    show_reading: true,
                },
            );
        }
        Err(unplaced) if unplaced.out_of_scope.is_some() => {}
        Err(unplaced) => {
            let diagnostic = juris::cli::unplaced_diagnostic(question, &unplaced);
            assert_eq!(diagnostic.code.code, "Q001");
            assert_well_formed(&FileDiagnostics {
                source: SourceFile::new("question", question),
                diagnostics: vec![diagnostic],
            });
        }
    }
}

// ============================================================================ inputs

/// Runs `check` on the input as text, and (unless it is one of them) on one of the
/// target's small seeds edited by the input's bytes.
fn each_text(target: &str, bytes: &[u8], check: impl Fn(&str)) {
    let bytes = &bytes[..bytes.len().min(MAX_INPUT)];
    check(&String::from_utf8_lossy(bytes));
    let seeds = seeds(target);
    // A seed replayed from the corpus is not edited too: the corpus replays quickly.
    let replayed = seeds.iter().any(|s| s.as_bytes() == bytes);
    if !seeds.is_empty() && !bytes.is_empty() && !replayed {
        let mut input = Bytes::new(bytes);
        let seed = &seeds[input.below(seeds.len())];
        check(&edit(seed, tokens(target), &mut input));
    }
}

/// The words a target's seeds are edited with: the policy language's for policy texts,
/// JSON's and the Oregon vocabulary's for requests, the shipped vocabularies' in plain
/// words for questions.
fn tokens(target: &str) -> &'static [String] {
    static TOKENS_OF: OnceLock<[Vec<String>; 3]> = OnceLock::new();
    let [language, json, words] = TOKENS_OF.get_or_init(|| {
        let language = TOKENS.iter().map(|t| t.to_string()).collect();
        let mut json: Vec<String> = [
            "{",
            "}",
            "[",
            "]",
            ",",
            ":",
            "\"",
            "null",
            "true",
            "false",
            "0",
            "-1",
            "0.5",
            "2",
            "1e400",
            "-0",
            "\"OR\"",
            "\"OK\"",
            "\"jurisdiction\"",
            "\"2012-08-24\"",
            "\"0000-00-00\"",
            "\"\\u0000\"",
            "\"\\ud800\"",
            "\"é\"",
            "\"\"",
        ]
        .iter()
        .map(|t| t.to_string())
        .collect();
        let mut words: Vec<String> = [
            "Oregon",
            "Oklahoma",
            "OR",
            "OK",
            "not",
            "no",
            "without",
            "more than",
            "less than",
            "at least",
            "1 aMW",
            "0.5 aMW",
            "-3",
            "1e400",
            "99999999999999999999",
            "?",
            ",",
            "and",
            "or",
            "İ",
            "🙂",
            "\u{0}",
        ]
        .iter()
        .map(|t| t.to_string())
        .collect();
        for policy in shipped().policies() {
            for fact in &policy.facts {
                let last = fact.name.rsplit('.').next().unwrap_or(&fact.name);
                if policy.jurisdiction == "OR" {
                    json.push(format!("\"{}\"", fact.name));
                    json.push(format!("\"{last}\": {{"));
                }
                words.push(last.replace('_', " "));
                for member in fact.ty.members() {
                    if policy.jurisdiction == "OR" {
                        json.push(format!("\"{member}\""));
                    }
                    words.push(member.replace('_', " "));
                }
            }
        }
        [language, json, words]
    });
    match target {
        "request" => json,
        "ask" => words,
        _ => language,
    }
}

/// The bytes of an input, read a few at a time; zeros once they run out.
struct Bytes<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Bytes<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Bytes { bytes, at: 0 }
    }
    fn byte(&mut self) -> u8 {
        let b = self.bytes.get(self.at).copied().unwrap_or(0);
        self.at += 1;
        b
    }
    fn below(&mut self, n: usize) -> usize {
        let wide = u16::from_le_bytes([self.byte(), self.byte()]) as usize;
        wide % n.max(1)
    }
    fn rest(&self) -> &'a [u8] {
        self.bytes.get(self.at..).unwrap_or_default()
    }
    fn is_done(&self) -> bool {
        self.at >= self.bytes.len()
    }
}

/// A seed edited by the input: up to eight edits, each one of the target's tokens inserted, a
/// run of characters deleted or duplicated, a character replaced by the input's text, or
/// the text cut short.
fn edit(seed: &str, tokens: &[String], input: &mut Bytes) -> String {
    let mut text = seed.to_string();
    for _ in 0..=input.byte() % 8 {
        if input.is_done() {
            break;
        }
        let kind = input.byte() % 6;
        let at = floor(&text, input.below(text.len() + 1));
        let to = floor(&text, at + input.below(64));
        match kind {
            0 | 1 => text.insert_str(at, &tokens[input.below(tokens.len())]),
            2 => text.replace_range(at..to, ""),
            3 => {
                let run = text[at..to].to_string();
                text.insert_str(at, &run);
            }
            4 => {
                let n = 1 + input.below(8);
                let rest = input.rest();
                let piece = String::from_utf8_lossy(&rest[..n.min(rest.len())]).into_owned();
                text.replace_range(at..floor(&text, at + 1), &piece);
            }
            _ => text.truncate(to),
        }
    }
    text
}

/// The largest character boundary at or before `at`.
fn floor(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// The target's corpus files small enough to edit.
fn seeds(target: &str) -> &'static [String] {
    static SEEDS: OnceLock<Vec<(String, Vec<String>)>> = OnceLock::new();
    let all = SEEDS.get_or_init(|| {
        ["parser", "checker", "fmt", "request", "ask"]
            .iter()
            .map(|t| {
                let mut texts: Vec<(PathBuf, String)> = std::fs::read_dir(corpus(t))
                    .into_iter()
                    .flatten()
                    .flatten()
                    .map(|e| e.path())
                    .filter_map(|p| {
                        let bytes = std::fs::read(&p).ok()?;
                        Some((p, String::from_utf8_lossy(&bytes).into_owned()))
                    })
                    .filter(|(_, text)| text.len() <= MAX_SEED)
                    .collect();
                texts.sort();
                (t.to_string(), texts.into_iter().map(|(_, t)| t).collect())
            })
            .collect()
    });
    all.iter()
        .find(|(t, _)| t == target)
        .map_or(&[], |(_, s)| s.as_slice())
}

fn corpus(target: &str) -> PathBuf {
    crate::root()
        .join("tests/it/__fuzz__")
        .join(target)
        .join("corpus")
}

/// A request from an input: a JSON request one of the shipped policies accepts, else one
/// built from the bytes over a shipped policy's vocabulary.
fn request_of(engine: &Engine, bytes: &[u8]) -> (std::sync::Arc<Policy>, Request) {
    if let Ok(json) = serde_json::from_slice::<serde_json::Value>(bytes) {
        if let Ok((policy, request)) = engine.request_from_json(&json) {
            return (policy.clone(), request);
        }
    }
    let mut input = Bytes::new(bytes);
    let policy = engine.policies()[input.below(engine.policies().len())].clone();
    let request = random_request(&policy, &mut input);
    (policy, request)
}

/// A request over a policy's vocabulary made from bytes: some facts left unknown (or at
/// their default), numbers and dates at and around the thresholds the policy compares them
/// with.
fn random_request(policy: &Policy, input: &mut Bytes) -> Request {
    let mut request = Request::empty(policy);
    for (i, fact) in policy.facts.iter().enumerate() {
        let b = input.byte();
        if b % 4 == 0 {
            continue;
        }
        let thresholds = policy.thresholds.get(i).map(Vec::as_slice).unwrap_or(&[]);
        let near = |input: &mut Bytes| -> f64 {
            let step = [-1.0, -0.5, 0.0, 0.0, 0.5, 1.0][input.below(6)];
            match thresholds {
                [] => step * 3.0,
                t => t[input.below(t.len())] + step,
            }
        };
        let value = match &fact.ty {
            Type::Bool => Value::Bool(b & 4 != 0),
            Type::Number => Value::Number(near(input)),
            Type::Date => Value::Date(near(input) as i32),
            Type::Text => Value::Text("someone".into()),
            Type::Enum(m) => Value::Enum(input.below(m.len()) as u8),
            Type::Set(m) => {
                let all = 1u64.checked_shl(m.len() as u32).map_or(u64::MAX, |b| b - 1);
                Value::Set(u64::from_le_bytes([input.byte(), input.byte(), 0, 0, 0, 0, 0, 0]) & all)
            }
        };
        if fact.in_range(&value) {
            request.assume(FactId(i as u32), value);
        }
    }
    request
}

// ============================================================================ helpers

/// Runs `f` on a thread with the stack the command line's main thread has (8 MiB on
/// Linux), not the test harness's 2 MiB: deep nesting must be stopped by Juris's own
/// limits before either runs out.
fn on_cli_stack(text: &str, f: fn(&str)) {
    std::thread::scope(|scope| {
        let handle = std::thread::Builder::new()
            .stack_size(8 << 20)
            .spawn_scoped(scope, || f(text))
            .expect("spawn a thread");
        if let Err(e) = handle.join() {
            std::panic::resume_unwind(e);
        }
    });
}

fn oregon() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| Engine::load(&["policies/oregon"]).expect("the Oregon policy loads"))
}

fn shipped() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| Engine::load(&["policies"]).expect("the shipped policies load"))
}

/// Compiles a policy text with the Oregon statute text; the codes of its diagnostics when
/// it does not compile.
fn compile(text: &str) -> Result<Policy, Vec<&'static str>> {
    let source = SourceFile::new("fuzz.juris", text);
    let read = |_: &Path| Ok(oregon_statute().to_string());
    juris::load::compile_with(source, Path::new("."), &read).map_err(|file| {
        let mut codes: Vec<&str> = file.diagnostics.iter().map(|d| d.code.code).collect();
        codes.sort_unstable();
        codes
    })
}

fn messages(diagnostics: &[juris::diagnostic::Diagnostic]) -> Vec<String> {
    diagnostics.iter().map(|d| d.message.clone()).collect()
}

/// A decision in words (cites and facts by name), comparable across two compilations.
fn decision_words(policy: &Policy, request: &Request) -> String {
    words(policy, &juris::eval::decide(policy, request))
}

fn words(policy: &Policy, d: &Decision) -> String {
    let cites: Vec<&str> = d.cites.iter().map(|l| policy.cite_of(*l)).collect();
    let obligations: Vec<&str> = d
        .obligations
        .iter()
        .map(|&o| policy.obligations[o as usize].text.as_str())
        .collect();
    let depends: Vec<&str> = d
        .depends_on
        .iter()
        .map(|f| policy.fact(*f).name.as_str())
        .collect();
    format!(
        "{} {cites:?} {obligations:?} {depends:?} {} cases",
        d.outcome.as_str(),
        d.cases.len()
    )
}

// ============================================================================ known crashes

/// The inputs under `tests/it/__fuzz__/<target>/known/` crash their target and are not
/// fixed yet (each is reported; see the fixtures' README). This test fails once one no
/// longer crashes, so that it moves to the corpus and guards the fix.
#[test]
fn known_crashes_still_crash() {
    let mut fixed = Vec::new();
    for (target, run) in TARGETS {
        let dir = crate::root()
            .join("tests/it/__fuzz__")
            .join(target)
            .join("known");
        for path in std::fs::read_dir(&dir)
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
        {
            if path.extension().is_some_and(|e| e == "md") {
                continue;
            }
            let bytes = std::fs::read(&path).expect("read a known crash");
            if std::panic::catch_unwind(|| run(&bytes)).is_ok() {
                fixed.push(crate::relative(&path));
            }
        }
    }
    assert!(
        fixed.is_empty(),
        "these inputs no longer crash: move them to their target's corpus/ {fixed:#?}"
    );
}

// ============================================================================ found by fuzzing

/// `ask`: a question it cannot place is labelled at its phrases' own offsets, also after a
/// letter whose lowercase is longer (`İ`), and an empty question within its zero bytes.
#[test]
fn unplaced_questions_are_labelled_in_place() {
    for (question, phrase) in [("İİİİ Oregon İİ", Some("Oregon")), ("", None)] {
        let Err(unplaced) = juris::ask::interpret(shipped(), question) else {
            panic!("{question:?} is placed");
        };
        let d = juris::cli::unplaced_diagnostic(question, &unplaced);
        let label = &d.labels[0].span;
        let labelled = question.get(label.start as usize..label.end as usize);
        match phrase {
            Some(p) => assert_eq!(labelled, Some(p)),
            None => assert_eq!(labelled, Some("")),
        }
    }
}
