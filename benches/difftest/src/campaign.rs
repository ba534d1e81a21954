//! A campaign: seeds x opt levels x toolchain pairs, with reproducers for every difference.
//!
//! The first toolchain is the reference; every other one is compared against it (so the default
//! `stable, nightly, async-fork` yields `stable vs nightly` and `stable vs async-fork`). Each
//! program is built once per toolchain and opt level, in a scratch directory that is deleted
//! unless something differed. A difference becomes a folder under `<out>/failures/` holding the
//! seed, the source, both sides' command lines and outputs, and the reduced program.

use crate::build::{build_and_check, Build, Compiler, Limits, OptLevel};
use crate::compare::{compare, sizes, DiffKind, Difference};
use crate::memcheck::Memcheck;
use crate::program::{Caps, Program};
use crate::reduce::reduce;
use crate::{generate_with, render};
use anyhow::{Context, Result};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Instant;

#[derive(Clone, Debug)]
pub struct Config {
    pub start: u64,
    pub seeds: u64,
    pub toolchains: Vec<Compiler>,
    pub opts: Vec<OptLevel>,
    pub out: PathBuf,
    pub limits: Limits,
    pub jobs: usize,
    /// Test budget of the reducer per difference; 0 disables reduction.
    pub reduce_budget: usize,
    /// Start no new seed after this long; the summary then says how many seeds ran.
    pub time_budget: Option<std::time::Duration>,
    /// The features programs may use (from the oldest toolchain compared).
    pub caps: Caps,
    /// Also run every built program under valgrind's memcheck (`--memcheck`).
    pub memcheck: Option<Memcheck>,
}

/// One difference, as it appears in the summary.
#[derive(Clone, Debug, Serialize)]
pub struct Failure {
    pub seed: u64,
    pub opt: OptLevel,
    pub a: String,
    pub b: String,
    pub difference: Difference,
    pub dir: PathBuf,
    pub reduction: Option<Reduction>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Reduction {
    pub stmts_before: usize,
    pub stmts_after: usize,
    pub fns_before: usize,
    pub fns_after: usize,
    pub lines_before: usize,
    pub lines_after: usize,
    pub tests: usize,
    pub budget_exhausted: bool,
}

/// Totals of a campaign.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Totals {
    pub seeds_run: u64,
    /// The time budget ran out, or a toolchain changed, before every requested seed was run.
    pub stopped_early: bool,
    /// A toolchain's files changed during the campaign (a fork being rebuilt): the campaign
    /// stopped, and the seed that saw the change was discarded.
    pub toolchain_changed: Option<String>,
    /// Program pairs compared (seed x opt x toolchain pair).
    pub comparisons: u64,
    pub identical: u64,
    pub builds: u64,
    pub compile_secs: f64,
    pub run_secs: f64,
    pub elapsed_secs: f64,
    /// Programs run under memcheck, how long that took, and how many runs were not clean.
    pub memcheck_runs: u64,
    pub memcheck_secs: f64,
    pub memcheck_unclean: u64,
    /// Sum of all future sizes printed, per `toolchain@O<opt>` (not compared; for a layout view).
    pub future_bytes: Vec<(String, u64)>,
    pub statements_generated: u64,
}

pub struct Outcome {
    pub totals: Totals,
    pub failures: Vec<Failure>,
}

/// Label of toolchain `i`, made unique when the same toolchain appears twice (`stable#2`).
pub fn labels(tcs: &[Compiler]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for tc in tcs.iter().map(|c| &c.info) {
        let base = Path::new(&tc.name)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| tc.name.clone());
        let mut label = base.clone();
        let mut k = 2;
        while out.contains(&label) {
            label = format!("{base}#{k}");
            k += 1;
        }
        out.push(label);
    }
    out
}

