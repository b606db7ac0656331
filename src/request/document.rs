//! A JSON request read into reused buffers ([`Document`]): the one form every request is
//! decoded from, whether it comes as bytes (`juris batch`, a line at a time) or as a
//! `serde_json::Value` ([`crate::Request::from_json`]).
//!
//! An object's members are kept in the order given; a request reports its errors in key
//! order ([`crate::Request::fill_from`]), so that it is refused alike however it is read.
//!
//! Hostile input is refused while it is read, each with its own code naming the key and
//! the position: a request over [`Limits::max_bytes`] (before a byte is parsed), nesting
//! deeper than [`Limits::max_depth`], a string longer than [`Limits::max_string`], a key
//! given twice (in one object, or flat `"customer.x"` and nested `{"customer": {"x"}}`), a
//! number no 64-bit float holds (`1e400`) or a `NaN`/`Infinity` token, and bytes that are
//! not UTF-8. Never last-one-wins, never a panic.

use crate::diagnostic::{code, excerpt, Code};
use crate::request::locate::Point;
use crate::request::RequestError;
use crate::source::Span;
use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value as Json;
use std::fmt;

/// Limits on a request, checked while it is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// The most bytes a request (or a `juris batch` line) may have.
    pub max_bytes: usize,
    /// The deepest objects and arrays may nest (the request's object is level 1).
    pub max_depth: usize,
    /// The most bytes a key or a string value may have.
    pub max_string: usize,
}

impl Limits {
    /// 1 MiB, 32 levels, 4 KiB strings: far above any real request.
    pub const DEFAULT: Limits = Limits {
        max_bytes: 1 << 20,
        max_depth: 32,
        max_string: 4096,
    };
}

impl Default for Limits {
    fn default() -> Self {
        Limits::DEFAULT
    }
}

/// `1048576` as `1 MiB (1048576 bytes)`, `4096` as `4 KiB (4096 bytes)`.
pub fn show_bytes(n: usize) -> String {
    if n >= 1 << 20 && n % (1 << 20) == 0 {
        format!("{} MiB ({n} bytes)", n >> 20)
    } else if n >= 1 << 10 && n % (1 << 10) == 0 {
        format!("{} KiB ({n} bytes)", n >> 10)
    } else {
        format!("{n} bytes")
    }
}

/// The refusal of a request over [`Limits::max_bytes`], made before a byte is parsed (a
/// service refuses a body with it as soon as the body grows past the limit).
pub fn too_large(limits: Limits) -> RequestError {
    error(
        &code::request_too_large,
        String::new(),
        format!(
            "the request is larger than the limit of {}",
            show_bytes(limits.max_bytes)
        ),
        "a request holds a few facts; it was refused before it was parsed (`--max-request-bytes` raises the limit)".to_string(),
        Some(Span::new(0, 1)),
    )
}

/// A JSON document in reusable buffers.
#[derive(Clone, Debug, Default)]
pub struct Document {
    limits: Limits,
    /// Every key and string value, back to back.
    text: String,
    nodes: Vec<Node>,
    /// Every object's members, each object's together, in the order given.
    members: Vec<Member>,
    /// The members of the objects being read.
    stack: Vec<Member>,
    /// Every array's string items.
    items: Vec<(u32, u32)>,
    /// The keys of the members being read, outermost first (the key an error is at).
    path: Vec<(u32, u32)>,
    /// Objects and arrays open.
    depth: usize,
    /// Whether a key holds a `.` (then flat and nested keys may name one fact twice).
    dotted: bool,
    /// Whether an array held an item other than a string (not kept: the document is then
    /// not the whole of what was read).
    lossy: bool,
    /// The address and length of the bytes being read (keys read in place are placed by
    /// it).
    base: (usize, usize),
    /// Why reading stopped, when the reader stopped it.
    failure: Option<Failure>,
}

