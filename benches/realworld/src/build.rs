//! One build of one application with one toolchain and one core provision, and its type-size pass.
//!
//! 0. `cargo clean -p <app>`: the application crate is compiled in this run by both steps below
//!    (cargo would otherwise find it fresh and print no type sizes); dependencies stay built.
//! 1. `cargo build --release --message-format=json-render-diagnostics` in the application's
//!    directory; cargo's JSON messages (`cargo_metadata`) name the executable. `RUSTC` is the
//!    toolchain's real rustc and its flags go in `CARGO_ENCODED_RUSTFLAGS` (harness
//!    `cargo_settings`); cargo is the toolchain's own where rustup has one (a `-Zbuild-std` build
//!    reads the library's manifests, which that cargo understands), else the running one.
//! 2. `cargo rustc --release --bin <app> -- -Zprint-type-sizes`: the same build, with the option on
//!    the application crate only (a diagnostic: it changes no layout). The image measured is the
//!    one copied out after step 1.
//!
//! A release toolchain runs both steps with `RUSTC_BOOTSTRAP=1` (which `-Zprint-type-sizes` and
//! `-Zbuild-std` need; it unlocks options and changes no code), so the two steps share every
//! dependency's fingerprint. So does a `-Zbuild-std` build driven by a release cargo (the fork's
//! cargo is its stage0's, 1.95.0), since cargo's own `-Z` flags need it there. Each toolchain x class has its own target directory, shared by the
//! applications, so a `core` built from source is built once. The timed clean builds of
//! `--build-time` ([`crate::build_time`]) run cargo with this same environment ([`cargo_command`])
//! and arguments ([`common_args`]).

use crate::app::App;
use crate::plan::CoreClass;
use harness::rustc::{first_error_line, Invocation, Outcome};
use harness::toolchain::CoreProvision;
use harness::{Target, ToolchainInfo};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// What a finished build left for measuring.
#[derive(Debug)]
pub struct Built {
    pub image: PathBuf,
    /// Crate names of everything the application was built with (from cargo's messages).
    pub dependencies: BTreeSet<String>,
    pub print_type_sizes: String,
    pub cargo: PathBuf,
    pub build_secs: f64,
    pub notes: Vec<String>,
}

/// A build that did not produce an image: the step and the first error line (or the timeout).
#[derive(Debug, Clone, PartialEq)]
pub struct BuildFailure {
    pub step: &'static str,
    pub first_error: String,
}

pub struct BuildSettings<'a> {
    pub target: &'a Target,
    pub work_dir: &'a Path,
    pub timeout: Duration,
}

/// The cargo to drive `toolchain`'s builds with: its own (rustup, or beside a rustc path), else
/// the one running this tool.
pub fn cargo_for(toolchain: &ToolchainInfo) -> PathBuf {
    let beside = toolchain.rustc.with_file_name("cargo");
    if beside.is_file() {
        return beside;
    }
    std::env::var_os("CARGO")
        .map(PathBuf::from)
        .unwrap_or_else(|| "cargo".into())
}

/// `<work>/<toolchain>-<compiler id>/<class>`: a rebuilt compiler gets a fresh directory (see
/// `firmware_runner::build::target_dir`).
pub fn target_dir(work_dir: &Path, toolchain: &ToolchainInfo, class: CoreClass) -> PathBuf {
    firmware_runner::build::target_dir(work_dir, toolchain).join(class.name())
}

/// Why a build needs `RUSTC_BOOTSTRAP=1` (see the module doc), if it does.
fn bootstrap_reason(cargo: &Path, toolchain: &ToolchainInfo, provision: CoreProvision) -> Option<&'static str> {
    if !toolchain.accepts_z() {
        return Some("a release rustc: -Zprint-type-sizes and -Zbuild-std");
    }
    let cargo_is_release = || {
        std::process::Command::new(cargo)
            .arg("-V")
            .output()
            .map(|o| {
                let v = String::from_utf8_lossy(&o.stdout);
                !(v.contains("nightly") || v.contains("-dev"))
            })
            .unwrap_or(true)
    };
    match provision {
        CoreProvision::BuildStd { .. } if cargo_is_release() => Some("a release cargo: its -Zbuild-std"),
        _ => None,
    }
}

/// The `CARGO_BUILD_JOBS` of every build: the caller's, else 1.
pub fn jobs() -> String {
    std::env::var("CARGO_BUILD_JOBS").unwrap_or_else(|_| "1".into())
}

/// Cargo in the application's directory with the toolchain's environment (see the module doc).
fn invocation(cargo: &Path, app: &App, toolchain: &ToolchainInfo, settings: &BuildSettings) -> Invocation {
    let cargo_settings = toolchain.cargo_settings(None);
    let mut inv = Invocation::new(cargo)
        .cwd(&app.dir)
        .env("RUSTC_WRAPPER", "")
        .env("CARGO_BUILD_JOBS", jobs())
        .timeout(settings.timeout);
    for (k, v) in cargo_settings.env {
        inv = inv.env(k, v);
    }
    if let Some(linker) = firmware_runner::build::linker_override(toolchain) {
        let var = format!(
            "CARGO_TARGET_{}_LINKER",
            settings.target.triple().to_uppercase().replace('-', "_")
        );
        inv = inv.env(var, linker);
    }
    inv
}

