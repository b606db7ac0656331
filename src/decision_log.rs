//! The decision log: one JSON line per decision, each chained to the one before it, so that
//! an edited or deleted line is found by [`verify`] (`juris verify-log`).
//!
//! A line is the decision's [`Receipt`] fields, the request (with the masked fields
//! replaced by `"[masked]"`), the decision object (without the explanation), its number
//! `seq` (from 1), `prev` (the `hash` of the line before it; 64 zeros for the first), and
//! `hash`: the SHA-256 of the line's canonical JSON (RFC 8785) without `hash` itself. The
//! request hash in the receipt is of the request as it came, before masking.
//!
//! Each line is written with one `write` call, so a crash leaves at most the last line
//! incomplete: [`DecisionLog::open`] cuts it off before appending, and [`verify`] reports it
//! without failing. Removing lines from the end cannot be seen from the chain itself: keep
//! the last `hash` elsewhere (the service logs it) to check the end too.

use crate::receipt::{canonical_json, sha256_hex, Receipt};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value as Json};
use std::fmt;
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::path::Path;
use std::sync::Mutex;

/// The `prev` of the first line.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What a masked value is replaced by.
pub const MASKED: &str = "[masked]";

/// One line of the log.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// Its number, from 1.
    pub seq: u64,
    /// The `hash` of the line before (64 zeros for the first).
    pub prev: String,
    /// The receipt.
    #[serde(flatten)]
    pub receipt: Receipt,
    /// The request, masked.
    pub request: Json,
    /// The dotted names of the request's fields that were masked.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub masked: Vec<String>,
    /// The decision object (without the explanation).
    pub decision: Json,
    /// SHA-256 of the line's canonical JSON without this field.
    pub hash: String,
}

/// The hash of an entry: of its canonical JSON without `hash`.
pub fn entry_hash(entry: &Json) -> String {
    let mut without = entry.clone();
    if let Some(object) = without.as_object_mut() {
        object.remove("hash");
    }
    sha256_hex(canonical_json(&without).as_bytes())
}

/// Replaces the value at a dotted path (`customer.name`, written nested or flat) with
/// [`MASKED`]; whether it was there.
pub fn mask(request: &mut Json, path: &str) -> bool {
    let Some(object) = request.as_object_mut() else {
        return false;
    };
    if let Some(value) = object.get_mut(path) {
        *value = Json::String(MASKED.to_string());
        return true;
    }
    let mut found = false;
    let mut at = 0;
    while let Some(dot) = path.get(at..).and_then(|rest| rest.find('.')) {
        let (head, tail) = (&path[..at + dot], &path[at + dot + 1..]);
        if let Some(inner) = object.get_mut(head) {
            found |= mask(inner, tail);
        }
        at += dot + 1;
    }
    found
}

/// An append-only decision log, chained; shared by the threads that decide.
pub struct DecisionLog {
    masks: Vec<String>,
    state: Mutex<Tail>,
}

impl fmt::Debug for DecisionLog {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DecisionLog")
            .field("masks", &self.masks)
            .finish_non_exhaustive()
    }
}

struct Tail {
    file: File,
    seq: u64,
    prev: String,
}

/// Why the log could not be opened or written.
#[derive(Debug)]
pub enum LogError {
    /// Reading or writing failed.
    Io(std::io::Error),
    /// The log's last complete line is not an entry: it cannot be continued.
    NotALog(String),
}

impl fmt::Display for LogError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LogError::Io(e) => write!(f, "{e}"),
            LogError::NotALog(why) => write!(f, "{why}"),
        }
    }
}

impl From<std::io::Error> for LogError {
    fn from(e: std::io::Error) -> Self {
        LogError::Io(e)
    }
}

impl DecisionLog {
    /// Opens (or creates) a log to append to, continuing its chain; an incomplete last line
    /// (a crash while writing it) is cut off. `masks`: the dotted request fields to mask.
    pub fn open(path: &Path, masks: Vec<String>) -> Result<DecisionLog, LogError> {
        let mut file = OpenOptions::new()
            .read(true)
            .create(true)
            .append(true)
            .open(path)?;
        let mut text = Vec::new();
        file.read_to_end(&mut text)?;
        let complete = text.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        if complete < text.len() {
            file.set_len(complete as u64)?;
            file.seek(SeekFrom::End(0))?;
        }
        let last = text
            .get(..complete)
            .unwrap_or(&[])
            .split(|&b| b == b'\n')
            .rfind(|line| !line.is_empty());
        let (seq, prev) = match last {
            None => (0, GENESIS.to_string()),
            Some(line) => {
                let entry: Entry = serde_json::from_slice(line).map_err(|e| {
                    LogError::NotALog(format!(
                        "the last line of `{}` is not a decision log entry ({e})",
                        path.display()
                    ))
                })?;
                (entry.seq, entry.hash)
            }
        };
        Ok(DecisionLog {
            masks,
            state: Mutex::new(Tail { file, seq, prev }),
        })
    }

