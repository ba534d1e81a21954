//! Real async crates' own test suites on several toolchains (issue 14, part 1): `scripts/crater.sh`.
//!
//! A layout patch is trusted when it survives code nobody wrote for it. Upstream, crater answers
//! that by running every crate's tests; here a pinned list of async crates (futures, the smol
//! family, tokio, embassy, pin-project) is built and tested with each toolchain at debug and at
//! release, and each test's result is set beside the baseline's (1.95.0, the release the fork is
//! built from), so that only a test that passes there and fails on the fork counts against it.
//!
//! Modules, in the order data flows:
//! - [`manifest`]: the pinned list, `crates.toml` (data), and the committed lockfiles;
//! - [`source`]: a crate's published package fetched by cargo, copied into a project of its own;
//! - [`run`]: one step (crate x toolchain x profile): build the test targets, run them, bounded
//!   in time;
//! - [`libtest`]: reading libtest's output;
//! - [`compare`]: regressions, failures on both, fixes, tests not run;
//! - [`report`]: `crater.json` and `crater.md`;
//! - [`campaign`]: every step in order, waiting for a toolchain being rebuilt, rechecking
//!   regressions, writing the results after each step.

pub mod campaign;
pub mod compare;
pub mod libtest;
pub mod manifest;
pub mod report;
pub mod run;
pub mod source;
