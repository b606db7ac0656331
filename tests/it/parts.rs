//! A policy's parts and where they are written: terms after the provisions or in
//! `NAME.terms.juris`, tests in `NAME.tests.juris` with a shared `background`, a rule's
//! sentence of the statute, and enumeration member labels. On the fixtures under
//! `fixtures/parts` (`siblings/`: the law alone, its terms and tests beside it; `after/`:
//! one file, terms and tests after the law).

use crate::cli::juris;
use crate::{fixture, input_and_output, settings};
use juris::ast::{Clause, FactType, Item, SiblingKind};
use juris::fmt::{format_sibling, format_source};
use juris::ir::Policy;
use juris::source::SourceFile;
use std::path::{Path, PathBuf};

fn siblings() -> PathBuf {
    fixture("parts/siblings/widgets.juris")
}

fn after() -> PathBuf {
    fixture("parts/after/widgets.juris")
}

fn compile(path: &Path) -> Policy {
    juris::load::compile_file(path).unwrap_or_else(|files| {
        panic!(
            "{} does not check clean:\n{}",
            path.display(),
            juris::diagnostic::render_human(&files, juris::diagnostic::Colour::Plain, 100)
        )
    })
}

/// The facts a test gives, as `name = value`.
fn givens(policy: &Policy, test: &str) -> Vec<String> {
    let test = policy
        .tests
        .iter()
        .find(|t| t.name == test)
        .unwrap_or_else(|| panic!("a test named {test:?}"));
    test.givens
        .iter()
        .map(|(f, v)| format!("{} = {}", policy.fact(*f).name, policy.fact(*f).show(v)))
        .collect()
}

/// A copy of the `siblings` fixture in a folder of its own, with `edit` applied to the
/// text of each file (by kind: `None` for the policy file).
fn scratch_siblings(name: &str, edit: impl Fn(Option<SiblingKind>, String) -> String) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("parts-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let statute = std::fs::read_to_string(fixture("diagnostics/widgets.txt")).unwrap();
    std::fs::write(dir.join("widgets.txt"), statute).unwrap();
    let policy = std::fs::read_to_string(siblings())
        .unwrap()
        .replace("../../diagnostics/widgets.txt", "widgets.txt");
    std::fs::write(dir.join("widgets.juris"), edit(None, policy)).unwrap();
    for kind in SiblingKind::ALL {
        let from = juris::load::sibling_path(&siblings(), kind);
        let text = std::fs::read_to_string(from).unwrap();
        let to = juris::load::sibling_path(&dir.join("widgets.juris"), kind);
        std::fs::write(to, edit(Some(kind), text)).unwrap();
    }
    dir.join("widgets.juris")
}

// ============================================================================ terms

/// Terms written after the provisions check like terms anywhere: `juris ask` has them.
#[test]
fn terms_after_the_provisions() {
    let policy = compile(&after());
    let phrases: Vec<&str> = policy
        .terms
        .iter()
        .flat_map(|t| t.phrases.iter().map(String::as_str))
        .collect();
    assert_eq!(phrases, ["seller", "price"]);
    let text = std::fs::read_to_string(after()).unwrap();
    let file = juris::syntax::parse(&SourceFile::new("widgets.juris", text)).unwrap();
    let kinds: Vec<&str> = file
        .items
        .iter()
        .map(|item| match item {
            Item::Vocabulary(_) => "vocabulary",
            Item::Terms(_) => "terms",
            Item::Definition(_) => "define",
            Item::Provision(_) => "provision",
            Item::Marker(_) => "marker",
            Item::Background(_) => "background",
            Item::Test(_) => "test",
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "vocabulary",
            "provision",
            "marker",
            "marker",
            "marker",
            "marker",
            "terms",
            "background",
            "test",
            "test"
        ]
    );
}

