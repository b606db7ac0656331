//! The grammar through the lowered syntax tree: `reading "…"` in every place it may stand
//! and the bounds of number and date facts. Each snapshot holds the input and an outline of
//! what the parser made of it, with the line and column of each span.

use crate::{input_and_output, settings};
use juris::ast::{Clause, File, Item, Provision};
use juris::source::{SourceFile, Span};
use std::fmt::Write as _;

/// Readings on a definition (two, one after the meaning), in a provision's block, in a
/// `rule { … }`, in a block subsection and on one-line subsections (where they belong to the
/// subsection, like an obligation); bounds of every shape.
const READINGS_AND_BOUNDS: &str = r#"policy "WR 1-1" {
  title "Widget Records"
  jurisdiction "WR"
  text "widgets.txt"
}

vocabulary {
  buyer.age: number >= 0 <= 150 "the buyer's age in years"
  order.total: number > 0 "the order's total"
  order.discount: number < 100 = 0 "a discount, in percent"
  order.items: number "how many items"
  sale.date: date >= 2012-08-24 "when the sale was made"
  record: price | warranty "the record asked about"
}

define adult_buyer = buyer.age >= 18 cites (2)
  reading "a buyer of full age"
define large_order = order.total >= 1000 cites (2) "an order of 1,000 or more"
  reading "the total is before any discount"
  reading "the total counts every item of one order"

provision (2) {
  when adult_buyer
  reading "the duty runs to the buyer"
  required
  (a) when record is price reading "the price is the list price"
  (b) when record is warranty
    reading "an extended warranty is a warranty"
    reading "a warranty sold apart is a warranty too"
}

provision (4) {
  reading "records are kept for the seller's own business"
  rule {
    when large_order
    permitted
    reading "keeping includes keeping copies"
  }
  (a) "Kept" {
    reading "the form does not matter"
  }
}
"#;

#[test]
fn readings_and_bounds_lower_where_they_are_written() {
    let source = SourceFile::new("readings.juris", READINGS_AND_BOUNDS);
    let file = juris::syntax::parse(&source).expect("the input parses");
    settings().bind(|| {
        insta::assert_snapshot!(input_and_output(
            "readings.juris",
            READINGS_AND_BOUNDS,
            "outline",
            &outline(&source, &file)
        ));
    });
}

/// A reading needs its text; a bound needs a value, and only `>=`, `>`, `<=` and `<`
/// bound a fact.
#[test]
fn a_reading_needs_its_text_and_a_bound_its_value() {
    let header = "policy \"P\" { title \"T\" jurisdiction \"X\" text \"t.txt\" }\n";
    for broken in [
        "provision (1) { reading }",
        "provision (1) { reading when a }",
        "define d = a cites (1) reading",
        "vocabulary { n: number >= \"meaning\" }",
        "vocabulary { n: number == 1 \"meaning\" }",
        "vocabulary { n: bool >= 1 \"meaning\" }",
    ] {
        let text = format!("{header}{broken}");
        let source = SourceFile::new("broken.juris", text.as_str());
        match juris::syntax::parse(&source) {
            Ok(_) => panic!("{broken}: parsed, but is not in the language"),
            Err(d) => assert_eq!(d[0].code.code, "S001", "{broken}"),
        }
    }
}

/// `reading` is a word of the language only where a clause may stand: it stays a valid
/// name and member elsewhere.
#[test]
fn reading_is_still_a_name() {
    let text = "policy \"P\" { title \"T\" jurisdiction \"X\" text \"t.txt\" }\n\
                vocabulary { reading: bool \"m\" kind: reading | writing \"k\" }\n\
                provision (1) { when reading and kind is reading reading \"r\" required }";
    let file = juris::syntax::parse(&SourceFile::new("name.juris", text)).expect("parses");
    let Some(Item::Provision(p)) = file.items.last() else {
        panic!("a provision")
    };
    let readings: Vec<&str> = p
        .clauses
        .iter()
        .filter_map(|c| match c {
            Clause::Reading(r) => Some(r.text.value.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(readings, ["r"]);
}

/// What the parser made of the readings and bounds: one line each, with where it was
/// written.
fn outline(source: &SourceFile, file: &File) -> String {
    let at = |span: Span| {
        let (line, col) = source.line_col(span.start as usize);
        format!("{line}:{col}")
    };
    let mut out = String::new();
    for item in &file.items {
        match item {
            Item::Vocabulary(v) => {
                for fact in &v.facts {
                    let bounds: Vec<String> = fact
                        .bounds
                        .iter()
                        .map(|b| {
                            let value = source.slice(b.value.span());
                            format!("{} {value} at {}", b.op.as_str(), at(b.span))
                        })
                        .collect();
                    let default = fact.default.as_ref().map(|d| source.slice(d.span()));
                    let _ = writeln!(
                        out,
                        "fact {} ({}): bounds [{}], default {default:?}",
                        fact.name.value,
                        source.slice(fact.ty.span()),
                        bounds.join(", "),
                    );
                }
            }
            Item::Definition(d) => {
                let _ = writeln!(
                    out,
                    "define {} meaning {:?}",
                    d.name.value,
                    d.meaning.as_ref().map(|m| &m.value)
                );
                for r in &d.readings {
                    let _ = writeln!(out, "  reading {:?} at {}", r.text.value, at(r.span));
                }
            }
            Item::Provision(p) => provision(&mut out, p, 0, &at),
            _ => {}
        }
    }
    out
}

fn provision(out: &mut String, p: &Provision, depth: usize, at: &dyn Fn(Span) -> String) {
    let indent = "  ".repeat(depth);
    let _ = writeln!(out, "{indent}provision ({}) at {}", p.label.key, at(p.span));
    clauses(out, &p.clauses, depth + 1, at);
}

fn clauses(out: &mut String, list: &[Clause], depth: usize, at: &dyn Fn(Span) -> String) {
    let indent = "  ".repeat(depth);
    for clause in list {
        match clause {
            Clause::Reading(r) => {
                let _ = writeln!(out, "{indent}reading {:?} at {}", r.text.value, at(r.span));
            }
            Clause::Subsection(p) => provision(out, p, depth, at),
            Clause::Rule(rule) => {
                match &rule.sentence {
                    Some(s) => {
                        let _ = writeln!(
                            out,
                            "{indent}rule {:?} at {} (sentence at {})",
                            s.value,
                            at(rule.span),
                            at(s.span)
                        );
                    }
                    None => {
                        let _ = writeln!(out, "{indent}rule at {}", at(rule.span));
                    }
                }
                clauses(out, &rule.clauses, depth + 1, at);
            }
            Clause::Condition(_) => {
                let _ = writeln!(out, "{indent}condition");
            }
            Clause::Effect(e) => {
                let _ = writeln!(out, "{indent}effect {:?}", e.kind);
            }
            Clause::Overrides(..) | Clause::Obligation(_) => {}
        }
    }
}
