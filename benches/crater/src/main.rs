//! `crater`: real async crates' test suites per toolchain (default), `list`, `lock`.
//! The entry point is `scripts/crater.sh`; the design is in the library docs.

use anyhow::Result;
use clap::{Args, Parser, Subcommand};
use crater::campaign::{self, Config};
use crater::manifest::{self, CrateSpec};
use crater::run::{Profile, INTERRUPTED};
use harness::toolchain::{ToolchainArgs, ToolchainSpec};
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::time::Duration;

#[derive(Parser)]
#[command(
    about = "Real async crates' own test suites, per toolchain, at debug and release, compared with the baseline"
)]
#[command(args_conflicts_with_subcommands = true)]
struct Cli {
    #[command(subcommand)]
    cmd: Option<Cmd>,
    #[command(flatten)]
    run: RunArgs,
}

#[derive(Subcommand)]
enum Cmd {
    /// The pinned crates.
    List(ListArgs),
    /// Resolve a crate's dependencies anew and write its lockfile (locks/<name>-<version>.lock).
    Lock(LockArgs),
}

#[derive(Args)]
struct ListArgs {
    /// Folder with crates.toml and locks/.
    #[arg(long, default_value_os_t = manifest::default_dir())]
    list_dir: PathBuf,
}

#[derive(Args)]
struct LockArgs {
    /// Only these crates (by name); default every crate without a lockfile.
    #[arg(long = "crate")]
    crates: Vec<String>,
    #[arg(long, default_value_os_t = manifest::default_dir())]
    list_dir: PathBuf,
    #[arg(long, default_value = "target/crater")]
    work_dir: PathBuf,
}

#[derive(Args)]
struct RunArgs {
    /// Default: 1.95.0 (the baseline: the release the fork is built from) and async-fork.
    #[command(flatten)]
    toolchains: ToolchainArgs,
    /// Only these crates (by name; repeat).
    #[arg(long = "crate")]
    crates: Vec<String>,
    /// Profiles, comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "debug,release")]
    profile: Vec<Profile>,
    /// Cargo's build jobs (the machine is shared).
    #[arg(long, short = 'j', default_value_t = 2)]
    jobs: usize,
    /// Time for one crate with one toolchain at one profile (build and tests), unless the crate
    /// sets its own.
    #[arg(long, default_value_t = 30.0)]
    timeout_minutes: f64,
    /// How long to wait for a toolchain that does not run (the fork being rebuilt).
    #[arg(long, default_value_t = 240.0)]
    wait_minutes: f64,
    #[arg(long, default_value = "results/crater")]
    out: PathBuf,
    /// File name of the results (without extension).
    #[arg(long, default_value = "crater")]
    name: String,
    /// Sources, target folders and the fetch projects.
    #[arg(long, default_value = "target/crater")]
    work_dir: PathBuf,
    #[arg(long, default_value_os_t = manifest::default_dir())]
    list_dir: PathBuf,
    /// Keep the complete steps of the results file (`--out`/`--name`) and run only the rest.
    #[arg(long)]
    resume: bool,
}

fn select(all: Vec<CrateSpec>, names: &[String]) -> Result<Vec<CrateSpec>> {
    for n in names {
        anyhow::ensure!(
            all.iter().any(|c| &c.name == n),
            "no crate `{n}` in the list (scripts/crater.sh list)"
        );
    }
    Ok(all
        .into_iter()
        .filter(|c| names.is_empty() || names.contains(&c.name))
        .collect())
}

fn main() -> Result<()> {
    let cli = Cli::parse();
    match cli.cmd {
        Some(Cmd::List(a)) => {
            for c in manifest::load(&a.list_dir)? {
                let lock = if manifest::lock_path(&a.list_dir, &c).is_file() {
                    ""
                } else {
                    " (NO LOCKFILE)"
                };
                println!("{} {}{lock}: {}", c.name, c.version, c.why);
            }
            return Ok(());
        }
        Some(Cmd::Lock(a)) => {
            let all = manifest::load(&a.list_dir)?;
            let chosen = select(all, &a.crates)?;
            for c in chosen {
                let lock = manifest::lock_path(&a.list_dir, &c);
                if a.crates.is_empty() && lock.is_file() {
                    continue;
                }
                eprintln!("crater: locking {} -> {}", c.id(), lock.display());
                std::fs::create_dir_all(&a.work_dir)?;
                crater::source::make_lock(&c, &std::fs::canonicalize(&a.work_dir)?, &lock)?;
            }
            return Ok(());
        }
        None => {}
    }
    let a = cli.run;
    anyhow::ensure!(a.jobs > 0, "--jobs must be at least 1");
    anyhow::ensure!(!a.profile.is_empty(), "--profile needs at least one profile");
    let crates = select(manifest::load(&a.list_dir)?, &a.crates)?;
    let specs = a.toolchains.specs_or(|| {
        ["1.95.0", harness::toolchain::FORK_TOOLCHAIN]
            .iter()
            .map(|s| s.parse::<ToolchainSpec>().expect("a valid spec"))
            .collect()
    });
    // The baseline goes first: every other toolchain's steps are compared with its.
    let mut specs = specs;
    if let Some(b) = &a.toolchains.baseline {
        if let Some(i) = specs.iter().position(|s| s == b) {
            let b = specs.remove(i);
            specs.insert(0, b);
        } else {
            specs.insert(0, b.clone());
        }
    }
    ctrlc::set_handler(|| {
        eprintln!("\ncrater: interrupted; stopping after the running process");
        INTERRUPTED.store(true, Ordering::SeqCst);
    })?;
    // Absolute: cargo reads a relative CARGO_TARGET_DIR against the crate's folder, which each
    // step replaces with a fresh copy (and the build cache with it).
    std::fs::create_dir_all(&a.work_dir)?;
    let work = std::fs::canonicalize(&a.work_dir)?;
    let cfg = Config {
        specs,
        crates,
        list_dir: a.list_dir.clone(),
        profiles: a.profile.clone(),
        jobs: a.jobs,
        timeout_minutes: a.timeout_minutes,
        wait: Duration::from_secs_f64(a.wait_minutes * 60.0),
        work,
        out: a.out.clone(),
        name: a.name.clone(),
        command: harness::envelope::command_line(),
        resume: a.resume,
    };
    eprintln!(
        "crater: {} crates x {} x {}; results in {}/{}.{{json,md}}",
        cfg.crates.len(),
        cfg.profiles.iter().map(|p| p.to_string()).collect::<Vec<_>>().join(","),
        cfg.specs
            .iter()
            .map(|s| format!("`{s}`"))
            .collect::<Vec<_>>()
            .join(", "),
        cfg.out.display(),
        cfg.name
    );
    let (results, rechecks) = campaign::run(&cfg)?;
    for (tc, c) in results.tests_per_toolchain() {
        eprintln!(
            "crater: `{tc}`: {} tests ({} passed, {} failed, {} ignored)",
            c.total(),
            c.passed,
            c.failed,
            c.ignored
        );
    }
    let regressions: usize = results.comparisons.iter().map(|c| c.regressions.len()).sum();
    eprintln!(
        "crater: {regressions} regressions against `{}` ({} rerun alone); {:.0} min",
        results.baseline,
        rechecks.len(),
        results.elapsed_secs / 60.0
    );
    if results.state == crater::report::State::Interrupted {
        std::process::exit(130);
    }
    if regressions > 0 {
        std::process::exit(1);
    }
    Ok(())
}
