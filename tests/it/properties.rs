//! Properties: whatever the input, the parser and the checker report diagnostics — they
//! never panic — and every diagnostic points inside the file it is about.
//!
//! Inputs: arbitrary strings and bytes, soups of the language's own tokens, and random
//! mutations of the shipped Oregon policy (characters and tokens deleted, inserted and
//! replaced, lines duplicated, swapped and dropped, the text truncated). Case counts are
//! kept moderate: a parse of the Oregon policy takes about a tenth of a second in debug.

use juris::diagnostic::{render_human, FileDiagnostics};
use juris::source::SourceFile;
use proptest::prelude::*;
use proptest::sample::{select, Index};
use proptest::test_runner::Config;
use std::path::Path;
use std::sync::OnceLock;

const OREGON_DIR: &str = "policies/oregon";
const OREGON: &str = "policies/oregon/oar-860-086-0030.juris";

/// The Oregon policy with its terms and tests after the provisions (they may stand there as
/// well as in its sibling files), so that a mutation reaches them and the tests run.
fn oregon_text() -> &'static str {
    static TEXT: OnceLock<String> = OnceLock::new();
    TEXT.get_or_init(|| {
        let mut text = std::fs::read_to_string(OREGON).expect("read the Oregon policy");
        for kind in juris::ast::SiblingKind::ALL {
            let sibling = juris::load::sibling_path(Path::new(OREGON), kind);
            text.push('\n');
            text.push_str(&std::fs::read_to_string(sibling).expect("read a sibling file"));
        }
        text
    })
}

pub fn oregon_statute() -> &'static str {
    static TEXT: OnceLock<String> = OnceLock::new();
    TEXT.get_or_init(|| {
        std::fs::read_to_string("policies/oregon/or-860-086-0030.txt").expect("read the statute")
    })
}

fn config(cases: u32) -> Config {
    Config {
        cases,
        max_shrink_iters: 256,
        ..Config::default()
    }
}

/// Words of the language and text that tends to break parsers.
pub const TOKENS: &[&str] = &[
    "policy",
    "title",
    "jurisdiction",
    "text",
    "refers",
    "effective",
    "current_through",
    "vocabulary",
    "terms",
    "means",
    "this policy",
    "define",
    "provision",
    "rule",
    "when",
    "unless",
    "required",
    "permitted",
    "prohibited",
    "out of scope",
    "only if",
    "overrides",
    "obligation",
    "reading",
    "reading \"\"",
    "not encoded",
    "not available",
    "test",
    "expect",
    "cites",
    "obligations",
    "depends on",
    "and",
    "or",
    "not",
    "is",
    "is not",
    "one of",
    "contains",
    "bool",
    "number",
    "date",
    "set of",
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    ",",
    ":",
    "=",
    "|",
    ">=",
    ">= 0",
    "<= -1",
    "> 2012-08-24",
    "<",
    "==",
    "!=",
    "\"",
    "\"text\"",
    "\"\\\"",
    "//",
    "§",
    "(3)",
    "(3)(a)",
    "(99)",
    "(a)",
    "710.6(B)(5)",
    "\"OAR 860-021-0009(6)\"",
    "\"OAR 1-1(1)\"",
    "2012-08-24",
    "2012-13-01",
    "0000-00-00",
    "-1",
    "0.5",
    "1e5",
    "99999999999999999999999999999999999999999999999999",
    "ssn",
    "data",
    "customer.usage_amw",
    "customer.opted_in",
    "over_1_amw_customer",
    "_",
    "a.b.c",
    "required",
    "\n",
    "\t",
    " ",
    "é",
    "🙂",
    "\u{0}",
    "\r\n",
    "\u{feff}",
];

/// A random edit of a text.
#[derive(Clone, Debug)]
enum Edit {
    DeleteChars(Index, usize),
    InsertToken(Index, &'static str),
    ReplaceChar(Index, char),
    DeleteToken(Index),
    ReplaceToken(Index, &'static str),
    DuplicateToken(Index),
    DuplicateLine(Index),
    DeleteLine(Index),
    SwapLines(Index, Index),
    Truncate(Index),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<Index>(), 1usize..40).prop_map(|(i, n)| Edit::DeleteChars(i, n)),
        (any::<Index>(), select(TOKENS)).prop_map(|(i, t)| Edit::InsertToken(i, t)),
        (any::<Index>(), any::<char>()).prop_map(|(i, c)| Edit::ReplaceChar(i, c)),
        any::<Index>().prop_map(Edit::DeleteToken),
        (any::<Index>(), select(TOKENS)).prop_map(|(i, t)| Edit::ReplaceToken(i, t)),
        any::<Index>().prop_map(Edit::DuplicateToken),
        any::<Index>().prop_map(Edit::DuplicateLine),
        any::<Index>().prop_map(Edit::DeleteLine),
        (any::<Index>(), any::<Index>()).prop_map(|(a, b)| Edit::SwapLines(a, b)),
        any::<Index>().prop_map(Edit::Truncate),
    ]
}

