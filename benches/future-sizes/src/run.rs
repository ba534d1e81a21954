//! Building and running the corpus program with one toolchain at one opt level.
//!
//! The program is compiled by the toolchain's real rustc (not the rustup proxy) directly: one
//! source file, std, edition 2021, no Cargo, so nothing but the compiler varies between runs.
//! Both the compile and the run are bounded in time; a failure of either is recorded as the
//! build's outcome and reported, never a panic of the harness.

use crate::transcript::Transcript;
use harness::compile::{compile_and_run, CompileAndRun, Program};
use harness::ToolchainInfo;
use serde::Serialize;
use std::path::Path;
use std::time::Duration;

pub use harness::compile::Limits;

/// How long compiling or running the corpus program may take by default.
pub const LIMITS: Limits = Limits {
    compile: Duration::from_secs(600),
    run: Duration::from_secs(60),
};

/// One toolchain at one opt level: what happened, and the transcript if the program ran.
#[derive(Clone, Debug, Serialize)]
pub struct Build {
    pub toolchain: String,
    pub opt_level: u8,
    /// Flags given to rustc beyond the fixed ones (edition 2021, opt level, no debuginfo).
    pub rustc_flags: Vec<String>,
    /// `ok`, or which step failed and why.
    pub outcome: String,
    pub compile_secs: f64,
    /// Kept out of the results file as a whole: sizes and outputs are recorded by the report.
    #[serde(skip)]
    pub transcript: Option<Transcript>,
}

/// Compile `source` with `tc` (plus its flags) at `opt_level` into `work_dir`, run it, parse what it
/// printed.
pub fn build_and_run(tc: &ToolchainInfo, source: &Path, opt_level: u8, work_dir: &Path, limits: &Limits) -> Build {
    let binary = work_dir.join(format!("corpus-{}-O{opt_level}", tc.dir_name()));
    let mut build = Build {
        toolchain: tc.name.clone(),
        opt_level,
        rustc_flags: tc.flags.clone(),
        outcome: String::new(),
        compile_secs: 0.0,
        transcript: None,
    };
    let program = Program {
        toolchain: tc,
        source,
        binary: &binary,
        rustc_args: [
            "--edition",
            "2021",
            "--crate-name",
            "future_size_corpus",
            "-Cdebuginfo=0",
        ]
        .iter()
        .map(|s| s.to_string())
        .chain([format!("-Copt-level={opt_level}")])
        .collect(),
        cwd: None,
    };
    let CompileAndRun { compile, run } = compile_and_run(&program, *limits);
    build.compile_secs = compile.secs;
    let ran = match run {
        Some(ran) => ran,
        None => {
            build.outcome = format!("build failed: {}", compile.outcome.summary());
            return build;
        }
    };
    if !ran.outcome.is_success() {
        // The program catches its cases' panics; anything else (a crash, a hang) ends up here.
        build.outcome = format!(
            "program failed: {}; stderr: {}",
            ran.outcome.summary(),
            ran.stderr.trim()
        );
        return build;
    }
    match Transcript::parse(&ran.stdout) {
        Ok(t) => {
            build.outcome = "ok".into();
            build.transcript = Some(t);
        }
        Err(e) => build.outcome = format!("unreadable output: {e:#}"),
    }
    build
}
