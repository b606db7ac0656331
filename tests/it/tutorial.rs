//! `docs/tutorial.md` as written: each step it marks (`<!-- tutorial: run -->`, `replace
//! `X` in FILE`, `write FILE`) is carried out in a temporary folder standing for
//! `my-policy`, every `juris` command must succeed, and the answers it promises are given.

use crate::cli::run_cli;
use crate::root;
use juris::statute::StatuteText;

/// A command line split as a shell would for the tutorial's commands: words, and double
/// quotes around words with spaces.
fn words(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut quoted = false;
    let mut any = false;
    for c in line.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                any = true;
            }
            ' ' if !quoted => {
                if any {
                    out.push(std::mem::take(&mut word));
                    any = false;
                }
            }
            c => {
                word.push(c);
                any = true;
            }
        }
    }
    if any {
        out.push(word);
    }
    out
}

/// The steps: each directive with the code block that follows it.
fn steps(markdown: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut lines = markdown.lines();
    while let Some(line) = lines.next() {
        let Some(directive) = line
            .trim()
            .strip_prefix("<!-- tutorial: ")
            .and_then(|d| d.strip_suffix(" -->"))
        else {
            continue;
        };
        let fence = lines.next().unwrap_or_default();
        assert!(
            fence.starts_with("```"),
            "a code block follows `{directive}`"
        );
        let block: Vec<&str> = lines
            .by_ref()
            .take_while(|l| !l.starts_with("```"))
            .collect();
        out.push((directive.to_string(), block.join("\n")));
    }
    out
}

