//! Statute texts: the plain text of an instrument parsed into its numbered subsections.
//!
//! [`StatuteText::parse`] reads the plain text of a statute or an administrative
//! rule and builds the tree of its numbered subsections, so that a policy's
//! citations (`(3)(a)`, `710.6(B)(5)`) can be checked against the text, coverage
//! can list every subsection, and explanations can quote what a subsection says.
//!
//! The parser understands the layout of the texts kept under `policies/`:
//!
//! * an optional metadata header, ended by a line made only of `=` characters;
//! * `[EDITOR: ...]` notes (possibly over several lines, up to the first line
//!   that ends with `]`), which are not statute text;
//! * separator lines made only of `-` characters;
//! * section headers such as `§17-710.4. [Access to ...]`, each starting a
//!   top-level unit keyed by its section number (`710.4`);
//! * a rule title line such as `860-086-0030 Electric Company Transfer of Data`;
//! * labels at the start of a line: `(12)`, `(a)`, `(A)`, `A.` and `1.`, nested
//!   by kind (see [`StatuteText::parse`]);
//! * authority and history notes (`Added by Laws ...`, `History: ...`), which
//!   belong to no subsection.
//!
//! Parsing never fails and never panics: text that fits none of these shapes is
//! simply left out of the tree.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::OnceLock;

/// Index of a subsection in a `StatuteText`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SubsectionId(pub u32);

impl SubsectionId {
    /// The position of this id in the subsection list (never panics).
    fn index(self) -> usize {
        usize::try_from(self.0).unwrap_or(usize::MAX)
    }
}

/// One numbered unit of a statute text: a section (`§17-710.6.`) or a labelled
/// subsection, paragraph or subparagraph (`(3)`, `(a)`, `B.`, `1.`).
#[derive(Clone, Debug)]
pub struct Subsection {
    /// Segment keys from the top of the tree, e.g. `["3", "a"]` or `["710.6", "B", "5"]`.
    pub path: Vec<String>,
    /// Byte range in [`StatuteText::text`] of the label as written, e.g. `(3)`,
    /// `B.` or the `§17-710.4.` of a section header.
    pub label: Range<usize>,
    /// Byte range in [`StatuteText::text`] of what this subsection itself says,
    /// up to its first child or the end of its paragraph (may be empty).
    pub own_text: Range<usize>,
    /// 1-based line of the label.
    pub line: usize,
    /// The catchline of a section header, brackets and trailing dot removed.
    pub title: Option<String>,
    /// The enclosing subsection, `None` for a top-level unit.
    pub parent: Option<SubsectionId>,
    /// The subsections directly below this one, in document order.
    pub children: Vec<SubsectionId>,
}

/// Returned by [`StatuteText::get`] for an id that does not belong to the text.
static MISSING: Subsection = Subsection {
    path: Vec::new(),
    label: 0..0,
    own_text: 0..0,
    line: 0,
    title: None,
    parent: None,
    children: Vec::new(),
};

/// The plain text of an instrument and the tree of its numbered subsections.
#[derive(Clone, Debug)]
pub struct StatuteText {
    /// The full text as given, metadata header included; all ranges index into it.
    pub text: String,
    /// The title line of a single-rule text, e.g.
    /// `860-086-0030 Electric Company Transfer of Data`.
    pub title: Option<String>,
    /// Every subsection, in document order; a `SubsectionId` indexes this list.
    subsections: Vec<Subsection>,
    /// The top-level units, in document order.
    roots: Vec<SubsectionId>,
    /// Each subsection's [`quote`](StatuteText::quote), made on first use: explanations quote
    /// on every decision.
    quotes: OnceLock<Vec<String>>,
    /// The first subsection (in document order) of each path, by [`path_key`]: the checker
    /// resolves every cite of a policy, so finding one must not walk the whole text.
    by_path: HashMap<String, SubsectionId>,
}

/// A path as one string, for [`StatuteText::find`]'s index (segments never hold `\u{1f}`).
fn path_key<S: AsRef<str>>(path: &[S]) -> String {
    let mut key = String::new();
    for (i, segment) in path.iter().enumerate() {
        if i > 0 {
            key.push('\u{1f}');
        }
        key.push_str(segment.as_ref());
    }
    key
}

