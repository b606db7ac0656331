//! Where a policy's parts are written. Its terms are given in one place, and its tests with
//! their background in one place: the policy file, or the sibling file of their kind
//! (`NAME.terms.juris`, `NAME.tests.juris`). The tests have at most one background.
//! Anything else is `C023 two-places`.
//!
//! The checker checks each item in the file it is written in: a problem is reported there,
//! and the IR's spans of a sibling are counted from its base ([`crate::ir::Sibling`]).

use super::Checker;
use crate::ast::{Item, SiblingKind};
use crate::diagnostic::{code, Diagnostic, Label, Related};
use crate::source::{SourceFile, Span};
use std::path::Path;

/// A short span at the start of `span`: the keyword that opens an item, for a label that
/// does not underline a whole block.
fn keyword(span: Span, word: &str) -> Span {
    Span::new(span.start as usize, span.start as usize + word.len())
}

impl Checker<'_> {
    /// Checks the items of file `file` next (0: the policy file, `i + 1`: sibling `i`).
    pub(super) fn enter(&mut self, file: usize) {
        self.file = file;
        self.base = match file.checked_sub(1) {
            Some(i) => self.siblings.get(i).map_or(0, |s| s.base),
            None => 0,
        };
    }

    /// A file of the policy: 0 for the policy file, `i + 1` for sibling `i`.
    pub(super) fn source_of(&self, file: usize) -> &SourceFile {
        match file.checked_sub(1) {
            Some(i) => self.siblings.get(i).map_or(self.source, |s| &s.source),
            None => self.source,
        }
    }

    /// A span of the file being checked as the IR keeps it (see [`ir::Sibling`]).
    pub(super) fn ir_span(&self, span: Span) -> Span {
        span.shifted(self.base as usize)
    }

    /// Adds a secondary label at `span` in file `file`: a label when that is the file being
    /// checked, else a note in that file (a test in `NAME.tests.juris` pointing at the fact
    /// it gives, in the vocabulary).
    pub(super) fn also_at(&self, d: Diagnostic, file: usize, span: Span, text: &str) -> Diagnostic {
        if file == self.file {
            d.with_label(span, text)
        } else {
            let source = self.source_of(file).clone();
            d.with_related(Related {
                message: format!("in `{}`", source.name()),
                source,
                label: Some(Label {
                    span,
                    text: text.to_string(),
                }),
            })
        }
    }

    /// Reports a part of the policy given in two places, and a second background.
    pub(super) fn places(&mut self, items: &[(usize, &Item)]) {
        let terms = |item: &Item| match item {
            Item::Terms(t) => Some(keyword(t.span, "terms")),
            _ => None,
        };
        self.one_place(items, SiblingKind::Terms, terms);
        let tests = |item: &Item| match item {
            Item::Test(t) => Some(t.name.span),
            Item::Background(b) => Some(keyword(b.span, "background")),
            _ => None,
        };
        self.one_place(items, SiblingKind::Tests, tests);
        let backgrounds: Vec<(usize, Span)> = items
            .iter()
            .filter_map(|&(file, item)| match item {
                Item::Background(b) => Some((file, keyword(b.span, "background"))),
                _ => None,
            })
            .collect();
        if let [first, second, ..] = backgrounds.as_slice() {
            let (first, second) = (*first, *second);
            self.enter(second.0);
            let d = Diagnostic::new(
                &code::two_places,
                "the tests have two backgrounds",
                second.1,
            )
            .label("second background")
            .help("merge the two into one `background { … }`");
            let d = self.also_at(d, first.0, first.1, "first background");
            self.error(d);
        }
        self.enter(0);
    }

    /// Reports the part of kind `kind` (the items `part` finds, at the span it gives) if
    /// it is written in more than one file.
    fn one_place(
        &mut self,
        items: &[(usize, &Item)],
        kind: SiblingKind,
        part: impl Fn(&Item) -> Option<Span>,
    ) {
        // The first item of the part in each file it is written in.
        let mut firsts: Vec<(usize, Span)> = Vec::new();
        for &(file, item) in items {
            if let Some(span) = part(item) {
                if !firsts.iter().any(|(f, _)| *f == file) {
                    firsts.push((file, span));
                }
            }
        }
        let [first, second, ..] = firsts.as_slice() else {
            return;
        };
        let (first, second) = (*first, *second);
        let what = kind.infix();
        let policy = self.source.name().to_string();
        let sibling = Path::new(&policy)
            .with_extension(format!("{what}.juris"))
            .to_string_lossy()
            .replace('\\', "/");
        self.enter(second.0);
        let d = Diagnostic::new(
            &code::two_places,
            format!("the {what} are given in two places"),
            second.1,
        )
        .label(format!("{what} here"))
        .help(format!(
            "keep the {what} in one place: in `{policy}` or in `{sibling}`"
        ));
        let d = self.also_at(d, first.0, first.1, &format!("the {what} here too"));
        self.error(d);
        self.enter(0);
    }
}
