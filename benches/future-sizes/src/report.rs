//! The results: `future-sizes.json` (harness envelope first) and `future-sizes.md`.
//!
//! Per toolchain, the table the issue asks for (case, size, ideal, ratio to ideal, ratio to the
//! baseline), the geometric mean of size / baseline over the by-value cases, and the checks the
//! issue's "done when" needs: cases that grew, cases at their ideal, sizes equal across opt
//! levels, outputs equal to the baseline's. The JSON keeps every build's sizes and the
//! baseline's outputs, so a later run can be compared without rerunning this one.

use crate::compare::{self, Difference, Row};
use crate::corpus::Case;
use crate::run::Build;
use harness::envelope::Envelope;
use harness::report::{Align, Table};
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write;

pub const SCHEMA: &str = "future-sizes/1";

/// A size within this factor of the ideal counts as "at ideal" (the issue's 1.05x).
pub const NEAR_IDEAL: f64 = 1.05;

/// The issue's target for the geometric mean of size / baseline over the by-value cases.
pub const GEOMEAN_TARGET: f64 = 0.55;

#[derive(Debug, Serialize)]
pub struct Report {
    #[serde(flatten)]
    pub envelope: Envelope,
    pub baseline: String,
    pub opt_levels: Vec<u8>,
    pub corpus_dir: String,
    pub cases: Vec<Case>,
    pub builds: Vec<BuildRecord>,
    pub results: Vec<ToolchainResult>,
    /// Observable output of every case on the baseline, the reference of the differential check.
    pub baseline_outputs: BTreeMap<String, Vec<String>>,
}

/// One build as recorded: outcome and sizes.
#[derive(Debug, Serialize)]
pub struct BuildRecord {
    #[serde(flatten)]
    pub build: Build,
    pub sizes: BTreeMap<String, u64>,
}

/// One toolchain judged against the ideal and the baseline.
#[derive(Debug, Serialize)]
pub struct ToolchainResult {
    pub toolchain: String,
    pub describe: String,
    /// The opt level the table is from (the first one asked for).
    pub opt_level: u8,
    /// `None` when the toolchain's build at that opt level failed.
    pub rows: Option<Vec<Row>>,
    pub by_value_geomean: Option<f64>,
    pub by_value_cases: usize,
    pub grown: Vec<String>,
    pub below_ideal: Vec<String>,
    pub near_ideal: usize,
    /// Cases whose size differs between this toolchain's opt levels.
    pub opt_level_size_mismatches: Vec<String>,
    /// Output differences from the baseline, per opt level of this toolchain.
    pub differences: Vec<(u8, Difference)>,
    /// Builds of this toolchain that did not produce a transcript, with why.
    pub failures: Vec<String>,
}

