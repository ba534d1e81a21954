//! What the corpus program printed, parsed.
//!
//! The program prints `size <case> <bytes>` once per case and `out <case> <phase> <text>` for
//! every observable event (see `program/prelude.rs`). Anything else on stdout means the program
//! and this parser disagree, which is an error rather than something to skip silently.

use anyhow::{bail, Context, Result};
use serde::Serialize;
use std::collections::BTreeMap;

/// Sizes and observable outputs per case.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Transcript {
    pub sizes: BTreeMap<String, u64>,
    /// `<phase> <text>` lines per case, in the order printed.
    pub outputs: BTreeMap<String, Vec<String>>,
}

impl Transcript {
    pub fn parse(stdout: &str) -> Result<Transcript> {
        let mut t = Transcript::default();
        for (n, line) in stdout.lines().enumerate() {
            let ctx = || format!("stdout line {}: `{line}`", n + 1);
            if let Some(rest) = line.strip_prefix("size ") {
                let (case, bytes) = rest.split_once(' ').with_context(ctx)?;
                let bytes: u64 = bytes.trim().parse().with_context(ctx)?;
                if t.sizes.insert(case.to_string(), bytes).is_some() {
                    bail!("{}: size reported twice", ctx());
                }
            } else if let Some(rest) = line.strip_prefix("out ") {
                let (case, event) = rest.split_once(' ').with_context(ctx)?;
                t.outputs.entry(case.to_string()).or_default().push(event.to_string());
            } else {
                bail!("{}: neither a `size` nor an `out` line", ctx());
            }
        }
        Ok(t)
    }

    /// Cases whose size is missing, as a check that the program ran every case to the end.
    pub fn missing<'a>(&self, names: impl IntoIterator<Item = &'a str>) -> Vec<String> {
        names
            .into_iter()
            .filter(|n| !self.sizes.contains_key(*n) || !self.outputs.contains_key(*n))
            .map(str::to_string)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_sizes_and_ordered_outputs() {
        let t = Transcript::parse(
            "size leaf 2050\nout leaf unpolled drop Buf<1024>#1 sum=1\nout leaf complete ready after 2 polls: 1\n",
        )
        .unwrap();
        assert_eq!(t.sizes["leaf"], 2050);
        assert_eq!(
            t.outputs["leaf"],
            vec!["unpolled drop Buf<1024>#1 sum=1", "complete ready after 2 polls: 1"]
        );
        assert_eq!(t.missing(["leaf", "mid"]), vec!["mid"]);
    }

    #[test]
    fn rejects_foreign_or_malformed_lines() {
        assert!(Transcript::parse("thread 'main' panicked\n").is_err());
        assert!(Transcript::parse("size leaf lots\n").is_err());
        assert!(Transcript::parse("size leaf 1\nsize leaf 2\n").is_err());
    }
}
