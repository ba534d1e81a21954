//! The corpus: one case per file under `cases/`, each a piece of Rust with `//@` directives.
//!
//! A case file holds ordinary items (async fns, types) and, in compiletest's directive style,
//! what the harness needs to know about it:
//!
//! ```text
//! //@ ideal: 1026
//! //@ reason: b (1024) is live across the await beside YieldNow (1), plus the 1-byte state tag
//! //@ by-value: yes
//! //@ setup: let b = Buf::<1024>::new(3);      (zero or more statements, in order)
//! //@ future: leaf(Buf::new(1))                (the expression whose future is measured)
//! ```
//!
//! The case's name is its file stem. Adding a case is adding a file; no code changes. "Ideal" means
//! the size of a layout that keeps only what each state needs (the arguments in the unresumed
//! state; at each await, what is live across it and the awaited future at its own ideal size)
//! and overlaps the states, plus a one-byte tag, rounded up to the future's alignment.

use anyhow::{bail, Context, Result};
use serde::Serialize;
use std::path::{Path, PathBuf};

/// One corpus case.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Case {
    /// File stem; also a Rust module name in the generated program.
    pub name: String,
    /// The ideal size of the future in bytes.
    pub ideal: u64,
    /// One line saying why `ideal` is what it is.
    pub reason: String,
    /// Whether the measured future comes from an async fn or closure with by-value arguments
    /// (the population of the issue's geometric-mean criterion).
    pub by_value: bool,
    /// Statements run before the future is built (bindings the future borrows).
    pub setup: Vec<String>,
    /// The expression that builds the future.
    pub future: String,
    /// The Rust items of the case, directives removed.
    #[serde(skip)]
    pub items: String,
}

/// The corpus that ships with this crate.
pub fn default_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("cases")
}

/// Load every `*.rs` case in `dir`, sorted by name.
pub fn load_dir(dir: &Path) -> Result<Vec<Case>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("reading corpus directory {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "rs"))
        .collect();
    files.sort();
    if files.is_empty() {
        bail!("no cases (*.rs) in {}", dir.display());
    }
    files
        .iter()
        .map(|p| {
            let name = p.file_stem().unwrap_or_default().to_string_lossy().into_owned();
            let text = std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))?;
            parse(&name, &text).with_context(|| format!("in case file {}", p.display()))
        })
        .collect()
}

/// Parse one case from its name and file text.
pub fn parse(name: &str, text: &str) -> Result<Case> {
    if name.is_empty()
        || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        || name.starts_with(|c: char| c.is_ascii_digit())
    {
        bail!("case name `{name}` must be a Rust identifier (letters, digits, `_`)");
    }
    let (mut ideal, mut reason, mut by_value, mut future) = (None, None, None, None);
    let mut setup = Vec::new();
    let mut items = String::new();
    for (n, line) in text.lines().enumerate() {
        let Some(directive) = line.trim_start().strip_prefix("//@") else {
            items.push_str(line);
            items.push('\n');
            continue;
        };
        let (key, value) = directive
            .split_once(':')
            .with_context(|| format!("line {}: directive without `key: value`", n + 1))?;
        let value = value.trim().to_string();
        if value.is_empty() {
            bail!("line {}: directive `{}` has no value", n + 1, key.trim());
        }
        let slot_taken = |set: bool| {
            if set {
                bail!("line {}: `{}` given twice", n + 1, key.trim())
            } else {
                Ok(())
            }
        };
        match key.trim() {
            "ideal" => {
                slot_taken(ideal.is_some())?;
                let bytes: u64 = value
                    .parse()
                    .with_context(|| format!("line {}: ideal `{value}` is not a byte count", n + 1))?;
                if bytes == 0 {
                    bail!(
                        "line {}: an ideal of 0 bytes is never right for a future with a state tag",
                        n + 1
                    );
                }
                ideal = Some(bytes);
            }
            "reason" => {
                slot_taken(reason.is_some())?;
                reason = Some(value);
            }
            "by-value" => {
                slot_taken(by_value.is_some())?;
                by_value = Some(match value.as_str() {
                    "yes" => true,
                    "no" => false,
                    other => bail!("line {}: by-value must be `yes` or `no`, not `{other}`", n + 1),
                });
            }
            "setup" => setup.push(value),
            "future" => {
                slot_taken(future.is_some())?;
                future = Some(value);
            }
            other => bail!("line {}: unknown directive `{other}`", n + 1),
        }
    }
    Ok(Case {
        name: name.to_string(),
        ideal: ideal.context("missing `//@ ideal: <bytes>`")?,
        reason: reason.context("missing `//@ reason: <one line>`")?,
        by_value: by_value.context("missing `//@ by-value: yes|no`")?,
        setup,
        future: future.context("missing `//@ future: <expression>`")?,
        items,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const LEAF: &str = "//@ ideal: 1026\n//@ reason: b + tag\n//@ by-value: yes\n//@ setup: let x = 1;\n\
                        //@ future: leaf(Buf::new(1))\n\nasync fn leaf(b: Buf<1024>) -> u8 { b.0[0] }\n";

    #[test]
    fn parses_directives_and_keeps_items() {
        let c = parse("leaf", LEAF).unwrap();
        assert_eq!(c.ideal, 1026);
        assert_eq!(c.reason, "b + tag");
        assert!(c.by_value);
        assert_eq!(c.setup, vec!["let x = 1;"]);
        assert_eq!(c.future, "leaf(Buf::new(1))");
        assert!(c.items.contains("async fn leaf"));
        assert!(!c.items.contains("//@"));
    }

    #[test]
    fn rejects_incomplete_or_wrong_cases() {
        let without_reason = LEAF.replace("//@ reason: b + tag\n", "");
        assert!(parse("leaf", &without_reason)
            .unwrap_err()
            .to_string()
            .contains("reason"));
        let bad_ideal = LEAF.replace("1026", "about 1k");
        assert!(parse("leaf", &bad_ideal).is_err());
        let twice = format!("//@ ideal: 3\n{LEAF}");
        assert!(format!("{:#}", parse("leaf", &twice).unwrap_err()).contains("twice"));
        assert!(parse("leaf", &LEAF.replace("yes", "maybe")).is_err());
        assert!(parse("leaf", &format!("//@ idea: 4\n{LEAF}")).is_err());
        assert!(parse("not-an-ident", LEAF).is_err());
    }

    #[test]
    fn shipped_corpus_is_complete() {
        let cases = load_dir(&default_dir()).unwrap();
        assert!(cases.len() >= 30, "only {} cases", cases.len());
        for c in &cases {
            assert!(c.reason.len() >= 10, "{}: reason too short", c.name);
        }
        let by_value = cases.iter().filter(|c| c.by_value).count();
        assert!(by_value >= 20, "only {by_value} by-value cases");
        for d in 1..=8 {
            assert!(
                cases.iter().any(|c| c.name == format!("chain_depth_{d}")),
                "no chain of depth {d}"
            );
        }
    }
}
