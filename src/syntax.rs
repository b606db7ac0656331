//! Parsing: policy text → [`ast::File`], with our own syntax errors.
//!
//! pest reports one error at a time, naming grammar rules. We convert each error into a
//! [`Diagnostic`] that says in words what was expected, and resume at the next item so one
//! file reports every broken provision. Lowering has one function per grammar rule, named
//! like the rule.

use crate::ast::*;
use crate::diagnostic::{code, Diagnostic};
use crate::source::{SourceFile, Span};
use pest::iterators::Pair;
use pest::Parser as _;
use std::num::NonZeroUsize;
use std::sync::{Mutex, PoisonError};

mod expected;
mod expr;
mod tokens;
pub(crate) mod trivia;
mod words;

pub use tokens::{tokens, Token, TokenKind};
use trivia::Piece;
use words::is_ident_char;
pub use words::RESERVED;

/// The parser generated from `grammar/juris.pest` (its `Rule` enum names every rule).
#[allow(missing_docs)]
mod generated {
    /// The pest parser generated from `grammar/juris.pest`.
    #[derive(pest_derive::Parser)]
    #[grammar = "../grammar/juris.pest"]
    pub struct Grammar;
}
pub use generated::{Grammar, Rule};

/// How many rule calls per byte of input one parse may make before it gives up (hostile
/// input). Real policies make about 2 (the Oregon policy: 72,000 calls for 44 kB); the
/// generated 10,000-provision policy of the scale benchmark about 7.
const CALLS_PER_BYTE: usize = 64;
/// The work limit of a small file.
const MIN_CALL_LIMIT: usize = 5_000_000;

/// Makes pest's call limit at least what a file of `len` bytes may use.
///
/// The limit is one process-wide setting of pest, read when a parse starts. It is only ever
/// raised, under a lock, so that a parse on another thread never sees it lowered beneath its
/// own need; a later small file may then get more work than it needs, never less.
fn raise_call_limit(len: usize) {
    static LIMIT: Mutex<usize> = Mutex::new(0);
    let need = len.saturating_mul(CALLS_PER_BYTE).max(MIN_CALL_LIMIT);
    let mut limit = LIMIT.lock().unwrap_or_else(PoisonError::into_inner);
    if need > *limit {
        pest::set_call_limit(NonZeroUsize::new(need));
        *limit = need;
    }
}

/// How deeply a condition may nest — parentheses, `not`s and chained `and` / `or` all
/// count — so that hostile input is refused (`S002`) before the parser, the checker or the
/// evaluator recurse that deep: each recurses once per level.
pub(crate) const MAX_NESTING: usize = 256;

/// How deeply `{ … }` blocks may nest (a provision's subsections within subsections, a
/// test's blocks), refused (`S002`) before the parser and every later stage recurse once per
/// level. Statutes nest four or five levels; the policy's own blocks add one or two.
pub(crate) const MAX_BLOCK_NESTING: usize = 64;

/// The `S002` for a condition nested deeper than [`MAX_NESTING`].
pub(crate) fn too_deep(at: Span) -> Diagnostic {
    Diagnostic::new(
        &code::parser_limit,
        format!("this condition nests more than {MAX_NESTING} levels deep"),
        at,
    )
    .label("too deep here")
    .help("split the condition into definitions or subsections")
}

/// The `S002` for a block nested deeper than [`MAX_BLOCK_NESTING`].
fn block_too_deep(at: Span) -> Diagnostic {
    Diagnostic::new(
        &code::parser_limit,
        format!("this block nests more than {MAX_BLOCK_NESTING} levels deep"),
        at,
    )
    .label("too deep here")
    .help("subsections nest as the statute's do; write deeper levels as sibling provisions")
}

/// The `S002` for the first `(` or `[` nested more than [`MAX_NESTING`] deep, or `{` nested
/// more than [`MAX_BLOCK_NESTING`] deep, outside strings and comments.
fn first_too_deep(text: &str) -> Option<Diagnostic> {
    let (mut brackets, mut blocks) = (0usize, 0usize);
    trivia::pieces(text, 0).find_map(|piece| match piece {
        Piece::Code(at, b'(' | b'[') => {
            brackets += 1;
            (brackets > MAX_NESTING).then(|| too_deep(Span::new(at, at + 1)))
        }
        Piece::Code(_, b')' | b']') => {
            brackets = brackets.saturating_sub(1);
            None
        }
        Piece::Code(at, b'{') => {
            blocks += 1;
            (blocks > MAX_BLOCK_NESTING).then(|| block_too_deep(Span::new(at, at + 1)))
        }
        Piece::Code(_, b'}') => {
            blocks = blocks.saturating_sub(1);
            None
        }
        _ => None,
    })
}