/// The key of a section number: the number itself when it has a dot (`710.4`), else the
/// number after a `§` (`§8380`), so that a section without a dot in its number is never
/// taken for the label `(8380)`. The one rule for section keys: the statute reader and the
/// policy's cites both make them here.
pub fn section_key(number: &str) -> String {
    if number.contains('.') {
        number.to_string()
    } else {
        format!("§{number}")
    }
}

/// Whether a path segment is a section number ([`section_key`]).
pub fn is_section_key(segment: &str) -> bool {
    segment.contains('.') || segment.starts_with('§')
}

/// A section key's number as written in a cite: `§8380` → `8380`, `710.4` → `710.4`.
pub fn section_number(segment: &str) -> &str {
    segment.strip_prefix('§').unwrap_or(segment)
}

/// The five kinds of label; nesting follows the order in which kinds appear.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum LabelKind {
    /// `(12)`
    ParenNumber,
    /// `(a)`, `(aa)`, `(ii)`
    ParenLower,
    /// `(A)`
    ParenUpper,
    /// `A.`
    DotUpper,
    /// `1.`
    DotNumber,
}

/// A label found at the start of a line: its kind, segment key and byte range
/// within the (indentation-stripped) line.
struct FoundLabel {
    kind: LabelKind,
    key: String,
    range: Range<usize>,
}

/// A section header: `§17-710.4. [Access to and confidentiality ...]`.
struct Header {
    key: String,
    /// Length in bytes of the `§17-710.4.` part.
    label_len: usize,
    title: Option<String>,
}

/// Starts of lines that are authority or history notes, not statute text.
const HISTORY_PREFIXES: [&str; 6] = [
    "Added by Laws",
    "Statutory/Other Authority",
    "Statutes/Other Implemented",
    "Stat. Auth.",
    "Stats. Implemented",
    "History:",
];

/// Opening of an editor's note.
const EDITOR_OPEN: &str = "[EDITOR:";

impl StatuteText {
    /// Parses a statute or rule text into its tree of subsections.
    ///
    /// * Everything up to and including the first line made only of `=` is a
    ///   metadata header and is ignored (when there is such a line).
    /// * `[EDITOR: ...]` blocks and lines made only of `-` are not statute text;
    ///   they, blank lines, section headers and authority/history notes end the
    ///   paragraph of the subsection before them.
    /// * A section header `§17-710.4. Title` starts a top-level unit with key
    ///   `710.4`; its own text is the unlabelled text before its first label.
    /// * Labels are recognised at the start of a line, followed by whitespace:
    ///   `(12)`, `(a)`, `(A)`, `A.`, `1.`; several may open one line
    ///   (`B. 1. Subject to ...`).
    /// * A label whose kind is already open in the current section closes that
    ///   level (and everything below it) and becomes a sibling there; a label of
    ///   a new kind becomes a child of the innermost open subsection.
    ///
    /// Never panics, whatever the input.
    pub fn parse(text: &str) -> StatuteText {
        let mut builder = Builder::new(text);
        let mut in_header_zone = has_header_rule(text);
        for line in lines(text) {
            if in_header_zone {
                if is_rule_of(line.content, '=') {
                    in_header_zone = false;
                }
                continue;
            }
            builder.line(&line);
        }
        builder.finish()
    }

    /// The top-level units (sections, or the `(1)`, `(2)`, … of a single rule),
    /// in document order.
    pub fn roots(&self) -> &[SubsectionId] {
        &self.roots
    }

    /// The subsection with this id. Ids come from this text; for an id that does
    /// not belong to it, an empty subsection (empty path, no children) is returned.
    pub fn get(&self, id: SubsectionId) -> &Subsection {
        self.subsections.get(id.index()).unwrap_or(&MISSING)
    }

    /// Every subsection with its id, in document order.
    pub fn iter(&self) -> impl Iterator<Item = (SubsectionId, &Subsection)> {
        self.subsections
            .iter()
            .enumerate()
            .filter_map(|(i, s)| u32::try_from(i).ok().map(|i| (SubsectionId(i), s)))
    }

    /// The subsection at this path of segment keys (`["3", "a"]`,
    /// `["710.6", "B", "5"]`), if the text has it; the first in document order
    /// if a number repeats. An empty path finds nothing.
    pub fn find(&self, path: &[&str]) -> Option<SubsectionId> {
        if path.is_empty() {
            return None;
        }
        // Every node is indexed by its whole path (not found by walking down the first
        // matching branch), so that a text with a repeated number still finds the one that
        // has the path.
        self.by_path.get(&path_key(path)).copied()
    }

