//! The state walk (issue 16): programs that do to futures, in every state, what executors and
//! unsafe code do (move, drop, copy with `ptr::read`, poison with a caught panic, poll after
//! completion), checked three ways:
//! - every toolchain's build at every opt level prints the baseline's log (layout lines aside);
//! - valgrind's memcheck finds no error in any build and the run under it prints the same;
//! - Miri (a nightly with the `miri` component) finds no undefined behaviour in the programs with
//!   upstream's layouts, and prints the same log.
//!
//! The programs are data: `programs/*.rs`, each a crate root sharing `programs/support/`;
//! adding one needs no code change. Modules, in the order data flows:
//! - [`program`]: finding the programs and reading their `//@` directives;
//! - [`transcript`]: what a program printed, split into the compared log, its layout lines and
//!   its totals;
//! - [`step`]: one build + run (+ memcheck), or one Miri run, bounded in time;
//! - [`results`]: the results file (harness envelope, every step, the verdict), written after
//!   every step;
//! - [`report`]: its Markdown rendering;
//! - [`run`]: the whole run: steps interleaved by program, toolchains checked before and after
//!   each step, Ctrl-C.

pub mod program;
pub mod report;
pub mod results;
pub mod run;
pub mod step;
pub mod transcript;