/// Why the reader stopped reading (serde_json's own errors aside).
#[derive(Clone, Debug)]
enum Failure {
    /// A key given twice in one object: the key, where each is (when known), and how long
    /// the second is as written.
    Duplicate(String, Option<u32>, Option<u32>, usize),
    /// Nesting deeper than the limit, under this key.
    Deep(String),
    /// A string over the limit: the key it is at, whether it is the key itself, its
    /// length, its excerpt.
    Long(String, bool, usize, String, Option<u32>),
}

/// A node of the document: [`Document::root`], or a member's value.
#[derive(Clone, Copy, Debug)]
pub enum Node {
    /// `null`
    Null,
    /// `true` or `false`
    Bool(bool),
    /// A number.
    Number(f64),
    /// A string (a range of the document's text).
    Str(u32, u32),
    /// An array: its string items (a range of the items), and whether every item is one.
    Array {
        /// The items' range.
        items: (u32, u32),
        /// Whether every item is a string.
        strings: bool,
    },
    /// An object: its members (a range of the members).
    Object(u32, u32),
}

/// A member of an object: its key, where the key is (`u32::MAX`: not known) and the index
/// of its value's node.
#[derive(Clone, Copy, Debug)]
struct Member {
    key: (u32, u32),
    at: u32,
    value: u32,
}

/// Not known where.
const NOWHERE: u32 = u32::MAX;

impl Document {
    /// An empty document that reads within these limits.
    pub fn with_limits(limits: Limits) -> Document {
        Document {
            limits,
            ..Document::default()
        }
    }

    /// The limits it reads within.
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// Reads one JSON request from bytes (nothing but blanks may follow it), within the
    /// limits; a request that breaks one is refused with an error naming the key and the
    /// position.
    pub fn read_slice(&mut self, bytes: &[u8]) -> Result<(), RequestError> {
        self.clear();
        if bytes.len() > self.limits.max_bytes {
            return Err(too_large(self.limits));
        }
        self.base = (bytes.as_ptr() as usize, bytes.len());
        let mut de = serde_json::Deserializer::from_slice(bytes);
        let read = NodeSeed(self).deserialize(&mut de).and_then(|_| de.end());
        self.base = (0, 0);
        match read {
            Ok(()) => self.check_dotted(Some(bytes)),
            Err(e) => Err(self.refusal(bytes, &e)),
        }
    }

    /// Reads a JSON value, within the depth and string limits (its size is not known).
    pub fn read_value(&mut self, json: &Json) -> Result<(), RequestError> {
        self.clear();
        match NodeSeed(self).deserialize(json) {
            Ok(_) => self.check_dotted(None),
            Err(e) => Err(self.refusal(&[], &e)),
        }
    }

    fn clear(&mut self) {
        self.text.clear();
        self.nodes.clear();
        self.members.clear();
        self.stack.clear();
        self.items.clear();
        self.path.clear();
        self.depth = 0;
        self.dotted = false;
        self.lossy = false;
        self.failure = None;
    }

    /// Whether the document holds the whole of what was read: every array held only
    /// strings (only string items are kept). A request the vocabulary accepts always does.
    pub fn is_whole(&self) -> bool {
        !self.lossy
    }

    /// The dotted key of the member being read (`customer.usage_amw`).
    fn current_key(&self) -> String {
        let mut key = String::new();
        for &(s, e) in &self.path {
            if !key.is_empty() {
                key.push('.');
            }
            key.push_str(self.str(s, e));
        }
        key
    }

    /// Where a string read in place starts (its opening quote), if it was.
    fn offset_of(&self, s: &str) -> u32 {
        let (base, len) = self.base;
        let at = s.as_ptr() as usize;
        if base != 0 && at > base && at <= base + len {
            u32::try_from(at - base - 1).unwrap_or(NOWHERE)
        } else {
            NOWHERE
        }
    }

