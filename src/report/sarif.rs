//! Diagnostics as SARIF 2.1.0, for code-scanning dashboards: one run of the `juris` tool,
//! its rules taken from the code table, one result per diagnostic with the policy line and
//! column (in Unicode code points), secondary labels and statute-text notes as related
//! locations, and findings allowed in `juris.toml` as results with an external suppression, and
//! findings suppressed by a `// juris: allow` comment with an in-source one.

use crate::diagnostic::{Code, Diagnostic, FileDiagnostics, Severity, CODES};
use crate::lint::{Allowed, AllowedBy};
use crate::source::{SourceFile, Span};
use serde_sarif::sarif;

/// The SARIF log of some diagnostics, and of the findings `juris.toml` allows.
pub fn log(files: &[FileDiagnostics], allowed: &[Allowed]) -> sarif::Sarif {
    let mut results = Vec::new();
    for file in files {
        for d in &file.diagnostics {
            results.push(result(&file.source, d, None));
        }
    }
    for a in allowed {
        results.push(result(&a.source, &a.diagnostic, Some(a)));
    }
    let driver = sarif::ToolComponent::builder()
        .name("juris")
        .full_name(format!("Juris {}", env!("CARGO_PKG_VERSION")))
        .semantic_version(env!("CARGO_PKG_VERSION"))
        .rules(CODES.iter().map(|c| rule(c)).collect::<Vec<_>>())
        .build();
    // The run itself succeeded (findings or not): written only when juris ran to the end.
    let invocation = sarif::Invocation::builder()
        .execution_successful(true)
        .build();
    let run = sarif::Run::builder()
        .tool(sarif::Tool::builder().driver(driver).build())
        .invocations(vec![invocation])
        .column_kind(serde_json::json!("unicodeCodePoints"))
        .results(results)
        .build();
    sarif::Sarif::builder()
        .schema(sarif::SCHEMA_URL)
        .version(serde_json::json!("2.1.0"))
        .runs(vec![run])
        .build()
}

/// The SARIF log as pretty-printed JSON, ending with a newline.
pub fn to_string(files: &[FileDiagnostics], allowed: &[Allowed]) -> String {
    let mut s = serde_json::to_string_pretty(&log(files, allowed)).unwrap_or_default();
    s.push('\n');
    s
}

fn level(severity: Severity) -> sarif::ResultLevel {
    match severity {
        Severity::Error => sarif::ResultLevel::Error,
        Severity::Warning => sarif::ResultLevel::Warning,
    }
}

fn text(s: impl Into<String>) -> sarif::MultiformatMessageString {
    sarif::MultiformatMessageString::builder()
        .text(s.into())
        .build()
}

/// A rule's metadata from the code table.
fn rule(c: &Code) -> sarif::ReportingDescriptor {
    sarif::ReportingDescriptor::builder()
        .id(c.code)
        .name(c.name)
        .short_description(text(c.summary))
        .full_description(text(
            c.explanation.split("\n\n").next().unwrap_or(c.summary),
        ))
        .help(
            sarif::MultiformatMessageString::builder()
                .text(format!(
                    "{}\n\n`juris explain {}` shows this text.",
                    c.explanation, c.code
                ))
                // The page of docs/rules/, which code-scanning dashboards show as the rule's
                // help.
                .markdown(crate::diagnostic::rule_page(c))
                .build(),
        )
        .default_configuration(
            sarif::ReportingConfiguration::builder()
                .level(serde_json::json!(level(c.severity).to_string()))
                .build(),
        )
        .build()
}

fn rule_index(c: &Code) -> Option<i64> {
    CODES
        .iter()
        .position(|x| x.code == c.code)
        .and_then(|i| i64::try_from(i).ok())
}

