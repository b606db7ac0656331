//! Writes the Oregon workload (`juris_bench::workload`) of N requests as a table of
//! requests (Parquet, a row per request keyed `customer_id`, `juris_bench::table`) or as
//! JSON Lines (`juris_engine::oregon_json`, the same requests), for `juris batch`, the
//! Python package and Spark:
//!
//! ```text
//! cargo run -p juris-bench --release --bin oregon-table -- 1000000 /tmp/oregon-1m.parquet
//! target/release/juris batch policies/oregon --input /tmp/oregon-1m.parquet \
//!     --output /tmp/decisions.parquet --key customer_id
//! ```

use juris_bench::juris_engine::oregon_json;
use juris_bench::{table, workload};
use std::io::{BufWriter, Write};
use std::process::ExitCode;

/// Rows per record batch (and row group) written.
const CHUNK: usize = 64 * 1024;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(n), Some(path)) = (
        args.first().and_then(|a| a.parse::<usize>().ok()),
        args.get(1),
    ) else {
        eprintln!("usage: oregon-table N FILE.parquet|FILE.jsonl");
        return ExitCode::from(2);
    };
    match write(n, path) {
        Ok(()) => {
            let bytes = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
            println!("{path}: {n} Oregon requests, {bytes} bytes");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {path}: {e}");
            ExitCode::from(2)
        }
    }
}

fn write(n: usize, path: &str) -> Result<(), Box<dyn std::error::Error>> {
    let requests = workload(n);
    let file = std::fs::File::create(path)?;
    if path.ends_with(".jsonl") {
        let mut w = BufWriter::new(file);
        for r in &requests {
            serde_json::to_writer(&mut w, &oregon_json(r))?;
            w.write_all(b"\n")?;
        }
        w.flush()?;
        return Ok(());
    }
    let schema = table::oregon_batch(&[], 1)?.schema();
    let mut writer = parquet::arrow::ArrowWriter::try_new(file, schema, None)?;
    for (i, chunk) in requests.chunks(CHUNK).enumerate() {
        writer.write(&table::oregon_batch(chunk, (i * CHUNK) as i64 + 1)?)?;
    }
    writer.close()?;
    Ok(())
}
