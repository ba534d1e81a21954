//! `bench`: the command behind `./scripts/bench.sh`. See benches/README.md.
//!
//! The same binary is cargo's `RUSTC_WRAPPER` during capture (see `execute::wrapper`); that mode
//! is chosen by an environment variable before any argument parsing.

use anyhow::Context as _;
use clap::{Args, Parser, Subcommand};
use collector::benchmark::plan::Selection;
use collector::benchmark::{workload, Profile, Scenario};
use collector::execute::metric::MetricChoice;
use collector::execute::wrapper;
use collector::report::{self, fit, summary};
use collector::results::{self, RunState};
use collector::{repo_root, run, runtime, toolchains};
use harness::toolchain::{default_specs, ToolchainArgs, ToolchainSpec};
use std::path::PathBuf;
use std::time::Duration;

/// Without a subcommand, `bench [run options]` is `bench run [run options]`.
#[derive(Parser)]
#[command(name = "bench", about = "Compile-time benchmarks of async code across toolchains")]
#[command(args_conflicts_with_subcommands = true)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    run: Box<RunArgs>,
}

#[derive(Subcommand)]
enum Command {
    /// Measure toolchains x workloads x profiles x scenarios and write results/<run-id>/.
    Run(Box<RunArgs>),
    /// Print the changes between two runs (directories or results.json files).
    Compare { a: PathBuf, b: PathBuf },
    /// Redraw summary.md and the graphs of a run from its results.json.
    Report { run: PathBuf },
    /// Run the criterion runtime bench with the toolchains of a run and fold it into its results.
    Runtime { run: PathBuf },
    /// Write generated workloads (e.g. gen-tree-d4-f2, family:chain) into a directory.
    Generate {
        names: Vec<String>,
        #[arg(long, default_value = "generated-workloads")]
        out: PathBuf,
    },
    /// List the workloads and the generated families.
    List,
    /// rustc-perf's own collector (built from the fork's pinned tree) on its async benchmarks and
    /// our workloads, instructions from `profile_local callgrind`, into results/rustc-perf-<run-id>/.
    RustcPerf(Box<collector::rustc_perf::Args>),
}

#[derive(Args)]
struct RunArgs {
    /// Toolchains (`-t SPEC`, `--baseline SPEC`, `--build-std`): a spec's rustc flags go to the
    /// measured invocation, not to cargo's preparation.
    #[command(flatten)]
    toolchains: ToolchainArgs,
    /// The released-version sweep (installs missing toolchains with rustup); adds to --toolchain.
    #[arg(long)]
    history: bool,
    /// Workload folder name, generated spec (gen-chain-16), family sweep (family:tree), perf-config
    /// category (category:primary) or `all`; repeat. Default: category:primary plus family:tree.
    #[arg(long = "workload", short = 'w')]
    workloads: Vec<String>,
    /// Profiles for hand-written workloads; repeat. Default: all (check, debug, opt).
    #[arg(long = "profile", short = 'p', value_enum)]
    profiles: Vec<Profile>,
    /// Scenarios for hand-written workloads; repeat. Default: full and incr-unchanged (full only with --history).
    #[arg(long = "scenario", short = 's', value_enum)]
    scenarios: Vec<Scenario>,
    /// Profiles for generated (scaling) workloads, which run the `full` scenario only.
    #[arg(long = "sweep-profile", value_enum)]
    sweep_profiles: Vec<Profile>,
    /// Where instruction counts come from.
    #[arg(long, value_enum, default_value = "auto")]
    metric: MetricChoice,
    /// Native (timed) runs per case. Default 3, or 1 with --history.
    #[arg(long)]
    reps: Option<usize>,
    /// Callgrind runs per case (counts are deterministic; 1 is enough, 2 shows the noise).
    #[arg(long, default_value_t = 1)]
    instr_reps: usize,
    /// Output directory. Default: results/<run-id>.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Name of the run (default: UTC date and time).
    #[arg(long)]
    run_id: Option<String>,
    /// Where workload folders are found.
    #[arg(long)]
    workloads_dir: Option<PathBuf>,
    /// Scratch directory for builds. Default: target/bench-work/<run-id>.
    #[arg(long)]
    work_dir: Option<PathBuf>,
    /// Parallel callgrind runs (time runs are always serial). Default: number of CPUs.
    #[arg(long, short = 'j')]
    jobs: Option<usize>,
    /// Timeout of every process, in seconds.
    #[arg(long, default_value_t = 900)]
    timeout: u64,
    /// Skip -Zself-profile on toolchains that accept -Z.
    #[arg(long)]
    no_self_profile: bool,
    /// Also run the criterion runtime bench for each toolchain and fold it into the report.
    #[arg(long)]
    runtime: bool,
    /// No progress bar.
    #[arg(long, short = 'q')]
    quiet: bool,
}

