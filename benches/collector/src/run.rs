//! One benchmark run, start to finish: resolve toolchains, prepare every build (capture the leaf
//! command), measure time (interleaved, serial), count instructions (parallel builds), profile
//! queries where `-Z` works, and keep `results.json` current after every sample.
//!
//! Failure policy: a toolchain that cannot be resolved is listed in the envelope and skipped; a
//! workload a toolchain rejects is "unsupported" with rustc's first error; an ICE, crash or timeout
//! marks that case failed and the run goes on; Ctrl-C stops after the current process, marks the
//! run interrupted and still writes the report of what was measured.

use crate::benchmark::plan::{self, Build, Selection};
use crate::benchmark::{Scenario, Workload};
use crate::execute::capture::{self, Captured};
use crate::execute::metric::{self, MetricChoice, MetricSource};
use crate::execute::selfprofile;
use crate::results::{Case, ResultsFile, RunInfo, RunState, Status, Store, SCHEMA};
use harness::envelope::Envelope;
use harness::process::{self, Cmd};
use harness::rustc::Outcome;
use harness::{ToolchainInfo, Toolchains};
use indicatif::{ProgressBar, ProgressStyle};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Set by the Ctrl-C handler; every loop checks it between processes.
pub static INTERRUPTED: AtomicBool = AtomicBool::new(false);

pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}

#[derive(Clone, Debug)]
pub struct Options {
    /// The toolchains, resolved once from the command line, with the baseline; a toolchain's
    /// flags (`async-fork -Zrelocate-coroutine-upvars=no`) go to the measured (leaf) invocation.
    pub toolchains: Toolchains,
    pub workloads: Vec<Workload>,
    pub selection: Selection,
    pub metric: MetricChoice,
    pub reps: usize,
    pub instr_reps: usize,
    pub out_dir: PathBuf,
    pub work_dir: PathBuf,
    pub jobs: usize,
    pub timeout: Duration,
    pub self_profile: bool,
    pub run_id: String,
    pub repo: PathBuf,
    pub command: String,
    /// Print progress as plain lines instead of a bar (tests, logs).
    pub quiet: bool,
}

/// A prepared build: where it lives and the command to replay (when the capture succeeded).
struct Prepared {
    build: Build,
    dir: PathBuf,
    cmd: Option<Cmd>,
    /// Set when a measurement failed: the build is not run again.
    broken: bool,
}

