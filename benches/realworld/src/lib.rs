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
use std::sync::LazyLock;

/// This crate's directory: the applications are under `apps/`, build output under `target/`.
pub fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The series' layout switches, as `rust/layout-switches` lists them (one per line, comments
/// after `#`), read when this crate is compiled.
const LAYOUT_SWITCHES: &str = include_str!("../../../rust/layout-switches");

/// The fork with every switch of its series that changes layouts turned off (`rust/layout-switches`:
/// patches 0001/0002, 0004, 0005, 0011, 0012). Its futures must be laid out exactly as 1.95.0's
/// (`tests/switch_off.rs`).
pub static FORK_LAYOUT_OFF: LazyLock<String> = LazyLock::new(|| fork_with_switches_off(LAYOUT_SWITCHES));

/// `async-fork` with `-Z<name>=no` for every switch a `rust/layout-switches` text names.
fn fork_with_switches_off(list: &str) -> String {
    let mut spec = String::from("async-fork");
    for line in list.lines() {
        let line = line.split('#').next().unwrap_or_default();
        if let Some(name) = line.split_whitespace().next() {
            spec.push_str(&format!(" -Z{name}=no"));
        }
    }
    spec
}

#[cfg(test)]
mod layout_switch_tests {
    use super::*;

    #[test]
    fn every_listed_switch_is_turned_off_and_comments_are_not() {
        let list = "# header\nfoo never-larger   # 0001\n\n# note\nbar may-be-larger\n";
        assert_eq!(fork_with_switches_off(list), "async-fork -Zfoo=no -Zbar=no");
        assert!(
            FORK_LAYOUT_OFF.contains("-Zcoroutine-field-placement=no"),
            "{}",
            *FORK_LAYOUT_OFF
        );
    }
}
