//! `firmware-runner`: measure the Cortex-M firmware workload on every toolchain.
//!
//! Writes `<out-dir>/firmware.json` (harness envelope first) and `<out-dir>/firmware.md`, prints
//! the table, and exits non-zero if a measured flavour failed to build, run or match its
//! transcript. Toolchains that are missing or lack the target are reported and skipped.

use anyhow::Context;
use clap::Parser;
use firmware_runner::qemu::Qemu;
use firmware_runner::report::{Method, Report, SCHEMA};
use firmware_runner::run::{run_toolchain, Settings};
use firmware_runner::variant::Flavour;
use harness::envelope::{command_line, Envelope};
use harness::target::CORTEX_M4F;
use harness::toolchain::{add_rustup_targets, default_specs, CoreClass, Toolchain, ToolchainArgs};
use std::path::PathBuf;
use std::time::Duration;

#[derive(Parser)]
#[command(about = "Build, run (QEMU mps2-an386) and measure the async firmware per toolchain")]
struct Cli {
    /// Toolchains, with rustc flags for the firmware's crates ("async-fork -Zasync-panic=no");
    /// `--build-std` builds core for toolchains without a thumbv7em rust-std.
    #[command(flatten)]
    toolchains: ToolchainArgs,
    /// The QEMU binary.
    #[arg(long, default_value = "qemu-system-arm")]
    qemu: PathBuf,
    /// Seconds a firmware run may take before it counts as hung.
    #[arg(long, default_value_t = 30)]
    timeout: u64,
    /// Where firmware.json and firmware.md go.
    #[arg(long, default_value = concat!(env!("CARGO_MANIFEST_DIR"), "/../../results/firmware"))]
    out_dir: PathBuf,
    /// The firmware project.
    #[arg(long)]
    firmware_dir: Option<PathBuf>,
    /// Skip the traced run that counts instructions.
    #[arg(long)]
    no_instructions: bool,
    /// Provide every toolchain's core this way: `build-std` builds core and alloc from each
    /// toolchain's rust-src with the firmware's profile, so a release, a nightly without a
    /// thumbv7em rust-std and the fork are built the same way. Default: the prebuilt core, or
    /// -Zbuild-std for a toolchain without one when --build-std is given.
    #[arg(long, value_enum)]
    core: Option<CoreClass>,
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    // Every named rustup toolchain gets the Cortex-M targets (paths to a rustc are left alone).
    let specs = cli.toolchains.specs_or(default_specs);
    for spec in &specs {
        if let Toolchain::Rustup(name) = &spec.toolchain {
            for (target, why) in add_rustup_targets(name, &[CORTEX_M4F]) {
                eprintln!("firmware: no {target} for {name}: {why}");
            }
        }
    }
    let resolved = cli.toolchains.resolve_specs("firmware", specs);
    let settings = Settings {
        firmware_dir: cli.firmware_dir.unwrap_or_else(firmware_runner::default_firmware_dir),
        qemu: Qemu {
            program: cli.qemu.clone(),
            timeout: Duration::from_secs(cli.timeout),
        },
        flavours: Flavour::ALL.to_vec(),
        count_instructions: !cli.no_instructions,
        core: cli.core,
    };
    let mut results = Vec::new();
    for t in &resolved.usable {
        eprintln!("firmware: {} ({})", t.name, t.describe());
        let r = run_toolchain(&settings, t);
        if let Some(reason) = &r.skipped {
            eprintln!("firmware: skipping {}: {reason}", t.name);
        }
        results.push(r);
    }
    let qemu_version = std::process::Command::new(&cli.qemu)
        .arg("--version")
        .output()
        .ok()
        .and_then(|o| String::from_utf8_lossy(&o.stdout).lines().next().map(str::to_string))
        .unwrap_or_else(|| format!("{} (not runnable)", cli.qemu.display()));
    let report = Report {
        envelope: Envelope::new(SCHEMA, command_line(), resolved.usable, resolved.unavailable),
        method: Method {
            target: harness::target::CORTEX_M4F.into(),
            qemu: format!(
                "{} -machine {} -cpu {} -semihosting-config enable=on,target=native -icount shift=0,sleep=off",
                cli.qemu.display(),
                firmware_runner::qemu::MACHINE,
                firmware_runner::qemu::CPU
            ),
            qemu_version,
            profile: "release (opt-level=s, lto=fat, codegen-units=1, panic=abort)".into(),
            instructions: match cli.no_instructions {
                true => "not counted (--no-instructions)".into(),
                false => {
                    "guest instructions executed by the whole run, counted from QEMU's -singlestep -d exec,nochain \
                          log (no TCG insn plugin in Debian's QEMU)"
                        .into()
                }
            },
            panic_sites: "branches/calls into core's panic entry points, from llvm-objdump -d".into(),
            core: cli.core,
        },
        results,
    };
    std::fs::create_dir_all(&cli.out_dir).with_context(|| format!("creating {}", cli.out_dir.display()))?;
    let out_dir = cli.out_dir.canonicalize()?;
    let md = report.markdown();
    let written = harness::report::write_pair(&out_dir, "firmware", &report, &md)?;
    println!("{md}");
    eprintln!("firmware: wrote {} and firmware.md", written.json.display());
    if !report.passed() {
        anyhow::bail!("a firmware flavour failed to build, run or match its transcript (see the table)");
    }
    Ok(())
}
