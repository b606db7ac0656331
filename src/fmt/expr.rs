//! Conditions: printed with the fewest parentheses that keep the parse, except that an
//! `and` inside an `or` is always parenthesized (`(a and b) or c`), so that no reader
//! has to remember which binds tighter. A condition too long for its line is wrapped at
//! its `and` / `or` boundaries, filling each line; a parenthesized group that does not fit
//! on a line of its own is wrapped inside, indented further.

use super::printer::{width, Printer};
use super::quote;
use crate::ast::{Expr, Value};

/// Where a condition stands, for its parentheses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Ctx {
    /// A whole condition.
    Top,
    /// The left operand of `and`.
    AndLeft,
    /// The right operand of `and`.
    AndRight,
    /// The left operand of `or`.
    OrLeft,
    /// The right operand of `or`.
    OrRight,
    /// The operand of `not`.
    Not,
}

/// Whether `e` needs parentheses where it stands.
fn parenthesized(e: &Expr, ctx: Ctx) -> bool {
    match e {
        // `a and (b and c)` keeps its parse; `(a and b) or c` is clearer than without.
        Expr::And(..) => matches!(ctx, Ctx::AndRight | Ctx::OrLeft | Ctx::OrRight | Ctx::Not),
        // `a and (b or c)` and `not (a or b)` need them; `a or (b or c)` keeps its parse.
        Expr::Or(..) => matches!(ctx, Ctx::AndLeft | Ctx::AndRight | Ctx::OrRight | Ctx::Not),
        _ => false,
    }
}

/// Where the first operand of a condition ends: everything up to there is printed on the
/// condition's first line, so comments in it move before that line.
pub(super) fn first_operand_end(e: &Expr) -> usize {
    match e {
        Expr::And(l, _, _) | Expr::Or(l, _, _) => first_operand_end(l),
        Expr::Not(x, _) => first_operand_end(x),
        other => other.span().end as usize,
    }
}

/// The operands of a chain of one operator (`a and b and c`), with where each stands.
fn chain(e: &Expr) -> Option<(&'static str, Vec<(&Expr, Ctx)>)> {
    fn spine<'a>(e: &'a Expr, and: bool, out: &mut Vec<(&'a Expr, Ctx)>) {
        match e {
            Expr::And(l, r, _) if and => {
                spine(l, and, out);
                out.push((r, Ctx::AndRight));
            }
            Expr::Or(l, r, _) if !and => {
                spine(l, and, out);
                out.push((r, Ctx::OrRight));
            }
            other => out.push((other, if and { Ctx::AndLeft } else { Ctx::OrLeft })),
        }
    }
    let and = match e {
        Expr::And(..) => true,
        Expr::Or(..) => false,
        _ => return None,
    };
    let mut out = Vec::new();
    spine(e, and, &mut out);
    Some((if and { "and" } else { "or" }, out))
}

