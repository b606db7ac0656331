//! Receipts: what a third party needs to check which law, in which version, decided what,
//! on which facts.
//!
//! - The **bundle hash** of a policy ([`bundle_sha256`]) is the SHA-256 of its files in a
//!   defined order: the policy file, its sibling files (terms, tests) in load order, the
//!   statute text it encodes, then the texts of the other instruments it cites, sorted by
//!   citation. Each file is framed as `name NUL length NUL text`, `name` being the file's
//!   base name, so the hash is the same wherever the files are served from.
//! - The **request hash** ([`request_sha256`]) is the SHA-256 of the request in its RFC 8785
//!   canonical JSON form (keys sorted by UTF-16 code units, numbers written as ECMAScript
//!   writes them, no blanks): two spellings of one request hash alike.
//! - The **decision hash** is the SHA-256 of the canonical decision object (the contract's
//!   fields, without the explanation).

use crate::ir::Policy;
use crate::request::{Document, Node};
use serde::Serialize;
use serde_json::Value as Json;
use sha2::{Digest, Sha256};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// The version a receipt names: `juris 0.1.0`.
pub const SERVER: &str = concat!("juris ", env!("CARGO_PKG_VERSION"));

/// A receipt for one decision.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Receipt {
    /// The decision's id (32 hex digits, unique per server process and time).
    pub decision_id: String,
    /// When it was decided (RFC 3339, UTC, milliseconds).
    pub decided_at: String,
    /// The server that decided: `juris 0.1.0`.
    pub server: String,
    /// The policy that decided.
    pub policy: PolicyStamp,
    /// SHA-256 of the canonical request (RFC 8785), hex.
    pub request_sha256: String,
    /// SHA-256 of the canonical decision object (without the explanation), hex.
    pub decision_sha256: String,
}

/// A policy as a receipt names it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct PolicyStamp {
    /// Its jurisdiction (`OR`).
    pub jurisdiction: String,
    /// Its citation (`OAR 860-086-0030`).
    pub citation: String,
    /// The bundle hash ([`bundle_sha256`]), hex.
    pub bundle_sha256: String,
}

impl PolicyStamp {
    /// The stamp of a policy, its bundle hashed.
    pub fn of(policy: &Policy) -> PolicyStamp {
        PolicyStamp {
            jurisdiction: policy.jurisdiction.clone(),
            citation: policy.citation.clone(),
            bundle_sha256: bundle_sha256(policy),
        }
    }
}

/// SHA-256 as lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    s
}

/// The bundle hash of a policy: its files in the order the module documentation gives.
pub fn bundle_sha256(policy: &Policy) -> String {
    let mut hasher = Sha256::new();
    let mut file = |name: &str, text: &str| {
        let base = std::path::Path::new(name)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| name.to_string());
        hasher.update(base.as_bytes());
        hasher.update([0]);
        hasher.update(text.len().to_string().as_bytes());
        hasher.update([0]);
        hasher.update(text.as_bytes());
    };
    file(policy.source.name(), policy.source.text());
    for sibling in &policy.siblings {
        file(sibling.source.name(), sibling.source.text());
    }
    file(policy.statute.source.name(), policy.statute.source.text());
    let mut references: Vec<&crate::ir::Statute> = policy.references.iter().collect();
    references.sort_by(|a, b| a.citation.cmp(&b.citation));
    for statute in references {
        file(statute.source.name(), statute.source.text());
    }
    hex(&hasher.finalize())
}

/// A JSON value in its RFC 8785 canonical form: members sorted by the UTF-16 code units of
/// their names, numbers as ECMAScript writes a double (`ryu-js`), strings with only the
/// escapes JSON requires (serde_json's string writer, which escapes exactly those, in the
/// short forms and lowercase hex RFC 8785 asks for), no blanks.
///
/// Written here rather than through a generic canonicalising formatter, which took 4–7 µs
/// per request (it reparses every member name to sort it) — half the service's cost per
/// decision; a property test holds it to `serde_json_canonicalizer`'s output.
pub fn canonical_json(value: &Json) -> String {
    canonical(value)
}

/// A request in its RFC 8785 canonical form, written from the decoder's [`Document`]
/// (the service hashes what it read, without reading the body a second time); `None`
/// when the document is not the whole request ([`Document::is_whole`]). The same writer
/// as [`canonical_json`]; a property test holds the two alike.
pub fn canonical_document(document: &Document) -> Option<String> {
    document
        .is_whole()
        .then(|| canonical(Read(document, document.root())))
}

fn canonical<'a>(tree: impl Tree<'a>) -> String {
    let mut out = Vec::with_capacity(256);
    write_canonical(&mut out, tree);
    // Only valid UTF-8 is written: the JSON punctuation, and strings and numbers as
    // serde_json and ryu-js write them.
    String::from_utf8(out).unwrap_or_default()
}