fn main() {
    if wrapper::is_wrapper_invocation() {
        wrapper::main();
    }
    let cli = Cli::parse();
    let command = cli.command.unwrap_or(Command::Run(cli.run));
    let code = match command {
        Command::Run(args) => run_cmd(*args),
        Command::Compare { a, b } => (|| {
            let ra = results::load(&a)?;
            let rb = results::load(&b)?;
            print!(
                "{}",
                report::compare::render(&a.display().to_string(), &b.display().to_string(), &ra, &rb)
            );
            Ok(0)
        })(),
        Command::Report { run } => (|| {
            let data = results::load(&run)?;
            let dir = if run.is_dir() {
                run.clone()
            } else {
                run.parent().map(PathBuf::from).unwrap_or_default()
            };
            // A `bench rustc-perf` run has a report of its own.
            if let Ok(perf) = collector::rustc_perf::RunFile::load(&run) {
                let md = collector::rustc_perf::report::render(&perf);
                harness::report::write_text(&dir.join("summary.md"), &md)?;
                println!("wrote {}", dir.join("summary.md").display());
                return Ok(0);
            }
            let graphs = report::write_all(&data, &dir)?;
            println!("wrote {} and {} graphs", dir.join("summary.md").display(), graphs.len());
            Ok(0)
        })(),
        Command::Runtime { run } => (|| {
            let mut data = results::load(&run)?;
            let dir = if run.is_dir() {
                run.clone()
            } else {
                run.parent().map(PathBuf::from).unwrap_or_default()
            };
            runtime::fold_into(&mut data, &repo_root(), &dir)?;
            let graphs = report::write_all(&data, &dir)?;
            println!(
                "{} runtime results; wrote {} and {} graphs",
                data.runtime.len(),
                dir.join("summary.md").display(),
                graphs.len()
            );
            Ok(0)
        })(),
        Command::Generate { names, out } => (|| {
            for w in workload::resolve(&names, &repo_root().join("benches/workloads"))? {
                let Some(spec) = w.spec() else {
                    anyhow::bail!("`{}` is a hand-written workload, not a generated one", w.name)
                };
                spec.write(&out.join(&w.name))?;
                println!("{}", out.join(&w.name).display());
            }
            Ok(0)
        })(),
        Command::RustcPerf(args) => {
            collector::rustc_perf::install_ctrlc().and_then(|_| collector::rustc_perf::main(*args))
        }
        Command::List => (|| {
            for w in workload::discover(&repo_root().join("benches/workloads"))? {
                println!(
                    "{:<28} {:<10} {}",
                    w.name,
                    w.config.category,
                    w.target().map(|t| t.to_string()).unwrap_or("host".into())
                );
            }
            for f in workload_gen::Family::ALL {
                let names: Vec<_> = f.default_sweep().iter().map(|s| s.name()).collect();
                println!(
                    "family:{:<21} generated  {} ({}+)",
                    f.name(),
                    names.join(" "),
                    f.min_release()
                );
            }
            Ok(0)
        })(),
    };
    match code {
        Ok(c) => std::process::exit(c),
        Err(e) => {
            eprintln!("bench: error: {e:#}");
            std::process::exit(2);
        }
    }
}