impl Printer<'_> {
    /// A value as written in a condition, default or test.
    pub(super) fn value(&self, v: &Value) -> String {
        match v {
            Value::Bool(b, _) => b.to_string(),
            Value::Number(n, s) => {
                // Kept as written (`2.0` stays `2.0`).
                let written = self.slice(s.start as usize, s.end as usize).trim();
                if !written.is_empty() && written.parse::<f64>().is_ok() {
                    written.to_string()
                } else {
                    n.to_string()
                }
            }
            Value::Date(d, _) | Value::Name(d, _) => d.clone(),
            Value::Text(t, _) => quote(t),
            Value::Set(members, _) => {
                let names: Vec<&str> = members.iter().map(|m| m.value.as_str()).collect();
                format!("[{}]", names.join(", "))
            }
        }
    }

    /// A condition on one line, with its parentheses where it stands.
    pub(super) fn flat(&self, e: &Expr, ctx: Ctx) -> String {
        if parenthesized(e, ctx) {
            format!("({})", self.flat_bare(e))
        } else {
            self.flat_bare(e)
        }
    }

    fn flat_bare(&self, e: &Expr) -> String {
        match e {
            Expr::And(l, r, _) => format!(
                "{} and {}",
                self.flat(l, Ctx::AndLeft),
                self.flat(r, Ctx::AndRight)
            ),
            Expr::Or(l, r, _) => format!(
                "{} or {}",
                self.flat(l, Ctx::OrLeft),
                self.flat(r, Ctx::OrRight)
            ),
            Expr::Not(x, _) => format!("not {}", self.flat(x, Ctx::Not)),
            Expr::Compare {
                fact, op, value, ..
            } => {
                format!("{} {} {}", fact.value, op.as_str(), self.value(value))
            }
            Expr::Is {
                fact,
                negated,
                value,
                ..
            } => {
                let not = if *negated { "not " } else { "" };
                let one_of = if matches!(value, Value::Set(..)) {
                    "one of "
                } else {
                    ""
                };
                format!("{} is {not}{one_of}{}", fact.value, self.value(value))
            }
            Expr::Contains { fact, member, .. } => {
                format!("{} contains {}", fact.value, member.value)
            }
            Expr::Name(n) => n.value.clone(),
        }
    }

    /// The first operand of a condition on one line (the whole condition if it is not a
    /// chain of `and` / `or`).
    pub(super) fn first_operand_flat(&self, e: &Expr) -> String {
        match chain(e) {
            Some((_, operands)) => match operands.first() {
                Some((first, ctx)) => self.flat(first, *ctx),
                None => self.flat(e, Ctx::Top),
            },
            None => self.flat(e, Ctx::Top),
        }
    }

    /// Prints a condition from the current column. Continuation lines start at `cont`;
    /// `tail` columns must still fit after it (closing parentheses). Comments up to the end
    /// of its first operand have been printed by the caller.
    pub(super) fn expr(&mut self, e: &Expr, ctx: Ctx, cont: usize, tail: usize) {
        if parenthesized(e, ctx) {
            self.push("(");
            let inner = self.line_indent.max(cont) + 2;
            self.expr_bare(e, inner, tail + 1);
            self.push(")");
        } else {
            self.expr_bare(e, cont, tail);
        }
    }

    fn expr_bare(&mut self, e: &Expr, cont: usize, tail: usize) {
        let end = e.span().end as usize;
        let text = self.flat_bare(e);
        if !self.pending_before(end) && self.fits(width(&text) + tail) {
            self.push(&text);
            self.reach(end);
            return;
        }
        match e {
            Expr::And(..) | Expr::Or(..) => self.chain(e, cont, tail),
            Expr::Not(x, _) => {
                self.push("not ");
                self.expr(x, Ctx::Not, cont, tail);
            }
            Expr::Is {
                fact,
                negated,
                value: Value::Set(members, _),
                ..
            } => {
                let not = if *negated { "not " } else { "" };
                self.push(&format!("{} is {not}one of [", fact.value));
                let items: Vec<(String, usize, usize)> = members
                    .iter()
                    .map(|m| (m.value.clone(), m.span.start as usize, m.span.end as usize))
                    .collect();
                let inner = self.line_indent.max(cont) + 2;
                self.commas(&items, inner, tail + 1);
                self.push("]");
                self.reach(end);
            }
            _ => {
                self.push(&text);
                self.reach(end);
            }
        }
    }

    /// Prints `a and b and c`, filling lines and breaking before an operator.
    fn chain(&mut self, e: &Expr, cont: usize, tail: usize) {
        let Some((op, operands)) = chain(e) else {
            return;
        };
        let count = operands.len();
        let mut previous_wrapped = false;
        for (i, (operand, ctx)) in operands.into_iter().enumerate() {
            let t = if i + 1 == count { tail } else { 0 };
            if i > 0 {
                let broke = self.gap(first_operand_end(operand), cont);
                let text = self.flat(operand, ctx);
                let clean = !self.pending_before(operand.span().end as usize);
                let room = op.len() + 2 + width(&text) + t;
                if broke || previous_wrapped || !clean || !self.fits(room) {
                    self.newline();
                    self.write(cont, op);
                    self.push(" ");
                } else {
                    self.push(" ");
                    self.push(op);
                    self.push(" ");
                }
            }
            let before = self.lines;
            self.expr(operand, ctx, cont, t);
            previous_wrapped = self.lines != before;
        }
    }
}
