//! A JSON Schema (draft 2020-12) of a policy's request vocabulary, generated from the
//! policy, so that clients validate a request before they send it.
//!
//! Facts named with dots (`customer.usage_amw`) are described nested
//! (`{"customer": {"usage_amw": 0.3}}`) and, as the request reader also accepts, flat at the
//! top (`{"customer.usage_amw": 0.3}`). Every fact may be `null` (unknown). Keys outside
//! the vocabulary are refused (`additionalProperties: false`), as the reader refuses them.
//! The schema says what the vocabulary says; the reader's own limits (size, depth, string
//! length) and a key given twice are not in it.

use crate::ir::{Fact, Policy, Type};
use serde_json::{json, Map, Value as Json};

/// The JSON Schema of a policy's requests.
pub fn request_schema(policy: &Policy) -> Json {
    let mut root = Group::default();
    for fact in &policy.facts {
        let mut at = &mut root;
        let mut parts = fact.name.split('.').peekable();
        while let Some(part) = parts.next() {
            if parts.peek().is_none() {
                at.facts.push((part.to_string(), fact_schema(fact)));
            } else {
                let index = match at.groups.iter().position(|(n, _)| n == part) {
                    Some(i) => i,
                    None => {
                        at.groups.push((part.to_string(), Group::default()));
                        at.groups.len() - 1
                    }
                };
                let Some((_, group)) = at.groups.get_mut(index) else {
                    break;
                };
                at = group;
            }
        }
    }
    let mut schema = root.to_schema();
    if let Some(properties) = schema.get_mut("properties").and_then(Json::as_object_mut) {
        properties.insert(
            "jurisdiction".into(),
            json!({"const": policy.jurisdiction, "description": "the jurisdiction of the policy"}),
        );
        for fact in policy.facts.iter().filter(|f| f.name.contains('.')) {
            properties.insert(fact.name.clone(), fact_schema(fact));
        }
    }
    let mut head = Map::new();
    head.insert(
        "$schema".into(),
        "https://json-schema.org/draft/2020-12/schema".into(),
    );
    head.insert(
        "$id".into(),
        format!("urn:juris:request:{}", policy.jurisdiction).into(),
    );
    head.insert(
        "title".into(),
        format!("A request to {} ({})", policy.citation, policy.title).into(),
    );
    if let Json::Object(rest) = schema {
        head.extend(rest);
    }
    Json::Object(head)
}

#[derive(Default)]
struct Group {
    facts: Vec<(String, Json)>,
    groups: Vec<(String, Group)>,
}

impl Group {
    fn to_schema(&self) -> Json {
        let mut properties = Map::new();
        for (name, schema) in &self.facts {
            properties.insert(name.clone(), schema.clone());
        }
        for (name, group) in &self.groups {
            properties.insert(name.clone(), group.to_schema());
        }
        json!({"type": "object", "properties": properties, "additionalProperties": false})
    }
}

/// The request vocabulary as the fields of a form (the workbench's "try facts" and
/// interview): one per fact, in the vocabulary's order ([`field`]).
pub fn form_fields(policy: &Policy) -> Json {
    Json::Array(policy.facts.iter().map(field).collect())
}

/// A fact as a form's field: its `name`, `meaning`, `type` (`bool`, `number`, `date`,
/// `text`, `enum`, `set`), the `options` of an enumeration or a set with their labels in
/// plain words (`null` where the vocabulary gives none), the range of a number or a date
/// (`min`/`max`: `{"value", "inclusive"}` or `null`; a date's as `YYYY-MM-DD`) and the
/// `default` a request that does not give the fact gets (`null`: none, it is unknown).
pub fn field(fact: &Fact) -> Json {
    let (ty, members): (&str, &[String]) = match &fact.ty {
        Type::Bool => ("bool", &[]),
        Type::Number => ("number", &[]),
        Type::Date => ("date", &[]),
        Type::Text => ("text", &[]),
        Type::Enum(m) => ("enum", m),
        Type::Set(m) => ("set", m),
    };
    let options: Vec<Json> = members
        .iter()
        .map(|m| json!({"value": m, "label": fact.member_label(m)}))
        .collect();
    let bound = |b: Option<(f64, bool)>| match b {
        Some((x, inclusive)) if matches!(fact.ty, Type::Date) => {
            json!({"value": fact.show_bound(x), "inclusive": inclusive})
        }
        Some((x, inclusive)) => json!({"value": number(x), "inclusive": inclusive}),
        None => Json::Null,
    };
    json!({
        "name": fact.name,
        "meaning": fact.meaning,
        "type": ty,
        "options": options,
        "min": bound(fact.range.lo),
        "max": bound(fact.range.hi),
        "default": fact.default.as_ref().map_or(Json::Null, |d| fact.to_json(d)),
    })
}

fn fact_schema(fact: &Fact) -> Json {
    let mut schema = Map::new();
    match &fact.ty {
        Type::Bool => {
            schema.insert("type".into(), json!(["boolean", "null"]));
        }
        Type::Number => {
            schema.insert("type".into(), json!(["number", "null"]));
            if let Some((lo, inclusive)) = fact.range.lo {
                let key = if inclusive {
                    "minimum"
                } else {
                    "exclusiveMinimum"
                };
                schema.insert(key.into(), number(lo));
            }
            if let Some((hi, inclusive)) = fact.range.hi {
                let key = if inclusive {
                    "maximum"
                } else {
                    "exclusiveMaximum"
                };
                schema.insert(key.into(), number(hi));
            }
        }
        Type::Date => {
            schema.insert("type".into(), json!(["string", "null"]));
            schema.insert("format".into(), "date".into());
            schema.insert("pattern".into(), r"^\d{4}-\d{2}-\d{2}$".into());
            let bounds = fact.bounds();
            if !bounds.is_empty() {
                schema.insert("x-juris-bounds".into(), json!(bounds));
            }
        }
        Type::Text => {
            schema.insert("type".into(), json!(["string", "null"]));
        }
        Type::Enum(members) => {
            let mut values: Vec<Json> = members.iter().map(|m| json!(m)).collect();
            values.push(Json::Null);
            schema.insert("enum".into(), Json::Array(values));
        }
        Type::Set(members) => {
            schema.insert("type".into(), json!(["array", "null"]));
            schema.insert("items".into(), json!({"enum": members}));
        }
    }
    if !fact.meaning.is_empty() {
        schema.insert("description".into(), fact.meaning.clone().into());
    }
    if let Some(default) = &fact.default {
        schema.insert("default".into(), fact.to_json(default));
    }
    Json::Object(schema)
}

fn number(x: f64) -> Json {
    if x.fract() == 0.0 && x.abs() < 9e15 {
        json!(x as i64)
    } else {
        json!(x)
    }
}
