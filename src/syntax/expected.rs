//! Converting pest errors into diagnostics that say, in words, what was expected.

use super::Rule;
use crate::diagnostic::{code, Diagnostic};
use crate::source::Span;
use pest::error::{Error, ErrorVariant, InputLocation};

/// Converts a pest error on `text` (which starts at `offset` in the file) into an `S001`
/// (or `S002` when the parser's limits were reached) diagnostic.
pub(super) fn convert(error: &Error<Rule>, text: &str, offset: usize) -> Diagnostic {
    let pos = match error.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((s, _)) => s,
    };
    let mut pos = pos.min(text.len());
    // pest reports a failed item at its start, but may have read further into it: point
    // where reading stopped, and name only what could have come there.
    let attempts = error.parse_attempts();
    let further = attempts
        .as_ref()
        .map(|a| a.max_position)
        .filter(|&max| max > pos && max <= text.len() && text.is_char_boundary(max))
        // Only where punctuation was expected: past a token's end pest also tries blanks.
        .filter(|_| {
            attempts.as_ref().is_some_and(|a| {
                a.expected_tokens().iter().any(|t| {
                    let t = t.to_string();
                    t.len() == 1 && "{}()[]:=,|".contains(t.as_str())
                })
            })
        });
    if let Some(max) = further {
        pos = max;
    }
    let (found, width) = found_at(text, pos);
    let at = Span::new(offset + pos, offset + pos + width);
    if let ErrorVariant::CustomError { message } = &error.variant {
        if message.contains("limit") {
            return Diagnostic::new(
                &code::parser_limit,
                "the policy is too deeply nested or too large to parse",
                at,
            )
            .label("the parser stopped here")
            .help("split the file or reduce the nesting of parentheses");
        }
    }
    let mut words: Vec<String> = Vec::new();
    if let (ErrorVariant::ParsingError { positives, .. }, None) = (&error.variant, further) {
        for rule in positives {
            if let Some(w) = describe(*rule) {
                push_unique(&mut words, w.to_string());
            }
        }
    }
    if let Some(attempts) = attempts {
        for token in attempts.expected_tokens() {
            // Punctuation only; the rule names already say the rest in words.
            let token = token.to_string();
            if token.len() == 1 && "{}()[]:=,|".contains(token.as_str()) {
                push_unique(&mut words, format!("`{token}`"));
            }
        }
    }
    let message = if words.is_empty() {
        format!("unexpected {found}")
    } else {
        format!("expected {}, found {found}", join_or(&words))
    };
    Diagnostic::new(&code::syntax_error, message, at)
        .label("here")
        .help(help_for(&words))
}

fn push_unique(words: &mut Vec<String>, word: String) {
    if !words.contains(&word) {
        words.push(word);
    }
}

/// What stands at `pos`, in words, and how many bytes to underline.
fn found_at(text: &str, pos: usize) -> (String, usize) {
    let rest = text.get(pos..).unwrap_or("");
    let Some(first) = rest.chars().next() else {
        return ("the end of the file".to_string(), 0);
    };
    if first.is_alphanumeric() || first == '_' {
        let word: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '.')
            .collect();
        let len = word.len();
        (format!("`{word}`"), len)
    } else if first == '"' {
        let line = rest[1..].split('\n').next().unwrap_or("");
        let mut closed = false;
        let mut chars = line.chars();
        while let Some(c) = chars.next() {
            match c {
                '\\' => {
                    chars.next();
                }
                '"' => {
                    closed = true;
                    break;
                }
                _ => {}
            }
        }
        let what = if closed {
            "a string"
        } else {
            "a string that is not closed on its line"
        };
        (what.to_string(), 1)
    } else if first == '\n' || first == '\r' {
        ("the end of the line".to_string(), 1)
    } else {
        (format!("`{first}`"), first.len_utf8())
    }
}

