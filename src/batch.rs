//! Deciding a stream of JSON Lines requests on all cores (`juris batch`).
//!
//! The input is read in chunks of at most [`Options::chunk_lines`] lines (and a few MiB),
//! one chunk ahead of the workers; each chunk is decided in parallel and written in input
//! order before the next is taken, so memory stays flat whatever the input's size.
//!
//! Each line is one request. A line is decoded straight into a [`Request`] (no JSON tree)
//! when it fits the vocabulary; anything unusual — an error, a set, a key given twice —
//! takes the ordinary path ([`Engine::request_from_json`]), so every line is validated
//! exactly as `juris eval` validates a request. A line that is not a valid request becomes
//! an error record with its line number, never a decision:
//!
//! ```json
//! {"line": 12, "error": {"code": "R001", "name": "unknown-key", "message": "…", "key": "…", "help": "…"}}
//! ```
//!
//! A decision is the decision contract's object (`decision`, `cites`, `obligations`,
//! `depends_on`, `cases`), with the `explanation` when asked for.

use crate::diagnostic::code;
use crate::engine::Engine;
use crate::eval::{Compiled, Decision, Outcome};
use crate::ir::{Policy, Type};
use crate::request::{Origin, Request, RequestError};
use crate::value::{parse_date, Value};
use rayon::prelude::*;
use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::collections::HashSet;
use std::fmt;
use std::io::{BufRead, BufReader, Read, Write};
use std::sync::mpsc;
use std::sync::Arc;

/// How a batch runs.
#[derive(Clone, Debug)]
pub struct Options {
    /// Include each decision's `explanation` (as `juris eval --format json` gives it).
    pub explain: bool,
    /// Lines per chunk: the unit of reading, parallel work and writing.
    pub chunk_lines: usize,
    /// Worker threads (`None`: one per core).
    pub threads: Option<usize>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            explain: false,
            chunk_lines: 4096,
            threads: None,
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
}

impl fmt::Display for BatchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BatchError::Read(e) => write!(f, "cannot read the input: {e}"),
            BatchError::Write(e) => write!(f, "cannot write the output: {e}"),
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
    let pool = match options.threads {
        Some(n) => rayon::ThreadPoolBuilder::new()
            .num_threads(n.max(1))
            .build()
            .ok(),
        None => None,
    };
    let decoder = Decoder::new(engine, options.explain);
    let chunk_lines = options.chunk_lines.max(1);
    let mut summary = Summary::default();
    std::thread::scope(|scope| {
        let (send, receive) = mpsc::sync_channel::<Result<Chunk, std::io::Error>>(1);
        scope.spawn(move || read_chunks(input, chunk_lines, &send));
        let mut bytes = 0u64;
        for chunk in receive {
            let chunk = chunk.map_err(BatchError::Read)?;
            bytes += chunk.data.len() as u64 + chunk.lines.len() as u64;
            let decide = || decide_chunk(&decoder, &chunk);
            let pieces = match &pool {
                Some(pool) => pool.install(decide),
                None => decide(),
            };
            for (out, part) in pieces {
                output.write_all(&out).map_err(BatchError::Write)?;
                summary.add(&part);
            }
            progress(bytes, summary.lines);
        }
        output.flush().map_err(BatchError::Write)?;
        Ok(summary)
    })
}

/// Lines a worker takes at a time.
const PIECE: usize = 64;

/// Decides a chunk in parallel: each piece's output and summary, in order.
fn decide_chunk(decoder: &Decoder, chunk: &Chunk) -> Vec<(Vec<u8>, Summary)> {
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
                (out, part)
            },
        )
        .collect()
}

