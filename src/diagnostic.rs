//! Diagnostics: one table of codes, one diagnostic type, miette at the edge.
//!
//! Every problem Juris reports has a [`Code`] from [`CODES`]: a stable identifier (`C006`),
//! a kebab-case name, a one-line summary and an explanation (shown by `juris explain`).
//! A [`Diagnostic`] carries labels into one source file and, optionally, related notes
//! pointing into another (the statute text a provision cites).

use crate::source::{SourceFile, Span};
use std::fmt;

mod codes;
pub use codes::{code, lookup, rule_page, rules_index, Code, CODES};

/// How serious a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Fails `check`; nothing is decided with the policy.
    Error,
    /// Reported; fails `check` only when denied in `juris.toml`.
    Warning,
}

impl Severity {
    /// `error` / `warning`
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// A label on a span.
#[derive(Clone, Debug, PartialEq)]
pub struct Label {
    /// Where.
    pub span: Span,
    /// What it says (may be empty).
    pub text: String,
}

/// A note pointing into another file, such as the statute text.
#[derive(Clone, Debug)]
pub struct Related {
    /// The other file.
    pub source: SourceFile,
    /// What the note says.
    pub message: String,
    /// A label in the other file.
    pub label: Option<Label>,
}

/// One problem found in one file.
#[derive(Clone, Debug)]
pub struct Diagnostic {
    /// Its code.
    pub code: &'static Code,
    /// Its severity (the code's default unless configured otherwise).
    pub severity: Severity,
    /// A lowercase message without a final period; user values in backticks.
    pub message: String,
    /// Labels into the file, the primary one first.
    pub labels: Vec<Label>,
    /// How to fix it, when we know.
    pub help: Option<String>,
    /// Notes in other files.
    pub related: Vec<Related>,
    /// What a few findings carry besides (boxed: most carry nothing, and diagnostics are
    /// moved around in `Result`s).
    pub attached: Option<Box<Attached>>,
}

/// What a finding may carry for tools: a witness request, a fix.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Attached {
    /// A request that shows the finding, as request JSON runnable with `juris eval`: for
    /// `L001`, one decided `conflict`; for `L002`, one under which the provision applies
    /// and is set aside.
    pub witness: Option<serde_json::Value>,
    /// The safe fix the rule names, when it is not a "did you mean" of the help
    /// ([`crate::fix::fix_for`] reads both).
    pub fix: Option<crate::fix::Fix>,
}

impl Diagnostic {
    /// A diagnostic with the code's default severity and a primary label.
    pub fn new(code: &'static Code, message: impl Into<String>, span: Span) -> Self {
        Diagnostic {
            code,
            severity: code.severity,
            message: escape_invisible(&message.into()).into_owned(),
            labels: vec![Label {
                span,
                text: String::new(),
            }],
            help: None,
            related: Vec::new(),
            attached: None,
        }
    }

    /// The witness request ([`Attached::witness`]), if it has one.
    pub fn witness(&self) -> Option<&serde_json::Value> {
        self.attached.as_ref()?.witness.as_ref()
    }

    /// The fix the rule attached ([`Attached::fix`]), if any.
    pub fn attached_fix(&self) -> Option<&crate::fix::Fix> {
        self.attached.as_ref()?.fix.as_ref()
    }

    /// Sets the safe fix ([`Attached::fix`]).
    pub fn with_fix(mut self, fix: crate::fix::Fix) -> Self {
        self.attached.get_or_insert_with(Box::default).fix = Some(fix);
        self
    }

    /// Sets the witness request ([`Attached::witness`]).
    pub fn with_witness(mut self, request: serde_json::Value) -> Self {
        self.attached.get_or_insert_with(Box::default).witness = Some(request);
        self
    }

    /// Sets the primary label's text.
    pub fn label(mut self, text: impl Into<String>) -> Self {
        if let Some(first) = self.labels.first_mut() {
            first.text = escape_invisible(&text.into()).into_owned();
        }
        self
    }

    /// Adds a secondary label.
    pub fn with_label(mut self, span: Span, text: impl Into<String>) -> Self {
        self.labels.push(Label {
            span,
            text: escape_invisible(&text.into()).into_owned(),
        });
        self
    }

