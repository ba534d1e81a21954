//! Setting two toolchains' steps of the same crate and profile side by side.
//!
//! A test is identified by its binary's label and its name. Against the baseline (the first
//! toolchain, 1.95.0 by default) each test of another toolchain falls in one class:
//!
//! - **regression**: not failing on the baseline (passed there, or not there at all) and failing
//!   on the other toolchain, or passed on the baseline and missing on the other although its
//!   step ran to the end (its binary did not build, or crashed before reaching it). This is what
//!   counts against the fork.
//! - **failing on both**: a failure the baseline has too: the crate's or the machine's, reported
//!   as such, not as a regression.
//! - **fixed**: failing on the baseline, passing on the other.
//! - **not run**: passed on the baseline, missing on the other because its step stopped early
//!   (time budget, Ctrl-C); neither a pass nor a regression, listed so it is seen.
//!
//! Ignored tests are counted and compared like any status, but an ignored test is never a
//! regression.

use crate::libtest::{Counts, Status};
use crate::run::{Profile, Step, StepStatus};
use serde::{Deserialize, Serialize};

/// One test in a comparison.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct TestDiff {
    pub binary: String,
    pub test: String,
    pub baseline: Option<Status>,
    pub other: Option<Status>,
}

impl TestDiff {
    pub fn id(&self) -> String {
        format!("{} {}", self.binary, self.test)
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Comparison {
    #[serde(rename = "crate")]
    pub krate: String,
    pub profile: Profile,
    pub baseline: String,
    pub other: String,
    pub baseline_counts: Counts,
    pub other_counts: Counts,
    pub regressions: Vec<TestDiff>,
    pub failing_on_both: Vec<TestDiff>,
    pub fixed: Vec<TestDiff>,
    pub not_run: Vec<TestDiff>,
    /// Both steps ran to the end.
    pub complete: bool,
}

impl Comparison {
    /// One line for tables: `same`, or what differs.
    pub fn verdict(&self) -> String {
        let mut parts = Vec::new();
        if !self.regressions.is_empty() {
            parts.push(format!("{} REGRESSION(S)", self.regressions.len()));
        }
        if !self.failing_on_both.is_empty() {
            parts.push(format!("{} failing on both", self.failing_on_both.len()));
        }
        if !self.fixed.is_empty() {
            parts.push(format!("{} fixed", self.fixed.len()));
        }
        if !self.not_run.is_empty() {
            parts.push(format!("{} not run", self.not_run.len()));
        }
        if parts.is_empty() {
            "same".into()
        } else {
            parts.join(", ")
        }
    }
}

/// Compare `other` with `baseline` (same crate and profile).
pub fn compare(baseline: &Step, other: &Step) -> Comparison {
    let (a, b) = (baseline.all_tests(), other.all_tests());
    let other_finished = matches!(other.status, StepStatus::Complete | StepStatus::BuildFailed { .. });
    let mut c = Comparison {
        krate: baseline.krate.clone(),
        profile: baseline.profile,
        baseline: baseline.toolchain.clone(),
        other: other.toolchain.clone(),
        baseline_counts: baseline.counts,
        other_counts: other.counts,
        regressions: Vec::new(),
        failing_on_both: Vec::new(),
        fixed: Vec::new(),
        not_run: Vec::new(),
        complete: baseline.status == StepStatus::Complete && other.status == StepStatus::Complete,
    };
    let keys: std::collections::BTreeSet<&(String, String)> = a.keys().chain(b.keys()).collect();
    for key in keys {
        let d = TestDiff {
            binary: key.0.clone(),
            test: key.1.clone(),
            baseline: a.get(key).copied(),
            other: b.get(key).copied(),
        };
        match (d.baseline, d.other) {
            (Some(Status::Failed), Some(Status::Failed)) => c.failing_on_both.push(d),
            (Some(Status::Failed), Some(Status::Passed)) => c.fixed.push(d),
            (_, Some(Status::Failed)) => c.regressions.push(d),
            (Some(Status::Passed), None) if other_finished => c.regressions.push(d),
            (Some(Status::Passed), None) => c.not_run.push(d),
            _ => {}
        }
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::Binary;
    use std::collections::BTreeMap;

    fn step(toolchain: &str, status: StepStatus, tests: &[(&str, &str, Status)]) -> Step {
        let mut binaries: BTreeMap<String, Binary> = BTreeMap::new();
        for (bin, name, s) in tests {
            let b = binaries.entry(bin.to_string()).or_insert_with(|| Binary {
                label: bin.to_string(),
                command: String::new(),
                executable: None,
                outcome: "ok".into(),
                counts: Counts::default(),
                secs: 0.0,
                tests: BTreeMap::new(),
            });
            b.tests.insert(name.to_string(), *s);
        }
        Step {
            krate: "c".into(),
            version: "1.0.0".into(),
            toolchain: toolchain.into(),
            toolchain_id: toolchain.into(),
            profile: Profile::Debug,
            status,
            build_secs: 0.0,
            build_command: String::new(),
            binaries: binaries.into_values().collect(),
            counts: Counts::default(),
            secs: 0.0,
            toolchain_vanished: false,
        }
    }

    use Status::*;

    #[test]
    fn classes() {
        let base = step(
            "1.95.0",
            StepStatus::Complete,
            &[
                ("lib", "same_pass", Passed),
                ("lib", "breaks", Passed),
                ("lib", "flaky_on_both", Failed),
                ("lib", "fixed", Failed),
                ("lib", "ignored", Ignored),
                ("test:t", "vanishes", Passed),
                ("test:t", "ignored_goes", Ignored),
            ],
        );
        let fork = step(
            "async-fork",
            StepStatus::Complete,
            &[
                ("lib", "same_pass", Passed),
                ("lib", "breaks", Failed),
                ("lib", "flaky_on_both", Failed),
                ("lib", "fixed", Passed),
                ("lib", "ignored", Ignored),
                ("lib", "<lib crashed: killed by signal 11>", Failed),
            ],
        );
        let c = compare(&base, &fork);
        let ids = |v: &[TestDiff]| v.iter().map(|d| d.id()).collect::<Vec<_>>();
        assert_eq!(
            ids(&c.regressions),
            [
                "lib <lib crashed: killed by signal 11>",
                "lib breaks",
                "test:t vanishes"
            ]
        );
        assert_eq!(ids(&c.failing_on_both), ["lib flaky_on_both"]);
        assert_eq!(ids(&c.fixed), ["lib fixed"]);
        assert!(c.not_run.is_empty());
        assert!(c.complete);
        assert_eq!(c.verdict(), "3 REGRESSION(S), 1 failing on both, 1 fixed");
    }

    #[test]
    fn a_step_cut_short_leaves_tests_not_run_not_regressed() {
        let base = step("a", StepStatus::Complete, &[("lib", "x", Passed), ("lib", "y", Passed)]);
        let cut = step(
            "b",
            StepStatus::TimedOut {
                during: "before lib".into(),
            },
            &[("lib", "x", Passed)],
        );
        let c = compare(&base, &cut);
        assert!(c.regressions.is_empty());
        assert_eq!(c.not_run.len(), 1);
        assert!(!c.complete);
        assert_eq!(c.verdict(), "1 not run");
        // A build failure is not an excuse: what did not build regressed.
        let broken = step(
            "b",
            StepStatus::BuildFailed {
                first_error: "error".into(),
            },
            &[("lib", "x", Passed)],
        );
        assert_eq!(compare(&base, &broken).regressions.len(), 1);
    }

    #[test]
    fn identical_steps_are_the_same() {
        let s = step(
            "a",
            StepStatus::Complete,
            &[("lib", "x", Passed), ("doc", "src/lib.rs - f (line 3)", Ignored)],
        );
        assert_eq!(compare(&s, &s).verdict(), "same");
    }
}
