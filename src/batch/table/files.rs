//! Table files: Parquet, Arrow IPC and CSV read as record batches and written from them,
//! and the run that decides a whole file ([`run`]).

use super::{unreadable, Layout, Plan, TableError};
use crate::batch::{BatchError, Options, Summary};
use crate::engine::Engine;
use arrow_array::builder::StringBuilder;
use arrow_array::cast::AsArray;
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_schema::{ArrowError, DataType, Field, Schema, SchemaRef};
use std::fmt;
use std::io::Write;
use std::path::Path;
use std::sync::{mpsc, Arc};

/// The formats `juris batch` reads and writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// JSON Lines: one request object per line.
    Jsonl,
    /// Apache Parquet.
    Parquet,
    /// Arrow IPC, as a file (Feather 2) or a stream.
    Arrow,
    /// CSV with a header row; each cell is read as its fact's type.
    Csv,
}

impl Format {
    /// The format a file's extension names: `.parquet`/`.pq`, `.arrow`/`.arrows`/`.ipc`/
    /// `.feather`, `.csv`, `.jsonl`/`.ndjson`/`.json`; `None` for any other.
    pub fn of_path(path: &Path) -> Option<Format> {
        let extension = path.extension()?.to_str()?.to_ascii_lowercase();
        Some(match extension.as_str() {
            "parquet" | "pq" => Format::Parquet,
            "arrow" | "arrows" | "ipc" | "feather" => Format::Arrow,
            "csv" => Format::Csv,
            "jsonl" | "ndjson" | "json" => Format::Jsonl,
            _ => return None,
        })
    }

    /// Whether it is a table (not JSON Lines).
    pub fn is_table(self) -> bool {
        self != Format::Jsonl
    }

    /// Its name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Format::Jsonl => "jsonl",
            Format::Parquet => "parquet",
            Format::Arrow => "arrow",
            Format::Csv => "csv",
        }
    }
}

pub(super) fn arrow_read(e: ArrowError) -> BatchError {
    BatchError::Read(std::io::Error::other(e))
}

pub(super) fn arrow_write(e: ArrowError) -> BatchError {
    BatchError::Write(std::io::Error::other(e))
}

/// A table being read: its schema and its record batches.
pub struct Source {
    /// The columns.
    pub schema: SchemaRef,
    /// Its rows, if the format says before reading (Parquet).
    pub rows: Option<u64>,
    batches: Box<dyn Iterator<Item = Result<RecordBatch, ArrowError>> + Send>,
}

/// Rows per record batch read.
const BATCH_ROWS: usize = 16 * 1024;

/// Opens a table file of the given format (not JSON Lines).
pub fn open(path: &Path, format: Format) -> Result<Source, TableError> {
    let cannot = |e: &dyn fmt::Display| {
        unreadable(
            format!("cannot read {} as {}: {e}", path.display(), format.name()),
            "give --input-format when the extension does not say the format (parquet, arrow, csv, jsonl)",
        )
    };
    let file = std::fs::File::open(path).map_err(|e| cannot(&e))?;
    match format {
        Format::Parquet => {
            let builder =
                parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(file)
                    .map_err(|e| cannot(&e))?;
            let rows = u64::try_from(builder.metadata().file_metadata().num_rows()).ok();
            let reader = builder
                .with_batch_size(BATCH_ROWS)
                .build()
                .map_err(|e| cannot(&e))?;
            Ok(Source {
                schema: arrow_array::RecordBatchReader::schema(&reader),
                rows,
                batches: Box::new(reader),
            })
        }
        Format::Arrow => {
            let mut magic = [0u8; 6];
            let is_file = {
                use std::io::Read;
                let mut f = std::fs::File::open(path).map_err(|e| cannot(&e))?;
                f.read_exact(&mut magic).is_ok() && &magic == b"ARROW1"
            };
            if is_file {
                let reader =
                    arrow_ipc::reader::FileReader::try_new(file, None).map_err(|e| cannot(&e))?;
                let rows = None;
                Ok(Source {
                    schema: reader.schema(),
                    rows,
                    batches: Box::new(reader),
                })
            } else {
                let reader =
                    arrow_ipc::reader::StreamReader::try_new(std::io::BufReader::new(file), None)
                        .map_err(|e| cannot(&e))?;
                Ok(Source {
                    schema: reader.schema(),
                    rows: None,
                    batches: Box::new(reader),
                })
            }
        }
        Format::Csv => {
            let (header, _) = arrow_csv::reader::Format::default()
                .with_header(true)
                .infer_schema(std::io::BufReader::new(file), Some(0))
                .map_err(|e| cannot(&e))?;
            let fields: Vec<Field> = header
                .fields()
                .iter()
                .map(|f| Field::new(f.name(), DataType::Utf8, true))
                .collect();
            let schema = Arc::new(Schema::new(fields));
            let file = std::fs::File::open(path).map_err(|e| cannot(&e))?;
            let reader = arrow_csv::ReaderBuilder::new(schema.clone())
                .with_header(true)
                .with_batch_size(BATCH_ROWS)
                .build(file)
                .map_err(|e| cannot(&e))?;
            Ok(Source {
                schema,
                rows: None,
                batches: Box::new(reader),
            })
        }
        Format::Jsonl => Err(unreadable(
            format!("{} is JSON Lines, not a table", path.display()),
            "JSON Lines are read line by line (`juris batch --input FILE.jsonl`)",
        )),
    }
}

/// A table being written.
enum Sink<W: Write + Send> {
    Parquet(parquet::arrow::ArrowWriter<W>),
    Arrow(arrow_ipc::writer::FileWriter<W>),
    Csv(arrow_csv::Writer<W>, SchemaRef),
}