    /// What the subsection says, whitespace collapsed to single spaces; for a subsection with
    /// children, its own lead-in sentence only (e.g. "(3)" → "An electric company may not transfer to the Administrator:").
    pub fn sentence(&self, id: SubsectionId) -> String {
        let range = self.get(id).own_text.clone();
        collapse_whitespace(self.text.get(range).unwrap_or(""))
    }

    /// Whether the subsection's text — its own and its subsections' — contains `words`
    /// exactly, whitespace aside (runs of blanks and line breaks count as one space). An
    /// empty `words` is contained nowhere.
    pub fn says(&self, id: SubsectionId, words: &str) -> bool {
        let words = collapse_whitespace(words);
        if words.is_empty() {
            return false;
        }
        let start = self.get(id).own_text.start;
        let mut end = self.get(id).own_text.end;
        let mut stack = self.get(id).children.clone();
        while let Some(child) = stack.pop() {
            let sub = self.get(child);
            end = end.max(sub.own_text.end);
            stack.extend(sub.children.iter().copied());
        }
        let text = self.text.get(start..end).unwrap_or("");
        collapse_whitespace(text).contains(&words)
    }

    /// The lead-in sentences of all ancestors followed by this one's own text, e.g. for (3)(a):
    /// "An electric company may not transfer to the Administrator: Social security numbers,"
    /// (empty for an id that does not belong to the text).
    pub fn quote(&self, id: SubsectionId) -> &str {
        let quotes = self.quotes.get_or_init(|| {
            (0..self.subsections.len())
                .map(|i| self.make_quote(SubsectionId(i as u32)))
                .collect()
        });
        quotes.get(id.0 as usize).map_or("", String::as_str)
    }

    fn make_quote(&self, id: SubsectionId) -> String {
        let mut chain = vec![id];
        let mut current = self.get(id).parent;
        // The parent chain is acyclic by construction; the bound only guards it.
        while let Some(parent) = current {
            if chain.len() > self.subsections.len() {
                break;
            }
            chain.push(parent);
            current = self.get(parent).parent;
        }
        chain
            .iter()
            .rev()
            .map(|id| self.sentence(*id))
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The path written as a cite suffix: ["3","a"] → "(3)(a)", ["710.6","B","5"] → "710.6(B)(5)".
    ///
    /// The first segment is written bare if it is a section number ([`is_section_key`]:
    /// `710.6`, or `8380` read from a section header), otherwise every segment is put in
    /// parentheses.
    pub fn display_path(path: &[String]) -> String {
        let mut out = String::new();
        for (i, segment) in path.iter().enumerate() {
            if i == 0 && is_section_key(segment) {
                out.push_str(section_number(segment));
            } else {
                out.push('(');
                out.push_str(segment);
                out.push(')');
            }
        }
        out
    }

    /// Closest existing paths to a missing one (for "did you mean"): same parent's children, or same depth; at most 3, display form.
    ///
    /// When the parent exists and has children, the candidates are its
    /// children; otherwise every subsection at the same depth. Candidates are
    /// ranked by how far their keys are from the asked ones (`j` is next to `i`,
    /// `16` next to `15`), ties in document order. The asked path itself is never
    /// suggested. When no candidate exists at all, the deepest existing prefix
    /// of the path is suggested.
    pub fn suggest(&self, path: &[&str]) -> Vec<String> {
        let Some((_, parent_path)) = path.split_last() else {
            return Vec::new();
        };
        let siblings: Vec<SubsectionId> = if parent_path.is_empty() {
            self.roots.clone()
        } else {
            self.find(parent_path)
                .map(|p| self.get(p).children.clone())
                .unwrap_or_default()
        };
        let candidates: Vec<SubsectionId> = if siblings.is_empty() {
            self.iter()
                .filter(|(_, s)| s.path.len() == path.len())
                .map(|(id, _)| id)
                .collect()
        } else {
            siblings
        };
        let mut scored: Vec<(u64, SubsectionId)> = candidates
            .into_iter()
            .filter_map(|id| {
                let sub = self.get(id);
                if sub.path.len() != path.len() {
                    return None;
                }
                if sub.path.iter().zip(path).all(|(a, b)| a == b) {
                    return None;
                }
                let score = sub
                    .path
                    .iter()
                    .zip(path)
                    .fold(0u64, |acc, (a, b)| acc.saturating_add(key_distance(b, a)));
                Some((score, id))
            })
            .collect();
        scored.sort();
        let mut out: Vec<String> = Vec::new();
        for (_, id) in scored {
            let shown = Self::display_path(&self.get(id).path);
            if !out.contains(&shown) {
                out.push(shown);
            }
            if out.len() == 3 {
                break;
            }
        }
        if out.is_empty() {
            // Nothing at that level: point at the deepest part of the path that exists.
            let mut prefix = parent_path;
            while !prefix.is_empty() {
                if let Some(id) = self.find(prefix) {
                    out.push(Self::display_path(&self.get(id).path));
                    break;
                }
                prefix = prefix.split_last().map(|(_, p)| p).unwrap_or(&[]);
            }
        }
        out
    }

    /// Whether the subsection says anything: its own text is not blank, or it has children.
    pub fn has_text(&self, id: SubsectionId) -> bool {
        let sub = self.get(id);
        let own = self.text.get(sub.own_text.clone()).unwrap_or("");
        !own.trim().is_empty() || !sub.children.is_empty()
    }

    /// The 1-based line of a byte offset (offsets past the end give the last line).
    pub fn line_of(&self, offset: usize) -> usize {
        let bytes = self.text.as_bytes();
        let end = offset.min(bytes.len());
        bytes
            .get(..end)
            .unwrap_or(&[])
            .iter()
            .filter(|b| **b == b'\n')
            .count()
            .saturating_add(1)
    }

    /// The byte offset where a 1-based line starts, `None` past the last line
    /// (or for line 0). The inverse of [`StatuteText::line_of`].
    pub fn line_offset(&self, line: usize) -> Option<usize> {
        if line == 0 {
            return None;
        }
        if line == 1 {
            return Some(0);
        }
        self.text
            .bytes()
            .enumerate()
            .filter(|(_, b)| *b == b'\n')
            .nth(line.saturating_sub(2))
            .map(|(i, _)| i.saturating_add(1))
    }
}

/// One line of the text.
struct Line<'a> {
    /// 1-based line number.
    number: usize,
    /// Byte offset of the line's first byte.
    start: usize,
    /// The line without its `\n` or `\r\n`.
    content: &'a str,
}