/// Parses a policy file with the pest grammar. On syntax errors, returns every error found
/// (parsing resumes at the next item after each).
pub fn parse(source: &SourceFile) -> Result<File, Vec<Diagnostic>> {
    let file = parse_as(source, Rule::file, Rule::recovery)?;
    lower_file(file).map_err(|d| vec![d])
}

/// Parses a sibling file of a policy (`NAME.terms.juris`, `NAME.tests.juris`), which holds
/// only the items of its kind. On syntax errors, returns every error found.
pub fn parse_sibling(source: &SourceFile, kind: SiblingKind) -> Result<Sibling, Vec<Diagnostic>> {
    let rule = match kind {
        SiblingKind::Terms => Rule::terms_file,
        SiblingKind::Tests => Rule::tests_file,
    };
    // Each rule takes any run of its items, so it resumes after an error too.
    let pair = parse_as(source, rule, rule).map_err(|diagnostics| {
        // Something of the policy file's in a sibling: say what the sibling holds.
        let holds = match kind {
            SiblingKind::Terms => "a terms file holds the policy's `terms { … }` block only",
            SiblingKind::Tests => {
                "a tests file holds the policy's `background { … }` and `test`s only"
            }
        };
        diagnostics
            .into_iter()
            .map(|d| {
                if d.message.contains("the end of the file,") {
                    d.help(format!("{holds}; the rest stays in the policy file"))
                } else {
                    d
                }
            })
            .collect::<Vec<_>>()
    })?;
    let mut items = Vec::new();
    for p in pair.into_inner() {
        if let Some(item) = lower_item(p).map_err(|d| vec![d])? {
            items.push(item);
        }
    }
    Ok(Sibling { kind, items })
}

/// After the syntax `errors` of [`parse`]: the file without the items they are in, so that
/// the checker can report the rest of the file in the same run. `None` when the header, the
/// vocabulary or a definition is broken — every other item reads what they declare, and
/// checking without them would report names as unknown that are not.
///
/// Each broken item, from its first line to the next item's, is blanked (newlines kept, so
/// every span stays where it was) and the text is parsed again with the one grammar.
pub fn parse_without_broken(source: &SourceFile, errors: &[Diagnostic]) -> Option<File> {
    let text = source.text();
    let mut starts = Vec::new();
    let mut at = 0;
    while let Some(start) = next_item_start(text, at) {
        starts.push(start);
        at = start;
    }
    let mut blanked = text.as_bytes().to_vec();
    for error in errors {
        if error.code.code != code::syntax_error.code {
            return None;
        }
        let pos = error.span().start as usize;
        let i = starts.iter().rposition(|&s| s <= pos)?;
        let (from, to) = (starts[i], starts.get(i + 1).copied().unwrap_or(text.len()));
        let opener = &text[from..];
        if opener.starts_with("vocabulary") || opener.starts_with("define") {
            return None;
        }
        for b in &mut blanked[from..to] {
            if *b != b'\n' && *b != b'\r' {
                *b = b' ';
            }
        }
    }
    let blanked = String::from_utf8(blanked).ok()?;
    let mut pairs = Grammar::parse(Rule::file, &blanked).ok()?;
    lower_file(pairs.next()?).ok()
}

/// Parses `source` as `rule`; on syntax errors, resumes at each following item with
/// `resume` to report every error.
fn parse_as(
    source: &SourceFile,
    rule: Rule,
    resume: Rule,
) -> Result<Pair<'_, Rule>, Vec<Diagnostic>> {
    let text = source.text();
    raise_call_limit(text.len());
    if let Some(diagnostic) = first_too_deep(text) {
        return Err(vec![diagnostic]);
    }
    // pest tracks every parse attempt for "expected …" in words. The setting is one for the
    // whole process and is set once, never toggled: a parse on another thread cannot lose
    // its detail halfway.
    static DETAIL: std::sync::Once = std::sync::Once::new();
    DETAIL.call_once(|| pest::set_error_detail(true));
    match Grammar::parse(rule, text) {
        Ok(mut pairs) => pairs.next().ok_or_else(|| {
            vec![Diagnostic::new(
                &code::syntax_error,
                "the file is empty",
                Span::new(0, 0),
            )]
        }),
        Err(error) => {
            let first = expected::convert(&error, text, 0);
            let after = first.span().end as usize;
            let mut diagnostics = vec![first];
            recover(text, after, resume, &mut diagnostics);
            Err(diagnostics)
        }
    }
}

