//! The Oregon workload as a table: one row per request, a column per fact by its dotted
//! name, and a `customer_id` key, as `juris batch` reads Parquet (and the Python package
//! and Spark read Arrow). Row `i` is [`crate::juris_engine::oregon_json`] of request `i`,
//! flattened: the same facts, the same values.

use crate::{Element, TransferRequest};
use arrow_array::builder::{BooleanBuilder, Float64Builder, Int64Builder, StringBuilder};
use arrow_array::{ArrayRef, RecordBatch};
use std::sync::Arc;

/// The columns of [`oregon_batch`], in order: `customer_id`, then the facts.
pub const COLUMNS: [&str; 16] = [
    "customer_id",
    "jurisdiction",
    "actor",
    "action",
    "recipient",
    "data",
    "customer.usage_amw",
    "customer.opted_in",
    "customer.password_protected",
    "customer.requested_no_third_party_sharing",
    "customer.requested_no_transfer",
    "customer.written_consent",
    "customer.pre_transfer_notice_sent",
    "administrator.safeguards_in_place",
    "agreement.information_transfer_agreement",
    "account.unmetered",
];

/// Requests as a record batch, keyed `first_id`, `first_id + 1`, ….
pub fn oregon_batch(
    requests: &[TransferRequest],
    first_id: i64,
) -> Result<RecordBatch, arrow_schema::ArrowError> {
    let n = requests.len();
    let constant = |s: &str| {
        let mut b = StringBuilder::with_capacity(n, n * s.len());
        for _ in 0..n {
            b.append_value(s);
        }
        Arc::new(b.finish()) as ArrayRef
    };
    let flag = |f: &dyn Fn(&TransferRequest) -> bool| {
        let mut b = BooleanBuilder::with_capacity(n);
        for r in requests {
            b.append_value(f(r));
        }
        Arc::new(b.finish()) as ArrayRef
    };
    let mut ids = Int64Builder::with_capacity(n);
    let mut data = StringBuilder::with_capacity(n, n * 14);
    let mut usage = Float64Builder::with_capacity(n);
    for (i, r) in requests.iter().enumerate() {
        ids.append_value(first_id + i as i64);
        data.append_value(r.element.as_str());
        usage.append_value(r.usage_amw);
    }
    let columns: Vec<ArrayRef> = vec![
        Arc::new(ids.finish()),
        constant("OR"),
        constant("electric_company"),
        constant("transfer"),
        constant("administrator"),
        Arc::new(data.finish()),
        Arc::new(usage.finish()),
        flag(&|r| r.opted_in),
        flag(&|r| r.password_protected),
        flag(&|r| r.requested_no_third_party_sharing),
        flag(&|r| r.requested_no_transfer),
        flag(&|r| r.written_consent),
        flag(&|_| true),
        flag(&|_| true),
        flag(&|_| true),
        flag(&|r| r.element == Element::ContractedKwh),
    ];
    RecordBatch::try_from_iter(COLUMNS.iter().zip(columns))
}
