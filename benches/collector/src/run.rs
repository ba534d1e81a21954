//! One benchmark run, start to finish: resolve toolchains, prepare every build (capture the leaf
//! command), measure time (interleaved, serial), count instructions (parallel builds), profile
//! queries where `-Z` works, and keep `results.json` current after every sample.
//!
//! Failure policy: a toolchain that cannot be resolved is listed in the envelope and skipped; a
//! workload a toolchain rejects is "unsupported" with rustc's first error; an ICE, crash or timeout
//! marks that case failed and the run goes on; Ctrl-C stops after the current process, marks the
//! run interrupted and still writes the report of what was measured.

use crate::benchmark::plan::{self, Build, Selection, TimedRun};
use crate::benchmark::{Scenario, Workload};
use crate::execute::capture::{self, Captured};
use crate::execute::metric::{self, Counted, MetricChoice, MetricSource};
use crate::execute::selfprofile;
use crate::results::{Case, ResultsFile, RunInfo, RunState, Status, Store, SCHEMA};
use harness::envelope::Envelope;
use harness::process::{self, Cmd};
use harness::rustc::Outcome;
use harness::{ToolchainInfo, Toolchains};
use indicatif::{ProgressBar, ProgressStyle};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
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

impl Prepared {
    fn measurable(&self) -> bool {
        self.cmd.is_some() && !self.broken
    }
}

/// Measure everything; returns the finished results file (also on disk in `out_dir`).
///
/// Phases, each a function below: [`start`] (metric, results file with every case pending),
/// [`prepare_all`], [`time_all`], [`count_all`], [`profile_all`], [`finish`]. Every change to a
/// case goes through [`Run::record`].
pub fn run(opts: &Options) -> anyhow::Result<ResultsFile> {
    let started = Instant::now();
    let builds = plan::builds(opts.toolchains.usable.len(), &opts.workloads, &opts.selection);
    let (store, metric) = start(opts, &builds)?;
    let time_runs = plan::time_order(&builds, opts.reps);
    let instr_runs: usize = match metric {
        MetricSource::Callgrind => builds.iter().map(|b| b.scenarios.len() * opts.instr_reps).sum(),
        _ => 0,
    };
    let profiled: usize = match opts.self_profile {
        true => builds
            .iter()
            .filter(|b| opts.toolchains.usable[b.toolchain].accepts_z())
            .count(),
        false => 0,
    };
    let total = builds.len() + time_runs.len() + instr_runs + profiled;
    let r = Run {
        opts,
        toolchains: &opts.toolchains.usable,
        metric,
        store: Mutex::new(store),
        progress: Progress::new(total as u64, opts.quiet),
    };
    let mut prepared = r.prepare_all(&builds)?;
    r.time_all(&mut prepared, &time_runs)?;
    if metric == MetricSource::Callgrind && !interrupted() {
        r.count_all(&prepared)?;
    }
    if opts.self_profile {
        r.profile_all(&prepared)?;
    }
    r.progress.bar.finish_and_clear();
    r.finish(started)
}

