//! The order of a build-time run's builds.
//!
//! Every repetition builds every application with every toolchain, so a slow drift of the
//! machine's speed (another job starting, thermal limits) spreads over all toolchains instead of
//! landing on the ones measured last. Every other repetition visits the toolchains in reverse
//! (A B, B A, A B, ...), so within each pair of repetitions each toolchain is as often early as
//! late.

use crate::plan::{CoreClass, Step};
use harness::toolchain::CoreProvision;

/// One timed build: indexes into the run's toolchains and applications.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Job {
    /// Counted from 1.
    pub rep: u32,
    pub toolchain: usize,
    pub class: CoreClass,
    pub app: usize,
    pub provision: CoreProvision,
}

/// The toolchains (indexes of `0..toolchains`) in the order repetition `rep` (from 1) visits
/// them: forward on odd repetitions, reversed on even ones.
pub fn toolchain_order(toolchains: usize, rep: u32) -> Vec<usize> {
    match rep % 2 {
        1 => (0..toolchains).collect(),
        _ => (0..toolchains).rev().collect(),
    }
}

/// Every build of `reps` repetitions of `steps` (one pass of the plan, see
/// [`crate::plan::plan`]): per repetition, the toolchains in [`toolchain_order`], per toolchain
/// its steps in plan order (class, then application). Steps whose core cannot be provided are
/// not builds; the caller reports them as skipped.
pub fn schedule(steps: &[Step], toolchains: usize, reps: u32) -> Vec<Job> {
    let mut jobs = Vec::new();
    for rep in 1..=reps {
        for t in toolchain_order(toolchains, rep) {
            for step in steps.iter().filter(|s| s.toolchain == t) {
                if let Ok(provision) = step.provision {
                    jobs.push(Job {
                        rep,
                        toolchain: t,
                        class: step.class,
                        app: step.app,
                        provision,
                    });
                }
            }
        }
    }
    jobs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(toolchain: usize, app: usize, provision: Result<CoreProvision, String>) -> Step {
        Step {
            toolchain,
            class: CoreClass::Prebuilt,
            app,
            provision,
        }
    }

    #[test]
    fn every_rep_visits_every_toolchain_in_alternating_order() {
        assert_eq!(toolchain_order(3, 1), [0, 1, 2]);
        assert_eq!(toolchain_order(3, 2), [2, 1, 0]);
        assert_eq!(toolchain_order(3, 3), [0, 1, 2]);
        let ok = || Ok(CoreProvision::RustStd);
        // Two toolchains x two applications, plus a third toolchain without a core.
        let steps = [
            step(0, 0, ok()),
            step(0, 1, ok()),
            step(1, 0, ok()),
            step(1, 1, ok()),
            step(2, 0, Err("no core".into())),
            step(2, 1, Err("no core".into())),
        ];
        let jobs = schedule(&steps, 3, 3);
        let order: Vec<(u32, usize, usize)> = jobs.iter().map(|j| (j.rep, j.toolchain, j.app)).collect();
        assert_eq!(
            order,
            [
                (1, 0, 0),
                (1, 0, 1),
                (1, 1, 0),
                (1, 1, 1),
                (2, 1, 0),
                (2, 1, 1),
                (2, 0, 0),
                (2, 0, 1),
                (3, 0, 0),
                (3, 0, 1),
                (3, 1, 0),
                (3, 1, 1),
            ]
        );
        assert!(jobs.iter().all(|j| j.provision == CoreProvision::RustStd));
        assert!(schedule(&steps, 3, 0).is_empty());
    }
}
