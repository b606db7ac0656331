//! Per-decision cost of the OAR 860-086-0030 transfer policy in each engine.
//!
//! Groups (every benchmark runs one decision per iteration, walking the
//! 10,000-request workload cyclically, so the reported time is per
//! decision):
//!
//! * `evaluate`: the engine's request is built beforehand (Cedar `Request`,
//!   Rego input `Value`); only evaluation and reading the decision and its
//!   citation into a `juris_bench::Decision` are timed.
//! * `end_to_end`: the engine's request is built from the `TransferRequest`
//!   inside the timed loop, then evaluated.
//! * `build_request`: only building the engine's request from a
//!   `TransferRequest` (the difference between the two groups above).
//! * `load`: parsing the policy (Cedar: schema + policies + strict
//!   validation + entity store; Rego interpreter: parse; Rego VM: parse +
//!   compile to an RVM program; Juris: read + parse + check against the
//!   statute text + compile, of the reduced policy and of the full Oregon one).
//! * `scale`: Juris's load + check + compile of generated policies of 100,
//!   1,000 and 10,000 provisions (their memory: `benches/scale_memory.rs`).
//! * `lint`: `juris lint` of the generated policy shaped like OAR 860-086-0030 at 100,
//!   1,000 and 10,000 deciding provisions, and `juris check` (load + check + compile +
//!   lint) of its 3 MB size, 9,332 provisions.
//! * `ask`: `juris ask` on four questions, the policies loaded once, and the largest
//!   end to end with the load.
//!
//! Juris rows: `juris` is the reduced six-rule policy written in Juris
//! (`policies/transfer.juris`), `juris_oregon` the full encoding of the rule
//! (`../policies/oregon`), given the facts it asks that the reduced one takes
//! for granted. Their requests are built through Juris's typed path (fact ids
//! and members resolved at load, values set by id): `end_to_end/juris` sets the
//! transfer's values on a reused request, `end_to_end/juris_fresh_request`
//! copies a template request first. Decisions go into a reused
//! `juris::Decision` (no allocation in the engine); like every engine row, the
//! adapter then copies the citations into a `juris_bench::Decision`.
//! `_traced` rows keep the explanation trace (computed in the same pass);
//! `evaluate/juris_explained` decides with everything the explanation shows (the trace and
//! what would change the answer, `Engine::decide_explained_into`) and writes the
//! explanation's JSON (`explain::write_json`, into a reused buffer, as a service answering
//! with it would).
//!
//! `floor` is the hand-written Rust function; it returns its static
//! `(Outcome, &str)` and allocates nothing, while every engine row also pays
//! for one `String` holding the citation.
//!
//! Run: `cargo bench -p juris-bench --bench decision`.

#![allow(clippy::expect_used, clippy::panic, missing_docs)]

mod common;

use std::hint::black_box;
use std::time::Duration;

use common::{
    rego_input, CedarEngine, RegoInterpreter, RegoVm, CEDAR_POLICY, CEDAR_SCHEMA, REGO_POLICY,
};
use criterion::{criterion_group, criterion_main, Criterion};
use juris_bench::juris_engine::{oregon_policy, reduced_policy, JurisEngine};
use juris_bench::{floor, oregon, scale, workload, TransferRequest, WORKLOAD_SIZE};

/// Cycle through `items`, one per call.
struct Cycle<'a, T> {
    items: &'a [T],
    next: usize,
}

impl<'a, T> Cycle<'a, T> {
    fn new(items: &'a [T]) -> Self {
        Cycle { items, next: 0 }
    }

    fn next(&mut self) -> &'a T {
        let item = &self.items[self.next];
        self.next += 1;
        if self.next == self.items.len() {
            self.next = 0;
        }
        item
    }
}

