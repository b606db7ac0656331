//! Deciding a stream of JSON Lines requests on all cores (`juris batch`).
//!
//! The input is read in chunks of at most [`Options::chunk_lines`] lines (and a few MiB),
//! one chunk ahead of the workers; each chunk is decided in parallel and written in input
//! order before the next is taken, so memory stays flat whatever the input's size.
//!
//! Each line is one request, read into a worker's reused [`Document`] and decoded by the
//! one request decoder ([`Request::fill_from`]), so every line is validated exactly as
//! `juris eval` validates a request. A line that is not a valid request becomes an error
//! record with its line number, never a decision:
//!
//! ```json
//! {"line": 12, "error": {"code": "R001", "name": "unknown-key", "message": "…", "key": "…", "help": "…"}}
//! ```
//!
//! A decision is the decision contract's object (`decision`, `cites`, `obligations`,
//! `depends_on`, `cases`), with the `explanation` when asked for, written by the contract's
//! one writer ([`crate::explain::DecisionJson`]).

use crate::decision_log::{DecisionLog, LogError};
use crate::diagnostic::code;
use crate::engine::Engine;
use crate::eval::{Compiled, Decision, Outcome};
use crate::ir::Policy;
use crate::request::locate::Point;
use crate::request::{Document, Limits, Request, RequestError};
use rayon::prelude::*;
use std::fmt;
use std::io::{BufRead, BufReader, Read, Write};
use std::sync::mpsc;
use std::sync::Arc;

pub mod table;

/// What each output line holds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Detail {
    /// The decision (the contract's fields).
    #[default]
    Decision,
    /// The decision with its `explanation`, as `juris eval --format json` gives it.
    Explained,
}

/// How a batch runs.
#[derive(Clone, Debug)]
pub struct Options {
    /// What each output line holds.
    pub detail: Detail,
    /// Lines per chunk: the unit of reading, parallel work and writing.
    pub chunk_lines: usize,
    /// Worker threads (`None`: one per core).
    pub threads: Option<usize>,
    /// The limits each line is read within (the size limit is per line).
    pub limits: Limits,
    /// The decision log each decision is appended to, in input order, with its receipt
    /// (refused lines are not decisions and are not logged).
    pub log: Option<Arc<DecisionLog>>,
    /// Each policy's stamp (its bundle hash), in the engine's order, when the caller holds
    /// them already (the service hashes its bundles once, when it loads them); empty: they
    /// are hashed here when logging.
    pub stamps: Vec<crate::receipt::PolicyStamp>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            detail: Detail::Decision,
            chunk_lines: 4096,
            threads: None,
            limits: Limits::DEFAULT,
            log: None,
            stamps: Vec::new(),
        }
    }
}

/// What a batch decided.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Lines read.
    pub lines: u64,
    /// Lines decided, per outcome (indexed like [`OUTCOMES`]).
    pub outcomes: [u64; 6],
    /// Lines that were not valid requests.
    pub errors: u64,
    /// The first line that was an error, if any.
    pub first_error: Option<u64>,
}

/// The outcomes in the order [`Summary::outcomes`] counts them.
pub const OUTCOMES: [Outcome; 6] = [
    Outcome::Required,
    Outcome::Permitted,
    Outcome::Prohibited,
    Outcome::NotAddressed,
    Outcome::Undetermined,
    Outcome::Conflict,
];

impl Summary {
    /// Lines decided.
    pub fn decided(&self) -> u64 {
        self.outcomes.iter().sum()
    }

    fn add(&mut self, other: &Summary) {
        self.lines += other.lines;
        self.errors += other.errors;
        for (a, b) in self.outcomes.iter_mut().zip(other.outcomes) {
            *a += b;
        }
        self.first_error = match (self.first_error, other.first_error) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
    }
}

/// Why a batch stopped early.
#[derive(Debug)]
pub enum BatchError {
    /// The input could not be read (after the lines before it were written).
    Read(std::io::Error),
    /// The output could not be written.
    Write(std::io::Error),
    /// The decision log could not be written (the decisions before it were logged).
    Log(LogError),
    /// A table cannot be read as requests (its columns), so nothing of it was decided.
    Table(table::TableError),
}

