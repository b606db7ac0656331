//! The canonical layout of each construct of a policy file.

use super::expr::{first_operand_end, Ctx};
use super::printer::{width, Blank, Printer};
use super::{quote, WIDTH};
use crate::ast::*;

/// Two-space indentation per block.
const INDENT: usize = 2;

/// A list item: its text and its source span.
type Piece = (String, usize, usize);

fn start(span: crate::source::Span) -> usize {
    span.start as usize
}

fn end(span: crate::source::Span) -> usize {
    span.end as usize
}

impl Printer<'_> {
    /// Prints a whole file.
    pub(super) fn file(&mut self, file: &File) {
        self.header(&file.header);
        self.items(&file.items);
        self.trailing_comments();
    }

    /// Prints a sibling file of a policy: its items, as in the policy file.
    pub(super) fn sibling(&mut self, sibling: &Sibling) {
        self.items(&sibling.items);
        self.trailing_comments();
    }

    fn items(&mut self, items: &[Item]) {
        let mut previous: Option<&Item> = None;
        for item in items {
            // Items are separated by a blank line, but a run of one-line markers may stay
            // together as the author grouped it.
            let blank = match (previous, item) {
                (Some(Item::Marker(_)), Item::Marker(_)) => Blank::Keep,
                _ => Blank::Always,
            };
            match item {
                Item::Vocabulary(v) => self.vocabulary(v, blank),
                Item::Terms(t) => self.terms(t, blank),
                Item::Definition(d) => self.definition(d, blank),
                Item::Provision(p) => self.provision(p, blank),
                Item::Marker(m) => self.marker(m, blank),
                Item::Background(b) => self.background(b, blank),
                Item::Test(t) => self.test(t, blank),
            }
            previous = Some(item);
        }
    }

    // ------------------------------------------------------------------------ names

    /// A label as written: `(3)`, `710.4` or `§ 710.4`.
    fn label(&self, label: &Label) -> String {
        if crate::statute::is_section_key(&label.key) {
            let section = if self
                .slice(start(label.span), end(label.span))
                .starts_with('§')
            {
                "§ "
            } else {
                ""
            };
            format!("{section}{}", crate::statute::section_number(&label.key))
        } else {
            format!("({})", label.key)
        }
    }

    /// A cite as written: `(3)(a)`, `710.6(B)(5)`, `§ 710.6(B)(5)` or `"OAR 860-021-0009(6)"`.
    fn cite(&self, cite: &Cite) -> String {
        match cite {
            Cite::External(s, _) => quote(s),
            Cite::Local(segments, span) => {
                let mut s = String::new();
                if self.slice(start(*span), end(*span)).starts_with('§') {
                    s.push_str("§ ");
                }
                for (i, segment) in segments.iter().enumerate() {
                    if i == 0 && crate::statute::is_section_key(segment) {
                        s.push_str(crate::statute::section_number(segment));
                    } else {
                        s.push('(');
                        s.push_str(segment);
                        s.push(')');
                    }
                }
                s
            }
        }
    }

    fn cites(&self, cites: &[Cite]) -> Vec<Piece> {
        cites
            .iter()
            .map(|c| (self.cite(c), start(c.span()), end(c.span())))
            .collect()
    }

    // ------------------------------------------------------------------------ header

    /// `policy "…" { … }`, its fields in the fixed order; comments travel with their field.
    fn header(&mut self, header: &Header) {
        let h_start = start(header.span);
        let close = self.close_brace(end(header.span));
        let open = self
            .find_brace(self.trivia.string_end(end(header.citation.span)))
            .unwrap_or(close);
        self.leading(h_start, open, 0, Blank::Never);
        self.write(0, "policy ");
        self.push(&quote(&header.citation.value));
        if !self.open_block(Some(open), close, close + 1, header.fields.is_empty()) {
            return;
        }
        struct Line {
            rank: u8,
            text: String,
            before: Vec<(usize, usize)>,
            after: Option<(usize, usize)>,
        }
        let mut lines: Vec<Line> = Vec::new();
        for field in &header.fields {
            let (rank, text, last) = match field {
                HeaderField::Title(s) => (0, format!("title {}", quote(&s.value)), s.span),
                HeaderField::Jurisdiction(s) => {
                    (1, format!("jurisdiction {}", quote(&s.value)), s.span)
                }
                HeaderField::Text(s) => (2, format!("text {}", quote(&s.value)), s.span),
                HeaderField::Refers { citation, text } => (
                    3,
                    format!(
                        "refers {} text {}",
                        quote(&citation.value),
                        quote(&text.value)
                    ),
                    text.span,
                ),
                HeaderField::Effective(d) => (4, format!("effective {}", d.value), d.span),
                HeaderField::CurrentThrough(d) => {
                    (5, format!("current_through {}", d.value), d.span)
                }
            };
            let last = self.trivia.string_end(end(last));
            let mut before = Vec::new();
            for c in self.take_comments_before(last) {
                match lines.last_mut() {
                    Some(previous) if before.is_empty() && previous.after.is_none() && c.2 => {
                        previous.after = Some((c.0, c.1));
                    }
                    None if before.is_empty() && c.2 => {
                        let text = self.slice(c.0, c.1);
                        self.push(" ");
                        self.push(text);
                    }
                    _ => before.push((c.0, c.1)),
                }
            }
            self.reach(last);
            lines.push(Line {
                rank,
                text,
                before,
                after: None,
            });
        }
        let mut before_close = Vec::new();
        for c in self.take_comments_before(close) {
            match lines.last_mut() {
                Some(previous) if before_close.is_empty() && previous.after.is_none() && c.2 => {
                    previous.after = Some((c.0, c.1));
                }
                _ => before_close.push((c.0, c.1)),
            }
        }
        lines.sort_by_key(|l| l.rank);
        for l in &lines {
            for &(s, e) in &l.before {
                let text = self.slice(s, e);
                self.line(INDENT, text);
            }
            self.line(INDENT, &l.text);
            if let Some((s, e)) = l.after {
                let text = self.slice(s, e);
                self.push(" ");
                self.push(text);
            }
        }
        for (s, e) in before_close {
            let text = self.slice(s, e);
            self.line(INDENT, text);
        }
        self.line(0, "}");
        self.reach(close + 1);
    }

    // ------------------------------------------------------------------------ vocabulary

    fn vocabulary(&mut self, v: &Vocabulary, blank: Blank) {
        let close = self.close_brace(end(v.span));
        let open = self.find_brace(start(v.span)).unwrap_or(close);
        self.leading(start(v.span), open, 0, blank);
        self.write(0, "vocabulary");
        if !self.open_block(Some(open), close, close + 1, v.facts.is_empty()) {
            return;
        }
        for (i, fact) in v.facts.iter().enumerate() {
            self.fact(fact, if i == 0 { Blank::Never } else { Blank::Keep });
        }
        self.close_block(close, close + 1, INDENT, 0, false);
    }

    /// `name: type = default "meaning"`; the meaning goes on the next line when the line
    /// would be too long or the type was wrapped.
    fn fact(&mut self, fact: &Fact, blank: Blank) {
        let members = match &fact.ty {
            FactType::Enum(m, _) | FactType::Set(m, _) => Some(m),
            _ => None,
        };
        // The type ends at its last bound, if it has any.
        let ty_end = fact
            .bounds
            .last()
            .map_or(end(fact.ty.span()), |b| end(b.span));
        let head_end = members
            .and_then(|m| m.first())
            .map_or(ty_end, |m| end(m.span));
        self.leading(start(fact.span), head_end, INDENT, blank);
        let lines = self.lines;
        self.write(INDENT, &format!("{}: ", fact.name.value));
        match &fact.ty {
            FactType::Bool(_) => self.push("bool"),
            FactType::Number(_) => self.push("number"),
            FactType::Date(_) => self.push("date"),
            FactType::Text(_) => self.push("text"),
            FactType::Enum(..) | FactType::Set(..) => {
                if matches!(fact.ty, FactType::Set(..)) {
                    self.push("set of ");
                }
                let members = members.map(Vec::as_slice).unwrap_or_default();
                let items: Vec<Piece> = members
                    .iter()
                    .map(|m| {
                        let text = match &m.label {
                            Some(label) => format!("{} {}", m.name.value, quote(&label.value)),
                            None => m.name.value.clone(),
                        };
                        (text, start(m.span), end(m.span))
                    })
                    .collect();
                let align = self.col.saturating_sub(2);
                // The default stays on the line of the last member.
                let tail = fact
                    .default
                    .as_ref()
                    .map_or(0, |d| 3 + width(&self.value(d)));
                // Labelled members read as a list: one per line.
                let one_per_line = members.iter().any(|m| m.label.is_some());
                self.bars(&items, align, tail, one_per_line);
            }
        }
        for bound in &fact.bounds {
            let text = format!(" {} {}", bound.op.as_str(), self.value(&bound.value));
            self.push(&text);
        }
        self.reach(ty_end);
        if let Some(default) = &fact.default {
            let text = format!("= {}", self.value(default));
            let broke = self.gap(start(default.span()), INDENT * 2);
            if broke || !self.fits(1 + width(&text)) {
                self.line(INDENT * 2, &text);
            } else {
                self.push(" ");
                self.push(&text);
            }
            self.reach(end(default.span()));
        }
        let meaning = quote(&fact.meaning.value);
        let broke = self.gap(start(fact.meaning.span), INDENT * 2);
        if broke || self.lines != lines || !self.fits(1 + width(&meaning)) {
            self.line(INDENT * 2, &meaning);
        } else {
            self.push(" ");
            self.push(&meaning);
        }
        self.reach(end(fact.meaning.span));
    }

    // ------------------------------------------------------------------------ terms

    fn terms(&mut self, t: &Terms, blank: Blank) {
        let close = self.close_brace(end(t.span));
        let open = self.find_brace(start(t.span)).unwrap_or(close);
        self.leading(start(t.span), open, 0, blank);
        self.write(0, "terms");
        if !self.open_block(Some(open), close, close + 1, t.terms.is_empty()) {
            return;
        }
        for (i, term) in t.terms.iter().enumerate() {
            self.term(term, if i == 0 { Blank::Never } else { Blank::Keep });
        }
        self.close_block(close, close + 1, INDENT, 0, false);
    }

    /// `"a", "b" means condition`: the phrases fill the lines, `means …` follows where it
    /// fits.
    fn term(&mut self, term: &Term, blank: Blank) {
        let head_end = term.phrases.first().map_or(end(term.span), |p| end(p.span));
        self.leading(start(term.span), head_end, INDENT, blank);
        let phrases: Vec<Piece> = term
            .phrases
            .iter()
            .map(|p| (quote(&p.value), start(p.span), end(p.span)))
            .collect();
        self.write(INDENT, "");
        self.commas(&phrases, INDENT * 2, 0);
        match &term.meaning {
            Some(e) => {
                let broke = self.gap(first_operand_end(e), INDENT * 2);
                let text = format!("means {}", self.flat(e, Ctx::Top));
                if broke || !self.fits(1 + width(&text)) {
                    self.line(INDENT * 2, "means ");
                } else {
                    self.push(" means ");
                }
                self.expr(e, Ctx::Top, INDENT * 3, 0);
            }
            None => {
                let broke = self.gap(end(term.span), INDENT * 2);
                if broke || !self.fits(" means this policy".len()) {
                    self.line(INDENT * 2, "means this policy");
                } else {
                    self.push(" means this policy");
                }
            }
        }
        self.reach(end(term.span));
    }

    // ------------------------------------------------------------------------ definitions

    /// `define name = condition`, then `cites … "meaning"` on the next line.
    fn definition(&mut self, d: &Definition, blank: Blank) {
        self.leading(start(d.span), first_operand_end(&d.expr), 0, blank);
        self.write(0, &format!("define {} =", d.name.value));
        // When not even the first operand fits after the `=`, the condition starts on the
        // next line.
        if self.fits(1 + width(&self.first_operand_flat(&d.expr))) {
            self.push(" ");
        } else {
            self.newline();
            self.write(INDENT * 2, "");
        }
        self.expr(&d.expr, Ctx::Top, INDENT * 2, 0);
        self.gap(start(d.cite.span()), INDENT);
        let cite = format!("cites {}", self.cite(&d.cite));
        self.line(INDENT, &cite);
        self.reach(end(d.cite.span()));
        if let Some(meaning) = &d.meaning {
            let text = quote(&meaning.value);
            let broke = self.gap(start(meaning.span), INDENT * 2);
            if broke || !self.fits(1 + width(&text)) {
                self.line(INDENT * 2, &text);
            } else {
                self.push(" ");
                self.push(&text);
            }
            self.reach(end(meaning.span));
        }
        for r in &d.readings {
            self.reading(r, INDENT, Blank::Never);
        }
    }

    /// `reading "…"` on a line of its own; the text on the next line, further in, when the
    /// line would be too long.
    fn reading(&mut self, r: &Reading, indent: usize, blank: Blank) {
        let r_end = self.trivia.string_end(end(r.span));
        self.leading(start(r.span), r_end, indent, blank);
        self.write(indent, "reading");
        let text = quote(&r.text.value);
        if self.fits(1 + width(&text)) {
            self.push(" ");
            self.push(&text);
        } else {
            self.line(indent + INDENT, &text);
        }
        self.reach(r_end);
    }

    // ------------------------------------------------------------------------ provisions

    fn provision(&mut self, p: &Provision, blank: Blank) {
        let close = self.close_brace(end(p.span));
        let open = self.find_brace(start(p.span)).unwrap_or(close);
        self.leading(start(p.span), open, 0, blank);
        self.write(0, "provision ");
        self.push(&self.head(p));
        self.body(p, Some(open), 0);
    }

    /// `(a)` or `(a) "title"`.
    fn head(&self, p: &Provision) -> String {
        match &p.title {
            Some(t) => format!("{} {}", self.label(&p.label), quote(&t.value)),
            None => self.label(&p.label),
        }
    }

    /// A provision's `{ … }`; `open` is `None` for a subsection written without braces.
    fn body(&mut self, p: &Provision, open: Option<usize>, indent: usize) {
        let (close, close_end) = match open {
            Some(_) => {
                let close = self.close_brace(end(p.span));
                (close, close + 1)
            }
            None => (end(p.span), end(p.span)),
        };
        if !self.open_block(open, close, close_end, p.clauses.is_empty()) {
            return;
        }
        self.clauses(&p.clauses, indent + INDENT);
        self.close_block(close, close_end, indent + INDENT, indent, open.is_none());
    }

    fn clauses(&mut self, clauses: &[Clause], indent: usize) {
        for (i, clause) in clauses.iter().enumerate() {
            let blank = if i == 0 { Blank::Never } else { Blank::Keep };
            match clause {
                Clause::Condition(c) => self.condition(c, indent, blank),
                Clause::Effect(e) => self.effect(e, indent, blank),
                Clause::Overrides(cites, span) => {
                    let first = cites.first().map_or(end(*span), |c| end(c.span()));
                    self.leading(start(*span), first, indent, blank);
                    self.write(indent, "overrides ");
                    let items = self.cites(cites);
                    self.commas(&items, indent + INDENT, 0);
                    self.reach(end(*span));
                }
                Clause::Obligation(o) => self.obligation(o, indent, blank),
                Clause::Reading(r) => self.reading(r, indent, blank),
                Clause::Subsection(p) => {
                    // A subsection written on one line takes every clause after it up to
                    // the next subsection or rule: it may be, only if one of those follows.
                    let one_line = matches!(
                        clauses.get(i + 1),
                        None | Some(Clause::Subsection(_) | Clause::Rule(..))
                    );
                    self.subsection(p, indent, blank, one_line);
                }
                Clause::Rule(rule) => self.rule(rule, indent, blank),
            }
        }
    }

    /// `rule "sentence" { … }`, its head on one line whatever its length: the sentence is
    /// the statute's, which no line break may cut.
    fn rule(&mut self, rule: &OwnRule, indent: usize, blank: Blank) {
        let close = self.close_brace(end(rule.span));
        let after = rule
            .sentence
            .as_ref()
            .map_or(start(rule.span), |s| end(s.span));
        let open = self.find_brace(after).unwrap_or(close);
        self.leading(start(rule.span), open, indent, blank);
        self.write(indent, "rule");
        if let Some(sentence) = &rule.sentence {
            self.push(" ");
            self.push(&quote(&sentence.value));
            self.reach(end(sentence.span));
        }
        if self.open_block(Some(open), close, close + 1, rule.clauses.is_empty()) {
            self.clauses(&rule.clauses, indent + INDENT);
            self.close_block(close, close + 1, indent + INDENT, indent, false);
        }
    }

    fn condition_keyword(c: &Condition) -> &'static str {
        if c.unless {
            "unless"
        } else {
            "when"
        }
    }

    fn condition(&mut self, c: &Condition, indent: usize, blank: Blank) {
        self.leading(start(c.span), first_operand_end(&c.expr), indent, blank);
        self.write(indent, Self::condition_keyword(c));
        self.push(" ");
        self.expr(&c.expr, Ctx::Top, indent + INDENT, 0);
        self.reach(end(c.span));
    }

    fn effect_keyword(kind: EffectKind) -> &'static str {
        match kind {
            EffectKind::Required => "required",
            EffectKind::Permitted => "permitted",
            EffectKind::Prohibited => "prohibited",
            EffectKind::OutOfScope => "out of scope",
        }
    }

    fn effect(&mut self, e: &Effect, indent: usize, blank: Blank) {
        let head_end = e.only_if.as_ref().map_or(end(e.span), first_operand_end);
        self.leading(start(e.span), head_end, indent, blank);
        self.write(indent, Self::effect_keyword(e.kind));
        if let Some(only_if) = &e.only_if {
            self.push(" only if ");
            self.expr(only_if, Ctx::Top, indent + INDENT, 0);
        }
        self.reach(end(e.span));
    }

    /// An obligation on one line, if it can be.
    fn obligation_flat(&self, o: &Obligation) -> String {
        let mut s = format!("obligation {}", quote(&o.text.value));
        if let Some(c) = &o.when {
            s.push_str(&format!(
                " {} {}",
                Self::condition_keyword(c),
                self.flat(&c.expr, Ctx::Top)
            ));
        }
        if let Some(cite) = &o.cite {
            s.push_str(&format!(" cites {}", self.cite(cite)));
        }
        s
    }

    /// `obligation "…" when … cites …`; when too long, `when …` and `cites …` each go on
    /// a line of their own.
    fn obligation(&mut self, o: &Obligation, indent: usize, blank: Blank) {
        self.leading(start(o.span), end(o.text.span), indent, blank);
        let flat = self.obligation_flat(o);
        let o_end = self.trivia.string_end(end(o.span));
        if !self.comment_within(end(o.text.span), o_end) && indent + width(&flat) <= WIDTH {
            self.write(indent, &flat);
            self.reach(o_end);
            return;
        }
        self.write(indent, &format!("obligation {}", quote(&o.text.value)));
        self.reach(end(o.text.span));
        if let Some(c) = &o.when {
            self.gap(first_operand_end(&c.expr), indent + INDENT);
            self.line(indent + INDENT, Self::condition_keyword(c));
            self.push(" ");
            self.expr(&c.expr, Ctx::Top, indent + INDENT * 2, 0);
            self.reach(end(c.span));
        }
        if let Some(cite) = &o.cite {
            self.gap(end(cite.span()), indent + INDENT);
            let text = format!("cites {}", self.cite(cite));
            self.line(indent + INDENT, &text);
            self.reach(end(cite.span()));
        }
        self.reach(o_end);
    }

    /// A subsection written on one line (`(a) when … required`), if it can be: it has no
    /// title, and only conditions and an effect.
    fn subsection_flat(&self, p: &Provision) -> Option<String> {
        if p.title.is_some() {
            return None;
        }
        let mut s = self.label(&p.label);
        for clause in &p.clauses {
            s.push(' ');
            match clause {
                Clause::Condition(c) => s.push_str(&format!(
                    "{} {}",
                    Self::condition_keyword(c),
                    self.flat(&c.expr, Ctx::Top)
                )),
                Clause::Effect(e) => {
                    s.push_str(Self::effect_keyword(e.kind));
                    if let Some(only_if) = &e.only_if {
                        s.push_str(&format!(" only if {}", self.flat(only_if, Ctx::Top)));
                    }
                }
                Clause::Overrides(..)
                | Clause::Obligation(_)
                | Clause::Reading(_)
                | Clause::Subsection(_)
                | Clause::Rule(_) => return None,
            }
        }
        Some(s)
    }

    /// A nested subsection: `(a) not encoded "…"`; `(a) when … required` on one line when
    /// it can be, has no comments inside and fits; else a block.
    fn subsection(&mut self, p: &Provision, indent: usize, blank: Blank, one_line: bool) {
        let p_end = self.trivia.string_end(end(p.span));
        if let Some((kind, reason)) = &p.marker {
            self.leading(start(p.span), p_end, indent, blank);
            let kind = match kind {
                MarkerKind::NotEncoded => "not encoded",
                MarkerKind::NotAvailable => "not available",
            };
            let line = format!("{} {kind} {}", self.head(p), quote(&reason.value));
            self.write(indent, &line);
            self.reach(p_end);
            return;
        }
        let head_end = match &p.title {
            Some(t) => self.trivia.string_end(end(t.span)),
            None => end(p.label.span),
        };
        let open = self.brace_next(head_end);
        // Comments before the `{` move before the subsection either way; one inside it
        // keeps it a block.
        let hoist = open.unwrap_or(head_end);
        if one_line && !self.comment_within(hoist.saturating_sub(1), p_end) {
            if let Some(line) = self
                .subsection_flat(p)
                .filter(|l| indent + width(l) <= WIDTH)
            {
                self.leading(start(p.span), p_end, indent, blank);
                self.write(indent, &line);
                self.reach(p_end);
                return;
            }
        }
        self.leading(start(p.span), hoist, indent, blank);
        self.write(indent, &self.head(p));
        self.reach(head_end);
        self.body(p, open, indent);
    }

    // ------------------------------------------------------------------------ markers

    fn marker(&mut self, m: &Marker, blank: Blank) {
        let m_end = self.trivia.string_end(end(m.span));
        self.leading(start(m.span), m_end, 0, blank);
        let kind = match m.kind {
            MarkerKind::NotEncoded => "not encoded",
            MarkerKind::NotAvailable => "not available",
        };
        let line = format!("{kind} {} {}", self.cite(&m.cite), quote(&m.reason.value));
        self.write(0, &line);
        self.reach(m_end);
    }

    // ------------------------------------------------------------------------ tests

    /// `background { fact = value … }`: one given per line.
    fn background(&mut self, b: &Background, blank: Blank) {
        let close = self.close_brace(end(b.span));
        let open = self.find_brace(start(b.span)).unwrap_or(close);
        self.leading(start(b.span), open, 0, blank);
        self.write(0, "background");
        if !self.open_block(Some(open), close, close + 1, b.given.is_empty()) {
            return;
        }
        self.givens(&b.given);
        self.close_block(close, close + 1, INDENT, 0, false);
    }

    /// The givens of a test or of the background, one per line.
    fn givens(&mut self, given: &[(Spanned<String>, Value)]) {
        for (i, (fact, value)) in given.iter().enumerate() {
            let blank = if i == 0 { Blank::Never } else { Blank::Keep };
            self.leading(start(fact.span), end(value.span()), INDENT, blank);
            self.write(INDENT, &format!("{} = ", fact.value));
            match value {
                Value::Set(members, _) if !self.fits(width(&self.value(value))) => {
                    self.push("[");
                    let items: Vec<Piece> = members
                        .iter()
                        .map(|m| (m.value.clone(), start(m.span), end(m.span)))
                        .collect();
                    self.commas(&items, INDENT * 2, 1);
                    self.push("]");
                }
                _ => self.push(&self.value(value)),
            }
            self.reach(end(value.span()));
        }
    }

    fn test(&mut self, t: &Test, blank: Blank) {
        let close = self.close_brace(end(t.span));
        let open = self
            .find_brace(self.trivia.string_end(end(t.name.span)))
            .unwrap_or(close);
        self.leading(start(t.span), open, 0, blank);
        self.write(0, &format!("test {}", quote(&t.name.value)));
        self.open_block(Some(open), close, close + 1, false);
        self.givens(&t.given);
        let blank = if t.given.is_empty() {
            Blank::Never
        } else {
            Blank::Keep
        };
        self.expectation(&t.expect, INDENT, blank);
        self.close_block(close, close + 1, INDENT, 0, false);
    }

    /// `expect outcome cites … obligations … depends on … explanation "…"`: one line if it
    /// fits, else each part where it fits, lists wrapped.
    fn expectation(&mut self, x: &Expectation, indent: usize, blank: Blank) {
        self.leading(start(x.span), end(x.outcome.span), indent, blank);
        self.write(indent, &format!("expect {}", x.outcome.value));
        self.reach(end(x.outcome.span));
        let mut parts: Vec<(&str, Vec<Piece>)> = Vec::new();
        if let Some(cites) = &x.cites {
            parts.push(("cites", self.cites(cites)));
        }
        if let Some(cites) = &x.obligations {
            parts.push(("obligations", self.cites(cites)));
        }
        if let Some(paths) = &x.depends_on {
            let items = paths
                .iter()
                .map(|p| (p.value.clone(), start(p.span), end(p.span)))
                .collect();
            parts.push(("depends on", items));
        }
        if let Some(file) = &x.explanation {
            parts.push((
                "explanation",
                vec![(quote(&file.value), start(file.span), end(file.span))],
            ));
        }
        let flat_part = |(keyword, items): &(&str, Vec<Piece>)| {
            let texts: Vec<&str> = items.iter().map(|i| i.0.as_str()).collect();
            if texts.is_empty() {
                keyword.to_string()
            } else {
                format!("{keyword} {}", texts.join(", "))
            }
        };
        let x_end = self.trivia.string_end(end(x.span));
        let flat: Vec<String> = parts.iter().map(flat_part).collect();
        let flat = flat.join(" ");
        if !self.pending_before(x_end) && self.fits(1 + width(&flat)) {
            if !flat.is_empty() {
                self.push(" ");
                self.push(&flat);
            }
            self.reach(x_end);
            return;
        }
        for part in &parts {
            let broke = match part.1.first() {
                Some(first) => self.gap(first.1, indent + INDENT),
                None => false,
            };
            if broke || !self.fits(1 + width(&flat_part(part))) {
                self.line(indent + INDENT, part.0);
            } else {
                self.push(" ");
                self.push(part.0);
            }
            if !part.1.is_empty() {
                self.push(" ");
                self.commas(&part.1, indent + INDENT * 2, 0);
            }
        }
        self.reach(x_end);
    }
}