/// Reads the input into chunks and sends them on; stops at the end, on an error (sent on),
/// or when the receiver is gone.
fn read_chunks<R: Read>(
    input: R,
    chunk_lines: usize,
    send: &mpsc::SyncSender<Result<Chunk, std::io::Error>>,
) {
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
            match reader.read_until(b'\n', &mut chunk.data) {
                Ok(0) => break,
                Ok(_) => {
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

// ------------------------------------------------------------------ one line

/// Decodes, decides and writes lines; shared by the workers.
pub struct Decoder<'e> {
    engine: &'e Engine,
    explain: bool,
    policies: Vec<PolicyCodec<'e>>,
}

/// Per policy: what decoding and writing need, computed once.
struct PolicyCodec<'e> {
    policy: &'e Arc<Policy>,
    compiled: std::borrow::Cow<'e, Compiled>,
    blank: Request,
    /// Every proper prefix of a dotted fact name (`customer` for `customer.usage_amw`).
    prefixes: HashSet<String>,
    /// Each leaf's full cite, as a JSON string.
    cites: Vec<String>,
    /// Each definition's cite, as JSON.
    definition_cites: Vec<String>,
    /// Each obligation, as the contract's JSON object.
    obligations: Vec<String>,
}

/// One worker's reusable buffers.
pub struct Scratch {
    flat: Flat,
    /// Facts already given (a key given twice takes the ordinary path).
    seen: Vec<u64>,
    requests: Vec<Request>,
    decision: Decision,
}

impl<'e> Decoder<'e> {
    /// Prepares decoding and writing for every policy of the engine.
    pub fn new(engine: &'e Engine, explain: bool) -> Decoder<'e> {
        let policies = engine
            .policies()
            .iter()
            .map(|policy| {
                let mut prefixes = HashSet::new();
                for f in &policy.facts {
                    let mut at = 0;
                    while let Some(dot) = f.name.get(at..).and_then(|rest| rest.find('.')) {
                        prefixes.insert(f.name.get(..at + dot).unwrap_or("").to_string());
                        at += dot + 1;
                    }
                }
                PolicyCodec {
                    policy,
                    compiled: engine.compiled(policy),
                    blank: Request::empty(policy),
                    prefixes,
                    cites: (0..policy.leaves.len())
                        .map(|l| json_string(policy.cite_of(crate::ir::LeafId(l as u32))))
                        .collect(),
                    definition_cites: policy
                        .definitions
                        .iter()
                        .map(|d| json_string(&d.cite.full))
                        .collect(),
                    obligations: policy
                        .obligations
                        .iter()
                        .map(|o| {
                            format!(
                                "{{\"text\":{},\"cite\":{}}}",
                                json_string(&o.text),
                                json_string(&o.cite.full)
                            )
                        })
                        .collect(),
                }
            })
            .collect();
        Decoder {
            engine,
            explain,
            policies,
        }
    }

    /// Fresh buffers for one worker.
    pub fn scratch(&self) -> Scratch {
        Scratch {
            flat: Flat::default(),
            seen: Vec::new(),
            requests: self.policies.iter().map(|p| p.blank.clone()).collect(),
            decision: Decision::default(),
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
        summary.lines += 1;
        let which = match self.decode(scratch, line) {
            Ok(which) => which,
            Err(errors) => {
                summary.errors += 1;
                summary.first_error = Some(summary.first_error.map_or(number, |f| f.min(number)));
                write_error(out, number, line, &errors);
                return;
            }
        };
        let (Some(codec), Some(request)) = (self.policies.get(which), scratch.requests.get(which))
        else {
            return;
        };
        if self.explain {
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
        if self.explain {
            let _ = crate::explain::write_json(&mut *out, codec.policy, decision, request);
            out.push(b'\n');
        } else {
            codec.write(out, decision);
        }
    }

    /// Decodes a line into the scratch request of its policy; returns the policy's index.
    fn decode(&self, scratch: &mut Scratch, line: &[u8]) -> Result<usize, Vec<RequestError>> {
        if let Some(which) = self.decode_fast(scratch, line) {
            return Ok(which);
        }
        self.decode_slow(scratch, line)
    }

    /// The ordinary path: a JSON tree, validated by [`Engine::request_from_json`].
    fn decode_slow(&self, scratch: &mut Scratch, line: &[u8]) -> Result<usize, Vec<RequestError>> {
        if line.iter().all(u8::is_ascii_whitespace) {
            return Err(vec![invalid_json("the line is empty")]);
        }
        let json: serde_json::Value = serde_json::from_slice(line).map_err(|e| {
            vec![invalid_json(&format!(
                "the line is not valid JSON: {}",
                json_reason(&e)
            ))]
        })?;
        let (policy, request) = self.engine.request_from_json(&json)?;
        let which = self
            .policies
            .iter()
            .position(|p| Arc::ptr_eq(p.policy, policy))
            .unwrap_or(0);
        if let Some(slot) = scratch.requests.get_mut(which) {
            *slot = request;
        }
        Ok(which)
    }

    /// The fast path: the line decoded straight into a request. `None` when the line is
    /// anything but a plain valid request (the slow path then decides what is wrong).
    fn decode_fast(&self, scratch: &mut Scratch, line: &[u8]) -> Option<usize> {
        let flat = &mut scratch.flat;
        flat.clear();
        let mut de = serde_json::Deserializer::from_slice(line);
        ObjectSeed {
            flat: &mut *flat,
            prefix: None,
            depth: 0,
        }
        .deserialize(&mut de)
        .ok()?;
        de.end().ok()?;
        if flat.bail {
            return None;
        }
        // The policy: by `jurisdiction`, or the only one loaded.
        let named = flat
            .entries
            .iter()
            .find(|e| e.depth == 0 && flat.key(e) == "jurisdiction");
        let which = match named {
            Some(e) => {
                let Scalar::Str(start, end) = e.value else {
                    return None;
                };
                let j = flat.text(start, end);
                self.policies
                    .iter()
                    .position(|p| p.policy.jurisdiction == j)?
            }
            None if self.policies.len() == 1 => 0,
            None => return None,
        };
        let codec = self.policies.get(which)?;
        let policy = codec.policy;
        let request = scratch.requests.get_mut(which)?;
        request.clone_from(&codec.blank);
        let seen = &mut scratch.seen;
        seen.clear();
        seen.resize(policy.facts.len().div_ceil(64), 0);
        for e in &flat.entries {
            let key = flat.key(e);
            if e.depth == 0 && key == "jurisdiction" {
                continue;
            }
            if let Scalar::Object = e.value {
                if policy.fact_id(key).is_some() || !codec.prefixes.contains(key) {
                    return None;
                }
                continue;
            }
            let fact = policy.fact_id(key)?;
            let word = seen.get_mut(fact.index() / 64)?;
            let bit = 1u64 << (fact.index() % 64);
            if *word & bit != 0 {
                return None;
            }
            *word |= bit;
            let declared = policy.fact(fact);
            let value = match (e.value, &declared.ty) {
                (Scalar::Null, _) => {
                    request.replace(fact, None, Origin::Unknown);
                    continue;
                }
                (Scalar::Bool(b), Type::Bool) => Value::Bool(b),
                (Scalar::Number(n), Type::Number) if n.is_finite() => Value::Number(n),
                (Scalar::Str(s, t), Type::Enum(members)) => {
                    Value::Enum(crate::request::member_index(members, flat.text(s, t))?)
                }
                (Scalar::Str(s, t), Type::Date) => Value::Date(parse_date(flat.text(s, t))?),
                (Scalar::Str(s, t), Type::Text) => Value::Text(Arc::from(flat.text(s, t))),
                _ => return None,
            };
            // Outside its declared range: the ordinary path refuses it (`R006`).
            if !declared.in_range(&value) {
                return None;
            }
            request.replace(fact, Some(value), Origin::Given);
        }
        Some(which)
    }
}

impl PolicyCodec<'_> {
    /// Writes a decision as the contract's object, without the explanation.
    fn write(&self, out: &mut Vec<u8>, decision: &Decision) {
        out.extend_from_slice(b"{\"decision\":\"");
        out.extend_from_slice(decision.outcome.as_str().as_bytes());
        out.extend_from_slice(b"\",\"cites\":[");
        self.write_cites(out, &decision.cites, &decision.definitions);
        out.extend_from_slice(b"],\"obligations\":[");
        self.write_obligations(out, &decision.obligations);
        out.extend_from_slice(b"],\"depends_on\":[");
        for (i, f) in decision.depends_on.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            out.extend_from_slice(json_string(&self.policy.fact(*f).name).as_bytes());
        }
        out.extend_from_slice(b"],\"cases\":[");
        for (i, case) in decision.cases.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            let when: serde_json::Map<String, serde_json::Value> = case
                .when
                .iter()
                .map(|(f, v)| {
                    (
                        self.policy.fact(*f).name.clone(),
                        v.to_json(self.policy, *f),
                    )
                })
                .collect();
            out.extend_from_slice(b"{\"when\":");
            let _ = serde_json::to_writer(&mut *out, &when);
            out.extend_from_slice(b",\"decision\":\"");
            out.extend_from_slice(case.outcome.as_str().as_bytes());
            out.extend_from_slice(b"\",\"cites\":[");
            self.write_cites(out, &case.cites, &[]);
            out.extend_from_slice(b"],\"obligations\":[");
            self.write_obligations(out, &case.obligations);
            out.extend_from_slice(b"]}");
        }
        out.extend_from_slice(b"]}\n");
    }

    /// The cites as [`crate::eval::cite_strings`] gives them: provisions, then definitions,
    /// each once.
    fn write_cites(
        &self,
        out: &mut Vec<u8>,
        cites: &[crate::ir::LeafId],
        definitions: &[crate::ir::DefId],
    ) {
        let all = || {
            let provisions = cites
                .iter()
                .map(|l| self.cites.get(l.index()).map_or("null", String::as_str));
            let definitions = definitions
                .iter()
                .filter_map(|d| self.definition_cites.get(d.index()).map(String::as_str));
            provisions.chain(definitions)
        };
        let mut written = false;
        for (i, cite) in all().enumerate() {
            if all().take(i).any(|earlier| earlier == cite) {
                continue;
            }
            if written {
                out.push(b',');
            }
            out.extend_from_slice(cite.as_bytes());
            written = true;
        }
    }

    fn write_obligations(&self, out: &mut Vec<u8>, obligations: &[u32]) {
        let mut first = true;
        for o in obligations {
            let Some(text) = self.obligations.get(*o as usize) else {
                continue;
            };
            if !first {
                out.push(b',');
            }
            first = false;
            out.extend_from_slice(text.as_bytes());
        }
    }
}

fn json_string(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_string())
}

