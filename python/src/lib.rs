//! `juris._juris`: the native half of the `juris` Python package.
//!
//! Everything here hands work to the `juris` crate: loading policies ([`juris::Engine::load`]),
//! decoding and validating a request ([`juris::Engine::request_from_slice`], the one decoder
//! of `juris eval` and `juris batch`), deciding it, writing the decision contract
//! ([`juris::explain`]) and deciding Arrow tables of requests
//! ([`juris::batch::table::Plan`], what `juris batch --input x.parquet` runs). Arrow data
//! crosses from and to pyarrow through the Arrow C data interface (`arrow-pyarrow`), without
//! copying. The Python side (`python/juris/__init__.py`) only wraps these in documented
//! classes and raises the exceptions this module builds.

use arrow_array::ffi_stream::ArrowArrayStreamReader;
use arrow_array::{RecordBatch, RecordBatchReader};
use arrow_pyarrow::{FromPyArrow, IntoPyArrow, PyArrowType, Table};
use arrow_schema::{Schema, SchemaRef};
use juris::batch::table::{Layout, Plan, TableError};
use juris::batch::{BatchError, Detail, Options, Summary};
use juris::diagnostic::{render_human, Colour, FileDiagnostics};
use juris::request::{Limits, RequestError};
use juris::Engine;
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use std::path::PathBuf;
use std::sync::Arc;

/// Builds one of the exceptions of `juris._errors` from keyword arguments.
fn raise(py: Python<'_>, class: &str, message: &str, fields: &Bound<'_, PyDict>) -> PyErr {
    let made = py
        .import("juris._errors")
        .and_then(|m| m.getattr(class))
        .and_then(|c| c.call((message,), Some(fields)));
    match made {
        Ok(exception) => PyErr::from_value(exception),
        Err(e) => e,
    }
}

fn diagnostics_error(py: Python<'_>, files: &[FileDiagnostics]) -> PyErr {
    let build = || -> PyResult<PyErr> {
        let list = PyList::empty(py);
        for file in files {
            for d in &file.diagnostics {
                let item = PyDict::new(py);
                item.set_item("code", d.code.code)?;
                item.set_item("name", d.code.name)?;
                item.set_item("severity", d.severity.as_str())?;
                item.set_item("message", &d.message)?;
                item.set_item("file", file.source.name())?;
                let line = d
                    .labels
                    .first()
                    .map(|l| file.source.line_col(l.span.start as usize).0);
                item.set_item("line", line)?;
                item.set_item("help", d.help.as_deref())?;
                list.append(item)?;
            }
        }
        let fields = PyDict::new(py);
        fields.set_item("diagnostics", list)?;
        fields.set_item("rendered", render_human(files, Colour::Plain, 100))?;
        let count = files.iter().map(|f| f.diagnostics.len()).sum::<usize>();
        let message = match files.iter().flat_map(|f| f.diagnostics.first()).next() {
            Some(first) if count == 1 => {
                format!("[{}] {}", first.code.code, first.message)
            }
            Some(first) => format!(
                "[{}] {} (and {} more)",
                first.code.code,
                first.message,
                count - 1
            ),
            None => "the policies could not be loaded".to_string(),
        };
        Ok(raise(py, "PolicyError", &message, &fields))
    };
    build().unwrap_or_else(|e| e)
}

fn request_error(py: Python<'_>, errors: &[RequestError]) -> PyErr {
    let one = |e: &RequestError| -> PyResult<Bound<'_, PyDict>> {
        let item = PyDict::new(py);
        item.set_item("code", e.code.code)?;
        item.set_item("name", e.code.name)?;
        item.set_item("message", &e.message)?;
        item.set_item("key", (!e.key.is_empty()).then_some(e.key.as_str()))?;
        item.set_item("help", e.help.as_deref())?;
        Ok(item)
    };
    let build = || -> PyResult<PyErr> {
        let list = PyList::empty(py);
        for e in errors {
            list.append(one(e)?)?;
        }
        let fields = match errors.first() {
            Some(first) => one(first)?,
            None => PyDict::new(py),
        };
        fields.set_item("errors", list)?;
        let message = errors.first().map_or_else(
            || "the request is not valid".to_string(),
            |e| e.message.clone(),
        );
        Ok(raise(py, "RequestError", &message, &fields))
    };
    build().unwrap_or_else(|e| e)
}

fn table_error(py: Python<'_>, e: &TableError) -> PyErr {
    let build = || -> PyResult<PyErr> {
        let fields = PyDict::new(py);
        fields.set_item("code", e.code.code)?;
        fields.set_item("name", e.code.name)?;
        fields.set_item("column", e.column.as_deref())?;
        fields.set_item("message", &e.message)?;
        fields.set_item("help", &e.help)?;
        Ok(raise(py, "TableError", &e.message, &fields))
    };
    build().unwrap_or_else(|e| e)
}

fn batch_error(py: Python<'_>, e: &BatchError) -> PyErr {
    match e {
        BatchError::Table(t) => table_error(py, t),
        other => {
            let fields = PyDict::new(py);
            raise(py, "JurisError", &other.to_string(), &fields)
        }
    }
}

fn layout(key: Option<String>, explain: bool) -> Layout {
    Layout {
        detail: if explain {
            Detail::Explained
        } else {
            Detail::Decision
        },
        key,
        row_numbers: false,
        text_cells: false,
    }
}

