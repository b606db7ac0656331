//! The linter: drafting defects that check clean but are almost certainly not what the
//! text means. One module per rule:
//!
//! | code | rule | module |
//! |---|---|---|
//! | `L001` | two provisions conflict, nothing orders them (with a witness request) | `conflict` |
//! | `L002` | a provision never applies, or is always overridden | `unreachable` |
//! | `L003` | a subsection of the statute text is not accounted for | `coverage` |
//! | `L004` | a fact is read by nothing | `unused_fact` |
//! | `L005` | a definition is used by nothing | `unused_definition` |
//! | `L006` | a test does not state its expected cites | `test_cites` |
//!
//! `L001` and `L002` search for requests (see `search.rs`); every search is bounded, and a
//! question it cannot settle within its budget is reported as `L007` rather than guessed.
//! `juris.toml` ([`crate::config`]) allows or denies rules per project.

use crate::config::{self, Config, Level};
use crate::diagnostic::{code, Code, Diagnostic, FileDiagnostics, Severity};
use crate::eval::Footprint;
use crate::ir::{LeafId, Policy};
use crate::source::{SourceFile, Span};
use std::cell::Cell;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub mod baseline;
mod conflict;
mod coverage;
mod domain;
mod pairs;
mod search;
pub mod suppress;
mod test_cites;
mod unreachable;
mod unused_definition;
mod unused_fact;
mod witness;

pub use witness::{witness, Witness};

#[cfg(test)]
mod tests;

/// How much work the linter may do. A step assigns one fact in one search; the Oregon
/// rule (55 deciding provisions) takes under 12,000 steps in all, a few milliseconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Options {
    /// The most steps one search (one pair of provisions, one provision) may take.
    pub budget: usize,
    /// The most steps all searches on one policy may take together.
    pub total: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            budget: config::DEFAULT_SEARCH_STEPS,
            total: config::DEFAULT_TOTAL_STEPS,
        }
    }
}

impl Options {
    /// These options with the budget a `juris.toml` sets (`[lint.budget]`) in place.
    pub fn with_config(&self, config: &Config) -> Options {
        Options {
            budget: config.lint.search_steps.unwrap_or(self.budget),
            total: config.lint.total_steps.unwrap_or(self.total),
        }
    }
}

/// Beyond this many undecided questions, one `L007` reports them all.
const MAX_UNDECIDED: usize = 5;

/// What the conflict and reachability rules did on one policy, in units that do not depend
/// on the machine: what a policy's size drives, so that its growth can be measured.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Work {
    /// Pairs of provisions whose footprints were compared to find the pairs to search.
    pub compared: usize,
    /// Searches run (pairs of provisions, provisions, and those that name a cause).
    pub searches: usize,
    /// Steps the searches took together.
    pub steps: usize,
}

/// Lints one policy: every finding at its code's default severity, in source order.
pub fn lint(policy: &Policy, options: &Options) -> Vec<Diagnostic> {
    lint_with_work(policy, options).0
}

/// Lints one policy ([`lint`]), and says how much work the searches did.
pub fn lint_with_work(policy: &Policy, options: &Options) -> (Vec<Diagnostic>, Work) {
    let cx = Context::new(policy, options);
    let mut out = Vec::new();
    conflict::check(&cx, &mut out);
    unreachable::check(&cx, &mut out);
    coverage::check(policy, &mut out);
    unused_fact::check(policy, &mut out);
    unused_definition::check(policy, &mut out);
    test_cites::check(policy, &cx.compiled, &mut out);
    summarize_undecided(policy, &cx, &mut out);
    out.sort_by(|a, b| (a.span().start, a.code.code).cmp(&(b.span().start, b.code.code)));
    let (searches, steps) = cx.search.work();
    let work = Work {
        compared: cx.compared.get(),
        searches,
        steps,
    };
    (out, work)
}

/// Whether a finding makes `juris lint` exit 1: an error, or a warning other than `L007`.
/// An undecided question is the linter's limit, not a defect of the policy: it is reported
/// but fails `lint` only when `juris.toml` denies `L007` (then it is an error).
pub fn fails_lint(d: &Diagnostic) -> bool {
    d.severity == Severity::Error || d.code.code != code::undecided.code
}

