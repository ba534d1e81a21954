//! A whole run: for each program, every toolchain's build at every opt level (the baseline's
//! first), each run natively and under memcheck, then the program under each Miri toolchain.
//! Interleaving by program keeps a program's comparisons together and lets a partial run say
//! something about every program it reached.
//!
//! Toolchains: the fork is rebuilt on this machine from time to time, during which its rustc does
//! not run or its std is missing. At the start the run waits for every named toolchain (checking
//! every two minutes, up to `--wait-minutes`) and skips, with the reason, one that is still not
//! usable. During the run each step checks that its toolchain's files (`difftest`'s fingerprint:
//! rustc, its driver library, the host std) are those the run started with, before and after the
//! step: a step whose toolchain changed under it is discarded, and the run stops as
//! `interrupted`, since its envelope would no longer name the compiler that built what follows.
//!
//! Results are written after every step. Ctrl-C stops after the running process (whose step is
//! discarded), marks the run interrupted and keeps what finished.

use crate::program::Program;
use crate::report;
use crate::results::{
    LogCheck, LogRecord, MemcheckSettings, MiriRecord, NativeRecord, Results, RunRecord, Settings, State, Timeouts,
    Verdict, SCHEMA,
};
use crate::step::{self, Limits, Miri};
use crate::transcript::{first_difference, Transcript};
use anyhow::{bail, Context, Result};
use difftest::build::{Compiler, OptLevel};
use difftest::memcheck::Memcheck;
use harness::envelope::Envelope;
use harness::toolchain::{ToolchainError, ToolchainSpec};
use harness::ToolchainInfo;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Set by the Ctrl-C handler.
pub static INTERRUPTED: AtomicBool = AtomicBool::new(false);

pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}

/// How often a toolchain that cannot be used is checked again.
const RECHECK: Duration = Duration::from_secs(120);

pub struct Config {
    pub programs: Vec<Program>,
    pub programs_dir: PathBuf,
    pub specs: Vec<ToolchainSpec>,
    pub baseline: Option<ToolchainSpec>,
    pub opts: Vec<OptLevel>,
    pub memcheck: Option<Memcheck>,
    pub miri: Vec<ToolchainSpec>,
    pub limits: Limits,
    pub work: PathBuf,
    pub out: PathBuf,
    pub stem: String,
    /// How long to wait at the start for a toolchain that cannot be used yet.
    pub wait: Duration,
    pub command: String,
}

/// Is `spec` usable for host programs right now: its rustc runs and the host std is there?
pub fn usable(spec: &ToolchainSpec) -> Result<ToolchainInfo, ToolchainError> {
    let info = spec.resolve()?;
    let host = harness::Target::new(harness::target::HOST);
    if !info.has_core_for(&host) {
        return Err(ToolchainError::NotRunnable {
            toolchain: info.name,
            detail: format!("no std for {host} in its sysroot (being rebuilt?)"),
        });
    }
    Ok(info)
}

fn fingerprint(info: &ToolchainInfo) -> String {
    Compiler::plain(info.clone()).fingerprint()
}

/// Sleep `d`, waking early on Ctrl-C.
fn sleep(d: Duration) {
    let end = Instant::now() + d;
    while Instant::now() < end && !interrupted() {
        std::thread::sleep(Duration::from_millis(250));
    }
}

/// Resolve every spec; while some cannot be used, check again every two minutes, up to `wait`.
fn resolve_waiting(specs: &[ToolchainSpec], wait: Duration) -> (Vec<ToolchainInfo>, Vec<ToolchainError>) {
    let start = Instant::now();
    loop {
        let (mut ok, mut bad) = (Vec::new(), Vec::new());
        for s in specs {
            match usable(s) {
                Ok(i) => ok.push(i),
                Err(e) => bad.push(e),
            }
        }
        if bad.is_empty() || start.elapsed() + RECHECK > wait || interrupted() {
            for e in &bad {
                eprintln!("state-walk: skipping {e}");
            }
            return (ok, bad);
        }
        for e in &bad {
            eprintln!(
                "state-walk: waiting for a toolchain ({:.0} of at most {:.0} min): {e}",
                start.elapsed().as_secs_f64() / 60.0,
                wait.as_secs_f64() / 60.0
            );
        }
        sleep(RECHECK);
    }
}

