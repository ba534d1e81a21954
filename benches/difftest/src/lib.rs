//! Differential testing of toolchains on generated async programs (issue 7).
//!
//! A compiler patch that changes coroutine layout can miscompile in ways no hand-written test
//! anticipates. So: generate many small, nasty async programs from seeds, build each with every
//! toolchain at every opt level, run them, and compare what they print. Any difference is a bug
//! in one of the compilers (or, between stable and nightly, upstream).
//!
//! Data flows one way through the modules:
//! - [`rng`] -> [`gen`] -> [`program`] (the AST) -> [`render`] (source text, with [`prelude`]);
//! - [`build`] compiles and runs one source with one toolchain, bounded in time;
//! - [`memcheck`] runs a built program under valgrind's memcheck and reads its log (`--memcheck`);
//! - [`compare`] turns two builds into a verdict;
//! - [`reduce`] shrinks a failing program on its AST while the verdict persists;
//! - [`campaign`] runs seeds x opt levels x toolchain pairs and saves reproducers;
//! - [`report`] writes the summary (JSON with the harness envelope, and Markdown);
//! - [`corpus`] runs the future-size corpus program under memcheck (`memcheck-corpus`).

pub mod build;
pub mod campaign;
pub mod compare;
pub mod corpus;
pub mod gen;
pub mod memcheck;
pub mod prelude;
pub mod program;
pub mod reduce;
pub mod render;
pub mod report;
pub mod rng;

pub use gen::{generate, generate_with};
pub use program::Caps;
pub use render::render;

/// The source text of the program for `seed` (every feature).
pub fn source_for_seed(seed: u64) -> String {
    render(&generate(seed))
}