/// Splits a text into tokens: runs of name characters, runs of blanks, single others.
fn tokens(text: &str) -> Vec<&str> {
    let class = |c: char| {
        if c.is_alphanumeric() || c == '_' || c == '.' {
            0
        } else if c.is_whitespace() {
            1
        } else {
            2
        }
    };
    let mut out = Vec::new();
    let mut start = 0;
    let mut last: Option<u8> = None;
    for (i, c) in text.char_indices() {
        let k = class(c);
        if let Some(l) = last {
            if l != k || k == 2 {
                out.push(&text[start..i]);
                start = i;
            }
        }
        last = Some(k);
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
}

/// The byte offsets of every character boundary of a text, the end included.
fn boundaries(text: &str) -> Vec<usize> {
    text.char_indices()
        .map(|(i, _)| i)
        .chain(std::iter::once(text.len()))
        .collect()
}

fn apply(text: &str, edit: &Edit) -> String {
    let at = |i: &Index| {
        let b = boundaries(text);
        b[i.index(b.len())]
    };
    match edit {
        Edit::DeleteChars(i, n) => {
            let b = boundaries(text);
            let from = i.index(b.len());
            let to = (from + n).min(b.len() - 1);
            format!("{}{}", &text[..b[from]], &text[b[to]..])
        }
        Edit::InsertToken(i, t) => {
            let p = at(i);
            format!("{}{t}{}", &text[..p], &text[p..])
        }
        Edit::ReplaceChar(i, c) => {
            let p = at(i);
            let rest = &text[p..];
            let skip = rest.chars().next().map_or(0, char::len_utf8);
            format!("{}{c}{}", &text[..p], &rest[skip..])
        }
        Edit::DeleteToken(i) | Edit::ReplaceToken(i, _) | Edit::DuplicateToken(i) => {
            let mut toks = tokens(text);
            if toks.is_empty() {
                return text.to_string();
            }
            let k = i.index(toks.len());
            match edit {
                Edit::DeleteToken(_) => {
                    toks.remove(k);
                }
                Edit::ReplaceToken(_, t) => toks[k] = t,
                _ => toks.insert(k, toks[k]),
            }
            toks.concat()
        }
        Edit::DuplicateLine(i) | Edit::DeleteLine(i) => {
            let mut lines: Vec<&str> = text.split_inclusive('\n').collect();
            if lines.is_empty() {
                return text.to_string();
            }
            let k = i.index(lines.len());
            if matches!(edit, Edit::DuplicateLine(_)) {
                lines.insert(k, lines[k]);
            } else {
                lines.remove(k);
            }
            lines.concat()
        }
        Edit::SwapLines(a, b) => {
            let mut lines: Vec<&str> = text.split_inclusive('\n').collect();
            if lines.is_empty() {
                return text.to_string();
            }
            let (a, b) = (a.index(lines.len()), b.index(lines.len()));
            lines.swap(a, b);
            lines.concat()
        }
        Edit::Truncate(i) => text[..at(i)].to_string(),
    }
}

fn mutated_oregon() -> impl Strategy<Value = String> {
    proptest::collection::vec(edit(), 1..5).prop_map(|edits| {
        let mut text = oregon_text().to_string();
        for e in &edits {
            text = apply(&text, e);
        }
        text
    })
}

/// Every diagnostic's labels lie inside the file, on character boundaries; related notes
/// inside theirs; and the report renders.
pub fn assert_well_formed(file: &FileDiagnostics) {
    let check = |source: &SourceFile, start: u32, end: u32, what: &str| {
        let text = source.text();
        let (start, end) = (start as usize, end as usize);
        assert!(
            start <= end && end <= text.len(),
            "{what}: span {start}..{end} outside {} bytes",
            text.len()
        );
        assert!(
            text.is_char_boundary(start) && text.is_char_boundary(end),
            "{what}: span {start}..{end} splits a character"
        );
    };
    for d in &file.diagnostics {
        assert!(!d.message.is_empty(), "{}: an empty message", d.code.code);
        for label in &d.labels {
            check(&file.source, label.span.start, label.span.end, d.code.code);
        }
        for related in &d.related {
            if let Some(label) = &related.label {
                check(
                    &related.source,
                    label.span.start,
                    label.span.end,
                    d.code.code,
                );
            }
        }
    }
    let rendered = render_human(
        std::slice::from_ref(file),
        juris::diagnostic::Colour::Plain,
        100,
    );
    assert!(!rendered.is_empty());
}

/// Parses the text as a policy file and as each kind of sibling file.
pub fn parse(text: &str) {
    let source = SourceFile::new("fuzz.juris", text);
    let parsed = juris::syntax::parse(&source).map(|_| ());
    let siblings = juris::ast::SiblingKind::ALL
        .map(|kind| juris::syntax::parse_sibling(&source, kind).map(|_| ()));
    for parsed in std::iter::once(parsed).chain(siblings) {
        parsed_well(&source, parsed);
    }
}

fn parsed_well(source: &SourceFile, parsed: Result<(), Vec<juris::diagnostic::Diagnostic>>) {
    let source = source.clone();
    if let Err(diagnostics) = parsed {
        assert!(!diagnostics.is_empty(), "a failed parse reports something");
        assert!(
            diagnostics
                .iter()
                .all(|d| matches!(d.code.code, "S001" | "S002" | "S003")),
            "the parser reports syntax codes only"
        );
        assert_well_formed(&FileDiagnostics {
            source,
            diagnostics,
        });
    }
}

/// Parses, checks and (when it compiles) runs the policy's own tests, which evaluates it.
fn compile(text: &str) {
    let source = SourceFile::new(OREGON, text);
    match juris::load::compile_source(source, Path::new(OREGON_DIR)) {
        Ok(policy) => {
            let _ = juris::suite::run(&policy);
        }
        Err(file) => {
            assert!(
                !file.diagnostics.is_empty(),
                "a failed compile reports something"
            );
            assert_well_formed(&file);
        }
    }
}

/// Compiles with the Oregon statute text, whatever the header names.
pub fn compile_in_memory(text: &str) {
    let source = SourceFile::new("fuzz.juris", text);
    let read = |_: &Path| Ok(oregon_statute().to_string());
    match juris::load::compile_with(source, Path::new("."), &read) {
        Ok(policy) => {
            let _ = juris::suite::run(&policy);
        }
        Err(file) => assert_well_formed(&file),
    }
}

const HEADER: &str =
    "policy \"OAR 860-086-0030\" {\n  title \"t\"\n  jurisdiction \"OR\"\n  text \"t.txt\"\n}\n";

fn token_soup() -> impl Strategy<Value = String> {
    (
        any::<bool>(),
        proptest::collection::vec((select(TOKENS), select(&[" ", "", "\n"][..])), 0..60),
    )
        .prop_map(|(header, toks)| {
            let mut text = if header {
                HEADER.to_string()
            } else {
                String::new()
            };
            for (t, sep) in toks {
                text.push_str(t);
                text.push_str(sep);
            }
            text
        })
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn parser_never_panics_on_strings(text in any::<String>()) {
        parse(&text);
    }

    #[test]
    fn parser_never_panics_on_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        parse(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn parser_never_panics_on_token_soup(text in token_soup()) {
        parse(&text);
    }

    #[test]
    fn checker_never_panics_on_token_soup(text in token_soup()) {
        compile_in_memory(&text);
    }
}

proptest! {
    #![proptest_config(config(40))]

    #[test]
    fn parser_never_panics_on_mutated_oregon(text in mutated_oregon()) {
        parse(&text);
    }

    #[test]
    fn checker_never_panics_on_mutated_oregon(text in mutated_oregon()) {
        compile(&text);
    }
}

proptest! {
    #![proptest_config(config(24))]

    #[test]
    fn checker_never_panics_on_truncated_oregon(at in any::<Index>()) {
        let text = oregon_text();
        let b = boundaries(text);
        compile(&text[..b[at.index(b.len())]]);
    }
}

/// The mutation helpers themselves: every edit keeps the text valid UTF-8 (it is a
/// `String`) and the tokenizer loses nothing.
#[test]
fn tokens_cover_the_text() {
    let text = oregon_text();
    assert_eq!(tokens(text).concat(), text);
    assert_eq!(tokens("a.b (3)(a) é🙂").concat(), "a.b (3)(a) é🙂");
}

/// Small, known-tricky inputs, kept as plain cases.
#[test]
fn tricky_inputs() {
    for text in [
        "",
        " ",
        "\u{feff}",
        "policy",
        "policy \"",
        "policy \"x\" {",
        "policy \"x\" {}",
        "policy \"x\" {}\nprovision",
        "policy \"x\" {}\nprovision (",
        "policy \"x\" {}\nprovision ()",
        "policy \"x\" {}\nprovision (1) { when a is",
        "policy \"x\" {}\ntest \"t\" { expect",
        "policy \"x\" {}\nnot encoded",
        "policy \"x\" {}\n// only a comment",
        "policy \"x\" { effective 0000-00-00 }",
        "policy \"x\" { effective 2012-02-30 }",
        "policy \"é🙂\" {}\nprovision (é) {}",
        "policy \"x\" {}\nprovision (1) {}\nprovision",
    ] {
        parse(text);
        compile_in_memory(text);
    }
}
