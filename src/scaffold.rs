//! `juris new --from STATUTE.txt`: the first files of a policy, written from its statute
//! text. Every numbered subsection is marked `not encoded "to do"`, so that `juris
//! coverage` starts at 100 % accounted for and 0 % encoded and lists what is left; the
//! vocabulary is empty, the terms name the jurisdiction, and one test states what the empty
//! policy decides. Nothing is invented: the header's citation, title and jurisdiction name
//! come from the text's own header where it has one, or from the options.

use crate::statute::StatuteText;
use std::fmt::Write as _;

/// What the scaffold needs beyond the statute text.
#[derive(Clone, Debug)]
pub struct Options {
    /// The statute text's file name, as the policy's `text` field names it.
    pub text_file: String,
    /// The jurisdiction code (`OR`, `OK`).
    pub jurisdiction: String,
    /// The citation prefix the cites are joined to (`OAR 860-086-0030`); by default the
    /// text's `CITATION:` header up to its first comma or parenthesis.
    pub citation: Option<String>,
}

/// The files of a new policy: the policy itself and its terms and tests siblings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scaffold {
    /// `NAME.juris`: header, empty vocabulary, a marker per subsection.
    pub policy: String,
    /// `NAME.terms.juris`: the words that place a question in this policy.
    pub terms: String,
    /// `NAME.tests.juris`: one test of what the empty policy decides.
    pub tests: String,
    /// How many subsections were marked.
    pub subsections: usize,
}

/// Why no scaffold could be written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScaffoldError {
    /// The text has no numbered subsection.
    NoSubsections,
    /// No citation was given and the text's header has none.
    NoCitation,
    /// The jurisdiction code is not one word of letters.
    BadJurisdiction(String),
}

impl std::fmt::Display for ScaffoldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ScaffoldError::NoSubsections => f.write_str(
                "the statute text has no numbered subsection (labels such as `(1)`, `(a)`, \
                 `A.`, `1.` or `§ 710.3.` must start a line)",
            ),
            ScaffoldError::NoCitation => f.write_str(
                "the statute text has no `CITATION:` header line; give the citation with \
                 `--citation`",
            ),
            ScaffoldError::BadJurisdiction(code) => write!(
                f,
                "`{code}` is not a jurisdiction code (letters only, such as `OR` or `OK`)"
            ),
        }
    }
}

impl std::error::Error for ScaffoldError {}

/// The value of a `FIELD:` line of the text's header (`CITATION:`, `TITLE:`,
/// `JURISDICTION:`), if the text has one before its first blank line.
pub fn header_field(text: &str, field: &str) -> Option<String> {
    for line in text.lines() {
        if line.trim().is_empty() {
            return None;
        }
        if let Some((key, value)) = line.split_once(':') {
            if key.trim().eq_ignore_ascii_case(field) && !value.trim().is_empty() {
                return Some(value.trim().to_string());
            }
        }
    }
    None
}

/// A string as a Juris string literal.
fn quoted(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// Writes the scaffold of a policy for `text`.
pub fn scaffold(text: &str, options: &Options) -> Result<Scaffold, ScaffoldError> {
    let jurisdiction = options.jurisdiction.trim();
    if jurisdiction.is_empty() || !jurisdiction.chars().all(|c| c.is_ascii_alphabetic()) {
        return Err(ScaffoldError::BadJurisdiction(options.jurisdiction.clone()));
    }
    let statute = StatuteText::parse(text);
    let subsections: Vec<String> = statute
        .iter()
        .map(|(_, s)| StatuteText::display_path(&s.path))
        .collect();
    if subsections.is_empty() {
        return Err(ScaffoldError::NoSubsections);
    }
    let citation = match &options.citation {
        Some(c) => c.trim().to_string(),
        None => header_field(text, "CITATION")
            .map(|c| {
                c.split([',', '('])
                    .next()
                    .unwrap_or_default()
                    .trim()
                    .to_string()
            })
            .filter(|c| !c.is_empty())
            .ok_or(ScaffoldError::NoCitation)?,
    };
    // A text of sections is cited section first (`8380(b)(1)`), so the prefix stops at its
    // `§`: "Cal. Pub. Util. Code §§ 8380-8381" → "Cal. Pub. Util. Code §".
    let sectioned = statute.roots().iter().any(|r| {
        statute
            .get(*r)
            .path
            .first()
            .is_some_and(|k| crate::statute::is_section_key(k))
    });
    let citation = match citation.find('§') {
        Some(at) if sectioned && options.citation.is_none() => {
            format!("{}§", citation.get(..at).unwrap_or_default())
        }
        _ => citation,
    };
    let title = header_field(text, "TITLE")
        .map(|t| t.split(" (").next().unwrap_or(&t).to_string())
        .or_else(|| statute.title.clone())
        .unwrap_or_else(|| citation.clone());
    // "State of Oregon, USA - …" → "Oregon"; else the code.
    let place = header_field(text, "JURISDICTION")
        .map(|j| {
            let j = j.split([',', '(', '-']).next().unwrap_or_default().trim();
            j.strip_prefix("State of ")
                .or_else(|| j.strip_prefix("Commonwealth of "))
                .unwrap_or(j)
                .trim()
                .to_string()
        })
        .filter(|j| !j.is_empty())
        .unwrap_or_else(|| jurisdiction.to_string());

    let mut policy = String::new();
    let _ = writeln!(
        policy,
        "// {citation}, {title}: a policy begun by `juris new`.\n\
         // Encode each subsection below as a provision (or a definition), or keep its marker\n\
         // with the reason it is not encoded. `juris coverage` shows what is left;\n\
         // docs/tutorial.md walks through the steps.\n"
    );
    let _ = writeln!(policy, "policy {} {{", quoted(&citation));
    let _ = writeln!(policy, "  title {}", quoted(&title));
    let _ = writeln!(policy, "  jurisdiction {}", quoted(jurisdiction));
    let _ = writeln!(policy, "  text {}", quoted(&options.text_file));
    let _ = writeln!(policy, "}}\n");
    let _ = writeln!(
        policy,
        "// The facts a question gives: `name: type \"what it means\"`.\nvocabulary {{}}\n"
    );
    for path in &subsections {
        let _ = writeln!(policy, "not encoded {path} \"to do\"");
    }

    let terms = format!(
        "// The words that place a question in {citation}: `juris ask` matches them as whole words.\n\
         terms {{\n  {} means this policy\n}}\n",
        // A bare code is not a term: "OR" and "OK" are English words.
        if place.eq_ignore_ascii_case(jurisdiction) {
            quoted(&citation)
        } else {
            format!("{}, {}", quoted(&place), quoted(&citation))
        }
    );

    let tests = "// Tests: the facts given, the outcome expected and the provisions that decide it.\n\
         test \"nothing is encoded yet, so nothing is decided\" {\n  expect not_addressed cites\n}\n"
        .to_string();
    Ok(Scaffold {
        policy,
        terms,
        tests,
        subsections: subsections.len(),
    })
}
