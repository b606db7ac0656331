//! Throughput of `juris batch` on a table: the Oregon workload as Parquet in, Parquet out
//! (`juris::batch::table::run`, what `juris batch --input X.parquet --output Y.parquet`
//! runs), beside the same requests as JSON Lines in and out (`juris::batch::run`), on two
//! worker threads, measured in one run. Best of three.
//!
//! The whole scale-out comparison (the command line, the Python package and Spark, from
//! 10^5 to 10^7 rows, with memory) is `python/bench/scale_out.py`.
//!
//! Run: `cargo bench -p juris-bench --bench table`.

#![allow(clippy::expect_used, clippy::unwrap_used, missing_docs)]

use juris::batch::table::{self, Format, Layout};
use juris::batch::{Detail, Options};
use juris_bench::juris_engine::{oregon_json, oregon_policy};
use juris_bench::workload;
use std::io::{BufWriter, Write};
use std::time::Instant;

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` runs this too: be quick then.
    let quick = !std::env::args().any(|a| a == "--bench");
    let rows = if quick { 2_000 } else { 1_000_000 };
    let dir = std::env::temp_dir().join("juris-table-bench");
    std::fs::create_dir_all(&dir).expect("a temporary folder");
    let parquet = dir.join(format!("oregon-{rows}.parquet"));
    let jsonl = dir.join(format!("oregon-{rows}.jsonl"));
    let requests = workload(rows);
    {
        let schema = juris_bench::table::oregon_batch(&[], 1).unwrap().schema();
        let file = std::fs::File::create(&parquet).unwrap();
        let mut w = parquet::arrow::ArrowWriter::try_new(file, schema, None).unwrap();
        for (i, chunk) in requests.chunks(65_536).enumerate() {
            w.write(&juris_bench::table::oregon_batch(chunk, (i * 65_536) as i64 + 1).unwrap())
                .unwrap();
        }
        w.close().unwrap();
        let mut w = BufWriter::new(std::fs::File::create(&jsonl).unwrap());
        for r in &requests {
            serde_json::to_writer(&mut w, &oregon_json(r)).unwrap();
            w.write_all(b"\n").unwrap();
        }
        w.flush().unwrap();
    }
    let size =
        |p: &std::path::Path| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0) as f64 / 1e6;
    println!(
        "table: {rows} Oregon requests: {:.1} MB of Parquet, {:.1} MB of JSON Lines",
        size(&parquet),
        size(&jsonl)
    );
    let engine = juris::Engine::load(&[oregon_policy()]).expect("the Oregon policy loads");
    let options = Options {
        detail: Detail::Decision,
        threads: Some(2),
        ..Default::default()
    };
    let out_parquet = dir.join("decisions.parquet");
    let out_jsonl = dir.join("decisions.jsonl");
    let best = |f: &dyn Fn() -> juris::batch::Summary| {
        let mut best = f64::MAX;
        for _ in 0..3 {
            let start = Instant::now();
            let summary = f();
            best = best.min(start.elapsed().as_secs_f64());
            assert_eq!(summary.decided(), rows as u64, "every row is decided");
        }
        best
    };
    let json_lines = best(&|| {
        let input = std::fs::File::open(&jsonl).unwrap();
        let mut out = BufWriter::with_capacity(1 << 20, std::fs::File::create(&out_jsonl).unwrap());
        let s = juris::batch::run(&engine, input, &mut out, &options, &|_, _| {}).unwrap();
        out.flush().unwrap();
        s
    });
    let table = best(&|| {
        let source = table::open(&parquet, Format::Parquet).unwrap();
        let layout = Layout {
            key: Some("customer_id".into()),
            row_numbers: true,
            ..Default::default()
        };
        let out = BufWriter::with_capacity(1 << 20, std::fs::File::create(&out_parquet).unwrap());
        table::run(
            &engine,
            source,
            out,
            Format::Parquet,
            layout,
            &options,
            &|_| {},
        )
        .unwrap()
    });
    println!(
        "  JSON Lines -> JSON Lines: {:>9.0} rows/s ({:.3} s)",
        rows as f64 / json_lines,
        json_lines
    );
    println!(
        "  Parquet    -> Parquet:    {:>9.0} rows/s ({:.3} s; {:.2}x the JSON Lines time)",
        rows as f64 / table,
        table,
        table / json_lines
    );
    let _ = std::fs::remove_file(&out_parquet);
    let _ = std::fs::remove_file(&out_jsonl);
}
