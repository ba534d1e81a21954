//! One step: one crate's test suite built and run with one toolchain at one profile.
//!
//! 1. Build every test target without running it: `cargo test --no-run --locked --no-fail-fast
//!    [--release] --message-format=json-render-diagnostics <cargo_args>`, with the toolchain's real
//!    rustc (and rustdoc) in `RUSTC`/`RUSTDOC`, its flags in `CARGO_ENCODED_RUSTFLAGS`, a target
//!    folder per toolchain and crate, `CARGO_BUILD_JOBS` jobs. Cargo's JSON messages name the test
//!    executables (`cargo_metadata`), so no path is guessed.
//! 2. Run each executable in the crate's folder with the variables cargo would set
//!    (`CARGO_MANIFEST_DIR`, `CARGO_PKG_*`), each bounded in time, and read its output
//!    ([`crate::libtest`]). A binary that crashes or times out keeps the results it printed and
//!    adds a failure of its own (`<binary> [crashed: ...]`), so a crash is never a silent pass.
//! 3. With `doc = true`, `cargo test --doc` (its feature arguments only) for the doc tests, when
//!    every toolchain of the run has a rustdoc (the fork's stage1 build has none: then no
//!    toolchain runs them, and the results say so).
//!
//! The whole step shares one deadline (`timeout_minutes`); what is left when it passes is
//! reported as not run. A step reports per binary and in total the passed / failed / ignored
//! counts and every test's status, which [`crate::compare`] sets side by side.

use crate::libtest::{self, Counts, Status};
use crate::manifest::CrateSpec;
use harness::process::{self, Cmd};
use harness::rustc::Outcome;
use harness::ToolchainInfo;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Set by the Ctrl-C handler: stop after the running process.
pub static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// How long one test binary may run at most, within the step's deadline.
pub const BINARY_CAP: Duration = Duration::from_secs(900);

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum Profile {
    /// `cargo test`: the `test` profile (opt-level 0, debug assertions).
    Debug,
    /// `cargo test --release`: the `bench` profile's settings (opt-level 3).
    Release,
}

impl std::fmt::Display for Profile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Profile::Debug => "debug",
            Profile::Release => "release",
        })
    }
}

/// How a step ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum StepStatus {
    /// Everything built ran (tests may have failed: see the counts).
    Complete,
    /// Some test target did not build; what did build was run.
    BuildFailed { first_error: String },
    /// The deadline passed; what ran before it is kept.
    TimedOut { during: String },
    /// Ctrl-C.
    Interrupted,
}

/// One test executable (or the doc tests) of a step.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Binary {
    /// `lib`, `test:<name>`, `bin:<name>`, `example:<name>`, `bench:<name>` or `doc`.
    pub label: String,
    pub command: String,
    /// The test executable (none for the doc tests, which cargo runs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub executable: Option<PathBuf>,
    /// `ok` (the binary ended normally, whatever its tests did), or why not.
    pub outcome: String,
    pub counts: Counts,
    pub secs: f64,
    /// Every test's status by name (with `<label> [crashed: ...]`-style entries of its own when
    /// the binary itself failed).
    pub tests: BTreeMap<String, Status>,
}

/// One crate x toolchain x profile.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Step {
    #[serde(rename = "crate")]
    pub krate: String,
    pub version: String,
    pub toolchain: String,
    /// `rustc -V` and the fork's series at the time of the step.
    pub toolchain_id: String,
    pub profile: Profile,
    pub status: StepStatus,
    pub build_secs: f64,
    pub build_command: String,
    pub binaries: Vec<Binary>,
    pub counts: Counts,
    pub secs: f64,
    /// The build failed on files of the toolchain's own sysroot that were not there (the
    /// toolchain being replaced under the step): not a result, the step is to be run again.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub toolchain_vanished: bool,
}

/// Does a failed build's output say that files of `sysroot` were missing?
pub fn sysroot_missing(stderr: &str, sysroot: &Path) -> bool {
    let root = sysroot.display().to_string();
    stderr.lines().any(|l| {
        l.contains(&root) && (l.contains("No such file") || l.contains("cannot find") || l.contains("not found"))
    }) || stderr.contains("could not execute process")
        || stderr.contains("can't find crate for `std`")
        || stderr.contains("can't find crate for `core`")
}

