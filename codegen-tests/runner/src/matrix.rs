//! The matrix: every test revision on every toolchain, restricted to the chosen targets.

use crate::case::{revision_target, CaseResult, CaseRunner};
use crate::directives::TestFile;
use harness::{Target, ToolchainInfo};
use std::process::Command;

/// Run all cases. `targets` empty means every target the tests name.
pub fn run_matrix(
    runner: &CaseRunner<'_>,
    tests: &[TestFile],
    toolchains: &[ToolchainInfo],
    targets: &[Target],
    mut progress: impl FnMut(&CaseResult, usize, usize),
) -> Vec<CaseResult> {
    let cases: Vec<_> = tests
        .iter()
        .flat_map(|t| t.revisions.iter().map(move |r| (t, r)))
        .filter(|(_, r)| targets.is_empty() || targets.contains(&revision_target(r)))
        .collect();
    let total = cases.len() * toolchains.len();
    let mut results = Vec::with_capacity(total);
    for tc in toolchains {
        let known = known_targets(tc);
        for (test, rev) in &cases {
            let r = runner.run(test, rev, tc, &known);
            results.push(r);
            progress(results.last().unwrap(), results.len(), total);
        }
    }
    results
}

/// `rustc --print target-list`: the targets this toolchain's LLVM can generate code for.
fn known_targets(tc: &ToolchainInfo) -> Vec<String> {
    Command::new(&tc.rustc)
        .args(["--print", "target-list"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).lines().map(String::from).collect())
        .unwrap_or_default()
}
