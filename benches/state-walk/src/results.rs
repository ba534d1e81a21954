//! The results file `<out>/<stem>.json` (schema `state-walk/1`), written after every step, and
//! beside it `<stem>.md` ([`crate::report`]), `<stem>-logs/<program>.log` (the baseline's
//! whole output of each program) and, when something is wrong, `<stem>-failures/` with one
//! reproducer per problem.
//!
//! The file starts with the harness envelope (command, date, machine, every native toolchain with
//! its `rustc -vV`, flags and fork series, and those that could not be used), then `settings`
//! (opt levels, rustc arguments, valgrind, each Miri toolchain with its `miri --version`),
//! `programs`, one record per native build (`native`: compile, run, memcheck, and how its log
//! compares with the baseline's), one per Miri run (`miri`), the `verdict` and the `state`
//! (`running`, `complete`, or `interrupted` with the reason: Ctrl-C, or a toolchain rebuilt
//! under the run).

use crate::program::Program;
use crate::step::{Miri, Stage};
use crate::transcript::{Difference, Layout, Totals};
use difftest::build::OptLevel;
use difftest::memcheck::MemcheckRun;
use harness::envelope::Envelope;
use serde::Serialize;
use std::path::PathBuf;

pub const SCHEMA: &str = "state-walk/1";

#[derive(Clone, Debug, Serialize)]
pub struct Results {
    #[serde(flatten)]
    pub envelope: Envelope,
    /// `git describe --always --dirty` of this repository.
    pub repo_commit: Option<String>,
    pub settings: Settings,
    pub programs: Vec<Program>,
    pub native: Vec<NativeRecord>,
    pub miri: Vec<MiriRecord>,
    pub verdict: Verdict,
    pub state: State,
    /// Steps planned and steps done.
    pub steps_planned: usize,
    pub steps_done: usize,
    pub duration_secs: f64,
}

#[derive(Clone, Debug, Serialize)]
pub struct Settings {
    pub programs_dir: PathBuf,
    pub opts: Vec<OptLevel>,
    /// The rustc arguments of a native build, before the program's directives and the
    /// toolchain's flags (`<opt>` stands for each opt level).
    pub rustc_args: String,
    /// The toolchain every log is compared with (its build at the first opt level).
    pub baseline: String,
    pub memcheck: Option<MemcheckSettings>,
    pub miri: Vec<Miri>,
    /// Miri toolchains that were asked for but cannot be used, and why.
    pub miri_unavailable: Vec<String>,
    pub timeouts_secs: Timeouts,
}

#[derive(Clone, Debug, Serialize)]
pub struct MemcheckSettings {
    pub valgrind: PathBuf,
    pub version: String,
    pub args: Vec<String>,
}

#[derive(Clone, Copy, Debug, Serialize)]
pub struct Timeouts {
    pub compile: f64,
    pub run: f64,
    pub memcheck: f64,
    pub miri: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum State {
    Running,
    Complete,
    Interrupted { reason: String },
}

/// How a log compares with the baseline's.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LogCheck {
    /// This is the baseline log.
    Baseline,
    Same,
    Differs(Difference),
    /// The baseline has no log for this program (it failed), so nothing was compared.
    NoBaseline,
}

/// What a program printed, summarised.
#[derive(Clone, Debug, Serialize)]
pub struct LogRecord {
    pub totals: Option<Totals>,
    pub lines: usize,
    pub digest: String,
    pub check: LogCheck,
}

#[derive(Clone, Debug, Serialize)]
pub struct NativeRecord {
    pub program: String,
    pub toolchain: String,
    pub opt: OptLevel,
    pub compile: Stage,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run: Option<RunRecord>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub memcheck: Option<MemcheckRun>,
    /// The reproducer written for this build's problem, if it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reproducer: Option<PathBuf>,
}

