//! `juris batch` on tables: Parquet, Arrow IPC and CSV in and out, a request per row.
//!
//! Each row is decided as the same request in JSON Lines is, and refused as it is: the
//! tests write one set of requests both ways and compare the outputs field by field. A
//! table the vocabulary cannot read at all (a column that is no fact, a type no fact has, a
//! missing key column) is refused whole, with its code, and leaves no output file.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use arrow_array::builder::{
    BooleanBuilder, Decimal128Builder, Float64Builder, Int64Builder, StringBuilder,
    StringDictionaryBuilder,
};
use arrow_array::cast::AsArray;
use arrow_array::types::{Int32Type, UInt64Type};
use arrow_array::{Array, ArrayRef, RecordBatch, StructArray, TimestampSecondArray};
use arrow_schema::{DataType, Field};
use serde_json::{json, Map, Value};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn juris(args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_juris"))
        .args(args)
        .current_dir(crate::root())
        .output()
        .expect("juris runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("juris-table-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

const DATA: [&str; 8] = [
    "customer_name",
    "meter_number",
    "ssn",
    "usage_history",
    "contracted_kwh",
    "tax_id",
    "usage_updates",
    "meter_nmber", // not a member: R003
];

/// One generated Oregon request as flat cells (`None`: the cell is null).
struct Row {
    id: i64,
    jurisdiction: Option<&'static str>,
    actor: Option<&'static str>,
    data: Option<&'static str>,
    usage: Option<f64>,
    notice_sent: Option<bool>,
    opted_in: Option<bool>,
    safeguards: Option<bool>,
    agreement: Option<bool>,
}

fn rows(n: usize) -> Vec<Row> {
    (0..n)
        .map(|i| Row {
            id: 1_000 + i as i64,
            jurisdiction: Some(if i % 211 == 7 { "XX" } else { "OR" }),
            actor: Some(if i % 13 == 0 {
                "administrator"
            } else {
                "electric_company"
            }),
            data: (i % 19 != 3).then(|| DATA[i % DATA.len()]),
            // Some negative (R006), some unknown.
            usage: match i % 23 {
                5 => None,
                9 => Some(-0.5),
                _ => Some((i % 300) as f64 / 100.0),
            },
            notice_sent: (i % 5 != 0).then_some(i % 7 != 0),
            opted_in: Some(i % 3 == 0),
            safeguards: (i % 29 != 1).then_some(i % 17 != 0),
            agreement: Some(true),
        })
        .collect()
}

/// The row as a JSON Lines request, its null cells left out.
fn json_line(r: &Row) -> String {
    let mut o = Map::new();
    let mut put = |k: &str, v: Option<Value>| {
        if let Some(v) = v {
            o.insert(k.to_string(), v);
        }
    };
    put("jurisdiction", r.jurisdiction.map(Value::from));
    put("actor", r.actor.map(Value::from));
    put("action", Some("transfer".into()));
    put("recipient", Some("administrator".into()));
    put("data", r.data.map(Value::from));
    put("customer.usage_amw", r.usage.map(Value::from));
    put(
        "customer.pre_transfer_notice_sent",
        r.notice_sent.map(Value::from),
    );
    put("customer.opted_in", r.opted_in.map(Value::from));
    put(
        "administrator.safeguards_in_place",
        r.safeguards.map(Value::from),
    );
    put(
        "agreement.information_transfer_agreement",
        r.agreement.map(Value::from),
    );
    Value::Object(o).to_string()
}

fn strings<'a>(values: impl Iterator<Item = Option<&'a str>>) -> ArrayRef {
    let mut b = StringBuilder::new();
    for v in values {
        b.append_option(v);
    }
    Arc::new(b.finish())
}

fn bools(values: impl Iterator<Item = Option<bool>>) -> ArrayRef {
    let mut b = BooleanBuilder::new();
    for v in values {
        b.append_option(v);
    }
    Arc::new(b.finish())
}

/// The rows as a record batch: plain columns, `data` dictionary-encoded, `customer` a
/// struct column (read as `customer.usage_amw` and `customer.…`).
fn batch_of(rows: &[Row]) -> RecordBatch {
    let mut ids = Int64Builder::new();
    let mut usage = Float64Builder::new();
    let mut data = StringDictionaryBuilder::<Int32Type>::new();
    for r in rows {
        ids.append_value(r.id);
        usage.append_option(r.usage);
        data.append_option(r.data);
    }
    let customer = StructArray::from(vec![
        (
            Arc::new(Field::new("usage_amw", DataType::Float64, true)),
            Arc::new(usage.finish()) as ArrayRef,
        ),
        (
            Arc::new(Field::new(
                "pre_transfer_notice_sent",
                DataType::Boolean,
                true,
            )),
            bools(rows.iter().map(|r| r.notice_sent)),
        ),
        (
            Arc::new(Field::new("opted_in", DataType::Boolean, true)),
            bools(rows.iter().map(|r| r.opted_in)),
        ),
    ]);
    let columns: Vec<(&str, ArrayRef)> = vec![
        ("customer_id", Arc::new(ids.finish())),
        ("jurisdiction", strings(rows.iter().map(|r| r.jurisdiction))),
        ("actor", strings(rows.iter().map(|r| r.actor))),
        ("action", strings(rows.iter().map(|_| Some("transfer")))),
        (
            "recipient",
            strings(rows.iter().map(|_| Some("administrator"))),
        ),
        ("data", Arc::new(data.finish())),
        ("customer", Arc::new(customer)),
        (
            "administrator.safeguards_in_place",
            bools(rows.iter().map(|r| r.safeguards)),
        ),
        (
            "agreement.information_transfer_agreement",
            bools(rows.iter().map(|r| r.agreement)),
        ),
    ];
    RecordBatch::try_from_iter(columns).unwrap()
}

fn write_parquet(path: &Path, batch: &RecordBatch) {
    let file = std::fs::File::create(path).unwrap();
    let mut w = parquet::arrow::ArrowWriter::try_new(file, batch.schema(), None).unwrap();
    w.write(batch).unwrap();
    w.close().unwrap();
}

fn read_parquet(path: &Path) -> Vec<RecordBatch> {
    let file = std::fs::File::open(path).unwrap();
    parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(file)
        .unwrap()
        .build()
        .unwrap()
        .map(|b| b.unwrap())
        .collect()
}

fn read_arrow(path: &Path) -> Vec<RecordBatch> {
    let file = std::fs::File::open(path).unwrap();
    arrow_ipc::reader::FileReader::try_new(file, None)
        .unwrap()
        .map(|b| b.unwrap())
        .collect()
}

/// A cell of an output table as JSON (the types the output has).
fn cell(array: &ArrayRef, i: usize) -> Value {
    if array.is_null(i) {
        return Value::Null;
    }
    match array.data_type() {
        DataType::Int64 => json!(array
            .as_primitive::<arrow_array::types::Int64Type>()
            .value(i)),
        DataType::UInt64 => json!(array.as_primitive::<UInt64Type>().value(i)),
        DataType::Utf8 => json!(array.as_string::<i32>().value(i)),
        DataType::Struct(_) => {
            let s = array.as_struct();
            let mut o = Map::new();
            for (f, c) in s.fields().iter().zip(s.columns()) {
                o.insert(f.name().clone(), cell(c, i));
            }
            Value::Object(o)
        }
        DataType::List(_) => {
            let items = array.as_list::<i32>().value(i);
            Value::Array((0..items.len()).map(|j| cell(&items, j)).collect())
        }
        other => panic!("an output column of type {other}"),
    }
}

/// An output table's rows as JSON objects.
fn table_rows(batches: &[RecordBatch]) -> Vec<Map<String, Value>> {
    let mut out = Vec::new();
    for b in batches {
        for i in 0..b.num_rows() {
            let mut o = Map::new();
            for (f, c) in b.schema().fields().iter().zip(b.columns()) {
                o.insert(f.name().clone(), cell(c, i));
            }
            out.push(o);
        }
    }
    out
}

/// Writes `batch` as `NAME.parquet` in `dir`, decides it with `juris batch POLICIES` into
/// `NAME.out.parquet`; the exit code and the output's rows.
fn decide_table(
    dir: &Path,
    name: &str,
    policies: &str,
    batch: &RecordBatch,
) -> (i32, Vec<Map<String, Value>>) {
    let input = dir.join(format!("{name}.parquet"));
    let output = dir.join(format!("{name}.out.parquet"));
    write_parquet(&input, batch);
    let r = juris(&[
        "batch",
        policies,
        "--input",
        input.to_str().unwrap(),
        "--output",
        output.to_str().unwrap(),
    ]);
    assert!(r.code == 0 || r.code == 1, "{}", r.stderr);
    (r.code, table_rows(&read_parquet(&output)))
}

/// Checks an output row against the JSON Lines output line for the same request.
fn same_as_line(row: &Map<String, Value>, line: &Value, what: &str) {
    if let Some(error) = line.get("error") {
        assert_eq!(row["decision"], Value::Null, "{what}");
        for (column, field) in [
            ("error_code", "code"),
            ("error_name", "name"),
            ("error_message", "message"),
            ("error_key", "key"),
            ("error_help", "help"),
        ] {
            assert_eq!(row[column], error[field], "{what}: {column}");
        }
        let all = line.get("errors").map(|e| e.to_string());
        assert_eq!(
            row["errors"].as_str().map(str::to_string),
            all,
            "{what}: errors"
        );
    } else {
        for field in ["decision", "cites", "obligations", "depends_on"] {
            assert_eq!(row[field], line[field], "{what}: {field}");
        }
        let cases: Value = serde_json::from_str(row["cases"].as_str().unwrap()).unwrap();
        assert_eq!(cases, line["cases"], "{what}: cases");
        assert_eq!(row["error_code"], Value::Null, "{what}");
    }
}

#[test]
fn parquet_in_and_out_decides_each_row_as_json_lines_decides_its_request() {
    let dir = temp("parquet");
    let rows = rows(6_000);
    let jsonl: String = rows.iter().map(|r| json_line(r) + "\n").collect();
    std::fs::write(dir.join("in.jsonl"), &jsonl).unwrap();
    write_parquet(&dir.join("in.parquet"), &batch_of(&rows));
    let lines = juris(&[
        "batch",
        "policies",
        "--input",
        dir.join("in.jsonl").to_str().unwrap(),
    ]);
    assert_eq!(lines.code, 1, "{}", lines.stderr);
    let table = juris(&[
        "batch",
        "policies",
        "--jobs",
        "2",
        "--input",
        dir.join("in.parquet").to_str().unwrap(),
        "--output",
        dir.join("out.parquet").to_str().unwrap(),
        "--key",
        "customer_id",
    ]);
    assert_eq!(table.code, 1, "{}", table.stderr);
    let out = table_rows(&read_parquet(&dir.join("out.parquet")));
    let lines: Vec<Value> = lines
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(out.len(), rows.len());
    assert_eq!(lines.len(), rows.len());
    let mut seen = std::collections::BTreeMap::<String, usize>::new();
    for (i, ((row, line), r)) in out.iter().zip(&lines).zip(&rows).enumerate() {
        let what = format!("row {}: {}", i + 1, json_line(r));
        assert_eq!(row["customer_id"], json!(r.id), "{what}");
        assert_eq!(row["row"], json!(i + 1), "{what}");
        same_as_line(row, line, &what);
        let kind = match (row["decision"].as_str(), row["error_code"].as_str()) {
            (Some(d), _) => d.to_string(),
            (_, Some(c)) => c.to_string(),
            _ => panic!("{what}: neither a decision nor an error"),
        };
        *seen.entry(kind).or_default() += 1;
    }
    // The rows exercise every outcome they can reach and every refusal they hold.
    for kind in [
        "required",
        "prohibited",
        "undetermined",
        "R003",
        "R005",
        "R006",
    ] {
        assert!(seen.contains_key(kind), "no {kind} row: {seen:?}");
    }
    // The summary counts rows as the JSON Lines summary counts lines.
    let summary = |s: &str| {
        s.lines()
            .next()
            .unwrap()
            .replace("lines", "rows")
            .replace("line", "row")
    };
    assert_eq!(summary(&table.stderr), summary(&lines_stderr(&dir)));
    let _ = std::fs::remove_dir_all(&dir);
}

fn lines_stderr(dir: &Path) -> String {
    juris(&[
        "batch",
        "policies",
        "--input",
        dir.join("in.jsonl").to_str().unwrap(),
    ])
    .stderr
}

#[test]
fn arrow_ipc_and_csv_give_the_parquet_output() {
    let dir = temp("formats");
    let rows = rows(700);
    let batch = batch_of(&rows);
    write_parquet(&dir.join("in.parquet"), &batch);
    {
        let file = std::fs::File::create(dir.join("in.arrow")).unwrap();
        let mut w = arrow_ipc::writer::FileWriter::try_new(file, &batch.schema()).unwrap();
        w.write(&batch).unwrap();
        w.finish().unwrap();
    }
    // CSV is flat: the struct's facts as dotted columns, null as an empty cell.
    let mut csv = String::from("customer_id,jurisdiction,actor,action,recipient,data,customer.usage_amw,customer.pre_transfer_notice_sent,customer.opted_in,administrator.safeguards_in_place,agreement.information_transfer_agreement\n");
    let opt = |v: Option<String>| v.unwrap_or_default();
    for r in &rows {
        csv.push_str(&format!(
            "{},{},{},transfer,administrator,{},{},{},{},{},{}\n",
            r.id,
            opt(r.jurisdiction.map(str::to_string)),
            opt(r.actor.map(str::to_string)),
            opt(r.data.map(str::to_string)),
            opt(r.usage.map(|u| u.to_string())),
            opt(r.notice_sent.map(|b| b.to_string())),
            opt(r.opted_in.map(|b| b.to_string())),
            opt(r.safeguards.map(|b| b.to_string())),
            opt(r.agreement.map(|b| b.to_string())),
        ));
    }
    std::fs::write(dir.join("in.csv"), csv).unwrap();
    let run = |input: &str, output: &str| {
        let r = juris(&[
            "batch",
            "policies",
            "--input",
            dir.join(input).to_str().unwrap(),
            "--output",
            dir.join(output).to_str().unwrap(),
            "--key",
            "customer_id",
        ]);
        assert_eq!(r.code, 1, "{input}: {}", r.stderr);
    };
    run("in.parquet", "out.parquet");
    run("in.arrow", "out.arrow");
    run("in.csv", "out.csv");
    run("in.csv", "csv.parquet");
    let parquet = table_rows(&read_parquet(&dir.join("out.parquet")));
    assert_eq!(table_rows(&read_arrow(&dir.join("out.arrow"))), parquet);
    // CSV cells are text: the key is read back as text, the decisions are the same.
    let from_csv = table_rows(&read_parquet(&dir.join("csv.parquet")));
    assert_eq!(from_csv.len(), parquet.len());
    for (a, b) in from_csv.iter().zip(&parquet) {
        assert_eq!(a["customer_id"], json!(b["customer_id"].to_string()));
        for (k, v) in b {
            if k != "customer_id" {
                assert_eq!(&a[k], v, "{k} of row {}", b["row"]);
            }
        }
    }
    // The CSV output: a header, a row per request, lists as JSON text.
    let text = std::fs::read_to_string(dir.join("out.csv")).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("customer_id,row,decision,cites,obligations,depends_on,cases,error_code,error_name,error_message,error_key,error_help,errors")
    );
    assert_eq!(lines.count(), rows.len());
    let _ = std::fs::remove_dir_all(&dir);
}

