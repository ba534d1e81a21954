//! The codegen runner: compiletest-style assembly tests, run on every toolchain x target and checked
//! with LLVM's FileCheck; plus the seed's claims reproduced on released compilers.
//!
//! - [`directives`]: the test header format (compiletest's, plus `harness-` facts);
//! - [`filecheck`]: calling LLVM's FileCheck;
//! - [`case`]: one test revision on one toolchain, and its verdict against the test's expectation;
//! - [`matrix`]: all cases; [`report`]: tables and JSON;
//! - [`seed`]: the seed's claims (no_std async, `xx`'s instruction count, the future's size);
//! - [`show`]: one function's assembly across toolchains (cargo-show-asm, `--emit asm` fallback).

pub mod case;
pub mod directives;
pub mod filecheck;
pub mod matrix;
pub mod report;
pub mod seed;
pub mod show;