/// Many undecided questions, or any left unsearched because the policy's budget ran out,
/// become one finding, at the policy's header, that says what was not searched.
fn summarize_undecided(policy: &Policy, cx: &Context, out: &mut Vec<Diagnostic>) {
    let undecided = out
        .iter()
        .filter(|d| d.code.code == code::undecided.code)
        .count();
    let (pairs, provisions) = cx.unsearched.get();
    if pairs + provisions == 0 && undecided <= MAX_UNDECIDED {
        return;
    }
    let examples: Vec<String> = out
        .iter()
        .filter(|d| d.code.code == code::undecided.code)
        .take(3)
        .map(|d| d.message.clone())
        .collect();
    out.retain(|d| d.code.code != code::undecided.code);
    let count =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let message = if pairs + provisions > 0 {
        let mut left = Vec::new();
        if pairs > 0 {
            left.push(format!(
                "{} not searched for a conflict",
                count(pairs, "pair of provisions", "pairs of provisions")
            ));
        }
        if provisions > 0 {
            left.push(format!(
                "{} not searched for reachability",
                count(provisions, "provision", "provisions")
            ));
        }
        if undecided > 0 {
            left.push(format!(
                "{} undecided",
                count(undecided, "question", "questions")
            ));
        }
        format!(
            "the linter's budget of {} for this policy ran out: {}",
            count(cx.search.total(), "search step", "search steps"),
            left.join(", ")
        )
    } else {
        format!(
            "could not decide {undecided} conflict and reachability questions: each needed more than the {} one search may take",
            count(cx.search.budget(), "step", "steps")
        )
    };
    let mut help = String::from(
        "the provisions concerned may or may not conflict or be reachable; raise the budget under `[lint.budget]` in juris.toml (`search`: steps per question, `total`: per policy)",
    );
    if !examples.is_empty() {
        help.push_str(&format!("; for example: {}; …", examples.join("; ")));
    }
    out.push(
        Diagnostic::new(&code::undecided, message, header_span(policy))
            .label("in this policy")
            .help(help),
    );
}

/// A finding set aside — allowed by `juris.toml`, suppressed in the policy, or recorded in
/// a baseline: not reported, but kept (SARIF lists it as suppressed, with the reason).
#[derive(Clone, Debug)]
pub struct Allowed {
    /// The policy file.
    pub source: SourceFile,
    /// The finding.
    pub diagnostic: Diagnostic,
    /// Why it is allowed, as `juris.toml` or the suppression says.
    pub reason: Option<String>,
    /// What sets it aside.
    pub by: AllowedBy,
}

/// What sets a finding aside.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AllowedBy {
    /// `juris.toml` allows its rule.
    Config,
    /// A `// juris: allow` comment in the policy ([`suppress`]).
    Comment,
    /// The baseline records it ([`baseline`]).
    Baseline,
}

/// The findings on a set of policies, with `juris.toml` applied.
#[derive(Clone, Debug, Default)]
pub struct Linted {
    /// Findings to report, per file: lint findings per policy (denied ones as errors), and
    /// problems in the `juris.toml` files.
    pub files: Vec<FileDiagnostics>,
    /// Findings that `juris.toml` allows.
    pub allowed: Vec<Allowed>,
}

impl Linted {
    /// How many reported findings have this severity.
    pub fn count(&self, severity: Severity) -> usize {
        self.files
            .iter()
            .flat_map(|f| &f.diagnostics)
            .filter(|d| d.severity == severity)
            .count()
    }

    /// How many reported findings are errors because `juris.toml` denies their rule.
    pub fn denied(&self) -> usize {
        self.files
            .iter()
            .flat_map(|f| &f.diagnostics)
            .filter(|d| d.severity == Severity::Error && config::is_rule(d.code))
            .count()
    }

    /// Keeps only the findings of lint rules `keep` selects (`--select`, `--ignore`),
    /// reported or allowed; other problems (a `juris.toml` that cannot be used) stay.
    pub fn retain_rules(&mut self, keep: impl Fn(&Code) -> bool) {
        let kept = |d: &Diagnostic| !config::is_rule(d.code) || keep(d.code);
        for file in &mut self.files {
            file.diagnostics.retain(kept);
        }
        self.files.retain(|f| !f.diagnostics.is_empty());
        self.allowed.retain(|a| kept(&a.diagnostic));
    }

