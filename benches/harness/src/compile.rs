//! Compile one source file with a toolchain's rustc, then run the program; both bounded in time.
//!
//! rustc is called directly (the real binary from [`ToolchainInfo`], never the rustup proxy) with
//! the caller's arguments, then the toolchain's own flags (last, so they win), then `-o` and the
//! source, so the recorded command line is all it takes to rebuild. A failure to start either
//! process is an outcome like any other ([`Outcome::Crashed`]), never an error of the harness.

use crate::rustc::{Invocation, Outcome};
use crate::ToolchainInfo;
use serde::Serialize;
use std::path::Path;
use std::time::Duration;

/// How long the compile and the run may each take.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Limits {
    pub compile: Duration,
    pub run: Duration,
}

impl Default for Limits {
    /// Enough for a small generated program on a loaded machine.
    fn default() -> Self {
        Limits {
            compile: Duration::from_secs(120),
            run: Duration::from_secs(10),
        }
    }
}

/// One step (the compile or the run): how it ended, what it printed, its command, its duration.
#[derive(Clone, Debug, Serialize)]
pub struct Step {
    pub outcome: Outcome,
    pub stdout: String,
    pub stderr: String,
    pub command: String,
    pub secs: f64,
}

impl Step {
    fn of(inv: &Invocation) -> Step {
        let command = inv.display();
        match inv.run() {
            Ok(f) => Step {
                outcome: f.outcome,
                stdout: f.stdout,
                stderr: f.stderr,
                command,
                secs: f.wall.as_secs_f64(),
            },
            Err(e) => Step {
                outcome: Outcome::Crashed {
                    detail: format!("did not start: {e}"),
                },
                stdout: String::new(),
                stderr: String::new(),
                command,
                secs: 0.0,
            },
        }
    }
}

/// A program to build and run.
#[derive(Clone, Debug)]
pub struct Program<'a> {
    pub toolchain: &'a ToolchainInfo,
    pub source: &'a Path,
    pub binary: &'a Path,
    /// rustc arguments before the toolchain's flags (`--edition`, `-Copt-level`, ...).
    pub rustc_args: Vec<String>,
    /// Working directory of both steps (default: inherited).
    pub cwd: Option<&'a Path>,
}

/// The compile, and the run when the compile succeeded.
#[derive(Clone, Debug)]
pub struct CompileAndRun {
    pub compile: Step,
    pub run: Option<Step>,
}

/// Compile `p.source` into `p.binary` and run it when that worked.
pub fn compile_and_run(p: &Program, limits: Limits) -> CompileAndRun {
    let mut compile = Invocation::new(&p.toolchain.rustc)
        .args(&p.rustc_args)
        .args(&p.toolchain.flags)
        .arg("-o")
        .arg(p.binary)
        .arg(p.source)
        .timeout(limits.compile);
    let mut run = Invocation::new(p.binary).timeout(limits.run);
    if let Some(dir) = p.cwd {
        compile = compile.cwd(dir);
        run = run.cwd(dir);
    }
    let compile = Step::of(&compile);
    let run = compile.outcome.is_success().then(|| Step::of(&run));
    CompileAndRun { compile, run }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_runs_and_applies_the_flags() {
        let tc: crate::ToolchainSpec = "stable --cfg from_flags".parse().unwrap();
        let tc = tc.resolve().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("p.rs");
        std::fs::write(&src, "fn main() { println!(\"{}\", cfg!(from_flags)); }").unwrap();
        let bin = dir.path().join("p");
        let limits = Limits::default();
        let p = Program {
            toolchain: &tc,
            source: &src,
            binary: &bin,
            rustc_args: vec!["--edition".into(), "2021".into()],
            cwd: Some(dir.path()),
        };
        let r = compile_and_run(&p, limits);
        assert!(r.compile.outcome.is_success(), "{:?}", r.compile);
        assert!(r
            .compile
            .command
            .ends_with(&format!("--cfg from_flags -o {} {}", bin.display(), src.display())));
        assert_eq!(r.run.unwrap().stdout, "true\n");

        std::fs::write(&src, "fn main() { let x: u8 = \"no\"; }").unwrap();
        let r = compile_and_run(&p, limits);
        assert!(
            matches!(r.compile.outcome, Outcome::CompileError { .. }),
            "{:?}",
            r.compile
        );
        assert!(r.run.is_none());
    }
}