fn options(explain: bool) -> Options {
    Options {
        detail: if explain {
            Detail::Explained
        } else {
            Detail::Decision
        },
        ..Options::default()
    }
}

/// What deciding a table can fail with, before it is turned into a Python exception
/// (outside the GIL-free section).
enum Failure {
    Table(TableError),
    Batch(BatchError),
    Arrow(String),
}

/// Loaded policies (see `juris.Engine`).
#[pyclass(frozen, module = "juris._juris", name = "Engine")]
struct PyEngine {
    engine: Arc<Engine>,
}

#[pymethods]
impl PyEngine {
    /// Loads the policies at the given paths (files or directories).
    #[staticmethod]
    fn load(py: Python<'_>, paths: Vec<PathBuf>) -> PyResult<PyEngine> {
        match py.detach(|| Engine::load(&paths)) {
            Ok(engine) => Ok(PyEngine {
                engine: Arc::new(engine),
            }),
            Err(files) => Err(diagnostics_error(py, &files)),
        }
    }

    /// The jurisdictions of the loaded policies, in load order.
    #[getter]
    fn jurisdictions(&self) -> Vec<String> {
        self.engine
            .policies()
            .iter()
            .map(|p| p.jurisdiction.clone())
            .collect()
    }

    /// Decides one request given as JSON bytes; returns the decision contract as JSON text.
    #[pyo3(signature = (request, explain = false))]
    fn decide_json(&self, py: Python<'_>, request: Vec<u8>, explain: bool) -> PyResult<String> {
        let engine = &self.engine;
        let decided = py.detach(|| {
            let (policy, request) = engine.request_from_slice(&request, Limits::DEFAULT)?;
            let json = if explain {
                let decision = engine.decide_explained(policy, &request);
                juris::explain::to_json(policy, &decision, &request)
            } else {
                let decision = engine.decide(policy, &request);
                juris::explain::decision_json(policy, &decision)
            };
            Ok::<_, Vec<RequestError>>(json.to_string())
        });
        decided.map_err(|errors| request_error(py, &errors))
    }

    /// The schema `decide_batch` gives for an input of this schema.
    #[pyo3(signature = (schema, key = None, explain = false))]
    fn output_schema(
        &self,
        py: Python<'_>,
        schema: PyArrowType<Schema>,
        key: Option<String>,
        explain: bool,
    ) -> PyResult<PyArrowType<Schema>> {
        let plan = Plan::new(
            &self.engine,
            Arc::new(schema.0),
            layout(key, explain),
            &options(explain),
        )
        .map_err(|e| table_error(py, &e))?;
        Ok(PyArrowType(Arc::unwrap_or_clone(plan.output_schema())))
    }

    /// Decides every row of an Arrow table, record batch or stream (anything with
    /// `__arrow_c_stream__`, or a `pyarrow.RecordBatch`); returns a `pyarrow.Table`.
    #[pyo3(signature = (data, key = None, explain = false))]
    fn decide_batch<'py>(
        &self,
        py: Python<'py>,
        data: &Bound<'py, PyAny>,
        key: Option<String>,
        explain: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let reader: Box<dyn RecordBatchReader + Send> =
            if data.hasattr("__arrow_c_stream__")? || data.hasattr("_export_to_c")? {
                match ArrowArrayStreamReader::from_pyarrow_bound(data) {
                    Ok(reader) => Box::new(reader),
                    Err(_) => one_batch(RecordBatch::from_pyarrow_bound(data)?),
                }
            } else {
                one_batch(RecordBatch::from_pyarrow_bound(data)?)
            };
        let engine = &self.engine;
        let decided = py.detach(move || decide_all(engine, reader, key, explain));
        match decided {
            Ok((batches, schema)) => {
                let table = Table::try_new(batches, schema)
                    .map_err(|e| PyRuntimeError::new_err(e.to_string()))?;
                table.into_pyarrow(py)
            }
            Err(Failure::Table(e)) => Err(table_error(py, &e)),
            Err(Failure::Batch(e)) => Err(batch_error(py, &e)),
            Err(Failure::Arrow(message)) => {
                let fields = PyDict::new(py);
                Err(raise(py, "JurisError", &message, &fields))
            }
        }
    }
}

fn one_batch(batch: RecordBatch) -> Box<dyn RecordBatchReader + Send> {
    let schema = batch.schema();
    Box::new(arrow_array::RecordBatchIterator::new(
        vec![Ok(batch)],
        schema,
    ))
}

fn decide_all(
    engine: &Engine,
    reader: Box<dyn RecordBatchReader + Send>,
    key: Option<String>,
    explain: bool,
) -> Result<(Vec<RecordBatch>, SchemaRef), Failure> {
    let plan = Plan::new(
        engine,
        reader.schema(),
        layout(key, explain),
        &options(explain),
    )
    .map_err(Failure::Table)?;
    let mut summary = Summary::default();
    let mut out = Vec::new();
    let mut first_row = 1u64;
    for batch in reader {
        let batch = batch.map_err(|e| Failure::Arrow(format!("cannot read the table: {e}")))?;
        let rows = batch.num_rows() as u64;
        let (decided, _logged) = plan
            .decide(&batch, first_row, &mut summary)
            .map_err(Failure::Batch)?;
        out.push(decided);
        first_row += rows;
    }
    Ok((out, plan.output_schema()))
}

/// The native module of the `juris` package.
#[pymodule]
fn _juris(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyEngine>()?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
