#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::{comment_texts, format_source};

const HEADER: &str = "policy \"P\" {\n  title \"t\"\n  jurisdiction \"J\"\n  text \"p.txt\"\n}\n";

/// Formats `body` after a canonical header; checks idempotence; returns what follows the
/// header.
fn fmt(body: &str) -> String {
    let out = format_source(&format!("{HEADER}\n{body}")).unwrap_or_else(|d| panic!("{d:?}"));
    assert_eq!(format_source(&out).unwrap(), out, "not idempotent:\n{out}");
    out.strip_prefix(HEADER)
        .and_then(|rest| rest.strip_prefix('\n'))
        .unwrap_or_else(|| panic!("header changed:\n{out}"))
        .to_string()
}

/// The formatted condition of `provision (1) { when … }`.
fn condition(expr: &str) -> String {
    let out = fmt(&format!("provision (1) {{ when {expr} required }}"));
    out.lines()
        .nth(1)
        .unwrap()
        .trim_start()
        .trim_start_matches("when ")
        .to_string()
}

// ------------------------------------------------------------------------ conditions

#[test]
fn parentheses_are_the_fewest_that_keep_the_parse() {
    assert_eq!(condition("((a))"), "a");
    assert_eq!(condition("(a and b) and c"), "a and b and c");
    assert_eq!(condition("a and (b and c)"), "a and (b and c)");
    assert_eq!(condition("(a or b) or c"), "a or b or c");
    assert_eq!(condition("a or (b or c)"), "a or (b or c)");
    assert_eq!(condition("a and (b or c)"), "a and (b or c)");
    assert_eq!(condition("not (a or b)"), "not (a or b)");
    assert_eq!(condition("not (a and b)"), "not (a and b)");
    assert_eq!(condition("not (not a)"), "not not a");
    assert_eq!(condition("(not a) and b"), "not a and b");
}

#[test]
fn an_and_inside_an_or_is_parenthesized() {
    assert_eq!(condition("a and b or c"), "(a and b) or c");
    assert_eq!(condition("a or b and c"), "a or (b and c)");
    assert_eq!(
        condition("(a and b) or (c and d)"),
        "(a and b) or (c and d)"
    );
}

#[test]
fn operands_are_written_as_they_were() {
    assert_eq!(
        condition("x  is   not one  of [a,b ,c]"),
        "x is not one of [a, b, c]"
    );
    assert_eq!(condition("n >= 2.0 and m<-1"), "n >= 2.0 and m < -1");
    assert_eq!(condition("d > 2012-08-24"), "d > 2012-08-24");
    assert_eq!(condition("s contains a"), "s contains a");
    assert_eq!(
        condition("t is \"say \\\"hi\\\"\""),
        "t is \"say \\\"hi\\\"\""
    );
}

#[test]
fn long_conditions_fill_lines_and_break_before_an_operator() {
    let out = fmt("provision (1) {\n  when alpha_alpha_alpha and beta_beta_beta and gamma_gamma_gamma and delta_delta_delta and epsilon_epsilon\n  required\n}\n");
    assert_eq!(
        out,
        "provision (1) {\n  when alpha_alpha_alpha and beta_beta_beta and gamma_gamma_gamma and delta_delta_delta\n    and epsilon_epsilon\n  required\n}\n"
    );
}

#[test]
fn a_group_too_long_for_its_line_is_wrapped_inside() {
    let out = fmt("provision (1) {\n  when action is transfer and ((actor is electric_company and recipient is administrator) or (actor is administrator and recipient is electric_company))\n  prohibited\n}\n");
    assert_eq!(
        out,
        "provision (1) {\n  when action is transfer\n    and ((actor is electric_company and recipient is administrator)\n      or (actor is administrator and recipient is electric_company))\n  prohibited\n}\n"
    );
}

// ------------------------------------------------------------------------ comments

#[test]
fn comments_stay_with_the_operand_they_trail_or_precede() {
    let out = fmt("provision (1) {\n  when a // after a\n    and (b // after b\n    or c)\n    // before d\n    and d\n  required\n}\n");
    assert_eq!(
        out,
        "provision (1) {\n  when a // after a\n    and (b // after b\n      or c)\n    // before d\n    and d\n  required\n}\n"
    );
}

#[test]
fn a_comment_inside_a_one_line_construct_moves_before_it() {
    let out = fmt("not encoded // why\n  (2) \"procedural\"\n");
    assert_eq!(out, "// why\nnot encoded (2) \"procedural\"\n");
}

