//! Conditions, outcomes and open facts in the words of the vocabulary: a fact's meaning,
//! a member's label, a number's bounds in words; never a dotted name or a snake_case
//! member.

use crate::eval::{CaseValue, Outcome};
use crate::ir::{FactId, Policy, Type};
use crate::value::Value;

/// An outcome in words.
pub fn outcome_words(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Required => "required (must be done)",
        Outcome::Permitted => "permitted",
        Outcome::Prohibited => "not permitted",
        Outcome::NotAddressed => "not covered by the encoded law",
        Outcome::Undetermined => "undetermined",
        Outcome::Conflict => "in conflict between provisions (treat as not permitted)",
    }
}

/// What a provision does to the act, after "it": "bars it", "permits it".
pub fn outcome_verb(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Required => "requires it",
        Outcome::Permitted => "permits it",
        Outcome::Prohibited => "bars it",
        Outcome::NotAddressed => "leaves it outside the encoded law",
        Outcome::Undetermined => "leaves it open",
        Outcome::Conflict => "conflicts with another provision",
    }
}

/// A member of an enumeration fact in words: its label, else its name in words.
pub fn member_words(policy: &Policy, fact: FactId, member: usize) -> String {
    let declared = policy.fact(fact);
    let Some(name) = declared.ty.members().get(member) else {
        return String::new();
    };
    match declared.member_label(name) {
        Some(label) => label.to_string(),
        None => name.replace('_', " "),
    }
}

/// What a fact names, as the subject of "is": a meaning that is a short noun phrase
/// ("the kind of utility"), the head of a longer one ("the customer's usage in average
/// megawatts"), or else its name ("the recipient", "the utility's kind").
pub fn noun(policy: &Policy, fact: FactId) -> String {
    let declared = policy.fact(fact);
    let meaning = declared.meaning.trim();
    let head = meaning.split(", ").next().unwrap_or(meaning);
    let is_noun_phrase = head.starts_with("the ")
        && !head.contains(':')
        && head.split_whitespace().count() <= 8
        && !matches!(declared.ty, Type::Bool);
    if is_noun_phrase {
        return head.to_string();
    }
    let name = declared.name.replace('_', " ");
    match name.split_once('.') {
        Some((group, field)) => format!("the {group}'s {field}"),
        None => format!("the {name}"),
    }
}

/// What the answer turns on, for "it depends on …": "whether the customer opted in",
/// "the kind of utility".
pub fn topic(policy: &Policy, fact: FactId) -> String {
    let declared = policy.fact(fact);
    match declared.ty {
        Type::Bool => format!("whether {}", declared.meaning.trim_end_matches('.')),
        _ => noun(policy, fact),
    }
}

/// A fact taking a value, in words.
pub fn condition_words(policy: &Policy, fact: FactId, value: &CaseValue) -> String {
    let declared = policy.fact(fact);
    match (&declared.ty, value) {
        (Type::Bool, CaseValue::Value(Value::Bool(true))) => declared.meaning.clone(),
        (Type::Bool, CaseValue::Value(Value::Bool(false))) => negate(&declared.meaning),
        (Type::Enum(_), _) => format!(
            "{} is {}",
            noun(policy, fact),
            value_words(policy, fact, value)
        ),
        (Type::Number | Type::Date, CaseValue::Range { .. }) => {
            format!(
                "{} is {}",
                noun(policy, fact),
                value_words(policy, fact, value)
            )
        }
        _ => format!(
            "{} is {}",
            noun(policy, fact),
            value_words(policy, fact, value)
        ),
    }
}

/// A value of a fact in words: members by their labels, ranges by their bounds.
pub fn value_words(policy: &Policy, fact: FactId, value: &CaseValue) -> String {
    let declared = policy.fact(fact);
    let show = |x: f64| declared.show_bound(x);
    match value {
        CaseValue::Value(Value::Enum(i)) => member_words(policy, fact, usize::from(*i)),
        CaseValue::Value(Value::Bool(b)) => if *b { "yes" } else { "no" }.to_string(),
        CaseValue::Value(v) => declared.show(v),
        CaseValue::Members(mask) => {
            let names: Vec<String> = (0..declared.ty.members().len())
                .filter(|i| mask & (1u64 << i) != 0)
                .map(|i| member_words(policy, fact, i))
                .collect();
            join_or(&names)
        }
        CaseValue::Range { lo, hi } => {
            // A lower bound the vocabulary itself sets goes without saying.
            let lo = lo.filter(|b| Some(*b) != declared.range.lo);
            let hi = hi.filter(|b| Some(*b) != declared.range.hi);
            let (after, before) = if matches!(declared.ty, Type::Date) {
                (("after", "on or after"), ("before", "on or before"))
            } else {
                (("over", "at least"), ("under", "at most"))
            };
            let lower =
                lo.map(|(x, incl)| format!("{} {}", if incl { after.1 } else { after.0 }, show(x)));
            let upper = hi
                .map(|(x, incl)| format!("{} {}", if incl { before.1 } else { before.0 }, show(x)));
            match (lower, upper) {
                (Some(l), Some(u)) => format!("{l} and {u}"),
                (Some(l), None) => l,
                (None, Some(u)) => u,
                (None, None) => "any value".to_string(),
            }
        }
    }
}