    /// Whether a `juris.toml` could not be used (`L009`): an input error.
    pub fn config_invalid(&self) -> bool {
        self.files
            .iter()
            .flat_map(|f| &f.diagnostics)
            .any(|d| d.code.code == code::invalid_config.code)
    }
}

/// Lints every policy, each under the `juris.toml` that applies to it
/// ([`config::find_for`]).
pub fn lint_policies(policies: &[Arc<Policy>], options: &Options) -> Linted {
    let mut configs: Vec<(Option<PathBuf>, Config)> = Vec::new();
    let mut linted = Linted::default();
    for policy in policies {
        let path = config::find_for(Path::new(policy.source.name()));
        let index = match configs.iter().position(|(p, _)| *p == path) {
            Some(i) => i,
            None => {
                let config = match &path {
                    Some(p) => {
                        let (config, problems) = config::load(p);
                        if let Some(mut file) = problems {
                            file.diagnostics =
                                apply(&config, &file.source, file.diagnostics, &mut linted.allowed);
                            if !file.diagnostics.is_empty() {
                                linted.files.push(file);
                            }
                        }
                        config
                    }
                    None => Config::default(),
                };
                configs.push((path, config));
                configs.len() - 1
            }
        };
        let config = &configs[index].1;
        // A test's finding is in the file the tests are written in.
        let options = options.with_config(config);
        for mut file in policy.file_diagnostics(lint(policy, &options)) {
            file.diagnostics = apply(config, &file.source, file.diagnostics, &mut linted.allowed);
            if !file.diagnostics.is_empty() {
                linted.files.push(file);
            }
        }
    }
    linted
}

/// What `juris coverage` reports in its CI formats: the subsections nothing encodes or
/// marks (`L003`, found as the linter finds them) and each deciding provision no test
/// exercises (`T002`), given the policy's coverage report.
pub fn coverage_findings(policy: &Policy, report: &crate::coverage::Coverage) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    coverage::check(policy, &mut out);
    for p in report.provisions.iter().filter(|p| p.tests.is_empty()) {
        let node = policy.node(policy.leaf(p.leaf).node);
        let what = match p.rule {
            Some(n) => format!("rule {n} of `{}`", p.cite),
            None => format!("`{}`", p.cite),
        };
        out.push(
            Diagnostic::new(
                &code::untested_provision,
                format!("no test exercises {what}"),
                node.label_span,
            )
            .label(format!("decides `{}`, untested", crate::explain::effect_name(p.effect)))
            .help("add a test whose request makes it decide (the language server's \"Add a test for …\" writes one)"),
        );
    }
    out
}

/// Applies the suppressions written in the file ([`suppress`]) and a configuration to
/// findings: suppressed and allowed ones are set aside, denied ones become errors; unused
/// and malformed suppressions are reported (and configured like any finding).
pub fn apply(
    config: &Config,
    source: &SourceFile,
    findings: Vec<Diagnostic>,
    allowed: &mut Vec<Allowed>,
) -> Vec<Diagnostic> {
    let (suppressions, mut problems) = suppress::parse(source);
    let mut used = vec![false; suppressions.len()];
    let mut kept = Vec::new();
    for d in findings {
        let line = d
            .labels
            .first()
            .map(|l| source.line_col(l.span.start as usize).0);
        let covering = suppressions
            .iter()
            .position(|s| Some(s.line) == line && s.codes.iter().any(|c| c.code == d.code.code));
        match covering {
            Some(i) if config::is_rule(d.code) => {
                used[i] = true;
                allowed.push(Allowed {
                    source: source.clone(),
                    diagnostic: d,
                    reason: Some(suppressions[i].reason.clone()),
                    by: AllowedBy::Comment,
                });
            }
            _ => kept.push(d),
        }
    }
    for (s, used) in suppressions.iter().zip(used) {
        if !used {
            problems.push(suppress::unused(s));
        }
    }
    kept.extend(problems);
    // The file's path relative to the folder of `juris.toml`, for `[[lint.per-path]]`
    // (only looked up when there are such tables: it reads the file system).
    let per_path = config
        .source
        .as_ref()
        .filter(|_| !config.lint.per_path.is_empty());
    let relative = per_path.and_then(|toml| {
        let absolute = |p: &Path| {
            std::fs::canonicalize(p)
                .ok()
                .or_else(|| std::env::current_dir().ok().map(|cwd| cwd.join(p)))
        };
        let folder = absolute(Path::new(toml.name()))?.parent()?.to_path_buf();
        let file = absolute(Path::new(source.name()))?;
        file.strip_prefix(&folder).ok().map(Path::to_path_buf)
    });
    let mut shown = Vec::new();
    for mut d in kept {
        if !config::is_rule(d.code) {
            shown.push(d);
            continue;
        }
        match config.lint.level_in(d.code, relative.as_deref()) {
            Level::Allow(reason) => allowed.push(Allowed {
                source: source.clone(),
                diagnostic: d,
                reason,
                by: AllowedBy::Config,
            }),
            Level::Deny => {
                d.severity = Severity::Error;
                shown.push(d);
            }
            Level::Default => shown.push(d),
        }
    }
    shown
}

