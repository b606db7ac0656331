//! Per-request cost of `juris serve`'s `POST /v1/decide` without HTTP: `Service::decide` on
//! the Oregon worked example, and each of its parts, so that the load benchmark's gap to the
//! HTTP floor (`scripts/serve-bench.sh`) can be attributed.
//!
//! * `service/decide`, `service/decide_explained`: the whole of `Service::decide`, the
//!   response written as bytes as the route writes it.
//! * `part/*`: reading the request, deciding, the receipt (the request hashed from what
//!   was read, the decision object hashed).

#![allow(missing_docs)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;

const REQUEST: &[u8] = br#"{"jurisdiction": "OR", "actor": "electric_company", "action": "transfer", "recipient": "administrator", "data": "meter_number", "customer": {"usage_amw": 0.3, "pre_transfer_notice_sent": true}, "administrator": {"safeguards_in_place": true}, "agreement": {"information_transfer_agreement": true}}"#;

fn policies() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../policies")
}

fn service(c: &mut Criterion) {
    let service = juris::serve::Service::new(juris::serve::Options {
        paths: vec![policies()],
        watch: None,
        ..juris::serve::Options::default()
    })
    .expect("the service starts");
    let mut group = c.benchmark_group("service");
    group.bench_function("decide", |b| {
        b.iter(|| black_box(service.decide(black_box(REQUEST), false).ok().unwrap()))
    });
    group.bench_function("decide_explained", |b| {
        b.iter(|| black_box(service.decide(black_box(REQUEST), true).ok().unwrap()))
    });
    group.finish();

    let engine = juris::Engine::load(&[policies()]).expect("the policies load");
    let limits = juris::request::Limits::DEFAULT;
    let mut group = c.benchmark_group("part");
    group.bench_function("read_request", |b| {
        b.iter(|| {
            black_box(
                engine
                    .request_from_slice(black_box(REQUEST), limits)
                    .is_ok(),
            )
        })
    });
    let (policy, request) = engine.request_from_slice(REQUEST, limits).unwrap();
    group.bench_function("decide", |b| {
        b.iter(|| black_box(engine.decide(policy, black_box(&request))))
    });
    let decision = engine.decide(policy, &request);
    let mut document = juris::request::Document::with_limits(limits);
    document.read_slice(REQUEST).unwrap();
    let stamp = juris::receipt::PolicyStamp::of(policy);
    group.bench_function("receipt", |b| {
        b.iter(|| {
            let canonical = juris::receipt::canonical_document(black_box(&document)).unwrap();
            let plain = juris::explain::decision_json(policy, &decision);
            black_box(juris::receipt::receipt(
                &stamp,
                juris::receipt::sha256_hex(canonical.as_bytes()),
                &plain,
                juris::receipt::now_nanos(),
            ))
        })
    });
    group.finish();
}

criterion_group!(benches, service);
criterion_main!(benches);
