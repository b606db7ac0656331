//! Generated policies for the scale benchmarks: `n` provisions over a shared vocabulary,
//! with the statute text they cite, so that load + check + compile can be timed (and its
//! memory counted) at 100, 1,000 and 10,000 provisions.
//!
//! Provision `(i)` decides when an actor, an action and an item of data (enumerations of
//! 8, 6 and 64 members) and one of 32 flags say so; every fifth has two subsections, every
//! seventh compares a number, every tenth is an exception to the provision before it.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Members of the generated enumerations.
const ACTORS: usize = 8;
const ACTIONS: usize = 6;
const DATA: usize = 64;
const FLAGS: usize = 32;

/// The policy file and its statute text for `n` provisions.
pub fn generate(n: usize) -> (String, String) {
    let mut text = String::from(
        "CITATION:      GEN 1-1 (a rule generated for Juris's scale benchmark)\nTITLE:         Generated\n\
         ================================================================================\n\n1-1 Generated\n\n",
    );
    let mut policy = String::from(
        "policy \"GEN 1-1\" {\n  title \"Generated\"\n  jurisdiction \"GEN\"\n  text \"gen.txt\"\n}\n\nvocabulary {\n",
    );
    let members = |prefix: &str, count: usize| (0..count).map(|i| format!("{prefix}{i}")).collect::<Vec<_>>().join(" | ");
    let _ = writeln!(policy, "  actor: {}\n    \"who acts\"", members("actor_", ACTORS));
    let _ = writeln!(policy, "  action: {}\n    \"what is done\"", members("action_", ACTIONS));
    let _ = writeln!(policy, "  data: {}\n    \"the item\"", members("item_", DATA));
    let _ = writeln!(policy, "  customer.usage: number\n    \"usage\"");
    for f in 0..FLAGS {
        let _ = writeln!(policy, "  customer.flag_{f}: bool = false\n    \"flag {f}\"");
    }
    policy.push_str("}\n\n");
    for i in 1..=n {
        let _ = writeln!(text, "({i}) The company must or may not do thing {i}.");
        let effect = if i % 3 == 0 { "prohibited" } else { "required" };
        let mut when = format!(
            "actor is actor_{} and action is action_{} and data is item_{}",
            i % ACTORS,
            (i / ACTORS) % ACTIONS,
            (i / (ACTORS * ACTIONS)) % DATA
        );
        if i % 2 == 0 {
            let _ = write!(when, " and customer.flag_{}", i % FLAGS);
        } else {
            let _ = write!(when, " and not customer.flag_{}", i % FLAGS);
        }
        if i % 7 == 0 {
            let _ = write!(when, " and customer.usage >= {}", i % 10);
        }
        let _ = writeln!(policy, "provision ({i}) \"Thing {i}\" {{\n  when {when}\n  {effect}");
        if i % 10 == 0 {
            let _ = writeln!(policy, "  overrides ({})", i - 1);
        }
        if i % 5 == 0 {
            let _ = writeln!(text, "  (a) When the first flag is set;\n  (b) When the second flag is set.");
            let _ = writeln!(
                policy,
                "  (a) when customer.flag_{}\n  (b) when customer.flag_{}",
                (i + 1) % FLAGS,
                (i + 2) % FLAGS
            );
        }
        policy.push_str("}\n\n");
    }
    (policy, text)
}

/// Writes the generated policy for `n` provisions into `dir` (created if needed) and
/// returns the policy file's path.
pub fn write(dir: &Path, n: usize) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    let (policy, text) = generate(n);
    let path = dir.join("gen.juris");
    std::fs::write(&path, policy)?;
    std::fs::write(dir.join("gen.txt"), text)?;
    Ok(path)
}

/// A folder under the system's temporary folder for the generated policy of size `n`.
pub fn temp_dir(n: usize) -> PathBuf {
    std::env::temp_dir().join(format!("juris-scale-{}-{n}", std::process::id()))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    #[test]
    fn the_generated_policy_checks_clean() {
        let dir = super::temp_dir(50);
        let path = super::write(&dir, 50).unwrap();
        let engine = juris::Engine::load(&[&path]);
        let _ = std::fs::remove_dir_all(&dir);
        let engine = engine.map_err(|e| format!("{e:?}")).unwrap();
        assert_eq!(engine.policies()[0].nodes.len(), 50 + 2 * 10);
    }
}