impl<W: Write + Send> Sink<W> {
    fn new(out: W, format: Format, schema: &SchemaRef) -> Result<Sink<W>, ArrowError> {
        Ok(match format {
            Format::Parquet => {
                let properties = parquet::file::properties::WriterProperties::builder()
                    .set_compression(parquet::basic::Compression::SNAPPY)
                    .set_max_row_group_row_count(Some(128 * 1024))
                    .build();
                Sink::Parquet(
                    parquet::arrow::ArrowWriter::try_new(out, schema.clone(), Some(properties))
                        .map_err(|e| ArrowError::ExternalError(Box::new(e)))?,
                )
            }
            Format::Arrow => Sink::Arrow(arrow_ipc::writer::FileWriter::try_new(out, schema)?),
            Format::Csv | Format::Jsonl => Sink::Csv(
                arrow_csv::WriterBuilder::new().with_header(true).build(out),
                flat_schema(schema),
            ),
        })
    }

    fn write(&mut self, batch: &RecordBatch) -> Result<(), ArrowError> {
        match self {
            Sink::Parquet(w) => w
                .write(batch)
                .map_err(|e| ArrowError::ExternalError(Box::new(e))),
            Sink::Arrow(w) => w.write(batch),
            Sink::Csv(w, schema) => w.write(&flatten(batch, schema)?),
        }
    }

    fn finish(self) -> Result<(), ArrowError> {
        match self {
            Sink::Parquet(w) => w
                .close()
                .map(|_| ())
                .map_err(|e| ArrowError::ExternalError(Box::new(e))),
            Sink::Arrow(mut w) => w.finish(),
            Sink::Csv(..) => Ok(()),
        }
    }
}

/// The schema of an output written as CSV: its lists as JSON text.
fn flat_schema(schema: &SchemaRef) -> SchemaRef {
    let fields: Vec<Field> = schema
        .fields()
        .iter()
        .map(|f| match f.data_type() {
            DataType::List(_) => Field::new(f.name(), DataType::Utf8, true),
            _ => f.as_ref().clone(),
        })
        .collect();
    Arc::new(Schema::new(fields))
}

/// An output batch with its lists as JSON text, for CSV.
fn flatten(batch: &RecordBatch, schema: &SchemaRef) -> Result<RecordBatch, ArrowError> {
    let columns = batch
        .columns()
        .iter()
        .map(|c| match c.data_type() {
            DataType::List(_) => {
                let list = c.as_list::<i32>();
                let mut b = StringBuilder::with_capacity(list.len(), list.len() * 16);
                for i in 0..list.len() {
                    if list.is_null(i) {
                        b.append_null();
                        continue;
                    }
                    let items = list.value(i);
                    let json = match items.data_type() {
                        DataType::Struct(_) => {
                            let s = items.as_struct();
                            let text = s.column(0).as_string::<i32>();
                            let cite = s.column(1).as_string::<i32>();
                            let v: Vec<serde_json::Value> = (0..s.len())
                                .map(|j| serde_json::json!({"text": text.value(j), "cite": cite.value(j)}))
                                .collect();
                            serde_json::to_string(&v)
                        }
                        _ => {
                            let strings = items.as_string::<i32>();
                            let v: Vec<&str> = (0..strings.len()).map(|j| strings.value(j)).collect();
                            serde_json::to_string(&v)
                        }
                    };
                    b.append_value(json.unwrap_or_default());
                }
                Arc::new(b.finish()) as ArrayRef
            }
            _ => c.clone(),
        })
        .collect();
    RecordBatch::try_new(schema.clone(), columns)
}

/// Decides every row of `source`, writing the output table in `format` to `output`, in row
/// order, with `threads` workers (as [`super::run`] does for JSON Lines: a batch is read
/// ahead while one is decided, so memory stays flat whatever the table's size).
/// `progress` is told the rows done after each batch.
pub fn run<W: Write + Send>(
    engine: &Engine,
    source: Source,
    output: W,
    format: Format,
    layout: Layout,
    options: &Options,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Summary, BatchError> {
    let plan =
        Plan::new(engine, source.schema.clone(), layout, options).map_err(BatchError::Table)?;
    let pool = crate::batch::pool_of(options);
    let stamps = crate::batch::stamps_for(engine, options);
    let mut sink = Sink::new(output, format, &plan.output).map_err(arrow_write)?;
    let mut summary = Summary::default();
    let batches = source.batches;
    std::thread::scope(|scope| {
        let (send, receive) = mpsc::sync_channel::<Result<RecordBatch, ArrowError>>(1);
        scope.spawn(move || {
            for batch in batches {
                let stop = batch.is_err();
                if send.send(batch).is_err() || stop {
                    return;
                }
            }
        });
        let mut next = 1u64;
        for batch in receive {
            let batch = batch.map_err(arrow_read)?;
            let mut decide = || plan.decide(&batch, next, &mut summary);
            let (out, logged) = match &pool {
                Some(pool) => pool.install(decide)?,
                None => decide()?,
            };
            if let Some(log) = &options.log {
                for (which, request, decision) in &logged {
                    if let Some(stamp) = stamps.get(*which) {
                        log.record(stamp, request, decision)
                            .map_err(BatchError::Log)?;
                    }
                }
            }
            sink.write(&out).map_err(arrow_write)?;
            next += batch.num_rows() as u64;
            progress(next - 1);
        }
        Ok::<(), BatchError>(())
    })?;
    sink.finish().map_err(arrow_write)?;
    Ok(summary)
}
