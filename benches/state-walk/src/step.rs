//! One step of a run, bounded in time: a program built by a toolchain at an opt level, run
//! natively and then under memcheck ([`native`]); or a program run by Miri ([`miri`]).
//!
//! rustc and Miri are called directly (the real binaries, never rustup's proxies), and every
//! command is recorded as it can be pasted into a shell from the work folder.

use crate::program::{Program, EDITION};
use crate::transcript::Transcript;
use difftest::build::OptLevel;
use difftest::memcheck::{Memcheck, MemcheckRun};
use harness::rustc::{Invocation, Outcome};
use harness::ToolchainInfo;
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How long each process may take.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub compile: Duration,
    pub run: Duration,
    pub miri: Duration,
}

/// rustc arguments every native build gets, before the program's and the toolchain's flags.
/// Full debuginfo: the coroutine debuginfo of every variant is one of the consumers of the
/// layout under review, and memcheck reports then name source lines.
pub fn rustc_args(opt: &OptLevel) -> Vec<String> {
    vec![
        "--edition".into(),
        EDITION.into(),
        format!("-Copt-level={opt}"),
        "-Cdebuginfo=2".into(),
    ]
}

/// One process of a step: how it ended, its command, its duration.
#[derive(Clone, Debug, Serialize)]
pub struct Stage {
    pub outcome: Outcome,
    pub command: String,
    pub secs: f64,
    /// The end of its stderr, when it failed.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub stderr_tail: String,
}

/// A finished process and what it printed.
struct Finished {
    stage: Stage,
    stdout: String,
}

fn execute(inv: &Invocation, env_note: &str) -> Finished {
    let command = format!("{env_note}{}", inv.display());
    match inv.run() {
        Ok(f) => {
            let stderr_tail = match f.outcome.is_success() {
                true => String::new(),
                false => tail(&f.stderr, 40),
            };
            Finished {
                stage: Stage {
                    outcome: f.outcome,
                    command,
                    secs: f.wall.as_secs_f64(),
                    stderr_tail,
                },
                stdout: f.stdout,
            }
        }
        Err(e) => Finished {
            stage: Stage {
                outcome: Outcome::Crashed {
                    detail: format!("did not start: {e}"),
                },
                command,
                secs: 0.0,
                stderr_tail: String::new(),
            },
            stdout: String::new(),
        },
    }
}

fn tail(s: &str, lines: usize) -> String {
    let all: Vec<&str> = s.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

/// What a program's run says about itself, when it did not end well. (`Outcome` classifies
/// compiler runs: a program's exit code 101 is an uncaught panic, not an ICE.)
fn run_problem(stage: &Stage, t: &Transcript) -> Option<String> {
    // A panic's first line names the place, the next one the message: both.
    let first = |s: &str| {
        let mut lines = s.lines().map(str::trim).filter(|l| !l.is_empty());
        let head = lines.next().unwrap_or("").to_string();
        match (head.contains("panicked at"), lines.next()) {
            (true, Some(msg)) => format!("{head} {msg}"),
            _ => head,
        }
    };
    match &stage.outcome {
        Outcome::Success if t.totals.is_none() => Some("ended without its `summary:` line".into()),
        Outcome::Success => None,
        Outcome::TimedOut { after_secs } => Some(format!("timed out after {after_secs:.0}s")),
        Outcome::Ice { .. } => Some(format!("exit code 101 (a panic): {}", first(&stage.stderr_tail))),
        other => Some(format!("{}: {}", other.summary(), first(&stage.stderr_tail))),
    }
}

/// A native build, its run and its run under memcheck.
#[derive(Clone, Debug)]
pub struct Native {
    pub compile: Stage,
    pub run: Option<Stage>,
    /// The run's stdout, parsed (when it ran).
    pub transcript: Option<Transcript>,
    pub stdout: String,
    /// What is wrong with the run (not with memcheck), if anything.
    pub run_problem: Option<String>,
    pub memcheck: Option<MemcheckRun>,
    pub binary: PathBuf,
}

/// Build `program` with `tc` at `opt` into `dir`, run it, and run it under `memcheck`.
pub fn native(
    program: &Program,
    tc: &ToolchainInfo,
    opt: &OptLevel,
    dir: &Path,
    limits: Limits,
    memcheck: Option<&Memcheck>,
) -> Native {
    let _ = std::fs::create_dir_all(dir);
    let binary = dir.join(&program.name);
    let _ = std::fs::remove_file(&binary);
    let mut compile = Invocation::new(&tc.rustc)
        .args(rustc_args(opt))
        .args(&program.compile_flags)
        .args(&tc.flags)
        .arg("-o")
        .arg(&binary)
        .arg(&program.path)
        .cwd(dir)
        .timeout(limits.compile);
    let mut env_note = "";
    if program.unstable_features && !tc.accepts_z() {
        compile = compile.env("RUSTC_BOOTSTRAP", "1");
        env_note = "RUSTC_BOOTSTRAP=1 ";
    }
    let compile = execute(&compile, env_note).stage;
    let mut n = Native {
        compile,
        run: None,
        transcript: None,
        stdout: String::new(),
        run_problem: None,
        memcheck: None,
        binary: binary.clone(),
    };
    if !n.compile.outcome.is_success() {
        return n;
    }
    let run = execute(&Invocation::new(&binary).cwd(dir).timeout(limits.run), "");
    let t = Transcript::parse(&run.stdout);
    n.run_problem = run_problem(&run.stage, &t);
    n.memcheck = memcheck.map(|m| m.run(&binary, dir, Some(&run.stdout)));
    n.run = Some(run.stage);
    n.transcript = Some(t);
    n.stdout = run.stdout;
    n
}

/// A Miri toolchain ready to run programs: its `miri` driver and the sysroot `cargo miri setup`
/// prepared for it.
#[derive(Clone, Debug, Serialize)]
pub struct Miri {
    pub toolchain: ToolchainInfo,
    pub miri: PathBuf,
    pub sysroot: PathBuf,
    /// `miri --version`.
    pub version: String,
}

impl Miri {
    /// Find `miri` beside the toolchain's rustc and prepare its sysroot; `Err` says why not (the
    /// component is not installed, the setup failed).
    pub fn prepare(toolchain: ToolchainInfo) -> Result<Miri, String> {
        let bin = toolchain.rustc.parent().map(Path::to_path_buf).unwrap_or_default();
        let miri = bin.join("miri");
        let cargo_miri = bin.join("cargo-miri");
        if !miri.is_file() || !cargo_miri.is_file() {
            return Err(format!(
                "`{}` has no Miri in {} (`rustup component add miri --toolchain {}`; scripts/setup.sh tries it)",
                toolchain.name,
                bin.display(),
                toolchain.name.split_whitespace().next().unwrap_or_default()
            ));
        }
        let path = std::env::join_paths(
            std::iter::once(bin.clone()).chain(std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())),
        )
        .map_err(|e| e.to_string())?;
        // cargo-miri runs the cargo named by `CARGO` when it is set; under `cargo test` or `cargo
        // run` that is the outer (stable) cargo, which refuses the `-Z` flags of Miri's first
        // sysroot build. Name this toolchain's own cargo and drop the outer toolchain's choices.
        let cargo = bin.join("cargo");
        let setup = std::process::Command::new(&cargo_miri)
            .args(["miri", "setup", "--print-sysroot"])
            .env("PATH", &path)
            .env("CARGO", &cargo)
            .env_remove("RUSTC")
            .env_remove("RUSTUP_TOOLCHAIN")
            .output()
            .map_err(|e| format!("cannot run {}: {e}", cargo_miri.display()))?;
        if !setup.status.success() {
            return Err(format!(
                "`cargo miri setup` failed for `{}`: {}",
                toolchain.name,
                harness::rustc::first_error_line(&String::from_utf8_lossy(&setup.stderr))
            ));
        }
        let sysroot = PathBuf::from(String::from_utf8_lossy(&setup.stdout).trim());
        // `miri --version` names the rustc it is built with; cargo-miri names Miri itself.
        let version = std::process::Command::new(&cargo_miri)
            .args(["miri", "--version"])
            .env("PATH", &path)
            .env("CARGO", &cargo)
            .env_remove("RUSTC")
            .env_remove("RUSTUP_TOOLCHAIN")
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
            .unwrap_or_default();
        Ok(Miri {
            toolchain,
            miri,
            sysroot,
            version,
        })
    }
}

