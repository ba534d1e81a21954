//! `state-walk`: build and run the state-walking programs with each toolchain at each opt level,
//! under valgrind's memcheck and under Miri, compare every log with the baseline's, and write
//! `<out>/<stem>.{json,md}`. See the README beside this crate.

use anyhow::{Context, Result};
use clap::Parser;
use difftest::build::OptLevel;
use difftest::memcheck::Memcheck;
use harness::toolchain::{ToolchainArgs, ToolchainSpec};
use state_walk::program;
use state_walk::results::State;
use state_walk::run::{self, Config};
use state_walk::step::Limits;
use std::path::PathBuf;
use std::time::Duration;

/// The toolchains compared when none is named: the release the fork is based on (the baseline),
/// and the fork.
const DEFAULT_TOOLCHAINS: [&str; 2] = ["1.95.0", harness::toolchain::FORK_TOOLCHAIN];
/// The Miri toolchain when none is named: the nightly the harness installs (scripts/setup.sh).
const DEFAULT_MIRI: &str = "nightly-2026-10-29";

#[derive(Parser)]
#[command(
    name = "state-walk",
    about = "Futures moved, dropped, copied, poisoned and polled after completion in every state: \
             every toolchain's log compared with the baseline's, memcheck on every build, Miri on every program",
    after_help = "Exit status: 0 clean, 1 a problem (difference, memcheck error, Miri error, failed build), \
                  2 bad input, 130 interrupted, 3 a toolchain changed on disk during the run."
)]
struct Cli {
    #[command(flatten)]
    toolchains: ToolchainArgs,
    /// Opt levels of the native builds.
    #[arg(long, value_delimiter = ',', default_value = "0,3")]
    opt: Vec<OptLevel>,
    /// Miri toolchain, optionally with flags for Miri (`'nightly-2026-10-29 -Zmiri-strict-provenance'`);
    /// repeat. Default: nightly-2026-10-29.
    #[arg(long = "miri", value_name = "SPEC")]
    miri: Vec<ToolchainSpec>,
    /// Do not run Miri.
    #[arg(long, conflicts_with = "miri")]
    no_miri: bool,
    /// Do not run the builds under valgrind's memcheck.
    #[arg(long)]
    no_memcheck: bool,
    /// The programs folder.
    #[arg(long, default_value = concat!(env!("CARGO_MANIFEST_DIR"), "/programs"))]
    programs: PathBuf,
    /// Only these programs (file stems); repeat.
    #[arg(long = "only", value_name = "PROGRAM")]
    only: Vec<String>,
    /// Where the results go.
    #[arg(long, default_value = "results/state-walk")]
    out: PathBuf,
    /// File stem of the results; default: the toolchains' names joined by `-vs-`.
    #[arg(long)]
    name: Option<String>,
    /// Scratch folder for binaries.
    #[arg(long, default_value = "target/state-walk")]
    work_dir: PathBuf,
    /// Fail (exit 1) when a named toolchain or Miri toolchain cannot be used, instead of
    /// skipping it (scripts/test.sh: the fork must be tested, not skipped).
    #[arg(long)]
    require_toolchains: bool,
    /// Minutes to wait at the start for a toolchain that cannot be used yet (being rebuilt).
    #[arg(long, default_value_t = 60.0)]
    wait_minutes: f64,
    /// Seconds a compile may take.
    #[arg(long, default_value_t = 600)]
    compile_timeout: u64,
    /// Seconds a native run may take.
    #[arg(long, default_value_t = 60)]
    run_timeout: u64,
    /// Seconds a run under memcheck may take.
    #[arg(long, default_value_t = 600)]
    memcheck_timeout: u64,
    /// Seconds a Miri run may take.
    #[arg(long, default_value_t = 1800)]
    miri_timeout: u64,
}

fn main() {
    let code = match real_main() {
        Ok(code) => code,
        Err(e) => {
            eprintln!("state-walk: {e:#}");
            2
        }
    };
    std::process::exit(code);
}

fn real_main() -> Result<i32> {
    let cli = Cli::parse();
    let specs = cli.toolchains.specs_or(|| {
        DEFAULT_TOOLCHAINS
            .iter()
            .map(|s| s.parse().expect("a toolchain spec"))
            .collect()
    });
    let baseline = cli.toolchains.baseline.clone().or_else(|| specs.first().cloned());
    // Compiles and runs happen in the work folder: every path they get must be absolute.
    let programs_dir = std::path::absolute(&cli.programs).context("the programs folder")?;
    let work_dir = std::path::absolute(&cli.work_dir).context("the work folder")?;
    let programs = program::discover(&programs_dir, &cli.only)?;
    let memcheck = match cli.no_memcheck {
        true => None,
        false => Some(Memcheck::find(Duration::from_secs(cli.memcheck_timeout))?),
    };
    let miri = match (cli.no_miri, cli.miri.is_empty()) {
        (true, _) => Vec::new(),
        (false, true) => vec![DEFAULT_MIRI.parse().expect("a toolchain spec")],
        (false, false) => cli.miri.clone(),
    };
    let stem = cli.name.clone().unwrap_or_else(|| {
        specs
            .iter()
            .map(|s| harness::toolchain::dir_name(&s.to_string()))
            .collect::<Vec<_>>()
            .join("-vs-")
    });
    let cfg = Config {
        programs,
        programs_dir: cli.programs.clone(),
        specs,
        baseline,
        opts: cli.opt.clone(),
        memcheck,
        miri,
        limits: Limits {
            compile: Duration::from_secs(cli.compile_timeout),
            run: Duration::from_secs(cli.run_timeout),
            miri: Duration::from_secs(cli.miri_timeout),
        },
        work: work_dir,
        out: cli.out.clone(),
        stem,
        wait: Duration::from_secs_f64(cli.wait_minutes * 60.0),
        command: harness::envelope::command_line(),
    };
    ctrlc::set_handler(|| {
        if run::INTERRUPTED.swap(true, std::sync::atomic::Ordering::SeqCst) {
            std::process::exit(130);
        }
        eprintln!("\nstate-walk: interrupted; saving what finished (Ctrl-C again to quit at once)");
    })
    .context("installing the Ctrl-C handler")?;
    let r = run::run(&cfg)?;
    let v = &r.verdict;
    println!(
        "state-walk: {} programs, {} futures, {} states, {} operations per build",
        v.programs, v.walked.futures, v.walked.states, v.walked.operations
    );
    println!(
        "state-walk: {} native runs: {} failed, {} logs differ; memcheck: {} runs, {} errors, {} not clean; \
         Miri: {} runs, {} errors, {} logs differ",
        v.native_runs,
        v.native_failures,
        v.log_differences,
        v.memcheck_runs,
        v.memcheck_errors,
        v.memcheck_unclean,
        v.miri_runs,
        v.miri_errors,
        v.miri_log_differences
    );
    println!(
        "state-walk: wrote {}",
        cfg.out.join(format!("{}.md", cfg.stem)).display()
    );
    let missing = r.envelope.unavailable_toolchains.len() + r.settings.miri_unavailable.len();
    if cli.require_toolchains && missing > 0 {
        eprintln!("state-walk: {missing} named toolchain(s) could not be used (--require-toolchains)");
        return Ok(1);
    }
    Ok(match &r.state {
        State::Interrupted { reason } if reason.contains("changed on disk") => 3,
        State::Interrupted { .. } => 130,
        _ if v.clean => 0,
        _ => 1,
    })
}