pub fn run(cfg: &Config) -> Result<Outcome> {
    anyhow::ensure!(cfg.toolchains.len() >= 2, "a comparison needs two toolchains");
    std::fs::create_dir_all(cfg.out.join("failures"))?;
    let labels = labels(&cfg.toolchains);
    let started = Instant::now();
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let state = Mutex::new((Totals::default(), Vec::<Failure>::new()));
    let total = cfg.seeds as usize;
    let prints: Vec<String> = cfg.toolchains.iter().map(Compiler::fingerprint).collect();
    let changed: Mutex<Option<String>> = Mutex::new(None);
    let worker = || -> Result<()> {
        loop {
            if cfg.time_budget.is_some_and(|b| started.elapsed() >= b) || changed.lock().unwrap().is_some() {
                return Ok(());
            }
            let k = next.fetch_add(1, Ordering::SeqCst);
            if k >= total {
                return Ok(());
            }
            let seed = cfg.start + k as u64;
            let (totals, failures) = run_seed(cfg, &labels, seed)?;
            let changed_now = (0..prints.len())
                .find(|&i| cfg.toolchains[i].fingerprint() != prints[i])
                .map(|i| {
                    format!(
                        "toolchain `{}` changed on disk during the campaign (rebuilt?); stopped, seed {seed} discarded",
                        labels[i]
                    )
                })
                .or_else(|| totals.toolchain_changed.clone());
            if let Some(msg) = changed_now {
                eprintln!("difftest: {msg}");
                for f in &failures {
                    let _ = std::fs::remove_dir_all(&f.dir);
                }
                *changed.lock().unwrap() = Some(msg);
                return Ok(());
            }
            let n = done.fetch_add(1, Ordering::SeqCst) + 1;
            let mut st = state.lock().unwrap();
            merge(&mut st.0, &totals);
            let status = if failures.is_empty() {
                "same".to_string()
            } else {
                format!("{} DIFFERENCE(S)", failures.len())
            };
            eprintln!(
                "[{n:>4}/{total}] seed {seed}: {} comparisons, {status}   (elapsed {:.0}s, {} differences so far)",
                totals.comparisons,
                started.elapsed().as_secs_f64(),
                st.1.len() + failures.len()
            );
            st.1.extend(failures);
        }
    };
    std::thread::scope(|s| -> Result<()> {
        let handles: Vec<_> = (0..cfg.jobs.max(1)).map(|_| s.spawn(worker)).collect();
        for h in handles {
            h.join().expect("worker panicked")?;
        }
        Ok(())
    })?;
    let (mut totals, mut failures) = state.into_inner().unwrap();
    totals.elapsed_secs = started.elapsed().as_secs_f64();
    totals.stopped_early = totals.seeds_run < cfg.seeds;
    totals.toolchain_changed = changed.into_inner().unwrap();
    totals.future_bytes.sort();
    failures.sort_by_key(|f| (f.seed, f.opt.clone(), f.b.clone()));
    Ok(Outcome { totals, failures })
}

fn merge(into: &mut Totals, t: &Totals) {
    into.seeds_run += t.seeds_run;
    into.comparisons += t.comparisons;
    into.identical += t.identical;
    into.builds += t.builds;
    into.compile_secs += t.compile_secs;
    into.run_secs += t.run_secs;
    into.memcheck_runs += t.memcheck_runs;
    into.memcheck_secs += t.memcheck_secs;
    into.memcheck_unclean += t.memcheck_unclean;
    into.statements_generated += t.statements_generated;
    for (k, v) in &t.future_bytes {
        match into.future_bytes.iter_mut().find(|(n, _)| n == k) {
            Some((_, total)) => *total += v,
            None => into.future_bytes.push((k.clone(), *v)),
        }
    }
}

/// Build and compare one seed at every opt level.
fn run_seed(cfg: &Config, labels: &[String], seed: u64) -> Result<(Totals, Vec<Failure>)> {
    let program = generate_with(seed, cfg.caps);
    let source = render(&program);
    let scratch = tempfile::Builder::new()
        .prefix(&format!("difftest-{seed}-"))
        .tempdir()?;
    let src = scratch.path().join("main.rs");
    std::fs::write(&src, &source)?;
    let mut totals = Totals {
        seeds_run: 1,
        statements_generated: program.stmt_count() as u64,
        ..Totals::default()
    };
    let mut failures = Vec::new();
    for opt in &cfg.opts {
        let builds: Vec<Build> = cfg
            .toolchains
            .iter()
            .enumerate()
            .map(|(i, tc)| {
                let stem = format!("{i}-O{opt}");
                build_and_check(tc, &src, scratch.path(), &stem, opt, cfg.limits, cfg.memcheck.as_ref())
            })
            .collect();
        // A compiler that cannot be started is a toolchain being replaced (the fork rebuilt
        // under the campaign, its files briefly gone), never a difference between compilers.
        if let Some((b, label)) = builds.iter().zip(labels).find(|(b, _)| b.compiler_missing()) {
            totals.toolchain_changed = Some(format!(
                "toolchain `{label}` could not be started at seed {seed} ({}); stopped, seed {seed} discarded",
                b.compile.summary()
            ));
            return Ok((totals, Vec::new()));
        }
        for (b, label) in builds.iter().zip(labels) {
            totals.builds += 1;
            totals.compile_secs += b.compile_secs;
            if let Some(r) = &b.run {
                totals.run_secs += r.secs;
                let bytes: u64 = sizes(&r.stdout).iter().map(|(_, n)| n).sum();
                totals.future_bytes.push((format!("{label}@O{opt}"), bytes));
            }
            if let Some(m) = &b.memcheck {
                totals.memcheck_runs += 1;
                totals.memcheck_secs += m.secs;
                if let Some(p) = m.problem() {
                    totals.memcheck_unclean += 1;
                    eprintln!("  seed {seed} O{opt} {label} under memcheck: {p}");
                }
            }
        }
        for j in 1..builds.len() {
            totals.comparisons += 1;
            match compare(&builds[0], &builds[j]) {
                None => totals.identical += 1,
                Some(diff) => {
                    eprintln!(
                        "  seed {seed} O{opt} {} vs {}: {:?} ({}) {}",
                        labels[0], labels[j], diff.kind, diff.side, diff.detail
                    );
                    let f = save_failure(cfg, labels, seed, opt, (0, j), &program, &source, &builds, diff)?;
                    failures.push(f);
                }
            }
        }
    }
    Ok((totals, failures))
}