fn evaluate(c: &mut Criterion) {
    let requests = workload(WORKLOAD_SIZE);
    let cedar = CedarEngine::load(CEDAR_POLICY, CEDAR_SCHEMA).expect("cedar loads");
    let cedar_requests: Vec<cedar_policy::Request> = requests
        .iter()
        .map(|r| cedar.request(r).expect("cedar request"))
        .collect();
    let rego_inputs: Vec<regorus::Value> = requests.iter().map(rego_input).collect();
    let mut interpreter = RegoInterpreter::load(REGO_POLICY).expect("rego loads");
    let mut vm = RegoVm::load(REGO_POLICY).expect("rego compiles");
    let juris = JurisEngine::reduced().expect("juris loads");
    let oregon = JurisEngine::oregon().expect("juris loads the Oregon policy");

    let mut group = c.benchmark_group("evaluate");
    group.bench_function("floor", |b| {
        let mut cycle = Cycle::new(&requests);
        b.iter(|| floor(black_box(cycle.next())))
    });
    group.bench_function("cedar", |b| {
        let mut cycle = Cycle::new(&cedar_requests);
        b.iter(|| cedar.evaluate(black_box(cycle.next())).expect("cedar"))
    });
    group.bench_function("rego_interpreter", |b| {
        let mut cycle = Cycle::new(&rego_inputs);
        b.iter(|| interpreter.evaluate(black_box(cycle.next())).expect("rego"))
    });
    group.bench_function("rego_vm", |b| {
        let mut cycle = Cycle::new(&rego_inputs);
        b.iter(|| vm.evaluate(black_box(cycle.next())).expect("rvm"))
    });
    for (name, juris) in [("juris", &juris), ("juris_oregon", &oregon)] {
        let built: Vec<juris::Request> = requests.iter().map(|r| juris.request(r)).collect();
        for trace in [false, true] {
            let id = if trace {
                format!("{name}_traced")
            } else {
                name.to_owned()
            };
            group.bench_function(id, |b| {
                let mut cycle = Cycle::new(&built);
                let mut out = juris::Decision::default();
                b.iter(|| {
                    juris
                        .evaluate(black_box(cycle.next()), trace, &mut out)
                        .expect("juris")
                })
            });
        }
    }
    let built: Vec<juris::Request> = requests.iter().map(|r| juris.request(r)).collect();
    group.bench_function("juris_explained", |b| {
        let mut cycle = Cycle::new(&built);
        let mut out = juris::Decision::default();
        let mut json = Vec::with_capacity(4096);
        b.iter(|| {
            let request = black_box(cycle.next());
            juris.explain_into(request, &mut out);
            json.clear();
            juris::explain::write_json(&mut json, juris.policy(), &out, request)
                .expect("writes to memory");
            json.len()
        })
    });
    group.finish();
}

fn end_to_end(c: &mut Criterion) {
    let requests = workload(WORKLOAD_SIZE);
    let cedar = CedarEngine::load(CEDAR_POLICY, CEDAR_SCHEMA).expect("cedar loads");
    let mut interpreter = RegoInterpreter::load(REGO_POLICY).expect("rego loads");
    let mut vm = RegoVm::load(REGO_POLICY).expect("rego compiles");
    let juris = JurisEngine::reduced().expect("juris loads");
    let oregon = JurisEngine::oregon().expect("juris loads the Oregon policy");

    let mut group = c.benchmark_group("end_to_end");
    group.bench_function("floor", |b| {
        let mut cycle = Cycle::new(&requests);
        b.iter(|| floor(black_box(cycle.next())))
    });
    group.bench_function("cedar", |b| {
        let mut cycle = Cycle::new(&requests);
        b.iter(|| cedar.decide(black_box(cycle.next())).expect("cedar"))
    });
    group.bench_function("rego_interpreter", |b| {
        let mut cycle = Cycle::new(&requests);
        b.iter(|| interpreter.decide(black_box(cycle.next())).expect("rego"))
    });
    group.bench_function("rego_vm", |b| {
        let mut cycle = Cycle::new(&requests);
        b.iter(|| vm.decide(black_box(cycle.next())).expect("rvm"))
    });
    for (name, juris) in [("juris", &juris), ("juris_oregon", &oregon)] {
        group.bench_function(name, |b| {
            let mut cycle = Cycle::new(&requests);
            let mut request = juris.template().clone();
            let mut out = juris::Decision::default();
            b.iter(|| {
                juris
                    .decide(black_box(cycle.next()), &mut request, &mut out)
                    .expect("juris")
            })
        });
    }
    group.bench_function("juris_fresh_request", |b| {
        let mut cycle = Cycle::new(&requests);
        let mut out = juris::Decision::default();
        b.iter(|| {
            let request = juris.request(black_box(cycle.next()));
            juris.evaluate(&request, false, &mut out).expect("juris")
        })
    });
    group.finish();
}