fn join_or(words: &[String]) -> String {
    const MAX: usize = 10;
    let words: Vec<&str> = words.iter().take(MAX).map(String::as_str).collect();
    match words.as_slice() {
        [] => String::new(),
        [one] => one.to_string(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

fn help_for(words: &[String]) -> String {
    let any = |w: &str| words.iter().any(|x| x.contains(w));
    if any("a value") {
        "write a value such as `ssn`, `true`, `1` or `\"text\"` after the operator".to_string()
    } else if any("a condition") {
        "a condition names a fact, e.g. `data is ssn` or `customer.usage_amw >= 1`".to_string()
    } else if any("subsection label") || any("`}`") {
        "a provision holds `when …`, an effect (`required`, `permitted`, `prohibited`), \
         `overrides …`, `obligation \"…\"`, `reading \"…\"` and nested subsections such as \
         `(a) when …`, and ends with `}`"
            .to_string()
    } else if any("a cite") {
        "cites are written like `(3)(a)`, `710.6(B)(5)` or, for another instrument, `\"OAR 860-086-0010(6)\"`".to_string()
    } else if any("a type") {
        "types are `bool`, `number`, `date`, `text`, `a | b | c` or `set of a | b`".to_string()
    } else {
        "see docs/language.md for the syntax of each construct".to_string()
    }
}

/// A rule named in words, or `None` for rules that only make noise in a message.
pub(super) fn describe(rule: Rule) -> Option<&'static str> {
    Some(match rule {
        Rule::EOI => "the end of the file",
        Rule::ident => "a name",
        Rule::path => "a fact name",
        Rule::string => "a string in quotes",
        Rule::date => "a date",
        Rule::number => "a number",
        Rule::boolean => "`true` or `false`",
        Rule::literal => "a value",
        Rule::set_literal => "`[`",
        Rule::header => "the header `policy \"…\" { … }`",
        Rule::kw_policy => "`policy`",
        Rule::kw_title => "`title`",
        Rule::kw_jurisdiction => "`jurisdiction`",
        Rule::kw_text => "`text`",
        Rule::kw_refers => "`refers`",
        Rule::kw_effective => "`effective`",
        Rule::kw_current_through => "`current_through`",
        Rule::vocabulary | Rule::kw_vocabulary => "`vocabulary`",
        Rule::terms | Rule::kw_terms => "`terms`",
        Rule::term => "a term in quotes",
        Rule::kw_means => "`means`",
        Rule::kw_this_policy => "`this policy`",
        Rule::fact => "a fact declaration",
        Rule::bool_type | Rule::number_type | Rule::date_type | Rule::text_type => "a type",
        Rule::set_type | Rule::enum_type => "a type",
        Rule::member => "a name",
        Rule::member_label => "a label in quotes",
        Rule::fact_default => "`=`",
        Rule::bound | Rule::op_bound => "a bound such as `>= 0`",
        Rule::definition | Rule::kw_define => "`define`",
        Rule::kw_cites => "`cites`",
        Rule::expr => "a condition",
        Rule::op_and => "`and`",
        Rule::op_or => "`or`",
        Rule::op_not => "`not`",
        Rule::predicate => "a condition",
        Rule::comparison => "a comparison",
        Rule::membership => "`is`",
        Rule::containment => "`contains`",
        Rule::op_cmp => "a comparison operator",
        Rule::kw_is => "`is`",
        Rule::kw_contains => "`contains`",
        Rule::one_of | Rule::kw_one => "`one of`",
        Rule::provision | Rule::kw_provision => "`provision`",
        Rule::label | Rule::paren_label | Rule::section_label => "a subsection label such as `(a)`",
        Rule::provision_block => "`{`",
        Rule::condition | Rule::kw_when => "`when`",
        Rule::kw_unless => "`unless`",
        Rule::effect => "an effect (`required`, `permitted`, `prohibited`, `out of scope`)",
        Rule::kw_required => "`required`",
        Rule::kw_permitted => "`permitted`",
        Rule::kw_prohibited => "`prohibited`",
        Rule::kw_out_of_scope => "`out of scope`",
        Rule::only_if | Rule::kw_only_if => "`only if`",
        Rule::overrides | Rule::kw_overrides => "`overrides`",
        Rule::obligation | Rule::kw_obligation => "`obligation`",
        Rule::reading | Rule::kw_reading => "`reading`",
        Rule::subsection => "a subsection label such as `(a)`",
        Rule::own_rule | Rule::kw_rule => "`rule`",
        Rule::subsection_marker => "`not encoded`",
        Rule::marker | Rule::kw_not_encoded => "`not encoded`",
        Rule::kw_not_available => "`not available`",
        Rule::cite | Rule::local_cite => "a cite such as `(3)(a)`",
        Rule::background | Rule::kw_background => "`background`",
        Rule::test | Rule::kw_test => "`test`",
        Rule::given => "a fact name",
        Rule::expectation | Rule::kw_expect => "`expect`",
        Rule::outcome => "an outcome (`required`, `permitted`, `prohibited`, `not_addressed`, `undetermined`, `conflict`)",
        Rule::expected_cites => "`cites`",
        Rule::expected_obligations | Rule::kw_obligations => "`obligations`",
        Rule::expected_depends | Rule::kw_depends_on => "`depends on`",
        Rule::expected_explanation | Rule::kw_explanation => "`explanation`",
        _ => return None,
    })
}
