//! `bench compare RUN_A RUN_B`: the change of every case measured in both runs.
//!
//! Significance rule (documented in benches/README.md):
//! - instructions, every scenario: significant when |Δ| >= 0.5%. Callgrind counts of the same
//!   toolchain and workload reproduced within 0.19% across two runs in different directories here
//!   (results/reproducibility: 36 cases, `full` and `incr-unchanged`, stable and nightly), and
//!   within 0.27% between the reference run and a fresh clone's, so the bar is above the noise.
//!   Runs made before the collector remapped the build directory (`execute::capture`) carry
//!   path-dependent hashes and differ by up to 1.5% in `incr-unchanged`; do not compare across
//!   that change.
//! - wall and CPU time: significant when |Δ| >= max(5%, 2 x noise), where noise is the larger of the
//!   two runs' relative spreads (max - min) / median over their repetitions. With one repetition the
//!   noise is unknown and only the 5% floor applies.
//!
//! Cases are matched by toolchain name, workload, profile and scenario; Δ compares minima for
//! instructions and medians for time.

use super::stats::{self, Metric};
use crate::results::{Case, ResultsFile, Status};
use harness::report::Table;
use std::fmt::Write as _;

pub const INSTRUCTIONS_THRESHOLD: f64 = 0.005;
pub const TIME_FLOOR: f64 = 0.05;

#[derive(Clone, Debug, PartialEq)]
pub struct Change {
    pub key: String,
    pub metric: Metric,
    pub a: f64,
    pub b: f64,
    /// (b - a) / a.
    pub delta: f64,
    pub threshold: f64,
}

impl Change {
    pub fn significant(&self) -> bool {
        self.delta.abs() >= self.threshold
    }
}

/// The threshold for a metric given both cases' samples.
pub fn threshold(metric: Metric, a: &[f64], b: &[f64]) -> f64 {
    match metric {
        Metric::Instructions => INSTRUCTIONS_THRESHOLD,
        _ => {
            let noise = stats::spread(a).unwrap_or(0.0).max(stats::spread(b).unwrap_or(0.0));
            TIME_FLOOR.max(2.0 * noise)
        }
    }
}

fn value(metric: Metric, samples: &[f64]) -> Option<f64> {
    match metric {
        Metric::Instructions => stats::min(samples),
        _ => stats::median(samples),
    }
}

pub fn changes(a: &ResultsFile, b: &ResultsFile) -> Vec<Change> {
    let mut out = Vec::new();
    for ca in a.cases.iter().filter(|c| c.status == Status::Measured) {
        let Some(cb) = b
            .cases
            .iter()
            .find(|c| c.key() == ca.key() && c.status == Status::Measured)
        else {
            continue;
        };
        for metric in [Metric::Instructions, Metric::Wall, Metric::Cpu] {
            if let Some(ch) = change(ca, cb, metric) {
                out.push(ch);
            }
        }
    }
    out
}

fn change(ca: &Case, cb: &Case, metric: Metric) -> Option<Change> {
    let (sa, sb) = (metric.samples(ca), metric.samples(cb));
    let (va, vb) = (value(metric, &sa)?, value(metric, &sb)?);
    if va <= 0.0 {
        return None;
    }
    Some(Change {
        key: format!("{} / {} / {} / {}", ca.toolchain, ca.workload, ca.profile, ca.scenario),
        metric,
        a: va,
        b: vb,
        delta: (vb - va) / va,
        threshold: threshold(metric, &sa, &sb),
    })
}

pub fn render(a_name: &str, b_name: &str, a: &ResultsFile, b: &ResultsFile) -> String {
    let all = changes(a, b);
    let mut s = String::new();
    let _ = writeln!(
        s,
        "Comparing A = {a_name} ({}) with B = {b_name} ({})",
        a.envelope.date, b.envelope.date
    );
    if a.run.collector_version != b.run.collector_version {
        let _ = writeln!(
            s,
            "Note: the runs were made by different collector versions ({} and {}); a change of how cases are run\n\
             (see the collector's changelog in benches/README.md) moves counts by itself.",
            a.run.collector_version, b.run.collector_version
        );
    }
    let _ = writeln!(
        s,
        "Significant: instructions |Δ| >= {:.1}%; time |Δ| >= max({:.0}%, 2 x spread of the repetitions).\n",
        INSTRUCTIONS_THRESHOLD * 100.0,
        TIME_FLOOR * 100.0
    );
    let mut t = Table::new(["case", "metric", "A", "B", "Δ", "significant"]);
    for c in &all {
        t.row([
            c.key.to_string(),
            c.metric.label().to_string(),
            c.metric.format(c.a),
            c.metric.format(c.b),
            format!("{:+.2}%", c.delta * 100.0),
            (if c.significant() { "**yes**" } else { "no" }).to_string(),
        ]);
    }
    s.push_str(&t.render());
    let sig = all.iter().filter(|c| c.significant()).count();
    let _ = writeln!(s, "\n{} comparisons, {sig} significant.", all.len());
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::benchmark::{Profile, Scenario};
    use crate::results::tests::empty;

    #[test]
    fn significance_rule() {
        let mut a = empty(&[("stable", "1.95.0")]);
        let mut b = a.clone();
        let set = |f: &mut ResultsFile, w: &str, instr: u64, wall: Vec<f64>| {
            let c = f.case_or_insert("stable", w, Profile::Check, Scenario::Full);
            c.instructions = vec![instr];
            c.wall_s = wall;
            c.status = Status::Measured;
        };
        set(&mut a, "same", 1_000_000, vec![1.0, 1.0, 1.0]);
        set(&mut b, "same", 1_004_000, vec![1.02, 1.03, 1.01]); // +0.4%, +2%: noise
        set(&mut a, "worse", 1_000_000, vec![1.0, 1.0, 1.0]);
        set(&mut b, "worse", 1_200_000, vec![1.2, 1.2, 1.2]); // +20%
        set(&mut a, "noisy", 1_000_000, vec![0.5, 1.0, 1.5]); // spread 100%
        set(&mut b, "noisy", 1_000_000, vec![1.5, 1.5, 1.5]); // +50% < 2 x 100%
        for (f, n) in [(&mut a, 1_000_000u64), (&mut b, 1_004_000)] {
            let c = f.case_or_insert("stable", "incr", Profile::Check, Scenario::IncrUnchanged);
            c.instructions = vec![n]; // +0.4%: below the bar
            c.status = Status::Measured;
        }
        let ch = changes(&a, &b);
        let get = |w: &str, m: Metric| ch.iter().find(|c| c.key.contains(w) && c.metric == m).unwrap().clone();
        assert!(!get("same", Metric::Instructions).significant());
        assert!(!get("same", Metric::Wall).significant());
        let worse = get("worse", Metric::Instructions);
        assert!(worse.significant());
        assert!((worse.delta - 0.2).abs() < 1e-12);
        assert!(get("worse", Metric::Wall).significant());
        assert!(!get("noisy", Metric::Wall).significant());
        assert!(!get("incr", Metric::Instructions).significant());
        assert_eq!(get("incr", Metric::Instructions).threshold, 0.005);
        assert_eq!(get("noisy", Metric::Wall).threshold, 2.0);
        let table = render("A", "B", &a, &b);
        assert!(
            table.contains("| stable / worse / check / full | instructions | 1.00 M | 1.20 M | +20.00% | **yes** |"),
            "{table}"
        );
    }
}