fn build_request(c: &mut Criterion) {
    let requests = workload(WORKLOAD_SIZE);
    let cedar = CedarEngine::load(CEDAR_POLICY, CEDAR_SCHEMA).expect("cedar loads");

    let mut group = c.benchmark_group("build_request");
    group.bench_function("cedar", |b| {
        let mut cycle = Cycle::new(&requests);
        b.iter(|| cedar.request(black_box(cycle.next())).expect("cedar"))
    });
    group.bench_function("rego", |b| {
        let mut cycle = Cycle::new(&requests);
        b.iter(|| rego_input(black_box(cycle.next())))
    });
    let juris = JurisEngine::reduced().expect("juris loads");
    group.bench_function("juris", |b| {
        let mut cycle = Cycle::new(&requests);
        let mut request = juris.template().clone();
        b.iter(|| {
            juris.fill(black_box(cycle.next()), &mut request);
            black_box(&request);
        })
    });
    group.bench_function("juris_fresh_request", |b| {
        let mut cycle = Cycle::new(&requests);
        b.iter(|| juris.request(black_box(cycle.next())))
    });
    group.finish();
}

fn load(c: &mut Criterion) {
    let mut group = c.benchmark_group("load");
    group.sample_size(30);
    group.bench_function("cedar", |b| {
        b.iter(|| {
            CedarEngine::load(black_box(CEDAR_POLICY), black_box(CEDAR_SCHEMA)).expect("cedar")
        })
    });
    group.bench_function("rego_interpreter", |b| {
        b.iter(|| RegoInterpreter::load(black_box(REGO_POLICY)).expect("rego"))
    });
    group.bench_function("rego_vm", |b| {
        b.iter(|| RegoVm::load(black_box(REGO_POLICY)).expect("rvm"))
    });
    let reduced = reduced_policy();
    group.bench_function("juris", |b| {
        b.iter(|| juris::Engine::load(&[black_box(&reduced)]).expect("juris"))
    });
    let oregon = oregon_policy();
    group.bench_function("juris_oregon", |b| {
        b.iter(|| juris::Engine::load(&[black_box(&oregon)]).expect("juris"))
    });
    group.finish();
}

/// Where the full Oregon load goes: parsing the file into its syntax tree (pest), checking it
/// against its vocabulary and statute texts, and compiling it.
fn load_phases(c: &mut Criterion) {
    let mut group = c.benchmark_group("load_phases");
    group.sample_size(30);
    let path = oregon_policy().join("oar-860-086-0030.juris");
    let text = std::fs::read_to_string(&path).expect("the Oregon policy");
    let source = juris::source::SourceFile::new("oar-860-086-0030.juris", text);
    group.bench_function("oregon_parse", |b| {
        b.iter(|| juris::syntax::parse(black_box(&source)).expect("parses"))
    });
    let file = juris::syntax::parse(&source).expect("parses");
    let dir = oregon_policy();
    let read = |p: &std::path::Path| std::fs::read_to_string(p);
    group.bench_function("oregon_check", |b| {
        b.iter(|| juris::check::check(&source, black_box(&file), &[], &dir, &read).expect("checks"))
    });
    let policy = juris::check::check(&source, &file, &[], &dir, &read).expect("checks");
    group.bench_function("oregon_compile", |b| {
        b.iter(|| juris::eval::Compiled::new(black_box(&policy)))
    });
    group.finish();
}

fn scale(c: &mut Criterion) {
    let mut group = c.benchmark_group("scale");
    group.sample_size(10);
    for n in [100, 1_000, 10_000] {
        let dir = scale::temp_dir(n);
        let path = scale::write(&dir, n).expect("the generated policy is written");
        group.bench_function(format!("load_{n}"), |b| {
            b.iter(|| scale::load(black_box(&path)).expect("the generated policy loads"))
        });
        let _ = std::fs::remove_dir_all(&dir);
    }
    group.finish();
}