/// What the rules share: the policy compiled for evaluation, the searcher, what each
/// provision requires of the facts, for each provision the exceptions that override it,
/// and the questions left unsearched when the budget ran out.
pub(crate) struct Context<'p> {
    policy: &'p Policy,
    compiled: crate::eval::Compiled,
    search: search::Searcher<'p>,
    footprints: Vec<Footprint>,
    /// Per provision, the provisions that override it (an out-of-scope provision only
    /// when it is one too), in source order.
    overriders: Vec<Vec<LeafId>>,
    /// The out-of-scope provisions, once for all.
    out_of_scope: Vec<LeafId>,
    /// Pairs of provisions compared to find those to search (footprints tested).
    compared: Cell<usize>,
    /// Questions not searched because the budget for the policy had run out: pairs of
    /// provisions (conflicts), provisions (reachability).
    unsearched: Cell<(usize, usize)>,
}

impl<'p> Context<'p> {
    fn new(policy: &'p Policy, options: &Options) -> Self {
        use crate::ast::EffectKind::OutOfScope;
        let n = policy.leaves.len();
        let scoped = |l: LeafId| policy.leaf(l).effect == OutOfScope;
        let out_of_scope: Vec<LeafId> = (0..n)
            .map(|i| LeafId(i as u32))
            .filter(|&l| scoped(l))
            .collect();
        // From each provision's `overrides` ranges to the provisions they cover: as many
        // entries as overrides name, never a question per pair of provisions.
        let mut overriders: Vec<Vec<LeafId>> = vec![Vec::new(); n];
        for (i, leaf) in policy.leaves.iter().enumerate() {
            let o = LeafId(i as u32);
            for &(start, end) in &leaf.overrides {
                for target in start..end.min(n as u32) {
                    let t = LeafId(target);
                    if t != o && (!scoped(t) || scoped(o)) {
                        if let Some(list) = overriders.get_mut(t.index()) {
                            list.push(o);
                        }
                    }
                }
            }
        }
        for list in &mut overriders {
            list.sort_unstable();
            list.dedup();
        }
        let compiled = crate::eval::Compiled::new(policy);
        let footprints = compiled.footprints(policy);
        Context {
            policy,
            compiled,
            search: search::Searcher::new(policy, options.budget, options.total),
            footprints,
            overriders,
            out_of_scope,
            compared: Cell::new(0),
            unsearched: Cell::new((0, 0)),
        }
    }

    /// The provisions that set `leaf` aside when they are in force: the exceptions that
    /// override it and, unless it is one itself, the out-of-scope provisions; in source
    /// order.
    fn preemptors(&self, leaf: LeafId) -> Vec<LeafId> {
        let mut out = self
            .overriders
            .get(leaf.index())
            .cloned()
            .unwrap_or_default();
        if self.policy.leaf(leaf).effect != crate::ast::EffectKind::OutOfScope {
            out.extend(self.out_of_scope.iter().filter(|&&o| o != leaf));
            out.sort_unstable();
            out.dedup();
        }
        out
    }

    /// The preemptors of `leaf` that can be in force together with every provision of
    /// `with` (the others never are when those apply, so a search need not rule them out).
    fn relevant_preemptors(&self, leaf: LeafId, with: &[LeafId]) -> Vec<LeafId> {
        let mut out = self.preemptors(leaf);
        out.retain(|&p| with.iter().all(|&w| self.could_apply_together(p, w)));
        out
    }