fn git_describe() -> Option<String> {
    let out = std::process::Command::new("git")
        .args(["describe", "--always", "--dirty", "--exclude", "*"])
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

enum Job {
    Native { program: usize, tc: usize, opt: usize },
    Miri { program: usize, miri: usize },
}

/// Where the baseline logs and the reproducers go.
pub fn logs_dir(out: &Path, stem: &str) -> PathBuf {
    out.join(format!("{stem}-logs"))
}

pub fn failures_dir(out: &Path, stem: &str) -> PathBuf {
    out.join(format!("{stem}-failures"))
}

pub fn run(cfg: &Config) -> Result<Results> {
    let started = Instant::now();
    let (mut toolchains, unavailable) = resolve_waiting(&cfg.specs, cfg.wait);
    if toolchains.is_empty() {
        bail!("no usable toolchain among {}", names(&cfg.specs));
    }
    // The baseline first, so every program's other logs have something to be compared with.
    let base = cfg
        .baseline
        .as_ref()
        .and_then(|b| toolchains.iter().position(|t| t.is(b)))
        .unwrap_or_else(|| {
            if let Some(b) = &cfg.baseline {
                eprintln!(
                    "state-walk: baseline `{b}` is not usable; using `{}`",
                    toolchains[0].name
                );
            }
            0
        });
    let baseline = toolchains.remove(base);
    toolchains.insert(0, baseline);
    let fingerprints: Vec<String> = toolchains.iter().map(fingerprint).collect();

    let mut miris = Vec::new();
    let mut miri_unavailable = Vec::new();
    for spec in &cfg.miri {
        match spec.resolve().map_err(|e| e.to_string()).and_then(Miri::prepare) {
            Ok(m) => miris.push(m),
            Err(e) => {
                eprintln!("state-walk: no Miri run: {e}");
                miri_unavailable.push(e);
            }
        }
    }

    let logs = logs_dir(&cfg.out, &cfg.stem);
    let failures = failures_dir(&cfg.out, &cfg.stem);
    for d in [&logs, &failures] {
        if d.exists() {
            std::fs::remove_dir_all(d).with_context(|| format!("clearing {}", d.display()))?;
        }
    }

    let mut jobs = Vec::new();
    for program in 0..cfg.programs.len() {
        for tc in 0..toolchains.len() {
            for opt in 0..cfg.opts.len() {
                jobs.push(Job::Native { program, tc, opt });
            }
        }
        for miri in 0..miris.len() {
            jobs.push(Job::Miri { program, miri });
        }
    }

    let mut results = Results {
        envelope: Envelope::new(SCHEMA, cfg.command.clone(), toolchains.clone(), unavailable),
        repo_commit: git_describe(),
        settings: Settings {
            programs_dir: cfg.programs_dir.clone(),
            opts: cfg.opts.clone(),
            rustc_args: step::rustc_args(&"0".parse().expect("an opt level"))
                .join(" ")
                .replace("-Copt-level=0", "-Copt-level=<opt>"),
            baseline: toolchains[0].name.clone(),
            memcheck: cfg.memcheck.as_ref().map(|m| MemcheckSettings {
                valgrind: m.valgrind.clone(),
                version: m.version.clone(),
                args: Memcheck::args(Path::new("<log>")),
            }),
            miri: miris.clone(),
            miri_unavailable,
            timeouts_secs: Timeouts {
                compile: cfg.limits.compile.as_secs_f64(),
                run: cfg.limits.run.as_secs_f64(),
                memcheck: cfg.memcheck.as_ref().map_or(0.0, |m| m.timeout.as_secs_f64()),
                miri: cfg.limits.miri.as_secs_f64(),
            },
        },
        programs: cfg.programs.clone(),
        native: Vec::new(),
        miri: Vec::new(),
        verdict: Verdict::default(),
        state: State::Running,
        steps_planned: jobs.len(),
        steps_done: 0,
        duration_secs: 0.0,
    };
    save(cfg, &mut results, started)?;

    // The baseline's log of each program (its run at the first opt level), once it ran cleanly.
    let mut baseline_logs: HashMap<usize, String> = HashMap::new();
    let total = jobs.len();
    for (i, job) in jobs.iter().enumerate() {
        if interrupted() {
            break;
        }
        let clock = started.elapsed().as_secs();
        let prefix = format!("[{:>3}/{total} {:>2}:{:02}]", i + 1, clock / 60, clock % 60);
        match *job {
            Job::Native { program, tc, opt } => {
                let (p, t, o) = (&cfg.programs[program], &toolchains[tc], &cfg.opts[opt]);
                eprint!("{prefix} {}: {} O{o} ... ", p.name, t.name);
                if fingerprint(t) != fingerprints[tc] {
                    eprintln!("not run");
                    results.state = changed(t);
                    break;
                }
                let dir = cfg.work.join(t.dir_name()).join(format!("O{o}"));
                let n = step::native(p, t, o, &dir, cfg.limits, cfg.memcheck.as_ref());
                if interrupted() {
                    eprintln!("interrupted (step discarded)");
                    break;
                }
                if fingerprint(t) != fingerprints[tc] {
                    eprintln!("discarded");
                    results.state = changed(t);
                    break;
                }
                let is_baseline = tc == 0 && opt == 0;
                let mut record = native_record(p, t, o, &n, is_baseline, baseline_logs.get(&program));
                if is_baseline && n.run_problem.is_none() {
                    if let Some(tr) = &n.transcript {
                        baseline_logs.insert(program, tr.log.clone());
                        write_file(&logs.join(format!("{}.log", p.name)), &n.stdout)?;
                    }
                }
                let problems = record.problems();
                eprintln!("{}", step_summary(&record, &problems));
                if !problems.is_empty() {
                    record.reproducer = reproducer(
                        &failures,
                        &format!("{}--{}-O{o}", p.name, t.dir_name()),
                        &problems,
                        &native_commands(&record),
                        &n.stdout,
                        record.memcheck.as_ref().map(|m| m.log.as_str()).unwrap_or(""),
                        &logs.join(format!("{}.log", p.name)),
                    );
                }
                results.native.push(record);
            }
            Job::Miri { program, miri } => {
                let (p, m) = (&cfg.programs[program], &miris[miri]);
                eprint!("{prefix} {}: Miri {} ... ", p.name, m.toolchain.name);
                let dir = cfg.work.join(format!("miri-{}", m.toolchain.dir_name()));
                let r = step::miri(p, m, &dir, cfg.limits.miri);
                if interrupted() {
                    eprintln!("interrupted (step discarded)");
                    break;
                }
                let mut record = MiriRecord {
                    program: p.name.clone(),
                    miri: m.toolchain.name.clone(),
                    log: log_record(&r.transcript, false, baseline_logs.get(&program)),
                    stage: r.stage.clone(),
                    problem: r.problem.clone(),
                    reproducer: None,
                };
                let problems = record.problems();
                match problems.is_empty() {
                    true => eprintln!("clean ({:.0}s)", record.stage.secs),
                    false => eprintln!("{}", problems.join("; ")),
                }
                if !problems.is_empty() {
                    record.reproducer = reproducer(
                        &failures,
                        &format!("{}--miri-{}", p.name, m.toolchain.dir_name()),
                        &problems,
                        &[record.stage.command.as_str()],
                        &r.stdout,
                        &r.stderr,
                        &logs.join(format!("{}.log", p.name)),
                    );
                }
                results.miri.push(record);
            }
        }
        results.steps_done += 1;
        save(cfg, &mut results, started)?;
    }
    if interrupted() && results.state == State::Running {
        results.state = State::Interrupted {
            reason: "interrupted by Ctrl-C (SIGINT); the steps not reached are missing".into(),
        };
    }
    if results.state == State::Running {
        results.state = State::Complete;
    }
    save(cfg, &mut results, started)?;
    Ok(results)
}

fn names(specs: &[ToolchainSpec]) -> String {
    specs.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", ")
}