/// `juris check` and `juris lint` on the generated policy shaped like OAR 860-086-0030
/// (`juris_bench::oregon`): `lint_N` lints the compiled policy of about N deciding
/// provisions (conflicts, reachability, coverage, unused facts and definitions);
/// `check_3mb` parses, checks and compiles the 3 MB policy (asked for 9,337 provisions:
/// 9,332, 2.95 MB; its statute text in memory) and lints it, as `juris check` does. Targets: under 10 s and 1 GB (the memory:
/// `/usr/bin/time -v juris check` on `generate-policy 9337`, see the README).
fn lint(c: &mut Criterion) {
    let mut group = c.benchmark_group("lint");
    group.sample_size(10);
    for n in [100, 1_000, 10_000] {
        let policy = oregon::compile(n).expect("the generated policy checks clean");
        group.bench_function(format!("lint_{n}"), |b| {
            b.iter(|| juris::lint::lint(black_box(&policy), &juris::lint::Options::default()))
        });
    }
    group.bench_function("check_3mb", |b| {
        b.iter(|| {
            let policy = oregon::compile(black_box(9_337)).expect("the 3 MB policy checks clean");
            juris::lint::lint(&policy, &juris::lint::Options::default())
        })
    });
    group.finish();
}

/// Questions `juris ask` answers, from a decided one to the largest case split.
const QUESTIONS: [(&str, &str); 4] = [
    (
        "ssn",
        "May the electric company transfer a customer's social security number to the Administrator in Oregon?",
    ),
    ("ok_marketing", "Can I use customer data for marketing in Oklahoma?"),
    (
        "meter_number",
        "May an Oregon electric company transfer a customer's meter number to the Administrator?",
    ),
    (
        "usage_history",
        "May the electric company transfer the usage history of a 2 aMW customer who has not opted in to the Administrator in Oregon?",
    ),
];

/// A question answered as `juris ask` answers it: read, decided, the memo written.
fn answer(engine: &juris::Engine, question: &str) -> String {
    let interpretation = juris::ask::interpret(engine, question).expect("the question is read");
    let decision = juris::ask::decide(&interpretation);
    juris::ask::memo::render(&interpretation, &decision, juris::ask::memo::Options::PLAIN)
}

/// `juris ask`: each question with the shipped policies loaded once (`answer_*`), and the
/// largest end to end, the policies loaded too (`end_to_end_*`; process start aside).
fn ask(c: &mut Criterion) {
    let mut group = c.benchmark_group("ask");
    group.sample_size(20);
    let policies = oregon_policy().join("..");
    let engine = juris::Engine::load(&[&policies]).expect("the shipped policies load");
    for (name, question) in QUESTIONS {
        group.bench_function(format!("answer_{name}"), |b| {
            b.iter(|| answer(&engine, black_box(question)))
        });
    }
    let (name, largest) = QUESTIONS[QUESTIONS.len() - 1];
    group.bench_function(format!("end_to_end_{name}"), |b| {
        b.iter(|| {
            let engine = juris::Engine::load(&[&policies]).expect("the shipped policies load");
            answer(&engine, black_box(largest))
        })
    });
    group.finish();
}

/// Sanity check before timing anything: a decision per engine on one
/// request, so a broken adapter fails fast instead of being measured.
fn smoke(_: &mut Criterion) {
    let req: TransferRequest = workload(1)[0];
    let expected = juris_bench::Decision::from(floor(&req));
    let cedar = CedarEngine::load(CEDAR_POLICY, CEDAR_SCHEMA).expect("cedar loads");
    assert_eq!(cedar.decide(&req).expect("cedar"), expected);
    let mut interpreter = RegoInterpreter::load(REGO_POLICY).expect("rego loads");
    assert_eq!(interpreter.decide(&req).expect("rego"), expected);
    let mut vm = RegoVm::load(REGO_POLICY).expect("rego compiles");
    assert_eq!(vm.decide(&req).expect("rvm"), expected);
    let juris = JurisEngine::reduced().expect("juris loads");
    let mut request = juris.template().clone();
    let mut out = juris::Decision::default();
    assert_eq!(
        juris.decide(&req, &mut request, &mut out).expect("juris"),
        expected
    );
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
}

criterion_group! {
    name = benches;
    config = config();
    targets = smoke, evaluate, end_to_end, build_request, load, load_phases, scale, lint, ask
}
criterion_main!(benches);
