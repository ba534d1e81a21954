//! Toolchains for a run: the default set (the harness's), or the release sweep of `--history`,
//! installed through rustup where possible. Anything that cannot be installed is reported and left
//! to the run, which lists it as unavailable and goes on.

use harness::Toolchain;
use std::process::Command;

/// The released versions of the history sweep: before and after the 1.43 fix of await-call-tree,
/// the first with async in no_std (1.44), then every ~10 releases, and the current ones.
pub const HISTORY: &[&str] = &[
    "1.42.0", "1.43.0", "1.44.0", "1.50.0", "1.60.0", "1.70.0", "1.80.0", "1.85.0", "1.90.0", "stable", "nightly",
];

/// The history sweep, plus the fork when it is linked.
pub fn history() -> Vec<Toolchain> {
    let mut v: Vec<Toolchain> = HISTORY.iter().map(|n| Toolchain::Rustup(n.to_string())).collect();
    if harness::toolchain::installed_rustup_toolchains()
        .iter()
        .any(|n| n == harness::toolchain::FORK_TOOLCHAIN)
    {
        v.push(Toolchain::Rustup(harness::toolchain::FORK_TOOLCHAIN.into()));
    }
    v
}

/// Install missing rustup toolchains (minimal profile) and the embedded targets for them.
/// Failures are printed, not fatal.
pub fn install(toolchains: &[Toolchain]) {
    let installed = harness::toolchain::installed_rustup_toolchains();
    for t in toolchains {
        let Toolchain::Rustup(name) = t else { continue };
        if name == harness::toolchain::FORK_TOOLCHAIN {
            continue;
        }
        if !installed.iter().any(|i| i == name) {
            eprintln!("bench: rustup toolchain install {name} --profile minimal");
            let ok = Command::new("rustup")
                .args(["toolchain", "install", name, "--profile", "minimal", "--no-self-update"])
                .status()
                .map(|s| s.success())
                .unwrap_or(false);
            if !ok {
                eprintln!("bench: could not install {name}; it will be reported as unavailable");
                continue;
            }
        }
        for (target, why) in harness::toolchain::add_rustup_targets(name, &harness::target::EMBEDDED_TARGETS) {
            eprintln!("bench: no {target} for {name} ({why}); its cases for {target} will be skipped");
        }
    }
}
