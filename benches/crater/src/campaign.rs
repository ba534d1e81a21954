//! A whole run: every crate x profile x toolchain, in that order, so a crate is compared on every
//! toolchain before the next one starts (the baseline's step first).
//!
//! Around each step:
//! - the toolchain must be usable: `rustc -vV` runs and the host std is in its sysroot. The fork
//!   is rebuilt on this machine from time to time, during which it is neither; the run then
//!   waits (checking every two minutes, up to `--wait-minutes`) rather than record a broken
//!   toolchain's failures as the crate's. A toolchain still unusable after that is skipped for
//!   the step, with the reason.
//! - the toolchain's files must be the same after the step as before (`difftest`'s fingerprint:
//!   rustc, its driver library, the host std). If they changed, the toolchain was rebuilt under
//!   the step: the step is discarded and run again.
//! - every regression is run twice more, alone (`<binary> --exact <test>`), and the reruns are
//!   reported beside it, so a flaky test is told from a reproducible failure.
//!
//! Results are written after every step; Ctrl-C stops after the running process, marks the run
//! interrupted and keeps what finished (exit code 130).

use crate::compare::compare;
use crate::libtest::{self, Status};
use crate::manifest::{self, CrateSpec};
use crate::report::{self, CrateEntry, Results, Skipped, State};
use crate::run::{self, Profile, Step, StepConfig, StepStatus, INTERRUPTED};
use crate::source;
use anyhow::Result;
use harness::process::{self, Cmd};
use harness::toolchain::{ToolchainError, ToolchainSpec};
use harness::ToolchainInfo;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

pub struct Config {
    pub specs: Vec<ToolchainSpec>,
    pub crates: Vec<CrateSpec>,
    /// Where `crates.toml` and `locks/` are.
    pub list_dir: PathBuf,
    pub profiles: Vec<Profile>,
    pub jobs: usize,
    pub timeout_minutes: f64,
    pub wait: Duration,
    pub work: PathBuf,
    pub out: PathBuf,
    pub name: String,
    pub command: String,
}

/// Two more runs of a regressed test, alone.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Recheck {
    #[serde(rename = "crate")]
    pub krate: String,
    pub profile: Profile,
    pub toolchain: String,
    pub binary: String,
    pub test: String,
    /// The status of each rerun (`None`: the rerun printed no result for the test).
    pub reruns: Vec<Option<Status>>,
}

/// Is `tc` usable for building host code right now?
fn usable(spec: &ToolchainSpec) -> Result<ToolchainInfo, String> {
    let info = spec.resolve().map_err(|e| e.to_string())?;
    let host = harness::Target::new(harness::target::HOST);
    if !info.has_core_for(&host) {
        return Err(format!("`{}` has no std for {host} (being rebuilt?)", info.name));
    }
    Ok(info)
}

/// [`usable`], retried every two minutes until `wait` has passed.
fn wait_usable(spec: &ToolchainSpec, wait: Duration) -> Result<ToolchainInfo, String> {
    let start = Instant::now();
    loop {
        match usable(spec) {
            Ok(i) => return Ok(i),
            Err(e) if start.elapsed() >= wait || INTERRUPTED.load(Ordering::SeqCst) => return Err(e),
            Err(e) => {
                eprintln!(
                    "  waiting for `{spec}`: {e} (retry in 120 s; waited {:.0} of {:.0} min)",
                    start.elapsed().as_secs_f64() / 60.0,
                    wait.as_secs_f64() / 60.0
                );
                let until = Instant::now() + Duration::from_secs(120);
                while Instant::now() < until && !INTERRUPTED.load(Ordering::SeqCst) {
                    std::thread::sleep(Duration::from_secs(1));
                }
            }
        }
    }
}

fn fingerprint(info: &ToolchainInfo) -> String {
    difftest::build::Compiler::plain(info.clone()).fingerprint()
}

