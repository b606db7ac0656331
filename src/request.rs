//! Requests: converted and validated once, at the boundary, against a policy's vocabulary.
//!
//! A request that does not fit the vocabulary (an undeclared key, a value of the wrong
//! type, a value outside an enumeration or outside a number's declared range) is refused
//! with [`RequestError`]s; it never reaches the evaluator. The evaluator sees only [`Request`]: one slot per fact.

use crate::diagnostic::{code, did_you_mean, excerpt, Code};
use crate::ir::{member_index, FactId, Policy, Type};
use crate::value::{parse_date, Value};
use locate::Point;
use std::sync::Arc;

pub mod document;
pub mod locate;

pub use document::{Document, Limits, Node};

/// Where a fact's value comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// The request gave it.
    Given,
    /// The vocabulary's default.
    Default,
    /// Nobody: the fact is unknown.
    Unknown,
}

/// A validated request: one slot per fact of the policy's vocabulary.
///
/// Build one from JSON ([`Request::from_json`], [`crate::Engine::request_from_json`]), by
/// name ([`Request::set`]), or — the fast path for a service with its own types — from
/// typed values with fact ids and members resolved once:
///
/// ```
/// use juris::{Engine, Request, value::Value};
///
/// let engine = Engine::load(&["policies/oregon"]).expect("the shipped policy checks clean");
/// let policy = engine.policy_for("OR").expect("loaded");
/// // Once, at start-up:
/// let data = policy.fact_id("data").expect("declared");
/// let ssn = policy.member_value(data, "ssn").expect("a member");
/// let usage = policy.fact_id("customer.usage_amw").expect("declared");
/// let blank = Request::empty(policy);
/// // Per request: no name lookups, no JSON.
/// let mut request = blank.clone();
/// request.set_value(policy, data, ssn).expect("of the fact's type");
/// request.set_value(policy, usage, Value::Number(0.3)).expect("of the fact's type");
/// assert!(request.set_value(policy, usage, Value::Bool(true)).is_err());
/// ```
#[derive(Debug, PartialEq)]
pub struct Request {
    values: Vec<Option<Value>>,
    origins: Vec<Origin>,
    /// Unknown enumeration facts known to lie within a set of members (a bit set).
    restrictions: Vec<(FactId, u64)>,
}

impl Clone for Request {
    fn clone(&self) -> Self {
        Request {
            values: self.values.clone(),
            origins: self.origins.clone(),
            restrictions: self.restrictions.clone(),
        }
    }

    /// Reuses this request's buffers: resetting a request to a template allocates nothing.
    fn clone_from(&mut self, source: &Self) {
        if self.values.len() == source.values.len() {
            // Only the slots that differ are written: resetting a request to its template
            // after a few facts were set touches only those.
            for (slot, value) in self.values.iter_mut().zip(&source.values) {
                if slot != value {
                    slot.clone_from(value);
                }
            }
        } else {
            self.values.clone_from(&source.values);
        }
        self.origins.clone_from(&source.origins);
        self.restrictions.clone_from(&source.restrictions);
    }
}

/// Why a request was refused.
#[derive(Clone, Debug, PartialEq)]
pub struct RequestError {
    /// The diagnostic code (`R001` …).
    pub code: &'static Code,
    /// The dotted key the problem is at (empty for the whole request).
    pub key: String,
    /// Whether the problem is the key itself (not in the vocabulary) or its value.
    pub points_at: Point,
    /// A lowercase message without a final period.
    pub message: String,
    /// How to fix it.
    pub help: Option<String>,
    /// Where in the request text, when the reader knows (otherwise the key is looked for).
    pub at: Option<crate::source::Span>,
}

impl RequestError {
    /// Where in the request's text the problem is: where the reader saw it, else the key
    /// (its value, or the key itself), else the start. `juris eval`'s diagnostic and the
    /// service's error JSON point here.
    pub fn span_in(&self, text: &str) -> crate::source::Span {
        use crate::source::Span;
        if let Some(at) = self.at {
            let end = (at.end as usize).min(text.len());
            Span::new((at.start as usize).min(end), end)
        } else if self.key.is_empty() {
            Span::new(0, text.len().min(1))
        } else {
            locate::locate(text, &self.key, self.points_at)
                .or_else(|| locate::locate(text, &self.key, Point::Key))
                .unwrap_or_else(|| Span::new(0, text.len().min(1)))
        }
    }
}