/// The lines of a text with their numbers and offsets.
fn lines(text: &str) -> impl Iterator<Item = Line<'_>> {
    let mut start = 0usize;
    text.split('\n').enumerate().map(move |(i, piece)| {
        let line = Line {
            number: i.saturating_add(1),
            start,
            content: piece.strip_suffix('\r').unwrap_or(piece),
        };
        start = start.saturating_add(piece.len()).saturating_add(1);
        line
    })
}

/// Whether the line is made only of `c` (at least one), ignoring surrounding whitespace.
fn is_rule_of(line: &str, c: char) -> bool {
    let t = line.trim();
    !t.is_empty() && t.chars().all(|x| x == c)
}

/// Whether the text has a metadata header ended by a `===` line.
fn has_header_rule(text: &str) -> bool {
    lines(text).any(|l| is_rule_of(l.content, '='))
}

/// Collapses runs of whitespace to single spaces and trims the ends.
fn collapse_whitespace(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whether a line is an authority or history note.
fn is_history(t: &str) -> bool {
    HISTORY_PREFIXES.iter().any(|p| t.starts_with(p))
}

/// Whether a first body line is a rule's title: `860-086-0030 Electric Company ...`.
fn is_rule_title(t: &str) -> bool {
    let first = t.split_whitespace().next().unwrap_or("");
    first.starts_with(|c: char| c.is_ascii_digit())
        && first.contains('-')
        && first
            .chars()
            .all(|c| c.is_ascii_digit() || c == '-' || c == '.')
}

/// Parses a section header line (already trimmed): `§17-710.4. [Catchline]`.
///
/// The number must be made of ASCII letters, digits, `.` and `-`, contain a
/// digit, and end with a `.` unless it ends the line. The key is the part after
/// the title number and dash (`17-710.4` → `710.4`).
fn parse_header(t: &str) -> Option<Header> {
    let rest = t.strip_prefix('§')?;
    let after = rest.trim_start();
    let token_end = after.find(char::is_whitespace).unwrap_or(after.len());
    let token = after.get(..token_end)?;
    let tail = after.get(token_end..)?.trim();
    let number = match token.strip_suffix('.') {
        Some(n) => n,
        None if tail.is_empty() => token,
        None => return None,
    };
    let valid = !number.is_empty()
        && number
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
        && number.chars().any(|c| c.is_ascii_digit());
    if !valid {
        return None;
    }
    let key = match number.split_once('-') {
        Some((_, k)) if !k.is_empty() => k,
        _ => number,
    };
    let label_len = t
        .len()
        .saturating_sub(after.len())
        .saturating_add(token_end);
    let mut title = tail;
    if let Some(inner) = title.strip_prefix('[').and_then(|x| x.strip_suffix(']')) {
        title = inner.trim();
    }
    let title = title.strip_suffix('.').unwrap_or(title).trim_end();
    Some(Header {
        key: section_key(key),
        label_len,
        title: (!title.is_empty()).then(|| title.to_string()),
    })
}

/// Parses a line made only of a section number and its dot, as California's codes print a
/// section's heading: `8380.`, `1798.100.`. A number of at most three digits and no inner dot
/// (`12.`) is a label `12.` instead, as it always was; such a section is written `§ 12.`.
fn parse_bare_header(t: &str) -> Option<Header> {
    let number = t.strip_suffix('.')?;
    let valid = !number.is_empty()
        && number
            .split('.')
            .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()));
    let first = number.split('.').next().unwrap_or("");
    if !valid || (first.len() <= 3 && !number.contains('.')) {
        return None;
    }
    Some(Header {
        key: section_key(number),
        label_len: t.len(),
        title: None,
    })
}