impl fmt::Display for BatchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BatchError::Read(e) => write!(f, "cannot read the input: {e}"),
            BatchError::Write(e) => write!(f, "cannot write the output: {e}"),
            BatchError::Log(e) => write!(f, "cannot write the decision log: {e}"),
            BatchError::Table(e) => write!(f, "{e}"),
        }
    }
}

/// A chunk of input lines.
struct Chunk {
    /// The lines' bytes, each without its line break.
    data: Vec<u8>,
    /// Each line's `start..end` in `data`.
    lines: Vec<(usize, usize)>,
    /// The number of the first line (1-based).
    first: u64,
}

/// The most bytes a chunk holds before it is handed on, whatever its line count.
const CHUNK_BYTES: usize = 8 << 20;

/// Decides every line of `input`, writing one JSON line per input line to `output`, in
/// order. `progress` is told the bytes and lines read so far after each chunk.
pub fn run<R: Read + Send>(
    engine: &Engine,
    input: R,
    output: &mut dyn Write,
    options: &Options,
    progress: &(dyn Fn(u64, u64) + Sync),
) -> Result<Summary, BatchError> {
    let pool = pool_of(options);
    let mut decoder = Decoder::new(engine, options.detail);
    decoder.limits = options.limits;
    decoder.logging = options.log.is_some();
    let stamps = stamps_for(engine, options);
    let chunk_lines = options.chunk_lines.max(1);
    let mut summary = Summary::default();
    std::thread::scope(|scope| {
        let (send, receive) = mpsc::sync_channel::<Result<Chunk, std::io::Error>>(1);
        let most = options.limits.max_bytes;
        scope.spawn(move || read_chunks(input, chunk_lines, most, &send));
        let mut bytes = 0u64;
        for chunk in receive {
            let chunk = chunk.map_err(BatchError::Read)?;
            bytes += chunk.data.len() as u64 + chunk.lines.len() as u64;
            let decide = || decide_chunk(&decoder, &chunk);
            let pieces = match &pool {
                Some(pool) => pool.install(decide),
                None => decide(),
            };
            for (out, part, logged) in pieces {
                if let Some(log) = &options.log {
                    for (which, request, decision) in &logged {
                        let Some(stamp) = stamps.get(*which) else {
                            continue;
                        };
                        log.record(stamp, request, decision)
                            .map_err(BatchError::Log)?;
                    }
                }
                output.write_all(&out).map_err(BatchError::Write)?;
                summary.add(&part);
            }
            progress(bytes, summary.lines);
        }
        output.flush().map_err(BatchError::Write)?;
        Ok(summary)
    })
}

/// A pool of the workers asked for (`None`: rayon's global pool, one per core).
fn pool_of(options: &Options) -> Option<rayon::ThreadPool> {
    let n = options.threads?;
    rayon::ThreadPoolBuilder::new()
        .num_threads(n.max(1))
        .build()
        .ok()
}

/// Each policy's stamp for the decision log (none when not logging): the caller's, else
/// hashed here.
fn stamps_for(engine: &Engine, options: &Options) -> Vec<crate::receipt::PolicyStamp> {
    match options.log {
        Some(_) if options.stamps.len() == engine.policies().len() => options.stamps.clone(),
        Some(_) => engine
            .policies()
            .iter()
            .map(|p| crate::receipt::PolicyStamp::of(p))
            .collect(),
        None => Vec::new(),
    }
}

/// Lines a worker takes at a time.
const PIECE: usize = 64;

