//! The words of the language: the one table of reserved words, which the lowering refuses
//! as names. The grammar's `reserved` rule and the list in `docs/language.md` say the same
//! words; a test below holds the three together.

/// The reserved words, in the order the grammar's `reserved` rule lists them. None of them
/// can be a name (nor the first segment of a dotted one).
pub const RESERVED: [&str; 21] = [
    "and",
    "or",
    "not",
    "is",
    "when",
    "unless",
    "cites",
    "overrides",
    "obligation",
    "required",
    "permitted",
    "prohibited",
    "true",
    "false",
    "provision",
    "define",
    "test",
    "expect",
    "contains",
    "only",
    "background",
];

/// Whether `c` may continue a name (the grammar's `ident_char`); a keyword must not be
/// followed by one.
pub(crate) fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::RESERVED;

    /// The words quoted in `text`, in order (`"and" | "or"` or `` `and`, `or` ``).
    fn quoted(text: &str, quote: char) -> Vec<&str> {
        text.split(quote).skip(1).step_by(2).collect()
    }

    #[test]
    fn the_grammar_reserves_the_same_words() {
        let grammar = include_str!("../../grammar/juris.pest");
        let rule = grammar
            .split("\nreserved = _{")
            .nth(1)
            .and_then(|rest| rest.split("~ !ident_char").next())
            .expect("the grammar has a `reserved` rule");
        assert_eq!(quoted(rule, '"'), RESERVED);
    }

    #[test]
    fn the_language_reference_lists_the_same_words() {
        let docs = include_str!("../../docs/language.md");
        let list = docs
            .split("The words of the language cannot be names")
            .nth(1)
            .and_then(|rest| rest.split("Other keywords").next())
            .expect("docs/language.md lists the reserved words");
        assert_eq!(quoted(list, '`'), RESERVED);
    }

    /// Every reserved word is one that the syntax errors can name ("expected `and` …").
    #[test]
    fn syntax_errors_name_every_reserved_word() {
        let words: Vec<&str> = super::super::Rule::all_rules()
            .iter()
            .filter_map(|rule| super::super::expected::describe(*rule))
            .collect();
        for word in RESERVED {
            let quoted = format!("`{word}");
            assert!(
                words.iter().any(|w| w.contains(&quoted)),
                "no rule of the grammar is described as {quoted}`"
            );
        }
    }
}