impl Report {
    /// Judge every toolchain's builds. `builds` holds every (toolchain, opt level) in order.
    pub fn new(
        envelope: Envelope,
        baseline: &str,
        opt_levels: Vec<u8>,
        corpus_dir: String,
        cases: Vec<Case>,
        builds: Vec<Build>,
    ) -> Report {
        let primary = |tc: &str| {
            builds
                .iter()
                .find(|b| b.toolchain == tc && b.opt_level == opt_levels[0])
                .and_then(|b| b.transcript.as_ref())
        };
        let base = primary(baseline);
        let mut results = Vec::new();
        for tc in &envelope.toolchains {
            let own: Vec<&Build> = builds.iter().filter(|b| b.toolchain == tc.name).collect();
            let rows = primary(&tc.name).map(|t| compare::rows(&cases, t, base));
            let mut r = ToolchainResult {
                toolchain: tc.name.clone(),
                describe: tc.describe(),
                opt_level: opt_levels[0],
                by_value_geomean: rows.as_deref().and_then(compare::by_value_geomean),
                by_value_cases: cases.iter().filter(|c| c.by_value).count(),
                grown: rows.as_deref().map(compare::grown).unwrap_or_default(),
                below_ideal: rows.as_deref().map(compare::below_ideal).unwrap_or_default(),
                near_ideal: rows
                    .iter()
                    .flatten()
                    .filter(|r| r.to_ideal().is_some_and(|x| x <= NEAR_IDEAL))
                    .count(),
                rows,
                opt_level_size_mismatches: Vec::new(),
                differences: Vec::new(),
                failures: Vec::new(),
            };
            for b in &own {
                match (&b.transcript, primary(&tc.name), base) {
                    (Some(t), first, base) => {
                        let missing = t.missing(cases.iter().map(|c| c.name.as_str()));
                        if !missing.is_empty() {
                            r.failures
                                .push(format!("O{}: no result for {}", b.opt_level, missing.join(", ")));
                        }
                        if let Some(first) = first {
                            for m in compare::size_mismatches(first, t) {
                                if !r.opt_level_size_mismatches.contains(&m) {
                                    r.opt_level_size_mismatches.push(m);
                                }
                            }
                        }
                        if let Some(base) = base {
                            r.differences
                                .extend(compare::differences(base, t).into_iter().map(|d| (b.opt_level, d)));
                        }
                    }
                    (None, _, _) => r.failures.push(format!("O{}: {}", b.opt_level, b.outcome)),
                }
            }
            results.push(r);
        }
        Report {
            envelope,
            baseline: baseline.to_string(),
            opt_levels,
            corpus_dir,
            cases,
            baseline_outputs: base.map(|t| t.outputs.clone()).unwrap_or_default(),
            builds: builds
                .into_iter()
                .map(|b| BuildRecord {
                    sizes: b.transcript.as_ref().map(|t| t.sizes.clone()).unwrap_or_default(),
                    build: b,
                })
                .collect(),
            results,
        }
    }

    /// Did every build work and every toolchain behave like the baseline at every opt level?
    pub fn all_consistent(&self) -> bool {
        self.results
            .iter()
            .all(|r| r.failures.is_empty() && r.differences.is_empty() && r.opt_level_size_mismatches.is_empty())
    }

    /// The cases where `toolchain`'s size differs from the baseline's (`case: size vs baseline`),
    /// or why that cannot be said (not measured, its build failed). A switch that turns a patch
    /// off must give exactly the baseline's sizes: this is the check of that.
    pub fn sizes_unlike_baseline(&self, toolchain: &str) -> Result<Vec<String>, String> {
        let r = self
            .results
            .iter()
            .find(|r| r.toolchain == toolchain)
            .ok_or_else(|| format!("`{toolchain}` was not measured"))?;
        let rows = r
            .rows
            .as_ref()
            .ok_or_else(|| format!("`{toolchain}` has no sizes (its build failed)"))?;
        Ok(rows
            .iter()
            .filter(|row| row.size != row.baseline)
            .map(|row| format!("{}: {:?} vs {:?}", row.case, row.size, row.baseline))
            .collect())
    }

    /// The cases where `toolchain` is larger than `other` (a fork at its defaults against the same
    /// fork with one switch off: a switch must never make a future larger).
    pub fn sizes_larger_than(&self, toolchain: &str, other: &str) -> Result<Vec<String>, String> {
        let rows = |name: &str| {
            let r = self
                .results
                .iter()
                .find(|r| r.toolchain == name)
                .ok_or_else(|| format!("`{name}` was not measured"))?;
            r.rows
                .as_ref()
                .ok_or_else(|| format!("`{name}` has no sizes (its build failed)"))
        };
        let (mine, theirs) = (rows(toolchain)?, rows(other)?);
        Ok(mine
            .iter()
            .zip(theirs)
            .filter(|(a, b)| matches!((a.size, b.size), (Some(x), Some(y)) if x > y))
            .map(|(a, b)| format!("{}: {:?} vs {:?}", a.case, a.size, b.size))
            .collect())
    }