fn invalid_json(message: &str) -> RequestError {
    RequestError {
        code: &code::invalid_json,
        key: String::new(),
        at_key: false,
        message: message.to_string(),
        help: Some("each line is one JSON object, e.g. `{\"jurisdiction\": \"OR\", \"actor\": \"electric_company\"}`".to_string()),
    }
}

fn json_reason(e: &serde_json::Error) -> String {
    let s = e.to_string();
    match s.find(" at line ") {
        Some(i) => s.get(..i).unwrap_or(&s).to_string(),
        None => s,
    }
}

/// Writes an error record: the first error (in the line's order) and, when there are
/// several, all of them.
fn write_error(out: &mut Vec<u8>, number: u64, line: &[u8], errors: &[RequestError]) {
    let text = String::from_utf8_lossy(line);
    let mut located: Vec<(usize, &RequestError)> = errors
        .iter()
        .map(|e| {
            let at = if e.key.is_empty() {
                0
            } else {
                crate::request::locate::locate(&text, &e.key, e.at_key)
                    .or_else(|| crate::request::locate::locate(&text, &e.key, true))
                    .map_or(0, |s| s.start as usize)
            };
            (at, e)
        })
        .collect();
    located.sort_by_key(|(at, _)| *at);
    // Written by hand to keep the contract's order: `line` first, then `code`, `name`,
    // `message`, `key`, `help`.
    let one = |out: &mut Vec<u8>, e: &RequestError| {
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
    };
    out.extend_from_slice(format!("{{\"line\":{number}").as_bytes());
    if let Some((_, first)) = located.first() {
        out.extend_from_slice(b",\"error\":");
        one(out, first);
    }
    if located.len() > 1 {
        out.extend_from_slice(b",\"errors\":[");
        for (i, (_, e)) in located.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            one(out, e);
        }
        out.push(b']');
    }
    out.extend_from_slice(b"}\n");
}

