//! `juris.toml`: project settings, found in the folder of a policy or a folder above it,
//! else in the current folder.
//!
//! ```toml
//! [lint]
//! allow = ["L004"]            # rules whose findings are not reported
//! deny = ["unreachable"]      # rules whose findings are errors (they fail `check`)
//!
//! [lint.reasons]
//! L004 = "requests carry the account number for audit logs"
//!
//! [lint.budget]
//! search = 20000              # steps one conflict or reachability question may take
//! total = 5000000             # steps all questions on one policy may take together
//!
//! [[lint.per-path]]           # rules allowed in some files only
//! files = "legacy/*.juris"    # a glob, relative to this file's folder
//! allow = ["L004"]
//! reason = "the legacy vocabulary is shared with the billing system"
//!
//! policies = ["law/oregon", "law/oklahoma"]   # where commands look when given no path
//! ```
//!
//! Rules are named by code or by name. Each allowed rule should carry a reason (`L008`
//! otherwise); a rule that does not exist, or that is not a lint rule, is `L009`.

use crate::diagnostic::{code, did_you_mean, lookup, Code, Diagnostic, FileDiagnostics, CODES};
use crate::source::{SourceFile, Span};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The name of the settings file.
pub const FILE_NAME: &str = "juris.toml";

/// What `juris.toml` says about the linter.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LintConfig {
    /// Rules whose findings are not reported, with the reason given for each (if any).
    pub allow: Vec<(&'static Code, Option<String>)>,
    /// Rules whose findings are errors.
    pub deny: Vec<&'static Code>,
    /// `[lint.budget] search`: the most steps one conflict or reachability question may
    /// take, when set.
    pub search_steps: Option<usize>,
    /// `[lint.budget] total`: the most steps all questions on one policy may take
    /// together, when set.
    pub total_steps: Option<usize>,
    /// `[[lint.per-path]]`: rules allowed in the files a glob matches (relative to the
    /// folder of `juris.toml`), each with its reason.
    pub per_path: Vec<PerPath>,
}

/// One `[[lint.per-path]]` table: `files = "legacy/**"`, `allow = ["L004"]`, `reason`.
#[derive(Clone, Debug, PartialEq)]
pub struct PerPath {
    /// The glob, as written.
    pub files: globset::Glob,
    /// The rules allowed in those files.
    pub allow: Vec<&'static Code>,
    /// Why.
    pub reason: Option<String>,
}

/// What becomes of a finding under a configuration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Level {
    /// Not reported; the reason, if one is given.
    Allow(Option<String>),
    /// Reported at the code's default severity.
    Default,
    /// Reported as an error.
    Deny,
}

impl LintConfig {
    /// What becomes of findings with this code in this file (its path relative to the
    /// folder of `juris.toml`, when known): a `[[lint.per-path]]` allowance that matches
    /// the file first, then the project's `allow` and `deny`.
    pub fn level_in(&self, code: &Code, file: Option<&Path>) -> Level {
        if let Some(file) = file {
            let matching = self.per_path.iter().find(|p| {
                p.allow.iter().any(|c| c.code == code.code)
                    && p.files.compile_matcher().is_match(file)
            });
            if let Some(p) = matching {
                return Level::Allow(p.reason.clone());
            }
        }
        self.level(code)
    }

    /// What becomes of findings with this code.
    pub fn level(&self, code: &Code) -> Level {
        if let Some((_, reason)) = self.allow.iter().find(|(c, _)| c.code == code.code) {
            return Level::Allow(reason.clone());
        }
        if self.deny.iter().any(|c| c.code == code.code) {
            return Level::Deny;
        }
        Level::Default
    }
}

/// A loaded `juris.toml`.
#[derive(Clone, Debug, Default)]
pub struct Config {
    /// The file, when there is one.
    pub source: Option<SourceFile>,
    /// The `[lint]` table.
    pub lint: LintConfig,
    /// `policies = [...]`: where commands look when given no path, as written (relative
    /// to the file's folder).
    pub policies: Vec<String>,
}

/// The `juris.toml` that applies to a policy file: the nearest in its folder or a folder
/// above it, else the one in the current folder.
pub fn find_for(policy_file: &Path) -> Option<PathBuf> {
    let absolute = std::fs::canonicalize(policy_file).ok();
    let start = absolute.as_deref().unwrap_or(policy_file);
    for dir in start.ancestors().skip(1) {
        let candidate = dir.join(FILE_NAME);
        if candidate.is_file() {
            return Some(candidate);
        }
    }
    let here = PathBuf::from(FILE_NAME);
    here.is_file().then_some(here)
}

/// The nearest `juris.toml` in `dir` or a folder above it.
pub fn find_above(dir: &Path) -> Option<PathBuf> {
    let absolute = std::fs::canonicalize(dir).ok();
    let start = absolute.as_deref().unwrap_or(dir);
    start
        .ancestors()
        .map(|d| d.join(FILE_NAME))
        .find(|candidate| candidate.is_file())
}

