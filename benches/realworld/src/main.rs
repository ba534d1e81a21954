//! `realworld`: build the real-world firmware applications with every toolchain, each way its
//! `core` can be provided, and write `<out-dir>/realworld.json` and `<out-dir>/realworld.md`.
//! With `--build-time`: time clean release builds of them instead (`realworld::build_time`), and
//! write `<out-dir>/build-time.json` and `<out-dir>/build-time.md`.

use anyhow::Context as _;
use clap::Parser;
use harness::envelope::{command_line, Envelope};
use harness::target::CORTEX_M4F;
use harness::toolchain::{ToolchainArgs, ToolchainSpec};
use harness::Target;
use harness::Toolchains;
use realworld::app::App;
use realworld::build::BuildSettings;
use realworld::build_time::cargo::CleanBuild;
use realworld::build_time::report::BuildTimeReport;
use realworld::plan::CoreClass;
use realworld::report::{Method, Report, SCHEMA};
use std::path::PathBuf;
use std::time::Duration;

/// The reference set: the compiler the fork is built from, the current stable release, the
/// nightly that has -Zasync-panic, and the fork with its layout switches on and off.
fn default_specs() -> [&'static str; 5] {
    [
        "1.95.0",
        "1.99.1",
        "nightly-2026-10-29",
        "async-fork",
        realworld::FORK_LAYOUT_OFF.as_str(),
    ]
}

/// The applications' release profile (all alike).
const PROFILE: &str = "each application's release profile: opt-level=s, lto=fat, codegen-units=1, panic=abort";

#[derive(Parser)]
#[command(
    about = "Build the real-world firmware (embassy, RTIC, sequential-storage) per toolchain and measure task RAM, futures, flash and panic sites"
)]
struct Cli {
    /// Default toolchains: 1.95.0, 1.99.1, nightly-2026-10-29, async-fork and the fork with its
    /// layout switches off (`realworld::FORK_LAYOUT_OFF`; those installed). The baseline defaults to the
    /// first. `--build-std` has no effect here: every toolchain is built each way `--core` names.
    #[command(flatten)]
    toolchains: ToolchainArgs,
    /// An application under benches/realworld/apps (repeat); default: all.
    #[arg(long = "app")]
    apps: Vec<String>,
    /// How core is provided: prebuilt (rust-std or the fork's sysroot), build-std (-Zbuild-std
    /// from rust-src) (repeat); default: both (with --build-time: prebuilt).
    #[arg(long = "core", value_enum)]
    classes: Vec<CoreClass>,
    /// Seconds one cargo invocation may take.
    #[arg(long, default_value_t = 1200)]
    timeout: u64,
    /// Where realworld.json and realworld.md (or build-time.json and build-time.md) go.
    #[arg(long, default_value = concat!(env!("CARGO_MANIFEST_DIR"), "/../../results/realworld"))]
    out_dir: PathBuf,
    /// Under which the per-toolchain target directories go (`target/runner/<toolchain>-<id>/<core>`;
    /// with --build-time, a fresh one per build under `target/build-time/`).
    #[arg(long, default_value = env!("CARGO_MANIFEST_DIR"))]
    work_dir: PathBuf,
    /// Instead of measuring the images: time clean release builds of the applications with all
    /// their dependencies, each in a fresh target directory (wall, CPU = user + sys, max RSS),
    /// interleaving the toolchains -> build-time.json and build-time.md in --out-dir.
    #[arg(long)]
    build_time: bool,
    /// With --build-time: how many times each toolchain builds each application.
    #[arg(long, default_value_t = 3, requires = "build_time", value_parser = clap::value_parser!(u32).range(1..))]
    reps: u32,
}