/// Decides a chunk in parallel: each piece's output, summary and what it logs, in order.
fn decide_chunk(decoder: &Decoder, chunk: &Chunk) -> Vec<(Vec<u8>, Summary, Vec<Logged>)> {
    chunk
        .lines
        .par_chunks(PIECE)
        .enumerate()
        .map_init(
            || decoder.scratch(),
            |scratch, (i, lines)| {
                let mut out = Vec::with_capacity(lines.len() * 160);
                let mut part = Summary::default();
                let first = chunk.first + (i * PIECE) as u64;
                for (j, &(start, end)) in lines.iter().enumerate() {
                    let line = chunk.data.get(start..end).unwrap_or(&[]);
                    decoder.line(scratch, line, first + j as u64, &mut out, &mut part);
                }
                (out, part, std::mem::take(&mut scratch.logged))
            },
        )
        .collect()
}

/// Reads the input into chunks and sends them on; stops at the end, on an error (sent on),
/// or when the receiver is gone. A line over `most` bytes is kept only to one byte over (it
/// is refused as too large) and the rest of it is skipped unkept, so a huge line costs no
/// memory.
fn read_chunks<R: Read>(
    input: R,
    chunk_lines: usize,
    most: usize,
    send: &mpsc::SyncSender<Result<Chunk, std::io::Error>>,
) {
    let keep = u64::try_from(most).unwrap_or(u64::MAX).saturating_add(1);
    let mut reader = BufReader::with_capacity(1 << 20, input);
    let mut next = 1u64;
    loop {
        let mut chunk = Chunk {
            data: Vec::with_capacity(chunk_lines * 256),
            lines: Vec::with_capacity(chunk_lines),
            first: next,
        };
        while chunk.lines.len() < chunk_lines && chunk.data.len() < CHUNK_BYTES {
            let start = chunk.data.len();
            match (&mut reader).take(keep).read_until(b'\n', &mut chunk.data) {
                Ok(0) => break,
                Ok(_) => {
                    if chunk.data.last() != Some(&b'\n') && chunk.data.len() - start > most {
                        if let Err(e) = skip_line(&mut reader) {
                            let _ = send.send(Err(e));
                            return;
                        }
                    }
                    if chunk.data.last() == Some(&b'\n') {
                        chunk.data.pop();
                        if chunk.data.last() == Some(&b'\r') {
                            chunk.data.pop();
                        }
                    }
                    chunk.lines.push((start, chunk.data.len()));
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => {
                    let _ = send.send(Err(e));
                    return;
                }
            }
        }
        if chunk.lines.is_empty() {
            return;
        }
        next += chunk.lines.len() as u64;
        let full = chunk.lines.len() == chunk_lines || chunk.data.len() >= CHUNK_BYTES;
        if send.send(Ok(chunk)).is_err() || !full {
            return;
        }
    }
}

/// Skips the rest of a line, its line break included.
fn skip_line<R: BufRead>(reader: &mut R) -> std::io::Result<()> {
    loop {
        let buffer = match reader.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if buffer.is_empty() {
            return Ok(());
        }
        match buffer.iter().position(|&b| b == b'\n') {
            Some(i) => {
                reader.consume(i + 1);
                return Ok(());
            }
            None => {
                let n = buffer.len();
                reader.consume(n);
            }
        }
    }
}

// ------------------------------------------------------------------ one line

/// Decodes, decides and writes lines (the decision through [`crate::explain::DecisionJson`]);
/// shared by the workers.
pub struct Decoder<'e> {
    engine: &'e Engine,
    detail: Detail,
    /// The limits each line is read within.
    pub limits: Limits,
    /// Whether each decision is kept for the decision log ([`Scratch`]'s `logged`).
    pub logging: bool,
    policies: Vec<PolicyCodec<'e>>,
}

/// A decision to log: the policy's index, the request as JSON, the decision object.
type Logged = (usize, serde_json::Value, serde_json::Value);

/// Per policy: what decoding needs, computed once.
struct PolicyCodec<'e> {
    policy: &'e Arc<Policy>,
    compiled: std::borrow::Cow<'e, Compiled>,
    blank: Request,
}

/// One worker's reusable buffers.
pub struct Scratch {
    document: Document,
    /// A dotted key being read.
    key: String,
    requests: Vec<Request>,
    decision: Decision,
    /// The decisions to log, when logging.
    logged: Vec<Logged>,
}