/// Where commands look for policies when given no path: `JURIS_POLICIES` (paths separated
/// as the system separates `PATH`), else the `policies` of the `juris.toml` nearest the
/// current folder (relative to that file), else `policies/`.
pub fn default_policy_paths() -> Vec<PathBuf> {
    if let Some(value) = std::env::var_os("JURIS_POLICIES").filter(|v| !v.is_empty()) {
        return std::env::split_paths(&value).collect();
    }
    if let Some(file) = find_above(Path::new(".")) {
        let (config, _) = load(&file);
        if !config.policies.is_empty() {
            let dir = file.parent().unwrap_or(Path::new("."));
            return config.policies.iter().map(|p| dir.join(p)).collect();
        }
    }
    vec![PathBuf::from("policies")]
}

/// Reads and parses a `juris.toml`. Problems are diagnostics in that file; a file that
/// cannot be read or parsed gives the default configuration and an `L009` error.
pub fn load(path: &Path) -> (Config, Option<FileDiagnostics>) {
    let name = crate::load::display_path(path);
    match std::fs::read_to_string(path) {
        Ok(text) => {
            let source = SourceFile::new(name, text);
            let (config, diagnostics) = parse(&source);
            let file = (!diagnostics.is_empty()).then(|| FileDiagnostics {
                source: source.clone(),
                diagnostics,
            });
            (config, file)
        }
        Err(e) => {
            let d = Diagnostic::new(
                &code::invalid_config,
                format!("cannot read `{name}`: {e}"),
                Span::default(),
            )
            .help("check the file and its permissions");
            (Config::default(), Some(crate::load::usage_error(d)))
        }
    }
}