/// Whether `word` is a word of the language (one of [`RESERVED`], the grammar's
/// `reserved`). None of them can be a name (the first segment of a fact's name, a member, a
/// definition). The grammar refuses them where a condition or a value is expected; [`name`]
/// refuses them everywhere else.
pub fn is_reserved(word: &str) -> bool {
    RESERVED.contains(&word)
}

/// Resumes parsing after an error at each following item start with `rule` (which takes
/// any run of items), collecting further errors.
fn recover(text: &str, mut after: usize, rule: Rule, diagnostics: &mut Vec<Diagnostic>) {
    const MAX_ERRORS: usize = 50;
    while diagnostics.len() < MAX_ERRORS {
        let Some(start) = next_item_start(text, after) else {
            return;
        };
        let rest = text.get(start..).unwrap_or("");
        match Grammar::parse(rule, rest) {
            Ok(_) => return,
            Err(error) => {
                let diagnostic = expected::convert(&error, rest, start);
                after = (diagnostic.span().end as usize).max(start + 1);
                diagnostics.push(diagnostic);
            }
        }
    }
}

/// The byte offset of the next line after `offset` that starts (at column 0) with a
/// keyword that opens an item.
fn next_item_start(text: &str, offset: usize) -> Option<usize> {
    const OPENERS: [&str; 8] = [
        "provision",
        "define",
        "test",
        "not encoded",
        "not available",
        "vocabulary",
        "terms",
        "background",
    ];
    let first = trivia::line_end(text, offset) + 1;
    let opens_item = |pos: usize| {
        let line = text.get(pos..).unwrap_or("");
        OPENERS
            .iter()
            .any(|o| line.starts_with(o) && !line[o.len()..].starts_with(is_ident_char))
    };
    if first <= text.len() && opens_item(first) {
        return Some(first);
    }
    trivia::pieces(text, first.min(text.len())).find_map(|piece| match piece {
        Piece::Code(at, b'\n') if opens_item(at + 1) => Some(at + 1),
        _ => None,
    })
}

/// The span of a pair, without the blanks and comments pest lets trail inside it.
fn span(pair: &Pair<Rule>) -> Span {
    let s = pair.as_span();
    let text = pair.as_str();
    // Most pairs end in a token. Trailing trivia is one maximal run of blanks and comments,
    // and a comment in it is followed by the newline that ends it — so a pair that does not
    // end in a blank ends in a token, unless it runs to the end of the input.
    if text
        .as_bytes()
        .last()
        .is_some_and(|b| !b.is_ascii_whitespace())
        && s.end() < pair.get_input().len()
    {
        return Span::new(s.start(), s.end());
    }
    let mut end = text.len();
    loop {
        let trimmed = text[..end].trim_end();
        end = trimmed.len();
        // A trailing line comment (a `//` outside strings): cut back to where it starts.
        let line_start = trimmed.rfind('\n').map_or(0, |n| n + 1);
        match trivia::comment_start(&trimmed[line_start..]) {
            Some(c) => end = line_start + c,
            None => break,
        }
    }
    Span::new(s.start(), s.start() + end)
}

fn spanned_str(pair: &Pair<Rule>) -> Spanned<String> {
    Spanned::new(pair.as_str().to_string(), span(pair))
}

/// Lowers an `ident` or a `path`, refusing a reserved word (see [`is_reserved`]).
fn name(pair: &Pair<Rule>) -> Lowered<Spanned<String>> {
    let text = pair.as_str();
    let first = text.split('.').next().unwrap_or_default();
    if is_reserved(first) {
        let start = pair.as_span().start();
        return Err(Diagnostic::new(
            &code::syntax_error,
            format!("`{first}` is a word of the language, not a name"),
            Span::new(start, start + first.len()),
        )
        .label("reserved word")
        .help(format!(
            "rename it, e.g. `{first}_`: the words of the language are listed under \
             Vocabulary in docs/language.md"
        )));
    }
    Ok(spanned_str(pair))
}

