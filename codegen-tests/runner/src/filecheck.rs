//! LLVM's FileCheck, the checker rustc's own assembly tests use. We call it; we never reimplement it.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Where FileCheck is looked for, in order: `$FILECHECK`, Debian's llvm-22-tools, any on PATH.
const CANDIDATES: [&str; 3] = ["/usr/lib/llvm-22/bin/FileCheck", "FileCheck-22", "FileCheck"];

#[derive(Clone, Debug)]
pub struct FileCheck {
    pub path: PathBuf,
}

/// FileCheck's verdict on one input.
#[derive(Clone, Debug, PartialEq)]
pub enum Verdict {
    Pass,
    /// FileCheck's own diagnostic, verbatim.
    Fail(String),
}

impl FileCheck {
    pub fn locate() -> anyhow::Result<FileCheck> {
        if let Some(p) = std::env::var_os("FILECHECK") {
            return Ok(FileCheck { path: PathBuf::from(p) });
        }
        for c in CANDIDATES {
            let ok = Command::new(c)
                .arg("--version")
                .output()
                .map(|o| o.status.success())
                .unwrap_or(false);
            if ok {
                return Ok(FileCheck { path: PathBuf::from(c) });
            }
        }
        anyhow::bail!(
            "LLVM FileCheck not found: install Debian's llvm-22-tools (scripts/setup.sh does) or set FILECHECK"
        )
    }

    /// Check `input` (the emitted assembly) against the CHECK lines of `test_file`.
    pub fn check(
        &self,
        test_file: &Path,
        input: &Path,
        prefixes: &[String],
        extra: &[String],
    ) -> anyhow::Result<Verdict> {
        let out = Command::new(&self.path)
            .arg("--input-file")
            .arg(input)
            .arg(test_file)
            .arg(format!("--check-prefixes={}", prefixes.join(",")))
            .arg("--allow-unused-prefixes")
            .arg("--dump-input-context=20")
            .args(extra)
            .output()
            .map_err(|e| anyhow::anyhow!("cannot run {}: {e}", self.path.display()))?;
        if out.status.success() {
            Ok(Verdict::Pass)
        } else {
            let mut msg = String::from_utf8_lossy(&out.stderr).into_owned();
            msg.push_str(&String::from_utf8_lossy(&out.stdout));
            Ok(Verdict::Fail(msg))
        }
    }
}
