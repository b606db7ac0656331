//! Throughput of `juris batch` on the Oregon workload: JSON Lines in, JSON Lines out, on
//! two worker threads. The workload is `juris_bench::workload(200_000)` written as full
//! Oregon requests (`juris_engine::oregon_json`); the input is read from a file and the
//! output written to a file, as `juris batch` does (through the same library function,
//! `juris::batch::run`). Best of three runs.
//!
//! The same measurement through the command line, with hyperfine:
//!
//! ```sh
//! cargo build --release
//! cargo bench -p juris-bench --bench batch   # also writes the input file it names
//! hyperfine --warmup 1 'target/release/juris batch policies/oregon --jobs 2 --input <file> > /dev/null'
//! ```
//!
//! Run: `cargo bench -p juris-bench --bench batch`.

#![allow(clippy::expect_used, clippy::unwrap_used, missing_docs)]

use juris_bench::juris_engine::{oregon_json, oregon_policy};
use juris_bench::workload;
use std::io::{BufWriter, Write};
use std::time::Instant;

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` runs this too: be quick then.
    let quick = !std::env::args().any(|a| a == "--bench");
    let lines = if quick { 2_000 } else { 200_000 };
    let dir = std::env::temp_dir().join("juris-batch-bench");
    std::fs::create_dir_all(&dir).expect("a temporary folder");
    let input = dir.join(format!("oregon-{lines}.jsonl"));
    let output = dir.join(format!("oregon-{lines}.out.jsonl"));
    {
        let mut w = BufWriter::new(std::fs::File::create(&input).expect("the input file"));
        for req in workload(lines) {
            serde_json::to_writer(&mut w, &oregon_json(&req)).expect("written");
            w.write_all(b"\n").expect("written");
        }
        w.flush().expect("written");
    }
    let bytes = std::fs::metadata(&input).map(|m| m.len()).unwrap_or(0);
    let engine = juris::Engine::load(&[oregon_policy()]).expect("the Oregon policy loads");
    println!(
        "batch: {lines} Oregon requests ({:.1} MB) in {}",
        bytes as f64 / 1e6,
        input.display()
    );
    use juris::batch::Detail;
    for (detail, threads) in [
        (Detail::Decision, 2),
        (Detail::Decision, 1),
        (Detail::Explained, 2),
    ] {
        let options = juris::batch::Options {
            detail,
            threads: Some(threads),
            ..Default::default()
        };
        let mut best = f64::MAX;
        let mut summary = None;
        for _ in 0..3 {
            let file = std::fs::File::open(&input).expect("the input file");
            let mut out = BufWriter::with_capacity(
                1 << 20,
                std::fs::File::create(&output).expect("the output file"),
            );
            let start = Instant::now();
            let s = juris::batch::run(&engine, file, &mut out, &options, &|_, _| {})
                .expect("the batch runs");
            out.flush().expect("written");
            best = best.min(start.elapsed().as_secs_f64());
            summary = Some(s);
        }
        let summary = summary.expect("ran");
        assert_eq!(summary.decided(), lines as u64, "every line is decided");
        println!(
            "  {} thread{}{}: {:>9.0} decisions/s ({:.3} s; {:.2} µs per decision per thread)",
            threads,
            if threads == 1 { " " } else { "s" },
            if detail == Detail::Explained {
                ", --explain"
            } else {
                "           "
            },
            lines as f64 / best,
            best,
            best * 1e6 * threads as f64 / lines as f64
        );
    }
    let _ = std::fs::remove_file(&output);
}
