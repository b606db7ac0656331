//! Requests as the rows of a table (`juris batch` on Parquet, Arrow IPC and CSV files, the
//! Python package's `decide_batch`, Spark's `mapInArrow`).
//!
//! A row is a request: each column is a fact, named by its dotted path
//! (`customer.usage_amw`), or `jurisdiction`, or the key column the caller names, which is
//! carried to the output untouched. A struct column is read as the facts within it
//! (`customer` holding `usage_amw` is `customer.usage_amw`). A null cell is a fact not given,
//! so unknown. Columns are checked once per table against every loaded policy: a column
//! that is no fact of any policy, or of a type no fact has, refuses the whole table before
//! anything is decided ([`TableError`]).
//!
//! Each row is then written as the JSON object it stands for and read by the one request
//! decoder ([`crate::Request::fill_from`], through [`super::Decoder`]), so a row is
//! validated exactly as the same request in JSON Lines is: a row the vocabulary refuses
//! becomes an error row with its code, never a decision. Rows are decided a record batch at
//! a time, in pieces across the cores, and written in order.
//!
//! The output has, in order: the key column (when named), `row` (the 1-based row number,
//! when asked), `decision`, `cites` (a list), `obligations` (a list of `{text, cite}`),
//! `depends_on` (a list), `cases` (the contract's cases as JSON text), `explanation` (JSON
//! text, when asked), and for an error row `error_code`, `error_name`, `error_message`,
//! `error_key`, `error_help` (the first error, as the JSON Lines error record names it) and
//! `errors` (all of them as JSON, when there are several). A decided row has no error
//! fields; an error row has no decision fields.

use super::{BatchError, Decoder, Detail, Options, Summary};
use crate::diagnostic::{code, Code};
use crate::engine::Engine;
use crate::ir::Type;
use crate::request::{Limits, RequestError};

use arrow_array::cast::AsArray;
use arrow_array::types::{Float64Type, Int64Type, UInt64Type};
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_schema::{ArrowError, DataType, Field, Fields, Schema, SchemaRef};
use rayon::prelude::*;
use std::fmt;
use std::io::Write;

use std::sync::Arc;

/// What a table's output holds besides each row's decision.
#[derive(Clone, Debug, Default)]
pub struct Layout {
    /// With each decision's `explanation`, as JSON text.
    pub detail: Detail,
    /// The column carried to the output to tell rows apart (`--key customer_id`).
    pub key: Option<String>,
    /// A `row` column with each row's 1-based number in the input.
    pub row_numbers: bool,
    /// Every cell is text to be read as its fact's type (CSV): `true`/`false` for a
    /// boolean, a JSON number for a number, a JSON array of strings for a set; anything
    /// else is given as a string, which the decoder refuses for such a fact.
    pub text_cells: bool,
}

/// A table that cannot be read as requests at all: nothing of it is decided.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableError {
    /// `R001` (no fact has the column's name), `R002` (no fact has the column's type),
    /// `R009` (structs nested deeper than a request may nest) or `U004` (the table cannot be
    /// read, or the key column is missing).
    pub code: &'static Code,
    /// The column it is about, if one.
    pub column: Option<String>,
    /// A lowercase message without a final period.
    pub message: String,
    /// How to fix it.
    pub help: String,
}

impl fmt::Display for TableError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.message)
    }
}

impl std::error::Error for TableError {}

pub(super) fn unreadable(message: String, help: &str) -> TableError {
    TableError {
        code: &code::unreadable_table,
        column: None,
        message,
        help: help.to_string(),
    }
}

mod files;
mod output;

use files::{arrow_read, arrow_write};
pub use files::{open, run, Format, Source};
use output::Builders;

// ------------------------------------------------------------------ columns

/// How a column's cells are written into the request's JSON.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Bool,
    Int,
    UInt,
    Float,
    /// Decimal text written as a JSON number.
    Number,
    Str,
    /// A list of strings.
    List,
    /// Always null.
    Null,
    /// CSV text, written as its fact's type asks.
    Text(TextAs),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum TextAs {
    Bool,
    Number,
    Set,
    Str,
}

/// A column read as a fact (or `jurisdiction`): where it is and how it is written.
#[derive(Clone, Debug)]
struct Leaf {
    /// Child indices from the top-level column down (one for a plain column).
    path: Vec<usize>,
    /// `"customer.usage_amw":`, escaped.
    key_json: Vec<u8>,
    kind: Kind,
}

