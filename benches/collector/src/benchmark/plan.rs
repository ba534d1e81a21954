//! Which cases a run measures, and in which order.
//!
//! A *build* is one toolchain x workload x profile: one captured leaf rustc invocation. Each build
//! is measured in one or more scenarios. Hand-written workloads get every selected profile and
//! scenario; generated (scaling) workloads get the sweep profiles in the `full` scenario only, since
//! their point is the shape of the curve, not the incremental cache.
//!
//! Order matters for time, not for instructions: wall and CPU time drift with the machine's load, so
//! the time phase interleaves toolchains inside every repetition (rep 1: A, B, C; rep 2: A, B, C...)
//! and drift hits them alike. Instruction counts from callgrind do not depend on load, so the
//! instruction phase runs whole builds in parallel.

use super::{Profile, Scenario, Workload};

/// The profiles and scenarios chosen on the command line.
#[derive(Clone, Debug)]
pub struct Selection {
    pub profiles: Vec<Profile>,
    pub scenarios: Vec<Scenario>,
    pub sweep_profiles: Vec<Profile>,
}

/// One toolchain x workload x profile, with the scenarios it is measured in.
#[derive(Clone, Debug, PartialEq)]
pub struct Build {
    pub toolchain: usize,
    pub workload: usize,
    pub profile: Profile,
    pub scenarios: Vec<Scenario>,
}

/// Every build, ordered workload, profile, toolchain (so toolchains are adjacent).
pub fn builds(toolchains: usize, workloads: &[Workload], sel: &Selection) -> Vec<Build> {
    let mut out = Vec::new();
    for (w, workload) in workloads.iter().enumerate() {
        let (profiles, scenarios) = match workload.spec() {
            Some(_) => (&sel.sweep_profiles, vec![Scenario::Full]),
            None => (&sel.profiles, sel.scenarios.clone()),
        };
        for &profile in profiles {
            for t in 0..toolchains {
                out.push(Build {
                    toolchain: t,
                    workload: w,
                    profile,
                    scenarios: scenarios.clone(),
                });
            }
        }
    }
    out
}

/// One timed run: repetition, index into the builds, scenario.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TimedRun {
    pub rep: usize,
    pub build: usize,
    pub scenario: Scenario,
}

/// The time phase's order: per repetition, per workload and profile, per scenario, all toolchains.
pub fn time_order(builds: &[Build], reps: usize) -> Vec<TimedRun> {
    let mut out = Vec::new();
    for rep in 0..reps {
        let mut start = 0;
        while start < builds.len() {
            let key = (builds[start].workload, builds[start].profile);
            let end = (start..builds.len())
                .find(|&i| (builds[i].workload, builds[i].profile) != key)
                .unwrap_or(builds.len());
            for &scenario in &builds[start].scenarios {
                for build in start..end {
                    out.push(TimedRun { rep, build, scenario });
                }
            }
            start = end;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use workload_gen::{Family, Spec};

    fn sel() -> Selection {
        Selection {
            profiles: vec![Profile::Check, Profile::Opt],
            scenarios: vec![Scenario::Full, Scenario::IncrUnchanged],
            sweep_profiles: vec![Profile::Debug],
        }
    }

    #[test]
    fn generated_workloads_use_the_sweep_profile_and_full_only() {
        let w = vec![Workload::generated(Spec::sized(Family::Chain, 4))];
        let b = builds(2, &w, &sel());
        assert_eq!(b.len(), 2);
        assert!(b
            .iter()
            .all(|b| b.profile == Profile::Debug && b.scenarios == vec![Scenario::Full]));
    }

    #[test]
    fn toolchains_interleave_within_each_repetition() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../workloads/await-call-tree");
        let w = vec![Workload::from_dir(&dir).unwrap()];
        let b = builds(3, &w, &sel());
        assert_eq!(b.len(), 6);
        let order = time_order(&b, 2);
        assert_eq!(order.len(), 2 * 2 * 2 * 3);
        // First: rep 0, check, full, toolchains 0, 1, 2.
        let tcs: Vec<_> = order[..3].iter().map(|r| b[r.build].toolchain).collect();
        assert_eq!(tcs, vec![0, 1, 2]);
        assert!(order[..3].iter().all(|r| r.scenario == Scenario::Full && r.rep == 0));
        assert_eq!(order[3].scenario, Scenario::IncrUnchanged);
        // Repetition 1 starts only after everything of repetition 0.
        let first_rep1 = order.iter().position(|r| r.rep == 1).unwrap();
        assert_eq!(first_rep1, 12);
        assert!(order[first_rep1..].iter().all(|r| r.rep == 1));
    }
}