fn changed(t: &ToolchainInfo) -> State {
    eprintln!(
        "state-walk: `{}` changed on disk during the run (being rebuilt?); stopping. Every recorded step \
         used the build named in the results; rerun when it is done.",
        t.name
    );
    State::Interrupted {
        reason: format!(
            "`{}` changed on disk during the run (rebuilt); the step under way was discarded",
            t.name
        ),
    }
}

fn log_record(t: &Transcript, is_baseline: bool, baseline: Option<&String>) -> LogRecord {
    let check = match (is_baseline, baseline) {
        (true, _) => LogCheck::Baseline,
        (false, None) => LogCheck::NoBaseline,
        (false, Some(b)) => match first_difference(b, &t.log) {
            None => LogCheck::Same,
            Some(d) => LogCheck::Differs(d),
        },
    };
    LogRecord {
        totals: t.totals,
        lines: t.lines(),
        digest: t.digest(),
        check,
    }
}

fn native_record(
    p: &Program,
    t: &ToolchainInfo,
    o: &OptLevel,
    n: &step::Native,
    is_baseline: bool,
    baseline: Option<&String>,
) -> NativeRecord {
    let run = match (&n.run, &n.transcript) {
        (Some(stage), Some(tr)) => Some(RunRecord {
            stage: stage.clone(),
            log: log_record(tr, is_baseline && n.run_problem.is_none(), baseline),
            layouts: tr.layouts.clone(),
            problem: n.run_problem.clone(),
        }),
        _ => None,
    };
    NativeRecord {
        program: p.name.clone(),
        toolchain: t.name.clone(),
        opt: o.clone(),
        compile: n.compile.clone(),
        run,
        memcheck: n.memcheck.clone(),
        reproducer: None,
    }
}