/// What the canonical writer reads of a JSON tree, one node at a time: a
/// `serde_json::Value`, or a request as the decoder read it.
trait Tree<'a>: Copy {
    fn shape(self) -> Shape<'a, Self>;
}

enum Shape<'a, T> {
    Null,
    Bool(bool),
    Number(f64),
    String(&'a str),
    Array(Vec<T>),
    Object(Vec<(&'a str, T)>),
}

impl<'a> Tree<'a> for &'a Json {
    fn shape(self) -> Shape<'a, Self> {
        match self {
            Json::Null => Shape::Null,
            Json::Bool(b) => Shape::Bool(*b),
            // A `Value` holds only finite numbers, each read as a double (an integer too).
            Json::Number(n) => Shape::Number(n.as_f64().unwrap_or(f64::NAN)),
            Json::String(text) => Shape::String(text),
            Json::Array(items) => Shape::Array(items.iter().collect()),
            Json::Object(members) => {
                Shape::Object(members.iter().map(|(k, v)| (k.as_str(), v)).collect())
            }
        }
    }
}

/// A node of a document, with the document.
#[derive(Clone, Copy)]
struct Read<'a>(&'a Document, Node);

impl<'a> Tree<'a> for Read<'a> {
    fn shape(self) -> Shape<'a, Self> {
        let Read(document, node) = self;
        match node {
            Node::Null => Shape::Null,
            Node::Bool(b) => Shape::Bool(b),
            Node::Number(n) => Shape::Number(n),
            Node::Str(start, end) => Shape::String(document.str(start, end)),
            Node::Array { items, .. } => Shape::Array(
                (items.0..items.1)
                    .filter_map(|i| document.item(i))
                    .map(|(start, end)| Read(document, Node::Str(start, end)))
                    .collect(),
            ),
            Node::Object(start, end) => Shape::Object(
                document
                    .members(start, end)
                    .map(|(k, v)| (k, Read(document, v)))
                    .collect(),
            ),
        }
    }
}

fn write_canonical<'a>(out: &mut Vec<u8>, tree: impl Tree<'a>) {
    match tree.shape() {
        Shape::Null => out.extend_from_slice(b"null"),
        Shape::Bool(true) => out.extend_from_slice(b"true"),
        Shape::Bool(false) => out.extend_from_slice(b"false"),
        // Numbers as ECMAScript writes a double; neither reader keeps a number that is not
        // finite, and JSON has none.
        Shape::Number(f) if f.is_finite() => {
            out.extend_from_slice(ryu_js::Buffer::new().format_finite(f).as_bytes())
        }
        Shape::Number(_) => out.extend_from_slice(b"null"),
        Shape::String(text) => write_string(out, text),
        Shape::Array(items) => {
            out.push(b'[');
            for (i, item) in items.into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_canonical(out, item);
            }
            out.push(b']');
        }
        Shape::Object(mut members) => {
            members.sort_unstable_by(|a, b| a.0.encode_utf16().cmp(b.0.encode_utf16()));
            out.push(b'{');
            for (i, (name, item)) in members.into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_string(out, name);
                out.push(b':');
                write_canonical(out, item);
            }
            out.push(b'}');
        }
    }
}

/// A JSON string as serde_json writes it (writing to a `Vec` cannot fail).
fn write_string(out: &mut Vec<u8>, text: &str) {
    let _ = serde_json::to_writer(&mut *out, text);
}

/// SHA-256 of a request's canonical JSON, hex.
pub fn request_sha256(request: &Json) -> String {
    sha256_hex(canonical_json(request).as_bytes())
}

/// A decision id: 32 hex digits from the bundle, the request, the time, the process and a
/// counter, so that two decisions never share one.
pub fn decision_id(bundle: &str, request_sha256: &str, nanos: u128) -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let mut hasher = Sha256::new();
    hasher.update(bundle.as_bytes());
    hasher.update(request_sha256.as_bytes());
    hasher.update(nanos.to_le_bytes());
    hasher.update(std::process::id().to_le_bytes());
    hasher.update(n.to_le_bytes());
    let digest = hasher.finalize();
    hex(digest.get(..16).unwrap_or(&digest))
}

/// Nanoseconds since the Unix epoch, now.
pub fn now_nanos() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0)
}

/// A time as RFC 3339 in UTC with milliseconds: `2026-12-05T12:03:52.123Z`.
pub fn rfc3339(nanos: u128) -> String {
    let millis = nanos / 1_000_000;
    let secs = millis / 1000;
    let days = i32::try_from(secs / 86_400).unwrap_or(i32::MAX);
    let rest = secs % 86_400;
    format!(
        "{}T{:02}:{:02}:{:02}.{:03}Z",
        crate::value::format_date(days),
        rest / 3600,
        rest / 60 % 60,
        rest % 60,
        millis % 1000
    )
}