    /// The error for a read that stopped: the reader's own reason, or serde_json's.
    fn refusal(&mut self, bytes: &[u8], e: &serde_json::Error) -> RequestError {
        let here = offset_at(bytes, e.line(), e.column());
        let show = |at: u32| position(bytes, at as usize);
        let span = |at: u32| Some(Span::new(at as usize, at as usize + 1));
        if let Some(failure) = self.failure.take() {
            return match failure {
                Failure::Duplicate(key, first, second, written) => {
                    // A key written with escapes is not placed: then only where its object
                    // ends is known.
                    let at = match (first, second) {
                        (Some(a), Some(b)) => format!("at {} and at {}", show(a), show(b)),
                        (Some(a), None) => {
                            format!("at {} and again before {}", show(a), show(here))
                        }
                        (None, Some(b)) => format!("the second time at {}", show(b)),
                        (None, None) => format!("in the object that ends at {}", show(here)),
                    };
                    let place = match second {
                        Some(b) => Some(Span::new(b as usize, b as usize + written)),
                        None => span(here),
                    };
                    error(
                        &code::duplicate_key,
                        key.clone(),
                        format!("`{}` is given twice, {at}", excerpt(&key)),
                        "give each key once: Juris never picks one of two values".to_string(),
                        place,
                    )
                }
                Failure::Deep(key) => error(
                    &code::too_deep,
                    key.clone(),
                    format!(
                        "{} nests deeper than the limit of {} levels, at {}",
                        if key.is_empty() {
                            "the request".to_string()
                        } else {
                            format!("`{}`", excerpt(&key))
                        },
                        self.limits.max_depth,
                        show(here)
                    ),
                    "a request's facts nest a level or two deep".to_string(),
                    span(here),
                ),
                Failure::Long(key, is_key, len, text, at) => {
                    let here = at.unwrap_or(here);
                    error(
                        &code::string_too_long,
                        key.clone(),
                        format!(
                            "{} is a string of {len} bytes, over the limit of {}, at {}: `\"{}\"`",
                            match (is_key, key.is_empty()) {
                                (true, true) => "a key".to_string(),
                                (true, false) => format!("a key in `{}`", excerpt(&key)),
                                (false, _) => format!("the value of `{}`", excerpt(&key)),
                            },
                            show_bytes(self.limits.max_string),
                            show(here),
                            excerpt(&text)
                        ),
                        "keys and values are names, members or dates: a few words at most"
                            .to_string(),
                        span(here),
                    )
                }
            };
        }
        let key = self.current_key();
        let named = if key.is_empty() {
            String::new()
        } else {
            format!(" in `{}`", excerpt(&key))
        };
        if let Err(bad) = std::str::from_utf8(bytes) {
            let at = bad.valid_up_to();
            let byte = bytes.get(at).copied().unwrap_or(0);
            return error(
                &code::invalid_json,
                key,
                format!(
                    "the request is not valid UTF-8: byte 0x{byte:02x} at byte {at}{named}, at {}",
                    position(bytes, at)
                ),
                "write the request in UTF-8".to_string(),
                Some(Span::new(at, at + 1)),
            );
        }
        if bytes.starts_with("\u{feff}".as_bytes()) {
            return error(
                &code::invalid_json,
                String::new(),
                "the request starts with a byte order mark (`\\u{feff}`)".to_string(),
                "save the request as UTF-8 without a byte order mark".to_string(),
                Some(Span::new(0, 3)),
            );
        }
        let reason = e.to_string();
        let reason = reason.split(" at line ").next().unwrap_or("").to_string();
        let here = here as usize;
        if let Some(token) = number_token(bytes, here, &reason) {
            let (start, text) = token;
            return error(
                &code::unrepresentable_number,
                key.clone(),
                format!(
                    "`{}` is `{}`, which is not a finite number, at {}",
                    excerpt(&key),
                    excerpt(&text),
                    position(bytes, start)
                ),
                "write a number a 64-bit float holds (at most about 1.8e308), in JSON's \
                 digits; leave the fact out if it is not known"
                    .to_string(),
                Some(Span::new(start, start + text.len())),
            );
        }
        error(
            &code::invalid_json,
            key,
            format!(
                "the request is not valid JSON: {reason}{named}, at {}",
                position(bytes, here)
            ),
            "a request is one JSON object, e.g. `{\"jurisdiction\": \"OR\", \"actor\": \"electric_company\"}`".to_string(),
            Some(Span::new(here, here + 1)),
        )
    }

