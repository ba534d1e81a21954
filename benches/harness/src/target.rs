//! The targets we compile for, and the facts compiletest-style conditions ask about them.
//!
//! A target is a rustc triple. We know the three this project cares about (the host and two
//! Cortex-M cores) by name; any other triple still works, with facts derived from its spelling.

use std::fmt;

/// A rustc target triple.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct Target(pub String);

/// The host this project runs on (the machines are all x86_64 Linux).
pub const HOST: &str = "x86_64-unknown-linux-gnu";
/// Cortex-M4F: the embedded target every claim is also made for.
pub const CORTEX_M4F: &str = "thumbv7em-none-eabihf";
/// Cortex-M0: the smallest Cortex-M, measured where cheap.
pub const CORTEX_M0: &str = "thumbv6m-none-eabi";
/// The bare-metal targets every rustup toolchain we measure gets (`scripts/setup.sh` adds the same
/// set to stable and nightly; tools add them to the toolchains they are given).
pub const EMBEDDED_TARGETS: [&str; 2] = [CORTEX_M4F, CORTEX_M0];
/// The targets the codegen suite and the size measurements use by default.
pub const DEFAULT_TARGETS: [&str; 3] = [HOST, CORTEX_M4F, CORTEX_M0];

impl Target {
    pub fn new(triple: impl Into<String>) -> Self {
        Target(triple.into())
    }
    pub fn host() -> Self {
        Target::new(HOST)
    }
    pub fn triple(&self) -> &str {
        &self.0
    }

    /// compiletest's `arch`: `thumbv7em` is `arm` there, as in rustc's target specs.
    pub fn arch(&self) -> &str {
        let first = self.0.split('-').next().unwrap_or("");
        if first.starts_with("thumb") || first.starts_with("arm") {
            "arm"
        } else if first == "i686" || first == "i586" {
            "x86"
        } else {
            first
        }
    }

    /// The operating system part (`none` for bare metal).
    pub fn os(&self) -> &str {
        let parts: Vec<&str> = self.0.split('-').collect();
        // arch-vendor-os[-env], or arch-os-env where the vendor is left out (thumbv7em-none-eabihf).
        match parts.as_slice() {
            [_, _, os, _, ..] => os,
            [_, vendor, os] if matches!(*vendor, "unknown" | "pc" | "apple" | "wrs") => os,
            [_, os, ..] => os,
            _ => "unknown",
        }
    }

    pub fn pointer_width(&self) -> u32 {
        match self.arch() {
            "x86_64" | "aarch64" | "riscv64gc" | "powerpc64" => 64,
            "avr" | "msp430" => 16,
            _ => 32,
        }
    }

    /// The LLVM component (`needs-llvm-components`) that provides this target's backend.
    pub fn llvm_component(&self) -> &str {
        match self.arch() {
            "x86_64" | "x86" => "x86",
            "arm" => "arm",
            other => other,
        }
    }

    /// Bare-metal targets have no `std`; code for them is `#![no_std]`.
    pub fn is_bare_metal(&self) -> bool {
        self.os() == "none"
    }

    /// The ABI part of the triple as rustc's `target_abi` names it: `eabihf` for
    /// thumbv7em-none-eabihf (and arm-unknown-linux-gnueabihf), `eabi` for thumbv6m-none-eabi.
    pub fn abi(&self) -> Option<&str> {
        let last = self.0.rsplit('-').next()?;
        ["eabihf", "eabi"].into_iter().find(|abi| last.ends_with(abi))
    }

    /// Does a compiletest condition name (`only-X`, `ignore-X`) match this target?
    /// Matches the triple, arch, os, ABI (`eabihf`), pointer width (`32bit`/`64bit`), and `thumb`
    /// for Thumb cores.
    pub fn matches_condition(&self, name: &str) -> bool {
        name == self.0
            || name == self.arch()
            || name == self.os()
            || Some(name) == self.abi()
            || name == format!("{}bit", self.pointer_width())
            || (name == "thumb" && self.0.starts_with("thumb"))
            || (name == "bare-metal" && self.is_bare_metal())
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn facts_of_known_targets() {
        let m4 = Target::new(CORTEX_M4F);
        assert_eq!(m4.arch(), "arm");
        assert_eq!(m4.os(), "none");
        assert_eq!(m4.pointer_width(), 32);
        assert!(m4.is_bare_metal());
        assert!(m4.matches_condition("thumb"));
        assert!(m4.matches_condition("arm"));
        assert!(!m4.matches_condition("x86_64"));
        assert!(m4.matches_condition("eabihf"));
        let m0 = Target::new(CORTEX_M0);
        assert_eq!(m0.abi(), Some("eabi"));
        assert!(!m0.matches_condition("eabihf"));
        let host = Target::host();
        assert_eq!(host.arch(), "x86_64");
        assert_eq!(host.os(), "linux");
        assert!(host.matches_condition("64bit"));
        assert!(host.matches_condition("linux"));
        assert_eq!(host.llvm_component(), "x86");
        assert_eq!(host.abi(), None);
    }
}
