//! The instrument shared by every tool of this repository.
//!
//! Everything we claim compares several compilers on the same source, so the concepts every tool
//! needs live here, one module each:
//! - [`toolchain`]: what a toolchain is (a rustup name or a path to a rustc, with rustc flags), the
//!   command-line group every tool takes ([`ToolchainArgs`]), what it reports about
//!   itself (`rustc -vV`, the real binary, the targets it has a `core` for, the fork's series);
//! - [`target`]: the targets we measure and what compiletest-style conditions know about them;
//! - [`rustc`]: one rustc invocation with a timeout, classified (ok, compile error, ICE, timeout);
//! - [`asm`]: reading function bodies out of `--emit asm` output;
//! - [`machine`]: the facts about the machine that every result records;
//! - [`envelope`]: the header every results file starts with, so a number can be reproduced.

pub mod asm;
pub mod envelope;
pub mod machine;
pub mod rustc;
pub mod target;
pub mod toolchain;

pub use target::Target;
pub use toolchain::{CoreProvision, Toolchain, ToolchainArgs, ToolchainInfo, ToolchainSpec, Toolchains};
