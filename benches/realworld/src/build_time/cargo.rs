//! The cargo commands of a build-time run: `cargo fetch` before any timing, then each timed clean
//! build, `cargo build --release --locked --offline` in a fresh empty target directory.
//!
//! Both run exactly as the measuring builds of [`crate::build`] do (the same cargo, environment,
//! `RUSTC_BOOTSTRAP` and linker: [`crate::build::cargo_command`], and the same arguments:
//! [`crate::build::common_args`]), so a timed build compiles what a measured one does: the
//! application, every dependency and build script, and, with `-Zbuild-std`, `core` and `alloc`.
//! With a wrapper ([`CleanBuild::wrapper`]), every compilation's own cost is logged as well
//! ([`harness::units`]), so a report can say which compilations a difference comes from.

use super::report::{BuildOutcome, Cost};
use crate::app::App;
use crate::build::{cargo_command, cargo_for, common_args, failure, BuildSettings};
use crate::plan::CoreClass;
use harness::rustc::Outcome;
use harness::toolchain::CoreProvision;
use harness::units::{read_log, UnitCost, LOG_ENV};
use harness::ToolchainInfo;
use std::path::PathBuf;

/// What one timed build gave.
#[derive(Clone, Debug, PartialEq)]
pub struct Attempt {
    pub outcome: BuildOutcome,
    /// Absent when cargo could not be started.
    pub cost: Option<Cost>,
    /// How the build was made (linker, `RUSTC_BOOTSTRAP`), for the report.
    pub notes: Vec<String>,
    /// Every compilation of the build, when it ran with the timing wrapper.
    pub units: Vec<UnitCost>,
}

/// What a build-time run needs done: [`CleanBuild`] runs cargo; tests put in their own.
pub trait Builder {
    /// Make every source the builds of `app` with `toolchain` and `provision` need available
    /// offline; `Err` is the first error line.
    fn fetch(&mut self, app: &App, toolchain: &ToolchainInfo, provision: CoreProvision) -> Result<(), String>;
    /// One timed clean build.
    fn build(&mut self, app: &App, toolchain: &ToolchainInfo, class: CoreClass, provision: CoreProvision) -> Attempt;
}

/// The real builds, with cargo.
pub struct CleanBuild<'a> {
    pub settings: &'a BuildSettings<'a>,
    /// An executable that calls [`harness::units::wrapper_main`] first (the `realworld` binary):
    /// cargo runs every compilation through it, and each one's cost is logged.
    pub wrapper: Option<PathBuf>,
}

impl CleanBuild<'_> {
    /// Under which every build gets its own fresh target directory: `<work_dir>/target/build-time`.
    pub fn scratch(&self) -> PathBuf {
        self.settings.work_dir.join("target/build-time")
    }
}

impl Builder for CleanBuild<'_> {
    fn fetch(&mut self, app: &App, toolchain: &ToolchainInfo, provision: CoreProvision) -> Result<(), String> {
        let cargo = cargo_for(toolchain);
        let (inv, _) = cargo_command(&cargo, app, toolchain, provision, self.settings);
        let mut inv = inv.args(["fetch", "--locked", "--target", self.settings.target.triple()]);
        if let CoreProvision::BuildStd { .. } = provision {
            inv = inv.arg("-Zbuild-std=core,alloc");
        }
        let finished = inv
            .run()
            .map_err(|e| format!("cannot start {}: {e}", cargo.display()))?;
        match finished.outcome {
            Outcome::Success => Ok(()),
            _ => Err(failure("fetch", &finished).first_error),
        }
    }

    fn build(&mut self, app: &App, toolchain: &ToolchainInfo, _class: CoreClass, provision: CoreProvision) -> Attempt {
        let cargo = cargo_for(toolchain);
        let (inv, notes) = cargo_command(&cargo, app, toolchain, provision, self.settings);
        let failed = |first_error: String| Attempt {
            outcome: BuildOutcome::Failed { first_error },
            cost: None,
            notes: notes.clone(),
            units: vec![],
        };
        let scratch = self.scratch();
        // Removed when dropped, after the build: deleting it is not timed.
        let target_dir = match std::fs::create_dir_all(&scratch).and_then(|_| {
            tempfile::Builder::new()
                .prefix(&format!("{}-{}-", app.name, toolchain.dir_name()))
                .tempdir_in(&scratch)
        }) {
            Ok(dir) => dir,
            Err(e) => return failed(format!("cannot make a target directory in {}: {e}", scratch.display())),
        };
        let mut inv = inv
            .arg("build")
            .args(common_args(provision, self.settings, target_dir.path()))
            .args(["--locked", "--offline"]);
        // In the build's own target directory, so it goes with it.
        let log = target_dir.path().join("compilations.jsonl");
        if let Some(wrapper) = &self.wrapper {
            inv = inv.env("RUSTC_WRAPPER", wrapper).env(LOG_ENV, &log);
        }
        let finished = match inv.run() {
            Ok(f) => f,
            Err(e) => return failed(format!("cannot start {}: {e}", cargo.display())),
        };
        let outcome = match finished.outcome {
            Outcome::Success => BuildOutcome::Ok,
            _ => BuildOutcome::Failed {
                first_error: failure("build", &finished).first_error,
            },
        };
        let (units, torn) = read_log(&log);
        if torn > 0 {
            eprintln!("realworld:   {torn} line(s) of {} could not be read", log.display());
        }
        Attempt {
            outcome,
            cost: Some(Cost::of(&finished)),
            notes,
            units,
        }
    }
}