/// An open fact as what we would need to know: "Whether the customer opted in.", "The
/// kind of utility: investor owned, cooperative or municipal."
pub fn need_words(policy: &Policy, fact: FactId, values: &[CaseValue]) -> String {
    let declared = policy.fact(fact);
    match &declared.ty {
        Type::Bool => format!("Whether {}.", declared.meaning.trim_end_matches('.')),
        Type::Enum(members) => {
            let mut mask = 0u64;
            for v in values {
                match v {
                    CaseValue::Value(Value::Enum(i)) => mask |= 1u64 << i,
                    CaseValue::Members(m) => mask |= m,
                    _ => {}
                }
            }
            let options: Vec<String> = (0..members.len())
                .filter(|i| mask & (1u64 << i) != 0)
                .map(|i| member_words(policy, fact, i))
                .collect();
            format!(
                "{}: {}.",
                capitalize(&noun(policy, fact)),
                join_or(&options)
            )
        }
        _ => {
            let options: Vec<String> = values
                .iter()
                .map(|v| value_words(policy, fact, v))
                .collect();
            format!(
                "{}: {}.",
                capitalize(&noun(policy, fact)),
                join_or(&options)
            )
        }
    }
}

/// Auxiliary verbs a negation follows: "is" → "is not".
const AUXILIARIES: &[&str] = &[
    "is", "are", "was", "were", "has", "have", "had", "can", "could", "will", "would", "may",
    "must", "should", "does", "do", "did",
];

/// Past tenses whose base form is not the word less "-ed".
const IRREGULAR: &[(&str, &str)] = &[
    ("gave", "give"),
    ("made", "make"),
    ("sent", "send"),
    ("met", "meet"),
    ("got", "get"),
    ("took", "take"),
    ("chose", "choose"),
    ("paid", "pay"),
    ("sold", "sell"),
    ("told", "tell"),
    ("knew", "know"),
    ("wrote", "write"),
    ("kept", "keep"),
    ("held", "hold"),
];

/// A clause negated: "the customer is on the list" → "the customer is not on the list";
/// "the customer asked …" → "the customer did not ask …"; "an agreement governs …" →
/// "no agreement governs …". The first verb of the clause is negated; where none is found
/// the clause is prefixed with "not:".
pub fn negate(clause: &str) -> String {
    let words: Vec<&str> = clause.split(' ').collect();
    // The verb of a relative clause ("a customer who had opted in later opted out") is not
    // the clause's own.
    let mut in_relative = false;
    let mut skip_participle = false;
    for (i, word) in words.iter().enumerate().skip(1) {
        let bare = word.trim_end_matches([',', ':', ';']);
        let lower = bare.to_lowercase();
        if ["who", "which"].contains(&lower.as_str()) {
            in_relative = true;
            continue;
        }
        let auxiliary = AUXILIARIES.contains(&lower.as_str());
        let verb = auxiliary || past_base(&lower).is_some();
        if verb && skip_participle {
            skip_participle = false;
            continue;
        }
        if verb && in_relative {
            in_relative = false;
            // An auxiliary's participle belongs to the relative clause too.
            skip_participle = auxiliary;
            continue;
        }
        if AUXILIARIES.contains(&lower.as_str()) {
            let mut out: Vec<String> = words.iter().map(|w| w.to_string()).collect();
            out[i] = format!("{bare} not{}", &word[bare.len()..]);
            return out.join(" ");
        }
        let after_adverb = words[i - 1].ends_with("ly");
        if let Some(base) = past_base(&lower).filter(|_| !after_adverb) {
            let mut out: Vec<String> = words.iter().map(|w| w.to_string()).collect();
            out[i] = format!("did not {base}{}", &word[bare.len()..]);
            return out.join(" ");
        }
        let auxiliary_later = words[i..]
            .iter()
            .any(|w| AUXILIARIES.contains(&w.to_lowercase().as_str()));
        let after_determiner = DETERMINERS.contains(&words[i - 1].to_lowercase().as_str());
        if let Some(base) = present_base(&lower).filter(|_| !auxiliary_later && !after_determiner) {
            let mut out: Vec<String> = words.iter().map(|w| w.to_string()).collect();
            out[i] = format!("does not {base}{}", &word[bare.len()..]);
            return out.join(" ");
        }
    }
    // A subject with an indefinite article: "an agreement governs" → "no agreement governs".
    if let Some(rest) = clause
        .strip_prefix("an ")
        .or_else(|| clause.strip_prefix("a "))
    {
        return format!("no {rest}");
    }
    format!("not: {clause}")
}