/// How a table's columns become requests, worked out once from its schema.
pub struct Plan<'e> {
    decoder: Decoder<'e>,
    layout: Layout,
    input: SchemaRef,
    output: SchemaRef,
    leaves: Vec<Leaf>,
    /// The key column's index in the input.
    key: Option<usize>,
}

/// The output columns that are not the key, in order.
fn decision_fields(layout: &Layout) -> Vec<Field> {
    let list = |name: &str| {
        Field::new(
            name,
            DataType::List(Arc::new(Field::new("item", DataType::Utf8, true))),
            true,
        )
    };
    let mut fields = Vec::new();
    if layout.row_numbers {
        fields.push(Field::new("row", DataType::UInt64, false));
    }
    fields.push(Field::new("decision", DataType::Utf8, true));
    fields.push(list("cites"));
    fields.push(Field::new(
        "obligations",
        DataType::List(Arc::new(Field::new(
            "item",
            DataType::Struct(obligation_fields()),
            true,
        ))),
        true,
    ));
    fields.push(list("depends_on"));
    fields.push(Field::new("cases", DataType::Utf8, true));
    if layout.detail == Detail::Explained {
        fields.push(Field::new("explanation", DataType::Utf8, true));
    }
    for name in [
        "error_code",
        "error_name",
        "error_message",
        "error_key",
        "error_help",
        "errors",
    ] {
        fields.push(Field::new(name, DataType::Utf8, true));
    }
    fields
}

pub(super) fn obligation_fields() -> Fields {
    Fields::from(vec![
        Field::new("text", DataType::Utf8, true),
        Field::new("cite", DataType::Utf8, true),
    ])
}

/// The kind of a column of this type, if a fact can be read from it.
fn kind_of(ty: &DataType) -> Option<Kind> {
    Some(match ty {
        DataType::Boolean => Kind::Bool,
        DataType::Int8 | DataType::Int16 | DataType::Int32 | DataType::Int64 => Kind::Int,
        DataType::UInt8 | DataType::UInt16 | DataType::UInt32 | DataType::UInt64 => Kind::UInt,
        DataType::Float16 | DataType::Float32 | DataType::Float64 => Kind::Float,
        DataType::Decimal32(..)
        | DataType::Decimal64(..)
        | DataType::Decimal128(..)
        | DataType::Decimal256(..) => Kind::Number,
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => Kind::Str,
        DataType::Date32 | DataType::Date64 => Kind::Str,
        DataType::Dictionary(_, values) => kind_of(values)?,
        DataType::List(item) | DataType::LargeList(item) | DataType::FixedSizeList(item, _) => {
            match item.data_type() {
                DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => Kind::List,
                DataType::Dictionary(_, v)
                    if matches!(**v, DataType::Utf8 | DataType::LargeUtf8) =>
                {
                    Kind::List
                }
                _ => return None,
            }
        }
        DataType::Null => Kind::Null,
        _ => return None,
    })
}