/// Choose the metric, write the results file with every case `pending`.
fn start(opts: &Options, builds: &[Build]) -> anyhow::Result<(Store, MetricSource)> {
    let toolchains = &opts.toolchains.usable;
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
    let mut data = ResultsFile {
        envelope: Envelope::new(
            SCHEMA,
            opts.command.clone(),
            toolchains.clone(),
            opts.toolchains.unavailable.clone(),
        ),
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
    for b in builds {
        for &s in &b.scenarios {
            data.cases.push(Case::new(
                &toolchains[b.toolchain].name,
                &opts.workloads[b.workload].name,
                b.profile,
                s,
            ));
        }
    }
    let mut store = Store::create(&opts.out_dir.join("results.json"), data)?;
    if toolchains.is_empty() {
        store.update(|f| f.state = RunState::Complete)?;
        anyhow::bail!("no usable toolchain (see above); {} lists why", store.path().display());
    }
    Ok((store, metric_source))
}

/// Progress: a bar on a terminal, and lines that always reach stderr. indicatif drops
/// `ProgressBar::println` while the bar is hidden (`-q`, or stderr not a terminal, as in CI or
/// under `| tee`), so lines are written with the bar suspended instead.
struct Progress {
    bar: ProgressBar,
}

impl Progress {
    fn new(total: u64, quiet: bool) -> Progress {
        if quiet {
            return Progress {
                bar: ProgressBar::hidden(),
            };
        }
        let bar = ProgressBar::new(total);
        bar.set_style(
            ProgressStyle::with_template("{elapsed_precise} [{bar:30}] {pos}/{len} ETA {eta} {wide_msg}")
                .expect("valid template")
                .progress_chars("=> "),
        );
        bar.enable_steady_tick(Duration::from_millis(500));
        Progress { bar }
    }

    fn line(&self, text: &str) {
        self.bar.suspend(|| eprintln!("{text}"));
    }
}

/// What a measurement did to a case.
enum Recorded {
    /// A sample: the change to the case (samples pushed, status, notes).
    Sample(Box<dyn FnOnce(&mut Case) + Send>),
    /// The case failed; with `skip_rest`, the build's scenarios not measured yet are skipped.
    Failure { status: Status, skip_rest: bool },
}

/// One run in progress: what every phase needs.
struct Run<'a> {
    opts: &'a Options,
    toolchains: &'a [ToolchainInfo],
    metric: MetricSource,
    store: Mutex<Store>,
    progress: Progress,
}