/// Lower-case label bodies: one letter, a repeated letter (`aa`), or a roman numeral (`ii`).
fn is_lower_label(s: &str) -> bool {
    label_letters(s, |c| c.is_ascii_lowercase(), "ivx")
}

/// Upper-case label bodies: one letter, a repeated letter (`AA`), or a roman numeral (`II`).
fn is_upper_label(s: &str) -> bool {
    label_letters(s, |c| c.is_ascii_uppercase(), "IVX")
}

/// Shared test for letter labels.
fn label_letters(s: &str, case: fn(&char) -> bool, roman: &str) -> bool {
    let mut chars = s.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    if !case(&first) || s.len() > 6 {
        return false;
    }
    let repeated = s.len() <= 3 && s.chars().all(|c| c == first);
    let numeral = s.chars().all(|c| roman.contains(c));
    repeated || numeral
}

/// One label at the very start of `s`, followed by whitespace or the end of the line.
fn parse_label(s: &str) -> Option<FoundLabel> {
    let bytes = s.as_bytes();
    let (kind, key, len) = match *bytes.first()? {
        b'(' => {
            let close = bytes.iter().take(8).position(|b| *b == b')')?;
            let inner = s.get(1..close)?;
            let kind = if !inner.is_empty()
                && inner.len() <= 4
                && inner.bytes().all(|b| b.is_ascii_digit())
            {
                LabelKind::ParenNumber
            } else if is_lower_label(inner) {
                LabelKind::ParenLower
            } else if is_upper_label(inner) {
                LabelKind::ParenUpper
            } else {
                return None;
            };
            (kind, inner, close.saturating_add(1))
        }
        b'0'..=b'9' => {
            let digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
            if digits > 3 || bytes.get(digits) != Some(&b'.') {
                return None;
            }
            (
                LabelKind::DotNumber,
                s.get(..digits)?,
                digits.saturating_add(1),
            )
        }
        b'A'..=b'Z' => {
            if bytes.get(1) != Some(&b'.') {
                return None;
            }
            (LabelKind::DotUpper, s.get(..1)?, 2)
        }
        _ => return None,
    };
    let after = s.get(len..)?;
    if !after.is_empty() && !after.starts_with(char::is_whitespace) {
        return None;
    }
    Some(FoundLabel {
        kind,
        key: key.to_string(),
        range: 0..len,
    })
}

/// All labels opening a line (indentation already stripped), and the offset
/// where the text after the last one starts.
fn parse_labels(s: &str) -> (Vec<FoundLabel>, usize) {
    let mut found = Vec::new();
    let mut pos = 0usize;
    while let Some(rest) = s.get(pos..) {
        let Some(label) = parse_label(rest) else {
            break;
        };
        let end = pos.saturating_add(label.range.end);
        found.push(FoundLabel {
            kind: label.kind,
            key: label.key,
            range: pos..end,
        });
        let after = s.get(end..).unwrap_or("");
        pos = end.saturating_add(after.len().saturating_sub(after.trim_start().len()));
    }
    (found, pos.min(s.len()))
}

