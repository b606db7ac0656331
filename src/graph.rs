//! The one depth-first search over a directed graph, iterative so that a chain of tens of
//! thousands of nodes (definitions reading definitions, exceptions overriding exceptions)
//! cannot overflow the stack. The checker uses it to find cycles and to visit nodes after
//! everything they reach.

/// What [`depth_first`] reports while it walks.
pub(crate) trait Visit<T> {
    /// The edge `from → to`, tagged `tag`, closes a cycle: `path` runs from `to` to `from`.
    fn cycle(&mut self, path: &[usize], tag: T);
    /// Every node reachable from `node` is done (post-order), except those on a cycle
    /// through `node`.
    fn done(&mut self, node: usize);
}

/// Walks the graph of `n` nodes whose edges from a node `edges` lists as `(to, tag)`, from
/// every node in order, visiting each node once.
pub(crate) fn depth_first<T: Copy>(
    n: usize,
    edges: impl Fn(usize) -> Vec<(usize, T)>,
    visit: &mut impl Visit<T>,
) {
    // 0: not seen, 1: on the path, 2: done.
    let mut state = vec![0u8; n];
    // The path: each node with its edges and how many of them are followed.
    let mut path: Vec<usize> = Vec::new();
    let mut stack: Vec<(Vec<(usize, T)>, usize)> = Vec::new();
    for start in 0..n {
        if state[start] != 0 {
            continue;
        }
        state[start] = 1;
        path.push(start);
        stack.push((edges(start), 0));
        while let Some((out, next)) = stack.last_mut() {
            let Some(&(to, tag)) = out.get(*next) else {
                let node = path.pop().unwrap_or(start);
                stack.pop();
                state[node] = 2;
                visit.done(node);
                continue;
            };
            *next += 1;
            match state.get(to) {
                Some(0) => {
                    state[to] = 1;
                    path.push(to);
                    stack.push((edges(to), 0));
                }
                Some(1) => {
                    let from = path.iter().rposition(|&p| p == to).unwrap_or(0);
                    visit.cycle(&path[from..], tag);
                }
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Default)]
    struct Record {
        cycles: Vec<(Vec<usize>, u8)>,
        order: Vec<usize>,
    }

    impl Visit<u8> for Record {
        fn cycle(&mut self, path: &[usize], tag: u8) {
            self.cycles.push((path.to_vec(), tag));
        }
        fn done(&mut self, node: usize) {
            self.order.push(node);
        }
    }

    #[test]
    fn finds_every_cycle_and_visits_in_post_order() {
        // 0 → 1 → 2 → 0, 2 → 3, 3 → 3, 4 → 0.
        let graph: Vec<Vec<(usize, u8)>> = vec![
            vec![(1, 10)],
            vec![(2, 11)],
            vec![(0, 12), (3, 13)],
            vec![(3, 14)],
            vec![(0, 15)],
        ];
        let mut record = Record::default();
        depth_first(graph.len(), |v| graph[v].clone(), &mut record);
        assert_eq!(record.cycles, vec![(vec![0, 1, 2], 12), (vec![3], 14)]);
        assert_eq!(record.order, vec![3, 2, 1, 0, 4]);
    }

    #[test]
    fn a_chain_of_a_million_does_not_overflow() {
        let n = 1_000_000;
        let mut record = Record::default();
        depth_first(
            n,
            |v| if v + 1 < n { vec![(v + 1, 0)] } else { vec![] },
            &mut record,
        );
        assert!(record.cycles.is_empty());
        assert_eq!(record.order.first(), Some(&(n - 1)));
    }
}