fn run_cmd(a: RunArgs) -> anyhow::Result<i32> {
    let repo = repo_root();
    let mut specs: Vec<ToolchainSpec> = a.toolchains.toolchains.clone();
    if a.history {
        let h = toolchains::history();
        toolchains::install(&h);
        let h: Vec<ToolchainSpec> = h
            .into_iter()
            .map(ToolchainSpec::plain)
            .filter(|t| !specs.contains(t))
            .collect();
        specs.extend(h);
    }
    if specs.is_empty() {
        specs = default_specs();
    }
    let resolved = a.toolchains.resolve_specs("bench", specs);
    let workloads_dir = a
        .workloads_dir
        .clone()
        .unwrap_or_else(|| repo.join("benches/workloads"));
    let names = if a.workloads.is_empty() {
        vec!["category:primary".to_string(), "family:tree".to_string()]
    } else {
        a.workloads.clone()
    };
    let workloads = workload::resolve(&names, &workloads_dir)?;
    let or = |v: &Vec<Profile>, d: &[Profile]| if v.is_empty() { d.to_vec() } else { v.clone() };
    let default_profiles: &[Profile] = if a.history {
        &[Profile::Check, Profile::Debug]
    } else {
        &Profile::ALL
    };
    let selection = Selection {
        profiles: or(&a.profiles, default_profiles),
        scenarios: match (a.scenarios.is_empty(), a.history) {
            (false, _) => a.scenarios.clone(),
            (true, true) => vec![Scenario::Full],
            // incr-full is left out of the default set to keep the default run within 10 minutes
            // with three toolchains under callgrind; ask for it with `-s incr-full`.
            (true, false) => vec![Scenario::Full, Scenario::IncrUnchanged],
        },
        sweep_profiles: or(&a.sweep_profiles, &[Profile::Debug]),
    };
    let run_id = a
        .run_id
        .clone()
        .or_else(|| {
            a.out
                .as_ref()
                .and_then(|o| o.file_name())
                .map(|n| n.to_string_lossy().into_owned())
        })
        .unwrap_or_else(default_run_id);
    let out_dir = a.out.clone().unwrap_or_else(|| repo.join("results").join(&run_id));
    let work_dir = a
        .work_dir
        .clone()
        .unwrap_or_else(|| repo.join("target/bench-work").join(&run_id));
    let opts = run::Options {
        toolchains: resolved,
        workloads,
        selection,
        metric: a.metric,
        reps: a.reps.unwrap_or(if a.history { 1 } else { 3 }).max(1),
        instr_reps: a.instr_reps.max(1),
        out_dir: out_dir.clone(),
        work_dir,
        jobs: a
            .jobs
            .unwrap_or_else(|| std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)),
        timeout: Duration::from_secs(a.timeout),
        self_profile: !a.no_self_profile,
        run_id,
        repo,
        command: harness::envelope::command_line(),
        quiet: a.quiet,
    };
    ctrlc::set_handler(|| {
        if run::INTERRUPTED.swap(true, std::sync::atomic::Ordering::SeqCst) {
            // Second Ctrl-C: the user insists.
            std::process::exit(130);
        }
        eprintln!("\nbench: interrupted; saving what was measured (Ctrl-C again to quit at once)");
    })
    .context("installing the Ctrl-C handler")?;
    eprintln!("bench: writing {}", out_dir.join("results.json").display());
    let mut data = run::run(&opts)?;
    if a.runtime && !run::interrupted() {
        runtime::fold_into(&mut data, &opts.repo, &opts.out_dir)?;
    }
    let graphs = report::write_all(&data, &out_dir)?;
    print_outcome(&data, &out_dir, &graphs);
    Ok(match data.state {
        RunState::Interrupted { .. } => 130,
        _ => 0,
    })
}

fn print_outcome(data: &results::ResultsFile, out: &std::path::Path, graphs: &[String]) {
    let metric = summary::primary_metric(data);
    for (family, p) in fit::scaling_sets(data) {
        for s in fit::scaling(data, family, p, metric) {
            if let Some(f) = s.fit {
                println!(
                    "scaling {} {p} {}: exponent {:.2} (R² {:.3}, {} points)",
                    family.name(),
                    s.toolchain,
                    f.exponent,
                    f.r2,
                    f.points
                );
            }
        }
    }
    let count = |pred: fn(&results::Status) -> bool| data.cases.iter().filter(|c| pred(&c.status)).count();
    println!(
        "{} cases: {} measured, {} unsupported, {} failed, {} skipped, {} not reached",
        data.cases.len(),
        count(|s| matches!(s, results::Status::Measured)),
        count(|s| matches!(s, results::Status::Unsupported { .. })),
        count(|s| matches!(s, results::Status::Failed { .. })),
        count(|s| matches!(s, results::Status::Skipped { .. })),
        count(|s| matches!(s, results::Status::Pending)),
    );
    if let Some(d) = data.run.duration_s {
        println!("duration {d:.0} s");
    }
    println!("results: {}", out.join("results.json").display());
    println!("summary: {}", out.join("summary.md").display());
    println!("graphs: {}", graphs.join(", "));
    if let RunState::Interrupted { reason } = &data.state {
        println!("run interrupted: {reason}");
    }
}

fn default_run_id() -> String {
    // 2026-11-25T21:30:05Z -> 2026-11-25-213005
    harness::envelope::utc_now().replace('T', "-").replace([':', 'Z'], "")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn run_is_the_default_subcommand() {
        let cli = Cli::try_parse_from(["bench", "-t", "async-fork -Zx=no", "-w", "gen-chain-4"]).unwrap();
        assert!(cli.command.is_none());
        assert_eq!(cli.run.toolchains.toolchains[0].flags, vec!["-Zx=no".to_string()]);
        let cli = Cli::try_parse_from(["bench", "run", "-t", "stable"]).unwrap();
        assert!(matches!(cli.command, Some(Command::Run(_))));
        let cli = Cli::try_parse_from(["bench", "compare", "a", "b"]).unwrap();
        assert!(matches!(cli.command, Some(Command::Compare { .. })));
        assert!(Cli::try_parse_from(["bench", "-t", "stable", "compare", "a", "b"]).is_err());
    }
}
