//! The fast reader: a hand-written reading of `grammar/juris.pest`, for speed only.
//!
//! pest's parser is the definition of the language and the source of every syntax
//! diagnostic. It pays a call-limit check and a stack probe at each of its ≈ 70,000 rule
//! calls on the Oregon policy, so loading that policy through pest alone took longer than
//! the whole load may (1 ms, issue 5). This reader reads the same grammar in one pass over
//! the bytes and builds the same [`File`], spans included.
//!
//! It never decides anything pest would not: it returns `None` whenever it is not sure —
//! a syntax error, a word of the language used as a name, a date or number the lowering
//! would refuse, nesting deeper than it reads — and [`super::parse`] then runs pest, which
//! reports the error or reads the file itself. So its one obligation is: when it returns a
//! file, pest reads the same text to the same file. `tests::reader_agrees_with_pest` and
//! the proptests in `tests/it/properties.rs` hold it to that, on every policy we have and
//! on random mutations of them.
//!
//! When the grammar changes, change the reader with it, rule for rule. A construct the
//! reader does not know only makes it give up (pest then reads the file, slower); a rule
//! whose meaning changed is caught by those tests wherever a policy or fixture uses it.
//!
//! Each function below reads the grammar rule it is named after, as an ordered choice
//! (PEG): an alternative that fails restores the position and the next is tried.
//! Trivia (`WHITESPACE`: blanks and `//` comments) is skipped before every token, which is
//! where pest's implicit whitespace falls in non-atomic rules.

use super::MAX_NESTING;
use crate::ast::*;
use crate::source::Span;

/// How deeply provisions may nest here; deeper files go to pest, which guards its stack.
const MAX_PROVISION_DEPTH: usize = 64;

/// Reads a whole file, or returns `None` for pest to read it.
pub(super) fn read(text: &str) -> Option<File> {
    let mut reader = Reader {
        text,
        bytes: text.as_bytes(),
        pos: 0,
        end: 0,
        refused: 0,
        too_deep: false,
        provision_depth: 0,
        paren_depth: 0,
    };
    let file = reader.file()?;
    (reader.refused == 0 && !reader.too_deep).then_some(file)
}

/// The reading position: `pos` is where the next token may start (before trivia), `end`
/// where the last token read ended (the end of a rule's span, which excludes the trivia
/// after it), `refused` how many things read so far pest's lowering would refuse.
#[derive(Clone, Copy)]
struct Mark {
    pos: usize,
    end: usize,
    refused: usize,
}

struct Reader<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    end: usize,
    /// Things read that the grammar accepts and pest's lowering refuses: a word of the
    /// language as a name, a date that is no calendar day, a number too large, a condition
    /// nested too deep. Like pest, the reader goes on; unlike the position, a count undone
    /// with the alternative that read it, so that only what the file finally is counts.
    refused: usize,
    /// Provisions or parentheses nested deeper than this reader goes: pest reads the file
    /// (and guards its stack).
    too_deep: bool,
    provision_depth: usize,
    paren_depth: usize,
}

fn is_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_'
}

fn is_ident_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

impl<'a> Reader<'a> {
    // ------------------------------------------------------------------ positions

    fn mark(&self) -> Mark {
        Mark {
            pos: self.pos,
            end: self.end,
            refused: self.refused,
        }
    }

    fn reset(&mut self, mark: Mark) {
        self.pos = mark.pos;
        self.end = mark.end;
        self.refused = mark.refused;
    }