impl<'e> Plan<'e> {
    /// Works out how the columns of `schema` are read, checking each against every policy
    /// of the engine.
    pub fn new(
        engine: &'e Engine,
        schema: SchemaRef,
        layout: Layout,
        options: &Options,
    ) -> Result<Plan<'e>, TableError> {
        let mut decoder = Decoder::new(engine, layout.detail);
        decoder.limits = options.limits;
        decoder.logging = options.log.is_some();
        let key = match &layout.key {
            None => None,
            Some(name) => Some(schema.index_of(name).map_err(|_| TableError {
                code: &code::unreadable_table,
                column: Some(name.clone()),
                message: format!("the table has no column `{name}` to key its rows by"),
                help: format!(
                    "--key names one of the table's columns: {}",
                    column_list(&schema)
                ),
            })?),
        };
        let decisions = decision_fields(&layout);
        if let Some(name) = &layout.key {
            if decisions.iter().any(|f| f.name() == name) {
                return Err(TableError {
                    code: &code::unreadable_table,
                    column: Some(name.clone()),
                    message: format!("the key column `{name}` has the name of an output column"),
                    help: "rename the key column: the output adds `decision`, `cites`, `obligations`, `depends_on`, `cases` and the `error_…` columns".to_string(),
                });
            }
        }
        let mut leaves = Vec::new();
        for (i, field) in schema.fields().iter().enumerate() {
            if Some(i) == key {
                continue;
            }
            walk(
                engine,
                &layout,
                field,
                field.name().clone(),
                vec![i],
                &mut leaves,
            )?;
        }
        let mut output = Vec::new();
        if let Some(k) = key {
            output.push(schema.field(k).clone());
        }
        output.extend(decisions);
        Ok(Plan {
            decoder,
            layout,
            input: schema,
            output: Arc::new(Schema::new(output)),
            leaves,
            key,
        })
    }

    /// The output's schema.
    pub fn output_schema(&self) -> SchemaRef {
        self.output.clone()
    }

    /// Decides every row of a batch (numbered from `first_row`, 1-based) on the current
    /// rayon pool, in pieces; returns the output batch and what to log, in row order.
    pub fn decide(
        &self,
        batch: &RecordBatch,
        first_row: u64,
        summary: &mut Summary,
    ) -> Result<(RecordBatch, Vec<super::Logged>), BatchError> {
        if batch.schema().fields() != self.input.fields() {
            return Err(BatchError::Table(unreadable(
                "a record batch's columns differ from the table's".to_string(),
                "every batch of a table has the same columns",
            )));
        }
        let cells = self.cells(batch).map_err(arrow_read)?;
        let rows = batch.num_rows();
        let starts: Vec<usize> = (0..rows).step_by(PIECE).collect();
        let pieces: Vec<Result<Piece, ArrowError>> = starts
            .par_iter()
            .map_init(
                || self.decoder.scratch(),
                |scratch, &start| {
                    let end = (start + PIECE).min(rows);
                    let mut part = Summary::default();
                    let out = self.piece(scratch, batch, &cells, start..end, first_row, &mut part);
                    out.map(|b| (b, part, std::mem::take(&mut scratch.logged)))
                },
            )
            .collect();
        let mut batches = Vec::with_capacity(pieces.len());
        let mut logged = Vec::new();
        for piece in pieces {
            let (b, part, l) = piece.map_err(arrow_write)?;
            summary.add(&part);
            batches.push(b);
            logged.extend(l);
        }
        let out =
            arrow_select::concat::concat_batches(&self.output, &batches).map_err(arrow_write)?;
        Ok((out, logged))
    }

    /// Each leaf's cells for this batch, cast to the type it is written from, with the
    /// struct columns above it (a null struct is a null cell).
    fn cells(&self, batch: &RecordBatch) -> Result<Vec<Cells>, ArrowError> {
        self.leaves
            .iter()
            .map(|leaf| {
                let mut parents = Vec::new();
                let mut array: Option<ArrayRef> = None;
                for &i in &leaf.path {
                    let next = match &array {
                        None => batch.column(i).clone(),
                        Some(parent) => {
                            parents.push(parent.clone());
                            parent.as_struct().column(i).clone()
                        }
                    };
                    array = Some(next);
                }
                let array = array.ok_or_else(|| ArrowError::SchemaError("empty path".into()))?;
                let array = normalise(array, leaf.kind)?;
                Ok(Cells { array, parents })
            })
            .collect()
    }

    /// Decides rows `range` of a batch into an output batch.
    fn piece(
        &self,
        scratch: &mut super::Scratch,
        batch: &RecordBatch,
        cells: &[Cells],
        range: std::ops::Range<usize>,
        first_row: u64,
        summary: &mut Summary,
    ) -> Result<RecordBatch, ArrowError> {
        let mut out = Builders::new(range.len(), &self.layout);
        let mut text = Vec::with_capacity(256);
        for row in range.clone() {
            let number = first_row + row as u64;
            if let Some(b) = &mut out.row {
                b.append_value(number);
            }
            text.clear();
            let decided = match self.encode(cells, row, &mut text) {
                Ok(()) => self.decoder.decide(scratch, &text, number, summary),
                Err(e) => {
                    summary.lines += 1;
                    summary.errors += 1;
                    summary.first_error =
                        Some(summary.first_error.map_or(number, |f| f.min(number)));
                    Err(vec![e])
                }
            };
            match decided {
                Ok(which) => {
                    let (Some(codec), Some(request)) = (
                        self.decoder.policies.get(which),
                        scratch.requests.get(which),
                    ) else {
                        return Err(ArrowError::ComputeError("no policy".into()));
                    };
                    out.decided(codec.policy, &scratch.decision, request, self.layout.detail);
                }
                Err(errors) => out.refused(&text, &errors),
            }
        }
        let mut columns: Vec<ArrayRef> = Vec::with_capacity(self.output.fields().len());
        if let Some(k) = self.key {
            columns.push(batch.column(k).slice(range.start, range.len()));
        }
        columns.extend(out.finish());
        RecordBatch::try_new(self.output.clone(), columns)
    }

    /// Writes row `row` as the JSON object it stands for (null cells left out).
    fn encode(&self, cells: &[Cells], row: usize, out: &mut Vec<u8>) -> Result<(), RequestError> {
        out.push(b'{');
        let mut first = true;
        for (leaf, cells) in self.leaves.iter().zip(cells) {
            if cells.array.is_null(row) || cells.parents.iter().any(|p| p.is_null(row)) {
                continue;
            }
            if !first {
                out.push(b',');
            }
            first = false;
            out.extend_from_slice(&leaf.key_json);
            write_cell(&cells.array, leaf, row, out)?;
        }
        out.push(b'}');
        Ok(())
    }
}