/// The distance between an asked key and an existing one, for suggestions.
fn key_distance(asked: &str, existing: &str) -> u64 {
    let (asked, existing) = (section_number(asked), section_number(existing));
    if asked == existing {
        return 0;
    }
    if asked.eq_ignore_ascii_case(existing) {
        return 1;
    }
    if let (Ok(a), Ok(b)) = (asked.parse::<u64>(), existing.parse::<u64>()) {
        return a.abs_diff(b).saturating_mul(2);
    }
    if let (Some((pa, ta)), Some((pb, tb))) = (asked.rsplit_once('.'), existing.rsplit_once('.')) {
        if pa == pb {
            if let (Ok(a), Ok(b)) = (ta.parse::<u64>(), tb.parse::<u64>()) {
                return a.abs_diff(b).saturating_mul(2);
            }
        }
    }
    let (mut a, mut b) = (asked.chars(), existing.chars());
    if let (Some(x), None, Some(y), None) = (a.next(), a.next(), b.next(), b.next()) {
        if x.is_ascii_alphabetic() && y.is_ascii_alphabetic() {
            let (lx, ly) = (x.to_ascii_lowercase(), y.to_ascii_lowercase());
            let apart = u64::from(u32::from(lx).abs_diff(u32::from(ly)));
            let case = u64::from(x.is_ascii_uppercase() != y.is_ascii_uppercase());
            return apart.saturating_mul(2).saturating_add(case);
        }
    }
    1000u64.saturating_add(levenshtein(asked, existing))
}

/// Edit distance between two short strings (each cut to 64 characters).
fn levenshtein(a: &str, b: &str) -> u64 {
    let a: Vec<char> = a.chars().take(64).collect();
    let b: Vec<char> = b.chars().take(64).collect();
    let mut prev: Vec<u64> = (0..=b.len() as u64).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut row = vec![i as u64 + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitute = prev.get(j).copied().unwrap_or(0) + u64::from(ca != cb);
            let delete = prev.get(j + 1).copied().unwrap_or(0) + 1;
            let insert = row.get(j).copied().unwrap_or(0) + 1;
            row.push(substitute.min(delete).min(insert));
        }
        prev = row;
    }
    prev.last().copied().unwrap_or(0)
}

/// The parser's state while it walks the body lines.
struct Builder<'a> {
    text: &'a str,
    nodes: Vec<Subsection>,
    /// Own text collected so far for each node (start, end), parallel to `nodes`.
    own: Vec<Option<(usize, usize)>>,
    roots: Vec<SubsectionId>,
    title: Option<String>,
    /// The current section, if the text has section headers.
    section: Option<SubsectionId>,
    /// Open label levels of the current section, outermost first.
    stack: Vec<(LabelKind, SubsectionId)>,
    /// The subsection whose paragraph continuation lines extend.
    open: Option<SubsectionId>,
    /// Whether unlabelled text still counts as the current section's own text.
    intro_open: bool,
    /// Inside an `[EDITOR: ...]` block.
    in_editor: bool,
    /// Whether any body line other than blanks has been seen.
    seen_content: bool,
}

impl<'a> Builder<'a> {
    fn new(text: &'a str) -> Self {
        Builder {
            text,
            nodes: Vec::new(),
            own: Vec::new(),
            roots: Vec::new(),
            title: None,
            section: None,
            stack: Vec::new(),
            open: None,
            intro_open: false,
            in_editor: false,
            seen_content: false,
        }
    }

    /// Ends the paragraph being read, and the section's intro if it has begun.
    fn close_paragraph(&mut self) {
        self.open = None;
        if let Some(section) = self.section {
            if self.own.get(section.index()).is_some_and(Option::is_some) {
                self.intro_open = false;
            }
        }
    }