// ------------------------------------------------------------------ flat JSON

/// A JSON object flattened to dotted keys and scalar values, in reused buffers.
#[derive(Default)]
struct Flat {
    /// Every key, dotted, back to back (UTF-8: only whole `str`s are appended).
    keys: Vec<u8>,
    /// Every string value, back to back.
    strings: String,
    entries: Vec<Entry>,
    /// Something the fast path does not take (an array).
    bail: bool,
}

#[derive(Clone, Copy)]
struct Entry {
    key: (u32, u32),
    depth: u32,
    value: Scalar,
}

#[derive(Clone, Copy)]
enum Scalar {
    Null,
    Bool(bool),
    Number(f64),
    /// A string: a range of [`Flat::strings`].
    Str(u32, u32),
    Object,
}

impl Flat {
    fn clear(&mut self) {
        self.keys.clear();
        self.strings.clear();
        self.entries.clear();
        self.bail = false;
    }

    fn key(&self, e: &Entry) -> &str {
        self.keys
            .get(e.key.0 as usize..e.key.1 as usize)
            .and_then(|k| std::str::from_utf8(k).ok())
            .unwrap_or("")
    }

    fn text(&self, start: u32, end: u32) -> &str {
        self.strings.get(start as usize..end as usize).unwrap_or("")
    }
}

/// Deserialises an object into [`Flat`], its keys under a prefix (a range of the keys).
struct ObjectSeed<'f> {
    flat: &'f mut Flat,
    prefix: Option<(u32, u32)>,
    depth: u32,
}