/// Measure everything; returns the finished results file (also on disk in `out_dir`).
pub fn run(opts: &Options) -> anyhow::Result<ResultsFile> {
    let started = Instant::now();
    let toolchains = &opts.toolchains.usable;
    let unavailable = opts.toolchains.unavailable.clone();
    let (metric_source, metric_note) = match metric::detect(opts.metric) {
        Ok(m) => {
            let note = match (opts.metric, m) {
                (MetricChoice::Auto, MetricSource::Callgrind) => {
                    Some("perf cannot count instructions:u on this machine; using callgrind".to_string())
                }
                (MetricChoice::Auto, MetricSource::None) => {
                    Some("neither perf counters nor valgrind are available: time metrics only".to_string())
                }
                _ => None,
            };
            (m, note)
        }
        Err(e) => anyhow::bail!("metric {:?} is not available: {e}", opts.metric),
    };
    if let Some(n) = &metric_note {
        eprintln!("bench: {n}");
    }
    let baseline = opts.toolchains.baseline().map(|t| t.name.clone()).unwrap_or_default();
    let builds = plan::builds(toolchains.len(), &opts.workloads, &opts.selection);
    let mut data = ResultsFile {
        envelope: Envelope::new(SCHEMA, opts.command.clone(), toolchains.clone(), unavailable),
        run: RunInfo {
            run_id: opts.run_id.clone(),
            collector_version: env!("CARGO_PKG_VERSION").to_string(),
            metric: metric_source,
            metric_note,
            reps: opts.reps,
            instr_reps: if metric_source == MetricSource::Callgrind {
                opts.instr_reps
            } else {
                0
            },
            baseline,
            profiles: opts.selection.profiles.clone(),
            scenarios: opts.selection.scenarios.clone(),
            sweep_profiles: opts.selection.sweep_profiles.clone(),
            started: harness::envelope::utc_now(),
            finished: None,
            duration_s: None,
        },
        workloads: opts.workloads.iter().map(|w| w.record(&opts.repo)).collect(),
        cases: Vec::new(),
        runtime: Vec::new(),
        state: RunState::Running,
    };
    for b in &builds {
        for &s in &b.scenarios {
            data.cases.push(Case::new(
                &toolchains[b.toolchain].name,
                &opts.workloads[b.workload].name,
                b.profile,
                s,
            ));
        }
    }
    let store = Store::create(&opts.out_dir.join("results.json"), data)?;
    if toolchains.is_empty() {
        let mut store = store;
        store.update(|f| f.state = RunState::Complete)?;
        anyhow::bail!("no usable toolchain (see above); {} lists why", store.path().display());
    }
    let store = Arc::new(Mutex::new(store));

    let time_runs = plan::time_order(&builds, opts.reps);
    let instr_runs: usize = match metric_source {
        MetricSource::Callgrind => builds.iter().map(|b| b.scenarios.len() * opts.instr_reps).sum(),
        _ => 0,
    };
    let profiled: usize = match opts.self_profile {
        true => builds.iter().filter(|b| toolchains[b.toolchain].accepts_z()).count(),
        false => 0,
    };
    let total = builds.len() + time_runs.len() + instr_runs + profiled;
    let bar = progress_bar(total as u64, opts.quiet);

    // 1. Prepare: materialise each crate and capture its leaf command.
    let mut prepared = Vec::with_capacity(builds.len());
    for b in &builds {
        if interrupted() {
            break;
        }
        let tc = &toolchains[b.toolchain];
        let w = &opts.workloads[b.workload];
        bar.set_message(format!("prepare {} {} {}", tc.name, w.name, b.profile));
        let dir = opts.work_dir.join(tc.dir_name()).join(&w.name).join(b.profile.name());
        let cmd = match prepare(tc, w, b, &dir, opts.timeout) {
            Ok(mut cmd) => {
                // Cargo prepared the build with the plain toolchain; only the measured leaf
                // invocation carries the spec's flags (last on the line, so they win).
                cmd.args.extend(tc.flags.iter().cloned());
                Some(cmd)
            }
            Err(status) => {
                bar.println(format!(
                    "  {} / {} / {}: {}",
                    tc.name,
                    w.name,
                    b.profile,
                    status.describe()
                ));
                let mut st = store.lock().unwrap();
                st.update(|f| {
                    for &s in &b.scenarios {
                        f.case_mut(&tc.name, &w.name, b.profile, s).status = status.clone();
                    }
                })?;
                None
            }
        };
        if let Some(c) = &cmd {
            let mut st = store.lock().unwrap();
            st.update(|f| {
                for &s in &b.scenarios {
                    f.case_mut(&tc.name, &w.name, b.profile, s).command = Some(scenario_command(c, s, &dir));
                }
            })?;
        }
        prepared.push(Prepared {
            build: b.clone(),
            dir,
            cmd,
            broken: false,
        });
        bar.inc(1);
    }

    // 2. Time and memory: native runs, toolchains interleaved per repetition, one at a time.
    let mut primed = vec![false; prepared.len()];
    for run in &time_runs {
        if interrupted() {
            break;
        }
        let Some(p) = prepared.get(run.build) else { break };
        if p.cmd.is_none() || p.broken {
            bar.inc(1);
            continue;
        }
        let tc = &toolchains[p.build.toolchain].name;
        let w = &opts.workloads[p.build.workload].name;
        bar.set_message(format!(
            "time #{} {tc} {w} {} {}",
            run.rep + 1,
            p.build.profile,
            run.scenario
        ));
        let result = scenario_setup(p, run.scenario, &mut primed[run.build], opts.timeout).and_then(|cmd| {
            let source = if metric_source == MetricSource::Perf {
                MetricSource::Perf
            } else {
                MetricSource::None
            };
            metric::count(source, &cmd, &p.dir, opts.timeout).map_err(|e| Status::Failed {
                reason: format!("cannot run rustc: {e}"),
            })
        });
        if interrupted() {
            break;
        }
        let mut st = store.lock().unwrap();
        match result {
            Ok((m, count, _)) if m.outcome.is_success() => {
                if run.scenario == Scenario::IncrFull {
                    primed[run.build] = true;
                }
                st.update(|f| {
                    let c = f.case_mut(tc, w, p.build.profile, run.scenario);
                    c.wall_s.push(m.wall.as_secs_f64());
                    c.cpu_s.push(m.cpu().as_secs_f64());
                    c.max_rss_kib.push(m.max_rss_kib);
                    c.instructions.extend(count);
                    c.status = Status::Measured;
                })?;
            }
            Ok((m, _, _)) => {
                let status = failure_status(&m.outcome);
                bar.println(format!(
                    "  {tc} / {w} / {} / {}: {}",
                    p.build.profile,
                    run.scenario,
                    status.describe()
                ));
                st.update(|f| {
                    f.case_mut(tc, w, p.build.profile, run.scenario).status = status;
                    skip_rest(f, tc, w, &p.build);
                })?;
                prepared[run.build].broken = true;
            }
            Err(status) => {
                st.update(|f| {
                    f.case_mut(tc, w, p.build.profile, run.scenario).status = status;
                    skip_rest(f, tc, w, &p.build);
                })?;
                prepared[run.build].broken = true;
            }
        }
        drop(st);
        bar.inc(1);
    }

    // 3. Instructions under callgrind: whole builds in parallel (counts do not depend on load).
    if metric_source == MetricSource::Callgrind && !interrupted() {
        let queue: Mutex<Vec<usize>> = Mutex::new((0..prepared.len()).rev().collect());
        std::thread::scope(|scope| {
            for _ in 0..opts.jobs.max(1) {
                scope.spawn(|| {
                    while let Some(i) = {
                        let next = queue.lock().unwrap().pop();
                        next
                    } {
                        if interrupted() {
                            return;
                        }
                        count_build(&prepared[i], toolchains, opts, &store, &bar);
                    }
                });
            }
        });
    }

    // 4. Query profiles where the toolchain accepts -Z (one native run per build, `full` scenario).
    if opts.self_profile {
        for p in &prepared {
            let tc = &toolchains[p.build.toolchain];
            if !tc.accepts_z() || interrupted() {
                continue;
            }
            let w = &opts.workloads[p.build.workload].name;
            if let (Some(cmd), false) = (&p.cmd, p.broken) {
                bar.set_message(format!("self-profile {} {w} {}", tc.name, p.build.profile));
                match selfprofile::profile(cmd, &p.dir.join("self-profile"), 10, opts.timeout) {
                    Ok(q) => {
                        let mut st = store.lock().unwrap();
                        st.update(|f| f.case_mut(&tc.name, w, p.build.profile, Scenario::Full).self_profile = q)?;
                    }
                    Err(e) => bar.println(format!(
                        "  {} / {w} / {}: self-profile unavailable: {e}",
                        tc.name, p.build.profile
                    )),
                }
            }
            bar.inc(1);
        }
    }
    bar.finish_and_clear();

    let mut st = store.lock().unwrap();
    st.update(|f| {
        f.state = match interrupted() {
            true => RunState::Interrupted {
                reason: "interrupted by Ctrl-C (SIGINT); cases not reached are `pending`".into(),
            },
            false => RunState::Complete,
        };
        f.run.finished = Some(harness::envelope::utc_now());
        f.run.duration_s = Some(started.elapsed().as_secs_f64());
    })?;
    Ok(st.data.clone())
}

