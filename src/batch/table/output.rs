//! The output columns of a table, built a piece of rows at a time.

use super::{obligation_fields, Layout};
use crate::batch::{in_order, write_errors, Detail};
use crate::request::RequestError;
use arrow_array::builder::{ListBuilder, StringBuilder, StructBuilder, UInt64Builder};
use arrow_array::ArrayRef;
use std::sync::Arc;

/// The output columns of a piece, as they are built.
pub(super) struct Builders {
    pub(super) row: Option<UInt64Builder>,
    decision: StringBuilder,
    cites: ListBuilder<StringBuilder>,
    obligations: ListBuilder<StructBuilder>,
    depends_on: ListBuilder<StringBuilder>,
    cases: StringBuilder,
    explanation: Option<StringBuilder>,
    error: [StringBuilder; 6],
    json: Vec<u8>,
}

impl Builders {
    pub(super) fn new(rows: usize, layout: &Layout) -> Builders {
        let strings = || StringBuilder::with_capacity(rows, rows * 8);
        Builders {
            row: layout
                .row_numbers
                .then(|| UInt64Builder::with_capacity(rows)),
            decision: strings(),
            cites: ListBuilder::new(strings()),
            obligations: ListBuilder::new(StructBuilder::from_fields(obligation_fields(), rows)),
            depends_on: ListBuilder::new(strings()),
            cases: strings(),
            explanation: (layout.detail == Detail::Explained).then(strings),
            error: std::array::from_fn(|_| StringBuilder::new()),
            json: Vec::new(),
        }
    }

    pub(super) fn decided(
        &mut self,
        policy: &crate::ir::Policy,
        decision: &crate::eval::Decision,
        request: &crate::request::Request,
        detail: Detail,
    ) {
        self.decision.append_value(decision.outcome.as_str());
        for cite in crate::eval::cite_strings(policy, decision) {
            self.cites.values().append_value(cite);
        }
        self.cites.append(true);
        let obligations = self.obligations.values();
        for o in crate::explain::obligations_of(policy, &decision.obligations) {
            if let Some(b) = obligations.field_builder::<StringBuilder>(0) {
                b.append_value(&o.text);
            }
            if let Some(b) = obligations.field_builder::<StringBuilder>(1) {
                b.append_value(&o.cite.full);
            }
            obligations.append(true);
        }
        self.obligations.append(true);
        for &f in &decision.depends_on {
            self.depends_on.values().append_value(&policy.fact(f).name);
        }
        self.depends_on.append(true);
        self.json.clear();
        let _ = crate::explain::write_cases(&mut self.json, policy, decision);
        self.cases
            .append_value(std::str::from_utf8(&self.json).unwrap_or("[]"));
        if let (Some(b), Detail::Explained) = (&mut self.explanation, detail) {
            self.json.clear();
            let _ = crate::explain::write_explanation(&mut self.json, policy, decision, request);
            b.append_value(std::str::from_utf8(&self.json).unwrap_or("{}"));
        }
        for b in &mut self.error {
            b.append_null();
        }
    }

    pub(super) fn refused(&mut self, text: &[u8], errors: &[RequestError]) {
        self.decision.append_null();
        self.cites.append(false);
        self.obligations.append(false);
        self.depends_on.append(false);
        self.cases.append_null();
        if let Some(b) = &mut self.explanation {
            b.append_null();
        }
        let ordered = in_order(text, errors);
        let [code, name, message, key, help, all] = &mut self.error;
        match ordered.first() {
            Some(e) => {
                code.append_value(e.code.code);
                name.append_value(e.code.name);
                message.append_value(&e.message);
                if e.key.is_empty() {
                    key.append_null();
                } else {
                    key.append_value(&e.key);
                }
                help.append_option(e.help.as_deref());
            }
            None => {
                for b in [code, name, message, key, help] {
                    b.append_null();
                }
            }
        }
        if ordered.len() > 1 {
            self.json.clear();
            write_errors(&mut self.json, &ordered);
            all.append_value(std::str::from_utf8(&self.json).unwrap_or("[]"));
        } else {
            all.append_null();
        }
    }

    pub(super) fn finish(mut self) -> Vec<ArrayRef> {
        let mut columns: Vec<ArrayRef> = Vec::new();
        if let Some(b) = &mut self.row {
            columns.push(Arc::new(b.finish()));
        }
        columns.push(Arc::new(self.decision.finish()));
        columns.push(Arc::new(self.cites.finish()));
        columns.push(Arc::new(self.obligations.finish()));
        columns.push(Arc::new(self.depends_on.finish()));
        columns.push(Arc::new(self.cases.finish()));
        if let Some(b) = &mut self.explanation {
            columns.push(Arc::new(b.finish()));
        }
        for b in &mut self.error {
            columns.push(Arc::new(b.finish()));
        }
        columns
    }
}