impl Step {
    /// Every test of the step as `(binary label, test name) -> status`.
    pub fn all_tests(&self) -> BTreeMap<(String, String), Status> {
        let mut all = BTreeMap::new();
        for b in &self.binaries {
            for (name, s) in &b.tests {
                all.insert((b.label.clone(), name.clone()), *s);
            }
        }
        all
    }
}

/// Where and how a step runs.
pub struct StepConfig<'a> {
    pub spec: &'a CrateSpec,
    /// The prepared source folder (`source::prepare`).
    pub dir: &'a Path,
    pub toolchain: &'a ToolchainInfo,
    pub profile: Profile,
    /// Absolute (cargo would read a relative one against the crate's folder).
    pub target_dir: PathBuf,
    pub jobs: usize,
    pub timeout: Duration,
    /// Run the doc tests (when the crate asks for them): only when every toolchain of the run
    /// has a rustdoc, else they would be missing on one side of every comparison.
    pub doc_tests: bool,
}

fn inherited_env() -> Vec<(String, String)> {
    std::env::vars()
        .filter(|(k, _)| {
            // Variables of an outer cargo (when this tool runs under `cargo run`) must not leak
            // into the crate's build or tests; the ones the step needs are set below.
            !(k.starts_with("CARGO_")
                || k == "RUSTC"
                || k == "RUSTDOC"
                || k.starts_with("RUSTFLAGS")
                || k == "RUSTC_WRAPPER")
        })
        .collect()
}

fn set(env: &mut Vec<(String, String)>, k: &str, v: impl Into<String>) {
    env.retain(|(n, _)| n != k);
    env.push((k.to_string(), v.into()));
}

/// The toolchain's rustdoc, when it has one.
pub fn rustdoc(tc: &ToolchainInfo) -> Option<PathBuf> {
    let beside = tc.rustc.with_file_name("rustdoc");
    let in_sysroot = tc.sysroot.join("bin/rustdoc");
    [beside, in_sysroot].into_iter().find(|p| p.is_file())
}

/// The environment of cargo for this step.
fn cargo_env(c: &StepConfig) -> Vec<(String, String)> {
    let mut env = inherited_env();
    for (k, v) in c.toolchain.cargo_settings(None).env {
        set(&mut env, &k, v);
    }
    if let Some(rd) = rustdoc(c.toolchain) {
        set(&mut env, "RUSTDOC", rd.display().to_string());
    }
    set(&mut env, "CARGO_ENCODED_RUSTDOCFLAGS", c.toolchain.flags.join("\x1f"));
    set(&mut env, "CARGO_TARGET_DIR", c.target_dir.display().to_string());
    set(&mut env, "CARGO_BUILD_JOBS", c.jobs.to_string());
    set(&mut env, "CARGO_INCREMENTAL", "0");
    set(&mut env, "CARGO_TERM_COLOR", "never");
    set(&mut env, "CARGO_TERM_PROGRESS_WHEN", "never");
    env
}

/// The environment of a test binary: what `cargo test` gives it, and the toolchain's rustc for
/// tests that compile code themselves (trybuild's UI tests).
pub fn test_env(c: &StepConfig) -> Vec<(String, String)> {
    let mut env = inherited_env();
    set(&mut env, "RUSTC", c.toolchain.rustc.display().to_string());
    set(&mut env, "CARGO_MANIFEST_DIR", c.dir.display().to_string());
    set(&mut env, "CARGO_PKG_NAME", c.spec.name.clone());
    set(&mut env, "CARGO_PKG_VERSION", c.spec.version.clone());
    set(&mut env, "CARGO_CRATE_NAME", c.spec.name.replace('-', "_"));
    set(&mut env, "CARGO", cargo_program().display().to_string());
    env
}

/// The cargo that drives every build (the one on `PATH`, or the one running this tool).
pub fn cargo_program() -> PathBuf {
    std::env::var_os("CARGO")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("cargo"))
}