    /// Sets the help line.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(escape_invisible(&help.into()).into_owned());
        self
    }

    /// Sets the help line if there is one.
    pub fn maybe_help(mut self, help: Option<String>) -> Self {
        if let Some(help) = help {
            self.help = Some(escape_invisible(&help).into_owned());
        }
        self
    }

    /// Adds a note in another file.
    pub fn with_related(mut self, related: Related) -> Self {
        self.related.push(related);
        self
    }

    /// The primary span.
    pub fn span(&self) -> Span {
        self.labels.first().map(|l| l.span).unwrap_or_default()
    }
}

/// The diagnostics of one file, with the file held once.
#[derive(Clone, Debug)]
pub struct FileDiagnostics {
    /// The file.
    pub source: SourceFile,
    /// Its diagnostics in source order.
    pub diagnostics: Vec<Diagnostic>,
}

impl FileDiagnostics {
    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
    }
}

/// Whether a character is invisible or reorders text when shown: a control character, a
/// format character (zero-width spaces and joiners, the byte order mark, soft hyphen) or a
/// bidirectional control.
pub fn is_invisible(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(
            c,
            '\u{ad}'
                | '\u{34f}'
                | '\u{61c}'
                | '\u{115f}'
                | '\u{1160}'
                | '\u{17b4}'
                | '\u{17b5}'
                | '\u{180b}'..='\u{180f}'
                | '\u{200b}'..='\u{200f}'
                | '\u{2028}'..='\u{202e}'
                | '\u{2060}'..='\u{206f}'
                | '\u{3164}'
                | '\u{fe00}'..='\u{fe0f}'
                | '\u{feff}'
                | '\u{ffa0}'
                | '\u{fff0}'..='\u{fffb}'
                | '\u{1d173}'..='\u{1d17a}'
                | '\u{e0000}'..='\u{e0fff}'
        )
}

/// Text as a diagnostic shows it: every invisible or bidirectional character
/// ([`is_invisible`]) written as `\u{200b}`, so that what is echoed reads as what was given.
pub fn escape_invisible(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(is_invisible) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_invisible(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// The most characters of a key or value a message quotes.
pub const EXCERPT: usize = 40;

/// A key or value of a request as a message quotes it: escaped ([`escape_invisible`], a line
/// break too), and at most [`EXCERPT`] characters, then `…`.
pub fn excerpt(text: &str) -> String {
    let mut out = String::new();
    for (i, c) in text.chars().enumerate() {
        if i == EXCERPT {
            out.push('…');
            break;
        }
        if is_invisible(c) || c == '\n' || c == '\t' {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// A "did you mean" suggestion: the closest candidate, if close enough.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    let mut best: Option<(f64, &str)> = None;
    for candidate in candidates {
        let mut score = strsim::jaro_winkler(word, candidate);
        // One slip (a letter missing, added, changed or swapped) is close whatever the length.
        if word.len() >= 2 && strsim::damerau_levenshtein(word, candidate) <= 1 {
            score = score.max(0.95);
        }
        if score > 0.8 && best.is_none_or(|(s, _)| score > s) {
            best = Some((score, candidate));
        }
    }
    best.map(|(_, c)| c.to_string())
}

/// A diagnostic bound to its file, for miette to render.
pub struct Rendered<'a> {
    /// The file the labels point into.
    pub source: &'a SourceFile,
    /// The diagnostic.
    pub diagnostic: &'a Diagnostic,
    named: SourceFile,
    related: Vec<RelatedRendered>,
}

impl<'a> Rendered<'a> {
    /// Binds a diagnostic to its file.
    pub fn new(source: &'a SourceFile, diagnostic: &'a Diagnostic) -> Self {
        let related = diagnostic
            .related
            .iter()
            .map(|r| RelatedRendered {
                named: r.source.clone(),
                len: r.source.text().len(),
                message: r.message.clone(),
                label: r.label.clone(),
            })
            .collect();
        Rendered {
            source,
            diagnostic,
            named: source.clone(),
            related,
        }
    }
}

impl fmt::Debug for Rendered<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Rendered")
            .field("diagnostic", &self.diagnostic)
            .finish()
    }
}

impl fmt::Display for Rendered<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diagnostic.message)
    }
}

impl std::error::Error for Rendered<'_> {}

