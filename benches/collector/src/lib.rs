//! The compile-time benchmark collector, in rustc-perf's shape: definitions apart from execution
//! apart from storage apart from reports.
//! - [`benchmark`]: profiles, scenarios, workloads (data folders and generated specs), the plan;
//! - [`execute`]: capture of the leaf rustc command through cargo, replay under time, callgrind or
//!   perf, `-Zself-profile`;
//! - [`results`]: `results.json`, its schema, written after every sample;
//! - [`report`]: summary.md, SVG graphs, comparisons of two runs;
//! - [`run`]: one run, start to finish; [`toolchains`]: the release sweep and its installation;
//!   [`runtime`]: the criterion bench folded into a run;
//! - [`rustc_perf`]: rustc-perf's own collector, built from the pinned tree, as a second instrument.

pub mod benchmark;
pub mod execute;
pub mod report;
pub mod results;
pub mod run;
pub mod runtime;
pub mod rustc_perf;
pub mod toolchains;

use std::path::PathBuf;

/// The repository this collector was built from (workloads and results live there by default).
pub fn repo_root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.join("../..").canonicalize().unwrap_or(manifest)
}