impl Run<'_> {
    fn names(&self, b: &Build) -> (&str, &str) {
        (
            &self.toolchains[b.toolchain].name,
            &self.opts.workloads[b.workload].name,
        )
    }

    /// The one step that changes a case: apply `what` to the case of `b` and `s` (a case the plan
    /// did not create is an error, not a new case), save the results file, and print a failure
    /// (with `phase`, e.g. `callgrind`) whether or not a bar is shown.
    fn record(&self, b: &Build, s: Scenario, phase: Option<&str>, what: Recorded) -> anyhow::Result<()> {
        let (tc, w) = self.names(b);
        if let Recorded::Failure { status, .. } = &what {
            let phase = phase.map(|p| format!(" ({p})")).unwrap_or_default();
            self.progress.line(&format!(
                "  {tc} / {w} / {} / {s}{phase}: {}",
                b.profile,
                status.describe()
            ));
        }
        let mut st = self.store.lock().unwrap_or_else(|e| e.into_inner());
        st.update(|f| -> anyhow::Result<()> {
            match what {
                Recorded::Sample(change) => change(f.case_mut(tc, w, b.profile, s)?),
                Recorded::Failure { status, skip_rest } => {
                    f.case_mut(tc, w, b.profile, s)?.status = status;
                    if skip_rest {
                        for &other in &b.scenarios {
                            let c = f.case_mut(tc, w, b.profile, other)?;
                            if c.status == Status::Pending {
                                c.status = Status::Skipped {
                                    reason: "another scenario of this build failed".into(),
                                };
                            }
                        }
                    }
                }
            }
            Ok(())
        })?
        .map_err(|e| e.context(format!("cannot save results to {}", st.path().display())))
    }

    /// Phase 1, prepare: materialise each crate and capture its leaf command.
    fn prepare_all(&self, builds: &[Build]) -> anyhow::Result<Vec<Prepared>> {
        let mut prepared = Vec::with_capacity(builds.len());
        for b in builds {
            if interrupted() {
                break;
            }
            let tc = &self.toolchains[b.toolchain];
            let w = &self.opts.workloads[b.workload];
            self.progress
                .bar
                .set_message(format!("prepare {} {} {}", tc.name, w.name, b.profile));
            let dir = self
                .opts
                .work_dir
                .join(tc.dir_name())
                .join(&w.name)
                .join(b.profile.name());
            let cmd = match prepare(tc, w, b, &dir, self.opts.timeout) {
                Ok(mut cmd) => {
                    // Cargo prepared the build with the plain toolchain; only the measured leaf
                    // invocation carries the spec's flags (last on the line, so they win).
                    cmd.args.extend(tc.flags.iter().cloned());
                    for &s in &b.scenarios {
                        let line = scenario_command(&cmd, s, &dir);
                        self.record(b, s, None, Recorded::Sample(Box::new(move |c| c.command = Some(line))))?;
                    }
                    Some(cmd)
                }
                Err(status) => {
                    for &s in &b.scenarios {
                        let failure = Recorded::Failure {
                            status: status.clone(),
                            skip_rest: false,
                        };
                        self.record(b, s, Some("prepare"), failure)?;
                    }
                    None
                }
            };
            prepared.push(Prepared {
                build: b.clone(),
                dir,
                cmd,
                broken: false,
            });
            self.progress.bar.inc(1);
        }
        Ok(prepared)
    }

    /// Phase 2, time and memory: native runs, toolchains interleaved per repetition, one at a time.
    fn time_all(&self, prepared: &mut [Prepared], runs: &[TimedRun]) -> anyhow::Result<()> {
        let mut primed = vec![false; prepared.len()];
        // Perf counts come with the native run; callgrind has its own phase.
        let source = match self.metric {
            MetricSource::Perf => MetricSource::Perf,
            _ => MetricSource::None,
        };
        for run in runs {
            if interrupted() {
                break;
            }
            let Some(p) = prepared.get(run.build) else { break };
            if !p.measurable() {
                self.progress.bar.inc(1);
                continue;
            }
            let (tc, w) = self.names(&p.build);
            self.progress.bar.set_message(format!(
                "time #{} {tc} {w} {} {}",
                run.rep + 1,
                p.build.profile,
                run.scenario
            ));
            let result = self.measure(p, run.scenario, &mut primed[run.build], source);
            if interrupted() {
                break;
            }
            let what = match result {
                Ok((m, count, _)) if m.outcome.is_success() => Recorded::Sample(Box::new(move |c: &mut Case| {
                    c.wall_s.push(m.wall.as_secs_f64());
                    c.cpu_s.push(m.cpu().as_secs_f64());
                    c.max_rss_kib.push(m.max_rss_kib);
                    c.instructions.extend(count);
                    c.status = Status::Measured;
                })),
                Ok((m, _, _)) => Recorded::Failure {
                    status: failure_status(&m.outcome),
                    skip_rest: true,
                },
                Err(status) => Recorded::Failure {
                    status,
                    skip_rest: true,
                },
            };
            if matches!(what, Recorded::Failure { .. }) {
                prepared[run.build].broken = true;
            }
            self.record(&prepared[run.build].build, run.scenario, None, what)?;
            self.progress.bar.inc(1);
        }
        Ok(())
    }

    /// Bring the cache into the scenario's state and run the command under `source`.
    fn measure(&self, p: &Prepared, s: Scenario, primed: &mut bool, source: MetricSource) -> Result<Counted, Status> {
        let cmd = scenario_setup(p, s, primed, self.opts.timeout)?;
        let counted = metric::count(source, &cmd, &p.dir, self.opts.timeout).map_err(|e| Status::Failed {
            reason: format!("cannot run {}: {e}", cmd.program.display()),
        })?;
        if counted.0.outcome.is_success() && s == Scenario::IncrFull {
            *primed = true;
        }
        Ok(counted)
    }

    /// Phase 3, instructions under callgrind: whole builds in parallel (counts do not depend on load).
    /// A results file that cannot be saved stops every worker and fails the run.
    fn count_all(&self, prepared: &[Prepared]) -> anyhow::Result<()> {
        let queue: Mutex<Vec<usize>> = Mutex::new((0..prepared.len()).rev().collect());
        let failed: Mutex<Option<anyhow::Error>> = Mutex::new(None);
        std::thread::scope(|scope| {
            for _ in 0..self.opts.jobs.max(1) {
                scope.spawn(|| loop {
                    let next = queue.lock().unwrap_or_else(|e| e.into_inner()).pop();
                    let Some(i) = next else { return };
                    if interrupted() || failed.lock().unwrap_or_else(|e| e.into_inner()).is_some() {
                        return;
                    }
                    if let Err(e) = self.count_build(&prepared[i]) {
                        failed.lock().unwrap_or_else(|e| e.into_inner()).get_or_insert(e);
                        return;
                    }
                });
            }
        });
        match failed.into_inner().unwrap_or_else(|e| e.into_inner()) {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    /// All instruction counts of one build (every scenario, every counted repetition).
    fn count_build(&self, p: &Prepared) -> anyhow::Result<()> {
        if !p.measurable() {
            self.progress
                .bar
                .inc((p.build.scenarios.len() * self.opts.instr_reps) as u64);
            return Ok(());
        }
        let (tc, w) = self.names(&p.build);
        let mut primed = false;
        for &s in &p.build.scenarios {
            for rep in 0..self.opts.instr_reps {
                if interrupted() {
                    return Ok(());
                }
                self.progress
                    .bar
                    .set_message(format!("callgrind #{} {tc} {w} {} {s}", rep + 1, p.build.profile));
                let result = self.measure(p, s, &mut primed, MetricSource::Callgrind);
                if interrupted() {
                    return Ok(());
                }
                let what = match result {
                    Ok((_, Some(count), note)) => Recorded::Sample(Box::new(move |c: &mut Case| {
                        c.instructions.push(count);
                        if let Some(n) = note {
                            if !c.notes.contains(&n) {
                                c.notes.push(n);
                            }
                        }
                        if c.status == Status::Pending {
                            c.status = Status::Measured;
                        }
                    })),
                    Ok((m, None, _)) => Recorded::Failure {
                        status: match (m.outcome.is_success(), failure_status(&m.outcome)) {
                            (true, _) => Status::Failed {
                                reason: "callgrind wrote no instruction count".into(),
                            },
                            // The native runs may have succeeded; say which measurement failed.
                            (false, Status::Failed { reason }) => Status::Failed {
                                reason: format!("under callgrind: {reason}"),
                            },
                            (false, other) => other,
                        },
                        skip_rest: false,
                    },
                    Err(status) => Recorded::Failure {
                        status,
                        skip_rest: false,
                    },
                };
                self.record(&p.build, s, Some("callgrind"), what)?;
                self.progress.bar.inc(1);
            }
        }
        Ok(())
    }

    /// Phase 4, query profiles where the toolchain accepts -Z (one native run per build, `full` scenario).
    fn profile_all(&self, prepared: &[Prepared]) -> anyhow::Result<()> {
        for p in prepared {
            let tc = &self.toolchains[p.build.toolchain];
            if !tc.accepts_z() || interrupted() {
                continue;
            }
            if let (Some(cmd), true) = (&p.cmd, p.measurable()) {
                let (name, w) = self.names(&p.build);
                self.progress
                    .bar
                    .set_message(format!("self-profile {name} {w} {}", p.build.profile));
                match selfprofile::profile(cmd, &p.dir.join("self-profile"), 10, self.opts.timeout) {
                    Ok(q) => {
                        let change = Recorded::Sample(Box::new(move |c: &mut Case| c.self_profile = q));
                        self.record(&p.build, Scenario::Full, None, change)?;
                    }
                    Err(e) => self.progress.line(&format!(
                        "  {name} / {w} / {}: self-profile unavailable: {e}",
                        p.build.profile
                    )),
                }
            }
            self.progress.bar.inc(1);
        }
        Ok(())
    }

    /// Phase 5, the run's end state, time and duration.
    fn finish(self, started: Instant) -> anyhow::Result<ResultsFile> {
        let mut st = self.store.into_inner().unwrap_or_else(|e| e.into_inner());
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
        Ok(st.data)
    }
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
