//! A whole run: every crate x profile x toolchain, in that order, so a crate is compared on every
//! toolchain before the next one starts (the baseline's step first).
//!
//! Around each step:
//! - the toolchain must be usable: `rustc -vV` runs and the host std is in its sysroot. The fork
//!   is rebuilt on this machine from time to time, during which it is neither; its steps are
//!   then put off while other toolchains' steps run, and when only such steps are left the run
//!   waits (checking every two minutes, up to `--wait-minutes` in all) rather than record a
//!   broken toolchain's failures as the crate's. Steps still waiting after that are skipped,
//!   with the reason.
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
use anyhow::{Context, Result};
use harness::process::{self, Cmd};
use harness::toolchain::ToolchainSpec;
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
    /// Keep the complete steps of `<out>/<name>.json` and run only the others.
    pub resume: bool,
}

/// What a results file holds: the results and the reruns of regressions.
#[derive(Deserialize)]
struct Saved {
    #[serde(flatten)]
    results: Results,
    #[serde(default)]
    rechecks: Vec<Recheck>,
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

/// The work folder is one run's: a second run would replace the sources under the first one's
/// tests. `<work>/run.pid` names the run that has it; a stale file (its process gone) is taken over.
struct WorkLock(PathBuf);

impl WorkLock {
    fn take(work: &std::path::Path) -> Result<WorkLock> {
        std::fs::create_dir_all(work)?;
        let path = work.join("run.pid");
        if let Ok(pid) = std::fs::read_to_string(&path) {
            let pid = pid.trim();
            if !pid.is_empty()
                && std::path::Path::new("/proc").join(pid).exists()
                && pid != std::process::id().to_string()
            {
                anyhow::bail!(
                    "another crater run (process {pid}) uses {}; wait for it or give this one --work-dir",
                    work.display()
                );
            }
        }
        std::fs::write(&path, std::process::id().to_string())?;
        Ok(WorkLock(path))
    }
}

impl Drop for WorkLock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Does the toolchain named by `spec` have a rustdoc? Asked of rustup for a rustup toolchain, so
/// the answer does not depend on whether the toolchain is usable right now.
fn has_rustdoc(spec: &ToolchainSpec, info: Option<&ToolchainInfo>) -> bool {
    if let Some(i) = info {
        return run::rustdoc(i).is_some();
    }
    match &spec.toolchain {
        harness::Toolchain::Rustup(name) => std::process::Command::new("rustup")
            .args(["which", "--toolchain", name, "rustdoc"])
            .output()
            .is_ok_and(|o| o.status.success()),
        harness::Toolchain::Path(p) => p.with_file_name("rustdoc").is_file(),
    }
}

/// One step still to run.
struct Pending<'a> {
    spec: &'a CrateSpec,
    profile: Profile,
    /// Index into the run's toolchains.
    tc: usize,
    attempts: u32,
}