fn main() -> anyhow::Result<()> {
    // Cargo runs every compilation of a `--build-time` build through this executable.
    if let Some(code) = harness::units::wrapper_main() {
        std::process::exit(code);
    }
    let cli = Cli::parse();
    let specs = cli.toolchains.specs_or(|| {
        default_specs()
            .iter()
            .map(|s| s.parse::<ToolchainSpec>().expect("a valid spec"))
            .collect()
    });
    let toolchains = cli.toolchains.resolve_specs("realworld", specs);
    let apps = realworld::app::select(
        realworld::app::discover(&realworld::crate_dir().join("apps"))?,
        &cli.apps,
    )?;
    let target = Target::new(CORTEX_M4F);
    let settings = BuildSettings {
        target: &target,
        work_dir: &cli.work_dir,
        timeout: Duration::from_secs(cli.timeout),
    };
    if cli.build_time {
        return build_time(&cli, &toolchains, &apps, &settings);
    }
    let classes = match cli.classes.is_empty() {
        true => CoreClass::ALL.to_vec(),
        false => cli.classes.clone(),
    };
    let builds = realworld::run::run(&toolchains.usable, &apps, &classes, &settings);
    let report = Report {
        baseline: toolchains.baseline().map(|b| b.name.clone()),
        envelope: Envelope::new(SCHEMA, command_line(), toolchains.usable.clone(), toolchains.unavailable.clone()),
        method: Method {
            target: CORTEX_M4F.into(),
            profile: PROFILE.into(),
            task_storage: "Task RAM: sizes of the task statics in the ELF symbol table (embassy-executor 0.10 `<task>::POOL`, RTIC 2 `__rtic_internal_<task>_EXEC`).".into(),
            future_sizes: "Futures: every `{async fn body of <app>::...}` and `{async block@src/...}` type in `-Zprint-type-sizes` output of the application crate (`cargo rustc -- -Zprint-type-sizes`; RUSTC_BOOTSTRAP=1 for releases, as for all their builds).".into(),
            panic_sites: "Panic sites: branches/calls into core's panic entry points, from llvm-objdump -d.".into(),
            core_classes: "Core classes: `prebuilt` is the sysroot's core (rustup's rust-std; the fork's own stage1 sysroot for the fork); `build-std` builds core and alloc from each toolchain's rust-src with the application's profile (-Zbuild-std=core,alloc). Ratios are formed only within one class.".into(),
        },
        builds,
    };
    let md = report.markdown();
    let written = harness::report::write_pair(&cli.out_dir, "realworld", &report, &md)?;
    println!("{md}");
    eprintln!(
        "realworld: wrote {} and {}",
        written.json.display(),
        written.markdown.display()
    );
    Ok(())
}

/// `--build-time`: the timed clean builds (`realworld::build_time`).
fn build_time(cli: &Cli, toolchains: &Toolchains, apps: &[App], settings: &BuildSettings) -> anyhow::Result<()> {
    use realworld::build_time::report::{Method, SCHEMA};
    let classes = match cli.classes.is_empty() {
        true => vec![CoreClass::Prebuilt],
        false => cli.classes.clone(),
    };
    let mut report = BuildTimeReport {
        envelope: Envelope::new(
            SCHEMA,
            command_line(),
            toolchains.usable.clone(),
            toolchains.unavailable.clone(),
        ),
        method: Method {
            target: CORTEX_M4F.into(),
            profile: PROFILE.into(),
            build: "`cargo build --release --locked --offline` of the application with all its dependencies and build \
                    scripts (and, with -Zbuild-std, core and alloc) in a fresh empty target directory, with the \
                    environment of the measuring builds (RUSTC, the toolchain's flags, RUSTC_BOOTSTRAP=1 on a release \
                    as they set it, the linker); sources fetched before, untimed (`cargo fetch --locked`)."
                .into(),
            metric: "Wall: cargo's elapsed time. CPU: user + system time of cargo and every process it waited for \
                     (rustc, build scripts, the linker; wait4's rusage). Max RSS: the largest single process's peak. \
                     Minimum and median over the builds that succeeded; ratios are of medians, to the baseline's, \
                     for the same application and core class. Every compilation runs through this tool as \
                     RUSTC_WRAPPER, which logs its own user + system time (rustc and the linker it runs): \
                     host compilations are build scripts, proc macros and their dependencies; the rest of a \
                     build's CPU is cargo and the running of build scripts."
                .into(),
            order: "Each repetition builds every application with every toolchain, the toolchain order reversed \
                    every other repetition."
                .into(),
            jobs: realworld::build::jobs(),
        },
        baseline: toolchains.baseline().map(|b| b.name.clone()),
        reps: cli.reps,
        planned: 0,
        skipped: Vec::new(),
        notes: Vec::new(),
        builds: Vec::new(),
    };
    let mut builder = CleanBuild {
        settings,
        wrapper: Some(std::env::current_exe().context("finding this executable, the builds' timing wrapper")?),
    };
    realworld::build_time::run(
        &mut report,
        &toolchains.usable,
        apps,
        &classes,
        settings.target,
        &cli.out_dir,
        &mut builder,
    )?;
    println!("{}", report.markdown());
    let stem = realworld::build_time::STEM;
    eprintln!(
        "realworld: wrote {} and {}",
        cli.out_dir.join(format!("{stem}.json")).display(),
        cli.out_dir.join(format!("{stem}.md")).display()
    );
    Ok(())
}