    pub fn markdown(&self) -> String {
        let e = &self.envelope;
        let b = &self.baseline;
        let mut s = String::new();
        let _ = writeln!(s, "# Future sizes: async fn arguments stored once (issue 5)\n");
        let _ = writeln!(
            s,
            "Produced by `{}` on {} ({}, {} cores).\n",
            e.command, e.date, e.machine.cpu_model, e.machine.cores
        );
        let _ = writeln!(
            s,
            "Corpus: {} cases from `{}` ({} with by-value arguments), all in one std program (edition 2021) \
             built per toolchain at opt-level {}; tables are from opt-level {}. Size: `size_of_val` of the \
             future before its first poll, in bytes. Ideal: a layout keeping only what each state needs plus a \
             one-byte tag, rounded to the alignment (each case's reason is listed below). Each future is also \
             dropped unpolled, cancelled at its first `Pending`, and run to completion; its drop log and result \
             must equal `{b}`'s.\n",
            self.cases.len(),
            self.corpus_dir,
            self.cases.iter().filter(|c| c.by_value).count(),
            join(self.opt_levels.iter().map(|o| o.to_string()), ", "),
            self.opt_levels[0],
        );
        let _ = writeln!(s, "## Summary\n");
        let mut summary = Table::new([
            "toolchain".to_string(),
            format!("geomean size/{b} (by-value cases)"),
            format!("cases smaller / equal / larger than {b}"),
            format!("cases within {NEAR_IDEAL}x ideal"),
            "sizes equal across opt levels".to_string(),
            format!("outputs equal to {b}"),
        ])
        .numeric_from(1)
        .align(4, Align::Left)
        .align(5, Align::Left);
        for r in &self.results {
            summary.row([
                r.toolchain.clone(),
                r.by_value_geomean.map(|g| format!("{g:.3}")).unwrap_or("-".into()),
                r.rows.as_deref().map(smaller_equal_larger).unwrap_or("-".into()),
                format!("{} / {}", r.near_ideal, self.cases.len()),
                match self.opt_levels.len() {
                    1 => "- (one opt level)",
                    _ => yes_no(r.opt_level_size_mismatches.is_empty() && r.failures.is_empty()),
                }
                .to_string(),
                yes_no(r.differences.is_empty() && r.failures.is_empty()).to_string(),
            ]);
        }
        s.push_str(&summary.render());
        s.push('\n');
        s.push_str(&self.issue_criteria());
        s.push_str(&self.side_by_side());
        for r in &self.results {
            let _ = writeln!(
                s,
                "## {}\n\n{} at opt-level {}.\n",
                r.toolchain, r.describe, r.opt_level
            );
            for f in &r.failures {
                let _ = writeln!(s, "- build failure: {f}");
            }
            if let Some(rows) = &r.rows {
                let mut t = Table::new([
                    "case".to_string(),
                    "by-value".into(),
                    "size".into(),
                    "ideal".into(),
                    "size/ideal".into(),
                    format!("size/{b}"),
                ])
                .numeric_from(2);
                for row in rows {
                    t.row([
                        row.case.clone(),
                        (if row.by_value { "yes" } else { "no" }).to_string(),
                        row.size.map(|x| x.to_string()).unwrap_or("-".into()),
                        row.ideal.to_string(),
                        ratio(row.to_ideal()),
                        ratio(row.to_baseline()),
                    ]);
                }
                s.push_str(&t.render());
                s.push('\n');
                let _ = writeln!(
                    s,
                    "Geometric mean of size/{b} over the {} by-value cases: {}.\n",
                    r.by_value_cases,
                    ratio(r.by_value_geomean)
                );
            }
            for (label, list) in [
                (format!("Larger than {b}"), &r.grown),
                (
                    "Smaller than the stated ideal (check the ideal)".to_string(),
                    &r.below_ideal,
                ),
                (
                    "Size differs between opt levels".to_string(),
                    &r.opt_level_size_mismatches,
                ),
            ] {
                if !list.is_empty() {
                    let _ = writeln!(s, "- {label}: {}", list.join(", "));
                }
            }
            for (opt, d) in &r.differences {
                let _ = writeln!(
                    s,
                    "- output differs from {b} at opt-level {opt}: `{}` line {}: expected `{}`, got `{}`",
                    d.case,
                    d.line,
                    d.expected.as_deref().unwrap_or("(end)"),
                    d.actual.as_deref().unwrap_or("(end)")
                );
            }
            s.push('\n');
        }
        let _ = writeln!(s, "## Ideal sizes\n");
        let mut t = Table::new(["case", "by-value", "ideal", "why"]).align(2, Align::Right);
        for c in &self.cases {
            t.row([
                c.name.clone(),
                (if c.by_value { "yes" } else { "no" }).to_string(),
                c.ideal.to_string(),
                c.reason.clone(),
            ]);
        }
        s.push_str(&t.render());
        let _ = writeln!(s, "\n## Toolchains\n");
        for t in &e.toolchains {
            let _ = writeln!(s, "- `{}`: {} ({})", t.name, t.describe(), t.rustc.display());
        }
        for u in &e.unavailable_toolchains {
            let _ = writeln!(s, "- unavailable: {u}");
        }
        s
    }
}

