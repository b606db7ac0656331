//! The exception graph: `overrides` resolved to provisions, checked acyclic, and compiled
//! into each leaf's (transitive) set of overridden leaves.

use super::Checker;
use crate::diagnostic::{code, Diagnostic};
use crate::ir::NodeId;
use crate::source::Span;

impl Checker<'_> {
    /// The range of leaf indices under each provision (leaves are in source order, so a
    /// provision's leaves are contiguous).
    fn leaf_ranges(&self) -> Vec<(u32, u32)> {
        let mut ranges = vec![(u32::MAX, 0u32); self.nodes.len()];
        for i in (0..self.nodes.len()).rev() {
            let mut r = match self.nodes[i].leaf {
                Some(l) => (l.0, l.0 + 1),
                None => (u32::MAX, 0),
            };
            for l in &self.nodes[i].rules {
                r = (r.0.min(l.0), r.1.max(l.0 + 1));
            }
            for c in &self.nodes[i].children {
                let cr = ranges[c.index()];
                r = (r.0.min(cr.0), r.1.max(cr.1));
            }
            ranges[i] = r;
        }
        ranges
    }

    pub(super) fn exceptions(&mut self) {
        let ranges = self.leaf_ranges();
        // Resolve each provision's `overrides` to provisions.
        let mut edges: Vec<Vec<(NodeId, Span)>> = vec![Vec::new(); self.nodes.len()];
        let mut rule_edges: Vec<Vec<(NodeId, Span)>> = vec![Vec::new(); self.leaves.len()];
        let rule_overrides = std::mem::take(&mut self.rule_overrides);
        let sources: Vec<(bool, usize, Vec<crate::ast::Cite>)> = (0..self.nodes.len())
            .map(|i| (false, i, std::mem::take(&mut self.pending[i].overrides)))
            .chain(
                rule_overrides
                    .into_iter()
                    .map(|(l, c)| (true, l.index(), c)),
            )
            .collect();
        for (is_rule, i, cites) in sources {
            for cite in cites {
                let span = cite.span();
                let crate::ast::Cite::Local(path, _) = &cite else {
                    self.error(
                        Diagnostic::new(
                            &code::unknown_override,
                            "an exception can only override provisions of this policy",
                            span,
                        )
                        .label("another instrument")
                        .help("cite a provision of this policy, e.g. `(2)`"),
                    );
                    continue;
                };
                match self.node_index.get(path) {
                    Some(&target) if is_rule => rule_edges[i].push((target, span)),
                    Some(&target) => edges[i].push((target, span)),
                    None => {
                        let full = crate::ir::full_cite(&self.citation, path);
                        // Report a cite missing from the text as such; otherwise, unencoded.
                        if self.resolve_path(path, span).is_some() {
                            self.error(
                                Diagnostic::new(
                                    &code::unknown_override,
                                    format!(
                                        "`{full}` is not encoded by any provision of this policy"
                                    ),
                                    span,
                                )
                                .label("nothing to override")
                                .help("encode that subsection, or remove it from `overrides`"),
                            );
                        }
                    }
                }
            }
        }
        // Each leaf's direct targets: its own and its ancestors' `overrides`.
        let mut direct: Vec<Vec<(u32, u32)>> = vec![Vec::new(); self.leaves.len()];
        let mut direct_nodes: Vec<Vec<NodeId>> = vec![Vec::new(); self.leaves.len()];
        let mut edge_span: Vec<Vec<Span>> = vec![Vec::new(); self.leaves.len()];
        for (l, leaf) in self.leaves.iter().enumerate() {
            for &(target, span) in &rule_edges[l] {
                let r = ranges[target.index()];
                if r.0 < r.1 {
                    direct[l].push(r);
                    edge_span[l].push(span);
                }
                direct_nodes[l].push(target);
            }
            let mut up = Some(leaf.node);
            while let Some(n) = up {
                for &(target, span) in &edges[n.index()] {
                    let r = ranges[target.index()];
                    if r.0 < r.1 {
                        direct[l].push(r);
                        edge_span[l].push(span);
                    }
                    direct_nodes[l].push(target);
                }
                up = self.nodes[n.index()].parent;
            }
        }
        // Every cycle, reported at the `overrides` that closes it; otherwise the transitive
        // closure as merged ranges, each leaf's once every leaf it overrides is done.
        struct Closure<'d> {
            direct: &'d [Vec<(u32, u32)>],
            closure: Vec<Option<Vec<(u32, u32)>>>,
            /// Each cycle: the leaf whose `overrides` closes it, which of them, the leaf it
            /// reaches.
            cycles: Vec<(usize, usize, usize)>,
        }
        impl crate::graph::Visit<usize> for Closure<'_> {
            fn cycle(&mut self, path: &[usize], which: usize) {
                let (Some(&to), Some(&from)) = (path.first(), path.last()) else {
                    return;
                };
                // One report per `overrides`, however many leaves of it are on cycles.
                if !self.cycles.iter().any(|&(f, w, _)| (f, w) == (from, which)) {
                    self.cycles.push((from, which, to));
                }
            }
            fn done(&mut self, leaf: usize) {
                let targets = &self.direct[leaf];
                let mut all: Vec<(u32, u32)> = targets.clone();
                for &(a, b) in targets {
                    for t in a..b {
                        if let Some(Some(c)) = self.closure.get(t as usize) {
                            all.extend(c.iter().copied());
                        }
                    }
                }
                self.closure[leaf] = Some(merge(all));
            }
        }
        let n = self.leaves.len();
        let edges = |leaf: usize| {
            direct[leaf]
                .iter()
                .enumerate()
                .flat_map(|(which, &(a, b))| (a..b).map(move |t| (t as usize, which)))
                .collect()
        };
        let mut search = Closure {
            direct: &direct,
            closure: vec![None; n],
            cycles: Vec::new(),
        };
        crate::graph::depth_first(n, edges, &mut search);
        let Closure {
            mut closure,
            mut cycles,
            ..
        } = search;
        cycles.sort_by_key(|&(leaf, which, _)| edge_span[leaf].get(which).map(|s| s.start));
        let reported = !cycles.is_empty();
        for (leaf, which, t) in cycles {
            let at = edge_span[leaf].get(which).copied().unwrap_or_default();
            let from = self.nodes[self.leaves[leaf].node.index()].cite.full.clone();
            let to = self.nodes[self.leaves[t].node.index()].cite.full.clone();
            let other = self.nodes[self.leaves[t].node.index()].label_span;
            let message = if leaf == t {
                format!("`{from}` overrides itself")
            } else {
                format!(
                    "`{from}` and `{to}` override each other, directly or through other provisions"
                )
            };
            self.error(
                Diagnostic::new(&code::exception_cycle, message, at)
                    .label("this exception closes the cycle")
                    .with_label(other, "overridden provision")
                    .help("exceptions must form an order; remove one of the `overrides`"),
            );
        }
        if reported {
            return;
        }
        for (l, leaf) in self.leaves.iter_mut().enumerate() {
            leaf.overrides = closure[l].take().unwrap_or_default();
            leaf.direct_overrides = std::mem::take(&mut direct_nodes[l]);
        }
    }
}

/// Sorts and merges ranges.
fn merge(mut ranges: Vec<(u32, u32)>) -> Vec<(u32, u32)> {
    ranges.sort_unstable();
    let mut out: Vec<(u32, u32)> = Vec::with_capacity(ranges.len());
    for (a, b) in ranges {
        match out.last_mut() {
            Some(last) if a <= last.1 => last.1 = last.1.max(b),
            _ => out.push((a, b)),
        }
    }
    out
}
