//! The instrument shared by every tool of this repository.
//!
//! Everything we claim compares several compilers on the same source, so the concepts every tool
//! needs live here, one module each:
//! - [`toolchain`]: what a toolchain is (a rustup name or a path to a rustc, with rustc flags), the
//!   command-line group every tool takes ([`ToolchainArgs`]), what it reports about
//!   itself (`rustc -vV`, the real binary, the targets it has a `core` for, the fork's series);
//! - [`target`]: the targets we measure and what compiletest-style conditions know about them;
//! - [`process`]: the one process runner (timeout, pipes, signals, rusage);
//! - [`rustc`]: one rustc invocation with a timeout, classified (ok, compile error, ICE, timeout);
//! - [`compile`]: compile one source file with a toolchain and run the program (difftest, future-sizes);
//! - [`asm`]: reading function bodies out of `--emit asm` output;
//! - [`machine`]: the facts about the machine that every result records;
//! - [`envelope`]: the header every results file starts with, so a number can be reproduced;
//! - [`report`]: the one writer of JSON + Markdown report pairs, and Markdown tables.

pub mod asm;
pub mod compile;
pub mod cores;
pub mod envelope;
pub mod machine;
pub mod process;
pub mod report;
pub mod rustc;
pub mod target;
pub mod toolchain;
pub mod units;

pub use target::Target;
pub use toolchain::{CoreClass, CoreProvision, Toolchain, ToolchainArgs, ToolchainInfo, ToolchainSpec, Toolchains};