/// A value given for a fact, before it is checked against the fact's type.
#[derive(Clone, Debug, PartialEq)]
pub enum Input<'a> {
    /// A boolean.
    Bool(bool),
    /// A number.
    Number(f64),
    /// A string: an enumeration member, a date or a text.
    Str(&'a str),
    /// A list of strings: a set.
    List(Vec<&'a str>),
}

impl From<bool> for Input<'_> {
    fn from(b: bool) -> Self {
        Input::Bool(b)
    }
}

impl From<f64> for Input<'_> {
    fn from(n: f64) -> Self {
        Input::Number(n)
    }
}

impl<'a> From<&'a str> for Input<'a> {
    fn from(s: &'a str) -> Self {
        Input::Str(s)
    }
}

impl Request {
    /// A request in which every fact is unknown or takes its default.
    pub fn empty(policy: &Policy) -> Self {
        Request::empty_for(&policy.facts)
    }

    /// A request over these facts in which every fact is unknown or takes its default.
    pub fn empty_for(facts: &[crate::ir::Fact]) -> Self {
        let mut values = Vec::with_capacity(facts.len());
        let mut origins = Vec::with_capacity(facts.len());
        for fact in facts {
            match &fact.default {
                Some(v) => {
                    values.push(Some(v.clone()));
                    origins.push(Origin::Default);
                }
                None => {
                    values.push(None);
                    origins.push(Origin::Unknown);
                }
            }
        }
        Request {
            values,
            origins,
            restrictions: Vec::new(),
        }
    }

    /// Restricts an unknown enumeration fact to some of its members (a bit set): a case
    /// split then considers only those. Restricting twice keeps the intersection.
    pub fn restrict(&mut self, fact: FactId, mask: u64) {
        match self.restrictions.iter_mut().find(|(f, _)| *f == fact) {
            Some((_, m)) => *m &= mask,
            None => self.restrictions.push((fact, mask)),
        }
    }

    /// The members an unknown enumeration fact is restricted to, if restricted.
    pub fn restriction(&self, fact: FactId) -> Option<u64> {
        self.restrictions
            .iter()
            .find(|(f, _)| *f == fact)
            .map(|(_, m)| *m)
    }

    /// The value of a fact, if known.
    #[inline]
    pub fn get(&self, fact: FactId) -> Option<&Value> {
        self.values.get(fact.index()).and_then(Option::as_ref)
    }

    /// Where a fact's value comes from.
    pub fn origin(&self, fact: FactId) -> Origin {
        self.origins
            .get(fact.index())
            .copied()
            .unwrap_or(Origin::Unknown)
    }

    /// Sets a fact to a value already of its type (used by case splits).
    #[inline]
    pub fn assume(&mut self, fact: FactId, value: Value) {
        if let (Some(slot), Some(origin)) = (
            self.values.get_mut(fact.index()),
            self.origins.get_mut(fact.index()),
        ) {
            *slot = Some(value);
            *origin = Origin::Given;
        }
    }

    /// Replaces a fact's slot, returning what it held (case splits set a fact and restore
    /// it).
    pub(crate) fn replace(
        &mut self,
        fact: FactId,
        value: Option<Value>,
        origin: Origin,
    ) -> (Option<Value>, Origin) {
        match (
            self.values.get_mut(fact.index()),
            self.origins.get_mut(fact.index()),
        ) {
            (Some(slot), Some(o)) => (std::mem::replace(slot, value), std::mem::replace(o, origin)),
            _ => (None, Origin::Unknown),
        }
    }

    /// Sets a boolean fact by id ([`Request::set_value`] without building a [`Value`]).
    #[inline]
    pub fn set_bool(
        &mut self,
        policy: &Policy,
        fact: FactId,
        value: bool,
    ) -> Result<(), RequestError> {
        match policy.facts.get(fact.index()).map(|f| &f.ty) {
            Some(Type::Bool) => {
                self.assume(fact, Value::Bool(value));
                Ok(())
            }
            _ => self.set_value(policy, fact, Value::Bool(value)),
        }
    }