/// One program under Miri.
#[derive(Clone, Debug)]
pub struct MiriRun {
    pub stage: Stage,
    pub transcript: Transcript,
    pub stdout: String,
    /// Miri's error (undefined behaviour, a leak, an unsupported operation) or another failure.
    pub problem: Option<String>,
    pub stderr: String,
}

/// Interpret `program` with Miri (from `dir`), with the program's and the spec's flags.
pub fn miri(program: &Program, m: &Miri, dir: &Path, limit: Duration) -> MiriRun {
    let _ = std::fs::create_dir_all(dir);
    let inv = Invocation::new(&m.miri)
        .arg("--sysroot")
        .arg(&m.sysroot)
        .args(["--edition", EDITION])
        .args(&program.compile_flags)
        .args(&m.toolchain.flags)
        .arg(&program.path)
        .cwd(dir)
        .timeout(limit);
    let command = inv.display();
    let (outcome, stdout, stderr, secs) = match inv.run() {
        Ok(f) => (f.outcome, f.stdout, f.stderr, f.wall.as_secs_f64()),
        Err(e) => (
            Outcome::Crashed {
                detail: format!("did not start: {e}"),
            },
            String::new(),
            String::new(),
            0.0,
        ),
    };
    let transcript = Transcript::parse(&stdout);
    let problem = match &outcome {
        Outcome::Success if transcript.totals.is_none() => Some("ended without its `summary:` line".into()),
        Outcome::Success => None,
        Outcome::TimedOut { after_secs } => Some(format!("timed out after {after_secs:.0}s")),
        _ => Some(miri_error(&stderr).unwrap_or_else(|| outcome.summary())),
    };
    MiriRun {
        stage: Stage {
            outcome,
            command,
            secs,
            stderr_tail: match problem {
                Some(_) => tail(&stderr, 60),
                None => String::new(),
            },
        },
        transcript,
        stdout,
        problem,
        stderr,
    }
}

/// Miri's first `error:` line (`error: Undefined Behavior: ...`), with the source line under it.
fn miri_error(stderr: &str) -> Option<String> {
    let lines: Vec<&str> = stderr.lines().collect();
    let i = lines.iter().position(|l| l.starts_with("error"))?;
    let at = lines[i + 1..]
        .iter()
        .take(3)
        .find_map(|l| l.trim_start().strip_prefix("--> "))
        .map(|s| format!(" (at {s})"))
        .unwrap_or_default();
    Some(format!("{}{at}", lines[i].trim()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn miri_errors_are_quoted_with_their_place() {
        let stderr = "warning: unused\n\nerror: Undefined Behavior: attempting a write access using <9> at alloc1[0x150]\n   --> refs_and_ptrs.rs:43:5\n    |\n";
        assert_eq!(
            miri_error(stderr).unwrap(),
            "error: Undefined Behavior: attempting a write access using <9> at alloc1[0x150] (at refs_and_ptrs.rs:43:5)"
        );
        assert_eq!(miri_error("all fine\n"), None);
    }
}
