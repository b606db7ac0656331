//! Where a policy's parts are written. Its terms are given in one place, and its tests with
//! their background in one place: the policy file, or the sibling file of their kind
//! (`NAME.terms.juris`, `NAME.tests.juris`). The tests have at most one background.
//! Anything else is `C023 two-places`.

use super::Checker;
use crate::ast::{Item, SiblingKind};
use crate::diagnostic::{code, Diagnostic};
use crate::source::Span;
use std::path::Path;

/// A short span at the start of `span`: the keyword that opens an item, for a label that
/// does not underline a whole block.
fn keyword(span: Span, word: &str) -> Span {
    Span::new(span.start as usize, span.start as usize + word.len())
}

impl Checker<'_> {
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