impl miette::Diagnostic for Rendered<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        let code = self.diagnostic.code;
        Some(Box::new(format!("{}::{}", code.code, code.name)))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diagnostic.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.diagnostic
            .help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    // A diagnostic about the command line (an empty source) shows no snippet box.
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        (!self.source.text().is_empty()).then_some(&self.named as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        let len = self.source.text().len();
        if len == 0 {
            return None;
        }
        Some(Box::new(self.diagnostic.labels.iter().enumerate().map(
            move |(i, l)| {
                let span = clamp(l.span, len);
                let text = (!l.text.is_empty()).then(|| l.text.clone());
                if i == 0 {
                    miette::LabeledSpan::new_primary_with_span(text, span)
                } else {
                    miette::LabeledSpan::new_with_span(text, span)
                }
            },
        )))
    }

    fn related<'b>(&'b self) -> Option<Box<dyn Iterator<Item = &'b dyn miette::Diagnostic> + 'b>> {
        if self.related.is_empty() {
            return None;
        }
        Some(Box::new(
            self.related.iter().map(|r| r as &dyn miette::Diagnostic),
        ))
    }
}

fn clamp(span: Span, len: usize) -> miette::SourceSpan {
    let start = (span.start as usize).min(len);
    let end = (span.end as usize).clamp(start, len);
    miette::SourceSpan::new(start.into(), end - start)
}

#[derive(Debug)]
struct RelatedRendered {
    named: SourceFile,
    len: usize,
    message: String,
    label: Option<Label>,
}

impl fmt::Display for RelatedRendered {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for RelatedRendered {}

impl miette::Diagnostic for RelatedRendered {
    fn severity(&self) -> Option<miette::Severity> {
        Some(miette::Severity::Advice)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.label
            .as_ref()
            .map(|_| &self.named as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        let label = self.label.as_ref()?;
        let span = clamp(label.span, self.len);
        let text = (!label.text.is_empty()).then(|| label.text.clone());
        Some(Box::new(std::iter::once(
            miette::LabeledSpan::new_primary_with_span(text, span),
        )))
    }
}

/// Whether output for people carries ANSI colour.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Colour {
    /// No escape codes: files, pipes, snapshots.
    #[default]
    Plain,
    /// ANSI colour, for a terminal.
    Ansi,
}

impl Colour {
    /// Colour on a terminal, unless `NO_COLOR` is set to anything but the empty string
    /// (no-color.org); plain everywhere else.
    pub fn for_output(terminal: bool) -> Colour {
        Colour::choose(terminal, std::env::var_os("NO_COLOR").as_deref())
    }

    fn choose(terminal: bool, no_color: Option<&std::ffi::OsStr>) -> Colour {
        let refused = no_color.is_some_and(|v| !v.is_empty());
        if terminal && !refused {
            Colour::Ansi
        } else {
            Colour::Plain
        }
    }

    /// miette's theme for this colour.
    pub(crate) fn theme(self) -> miette::GraphicalTheme {
        match self {
            Colour::Ansi => miette::GraphicalTheme::unicode(),
            Colour::Plain => miette::GraphicalTheme::unicode_nocolor(),
        }
    }
}

/// Renders diagnostics for people: miette's graphical report, in `colour`, at a fixed
/// width.
pub fn render_human(files: &[FileDiagnostics], colour: Colour, width: usize) -> String {
    let mut out = String::new();
    for file in files {
        for diagnostic in &file.diagnostics {
            out.push_str(&render_one(&file.source, diagnostic, colour, width));
        }
    }
    out
}

/// Renders one diagnostic with miette.
pub fn render_one(
    source: &SourceFile,
    diagnostic: &Diagnostic,
    colour: Colour,
    width: usize,
) -> String {
    let theme = colour.theme();
    let handler = miette::GraphicalReportHandler::new_themed(theme)
        .with_width(width)
        .with_links(false);
    let mut out = String::new();
    let rendered = Rendered::new(source, diagnostic);
    if handler.render_report(&mut out, &rendered).is_err() {
        out = format!(
            "{}[{}]: {}\n",
            diagnostic.severity.as_str(),
            diagnostic.code.code,
            diagnostic.message
        );
    }
    out.push('\n');
    out
}

#[cfg(test)]
mod colour_tests {
    use super::Colour;
    use std::ffi::OsStr;

    #[test]
    fn colour_only_on_a_terminal_and_never_with_no_color() {
        assert_eq!(Colour::choose(true, None), Colour::Ansi);
        assert_eq!(Colour::choose(false, None), Colour::Plain);
        assert_eq!(Colour::choose(true, Some(OsStr::new("1"))), Colour::Plain);
        assert_eq!(Colour::choose(false, Some(OsStr::new("1"))), Colour::Plain);
        // An empty NO_COLOR does not count (no-color.org).
        assert_eq!(Colour::choose(true, Some(OsStr::new(""))), Colour::Ansi);
    }
}
