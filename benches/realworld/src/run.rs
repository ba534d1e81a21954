//! A run: the plan's builds one after the other, each measured or reported with why not, with
//! progress on stderr (what builds now, how many are left, elapsed time). A failure never stops
//! the run.

use crate::app::App;
use crate::build::{build, BuildSettings};
use crate::measure;
use crate::plan::{plan, CoreClass};
use crate::report::{BuildResult, Status};
use harness::ToolchainInfo;
use std::time::Instant;

/// Builds and measures every step of the plan.
pub fn run(
    toolchains: &[ToolchainInfo],
    apps: &[App],
    classes: &[CoreClass],
    settings: &BuildSettings,
) -> Vec<BuildResult> {
    let steps = plan(toolchains, classes, apps.len(), settings.target);
    let start = Instant::now();
    let mut results = Vec::new();
    for (i, step) in steps.iter().enumerate() {
        let (tc, app) = (&toolchains[step.toolchain], &apps[step.app]);
        let mut r = BuildResult {
            app: app.name.clone(),
            toolchain: tc.name.clone(),
            class: step.class,
            core: step.provision.as_ref().ok().copied(),
            status: Status::Measured,
            cargo: None,
            build_secs: None,
            sections: None,
            tasks: Default::default(),
            futures: Default::default(),
            panic_sites: None,
            notes: Vec::new(),
        };
        let elapsed = start.elapsed().as_secs();
        let head = format!(
            "realworld: [{}/{}, {}m{:02}s] {} with `{}` ({})",
            i + 1,
            steps.len(),
            elapsed / 60,
            elapsed % 60,
            app.name,
            tc.name,
            step.class
        );
        let provision = match &step.provision {
            Ok(p) => *p,
            Err(reason) => {
                eprintln!("{head}: skipped: {reason}");
                r.status = Status::Skipped { reason: reason.clone() };
                results.push(r);
                continue;
            }
        };
        eprintln!("{head}: building ({provision})");
        match build(app, tc, step.class, provision, settings) {
            Err(f) => {
                eprintln!("realworld:   {} failed: {}", f.step, f.first_error);
                r.status = Status::Failed {
                    step: f.step.into(),
                    first_error: f.first_error,
                };
            }
            Ok(built) => {
                r.cargo = Some(built.cargo.display().to_string());
                r.build_secs = Some((built.build_secs * 10.0).round() / 10.0);
                r.notes = built.notes;
                r.futures = measure::future_sizes(&built.print_type_sizes, &app.crate_name(), &built.dependencies);
                match firmware_runner::measure::sections(&built.image) {
                    Ok(s) => r.sections = Some(s),
                    Err(e) => r.notes.push(format!("sections: {e}")),
                }
                match measure::task_storage(&built.image, &app.crate_name()) {
                    Ok(t) => r.tasks = t,
                    Err(e) => r.notes.push(format!("task storage: {e}")),
                }
                match firmware_runner::measure::panic_sites(&built.image) {
                    Ok(p) => r.panic_sites = Some(p),
                    Err(e) => r.notes.push(format!("panic call sites: {e}")),
                }
                eprintln!(
                    "realworld:   task RAM {} B in {} tasks, flash {} B, {} futures",
                    r.task_ram(),
                    r.tasks.len(),
                    r.flash().unwrap_or(0),
                    r.futures.len()
                );
            }
        }
        results.push(r);
    }
    results
}