/// The label of a test executable from its target.
pub fn label(target: &cargo_metadata::Target) -> String {
    let kind = target.kind.first().map(|k| k.to_string()).unwrap_or_default();
    match kind.as_str() {
        "lib" | "rlib" | "dylib" | "cdylib" | "staticlib" | "proc-macro" => "lib".to_string(),
        other => format!("{other}:{}", target.name),
    }
}

/// Cargo's arguments that choose features (the only ones `cargo test --doc` may be given).
pub fn feature_args(args: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--features" | "-F" => {
                out.push(a.clone());
                out.extend(it.next().cloned());
            }
            "--all-features" | "--no-default-features" => out.push(a.clone()),
            s if s.starts_with("--features=") => out.push(a.clone()),
            _ => {}
        }
    }
    out
}

/// The first `error` line cargo or rustc printed.
fn first_error(stderr: &str) -> String {
    harness::rustc::first_error_line(stderr)
}

fn failure_name(label: &str, why: &str) -> String {
    format!("<{label} {why}>")
}

/// Read a finished test run into a [`Binary`].
pub fn binary_from_run(label: &str, command: String, outcome: &Outcome, stdout: &str, secs: f64) -> Binary {
    let report = libtest::parse(stdout);
    let mut tests = report.tests.clone();
    let outcome_text = match outcome {
        Outcome::Success => "ok".to_string(),
        // libtest exits with 101 when a test failed: that is a normal end of the binary.
        Outcome::Ice { .. } | Outcome::Crashed { .. } | Outcome::CompileError { .. } if report.summary.is_some() => {
            "ok".to_string()
        }
        Outcome::TimedOut { after_secs } => format!("timed out after {after_secs:.0}s"),
        Outcome::Crashed { detail } => format!("crashed: {detail}"),
        Outcome::Ice { message } => format!("ended without a result: {message}"),
        Outcome::CompileError { first_error } => format!("ended without a result: {first_error}"),
    };
    // A binary with its own harness (`harness = false`) prints no libtest lines: it is one test,
    // passed when it exits normally.
    if outcome_text == "ok" && report.summary.is_none() && tests.is_empty() {
        tests.insert(format!("<{label}>"), Status::Passed);
    }
    if outcome_text != "ok" {
        tests.insert(failure_name(label, &outcome_text), Status::Failed);
    }
    let mut counts = Counts::default();
    for s in tests.values() {
        match s {
            Status::Passed => counts.passed += 1,
            Status::Failed => counts.failed += 1,
            Status::Ignored => counts.ignored += 1,
        }
    }
    Binary {
        label: label.to_string(),
        command,
        executable: None,
        outcome: outcome_text,
        counts,
        secs,
        tests,
    }
}

