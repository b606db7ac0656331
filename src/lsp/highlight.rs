//! Semantic tokens: what each word of a file is, for the editor to colour. The words and
//! their syntactic kinds come from the one parser ([`crate::syntax::tokens`]); a name is
//! told apart as a fact, a definition or a member by the occurrences hover and references
//! read ([`super::index`]).

use super::analysis::{Analysis, FileState};
use super::index::{self, Symbol};
use crate::syntax::TokenKind;
use lsp_types::{
    SemanticToken, SemanticTokenModifier, SemanticTokenType, SemanticTokens, SemanticTokensLegend,
};
use std::collections::HashMap;

/// The token types, in the legend's order (a token's type is its index here).
const TYPES: [SemanticTokenType; 9] = [
    SemanticTokenType::KEYWORD,
    SemanticTokenType::OPERATOR,
    // A fact of the vocabulary.
    SemanticTokenType::VARIABLE,
    // A definition: a fact derived from others.
    SemanticTokenType::FUNCTION,
    // A member of an enumeration or set.
    SemanticTokenType::ENUM_MEMBER,
    // A provision's label or a cite: a place in the statute.
    SemanticTokenType::NAMESPACE,
    SemanticTokenType::STRING,
    SemanticTokenType::NUMBER,
    SemanticTokenType::COMMENT,
];

/// The one modifier: where a fact, member, definition or provision is declared.
const DECLARATION: u32 = 1;

/// The legend the server announces.
pub fn legend() -> SemanticTokensLegend {
    SemanticTokensLegend {
        token_types: TYPES.to_vec(),
        token_modifiers: vec![SemanticTokenModifier::DECLARATION],
    }
}

fn type_index(t: &SemanticTokenType) -> u32 {
    TYPES.iter().position(|x| x == t).unwrap_or(0) as u32
}

/// The tokens of a file, as the protocol encodes them (relative positions, UTF-16 lengths);
/// none when it does not parse.
pub fn tokens(analysis: &Analysis, file: &FileState) -> SemanticTokens {
    let text = file.text();
    let Some(words) = crate::syntax::tokens(text, file.kind) else {
        return SemanticTokens::default();
    };
    let symbols: HashMap<u32, (Symbol, bool)> = index::occurrences(analysis)
        .into_iter()
        .filter(|o| o.path == file.path)
        .map(|o| (o.span.start, (o.symbol, o.declaration)))
        .collect();
    let mut data = Vec::with_capacity(words.len());
    let (mut line, mut column) = (0, 0);
    let mut last_end = 0;
    for word in words {
        if word.span.start < last_end {
            continue;
        }
        let symbol = symbols.get(&word.span.start);
        let ty = match (word.kind, symbol.map(|(s, _)| s)) {
            (TokenKind::Keyword, _) => SemanticTokenType::KEYWORD,
            (TokenKind::Operator, _) => SemanticTokenType::OPERATOR,
            (TokenKind::Name, Some(Symbol::Definition(_))) => SemanticTokenType::FUNCTION,
            (TokenKind::Name, Some(Symbol::Member { .. })) => SemanticTokenType::ENUM_MEMBER,
            (TokenKind::Name, _) => SemanticTokenType::VARIABLE,
            (TokenKind::Cite, _) => SemanticTokenType::NAMESPACE,
            (TokenKind::String, _) => SemanticTokenType::STRING,
            (TokenKind::Number, _) => SemanticTokenType::NUMBER,
            (TokenKind::Comment, _) => SemanticTokenType::COMMENT,
        };
        let declared = matches!(word.kind, TokenKind::Name | TokenKind::Cite)
            && symbol.is_some_and(|(_, d)| *d);
        let start = file.lines.position(text, word.span.start as usize);
        let end = file.lines.position(text, word.span.end as usize);
        // A token lies on one line (strings and comments cannot span lines).
        if end.line != start.line || end.character <= start.character {
            continue;
        }
        let delta_line = start.line - line;
        let delta_start = if delta_line == 0 {
            start.character - column
        } else {
            start.character
        };
        data.push(SemanticToken {
            delta_line,
            delta_start,
            length: end.character - start.character,
            token_type: type_index(&ty),
            token_modifiers_bitset: if declared { DECLARATION } else { 0 },
        });
        (line, column) = (start.line, start.character);
        last_end = word.span.end;
    }
    SemanticTokens {
        result_id: None,
        data,
    }
}