fn command_output(program: &str, args: &[&str]) -> Option<String> {
    let out = std::process::Command::new(program).args(args).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// Rerun each regression of `step` (against `baseline`) twice.
fn recheck(cfg: &StepConfig, baseline: &Step, step: &Step) -> Vec<Recheck> {
    let mut out = Vec::new();
    for d in compare(baseline, step).regressions {
        let Some(exe) = step
            .binaries
            .iter()
            .find(|b| b.label == d.binary)
            .and_then(|b| b.executable.clone())
        else {
            continue;
        };
        if d.test.starts_with('<') {
            continue;
        }
        let mut reruns = Vec::new();
        for _ in 0..2 {
            let mut args = vec!["--exact".to_string(), d.test.clone()];
            args.extend(cfg.spec.test_args.iter().cloned());
            let cmd = Cmd {
                program: exe.clone(),
                args,
                cwd: cfg.dir.to_path_buf(),
                env: Some(run::test_env(cfg)),
            };
            let status = process::run(&cmd, run::BINARY_CAP)
                .ok()
                .and_then(|m| libtest::parse(&m.stdout).tests.get(&d.test).copied());
            reruns.push(status);
        }
        eprintln!("    rerun of regressed `{} {}`: {:?}", d.binary, d.test, reruns);
        out.push(Recheck {
            krate: step.krate.clone(),
            profile: step.profile,
            toolchain: step.toolchain.clone(),
            binary: d.binary,
            test: d.test,
            reruns,
        });
    }
    out
}

/// Run everything; returns the results (also written to `<out>/<name>.{json,md}`).
pub fn run(cfg: &Config) -> Result<(Results, Vec<Recheck>)> {
    let started = Instant::now();
    // Toolchains: each must be usable once (waiting for a rebuild) to be part of the run.
    let mut toolchains: Vec<(ToolchainSpec, ToolchainInfo)> = Vec::new();
    let mut unavailable = Vec::new();
    for spec in &cfg.specs {
        match wait_usable(spec, cfg.wait) {
            Ok(info) => toolchains.push((spec.clone(), info)),
            Err(e) => {
                eprintln!("crater: skipping `{spec}`: {e}");
                unavailable.push(ToolchainError::NotRunnable {
                    toolchain: spec.to_string(),
                    detail: e,
                });
            }
        }
    }
    anyhow::ensure!(!toolchains.is_empty(), "no usable toolchain");
    let baseline = toolchains[0].1.name.clone();
    let mut results = Results {
        envelope: harness::envelope::Envelope::new(
            report::SCHEMA,
            cfg.command.clone(),
            toolchains.iter().map(|(_, i)| i.clone()).collect(),
            unavailable,
        ),
        cargo: command_output(&run::cargo_program().display().to_string(), &["-V"]).unwrap_or_else(|| "?".into()),
        repo_commit: command_output("git", &["describe", "--always", "--dirty", "--exclude", "*"]),
        baseline: baseline.clone(),
        profiles: cfg.profiles.clone(),
        jobs: cfg.jobs,
        timeout_minutes: cfg.timeout_minutes,
        crates: cfg.crates.iter().map(CrateEntry::from).collect(),
        steps: Vec::new(),
        skipped: Vec::new(),
        comparisons: Vec::new(),
        state: State::Running,
        elapsed_secs: 0.0,
    };
    let mut rechecks: Vec<Recheck> = Vec::new();
    let write = |results: &mut Results, rechecks: &[Recheck]| -> Result<()> {
        results.elapsed_secs = started.elapsed().as_secs_f64();
        results.recompare();
        let md = report::markdown(results) + &rechecks_markdown(rechecks);
        #[derive(Serialize)]
        struct File<'a> {
            #[serde(flatten)]
            results: &'a Results,
            rechecks: &'a [Recheck],
        }
        harness::report::write_pair(&cfg.out, &cfg.name, &File { results, rechecks }, &md)?;
        Ok(())
    };
    let total = cfg.crates.len() * cfg.profiles.len() * toolchains.len();
    let mut n = 0;
    'crates: for spec in &cfg.crates {
        let package = match source::fetch(spec, &cfg.work) {
            Ok(p) => p,
            Err(e) => {
                eprintln!("crater: {}: cannot fetch: {e:#}", spec.id());
                results.skipped.push(Skipped {
                    krate: spec.name.clone(),
                    toolchain: "*".into(),
                    profile: None,
                    reason: format!("source not fetched: {e:#}"),
                });
                n += cfg.profiles.len() * toolchains.len();
                write(&mut results, &rechecks)?;
                continue;
            }
        };
        let lock = manifest::lock_path(&cfg.list_dir, spec);
        let timeout_minutes = spec.timeout_minutes.unwrap_or(cfg.timeout_minutes);
        for &profile in &cfg.profiles {
            for (tspec, first_info) in &toolchains {
                n += 1;
                let mut attempt = 0;
                let step = loop {
                    attempt += 1;
                    let info = match wait_usable(tspec, cfg.wait) {
                        Ok(i) => i,
                        Err(e) => break Err(e),
                    };
                    if info.describe() != first_info.describe() {
                        eprintln!(
                            "  note: `{}` is now {} (was {} at the start)",
                            info.name,
                            info.describe(),
                            first_info.describe()
                        );
                    }
                    let dir = match source::prepare(spec, &package, &cfg.work, Some(&lock)) {
                        Ok(d) => d,
                        Err(e) => break Err(format!("{e:#}")),
                    };
                    eprintln!(
                        "[{n}/{total}] {} {profile} with `{}` (elapsed {:.1} min)",
                        spec.id(),
                        info.name,
                        started.elapsed().as_secs_f64() / 60.0
                    );
                    let before = fingerprint(&info);
                    let sc = StepConfig {
                        spec,
                        dir: &dir,
                        toolchain: &info,
                        profile,
                        target_dir: cfg.work.join("target").join(info.dir_name()).join(spec.id()),
                        jobs: cfg.jobs,
                        timeout: Duration::from_secs_f64(timeout_minutes * 60.0),
                    };
                    let step = run::run_step(&sc);
                    if step.status == StepStatus::Interrupted {
                        break Ok((step, Vec::new()));
                    }
                    if fingerprint(&info) != before || usable(tspec).is_err() {
                        eprintln!(
                            "  `{}` changed on disk during the step (rebuilt?): step discarded",
                            info.name
                        );
                        if attempt < 3 {
                            continue;
                        }
                        break Err(format!("`{}` changed during each of 3 attempts", info.name));
                    }
                    let extra = match results
                        .steps
                        .iter()
                        .find(|b| b.toolchain == baseline && b.krate == step.krate && b.profile == profile)
                    {
                        Some(b) if step.toolchain != baseline => recheck(&sc, b, &step),
                        _ => Vec::new(),
                    };
                    break Ok((step, extra));
                };
                match step {
                    Ok((step, extra)) => {
                        let interrupted = step.status == StepStatus::Interrupted;
                        eprintln!(
                            "  {} {profile} `{}`: {} passed, {} failed, {} ignored, {:.0}s",
                            spec.id(),
                            step.toolchain,
                            step.counts.passed,
                            step.counts.failed,
                            step.counts.ignored,
                            step.secs
                        );
                        results.steps.push(step);
                        rechecks.extend(extra);
                        if interrupted {
                            results.state = State::Interrupted;
                            write(&mut results, &rechecks)?;
                            break 'crates;
                        }
                    }
                    Err(reason) => {
                        eprintln!("  skipped {} {profile} with `{tspec}`: {reason}", spec.id());
                        results.skipped.push(Skipped {
                            krate: spec.name.clone(),
                            toolchain: tspec.to_string(),
                            profile: Some(profile),
                            reason,
                        });
                    }
                }
                write(&mut results, &rechecks)?;
                if INTERRUPTED.load(Ordering::SeqCst) {
                    results.state = State::Interrupted;
                    write(&mut results, &rechecks)?;
                    break 'crates;
                }
            }
        }
    }
    if results.state == State::Running {
        results.state = State::Complete;
    }
    write(&mut results, &rechecks)?;
    Ok((results, rechecks))
}

fn rechecks_markdown(rechecks: &[Recheck]) -> String {
    if rechecks.is_empty() {
        return String::new();
    }
    let mut t = harness::report::Table::new(["crate", "profile", "toolchain", "test", "reruns", "reading"]);
    for r in rechecks {
        let passed = r.reruns.iter().filter(|s| **s == Some(Status::Passed)).count();
        let reading = if passed == r.reruns.len() {
            "flaky: passes alone"
        } else if passed == 0 {
            "reproducible"
        } else {
            "flaky"
        };
        t.row([
            r.krate.clone(),
            r.profile.to_string(),
            format!("`{}`", r.toolchain),
            format!("`{} {}`", r.binary, r.test),
            r.reruns
                .iter()
                .map(|s| {
                    s.map(|s| format!("{s:?}").to_lowercase())
                        .unwrap_or_else(|| "no result".into())
                })
                .collect::<Vec<_>>()
                .join(", "),
            reading.into(),
        ]);
    }
    format!("\n## Regressions rerun alone\n\n{t}")
}
