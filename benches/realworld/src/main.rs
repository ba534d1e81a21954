//! `realworld`: build the real-world firmware applications with every toolchain, each way its
//! `core` can be provided, and write `<out-dir>/realworld.json` and `<out-dir>/realworld.md`.

use clap::Parser;
use harness::envelope::{command_line, Envelope};
use harness::target::CORTEX_M4F;
use harness::toolchain::{ToolchainArgs, ToolchainSpec};
use harness::Target;
use realworld::build::BuildSettings;
use realworld::plan::CoreClass;
use realworld::report::{Method, Report, SCHEMA};
use std::path::PathBuf;
use std::time::Duration;

/// The reference set: the compiler the fork is built from, the current stable release, the
/// nightly that has -Zasync-panic, and the fork with its layout switches on and off.
const DEFAULT_SPECS: [&str; 5] = [
    "1.95.0",
    "1.99.1",
    "nightly-2026-10-29",
    "async-fork",
    realworld::FORK_LAYOUT_OFF,
];

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
    /// from rust-src) (repeat); default: both.
    #[arg(long = "core", value_enum)]
    classes: Vec<CoreClass>,
    /// Seconds one cargo invocation may take.
    #[arg(long, default_value_t = 1200)]
    timeout: u64,
    /// Where realworld.json and realworld.md go.
    #[arg(long, default_value = concat!(env!("CARGO_MANIFEST_DIR"), "/../../results/realworld"))]
    out_dir: PathBuf,
    /// Under which the per-toolchain target directories go (`target/runner/<toolchain>-<id>/<core>`).
    #[arg(long, default_value = env!("CARGO_MANIFEST_DIR"))]
    work_dir: PathBuf,
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let specs = cli.toolchains.specs_or(|| {
        DEFAULT_SPECS
            .iter()
            .map(|s| s.parse::<ToolchainSpec>().expect("a valid spec"))
            .collect()
    });
    let toolchains = cli.toolchains.resolve_specs("realworld", specs);
    let apps = realworld::app::select(
        realworld::app::discover(&realworld::crate_dir().join("apps"))?,
        &cli.apps,
    )?;
    let classes = match cli.classes.is_empty() {
        true => CoreClass::ALL.to_vec(),
        false => cli.classes.clone(),
    };
    let target = Target::new(CORTEX_M4F);
    let settings = BuildSettings {
        target: &target,
        work_dir: &cli.work_dir,
        timeout: Duration::from_secs(cli.timeout),
    };
    let builds = realworld::run::run(&toolchains.usable, &apps, &classes, &settings);
    let report = Report {
        baseline: toolchains.baseline().map(|b| b.name.clone()),
        envelope: Envelope::new(SCHEMA, command_line(), toolchains.usable.clone(), toolchains.unavailable.clone()),
        method: Method {
            target: CORTEX_M4F.into(),
            profile: "each application's release profile: opt-level=s, lto=fat, codegen-units=1, panic=abort".into(),
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