    /// Whether what two provisions require of the facts leaves a request both apply to.
    fn could_apply_together(&self, a: LeafId, b: LeafId) -> bool {
        match (
            self.footprints.get(a.index()),
            self.footprints.get(b.index()),
        ) {
            (Some(x), Some(y)) => pairs::overlap(self.policy, x, y),
            _ => true,
        }
    }

    /// The ranges number and date facts must lie in when all of `leaves` apply.
    fn ranges(&self, leaves: &[LeafId]) -> Vec<(crate::ir::FactId, crate::ir::Range)> {
        let mut fp = Footprint::default();
        for l in leaves {
            if let Some(x) = self.footprints.get(l.index()) {
                fp = pairs::both(&fp, x);
            }
        }
        fp.ranges
    }

    /// Counts a question not searched: the budget for the policy had run out.
    fn unsearched(&self, pair: bool) {
        let (p, l) = self.unsearched.get();
        self.unsearched
            .set(if pair { (p + 1, l) } else { (p, l + 1) });
    }

    /// The conditions of a provision.
    fn conditions(&self, leaf: LeafId) -> Vec<crate::ir::ExprId> {
        self.policy
            .leaf(leaf)
            .conjuncts
            .iter()
            .map(|c| c.expr)
            .collect()
    }
}

/// Which `rule { … }` of its provision a leaf is, when it is one: `(index, how many)`.
fn rule_of(policy: &Policy, leaf: LeafId) -> Option<(usize, usize)> {
    let node = policy.node(policy.leaf(leaf).node);
    node.rules
        .iter()
        .position(|&r| r == leaf)
        .map(|i| (i + 1, node.rules.len()))
}

fn rule_suffix(policy: &Policy, leaf: LeafId) -> String {
    match rule_of(policy, leaf) {
        Some((_, 1)) => " rule".to_string(),
        Some((i, _)) => format!(" rule {i}"),
        None => String::new(),
    }
}

/// A deciding provision for messages: `` `OAR 860-086-0030(5)` rule 2 ``.
pub(crate) fn leaf_name(policy: &Policy, leaf: LeafId) -> String {
    format!("`{}`{}", policy.cite_of(leaf), rule_suffix(policy, leaf))
}

/// A deciding provision by its local cite: `(5) rule 2`.
pub(crate) fn leaf_local(policy: &Policy, leaf: LeafId) -> String {
    let node = policy.node(policy.leaf(leaf).node);
    format!(
        "{}{}",
        crate::statute::StatuteText::display_path(&node.cite.path),
        rule_suffix(policy, leaf)
    )
}

/// Where a deciding provision is written: a rule's first own condition, else the label.
pub(crate) fn leaf_span(policy: &Policy, leaf: LeafId) -> Span {
    let l = policy.leaf(leaf);
    let node = policy.node(l.node);
    if rule_of(policy, leaf).is_some() {
        let own = l.conjuncts.iter().filter(|c| c.node == l.node).count();
        let rule_conditions = own.saturating_sub(node.conditions.len());
        if rule_conditions > 0 {
            if let Some(c) = l.conjuncts.get(l.conjuncts.len() - rule_conditions) {
                return c.span;
            }
        }
    }
    node.label_span
}

/// The span of the policy's header line, `policy "…"`, outside comments.
pub(crate) fn header_span(policy: &Policy) -> Span {
    let text = policy.source.text();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if trimmed.starts_with("policy") && !trimmed.starts_with("//") {
            let start = offset + (line.len() - trimmed.len());
            let head = trimmed.split('{').next().unwrap_or(trimmed).trim_end();
            return Span::new(start, start + head.len().max("policy".len()));
        }
        offset += line.len();
    }
    Span::default()
}

