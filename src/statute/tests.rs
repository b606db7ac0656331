#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::*;

/// The Oregon rule OAR 860-086-0030, as kept with the policies.
fn oregon() -> String {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/policies/oregon/or-860-086-0030.txt"
    );
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The Oklahoma act, 17 O.S. § 710.1 ff., as kept with the policies.
fn oklahoma() -> String {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/policies/oklahoma/ok-17-710.txt"
    );
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The subsection at `path`, or a test failure naming it.
fn at(st: &StatuteText, path: &[&str]) -> SubsectionId {
    st.find(path)
        .unwrap_or_else(|| panic!("no subsection at {path:?}"))
}

/// The keys of a subsection's children, in order.
fn child_keys(st: &StatuteText, path: &[&str]) -> Vec<String> {
    st.get(at(st, path))
        .children
        .iter()
        .map(|c| st.get(*c).path.last().cloned().unwrap_or_default())
        .collect()
}

/// The keys of the roots, in order.
fn root_keys(st: &StatuteText) -> Vec<String> {
    st.roots()
        .iter()
        .map(|c| st.get(*c).path.last().cloned().unwrap_or_default())
        .collect()
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_string()).collect()
}

fn letters(from: char, to: char) -> Vec<String> {
    (from..=to).map(String::from).collect()
}

fn numbers(from: u32, to: u32) -> Vec<String> {
    (from..=to).map(|n| n.to_string()).collect()
}

/// Checks the invariants every parse must keep.
fn check_invariants(st: &StatuteText) {
    for (id, sub) in st.iter() {
        assert!(st.text.get(sub.label.clone()).is_some(), "label range");
        assert!(st.text.get(sub.own_text.clone()).is_some(), "own range");
        assert!(sub.line >= 1);
        assert_eq!(st.line_of(sub.label.start), sub.line);
        assert!(!sub.path.is_empty());
        match sub.parent {
            Some(p) => {
                assert!(p < id);
                assert!(st.get(p).children.contains(&id));
                assert_eq!(st.get(p).path.len() + 1, sub.path.len());
            }
            None => {
                assert!(st.roots().contains(&id));
                assert_eq!(sub.path.len(), 1);
            }
        }
        for c in &sub.children {
            assert_eq!(st.get(*c).parent, Some(id));
        }
        let _ = st.sentence(id);
        let _ = st.quote(id);
        let _ = st.has_text(id);
    }
}

// ---------------------------------------------------------------- Oregon

#[test]
fn oregon_title_and_roots() {
    let st = StatuteText::parse(&oregon());
    assert_eq!(
        st.title.as_deref(),
        Some("860-086-0030 Electric Company Transfer of Data")
    );
    assert_eq!(root_keys(&st), numbers(1, 15));
    check_invariants(&st);
}

#[test]
fn oregon_children() {
    let st = StatuteText::parse(&oregon());
    assert_eq!(child_keys(&st, &["2"]), letters('a', 'm'));
    assert_eq!(child_keys(&st, &["3"]), letters('a', 'i'));
    assert_eq!(child_keys(&st, &["4"]), letters('a', 'd'));
    assert_eq!(child_keys(&st, &["15"]), letters('a', 'd'));
    assert_eq!(child_keys(&st, &["15", "b"]), strings(&["A", "B", "C"]));
    assert!(child_keys(&st, &["1"]).is_empty());
    assert!(child_keys(&st, &["13"]).is_empty());
    assert_eq!(
        st.iter().count(),
        15 + 13 + 9 + 4 + 7 + 3 + 3 + 4 + 4 + 4 + 3
    );
}

