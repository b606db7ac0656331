//! The words of a policy text and what each is, as the one grammar parses them: the
//! keywords, operators, names, cites, strings and numbers are the leaves of the pest parse
//! tree, the comments what the one scanner ([`super::trivia`]) finds between them. An
//! editor colours a file from these ([`crate::lsp`]'s semantic tokens); nothing else tells
//! a keyword from a name.

use super::{trivia, Grammar, Rule};
use crate::ast::SiblingKind;
use crate::source::Span;
use pest::iterators::Pair;
use pest::Parser as _;

/// What a word of a policy text is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TokenKind {
    /// A word of the language (`provision`, `when`, `prohibited`, `and`, `true` …).
    Keyword,
    /// A comparison (`>=`, `<`).
    Operator,
    /// A name: a fact, a definition or a member (the syntax does not tell which).
    Name,
    /// A provision's label or a local cite (`(3)(a)`, `710.6(B)`).
    Cite,
    /// A string literal, quotes included.
    String,
    /// A number or a date.
    Number,
    /// A `// …` comment.
    Comment,
}

/// A word and what it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    /// Where it is.
    pub span: Span,
    /// What it is.
    pub kind: TokenKind,
}

/// The tokens of a policy file (`kind` `None`) or a sibling file, in order; `None` when
/// the text does not parse.
pub fn tokens(text: &str, kind: Option<SiblingKind>) -> Option<Vec<Token>> {
    let rule = match kind {
        None => Rule::file,
        Some(SiblingKind::Terms) => Rule::terms_file,
        Some(SiblingKind::Tests) => Rule::tests_file,
    };
    super::raise_call_limit(text.len());
    if super::first_too_deep(text).is_some() {
        return None;
    }
    let pairs = Grammar::parse(rule, text).ok()?;
    let mut out = Vec::new();
    for pair in pairs {
        walk(pair, &mut out);
    }
    out.extend(
        trivia::Trivia::scan(text)
            .comments
            .into_iter()
            .map(|c| Token {
                span: Span::new(c.start, c.end),
                kind: TokenKind::Comment,
            }),
    );
    out.sort_by_key(|t| t.span.start);
    Some(out)
}

fn walk(pair: Pair<'_, Rule>, out: &mut Vec<Token>) {
    let kind = match pair.as_rule() {
        Rule::string => Some(TokenKind::String),
        Rule::number | Rule::date => Some(TokenKind::Number),
        Rule::ident | Rule::path => Some(TokenKind::Name),
        Rule::op_cmp | Rule::op_bound => Some(TokenKind::Operator),
        Rule::boolean | Rule::outcome | Rule::op_and | Rule::op_or | Rule::op_not => {
            Some(TokenKind::Keyword)
        }
        Rule::label | Rule::local_cite => Some(TokenKind::Cite),
        rule if format!("{rule:?}").starts_with("kw_") => Some(TokenKind::Keyword),
        _ => None,
    };
    match kind {
        Some(kind) => {
            let s = pair.as_span();
            out.push(Token {
                span: Span::new(s.start(), s.end()),
                kind,
            });
        }
        None => {
            for inner in pair.into_inner() {
                walk(inner, out);
            }
        }
    }
}