    /// Refuses a fact named twice, once flat (`"customer.x"`) and once nested
    /// (`{"customer": {"x": …}}`): only looked for when a key holds a `.` and an object is
    /// nested in the request's (a request of flat dotted keys alone, as a table's row is
    /// written, has had each key's uniqueness checked as it was read).
    fn check_dotted(&self, bytes: Option<&[u8]>) -> Result<(), RequestError> {
        if !self.dotted
            || self
                .nodes
                .iter()
                .filter(|n| matches!(n, Node::Object(..)))
                .nth(1)
                .is_none()
        {
            return Ok(());
        }
        let mut leaves = Vec::new();
        self.leaves(self.root(), &mut String::new(), &mut leaves);
        let mut order: Vec<usize> = (0..leaves.len()).collect();
        order.sort_by(|&a, &b| leaves[a].0.cmp(&leaves[b].0).then(a.cmp(&b)));
        let twice = order
            .windows(2)
            .filter(|w| leaves[w[0]].0 == leaves[w[1]].0)
            .min_by_key(|w| w[1]);
        let Some(&[first, second]) = twice else {
            return Ok(());
        };
        let (key, a, _) = &leaves[first];
        let (_, b, written) = &leaves[second];
        let bytes = bytes.unwrap_or(&[]);
        let at = |n: u32| (n != NOWHERE && !bytes.is_empty()).then(|| position(bytes, n as usize));
        let place = match (at(*a), at(*b)) {
            (Some(a), Some(b)) => format!(", at {a} and at {b}"),
            (None, Some(b)) => format!(", the second time at {b}"),
            _ => String::new(),
        };
        Err(error(
            &code::duplicate_key,
            key.clone(),
            format!("`{}` is given twice, flat and nested{place}", excerpt(key)),
            "give each fact once, either as `\"customer.x\"` or inside `\"customer\": {…}`: \
             Juris never picks one of two values"
                .to_string(),
            (*b != NOWHERE && !bytes.is_empty())
                .then(|| Span::new(*b as usize, *b as usize + written)),
        ))
    }

    /// Every member that is not an object, as its dotted key, where its key is and how long
    /// it is as written.
    fn leaves(&self, node: Node, prefix: &mut String, out: &mut Vec<(String, u32, usize)>) {
        let Node::Object(start, end) = node else {
            return;
        };
        let members = self
            .members
            .get(start as usize..end as usize)
            .unwrap_or(&[]);
        for m in members {
            let at = prefix.len();
            if !prefix.is_empty() {
                prefix.push('.');
            }
            prefix.push_str(self.str(m.key.0, m.key.1));
            match self.nodes.get(m.value as usize) {
                Some(&value @ Node::Object(..)) => self.leaves(value, prefix, out),
                _ => out.push((prefix.clone(), m.at, (m.key.1 - m.key.0) as usize + 2)),
            }
            prefix.truncate(at);
        }
    }

    /// The whole document (the last node read is the outermost).
    pub fn root(&self) -> Node {
        self.nodes.last().copied().unwrap_or(Node::Null)
    }

    /// A string of the document.
    pub fn str(&self, start: u32, end: u32) -> &str {
        self.text.get(start as usize..end as usize).unwrap_or("")
    }

