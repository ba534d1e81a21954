//! The future-size corpus of issue 5 and the harness that measures it.
//!
//! An `async fn` argument is stored twice in its future today (rustc issue #62958). This crate
//! measures how much that costs, per toolchain, over a corpus of small async programs, and checks
//! that a compiler which shrinks them still runs them identically. The pieces, one module each:
//! - [`corpus`]: the cases, data files under `cases/` (Rust items plus `//@` directives: the ideal
//!   size with its reason, whether the case has by-value arguments, how to build its future);
//! - [`program`]: one std program holding every case, built from `program/prelude.rs` and the
//!   cases; it prints each future's size and what running it observably does;
//! - [`transcript`]: parsing that program's stdout;
//! - [`run`]: building and running the program with each toolchain at each opt level;
//! - [`compare`]: ratios to ideal and to the baseline, the geometric mean over by-value cases,
//!   the differential check of outputs;
//! - [`report`]: the Markdown tables and the results JSON (harness envelope first).

pub mod compare;
pub mod corpus;
pub mod program;
pub mod report;
pub mod run;
pub mod transcript;
