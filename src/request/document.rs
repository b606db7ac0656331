//! A JSON request read into reused buffers ([`Document`]): the one form every request is
//! decoded from, whether it comes as bytes (`juris batch`, a line at a time) or as a
//! `serde_json::Value` ([`crate::Request::from_json`]).
//!
//! An object's members are kept in the order given; a request reports its errors in key
//! order ([`crate::Request::fill_from`]), so that it is refused alike however it is read.

use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value as Json;
use std::fmt;

/// A JSON document in reusable buffers.
#[derive(Clone, Debug, Default)]
pub struct Document {
    /// Every key and string value, back to back.
    text: String,
    nodes: Vec<Node>,
    /// Every object's members, each object's together, in the order given.
    members: Vec<Member>,
    /// The members of the objects being read.
    stack: Vec<Member>,
    /// Every array's string items.
    items: Vec<(u32, u32)>,
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

/// A member of an object: its key and the index of its value's node.
#[derive(Clone, Copy, Debug)]
struct Member {
    key: (u32, u32),
    value: u32,
}

impl Document {
    /// Reads one JSON value from bytes (nothing but blanks may follow it).
    pub fn read_slice(&mut self, bytes: &[u8]) -> Result<(), serde_json::Error> {
        self.clear();
        let mut de = serde_json::Deserializer::from_slice(bytes);
        NodeSeed(self).deserialize(&mut de)?;
        de.end()
    }

    /// Reads a JSON value.
    pub fn read_value(&mut self, json: &Json) {
        self.clear();
        // Reading a value cannot fail: every value is a document.
        let _ = NodeSeed(self).deserialize(json);
    }

    fn clear(&mut self) {
        self.text.clear();
        self.nodes.clear();
        self.members.clear();
        self.stack.clear();
        self.items.clear();
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

    /// The value of an object's member, if it has one under this key (the last, if given
    /// twice).
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

    fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<u32, E> {
        let (start, end) = self.0.push_str(s);
        Ok(self.0.push(Node::Str(start, end)))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<u32, A::Error> {
        let doc = self.0;
        let start = doc.items.len() as u32;
        let mut strings = true;
        while let Some(item) = seq.next_element_seed(ItemSeed(&mut *doc))? {
            strings &= item;
        }
        let end = doc.items.len() as u32;
        Ok(doc.push(Node::Array {
            items: (start, end),
            strings,
        }))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<u32, A::Error> {
        let doc = self.0;
        let first = doc.stack.len();
        while let Some(key) = map.next_key_seed(KeySeed(&mut *doc))? {
            let value = map.next_value_seed(NodeSeed(&mut *doc))?;
            // A key given twice keeps its first place and its last value, as a
            // `serde_json::Value` does: a request reads alike from bytes and from a value
            // (`juris batch` and `juris eval`), the earlier value never looked at.
            let (text, own) = (&doc.text, &mut doc.stack[first..]);
            let same = |m: &&mut Member| {
                text.get(m.key.0 as usize..m.key.1 as usize)
                    == text.get(key.0 as usize..key.1 as usize)
            };
            match own.iter_mut().find(same) {
                Some(earlier) => earlier.value = value,
                None => doc.stack.push(Member { key, value }),
            }
        }
        let start = doc.members.len() as u32;
        let own = doc.stack.drain(first..);
        doc.members.extend(own);
        let end = doc.members.len() as u32;
        Ok(doc.push(Node::Object(start, end)))
    }
}

/// Reads a key into the document's text.
struct KeySeed<'d>(&'d mut Document);

impl<'de> DeserializeSeed<'de> for KeySeed<'_> {
    type Value = (u32, u32);

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(u32, u32), D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed<'_> {
    type Value = (u32, u32);

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string key")
    }

    fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<(u32, u32), E> {
        Ok(self.0.push_str(s))
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

    fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<bool, E> {
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
