//! Completion. What fits at the cursor is read from the text before it (which need not
//! parse: the author is typing), cut by the library's one scanner of strings and comments;
//! the names come from the compiled policy (the last one that checked, while the text does
//! not).
//!
//! - after `is`, `is not`, `is one of [`, `contains`, or `fact =`: the fact's members;
//! - a cite being written (`cites (`, `not encoded (`, a subsection's label at the start of
//!   a line in a provision): the subsections of the statute text that nothing encodes or
//!   marks yet, with what they say;
//! - after `overrides`: the provisions of the policy; after `expect`: the outcomes;
//! - elsewhere: the facts, the definitions and the reserved words.

use crate::coverage::Status;
use crate::ir::Policy;
use crate::source::Span;
use crate::statute::{StatuteText, SubsectionId};
use crate::syntax::trivia::{pieces, Piece};
use lsp_types::{CompletionItem, CompletionItemKind, Documentation, MarkupContent, MarkupKind};

#[derive(Clone, Debug, PartialEq)]
enum Token {
    Word(String),
    Punct(u8),
}

/// A block the cursor is in.
#[derive(Clone, Debug, PartialEq)]
enum Block {
    /// A provision or a subsection written as a block: its label's key.
    Labelled(String),
    /// `rule { … }`: in its provision.
    Rule,
    /// Anything else (the header, the vocabulary, a test …).
    Other,
}

/// What the text before the cursor says about what comes next.
#[derive(Debug, PartialEq)]
struct Context {
    /// The tokens of the current line before the word being typed.
    line: Vec<Token>,
    /// Where each of them starts.
    line_at: Vec<usize>,
    /// The tokens before the word being typed, across lines (the last 64 to 128).
    recent: Vec<Token>,
    /// The enclosing provision's path.
    provision: Vec<String>,
    /// Where the word being typed starts.
    word_start: usize,
}

/// The completions at a byte offset of `text`, with the span each replaces.
pub fn complete(text: &str, offset: usize, policy: Option<&Policy>) -> Vec<(CompletionItem, Span)> {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let Some(cx) = context(&text[..offset]) else {
        // Inside a string or a comment.
        return Vec::new();
    };
    let word = Span::new(cx.word_start, offset);
    let Some(policy) = policy else {
        return keywords(word);
    };
    // A cite being written: `(3)(`, from its first `(`.
    let n = cx.line.len();
    let mut cite_start = n;
    if matches!(cx.line.last(), Some(Token::Punct(b'('))) {
        cite_start = n - 1;
        while cite_start >= 3
            && matches!(
                cx.line.get(cite_start - 3..cite_start),
                Some([Token::Punct(b'('), Token::Word(_), Token::Punct(b')')])
            )
        {
            cite_start -= 3;
        }
    }
    let in_cite = cite_start < n;
    let before = cx.line.get(..cite_start).unwrap_or(&[]);
    let last_word = |tokens: &[Token]| match tokens.last() {
        Some(Token::Word(w)) => Some(w.clone()),
        _ => None,
    };
    let typed_cite_start = match cx.line_at.get(cite_start) {
        Some(&at) if in_cite => at,
        _ => cx.word_start,
    };
    let cite_span = Span::new(typed_cite_start, offset);
    match last_word(before).as_deref() {
        Some("cites" | "encoded" | "available") => return gaps(policy, &[], true, cite_span),
        Some("provision") => return gaps(policy, &[], false, cite_span),
        Some("overrides") => return provisions(policy, cite_span),
        Some("expect") if !in_cite => {
            return crate::ir::Outcome::ALL
                .iter()
                .map(|o| (item(o.as_str(), CompletionItemKind::ENUM_MEMBER), word))
                .collect()
        }
        _ => {}
    }
    if matches!(before.last(), Some(Token::Punct(b','))) && line_has(&cx.line, "overrides") {
        return provisions(policy, cite_span);
    }
    if before.is_empty() && !cx.provision.is_empty() {
        // A subsection's label at the start of a line in a provision, or a clause.
        let mut out = gaps(policy, &cx.provision, false, cite_span);
        if !in_cite {
            out.extend(names(policy, word));
            out.extend(keywords(word));
        }
        return out;
    }
    if in_cite {
        return gaps(policy, &[], true, cite_span);
    }
    if let Some(fact) = member_context(&cx.recent) {
        if let Some(id) = policy.fact_id(&fact) {
            let f = policy.fact(id);
            return f
                .ty
                .members()
                .iter()
                .map(|m| {
                    let mut item = item(m, CompletionItemKind::ENUM_MEMBER);
                    item.detail = f.member_label(m).map(str::to_string);
                    (item, word)
                })
                .collect();
        }
    }
    let mut out = names(policy, word);
    out.extend(keywords(word));
    out
}

fn line_has(line: &[Token], word: &str) -> bool {
    line.iter()
        .any(|t| matches!(t, Token::Word(w) if w == word))
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'.' || b >= 0x80
}