impl<'e> Decoder<'e> {
    /// Prepares decoding and writing for every policy of the engine.
    pub fn new(engine: &'e Engine, detail: Detail) -> Decoder<'e> {
        let policies = engine
            .policies()
            .iter()
            .map(|policy| PolicyCodec {
                policy,
                compiled: engine.compiled(policy),
                blank: Request::empty(policy),
            })
            .collect();
        Decoder {
            engine,
            detail,
            limits: Limits::DEFAULT,
            logging: false,
            policies,
        }
    }

    /// Fresh buffers for one worker.
    pub fn scratch(&self) -> Scratch {
        Scratch {
            document: Document::with_limits(self.limits),
            key: String::new(),
            requests: self.policies.iter().map(|p| p.blank.clone()).collect(),
            decision: Decision::default(),
            logged: Vec::new(),
        }
    }

    /// Decides one line (numbered `number`) and appends its output line to `out`.
    pub fn line(
        &self,
        scratch: &mut Scratch,
        line: &[u8],
        number: u64,
        out: &mut Vec<u8>,
        summary: &mut Summary,
    ) {
        let which = match self.decide(scratch, line, number, summary) {
            Ok(which) => which,
            Err(errors) => {
                write_error(out, number, line, &errors);
                return;
            }
        };
        let (Some(codec), Some(request)) = (self.policies.get(which), scratch.requests.get(which))
        else {
            return;
        };
        let decision = &scratch.decision;
        let _ = if self.detail == Detail::Explained {
            crate::explain::write_json(&mut *out, codec.policy, decision, request)
        } else {
            crate::explain::write_decision(&mut *out, codec.policy, decision)
        };
        out.push(b'\n');
    }

    /// Decodes and decides one request given as JSON bytes (numbered `number`, 1-based),
    /// counting it in `summary` and keeping it for the log when logging: the decision is
    /// left in the scratch's decision, and the index of its policy is returned. A request
    /// that is not valid is counted as an error and its errors returned.
    fn decide(
        &self,
        scratch: &mut Scratch,
        bytes: &[u8],
        number: u64,
        summary: &mut Summary,
    ) -> Result<usize, Vec<RequestError>> {
        summary.lines += 1;
        let which = match self.decode(scratch, bytes) {
            Ok(which) => which,
            Err(errors) => {
                summary.errors += 1;
                summary.first_error = Some(summary.first_error.map_or(number, |f| f.min(number)));
                return Err(errors);
            }
        };
        let (Some(codec), Some(request)) = (self.policies.get(which), scratch.requests.get(which))
        else {
            return Err(Vec::new());
        };
        if self.detail == Detail::Explained {
            codec
                .compiled
                .decide_explained_into(codec.policy, request, &mut scratch.decision);
        } else {
            codec.compiled.decide_into(request, &mut scratch.decision);
        }
        let decision = &scratch.decision;
        if let Some(i) = OUTCOMES.iter().position(|o| *o == decision.outcome) {
            summary.outcomes[i] += 1;
        }
        if self.logging {
            // The reader accepted the bytes, so they are JSON a `Value` holds.
            let request = serde_json::from_slice(bytes).unwrap_or(serde_json::Value::Null);
            let plain = crate::explain::decision_json(codec.policy, decision);
            scratch.logged.push((which, request, plain));
        }
        Ok(which)
    }

    /// Decodes a line into the scratch request of its policy ([`Request::fill_from`], as
    /// `juris eval` decodes a request); returns the policy's index.
    fn decode(&self, scratch: &mut Scratch, line: &[u8]) -> Result<usize, Vec<RequestError>> {
        if line.iter().all(u8::is_ascii_whitespace) {
            return Err(vec![invalid_json("the line is empty")]);
        }
        let document = &mut scratch.document;
        document.read_slice(line).map_err(|e| vec![e])?;
        let policy = self
            .engine
            .policy_for_document(document)
            .map_err(|e| vec![e])?;
        let which = self
            .policies
            .iter()
            .position(|p| Arc::ptr_eq(p.policy, policy))
            .unwrap_or(0);
        let (Some(codec), Some(request)) =
            (self.policies.get(which), scratch.requests.get_mut(which))
        else {
            return Err(Vec::new());
        };
        request.clone_from(&codec.blank);
        request.fill_from(codec.policy, document, &mut scratch.key)?;
        Ok(which)
    }
}

fn json_string(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_string())
}