    /// Sets a number fact by id; the number must be finite and within the fact's range.
    #[inline]
    pub fn set_number(
        &mut self,
        policy: &Policy,
        fact: FactId,
        value: f64,
    ) -> Result<(), RequestError> {
        match policy.facts.get(fact.index()) {
            Some(f)
                if matches!(f.ty, Type::Number) && value.is_finite() && f.range.contains(value) =>
            {
                self.assume(fact, Value::Number(value));
                Ok(())
            }
            _ => self.set_value(policy, fact, Value::Number(value)),
        }
    }

    /// Sets an enumeration fact by id to the member of this index (resolve it once with
    /// [`Policy::member_index`]).
    #[inline]
    pub fn set_member(
        &mut self,
        policy: &Policy,
        fact: FactId,
        member: u8,
    ) -> Result<(), RequestError> {
        match policy.facts.get(fact.index()).map(|f| &f.ty) {
            Some(Type::Enum(members)) if usize::from(member) < members.len() => {
                self.assume(fact, Value::Enum(member));
                Ok(())
            }
            _ => self.set_value(policy, fact, Value::Enum(member)),
        }
    }

    /// Sets a fact, by id, to a typed value: the fast path for a service that resolves
    /// fact ids ([`Policy::fact_id`]) and members ([`Policy::member_value`]) once. The
    /// value is checked against the fact's type (a number must be finite, a member must
    /// be one of the enumeration's, a number or date within the fact's range), so the request
    /// stays valid.
    pub fn set_value(
        &mut self,
        policy: &Policy,
        fact: FactId,
        value: Value,
    ) -> Result<(), RequestError> {
        let Some(declared) = policy.facts.get(fact.index()) else {
            return Err(RequestError {
                code: &code::unknown_key,
                key: format!("#{}", fact.0),
                points_at: Point::Key,
                at: None,
                message: format!(
                    "fact #{} is not in the vocabulary of {}",
                    fact.0, policy.citation
                ),
                help: Some(
                    "resolve fact ids with `Policy::fact_id` on the policy the request is for"
                        .to_string(),
                ),
            });
        };
        let fits = match (&declared.ty, &value) {
            (Type::Bool, Value::Bool(_))
            | (Type::Date, Value::Date(_))
            | (Type::Text, Value::Text(_)) => true,
            (Type::Number, Value::Number(n)) => n.is_finite(),
            (Type::Enum(m), Value::Enum(i)) => usize::from(*i) < m.len(),
            (Type::Set(m), Value::Set(bits)) => m.len() >= 64 || bits >> m.len() == 0,
            _ => false,
        };
        if !fits {
            let found = match &value {
                Value::Enum(i) => format!("member #{i}"),
                Value::Set(bits) => format!("the set {bits:#x}"),
                v => format!("`{v}`"),
            };
            let code = match (&declared.ty, &value) {
                (Type::Enum(_), Value::Enum(_)) | (Type::Set(_), Value::Set(_)) => {
                    &code::unknown_value
                }
                _ => &code::wrong_type,
            };
            let mut e = wrong_type_at(policy, &declared.name, &found);
            e.code = code;
            return Err(e);
        }
        if !declared.in_range(&value) {
            return Err(out_of_range(policy, declared, &value));
        }
        self.assume(fact, value);
        Ok(())
    }