    /// An object's members, in the order given, as `(key, value)`.
    pub fn members(
        &self,
        start: u32,
        end: u32,
    ) -> impl DoubleEndedIterator<Item = (&str, Node)> + '_ {
        self.members
            .get(start as usize..end as usize)
            .unwrap_or(&[])
            .iter()
            .map(|m| {
                let value = self
                    .nodes
                    .get(m.value as usize)
                    .copied()
                    .unwrap_or(Node::Null);
                (self.str(m.key.0, m.key.1), value)
            })
    }

    /// The value of an object's member, if it has one under this key (a key given twice is
    /// refused as it is read).
    pub fn get(&self, object: Node, key: &str) -> Option<Node> {
        let Node::Object(start, end) = object else {
            return None;
        };
        self.members(start, end)
            .rev()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v)
    }

    /// An array's string items.
    pub fn items(&self, start: u32, end: u32) -> impl Iterator<Item = &str> + '_ {
        self.items
            .get(start as usize..end as usize)
            .unwrap_or(&[])
            .iter()
            .map(|&(s, e)| self.str(s, e))
    }

    /// An array's item `i` (of an array's items range), as a range of the text.
    pub fn item(&self, i: u32) -> Option<(u32, u32)> {
        self.items.get(i as usize).copied()
    }

    /// A node as a `serde_json::Value` (for messages that quote it).
    pub fn to_value(&self, node: Node) -> Json {
        match node {
            Node::Null => Json::Null,
            Node::Bool(b) => Json::Bool(b),
            Node::Number(n) => serde_json::Number::from_f64(n).map_or(Json::Null, Json::Number),
            Node::Str(s, e) => Json::String(self.str(s, e).to_string()),
            // Only the string items are kept: enough for every message that quotes one.
            Node::Array { items, .. } => Json::Array(
                self.items(items.0, items.1)
                    .map(|s| Json::String(s.to_string()))
                    .collect(),
            ),
            Node::Object(start, end) => Json::Object(
                self.members(start, end)
                    .map(|(k, v)| (k.to_string(), self.to_value(v)))
                    .collect(),
            ),
        }
    }

    fn push(&mut self, node: Node) -> u32 {
        self.nodes.push(node);
        self.nodes.len() as u32 - 1
    }

    fn push_str(&mut self, s: &str) -> (u32, u32) {
        let start = self.text.len() as u32;
        self.text.push_str(s);
        (start, self.text.len() as u32)
    }
}

/// A request error the reader found.
fn error(
    code: &'static Code,
    key: String,
    message: String,
    help: String,
    at: Option<Span>,
) -> RequestError {
    RequestError {
        code,
        key,
        points_at: Point::Value,
        message,
        help: Some(help),
        at,
    }
}

/// A byte offset as `line:column` (1-based; the column counts characters).
fn position(bytes: &[u8], at: usize) -> String {
    let before = bytes.get(..at.min(bytes.len())).unwrap_or(&[]);
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let column = before
        .get(start..)
        .unwrap_or(&[])
        .iter()
        .filter(|&&b| b & 0xC0 != 0x80)
        .count()
        + 1;
    format!("{line}:{column}")
}

/// The byte offset of serde_json's 1-based line and column (bytes since the line's start).
fn offset_at(bytes: &[u8], line: usize, column: usize) -> u32 {
    let mut start = 0;
    for _ in 1..line {
        match bytes
            .get(start..)
            .and_then(|b| b.iter().position(|&c| c == b'\n'))
        {
            Some(i) => start += i + 1,
            None => break,
        }
    }
    let at = (start + column.saturating_sub(1)).min(bytes.len().saturating_sub(1));
    u32::try_from(at).unwrap_or(0)
}

/// The number at an error, when the error is one JSON cannot hold: a number out of a
/// 64-bit float's range (`1e400`, 400 digits) or a `NaN`/`Infinity` token. Its start and
/// text.
fn number_token(bytes: &[u8], at: usize, reason: &str) -> Option<(usize, String)> {
    let is_number = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.');
    let mut start = at.min(bytes.len());
    while start > 0 && bytes.get(start - 1).is_some_and(|&b| is_number(b)) {
        start -= 1;
    }
    let end = start
        + bytes
            .get(start..)?
            .iter()
            .take_while(|&&b| is_number(b))
            .count();
    let text = std::str::from_utf8(bytes.get(start..end)?).ok()?;
    let word = text.trim_start_matches(['-', '+']).to_ascii_lowercase();
    let token = matches!(word.as_str(), "nan" | "inf" | "infinity");
    (reason.starts_with("number out of range") || token).then(|| (start, text.to_string()))
}