fn result(source: &SourceFile, d: &Diagnostic, allowed: Option<&Allowed>) -> sarif::Result {
    let mut message = d.message.clone();
    if let Some(help) = &d.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    for related in d.related.iter().filter(|r| r.label.is_none()) {
        message.push_str("\nnote: ");
        message.push_str(&related.message);
    }
    let mut related_locations = Vec::new();
    for label in d.labels.iter().skip(1) {
        related_locations.push(location(source, label.span, Some(&label.text)));
    }
    for related in &d.related {
        if let Some(label) = &related.label {
            let note = if label.text.is_empty() {
                related.message.clone()
            } else {
                format!("{}: {}", related.message, label.text)
            };
            related_locations.push(location(&related.source, label.span, Some(&note)));
        }
    }
    let builder = sarif::Result::builder()
        .rule_id(d.code.code)
        .level(level(d.severity))
        .message(sarif::Message::builder().text(message).build());
    let mut result = builder.build();
    result.rule_index = rule_index(d.code);
    if let Some(fix) = crate::fix::fix_for(d).filter(|_| is_file(source)) {
        result.fixes = Some(vec![sarif_fix(source, &fix)]);
    }
    if let Some(witness) = d.witness() {
        let mut bag = sarif::PropertyBag::builder().build();
        bag.additional_properties
            .insert("witness".to_string(), witness.clone());
        result.properties = Some(bag);
    }
    if crate::config::is_rule(d.code) {
        result.partial_fingerprints = Some(
            [(
                crate::lint::baseline::SARIF_KEY.to_string(),
                crate::lint::baseline::fingerprint(source.name(), d),
            )]
            .into_iter()
            .collect(),
        );
    }
    if !is_file(source) {
        result.locations = Some(Vec::new());
    } else {
        let primary = d
            .labels
            .first()
            .map(|l| (l.span, l.text.as_str()))
            .unwrap_or((Span::default(), ""));
        result.locations = Some(vec![location(source, primary.0, Some(primary.1))]);
    }
    if !related_locations.is_empty() {
        for (i, l) in related_locations.iter_mut().enumerate() {
            l.id = i64::try_from(i).ok();
        }
        result.related_locations = Some(related_locations);
    }
    if let Some(a) = allowed {
        let mut suppression = sarif::Suppression::builder()
            .kind(serde_json::json!(match a.by {
                AllowedBy::Comment => "inSource",
                AllowedBy::Config | AllowedBy::Baseline => "external",
            }))
            .status(serde_json::json!("accepted"))
            .build();
        suppression.justification = a.reason.clone();
        result.suppressions = Some(vec![suppression]);
    }
    result
}

/// A fix as SARIF writes one: the region of the finding's file replaced (an empty region
/// for an insertion) and the text put there — the edit `juris lint --fix` makes.
fn sarif_fix(source: &SourceFile, fix: &crate::fix::Fix) -> sarif::Fix {
    let (span, text) = fix.edit(source.text());
    let replacement = sarif::Replacement::builder()
        .deleted_region(region(source, span))
        .inserted_content(sarif::ArtifactContent::builder().text(text).build())
        .build();
    let change = sarif::ArtifactChange::builder()
        .artifact_location(
            sarif::ArtifactLocation::builder()
                .uri(uri(source.name()))
                .build(),
        )
        .replacements(vec![replacement])
        .build();
    sarif::Fix::builder()
        .description(sarif::Message::builder().text(fix.title()).build())
        .artifact_changes(vec![change])
        .build()
}

/// Whether a source is a file rather than the command line.
fn is_file(source: &SourceFile) -> bool {
    !source.name().starts_with('<')
}

/// The region of a span: its first and last line and column.
fn region(source: &SourceFile, span: Span) -> sarif::Region {
    let (start_line, start_column) = position(source, span.start as usize);
    let (end_line, end_column) = position(source, span.end as usize);
    sarif::Region::builder()
        .start_line(start_line)
        .start_column(start_column)
        .end_line(end_line)
        .end_column(end_column)
        .build()
}

fn location(source: &SourceFile, span: Span, message: Option<&str>) -> sarif::Location {
    let region = region(source, span);
    let physical = sarif::PhysicalLocation::builder()
        .artifact_location(
            sarif::ArtifactLocation::builder()
                .uri(uri(source.name()))
                .build(),
        )
        .region(region)
        .build();
    let mut location = sarif::Location::builder()
        .physical_location(physical)
        .build();
    if let Some(m) = message.filter(|m| !m.is_empty()) {
        location.message = Some(sarif::Message::builder().text(m).build());
    }
    location
}

/// The 1-based line and column (in Unicode code points) of a byte offset.
pub(crate) fn position(source: &SourceFile, offset: usize) -> (i64, i64) {
    let text = source.text();
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = text.get(..offset).unwrap_or("");
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |n| n + 1);
    let column = before.get(line_start..).unwrap_or("").chars().count() + 1;
    (
        i64::try_from(line).unwrap_or(i64::MAX),
        i64::try_from(column).unwrap_or(i64::MAX),
    )
}

/// A relative path as a URI reference: forward slashes, and anything outside the
/// unreserved and path characters percent-encoded.
fn uri(path: &str) -> String {
    let mut out = String::new();
    for b in path.replace('\\', "/").bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
