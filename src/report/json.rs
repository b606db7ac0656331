//! Diagnostics as JSON: one object per diagnostic, stable field names; a lint finding
//! with a witness request (`L001`, `L002`) has it as `witness`.

use crate::diagnostic::FileDiagnostics;
use serde_json::{json, Value};

/// Every diagnostic of every file, as a JSON array.
pub fn diagnostics(files: &[FileDiagnostics]) -> Value {
    let mut out = Vec::new();
    for file in files {
        for d in &file.diagnostics {
            let span = d.span();
            let (line, column) = file.source.line_col(span.start as usize);
            let mut object = json!({
                "file": file.source.name(),
                "code": d.code.code,
                "name": d.code.name,
                "severity": d.severity.as_str(),
                "message": d.message,
                "line": line,
                "column": column,
                "span": {"start": span.start, "end": span.end},
                "labels": d.labels.iter().map(|l| json!({"start": l.span.start, "end": l.span.end, "text": l.text})).collect::<Vec<_>>(),
                "help": d.help,
            });
            if let (Some(witness), Some(map)) = (d.witness(), object.as_object_mut()) {
                map.insert("witness".into(), witness.clone());
            }
            out.push(object);
        }
    }
    Value::Array(out)
}