    fn line(&mut self, line: &Line<'_>) {
        let content = line.content;
        if self.in_editor {
            if content.trim_end().ends_with(']') {
                self.in_editor = false;
            }
            return;
        }
        let trimmed = content.trim_start();
        let indent = content.len().saturating_sub(trimmed.len());
        let at = line.start.saturating_add(indent);
        let t = trimmed.trim_end();
        if t.is_empty() {
            self.open = None;
            return;
        }
        if t.starts_with(EDITOR_OPEN) {
            self.close_paragraph();
            self.in_editor = !t.ends_with(']');
            return;
        }
        if is_rule_of(t, '-') {
            self.close_paragraph();
            return;
        }
        let first_content = !self.seen_content;
        self.seen_content = true;
        if let Some(header) = parse_header(t).or_else(|| parse_bare_header(t)) {
            self.start_section(header, at, line.number);
            return;
        }
        if is_history(t) {
            self.open = None;
            self.intro_open = false;
            return;
        }
        let (labels, rest) = parse_labels(t);
        if !labels.is_empty() {
            self.add_labels(labels, rest, t.len(), at, line.number);
            return;
        }
        let span = (at, at.saturating_add(t.len()));
        if first_content && is_rule_title(t) {
            self.title = Some(t.to_string());
            return;
        }
        if let Some(open) = self.open {
            self.extend(open, span);
        } else if self.intro_open {
            if let Some(section) = self.section {
                self.extend(section, span);
            }
        }
    }

    fn start_section(&mut self, header: Header, at: usize, number: usize) {
        let label = at..at.saturating_add(header.label_len);
        self.stack.clear();
        self.open = None;
        self.section = self.push_node(None, header.key, label, number, header.title);
        self.intro_open = self.section.is_some();
    }

    fn add_labels(
        &mut self,
        labels: Vec<FoundLabel>,
        rest: usize,
        len: usize,
        at: usize,
        number: usize,
    ) {
        self.intro_open = false;
        self.open = None;
        let mut last = None;
        for found in labels {
            let position = self.stack.iter().position(|(k, _)| *k == found.kind);
            if let Some(p) = position {
                self.stack.truncate(p);
            }
            let parent = self.stack.last().map(|(_, id)| *id).or(self.section);
            let range = at.saturating_add(found.range.start)..at.saturating_add(found.range.end);
            let Some(id) = self.push_node(parent, found.key, range, number, None) else {
                return;
            };
            self.stack.push((found.kind, id));
            last = Some(id);
        }
        if let Some(id) = last {
            if rest < len {
                self.extend(id, (at.saturating_add(rest), at.saturating_add(len)));
            }
            self.open = Some(id);
        }
    }

    /// Extends a node's own text to cover `span`.
    fn extend(&mut self, id: SubsectionId, span: (usize, usize)) {
        if let Some(own) = self.own.get_mut(id.index()) {
            *own = Some(match *own {
                Some((start, _)) => (start, span.1),
                None => span,
            });
        }
    }

    fn push_node(
        &mut self,
        parent: Option<SubsectionId>,
        key: String,
        label: Range<usize>,
        line: usize,
        title: Option<String>,
    ) -> Option<SubsectionId> {
        let id = SubsectionId(u32::try_from(self.nodes.len()).ok()?);
        let mut path = parent
            .and_then(|p| self.nodes.get(p.index()))
            .map(|p| p.path.clone())
            .unwrap_or_default();
        path.push(key);
        let own_text = label.end..label.end;
        self.nodes.push(Subsection {
            path,
            label,
            own_text,
            line,
            title,
            parent,
            children: Vec::new(),
        });
        self.own.push(None);
        match parent.and_then(|p| self.nodes.get_mut(p.index())) {
            Some(p) => p.children.push(id),
            None => self.roots.push(id),
        }
        Some(id)
    }

    fn finish(self) -> StatuteText {
        let Builder {
            text,
            mut nodes,
            own,
            roots,
            title,
            ..
        } = self;
        for (node, own) in nodes.iter_mut().zip(own) {
            if let Some((start, end)) = own {
                if start <= end && text.get(start..end).is_some() {
                    node.own_text = start..end;
                }
            }
        }
        let mut by_path = HashMap::with_capacity(nodes.len());
        for (i, node) in nodes.iter().enumerate() {
            by_path
                .entry(path_key(&node.path))
                .or_insert(SubsectionId(i as u32));
        }
        StatuteText {
            text: text.to_string(),
            title,
            subsections: nodes,
            roots,
            quotes: OnceLock::new(),
            by_path,
        }
    }
}

#[cfg(test)]
mod tests;