fn invalid_json(message: &str) -> RequestError {
    RequestError {
        code: &code::invalid_json,
        key: String::new(),
        points_at: Point::Value,
        at: None,
        message: message.to_string(),
        help: Some("each line is one JSON object, e.g. `{\"jurisdiction\": \"OR\", \"actor\": \"electric_company\"}`".to_string()),
    }
}

/// Writes an error record: the first error (in the line's order) and, when there are
/// several, all of them.
fn write_error(out: &mut Vec<u8>, number: u64, line: &[u8], errors: &[RequestError]) {
    let located = in_order(line, errors);
    out.extend_from_slice(format!("{{\"line\":{number}").as_bytes());
    if let Some(first) = located.first() {
        out.extend_from_slice(b",\"error\":");
        write_one_error(out, first);
    }
    if located.len() > 1 {
        out.extend_from_slice(b",\"errors\":");
        write_errors(out, &located);
    }
    out.extend_from_slice(b"}\n");
}

/// A request's errors in the order of where each is in its text (the first is the one an
/// error record names).
fn in_order<'e>(text: &[u8], errors: &'e [RequestError]) -> Vec<&'e RequestError> {
    let text = String::from_utf8_lossy(text);
    let mut located: Vec<(usize, &RequestError)> = errors
        .iter()
        .map(|e| {
            let at = if let Some(at) = e.at {
                at.start as usize
            } else if e.key.is_empty() {
                0
            } else {
                crate::request::locate::locate(&text, &e.key, e.points_at)
                    .or_else(|| crate::request::locate::locate(&text, &e.key, Point::Key))
                    .map_or(0, |s| s.start as usize)
            };
            (at, e)
        })
        .collect();
    located.sort_by_key(|(at, _)| *at);
    located.into_iter().map(|(_, e)| e).collect()
}

/// Errors as a JSON array of error objects.
fn write_errors(out: &mut Vec<u8>, errors: &[&RequestError]) {
    out.push(b'[');
    for (i, e) in errors.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write_one_error(out, e);
    }
    out.push(b']');
}