fn native_commands(r: &NativeRecord) -> Vec<&str> {
    let mut c = vec![r.compile.command.as_str()];
    if let Some(run) = &r.run {
        c.push(run.stage.command.as_str());
    }
    if let Some(m) = &r.memcheck {
        c.push(m.command.as_str());
    }
    c
}

fn step_summary(r: &NativeRecord, problems: &[String]) -> String {
    if !problems.is_empty() {
        return problems.join("; ");
    }
    let run = r.run.as_ref().map_or(0.0, |x| x.stage.secs);
    let mut s = format!("ok (compile {:.1}s, run {:.1}s", r.compile.secs, run);
    if let Some(m) = &r.memcheck {
        s.push_str(&format!(", memcheck {:.1}s, {} errors", m.secs, m.errors.unwrap_or(0)));
    }
    s.push(')');
    s
}

fn write_file(path: &Path, text: &str) -> Result<()> {
    if let Some(d) = path.parent() {
        std::fs::create_dir_all(d).with_context(|| format!("creating {}", d.display()))?;
    }
    harness::report::write_text(path, text)
}

/// Write `<dir>/<name>.md` (what is wrong, the commands, the memcheck log or Miri's stderr) and
/// `<dir>/<name>.log` (the whole output); returns the note's path. A reproducer that cannot be
/// written is reported, not fatal: the results file still says what is wrong.
fn reproducer(
    dir: &Path,
    name: &str,
    problems: &[String],
    commands: &[&str],
    stdout: &str,
    detail: &str,
    baseline_log: &Path,
) -> Option<PathBuf> {
    let md = dir.join(format!("{name}.md"));
    let mut text = format!("# {name}\n\n");
    for p in problems {
        text.push_str(&format!("- {p}\n"));
    }
    text.push_str("\nCommands (from the run's work folder):\n\n```sh\n");
    for c in commands {
        text.push_str(c);
        text.push('\n');
    }
    text.push_str("```\n\n");
    text.push_str(&format!(
        "Output: `{name}.log`; the baseline's: `{}`.\n",
        baseline_log.display()
    ));
    if !detail.is_empty() {
        text.push_str("\n```\n");
        text.push_str(detail.trim_end());
        text.push_str("\n```\n");
    }
    let written = write_file(&md, &text).and_then(|()| write_file(&dir.join(format!("{name}.log")), stdout));
    match written {
        Ok(()) => Some(md),
        Err(e) => {
            eprintln!("state-walk: cannot write the reproducer {}: {e:#}", md.display());
            None
        }
    }
}

fn save(cfg: &Config, r: &mut Results, started: Instant) -> Result<()> {
    r.duration_secs = started.elapsed().as_secs_f64();
    r.verdict = Verdict::of(r);
    let md = report::markdown(r);
    harness::report::write_pair(&cfg.out, &cfg.stem, r, &md)?;
    Ok(())
}