    /// The rest of the text from `at` (empty past the end).
    fn rest(&self, at: usize) -> &'a str {
        self.text.get(at..).unwrap_or("")
    }

    /// Runs `f`; if it fails, restores the position (a PEG alternative).
    fn attempt<T>(&mut self, f: impl FnOnce(&mut Self) -> Option<T>) -> Option<T> {
        let mark = self.mark();
        let result = f(self);
        if result.is_none() {
            self.reset(mark);
        }
        result
    }

    /// `WHITESPACE`: blanks and `//` comments.
    fn skip(&mut self) {
        while let Some(&b) = self.bytes.get(self.pos) {
            match b {
                b' ' | b'\n' | b'\t' | b'\r' => self.pos += 1,
                b'/' if self.bytes.get(self.pos + 1) == Some(&b'/') => {
                    let rest = self.rest(self.pos);
                    self.pos += rest.find('\n').unwrap_or(rest.len());
                }
                _ => return,
            }
        }
    }

    /// Skips trivia and returns where the next token starts.
    fn start(&mut self) -> usize {
        self.skip();
        self.pos
    }

    /// The span from `start` to the end of the last token read.
    fn span_from(&self, start: usize) -> Span {
        Span::new(start, self.end)
    }

    /// `item ~ (sep ~ item)*`
    fn list<T>(
        &mut self,
        sep: &str,
        mut item: impl FnMut(&mut Self) -> Option<T>,
    ) -> Option<Vec<T>> {
        let mut items = vec![item(self)?];
        while let Some(next) = self.attempt(|r| {
            r.punct(sep)?;
            item(r)
        }) {
            items.push(next);
        }
        Some(items)
    }

    /// `item*`
    fn repeat<T>(&mut self, mut item: impl FnMut(&mut Self) -> Option<T>) -> Vec<T> {
        let mut items = Vec::new();
        while let Some(next) = self.attempt(&mut item) {
            items.push(next);
        }
        items
    }

    /// `"{" ~ item* ~ "}"`
    fn braced<T>(&mut self, item: impl FnMut(&mut Self) -> Option<T>) -> Option<Vec<T>> {
        self.punct("{")?;
        let items = self.repeat(item);
        self.punct("}")?;
        Some(items)
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    /// Accepts a token of punctuation, e.g. `{`.
    fn punct(&mut self, token: &str) -> Option<()> {
        self.skip();
        if self.rest(self.pos).starts_with(token) {
            self.pos += token.len();
            self.end = self.pos;
            Some(())
        } else {
            None
        }
    }

    /// Whether `word` is at the current position, not followed by a name character.
    fn word_at(&self, at: usize, word: &str) -> bool {
        self.rest(at).starts_with(word)
            && !self
                .bytes
                .get(at + word.len())
                .copied()
                .is_some_and(is_ident_char)
    }

    /// A keyword, `kw_* = @{ "word" ~ !ident_char }`.
    fn keyword(&mut self, word: &str) -> Option<Span> {
        let start = self.start();
        if self.word_at(start, word) {
            self.pos += word.len();
            self.end = self.pos;
            Some(Span::new(start, self.pos))
        } else {
            None
        }
    }

    /// A two-word keyword such as `out of scope`: words apart by spaces or tabs only.
    fn keywords(&mut self, words: &[&str]) -> Option<Span> {
        let start = self.start();
        let mut at = start;
        for (i, word) in words.iter().enumerate() {
            if i > 0 {
                let blanks = self.bytes[at..]
                    .iter()
                    .take_while(|&&b| b == b' ' || b == b'\t')
                    .count();
                if blanks == 0 {
                    return None;
                }
                at += blanks;
            }
            if !self.rest(at).starts_with(word) {
                return None;
            }
            at += word.len();
        }
        if self.bytes.get(at).copied().is_some_and(is_ident_char) {
            return None;
        }
        self.pos = at;
        self.end = at;
        Some(Span::new(start, at))
    }

    /// `reserved`: a word of the language at the next token.
    fn at_reserved(&mut self) -> bool {
        let start = self.start();
        let len = self.bytes[start..]
            .iter()
            .take_while(|&&b| is_ident_char(b))
            .count();
        super::is_reserved(&self.text[start..start + len])
    }

    // ------------------------------------------------------------------ literals and names

    /// `ident`, as a name. A word of the language is read, and counted as refused (pest's
    /// lowering reports it).
    fn ident(&mut self) -> Option<Spanned<String>> {
        let start = self.start();
        if !self.peek().is_some_and(is_ident_start) {
            return None;
        }
        let len = self.bytes[start..]
            .iter()
            .take_while(|&&b| is_ident_char(b))
            .count();
        let word = &self.text[start..start + len];
        if super::is_reserved(word) {
            self.refused += 1;
        }
        self.pos = start + len;
        self.end = self.pos;
        Some(Spanned::new(word.to_string(), Span::new(start, self.pos)))
    }

    /// `path`: `ident`s joined by dots, as a name (a word of the language as its first
    /// segment is counted as refused).
    fn path(&mut self) -> Option<Spanned<String>> {
        let start = self.start();
        let mut at = start;
        loop {
            if !self.bytes.get(at).copied().is_some_and(is_ident_start) {
                if at == start {
                    return None;
                }
                // A dot not followed by a name is not part of the path.
                at -= 1;
                break;
            }
            at += self.bytes[at..]
                .iter()
                .take_while(|&&b| is_ident_char(b))
                .count();
            if self.bytes.get(at) == Some(&b'.') {
                at += 1;
            } else {
                break;
            }
        }
        let text = &self.text[start..at];
        if super::is_reserved(text.split('.').next().unwrap_or_default()) {
            self.refused += 1;
        }
        self.pos = at;
        self.end = at;
        Some(Spanned::new(text.to_string(), Span::new(start, at)))
    }

    /// `string`, unescaped.
    fn string(&mut self) -> Option<Spanned<String>> {
        let start = self.start();
        if self.peek() != Some(b'"') {
            return None;
        }
        let mut at = start + 1;
        let mut escaped = false;
        loop {
            match self.bytes.get(at)? {
                b'"' => break,
                b'\n' => return None,
                b'\\' => match self.bytes.get(at + 1)? {
                    b'"' | b'\\' | b'n' => {
                        escaped = true;
                        at += 2;
                    }
                    _ => return None,
                },
                _ => at += 1,
            }
        }
        let raw = &self.text[start + 1..at];
        self.pos = at + 1;
        self.end = self.pos;
        let value = if escaped {
            let mut value = String::with_capacity(raw.len());
            let mut chars = raw.chars();
            while let Some(c) = chars.next() {
                match (c, c == '\\') {
                    (_, true) => match chars.next() {
                        Some('n') => value.push('\n'),
                        Some(other) => value.push(other),
                        None => {}
                    },
                    (c, false) => value.push(c),
                }
            }
            value
        } else {
            raw.to_string()
        };
        Some(Spanned::new(value, Span::new(start, self.pos)))
    }

    /// `date`; one that is no calendar day is counted as refused.
    fn date(&mut self) -> Option<Spanned<String>> {
        let start = self.start();
        let b = self.bytes.get(start..start + 10)?;
        let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
        if !(digits(0..4) && b[4] == b'-' && digits(5..7) && b[7] == b'-' && digits(8..10))
            || self
                .bytes
                .get(start + 10)
                .copied()
                .is_some_and(is_ident_char)
        {
            return None;
        }
        let text = &self.text[start..start + 10];
        if crate::value::parse_date(text).is_none() {
            self.refused += 1;
        }
        self.pos = start + 10;
        self.end = self.pos;
        Some(Spanned::new(text.to_string(), Span::new(start, self.pos)))
    }

    /// `number`; one too large to be finite is counted as refused.
    fn number(&mut self) -> Option<(f64, Span)> {
        let start = self.start();
        let digits = |at: usize| {
            self.bytes[at..]
                .iter()
                .take_while(|b| b.is_ascii_digit())
                .count()
        };
        let mut at = start + usize::from(self.peek() == Some(b'-'));
        let whole = digits(at);
        if whole == 0 {
            return None;
        }
        at += whole;
        if self.bytes.get(at) == Some(&b'.') {
            let fraction = digits(at + 1);
            if fraction > 0 {
                at += 1 + fraction;
            }
        }
        if self.bytes.get(at).copied().is_some_and(is_ident_char) {
            return None;
        }
        let n: f64 = self.text[start..at].parse().unwrap_or(f64::INFINITY);
        if !n.is_finite() {
            self.refused += 1;
        }
        self.pos = at;
        self.end = at;
        Some((n, Span::new(start, at)))
    }

    /// `literal = { boolean | !reserved ~ ident | string | date | number }`
    fn literal(&mut self) -> Option<Value> {
        for (word, value) in [("true", true), ("false", false)] {
            if let Some(at) = self.keyword(word) {
                return Some(Value::Bool(value, at));
            }
        }
        if self.peek().is_some_and(is_ident_start) {
            // `!reserved ~ ident`: a word of the language fails here, and no other
            // alternative starts with a letter.
            if self.at_reserved() {
                return None;
            }
            return self.ident().map(|n| Value::Name(n.value, n.span));
        }
        if let Some(s) = self.string() {
            return Some(Value::Text(s.value, s.span));
        }
        if let Some(d) = self.date() {
            return Some(Value::Date(d.value, d.span));
        }
        self.number().map(|(n, at)| Value::Number(n, at))
    }

    /// `set_literal = { "[" ~ (ident ~ ("," ~ ident)* ~ ","?)? ~ "]" }`
    fn set_literal(&mut self) -> Option<Value> {
        let start = self.start();
        self.punct("[")?;
        let members = self
            .attempt(|r| {
                let members = r.list(",", Self::ident)?;
                r.attempt(|r| r.punct(","));
                Some(members)
            })
            .unwrap_or_default();
        self.punct("]")?;
        Some(Value::Set(members, self.span_from(start)))
    }

    /// `set_literal | literal`
    fn value(&mut self) -> Option<Value> {
        self.attempt(Self::set_literal)
            .or_else(|| self.attempt(Self::literal))
    }

    // ------------------------------------------------------------------ the file

    /// `file = { SOI ~ header ~ item* ~ EOI }`
    fn file(&mut self) -> Option<File> {
        let header = self.header()?;
        let items = self.repeat(Self::item);
        self.skip();
        (self.pos == self.bytes.len()).then_some(File { header, items })
    }

    /// `item = _{ vocabulary | terms | definition | provision | marker | test }`
    fn item(&mut self) -> Option<Item> {
        let start = self.start();
        // Each alternative starts with its own keyword: try only the one that can match.
        let word = self.rest(start);
        if word.starts_with("vocabulary") {
            self.vocabulary().map(Item::Vocabulary)
        } else if word.starts_with("terms") {
            self.terms().map(Item::Terms)
        } else if word.starts_with("define") {
            self.definition().map(Item::Definition)
        } else if word.starts_with("provision") {
            self.provision().map(Item::Provision)
        } else if word.starts_with("not") {
            self.marker().map(Item::Marker)
        } else if word.starts_with("test") {
            self.test().map(Item::Test)
        } else {
            None
        }
    }

    // ------------------------------------------------------------------ header

    /// `header = { kw_policy ~ string ~ "{" ~ header_field* ~ "}" }`
    fn header(&mut self) -> Option<Header> {
        let start = self.start();
        self.keyword("policy")?;
        let citation = self.string()?;
        let fields = self.braced(Self::header_field)?;
        Some(Header {
            citation,
            fields,
            span: self.span_from(start),
        })
    }

    /// `header_field`: title, jurisdiction, text, refers, effective, current_through.
    fn header_field(&mut self) -> Option<HeaderField> {
        if self.keyword("title").is_some() {
            return self.string().map(HeaderField::Title);
        }
        if self.keyword("jurisdiction").is_some() {
            return self.string().map(HeaderField::Jurisdiction);
        }
        if self.keyword("text").is_some() {
            return self.string().map(HeaderField::Text);
        }
        if self.keyword("refers").is_some() {
            let citation = self.string()?;
            self.keyword("text")?;
            let text = self.string()?;
            return Some(HeaderField::Refers { citation, text });
        }
        if self.keyword("effective").is_some() {
            return self.date().map(HeaderField::Effective);
        }
        if self.keyword("current_through").is_some() {
            return self.date().map(HeaderField::CurrentThrough);
        }
        None
    }

    // ------------------------------------------------------------------ vocabulary

    /// `vocabulary = { kw_vocabulary ~ "{" ~ fact* ~ "}" }`
    fn vocabulary(&mut self) -> Option<Vocabulary> {
        let start = self.start();
        self.keyword("vocabulary")?;
        let facts = self.braced(Self::fact)?;
        Some(Vocabulary {
            facts,
            span: self.span_from(start),
        })
    }

    /// `fact = { path ~ ":" ~ fact_type ~ fact_default? ~ string }`
    fn fact(&mut self) -> Option<Fact> {
        let start = self.start();
        let name = self.path()?;
        self.punct(":")?;
        let ty = self.fact_type()?;
        let default = self.attempt(|r| {
            r.punct("=")?;
            r.value()
        });
        let meaning = self.string()?;
        Some(Fact {
            name,
            ty,
            default,
            meaning,
            span: self.span_from(start),
        })
    }

    /// `fact_type = _{ bool_type | number_type | date_type | text_type | set_type | enum_type }`
    fn fact_type(&mut self) -> Option<FactType> {
        if let Some(at) = self.keyword("bool") {
            return Some(FactType::Bool(at));
        }
        if let Some(at) = self.keyword("number") {
            return Some(FactType::Number(at));
        }
        if let Some(at) = self.keyword("date") {
            return Some(FactType::Date(at));
        }
        if let Some(at) = self.keyword("text") {
            return Some(FactType::Text(at));
        }
        let set = self.attempt(|r| {
            let start = r.start();
            r.keyword("set")?;
            r.keyword("of")?;
            let (members, _) = r.enum_type()?;
            Some(FactType::Set(members, r.span_from(start)))
        });
        if set.is_some() {
            return set;
        }
        self.enum_type()
            .map(|(members, at)| FactType::Enum(members, at))
    }

    /// `enum_type = { ident ~ ("|" ~ ident)* }`
    fn enum_type(&mut self) -> Option<(Vec<Spanned<String>>, Span)> {
        let start = self.start();
        let members = self.list("|", Self::ident)?;
        Some((members, self.span_from(start)))
    }

    // ------------------------------------------------------------------ terms

    /// `terms = { kw_terms ~ "{" ~ term* ~ "}" }`
    fn terms(&mut self) -> Option<Terms> {
        let start = self.start();
        self.keyword("terms")?;
        let terms = self.braced(Self::term)?;
        Some(Terms {
            terms,
            span: self.span_from(start),
        })
    }

    /// `term = { string ~ ("," ~ string)* ~ kw_means ~ (kw_this_policy | expr) }`
    fn term(&mut self) -> Option<Term> {
        let start = self.start();
        let phrases = self.list(",", Self::string)?;
        self.keyword("means")?;
        let meaning = if self.keywords(&["this", "policy"]).is_some() {
            None
        } else {
            Some(self.condition_expr()?)
        };
        Some(Term {
            phrases,
            meaning,
            span: self.span_from(start),
        })
    }

    // ------------------------------------------------------------------ definitions

    /// `definition = { kw_define ~ ident ~ "=" ~ expr ~ kw_cites ~ cite ~ string? }`
    fn definition(&mut self) -> Option<Definition> {
        let start = self.start();
        self.keyword("define")?;
        let name = self.ident()?;
        self.punct("=")?;
        let expr = self.condition_expr()?;
        self.keyword("cites")?;
        let cite = self.cite()?;
        let meaning = self.attempt(Self::string);
        Some(Definition {
            name,
            expr,
            cite,
            meaning,
            span: self.span_from(start),
        })
    }

    // ------------------------------------------------------------------ expressions

    /// A condition where one is expected (`condition`, `only if`, `define`, `term`). pest's
    /// lowering refuses one nested more than [`MAX_NESTING`] deep, counting as
    /// `src/syntax/expr.rs` counts: each `expr`, and each operator in it.
    fn condition_expr(&mut self) -> Option<Expr> {
        let (e, depth) = self.expr()?;
        if depth > MAX_NESTING {
            self.refused += 1;
        }
        Some(e)
    }

    /// `expr = { prefix_op* ~ operand ~ (infix_op ~ prefix_op* ~ operand)* }`, with the
    /// precedence of `src/syntax/expr.rs`: `not` tightest, then `and`, then `or`, both
    /// left-associative. Also returns how deep it nests, as [`Reader::condition_expr`]
    /// counts.
    fn expr(&mut self) -> Option<(Expr, usize)> {
        let mut operators = 0usize;
        let mut inner_depth = 0usize;
        let nots = self.prefix_ops();
        operators += nots.len();
        let (first, depth) = self.operand()?;
        inner_depth = inner_depth.max(depth);
        // `or` binds loosest: the `and`-runs between `or`s, each folded from the left.
        let mut or_terms: Vec<Expr> = Vec::new();
        let mut current = apply_nots(nots, first);
        while let Some((is_and, nots, (operand, depth))) = self.attempt(|r| {
            let is_and = if r.keyword("and").is_some() {
                true
            } else {
                r.keyword("or")?;
                false
            };
            let nots = r.prefix_ops();
            Some((is_and, nots, r.operand()?))
        }) {
            operators += 1 + nots.len();
            inner_depth = inner_depth.max(depth);
            let rhs = apply_nots(nots, operand);
            if is_and {
                let at = current.span().to(rhs.span());
                current = Expr::And(Box::new(current), Box::new(rhs), at);
            } else {
                or_terms.push(std::mem::replace(&mut current, rhs));
            }
        }
        let mut terms = or_terms.into_iter().chain(std::iter::once(current));
        let mut e = terms.next()?;
        for rhs in terms {
            let at = e.span().to(rhs.span());
            e = Expr::Or(Box::new(e), Box::new(rhs), at);
        }
        Some((e, operators + 1 + inner_depth))
    }

    /// `prefix_op*`: the spans of the `not`s.
    fn prefix_ops(&mut self) -> Vec<Span> {
        let mut nots = Vec::new();
        while let Some(at) = self.keyword("not") {
            nots.push(at);
        }
        nots
    }

    /// `operand = _{ "(" ~ expr ~ ")" | predicate }`, with how deep a parenthesized
    /// condition nests (0 for a predicate).
    fn operand(&mut self) -> Option<(Expr, usize)> {
        let parens = self.attempt(|r| {
            r.punct("(")?;
            // Deeper than this, pest's lowering refuses the condition anyway.
            if r.paren_depth >= MAX_NESTING {
                r.too_deep = true;
                return None;
            }
            r.paren_depth += 1;
            let inside = r.expr();
            r.paren_depth -= 1;
            let inside = inside?;
            r.punct(")")?;
            Some(inside)
        });
        if parens.is_some() {
            return parens;
        }
        self.predicate().map(|e| (e, 0))
    }

    /// `predicate = { !reserved ~ path ~ (comparison | membership | containment)? }`
    fn predicate(&mut self) -> Option<Expr> {
        if self.at_reserved() {
            return None;
        }
        let start = self.start();
        let fact = self.path()?;
        if let Some(e) = self.attempt(|r| {
            let op = r.compare_op()?;
            let value = r.literal()?;
            Some((op, value))
        }) {
            let (op, value) = e;
            return Some(Expr::Compare {
                fact,
                op,
                value,
                span: self.span_from(start),
            });
        }
        if let Some((negated, value)) = self.attempt(Self::membership) {
            return Some(Expr::Is {
                fact,
                negated,
                value,
                span: self.span_from(start),
            });
        }
        if let Some(member) = self.attempt(|r| {
            r.keyword("contains")?;
            r.ident()
        }) {
            return Some(Expr::Contains {
                fact,
                member,
                span: self.span_from(start),
            });
        }
        Some(Expr::Name(fact))
    }

    /// `op_cmp = @{ ">=" | "<=" | "!=" | "==" | ">" | "<" }`
    fn compare_op(&mut self) -> Option<CompareOp> {
        for (token, op) in [
            (">=", CompareOp::Ge),
            ("<=", CompareOp::Le),
            ("!=", CompareOp::Ne),
            ("==", CompareOp::Eq),
            (">", CompareOp::Gt),
            ("<", CompareOp::Lt),
        ] {
            if self.punct(token).is_some() {
                return Some(op);
            }
        }
        None
    }

    /// `membership = { kw_is ~ negation? ~ (one_of | literal) }`
    fn membership(&mut self) -> Option<(bool, Value)> {
        self.keyword("is")?;
        let negated = self.keyword("not").is_some();
        let one_of = self.attempt(|r| {
            r.keyword("one")?;
            r.keyword("of")?;
            r.set_literal()
        });
        let value = match one_of {
            Some(set) => set,
            None => self.literal()?,
        };
        Some((negated, value))
    }

    // ------------------------------------------------------------------ provisions

    /// `provision = { kw_provision ~ label ~ string? ~ provision_block }`
    fn provision(&mut self) -> Option<Provision> {
        let start = self.start();
        self.keyword("provision")?;
        let label = self.label()?;
        let title = self.attempt(Self::string);
        let clauses = self.provision_block()?;
        Some(Provision {
            label,
            title,
            clauses,
            marker: None,
            span: self.span_from(start),
        })
    }

    /// `label = { paren_label | section_label }`
    fn label(&mut self) -> Option<Label> {
        let start = self.start();
        let key = match self.paren_label() {
            Some(key) => key,
            None => {
                if self.rest(self.pos).starts_with('§') {
                    self.pos += '§'.len_utf8();
                    self.end = self.pos;
                    self.skip();
                }
                self.section_number()?
            }
        };
        Some(Label {
            key,
            span: self.span_from(start),
        })
    }

    /// `paren_label = ${ "(" ~ label_key ~ ")" }` at the position (no trivia inside).
    fn paren_label(&mut self) -> Option<String> {
        let at = self.pos;
        if self.bytes.get(at) != Some(&b'(') {
            return None;
        }
        let len = self.bytes[at + 1..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric())
            .count();
        if len == 0 || self.bytes.get(at + 1 + len) != Some(&b')') {
            return None;
        }
        self.pos = at + len + 2;
        self.end = self.pos;
        Some(self.text[at + 1..at + 1 + len].to_string())
    }

    /// `section_number = @{ ASCII_DIGIT+ ~ ("." ~ ASCII_DIGIT+)+ }` at the position.
    fn section_number(&mut self) -> Option<String> {
        let start = self.pos;
        let digits = |at: usize| {
            self.bytes[at..]
                .iter()
                .take_while(|b| b.is_ascii_digit())
                .count()
        };
        let mut at = start + digits(start);
        if at == start {
            return None;
        }
        let mut parts = 0;
        while self.bytes.get(at) == Some(&b'.') && digits(at + 1) > 0 {
            at += 1 + digits(at + 1);
            parts += 1;
        }
        if parts == 0 {
            return None;
        }
        self.pos = at;
        self.end = at;
        Some(self.text[start..at].to_string())
    }

    /// `provision_block = { "{" ~ clause* ~ "}" }`
    fn provision_block(&mut self) -> Option<Vec<Clause>> {
        self.braced(Self::clause)
    }

    /// `clause = _{ condition | effect | overrides | obligation | own_rule | subsection }`
    fn clause(&mut self) -> Option<Clause> {
        if let Some(c) = self.attempt(Self::rule_clause) {
            return Some(c);
        }
        let start = self.start();
        if self.keyword("rule").is_some() {
            let clauses = self.braced(Self::rule_clause)?;
            return Some(Clause::Rule(clauses, self.span_from(start)));
        }
        self.subsection().map(Clause::Subsection)
    }

    /// `condition | effect | overrides | obligation`: what a rule may say. Each starts with
    /// its own keyword, so at most one can match.
    fn rule_clause(&mut self) -> Option<Clause> {
        let start = self.start();
        match self.peek()? {
            b'w' | b'u' => self.condition().map(Clause::Condition),
            b'r' | b'p' | b'o' => {
                if let Some(kind) = self.effect_kind() {
                    let only_if = self.attempt(|r| {
                        r.keywords(&["only", "if"])?;
                        r.condition_expr()
                    });
                    return Some(Clause::Effect(Effect {
                        kind,
                        only_if,
                        span: self.span_from(start),
                    }));
                }
                if self.keyword("overrides").is_some() {
                    let cites = self.list(",", Self::cite)?;
                    return Some(Clause::Overrides(cites, self.span_from(start)));
                }
                if self.keyword("obligation").is_some() {
                    let text = self.string()?;
                    let when = self.attempt(Self::condition);
                    let cite = self.attempt(|r| {
                        r.keyword("cites")?;
                        r.cite()
                    });
                    return Some(Clause::Obligation(Obligation {
                        text,
                        when,
                        cite,
                        span: self.span_from(start),
                    }));
                }
                None
            }
            _ => None,
        }
    }

    /// `kw_required | kw_permitted | kw_prohibited | kw_out_of_scope`
    fn effect_kind(&mut self) -> Option<EffectKind> {
        if self.keyword("required").is_some() {
            Some(EffectKind::Required)
        } else if self.keyword("permitted").is_some() {
            Some(EffectKind::Permitted)
        } else if self.keyword("prohibited").is_some() {
            Some(EffectKind::Prohibited)
        } else {
            self.keywords(&["out", "of", "scope"])
                .map(|_| EffectKind::OutOfScope)
        }
    }

    /// `condition = { (kw_when | kw_unless) ~ expr }`
    fn condition(&mut self) -> Option<Condition> {
        let start = self.start();
        let unless = if self.keyword("when").is_some() {
            false
        } else {
            self.keyword("unless")?;
            true
        };
        let expr = self.condition_expr()?;
        Some(Condition {
            unless,
            expr,
            span: self.span_from(start),
        })
    }

    /// `subsection = { label ~ string? ~ (provision_block | subsection_marker |
    /// subsection_inline) }`
    fn subsection(&mut self) -> Option<Provision> {
        if self.provision_depth >= MAX_PROVISION_DEPTH {
            self.too_deep = true;
            return None;
        }
        let start = self.start();
        let label = self.label()?;
        let title = self.attempt(Self::string);
        self.provision_depth += 1;
        let block = self.attempt(Self::provision_block);
        self.provision_depth -= 1;
        let (clauses, marker) = match block {
            Some(clauses) => (clauses, None),
            None => match self.attempt(Self::subsection_marker) {
                Some(marker) => (Vec::new(), Some(marker)),
                None => (self.repeat(Self::rule_clause), None),
            },
        };
        Some(Provision {
            label,
            title,
            clauses,
            marker,
            span: self.span_from(start),
        })
    }

    /// `subsection_marker = { (kw_not_encoded | kw_not_available) ~ string }`
    fn subsection_marker(&mut self) -> Option<(MarkerKind, Spanned<String>)> {
        let kind = self.marker_kind()?;
        Some((kind, self.string()?))
    }

    /// `kw_not_encoded | kw_not_available`
    fn marker_kind(&mut self) -> Option<MarkerKind> {
        if self.keywords(&["not", "encoded"]).is_some() {
            Some(MarkerKind::NotEncoded)
        } else {
            self.keywords(&["not", "available"])
                .map(|_| MarkerKind::NotAvailable)
        }
    }

    // ------------------------------------------------------------------ markers

    /// `marker = { (kw_not_encoded | kw_not_available) ~ cite ~ string }`
    fn marker(&mut self) -> Option<Marker> {
        let start = self.start();
        let kind = self.marker_kind()?;
        let cite = self.cite()?;
        let reason = self.string()?;
        Some(Marker {
            kind,
            cite,
            reason,
            span: self.span_from(start),
        })
    }

    /// `cite = { string | "§"? ~ local_cite }`, with
    /// `local_cite = ${ (section_number ~ paren_label* | paren_label+) }`
    fn cite(&mut self) -> Option<Cite> {
        let start = self.start();
        if let Some(s) = self.string() {
            return Some(Cite::External(s.value, s.span));
        }
        if self.rest(self.pos).starts_with('§') {
            self.pos += '§'.len_utf8();
            self.end = self.pos;
            self.skip();
        }
        let mut segments = Vec::new();
        if let Some(number) = self.section_number() {
            segments.push(number);
        }
        while let Some(key) = self.paren_label() {
            segments.push(key);
        }
        if segments.is_empty() {
            return None;
        }
        Some(Cite::Local(segments, self.span_from(start)))
    }

    // ------------------------------------------------------------------ tests

    /// `test = { kw_test ~ string ~ "{" ~ given* ~ expectation ~ "}" }`
    fn test(&mut self) -> Option<Test> {
        let start = self.start();
        self.keyword("test")?;
        let name = self.string()?;
        self.punct("{")?;
        let given = self.repeat(|r| {
            let fact = r.path()?;
            r.punct("=")?;
            Some((fact, r.value()?))
        });
        let expect = self.expectation()?;
        self.punct("}")?;
        Some(Test {
            name,
            given,
            expect,
            span: self.span_from(start),
        })
    }

    /// `expectation = { kw_expect ~ outcome ~ expected_cites? ~ expected_obligations? ~
    /// expected_depends? ~ expected_explanation? }`
    fn expectation(&mut self) -> Option<Expectation> {
        let start = self.start();
        self.keyword("expect")?;
        let outcome = [
            "required",
            "permitted",
            "prohibited",
            "not_addressed",
            "undetermined",
            "conflict",
        ]
        .into_iter()
        .find_map(|word| self.keyword(word))
        .map(|at| Spanned::new(self.text[at.range()].to_string(), at))?;
        let cites = self.attempt(|r| {
            r.keyword("cites")?;
            Some(r.attempt(|r| r.list(",", Self::cite)).unwrap_or_default())
        });
        let obligations = self.attempt(|r| {
            r.keyword("obligations")?;
            r.list(",", Self::cite)
        });
        let depends_on = self.attempt(|r| {
            r.keywords(&["depends", "on"])?;
            r.list(",", Self::path)
        });
        let explanation = self.attempt(|r| {
            r.keyword("explanation")?;
            r.string()
        });
        Some(Expectation {
            outcome,
            cites,
            obligations,
            depends_on,
            explanation,
            span: self.span_from(start),
        })
    }
}

/// `not a`, `not not a`: the `not`s read before an operand, applied to it (the last one
/// read binds first).
fn apply_nots(nots: Vec<Span>, mut e: Expr) -> Expr {
    for not in nots.into_iter().rev() {
        let at = not.to(e.span());
        e = Expr::Not(Box::new(e), at);
    }
    e
}
