//! Conditions: the one Pratt table for operator precedence (`not` binds tightest, then
//! `and`, then `or`), and the lowering of operands.

use super::{lower_value, malformed, name, span, Lowered, Rule};
use crate::ast::{CompareOp, Expr, Spanned};
use crate::source::Span;
use pest::iterators::Pair;
use pest::pratt_parser::{Assoc, Op, PrattParser};
use std::sync::OnceLock;

fn pratt() -> &'static PrattParser<Rule> {
    static PRATT: OnceLock<PrattParser<Rule>> = OnceLock::new();
    PRATT.get_or_init(|| {
        PrattParser::new()
            .op(Op::infix(Rule::op_or, Assoc::Left))
            .op(Op::infix(Rule::op_and, Assoc::Left))
            .op(Op::prefix(Rule::op_not))
    })
}

/// Lowers an `expr`.
pub(super) fn lower_expr(pair: Pair<Rule>) -> Lowered<Expr> {
    lower_nested(pair, 0)
}

/// Lowers an `expr` found `depth` levels deep, refusing one deeper than `MAX_NESTING`.
fn lower_nested(pair: Pair<Rule>, depth: usize) -> Lowered<Expr> {
    let operators = pair
        .clone()
        .into_inner()
        .filter(|p| matches!(p.as_rule(), Rule::op_and | Rule::op_or | Rule::op_not))
        .count();
    let depth = depth + operators + 1;
    if depth > super::MAX_NESTING {
        return Err(super::too_deep(span(&pair)));
    }
    pratt()
        .map_primary(|p| lower_operand(p, depth))
        .map_prefix(|op, rhs| {
            let rhs = rhs?;
            let at = span(&op).to(rhs.span());
            Ok(Expr::Not(Box::new(rhs), at))
        })
        .map_infix(|lhs, op, rhs| {
            let (lhs, rhs) = (lhs?, rhs?);
            let at = lhs.span().to(rhs.span());
            Ok(match op.as_rule() {
                Rule::op_and => Expr::And(Box::new(lhs), Box::new(rhs), at),
                _ => Expr::Or(Box::new(lhs), Box::new(rhs), at),
            })
        })
        .parse(pair.into_inner())
}

fn lower_operand(pair: Pair<Rule>, depth: usize) -> Lowered<Expr> {
    let at = span(&pair);
    match pair.as_rule() {
        Rule::expr => lower_nested(pair, depth),
        Rule::predicate => {
            let mut inner = pair.into_inner();
            let fact = inner
                .next()
                .map(|p| name(&p))
                .ok_or_else(|| malformed(at, "name"))??;
            match inner.next() {
                None => Ok(Expr::Name(fact)),
                Some(test) => lower_test_of(fact, test, at),
            }
        }
        _ => Err(malformed(at, "condition")),
    }
}

/// Lowers what a predicate says of its `fact`: a comparison, membership or containment.
fn lower_test_of(fact: Spanned<String>, pair: Pair<Rule>, at: Span) -> Lowered<Expr> {
    match pair.as_rule() {
        Rule::comparison => {
            let mut inner = pair.into_inner();
            let op = inner.next().map(|p| match p.as_str() {
                "<" => CompareOp::Lt,
                "<=" => CompareOp::Le,
                ">" => CompareOp::Gt,
                ">=" => CompareOp::Ge,
                "==" => CompareOp::Eq,
                _ => CompareOp::Ne,
            });
            let value = inner.next().map(lower_value).transpose()?;
            match (op, value) {
                (Some(op), Some(value)) => Ok(Expr::Compare {
                    fact,
                    op,
                    value,
                    span: at,
                }),
                _ => Err(malformed(at, "comparison")),
            }
        }
        Rule::membership => {
            let mut negated = false;
            let mut value = None;
            for p in pair.into_inner() {
                match p.as_rule() {
                    Rule::negation => negated = true,
                    Rule::one_of => {
                        let set = p
                            .into_inner()
                            .find(|q| q.as_rule() == Rule::set_literal)
                            .ok_or_else(|| malformed(at, "one of"))?;
                        value = Some(lower_value(set)?);
                    }
                    Rule::literal => value = Some(lower_value(p)?),
                    _ => {}
                }
            }
            match value {
                Some(value) => Ok(Expr::Is {
                    fact,
                    negated,
                    value,
                    span: at,
                }),
                None => Err(malformed(at, "membership test")),
            }
        }
        Rule::containment => {
            let member = pair
                .into_inner()
                .find(|p| p.as_rule() == Rule::ident)
                .map(|p| name(&p))
                .transpose()?;
            match member {
                Some(member) => Ok(Expr::Contains {
                    fact,
                    member,
                    span: at,
                }),
                None => Err(malformed(at, "contains")),
            }
        }
        _ => Err(malformed(at, "condition")),
    }
}