/// An internal error: the grammar produced a tree the lowering did not expect. This is a
/// bug, reported as a syntax error rather than a panic.
fn malformed(at: Span, what: &str) -> Diagnostic {
    Diagnostic::new(
        &code::syntax_error,
        format!("internal error: malformed {what} (please report this)"),
        at,
    )
}

type Lowered<T> = Result<T, Diagnostic>;

fn lower_file(pair: Pair<Rule>) -> Lowered<File> {
    let at = span(&pair);
    let mut header = None;
    let mut items = Vec::new();
    for p in pair.into_inner() {
        if p.as_rule() == Rule::header {
            header = Some(lower_header(p)?);
        } else if let Some(item) = lower_item(p)? {
            items.push(item);
        }
    }
    let header = header.ok_or_else(|| malformed(at, "file"))?;
    Ok(File { header, items })
}

/// Lowers an `item`; `None` for what is not one (the end of input).
fn lower_item(pair: Pair<Rule>) -> Lowered<Option<Item>> {
    Ok(Some(match pair.as_rule() {
        Rule::vocabulary => Item::Vocabulary(lower_vocabulary(pair)?),
        Rule::terms => Item::Terms(lower_terms(pair)?),
        Rule::definition => Item::Definition(lower_definition(pair)?),
        Rule::provision => Item::Provision(lower_provision(pair)?),
        Rule::marker => Item::Marker(lower_marker(pair)?),
        Rule::background => Item::Background(lower_background(pair)?),
        Rule::test => Item::Test(lower_test(pair)?),
        _ => return Ok(None),
    }))
}

fn lower_string(pair: Pair<Rule>) -> Spanned<String> {
    let at = span(&pair);
    let quoted = pair.as_str();
    let raw = quoted
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .unwrap_or(quoted);
    if !raw.contains('\\') {
        return Spanned::new(raw.to_string(), at);
    }
    let mut value = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => value.push('\n'),
                Some(other) => value.push(other),
                None => {}
            }
        } else {
            value.push(c);
        }
    }
    Spanned::new(value, at)
}

fn lower_header(pair: Pair<Rule>) -> Lowered<Header> {
    let at = span(&pair);
    let mut citation = None;
    let mut fields = Vec::new();
    for p in pair.into_inner() {
        match p.as_rule() {
            Rule::string => citation = Some(lower_string(p)),
            Rule::title_field => fields.push(HeaderField::Title(last_string(p, at)?)),
            Rule::jurisdiction_field => fields.push(HeaderField::Jurisdiction(last_string(p, at)?)),
            Rule::text_field => fields.push(HeaderField::Text(last_string(p, at)?)),
            Rule::refers_field => {
                let mut strings = p.into_inner().filter(|q| q.as_rule() == Rule::string);
                let citation = strings.next().map(lower_string);
                let text = strings.next().map(lower_string);
                match (citation, text) {
                    (Some(citation), Some(text)) => {
                        fields.push(HeaderField::Refers { citation, text })
                    }
                    _ => return Err(malformed(at, "refers")),
                }
            }
            Rule::effective_field => fields.push(HeaderField::Effective(last_date(p, at)?)),
            Rule::current_through_field => {
                fields.push(HeaderField::CurrentThrough(last_date(p, at)?))
            }
            _ => {}
        }
    }
    let citation = citation.ok_or_else(|| malformed(at, "header"))?;
    Ok(Header {
        citation,
        fields,
        span: at,
    })
}

fn last_string(pair: Pair<Rule>, at: Span) -> Lowered<Spanned<String>> {
    pair.into_inner()
        .filter(|p| p.as_rule() == Rule::string)
        .last()
        .map(lower_string)
        .ok_or_else(|| malformed(at, "string field"))
}

fn last_date(pair: Pair<Rule>, at: Span) -> Lowered<Spanned<String>> {
    let p = pair
        .into_inner()
        .find(|p| p.as_rule() == Rule::date)
        .ok_or_else(|| malformed(at, "date field"))?;
    let value = spanned_str(&p);
    check_date(&value.value, value.span)?;
    Ok(value)
}

/// Checks that a `YYYY-MM-DD` string is a real calendar date.
fn check_date(text: &str, at: Span) -> Lowered<()> {
    if crate::value::parse_date(text).is_some() {
        Ok(())
    } else {
        Err(Diagnostic::new(
            &code::invalid_literal,
            format!("`{text}` is not a calendar date"),
            at,
        )
        .label("no such day")
        .help("dates are written YYYY-MM-DD, e.g. `2012-08-24`"))
    }
}