#[allow(clippy::too_many_arguments)]
fn save_failure(
    cfg: &Config,
    labels: &[String],
    seed: u64,
    opt: &OptLevel,
    (ia, ib): (usize, usize),
    program: &Program,
    source: &str,
    builds: &[Build],
    diff: Difference,
) -> Result<Failure> {
    let clean = harness::toolchain::dir_name;
    let dir = cfg.out.join("failures").join(format!(
        "seed-{seed}-O{opt}-{}-vs-{}",
        clean(&labels[ia]),
        clean(&labels[ib])
    ));
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    std::fs::write(dir.join("source.rs"), source)?;
    std::fs::write(dir.join("a.txt"), builds[ia].describe())?;
    std::fs::write(dir.join("b.txt"), builds[ib].describe())?;
    let mut reduction = None;
    if cfg.reduce_budget > 0 && diff.kind != DiffKind::TimedOut {
        eprintln!("  reducing seed {seed} O{opt} (budget {} tests)...", cfg.reduce_budget);
        let (tca, tcb) = (&cfg.toolchains[ia], &cfg.toolchains[ib]);
        let work = tempfile::Builder::new().prefix("difftest-reduce-").tempdir()?;
        let mut last: Option<(Build, Build)> = None;
        let mut test = |cand: &Program| -> bool {
            let src = work.path().join("main.rs");
            if std::fs::write(&src, render(cand)).is_err() {
                return false;
            }
            let m = cfg.memcheck.as_ref();
            let a = build_and_check(tca, &src, work.path(), "a", opt, cfg.limits, m);
            let b = build_and_check(tcb, &src, work.path(), "b", opt, cfg.limits, m);
            let keep = compare(&a, &b).is_some_and(|d| d.same_failure(&diff));
            if keep {
                last = Some((a, b));
            }
            keep
        };
        let r = reduce(program, cfg.reduce_budget, &mut test);
        let reduced_src = render(&r.program);
        std::fs::write(dir.join("reduced.rs"), &reduced_src)?;
        if let Some((a, b)) = &last {
            std::fs::write(dir.join("reduced.a.txt"), a.describe())?;
            std::fs::write(dir.join("reduced.b.txt"), b.describe())?;
        }
        reduction = Some(Reduction {
            stmts_before: program.stmt_count(),
            stmts_after: r.program.stmt_count(),
            fns_before: program.fns.len(),
            fns_after: r.program.fns.len(),
            lines_before: source.lines().count(),
            lines_after: reduced_src.lines().count(),
            tests: r.tests,
            budget_exhausted: r.exhausted,
        });
        eprintln!(
            "  reduced: {} -> {} statements, {} -> {} fns in {} tests",
            program.stmt_count(),
            r.program.stmt_count(),
            program.fns.len(),
            r.program.fns.len(),
            r.tests
        );
    }
    let readme = format!(
        "# difftest reproducer: seed {seed}, opt-level {opt}\n\n\
         - a: `{}` ({})\n- b: `{}` ({})\n- difference: {:?} (side {}): {}\n\n\
         Files: `source.rs` (the generated program), `a.txt` / `b.txt` (command lines, rustc output, program \
         output of each side{}){}.\n\nRegenerate the source: `scripts/difftest.sh gen --seed {seed}{}`.\n\
         Rerun: `scripts/difftest.sh --start {seed} --seeds 1 --opt {opt} --toolchain '{}' --toolchain '{}'{}`\n",
        labels[ia],
        cfg.toolchains[ia].info.describe(),
        labels[ib],
        cfg.toolchains[ib].info.describe(),
        diff.kind,
        diff.side,
        diff.detail,
        if cfg.memcheck.is_some() {
            ", and its run under memcheck with valgrind's whole log when it was not clean"
        } else {
            ""
        },
        if reduction.is_some() {
            ", `reduced.rs` with `reduced.a.txt` / `reduced.b.txt` (the reduced program and its outputs)"
        } else {
            ""
        },
        cfg.caps.gen_flags(),
        cfg.toolchains[ia].info.name,
        cfg.toolchains[ib].info.name,
        if cfg.memcheck.is_some() { " --memcheck" } else { "" },
    );
    std::fs::write(dir.join("README.md"), readme)?;
    Ok(Failure {
        seed,
        opt: opt.clone(),
        a: labels[ia].clone(),
        b: labels[ib].clone(),
        difference: diff,
        dir,
        reduction,
    })
}