#[test]
fn oregon_find_and_sentences() {
    let st = StatuteText::parse(&oregon());
    let a = at(&st, &["3", "a"]);
    assert!(st.find(&["3", "j"]).is_none());
    assert!(st.find(&["16"]).is_none());
    assert!(st.find(&[]).is_none());
    assert_eq!(st.sentence(a), "Social security numbers,");
    assert_eq!(
        st.sentence(at(&st, &["3"])),
        "An electric company may not transfer to the Administrator:"
    );
    assert!(st
        .quote(a)
        .starts_with("An electric company may not transfer to the Administrator:"));
    assert_eq!(
        st.quote(a),
        "An electric company may not transfer to the Administrator: Social security numbers,"
    );
    let sub = st.get(a);
    assert_eq!(&st.text[sub.label.clone()], "(a)");
    assert_eq!(
        st.text.lines().nth(sub.line - 1).map(str::trim),
        Some("(a) Social security numbers,")
    );
    assert_eq!(sub.path, strings(&["3", "a"]));
    assert_eq!(StatuteText::display_path(&sub.path), "(3)(a)");
    let b = at(&st, &["15", "b", "B"]);
    let quote = st.quote(b);
    assert!(quote.starts_with("Before an electric company provides"));
    assert!(quote.contains("require that the proprietary customer information: Be shared"));
}

#[test]
fn oregon_last_subsection_stops_before_authority() {
    let st = StatuteText::parse(&oregon());
    let d = at(&st, &["15", "d"]);
    let s = st.sentence(d);
    assert!(s.starts_with("Establish a process"));
    assert!(s.ends_with("in section (12) of this rule."));
    for (id, _) in st.iter() {
        for bad in [
            "Statutory/Other Authority",
            "Statutes/Other Implemented",
            "History:",
            "CITATION:",
        ] {
            assert!(!st.sentence(id).contains(bad), "{bad} in {id:?}");
        }
    }
    // (1) keeps its cross-reference "Section (11)" inside the sentence.
    assert!(st
        .sentence(at(&st, &["1"]))
        .ends_with("as described in Section (11)."));
}

#[test]
fn oregon_suggestions() {
    let st = StatuteText::parse(&oregon());
    let s = st.suggest(&["3", "j"]);
    assert_eq!(s.first().map(String::as_str), Some("(3)(i)"));
    assert!(s.len() <= 3);
    assert_eq!(
        st.suggest(&["16"]).first().map(String::as_str),
        Some("(15)")
    );
    assert_eq!(
        st.suggest(&["16", "a"]).first().map(String::as_str),
        Some("(15)(a)")
    );
    // (1) has no children: same depth.
    assert_eq!(st.suggest(&["1", "a"]).len(), 3);
    assert!(!st.suggest(&["3", "a"]).contains(&"(3)(a)".to_string()));
    assert!(st.suggest(&[]).is_empty());
}

// ---------------------------------------------------------------- Oklahoma

#[test]
fn oklahoma_sections() {
    let st = StatuteText::parse(&oklahoma());
    check_invariants(&st);
    assert_eq!(st.title, None);
    assert_eq!(
        root_keys(&st),
        strings(&["710.1", "710.2", "710.3", "710.4", "710.5", "710.6", "710.7"])
    );
    let s1 = at(&st, &["710.1"]);
    assert!(!st.has_text(s1));
    assert_eq!(st.sentence(s1), "");
    assert_eq!(st.get(s1).title.as_deref(), Some("Short title"));
    assert_eq!(&st.text[st.get(s1).label.clone()], "§17-710.1.");
    assert_eq!(
        st.get(at(&st, &["710.4"])).title.as_deref(),
        Some("Access to and confidentiality of customer information")
    );
    assert_eq!(
        st.get(at(&st, &["710.6"])).title.as_deref(),
        Some("Customer information - Affiliates")
    );
    for key in ["710.2", "710.3", "710.4", "710.5", "710.6", "710.7"] {
        assert!(st.has_text(at(&st, &[key])), "{key}");
    }
}

#[test]
fn oklahoma_structure() {
    let st = StatuteText::parse(&oklahoma());
    assert!(child_keys(&st, &["710.1"]).is_empty());
    assert!(child_keys(&st, &["710.2"]).is_empty());
    assert_eq!(child_keys(&st, &["710.3"]), numbers(1, 8));
    assert_eq!(child_keys(&st, &["710.4"]), strings(&["B"]));
    assert_eq!(child_keys(&st, &["710.5"]), strings(&["A", "B"]));
    assert_eq!(child_keys(&st, &["710.6"]), strings(&["A", "B"]));
    assert!(child_keys(&st, &["710.6", "A"]).is_empty());
    assert_eq!(child_keys(&st, &["710.6", "B"]), numbers(1, 5));
    assert_eq!(child_keys(&st, &["710.7"]), strings(&["A", "B"]));
    assert_eq!(child_keys(&st, &["710.7", "B"]), numbers(1, 2));
    let b5 = at(&st, &["710.6", "B", "5"]);
    assert_eq!(StatuteText::display_path(&st.get(b5).path), "710.6(B)(5)");
    assert_eq!(
        st.sentence(b5),
        "When the customer provides written consent to the disclosure."
    );
    assert!(st
        .quote(b5)
        .starts_with("In addition to providing customer information to affiliates"));
}

