//! The programs: every `*.rs` file directly in the programs folder is one (a crate root; shared
//! code lives in subfolders, which its `mod` items find). A program may start with directives,
//! compiletest-style `//@` lines before its first other line:
//!
//! - `//@ unstable-features`: it uses feature gates; a release builds it with `RUSTC_BOOTSTRAP=1`;
//! - `//@ compile-flags: FLAGS`: rustc flags every build and every Miri run gets (before the
//!   toolchain's own flags).
//!
//! An unknown or malformed directive stops the run, naming the file and line.

use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The edition every program is built with (async closures need 2024).
pub const EDITION: &str = "2024";

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Program {
    /// The file stem: `by_value_drop`.
    pub name: String,
    pub path: PathBuf,
    pub unstable_features: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub compile_flags: Vec<String>,
}

impl Program {
    /// Read `path`'s directives.
    pub fn load(path: &Path) -> Result<Program> {
        let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        let name = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .with_context(|| format!("{} has no file name", path.display()))?;
        let mut p = Program {
            name,
            path: path.to_path_buf(),
            unstable_features: false,
            compile_flags: Vec::new(),
        };
        for (i, line) in text.lines().enumerate() {
            let Some(d) = line.strip_prefix("//@") else {
                break;
            };
            let d = d.trim();
            let at = || format!("{}:{}", path.display(), i + 1);
            if d == "unstable-features" {
                p.unstable_features = true;
            } else if let Some(flags) = d.strip_prefix("compile-flags:") {
                let words: Vec<String> = flags.split_whitespace().map(str::to_string).collect();
                if words.is_empty() {
                    bail!("{}: `compile-flags:` without flags", at());
                }
                p.compile_flags.extend(words);
            } else {
                bail!(
                    "{}: unknown directive `//@ {d}` (known: `unstable-features`, `compile-flags: ...`)",
                    at()
                );
            }
        }
        Ok(p)
    }
}

/// Every program in `dir`, by name; with `only` non-empty, just those (each must exist).
pub fn discover(dir: &Path, only: &[String]) -> Result<Vec<Program>> {
    let entries = std::fs::read_dir(dir).with_context(|| format!("reading the programs folder {}", dir.display()))?;
    let mut paths: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "rs"))
        .collect();
    paths.sort();
    let mut programs = paths.iter().map(|p| Program::load(p)).collect::<Result<Vec<_>>>()?;
    if !only.is_empty() {
        for name in only {
            if !programs.iter().any(|p| &p.name == name) {
                let known: Vec<&str> = programs.iter().map(|p| p.name.as_str()).collect();
                bail!(
                    "no program `{name}` in {} (there are: {})",
                    dir.display(),
                    known.join(", ")
                );
            }
        }
        programs.retain(|p| only.contains(&p.name));
    }
    if programs.is_empty() {
        bail!("no programs (*.rs) in {}", dir.display());
    }
    Ok(programs)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        p
    }

    #[test]
    fn directives_are_read_until_the_first_other_line() {
        let d = tempfile::tempdir().unwrap();
        let p = write(
            d.path(),
            "a.rs",
            "//@ unstable-features\n//@ compile-flags: -Zx -Zy\n//! doc\n//@ compile-flags: -Zlate\nfn main() {}\n",
        );
        let p = Program::load(&p).unwrap();
        assert_eq!(p.name, "a");
        assert!(p.unstable_features);
        assert_eq!(p.compile_flags, ["-Zx", "-Zy"]);
    }

    #[test]
    fn unknown_directives_name_file_and_line() {
        let d = tempfile::tempdir().unwrap();
        let p = write(d.path(), "b.rs", "//@ compile-flags: -Zx\n//@ run-pass\nfn main() {}\n");
        let e = Program::load(&p).unwrap_err().to_string();
        assert!(
            e.ends_with("b.rs:2: unknown directive `//@ run-pass` (known: `unstable-features`, `compile-flags: ...`)"),
            "{e}"
        );
    }

    #[test]
    fn discovery_skips_folders_and_checks_names() {
        let d = tempfile::tempdir().unwrap();
        write(d.path(), "b.rs", "fn main() {}\n");
        write(d.path(), "a.rs", "fn main() {}\n");
        std::fs::create_dir(d.path().join("support")).unwrap();
        write(&d.path().join("support"), "mod.rs", "");
        let all = discover(d.path(), &[]).unwrap();
        assert_eq!(all.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(discover(d.path(), &["b".into()]).unwrap().len(), 1);
        let e = discover(d.path(), &["c".into()]).unwrap_err().to_string();
        assert!(e.contains("no program `c`") && e.contains("there are: a, b"), "{e}");
    }

    #[test]
    fn the_shipped_programs_load() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("programs");
        let all = discover(&dir, &[]).unwrap();
        assert!(all.len() >= 10, "{all:?}");
        assert!(all.iter().any(|p| p.unstable_features));
    }
}