impl Report {
    /// The "done when" of issue 5 that sizes can answer, per toolchain other than the baseline:
    /// its two examples within 1.05x ideal, depth 8 against depth 1, the geometric mean at or
    /// below 0.55, no case grown, identical outputs. Looked up by case name; a corpus without
    /// those cases shows `-`.
    fn issue_criteria(&self) -> String {
        let mut s = String::new();
        let ideal = |name: &str| self.cases.iter().find(|c| c.name == name).map(|c| c.ideal);
        let depth_gap = match (ideal("chain_depth_8"), ideal("chain_depth_1")) {
            (Some(a), Some(b)) => format!("{}", a as i64 - b as i64),
            _ => "-".into(),
        };
        let _ = writeln!(s, "## Issue 5 criteria\n");
        let mut t = Table::new([
            "toolchain".to_string(),
            format!("issue_leaf size/ideal (<= {NEAR_IDEAL})"),
            format!("issue_mid size/ideal (<= {NEAR_IDEAL})"),
            format!("chain_depth_8 - chain_depth_1 in bytes (ideal {depth_gap})"),
            format!("geomean <= {GEOMEAN_TARGET}"),
            "no case grows".into(),
            "same outputs".into(),
        ])
        .numeric_from(1)
        .align(4, Align::Left)
        .align(5, Align::Left)
        .align(6, Align::Left);
        for r in self.results.iter().filter(|r| r.toolchain != self.baseline) {
            let Some(rows) = &r.rows else { continue };
            let row = |name: &str| rows.iter().find(|x| x.case == name);
            let to_ideal = |name: &str| ratio(row(name).and_then(Row::to_ideal));
            let gap = match (
                row("chain_depth_8").and_then(|x| x.size),
                row("chain_depth_1").and_then(|x| x.size),
            ) {
                (Some(a), Some(b)) => (a as i64 - b as i64).to_string(),
                _ => "-".into(),
            };
            t.row([
                r.toolchain.clone(),
                to_ideal("issue_leaf"),
                to_ideal("issue_mid"),
                gap,
                r.by_value_geomean
                    .map(|g| yes_no(g <= GEOMEAN_TARGET))
                    .unwrap_or("-")
                    .to_string(),
                yes_no(r.grown.is_empty()).to_string(),
                yes_no(r.differences.is_empty() && r.failures.is_empty()).to_string(),
            ]);
        }
        s.push_str(&t.render());
        s.push('\n');
        s
    }
}