#[test]
fn oklahoma_texts() {
    let st = StatuteText::parse(&oklahoma());
    let s2 = st.sentence(at(&st, &["710.2"]));
    assert!(s2.starts_with("The Legislature finds that smart grid"));
    assert!(s2.ends_with("customers of electric utilities, and third parties."));
    assert_eq!(
        st.sentence(at(&st, &["710.3"])),
        "As used in the Electric Usage Data Protection Act:"
    );
    assert_eq!(
        st.sentence(at(&st, &["710.3", "8"])),
        "“Nonstandard usage data” means any usage data that i"
    );
    assert_eq!(
        st.quote(at(&st, &["710.3", "2"])),
        "As used in the Electric Usage Data Protection Act: “Commission” means the Corporation Commission;"
    );
    // B. 1. Subject to ...: B has no own words, 1 has the rest of the line.
    let b = at(&st, &["710.7", "B"]);
    assert_eq!(st.sentence(b), "");
    assert!(st.has_text(b));
    let b1 = at(&st, &["710.7", "B", "1"]);
    assert!(st
        .sentence(b1)
        .starts_with("Subject to the restrictions in paragraph 2"));
    assert_eq!(st.get(b).line, st.get(b1).line);
    assert_eq!(&st.text[st.get(b).label.clone()], "B.");
    assert_eq!(&st.text[st.get(b1).label.clone()], "1.");
    assert_eq!(st.quote(b1), st.sentence(b1));
    let b4 = st.sentence(at(&st, &["710.4", "B"]));
    assert!(b4.starts_with("Electric utilities may utilize customer-identifiable usage data"));
    assert!(b4.ends_with("shall not require customer consent."));
    for (id, _) in st.iter() {
        let s = st.sentence(id);
        for bad in [
            "EDITOR",
            "Added by Laws",
            "Standard usage data means",
            "----",
            "CITATION",
        ] {
            assert!(!s.contains(bad), "{bad} in {:?}: {s}", st.get(id).path);
        }
    }
}

#[test]
fn oklahoma_suggestions() {
    let st = StatuteText::parse(&oklahoma());
    assert_eq!(
        st.suggest(&["710.6", "B", "6"]).first().map(String::as_str),
        Some("710.6(B)(5)")
    );
    assert_eq!(
        st.suggest(&["710.8"]).first().map(String::as_str),
        Some("710.7")
    );
    assert_eq!(
        st.suggest(&["710.4", "A"]).first().map(String::as_str),
        Some("710.4(B)")
    );
}