/// One error object, written by hand to keep the contract's order: `code`, `name`,
/// `message`, `key`, `help`.
fn write_one_error(out: &mut Vec<u8>, e: &RequestError) {
    out.extend_from_slice(b"{\"code\":");
    out.extend_from_slice(json_string(e.code.code).as_bytes());
    out.extend_from_slice(b",\"name\":");
    out.extend_from_slice(json_string(e.code.name).as_bytes());
    out.extend_from_slice(b",\"message\":");
    out.extend_from_slice(json_string(&e.message).as_bytes());
    if !e.key.is_empty() {
        out.extend_from_slice(b",\"key\":");
        out.extend_from_slice(json_string(&e.key).as_bytes());
    }
    if let Some(h) = &e.help {
        out.extend_from_slice(b",\"help\":");
        out.extend_from_slice(json_string(h).as_bytes());
    }
    out.push(b'}');
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;

    /// Lines of many shapes: plain, nested, `null`s, a key given twice, a dotted key at
    /// the top, escapes, integers, arrays, errors of every kind.
    const LINES: &[&str] = &[
        r#"{"jurisdiction": "OR", "actor": "electric_company", "action": "transfer", "recipient": "administrator", "data": "meter_number", "customer": {"usage_amw": 0.3, "pre_transfer_notice_sent": true}}"#,
        r#"{"actor": "electric_company", "jurisdiction": "OR", "customer": {"usage_amw": 2, "opted_in": null}}"#,
        r#"{"jurisdiction": "OR", "customer.usage_amw": 1, "customer": {"opted_in": true}}"#,
        r#"{"jurisdiction": "OR", "customer": {"usage_amw": 1}, "customer.usage_amw": 2}"#,
        r#"{"jurisdiction": "OR", "data": "ssn", "data": "tax_id"}"#,
        r#"{"jurisdiction": "OR", "data": "\u0073sn"}"#,
        r#"{"jurisdiction": "OR", "customer": {}}"#,
        r#"{"jurisdiction": "OR", "customer": {"usage_amw": {"x": 1}}}"#,
        r#"{"jurisdiction": "OR", "actor": {"x": 1}}"#,
        r#"{"jurisdiction": "OR", "nothing": {"x": 1}}"#,
        r#"{"jurisdiction": "OR", "customer": {"jurisdiction": "OR"}}"#,
        r#"{"jurisdiction": "OR", "data": ["ssn"]}"#,
        r#"{"jurisdiction": "OR", "data": "ssm"}"#,
        r#"{"jurisdiction": "OR", "customer": {"usage_amw": 1e400}}"#,
        r#"{"jurisdiction": 3}"#,
        r#"{"jurisdiction": "OK"}"#,
        r#"{"data": "ssn"}"#,
        r#"{}"#,
        r#"[]"#,
        r#"3"#,
        r#"{"jurisdiction": "OR""#,
        r#"{"jurisdiction": "OR"} x"#,
        "",
        "   ",
    ];

    fn engine(path: &str) -> Engine {
        Engine::load(&[path]).expect("the shipped policies load")
    }

    #[test]
    fn a_line_decodes_as_its_json_value_does() {
        for path in ["policies/oregon", "policies"] {
            let engine = engine(path);
            let decoder = Decoder::new(&engine, Detail::Decision);
            let mut scratch = decoder.scratch();
            for line in LINES {
                let slow = serde_json::from_str::<serde_json::Value>(line)
                    .ok()
                    .map(|json| engine.request_from_json(&json).map(|(_, r)| r));
                match (decoder.decode(&mut scratch, line.as_bytes()), slow) {
                    (Ok(which), Some(Ok(request))) => {
                        assert_eq!(scratch.requests[which], request, "{line}")
                    }
                    // A fact named flat and nested: refused alike, the reader placing it.
                    (Err(errors), Some(Err(slow))) if errors[0].code.code == "R007" => {
                        assert_eq!(slow[0].code, errors[0].code, "{line}");
                        assert_eq!(slow[0].key, errors[0].key, "{line}");
                    }
                    (Err(errors), Some(Err(slow))) => assert_eq!(errors, slow, "{line}"),
                    (Err(errors), None) => {
                        assert!(["R004", "R011"].contains(&errors[0].code.code), "{line}")
                    }
                    // A key given twice: a `serde_json::Value` keeps the last, the reader
                    // refuses it.
                    (Err(errors), Some(Ok(_))) => assert_eq!(errors[0].code.code, "R007", "{line}"),
                    (decoded, slow) => panic!("{line}: {decoded:?} against {slow:?}"),
                }
            }
        }
    }

    #[test]
    fn a_decision_is_written_as_the_contract_says() {
        let engine = engine("policies/oregon");
        let decoder = Decoder::new(&engine, Detail::Decision);
        let mut scratch = decoder.scratch();
        for line in LINES.iter().take(2) {
            let mut out = Vec::new();
            let mut summary = Summary::default();
            decoder.line(&mut scratch, line.as_bytes(), 1, &mut out, &mut summary);
            let written: serde_json::Value = serde_json::from_slice(&out).unwrap();
            let json: serde_json::Value = serde_json::from_str(line).unwrap();
            let (policy, request) = engine.request_from_json(&json).unwrap();
            let decision = engine.decide(policy, &request);
            let mut expected = crate::explain::to_json(policy, &decision, &request);
            expected.as_object_mut().unwrap().remove("explanation");
            assert_eq!(written, expected, "{line}");
            assert_eq!(summary.decided(), 1);
        }
    }
}