#[test]
fn the_tutorial_works_as_written() {
    let markdown = std::fs::read_to_string(root().join("docs/tutorial.md")).unwrap();
    let steps = steps(&markdown);
    assert!(
        steps.len() >= 8,
        "the tutorial's steps are found: {steps:?}"
    );
    let dir = std::env::temp_dir().join(format!("juris-tutorial-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let here = dir.to_string_lossy().into_owned();
    let mut outputs = String::new();
    for (directive, block) in &steps {
        if directive == "run" {
            for line in block.lines().filter(|l| !l.trim().is_empty()) {
                let line = line.replace("my-policy", &here);
                let args = words(&line);
                assert_eq!(args[0], "juris", "{line}");
                let out = run_cli(&args[1..], "");
                assert_eq!(
                    out.code, 0,
                    "`{line}` failed:\n{}{}",
                    out.stdout, out.stderr
                );
                outputs.push_str(&out.stdout);
            }
        } else if let Some(rest) = directive.strip_prefix("replace `") {
            let (olds, file) = rest.split_once("` in ").expect("replace `X` in FILE");
            let path = dir.join(file.trim_start_matches("my-policy/"));
            let mut text = std::fs::read_to_string(&path).unwrap();
            // `A` and `B`: the block stands for the first, the lines of the others go.
            for (i, old) in olds.split("` and `").enumerate() {
                assert!(
                    text.contains(old),
                    "{} holds `{old}`:\n{text}",
                    path.display()
                );
                text = if i == 0 {
                    text.replacen(old, block, 1)
                } else {
                    text.replacen(&format!("{old}\n"), "", 1)
                };
            }
            std::fs::write(&path, text).unwrap();
        } else if let Some(file) = directive.strip_prefix("write ") {
            let path = dir.join(file.trim_start_matches("my-policy/"));
            assert!(path.exists(), "{} exists to be replaced", path.display());
            std::fs::write(&path, format!("{block}\n")).unwrap();
        } else {
            panic!("unknown tutorial step `{directive}`");
        }
    }
    // What the tutorial says the steps show.
    assert!(
        outputs.contains("subsections marked `not encoded \"to do\"`"),
        "{outputs}"
    );
    assert!(outputs.contains("2 passed, 0 failed"), "{outputs}");
    assert!(
        outputs.contains("Yes. 17 O.S. § 710.7(A) [1] permits it."),
        "{outputs}"
    );
    // The policy it leaves is in the one layout.
    let fmt = run_cli(&["fmt", "--check", &here], "");
    assert_eq!(fmt.code, 0, "{}{}", fmt.stdout, fmt.stderr);
    let _ = std::fs::remove_dir_all(&dir);
}

/// `juris new` on both shipped statute texts: a policy that checks clean, whose coverage
/// lists every subsection, and which never overwrites.
#[test]
fn new_policies_from_both_shipped_texts() {
    for (text, jurisdiction, citation) in [
        ("policies/oregon/or-860-086-0030.txt", "OR", None),
        ("policies/oklahoma/ok-17-710.txt", "OK", Some("17 O.S. §")),
    ] {
        let dir =
            std::env::temp_dir().join(format!("juris-new-{jurisdiction}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let here = dir.to_string_lossy().into_owned();
        let mut args = vec![
            "new",
            "--from",
            text,
            "--jurisdiction",
            jurisdiction,
            "--dir",
            &here,
        ];
        if let Some(c) = citation {
            args.extend(["--citation", c]);
        }
        let out = run_cli(&args, "");
        assert_eq!(out.code, 0, "{}", out.stderr);
        let check = run_cli(&["check", &here], "");
        assert_eq!(check.code, 0, "{}{}", check.stdout, check.stderr);
        let coverage = run_cli(&["coverage", &here, "--format", "json"], "");
        assert_eq!(coverage.code, 0, "{}", coverage.stderr);
        let statute = juris::statute::StatuteText::parse(
            &std::fs::read_to_string(root().join(text)).unwrap(),
        );
        let json: serde_json::Value = serde_json::from_str(&coverage.stdout).unwrap();
        let listed = json.to_string().matches("\"not_encoded\"").count();
        assert!(
            listed >= statute.iter().count(),
            "every subsection is listed as not encoded: {listed} of {}",
            statute.iter().count()
        );
        let again = run_cli(&args, "");
        assert_eq!(again.code, 2, "never overwrites");
        assert!(
            again.stderr.contains("U003::cannot-scaffold"),
            "{}",
            again.stderr
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}

/// The example of `docs/statute-text.md`: the text's subsections are the cites the page
/// lists, as the reader finds them.
#[test]
fn the_statute_text_page_is_true() {
    let page = std::fs::read_to_string(root().join("docs/statute-text.md")).unwrap();
    let blocks: Vec<&str> = page
        .split("```")
        .skip(1)
        .step_by(2)
        .map(|b| b.strip_prefix('\n').unwrap_or(b))
        .collect();
    let text = StatuteText::parse(blocks[0]);
    let found: Vec<String> = text
        .iter()
        .map(|(_, s)| StatuteText::display_path(&s.path))
        .collect();
    let listed: Vec<&str> = blocks[1].split_whitespace().collect();
    assert_eq!(found, listed);
}

/// Every `docs/….md` that a message, the README or a page names exists, and every
/// relative link between the pages leads to one.
#[test]
fn documentation_links_lead_somewhere() {
    let mut texts: Vec<(String, String)> = Vec::new();
    let mut dirs = vec![root().join("src")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                texts.push((
                    path.display().to_string(),
                    std::fs::read_to_string(&path).unwrap(),
                ));
            }
        }
    }
    for page in std::fs::read_dir(root().join("docs")).unwrap().flatten() {
        let path = page.path();
        // Pages, not their images (an image a page shows is checked as a link below).
        if path.extension().is_none_or(|e| e != "md") {
            continue;
        }
        texts.push((
            path.display().to_string(),
            std::fs::read_to_string(&path).unwrap(),
        ));
    }
    texts.push((
        "README.md".into(),
        std::fs::read_to_string(root().join("README.md")).unwrap(),
    ));
    let mut missing = Vec::new();
    let mut named = 0;
    for (file, text) in &texts {
        for (at, _) in text.match_indices("docs/") {
            let name: String = text[at..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || matches!(c, '/' | '-' | '_' | '.'))
                .collect();
            let name = name.trim_end_matches('.');
            if name.ends_with(".md") || name.ends_with(".png") {
                named += 1;
                if !root().join(name).is_file() {
                    missing.push(format!("{file} names {name}"));
                }
            }
        }
        if file.contains("docs") {
            for (at, _) in text.match_indices("](") {
                let target: String = text[at + 2..].chars().take_while(|c| *c != ')').collect();
                let page_or_image = target.ends_with(".md") || target.ends_with(".png");
                if page_or_image && !target.contains("://") {
                    named += 1;
                    if !root().join("docs").join(&target).is_file() {
                        missing.push(format!("{file} links {target}"));
                    }
                }
            }
        }
    }
    assert!(named > 10, "the scan finds the links ({named})");
    assert!(
        missing.is_empty(),
        "links to nothing:\n{}",
        missing.join("\n")
    );
}