fn lower_vocabulary(pair: Pair<Rule>) -> Lowered<Vocabulary> {
    let at = span(&pair);
    let facts = pair
        .into_inner()
        .filter(|p| p.as_rule() == Rule::fact)
        .map(lower_fact)
        .collect::<Lowered<Vec<_>>>()?;
    Ok(Vocabulary { facts, span: at })
}

fn lower_fact(pair: Pair<Rule>) -> Lowered<Fact> {
    let at = span(&pair);
    let mut name = None;
    let mut ty = None;
    let mut bounds = Vec::new();
    let mut default = None;
    let mut meaning = None;
    for p in pair.into_inner() {
        match p.as_rule() {
            Rule::path => name = Some(self::name(&p)?),
            Rule::bool_type => ty = Some(FactType::Bool(span(&p))),
            Rule::number_type | Rule::date_type => {
                // The type's span is its keyword's: the bounds are kept apart.
                let mut inner = p.clone().into_inner();
                let keyword = inner.next().map_or_else(|| span(&p), |k| span(&k));
                for b in inner.filter(|q| q.as_rule() == Rule::bound) {
                    bounds.push(lower_bound(b)?);
                }
                ty = Some(if p.as_rule() == Rule::number_type {
                    FactType::Number(keyword)
                } else {
                    FactType::Date(keyword)
                });
            }
            Rule::text_type => ty = Some(FactType::Text(span(&p))),
            Rule::enum_type => ty = Some(FactType::Enum(lower_members(p.clone())?, span(&p))),
            Rule::set_type => {
                let s = span(&p);
                let members = p
                    .into_inner()
                    .find(|q| q.as_rule() == Rule::enum_type)
                    .map(lower_members)
                    .transpose()?
                    .unwrap_or_default();
                ty = Some(FactType::Set(members, s));
            }
            Rule::fact_default => {
                let value = p
                    .into_inner()
                    .next()
                    .ok_or_else(|| malformed(at, "default"))?;
                default = Some(lower_value(value)?);
            }
            Rule::string => meaning = Some(lower_string(p)),
            _ => {}
        }
    }
    match (name, ty, meaning) {
        (Some(name), Some(ty), Some(meaning)) => Ok(Fact {
            name,
            ty,
            bounds,
            default,
            meaning,
            span: at,
        }),
        _ => Err(malformed(at, "fact")),
    }
}

/// Lowers a `bound`: `>= 0`.
fn lower_bound(pair: Pair<Rule>) -> Lowered<Bound> {
    let at = span(&pair);
    let mut op = None;
    let mut value = None;
    for p in pair.into_inner() {
        match p.as_rule() {
            Rule::op_bound => {
                op = match p.as_str() {
                    ">=" => Some(CompareOp::Ge),
                    ">" => Some(CompareOp::Gt),
                    "<=" => Some(CompareOp::Le),
                    "<" => Some(CompareOp::Lt),
                    _ => None,
                }
            }
            _ => value = Some(lower_value(p)?),
        }
    }
    match (op, value) {
        (Some(op), Some(value)) => Ok(Bound {
            op,
            value,
            span: at,
        }),
        _ => Err(malformed(at, "bound")),
    }
}

/// Lowers an `enum_type`: its members, each with its label if written.
fn lower_members(pair: Pair<Rule>) -> Lowered<Vec<Member>> {
    pair.into_inner()
        .filter(|p| p.as_rule() == Rule::member)
        .map(lower_member)
        .collect()
}

/// Lowers a `member`: `investor_owned "an investor-owned utility"`.
fn lower_member(pair: Pair<Rule>) -> Lowered<Member> {
    let at = span(&pair);
    let mut name = None;
    let mut label = None;
    for p in pair.into_inner() {
        match p.as_rule() {
            Rule::ident => name = Some(self::name(&p)?),
            Rule::member_label => label = p.into_inner().next().map(lower_string),
            _ => {}
        }
    }
    let name = name.ok_or_else(|| malformed(at, "member"))?;
    Ok(Member {
        name,
        label,
        span: at,
    })
}

/// Lowers the members of a `set_literal`.
fn lower_set_members(pair: Pair<Rule>) -> Lowered<Vec<Spanned<String>>> {
    pair.into_inner()
        .filter(|p| p.as_rule() == Rule::ident)
        .map(|p| name(&p))
        .collect()
}

