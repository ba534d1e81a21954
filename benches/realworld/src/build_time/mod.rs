//! `realworld --build-time`: how much CPU and wall time a clean release build of each application,
//! with all its dependencies, takes with each toolchain.
//!
//! 1. Every application's sources are fetched with each toolchain's cargo and core provision
//!    (`cargo fetch --locked`), untimed, so the network never counts; a fetch that fails makes
//!    that toolchain's builds of the application skips with the reason.
//! 2. [`schedule`]: `--reps` repetitions, each building every application with every toolchain,
//!    the toolchain order reversed every other repetition.
//! 3. [`cargo`]: each build is `cargo build --release --locked --offline` with the environment of
//!    the measuring builds ([`crate::build`]), in a fresh empty target directory: the application,
//!    every dependency and build script, and with `-Zbuild-std` `core` and `alloc`. It is timed
//!    by the harness's process runner: wall time of cargo, user and system time of cargo and of
//!    every process it waited for (`wait4`'s rusage), max RSS.
//! 4. [`report`]: `build-time.json` and `build-time.md`, rewritten after every build so an
//!    interrupted run keeps what it measured. A failed build is recorded with its first error
//!    line and the run goes on.

pub mod cargo;
pub mod report;
pub mod schedule;

use crate::app::App;
use crate::plan::{plan, CoreClass};
use anyhow::Context as _;
use cargo::Builder;
use harness::{Target, ToolchainInfo};
use report::{BuildOutcome, BuildTimeReport, Measurement, Skip};
use std::path::Path;
use std::time::Instant;

/// The stem of the output files: `<out-dir>/build-time.{json,md}`.
pub const STEM: &str = "build-time";