/// Materialise the crate and capture its leaf command, or say why the build cannot be measured.
fn prepare(tc: &ToolchainInfo, w: &Workload, b: &Build, dir: &Path, timeout: Duration) -> Result<Cmd, Status> {
    if let Some(target) = w.target() {
        if let Some(reason) = tc.target_unavailable(&target) {
            return Err(Status::Skipped { reason });
        }
    }
    let fail = |reason: String| Status::Failed { reason };
    let _ = std::fs::remove_dir_all(dir);
    let crate_dir = dir.join("crate");
    w.materialize(&crate_dir)
        .map_err(|e| fail(format!("cannot write the workload: {e:#}")))?;
    let req = capture::Request {
        cargo: capture::cargo_for(&tc.rustc),
        rustc: tc.rustc.clone(),
        crate_dir,
        target_dir: dir.join("target"),
        profile: b.profile,
        cargo_opts: w.cargo_opts(),
        crate_name: w.crate_name(),
        capture_file: dir.join("leaf-rustc.json"),
        timeout,
    };
    match capture::capture(&req).map_err(|e| fail(format!("capture failed: {e:#}")))? {
        Captured::Ready(cmd) => Ok(capture::location_independent(cmd, dir)),
        Captured::LeafFailed { outcome, .. } => Err(failure_status(&outcome)),
        Captured::CargoFailed { message } => Err(fail(format!("cargo: {message}"))),
    }
}

/// After a failure, the build's scenarios that were not measured yet are not attempted.
fn skip_rest(f: &mut ResultsFile, tc: &str, w: &str, b: &Build) {
    for &s in &b.scenarios {
        let c = f.case_mut(tc, w, b.profile, s);
        if c.status == Status::Pending {
            c.status = Status::Skipped {
                reason: "another scenario of this build failed".into(),
            };
        }
    }
}

/// A compile error means the toolchain does not support the workload; anything else is a failure.
/// Exception: a missing `std`/`core` is the toolchain's fault (an incomplete sysroot), not the
/// workload's, so it is a failure.
fn failure_status(o: &Outcome) -> Status {
    match o {
        Outcome::CompileError { first_error }
            if first_error.contains("can't find crate for `std`")
                || first_error.contains("can't find crate for `core`") =>
        {
            Status::Failed {
                reason: format!("incomplete toolchain: {first_error}"),
            }
        }
        Outcome::CompileError { first_error } => Status::Unsupported {
            first_error: first_error.clone(),
        },
        other => Status::Failed {
            reason: other.summary(),
        },
    }
}

