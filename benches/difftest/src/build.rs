//! Build one program with one toolchain at one opt level, then run it; both bounded in time.
//!
//! rustc is called directly (the real binary from `ToolchainInfo`, never the rustup proxy), with
//! only `--edition`, `-C opt-level`, `-o` and the compiler's own extra flags, so that the command
//! line in a reproducer is all it takes to rebuild. Debug assertions keep rustc's default for the
//! opt level (on at 0), the same for every toolchain.
//!
//! A compiler is named like in the other tools (`future-sizes`): a toolchain, optionally followed
//! by rustc flags in the same argument (`"async-fork -Zsome-switch=no"`), so one fork build can be
//! compared with itself with a patch switched off.

use crate::memcheck::{Memcheck, MemcheckRun};
use harness::compile::{compile_and_run, CompileAndRun, Program};
use harness::rustc::Outcome;
use harness::ToolchainInfo;
use serde::Serialize;
use std::path::Path;

pub use harness::compile::Limits;

/// A value of `-C opt-level`: `0`..`3`, or `s`/`z` (the sizes embedded targets are built at).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct OptLevel(String);

impl std::str::FromStr for OptLevel {
    type Err = String;
    fn from_str(s: &str) -> Result<OptLevel, String> {
        match s {
            "0" | "1" | "2" | "3" | "s" | "z" => Ok(OptLevel(s.to_string())),
            _ => Err(format!("`{s}` is not an opt level (0, 1, 2, 3, s, z)")),
        }
    }
}

impl std::fmt::Display for OptLevel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A toolchain as one side of a comparison.
#[derive(Clone, Debug)]
pub struct Compiler {
    /// The toolchain; its `name` is the whole spec and `flags` the rustc flags it is used with.
    pub info: ToolchainInfo,
}

impl Compiler {
    /// `"nightly"`, `"/path/to/rustc"`, `"async-fork -Zswitch=no"` (for tests; the command line
    /// goes through [`harness::ToolchainArgs`]).
    pub fn from_spec(spec: &str) -> anyhow::Result<Compiler> {
        let spec: harness::ToolchainSpec = spec.parse().map_err(anyhow::Error::msg)?;
        Ok(Compiler { info: spec.resolve()? })
    }

    pub fn plain(info: ToolchainInfo) -> Compiler {
        Compiler { info }
    }

    /// What identifies this build of the toolchain on disk: rustc, its driver library and the
    /// host std, with sizes and modification times. A fork being rebuilt during a campaign
    /// changes (or loses) them, and a comparison against a half-installed compiler means nothing.
    pub fn fingerprint(&self) -> String {
        let tc = &self.info;
        let host_lib = tc.sysroot.join("lib/rustlib").join(harness::target::HOST).join("lib");
        let mut files = vec![tc.rustc.clone()];
        for (dir, prefix, suffix) in [
            (tc.sysroot.join("lib"), "librustc_driver-", ".so"),
            (host_lib.clone(), "libstd-", ".rlib"),
            (host_lib, "libcore-", ".rlib"),
        ] {
            let mut found: Vec<_> = std::fs::read_dir(&dir)
                .into_iter()
                .flatten()
                .flatten()
                .map(|e| e.path())
                .filter(|p| {
                    let n = p.file_name().unwrap_or_default().to_string_lossy();
                    n.starts_with(prefix) && n.ends_with(suffix)
                })
                .collect();
            found.sort();
            files.extend(found);
        }
        files
            .iter()
            .map(|f| match std::fs::metadata(f) {
                Ok(m) => format!("{} {} {:?}", f.display(), m.len(), m.modified().ok()),
                Err(_) => format!("{} missing", f.display()),
            })
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// How the program ran (only when it compiled).
pub type Run = harness::compile::Step;

/// One toolchain's build of one program at one opt level.
#[derive(Clone, Debug, Serialize)]
pub struct Build {
    pub toolchain: String,
    pub opt: OptLevel,
    pub compile: Outcome,
    pub compile_stderr: String,
    pub compile_command: String,
    pub compile_secs: f64,
    pub run: Option<Run>,
    /// The run under valgrind's memcheck (`--memcheck`), when the program compiled.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub memcheck: Option<MemcheckRun>,
}

/// Compile `src` into `dir/<stem>` and run it.
pub fn build_and_run(c: &Compiler, src: &Path, dir: &Path, stem: &str, opt: &OptLevel, limits: Limits) -> Build {
    build_and_check(c, src, dir, stem, opt, limits, None)
}

/// [`build_and_run`], then, with `memcheck`, run the binary once more under valgrind.
pub fn build_and_check(
    c: &Compiler,
    src: &Path,
    dir: &Path,
    stem: &str,
    opt: &OptLevel,
    limits: Limits,
    memcheck: Option<&Memcheck>,
) -> Build {
    let bin = dir.join(stem);
    let program = Program {
        toolchain: &c.info,
        source: src,
        binary: &bin,
        rustc_args: vec![
            "--edition".into(),
            "2021".into(),
            "-C".into(),
            format!("opt-level={opt}"),
        ],
        cwd: Some(dir),
    };
    let CompileAndRun { compile, run } = compile_and_run(&program, limits);
    let memcheck = match (memcheck, &run) {
        (Some(m), Some(r)) => Some(m.run(&bin, dir, r.outcome.is_success().then_some(r.stdout.as_str()))),
        _ => None,
    };
    Build {
        toolchain: c.info.name.clone(),
        opt: opt.clone(),
        compile: compile.outcome,
        compile_stderr: compile.stderr,
        compile_command: compile.command,
        compile_secs: compile.secs,
        run,
        memcheck,
    }
}

impl Build {
    /// The compiler itself could not be started (its binary missing or not executable).
    pub fn compiler_missing(&self) -> bool {
        matches!(&self.compile, Outcome::Crashed { detail } if detail.starts_with("did not start"))
    }

    /// Everything a reader of a reproducer needs about this side, as text.
    pub fn describe(&self) -> String {
        let mut s = format!(
            "toolchain: {}\nopt-level: {}\ncompile: {}\n$ {}\n",
            self.toolchain,
            self.opt,
            self.compile.summary(),
            self.compile_command
        );
        if !self.compile_stderr.trim().is_empty() {
            s.push_str("--- rustc stderr ---\n");
            s.push_str(&self.compile_stderr);
        }
        if let Some(r) = &self.run {
            s.push_str(&format!(
                "run: {}\n$ {}\n--- stdout ---\n{}",
                r.outcome.summary(),
                r.command,
                r.stdout
            ));
            if !r.stderr.trim().is_empty() {
                s.push_str("--- stderr ---\n");
                s.push_str(&r.stderr);
            }
        }
        if let Some(m) = &self.memcheck {
            s.push_str(&m.describe());
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn build(compile: Outcome) -> Build {
        Build {
            toolchain: "t".into(),
            opt: "0".parse().unwrap(),
            compile,
            compile_stderr: String::new(),
            compile_command: String::new(),
            compile_secs: 0.0,
            run: None,
            memcheck: None,
        }
    }

    /// A rustc that is not there is a toolchain being replaced, not a compiler crash to report.
    #[test]
    fn a_missing_compiler_is_told_from_a_crash() {
        let gone = build(Outcome::Crashed {
            detail: "did not start: cannot start /x/rustc: No such file or directory (os error 2)".into(),
        });
        assert!(gone.compiler_missing());
        let crashed = build(Outcome::Crashed {
            detail: "killed by signal 11 (SIGSEGV)".into(),
        });
        assert!(!crashed.compiler_missing());
        assert!(!build(Outcome::Success).compiler_missing());
    }
}