#[test]
fn other_oregon_rules_parse_sensibly() {
    let dirs = [
        concat!(env!("CARGO_MANIFEST_DIR"), "/policies/oregon"),
        concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/statutes"),
    ];
    /// A file, its number of roots, and child counts of some subsections.
    type Case<'a> = (&'a str, usize, &'a [(&'a [&'a str], usize)]);
    let cases: [Case; 3] = [
        ("or-860-086-0010.txt", 6, &[(&["6"], 0)]),
        (
            "or-860-021-0009.txt",
            7,
            &[(&["4"], 5), (&["4", "d"], 3), (&["7"], 2)],
        ),
        (
            "or-860-038-0005.txt",
            45,
            &[(&["3"], 3), (&["24"], 5), (&["29"], 4), (&["33", "b"], 3)],
        ),
    ];
    for (file, roots, children) in cases {
        // These rules may live beside the policies or only in the shared folder;
        // skip one that is in neither.
        let Some(text) = dirs
            .iter()
            .find_map(|dir| std::fs::read_to_string(format!("{dir}/{file}")).ok())
        else {
            continue;
        };
        let st = StatuteText::parse(&text);
        check_invariants(&st);
        assert_eq!(root_keys(&st), numbers(1, roots as u32), "{file}");
        assert!(
            st.title.as_deref().is_some_and(|t| t.starts_with("860-")),
            "{file}"
        );
        for (path, n) in children {
            assert_eq!(child_keys(&st, path).len(), *n, "{file} {path:?}");
        }
        for (id, _) in st.iter() {
            let s = st.sentence(id);
            assert!(!s.contains("History") && !s.contains("PUC "), "{file}: {s}");
            assert!(st.has_text(id));
        }
    }
}

// ---------------------------------------------------------------- synthetic

#[test]
fn nesting_by_kind() {
    let text =
        "(1) One:\n  (a) one a;\n    (A) one a A;\n    (B) one a B;\n  (b) one b.\n(2) Two.\n";
    let st = StatuteText::parse(text);
    check_invariants(&st);
    assert_eq!(root_keys(&st), strings(&["1", "2"]));
    assert_eq!(child_keys(&st, &["1"]), strings(&["a", "b"]));
    assert_eq!(child_keys(&st, &["1", "a"]), strings(&["A", "B"]));
    assert!(child_keys(&st, &["1", "b"]).is_empty());
    assert_eq!(st.quote(at(&st, &["1", "a", "B"])), "One: one a; one a B;");
    assert_eq!(st.get(at(&st, &["1", "a", "B"])).line, 4);
    assert_eq!(st.title, None);
}

#[test]
fn nesting_ignores_indentation_and_keeps_kind_order() {
    // Upper letters first, then numbers, then lower letters: order of first appearance decides.
    let text = "A. Alpha\n1. one\n(a) one a\n2. two\nB. Beta\n(a) beta a\n";
    let st = StatuteText::parse(text);
    check_invariants(&st);
    assert_eq!(root_keys(&st), strings(&["A", "B"]));
    assert_eq!(child_keys(&st, &["A"]), strings(&["1", "2"]));
    assert_eq!(child_keys(&st, &["A", "1"]), strings(&["a"]));
    assert_eq!(child_keys(&st, &["B"]), strings(&["a"]));
    assert!(st.find(&["A", "2", "a"]).is_none());
}

#[test]
fn paren_and_dot_labels_share_keys() {
    let st = StatuteText::parse("(B) paren\n");
    assert_eq!(root_keys(&st), strings(&["B"]));
    let st = StatuteText::parse("B. dot\n");
    assert_eq!(root_keys(&st), strings(&["B"]));
    // Single lower-case letters are letters, so (i) follows (h).
    let st = StatuteText::parse("(1) x\n(h) h\n(i) i\n(j) j\n");
    assert_eq!(child_keys(&st, &["1"]), strings(&["h", "i", "j"]));
}

#[test]
fn several_labels_on_one_line() {
    let text = "§1-2.3. Title.\nB. 1. First\ncontinued here.\n2. Second.\n(a) deep\n";
    let st = StatuteText::parse(text);
    check_invariants(&st);
    assert_eq!(root_keys(&st), strings(&["2.3"]));
    assert_eq!(child_keys(&st, &["2.3", "B"]), strings(&["1", "2"]));
    assert_eq!(st.sentence(at(&st, &["2.3", "B"])), "");
    assert_eq!(
        st.sentence(at(&st, &["2.3", "B", "1"])),
        "First continued here."
    );
    assert_eq!(child_keys(&st, &["2.3", "B", "2"]), strings(&["a"]));
    assert_eq!(st.get(at(&st, &["2.3"])).title.as_deref(), Some("Title"));
    assert_eq!(
        StatuteText::display_path(&st.get(at(&st, &["2.3", "B", "2", "a"])).path),
        "2.3(B)(2)(a)"
    );
}

#[test]
fn labels_need_following_whitespace_and_line_start() {
    let text = "(1) See (2) and (3)(a) of this rule.\n(3)(a) of the rule, continued.\n1.5 percent\nA.B. Smith\n(SIC code) here\n(and) more\n";
    let st = StatuteText::parse(text);
    check_invariants(&st);
    assert_eq!(root_keys(&st), strings(&["1"]));
    assert!(st.get(at(&st, &["1"])).children.is_empty());
    assert!(st.sentence(at(&st, &["1"])).ends_with("(and) more"));
}

#[test]
fn section_header_resets_stack() {
    let text = "§5-1. One.\nA. a\n1. a1\n§5-2. Two.\n1. first\nA. then upper\n";
    let st = StatuteText::parse(text);
    check_invariants(&st);
    // A section number without a dot is keyed `§N`, so that it is never the label `(N)`.
    assert_eq!(root_keys(&st), strings(&["§1", "§2"]));
    assert_eq!(child_keys(&st, &["§2"]), strings(&["1"]));
    assert_eq!(child_keys(&st, &["§2", "1"]), strings(&["A"]));
}

#[test]
fn paragraphs_end_at_blank_lines_separators_editor_and_history() {
    let text = "\
intro before any label is nobody's

(1) First
goes on.

Not part of (1).
(2) Second
[EDITOR: a note
over two lines]
not part of (2) either
(3) Third
-----
(4) Fourth
Added by Laws 2020.
(5) Fifth
History: old
";
    let st = StatuteText::parse(text);
    check_invariants(&st);
    let s = |k: &str| st.sentence(at(&st, &[k]));
    assert_eq!(s("1"), "First goes on.");
    assert_eq!(s("2"), "Second");
    assert_eq!(s("3"), "Third");
    assert_eq!(s("4"), "Fourth");
    assert_eq!(s("5"), "Fifth");
}

#[test]
fn metadata_header_is_skipped() {
    let text = "TITLE: x\n(1) not statute\n====\n(1) statute\n";
    let st = StatuteText::parse(text);
    assert_eq!(st.iter().count(), 1);
    assert_eq!(st.sentence(at(&st, &["1"])), "statute");
    assert_eq!(st.get(at(&st, &["1"])).line, 4);
    // Without a === line, everything is body.
    let st = StatuteText::parse("TITLE: x\n(1) statute\n");
    assert_eq!(st.sentence(at(&st, &["1"])), "statute");
}

#[test]
fn section_intro_and_editor_only_section() {
    let text = "\
§9-1. [Short]
[EDITOR: nothing here]

§9-2. Findings.

First paragraph.

Second paragraph.
[EDITOR: x]
Orphan after note.

Added by Laws 1999.
Later words.

§9-3. Defs.
As used here:

1. one;
Tail after labels.
";
    let st = StatuteText::parse(text);
    check_invariants(&st);
    let one = at(&st, &["§1"]);
    assert!(!st.has_text(one));
    assert_eq!(st.get(one).title.as_deref(), Some("Short"));
    assert_eq!(
        st.sentence(at(&st, &["§2"])),
        "First paragraph. Second paragraph."
    );
    assert_eq!(st.sentence(at(&st, &["§3"])), "As used here:");
    assert_eq!(
        st.quote(at(&st, &["§3", "1"])),
        "As used here: one; Tail after labels."
    );
}

#[test]
fn crlf_and_tabs() {
    let text = "====\r\n860-1-2 Rule\r\n\r\n(1) One:\r\n\t(a) tab a\r\n\t(b) tab b\r\n";
    let st = StatuteText::parse(text);
    check_invariants(&st);
    assert_eq!(st.title.as_deref(), Some("860-1-2 Rule"));
    assert_eq!(child_keys(&st, &["1"]), strings(&["a", "b"]));
    assert_eq!(st.sentence(at(&st, &["1", "a"])), "tab a");
    assert_eq!(
        &st.text[st.get(at(&st, &["1", "b"])).own_text.clone()],
        "tab b"
    );
}

#[test]
fn display_path_forms() {
    assert_eq!(StatuteText::display_path(&[]), "");
    assert_eq!(StatuteText::display_path(&strings(&["3", "a"])), "(3)(a)");
    assert_eq!(
        StatuteText::display_path(&strings(&["710.6", "B", "5"])),
        "710.6(B)(5)"
    );
    assert_eq!(StatuteText::display_path(&strings(&["710.6"])), "710.6");
    assert_eq!(
        StatuteText::display_path(&strings(&["A", "1.5"])),
        "(A)(1.5)"
    );
}

#[test]
fn line_helpers() {
    let st = StatuteText::parse("a\nbb\n\nc");
    assert_eq!(st.line_of(0), 1);
    assert_eq!(st.line_of(1), 1);
    assert_eq!(st.line_of(2), 2);
    assert_eq!(st.line_of(5), 3);
    assert_eq!(st.line_of(6), 4);
    assert_eq!(st.line_of(usize::MAX), 4);
    assert_eq!(st.line_offset(0), None);
    assert_eq!(st.line_offset(1), Some(0));
    assert_eq!(st.line_offset(2), Some(2));
    assert_eq!(st.line_offset(4), Some(6));
    assert_eq!(st.line_offset(5), None);
    for line in 1..=4 {
        assert_eq!(st.line_of(st.line_offset(line).unwrap()), line);
    }
}

#[test]
fn foreign_ids_do_not_panic() {
    let st = StatuteText::parse("(1) x\n");
    let bogus = SubsectionId(u32::MAX);
    assert!(st.get(bogus).path.is_empty());
    assert_eq!(st.sentence(bogus), "");
    assert_eq!(st.quote(bogus), "");
    assert!(!st.has_text(bogus));
}

// ---------------------------------------------------------------- robustness

/// Runs every public method on a parse of `text`.
fn exercise(text: &str) {
    let st = StatuteText::parse(text);
    check_invariants(&st);
    let paths: Vec<Vec<String>> = st.iter().map(|(_, s)| s.path.clone()).collect();
    for path in paths.iter().take(50) {
        let refs: Vec<&str> = path.iter().map(String::as_str).collect();
        assert!(st.find(&refs).is_some());
        let _ = StatuteText::display_path(path);
        let mut missing = refs.clone();
        missing.push("zz");
        let _ = st.suggest(&missing);
    }
    for odd in [&[][..], &[""], &["(1)"], &["§"], &["1", "", "é"]] {
        let _ = st.find(odd);
        let _ = st.suggest(odd);
    }
    for offset in [0, 1, text.len() / 2, text.len(), text.len() + 7, usize::MAX] {
        let _ = st.line_of(offset);
    }
    let _ = st.line_offset(usize::MAX);
    let _ = st.get(SubsectionId(st.iter().count() as u32));
}

#[test]
fn odd_inputs_do_not_panic() {
    let odd = [
        "",
        "\n",
        "\r\n",
        "\r",
        "=",
        "====",
        "====\n",
        "-",
        "---\n---",
        "(",
        ")",
        "()",
        "(1",
        "(1)",
        "(1)\n",
        "( 1) x",
        "(12345) x",
        "(a)(b) x",
        "(é) x",
        "(ⅰ) x",
        "1.",
        "1. ",
        "1234. x",
        "A.",
        "A. ",
        "a. x",
        "§",
        "§ ",
        "§§",
        "§-",
        "§17-",
        "§17-.",
        "§17-710.4.",
        "§.",
        "§-.",
        "§17-710.4. [",
        "§17-710.4. []",
        "§17-710.4. [x",
        "§ 1 2 3",
        "[EDITOR:",
        "[EDITOR:]",
        "[EDITOR: x\n(1) y",
        "]\n(1) y",
        "(1) x\n[EDITOR: y]\n(2) z",
        "B. 1. (a) (A) deep",
        "1. 1. 1. 1. 1.",
        "(1) (1) (1)",
        "\t(1)\tx",
        "(1)\u{a0}x",
        "(1)\u{2003}x\n\u{2003}y",
        "\u{feff}(1) bom",
        "é(1) x",
        "(1) é\u{301}",
        "Added by Laws",
        "History:\n(1) after",
        "860-086-0030",
        "860-086-0030 Title\n860-1 Again",
        "====\n====\n(1) x",
        "(1) x\n====\n(2) y",
        "\0(1)\0",
        "(1)\0x",
        "§\u{301}17-1.",
        "§17-1.\u{301}",
        "(a)\n(b)\n(A)\n(1)",
        "A. x\n1. y\n(a) z\n(A) w\n(1) v\nB. u",
        "(iv) x\n(v) y\n(vi) z",
        "(II) x\n(AA) y",
    ];
    for text in odd {
        exercise(text);
    }
    // Pseudo-random byte soup, biased towards label characters.
    let alphabet = b"()[]\n\n  \r\t.-=\xc2\xa7\xe2\x80\x9cAaBb1209EDITOR:\xff\xfe";
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    for _ in 0..300 {
        let mut bytes = Vec::new();
        let len = (state % 200) as usize;
        for _ in 0..len {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let pick = (state >> 33) as usize;
            bytes.push(alphabet[pick % alphabet.len()]);
        }
        state = state.wrapping_add(len as u64 + 1);
        exercise(&String::from_utf8_lossy(&bytes));
    }
}

#[test]
fn every_prefix_of_the_oklahoma_text_parses() {
    let text = oklahoma();
    for (i, _) in text.char_indices() {
        let st = StatuteText::parse(&text[..i]);
        for (id, sub) in st.iter() {
            assert!(st.text.get(sub.own_text.clone()).is_some());
            let _ = st.quote(id);
        }
    }
}

#[test]
fn prefixes_and_suffixes_of_the_real_texts_parse() {
    for text in [oklahoma(), oregon()] {
        let text = text.as_str();
        for (i, _) in text.char_indices().step_by(61) {
            check_invariants(&StatuteText::parse(&text[..i]));
            // A suffix starts inside the header or in the middle of a section.
            exercise(&text[i..]);
        }
    }
}

#[test]
fn oklahoma_file_reads_and_parses() {
    let st = StatuteText::parse(&oklahoma());
    assert_eq!(st.roots().len(), 7);
    assert!(st.text.starts_with("CITATION:"));
}

#[test]
fn oregon_file_reads_and_parses() {
    let st = StatuteText::parse(&oregon());
    assert_eq!(st.roots().len(), 15);
    assert!(st.text.starts_with("CITATION:"));
}

/// California's §§ 8380-8381, as kept with the policies: two sections whose headings are the
/// bare number and its dot.
fn california() -> String {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/policies/california/ca-puc-8380-8381.txt"
    );
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn bare_section_numbers_start_sections() {
    let st = StatuteText::parse(&california());
    check_invariants(&st);
    assert_eq!(root_keys(&st), strings(&["§8380", "§8381"]));
    assert_eq!(child_keys(&st, &["§8380"]), letters('a', 'g'));
    assert_eq!(child_keys(&st, &["§8381", "f"]), numbers(1, 3));
    let f3 = at(&st, &["§8380", "f", "3"]);
    assert!(st
        .sentence(f3)
        .starts_with("Except as provided in subdivision (e)"));
    assert_eq!(StatuteText::display_path(&st.get(f3).path), "8380(f)(3)");
    // The history notes belong to no subdivision.
    assert!(!st.sentence(at(&st, &["§8380", "g"])).contains("History"));
    // The label `(8380)` is not the section `8380`.
    assert!(st.find(&["8380", "b"]).is_none());
    assert_eq!(
        st.suggest(&["§8380", "h"]),
        strings(&["8380(g)", "8380(f)", "8380(e)"])
    );
}

#[test]
fn bare_numbers_that_are_labels_or_not_headers() {
    // Three digits or fewer without an inner dot stay a label `12.`; a dotted number is a
    // section; a number followed by words is not a bare heading.
    let st = StatuteText::parse("12.\n(a) x\n\n1798.100.\n(a) y\n\n8380. Words after it\n");
    assert_eq!(root_keys(&st), strings(&["12", "1798.100"]));
    assert_eq!(section_key("8380"), "§8380");
    assert_eq!(section_key("710.4"), "710.4");
    assert!(is_section_key("§8380") && is_section_key("710.4") && !is_section_key("12"));
    assert_eq!(section_number("§8380"), "8380");
    // The § form reads the same key as the bare form.
    let st = StatuteText::parse("§ 8380.\n(a) x\n");
    assert_eq!(root_keys(&st), strings(&["§8380"]));
    assert_eq!(
        StatuteText::display_path(&st.get(at(&st, &["§8380", "a"])).path),
        "8380(a)"
    );
}