/// A piece's output, what it decided and what it logs.
type Piece = (RecordBatch, Summary, Vec<super::Logged>);

/// Rows a worker takes at a time.
const PIECE: usize = 1024;

/// A leaf's cells in one batch.
struct Cells {
    array: ArrayRef,
    parents: Vec<ArrayRef>,
}

/// Finds the leaves of a column: itself, or for a struct, the facts within it.
fn walk(
    engine: &Engine,
    layout: &Layout,
    field: &Field,
    name: String,
    path: Vec<usize>,
    leaves: &mut Vec<Leaf>,
) -> Result<(), TableError> {
    if let DataType::Struct(children) = field.data_type() {
        // A struct of facts nests a level or two; a hostile schema is refused before it is
        // walked deeper than a request may nest.
        if path.len() >= Limits::DEFAULT.max_depth {
            return Err(TableError {
                code: &code::too_deep,
                column: Some(name.clone()),
                message: format!(
                    "the column `{}` nests structs deeper than {} levels",
                    name.split('.').next().unwrap_or(&name),
                    Limits::DEFAULT.max_depth
                ),
                help: "a struct column holds the facts of a group (`customer` with `usage_amw`); facts nest a level or two".to_string(),
            });
        }
        for (i, child) in children.iter().enumerate() {
            let mut p = path.clone();
            p.push(i);
            walk(
                engine,
                layout,
                child,
                format!("{name}.{}", child.name()),
                p,
                leaves,
            )?;
        }
        return Ok(());
    }
    let policies = engine.policies();
    let ty = policies
        .iter()
        .find_map(|p| p.fact_id(&name).map(|f| p.fact(f).ty.clone()));
    if ty.is_none() && name != "jurisdiction" {
        let facts: Vec<&str> = policies
            .iter()
            .flat_map(|p| p.facts.iter().map(|f| f.name.as_str()))
            .collect();
        let group = policies.iter().any(|p| p.is_fact_group(&name));
        let help = if group {
            format!("`{name}` is a group of facts: give each as its own column (`{name}.…`), or as a struct column")
        } else if let Some(s) = crate::diagnostic::did_you_mean(&name, facts.iter().copied()) {
            format!("did you mean `{s}`? Each column is a fact's dotted name, `jurisdiction`, or the --key column")
        } else {
            "each column is a fact's dotted name as a policy's `vocabulary` declares it, `jurisdiction`, or the --key column".to_string()
        };
        let help = if layout.key.is_none() && !group {
            format!("{help}; a column that tells rows apart is named with `--key {name}`")
        } else {
            help
        };
        return Err(TableError {
            code: &code::unknown_key,
            column: Some(name.clone()),
            message: format!("the column `{name}` is not a fact of any loaded policy"),
            help,
        });
    }
    let kind = if layout.text_cells {
        Kind::Text(match ty {
            Some(Type::Bool) => TextAs::Bool,
            Some(Type::Number) => TextAs::Number,
            Some(Type::Set(_)) => TextAs::Set,
            _ => TextAs::Str,
        })
    } else {
        kind_of(field.data_type()).ok_or_else(|| TableError {
            code: &code::wrong_type,
            column: Some(name.clone()),
            message: format!(
                "the column `{name}` holds {} values, which no fact has",
                field.data_type()
            ),
            help: "a fact is a boolean, a number (integer, float or decimal), a string (an enumeration member, a text, or a date as YYYY-MM-DD or a date column) or a list of strings (a set)".to_string(),
        })?
    };
    let mut key_json = serde_json::to_vec(&name).unwrap_or_default();
    key_json.push(b':');
    leaves.push(Leaf {
        path,
        key_json,
        kind,
    });
    Ok(())
}

