//! Parser tests: the fast reader (`reader.rs`) against pest.
//!
//! The reader's one obligation: whenever it reads a file, pest reads the same text to the
//! same [`File`], spans included. Here on every policy and fixture in the repository, and on
//! each of them with one word deleted, duplicated, or replaced by a word of the language,
//! and with trivia added between words. (`tests/it/properties.rs` checks the same on
//! random inputs and mutations.)

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::{parse_with_pest, reader};
use crate::ast::File;
use std::path::{Path, PathBuf};

/// Every `.juris` file under the crate's `policies/` and `tests/`.
fn corpus() -> Vec<(PathBuf, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let paths = crate::load::find_policies(&[root.join("policies"), root.join("tests")])
        .unwrap_or_else(|_| panic!("no policies under {}", root.display()));
    paths
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{p:?}: {e}"));
            (p, text)
        })
        .collect()
}

/// Checks the obligation on one text; returns whether the reader read it.
fn agrees(what: &str, text: &str) -> bool {
    let Some(read) = reader::read(text) else {
        return false;
    };
    match parse_with_pest(text) {
        Ok(pest) => {
            assert_file_eq(what, text, &read, &pest);
            true
        }
        Err(diagnostics) => panic!(
            "{what}: the reader read a text pest refuses ({})\n{text}",
            diagnostics
                .iter()
                .map(|d| format!("{} {}", d.code.code, d.message))
                .collect::<Vec<_>>()
                .join("; ")
        ),
    }
}

fn assert_file_eq(what: &str, text: &str, read: &File, pest: &File) {
    if read != pest {
        let (a, b) = (format!("{read:#?}"), format!("{pest:#?}"));
        let line = a
            .lines()
            .zip(b.lines())
            .position(|(x, y)| x != y)
            .unwrap_or(0);
        let context = |s: &str| {
            s.lines()
                .skip(line.saturating_sub(8))
                .take(12)
                .collect::<Vec<_>>()
                .join("\n")
        };
        panic!(
            "{what}: the reader and pest disagree\n--- reader\n{}\n--- pest\n{}\n--- text\n{text}",
            context(&a),
            context(&b)
        );
    }
}

#[test]
fn the_reader_reads_the_shipped_policies_as_pest_does() {
    for name in [
        "policies/oregon/oar-860-086-0030.juris",
        "policies/oklahoma/ok-17-710.juris",
    ] {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(name);
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(agrees(name, &text), "{name}: the reader gave up on it");
    }
}

#[test]
fn the_reader_agrees_with_pest_on_every_policy_and_fixture() {
    let corpus = corpus();
    assert!(corpus.len() > 50, "the corpus is the repository's policies");
    let read = corpus
        .iter()
        .filter(|(path, text)| agrees(&path.display().to_string(), text))
        .count();
    let pest_reads = corpus
        .iter()
        .filter(|(_, text)| parse_with_pest(text).is_ok())
        .count();
    // Fixtures of syntax errors and lowering errors (S001, S003, too deep) are left to pest;
    // every file pest reads, the reader reads too.
    assert_eq!(
        read, pest_reads,
        "files read: reader {read}, pest {pest_reads}"
    );
}

/// One word (with the blanks after it) deleted, duplicated, or replaced by a word of the
/// language, at positions spread over every file of the corpus; and trivia added.
#[test]
fn the_reader_agrees_with_pest_on_mutations() {
    const REPLACEMENTS: [&str; 8] = [
        "not ",
        "and ",
        "when ",
        "(a)",
        "\"s\" ",
        "2012-02-30 ",
        "1",
        "§",
    ];
    let mut tried = 0;
    let mut read = 0;
    for (path, text) in corpus() {
        let toks: Vec<&str> = text.split_inclusive(char::is_whitespace).collect();
        // At most about 20 positions a file: the corpus is large and this runs in debug.
        let step = (toks.len() / 20).max(1);
        for (n, k) in (0..toks.len()).step_by(step).enumerate() {
            let mut variants = Vec::new();
            let mut deleted = toks.clone();
            deleted.remove(k);
            variants.push(deleted.concat());
            let mut duplicated = toks.clone();
            duplicated.insert(k, toks[k]);
            variants.push(duplicated.concat());
            let mut replaced = toks.clone();
            replaced[k] = REPLACEMENTS[n % REPLACEMENTS.len()];
            variants.push(replaced.concat());
            let mut trivia = toks.clone();
            trivia.insert(k, [" // note\n", "\r\n\t", " "][n % 3]);
            variants.push(trivia.concat());
            for variant in variants {
                tried += 1;
                if agrees(&format!("{} (token {k})", path.display()), &variant) {
                    read += 1;
                }
            }
        }
    }
    eprintln!("the reader read {read} of {tried} mutants");
    // The property means something only if many mutants are read, not left to pest.
    assert!(
        read * 5 > tried,
        "the reader read only {read} of {tried} mutants"
    );
}

#[test]
fn the_reader_agrees_on_small_cases() {
    let header = "policy \"P\" { jurisdiction \"X\" }\n";
    for (body, reads) in [
        ("provision (1) { when a and b or not c and (d or e) required }", true),
        ("provision (1) { when not not a or b permitted only if c is not one of [x, y,] }", true),
        ("provision (1) { when a.b >= -1.5 and c != \"q\\\"\" and d <= 2012-08-24 prohibited }", true),
        ("provision (1) { when s contains x unless t is when required }", false),
        ("provision (1) { (a) (b) when x (c) not encoded \"r\" }", true),
        ("provision § 710.4 \"T\" { (A) { rule { required } } }", true),
        ("provision 710.4 { overrides §710.3(1), \"OAR x\", (2)(a) required }", true),
        ("provision (1) { out  of\tscope }", true),
        ("provision (1) { out\nof scope }", false),
        ("provision (1) { obligation \"o\" when a cites (2) required }", true),
        ("vocabulary { a: set of x | y = [x] \"m\" b: number = 1e5 \"m\" }", false),
        ("vocabulary { a: bool = true \"m\" b: set | of \"m\" c: date = 2012-08-24 \"m\" }", true),
        ("vocabulary { when: bool \"m\" }", false),
        ("vocabulary { a: x | prohibited \"m\" }", false),
        ("define d = a cites (1) define e = (d) cites \"OAR x\" \"m\"", true),
        ("terms { \"a\", \"b\" means this  policy \"c\" means x is y }", true),
        ("test \"t\" { a = 1 b = [x] expect permitted cites obligations (1) depends on a, b explanation \"g\" }", true),
        ("test \"t\" { expect = 1 expect permitted }", false),
        ("test \"t\" { a = 99999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999 expect permitted }", false),
        ("not encoded (7) \"r\" not available § 710.1 \"r\"", true),
        ("provision (1) { when a is trueish required }", true),
        ("provision (1) { when a is not_x required }", true),
    ] {
        let text = format!("{header}{body}\n// end");
        assert_eq!(
            agrees(body, &text),
            reads,
            "{body}: expected the reader to {}",
            if reads { "read it" } else { "leave it to pest" }
        );
    }
}

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
    let errors = |text: &str| match parse_with_pest(text) {
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
