//! Conditions: names resolved, types checked, compiled into the expression arena.

use super::Checker;
use crate::ast::{self, CompareOp};
use crate::diagnostic::{code, did_you_mean, Diagnostic};
use crate::ir::{member_index, Expr, ExprId, FactId, Type};
use crate::source::Span;
use crate::value::{parse_date, Value};
use std::sync::Arc;

/// The value a literal denotes for a fact of type `ty`, if it is one.
pub(crate) fn literal_value(ty: &Type, value: &ast::Value) -> Option<Value> {
    match (ty, value) {
        (Type::Bool, ast::Value::Bool(b, _)) => Some(Value::Bool(*b)),
        (Type::Number, ast::Value::Number(n, _)) => Some(Value::Number(*n)),
        (Type::Date, ast::Value::Date(d, _)) => parse_date(d).map(Value::Date),
        (Type::Text, ast::Value::Text(t, _)) => Some(Value::Text(Arc::from(t.as_str()))),
        (Type::Enum(m), ast::Value::Name(n, _)) => member_index(m, n).map(Value::Enum),
        (Type::Set(m), ast::Value::Set(items, _)) => {
            let mut bits = 0u64;
            for item in items {
                bits |= 1u64 << member_index(m, &item.value)?;
            }
            Some(Value::Set(bits))
        }
        _ => None,
    }
}

/// What a literal is, in words.
fn literal_kind(value: &ast::Value) -> &'static str {
    match value {
        ast::Value::Bool(..) => "a boolean",
        ast::Value::Number(..) => "a number",
        ast::Value::Date(..) => "a date",
        ast::Value::Text(..) => "a text",
        ast::Value::Name(..) => "an enumeration member",
        ast::Value::Set(..) => "a set of members",
    }
}

/// A value as it would be written in a policy, for a help line's suggested fix.
fn written_value(value: &ast::Value) -> String {
    match value {
        ast::Value::Bool(b, _) => b.to_string(),
        ast::Value::Number(n, _) => n.to_string(),
        ast::Value::Date(d, _) | ast::Value::Name(d, _) => d.clone(),
        ast::Value::Text(t, _) => format!("{t:?}"),
        ast::Value::Set(items, _) => {
            let names: Vec<&str> = items.iter().map(|i| i.value.as_str()).collect();
            format!("one of [{}]", names.join(", "))
        }
    }
}

