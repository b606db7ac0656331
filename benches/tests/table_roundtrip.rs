//! The Oregon workload through `juris batch` twice: as JSON Lines and as a Parquet table
//! (a row per request, `juris_bench::table`), Parquet out. Every row's decision, cites,
//! obligations, unknown facts and cases equal its JSON Lines line's, and its key and row
//! number are its own.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use arrow_array::cast::AsArray;
use arrow_array::types::{Int64Type, UInt64Type};
use arrow_array::{Array, RecordBatch};
use juris::batch::table::{self, Format, Layout};
use juris::batch::{Detail, Options};
use juris_bench::juris_engine::{oregon_json, oregon_policy};
use juris_bench::workload;
use serde_json::Value;

fn list(array: &dyn Array, i: usize) -> Value {
    let items = array.as_list::<i32>().value(i);
    match items.data_type() {
        arrow_schema::DataType::Struct(_) => {
            let s = items.as_struct();
            Value::Array(
                (0..s.len())
                    .map(|j| {
                        serde_json::json!({
                            "text": s.column(0).as_string::<i32>().value(j),
                            "cite": s.column(1).as_string::<i32>().value(j),
                        })
                    })
                    .collect(),
            )
        }
        _ => {
            let s = items.as_string::<i32>();
            Value::Array((0..s.len()).map(|j| Value::from(s.value(j))).collect())
        }
    }
}

#[test]
fn parquet_round_trips_the_oregon_workload_with_the_decisions_of_json_lines() {
    let n = 30_000;
    let requests = workload(n);
    let engine = juris::Engine::load(&[oregon_policy()]).unwrap();
    let options = Options {
        detail: Detail::Decision,
        threads: Some(2),
        ..Default::default()
    };

    let mut jsonl = Vec::new();
    for r in &requests {
        serde_json::to_writer(&mut jsonl, &oregon_json(r)).unwrap();
        jsonl.push(b'\n');
    }
    let mut lines = Vec::new();
    let summary_lines =
        juris::batch::run(&engine, &jsonl[..], &mut lines, &options, &|_, _| {}).unwrap();

    let dir = std::env::temp_dir().join(format!("juris-table-roundtrip-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let input = dir.join("oregon.parquet");
    let output = dir.join("decisions.parquet");
    {
        let first = juris_bench::table::oregon_batch(&requests[..1], 1).unwrap();
        let file = std::fs::File::create(&input).unwrap();
        let mut w = parquet::arrow::ArrowWriter::try_new(file, first.schema(), None).unwrap();
        for (i, chunk) in requests.chunks(7_000).enumerate() {
            w.write(&juris_bench::table::oregon_batch(chunk, (i * 7_000) as i64 + 1).unwrap())
                .unwrap();
        }
        w.close().unwrap();
    }
    let source = table::open(&input, Format::Parquet).unwrap();
    let layout = Layout {
        detail: Detail::Decision,
        key: Some("customer_id".into()),
        row_numbers: true,
        text_cells: false,
    };
    let out = std::fs::File::create(&output).unwrap();
    let summary_table = table::run(
        &engine,
        source,
        out,
        Format::Parquet,
        layout,
        &options,
        &|_| {},
    )
    .unwrap();
    assert_eq!(summary_table, summary_lines);
    assert_eq!(summary_table.decided(), n as u64);

    let batches: Vec<RecordBatch> =
        parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(
            std::fs::File::open(&output).unwrap(),
        )
        .unwrap()
        .build()
        .unwrap()
        .map(|b| b.unwrap())
        .collect();
    let lines: Vec<Value> = std::str::from_utf8(&lines)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let mut i = 0usize;
    for b in &batches {
        let col = |name: &str| b.column(b.schema().index_of(name).unwrap()).clone();
        let (key, row, decision, cites, obligations, depends_on, cases) = (
            col("customer_id"),
            col("row"),
            col("decision"),
            col("cites"),
            col("obligations"),
            col("depends_on"),
            col("cases"),
        );
        for j in 0..b.num_rows() {
            let line = &lines[i];
            assert_eq!(key.as_primitive::<Int64Type>().value(j), i as i64 + 1);
            assert_eq!(row.as_primitive::<UInt64Type>().value(j), i as u64 + 1);
            assert_eq!(
                decision.as_string::<i32>().value(j),
                line["decision"],
                "row {i}"
            );
            assert_eq!(list(&cites, j), line["cites"], "row {i}");
            assert_eq!(list(&obligations, j), line["obligations"], "row {i}");
            assert_eq!(list(&depends_on, j), line["depends_on"], "row {i}");
            let c: Value = serde_json::from_str(cases.as_string::<i32>().value(j)).unwrap();
            assert_eq!(c, line["cases"], "row {i}");
            i += 1;
        }
    }
    assert_eq!(i, n);
    let _ = std::fs::remove_dir_all(&dir);
}