/// Reads one value into the document as a node (pushed last).
struct NodeSeed<'d>(&'d mut Document);

impl<'de> DeserializeSeed<'de> for NodeSeed<'_> {
    type Value = u32;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<u32, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for NodeSeed<'_> {
    type Value = u32;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any valid JSON value")
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<u32, E> {
        Ok(self.0.push(Node::Null))
    }

    fn visit_bool<E: serde::de::Error>(self, b: bool) -> Result<u32, E> {
        Ok(self.0.push(Node::Bool(b)))
    }

    fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<u32, E> {
        Ok(self.0.push(Node::Number(n as f64)))
    }

    fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<u32, E> {
        Ok(self.0.push(Node::Number(n as f64)))
    }

    fn visit_f64<E: serde::de::Error>(self, n: f64) -> Result<u32, E> {
        Ok(self.0.push(Node::Number(n)))
    }

    fn visit_borrowed_str<E: serde::de::Error>(self, s: &'de str) -> Result<u32, E> {
        self.visit_str(s)
    }

    fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<u32, E> {
        self.0.check_length(s, false)?;
        let (start, end) = self.0.push_str(s);
        Ok(self.0.push(Node::Str(start, end)))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<u32, A::Error> {
        let doc = self.0;
        doc.enter()?;
        let start = doc.items.len() as u32;
        let mut strings = true;
        while let Some(item) = seq.next_element_seed(ItemSeed(&mut *doc))? {
            strings &= item;
        }
        let end = doc.items.len() as u32;
        doc.depth -= 1;
        doc.lossy |= !strings;
        Ok(doc.push(Node::Array {
            items: (start, end),
            strings,
        }))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<u32, A::Error> {
        let doc = self.0;
        doc.enter()?;
        let first = doc.stack.len();
        while let Some((key, at)) = map.next_key_seed(KeySeed(&mut *doc))? {
            doc.path.push(key);
            let value = map.next_value_seed(NodeSeed(&mut *doc))?;
            doc.path.pop();
            doc.stack.push(Member { key, at, value });
        }
        doc.depth -= 1;
        doc.check_duplicates(first)?;
        let start = doc.members.len() as u32;
        let own = doc.stack.drain(first..);
        doc.members.extend(own);
        let end = doc.members.len() as u32;
        Ok(doc.push(Node::Object(start, end)))
    }
}

impl Document {
    /// Opens an object or array, within the depth limit.
    fn enter<E: serde::de::Error>(&mut self) -> Result<(), E> {
        self.depth += 1;
        if self.depth > self.limits.max_depth {
            self.failure = Some(Failure::Deep(self.current_key()));
            return Err(E::custom("nested too deeply"));
        }
        Ok(())
    }

    /// A key or string value within the length limit.
    fn check_length<E: serde::de::Error>(&mut self, s: &str, is_key: bool) -> Result<(), E> {
        if s.len() > self.limits.max_string {
            let head: String = s.chars().take(41).collect();
            let at = Some(self.offset_of(s)).filter(|&n| n != NOWHERE);
            self.failure = Some(Failure::Long(self.current_key(), is_key, s.len(), head, at));
            return Err(E::custom("a string too long"));
        }
        Ok(())
    }

    /// Refuses a key given twice among the members read since `first` (the object just
    /// read): the pair whose second key comes first.
    fn check_duplicates<E: serde::de::Error>(&mut self, first: usize) -> Result<(), E> {
        let members = self.stack.get(first..).unwrap_or(&[]);
        let key = |i: usize| {
            members
                .get(i)
                .map_or("", |m: &Member| self.str(m.key.0, m.key.1))
        };
        let twice = if members.len() <= 16 {
            // Keys of one object often share a prefix (`customer.…`): compare their hashes
            // first, and the keys only when two hashes are equal.
            let hash = |k: &str| {
                use std::hash::{Hash, Hasher};
                let mut h = rustc_hash::FxHasher::default();
                k.hash(&mut h);
                h.finish()
            };
            let hashes: smallvec::SmallVec<[u64; 16]> =
                (0..members.len()).map(|i| hash(key(i))).collect();
            (1..members.len()).find_map(|j| {
                (0..j)
                    .find(|&i| hashes[i] == hashes[j] && key(i) == key(j))
                    .map(|i| (i, j))
            })
        } else {
            let mut order: Vec<usize> = (0..members.len()).collect();
            order.sort_by(|&a, &b| key(a).cmp(key(b)).then(a.cmp(&b)));
            order
                .windows(2)
                .filter(|w| key(w[0]) == key(w[1]))
                .min_by_key(|w| w[1])
                .map(|w| (w[0], w[1]))
        };
        let Some((i, j)) = twice else {
            return Ok(());
        };
        let known = |n: u32| (n != NOWHERE).then_some(n);
        let (a, b) = (members[i].at, members[j].at);
        let mut dotted = self.current_key();
        if !dotted.is_empty() {
            dotted.push('.');
        }
        dotted.push_str(key(j));
        let written = key(j).len() + 2;
        self.failure = Some(Failure::Duplicate(dotted, known(a), known(b), written));
        Err(E::custom("a key given twice"))
    }
}

/// Reads a key into the document's text: its range and where it is.
struct KeySeed<'d>(&'d mut Document);