/// Terms in `NAME.terms.juris` are the policy's, and what the IR keeps of them points into
/// that file: a term's meaning reads as written there.
#[test]
fn terms_in_a_sibling_file() {
    let policy = compile(&siblings());
    assert_eq!(policy.terms.len(), 4);
    let term = policy
        .terms
        .iter()
        .find(|t| t.phrases.contains(&"vendor".to_string()))
        .expect("the vendor term");
    let (file, span) = policy.locate(term.span);
    assert!(
        file.name().ends_with("widgets.terms.juris"),
        "{}",
        file.name()
    );
    assert_eq!(
        file.slice(span),
        "\"seller\", \"vendor\" means actor is seller"
    );
    let meaning = term.meaning.expect("a condition");
    assert_eq!(
        juris::explain::clause_text(&policy, policy.expr_span(meaning)),
        "actor is seller"
    );
    // The terms are the policy's for `juris ask`: the policy is found by its own words.
    let out = juris(&[
        "ask",
        "may the vendor give the price to a third party under Widget Records?",
        siblings().to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert!(
        out.stdout.contains("\"decision\": \"prohibited\""),
        "{out:#?}"
    );
}

/// A sibling file stands for its policy on the command line, and is never a policy of its
/// own.
#[test]
fn a_sibling_file_is_part_of_its_policy() {
    let dir = fixture("parts/siblings");
    let found = juris::load::find_policies(std::slice::from_ref(&dir)).unwrap();
    assert_eq!(found, [siblings()]);
    let terms = juris::load::sibling_path(&siblings(), SiblingKind::Terms);
    assert_eq!(juris::load::sibling_kind(&terms), Some(SiblingKind::Terms));
    assert_eq!(juris::load::find_policies(&[terms]).unwrap(), [siblings()]);
    assert_eq!(juris::load::sibling_kind(Path::new("terms.juris")), None);
    assert_eq!(juris::load::sibling_kind(Path::new(".tests.juris")), None);
    let out = juris(&["check", dir.to_str().unwrap(), "--format", "human"]);
    assert_eq!(out.code, 0, "{out:#?}");
    assert!(
        out.stdout.starts_with("1 policy checked clean"),
        "{}",
        out.stdout
    );
}

// ============================================================================ tests

/// Every test starts from the background; a test's own given for a fact replaces the
/// background's, the background's others still apply.
#[test]
fn the_background_applies_and_a_test_overrides_it() {
    for path in [siblings(), after()] {
        let policy = compile(&path);
        let results = juris::suite::run(&policy);
        assert!(results.iter().all(|r| r.passed()), "{}", path.display());
    }
    let policy = compile(&siblings());
    assert_eq!(
        givens(&policy, "the price is given to the buyer"),
        [
            "actor = seller",
            "seller.registered = true",
            "recipient = buyer",
            "record = price"
        ]
    );
    assert_eq!(
        givens(&policy, "an unregistered seller owes nothing"),
        [
            "actor = seller",
            "seller.registered = false",
            "recipient = buyer",
            "record = price"
        ]
    );
    let policy = compile(&after());
    assert_eq!(
        givens(&policy, "a buyer owes nothing"),
        ["actor = buyer", "record = price"]
    );
}

/// `juris test` names the file the tests are in and their lines there; JSON and JUnit too.
#[test]
fn juris_test_points_into_the_tests_file() {
    let path = siblings();
    let out = juris(&["test", path.to_str().unwrap(), "--format", "human"]);
    assert_eq!(out.code, 0, "{out:#?}");
    let tests = juris::load::sibling_path(&path, SiblingKind::Tests);
    assert!(
        out.stdout.starts_with(&format!(
            "{} (WR 1-1), tests in {}\n  ok   the price is given to the buyer  [line 7]\n",
            path.display(),
            tests.display()
        )),
        "{}",
        out.stdout
    );
    let out = juris(&["test", path.to_str().unwrap(), "--format", "json"]);
    let report: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let first = &report["tests"][0];
    assert_eq!(first["file"], tests.display().to_string());
    assert_eq!(first["line"], 7);
}

/// A failing test in `NAME.tests.juris` is reported there, with a note on the provision
/// that decided in the policy file; a test without cites (`L006`) too.
#[test]
fn findings_on_tests_point_into_the_tests_file() {
    let path = scratch_siblings("failing", |kind, text| match kind {
        Some(SiblingKind::Tests) => text
            .replace(
                "expect required cites (2)(a)",
                "expect permitted cites (2)(a)",
            )
            .replace("expect prohibited cites (3)(a)", "expect prohibited"),
        _ => text,
    });
    let out = juris(&["test", path.to_str().unwrap(), "--format", "human"]);
    assert_eq!(out.code, 1, "{out:#?}");
    assert!(
        out.stdout.contains("widgets.tests.juris:10:3]")
            && out.stdout.contains("T001::test-failed")
            && out.stdout.contains("widgets.juris:26:"),
        "{}",
        out.stdout
    );
    let out = juris(&["lint", path.to_str().unwrap(), "--format", "human"]);
    assert!(
        out.stdout.contains("L006::test-without-cites")
            && out.stdout.contains("widgets.tests.juris:23:3]"),
        "{}",
        out.stdout
    );
    let out = juris(&["lint", path.to_str().unwrap(), "--format", "json"]);
    let findings: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let l006 = findings
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "L006")
        .expect("an L006");
    assert!(
        l006["file"]
            .as_str()
            .unwrap()
            .ends_with("widgets.tests.juris"),
        "{l006}"
    );
    assert_eq!(l006["line"], 23);
}

// ============================================================================ rules

/// A rule's sentence is in the syntax tree, in the IR, in the explanation as the law it
/// encodes, and printed back by `juris fmt`.
#[test]
fn a_rule_keeps_its_sentence() {
    let text = std::fs::read_to_string(siblings()).unwrap();
    let file = juris::syntax::parse(&SourceFile::new("widgets.juris", text.as_str())).unwrap();
    let sentence = file
        .items
        .iter()
        .filter_map(|item| match item {
            Item::Provision(p) => Some(&p.clauses),
            _ => None,
        })
        .flatten()
        .find_map(|clause| match clause {
            Clause::Rule(rule) => rule.sentence.as_ref(),
            _ => None,
        })
        .expect("a rule with a sentence");
    assert_eq!(sentence.value, "A seller may not give a third party");
    let policy = compile(&siblings());
    let sentences: Vec<Option<&str>> = policy
        .leaves
        .iter()
        .map(|l| l.sentence.as_deref())
        .collect();
    assert!(
        sentences.contains(&Some("A seller may not give a third party")),
        "{sentences:?}"
    );
    let request = r#"{"actor": "seller", "recipient": "third_party", "record": "warranty"}"#;
    let out = crate::cli::run_cli(
        &[
            "eval",
            siblings().to_str().unwrap(),
            "--format",
            "human",
            "--request",
            "-",
        ],
        request,
    );
    assert!(
        out.stdout
            .contains("help: the law: “A seller may not give a third party”"),
        "{}",
        out.stdout
    );
    // Printed back, on one line however long, and formatting is idempotent.
    let long = "policy \"WR 1-1\" { title \"T\" jurisdiction \"WR\" text \"t.txt\" }\n\
                provision (4) { rule    \"A seller may keep records for its own business, a sentence long enough to pass the width of a line\"\n{ permitted } }\n";
    let once = format_source(long).unwrap();
    assert!(
        once.contains(
            "  rule \"A seller may keep records for its own business, a sentence long enough to pass the width of a line\" {\n    permitted\n  }\n"
        ),
        "{once}"
    );
    assert_eq!(format_source(&once).unwrap(), once);
}

// ============================================================================ labels

/// Member labels are in the syntax tree and in the IR, read through the accessors.
#[test]
fn member_labels_are_read_through_the_accessor() {
    let text = std::fs::read_to_string(siblings()).unwrap();
    let file = juris::syntax::parse(&SourceFile::new("widgets.juris", text.as_str())).unwrap();
    let Some(Item::Vocabulary(vocabulary)) = file.items.first() else {
        panic!("the vocabulary first")
    };
    let FactType::Enum(members, _) = &vocabulary.facts[1].ty else {
        panic!("`record` is an enumeration")
    };
    let written: Vec<(&str, Option<&str>)> = members
        .iter()
        .map(|m| {
            (
                m.name.value.as_str(),
                m.label.as_ref().map(|l| l.value.as_str()),
            )
        })
        .collect();
    assert_eq!(
        written,
        [
            ("price", Some("the price")),
            ("warranty", Some("the warranty")),
            ("address", Some("the buyer's address"))
        ]
    );
    let policy = compile(&siblings());
    let record = policy.fact_id("record").expect("record");
    assert_eq!(
        policy.member_label(record, "address"),
        Some("the buyer's address")
    );
    assert_eq!(policy.member_label(record, "payment"), None);
    let registered = policy.fact_id("seller.registered").expect("a fact");
    assert_eq!(policy.member_label(registered, "true"), None);
    // A member without a label has none; the fact's meaning is not a label.
    let policy = compile(&after());
    let actor = policy.fact_id("actor").expect("actor");
    assert_eq!(policy.member_label(actor, "buyer"), None);
    assert_eq!(policy.fact(actor).meaning, "who acts");
    // The shipped policies label every member of every enumeration.
    let program = juris::load::load(&[PathBuf::from("policies")]).unwrap();
    for policy in &program.policies {
        for (i, fact) in policy.facts.iter().enumerate() {
            for member in fact.ty.members() {
                let label = policy.member_label(juris::ir::FactId(i as u32), member);
                assert!(
                    label.is_some_and(|l| !l.trim().is_empty()),
                    "{}: `{}` has no label for `{member}`",
                    policy.citation,
                    fact.name
                );
            }
        }
    }
}

// ============================================================================ fmt

/// `juris fmt` formats a policy's sibling files with it, and `--check` counts them.
#[test]
fn fmt_formats_the_sibling_files() {
    let path = scratch_siblings("fmt", |kind, text| match kind {
        Some(SiblingKind::Terms) => {
            text.replace("  \"seller\", \"vendor\"", "\"seller\",\n\n\n   \"vendor\"")
        }
        Some(SiblingKind::Tests) => text.replace("background {\n  actor", "background {   actor"),
        None => text,
    });
    let dir = path.parent().unwrap().to_str().unwrap().to_string();
    let out = juris(&["fmt", "--check", &dir]);
    assert_eq!(out.code, 1, "{out:#?}");
    assert!(
        out.stdout.contains("widgets.terms.juris") && out.stdout.contains("widgets.tests.juris"),
        "{}",
        out.stdout
    );
    let out = juris(&["fmt", &dir]);
    assert_eq!(out.code, 0, "{out:#?}");
    assert!(
        out.stdout
            .ends_with("2 files formatted, 1 already formatted\n"),
        "{}",
        out.stdout
    );
    for kind in SiblingKind::ALL {
        let formatted = std::fs::read_to_string(juris::load::sibling_path(&path, kind)).unwrap();
        let fixture =
            std::fs::read_to_string(juris::load::sibling_path(&siblings(), kind)).unwrap();
        assert_eq!(formatted, fixture);
        assert_eq!(format_sibling(&formatted, kind).unwrap(), formatted);
    }
}

/// How labels, rule sentences and backgrounds are laid out.
#[test]
fn labels_sentences_and_backgrounds_format_as_snapshotted() {
    let input = "policy \"WR 1-1\" { title \"T\" jurisdiction \"WR\" text \"t.txt\" }\n\
        vocabulary {\n  kind: investor_owned \"an investor-owned utility\" | cooperative\n  \
        | municipal \"a municipal utility\" = cooperative \"the kind of utility\"\n  \
        programs: set of solar \"solar\" | wind \"the wind\" \"programs joined\"\n  \
        plain: a | b \"not a label: the meaning\"\n}\n\
        provision (4) { rule \"A seller may keep records\" { permitted } rule { prohibited } }\n\
        background { kind = municipal programs = [solar] }\n\
        test \"t\" { expect permitted cites (4) }\n";
    let formatted = format_source(input).unwrap();
    assert_eq!(format_source(&formatted).unwrap(), formatted);
    settings().bind(|| {
        insta::assert_snapshot!(input_and_output("input", input, "juris fmt", &formatted));
    });
}