    /// Sets a fact by name, checking the value against its type.
    pub fn set<'a>(
        &mut self,
        policy: &Policy,
        key: &str,
        input: impl Into<Input<'a>>,
    ) -> Result<(), RequestError> {
        let Some(fact) = policy.fact_id(key) else {
            return Err(unknown_key(policy, key));
        };
        let value = convert(policy, fact, key, input.into())?;
        self.assume(fact, value);
        Ok(())
    }

    /// Marks a fact unknown (a JSON `null`).
    pub fn unset(&mut self, policy: &Policy, key: &str) -> Result<(), RequestError> {
        let Some(fact) = policy.fact_id(key) else {
            return Err(unknown_key(policy, key));
        };
        if let (Some(slot), Some(origin)) = (
            self.values.get_mut(fact.index()),
            self.origins.get_mut(fact.index()),
        ) {
            *slot = None;
            *origin = Origin::Unknown;
        }
        Ok(())
    }

    /// Builds a request from a JSON object. Every problem is reported, not just the first.
    /// The `jurisdiction` key, if present, must name this policy's jurisdiction.
    pub fn from_json(
        policy: &Policy,
        json: &serde_json::Value,
    ) -> Result<Request, Vec<RequestError>> {
        let mut document = Document::default();
        document.read_value(json).map_err(|e| vec![e])?;
        let mut request = Request::empty(policy);
        request.fill_from(policy, &document, &mut String::new())?;
        Ok(request)
    }

    /// Sets the facts a JSON request ([`Document`]) gives, in key order: the one decoder of
    /// requests. Every problem is reported, not just the first. The `jurisdiction` key, if
    /// present, must name this policy's jurisdiction. `key` is a buffer for dotted keys.
    pub fn fill_from(
        &mut self,
        policy: &Policy,
        document: &Document,
        key: &mut String,
    ) -> Result<(), Vec<RequestError>> {
        let Node::Object(start, end) = document.root() else {
            return Err(vec![not_an_object()]);
        };
        let mut errors = Vec::new();
        for (name, value) in document.members(start, end) {
            if name == "jurisdiction" {
                let given = match value {
                    Node::Str(s, e) => document.str(s, e),
                    _ => "",
                };
                if !matches!(value, Node::Str(..)) || given != policy.jurisdiction {
                    errors.push(RequestError {
                        code: &code::unknown_jurisdiction,
                        key: name.to_string(),
                        points_at: Point::Value,
                        at: None,
                        message: format!(
                            "this request names jurisdiction {}, but the policy is for `{}`",
                            excerpt(&document.to_value(value).to_string()),
                            policy.jurisdiction
                        ),
                        help: Some(format!(
                            "use `\"jurisdiction\": \"{}\"`",
                            policy.jurisdiction
                        )),
                    });
                }
                continue;
            }
            key.clear();
            key.push_str(name);
            self.fill(policy, document, key, value, &mut errors);
        }
        // In key order, each once: the order of a `serde_json::Value`'s members, so that a
        // request is refused alike however it was read (a key given twice, last one kept).
        errors.sort_by(|a, b| a.key.cmp(&b.key));
        errors.dedup_by(|a, b| a.key == b.key && a.message == b.message);
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    /// Sets the fact `key` (or, for an object under a prefix of fact names, the facts
    /// within it) from a node of the document.
    fn fill(
        &mut self,
        policy: &Policy,
        document: &Document,
        key: &mut String,
        value: Node,
        errors: &mut Vec<RequestError>,
    ) {
        if let Node::Object(start, end) = value {
            if policy.fact_id(key).is_none() {
                let is_prefix = policy.is_fact_group(key);
                if is_prefix {
                    let at = key.len();
                    for (k, v) in document.members(start, end) {
                        key.truncate(at);
                        key.push('.');
                        key.push_str(k);
                        self.fill(policy, document, key, v, errors);
                    }
                    key.truncate(at);
                } else {
                    errors.push(unknown_key(policy, key));
                }
                return;
            }
        }
        let input = match value {
            Node::Null => {
                if let Err(e) = self.unset(policy, key) {
                    errors.push(e);
                }
                return;
            }
            Node::Bool(b) => Input::Bool(b),
            Node::Number(n) => Input::Number(n),
            Node::Str(s, e) => Input::Str(document.str(s, e)),
            Node::Array { items, strings } => {
                if !strings {
                    errors.push(wrong_type_at(policy, key, "an array of strings"));
                    return;
                }
                Input::List(document.items(items.0, items.1).collect())
            }
            Node::Object(..) => {
                errors.push(wrong_type_at(policy, key, "an object"));
                return;
            }
        };
        if let Err(e) = self.set(policy, key, input) {
            errors.push(e);
        }
    }
}

/// The error for a request that is not a JSON object.
pub(crate) fn not_an_object() -> RequestError {
    RequestError {
        code: &code::invalid_json,
        key: String::new(),
        points_at: Point::Value,
        at: None,
        message: "the request is not a JSON object".to_string(),
        help: Some("a request looks like `{\"jurisdiction\": \"OR\", \"actor\": …}`".into()),
    }
}

