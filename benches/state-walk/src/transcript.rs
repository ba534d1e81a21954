//! What a program printed. The support code's conventions (programs/support/mod.rs):
//! - `layout NAME: ...` lines carry sizes and alignments, which toolchains may change; they are
//!   kept apart and not compared;
//! - the last line is `summary: futures F, states S, operations O`;
//! - everything else (the log) must be the same for every toolchain.

use serde::{Deserialize, Serialize};

/// The totals a program prints last.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    pub futures: u64,
    pub states: u64,
    pub operations: u64,
}

impl std::ops::AddAssign for Totals {
    fn add_assign(&mut self, o: Totals) {
        self.futures += o.futures;
        self.states += o.states;
        self.operations += o.operations;
    }
}

/// One `layout NAME: VALUE` line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Layout {
    pub future: String,
    pub value: String,
}

impl Layout {
    /// The size in `size N align A`, when the value has that form.
    pub fn size(&self) -> Option<u64> {
        self.value
            .strip_prefix("size ")?
            .split_whitespace()
            .next()?
            .parse()
            .ok()
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Transcript {
    /// Every line except the layout lines, each with its newline.
    pub log: String,
    pub layouts: Vec<Layout>,
    /// `None` when the program did not get to print its summary.
    pub totals: Option<Totals>,
}

impl Transcript {
    pub fn parse(stdout: &str) -> Transcript {
        let mut t = Transcript::default();
        for line in stdout.lines() {
            if let Some((future, value)) = line.strip_prefix("layout ").and_then(|l| l.rsplit_once(": ")) {
                t.layouts.push(Layout {
                    future: future.to_string(),
                    value: value.to_string(),
                });
                continue;
            }
            if let Some(s) = line.strip_prefix("summary: ") {
                t.totals = parse_totals(s);
            }
            t.log.push_str(line);
            t.log.push('\n');
        }
        t
    }

    /// A short digest of the log (FNV-1a, 64 bits), so results files show equal logs as equal.
    pub fn digest(&self) -> String {
        let h = self.log.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        });
        format!("{h:016x}")
    }

    pub fn lines(&self) -> usize {
        self.log.lines().count()
    }
}

fn parse_totals(s: &str) -> Option<Totals> {
    let mut t = Totals::default();
    for part in s.split(", ") {
        let (key, n) = part.split_once(' ')?;
        let n: u64 = n.parse().ok()?;
        match key {
            "futures" => t.futures = n,
            "states" => t.states = n,
            "operations" => t.operations = n,
            _ => return None,
        }
    }
    Some(t)
}

/// Where two logs part: `None` when equal, else the first differing line of each (1-based).
pub fn first_difference(expected: &str, got: &str) -> Option<Difference> {
    let (a, b): (Vec<&str>, Vec<&str>) = (expected.lines().collect(), got.lines().collect());
    let i = (0..a.len().max(b.len())).find(|&i| a.get(i) != b.get(i))?;
    let at = |v: &[&str]| v.get(i).map_or_else(|| "<end of log>".to_string(), |l| l.to_string());
    Some(Difference {
        line: i + 1,
        expected: at(&a),
        got: at(&b),
    })
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Difference {
    pub line: usize,
    pub expected: String,
    pub got: String,
}

impl std::fmt::Display for Difference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "line {}: expected `{}`, got `{}`",
            self.line, self.expected, self.got
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OUT: &str = "=== f\nlayout f: size 672 align 8\n  poll 1: Pending (wakes 1)\nlayout const-eval typed copies: sizes [608, 56]\nsummary: futures 1, states 4, operations 7\n";

    #[test]
    fn layout_lines_are_kept_apart() {
        let t = Transcript::parse(OUT);
        assert_eq!(
            t.log,
            "=== f\n  poll 1: Pending (wakes 1)\nsummary: futures 1, states 4, operations 7\n"
        );
        assert_eq!(t.layouts.len(), 2);
        assert_eq!(t.layouts[0].future, "f");
        assert_eq!(t.layouts[0].size(), Some(672));
        assert_eq!(t.layouts[1].future, "const-eval typed copies");
        assert_eq!(t.layouts[1].size(), None);
        assert_eq!(
            t.totals,
            Some(Totals {
                futures: 1,
                states: 4,
                operations: 7
            })
        );
        assert_eq!(t.lines(), 3);
    }

    #[test]
    fn a_cut_log_has_no_totals_and_another_digest() {
        let full = Transcript::parse(OUT);
        let cut = Transcript::parse("=== f\nlayout f: size 600 align 8\n  poll 1: Pending (wakes 1)\n");
        assert_eq!(cut.totals, None);
        assert_ne!(full.digest(), cut.digest());
        // Layout lines do not enter the digest.
        let other_size = Transcript::parse(&OUT.replace("672", "400"));
        assert_eq!(full.digest(), other_size.digest());
    }

    #[test]
    fn differences_name_the_first_line() {
        assert_eq!(first_difference("a\nb\n", "a\nb\n"), None);
        let d = first_difference("a\nb\nc\n", "a\nx\nc\n").unwrap();
        assert_eq!(d.to_string(), "line 2: expected `b`, got `x`");
        let d = first_difference("a\n", "a\nmore\n").unwrap();
        assert_eq!((d.line, d.expected.as_str()), (2, "<end of log>"));
    }
}