/// Cells of other types read as the JSON they stand for: integers, decimals and a
/// dictionary as numbers and strings; NaN is refused (R011), never read as unknown.
#[test]
fn cells_of_every_supported_type_read_as_their_json() {
    let dir = temp("types");
    let n = 4;
    let mut decimal = Decimal128Builder::new();
    for v in [30i128, 250, 0, 100] {
        decimal.append_value(v);
    }
    let decimal = decimal.finish().with_precision_and_scale(10, 2).unwrap();
    let mut floats = Float64Builder::new();
    for v in [0.3, 2.5, f64::NAN, f64::INFINITY] {
        floats.append_value(v);
    }
    let base = |usage: ArrayRef| {
        RecordBatch::try_from_iter(vec![
            ("jurisdiction", strings((0..n).map(|_| Some("OR")))),
            ("actor", strings((0..n).map(|_| Some("electric_company")))),
            ("action", strings((0..n).map(|_| Some("transfer")))),
            ("recipient", strings((0..n).map(|_| Some("administrator")))),
            ("data", strings((0..n).map(|_| Some("meter_number")))),
            ("customer.usage_amw", usage),
            (
                "customer.pre_transfer_notice_sent",
                bools((0..n).map(|_| Some(true))),
            ),
            (
                "administrator.safeguards_in_place",
                bools((0..n).map(|_| Some(true))),
            ),
            (
                "agreement.information_transfer_agreement",
                bools((0..n).map(|_| Some(true))),
            ),
        ])
        .unwrap()
    };
    let decide =
        |name: &str, batch: RecordBatch| decide_table(&dir, name, "policies/oregon", &batch);
    let (code, decimals) = decide("decimal", base(Arc::new(decimal)));
    assert_eq!(code, 0);
    let (code, floats) = decide("float", base(Arc::new(floats.finish())));
    assert_eq!(code, 1);
    let line = |usage: &str| {
        let r = crate::batch::batch_bytes(
            &["policies/oregon", "--input", "-"],
            format!(r#"{{"jurisdiction": "OR", "actor": "electric_company", "action": "transfer", "recipient": "administrator", "data": "meter_number", "customer": {{"usage_amw": {usage}, "pre_transfer_notice_sent": true}}, "administrator": {{"safeguards_in_place": true}}, "agreement": {{"information_transfer_agreement": true}}}}"#).as_bytes(),
        );
        serde_json::from_str::<Value>(r.stdout.trim()).unwrap()
    };
    for (row, usage) in decimals.iter().zip(["0.30", "2.50", "0.00", "1.00"]) {
        same_as_line(row, &line(usage), usage);
    }
    same_as_line(&floats[0], &line("0.3"), "0.3");
    same_as_line(&floats[1], &line("2.5"), "2.5");
    for row in &floats[2..] {
        assert_eq!(row["error_code"], "R011", "{row:?}");
        assert_eq!(row["error_key"], "customer.usage_amw");
    }
    assert_eq!(
        floats[2]["error_message"],
        "the value of `customer.usage_amw` is NaN, which is not a number a fact can hold"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// CSV cells are read as their fact's type asks; what does not read so is refused as the
/// same text in JSON would be.
#[test]
fn csv_cells_read_as_their_facts_type() {
    let dir = temp("csv");
    let head = "jurisdiction,actor,action,recipient,data,customer.usage_amw,customer.pre_transfer_notice_sent,administrator.safeguards_in_place,agreement.information_transfer_agreement\n";
    let body = [
        "OR,electric_company,transfer,administrator,meter_number,0.3,true,true,true",
        "OR,electric_company,transfer,administrator,meter_number,3e-1,true,true,true",
        "OR,electric_company,transfer,administrator,meter_number,,true,true,true",
        "OR,electric_company,transfer,administrator,meter_number,0.3,TRUE,true,true",
        "OR,electric_company,transfer,administrator,meter_number,high,true,true,true",
        "OR,electric_company,transfer,administrator,meter_number,.3,true,true,true",
        "OR,electric_company,transfer,administrator,true,0.3,true,true,true",
    ];
    std::fs::write(dir.join("in.csv"), format!("{head}{}\n", body.join("\n"))).unwrap();
    let r = juris(&[
        "batch",
        "policies/oregon",
        "--input",
        dir.join("in.csv").to_str().unwrap(),
        "--output",
        dir.join("out.parquet").to_str().unwrap(),
    ]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let out = table_rows(&read_parquet(&dir.join("out.parquet")));
    let got: Vec<(Value, Value, Value)> = out
        .iter()
        .map(|row| {
            (
                row["decision"].clone(),
                row["error_code"].clone(),
                row["depends_on"].clone(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (json!("required"), Value::Null, json!([])),
            (json!("required"), Value::Null, json!([])),
            (
                json!("undetermined"),
                Value::Null,
                json!(["customer.usage_amw"])
            ),
            (Value::Null, json!("R002"), Value::Null),
            (Value::Null, json!("R002"), Value::Null),
            (Value::Null, json!("R002"), Value::Null),
            (Value::Null, json!("R003"), Value::Null),
        ]
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A struct column nested `depth` levels, two rows, a boolean at the bottom.
fn deep(depth: usize) -> ArrayRef {
    let mut array: ArrayRef = bools([Some(true), Some(false)].into_iter());
    for level in 0..depth {
        let field = Arc::new(Field::new(
            format!("l{level}"),
            array.data_type().clone(),
            true,
        ));
        array = Arc::new(StructArray::from(vec![(field, array)]));
    }
    array
}

/// Tables refused whole: the message, the code, the help, exit 2, no output file.
#[test]
fn a_table_the_vocabulary_cannot_read_is_refused_whole() {
    let dir = temp("refused");
    let n = 2;
    let good = |extra: Vec<(&'static str, ArrayRef)>| {
        let mut columns: Vec<(&str, ArrayRef)> = vec![
            ("customer_id", strings((0..n).map(|_| Some("c")))),
            ("data", strings((0..n).map(|_| Some("ssn")))),
        ];
        columns.extend(extra);
        RecordBatch::try_from_iter(columns).unwrap()
    };
    let cases: Vec<(&str, RecordBatch, Vec<&str>)> = vec![
        (
            "misspelt-column",
            good(vec![(
                "customer.usage_amv",
                Arc::new(arrow_array::Float64Array::from(vec![0.3, 0.4])),
            )]),
            vec!["--key", "customer_id"],
        ),
        (
            "group-column",
            good(vec![("customer", strings((0..n).map(|_| Some("x"))))]),
            vec!["--key", "customer_id"],
        ),
        (
            "timestamp-column",
            good(vec![(
                "customer.usage_amw",
                Arc::new(TimestampSecondArray::from(vec![1, 2])),
            )]),
            vec!["--key", "customer_id"],
        ),
        (
            "too-deep",
            good(vec![("customer", deep(40))]),
            vec!["--key", "customer_id"],
        ),
        ("missing-key", good(vec![]), vec!["--key", "account_id"]),
        (
            "key-named-decision",
            good(vec![("decision", strings((0..n).map(|_| Some("d"))))]),
            vec!["--key", "decision"],
        ),
        ("key-not-given", good(vec![]), vec![]),
    ];
    let mut report = String::new();
    for (name, batch, args) in cases {
        let input = dir.join(format!("{name}.parquet"));
        let output = dir.join(format!("{name}.out.parquet"));
        write_parquet(&input, &batch);
        let mut all = vec![
            "batch",
            "policies/oregon",
            "--input",
            input.to_str().unwrap(),
            "--output",
            output.to_str().unwrap(),
        ];
        all.extend(args);
        let r = juris(&all);
        report.push_str(&format!("== {name}: exit {}\n{}", r.code, r.stderr));
        assert_eq!(r.code, 2, "{name}: {}", r.stderr);
        assert!(r.stdout.is_empty(), "{name}");
        assert!(!output.exists(), "{name}: a refused table leaves no output");
    }
    // Usage: a table out of JSON Lines, a table without --output, a file that is not the
    // format its name says, a table from standard input, --key on JSON Lines.
    std::fs::write(dir.join("in.jsonl"), "{}\n").unwrap();
    std::fs::write(dir.join("not.parquet"), "id,data\n1,ssn\n").unwrap();
    let jsonl = dir.join("in.jsonl");
    let not = dir.join("not.parquet");
    let out = dir.join("o.parquet");
    let good_input = dir.join("missing-key.parquet");
    for (name, args) in [
        (
            "jsonl-to-parquet",
            vec![
                "--input",
                jsonl.to_str().unwrap(),
                "--output",
                out.to_str().unwrap(),
            ],
        ),
        (
            "no-output",
            vec![
                "--input",
                good_input.to_str().unwrap(),
                "--key",
                "customer_id",
            ],
        ),
        (
            "not-parquet",
            vec![
                "--input",
                not.to_str().unwrap(),
                "--output",
                out.to_str().unwrap(),
            ],
        ),
        (
            "table-from-stdin",
            vec![
                "--input",
                "-",
                "--input-format",
                "parquet",
                "--output",
                out.to_str().unwrap(),
            ],
        ),
        (
            "key-on-jsonl",
            vec!["--input", jsonl.to_str().unwrap(), "--key", "id"],
        ),
    ] {
        let mut all = vec!["batch", "policies/oregon"];
        all.extend(args);
        let r = juris(&all);
        assert_eq!(r.code, 2, "{name}: {}", r.stderr);
        report.push_str(&format!("== {name}: exit {}\n{}", r.code, r.stderr));
    }
    let root = dir.display().to_string();
    let report = report.replace(&root, "[DIR]");
    crate::settings().bind(|| insta::assert_snapshot!("batch_table_refused", report));
    let _ = std::fs::remove_dir_all(&dir);
}

/// `--explain` adds each decision's explanation, the one `juris eval --format json` gives.
#[test]
fn with_explain_a_row_carries_the_explanation_eval_gives() {
    let dir = temp("explain");
    let rows = rows(40);
    let batch = batch_of(&rows);
    write_parquet(&dir.join("in.parquet"), &batch);
    let r = juris(&[
        "batch",
        "policies",
        "--explain",
        "--input",
        dir.join("in.parquet").to_str().unwrap(),
        "--output",
        dir.join("out.parquet").to_str().unwrap(),
        "--key",
        "customer_id",
    ]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let out = table_rows(&read_parquet(&dir.join("out.parquet")));
    let jsonl: String = rows.iter().map(|r| json_line(r) + "\n").collect();
    let lines =
        crate::batch::batch_bytes(&["policies", "--explain", "--input", "-"], jsonl.as_bytes());
    let mut explained = 0;
    for (row, line) in out.iter().zip(lines.stdout.lines()) {
        let line: Value = serde_json::from_str(line).unwrap();
        match row["explanation"].as_str() {
            Some(text) => {
                let explanation: Value = serde_json::from_str(text).unwrap();
                assert_eq!(explanation, line["explanation"]);
                explained += 1;
            }
            None => assert!(line.get("error").is_some()),
        }
    }
    assert!(explained > 20, "{explained}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// A date column reads as the `YYYY-MM-DD` string a request gives a date fact: the
/// California contracts on either side of January 1, 2012 decide as their text does.
#[test]
fn a_date_column_reads_as_the_date_it_holds() {
    let dir = temp("dates");
    let days: Vec<Option<i32>> = vec![Some(16_587), Some(14_976), Some(14_975), None];
    let texts: Vec<Option<&str>> = vec![
        Some("2015-06-01"),
        Some("2011-01-02"),
        Some("2011-01-01"),
        None,
    ];
    let n = days.len();
    let batch = |entered: ArrayRef| {
        RecordBatch::try_from_iter(vec![
            (
                "actor",
                strings((0..n).map(|_| Some("electrical_corporation"))),
            ),
            ("action", strings((0..n).map(|_| Some("share")))),
            ("recipient", strings((0..n).map(|_| Some("contractor")))),
            (
                "data",
                strings((0..n).map(|_| Some("electrical_consumption_data"))),
            ),
            ("purpose", strings((0..n).map(|_| Some("demand_response")))),
            ("customer.consented", bools((0..n).map(|_| Some(false)))),
            ("contract.entered_on", entered),
            (
                "contract.requires_security",
                bools((0..n).map(|_| Some(false))),
            ),
            (
                "contract.prohibits_secondary_use",
                bools((0..n).map(|_| Some(false))),
            ),
        ])
        .unwrap()
    };
    let decide = |name: &str, b: RecordBatch| {
        let (code, rows) = decide_table(&dir, name, "policies/california", &b);
        assert_eq!(code, 0);
        rows
    };
    let dated = decide(
        "date32",
        batch(Arc::new(arrow_array::Date32Array::from(days))),
    );
    let texted = decide("text", batch(strings(texts.into_iter())));
    assert_eq!(dated, texted);
    let decisions: Vec<&Value> = dated.iter().map(|r| &r["decision"]).collect();
    assert_eq!(
        decisions,
        [
            &json!("prohibited"),
            &json!("prohibited"),
            &json!("permitted"),
            &json!("undetermined")
        ],
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// With `--decision-log`, a table's decisions are logged as JSON Lines' are: a chained line
/// per decided row (error rows are not decisions), each request the row's JSON, and the
/// chain verifies; `juris replay` against the same policy changes nothing.
#[test]
fn a_tables_decisions_are_logged_and_replay_unchanged() {
    let dir = temp("log");
    let rows = rows(500);
    write_parquet(&dir.join("in.parquet"), &batch_of(&rows));
    let log = dir.join("decisions.jsonl");
    let r = juris(&[
        "batch",
        "policies",
        "--input",
        dir.join("in.parquet").to_str().unwrap(),
        "--output",
        dir.join("out.parquet").to_str().unwrap(),
        "--key",
        "customer_id",
        "--decision-log",
        log.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let out = table_rows(&read_parquet(&dir.join("out.parquet")));
    let decided: Vec<&Map<String, Value>> =
        out.iter().filter(|r| !r["decision"].is_null()).collect();
    let text = std::fs::read_to_string(&log).unwrap();
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), decided.len());
    assert!(
        decided.len() > 300 && decided.len() < rows.len(),
        "{}",
        decided.len()
    );
    // Each logged request is its row's JSON (null cells left out), in row order.
    let expected: Vec<Value> = rows
        .iter()
        .zip(&out)
        .filter(|(_, o)| !o["decision"].is_null())
        .map(|(r, _)| serde_json::from_str(&json_line(r)).unwrap())
        .collect();
    for (line, (want, row)) in lines.iter().zip(expected.iter().zip(&decided)) {
        let request = line.pointer("/request").unwrap_or(&Value::Null);
        // The row's key is not a fact and never reaches the request.
        assert!(request.get("customer_id").is_none());
        // Numbers compared as numbers (RFC 8785 text): a float column's 0 is `0.0` here.
        let canonical = |v: &Value| serde_json_canonicalizer::to_string(v).unwrap();
        assert_eq!(canonical(request), canonical(want), "{line}");
        assert_eq!(
            line.pointer("/decision/decision"),
            Some(&row["decision"]),
            "{line}"
        );
    }
    let verified = juris(&["verify-log", log.to_str().unwrap()]);
    assert_eq!(verified.code, 0, "{}{}", verified.stdout, verified.stderr);
    let replayed = juris(&["replay", log.to_str().unwrap(), "policies"]);
    assert_eq!(replayed.code, 0, "{}{}", replayed.stdout, replayed.stderr);
    let _ = std::fs::remove_dir_all(&dir);
}

/// A table that breaks off (a CSV row of the wrong width, after 20,000 good ones) stops with
/// exit 2 and leaves no output file: a table cut short is not a table of decisions.
#[test]
fn a_table_that_breaks_off_leaves_no_output() {
    let dir = temp("breaks");
    let mut csv = String::from("jurisdiction,data\n");
    for _ in 0..20_000 {
        csv.push_str("OR,ssn\n");
    }
    csv.push_str("OR,ssn,extra\n");
    std::fs::write(dir.join("in.csv"), csv).unwrap();
    let output = dir.join("out.parquet");
    let r = juris(&[
        "batch",
        "policies/oregon",
        "--input",
        dir.join("in.csv").to_str().unwrap(),
        "--output",
        output.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("cannot read the input"), "{}", r.stderr);
    assert!(!output.exists(), "a table cut short is removed");
    let _ = std::fs::remove_dir_all(&dir);
}