/// Lowers a `literal` or a `set_literal`.
fn lower_value(pair: Pair<Rule>) -> Lowered<Value> {
    let at = span(&pair);
    match pair.as_rule() {
        Rule::set_literal => Ok(Value::Set(lower_set_members(pair)?, at)),
        Rule::literal => {
            let inner = pair
                .into_inner()
                .next()
                .ok_or_else(|| malformed(at, "value"))?;
            lower_value(inner)
        }
        Rule::date => {
            check_date(pair.as_str(), at)?;
            Ok(Value::Date(pair.as_str().to_string(), at))
        }
        Rule::number => match pair.as_str().parse::<f64>() {
            Ok(n) if n.is_finite() => Ok(Value::Number(n, at)),
            _ => Err(Diagnostic::new(
                &code::invalid_literal,
                format!("`{}` is not a finite number", pair.as_str()),
                at,
            )
            .label("too large")
            .help("write a smaller number")),
        },
        Rule::boolean => Ok(Value::Bool(pair.as_str() == "true", at)),
        Rule::string => {
            let s = lower_string(pair);
            Ok(Value::Text(s.value, s.span))
        }
        Rule::ident => Ok(Value::Name(name(&pair)?.value, at)),
        _ => Err(malformed(at, "value")),
    }
}

fn lower_terms(pair: Pair<Rule>) -> Lowered<Terms> {
    let at = span(&pair);
    let mut terms = Vec::new();
    for term in pair.into_inner().filter(|p| p.as_rule() == Rule::term) {
        let term_at = span(&term);
        let mut phrases = Vec::new();
        let mut meaning = None;
        for p in term.into_inner() {
            match p.as_rule() {
                Rule::string => phrases.push(lower_string(p)),
                Rule::expr => meaning = Some(expr::lower_expr(p)?),
                _ => {}
            }
        }
        terms.push(Term {
            phrases,
            meaning,
            span: term_at,
        });
    }
    Ok(Terms { terms, span: at })
}

fn lower_definition(pair: Pair<Rule>) -> Lowered<Definition> {
    let at = span(&pair);
    let mut name = None;
    let mut body = None;
    let mut cite = None;
    let mut meaning = None;
    let mut readings = Vec::new();
    for p in pair.into_inner() {
        match p.as_rule() {
            Rule::ident => name = Some(self::name(&p)?),
            Rule::expr => body = Some(expr::lower_expr(p)?),
            Rule::cite => cite = Some(lower_cite(p)?),
            Rule::string => meaning = Some(lower_string(p)),
            Rule::reading => readings.push(lower_reading(p)?),
            _ => {}
        }
    }
    match (name, body, cite) {
        (Some(name), Some(expr), Some(cite)) => Ok(Definition {
            name,
            expr,
            cite,
            meaning,
            readings,
            span: at,
        }),
        _ => Err(malformed(at, "definition")),
    }
}

/// Lowers a `cite`.
pub(crate) fn lower_cite(pair: Pair<Rule>) -> Lowered<Cite> {
    let at = span(&pair);
    for p in pair.into_inner() {
        match p.as_rule() {
            Rule::string => {
                let s = lower_string(p);
                return Ok(Cite::External(s.value, at));
            }
            Rule::local_cite => {
                let mut segments = Vec::new();
                for q in p.into_inner() {
                    match q.as_rule() {
                        Rule::section_number => {
                            segments.push(crate::statute::section_key(q.as_str()))
                        }
                        Rule::paren_label => segments.push(label_key(q)),
                        _ => {}
                    }
                }
                return Ok(Cite::Local(segments, at));
            }
            _ => {}
        }
    }
    Err(malformed(at, "cite"))
}

fn label_key(paren_label: Pair<Rule>) -> String {
    paren_label
        .into_inner()
        .next()
        .map(|k| k.as_str().to_string())
        .unwrap_or_default()
}

fn lower_label(pair: Pair<Rule>) -> Lowered<Label> {
    let at = span(&pair);
    let inner = pair
        .into_inner()
        .next()
        .ok_or_else(|| malformed(at, "label"))?;
    let key = match inner.as_rule() {
        Rule::paren_label => label_key(inner),
        Rule::section_label => inner
            .into_inner()
            .find(|p| p.as_rule() == Rule::section_number)
            .map(|p| crate::statute::section_key(p.as_str()))
            .unwrap_or_default(),
        _ => return Err(malformed(at, "label")),
    };
    Ok(Label { key, span: at })
}