fn unknown_key(policy: &Policy, key: &str) -> RequestError {
    let suggestion = did_you_mean(
        key,
        policy
            .facts
            .iter()
            .map(|f| f.name.as_str())
            .chain(std::iter::once("jurisdiction")),
    );
    RequestError {
        code: &code::unknown_key,
        key: key.to_string(),
        points_at: Point::Key,
        at: None,
        message: format!(
            "`{}` is not in the vocabulary of {}",
            excerpt(key),
            policy.citation
        ),
        help: Some(match suggestion {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!(
                "keys of {} start with: {}",
                policy.citation,
                top_level_keys(policy)
            ),
        }),
    }
}

fn top_level_keys(policy: &Policy) -> String {
    let mut keys: Vec<&str> = policy
        .facts
        .iter()
        .map(|f| f.name.split('.').next().unwrap_or(""))
        .collect();
    keys.dedup();
    keys.sort_unstable();
    keys.dedup();
    keys.iter()
        .map(|k| format!("`{k}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn wrong_type_at(policy: &Policy, key: &str, found: &str) -> RequestError {
    let expected = policy
        .fact_id(key)
        .map(|f| policy.fact(f).ty.describe())
        .unwrap_or_else(|| "a value".to_string());
    RequestError {
        code: &code::wrong_type,
        key: key.to_string(),
        points_at: Point::Value,
        at: None,
        message: format!("`{}` must be {expected}, found {found}", excerpt(key)),
        help: Some(example_for(policy, key)),
    }
}

fn example_for(policy: &Policy, key: &str) -> String {
    let Some(fact) = policy.fact_id(key).map(|f| policy.fact(f)) else {
        return String::new();
    };
    match &fact.ty {
        Type::Bool => format!("write `\"{}\": true` or `false`", leaf_key(key)),
        Type::Number => format!("write a JSON number, e.g. `\"{}\": 0.5`", leaf_key(key)),
        Type::Date => format!(
            "write a date string, e.g. `\"{}\": \"2024-01-31\"`",
            leaf_key(key)
        ),
        Type::Text => format!("write a string, e.g. `\"{}\": \"…\"`", leaf_key(key)),
        Type::Enum(m) => format!(
            "write one of the members as a string, e.g. `\"{}\": \"{}\"`",
            leaf_key(key),
            m.first().map(String::as_str).unwrap_or("")
        ),
        Type::Set(m) => format!(
            "write an array of members, e.g. `\"{}\": [\"{}\"]`",
            leaf_key(key),
            m.first().map(String::as_str).unwrap_or("")
        ),
    }
}

fn leaf_key(key: &str) -> &str {
    key.rsplit('.').next().unwrap_or(key)
}

/// `R006`: a number or date outside the range its fact declares.
fn out_of_range(policy: &Policy, fact: &crate::ir::Fact, value: &Value) -> RequestError {
    let bounds = fact.bounds();
    let shown = match value {
        Value::Date(_) => format!("`\"{}\"`", fact.show(value)),
        _ => format!("`{}`", fact.show(value)),
    };
    RequestError {
        code: &code::out_of_range,
        key: fact.name.clone(),
        points_at: Point::Value,
        at: None,
        message: format!(
            "`{}` must be {} {}, found {shown}",
            fact.name,
            fact.ty.describe(),
            bounds.join(" and ")
        ),
        help: Some(format!(
            "the vocabulary of {} declares `{}: {} {}`; give a value within that range, \
             or leave the fact out if it is not known",
            policy.citation,
            fact.name,
            match fact.ty {
                Type::Date => "date",
                _ => "number",
            },
            bounds.join(" ")
        )),
    }
}

fn convert(policy: &Policy, fact: FactId, key: &str, input: Input) -> Result<Value, RequestError> {
    let value = convert_type(policy, fact, key, input)?;
    let declared = policy.fact(fact);
    if declared.in_range(&value) {
        Ok(value)
    } else {
        Err(out_of_range(policy, declared, &value))
    }
}

/// A value of the fact's type, before its range is checked.
fn convert_type(
    policy: &Policy,
    fact: FactId,
    key: &str,
    input: Input,
) -> Result<Value, RequestError> {
    let declared = policy.fact(fact);
    // Written only for a message: a request that fits allocates nothing here.
    let found = |input: &Input| match input {
        Input::Bool(b) => format!("`{b}`"),
        Input::Number(n) => format!("`{}`", crate::value::format_number(*n)),
        Input::Str(s) => format!("`\"{}\"`", excerpt(s)),
        Input::List(_) => "an array".to_string(),
    };
    match (&declared.ty, input) {
        (Type::Bool, Input::Bool(b)) => Ok(Value::Bool(b)),
        (Type::Number, Input::Number(n)) if n.is_finite() => Ok(Value::Number(n)),
        (Type::Date, Input::Str(s)) => parse_date(s).map(Value::Date).ok_or_else(|| {
            wrong_type_at(
                policy,
                key,
                &format!("{}, which is not a YYYY-MM-DD date", found(&Input::Str(s))),
            )
        }),
        (Type::Text, Input::Str(s)) => Ok(Value::Text(Arc::from(s))),
        (Type::Enum(members), Input::Str(s)) => member_index(members, s)
            .map(Value::Enum)
            .ok_or_else(|| unknown_value(key, s, members)),
        (Type::Set(members), Input::List(items)) => {
            let mut bits = 0u64;
            for item in items {
                let i =
                    member_index(members, item).ok_or_else(|| unknown_value(key, item, members))?;
                bits |= 1u64 << i;
            }
            Ok(Value::Set(bits))
        }
        (_, input) => Err(wrong_type_at(policy, key, &found(&input))),
    }
}

impl Policy {
    /// The value of an enumeration fact that is this member, if it is one (resolve it once
    /// and set it with [`Request::set_value`]).
    pub fn member_value(&self, fact: FactId, name: &str) -> Option<Value> {
        match &self.facts.get(fact.index())?.ty {
            Type::Enum(members) => member_index(members, name).map(Value::Enum),
            _ => None,
        }
    }

    /// The index of an enumeration fact's member, if it is one (resolve it once and set it
    /// with [`Request::set_member`]).
    pub fn member_index(&self, fact: FactId, name: &str) -> Option<u8> {
        match &self.facts.get(fact.index())?.ty {
            Type::Enum(members) => member_index(members, name),
            _ => None,
        }
    }
}

impl crate::ir::Test {
    /// The request this test states, for the policy it belongs to: the facts it gives,
    /// every other fact unknown or at its default.
    pub fn request(&self, policy: &Policy) -> Request {
        Request::with_givens(policy, &self.givens)
    }
}

impl Request {
    /// The facts the request gave (not those it left unknown or to their defaults), in
    /// the vocabulary's order: the inverse of [`Request::with_givens`].
    pub fn givens(&self) -> Vec<(crate::ir::FactId, crate::value::Value)> {
        self.values
            .iter()
            .zip(&self.origins)
            .enumerate()
            .filter_map(|(i, (value, origin))| match (value, origin) {
                (Some(v), Origin::Given) => Some((crate::ir::FactId(i as u32), v.clone())),
                _ => None,
            })
            .collect()
    }

    /// The request that gives these facts, every other fact unknown or at its default.
    pub fn with_givens(
        policy: &Policy,
        givens: &[(crate::ir::FactId, crate::value::Value)],
    ) -> Request {
        let mut request = Request::empty(policy);
        for (fact, value) in givens {
            request.assume(*fact, value.clone());
        }
        request
    }
}

fn unknown_value(key: &str, value: &str, members: &[String]) -> RequestError {
    let suggestion = did_you_mean(value, members.iter().map(String::as_str));
    let list = Type::Enum(members.to_vec()).describe();
    RequestError {
        code: &code::unknown_value,
        key: key.to_string(),
        points_at: Point::Value,
        at: None,
        message: format!("`{}` is not a value of `{key}`", excerpt(value)),
        help: Some(match suggestion {
            Some(s) => format!("did you mean `{s}`? `{key}` is {list}"),
            None => format!("`{key}` is {list}"),
        }),
    }
}
