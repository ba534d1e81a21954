//! Building and running the corpus program with one toolchain at one opt level.
//!
//! The program is compiled by the toolchain's real rustc (not the rustup proxy) directly: one
//! source file, std, edition 2021, no Cargo, so nothing but the compiler varies between runs.
//! Both the compile and the run are bounded in time; a failure of either is recorded as the
//! build's outcome and reported, never a panic of the harness.

use crate::transcript::Transcript;
use harness::rustc::Invocation;
use harness::ToolchainInfo;
use serde::Serialize;
use std::path::Path;
use std::time::Duration;

/// How long compiling or running the corpus program may take.
#[derive(Clone, Debug)]
pub struct Limits {
    pub compile: Duration,
    pub run: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            compile: Duration::from_secs(600),
            run: Duration::from_secs(60),
        }
    }
}

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
    let label: String = tc
        .name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    let binary = work_dir.join(format!("corpus-{label}-O{opt_level}"));
    let mut build = Build {
        toolchain: tc.name.clone(),
        opt_level,
        rustc_flags: tc.flags.clone(),
        outcome: String::new(),
        compile_secs: 0.0,
        transcript: None,
    };
    let compile = Invocation::new(&tc.rustc)
        .args([
            "--edition",
            "2021",
            "--crate-name",
            "future_size_corpus",
            "-Cdebuginfo=0",
        ])
        .arg(format!("-Copt-level={opt_level}"))
        .args(&tc.flags)
        .arg("-o")
        .arg(&binary)
        .arg(source)
        .timeout(limits.compile);
    let compiled = match compile.run() {
        Ok(f) => f,
        Err(e) => {
            build.outcome = format!("rustc did not start: {e}");
            return build;
        }
    };
    build.compile_secs = compiled.wall.as_secs_f64();
    if !compiled.outcome.is_success() {
        build.outcome = format!("build failed: {}", compiled.outcome.summary());
        return build;
    }
    let ran = match Invocation::new(&binary).timeout(limits.run).run() {
        Ok(f) => f,
        Err(e) => {
            build.outcome = format!("program did not start: {e}");
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