impl<'de> DeserializeSeed<'de> for ObjectSeed<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ObjectSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let flat = self.flat;
        loop {
            let start = flat.keys.len() as u32;
            let key = KeySeed {
                flat: &mut *flat,
                prefix: self.prefix,
            };
            if map.next_key_seed(key)?.is_none() {
                return Ok(());
            }
            let end = flat.keys.len() as u32;
            map.next_value_seed(ValueSeed {
                flat: &mut *flat,
                key: (start, end),
                depth: self.depth,
            })?;
        }
    }
}

/// Appends `prefix.key` (or `key` at the top) to [`Flat::keys`].
struct KeySeed<'f> {
    flat: &'f mut Flat,
    prefix: Option<(u32, u32)>,
}

impl<'de> DeserializeSeed<'de> for KeySeed<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a key")
    }

    fn visit_str<E: serde::de::Error>(self, key: &str) -> Result<(), E> {
        if let Some((start, end)) = self.prefix {
            self.flat
                .keys
                .extend_from_within(start as usize..end as usize);
            self.flat.keys.push(b'.');
        }
        self.flat.keys.extend_from_slice(key.as_bytes());
        Ok(())
    }
}

/// Records one value: a scalar, or an object flattened under its key.
struct ValueSeed<'f> {
    flat: &'f mut Flat,
    key: (u32, u32),
    depth: u32,
}

impl ValueSeed<'_> {
    fn push(self, value: Scalar) {
        self.flat.entries.push(Entry {
            key: self.key,
            depth: self.depth,
            value,
        });
    }
}

impl<'de> DeserializeSeed<'de> for ValueSeed<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ValueSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<(), E> {
        self.push(Scalar::Null);
        Ok(())
    }

    fn visit_bool<E: serde::de::Error>(self, b: bool) -> Result<(), E> {
        self.push(Scalar::Bool(b));
        Ok(())
    }

    fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<(), E> {
        self.push(Scalar::Number(n as f64));
        Ok(())
    }

    fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<(), E> {
        self.push(Scalar::Number(n as f64));
        Ok(())
    }

    fn visit_f64<E: serde::de::Error>(self, n: f64) -> Result<(), E> {
        self.push(Scalar::Number(n));
        Ok(())
    }

    fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<(), E> {
        let start = self.flat.strings.len() as u32;
        self.flat.strings.push_str(s);
        let end = self.flat.strings.len() as u32;
        self.push(Scalar::Str(start, end));
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        self.flat.bail = true;
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        let key = self.key;
        let depth = self.depth;
        let flat = self.flat;
        flat.entries.push(Entry {
            key,
            depth,
            value: Scalar::Object,
        });
        ObjectSeed {
            flat,
            prefix: Some(key),
            depth: depth + 1,
        }
        .visit_map(map)
    }
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
    fn the_fast_path_gives_the_ordinary_path_s_request_or_steps_aside() {
        for path in ["policies/oregon", "policies"] {
            let engine = engine(path);
            let decoder = Decoder::new(&engine, false);
            let mut scratch = decoder.scratch();
            let mut fast = 0;
            for line in LINES {
                let slow = serde_json::from_str::<serde_json::Value>(line)
                    .ok()
                    .map(|json| {
                        engine
                            .request_from_json(&json)
                            .map(|(p, r)| (p.jurisdiction.clone(), r))
                    });
                match decoder.decode_fast(&mut scratch, line.as_bytes()) {
                    Some(which) => {
                        fast += 1;
                        let Some(Ok((jurisdiction, request))) = slow else {
                            panic!("the fast path took a line the ordinary path refuses: {line}");
                        };
                        assert_eq!(
                            decoder.policies[which].policy.jurisdiction, jurisdiction,
                            "{line}"
                        );
                        assert_eq!(scratch.requests[which], request, "{line}");
                    }
                    None => {
                        // Whatever the fast path steps aside from, the line still decodes
                        // exactly as the ordinary path says.
                        let decoded = decoder.decode(&mut scratch, line.as_bytes());
                        match (decoded, slow) {
                            (Ok(which), Some(Ok((_, request)))) => {
                                assert_eq!(scratch.requests[which], request, "{line}")
                            }
                            (Err(errors), Some(Err(slow))) => assert_eq!(errors, slow, "{line}"),
                            (Err(errors), None) => {
                                assert_eq!(errors[0].code.code, "R004", "{line}")
                            }
                            (decoded, slow) => panic!("{line}: {decoded:?} against {slow:?}"),
                        }
                    }
                }
            }
            assert!(fast >= 4, "the fast path took {fast} lines");
        }
    }

    #[test]
    fn a_decision_is_written_as_the_contract_says() {
        let engine = engine("policies/oregon");
        let decoder = Decoder::new(&engine, false);
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