/// Every cargo command of a build of `app` with `toolchain` and `provision` (the measured build
/// and type-size pass here, the timed clean build of [`crate::build_time`]): `cargo` in the
/// application's directory with the environment of the module doc, `RUSTC_BOOTSTRAP=1` included
/// where it is needed, and the notes a result carries about that environment.
pub fn cargo_command(
    cargo: &Path,
    app: &App,
    toolchain: &ToolchainInfo,
    provision: CoreProvision,
    settings: &BuildSettings,
) -> (Invocation, Vec<String>) {
    let mut inv = invocation(cargo, app, toolchain, settings);
    let mut notes = Vec::new();
    if let Some(linker) = firmware_runner::build::linker_override(toolchain) {
        notes.push(format!(
            "linked with {} (the toolchain has no rust-lld)",
            linker.display()
        ));
    }
    if let Some(reason) = bootstrap_reason(cargo, toolchain, provision) {
        inv = inv.env("RUSTC_BOOTSTRAP", "1");
        notes.push(format!("built with RUSTC_BOOTSTRAP=1 ({reason})"));
    }
    (inv, notes)
}

/// `--release --target T --target-dir D --message-format=json-render-diagnostics` (the first five
/// are what `cargo clean` takes too), and `-Zbuild-std=core,alloc` when core is built from source.
pub fn common_args(provision: CoreProvision, settings: &BuildSettings, target_dir: &Path) -> Vec<String> {
    let mut args = vec![
        "--release".to_string(),
        "--target".into(),
        settings.target.triple().into(),
        "--target-dir".into(),
        target_dir.display().to_string(),
        "--message-format=json-render-diagnostics".into(),
    ];
    if let CoreProvision::BuildStd { .. } = provision {
        args.push("-Zbuild-std=core,alloc".into());
    }
    args
}

/// A cargo command that did not succeed: its first error line, or the timeout.
pub fn failure(step: &'static str, finished: &harness::rustc::Finished) -> BuildFailure {
    BuildFailure {
        step,
        first_error: match finished.outcome {
            Outcome::TimedOut { .. } => finished.outcome.summary(),
            _ => first_error_line(&finished.stderr),
        },
    }
}

/// The executable of `app` among cargo's JSON messages, and the crate names of the other
/// artifacts (its dependencies).
pub fn artifacts(stdout: &str, app: &App) -> (Option<PathBuf>, BTreeSet<String>) {
    let mut executable = None;
    let mut dependencies = BTreeSet::new();
    for message in cargo_metadata::Message::parse_stream(stdout.as_bytes()).flatten() {
        if let cargo_metadata::Message::CompilerArtifact(a) = message {
            if a.target.name == app.name {
                executable = a.executable.map(PathBuf::from).or(executable);
            } else {
                dependencies.insert(a.target.name.replace('-', "_"));
            }
        }
    }
    (executable, dependencies)
}

/// Builds `app` (step 1), copies its image out, and runs the type-size pass (step 2).
pub fn build(
    app: &App,
    toolchain: &ToolchainInfo,
    class: CoreClass,
    provision: CoreProvision,
    settings: &BuildSettings,
) -> Result<Built, BuildFailure> {
    let target_dir = target_dir(settings.work_dir, toolchain, class);
    let cargo = cargo_for(toolchain);
    let (base, notes) = cargo_command(&cargo, app, toolchain, provision, settings);
    let args = common_args(provision, settings, &target_dir);
    let start = std::time::Instant::now();
    let run = |inv: Invocation, step: &'static str| {
        let finished = inv.run().map_err(|e| BuildFailure {
            step,
            first_error: format!("cannot start {}: {e}", cargo.display()),
        })?;
        match finished.outcome {
            Outcome::Success => Ok(finished),
            _ => Err(failure(step, &finished)),
        }
    };
    let clean = base
        .clone()
        .args(["clean", "--quiet", "-p", &app.name])
        .args(&args[..5]);
    run(clean, "clean")?;
    let finished = run(base.clone().arg("build").args(&args), "build")?;
    let build_secs = start.elapsed().as_secs_f64();
    let (built, dependencies) = artifacts(&finished.stdout, app);
    let built = built.ok_or_else(|| BuildFailure {
        step: "build",
        first_error: "cargo reported no executable for the application".into(),
    })?;
    let images = target_dir.join("images");
    let image = images.join(format!("{}.elf", app.name));
    std::fs::create_dir_all(&images)
        .and_then(|_| std::fs::copy(&built, &image))
        .map_err(|e| BuildFailure {
            step: "build",
            first_error: format!("cannot copy {}: {e}", built.display()),
        })?;
    let sizes = base
        .arg("rustc")
        .args(&args)
        .args(["--bin", &app.name, "--", "-Zprint-type-sizes"]);
    let finished = run(sizes, "print-type-sizes")?;
    Ok(Built {
        image,
        dependencies,
        print_type_sizes: finished.stdout,
        cargo,
        build_secs,
        notes,
    })
}