fn lower_provision(pair: Pair<Rule>) -> Lowered<Provision> {
    let at = span(&pair);
    let mut label = None;
    let mut title = None;
    let mut clauses = Vec::new();
    let mut marker = None;
    for p in pair.into_inner() {
        match p.as_rule() {
            Rule::label => label = Some(lower_label(p)?),
            Rule::string => title = Some(lower_string(p)),
            Rule::provision_block | Rule::subsection_inline => {
                for clause in p.into_inner() {
                    clauses.push(lower_clause(clause)?);
                }
            }
            Rule::subsection_marker => marker = Some(lower_subsection_marker(p)?),
            _ => {}
        }
    }
    let label = label.ok_or_else(|| malformed(at, "provision"))?;
    Ok(Provision {
        label,
        title,
        clauses,
        marker,
        span: at,
    })
}

fn lower_subsection_marker(pair: Pair<Rule>) -> Lowered<(MarkerKind, Spanned<String>)> {
    let at = span(&pair);
    let mut kind = None;
    let mut reason = None;
    for p in pair.into_inner() {
        match p.as_rule() {
            Rule::kw_not_encoded => kind = Some(MarkerKind::NotEncoded),
            Rule::kw_not_available => kind = Some(MarkerKind::NotAvailable),
            Rule::string => reason = Some(lower_string(p)),
            _ => {}
        }
    }
    kind.zip(reason).ok_or_else(|| malformed(at, "marker"))
}

fn lower_clause(pair: Pair<Rule>) -> Lowered<Clause> {
    let at = span(&pair);
    match pair.as_rule() {
        Rule::condition => Ok(Clause::Condition(lower_condition(pair)?)),
        Rule::effect => {
            let mut kind = None;
            let mut only_if = None;
            for p in pair.into_inner() {
                match p.as_rule() {
                    Rule::kw_required => kind = Some(EffectKind::Required),
                    Rule::kw_permitted => kind = Some(EffectKind::Permitted),
                    Rule::kw_prohibited => kind = Some(EffectKind::Prohibited),
                    Rule::kw_out_of_scope => kind = Some(EffectKind::OutOfScope),
                    Rule::only_if => {
                        let e = p
                            .into_inner()
                            .find(|q| q.as_rule() == Rule::expr)
                            .ok_or_else(|| malformed(at, "only if"))?;
                        only_if = Some(expr::lower_expr(e)?);
                    }
                    _ => {}
                }
            }
            let kind = kind.ok_or_else(|| malformed(at, "effect"))?;
            Ok(Clause::Effect(Effect {
                kind,
                only_if,
                span: at,
            }))
        }
        Rule::overrides => {
            let cites = pair
                .into_inner()
                .filter(|p| p.as_rule() == Rule::cite)
                .map(lower_cite)
                .collect::<Lowered<Vec<_>>>()?;
            Ok(Clause::Overrides(cites, at))
        }
        Rule::obligation => {
            let mut text = None;
            let mut when = None;
            let mut cite = None;
            for p in pair.into_inner() {
                match p.as_rule() {
                    Rule::string => text = Some(lower_string(p)),
                    Rule::condition => when = Some(lower_condition(p)?),
                    Rule::cite => cite = Some(lower_cite(p)?),
                    _ => {}
                }
            }
            let text = text.ok_or_else(|| malformed(at, "obligation"))?;
            Ok(Clause::Obligation(Obligation {
                text,
                when,
                cite,
                span: at,
            }))
        }
        Rule::reading => Ok(Clause::Reading(lower_reading(pair)?)),
        Rule::subsection => Ok(Clause::Subsection(lower_provision(pair)?)),
        Rule::own_rule => {
            let mut sentence = None;
            let mut clauses = Vec::new();
            for p in pair.into_inner() {
                match p.as_rule() {
                    Rule::kw_rule => {}
                    Rule::string => sentence = Some(lower_string(p)),
                    _ => clauses.push(lower_clause(p)?),
                }
            }
            Ok(Clause::Rule(OwnRule {
                sentence,
                clauses,
                span: at,
            }))
        }
        _ => Err(malformed(at, "clause")),
    }
}

/// Lowers a `reading`: `reading "…"`.
fn lower_reading(pair: Pair<Rule>) -> Lowered<Reading> {
    let at = span(&pair);
    let text = pair
        .into_inner()
        .find(|p| p.as_rule() == Rule::string)
        .map(lower_string)
        .ok_or_else(|| malformed(at, "reading"))?;
    Ok(Reading { text, span: at })
}

