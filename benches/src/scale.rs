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

/// The most provisions one generated file holds. The statute text's parser reads a
/// subsection number of at most four digits (`(9999)`; a longer one in parentheses is more
/// likely a year), so 10,000 provisions are two instruments of 5,000 (`GEN 1-1`, `GEN 2-1`,
/// one jurisdiction each), two files of about 350 kB.
pub const PER_FILE: usize = 5_000;

/// The policy file and its statute text for instrument `k` (from 1) of `n` provisions.
pub fn generate(k: usize, n: usize) -> (String, String) {
    let mut text = format!(
        "CITATION:      GEN {k}-1 (a rule generated for Juris's scale benchmark)\nTITLE:         Generated\n\
         ================================================================================\n\n{k}-1 Generated\n\n",
    );
    let mut policy = format!(
        "policy \"GEN {k}-1\" {{\n  title \"Generated\"\n  jurisdiction \"GEN{k}\"\n  text \"gen{k}.txt\"\n}}\n\nvocabulary {{\n",
    );
    let members = |prefix: &str, count: usize| {
        (0..count)
            .map(|i| format!("{prefix}{i}"))
            .collect::<Vec<_>>()
            .join(" | ")
    };
    let _ = writeln!(
        policy,
        "  actor: {}\n    \"who acts\"",
        members("a", ACTORS)
    );
    let _ = writeln!(
        policy,
        "  action: {}\n    \"what is done\"",
        members("x", ACTIONS)
    );
    let _ = writeln!(policy, "  data: {}\n    \"the item\"", members("d", DATA));
    let _ = writeln!(policy, "  c.usage: number\n    \"usage\"");
    for f in 0..FLAGS {
        let _ = writeln!(policy, "  c.f{f}: bool = false\n    \"flag {f}\"");
    }
    policy.push_str("}\n\n");
    for i in 1..=n {
        let _ = writeln!(text, "({i}) The company must or may not do thing {i}.");
        let effect = if i % 3 == 0 { "prohibited" } else { "required" };
        let mut when = format!(
            "actor is a{} and action is x{} and data is d{}",
            i % ACTORS,
            (i / ACTORS) % ACTIONS,
            (i / (ACTORS * ACTIONS)) % DATA
        );
        if i % 2 == 0 {
            let _ = write!(when, " and c.f{}", i % FLAGS);
        } else {
            let _ = write!(when, " and not c.f{}", i % FLAGS);
        }
        if i % 7 == 0 {
            let _ = write!(when, " and c.usage >= {}", i % 10);
        }
        let _ = writeln!(policy, "provision ({i}) {{\n  when {when}\n  {effect}");
        if i % 10 == 0 {
            let _ = writeln!(policy, "  overrides ({})", i - 1);
        }
        if i % 5 == 0 {
            let _ = writeln!(
                text,
                "  (a) When the first flag is set;\n  (b) When the second flag is set."
            );
            let _ = writeln!(
                policy,
                "  (a) when c.f{}\n  (b) when c.f{}",
                (i + 1) % FLAGS,
                (i + 2) % FLAGS
            );
        }
        policy.push_str("}\n\n");
    }
    (policy, text)
}

/// Writes the generated policies for `n` provisions in all into `dir` (created if
/// needed), at most [`PER_FILE`] per file, and returns `dir` (load it).
pub fn write(dir: &Path, n: usize) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    let mut left = n;
    let mut k = 1;
    while left > 0 {
        let here = left.min(PER_FILE);
        let (policy, text) = generate(k, here);
        std::fs::write(dir.join(format!("gen{k}.juris")), policy)?;
        std::fs::write(dir.join(format!("gen{k}.txt")), text)?;
        left -= here;
        k += 1;
    }
    Ok(dir.to_path_buf())
}

/// Loads the generated policies under `dir`; on failure, the diagnostics' codes and
/// messages (not the whole source, which the diagnostics carry).
pub fn load(dir: &Path) -> Result<juris::Engine, String> {
    juris::Engine::load(&[dir]).map_err(|files| {
        files
            .iter()
            .flat_map(|f| {
                f.diagnostics
                    .iter()
                    .map(move |d| format!("{}: {} {}", f.source.name(), d.code.code, d.message))
            })
            .collect::<Vec<_>>()
            .join("; ")
    })
}

/// The deciding provisions (leaves) of a loaded engine, over all its policies.
pub fn leaves(engine: &juris::Engine) -> usize {
    engine.policies().iter().map(|p| p.leaves.len()).sum()
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
        let engine = super::load(&path);
        let _ = std::fs::remove_dir_all(&dir);
        let engine = engine.unwrap();
        assert_eq!(engine.policies()[0].nodes.len(), 50 + 2 * 10);
        assert_eq!(super::leaves(&engine), 50 - 10 + 2 * 10);
    }

    /// One file of 9,999 provisions (about 700 kB) is within the parser's work limit, which
    /// grows with the size of the input.
    #[test]
    fn a_file_of_9999_provisions_loads() {
        let dir = super::temp_dir(9_999);
        std::fs::create_dir_all(&dir).unwrap();
        let (policy, text) = super::generate(1, 9_999);
        assert!(policy.len() > 650_000, "{} bytes", policy.len());
        std::fs::write(dir.join("gen1.juris"), policy).unwrap();
        std::fs::write(dir.join("gen1.txt"), text).unwrap();
        let engine = super::load(&dir);
        let _ = std::fs::remove_dir_all(&dir);
        let engine = engine.unwrap();
        assert_eq!(engine.policies()[0].nodes.len(), 9_999 + 2 * 1_999);
    }
}