/// Build and run one step. Progress goes to stderr, indented under the caller's step line.
pub fn run_step(c: &StepConfig) -> Step {
    assert!(
        c.target_dir.is_absolute(),
        "the target folder must be absolute: {}",
        c.target_dir.display()
    );
    let started = Instant::now();
    let deadline = started + c.timeout;
    let left = || deadline.saturating_duration_since(Instant::now());
    let mut step = Step {
        krate: c.spec.name.clone(),
        version: c.spec.version.clone(),
        toolchain: c.toolchain.name.clone(),
        toolchain_id: c.toolchain.describe(),
        profile: c.profile,
        status: StepStatus::Complete,
        build_secs: 0.0,
        build_command: String::new(),
        binaries: Vec::new(),
        counts: Counts::default(),
        secs: 0.0,
        toolchain_vanished: false,
    };
    // 1. Build.
    let mut args: Vec<String> = [
        "test",
        "--no-run",
        "--locked",
        "--no-fail-fast",
        "--message-format=json-render-diagnostics",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    if c.profile == Profile::Release {
        args.push("--release".into());
    }
    args.extend(c.spec.cargo_args.iter().cloned());
    let build = Cmd {
        program: cargo_program(),
        args,
        cwd: c.dir.to_path_buf(),
        env: Some(cargo_env(c)),
    };
    step.build_command = build.display();
    let executables = match process::run(&build, left()) {
        Err(e) => {
            step.status = StepStatus::BuildFailed {
                first_error: format!("cargo did not start: {e}"),
            };
            Vec::new()
        }
        Ok(m) => {
            step.build_secs = m.wall.as_secs_f64();
            let mut exes: Vec<(String, PathBuf)> = Vec::new();
            for msg in cargo_metadata::Message::parse_stream(m.stdout.as_bytes()).flatten() {
                if let cargo_metadata::Message::CompilerArtifact(a) = msg {
                    if let (true, Some(exe)) = (a.profile.test, a.executable) {
                        let exe = exe.into_std_path_buf();
                        if !exes.iter().any(|(_, e)| *e == exe) {
                            exes.push((label(&a.target), exe));
                        }
                    }
                }
            }
            exes.sort();
            match m.outcome {
                Outcome::Success => {}
                Outcome::TimedOut { .. } => step.status = StepStatus::TimedOut { during: "build".into() },
                _ if INTERRUPTED.load(Ordering::SeqCst) => step.status = StepStatus::Interrupted,
                _ => {
                    step.toolchain_vanished = sysroot_missing(&m.stderr, &c.toolchain.sysroot);
                    step.status = StepStatus::BuildFailed {
                        first_error: first_error(&m.stderr),
                    }
                }
            }
            eprintln!(
                "    built {} test executables in {:.0}s{}",
                exes.len(),
                step.build_secs,
                match &step.status {
                    StepStatus::BuildFailed { first_error } => format!("; BUILD FAILED: {first_error}"),
                    StepStatus::TimedOut { .. } => "; build TIMED OUT".into(),
                    _ => String::new(),
                }
            );
            exes
        }
    };
    // 2. Run the executables.
    let env = test_env(c);
    let run_one = |step: &mut Step, label: &str, cmd: Cmd, exe: Option<PathBuf>| -> bool {
        if INTERRUPTED.load(Ordering::SeqCst) {
            step.status = StepStatus::Interrupted;
            return false;
        }
        if left().is_zero() {
            step.status = StepStatus::TimedOut {
                during: format!("before {label}"),
            };
            return false;
        }
        let command = cmd.display();
        let mut b = match process::run(&cmd, left().min(BINARY_CAP)) {
            Ok(m) => binary_from_run(label, command, &m.outcome, &m.stdout, m.wall.as_secs_f64()),
            Err(e) => binary_from_run(
                label,
                command,
                &Outcome::Crashed {
                    detail: format!("did not start: {e}"),
                },
                "",
                0.0,
            ),
        };
        b.executable = exe;
        if INTERRUPTED.load(Ordering::SeqCst) {
            step.status = StepStatus::Interrupted;
            return false;
        }
        let failing: Vec<&String> = b
            .tests
            .iter()
            .filter(|(_, s)| **s == Status::Failed)
            .map(|(n, _)| n)
            .take(3)
            .collect();
        eprintln!(
            "    {label}: {} passed, {} failed, {} ignored ({:.1}s){}{}",
            b.counts.passed,
            b.counts.failed,
            b.counts.ignored,
            b.secs,
            if b.outcome == "ok" {
                String::new()
            } else {
                format!("; {}", b.outcome)
            },
            if failing.is_empty() {
                String::new()
            } else {
                format!(
                    "; failing: {}",
                    failing.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
                )
            }
        );
        step.counts.add(b.counts);
        step.binaries.push(b);
        true
    };
    let mut go_on = true;
    for (label, exe) in &executables {
        let cmd = Cmd {
            program: exe.clone(),
            args: c.spec.test_args.clone(),
            cwd: c.dir.to_path_buf(),
            env: Some(env.clone()),
        };
        if !run_one(&mut step, label, cmd, Some(exe.clone())) {
            go_on = false;
            break;
        }
    }
    // 3. Doc tests.
    if go_on && c.spec.doc && c.doc_tests {
        if rustdoc(c.toolchain).is_none() {
            eprintln!("    doc: not run, {} has no rustdoc", c.toolchain.name);
        } else {
            let mut args: Vec<String> = ["test", "--doc", "--locked", "--no-fail-fast"]
                .iter()
                .map(|s| s.to_string())
                .collect();
            if c.profile == Profile::Release {
                args.push("--release".into());
            }
            args.extend(feature_args(&c.spec.cargo_args));
            if !c.spec.test_args.is_empty() {
                args.push("--".into());
                args.extend(c.spec.test_args.iter().cloned());
            }
            let cmd = Cmd {
                program: cargo_program(),
                args,
                cwd: c.dir.to_path_buf(),
                env: Some(cargo_env(c)),
            };
            run_one(&mut step, "doc", cmd, None);
        }
    }
    step.secs = started.elapsed().as_secs_f64();
    step
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_feature_arguments_go_to_doc_tests() {
        let args: Vec<String> = [
            "--lib",
            "--test",
            "sync_mpsc",
            "--features",
            "full,test-util",
            "--no-default-features",
            "-F",
            "x",
            "--features=y",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        assert_eq!(
            feature_args(&args),
            [
                "--features",
                "full,test-util",
                "--no-default-features",
                "-F",
                "x",
                "--features=y"
            ]
        );
    }

    #[test]
    fn a_binary_that_fails_tests_ended_normally() {
        let out = "running 2 tests\ntest a ... ok\ntest b ... FAILED\n\nfailures:\n    b\n\n\
                   test result: FAILED. 1 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0s\n";
        let b = binary_from_run(
            "test:t",
            "t".into(),
            &Outcome::Crashed {
                detail: "exit code 101".into(),
            },
            out,
            0.1,
        );
        assert_eq!(b.outcome, "ok");
        assert_eq!((b.counts.passed, b.counts.failed), (1, 1));
        assert_eq!(b.tests.len(), 2);
    }

    #[test]
    fn a_crash_or_timeout_is_a_failure_of_its_own() {
        let out = "running 3 tests\ntest a ... ok\n";
        let b = binary_from_run(
            "lib",
            "x".into(),
            &Outcome::Crashed {
                detail: "killed by signal 11 (SIGSEGV)".into(),
            },
            out,
            0.1,
        );
        assert!(b.outcome.starts_with("crashed"), "{}", b.outcome);
        assert_eq!((b.counts.passed, b.counts.failed), (1, 1));
        assert!(b.tests.keys().any(|k| k.starts_with("<lib crashed")), "{:?}", b.tests);
        let t = binary_from_run("doc", "x".into(), &Outcome::TimedOut { after_secs: 900.0 }, out, 900.0);
        assert_eq!(t.outcome, "timed out after 900s");
        assert!(t.tests.contains_key("<doc timed out after 900s>"));
    }

    #[test]
    fn a_sysroot_that_went_away_is_told_from_a_build_error() {
        let root = Path::new("/x/stage1");
        let gone = "error: linking with `cc` failed: exit status: 1\n  = note: /usr/bin/ld: cannot find \
                    /x/stage1/lib/rustlib/x86_64-unknown-linux-gnu/lib/libstd-1234.rlib: No such file or directory\n";
        assert!(sysroot_missing(gone, root));
        assert!(sysroot_missing("error[E0463]: can't find crate for `std`\n", root));
        let real = "error[E0599]: no method named `x` found for struct `Y` in the current scope\n";
        assert!(!sysroot_missing(real, root));
    }

    #[test]
    fn a_binary_with_its_own_harness_is_one_test() {
        let ok = binary_from_run("test:custom", "x".into(), &Outcome::Success, "all good\n", 0.1);
        assert_eq!(ok.counts.passed, 1);
        assert!(ok.tests.contains_key("<test:custom>"));
        let bad = binary_from_run(
            "test:custom",
            "x".into(),
            &Outcome::Crashed {
                detail: "exit code 1: boom".into(),
            },
            "",
            0.1,
        );
        assert_eq!((bad.counts.passed, bad.counts.failed), (0, 1));
    }
}
