//! `difftest`: run a differential campaign (default), or print the program of one seed.
//! The entry point is `scripts/difftest.sh`; see the library docs for the design.

use anyhow::{bail, Result};
use clap::{Args, Parser, Subcommand};
use difftest::build::Compiler;
use difftest::build::Limits;
use difftest::campaign::{self, Config};
use difftest::memcheck::Memcheck;
use difftest::Caps;
use harness::toolchain::{
    installed_rustup_toolchains, ToolchainArgs, ToolchainError, ToolchainInfo, ToolchainSpec, FORK_TOOLCHAIN,
};
use std::path::PathBuf;
use std::time::Duration;

#[derive(Parser)]
#[command(about = "Generated async programs must behave identically under every toolchain")]
#[command(args_conflicts_with_subcommands = true)]
struct Cli {
    #[command(subcommand)]
    cmd: Option<Cmd>,
    #[command(flatten)]
    run: RunArgs,
}

#[derive(Subcommand)]
enum Cmd {
    /// Print the generated program for a seed.
    Gen {
        #[arg(long)]
        seed: u64,
        /// The program for toolchains older than 1.85, without async closures (what a campaign
        /// with such a toolchain generates).
        #[arg(long)]
        no_async_closures: bool,
    },
    /// Build the future-size corpus program (benches/future-sizes) with each toolchain and run it
    /// natively and under valgrind's memcheck; fails on any memcheck error.
    MemcheckCorpus(Box<difftest::corpus::CorpusArgs>),
}

#[derive(Args)]
struct RunArgs {
    /// Number of seeds.
    #[arg(long, default_value_t = 20)]
    seeds: u64,
    /// First seed.
    #[arg(long, default_value_t = 0)]
    start: u64,
    /// Toolchains ("async-fork -Zswitch=no"); the reference is --baseline, else the first.
    /// Default: stable vs nightly if installed, else stable vs stable; plus async-fork if linked.
    #[command(flatten)]
    toolchains: ToolchainArgs,
    /// Opt levels, comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "0,3")]
    opt: Vec<difftest::build::OptLevel>,
    /// Output folder: summary files and failures/.
    #[arg(long, default_value = "results/difftest")]
    out: PathBuf,
    /// Summary file name (without extension); default derived from toolchains and seeds.
    #[arg(long)]
    name: Option<String>,
    /// Seeds built in parallel (the machine is shared: default 1).
    #[arg(long, default_value_t = 1)]
    jobs: usize,
    /// Reducer test budget per difference; 0 disables reduction.
    #[arg(long, default_value_t = 300)]
    reduce_budget: usize,
    /// Start no new seed after this many minutes (the summary says how many ran).
    #[arg(long)]
    max_minutes: Option<f64>,
    #[arg(long, default_value_t = 120)]
    compile_timeout: u64,
    #[arg(long, default_value_t = 10)]
    run_timeout: u64,
    /// Also run every built program (every toolchain's) under valgrind's memcheck; an error, or
    /// other output under valgrind, is a difference of kind `memcheck`.
    #[arg(long)]
    memcheck: bool,
    /// Seconds one program may run under memcheck.
    #[arg(long, default_value_t = 300)]
    memcheck_timeout: u64,
}

fn default_toolchains() -> Vec<ToolchainSpec> {
    let installed = installed_rustup_toolchains();
    let spec = |s: &str| s.parse::<ToolchainSpec>().expect("a valid spec");
    let mut set = vec![spec("stable")];
    if installed.iter().any(|n| n == "nightly") {
        set.push(spec("nightly"));
    }
    if installed.iter().any(|n| n == FORK_TOOLCHAIN) {
        // Linked is not enough: while the fork is being rebuilt its sysroot has no std yet,
        // and every program would be a one-sided compile failure.
        let host = harness::Target::new(harness::target::HOST);
        match harness::Toolchain::parse(FORK_TOOLCHAIN).resolve() {
            Ok(tc) if tc.has_core_for(&host) => set.push(spec(FORK_TOOLCHAIN)),
            Ok(_) => eprintln!("note: {FORK_TOOLCHAIN} is linked but has no std for {host} yet; not compared"),
            Err(e) => eprintln!("note: {e}; not compared"),
        }
    }
    if set.len() == 1 {
        set.push(spec("stable"));
    }
    set
}

/// Toolchains older than what every generated program needs are set aside with the reason.
fn too_old(usable: Vec<ToolchainInfo>, unavailable: &mut Vec<ToolchainError>) -> Vec<ToolchainInfo> {
    let (major, minor, patch) = Caps::MIN_RELEASE;
    let min = format!("{major}.{minor}.{patch}");
    usable
        .into_iter()
        .filter(|tc| {
            let ok = tc.at_least(&min);
            if !ok {
                let e = ToolchainError::NotRunnable {
                    toolchain: tc.name.clone(),
                    detail: format!(
                        "{} is older than {min}, the oldest release the generated programs compile with \
                         (pin!, poll_fn, const generics)",
                        tc.version.release
                    ),
                };
                eprintln!("difftest: skipping {e}");
                unavailable.push(e);
            }
            ok
        })
        .collect()
}