fn column_list(schema: &Schema) -> String {
    let names: Vec<String> = schema
        .fields()
        .iter()
        .take(12)
        .map(|f| format!("`{}`", f.name()))
        .collect();
    let more = schema.fields().len().saturating_sub(12);
    if more > 0 {
        format!("{} and {more} more", names.join(", "))
    } else {
        names.join(", ")
    }
}

/// Casts a column to the one array type its kind is written from.
fn normalise(array: ArrayRef, kind: Kind) -> Result<ArrayRef, ArrowError> {
    use arrow_cast::cast;
    let ty = array.data_type().clone();
    let array = match ty {
        DataType::Dictionary(_, values) => cast(&array, &values)?,
        _ => array,
    };
    let to = match kind {
        Kind::Bool | Kind::Null => return Ok(array),
        Kind::Int => DataType::Int64,
        Kind::UInt => DataType::UInt64,
        Kind::Float => DataType::Float64,
        Kind::Number | Kind::Str | Kind::Text(_) => {
            if array.data_type() == &DataType::Date64 {
                let days = cast(&array, &DataType::Date32)?;
                return cast(&days, &DataType::Utf8);
            }
            DataType::Utf8
        }
        Kind::List => DataType::List(Arc::new(Field::new("item", DataType::Utf8, true))),
    };
    if array.data_type() == &to {
        Ok(array)
    } else {
        cast(&array, &to)
    }
}

/// Writes one non-null cell as a JSON value.
fn write_cell(
    array: &ArrayRef,
    leaf: &Leaf,
    row: usize,
    out: &mut Vec<u8>,
) -> Result<(), RequestError> {
    match leaf.kind {
        Kind::Bool => {
            let v = array.as_boolean().value(row);
            out.extend_from_slice(if v { b"true" } else { b"false" });
        }
        Kind::Int => {
            let _ = write!(out, "{}", array.as_primitive::<Int64Type>().value(row));
        }
        Kind::UInt => {
            let _ = write!(out, "{}", array.as_primitive::<UInt64Type>().value(row));
        }
        Kind::Float => {
            let v = array.as_primitive::<Float64Type>().value(row);
            if !v.is_finite() {
                let key = leaf_name(leaf);
                return Err(RequestError {
                    code: &code::unrepresentable_number,
                    message: format!(
                        "the value of `{key}` is {v}, which is not a number a fact can hold"
                    ),
                    help: Some(format!(
                        "give `{key}` a finite number, or leave the cell null when it is unknown"
                    )),
                    key,
                    points_at: crate::request::locate::Point::Value,
                    at: None,
                });
            }
            let mut buffer = ryu_js::Buffer::new();
            out.extend_from_slice(buffer.format_finite(v).as_bytes());
        }
        Kind::Number => out.extend_from_slice(array.as_string::<i32>().value(row).as_bytes()),
        Kind::Str | Kind::Text(TextAs::Str) => {
            let _ = serde_json::to_writer(&mut *out, array.as_string::<i32>().value(row));
        }
        Kind::List => {
            let list = array.as_list::<i32>().value(row);
            let items = list.as_string::<i32>();
            out.push(b'[');
            for i in 0..items.len() {
                if i > 0 {
                    out.push(b',');
                }
                if items.is_null(i) {
                    out.extend_from_slice(b"null");
                } else {
                    let _ = serde_json::to_writer(&mut *out, items.value(i));
                }
            }
            out.push(b']');
        }
        Kind::Null => out.extend_from_slice(b"null"),
        Kind::Text(how) => {
            let text = array.as_string::<i32>().value(row);
            let raw = match how {
                TextAs::Bool => text == "true" || text == "false",
                TextAs::Number => is_json_number(text),
                TextAs::Set => serde_json::from_str::<Vec<String>>(text).is_ok(),
                TextAs::Str => false,
            };
            if raw {
                out.extend_from_slice(text.as_bytes());
            } else {
                let _ = serde_json::to_writer(&mut *out, text);
            }
        }
    }
    Ok(())
}

/// A leaf's dotted name, from its escaped key.
fn leaf_name(leaf: &Leaf) -> String {
    let key = leaf.key_json.strip_suffix(b":").unwrap_or(&leaf.key_json);
    serde_json::from_slice(key).unwrap_or_default()
}

/// Whether `s` is a number as JSON writes one: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
fn is_json_number(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    let digits = |i: &mut usize| {
        let start = *i;
        while b.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i - start
    };
    if b.get(i) == Some(&b'-') {
        i += 1;
    }
    match b.get(i) {
        Some(b'0') => i += 1,
        Some(c) if c.is_ascii_digit() => {
            digits(&mut i);
        }
        _ => return false,
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}
