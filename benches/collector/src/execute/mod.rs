//! Execution: running processes and measuring them. Knows nothing about reports.
//!
//! Measuring exactly the leaf crate's rustc invocation works like rustc-perf's `rustc-fake`, in two
//! steps:
//! 1. [`capture`]: cargo builds the workload with `RUSTC_WRAPPER` pointing at this very binary
//!    ([`wrapper`] mode). Dependencies (if any) build normally; for the leaf crate the wrapper writes
//!    the exact command line, working directory and environment to a file, then runs rustc so
//!    cargo finishes as usual.
//! 2. The captured command is replayed by the collector, as often as the repetitions ask, under
//!    [`harness::process`] (wall/CPU time and max RSS from `wait4`) or an instruction counter ([`metric`]:
//!    perf when the kernel has counters, callgrind otherwise). Scenarios differ only in the
//!    `-C incremental` directory passed and its state.
//!
//! Replaying a captured command, rather than letting cargo run rustc each time, keeps cargo's own
//! work, the rustup proxy and the dependency graph out of every number.

pub mod capture;
pub mod metric;
pub mod selfprofile;
pub mod wrapper;
