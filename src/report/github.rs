//! Diagnostics as GitHub Actions workflow commands, one line each, which the runner turns
//! into annotations on the pull request:
//!
//! ```text
//! ::warning file=policies/oregon/x.juris,line=12,col=3,endLine=12,endColumn=9,title=L001 conflict::message
//! ```
//!
//! Columns count Unicode code points. The help line and notes follow the message on lines
//! of their own (escaped as the runner expects).

use crate::diagnostic::{FileDiagnostics, Severity};

/// Every diagnostic as a workflow command line.
pub fn commands(files: &[FileDiagnostics]) -> String {
    let mut out = String::new();
    for file in files {
        for d in &file.diagnostics {
            let command = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            };
            let mut properties = Vec::new();
            if !file.source.name().starts_with('<') {
                let span = d.span();
                let (line, col) = super::sarif::position(&file.source, span.start as usize);
                let (end_line, end_col) = super::sarif::position(&file.source, span.end as usize);
                properties.push(format!("file={}", property(file.source.name())));
                properties.push(format!("line={line}"));
                properties.push(format!("col={col}"));
                properties.push(format!("endLine={end_line}"));
                properties.push(format!("endColumn={end_col}"));
            }
            properties.push(format!(
                "title={}",
                property(&format!("{} {}", d.code.code, d.code.name))
            ));
            let mut message = d.message.clone();
            if let Some(help) = &d.help {
                message.push_str("\nhelp: ");
                message.push_str(help);
            }
            for related in &d.related {
                message.push_str("\nnote: ");
                message.push_str(&related.message);
            }
            out.push_str(&format!(
                "::{command} {}::{}\n",
                properties.join(","),
                data(&message)
            ));
        }
    }
    out
}

/// One workflow command: `::notice file=F,line=L,title=T::message` (no file for a
/// command about the run as a whole).
pub fn command(kind: &str, at: Option<(&str, usize)>, title: &str, message: &str) -> String {
    let mut properties = Vec::new();
    if let Some((file, line)) = at {
        properties.push(format!("file={}", property(file)));
        properties.push(format!("line={line}"));
    }
    properties.push(format!("title={}", property(title)));
    format!("::{kind} {}::{}", properties.join(","), data(message))
}

/// Escapes a command's message.
fn data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a command's property value.
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}