/// Run everything; returns the results (also written to `<out>/<name>.{json,md}`).
///
/// Steps run in order (crate, profile, toolchain with the baseline first), except that a step
/// whose toolchain is not usable right now (the fork being rebuilt) is put off and the next
/// usable step runs instead; when only such steps are left, the run waits for them (up to
/// `--wait-minutes` of waiting in total).
pub fn run(cfg: &Config) -> Result<(Results, Vec<Recheck>)> {
    let _lock = WorkLock::take(&cfg.work)?;
    let started = Instant::now();
    // Toolchains: the info of those usable now; the others are looked at again at their steps.
    let mut infos: Vec<Option<ToolchainInfo>> = Vec::new();
    let mut first_seen: Vec<Option<String>> = Vec::new();
    for spec in &cfg.specs {
        match usable(spec) {
            Ok(info) => {
                first_seen.push(Some(info.describe()));
                infos.push(Some(info));
            }
            Err(e) => {
                eprintln!("crater: `{spec}` is not usable now ({e}); its steps wait for it");
                first_seen.push(None);
                infos.push(None);
            }
        }
    }
    let baseline = cfg.specs.first().context("no toolchain")?.to_string();
    let no_rustdoc: Vec<String> = cfg
        .specs
        .iter()
        .zip(&infos)
        .filter(|(s, i)| !has_rustdoc(s, i.as_ref()))
        .map(|(s, _)| format!("`{s}`"))
        .collect();
    let doc_tests_skipped = (!no_rustdoc.is_empty()).then(|| {
        let why = format!(
            "{} has no rustdoc, so no toolchain runs doc tests (they would be missing on one side of every comparison)",
            no_rustdoc.join(", ")
        );
        eprintln!("crater: {why}");
        why
    });
    let mut results = Results {
        envelope: harness::envelope::Envelope::new(
            report::SCHEMA,
            cfg.command.clone(),
            infos.iter().flatten().cloned().collect(),
            Vec::new(),
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
        doc_tests_skipped: doc_tests_skipped.clone(),
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
    // Sources first: a crate that cannot be fetched is skipped on every toolchain.
    let mut packages: Vec<Option<PathBuf>> = Vec::new();
    for spec in &cfg.crates {
        match source::fetch(spec, &cfg.work) {
            Ok(p) => packages.push(Some(p)),
            Err(e) => {
                eprintln!("crater: {}: cannot fetch: {e:#}", spec.id());
                results.skipped.push(Skipped {
                    krate: spec.name.clone(),
                    toolchain: "*".into(),
                    profile: None,
                    reason: format!("source not fetched: {e:#}"),
                });
                packages.push(None);
            }
        }
    }
    let mut queue: Vec<Pending> = Vec::new();
    for (spec, package) in cfg.crates.iter().zip(&packages) {
        if package.is_none() {
            continue;
        }
        for &profile in &cfg.profiles {
            for tc in 0..cfg.specs.len() {
                queue.push(Pending {
                    spec,
                    profile,
                    tc,
                    attempts: 0,
                });
            }
        }
    }
    if cfg.resume {
        let path = cfg.out.join(format!("{}.json", cfg.name));
        let text = std::fs::read_to_string(&path).with_context(|| format!("--resume: reading {}", path.display()))?;
        let saved: Saved = serde_json::from_str(&text)
            .with_context(|| format!("--resume: {} is not a crater results file", path.display()))?;
        // Complete steps are kept; anything else (a build failure, a timeout, an interruption)
        // is run again: with the build cache in place that costs little, and a real failure
        // comes back.
        let keep: Vec<Step> = saved
            .results
            .steps
            .into_iter()
            .filter(|s| s.status == StepStatus::Complete)
            .filter(|s| {
                queue.iter().any(|p| {
                    p.spec.name == s.krate && p.profile == s.profile && cfg.specs[p.tc].to_string() == s.toolchain
                })
            })
            .collect();
        queue.retain(|p| {
            !keep
                .iter()
                .any(|s| p.spec.name == s.krate && p.profile == s.profile && cfg.specs[p.tc].to_string() == s.toolchain)
        });
        rechecks.extend(saved.rechecks.into_iter().filter(|r| {
            keep.iter()
                .any(|s| s.krate == r.krate && s.profile == r.profile && s.toolchain == r.toolchain)
        }));
        eprintln!(
            "crater: resuming {}: {} complete steps kept, {} to run",
            path.display(),
            keep.len(),
            queue.len()
        );
        results.steps = keep;
    }
    let total = queue.len();
    let mut done = 0;
    let mut waited = Duration::ZERO;
    write(&mut results, &rechecks)?;
    while !queue.is_empty() && !INTERRUPTED.load(Ordering::SeqCst) {
        // The first step whose toolchain is usable now.
        let mut now: Vec<Option<Result<ToolchainInfo, String>>> = vec![None; cfg.specs.len()];
        let pick = queue
            .iter()
            .position(|p| now[p.tc].get_or_insert_with(|| usable(&cfg.specs[p.tc])).is_ok());
        let Some(i) = pick else {
            if waited >= cfg.wait {
                for p in queue.drain(..) {
                    let reason = match &now[p.tc] {
                        Some(Err(e)) => format!(
                            "not usable after {:.0} min of waiting: {e}",
                            waited.as_secs_f64() / 60.0
                        ),
                        _ => "not usable".to_string(),
                    };
                    results.skipped.push(Skipped {
                        krate: p.spec.name.clone(),
                        toolchain: cfg.specs[p.tc].to_string(),
                        profile: Some(p.profile),
                        reason,
                    });
                }
                break;
            }
            let why: Vec<String> = now.iter().flatten().filter_map(|r| r.as_ref().err().cloned()).collect();
            eprintln!(
                "  waiting: {} steps left, none usable now ({}); retry in 120 s (waited {:.0} of {:.0} min)",
                queue.len(),
                why.join("; "),
                waited.as_secs_f64() / 60.0,
                cfg.wait.as_secs_f64() / 60.0
            );
            let until = Instant::now() + Duration::from_secs(120);
            while Instant::now() < until && !INTERRUPTED.load(Ordering::SeqCst) {
                std::thread::sleep(Duration::from_secs(1));
            }
            waited += Duration::from_secs(120);
            continue;
        };
        let mut p = queue.remove(i);
        let info = now[p.tc].take().and_then(Result::ok).expect("picked as usable");
        let tspec = &cfg.specs[p.tc];
        if infos[p.tc].is_none() {
            results.envelope.toolchains.push(info.clone());
            infos[p.tc] = Some(info.clone());
        }
        match &first_seen[p.tc] {
            None => first_seen[p.tc] = Some(info.describe()),
            Some(first) if *first != info.describe() => {
                eprintln!(
                    "  note: `{tspec}` is now {} (was {first} at its first step)",
                    info.describe()
                )
            }
            Some(_) => {}
        }
        let spec = p.spec;
        let package = packages[cfg.crates.iter().position(|c| c.name == spec.name).expect("listed")]
            .clone()
            .expect("fetched");
        let dir = match source::prepare(
            spec,
            &package,
            &cfg.work,
            Some(&manifest::lock_path(&cfg.list_dir, spec)),
        ) {
            Ok(d) => d,
            Err(e) => {
                results.skipped.push(Skipped {
                    krate: spec.name.clone(),
                    toolchain: tspec.to_string(),
                    profile: Some(p.profile),
                    reason: format!("{e:#}"),
                });
                done += 1;
                write(&mut results, &rechecks)?;
                continue;
            }
        };
        eprintln!(
            "[{}/{total}] {} {} with `{}` (elapsed {:.1} min)",
            done + 1,
            spec.id(),
            p.profile,
            info.name,
            started.elapsed().as_secs_f64() / 60.0
        );
        let before = fingerprint(&info);
        let sc = StepConfig {
            spec,
            dir: &dir,
            toolchain: &info,
            profile: p.profile,
            target_dir: cfg.work.join("target").join(info.dir_name()).join(spec.id()),
            jobs: cfg.jobs,
            timeout: Duration::from_secs_f64(spec.timeout_minutes.unwrap_or(cfg.timeout_minutes) * 60.0),
            doc_tests: doc_tests_skipped.is_none(),
        };
        let step = run::run_step(&sc);
        let interrupted = step.status == StepStatus::Interrupted;
        // A build that could not run the compiler at all saw the toolchain half-replaced, even
        // when its files are back by now.
        let compiler_gone = step.toolchain_vanished;
        if !interrupted && (compiler_gone || fingerprint(&info) != before || usable(tspec).is_err()) {
            p.attempts += 1;
            eprintln!(
                "  `{}` changed on disk during the step (rebuilt?): step discarded",
                info.name
            );
            if p.attempts < 3 {
                queue.insert(0, p);
            } else {
                results.skipped.push(Skipped {
                    krate: spec.name.clone(),
                    toolchain: tspec.to_string(),
                    profile: Some(p.profile),
                    reason: format!("`{}` changed during each of 3 attempts", info.name),
                });
                done += 1;
            }
            write(&mut results, &rechecks)?;
            continue;
        }
        done += 1;
        eprintln!(
            "  {} {} `{}`: {} passed, {} failed, {} ignored, {:.0}s",
            spec.id(),
            p.profile,
            step.toolchain,
            step.counts.passed,
            step.counts.failed,
            step.counts.ignored,
            step.secs
        );
        if !interrupted && step.toolchain != baseline {
            if let Some(b) = results
                .steps
                .iter()
                .find(|b| b.toolchain == baseline && b.krate == step.krate && b.profile == step.profile)
            {
                rechecks.extend(recheck(&sc, b, &step));
            }
        }
        results.steps.push(step);
        if interrupted {
            break;
        }
        write(&mut results, &rechecks)?;
    }
    results.state = if INTERRUPTED.load(Ordering::SeqCst) {
        State::Interrupted
    } else {
        State::Complete
    };
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