#[derive(Deserialize, Default)]
struct RawFile {
    #[serde(default)]
    lint: Option<RawLint>,
    #[serde(default)]
    policies: Vec<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawLint {
    #[serde(default)]
    allow: Vec<toml::Spanned<String>>,
    #[serde(default)]
    deny: Vec<toml::Spanned<String>>,
    #[serde(default)]
    reasons: BTreeMap<toml::Spanned<String>, toml::Spanned<String>>,
    #[serde(default)]
    budget: Option<RawBudget>,
    #[serde(default, rename = "per-path")]
    per_path: Vec<RawPerPath>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPerPath {
    files: toml::Spanned<String>,
    #[serde(default)]
    allow: Vec<toml::Spanned<String>>,
    #[serde(default)]
    reason: Option<toml::Spanned<String>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawBudget {
    #[serde(default)]
    search: Option<toml::Spanned<i64>>,
    #[serde(default)]
    total: Option<toml::Spanned<i64>>,
}

/// The most steps a budget may be set to: about a day of searching.
pub const MAX_STEPS: i64 = 1_000_000_000_000;

/// A step count of `[lint.budget]`, or an `L009` diagnostic.
fn steps(
    key: &str,
    value: &Option<toml::Spanned<i64>>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<usize> {
    let value = value.as_ref()?;
    let n = *value.get_ref();
    match usize::try_from(n) {
        Ok(steps) if (1..=MAX_STEPS).contains(&n) => Some(steps),
        _ => {
            let r = value.span();
            diagnostics.push(
                Diagnostic::new(
                    &code::invalid_config,
                    format!("`{key}` must be a number of steps from 1 to {MAX_STEPS}, not `{n}`"),
                    Span::new(r.start, r.end),
                )
                .label("not a budget")
                .help(format!(
                    "leave `{key}` out for the default ({}), or give a positive whole number",
                    match key {
                        "search" => DEFAULT_SEARCH_STEPS,
                        _ => DEFAULT_TOTAL_STEPS,
                    }
                )),
            );
            None
        }
    }
}

/// The most steps one lint question may take unless `[lint.budget] search` says otherwise.
pub const DEFAULT_SEARCH_STEPS: usize = 20_000;

/// The most steps all lint questions on one policy may take together unless
/// `[lint.budget] total` says otherwise.
pub const DEFAULT_TOTAL_STEPS: usize = 5_000_000;

/// Parses the text of a `juris.toml`, with its diagnostics (in source order).
pub fn parse(source: &SourceFile) -> (Config, Vec<Diagnostic>) {
    let raw: RawFile = match toml::from_str(source.text()) {
        Ok(raw) => raw,
        Err(e) => {
            let span = e
                .span()
                .map(|r| Span::new(r.start, r.end))
                .unwrap_or_default();
            let message = e.message().trim().to_string();
            let d = Diagnostic::new(&code::invalid_config, format!("`{}` is not valid: {message}", source.name()), span)
                .label("here")
                .help("`[lint]` takes `allow = [\"L004\"]`, `deny = [\"L001\"]`, a `[lint.reasons]` table and a `[lint.budget]` table of `search = 20000` and `total = 5000000` steps");
            return (
                Config {
                    source: Some(source.clone()),
                    lint: LintConfig::default(),
                    policies: Vec::new(),
                },
                vec![d],
            );
        }
    };
    let policies = raw.policies;
    let raw = raw.lint.unwrap_or_default();
    let mut diagnostics = Vec::new();
    let mut reasons: Vec<(&'static Code, String)> = Vec::new();
    for (key, value) in &raw.reasons {
        if let Some(c) = rule(key, &mut diagnostics) {
            let text = value.get_ref().trim().to_string();
            if !text.is_empty() {
                reasons.push((c, text));
            }
        }
    }
    let mut lint = LintConfig::default();
    if let Some(budget) = &raw.budget {
        lint.search_steps = steps("search", &budget.search, &mut diagnostics);
        lint.total_steps = steps("total", &budget.total, &mut diagnostics);
    }
    for entry in &raw.allow {
        let Some(c) = rule(entry, &mut diagnostics) else {
            continue;
        };
        let reason = reasons
            .iter()
            .find(|(r, _)| r.code == c.code)
            .map(|(_, t)| t.clone());
        if reason.is_none() {
            diagnostics.push(
                Diagnostic::new(
                    &code::allow_without_reason,
                    format!("`{}` is allowed without a reason", c.code),
                    spanned(entry),
                )
                .label("allowed here")
                .help(format!(
                    "say why under `[lint.reasons]`: `{} = \"…\"`",
                    c.code
                )),
            );
        }
        if !lint.allow.iter().any(|(a, _)| a.code == c.code) {
            lint.allow.push((c, reason));
        }
    }
    for table in &raw.per_path {
        let files = match globset::GlobBuilder::new(table.files.get_ref())
            .literal_separator(true)
            .build()
        {
            Ok(glob) => glob,
            Err(e) => {
                diagnostics.push(
                    Diagnostic::new(
                        &code::invalid_config,
                        format!("`{}` is not a glob: {}", table.files.get_ref(), e.kind()),
                        spanned(&table.files),
                    )
                    .label("not a glob")
                    .help("name files relative to this juris.toml's folder: `legacy/*.juris`, `**/old-*.juris`"),
                );
                continue;
            }
        };
        let allow: Vec<&'static Code> = table
            .allow
            .iter()
            .filter_map(|entry| rule(entry, &mut diagnostics))
            .collect();
        let reason = table
            .reason
            .as_ref()
            .map(|r| r.get_ref().trim().to_string())
            .filter(|r| !r.is_empty());
        if reason.is_none() && !allow.is_empty() {
            diagnostics.push(
                Diagnostic::new(
                    &code::allow_without_reason,
                    format!(
                        "rules are allowed in `{}` without a reason",
                        table.files.get_ref()
                    ),
                    spanned(&table.files),
                )
                .label("allowed here")
                .help("say why in the same table: `reason = \"…\"`"),
            );
        }
        lint.per_path.push(PerPath {
            files,
            allow,
            reason,
        });
    }
    for entry in &raw.deny {
        let Some(c) = rule(entry, &mut diagnostics) else {
            continue;
        };
        if lint.allow.iter().any(|(a, _)| a.code == c.code) {
            diagnostics.push(
                Diagnostic::new(
                    &code::invalid_config,
                    format!("`{}` is both allowed and denied", c.code),
                    spanned(entry),
                )
                .label("denied here")
                .help("keep it in one of `allow` and `deny`"),
            );
            continue;
        }
        if !lint.deny.iter().any(|d| d.code == c.code) {
            lint.deny.push(c);
        }
    }
    diagnostics.sort_by_key(|d| d.span().start);
    (
        Config {
            source: Some(source.clone()),
            lint,
            policies,
        },
        diagnostics,
    )
}

fn spanned(s: &toml::Spanned<String>) -> Span {
    let r = s.span();
    Span::new(r.start, r.end)
}

/// The lint rule an entry names, or an `L009` diagnostic.
fn rule(entry: &toml::Spanned<String>, diagnostics: &mut Vec<Diagnostic>) -> Option<&'static Code> {
    let key = entry.get_ref().trim();
    match lookup(key) {
        Some(c) if is_rule(c) => Some(c),
        Some(c) => {
            diagnostics.push(
                Diagnostic::new(
                    &code::invalid_config,
                    format!(
                        "`{key}` is not a lint rule: {} findings cannot be allowed or denied",
                        c.code
                    ),
                    spanned(entry),
                )
                .label("not a lint rule")
                .help("only `L…` rules can be configured; `juris explain` lists them"),
            );
            None
        }
        None => {
            let names = CODES
                .iter()
                .copied()
                .filter(|c| is_rule(c))
                .flat_map(|c| [c.code, c.name]);
            let help = did_you_mean(key, names)
                .map(|s| format!("did you mean `{s}`?"))
                .unwrap_or_else(|| "`juris explain` lists the rules".to_string());
            diagnostics.push(
                Diagnostic::new(
                    &code::invalid_config,
                    format!("`{key}` is not a lint rule"),
                    spanned(entry),
                )
                .label("unknown rule")
                .help(help),
            );
            None
        }
    }
}

/// Whether a code is a lint finding that `juris.toml` can allow or deny.
pub fn is_rule(c: &Code) -> bool {
    c.code.starts_with('L') && c.code != code::invalid_config.code
}