/// Reads the text before the cursor; `None` inside a string or a comment.
fn context(before: &str) -> Option<Context> {
    let mut cx = Context {
        line: Vec::new(),
        line_at: Vec::new(),
        recent: Vec::new(),
        provision: Vec::new(),
        word_start: before.len(),
    };
    let mut blocks: Vec<Block> = Vec::new();
    // The word being read: where it starts.
    let mut word: Option<usize> = None;
    let mut inside = false;
    let push = |cx: &mut Context, token: Token, at: usize| {
        cx.line.push(token.clone());
        cx.line_at.push(at);
        cx.recent.push(token);
        if cx.recent.len() > 128 {
            cx.recent.drain(..64);
        }
    };
    // Ends the word being read at `end`.
    let end_word = |cx: &mut Context, word: &mut Option<usize>, end: usize| {
        if let Some(start) = word.take() {
            let text = before.get(start..end).unwrap_or("").to_string();
            push(cx, Token::Word(text), start);
        }
    };
    for piece in pieces(before, 0) {
        inside = false;
        match piece {
            Piece::Code(at, b) if is_word_byte(b) => {
                word.get_or_insert(at);
            }
            Piece::Code(at, b) => {
                end_word(&mut cx, &mut word, at);
                match b {
                    b'\n' => {
                        cx.line.clear();
                        cx.line_at.clear();
                    }
                    b'{' => blocks.push(block_of(&cx.line)),
                    b'}' => {
                        blocks.pop();
                    }
                    _ => {}
                }
                if !b.is_ascii_whitespace() {
                    push(&mut cx, Token::Punct(b), at);
                }
            }
            Piece::String(start, end) => {
                end_word(&mut cx, &mut word, start);
                // A string not closed before the cursor holds it.
                let closed = end > start + 1 && before.as_bytes().get(end - 1) == Some(&b'"');
                inside = !closed;
                push(&mut cx, Token::Punct(b'"'), start);
            }
            Piece::Comment(start, _) => {
                end_word(&mut cx, &mut word, start);
                inside = true;
            }
        }
    }
    if inside {
        return None;
    }
    cx.word_start = word.unwrap_or(before.len());
    cx.provision = blocks
        .iter()
        .filter_map(|b| match b {
            Block::Labelled(key) => Some(key.clone()),
            _ => None,
        })
        .collect();
    Some(cx)
}

/// The block a `{` opens, from the tokens of its line before it.
fn block_of(line: &[Token]) -> Block {
    let key = |at: usize| match (line.get(at), line.get(at + 1), line.get(at + 2)) {
        (Some(Token::Punct(b'(')), Some(Token::Word(k)), Some(Token::Punct(b')'))) => {
            Some(k.clone())
        }
        _ => None,
    };
    match line.first() {
        Some(Token::Word(w)) if w == "provision" => key(1).map_or(Block::Other, Block::Labelled),
        Some(Token::Word(w)) if w == "rule" => Block::Rule,
        Some(Token::Punct(b'(')) => key(0).map_or(Block::Other, Block::Labelled),
        _ => Block::Other,
    }
}

/// The fact whose members fit next: `fact is`, `fact is not`, `fact is one of [a, `,
/// `fact contains`, `fact =`.
fn member_context(tokens: &[Token]) -> Option<String> {
    let mut i = tokens.len();
    let word = |i: usize| match tokens.get(i) {
        Some(Token::Word(w)) => Some(w.as_str()),
        _ => None,
    };
    // Inside `[ … ]`: back to the `[`, then `one of`.
    let mut listed = false;
    while i > 0 {
        match tokens.get(i - 1) {
            Some(Token::Word(_)) | Some(Token::Punct(b',')) if !listed => i -= 1,
            Some(Token::Punct(b'[')) => {
                i -= 1;
                listed = true;
                break;
            }
            _ => break,
        }
    }
    if !listed {
        i = tokens.len();
    } else {
        if word(i.checked_sub(1)?) != Some("of") || word(i.checked_sub(2)?) != Some("one") {
            return None;
        }
        i -= 2;
    }
    match tokens.get(i.checked_sub(1)?) {
        Some(Token::Punct(b'=')) if !listed => {
            // `fact =` in a test (not `==`, a comparison).
            if matches!(
                tokens.get(i.checked_sub(2)?),
                Some(Token::Punct(b'=' | b'!' | b'<' | b'>'))
            ) {
                return None;
            }
            return word(i.checked_sub(2)?).map(str::to_string);
        }
        Some(Token::Word(w)) if w == "contains" && !listed => {
            return word(i.checked_sub(2)?).map(str::to_string);
        }
        _ => {}
    }
    if word(i.checked_sub(1)?) == Some("not") {
        i -= 1;
    }
    if word(i.checked_sub(1)?) != Some("is") {
        return None;
    }
    word(i.checked_sub(2)?).map(str::to_string)
}