/// A request as one line of JSON, the way `juris eval` reads it: the policy's
/// jurisdiction, then the facts the request gives other than their defaults, in vocabulary
/// order (dotted names as nested objects).
pub(crate) fn request_json(policy: &Policy, request: &crate::request::Request) -> String {
    enum Entry {
        Value(serde_json::Value),
        Object(Vec<(String, Entry)>),
    }
    fn insert(entries: &mut Vec<(String, Entry)>, path: &[&str], value: serde_json::Value) {
        match path {
            [] => {}
            [last] => entries.push((last.to_string(), Entry::Value(value))),
            [first, rest @ ..] => {
                let found = entries.iter_mut().find_map(|(k, e)| match e {
                    Entry::Object(children) if k == first => Some(children),
                    _ => None,
                });
                match found {
                    Some(children) => insert(children, rest, value),
                    None => {
                        let mut children = Vec::new();
                        insert(&mut children, rest, value);
                        entries.push((first.to_string(), Entry::Object(children)));
                    }
                }
            }
        }
    }
    fn render(entries: &[(String, Entry)]) -> String {
        let fields: Vec<String> = entries
            .iter()
            .map(|(k, e)| {
                let key = serde_json::Value::String(k.clone());
                match e {
                    Entry::Value(v) => format!("{key}: {v}"),
                    Entry::Object(children) => format!("{key}: {}", render(children)),
                }
            })
            .collect();
        format!("{{{}}}", fields.join(", "))
    }
    let mut root = vec![(
        "jurisdiction".to_string(),
        Entry::Value(serde_json::Value::String(policy.jurisdiction.clone())),
    )];
    for (i, fact) in policy.facts.iter().enumerate() {
        let id = crate::ir::FactId(i as u32);
        if request.origin(id) != crate::request::Origin::Given {
            continue;
        }
        if let Some(value) = request
            .get(id)
            .filter(|v| fact.default.as_ref() != Some(*v))
        {
            let path: Vec<&str> = fact.name.split('.').collect();
            insert(&mut root, &path, fact.to_json(value));
        }
    }
    render(&root)
}

/// The expressions that decide: every provision's conditions and `only if`, and every
/// obligation's condition.
pub(crate) fn roots(policy: &Policy) -> Vec<crate::ir::ExprId> {
    let mut out = Vec::new();
    for leaf in &policy.leaves {
        out.extend(leaf.conjuncts.iter().map(|c| c.expr));
        out.extend(leaf.only_if.map(|(e, _)| e));
    }
    out.extend(policy.obligations.iter().filter_map(|o| o.when));
    out
}

/// Visits every fact and definition the expressions read, through definitions.
pub(crate) fn walk(
    policy: &Policy,
    exprs: &[crate::ir::ExprId],
    on_fact: &mut dyn FnMut(crate::ir::FactId),
    on_definition: &mut dyn FnMut(crate::ir::DefId),
) {
    use crate::ir::Expr;
    let mut seen_expr = vec![false; policy.exprs.len()];
    let mut seen_def = vec![false; policy.definitions.len()];
    let mut stack: Vec<crate::ir::ExprId> = exprs.to_vec();
    while let Some(id) = stack.pop() {
        match seen_expr.get_mut(id.index()) {
            Some(seen) if !*seen => *seen = true,
            _ => continue,
        }
        let expr = policy.expr(id);
        if let Some(f) = expr.fact() {
            on_fact(f);
        }
        match expr {
            Expr::Def(d) => {
                if let Some(seen) = seen_def.get_mut(d.index()) {
                    if !*seen {
                        *seen = true;
                        on_definition(*d);
                        if let Some(def) = policy.definitions.get(d.index()) {
                            stack.push(def.expr);
                        }
                    }
                }
            }
            Expr::Not(e) => stack.push(*e),
            Expr::And(es) | Expr::Or(es) => stack.extend(es.iter().copied()),
            _ => {}
        }
    }
}

/// How many lines apart two places may be and still be shown in one snippet.
const NEAR: usize = 10;

/// Points a diagnostic at a second place: a label when it is near the first, else a note
/// with its own snippet (so that two provisions far apart do not pull in all between).
pub(crate) fn point(
    d: Diagnostic,
    policy: &Policy,
    span: Span,
    label: &str,
    note: String,
) -> Diagnostic {
    let line = |s: Span| policy.source.line_col(s.start as usize).0;
    if line(d.span()).abs_diff(line(span)) <= NEAR {
        d.with_label(span, label)
    } else {
        d.with_related(crate::diagnostic::Related {
            source: policy.source.clone(),
            message: note,
            label: Some(crate::diagnostic::Label {
                span,
                text: label.to_string(),
            }),
        })
    }
}