impl Checker<'_> {
    fn false_expr(&mut self, span: Span) -> ExprId {
        self.push_expr(Expr::Const(false), span)
    }

    /// Looks up a fact by name, reporting `C001` (with a suggestion) when it is not one.
    fn fact_named(&mut self, name: &ast::Spanned<String>) -> Option<FactId> {
        match self.fact_index.get(&name.value) {
            Some(&f) => Some(f),
            None => {
                self.unknown_name(&name.value, name.span);
                None
            }
        }
    }

    fn type_error(&mut self, fact: FactId, message: String, at: Span, help: String) {
        let declared = &self.facts[fact.index()];
        let (decl_span, ty) = (declared.span, declared.ty.describe());
        let d = Diagnostic::new(&code::type_mismatch, message, at)
            .label("here")
            .help(help);
        let d = self.also_at(d, 0, decl_span, &format!("declared as {ty}"));
        self.error(d);
    }

    /// Compiles a condition, checking names and types.
    pub(crate) fn lower_bool(&mut self, e: &ast::Expr) -> ExprId {
        let at = e.span();
        match e {
            ast::Expr::And(a, b, _) | ast::Expr::Or(a, b, _) => {
                let is_and = matches!(e, ast::Expr::And(..));
                let (a, b) = (self.lower_bool(a), self.lower_bool(b));
                // Flatten chains of the same operator.
                let mut parts = Vec::new();
                for x in [a, b] {
                    match self.exprs.get(x.index()) {
                        Some(Expr::And(xs)) if is_and => parts.extend(xs.iter().copied()),
                        Some(Expr::Or(xs)) if !is_and => parts.extend(xs.iter().copied()),
                        _ => parts.push(x),
                    }
                }
                let node = if is_and {
                    Expr::And(parts)
                } else {
                    Expr::Or(parts)
                };
                self.push_expr(node, at)
            }
            ast::Expr::Not(inner, _) => {
                let inner = self.lower_bool(inner);
                self.push_expr(Expr::Not(inner), at)
            }
            ast::Expr::Name(name) => {
                if let Some(&d) = self.def_index.get(&name.value) {
                    return self.push_expr(Expr::Def(d), at);
                }
                let Some(fact) = self.fact_named(name) else {
                    return self.false_expr(at);
                };
                match &self.facts[fact.index()].ty {
                    Type::Bool => self.push_expr(Expr::Bool(fact), at),
                    ty => {
                        let help = match ty {
                            Type::Number => format!("compare it, e.g. `{} >= 1`", name.value),
                            Type::Enum(m) => format!(
                                "test its value, e.g. `{} is {}`",
                                name.value,
                                m.first().map(String::as_str).unwrap_or("…")
                            ),
                            _ => format!("compare it with a value, e.g. `{} == …`", name.value),
                        };
                        let message =
                            format!("`{}` is {}, not a condition", name.value, ty.describe());
                        self.type_error(fact, message, name.span, help);
                        self.false_expr(at)
                    }
                }
            }
            ast::Expr::Compare {
                fact, op, value, ..
            } => self.lower_compare(fact, *op, value, at),
            ast::Expr::Is {
                fact,
                negated,
                value,
                ..
            } => {
                let id = self.lower_is(fact, value, at);
                if *negated {
                    self.push_expr(Expr::Not(id), at)
                } else {
                    id
                }
            }
            ast::Expr::Contains { fact, member, .. } => {
                let Some(f) = self.fact_named(fact) else {
                    return self.false_expr(at);
                };
                let Type::Set(members) = self.facts[f.index()].ty.clone() else {
                    let message = format!("`{}` is not a set; `contains` tests sets", fact.value);
                    self.type_error(f, message, fact.span, format!("use `{} is …`", fact.value));
                    return self.false_expr(at);
                };
                match member_index(&members, &member.value) {
                    Some(m) => self.push_expr(Expr::Contains { fact: f, member: m }, at),
                    None => {
                        self.unknown_member(f, &member.value, member.span, &members);
                        self.false_expr(at)
                    }
                }
            }
        }
    }

    fn unknown_member(&mut self, fact: FactId, value: &str, at: Span, members: &[String]) {
        let name = self.facts[fact.index()].name.clone();
        let decl = self.facts[fact.index()].span;
        let help = match did_you_mean(value, members.iter().map(String::as_str)) {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!("`{name}` is {}", Type::Enum(members.to_vec()).describe()),
        };
        let d = Diagnostic::new(
            &code::unknown_member,
            format!("`{value}` is not a value of `{name}`"),
            at,
        )
        .label("not in the enumeration")
        .help(help);
        let d = self.also_at(d, 0, decl, "declared here");
        self.error(d);
    }

    fn lower_compare(
        &mut self,
        fact: &ast::Spanned<String>,
        op: CompareOp,
        value: &ast::Value,
        at: Span,
    ) -> ExprId {
        let Some(f) = self.fact_named(fact) else {
            return self.false_expr(at);
        };
        let ty = self.facts[f.index()].ty.clone();
        let constant = match (&ty, value) {
            (Type::Number, ast::Value::Number(n, _)) => Some(*n),
            (Type::Date, ast::Value::Date(d, _)) => parse_date(d).map(f64::from),
            _ => None,
        };
        if let Some(c) = constant {
            if let Some(t) = self.thresholds.get_mut(f.index()) {
                t.push(c);
            }
            return self.push_expr(
                Expr::Compare {
                    fact: f,
                    op,
                    value: c,
                },
                at,
            );
        }
        // `==` / `!=` compare numbers and dates only; other values are tested with `is` /
        // `is not`, one spelling for one meaning.
        if matches!(op, CompareOp::Eq | CompareOp::Ne) && !matches!(ty, Type::Number | Type::Date) {
            let is = if op == CompareOp::Ne { "is not" } else { "is" };
            let message = format!(
                "`{}` compares numbers and dates; `{}` is {}",
                op.as_str(),
                fact.value,
                ty.describe()
            );
            let help = format!(
                "test its value with `{is}`: `{} {is} {}`",
                fact.value,
                written_value(value)
            );
            self.type_error(f, message, value.span(), help);
            return self.false_expr(at);
        }
        let message = format!(
            "`{}` is {} and cannot be compared with {} using `{}`",
            fact.value,
            ty.describe(),
            literal_kind(value),
            op.as_str()
        );
        let help = match ty {
            Type::Number => format!(
                "compare it with a number, e.g. `{} {} 1`",
                fact.value,
                op.as_str()
            ),
            Type::Date => format!(
                "compare it with a date, e.g. `{} {} 2012-08-24`",
                fact.value,
                op.as_str()
            ),
            _ => format!("use `{} is …` to test its value", fact.value),
        };
        self.type_error(f, message, value.span(), help);
        self.false_expr(at)
    }

    fn lower_is(&mut self, fact: &ast::Spanned<String>, value: &ast::Value, at: Span) -> ExprId {
        let Some(f) = self.fact_named(fact) else {
            return self.false_expr(at);
        };
        // The common case, members that all exist, without copying the declared members.
        let known = match (&self.facts[f.index()].ty, value) {
            (Type::Enum(members), ast::Value::Name(n, _)) => {
                member_index(members, n).map(|i| 1u64 << i)
            }
            (Type::Enum(members), ast::Value::Set(items, _)) => {
                items.iter().try_fold(0u64, |mask, item| {
                    member_index(members, &item.value).map(|i| mask | 1u64 << i)
                })
            }
            _ => None,
        };
        if let Some(mask) = known {
            return self.push_expr(Expr::Member { fact: f, mask }, at);
        }
        let ty = self.facts[f.index()].ty.clone();
        match (&ty, value) {
            (Type::Enum(members), ast::Value::Name(n, s)) => match member_index(members, n) {
                Some(i) => self.push_expr(
                    Expr::Member {
                        fact: f,
                        mask: 1u64 << i,
                    },
                    at,
                ),
                None => {
                    self.unknown_member(f, n, *s, members);
                    self.false_expr(at)
                }
            },
            (Type::Enum(members), ast::Value::Set(items, _)) => {
                let mut mask = 0u64;
                for item in items {
                    match member_index(members, &item.value) {
                        Some(i) => mask |= 1u64 << i,
                        None => self.unknown_member(f, &item.value, item.span, members),
                    }
                }
                self.push_expr(Expr::Member { fact: f, mask }, at)
            }
            (Type::Bool, ast::Value::Bool(b, _)) => {
                let id = self.push_expr(Expr::Bool(f), at);
                if *b {
                    id
                } else {
                    self.push_expr(Expr::Not(id), at)
                }
            }
            (Type::Number, ast::Value::Number(n, _)) => {
                if let Some(t) = self.thresholds.get_mut(f.index()) {
                    t.push(*n);
                }
                self.push_expr(
                    Expr::Compare {
                        fact: f,
                        op: CompareOp::Eq,
                        value: *n,
                    },
                    at,
                )
            }
            (Type::Date, ast::Value::Date(d, _)) => match parse_date(d) {
                Some(days) => {
                    let v = f64::from(days);
                    if let Some(t) = self.thresholds.get_mut(f.index()) {
                        t.push(v);
                    }
                    self.push_expr(
                        Expr::Compare {
                            fact: f,
                            op: CompareOp::Eq,
                            value: v,
                        },
                        at,
                    )
                }
                None => self.false_expr(at),
            },
            (Type::Text, ast::Value::Text(t, _)) => self.push_expr(
                Expr::TextEq {
                    fact: f,
                    value: Arc::from(t.as_str()),
                },
                at,
            ),
            _ => {
                let message = format!(
                    "`{}` is {}, but is compared with {}",
                    fact.value,
                    ty.describe(),
                    literal_kind(value)
                );
                let help = match &ty {
                    Type::Number => format!("compare it with a number, e.g. `{} >= 1`", fact.value),
                    Type::Bool => format!("write `{}` or `not {}`", fact.value, fact.value),
                    Type::Enum(m) => format!(
                        "write one of its members, e.g. `{} is {}`",
                        fact.value,
                        m.first().map(String::as_str).unwrap_or("…")
                    ),
                    Type::Set(m) => format!(
                        "test a member, e.g. `{} contains {}`",
                        fact.value,
                        m.first().map(String::as_str).unwrap_or("…")
                    ),
                    Type::Date => format!(
                        "compare it with a date, e.g. `{} >= 2012-08-24`",
                        fact.value
                    ),
                    Type::Text => {
                        format!("compare it with a string, e.g. `{} is \"…\"`", fact.value)
                    }
                };
                self.type_error(f, message, value.span(), help);
                self.false_expr(at)
            }
        }
    }
}