    /// Appends a decision; returns the new line's hash.
    pub fn append(
        &self,
        receipt: &Receipt,
        request: &Json,
        decision: &Json,
    ) -> Result<String, LogError> {
        let mut request = request.clone();
        let masked: Vec<String> = self
            .masks
            .iter()
            .filter(|m| mask(&mut request, m))
            .cloned()
            .collect();
        let mut tail = self
            .state
            .lock()
            .map_err(|_| LogError::NotALog("the log's writer failed before".to_string()))?;
        let mut entry = Map::new();
        entry.insert("seq".into(), Json::from(tail.seq + 1));
        entry.insert("prev".into(), Json::String(tail.prev.clone()));
        if let Json::Object(fields) = serde_json::to_value(receipt).unwrap_or(Json::Null) {
            entry.extend(fields);
        }
        entry.insert("request".into(), request);
        if !masked.is_empty() {
            entry.insert(
                "masked".into(),
                Json::Array(masked.into_iter().map(Json::String).collect()),
            );
        }
        entry.insert("decision".into(), decision.clone());
        let mut entry = Json::Object(entry);
        let hash = entry_hash(&entry);
        if let Some(object) = entry.as_object_mut() {
            object.insert("hash".into(), Json::String(hash.clone()));
        }
        let mut line = entry.to_string();
        line.push('\n');
        tail.file.write_all(line.as_bytes())?;
        tail.seq += 1;
        tail.prev.clone_from(&hash);
        Ok(hash)
    }

    /// Logs a decision with its receipt (made here, at this moment): the one way the
    /// service, `juris eval` and `juris batch` log. `decision` is the decision object
    /// without the explanation; returns the receipt.
    pub fn record(
        &self,
        stamp: &crate::receipt::PolicyStamp,
        request: &Json,
        decision: &Json,
    ) -> Result<Receipt, LogError> {
        let receipt = crate::receipt::receipt(
            stamp,
            crate::receipt::request_sha256(request),
            decision,
            crate::receipt::now_nanos(),
        );
        self.append(&receipt, request, decision)?;
        Ok(receipt)
    }

    /// The hash of the last line written (or found when opened).
    pub fn last_hash(&self) -> String {
        self.state
            .lock()
            .map(|t| t.prev.clone())
            .unwrap_or_default()
    }
}

/// What [`verify`] found in an intact log.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Verified {
    /// Complete lines, all chained.
    pub lines: u64,
    /// The last line's hash.
    pub last_hash: Option<String>,
    /// The number of an incomplete last line (a crash while writing it), if any.
    pub incomplete: Option<u64>,
}

/// The first line that breaks the chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Broken {
    /// Its number in the file, from 1.
    pub line: u64,
    /// What is wrong with it.
    pub reason: String,
}

impl fmt::Display for Broken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.reason)
    }
}

/// Checks a log's chain line by line; the first broken line, or what was verified.
pub fn verify<R: Read>(input: R) -> Result<Verified, Broken> {
    let mut reader = BufReader::new(input);
    let mut verified = Verified::default();
    let mut prev = GENESIS.to_string();
    let mut number = 0u64;
    let mut line = Vec::new();
    loop {
        line.clear();
        let read = reader.read_until(b'\n', &mut line).map_err(|e| Broken {
            line: number + 1,
            reason: format!("cannot be read: {e}"),
        })?;
        if read == 0 {
            return Ok(verified);
        }
        number += 1;
        if line.last() != Some(&b'\n') {
            verified.incomplete = Some(number);
            return Ok(verified);
        }
        let broken = |reason: String| Broken {
            line: number,
            reason,
        };
        let value: Json = serde_json::from_slice(&line)
            .map_err(|e| broken(format!("is not a JSON entry ({e})")))?;
        let entry: Entry = serde_json::from_value(value.clone())
            .map_err(|e| broken(format!("is not a decision log entry ({e})")))?;
        if entry.seq != number {
            return Err(broken(format!(
                "is numbered {} where {number} was expected: a line was deleted, added or moved \
                 before it",
                entry.seq
            )));
        }
        if entry.prev != prev {
            return Err(broken(
                "does not follow the line before it (its `prev` is not that line's hash): a \
                 line before it was edited or deleted"
                    .to_string(),
            ));
        }
        let hash = entry_hash(&value);
        if entry.hash != hash {
            return Err(broken(
                "its contents do not match its `hash`: the line was edited".to_string(),
            ));
        }
        verified.lines = number;
        verified.last_hash = Some(hash.clone());
        prev = hash;
    }
}

/// Reads a log's complete entries, in order, for replay; a line that is not an entry is an
/// error naming its number.
pub fn read_entries<R: Read>(input: R) -> Result<Vec<Entry>, Broken> {
    let mut entries = Vec::new();
    for (i, line) in BufReader::new(input).split(b'\n').enumerate() {
        let number = i as u64 + 1;
        let line = line.map_err(|e| Broken {
            line: number,
            reason: format!("cannot be read: {e}"),
        })?;
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        match serde_json::from_slice::<Entry>(&line) {
            Ok(entry) => entries.push(entry),
            // An incomplete last line (a crash while writing it) is left out.
            Err(e) if e.is_eof() => break,
            Err(e) => {
                return Err(Broken {
                    line: number,
                    reason: format!("is not a decision log entry ({e})"),
                })
            }
        }
    }
    Ok(entries)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;
    use serde_json::json;

    #[test]
    fn masking_finds_nested_and_flat_fields() {
        let mut request = json!({"customer": {"name": "Ada", "usage_amw": 1}, "account.id": 7});
        assert!(mask(&mut request, "customer.name"));
        assert!(mask(&mut request, "account.id"));
        assert!(!mask(&mut request, "customer.address"));
        assert_eq!(
            request,
            json!({"customer": {"name": MASKED, "usage_amw": 1}, "account.id": MASKED})
        );
    }
}