impl<'de> DeserializeSeed<'de> for KeySeed<'_> {
    type Value = ((u32, u32), u32);

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed<'_> {
    type Value = ((u32, u32), u32);

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string key")
    }

    fn visit_borrowed_str<E: serde::de::Error>(self, s: &'de str) -> Result<Self::Value, E> {
        let at = self.0.offset_of(s);
        self.key(s, at)
    }

    fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Self::Value, E> {
        self.key(s, NOWHERE)
    }
}

impl KeySeed<'_> {
    fn key<E: serde::de::Error>(self, s: &str, at: u32) -> Result<((u32, u32), u32), E> {
        self.0.check_length(s, true)?;
        self.0.dotted |= s.contains('.');
        Ok((self.0.push_str(s), at))
    }
}

/// Reads an array's item: a string is kept; anything else is read through and only
/// noted (`false`).
struct ItemSeed<'d>(&'d mut Document);

impl<'de> DeserializeSeed<'de> for ItemSeed<'_> {
    type Value = bool;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<bool, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ItemSeed<'_> {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any valid JSON value")
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<bool, E> {
        Ok(false)
    }

    fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<bool, E> {
        Ok(false)
    }

    fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<bool, E> {
        Ok(false)
    }

    fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<bool, E> {
        Ok(false)
    }

    fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<bool, E> {
        Ok(false)
    }

    fn visit_borrowed_str<E: serde::de::Error>(self, s: &'de str) -> Result<bool, E> {
        self.visit_str(s)
    }

    fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<bool, E> {
        self.0.check_length(s, false)?;
        let range = self.0.push_str(s);
        self.0.items.push(range);
        Ok(true)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<bool, A::Error> {
        // Read through as a node would be (the same depth limit), then dropped.
        let (nodes, items, text) = (self.0.nodes.len(), self.0.items.len(), self.0.text.len());
        NodeSeed(&mut *self.0).visit_seq(seq)?;
        self.0.nodes.truncate(nodes);
        self.0.items.truncate(items);
        self.0.text.truncate(text);
        Ok(false)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<bool, A::Error> {
        let (nodes, members, text) = (self.0.nodes.len(), self.0.members.len(), self.0.text.len());
        NodeSeed(&mut *self.0).visit_map(map)?;
        self.0.nodes.truncate(nodes);
        self.0.members.truncate(members);
        self.0.text.truncate(text);
        Ok(false)
    }
}