#[test]
fn header_fields_take_their_comments_along() {
    let out = format_source(
        "policy \"P\" { // opener\n  // the file\n  text \"p.txt\" // trails text\n  jurisdiction \"J\"\n  title \"t\"\n  // last\n}\n",
    )
    .unwrap();
    assert_eq!(
        out,
        "policy \"P\" { // opener\n  title \"t\"\n  jurisdiction \"J\"\n  // the file\n  text \"p.txt\" // trails text\n  // last\n}\n"
    );
}

#[test]
fn a_double_slash_in_a_string_is_not_a_comment() {
    let out = fmt("not encoded (2) \"see http://example.com/x\" // a comment\n");
    assert_eq!(
        out,
        "not encoded (2) \"see http://example.com/x\" // a comment\n"
    );
    assert_eq!(comment_texts(&out), vec!["// a comment"]);
}

#[test]
fn comments_at_the_ends_of_blocks_and_of_the_file() {
    let out =
        fmt("vocabulary { // v\n  a: bool \"a\"\n  // end of vocabulary\n}\n// end of file\n");
    assert_eq!(
        out,
        "vocabulary { // v\n  a: bool \"a\"\n  // end of vocabulary\n}\n// end of file\n"
    );
}

// ------------------------------------------------------------------------ blank lines

#[test]
fn blank_lines_are_kept_once_inside_blocks_and_always_between_items() {
    let out = fmt("vocabulary {\n\n\n  a: bool \"a\"\n\n\n\n  b: bool \"b\"\n  c: bool \"c\"\n\n}\ndefine d = a cites (1)\nnot encoded (2) \"x\"\nnot encoded (3) \"y\"\n\n\nnot encoded (4) \"z\"\n");
    assert_eq!(
        out,
        "vocabulary {\n  a: bool \"a\"\n\n  b: bool \"b\"\n  c: bool \"c\"\n}\n\ndefine d = a\n  cites (1)\n\nnot encoded (2) \"x\"\nnot encoded (3) \"y\"\n\nnot encoded (4) \"z\"\n"
    );
}

// ------------------------------------------------------------------------ subsections

#[test]
fn a_subsection_is_one_line_only_when_that_parses_the_same() {
    // `required` after the block belongs to (1); written `(a) when x`, (a) would take it.
    let out = fmt("provision (1) {\n  (a) { when x }\n  required\n  (b) { when y }\n}\n");
    assert_eq!(
        out,
        "provision (1) {\n  (a) {\n    when x\n  }\n  required\n  (b) when y\n}\n"
    );
}

#[test]
fn titled_subsections_and_obligations_stay_blocks() {
    let out = fmt("provision (1) {\n  required\n  (a) \"Title\" when x\n  (b) obligation \"o\"\n  (c) when z permitted only if w\n}\n");
    assert_eq!(
        out,
        "provision (1) {\n  required\n  (a) \"Title\" {\n    when x\n  }\n  (b) {\n    obligation \"o\"\n  }\n  (c) when z permitted only if w\n}\n"
    );
}

#[test]
fn labels_and_cites_keep_their_section_sign() {
    let out = fmt("provision § 710.6 { (B) when x  permitted overrides §710.4(A), 710.5 }\nnot available 710.1 \"gone\"\n");
    assert_eq!(
        out,
        "provision § 710.6 {\n  (B) {\n    when x\n    permitted\n    overrides § 710.4(A), 710.5\n  }\n}\n\nnot available 710.1 \"gone\"\n"
    );
}

// ------------------------------------------------------------------------ facts and tests

#[test]
fn facts_one_per_line_with_the_meaning_where_it_fits() {
    let out = fmt("vocabulary { a: bool = false \"short\" b: x | y | z = y \"a meaning long enough that the declaration would not fit on one line of a hundred\" }\n");
    assert_eq!(
        out,
        "vocabulary {\n  a: bool = false \"short\"\n  b: x | y | z = y\n    \"a meaning long enough that the declaration would not fit on one line of a hundred\"\n}\n"
    );
}

#[test]
fn strings_are_re_escaped() {
    let out =
        fmt("test \"a \\\"quoted\\\" \\\\ name\\n\" { expect permitted explanation \"g.txt\" }\n");
    assert_eq!(
        out,
        "test \"a \\\"quoted\\\" \\\\ name\\n\" {\n  expect permitted explanation \"g.txt\"\n}\n"
    );
}

#[test]
fn windows_line_ends_become_unix_ones() {
    let out =
        format_source(&format!("{HEADER}\ndefine d = a // c\n  cites (1)\n").replace('\n', "\r\n"))
            .unwrap();
    assert!(!out.contains('\r'), "{out:?}");
    assert!(out.ends_with("define d = a // c\n  cites (1)\n"), "{out}");
}

#[test]
fn syntax_errors_are_returned() {
    let errors = format_source("policy \"P\" {\n  title\n}\n").unwrap_err();
    assert_eq!(errors[0].code.code, "S001");
}