/// Words after which an -s word is a noun, not a verb.
const DETERMINERS: &[&str] = &[
    "the", "a", "an", "its", "their", "his", "her", "our", "your", "of", "in", "to", "for", "and",
    "or", "all", "some", "any", "this", "that", "these", "those", "by", "with", "on",
];

/// The base form of a verb in the third person present, if the word may be one:
/// "covers" → "cover", "applies" → "apply", "reaches" → "reach".
fn present_base(word: &str) -> Option<String> {
    if word.len() < 4
        || !word.ends_with('s')
        || ["ss", "us", "is", "'s", "ics"]
            .iter()
            .any(|e| word.ends_with(e))
        || !word.chars().all(|c| c.is_ascii_lowercase())
    {
        return None;
    }
    if let Some(stem) = word.strip_suffix("ies") {
        return Some(format!("{stem}y"));
    }
    for end in ["ches", "shes", "sses", "xes", "zes"] {
        if word.ends_with(end) {
            return Some(word[..word.len() - 2].to_string());
        }
    }
    Some(word[..word.len() - 1].to_string())
}

/// The base form of a verb in the past tense, if the word is one.
fn past_base(word: &str) -> Option<String> {
    if let Some((_, base)) = IRREGULAR.iter().find(|(past, _)| *past == word) {
        return Some((*base).to_string());
    }
    let not_verbs = [
        "need", "seed", "feed", "reed", "shed", "bred", "sped", "fled", "bled",
    ];
    if word.len() < 4 || !word.ends_with("ed") || not_verbs.contains(&word) {
        return None;
    }
    let stem = &word[..word.len() - 2];
    let base = if let Some(s) = word.strip_suffix("ied") {
        format!("{s}y")
    } else if word.ends_with("eed") {
        word[..word.len() - 1].to_string()
    } else if ["iz", "v", "c", "g", "at", "ut", "ur", "vid", "lud"]
        .iter()
        .any(|end| stem.ends_with(end))
        || (stem.ends_with('s') && !stem.ends_with("ss"))
    {
        format!("{stem}e")
    } else {
        stem.to_string()
    };
    Some(base)
}

/// Items joined: "a", "a and b", "a, b and c".
pub fn join_and<S: AsRef<str>>(items: &[S]) -> String {
    join(items, "and")
}

/// Items joined: "a", "a or b", "a, b or c".
pub fn join_or<S: AsRef<str>>(items: &[S]) -> String {
    join(items, "or")
}

fn join<S: AsRef<str>>(items: &[S], word: &str) -> String {
    match items {
        [] => String::new(),
        [one] => one.as_ref().to_string(),
        [init @ .., last] => {
            let init: Vec<&str> = init.iter().map(AsRef::as_ref).collect();
            format!("{} {word} {}", init.join(", "), last.as_ref())
        }
    }
}

/// The first letter in upper case.
pub fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::negate;

    #[test]
    fn clauses_are_negated_at_their_first_verb() {
        let cases = [
            ("the customer is on the do-not-contact list", "the customer is not on the do-not-contact list"),
            ("the Administrator has met all of (15)(a)-(d)", "the Administrator has not met all of (15)(a)-(d)"),
            ("the (12) notice was sent before the Administrator receives the information", "the (12) notice was not sent before the Administrator receives the information"),
            ("the customer asked that its information not be shared with third parties", "the customer did not ask that its information not be shared with third parties"),
            ("an over 1 aMW customer elected to opt in to the information transfer", "an over 1 aMW customer did not elect to opt in to the information transfer"),
            ("the customer agreed, under an agreement in which the Administrator gave an incentive, that this item may be transferred", "the customer did not agree, under an agreement in which the Administrator gave an incentive, that this item may be transferred"),
            ("the customer gave written consent: to the transfer", "the customer did not give written consent: to the transfer"),
            ("an over 1 aMW customer authorized transfer of this item", "an over 1 aMW customer did not authorize transfer of this item"),
            ("the Administrator approved sharing with this subcontractor", "the Administrator did not approve sharing with this subcontractor"),
            ("an Information Transfer Agreement governs the transfer", "an Information Transfer Agreement does not govern the transfer"),
            ("the aggregate data covers enough similarly situated customers", "the aggregate data does not cover enough similarly situated customers"),
            ("the customer records are kept", "the customer records are not kept"),
            ("the rule applies to the data", "the rule does not apply to the data"),
            ("the customer's request is in writing", "the customer's request is not in writing"),
            ("providing the data is feasible", "providing the data is not feasible"),
            ("the customer used the service", "the customer did not use the service"),
            ("the customer requested it", "the customer did not request it"),
            ("a customer who had opted in later opted out by written notice", "a customer who had opted in later did not opt out by written notice"),
            ("the company provided the data", "the company did not provide the data"),
        ];
        for (clause, negated) in cases {
            assert_eq!(negate(clause), negated, "{clause}");
        }
    }
}