/// Makes the receipt of a decision, given the hash of its request ([`request_sha256`]).
pub fn receipt(
    stamp: &PolicyStamp,
    request_sha256: String,
    decision: &Json,
    nanos: u128,
) -> Receipt {
    Receipt {
        decision_id: decision_id(&stamp.bundle_sha256, &request_sha256, nanos),
        decided_at: rfc3339(nanos),
        server: SERVER.to_string(),
        policy: stamp.clone(),
        request_sha256,
        decision_sha256: sha256_hex(canonical_json(decision).as_bytes()),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;
    use serde_json::json;

    #[test]
    fn canonical_json_sorts_keys_and_writes_numbers_as_ecmascript_does() {
        // RFC 8785, section 3.2.3 and appendix B.
        let value: Json = serde_json::from_str(
            r#"{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
                "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
                "literals": [null, true, false]}"#,
        )
        .unwrap();
        assert_eq!(
            canonical_json(&value),
            r#"{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}"#
        );
        // Keys sort by UTF-16 code units, not by UTF-8 bytes.
        let keys = json!({"\u{e9}": 1, "\u{1f600}": 2, "a": 3, "\u{fb33}": 4});
        assert_eq!(
            canonical_json(&keys),
            "{\"a\":3,\"\u{e9}\":1,\"\u{1f600}\":2,\"\u{fb33}\":4}"
        );
    }

    /// Any JSON value: nested, with names and strings drawn to reach control characters,
    /// escapes, non-BMP characters (surrogate pairs in UTF-16) and numbers of every kind.
    fn any_json() -> impl proptest::strategy::Strategy<Value = Json> {
        use proptest::prelude::*;
        let text = "[a-c\\u{0}-\\u{1f}\"\\\\/\\u{7f}\\u{e9}\\u{20ac}\\u{fb33}\\u{1f600}]{0,6}";
        let leaf = prop_oneof![
            Just(Json::Null),
            any::<bool>().prop_map(Json::Bool),
            any::<i64>().prop_map(Json::from),
            any::<u64>().prop_map(Json::from),
            any::<f64>()
                .prop_filter("finite", |f| f.is_finite())
                .prop_map(Json::from),
            (-1000i32..1000, -30i32..30)
                .prop_map(|(m, e)| Json::from(f64::from(m) * 10f64.powi(e))),
            text.prop_map(Json::String),
        ];
        leaf.prop_recursive(4, 48, 6, move |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..6).prop_map(Json::Array),
                proptest::collection::vec((text, inner), 0..6)
                    .prop_map(|members| Json::Object(members.into_iter().collect())),
            ]
        })
    }

    proptest::proptest! {
        #[test]
        fn canonical_json_is_what_the_rfc_8785_crate_writes(value in any_json()) {
            let expected = serde_json_canonicalizer::to_string(&value).unwrap();
            proptest::prop_assert_eq!(canonical_json(&value), expected);
        }

        /// The service hashes a request from the decoder's document: the same canonical
        /// text as from the value, whenever the document holds the whole of it (and it
        /// says so exactly when no array holds anything but strings).
        #[test]
        fn a_document_is_written_as_its_value_is(value in any_json()) {
            fn strings_only(v: &Json) -> bool {
                match v {
                    Json::Array(items) => items.iter().all(|i| i.is_string()),
                    Json::Object(members) => members.values().all(strings_only),
                    _ => true,
                }
            }
            let text = serde_json::to_string(&value).unwrap();
            let mut document = Document::with_limits(crate::request::Limits::DEFAULT);
            document.read_slice(text.as_bytes()).unwrap();
            proptest::prop_assert_eq!(document.is_whole(), strings_only(&value));
            if document.is_whole() {
                proptest::prop_assert_eq!(
                    canonical_document(&document).unwrap(),
                    canonical_json(&value)
                );
            } else {
                proptest::prop_assert_eq!(canonical_document(&document), None);
            }
        }
    }

    #[test]
    fn two_spellings_of_one_request_hash_alike() {
        let a: Json =
            serde_json::from_str(r#"{"data": "ssn", "customer": {"usage_amw": 1.0}}"#).unwrap();
        let b: Json =
            serde_json::from_str(r#"{ "customer":{"usage_amw":1}, "data":"ssn" }"#).unwrap();
        assert_eq!(request_sha256(&a), request_sha256(&b));
        assert_ne!(
            request_sha256(&a),
            request_sha256(&json!({"data": "tax_id"}))
        );
    }

    #[test]
    fn times_are_rfc3339_in_utc() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(
            rfc3339(1_764_936_232_123_456_789),
            "2025-12-05T12:03:52.123Z"
        );
    }

    #[test]
    fn decision_ids_differ() {
        let a = decision_id("b", "r", 1);
        let b = decision_id("b", "r", 1);
        assert_eq!(a.len(), 32);
        assert_ne!(a, b);
    }
}