fn item(label: &str, kind: CompletionItemKind) -> CompletionItem {
    CompletionItem {
        label: label.to_string(),
        kind: Some(kind),
        ..CompletionItem::default()
    }
}

fn markdown(text: String) -> Documentation {
    Documentation::MarkupContent(MarkupContent {
        kind: MarkupKind::Markdown,
        value: text,
    })
}

/// The facts and definitions.
fn names(policy: &Policy, word: Span) -> Vec<(CompletionItem, Span)> {
    let facts = policy.facts.iter().map(|f| {
        let mut item = item(&f.name, CompletionItemKind::FIELD);
        item.detail = Some(f.ty.describe());
        item.documentation = Some(markdown(f.meaning.clone()));
        (item, word)
    });
    let definitions = policy.definitions.iter().map(|d| {
        let mut item = item(&d.name, CompletionItemKind::FUNCTION);
        item.detail = Some(format!("definition ({})", d.cite.full));
        item.documentation = d.meaning.clone().map(markdown);
        (item, word)
    });
    facts.chain(definitions).collect()
}

/// The reserved words of the language (the one table, [`crate::syntax::RESERVED`]).
fn keywords(word: Span) -> Vec<(CompletionItem, Span)> {
    crate::syntax::RESERVED
        .iter()
        .map(|k| (item(k, CompletionItemKind::KEYWORD), word))
        .collect()
}

/// The subsections nothing encodes or marks, beneath the provision at `under` (all of them
/// when it is empty), as full local paths or relative to `under`.
fn gaps(policy: &Policy, under: &[String], full: bool, span: Span) -> Vec<(CompletionItem, Span)> {
    let text = &policy.statute.text;
    crate::coverage::subsections(policy)
        .into_iter()
        .filter(|s| s.status == Status::Missing)
        .filter_map(|s| {
            let path = &text.get(s.id).path;
            if under.is_empty() {
                // At the top: every gap by its full path, or the top-level ones.
                if !full && path.len() != 1 {
                    return None;
                }
            } else if path.len() != under.len() + 1 || !path.starts_with(under) {
                return None;
            }
            let shown = if full || under.is_empty() {
                StatuteText::display_path(path)
            } else {
                StatuteText::display_path(&path[under.len()..])
            };
            Some((gap_item(policy, s.id, &shown), span))
        })
        .collect()
}

fn gap_item(policy: &Policy, id: SubsectionId, shown: &str) -> CompletionItem {
    let text = &policy.statute.text;
    let mut item = item(shown, CompletionItemKind::REFERENCE);
    item.detail = Some(format!(
        "{}: not encoded or marked",
        policy.cite_string(&text.get(id).path)
    ));
    item.documentation = Some(markdown(format!("> {}", text.sentence(id))));
    item.filter_text = Some(shown.to_string());
    item
}

/// The provisions of the policy, for `overrides`.
fn provisions(policy: &Policy, span: Span) -> Vec<(CompletionItem, Span)> {
    policy
        .nodes
        .iter()
        .filter(|n| n.marker.is_none())
        .map(|n| {
            let shown = StatuteText::display_path(&n.cite.path);
            let mut item = item(&shown, CompletionItemKind::REFERENCE);
            item.detail = n.title.clone();
            item.filter_text = Some(shown.clone());
            (item, span)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    fn fact_before(text: &str) -> Option<String> {
        member_context(&context(text).unwrap().recent)
    }

    #[test]
    fn members_fit_after_is_one_of_contains_and_equals() {
        assert_eq!(fact_before("  when data is "), Some("data".into()));
        assert_eq!(fact_before("  when data is not ss"), Some("data".into()));
        assert_eq!(
            fact_before("when x and data is one of [ssn, "),
            Some("data".into())
        );
        assert_eq!(
            fact_before("when p.q is one of [\n  a,\n  b"),
            Some("p.q".into())
        );
        assert_eq!(
            fact_before("when programs contains "),
            Some("programs".into())
        );
        assert_eq!(fact_before("  data = "), Some("data".into()));
        assert_eq!(fact_before("  when x == "), None);
        assert_eq!(fact_before("  when data "), None);
    }

    #[test]
    fn no_completion_in_strings_or_comments() {
        assert!(context("title \"Elec").is_none());
        assert!(context("// a comm").is_none());
        assert!(context("title \"x\" ").is_some());
    }

    #[test]
    fn blocks_give_the_enclosing_provision() {
        let cx = context("provision (3) \"T\" {\n  (h) \"x\" {\n    rule {\n  ").unwrap();
        assert_eq!(cx.provision, vec!["3".to_string(), "h".to_string()]);
        let cx = context("provision (3) {\n (a) {\n }\n ").unwrap();
        assert_eq!(cx.provision, vec!["3".to_string()]);
        let cx = context("provision (3) {\n}\n").unwrap();
        assert!(cx.provision.is_empty());
    }
}
