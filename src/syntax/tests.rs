//! Parser tests that are not about one rule's lowering (those are snapshots in
//! `tests/it`): pest's process-wide settings.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::parse;
use crate::source::SourceFile;

/// pest's settings are one for the whole process: files parsed on several threads at once
/// (tests, an embedding service) get the same errors as one at a time.
#[test]
fn errors_do_not_depend_on_other_threads() {
    let header = "policy \"P\" { jurisdiction \"X\" }\n";
    let broken = [
        format!("{header}provision (1) {{ when a and required }}"),
        format!("{header}vocabulary {{ a: bool }}\ntest \"t\" {{ expect maybe }}"),
        format!("{header}provision (1) {{ when a is one of [x y] required }}"),
    ];
    let errors = |text: &str| match parse(&SourceFile::new("t.juris", text)) {
        Ok(_) => panic!("{text}: expected a syntax error"),
        Err(d) => d
            .iter()
            .map(|d| format!("{} {} {:?}", d.code.code, d.message, d.span()))
            .collect::<Vec<_>>(),
    };
    let alone: Vec<_> = broken.iter().map(|t| errors(t)).collect();
    std::thread::scope(|scope| {
        for (text, expected) in broken.iter().zip(&alone) {
            scope.spawn(move || {
                for _ in 0..40 {
                    assert_eq!(&errors(text), expected, "{text}");
                }
            });
        }
    });
}
