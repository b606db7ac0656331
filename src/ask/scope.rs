//! Questions outside the encoded law: another jurisdiction, another sector, an entity the
//! instrument excludes, a topic no encoded text speaks to. Each is answered with why, never
//! decided under another rule.

use super::english::{self, Token};
use crate::engine::Engine;
use crate::ir::Policy;

/// Where the words of `phrase` (its determiners left out) stand in the question, if they do.
fn find(ws: &[Token], phrase: &str) -> Option<usize> {
    let keys: Vec<&str> = ws.iter().map(|t| t.key.as_str()).collect();
    let p: Vec<String> = english::tokens(phrase)
        .into_iter()
        .filter(|t| !t.determiner)
        .map(|t| t.key)
        .collect();
    if p.is_empty() {
        return None;
    }
    (0..keys.len().saturating_sub(p.len().saturating_sub(1)))
        .find(|&i| i + p.len() <= keys.len() && keys[i..i + p.len()] == p[..])
}

/// The states the question names whose law no loaded policy encodes, in the order of
/// [`english::STATES`]: a question about Texas and California is answered for California,
/// and the answer must say that Texas is not.
pub(super) fn unencoded_states(engine: &Engine, ws: &[Token]) -> Vec<&'static str> {
    english::STATES
        .iter()
        .copied()
        .filter(|s| find(ws, s).is_some())
        .filter(|s| {
            !engine.policies().iter().any(|p| {
                p.terms.iter().any(|t| {
                    t.meaning.is_none() && t.phrases.iter().any(|ph| ph.eq_ignore_ascii_case(s))
                })
            })
        })
        .collect()
}

/// Why a question lies outside the encoded law, if it does: another jurisdiction named
/// when no loaded policy is, another sector, an entity the instrument excludes, a topic no
/// encoded text speaks to.
pub(super) fn out_of_scope(
    engine: &Engine,
    placed: Option<&Policy>,
    ws: &[Token],
) -> Option<String> {
    let has = |phrase: &str| find(ws, phrase);
    let covered: Vec<String> = engine
        .policies()
        .iter()
        .map(|p| {
            format!(
                "{}, {} ({})",
                p.title,
                p.citation.trim_end_matches(" §"),
                p.jurisdiction
            )
        })
        .collect();
    if placed.is_none() {
        if let Some(s) = unencoded_states(engine, ws).first() {
            return Some(format!(
                "the question names {s}, and no law of {s} is encoded (the encoded law: {})",
                covered.join("; ")
            ));
        }
    }
    // What the answer calls the law: the instrument the question is placed in, or, for a
    // question that names none, all of the encoded law.
    let law = match placed {
        Some(policy) => format!("the {}", policy.title),
        None => format!("the encoded law ({})", covered.join("; ")),
    };
    // A sector the placed policy's own terms name (a gas corporation, for California's
    // law) is within it; so is one any loaded policy names, for a question placed nowhere.
    let names_sector = |policy: &Policy, sector: &str| {
        policy.terms.iter().any(|t| {
            t.meaning.is_some()
                && t.phrases.iter().any(|ph| {
                    // The sector's name followed by a word for a provider: "gas corporation",
                    // "gas company" (not "phone number").
                    let ph = ph.to_lowercase();
                    ph.strip_prefix(sector)
                        .and_then(|rest| rest.strip_prefix(' '))
                        .is_some_and(|rest| {
                            english::PROVIDERS
                                .iter()
                                .chain(["corporation"].iter())
                                .any(|p| rest.starts_with(p))
                        })
                })
        })
    };
    let covers = |sector: &str| match placed {
        Some(policy) => names_sector(policy, sector),
        None => engine.policies().iter().any(|p| names_sector(p, sector)),
    };
    let services = {
        let mut named: Vec<&str> = vec!["electric"];
        for (sector, name) in english::SECTORS {
            if covers(sector) && !named.iter().any(|n| n.ends_with(name) || name.ends_with(n)) {
                named.push(name);
            }
        }
        named.join(" and ")
    };
    for (sector, name) in english::SECTORS {
        if covers(sector) {
            continue;
        }
        if let Some(i) = has(sector) {
            let n = sector.split(' ').count();
            if ws
                .get(i + n)
                .is_some_and(|t| english::PROVIDERS.iter().any(|p| t.key.starts_with(p)))
            {
                return Some(format!(
                    "the question is about a {name} provider (“{}”), and {law} governs {services} service only",
                    ws[i..=i + n].iter().map(|t| t.raw.as_str()).collect::<Vec<_>>().join(" "),
                ));
            }
        }
    }
    // A topic's word inside a phrase the placed policy's terms give (California's
    // "immigration enforcement", an immigration authority) names no topic.
    let in_term = |word: &str| {
        placed.is_some_and(|policy| {
            policy.terms.iter().any(|t| {
                t.phrases.iter().any(|ph| {
                    ph.contains(' ')
                        && ph.to_lowercase().split(' ').any(|w| w == word)
                        && has(ph).is_some()
                })
            })
        })
    };
    for (word, topic) in english::TOPICS {
        if ws.iter().any(|t| t.raw == *word) && !in_term(word) {
            return Some(match placed {
                Some(policy) => format!(
                    "the question asks about {topic}, and no encoded text of the {} speaks to {topic}",
                    policy.title
                ),
                None => format!(
                    "the question asks about {topic}, and no encoded text speaks to {topic} (the encoded law: {})",
                    covered.join("; ")
                ),
            });
        }
    }
    let policy = placed?;
    for (jurisdiction, entities, reason) in english::EXCLUDED {
        if policy.jurisdiction == *jurisdiction {
            if let Some(e) = entities.iter().find(|e| has(e).is_some()) {
                return Some(format!(
                    "the question is about a {e}, which the {} does not reach: {reason}",
                    policy.title
                ));
            }
        }
    }
    None
}