/// The machine's 1-minute load average, if `/proc/loadavg` can be read.
fn load_average() -> Option<f64> {
    std::fs::read_to_string("/proc/loadavg")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

fn write(report: &BuildTimeReport, out_dir: &Path) -> anyhow::Result<()> {
    harness::report::write_pair(out_dir, STEM, report, &report.markdown())
        .map(|_| ())
        .with_context(|| format!("writing {STEM}.json in {}", out_dir.display()))
}

/// Fetches, then runs every build of the schedule with `builder`, adding each to `report` (whose
/// envelope, method, baseline and `reps` the caller has set) and rewriting `<out_dir>/build-time.{json,md}`
/// after each. Only failing to write the files stops the run.
pub fn run(
    report: &mut BuildTimeReport,
    toolchains: &[ToolchainInfo],
    apps: &[App],
    classes: &[CoreClass],
    target: &Target,
    out_dir: &Path,
    builder: &mut impl Builder,
) -> anyhow::Result<()> {
    let mut steps = plan(toolchains, classes, apps.len(), target);
    for step in &mut steps {
        let (tc, app) = (&toolchains[step.toolchain], &apps[step.app]);
        if let Ok(provision) = step.provision {
            eprintln!(
                "realworld: fetching the sources of {} for `{}` ({})",
                app.name, tc.name, step.class
            );
            if let Err(e) = builder.fetch(app, tc, provision) {
                step.provision = Err(format!("cargo fetch failed: {e}"));
            }
        }
        if let Err(reason) = &step.provision {
            eprintln!(
                "realworld: {} with `{}` ({}): not built: {reason}",
                app.name, tc.name, step.class
            );
            report.skipped.push(Skip {
                app: app.name.clone(),
                toolchain: tc.name.clone(),
                class: step.class,
                reason: reason.clone(),
            });
        }
    }
    let jobs = schedule::schedule(&steps, toolchains.len(), report.reps);
    report.planned = report.builds.len() + jobs.len();
    write(report, out_dir)?;
    let start = Instant::now();
    for (i, job) in jobs.iter().enumerate() {
        let (tc, app) = (&toolchains[job.toolchain], &apps[job.app]);
        let elapsed = start.elapsed().as_secs();
        eprintln!(
            "realworld: build-time [{}/{}, {}m{:02}s] rep {}/{}: {} with `{}` ({}, {}): clean release build",
            i + 1,
            jobs.len(),
            elapsed / 60,
            elapsed % 60,
            job.rep,
            report.reps,
            app.name,
            tc.name,
            job.class,
            job.provision
        );
        let load_before = load_average();
        let attempt = builder.build(app, tc, job.class, job.provision);
        match (&attempt.outcome, &attempt.cost) {
            (BuildOutcome::Ok, Some(c)) => eprintln!(
                "realworld:   ok: wall {:.1} s, CPU {:.1} s (user {:.1} + sys {:.1}), max RSS {:.0} MiB",
                c.wall_secs,
                c.cpu_secs(),
                c.user_secs,
                c.sys_secs,
                c.max_rss_kib as f64 / 1024.0
            ),
            (BuildOutcome::Ok, None) => eprintln!("realworld:   ok"),
            (BuildOutcome::Failed { first_error }, _) => eprintln!("realworld:   failed: {first_error}"),
        }
        for note in attempt.notes {
            let note = format!("`{}`: {note}", tc.name);
            if !report.notes.contains(&note) {
                report.notes.push(note);
            }
        }
        report.builds.push(Measurement {
            app: app.name.clone(),
            toolchain: tc.name.clone(),
            class: job.class,
            core: job.provision,
            rep: job.rep,
            outcome: attempt.outcome,
            cost: attempt.cost,
            load_before,
            units: attempt.units,
        });
        write(report, out_dir)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::cargo::Attempt;
    use super::report::{tests::measurement, Cost, Method};
    use super::*;
    use harness::envelope::Envelope;
    use harness::target::CORTEX_M4F;
    use harness::toolchain::{CoreProvision, VersionInfo};

    fn toolchain(name: &str, with_core: bool) -> ToolchainInfo {
        let verbose =
            format!("rustc 1.95.0 ({name})\nbinary: rustc\nhost: x86_64-unknown-linux-gnu\nrelease: 1.95.0\n");
        ToolchainInfo {
            name: name.into(),
            rustc: "/nonexistent/rustc".into(),
            sysroot: "/nonexistent".into(),
            version: VersionInfo::parse(&verbose).unwrap(),
            targets_with_core: match with_core {
                true => vec![Target::new(CORTEX_M4F)],
                false => vec![],
            },
            fork: None,
            flags: vec![],
            rust_src: false,
            build_std: false,
        }
    }

    fn report(toolchains: &[ToolchainInfo], baseline: &str, reps: u32) -> BuildTimeReport {
        BuildTimeReport {
            envelope: Envelope::new(
                report::SCHEMA,
                "realworld --build-time".into(),
                toolchains.to_vec(),
                vec![],
            ),
            method: Method {
                target: CORTEX_M4F.into(),
                profile: "release".into(),
                build: "`cargo build --release`.".into(),
                metric: "CPU = user + sys.".into(),
                order: "Interleaved.".into(),
                jobs: "1".into(),
            },
            baseline: Some(baseline.into()),
            reps,
            planned: 0,
            skipped: vec![],
            notes: vec![],
            builds: vec![],
        }
    }

    /// Fails the fetch of `y` with `b`, and `b`'s builds in repetition 2; checks at every build
    /// that the files on disk hold every build before it.
    struct Fake {
        out: std::path::PathBuf,
        calls: Vec<(u32, String, String)>,
        rep: u32,
    }

    impl Builder for Fake {
        fn fetch(&mut self, app: &App, toolchain: &ToolchainInfo, _: CoreProvision) -> Result<(), String> {
            match (app.name.as_str(), toolchain.name.as_str()) {
                ("y", "b") => Err("error: failed to download `embassy-executor`".into()),
                _ => Ok(()),
            }
        }

        fn build(&mut self, app: &App, toolchain: &ToolchainInfo, _: CoreClass, _: CoreProvision) -> Attempt {
            let (on_disk, md): (BuildTimeReport, String) = harness::report::read_pair(&self.out, STEM).unwrap();
            assert_eq!(on_disk.builds.len(), self.calls.len());
            assert_eq!(on_disk.planned, 6);
            assert!(
                md.contains(&format!("**Partial:** {} of 6 builds done", self.calls.len())),
                "{md}"
            );
            // The schedule is not passed to the builder: the rep is counted here, from the order.
            if self.calls.len() == 3 {
                self.rep = 2;
            }
            self.calls.push((self.rep, toolchain.name.clone(), app.name.clone()));
            let fail = toolchain.name == "b" && self.rep == 2;
            Attempt {
                outcome: match fail {
                    true => BuildOutcome::Failed {
                        first_error: "error: internal compiler error: injected".into(),
                    },
                    false => BuildOutcome::Ok,
                },
                cost: Some(Cost {
                    wall_secs: 2.0,
                    user_secs: 1.5,
                    sys_secs: 0.25,
                    max_rss_kib: 2048,
                }),
                notes: vec!["built with RUSTC_BOOTSTRAP=1 (a release rustc)".into()],
                units: vec![],
            }
        }
    }

    #[test]
    fn a_run_records_every_build_as_it_goes_and_goes_on_after_failures() {
        let dir = tempfile::tempdir().unwrap();
        let toolchains = [toolchain("a", true), toolchain("b", true), toolchain("c", false)];
        let apps: Vec<App> = ["x", "y"]
            .iter()
            .map(|n| App {
                name: n.to_string(),
                dir: "/nonexistent".into(),
            })
            .collect();
        let mut r = report(&toolchains, "a", 2);
        let mut fake = Fake {
            out: dir.path().to_path_buf(),
            calls: vec![],
            rep: 1,
        };
        let target = Target::new(CORTEX_M4F);
        run(
            &mut r,
            &toolchains,
            &apps,
            &[CoreClass::Prebuilt],
            &target,
            dir.path(),
            &mut fake,
        )
        .unwrap();
        let calls: Vec<(u32, &str, &str)> = fake
            .calls
            .iter()
            .map(|(r, t, a)| (*r, t.as_str(), a.as_str()))
            .collect();
        // `b` has no build of `y` (its fetch failed) and `c` none at all (no core); repetition 2
        // visits the toolchains in reverse.
        assert_eq!(
            calls,
            [
                (1, "a", "x"),
                (1, "a", "y"),
                (1, "b", "x"),
                (2, "b", "x"),
                (2, "a", "x"),
                (2, "a", "y")
            ]
        );
        let reps: Vec<u32> = r.builds.iter().map(|b| b.rep).collect();
        assert_eq!(reps, [1, 1, 1, 2, 2, 2]);
        let (on_disk, md): (BuildTimeReport, String) = harness::report::read_pair(dir.path(), STEM).unwrap();
        assert!(on_disk.complete() && on_disk.builds == r.builds);
        assert!(!md.contains("Partial"), "{md}");
        let skipped: Vec<(&str, &str)> = on_disk
            .skipped
            .iter()
            .map(|s| (s.app.as_str(), s.toolchain.as_str()))
            .collect();
        assert_eq!(skipped, [("y", "b"), ("x", "c"), ("y", "c")]);
        assert!(
            on_disk.skipped[1].reason.contains("no prebuilt core"),
            "{:?}",
            on_disk.skipped
        );
        assert!(
            md.contains("- `b`: not built: cargo fetch failed: error: failed to download"),
            "{md}"
        );
        assert!(
            md.contains("- `b` rep 2: failed: error: internal compiler error: injected"),
            "{md}"
        );
        assert_eq!(
            on_disk.notes,
            [
                "`a`: built with RUSTC_BOOTSTRAP=1 (a release rustc)",
                "`b`: built with RUSTC_BOOTSTRAP=1 (a release rustc)"
            ]
        );
        let b = report::summarize(&on_disk.builds, "x", CoreClass::Prebuilt, "b");
        assert_eq!((b.ok, b.attempted), (1, 2));
    }

    #[test]
    fn renders_a_table_per_app_with_ratios_to_the_baseline() {
        let toolchains = [
            toolchain("1.95.0", true),
            toolchain("fork", true),
            toolchain("broken", true),
        ];
        let mut r = report(&toolchains, "1.95.0", 3);
        for rep in 1..=3 {
            let f = rep as f64;
            r.builds.push(measurement("1.95.0", rep, 30.0 + f, 28.0 + f, true));
            r.builds.push(measurement("fork", rep, 40.0 + f, 36.0 + f, rep != 2));
            r.builds.push(measurement("broken", rep, 1.0, 1.0, false));
        }
        r.planned = r.builds.len();
        let table = r.table("app", CoreClass::Prebuilt).render();
        assert_eq!(
            table,
            "| toolchain | builds ok | wall min (s) | wall median (s) | CPU min (s) | CPU median (s) | max RSS (MiB) | CPU / base | wall / base |\n\
             |---|---:|---:|---:|---:|---:|---:|---:|---:|\n\
             | `1.95.0` | 3 of 3 | 31.00 | 32.00 | 29.00 | 30.00 | 3 | 1 (base) | 1 (base) |\n\
             | `fork` | 2 of 3 | 41.00 | 42.00 | 37.00 | 38.00 | 3 | 1.267 | 1.312 |\n\
             | `broken` | 0 of 3 | - | - | - | - | - | - | - |\n"
        );
        let md = r.markdown();
        assert!(md.contains("## app, prebuilt core\n\n| toolchain |"), "{md}");
        assert!(
            md.contains("- `fork` rep 2: failed: error: could not compile `app`"),
            "{md}"
        );
        assert!(md.contains(&r.envelope.machine.cpu_model), "{md}");
        assert!(md.contains("CPU = user + sys."), "{md}");
        assert!(!md.contains("Partial"), "{md}");
        // No baseline among the builds: no ratios.
        r.baseline = Some("other".into());
        assert!(r.table("app", CoreClass::Prebuilt).render().contains("| 3 | - | - |"));
    }
}