#[derive(Clone, Debug, Serialize)]
pub struct RunRecord {
    pub stage: Stage,
    pub log: LogRecord,
    pub layouts: Vec<Layout>,
    /// What is wrong with the native run (exit, timeout, missing summary), if anything.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
}

impl NativeRecord {
    pub fn label(&self) -> String {
        format!("{} O{}", self.toolchain, self.opt)
    }

    /// Everything wrong with this build, one line each: the build, the run, the log, memcheck.
    pub fn problems(&self) -> Vec<String> {
        let mut p = Vec::new();
        if !self.compile.outcome.is_success() {
            p.push(format!("build: {}", self.compile.outcome.summary()));
        }
        if let Some(r) = &self.run {
            if let Some(e) = &r.problem {
                p.push(format!("run: {e}"));
            }
            if let LogCheck::Differs(d) = &r.log.check {
                p.push(format!("log differs from the baseline's at {d}"));
            }
        }
        if let Some(m) = self.memcheck.as_ref().and_then(MemcheckRun::problem) {
            p.push(format!("memcheck: {m}"));
        }
        p
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct MiriRecord {
    pub program: String,
    /// The Miri toolchain spec (with its flags).
    pub miri: String,
    pub stage: Stage,
    pub log: LogRecord,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reproducer: Option<PathBuf>,
}

impl MiriRecord {
    pub fn problems(&self) -> Vec<String> {
        let mut p: Vec<String> = self.problem.iter().map(|e| format!("Miri: {e}")).collect();
        if let LogCheck::Differs(d) = &self.log.check {
            p.push(format!("log under Miri differs from the baseline's at {d}"));
        }
        p
    }
}

/// The counts a reader wants first.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Verdict {
    pub programs: usize,
    /// Walked by each program's baseline run, summed.
    pub walked: Totals,
    pub native_runs: usize,
    /// Builds that failed to compile or whose run failed.
    pub native_failures: usize,
    /// Runs (native) whose log differs from the baseline's.
    pub log_differences: usize,
    pub memcheck_runs: usize,
    /// Errors counted by memcheck over all runs.
    pub memcheck_errors: u64,
    /// Runs under memcheck with any problem (errors, another output, a crash).
    pub memcheck_unclean: usize,
    pub miri_runs: usize,
    /// Miri runs that reported an error (undefined behaviour, a leak, ...) or failed.
    pub miri_errors: usize,
    pub miri_log_differences: usize,
    /// Nothing wrong anywhere, and the run completed.
    pub clean: bool,
}

impl Verdict {
    pub fn of(r: &Results) -> Verdict {
        let mut v = Verdict {
            programs: r.programs.len(),
            ..Verdict::default()
        };
        for n in &r.native {
            let run = n.run.as_ref();
            if run.is_some_and(|r| r.log.check == LogCheck::Baseline) {
                v.walked += run.and_then(|r| r.log.totals).unwrap_or_default();
            }
            v.native_runs += usize::from(run.is_some());
            if !n.compile.outcome.is_success() || run.is_some_and(|r| r.problem.is_some()) {
                v.native_failures += 1;
            }
            if run.is_some_and(|r| matches!(r.log.check, LogCheck::Differs(_))) {
                v.log_differences += 1;
            }
            if let Some(m) = &n.memcheck {
                v.memcheck_runs += 1;
                v.memcheck_errors += m.errors.unwrap_or(0);
                v.memcheck_unclean += usize::from(m.problem().is_some());
            }
        }
        for m in &r.miri {
            v.miri_runs += 1;
            v.miri_errors += usize::from(m.problem.is_some());
            v.miri_log_differences += usize::from(matches!(m.log.check, LogCheck::Differs(_)));
        }
        v.clean = r.state == State::Complete
            && v.native_failures == 0
            && v.log_differences == 0
            && v.memcheck_unclean == 0
            && v.miri_errors == 0
            && v.miri_log_differences == 0
            && v.native_runs > 0;
        v
    }
}