impl Report {
    /// Every toolchain's size per case in one table, for reading the effect of a patch at a glance.
    fn side_by_side(&self) -> String {
        let mut s = String::from("## Sizes side by side (bytes)\n\n");
        let header = ["case", "by-value", "ideal"]
            .into_iter()
            .chain(self.results.iter().map(|r| r.toolchain.as_str()));
        let mut t = Table::new(header).numeric_from(2);
        for (i, c) in self.cases.iter().enumerate() {
            let sizes = self.results.iter().map(|r| {
                let size = r.rows.as_ref().and_then(|rows| rows.get(i)).and_then(|row| row.size);
                size.map(|x| x.to_string()).unwrap_or("-".into())
            });
            t.row(
                [
                    c.name.clone(),
                    (if c.by_value { "yes" } else { "no" }).to_string(),
                    c.ideal.to_string(),
                ]
                .into_iter()
                .chain(sizes),
            );
        }
        s.push_str(&t.render());
        s.push('\n');
        s
    }
}

/// `smaller / equal / larger` counts against the baseline: the A/B of a switch is exact when the
/// first and last are 0.
fn smaller_equal_larger(rows: &[Row]) -> String {
    let count = |o: std::cmp::Ordering| {
        rows.iter()
            .filter(|r| matches!((r.size, r.baseline), (Some(s), Some(b)) if s.cmp(&b) == o))
            .count()
    };
    use std::cmp::Ordering::*;
    format!("{} / {} / {}", count(Less), count(Equal), count(Greater))
}

fn ratio(r: Option<f64>) -> String {
    r.map(|x| format!("{x:.3}")).unwrap_or("-".into())
}

fn yes_no(b: bool) -> &'static str {
    if b {
        "yes"
    } else {
        "**no**"
    }
}

