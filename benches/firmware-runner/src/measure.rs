//! What an image costs: section sizes (with the `object` crate) and panic call sites (from
//! `llvm-objdump` disassembly).
//!
//! Panic call sites are the places where application or library code can start a panic: calls and
//! branches (`bl`, `b.w`, conditional branches, so tail calls count too) whose target is a panic
//! entry point of `core` (anything named `*panic*`, `unwrap_failed`, `expect_failed`, the slice
//! index `*_fail` functions, `assert_failed`). Calls made inside those functions themselves are the
//! panic machinery, not call sites, and are not counted. Each site is a check the compiler could not
//! prove away, so fewer is better, and a compiler patch that removes async's "resumed after
//! completion" panics shows up here.

use object::{Object, ObjectSection};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Sizes in bytes of the sections that matter on a microcontroller.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Sections {
    pub vector_table: u64,
    pub text: u64,
    pub rodata: u64,
    pub data: u64,
    pub bss: u64,
}

impl Sections {
    /// Flash: everything loaded (the initial values of `.data` live in flash too).
    pub fn flash(&self) -> u64 {
        self.vector_table + self.text + self.rodata + self.data
    }
    /// Static RAM (the stack comes on top).
    pub fn ram(&self) -> u64 {
        self.data + self.bss
    }
}

pub fn sections(image: &Path) -> anyhow::Result<Sections> {
    let bytes = std::fs::read(image)?;
    let file = object::File::parse(&*bytes)?;
    let mut s = Sections::default();
    for section in file.sections() {
        let size = section.size();
        match section.name()? {
            ".vector_table" => s.vector_table += size,
            ".text" => s.text += size,
            ".rodata" => s.rodata += size,
            ".data" => s.data += size,
            ".bss" | ".uninit" => s.bss += size,
            _ => {}
        }
    }
    Ok(s)
}

/// Panic call sites in an image, total and by panic function called.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PanicSites {
    pub total: u64,
    pub by_target: BTreeMap<String, u64>,
}

/// `llvm-objdump`: `$LLVM_OBJDUMP`, LLVM 22's (rustc 1.95's LLVM), or whatever is on PATH.
pub fn find_objdump() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("LLVM_OBJDUMP") {
        return Some(PathBuf::from(p));
    }
    let llvm22 = PathBuf::from("/usr/lib/llvm-22/bin/llvm-objdump");
    if llvm22.is_file() {
        return Some(llvm22);
    }
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join("llvm-objdump"))
            .find(|p| p.is_file())
    })
}

pub fn panic_sites(image: &Path) -> anyhow::Result<PanicSites> {
    let objdump = find_objdump().ok_or_else(|| anyhow::anyhow!("llvm-objdump not found (set LLVM_OBJDUMP)"))?;
    let out = std::process::Command::new(&objdump)
        .args(["-d", "--demangle", "--no-show-raw-insn"])
        .arg(image)
        .output()?;
    anyhow::ensure!(
        out.status.success(),
        "{} failed: {}",
        objdump.display(),
        String::from_utf8_lossy(&out.stderr).trim()
    );
    Ok(count_panic_sites(&String::from_utf8_lossy(&out.stdout)))
}

/// Counts in `llvm-objdump -d --demangle` output (see the module doc for what counts).
pub fn count_panic_sites(disassembly: &str) -> PanicSites {
    let mut sites = PanicSites::default();
    let mut in_panic_fn = false;
    for line in disassembly.lines() {
        // Function header: `00000400 <Reset>:`
        if let Some(name) = line.strip_suffix(">:").and_then(|l| l.split_once(" <")).map(|(_, n)| n) {
            in_panic_fn = is_panic_fn(name);
            continue;
        }
        if in_panic_fn {
            continue;
        }
        // Instruction: `     402:  bl  0x2810 <core::panicking::panic+0x4> @ imm = #0x4108`
        let mut fields = line.split_whitespace().skip(1);
        let Some(mnemonic) = fields.next() else { continue };
        if !mnemonic.starts_with('b') || mnemonic.starts_with("bic") || mnemonic.starts_with("bfc") {
            continue;
        }
        let Some(target) = line
            .split_once(" <")
            .and_then(|(_, rest)| rest.split_once('>'))
            .map(|(t, _)| t.split('+').next().unwrap_or(t))
        else {
            continue;
        };
        if is_panic_fn(target) {
            sites.total += 1;
            *sites.by_target.entry(short_name(target)).or_default() += 1;
        }
    }
    sites
}

fn is_panic_fn(name: &str) -> bool {
    const MARKERS: [&str; 8] = [
        "panic",
        "unwrap_failed",
        "expect_failed",
        "index_len_fail",
        "index_order_fail",
        "slice_error_fail",
        "len_mismatch_fail",
        "assert_failed",
    ];
    MARKERS.iter().any(|m| name.contains(m))
}

/// `core::panicking::panic_bounds_check` -> `panic_bounds_check` (hashes and generics dropped).
fn short_name(name: &str) -> String {
    let base = name.split('<').next().unwrap_or(name);
    base.rsplit("::")
        .find(|s| !s.starts_with('h') || s.len() != 17)
        .unwrap_or(base)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    const DISASM: &str = "
00000400 <firmware::tasks::temperature::{{closure}}>:
     400:      \tbl\t0x2810 <core::panicking::panic_const::panic_const_async_fn_resumed+0x4> @ imm = #0x4108
     404:      \tbne.w\t0x2900 <core::option::unwrap_failed>
     408:      \tbl\t0x3000 <firmware::i2c::write_read>
     40c:      \tbic\tr0, r1
00002800 <core::panicking::panic_fmt>:
    2800:      \tbl\t0x2900 <rust_begin_unwind>
    2804:      \tbl\t0x2a00 <core::panicking::panic_nounwind>
";

    #[test]
    fn counts_calls_into_panic_functions_outside_them() {
        let s = count_panic_sites(DISASM);
        assert_eq!(s.total, 2, "{s:?}");
        assert_eq!(s.by_target.get("panic_const_async_fn_resumed"), Some(&1));
        assert_eq!(s.by_target.get("unwrap_failed"), Some(&1));
    }
}