fn lower_condition(pair: Pair<Rule>) -> Lowered<Condition> {
    let at = span(&pair);
    let mut unless = false;
    let mut body = None;
    for p in pair.into_inner() {
        match p.as_rule() {
            Rule::kw_unless => unless = true,
            Rule::expr => body = Some(expr::lower_expr(p)?),
            _ => {}
        }
    }
    let expr = body.ok_or_else(|| malformed(at, "condition"))?;
    Ok(Condition {
        unless,
        expr,
        span: at,
    })
}

fn lower_marker(pair: Pair<Rule>) -> Lowered<Marker> {
    let at = span(&pair);
    let mut kind = None;
    let mut cite = None;
    let mut reason = None;
    for p in pair.into_inner() {
        match p.as_rule() {
            Rule::kw_not_encoded => kind = Some(MarkerKind::NotEncoded),
            Rule::kw_not_available => kind = Some(MarkerKind::NotAvailable),
            Rule::cite => cite = Some(lower_cite(p)?),
            Rule::string => reason = Some(lower_string(p)),
            _ => {}
        }
    }
    match (kind, cite, reason) {
        (Some(kind), Some(cite), Some(reason)) => Ok(Marker {
            kind,
            cite,
            reason,
            span: at,
        }),
        _ => Err(malformed(at, "marker")),
    }
}

/// Lowers a `given`: `customer.usage_amw = 0.3`.
fn lower_given(pair: Pair<Rule>) -> Lowered<(Spanned<String>, Value)> {
    let at = span(&pair);
    let mut inner = pair.into_inner();
    let fact = inner
        .next()
        .map(|q| name(&q))
        .ok_or_else(|| malformed(at, "given"))??;
    let value = inner.next().ok_or_else(|| malformed(at, "given"))?;
    Ok((fact, lower_value(value)?))
}

/// Lowers a `background`: `background { fact = value … }`.
fn lower_background(pair: Pair<Rule>) -> Lowered<Background> {
    let at = span(&pair);
    let given = pair
        .into_inner()
        .filter(|p| p.as_rule() == Rule::given)
        .map(lower_given)
        .collect::<Lowered<Vec<_>>>()?;
    Ok(Background { given, span: at })
}

fn lower_test(pair: Pair<Rule>) -> Lowered<Test> {
    let at = span(&pair);
    let mut name = None;
    let mut given = Vec::new();
    let mut expect = None;
    for p in pair.into_inner() {
        match p.as_rule() {
            Rule::string => name = Some(lower_string(p)),
            Rule::given => given.push(lower_given(p)?),
            Rule::expectation => expect = Some(lower_expectation(p)?),
            _ => {}
        }
    }
    match (name, expect) {
        (Some(name), Some(expect)) => Ok(Test {
            name,
            given,
            expect,
            span: at,
        }),
        _ => Err(malformed(at, "test")),
    }
}

fn lower_expectation(pair: Pair<Rule>) -> Lowered<Expectation> {
    let at = span(&pair);
    let mut outcome = None;
    let mut cites = None;
    let mut obligations = None;
    let mut depends_on = None;
    let mut explanation = None;
    let cite_list = |p: Pair<Rule>| {
        p.into_inner()
            .filter(|q| q.as_rule() == Rule::cite)
            .map(lower_cite)
            .collect::<Lowered<Vec<_>>>()
    };
    for p in pair.into_inner() {
        match p.as_rule() {
            Rule::outcome => outcome = Some(spanned_str(&p)),
            Rule::expected_cites => cites = Some(cite_list(p)?),
            Rule::expected_obligations => obligations = Some(cite_list(p)?),
            Rule::expected_explanation => {
                explanation = p
                    .into_inner()
                    .find(|q| q.as_rule() == Rule::string)
                    .map(lower_string);
            }
            Rule::expected_depends => {
                depends_on = Some(
                    p.into_inner()
                        .filter(|q| q.as_rule() == Rule::path)
                        .map(|q| name(&q))
                        .collect::<Lowered<Vec<_>>>()?,
                )
            }
            _ => {}
        }
    }
    let outcome = outcome.ok_or_else(|| malformed(at, "expectation"))?;
    Ok(Expectation {
        outcome,
        cites,
        obligations,
        depends_on,
        explanation,
        span: at,
    })
}

#[cfg(test)]
mod tests;
