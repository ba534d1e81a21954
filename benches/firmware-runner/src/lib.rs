//! The firmware runner: the Cortex-M workload (`benches/firmware`) measured per toolchain.
//!
//! For each toolchain and each executor flavour it builds the image, runs it on QEMU, checks the
//! transcript against the committed one and measures what firmware authors pay for async: RAM per
//! task future, flash and RAM sections, panic call sites, instructions executed. One module per
//! step, so each can be tested alone:
//! - [`variant`]: what gets built (flavour, fault injection) and where its expected transcript is;
//! - [`build`]: `cargo build` of the firmware with a given toolchain's rustc;
//! - [`qemu`]: running an image with a timeout, classifying how it ended, counting instructions;
//! - [`transcript`]: splitting output into transcript and `metric` lines, comparing transcripts;
//! - [`measure`]: section sizes and panic call sites of an ELF image;
//! - [`report`]: the results JSON and Markdown table;
//! - [`run`]: the whole pipeline for one toolchain.

pub mod build;
pub mod measure;
pub mod qemu;
pub mod report;
pub mod run;
pub mod transcript;
pub mod variant;

use std::path::PathBuf;

/// The firmware project in this repository.
pub fn default_firmware_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../firmware")
}
