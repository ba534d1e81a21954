//! `realworld`: what the compiler does to firmware written on the crates embedded teams use.
//!
//! The applications under `benches/realworld/apps/` are standalone cargo projects (embassy, RTIC,
//! sequential-storage) with committed lock files. For every toolchain x core provision x
//! application this tool builds the release image and measures what a firmware author pays:
//! sections, the static storage of every task, the size of every future of the application crate
//! (`-Zprint-type-sizes`) and the panic call sites. Then it forms ratios, only between builds whose
//! `core` was provided the same way. One module per step:
//! - [`app`]: finding the applications;
//! - [`plan`]: which builds a run makes, and why the others are skipped;
//! - [`build`]: one cargo build (and the type-size pass) with a toolchain and a provision;
//! - [`measure`]: task statics from the ELF symbols, future sizes from `-Zprint-type-sizes`;
//! - [`report`]: the results JSON (harness envelope first), ratios and the Markdown summary;
//! - [`run`]: the whole plan, one build after the other, with progress;
//! - [`build_time`]: `--build-time`, a mode of its own: the CPU and wall time of clean release
//!   builds of the applications with all their dependencies, per toolchain.

pub mod app;
pub mod build;
pub mod build_time;
pub mod measure;
pub mod plan;
pub mod report;
pub mod run;

use std::path::PathBuf;

/// This crate's directory: the applications are under `apps/`, build output under `target/`.
pub fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The fork with every switch of its series that changes layouts turned off: patches 0001/0002
/// (relocated arguments), 0004 (dead saved locals share bytes), 0005 (shared offsets), 0011
/// (field placement) and 0012 (pattern bindings in the argument's bytes). Its futures must be laid
/// out exactly as 1.95.0's (`tests/switch_off.rs`).
pub const FORK_LAYOUT_OFF: &str = "async-fork -Zrelocate-coroutine-upvars=no \
     -Zoverlap-dead-coroutine-locals=no -Zcoroutine-shared-offsets=no \
     -Zcoroutine-field-placement=no -Zcoroutine-bind-fields-in-place=no";