/// The features every compared toolchain supports.
fn caps_for(toolchains: &[Compiler]) -> Caps {
    let oldest = toolchains
        .iter()
        .filter_map(|c| c.info.version.semver())
        .min()
        .unwrap_or(Caps::MIN_RELEASE);
    Caps::for_release(oldest)
}

fn main() -> Result<()> {
    let cli = Cli::parse();
    match cli.cmd {
        Some(Cmd::Gen {
            seed,
            no_async_closures,
        }) => {
            let caps = Caps {
                async_closures: !no_async_closures,
            };
            print!("{}", difftest::render(&difftest::generate_with(seed, caps)));
            return Ok(());
        }
        Some(Cmd::MemcheckCorpus(args)) => {
            let clean = difftest::corpus::run(&args, default_toolchains)?;
            if !clean {
                std::process::exit(1);
            }
            return Ok(());
        }
        None => {}
    }
    let a = cli.run;
    let memcheck = match a.memcheck {
        true => Some(Memcheck::find(Duration::from_secs(a.memcheck_timeout))?),
        false => None,
    };
    let mut specs = a.toolchains.specs_or(default_toolchains);
    if specs.len() == 1 {
        // One toolchain against itself: checks the harness and the programs' determinism.
        specs.push(specs[0].clone());
    }
    let resolved = a.toolchains.resolve_specs("difftest", specs.clone());
    let mut unavailable = resolved.unavailable.clone();
    let baseline = resolved.baseline().cloned();
    let usable = too_old(resolved.usable.clone(), &mut unavailable);
    // The reference (--baseline, else the first usable toolchain) goes first.
    let mut toolchains: Vec<Compiler> = usable.into_iter().map(Compiler::plain).collect();
    if let Some(b) = &baseline {
        if let Some(i) = toolchains.iter().position(|c| c.info.name == b.name) {
            let reference = toolchains.remove(i);
            toolchains.insert(0, reference);
        }
    }
    if toolchains.len() < 2 {
        let names: Vec<String> = specs.iter().map(ToString::to_string).collect();
        bail!("fewer than two usable toolchains among {names:?}");
    }
    let caps = caps_for(&toolchains);
    let cfg = Config {
        start: a.start,
        seeds: a.seeds,
        toolchains,
        opts: a.opt.clone(),
        out: a.out.clone(),
        limits: Limits {
            compile: Duration::from_secs(a.compile_timeout),
            run: Duration::from_secs(a.run_timeout),
        },
        jobs: a.jobs,
        reduce_budget: a.reduce_budget,
        time_budget: a.max_minutes.map(|m| Duration::from_secs_f64(m * 60.0)),
        caps,
        memcheck,
    };
    let labels = campaign::labels(&cfg.toolchains);
    eprintln!(
        "difftest: seeds {}..{}, opt levels {}, {} (reference {}){}{}",
        a.start,
        a.start + a.seeds,
        a.opt.iter().map(|o| o.to_string()).collect::<Vec<_>>().join(","),
        labels.join(" / "),
        labels[0],
        if cfg.caps.async_closures {
            ""
        } else {
            "; without async closures (a toolchain is older than 1.85)"
        },
        match &cfg.memcheck {
            Some(m) => format!("; every program also under memcheck ({})", m.version),
            None => String::new(),
        }
    );
    let outcome = campaign::run(&cfg)?;
    let name = a.name.clone().unwrap_or_else(|| {
        let l: Vec<String> = labels
            .iter()
            // As in the committed summaries: `async-fork -Zx=no` -> `async-fork--Zx-no`.
            .map(|l| harness::toolchain::dir_name(l).replace('_', "-"))
            .collect();
        let mc = if cfg.memcheck.is_some() { "-memcheck" } else { "" };
        format!("{}-seeds-{}-{}{mc}", l.join("-vs-"), a.start, a.start + a.seeds)
    });
    let (json, md) = difftest::report::write(
        &cfg,
        &name,
        harness::envelope::command_line(),
        unavailable,
        &outcome.totals,
        &outcome.failures,
    )?;
    let t = &outcome.totals;
    eprintln!(
        "difftest: {} seeds, {} comparisons, {} identical, {} differences, {:.0}s (summary: {}, {})",
        t.seeds_run,
        t.comparisons,
        t.identical,
        outcome.failures.len(),
        t.elapsed_secs,
        json.display(),
        md.display()
    );
    if cfg.memcheck.is_some() {
        eprintln!(
            "difftest: {} runs under memcheck ({:.0}s), {} not clean",
            t.memcheck_runs, t.memcheck_secs, t.memcheck_unclean
        );
    }
    if let Some(c) = &t.toolchain_changed {
        eprintln!("difftest: ABORTED, {c}; {} of {} seeds run", t.seeds_run, a.seeds);
    } else if t.stopped_early {
        eprintln!(
            "difftest: time budget reached, {} of {} seeds run",
            t.seeds_run, a.seeds
        );
    }
    if t.toolchain_changed.is_some() {
        std::process::exit(2);
    }
    if !outcome.failures.is_empty() {
        std::process::exit(1);
    }
    Ok(())
}