fn incr_dir(dir: &Path) -> PathBuf {
    dir.join("incr")
}

fn with_incremental(cmd: &Cmd, dir: &Path) -> Cmd {
    let mut c = cmd.clone();
    c.args.push(format!("-Cincremental={}", incr_dir(dir).display()));
    c
}

/// The command line recorded for a case.
fn scenario_command(cmd: &Cmd, s: Scenario, dir: &Path) -> String {
    match s {
        Scenario::Full => cmd.display(),
        _ => with_incremental(cmd, dir).display(),
    }
}

/// Bring the incremental cache into the state the scenario needs and return the command to measure.
/// `primed` says whether the cache holds an `incr-full` build of this build.
fn scenario_setup(p: &Prepared, s: Scenario, primed: &mut bool, timeout: Duration) -> Result<Cmd, Status> {
    let cmd = p.cmd.as_ref().expect("prepared");
    match s {
        Scenario::Full => Ok(cmd.clone()),
        Scenario::IncrFull => {
            let _ = std::fs::remove_dir_all(incr_dir(&p.dir));
            *primed = false;
            Ok(with_incremental(cmd, &p.dir))
        }
        Scenario::IncrUnchanged => {
            let c = with_incremental(cmd, &p.dir);
            if !*primed {
                let _ = std::fs::remove_dir_all(incr_dir(&p.dir));
                let m = process::run(&c, timeout).map_err(|e| Status::Failed {
                    reason: format!("cannot run rustc: {e}"),
                })?;
                if !m.outcome.is_success() {
                    return Err(failure_status(&m.outcome));
                }
                *primed = true;
            }
            Ok(c)
        }
    }
}

/// All instruction counts of one build (every scenario, every counted repetition).
fn count_build(p: &Prepared, toolchains: &[ToolchainInfo], opts: &Options, store: &Mutex<Store>, bar: &ProgressBar) {
    let n = p.build.scenarios.len() * opts.instr_reps;
    if p.cmd.is_none() || p.broken {
        bar.inc(n as u64);
        return;
    }
    let tc = &toolchains[p.build.toolchain].name;
    let w = &opts.workloads[p.build.workload].name;
    let mut primed = false;
    for &s in &p.build.scenarios {
        for rep in 0..opts.instr_reps {
            if interrupted() {
                return;
            }
            bar.set_message(format!("callgrind #{} {tc} {w} {} {s}", rep + 1, p.build.profile));
            let result = scenario_setup(p, s, &mut primed, opts.timeout).and_then(|cmd| {
                metric::count(MetricSource::Callgrind, &cmd, &p.dir, opts.timeout).map_err(|e| Status::Failed {
                    reason: format!("cannot run valgrind: {e}"),
                })
            });
            if interrupted() {
                return;
            }
            let mut st = store.lock().unwrap();
            let saved = match result {
                Ok((_, Some(count), note)) => {
                    if s == Scenario::IncrFull {
                        primed = true;
                    }
                    st.update(|f| {
                        let c = f.case_mut(tc, w, p.build.profile, s);
                        c.instructions.push(count);
                        if let Some(n) = note {
                            if !c.notes.contains(&n) {
                                c.notes.push(n);
                            }
                        }
                        if c.status == Status::Pending {
                            c.status = Status::Measured;
                        }
                    })
                }
                Ok((m, None, _)) => {
                    let status = match (m.outcome.is_success(), failure_status(&m.outcome)) {
                        (true, _) => Status::Failed {
                            reason: "callgrind wrote no instruction count".into(),
                        },
                        // The native runs may have succeeded; say which measurement failed.
                        (false, Status::Failed { reason }) => Status::Failed {
                            reason: format!("under callgrind: {reason}"),
                        },
                        (false, other) => other,
                    };
                    bar.println(format!(
                        "  {tc} / {w} / {} / {s} (callgrind): {}",
                        p.build.profile,
                        status.describe()
                    ));
                    st.update(|f| f.case_mut(tc, w, p.build.profile, s).status = status)
                }
                Err(status) => st.update(|f| f.case_mut(tc, w, p.build.profile, s).status = status),
            };
            if let Err(e) = saved {
                bar.println(format!("bench: cannot save results: {e:#}"));
            }
            drop(st);
            bar.inc(1);
        }
    }
}

fn progress_bar(total: u64, quiet: bool) -> ProgressBar {
    if quiet {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(total);
    bar.set_style(
        ProgressStyle::with_template("{elapsed_precise} [{bar:30}] {pos}/{len} ETA {eta} {wide_msg}")
            .expect("valid template")
            .progress_chars("=> "),
    );
    bar.enable_steady_tick(Duration::from_millis(500));
    bar
}