fn join(items: impl Iterator<Item = String>, sep: &str) -> String {
    items.collect::<Vec<_>>().join(sep)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::parse;
    use crate::transcript::Transcript;
    use harness::toolchain::VersionInfo;
    use harness::ToolchainInfo;

    fn toolchain(name: &str) -> ToolchainInfo {
        ToolchainInfo {
            name: name.into(),
            rustc: format!("/fake/{name}/rustc").into(),
            sysroot: format!("/fake/{name}").into(),
            version: VersionInfo::parse("rustc 1.95.0\nhost: x86_64-unknown-linux-gnu\nrelease: 1.95.0\n").unwrap(),
            targets_with_core: Vec::new(),
            fork: None,
            flags: Vec::new(),
            rust_src: false,
            build_std: false,
        }
    }

    fn build(tc: &str, opt_level: u8, stdout: Option<&str>) -> Build {
        Build {
            toolchain: tc.into(),
            opt_level,
            rustc_flags: vec![],
            outcome: if stdout.is_some() {
                "ok".into()
            } else {
                "build failed: compile error: error[E0308]".into()
            },
            compile_secs: 0.5,
            transcript: stdout.map(|s| Transcript::parse(s).unwrap()),
        }
    }

    fn cases() -> Vec<Case> {
        ["issue_leaf", "issue_mid"]
            .iter()
            .zip([1026, 1027])
            .map(|(name, ideal)| {
                let text =
                    format!("//@ ideal: {ideal}\n//@ reason: see the issue\n//@ by-value: yes\n//@ future: f()\n");
                parse(name, &text).unwrap()
            })
            .collect()
    }

    const STABLE: &str =
        "size issue_leaf 2050\nout issue_leaf complete ready 1\nsize issue_mid 3075\nout issue_mid complete ready 2\n";

    #[test]
    fn tables_ratios_and_criteria() {
        let fork = "size issue_leaf 1026\nout issue_leaf complete ready 1\nsize issue_mid 1027\nout issue_mid complete ready 2\n";
        let builds = vec![
            build("stable", 0, Some(STABLE)),
            build("stable", 3, Some(STABLE)),
            build("fork", 0, Some(fork)),
            build("fork", 3, Some(fork)),
        ];
        let envelope = Envelope::new(
            SCHEMA,
            "test".into(),
            vec![toolchain("stable"), toolchain("fork")],
            vec![],
        );
        let r = Report::new(envelope, "stable", vec![0, 3], "cases".into(), cases(), builds);
        assert!(r.all_consistent());
        let fork = &r.results[1];
        let expected = ((1026.0 / 2050.0) * (1027.0_f64 / 3075.0)).sqrt();
        assert!((fork.by_value_geomean.unwrap() - expected).abs() < 1e-12);
        assert_eq!(fork.near_ideal, 2);
        let md = r.markdown();
        assert!(
            md.contains("| issue_leaf | yes | 1026 | 1026 | 1.000 | 0.500 |"),
            "{md}"
        );
        assert!(md.contains("| fork | 1.000 | 1.000 | - | yes | yes | yes |"), "{md}");
        assert!(md.contains("| fork | 0.409 | 2 / 0 / 0 | 2 / 2 |"), "{md}");
        assert!(md.contains("| issue_mid | yes | 1027 | 3075 | 1027 |"), "{md}");
        assert_eq!(r.sizes_unlike_baseline("stable"), Ok(vec![]));
        assert_eq!(
            r.sizes_unlike_baseline("fork"),
            Ok(vec![
                "issue_leaf: Some(1026) vs Some(2050)".to_string(),
                "issue_mid: Some(1027) vs Some(3075)".to_string()
            ])
        );
        assert!(r.sizes_unlike_baseline("nightly").is_err());
        assert_eq!(r.sizes_larger_than("fork", "stable"), Ok(vec![]));
        assert_eq!(
            r.sizes_larger_than("stable", "fork"),
            Ok(vec![
                "issue_leaf: Some(2050) vs Some(1026)".to_string(),
                "issue_mid: Some(3075) vs Some(1027)".to_string()
            ])
        );
        assert!(r.sizes_larger_than("fork", "nightly").is_err());
        let json = serde_json::to_value(&r).unwrap();
        assert_eq!(json["schema"], SCHEMA);
        assert_eq!(json["builds"][2]["sizes"]["issue_mid"], 1027);
        assert_eq!(json["baseline_outputs"]["issue_leaf"][0], "complete ready 1");
    }

    #[test]
    fn differences_failures_and_opt_level_dependence_are_reported() {
        let fork_o0 = "size issue_leaf 1026\nout issue_leaf complete ready 1\nsize issue_mid 1027\nout issue_mid complete ready 3\n";
        let fork_o3 = fork_o0.replace("issue_leaf 1026", "issue_leaf 1030");
        let builds = vec![
            build("stable", 0, Some(STABLE)),
            build("fork", 0, Some(fork_o0)),
            build("fork", 3, Some(&fork_o3)),
            build("broken", 0, None),
        ];
        let tcs = vec![toolchain("stable"), toolchain("fork"), toolchain("broken")];
        let envelope = Envelope::new(SCHEMA, "test".into(), tcs, vec![]);
        let r = Report::new(envelope, "stable", vec![0, 3], "cases".into(), cases(), builds);
        assert!(!r.all_consistent());
        let fork = &r.results[1];
        assert_eq!(fork.opt_level_size_mismatches, vec!["issue_leaf"]);
        assert_eq!(
            fork.differences.len(),
            2,
            "the differing case at both opt levels: {:?}",
            fork.differences
        );
        assert_eq!(fork.differences[0].1.case, "issue_mid");
        assert!(r.results[2].rows.is_none());
        assert_eq!(
            r.results[2].failures,
            vec!["O0: build failed: compile error: error[E0308]"]
        );
        let md = r.markdown();
        assert!(
            md.contains("output differs from stable at opt-level 0: `issue_mid`"),
            "{md}"
        );
        assert!(md.contains("Size differs between opt levels: issue_leaf"), "{md}");
    }
}
